//! Average cost (spec §5.6): every average-valued outbound entry of a bucket and average-cost
//! period gets the period's average — (value at the start of the period + inbound value of the
//! period) / (quantity at the start + inbound quantity) — drawn from the pool entry by entry in
//! entry-number order, with the rounding residual carried to the next entry.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Adjuster;
use crate::config::AverageCostCalcType;
use crate::ledger::period::average_period_end;
use crate::ledger::{Code, ItemId, ItemLedgerEntry, ItemLedgerEntryType, LocationId};

/// The pool an average is drawn from: a bucket of one item (the whole item, or one location and
/// variant), depending on the calc type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct AverageBucket {
    location: Option<LocationId>,
    variant_code: Option<Code>,
}

impl Adjuster<'_> {
    /// Values the average outbound entries of every period from the earliest unadjusted entry
    /// point on; true when some cost changed.
    pub(super) fn adjust_average_cost(&mut self, item: ItemId) -> bool {
        let Some(from) = self.earliest_unadjusted_period_end(item) else {
            return false;
        };
        let mut changed = false;
        let mut periods: BTreeSet<(NaiveDate, AverageBucket)> = BTreeSet::new();
        for entry in self.ledger.entries_of_item(item) {
            if self.is_average_outbound(entry) {
                let period_end = self.period_end(self.valuation_date(entry.entry_no));
                if period_end >= from {
                    periods.insert((period_end, self.bucket_of(entry)));
                }
            }
        }
        for (period_end, bucket) in periods {
            changed |= self.value_period(item, &bucket, period_end);
        }
        changed
    }

    fn earliest_unadjusted_period_end(&self, item: ItemId) -> Option<NaiveDate> {
        self.ledger
            .entry_points()
            .iter()
            .filter(|(key, adjusted)| key.item == item && !**adjusted)
            .map(|(key, _)| self.period_end(key.valuation_date))
            .min()
    }

    /// Draws every average outbound of one bucket and period from the pool.
    fn value_period(
        &mut self,
        item: ItemId,
        bucket: &AverageBucket,
        period_end: NaiveDate,
    ) -> bool {
        let whole_item = bucket.location.is_none();
        let members: Vec<ItemLedgerEntry> = self
            .ledger
            .entries_of_item(item)
            .filter(|entry| self.bucket_of(entry) == *bucket)
            .cloned()
            .collect();
        let in_period = |adjuster: &Self, entry: &ItemLedgerEntry| {
            adjuster.period_end(adjuster.valuation_date(entry.entry_no)) == period_end
        };
        let drawn: Vec<&ItemLedgerEntry> = members
            .iter()
            .filter(|entry| self.is_average_outbound(entry) && in_period(self, entry))
            .collect();
        // Under calc type Item a transfer moves stock inside the pool: both legs stay out of it.
        let is_internal_transfer = |entry: &ItemLedgerEntry| {
            whole_item && entry.entry_type == ItemLedgerEntryType::Transfer
        };
        let drawn_nos: BTreeSet<u64> = drawn.iter().map(|entry| entry.entry_no).collect();
        let (mut pool_quantity, mut pool_cost) = (Decimal::ZERO, Decimal::ZERO);
        for entry in &members {
            if drawn_nos.contains(&entry.entry_no) || is_internal_transfer(entry) {
                continue;
            }
            for value in self.ledger.value_entries_of(entry.entry_no) {
                if value.valuation_date <= period_end {
                    pool_quantity += value.item_ledger_entry_quantity;
                    pool_cost += value.cost_amount_actual + value.cost_amount_expected;
                }
            }
        }
        let mut changed = false;
        let mut residual = Decimal::ZERO;
        for outbound in drawn {
            if pool_quantity <= Decimal::ZERO {
                continue;
            }
            let raw = pool_cost * outbound.quantity / pool_quantity;
            let new_cost = if is_internal_transfer(outbound) {
                self.rounding.amount(raw)
            } else {
                let new_cost = self.rounding.amount(raw + residual);
                residual = raw + residual - new_cost;
                pool_cost += new_cost;
                pool_quantity += outbound.quantity;
                new_cost
            };
            if self.set_entry_cost(outbound.entry_no, new_cost) {
                changed = true;
                self.forward_applied_cost(outbound.entry_no);
            }
        }
        changed
    }

    /// An outbound entry valued by the periodic average: not fixed-applied.
    fn is_average_outbound(&self, entry: &ItemLedgerEntry) -> bool {
        entry.quantity < Decimal::ZERO
            && self
                .ledger
                .value_entries_of(entry.entry_no)
                .next()
                .is_some_and(|value| value.valued_by_average_cost)
    }

    fn bucket_of(&self, entry: &ItemLedgerEntry) -> AverageBucket {
        match self.ledger.config().inventory_setup.average_cost_calc_type {
            AverageCostCalcType::Item => AverageBucket {
                location: None,
                variant_code: None,
            },
            AverageCostCalcType::ItemLocationVariant => AverageBucket {
                location: Some(entry.location),
                variant_code: Some(entry.variant_code.clone()),
            },
        }
    }

    fn valuation_date(&self, entry_no: u64) -> NaiveDate {
        self.ledger
            .direct_cost_valuation_date(entry_no)
            .expect("entry has value entries")
    }

    fn period_end(&self, date: NaiveDate) -> NaiveDate {
        let setup = &self.ledger.config().inventory_setup;
        average_period_end(date, setup.average_cost_period, &setup.accounting_periods)
    }
}
