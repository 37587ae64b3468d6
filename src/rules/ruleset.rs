//! A loaded rule set: compiled rule files, the sandboxed engine, and the per-key cache.
//!
//! Rhai runs once per distinct key. At load every key the configuration already knows is
//! evaluated and validated, so a broken mapping shows up before any journal is posted; keys
//! first seen during posting (a new dimension value, say) are evaluated on their first lookup.
//! A warm lookup is a hash-map read and an array index: no Rhai.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::hash::Hash;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use rhai::{CallFnOptions, Dynamic, Engine, EvalAltResult, Map, Position, Scope};

use super::diagnostics::{RuleError, RuleErrorKind, SourceFile};
use super::engine::{build_engine, run_within_budget, BudgetExceeded, RuleLimits};
use super::key::{AccountKey, GeneralKey, InventoryKey, POSTED_ENTRY_TYPES};
use super::loader::{self, CompiledFile, GENERAL_FUNCTION, INVENTORY_FUNCTION};
use super::role::{AccountRole, RoleSide};
use crate::chart::ChartOfAccounts;
use crate::config::CompanyConfig;
use crate::journal::Dimensions;
use crate::ledger::entries::Code;

/// The account a rule chose for one role, with the provenance an auditor needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedAccount {
    pub account_no: Code,
    pub role: AccountRole,
    /// The rule file that defines the function, as given to the loader.
    pub rule_file: Code,
    /// `inventory_accounts` or `general_accounts`.
    pub rule_function: &'static str,
}

/// Every error of a failed load, in file order; each names file, line, column and key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleErrors(pub Vec<RuleError>);

impl fmt::Display for RuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for error in &self.0 {
            writeln!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RuleErrors {}

impl From<RuleError> for RuleErrors {
    fn from(error: RuleError) -> Self {
        RuleErrors(vec![error])
    }
}

/// Accounts one evaluation returned, indexed by [`AccountRole::index`].
type AccountTable = [Option<Code>; AccountRole::ALL.len()];
/// The cached result of one evaluation; failures are cached too, so Rhai is not re-run.
type Outcome = Arc<Result<AccountTable, RuleError>>;

/// One entry function: where it lives.
struct EntryRule {
    file: usize,
    function: &'static str,
    side: RoleSide,
    file_name: Code,
}

/// One row of the evaluated mapping, for `rules check` and reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingRow {
    pub side: RoleSide,
    /// The key's fields in display order, as (field name, value).
    pub key_fields: Vec<(&'static str, String)>,
    pub entry_type: String,
    pub resolved: ResolvedAccount,
}

/// A compiled, validated rule set. Cheap to query from many threads.
pub struct RuleSet {
    engine: Engine,
    files: Vec<CompiledFile>,
    inventory_rule: EntryRule,
    general_rule: EntryRule,
    hash: String,
    limits: RuleLimits,
    chart: ChartOfAccounts,
    location_attributes: HashMap<Code, BTreeMap<String, String>>,
    inventory_cache: RwLock<HashMap<InventoryKey, Outcome>>,
    general_cache: RwLock<HashMap<GeneralKey, Outcome>>,
    evaluations: AtomicU64,
}

impl fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RuleSet")
            .field("hash", &self.hash)
            .field("files", &self.file_names())
            .finish_non_exhaustive()
    }
}

impl RuleSet {
    /// Loads the `.rhai` files of `dir` with the default limits.
    pub fn load(
        dir: &Path,
        config: &CompanyConfig,
        chart: &ChartOfAccounts,
    ) -> Result<RuleSet, RuleErrors> {
        let limits = RuleLimits::default();
        let files = loader::read_rule_dir(dir, &limits)?;
        if files.is_empty() {
            return Err(RuleError::new(
                RuleErrorKind::Io,
                format!("no .rhai files in {}", dir.display()),
            )
            .with_help("a rule set is the .rhai files of one folder")
            .into());
        }
        RuleSet::from_sources_with_limits(&files, config, chart, limits)
    }

    /// Builds a rule set from (file name, text) pairs without touching the file system.
    pub fn from_sources(
        files: &[(String, String)],
        config: &CompanyConfig,
        chart: &ChartOfAccounts,
    ) -> Result<RuleSet, RuleErrors> {
        RuleSet::from_sources_with_limits(files, config, chart, RuleLimits::default())
    }

