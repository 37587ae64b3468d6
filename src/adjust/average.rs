//! Average cost (spec §5.6): every average-valued outbound entry of a bucket and average-cost
//! period gets the period's average — (value at the start of the period + inbound value of the
//! period) / (quantity at the start + inbound quantity) — drawn from the pool entry by entry in
//! entry-number order, with the rounding residual carried to the next entry.
//!
//! One pass per bucket walks the periods in date order with a running pool: the value entries
//! of every other entry are added as their valuation dates come due, and each period's average
//! outbounds leave the pool at the cost they are given. The pass is O(entries × log entries) for
//! the bucket, however many periods it spans.

use std::collections::{BTreeMap, BTreeSet};

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

/// An outbound entry valued in its period, in entry-number order.
#[derive(Debug, Clone, Copy)]
struct DrawnOutbound {
    entry_no: u64,
    quantity: Decimal,
    kind: DrawKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DrawKind {
    /// Drawn from the pool at the average, the residual carried to the next.
    Average,
    /// Under calc type Item a transfer moves stock inside the pool: valued at the period's
    /// average, not drawn.
    InternalTransfer,
    /// Fixed to the receipt of an internal transfer (which is outside the pool): takes that
    /// receipt's cost and draws it from the pool.
    FixedToTransferReceipt { receipt: u64 },
}

/// How the members of a bucket take part in one valuation pass.
#[derive(Default)]
struct BucketPlan {
    /// Average-valued (and linked) outbounds per period end.
    periods: BTreeMap<NaiveDate, Vec<DrawnOutbound>>,
    /// Quantity and cost that enter the pool on each date.
    arrivals: BTreeMap<NaiveDate, (Decimal, Decimal)>,
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
        let plan = self.plan_bucket(bucket, members, from);
        let mut changed = false;
        let (mut pool_quantity, mut pool_cost) = (Decimal::ZERO, Decimal::ZERO);
        let mut arrivals = plan.arrivals.into_iter().peekable();
        for (period_end, outbounds) in plan.periods {
            while let Some((_, (quantity, cost))) =
                arrivals.next_if(|(date, _)| *date <= period_end)
            {
                pool_quantity += quantity;
                pool_cost += cost;
            }
            // Drawing at the average keeps the average: transfers inside the pool take the
            // period's average as it stood before the first draw, even if the pool runs dry.
            let Some(period_average) =
                (pool_quantity > Decimal::ZERO).then(|| pool_cost / pool_quantity)
            else {
                continue;
            };
            let mut residual = Decimal::ZERO;
            for outbound in outbounds {
                let new_cost = match outbound.kind {
                    DrawKind::InternalTransfer => {
                        self.rounding.amount(period_average * outbound.quantity)
                    }
                    DrawKind::FixedToTransferReceipt { receipt } => {
                        let Some(cost) = self.linked_cost(receipt, outbound.quantity) else {
                            continue;
                        };
                        pool_cost += cost;
                        pool_quantity += outbound.quantity;
                        cost
                    }
                    DrawKind::Average if pool_quantity > Decimal::ZERO => {
                        let raw = pool_cost * outbound.quantity / pool_quantity + residual;
                        let new_cost = self.rounding.amount(raw);
                        residual = raw - new_cost;
                        pool_cost += new_cost;
                        pool_quantity += outbound.quantity;
                        new_cost
                    }
                    DrawKind::Average => continue,
                };
                if self.set_entry_cost(outbound.entry_no, new_cost) {
                    changed = true;
                    self.forward_applied_cost(outbound.entry_no);
                }
            }
        }
        changed
    }

