//! The company store: where a company's books are kept between commands.
//!
//! The costing core ([`crate::books`], [`crate::ledger`], [`crate::glpost`]) does no I/O; this
//! module persists what it produced. The boundary is narrow on purpose, so that a server database
//! can implement [`CompanyStore`] later:
//!
//! - a **batch** is one command that changed the books (a journal posted with the cost
//!   adjustment its trigger ran, a cost adjustment run, a G/L posting run). It is written in one
//!   transaction together with every entry it created and every entry field it changed, so the
//!   store holds the whole batch or none of it;
//! - the **journal text as received** and the **rule set and configuration texts** each batch ran
//!   under are stored with it, so that replaying the batches reproduces the books exactly
//!   (`stockpost verify`, and opening a company whose snapshot is missing or old);
//! - **entries are append-only**; the few fields the engine changes later (an item ledger
//!   entry's remaining quantity and flags, a value entry's valuation date and posted amounts, the
//!   G/L queue) live in separate status tables.
//!
//! [`sqlite`] is the embedded implementation (rusqlite, bundled SQLite). The schema is documented
//! in `docs/store.md`.

pub mod delta;
pub mod rows;
pub mod snapshot;
pub mod sqlite;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use delta::{BooksDelta, StoreMarks};
pub use rows::{EntryTable, Row, RowValue};

/// A batch's number in the store: 1, 2, 3 ... in the order they were committed.
pub type BatchId = u64;

/// A set of source files (rule files or configuration files) as text, with their content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceSet {
    /// The hash of the files' names and texts (see [`crate::rules::loader::content_hash`]).
    pub hash: String,
    /// `(file name, text)`, in name order.
    pub files: Vec<(String, String)>,
}

/// What a batch did, with everything needed to do it again in memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case", deny_unknown_fields)]
pub enum BatchCommand {
    /// A journal posted as one batch, then the cost adjustment its trigger rule asked for.
    PostJournal {
        /// The work date the batch was posted with.
        work_date: NaiveDate,
    },
    /// "Adjust Cost - Item Entries".
    AdjustCost {
        /// Item numbers; empty: every item (or the category's).
        items: Vec<String>,
        item_category: Option<String>,
        post_to_gl: bool,
    },
    /// "Post Inventory Cost to G/L".
    PostInventoryCost {
        /// `None`: per entry; `Some(document_no)`: per posting group with that document no.
        per_posting_group: Option<String>,
    },
    /// `stockpost rules adopt`: the batch's rule set becomes the company's. With a
    /// reclassification, the balances the posted value entries left on accounts the adopted
    /// rules no longer give are moved onto the accounts they give (`glpost::reclass`), computed
    /// from the books as they are before the batch, so a replay posts the same entries.
    AdoptRuleSet {
        reclassification: Option<ReclassificationRequest>,
    },
}

/// How an adopted rule set's reclassification is posted: its date and document no. (chosen
/// when the command runs and stored, so that the core reads no clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReclassificationRequest {
    pub posting_date: NaiveDate,
    pub document_no: String,
}

impl BatchCommand {
    /// The name the store and the reports use for the command.
    pub fn name(&self) -> &'static str {
        match self {
            BatchCommand::PostJournal { .. } => "post_journal",
            BatchCommand::AdjustCost { .. } => "adjust_cost",
            BatchCommand::PostInventoryCost { .. } => "post_inventory_cost",
            BatchCommand::AdoptRuleSet { .. } => "adopt_rule_set",
        }
    }
}

/// A document a journal posts: its line type and document no.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocumentRef {
    /// The journal line type (`purchase_receipt`, `sale`, ...).
    pub line_type: String,
    pub document_no: String,
}

/// A journal file as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalText {
    /// The file name it was posted from (`02-week1.csv`); its extension says the format.
    pub name: String,
    pub text: String,
    /// SHA-256 of `text`, lowercase hex.
    pub content_hash: String,
    /// The distinct documents it posts, sorted.
    pub documents: Vec<DocumentRef>,
    pub line_count: u64,
}

/// A batch to write.
#[derive(Debug, Clone)]
pub struct NewBatch<'a> {
    pub command: BatchCommand,
    /// The journal, for [`BatchCommand::PostJournal`].
    pub journal: Option<&'a JournalText>,
    pub rule_set: &'a SourceSet,
    pub config: &'a SourceSet,
    /// When the command ran (UTC, RFC 3339); informative only, never replayed.
    pub committed_at: String,
    /// The reconciliation after the batch, when the command computed it.
    pub reconciliation: Option<ReconciliationSummary>,
}

