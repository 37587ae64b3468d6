//! A candidate rule set on disk: the folder `stockpost rules diff --candidate DIR` and
//! `stockpost rules adopt DIR` take.
//!
//! `DIR` is either a folder of `*.rhai` files, or a folder with `rules/` (and optionally
//! `config/`) inside, laid out like a company. The rule files are named `rules/NAME` as the
//! company would store them once adopted, so the candidate's hash is the rule-set hash the
//! company gets; error messages name the files on disk.

use std::path::{Path, PathBuf};

use crate::rules::loader::read_rule_dir;
use crate::rules::trigger::TRIGGER_FUNCTION;
use crate::rules::RuleLimits;
use crate::store::SourceSet;

use super::definition::{source_set, CompanyDefinition, LoadedCompany};
use super::error::CompanyError;

/// A candidate rule set, read.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The folder given.
    pub dir: PathBuf,
    /// The folder the rule files were read from (`DIR` or `DIR/rules`).
    pub rules_dir: PathBuf,
    /// The rule files named `rules/NAME`, hashed.
    pub rules: SourceSet,
    /// The same files under their paths on disk, for messages.
    on_disk: SourceSet,
    /// `DIR/config/` when the candidate has one.
    pub config: Option<SourceSet>,
}

impl Candidate {
    /// Reads the candidate's rule files (and configuration files, with `DIR/config/`).
    pub fn read(dir: &Path) -> Result<Candidate, CompanyError> {
        if !dir.is_dir() {
            return Err(CompanyError::input(format!(
                "candidate rule folder {} does not exist",
                dir.display()
            ))
            .hint("pass a folder of *.rhai files, or one holding rules/ (and config/)"));
        }
        let nested = dir.join("rules").is_dir();
        let rules_dir = if nested {
            dir.join("rules")
        } else {
            dir.to_path_buf()
        };
        let files = read_rule_dir(&rules_dir, &RuleLimits::default())
            .map_err(|error| CompanyError::input(error.to_string()))?;
        if files.is_empty() {
            return Err(
                CompanyError::input(format!("no .rhai files in {}", rules_dir.display()))
                    .hint("a candidate rule set is a folder of *.rhai files, see docs/rules.md"),
            );
        }
        let canonical = files
            .iter()
            .map(|(path, text)| {
                let name = Path::new(path)
                    .file_name()
                    .map_or(path.clone(), |name| name.to_string_lossy().into_owned());
                (format!("rules/{name}"), text.clone())
            })
            .collect();
        let config = if nested && dir.join("config").is_dir() {
            let definition = CompanyDefinition::read(dir)
                .map_err(|error| CompanyError::input(error.message).hint(error.hint))?;
            Some(definition.config)
        } else {
            None
        };
        Ok(Candidate {
            dir: dir.to_path_buf(),
            rules_dir,
            rules: source_set(canonical),
            on_disk: source_set(files),
            config,
        })
    }

    /// Compiles the candidate under `config` (its own or the company's): every key the
    /// configuration knows is evaluated and every account checked against the chart. A rule
    /// error names the candidate's file, line and column.
    pub fn load(&self, config: &SourceSet) -> Result<LoadedCompany, CompanyError> {
        let nested = self.rules_dir != self.dir;
        let folder = nested.then_some(self.dir.as_path());
        match LoadedCompany::build(config, &self.rules, folder) {
            Ok(company) => Ok(company),
            Err(error) if nested => Err(CompanyError::input(error.message).hint(error.hint)),
            Err(error) => {
                // Named `rules/NAME` above; again under the names on disk for the message.
                let message = match LoadedCompany::build(config, &self.on_disk, None) {
                    Err(on_disk) => on_disk.message,
                    Ok(_) => error.message,
                };
                Err(CompanyError::input(message).hint(format!(
                    "fix the candidate and check it with `stockpost rules check {}`",
                    self.rules_dir.display()
                )))
            }
        }
    }

    /// The candidate's configuration when it has one, else `company`.
    pub fn config_or<'a>(&'a self, company: &'a SourceSet) -> &'a SourceSet {
        self.config.as_ref().unwrap_or(company)
    }
}

/// What decides the cost adjustment trigger of a rule set: the texts of the files that define
/// `cost_adjustment_trigger` (the trigger is compiled from those files alone), in name order.
/// Two rule sets with the same fingerprint decide every batch alike.
pub fn trigger_fingerprint(rules: &SourceSet) -> Vec<&str> {
    let marker = format!("fn {TRIGGER_FUNCTION}");
    rules
        .files
        .iter()
        .filter(|(_, text)| text.contains(&marker))
        .map(|(_, text)| text.as_str())
        .collect()
}
