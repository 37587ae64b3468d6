//! Invariant checks over the sub-ledger (spec §9): a second, independent reading of the entries
//! that must agree with what posting maintained incrementally.
//!
//! Checked here: 6 (expected cost only on direct cost and revaluation entries), 7 (quantity
//! consistency), 8 (application consistency) and 16 (valuation dates). Each violation names the
//! entry and the figures that disagree.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{BucketKey, CostEntryType, ItemLedgerEntryType, Ledger};

/// One broken invariant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvariantViolation {
    /// The invariant's number in spec §9.
    pub invariant: u8,
    pub message: String,
}

impl fmt::Display for InvariantViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invariant {}: {}", self.invariant, self.message)
    }
}

/// Checks invariants 6, 7, 8 and 16 over the whole ledger.
pub fn check_sub_ledger(ledger: &Ledger) -> Vec<InvariantViolation> {
    let mut violations = Vec::new();
    check_expected_cost_entry_types(ledger, &mut violations);
    check_quantities(ledger, &mut violations);
    check_applications(ledger, &mut violations);
    check_valuation_dates(ledger, &mut violations);
    violations
}

fn violation(violations: &mut Vec<InvariantViolation>, invariant: u8, message: String) {
    violations.push(InvariantViolation { invariant, message });
}

/// Invariant 6: Cost Amount (Expected) only on Direct Cost and Revaluation entries.
fn check_expected_cost_entry_types(ledger: &Ledger, violations: &mut Vec<InvariantViolation>) {
    for value in ledger.value_entries() {
        let allowed = matches!(
            value.entry_type,
            CostEntryType::DirectCost | CostEntryType::Revaluation
        );
        if !allowed && (!value.cost_amount_expected.is_zero() || value.expected_cost) {
            violation(
                violations,
                6,
                format!(
                    "value entry {} is {} but carries expected cost",
                    value.entry_no,
                    value.entry_type.as_str()
                ),
            );
        }
    }
}

/// Invariant 7: quantities of an entry agree with its value entries.
fn check_quantities(ledger: &Ledger, violations: &mut Vec<InvariantViolation>) {
    for entry in ledger.item_ledger_entries() {
        let mut ile_quantity = Decimal::ZERO;
        let mut invoiced = Decimal::ZERO;
        for (position, value) in ledger.value_entries_of(entry.entry_no).enumerate() {
            ile_quantity += value.item_ledger_entry_quantity;
            if position > 0 && !value.item_ledger_entry_quantity.is_zero() {
                violation(
                    violations,
                    7,
                    format!("value entry {} is not the first of entry {} but has an item ledger entry quantity", value.entry_no, entry.entry_no),
                );
            }
            if value.is_direct_non_charge() {
                invoiced += value.invoiced_quantity;
            }
        }
        let no = entry.entry_no;
        if ile_quantity != entry.quantity {
            violation(
                violations,
                7,
                format!(
                    "entry {no}: quantity {} but value entries sum to {ile_quantity}",
                    entry.quantity
                ),
            );
        }
        if invoiced != entry.invoiced_quantity {
            violation(
                violations,
                7,
                format!(
                    "entry {no}: invoiced quantity {} but value entries sum to {invoiced}",
                    entry.invoiced_quantity
                ),
            );
        }
        let is_transfer = entry.entry_type == ItemLedgerEntryType::Transfer;
        if !is_transfer && entry.completely_invoiced != (entry.invoiced_quantity == entry.quantity)
        {
            violation(
                violations,
                7,
                format!(
                    "entry {no}: completely invoiced is {} with invoiced {} of {}",
                    entry.completely_invoiced, entry.invoiced_quantity, entry.quantity
                ),
            );
        }
    }
}

