//! The Rhai examples in docs/rules.md compile in the sandbox, and the localisation example
//! does what the text says.

mod rules_support;

use rules_support::*;
use stockpost::rules::engine::build_engine;
use stockpost::rules::{AccountRole, RuleLimits, RuleSet};

#[test]
fn every_rhai_example_compiles_in_the_sandbox() {
    let engine = build_engine(&RuleLimits::DEFAULT);
    let blocks = rhai_blocks();
    assert_eq!(blocks.len(), 7);
    for block in &blocks {
        if let Err(error) = engine.compile(block) {
            panic!("{error}\n{block}");
        }
    }
}

#[test]
fn the_country_example_puts_lyon_on_the_french_account() {
    let blocks = rhai_blocks();
    let country = blocks
        .iter()
        .find(|block| block.contains("in_france"))
        .unwrap();
    let general = std::fs::read_to_string(repo_path("rules/ch-kmu/general.rhai")).unwrap();
    let sources = files(&[("inventory.rhai", country), ("general.rhai", &general)]);
    let rules = RuleSet::from_sources(&sources, &example_company(), &example_chart()).unwrap();
    let lyon = rules
        .account(&beans_sale("LYON"), AccountRole::Inventory)
        .unwrap();
    assert_eq!(&*lyon.account_no, "1205");
    let basel = rules
        .account(&beans_sale("BASEL"), AccountRole::InventoryInterim)
        .unwrap();
    assert_eq!(&*basel.account_no, "1201");
}
