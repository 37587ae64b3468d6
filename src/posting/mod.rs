//! Posting journal lines into the sub-ledger (spec §1.10, §3, §6, §7).
//!
//! [`Ledger::post_batch`] posts a journal as one batch: every line is checked and posted in order,
//! and the first bad line rolls the whole batch back, so the ledger is left exactly as it was.

use std::fmt;
use std::ops::Range;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::journal::{JournalLine, LineRef};
use crate::ledger::Ledger;

/// What a posting run needs from outside the core: it reads no clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostingContext {
    /// The work date: automatic cost adjustment windows are measured back from it.
    pub work_date: NaiveDate,
}

/// What one batch created.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchOutcome {
    pub lines: Vec<LineOutcome>,
}

impl BatchOutcome {
    pub fn item_ledger_entry_count(&self) -> usize {
        self.lines.iter().map(|line| line.item_ledger_entry_nos.len()).sum()
    }

    pub fn value_entry_count(&self) -> u64 {
        self.lines.iter().map(|line| line.value_entry_nos.end - line.value_entry_nos.start).sum()
    }
}

/// What one journal line created.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineOutcome {
    /// New item ledger entries, in creation order (a transfer creates the outbound leg first).
    pub item_ledger_entry_nos: Vec<u64>,
    /// New value entries: a range of entry numbers.
    pub value_entry_nos: Range<u64>,
    /// For revaluation lines: what was revalued.
    pub revaluation: Option<RevaluationOutcome>,
}

/// The figures of a posted revaluation line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevaluationOutcome {
    /// Revaluable quantity on the posting date.
    pub revalued_quantity: Decimal,
    /// Inventory value (calculated) before the revaluation.
    pub calculated_value: Decimal,
    /// Revalued value minus calculated value.
    pub amount: Decimal,
}

/// A journal line that cannot be posted: the file, line and field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostingError {
    pub source: LineRef,
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for PostingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: field `{}`: {}", self.source, self.field, self.message)
    }
}

impl std::error::Error for PostingError {}

impl Ledger {
    /// Posts a journal as one batch. On error nothing is posted and the ledger is unchanged.
    pub fn post_batch(
        &mut self,
        lines: &[JournalLine],
        context: &PostingContext,
    ) -> Result<BatchOutcome, PostingError> {
        let _ = (lines, context);
        todo!()
    }
}
