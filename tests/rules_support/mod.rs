//! Shared fixtures of the rule tests: the example company in code, a small chart, key builders.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use stockpost::chart::{AccountType, ChartOfAccounts, GlAccount};
use stockpost::config::{CompanyConfig, CostingMethod, Item, Location};
use stockpost::journal::Dimensions;
use stockpost::ledger::ItemLedgerEntryType;
use stockpost::rules::{AccountKey, AccountKeyParts, RuleErrors, RuleSet};

pub fn repo_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// Kaffeewerk AG as far as the rules see it: locations with countries and the items' groups.
pub fn example_company() -> CompanyConfig {
    let mut config = CompanyConfig::empty("Kaffeewerk AG");
    config.currency = "CHF".to_string();
    config.inventory_setup.expected_cost_posting_to_gl = true;
    for (code, country) in [
        ("MAIN", "CH"),
        ("BASEL", "CH"),
        ("LYON", "FR"),
        ("BRANCH", "CH"),
    ] {
        let mut location = Location::new(code);
        location
            .attributes
            .insert("country".to_string(), country.to_string());
        config.locations.push(location);
    }
    let items = [
        ("1000", CostingMethod::Fifo, "RESALE", "RETAIL", "MACHINES"),
        ("1010", CostingMethod::Lifo, "RESALE", "RETAIL", "MACHINES"),
        (
            "1020",
            CostingMethod::Specific,
            "RESALE",
            "RETAIL",
            "MACHINES",
        ),
        ("2000", CostingMethod::Average, "RESALE", "RETAIL", "BEANS"),
        ("2010", CostingMethod::Average, "RESALE", "RETAIL", "BEANS"),
        (
            "3000",
            CostingMethod::Standard,
            "RESALE",
            "RETAIL",
            "ACCESSORIES",
        ),
        (
            "3010",
            CostingMethod::Standard,
            "RESALE",
            "RETAIL",
            "ACCESSORIES",
        ),
        ("5000", CostingMethod::Fifo, "RAWMAT", "RAWMAT", "SUPPLIES"),
    ];
    for (no, method, inventory_group, product_group, category) in items {
        let mut item = Item::new(no, method);
        item.inventory_posting_group = inventory_group.to_string();
        item.gen_prod_posting_group = product_group.to_string();
        item.item_category = Some(category.to_string());
        config.items.push(item);
    }
    config
}

pub fn example_chart() -> ChartOfAccounts {
    ChartOfAccounts::load(&repo_path("config/ch-kmu/accounts.toml"))
        .expect("config/ch-kmu/accounts.toml")
}

pub fn load_default_rules() -> RuleSet {
    RuleSet::load(
        &repo_path("rules/ch-kmu"),
        &example_company(),
        &example_chart(),
    )
    .unwrap_or_else(|errors| panic!("default rules must load:\n{errors}"))
}

/// A company with one location (MAIN, CH) and one item (RESALE / RETAIL / BEANS).
pub fn small_company() -> CompanyConfig {
    let mut config = CompanyConfig::empty("Small");
    let mut location = Location::new("MAIN");
    location
        .attributes
        .insert("country".to_string(), "CH".to_string());
    config.locations.push(location);
    let mut item = Item::new("2000", CostingMethod::Fifo);
    item.inventory_posting_group = "RESALE".to_string();
    item.gen_prod_posting_group = "RETAIL".to_string();
    item.item_category = Some("BEANS".to_string());
    config.items.push(item);
    config
}

/// 1200 stock, 4200 cogs, 4208 adjustment, 9000 blocked.
pub fn small_chart() -> ChartOfAccounts {
    let account = |no: &str, account_type, blocked| GlAccount {
        no: no.to_string(),
        name: format!("Account {no}"),
        account_type,
        blocked,
        direct_posting_allowed: true,
    };
    ChartOfAccounts::from_accounts(vec![
        account("1200", AccountType::Asset, false),
        account("4200", AccountType::Expense, false),
        account("4208", AccountType::Expense, false),
        account("9000", AccountType::Expense, true),
    ])
}

/// A valid general-side file, for tests that break only the inventory side.
pub const GENERAL_OK: &str =
    "fn general_accounts(key) {\n    #{ cogs: \"4200\", inventory_adjmt: \"4208\" }\n}\n";
/// A valid inventory-side file, for tests that break only the general side.
pub const INVENTORY_OK: &str = "fn inventory_accounts(key) {\n    #{ inventory: \"1200\" }\n}\n";

pub fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect()
}

/// Loads a rule set over the small company; returns the errors of a failed load.
pub fn load_small(list: &[(&str, &str)]) -> Result<RuleSet, RuleErrors> {
    RuleSet::from_sources(&files(list), &small_company(), &small_chart())
}

pub fn expect_errors(list: &[(&str, &str)]) -> RuleErrors {
    match load_small(list) {
        Ok(_) => panic!("the rule set should not load"),
        Err(errors) => errors,
    }
}

pub struct KeySpec<'a> {
    pub location: &'a str,
    pub inventory_posting_group: &'a str,
    pub gen_bus_posting_group: &'a str,
    pub gen_prod_posting_group: &'a str,
    pub item_category: &'a str,
    pub entry_type: ItemLedgerEntryType,
}

pub fn key(spec: &KeySpec<'_>, dimensions: &[(&str, &str)]) -> AccountKey {
    let dimensions: Dimensions = dimensions
        .iter()
        .map(|(code, value)| (code.to_string(), value.to_string()))
        .collect();
    AccountKey::new(
        &AccountKeyParts {
            location: spec.location,
            inventory_posting_group: spec.inventory_posting_group,
            gen_bus_posting_group: spec.gen_bus_posting_group,
            gen_prod_posting_group: spec.gen_prod_posting_group,
            item_category: spec.item_category,
            entry_type: Some(spec.entry_type),
        },
        Arc::new(dimensions),
    )
}

/// A sale of beans at `location` to a DOMESTIC customer.
pub fn beans_sale(location: &str) -> AccountKey {
    key(
        &KeySpec {
            location,
            inventory_posting_group: "RESALE",
            gen_bus_posting_group: "DOMESTIC",
            gen_prod_posting_group: "RETAIL",
            item_category: "BEANS",
            entry_type: ItemLedgerEntryType::Sale,
        },
        &[],
    )
}

/// The ```rhai blocks of docs/rules.md, in order.
pub fn rhai_blocks() -> Vec<String> {
    let text = std::fs::read_to_string(repo_path("docs/rules.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```rhai") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}
