//! `items.toml`: the item cards, one `[[item]]` table each.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::journal::limits::{MAX_DECIMALS, MAX_UNIT_AMOUNT};

use super::reader::{Field, Source, Table};
use super::ConfigError;
use crate::config::{CostingMethod, Item};

const FILE_KEYS: &[&str] = &["item"];
const ITEM_KEYS: &[&str] = &[
    "no",
    "description",
    "base_unit_of_measure",
    "costing_method",
    "unit_cost",
    "standard_cost",
    "indirect_cost_percent",
    "overhead_rate",
    "inventory_posting_group",
    "gen_prod_posting_group",
    "item_category",
    "serial_tracked",
];

pub(super) const COSTING_METHODS: &[(&str, CostingMethod)] = &[
    ("fifo", CostingMethod::Fifo),
    ("lifo", CostingMethod::Lifo),
    ("specific", CostingMethod::Specific),
    ("average", CostingMethod::Average),
    ("standard", CostingMethod::Standard),
];

/// Base unit of measure when an item does not name one.
const DEFAULT_BASE_UNIT_OF_MEASURE: &str = "PCS";

pub(super) fn read_items(source: &Source<'_>) -> Result<Vec<Item>, ConfigError> {
    let document = source.parse()?;
    let root = Table::root(source, &document);
    root.deny_unknown_keys(FILE_KEYS)?;
    let Some(field) = root.get("item") else {
        return Ok(Vec::new());
    };
    let mut items = Vec::new();
    // Item numbers are codes: BC stores them upper-cased, so "a1" and "A1" are the same item.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for table in field.tables()? {
        let item = read_item(&table)?;
        let no_field = table.require("no")?;
        let line = source.line_of(no_field.at());
        if let Some(first) = seen.insert(item.no.to_uppercase(), line) {
            return Err(no_field.error(format!(
                "duplicate item no. {:?}; it is already used on line {first}",
                item.no
            )));
        }
        items.push(item);
    }
    Ok(items)
}

fn read_item(table: &Table<'_, '_>) -> Result<Item, ConfigError> {
    table.deny_unknown_keys(ITEM_KEYS)?;
    let no = table.require("no")?.code()?;
    let costing_method = table
        .require("costing_method")?
        .choice("costing method", COSTING_METHODS)?;
    let standard_cost = table.optional("standard_cost", Decimal::ZERO, non_negative)?;
    let unit_cost = read_unit_cost(table, costing_method, standard_cost)?;
    Ok(Item {
        no,
        description: table.optional("description", String::new(), Field::string)?,
        base_unit_of_measure: table.optional(
            "base_unit_of_measure",
            DEFAULT_BASE_UNIT_OF_MEASURE.to_string(),
            Field::code,
        )?,
        costing_method,
        unit_cost,
        standard_cost,
        indirect_cost_percent: table.optional("indirect_cost_percent", Decimal::ZERO, percent)?,
        overhead_rate: table.optional("overhead_rate", Decimal::ZERO, non_negative)?,
        inventory_posting_group: table.require("inventory_posting_group")?.code()?,
        gen_prod_posting_group: table.require("gen_prod_posting_group")?.code()?,
        item_category: table.optional("item_category", None, |field| {
            let category = field.string()?;
            Ok(Some(category).filter(|text| !text.trim().is_empty()))
        })?,
        serial_tracked: read_serial_tracked(table, costing_method)?,
    })
}

/// Unit cost. A Standard item's unit cost is its standard cost in BC, so it defaults to it and
/// may not contradict it.
fn read_unit_cost(
    table: &Table<'_, '_>,
    costing_method: CostingMethod,
    standard_cost: Decimal,
) -> Result<Decimal, ConfigError> {
    let is_standard = costing_method == CostingMethod::Standard;
    let default = if is_standard {
        standard_cost
    } else {
        Decimal::ZERO
    };
    let Some(field) = table.get("unit_cost") else {
        return Ok(default);
    };
    let unit_cost = non_negative(&field)?;
    if is_standard && unit_cost != standard_cost {
        return Err(field.error(format!(
            "unit cost {unit_cost} differs from standard_cost {standard_cost}; a standard item's \
             unit cost is its standard cost, so remove unit_cost or make the two equal"
        )));
    }
    Ok(unit_cost)
}

/// Serial tracking defaults to on for Specific items, which BC cannot cost without serial numbers.
fn read_serial_tracked(
    table: &Table<'_, '_>,
    costing_method: CostingMethod,
) -> Result<bool, ConfigError> {
    let is_specific = costing_method == CostingMethod::Specific;
    let Some(field) = table.get("serial_tracked") else {
        return Ok(is_specific);
    };
    let serial_tracked = field.bool()?;
    if is_specific && !serial_tracked {
        return Err(field.error(
            "a specific-cost item must be serial-tracked (Specific costing follows serial \
             numbers); remove the key or set serial_tracked = true",
        ));
    }
    Ok(serial_tracked)
}

/// A cost or rate per unit: from 0 to the journal's largest unit cost (10^9), at most 5
/// decimals, the same bounds as a unit cost in a journal (docs/journal.md, Limits).
fn non_negative(field: &Field<'_, '_>) -> Result<Decimal, ConfigError> {
    bounded(field, MAX_UNIT_AMOUNT)
}

/// Indirect cost %: from 0 to 1,000 (ten times the direct cost), at most 5 decimals.
fn percent(field: &Field<'_, '_>) -> Result<Decimal, ConfigError> {
    bounded(field, Decimal::ONE_THOUSAND)
}

fn bounded(field: &Field<'_, '_>, limit: Decimal) -> Result<Decimal, ConfigError> {
    let value = field.decimal()?;
    if value < Decimal::ZERO {
        return Err(field.error(format!("{value} is negative; it must be 0 or more")));
    }
    if value > limit {
        return Err(field.error(format!(
            "{value} is above {limit}, the largest value this key takes (docs/configuration.md)"
        )));
    }
    if value.normalize().scale() > MAX_DECIMALS {
        return Err(field.error(format!(
            "{value} has more than {MAX_DECIMALS} decimals; round it to {MAX_DECIMALS}"
        )));
    }
    Ok(value)
}
