//! Average cost (spec §5.6): every average-valued outbound entry of a bucket and average-cost
//! period gets the period's average — (value at the start of the period + inbound value of the
//! period) / (quantity at the start + inbound quantity) — drawn from the pool entry by entry in
//! entry-number order, with the rounding residual carried to the next entry.
//!
//! One pass per bucket walks the periods in date order with a running pool: the value entries
//! of every other entry are added as their valuation dates come due, and each period's average
//! outbounds leave the pool at the cost they are given. The pass is O(entries × log entries) for
//! the bucket, however many periods it spans.

use std::collections::BTreeMap;

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

/// An average-valued outbound entry waiting to be drawn in its period.
#[derive(Debug, Clone, Copy)]
struct DrawnOutbound {
    entry_no: u64,
    quantity: Decimal,
    /// Under calc type Item a transfer moves stock inside the pool: valued at the average but
    /// not drawn from it.
    internal_transfer: bool,
}

impl Adjuster<'_> {
    /// Values the average outbound entries of every period from the earliest unadjusted entry
    /// point on; true when some cost changed.
    pub(super) fn adjust_average_cost(&mut self, item: ItemId) -> bool {
        let Some(from) = self.earliest_unadjusted_period_end(item) else {
            return false;
        };
        let mut buckets: BTreeMap<AverageBucket, Vec<ItemLedgerEntry>> = BTreeMap::new();
        for entry in self.ledger.entries_of_item(item) {
            buckets
                .entry(self.bucket_of(entry))
                .or_default()
                .push(entry.clone());
        }
        let mut changed = false;
        for (bucket, members) in buckets {
            changed |= self.value_bucket(&bucket, &members, from);
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

    /// Walks the periods of one bucket from `from` on, drawing each period's average outbounds.
    fn value_bucket(
        &mut self,
        bucket: &AverageBucket,
        members: &[ItemLedgerEntry],
        from: NaiveDate,
    ) -> bool {
        let whole_item = bucket.location.is_none();
        let mut periods: BTreeMap<NaiveDate, Vec<DrawnOutbound>> = BTreeMap::new();
        // Quantity and cost that enter the pool on each valuation date.
        let mut arrivals: BTreeMap<NaiveDate, (Decimal, Decimal)> = BTreeMap::new();
        for entry in members {
            let internal_transfer = whole_item && entry.entry_type == ItemLedgerEntryType::Transfer;
            let period_end = self.period_end(self.valuation_date(entry.entry_no));
            if self.is_average_outbound(entry) && period_end >= from {
                let drawn = DrawnOutbound {
                    entry_no: entry.entry_no,
                    quantity: entry.quantity,
                    internal_transfer,
                };
                periods.entry(period_end).or_default().push(drawn);
                continue;
            }
            if internal_transfer {
                continue;
            }
            for value in self.ledger.value_entries_of(entry.entry_no) {
                let arrival = arrivals.entry(value.valuation_date).or_default();
                arrival.0 += value.item_ledger_entry_quantity;
                arrival.1 += value.cost_amount_actual + value.cost_amount_expected;
            }
        }
        let mut changed = false;
        let (mut pool_quantity, mut pool_cost) = (Decimal::ZERO, Decimal::ZERO);
        let mut arrivals = arrivals.into_iter().peekable();
        for (period_end, outbounds) in periods {
            while let Some((_, (quantity, cost))) =
                arrivals.next_if(|(date, _)| *date <= period_end)
            {
                pool_quantity += quantity;
                pool_cost += cost;
            }
            let mut residual = Decimal::ZERO;
            for outbound in outbounds {
                if pool_quantity <= Decimal::ZERO {
                    continue;
                }
                let raw = pool_cost * outbound.quantity / pool_quantity;
                let new_cost = if outbound.internal_transfer {
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
