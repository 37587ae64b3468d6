//! Account roles: the account fields of BC's Inventory Posting Setup and General Posting Setup.
//!
//! A rule returns accounts by role name; the G/L posting asks for one role at a time, chosen by
//! the account matrix (spec §2.2). Each role belongs to one side, and the side decides which rule
//! function answers it and which key that function sees.

use std::fmt;

use crate::ledger::entries::ItemLedgerEntryType;

/// Which rule function supplies a role (spec §2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RoleSide {
    /// Inventory Posting Setup: keyed by location and inventory posting group.
    Inventory,
    /// General Posting Setup: keyed by general business and general product posting group.
    General,
}

impl RoleSide {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleSide::Inventory => "inventory",
            RoleSide::General => "general",
        }
    }
}

/// One account field of the posting setup (BC "Invt. Posting Buffer" account type, enum 48).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum AccountRole {
    /// Inventory Account: the stock value of the location and posting group.
    Inventory,
    /// Inventory Account (Interim): expected cost of received or shipped, not yet invoiced goods.
    InventoryInterim,
    /// WIP Account: work in progress of production orders.
    WipInventory,
    /// Material Variance Account (standard-cost production).
    MaterialVariance,
    /// Capacity Variance Account.
    CapacityVariance,
    /// Subcontracted Variance Account.
    SubcontractedVariance,
    /// Cap. Overhead Variance Account.
    CapOverheadVariance,
    /// Mfg. Overhead Variance Account.
    MfgOverheadVariance,
    /// COGS Account: cost of goods sold, balancing the inventory credit of an invoiced sale.
    Cogs,
    /// COGS Account (Interim): expected cost of shipped, not yet invoiced goods.
    CogsInterim,
    /// Inventory Adjmt. Account: revaluation, rounding, adjustments and transfers.
    InventoryAdjmt,
    /// Invt. Accrual Acc. (Interim): goods received, not invoiced (a liability).
    InvtAccrualInterim,
    /// Direct Cost Applied Account: balances the inventory debit of an invoiced purchase.
    DirectCostApplied,
    /// Overhead Applied Account: balances indirect cost capitalised into stock.
    OverheadApplied,
    /// Purchase Variance Account: invoice price minus standard cost of standard-cost items.
    PurchaseVariance,
}

impl AccountRole {
    /// Every role, inventory side first, in the order of the documentation.
    pub const ALL: [AccountRole; 15] = [
        AccountRole::Inventory,
        AccountRole::InventoryInterim,
        AccountRole::WipInventory,
        AccountRole::MaterialVariance,
        AccountRole::CapacityVariance,
        AccountRole::SubcontractedVariance,
        AccountRole::CapOverheadVariance,
        AccountRole::MfgOverheadVariance,
        AccountRole::Cogs,
        AccountRole::CogsInterim,
        AccountRole::InventoryAdjmt,
        AccountRole::InvtAccrualInterim,
        AccountRole::DirectCostApplied,
        AccountRole::OverheadApplied,
        AccountRole::PurchaseVariance,
    ];

