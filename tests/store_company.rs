//! A company on its store, through the real binary: `init`, the example month posted journal by
//! journal, `adjust`, `post-cost`, then `reconcile`, `status`, `verify`, `entries` and
//! `export gl` read it back, in later processes, exactly.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rust_decimal::Decimal;
use serde_json::Value;

const JOURNALS: [&str; 7] = [
    "01-opening-stock.csv",
    "02-week1.csv",
    "03-week2.csv",
    "04-week3.jsonl",
    "05-week4.csv",
    "06-week5.csv",
    "07-month-end.csv",
];

fn stockpost(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the stockpost binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(output: &Output) -> String {
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{}\nstderr:\n{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    text(&output.stdout)
}

fn journal(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/october-2026")
        .join(name)
        .display()
        .to_string()
}

fn d(text: &str) -> Decimal {
    text.parse().expect("decimal")
}

/// A new company in a temporary folder: `(the temp dir guard, the company folder)`.
fn new_company() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    let company = temp.path().join("kaffeewerk");
    let output = stockpost(temp.path(), &["init", company.to_str().unwrap()]);
    ok(&output);
    (temp, company)
}

/// Posts the whole example month, one process per journal, then adjusts and posts the queue.
fn post_month(company: &Path) {
    for name in JOURNALS {
        ok(&stockpost(company, &["post", &journal(name)]));
    }
    ok(&stockpost(company, &["adjust"]));
    ok(&stockpost(company, &["post-cost"]));
}

fn status(company: &Path) -> Value {
    let output = stockpost(company, &["status", "--format", "json"]);
    serde_json::from_str(&ok(&output)).expect("status JSON")
}

/// G/L balance per account from `export gl --format csv`.
fn exported_balances(company: &Path) -> BTreeMap<String, Decimal> {
    let csv = ok(&stockpost(company, &["export", "gl", "--format", "csv"]));
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().expect("header").clone();
    let account = headers.iter().position(|h| h == "account_no").unwrap();
    let amount = headers.iter().position(|h| h == "amount").unwrap();
    let mut balances = BTreeMap::new();
    for record in reader.records() {
        let record = record.expect("csv record");
        *balances
            .entry(record[account].to_string())
            .or_insert(Decimal::ZERO) += d(&record[amount]);
    }
    balances
}

#[test]
fn init_creates_the_folder_with_config_rules_readme_and_database() {
    let (_temp, company) = new_company();
    for file in [
        "config/company.toml",
        "config/items.toml",
        "config/locations.toml",
        "config/accounts.toml",
        "rules/inventory.rhai",
        "rules/general.rhai",
        "rules/adjustment.rhai",
        "README.md",
        "stockpost.db",
    ] {
        assert!(company.join(file).is_file(), "{file} missing");
    }
    assert!(company.join("inbox").is_dir());
    let status = status(&company);
    assert_eq!(status["batches"], 0);
    assert_eq!(status["value_entries"], 0);
    assert_eq!(status["reconciled"], true);
    // A second init into the same folder is refused, and the database is untouched.
    let again = stockpost(&company, &["init", company.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("is not empty"));
}

#[test]
fn the_example_month_on_the_store_matches_the_in_memory_run_to_the_cent() {
    let (_temp, company) = new_company();
    post_month(&company);
    let status = status(&company);
    // Seven journals, the adjustment and the (empty) G/L posting run.
    assert_eq!(status["batches"], 9, "{status:#}");
    assert_eq!(status["gl_queue"], 0);
    assert_eq!(status["reconciled"], true);
    assert_eq!(
        status["items_waiting_for_adjustment"],
        serde_json::json!([])
    );

    let balances = exported_balances(&company);
    assert_eq!(balances["1200"], d("20968.71"));
    assert_eq!(balances["1201"], d("3273.00"));
    assert_eq!(balances["1205"], d("1965.37"));
    assert_eq!(balances["1210"], d("363.00"));
    assert_eq!(balances["2005"], d("-3273.00"));
    assert_eq!(balances["4200"], d("40233.91"));
    assert_eq!(balances.values().sum::<Decimal>(), Decimal::ZERO);

    // Same entry counts as the month posted in memory in one process.
    let memory: Value = serde_json::from_str(&ok(&stockpost(
        &company,
        &["example", "--in-memory", "--format", "json"],
    )))
    .expect("example JSON");
    let steps = memory["steps"].as_array().expect("steps");
    let total = |key: &str| -> u64 { steps.iter().map(|s| s[key].as_u64().unwrap()).sum() };
    assert_eq!(status["item_ledger_entries"], total("item_ledger_entries"));
    assert_eq!(status["value_entries"], total("value_entries"));
    assert_eq!(status["gl_entries"], total("gl_entries"));

    let reconcile = stockpost(&company, &["reconcile"]);
    assert_eq!(
        reconcile.status.code(),
        Some(0),
        "{}",
        text(&reconcile.stdout)
    );

    let verify = ok(&stockpost(&company, &["verify"]));
    assert!(verify.contains("0 differences"), "{verify}");
    assert!(verify.contains("verified"), "{verify}");
}

#[test]
fn a_journal_posted_twice_is_refused_and_nothing_changes() {
    let (_temp, company) = new_company();
    ok(&stockpost(&company, &["post", &journal(JOURNALS[0])]));
    let before = status(&company);
    let again = stockpost(&company, &["post", &journal(JOURNALS[0])]);
    assert_eq!(again.status.code(), Some(4), "{}", text(&again.stderr));
    let message = text(&again.stderr);
    assert!(message.contains("was already posted"), "{message}");
    assert!(message.contains("in batch 1"), "{message}");
    // The same documents under another file name, with other bytes (the last line dropped):
    // refused too, by document no.
    let copy = company.join("copy.csv");
    let original = std::fs::read_to_string(journal(JOURNALS[0])).unwrap();
    let mut lines: Vec<&str> = original.lines().collect();
    lines.pop();
    std::fs::write(&copy, lines.join("\n") + "\n").unwrap();
    let renamed = stockpost(&company, &["post", copy.to_str().unwrap()]);
    assert_eq!(renamed.status.code(), Some(4), "{}", text(&renamed.stderr));
    assert!(text(&renamed.stderr).contains("IJ-OPEN-2610"));
    let after = status(&company);
    assert_eq!(before["value_entries"], after["value_entries"]);
    assert_eq!(before["last_batch"], after["last_batch"]);
}

#[test]
fn a_bad_journal_is_refused_with_its_line_and_stores_nothing() {
    let (_temp, company) = new_company();
    ok(&stockpost(&company, &["post", &journal(JOURNALS[0])]));
    let bad = company.join("bad.csv");
    std::fs::write(
        &bad,
        "type,posting_date,document_no,item,location,quantity,unit_cost\n\
         positive_adjustment,2026-11-02,IJ-BAD-1,1000,MAIN,2,865.00\n\
         positive_adjustment,2026-11-02,IJ-BAD-1,9999,MAIN,1,10.00\n",
    )
    .unwrap();
    let output = stockpost(&company, &["post", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = text(&output.stderr);
    assert!(message.contains("bad.csv:3"), "{message}");
    let status = status(&company);
    assert_eq!(status["batches"], 1);
    assert_eq!(status["item_ledger_entries"], 16);
}

#[test]
fn commands_on_a_missing_company_say_how_to_create_one() {
    let temp = tempfile::tempdir().unwrap();
    let output = stockpost(temp.path(), &["status", "--company", "nowhere"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("stockpost init"));
    // A folder with config/ and rules/ but no database.
    let (_guard, company) = new_company();
    std::fs::remove_file(company.join("stockpost.db")).unwrap();
    let output = stockpost(&company, &["post", &journal(JOURNALS[0])]);
    assert_eq!(output.status.code(), Some(3));
    let message = text(&output.stderr);
    assert!(message.contains("does not exist"), "{message}");
    assert!(message.contains("stockpost init"), "{message}");
}

#[test]
fn a_snapshot_is_used_when_it_fits_and_ignored_when_damaged() {
    let (_temp, company) = new_company();
    post_month(&company);
    let written = ok(&stockpost(&company, &["snapshot"]));
    assert!(
        written.contains("snapshot written after batch 9"),
        "{written}"
    );
    // The next journal replays on top of the snapshot.
    let extra = company.join("november.csv");
    std::fs::write(
        &extra,
        "type,posting_date,document_no,item,location,quantity,unit_cost\n\
         positive_adjustment,2026-11-02,IJ-NOV-1,3010,MAIN,4,12.50\n",
    )
    .unwrap();
    ok(&stockpost(&company, &["post", extra.to_str().unwrap()]));
    let after_post = status(&company);
    assert_eq!(after_post["snapshot_batch"], 9);
    assert_eq!(after_post["batches_replayed_on_open"], 1);
    assert_eq!(after_post["item_ledger_entries"], 216);
    assert_eq!(exported_balances(&company)["1200"], d("21018.71"));
    // A damaged snapshot is not used: the same books, by replaying every batch.
    let path = company.join("stockpost.snapshot");
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();
    let damaged = status(&company);
    assert_eq!(damaged["snapshot_batch"], Value::Null);
    assert_eq!(damaged["batches_replayed_on_open"], 10);
    assert_eq!(damaged["item_ledger_entries"], 216);
    let note = damaged["snapshot_note"].as_str().unwrap();
    assert!(note.contains("checksum"), "{note}");
    assert_eq!(exported_balances(&company)["1200"], d("21018.71"));
    ok(&stockpost(&company, &["verify"]));
}

#[test]
fn a_company_database_locked_by_another_writer_is_refused_and_then_works() {
    let (_temp, company) = new_company();
    let mut other = rusqlite::Connection::open(company.join("stockpost.db")).unwrap();
    let transaction = other
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .args(["post", &journal(JOURNALS[0])])
        .current_dir(&company)
        .env("STOCKPOST_BUSY_TIMEOUT_MS", "200")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let message = text(&output.stderr);
    assert!(
        message.contains("is locked by another process"),
        "{message}"
    );
    assert!(message.contains("stockpost.db"), "{message}");
    transaction.rollback().unwrap();
    drop(other);
    ok(&stockpost(&company, &["post", &journal(JOURNALS[0])]));
    assert_eq!(status(&company)["batches"], 1);
}

#[test]
fn a_damaged_database_is_refused_by_every_command_with_its_name() {
    let (_temp, company) = new_company();
    ok(&stockpost(&company, &["post", &journal(JOURNALS[0])]));
    let path = company.join("stockpost.db");
    let original = std::fs::read(&path).unwrap();
    // Random bytes where the database was.
    let garbage: Vec<u8> = (0..original.len())
        .map(|index| (index * 7919 % 251) as u8)
        .collect();
    std::fs::write(&path, &garbage).unwrap();
    let _ = std::fs::remove_file(company.join("stockpost.db-wal"));
    let _ = std::fs::remove_file(company.join("stockpost.db-shm"));
    for args in [
        vec!["status"],
        vec!["post", JOURNALS[1]],
        vec!["verify"],
        vec!["export", "gl"],
    ] {
        let args: Vec<String> = args
            .iter()
            .map(|arg| {
                if arg.ends_with(".csv") {
                    journal(arg)
                } else {
                    arg.to_string()
                }
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = stockpost(&company, &args);
        assert_eq!(
            output.status.code(),
            Some(3),
            "{args:?}: {}",
            text(&output.stderr)
        );
        let message = text(&output.stderr);
        assert!(message.contains("stockpost.db"), "{message}");
        assert!(
            message.contains("damaged") || message.contains("not a stockpost company"),
            "{message}"
        );
    }
    // Nothing was written over the damaged file: restoring the original gives the books back.
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
    std::fs::write(&path, original).unwrap();
    assert_eq!(status(&company)["batches"], 1);
}

#[test]
fn a_read_only_database_refuses_posting_but_can_be_read() {
    use std::os::unix::fs::PermissionsExt;
    let (_temp, company) = new_company();
    ok(&stockpost(&company, &["post", &journal(JOURNALS[0])]));
    let path = company.join("stockpost.db");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    // Root is not stopped by permissions: make the file immutable too.
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.starts_with(b"0"));
    if root {
        assert!(Command::new("chattr")
            .arg("+i")
            .arg(&path)
            .status()
            .unwrap()
            .success());
    }
    let output = stockpost(&company, &["post", &journal(JOURNALS[1])]);
    let readable = stockpost(&company, &["status", "--format", "json"]);
    if root {
        let _ = Command::new("chattr").arg("-i").arg(&path).status();
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", text(&output.stderr));
    let message = text(&output.stderr);
    assert!(message.contains("is read-only"), "{message}");
    assert!(message.contains("writable"), "{message}");
    let readable: Value = serde_json::from_str(&ok(&readable)).unwrap();
    assert_eq!(readable["batches"], 1);
    assert_eq!(status(&company)["batches"], 1);
}
