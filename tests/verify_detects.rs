//! `stockpost verify` finds every stored row the journals do not replay to: a changed cell, a
//! row missing from the store and a row the replay does not make, each named by table, entry and
//! column, with exit status 1 (the comparison streams the replayed rows chunk by chunk).

mod hostile_support;

use hostile_support::{company, stderr, stdout, stockpost};
use rusqlite::Connection;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/october-2026");

#[test]
fn verify_names_every_changed_missing_and_extra_row() {
    let root = tempfile::tempdir().unwrap();
    let acme = company(root.path(), "acme");
    let posted = stockpost(
        &acme,
        &[
            "post",
            "--company",
            ".",
            &format!("{EXAMPLE}/01-opening-stock.csv"),
            &format!("{EXAMPLE}/02-week1.csv"),
        ],
    );
    assert!(posted.status.success(), "{}", stderr(&posted));
    let clean = stockpost(&acme, &["verify", "--company", "."]);
    assert!(clean.status.success(), "{}", stdout(&clean));

    let db = Connection::open(acme.join("stockpost.db")).unwrap();
    let amount: i64 = db
        .query_row(
            "SELECT amount FROM gl_entry_data WHERE entry_no = 3",
            [],
            |row| row.get(0),
        )
        .unwrap();
    db.execute_batch(
        "DROP TRIGGER gl_entry_data_no_update;
         DROP TRIGGER item_application_entry_no_delete;
         UPDATE gl_entry_data SET amount = amount + 1 WHERE entry_no = 3;
         DELETE FROM item_application_entry WHERE entry_no = 2;
         INSERT INTO gl_entry_data SELECT 900000, transaction_no, register_no, posting_date,
             document_no, external_document_no, account_no, account_role, 0, dimension_set_id,
             description, rule_id, batch_id FROM gl_entry_data WHERE entry_no = 1;",
    )
    .unwrap();
    drop(db);

    let verified = stockpost(&acme, &["verify", "--company", ".", "--format", "json"]);
    assert_eq!(verified.status.code(), Some(1), "{}", stderr(&verified));
    let report: serde_json::Value = serde_json::from_str(&stdout(&verified)).unwrap();
    assert_eq!(report["passed"], false);
    assert_eq!(report["differences_found"], 3);
    let found: Vec<(String, u64, String, String, String)> = report["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["table"].as_str().unwrap().to_string(),
                d["entry_no"].as_u64().unwrap(),
                d["column"].as_str().unwrap_or("").to_string(),
                d["stored"].as_str().unwrap().to_string(),
                d["replayed"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(found.len(), 3);
    assert_eq!(
        (found[0].0.as_str(), found[0].1, found[0].2.as_str()),
        ("item_application_entry", 2, "")
    );
    assert_eq!(found[0].3, "(no such row)");
    assert_eq!(
        found[1],
        (
            "gl_entry".to_string(),
            3,
            "amount".to_string(),
            (amount + 1).to_string(),
            amount.to_string()
        )
    );
    assert_eq!((found[2].0.as_str(), found[2].1), ("gl_entry", 900000));
    assert_eq!(found[2].4, "(no such row)");
}
