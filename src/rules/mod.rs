//! Account rules: which G/L account each inventory posting amount goes to, decided by sandboxed
//! Rhai scripts in place of BC's Inventory Posting Setup and General Posting Setup tables.
//!
//! A rule set is the `.rhai` files of one folder. One file defines `fn inventory_accounts(key)`
//! (the inventory side: location, inventory posting group, ...) and one defines
//! `fn general_accounts(key)` (the general side: business and product posting groups, ...);
//! each returns a map of role name ([`AccountRole::name`]) to account number. The contract for
//! rule authors is `docs/rules.md`.
//!
//! - [`engine`]: the sandbox and its [`RuleLimits`].
//! - [`loader`]: reading and compiling a folder, the content hash.
//! - [`ruleset`]: [`RuleSet`], the per-key cache and validation against the chart.
//! - [`key`], [`role`]: what a rule is asked and what it answers.
//! - [`diagnostics`]: [`RuleError`] with rustc-style rendering.
//! - [`check`]: the `stockpost rules check` report.
//! - [`rule_tests`]: `rules/tests/*.toml` cases and `stockpost rules test`.
//! - [`rule_scenarios`]: `rules/tests/*/` scenarios: journals posted in memory, G/L balances,
//!   valuation and reconciliation compared with `scenario.toml`.
//! - [`diff`]: which keys a new rule generation maps to different accounts.

pub mod check;
pub mod diagnostics;
pub mod diff;
pub mod engine;
pub mod key;
pub mod loader;
pub mod posting;
pub mod role;
pub mod rule_scenarios;
pub mod rule_tests;
pub mod ruleset;
pub mod trigger;

pub use diagnostics::{RuleError, RuleErrorKind, SourceLocation};
pub use engine::RuleLimits;
pub use key::{AccountKey, AccountKeyParts, GeneralKey, InventoryKey};
pub use posting::RuleSetAccounts;
pub use role::{AccountRole, RoleSide};
pub use ruleset::{MappingRow, ResolvedAccount, RuleErrors, RuleSet};
pub use trigger::{AdjustmentTrigger, TriggerBatch, TriggerDecision};
