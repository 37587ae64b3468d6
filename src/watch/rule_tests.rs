//! Running the rule tests of `rules/tests/` before a reload.

use std::path::Path;

use crate::company::LoadedCompany;
use crate::rules::rule_tests::{read_rule_tests, run_rule_tests};

/// `Ok` when `rules/tests/` has no tests or they all pass; otherwise why not, for the
/// `reload_rejected` event: the file that does not parse, or every failing case.
pub fn run_for_reload(folder: &Path, company: &LoadedCompany) -> Result<(), String> {
    let files = read_rule_tests(&folder.join("rules").join("tests"))
        .map_err(|error| format!("rule tests: {error}"))?;
    if files.is_empty() {
        return Ok(());
    }
    let report = run_rule_tests(&files, &company.rules);
    if report.all_passed() {
        return Ok(());
    }
    let mut message = format!(
        "{} of {} rule tests fail under the new rules:",
        report.failed,
        report.failed + report.passed
    );
    for failure in report.failures() {
        let expected = failure.expected.as_deref().unwrap_or("(unmapped)");
        message += &format!(
            "\n  {}:{}: {}: role `{}`: expected {expected}, got {}",
            failure.file, failure.line, failure.case, failure.role, failure.actual
        );
    }
    Err(message)
}
