//! The SQLite company store: the example company's October posted batch by batch, read back row
//! for row; exact stored amounts; append-only triggers; failed batches leave the database as it
//! was; every kind of bad database file gives its own error; duplicate journal detection.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use stockpost::adjust::AdjustRequest;
use stockpost::books::Books;
use stockpost::config::CompanyConfig;
use stockpost::example::{
    example_chart, example_config, example_rule_sources, EXAMPLE_CONFIG_FILES, EXAMPLE_JOURNALS,
};
use stockpost::glpost::{AccountResolver, CostPostingMode};
use stockpost::journal::parse_journal;
use stockpost::posting::PostingContext;
use stockpost::rules::loader::content_hash;
use stockpost::rules::{AdjustmentTrigger, RuleLimits, RuleSet, RuleSetAccounts};
use stockpost::store::rows::{rows_of, RowKeys};
use stockpost::store::sqlite::{OpenOptions, SqliteStore};
use stockpost::store::{
    BatchCommand, BooksDelta, CompanyStore, DocumentRef, EntryTable, JournalCollision, JournalText,
    NewBatch, ReconciliationSummary, Row, SourceSet, StoreError, StoreMarks,
};

fn source_set(files: Vec<(String, String)>) -> SourceSet {
    let mut files = files;
    files.sort();
    SourceSet {
        hash: content_hash(&files),
        files,
    }
}

fn journal_text(name: &str, text: &str) -> JournalText {
    let lines = parse_journal(name, text).expect("journal parses");
    let documents: BTreeSet<DocumentRef> = lines
        .iter()
        .map(|line| DocumentRef {
            line_type: line.kind.name().to_string(),
            document_no: line.document_no.clone(),
        })
        .collect();
    JournalText {
        name: name.to_string(),
        text: text.to_string(),
        content_hash: Sha256::digest(text.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect(),
        documents: documents.into_iter().collect(),
        line_count: lines.len() as u64,
    }
}

/// A company's books in memory with the store marks of what was committed.
struct Session {
    books: Books,
    marks: StoreMarks,
    rule_set: SourceSet,
    config_set: SourceSet,
}

impl Session {
    fn new(config: CompanyConfig) -> Session {
        let mut books = Books::new(config);
        books.ledger.track_changes();
        let marks = StoreMarks::of(&books);
        let config_files = EXAMPLE_CONFIG_FILES
            .iter()
            .map(|&(name, text)| (name.to_string(), text.to_string()))
            .collect();
        Session {
            books,
            marks,
            rule_set: source_set(example_rule_sources()),
            config_set: source_set(config_files),
        }
    }

    fn delta(&mut self) -> BooksDelta<'_> {
        let changes = self.books.ledger.take_changes();
        BooksDelta::new(&self.books, self.marks, changes)
    }

    /// Commits what changed since the last commit as one batch.
    fn commit(
        &mut self,
        store: &mut SqliteStore,
        command: BatchCommand,
        journal: Option<&JournalText>,
    ) -> Result<u64, StoreError> {
        let (rule_set, config_set) = (self.rule_set.clone(), self.config_set.clone());
        let delta = self.delta();
        let after = delta.after;
        let batch = NewBatch {
            command,
            journal,
            rule_set: &rule_set,
            config: &config_set,
            committed_at: "2026-11-01T08:00:00Z".into(),
            reconciliation: None,
        };
        let result = store.commit_batch(&batch, &delta);
        if result.is_ok() {
            self.marks = after;
        }
        result
    }

    /// Posts a journal (with the cost adjustment its trigger asks for) and commits it.
    fn post(
        &mut self,
        store: &mut SqliteStore,
        accounts: &dyn AccountResolver,
        trigger: Option<&AdjustmentTrigger>,
        journal: &JournalText,
    ) -> Result<u64, StoreError> {
        let lines = parse_journal(&journal.name, &journal.text).expect("journal parses");
        let work_date = lines.iter().map(|line| line.posting_date).max().unwrap();
        let context = PostingContext { work_date };
        let posting = self
            .books
            .post_journal(&lines, &context, accounts)
            .expect("journal posts");
        if let Some(trigger) = trigger {
            self.books
                .run_adjustment_trigger(trigger, &posting, work_date, accounts)
                .expect("trigger runs");
        }
        self.commit(
            store,
            BatchCommand::PostJournal { work_date },
            Some(journal),
        )
    }
}

