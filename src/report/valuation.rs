//! Inventory valuation per item and location: quantity on hand and its actual and expected cost,
//! summed from the item ledger and value entries.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::render::{amount, quantity, Column, ReportRow};
use crate::ledger::{ItemId, Ledger, LocationId};

/// The stock of one item at one location.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValuationRow {
    pub item: String,
    pub description: String,
    pub location: String,
    pub quantity: Decimal,
    pub cost_actual: Decimal,
    pub cost_expected: Decimal,
}

impl ReportRow for ValuationRow {
    const COLUMNS: &'static [Column] = &[
        Column::text("item"),
        Column::text("description"),
        Column::text("location"),
        Column::number("quantity"),
        Column::number("cost_actual"),
        Column::number("cost_expected"),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.item.clone(),
            self.description.clone(),
            self.location.clone(),
            quantity(self.quantity),
            amount(self.cost_actual),
            amount(self.cost_expected),
        ]
    }
}

/// The valuation and its totals over all items and locations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InventoryValuation {
    pub rows: Vec<ValuationRow>,
    pub total_cost_actual: Decimal,
    pub total_cost_expected: Decimal,
}

impl InventoryValuation {
    /// Values every item at every location where it has entries, in item then location order.
    /// Rows whose quantity and costs are all zero are left out (stock moved away completely).
    pub fn of(ledger: &Ledger) -> InventoryValuation {
        let mut sums: BTreeMap<(ItemId, LocationId), [Decimal; 3]> = BTreeMap::new();
        for entry in ledger.item_ledger_entries() {
            sums.entry((entry.item, entry.location)).or_default()[0] += entry.quantity;
        }
        for entry in ledger.value_entries() {
            let sum = sums.entry((entry.item, entry.location)).or_default();
            sum[1] += entry.cost_amount_actual;
            sum[2] += entry.cost_amount_expected;
        }
        let rows: Vec<ValuationRow> = sums
            .into_iter()
            .filter(|(_, sum)| sum.iter().any(|value| !value.is_zero()))
            .map(|((item, location), [qty, actual, expected])| ValuationRow {
                item: ledger.item_no(item).to_string(),
                description: ledger.item(item).description.clone(),
                location: ledger.location_code(location).to_string(),
                quantity: qty,
                cost_actual: actual,
                cost_expected: expected,
            })
            .collect();
        InventoryValuation {
            total_cost_actual: rows.iter().map(|row| row.cost_actual).sum(),
            total_cost_expected: rows.iter().map(|row| row.cost_expected).sum(),
            rows,
        }
    }

    /// The total line of a text table.
    pub fn footer(&self) -> Vec<String> {
        vec![
            "total".to_string(),
            String::new(),
            String::new(),
            String::new(),
            amount(self.total_cost_actual),
            amount(self.total_cost_expected),
        ]
    }
}
