//! Invariants that hold after settling (spec §9): cost adjustment has run fully, "post inventory
//! cost to G/L" has run, and nothing was posted since. A second, independent reading of the
//! entries and the G/L, which must agree with what adjustment and G/L posting did incrementally.
//!
//! Checked here: 3 (inventory accounts equal the sub-ledger), 4 (interim accounts equal expected
//! cost), 5 (expected cost clears), 9 (zero stock means zero value), 10 (applied cost), 11
//! (average cost), 12 (standard cost), 13 (adjustment is idempotent), 15 (adjustment entry
//! shape), 17 (transfers net to zero), 22 (reconciliation is clean) and 23 (rounding entry
//! placement). Each violation names the entries and the figures that disagree.
//!
//! Where this reading follows the engine rather than the letter of the spec, it says so:
//! - 10: a revaluation is left out of an outbound's share when the outbound's first value entry
//!   is older than the revaluation *and* its valuation date is on or before the revaluation's
//!   valuation date (spec §7.6 says "posting or valuation date"; the engine uses valuation dates).
//! - 11: the pool of a period is every value entry of the bucket valued up to the period end
//!   except the period's own average outbounds (and, under calc type Item, transfer legs, which
//!   move stock inside the pool; a revaluation posted on a transfer receipt does count). Open outbound entries stay in the pool: the engine does not yet
//!   make the "open outbound" exclusion of spec §5.6.
//! - 9: the bucket form skips Average buckets with a fixed-applied outbound (a purchase return
//!   or negative adjustment with applies-to): it takes the receipt's exact cost, while outbounds
//!   of the receipt's period were averaged with the receipt in the pool, so zero stock can keep
//!   value (spec §5.6 versus §9.9; BC shows the same).
//! - 12: "standard cost at invoice" is read as the item's current standard cost, so a standard
//!   cost change without a revaluation of the stock shows up here (as it would in BC's valuation).
//! - 15: the expected-cost flag of an adjustment entry is not compared with the adjusted entry's
//!   (the engine marks an adjustment expected when it carries no actual part).
//! - 22: expected cost of positive/negative adjustments and transfers projects onto Inventory
//!   (Interim) / COGS (Interim), as the engine's account matrix posts it (spec §8.1 names only
//!   purchase, sale and output); expected cost projects only when expected cost posting is on.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::{AdjustRequest, AdjustmentLimits};
use crate::books::Books;
use crate::config::CostingMethod;
use crate::ledger::invariants::InvariantViolation;
use crate::ledger::period::average_period_end;
use crate::ledger::{
    Code, CostEntryType, ItemLedgerEntry, ItemLedgerEntryType, Ledger, LocationId, ValueEntry,
    VarianceType,
};
use crate::rules::AccountRole;

/// Checks invariants 3, 4, 5, 9, 10, 11, 12, 13, 15, 17, 22 and 23 over settled books.
pub fn check_after_settle(books: &Books) -> Vec<InvariantViolation> {
    let mut found = Violations::default();
    check_inventory_accounts(books, &mut found);
    check_interim_accounts(books, &mut found);
    check_expected_cost_cleared(&books.ledger, &mut found);
    check_zero_stock_zero_value(&books.ledger, &mut found);
    check_applied_cost(&books.ledger, &mut found);
    check_average_cost(&books.ledger, &mut found);
    check_standard_cost(&books.ledger, &mut found);
    check_adjustment_idempotent(books, &mut found);
    check_adjustment_entry_shape(&books.ledger, &mut found);
    check_transfer_pairs(books, &mut found);
    check_reconciliation(books, &mut found);
    check_rounding_entry_placement(&books.ledger, &mut found);
    found.0
}

#[derive(Default)]
struct Violations(Vec<InvariantViolation>);

impl Violations {
    fn push(&mut self, invariant: u8, message: String) {
        self.0.push(InvariantViolation { invariant, message });
    }
}

fn money(value: Decimal) -> String {
    crate::money::without_negative_zero(value)
        .normalize()
        .to_string()
}

fn precision(ledger: &Ledger) -> Decimal {
    ledger.config().rounding.amount_precision
}

fn inventoriable(ledger: &Ledger) -> impl Iterator<Item = &ValueEntry> {
    ledger.value_entries().iter().filter(|e| e.inventoriable)
}

/// Σ of the G/L entries posted as `role`.
fn gl_total(books: &Books, role: AccountRole) -> Decimal {
    let entries = books.general_ledger.entries().iter();
    entries
        .filter(|gl| gl.account_role == role)
        .map(|gl| gl.amount)
        .sum()
}

// ----- 3 and 4: inventory and interim accounts ------------------------------------------------

