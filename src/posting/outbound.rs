//! Outbound postings: sale and sales shipment, purchase return, negative adjustment and transfer,
//! with the application of each outbound entry to open inbound entries (spec §1.3, §5.5, §5.7).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::line::{bucket_key, LinePosting, ResolvedItem};
use super::PostingError;
use crate::config::CostingMethod;
use crate::ledger::{
    CostEntryType, ItemApplicationEntry, ItemLedgerEntry, ItemLedgerEntryType, LocationId,
    ValueEntry,
};

/// One quantity application an outbound made: the inbound and the quantity taken from it.
struct AppliedPart {
    inbound_no: u64,
    quantity: Decimal,
}

/// What kind of outbound a line posts.
#[derive(Debug, Clone, Copy)]
struct OutboundLine {
    entry_type: ItemLedgerEntryType,
    applies_to: Option<u64>,
    invoiced: bool,
}

/// How an outbound entry was applied, and what that means for its provisional value.
struct OutboundApplication {
    parts: Vec<AppliedPart>,
    fixed: bool,
    valuation_date: NaiveDate,
}

impl LinePosting<'_> {
    /// Sale (`invoiced`) or sales shipment (not invoiced): one Sale entry with negative quantity.
    pub fn sale(
        &mut self,
        item_no: &str,
        location: &str,
        quantity: Decimal,
        unit_price: Decimal,
        applies_to_entry_no: Option<u64>,
        invoiced: bool,
    ) -> Result<u64, PostingError> {
        let line = OutboundLine {
            entry_type: ItemLedgerEntryType::Sale,
            applies_to: applies_to_entry_no,
            invoiced,
        };
        let mut value = self.post_outbound_line(item_no, location, quantity, line)?;
        let sales_amount = self.rounding.amount(unit_price * quantity);
        if invoiced {
            value.sales_amount_actual = sales_amount;
        } else {
            value.sales_amount_expected = sales_amount;
        }
        Ok(self.insert_outbound_value_entry(value))
    }

    /// Purchase return (return shipment and credit memo): a Purchase entry with negative quantity.
    /// Applied to `applies_to_entry_no` it leaves at that receipt's exact cost.
    pub fn purchase_return(
        &mut self,
        item_no: &str,
        location: &str,
        quantity: Decimal,
        direct_unit_cost: Decimal,
        applies_to_entry_no: Option<u64>,
    ) -> Result<u64, PostingError> {
        self.check_not_negative("unit_cost", direct_unit_cost)?;
        let line = OutboundLine {
            entry_type: ItemLedgerEntryType::Purchase,
            applies_to: applies_to_entry_no,
            invoiced: true,
        };
        let mut value = self.post_outbound_line(item_no, location, quantity, line)?;
        value.purchase_amount_actual = -self.rounding.amount(direct_unit_cost * quantity);
        Ok(self.insert_outbound_value_entry(value))
    }

    /// Item journal Negative Adjmt.
    pub fn negative_adjustment(
        &mut self,
        item_no: &str,
        location: &str,
        quantity: Decimal,
        applies_to_entry_no: Option<u64>,
    ) -> Result<u64, PostingError> {
        let line = OutboundLine {
            entry_type: ItemLedgerEntryType::NegativeAdjmt,
            applies_to: applies_to_entry_no,
            invoiced: true,
        };
        let value = self.post_outbound_line(item_no, location, quantity, line)?;
        Ok(self.insert_outbound_value_entry(value))
    }

    /// Posts the item ledger entry of an outbound line and returns its first value entry, valued
    /// provisionally (actual when invoiced, else expected), for the caller to complete.
    fn post_outbound_line(
        &mut self,
        item_no: &str,
        location: &str,
        quantity: Decimal,
        line: OutboundLine,
    ) -> Result<ValueEntry, PostingError> {
        let item = self.resolve_item(item_no)?;
        let location = self.resolve_location("location", location)?;
        let (ile, application) = self.post_outbound(
            &item,
            location,
            line.entry_type,
            quantity,
            line.applies_to,
            line.invoiced,
        )?;
        let cost = self.provisional_outbound_cost(&item, &application, quantity, false);
        let mut value = self.outbound_value_entry(&ile, &item, &application);
        if line.invoiced {
            value.invoiced_quantity = -quantity;
            value.cost_amount_actual = -cost;
        } else {
            value.expected_cost = true;
            value.cost_amount_expected = -cost;
        }
        Ok(value)
    }

    /// Inserts the first value entry of an outbound line; returns its item ledger entry no.
    fn insert_outbound_value_entry(&mut self, value: ValueEntry) -> u64 {
        let ile_no = value.item_ledger_entry_no;
        self.insert_value_entry(value);
        ile_no
    }

    /// One-step transfer: an outbound Transfer entry at the source location valued from the
    /// entries it applies to, and an inbound Transfer entry at the destination carrying the same
    /// cost. Both count as invoiced; they are completely invoiced when their sources are.
    pub fn transfer(
        &mut self,
        item_no: &str,
        from: &str,
        to: &str,
        quantity: Decimal,
    ) -> Result<(u64, u64), PostingError> {
        let item = self.resolve_item(item_no)?;
        let from_location = self.resolve_location("from_location", from)?;
        let to_location = self.resolve_location("to_location", to)?;
        if from_location == to_location {
            return Err(self.error(
                "to_location",
                format!("transfers from \"{from}\" to itself; name another location"),
            ));
        }
        let (out_leg, application) = self.post_outbound(
            &item,
            from_location,
            ItemLedgerEntryType::Transfer,
            quantity,
            None,
            true,
        )?;
        let sources_invoiced = application
            .parts
            .iter()
            .map(|part| part.quantity)
            .sum::<Decimal>()
            == quantity
            && application.parts.iter().all(|part| {
                self.ledger
                    .item_ledger_entry(part.inbound_no)
                    .is_some_and(|inbound| inbound.completely_invoiced)
            });
        let cost = self.provisional_outbound_cost(&item, &application, quantity, true);
        let mut out_value = self.outbound_value_entry(&out_leg, &item, &application);
        out_value.invoiced_quantity = -quantity;
        out_value.cost_amount_actual = -cost;
        let out_valuation_date = out_value.valuation_date;
        self.insert_value_entry(out_value);
        self.ledger
            .update_item_ledger_entry(out_leg.entry_no, |entry| {
                entry.completely_invoiced = sources_invoiced
            });

        let mut in_entry =
            self.new_item_ledger_entry(&item, to_location, ItemLedgerEntryType::Transfer, quantity);
        in_entry.invoiced_quantity = quantity;
        in_entry.completely_invoiced = sources_invoiced;
        in_entry.last_invoice_date = Some(self.line.posting_date);
        let in_leg_no = self.insert_inbound_entry(in_entry, &item, Some(out_leg.entry_no))?;
        let in_leg = self
            .ledger
            .item_ledger_entry(in_leg_no)
            .expect("just inserted")
            .clone();
        let mut in_value = self.new_value_entry(&in_leg, &item, CostEntryType::DirectCost);
        in_value.valuation_date = out_valuation_date;
        in_value.valued_quantity = quantity;
        in_value.invoiced_quantity = quantity;
        in_value.item_ledger_entry_quantity = quantity;
        in_value.cost_amount_actual = cost;
        self.insert_value_entry(in_value);
        self.apply_to_open_outbounds(in_leg_no, &item)?;
        Ok((out_leg.entry_no, in_leg_no))
    }

    /// Creates an outbound entry and applies it: to `applies_to` (fixed application), to the
    /// inbound holding its serial number, or to open inbound entries in costing-method order.
    /// What cannot be applied stays open (negative inventory), unless that is prevented.
    fn post_outbound(
        &mut self,
        item: &ResolvedItem,
        location: LocationId,
        entry_type: ItemLedgerEntryType,
        quantity: Decimal,
        applies_to: Option<u64>,
        invoiced: bool,
    ) -> Result<(ItemLedgerEntry, OutboundApplication), PostingError> {
        self.check_quantity(quantity)?;
        self.check_serial(item, quantity)?;
        let mut entry = self.new_item_ledger_entry(item, location, entry_type, -quantity);
        if invoiced {
            entry.invoiced_quantity = -quantity;
            entry.completely_invoiced = true;
            entry.last_invoice_date = Some(self.line.posting_date);
        }
        entry.applies_to_entry = applies_to;
        let targets = self.application_targets(item, &entry, applies_to)?;
        let entry_no = self.insert_item_ledger_entry(entry);
        let key = bucket_key(
            self.ledger
                .item_ledger_entry(entry_no)
                .expect("just inserted"),
        );
        let fixed = applies_to.is_some();
        let mut parts = Vec::with_capacity(targets.len());
        let mut valuation_date = self.line.posting_date;
        for (inbound_no, take) in targets {
            self.apply_outbound_part(entry_no, inbound_no, take, item, fixed);
            let inbound_date = self
                .ledger
                .latest_valuation_date(inbound_no)
                .unwrap_or(valuation_date);
            // A fixed application is valued on the inbound's date even when that is earlier
            // than its own posting date: the decrease then leaves the inbound's average cost
            // period together with it (cu 22 GetValuationDate; spec §1.10).
            valuation_date = if fixed {
                inbound_date
            } else {
                valuation_date.max(inbound_date)
            };
            parts.push(AppliedPart {
                inbound_no,
                quantity: take,
            });
        }
        let applied: Decimal = parts.iter().map(|part| part.quantity).sum();
        if applied < quantity {
            self.ledger.update_item_ledger_entry(entry_no, |out| {
                out.remaining_quantity = -(quantity - applied)
            });
            self.ledger
                .insert_open_outbound(&key, (self.line.posting_date, entry_no));
        } else {
            self.ledger
                .update_item_ledger_entry(entry_no, |out| out.remaining_quantity = Decimal::ZERO);
        }
        if let Some(serial) = self.serial_no.clone() {
            self.ledger.set_serial_on_hand(item.id, &serial, None);
        }
        let entry = self
            .ledger
            .item_ledger_entry(entry_no)
            .expect("just inserted")
            .clone();
        Ok((
            entry,
            OutboundApplication {
                parts,
                fixed,
                valuation_date,
            },
        ))
    }

    /// Which open inbound entries an outbound takes its quantity from, and how much from each.
    fn application_targets(
        &self,
        item: &ResolvedItem,
        outbound: &ItemLedgerEntry,
        applies_to: Option<u64>,
    ) -> Result<Vec<(u64, Decimal)>, PostingError> {
        let quantity = -outbound.quantity;
        if let Some(target_no) = applies_to {
            self.check_applies_to(item, outbound, target_no)?;
            return Ok(vec![(target_no, quantity)]);
        }
        if let Some(serial) = &self.serial_no {
            let key = bucket_key(outbound);
            let holder = self
                .ledger
                .serial_on_hand(item.id, serial)
                .filter(|holder| {
                    self.ledger
                        .item_ledger_entry(*holder)
                        .is_some_and(|entry| bucket_key(entry) == key)
                });
            return match holder {
                Some(holder) => Ok(vec![(holder, quantity)]),
                None => Err(self.error(
                    "serial_no",
                    format!(
                        "serial no. \"{serial}\" of item {} is not in inventory at location \"{}\" (never received there, or already shipped)",
                        self.item_no(item.id),
                        self.ledger.location_code(outbound.location)
                    ),
                )),
            };
        }
        if item.costing_method == CostingMethod::Specific {
            return Err(self.error(
                "serial_no",
                "Specific items are applied by serial no.; give one".into(),
            ));
        }
        let key = bucket_key(outbound);
        let on_hand = crate::money::without_negative_zero(self.ledger.bucket_quantity(&key));
        if self
            .ledger
            .config()
            .inventory_setup
            .prevent_negative_inventory
            && on_hand < quantity
        {
            return Err(self.error(
                "quantity",
                format!(
                    "takes {quantity} of item {} from location \"{}\", but only {on_hand} are in inventory and negative inventory is prevented",
                    self.item_no(item.id),
                    self.ledger.location_code(outbound.location)
                ),
            ));
        }
        let mut targets = Vec::new();
        let mut still_needed = quantity;
        if let Some(bucket) = self.ledger.bucket(&key) {
            let open: Box<dyn Iterator<Item = &(NaiveDate, u64)>> =
                if item.costing_method == CostingMethod::Lifo {
                    Box::new(bucket.open_inbound.iter().rev())
                } else {
                    Box::new(bucket.open_inbound.iter())
                };
            for &(_, inbound_no) in open {
                if still_needed.is_zero() {
                    break;
                }
                let remaining = self
                    .ledger
                    .item_ledger_entry(inbound_no)
                    .expect("open inbound")
                    .remaining_quantity;
                let take = remaining.min(still_needed);
                targets.push((inbound_no, take));
                still_needed -= take;
            }
        }
        Ok(targets)
    }

    /// Checks a fixed application target: same item, variant and location, inbound, enough open.
    fn check_applies_to(
        &self,
        item: &ResolvedItem,
        outbound: &ItemLedgerEntry,
        target_no: u64,
    ) -> Result<(), PostingError> {
        let field = "applies_to_entry_no";
        let Some(target) = self.ledger.item_ledger_entry(target_no) else {
            return Err(self.error(
                field,
                format!("item ledger entry {target_no} does not exist"),
            ));
        };
        if target.item != item.id {
            return Err(self.error(
                field,
                format!(
                    "item ledger entry {target_no} is of item {}, not {}; apply to an entry of the same item",
                    self.item_no(target.item),
                    self.item_no(item.id)
                ),
            ));
        }
        if target.quantity <= Decimal::ZERO {
            return Err(self.error(
                field,
                format!("item ledger entry {target_no} is not an inbound entry"),
            ));
        }
        if bucket_key(target) != bucket_key(outbound) {
            return Err(self.error(
                field,
                format!(
                    "item ledger entry {target_no} is at location \"{}\", the line at \"{}\"; application stays within one location",
                    self.ledger.location_code(target.location),
                    self.ledger.location_code(outbound.location)
                ),
            ));
        }
        if let (Some(serial), Some(target_serial)) = (&self.serial_no, &target.serial_no) {
            if serial != target_serial {
                return Err(self.error(
                    field,
                    format!("item ledger entry {target_no} holds serial no. \"{target_serial}\", the line \"{serial}\""),
                ));
            }
        }
        let quantity = -outbound.quantity;
        if target.remaining_quantity < quantity {
            return Err(self.error(
                "quantity",
                format!(
                    "takes {quantity} from item ledger entry {target_no}, which has only {} open",
                    target.remaining_quantity
                ),
            ));
        }
        Ok(())
    }

    /// Records one quantity application of an outbound to an inbound.
    fn apply_outbound_part(
        &mut self,
        outbound_no: u64,
        inbound_no: u64,
        quantity: Decimal,
        item: &ResolvedItem,
        fixed: bool,
    ) {
        let inbound = self
            .ledger
            .item_ledger_entry(inbound_no)
            .expect("inbound exists");
        let open_key = (inbound.posting_date, inbound_no);
        let key = bucket_key(inbound);
        let closes = inbound.remaining_quantity == quantity;
        let cost_application = fixed || item.costing_method != CostingMethod::Average;
        self.ledger.insert_application(ItemApplicationEntry {
            entry_no: self.ledger.next_application_entry_no(),
            item_ledger_entry_no: outbound_no,
            inbound_item_entry_no: inbound_no,
            outbound_item_entry_no: outbound_no,
            quantity: -quantity,
            posting_date: self.line.posting_date,
            transferred_from_entry_no: None,
            cost_application,
            fixed,
        });
        self.ledger
            .update_item_ledger_entry(inbound_no, |entry| entry.remaining_quantity -= quantity);
        if closes {
            self.ledger.remove_open_inbound(&key, open_key);
        }
        if cost_application {
            self.flag_applied_entry_to_adjust(inbound_no);
        }
    }

    /// The provisional cost of an outbound (positive): the cost of the inbound entries it applies
    /// to, share by share, and the item's unit cost (standard cost for Standard items) for any part
    /// left open. Transfers of Average items take the unit cost throughout (spec §1.10). Cost
    /// adjustment replaces the value later; valuing by the applied entries already at posting is
    /// what the oracle's cases show (c01's notes, c36's −20 adjustment), where spec §1.10 says
    /// the document's unit cost.
    fn provisional_outbound_cost(
        &self,
        item: &ResolvedItem,
        application: &OutboundApplication,
        quantity: Decimal,
        is_transfer: bool,
    ) -> Decimal {
        let exact =
            application.fixed || !(is_transfer && item.costing_method == CostingMethod::Average);
        let mut cost = Decimal::ZERO;
        let mut valued = Decimal::ZERO;
        if exact {
            for part in &application.parts {
                let inbound = self
                    .ledger
                    .item_ledger_entry(part.inbound_no)
                    .expect("inbound exists");
                cost += self.inbound_cost_without_rounding(part.inbound_no) * part.quantity
                    / inbound.quantity;
                valued += part.quantity;
            }
        }
        cost += self.unit_cost(item.id) * (quantity - valued);
        self.rounding.amount(cost)
    }

    /// An inbound entry's actual plus expected cost, without rounding entries.
    pub fn inbound_cost_without_rounding(&self, inbound_no: u64) -> Decimal {
        self.ledger
            .value_entries_of(inbound_no)
            .filter(|entry| entry.entry_type != CostEntryType::Rounding)
            .map(|entry| entry.cost_amount_actual + entry.cost_amount_expected)
            .sum()
    }

    /// The first value entry of a new outbound entry, with quantities and valuation date set.
    fn outbound_value_entry(
        &self,
        ile: &ItemLedgerEntry,
        item: &ResolvedItem,
        application: &OutboundApplication,
    ) -> ValueEntry {
        let mut value = self.new_value_entry(ile, item, CostEntryType::DirectCost);
        value.valuation_date = application.valuation_date;
        value.valued_quantity = ile.quantity;
        value.item_ledger_entry_quantity = ile.quantity;
        value.valued_by_average_cost =
            item.costing_method == CostingMethod::Average && !application.fixed;
        value
    }
}
