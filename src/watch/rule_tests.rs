//! Running the rule tests of `rules/tests/` before a reload: the cases (`*.toml`) and the
//! scenarios (sub-folders with a `scenario.toml`), which post their journals in memory under the
//! candidate configuration and rules.

use std::path::Path;

use crate::company::LoadedCompany;
use crate::rules::rule_scenarios::ScenarioCompany;
use crate::rules::rule_tests::{RuleTestSuite, RULE_TESTS_DIR};

/// `Ok` when `rules/tests/` has no tests or they all pass; otherwise why not, for the
/// `reload_rejected` event: the file that does not parse, or every failing case and scenario.
pub fn run_for_reload(folder: &Path, company: &LoadedCompany) -> Result<(), String> {
    let suite = RuleTestSuite::read(&folder.join("rules").join(RULE_TESTS_DIR))
        .map_err(|error| format!("rule tests: {error}"))?;
    if suite.is_empty() {
        return Ok(());
    }
    let report = suite.run(&ScenarioCompany {
        config: &company.config,
        rules: &company.rules,
        trigger: company.trigger.as_ref(),
    });
    if report.all_passed() {
        return Ok(());
    }
    let mut message = String::new();
    if report.failed > 0 {
        message += &format!(
            "{} of {} rule tests fail under the new rules:",
            report.failed,
            report.failed + report.passed
        );
    }
    for failure in report.failures() {
        let expected = failure.expected.as_deref().unwrap_or("(unmapped)");
        message += &format!(
            "\n  {}:{}: {}: role `{}`: expected {expected}, got {}",
            failure.file, failure.line, failure.case, failure.role, failure.actual
        );
    }
    if report.scenarios_failed() > 0 {
        if !message.is_empty() {
            message.push('\n');
        }
        message += &format!(
            "{} of {} rule scenarios fail under the new rules:",
            report.scenarios_failed(),
            report.scenarios.len()
        );
    }
    for scenario in report
        .scenarios
        .iter()
        .filter(|scenario| !scenario.passed())
    {
        for failure in &scenario.failures {
            message += &format!(
                "\n  {}:{}: {}: {}",
                scenario.file,
                failure.line(),
                scenario.name,
                failure.message()
            );
        }
    }
    Err(message)
}
