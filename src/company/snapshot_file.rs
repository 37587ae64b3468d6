//! The snapshot file beside the database: a cache of the books after some batch, so that
//! opening a large company replays only the batches stored after it.
//!
//! The database is the truth; a snapshot is used only when it names this company, a batch the
//! store has, and the same chain hash for that batch. Anything else (missing, damaged, of another
//! company, of a database restored from an older backup) makes the company open by replaying
//! every stored batch instead. A snapshot is written to a temporary file, synced, and renamed
//! over the old one, so a crash leaves the old snapshot or the new one, never half of one.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use crate::books::Books;
use crate::recon::ReconciliationState;
use crate::store::snapshot::{
    encode_snapshot_body, read_snapshot, read_snapshot_header, write_encoded_snapshot, EncodedBody,
    SnapshotHeader, FORMAT_VERSION,
};
use crate::store::sqlite::SqliteStore;
use crate::store::{BatchId, StoreHead, StoreMarks};

use super::definition::SNAPSHOT_FILE;
use super::error::CompanyError;
use super::session::{StoredCompanies, StoredCompany};

/// When a snapshot is written after a command: once the entries stored since the last snapshot
/// reach `min_value_entries` and `fraction_of_history` of all value entries. The fraction keeps
/// the work of writing snapshots proportional to the history (a geometric series), and bounds
/// what an open replays to that fraction of the history.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SnapshotPolicy {
    pub min_value_entries: u64,
    /// Numerator over 100.
    pub percent_of_history: u64,
}

impl Default for SnapshotPolicy {
    fn default() -> Self {
        SnapshotPolicy {
            min_value_entries: 50_000,
            percent_of_history: 25,
        }
    }
}

impl SnapshotPolicy {
    /// Never write one (tests, read-only work).
    pub const NEVER: SnapshotPolicy = SnapshotPolicy {
        min_value_entries: u64::MAX,
        percent_of_history: 100,
    };

    /// Whether a snapshot is due once the store holds `now`, the last one taken at
    /// `at_snapshot`.
    pub fn is_due(&self, now: &StoreMarks, at_snapshot: &StoreMarks) -> bool {
        let since = now.value_entries - at_snapshot.value_entries.min(now.value_entries);
        since >= self.min_value_entries
            && since.saturating_mul(100) >= now.value_entries * self.percent_of_history
    }
}

/// Books restored from a snapshot.
pub struct RestoredBooks {
    pub batch_id: BatchId,
    pub books: Books,
    pub recon: ReconciliationState,
    /// The rule set the reconciliation state was built under.
    pub rule_set_hash: String,
}

/// The books of the company's snapshot, or why it cannot be used (`Ok(None)`: there is none).
pub fn restore(
    folder: &Path,
    store: &SqliteStore,
    head: &StoreHead,
) -> Result<Option<RestoredBooks>, String> {
    let path = folder.join(SNAPSHOT_FILE);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(format!("cannot read {}: {error}", path.display())),
    };
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let header = read_snapshot_header(&mut reader).map_err(|error| error.to_string())?;
    check_header(&header, store, head)?;
    let mut companies = StoredCompanies::new(store);
    let config = companies
        .config(&header.config_hash)
        .map_err(|error| error.message)?;
    let mut reader = BufReader::with_capacity(
        1 << 20,
        File::open(&path).map_err(|error| error.to_string())?,
    );
    let (header, books, recon) =
        read_snapshot(&mut reader, config).map_err(|error| error.to_string())?;
    Ok(Some(RestoredBooks {
        batch_id: header.batch_id,
        books,
        recon,
        rule_set_hash: header.rule_set_hash,
    }))
}

fn check_header(
    header: &SnapshotHeader,
    store: &SqliteStore,
    head: &StoreHead,
) -> Result<(), String> {
    if header.company_id != head.company_id {
        return Err(format!(
            "the snapshot is of company {}, the database of {}",
            header.company_id, head.company_id
        ));
    }
    let stored = store
        .chain_hash_of(header.batch_id)
        .map_err(|error| error.to_string())?;
    match stored {
        Some(chain_hash) if chain_hash == header.chain_hash => Ok(()),
        Some(_) => Err(format!(
            "the snapshot's batch {} differs from the stored one (chain hash)",
            header.batch_id
        )),
        None => Err(format!(
            "the snapshot is of batch {}, which the database does not have",
            header.batch_id
        )),
    }
}

/// Removes a temporary snapshot a writer killed midway left behind. Call it only while holding
/// the company's writer lock: only a writer writes the temporary file.
pub fn remove_stale_temporary(folder: &Path) {
    let _ = std::fs::remove_file(folder.join(format!("{SNAPSHOT_FILE}.tmp")));
}

/// Writes a snapshot of the books now (after the last stored batch).
pub fn write(company: &StoredCompany) -> Result<(), CompanyError> {
    let body = encode_snapshot_body(company.books(), company.reconciliation())
        .map_err(|error| snapshot_error(company.folder(), error))?;
    write_encoded(company, &body)
}

/// Writes a snapshot whose body was encoded from the books as they are now (after the last
/// stored batch): through a temporary file, synced, then renamed.
pub fn write_encoded(company: &StoredCompany, body: &EncodedBody) -> Result<(), CompanyError> {
    let Some(last) = &company.head().last_batch else {
        return Ok(());
    };
    let header = SnapshotHeader {
        format_version: FORMAT_VERSION,
        company_id: company.head().company_id.clone(),
        batch_id: last.batch_id,
        chain_hash: last.chain_hash.clone(),
        config_hash: company.company().config_hash.clone(),
        rule_set_hash: company.company().rule_set_hash.clone(),
    };
    let folder = company.folder();
    let path = folder.join(SNAPSHOT_FILE);
    let temporary = folder.join(format!("{SNAPSHOT_FILE}.tmp"));
    let fail = |error: std::io::Error| {
        let _ = std::fs::remove_file(&temporary);
        snapshot_error(folder, error)
    };
    let file = File::create(&temporary).map_err(fail)?;
    let mut writer = BufWriter::with_capacity(1 << 20, file);
    write_encoded_snapshot(&mut writer, &header, body).map_err(fail)?;
    writer.flush().map_err(fail)?;
    let file = writer
        .into_inner()
        .map_err(|error| fail(error.into_error()))?;
    file.sync_all().map_err(fail)?;
    std::fs::rename(&temporary, &path).map_err(fail)?;
    if let Ok(directory) = File::open(folder) {
        let _ = directory.sync_all();
    }
    Ok(())
}

fn snapshot_error(folder: &Path, error: std::io::Error) -> CompanyError {
    CompanyError::internal(format!(
        "cannot write the snapshot {}: {error}",
        folder.join(SNAPSHOT_FILE).display()
    ))
    .hint("the batch is stored; the next command opens by replay instead")
}
