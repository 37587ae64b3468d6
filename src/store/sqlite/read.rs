//! Reading the store: batches with their journals, rule sets and configurations, stored rows,
//! and the duplicate journal lookup.

use rusqlite::types::ValueRef;
use rusqlite::OptionalExtension;

use crate::store::{
    BatchCommand, BatchId, DocumentRef, EntryTable, JournalCollision, JournalText, PostedJournal,
    Row, RowValue, SourceSet, StoreError, StoreMarks, StoredBatch,
};

use super::SqliteStore;

/// The marks in the seven `posting_batch` columns starting at `first`.
pub(super) fn marks_from_row(
    row: &rusqlite::Row<'_>,
    first: usize,
) -> rusqlite::Result<StoreMarks> {
    Ok(StoreMarks {
        item_ledger_entries: count(row, first)?,
        value_entries: count(row, first + 1)?,
        item_application_entries: count(row, first + 2)?,
        gl_entries: count(row, first + 3)?,
        gl_relations: count(row, first + 4)?,
        gl_registers: count(row, first + 5)?,
        dimension_sets: count(row, first + 6)?,
    })
}

/// A non-negative INTEGER column (SQLite integers are signed; counts and ids never are).
pub(super) fn count(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<u64> {
    let value: i64 = row.get(index)?;
    u64::try_from(value).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(index, value))
}

const BATCH_COLUMNS: &str = "batch_id, command_json, journal_id, rule_set_hash, config_hash, \
     committed_at, chain_hash, item_ledger_entries, value_entries, item_application_entries, \
     gl_entries, gl_relations, gl_registers, dimension_sets";

/// A `posting_batch` row before its journal is read.
struct BatchRow {
    batch: StoredBatch,
    command_json: String,
    journal_id: Option<i64>,
}

fn batch_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<BatchRow> {
    Ok(BatchRow {
        batch: StoredBatch {
            batch_id: count(row, 0)?,
            command: BatchCommand::PostJournal {
                work_date: chrono::NaiveDate::MIN,
            },
            journal: None,
            rule_set_hash: row.get(3)?,
            config_hash: row.get(4)?,
            committed_at: row.get(5)?,
            chain_hash: row.get(6)?,
            marks_after: marks_from_row(row, 7)?,
        },
        command_json: row.get(1)?,
        journal_id: row.get(2)?,
    })
}

impl SqliteStore {
    pub(super) fn last_batch(&self) -> Result<Option<StoredBatch>, StoreError> {
        let row = self
            .connection
            .prepare_cached(&format!(
                "SELECT {BATCH_COLUMNS} FROM posting_batch ORDER BY batch_id DESC LIMIT 1"
            ))
            .and_then(|mut statement| statement.query_row([], batch_row).optional())
            .map_err(|error| self.error(error))?;
        row.map(|row| self.complete_batch(row)).transpose()
    }

