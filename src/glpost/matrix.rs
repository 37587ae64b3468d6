//! The account pair matrix (spec §2.2): for a value entry's item ledger entry type, cost entry
//! type, variance type and part (expected or actual), which account receives +amount and which
//! balances it with −amount.

use crate::ledger::{CostEntryType, ItemLedgerEntryType, VarianceType};
use crate::rules::AccountRole;

/// The two parts of a value entry's cost that post separately.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CostPart {
    /// Cost Amount (Expected): the interim pair.
    Expected,
    /// Cost Amount (Actual).
    Actual,
}

/// An account pair: `account` receives +x, `balancing` receives −x.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccountPair {
    pub account: AccountRole,
    pub balancing: AccountRole,
}

/// A combination the matrix does not allow, such as indirect cost on a sale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CombinationNotAllowed {
    pub item_ledger_entry_type: ItemLedgerEntryType,
    pub entry_type: CostEntryType,
    pub part: CostPart,
}

impl std::fmt::Display for CombinationNotAllowed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the combination {} / {} / {:?} cost is not allowed by the account matrix",
            self.item_ledger_entry_type.as_str(),
            self.entry_type.as_str(),
            self.part
        )
    }
}

/// The account pair of one part of a value entry (spec §2.2).
pub fn account_pair(
    item_ledger_entry_type: ItemLedgerEntryType,
    entry_type: CostEntryType,
    variance_type: Option<VarianceType>,
    part: CostPart,
) -> Result<AccountPair, CombinationNotAllowed> {
    use AccountRole as R;
    use CostEntryType as E;
    use CostPart::{Actual, Expected};
    use ItemLedgerEntryType as T;
    let pair = |account, balancing| Some(AccountPair { account, balancing });
    let found = match (item_ledger_entry_type, entry_type, part) {
        (T::Purchase, E::DirectCost | E::Revaluation, Expected) => {
            pair(R::InventoryInterim, R::InvtAccrualInterim)
        }
        (T::Purchase, E::DirectCost, Actual) => pair(R::Inventory, R::DirectCostApplied),
        (T::Purchase, E::IndirectCost, Actual) => pair(R::Inventory, R::OverheadApplied),
        (T::Purchase, E::Variance, Actual) if variance_type == Some(VarianceType::Purchase) => {
            pair(R::Inventory, R::PurchaseVariance)
        }
        (T::Sale, E::DirectCost | E::Revaluation, Expected) => {
            pair(R::InventoryInterim, R::CogsInterim)
        }
        (T::Sale, E::DirectCost, Actual) => pair(R::Inventory, R::Cogs),
        (T::PositiveAdjmt | T::NegativeAdjmt | T::Transfer, E::DirectCost, Expected) => {
            pair(R::InventoryInterim, R::CogsInterim)
        }
        (T::PositiveAdjmt | T::NegativeAdjmt | T::Transfer, E::DirectCost, Actual) => {
            pair(R::Inventory, R::InventoryAdjmt)
        }
        (T::Consumption, E::DirectCost, Actual) => pair(R::Inventory, R::WipInventory),
        (T::Output, E::DirectCost | E::Revaluation, Expected) => {
            pair(R::InventoryInterim, R::WipInventory)
        }
        (T::Output, E::DirectCost, Actual) => pair(R::Inventory, R::WipInventory),
        (T::Output | T::AssemblyOutput, E::IndirectCost, Actual) => {
            pair(R::Inventory, R::OverheadApplied)
        }
        (T::Output | T::AssemblyOutput, E::Variance, Actual) => {
            manufacturing_variance(variance_type).and_then(|role| pair(R::Inventory, role))
        }
        (T::AssemblyConsumption | T::AssemblyOutput, E::DirectCost, Actual) => {
            pair(R::Inventory, R::InventoryAdjmt)
        }
        (_, E::Revaluation | E::Rounding, Actual) => pair(R::Inventory, R::InventoryAdjmt),
        _ => None,
    };
    found.ok_or(CombinationNotAllowed {
        item_ledger_entry_type,
        entry_type,
        part,
    })
}

