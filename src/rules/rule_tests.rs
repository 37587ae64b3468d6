//! Rule tests: `rules/tests/*.toml` files of cases "for this key, the rules give these accounts".
//!
//! A consultant who edits a rule wants to know that the accounts they did not mean to touch
//! stayed where they were. A rule test pins a handful of keys to the accounts an accountant
//! signed off; `stockpost rules test` (and, before swapping in a new generation, the watcher)
//! resolves every expected role through the same lookup the G/L posting uses and compares the
//! account number. The format is described in `docs/rules.md`, section "Rule tests".
//!
//! Parsing is pure ([`parse_rule_tests`]); [`read_rule_tests`] only adds reading a folder. The
//! TOML is walked through its spanned document tree (as the configuration loader does) so that
//! every error names the file, the 1-based line and the key.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::diagnostics::{RuleError, RuleErrorKind};
use super::key::{AccountKey, AccountKeyParts, ENTRY_TYPES};
use super::role::{AccountRole, RoleSide};
use super::rule_scenarios::{
    self, read_rule_scenarios, run_rule_scenario, RuleScenario, ScenarioCompany, ScenarioOutcome,
};
use super::ruleset::RuleSet;
use crate::journal::Dimensions;
use crate::ledger::ItemLedgerEntryType;

/// The folder, inside a rule folder, that holds the rule tests.
pub const RULE_TESTS_DIR: &str = "tests";

/// Keys a `[[case]]` table may hold.
const CASE_KEYS: &[&str] = &[
    "name",
    "entry_type",
    "location",
    "inventory_posting_group",
    "gen_bus_posting_group",
    "gen_prod_posting_group",
    "item_category",
    "dimensions",
    "expect",
];

/// A problem in a rule test file: where it is (`file`, 1-based `line`, `key`) and what is wrong.
/// A rule test file's error: file, line (0 for the whole file), key (empty for a TOML syntax
/// error) and message, shown as the configuration's errors are.
pub type RuleTestError = crate::config::ConfigError;

/// One rule test file, parsed.
#[derive(Debug, Clone)]
pub struct RuleTestFile {
    /// The file name as given (shown in failures).
    pub name: String,
    pub cases: Vec<RuleTestCase>,
}

/// One `[[case]]`: a key and the accounts the rules must give for it.
#[derive(Debug, Clone)]
pub struct RuleTestCase {
    pub name: String,
    /// Line of the `[[case]]` header.
    pub line: usize,
    /// Both halves of the key; each expected role is asked of the half of its side.
    pub key: AccountKey,
    /// In file order.
    pub expect: Vec<ExpectedAccount>,
}

/// One line of `[case.expect]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedAccount {
    pub role: AccountRole,
    /// `None` when the file says `""`: the rules must leave the role unmapped for this key.
    pub account_no: Option<String>,
    pub line: usize,
}

/// Everything a rule test folder (`rules/tests/`) holds: the case files (`*.toml`) and the
/// scenario folders (sub-folders with a `scenario.toml`, see [`super::rule_scenarios`]).
#[derive(Debug, Clone, Default)]
pub struct RuleTestSuite {
    pub files: Vec<RuleTestFile>,
    pub scenarios: Vec<RuleScenario>,
}

impl RuleTestSuite {
    /// Reads the case files and the scenario folders of `dir`; a missing folder means no tests.
    pub fn read(dir: &Path) -> Result<RuleTestSuite, RuleTestError> {
        Ok(RuleTestSuite {
            files: read_rule_tests(dir)?,
            scenarios: read_rule_scenarios(dir)?,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty() && self.scenarios.is_empty()
    }

    /// Runs every case against `company.rules` and posts every scenario with `company`.
    pub fn run(&self, company: &ScenarioCompany<'_>) -> RuleTestReport {
        let mut report = run_rule_tests(&self.files, company.rules);
        report.scenarios = self
            .scenarios
            .iter()
            .map(|scenario| run_rule_scenario(scenario, company))
            .collect();
        report
    }
}

/// Reads every `*.toml` file of `dir` in name order. A missing folder means no tests.
pub fn read_rule_tests(dir: &Path) -> Result<Vec<RuleTestFile>, RuleTestError> {
    let whole_file = |file: &Path, message: String| RuleTestError {
        file: file.display().to_string(),
        line: 0,
        key: String::new(),
        message,
    };
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|error| whole_file(dir, format!("cannot read the rule test folder: {error}")))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|error| whole_file(dir, format!("cannot list the folder: {error}")))?
            .path();
        if path.extension().is_some_and(|ext| ext == "toml") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|error| whole_file(&path, format!("cannot read: {error}")))?;
        files.push(parse_rule_tests(&path.display().to_string(), &text)?);
    }
    Ok(files)
}

