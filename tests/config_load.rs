//! The bundled example company loads with exactly the values of its config files, and the loader
//! turns decimals into exact `Decimal`s.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use stockpost::config::load::{example_company, EXAMPLE_CONFIG_FILES};
use stockpost::config::{
    load_company_dir, load_company_files, AccountingPeriod, AutomaticCostAdjustment,
    AverageCostCalcType, AverageCostPeriod, CompanyConfig, ConfigFile, CostingMethod,
};
use stockpost::money::RoundingStrategy;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn item<'c>(company: &'c CompanyConfig, no: &str) -> &'c stockpost::config::Item {
    company.items.iter().find(|item| item.no == no).unwrap()
}

#[test]
fn example_company_header_rounding_and_setup() {
    let company = example_company();
    assert_eq!(company.name, "Kaffeewerk AG");
    assert_eq!(company.currency, "CHF");
    assert_eq!(company.rounding.amount_precision, dec!(0.01));
    assert_eq!(company.rounding.unit_amount_precision, dec!(0.00001));
    assert_eq!(
        company.rounding.strategy,
        RoundingStrategy::MidpointAwayFromZero
    );

    let setup = &company.inventory_setup;
    assert!(setup.automatic_cost_posting);
    assert!(setup.expected_cost_posting_to_gl);
    assert_eq!(
        setup.automatic_cost_adjustment,
        AutomaticCostAdjustment::Never
    );
    assert_eq!(setup.average_cost_period, AverageCostPeriod::Month);
    assert_eq!(setup.average_cost_calc_type, AverageCostCalcType::Item);
    assert!(!setup.prevent_negative_inventory);
    assert_eq!(setup.allow_posting_from, Some(date(2026, 10, 1)));
    assert_eq!(setup.allow_posting_to, None);
    assert_eq!(setup.user_allow_posting_from, None);
    assert_eq!(
        setup.inventory_periods_closed_through,
        Some(date(2026, 9, 30))
    );
}

#[test]
fn example_company_accounting_periods_are_the_months_of_2026_2027_and_2028_01_01() {
    let periods = &example_company().inventory_setup.accounting_periods;
    let mut expected: Vec<AccountingPeriod> = [2026, 2027]
        .into_iter()
        .flat_map(|year| {
            (1..=12).map(move |month| AccountingPeriod {
                starting_date: date(year, month, 1),
                new_fiscal_year: month == 1,
            })
        })
        .collect();
    expected.push(AccountingPeriod {
        starting_date: date(2028, 1, 1),
        new_fiscal_year: true,
    });
    assert_eq!(periods, &expected);
}

#[test]
fn example_company_items_in_file_order() {
    let company = example_company();
    let numbers: Vec<&str> = company.items.iter().map(|item| item.no.as_str()).collect();
    assert_eq!(
        numbers,
        ["1000", "1010", "1020", "2000", "2010", "3000", "3010", "5000"]
    );
    let methods: Vec<CostingMethod> = company
        .items
        .iter()
        .map(|item| item.costing_method)
        .collect();
    use CostingMethod::*;
    assert_eq!(
        methods,
        [Fifo, Lifo, Specific, Average, Average, Standard, Standard, Fifo]
    );
    let serial: Vec<&str> = company
        .items
        .iter()
        .filter(|item| item.serial_tracked)
        .map(|item| item.no.as_str())
        .collect();
    assert_eq!(serial, ["1020"]);
}

#[test]
fn example_item_3000_is_a_standard_item_with_overhead() {
    let company = example_company();
    let jug = item(&company, "3000");
    assert_eq!(jug.description, "Milk jug 0.6 l");
    assert_eq!(jug.base_unit_of_measure, "PCS");
    assert_eq!(jug.costing_method, CostingMethod::Standard);
    assert_eq!(jug.standard_cost, dec!(4.5));
    assert_eq!(jug.unit_cost, dec!(4.5));
    assert_eq!(jug.indirect_cost_percent, dec!(5));
    assert_eq!(jug.overhead_rate, dec!(0.10));
    // Written as 0.10 in the file: the digits are kept, scale included.
    assert_eq!(jug.overhead_rate.to_string(), "0.10");
    assert_eq!(jug.inventory_posting_group, "RESALE");
    assert_eq!(jug.gen_prod_posting_group, "RETAIL");
    assert_eq!(jug.item_category.as_deref(), Some("ACCESSORIES"));
    assert!(!jug.serial_tracked);
}

