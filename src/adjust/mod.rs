//! Cost adjustment (spec §5): outbound entries are valued provisionally when posted; this
//! recomputes their cost from the sources the costing method and the applications name, and posts
//! the differences as new value entries with Adjustment = true.
//!
//! The run is incremental: it starts from what posting flagged (the "Applied Entry to Adjust"
//! entries and the unadjusted Avg. Cost Adjmt. Entry Points, spec §5.2) and follows cost only
//! where it changed, so adjusting after one late invoice touches that item's affected chain, not
//! the history. Two mechanisms do the work:
//! - [`applied`]: applied-cost forwarding for FIFO, LIFO, Specific, Standard and every fixed
//!   application, through transfers and exact cost reversals, with rounding entries (§5.5, §5.8);
//! - [`average`]: the periodic average of Average items, residual carried entry to entry (§5.6).
//!
//! Every loop is bounded ([`AdjustmentLimits`]); an entry whose chain hits a bound stays flagged,
//! its item stays "not adjusted", and the outcome says so. The core does no I/O and reads no
//! clock: running it once at the end or after every batch gives the same costs per entry.

mod applied;
mod average;
mod entries;
pub mod invariants;

use std::collections::BTreeMap;
use std::ops::Range;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::config::CostingMethod;
use crate::journal::LineRef;
use crate::ledger::{ItemId, Ledger};
use crate::money::Rounding;

/// Which items a run adjusts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ItemSelection {
    /// Every item whose cost is not adjusted.
    #[default]
    All,
    /// These items (by number).
    Items(Vec<String>),
    /// The items of one item category.
    Category(String),
}

/// How a run was asked for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdjustRequest {
    pub items: ItemSelection,
    /// An automatic (online) run after posting: only items that allow online adjustment.
    pub online: bool,
}

/// Explicit bounds on the work of one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdjustmentLimits {
    /// Levels of forwarding along one chain (BC: 100).
    pub max_chain_depth: u32,
    /// Entries recomputed in one run, all items together.
    pub max_steps: u64,
    /// Passes of applied-cost forwarding and averaging per item before giving up.
    pub max_passes_per_item: u32,
}

impl Default for AdjustmentLimits {
    fn default() -> Self {
        AdjustmentLimits {
            max_chain_depth: 100,
            max_steps: 10_000_000,
            max_passes_per_item: 20,
        }
    }
}

/// What an adjustment run changed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdjustOutcome {
    /// The adjustment and rounding value entries created.
    pub value_entry_nos: Range<u64>,
    /// Per item: entries whose cost changed and the total amount posted.
    pub items: BTreeMap<String, ItemAdjustment>,
    /// Entries left flagged because a bound was hit; their items stay "not adjusted".
    pub limit_hits: Vec<LimitHit>,
}

/// The adjustment of one item.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ItemAdjustment {
    pub entries_adjusted: u64,
    pub amount: Decimal,
}

/// A bound that stopped part of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitHit {
    pub item_no: String,
    pub item_ledger_entry_no: u64,
    pub limit: &'static str,
}

impl Ledger {
    /// Runs cost adjustment (spec §5.4) for the selected items and returns what it changed.
    /// Inside a batch opened with [`Ledger::checkpoint`] its changes roll back with the batch.
    pub fn adjust_cost(
        &mut self,
        request: &AdjustRequest,
        limits: &AdjustmentLimits,
    ) -> AdjustOutcome {
        let first = self.next_value_entry_no();
        let items = self.items_to_adjust(request);
        let mut adjuster = Adjuster::new(self, *limits);
        for item in items {
            adjuster.adjust_item(item);
        }
        let mut outcome = adjuster.outcome;
        outcome.value_entry_nos = first..self.next_value_entry_no();
        outcome
    }

    /// Items with "cost is adjusted" = false in the selection, in item order.
    fn items_to_adjust(&self, request: &AdjustRequest) -> Vec<ItemId> {
        (0..self.config().items.len() as u32)
            .map(ItemId)
            .filter(|&item| {
                let card = self.item(item);
                let state = self.item_cost_state(item);
                let selected = match &request.items {
                    ItemSelection::All => true,
                    ItemSelection::Items(numbers) => numbers.contains(&card.no),
                    ItemSelection::Category(category) => {
                        card.item_category.as_deref() == Some(category.as_str())
                    }
                };
                selected
                    && !state.cost_is_adjusted
                    && (!request.online || state.allow_online_adjustment)
            })
            .collect()
    }
}

/// Whether one pass's adjustments are exactly the previous pass's, reversed.
fn undoes(
    this_pass: &[(u64, Decimal, Decimal)],
    previous_pass: &[(u64, Decimal, Decimal)],
) -> bool {
    !this_pass.is_empty()
        && this_pass.len() == previous_pass.len()
        && this_pass
            .iter()
            .zip(previous_pass)
            .all(|(now, before)| now.0 == before.0 && now.1 == -before.1 && now.2 == -before.2)
}

/// One adjustment run in progress.
pub(crate) struct Adjuster<'a> {
    ledger: &'a mut Ledger,
    limits: AdjustmentLimits,
    rounding: Rounding,
    /// First date adjustment entries may carry (G/L allow posting from, inventory periods).
    first_allowed_date: Option<NaiveDate>,
    source: LineRef,
    steps: u64,
    outcome: AdjustOutcome,
}