/// Parses the text of one rule test file; `name` is shown in errors and failures.
pub fn parse_rule_tests(name: &str, text: &str) -> Result<RuleTestFile, RuleTestError> {
    let source = Source { name, text };
    let root = DeTable::parse(text).map_err(|error| {
        let at = error.span().map_or(0, |span| span.start);
        source.error(
            at,
            "",
            format!("invalid TOML: {}", error.message().trim_end()),
        )
    })?;
    if let Some((key, _)) = root
        .get_ref()
        .iter()
        .find(|(key, _)| key.get_ref() != "case")
    {
        return Err(source.error(
            key.span().start,
            key.get_ref(),
            "unknown key; a rule test file holds only [[case]] tables",
        ));
    }
    let Some(cases) = root.get_ref().get("case") else {
        return Err(source.error(0, "case", "no [[case]] tables; add at least one case"));
    };
    let DeValue::Array(elements) = cases.get_ref() else {
        return Err(source.error(cases.span().start, "case", "expected [[case]] tables"));
    };
    let mut parsed: Vec<RuleTestCase> = Vec::with_capacity(elements.len());
    for element in elements {
        let DeValue::Table(table) = element.get_ref() else {
            return Err(source.error(element.span().start, "case", "expected a [[case]] table"));
        };
        let case = read_case(&source, table, element.span().start)?;
        if let Some(first) = parsed.iter().find(|known| known.name == case.name) {
            return Err(source.error(
                element.span().start,
                "name",
                format!(
                    "duplicate case name {:?}; it is already used on line {}",
                    case.name, first.line
                ),
            ));
        }
        parsed.push(case);
    }
    Ok(RuleTestFile {
        name: name.to_string(),
        cases: parsed,
    })
}

/// The text of one file, for turning byte offsets into lines.
struct Source<'a> {
    name: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count()
            + 1
    }

    fn error(&self, offset: usize, key: &str, message: impl Into<String>) -> RuleTestError {
        RuleTestError {
            file: self.name.to_string(),
            line: self.line_of(offset),
            key: key.to_string(),
            message: message.into(),
        }
    }
}

fn read_case(
    source: &Source<'_>,
    table: &DeTable<'_>,
    at: usize,
) -> Result<RuleTestCase, RuleTestError> {
    let unknown = table
        .keys()
        .filter(|key| !CASE_KEYS.contains(&key.get_ref().as_ref()))
        .min_by_key(|key| key.span().start);
    if let Some(key) = unknown {
        return Err(source.error(
            key.span().start,
            key.get_ref(),
            format!("unknown key; expected one of {}", CASE_KEYS.join(", ")),
        ));
    }
    let text = |key: &str| optional_string(source, table, key);
    let name = text("name")?.unwrap_or_default();
    if name.trim().is_empty() {
        return Err(source.error(at, "name", "missing or empty; every case needs a name"));
    }
    let entry_type = read_entry_type(source, table, at)?;
    let expect = read_expect(source, table, at)?;
    let fields = KeyFields {
        location: text("location")?.unwrap_or_default(),
        inventory_posting_group: text("inventory_posting_group")?,
        gen_bus_posting_group: text("gen_bus_posting_group")?.unwrap_or_default(),
        gen_prod_posting_group: text("gen_prod_posting_group")?,
        item_category: text("item_category")?.unwrap_or_default(),
    };
    require_side_fields(source, &fields, &expect, at)?;
    let dimensions = read_dimensions(source, table)?;
    Ok(RuleTestCase {
        name,
        line: source.line_of(at),
        key: fields.key(entry_type, dimensions),
        expect,
    })
}

