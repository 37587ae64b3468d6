//! The scenario file format `bc-costing-oracle/1` as serde types.
//!
//! The parts the runner acts on (`[setup]`, items, locations, steps, expectations) deny unknown
//! fields so that a typo fails loudly instead of silently asserting nothing. The descriptive
//! header (`title`, `notes`, `[source]`...) is kept lenient: it is documentation, and new
//! metadata keys must not break old runners.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::values::{ExactDecimal, PlainDate};

/// One scenario file.
#[derive(Debug, Clone, Deserialize)]
pub struct ScenarioFile {
    pub schema: String,
    pub id: String,
    #[serde(default)]
    pub title: String,
    pub setup: Setup,
    #[serde(default, rename = "item")]
    pub items: Vec<ItemSpec>,
    #[serde(default, rename = "location")]
    pub locations: Vec<LocationSpec>,
    #[serde(default, rename = "step")]
    pub steps: Vec<toml::Spanned<Step>>,
    #[serde(default)]
    pub expect: Option<Expectations>,
    #[serde(default, rename = "checkpoint")]
    pub checkpoints: Vec<toml::Spanned<Checkpoint>>,
    // Metadata (`costing_methods`, `notes`, `[source]`...) is ignored by serde; unknown
    // top-level *tables* are refused separately in `load`, because they are typos of blocks.
}

/// Top-level keys that name data (the rest of the known keys are metadata).
pub const TOP_LEVEL_TABLES: &[&str] = &[
    "setup",
    "item",
    "location",
    "step",
    "expect",
    "checkpoint",
    "source",
];

/// `[setup]`: Inventory Setup and posting-date limits.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    pub amount_rounding_precision: Option<ExactDecimal>,
    pub unit_amount_rounding_precision: Option<ExactDecimal>,
    #[serde(default = "default_true")]
    pub automatic_cost_posting: bool,
    #[serde(default)]
    pub expected_cost_posting_to_gl: bool,
    #[serde(default)]
    pub automatic_cost_adjustment: AutomaticAdjustmentSpec,
    #[serde(default)]
    pub average_cost_period: AveragePeriodSpec,
    #[serde(default)]
    pub average_cost_calc_type: AverageCalcTypeSpec,
    #[serde(default)]
    pub prevent_negative_inventory: bool,
    pub allow_posting_from: Option<PlainDate>,
    pub user_allow_posting_from: Option<PlainDate>,
    pub inventory_periods_closed_through: Option<PlainDate>,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AutomaticAdjustmentSpec {
    #[default]
    Never,
    Always,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AveragePeriodSpec {
    #[default]
    Day,
    Week,
    Month,
    Quarter,
    Year,
    AccountingPeriod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AverageCalcTypeSpec {
    #[default]
    Item,
    ItemLocationVariant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostingMethodSpec {
    Fifo,
    Lifo,
    Average,
    Standard,
    Specific,
}

/// `[[item]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemSpec {
    pub no: String,
    pub costing_method: CostingMethodSpec,
    pub unit_cost: Option<ExactDecimal>,
    pub standard_cost: Option<ExactDecimal>,
    pub overhead_rate: Option<ExactDecimal>,
    pub indirect_cost_pct: Option<ExactDecimal>,
    pub serial_tracked: Option<bool>,
}

/// `[[location]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocationSpec {
    pub code: String,
}

/// The operation of a step (§2.4 of the oracle README).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepOp {
    Purchase,
    PurchaseReceipt,
    PurchaseInvoice,
    PurchaseReturn,
    Sale,
    SalesShipment,
    SalesInvoice,
    SalesReturn,
    PositiveAdjustment,
    NegativeAdjustment,
    Transfer,
    ItemCharge,
    Revaluation,
    SetStandardCost,
    SetAllowPostingFrom,
    AdjustCost,
    PostInventoryCostToGl,
}

