//! A company folder and its store: the I/O layer around the costing core.
//!
//! A company folder holds `config/` and `rules/` (what a consultant edits), the database
//! `stockpost.db` (the source of truth: journals as received and every entry) and
//! `stockpost.snapshot` (a cache of the books). [`StoredCompany`] opens it, runs commands on the
//! books in memory and stores each as one batch; [`verify`] replays the stored journals and
//! compares. The core ([`crate::books`] and below) never sees a file.

pub mod adopt;
pub mod candidate;
pub mod command;
pub mod config_change;
pub mod definition;
pub mod error;
pub mod folder;
pub mod progress;
pub mod rules_diff;
pub mod session;
pub mod snapshot_file;
pub mod verify;
pub mod writer_lock;

pub use command::{run_command, CommandOutcome};
pub use definition::{CompanyDefinition, LoadedCompany, DATABASE_FILE, SNAPSHOT_FILE};
pub use error::{CompanyError, CompanyErrorKind};
pub use progress::{Progress, Quiet};
pub use session::{CommittedBatch, OpenMode, StoredCompany};