/// The key fields of a case as written; the posting groups stay `None` when absent, so that a
/// case expecting a role of a side can insist on that side's posting group.
struct KeyFields {
    location: String,
    inventory_posting_group: Option<String>,
    gen_bus_posting_group: String,
    gen_prod_posting_group: Option<String>,
    item_category: String,
}

impl KeyFields {
    fn key(&self, entry_type: Option<ItemLedgerEntryType>, dimensions: Dimensions) -> AccountKey {
        AccountKey::new(
            &AccountKeyParts {
                location: &self.location,
                inventory_posting_group: self.inventory_posting_group.as_deref().unwrap_or(""),
                gen_bus_posting_group: &self.gen_bus_posting_group,
                gen_prod_posting_group: self.gen_prod_posting_group.as_deref().unwrap_or(""),
                item_category: &self.item_category,
                entry_type,
            },
            Arc::new(dimensions),
        )
    }
}

/// A case expecting an inventory-side role must name the inventory posting group, one expecting
/// a general-side role the gen. product posting group: a forgotten group would otherwise test
/// the blank group by accident.
fn require_side_fields(
    source: &Source<'_>,
    fields: &KeyFields,
    expect: &[ExpectedAccount],
    at: usize,
) -> Result<(), RuleTestError> {
    let sides = [
        (
            RoleSide::Inventory,
            "inventory_posting_group",
            &fields.inventory_posting_group,
        ),
        (
            RoleSide::General,
            "gen_prod_posting_group",
            &fields.gen_prod_posting_group,
        ),
    ];
    for (side, key, value) in sides {
        let role = expect.iter().find(|expected| expected.role.side() == side);
        if let (Some(expected), None) = (role, value) {
            return Err(source.error(
                at,
                key,
                format!(
                    "missing; the case expects the {} role `{}`, which is keyed by it",
                    side.as_str(),
                    expected.role
                ),
            ));
        }
    }
    Ok(())
}

fn optional_string(
    source: &Source<'_>,
    table: &DeTable<'_>,
    key: &str,
) -> Result<Option<String>, RuleTestError> {
    match table.get(key) {
        None => Ok(None),
        Some(value) => string_value(source, key, value).map(Some),
    }
}

fn string_value(
    source: &Source<'_>,
    key: &str,
    value: &Spanned<DeValue<'_>>,
) -> Result<String, RuleTestError> {
    match value.get_ref() {
        DeValue::String(text) => Ok(text.to_string()),
        _ => Err(source.error(value.span().start, key, "expected a string in quotes")),
    }
}

fn read_entry_type(
    source: &Source<'_>,
    table: &DeTable<'_>,
    at: usize,
) -> Result<Option<ItemLedgerEntryType>, RuleTestError> {
    let names = || {
        let names: Vec<&str> = ENTRY_TYPES.iter().map(|t| t.as_str()).collect();
        names.join(", ")
    };
    let Some(value) = table.get("entry_type") else {
        return Err(source.error(
            at,
            "entry_type",
            format!("missing; one of {}, or \"\" for capacity entries", names()),
        ));
    };
    let text = string_value(source, "entry_type", value)?;
    if text.is_empty() {
        return Ok(None);
    }
    match ENTRY_TYPES
        .iter()
        .find(|entry_type| entry_type.as_str() == text)
    {
        Some(entry_type) => Ok(Some(*entry_type)),
        None => Err(source.error(
            value.span().start,
            "entry_type",
            format!("unknown entry type {text:?}; expected one of {}", names()),
        )),
    }
}

fn read_dimensions(source: &Source<'_>, table: &DeTable<'_>) -> Result<Dimensions, RuleTestError> {
    let Some(value) = table.get("dimensions") else {
        return Ok(Dimensions::new());
    };
    let DeValue::Table(entries) = value.get_ref() else {
        return Err(source.error(
            value.span().start,
            "dimensions",
            "expected a table of dimension code = \"value\", e.g. { DEPARTMENT = \"SALES\" }",
        ));
    };
    let mut dimensions = BTreeMap::new();
    for (code, value) in entries {
        let key = format!("dimensions.{}", code.get_ref());
        dimensions.insert(
            code.get_ref().to_string(),
            string_value(source, &key, value)?,
        );
    }
    Ok(dimensions)
}

