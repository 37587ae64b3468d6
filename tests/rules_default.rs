//! The default rules in `rules/` against the example company and its chart.

mod rules_support;

use std::sync::Arc;

use rules_support::*;
use stockpost::journal::Dimensions;
use stockpost::ledger::ItemLedgerEntryType;
use stockpost::rules::check::{check_rule_set, render_json, render_table};
use stockpost::rules::{AccountKey, AccountRole, RuleErrorKind, RuleSet};

fn account(rule_set: &RuleSet, key: &AccountKey, role: AccountRole) -> String {
    match rule_set.account(key, role) {
        Ok(resolved) => resolved.account_no.to_string(),
        Err(error) => panic!("{error}"),
    }
}

fn purchase(location: &str, inventory_group: &str, business: &str, product: &str) -> AccountKey {
    key(
        &KeySpec {
            location,
            inventory_posting_group: inventory_group,
            gen_bus_posting_group: business,
            gen_prod_posting_group: product,
            item_category: if product == "RAWMAT" {
                "SUPPLIES"
            } else {
                "MACHINES"
            },
            entry_type: ItemLedgerEntryType::Purchase,
        },
        &[],
    )
}

#[test]
fn swiss_locations_share_the_swiss_stock_accounts() {
    let rules = load_default_rules();
    for location in ["MAIN", "BASEL", ""] {
        let sale = beans_sale(location);
        assert_eq!(account(&rules, &sale, AccountRole::Inventory), "1200");
        assert_eq!(
            account(&rules, &sale, AccountRole::InventoryInterim),
            "1201"
        );
    }
    let raw = purchase("BASEL", "RAWMAT", "DOMESTIC", "RAWMAT");
    assert_eq!(account(&rules, &raw, AccountRole::Inventory), "1210");
    assert_eq!(account(&rules, &raw, AccountRole::InventoryInterim), "1211");
}

#[test]
fn lyon_in_france_has_its_own_stock_accounts() {
    let rules = load_default_rules();
    let sale = beans_sale("LYON");
    assert_eq!(account(&rules, &sale, AccountRole::Inventory), "1205");
    assert_eq!(
        account(&rules, &sale, AccountRole::InventoryInterim),
        "1206"
    );
    let raw = purchase("LYON", "RAWMAT", "EU", "RAWMAT");
    assert_eq!(account(&rules, &raw, AccountRole::Inventory), "1215");
    assert_eq!(account(&rules, &raw, AccountRole::InventoryInterim), "1216");
    assert_eq!(account(&rules, &raw, AccountRole::WipInventory), "1270");
}

#[test]
fn general_accounts_follow_the_product_posting_group() {
    let rules = load_default_rules();
    let retail = purchase("MAIN", "RESALE", "DOMESTIC", "RETAIL");
    let expected_retail = [
        (AccountRole::Cogs, "4200"),
        (AccountRole::CogsInterim, "4201"),
        (AccountRole::InventoryAdjmt, "4208"),
        (AccountRole::DirectCostApplied, "4260"),
        (AccountRole::OverheadApplied, "4270"),
        (AccountRole::PurchaseVariance, "4250"),
        (AccountRole::InvtAccrualInterim, "2005"),
    ];
    for (role, expected) in expected_retail {
        assert_eq!(account(&rules, &retail, role), expected, "{role}");
    }
    let raw = purchase("LYON", "RAWMAT", "EXPORT", "RAWMAT");
    assert_eq!(account(&rules, &raw, AccountRole::Cogs), "4000");
    assert_eq!(
        account(&rules, &raw, AccountRole::DirectCostApplied),
        "4060"
    );
    assert_eq!(account(&rules, &raw, AccountRole::InventoryAdjmt), "4008");
    // Item journal lines carry a blank business group.
    let journal = purchase("MAIN", "RESALE", "", "RETAIL");
    assert_eq!(
        account(&rules, &journal, AccountRole::InventoryAdjmt),
        "4208"
    );
}

#[test]
fn provenance_names_the_rule_file_and_function() {
    let rules = load_default_rules();
    let resolved = rules
        .account(&beans_sale("LYON"), AccountRole::Cogs)
        .unwrap();
    assert!(resolved.rule_file.ends_with("general.rhai"), "{resolved:?}");
    assert_eq!(resolved.rule_function, "general_accounts");
    assert_eq!(resolved.role, AccountRole::Cogs);
    let stock = rules
        .account(&beans_sale("LYON"), AccountRole::Inventory)
        .unwrap();
    assert!(stock.rule_file.ends_with("inventory.rhai"));
    assert_eq!(stock.rule_function, "inventory_accounts");
}