/// Invariant 3: globally, Σ actual cost = Σ of the Inventory accounts; per (location, inventory
/// posting group), the actual cost of its value entries = the net change of the Inventory account
/// it is mapped to. The mapping is read from the G/L entries the value entries fed; with one
/// account for all locations the per-account form is the global form. The per-account form
/// reads the entries as posted, without rule-change reclassifications (which move whole
/// balances between accounts of the role and so leave the global form unchanged).
fn check_inventory_accounts(books: &Books, found: &mut Violations) {
    let ledger = &books.ledger;
    let sub_ledger: Decimal = inventoriable(ledger).map(|e| e.cost_amount_actual).sum();
    let gl = gl_total(books, AccountRole::Inventory);
    if sub_ledger != gl {
        found.push(3, format!("Σ cost amount (actual) of all value entries is {} but the Inventory accounts hold {}", money(sub_ledger), money(gl)));
    }
    let mapping = inventory_account_mapping(books);
    let mut per_account: BTreeMap<Code, Decimal> = BTreeMap::new();
    for entry in inventoriable(ledger) {
        let key = (entry.location, entry.inventory_posting_group.clone());
        match mapping.get(&key).map(|accounts| accounts.iter().collect::<Vec<_>>()) {
            Some(accounts) if accounts.len() == 1 => {
                *per_account.entry(accounts[0].clone()).or_default() += entry.cost_amount_actual;
            }
            Some(accounts) if entry.entry_no == first_entry_of_key(ledger, &key) => {
                found.push(3, format!("location \"{}\", inventory posting group {} posts to several Inventory accounts ({}); the check needs one account per key", ledger.location_code(key.0), key.1, accounts.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(", ")));
            }
            Some(_) => {}
            None if !entry.cost_amount_actual.is_zero() => found.push(3, format!("value entry {} (location \"{}\", inventory posting group {}) has actual cost {} but no Inventory account received any cost of its location and group", entry.entry_no, ledger.location_code(key.0), key.1, money(entry.cost_amount_actual))),
            None => {}
        }
    }
    for (account, want) in per_account {
        let got: Decimal = books
            .general_ledger
            .entries()
            .iter()
            .filter(|gl| {
                gl.account_role == AccountRole::Inventory
                    && gl.account_no == account
                    && !gl.is_reclassification()
            })
            .map(|gl| gl.amount)
            .sum();
        if got != want {
            found.push(3, format!("Inventory account {account}: net change {} but its value entries' actual cost is {}", money(got), money(want)));
        }
    }
}

type InventoryKey = (LocationId, Code);

fn first_entry_of_key(ledger: &Ledger, key: &InventoryKey) -> u64 {
    inventoriable(ledger)
        .find(|e| e.location == key.0 && e.inventory_posting_group == key.1)
        .map_or(0, |e| e.entry_no)
}

/// (location, inventory posting group) → the Inventory accounts its value entries posted to.
fn inventory_account_mapping(books: &Books) -> BTreeMap<InventoryKey, BTreeSet<Code>> {
    let mut mapping: BTreeMap<InventoryKey, BTreeSet<Code>> = BTreeMap::new();
    for relation in books.general_ledger.relations() {
        let gl = books.general_ledger.entry(relation.gl_entry_no);
        let value = books.ledger.value_entry(relation.value_entry_no);
        if let (Some(gl), Some(value)) = (gl, value) {
            if gl.account_role == AccountRole::Inventory && !gl.is_reclassification() {
                let key = (value.location, value.inventory_posting_group.clone());
                mapping
                    .entry(key)
                    .or_default()
                    .insert(gl.account_no.clone());
            }
        }
    }
    mapping
}

/// Invariant 4: the Inventory (Interim) accounts hold the expected cost when expected cost
/// posting is on, and nothing when it is off.
fn check_interim_accounts(books: &Books, found: &mut Violations) {
    let ledger = &books.ledger;
    let expected_posting = ledger.config().inventory_setup.expected_cost_posting_to_gl;
    let want: Decimal = if expected_posting {
        inventoriable(ledger).map(|e| e.cost_amount_expected).sum()
    } else {
        Decimal::ZERO
    };
    let got = gl_total(books, AccountRole::InventoryInterim);
    if got != want {
        let setting = if expected_posting { "on" } else { "off" };
        found.push(4, format!("Inventory (Interim) accounts hold {} but expected cost is {} (expected cost posting {setting})", money(got), money(want)));
    }
}

// ----- 5: expected cost clears ------------------------------------------------------------------

