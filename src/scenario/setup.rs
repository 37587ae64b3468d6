//! `[setup]`, `[[item]]` and `[[location]]` → a fresh in-memory [`CompanyConfig`].

use rust_decimal::Decimal;

use crate::config::{
    AutomaticCostAdjustment, AverageCostCalcType, AverageCostPeriod, CompanyConfig, CostingMethod,
    InventorySetup, Item, Location,
};
use crate::money::Rounding;

use super::model::{
    AutomaticAdjustmentSpec, AverageCalcTypeSpec, AveragePeriodSpec, CostingMethodSpec, ItemSpec,
    ScenarioFile, Setup,
};

/// The company a scenario runs in.
pub fn company_config(file: &ScenarioFile) -> CompanyConfig {
    let mut config = CompanyConfig::empty(&file.id);
    config.rounding = rounding(&file.setup);
    config.inventory_setup = inventory_setup(&file.setup);
    config.items = file.items.iter().map(item).collect();
    config.locations = file
        .locations
        .iter()
        .map(|l| Location::new(&l.code))
        .collect();
    config
}

fn rounding(setup: &Setup) -> Rounding {
    let default = Rounding::default();
    Rounding {
        amount_precision: setup
            .amount_rounding_precision
            .map_or(default.amount_precision, |p| p.0),
        unit_amount_precision: setup
            .unit_amount_rounding_precision
            .map_or(default.unit_amount_precision, |p| p.0),
        strategy: default.strategy,
    }
}

fn inventory_setup(setup: &Setup) -> InventorySetup {
    InventorySetup {
        automatic_cost_posting: setup.automatic_cost_posting,
        expected_cost_posting_to_gl: setup.expected_cost_posting_to_gl,
        automatic_cost_adjustment: match setup.automatic_cost_adjustment {
            AutomaticAdjustmentSpec::Never => AutomaticCostAdjustment::Never,
            AutomaticAdjustmentSpec::Always => AutomaticCostAdjustment::Always,
        },
        average_cost_period: match setup.average_cost_period {
            AveragePeriodSpec::Day => AverageCostPeriod::Day,
            AveragePeriodSpec::Week => AverageCostPeriod::Week,
            AveragePeriodSpec::Month => AverageCostPeriod::Month,
            AveragePeriodSpec::Quarter => AverageCostPeriod::Quarter,
            AveragePeriodSpec::Year => AverageCostPeriod::Year,
            AveragePeriodSpec::AccountingPeriod => AverageCostPeriod::AccountingPeriod,
        },
        average_cost_calc_type: match setup.average_cost_calc_type {
            AverageCalcTypeSpec::Item => AverageCostCalcType::Item,
            AverageCalcTypeSpec::ItemLocationVariant => AverageCostCalcType::ItemLocationVariant,
        },
        prevent_negative_inventory: setup.prevent_negative_inventory,
        allow_posting_from: setup.allow_posting_from.map(|d| d.0),
        user_allow_posting_from: setup.user_allow_posting_from.map(|d| d.0),
        inventory_periods_closed_through: setup.inventory_periods_closed_through.map(|d| d.0),
        ..InventorySetup::default()
    }
}

fn item(spec: &ItemSpec) -> Item {
    let method = match spec.costing_method {
        CostingMethodSpec::Fifo => CostingMethod::Fifo,
        CostingMethodSpec::Lifo => CostingMethod::Lifo,
        CostingMethodSpec::Average => CostingMethod::Average,
        CostingMethodSpec::Standard => CostingMethod::Standard,
        CostingMethodSpec::Specific => CostingMethod::Specific,
    };
    let amount = |value: Option<super::values::ExactDecimal>| value.map_or(Decimal::ZERO, |v| v.0);
    let mut item = Item::new(&spec.no, method);
    item.unit_cost = amount(spec.unit_cost);
    item.standard_cost = amount(spec.standard_cost);
    item.overhead_rate = amount(spec.overhead_rate);
    item.indirect_cost_percent = amount(spec.indirect_cost_pct);
    if let Some(serial_tracked) = spec.serial_tracked {
        item.serial_tracked = serial_tracked;
    }
    item
}
