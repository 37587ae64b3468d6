//! `stockpost verify`: replay the stored journals and compare with the stored entries.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use stockpost::company::verify::{verify, VerifyReport};
use stockpost::company::{CompanyError, DATABASE_FILE};
use stockpost::store::sqlite::{OpenOptions, SqliteStore};

use super::failure::CliError;
use super::inputs::{write_stdout, Format};
use super::stored::{busy_timeout_ms, company_folder, TerminalProgress};

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str = "Replay every batch stored in the company database in memory, \
    under the configuration and rule set it was stored with, and check that the replay \
    reproduces every stored row exactly (item ledger, value, item application and G/L entries, \
    their status, dimension sets, G/L relations and registers, the G/L queue), and that the \
    invariants of the costing spec (§9) hold. Nothing is written; the snapshot is not used.\n\n\
    Every difference is listed with its table, entry no., column, the stored value and the \
    replayed value (the first 200; all are counted).\n\n\
    Examples:\n  \
    stockpost verify --company acme\n  \
    stockpost verify --format json\n\n\
    Exit status: 0 the store verifies; 1 a row differs or an invariant fails; 2 usage error; \
    3 the store cannot be read.";

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Company folder [default: the current folder]
    #[arg(long, value_name = "DIR")]
    pub company: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn run(args: &VerifyArgs) -> ExitCode {
    match run_verify(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => {
            eprintln!("verify failed: the replay does not reproduce the store (exit status 1)");
            ExitCode::from(1)
        }
        Err(error) => error.report(),
    }
}

fn run_verify(args: &VerifyArgs) -> Result<bool, CliError> {
    let folder = company_folder(args.company.as_deref());
    let options = OpenOptions {
        read_only: true,
        busy_timeout_ms: busy_timeout_ms().unwrap_or(OpenOptions::default().busy_timeout_ms),
    };
    let store =
        SqliteStore::open_with(folder.join(DATABASE_FILE), options).map_err(CompanyError::store)?;
    let report = verify(&store, &TerminalProgress::for_stderr())?;
    write_stdout(&render(&report, args.format))?;
    Ok(report.passed())
}

fn render(report: &VerifyReport, format: Format) -> String {
    match format {
        Format::Json => {
            let differences: Vec<_> = report
                .differences
                .iter()
                .map(|d| {
                    json!({"table": d.table, "entry_no": d.key, "column": d.column,
                           "stored": d.stored, "replayed": d.replayed})
                })
                .collect();
            let document = json!({
                "passed": report.passed(),
                "batches": report.batches,
                "rows_compared": report.rows_compared.iter()
                    .map(|(table, rows)| json!({"table": table, "rows": rows}))
                    .collect::<Vec<_>>(),
                "differences_found": report.differences_found,
                "differences": differences,
                "invariant_violations": report.violations,
                "settled": report.settled,
                "notes": report.notes,
                "replay_error": report.replay_error,
            });
            format!("{document:#}\n")
        }
        Format::Csv => {
            let mut out = String::from("table,entry_no,column,stored,replayed\n");
            for d in &report.differences {
                out += &format!(
                    "{},{},{},{},{}\n",
                    d.table,
                    d.key,
                    d.column.unwrap_or(""),
                    csv_field(&d.stored),
                    csv_field(&d.replayed)
                );
            }
            out
        }
        Format::Table => render_text(report),
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn render_text(report: &VerifyReport) -> String {
    let mut out = format!("replayed {} stored batches\n", report.batches);
    if let Some(error) = &report.replay_error {
        out += &format!("the replay failed: {error}\n");
        return out;
    }
    for (table, rows) in &report.rows_compared {
        out += &format!("  {table:<32} {rows:>10} rows compared\n");
    }
    out += &format!("{} differences\n", report.differences_found);
    for d in &report.differences {
        out += &format!(
            "  {} {} {}: stored {}, replayed {}\n",
            d.table,
            d.key,
            d.column.unwrap_or("(row)"),
            d.stored,
            d.replayed
        );
    }
    out += &format!("{} invariant violations\n", report.violations.len());
    for violation in &report.violations {
        out += &format!("  {violation}\n");
    }
    for note in &report.notes {
        out += &format!("note: {note}\n");
    }
    out += if report.passed() {
        "verified: the journals replay to exactly the stored entries\n"
    } else {
        "NOT verified\n"
    };
    out
}
