//! A value entry projected onto the account roles it hits (spec §8.1).
//!
//! The spec lists the projection role by role (Inventory = Σ actual of item entries, COGS = −Σ
//! actual of sale direct cost, ...). Those formulas are exactly the account pair matrix of §2.2
//! applied to each part of each value entry: the pair's account gets +amount and its balancing
//! account −amount. Using the matrix itself keeps the reconciliation and the G/L posting from
//! drifting apart.

use rust_decimal::Decimal;

use crate::glpost::{account_pair, CostPart};
use crate::ledger::ValueEntry;
use crate::rules::AccountRole;

/// One role's share of one part of a value entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProjectedPart {
    pub part: CostPart,
    pub role: AccountRole,
    /// +1 for the pair's account, −1 for its balancing account.
    pub sign: Decimal,
}

/// The roles each non-zero part of `entry` hits, with their signs; `amounts` gives the amount of
/// each part to project (the cost itself, or a not-yet-posted delta). Combinations the matrix
/// forbids project nothing (posting rejects those).
pub fn project_value_entry(
    entry: &ValueEntry,
    amounts: impl Fn(CostPart) -> Decimal,
) -> Vec<(ProjectedPart, Decimal)> {
    let mut projected = Vec::with_capacity(4);
    for part in [CostPart::Expected, CostPart::Actual] {
        let amount = amounts(part);
        if amount.is_zero() {
            continue;
        }
        let Ok(pair) = account_pair(
            entry.item_ledger_entry_type,
            entry.entry_type,
            entry.variance_type,
            part,
        ) else {
            continue;
        };
        for (role, sign) in [
            (pair.account, Decimal::ONE),
            (pair.balancing, -Decimal::ONE),
        ] {
            let share = ProjectedPart { part, role, sign };
            projected.push((share, sign * amount));
        }
    }
    projected
}

/// The cost of a part of a value entry.
pub(crate) fn part_amount(entry: &ValueEntry, part: CostPart) -> Decimal {
    match part {
        CostPart::Expected => entry.cost_amount_expected,
        CostPart::Actual => entry.cost_amount_actual,
    }
}

/// What of a part has reached the G/L.
pub(crate) fn part_posted(entry: &ValueEntry, part: CostPart) -> Decimal {
    match part {
        CostPart::Expected => entry.expected_cost_posted_to_gl,
        CostPart::Actual => entry.cost_posted_to_gl,
    }
}
