//! Revaluation journal lines (spec §7) and standard cost changes.
//!
//! "Calculate Inventory Value" and the posting happen together: the revaluable quantity is
//! computed on the line's posting date, and the revalued value is spread over the eligible
//! inbound entries by their remaining quantity, with the rounding residual carried so the parts
//! add up exactly.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::line::{LinePosting, ResolvedItem};
use super::{PostingError, RevaluationOutcome};
use crate::config::CostingMethod;
use crate::journal::{RevaluationScope, RevaluationTarget};
use crate::ledger::{CostEntryType, ItemLedgerEntry};

/// One inbound entry's share of a revaluation.
struct RevaluableEntry {
    entry: ItemLedgerEntry,
    /// Remaining quantity on the revaluation date.
    quantity: Decimal,
    /// Its calculated inventory value on the revaluation date.
    value: Decimal,
}

impl LinePosting<'_> {
    pub fn revaluation(
        &mut self,
        item_no: &str,
        scope: &RevaluationScope,
        target: RevaluationTarget,
    ) -> Result<RevaluationOutcome, PostingError> {
        let item = self.resolve_item(item_no)?;
        let date = self.line.posting_date;
        if let RevaluationScope::AppliesTo { entry_no } = scope {
            return self.applies_to_revaluation(item_no, &item, *entry_no, target);
        }
        let average = item.costing_method == CostingMethod::Average;
        if average {
            self.check_average_revaluation(item_no, scope, date)?;
        }
        let revaluable = match scope {
            RevaluationScope::Item { location } => {
                let location = match location {
                    Some(code) => Some(self.resolve_location("location", code)?),
                    None => None,
                };
                self.ledger
                    .item_ledger_entries()
                    .iter()
                    .filter(|entry| {
                        entry.item == item.id && location.is_none_or(|l| entry.location == l)
                    })
                    .filter_map(|entry| self.revaluable_entry(entry, &item, date))
                    .collect::<Vec<_>>()
            }
            RevaluationScope::Entry { entry_no } => {
                vec![self.revaluable_single_entry(*entry_no, &item, date)?]
            }
            RevaluationScope::AppliesTo { .. } => unreachable!("handled above"),
        };
        let quantity: Decimal = revaluable.iter().map(|part| part.quantity).sum();
        if quantity.is_zero() {
            return Err(self.error(
                "item",
                format!("item {item_no} has no revaluable quantity on {date} (nothing invoiced and on hand)"),
            ));
        }
        let mut revaluable = revaluable;
        if average {
            // An Average item's calculated value is its revaluable quantity at the item's
            // average unit cost on the date, not the open entries' own costs; the whole amount
            // is spread over the open entries, the last one taking what remains (spec §7.2).
            let location = match scope {
                RevaluationScope::Item {
                    location: Some(code),
                } => Some(self.resolve_location("location", code)?),
                _ => None,
            };
            let unit_cost = self.average_unit_cost_on(item.id, location, date);
            let calculated = self.rounding.amount(unit_cost * quantity);
            let mut spread_quantity = Decimal::ZERO;
            let mut spread_value = Decimal::ZERO;
            for part in &mut revaluable {
                spread_quantity += part.quantity;
                let cumulative = self
                    .rounding
                    .amount(calculated * spread_quantity / quantity);
                part.value = cumulative - spread_value;
                spread_value = cumulative;
            }
        }
        let calculated_value: Decimal = revaluable.iter().map(|part| part.value).sum();
        let revalued_value = self.revalued_value(target, quantity)?;
        let mut spread_quantity = Decimal::ZERO;
        let mut spread_value = Decimal::ZERO;
        for part in &revaluable {
            spread_quantity += part.quantity;
            let cumulative = self
                .rounding
                .amount(revalued_value * spread_quantity / quantity);
            let new_value = cumulative - spread_value;
            spread_value = cumulative;
            self.post_revaluation_entry(part, &item, new_value - part.value);
        }
        Ok(RevaluationOutcome {
            revalued_quantity: quantity,
            calculated_value,
            amount: revalued_value - calculated_value,
        })
    }

    /// A hand-entered revaluation line for one entry (Applies-to Entry; spec §7.10): the entry's
    /// whole invoiced quantity, even when it is closed, from its actual cost without expected
    /// cost and without partial revaluations; valued on the entry's posting date and not
    /// partial, so cost adjustment forwards it to every outbound applied to the entry.
    fn applies_to_revaluation(
        &mut self,
        item_no: &str,
        item: &ResolvedItem,
        entry_no: u64,
        target: RevaluationTarget,
    ) -> Result<RevaluationOutcome, PostingError> {
        let field = "entry_no";
        let Some(entry) = self.ledger.item_ledger_entry(entry_no).cloned() else {
            return Err(self.error(
                field,
                format!("item ledger entry {entry_no} does not exist"),
            ));
        };
        if entry.item != item.id || entry.quantity <= Decimal::ZERO {
            return Err(self.error(
                field,
                format!("item ledger entry {entry_no} is not an inbound entry of item {item_no}"),
            ));
        }
        if item.costing_method == CostingMethod::Average
            && self
                .ledger
                .entries_of_item(item.id)
                .flat_map(|other| self.ledger.value_entries_of(other.entry_no))
                .any(|value| {
                    value.entry_type == CostEntryType::Revaluation && value.partial_revaluation
                })
        {
            return Err(self.error(
                "revalue",
                format!(
                    "item {item_no} uses Average cost and has been revalued by Calculate \
                     Inventory Value: an applies-to revaluation line is refused from then on \
                     (as Business Central does); revalue the item per item instead"
                ),
            ));
        }
        let quantity = entry.invoiced_quantity;
        if quantity <= Decimal::ZERO {
            return Err(self.error(
                field,
                format!("item ledger entry {entry_no} has no invoiced quantity to revalue"),
            ));
        }
        let calculated_value: Decimal = self
            .ledger
            .value_entries_of(entry_no)
            .filter(|value| {
                !(value.entry_type == CostEntryType::Revaluation && value.partial_revaluation)
            })
            .map(|value| value.cost_amount_actual)
            .sum();
        let revalued_value = self.revalued_value(target, quantity)?;
        let amount = revalued_value - calculated_value;
        if !amount.is_zero() {
            let mut value = self.new_value_entry(&entry, item, CostEntryType::Revaluation);
            value.valuation_date = entry.posting_date;
            value.valued_quantity = quantity;
            value.partial_revaluation = false;
            value.inventory_posting_group =
                self.last_direct_cost_posting_group(entry_no, &item.inventory_posting_group);
            value.cost_amount_actual = amount;
            self.insert_value_entry(value);
            if entry.remaining_quantity != entry.quantity {
                self.flag_applied_entry_to_adjust(entry_no);
            }
        }
        Ok(RevaluationOutcome {
            revalued_quantity: quantity,
            calculated_value,
            amount,
        })
    }

    /// The value the line asks for `quantity`: its unit cost × quantity, or its inventory
    /// value, rounded to the amount precision.
    fn revalued_value(
        &self,
        target: RevaluationTarget,
        quantity: Decimal,
    ) -> Result<Decimal, PostingError> {
        Ok(match target {
            RevaluationTarget::UnitCost(unit_cost) => {
                self.check_not_negative("unit_cost_revalued", unit_cost)?;
                self.rounding.amount(unit_cost * quantity)
            }
            RevaluationTarget::InventoryValue(value) => {
                self.check_not_negative("inventory_value_revalued", value)?;
                self.rounding.amount(value)
            }
        })
    }

    /// What Business Central refuses for an Average item (spec §7.2, cu 23 Item Jnl.-Post Batch):
    /// a revaluation per entry, and one per item on a date that is not the end of an average
    /// cost period.
    fn check_average_revaluation(
        &self,
        item_no: &str,
        scope: &RevaluationScope,
        date: NaiveDate,
    ) -> Result<(), PostingError> {
        if let RevaluationScope::Entry { .. } = scope {
            return Err(self.error(
                "revalue",
                format!(
                    "item {item_no} uses Average cost: Calculate Inventory Value revalues it per \
                     item only; write `revalue` = \"item\""
                ),
            ));
        }
        let setup = &self.ledger.config().inventory_setup;
        let period_end = crate::ledger::period::average_period_end(
            date,
            setup.average_cost_period,
            &setup.accounting_periods,
        );
        if period_end != date {
            return Err(self.error(
                "posting_date",
                format!(
                    "item {item_no} uses Average cost: it can be revalued only at the end of an \
                     average cost period; {date} is not one (its period ends on {period_end})"
                ),
            ));
        }
        Ok(())
    }

    /// The average unit cost of `item` (at `location`, if given) on `date`: the actual cost of
    /// its value entries valued on or before `date` over their invoiced quantity (report 5899
    /// CalcAverageUnitCost; its correction for transfers not completely invoiced is left out:
    /// a transfer is invoiced when it is posted here).
    fn average_unit_cost_on(
        &self,
        item: crate::ledger::ItemId,
        location: Option<crate::ledger::LocationId>,
        date: NaiveDate,
    ) -> Decimal {
        let (mut cost, mut quantity) = (Decimal::ZERO, Decimal::ZERO);
        for entry in self
            .ledger
            .entries_of_item(item)
            .filter(|entry| location.is_none_or(|location| entry.location == location))
        {
            for value in self
                .ledger
                .value_entries_of(entry.entry_no)
                .filter(|value| value.valuation_date <= date)
            {
                // An entry posted after the date but valued on or before it (a back-dated
                // posting) is left out, revaluations and item charges apart (report 5899
                // CalcAverageUnitCost).
                let posted_later = value.posting_date > date
                    && value.entry_type != CostEntryType::Revaluation
                    && value.item_charge_no.is_none();
                if posted_later {
                    continue;
                }
                cost += value.cost_amount_actual;
                quantity += value.invoiced_quantity;
            }
        }
        if quantity.is_zero() {
            return Decimal::ZERO;
        }
        // Unrounded: only the calculated value (unit cost × quantity) is rounded. A negative
        // average counts as zero, as in Business Central.
        (cost / quantity).max(Decimal::ZERO)
    }

    /// An inbound entry's revaluable quantity and value on `date` (spec §7.2): completely
    /// invoiced by then (Standard items: received by then), remaining quantity counted back from
    /// the applications dated on or before `date`.
    fn revaluable_entry(
        &self,
        entry: &ItemLedgerEntry,
        item: &ResolvedItem,
        date: NaiveDate,
    ) -> Option<RevaluableEntry> {
        if entry.quantity <= Decimal::ZERO || entry.posting_date > date {
            return None;
        }
        let invoiced_in_time =
            entry.completely_invoiced && entry.last_invoice_date.is_some_and(|last| last <= date);
        if !invoiced_in_time && item.costing_method != CostingMethod::Standard {
            return None;
        }
        let applied_by_date: Decimal = self
            .ledger
            .applications_of(entry.entry_no)
            .filter(|row| {
                row.inbound_item_entry_no == entry.entry_no
                    && row.is_quantity_application()
                    && row.posting_date <= date
            })
            .map(|row| row.quantity)
            .sum();
        let quantity = entry.quantity + applied_by_date;
        if quantity <= Decimal::ZERO {
            return None;
        }
        // The entry's own cost is spread over its quantity; each earlier revaluation counts per
        // unit of the quantity it revalued, never spread over the entry's full quantity (spec
        // §7.2, corrected 2026-12; report 5899 Calculate Inventory Value): +5 @20, 1 sold, the 4
        // left revalued +20, 2 more sold: the 2 left are worth 2 × 20 + 2 × 20/4 = 50.
        let mut own_cost = Decimal::ZERO;
        let mut revalued = Decimal::ZERO;
        for value in self
            .ledger
            .value_entries_of(entry.entry_no)
            .filter(|value| value.posting_date <= date)
        {
            let cost = value.cost_amount_actual + value.cost_amount_expected;
            if value.entry_type == CostEntryType::Revaluation && !value.valued_quantity.is_zero() {
                revalued += cost / value.valued_quantity;
            } else {
                own_cost += cost;
            }
        }
        let value = self
            .rounding
            .amount(own_cost * quantity / entry.quantity + revalued * quantity);
        Some(RevaluableEntry {
            entry: entry.clone(),
            quantity,
            value,
        })
    }

    fn revaluable_single_entry(
        &self,
        entry_no: u64,
        item: &ResolvedItem,
        date: NaiveDate,
    ) -> Result<RevaluableEntry, PostingError> {
        let field = "entry_no";
        let Some(entry) = self.ledger.item_ledger_entry(entry_no) else {
            return Err(self.error(
                field,
                format!("item ledger entry {entry_no} does not exist"),
            ));
        };
        if entry.item != item.id {
            return Err(self.error(
                field,
                format!(
                    "item ledger entry {entry_no} is of item {}, not {}",
                    self.item_no(entry.item),
                    self.item_no(item.id)
                ),
            ));
        }
        self.revaluable_entry(entry, item, date).ok_or_else(|| {
            self.error(
                field,
                format!("item ledger entry {entry_no} has nothing to revalue on {date}: it must be inbound, invoiced and on hand then"),
            )
        })
    }

    /// Posts one revaluation value entry; for Standard items the not-invoiced share of the amount
    /// is expected cost (interim revaluation).
    fn post_revaluation_entry(
        &mut self,
        part: &RevaluableEntry,
        item: &ResolvedItem,
        amount: Decimal,
    ) {
        if amount.is_zero() {
            return;
        }
        let entry = &part.entry;
        let mut value = self.new_value_entry(entry, item, CostEntryType::Revaluation);
        let direct_date = self
            .ledger
            .direct_cost_valuation_date(entry.entry_no)
            .unwrap_or(entry.posting_date);
        value.valuation_date = self.line.posting_date.max(direct_date);
        value.valued_quantity = part.quantity;
        // Calculate Inventory Value always marks its revaluations partial, whatever the
        // quantity (report 5899; spec §7.4, corrected 2026-12).
        value.partial_revaluation = true;
        value.inventory_posting_group =
            self.last_direct_cost_posting_group(entry.entry_no, &item.inventory_posting_group);
        let not_invoiced = entry.quantity - entry.invoiced_quantity;
        let expected = if item.costing_method == CostingMethod::Standard && !not_invoiced.is_zero()
        {
            self.rounding.amount(amount * not_invoiced / entry.quantity)
        } else {
            Decimal::ZERO
        };
        value.cost_amount_expected = expected;
        value.cost_amount_actual = amount - expected;
        self.insert_value_entry(value);
        if entry.remaining_quantity != entry.quantity {
            self.flag_applied_entry_to_adjust(entry.entry_no);
        }
    }

    /// Changes the item-card standard cost (and, for Standard items, the unit cost). No entries.
    pub fn standard_cost_change(
        &mut self,
        item_no: &str,
        new_standard_cost: Decimal,
    ) -> Result<(), PostingError> {
        let item = self.resolve_item(item_no)?;
        self.check_not_negative("new_standard_cost", new_standard_cost)?;
        let is_standard = item.costing_method == CostingMethod::Standard;
        self.ledger.update_item_cost_state(item.id, |state| {
            state.standard_cost = new_standard_cost;
            if is_standard {
                state.unit_cost = new_standard_cost;
            }
        });
        Ok(())
    }
}
