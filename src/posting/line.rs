//! [`LinePosting`]: one journal line being posted, with the helpers every posting kind shares:
//! resolving codes, validating fields, building value entries and keeping the item's cost state,
//! entry points and adjustment flags current.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{PostingContext, PostingError};
use crate::config::{CostingMethod, Item};
use crate::journal::JournalLine;
use crate::ledger::period::within_automatic_adjustment_window;
use crate::ledger::{
    BucketKey, Code, CostEntryType, DimensionSetId, ItemId, ItemLedgerEntry, ItemLedgerEntryType,
    Ledger, LocationId, ValueEntry,
};
use crate::money::Rounding;

/// A journal line in the middle of being posted.
pub(crate) struct LinePosting<'a> {
    pub ledger: &'a mut Ledger,
    pub line: &'a JournalLine,
    pub context: &'a PostingContext,
    pub rounding: Rounding,
    pub document_no: Code,
    pub external_document_no: Option<Code>,
    pub gen_bus_posting_group: Code,
    pub serial_no: Option<Code>,
    pub dimension_set: DimensionSetId,
}

/// An item resolved from its number, with the card fields posting needs.
pub(crate) struct ResolvedItem {
    pub id: ItemId,
    pub costing_method: CostingMethod,
    pub inventory_posting_group: Code,
    pub gen_prod_posting_group: Code,
    pub indirect_cost_percent: Decimal,
    pub overhead_rate: Decimal,
    pub serial_tracked: bool,
}

impl<'a> LinePosting<'a> {
    /// Checks the fields every line has and interns its codes.
    pub fn new(
        ledger: &'a mut Ledger,
        line: &'a JournalLine,
        context: &'a PostingContext,
    ) -> Result<Self, PostingError> {
        let rounding = ledger.config().rounding;
        if line.document_no.trim().is_empty() {
            return Err(error(
                line,
                "document_no",
                "is empty; every line needs a document no.".into(),
            ));
        }
        let is_posting = !matches!(
            line.kind,
            crate::journal::JournalLineKind::StandardCostChange { .. }
        );
        if is_posting
            && !ledger
                .config()
                .inventory_setup
                .is_posting_date_allowed(line.posting_date)
        {
            return Err(error(
                line,
                "posting_date",
                posting_date_message(ledger, line.posting_date),
            ));
        }
        let gen_bus_posting_group = ledger.intern_code(&line.gen_bus_posting_group);
        let dimension_set = ledger.intern_dimensions(&line.dimensions);
        Ok(LinePosting {
            ledger,
            line,
            context,
            rounding,
            document_no: Arc::from(line.document_no.as_str()),
            external_document_no: line.external_document_no.as_deref().map(Arc::from),
            gen_bus_posting_group,
            serial_no: line.serial_no.as_deref().map(Arc::from),
            dimension_set,
        })
    }

    pub fn error(&self, field: &'static str, message: String) -> PostingError {
        error(self.line, field, message)
    }

    /// Resolves an item number, or names the field and the known items.
    pub fn resolve_item(&mut self, item_no: &str) -> Result<ResolvedItem, PostingError> {
        let Some(id) = self.ledger.item_id(item_no) else {
            return Err(self.error(
                "item",
                format!("unknown item \"{item_no}\"; add it to config/items.toml or correct the item no."),
            ));
        };
        Ok(self.resolved_item(id))
    }

    pub fn resolved_item(&mut self, id: ItemId) -> ResolvedItem {
        let (inventory_posting_group, gen_prod_posting_group) = self.ledger.item_posting_groups(id);
        let item: &Item = self.ledger.item(id);
        ResolvedItem {
            id,
            costing_method: item.costing_method,
            inventory_posting_group,
            gen_prod_posting_group,
            indirect_cost_percent: item.indirect_cost_percent,
            overhead_rate: item.overhead_rate,
            serial_tracked: item.serial_tracked,
        }
    }

    pub fn resolve_location(
        &self,
        field: &'static str,
        code: &str,
    ) -> Result<LocationId, PostingError> {
        self.ledger.location_id(code).ok_or_else(|| {
            self.error(
                field,
                format!("unknown location \"{code}\"; add it to config/locations.toml or leave it blank"),
            )
        })
    }