fn check_expected_cost_cleared(ledger: &Ledger, found: &mut Violations) {
    for entry in ledger.item_ledger_entries() {
        if !entry.completely_invoiced {
            continue;
        }
        let (_, expected) = ledger.cost_of_entry(entry.entry_no);
        if !expected.is_zero() {
            found.push(
                5,
                format!(
                    "entry {} is completely invoiced but its value entries keep expected cost {}",
                    entry.entry_no,
                    money(expected)
                ),
            );
        }
    }
}

// ----- 9 and 10: applied cost -------------------------------------------------------------------

/// The quantity applications of an outbound entry that forward cost: (inbound no., quantity > 0).
fn cost_applications(ledger: &Ledger, outbound_no: u64) -> Vec<(u64, Decimal)> {
    ledger
        .applications_of(outbound_no)
        .filter(|row| {
            row.outbound_item_entry_no == outbound_no
                && row.is_quantity_application()
                && row.cost_application
        })
        .map(|row| (row.inbound_item_entry_no, -row.quantity))
        .collect()
}

/// What `quantity` units of an inbound entry cost as seen by one outbound entry, unrounded:
/// every value entry but rounding entries, a revaluation only when the outbound comes after it
/// (spec §7.6), partial revaluations per revalued unit.
fn applied_share(
    ledger: &Ledger,
    inbound: &ItemLedgerEntry,
    quantity: Decimal,
    outbound: &ItemLedgerEntry,
) -> Decimal {
    let outbound_first = ledger
        .value_entries_of(outbound.entry_no)
        .next()
        .map(|e| e.entry_no);
    let outbound_date = ledger.direct_cost_valuation_date(outbound.entry_no);
    let mut share = Decimal::ZERO;
    for value in ledger.value_entries_of(inbound.entry_no) {
        let amount = value.cost_amount_actual + value.cost_amount_expected;
        match value.entry_type {
            CostEntryType::Rounding => {}
            CostEntryType::Revaluation => {
                let before = value.partial_revaluation
                    && outbound_first.is_some_and(|first| first < value.entry_no)
                    && outbound_date.is_some_and(|date| date <= value.valuation_date);
                if !before {
                    let basis = if value.partial_revaluation {
                        value.valued_quantity
                    } else {
                        inbound.quantity
                    };
                    share += amount * quantity / basis;
                }
            }
            _ => share += amount * quantity / inbound.quantity,
        }
    }
    share
}

/// Invariant 10: a closed outbound entry that takes cost by application (FIFO, LIFO, Specific,
/// Standard, and fixed applications of any method) costs Σ of its applied shares, within half
/// the rounding precision per application.
fn check_applied_cost(ledger: &Ledger, found: &mut Violations) {
    let half = precision(ledger) / Decimal::TWO;
    for outbound in ledger.item_ledger_entries() {
        if outbound.is_positive() || outbound.is_open() {
            continue;
        }
        let rows = cost_applications(ledger, outbound.entry_no);
        if rows.is_empty() {
            continue;
        }
        let mut want = Decimal::ZERO;
        for &(inbound_no, quantity) in &rows {
            let inbound = ledger
                .item_ledger_entry(inbound_no)
                .expect("applied inbound exists");
            want -= applied_share(ledger, inbound, quantity, outbound);
        }
        let (actual, expected) = ledger.cost_of_entry(outbound.entry_no);
        let tolerance = half * Decimal::from(rows.len());
        if (actual + expected - want).abs() > tolerance {
            let inbounds: Vec<String> = rows.iter().map(|(no, q)| format!("{q} of {no}")).collect();
            found.push(
                10,
                format!(
                    "outbound entry {} costs {} but its applications ({}) come to {}",
                    outbound.entry_no,
                    money(actual + expected),
                    inbounds.join(", "),
                    money(want.round_dp(6))
                ),
            );
        }
    }
}

/// Invariant 9: a closed, completely invoiced, fully applied inbound entry of a non-Average item
/// nets to exactly zero with the rounded shares of the outbound entries applied to it; and a
/// bucket whose entries are all closed and completely invoiced holds no value.
fn check_zero_stock_zero_value(ledger: &Ledger, found: &mut Violations) {
    for inbound in ledger.item_ledger_entries() {
        let method = ledger.item(inbound.item).costing_method;
        if !inbound.is_positive()
            || inbound.is_open()
            || !inbound.completely_invoiced
            || method == CostingMethod::Average
        {
            continue;
        }
        check_inbound_nets_to_zero(ledger, inbound, found);
    }
    check_closed_buckets(ledger, found);
}

