//! What the replaying commands (`post`, `explain gl`, `entries`, `adjust`, `post-cost`,
//! `reconcile`) share: the company folder, the
//! journal files and the posting options, resolved into a company, journals and
//! [`ReplayOptions`]; and the output format.

use std::io::Write;
use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use stockpost::example::EXAMPLE_JOURNALS;
use stockpost::glpost::CostPostingMode;

use super::company::Company;
use super::failure::CliError;
use super::replay::{JournalFile, ReplayOptions};

/// Output format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text tables with titles and total lines
    Table,
    /// One JSON document (amounts as strings, exact to the cent)
    Json,
    /// CSV with a header row; several tables are separated by an empty line
    Csv,
}

/// How `--post-cost` posts the G/L queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PostCostMode {
    /// One G/L transaction per value entry, with the value entry's document no.
    PerEntry,
    /// Compressed per posting date, account, posting groups and dimensions, under --document-no
    PerGroup,
}

/// The company and work date of a replay: what every replaying command takes.
#[derive(Debug, Clone, Args)]
pub struct CompanyArgs {
    /// Company folder holding config/ (company.toml, items.toml, locations.toml, accounts.toml)
    /// and rules/ (*.rhai) [default: the current folder]
    #[arg(long, value_name = "DIR")]
    pub company: Option<PathBuf>,
    /// Work date of every batch (YYYY-MM-DD) [default: each batch's last posting date]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub work_date: Option<NaiveDate>,
}

impl CompanyArgs {
    /// Loads the company folder and reads the journal files (all before anything is posted).
    pub fn load(&self, journals: &[PathBuf]) -> Result<(Company, Vec<JournalFile>), CliError> {
        if journals.is_empty() {
            return Err(CliError::input("no journal files given")
                .hint("name the journal files to replay (*.csv, *.jsonl), in posting order"));
        }
        let dir = self.company.clone().unwrap_or_else(|| PathBuf::from("."));
        let company = super::company::load_company(&dir)?;
        let files = JournalFile::read_all(journals)?;
        Ok((company, files))
    }

    /// Replay options that only post the journals (with the trigger rule after each batch).
    pub fn journals_only(&self) -> ReplayOptions {
        ReplayOptions {
            work_date: self.work_date,
            ..ReplayOptions::default()
        }
    }
}

/// The posting options of the replaying commands.
#[derive(Debug, Clone, Args)]
pub struct PostingArgs {
    #[command(flatten)]
    pub company: CompanyArgs,
    /// Run cost adjustment for all items after the last journal; its entries go to the G/L when
    /// automatic cost posting is on, else to the queue
    #[arg(long)]
    pub adjust: bool,
    /// Post the value entries waiting in the G/L queue at the end ("post inventory cost to G/L")
    #[arg(long, value_enum, value_name = "MODE")]
    pub post_cost: Option<PostCostMode>,
    /// Document no. of the compressed G/L entries (required with --post-cost per-group)
    #[arg(long, value_name = "NO", required_if_eq("post_cost", "per-group"))]
    pub document_no: Option<String>,
}

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|error| format!("`{text}` is not a date YYYY-MM-DD: {error}"))
}

impl PostingArgs {
    /// The replay options these arguments ask for.
    pub fn options(&self, company: &Company) -> ReplayOptions {
        ReplayOptions {
            work_date: self.company.work_date,
            adjust: self.adjust,
            adjust_post_to_gl: company.config.inventory_setup.automatic_cost_posting,
            post_cost: self.post_cost_mode(),
        }
    }

    /// The G/L posting mode `--post-cost` asks for.
    pub fn post_cost_mode(&self) -> Option<CostPostingMode> {
        self.post_cost.map(|mode| match mode {
            PostCostMode::PerEntry => CostPostingMode::PerEntry,
            PostCostMode::PerGroup => CostPostingMode::PerPostingGroup {
                document_no: self.document_no.clone().unwrap_or_default(),
            },
        })
    }

    fn any_posting_option(&self) -> bool {
        self.company.work_date.is_some() || self.adjust || self.post_cost.is_some()
    }

    /// The books a reporting command reads: the company's store when no journal files are
    /// given and a store is in use (`--company`, or a database in the current folder);
    /// otherwise the journals replayed in memory (see [`PostingArgs::resolve`]).
    pub fn books(
        &self,
        journals: &[PathBuf],
        allow_example: bool,
    ) -> Result<(Company, super::replay::Replay), CliError> {
        let folder = self.company.company.as_deref();
        if journals.is_empty() && super::stored::uses_store(folder) {
            if self.any_posting_option() {
                return Err(CliError::input(
                    "--work-date, --adjust and --post-cost need journal files",
                )
                .hint("on a company's store, run `stockpost adjust` or `stockpost post-cost`"));
            }
            return super::stored::stored_books(&super::stored::company_folder(folder));
        }
        let (company, journals, options) = self.resolve(journals, allow_example)?;
        let run = super::replay::replay(
            &company,
            &journals,
            &options,
            &super::replay::Progress::for_stderr(),
        )?;
        Ok((company, run))
    }

    /// The company, journals and options to replay. Without journal files and without
    /// `--company`, and only when `allow_example`, the embedded example as `stockpost example`
    /// runs it.
    pub fn resolve(
        &self,
        journals: &[PathBuf],
        allow_example: bool,
    ) -> Result<(Company, Vec<JournalFile>, ReplayOptions), CliError> {
        if journals.is_empty() && allow_example && self.company.company.is_none() {
            if self.any_posting_option() {
                return Err(CliError::input(
                    "--work-date, --adjust and --post-cost need journal files",
                )
                .hint("without journal files the embedded example is replayed as `stockpost example` runs it"));
            }
            return Ok((
                super::company::example_company(),
                example_journals(),
                example_options(),
            ));
        }
        let (company, files) = self.company.load(journals)?;
        let options = self.options(&company);
        Ok((company, files, options))
    }
}

/// The embedded October 2026 journals.
pub fn example_journals() -> Vec<JournalFile> {
    EXAMPLE_JOURNALS
        .iter()
        .map(|&(name, text)| JournalFile {
            name: name.to_string(),
            text: text.to_string(),
        })
        .collect()
}

/// How `stockpost example` runs: each batch at its last posting date, a full cost adjustment
/// posted to the G/L at the end, then whatever still waits in the queue, per entry.
pub fn example_options() -> ReplayOptions {
    ReplayOptions {
        work_date: None,
        adjust: true,
        adjust_post_to_gl: true,
        post_cost: Some(CostPostingMode::PerEntry),
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
pub fn write_stdout(text: &str) -> Result<(), CliError> {
    use std::io::IsTerminal;
    let mut stdout = std::io::stdout().lock();
    // Control characters from journals and rules are shown, not obeyed, on a terminal; a file
    // or a pipe gets the data as it is.
    let text = if stdout.is_terminal() {
        stockpost::report::terminal::for_terminal(text)
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(CliError::input(format!("cannot write the report: {error}"))),
    }
}