fn read_expect(
    source: &Source<'_>,
    table: &DeTable<'_>,
    at: usize,
) -> Result<Vec<ExpectedAccount>, RuleTestError> {
    let Some(value) = table.get("expect") else {
        return Err(source.error(
            at,
            "expect",
            "missing; add a [case.expect] table of role = \"account no.\"",
        ));
    };
    let DeValue::Table(entries) = value.get_ref() else {
        return Err(source.error(value.span().start, "expect", "expected a table"));
    };
    let mut expected = Vec::with_capacity(entries.len());
    for (role_name, account) in entries {
        let key = format!("expect.{}", role_name.get_ref());
        let Some(role) = AccountRole::from_name(role_name.get_ref()) else {
            let roles: Vec<&str> = AccountRole::ALL.iter().map(|role| role.name()).collect();
            return Err(source.error(
                role_name.span().start,
                &key,
                format!("unknown role; expected one of {}", roles.join(", ")),
            ));
        };
        let account_no = string_value(source, &key, account)?;
        expected.push(ExpectedAccount {
            role,
            account_no: (!account_no.is_empty()).then_some(account_no),
            line: source.line_of(role_name.span().start),
        });
    }
    if expected.is_empty() {
        return Err(source.error(
            value.span().start,
            "expect",
            "empty; expect at least one role",
        ));
    }
    expected.sort_by_key(|expected| expected.line);
    Ok(expected)
}

/// What the rules gave for one expected role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActualAccount {
    Account(String),
    /// The rule answered, but not for this role.
    Unmapped,
    /// The rule failed for this key (throw, bad output, unknown location...).
    Error(RuleError),
}

impl fmt::Display for ActualAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ActualAccount::Account(account_no) => f.write_str(account_no),
            ActualAccount::Unmapped => f.write_str("(unmapped)"),
            ActualAccount::Error(error) => write!(f, "error: {}", error.message),
        }
    }
}

/// One expected role that the rules answer differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleTestFailure {
    pub file: String,
    pub case: String,
    /// Line of the role in `[case.expect]`.
    pub line: usize,
    pub role: AccountRole,
    /// The key the role was asked for (the half of the role's side), as text.
    pub key: String,
    /// `None`: the test expects the role unmapped.
    pub expected: Option<String>,
    pub actual: ActualAccount,
}

/// The outcome of one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleTestOutcome {
    pub file: String,
    pub case: String,
    pub line: usize,
    /// Empty when the case passed.
    pub failures: Vec<RuleTestFailure>,
}

/// The outcome of every case, in file and case order, and of every scenario, in folder order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleTestReport {
    pub outcomes: Vec<RuleTestOutcome>,
    /// Cases passed and failed.
    pub passed: usize,
    pub failed: usize,
    /// Scenario outcomes (empty when only cases were run).
    pub scenarios: Vec<ScenarioOutcome>,
}

impl RuleTestReport {
    /// Every case and every scenario passed.
    pub fn all_passed(&self) -> bool {
        self.failed == 0 && self.scenarios_failed() == 0
    }

    pub fn scenarios_passed(&self) -> usize {
        self.scenarios.iter().filter(|s| s.passed()).count()
    }

    pub fn scenarios_failed(&self) -> usize {
        self.scenarios.len() - self.scenarios_passed()
    }

    /// Every failing role of every case.
    pub fn failures(&self) -> impl Iterator<Item = &RuleTestFailure> {
        self.outcomes.iter().flat_map(|outcome| &outcome.failures)
    }
}

/// Resolves every expected role of every case through `rules` and compares the account numbers.
/// Keys not known at load are evaluated (and cached) on the way, as a posting would.
pub fn run_rule_tests(files: &[RuleTestFile], rules: &RuleSet) -> RuleTestReport {
    let mut report = RuleTestReport::default();
    for file in files {
        for case in &file.cases {
            let failures: Vec<RuleTestFailure> = case
                .expect
                .iter()
                .filter_map(|expected| check_role(file, case, expected, rules))
                .collect();
            if failures.is_empty() {
                report.passed += 1;
            } else {
                report.failed += 1;
            }
            report.outcomes.push(RuleTestOutcome {
                file: file.name.clone(),
                case: case.name.clone(),
                line: case.line,
                failures,
            });
        }
    }
    report
}

