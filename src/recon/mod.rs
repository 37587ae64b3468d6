//! Inventory - G/L reconciliation (spec §8), kept current after every batch.
//!
//! The sub-ledger side is every value entry's expected and actual cost projected through the
//! account pair matrix (`glpost::account_pair`) onto the account roles it hits, posted or not;
//! the G/L side is the balance of the accounts mapped to each role. Both are running sums
//! updated per entry ([`ReconciliationState`]); a report ([`ReconciliationReport`]) compares them
//! per role, G/L account, location and inventory posting group for a period, and explains every
//! difference by cause ([`Cause`]). What no cause explains is "unexplained": a defect to find.
//! See `docs/reconciliation.md`.

mod causes;
mod period;
mod projection;
mod report;
mod state;
mod trial_balance;

pub use period::Period;
pub use projection::{project_value_entry, ProjectedPart};
pub use report::{
    Cause, CellKey, EntryRef, Explanation, ReconciliationCell, ReconciliationReport, ReportFilter,
    RoleTotal, SharedAccount, WaitingForAdjustment,
};
pub use state::{EntryMarks, ReconciliationState};
pub(crate) use state::{MovedAdjustment, ReconciliationFigures, Sum, Sums};
pub use trial_balance::{parse_trial_balance, TrialBalance, TrialBalanceError, TrialBalanceRow};
