//! `stockpost post-cost`: replay the journals (their value entries queue when automatic cost
//! posting is off), then "Post Inventory Cost to G/L" and print what it posted per account and
//! what it skipped.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use stockpost::books::Books;
use stockpost::glpost::{CostPostingMode, CostPostingResult};
use stockpost::report::cost_posting::{
    gl_account_totals, gl_account_totals_footer, skipped_rows, GlAccountTotalRow, SkippedRow,
};
use stockpost::report::render::{render_csv, render_json, render_table};
use stockpost::rules::RuleSetAccounts;
use stockpost::store::BatchCommand;

use super::adjust::skipped_text;
use super::company::Company;
use super::failure::CliError;
use super::inputs::{write_stdout, CompanyArgs, Format};
use super::post::finish;
use super::replay::{replay, Progress, Replay};
use super::stored::{company_folder, open};

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str = "Post inventory cost to G/L: post the value entries waiting in \
    the G/L queue of a company's store, or after replaying journal files in memory.\n\n\
    Without journal files the store's queue is posted (--company DIR, default the current \
    folder) and the run is stored as one batch. With journal files nothing is stored: the \
    journals are posted in memory as `stockpost post --dry-run` posts them. When the company's automatic cost \
    posting is off (config/company.toml, inventory_setup.automatic_cost_posting = false), their \
    value entries wait in the G/L queue; this command then posts the queue, one G/L transaction \
    per value entry (--per-entry, the default) or compressed per posting date, account, posting \
    groups and dimensions under one document no. (--per-group --document-no NO). With \
    automatic cost posting on, the queue is empty and nothing is posted.\n\n\
    The summary: value entries in the queue, value entries posted, the G/L entries created per \
    account (names from the chart), and the value entries skipped with the reason (missing \
    mapping, blocked account, posting date not open); skipped entries stay queued.\n\n\
    Examples:\n  \
    stockpost post-cost --company acme\n  \
    stockpost post-cost --company acme journals/*.csv   (in memory, nothing stored)\n  \
    stockpost post-cost --per-group --document-no INVT-2610 week1.csv week2.csv\n  \
    stockpost post-cost --format json journals/*.csv\n\n\
    Exit status: 0 posted; 1 posted, but some value entries were skipped; 2 usage or input \
    error (bad configuration, rules or journal).";

#[derive(Debug, Args)]
pub struct PostCostArgs {
    #[command(flatten)]
    pub company: CompanyArgs,
    /// One G/L transaction per value entry, with the value entry's document no. (the default)
    #[arg(long, conflicts_with = "per_group")]
    pub per_entry: bool,
    /// Compress per posting date, account, posting groups and dimensions (needs --document-no)
    #[arg(long, requires = "document_no")]
    pub per_group: bool,
    /// Document no. of the compressed G/L entries
    #[arg(long, value_name = "NO", requires = "per_group")]
    pub document_no: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Journal files to replay in memory first (nothing is stored); none: the company's store
    #[arg(value_name = "JOURNAL")]
    pub journals: Vec<PathBuf>,
}

/// What `stockpost post-cost` prints (also its JSON document).
#[derive(Debug, Serialize)]
pub struct PostCostReport {
    pub company: String,
    pub currency: String,
    pub automatic_cost_posting: bool,
    /// `per entry` or `per posting group, document no. NO`.
    pub mode: String,
    /// Value entries waiting in the queue before the run.
    pub queued_before: u64,
    pub value_entries_posted: u64,
    pub gl_entries_created: u64,
    pub gl_accounts: Vec<GlAccountTotalRow>,
    pub skipped: Vec<SkippedRow>,
    /// Value entries still waiting after the run (the skipped ones).
    pub queued_after: u64,
}

pub fn run(args: &PostCostArgs) -> ExitCode {
    finish(post_cost(args))
}

fn post_cost(args: &PostCostArgs) -> Result<Vec<String>, CliError> {
    let (report, mut problems) = if args.journals.is_empty() {
        (post_cost_store(args)?, Vec::new())
    } else {
        let (company, journals) = args.company.load(&args.journals)?;
        let options = args.company.journals_only();
        let mut run = replay(&company, &journals, &options, &Progress::for_stderr())?;
        (post_queue(&company, &mut run, mode(args)), run.problems)
    };
    write_stdout(&match args.format {
        Format::Table => render_text(&report),
        Format::Json => render_json(&report),
        Format::Csv => [render_csv(&report.gl_accounts), render_csv(&report.skipped)].join("\n"),
    })?;
    for skipped in &report.skipped {
        problems.push(format!(
            "value entry {} not posted to the G/L, it stays queued: {}",
            skipped.value_entry_no, skipped.reason
        ));
    }
    Ok(problems)
}

