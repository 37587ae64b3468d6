//! Rule test scenarios: a sub-folder of `rules/tests/` holding journals and a `scenario.toml`
//! that says what the G/L, the inventory valuation and the reconciliation must show after posting
//! them.
//!
//! A case (`rule_tests`) pins one key to its accounts; a scenario pins the outcome of a whole
//! history: the journals are posted in memory, in name order, one batch each, exactly as
//! `stockpost post --dry-run` posts them (the same [`run_command_with_rules`] as live posting
//! and replay, the cost adjustment trigger rule after each batch), then a full cost adjustment
//! and "post inventory cost to G/L" as `[run]` asks, and the balance of every G/L account is
//! compared with `[expect.gl]`. Every account with a balance must be listed there, so an account
//! nobody expected fails the scenario. The format is described in `docs/rules.md` §10.
//!
//! Parsing is pure ([`parse_scenario`]); [`read_rule_scenarios`] only adds reading the folders.
//! Errors name the file, the 1-based line and the key, as the configuration's do.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::rule_tests::RuleTestError;
use super::{AdjustmentTrigger, RuleSet, RuleSetAccounts};
use crate::books::Books;
use crate::company::command::{run_command_with_rules, CommandOutcome};
use crate::config::load::reader::{Field, Source, Table};
use crate::config::CompanyConfig;
use crate::journal::{parse_journal, JournalLine};
use crate::recon::{ReconciliationState, ReportFilter};
use crate::report::render::{amount, quantity};
use crate::report::valuation::InventoryValuation;
use crate::store::BatchCommand;

/// The file that makes a sub-folder of `rules/tests/` a scenario.
pub const SCENARIO_FILE: &str = "scenario.toml";

/// Journal file extensions a scenario folder posts (as `parse_journal` reads them).
pub const JOURNAL_EXTENSIONS: &[&str] = &["csv", "jsonl", "ndjson"];

/// One journal of a scenario, parsed when the folder is read.
#[derive(Debug, Clone)]
pub struct ScenarioJournal {
    /// The path as shown in failures and on the entries' source lines.
    pub name: String,
    pub lines: Vec<JournalLine>,
}

/// "Post inventory cost to G/L" after the journals and the adjustment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostCost {
    /// One G/L transaction per value entry (the default).
    PerEntry,
    /// Compressed per posting group, under one document no.
    PerPostingGroup { document_no: String },
    /// Not run: whatever waits in the queue stays there.
    None,
}

/// What runs after the journals (`[run]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioRun {
    /// Work date of every batch; `None`: each journal's last posting date.
    pub work_date: Option<NaiveDate>,
    /// A full cost adjustment after the last journal (default true), posted to the G/L when
    /// automatic cost posting is on (queued otherwise).
    pub adjust_cost: bool,
    pub post_cost: PostCost,
}

impl Default for ScenarioRun {
    fn default() -> Self {
        ScenarioRun {
            work_date: None,
            adjust_cost: true,
            post_cost: PostCost::PerEntry,
        }
    }
}

/// An expected figure and the line that states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectedAmount {
    pub value: Decimal,
    pub line: usize,
}

/// One line of `[expect.gl]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedBalance {
    pub account_no: String,
    pub balance: Decimal,
    pub line: usize,
}

/// One `[[expect.stock]]`: an item's stock, at one location or (no location) at all of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedStock {
    pub item_no: String,
    /// `None`: summed over every location.
    pub location: Option<String>,
    pub quantity: Option<Decimal>,
    pub cost_actual: Option<Decimal>,
    pub cost_expected: Option<Decimal>,
    pub line: usize,
}

/// `[expect]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioExpect {
    /// Every account with a non-zero balance, in file order.
    pub gl: Vec<ExpectedBalance>,
    /// Line of `[expect.gl]`, where an account missing from it is reported.
    pub gl_line: usize,
    pub inventory_cost_actual: Option<ExpectedAmount>,
    pub inventory_cost_expected: Option<ExpectedAmount>,
    pub stock: Vec<ExpectedStock>,
    /// Whether the reconciliation must be clean (default true).
    pub reconciled: bool,
    pub reconciled_line: usize,
}

/// A scenario folder, read and parsed.
#[derive(Debug, Clone)]
pub struct RuleScenario {
    /// The path of its `scenario.toml` as shown.
    pub file: String,
    pub name: String,
    /// In posting (file-name) order.
    pub journals: Vec<ScenarioJournal>,
    pub run: ScenarioRun,
    pub expect: ScenarioExpect,
}