struct Example {
    rules: RuleSet,
    trigger: Option<AdjustmentTrigger>,
}

fn example(config: &CompanyConfig) -> Example {
    let sources = example_rule_sources();
    Example {
        rules: RuleSet::from_sources(&sources, config, &example_chart()).expect("rules load"),
        trigger: AdjustmentTrigger::from_sources(&sources, RuleLimits::default())
            .expect("trigger loads"),
    }
}

fn example_journals() -> Vec<JournalText> {
    EXAMPLE_JOURNALS
        .iter()
        .map(|(name, text)| journal_text(name, text))
        .collect()
}

fn temp_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Posts the whole example month into a new store at `path`: one batch per journal, then a
/// cost adjustment run, then "post inventory cost to G/L".
fn post_example_month(path: &Path, config: CompanyConfig) -> (Session, SqliteStore) {
    let company = example(&config);
    let accounts = RuleSetAccounts::new(&company.rules);
    let mut store = SqliteStore::create(path, "kaffeewerk", 2).expect("store created");
    let mut session = Session::new(config);
    for journal in example_journals() {
        session
            .post(&mut store, &accounts, company.trigger.as_ref(), &journal)
            .expect("batch commits");
    }
    session
        .books
        .adjust_cost(&AdjustRequest::default(), true, &accounts);
    let adjust = BatchCommand::AdjustCost {
        items: vec![],
        item_category: None,
        post_to_gl: true,
    };
    session
        .commit(&mut store, adjust, None)
        .expect("adjustment commits");
    session
        .books
        .post_inventory_cost_to_gl(CostPostingMode::PerEntry, &accounts);
    let post = BatchCommand::PostInventoryCost {
        per_posting_group: None,
    };
    session
        .commit(&mut store, post, None)
        .expect("G/L posting commits");
    (session, store)
}

fn stored_rows(store: &SqliteStore, table: EntryTable) -> Vec<Row> {
    let mut rows = Vec::new();
    store
        .read_rows(table, &mut |row| {
            rows.push(row);
            Ok(())
        })
        .expect("rows read");
    rows
}

fn assert_store_holds_the_books(store: &SqliteStore, books: &Books) {
    for table in EntryTable::ALL {
        let expected = rows_of(books, table, RowKeys::all(books, table), store.scales()).unwrap();
        assert_eq!(stored_rows(store, table), expected, "{table:?}");
    }
}

fn query_i64(store: &SqliteStore, sql: &str) -> i64 {
    store
        .connection()
        .query_row(sql, [], |row| row.get(0))
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
}

/// What a database holds, in a form that shows any change: each table's row count and the
/// chain hash of its last batch.
fn snapshot(store: &SqliteStore) -> (Vec<(String, i64)>, Option<String>) {
    let connection = store.connection();
    let mut statement = connection
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap();
    let names: Vec<String> = statement
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let counts = names
        .into_iter()
        .map(|name| {
            let count = query_i64(store, &format!("SELECT count(*) FROM {name}"));
            (name, count)
        })
        .collect();
    let head = store.head().unwrap();
    (counts, head.last_batch.map(|batch| batch.chain_hash))
}

#[test]
fn the_example_month_is_stored_batch_by_batch_and_reads_back_row_for_row() {
    let dir = temp_dir();
    let path = dir.path().join("company.db");
    let (session, store) = post_example_month(&path, example_config());
    let books = &session.books;
    assert_store_holds_the_books(&store, books);
    // 7 journals, the adjustment run, the G/L posting run.
    let head = store.head().unwrap();
    assert_eq!(head.company_id, "kaffeewerk");
    assert_eq!(head.last_batch.as_ref().unwrap().batch_id, 9);
    assert_eq!(head.last_batch.unwrap().marks_after, StoreMarks::of(books));
    // The tables are not trivially empty.
    for table in [
        EntryTable::ItemLedgerEntry,
        EntryTable::ValueEntry,
        EntryTable::GlEntry,
        EntryTable::ItemApplicationEntry,
        EntryTable::DimensionSetEntry,
        EntryTable::GlRegister,
    ] {
        assert!(!stored_rows(&store, table).is_empty(), "{table:?}");
    }
    // Reopening reads the same.
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_store_holds_the_books(&store, books);
}

