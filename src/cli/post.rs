//! `stockpost post`: post journal files into a company's books, batch by batch, optionally
//! adjust cost and post the G/L queue, and print the run report. Also the report printing that
//! `stockpost example` shares.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stockpost::report::terminal::for_terminal;

use clap::Args;

use stockpost::report::entries::{
    application_rows, gl_entry_rows, item_ledger_entry_rows, value_entry_rows,
};
use stockpost::report::render::{render_json, write_csv};
use stockpost::report::run::RunReport;

use super::company::Company;
use super::failure::CliError;
use super::inputs::{write_stdout, Format, PostingArgs};
use super::replay::{replay, JournalFile, Progress, Replay, ReplayOptions};
use super::stored::{company_folder, post_to_store};

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str =
    "Post journal files into a company's store and print what they did.\n\n\
    The company is the folder --company DIR (default: the current folder) that `stockpost \
    init` created. Each journal is stored as one batch, in one database transaction, with its \
    text as received: after a crash the store holds the whole journal or none of it. A journal \
    whose content, or one of whose documents (line type and document no.), is already in the \
    store is refused (exit status 4). With --dry-run the journals are posted in memory into \
    empty books instead, and nothing is stored.\n\n\
    Each journal file (*.csv, *.jsonl; format in docs/journal.md) is one batch, posted in the \
    order given: it posts whole or not at all. The work date of a batch is --work-date, or by \
    default the batch's last posting date (stockpost never reads the clock, so a replay gives \
    the same result on any day). After each batch the rule `cost_adjustment_trigger` (if a rule \
    file defines it) decides whether cost adjustment runs for the batch's items. --adjust runs \
    a full cost adjustment after the last file; --post-cost posts what waits in the G/L queue.\n\n\
    The report: per journal file the lines and the item ledger, value and G/L entries created; \
    the inventory valuation per item and location; the G/L trial balance of the accounts \
    inventory posting touched; the reconciliation of the inventory accounts with the valuation; \
    the cost adjustment per item.\n\n\
    Examples:\n  \
    stockpost post --company acme journals/01-opening.csv journals/02-week1.csv\n  \
    stockpost post --dry-run --company acme journals/*.csv   (nothing stored)\n  \
    stockpost post --adjust --post-cost per-group --document-no INVT-2610 week*.csv\n  \
    stockpost post --format json --output-dir out/ journals/*.csv\n\n\
    Exit status: 0 posted; 1 posted, but entries were skipped in G/L posting, cost adjustment \
    hit a bound or the G/L does not reconcile with the valuation; 2 usage or input error (bad \
    configuration, rules or journal: the message names the file, line and field); 3 the \
    store cannot be used (missing, read-only, locked, damaged); 4 the journal was already \
    posted.";

#[derive(Debug, Args)]
pub struct PostArgs {
    #[command(flatten)]
    pub posting: PostingArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write the item ledger, value, item application and G/L entries as CSV files here
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Post in memory only and report; the store is neither read nor written
    #[arg(long)]
    pub dry_run: bool,
    /// Journal files, one batch each, posted in the order given
    #[arg(required = true, value_name = "JOURNAL")]
    pub journals: Vec<PathBuf>,
}

pub fn run(args: &PostArgs) -> ExitCode {
    let result = if args.dry_run {
        args.posting
            .resolve(&args.journals, false)
            .and_then(|(company, journals, options)| {
                let run = replay(&company, &journals, &options, &Progress::for_stderr())?;
                let problems = print_run(&company, &run, args.format, args.output_dir.as_deref());
                run.leave_to_process_exit();
                problems
            })
    } else {
        post_stored(args)
    };
    finish(result)
}

/// Posts the journals into the company's store and prints the report of the whole books.
fn post_stored(args: &PostArgs) -> Result<Vec<String>, CliError> {
    let folder = company_folder(args.posting.company.company.as_deref());
    let journals = JournalFile::read_all(&args.journals)?;
    let options = ReplayOptions {
        work_date: args.posting.company.work_date,
        adjust: args.posting.adjust,
        adjust_post_to_gl: true,
        post_cost: args.posting.post_cost_mode(),
    };
    let (company, run) = post_to_store(&folder, &journals, &options)?;
    let problems = print_run(&company, &run, args.format, args.output_dir.as_deref());
    run.leave_to_process_exit();
    problems
}

/// Prints the run report; writes the entry tables to `output_dir` when given. Returns the
/// problems found (which make the exit status 1).
pub fn print_run(
    company: &Company,
    run: &Replay,
    format: Format,
    output_dir: Option<&Path>,
) -> Result<Vec<String>, CliError> {
    let report = RunReport::new(
        &run.books,
        company.chart(),
        run.steps.clone(),
        run.adjustment.clone(),
    );
    if let Some(dir) = output_dir {
        write_entry_files(company, run, dir)?;
    }
    write_stdout(&match format {
        Format::Table => report.render_text(),
        Format::Json => render_json(&report),
        Format::Csv => report.render_csv(),
    })?;
    let mut problems = run.problems.clone();
    for row in report.unreconciled() {
        problems.push(format!(
            "{} does not hold: G/L {} vs valuation {}",
            row.check, row.gl_balance, row.inventory_valuation
        ));
    }
    Ok(problems)
}

/// The entry tables as CSV files in `dir` (created if missing), each streamed row by row.
fn write_entry_files(company: &Company, run: &Replay, dir: &Path) -> Result<(), CliError> {
    let ledger = &run.books.ledger;
    let fail = |error: std::io::Error| {
        CliError::input(format!("cannot write to {}: {error}", dir.display()))
            .hint("pass an --output-dir you can write to")
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let file = |name: &str| {
        std::fs::File::create(dir.join(name))
            .map(std::io::BufWriter::new)
            .map_err(fail)
    };
    write_csv(
        item_ledger_entry_rows(ledger, None),
        file("item_ledger_entries.csv")?,
    )
    .map_err(fail)?;
    write_csv(value_entry_rows(ledger, None), file("value_entries.csv")?).map_err(fail)?;
    write_csv(
        application_rows(ledger, None),
        file("item_application_entries.csv")?,
    )
    .map_err(fail)?;
    write_csv(
        gl_entry_rows(&run.books, company.chart(), None),
        file("gl_entries.csv")?,
    )
    .map_err(fail)?;
    Ok(())
}

/// The exit status of a command that returns its problems: 0 none, 1 some (listed on stderr),
/// or the error's status.
pub fn finish(result: Result<Vec<String>, CliError>) -> ExitCode {
    match result {
        Ok(problems) if problems.is_empty() => ExitCode::SUCCESS,
        Ok(problems) => {
            for problem in &problems {
                eprintln!("problem: {}", for_terminal(problem));
            }
            ExitCode::from(super::EXIT_FAILURES)
        }
        Err(error) => error.report(),
    }
}