impl StepOp {
    pub fn name(self) -> &'static str {
        match self {
            StepOp::Purchase => "purchase",
            StepOp::PurchaseReceipt => "purchase_receipt",
            StepOp::PurchaseInvoice => "purchase_invoice",
            StepOp::PurchaseReturn => "purchase_return",
            StepOp::Sale => "sale",
            StepOp::SalesShipment => "sales_shipment",
            StepOp::SalesInvoice => "sales_invoice",
            StepOp::SalesReturn => "sales_return",
            StepOp::PositiveAdjustment => "positive_adjustment",
            StepOp::NegativeAdjustment => "negative_adjustment",
            StepOp::Transfer => "transfer",
            StepOp::ItemCharge => "item_charge",
            StepOp::Revaluation => "revaluation",
            StepOp::SetStandardCost => "set_standard_cost",
            StepOp::SetAllowPostingFrom => "set_allow_posting_from",
            StepOp::AdjustCost => "adjust_cost",
            StepOp::PostInventoryCostToGl => "post_inventory_cost_to_gl",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalculatePer {
    Item,
    ItemLedgerEntry,
    /// Not a Calculate Inventory Value run: a hand-entered line for `applies_to_ile` (stockpost's
    /// extension of the format, tests/scenarios/README.md).
    AppliesToEntry,
}

/// `[[step]]`: one flat record; which fields an op reads is checked in
/// [`validate`](super::validate).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub n: u32,
    pub op: StepOp,
    pub date: Option<PlainDate>,
    pub item: Option<String>,
    pub location: Option<String>,
    pub from_location: Option<String>,
    pub to_location: Option<String>,
    pub qty: Option<ExactDecimal>,
    pub unit_cost: Option<ExactDecimal>,
    pub amount: Option<ExactDecimal>,
    pub unit_price: Option<ExactDecimal>,
    pub serial_no: Option<String>,
    pub applies_to_ile: Option<u64>,
    pub applies_from_ile: Option<u64>,
    pub receipt_ile: Option<u64>,
    pub shipment_ile: Option<u64>,
    pub assign_to_ile: Option<u64>,
    pub calculate_per: Option<CalculatePer>,
    pub unit_cost_revalued: Option<ExactDecimal>,
    pub expect_revalued_qty: Option<ExactDecimal>,
    pub expect_revaluation_amount: Option<ExactDecimal>,
    pub new_standard_cost: Option<ExactDecimal>,
    pub ile: Option<u64>,
    pub ile_out: Option<u64>,
    pub ile_in: Option<u64>,
    /// stockpost's extension of the format: the step must be refused, with a message that
    /// contains this text; the books stay as they were and the scenario goes on.
    pub expect_error: Option<String>,
    pub note: Option<String>,
}

/// `[expect]` and the body of a `[[checkpoint]]`: all blocks optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectations {
    pub totals: Option<TotalsExpectation>,
    #[serde(default)]
    pub item: Vec<ItemExpectation>,
    pub gl: Option<BTreeMap<GlAccountType, ExactDecimal>>,
    #[serde(default)]
    pub gl_location: Vec<GlLocationExpectation>,
    #[serde(default)]
    pub gl_as_of: Vec<GlAsOfExpectation>,
    #[serde(default)]
    pub gl_by_date: Vec<GlByDateExpectation>,
    #[serde(default)]
    pub valuation_as_of: Vec<ValuationAsOfExpectation>,
    #[serde(default)]
    pub ile: Vec<IleExpectation>,
    #[serde(default)]
    pub value_entry: Vec<ValueEntryExpectation>,
    #[serde(default)]
    pub application: Vec<ApplicationExpectation>,
}

/// `[[checkpoint]]`: the state right after step `after_step`.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    pub after_step: u32,
    pub expect: Expectations,
}

