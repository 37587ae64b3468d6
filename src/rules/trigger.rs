//! Cost adjustment triggers: after each posting batch a rule decides whether cost adjustment runs
//! now, and for which items (issue: "adjustment triggers are rules").
//!
//! The rule is `fn cost_adjustment_trigger(batch)` in any file of the rule folder. It sees a
//! read-only description of the batch — the work date, the company's Automatic Cost Adjustment
//! setting, the batch's value entries and the items they touch — and returns the item numbers to
//! adjust (an array), `true` for every item of the batch, or `false` / `[]` for none. The shipped
//! `rules/adjustment.rhai` reproduces Business Central's setting; `docs/rules.md` shows others.
//! Dates are ISO strings ("2026-10-31"), which compare correctly as text; date helpers
//! (`add_days`, `add_months`, `end_of_month`, `is_end_of_month`, `days_between`) are provided.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, Days, Months, NaiveDate};
use rhai::{Array, CallFnOptions, Dynamic, Engine, EvalAltResult, Map, Scope};
use rust_decimal::Decimal;

use super::diagnostics::{RuleError, RuleErrorKind};
use super::engine::{build_engine, run_within_budget, RuleLimits};
use super::loader::{self, CompiledFile};
use super::ruleset::{budget_error, runtime_error, RuleErrors};
use crate::config::AutomaticCostAdjustment;
use crate::ledger::{CostEntryType, Ledger};

/// The name of the trigger entry function.
pub const TRIGGER_FUNCTION: &str = "cost_adjustment_trigger";

/// The default trigger rule, as shipped in `rules/adjustment.rhai`.
pub const DEFAULT_TRIGGER_RULE: &str = include_str!("../../rules/ch-kmu/adjustment.rhai");

/// A compiled trigger rule.
pub struct AdjustmentTrigger {
    engine: Engine,
    file: CompiledFile,
    limits: RuleLimits,
}

impl std::fmt::Debug for AdjustmentTrigger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdjustmentTrigger")
            .field("file", &self.file.source.name)
            .finish_non_exhaustive()
    }
}

/// What the trigger decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TriggerDecision {
    /// Do not adjust now.
    NotNow,
    /// Adjust these items (by number) now.
    Items(Vec<String>),
}

impl AdjustmentTrigger {
    /// The trigger of a rule folder, or `None` when no file defines it.
    pub fn load(dir: &Path) -> Result<Option<AdjustmentTrigger>, RuleErrors> {
        let limits = RuleLimits::default();
        let files = loader::read_rule_dir(dir, &limits)?;
        AdjustmentTrigger::from_sources(&files, limits)
    }

    /// The shipped default: Business Central's Automatic Cost Adjustment setting.
    pub fn business_central_default() -> AdjustmentTrigger {
        let files = [(
            "rules/adjustment.rhai".to_string(),
            DEFAULT_TRIGGER_RULE.to_string(),
        )];
        AdjustmentTrigger::from_sources(&files, RuleLimits::default())
            .expect("the shipped trigger rule compiles")
            .expect("the shipped trigger rule defines the trigger")
    }

    /// The trigger among (file name, text) pairs, or `None` when no file defines it.
    pub fn from_sources(
        files: &[(String, String)],
        limits: RuleLimits,
    ) -> Result<Option<AdjustmentTrigger>, RuleErrors> {
        let engine = trigger_engine(&limits);
        let defining: Vec<(String, String)> = files
            .iter()
            .filter(|(_, text)| text.contains(&format!("fn {TRIGGER_FUNCTION}")))
            .cloned()
            .collect();
        if defining.is_empty() {
            return Ok(None);
        }
        let mut compiled =
            loader::compile_files(&engine, &defining, &limits).map_err(RuleErrors)?;
        let index = loader::find_entry_function(&compiled, TRIGGER_FUNCTION)?;
        let file = compiled.swap_remove(index);
        Ok(Some(AdjustmentTrigger {
            engine,
            file,
            limits,
        }))
    }

    /// Asks the rule about one posted batch.
    pub fn decide(&self, batch: &TriggerBatch) -> Result<TriggerDecision, RuleError> {
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        let argument = Dynamic::from_map(batch.to_script_map());
        let returned = run_within_budget(&self.limits, || {
            self.engine.call_fn_with_options::<Dynamic>(
                options,
                &mut Scope::new(),
                &self.file.ast,
                TRIGGER_FUNCTION,
                (argument,),
            )
        })
        .map_err(|exceeded| budget_error(&self.file.source, TRIGGER_FUNCTION, exceeded))?
        .map_err(|error| {
            runtime_error(&self.file.source, TRIGGER_FUNCTION, &error, &self.limits)
        })?;
        self.interpret(batch, returned)
    }

