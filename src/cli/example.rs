//! `stockpost example`: the README's main command. Posts the embedded example company's
//! October 2026 journals and prints the run report; needs no file on disk.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::company::Company;
use super::inputs::{example_journals, example_options, Format};
use super::post::{finish, print_run};
use super::replay::{replay, Progress};

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str = "Run the bundled example company, Kaffeewerk AG, through the whole \
    pipeline and print the result. Needs no file on disk: the configuration, chart of accounts, \
    rules and the October 2026 journals are part of the program.\n\n\
    The seven journal files are posted batch by batch in file-name order, each with its last \
    posting date as work date; then cost adjustment runs for all items and posts its entries \
    to the G/L, and whatever still waits in the G/L queue is posted per entry.\n\n\
    The report: per journal file the lines and the item ledger, value and G/L entries created; \
    the inventory valuation per item and location (quantity, actual and expected cost); the \
    G/L trial balance of the accounts inventory posting touched; the reconciliation of the \
    inventory accounts with the valuation; the cost adjustment per item.\n\n\
    Examples:\n  \
    stockpost example\n  \
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
}

pub fn run(args: &ExampleArgs) -> ExitCode {
    let company = Company::example();
    let result = replay(
        &company,
        &example_journals(),
        &example_options(),
        &Progress::for_stderr(),
    )
    .and_then(|run| print_run(&company, &run, args.format, args.output_dir.as_deref()));
    finish(result)
}