fn manufacturing_variance(variance_type: Option<VarianceType>) -> Option<AccountRole> {
    match variance_type? {
        VarianceType::Material => Some(AccountRole::MaterialVariance),
        VarianceType::Capacity => Some(AccountRole::CapacityVariance),
        VarianceType::Subcontracted => Some(AccountRole::SubcontractedVariance),
        VarianceType::CapacityOverhead => Some(AccountRole::CapOverheadVariance),
        VarianceType::ManufacturingOverhead => Some(AccountRole::MfgOverheadVariance),
        VarianceType::Purchase => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AccountRole as R;
    use CostEntryType as E;
    use ItemLedgerEntryType as T;

    fn roles(t: T, e: E, v: Option<VarianceType>, part: CostPart) -> Option<(R, R)> {
        account_pair(t, e, v, part)
            .ok()
            .map(|pair| (pair.account, pair.balancing))
    }

    #[test]
    fn purchase_rows() {
        assert_eq!(
            roles(T::Purchase, E::DirectCost, None, CostPart::Expected),
            Some((R::InventoryInterim, R::InvtAccrualInterim))
        );
        assert_eq!(
            roles(T::Purchase, E::DirectCost, None, CostPart::Actual),
            Some((R::Inventory, R::DirectCostApplied))
        );
        assert_eq!(
            roles(T::Purchase, E::IndirectCost, None, CostPart::Actual),
            Some((R::Inventory, R::OverheadApplied))
        );
        assert_eq!(
            roles(
                T::Purchase,
                E::Variance,
                Some(VarianceType::Purchase),
                CostPart::Actual
            ),
            Some((R::Inventory, R::PurchaseVariance))
        );
        assert_eq!(
            roles(T::Purchase, E::Revaluation, None, CostPart::Actual),
            Some((R::Inventory, R::InventoryAdjmt))
        );
        assert_eq!(
            roles(T::Purchase, E::Rounding, None, CostPart::Actual),
            Some((R::Inventory, R::InventoryAdjmt))
        );
    }

    #[test]
    fn sale_and_adjustment_rows() {
        assert_eq!(
            roles(T::Sale, E::DirectCost, None, CostPart::Expected),
            Some((R::InventoryInterim, R::CogsInterim))
        );
        assert_eq!(
            roles(T::Sale, E::DirectCost, None, CostPart::Actual),
            Some((R::Inventory, R::Cogs))
        );
        assert_eq!(
            roles(T::Sale, E::Revaluation, None, CostPart::Actual),
            Some((R::Inventory, R::InventoryAdjmt))
        );
        assert_eq!(
            roles(T::Transfer, E::DirectCost, None, CostPart::Actual),
            Some((R::Inventory, R::InventoryAdjmt))
        );
        assert_eq!(
            roles(T::NegativeAdjmt, E::Rounding, None, CostPart::Actual),
            Some((R::Inventory, R::InventoryAdjmt))
        );
    }

    #[test]
    fn forbidden_combinations() {
        assert_eq!(
            roles(T::Sale, E::IndirectCost, None, CostPart::Actual),
            None
        );
        assert_eq!(
            roles(
                T::Sale,
                E::Variance,
                Some(VarianceType::Purchase),
                CostPart::Actual
            ),
            None
        );
        assert_eq!(
            roles(T::Transfer, E::IndirectCost, None, CostPart::Actual),
            None
        );
        assert_eq!(
            roles(T::Purchase, E::Variance, None, CostPart::Actual),
            None
        );
        assert_eq!(
            roles(T::Purchase, E::IndirectCost, None, CostPart::Expected),
            None
        );
        assert_eq!(
            roles(T::Consumption, E::DirectCost, None, CostPart::Expected),
            None
        );
    }
}