    fn interpret(
        &self,
        batch: &TriggerBatch,
        returned: Dynamic,
    ) -> Result<TriggerDecision, RuleError> {
        if let Some(all) = returned.clone().try_cast::<bool>() {
            return Ok(if all {
                TriggerDecision::Items(batch.item_nos())
            } else {
                TriggerDecision::NotNow
            });
        }
        let type_name = returned.type_name();
        let bad_output = |message: String| {
            RuleError::new(RuleErrorKind::BadOutput, message)
                .at(self.file.source.function_location(TRIGGER_FUNCTION))
                .with_help("return an array of item numbers, `true` for all items of the batch, or `false`")
        };
        let Some(array) = returned.try_cast::<Array>() else {
            return Err(bad_output(format!(
                "`{TRIGGER_FUNCTION}` returned a {type_name}"
            )));
        };
        if array.len() > self.limits.max_array_size {
            return Err(bad_output(format!(
                "`{TRIGGER_FUNCTION}` returned {} values; the sandbox limit is {}",
                array.len(),
                self.limits.max_array_size
            )));
        }
        let mut items = Vec::with_capacity(array.len());
        for value in array {
            let Some(item_no) = value.clone().into_immutable_string().ok() else {
                return Err(bad_output(format!(
                    "`{TRIGGER_FUNCTION}` returned an array holding a {}",
                    value.type_name()
                )));
            };
            if !batch.items.contains_key(item_no.as_str())
                && !batch.known_items.contains(item_no.as_str())
            {
                return Err(bad_output(format!(
                    "`{TRIGGER_FUNCTION}` returned unknown item \"{item_no}\""
                )));
            }
            if !items.iter().any(|known: &String| known == item_no.as_str()) {
                items.push(item_no.to_string());
            }
        }
        Ok(if items.is_empty() {
            TriggerDecision::NotNow
        } else {
            TriggerDecision::Items(items)
        })
    }
}

/// One value entry of the batch, as the trigger rule sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerEntry {
    pub item: String,
    pub entry_type: &'static str,
    pub cost_entry_type: &'static str,
    pub location: String,
    pub document_no: String,
    pub posting_date: NaiveDate,
    pub valuation_date: NaiveDate,
    pub valued_quantity: Decimal,
    pub invoiced_quantity: Decimal,
    pub cost_actual: Decimal,
    pub cost_expected: Decimal,
    pub adjustment: bool,
    pub item_charge: bool,
}

/// One item the batch touched.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerItem {
    pub costing_method: &'static str,
    pub item_category: String,
    pub inventory_posting_group: String,
    pub gen_prod_posting_group: String,
    pub allow_online_adjustment: bool,
    pub cost_is_adjusted: bool,
}

/// The read-only description of a posted batch the trigger rule receives.
#[derive(Debug, Clone, PartialEq)]
pub struct TriggerBatch {
    pub work_date: NaiveDate,
    pub setting: AutomaticCostAdjustment,
    pub entries: Vec<TriggerEntry>,
    pub items: BTreeMap<String, TriggerItem>,
    /// Every item number of the company (a rule may name items the batch did not touch).
    known_items: std::collections::BTreeSet<String>,
}

impl TriggerBatch {
    /// Describes the value entries `value_entry_nos` of a batch just posted.
    pub fn from_ledger(
        ledger: &Ledger,
        value_entry_nos: std::ops::Range<u64>,
        work_date: NaiveDate,
    ) -> TriggerBatch {
        let mut entries = Vec::new();
        let mut items = BTreeMap::new();
        for entry_no in value_entry_nos {
            let Some(value) = ledger.value_entry(entry_no) else {
                continue;
            };
            let card = ledger.item(value.item);
            let state = ledger.item_cost_state(value.item);
            entries.push(TriggerEntry {
                item: card.no.clone(),
                entry_type: value.item_ledger_entry_type.as_str(),
                cost_entry_type: value.entry_type.as_str(),
                location: ledger.location_code(value.location).to_string(),
                document_no: value.document_no.to_string(),
                posting_date: value.posting_date,
                valuation_date: value.valuation_date,
                valued_quantity: value.valued_quantity,
                invoiced_quantity: value.invoiced_quantity,
                cost_actual: value.cost_amount_actual,
                cost_expected: value.cost_amount_expected,
                adjustment: value.adjustment,
                item_charge: value.item_charge_no.is_some(),
            });
            items.entry(card.no.clone()).or_insert_with(|| TriggerItem {
                costing_method: card.costing_method.as_str(),
                item_category: card.item_category.clone().unwrap_or_default(),
                inventory_posting_group: card.inventory_posting_group.clone(),
                gen_prod_posting_group: card.gen_prod_posting_group.clone(),
                allow_online_adjustment: state.allow_online_adjustment,
                cost_is_adjusted: state.cost_is_adjusted,
            });
        }
        let _ = CostEntryType::DirectCost;
        TriggerBatch {
            work_date,
            setting: ledger.config().inventory_setup.automatic_cost_adjustment,
            entries,
            items,
            known_items: ledger
                .config()
                .items
                .iter()
                .map(|item| item.no.clone())
                .collect(),
        }
    }

    /// The items the batch touched, in item-number order.
    pub fn item_nos(&self) -> Vec<String> {
        self.items.keys().cloned().collect()
    }