fn check_inbound_nets_to_zero(ledger: &Ledger, inbound: &ItemLedgerEntry, found: &mut Violations) {
    let rounding = ledger.config().rounding;
    let (mut applied, mut shares) = (Decimal::ZERO, Decimal::ZERO);
    for row in ledger.applications_of(inbound.entry_no) {
        if row.inbound_item_entry_no != inbound.entry_no
            || !row.is_quantity_application()
            || !row.cost_application
        {
            continue;
        }
        let outbound = ledger
            .item_ledger_entry(row.outbound_item_entry_no)
            .expect("outbound exists");
        applied -= row.quantity;
        shares -= rounding.amount(applied_share(ledger, inbound, -row.quantity, outbound));
    }
    if applied != inbound.quantity {
        return;
    }
    let (actual, _) = ledger.cost_of_entry(inbound.entry_no);
    if actual + shares != Decimal::ZERO {
        found.push(9, format!("inbound entry {} is closed and invoiced: actual cost {} and its outbound shares {} leave {}", inbound.entry_no, money(actual), money(shares), money(actual + shares)));
    }
}

/// Item index, and location and variant unless the bucket is the whole item.
type ValuationBucket = (u32, Option<LocationId>, Option<Code>);

/// The valuation bucket of an entry: the average-cost pool for Average items (the whole item
/// under calc type Item), else item, location and variant.
fn valuation_bucket(ledger: &Ledger, entry: &ItemLedgerEntry) -> ValuationBucket {
    let whole_item = ledger.item(entry.item).costing_method == CostingMethod::Average
        && ledger.config().inventory_setup.average_cost_calc_type
            == crate::config::AverageCostCalcType::Item;
    if whole_item {
        (entry.item.0, None, None)
    } else {
        (
            entry.item.0,
            Some(entry.location),
            Some(entry.variant_code.clone()),
        )
    }
}

/// A fixed-applied outbound of an Average item takes its receipt's exact cost while the rest
/// of the receipt's period was valued with that receipt in the average (spec §5.6), so its
/// bucket can hold value at zero stock; such buckets are left out of the zero-value check.
fn is_fixed_average_outbound(ledger: &Ledger, entry: &ItemLedgerEntry) -> bool {
    !entry.is_positive()
        && entry.applies_to_entry.is_some()
        && ledger.item(entry.item).costing_method == CostingMethod::Average
}

fn check_closed_buckets(ledger: &Ledger, found: &mut Violations) {
    type Bucket = ValuationBucket;
    let mut buckets: BTreeMap<Bucket, (bool, Decimal, Vec<u64>)> = BTreeMap::new();
    for entry in ledger.item_ledger_entries() {
        let bucket = buckets.entry(valuation_bucket(ledger, entry)).or_insert((
            true,
            Decimal::ZERO,
            Vec::new(),
        ));
        bucket.0 &= !entry.is_open()
            && entry.completely_invoiced
            && !is_fixed_average_outbound(ledger, entry);
        bucket.1 += ledger.cost_of_entry(entry.entry_no).0;
        bucket.2.push(entry.entry_no);
    }
    for ((item, location, _), (closed, value, entries)) in buckets {
        if closed && !value.is_zero() {
            let item_no = ledger.item_no(crate::ledger::ItemId(item));
            let at = location.map_or(String::from("all locations"), |l| {
                format!("location \"{}\"", ledger.location_code(l))
            });
            found.push(9, format!("item {item_no} at {at}: every entry is closed and invoiced, yet Σ actual cost is {} (entries {entries:?})", money(value)));
        }
    }
}

// ----- 11: average cost -------------------------------------------------------------------------

/// Invariant 11: in each bucket and average-cost period, every average-valued outbound costs the
/// period average × its quantity within the rounding precision, and together they differ from
/// average × their quantity by less than the precision (the carried residual).
fn check_average_cost(ledger: &Ledger, found: &mut Violations) {
    let setup = &ledger.config().inventory_setup;
    let mut periods: BTreeMap<(ValuationBucket, chrono::NaiveDate), Vec<&ItemLedgerEntry>> =
        BTreeMap::new();
    for entry in ledger.item_ledger_entries() {
        if is_average_outbound(ledger, entry) {
            let date = ledger
                .direct_cost_valuation_date(entry.entry_no)
                .expect("valued");
            let end =
                average_period_end(date, setup.average_cost_period, &setup.accounting_periods);
            periods
                .entry((valuation_bucket(ledger, entry), end))
                .or_default()
                .push(entry);
        }
    }
    for ((bucket, end), drawn) in periods {
        check_average_period(ledger, &bucket, end, &drawn, found);
    }
}

fn is_average_outbound(ledger: &Ledger, entry: &ItemLedgerEntry) -> bool {
    !entry.is_positive()
        && ledger
            .value_entries_of(entry.entry_no)
            .next()
            .is_some_and(|v| v.valued_by_average_cost)
}

