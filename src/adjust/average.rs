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
use crate::ledger::{
    Code, CostEntryType, ItemId, ItemLedgerEntry, ItemLedgerEntryType, LocationId, ValueEntry,
};

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
    /// Entries whose cost follows a drawn outbound (its exact-cost returns, outbounds fixed to
    /// those...): they join the pool right after that outbound is drawn, so the outbound's own
    /// chain is left out of its average (spec §5.6) but not out of the others'.
    followers: BTreeMap<u64, Vec<u64>>,
    /// Partial revaluations (Calculate Inventory Value) valued in a period that has outbounds
    /// to draw, as (value entry no., cost), in entry order: each joins the pool only for the
    /// outbounds whose first value entry was posted after it, and for the later periods
    /// (spec §7.9, corrected 2026-12; cu 5895 ExcludeAvgCostOnValuationDate).
    gated: BTreeMap<NaiveDate, Vec<(u64, Decimal)>>,
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
            .entry_points_of_item(item)
            .filter(|(_, adjusted)| !**adjusted)
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
        let mut gated = plan.gated;
        for (period_end, outbounds) in plan.periods {
            while let Some((_, (quantity, cost))) =
                arrivals.next_if(|(date, _)| *date <= period_end)
            {
                pool_quantity += quantity;
                pool_cost += cost;
            }
            let mut revaluations = gated.remove(&period_end).unwrap_or_default();
            changed |= self.value_period(
                outbounds,
                &plan.followers,
                period_end,
                &mut revaluations,
                &mut pool_quantity,
                &mut pool_cost,
            );
            // What no outbound of the period took in is in the pool for the later periods.
            pool_cost += revaluations.iter().map(|(_, cost)| *cost).sum::<Decimal>();
        }
        changed
    }

    /// Values one period's outbounds against the pool as it stands at the period's end:
    /// transfers inside the pool first, at the period's average; then the outbounds fixed to
    /// their receipts leave the pool as a pair (spec §5.6); then the average outbounds are drawn
    /// in entry order, each rounding residual carried to the next.
    fn value_period(
        &mut self,
        outbounds: Vec<DrawnOutbound>,
        followers: &BTreeMap<u64, Vec<u64>>,
        period_end: NaiveDate,
        revaluations: &mut Vec<(u64, Decimal)>,
        pool_quantity: &mut Decimal,
        pool_cost: &mut Decimal,
    ) -> bool {
        // Pairs whose receipt was valued in an earlier period leave the base before the average
        // is taken; those of this period's transfers once the transfers have their cost.
        let (earlier_pairs, same_period_pairs): (Vec<&DrawnOutbound>, Vec<&DrawnOutbound>) =
            outbounds
                .iter()
                .filter(|outbound| matches!(outbound.kind, DrawKind::FixedToTransferReceipt { .. }))
                .partition(|outbound| match outbound.kind {
                    DrawKind::FixedToTransferReceipt { receipt } => {
                        self.period_end(self.valuation_date(receipt)) < period_end
                    }
                    _ => false,
                });
        self.remove_pairs(&earlier_pairs, pool_quantity, pool_cost);
        if *pool_quantity <= Decimal::ZERO {
            return false;
        }
        let period_average = *pool_cost / *pool_quantity;
        let mut valued: Vec<(u64, Decimal)> = Vec::with_capacity(outbounds.len());
        let mut transfer_residual = Decimal::ZERO;
        for outbound in outbounds
            .iter()
            .filter(|o| o.kind == DrawKind::InternalTransfer)
        {
            let raw = period_average * outbound.quantity + transfer_residual;
            let new_cost = self.rounding.amount(raw);
            transfer_residual = raw - new_cost;
            valued.push((outbound.entry_no, new_cost));
        }
        let mut changed = self.apply_average_costs(&valued);
        self.remove_pairs(&same_period_pairs, pool_quantity, pool_cost);
        let mut residual = Decimal::ZERO;
        for outbound in outbounds.iter().filter(|o| o.kind == DrawKind::Average) {
            // The period's partial revaluations posted before this outbound's first value
            // entry join the pool now; those posted after it stay out of its average.
            let first = self
                .ledger
                .value_entries_of(outbound.entry_no)
                .map(|value| value.entry_no)
                .min()
                .unwrap_or(u64::MAX);
            let joining = revaluations.partition_point(|(no, _)| *no < first);
            *pool_cost += revaluations
                .drain(..joining)
                .map(|(_, cost)| cost)
                .sum::<Decimal>();
            if *pool_quantity <= Decimal::ZERO {
                break;
            }
            let raw = *pool_cost * outbound.quantity / *pool_quantity + residual;
            let new_cost = self.rounding.amount(raw);
            residual = raw - new_cost;
            *pool_cost += new_cost;
            *pool_quantity += outbound.quantity;
            changed |= self.apply_average_costs(&[(outbound.entry_no, new_cost)]);
            for &follower in followers.get(&outbound.entry_no).into_iter().flatten() {
                // Its own revaluations arrived on their dates (see `plan_bucket`).
                for value in self.ledger.value_entries_of(follower) {
                    if value.valuation_date <= period_end && !is_own_revaluation(value) {
                        *pool_quantity += value.item_ledger_entry_quantity;
                        *pool_cost += value.cost_amount_actual + value.cost_amount_expected;
                    }
                }
            }
        }
        changed
    }

    /// Takes outbounds fixed to internal transfer receipts out of the pool at the receipts' cost.
    fn remove_pairs(
        &self,
        pairs: &[&DrawnOutbound],
        pool_quantity: &mut Decimal,
        pool_cost: &mut Decimal,
    ) {
        for outbound in pairs {
            let DrawKind::FixedToTransferReceipt { receipt } = outbound.kind else {
                continue;
            };
            if let Some(cost) = self.linked_cost(receipt, outbound.quantity) {
                *pool_cost += cost;
                *pool_quantity += outbound.quantity;
            }
        }
    }

    /// Gives each entry its new cost and forwards it along its cost applications.
    fn apply_average_costs(&mut self, costs: &[(u64, Decimal)]) -> bool {
        let mut changed = false;
        for &(entry_no, new_cost) in costs {
            if self.set_entry_cost(entry_no, new_cost) {
                changed = true;
                self.forward_applied_cost(entry_no);
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
        let mut plan = BucketPlan::default();
        let drawn_sources: BTreeSet<u64> = members
            .iter()
            .filter(|entry| {
                self.is_average_outbound(entry)
                    && !left_out.contains(&entry.entry_no)
                    && self.period_end(self.valuation_date(entry.entry_no)) >= from
            })
            .map(|entry| entry.entry_no)
            .collect();
        plan.followers = self.cost_followers(members, &drawn_sources);
        // A follower valued in a later period than its outbound simply arrives on its date.
        for (root, chain) in plan.followers.iter_mut() {
            let root_period = self.period_end(self.valuation_date(*root));
            chain.retain(|&follower| self.period_end(self.valuation_date(follower)) == root_period);
        }
        let following: BTreeSet<u64> = plan.followers.values().flatten().copied().collect();
        // Revaluations that join the pool only for the outbounds posted after them.
        let mut gated: Vec<&ValueEntry> = Vec::new();
        for entry in members {
            if left_out.contains(&entry.entry_no) || following.contains(&entry.entry_no) {
                // A transfer receipt left out of the pool, or a return that follows its
                // outbound's cost, still brings the revaluations posted on it.
                // Its cost comes from an outbound, so a revaluation of it, partial or not, stays
                // out of the averages of the outbounds posted before it (spec §7.9).
                for value in self.ledger.value_entries_of(entry.entry_no) {
                    if is_own_revaluation(value) {
                        gated.push(value);
                    }
                }
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
            for value in self.ledger.value_entries_of(entry.entry_no) {
                if is_own_revaluation(value) && value.partial_revaluation {
                    gated.push(value);
                    continue;
                }
                let arrival = plan.arrivals.entry(value.valuation_date).or_default();
                arrival.0 += value.item_ledger_entry_quantity;
                arrival.1 += value.cost_amount_actual + value.cost_amount_expected;
            }
        }
        // A revaluation is gated only in a period with outbounds to draw; elsewhere it arrives on
        // its date like any value entry.
        for value in gated {
            let cost = value.cost_amount_actual + value.cost_amount_expected;
            let period_end = self.period_end(value.valuation_date);
            if plan.periods.contains_key(&period_end) {
                plan.gated
                    .entry(period_end)
                    .or_default()
                    .push((value.entry_no, cost));
            } else {
                let arrival = plan.arrivals.entry(value.valuation_date).or_default();
                arrival.0 += value.item_ledger_entry_quantity;
                arrival.1 += cost;
            }
        }
        for revaluations in plan.gated.values_mut() {
            revaluations.sort_by_key(|(no, _)| *no);
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

    /// For each drawn outbound, the members whose cost follows it through fixed links: its
    /// exact-cost returns, outbounds fixed to those returns, their returns, and so on. Bounded by
    /// the number of members: each round adds at least one or stops.
    fn cost_followers(
        &self,
        members: &[ItemLedgerEntry],
        drawn: &BTreeSet<u64>,
    ) -> BTreeMap<u64, Vec<u64>> {
        let mut root_of: BTreeMap<u64, u64> = drawn.iter().map(|&no| (no, no)).collect();
        let mut followers: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
        for _ in 0..=members.len() {
            let found: Vec<(u64, u64)> = members
                .iter()
                .filter(|entry| !root_of.contains_key(&entry.entry_no))
                .filter_map(|entry| {
                    let root = entry
                        .applies_to_entry
                        .and_then(|linked| root_of.get(&linked))?;
                    Some((entry.entry_no, *root))
                })
                .collect();
            if found.is_empty() {
                break;
            }
            for (entry_no, root) in found {
                root_of.insert(entry_no, root);
                followers.entry(root).or_default().push(entry_no);
            }
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

/// A revaluation posted on the entry itself, not one cost adjustment forwarded to it.
fn is_own_revaluation(value: &ValueEntry) -> bool {
    value.entry_type == CostEntryType::Revaluation && !value.adjustment
}
