//! The G/L trial balance of the accounts inventory posting touched, and its reconciliation with
//! the inventory valuation: the Inventory accounts must carry the actual cost of the stock, the
//! Inventory (Interim) accounts its expected cost (when expected cost is posted to the G/L).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Serialize;

use super::entries::account_name;
use super::render::{amount, Column, ReportRow};
use super::valuation::InventoryValuation;
use crate::chart::ChartOfAccounts;
use crate::glpost::GeneralLedger;
use crate::rules::AccountRole;

/// The balance of one G/L account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrialBalanceRow {
    pub account_no: String,
    pub name: String,
    /// The roles the account was posted as (`inventory`, `cogs`...), `;`-separated.
    pub roles: String,
    pub balance: Decimal,
}

impl ReportRow for TrialBalanceRow {
    const COLUMNS: &'static [Column] = &[
        Column::text("account_no"),
        Column::text("name"),
        Column::text("roles"),
        Column::number("balance"),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.account_no.clone(),
            self.name.clone(),
            self.roles.clone(),
            amount(self.balance),
        ]
    }
}

/// The trial balance; `total` is zero when every posting was balanced.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrialBalance {
    pub rows: Vec<TrialBalanceRow>,
    pub total: Decimal,
}

impl TrialBalance {
    /// Every account with G/L entries, in account-number order.
    pub fn of(general_ledger: &GeneralLedger, chart: &ChartOfAccounts) -> TrialBalance {
        let mut accounts: BTreeMap<&str, (BTreeSet<AccountRole>, Decimal)> = BTreeMap::new();
        for entry in general_ledger.entries() {
            let account = accounts.entry(&entry.account_no).or_default();
            account.0.insert(entry.account_role);
            account.1 += entry.amount;
        }
        let rows: Vec<TrialBalanceRow> = accounts
            .into_iter()
            .map(|(account_no, (roles, balance))| TrialBalanceRow {
                account_no: account_no.to_string(),
                name: account_name(chart, account_no),
                roles: roles
                    .iter()
                    .map(|role| role.name())
                    .collect::<Vec<_>>()
                    .join(";"),
                balance,
            })
            .collect();
        TrialBalance {
            total: rows.iter().map(|row| row.balance).sum(),
            rows,
        }
    }

    pub fn footer(&self) -> Vec<String> {
        vec![
            "total".to_string(),
            String::new(),
            String::new(),
            amount(self.total),
        ]
    }
}

/// One comparison of a G/L balance with the sub-ledger figure it must equal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReconciliationRow {
    pub check: &'static str,
    pub gl_balance: Decimal,
    pub inventory_valuation: Decimal,
    pub difference: Decimal,
}

impl ReportRow for ReconciliationRow {
    const COLUMNS: &'static [Column] = &[
        Column::text("check"),
        Column::number("gl_balance"),
        Column::number("inventory_valuation"),
        Column::number("difference"),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.check.to_string(),
            amount(self.gl_balance),
            amount(self.inventory_valuation),
            amount(self.difference),
        ]
    }
}

/// Compares the balance of the entries posted as Inventory with the valuation's actual cost and,
/// when expected cost is posted to the G/L, those posted as Inventory (Interim) with its
/// expected cost.
pub fn reconcile(
    general_ledger: &GeneralLedger,
    valuation: &InventoryValuation,
    expected_cost_posting: bool,
) -> Vec<ReconciliationRow> {
    let role_balance = |role: AccountRole| -> Decimal {
        general_ledger
            .entries()
            .iter()
            .filter(|entry| entry.account_role == role)
            .map(|entry| entry.amount)
            .sum()
    };
    let row = |check, gl_balance: Decimal, inventory_valuation: Decimal| ReconciliationRow {
        check,
        gl_balance,
        inventory_valuation,
        difference: gl_balance - inventory_valuation,
    };
    let mut rows = vec![row(
        "inventory accounts = actual cost",
        role_balance(AccountRole::Inventory),
        valuation.total_cost_actual,
    )];
    if expected_cost_posting {
        rows.push(row(
            "inventory interim accounts = expected cost",
            role_balance(AccountRole::InventoryInterim),
            valuation.total_cost_expected,
        ));
    }
    rows
}
