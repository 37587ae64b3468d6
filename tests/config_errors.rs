//! Every kind of configuration mistake is reported as `file:line: key `k`: message`.

use stockpost::config::{load_company_dir, load_company_files, ConfigError, ConfigFile};

const COMPANY: &str = "name = \"Test AG\"\ncurrency = \"EUR\"\n";

const ITEM_KEYS: &str = "no, description, base_unit_of_measure, costing_method, unit_cost, \
                         standard_cost, indirect_cost_percent, overhead_rate, \
                         inventory_posting_group, gen_prod_posting_group, item_category, \
                         serial_tracked";

fn load_error(company: &str, items: &str, locations: &str) -> ConfigError {
    let files = [
        ConfigFile {
            name: "config/company.toml",
            text: company,
        },
        ConfigFile {
            name: "config/items.toml",
            text: items,
        },
        ConfigFile {
            name: "config/locations.toml",
            text: locations,
        },
    ];
    match load_company_files(&files) {
        Ok(_) => panic!("the configuration was accepted but should have been refused"),
        Err(err) => err,
    }
}

fn company_error(company: &str) -> String {
    load_error(company, "", "").to_string()
}

fn items_error(items: &str) -> String {
    load_error(COMPANY, items, "").to_string()
}

fn locations_error(locations: &str) -> String {
    load_error(COMPANY, "", locations).to_string()
}

/// An `[[item]]` table with the required keys, plus `extra` lines at the end.
fn item(no: &str, costing_method: &str, extra: &str) -> String {
    format!(
        "[[item]]\nno = \"{no}\"\ncosting_method = \"{costing_method}\"\n\
         inventory_posting_group = \"RESALE\"\ngen_prod_posting_group = \"RETAIL\"\n{extra}"
    )
}

#[test]
fn unknown_costing_method_names_file_line_and_key() {
    let items = r#"# Items
[[item]]
no = "1000"
costing_method = "fifo"
inventory_posting_group = "RESALE"
gen_prod_posting_group = "RETAIL"

[[item]]
no = "1010"
description = "Grinder"
inventory_posting_group = "RESALE"
gen_prod_posting_group = "RETAIL"
unit_cost = 10
costing_method = "fifoo"
"#;
    let err = load_error(COMPANY, items, "");
    assert_eq!(
        err,
        ConfigError {
            file: "config/items.toml".to_string(),
            line: 14,
            key: "costing_method".to_string(),
            message: "unknown costing method \"fifoo\"; expected one of fifo, lifo, specific, \
                      average, standard"
                .to_string(),
        }
    );
    assert_eq!(
        err.to_string(),
        "config/items.toml:14: key `costing_method`: unknown costing method \"fifoo\"; expected \
         one of fifo, lifo, specific, average, standard"
    );
}

#[test]
fn unknown_key_suggests_the_intended_one() {
    let items = format!("{}costing_metod = \"fifo\"\n", item("1000", "fifo", ""));
    assert_eq!(
        items_error(&items),
        format!(
            "config/items.toml:6: key `costing_metod`: unknown key; did you mean \
             `costing_method`? expected one of {ITEM_KEYS}"
        )
    );
}

#[test]
fn unknown_section_in_company_toml() {
    let company = format!("{COMPANY}\n[inventory]\nautomatic_cost_posting = true\n");
    assert_eq!(
        company_error(&company),
        "config/company.toml:4: key `inventory`: unknown key; expected one of name, currency, \
         rounding, inventory_setup"
    );
}

#[test]
fn unknown_key_inside_a_section_is_named_with_its_section() {
    let company = format!("{COMPANY}[inventory_setup]\nautomatic_cost_adjustmnt = \"never\"\n");
    let err = load_error(&company, "", "");
    assert_eq!(
        (err.line, err.key.as_str()),
        (4, "inventory_setup.automatic_cost_adjustmnt")
    );
    assert!(err
        .message
        .starts_with("unknown key; did you mean `automatic_cost_adjustment`?"));
}

#[test]
fn misspelt_array_of_tables_name() {
    let items = "\n[[items]]\nno = \"1\"\n";
    assert_eq!(
        items_error(items),
        "config/items.toml:2: key `items`: unknown key; did you mean `item`? expected one of item"
    );
}

#[test]
fn missing_required_key_points_at_the_table_header() {
    let items = format!(
        "{}\n[[item]]\nno = \"2\"\ncosting_method = \"fifo\"\ninventory_posting_group = \"RESALE\"\n",
        item("1", "fifo", "")
    );
    assert_eq!(
        items_error(&items),
        "config/items.toml:7: key `gen_prod_posting_group`: missing required key"
    );
}