    /// The item and location of a line that moves stock, with its quantity and serial no.
    /// checked.
    pub fn stock_line(
        &mut self,
        item_no: &str,
        location: &str,
        quantity: Decimal,
    ) -> Result<(ResolvedItem, LocationId), PostingError> {
        let item = self.resolve_item(item_no)?;
        let location = self.resolve_location("location", location)?;
        self.check_quantity(quantity)?;
        self.check_serial(&item, quantity)?;
        Ok((item, location))
    }

    /// The first value entry of a new item ledger entry: its whole quantity valued, and
    /// invoiced when the entry is.
    pub fn first_value_entry(
        &self,
        ile: &ItemLedgerEntry,
        item: &ResolvedItem,
        invoiced: bool,
    ) -> ValueEntry {
        let mut value = self.new_value_entry(ile, item, CostEntryType::DirectCost);
        value.valued_quantity = ile.quantity;
        value.item_ledger_entry_quantity = ile.quantity;
        value.expected_cost = !invoiced;
        if invoiced {
            value.invoiced_quantity = ile.quantity;
        }
        value
    }

    /// Quantities on journal lines are positive; the line type gives the direction.
    pub fn check_quantity(&self, quantity: Decimal) -> Result<(), PostingError> {
        if quantity <= Decimal::ZERO {
            return Err(self.error(
                "quantity",
                format!("must be positive, got {quantity}; the line type gives the direction"),
            ));
        }
        Ok(())
    }

    pub fn check_not_negative(
        &self,
        field: &'static str,
        value: Decimal,
    ) -> Result<(), PostingError> {
        if value < Decimal::ZERO {
            return Err(self.error(field, format!("must not be negative, got {value}")));
        }
        Ok(())
    }

    /// Serial-tracked items need a serial no. and quantity 1; other items take none.
    pub fn check_serial(&self, item: &ResolvedItem, quantity: Decimal) -> Result<(), PostingError> {
        match (&self.serial_no, item.serial_tracked) {
            (None, true) => Err(self.error(
                "serial_no",
                format!(
                    "item {} is serial-tracked: give the serial no. of the unit",
                    self.item_no(item.id)
                ),
            )),
            (Some(serial), false) => Err(self.error(
                "serial_no",
                format!(
                    "item {} is not serial-tracked, but serial no. \"{serial}\" was given",
                    self.item_no(item.id)
                ),
            )),
            (Some(_), true) if quantity != Decimal::ONE => Err(self.error(
                "quantity",
                format!("a serial-numbered line moves exactly one unit, got {quantity}"),
            )),
            _ => Ok(()),
        }
    }

    pub fn item_no(&self, item: ItemId) -> &str {
        self.ledger.item_no(item)
    }

    /// An item ledger entry of this line with the bookkeeping fields at their starting values.
    pub fn new_item_ledger_entry(
        &mut self,
        item: &ResolvedItem,
        location: LocationId,
        entry_type: ItemLedgerEntryType,
        quantity: Decimal,
    ) -> ItemLedgerEntry {
        ItemLedgerEntry {
            entry_no: self.ledger.next_item_ledger_entry_no(),
            item: item.id,
            location,
            variant_code: self.ledger.blank_code(),
            posting_date: self.line.posting_date,
            entry_type,
            document_no: self.document_no.clone(),
            external_document_no: self.external_document_no.clone(),
            serial_no: self.serial_no.clone(),
            quantity,
            remaining_quantity: quantity,
            invoiced_quantity: Decimal::ZERO,
            completely_invoiced: false,
            last_invoice_date: None,
            applies_to_entry: None,
            applied_entry_to_adjust: false,
            shipped_qty_not_returned: if quantity < Decimal::ZERO {
                quantity
            } else {
                Decimal::ZERO
            },
            gen_bus_posting_group: self.gen_bus_posting_group.clone(),
            dimension_set: self.dimension_set,
            source_line: self.line.source.clone(),
        }
    }

    /// Inserts a new item ledger entry and accounts for its quantity.
    pub fn insert_item_ledger_entry(&mut self, entry: ItemLedgerEntry) -> u64 {
        let entry_no = entry.entry_no;
        let (item, quantity, invoiced) = (entry.item, entry.quantity, entry.invoiced_quantity);
        let key = bucket_key(&entry);
        self.ledger.insert_item_ledger_entry(entry);
        self.ledger.add_bucket_quantity(&key, quantity);
        self.ledger.update_item_cost_state(item, |state| {
            state.inventory_quantity += quantity;
            state.invoiced_quantity += invoiced;
        });
        entry_no
    }