fn check_average_period(
    ledger: &Ledger,
    bucket: &ValuationBucket,
    end: chrono::NaiveDate,
    drawn: &[&ItemLedgerEntry],
    found: &mut Violations,
) {
    let whole_item = bucket.1.is_none();
    let drawn_nos: BTreeSet<u64> = drawn.iter().map(|e| e.entry_no).collect();
    let setup = &ledger.config().inventory_setup;
    // Partial revaluations valued in this period join only the averages of the outbounds
    // posted after them (spec §7.9): (value entry no., cost), checked one by one below.
    let mut gated: Vec<(u64, Decimal)> = Vec::new();
    let (mut pool_quantity, mut pool_cost) = (Decimal::ZERO, Decimal::ZERO);
    for entry in ledger.entries_of_item(crate::ledger::ItemId(bucket.0)) {
        let internal_transfer = whole_item && entry.entry_type == ItemLedgerEntryType::Transfer;
        if valuation_bucket(ledger, entry) != *bucket || drawn_nos.contains(&entry.entry_no) {
            continue;
        }
        // A transfer moves stock inside the pool; a revaluation of its receipt adds to it.
        let own_revaluation =
            |v: &ValueEntry| v.entry_type == CostEntryType::Revaluation && !v.adjustment;
        for value in ledger
            .value_entries_of(entry.entry_no)
            .filter(|v| v.valuation_date <= end)
            .filter(|v| !internal_transfer || own_revaluation(v))
        {
            let cost = value.cost_amount_actual + value.cost_amount_expected;
            let in_period = average_period_end(
                value.valuation_date,
                setup.average_cost_period,
                &setup.accounting_periods,
            ) == end;
            if own_revaluation(value)
                && (value.partial_revaluation || internal_transfer)
                && in_period
            {
                gated.push((value.entry_no, cost));
                continue;
            }
            pool_quantity += value.item_ledger_entry_quantity;
            pool_cost += cost;
        }
    }
    if pool_quantity <= Decimal::ZERO {
        return;
    }
    let item_no = ledger.item_no(crate::ledger::ItemId(bucket.0));
    let precision = precision(ledger);
    if !gated.is_empty() {
        check_gated_period(
            ledger,
            (item_no, end),
            drawn,
            gated,
            (pool_quantity, pool_cost),
            found,
        );
        return;
    }
    let average = pool_cost / pool_quantity;
    let (mut total, mut total_quantity) = (Decimal::ZERO, Decimal::ZERO);
    for outbound in drawn {
        let (actual, expected) = ledger.cost_of_entry(outbound.entry_no);
        let want = average * outbound.quantity;
        // The carried residual and the rounded draws before it move each draw by up to about
        // one precision either way.
        if (actual + expected - want).abs() > precision * Decimal::TWO {
            found.push(11, format!("item {item_no}, period ending {end}: outbound entry {} costs {} but the period average {} × {} is {}", outbound.entry_no, money(actual + expected), money(average.round_dp(6)), outbound.quantity, money(want.round_dp(6))));
        }
        if ledger
            .item_ledger_entry(outbound.entry_no)
            .is_some_and(|e| !(whole_item && e.entry_type == ItemLedgerEntryType::Transfer))
        {
            total += actual + expected;
            total_quantity += outbound.quantity;
        }
    }
    let residual = total - average * total_quantity;
    if residual.abs() >= precision {
        found.push(11, format!("item {item_no}, period ending {end}: the average outbounds cost {} together, {} away from the average", money(total), money(residual.round_dp(6))));
    }
}

/// Invariant 11 in a period with partial revaluations: the outbounds are drawn one by one in
/// entry order from a pool that each such revaluation joins once an outbound posted after it is
/// reached; each draw is the pool's average at that point within twice the precision.
fn check_gated_period(
    ledger: &Ledger,
    (item_no, end): (&str, chrono::NaiveDate),
    drawn: &[&ItemLedgerEntry],
    mut gated: Vec<(u64, Decimal)>,
    (mut pool_quantity, mut pool_cost): (Decimal, Decimal),
    found: &mut Violations,
) {
    gated.sort_by_key(|(no, _)| *no);
    let precision = precision(ledger);
    let mut drawn: Vec<&ItemLedgerEntry> = drawn.to_vec();
    drawn.sort_by_key(|entry| entry.entry_no);
    for outbound in drawn {
        if outbound.entry_type == ItemLedgerEntryType::Transfer {
            continue;
        }
        let first = ledger
            .value_entries_of(outbound.entry_no)
            .map(|value| value.entry_no)
            .min()
            .unwrap_or(u64::MAX);
        let joining = gated.partition_point(|(no, _)| *no < first);
        pool_cost += gated
            .drain(..joining)
            .map(|(_, cost)| cost)
            .sum::<Decimal>();
        if pool_quantity <= Decimal::ZERO {
            return;
        }
        let (actual, expected) = ledger.cost_of_entry(outbound.entry_no);
        let want = pool_cost * outbound.quantity / pool_quantity;
        if (actual + expected - want).abs() > precision * Decimal::TWO {
            found.push(11, format!("item {item_no}, period ending {end}: outbound entry {} costs {} but the pool's average at its turn gives {}", outbound.entry_no, money(actual + expected), money(want.round_dp(6))));
        }
        pool_cost += actual + expected;
        pool_quantity += outbound.quantity;
    }
}

