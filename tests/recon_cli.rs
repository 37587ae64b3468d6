//! `stockpost reconcile` through the real binary: the October example reconciles (exit 0), a
//! trial balance with a manual journal on the inventory account does not (exit 2).

mod pack_support;

use std::fs;
use std::process::{Command, Output};

use pack_support::example_company_folder;

const JOURNALS: [&str; 7] = [
    "examples/october-2026/01-opening-stock.csv",
    "examples/october-2026/02-week1.csv",
    "examples/october-2026/03-week2.csv",
    "examples/october-2026/04-week3.jsonl",
    "examples/october-2026/05-week4.csv",
    "examples/october-2026/06-week5.csv",
    "examples/october-2026/07-month-end.csv",
];

/// `stockpost reconcile EXTRA JOURNALS` in the repository, on the example company's folder.
fn reconcile(extra: &[&str]) -> Output {
    let company = example_company_folder();
    Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .arg("reconcile")
        .arg("--company")
        .arg(company.path())
        .args(extra)
        .args(JOURNALS)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the stockpost binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_example_month_reconciles() {
    let output = reconcile(&[]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    let inventory = format!(
        "{:<26} {:>14} {:>14} {:>14} {:>14}\n",
        "inventory", "23562.11", "23562.11", "0.00", "0"
    );
    assert!(text.contains(&inventory), "{text}");
    assert!(text.ends_with("reconciled\n"));
}

#[test]
fn a_manual_journal_outside_stockpost_is_found_and_exits_2() {
    let folder = std::env::temp_dir().join(format!("stockpost-recon-{}", std::process::id()));
    fs::create_dir_all(&folder).expect("temp folder");
    let gl = folder.join("tb.csv");
    fs::write(&gl, "account,from,to,balance\n1205,,2026-10-31,2019.21\n").expect("write tb");
    let output = reconcile(&[
        "--as-of",
        "2026-10-31",
        "--gl",
        gl.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert!(
        text.contains("explanation,inventory,1205,(outside),,0,50.00,50.00,0.00,direct posting outside stockpost,50.00,TB line 2\n"),
        "{text}"
    );
    let _ = fs::remove_dir_all(&folder);
}
