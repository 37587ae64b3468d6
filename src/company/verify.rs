//! `stockpost verify`: replay every stored batch in memory, under the configuration and rule set
//! it was stored with, and check that it reproduces every stored row exactly and that the
//! invariants of spec §9 hold.

use std::collections::BTreeSet;

use crate::adjust::invariants::check_after_settle;
use crate::books::Books;
use crate::glpost::invariants::check_general_ledger;
use crate::ledger::invariants::check_sub_ledger;
use crate::ledger::ItemId;
use crate::rules::posting::RuleSetAccounts;
use crate::store::rows::{rows_of, RowKeys};
use crate::store::sqlite::SqliteStore;
use crate::store::{CompanyStore, EntryTable, Row, RowValue, StoreMarks};

use super::error::CompanyError;
use super::progress::Progress;
use super::session::{replay_batches, StoredCompanies};

/// At most this many differences are listed (all are counted).
pub const MAX_LISTED_DIFFERENCES: usize = 200;

/// One stored row that the replay does not reproduce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowDifference {
    pub table: &'static str,
    pub key: u64,
    /// The column that differs (`None`: the whole row is missing on one side).
    pub column: Option<&'static str>,
    pub stored: String,
    pub replayed: String,
}

/// What `verify` found.
#[derive(Debug, Clone, Default)]
pub struct VerifyReport {
    pub batches: u64,
    /// Rows compared per table.
    pub rows_compared: Vec<(&'static str, u64)>,
    pub differences_found: u64,
    /// The first [`MAX_LISTED_DIFFERENCES`] differences.
    pub differences: Vec<RowDifference>,
    /// Invariant violations, as "invariant N: message".
    pub violations: Vec<String>,
    /// Whether the books are settled (nothing waits for cost adjustment or G/L posting), so
    /// that the after-settle invariants were checked.
    pub settled: bool,
    /// Invariant checks left out, with why.
    pub notes: Vec<String>,
    /// The replay failed before every batch was replayed.
    pub replay_error: Option<String>,
}

impl VerifyReport {
    pub fn passed(&self) -> bool {
        self.differences_found == 0 && self.violations.is_empty() && self.replay_error.is_none()
    }
}

/// Replays the store into fresh books and compares, in one read transaction: a writer that
/// commits meanwhile is not seen, so the batches, the replay and the stored rows all belong to
/// one state of the store.
pub fn verify(store: &SqliteStore, progress: &dyn Progress) -> Result<VerifyReport, CompanyError> {
    store
        .read_consistently(|| verify_now(store, progress))
        .map_err(CompanyError::store)?
}

fn verify_now(store: &SqliteStore, progress: &dyn Progress) -> Result<VerifyReport, CompanyError> {
    let mut report = VerifyReport::default();
    let mut first = None;
    let mut rule_sets = BTreeSet::new();
    let mut last = None;
    store
        .batches_after(0, &mut |batch| {
            report.batches += 1;
            if first.is_none() {
                first = Some(batch.config_hash.clone());
            }
            last = Some((batch.config_hash.clone(), batch.rule_set_hash.clone()));
            rule_sets.insert((batch.config_hash, batch.rule_set_hash));
            Ok(())
        })
        .map_err(CompanyError::store)?;
    let Some(first_config) = first else {
        return Ok(report);
    };
    let mut companies = StoredCompanies::new(store);
    let mut books = Books::new(companies.config(&first_config)?);
    if let Err(error) = replay_batches(store, &mut books, 0, report.batches, progress) {
        report.replay_error = Some(error.message);
        return Ok(report);
    }
    compare_rows(store, &books, &mut report)?;
    check_invariants(&books, &mut companies, &rule_sets, last, &mut report)?;
    Ok(report)
}

/// Replayed rows are made this many table positions at a time: the comparison holds one chunk,
/// never a whole table (the six million G/L rows of a million movements were 6 GB as rows).
const REPLAYED_ROWS_PER_CHUNK: u64 = 50_000;

/// The replayed rows of one table in key order, made chunk by chunk.
struct ReplayedRows<'b> {
    books: &'b Books,
    table: EntryTable,
    scales: crate::store::rows::Scales,
    next_position: u64,
    end_position: u64,
    chunk: std::collections::VecDeque<Row>,
}

impl<'b> ReplayedRows<'b> {
    fn new(books: &'b Books, table: EntryTable, scales: crate::store::rows::Scales) -> Self {
        ReplayedRows {
            books,
            table,
            scales,
            next_position: 0,
            end_position: table.mark(&StoreMarks::of(books)),
            chunk: std::collections::VecDeque::new(),
        }
    }

