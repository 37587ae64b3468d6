//! What one G/L posting run put on each account (a cost adjustment posted to the G/L, a "post
//! inventory cost to G/L" run), and the value entries it skipped.

use std::collections::BTreeMap;
use std::ops::Range;

use rust_decimal::Decimal;
use serde::Serialize;

use super::entries::account_name;
use super::render::{amount, Column, ReportRow};
use crate::chart::ChartOfAccounts;
use crate::glpost::{GeneralLedger, SkippedValueEntry};

/// The G/L entries of one run on one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GlAccountTotalRow {
    pub account_no: String,
    pub name: String,
    pub gl_entries: u64,
    /// Net amount (debit +, credit −).
    pub amount: Decimal,
}

impl ReportRow for GlAccountTotalRow {
    const COLUMNS: &'static [Column] = &[
        Column::text("account_no"),
        Column::text("name"),
        Column::number("gl_entries"),
        Column::number("amount"),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.account_no.clone(),
            self.name.clone(),
            self.gl_entries.to_string(),
            amount(self.amount),
        ]
    }
}

/// The G/L entries numbered `entry_nos` (one run's), grouped by account in account order.
pub fn gl_account_totals(
    general_ledger: &GeneralLedger,
    chart: &ChartOfAccounts,
    entry_nos: Range<u64>,
) -> Vec<GlAccountTotalRow> {
    let mut totals: BTreeMap<&str, (u64, Decimal)> = BTreeMap::new();
    for entry in entry_nos.filter_map(|no| general_ledger.entry(no)) {
        let total = totals.entry(&entry.account_no).or_default();
        total.0 += 1;
        total.1 += entry.amount;
    }
    totals
        .into_iter()
        .map(|(account_no, (gl_entries, amount))| GlAccountTotalRow {
            account_no: account_no.to_string(),
            name: account_name(chart, account_no),
            gl_entries,
            amount,
        })
        .collect()
}

/// The total line of [`gl_account_totals`]; the amount is 0.00 when every pair balances.
pub fn gl_account_totals_footer(rows: &[GlAccountTotalRow]) -> Vec<String> {
    vec![
        "total".to_string(),
        String::new(),
        rows.iter()
            .map(|row| row.gl_entries)
            .sum::<u64>()
            .to_string(),
        amount(rows.iter().map(|row| row.amount).sum()),
    ]
}

/// A value entry a G/L posting run skipped; it stays in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedRow {
    pub value_entry_no: u64,
    pub reason: String,
}

impl ReportRow for SkippedRow {
    const COLUMNS: &'static [Column] = &[Column::number("value_entry_no"), Column::text("reason")];

    fn cells(&self) -> Vec<String> {
        vec![self.value_entry_no.to_string(), self.reason.clone()]
    }
}

pub fn skipped_rows(skipped: &[SkippedValueEntry]) -> Vec<SkippedRow> {
    skipped
        .iter()
        .map(|entry| SkippedRow {
            value_entry_no: entry.value_entry_no,
            reason: entry.reason.clone(),
        })
        .collect()
}