    /// A value entry on `ile` with this line's document, posting groups and dates, and every
    /// amount zero. The caller fills in the amounts.
    pub fn new_value_entry(
        &self,
        ile: &ItemLedgerEntry,
        item: &ResolvedItem,
        entry_type: CostEntryType,
    ) -> ValueEntry {
        let valuation_date = self
            .ledger
            .direct_cost_valuation_date(ile.entry_no)
            .unwrap_or(ile.posting_date);
        ValueEntry {
            entry_no: self.ledger.next_value_entry_no(),
            item: ile.item,
            item_ledger_entry_no: ile.entry_no,
            item_ledger_entry_type: ile.entry_type,
            entry_type,
            variance_type: None,
            posting_date: self.line.posting_date,
            valuation_date,
            expected_cost: false,
            valued_quantity: Decimal::ZERO,
            invoiced_quantity: Decimal::ZERO,
            item_ledger_entry_quantity: Decimal::ZERO,
            cost_per_unit: Decimal::ZERO,
            cost_amount_expected: Decimal::ZERO,
            cost_amount_actual: Decimal::ZERO,
            cost_amount_non_invtbl: Decimal::ZERO,
            expected_cost_posted_to_gl: Decimal::ZERO,
            cost_posted_to_gl: Decimal::ZERO,
            sales_amount_expected: Decimal::ZERO,
            sales_amount_actual: Decimal::ZERO,
            purchase_amount_expected: Decimal::ZERO,
            purchase_amount_actual: Decimal::ZERO,
            adjustment: false,
            applies_to_entry: None,
            valued_by_average_cost: false,
            partial_revaluation: false,
            inventoriable: true,
            item_charge_no: None,
            location: ile.location,
            variant_code: ile.variant_code.clone(),
            inventory_posting_group: item.inventory_posting_group.clone(),
            gen_bus_posting_group: self.gen_bus_posting_group.clone(),
            gen_prod_posting_group: item.gen_prod_posting_group.clone(),
            document_no: self.document_no.clone(),
            external_document_no: self.external_document_no.clone(),
            dimension_set: self.dimension_set,
            source_line: self.line.source.clone(),
        }
    }

    /// Inserts a value entry and keeps everything that depends on it current: the item's cost
    /// totals, its "cost is adjusted" and "allow online adjustment" flags, and the
    /// Avg. Cost Adjmt. Entry Point of its valuation date (spec §1.4, §5.2).
    pub fn insert_value_entry(&mut self, mut entry: ValueEntry) -> u64 {
        debug_assert!(
            entry.cost_amount_expected.is_zero()
                || matches!(
                    entry.entry_type,
                    CostEntryType::DirectCost | CostEntryType::Revaluation
                ),
            "expected cost only on direct cost and revaluation entries (invariant 6)"
        );
        entry.set_cost_per_unit(&self.rounding);
        let entry_no = entry.entry_no;
        let (item, cost) = (
            entry.item,
            entry.cost_amount_actual + entry.cost_amount_expected,
        );
        let resets_entry_point = entry.inventoriable
            && !entry.adjustment
            && !matches!(
                entry.entry_type,
                CostEntryType::Variance | CostEntryType::IndirectCost | CostEntryType::Rounding
            );
        let entry_point = resets_entry_point
            .then(|| self.ledger.entry_point_of(&entry))
            .flatten();
        let window_date = if self.ledger.item(item).costing_method == CostingMethod::Average {
            entry.valuation_date
        } else {
            entry.posting_date
        };
        self.ledger.insert_value_entry(entry);
        let setting = self
            .ledger
            .config()
            .inventory_setup
            .automatic_cost_adjustment;
        let in_window =
            within_automatic_adjustment_window(window_date, self.context.work_date, setting);
        self.ledger.update_item_cost_state(item, |state| {
            state.inventory_cost += cost;
            state.cost_is_adjusted = false;
            if !in_window {
                state.allow_online_adjustment = false;
            }
        });
        if let Some(key) = entry_point {
            self.ledger.reset_entry_point(key);
        }
        entry_no
    }

