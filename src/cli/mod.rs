//! Command-line interface: argument parsing (clap derive) and dispatch to one module per
//! command. Commands only read files, call the library and print; the library does the work.
//!
//! Exit status: 0 success, 1 the command ran and found failures, 2 usage or input error.
//! New commands (`post`, `rules check`...) are added as a variant of [`Cli`] plus a file here.

mod reconcile;
mod rules;
mod scenario;

use std::process::ExitCode;

use clap::Parser;

/// Exit status of a command that ran and found no problem.
pub const EXIT_OK: u8 = 0;
/// The command ran and found failures (for example a failing scenario).
pub const EXIT_FAILURES: u8 = 1;
/// Usage or input error: bad arguments, unreadable or invalid input file.
pub const EXIT_INPUT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "stockpost",
    version,
    about = "Inventory costing and inventory-to-G/L posting, the Business Central way",
    long_about = "Inventory costing and inventory-to-G/L posting, the Business Central way.\n\n\
        stockpost keeps the costing sub-ledger (item ledger entries, value entries, item \
        application entries) of a company and values every movement by its item's costing \
        method (FIFO, LIFO, Average, Standard, Specific).\n\n\
        Examples:\n  \
        stockpost scenario run tests/scenarios\n      \
        run every acceptance scenario in a folder and print PASS/FAIL per scenario\n  \
        stockpost scenario run --verbose tests/scenarios/c05_costing_fifo.toml\n      \
        also list the expectations the engine cannot evaluate yet, with the reason\n\n\
        Exit status: 0 success, 1 failures found, 2 usage or input error."
)]
pub enum Cli {
    /// Acceptance scenarios (oracle format bc-costing-oracle/1)
    #[command(subcommand)]
    Scenario(scenario::ScenarioCommand),
    /// Account rules: check a rule set against the configuration and chart of accounts
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Inventory - G/L reconciliation of journals replayed in memory (exit 2 when not reconciled)
    Reconcile(reconcile::ReconcileArgs),
}

/// `stockpost rules ...`
#[derive(Debug, clap::Subcommand)]
pub enum RulesCommand {
    /// Compile a rule set, evaluate every known key, validate every account against the chart,
    /// and print the resulting mapping (exit 0 only when the rule set is valid)
    Check(rules::RulesCheckArgs),
}

/// Parses the arguments and runs the command. Usage errors exit with status 2 (clap's default).
pub fn run() -> ExitCode {
    match Cli::parse() {
        Cli::Scenario(command) => scenario::run(command),
        Cli::Rules(RulesCommand::Check(args)) => rules::run(&args),
        Cli::Reconcile(args) => reconcile::run(&args),
    }
}