#[test]
fn stored_amounts_sum_to_the_books_to_the_cent() {
    let dir = temp_dir();
    let (session, store) = post_example_month(&dir.path().join("company.db"), example_config());
    let books = &session.books;
    let cents = |amount: Decimal| -> i64 { (amount * Decimal::from(100)).try_into().unwrap() };
    // Every G/L account's balance in SQL equals the in-memory balance.
    let mut balances = std::collections::BTreeMap::<String, Decimal>::new();
    for entry in books.general_ledger.entries() {
        *balances.entry(entry.account_no.to_string()).or_default() += entry.amount;
    }
    assert!(balances.len() >= 4, "{balances:?}");
    for (account, balance) in &balances {
        let stored = query_i64(
            &store,
            &format!("SELECT SUM(amount) FROM gl_entry WHERE account_no = '{account}'"),
        );
        assert_eq!(stored, cents(*balance), "account {account}");
    }
    // Inventory value from value entries, in cents, and the G/L balances to zero.
    let inventory: Decimal = books
        .ledger
        .value_entries()
        .iter()
        .map(|entry| entry.cost_amount_actual)
        .sum();
    assert_eq!(
        query_i64(&store, "SELECT SUM(cost_amount_actual) FROM value_entry"),
        cents(inventory)
    );
    assert_eq!(query_i64(&store, "SELECT SUM(amount) FROM gl_entry"), 0);
    // Exact figures of the example month (see docs/store.md's queries).
    let inventory_account = query_i64(
        &store,
        "SELECT SUM(amount) FROM gl_entry WHERE account_role = 'inventory'",
    );
    assert_eq!(inventory_account, cents(inventory));
    // Account 1200 (inventory, main location) to the cent, straight from SQL.
    assert_eq!(
        query_i64(
            &store,
            "SELECT SUM(amount) FROM gl_entry WHERE account_no = '1200'"
        ),
        2_096_871
    );
    assert_eq!(
        inventory,
        EXAMPLE_INVENTORY_VALUE.parse::<Decimal>().unwrap()
    );
    // Quantities at 10^5: the remaining quantity of the open entries is what is on hand.
    let on_hand: Decimal = books
        .ledger
        .item_ledger_entries()
        .iter()
        .map(|entry| entry.remaining_quantity)
        .sum();
    let stored_on_hand = query_i64(
        &store,
        "SELECT SUM(remaining_quantity) FROM item_ledger_entry_status WHERE open = 1",
    );
    assert_eq!(Decimal::new(stored_on_hand, 5), on_hand);
}

/// The example month's inventory value after the adjustment (sum of actual cost amounts).
const EXAMPLE_INVENTORY_VALUE: &str = "23297.08";

#[test]
fn entries_cannot_be_changed_or_removed_through_sql() {
    let dir = temp_dir();
    let (_session, store) = post_example_month(&dir.path().join("company.db"), example_config());
    let before = snapshot(&store);
    for sql in [
        "UPDATE item_ledger_entry SET quantity = 0 WHERE entry_no = 1",
        "DELETE FROM item_ledger_entry WHERE entry_no = 1",
        "UPDATE value_entry SET cost_amount_actual = 0",
        "DELETE FROM gl_entry_data",
        "UPDATE gl_entry_data SET amount = amount + 1 WHERE entry_no = 1",
        "DELETE FROM gl_entry_rule",
        "UPDATE gl_entry_rule SET rule_key = ''",
        "DELETE FROM posting_batch WHERE batch_id = 9",
        "UPDATE posting_batch SET chain_hash = 'x'",
        "DELETE FROM journal_line",
        "UPDATE journal SET text = ''",
        "DELETE FROM rule_set_file",
        "UPDATE store_meta SET amount_scale = 3",
    ] {
        let error = store
            .connection()
            .execute(sql, [])
            .expect_err("the trigger refuses");
        assert!(
            error.to_string().contains("is append-only"),
            "{sql}: {error}"
        );
    }
    assert_eq!(snapshot(&store), before);
    // Status rows may change: that is what they are for.
    store
        .connection()
        .execute(
            "UPDATE value_entry_status SET batch_id = batch_id WHERE entry_no = 1",
            [],
        )
        .unwrap();
}

