//! Inventory posting to the G/L (spec §2, §4): every value entry's cost, as far as it has not
//! reached the G/L yet, becomes balanced pairs of G/L entries on the accounts the rules choose.
//!
//! The amount is delta based: current cost minus what was already posted, per part (expected and
//! actual), so posting twice posts nothing the second time. Account resolution is a separate step
//! behind [`AccountResolver`], so that a rule change between a value entry's creation and its G/L
//! posting is observable, as in Business Central.

pub mod general_ledger;
pub mod invariants;
pub mod matrix;
mod post;
pub mod reclass;
mod role_accounts;

pub use general_ledger::{
    AccountProvenance, GeneralLedger, GeneralLedgerCheckpoint, GlDescription, GlEntry,
    GlItemLedgerRelation, GlRegister, GlRegisterSource,
};
pub use matrix::{account_pair, AccountPair, CombinationNotAllowed, CostPart};
pub use post::{
    check_value_entry_accounts, post_value_entries, AccountResolver, CostPostingMode,
    CostPostingRequest, CostPostingResult, ResolvedAccount, SkippedValueEntry,
};
pub use role_accounts::RoleAccounts;