impl<'de> Deserialize<'de> for Checkpoint {
    /// `after_step` sits beside the expectation blocks; serde's `flatten` would ignore
    /// `deny_unknown_fields`, so the table is split by hand.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut table = toml::Table::deserialize(deserializer)?;
        let after_step = match table.remove("after_step") {
            Some(toml::Value::Integer(n)) => u32::try_from(n)
                .map_err(|_| D::Error::custom("`after_step` must be a step number"))?,
            Some(_) => return Err(D::Error::custom("`after_step` must be a step number")),
            None => return Err(D::Error::missing_field("after_step")),
        };
        let expect = toml::Value::Table(table)
            .try_into()
            .map_err(D::Error::custom)?;
        Ok(Checkpoint { after_step, expect })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TotalsExpectation {
    pub qty: Option<ExactDecimal>,
    pub value_actual: Option<ExactDecimal>,
    pub value_expected: Option<ExactDecimal>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemExpectation {
    pub no: String,
    pub unit_cost: ExactDecimal,
    pub unit_cost_tolerance: Option<ExactDecimal>,
}

/// The nine G/L account types of the oracle's account mapping (README §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GlAccountType {
    Inventory,
    InventoryInterim,
    InvtAccrualInterim,
    Cogs,
    CogsInterim,
    InventoryAdjmt,
    DirectCostApplied,
    OverheadApplied,
    PurchaseVariance,
}

impl GlAccountType {
    pub fn name(self) -> &'static str {
        match self {
            GlAccountType::Inventory => "inventory",
            GlAccountType::InventoryInterim => "inventory_interim",
            GlAccountType::InvtAccrualInterim => "invt_accrual_interim",
            GlAccountType::Cogs => "cogs",
            GlAccountType::CogsInterim => "cogs_interim",
            GlAccountType::InventoryAdjmt => "inventory_adjmt",
            GlAccountType::DirectCostApplied => "direct_cost_applied",
            GlAccountType::OverheadApplied => "overhead_applied",
            GlAccountType::PurchaseVariance => "purchase_variance",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlLocationExpectation {
    pub location: String,
    pub inventory: ExactDecimal,
}

/// `[[expect.gl_as_of]]`: a date plus account balances (unknown keys fail as unknown accounts).
#[derive(Debug, Clone, Deserialize)]
pub struct GlAsOfExpectation {
    pub date: PlainDate,
    #[serde(flatten)]
    pub balances: BTreeMap<GlAccountType, ExactDecimal>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GlByDateExpectation {
    pub date: PlainDate,
    pub account: GlAccountType,
    pub amount: ExactDecimal,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValuationAsOfExpectation {
    pub date: PlainDate,
    pub qty: Option<ExactDecimal>,
    pub value: Option<ExactDecimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IleTypeSpec {
    Purchase,
    Sale,
    PositiveAdjmt,
    NegativeAdjmt,
    Transfer,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IleExpectation {
    pub ile: u64,
    pub entry_type: Option<IleTypeSpec>,
    pub location: Option<String>,
    pub qty: Option<ExactDecimal>,
    pub remaining_qty: Option<ExactDecimal>,
    pub open: Option<bool>,
    pub cost_actual: Option<ExactDecimal>,
    pub cost_expected: Option<ExactDecimal>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostEntryTypeSpec {
    DirectCost,
    IndirectCost,
    Variance,
    Revaluation,
    Rounding,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueEntryExpectation {
    pub ile: u64,
    pub entry_type: Option<CostEntryTypeSpec>,
    pub item_charge: Option<bool>,
    pub adjustment: Option<bool>,
    pub posting_date: Option<PlainDate>,
    pub valuation_date: Option<PlainDate>,
    pub valued_qty: Option<ExactDecimal>,
    pub cost_actual: Option<ExactDecimal>,
    pub cost_expected: Option<ExactDecimal>,
    pub position_from_end: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationExpectation {
    pub inbound_ile: u64,
    pub outbound_ile: u64,
    pub qty: Option<ExactDecimal>,
    pub cost_application: Option<bool>,
    pub quantity_application: Option<bool>,
}