    /// As [`RuleSet::from_sources`], with explicit sandbox limits.
    pub fn from_sources_with_limits(
        files: &[(String, String)],
        config: &CompanyConfig,
        chart: &ChartOfAccounts,
        limits: RuleLimits,
    ) -> Result<RuleSet, RuleErrors> {
        let engine = build_engine(&limits);
        let compiled = loader::compile_files(&engine, files, &limits).map_err(RuleErrors)?;
        let entry = |name: &'static str, side: RoleSide| -> Result<EntryRule, RuleError> {
            let file = loader::find_entry_function(&compiled, name)?;
            Ok(EntryRule {
                file,
                function: name,
                side,
                file_name: compiled[file].source.name.as_str().into(),
            })
        };
        let inventory_rule = entry(INVENTORY_FUNCTION, RoleSide::Inventory);
        let general_rule = entry(GENERAL_FUNCTION, RoleSide::General);
        let (inventory_rule, general_rule) = match (inventory_rule, general_rule) {
            (Ok(inventory), Ok(general)) => (inventory, general),
            (inventory, general) => {
                let errors = [inventory.err(), general.err()].into_iter().flatten();
                return Err(RuleErrors(errors.collect()));
            }
        };
        let rule_set = RuleSet {
            engine,
            files: compiled,
            inventory_rule,
            general_rule,
            hash: loader::content_hash(files),
            limits,
            chart: chart.clone(),
            location_attributes: config
                .locations
                .iter()
                .map(|location| (location.code.as_str().into(), location.attributes.clone()))
                .collect(),
            inventory_cache: RwLock::default(),
            general_cache: RwLock::default(),
            evaluations: AtomicU64::new(0),
        };
        rule_set.evaluate_known_keys(config, chart)?;
        Ok(rule_set)
    }

    /// Content hash of the rule files (SHA-256, lowercase hex); recorded on every G/L entry.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The rule files, as given to the loader.
    pub fn file_names(&self) -> Vec<&str> {
        self.files
            .iter()
            .map(|file| file.source.name.as_str())
            .collect()
    }

    pub fn limits(&self) -> &RuleLimits {
        &self.limits
    }

    /// How many times Rhai has run an entry function since load (load-time evaluation included).
    pub fn evaluation_count(&self) -> u64 {
        self.evaluations.load(Ordering::Relaxed)
    }

    /// The account for `role` under `key`. Runs Rhai only the first time a key is seen.
    pub fn account(
        &self,
        key: &AccountKey,
        role: AccountRole,
    ) -> Result<ResolvedAccount, RuleError> {
        match role.side() {
            RoleSide::Inventory => self.resolve(&self.inventory_rule, &key.inventory, role),
            RoleSide::General => self.resolve(&self.general_rule, &key.general, role),
        }
    }

    /// The inventory-side account for `role` (which must be an inventory-side role).
    pub fn inventory_account(
        &self,
        key: &InventoryKey,
        role: AccountRole,
    ) -> Result<ResolvedAccount, RuleError> {
        self.resolve(&self.inventory_rule, key, role)
    }

    /// The general-side account for `role` (which must be a general-side role).
    pub fn general_account(
        &self,
        key: &GeneralKey,
        role: AccountRole,
    ) -> Result<ResolvedAccount, RuleError> {
        self.resolve(&self.general_rule, key, role)
    }

    fn resolve<K: RuleKey>(
        &self,
        rule: &EntryRule,
        key: &K,
        role: AccountRole,
    ) -> Result<ResolvedAccount, RuleError> {
        if role.side() != rule.side {
            return Err(RuleError::new(
                RuleErrorKind::UnknownRole,
                format!(
                    "role `{role}` belongs to the {} side and cannot be asked of `{}`",
                    role.side().as_str(),
                    rule.function
                ),
            )
            .for_key(key));
        }
        // Warm path: answer under the read lock, without cloning the cached outcome.
        let cache = K::cache(self).read().unwrap_or_else(|p| p.into_inner());
        match cache.get(key) {
            Some(outcome) => self.pick(outcome, rule, key, role),
            None => {
                drop(cache);
                self.pick(&self.outcome(rule, key), rule, key, role)
            }
        }
    }

    fn pick<K: RuleKey>(
        &self,
        outcome: &Outcome,
        rule: &EntryRule,
        key: &K,
        role: AccountRole,
    ) -> Result<ResolvedAccount, RuleError> {
        let table = outcome.as_ref().as_ref().map_err(Clone::clone)?;
        match &table[role.index()] {
            Some(account_no) => Ok(ResolvedAccount {
                account_no: account_no.clone(),
                role,
                rule_file: rule.file_name.clone(),
                rule_function: rule.function,
            }),
            None => Err(self.missing_role(rule, key, role)),
        }
    }

    fn outcome<K: RuleKey>(&self, rule: &EntryRule, key: &K) -> Outcome {
        let cache = K::cache(self);
        if let Some(outcome) = cache.read().unwrap_or_else(|p| p.into_inner()).get(key) {
            return outcome.clone();
        }
        // Evaluate outside the lock; if two threads race, both results are equal and one wins.
        let outcome = Arc::new(self.evaluate(rule, key));
        let mut writer = cache.write().unwrap_or_else(|p| p.into_inner());
        writer.entry(key.clone()).or_insert(outcome).clone()
    }

    fn missing_role<K: RuleKey>(&self, rule: &EntryRule, key: &K, role: AccountRole) -> RuleError {
        let source = &self.files[rule.file].source;
        RuleError::new(
            RuleErrorKind::MissingRole,
            format!(
                "`{}` returned no account for role `{role}`, which the G/L posting needs here",
                rule.function
            ),
        )
        .at(source.function_location(rule.function))
        .for_key(key)
        .with_help(format!(
            "add `{role}: \"<account no.>\"` to the map `{}` returns for this key",
            rule.function
        ))
    }

    /// Runs the entry function for one key and validates its answer.
    fn evaluate<K: RuleKey>(&self, rule: &EntryRule, key: &K) -> Result<AccountTable, RuleError> {
        self.evaluations.fetch_add(1, Ordering::Relaxed);
        let source = &self.files[rule.file].source;
        let attributes = self.attributes_of(key.location()).ok_or_else(|| {
            RuleError::new(
                RuleErrorKind::UnknownLocation,
                format!(
                    "location {:?} is not in the company configuration",
                    key.location()
                ),
            )
            .for_key(key)
            .with_help("add the location to config/ or correct the journal line")
        })?;
        let argument = key.to_script_map(attributes);
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        let returned = run_within_budget(&self.limits, || {
            self.engine.call_fn_with_options::<Dynamic>(
                options,
                &mut Scope::new(),
                &self.files[rule.file].ast,
                rule.function,
                (Dynamic::from_map(argument),),
            )
        })
        .map_err(|exceeded| budget_error(source, rule.function, exceeded).for_key(key))?
        .map_err(|error| self.runtime_error(source, rule, &error).for_key(key))?;
        self.validate(source, rule, returned)
            .map_err(|error| error.for_key(key))
    }

    fn attributes_of(&self, location: &str) -> Option<&BTreeMap<String, String>> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        if location.is_empty() {
            return Some(&EMPTY);
        }
        self.location_attributes.get(location)
    }

    fn validate(
        &self,
        source: &SourceFile,
        rule: &EntryRule,
        returned: Dynamic,
    ) -> Result<AccountTable, RuleError> {
        let type_name = returned.type_name();
        let Some(map) = returned.try_cast::<Map>() else {
            return Err(RuleError::new(
                RuleErrorKind::BadOutput,
                format!(
                    "`{}` must return a map of role name to account number, it returned a {type_name}",
                    rule.function
                ),
            )
            .at(source.function_location(rule.function))
            .with_help("end the function with a map such as `#{ inventory: \"1200\" }`"));
        };
        // Rhai does not check the map size on `map[key] = value`; check what comes back.
        if map.len() > self.limits.max_map_size {
            return Err(RuleError::new(
                RuleErrorKind::LimitExceeded,
                format!(
                    "`{}` returned a map of {} properties; the sandbox limit is {}",
                    rule.function,
                    map.len(),
                    self.limits.max_map_size
                ),
            )
            .at(source.function_location(rule.function)));
        }
        let mut table: AccountTable = Default::default();
        for (name, value) in map {
            let role = self.role_of(source, rule, &name)?;
            if let Some(account_no) = self.account_of(source, rule, role, value)? {
                table[role.index()] = Some(account_no);
            }
        }
        Ok(table)
    }

    fn role_of(
        &self,
        source: &SourceFile,
        rule: &EntryRule,
        name: &str,
    ) -> Result<AccountRole, RuleError> {
        match AccountRole::from_name(name) {
            Some(role) if role.side() == rule.side => Ok(role),
            found => {
                let roles: Vec<&str> = AccountRole::of_side(rule.side)
                    .map(AccountRole::name)
                    .collect();
                let other_side = found.map_or(String::new(), |role| {
                    format!(" (`{role}` is answered by the other entry function)")
                });
                Err(RuleError::new(
                    RuleErrorKind::UnknownRole,
                    format!(
                        "`{}` returned unknown role `{name}`{other_side}",
                        rule.function
                    ),
                )
                .at(source
                    .find_text(rule.function, name)
                    .or_else(|| source.function_location(rule.function)))
                .with_help(format!(
                    "roles of `{}`: {}",
                    rule.function,
                    roles.join(", ")
                )))
            }
        }
    }

    /// The account number of one returned value; `None` for `()` or "" (role not mapped).
    fn account_of(
        &self,
        source: &SourceFile,
        rule: &EntryRule,
        role: AccountRole,
        value: Dynamic,
    ) -> Result<Option<Code>, RuleError> {
        if value.is_unit() {
            return Ok(None);
        }
        let type_name = value.type_name();
        let Some(account_no) = value.into_immutable_string().ok() else {
            return Err(RuleError::new(
                RuleErrorKind::BadOutput,
                format!("the account for role `{role}` must be text such as \"1200\", it is a {type_name}"),
            )
            .at(source.find_text(rule.function, role.name()).or_else(|| source.function_location(rule.function))));
        };
        if account_no.is_empty() {
            return Ok(None);
        }
        let quoted = format!("\"{account_no}\"");
        let location = || {
            source
                .find_text(rule.function, &quoted)
                .or_else(|| source.function_location(rule.function))
        };
        match self.chart.account(&account_no) {
            None => Err(RuleError::new(
                RuleErrorKind::AccountNotInChart,
                format!("account {account_no} (role `{role}`) is not in the chart of accounts"),
            )
            .at(location())
            .with_help("add the account to config/accounts.toml or return an account that exists")),
            Some(account) if account.blocked => Err(RuleError::new(
                RuleErrorKind::AccountBlocked,
                format!(
                    "account {account_no} {:?} (role `{role}`) is blocked",
                    account.name
                ),
            )
            .at(location())
            .with_help("unblock it in config/accounts.toml or return another account")),
            Some(_) => Ok(Some(account_no.as_str().into())),
        }
    }

    fn runtime_error(
        &self,
        source: &SourceFile,
        rule: &EntryRule,
        error: &EvalAltResult,
    ) -> RuleError {
        runtime_error(source, rule.function, error, &self.limits)
    }

    /// Evaluates every key the configuration knows; collects all errors, one per distinct cause.
    fn evaluate_known_keys(
        &self,
        config: &CompanyConfig,
        chart: &ChartOfAccounts,
    ) -> Result<(), RuleErrors> {
        let mut errors: Vec<RuleError> = Vec::new();
        // A rule that spent its budget on one key is stopped there: running it on every other
        // key would multiply the time a hostile rule takes to be refused.
        let mut record = |outcome: Outcome| -> bool {
            if let Err(error) = outcome.as_ref() {
                let seen = errors.iter().any(|known| {
                    known.kind == error.kind
                        && known.message == error.message
                        && known.location == error.location
                });
                if !seen {
                    errors.push(error.clone());
                }
                return error.kind == RuleErrorKind::LimitExceeded;
            }
            false
        };
        let stopped = known_inventory_keys(config)
            .iter()
            .any(|key| record(self.outcome(&self.inventory_rule, key)))
            || known_general_keys(config, chart)
                .iter()
                .any(|key| record(self.outcome(&self.general_rule, key)));
        debug_assert!(!stopped || !errors.is_empty());
        if errors.is_empty() {
            Ok(())
        } else {
            Err(RuleErrors(errors))
        }
    }

    /// The evaluated mapping of every cached key, sorted by side, key and role.
    pub fn mapping(&self) -> Vec<MappingRow> {
        let mut rows = Vec::new();
        collect_rows(self, &self.inventory_rule, &self.inventory_cache, &mut rows);
        collect_rows(self, &self.general_rule, &self.general_cache, &mut rows);
        rows
    }

    /// The chart the rule set validates against.
    pub fn chart(&self) -> &ChartOfAccounts {
        &self.chart
    }
}