    /// Sets "Applied Entry to Adjust" on an entry (spec §5.2).
    pub fn flag_applied_entry_to_adjust(&mut self, ile_no: u64) {
        self.ledger.set_applied_entry_to_adjust(ile_no);
    }

    /// The item's current unit cost for valuing a new outbound (standard cost for Standard items).
    pub fn unit_cost(&self, item: ItemId) -> Decimal {
        let state = self.ledger.item_cost_state(item);
        if self.ledger.item(item).costing_method == CostingMethod::Standard {
            state.standard_cost
        } else {
            state.unit_cost
        }
    }

    /// Overhead of an invoiced purchase: amount × indirect % / 100 + overhead rate × quantity.
    pub fn overhead(
        &self,
        item: &ResolvedItem,
        direct_amount: Decimal,
        quantity: Decimal,
    ) -> Decimal {
        self.rounding.amount(
            direct_amount * item.indirect_cost_percent / Decimal::ONE_HUNDRED
                + item.overhead_rate * quantity,
        )
    }

    /// Unit cost of a receipt including overhead: direct × (1 + indirect %) + overhead rate.
    pub fn unit_cost_with_overhead(
        &self,
        item: &ResolvedItem,
        direct_unit_cost: Decimal,
    ) -> Decimal {
        direct_unit_cost * (Decimal::ONE + item.indirect_cost_percent / Decimal::ONE_HUNDRED)
            + item.overhead_rate
    }

    /// Updates unit cost and last direct cost after an invoiced inbound (spec §5.11 "outside
    /// adjustment"): the last direct cost becomes the unit cost when the item's invoiced quantity
    /// moves from ≤ 0 to > 0; Average items keep their running average.
    pub fn update_unit_cost_after_invoice(
        &mut self,
        item: &ResolvedItem,
        invoiced_quantity: Decimal,
        direct_unit_cost: Decimal,
    ) {
        let unit_cost_with_overhead = self
            .rounding
            .unit_amount(self.unit_cost_with_overhead(item, direct_unit_cost));
        let method = item.costing_method;
        self.ledger.update_item_cost_state(item.id, |state| {
            let before = state.invoiced_quantity - invoiced_quantity;
            state.last_direct_cost = direct_unit_cost;
            let stock_became_invoiced =
                before <= Decimal::ZERO && state.invoiced_quantity > Decimal::ZERO;
            match method {
                CostingMethod::Standard => state.unit_cost = state.standard_cost,
                CostingMethod::Fifo | CostingMethod::Lifo | CostingMethod::Specific
                    if stock_became_invoiced =>
                {
                    state.unit_cost = unit_cost_with_overhead;
                }
                _ => {}
            }
        });
        self.update_average_unit_cost(item.id);
    }

    /// Average items: the unit cost follows the running average after every inbound.
    pub fn update_average_unit_cost(&mut self, item: ItemId) {
        if self.ledger.item(item).costing_method != CostingMethod::Average {
            return;
        }
        let rounding = self.rounding;
        self.ledger.update_item_cost_state(item, |state| {
            if state.inventory_quantity > Decimal::ZERO {
                state.unit_cost =
                    rounding.unit_amount(state.inventory_cost / state.inventory_quantity);
            }
        });
    }
}

pub(crate) fn bucket_key(entry: &ItemLedgerEntry) -> BucketKey {
    BucketKey {
        item: entry.item,
        location: entry.location,
        variant_code: entry.variant_code.clone(),
    }
}

pub(crate) fn error(line: &JournalLine, field: &'static str, message: String) -> PostingError {
    PostingError {
        source: line.source.clone(),
        field,
        message,
    }
}

fn posting_date_message(ledger: &Ledger, date: NaiveDate) -> String {
    let setup = &ledger.config().inventory_setup;
    if let Some(closed) = setup
        .inventory_periods_closed_through
        .filter(|closed| date <= *closed)
    {
        return format!(
            "{date} is in a closed inventory period (closed through {closed}); post on a later date or reopen the period in config/company.toml"
        );
    }
    match (setup.posting_allowed_from(), setup.allow_posting_to) {
        (Some(from), _) if date < from => format!(
            "{date} is before the first allowed posting date {from} (allow_posting_from in config/company.toml)"
        ),
        (_, Some(to)) => format!("{date} is after the last allowed posting date {to} (allow_posting_to in config/company.toml)"),
        _ => format!("{date} is not an allowed posting date"),
    }
}