#[test]
fn a_batch_on_stale_books_is_refused_and_changes_nothing() {
    let dir = temp_dir();
    let (mut session, mut store) =
        post_example_month(&dir.path().join("company.db"), example_config());
    let before = snapshot(&store);
    // The books claim to start from an earlier point than the store holds.
    session.marks.value_entries -= 1;
    let error = session
        .commit(
            &mut store,
            BatchCommand::PostInventoryCost {
                per_posting_group: None,
            },
            None,
        )
        .expect_err("out of step");
    assert!(matches!(error, StoreError::OutOfStep { .. }), "{error}");
    assert!(error.to_string().contains("company.db"), "{error}");
    assert_eq!(snapshot(&store), before);
}

#[test]
fn an_amount_finer_than_the_store_keeps_refuses_the_batch_and_changes_nothing() {
    let dir = temp_dir();
    let path = dir.path().join("company.db");
    let mut config = example_config();
    config.rounding.amount_precision = "0.001".parse().unwrap();
    let company = example(&config);
    let accounts = RuleSetAccounts::new(&company.rules);
    // The store keeps cents; the books round to tenths of a cent.
    let mut store = SqliteStore::create(&path, "kaffeewerk", 2).unwrap();
    let mut session = Session::new(config);
    let opening = &example_journals()[0];
    session.post(&mut store, &accounts, None, opening).unwrap();
    let before = snapshot(&store);
    let text = "type,posting_date,document_no,item,location,quantity,unit_cost\n\
                positive_adjustment,2026-10-02,IJ-FINE,2000,MAIN,1,1.2345\n";
    let journal = journal_text("fine.csv", text);
    let error = session
        .post(&mut store, &accounts, None, &journal)
        .expect_err("inexact");
    match &error {
        StoreError::Inexact {
            table,
            column,
            value,
            scale,
            ..
        } => {
            assert_eq!(
                (*table, *column, value.as_str(), *scale),
                ("value_entry", "cost_amount_actual", "1.235", 2)
            );
        }
        other => panic!("expected Inexact, got {other}"),
    }
    assert_eq!(snapshot(&store), before);
    assert_eq!(store.find_posted_journal(&journal).unwrap(), None);
}

#[test]
fn the_g_l_queue_follows_the_books_when_cost_posting_is_not_automatic() {
    let dir = temp_dir();
    let mut config = example_config();
    config.inventory_setup.automatic_cost_posting = false;
    let (session, store) = post_example_month(&dir.path().join("company.db"), config);
    assert_store_holds_the_books(&store, &session.books);
    // The last batch posted the queue: whatever is left is what the books still hold.
    assert_eq!(
        query_i64(&store, "SELECT count(*) FROM gl_posting_queue") as usize,
        session.books.general_ledger.queue().len()
    );
    // The journals queued entries: batch 1's rows left the queue in batch 9.
    let queued_by_first = query_i64(
        &store,
        "SELECT count(*) FROM gl_posting_queue WHERE batch_id = 1",
    );
    assert_eq!(queued_by_first, 0);
    assert!(
        query_i64(
            &store,
            "SELECT count(*) FROM gl_register WHERE source = 'post_inventory_cost'"
        ) > 0
    );
}