fn collect_rows<K: RuleKey + Ord>(
    rule_set: &RuleSet,
    rule: &EntryRule,
    cache: &RwLock<HashMap<K, Outcome>>,
    rows: &mut Vec<MappingRow>,
) {
    let cache = cache.read().unwrap_or_else(|p| p.into_inner());
    let mut keys: Vec<&K> = cache.keys().collect();
    keys.sort();
    for key in keys {
        let Ok(table) = cache[key].as_ref() else {
            continue;
        };
        for role in AccountRole::of_side(rule.side) {
            let Some(account_no) = &table[role.index()] else {
                continue;
            };
            rows.push(MappingRow {
                side: rule.side,
                key_fields: key.fields(),
                entry_type: super::key::entry_type_name(key.entry_type()).to_string(),
                resolved: ResolvedAccount {
                    account_no: account_no.clone(),
                    role,
                    rule_file: rule.file_name.clone(),
                    rule_function: rule.function,
                },
            });
        }
    }
    let _ = rule_set;
}

/// A Rhai runtime error as a [`RuleError`] at the innermost position, naming the call chain and
/// any sandbox limit hit.
pub(super) fn runtime_error(
    source: &SourceFile,
    function: &str,
    error: &EvalAltResult,
    limits: &RuleLimits,
) -> RuleError {
    let mut innermost = error;
    let mut call_chain = Vec::new();
    while let EvalAltResult::ErrorInFunctionCall(name, _, inner, _) = innermost {
        call_chain.push(name.clone());
        innermost = inner;
    }
    let position = innermost.position();
    let location =
        position_location(source, position).or_else(|| source.function_location(function));
    let (kind, message) = describe(innermost, limits);
    if call_chain.first().map(String::as_str) != Some(function) {
        call_chain.insert(0, function.to_string());
    }
    let mut error = RuleError::new(kind, message).at(location);
    if call_chain.len() > 1 {
        error = error.with_help(format!("called through {}", call_chain.join(" -> ")));
    }
    error
}

