//! `stockpost rules check [DIR]`: compile a rule set, evaluate every key the configuration
//! knows, validate the accounts against the chart and print the mapping or the errors.
//!
//! Exit status: 0 when the rule set is valid, 1 when it is not, 2 when the command could not
//! run (missing folder, no or unreadable rule files, unreadable or invalid configuration or
//! chart).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use stockpost::chart::ChartOfAccounts;
use stockpost::config::{load_company_dir, CompanyConfig};
use stockpost::rules::check::{check_rule_set, render_json, render_table};
use stockpost::rules::{RuleErrorKind, RuleSet};

/// The chart of accounts is this file inside the configuration folder.
pub const CHART_FILE: &str = "accounts.toml";

/// Arguments of `stockpost rules check`.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesCheckArgs {
    /// Folder holding the rule files (`*.rhai`).
    #[arg(default_value = "rules")]
    pub dir: PathBuf,
    /// Company configuration folder (also holds the chart of accounts, `accounts.toml`).
    #[arg(long, default_value = "config")]
    pub config: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
}

/// How `rules check` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Aligned text tables, one per side; errors rustc style.
    Table,
    /// One JSON document with `valid`, `mapping`, `warnings` and `errors`.
    Json,
}

/// Runs the command, printing to stdout (report) and stderr (usage and I/O problems).
pub fn run(args: &RulesCheckArgs) -> ExitCode {
    if let Err(message) = require_dir(&args.dir, "rule folder")
        .and_then(|()| require_dir(&args.config, "configuration folder"))
    {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    let chart = match ChartOfAccounts::load(&args.config.join(CHART_FILE)) {
        Ok(chart) => chart,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    let config = match load_company_dir(&args.config) {
        Ok(config) => config,
        Err(error) => {
            eprintln!(
                "error: {}:{}: key `{}`: {}",
                error.file, error.line, error.key, error.message
            );
            return ExitCode::from(2);
        }
    };
    let stdout = std::io::stdout();
    check_and_print(args, &config, &chart, &mut stdout.lock())
}

/// The part of [`run`] after loading: check the rule set and print the report to `out`.
pub fn check_and_print(
    args: &RulesCheckArgs,
    config: &CompanyConfig,
    chart: &ChartOfAccounts,
    out: &mut dyn Write,
) -> ExitCode {
    let report = check_rule_set(RuleSet::load(&args.dir, config, chart), config, chart);
    let text = match args.format {
        CheckFormat::Table => render_table(&report),
        CheckFormat::Json => render_json(&report),
    };
    if let Err(error) = out.write_all(text.as_bytes()) {
        eprintln!("error: cannot write the report: {error}");
        return ExitCode::from(2);
    }
    let io_failed = report
        .errors
        .iter()
        .any(|error| error.kind == RuleErrorKind::Io);
    if io_failed {
        ExitCode::from(2)
    } else if report.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn require_dir(path: &Path, what: &str) -> Result<(), String> {
    if path.is_dir() {
        Ok(())
    } else {
        Err(format!("{what} {} does not exist", path.display()))
    }
}