impl RuleScenario {
    /// The number of journal lines.
    pub fn line_count(&self) -> usize {
        self.journals
            .iter()
            .map(|journal| journal.lines.len())
            .sum()
    }
}

fn whole_file(file: &Path, message: String) -> RuleTestError {
    RuleTestError {
        file: file.display().to_string(),
        line: 0,
        key: String::new(),
        message,
    }
}

/// Reads every scenario folder of `dir` (each sub-folder; hidden ones are skipped) in name order.
/// A missing `dir` means no scenarios. A sub-folder without `scenario.toml` or without journals,
/// a journal that does not parse and a `scenario.toml` that does not parse are errors.
pub fn read_rule_scenarios(dir: &Path) -> Result<Vec<RuleScenario>, RuleTestError> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut folders = Vec::new();
    let entries = std::fs::read_dir(dir)
        .map_err(|error| whole_file(dir, format!("cannot read the rule test folder: {error}")))?;
    for entry in entries {
        let path = entry
            .map_err(|error| whole_file(dir, format!("cannot list the folder: {error}")))?
            .path();
        let hidden = path
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if path.is_dir() && !hidden {
            folders.push(path);
        }
    }
    folders.sort();
    folders.iter().map(|folder| read_scenario(folder)).collect()
}

/// Reads one scenario folder: its journals (parsed) and its `scenario.toml`.
pub fn read_scenario(folder: &Path) -> Result<RuleScenario, RuleTestError> {
    let file = folder.join(SCENARIO_FILE);
    if !file.is_file() {
        return Err(whole_file(
            folder,
            format!(
                "no {SCENARIO_FILE}; a sub-folder of rules/tests/ is a scenario: journals and a \
                 {SCENARIO_FILE} with the expected balances (docs/rules.md §10)"
            ),
        ));
    }
    let mut paths = Vec::new();
    let entries = std::fs::read_dir(folder)
        .map_err(|error| whole_file(folder, format!("cannot list the folder: {error}")))?;
    for entry in entries {
        let path = entry
            .map_err(|error| whole_file(folder, format!("cannot list the folder: {error}")))?
            .path();
        let is_journal = path.extension().is_some_and(|ext| {
            JOURNAL_EXTENSIONS
                .iter()
                .any(|known| ext.eq_ignore_ascii_case(known))
        });
        if is_journal && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(whole_file(
            &file,
            format!(
                "the scenario has no journal files (*.{}) in {}",
                JOURNAL_EXTENSIONS.join(", *."),
                folder.display()
            ),
        ));
    }
    let mut journals = Vec::with_capacity(paths.len());
    for path in paths {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path)
            .map_err(|error| whole_file(&path, format!("cannot read: {error}")))?;
        let lines = parse_journal(&name, &text).map_err(|error| RuleTestError {
            file: error.file,
            line: error.line as usize,
            key: String::new(),
            message: if error.field.is_empty() {
                error.message
            } else {
                format!("field `{}`: {}", error.field, error.message)
            },
        })?;
        journals.push(ScenarioJournal { name, lines });
    }
    let text = std::fs::read_to_string(&file)
        .map_err(|error| whole_file(&file, format!("cannot read: {error}")))?;
    parse_scenario(&file.display().to_string(), &text, journals)
}

/// Parses the text of a `scenario.toml`; `file` is shown in errors and failures.
pub fn parse_scenario(
    file: &str,
    text: &str,
    journals: Vec<ScenarioJournal>,
) -> Result<RuleScenario, RuleTestError> {
    let source = Source::new(file, text);
    let root = source.parse()?;
    let table = Table::root(&source, &root);
    table.deny_unknown_keys(&["name", "run", "expect"])?;
    let name = table.require("name")?.code()?;
    let run = match table.get("run") {
        Some(field) => read_run(&field.table()?)?,
        None => ScenarioRun::default(),
    };
    let expect = read_expect(&source, &table.require("expect")?.table()?)?;
    Ok(RuleScenario {
        file: file.to_string(),
        name,
        journals,
        run,
        expect,
    })
}

