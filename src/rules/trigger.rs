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

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use chrono::{Datelike, Days, Months, NaiveDate};
use rhai::{Array, CallFnOptions, Dynamic, Engine, EvalAltResult, Map, Scope};

use super::diagnostics::{RuleError, RuleErrorKind};
use super::engine::{build_engine, run_within_budget, RuleLimits};
use super::loader::{self, CompiledFile};
use super::ruleset::{budget_error, runtime_error, RuleErrors};
use crate::config::AutomaticCostAdjustment;
use crate::ledger::{ItemId, Ledger, ValueEntry};

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

    /// Asks the rule about one posted batch of `ledger`.
    ///
    /// The rule's argument is a view of the batch, not a copy: its `entries` and `items` are built
    /// from the ledger the first time the rule reads them (then kept for the call), so a rule that
    /// never reads them, like the shipped one under the setting "never", costs nothing per entry.
    pub fn decide(
        &self,
        ledger: &Ledger,
        batch: &TriggerBatch,
    ) -> Result<TriggerDecision, RuleError> {
        let options = CallFnOptions::new().eval_ast(false).rewind_scope(true);
        let argument = Dynamic::from(BatchView::new(ledger, batch));
        let returned = LEDGER_OF_BATCH
            .set(ledger, || {
                run_within_budget(&self.limits, || {
                    self.engine.call_fn_with_options::<Dynamic>(
                        options,
                        &mut Scope::new(),
                        &self.file.ast,
                        TRIGGER_FUNCTION,
                        (argument,),
                    )
                })
            })
            .map_err(|exceeded| budget_error(&self.file.source, TRIGGER_FUNCTION, exceeded))?
            .map_err(|error| {
                runtime_error(&self.file.source, TRIGGER_FUNCTION, &error, &self.limits)
            })?;
        self.interpret(ledger, batch, returned)
    }

    fn interpret(
        &self,
        ledger: &Ledger,
        batch: &TriggerBatch,
        returned: Dynamic,
    ) -> Result<TriggerDecision, RuleError> {
        if let Some(all) = returned.clone().try_cast::<bool>() {
            return Ok(if all {
                TriggerDecision::Items(batch.item_nos(ledger))
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
            if ledger.item_id(item_no.as_str()).is_none() {
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

/// A posted batch, as the trigger rule is asked about it: the value entries it created and the
/// work date. What the rule sees is read from the ledger (`AdjustmentTrigger::decide`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerBatch {
    pub value_entry_nos: Range<u64>,
    pub work_date: NaiveDate,
}

impl TriggerBatch {
    /// The batch that created the value entries `value_entry_nos`, posted on `work_date`.
    pub fn new(value_entry_nos: Range<u64>, work_date: NaiveDate) -> TriggerBatch {
        TriggerBatch {
            value_entry_nos,
            work_date,
        }
    }

    /// The items the batch touched, in item-number order.
    pub fn item_nos(&self, ledger: &Ledger) -> Vec<String> {
        let touched: BTreeSet<&str> = self
            .value_entries(ledger)
            .map(|value| ledger.item_no(value.item))
            .collect();
        touched.into_iter().map(str::to_string).collect()
    }

    fn value_entries<'l>(&self, ledger: &'l Ledger) -> impl Iterator<Item = &'l ValueEntry> + 'l {
        self.value_entry_nos
            .clone()
            .filter_map(move |entry_no| ledger.value_entry(entry_no))
    }
}

// The ledger of the batch the trigger rule is being asked about, for the length of that call
// only: the view's getters read it (`AdjustmentTrigger::decide` sets it).
scoped_tls::scoped_thread_local!(static LEDGER_OF_BATCH: Ledger);

/// The rule's argument: the batch's work date and setting at once, its entries and items built
/// on first reading and shared by every later reading in the same call.
#[derive(Clone)]
struct BatchView {
    batch: TriggerBatch,
    setting: AutomaticCostAdjustment,
    entries: Arc<OnceLock<Dynamic>>,
    items: Arc<OnceLock<Dynamic>>,
}

impl BatchView {
    fn new(ledger: &Ledger, batch: &TriggerBatch) -> BatchView {
        BatchView {
            batch: batch.clone(),
            setting: ledger.config().inventory_setup.automatic_cost_adjustment,
            entries: Arc::default(),
            items: Arc::default(),
        }
    }

    fn property(&mut self, name: &str) -> Result<Dynamic, Box<EvalAltResult>> {
        match name {
            "work_date" => Ok(self.batch.work_date.to_string().into()),
            "setting" => Ok(setting_name(self.setting).into()),
            "entries" => built(&self.entries, &self.batch, entries_array),
            "items" => built(&self.items, &self.batch, items_map),
            _ => Err(format!(
                "the batch has no property \"{name}\"; it has work_date, setting, entries and \
                 items"
            )
            .into()),
        }
    }
}

/// The value in `cell`, built from the ledger of the call on first reading and shared after.
fn built(
    cell: &OnceLock<Dynamic>,
    batch: &TriggerBatch,
    build: fn(&Ledger, &TriggerBatch) -> Dynamic,
) -> Result<Dynamic, Box<EvalAltResult>> {
    if let Some(value) = cell.get() {
        return Ok(value.clone());
    }
    if !LEDGER_OF_BATCH.is_set() {
        return Err("the batch can only be read while the trigger rule runs".into());
    }
    let value = LEDGER_OF_BATCH
        .with(|ledger| build(ledger, batch))
        .into_shared();
    Ok(cell.get_or_init(|| value).clone())
}

/// `batch.entries`: the batch's value entries, oldest first.
fn entries_array(ledger: &Ledger, batch: &TriggerBatch) -> Dynamic {
    let entries: Array = batch
        .value_entries(ledger)
        .map(|value| Dynamic::from_map(entry_map(ledger, value)))
        .collect();
    entries.into()
}

/// `batch.items`: the items the batch touched, by item no.
fn items_map(ledger: &Ledger, batch: &TriggerBatch) -> Dynamic {
    let mut items = Map::new();
    for value in batch.value_entries(ledger) {
        let no = ledger.item_no(value.item);
        if !items.contains_key(no) {
            items.insert(no.into(), Dynamic::from_map(item_map(ledger, value.item)));
        }
    }
    items.into()
}

fn entry_map(ledger: &Ledger, value: &ValueEntry) -> Map {
    let mut map = Map::new();
    map.insert("item".into(), ledger.item_no(value.item).into());
    map.insert(
        "entry_type".into(),
        value.item_ledger_entry_type.as_str().into(),
    );
    map.insert("cost_entry_type".into(), value.entry_type.as_str().into());
    map.insert(
        "location".into(),
        ledger.location_code(value.location).into(),
    );
    map.insert("document_no".into(), value.document_no.to_string().into());
    map.insert("posting_date".into(), value.posting_date.to_string().into());
    map.insert(
        "valuation_date".into(),
        value.valuation_date.to_string().into(),
    );
    map.insert(
        "valued_quantity".into(),
        Dynamic::from_decimal(value.valued_quantity),
    );
    map.insert(
        "invoiced_quantity".into(),
        Dynamic::from_decimal(value.invoiced_quantity),
    );
    map.insert(
        "cost_actual".into(),
        Dynamic::from_decimal(value.cost_amount_actual),
    );
    map.insert(
        "cost_expected".into(),
        Dynamic::from_decimal(value.cost_amount_expected),
    );
    map.insert("adjustment".into(), value.adjustment.into());
    map.insert("item_charge".into(), value.item_charge_no.is_some().into());
    map
}

fn item_map(ledger: &Ledger, item: ItemId) -> Map {
    let card = ledger.item(item);
    let state = ledger.item_cost_state(item);
    let mut map = Map::new();
    map.insert("no".into(), card.no.clone().into());
    map.insert("costing_method".into(), card.costing_method.as_str().into());
    map.insert(
        "item_category".into(),
        card.item_category.clone().unwrap_or_default().into(),
    );
    map.insert(
        "inventory_posting_group".into(),
        card.inventory_posting_group.clone().into(),
    );
    map.insert(
        "gen_prod_posting_group".into(),
        card.gen_prod_posting_group.clone().into(),
    );
    map.insert(
        "allow_online_adjustment".into(),
        state.allow_online_adjustment.into(),
    );
    map.insert("cost_is_adjusted".into(), state.cost_is_adjusted.into());
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
    engine.register_type_with_name::<BatchView>("Batch");
    for name in ["work_date", "setting", "entries", "items"] {
        engine.register_get(name, move |view: &mut BatchView| view.property(name));
    }
    engine.register_indexer_get(|view: &mut BatchView, name: &str| view.property(name));
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
