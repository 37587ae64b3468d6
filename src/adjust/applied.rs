//! Applied-cost forwarding (spec §5.5): cost flows from an inbound entry to the outbound entries
//! cost-applied to it, from a transfer's outbound leg to its inbound leg, and from a sale to the
//! returns that reverse it exactly, as far as the chain goes and only where cost changed.

use std::collections::VecDeque;

use rust_decimal::Decimal;

use super::entries::CostDelta;
use super::Adjuster;
use crate::config::CostingMethod;
use crate::ledger::{CostEntryType, ItemId, ItemLedgerEntry};

/// A cost dependent of an entry: who takes cost from it, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dependent {
    /// An outbound entry applied to the inbound (cost application).
    Outbound(u64),
    /// The inbound leg of a transfer whose outbound leg is the source.
    TransferInbound(u64),
    /// An inbound entry that reverses the source outbound's cost exactly (applies-from).
    CostAppliedInbound(u64),
}

impl Adjuster<'_> {
    /// Forwards cost from every flagged entry of the item; true when some cost changed.
    pub(super) fn adjust_applied_cost(&mut self, item: ItemId) -> bool {
        let mut changed = false;
        let flagged = self.flagged_entries(item);
        for entry_no in flagged {
            self.ledger.clear_applied_entry_to_adjust(entry_no);
            changed |= self.forward_applied_cost(entry_no);
        }
        changed
    }

    /// Recomputes the cost of everything that depends on `source`, then of what depends on
    /// those whose cost changed, breadth first, up to the chain-depth and step bounds.
    pub(super) fn forward_applied_cost(&mut self, source: u64) -> bool {
        // A flagged outbound (newly invoiced, say) is first valued again itself.
        let mut changed = match self.applied_outbound_cost(source) {
            Some(new_cost) if self.is_outbound(source) => self.set_entry_cost(source, new_cost),
            _ => false,
        };
        let mut work: VecDeque<(u64, u32)> = VecDeque::from([(source, 0)]);
        while let Some((entry_no, depth)) = work.pop_front() {
            let item = self
                .ledger
                .item_ledger_entry(entry_no)
                .expect("entry exists")
                .item;
            if depth > self.limits.max_chain_depth || self.steps >= self.limits.max_steps {
                let limit = if depth > self.limits.max_chain_depth {
                    "chain depth"
                } else {
                    "steps per run"
                };
                self.ledger.set_applied_entry_to_adjust(entry_no);
                self.record_limit_hit(item, entry_no, limit);
                continue;
            }
            self.steps += 1;
            for dependent in self.dependents(entry_no) {
                let (target, new_cost) = match dependent {
                    Dependent::Outbound(outbound) => {
                        (outbound, self.applied_outbound_cost(outbound))
                    }
                    // An inbound keeps its own revaluations: they changed what it holds, not
                    // what it received.
                    Dependent::TransferInbound(inbound) => (
                        inbound,
                        Some(-self.entry_cost(entry_no) + self.own_revaluation(inbound)),
                    ),
                    Dependent::CostAppliedInbound(inbound) => (
                        inbound,
                        Some(self.reversed_cost(entry_no, inbound) + self.own_revaluation(inbound)),
                    ),
                };
                let Some(new_cost) = new_cost else { continue };
                if self.set_entry_cost(target, new_cost) {
                    changed = true;
                    work.push_back((target, depth + 1));
                }
            }
            self.eliminate_rounding_residual(entry_no);
        }
        changed
    }

    fn is_outbound(&self, entry_no: u64) -> bool {
        self.ledger
            .item_ledger_entry(entry_no)
            .is_some_and(|entry| entry.quantity < Decimal::ZERO)
    }

    /// Who takes cost from an entry.
    fn dependents(&self, entry_no: u64) -> Vec<Dependent> {
        let mut dependents = Vec::new();
        for row in self.ledger.applications_of(entry_no) {
            let dependent = if row.inbound_item_entry_no == entry_no
                && row.is_quantity_application()
                && row.cost_application
            {
                Dependent::Outbound(row.outbound_item_entry_no)
            } else if row.transferred_from_entry_no == Some(entry_no)
                && row.inbound_item_entry_no != entry_no
            {
                Dependent::TransferInbound(row.inbound_item_entry_no)
            } else if row.outbound_item_entry_no == entry_no
                && row.quantity > Decimal::ZERO
                && row.cost_application
            {
                Dependent::CostAppliedInbound(row.inbound_item_entry_no)
            } else {
                continue;
            };
            if !dependents.contains(&dependent) {
                dependents.push(dependent);
            }
        }
        dependents
    }

    /// The cost an outbound entry should carry from its cost applications: the rounded share of
    /// each applied inbound, plus the part still open (negative inventory) at its current cost.
    /// `None` when the entry takes no cost by application (an average-valued outbound).
    pub(super) fn applied_outbound_cost(&self, outbound_no: u64) -> Option<Decimal> {
        let outbound = self
            .ledger
            .item_ledger_entry(outbound_no)
            .expect("outbound exists");
        let mut applied_quantity = Decimal::ZERO;
        let mut cost = Decimal::ZERO;
        let mut any = false;
        for row in self.ledger.applications_of(outbound_no) {
            if row.outbound_item_entry_no != outbound_no
                || !row.is_quantity_application()
                || !row.cost_application
            {
                continue;
            }
            any = true;
            applied_quantity -= row.quantity;
            cost -= self.inbound_share(row.inbound_item_entry_no, -row.quantity, outbound);
        }
        if !any {
            return None;
        }
        let open_quantity = -outbound.quantity - applied_quantity;
        if open_quantity > Decimal::ZERO {
            let current = self.entry_cost(outbound_no);
            cost += self
                .rounding
                .amount(current * open_quantity / -outbound.quantity);
        }
        Some(cost)
    }

    /// The rounded cost of `quantity` units of an inbound entry, as seen by one outbound entry
    /// (spec §5.5 "which inbound VEs count"): expected and actual cost without rounding entries,
    /// and each revaluation only if the outbound comes after it (§7.6).
    pub(super) fn inbound_share(
        &self,
        inbound_no: u64,
        quantity: Decimal,
        outbound: &ItemLedgerEntry,
    ) -> Decimal {
        let inbound = self
            .ledger
            .item_ledger_entry(inbound_no)
            .expect("inbound exists");
        let outbound_first_value_entry = self
            .ledger
            .value_entries_of(outbound.entry_no)
            .next()
            .map(|entry| entry.entry_no);
        let outbound_valuation_date = self.ledger.direct_cost_valuation_date(outbound.entry_no);
        let mut share = Decimal::ZERO;
        for entry in self.ledger.value_entries_of(inbound_no) {
            let amount = entry.cost_amount_actual + entry.cost_amount_expected;
            match entry.entry_type {
                CostEntryType::Rounding => {}
                CostEntryType::Revaluation => {
                    let posted_before =
                        outbound_first_value_entry.is_some_and(|first| first < entry.entry_no);
                    let dated_before =
                        outbound_valuation_date.is_some_and(|date| date <= entry.valuation_date);
                    // A partial revaluation reaches only the outbounds after it (spec §7.6); an
                    // applies-to one reaches every outbound applied to its entry (§7.10).
                    if posted_before && dated_before && entry.partial_revaluation {
                        continue;
                    }
                    let basis = if entry.partial_revaluation {
                        entry.valued_quantity
                    } else {
                        inbound.quantity
                    };
                    share += amount * quantity / basis;
                }
                _ => share += amount * quantity / inbound.quantity,
            }
        }
        self.rounding.amount(share)
    }

    /// The cost a return reverses exactly: the original outbound's cost × returned share.
    fn reversed_cost(&self, outbound_no: u64, inbound_no: u64) -> Decimal {
        let outbound = self
            .ledger
            .item_ledger_entry(outbound_no)
            .expect("outbound exists");
        let inbound = self
            .ledger
            .item_ledger_entry(inbound_no)
            .expect("inbound exists");
        self.rounding
            .amount(self.entry_cost(outbound_no) * inbound.quantity / outbound.quantity)
    }

    /// Σ (actual + expected) of the revaluations posted on an entry itself (not the revaluation
    /// amounts forwarded to it by cost adjustment).
    fn own_revaluation(&self, entry_no: u64) -> Decimal {
        self.ledger
            .value_entries_of(entry_no)
            .filter(|entry| entry.entry_type == CostEntryType::Revaluation && !entry.adjustment)
            .map(|entry| entry.cost_amount_actual + entry.cost_amount_expected)
            .sum()
    }

    /// Σ (actual + expected) over an entry's value entries, rounding entries excluded.
    pub(super) fn entry_cost(&self, entry_no: u64) -> Decimal {
        self.ledger
            .value_entries_of(entry_no)
            .filter(|entry| entry.entry_type != CostEntryType::Rounding)
            .map(|entry| entry.cost_amount_actual + entry.cost_amount_expected)
            .sum()
    }

    /// Brings an entry's cost to `new_cost`, split between its invoiced (actual) and not yet
    /// invoiced (expected) quantity; true when an adjustment entry was needed.
    pub(super) fn set_entry_cost(&mut self, entry_no: u64, new_cost: Decimal) -> bool {
        let entry = self
            .ledger
            .item_ledger_entry(entry_no)
            .expect("entry exists");
        let invoiced_share = if entry.quantity.is_zero() {
            Decimal::ONE
        } else {
            entry.invoiced_quantity / entry.quantity
        };
        let new_actual = self.rounding.amount(new_cost * invoiced_share);
        let new_expected = new_cost - new_actual;
        let (mut actual, mut expected) = (Decimal::ZERO, Decimal::ZERO);
        for value in self.ledger.value_entries_of(entry_no) {
            if value.entry_type != CostEntryType::Rounding {
                actual += value.cost_amount_actual;
                expected += value.cost_amount_expected;
            }
        }
        let delta = CostDelta {
            expected: new_expected - expected,
            actual: new_actual - actual,
        };
        if delta.is_zero() {
            return false;
        }
        self.post_adjustment(entry_no, delta);
        true
    }

    /// After forwarding from a closed, completely invoiced inbound entry of a non-Average item,
    /// posts the rounding entry that makes it and its applied outbounds net to zero (spec §5.8).
    fn eliminate_rounding_residual(&mut self, inbound_no: u64) {
        let inbound = self
            .ledger
            .item_ledger_entry(inbound_no)
            .expect("entry exists")
            .clone();
        let method = self.ledger.item(inbound.item).costing_method;
        if inbound.quantity <= Decimal::ZERO
            || inbound.is_open()
            || !inbound.completely_invoiced
            || method == CostingMethod::Average
        {
            return;
        }
        let mut forwarded = Decimal::ZERO;
        let mut applied = Decimal::ZERO;
        for row in self.ledger.applications_of(inbound_no) {
            if row.inbound_item_entry_no != inbound_no
                || !row.is_quantity_application()
                || !row.cost_application
            {
                continue;
            }
            let outbound = self
                .ledger
                .item_ledger_entry(row.outbound_item_entry_no)
                .expect("outbound exists");
            applied -= row.quantity;
            forwarded -= self.inbound_share(inbound_no, -row.quantity, outbound);
        }
        if applied != inbound.quantity {
            return;
        }
        let actual: Decimal = self
            .ledger
            .value_entries_of(inbound_no)
            .map(|entry| entry.cost_amount_actual)
            .sum();
        let residual = -(actual + forwarded);
        if !residual.is_zero() {
            self.post_rounding(inbound_no, residual);
        }
    }
}
