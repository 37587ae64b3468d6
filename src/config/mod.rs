//! Company configuration: the setup records of spec §1.9 as plain data.
//!
//! The types here are what the costing core reads. Loading them from the TOML files under
//! `config/` (with errors that name the file, line and key) lives in [`load`]; the format is
//! documented field by field in `docs/configuration.md`.

pub mod load;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::money::Rounding;

pub use load::{
    example_company, load_company_dir, load_company_files, ConfigError, ConfigFile, COMPANY_FILE,
    EXAMPLE_CONFIG_FILES, ITEMS_FILE, LOCATIONS_FILE,
};

/// Everything the costing core needs to know about a company.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyConfig {
    /// Company name, for reports.
    pub name: String,
    /// Local currency code (LCY), for example "EUR".
    pub currency: String,
    pub rounding: Rounding,
    pub inventory_setup: InventorySetup,
    /// Items in the order of the configuration; `ItemId(i)` is `items[i]`.
    pub items: Vec<Item>,
    /// Locations in the order of the configuration. The blank location ("") is always valid and
    /// need not be listed.
    pub locations: Vec<Location>,
}

impl CompanyConfig {
    /// An empty company with default setup: no items, no locations.
    pub fn empty(name: &str) -> Self {
        CompanyConfig {
            name: name.to_string(),
            currency: "LCY".to_string(),
            rounding: Rounding::default(),
            inventory_setup: InventorySetup::default(),
            items: Vec::new(),
            locations: Vec::new(),
        }
    }
}

/// Inventory Setup (table 313) plus the G/L setup dates that limit posting.
#[derive(Debug, Clone, PartialEq)]
pub struct InventorySetup {
    /// Post value entries to the G/L inside the posting batch.
    pub automatic_cost_posting: bool,
    /// Also post expected (not yet invoiced) cost to the interim accounts.
    pub expected_cost_posting_to_gl: bool,
    pub automatic_cost_adjustment: AutomaticCostAdjustment,
    pub average_cost_period: AverageCostPeriod,
    pub average_cost_calc_type: AverageCostCalcType,
    /// Refuse postings that would take stock of an item at a location below zero.
    pub prevent_negative_inventory: bool,
    /// G/L Setup "Allow Posting From": no posting before this date. Cost adjustment dates its
    /// entries on or after it.
    pub allow_posting_from: Option<NaiveDate>,
    /// G/L Setup "Allow Posting To": no posting after this date.
    pub allow_posting_to: Option<NaiveDate>,
    /// User Setup "Allow Posting From": when set, governs ordinary postings instead of
    /// `allow_posting_from` (cost adjustment keeps using `allow_posting_from`).
    pub user_allow_posting_from: Option<NaiveDate>,
    /// Inventory periods are closed up to and including this date.
    pub inventory_periods_closed_through: Option<NaiveDate>,
    /// Accounting periods, sorted by starting date. Used by average cost period
    /// `AccountingPeriod` and for fiscal-year boundaries.
    pub accounting_periods: Vec<AccountingPeriod>,
}

impl Default for InventorySetup {
    fn default() -> Self {
        InventorySetup {
            automatic_cost_posting: true,
            expected_cost_posting_to_gl: false,
            automatic_cost_adjustment: AutomaticCostAdjustment::Never,
            average_cost_period: AverageCostPeriod::Day,
            average_cost_calc_type: AverageCostCalcType::ItemLocationVariant,
            prevent_negative_inventory: false,
            allow_posting_from: None,
            allow_posting_to: None,
            user_allow_posting_from: None,
            inventory_periods_closed_through: None,
            accounting_periods: Vec::new(),
        }
    }
}

impl InventorySetup {
    /// The first date an ordinary posting may carry, if any limit is set.
    pub fn posting_allowed_from(&self) -> Option<NaiveDate> {
        self.user_allow_posting_from.or(self.allow_posting_from)
    }

    /// Whether an ordinary posting may carry `date`.
    pub fn is_posting_date_allowed(&self, date: NaiveDate) -> bool {
        let from_ok = self.posting_allowed_from().is_none_or(|from| date >= from);
        let to_ok = self.allow_posting_to.is_none_or(|to| date <= to);
        let period_ok = self
            .inventory_periods_closed_through
            .is_none_or(|closed| date > closed);
        from_ok && to_ok && period_ok
    }
}

/// One accounting period, identified by its starting date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountingPeriod {
    pub starting_date: NaiveDate,
    /// This period starts a new fiscal year.
    pub new_fiscal_year: bool,
}

/// Inventory Setup "Automatic Cost Adjustment" (enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AutomaticCostAdjustment {
    Never,
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Always,
}

/// Inventory Setup "Average Cost Period" (enum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AverageCostPeriod {
    Day,
    Week,
    Month,
    Quarter,
    Year,
    AccountingPeriod,
}

/// Inventory Setup "Average Cost Calc. Type".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AverageCostCalcType {
    Item,
    ItemLocationVariant,
}

/// Item "Costing Method".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CostingMethod {
    Fifo,
    Lifo,
    Specific,
    Average,
    Standard,
}

impl CostingMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            CostingMethod::Fifo => "fifo",
            CostingMethod::Lifo => "lifo",
            CostingMethod::Specific => "specific",
            CostingMethod::Average => "average",
            CostingMethod::Standard => "standard",
        }
    }

    pub fn parse(text: &str) -> Option<CostingMethod> {
        match text.to_ascii_lowercase().as_str() {
            "fifo" => Some(CostingMethod::Fifo),
            "lifo" => Some(CostingMethod::Lifo),
            "specific" => Some(CostingMethod::Specific),
            "average" => Some(CostingMethod::Average),
            "standard" => Some(CostingMethod::Standard),
            _ => None,
        }
    }
}

/// An item card: the fields costing reads (spec §1.9 "Item fields used").
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub no: String,
    pub description: String,
    pub base_unit_of_measure: String,
    pub costing_method: CostingMethod,
    /// Item-card unit cost before the first posting.
    pub unit_cost: Decimal,
    /// Standard cost (used by Standard items).
    pub standard_cost: Decimal,
    /// Indirect Cost %: overhead as a percentage of the direct cost.
    pub indirect_cost_percent: Decimal,
    /// Overhead Rate: overhead per base unit, in LCY.
    pub overhead_rate: Decimal,
    pub inventory_posting_group: String,
    pub gen_prod_posting_group: String,
    pub item_category: Option<String>,
    /// Serial numbers are required on every posting (mandatory for Specific items).
    pub serial_tracked: bool,
}

impl Item {
    /// A FIFO item with blank posting groups and zero costs; convenient for tests.
    pub fn new(no: &str, costing_method: CostingMethod) -> Self {
        Item {
            no: no.to_string(),
            description: String::new(),
            base_unit_of_measure: "PCS".to_string(),
            costing_method,
            unit_cost: Decimal::ZERO,
            standard_cost: Decimal::ZERO,
            indirect_cost_percent: Decimal::ZERO,
            overhead_rate: Decimal::ZERO,
            inventory_posting_group: String::new(),
            gen_prod_posting_group: String::new(),
            item_category: None,
            serial_tracked: costing_method == CostingMethod::Specific,
        }
    }
}

/// A location with free attributes (for example `country = "CH"`) that rules may read.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub code: String,
    pub name: String,
    pub attributes: BTreeMap<String, String>,
}

impl Location {
    pub fn new(code: &str) -> Self {
        Location {
            code: code.to_string(),
            name: String::new(),
            attributes: BTreeMap::new(),
        }
    }
}