impl<'a> Adjuster<'a> {
    fn new(ledger: &'a mut Ledger, limits: AdjustmentLimits) -> Self {
        let setup = &ledger.config().inventory_setup;
        let after_closed = setup
            .inventory_periods_closed_through
            .and_then(|date| date.succ_opt());
        let first_allowed_date = match (setup.allow_posting_from, after_closed) {
            (Some(from), Some(open)) => Some(from.max(open)),
            (from, open) => from.or(open),
        };
        let rounding = ledger.config().rounding;
        Adjuster {
            ledger,
            limits,
            rounding,
            first_allowed_date,
            source: LineRef {
                file: "(cost adjustment)".into(),
                line: 0,
            },
            steps: 0,
            outcome: AdjustOutcome::default(),
        }
    }

    /// Adjusts one item until nothing changes or a bound is hit, then updates its unit cost and
    /// flags (spec §5.11).
    fn adjust_item(&mut self, item: ItemId) {
        let is_average = self.ledger.item(item).costing_method == CostingMethod::Average;
        let mut settled = false;
        let mut previous_pass: Vec<(u64, Decimal, Decimal)> = Vec::new();
        for _ in 0..self.limits.max_passes_per_item {
            let first = self.ledger.next_value_entry_no();
            let mut changed = self.adjust_applied_cost(item);
            if is_average {
                changed |= self.adjust_average_cost(item);
            }
            if !changed && !self.has_flagged_entries(item) {
                settled = true;
                break;
            }
            // Average transfers that go round between location pools within one period can
            // make a pass undo the previous one by a rounding step: the two values are equally
            // right, so the oscillation ends here rather than at the pass bound.
            let this_pass = self.deltas(first..self.ledger.next_value_entry_no());
            if is_average && undoes(&this_pass, &previous_pass) && !self.has_flagged_entries(item) {
                settled = true;
                break;
            }
            previous_pass = this_pass;
        }
        let limit_hit = self
            .outcome
            .limit_hits
            .iter()
            .any(|hit| hit.item_no == self.ledger.item_no(item));
        if !settled && !limit_hit {
            let entry = self.flagged_entries(item).first().copied().unwrap_or(0);
            self.record_limit_hit(item, entry, "passes per item");
        }
        self.ledger.mark_entry_points_adjusted(item);
        let adjusted = settled && !limit_hit && !self.has_flagged_entries(item);
        self.update_unit_cost(item);
        self.ledger.update_item_cost_state(item, |state| {
            state.cost_is_adjusted = adjusted;
            state.allow_online_adjustment = true;
        });
    }

    /// (item ledger entry, expected delta, actual delta) of the value entries in `range`.
    fn deltas(&self, range: Range<u64>) -> Vec<(u64, Decimal, Decimal)> {
        range
            .filter_map(|no| self.ledger.value_entry(no))
            .map(|entry| {
                (
                    entry.item_ledger_entry_no,
                    entry.cost_amount_expected,
                    entry.cost_amount_actual,
                )
            })
            .collect()
    }

    fn flagged_entries(&self, item: ItemId) -> Vec<u64> {
        self.ledger
            .applied_entries_to_adjust_of(item)
            .iter()
            .copied()
            .collect()
    }

    fn has_flagged_entries(&self, item: ItemId) -> bool {
        !self.ledger.applied_entries_to_adjust_of(item).is_empty()
    }

    fn record_limit_hit(&mut self, item: ItemId, entry_no: u64, limit: &'static str) {
        let item_no = self.ledger.item_no(item).to_string();
        self.outcome.limit_hits.push(LimitHit {
            item_no,
            item_ledger_entry_no: entry_no,
            limit,
        });
    }

    /// Item unit cost after adjustment: the standard cost for Standard items, otherwise the
    /// average cost of the stock on hand; with no stock, the unit cost of the last outbound entry.
    fn update_unit_cost(&mut self, item: ItemId) {
        let method = self.ledger.item(item).costing_method;
        let last_outbound_unit_cost = self
            .ledger
            .entries_of_item(item)
            .filter(|entry| entry.quantity < Decimal::ZERO)
            .last()
            .map(|entry| {
                let (actual, expected) = self.ledger.cost_of_entry(entry.entry_no);
                (actual + expected) / entry.quantity
            });
        let rounding = self.rounding;
        self.ledger.update_item_cost_state(item, |state| {
            state.unit_cost = match method {
                CostingMethod::Standard => state.standard_cost,
                _ if state.inventory_quantity > Decimal::ZERO => {
                    rounding.unit_amount(state.inventory_cost / state.inventory_quantity)
                }
                _ => last_outbound_unit_cost
                    .map_or(state.unit_cost, |cost| rounding.unit_amount(cost)),
            };
        });
    }

    fn note_adjusted(&mut self, item: ItemId, amount: Decimal) {
        let item_no = self.ledger.item_no(item).to_string();
        let summary = self.outcome.items.entry(item_no).or_default();
        summary.entries_adjusted += 1;
        summary.amount += amount;
    }
}
