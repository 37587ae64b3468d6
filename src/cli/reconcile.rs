//! `stockpost reconcile JOURNAL...`: replays the journals through the shared pipeline, keeping
//! the inventory - G/L reconciliation current after each step and saying after each whether the
//! books reconcile, then prints the reconciliation for a period, or drills into the cells of one
//! role.
//!
//! Exit status: 0 when the books reconcile (every difference zero), 2 when they do not (so a
//! scheduler can alert on it) and also when the command could not run (bad arguments or input);
//! stderr says which of the two it is.

use std::path::PathBuf;
use std::process::ExitCode;
use stockpost::report::terminal::for_terminal;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use stockpost::recon::{
    parse_trial_balance, Period, ReconciliationReport, ReconciliationState, ReportFilter,
    TrialBalance,
};
use stockpost::report::drill::DrillCell;
use stockpost::rules::{AccountRole, RuleSetAccounts};

use super::company::Company;
use super::failure::CliError;
use super::inputs::{write_stdout, Format, PostingArgs};
use super::reconcile_render::{
    drill_csv, drill_table, render_csv, render_json, render_table, status_line, step_line,
};
use super::replay::{replay_observed, Progress, Replay};
use super::stored::{company_folder, open, uses_store};

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str = "Inventory - G/L reconciliation of a company's store, or of \
    journals replayed in memory.\n\n\
    Without journal files the company's stored books are reconciled (--company DIR, default \
    the current folder; nothing is written). With journal files they \
    are posted in memory as `stockpost post --dry-run` posts them (same options: --company, \
    --work-date, the rule `cost_adjustment_trigger` after each batch, --adjust, --post-cost). \
    The reconciliation is kept current after every step, and after each step one line says \
    whether the books reconcile then, or the difference per role. Then the report for the \
    period: per role the sub-ledger projected onto it, the G/L balance of the accounts mapped to \
    it and the difference; every cell (role, G/L account, location, inventory posting group) with \
    a difference, each difference broken down by cause with the entries behind it; warnings.\n\n\
    --drill ROLE lists, for the cells of the role (narrowed by --account and --location), the \
    value entries and G/L entries behind the figures: entry no., date, document, amount.\n\n\
    Roles: inventory, inventory_interim, wip, cogs, cogs_interim, inventory_adjmt, \
    invt_accrual_interim, direct_cost_applied, overhead_applied, purchase_variance and the \
    variance roles (see docs/rules.md).\n\n\
    Examples:\n  \
    stockpost reconcile --company acme\n  \
    stockpost reconcile --company acme journals/*.csv\n  \
    stockpost reconcile --as-of 2026-10-31 --gl tb-2610.csv journals/*.csv\n  \
    stockpost reconcile --adjust --post-cost per-entry --format json journals/*.csv\n  \
    stockpost reconcile --drill inventory --account 1205 journals/*.csv\n\n\
    Exit status: 0 the books reconcile; 2 they do not (\"not reconciled\" on stderr), and also \
    2 for a usage or input error (\"error: ...\" on stderr, nothing on stdout): a scheduler \
    alerting on 2 catches both.";

/// Arguments of `stockpost reconcile`.
#[derive(Debug, clap::Args)]
pub struct ReconcileArgs {
    #[command(flatten)]
    pub posting: PostingArgs,
    /// Balances as of this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE", conflicts_with_all = ["from", "to"])]
    pub as_of: Option<NaiveDate>,
    /// Net change from this date (with --to)
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<NaiveDate>,
    /// Net change up to this date (with --from)
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<NaiveDate>,
    /// Only this location code
    #[arg(long, value_name = "CODE")]
    pub location: Option<String>,
    /// Only this G/L account
    #[arg(long, value_name = "NO")]
    pub account: Option<String>,
    /// The real G/L's trial balance (CSV: account,from,to,balance), to find direct postings
    #[arg(long, value_name = "FILE")]
    pub gl: Option<PathBuf>,
    /// List the value entries and G/L entries behind the cells of this role
    #[arg(long, value_name = "ROLE")]
    pub drill: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Journal files to replay in memory (CSV or JSONL, one batch per file); none: the
    /// company's store
    #[arg(value_name = "JOURNAL")]
    pub journals: Vec<PathBuf>,
}

/// Whether the books reconciled after one replay step.
#[derive(Debug, Clone, Serialize)]
pub struct StepCheck {
    pub step: String,
    pub reconciled: bool,
    /// Roles with a cell that differs (empty when reconciled).
    pub differences: Vec<RoleDifference>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleDifference {
    pub role: String,
    pub difference: Decimal,
    pub unexplained: Decimal,
}

/// Runs the command.
pub fn run(args: &ReconcileArgs) -> ExitCode {
    match reconcile(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("not reconciled: the G/L and the sub-ledger differ (exit status 2)");
            ExitCode::from(2)
        }
        Err(error) => error
            .hint("this is an input error, not a reconciliation result: nothing was reconciled")
            .report(),
    }
}