#[test]
fn batches_replay_with_their_journals_rule_sets_and_chain() {
    let dir = temp_dir();
    let (session, store) = post_example_month(&dir.path().join("company.db"), example_config());
    let mut batches = Vec::new();
    store
        .batches_after(0, &mut |batch| {
            batches.push(batch);
            Ok(())
        })
        .unwrap();
    assert_eq!(batches.len(), 9);
    let journals = example_journals();
    for (batch, journal) in batches.iter().zip(&journals) {
        assert_eq!(batch.journal.as_ref(), Some(journal));
        assert!(matches!(batch.command, BatchCommand::PostJournal { .. }));
    }
    assert_eq!(batches[7].journal, None);
    let mut previous = String::new();
    for batch in &batches {
        let command_json = serde_json::to_string(&batch.command).unwrap();
        let journal_hash = batch.journal.as_ref().map_or("", |j| &j.content_hash);
        let expected = stockpost::store::sqlite::chain_hash(
            &previous,
            &command_json,
            journal_hash,
            &batch.rule_set_hash,
            &batch.config_hash,
            &batch.marks_after,
        );
        assert_eq!(batch.chain_hash, expected, "batch {}", batch.batch_id);
        previous = batch.chain_hash.clone();
    }
    let mut after_seven = Vec::new();
    store
        .batches_after(7, &mut |batch| {
            after_seven.push(batch.batch_id);
            Ok(())
        })
        .unwrap();
    assert_eq!(after_seven, vec![8, 9]);
    assert_eq!(
        store.rule_set(&session.rule_set.hash).unwrap(),
        Some(session.rule_set.clone())
    );
    assert_eq!(
        store.config(&session.config_set.hash).unwrap(),
        Some(session.config_set.clone())
    );
    assert_eq!(store.rule_set("nope").unwrap(), None);
    // Each physical line is kept; the header is line 1.
    let first_line: String = store
        .connection()
        .query_row(
            "SELECT text FROM journal_line WHERE journal_id = 1 AND line_no = 1",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(first_line, EXAMPLE_JOURNALS[0].1.lines().next().unwrap());
}

#[test]
fn a_journal_posted_before_is_found_by_content_and_by_document() {
    let dir = temp_dir();
    let (_session, store) = post_example_month(&dir.path().join("company.db"), example_config());
    let journals = example_journals();
    let same = store.find_posted_journal(&journals[1]).unwrap().unwrap();
    assert_eq!(same.batch_id, 2);
    assert_eq!(same.name, journals[1].name);
    assert_eq!(same.collision, JournalCollision::SameContent);
    // Another file posting a receipt the second journal posted.
    let text = "type,posting_date,document_no,external_document_no,gen_bus_posting_group,item,location,quantity,unit_cost\n\
                purchase_receipt,2026-10-30,PPR-NEW-1,,EU,1000,MAIN,1,872.50\n\
                purchase_receipt,2026-10-30,PPR-26-0001,,EU,1000,MAIN,1,872.50\n";
    let renamed = journal_text("copy-of-week1.csv", text);
    let found = store.find_posted_journal(&renamed).unwrap().unwrap();
    assert_eq!(found.batch_id, 2);
    assert_eq!(
        found.collision,
        JournalCollision::SameDocument(DocumentRef {
            line_type: "purchase_receipt".into(),
            document_no: "PPR-26-0001".into()
        })
    );
    let fresh = journal_text(
        "new.csv",
        "type,posting_date,document_no,external_document_no,gen_bus_posting_group,item,location,quantity,unit_cost\n\
         purchase_receipt,2026-10-30,PPR-NEW-1,,EU,1000,MAIN,1,872.50\n",
    );
    assert_eq!(store.find_posted_journal(&fresh).unwrap(), None);
}

#[test]
fn a_reconciliation_summary_is_stored_with_its_batch() {
    let dir = temp_dir();
    let path = dir.path().join("company.db");
    let config = example_config();
    let company = example(&config);
    let accounts = RuleSetAccounts::new(&company.rules);
    let mut store = SqliteStore::create(&path, "kaffeewerk", 2).unwrap();
    let mut session = Session::new(config);
    let journal = &example_journals()[0];
    let lines = parse_journal(&journal.name, &journal.text).unwrap();
    let work_date = lines[0].posting_date;
    session
        .books
        .post_journal(&lines, &PostingContext { work_date }, &accounts)
        .unwrap();
    let (rule_set, config_set) = (session.rule_set.clone(), session.config_set.clone());
    let delta = session.delta();
    let batch = NewBatch {
        command: BatchCommand::PostJournal { work_date },
        journal: Some(journal),
        rule_set: &rule_set,
        config: &config_set,
        committed_at: "2026-10-01T18:00:00Z".into(),
        reconciliation: Some(ReconciliationSummary {
            reconciled: false,
            differing_cells: 2,
            total_difference: "12.34".parse().unwrap(),
        }),
    };
    assert_eq!(store.commit_batch(&batch, &delta).unwrap(), 1);
    let (reconciled, cells, total): (i64, i64, i64) = store
        .connection()
        .query_row(
            "SELECT reconciled, differing_cells, total_difference FROM reconciliation_summary \
             WHERE batch_id = 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .unwrap();
    assert_eq!((reconciled, cells, total), (0, 2, 1234));
}

// ---- bad database files ------------------------------------------------------------------

fn assert_names_path(error: &StoreError, path: &Path) {
    let text = error.to_string();
    println!("{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
}

#[test]
fn a_missing_file_is_missing_and_is_not_created() {
    let dir = temp_dir();
    let path = dir.path().join("nowhere.db");
    let error = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::Missing { .. }), "{error}");
    assert_names_path(&error, &path);
    assert!(!path.exists());
    let error = SqliteStore::open_with(
        &path,
        OpenOptions {
            read_only: true,
            ..OpenOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(error, StoreError::Missing { .. }), "{error}");
    assert!(!path.exists());
}

#[test]
fn create_refuses_an_existing_file() {
    let dir = temp_dir();
    let path = dir.path().join("company.db");
    SqliteStore::create(&path, "a", 2).unwrap();
    let error = SqliteStore::create(&path, "b", 2).unwrap_err();
    assert!(matches!(error, StoreError::Exists { .. }), "{error}");
    assert_eq!(SqliteStore::open(&path).unwrap().company_id(), "a");
}

/// Makes a path unwritable for the test's lifetime: permissions, and for root (whom permissions
/// do not stop) the immutable attribute.
struct Unwritable(PathBuf);

impl Unwritable {
    fn new(path: &Path, mode: u32) -> Unwritable {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
        if is_root() {
            let status = std::process::Command::new("chattr")
                .arg("+i")
                .arg(path)
                .status()
                .expect("chattr runs (needed to make a file read-only for root)");
            assert!(status.success(), "chattr +i {}", path.display());
        }
        Unwritable(path.to_path_buf())
    }
}

impl Drop for Unwritable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if is_root() {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.0)
                .status();
        }
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
    }
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|output| output.stdout.starts_with(b"0"))
}

