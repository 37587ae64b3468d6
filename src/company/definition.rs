//! A company's definition: its configuration files and rule files as text, and the loaded
//! company built from them.
//!
//! Files are named by their path inside the company folder (`config/items.toml`,
//! `rules/inventory.rhai`), whether they come from the folder or from the store, so that a G/L
//! entry's provenance (rule file) is the same when a stored batch is replayed as when it was
//! posted. Error messages name the file on disk instead.

use std::path::{Path, PathBuf};

use crate::chart::ChartOfAccounts;
use crate::config::{
    load_company_files, CompanyConfig, ConfigFile, COMPANY_FILE, ITEMS_FILE, LOCATIONS_FILE,
};
use crate::rules::loader::{content_hash, read_rule_dir};
use crate::rules::{AdjustmentTrigger, RuleLimits, RuleSet};
use crate::store::SourceSet;

/// The chart of accounts file inside `config/`.
pub const CHART_FILE: &str = "accounts.toml";

/// The configuration files a company folder must have, in the order they are stored.
pub const CONFIG_FILES: [&str; 4] = [CHART_FILE, COMPANY_FILE, ITEMS_FILE, LOCATIONS_FILE];

/// Why a company's definition could not be read or loaded. The message names the file (and
/// line, key or column) and says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DefinitionError {
    pub message: String,
    pub hint: String,
}

/// A company's configuration and rules as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyDefinition {
    /// `config/accounts.toml`, `config/company.toml`, `config/items.toml`, `config/locations.toml`.
    pub config: SourceSet,
    /// `rules/*.rhai`, in name order.
    pub rules: SourceSet,
}

/// A source set from `(name, text)` pairs, hashed.
pub fn source_set(files: Vec<(String, String)>) -> SourceSet {
    SourceSet {
        hash: content_hash(&files),
        files,
    }
}

impl CompanyDefinition {
    /// Reads `dir/config/` and `dir/rules/`.
    pub fn read(dir: &Path) -> Result<CompanyDefinition, DefinitionError> {
        let mut config = Vec::new();
        for name in CONFIG_FILES {
            let path = dir.join("config").join(name);
            let text = std::fs::read_to_string(&path).map_err(|error| DefinitionError {
                message: format!("cannot read {}: {error}", path.display()),
                hint: format!(
                    "a company folder holds config/{} ; `stockpost init DIR` creates one",
                    CONFIG_FILES.join(", config/")
                ),
            })?;
            config.push((format!("config/{name}"), text));
        }
        let rules_dir = dir.join("rules");
        let rules =
            read_rule_dir(&rules_dir, &RuleLimits::default()).map_err(|error| DefinitionError {
                message: error.to_string(),
                hint: "a company folder holds its account rules in rules/*.rhai; see docs/rules.md"
                    .to_string(),
            })?;
        if rules.is_empty() {
            return Err(DefinitionError {
                message: format!("no .rhai files in {}", rules_dir.display()),
                hint: "a company's rules/ folder holds its account rules; see docs/rules.md"
                    .to_string(),
            });
        }
        let rules = rules
            .into_iter()
            .map(|(path, text)| {
                let name = Path::new(&path)
                    .file_name()
                    .map_or(path.clone(), |name| name.to_string_lossy().into_owned());
                (format!("rules/{name}"), text)
            })
            .collect();
        Ok(CompanyDefinition {
            config: source_set(config),
            rules: source_set(rules),
        })
    }
}

/// A company ready to post: configuration, chart, rule set and cost adjustment trigger.
pub struct LoadedCompany {
    pub config: CompanyConfig,
    pub chart: ChartOfAccounts,
    pub rules: RuleSet,
    pub trigger: Option<AdjustmentTrigger>,
    /// The hashes of the texts it was built from.
    pub config_hash: String,
    pub rule_set_hash: String,
}

