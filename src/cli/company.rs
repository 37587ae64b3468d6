//! The company a command works on: its configuration, chart of accounts, account rules and
//! cost adjustment trigger, from a company folder (`config/` and `rules/`) or the embedded
//! example.

use std::path::Path;

use stockpost::chart::ChartOfAccounts;
use stockpost::config::{load_company_dir, CompanyConfig};
use stockpost::example::{example_chart, example_config, example_rule_sources};
use stockpost::rules::loader::read_rule_dir;
use stockpost::rules::{AdjustmentTrigger, RuleLimits, RuleSet};

use super::failure::CliError;

/// A loaded company, ready to post.
pub struct Company {
    pub config: CompanyConfig,
    pub rules: RuleSet,
    /// `fn cost_adjustment_trigger` of the rule folder, when a rule file defines it.
    pub trigger: Option<AdjustmentTrigger>,
}

impl Company {
    pub fn chart(&self) -> &ChartOfAccounts {
        self.rules.chart()
    }

    /// The embedded example company (Kaffeewerk AG); it is part of the build, so it loads.
    pub fn example() -> Company {
        let config = example_config();
        let sources = example_rule_sources();
        let rules = RuleSet::from_sources(&sources, &config, &example_chart())
            .unwrap_or_else(|errors| panic!("bundled example rules: {errors}"));
        let trigger = AdjustmentTrigger::from_sources(&sources, RuleLimits::default())
            .unwrap_or_else(|errors| panic!("bundled example trigger: {errors}"));
        Company {
            config,
            rules,
            trigger,
        }
    }

    /// Loads `dir/config` (company, items, locations, `accounts.toml`) and `dir/rules/*.rhai`.
    pub fn load(dir: &Path) -> Result<Company, CliError> {
        if !dir.is_dir() {
            return Err(CliError::input(format!(
                "company folder {} does not exist",
                dir.display()
            ))
            .hint("pass --company DIR, the folder that holds config/ and rules/"));
        }
        let config_dir = dir.join("config");
        let rules_dir = dir.join("rules");
        let config_hint = "fix the file and run the command again; every key is described in \
                           docs/configuration.md";
        let chart = ChartOfAccounts::load(&config_dir.join("accounts.toml"))
            .map_err(|error| CliError::input(error.to_string()).hint(config_hint))?;
        let config = load_company_dir(&config_dir)
            .map_err(|error| CliError::input(error.to_string()).hint(config_hint))?;
        let rules_hint = format!(
            "fix the rule file and check it with `stockpost rules check {} --config {}`",
            rules_dir.display(),
            config_dir.display()
        );
        let limits = RuleLimits::default();
        let sources = read_rule_dir(&rules_dir, &limits)
            .map_err(|error| CliError::input(error.to_string()).hint(&rules_hint))?;
        if sources.is_empty() {
            return Err(
                CliError::input(format!("no .rhai files in {}", rules_dir.display()))
                    .hint("a company's rules/ folder holds its account rules; see docs/rules.md"),
            );
        }
        let rules = RuleSet::from_sources(&sources, &config, &chart)
            .map_err(|errors| CliError::input(errors.to_string()).hint(&rules_hint))?;
        let trigger = AdjustmentTrigger::from_sources(&sources, limits)
            .map_err(|errors| CliError::input(errors.to_string()).hint(&rules_hint))?;
        Ok(Company {
            config,
            rules,
            trigger,
        })
    }
}
