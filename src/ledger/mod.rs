//! The costing sub-ledger: item ledger entries, value entries and item application entries,
//! with the indexes that posting and cost adjustment need.
//!
//! Entries are append-only. The only fields that change in place are the bookkeeping fields
//! the spec names (remaining quantity, invoiced quantity, completely invoiced, last invoice date,
//! applied entry to adjust, shipped quantity not returned; valuation date and valued by average
//! cost on value entries). Every such change goes through a method here that records it in the
//! batch's undo log, so that a failing batch can be rolled back exactly ([`Ledger::rollback`]).

pub mod entries;
pub mod invariants;
pub mod period;
mod state;

pub use entries::*;
pub(crate) use state::{Bucket, LedgerParts};
pub use state::{
    BucketKey, ConfigChangeError, EntryChanges, EntryPointKey, ItemCostState, Ledger,
    LedgerCheckpoint,
};
