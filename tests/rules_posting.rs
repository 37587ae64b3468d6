//! The rule set as the G/L posting's resolver: accounts and provenance on G/L entries, and a
//! rule that cannot answer stops the journal with nothing posted.

mod rules_support;

use std::sync::Arc;

use chrono::NaiveDate;
use rules_support::*;
use stockpost::books::Books;
use stockpost::journal::{Dimensions, JournalLine, JournalLineKind, LineRef};
use stockpost::posting::PostingContext;
use stockpost::rules::RuleSetAccounts;

const INVENTORY: &str = "fn inventory_accounts(key) { #{ inventory: \"1200\" } }";

fn journal() -> Vec<JournalLine> {
    let line = |line: u32, kind| JournalLine {
        source: LineRef {
            file: Arc::from("october.csv"),
            line,
        },
        posting_date: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
        document_no: format!("D{line}"),
        external_document_no: None,
        gen_bus_posting_group: "DOMESTIC".into(),
        serial_no: None,
        dimensions: Dimensions::new(),
        kind,
    };
    vec![
        line(
            2,
            JournalLineKind::PositiveAdjustment {
                item: "2000".into(),
                location: "MAIN".into(),
                quantity: "4".parse().unwrap(),
                unit_cost: "2.5".parse().unwrap(),
            },
        ),
        line(
            3,
            JournalLineKind::Sale {
                item: "2000".into(),
                location: "MAIN".into(),
                quantity: "1".parse().unwrap(),
                unit_price: "9".parse().unwrap(),
                applies_to_entry_no: None,
            },
        ),
    ]
}

fn post(general: &str) -> (Books, Result<(), String>) {
    let rules = load_small(&[
        ("rules/inventory.rhai", INVENTORY),
        ("rules/general.rhai", general),
    ])
    .unwrap();
    let accounts = RuleSetAccounts::new(&rules);
    let mut books = Books::new(small_company());
    let context = PostingContext {
        work_date: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
    };
    let result = books
        .post_journal(&journal(), &context, &accounts)
        .map(|_| ())
        .map_err(|error| error.to_string());
    (books, result)
}

#[test]
fn g_l_entries_carry_the_rule_accounts_and_provenance() {
    let (books, result) =
        post("fn general_accounts(key) { #{ cogs: \"4200\", inventory_adjmt: \"4208\" } }");
    result.unwrap();
    let lines: Vec<(String, rust_decimal::Decimal)> = books
        .general_ledger
        .entries()
        .iter()
        .map(|entry| (entry.account_no.to_string(), entry.amount))
        .collect();
    let amount = |text: &str| text.parse::<rust_decimal::Decimal>().unwrap();
    assert_eq!(
        lines,
        [
            ("1200".into(), amount("10.00")),
            ("4208".into(), amount("-10.00")),
            ("1200".into(), amount("-2.50")),
            ("4200".into(), amount("2.50")),
        ]
    );
    let cogs = &books.general_ledger.entries()[3].provenance;
    assert_eq!(
        (&*cogs.rule_file, &*cogs.rule_function),
        ("rules/general.rhai", "general_accounts")
    );
    assert_eq!(cogs.rule_set_hash.len(), 64);
    assert!(
        cogs.key.contains("gen_prod_posting_group=\"RETAIL\""),
        "{}",
        cogs.key
    );
}

#[test]
fn a_rule_without_the_role_the_posting_needs_rejects_the_journal_and_posts_nothing() {
    // No cogs: the sale cannot be posted to the G/L, so the whole journal is refused.
    let (books, result) = post("fn general_accounts(key) { #{ inventory_adjmt: \"4208\" } }");
    let message = result.unwrap_err();
    assert!(
        message.starts_with("october.csv:3: field `accounts`: cannot post value entry 2 (sale direct_cost of item 2000) to the G/L: "),
        "{message}"
    );
    assert!(
        message.contains("returned no account for role `cogs`"),
        "{message}"
    );
    assert!(books.ledger.item_ledger_entries().is_empty());
    assert!(books.ledger.value_entries().is_empty());
    assert!(books.general_ledger.entries().is_empty());
}
