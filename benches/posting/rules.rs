//! The benchmark company's account rules and chart (`benches/posting/rules/`), and two resolvers
//! that bypass [`RuleSetAccounts`]' per-key cache, for the `gl-rules` phase.
//!
//! - [`KeyPerLookup`]: builds the rule key for every lookup and asks [`RuleSet::account`], as
//!   the G/L posting would without `RuleSetAccounts`; the rule set's own per-key cache still
//!   answers, so Rhai runs only for keys it has not seen.
//! - [`RhaiPerEntry`]: the same, with one extra dimension whose value is the value entry no., so
//!   that every value entry presents keys the rule set has never seen and Rhai runs for both
//!   sides of every entry: the cost of a rule set without any cache.

use std::sync::Arc;

use stockpost::chart::ChartOfAccounts;
use stockpost::config::CompanyConfig;
use stockpost::glpost::{AccountProvenance, AccountResolver, ResolvedAccount};
use stockpost::ledger::{Ledger, ValueEntry};
use stockpost::rules::{AccountKey, AccountKeyParts, AccountRole, RoleSide, RuleSet};

const CHART: &str = include_str!("rules/accounts.toml");
const RULE_FILES: [(&str, &str); 2] = [
    ("inventory.rhai", include_str!("rules/inventory.rhai")),
    ("general.rhai", include_str!("rules/general.rhai")),
];

/// The dimension [`RhaiPerEntry`] adds to make every value entry's key new.
const UNIQUE_DIMENSION: &str = "BENCH_VALUE_ENTRY";

pub fn chart() -> Result<ChartOfAccounts, String> {
    ChartOfAccounts::parse("benches/posting/rules/accounts.toml", CHART).map_err(|e| e.to_string())
}

/// Compiles the benchmark rules and evaluates every key the configuration knows.
pub fn load(config: &CompanyConfig, chart: &ChartOfAccounts) -> Result<RuleSet, String> {
    let files: Vec<(String, String)> = RULE_FILES
        .iter()
        .map(|(name, text)| (name.to_string(), text.to_string()))
        .collect();
    RuleSet::from_sources(&files, config, chart).map_err(|errors| errors.to_string())
}

/// Resolves every lookup through [`RuleSet::account`], building the key each time.
pub struct KeyPerLookup<'a> {
    pub rules: &'a RuleSet,
}

/// As [`KeyPerLookup`], with a dimension unique to each value entry: Rhai on every entry.
pub struct RhaiPerEntry<'a> {
    pub rules: &'a RuleSet,
}

impl AccountResolver for KeyPerLookup<'_> {
    fn account(
        &self,
        ledger: &Ledger,
        entry: &ValueEntry,
        role: AccountRole,
    ) -> Result<ResolvedAccount, String> {
        resolve(self.rules, ledger, entry, role, false)
    }
}

impl AccountResolver for RhaiPerEntry<'_> {
    fn account(
        &self,
        ledger: &Ledger,
        entry: &ValueEntry,
        role: AccountRole,
    ) -> Result<ResolvedAccount, String> {
        resolve(self.rules, ledger, entry, role, true)
    }
}

/// Builds the value entry's rule key the way `stockpost::rules::posting` does and asks the rule
/// set; the provenance is filled in as the library's resolver fills it.
fn resolve(
    rules: &RuleSet,
    ledger: &Ledger,
    entry: &ValueEntry,
    role: AccountRole,
    unique_per_entry: bool,
) -> Result<ResolvedAccount, String> {
    let item = ledger.item(entry.item);
    let parts = AccountKeyParts {
        location: ledger.location_code(entry.location),
        inventory_posting_group: &entry.inventory_posting_group,
        gen_bus_posting_group: &entry.gen_bus_posting_group,
        gen_prod_posting_group: &entry.gen_prod_posting_group,
        item_category: item.item_category.as_deref().unwrap_or(""),
        entry_type: Some(entry.item_ledger_entry_type),
    };
    let mut dimensions = ledger.dimensions(entry.dimension_set).clone();
    if unique_per_entry {
        dimensions.insert(UNIQUE_DIMENSION.to_string(), entry.entry_no.to_string());
    }
    let key = AccountKey::new(&parts, Arc::new(dimensions));
    let account = rules
        .account(&key, role)
        .map_err(|error| error.to_string())?;
    let key_text = match role.side() {
        RoleSide::Inventory => key.inventory.to_string(),
        RoleSide::General => key.general.to_string(),
    };
    Ok(ResolvedAccount {
        account_no: account.account_no,
        provenance: Arc::new(AccountProvenance {
            rule_set_hash: Arc::from(rules.hash()),
            rule_file: account.rule_file,
            rule_function: Arc::from(account.rule_function),
            key: Arc::from(key_text.as_str()),
        }),
    })
}
