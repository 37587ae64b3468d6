//! What a scenario run produced, as plain serializable data, and its text rendering.
//!
//! Every expectation ends in exactly one of three states: passed, failed (with what was expected,
//! what came out and where) or not evaluated (with the reason, usually a missing engine
//! capability). Not-evaluated expectations are counted and shown, never folded into "passed".

use std::fmt::Write as _;

use serde::Serialize;

/// One expectation that did not hold, or a step the engine rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// What was checked, naming the entry: `ile 4 cost_actual`, `step 3 (sale)`.
    pub subject: String,
    /// What the scenario expects; `None` for a rejected step.
    pub expected: Option<String>,
    /// What came out (or the engine's error message).
    pub actual: String,
    /// When: `after step 7`, `line 57`.
    pub context: String,
    /// The whole line as printed: `ile 4 cost_actual: expected -10.00, got -20.00 (after step 7)`.
    pub message: String,
}

impl Failure {
    pub fn new(subject: String, expected: Option<String>, actual: String, context: String) -> Self {
        let message = match &expected {
            Some(expected) => format!("{subject}: expected {expected}, got {actual} ({context})"),
            None => format!("{subject}: {actual} ({context})"),
        };
        Failure {
            subject,
            expected,
            actual,
            context,
            message,
        }
    }
}

/// One expectation that could not be evaluated, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotEvaluated {
    pub subject: String,
    pub context: String,
    pub reason: String,
}

/// A step the runner did not execute (for example `adjust_cost` without cost adjustment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedStep {
    pub step: u32,
    pub op: String,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pass,
    Fail,
}

/// The outcome of one scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScenarioReport {
    pub id: String,
    pub file: String,
    pub status: Status,
    /// Expectations evaluated (passed + failed, rejected steps included).
    pub checked: usize,
    pub failed: usize,
    pub not_evaluated_count: usize,
    pub failures: Vec<Failure>,
    pub not_evaluated: Vec<NotEvaluated>,
    pub skipped_steps: Vec<SkippedStep>,
}

/// Totals over a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct RunSummary {
    pub scenarios: usize,
    pub passed: usize,
    pub failed: usize,
    pub checked: usize,
    pub not_evaluated: usize,
}

/// The outcome of running several scenarios.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    pub scenarios: Vec<ScenarioReport>,
    pub summary: RunSummary,
}

impl RunReport {
    pub fn new(scenarios: Vec<ScenarioReport>) -> Self {
        let mut summary = RunSummary {
            scenarios: scenarios.len(),
            ..RunSummary::default()
        };
        for report in &scenarios {
            match report.status {
                Status::Pass => summary.passed += 1,
                Status::Fail => summary.failed += 1,
            }
            summary.checked += report.checked;
            summary.not_evaluated += report.not_evaluated_count;
        }
        RunReport { scenarios, summary }
    }

    pub fn all_passed(&self) -> bool {
        self.summary.failed == 0
    }

    /// The text report: one line per scenario, failures indented below it, then (with
    /// `verbose`) skipped steps and not-evaluated expectations, and a summary line.
    pub fn render_text(&self, verbose: bool) -> String {
        let mut out = String::new();
        for report in &self.scenarios {
            render_scenario(&mut out, report, verbose);
        }
        let s = &self.summary;
        let _ = writeln!(
            out,
            "{} scenarios: {} passed, {} failed; {} expectations checked, {} not evaluated",
            s.scenarios, s.passed, s.failed, s.checked, s.not_evaluated
        );
        out
    }
}

fn render_scenario(out: &mut String, report: &ScenarioReport, verbose: bool) {
    let status = match report.status {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
    };
    let _ = write!(out, "{status} {} ({} checked", report.id, report.checked);
    if report.failed > 0 {
        let _ = write!(out, ", {} failed", report.failed);
    }
    let _ = writeln!(out, ", {} not evaluated)", report.not_evaluated_count);
    for failure in &report.failures {
        let _ = writeln!(out, "  {}", failure.message);
    }
    if !verbose {
        return;
    }
    for skipped in &report.skipped_steps {
        let _ = writeln!(
            out,
            "  skipped step {} ({}): {}",
            skipped.step, skipped.op, skipped.reason
        );
    }
    for item in &report.not_evaluated {
        let _ = writeln!(
            out,
            "  not evaluated: {} ({}): {}",
            item.subject, item.context, item.reason
        );
    }
}
