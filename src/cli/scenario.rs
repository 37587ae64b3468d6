//! `stockpost scenario run`: run acceptance scenarios and report PASS/FAIL per scenario.

use std::path::PathBuf;
use std::process::ExitCode;
use stockpost::report::terminal::for_terminal;

use clap::{Args, Subcommand, ValueEnum};

use stockpost::scenario::{load_scenarios, run_scenarios, EngineCapabilities};

use super::{EXIT_FAILURES, EXIT_INPUT_ERROR, EXIT_OK};

#[derive(Debug, Subcommand)]
pub enum ScenarioCommand {
    /// Run scenario files and compare the engine's entries with their expectations
    #[command(
        long_about = "Run scenario files and compare the engine's entries with their \
        expectations.\n\n\
        Each scenario runs in a fresh in-memory company; each step is posted as its own batch. \
        One line per scenario: PASS or FAIL with the number of checked and not-evaluated \
        expectations, and below a FAIL one indented line per failed expectation (expected, got, \
        which entry, when). Expectations the engine cannot evaluate yet (G/L balances, anything \
        after a cost adjustment) are counted as not evaluated, never as passed; --verbose lists \
        them with the reason.\n\n\
        Examples:\n  \
        stockpost scenario run tests/scenarios\n  \
        stockpost scenario run --verbose tests/scenarios/c19_expected_cost_posting.toml\n  \
        stockpost scenario run --format json tests/scenarios > report.json\n\n\
        Exit status: 0 all scenarios pass, 1 a scenario fails, 2 a file is unreadable or not \
        a valid scenario (the message names the file and line)."
    )]
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario files, or folders whose *.toml files are run in name order
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Also list skipped steps and not-evaluated expectations with their reasons
    #[arg(short, long)]
    verbose: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
    format: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    /// One line per scenario, failures indented below, a summary line
    Text,
    /// The full report as JSON (serde_json), same data as the text
    Json,
}

pub fn run(command: ScenarioCommand) -> ExitCode {
    match command {
        ScenarioCommand::Run(args) => run_files(&args),
    }
}

fn run_files(args: &RunArgs) -> ExitCode {
    let scenarios = match load_scenarios(&args.paths) {
        Ok(scenarios) => scenarios,
        Err(errors) => {
            for error in &errors {
                eprintln!("error: {}", for_terminal(&error.to_string()));
            }
            eprintln!("fix the scenario file(s) above; nothing was run");
            return ExitCode::from(EXIT_INPUT_ERROR);
        }
    };
    let report = run_scenarios(&scenarios, EngineCapabilities::CURRENT);
    match args.format {
        OutputFormat::Text => print!("{}", report.render_text(args.verbose)),
        OutputFormat::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(error) => {
                eprintln!("error: cannot write the JSON report: {error}");
                return ExitCode::from(EXIT_INPUT_ERROR);
            }
        },
    }
    ExitCode::from(if report.all_passed() {
        EXIT_OK
    } else {
        EXIT_FAILURES
    })
}
