//! `stockpost rules check [DIR]`: compile a rule set, evaluate every key the configuration
//! knows, validate the accounts against the chart and print the mapping or the errors.
//! `stockpost rules test [DIR]`: run the rule tests in `DIR/tests/*.toml` against that rule set,
//! and the scenarios in `DIR/tests/*/` (journals posted in memory, balances compared).
//!
//! Exit status of `check`: 0 when the rule set is valid, 1 when it is not, 2 when the command
//! could not run (missing folder, no or unreadable rule files, unreadable or invalid
//! configuration or chart). Of `test`: 0 every case and scenario passes, 1 one fails, 2 input
//! error (the above, an invalid rule set, or a rule test or scenario file that does not parse).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stockpost::report::terminal::for_terminal;

use stockpost::chart::ChartOfAccounts;
use stockpost::config::{load_company_dir, CompanyConfig};
use stockpost::rules::check::{check_rule_set, render_json, render_table};
use stockpost::rules::rule_scenarios::ScenarioCompany;
use stockpost::rules::rule_tests::{self, RuleTestSuite, RULE_TESTS_DIR};
use stockpost::rules::{AdjustmentTrigger, RuleErrorKind, RuleSet};

/// The chart of accounts is this file inside the configuration folder.
pub const CHART_FILE: &str = "accounts.toml";

/// Arguments of `stockpost rules check` and `stockpost rules test`.
#[derive(Debug, Clone, clap::Args)]
pub struct RulesCheckArgs {
    /// Folder holding the rule files (`*.rhai`; `rules test` runs its `tests/*.toml`).
    #[arg(default_value = "rules")]
    pub dir: PathBuf,
    /// Company configuration folder (also holds the chart of accounts, `accounts.toml`).
    #[arg(long, default_value = "config")]
    pub config: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,
}

/// How `rules check` and `rules test` print their report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Aligned text tables, one per side; errors rustc style.
    Table,
    /// One JSON document (`check`: `valid`, `mapping`, `warnings`, `errors`; `test`:
    /// `passed`, `failed`, `cases`).
    Json,
}

/// Runs the command, printing to stdout (report) and stderr (usage and I/O problems).
pub fn run(args: &RulesCheckArgs) -> ExitCode {
    let (config, chart) = match load_company(&args.dir, &args.config) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let stdout = std::io::stdout();
    check_and_print(args, &config, &chart, &mut stdout.lock())
}