#[test]
fn example_items_costs_groups_and_units() {
    let company = example_company();
    let tamper = item(&company, "3010");
    assert_eq!(
        (tamper.unit_cost, tamper.standard_cost),
        (dec!(12), dec!(12))
    );
    let descaler = item(&company, "5000");
    assert_eq!(descaler.indirect_cost_percent, dec!(2.5));
    assert_eq!(descaler.inventory_posting_group, "RAWMAT");
    assert_eq!(descaler.gen_prod_posting_group, "RAWMAT");
    assert_eq!(descaler.item_category.as_deref(), Some("SUPPLIES"));
    assert_eq!(descaler.base_unit_of_measure, "L");
    let arabica = item(&company, "2000");
    assert_eq!(arabica.base_unit_of_measure, "KG");
    assert_eq!(arabica.description, "Arabica beans 1 kg");
    assert_eq!(item(&company, "2010").base_unit_of_measure, "KG");
    let leva = item(&company, "1020");
    assert_eq!(leva.item_category.as_deref(), Some("MACHINES"));
    assert_eq!(leva.unit_cost, Decimal::ZERO);
}

#[test]
fn example_company_locations_with_country_attributes() {
    let locations = example_company().locations;
    let summary: Vec<(&str, &str, Option<&str>)> = locations
        .iter()
        .map(|location| {
            let country = location.attributes.get("country").map(String::as_str);
            (location.code.as_str(), location.name.as_str(), country)
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("MAIN", "Hauptlager Zürich", Some("CH")),
            ("BASEL", "Lager Basel", Some("CH")),
            ("LYON", "Entrepôt Lyon", Some("FR")),
            ("BRANCH", "Lager Bern", Some("CH")),
        ]
    );
    assert!(locations
        .iter()
        .all(|location| location.attributes.len() == 1));
}

#[test]
fn example_files_on_disk_match_the_embedded_copy() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/ch-kmu");
    assert_eq!(load_company_dir(&dir).unwrap(), example_company());
    let names: Vec<&str> = EXAMPLE_CONFIG_FILES.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        names,
        [
            "config/company.toml",
            "config/items.toml",
            "config/locations.toml"
        ]
    );
}

const COMPANY: &str = "name = \"Test AG\"\ncurrency = \"EUR\"\n";

fn load(company: &str, items: &str, locations: &str) -> CompanyConfig {
    let files = [
        ConfigFile {
            name: "company.toml",
            text: company,
        },
        ConfigFile {
            name: "items.toml",
            text: items,
        },
        ConfigFile {
            name: "locations.toml",
            text: locations,
        },
    ];
    load_company_files(&files).unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn float_literals_become_exact_decimals() {
    let items = r#"
[[item]]
no = "A"
costing_method = "fifo"
unit_cost = 0.1
standard_cost = 999999999.99999
indirect_cost_percent = 9_99.25
overhead_rate = 2.5e-3
inventory_posting_group = "RESALE"
gen_prod_posting_group = "RETAIL"
"#;
    let item = &load(COMPANY, items, "").items[0];
    assert_eq!(item.unit_cost, dec!(0.1));
    // The largest standard cost there is, taken from the digits as written, not through f64.
    assert_eq!(item.standard_cost, dec!(999999999.99999));
    assert_eq!(item.indirect_cost_percent, dec!(999.25));
    assert_eq!(item.overhead_rate, dec!(0.0025));
}

#[test]
fn decimals_may_be_strings_or_integers() {
    let items = r#"
[[item]]
no = "A"
costing_method = "standard"
standard_cost = "4.50"
overhead_rate = 3
inventory_posting_group = "RESALE"
gen_prod_posting_group = "RETAIL"
"#;
    let item = &load(COMPANY, items, "").items[0];
    assert_eq!(item.standard_cost.to_string(), "4.50");
    // A standard item's unit cost defaults to its standard cost.
    assert_eq!(item.unit_cost, dec!(4.5));
    assert_eq!(item.overhead_rate, dec!(3));
}

#[test]
fn omitted_keys_take_their_documented_defaults() {
    let items = r#"
[[item]]
no = "S"
costing_method = "specific"
inventory_posting_group = "RESALE"
gen_prod_posting_group = "RETAIL"

[[item]]
no = "STD"
costing_method = "standard"
inventory_posting_group = "RESALE"
gen_prod_posting_group = "RETAIL"
item_category = ""
"#;
    let locations = "[[location]]\ncode = \"MAIN\"\n";
    let company = load(COMPANY, items, locations);
    assert_eq!(company.rounding, stockpost::money::Rounding::default());
    assert_eq!(
        company.inventory_setup,
        stockpost::config::InventorySetup::default()
    );
    let specific = &company.items[0];
    assert!(specific.serial_tracked);
    assert_eq!(specific.description, "");
    assert_eq!(specific.base_unit_of_measure, "PCS");
    assert_eq!(specific.item_category, None);
    assert_eq!(
        (
            specific.unit_cost,
            specific.standard_cost,
            specific.indirect_cost_percent,
            specific.overhead_rate
        ),
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO)
    );
    // A standard item without a standard cost is allowed: it is carried at 0.
    let standard = &company.items[1];
    assert_eq!(
        (standard.standard_cost, standard.unit_cost),
        (Decimal::ZERO, Decimal::ZERO)
    );
    assert!(!standard.serial_tracked);
    assert_eq!(standard.item_category, None);
    assert_eq!(company.locations[0].name, "");
    assert_eq!(company.locations[0].attributes, BTreeMap::new());
}

