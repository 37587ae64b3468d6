//! Invoicing what was received or shipped earlier: purchase invoices of receipts and sales
//! invoices of shipments, partial invoicing included, with the expected-cost reversal of spec §3.

use rust_decimal::Decimal;

use super::line::LinePosting;
use super::PostingError;
use crate::config::CostingMethod;
use crate::journal::LineCost;
use crate::ledger::{CostEntryType, ItemLedgerEntry, ItemLedgerEntryType};

impl LinePosting<'_> {
    /// Invoices (part of) a purchase receipt: one direct-cost value entry with the actual cost and
    /// the reversal of the expected cost, plus overhead and (Standard) variance entries.
    pub fn purchase_invoice(
        &mut self,
        receipt_no: u64,
        quantity: Decimal,
        cost: LineCost,
    ) -> Result<(), PostingError> {
        let receipt = self.invoiced_entry(
            receipt_no,
            "receipt_entry_no",
            ItemLedgerEntryType::Purchase,
            true,
        )?;
        self.check_quantity(quantity)?;
        self.check_not_over_invoiced(&receipt, quantity, "received")?;
        let item = self.resolved_item(receipt.item);
        let direct_amount = self.direct_amount(quantity, cost)?;
        let reversal = self.expected_cost_reversal(&receipt, quantity);
        let mut value = self.new_value_entry(&receipt, &item, CostEntryType::DirectCost);
        value.valued_quantity = quantity;
        value.invoiced_quantity = quantity;
        value.cost_amount_actual = direct_amount;
        value.cost_amount_expected = reversal;
        value.purchase_amount_actual = direct_amount;
        value.purchase_amount_expected =
            -self.original_expected_share(&receipt, quantity, |entry| {
                entry.purchase_amount_expected
            });
        self.insert_value_entry(value);
        self.insert_overhead_and_variance(&receipt, &item, direct_amount, quantity)?;
        self.mark_invoiced(&receipt, quantity);
        self.ledger
            .update_item_cost_state(item.id, |state| state.invoiced_quantity += quantity);
        self.update_unit_cost_after_invoice(&item, quantity, direct_amount / quantity);
        if receipt.remaining_quantity != receipt.quantity {
            self.flag_applied_entry_to_adjust(receipt_no);
        }
        Ok(())
    }

    /// Invoices (part of) a sales shipment. The invoiced part is provisionally valued at the
    /// shipment's original expected cost per unit (cost adjustment corrects it later), and the
    /// entry's expected cost is reversed for the invoiced part.
    pub fn sales_invoice(
        &mut self,
        shipment_no: u64,
        quantity: Decimal,
        unit_price: Decimal,
    ) -> Result<(), PostingError> {
        let shipment = self.invoiced_entry(
            shipment_no,
            "shipment_entry_no",
            ItemLedgerEntryType::Sale,
            false,
        )?;
        self.check_quantity(quantity)?;
        self.check_not_over_invoiced(&shipment, quantity, "shipped")?;
        let item = self.resolved_item(shipment.item);
        let signed_quantity = -quantity;
        let reversal = self.expected_cost_reversal(&shipment, signed_quantity);
        let invoiced_before = shipment.invoiced_quantity;
        let original_expected: Decimal =
            self.original_expected(&shipment, |entry| entry.cost_amount_expected);
        let cumulative = |invoiced: Decimal| {
            self.rounding
                .amount(original_expected * invoiced / shipment.quantity)
        };
        let actual = cumulative(invoiced_before + signed_quantity) - cumulative(invoiced_before);
        let mut value = self.new_value_entry(&shipment, &item, CostEntryType::DirectCost);
        value.valued_quantity = signed_quantity;
        value.invoiced_quantity = signed_quantity;
        value.cost_amount_actual = actual;
        value.cost_amount_expected = reversal;
        value.sales_amount_actual = self.rounding.amount(unit_price * quantity);
        value.sales_amount_expected =
            -self.original_expected_share(&shipment, signed_quantity, |entry| {
                entry.sales_amount_expected
            });
        self.insert_value_entry(value);
        self.mark_invoiced(&shipment, signed_quantity);
        // The invoiced part's cost must be brought to the applied cost again (spec §5.2 (e)).
        if item.costing_method != CostingMethod::Average {
            self.flag_applied_entry_to_adjust(shipment_no);
        }
        self.ledger
            .update_item_cost_state(item.id, |state| state.invoiced_quantity += signed_quantity);
        Ok(())
    }

    /// Reversal of expected cost for invoicing `invoiced` (signed) of `entry` (spec §3.3): all
    /// remaining expected cost when the entry becomes completely invoiced, otherwise the invoiced
    /// share of the original (non-adjustment) expected cost.
    fn expected_cost_reversal(&self, entry: &ItemLedgerEntry, invoiced: Decimal) -> Decimal {
        if entry.invoiced_quantity + invoiced == entry.quantity {
            let remaining: Decimal = self
                .ledger
                .value_entries_of(entry.entry_no)
                .filter(|value| value.entry_type != CostEntryType::Revaluation)
                .map(|value| value.cost_amount_expected)
                .sum();
            return -remaining;
        }
        -self.original_expected_share(entry, invoiced, |value| value.cost_amount_expected)
    }

    /// round(invoiced / quantity × Σ original expected amount), for one expected field.
    fn original_expected_share(
        &self,
        entry: &ItemLedgerEntry,
        invoiced: Decimal,
        field: impl Fn(&crate::ledger::ValueEntry) -> Decimal,
    ) -> Decimal {
        self.rounding
            .amount(self.original_expected(entry, field) * invoiced / entry.quantity)
    }

    /// Σ of an expected amount over the entry's receipt or shipment value entries (expected,
    /// not adjustments).
    fn original_expected(
        &self,
        entry: &ItemLedgerEntry,
        field: impl Fn(&crate::ledger::ValueEntry) -> Decimal,
    ) -> Decimal {
        self.ledger
            .value_entries_of(entry.entry_no)
            .filter(|value| value.expected_cost && !value.adjustment)
            .map(field)
            .sum()
    }

    /// The receipt or shipment an invoice line names, checked to be of the right kind.
    fn invoiced_entry(
        &self,
        entry_no: u64,
        field: &'static str,
        entry_type: ItemLedgerEntryType,
        inbound: bool,
    ) -> Result<ItemLedgerEntry, PostingError> {
        let Some(entry) = self.ledger.item_ledger_entry(entry_no) else {
            return Err(self.error(
                field,
                format!("item ledger entry {entry_no} does not exist"),
            ));
        };
        let kind = if inbound {
            "purchase receipt"
        } else {
            "sales shipment"
        };
        if entry.entry_type != entry_type || (entry.quantity > Decimal::ZERO) != inbound {
            return Err(self.error(
                field,
                format!(
                    "item ledger entry {entry_no} is a {} entry of quantity {}, not a {kind}",
                    entry.entry_type.as_str(),
                    entry.quantity
                ),
            ));
        }
        Ok(entry.clone())
    }

    fn check_not_over_invoiced(
        &self,
        entry: &ItemLedgerEntry,
        quantity: Decimal,
        verb: &str,
    ) -> Result<(), PostingError> {
        let not_invoiced = (entry.quantity - entry.invoiced_quantity).abs();
        if quantity > not_invoiced {
            return Err(self.error(
                "quantity",
                format!(
                    "invoices {quantity}, but only {not_invoiced} of item ledger entry {} are {verb} and not yet invoiced",
                    entry.entry_no
                ),
            ));
        }
        Ok(())
    }

    /// Adds `invoiced` (signed) to the entry's invoiced quantity and updates its invoice status.
    fn mark_invoiced(&mut self, entry: &ItemLedgerEntry, invoiced: Decimal) {
        let date = self.line.posting_date;
        self.ledger.update_item_ledger_entry(entry.entry_no, |ile| {
            ile.invoiced_quantity += invoiced;
            ile.completely_invoiced = ile.invoiced_quantity == ile.quantity;
            ile.last_invoice_date = Some(ile.last_invoice_date.map_or(date, |last| last.max(date)));
        });
    }
}
