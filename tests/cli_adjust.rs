//! `stockpost adjust` through the real binary on the October 2026 example journals: the same
//! per-item amounts as `stockpost example`'s adjustment, the G/L posting per account, the item
//! and category selections, and a second run in the library that creates nothing.

mod pack_support;

use std::process::{Command, Output};

use pack_support::example_company_folder;

use rust_decimal::Decimal;
use stockpost::adjust::AdjustRequest;
use stockpost::books::Books;
use stockpost::example::{example_chart, example_config, example_rule_sources, EXAMPLE_JOURNALS};
use stockpost::journal::parse_journal;
use stockpost::posting::PostingContext;
use stockpost::rules::{RuleSet, RuleSetAccounts};

const JOURNALS: [&str; 7] = [
    "examples/october-2026/01-opening-stock.csv",
    "examples/october-2026/02-week1.csv",
    "examples/october-2026/03-week2.csv",
    "examples/october-2026/04-week3.jsonl",
    "examples/october-2026/05-week4.csv",
    "examples/october-2026/06-week5.csv",
    "examples/october-2026/07-month-end.csv",
];

/// Runs `stockpost adjust ARGS JOURNALS` in the repository, on a company folder holding the
/// example company's config/ and rules/ (the pack ch-kmu).
fn adjust(args: &[&str]) -> Output {
    let company = example_company_folder();
    Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .arg("adjust")
        .arg("--company")
        .arg(company.path())
        .args(args)
        .args(JOURNALS)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the stockpost binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn decimal(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn adjusting_october_gives_the_example_figures_per_item_and_posts_them_per_account() {
    let output = adjust(&[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        text.contains("92 value entries created, 92 entries adjusted, amount -265.03\n"),
        "{text}"
    );
    // The same lines as the "Cost adjustment" section of `stockpost example`.
    for line in [
        "1000                  5  -148.32\n",
        "1010                 12    -9.00\n",
        "2000                 43   -98.66\n",
        "2010                 32    -9.05\n",
        "total                92  -265.03\n",
    ] {
        assert!(text.contains(line), "{line:?} missing in\n{text}");
    }
    // Each adjustment entry posts one balanced pair: 92 x 2 G/L entries. The inventory accounts
    // (1200, 1205) lose exactly the adjusted amount, COGS (4200) and Inventory Adjmt. (4208)
    // take it.
    for line in [
        "1200        Handelswaren                              60  -261.19\n",
        "1205        Handelswaren Lager Frankreich             32    -3.84\n",
        "4200        Handelswarenaufwand                       79   265.61\n",
        "4208        Bestandesänderungen Handelswaren          13    -0.58\n",
        "total                                                184     0.00\n",
    ] {
        assert!(text.contains(line), "{line:?} missing in\n{text}");
    }
    assert_eq!(decimal("-261.19") + decimal("-3.84"), decimal("-265.03"));
    assert_eq!(decimal("265.61") + decimal("-0.58"), decimal("265.03"));
    assert!(text.contains("184 G/L entries created, 0 value entries left in the G/L queue\n"));
    assert!(text.contains("bounds hit: none\n"), "{text}");
    assert!(text.contains("skipped in G/L posting: none\n"), "{text}");
}

#[test]
fn json_has_the_same_figures() {
    let output = adjust(&["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let adjustment = &json["adjustment"];
    assert_eq!(adjustment["amount"], "-265.03");
    assert_eq!(adjustment["entries_adjusted"], 92);
    assert_eq!(adjustment["value_entries_created"], 92);
    assert_eq!(adjustment["items"][0]["item"], "1000");
    assert_eq!(adjustment["items"][0]["amount"], "-148.32");
    assert_eq!(json["selection"], "all items");
    assert_eq!(json["post_to_gl"], true);
    assert_eq!(json["gl_entries_created"], 184);
    let accounts = json["gl_accounts"].as_array().unwrap();
    let total: Decimal = accounts
        .iter()
        .map(|row| decimal(row["amount"].as_str().unwrap()))
        .sum();
    assert_eq!(total, Decimal::ZERO);
    assert_eq!(accounts[0]["account_no"], "1200");
    assert_eq!(accounts[0]["amount"], "-261.19");
    assert_eq!(json["skipped"].as_array().unwrap().len(), 0);
}

#[test]
fn an_item_category_adjusts_only_its_items() {
    let output = adjust(&["--item-category", "BEANS"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(text.contains("Cost adjustment of item category BEANS, posted to the G/L\n"));
    // The two Average items of BEANS, with the amounts of the full run: cost does not flow
    // between items.
    assert!(
        text.contains("2000                 43   -98.66\n"),
        "{text}"
    );
    assert!(
        text.contains("2010                 32    -9.05\n"),
        "{text}"
    );
    assert!(
        text.contains("total                75  -107.71\n"),
        "{text}"
    );
    assert!(!text.contains("\n1000 "), "{text}");
}

#[test]
fn items_not_posted_to_the_gl_wait_in_the_queue() {
    let output = adjust(&["--item", "1000", "--item", "1010", "--no-post-to-gl"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(text.contains("Cost adjustment of items 1000, 1010, not posted to the G/L\n"));
    assert!(
        text.contains("total                17  -157.32\n"),
        "{text}"
    );
    assert!(!text.contains("Per G/L account"), "{text}");
    assert!(text.contains("0 G/L entries created, 17 value entries left in the G/L queue\n"));
}

#[test]
fn an_item_whose_cost_is_adjusted_creates_nothing() {
    let output = adjust(&["--item", "1020"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        text.contains("0 value entries created, 0 entries adjusted, amount 0.00\n"),
        "{text}"
    );
    assert!(text.contains("nothing changed"), "{text}");
}

#[test]
fn an_unknown_item_or_both_selections_are_input_errors() {
    let output = adjust(&["--item", "9999"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).contains("error: item 9999 is not in the company's items.toml"),
        "{}",
        stderr(&output)
    );
    let output = adjust(&["--item-category", "TEA"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("item category TEA"));
    let output = adjust(&["--item", "1000", "--item-category", "BEANS"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot be used with"));
}

/// "Running `stockpost adjust` twice in a row creates nothing the second time": the CLI has no
/// store, so the second run is made on the same books in the library.
#[test]
fn a_second_adjustment_of_the_same_books_creates_nothing() {
    let config = example_config();
    let rules = RuleSet::from_sources(&example_rule_sources(), &config, &example_chart()).unwrap();
    let accounts = RuleSetAccounts::new(&rules);
    let mut books = Books::new(config);
    for (name, text) in EXAMPLE_JOURNALS {
        let lines = parse_journal(name, text).unwrap();
        let work_date = lines.iter().map(|line| line.posting_date).max().unwrap();
        books
            .post_journal(&lines, &PostingContext { work_date }, &accounts)
            .unwrap();
    }
    let first = books.adjust_cost(&AdjustRequest::default(), true, &accounts);
    let created = first.adjustment.value_entry_nos.end - first.adjustment.value_entry_nos.start;
    assert_eq!(created, 92);
    let amount: Decimal = first.adjustment.items.values().map(|i| i.amount).sum();
    assert_eq!(amount, decimal("-265.03"));
    let gl_entries = books.general_ledger.entries().len();
    let second = books.adjust_cost(&AdjustRequest::default(), true, &accounts);
    assert!(second.adjustment.value_entry_nos.is_empty());
    assert!(second.adjustment.items.is_empty());
    assert_eq!(second.cost_posting.gl_entries_created, 0);
    assert_eq!(books.general_ledger.entries().len(), gl_entries);
}