#[test]
fn rounding_strategies_map_onto_rust_decimal_as_documented() {
    // name, strategy, and 2.345 / -2.345 / 2.341 rounded to 0.01 (table in docs/configuration.md)
    let cases = [
        (
            "midpoint_away_from_zero",
            RoundingStrategy::MidpointAwayFromZero,
            [dec!(2.35), dec!(-2.35), dec!(2.34)],
        ),
        (
            "midpoint_nearest_even",
            RoundingStrategy::MidpointNearestEven,
            [dec!(2.34), dec!(-2.34), dec!(2.34)],
        ),
        (
            "midpoint_toward_zero",
            RoundingStrategy::MidpointTowardZero,
            [dec!(2.34), dec!(-2.34), dec!(2.34)],
        ),
        (
            "up",
            RoundingStrategy::AwayFromZero,
            [dec!(2.35), dec!(-2.35), dec!(2.35)],
        ),
        (
            "down",
            RoundingStrategy::ToZero,
            [dec!(2.34), dec!(-2.34), dec!(2.34)],
        ),
    ];
    for (name, strategy, expected) in cases {
        let company = format!("{COMPANY}[rounding]\nstrategy = \"{name}\"\n");
        let rounding = load(&company, "", "").rounding;
        assert_eq!(rounding.strategy, strategy, "{name}");
        let rounded = [dec!(2.345), dec!(-2.345), dec!(2.341)].map(|value| rounding.amount(value));
        assert_eq!(rounded, expected, "{name}");
    }
}

#[test]
fn precisions_need_not_be_powers_of_ten() {
    let company =
        format!("{COMPANY}[rounding]\namount_precision = 0.05\nunit_amount_precision = \"1\"\n");
    let rounding = load(&company, "", "").rounding;
    assert_eq!(
        (rounding.amount_precision, rounding.unit_amount_precision),
        (dec!(0.05), dec!(1))
    );
    assert_eq!(rounding.amount(dec!(1.075)), dec!(1.1));
}

#[test]
fn accounting_periods_may_be_written_as_array_of_tables() {
    let company = format!(
        "{COMPANY}[inventory_setup]\naverage_cost_period = \"accounting_period\"\n\n\
         [[inventory_setup.accounting_period]]\nstarting_date = 2026-01-01\nnew_fiscal_year = true\n\n\
         [[inventory_setup.accounting_period]]\nstarting_date = 2026-04-01\n"
    );
    let setup = load(&company, "", "").inventory_setup;
    assert_eq!(
        setup.average_cost_period,
        AverageCostPeriod::AccountingPeriod
    );
    assert_eq!(
        setup.accounting_periods,
        [
            AccountingPeriod {
                starting_date: date(2026, 1, 1),
                new_fiscal_year: true
            },
            AccountingPeriod {
                starting_date: date(2026, 4, 1),
                new_fiscal_year: false
            },
        ]
    );
}

#[test]
fn other_toml_files_in_the_folder_are_ignored() {
    let files = [
        ConfigFile {
            name: "cfg/accounts.toml",
            text: "this is [not even toml",
        },
        ConfigFile {
            name: "cfg/company.toml",
            text: COMPANY,
        },
        ConfigFile {
            name: "cfg/items.toml",
            text: "",
        },
        ConfigFile {
            name: "cfg/locations.toml",
            text: "",
        },
    ];
    let company = load_company_files(&files).unwrap();
    assert_eq!(company.name, "Test AG");
    assert!(company.items.is_empty() && company.locations.is_empty());
}
