//! `stockpost scenario run` through the real binary: output lines and exit status.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn stockpost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .args(args)
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

/// A fresh folder under the system temp dir, unique per test and process.
fn temp_folder(name: &str) -> PathBuf {
    let folder = std::env::temp_dir().join(format!("stockpost-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&folder);
    fs::create_dir_all(&folder).expect("temp folder");
    folder
}

const FAILING: &str = r#"schema = "bc-costing-oracle/1"
id = "inline_fail"

[setup]
automatic_cost_adjustment = "never"

[[item]]
no = "ITEM1"
costing_method = "fifo"

[[step]]
n = 1
op = "purchase"
date = 2020-01-01
item = "ITEM1"
qty = 2
unit_cost = 10.0
ile = 1

[[step]]
n = 2
op = "sale"
date = 2020-01-10
item = "ITEM1"
qty = 1
ile = 2

[[step]]
n = 3
op = "adjust_cost"

[expect.gl]
inventory = 10.0

[[checkpoint]]
after_step = 2

[checkpoint.gl]
inventory = 10.0

[[checkpoint.ile]]
ile = 1
cost_actual = 25.0
"#;

fn write(folder: &Path, name: &str, text: &str) -> PathBuf {
    let path = folder.join(name);
    fs::write(&path, text).expect("write scenario");
    path
}

#[test]
fn the_acceptance_folder_passes_with_exit_status_0() {
    let output = stockpost(&["scenario", "run", "tests/scenarios"]);
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert_eq!(lines.len(), 27, "{text}");
    assert_eq!(
        lines[0],
        "PASS c01_avg_period_day (45 checked, 0 not evaluated)"
    );
    assert!(
        lines[..19].iter().all(|line| line.starts_with("PASS c")),
        "{text}"
    );
    assert_eq!(
        lines[19],
        "PASS x01_avg_fixed_application_valuation_date (27 checked, 0 not evaluated)"
    );
    assert_eq!(
        lines[20],
        "PASS x02_fifo_second_revaluation_per_unit (34 checked, 0 not evaluated)"
    );
    assert_eq!(
        lines[21],
        "PASS x03_avg_calculated_value_at_average_cost (27 checked, 0 not evaluated)"
    );
    assert_eq!(
        lines[22],
        "PASS x04_avg_partial_revaluation_after_shipment (26 checked, 0 not evaluated)"
    );
    assert_eq!(
        lines[23],
        "PASS x05_fifo_applies_to_revaluation_of_a_closed_entry (27 checked, 0 not evaluated)"
    );
    assert_eq!(
        lines[24],
        "PASS x06_avg_revalued_transfer_receipt (36 checked, 0 not evaluated)"
    );
    assert_eq!(
        lines[25],
        "PASS x07_avg_revaluations_business_central_refuses (23 checked, 0 not evaluated)"
    );
    assert_eq!(
        lines[26],
        "26 scenarios: 26 passed, 0 failed; 943 expectations checked, 0 not evaluated"
    );
}

#[test]
fn a_failing_scenario_prints_its_failures_and_exits_with_1() {
    let folder = temp_folder("failing");
    let file = write(&folder, "inline_fail.toml", FAILING);
    let output = stockpost(&["scenario", "run", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "FAIL inline_fail (5 checked, 1 failed, 0 not evaluated)\n\
         \x20 ile 1 cost_actual: expected 25.00, got 20.00 (after step 2)\n\
         1 scenarios: 0 passed, 1 failed; 5 expectations checked, 0 not evaluated\n"
    );
    // Every capability is on: --verbose has no skipped step or unevaluated check to add.
    let verbose = stockpost(&["scenario", "run", "--verbose", file.to_str().unwrap()]);
    assert_eq!(stdout(&verbose), stdout(&output));
    fs::remove_dir_all(folder).ok();
}

#[test]
fn json_output_carries_the_same_figures() {
    let folder = temp_folder("json");
    write(&folder, "inline_fail.toml", FAILING);
    let output = stockpost(&[
        "scenario",
        "run",
        "--format",
        "json",
        folder.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("valid JSON");
    assert_eq!(report["summary"]["failed"], 1);
    assert_eq!(report["summary"]["checked"], 5);
    assert_eq!(report["summary"]["not_evaluated"], 0);
    let scenario = &report["scenarios"][0];
    assert_eq!(scenario["status"], "fail");
    assert_eq!(scenario["failures"][0]["subject"], "ile 1 cost_actual");
    assert_eq!(scenario["failures"][0]["expected"], "25.00");
    assert_eq!(scenario["failures"][0]["actual"], "20.00");
    assert_eq!(scenario["not_evaluated"], serde_json::json!([]));
    fs::remove_dir_all(folder).ok();
}

#[test]
fn an_invalid_scenario_file_exits_with_2_naming_file_and_line() {
    let folder = temp_folder("invalid");
    let file = write(
        &folder,
        "typo.toml",
        &FAILING.replace("unit_cost = 10.0", "unit_cots = 10.0"),
    );
    let output = stockpost(&["scenario", "run", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    let expected = format!("error: {}:17: unknown field `unit_cots`", file.display());
    assert!(
        stderr(&output).starts_with(&expected),
        "{}",
        stderr(&output)
    );
    fs::remove_dir_all(folder).ok();
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(stockpost(&["scenario", "run"]).status.code(), Some(2));
    assert_eq!(
        stockpost(&["scenario", "run", "no/such/folder"])
            .status
            .code(),
        Some(2)
    );
    let missing = stockpost(&["scenario", "run", "no/such/folder"]);
    assert_eq!(
        stderr(&missing).lines().next(),
        Some("error: no/such/folder: no such file or folder")
    );
    let empty = temp_folder("empty");
    let output = stockpost(&["scenario", "run", empty.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    fs::remove_dir_all(empty).ok();
}

#[test]
fn help_teaches_with_examples() {
    let top = stdout(&stockpost(&["--help"]));
    assert!(
        top.contains("stockpost scenario run tests/scenarios"),
        "{top}"
    );
    let run = stockpost(&["scenario", "run", "--help"]);
    assert_eq!(run.status.code(), Some(0));
    let text = stdout(&run);
    assert!(text.contains("--format json"), "{text}");
    assert!(text.contains("Exit status: 0 all scenarios pass"), "{text}");
}