fn read_run(table: &Table<'_, '_>) -> Result<ScenarioRun, RuleTestError> {
    table.deny_unknown_keys(&["work_date", "adjust_cost", "post_cost", "document_no"])?;
    let work_date = table.optional("work_date", None, |field| field.date().map(Some))?;
    let adjust_cost = table.optional("adjust_cost", true, Field::bool)?;
    #[derive(Clone, Copy)]
    enum Kind {
        PerEntry,
        PerPostingGroup,
        None,
    }
    let kind = table.optional("post_cost", Kind::PerEntry, |field| {
        field.choice(
            "post_cost",
            &[
                ("per_entry", Kind::PerEntry),
                ("per_posting_group", Kind::PerPostingGroup),
                ("none", Kind::None),
            ],
        )
    })?;
    let document_no = table.get("document_no");
    let post_cost = match (kind, document_no) {
        (Kind::PerPostingGroup, Some(field)) => PostCost::PerPostingGroup {
            document_no: field.code()?,
        },
        (Kind::PerPostingGroup, None) => {
            return Err(table.source.error(
                table.at(),
                &table.key_name("document_no"),
                "missing; post_cost = \"per_posting_group\" posts under one document no.",
            ))
        }
        (_, Some(field)) => {
            return Err(field.error(
                "is only used with post_cost = \"per_posting_group\"; remove it or change \
                 post_cost",
            ))
        }
        (Kind::PerEntry, None) => PostCost::PerEntry,
        (Kind::None, None) => PostCost::None,
    };
    Ok(ScenarioRun {
        work_date,
        adjust_cost,
        post_cost,
    })
}

fn read_expect(
    source: &Source<'_>,
    table: &Table<'_, '_>,
) -> Result<ScenarioExpect, RuleTestError> {
    table.deny_unknown_keys(&[
        "reconciled",
        "inventory_cost_actual",
        "inventory_cost_expected",
        "gl",
        "stock",
    ])?;
    let line_of = |field: &Field<'_, '_>| source.line_of(field.at());
    let (reconciled, reconciled_line) = match table.get("reconciled") {
        Some(field) => (field.bool()?, line_of(&field)),
        None => (true, source.line_of(table.at())),
    };
    let expected_amount = |key: &str| -> Result<Option<ExpectedAmount>, RuleTestError> {
        match table.get(key) {
            Some(field) => Ok(Some(ExpectedAmount {
                value: field.decimal()?,
                line: line_of(&field),
            })),
            None => Ok(None),
        }
    };
    let inventory_cost_actual = expected_amount("inventory_cost_actual")?;
    let inventory_cost_expected = expected_amount("inventory_cost_expected")?;
    let gl_field = table.require("gl").map_err(|mut error| {
        error.message = "missing; list every G/L account with a non-zero balance in [expect.gl] \
                         as \"account no.\" = balance"
            .to_string();
        error
    })?;
    let gl_table = gl_field.table()?;
    let mut gl = Vec::new();
    for (account_no, at, field) in gl_table.entries() {
        if account_no.trim().is_empty() {
            return Err(field.error("an account number must not be empty"));
        }
        gl.push(ExpectedBalance {
            account_no,
            balance: field.decimal()?,
            line: source.line_of(at),
        });
    }
    let stock = match table.get("stock") {
        Some(field) => read_stock(source, &field)?,
        None => Vec::new(),
    };
    Ok(ScenarioExpect {
        gl,
        gl_line: source.line_of(gl_table.at()),
        inventory_cost_actual,
        inventory_cost_expected,
        stock,
        reconciled,
        reconciled_line,
    })
}

fn read_stock(
    source: &Source<'_>,
    field: &Field<'_, '_>,
) -> Result<Vec<ExpectedStock>, RuleTestError> {
    let mut stock: Vec<ExpectedStock> = Vec::new();
    for table in field.tables()? {
        table.deny_unknown_keys(&[
            "item",
            "location",
            "quantity",
            "cost_actual",
            "cost_expected",
        ])?;
        let line = source.line_of(table.at());
        let item_no = table.require("item")?.code()?;
        let location = table.optional("location", None, |field| field.string().map(Some))?;
        let decimal = |key: &str| table.optional(key, None, |field| field.decimal().map(Some));
        let expected = ExpectedStock {
            item_no,
            location,
            quantity: decimal("quantity")?,
            cost_actual: decimal("cost_actual")?,
            cost_expected: decimal("cost_expected")?,
            line,
        };
        if expected.quantity.is_none()
            && expected.cost_actual.is_none()
            && expected.cost_expected.is_none()
        {
            return Err(source.error(
                table.at(),
                "stock",
                "expects nothing; give quantity, cost_actual or cost_expected",
            ));
        }
        if let Some(first) = stock
            .iter()
            .find(|known| known.item_no == expected.item_no && known.location == expected.location)
        {
            return Err(source.error(
                table.at(),
                "stock",
                format!(
                    "item {} {} is already expected on line {}",
                    expected.item_no,
                    location_words(expected.location.as_deref()),
                    first.line
                ),
            ));
        }
        stock.push(expected);
    }
    Ok(stock)
}

