//! `stockpost explain gl ENTRY_NO`: replay, then show why a G/L entry exists and why it went to
//! its account: the G/L entry, the rule that chose the account, the value entries behind it,
//! their item ledger entries and the journal lines that created them.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use stockpost::report::explain::explain_gl_entry;
use stockpost::report::render::render_json;

use super::failure::CliError;
use super::inputs::{write_stdout, PostingArgs};
use super::post::finish;

/// `stockpost explain ...`
#[derive(Debug, Subcommand)]
pub enum ExplainCommand {
    /// Show the chain behind one G/L entry: value entries, item ledger entries, journal lines
    /// and the rule that chose the account
    #[command(long_about = "Show the chain behind one G/L entry.\n\n\
        Replays the journals (as `stockpost post` does, with the same options), then prints the \
        G/L entry (date, document, account, amount, register), the rule that chose its account \
        (rule set hash, rule file, rule function and the key it was asked about), the value \
        entries the G/L entry came from, each value entry's item ledger entry, and the journal \
        line (file:line) that created it.\n\n\
        Without journal files and without --company, the embedded example company is replayed \
        exactly as `stockpost example` runs it, so its G/L entry numbers are the ones the \
        example's --output-dir gl_entries.csv shows.\n\n\
        Examples:\n  \
        stockpost explain gl 1\n  \
        stockpost explain gl 42 --format json\n  \
        stockpost explain gl 7 --company acme journals/01-opening.csv journals/02-week1.csv\n\n\
        Exit status: 0 shown; 2 usage or input error (no such G/L entry, bad configuration, \
        rules or journal).")]
    Gl(ExplainGlArgs),
}

#[derive(Debug, Args)]
pub struct ExplainGlArgs {
    /// The G/L entry no.
    #[arg(value_name = "ENTRY_NO")]
    pub entry_no: u64,
    #[command(flatten)]
    pub posting: PostingArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Journal files to replay, one batch each, in the order given
    #[arg(value_name = "JOURNAL")]
    pub journals: Vec<PathBuf>,
}

/// How the chain is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    /// Indented text, G/L entry first
    Text,
    /// One JSON document
    Json,
}

pub fn run(command: &ExplainCommand) -> ExitCode {
    let ExplainCommand::Gl(args) = command;
    finish(explain_gl(args))
}

fn explain_gl(args: &ExplainGlArgs) -> Result<Vec<String>, CliError> {
    let (company, run) = args.posting.books(&args.journals, true)?;
    let gl_entries = run.books.general_ledger.entries().len();
    let Some(explanation) = explain_gl_entry(&run.books, company.chart(), args.entry_no) else {
        return Err(CliError::input(format!(
            "there is no G/L entry {}: the replay created G/L entries 1 to {gl_entries}",
            args.entry_no
        ))
        .hint("list them with `stockpost entries gl` (same journals and options)"));
    };
    write_stdout(&match args.format {
        ExplainFormat::Text => explanation.render_text(),
        ExplainFormat::Json => render_json(&explanation),
    })?;
    Ok(Vec::new())
}
