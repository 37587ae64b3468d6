//! `stockpost export gl`: the G/L entries as a journal an ERP can import.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;

use stockpost::books::Books;
use stockpost::glpost::GlEntry;

use super::failure::CliError;
use super::inputs::write_stdout;
use super::post::finish;
use super::stored::{company_folder, stored_books};

/// `--help` text of `export gl`, with examples.
pub const GL_LONG_ABOUT: &str = "Write the company's G/L entries as a G/L journal an ERP can \
    import: one line per G/L entry with posting date, document no., external document no., \
    G/L account, amount (debit positive, credit negative, exact to the cent), description, \
    transaction no. (the lines of one transaction balance to zero) and one column per \
    dimension (dim.CODE). Nothing is written to the store.\n\n\
    --from-entry N exports entries N and later only, so an interface can pick up what is new \
    since its last run (the last entry no. exported is the last line's entry_no).\n\n\
    Examples:\n  \
    stockpost export gl --company acme --format csv > gl-journal.csv\n  \
    stockpost export gl --from 2026-10-01 --to 2026-10-31\n  \
    stockpost export gl --from-entry 1201 --format json\n\n\
    Exit status: 0 written; 2 usage or input error; 3 the store cannot be read.";

/// `stockpost export ...`
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write the G/L entries as a G/L journal (CSV or JSON) an ERP can import
    #[command(long_about = GL_LONG_ABOUT)]
    Gl(ExportGlArgs),
}

/// Format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ExportGlArgs {
    /// Company folder [default: the current folder]
    #[arg(long, value_name = "DIR")]
    pub company: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// Only entries posted on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Only entries posted on or before this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Only entries with this entry no. or a later one
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub from_entry: u64,
}

pub fn run(command: &ExportCommand) -> ExitCode {
    let ExportCommand::Gl(args) = command;
    finish(export_gl(args))
}

fn export_gl(args: &ExportGlArgs) -> Result<Vec<String>, CliError> {
    let (_, run) = stored_books(&company_folder(args.company.as_deref()))?;
    let books = &run.books;
    let entries: Vec<&GlEntry> = books
        .general_ledger
        .entries()
        .iter()
        .filter(|entry| entry.entry_no >= args.from_entry)
        .filter(|entry| args.from.is_none_or(|from| entry.posting_date >= from))
        .filter(|entry| args.to.is_none_or(|to| entry.posting_date <= to))
        .collect();
    let dimension_codes: BTreeSet<&str> = entries
        .iter()
        .flat_map(|entry| books.ledger.dimensions(entry.dimension_set).keys())
        .map(String::as_str)
        .collect();
    write_stdout(&match args.format {
        ExportFormat::Csv => render_csv(books, &entries, &dimension_codes),
        ExportFormat::Json => render_json(books, &entries),
    })?;
    Ok(Vec::new())
}

const COLUMNS: [&str; 8] = [
    "entry_no",
    "posting_date",
    "document_no",
    "external_document_no",
    "account_no",
    "amount",
    "description",
    "transaction_no",
];

fn render_csv(books: &Books, entries: &[&GlEntry], dimension_codes: &BTreeSet<&str>) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = COLUMNS.iter().map(|column| column.to_string()).collect();
    header.extend(dimension_codes.iter().map(|code| format!("dim.{code}")));
    let _ = writer.write_record(&header);
    for entry in entries {
        let dimensions = books.ledger.dimensions(entry.dimension_set);
        let mut record = vec![
            entry.entry_no.to_string(),
            entry.posting_date.to_string(),
            entry.document_no.to_string(),
            entry
                .external_document_no
                .as_deref()
                .unwrap_or("")
                .to_string(),
            entry.account_no.to_string(),
            entry.amount.to_string(),
            entry.description.text(&books.ledger),
            entry.transaction_no.to_string(),
        ];
        record.extend(
            dimension_codes
                .iter()
                .map(|code| dimensions.get(*code).cloned().unwrap_or_default()),
        );
        let _ = writer.write_record(stockpost::report::spreadsheet_safe_record(&record));
    }
    writer
        .into_inner()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

fn render_json(books: &Books, entries: &[&GlEntry]) -> String {
    let lines: Vec<_> = entries
        .iter()
        .map(|entry| {
            json!({
                "entry_no": entry.entry_no,
                "posting_date": entry.posting_date.to_string(),
                "document_no": &*entry.document_no,
                "external_document_no": entry.external_document_no.as_deref(),
                "account_no": &*entry.account_no,
                "amount": entry.amount.to_string(),
                "description": entry.description.text(&books.ledger),
                "transaction_no": entry.transaction_no,
                "dimensions": books.ledger.dimensions(entry.dimension_set),
            })
        })
        .collect();
    format!("{:#}\n", json!({ "gl_journal": lines }))
}