/// Invariant 8: remaining quantities agree with the quantity applications, and stock per bucket
/// equals the sum of remaining quantities.
fn check_applications(ledger: &Ledger, violations: &mut Vec<InvariantViolation>) {
    let mut applied_to_inbound: HashMap<u64, Decimal> = HashMap::new();
    let mut applied_to_outbound: HashMap<u64, Decimal> = HashMap::new();
    for row in ledger.item_application_entries() {
        if !row.is_quantity_application() {
            continue;
        }
        *applied_to_inbound
            .entry(row.inbound_item_entry_no)
            .or_default() += row.quantity;
        *applied_to_outbound
            .entry(row.outbound_item_entry_no)
            .or_default() += row.quantity;
        let (Some(inbound), Some(outbound)) = (
            ledger.item_ledger_entry(row.inbound_item_entry_no),
            ledger.item_ledger_entry(row.outbound_item_entry_no),
        ) else {
            violation(
                violations,
                8,
                format!("application {} names a missing entry", row.entry_no),
            );
            continue;
        };
        let same_bucket = inbound.item == outbound.item
            && inbound.location == outbound.location
            && inbound.variant_code == outbound.variant_code;
        if !same_bucket || inbound.quantity <= Decimal::ZERO || outbound.quantity >= Decimal::ZERO {
            violation(
                violations,
                8,
                format!(
                    "application {} joins entries {} and {} that cannot apply",
                    row.entry_no, inbound.entry_no, outbound.entry_no
                ),
            );
        }
    }
    let mut remaining_per_bucket: HashMap<BucketKey, (Decimal, Decimal)> = HashMap::new();
    for entry in ledger.item_ledger_entries() {
        let no = entry.entry_no;
        let used = entry.quantity - entry.remaining_quantity;
        let applied = if entry.is_positive() {
            -applied_to_inbound.get(&no).copied().unwrap_or_default()
        } else {
            applied_to_outbound.get(&no).copied().unwrap_or_default()
        };
        if used != applied {
            violation(
                violations,
                8,
                format!("entry {no}: quantity − remaining = {used} but its applications sum to {applied}"),
            );
        }
        let sign_ok = entry.remaining_quantity.is_zero()
            || (entry.remaining_quantity.is_sign_positive() == entry.quantity.is_sign_positive());
        if !sign_ok || entry.remaining_quantity.abs() > entry.quantity.abs() {
            violation(
                violations,
                8,
                format!(
                    "entry {no}: remaining quantity {} does not fit quantity {}",
                    entry.remaining_quantity, entry.quantity
                ),
            );
        }
        let key = BucketKey {
            item: entry.item,
            location: entry.location,
            variant_code: entry.variant_code.clone(),
        };
        let sums = remaining_per_bucket.entry(key).or_default();
        sums.0 += entry.quantity;
        sums.1 += entry.remaining_quantity;
    }
    for (key, (quantity, remaining)) in remaining_per_bucket {
        let tracked = ledger.bucket_quantity(&key);
        if quantity != remaining || quantity != tracked {
            violation(
                violations,
                8,
                format!(
                    "item {} at \"{}\": Σ quantity {quantity}, Σ remaining {remaining}, stock on hand {tracked} differ",
                    ledger.item_no(key.item),
                    ledger.location_code(key.location)
                ),
            );
        }
    }
}

/// Invariant 16: non-revaluation value entries of an entry share one valuation date; an outbound's
/// valuation date is on or after the valuation dates of its inbounds, and on or after its posting
/// date unless it is fixed-applied (then it is its inbound's); a revaluation's valuation date is
/// on or after its posting date.
fn check_valuation_dates(ledger: &Ledger, violations: &mut Vec<InvariantViolation>) {
    for entry in ledger.item_ledger_entries() {
        let no = entry.entry_no;
        let mut shared: Option<NaiveDate> = None;
        for value in ledger.value_entries_of(no) {
            if value.entry_type == CostEntryType::Revaluation {
                // An applies-to revaluation (not partial) is valued on its entry's posting date.
                if value.valuation_date < value.posting_date && value.partial_revaluation {
                    violation(
                        violations,
                        16,
                        format!(
                            "revaluation value entry {} is valued before it is posted",
                            value.entry_no
                        ),
                    );
                }
                continue;
            }
            match shared {
                None => shared = Some(value.valuation_date),
                Some(date) if date != value.valuation_date => violation(
                    violations,
                    16,
                    format!(
                        "entry {no}: value entries valued on {date} and {}",
                        value.valuation_date
                    ),
                ),
                Some(_) => {}
            }
        }
        let Some(valuation_date) = shared else {
            continue;
        };
        if entry.is_positive() {
            continue;
        }
        // A fixed application (Applies-to Entry) is valued on its inbound's date, which may be
        // earlier than its own posting date (spec §1.10, corrected 2026-12).
        if valuation_date < entry.posting_date && entry.applies_to_entry.is_none() {
            violation(
                violations,
                16,
                format!(
                    "outbound entry {no} is valued on {valuation_date}, before its posting date {}",
                    entry.posting_date
                ),
            );
        }
        for row in ledger
            .applications_of(no)
            .filter(|row| row.outbound_item_entry_no == no && row.is_quantity_application())
        {
            let inbound_date = ledger.direct_cost_valuation_date(row.inbound_item_entry_no);
            if inbound_date.is_some_and(|date| date > valuation_date) {
                violation(
                    violations,
                    16,
                    format!("outbound entry {no} is valued on {valuation_date}, before inbound entry {} it applies to", row.inbound_item_entry_no),
                );
            }
        }
    }
}