fn mode(args: &PostCostArgs) -> CostPostingMode {
    match (&args.document_no, args.per_group) {
        (Some(document_no), true) => CostPostingMode::PerPostingGroup {
            document_no: document_no.clone(),
        },
        _ => CostPostingMode::PerEntry,
    }
}

/// Posts the replayed books' G/L queue and summarises the run.
pub fn post_queue(company: &Company, run: &mut Replay, mode: CostPostingMode) -> PostCostReport {
    let accounts = RuleSetAccounts::new(&company.rules);
    let before = QueueBefore::of(&run.books);
    let mode_text = describe(&mode);
    let result = run.books.post_inventory_cost_to_gl(mode, &accounts);
    post_cost_report(company, &run.books, mode_text, before, &result)
}

/// The queue and the G/L before a run.
pub struct QueueBefore {
    queued: u64,
    first_gl_entry: u64,
}

impl QueueBefore {
    pub fn of(books: &Books) -> QueueBefore {
        QueueBefore {
            queued: books.general_ledger.queue().len() as u64,
            first_gl_entry: books.general_ledger.entries().len() as u64 + 1,
        }
    }
}

fn describe(mode: &CostPostingMode) -> String {
    match mode {
        CostPostingMode::PerEntry => "per entry".to_string(),
        CostPostingMode::PerPostingGroup { document_no } => {
            format!("per posting group, document no. {document_no}")
        }
    }
}

/// The report of a G/L posting run on `books`.
fn post_cost_report(
    company: &Company,
    books: &Books,
    mode: String,
    before: QueueBefore,
    result: &CostPostingResult,
) -> PostCostReport {
    let general_ledger = &books.general_ledger;
    let next_gl_entry = general_ledger.entries().len() as u64 + 1;
    let config = books.ledger.config();
    PostCostReport {
        company: config.name.clone(),
        currency: config.currency.clone(),
        automatic_cost_posting: config.inventory_setup.automatic_cost_posting,
        mode,
        queued_before: before.queued,
        value_entries_posted: result.posted_value_entries,
        gl_entries_created: next_gl_entry - before.first_gl_entry,
        gl_accounts: gl_account_totals(
            general_ledger,
            company.chart(),
            before.first_gl_entry..next_gl_entry,
        ),
        skipped: skipped_rows(&result.skipped),
        queued_after: general_ledger.queue().len() as u64,
    }
}

/// Posts the company store's G/L queue as one batch.
fn post_cost_store(args: &PostCostArgs) -> Result<PostCostReport, CliError> {
    if args.company.work_date.is_some() {
        return Err(CliError::input("--work-date needs journal files")
            .hint("posting the store's queue has no work date"));
    }
    let folder = company_folder(args.company.company.as_deref());
    let mut session = open(&folder, false)?;
    let before = QueueBefore::of(session.books());
    let mode = mode(args);
    let mode_text = describe(&mode);
    let per_posting_group = match mode {
        CostPostingMode::PerEntry => None,
        CostPostingMode::PerPostingGroup { document_no } => Some(document_no),
    };
    let committed = session.run(BatchCommand::PostInventoryCost { per_posting_group })?;
    let result = committed
        .outcome
        .cost_posting
        .expect("a G/L posting batch posts");
    Ok(post_cost_report(
        session.company(),
        session.books(),
        mode_text,
        before,
        &result,
    ))
}

fn render_text(report: &PostCostReport) -> String {
    let mut out = format!(
        "{} (amounts in {})\nPost inventory cost to G/L, {}\n\n",
        report.company, report.currency, report.mode
    );
    if report.automatic_cost_posting {
        out += "automatic cost posting is on: value entries reached the G/L with their batch\n";
    }
    out += &format!(
        "{} value entries in the queue, {} posted, {} G/L entries created\n",
        report.queued_before, report.value_entries_posted, report.gl_entries_created
    );
    if !report.gl_accounts.is_empty() {
        out += "\nPer G/L account\n";
        out += &render_table(
            &report.gl_accounts,
            Some(gl_account_totals_footer(&report.gl_accounts)),
        );
        out += "\n";
    }
    out += &skipped_text(&report.skipped);
    out += &format!(
        "{} value entries left in the G/L queue\n",
        report.queued_after
    );
    out
}