/// Replays, prints, and returns whether the books reconcile.
fn reconcile(args: &ReconcileArgs) -> Result<bool, CliError> {
    let drill = args.drill.as_deref().map(drill_role).transpose()?;
    let trial_balance = args.gl.as_ref().map(read_trial_balance).transpose()?;
    let folder = args.posting.company.company.as_deref();
    if args.journals.is_empty() && uses_store(folder) {
        let (company, books, state) = open(&company_folder(folder), true)?.into_parts();
        let run = Replay {
            books,
            steps: Vec::new(),
            adjustment: None,
            problems: Vec::new(),
        };
        return finish_report(args, &company, &run, &state, &[], drill, trial_balance);
    }
    let (company, journals, options) = args.posting.resolve(&args.journals, false)?;
    let accounts = RuleSetAccounts::new(&company.rules);
    let mut state = ReconciliationState::default();
    let mut steps = Vec::new();
    let step_filter = ReportFilter {
        location: args.location.clone(),
        account_no: args.account.clone(),
        ..ReportFilter::default()
    };
    let mut after_step = |run: &Replay| {
        state.apply_new_entries(&run.books, &accounts);
        let report = state.report(&run.books, &accounts, &step_filter);
        let name = run.steps.last().map_or("", |step| step.step.as_str());
        steps.push(step_check(name, &report));
    };
    let progress = Progress::for_stderr();
    let run = replay_observed(&company, &journals, &options, &progress, &mut after_step)?;
    for problem in &run.problems {
        eprintln!("problem: {}", for_terminal(problem));
    }
    finish_report(args, &company, &run, &state, &steps, drill, trial_balance)
}

/// Prints the report of the books in `run` and returns whether they reconcile.
fn finish_report(
    args: &ReconcileArgs,
    company: &Company,
    run: &Replay,
    state: &ReconciliationState,
    steps: &[StepCheck],
    drill: Option<AccountRole>,
    trial_balance: Option<TrialBalance>,
) -> Result<bool, CliError> {
    let accounts = RuleSetAccounts::new(&company.rules);
    let filter = ReportFilter {
        period: period(args),
        trial_balance,
        chart: Some(company.chart().clone()),
        location: args.location.clone(),
        account_no: args.account.clone(),
    };
    let report = state.report(&run.books, &accounts, &filter);
    let drilled = drill.map(|role| (role.name(), drill_cells(&report, role, run)));
    let drilled = drilled
        .as_ref()
        .map(|(role, cells)| (*role, cells.as_slice()));
    write_stdout(&render(args.format, &report, steps, drilled))?;
    Ok(report.is_reconciled())
}

fn drill_role(name: &str) -> Result<AccountRole, CliError> {
    AccountRole::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = AccountRole::ALL.iter().map(|role| role.name()).collect();
        CliError::input(format!("--drill {name}: there is no account role {name}"))
            .hint(format!("pass one of: {}", names.join(", ")))
    })
}

fn read_trial_balance(path: &PathBuf) -> Result<TrialBalance, CliError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|error| {
        CliError::input(format!("cannot read trial balance {name}: {error}"))
            .hint("check the path given to --gl")
    })?;
    parse_trial_balance(&name, &text).map_err(|error| {
        CliError::input(error.to_string())
            .hint("the trial balance is CSV with the header account,from,to,balance")
    })
}

fn period(args: &ReconcileArgs) -> Period {
    match (args.as_of, args.from, args.to) {
        (Some(date), _, _) => Period::AsOf(date),
        (None, Some(from), Some(to)) => Period::Range { from, to },
        _ => Period::All,
    }
}

fn step_check(step: &str, report: &ReconciliationReport) -> StepCheck {
    let differences = report
        .roles
        .iter()
        .filter_map(|total| {
            let of_role = || {
                report
                    .cells
                    .iter()
                    .filter(|cell| cell.key.role == total.role)
            };
            let difference: rust_decimal::Decimal = of_role()
                .map(|cell| cell.difference_beyond_shared_account())
                .sum();
            let differs = of_role().any(|cell| !cell.difference_beyond_shared_account().is_zero());
            differs.then(|| RoleDifference {
                role: total.role.name().to_string(),
                difference,
                unexplained: total.unexplained,
            })
        })
        .collect();
    StepCheck {
        step: step.to_string(),
        reconciled: report.is_reconciled(),
        differences,
    }
}

fn drill_cells(report: &ReconciliationReport, role: AccountRole, run: &Replay) -> Vec<DrillCell> {
    report
        .cells
        .iter()
        .filter(|cell| cell.key.role == role)
        .map(|cell| DrillCell::of(cell, &run.books))
        .collect()
}

fn render(
    format: Format,
    report: &ReconciliationReport,
    steps: &[StepCheck],
    drill: Option<(&str, &[DrillCell])>,
) -> String {
    match (format, drill) {
        (Format::Table, _) => {
            let mut out: String = steps.iter().map(step_line).collect();
            out += "\n";
            out += &render_table(report);
            if let Some((role, cells)) = drill {
                out += &drill_table(role, cells);
            }
            out + status_line(report.is_reconciled())
        }
        (Format::Json, _) => {
            let mut document = render_json(report);
            document["steps"] = serde_json::json!(steps);
            if let Some((role, cells)) = drill {
                document["drill"] = serde_json::json!({ "role": role, "cells": cells });
            }
            format!("{document:#}\n")
        }
        (Format::Csv, Some((_, cells))) => drill_csv(cells),
        (Format::Csv, None) => render_csv(report, steps),
    }
}
