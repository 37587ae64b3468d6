//! Command-line interface: argument parsing (clap derive) and dispatch to one module per
//! command. Commands only read files, call the library and print; the library does the work.
//!
//! Exit status: 0 success, 1 the command ran and found failures, 2 usage or input error, 3 the
//! company database cannot be used, 4 the journal was already posted.
//! New commands (`post`, `rules check`...) are added as a variant of [`Cli`] plus a file here.

mod adjust;
mod company;
mod entries;
mod example;
mod explain;
mod export;
mod failure;
mod init;
mod inputs;
mod post;
mod post_cost;
mod reconcile;
mod reconcile_render;
mod replay;
mod rules;
mod rules_diff;
mod scenario;
mod snapshot;
mod status;
mod stored;
mod verify;
mod watch;

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
        method (FIFO, LIFO, Average, Standard, Specific). A company is a folder: config/, \
        rules/ and the database stockpost.db, where every journal is stored as one batch.\n\n\
        Examples:\n  \
        stockpost example\n      \
        the bundled example company end to end on a store; prints valuation and G/L\n  \
        stockpost init acme\n      \
        create a company folder (config, rules, database) to edit and post into\n  \
        stockpost post --company acme journals/01-opening.csv journals/02-week1.csv\n      \
        post journals, one batch each, and print the company's report\n  \
        stockpost adjust --company acme --item-category BEANS\n      \
        adjust cost of one item category and print the amounts per item and G/L account\n  \
        stockpost post-cost --company acme\n      \
        post the value entries waiting in the G/L queue (automatic cost posting off)\n  \
        stockpost reconcile --company acme --as-of 2026-10-31\n      \
        does the inventory valuation agree with the G/L? (exit 2 when not)\n  \
        stockpost status --company acme; stockpost verify --company acme\n      \
        what the store holds and waits; replay the stored journals and compare\n  \
        stockpost reconcile --company acme journals/*.csv\n      \
        with journal files: a replay in memory, nothing stored (also post --dry-run)\n  \
        stockpost scenario run tests/scenarios\n      \
        run every acceptance scenario in a folder and print PASS/FAIL per scenario\n\n\
        Exit status: 0 success, 1 failures found, 2 usage or input error, 3 the company \
        database cannot be used, 4 the journal was already posted."
)]
pub enum Cli {
    /// Create a company folder: config/, rules/, inbox/, README.md and the company database
    #[command(long_about = init::LONG_ABOUT)]
    Init(init::InitArgs),
    /// Run the bundled example company (no files needed) and print valuation and G/L
    #[command(long_about = example::LONG_ABOUT)]
    Example(example::ExampleArgs),
    /// Post journal files into a company's store and print what they did
    #[command(long_about = post::LONG_ABOUT)]
    Post(post::PostArgs),
    /// Explain an entry: the chain from G/L entry back to the journal line and the rule
    #[command(subcommand)]
    Explain(explain::ExplainCommand),
    /// List item ledger, value, item application or G/L entries after a replay
    #[command(long_about = entries::LONG_ABOUT)]
    Entries(entries::EntriesArgs),
    /// Acceptance scenarios (oracle format bc-costing-oracle/1)
    #[command(subcommand)]
    Scenario(scenario::ScenarioCommand),
    /// Account rules: check a rule set against the configuration and chart of accounts
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Adjust cost after replaying journals and print what changed per item and G/L account
    #[command(long_about = adjust::LONG_ABOUT)]
    Adjust(adjust::AdjustArgs),
    /// Post inventory cost to G/L: post the value entries queued by the journals
    #[command(name = "post-cost", long_about = post_cost::LONG_ABOUT)]
    PostCost(post_cost::PostCostArgs),
    /// Inventory - G/L reconciliation of journals replayed in memory (exit 2 when not reconciled)
    #[command(long_about = reconcile::LONG_ABOUT)]
    Reconcile(reconcile::ReconcileArgs),
    /// What a company's store holds and what waits (queue, adjustment, reconciliation)
    #[command(long_about = status::LONG_ABOUT)]
    Status(status::StatusArgs),
    /// Replay the stored journals and check they reproduce every stored entry exactly
    #[command(long_about = verify::LONG_ABOUT)]
    Verify(verify::VerifyArgs),
    /// Write the snapshot of the company's books now (a cache for a fast start)
    #[command(long_about = snapshot::LONG_ABOUT)]
    Snapshot(snapshot::SnapshotArgs),
    /// Run a company: post inbox journals as they arrive, reload rules and configuration safely
    #[command(long_about = watch::LONG_ABOUT)]
    Watch(watch::WatchArgs),
    /// Export from a company's store (the G/L entries as a journal an ERP can import)
    #[command(subcommand)]
    Export(export::ExportCommand),
}

/// `stockpost rules ...`
#[derive(Debug, clap::Subcommand)]
pub enum RulesCommand {
    /// Compile a rule set, evaluate every known key, validate every account against the chart,
    /// and print the resulting mapping (exit 0 only when the rule set is valid)
    Check(rules::RulesCheckArgs),
    /// Run the rule tests in DIR/tests/: the cases (*.toml: for each key, do the rules give the
    /// expected accounts?) and the scenarios (*/scenario.toml: after posting the folder's
    /// journals, does every G/L account have the expected balance?) (exit 0 all pass, 1 a case
    /// or scenario fails, 2 input error)
    #[command(long_about = rules::TEST_LONG_ABOUT)]
    Test(rules::RulesTestArgs),
    /// Replay the stored history under a candidate rule set, in memory, and report what would
    /// change: mappings, G/L lines, balances, the reclassification journal (exit 1 if any)
    #[command(long_about = rules_diff::DIFF_LONG_ABOUT)]
    Diff(rules_diff::RulesDiffArgs),
    /// Make a candidate rule set the company's, optionally posting the reclassification of
    /// `rules diff` in the same batch
    #[command(long_about = rules_diff::ADOPT_LONG_ABOUT)]
    Adopt(rules_diff::RulesAdoptArgs),
}

/// Parses the arguments and runs the command. Usage errors exit with status 2 (clap's default).
pub fn run() -> ExitCode {
    match Cli::parse() {
        Cli::Example(args) => example::run(&args),
        Cli::Post(args) => post::run(&args),
        Cli::Explain(command) => explain::run(&command),
        Cli::Entries(args) => entries::run(&args),
        Cli::Scenario(command) => scenario::run(command),
        Cli::Rules(RulesCommand::Check(args)) => rules::run(&args),
        Cli::Rules(RulesCommand::Test(args)) => rules::run_tests(&args),
        Cli::Rules(RulesCommand::Diff(args)) => rules_diff::run_diff(&args),
        Cli::Rules(RulesCommand::Adopt(args)) => rules_diff::run_adopt(&args),
        Cli::Adjust(args) => adjust::run(&args),
        Cli::PostCost(args) => post_cost::run(&args),
        Cli::Reconcile(args) => reconcile::run(&args),
        Cli::Init(args) => init::run(&args),
        Cli::Status(args) => status::run(&args),
        Cli::Verify(args) => verify::run(&args),
        Cli::Snapshot(args) => snapshot::run(&args),
        Cli::Watch(args) => watch::run(&args),
        Cli::Export(command) => export::run(&command),
    }
}
