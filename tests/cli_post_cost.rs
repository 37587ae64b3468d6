//! `stockpost post-cost` through the real binary: the October 2026 journals posted into a
//! company with automatic cost posting off queue every value entry; post-cost posts them per
//! entry or per posting group with the same amounts per account.

mod pack_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pack_support::example_company_folder;

const JOURNALS: [&str; 7] = [
    "01-opening-stock.csv",
    "02-week1.csv",
    "03-week2.csv",
    "04-week3.jsonl",
    "05-week4.csv",
    "06-week5.csv",
    "07-month-end.csv",
];

/// The repository's config/ and rules/ copied to a temp company folder, with automatic cost
/// posting switched off; unique per test and process.
fn company_without_automatic_cost_posting(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!(
        "stockpost-cli-post-cost-{name}-{}",
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
    let company_toml = dir.join("config/company.toml");
    let text = fs::read_to_string(&company_toml).unwrap();
    let on = "\nautomatic_cost_posting = true\n";
    assert!(
        text.contains(on),
        "the example company posts cost automatically"
    );
    fs::write(
        &company_toml,
        text.replace(on, "\nautomatic_cost_posting = false\n"),
    )
    .unwrap();
    dir
}

fn journal_paths() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/october-2026");
    JOURNALS.iter().map(|name| folder.join(name)).collect()
}

/// `stockpost post-cost ARGS JOURNALS` on `company`, by default the example company's folder.
fn post_cost(company: Option<&Path>, args: &[&str]) -> Output {
    let example = example_company_folder();
    let mut command = Command::new(env!("CARGO_BIN_EXE_stockpost"));
    command.arg("post-cost").args(args);
    command
        .arg("--company")
        .arg(company.unwrap_or(example.path()));
    command
        .args(journal_paths())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the stockpost binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Per account: the amounts the queue carries. The inventory accounts (1200, 1205, 1210) add up
/// to the valuation's actual cost that `stockpost reconcile` shows for Inventory, 23562.11;
/// Interim and accrual offset at 3273.00.
const ACCOUNT_AMOUNTS: [(&str, &str); 15] = [
    ("1200", "21229.90"),
    ("1201", "3273.00"),
    ("1205", "1969.21"),
    ("1210", "363.00"),
    ("2005", "-3273.00"),
    ("4000", "197.73"),
    ("4008", "-162.21"),
    ("4060", "-388.80"),
    ("4070", "-9.72"),
    ("4200", "39968.30"),
    ("4201", "0.00"),
    ("4208", "-21707.91"),
    ("4250", "117.73"),
    ("4260", "-41524.90"),
    ("4270", "-52.33"),
];

fn account_amounts(json: &serde_json::Value) -> Vec<(String, String)> {
    json["gl_accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["account_no"].as_str().unwrap().to_string(),
                row["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn expected_amounts() -> Vec<(String, String)> {
    ACCOUNT_AMOUNTS
        .iter()
        .map(|(account, amount)| (account.to_string(), amount.to_string()))
        .collect()
}

#[test]
fn every_queued_value_entry_is_posted_per_entry() {
    let dir = company_without_automatic_cost_posting("per-entry");
    let output = post_cost(Some(&dir), &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("Post inventory cost to G/L, per entry\n"),
        "{text}"
    );
    assert!(
        text.contains("263 value entries in the queue, 263 posted, 558 G/L entries created\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "1205        Handelswaren Lager Frankreich                   51    1969.21\n"
        ),
        "{text}"
    );
    assert!(text
        .contains("total                                                      558       0.00\n"));
    assert!(text.contains("skipped in G/L posting: none\n0 value entries left in the G/L queue\n"));
    let json_output = post_cost(Some(&dir), &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json_output.stdout).unwrap();
    assert_eq!(account_amounts(&json), expected_amounts());
    assert_eq!(json["value_entries_posted"], 263);
    assert_eq!(json["queued_after"], 0);
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn per_group_compresses_the_entries_but_not_the_amounts() {
    let dir = company_without_automatic_cost_posting("per-group");
    let args = [
        "--per-group",
        "--document-no",
        "INVT-2610",
        "--format",
        "json",
    ];
    let output = post_cost(Some(&dir), &args);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["mode"], "per posting group, document no. INVT-2610");
    assert_eq!(json["value_entries_posted"], 263);
    // 294 instead of 558 G/L entries: lines of one date, account, group and sign are one entry.
    assert_eq!(json["gl_entries_created"], 298);
    assert_eq!(account_amounts(&json), expected_amounts());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn with_automatic_cost_posting_on_the_queue_is_empty() {
    let output = post_cost(None, &[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("automatic cost posting is on"), "{text}");
    assert!(text.contains("0 value entries in the queue, 0 posted, 0 G/L entries created\n"));
}

#[test]
fn per_group_needs_a_document_no() {
    let output = post_cost(None, &["--per-group"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--document-no"));
}