#[test]
fn missing_company_name() {
    assert_eq!(
        company_error("# no name here\ncurrency = \"EUR\"\n"),
        "config/company.toml:1: key `name`: missing required key"
    );
}

#[test]
fn wrong_types_are_named() {
    let items = item("1", "fifo", "serial_tracked = \"yes\"\n");
    assert_eq!(
        items_error(&items),
        "config/items.toml:6: key `serial_tracked`: expected true or false, found string \"yes\""
    );
    let items = "[[item]]\nno = 1000\n";
    assert_eq!(
        items_error(items),
        "config/items.toml:2: key `no`: expected a string in quotes, found integer 1000"
    );
    let items = item("1", "fifo", "unit_cost = true\n");
    assert_eq!(
        items_error(&items),
        "config/items.toml:6: key `unit_cost`: expected a decimal number, found boolean true"
    );
    assert_eq!(
        items_error("item = \"1000\"\n"),
        "config/items.toml:1: key `item`: expected [[item]] tables, found string \"1000\""
    );
}

#[test]
fn decimal_strings_must_be_numbers() {
    let items = item("1", "fifo", "unit_cost = \"12,50\"\n");
    assert_eq!(
        items_error(&items),
        "config/items.toml:6: key `unit_cost`: string \"12,50\" is not a valid decimal; write \
         digits with a decimal point, e.g. 12.50 (at most 28 decimal places)"
    );
    let items = item("1", "fifo", "unit_cost = 1.00000000000000000000000000001\n");
    assert_eq!(
        items_error(&items),
        "config/items.toml:6: key `unit_cost`: float 1.00000000000000000000000000001 is not a \
         valid decimal; write digits with a decimal point, e.g. 12.50 (at most 28 decimal places)"
    );
}

#[test]
fn negative_costs_are_refused() {
    for key in [
        "unit_cost",
        "standard_cost",
        "indirect_cost_percent",
        "overhead_rate",
    ] {
        let items = item("1", "fifo", &format!("{key} = -1.5\n"));
        assert_eq!(
            items_error(&items),
            format!("config/items.toml:6: key `{key}`: -1.5 is negative; it must be 0 or more")
        );
    }
}

#[test]
fn precision_must_be_from_a_hundred_thousandth_to_one() {
    for (key, value) in [
        ("amount_precision", "0"),
        ("unit_amount_precision", "1.5"),
        ("amount_precision", "-0.01"),
        ("amount_precision", "0.000001"),
    ] {
        let company = format!("{COMPANY}\n[rounding]\n{key} = {value}\n");
        assert_eq!(
            company_error(&company),
            format!(
                "config/company.toml:5: key `rounding.{key}`: precision {value} is out of range; \
                 it must be from 0.00001 to 1, e.g. 0.01"
            )
        );
    }
}

#[test]
fn item_costs_and_rates_are_bounded_like_a_journal_line() {
    for (key, value, says) in [
        (
            "standard_cost",
            "1000000000.00001",
            "is above 1000000000, the largest value this key takes",
        ),
        (
            "overhead_rate",
            "79228162514264337593543950335",
            "is above 1000000000",
        ),
        (
            "unit_cost",
            "1.000001",
            "has more than 5 decimals; round it to 5",
        ),
        (
            "indirect_cost_percent",
            "1000.5",
            "is above 1000, the largest value this key takes",
        ),
    ] {
        let items = item("1", "fifo", &format!("{key} = \"{value}\"\n"));
        let error = items_error(&items);
        assert!(
            error.starts_with(&format!("config/items.toml:6: key `{key}`: {value} "))
                && error.contains(says),
            "{error}"
        );
    }
}

#[test]
fn unknown_rounding_strategy() {
    let company = format!("{COMPANY}[rounding]\nstrategy = \"bankers\"\n");
    assert_eq!(
        company_error(&company),
        "config/company.toml:4: key `rounding.strategy`: unknown rounding strategy \"bankers\"; \
         expected one of midpoint_away_from_zero, midpoint_nearest_even, midpoint_toward_zero, \
         up, down"
    );
}

