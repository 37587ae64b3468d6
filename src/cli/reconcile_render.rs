//! The reconciliation report of `stockpost reconcile` as a text table, JSON or CSV, with the
//! line printed after each replay step and the drill-down into cells.

use serde_json::json;

use stockpost::recon::{EntryRef, ReconciliationReport};
use stockpost::report::drill::DrillCell;
use stockpost::report::render::render_table as render_rows_table;

use super::reconcile::StepCheck;

fn entry_ref(entry: &EntryRef) -> String {
    match entry {
        EntryRef::ValueEntry(no) => format!("VE{no}"),
        EntryRef::GlEntry(no) => format!("GL{no}"),
        EntryRef::TrialBalanceLine(no) => format!("TB line {no}"),
    }
}

fn entry_list(entries: &[EntryRef]) -> String {
    entries.iter().map(entry_ref).collect::<Vec<_>>().join(" ")
}

pub fn render_table(report: &ReconciliationReport) -> String {
    let mut out = format!("Inventory - G/L reconciliation, {}\n\n", report.period);
    out += &format!(
        "{:<26} {:>14} {:>14} {:>14} {:>14}\n",
        "role", "sub-ledger", "G/L", "difference", "unexplained"
    );
    for total in &report.roles {
        out += &format!(
            "{:<26} {:>14} {:>14} {:>14} {:>14}\n",
            total.role.name(),
            total.sub_ledger,
            total.general_ledger,
            total.difference,
            total.unexplained
        );
    }
    out += "\n";
    for cell in &report.cells {
        if cell.difference.is_zero() && cell.explanations.is_empty() {
            continue;
        }
        let key = &cell.key;
        out += &format!(
            "{} / {} / location '{}' / {}: sub-ledger {}, G/L {}, difference {}, unexplained {}\n",
            key.role.name(),
            key.account_no.as_deref().unwrap_or("(no account)"),
            key.location,
            key.inventory_posting_group,
            cell.sub_ledger,
            cell.general_ledger,
            cell.difference,
            cell.unexplained
        );
        for explanation in &cell.explanations {
            out += &format!(
                "    {:>12}  {} [{}]\n",
                explanation.amount,
                explanation.cause,
                entry_list(&explanation.entries)
            );
        }
    }
    for shared in &report.shared_accounts {
        let roles: Vec<&str> = shared.roles.iter().map(|role| role.name()).collect();
        out += &format!(
            "warning: account {} is mapped to several roles: {}\n",
            shared.account_no,
            roles.join(", ")
        );
    }
    for waiting in &report.waiting_for_adjustment {
        let what = if waiting.item_ledger_entries.is_empty() {
            "its average cost is not adjusted yet".to_string()
        } else {
            format!("item ledger entries {:?} wait", waiting.item_ledger_entries)
        };
        out += &format!(
            "warning: item {} waits for cost adjustment ({what}); figures will change; run with --adjust\n",
            waiting.item_no
        );
    }
    for warning in &report.warnings {
        out += &format!("warning: {warning}\n");
    }
    out
}

/// The last line of the table: `reconciled` or `NOT reconciled`.
pub fn status_line(reconciled: bool) -> &'static str {
    if reconciled {
        "reconciled\n"
    } else {
        "NOT reconciled\n"
    }
}