fn location_words(location: Option<&str>) -> String {
    match location {
        None => "at all locations".to_string(),
        Some("") => "at the blank location".to_string(),
        Some(code) => format!("at {code}"),
    }
}

/// What a scenario posts with: the configuration of `--config`, the rule set and its cost
/// adjustment trigger.
#[derive(Clone, Copy)]
pub struct ScenarioCompany<'a> {
    pub config: &'a CompanyConfig,
    pub rules: &'a RuleSet,
    pub trigger: Option<&'a AdjustmentTrigger>,
}

/// One G/L account of a scenario's outcome: expected (if listed) and actual balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountCheck {
    pub account_no: String,
    /// From the chart of accounts; empty for an account the chart does not know.
    pub name: String,
    /// `None`: not listed in `[expect.gl]` (it must then have no balance).
    pub expected: Option<Decimal>,
    pub actual: Decimal,
    /// Line in `scenario.toml` (of `[expect.gl]` for an account not listed).
    pub line: usize,
}

impl AccountCheck {
    pub fn passed(&self) -> bool {
        self.expected.unwrap_or(Decimal::ZERO) == self.actual
    }
}

/// Why a scenario failed, one item per difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScenarioFailure {
    /// A journal was rejected (or its trigger rule failed): the scenario stopped there.
    Posting { journal: String, message: String },
    /// Cost adjustment hit a bound, or entries could not be posted to the G/L.
    Problem { message: String },
    /// A G/L balance differs (see [`AccountCheck`]).
    Balance(AccountCheck),
    /// An expected figure of the valuation differs.
    Figure {
        what: String,
        line: usize,
        expected: Decimal,
        actual: Decimal,
    },
    /// The reconciliation is not what `reconciled` says; `cells` lists the differences.
    Reconciliation {
        line: usize,
        expected: bool,
        cells: Vec<String>,
    },
}

impl ScenarioFailure {
    /// The failure as one line (without the file name).
    pub fn message(&self) -> String {
        match self {
            ScenarioFailure::Posting { journal, message } => {
                format!("{journal} was not posted, the scenario stops there: {message}")
            }
            ScenarioFailure::Problem { message } => message.clone(),
            ScenarioFailure::Balance(check) => {
                let name = if check.name.is_empty() {
                    " (not in the chart of accounts)".to_string()
                } else {
                    format!(" {}", check.name)
                };
                match check.expected {
                    Some(expected) => format!(
                        "account {}{name}: expected {}, got {} (difference {})",
                        check.account_no,
                        amount(expected),
                        amount(check.actual),
                        amount(check.actual - expected)
                    ),
                    None => format!(
                        "account {}{name}: not in [expect.gl], got {}",
                        check.account_no,
                        amount(check.actual)
                    ),
                }
            }
            ScenarioFailure::Figure {
                what,
                expected,
                actual,
                ..
            } => format!(
                "{what}: expected {}, got {} (difference {})",
                figure(what, *expected),
                figure(what, *actual),
                figure(what, *actual - *expected)
            ),
            ScenarioFailure::Reconciliation {
                expected, cells, ..
            } => {
                if *expected {
                    format!(
                        "the reconciliation is not clean: {}",
                        if cells.is_empty() {
                            "(no cell differs)".to_string()
                        } else {
                            cells.join("; ")
                        }
                    )
                } else {
                    "expected the reconciliation not to be clean (reconciled = false), but it is"
                        .to_string()
                }
            }
        }
    }

    /// The line in `scenario.toml` the failure is about (0: none).
    pub fn line(&self) -> usize {
        match self {
            ScenarioFailure::Posting { .. } | ScenarioFailure::Problem { .. } => 0,
            ScenarioFailure::Balance(check) => check.line,
            ScenarioFailure::Figure { line, .. } | ScenarioFailure::Reconciliation { line, .. } => {
                *line
            }
        }
    }