#[test]
fn unknown_inventory_setup_choices() {
    let company = format!("{COMPANY}[inventory_setup]\naverage_cost_period = \"fortnight\"\n");
    assert_eq!(
        company_error(&company),
        "config/company.toml:4: key `inventory_setup.average_cost_period`: unknown average cost \
         period \"fortnight\"; expected one of day, week, month, quarter, year, accounting_period"
    );
    let company = format!("{COMPANY}[inventory_setup]\nautomatic_cost_adjustment = 1\n");
    assert_eq!(
        company_error(&company),
        "config/company.toml:4: key `inventory_setup.automatic_cost_adjustment`: expected a \
         string in quotes, found integer 1"
    );
    let company = format!("{COMPANY}[inventory_setup]\naverage_cost_calc_type = \"location\"\n");
    assert_eq!(
        company_error(&company),
        "config/company.toml:4: key `inventory_setup.average_cost_calc_type`: unknown average \
         cost calc. type \"location\"; expected one of item, item_location_variant"
    );
}

#[test]
fn duplicate_item_no_names_the_first_line() {
    let items = format!("{}\n{}", item("1000", "fifo", ""), item("1000", "lifo", ""));
    assert_eq!(
        items_error(&items),
        "config/items.toml:8: key `no`: duplicate item no. \"1000\"; it is already used on line 2"
    );
}

#[test]
fn duplicate_location_code_ignores_case() {
    let locations = "[[location]]\ncode = \"MAIN\"\n\n[[location]]\ncode = \"BASEL\"\n\n\
                     [[location]]\ncode = \"main\"\n";
    assert_eq!(
        locations_error(locations),
        "config/locations.toml:8: key `code`: duplicate location code \"main\"; it is already \
         used on line 2"
    );
}

#[test]
fn blank_codes_are_refused() {
    assert_eq!(
        locations_error("[[location]]\ncode = \" \"\n"),
        "config/locations.toml:2: key `code`: must not be empty"
    );
    let items = item("1", "fifo", "").replace("\"RETAIL\"", "\"\"");
    assert_eq!(
        items_error(&items),
        "config/items.toml:5: key `gen_prod_posting_group`: must not be empty"
    );
}

#[test]
fn location_attributes_must_be_text() {
    let locations =
        "[[location]]\ncode = \"MAIN\"\n[location.attributes]\ncountry = \"CH\"\nzone = 3\n";
    assert_eq!(
        locations_error(locations),
        "config/locations.toml:5: key `attributes.zone`: expected a string in quotes, found \
         integer 3"
    );
    let locations = "[[location]]\ncode = \"MAIN\"\nattributes = \"CH\"\n";
    assert_eq!(
        locations_error(locations),
        "config/locations.toml:3: key `attributes`: expected a table, found string \"CH\""
    );
}

#[test]
fn accounting_periods_must_ascend() {
    let company = format!(
        "{COMPANY}[inventory_setup]\naccounting_period = [\n\
         \x20 {{ starting_date = 2026-01-01, new_fiscal_year = true }},\n\
         \x20 {{ starting_date = 2026-03-01 }},\n\
         \x20 {{ starting_date = 2026-02-01 }},\n]\n"
    );
    assert_eq!(
        company_error(&company),
        "config/company.toml:7: key `starting_date`: accounting periods must be in ascending \
         order of starting_date; 2026-02-01 does not come after 2026-03-01 (line 6)"
    );
    let company = format!(
        "{COMPANY}\n[[inventory_setup.accounting_period]]\nstarting_date = 2026-01-01\n\
         new_fiscal_year = true\n\n[[inventory_setup.accounting_period]]\nstarting_date = 2026-01-01\n"
    );
    assert_eq!(
        company_error(&company),
        "config/company.toml:9: key `starting_date`: accounting periods must be in ascending \
         order of starting_date; 2026-01-01 does not come after 2026-01-01 (line 5)"
    );
}

#[test]
fn first_accounting_period_starts_a_fiscal_year() {
    let company =
        format!("{COMPANY}\n[[inventory_setup.accounting_period]]\nstarting_date = 2026-01-01\n");
    assert_eq!(
        company_error(&company),
        "config/company.toml:4: key `new_fiscal_year`: the first accounting period must start a \
         fiscal year; add new_fiscal_year = true"
    );
    let company =
        format!("{COMPANY}\n[[inventory_setup.accounting_period]]\nnew_fiscal_year = true\n");
    assert_eq!(
        company_error(&company),
        "config/company.toml:4: key `starting_date`: missing required key"
    );
}

#[test]
fn average_cost_period_accounting_period_needs_periods() {
    let company =
        format!("{COMPANY}[inventory_setup]\naverage_cost_period = \"accounting_period\"\n");
    assert_eq!(
        company_error(&company),
        "config/company.toml:4: key `inventory_setup.average_cost_period`: \"accounting_period\" \
         needs accounting periods; add [[inventory_setup.accounting_period]] tables or choose \
         another period"
    );
}