// ----- 12: standard cost ------------------------------------------------------------------------

/// Invariant 12: a completely invoiced purchase entry of a Standard item that was never revalued
/// carries standard cost × quantity in direct, indirect and variance cost.
fn check_standard_cost(ledger: &Ledger, found: &mut Violations) {
    for entry in ledger.item_ledger_entries() {
        let method = ledger.item(entry.item).costing_method;
        if method != CostingMethod::Standard
            || entry.entry_type != ItemLedgerEntryType::Purchase
            || !entry.is_positive()
            || !entry.completely_invoiced
        {
            continue;
        }
        let values: Vec<&ValueEntry> = ledger.value_entries_of(entry.entry_no).collect();
        if values
            .iter()
            .any(|v| v.entry_type == CostEntryType::Revaluation)
        {
            continue;
        }
        let got: Decimal = values
            .iter()
            .filter(|v| {
                matches!(
                    v.entry_type,
                    CostEntryType::DirectCost
                        | CostEntryType::IndirectCost
                        | CostEntryType::Variance
                )
            })
            .map(|v| v.cost_amount_actual)
            .sum();
        let standard = ledger.item_cost_state(entry.item).standard_cost;
        let want = ledger.config().rounding.amount(standard * entry.quantity);
        if got != want {
            found.push(12, format!("purchase entry {} of standard item {}: direct + indirect + variance is {} but standard cost {} × {} is {}", entry.entry_no, ledger.item_no(entry.item), money(got), money(standard), entry.quantity, money(want)));
        }
    }
}

// ----- 13: idempotence --------------------------------------------------------------------------

/// Invariant 13: every item is adjusted, and adjusting a copy again creates no value entry.
fn check_adjustment_idempotent(books: &Books, found: &mut Violations) {
    let ledger = &books.ledger;
    for item in 0..ledger.config().items.len() as u32 {
        let item = crate::ledger::ItemId(item);
        if !ledger.item_cost_state(item).cost_is_adjusted {
            found.push(
                13,
                format!(
                    "item {} is not marked \"cost is adjusted\" after settling",
                    ledger.item_no(item)
                ),
            );
        }
    }
    let mut again = ledger.clone();
    let outcome = again.adjust_cost(&AdjustRequest::default(), &AdjustmentLimits::default());
    if !outcome.value_entry_nos.is_empty() {
        let created: Vec<String> = outcome
            .value_entry_nos
            .clone()
            .filter_map(|no| again.value_entry(no))
            .map(|v| {
                format!(
                    "{} on entry {} ({})",
                    v.entry_no,
                    v.item_ledger_entry_no,
                    money(v.cost_amount_actual + v.cost_amount_expected)
                )
            })
            .collect();
        found.push(
            13,
            format!(
                "a second adjustment created value entries: {}",
                created.join("; ")
            ),
        );
    }
}

// ----- 15: adjustment entry shape ---------------------------------------------------------------

fn check_adjustment_entry_shape(ledger: &Ledger, found: &mut Violations) {
    let setup = &ledger.config().inventory_setup;
    for entry in ledger.value_entries().iter().filter(|v| v.adjustment) {
        let no = entry.entry_no;
        if !entry.invoiced_quantity.is_zero() || !entry.item_ledger_entry_quantity.is_zero() {
            found.push(15, format!("adjustment value entry {no} has invoiced quantity {} and item ledger entry quantity {}, both must be 0", entry.invoiced_quantity, entry.item_ledger_entry_quantity));
        }
        if entry.entry_type == CostEntryType::Rounding {
            continue;
        }
        let Some(adjusted) = entry.applies_to_entry.and_then(|to| ledger.value_entry(to)) else {
            found.push(
                15,
                format!(
                    "adjustment value entry {no} applies to no existing value entry ({:?})",
                    entry.applies_to_entry
                ),
            );
            continue;
        };
        if let Some(difference) = shape_difference(entry, adjusted) {
            found.push(15, format!("adjustment value entry {no} differs from the value entry {} it adjusts in {difference}", adjusted.entry_no));
        }
        let open = setup.is_posting_date_allowed(adjusted.posting_date);
        if entry.posting_date < adjusted.posting_date
            || (open && entry.posting_date != adjusted.posting_date)
        {
            found.push(15, format!("adjustment value entry {no} is posted on {} but the value entry {} it adjusts on {} (open for posting: {open})", entry.posting_date, adjusted.entry_no, adjusted.posting_date));
        }
    }
}

