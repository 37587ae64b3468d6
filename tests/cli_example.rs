//! `stockpost example` through the real binary: the figures of the bundled October 2026 run,
//! checked exactly, and cross-checked against each other and against the journals.
//!
//! The expected figures were read off a first run and then verified by reasoning: the trial
//! balance sums to zero; the Inventory accounts carry exactly the valuation's actual cost (per
//! account: LYON stock on 1205, the RAWMAT item 5000 on 1210, the rest on 1200); standard-cost
//! items are valued at their standard cost; the one Leva left is valued at its invoice.

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

use rust_decimal::Decimal;
use serde_json::Value;

fn stockpost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("the stockpost binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn d(text: &str) -> Decimal {
    text.parse().expect("decimal")
}

fn json_decimal(value: &Value) -> Decimal {
    d(value.as_str().expect("amounts are JSON strings"))
}

fn example_json() -> Value {
    let output = stockpost(&["example", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    serde_json::from_slice(&output.stdout).expect("--format json is JSON")
}

#[test]
fn example_prints_each_step_and_the_totals() {
    let output = stockpost(&["example"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    // Piped stderr: no progress notes.
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = stdout(&output);
    for line in [
        "Kaffeewerk AG (amounts in CHF)",
        "examples/october-2026/01-opening-stock.csv     16                   16             16          32              0",
        "examples/october-2026/02-week1.csv             32                   34             40          82              0",
        "examples/october-2026/04-week3.jsonl           46                   46             48          98              0",
        "examples/october-2026/07-month-end.csv          7                    2             14          28              0",
        "adjust cost                                     0                    0             92         184              0",
        "post inventory cost to G/L                      0                    0              0           0              0",
        "total                                         232                  215            355         742",
    ] {
        assert!(text.contains(line), "missing step line {line:?} in\n{text}");
    }
}

#[test]
fn example_prints_valuation_trial_balance_and_adjustment_to_the_cent() {
    let text = stdout(&stockpost(&["example"]));
    for line in [
        "1000   Espresso machine Barista Pro  MAIN            13      8892.94        2637.00",
        "1020   Lever machine Leva (serial)   MAIN             1      2545.00           0.00",
        "3010   Tamper 58 mm                  MAIN           110      1375.00           0.00",
        "5000   Descaling agent 1 l           MAIN            55       363.00           0.00",
        "total                                                       23297.08        3273.00",
        "1200        Handelswaren                            inventory              20968.71",
        "1201        Handelswaren (Interim)                  inventory_interim       3273.00",
        "1205        Handelswaren Lager Frankreich           inventory               1965.37",
        "1210        Rohstoffe                               inventory                363.00",
        "2005        Erhaltene, nicht fakturierte Waren      invt_accrual_interim   -3273.00",
        "4200        Handelswarenaufwand                     cogs                   40233.91",
        "total                                                                          0.00",
        "inventory accounts = actual cost              23297.08             23297.08        0.00",
        "inventory interim accounts = expected cost     3273.00              3273.00        0.00",
        "1000                  5  -148.32",
        "2000                 43   -98.66",
        "total                92  -265.03",
    ] {
        assert!(text.contains(line), "missing line {line:?} in\n{text}");
    }
}

#[test]
fn example_trial_balance_is_balanced_and_inventory_accounts_equal_the_valuation() {
    let report = example_json();
    let balances: BTreeMap<String, Decimal> = report["trial_balance"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            (
                row["account_no"].as_str().unwrap().to_string(),
                json_decimal(&row["balance"]),
            )
        })
        .collect();
    assert_eq!(balances.values().copied().sum::<Decimal>(), Decimal::ZERO);
    // Every expected-cost posting is a balanced pair Inventory (Interim) / Invt. Accrual.
    assert_eq!(balances["1201"] + balances["2005"], Decimal::ZERO);

    // Each valuation row belongs to one inventory account: LYON (country FR) to 1205, the
    // RAWMAT item 5000 to 1210, everything else to 1200.
    let mut by_account: BTreeMap<&str, Decimal> = BTreeMap::new();
    let mut expected_total = Decimal::ZERO;
    for row in report["valuation"]["rows"].as_array().unwrap() {
        let account = match (
            row["item"].as_str().unwrap(),
            row["location"].as_str().unwrap(),
        ) {
            (_, "LYON") => "1205",
            ("5000", _) => "1210",
            _ => "1200",
        };
        *by_account.entry(account).or_default() += json_decimal(&row["cost_actual"]);
        expected_total += json_decimal(&row["cost_expected"]);
    }
    for (account, value) in &by_account {
        assert_eq!(balances[*account], *value, "account {account}");
    }
    let actual_total = json_decimal(&report["valuation"]["total_cost_actual"]);
    assert_eq!(actual_total, d("23297.08"));
    assert_eq!(by_account.values().copied().sum::<Decimal>(), actual_total);
    assert_eq!(balances["1201"], expected_total);
    assert_eq!(report["gl_queue"], 0);
}

#[test]
fn example_values_standard_items_at_standard_cost_and_the_last_leva_at_its_invoice() {
    let report = example_json();
    let rows = report["valuation"]["rows"].as_array().unwrap();
    for row in rows {
        let quantity = json_decimal(&row["quantity"]);
        let actual = json_decimal(&row["cost_actual"]);
        match row["item"].as_str().unwrap() {
            // Milk jug: standard cost 4.50.
            "3000" => assert_eq!(actual, quantity * d("4.50")),
            // Tamper: standard cost 12.00, changed to 12.50 and revalued on 31 Oct.
            "3010" => assert_eq!(actual, quantity * d("12.50")),
            // LEVA-0164, invoiced by amount at 2545.00 (05-week4.csv:4).
            "1020" => assert_eq!((quantity, actual), (d("1"), d("2545.00"))),
            _ => {}
        }
    }
    let adjustment = &report["adjustment"];
    assert_eq!(adjustment["entries_adjusted"], 92);
    assert_eq!(json_decimal(&adjustment["amount"]), d("-265.03"));
}

#[test]
fn example_csv_has_one_table_per_section() {
    let output = stockpost(&["example", "--format", "csv"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    let headers: Vec<&str> = text
        .split("\n\n")
        .map(|table| table.lines().next().unwrap_or(""))
        .collect();
    assert_eq!(
        headers,
        [
            "step,lines,item_ledger_entries,value_entries,gl_entries,queued_for_gl",
            "item,description,location,quantity,cost_actual,cost_expected",
            "account_no,name,roles,balance",
            "check,gl_balance,inventory_valuation,difference",
            "item,entries_adjusted,amount",
        ]
    );
    assert!(text.contains("\n1205,Handelswaren Lager Frankreich,inventory,1965.37\n"));
}

#[test]
fn example_output_dir_holds_the_entry_tables() {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("stockpost-cli-example-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    let output = stockpost(&["example", "--output-dir", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0));
    let rows = |name: &str| {
        let text = fs::read_to_string(dir.join(name)).expect("file written");
        text.lines().count() - 1
    };
    assert_eq!(rows("item_ledger_entries.csv"), 215);
    assert_eq!(rows("value_entries.csv"), 355);
    assert_eq!(rows("gl_entries.csv"), 742);
    assert!(rows("item_application_entries.csv") > 215);
    let gl = fs::read_to_string(dir.join("gl_entries.csv")).unwrap();
    assert!(gl.starts_with(
        "entry_no,transaction_no,register_no,posting_date,document_no,account_no,account_name,\
         account_role,amount,value_entry_nos,rule_file,rule_function\n\
         1,1,1,2026-10-01,IJ-OPEN-2610,1200,Handelswaren,inventory,5190.00,1,\
         rules/inventory.rhai,inventory_accounts\n"
    ));
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn example_help_shows_an_example() {
    let output = stockpost(&["example", "--help"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("stockpost example --format json > october.json"));
}
