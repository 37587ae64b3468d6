//! stockpost: inventory costing and inventory-to-G/L posting.
//!
//! See `ARCHITECTURE.md` for the module map and the invariants each module keeps.

pub mod adjust;
pub mod books;
pub mod chart;
pub mod company;
pub mod config;
pub mod contain;
pub mod example;
pub mod glpost;
pub mod journal;
pub mod ledger;
pub mod money;
pub mod packs;
pub mod posting;
pub mod recon;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod store;
pub mod watch;
