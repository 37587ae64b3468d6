//! The company a command works on: a company folder (its `config/`, `rules/` and store) or the
//! embedded example.

use std::path::Path;

use stockpost::company::definition::source_set;
use stockpost::company::{CompanyDefinition, CompanyError, LoadedCompany};
use stockpost::config::EXAMPLE_CONFIG_FILES;
use stockpost::example::{EXAMPLE_CHART_FILE, EXAMPLE_RULE_FILES};

use super::failure::CliError;

/// A loaded company, ready to post.
pub type Company = LoadedCompany;

/// The embedded example company (Kaffeewerk AG); it is part of the build, so it loads.
pub fn example_company() -> Company {
    let owned = |files: &[(&str, &str)]| -> Vec<(String, String)> {
        files
            .iter()
            .map(|&(name, text)| (name.to_string(), text.to_string()))
            .collect()
    };
    let mut config = owned(EXAMPLE_CONFIG_FILES);
    config.push((
        EXAMPLE_CHART_FILE.0.to_string(),
        EXAMPLE_CHART_FILE.1.to_string(),
    ));
    config.sort();
    let rules = owned(EXAMPLE_RULE_FILES);
    LoadedCompany::build(&source_set(config), &source_set(rules), None)
        .unwrap_or_else(|error| panic!("bundled example company: {error}"))
}

/// Loads `dir/config` (company, items, locations, `accounts.toml`) and `dir/rules/*.rhai`.
pub fn load_company(dir: &Path) -> Result<Company, CliError> {
    if !dir.is_dir() {
        return Err(
            CliError::input(format!("company folder {} does not exist", dir.display()))
                .hint("pass --company DIR, the folder that holds config/ and rules/"),
        );
    }
    let definition = CompanyDefinition::read(dir)
        .map_err(|error| CliError::from(CompanyError::definition(error)))?;
    LoadedCompany::build(&definition.config, &definition.rules, Some(dir))
        .map_err(|error| CliError::from(CompanyError::definition(error)))
}

impl From<CompanyError> for CliError {
    fn from(error: CompanyError) -> CliError {
        let mut cli = CliError::input(error.message.clone());
        cli.exit = error.exit_status();
        cli.hints = error.hints;
        cli
    }
}