    /// A short name of the kind, for the JSON report.
    pub fn kind(&self) -> &'static str {
        match self {
            ScenarioFailure::Posting { .. } => "posting",
            ScenarioFailure::Problem { .. } => "problem",
            ScenarioFailure::Balance(_) => "balance",
            ScenarioFailure::Figure { .. } => "figure",
            ScenarioFailure::Reconciliation { .. } => "reconciliation",
        }
    }
}

/// A quantity figure is shown as a quantity, every other as an amount.
fn figure(what: &str, value: Decimal) -> String {
    if what.ends_with("quantity") {
        quantity(value)
    } else {
        amount(value)
    }
}

/// The outcome of one scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioOutcome {
    pub file: String,
    pub name: String,
    pub journals: usize,
    pub lines: usize,
    /// Every account listed or with a balance, in account-number order.
    pub accounts: Vec<AccountCheck>,
    pub inventory_cost_actual: Decimal,
    pub inventory_cost_expected: Decimal,
    pub reconciled: bool,
    /// False when a journal was rejected: nothing after it ran and no figure was compared.
    pub completed: bool,
    /// Empty when the scenario passed.
    pub failures: Vec<ScenarioFailure>,
}

impl ScenarioOutcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Posts the scenario's journals into empty books of `company` and compares the outcome with
/// what the scenario expects.
pub fn run_rule_scenario(
    scenario: &RuleScenario,
    company: &ScenarioCompany<'_>,
) -> ScenarioOutcome {
    let mut books = Books::new(company.config.clone());
    let mut failures = Vec::new();
    let mut outcome = ScenarioOutcome {
        file: scenario.file.clone(),
        name: scenario.name.clone(),
        journals: scenario.journals.len(),
        lines: scenario.line_count(),
        accounts: Vec::new(),
        inventory_cost_actual: Decimal::ZERO,
        inventory_cost_expected: Decimal::ZERO,
        reconciled: false,
        completed: false,
        failures: Vec::new(),
    };
    let run = |books: &mut Books, command: &BatchCommand, lines: Option<Vec<JournalLine>>| {
        run_command_with_rules(books, company.rules, company.trigger, command, lines)
    };
    for journal in &scenario.journals {
        let last_date = journal.lines.iter().map(|line| line.posting_date).max();
        let Some(work_date) = scenario.run.work_date.or(last_date) else {
            continue;
        };
        let command = BatchCommand::PostJournal { work_date };
        match run(&mut books, &command, Some(journal.lines.clone())) {
            Ok(posted) => record_problems(&posted, &mut failures),
            Err(error) => {
                failures.push(ScenarioFailure::Posting {
                    journal: journal.name.clone(),
                    message: error.message,
                });
                outcome.failures = failures;
                return outcome;
            }
        }
    }
    let mut after = Vec::new();
    if scenario.run.adjust_cost {
        after.push(BatchCommand::AdjustCost {
            items: Vec::new(),
            item_category: None,
            post_to_gl: company.config.inventory_setup.automatic_cost_posting,
        });
    }
    match &scenario.run.post_cost {
        PostCost::PerEntry => after.push(BatchCommand::PostInventoryCost {
            per_posting_group: None,
        }),
        PostCost::PerPostingGroup { document_no } => after.push(BatchCommand::PostInventoryCost {
            per_posting_group: Some(document_no.clone()),
        }),
        PostCost::None => {}
    }
    for command in &after {
        match run(&mut books, command, None) {
            Ok(done) => record_problems(&done, &mut failures),
            Err(error) => failures.push(ScenarioFailure::Problem {
                message: error.message,
            }),
        }
    }
    compare(scenario, company, &books, &mut outcome, &mut failures);
    outcome.completed = true;
    outcome.failures = failures;
    outcome
}

/// Adjustment bounds hit and value entries skipped by the G/L posting of a command.
fn record_problems(outcome: &CommandOutcome, failures: &mut Vec<ScenarioFailure>) {
    let mut skipped = Vec::new();
    if let Some(adjustment) = &outcome.adjustment {
        for hit in &adjustment.adjustment.limit_hits {
            failures.push(ScenarioFailure::Problem {
                message: format!(
                    "cost adjustment stopped at the {} bound for item {} (item ledger entry {}); \
                     the item stays not adjusted",
                    hit.limit, hit.item_no, hit.item_ledger_entry_no
                ),
            });
        }
        skipped.extend(&adjustment.cost_posting.skipped);
    }
    if let Some(posting) = &outcome.cost_posting {
        skipped.extend(&posting.skipped);
    }
    for entry in skipped {
        failures.push(ScenarioFailure::Problem {
            message: format!(
                "value entry {} was not posted to the G/L: {}",
                entry.value_entry_no, entry.reason
            ),
        });
    }
}