#[test]
fn a_read_only_file_is_refused_for_writing_and_opens_read_only() {
    let dir = temp_dir();
    let path = dir.path().join("company.db");
    drop(SqliteStore::create(&path, "kaffeewerk", 2).unwrap());
    let _guard = Unwritable::new(&path, 0o444);
    let error = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::ReadOnly { .. }), "{error}");
    assert_names_path(&error, &path);
    let store = SqliteStore::open_with(
        &path,
        OpenOptions {
            read_only: true,
            ..OpenOptions::default()
        },
    )
    .unwrap();
    assert_eq!(store.head().unwrap().company_id, "kaffeewerk");
}

#[test]
fn a_read_only_folder_is_refused_for_writing() {
    let dir = temp_dir();
    let folder = dir.path().join("company");
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join("company.db");
    drop(SqliteStore::create(&path, "kaffeewerk", 2).unwrap());
    let _guard = Unwritable::new(&folder, 0o555);
    let error = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::ReadOnly { .. }), "{error}");
    assert_names_path(&error, &path);
}

#[test]
fn a_database_held_by_another_writer_is_locked() {
    let dir = temp_dir();
    let path = dir.path().join("company.db");
    let config = example_config();
    let company = example(&config);
    let accounts = RuleSetAccounts::new(&company.rules);
    let mut store = SqliteStore::open_with(
        {
            drop(SqliteStore::create(&path, "kaffeewerk", 2).unwrap());
            &path
        },
        OpenOptions {
            busy_timeout_ms: 100,
            read_only: false,
        },
    )
    .unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut session = Session::new(config);
    let journal = &example_journals()[0];
    let error = session
        .post(&mut store, &accounts, None, journal)
        .unwrap_err();
    assert!(
        matches!(error, StoreError::Locked { waited_ms: 100, .. }),
        "{error}"
    );
    assert_names_path(&error, &path);
    // Reading still works while the other process writes (WAL).
    assert_eq!(store.head().unwrap().last_batch, None);
    other.execute_batch("ROLLBACK").unwrap();
    let delta_before = session.marks;
    assert_eq!(delta_before, StoreMarks::of(&Books::new(example_config())));
}

#[test]
fn random_bytes_are_a_damaged_database() {
    let dir = temp_dir();
    let path = dir.path().join("company.db");
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let bytes: Vec<u8> = (0..16384)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    std::fs::write(&path, bytes).unwrap();
    for read_only in [false, true] {
        let options = OpenOptions {
            read_only,
            ..OpenOptions::default()
        };
        let error = SqliteStore::open_with(&path, options).unwrap_err();
        assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
        assert_names_path(&error, &path);
    }
}

