//! Writing a batch: one `BEGIN IMMEDIATE` transaction holding the batch row, its journal, the
//! rule set and configuration it ran under, every new entry and every changed status.

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params, OptionalExtension, ToSql, Transaction, TransactionBehavior};
use sha2::{Digest, Sha256};

use crate::books::Books;
use crate::config::CompanyConfig;
use crate::store::rows::{scaled_integer, visit_rows, RowKeys, Scales, GL_ENTRY_RULE_COLUMNS};
use crate::store::{
    BatchId, BooksDelta, EntryTable, JournalText, NewBatch, ReconciliationSummary, RowValue,
    SourceSet, StoreError, StoreMarks,
};

use super::SqliteStore;

impl ToSql for RowValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            RowValue::Null => ValueRef::Null,
            RowValue::Integer(value) => ValueRef::Integer(*value),
            RowValue::Text(text) => ValueRef::Text(text.as_bytes()),
        }))
    }
}

/// The marks of books with nothing posted (a new company already holds the empty dimension set).
pub(super) fn empty_books_marks() -> StoreMarks {
    StoreMarks::of(&Books::new(CompanyConfig::empty("")))
}

/// SHA-256 (hex) of the previous chain hash and what this batch is: a change to any stored
/// batch breaks every chain hash after it.
pub fn chain_hash(
    previous: &str,
    command_json: &str,
    journal_hash: &str,
    rule_set_hash: &str,
    config_hash: &str,
    marks: &StoreMarks,
) -> String {
    let mut hasher = Sha256::new();
    for part in [
        previous,
        command_json,
        journal_hash,
        rule_set_hash,
        config_hash,
    ] {
        // Lengths first, so that no two different batches hash the same byte stream.
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    for count in marks_values(marks) {
        hasher.update(count.to_le_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The marks in the order of the `posting_batch` columns.
pub(super) fn marks_values(marks: &StoreMarks) -> [u64; 7] {
    [
        marks.item_ledger_entries,
        marks.value_entries,
        marks.item_application_entries,
        marks.gl_entries,
        marks.gl_relations,
        marks.gl_registers,
        marks.dimension_sets,
    ]
}

impl SqliteStore {
    pub(super) fn write_batch(
        &mut self,
        batch: &NewBatch<'_>,
        delta: &BooksDelta<'_>,
    ) -> Result<BatchId, StoreError> {
        let (path, timeout, scales) =
            (self.path.clone(), self.options.busy_timeout_ms, self.scales);
        let fail = |error| super::classify(&path, timeout, error);
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let batch_id = BatchWriter {
            transaction: &transaction,
            path: &path,
            scales,
        }
        .write(batch, delta)
        .map_err(|error| match error {
            WriteError::Sqlite(error) => fail(error),
            WriteError::Store(error) => error,
        })?;
        transaction.commit().map_err(fail)?;
        Ok(batch_id)
    }
}

/// A failure inside the transaction: SQLite's, or the store's own refusal.
enum WriteError {
    Sqlite(rusqlite::Error),
    Store(StoreError),
}

impl From<rusqlite::Error> for WriteError {
    fn from(error: rusqlite::Error) -> Self {
        WriteError::Sqlite(error)
    }
}

impl From<StoreError> for WriteError {
    fn from(error: StoreError) -> Self {
        WriteError::Store(error)
    }
}

struct BatchWriter<'t> {
    transaction: &'t Transaction<'t>,
    path: &'t str,
    scales: Scales,
}

impl BatchWriter<'_> {
    fn write(&self, batch: &NewBatch<'_>, delta: &BooksDelta<'_>) -> Result<BatchId, WriteError> {
        let (last_batch, previous_chain, stored) = self.current_marks()?;
        if stored != delta.before || !delta.after.covers(&delta.before) {
            return Err(StoreError::OutOfStep {
                path: self.path.to_string(),
                stored: stored.to_string(),
                batch: delta.before.to_string(),
            }
            .into());
        }
        let batch_id = last_batch + 1;
        self.write_source_set(batch.rule_set, "rule_set_version", "rule_set_file")?;
        self.write_source_set(batch.config, "config_version", "config_file")?;
        let journal_id = match batch.journal {
            Some(journal) => Some(self.write_journal(journal)?),
            None => None,
        };
        self.write_batch_row(batch, batch_id, journal_id, &previous_chain, &delta.after)?;
        for table in EntryTable::ALL {
            self.write_new_rows(delta, table, batch_id)?;
        }
        self.update_status(delta, EntryTable::ItemLedgerEntryStatus, batch_id)?;
        self.update_status(delta, EntryTable::ValueEntryStatus, batch_id)?;
        self.remove_from_queue(&delta.queue_removed)?;
        if let Some(summary) = &batch.reconciliation {
            self.write_reconciliation(batch_id, summary)?;
        }
        Ok(batch_id)
    }

    /// The last batch id, its chain hash and the marks after it.
    fn current_marks(&self) -> Result<(BatchId, String, StoreMarks), WriteError> {
        let last = self
            .transaction
            .prepare_cached(
                "SELECT batch_id, chain_hash, item_ledger_entries, value_entries, \
                 item_application_entries, gl_entries, gl_relations, gl_registers, \
                 dimension_sets FROM posting_batch ORDER BY batch_id DESC LIMIT 1",
            )?
            .query_row([], |row| {
                Ok((
                    super::read::count(row, 0)?,
                    row.get::<_, String>(1)?,
                    super::read::marks_from_row(row, 2)?,
                ))
            })
            .optional()?;
        Ok(last.unwrap_or_else(|| (0, String::new(), empty_books_marks())))
    }

    fn write_source_set(
        &self,
        set: &SourceSet,
        version_table: &str,
        file_table: &str,
    ) -> Result<(), WriteError> {
        let hash_column = if version_table == "rule_set_version" {
            "rule_set_hash"
        } else {
            "config_hash"
        };
        let inserted = self
            .transaction
            .prepare_cached(&format!(
                "INSERT OR IGNORE INTO {version_table} ({hash_column}, file_count) VALUES (?1, ?2)"
            ))?
            .execute(params![set.hash, set.files.len() as i64])?;
        if inserted == 1 {
            let mut insert = self.transaction.prepare_cached(&format!(
                "INSERT INTO {file_table} ({hash_column}, file_name, text) VALUES (?1, ?2, ?3)"
            ))?;
            for (name, text) in &set.files {
                insert.execute(params![set.hash, name, text])?;
            }
        }
        Ok(())
    }

    /// Stores the journal as received (or finds it, when the same text was posted before).
    fn write_journal(&self, journal: &JournalText) -> Result<i64, WriteError> {
        let existing: Option<i64> = self
            .transaction
            .prepare_cached("SELECT journal_id FROM journal WHERE content_hash = ?1")?
            .query_row([&journal.content_hash], |row| row.get(0))
            .optional()?;
        if let Some(journal_id) = existing {
            return Ok(journal_id);
        }
        self.transaction
            .prepare_cached(
                "INSERT INTO journal (name, content_hash, text, line_count) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                journal.name,
                journal.content_hash,
                journal.text,
                journal.line_count as i64
            ])?;
        let journal_id = self.transaction.last_insert_rowid();
        let mut line = self.transaction.prepare_cached(
            "INSERT INTO journal_line (journal_id, line_no, text) VALUES (?1, ?2, ?3)",
        )?;
        for (index, text) in physical_lines(&journal.text).enumerate() {
            line.execute(params![journal_id, index as i64 + 1, text])?;
        }
        let mut document = self.transaction.prepare_cached(
            "INSERT OR IGNORE INTO journal_document (journal_id, line_type, document_no) \
             VALUES (?1, ?2, ?3)",
        )?;
        for reference in &journal.documents {
            document.execute(params![
                journal_id,
                reference.line_type,
                reference.document_no
            ])?;
        }
        Ok(journal_id)
    }

    fn write_batch_row(
        &self,
        batch: &NewBatch<'_>,
        batch_id: BatchId,
        journal_id: Option<i64>,
        previous_chain: &str,
        after: &StoreMarks,
    ) -> Result<(), WriteError> {
        let command_json =
            serde_json::to_string(&batch.command).map_err(|error| StoreError::Sqlite {
                path: self.path.to_string(),
                detail: format!("cannot write the batch command: {error}"),
            })?;
        let journal_hash = batch.journal.map_or("", |journal| &journal.content_hash);
        let chain = chain_hash(
            previous_chain,
            &command_json,
            journal_hash,
            &batch.rule_set.hash,
            &batch.config.hash,
            after,
        );
        let [ile, ve, iae, gle, glr, reg, dims] = marks_values(after);
        self.transaction
            .prepare_cached(
                "INSERT INTO posting_batch (batch_id, command, command_json, journal_id, \
                 rule_set_hash, config_hash, committed_at, chain_hash, item_ledger_entries, \
                 value_entries, item_application_entries, gl_entries, gl_relations, \
                 gl_registers, dimension_sets) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )?
            .execute(params![
                batch_id as i64,
                batch.command.name(),
                command_json,
                journal_id,
                batch.rule_set.hash,
                batch.config.hash,
                batch.committed_at,
                chain,
                ile as i64,
                ve as i64,
                iae as i64,
                gle as i64,
                glr as i64,
                reg as i64,
                dims as i64
            ])?;
        Ok(())
    }

    /// INSERTs the rows at positions `before..after` of `table` (the batch's new entries, their
    /// first status rows, the new queue entries).
    fn write_new_rows(
        &self,
        delta: &BooksDelta<'_>,
        table: EntryTable,
        batch_id: BatchId,
    ) -> Result<(), WriteError> {
        let range = table.mark(&delta.before)..table.mark(&delta.after);
        if range.is_empty() {
            return Ok(());
        }
        if table == EntryTable::GlEntry {
            return self.write_gl_entries(delta, range, batch_id);
        }
        let keys = if table == EntryTable::GlQueue {
            RowKeys::Entries(&delta.queue_added)
        } else {
            RowKeys::Positions(range)
        };
        let mut insert = self.transaction.prepare_cached(&insert_sql(table))?;
        let batch_id = batch_id as i64;
        visit_rows(delta.books, table, keys, self.scales, &mut |key, values| {
            bind_and_run(&mut insert, key, values, batch_id)
                .map(|_| ())
                .map_err(|error| self.store_error(error))
        })?;
        Ok(())
    }

    /// INSERTs the batch's G/L entries into `gl_entry_data`, each referring to its rule in
    /// `gl_entry_rule` (added there the first time the rule chooses an account).
    fn write_gl_entries(
        &self,
        delta: &BooksDelta<'_>,
        range: std::ops::Range<u64>,
        batch_id: BatchId,
    ) -> Result<(), WriteError> {
        let columns = EntryTable::GlEntry.columns();
        let entry_columns = &columns[..columns.len() - GL_ENTRY_RULE_COLUMNS];
        let names: Vec<&str> = std::iter::once("entry_no")
            .chain(entry_columns.iter().copied())
            .chain(["rule_id", "batch_id"])
            .collect();
        let placeholders: Vec<String> = (1..=names.len()).map(|n| format!("?{n}")).collect();
        let mut insert = self.transaction.prepare_cached(&format!(
            "INSERT INTO gl_entry_data ({}) VALUES ({})",
            names.join(", "),
            placeholders.join(", ")
        ))?;
        let mut insert_rule = self.transaction.prepare_cached(
            "INSERT OR IGNORE INTO gl_entry_rule (rule_set_hash, rule_file, rule_function, \
             rule_key) VALUES (?1, ?2, ?3, ?4)",
        )?;
        let mut find_rule = self.transaction.prepare_cached(
            "SELECT rule_id FROM gl_entry_rule WHERE rule_set_hash = ?1 AND rule_file = ?2 \
             AND rule_function = ?3 AND rule_key = ?4",
        )?;
        // The rule ids this batch has used: a batch's entries come from a few dozen rules.
        let mut rule_ids: rustc_hash::FxHashMap<Vec<RowValue>, i64> = Default::default();
        let batch_id = batch_id as i64;
        visit_rows(
            delta.books,
            EntryTable::GlEntry,
            RowKeys::Positions(range),
            self.scales,
            &mut |key, values| {
                let (entry, rule) = values.split_at(entry_columns.len());
                let rule_id = match rule_ids.get(rule) {
                    Some(&rule_id) => rule_id,
                    None => {
                        let rule_id = insert_rule
                            .execute(rusqlite::params_from_iter(rule))
                            .and_then(|_| {
                                find_rule
                                    .query_row(rusqlite::params_from_iter(rule), |row| row.get(0))
                            })
                            .map_err(|error| self.store_error(error))?;
                        rule_ids.insert(rule.to_vec(), rule_id);
                        rule_id
                    }
                };
                insert
                    .raw_bind_parameter(1, key as i64)
                    .and_then(|_| {
                        for (index, value) in entry.iter().enumerate() {
                            insert.raw_bind_parameter(index + 2, value)?;
                        }
                        insert.raw_bind_parameter(entry.len() + 2, rule_id)?;
                        insert.raw_bind_parameter(entry.len() + 3, batch_id)?;
                        insert.raw_execute()
                    })
                    .map(|_| ())
                    .map_err(|error| self.store_error(error))
            },
        )?;
        Ok(())
    }

    /// UPDATEs the status rows of the older entries the batch changed.
    fn update_status(
        &self,
        delta: &BooksDelta<'_>,
        table: EntryTable,
        batch_id: BatchId,
    ) -> Result<(), WriteError> {
        let changed = match table {
            EntryTable::ItemLedgerEntryStatus => &delta.changed_item_ledger_entries,
            _ => &delta.changed_value_entries,
        };
        if changed.is_empty() {
            return Ok(());
        }
        let mut update = self.transaction.prepare_cached(&update_sql(table))?;
        let batch_id = batch_id as i64;
        let mut missing = None;
        visit_rows(
            delta.books,
            table,
            RowKeys::Entries(changed),
            self.scales,
            &mut |key, values| {
                let updated = bind_and_run(&mut update, key, values, batch_id)
                    .map_err(|error| self.store_error(error))?;
                if updated != 1 && missing.is_none() {
                    missing = Some(key);
                }
                Ok(())
            },
        )?;
        match missing {
            None => Ok(()),
            Some(entry_no) => Err(StoreError::Corrupt {
                path: self.path.to_string(),
                detail: format!(
                    "{} has no row for entry {entry_no}, which the books changed",
                    table.sql_name()
                ),
            }
            .into()),
        }
    }

    fn remove_from_queue(&self, removed: &[u64]) -> Result<(), WriteError> {
        let mut delete = self
            .transaction
            .prepare_cached("DELETE FROM gl_posting_queue WHERE value_entry_no = ?1")?;
        for &value_entry_no in removed {
            delete.execute([value_entry_no as i64])?;
        }
        Ok(())
    }

    fn write_reconciliation(
        &self,
        batch_id: BatchId,
        summary: &ReconciliationSummary,
    ) -> Result<(), WriteError> {
        let total =
            scaled_integer(summary.total_difference, self.scales.amount).ok_or_else(|| {
                StoreError::Inexact {
                    table: "reconciliation_summary",
                    entry_no: batch_id,
                    column: "total_difference",
                    value: summary.total_difference.to_string(),
                    scale: self.scales.amount,
                }
            })?;
        self.transaction
            .prepare_cached(
                "INSERT INTO reconciliation_summary (batch_id, reconciled, differing_cells, \
                 total_difference) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                batch_id as i64,
                summary.reconciled,
                summary.differing_cells as i64,
                total
            ])?;
        Ok(())
    }

    fn store_error(&self, error: rusqlite::Error) -> StoreError {
        super::classify(self.path, 0, error)
    }
}

/// Binds `key`, the values and the batch id (parameters 1, 2.., last) and runs the statement;
/// returns the number of rows changed.
fn bind_and_run(
    statement: &mut rusqlite::CachedStatement<'_>,
    key: u64,
    values: &[RowValue],
    batch_id: i64,
) -> rusqlite::Result<usize> {
    statement.raw_bind_parameter(1, key as i64)?;
    for (index, value) in values.iter().enumerate() {
        statement.raw_bind_parameter(index + 2, value)?;
    }
    statement.raw_bind_parameter(values.len() + 2, batch_id)?;
    statement.raw_execute()
}

fn insert_sql(table: EntryTable) -> String {
    let columns = table.columns();
    let names: Vec<&str> = std::iter::once(table.key_column())
        .chain(columns.iter().copied())
        .chain(std::iter::once("batch_id"))
        .collect();
    let placeholders: Vec<String> = (1..=names.len()).map(|n| format!("?{n}")).collect();
    format!(
        "INSERT INTO {} ({}) VALUES ({})",
        table.sql_name(),
        names.join(", "),
        placeholders.join(", ")
    )
}

fn update_sql(table: EntryTable) -> String {
    let columns = table.columns();
    let sets: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(index, column)| format!("{column} = ?{}", index + 2))
        .collect();
    format!(
        "UPDATE {} SET {}, batch_id = ?{} WHERE {} = ?1",
        table.sql_name(),
        sets.join(", "),
        columns.len() + 2,
        table.key_column()
    )
}

/// The physical lines of a text as received, without their `\n`.
pub(super) fn physical_lines(text: &str) -> impl Iterator<Item = &str> {
    text.split_terminator('\n')
}
