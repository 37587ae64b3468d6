//! Posting journal lines into the sub-ledger (spec §1.10, §3, §6, §7).
//!
//! [`Ledger::post_batch`] posts a journal as one batch: every line is checked and posted in order,
//! and the first bad line rolls the whole batch back, so the ledger is left exactly as it was.

use std::fmt;
use std::ops::Range;

use chrono::NaiveDate;
use rust_decimal::Decimal;

mod charge;
mod inbound;
mod invoice;
mod line;
mod outbound;
mod revaluation;

use crate::journal::{JournalLine, JournalLineKind, LineRef};
use crate::ledger::Ledger;
use line::LinePosting;

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
        self.lines
            .iter()
            .map(|line| line.item_ledger_entry_nos.len())
            .sum()
    }

    /// The value entries the batch created, as one range.
    pub fn value_entry_nos(&self) -> Range<u64> {
        match (self.lines.first(), self.lines.last()) {
            (Some(first), Some(last)) => first.value_entry_nos.start..last.value_entry_nos.end,
            _ => 0..0,
        }
    }

    pub fn value_entry_count(&self) -> u64 {
        self.lines
            .iter()
            .map(|line| line.value_entry_nos.end - line.value_entry_nos.start)
            .sum()
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
        write!(
            f,
            "{}: field `{}`: {}",
            self.source, self.field, self.message
        )
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
        let checkpoint = self.checkpoint();
        match self.post_lines(lines, context) {
            Ok(outcome) => {
                self.commit();
                Ok(outcome)
            }
            Err(error) => {
                self.rollback(checkpoint);
                Err(error)
            }
        }
    }

    /// Posts lines inside a batch the caller opened with [`Ledger::checkpoint`]; the caller
    /// commits or rolls back (so that G/L posting can join the same batch).
    pub fn post_lines(
        &mut self,
        lines: &[JournalLine],
        context: &PostingContext,
    ) -> Result<BatchOutcome, PostingError> {
        self.reserve_for_lines(lines.len());
        let mut outcome = BatchOutcome {
            lines: Vec::with_capacity(lines.len()),
        };
        for line in lines {
            outcome.lines.push(self.post_line(line, context)?);
        }
        Ok(outcome)
    }

    fn post_line(
        &mut self,
        line: &JournalLine,
        context: &PostingContext,
    ) -> Result<LineOutcome, PostingError> {
        let first_value_entry_no = self.next_value_entry_no();
        let mut posting = LinePosting::new(self, line, context)?;
        let mut outcome = LineOutcome::default();
        match &line.kind {
            JournalLineKind::Purchase {
                item,
                location,
                quantity,
                cost,
            } => {
                let ile = posting.purchase(item, location, *quantity, *cost)?;
                outcome.item_ledger_entry_nos.push(ile);
            }
            JournalLineKind::PurchaseReceipt {
                item,
                location,
                quantity,
                direct_unit_cost,
            } => {
                let ile = posting.purchase_receipt(item, location, *quantity, *direct_unit_cost)?;
                outcome.item_ledger_entry_nos.push(ile);
            }
            JournalLineKind::PurchaseInvoice {
                receipt_entry_no,
                quantity,
                cost,
            } => {
                posting.purchase_invoice(*receipt_entry_no, *quantity, *cost)?;
            }
            JournalLineKind::PurchaseReturn {
                item,
                location,
                quantity,
                direct_unit_cost,
                applies_to_entry_no,
            } => {
                let ile = posting.purchase_return(
                    item,
                    location,
                    *quantity,
                    *direct_unit_cost,
                    *applies_to_entry_no,
                )?;
                outcome.item_ledger_entry_nos.push(ile);
            }
            JournalLineKind::Sale {
                item,
                location,
                quantity,
                unit_price,
                applies_to_entry_no,
            } => {
                let ile = posting.sale(
                    item,
                    location,
                    *quantity,
                    *unit_price,
                    *applies_to_entry_no,
                    true,
                )?;
                outcome.item_ledger_entry_nos.push(ile);
            }
            JournalLineKind::SalesShipment {
                item,
                location,
                quantity,
                unit_price,
            } => {
                let ile = posting.sale(item, location, *quantity, *unit_price, None, false)?;
                outcome.item_ledger_entry_nos.push(ile);
            }
            JournalLineKind::SalesInvoice {
                shipment_entry_no,
                quantity,
                unit_price,
            } => {
                posting.sales_invoice(*shipment_entry_no, *quantity, *unit_price)?;
            }
            JournalLineKind::SalesReturn {
                item,
                location,
                quantity,
                unit_price,
                applies_from_entry_no,
            } => {
                let ile = posting.sales_return(
                    item,
                    location,
                    *quantity,
                    *unit_price,
                    *applies_from_entry_no,
                )?;
                outcome.item_ledger_entry_nos.push(ile);
            }
            JournalLineKind::PositiveAdjustment {
                item,
                location,
                quantity,
                unit_cost,
            } => {
                let ile = posting.positive_adjustment(item, location, *quantity, *unit_cost)?;
                outcome.item_ledger_entry_nos.push(ile);
            }
            JournalLineKind::NegativeAdjustment {
                item,
                location,
                quantity,
                applies_to_entry_no,
            } => {
                let ile =
                    posting.negative_adjustment(item, location, *quantity, *applies_to_entry_no)?;
                outcome.item_ledger_entry_nos.push(ile);
            }
            JournalLineKind::Transfer {
                item,
                from_location,
                to_location,
                quantity,
            } => {
                let (out_leg, in_leg) =
                    posting.transfer(item, from_location, to_location, *quantity)?;
                outcome.item_ledger_entry_nos.extend([out_leg, in_leg]);
            }
            JournalLineKind::ItemCharge {
                item_charge_no,
                amount,
                assign_to_entry_nos,
            } => {
                posting.item_charge(item_charge_no, *amount, assign_to_entry_nos)?;
            }
            JournalLineKind::Revaluation {
                item,
                scope,
                target,
            } => {
                outcome.revaluation = Some(posting.revaluation(item, scope, *target)?);
            }
            JournalLineKind::StandardCostChange {
                item,
                new_standard_cost,
            } => {
                posting.standard_cost_change(item, *new_standard_cost)?;
            }
        }
        outcome.value_entry_nos = first_value_entry_no..self.next_value_entry_no();
        Ok(outcome)
    }
}