#[test]
fn dates_must_be_toml_local_dates() {
    let company = format!("{COMPANY}[inventory_setup]\nallow_posting_from = \"2026-10-01\"\n");
    assert_eq!(
        company_error(&company),
        "config/company.toml:4: key `inventory_setup.allow_posting_from`: expected a local date \
         without quotes, e.g. 2026-10-01, found string \"2026-10-01\""
    );
    let company = format!("{COMPANY}[inventory_setup]\nallow_posting_to = 2026-10-01T08:00:00\n");
    assert_eq!(
        company_error(&company),
        "config/company.toml:4: key `inventory_setup.allow_posting_to`: expected a local date \
         without quotes, e.g. 2026-10-01, found date-time 2026-10-01T08:00:00"
    );
}

#[test]
fn allow_posting_to_may_not_precede_allow_posting_from() {
    let company = format!(
        "{COMPANY}[inventory_setup]\nallow_posting_from = 2026-10-01\nallow_posting_to = 2026-09-30\n"
    );
    assert_eq!(
        company_error(&company),
        "config/company.toml:5: key `inventory_setup.allow_posting_to`: 2026-09-30 is before \
         allow_posting_from 2026-10-01; no date could be posted"
    );
}

#[test]
fn specific_items_must_be_serial_tracked() {
    let items = item("1020", "specific", "serial_tracked = false\n");
    assert_eq!(
        items_error(&items),
        "config/items.toml:6: key `serial_tracked`: a specific-cost item must be serial-tracked \
         (Specific costing follows serial numbers); remove the key or set serial_tracked = true"
    );
}

#[test]
fn standard_item_unit_cost_must_equal_standard_cost() {
    let items = item("3000", "standard", "standard_cost = 4.5\nunit_cost = 4.6\n");
    assert_eq!(
        items_error(&items),
        "config/items.toml:7: key `unit_cost`: unit cost 4.6 differs from standard_cost 4.5; a \
         standard item's unit cost is its standard cost, so remove unit_cost or make the two equal"
    );
}

#[test]
fn toml_syntax_errors_name_the_line() {
    let err = load_error(&format!("{COMPANY}[rounding]\nstrategy = up\n"), "", "");
    assert_eq!(
        (err.file.as_str(), err.line, err.key.as_str()),
        ("config/company.toml", 4, "")
    );
    assert!(err.message.starts_with("invalid TOML: "), "{}", err.message);
    assert!(err
        .to_string()
        .starts_with("config/company.toml:4: invalid TOML: "));
}

#[test]
fn missing_file_among_the_given_files() {
    let files = [
        ConfigFile {
            name: "config/company.toml",
            text: COMPANY,
        },
        ConfigFile {
            name: "config/locations.toml",
            text: "",
        },
    ];
    let err = load_company_files(&files).unwrap_err();
    assert_eq!(
        err.to_string(),
        "items.toml: file missing: no items.toml among the given files (config/company.toml, \
         config/locations.toml); a company needs company.toml, items.toml and locations.toml"
    );
    assert_eq!(err.line, 0);
}

#[test]
fn a_file_given_twice_is_refused() {
    let files = [
        ConfigFile {
            name: "a/company.toml",
            text: COMPANY,
        },
        ConfigFile {
            name: "b/company.toml",
            text: COMPANY,
        },
        ConfigFile {
            name: "items.toml",
            text: "",
        },
        ConfigFile {
            name: "locations.toml",
            text: "",
        },
    ];
    assert_eq!(
        load_company_files(&files).unwrap_err().to_string(),
        "company.toml: given twice: a/company.toml and b/company.toml; pass exactly one company.toml"
    );
}

#[test]
fn missing_folder_says_what_to_do() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/no-such-company");
    let err = load_company_dir(&dir).unwrap_err();
    assert_eq!(err.file, dir.join("company.toml").display().to_string());
    assert_eq!((err.line, err.key.as_str()), (0, ""));
    assert!(
        err.message.starts_with("cannot read company.toml: "),
        "{}",
        err.message
    );
    assert!(
        err.message.ends_with(
            "a company's config folder must contain company.toml, items.toml and locations.toml \
             (`stockpost init DIR --chart NAME` starts a company from a localisation pack; see \
             docs/configuration.md)"
        ),
        "{}",
        err.message
    );
}
