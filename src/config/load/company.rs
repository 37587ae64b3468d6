//! `company.toml`: company name, currency, rounding and inventory setup.

use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::inventory_setup::read_inventory_setup;
use super::reader::{Field, Source, Table};
use super::ConfigError;
use crate::config::InventorySetup;
use crate::money::{is_valid_precision, Rounding, RoundingStrategy};

/// The company-wide part of the configuration, read from `company.toml`.
pub(super) struct CompanyHeader {
    pub name: String,
    pub currency: String,
    pub rounding: Rounding,
    pub inventory_setup: InventorySetup,
}

const COMPANY_KEYS: &[&str] = &["name", "currency", "rounding", "inventory_setup"];
const ROUNDING_KEYS: &[&str] = &["amount_precision", "unit_amount_precision", "strategy"];

/// Strategy names as written in the file, mapped to rust_decimal. `up`/`down` are BC's '>'/'<'
/// directions read as "away from zero"/"toward zero".
pub(super) const ROUNDING_STRATEGIES: &[(&str, RoundingStrategy)] = &[
    (
        "midpoint_away_from_zero",
        RoundingStrategy::MidpointAwayFromZero,
    ),
    (
        "midpoint_nearest_even",
        RoundingStrategy::MidpointNearestEven,
    ),
    ("midpoint_toward_zero", RoundingStrategy::MidpointTowardZero),
    ("up", RoundingStrategy::AwayFromZero),
    ("down", RoundingStrategy::ToZero),
];

pub(super) fn read_company(source: &Source<'_>) -> Result<CompanyHeader, ConfigError> {
    let document = source.parse()?;
    let root = Table::root(source, &document);
    root.deny_unknown_keys(COMPANY_KEYS)?;
    let name = root.require("name")?.code()?;
    let currency = root.require("currency")?.code()?;
    let rounding = match root.get("rounding") {
        Some(field) => read_rounding(&field.table()?)?,
        None => Rounding::default(),
    };
    let inventory_setup = match root.get("inventory_setup") {
        Some(field) => read_inventory_setup(&field.table()?)?,
        None => InventorySetup::default(),
    };
    Ok(CompanyHeader {
        name,
        currency,
        rounding,
        inventory_setup,
    })
}

fn read_rounding(table: &Table<'_, '_>) -> Result<Rounding, ConfigError> {
    table.deny_unknown_keys(ROUNDING_KEYS)?;
    let defaults = Rounding::default();
    Ok(Rounding {
        amount_precision: table.optional(
            "amount_precision",
            defaults.amount_precision,
            precision,
        )?,
        unit_amount_precision: table.optional(
            "unit_amount_precision",
            defaults.unit_amount_precision,
            precision,
        )?,
        strategy: table.optional("strategy", defaults.strategy, |field| {
            field.choice("rounding strategy", ROUNDING_STRATEGIES)
        })?,
    })
}

/// A rounding precision: positive and at most 1, like BC's rounding precision fields.
fn precision(field: &Field<'_, '_>) -> Result<Decimal, ConfigError> {
    let value = field.decimal()?;
    if !is_valid_precision(value) {
        return Err(field.error(format!(
            "precision {value} is out of range; it must be from 0.00001 to 1, e.g. {}",
            dec!(0.01)
        )));
    }
    Ok(value)
}
