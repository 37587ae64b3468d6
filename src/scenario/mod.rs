//! The scenario runner: reads acceptance scenarios in the oracle format `bc-costing-oracle/1`
//! (`/work/shared/oracle/README.md`, copies in `tests/scenarios/`), runs each in a fresh
//! in-memory company and compares what the engine produced with what the scenario expects.
//!
//! Pipeline: [`load`] (TOML → validated [`Scenario`], errors with file and line) →
//! [`run`] (setup → books, steps → journal lines posted with their G/L, capability gating) →
//! [`evaluate`] and [`gl_checks`] (one check per listed field) → [`report`] (pass / fail / not
//! evaluated, text and JSON).
//!
//! Amounts in scenario files are TOML floats; they become `Decimal` through their shortest text
//! form, never through float arithmetic (see [`values`]).

pub mod check;
pub mod evaluate;
pub mod gl_checks;
pub mod load;
pub mod model;
pub mod report;
pub mod run;
pub mod setup;
pub mod steps;
mod validate;
pub mod values;

use std::path::PathBuf;

pub use load::{
    collect_scenario_files, load_scenario_file, parse_scenario, Scenario, ScenarioError,
};
pub use report::{Failure, NotEvaluated, RunReport, RunSummary, ScenarioReport, Status};
pub use run::{run_scenario, scenario_accounts, EngineCapabilities, ScenarioRun};

/// Loads every scenario named by `paths` (files, or folders scanned for `*.toml`). All input
/// errors are returned together so that one run shows every broken file.
pub fn load_scenarios(paths: &[PathBuf]) -> Result<Vec<Scenario>, Vec<ScenarioError>> {
    let files = collect_scenario_files(paths).map_err(|error| vec![error])?;
    let mut scenarios = Vec::new();
    let mut errors = Vec::new();
    for file in &files {
        match load_scenario_file(file) {
            Ok(scenario) => scenarios.push(scenario),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(scenarios)
    } else {
        Err(errors)
    }
}

/// Runs scenarios one after the other and collects their reports.
pub fn run_scenarios(scenarios: &[Scenario], capabilities: EngineCapabilities) -> RunReport {
    let reports = scenarios
        .iter()
        .map(|s| run_scenario(s, capabilities).report)
        .collect();
    RunReport::new(reports)
}