    /// The distinct (configuration, rule set) pairs the stored batches ran under, in the order
    /// they were first used; reads no journal.
    pub fn batch_definitions(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT config_hash, rule_set_hash FROM posting_batch \
                 GROUP BY config_hash, rule_set_hash ORDER BY MIN(batch_id)",
            )
            .map_err(|error| self.error(error))?;
        let rows = statement
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(|error| self.error(error))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|error| self.error(error))
    }

    /// The chain hash after batch `batch_id` (`None`: no such batch).
    pub fn chain_hash_of(&self, batch_id: BatchId) -> Result<Option<String>, StoreError> {
        self.connection
            .prepare_cached("SELECT chain_hash FROM posting_batch WHERE batch_id = ?1")
            .and_then(|mut statement| {
                statement
                    .query_row([batch_id as i64], |row| row.get(0))
                    .optional()
            })
            .map_err(|error| self.error(error))
    }

    pub(super) fn visit_batches(
        &self,
        after: BatchId,
        visit: &mut dyn FnMut(StoredBatch) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut statement = self
            .connection
            .prepare_cached(&format!(
                "SELECT {BATCH_COLUMNS} FROM posting_batch WHERE batch_id > ?1 ORDER BY batch_id"
            ))
            .map_err(|error| self.error(error))?;
        let rows = statement
            .query_map([after as i64], batch_row)
            .map_err(|error| self.error(error))?;
        for row in rows {
            let row = row.map_err(|error| self.error(error))?;
            visit(self.complete_batch(row)?)?;
        }
        Ok(())
    }

    /// Parses the command and reads the journal of a batch row.
    fn complete_batch(&self, row: BatchRow) -> Result<StoredBatch, StoreError> {
        let mut batch = row.batch;
        batch.command =
            serde_json::from_str(&row.command_json).map_err(|error| StoreError::Corrupt {
                path: self.path.clone(),
                detail: format!(
                    "batch {} has an unreadable command: {error}",
                    batch.batch_id
                ),
            })?;
        if let Some(journal_id) = row.journal_id {
            batch.journal = Some(self.journal(journal_id)?);
        }
        Ok(batch)
    }

    fn journal(&self, journal_id: i64) -> Result<JournalText, StoreError> {
        let fail = |error| self.error(error);
        let (name, text, content_hash, line_count) = self
            .connection
            .prepare_cached(
                "SELECT name, text, content_hash, line_count FROM journal WHERE journal_id = ?1",
            )
            .and_then(|mut statement| {
                statement.query_row([journal_id], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        count(row, 3)?,
                    ))
                })
            })
            .map_err(fail)?;
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT line_type, document_no FROM journal_document WHERE journal_id = ?1 \
                 ORDER BY line_type, document_no",
            )
            .map_err(fail)?;
        let documents = statement
            .query_map([journal_id], |row| {
                Ok(DocumentRef {
                    line_type: row.get(0)?,
                    document_no: row.get(1)?,
                })
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(fail)?;
        Ok(JournalText {
            name,
            text,
            content_hash,
            documents,
            line_count,
        })
    }

    pub(super) fn source_set(
        &self,
        version_table: &str,
        file_table: &str,
        hash_column: &str,
        hash: &str,
    ) -> Result<Option<SourceSet>, StoreError> {
        let fail = |error| self.error(error);
        let known: Option<i64> = self
            .connection
            .prepare_cached(&format!(
                "SELECT 1 FROM {version_table} WHERE {hash_column} = ?1"
            ))
            .and_then(|mut statement| statement.query_row([hash], |row| row.get(0)).optional())
            .map_err(fail)?;
        if known.is_none() {
            return Ok(None);
        }
        let mut statement = self
            .connection
            .prepare_cached(&format!(
                "SELECT file_name, text FROM {file_table} WHERE {hash_column} = ?1 \
                 ORDER BY file_name"
            ))
            .map_err(fail)?;
        let files = statement
            .query_map([hash], |row| Ok((row.get(0)?, row.get(1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(fail)?;
        Ok(Some(SourceSet {
            hash: hash.to_string(),
            files,
        }))
    }

    pub(super) fn find_journal(
        &self,
        journal: &JournalText,
    ) -> Result<Option<PostedJournal>, StoreError> {
        let fail = |error| self.error(error);
        let same_content = self
            .connection
            .prepare_cached(
                "SELECT b.batch_id, j.name, b.committed_at FROM journal j \
                 JOIN posting_batch b ON b.journal_id = j.journal_id \
                 WHERE j.content_hash = ?1 ORDER BY b.batch_id LIMIT 1",
            )
            .and_then(|mut statement| {
                statement
                    .query_row([&journal.content_hash], posted_journal)
                    .optional()
            })
            .map_err(fail)?;
        if let Some(found) = same_content {
            return Ok(Some(found.into_posted(JournalCollision::SameContent)));
        }
        if journal.documents.is_empty() {
            return Ok(None);
        }
        // Every document of the journal in one query (was one query per document): the
        // documents go in as a JSON array of [line type, document no.] pairs, and the first of
        // them (in the order of `documents`) that an earlier batch posted is the collision reported.
        let wanted: Vec<[&str; 2]> = (journal.documents.iter())
            .map(|document| [document.line_type.as_str(), document.document_no.as_str()])
            .collect();
        let wanted = serde_json::to_string(&wanted).expect("strings serialise");
        let found = self
            .connection
            .prepare_cached(
                "SELECT b.batch_id, j.name, b.committed_at, wanted.key \
                 FROM json_each(?1) AS wanted \
                 JOIN journal_document d ON d.line_type = wanted.value ->> 0 \
                                        AND d.document_no = wanted.value ->> 1 \
                 JOIN journal j ON j.journal_id = d.journal_id \
                 JOIN posting_batch b ON b.journal_id = j.journal_id \
                 ORDER BY wanted.key, b.batch_id LIMIT 1",
            )
            .and_then(|mut statement| {
                statement
                    .query_row([&wanted], |row| {
                        Ok((posted_journal(row)?, row.get::<_, i64>(3)?))
                    })
                    .optional()
            })
            .map_err(fail)?;
        Ok(found.map(|(found, index)| {
            let document = journal.documents[index as usize].clone();
            found.into_posted(JournalCollision::SameDocument(document))
        }))
    }

    pub(super) fn visit_rows(
        &self,
        table: EntryTable,
        visit: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let fail = |error| self.error(error);
        let columns = table.columns();
        let mut order = table.key_column().to_string();
        if table == EntryTable::DimensionSetEntry {
            order.push_str(", dimension_code");
        }
        let select: Vec<&str> = std::iter::once(table.key_column())
            .chain(columns.iter().copied())
            .collect();
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {order}",
            select.join(", "),
            table.sql_name()
        );
        let mut statement = self.connection.prepare(&sql).map_err(fail)?;
        let mut rows = statement.query([]).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            let key: i64 = row.get(0).map_err(fail)?;
            let mut values = Vec::with_capacity(columns.len());
            for (index, column) in columns.iter().enumerate() {
                values.push(match row.get_ref(index + 1).map_err(fail)? {
                    ValueRef::Null => RowValue::Null,
                    ValueRef::Integer(value) => RowValue::Integer(value),
                    ValueRef::Text(text) => RowValue::Text(String::from_utf8_lossy(text).into()),
                    ValueRef::Real(_) | ValueRef::Blob(_) => {
                        return Err(StoreError::Corrupt {
                            path: self.path.clone(),
                            detail: format!(
                                "{}.{column} of row {key} is neither text nor integer",
                                table.sql_name()
                            ),
                        })
                    }
                });
            }
            visit(Row {
                table,
                key: key as u64,
                values,
            })?;
        }
        Ok(())
    }
}

/// A journal found by the duplicate lookup, before the kind of collision is known.
struct FoundJournal {
    batch_id: BatchId,
    name: String,
    committed_at: String,
}

impl FoundJournal {
    fn into_posted(self, collision: JournalCollision) -> PostedJournal {
        PostedJournal {
            batch_id: self.batch_id,
            name: self.name,
            committed_at: self.committed_at,
            collision,
        }
    }
}

fn posted_journal(row: &rusqlite::Row<'_>) -> rusqlite::Result<FoundJournal> {
    Ok(FoundJournal {
        batch_id: count(row, 0)?,
        name: row.get(1)?,
        committed_at: row.get(2)?,
    })
}
