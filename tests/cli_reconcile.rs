//! `stockpost reconcile` through the real binary: the line after each replay step, the shared
//! pipeline's --post-cost, the drill-down into a cell, and the two meanings of exit status 2.

mod pack_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use pack_support::example_company_folder;

use rust_decimal::Decimal;

const JOURNALS: [&str; 7] = [
    "01-opening-stock.csv",
    "02-week1.csv",
    "03-week2.csv",
    "04-week3.jsonl",
    "05-week4.csv",
    "06-week5.csv",
    "07-month-end.csv",
];

fn journal_paths() -> Vec<String> {
    JOURNALS
        .iter()
        .map(|name| format!("examples/october-2026/{name}"))
        .collect()
}

/// The repository's config/ and rules/ in a temp company folder, automatic cost posting off.
fn company_without_automatic_cost_posting(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!(
        "stockpost-cli-reconcile-{name}-{}",
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
    let text = text.replace(
        "\nautomatic_cost_posting = true\n",
        "\nautomatic_cost_posting = false\n",
    );
    fs::write(&company_toml, text).unwrap();
    dir
}

/// `stockpost reconcile ARGS JOURNALS`; without `--company` in ARGS, on the example company's
/// folder (the repository root is no company folder).
fn reconcile(args: &[&str]) -> Output {
    let example = example_company_folder();
    let mut command = Command::new(env!("CARGO_BIN_EXE_stockpost"));
    command.arg("reconcile");
    if !args.contains(&"--company") {
        command.arg("--company").arg(example.path());
    }
    command
        .args(args)
        .args(journal_paths())
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

#[test]
fn each_journal_of_the_example_leaves_the_books_reconciled() {
    let output = reconcile(&[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let expected: String = JOURNALS
        .iter()
        .map(|name| format!("after examples/october-2026/{name}: reconciled\n"))
        .collect();
    assert!(text.starts_with(&expected), "{text}");
}

#[test]
fn with_cost_posting_off_each_step_says_the_difference_and_post_cost_clears_it() {
    let dir = company_without_automatic_cost_posting("queue");
    let company = dir.to_str().unwrap();
    let output = reconcile(&["--company", company]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    // The opening stock (22266.50, the sum of its lines' quantity x unit cost) is on the
    // Inventory role of the sub-ledger, balanced by Inventory Adjmt., but not yet in the G/L.
    assert!(
        text.starts_with(
            "after examples/october-2026/01-opening-stock.csv: NOT reconciled, differences \
             inventory -22266.50, inventory_adjmt 22266.50 (all explained)\n"
        ),
        "{text}"
    );
    assert!(text.ends_with("NOT reconciled\n"), "{text}");
    assert!(
        stderr(&output).contains("not reconciled: the G/L and the sub-ledger differ"),
        "{}",
        stderr(&output)
    );
    let output = reconcile(&["--company", company, "--post-cost", "per-entry"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains("after examples/october-2026/07-month-end.csv: NOT reconciled")
            && text.contains("after post inventory cost to G/L: reconciled\n"),
        "{text}"
    );
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn adjust_in_the_pipeline_changes_the_figures_and_keeps_them_reconciled() {
    let output = reconcile(&["--adjust"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("after adjust cost: reconciled\n"), "{text}");
    // 23562.11 before adjustment, minus the adjustment's -265.03 (see cli_adjust.rs).
    let inventory = format!(
        "{:<26} {:>14} {:>14} {:>14} {:>14}\n",
        "inventory", "23297.08", "23297.08", "0.00", "0"
    );
    assert!(text.contains(&inventory), "{text}");
}

fn amounts_of(entries: &serde_json::Value) -> (usize, Decimal) {
    let entries = entries.as_array().unwrap();
    let sum = entries
        .iter()
        .map(|entry| {
            entry["amount"]
                .as_str()
                .unwrap()
                .parse::<Decimal>()
                .unwrap()
        })
        .sum();
    (entries.len(), sum)
}

#[test]
fn drilling_into_a_cell_lists_the_entries_that_add_up_to_its_figures() {
    let output = reconcile(&[
        "--drill",
        "inventory",
        "--account",
        "1205",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let drill = &json["drill"];
    assert_eq!(drill["role"], "inventory");
    let cells = drill["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 1);
    let cell = &cells[0];
    assert_eq!(cell["location"], "LYON");
    assert_eq!(cell["sub_ledger"], "1969.21");
    assert_eq!(cell["general_ledger"], "1969.21");
    let sub_ledger = amounts_of(&cell["value_entries"]);
    let general_ledger = amounts_of(&cell["gl_entries"]);
    assert_eq!(sub_ledger, (51, "1969.21".parse().unwrap()));
    assert_eq!(general_ledger, (51, "1969.21".parse().unwrap()));
    // The first value entry: opening stock of item 2000 at LYON.
    let first = &cell["value_entries"][0];
    assert_eq!(first["entry_no"], 12);
    assert_eq!(first["posting_date"], "2026-10-01");
    assert_eq!(first["document_no"], "IJ-OPEN-2610");
    assert_eq!(first["item_or_account"], "2000");
    assert_eq!(first["amount"], "472.50");

    let output = reconcile(&["--drill", "inventory", "--account", "1205"]);
    let text = stdout(&output);
    assert!(
        text.contains(
            "inventory / 1205 / location 'LYON' / RESALE: sub-ledger 1969.21, G/L 1969.21, \
             difference 0.00\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "value entry        12  2026-10-01    IJ-OPEN-2610    2000              472.50\n"
        ),
        "{text}"
    );
}

#[test]
fn an_input_error_also_exits_2_but_says_it_is_one() {
    let output = reconcile(&["--drill", "stock"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    let message = stderr(&output);
    assert!(
        message.starts_with("error: --drill stock: there is no account role stock\n"),
        "{message}"
    );
    assert!(message.contains("this is an input error, not a reconciliation result"));
    let output = reconcile(&["--company", "no-such-folder"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("company folder no-such-folder does not exist"));
}