    /// The next row, made with its chunk when needed.
    fn peek(&mut self) -> Result<Option<&Row>, crate::store::StoreError> {
        while self.chunk.is_empty() && self.next_position < self.end_position {
            let end = (self.next_position + REPLAYED_ROWS_PER_CHUNK).min(self.end_position);
            let keys = RowKeys::Positions(self.next_position..end);
            self.chunk = rows_of(self.books, self.table, keys, self.scales)?.into();
            self.next_position = end;
        }
        Ok(self.chunk.front())
    }

    fn next(&mut self) -> Result<Option<Row>, crate::store::StoreError> {
        self.peek()?;
        Ok(self.chunk.pop_front())
    }
}

fn compare_rows(
    store: &SqliteStore,
    books: &Books,
    report: &mut VerifyReport,
) -> Result<(), CompanyError> {
    for table in EntryTable::ALL {
        let mut replayed = ReplayedRows::new(books, table, store.scales());
        let mut compared = 0u64;
        let columns = table.columns();
        store
            .read_rows(table, &mut |stored: Row| {
                compared += 1;
                // Both sides are in key order, each key once: a replayed row before the stored
                // key is missing from the store.
                while let Some(row) = replayed.peek()? {
                    if row.key >= stored.key {
                        break;
                    }
                    let row = replayed.next()?.expect("peeked");
                    record(report, missing(table, &row, false));
                }
                match replayed.peek()? {
                    Some(row) if row.key == stored.key => {
                        for (column, (left, right)) in
                            columns.iter().zip(stored.values.iter().zip(&row.values))
                        {
                            if left != right {
                                record(
                                    report,
                                    RowDifference {
                                        table: table.sql_name(),
                                        key: stored.key,
                                        column: Some(column),
                                        stored: show(left),
                                        replayed: show(right),
                                    },
                                );
                            }
                        }
                        replayed.next()?;
                    }
                    _ => record(report, missing(table, &stored, true)),
                }
                Ok(())
            })
            .map_err(CompanyError::store)?;
        while let Some(row) = replayed.next().map_err(CompanyError::store)? {
            record(report, missing(table, &row, false));
        }
        report.rows_compared.push((table.sql_name(), compared));
    }
    Ok(())
}

/// A row present on one side only (`stored_only`: in the store, not in the replay).
fn missing(table: EntryTable, row: &Row, stored_only: bool) -> RowDifference {
    let text = row.values.iter().map(show).collect::<Vec<_>>().join(", ");
    let (stored, replayed) = if stored_only {
        (text, "(no such row)".to_string())
    } else {
        ("(no such row)".to_string(), text)
    };
    RowDifference {
        table: table.sql_name(),
        key: row.key,
        column: None,
        stored,
        replayed,
    }
}

fn record(report: &mut VerifyReport, difference: RowDifference) {
    report.differences_found += 1;
    if report.differences.len() < MAX_LISTED_DIFFERENCES {
        report.differences.push(difference);
    }
}

fn show(value: &RowValue) -> String {
    match value {
        RowValue::Null => "NULL".to_string(),
        RowValue::Integer(number) => number.to_string(),
        RowValue::Text(text) => format!("'{text}'"),
    }
}

fn check_invariants(
    books: &Books,
    companies: &mut StoredCompanies<'_>,
    rule_sets: &BTreeSet<(String, String)>,
    last: Option<(String, String)>,
    report: &mut VerifyReport,
) -> Result<(), CompanyError> {
    let mut violations: Vec<String> = check_sub_ledger(&books.ledger)
        .iter()
        .map(ToString::to_string)
        .collect();
    if let Some((config_hash, rule_set_hash)) = last {
        let company = companies.company(&config_hash, &rule_set_hash)?;
        let accounts = RuleSetAccounts::new(&company.rules);
        let single_rule_set = rule_sets.len() == 1;
        if !single_rule_set {
            report.notes.push(format!(
                "the batches ran under {} configurations and rule sets; invariant 18 (every \
                 G/L entry is on the account the rules give) is not checked",
                rule_sets.len()
            ));
        }
        violations.extend(
            check_general_ledger(books, &accounts)
                .iter()
                .filter(|violation| single_rule_set || violation.invariant != 18)
                .map(ToString::to_string),
        );
    }
    let ledger = &books.ledger;
    let every_item_adjusted = (0..ledger.config().items.len()).all(|index| {
        ledger
            .item_cost_state(ItemId(index as u32))
            .cost_is_adjusted
    });
    report.settled = books.general_ledger.queue().is_empty()
        && ledger.applied_entries_to_adjust().next().is_none()
        && every_item_adjusted;
    if report.settled {
        violations.extend(check_after_settle(books).iter().map(ToString::to_string));
    } else {
        report.notes.push(
            "the books are not settled (entries wait for cost adjustment or G/L posting): the \
             after-settle invariants (3-5, 9-13, 15, 17, 22, 23) are not checked"
                .to_string(),
        );
    }
    report.violations = violations;
    Ok(())
}