/// The configuration and chart of `config_dir`, after checking both folders exist; on failure
/// the problem is printed and the exit status returned.
fn load_company(
    rules_dir: &Path,
    config_dir: &Path,
) -> Result<(CompanyConfig, ChartOfAccounts), ExitCode> {
    if let Err(message) = require_dir(rules_dir, "rule folder")
        .and_then(|()| require_dir(config_dir, "configuration folder"))
    {
        eprintln!("error: {}", for_terminal(&message.to_string()));
        return Err(ExitCode::from(2));
    }
    let chart = ChartOfAccounts::load(&config_dir.join(CHART_FILE)).map_err(|error| {
        eprintln!("error: {}", for_terminal(&error.to_string()));
        if let Some(hint) = pack_hint(rules_dir, config_dir) {
            eprintln!("  {}", for_terminal(&hint.to_string()));
        }
        ExitCode::from(2)
    })?;
    let config = load_company_dir(config_dir).map_err(|error| {
        eprintln!(
            "error: {}:{}: key `{}`: {}",
            error.file, error.line, error.key, error.message
        );
        ExitCode::from(2)
    })?;
    Ok((config, chart))
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

/// When `config_dir` has no chart but holds pack folders (`config/<pack>/accounts.toml`, the
/// layout of the stockpost repository), how to name one.
fn pack_hint(rules_dir: &Path, config_dir: &Path) -> Option<String> {
    if config_dir.join(CHART_FILE).exists() {
        return None;
    }
    let mut packs: Vec<String> = std::fs::read_dir(config_dir)
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().join(CHART_FILE).is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    packs.sort();
    let first = packs.first()?;
    Some(format!(
        "{} holds localisation packs ({}); name one: `{} --config {}`",
        config_dir.display(),
        packs.join(", "),
        rules_dir.join(first).display(),
        config_dir.join(first).display()
    ))
}

fn require_dir(path: &Path, what: &str) -> Result<(), String> {
    if path.is_dir() {
        Ok(())
    } else {
        Err(format!("{what} {} does not exist", path.display()))
    }
}

// tests/rules_cli.rs compiles this file in to test `rules check` only; there the `rules test`
// entry points are unused, which is not dead code in the binary.
/// How `rules test` is invoked.
#[cfg_attr(test, allow(dead_code))]
pub const TEST_LONG_ABOUT: &str =
    "Run the rule tests: every `[[case]]` of DIR/tests/*.toml names a \
    key (entry type, location, posting groups, item category, dimensions) and the account each \
    role must get. The rule set in DIR is loaded as `rules check` loads it, every expected role \
    is resolved through the key of its side, and each case prints `ok` or `FAIL` with the \
    expected and actual account (or the rule error).\n\n\
    Then every scenario: a sub-folder DIR/tests/NAME/ with journals (*.csv, *.jsonl) and a \
    scenario.toml. The journals are posted in memory in name order, one batch each, as `post \
    --dry-run` posts them, with the --config configuration; cost is adjusted and posted to the \
    G/L as [run] says; then every G/L account's balance is compared with [expect.gl] (every \
    account with a balance must be listed there), the inventory valuation and stock with \
    [expect], and the reconciliation must be clean. Each scenario prints `ok` or `FAIL` with \
    expected and actual per account. The formats are in docs/rules.md, section 10 \
    \"Rule tests\".\n\n\
    Examples:\n  \
    stockpost rules test\n      \
    in a company folder: rules/ with rules/tests/*.toml, configuration and chart from config/\n  \
    stockpost rules test acme/rules --config acme/config\n      \
    the rules of a company folder\n  \
    stockpost rules test rules/fr-pcg --config config/fr-pcg\n      \
    a localisation pack, from the root of the stockpost repository\n  \
    stockpost rules test --format json\n      \
    one JSON document: every case and every scenario with its failures\n\n\
    Exit status: 0 every case and scenario passes (also when there are no rule tests), 1 a case \
    or a scenario fails, 2 input error (missing folder, unreadable configuration or chart, a \
    rule set that does not load, a rule test file, scenario file or scenario journal that does \
    not parse).";

/// Arguments of `stockpost rules test`: those of `rules check` (the tests are `DIR/tests/*.toml`).
pub type RulesTestArgs = RulesCheckArgs;

/// Runs `rules test`, printing the report to stdout and input problems to stderr.
#[cfg_attr(test, allow(dead_code))]
pub fn run_tests(args: &RulesTestArgs) -> ExitCode {
    let (config, chart) = match load_company(&args.dir, &args.config) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    let stdout = std::io::stdout();
    test_and_print(args, &config, &chart, &mut stdout.lock())
}

/// The part of [`run_tests`] after loading the configuration: load the rule set and the tests,
/// run them and print the report to `out`.
#[cfg_attr(test, allow(dead_code))]
pub fn test_and_print(
    args: &RulesTestArgs,
    config: &CompanyConfig,
    chart: &ChartOfAccounts,
    out: &mut dyn Write,
) -> ExitCode {
    let rules = match RuleSet::load(&args.dir, config, chart) {
        Ok(rules) => rules,
        Err(errors) => {
            eprint!("{errors}");
            eprintln!("error: the rule set does not load; `stockpost rules check` shows why");
            return ExitCode::from(2);
        }
    };
    // Scenarios post their journals, so they run the cost adjustment trigger rule too.
    let trigger = match AdjustmentTrigger::load(&args.dir) {
        Ok(trigger) => trigger,
        Err(errors) => {
            eprint!("{errors}");
            eprintln!(
                "error: the rule `cost_adjustment_trigger` does not load; `stockpost rules \
                 check` shows why"
            );
            return ExitCode::from(2);
        }
    };
    let tests_dir = args.dir.join(RULE_TESTS_DIR);
    let suite = match RuleTestSuite::read(&tests_dir) {
        Ok(suite) => suite,
        Err(error) => {
            eprintln!("error: {}", for_terminal(&error.to_string()));
            return ExitCode::from(2);
        }
    };
    if suite.is_empty() {
        eprintln!(
            "note: no rule tests (*.toml) or scenarios (*/scenario.toml) in {}",
            tests_dir.display()
        );
    }
    let company = ScenarioCompany {
        config,
        rules: &rules,
        trigger: trigger.as_ref(),
    };
    let report = suite.run(&company);
    let text = match args.format {
        CheckFormat::Table => rule_tests::render_table(&report),
        CheckFormat::Json => rule_tests::render_json(&report),
    };
    if let Err(error) = out.write_all(text.as_bytes()) {
        eprintln!("error: cannot write the report: {error}");
        return ExitCode::from(2);
    }
    if report.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
