//! `stockpost post` through the real binary on a company folder made in a temp dir: the report
//! of a good journal, and the exact messages and exit status 2 of bad input.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rust_decimal::Decimal;

const OPENING_STOCK: &str = include_str!("../examples/october-2026/01-opening-stock.csv");

/// A company folder (config/ and rules/ copied from the example) with the opening-stock journal
/// as `good.csv`; unique per test and process.
fn company(name: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir =
        std::env::temp_dir().join(format!("stockpost-cli-post-{name}-{}", std::process::id()));
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
    fs::write(dir.join("good.csv"), OPENING_STOCK).unwrap();
    dir
}

fn stockpost_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the stockpost binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Sum of quantity x unit cost over the opening-stock lines, computed from the CSV itself.
fn opening_stock_value() -> Decimal {
    let mut lines = OPENING_STOCK.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (quantity, unit_cost) = (column("quantity"), column("unit_cost"));
    lines
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            cells[quantity].parse::<Decimal>().unwrap()
                * cells[unit_cost].parse::<Decimal>().unwrap()
        })
        .sum()
}

#[test]
fn post_reports_the_opening_stock_and_the_inventory_accounts_carry_its_value() {
    let dir = company("good");
    let output = stockpost_in(&dir, &["post", "--dry-run", "good.csv"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains(
            "good.csv     16                   16             16          32              0"
        ),
        "{text}"
    );
    let value = opening_stock_value();
    assert_eq!(value, "22266.50".parse::<Decimal>().unwrap());
    // The valuation total, the Inventory accounts and the reconciliation all show that value.
    assert!(
        text.contains(&format!(
            "total                                                       {value}           0.00"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "inventory accounts = actual cost              {value}             {value}        0.00"
        )),
        "{text}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn post_json_parses_and_work_date_option_is_accepted() {
    let dir = company("json");
    let output = stockpost_in(
        &dir,
        &[
            "post",
            "--dry-run",
            "--format",
            "json",
            "--work-date",
            "2026-10-01",
            "--company",
            ".",
            "good.csv",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["steps"][0]["gl_entries"], 32);
    assert_eq!(report["trial_balance"]["total"], "0.00");
    assert_eq!(report["adjustment"], serde_json::Value::Null);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_journal_line_stops_with_file_line_and_field_and_exit_2() {
    let dir = company("bad");
    fs::write(
        dir.join("bad.csv"),
        "type,posting_date,document_no,item,location,quantity,unit_cost\n\
         positive_adjustment,2026-10-02,IJ-1,1000,MAIN,2,865.00\n\
         positive_adjustment,2026-10-02,IJ-1,9999,MAIN,2,865.00\n",
    )
    .unwrap();
    let output = stockpost_in(&dir, &["post", "--dry-run", "good.csv", "bad.csv"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(stdout(&output), "", "nothing is reported for a failed run");
    assert_eq!(
        stderr(&output),
        "error: bad.csv:3: field `item`: unknown item \"9999\"; add it to config/items.toml or \
         correct the item no.\n  \
         nothing of bad.csv was posted: a journal file posts whole or not at all\n  \
         the journal file before it (good.csv) was posted in memory only (a replay stores \
         nothing)\n  \
         fix bad.csv and run the command again with all the journal files\n"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_malformed_number_in_the_first_journal_names_the_field() {
    let dir = company("number");
    fs::write(
        dir.join("bad.csv"),
        "type,posting_date,document_no,item,location,quantity,unit_cost\n\
         positive_adjustment,2026-10-02,IJ-1,1000,MAIN,abc,865.00\n",
    )
    .unwrap();
    let output = stockpost_in(&dir, &["post", "--dry-run", "bad.csv", "good.csv"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: bad.csv:2: field `quantity`: \"abc\" is not a number\n  \
         nothing of bad.csv was posted: a journal file posts whole or not at all\n  \
         fix bad.csv and run the command again with all the journal files\n"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_configuration_rules_and_arguments_exit_2_with_the_place_named() {
    let dir = company("config");
    let missing = stockpost_in(&dir, &["post", "--dry-run", "nope.csv"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).starts_with("error: cannot read journal nope.csv: "));
    assert!(stderr(&missing).ends_with("  check the path; nothing was posted\n"));

    let no_document = stockpost_in(
        &dir,
        &["post", "--dry-run", "--post-cost", "per-group", "good.csv"],
    );
    assert_eq!(no_document.status.code(), Some(2));
    assert!(stderr(&no_document).contains("--document-no <NO>"));

    let bad_date = stockpost_in(
        &dir,
        &["post", "--dry-run", "--work-date", "31.10.2026", "good.csv"],
    );
    assert_eq!(bad_date.status.code(), Some(2));

    let no_company = stockpost_in(
        &dir,
        &["post", "--dry-run", "--company", "elsewhere", "good.csv"],
    );
    assert_eq!(no_company.status.code(), Some(2));
    assert_eq!(
        stderr(&no_company),
        "error: company folder elsewhere does not exist\n  \
         pass --company DIR, the folder that holds config/ and rules/\n"
    );

    let rules = dir.join("rules/general.rhai");
    let text = fs::read_to_string(&rules).unwrap();
    fs::write(&rules, text.replace("cogs: \"4200\"", "cogs: \"4299\"")).unwrap();
    let bad_rule = stockpost_in(&dir, &["post", "--dry-run", "good.csv"]);
    assert_eq!(bad_rule.status.code(), Some(2));
    let message = stderr(&bad_rule);
    assert!(message.contains("4299"), "{message}");
    assert!(message.contains("rules/general.rhai:"), "{message}");
    assert!(
        message.contains("stockpost rules check ./rules --config ./config"),
        "{message}"
    );

    let items = dir.join("config/items.toml");
    let text = fs::read_to_string(&items).unwrap();
    fs::write(
        &items,
        text.replacen("costing_method = \"fifo\"", "costing_method = \"fifu\"", 1),
    )
    .unwrap();
    let bad_config = stockpost_in(&dir, &["post", "--dry-run", "good.csv"]);
    assert_eq!(bad_config.status.code(), Some(2));
    assert!(
        stderr(&bad_config).starts_with("error: ./config/items.toml:24: key `costing_method`"),
        "{}",
        stderr(&bad_config)
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn post_help_has_examples_and_exit_codes() {
    let output = stockpost_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["post", "--dry-run", "--help"],
    );
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.contains("stockpost post --adjust --post-cost per-group --document-no INVT-2610"));
    assert!(text.contains("Exit status: 0 posted; 1 posted, but"));
}