fn shape_difference(entry: &ValueEntry, adjusted: &ValueEntry) -> Option<&'static str> {
    if entry.item_ledger_entry_no != adjusted.item_ledger_entry_no {
        Some("item ledger entry")
    } else if entry.inventory_posting_group != adjusted.inventory_posting_group {
        Some("inventory posting group")
    } else if entry.gen_bus_posting_group != adjusted.gen_bus_posting_group
        || entry.gen_prod_posting_group != adjusted.gen_prod_posting_group
    {
        Some("general posting groups")
    } else if entry.location != adjusted.location || entry.variant_code != adjusted.variant_code {
        Some("location or variant")
    } else if entry.dimension_set != adjusted.dimension_set {
        Some("dimensions")
    } else {
        None
    }
}

// ----- 17: transfers ----------------------------------------------------------------------------

/// Invariant 17: a transfer's outbound and inbound legs cost the same with opposite signs, and
/// their Inventory Adjmt. G/L lines net to zero. Rounding entries are left out of both sums: a
/// closed transfer receipt takes the rounding entry of invariants 9 and 23 like any inbound, and
/// that entry belongs to the receipt's closing, not to the transfer. So is a revaluation of one
/// leg (a per-entry revaluation of the receipt, say): it changes what the leg holds after the
/// transfer, not what the transfer moved. Adjustments forwarded along the transfer stay in.
fn check_transfer_pairs(books: &Books, found: &mut Violations) {
    let ledger = &books.ledger;
    for row in ledger.item_application_entries() {
        let Some(out_leg) = row.transferred_from_entry_no else {
            continue;
        };
        if row.outbound_item_entry_no != 0 {
            continue;
        }
        let in_leg = row.inbound_item_entry_no;
        let (out_cost, in_cost) = (
            transfer_cost(ledger, out_leg),
            transfer_cost(ledger, in_leg),
        );
        if !(out_cost + in_cost).is_zero() {
            found.push(17, format!("transfer legs {out_leg} and {in_leg}: actual costs {} and {} (rounding and revaluation entries aside) do not net to zero", money(out_cost), money(in_cost)));
        }
        let adjmt = inventory_adjmt_of(books, &[out_leg, in_leg]);
        if !adjmt.is_zero() {
            found.push(17, format!("transfer legs {out_leg} and {in_leg}: their Inventory Adjmt. G/L lines (rounding and revaluation entries aside) sum to {}", money(adjmt)));
        }
    }
}

fn moved_by_transfer(entry: &&ValueEntry) -> bool {
    let own_revaluation = entry.entry_type == CostEntryType::Revaluation && !entry.adjustment;
    entry.entry_type != CostEntryType::Rounding && !own_revaluation
}

fn transfer_cost(ledger: &Ledger, entry_no: u64) -> Decimal {
    ledger
        .value_entries_of(entry_no)
        .filter(moved_by_transfer)
        .map(|v| v.cost_amount_actual)
        .sum()
}

fn inventory_adjmt_of(books: &Books, entries: &[u64]) -> Decimal {
    let value_entries: BTreeSet<u64> = entries
        .iter()
        .flat_map(|&ile| {
            books
                .ledger
                .value_entries_of(ile)
                .filter(moved_by_transfer)
                .map(|v| v.entry_no)
        })
        .collect();
    books
        .general_ledger
        .relations()
        .iter()
        .filter(|relation| value_entries.contains(&relation.value_entry_no))
        .filter_map(|relation| books.general_ledger.entry(relation.gl_entry_no))
        .filter(|gl| gl.account_role == AccountRole::InventoryAdjmt)
        .map(|gl| gl.amount)
        .sum()
}

// ----- 22: reconciliation -----------------------------------------------------------------------

