//! The snapshot file beside the database: a cache of the books after some batch, so that
//! opening a large company replays only the batches stored after it.

use std::path::Path;

use crate::books::Books;
use crate::recon::ReconciliationState;
use crate::store::sqlite::SqliteStore;
use crate::store::{BatchId, StoreHead};

use super::error::CompanyError;
use super::session::StoredCompany;

/// Books restored from a snapshot.
pub struct RestoredBooks {
    pub batch_id: BatchId,
    pub books: Books,
    pub recon: ReconciliationState,
    /// The rule set the reconciliation state was built under.
    pub rule_set_hash: String,
}

/// The books of the company's snapshot, when it is a good one for this store.
pub fn restore(_folder: &Path, _store: &SqliteStore, _head: &StoreHead) -> Option<RestoredBooks> {
    None
}

/// Writes a snapshot when enough was stored since the last one.
pub fn write_if_due(_company: &StoredCompany) -> Result<(), CompanyError> {
    Ok(())
}

/// Writes a snapshot of the books now.
pub fn write(_company: &StoredCompany) -> Result<(), CompanyError> {
    Ok(())
}
