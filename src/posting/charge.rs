//! Item charges: freight, duty and the like, invoiced after the goods and assigned to item ledger
//! entries. A charge is actual direct cost at once, even on an un-invoiced receipt (oracle §5.12).

use std::collections::BTreeSet;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::line::LinePosting;
use super::PostingError;
use crate::config::CostingMethod;
use crate::ledger::{CostEntryType, ItemLedgerEntry, ItemLedgerEntryType, VarianceType};

impl LinePosting<'_> {
    /// Splits `amount` over the assigned entries by quantity (the rounding residual goes to the
    /// last one) and posts one item-charge value entry on each. On inbound entries the charge is
    /// inventory cost (offset by a purchase variance for Standard items); on outbound entries it is
    /// non-inventoriable cost (spec §1.2 "Cost Amount (Non-Invtbl.)").
    pub fn item_charge(
        &mut self,
        item_charge_no: &str,
        amount: Decimal,
        entry_nos: &[u64],
    ) -> Result<(), PostingError> {
        let field = "assign_to_entry_nos";
        if item_charge_no.trim().is_empty() {
            return Err(self.error(
                "item_charge_no",
                "is empty; name the item charge (e.g. FREIGHT)".into(),
            ));
        }
        if entry_nos.is_empty() {
            return Err(self.error(
                field,
                "names no item ledger entry; assign the charge to at least one".into(),
            ));
        }
        let mut seen = BTreeSet::new();
        let mut entries = Vec::with_capacity(entry_nos.len());
        for &entry_no in entry_nos {
            if !seen.insert(entry_no) {
                return Err(self.error(field, format!("names item ledger entry {entry_no} twice")));
            }
            let Some(entry) = self.ledger.item_ledger_entry(entry_no) else {
                return Err(self.error(
                    field,
                    format!("item ledger entry {entry_no} does not exist"),
                ));
            };
            entries.push(entry.clone());
        }
        let total_quantity: Decimal = entries.iter().map(|entry| entry.quantity.abs()).sum();
        let charge_no: Arc<str> = Arc::from(item_charge_no);
        let mut assigned_quantity = Decimal::ZERO;
        let mut assigned_amount = Decimal::ZERO;
        for entry in &entries {
            assigned_quantity += entry.quantity.abs();
            let cumulative = self
                .rounding
                .amount(amount * assigned_quantity / total_quantity);
            let share = cumulative - assigned_amount;
            assigned_amount = cumulative;
            self.post_charge_share(entry, &charge_no, share);
        }
        debug_assert_eq!(assigned_amount, self.rounding.amount(amount));
        Ok(())
    }

    fn post_charge_share(&mut self, entry: &ItemLedgerEntry, charge_no: &Arc<str>, share: Decimal) {
        let item = self.resolved_item(entry.item);
        let mut value = self.new_value_entry(entry, &item, CostEntryType::DirectCost);
        value.item_charge_no = Some(charge_no.clone());
        value.valued_quantity = entry.quantity;
        value.inventory_posting_group =
            self.last_direct_cost_posting_group(entry.entry_no, &item.inventory_posting_group);
        if entry.quantity > Decimal::ZERO {
            value.cost_amount_actual = share;
            value.purchase_amount_actual = share;
        } else {
            value.cost_amount_non_invtbl = share;
        }
        self.insert_value_entry(value);
        // Standard items keep purchases at standard: the charge goes to purchase variance
        // (spec §6.3). On other inbound entries it stays cost until adjustment.
        if entry.quantity > Decimal::ZERO
            && entry.entry_type == ItemLedgerEntryType::Purchase
            && item.costing_method == CostingMethod::Standard
            && !share.is_zero()
        {
            let mut variance = self.new_value_entry(entry, &item, CostEntryType::Variance);
            variance.variance_type = Some(VarianceType::Purchase);
            variance.valued_quantity = entry.quantity;
            variance.cost_amount_actual = -share;
            self.insert_value_entry(variance);
        }
        if entry.quantity > Decimal::ZERO && entry.remaining_quantity != entry.quantity {
            self.flag_applied_entry_to_adjust(entry.entry_no);
        }
    }

    /// Item charges and non-direct entries take the inventory posting group of the entry's last
    /// direct-cost value entry (spec §1.2).
    pub fn last_direct_cost_posting_group(&self, ile_no: u64, fallback: &Arc<str>) -> Arc<str> {
        self.ledger
            .value_entries_of(ile_no)
            .filter(|value| value.entry_type == CostEntryType::DirectCost)
            .last()
            .map_or_else(
                || fallback.clone(),
                |value| value.inventory_posting_group.clone(),
            )
    }
}