/// Invariant 22: per account type, the sub-ledger projection of spec §8.1 equals the G/L; and
/// each account serves one account type (the reconciliation's precondition).
fn check_reconciliation(books: &Books, found: &mut Violations) {
    let ledger = &books.ledger;
    let expected_posting = ledger.config().inventory_setup.expected_cost_posting_to_gl;
    let mut projected: BTreeMap<usize, Decimal> = BTreeMap::new();
    for entry in inventoriable(ledger) {
        match project(entry, expected_posting) {
            Some(parts) => {
                for (role, amount) in parts {
                    *projected.entry(role.index()).or_default() += amount;
                }
            }
            None => found.push(
                22,
                format!(
                    "value entry {} ({} {}) has no reconciliation column",
                    entry.entry_no,
                    entry.item_ledger_entry_type.as_str(),
                    entry.entry_type.as_str()
                ),
            ),
        }
    }
    for role in AccountRole::ALL {
        let want = projected.get(&role.index()).copied().unwrap_or_default();
        let got = gl_total(books, role);
        if got != want {
            found.push(
                22,
                format!(
                    "{}: G/L total {} but the sub-ledger projects {} (difference {})",
                    role.name(),
                    money(got),
                    money(want),
                    money(got - want)
                ),
            );
        }
    }
    // The spec states invariant 22 for dedicated accounts (one role per account). An account
    // that several roles share (the national charts' stock and change-in-stock accounts) is no
    // violation: the totals above are per role, by the role each G/L entry was posted as, which
    // is what the reconciliation compares (docs/reconciliation.md).
}

/// The reconciliation columns a value entry projects onto (spec §8.1), with amounts.
fn project(entry: &ValueEntry, expected_posting: bool) -> Option<Vec<(AccountRole, Decimal)>> {
    use AccountRole as R;
    use CostEntryType as E;
    use ItemLedgerEntryType as T;
    let actual = entry.cost_amount_actual;
    let expected = if expected_posting {
        entry.cost_amount_expected
    } else {
        Decimal::ZERO
    };
    let expected_balance = match (entry.item_ledger_entry_type, entry.entry_type) {
        (_, E::IndirectCost | E::Variance | E::Rounding) => None,
        (T::Purchase, _) => Some(R::InvtAccrualInterim),
        (T::Sale | T::PositiveAdjmt | T::NegativeAdjmt | T::Transfer, _) => Some(R::CogsInterim),
        (T::Output, _) => Some(R::WipInventory),
        _ => None,
    };
    let actual_balance = match (entry.item_ledger_entry_type, entry.entry_type) {
        (_, E::Revaluation | E::Rounding) => R::InventoryAdjmt,
        (T::Purchase, E::DirectCost) => R::DirectCostApplied,
        (T::Purchase | T::Output | T::AssemblyOutput, E::IndirectCost) => R::OverheadApplied,
        (T::Purchase, E::Variance) if entry.variance_type == Some(VarianceType::Purchase) => {
            R::PurchaseVariance
        }
        (T::Sale, E::DirectCost) => R::Cogs,
        (
            T::PositiveAdjmt
            | T::NegativeAdjmt
            | T::Transfer
            | T::AssemblyConsumption
            | T::AssemblyOutput,
            E::DirectCost,
        ) => R::InventoryAdjmt,
        (T::Consumption | T::Output, E::DirectCost) => R::WipInventory,
        (T::Output | T::AssemblyOutput, E::Variance) => {
            manufacturing_variance(entry.variance_type?)?
        }
        _ => return None,
    };
    let mut parts = vec![(R::Inventory, actual), (actual_balance, -actual)];
    if !expected.is_zero() {
        parts.push((R::InventoryInterim, expected));
        parts.push((expected_balance?, -expected));
    }
    Some(parts)
}

fn manufacturing_variance(variance: VarianceType) -> Option<AccountRole> {
    match variance {
        VarianceType::Material => Some(AccountRole::MaterialVariance),
        VarianceType::Capacity => Some(AccountRole::CapacityVariance),
        VarianceType::Subcontracted => Some(AccountRole::SubcontractedVariance),
        VarianceType::CapacityOverhead => Some(AccountRole::CapOverheadVariance),
        VarianceType::ManufacturingOverhead => Some(AccountRole::MfgOverheadVariance),
        VarianceType::Purchase => None,
    }
}

// ----- 23: rounding entries ---------------------------------------------------------------------

fn check_rounding_entry_placement(ledger: &Ledger, found: &mut Violations) {
    for value in ledger
        .value_entries()
        .iter()
        .filter(|v| v.entry_type == CostEntryType::Rounding)
    {
        let Some(entry) = ledger.item_ledger_entry(value.item_ledger_entry_no) else {
            continue;
        };
        let method = ledger.item(entry.item).costing_method;
        if !entry.is_positive()
            || entry.is_open()
            || !entry.completely_invoiced
            || method == CostingMethod::Average
        {
            found.push(23, format!("rounding value entry {} sits on entry {} (quantity {}, remaining {}, completely invoiced {}, {} item)", value.entry_no, entry.entry_no, entry.quantity, entry.remaining_quantity, entry.completely_invoiced, method.as_str()));
        }
    }
}