pub fn render_json(report: &ReconciliationReport) -> serde_json::Value {
    let cells: Vec<serde_json::Value> = report
        .cells
        .iter()
        .map(|cell| {
            let explanations: Vec<serde_json::Value> = cell
                .explanations
                .iter()
                .map(|e| {
                    json!({
                        "cause": e.cause.to_string(),
                        "amount": e.amount.to_string(),
                        "note_amount": e.note_amount.to_string(),
                        "entries": e.entries.iter().map(entry_ref).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({
                "role": cell.key.role.name(),
                "account": cell.key.account_no.as_deref(),
                "location": &*cell.key.location,
                "inventory_posting_group": &*cell.key.inventory_posting_group,
                "sub_ledger": cell.sub_ledger.to_string(),
                "general_ledger": cell.general_ledger.to_string(),
                "difference": cell.difference.to_string(),
                "unexplained": cell.unexplained.to_string(),
                "explanations": explanations,
                "value_entries": cell.value_entries,
                "gl_entries": cell.gl_entries,
            })
        })
        .collect();
    let roles: Vec<serde_json::Value> = report
        .roles
        .iter()
        .map(|t| {
            json!({
                "role": t.role.name(),
                "sub_ledger": t.sub_ledger.to_string(),
                "general_ledger": t.general_ledger.to_string(),
                "difference": t.difference.to_string(),
                "unexplained": t.unexplained.to_string(),
            })
        })
        .collect();
    let document = json!({
        "period": report.period,
        "reconciled": report.is_reconciled(),
        "explained": report.is_explained(),
        "roles": roles,
        "cells": cells,
        "shared_accounts": report.shared_accounts.iter().map(|s| json!({
            "account": &*s.account_no,
            "roles": s.roles.iter().map(|r| r.name()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "waiting_for_adjustment": report.waiting_for_adjustment.iter().map(|w| json!({
            "item": w.item_no,
            "item_ledger_entries": w.item_ledger_entries,
        })).collect::<Vec<_>>(),
        "warnings": report.warnings,
    });
    document
}

/// One row per cell and per explanation; before them one `step` row per replay step (the step's
/// name in `cause`; a step that does not reconcile has one row per role with a difference).
pub fn render_csv(report: &ReconciliationReport, steps: &[StepCheck]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let header = [
        "row",
        "role",
        "account",
        "location",
        "inventory_posting_group",
        "sub_ledger",
        "general_ledger",
        "difference",
        "unexplained",
        "cause",
        "amount",
        "entries",
    ];
    let _ = writer.write_record(header);
    for step in steps {
        for record in step_records(step) {
            let _ = writer.write_record(stockpost::report::spreadsheet_safe_record(&record));
        }
    }
    for cell in &report.cells {
        let key = &cell.key;
        let account = key.account_no.as_deref().unwrap_or("");
        let mut row = vec![
            "cell".to_string(),
            key.role.name().to_string(),
            account.to_string(),
            key.location.to_string(),
            key.inventory_posting_group.to_string(),
            cell.sub_ledger.to_string(),
            cell.general_ledger.to_string(),
            cell.difference.to_string(),
            cell.unexplained.to_string(),
        ];
        row.extend([String::new(), String::new(), String::new()]);
        let _ = writer.write_record(stockpost::report::spreadsheet_safe_record(&row));
        for explanation in &cell.explanations {
            row[0] = "explanation".to_string();
            row[9] = explanation.cause.to_string();
            row[10] = explanation.amount.to_string();
            row[11] = entry_list(&explanation.entries);
            let _ = writer.write_record(stockpost::report::spreadsheet_safe_record(&row));
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn step_records(step: &StepCheck) -> Vec<Vec<String>> {
    let record = |role: &str, difference: String, unexplained: String| {
        let mut row = vec![String::new(); 12];
        row[0] = "step".to_string();
        row[1] = role.to_string();
        row[7] = difference;
        row[8] = unexplained;
        row[9] = step.step.clone();
        row
    };
    if step.differences.is_empty() {
        return vec![record("", "0".to_string(), "0".to_string())];
    }
    step.differences
        .iter()
        .map(|d| record(&d.role, d.difference.to_string(), d.unexplained.to_string()))
        .collect()
}

/// The line printed after a replay step: whether the books reconcile then, or the differences
/// per role.
pub fn step_line(step: &StepCheck) -> String {
    if step.differences.is_empty() {
        return format!("after {}: reconciled\n", step.step);
    }
    let list = |field: fn(&super::reconcile::RoleDifference) -> rust_decimal::Decimal| {
        step.differences
            .iter()
            .filter(|d| !field(d).is_zero())
            .map(|d| format!("{} {:.2}", d.role, field(d)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let unexplained = list(|d| d.unexplained);
    let explained = if unexplained.is_empty() {
        "all explained".to_string()
    } else {
        format!("unexplained: {unexplained}")
    };
    format!(
        "after {}: NOT reconciled, differences {} ({explained})\n",
        step.step,
        list(|d| d.difference)
    )
}

/// The drill-down as text: per cell its figures, then the value entries and the G/L entries
/// behind them, each with a total.
pub fn drill_table(role: &str, cells: &[DrillCell]) -> String {
    let mut out = format!("\nDrill-down: {role}, {} cell(s)\n", cells.len());
    for cell in cells {
        out += &format!(
            "\n{} / {} / location '{}' / {}: sub-ledger {}, G/L {}, difference {}\n",
            cell.role,
            cell.account_no.as_deref().unwrap_or("(no account)"),
            cell.location,
            cell.inventory_posting_group,
            cell.sub_ledger,
            cell.general_ledger,
            cell.difference
        );
        for (title, rows, total) in [
            (
                "value entries (sub-ledger)",
                &cell.value_entries,
                cell.sub_ledger,
            ),
            ("G/L entries", &cell.gl_entries, cell.general_ledger),
        ] {
            let mut footer = vec![String::new(); 6];
            footer[0] = "total".to_string();
            footer[5] = format!("{total:.2}");
            out += &format!("{title}\n{}", render_rows_table(rows, Some(footer)));
        }
    }
    out
}

/// The drill-down as CSV: one row per entry, with its cell's key.
pub fn drill_csv(cells: &[DrillCell]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(stockpost::report::spreadsheet_safe_record([
        "role",
        "account",
        "location",
        "inventory_posting_group",
        "kind",
        "entry_no",
        "posting_date",
        "document_no",
        "item_or_account",
        "amount",
    ]));
    for cell in cells {
        let key = [
            cell.role.clone(),
            cell.account_no.clone().unwrap_or_default(),
            cell.location.clone(),
            cell.inventory_posting_group.clone(),
        ];
        for entry in cell.value_entries.iter().chain(&cell.gl_entries) {
            let mut record = key.to_vec();
            record.extend(stockpost::report::ReportRow::cells(entry));
            let _ = writer.write_record(stockpost::report::spreadsheet_safe_record(&record));
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