    /// Sorts the members of a bucket into what is drawn per period and what arrives when.
    fn plan_bucket(
        &self,
        bucket: &AverageBucket,
        members: &[ItemLedgerEntry],
        from: NaiveDate,
    ) -> BucketPlan {
        let whole_item = bucket.location.is_none();
        let left_out: BTreeSet<u64> = members
            .iter()
            .filter(|entry| self.left_out_of_pool(entry, whole_item))
            .map(|entry| entry.entry_no)
            .collect();
        let followers = self.cost_followers(members);
        let mut plan = BucketPlan::default();
        for entry in members {
            if left_out.contains(&entry.entry_no) {
                continue;
            }
            let period_end = self.period_end(self.valuation_date(entry.entry_no));
            let fixed_to_receipt = entry
                .applies_to_entry
                .filter(|target| left_out.contains(target));
            let kind = match fixed_to_receipt {
                Some(receipt) if entry.quantity < Decimal::ZERO => {
                    Some(DrawKind::FixedToTransferReceipt { receipt })
                }
                _ if self.is_average_outbound(entry)
                    && whole_item
                    && entry.entry_type == ItemLedgerEntryType::Transfer =>
                {
                    Some(DrawKind::InternalTransfer)
                }
                _ if self.is_average_outbound(entry) => Some(DrawKind::Average),
                _ => None,
            };
            if let Some(kind) = kind {
                if period_end >= from {
                    let drawn = DrawnOutbound {
                        entry_no: entry.entry_no,
                        quantity: entry.quantity,
                        kind,
                    };
                    plan.periods.entry(period_end).or_default().push(drawn);
                    continue;
                }
                if kind == DrawKind::InternalTransfer {
                    continue;
                }
            }
            // Entries whose cost comes from an average outbound of this bucket (a return that
            // reverses it exactly, an outbound fixed to that return...) join the pool only after
            // their period is valued, or the outbound's average would depend on itself.
            let follows_drawn = followers.contains(&entry.entry_no);
            for value in self.ledger.value_entries_of(entry.entry_no) {
                let date = if follows_drawn {
                    let end = self.period_end(value.valuation_date);
                    end.succ_opt().unwrap_or(end)
                } else {
                    value.valuation_date
                };
                let arrival = plan.arrivals.entry(date).or_default();
                arrival.0 += value.item_ledger_entry_quantity;
                arrival.1 += value.cost_amount_actual + value.cost_amount_expected;
            }
        }
        plan
    }

    /// The cost of `quantity` (negative) taken from an inbound entry at its exact cost.
    fn linked_cost(&self, inbound_no: u64, quantity: Decimal) -> Option<Decimal> {
        let inbound = self.ledger.item_ledger_entry(inbound_no)?;
        Some(
            self.rounding
                .amount(self.entry_cost(inbound_no) * quantity / inbound.quantity),
        )
    }

    /// Entries that neither feed the pool nor are drawn from it: open average outbounds (negative
    /// inventory waits for its source, spec §5.6) and, under calc type Item, the inbound leg of a
    /// transfer (the outbound leg is valued at the average and carries its cost to it).
    fn left_out_of_pool(&self, entry: &ItemLedgerEntry, whole_item: bool) -> bool {
        let open_average_outbound = self.is_average_outbound(entry) && entry.is_open();
        let transfer_receipt = whole_item
            && entry.entry_type == ItemLedgerEntryType::Transfer
            && entry.quantity > Decimal::ZERO;
        open_average_outbound || transfer_receipt
    }

    /// The members whose cost follows an average outbound of the bucket through fixed links:
    /// exact-cost returns of it, outbounds fixed to those returns, their returns, and so on.
    /// Bounded by the number of members: each round adds at least one or stops.
    fn cost_followers(&self, members: &[ItemLedgerEntry]) -> BTreeSet<u64> {
        let mut sources: BTreeSet<u64> = members
            .iter()
            .filter(|entry| self.is_average_outbound(entry))
            .map(|entry| entry.entry_no)
            .collect();
        let mut followers = BTreeSet::new();
        for _ in 0..=members.len() {
            let found: Vec<u64> = members
                .iter()
                .filter(|entry| {
                    !followers.contains(&entry.entry_no) && !sources.contains(&entry.entry_no)
                })
                .filter(|entry| {
                    entry
                        .applies_to_entry
                        .is_some_and(|linked| sources.contains(&linked))
                })
                .map(|entry| entry.entry_no)
                .collect();
            if found.is_empty() {
                break;
            }
            followers.extend(found.iter().copied());
            sources.extend(found);
        }
        followers
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
