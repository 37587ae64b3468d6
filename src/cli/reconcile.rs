//! `stockpost reconcile JOURNAL...`: replays the journals in memory, one batch per file, keeping
//! the inventory - G/L reconciliation current after each batch, and prints it for a period.
//!
//! Exit status: 0 when the books reconcile (every difference zero), 2 when they do not (so a
//! scheduler can alert on it) and also when the command could not run (unreadable or invalid
//! input), with the reason on stderr.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use stockpost::books::Books;
use stockpost::chart::ChartOfAccounts;
use stockpost::config::load_company_dir;
use stockpost::journal::parse_journal;
use stockpost::posting::PostingContext;
use stockpost::recon::{
    parse_trial_balance, EntryRef, Period, ReconciliationReport, ReconciliationState, ReportFilter,
};
use stockpost::rules::{RuleSet, RuleSetAccounts};

/// Arguments of `stockpost reconcile`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReconcileArgs {
    /// Journal files (CSV or JSONL), posted in order, one batch per file.
    pub journals: Vec<PathBuf>,
    /// Company configuration folder (with the chart of accounts, `accounts.toml`).
    #[arg(long, default_value = "config")]
    pub config: PathBuf,
    /// Folder holding the account rules (`*.rhai`).
    #[arg(long, default_value = "rules")]
    pub rules: PathBuf,
    /// Balances as of this date (YYYY-MM-DD).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub as_of: Option<NaiveDate>,
    /// Net change from this date (with --to).
    #[arg(long, requires = "to")]
    pub from: Option<NaiveDate>,
    /// Net change up to this date (with --from).
    #[arg(long, requires = "from")]
    pub to: Option<NaiveDate>,
    /// Only this location code.
    #[arg(long)]
    pub location: Option<String>,
    /// Only this G/L account.
    #[arg(long)]
    pub account: Option<String>,
    /// The real G/L's trial balance (CSV: account,from,to,balance), to find direct postings.
    #[arg(long)]
    pub gl: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReconcileFormat::Table)]
    pub format: ReconcileFormat,
}

/// How `reconcile` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReconcileFormat {
    /// Role totals, then every cell with a difference or an explanation, then warnings.
    Table,
    /// One JSON document.
    Json,
    /// One row per cell and per explanation.
    Csv,
}

/// Runs the command.
pub fn run(args: &ReconcileArgs) -> ExitCode {
    match reconcile(args) {
        Ok(report) => {
            let text = match args.format {
                ReconcileFormat::Table => render_table(&report),
                ReconcileFormat::Json => render_json(&report),
                ReconcileFormat::Csv => render_csv(&report),
            };
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            ExitCode::from(if report.is_reconciled() { 0 } else { 2 })
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))
}

fn reconcile(args: &ReconcileArgs) -> Result<ReconciliationReport, String> {
    let chart = ChartOfAccounts::load(&args.config.join(super::rules::CHART_FILE))
        .map_err(|error| error.to_string())?;
    let config = load_company_dir(&args.config).map_err(|error| error.to_string())?;
    let rules = RuleSet::load(&args.rules, &config, &chart).map_err(|error| error.to_string())?;
    let accounts = RuleSetAccounts::new(&rules);
    let mut books = Books::new(config);
    let mut state = ReconciliationState::from_books(&books, &accounts);
    for path in &args.journals {
        let name = path.display().to_string();
        let lines = parse_journal(&name, &read(path)?).map_err(|error| error.to_string())?;
        let Some(last) = lines.last() else {
            continue;
        };
        let context = PostingContext {
            work_date: last.posting_date,
        };
        books
            .post_journal(&lines, &context, &accounts)
            .map_err(|error| format!("{error} (nothing of {name} was posted)"))?;
        state.apply_new_entries(&books, &accounts);
    }
    let trial_balance = match &args.gl {
        Some(path) => Some(
            parse_trial_balance(&path.display().to_string(), &read(path)?)
                .map_err(|error| error.to_string())?,
        ),
        None => None,
    };
    let filter = ReportFilter {
        period: period(args),
        location: args.location.clone(),
        account_no: args.account.clone(),
        trial_balance,
        chart: Some(chart),
    };
    Ok(state.report(&books, &accounts, &filter))
}

fn period(args: &ReconcileArgs) -> Period {
    match (args.as_of, args.from, args.to) {
        (Some(date), _, _) => Period::AsOf(date),
        (None, Some(from), Some(to)) => Period::Range { from, to },
        _ => Period::All,
    }
}

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

fn render_table(report: &ReconciliationReport) -> String {
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
        out += &format!(
            "warning: item {} waits for cost adjustment (item ledger entries {:?}); figures will change\n",
            waiting.item_no, waiting.item_ledger_entries
        );
    }
    for warning in &report.warnings {
        out += &format!("warning: {warning}\n");
    }
    out += if report.is_reconciled() {
        "reconciled\n"
    } else {
        "NOT reconciled\n"
    };
    out
}

fn render_json(report: &ReconciliationReport) -> String {
    use serde_json::json;
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
    format!("{document:#}\n")
}

fn render_csv(report: &ReconciliationReport) -> String {
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
        let _ = writer.write_record(&row);
        for explanation in &cell.explanations {
            row[0] = "explanation".to_string();
            row[9] = explanation.cause.to_string();
            row[10] = explanation.amount.to_string();
            row[11] = entry_list(&explanation.entries);
            let _ = writer.write_record(&row);
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}