    fn to_script_map(&self) -> Map {
        let mut batch = Map::new();
        batch.insert("work_date".into(), self.work_date.to_string().into());
        batch.insert("setting".into(), setting_name(self.setting).into());
        let entries: Array = self
            .entries
            .iter()
            .map(|entry| Dynamic::from_map(entry_map(entry)))
            .collect();
        batch.insert("entries".into(), entries.into());
        let mut items = Map::new();
        for (no, item) in &self.items {
            items.insert(no.as_str().into(), Dynamic::from_map(item_map(no, item)));
        }
        batch.insert("items".into(), items.into());
        batch
    }
}

fn entry_map(entry: &TriggerEntry) -> Map {
    let mut map = Map::new();
    map.insert("item".into(), entry.item.clone().into());
    map.insert("entry_type".into(), entry.entry_type.into());
    map.insert("cost_entry_type".into(), entry.cost_entry_type.into());
    map.insert("location".into(), entry.location.clone().into());
    map.insert("document_no".into(), entry.document_no.clone().into());
    map.insert("posting_date".into(), entry.posting_date.to_string().into());
    map.insert(
        "valuation_date".into(),
        entry.valuation_date.to_string().into(),
    );
    map.insert(
        "valued_quantity".into(),
        Dynamic::from_decimal(entry.valued_quantity),
    );
    map.insert(
        "invoiced_quantity".into(),
        Dynamic::from_decimal(entry.invoiced_quantity),
    );
    map.insert(
        "cost_actual".into(),
        Dynamic::from_decimal(entry.cost_actual),
    );
    map.insert(
        "cost_expected".into(),
        Dynamic::from_decimal(entry.cost_expected),
    );
    map.insert("adjustment".into(), entry.adjustment.into());
    map.insert("item_charge".into(), entry.item_charge.into());
    map
}

fn item_map(no: &str, item: &TriggerItem) -> Map {
    let mut map = Map::new();
    map.insert("no".into(), no.to_string().into());
    map.insert("costing_method".into(), item.costing_method.into());
    map.insert("item_category".into(), item.item_category.clone().into());
    map.insert(
        "inventory_posting_group".into(),
        item.inventory_posting_group.clone().into(),
    );
    map.insert(
        "gen_prod_posting_group".into(),
        item.gen_prod_posting_group.clone().into(),
    );
    map.insert(
        "allow_online_adjustment".into(),
        item.allow_online_adjustment.into(),
    );
    map.insert("cost_is_adjusted".into(), item.cost_is_adjusted.into());
    map
}

fn setting_name(setting: AutomaticCostAdjustment) -> &'static str {
    match setting {
        AutomaticCostAdjustment::Never => "never",
        AutomaticCostAdjustment::Day => "day",
        AutomaticCostAdjustment::Week => "week",
        AutomaticCostAdjustment::Month => "month",
        AutomaticCostAdjustment::Quarter => "quarter",
        AutomaticCostAdjustment::Year => "year",
        AutomaticCostAdjustment::Always => "always",
    }
}

/// The sandboxed engine plus pure date helpers over ISO date strings.
fn trigger_engine(limits: &RuleLimits) -> Engine {
    let mut engine = build_engine(limits);
    engine.register_fn(
        "add_days",
        |date: &str, days: i64| -> Result<String, Box<EvalAltResult>> {
            let date = parse_date(date)?;
            let moved = if days >= 0 {
                date.checked_add_days(Days::new(days as u64))
            } else {
                date.checked_sub_days(Days::new(days.unsigned_abs()))
            };
            moved
                .map(|d| d.to_string())
                .ok_or_else(|| "date out of range".into())
        },
    );
    engine.register_fn(
        "add_months",
        |date: &str, months: i64| -> Result<String, Box<EvalAltResult>> {
            let date = parse_date(date)?;
            let count = Months::new(
                u32::try_from(months.unsigned_abs()).map_err(|_| "month count out of range")?,
            );
            let moved = if months >= 0 {
                date.checked_add_months(count)
            } else {
                date.checked_sub_months(count)
            };
            moved
                .map(|d| d.to_string())
                .ok_or_else(|| "date out of range".into())
        },
    );
    engine.register_fn(
        "end_of_month",
        |date: &str| -> Result<String, Box<EvalAltResult>> {
            Ok(end_of_month(parse_date(date)?).to_string())
        },
    );
    engine.register_fn(
        "is_end_of_month",
        |date: &str| -> Result<bool, Box<EvalAltResult>> {
            let date = parse_date(date)?;
            Ok(end_of_month(date) == date)
        },
    );
    engine.register_fn(
        "days_between",
        |from: &str, to: &str| -> Result<i64, Box<EvalAltResult>> {
            Ok((parse_date(to)? - parse_date(from)?).num_days())
        },
    );
    engine
}

fn parse_date(text: &str) -> Result<NaiveDate, Box<EvalAltResult>> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("\"{text}\" is not a date (YYYY-MM-DD)").into())
}

fn end_of_month(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first
        .checked_add_months(Months::new(1))
        .and_then(|next| next.pred_opt())
        .unwrap_or(date)
}