/// The reconciliation after a batch, in one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconciliationSummary {
    pub reconciled: bool,
    /// Cells (role, account, location, posting group) whose two sides differ.
    pub differing_cells: u64,
    /// The sum of the absolute differences, in the company's currency.
    pub total_difference: rust_decimal::Decimal,
}

/// A batch as stored, with what replaying it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBatch {
    pub batch_id: BatchId,
    pub command: BatchCommand,
    pub journal: Option<JournalText>,
    pub rule_set_hash: String,
    pub config_hash: String,
    pub committed_at: String,
    /// The chain hash after this batch: SHA-256 of the previous chain hash and this batch's
    /// command, journal hash, rule set hash, config hash and entry counts.
    pub chain_hash: String,
    /// The store marks after the batch.
    pub marks_after: StoreMarks,
}

/// A journal already in the store that a new journal collides with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedJournal {
    pub batch_id: BatchId,
    pub name: String,
    pub committed_at: String,
    /// The collision: the same text, or a document posted by both.
    pub collision: JournalCollision,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalCollision {
    SameContent,
    SameDocument(DocumentRef),
}

/// What a store says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreHead {
    /// Made once by `stockpost init`; snapshots name it, so a snapshot of another company is
    /// never loaded.
    pub company_id: String,
    pub schema_version: u32,
    /// The last batch (`None` for a new company).
    pub last_batch: Option<StoredBatch>,
}

/// Why the store could not do what was asked. Every message names the database file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("company database {path} does not exist")]
    Missing { path: String },
    #[error("company database {path} is read-only: {detail}")]
    ReadOnly { path: String, detail: String },
    #[error("company database {path} is locked by another process (waited {waited_ms} ms)")]
    Locked { path: String, waited_ms: u64 },
    #[error("company database {path} is damaged: {detail}")]
    Corrupt { path: String, detail: String },
    #[error("{path} is not a stockpost company database: {detail}")]
    NotACompany { path: String, detail: String },
    #[error(
        "company database {path} has schema version {found}, written by a newer stockpost; this one reads versions up to {supported}: use the newer stockpost"
    )]
    SchemaVersion {
        path: String,
        found: u32,
        supported: u32,
    },
    #[error(
        "cannot store {table} entry {entry_no}: {column} = {value} {}; nothing of the batch \
         was stored", inexact_reason(value, *scale)
    )]
    Inexact {
        table: &'static str,
        entry_no: u64,
        column: &'static str,
        value: String,
        scale: u32,
    },
    #[error("company database {path} already exists; choose another file or open it")]
    Exists { path: String },
    #[error(
        "company database {path} holds the books up to {stored}, but the batch starts from \
         {batch}: the books in memory are not the stored ones; reload the company and run the \
         command again"
    )]
    OutOfStep {
        path: String,
        stored: String,
        batch: String,
    },
    #[error("company database {path}: {detail}")]
    Sqlite { path: String, detail: String },
}

/// Why a value does not fit an INTEGER column at `scale`: too many decimals, or too large.
fn inexact_reason(value: &str, scale: u32) -> String {
    let decimals = value
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.trim_end_matches('0').len());
    if decimals > scale as usize {
        format!("has more decimals than the store keeps ({scale})")
    } else {
        let largest = rust_decimal::Decimal::new(i64::MAX, scale);
        format!("is beyond the largest value the store keeps (±{largest})")
    }
}

/// The narrow interface between the books and where they are kept.
pub trait CompanyStore {
    /// The company id, schema version and last batch.
    fn head(&self) -> Result<StoreHead, StoreError>;

    /// A journal already posted with the same content hash, or posting one of the same
    /// documents (`None`: the journal is new).
    fn find_posted_journal(
        &self,
        journal: &JournalText,
    ) -> Result<Option<PostedJournal>, StoreError>;

    /// Writes `batch` and everything `delta` says changed, in one transaction: afterwards the
    /// store holds all of it, or (on error or crash) none of it.
    fn commit_batch(
        &mut self,
        batch: &NewBatch<'_>,
        delta: &BooksDelta<'_>,
    ) -> Result<BatchId, StoreError>;

    /// Calls `visit` with every batch after `after`, in order.
    fn batches_after(
        &self,
        after: BatchId,
        visit: &mut dyn FnMut(StoredBatch) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;

    /// The rule files of a rule set used by a batch.
    fn rule_set(&self, hash: &str) -> Result<Option<SourceSet>, StoreError>;

    /// The configuration files used by a batch.
    fn config(&self, hash: &str) -> Result<Option<SourceSet>, StoreError>;

    /// Calls `visit` with every stored row of `table`, in entry order (for `verify`).
    fn read_rows(
        &self,
        table: EntryTable,
        visit: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError>;
}