/// Compares balances, valuation and reconciliation with the expectations.
fn compare(
    scenario: &RuleScenario,
    company: &ScenarioCompany<'_>,
    books: &Books,
    outcome: &mut ScenarioOutcome,
    failures: &mut Vec<ScenarioFailure>,
) {
    let expect = &scenario.expect;
    let mut balances: BTreeMap<&str, Decimal> = BTreeMap::new();
    for entry in books.general_ledger.entries() {
        *balances.entry(&entry.account_no).or_default() += entry.amount;
    }
    let listed: BTreeMap<&str, &ExpectedBalance> = expect
        .gl
        .iter()
        .map(|expected| (expected.account_no.as_str(), expected))
        .collect();
    let accounts: BTreeSet<&str> = balances
        .iter()
        .filter(|(_, balance)| !balance.is_zero())
        .map(|(account_no, _)| *account_no)
        .chain(listed.keys().copied())
        .collect();
    let chart = company.rules.chart();
    for account_no in accounts {
        let expected = listed.get(account_no);
        let check = AccountCheck {
            account_no: account_no.to_string(),
            name: chart
                .account(account_no)
                .map_or(String::new(), |account| account.name.clone()),
            expected: expected.map(|expected| expected.balance),
            actual: balances.get(account_no).copied().unwrap_or_default(),
            line: expected.map_or(expect.gl_line, |expected| expected.line),
        };
        if !check.passed() {
            failures.push(ScenarioFailure::Balance(check.clone()));
        }
        outcome.accounts.push(check);
    }

    let valuation = InventoryValuation::of(&books.ledger);
    outcome.inventory_cost_actual = valuation.total_cost_actual;
    outcome.inventory_cost_expected = valuation.total_cost_expected;
    let mut check_figure = |what: String, expected: Option<ExpectedAmount>, actual: Decimal| {
        if let Some(expected) = expected {
            if expected.value != actual {
                failures.push(ScenarioFailure::Figure {
                    what,
                    line: expected.line,
                    expected: expected.value,
                    actual,
                });
            }
        }
    };
    check_figure(
        "inventory_cost_actual".to_string(),
        expect.inventory_cost_actual,
        valuation.total_cost_actual,
    );
    check_figure(
        "inventory_cost_expected".to_string(),
        expect.inventory_cost_expected,
        valuation.total_cost_expected,
    );
    for stock in &expect.stock {
        let rows = valuation.rows.iter().filter(|row| {
            row.item == stock.item_no
                && stock
                    .location
                    .as_deref()
                    .is_none_or(|location| row.location == location)
        });
        let mut sums = [Decimal::ZERO; 3];
        for row in rows {
            sums[0] += row.quantity;
            sums[1] += row.cost_actual;
            sums[2] += row.cost_expected;
        }
        let label = |field: &str| {
            format!(
                "item {} {}: {field}",
                stock.item_no,
                location_words(stock.location.as_deref())
            )
        };
        let figures = [
            ("quantity", stock.quantity, sums[0]),
            ("cost_actual", stock.cost_actual, sums[1]),
            ("cost_expected", stock.cost_expected, sums[2]),
        ];
        for (field, expected, actual) in figures {
            let expected = expected.map(|value| ExpectedAmount {
                value,
                line: stock.line,
            });
            check_figure(label(field), expected, actual);
        }
    }

    let accounts = RuleSetAccounts::new(company.rules);
    let state = ReconciliationState::from_books(books, &accounts);
    let report = state.report(books, &accounts, &ReportFilter::default());
    outcome.reconciled = report.is_reconciled();
    if outcome.reconciled != expect.reconciled {
        let cells = report
            .cells
            .iter()
            .filter(|cell| !cell.difference.is_zero())
            .map(|cell| {
                format!(
                    "{} {} at {} {}: sub-ledger {}, G/L {}, difference {}",
                    cell.key.role,
                    cell.key.account_no.as_deref().unwrap_or("(no account)"),
                    if cell.key.location.is_empty() {
                        "(blank)"
                    } else {
                        &cell.key.location
                    },
                    cell.key.inventory_posting_group,
                    amount(cell.sub_ledger),
                    amount(cell.general_ledger),
                    amount(cell.difference)
                )
            })
            .collect();
        failures.push(ScenarioFailure::Reconciliation {
            line: expect.reconciled_line,
            expected: expect.reconciled,
            cells,
        });
    }
}

