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

/// How many item ledger entries a line of this kind creates (docs/journal.md, "Entry numbers").
fn item_ledger_entries_created(kind: &JournalLineKind) -> usize {
    match kind {
        JournalLineKind::Purchase { .. }
        | JournalLineKind::PurchaseReceipt { .. }
        | JournalLineKind::PurchaseReturn { .. }
        | JournalLineKind::Sale { .. }
        | JournalLineKind::SalesShipment { .. }
        | JournalLineKind::SalesReturn { .. }
        | JournalLineKind::PositiveAdjustment { .. }
        | JournalLineKind::NegativeAdjustment { .. } => 1,
        JournalLineKind::Transfer { .. } => 2,
        JournalLineKind::PurchaseInvoice { .. }
        | JournalLineKind::SalesInvoice { .. }
        | JournalLineKind::ItemCharge { .. }
        | JournalLineKind::Revaluation { .. }
        | JournalLineKind::StandardCostChange { .. } => 0,
    }
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
            .map(|line| {
                (line.item_ledger_entry_nos.end - line.item_ledger_entry_nos.start) as usize
            })
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
    /// New item ledger entries: a range of entry numbers, in creation order (a transfer creates
    /// the outbound leg first). A range, not a list: a batch keeps one outcome per line.
    pub item_ledger_entry_nos: Range<u64>,
    /// New value entries: a range of entry numbers.
    pub value_entry_nos: Range<u64>,
    /// For revaluation lines: what was revalued (boxed: the other lines do not carry its room).
    pub revaluation: Option<Box<RevaluationOutcome>>,
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
        let item_ledger_entries = lines
            .iter()
            .map(|line| item_ledger_entries_created(&line.kind))
            .sum();
        self.reserve_for_lines(item_ledger_entries, lines.len());
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
        let first_item_ledger_entry_no = self.next_item_ledger_entry_no();
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
                debug_assert_eq!(ile, first_item_ledger_entry_no);
            }
            JournalLineKind::PurchaseReceipt {
                item,
                location,
                quantity,
                direct_unit_cost,
            } => {
                let ile = posting.purchase_receipt(item, location, *quantity, *direct_unit_cost)?;
                debug_assert_eq!(ile, first_item_ledger_entry_no);
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
                debug_assert_eq!(ile, first_item_ledger_entry_no);
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
                debug_assert_eq!(ile, first_item_ledger_entry_no);
            }
            JournalLineKind::SalesShipment {
                item,
                location,
                quantity,
                unit_price,
            } => {
                let ile = posting.sale(item, location, *quantity, *unit_price, None, false)?;
                debug_assert_eq!(ile, first_item_ledger_entry_no);
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
                debug_assert_eq!(ile, first_item_ledger_entry_no);
            }
            JournalLineKind::PositiveAdjustment {
                item,
                location,
                quantity,
                unit_cost,
            } => {
                let ile = posting.positive_adjustment(item, location, *quantity, *unit_cost)?;
                debug_assert_eq!(ile, first_item_ledger_entry_no);
            }
            JournalLineKind::NegativeAdjustment {
                item,
                location,
                quantity,
                applies_to_entry_no,
            } => {
                let ile =
                    posting.negative_adjustment(item, location, *quantity, *applies_to_entry_no)?;
                debug_assert_eq!(ile, first_item_ledger_entry_no);
            }
            JournalLineKind::Transfer {
                item,
                from_location,
                to_location,
                quantity,
            } => {
                let (out_leg, in_leg) =
                    posting.transfer(item, from_location, to_location, *quantity)?;
                debug_assert_eq!(
                    (out_leg, in_leg),
                    (first_item_ledger_entry_no, first_item_ledger_entry_no + 1)
                );
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
                outcome.revaluation = Some(Box::new(posting.revaluation(item, scope, *target)?));
            }
            JournalLineKind::StandardCostChange {
                item,
                new_standard_cost,
            } => {
                posting.standard_cost_change(item, *new_standard_cost)?;
            }
        }
        outcome.item_ledger_entry_nos =
            first_item_ledger_entry_no..self.next_item_ledger_entry_no();
        outcome.value_entry_nos = first_value_entry_no..self.next_value_entry_no();
        Ok(outcome)
    }
}