#[test]
fn a_truncated_database_is_damaged() {
    let dir = temp_dir();
    let path = dir.path().join("company.db");
    let (_session, store) = post_example_month(&path, example_config());
    drop(store);
    let length = std::fs::metadata(&path).unwrap().len();
    assert!(length > 8 * 4096, "{length}");
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(length / 2).unwrap();
    drop(file);
    let error = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert_names_path(&error, &path);
}

#[test]
fn damaged_pages_behind_a_valid_header_are_a_damaged_database() {
    let dir = temp_dir();
    let path = dir.path().join("company.db");
    let (session, store) = post_example_month(&path, example_config());
    drop(store);
    let mut bytes = std::fs::read(&path).unwrap();
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    for byte in &mut bytes[4096..] {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        *byte = state as u8;
    }
    std::fs::write(&path, bytes).unwrap();
    // SQLite finds the damage on open or at the latest when the rows are read.
    let error = match SqliteStore::open(&path) {
        Err(error) => error,
        Ok(store) => {
            let table = EntryTable::ValueEntry;
            let result = store.read_rows(table, &mut |_| Ok(()));
            assert_ne!(
                stored_rows_or_empty(&store, table),
                rows_of(
                    &session.books,
                    table,
                    RowKeys::all(&session.books, table),
                    store.scales()
                )
                .unwrap()
            );
            result.unwrap_err()
        }
    };
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
    assert_names_path(&error, &path);
}

fn stored_rows_or_empty(store: &SqliteStore, table: EntryTable) -> Vec<Row> {
    let mut rows = Vec::new();
    let _ = store.read_rows(table, &mut |row| {
        rows.push(row);
        Ok(())
    });
    rows
}

