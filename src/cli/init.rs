//! `stockpost init`: create a company folder from a localisation pack; `--list-charts` lists
//! the packs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use stockpost::company::folder::init_company;
use stockpost::packs::{find_pack, CHART_PACKS, DEFAULT_CHART_PACK};

use super::failure::CliError;

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str = "Create a company folder: config/ (company, items, locations, \
    chart of accounts), rules/ (the account rules, the cost adjustment trigger and the rule \
    tests in rules/tests/), inbox/, a README.md that says what to edit, and the company \
    database stockpost.db (SQLite; schema in docs/store.md). The folder must not exist or be \
    empty.\n\n\
    The configuration and rules come from a localisation pack (--chart): a chart of accounts \
    with the rules that map every amount to it, a small company to start from, and rule tests. \
    The pack is copied, not linked: edit the copy to the client's chart (docs/localisation.md). \
    The packs are compiled into stockpost; --list-charts lists them.\n\n\
    Examples:\n  \
    stockpost init acme\n      \
    the default pack, ch-kmu (Swiss SME chart, the example company)\n  \
    stockpost init acme --chart fr-pcg\n      \
    a company on another pack\n  \
    stockpost init --list-charts\n      \
    every pack, with a line on each\n  \
    stockpost post --company acme journals/01-opening.csv\n\n\
    Exit status: 0 created (or listed); 2 the folder is not empty, the pack is unknown, or a \
    file cannot be written; 3 the database cannot be created.";

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The company folder to create
    #[arg(value_name = "DIR", required_unless_present = "list_charts")]
    pub dir: Option<PathBuf>,
    /// The localisation pack to start from (see --list-charts)
    #[arg(long, value_name = "NAME", default_value = DEFAULT_CHART_PACK)]
    pub chart: String,
    /// List the localisation packs (name and description) and exit
    #[arg(long, conflicts_with = "dir")]
    pub list_charts: bool,
}

pub fn run(args: &InitArgs) -> ExitCode {
    let dir = match (&args.dir, args.list_charts) {
        (Some(dir), false) => dir,
        _ => {
            print!("{}", chart_list());
            return ExitCode::SUCCESS;
        }
    };
    match init_company(dir, &args.chart) {
        Ok(()) => {
            let description = find_pack(&args.chart).map_or("", |pack| pack.description);
            println!(
                "created company {} from localisation pack {}\n  {description}\n\
                 next: edit {}/config and {}/rules, then \
                 `stockpost post --company {} JOURNAL...`",
                dir.display(),
                args.chart,
                dir.display(),
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => CliError::from(error).report(),
    }
}

/// One line per pack: the name, padded, then the description; the default pack is marked.
fn chart_list() -> String {
    let width = CHART_PACKS
        .iter()
        .map(|pack| pack.name.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for pack in CHART_PACKS {
        let default = if pack.name == DEFAULT_CHART_PACK {
            " (default)"
        } else {
            ""
        };
        out.push_str(&format!(
            "{:<width$}  {}{default}\n",
            pack.name, pack.description
        ));
    }
    out
}
