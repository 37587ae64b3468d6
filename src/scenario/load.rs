//! Reading scenario files: text → [`Scenario`], with errors that name the file and line.

use std::fs;
use std::path::{Path, PathBuf};

use super::model::{Checkpoint, ScenarioFile, Step, TOP_LEVEL_TABLES};
use super::validate::validate;

/// The schema this runner understands.
pub const SCHEMA: &str = "bc-costing-oracle/1";

/// A scenario file that cannot be used: unreadable, not TOML, or not a valid scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error("{path}: cannot read the file: {message}")]
    Unreadable { path: String, message: String },
    #[error("{path}: no such file or folder")]
    NotFound { path: String },
    #[error("{path}: the folder holds no scenario files (*.toml)")]
    EmptyFolder { path: String },
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: u32,
        message: String,
    },
}

/// A step with the line of its `[[step]]` header.
#[derive(Debug, Clone)]
pub struct ScenarioStep {
    pub line: u32,
    pub step: Step,
}

/// A checkpoint with the line of its `[[checkpoint]]` header.
#[derive(Debug, Clone)]
pub struct ScenarioCheckpoint {
    pub line: u32,
    pub checkpoint: Checkpoint,
}

/// A parsed and validated scenario, steps sorted by `n`.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The path as given, used in messages and as the source file of journal lines.
    pub path: String,
    pub file: ScenarioFile,
    pub steps: Vec<ScenarioStep>,
    pub checkpoints: Vec<ScenarioCheckpoint>,
}

impl Scenario {
    pub fn id(&self) -> &str {
        &self.file.id
    }
}

/// Reads and validates one scenario file.
pub fn load_scenario_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let shown = path.display().to_string();
    let text = fs::read_to_string(path).map_err(|error| ScenarioError::Unreadable {
        path: shown.clone(),
        message: error.to_string(),
    })?;
    parse_scenario(&text, &shown)
}

/// Parses and validates scenario text; `path` is only used in messages and entry sources.
pub fn parse_scenario(text: &str, path: &str) -> Result<Scenario, ScenarioError> {
    let invalid = |line: u32, message: String| ScenarioError::Invalid {
        file: path.to_string(),
        line,
        message,
    };
    let table: toml::Table = toml::from_str(text).map_err(|error| {
        let line = error.span().map_or(1, |span| line_of(text, span.start));
        invalid(line, error.message().to_string())
    })?;
    refuse_unknown_tables(&table, text).map_err(|(line, message)| invalid(line, message))?;
    let file: ScenarioFile = toml::from_str(text).map_err(|error| {
        let line = error.span().map_or(1, |span| line_of(text, span.start));
        invalid(line, error.message().to_string())
    })?;
    let mut steps: Vec<ScenarioStep> = file
        .steps
        .iter()
        .map(|spanned| ScenarioStep {
            line: line_of(text, spanned.span().start),
            step: spanned.get_ref().clone(),
        })
        .collect();
    steps.sort_by_key(|step| step.step.n);
    let checkpoints = file
        .checkpoints
        .iter()
        .map(|spanned| ScenarioCheckpoint {
            line: line_of(text, spanned.span().start),
            checkpoint: spanned.get_ref().clone(),
        })
        .collect();
    let scenario = Scenario {
        path: path.to_string(),
        file,
        steps,
        checkpoints,
    };
    validate(&scenario, text).map_err(|(line, message)| invalid(line, message))?;
    Ok(scenario)
}

/// Unknown top-level tables are typos of blocks (`[[stepp]]`, `[expct]`) and would silently
/// assert nothing; unknown scalar keys are metadata and stay allowed.
fn refuse_unknown_tables(table: &toml::Table, text: &str) -> Result<(), (u32, String)> {
    for (key, value) in table {
        let is_table = match value {
            toml::Value::Table(_) => true,
            toml::Value::Array(items) => items.iter().any(toml::Value::is_table),
            _ => false,
        };
        if is_table && !TOP_LEVEL_TABLES.contains(&key.as_str()) {
            let line = line_of_text(text, &format!("[{key}]"))
                .or_else(|| line_of_text(text, &format!("[[{key}]]")))
                .unwrap_or(1);
            return Err((
                line,
                format!(
                    "unknown block `{key}`; expected one of {}",
                    TOP_LEVEL_TABLES.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(text: &str, offset: usize) -> u32 {
    let end = offset.min(text.len());
    let newlines = text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(newlines + 1).unwrap_or(u32::MAX)
}

/// 1-based line of the first line that starts with `prefix` (after indentation).
pub(crate) fn line_of_text(text: &str, prefix: &str) -> Option<u32> {
    text.lines()
        .position(|line| line.trim_start().starts_with(prefix))
        .and_then(|index| u32::try_from(index + 1).ok())
}

/// The scenario files named by `paths`: files as given, folders scanned (not recursively) for
/// `*.toml`, each folder's files sorted by name.
pub fn collect_scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ScenarioError> {
    let mut files = Vec::new();
    for path in paths {
        let shown = path.display().to_string();
        if path.is_dir() {
            let entries = fs::read_dir(path).map_err(|error| ScenarioError::Unreadable {
                path: shown.clone(),
                message: error.to_string(),
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|file| file.is_file() && file.extension().is_some_and(|ext| ext == "toml"))
                .collect();
            if found.is_empty() {
                return Err(ScenarioError::EmptyFolder { path: shown });
            }
            found.sort();
            files.extend(found);
        } else if path.is_file() {
            files.push(path.clone());
        } else {
            return Err(ScenarioError::NotFound { path: shown });
        }
    }
    Ok(files)
}
