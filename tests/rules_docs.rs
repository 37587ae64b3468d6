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

/// docs/rules.md §4 states the limits `RuleLimits::DEFAULT` enforces.
#[test]
fn the_documented_sandbox_limits_are_the_enforced_ones() {
    let docs = include_str!("../docs/rules.md");
    let limits = RuleLimits::DEFAULT;
    assert_eq!(limits.max_operations, 100_000);
    assert_eq!(limits.max_wall_time_ms, 1_000);
    assert_eq!(limits.max_files, 64);
    assert_eq!(limits.max_rule_set_size, 1024 * 1024);
    assert_eq!(limits.max_file_size, 256 * 1024);
    for row in [
        "included** | 100,000 |",
        "| wall time per evaluation | 1,000 ms |",
        "| `.rhai` files in a rule set | 64 |",
        "| bytes of all `.rhai` files together | 1 MiB |",
        "| rule file size | 256 KiB |",
        "| nested function calls | 32 |",
    ] {
        assert!(docs.contains(row), "docs/rules.md §4 lacks {row}");
    }
}