impl LoadedCompany {
    pub fn chart(&self) -> &ChartOfAccounts {
        &self.chart
    }

    /// Builds the company from its texts; `folder` (when the texts came from disk) is used in
    /// error messages only.
    pub fn build(
        config: &SourceSet,
        rules: &SourceSet,
        folder: Option<&Path>,
    ) -> Result<LoadedCompany, DefinitionError> {
        let shown = |name: &str| -> String {
            folder.map_or(name.to_string(), |dir| dir.join(name).display().to_string())
        };
        let config_hint = "fix the file and run the command again; every key is described in \
                           docs/configuration.md";
        let chart_name = format!("config/{CHART_FILE}");
        let chart_text = find(config, &chart_name)?;
        let chart = ChartOfAccounts::parse(&shown(&chart_name), chart_text).map_err(|error| {
            DefinitionError {
                message: error.to_string(),
                hint: config_hint.to_string(),
            }
        })?;
        let shown_config: Vec<(String, &str)> = config
            .files
            .iter()
            .map(|(name, text)| (shown(name), text.as_str()))
            .collect();
        let files: Vec<ConfigFile<'_>> = shown_config
            .iter()
            .map(|(name, text)| ConfigFile { name, text })
            .collect();
        let company = load_company_files(&files).map_err(|error| DefinitionError {
            message: error.to_string(),
            hint: config_hint.to_string(),
        })?;
        let rules_hint = match folder {
            Some(dir) => format!(
                "fix the rule file and check it with `stockpost rules check {} --config {}`",
                dir.join("rules").display(),
                dir.join("config").display()
            ),
            None => "fix the rule file and check it with `stockpost rules check`".to_string(),
        };
        let limits = RuleLimits::default();
        // Built under the canonical names; on error, again under the names on disk so that
        // the message points at the file the user edits.
        let rule_set = RuleSet::from_sources(&rules.files, &company, &chart).map_err(|_| {
            let on_disk = with_shown_names(&rules.files, &shown);
            let message = match RuleSet::from_sources(&on_disk, &company, &chart) {
                Err(errors) => errors.to_string(),
                Ok(_) => "the rule set does not load".to_string(),
            };
            DefinitionError {
                message,
                hint: rules_hint.clone(),
            }
        })?;
        let trigger = AdjustmentTrigger::from_sources(&rules.files, limits).map_err(|_| {
            let on_disk = with_shown_names(&rules.files, &shown);
            let message = match AdjustmentTrigger::from_sources(&on_disk, limits) {
                Err(errors) => errors.to_string(),
                Ok(_) => "the cost adjustment trigger does not load".to_string(),
            };
            DefinitionError {
                message,
                hint: rules_hint,
            }
        })?;
        Ok(LoadedCompany {
            config: company,
            chart,
            rules: rule_set,
            trigger,
            config_hash: config.hash.clone(),
            rule_set_hash: rules.hash.clone(),
        })
    }
}

fn find<'a>(set: &'a SourceSet, name: &str) -> Result<&'a str, DefinitionError> {
    set.files
        .iter()
        .find(|(file, _)| file == name)
        .map(|(_, text)| text.as_str())
        .ok_or_else(|| DefinitionError {
            message: format!("the configuration has no {name}"),
            hint: "a company folder holds config/accounts.toml; `stockpost init DIR` creates one"
                .to_string(),
        })
}

fn with_shown_names(
    files: &[(String, String)],
    shown: &dyn Fn(&str) -> String,
) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(name, text)| (shown(name), text.clone()))
        .collect()
}

/// The path of a company's database inside its folder.
pub fn database_path(folder: &Path) -> PathBuf {
    folder.join(DATABASE_FILE)
}

/// The company database's file name.
pub const DATABASE_FILE: &str = "stockpost.db";

/// The snapshot's file name (a cache of the books; see `ARCHITECTURE.md`).
pub const SNAPSHOT_FILE: &str = "stockpost.snapshot";
