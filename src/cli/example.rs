//! `stockpost example`: the README's main command. Posts the embedded example company's
//! October 2026 journals and prints the run report; needs no file on disk.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use stockpost::company::folder::init_company;
use stockpost::company::DATABASE_FILE;
use stockpost::packs::DEFAULT_CHART_PACK;

use super::failure::CliError;
use super::inputs::{example_journals, example_options, write_stdout, Format};
use super::post::{finish, print_run};
use super::replay::{replay, Progress};
use super::stored::{open, post_to_store};

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str = "Run the bundled example company, Kaffeewerk AG, through the whole \
    pipeline and print the result. Needs no file on disk: the configuration, chart of accounts, \
    rules and the October 2026 journals are part of the program.\n\n\
    The run uses a company store as `stockpost init` creates it: in a temporary folder that is \
    removed at the end, or in --company DIR (a new folder), which is kept so that `stockpost \
    status`, `reconcile`, `entries`, `verify` and `export gl` can be tried on it. Each journal, \
    the cost adjustment and the G/L posting are stored as batches. --in-memory skips the store.\n\n\
    The seven journal files are posted batch by batch in file-name order, each with its last \
    posting date as work date; then cost adjustment runs for all items and posts its entries \
    to the G/L, and whatever still waits in the G/L queue is posted per entry.\n\n\
    The report: per journal file the lines and the item ledger, value and G/L entries created; \
    the inventory valuation per item and location (quantity, actual and expected cost); the \
    G/L trial balance of the accounts inventory posting touched; the reconciliation of the \
    inventory accounts with the valuation; the cost adjustment per item.\n\n\
    Examples:\n  \
    stockpost example\n  \
    stockpost example --company kaffeewerk   (keeps the company)\n  \
    stockpost example --format json > october.json\n  \
    stockpost example --output-dir out/   (also writes out/item_ledger_entries.csv, \
    out/value_entries.csv, out/item_application_entries.csv, out/gl_entries.csv)\n\n\
    Exit status: 0 ok; 1 the run found a problem (skipped G/L entries, an adjustment bound \
    hit, G/L and valuation do not reconcile); 2 the output could not be written.";

#[derive(Debug, Args)]
pub struct ExampleArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Also write the item ledger, value, item application and G/L entries as CSV files here
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Keep the example company in this new folder [default: a temporary folder, removed]
    #[arg(long, value_name = "DIR", conflicts_with = "in_memory")]
    pub company: Option<PathBuf>,
    /// Post in memory only, without a store
    #[arg(long)]
    pub in_memory: bool,
}

pub fn run(args: &ExampleArgs) -> ExitCode {
    let result = if args.in_memory {
        let company = super::company::example_company();
        replay(
            &company,
            &example_journals(),
            &example_options(),
            &Progress::for_stderr(),
        )
        .and_then(|run| print_run(&company, &run, args.format, args.output_dir.as_deref()))
    } else {
        run_on_store(args)
    };
    finish(result)
}

/// `init`, post the journals, adjust, post to G/L, on a company store in `--company DIR` or a
/// temporary folder removed at the end.
fn run_on_store(args: &ExampleArgs) -> Result<Vec<String>, CliError> {
    let (folder, temporary) = match &args.company {
        Some(dir) => (dir.clone(), false),
        None => (temporary_folder(), true),
    };
    let result = init_company(&folder, DEFAULT_CHART_PACK)
        .map_err(CliError::from)
        .and_then(|()| post_to_store(&folder, &example_journals(), &example_options()))
        .and_then(|(company, run)| {
            let problems = print_run(&company, &run, args.format, args.output_dir.as_deref())?;
            let session = open(&folder, true)?;
            let summary = session.reconciliation_summary();
            let status = if summary.reconciled {
                "reconciled".to_string()
            } else {
                format!("NOT reconciled ({} cells differ)", summary.differing_cells)
            };
            let batches = session.head().last_batch.as_ref().map_or(0, |b| b.batch_id);
            if args.format == Format::Table {
                let kept = if temporary { " (removed at the end)" } else { "" };
                write_stdout(&format!(
                    "\nStore\n{batches} batches stored in {}{kept}; reopened, the books are {status}\n",
                    folder.join(DATABASE_FILE).display()
                ))?;
            }
            Ok(problems)
        });
    if temporary {
        let _ = std::fs::remove_dir_all(&folder);
    } else if result.is_ok() {
        eprintln!(
            "the company is in {}: try `stockpost status --company {}`",
            folder.display(),
            folder.display()
        );
    }
    result
}

/// A new folder under the system's temporary folder.
fn temporary_folder() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.subsec_nanos());
    std::env::temp_dir().join(format!("stockpost-example-{}-{nanos}", std::process::id()))
}
