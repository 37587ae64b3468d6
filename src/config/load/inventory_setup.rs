//! The `[inventory_setup]` section of `company.toml`, including the accounting periods.

use chrono::NaiveDate;

use super::reader::{Field, Table};
use super::ConfigError;
use crate::config::{
    AccountingPeriod, AutomaticCostAdjustment, AverageCostCalcType, AverageCostPeriod,
    InventorySetup,
};

const SETUP_KEYS: &[&str] = &[
    "automatic_cost_posting",
    "expected_cost_posting_to_gl",
    "automatic_cost_adjustment",
    "average_cost_period",
    "average_cost_calc_type",
    "prevent_negative_inventory",
    "allow_posting_from",
    "allow_posting_to",
    "user_allow_posting_from",
    "inventory_periods_closed_through",
    "accounting_period",
];
const PERIOD_KEYS: &[&str] = &["starting_date", "new_fiscal_year"];

const AUTOMATIC_COST_ADJUSTMENTS: &[(&str, AutomaticCostAdjustment)] = &[
    ("never", AutomaticCostAdjustment::Never),
    ("day", AutomaticCostAdjustment::Day),
    ("week", AutomaticCostAdjustment::Week),
    ("month", AutomaticCostAdjustment::Month),
    ("quarter", AutomaticCostAdjustment::Quarter),
    ("year", AutomaticCostAdjustment::Year),
    ("always", AutomaticCostAdjustment::Always),
];
const AVERAGE_COST_PERIODS: &[(&str, AverageCostPeriod)] = &[
    ("day", AverageCostPeriod::Day),
    ("week", AverageCostPeriod::Week),
    ("month", AverageCostPeriod::Month),
    ("quarter", AverageCostPeriod::Quarter),
    ("year", AverageCostPeriod::Year),
    ("accounting_period", AverageCostPeriod::AccountingPeriod),
];
const AVERAGE_COST_CALC_TYPES: &[(&str, AverageCostCalcType)] = &[
    ("item", AverageCostCalcType::Item),
    (
        "item_location_variant",
        AverageCostCalcType::ItemLocationVariant,
    ),
];

/// Reads `[inventory_setup]`; every key is optional and defaults to [`InventorySetup::default`].
pub(super) fn read_inventory_setup(table: &Table<'_, '_>) -> Result<InventorySetup, ConfigError> {
    table.deny_unknown_keys(SETUP_KEYS)?;
    let defaults = InventorySetup::default();
    let date = |field: &Field<'_, '_>| field.date().map(Some);
    let setup = InventorySetup {
        automatic_cost_posting: table.optional(
            "automatic_cost_posting",
            defaults.automatic_cost_posting,
            Field::bool,
        )?,
        expected_cost_posting_to_gl: table.optional(
            "expected_cost_posting_to_gl",
            defaults.expected_cost_posting_to_gl,
            Field::bool,
        )?,
        automatic_cost_adjustment: table.optional(
            "automatic_cost_adjustment",
            defaults.automatic_cost_adjustment,
            |field| field.choice("automatic cost adjustment", AUTOMATIC_COST_ADJUSTMENTS),
        )?,
        average_cost_period: table.optional(
            "average_cost_period",
            defaults.average_cost_period,
            |field| field.choice("average cost period", AVERAGE_COST_PERIODS),
        )?,
        average_cost_calc_type: table.optional(
            "average_cost_calc_type",
            defaults.average_cost_calc_type,
            |field| field.choice("average cost calc. type", AVERAGE_COST_CALC_TYPES),
        )?,
        prevent_negative_inventory: table.optional(
            "prevent_negative_inventory",
            defaults.prevent_negative_inventory,
            Field::bool,
        )?,
        allow_posting_from: table.optional("allow_posting_from", None, date)?,
        allow_posting_to: table.optional("allow_posting_to", None, date)?,
        user_allow_posting_from: table.optional("user_allow_posting_from", None, date)?,
        inventory_periods_closed_through: table.optional(
            "inventory_periods_closed_through",
            None,
            date,
        )?,
        accounting_periods: match table.get("accounting_period") {
            Some(field) => read_accounting_periods(&field)?,
            None => Vec::new(),
        },
    };
    check_posting_window(table, &setup)?;
    check_average_cost_period(table, &setup)?;
    Ok(setup)
}

/// Allow Posting To may not lie before Allow Posting From (BC refuses that on G/L Setup too).
fn check_posting_window(table: &Table<'_, '_>, setup: &InventorySetup) -> Result<(), ConfigError> {
    let (Some(from), Some(to)) = (setup.allow_posting_from, setup.allow_posting_to) else {
        return Ok(());
    };
    if to >= from {
        return Ok(());
    }
    let field = table.require("allow_posting_to")?;
    Err(field.error(format!(
        "{to} is before allow_posting_from {from}; no date could be posted"
    )))
}

/// Average Cost Period "Accounting Period" needs accounting periods to measure periods by.
fn check_average_cost_period(
    table: &Table<'_, '_>,
    setup: &InventorySetup,
) -> Result<(), ConfigError> {
    if setup.average_cost_period != AverageCostPeriod::AccountingPeriod
        || !setup.accounting_periods.is_empty()
    {
        return Ok(());
    }
    let field = table.require("average_cost_period")?;
    Err(field.error(
        "\"accounting_period\" needs accounting periods; add [[inventory_setup.accounting_period]] \
         tables or choose another period",
    ))
}

/// Reads the accounting periods: ascending starting dates, the first one starting a fiscal year.
fn read_accounting_periods(field: &Field<'_, '_>) -> Result<Vec<AccountingPeriod>, ConfigError> {
    let mut periods: Vec<AccountingPeriod> = Vec::new();
    let mut previous: Option<(NaiveDate, usize)> = None;
    for table in field.tables()? {
        table.deny_unknown_keys(PERIOD_KEYS)?;
        let start_field = table.require("starting_date")?;
        let starting_date = start_field.date()?;
        let new_fiscal_year = table.optional("new_fiscal_year", false, Field::bool)?;
        if let Some((before, line)) = previous.filter(|(before, _)| *before >= starting_date) {
            return Err(start_field.error(format!(
                "accounting periods must be in ascending order of starting_date; {starting_date} \
                 does not come after {before} (line {line})"
            )));
        }
        if periods.is_empty() && !new_fiscal_year {
            return Err(table.source.error(
                table.at(),
                "new_fiscal_year",
                "the first accounting period must start a fiscal year; add new_fiscal_year = true",
            ));
        }
        previous = Some((starting_date, start_field.source.line_of(start_field.at())));
        periods.push(AccountingPeriod {
            starting_date,
            new_fiscal_year,
        });
    }
    Ok(periods)
}
