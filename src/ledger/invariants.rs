//! Invariant checks over a ledger (spec §9), placeholder.