/// A rule evaluation that spent its budget: at the entry function, with what ran out.
pub(super) fn budget_error(
    source: &SourceFile,
    function: &str,
    exceeded: BudgetExceeded,
) -> RuleError {
    RuleError::new(RuleErrorKind::LimitExceeded, exceeded.describe())
        .at(source.function_location(function))
        .with_help(
            "nothing was posted; make the rule do less per key (no loops over large ranges, \
             no sorting inside sort), then save it again",
        )
}

fn describe(error: &EvalAltResult, limits: &RuleLimits) -> (RuleErrorKind, String) {
    let limit = |text: String| (RuleErrorKind::LimitExceeded, text);
    match error {
        EvalAltResult::ErrorTooManyOperations(_) => limit(format!(
            "the rule exceeded the sandbox limit of {} operations (a loop that never ends?)",
            limits.max_operations
        )),
        EvalAltResult::ErrorStackOverflow(_) => limit(format!(
            "the rule exceeded the sandbox limit of {} nested function calls (recursion without end?)",
            limits.max_call_levels
        )),
        EvalAltResult::ErrorDataTooLarge(what, _) => limit(format!(
            "the rule built a value too large for the sandbox: {what} (limits: strings {} bytes, arrays {} elements, maps {} properties)",
            limits.max_string_size, limits.max_array_size, limits.max_map_size
        )),
        EvalAltResult::ErrorTooManyVariables(_) => limit(format!(
            "the rule exceeded the sandbox limit of {} variables",
            limits.max_variables
        )),
        EvalAltResult::ErrorTooManyModules(_) => {
            limit("rules cannot import modules; keep helper functions in the same file".to_string())
        }
        other => (RuleErrorKind::Runtime, format!("rule failed: {}", without_position(&other.to_string()))),
    }
}

