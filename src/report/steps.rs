//! What each step of a run created (a journal batch, the cost adjustment, posting the queue to
//! the G/L), and the cost adjustment's summary per item.

use rust_decimal::Decimal;
use serde::Serialize;

use super::render::{amount, Column, ReportRow};
use crate::adjust::AdjustOutcome;

/// The entries one step created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRow {
    /// The journal file, or `adjust cost` / `post inventory cost to G/L`.
    pub step: String,
    /// Journal lines (0 for steps that are not journals).
    pub lines: u64,
    pub item_ledger_entries: u64,
    pub value_entries: u64,
    pub gl_entries: u64,
    /// Value entries the step left waiting for G/L posting.
    pub queued_for_gl: u64,
}

impl ReportRow for StepRow {
    const COLUMNS: &'static [Column] = &[
        Column::text("step"),
        Column::number("lines"),
        Column::number("item_ledger_entries"),
        Column::number("value_entries"),
        Column::number("gl_entries"),
        Column::number("queued_for_gl"),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.step.clone(),
            self.lines.to_string(),
            self.item_ledger_entries.to_string(),
            self.value_entries.to_string(),
            self.gl_entries.to_string(),
            self.queued_for_gl.to_string(),
        ]
    }
}

/// The total line over steps; the queue column is left blank because entries queued by one
/// step may be posted by a later one.
pub fn steps_footer(rows: &[StepRow]) -> Vec<String> {
    let sum = |field: fn(&StepRow) -> u64| rows.iter().map(field).sum::<u64>().to_string();
    vec![
        "total".to_string(),
        sum(|row| row.lines),
        sum(|row| row.item_ledger_entries),
        sum(|row| row.value_entries),
        sum(|row| row.gl_entries),
        String::new(),
    ]
}

/// The cost adjustment of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdjustmentRow {
    pub item: String,
    pub entries_adjusted: u64,
    pub amount: Decimal,
}

impl ReportRow for AdjustmentRow {
    const COLUMNS: &'static [Column] = &[
        Column::text("item"),
        Column::number("entries_adjusted"),
        Column::number("amount"),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.item.clone(),
            self.entries_adjusted.to_string(),
            amount(self.amount),
        ]
    }
}

/// What a cost adjustment run changed, per item, with totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdjustmentSummary {
    pub items: Vec<AdjustmentRow>,
    pub entries_adjusted: u64,
    pub amount: Decimal,
    /// Value entries the run created (adjustment and rounding entries).
    pub value_entries_created: u64,
    /// Item ledger entries left flagged because a bound was hit: `item: entry (limit)`.
    pub limit_hits: Vec<String>,
}

impl AdjustmentSummary {
    pub fn of(outcome: &AdjustOutcome) -> AdjustmentSummary {
        let items: Vec<AdjustmentRow> = outcome
            .items
            .iter()
            .map(|(item, adjustment)| AdjustmentRow {
                item: item.clone(),
                entries_adjusted: adjustment.entries_adjusted,
                amount: adjustment.amount,
            })
            .collect();
        AdjustmentSummary {
            entries_adjusted: items.iter().map(|row| row.entries_adjusted).sum(),
            amount: items.iter().map(|row| row.amount).sum(),
            value_entries_created: outcome.value_entry_nos.end - outcome.value_entry_nos.start,
            limit_hits: outcome
                .limit_hits
                .iter()
                .map(|hit| {
                    format!(
                        "item {}: item ledger entry {} ({})",
                        hit.item_no, hit.item_ledger_entry_no, hit.limit
                    )
                })
                .collect(),
            items,
        }
    }

    pub fn footer(&self) -> Vec<String> {
        vec![
            "total".to_string(),
            self.entries_adjusted.to_string(),
            amount(self.amount),
        ]
    }
}
