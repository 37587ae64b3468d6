//! `stockpost init`: create a company folder.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use stockpost::company::folder::{init_company, CHART_PACKS, DEFAULT_CHART_PACK};

use super::failure::CliError;

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str = "Create a company folder: config/ (company, items, locations, \
    chart of accounts), rules/ (the account rules and the cost adjustment trigger), inbox/, a \
    README.md that says what to edit, and the company database stockpost.db (SQLite; schema in \
    docs/store.md). The folder must not exist or be empty.\n\n\
    The configuration and rules come from a chart pack (--chart): a starting point to edit, \
    not a template kept in sync.\n\n\
    Examples:\n  \
    stockpost init acme\n  \
    stockpost init acme --chart ch-kmu\n  \
    stockpost post --company acme journals/01-opening.csv\n\n\
    Exit status: 0 created; 2 the folder is not empty, the pack is unknown, or a file cannot be \
    written; 3 the database cannot be created.";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The company folder to create
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The chart pack to start from (ch-kmu: Swiss SME chart, the example company)
    #[arg(long, value_name = "NAME", default_value = DEFAULT_CHART_PACK)]
    pub chart: String,
}

pub fn run(args: &InitArgs) -> ExitCode {
    match init_company(&args.dir, &args.chart) {
        Ok(()) => {
            let pack = CHART_PACKS
                .iter()
                .find(|pack| pack.name == args.chart)
                .map_or("", |pack| pack.description);
            println!(
                "created company {} from chart pack {} ({pack})\n\
                 next: edit {}/config and {}/rules, then \
                 `stockpost post --company {} JOURNAL...`",
                args.dir.display(),
                args.chart,
                args.dir.display(),
                args.dir.display(),
                args.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => CliError::from(error).report(),
    }
}