fn position_location(
    source: &SourceFile,
    position: Position,
) -> Option<super::diagnostics::SourceLocation> {
    let line = position.line()?;
    source.location(line, position.position().unwrap_or(1), 1)
}

/// Rhai appends " (line L, position P)" to messages; the caret display already shows it.
fn without_position(message: &str) -> &str {
    match message.rfind(" (line ") {
        Some(index) if message.ends_with(')') => &message[..index],
        _ => message,
    }
}

/// What the cache and the evaluator need from a key type.
trait RuleKey: Clone + Eq + Hash + fmt::Display {
    fn cache(rule_set: &RuleSet) -> &RwLock<HashMap<Self, Outcome>>;
    fn location(&self) -> &str;
    fn entry_type(&self) -> Option<crate::ledger::entries::ItemLedgerEntryType>;
    fn to_script_map(&self, attributes: &BTreeMap<String, String>) -> Map;
    fn fields(&self) -> Vec<(&'static str, String)>;
}

impl RuleKey for InventoryKey {
    fn cache(rule_set: &RuleSet) -> &RwLock<HashMap<Self, Outcome>> {
        &rule_set.inventory_cache
    }
    fn location(&self) -> &str {
        &self.location
    }
    fn entry_type(&self) -> Option<crate::ledger::entries::ItemLedgerEntryType> {
        self.entry_type
    }
    fn to_script_map(&self, attributes: &BTreeMap<String, String>) -> Map {
        InventoryKey::to_script_map(self, attributes)
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("location", self.location.to_string()),
            (
                "inventory_posting_group",
                self.inventory_posting_group.to_string(),
            ),
            ("item_category", self.item_category.to_string()),
        ];
        push_dimensions(&mut fields, &self.dimensions);
        fields
    }
}

