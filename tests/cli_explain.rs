//! `stockpost explain gl` and `stockpost entries` through the real binary, on the embedded
//! example and on a company folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use stockpost::example::example_rule_sources;
use stockpost::rules::loader::content_hash;

fn stockpost_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the stockpost binary runs")
}

fn stockpost(args: &[&str]) -> Output {
    stockpost_in(&std::env::temp_dir(), args)
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn json(output: &Output) -> Value {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("--format json is JSON")
}

#[test]
fn explain_gl_1_prints_the_chain_from_gl_entry_to_journal_line_and_rule() {
    let output = stockpost(&["explain", "gl", "1"]);
    assert_eq!(output.status.code(), Some(0));
    let hash = content_hash(&example_rule_sources());
    let expected = format!(
        "G/L entry 1
  posting date      2026-10-01
  document no.      IJ-OPEN-2610
  account           1200 Handelswaren
  posted as         inventory
  amount            5190.00
  description       positive_adjmt direct_cost 1000 2026-10-01
  register          1 (journal batch)
  transaction       1, balanced by G/L entry 2
Account chosen by
  rule set hash     {hash}
  rule file         rules/inventory.rhai
  rule function     inventory_accounts
  key               inventory key location=\"MAIN\" inventory_posting_group=\"RESALE\" \
item_category=\"MACHINES\" entry_type=\"positive_adjmt\" dimensions={{DEPARTMENT=\"WAREHOUSE\"}}
Value entry 1
  type              direct_cost of a positive_adjmt
  posting date      2026-10-01
  valuation date    2026-10-01
  document no.      IJ-OPEN-2610
  cost              actual 5190.00, expected 0.00
  posted to G/L     actual 5190.00, expected 0.00
  created by        examples/october-2026/01-opening-stock.csv:2
Item ledger entry 1
  type              positive_adjmt
  item              1000 at MAIN
  quantity          6
  posting date      2026-10-01
  document no.      IJ-OPEN-2610
  journal line      examples/october-2026/01-opening-stock.csv:2
"
    );
    assert_eq!(stdout(&output), expected);
}

#[test]
fn explain_an_adjustment_entry_names_the_adjustment_run_and_the_original_line() {
    let chain = json(&stockpost(&["explain", "gl", "742", "--format", "json"]));
    assert_eq!(chain["register_source"], "cost adjustment");
    let link = &chain["value_entries"][0];
    assert_eq!(link["value_entry"]["adjustment"], true);
    assert_eq!(link["value_entry"]["source_line"], "(cost adjustment)");
    assert_eq!(
        link["item_ledger_entry"]["source_line"],
        "examples/october-2026/07-month-end.csv:2"
    );
    assert_eq!(chain["rule"]["rule_function"], "general_accounts");
}

#[test]
fn explain_an_unknown_entry_exits_2_with_the_range() {
    let output = stockpost(&["explain", "gl", "743"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: there is no G/L entry 743: the replay created G/L entries 1 to 742\n  \
         list them with `stockpost entries gl` (same journals and options)\n"
    );
}

/// A company folder with the example's config and rules and its first journal.
fn company(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!(
        "stockpost-cli-explain-{name}-{}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    for folder in ["config", "rules"] {
        fs::create_dir_all(dir.join(folder)).unwrap();
        for entry in fs::read_dir(root.join(folder).join("ch-kmu")).unwrap() {
            let path = entry.unwrap().path();
            if !path.is_file() {
                continue; // rules/tests/ holds the rule tests, not rule files
            }
            fs::copy(&path, dir.join(folder).join(path.file_name().unwrap())).unwrap();
        }
    }
    fs::copy(
        root.join("examples/october-2026/01-opening-stock.csv"),
        dir.join("opening.csv"),
    )
    .unwrap();
    dir
}

#[test]
fn explain_replays_a_company_folder_and_names_its_rule_files() {
    let dir = company("folder");
    let chain = json(&stockpost_in(
        &dir,
        &[
            "explain",
            "gl",
            "2",
            "--company",
            ".",
            "--format",
            "json",
            "opening.csv",
        ],
    ));
    assert_eq!(chain["gl_entry"]["account_no"], "4208");
    assert_eq!(chain["gl_entry"]["amount"], "-5190.00");
    // Rule files are named by their place in the company folder, wherever it is.
    assert_eq!(chain["rule"]["rule_file"], "rules/general.rhai");
    assert_eq!(
        chain["value_entries"][0]["item_ledger_entry"]["source_line"],
        "opening.csv:2"
    );
    // Without journals the company's store is read; this folder has none (exit status 3).
    let output = stockpost_in(&dir, &["explain", "gl", "1", "--company", "."]);
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("stockpost init"));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn entries_lists_one_table_filtered_by_item() {
    // Item 1020 (Leva, serial-tracked): 7 machines in, 6 out.
    let rows = json(&stockpost(&[
        "entries", "item", "--item", "1020", "--format", "json",
    ]));
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 13);
    let open: Vec<&str> = rows
        .iter()
        .filter(|row| row["open"] == true)
        .map(|row| row["serial_no"].as_str().unwrap())
        .collect();
    assert_eq!(open, ["LEVA-0164"]);

    let gl = stdout(&stockpost(&[
        "entries", "gl", "--item", "5000", "--format", "csv",
    ]));
    let accounts: std::collections::BTreeSet<&str> = gl
        .lines()
        .skip(1)
        .map(|line| line.split(',').nth(5).unwrap())
        .collect();
    assert!(accounts.contains("1210"), "{gl}");
    assert!(!accounts.contains("1200"), "{gl}");

    let all = stdout(&stockpost(&["entries", "value", "--format", "csv"]));
    assert_eq!(all.lines().count(), 1 + 355);
    let table = stdout(&stockpost(&["entries", "application", "--item", "1000"]));
    assert!(table.starts_with("entry_no  item_ledger_entry_no  inbound_item_entry_no"));
}

#[test]
fn entries_with_an_unknown_item_exits_2() {
    let output = stockpost(&["entries", "item", "--item", "NOPE"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr)
        .starts_with("error: item NOPE is not in the company's items.toml\n"));
}

#[test]
fn the_streamed_csv_listing_holds_what_the_json_listing_holds() {
    // CSV into a pipe streams row by row (`ReportRow::visit_cells`); JSON is built from the rows
    // as a whole. Every cell of every G/L entry must agree.
    let listed = json(&stockpost(&["entries", "gl", "--format", "json"]));
    let listed = listed.as_array().unwrap();
    let csv = stdout(&stockpost(&["entries", "gl", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), listed.len());
    assert_eq!(records.len(), 742, "the example run's G/L entries");
    for (record, row) in records.iter().zip(listed) {
        for (column, cell) in header.iter().zip(record.iter()) {
            let expected = match &row[column.as_str()] {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                other => panic!("{column}: unexpected {other}"),
            };
            if column == "amount" {
                // JSON keeps the decimal as computed, CSV shows two decimals.
                let parse = |text: &str| text.parse::<rust_decimal::Decimal>().unwrap();
                assert_eq!(parse(cell), parse(&expected), "entry {}", &record[0]);
                assert_eq!(cell.split('.').nth(1).map(str::len), Some(2));
            } else {
                assert_eq!(cell, expected, "entry {} column {column}", &record[0]);
            }
        }
    }
}
