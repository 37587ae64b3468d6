//! Report rows shared by the commands, and their rendering as a text table, CSV or JSON.
//!
//! Builders here read [`Books`](crate::books::Books) and return plain, serializable rows; they do
//! no I/O. The command line picks the rows and the format.
//!
//! - [`render`]: the [`ReportRow`] trait and the three renderings.
//! - [`entries`]: item ledger, value, item application and G/L entries as rows.
//! - [`valuation`]: inventory valuation per item and location.
//! - [`trial_balance`]: G/L balances per account and their reconciliation with the valuation.
//! - [`steps`]: what each step of a run created; the cost adjustment summary.
//! - [`cost_posting`]: a G/L posting run's amounts per account and its skipped value entries.
//! - [`explain`]: the chain behind one G/L entry.
//! - [`drill`]: the entries behind a reconciliation cell.
//! - [`run`]: the report of a posting run, all of the above together.

pub mod cost_posting;
pub mod drill;
pub mod entries;
pub mod explain;
pub mod render;
pub mod run;
pub mod steps;
pub mod terminal;
pub mod trial_balance;
pub mod valuation;

pub use render::{
    render_csv, render_json, render_table, spreadsheet_safe, spreadsheet_safe_record, Column,
    ReportRow,
};
