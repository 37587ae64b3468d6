//! A company database of schema version 1 (G/L entries carrying their rule's texts) is read as it
//! is and upgraded in place to version 2 (the rule stored once in `gl_entry_rule`, the view
//! `gl_entry` with version 1's columns) the first time a command opens it for writing; every
//! stored entry stays what it was, cell for cell, and `verify` agrees before and after.

mod hostile_support;

use std::path::Path;

use hostile_support::{company, stderr, stdout, stockpost};
use rusqlite::Connection;

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/october-2026");

/// Every row of the G/L entries with their rule, in entry order, as text.
fn gl_entries(db: &Path) -> Vec<String> {
    let connection = Connection::open(db).unwrap();
    let mut statement = connection
        .prepare(
            "SELECT entry_no, transaction_no, register_no, posting_date, document_no, \
             external_document_no, account_no, account_role, amount, dimension_set_id, \
             description, rule_set_hash, rule_file, rule_function, rule_key, batch_id \
             FROM gl_entry ORDER BY entry_no",
        )
        .unwrap();
    let rows = statement
        .query_map([], |row| {
            let cells: Vec<String> = (0..16)
                .map(|index| match row.get_ref(index).unwrap() {
                    rusqlite::types::ValueRef::Null => "NULL".to_string(),
                    rusqlite::types::ValueRef::Integer(value) => value.to_string(),
                    rusqlite::types::ValueRef::Text(text) => {
                        String::from_utf8_lossy(text).into_owned()
                    }
                    other => panic!("unexpected cell {other:?}"),
                })
                .collect();
            Ok(cells.join("|"))
        })
        .unwrap();
    rows.map(Result::unwrap).collect()
}

fn query_i64(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |row| row.get(0))
        .unwrap()
}

/// Writes `target` as the version-1 database holding what the version-2 database `source` holds.
fn as_version_1(source: &Path, target: &Path) {
    let schema = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/store-schema-v1.sql"
    ))
    .unwrap();
    let connection = Connection::open(target).unwrap();
    connection.execute_batch(&schema).unwrap();
    connection
        .execute(
            "ATTACH DATABASE ?1 AS v2",
            [source.to_str().expect("a UTF-8 path")],
        )
        .unwrap();
    let tables: Vec<String> = connection
        .prepare("SELECT name FROM main.sqlite_schema WHERE type = 'table' ORDER BY rowid")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for table in tables {
        let sql = if table == "store_meta" {
            "INSERT INTO main.store_meta SELECT id, application, 1, company_id, amount_scale, \
             quantity_scale, created_at FROM v2.store_meta"
                .to_string()
        } else {
            // The stored columns (not the generated ones); version 2's view gl_entry has version
            // 1's columns.
            let columns: Vec<String> = connection
                .prepare("SELECT name FROM pragma_table_info(?1)")
                .unwrap()
                .query_map([&table], |row| row.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let columns = columns.join(", ");
            format!("INSERT INTO main.{table} ({columns}) SELECT {columns} FROM v2.{table}")
        };
        connection.execute(&sql, []).unwrap();
    }
}

#[test]
fn a_version_1_database_is_read_as_it_is_and_upgraded_when_written() {
    let root = tempfile::tempdir().unwrap();
    let acme = company(root.path(), "acme");
    let example = |name: &str| format!("{EXAMPLE}/{name}");
    let posted = stockpost(
        &acme,
        &[
            "post",
            "--company",
            ".",
            &example("01-opening-stock.csv"),
            &example("02-week1.csv"),
            &example("03-week2.csv"),
        ],
    );
    assert!(posted.status.success(), "{}", stderr(&posted));
    let db = acme.join("stockpost.db");
    let before = gl_entries(&db);
    assert_eq!(
        before.len(),
        232,
        "the example's first three weeks post 232 G/L entries"
    );

    // The same books in a version-1 file, in place of the company's database.
    let old = root.path().join("old.db");
    as_version_1(&db, &old);
    for stale in ["stockpost.db-wal", "stockpost.db-shm", "stockpost.snapshot"] {
        let _ = std::fs::remove_file(acme.join(stale));
    }
    std::fs::rename(&old, &db).unwrap();
    assert_eq!(query_i64(&db, "SELECT schema_version FROM store_meta"), 1);
    assert_eq!(gl_entries(&db), before);

    // Reading does not upgrade: status and verify read version 1 as it is.
    let status = stockpost(&acme, &["status", "--company", "."]);
    assert!(stdout(&status).contains("schema 1"), "{}", stdout(&status));
    let verified = stockpost(&acme, &["verify", "--company", "."]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert_eq!(query_i64(&db, "SELECT schema_version FROM store_meta"), 1);

    // Posting opens it for writing: upgraded, every G/L entry the same, the rule stored once.
    let posted = stockpost(
        &acme,
        &["post", "--company", ".", &example("04-week3.jsonl")],
    );
    assert!(posted.status.success(), "{}", stderr(&posted));
    assert_eq!(query_i64(&db, "SELECT schema_version FROM store_meta"), 2);
    let after = gl_entries(&db);
    assert_eq!(after[..before.len()], before[..]);
    assert_eq!(after.len(), 330, "week 3 adds 98 G/L entries");
    assert_eq!(query_i64(&db, "SELECT COUNT(*) FROM gl_entry_rule"), 66);
    assert_eq!(
        query_i64(&db, "SELECT COUNT(*) FROM gl_entry_rule"),
        query_i64(
            &db,
            "SELECT COUNT(*) FROM (SELECT DISTINCT rule_set_hash, rule_file, rule_function, \
             rule_key FROM gl_entry)"
        )
    );
    assert_eq!(
        query_i64(&db, "SELECT COUNT(*) FROM gl_entry_data"),
        after.len() as i64
    );
    let status = stockpost(&acme, &["status", "--company", "."]);
    assert!(stdout(&status).contains("schema 2"), "{}", stdout(&status));
    let verified = stockpost(&acme, &["verify", "--company", "."]);
    assert!(verified.status.success(), "{}", stderr(&verified));

    // Stored G/L entries stay append-only through the view and in the tables behind it.
    let connection = Connection::open(&db).unwrap();
    for sql in [
        "UPDATE gl_entry_data SET amount = amount + 1 WHERE entry_no = 1",
        "DELETE FROM gl_entry_rule",
        "UPDATE gl_entry SET amount = 0",
    ] {
        assert!(connection.execute(sql, []).is_err(), "{sql} was allowed");
    }
}
