//! Drill-down from reconciliation cells to the entries behind their figures: the value entries
//! whose projection makes the sub-ledger figure and the G/L entries that make the G/L balance.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::render::{amount, Column, ReportRow};
use crate::books::Books;
use crate::glpost::CostPart;
use crate::ledger::ValueEntry;
use crate::recon::{project_value_entry, ReconciliationCell};
use crate::rules::AccountRole;

/// One entry behind a cell's figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrillEntryRow {
    /// `value entry` (sub-ledger side) or `G/L entry`.
    pub kind: &'static str,
    pub entry_no: u64,
    pub posting_date: NaiveDate,
    pub document_no: String,
    /// The item of a value entry; the account of a G/L entry.
    pub item_or_account: String,
    /// A value entry's share in the cell's role; a G/L entry's amount.
    pub amount: Decimal,
}

impl ReportRow for DrillEntryRow {
    const COLUMNS: &'static [Column] = &[
        Column::text("kind"),
        Column::number("entry_no"),
        Column::text("posting_date"),
        Column::text("document_no"),
        Column::text("item_or_account"),
        Column::number("amount"),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.kind.to_string(),
            self.entry_no.to_string(),
            self.posting_date.to_string(),
            self.document_no.clone(),
            self.item_or_account.clone(),
            amount(self.amount),
        ]
    }
}

/// A cell with the entries behind it. The value entries' amounts add up to `sub_ledger`, the
/// G/L entries' to `general_ledger`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrillCell {
    pub role: String,
    pub account_no: Option<String>,
    pub location: String,
    pub inventory_posting_group: String,
    pub sub_ledger: Decimal,
    pub general_ledger: Decimal,
    pub difference: Decimal,
    pub value_entries: Vec<DrillEntryRow>,
    pub gl_entries: Vec<DrillEntryRow>,
}

impl DrillCell {
    pub fn of(cell: &ReconciliationCell, books: &Books) -> DrillCell {
        let key = &cell.key;
        let ledger = &books.ledger;
        let value_entries = cell
            .value_entries
            .iter()
            .filter_map(|&no| ledger.value_entry(no))
            .map(|entry| DrillEntryRow {
                kind: "value entry",
                entry_no: entry.entry_no,
                posting_date: entry.posting_date,
                document_no: entry.document_no.to_string(),
                item_or_account: ledger.item_no(entry.item).to_string(),
                amount: role_share(entry, key.role),
            })
            .collect();
        let gl_entries = cell
            .gl_entries
            .iter()
            .filter_map(|&no| books.general_ledger.entry(no))
            .map(|entry| DrillEntryRow {
                kind: "G/L entry",
                entry_no: entry.entry_no,
                posting_date: entry.posting_date,
                document_no: entry.document_no.to_string(),
                item_or_account: entry.account_no.to_string(),
                amount: entry.amount,
            })
            .collect();
        DrillCell {
            role: key.role.name().to_string(),
            account_no: key.account_no.as_deref().map(str::to_string),
            location: key.location.to_string(),
            inventory_posting_group: key.inventory_posting_group.to_string(),
            sub_ledger: cell.sub_ledger,
            general_ledger: cell.general_ledger,
            difference: cell.difference,
            value_entries,
            gl_entries,
        }
    }
}

/// What a value entry's cost (expected and actual, posted or not) projects onto `role`: the
/// same account matrix the reconciliation's sub-ledger side uses.
pub fn role_share(entry: &ValueEntry, role: AccountRole) -> Decimal {
    project_value_entry(entry, |part| match part {
        CostPart::Expected => entry.cost_amount_expected,
        CostPart::Actual => entry.cost_amount_actual,
    })
    .into_iter()
    .filter(|(share, _)| share.role == role)
    .map(|(_, amount)| amount)
    .sum()
}