/// The scenario outcomes as text: one line per scenario (`ok` or `FAIL`), for a failing one each
/// failure and, when a balance differs, the table of every account; then the counts.
pub fn render_table(outcomes: &[ScenarioOutcome]) -> String {
    let mut out = String::new();
    for outcome in outcomes {
        let status = if outcome.passed() { "ok  " } else { "FAIL" };
        let figures = if outcome.completed {
            format!(
                "; {} accounts, inventory {} (expected cost {}), {}",
                outcome.accounts.len(),
                amount(outcome.inventory_cost_actual),
                amount(outcome.inventory_cost_expected),
                if outcome.reconciled {
                    "reconciled"
                } else {
                    "not reconciled"
                }
            )
        } else {
            String::new()
        };
        out.push_str(&format!(
            "{status} {} {}: {} journals, {} lines{figures}\n",
            outcome.file, outcome.name, outcome.journals, outcome.lines,
        ));
        for failure in &outcome.failures {
            let at = match failure.line() {
                0 => String::new(),
                line => format!("{}:{line}: ", outcome.file),
            };
            out.push_str(&format!("     {at}{}\n", failure.message()));
        }
        let balance_failed = outcome
            .failures
            .iter()
            .any(|failure| matches!(failure, ScenarioFailure::Balance(_)));
        if balance_failed {
            out.push_str(&account_table(&outcome.accounts));
        }
    }
    let passed = outcomes.iter().filter(|outcome| outcome.passed()).count();
    out.push_str(&format!(
        "rule scenarios: {passed} passed, {} failed\n",
        outcomes.len() - passed
    ));
    out
}

/// Every account of a scenario with its expected and actual balance, indented, failing rows
/// marked.
fn account_table(accounts: &[AccountCheck]) -> String {
    let rows: Vec<[String; 5]> = accounts
        .iter()
        .map(|check| {
            [
                check.account_no.clone(),
                check.expected.map_or("(not listed)".to_string(), amount),
                amount(check.actual),
                amount(check.actual - check.expected.unwrap_or_default()),
                if check.passed() { "" } else { "<- differs" }.to_string(),
            ]
        })
        .collect();
    let header = ["account", "expected", "actual", "difference", ""];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        format!(
            "     {:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}  {}",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3],
        )
        .trim_end()
        .to_string()
            + "\n"
    };
    let mut out = line(header);
    for row in &rows {
        out.push_str(&line([&row[0], &row[1], &row[2], &row[3], &row[4]]));
    }
    out
}

/// The scenario outcomes as a JSON array (the `scenarios` of `rules test --format json`).
pub fn outcomes_json(outcomes: &[ScenarioOutcome]) -> serde_json::Value {
    use serde_json::{json, Value};
    let outcome_json = |outcome: &ScenarioOutcome| -> Value {
        let accounts: Vec<Value> = outcome
            .accounts
            .iter()
            .map(|check| {
                json!({
                    "account_no": check.account_no,
                    "name": check.name,
                    "line": check.line,
                    "expected": check.expected.map(amount),
                    "actual": amount(check.actual),
                    "passed": check.passed(),
                })
            })
            .collect();
        let failures: Vec<Value> = outcome
            .failures
            .iter()
            .map(|failure| {
                json!({
                    "kind": failure.kind(),
                    "line": failure.line(),
                    "message": failure.message(),
                })
            })
            .collect();
        json!({
            "file": outcome.file,
            "name": outcome.name,
            "passed": outcome.passed(),
            "completed": outcome.completed,
            "journals": outcome.journals,
            "lines": outcome.lines,
            "inventory_cost_actual": amount(outcome.inventory_cost_actual),
            "inventory_cost_expected": amount(outcome.inventory_cost_expected),
            "reconciled": outcome.reconciled,
            "accounts": accounts,
            "failures": failures,
        })
    };
    Value::Array(outcomes.iter().map(outcome_json).collect())
}