impl RuleKey for GeneralKey {
    fn cache(rule_set: &RuleSet) -> &RwLock<HashMap<Self, Outcome>> {
        &rule_set.general_cache
    }
    fn location(&self) -> &str {
        &self.location
    }
    fn entry_type(&self) -> Option<crate::ledger::entries::ItemLedgerEntryType> {
        self.entry_type
    }
    fn to_script_map(&self, attributes: &BTreeMap<String, String>) -> Map {
        GeneralKey::to_script_map(self, attributes)
    }
    fn fields(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            (
                "gen_bus_posting_group",
                self.gen_bus_posting_group.to_string(),
            ),
            (
                "gen_prod_posting_group",
                self.gen_prod_posting_group.to_string(),
            ),
            ("item_category", self.item_category.to_string()),
            ("location", self.location.to_string()),
        ];
        push_dimensions(&mut fields, &self.dimensions);
        fields
    }
}

fn push_dimensions(fields: &mut Vec<(&'static str, String)>, dimensions: &Dimensions) {
    if !dimensions.is_empty() {
        let text: Vec<String> = dimensions
            .iter()
            .map(|(code, value)| format!("{code}={value}"))
            .collect();
        fields.push(("dimensions", text.join(",")));
    }
}

/// Location codes of the configuration plus the blank location.
fn known_locations(config: &CompanyConfig) -> Vec<Code> {
    let mut codes: BTreeSet<&str> = config.locations.iter().map(|l| l.code.as_str()).collect();
    codes.insert("");
    codes.into_iter().map(Code::from).collect()
}

/// Locations (incl. blank) x (inventory posting group, item category) of the items x the entry
/// types posting creates.
pub(crate) fn known_inventory_keys(config: &CompanyConfig) -> Vec<InventoryKey> {
    let groups: BTreeSet<(&str, &str)> = config
        .items
        .iter()
        .map(|item| {
            let category = item.item_category.as_deref().unwrap_or("");
            (item.inventory_posting_group.as_str(), category)
        })
        .collect();
    let no_dimensions = Arc::new(Dimensions::new());
    let mut keys = Vec::new();
    for location in known_locations(config) {
        for &(group, category) in &groups {
            for entry_type in POSTED_ENTRY_TYPES {
                keys.push(InventoryKey {
                    location: location.clone(),
                    inventory_posting_group: group.into(),
                    item_category: category.into(),
                    entry_type: Some(entry_type),
                    dimensions: no_dimensions.clone(),
                });
            }
        }
    }
    keys
}

/// Business groups (blank + the chart's known list) x (product group, item category) of the
/// items x entry types x locations (incl. blank).
pub(crate) fn known_general_keys(
    config: &CompanyConfig,
    chart: &ChartOfAccounts,
) -> Vec<GeneralKey> {
    let mut business_groups: BTreeSet<&str> = chart
        .known_gen_bus_posting_groups()
        .iter()
        .map(String::as_str)
        .collect();
    business_groups.insert("");
    let product_groups: BTreeSet<(&str, &str)> = config
        .items
        .iter()
        .map(|item| {
            let category = item.item_category.as_deref().unwrap_or("");
            (item.gen_prod_posting_group.as_str(), category)
        })
        .collect();
    let no_dimensions = Arc::new(Dimensions::new());
    let locations = known_locations(config);
    let mut keys = Vec::new();
    for &business in &business_groups {
        for &(product, category) in &product_groups {
            for entry_type in POSTED_ENTRY_TYPES {
                for location in &locations {
                    keys.push(GeneralKey {
                        gen_bus_posting_group: business.into(),
                        gen_prod_posting_group: product.into(),
                        item_category: category.into(),
                        entry_type: Some(entry_type),
                        location: location.clone(),
                        dimensions: no_dimensions.clone(),
                    });
                }
            }
        }
    }
    keys
}
