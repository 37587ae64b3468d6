//! Inbound postings: purchase, purchase receipt, positive adjustment, sales return, and the
//! application of a new inbound entry to earlier open outbound entries (negative inventory).

use rust_decimal::Decimal;

use super::line::{bucket_key, LinePosting, ResolvedItem};
use super::PostingError;
use crate::config::CostingMethod;
use crate::journal::LineCost;
use crate::ledger::{
    CostEntryType, ItemApplicationEntry, ItemLedgerEntry, ItemLedgerEntryType, LocationId,
    VarianceType,
};

impl LinePosting<'_> {
    /// Purchase receipt and invoice together: direct cost, overhead and (Standard) variance.
    pub fn purchase(
        &mut self,
        item_no: &str,
        location: &str,
        quantity: Decimal,
        cost: LineCost,
    ) -> Result<u64, PostingError> {
        let (item, location) = self.stock_line(item_no, location, quantity)?;
        let direct_amount = self.direct_amount(quantity, cost)?;
        let ile = self.post_inbound_entry(
            &item,
            location,
            ItemLedgerEntryType::Purchase,
            quantity,
            true,
        )?;
        let ile_no = ile.entry_no;
        let mut direct = self.first_value_entry(&ile, &item, true);
        direct.cost_amount_actual = direct_amount;
        direct.purchase_amount_actual = direct_amount;
        self.insert_value_entry(direct);
        self.insert_overhead_and_variance(&ile, &item, direct_amount, quantity)?;
        self.update_unit_cost_after_invoice(&item, quantity, direct_amount / quantity);
        self.apply_to_open_outbounds(ile_no, &item)?;
        Ok(ile_no)
    }

    /// Purchase receipt only: expected cost (standard cost for Standard items).
    pub fn purchase_receipt(
        &mut self,
        item_no: &str,
        location: &str,
        quantity: Decimal,
        direct_unit_cost: Decimal,
    ) -> Result<u64, PostingError> {
        let (item, location) = self.stock_line(item_no, location, quantity)?;
        self.check_not_negative("unit_cost", direct_unit_cost)?;
        let expected = if item.costing_method == CostingMethod::Standard {
            self.rounding
                .amount(self.ledger.item_cost_state(item.id).standard_cost * quantity)
        } else {
            self.rounding
                .amount(self.unit_cost_with_overhead(&item, direct_unit_cost) * quantity)
        };
        let ile = self.post_inbound_entry(
            &item,
            location,
            ItemLedgerEntryType::Purchase,
            quantity,
            false,
        )?;
        let ile_no = ile.entry_no;
        let mut receipt = self.first_value_entry(&ile, &item, false);
        receipt.cost_amount_expected = expected;
        receipt.purchase_amount_expected = self.rounding.amount(direct_unit_cost * quantity);
        self.insert_value_entry(receipt);
        self.update_average_unit_cost(item.id);
        self.apply_to_open_outbounds(ile_no, &item)?;
        Ok(ile_no)
    }

    /// Item journal Positive Adjmt.: actual cost at the line's unit cost (standard cost for
    /// Standard items).
    pub fn positive_adjustment(
        &mut self,
        item_no: &str,
        location: &str,
        quantity: Decimal,
        unit_cost: Decimal,
    ) -> Result<u64, PostingError> {
        let (item, location) = self.stock_line(item_no, location, quantity)?;
        self.check_not_negative("unit_cost", unit_cost)?;
        let unit_cost = if item.costing_method == CostingMethod::Standard {
            self.ledger.item_cost_state(item.id).standard_cost
        } else {
            unit_cost
        };
        let ile = self.post_inbound_entry(
            &item,
            location,
            ItemLedgerEntryType::PositiveAdjmt,
            quantity,
            true,
        )?;
        let ile_no = ile.entry_no;
        let mut value = self.first_value_entry(&ile, &item, true);
        value.cost_amount_actual = self.rounding.amount(unit_cost * quantity);
        self.insert_value_entry(value);
        self.update_average_unit_cost(item.id);
        self.apply_to_open_outbounds(ile_no, &item)?;
        Ok(ile_no)
    }

    /// Sales return (return receipt and credit memo). With `applies_from_entry_no` it is an exact
    /// cost reversal: a cost-only application to the original sale, whose cost it copies and keeps
    /// following (spec §5.7); it does not fill open outbound entries.
    pub fn sales_return(
        &mut self,
        item_no: &str,
        location: &str,
        quantity: Decimal,
        unit_price: Decimal,
        applies_from_entry_no: Option<u64>,
    ) -> Result<u64, PostingError> {
        let (item, location) = self.stock_line(item_no, location, quantity)?;
        let reversal = match applies_from_entry_no {
            Some(original_no) => {
                Some(self.check_applies_from(original_no, &item, location, quantity)?)
            }
            None => None,
        };
        let ile =
            self.post_inbound_entry(&item, location, ItemLedgerEntryType::Sale, quantity, true)?;
        let ile_no = ile.entry_no;
        if reversal.is_some() {
            // Marked for cost adjustment at once (spec §5.2 (c)): its cost follows the sale's.
            self.ledger.update_item_ledger_entry(ile_no, |entry| {
                entry.applies_to_entry = applies_from_entry_no;
                entry.applied_entry_to_adjust = true;
            });
        }
        let mut value = self.first_value_entry(&ile, &item, true);
        value.sales_amount_actual = -self.rounding.amount(unit_price * quantity);
        match reversal {
            Some(original) => {
                value.valuation_date = original.valuation_date;
                value.cost_amount_actual = original.cost;
                self.insert_value_entry(value);
                self.insert_cost_application(ile_no, original.entry_no, quantity);
            }
            None => {
                value.cost_amount_actual = self.rounding.amount(self.unit_cost(item.id) * quantity);
                self.insert_value_entry(value);
                self.apply_to_open_outbounds(ile_no, &item)?;
            }
        }
        self.update_average_unit_cost(item.id);
        Ok(ile_no)
    }

    /// Builds and inserts an inbound item ledger entry of this line (`invoiced`: received and
    /// invoiced together), with its self-application and stock bookkeeping.
    fn post_inbound_entry(
        &mut self,
        item: &ResolvedItem,
        location: LocationId,
        entry_type: ItemLedgerEntryType,
        quantity: Decimal,
        invoiced: bool,
    ) -> Result<ItemLedgerEntry, PostingError> {
        let mut entry = self.new_item_ledger_entry(item, location, entry_type, quantity);
        if invoiced {
            entry.invoiced_quantity = quantity;
            entry.completely_invoiced = true;
            entry.last_invoice_date = Some(self.line.posting_date);
        }
        let ile_no = self.insert_inbound_entry(entry, item, None)?;
        Ok(self
            .ledger
            .item_ledger_entry(ile_no)
            .expect("just inserted")
            .clone())
    }

    /// Direct cost of a purchase line: the amount, or quantity × direct unit cost rounded.
    pub fn direct_amount(
        &self,
        quantity: Decimal,
        cost: LineCost,
    ) -> Result<Decimal, PostingError> {
        match cost {
            LineCost::DirectUnitCost(unit_cost) => {
                self.check_not_negative("unit_cost", unit_cost)?;
                Ok(self.rounding.amount(unit_cost * quantity))
            }
            LineCost::Amount(amount) => {
                self.check_not_negative("amount", amount)?;
                Ok(self.rounding.amount(amount))
            }
        }
    }

    /// Indirect cost (overhead) and, for Standard items, the purchase variance that brings the
    /// invoiced quantity to standard cost (spec §6.2).
    pub fn insert_overhead_and_variance(
        &mut self,
        ile: &ItemLedgerEntry,
        item: &ResolvedItem,
        direct_amount: Decimal,
        invoiced_quantity: Decimal,
    ) -> Result<(), PostingError> {
        let overhead = self.overhead(item, direct_amount, invoiced_quantity);
        if !overhead.is_zero() {
            let mut indirect = self.new_value_entry(ile, item, CostEntryType::IndirectCost);
            indirect.valued_quantity = invoiced_quantity;
            indirect.cost_amount_actual = overhead;
            self.insert_value_entry(indirect);
        }
        if item.costing_method == CostingMethod::Standard {
            let standard = self.ledger.item_cost_state(item.id).standard_cost;
            let variance_amount =
                self.rounding.amount(standard * invoiced_quantity) - direct_amount - overhead;
            if !variance_amount.is_zero() {
                let mut variance = self.new_value_entry(ile, item, CostEntryType::Variance);
                variance.variance_type = Some(VarianceType::Purchase);
                variance.valued_quantity = invoiced_quantity;
                variance.cost_amount_actual = variance_amount;
                self.insert_value_entry(variance);
            }
        }
        Ok(())
    }

    /// Inserts an inbound entry with its application self-row, puts it on hand (open inbound set,
    /// serial number) and checks the serial number is not already in stock.
    /// A transfer-in entry names the outbound leg whose cost it carries in `transferred_from`.
    pub fn insert_inbound_entry(
        &mut self,
        entry: ItemLedgerEntry,
        item: &ResolvedItem,
        transferred_from: Option<u64>,
    ) -> Result<u64, PostingError> {
        debug_assert!(entry.quantity > Decimal::ZERO);
        if let Some(serial) = self.serial_no.clone() {
            if let Some(holder) = self.ledger.serial_on_hand(item.id, &serial) {
                return Err(self.error(
                    "serial_no",
                    format!(
                        "serial no. \"{serial}\" of item {} is already in inventory (item ledger entry {holder})",
                        self.item_no(item.id)
                    ),
                ));
            }
            self.ledger
                .set_serial_on_hand(item.id, &serial, Some(entry.entry_no));
        }
        let (entry_no, quantity, posting_date) =
            (entry.entry_no, entry.quantity, entry.posting_date);
        let key = bucket_key(&entry);
        self.insert_item_ledger_entry(entry);
        self.ledger
            .insert_open_inbound(&key, (posting_date, entry_no));
        let self_row = ItemApplicationEntry {
            entry_no: self.ledger.next_application_entry_no(),
            item_ledger_entry_no: entry_no,
            inbound_item_entry_no: entry_no,
            outbound_item_entry_no: 0,
            quantity,
            posting_date,
            transferred_from_entry_no: transferred_from,
            cost_application: item.costing_method != CostingMethod::Average,
            fixed: false,
        };
        self.ledger.insert_application(self_row);
        Ok(entry_no)
    }

    /// A new inbound entry closes earlier open outbound entries of its bucket, oldest first
    /// (negative inventory filled by a later receipt). Specific items are never auto-applied.
    pub fn apply_to_open_outbounds(
        &mut self,
        inbound_no: u64,
        item: &ResolvedItem,
    ) -> Result<(), PostingError> {
        if item.costing_method == CostingMethod::Specific {
            return Ok(());
        }
        let inbound = self
            .ledger
            .item_ledger_entry(inbound_no)
            .expect("inbound exists")
            .clone();
        let key = bucket_key(&inbound);
        let inbound_valuation_date = self
            .ledger
            .direct_cost_valuation_date(inbound_no)
            .unwrap_or(inbound.posting_date);
        let mut remaining = inbound.remaining_quantity;
        while remaining > Decimal::ZERO {
            let Some(&(out_date, outbound_no)) = self
                .ledger
                .bucket(&key)
                .and_then(|b| b.open_outbound.first())
            else {
                break;
            };
            let outbound_remaining = self
                .ledger
                .item_ledger_entry(outbound_no)
                .expect("open outbound")
                .remaining_quantity;
            let applied = remaining.min(-outbound_remaining);
            remaining -= applied;
            self.ledger.insert_application(ItemApplicationEntry {
                entry_no: self.ledger.next_application_entry_no(),
                item_ledger_entry_no: inbound_no,
                inbound_item_entry_no: inbound_no,
                outbound_item_entry_no: outbound_no,
                quantity: -applied,
                posting_date: out_date.max(inbound.posting_date),
                transferred_from_entry_no: None,
                cost_application: item.costing_method != CostingMethod::Average,
                fixed: false,
            });
            self.ledger
                .update_item_ledger_entry(outbound_no, |out| out.remaining_quantity += applied);
            if outbound_remaining + applied == Decimal::ZERO {
                self.ledger
                    .remove_open_outbound(&key, (out_date, outbound_no));
            }
            self.move_valuation_date_forward(outbound_no, inbound_valuation_date);
        }
        if remaining != inbound.remaining_quantity {
            self.ledger
                .update_item_ledger_entry(inbound_no, |entry| entry.remaining_quantity = remaining);
            if remaining.is_zero() {
                self.ledger
                    .remove_open_inbound(&key, (inbound.posting_date, inbound_no));
            }
            if item.costing_method != CostingMethod::Average {
                self.flag_applied_entry_to_adjust(inbound_no);
            }
        }
        Ok(())
    }

    /// An outbound valued before its source existed takes the source's later valuation date on
    /// all its value entries (spec §1.10), and the entry point of the new date is reset.
    pub fn move_valuation_date_forward(&mut self, outbound_no: u64, date: chrono::NaiveDate) {
        let value_entry_nos: Vec<u64> = self
            .ledger
            .value_entries_of(outbound_no)
            .filter(|entry| {
                entry.entry_type != CostEntryType::Revaluation && entry.valuation_date < date
            })
            .map(|entry| entry.entry_no)
            .collect();
        for value_entry_no in value_entry_nos {
            self.ledger.set_valuation_date(value_entry_no, date);
        }
    }

    /// A cost-only application: `inbound_no` takes the cost of `outbound_no` (exact cost reversal).
    fn insert_cost_application(&mut self, inbound_no: u64, outbound_no: u64, quantity: Decimal) {
        self.ledger.insert_application(ItemApplicationEntry {
            entry_no: self.ledger.next_application_entry_no(),
            item_ledger_entry_no: inbound_no,
            inbound_item_entry_no: inbound_no,
            outbound_item_entry_no: outbound_no,
            quantity,
            posting_date: self.line.posting_date,
            transferred_from_entry_no: None,
            cost_application: true,
            fixed: true,
        });
        self.ledger
            .update_item_ledger_entry(outbound_no, |out| out.shipped_qty_not_returned += quantity);
    }

    /// Checks an applies-from entry of a sales return and returns the cost to reverse.
    fn check_applies_from(
        &self,
        original_no: u64,
        item: &ResolvedItem,
        location: LocationId,
        quantity: Decimal,
    ) -> Result<ReversedCost, PostingError> {
        let field = "applies_from_entry_no";
        let Some(original) = self.ledger.item_ledger_entry(original_no) else {
            return Err(self.error(
                field,
                format!("item ledger entry {original_no} does not exist"),
            ));
        };
        if original.item != item.id {
            return Err(self.error(
                field,
                format!(
                    "item ledger entry {original_no} is of item {}, not {}; a return must apply to an entry of the same item",
                    self.item_no(original.item),
                    self.item_no(item.id)
                ),
            ));
        }
        if original.entry_type != ItemLedgerEntryType::Sale || original.quantity >= Decimal::ZERO {
            return Err(self.error(
                field,
                format!("item ledger entry {original_no} is not a sales shipment"),
            ));
        }
        if original.location != location {
            return Err(self.error(
                field,
                format!(
                    "item ledger entry {original_no} was shipped from location \"{}\"; return it to the same location",
                    self.ledger.location_code(original.location)
                ),
            ));
        }
        if quantity > -original.shipped_qty_not_returned {
            return Err(self.error(
                "quantity",
                format!(
                    "returns {quantity} but only {} of item ledger entry {original_no} are shipped and not yet returned",
                    crate::money::without_negative_zero(-original.shipped_qty_not_returned)
                ),
            ));
        }
        let (actual, expected) = self.ledger.cost_of_entry(original_no);
        let cost = -self
            .rounding
            .amount((actual + expected) * quantity / original.quantity.abs());
        let valuation_date = self
            .ledger
            .direct_cost_valuation_date(original_no)
            .unwrap_or(original.posting_date);
        Ok(ReversedCost {
            entry_no: original_no,
            cost,
            valuation_date,
        })
    }
}

/// The cost an exact cost reversal copies from the original outbound entry.
struct ReversedCost {
    entry_no: u64,
    cost: Decimal,
    valuation_date: chrono::NaiveDate,
}