fn check_role(
    file: &RuleTestFile,
    case: &RuleTestCase,
    expected: &ExpectedAccount,
    rules: &RuleSet,
) -> Option<RuleTestFailure> {
    let (resolved, key) = match expected.role.side() {
        RoleSide::Inventory => (
            rules.inventory_account(&case.key.inventory, expected.role),
            case.key.inventory.to_string(),
        ),
        RoleSide::General => (
            rules.general_account(&case.key.general, expected.role),
            case.key.general.to_string(),
        ),
    };
    let actual = match resolved {
        Ok(resolved) => ActualAccount::Account(resolved.account_no.to_string()),
        Err(error) if error.kind == RuleErrorKind::MissingRole => ActualAccount::Unmapped,
        Err(error) => ActualAccount::Error(error),
    };
    let passed = match (&expected.account_no, &actual) {
        (Some(account_no), ActualAccount::Account(found)) => account_no == found,
        (None, ActualAccount::Unmapped) => true,
        _ => false,
    };
    (!passed).then(|| RuleTestFailure {
        file: file.name.clone(),
        case: case.name.clone(),
        line: expected.line,
        role: expected.role,
        key,
        expected: expected.account_no.clone(),
        actual,
    })
}

/// The report as text: one line per case (`ok` or `FAIL`), the details of each failing role
/// (expected, actual, key; a rule error rendered rustc style), then the counts; then, when there
/// are scenarios, one line per scenario with its failures and their counts.
pub fn render_table(report: &RuleTestReport) -> String {
    let mut out = String::new();
    for outcome in &report.outcomes {
        let status = if outcome.failures.is_empty() {
            "ok  "
        } else {
            "FAIL"
        };
        out.push_str(&format!(
            "{status} {}:{} {}\n",
            outcome.file, outcome.line, outcome.case
        ));
        for failure in &outcome.failures {
            out.push_str(&format!(
                "     {}:{}: role `{}`: expected {}, got {}\n",
                failure.file,
                failure.line,
                failure.role,
                failure.expected.as_deref().unwrap_or("(unmapped)"),
                failure.actual
            ));
            out.push_str(&format!("     {}\n", failure.key));
            if let ActualAccount::Error(error) = &failure.actual {
                for line in error.to_string().lines() {
                    out.push_str(&format!("     {line}\n"));
                }
            }
        }
    }
    out.push_str(&format!(
        "rule tests: {} passed, {} failed\n",
        report.passed, report.failed
    ));
    if !report.scenarios.is_empty() {
        out.push_str(&rule_scenarios::render_table(&report.scenarios));
    }
    out
}

/// The report as one JSON document: `passed`, `failed` and `cases`, each with its `failures`
/// (`role`, `line`, `key`, `expected`, `actual` and, for a rule error, `error`); then
/// `scenarios_passed`, `scenarios_failed` and `scenarios` (see `rule_scenarios::outcomes_json`).
pub fn render_json(report: &RuleTestReport) -> String {
    use serde_json::{json, Value};
    let failure_json = |failure: &RuleTestFailure| -> Value {
        let (actual, error) = match &failure.actual {
            ActualAccount::Account(account_no) => (Value::from(account_no.as_str()), Value::Null),
            ActualAccount::Unmapped => (Value::Null, Value::Null),
            ActualAccount::Error(error) => (Value::Null, Value::from(error.to_string())),
        };
        json!({
            "role": failure.role.name(),
            "line": failure.line,
            "key": failure.key,
            "expected": failure.expected,
            "actual": actual,
            "error": error,
        })
    };
    let cases: Vec<Value> = report
        .outcomes
        .iter()
        .map(|outcome| {
            json!({
                "file": outcome.file,
                "line": outcome.line,
                "name": outcome.case,
                "passed": outcome.failures.is_empty(),
                "failures": outcome.failures.iter().map(failure_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let document = json!({
        "passed": report.passed,
        "failed": report.failed,
        "cases": cases,
        "scenarios_passed": report.scenarios_passed(),
        "scenarios_failed": report.scenarios_failed(),
        "scenarios": rule_scenarios::outcomes_json(&report.scenarios),
    });
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}
