//! The value entries cost adjustment creates (spec §5.9): adjustment entries on outbound (and
//! cost-applied inbound) entries, and rounding entries on closed inbound entries (§5.8).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Adjuster;
use crate::ledger::{CostEntryType, ValueEntry};

/// The change in cost one entry needs, split by part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct CostDelta {
    pub expected: Decimal,
    pub actual: Decimal,
}

impl CostDelta {
    pub fn is_zero(&self) -> bool {
        self.expected.is_zero() && self.actual.is_zero()
    }
}

impl Adjuster<'_> {
    /// Posts an adjustment value entry on `ile_no` and keeps the item's running cost and average
    /// entry points current. The entry copies the adjusted value entry (the entry's last
    /// non-adjustment direct-cost entry): posting groups, location, dimensions, document.
    pub(super) fn post_adjustment(&mut self, ile_no: u64, delta: CostDelta) {
        debug_assert!(!delta.is_zero());
        let adjusted = self
            .ledger
            .value_entries_of(ile_no)
            .filter(|entry| entry.is_direct_non_charge() && !entry.adjustment)
            .last()
            .expect("every item ledger entry has a direct-cost value entry")
            .clone();
        let mut entry = self.derived_value_entry(&adjusted, CostEntryType::DirectCost);
        entry.posting_date = self.allowed_posting_date(adjusted.posting_date);
        entry.expected_cost = delta.actual.is_zero();
        entry.cost_amount_expected = delta.expected;
        entry.cost_amount_actual = delta.actual;
        entry.valued_quantity = adjusted.valued_quantity;
        entry.applies_to_entry = Some(adjusted.entry_no);
        self.insert_adjustment_entry(entry);
    }

    /// Posts a rounding value entry on a closed, completely invoiced inbound entry, so that it
    /// and the entries applied to it net to exactly zero.
    pub(super) fn post_rounding(&mut self, ile_no: u64, amount: Decimal) {
        let last_direct = self
            .ledger
            .value_entries_of(ile_no)
            .filter(|entry| entry.is_direct_non_charge() && !entry.adjustment)
            .last()
            .expect("every item ledger entry has a direct-cost value entry")
            .clone();
        let quantity = self
            .ledger
            .item_ledger_entry(ile_no)
            .expect("entry exists")
            .quantity;
        let mut entry = self.derived_value_entry(&last_direct, CostEntryType::Rounding);
        entry.posting_date = self.allowed_posting_date(last_direct.posting_date);
        entry.cost_amount_actual = amount;
        entry.valued_quantity = quantity;
        self.insert_adjustment_entry(entry);
    }

    /// A new adjustment value entry derived from `base`, every amount and quantity zero.
    fn derived_value_entry(&self, base: &ValueEntry, entry_type: CostEntryType) -> ValueEntry {
        let valuation_date = self
            .ledger
            .direct_cost_valuation_date(base.item_ledger_entry_no)
            .unwrap_or(base.valuation_date);
        ValueEntry {
            entry_no: self.ledger.next_value_entry_no(),
            entry_type,
            variance_type: None,
            valuation_date,
            expected_cost: false,
            valued_quantity: Decimal::ZERO,
            invoiced_quantity: Decimal::ZERO,
            item_ledger_entry_quantity: Decimal::ZERO,
            cost_per_unit: Decimal::ZERO,
            cost_amount_expected: Decimal::ZERO,
            cost_amount_actual: Decimal::ZERO,
            cost_amount_non_invtbl: Decimal::ZERO,
            expected_cost_posted_to_gl: Decimal::ZERO,
            cost_posted_to_gl: Decimal::ZERO,
            sales_amount_expected: Decimal::ZERO,
            sales_amount_actual: Decimal::ZERO,
            purchase_amount_expected: Decimal::ZERO,
            purchase_amount_actual: Decimal::ZERO,
            adjustment: true,
            applies_to_entry: None,
            valued_by_average_cost: base.valued_by_average_cost,
            partial_revaluation: false,
            item_charge_no: None,
            source_line: self.source.clone(),
            ..base.clone()
        }
    }

    /// The adjusted entry's date when it is open for posting, else the first allowed date
    /// (spec §5.9): adjustment may land in a later period than the change that caused it.
    fn allowed_posting_date(&self, date: NaiveDate) -> NaiveDate {
        match self.first_allowed_date {
            Some(first) if date < first => first,
            _ => date,
        }
    }

    fn insert_adjustment_entry(&mut self, mut entry: ValueEntry) {
        entry.set_cost_per_unit(&self.rounding);
        let (item, amount) = (
            entry.item,
            entry.cost_amount_actual + entry.cost_amount_expected,
        );
        // A changed cost re-opens the average of its period and the later ones (spec §1.4).
        let entry_point = self.ledger.entry_point_of(&entry);
        self.ledger.insert_value_entry(entry);
        self.ledger
            .update_item_cost_state(item, |state| state.inventory_cost += amount);
        if let Some(key) = entry_point {
            self.ledger.reset_entry_point(key);
        }
        self.note_adjusted(item, amount);
    }
}