    /// The name rule scripts use as a map key.
    pub fn name(self) -> &'static str {
        match self {
            AccountRole::Inventory => "inventory",
            AccountRole::InventoryInterim => "inventory_interim",
            AccountRole::WipInventory => "wip",
            AccountRole::MaterialVariance => "material_variance",
            AccountRole::CapacityVariance => "capacity_variance",
            AccountRole::SubcontractedVariance => "subcontracted_variance",
            AccountRole::CapOverheadVariance => "cap_overhead_variance",
            AccountRole::MfgOverheadVariance => "mfg_overhead_variance",
            AccountRole::Cogs => "cogs",
            AccountRole::CogsInterim => "cogs_interim",
            AccountRole::InventoryAdjmt => "inventory_adjmt",
            AccountRole::InvtAccrualInterim => "invt_accrual_interim",
            AccountRole::DirectCostApplied => "direct_cost_applied",
            AccountRole::OverheadApplied => "overhead_applied",
            AccountRole::PurchaseVariance => "purchase_variance",
        }
    }

    /// The role with this script name, if any.
    pub fn from_name(name: &str) -> Option<AccountRole> {
        AccountRole::ALL
            .into_iter()
            .find(|role| role.name() == name)
    }

    /// Position in [`AccountRole::ALL`]; used to index fixed-size account tables.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn side(self) -> RoleSide {
        match self {
            AccountRole::Inventory
            | AccountRole::InventoryInterim
            | AccountRole::WipInventory
            | AccountRole::MaterialVariance
            | AccountRole::CapacityVariance
            | AccountRole::SubcontractedVariance
            | AccountRole::CapOverheadVariance
            | AccountRole::MfgOverheadVariance => RoleSide::Inventory,
            _ => RoleSide::General,
        }
    }

    /// Roles of one side, in documentation order.
    pub fn of_side(side: RoleSide) -> impl Iterator<Item = AccountRole> {
        AccountRole::ALL
            .into_iter()
            .filter(move |role| role.side() == side)
    }

    /// The roles the account matrix (spec §2.2) may ask for when posting value entries of an item
    /// ledger entry of this type; `None` is the blank type of capacity entries. Interim roles are
    /// included only when expected cost is posted to the G/L.
    pub fn required_for(
        entry_type: Option<ItemLedgerEntryType>,
        expected_cost_posting: bool,
    ) -> Vec<AccountRole> {
        use AccountRole as R;
        use ItemLedgerEntryType as T;
        const VARIANCES: [AccountRole; 5] = [
            R::MaterialVariance,
            R::CapacityVariance,
            R::SubcontractedVariance,
            R::CapOverheadVariance,
            R::MfgOverheadVariance,
        ];
        let (actual, interim): (Vec<AccountRole>, Vec<AccountRole>) = match entry_type {
            Some(T::Purchase) => (
                vec![
                    R::Inventory,
                    R::DirectCostApplied,
                    R::OverheadApplied,
                    R::PurchaseVariance,
                    R::InventoryAdjmt,
                ],
                vec![R::InventoryInterim, R::InvtAccrualInterim],
            ),
            Some(T::Sale) => (
                vec![R::Inventory, R::Cogs, R::InventoryAdjmt],
                vec![R::InventoryInterim, R::CogsInterim],
            ),
            Some(T::PositiveAdjmt | T::NegativeAdjmt | T::Transfer) => (
                vec![R::Inventory, R::InventoryAdjmt],
                vec![R::InventoryInterim, R::CogsInterim],
            ),
            Some(T::Consumption) => (
                vec![R::Inventory, R::WipInventory, R::InventoryAdjmt],
                vec![],
            ),
            Some(T::Output) => {
                let mut actual = vec![
                    R::Inventory,
                    R::WipInventory,
                    R::OverheadApplied,
                    R::InventoryAdjmt,
                ];
                actual.extend(VARIANCES);
                (actual, vec![R::InventoryInterim])
            }
            Some(T::AssemblyConsumption) => (vec![R::Inventory, R::InventoryAdjmt], vec![]),
            Some(T::AssemblyOutput) => {
                let mut actual = vec![R::Inventory, R::InventoryAdjmt, R::OverheadApplied];
                actual.extend(VARIANCES);
                (actual, vec![])
            }
            None => (
                vec![
                    R::WipInventory,
                    R::InventoryAdjmt,
                    R::DirectCostApplied,
                    R::OverheadApplied,
                ],
                vec![],
            ),
        };
        let mut roles = actual;
        if expected_cost_posting {
            roles.extend(interim);
        }
        roles.sort();
        roles
    }
}

impl fmt::Display for AccountRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_index_matches_all() {
        for (position, role) in AccountRole::ALL.into_iter().enumerate() {
            assert_eq!(AccountRole::from_name(role.name()), Some(role));
            assert_eq!(role.index(), position);
        }
        assert_eq!(AccountRole::from_name("inventory_adjustment"), None);
    }

    #[test]
    fn sale_needs_cogs_and_no_purchase_roles() {
        let roles = AccountRole::required_for(Some(ItemLedgerEntryType::Sale), false);
        assert_eq!(
            roles,
            vec![
                AccountRole::Inventory,
                AccountRole::Cogs,
                AccountRole::InventoryAdjmt
            ]
        );
    }
}
