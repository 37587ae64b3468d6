//! `stockpost entries item|value|application|gl`: replay, then list one entry table.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use stockpost::ledger::ItemId;
use stockpost::report::entries::{
    application_rows, gl_entry_rows, item_ledger_entry_rows, value_entry_rows,
};
use stockpost::report::render::{render_csv, render_json, render_table, write_csv, ReportRow};

use super::failure::CliError;
use super::inputs::{write_stdout, Format, PostingArgs};
use super::post::finish;
use super::replay::Replay;

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str = "List one entry table after a replay.\n\n\
    Replays the journals as `stockpost post` does (same options), then prints the item ledger \
    entries, value entries, item application entries or G/L entries, all or those of one item \
    (--item; for G/L entries: those fed by a value entry of the item). Without journal files \
    and without --company, the embedded example company is replayed as `stockpost example` \
    runs it.\n\n\
    Examples:\n  \
    stockpost entries item --item 1020\n  \
    stockpost entries gl --format csv > gl.csv\n  \
    stockpost entries value --company acme --adjust journals/*.csv\n\n\
    Exit status: 0 listed; 2 usage or input error (unknown item, bad configuration, rules or \
    journal).";

#[derive(Debug, Args)]
pub struct EntriesArgs {
    /// Which entries
    #[arg(value_enum)]
    pub table: EntryTable,
    /// Only the entries of this item no.
    #[arg(long, value_name = "ITEM")]
    pub item: Option<String>,
    #[command(flatten)]
    pub posting: PostingArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Journal files to replay, one batch each, in the order given
    #[arg(value_name = "JOURNAL")]
    pub journals: Vec<PathBuf>,
}

/// The entry tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EntryTable {
    /// Item ledger entries
    Item,
    /// Value entries
    Value,
    /// Item application entries
    Application,
    /// G/L entries
    Gl,
}

pub fn run(args: &EntriesArgs) -> ExitCode {
    finish(list(args))
}

fn list(args: &EntriesArgs) -> Result<Vec<String>, CliError> {
    let (company, run) = args.posting.books(&args.journals, true)?;
    let item = item_filter(&run, args.item.as_deref())?;
    let ledger = &run.books.ledger;
    let listed = match args.table {
        EntryTable::Item => show(item_ledger_entry_rows(ledger, item), args.format),
        EntryTable::Value => show(value_entry_rows(ledger, item), args.format),
        EntryTable::Application => show(application_rows(ledger, item), args.format),
        EntryTable::Gl => show(
            gl_entry_rows(&run.books, company.chart(), item),
            args.format,
        ),
    };
    run.leave_to_process_exit();
    listed.map(|()| Vec::new())
}

/// Prints the rows. CSV into a file or pipe streams row by row, holding neither the rows nor
/// the text (a listing of six million G/L entries held 5 GB); a table needs every row for its
/// column widths, and a terminal gets its control characters shown, not obeyed.
fn show<R: ReportRow>(rows: impl Iterator<Item = R>, format: Format) -> Result<(), CliError> {
    use std::io::IsTerminal;
    if format == Format::Csv && !std::io::stdout().is_terminal() {
        let stdout = std::io::stdout().lock();
        return match write_csv(rows, std::io::BufWriter::with_capacity(1 << 16, stdout)) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            Err(error) => Err(CliError::input(format!(
                "cannot write the listing: {error}"
            ))),
        };
    }
    let rows: Vec<R> = rows.collect();
    write_stdout(&render(&rows, format))
}

fn item_filter(run: &Replay, item_no: Option<&str>) -> Result<Option<ItemId>, CliError> {
    let Some(item_no) = item_no else {
        return Ok(None);
    };
    run.books.ledger.item_id(item_no).map(Some).ok_or_else(|| {
        CliError::input(format!("item {item_no} is not in the company's items.toml"))
            .hint("pass an item no. of the configuration to --item")
    })
}

fn render<R: ReportRow>(rows: &[R], format: Format) -> String {
    match format {
        Format::Table => render_table(rows, None),
        Format::Json => render_json(rows),
        Format::Csv => render_csv(rows),
    }
}