#[test]
fn another_sqlite_database_is_not_a_company() {
    let dir = temp_dir();
    let path = dir.path().join("other.db");
    let connection = rusqlite::Connection::open(&path).unwrap();
    connection
        .execute_batch("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        .unwrap();
    drop(connection);
    let error = SqliteStore::open(&path).unwrap_err();
    assert!(matches!(error, StoreError::NotACompany { .. }), "{error}");
    assert_names_path(&error, &path);
    // An empty file is an empty SQLite database: not a company either.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let error = SqliteStore::open(&empty).unwrap_err();
    assert!(matches!(error, StoreError::NotACompany { .. }), "{error}");
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = temp_dir();
    let path = dir.path().join("company.db");
    drop(SqliteStore::create(&path, "kaffeewerk", 2).unwrap());
    let connection = rusqlite::Connection::open(&path).unwrap();
    connection
        .execute_batch(
            "DROP TRIGGER store_meta_no_update; UPDATE store_meta SET schema_version = 99",
        )
        .unwrap();
    drop(connection);
    let error = SqliteStore::open(&path).unwrap_err();
    assert!(
        matches!(
            error,
            StoreError::SchemaVersion {
                found: 99,
                supported: 2,
                ..
            }
        ),
        "{error}"
    );
    assert_names_path(&error, &path);
}

// ---- throughput ------------------------------------------------------------------------------

// The posting benchmark's history generator (`generate` names its siblings as `super::`).
#[allow(dead_code)]
#[path = "../benches/posting/company.rs"]
mod company;
#[allow(dead_code)]
#[path = "../benches/posting/generate.rs"]
mod generate;
#[allow(dead_code)]
#[path = "../benches/posting/rng.rs"]
mod rng;

/// Rows written per second on the benchmark's generated history: `STORE_BENCH_LINES` journal
/// lines (default 100,000) in batches of `STORE_BENCH_BATCH` (default 1,000; 0: one batch).
/// Run with `cargo test --release --test store_sqlite -- --ignored --nocapture`.
#[test]
#[ignore = "throughput measurement; run on demand"]
fn throughput_of_batch_commits() {
    use rng::Rng;
    let lines_wanted: usize = env_number("STORE_BENCH_LINES", 100_000);
    let batch_size: usize = env_number("STORE_BENCH_BATCH", 1_000);
    let mut rng = Rng::new(7);
    let specs = company::item_specs(1_000, &mut rng);
    let config = company::company(&specs);
    let journal = generate::generate(lines_wanted, &specs, rng);
    let mut physical = journal.text.split_terminator('\n');
    let header = physical.next().unwrap().to_string();
    let body: Vec<&str> = physical.collect();
    let chunk = if batch_size == 0 {
        body.len()
    } else {
        batch_size
    };
    let accounts = stockpost::glpost::RoleAccounts::new();
    let dir = temp_dir();
    let path = dir.path().join("bench.db");
    let mut store = SqliteStore::create(&path, "bench", 2).unwrap();
    let mut session = Session::new(config);
    let (mut rows, mut commit_time, mut post_time) = (0u64, Duration::ZERO, Duration::ZERO);
    for (index, part) in body.chunks(chunk).enumerate() {
        let text = format!("{header}\n{}\n", part.join("\n"));
        let journal = journal_text(&format!("bench-{index:05}.csv"), &text);
        let started = Instant::now();
        let lines = parse_journal(&journal.name, &journal.text).unwrap();
        let work_date = lines.iter().map(|line| line.posting_date).max().unwrap();
        session
            .books
            .post_journal(&lines, &PostingContext { work_date }, &accounts)
            .unwrap();
        post_time += started.elapsed();
        let before = session.marks;
        let started = Instant::now();
        let (rule_set, config_set) = (session.rule_set.clone(), session.config_set.clone());
        let delta = session.delta();
        rows += batch_rows(&delta, &before);
        let after = delta.after;
        let batch = NewBatch {
            command: BatchCommand::PostJournal { work_date },
            journal: Some(&journal),
            rule_set: &rule_set,
            config: &config_set,
            committed_at: String::new(),
            reconciliation: None,
        };
        store.commit_batch(&batch, &delta).unwrap();
        session.marks = after;
        commit_time += started.elapsed();
    }
    let size = std::fs::metadata(&path).unwrap().len();
    println!(
        "{} lines in batches of {chunk}: posting {:.1} s; store {rows} rows in {:.1} s = {:.0} rows/s; \
         file {} MiB",
        body.len(),
        post_time.as_secs_f64(),
        commit_time.as_secs_f64(),
        rows as f64 / commit_time.as_secs_f64(),
        size >> 20
    );
    assert_store_count(&store, &session.books);
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// Rows a batch writes: new entries with their status rows, changed status rows, queue changes.
fn batch_rows(delta: &BooksDelta<'_>, before: &StoreMarks) -> u64 {
    let new: u64 = EntryTable::ALL
        .iter()
        .filter(|table| !matches!(table, EntryTable::DimensionSetEntry | EntryTable::GlQueue))
        .map(|table| table.mark(&delta.after) - table.mark(before))
        .sum();
    new + (delta.changed_item_ledger_entries.len()
        + delta.changed_value_entries.len()
        + delta.queue_added.len()
        + delta.queue_removed.len()) as u64
}

fn assert_store_count(store: &SqliteStore, books: &Books) {
    assert_eq!(
        query_i64(store, "SELECT count(*) FROM value_entry") as usize,
        books.ledger.value_entries().len()
    );
    assert_eq!(
        query_i64(store, "SELECT count(*) FROM gl_entry") as usize,
        books.general_ledger.entries().len()
    );
}

#[test]
fn the_queries_in_the_store_documentation_run_on_the_example_month() {
    let dir = temp_dir();
    let (_session, store) = post_example_month(&dir.path().join("company.db"), example_config());
    let docs = include_str!("../docs/store.md");
    let queries: Vec<&str> = docs
        .split("```sql")
        .skip(1)
        .map(|block| block.split("```").next().unwrap())
        .collect();
    assert_eq!(queries.len(), 7);
    for query in queries {
        let mut statement = store
            .connection()
            .prepare(query)
            .unwrap_or_else(|error| panic!("{query}: {error}"));
        let mut rows = statement.query([]).unwrap();
        let mut count = 0;
        while rows.next().unwrap().is_some() {
            count += 1;
        }
        assert!(count > 0 || query.contains("gl_posting_queue"), "{query}");
    }
    // The first documented query shows account 1200 to the cent.
    let shown: String = store
        .connection()
        .query_row(
            docs.split("```sql")
                .nth(1)
                .unwrap()
                .split("```")
                .next()
                .unwrap(),
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(shown, "20968.71");
}