#[test]
fn unknown_business_group_fails_with_the_thrown_message_and_line() {
    let rules = load_default_rules();
    let wholesale = purchase("MAIN", "RESALE", "WHOLESALE", "RETAIL");
    let error = rules.account(&wholesale, AccountRole::Cogs).unwrap_err();
    assert_eq!(error.kind, RuleErrorKind::Runtime);
    assert!(
        error
            .message
            .contains("unknown gen. business posting group \"WHOLESALE\""),
        "{error}"
    );
    let location = error.location.as_ref().unwrap();
    assert!(location.file.ends_with("general.rhai"));
    assert_eq!(location.line, 12);
    assert!(error
        .key
        .as_deref()
        .unwrap()
        .contains("gen_bus_posting_group=\"WHOLESALE\""));
    // The stock side does not look at business groups and still answers.
    assert_eq!(account(&rules, &wholesale, AccountRole::Inventory), "1200");
}

#[test]
fn load_evaluates_every_known_key_once_and_lookups_run_no_rhai() {
    let rules = load_default_rules();
    // Inventory: 5 locations (incl. blank) x 4 (group, category) pairs x 5 entry types = 100.
    // General: 4 business groups (incl. blank) x 4 (group, category) x 5 x 5 locations = 400.
    assert_eq!(rules.evaluation_count(), 500);
    for _ in 0..1_000 {
        for location in ["MAIN", "BASEL", "LYON", "BRANCH", ""] {
            let sale = beans_sale(location);
            rules.account(&sale, AccountRole::Inventory).unwrap();
            rules.account(&sale, AccountRole::Cogs).unwrap();
        }
    }
    assert_eq!(rules.evaluation_count(), 500);
}

#[test]
fn a_new_key_is_evaluated_once_on_first_use() {
    let rules = load_default_rules();
    let base = beans_sale("MAIN");
    let mut dimensions = Dimensions::new();
    dimensions.insert("DEPARTMENT".to_string(), "SALES".to_string());
    let mut with_dimension = base.clone();
    with_dimension.inventory.dimensions = Arc::new(dimensions.clone());
    with_dimension.general.dimensions = Arc::new(dimensions);
    let before = rules.evaluation_count();
    for _ in 0..100 {
        assert_eq!(
            account(&rules, &with_dimension, AccountRole::Inventory),
            "1200"
        );
    }
    assert_eq!(rules.evaluation_count(), before + 1);
    for _ in 0..100 {
        assert_eq!(account(&rules, &with_dimension, AccountRole::Cogs), "4200");
        assert_eq!(
            account(&rules, &with_dimension, AccountRole::CogsInterim),
            "4201"
        );
    }
    assert_eq!(rules.evaluation_count(), before + 2);
}

#[test]
fn check_report_is_valid_and_shows_lyon_on_its_own_account() {
    let config = example_company();
    let chart = example_chart();
    let loaded = RuleSet::load(&repo_path("rules/ch-kmu"), &config, &chart);
    let report = check_rule_set(loaded, &config, &chart);
    assert!(report.is_valid(), "{:?}", report.errors);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    // 100 inventory keys x (2 stock + 6 production roles) + 400 general keys x 7 roles.
    assert_eq!(report.rows.len(), 100 * 8 + 400 * 7);
    let table = render_table(&report);
    let has_row = |cells: &[&str]| {
        table.lines().any(|line| {
            line.split_whitespace()
                .take(cells.len())
                .eq(cells.iter().copied())
        })
    };
    // Rows that agree for every item category and entry type are merged into "*".
    assert!(
        has_row(&[
            "LYON",
            "RESALE",
            "*",
            "*",
            "inventory",
            "1205",
            "Handelswaren"
        ]),
        "{table}"
    );
    assert!(
        has_row(&[
            "MAIN",
            "RAWMAT",
            "SUPPLIES",
            "*",
            "inventory",
            "1210",
            "Rohstoffe"
        ]),
        "{table}"
    );
    assert!(
        has_row(&[
            "*",
            "RETAIL",
            "*",
            "*",
            "*",
            "cogs",
            "4200",
            "Handelswarenaufwand"
        ]),
        "{table}"
    );
    assert!(table.contains("rule set valid: 3600 mappings"), "{table}");
    let json: serde_json::Value = serde_json::from_str(&render_json(&report)).unwrap();
    assert_eq!(json["valid"], true);
    assert_eq!(json["mapping"].as_array().unwrap().len(), 3600);
}

#[test]
fn every_role_has_a_dedicated_account_for_swiss_merchandise() {
    let rules = load_default_rules();
    let sale = beans_sale("MAIN");
    let mut accounts: Vec<String> = AccountRole::ALL
        .into_iter()
        .filter(|role| {
            !matches!(
                role,
                AccountRole::MaterialVariance
                    | AccountRole::CapacityVariance
                    | AccountRole::SubcontractedVariance
                    | AccountRole::CapOverheadVariance
                    | AccountRole::MfgOverheadVariance
            )
        })
        .map(|role| account(&rules, &sale, role))
        .collect();
    let count = accounts.len();
    accounts.sort();
    accounts.dedup();
    assert_eq!(accounts.len(), count, "{accounts:?}");
}
