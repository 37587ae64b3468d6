//! The three entry tables of the costing sub-ledger (spec §1.1–§1.3).

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::journal::LineRef;

/// Index of an item in [`CompanyConfig::items`](crate::config::CompanyConfig::items).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId(pub u32);

/// Index of a location in the ledger's location table; `LocationId(0)` is the blank location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocationId(pub u32);

impl LocationId {
    pub const BLANK: LocationId = LocationId(0);
}

/// A shared, immutable code or document number (cheap to clone onto many entries).
pub type Code = Arc<str>;

/// Item Ledger Entry "Entry Type" (enum 78). Production and assembly types are kept so the
/// account matrix stays whole; nothing posts them yet.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ItemLedgerEntryType {
    Purchase,
    Sale,
    PositiveAdjmt,
    NegativeAdjmt,
    Transfer,
    Consumption,
    Output,
    AssemblyConsumption,
    AssemblyOutput,
}

impl ItemLedgerEntryType {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemLedgerEntryType::Purchase => "purchase",
            ItemLedgerEntryType::Sale => "sale",
            ItemLedgerEntryType::PositiveAdjmt => "positive_adjmt",
            ItemLedgerEntryType::NegativeAdjmt => "negative_adjmt",
            ItemLedgerEntryType::Transfer => "transfer",
            ItemLedgerEntryType::Consumption => "consumption",
            ItemLedgerEntryType::Output => "output",
            ItemLedgerEntryType::AssemblyConsumption => "assembly_consumption",
            ItemLedgerEntryType::AssemblyOutput => "assembly_output",
        }
    }
}

/// Value Entry "Entry Type" (cost entry type, enum 104).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum CostEntryType {
    DirectCost,
    Revaluation,
    Rounding,
    IndirectCost,
    Variance,
}

impl CostEntryType {
    pub fn as_str(self) -> &'static str {
        match self {
            CostEntryType::DirectCost => "direct_cost",
            CostEntryType::Revaluation => "revaluation",
            CostEntryType::Rounding => "rounding",
            CostEntryType::IndirectCost => "indirect_cost",
            CostEntryType::Variance => "variance",
        }
    }
}

/// Value Entry "Variance Type" (enum 106); only set when the entry type is Variance.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum VarianceType {
    Purchase,
    Material,
    Capacity,
    CapacityOverhead,
    ManufacturingOverhead,
    Subcontracted,
}

/// Item Ledger Entry (table 32): one physical movement of an item at a location.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemLedgerEntry {
    pub entry_no: u64,
    pub item: ItemId,
    pub location: LocationId,
    pub variant_code: Code,
    pub posting_date: NaiveDate,
    pub entry_type: ItemLedgerEntryType,
    pub document_no: Code,
    pub external_document_no: Option<Code>,
    pub serial_no: Option<Code>,
    /// Signed: positive inbound, negative outbound.
    pub quantity: Decimal,
    /// Part not yet matched by applications; same sign as `quantity`.
    pub remaining_quantity: Decimal,
    /// Signed like `quantity`: the sum of the invoiced quantities of its direct-cost,
    /// non-item-charge value entries.
    pub invoiced_quantity: Decimal,
    /// Invoiced quantity equals quantity (transfers take it from their source entries).
    pub completely_invoiced: bool,
    pub last_invoice_date: Option<NaiveDate>,
    /// Fixed application target (an outbound's applies-to or an inbound's applies-from).
    pub applies_to_entry: Option<u64>,
    /// Dirty flag for cost forwarding (spec §5.2).
    pub applied_entry_to_adjust: bool,
    /// Outbound bookkeeping for returns: shipped quantity not yet returned (signed like quantity).
    pub shipped_qty_not_returned: Decimal,
    pub gen_bus_posting_group: Code,
    pub dimension_set: DimensionSetId,
    /// The journal line that created the entry.
    pub source_line: LineRef,
}

impl ItemLedgerEntry {
    pub fn is_positive(&self) -> bool {
        self.quantity > Decimal::ZERO
    }

    /// Open ⇔ remaining quantity ≠ 0.
    pub fn is_open(&self) -> bool {
        !self.remaining_quantity.is_zero()
    }
}

/// Interned set of dimensions; `DimensionSetId(0)` is the empty set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct DimensionSetId(pub u32);

/// Value Entry (table 5802): one cost amount on an item ledger entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueEntry {
    pub entry_no: u64,
    pub item: ItemId,
    pub item_ledger_entry_no: u64,
    pub item_ledger_entry_type: ItemLedgerEntryType,
    pub entry_type: CostEntryType,
    pub variance_type: Option<VarianceType>,
    pub posting_date: NaiveDate,
    pub valuation_date: NaiveDate,
    /// Carries only not-yet-invoiced cost (receipt, shipment, expected-cost adjustment).
    pub expected_cost: bool,
    pub valued_quantity: Decimal,
    pub invoiced_quantity: Decimal,
    /// The ILE quantity on the first value entry of the ILE, 0 on every later one.
    pub item_ledger_entry_quantity: Decimal,
    pub cost_per_unit: Decimal,
    pub cost_amount_expected: Decimal,
    pub cost_amount_actual: Decimal,
    pub cost_amount_non_invtbl: Decimal,
    pub expected_cost_posted_to_gl: Decimal,
    pub cost_posted_to_gl: Decimal,
    pub sales_amount_expected: Decimal,
    pub sales_amount_actual: Decimal,
    pub purchase_amount_expected: Decimal,
    pub purchase_amount_actual: Decimal,
    pub adjustment: bool,
    /// On adjustment entries: the adjusted value entry. On revaluations: the balanced one.
    pub applies_to_entry: Option<u64>,
    pub valued_by_average_cost: bool,
    pub partial_revaluation: bool,
    pub inventoriable: bool,
    pub item_charge_no: Option<Code>,
    pub location: LocationId,
    pub variant_code: Code,
    pub inventory_posting_group: Code,
    pub gen_bus_posting_group: Code,
    pub gen_prod_posting_group: Code,
    pub document_no: Code,
    pub external_document_no: Option<Code>,
    pub dimension_set: DimensionSetId,
    /// The journal line that created the entry (the adjustment run for adjustments).
    pub source_line: LineRef,
}

impl ValueEntry {
    /// Sets the informational cost per unit from the amounts and the valued quantity.
    pub(crate) fn set_cost_per_unit(&mut self, rounding: &crate::money::Rounding) {
        if !self.valued_quantity.is_zero() {
            let amount = self.cost_amount_actual + self.cost_amount_expected;
            self.cost_per_unit = rounding.unit_amount(amount / self.valued_quantity);
        }
    }

    /// Direct cost, not an item charge: the entries whose invoiced quantity counts.
    pub fn is_direct_non_charge(&self) -> bool {
        self.entry_type == CostEntryType::DirectCost && self.item_charge_no.is_none()
    }
}

/// Item Application Entry (table 339): a quantity or cost link between inbound and outbound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemApplicationEntry {
    pub entry_no: u64,
    /// The entry whose posting created this row.
    pub item_ledger_entry_no: u64,
    pub inbound_item_entry_no: u64,
    /// 0 for the self-row of an inbound.
    pub outbound_item_entry_no: u64,
    /// Negative on outbound rows and negative-inventory fills; positive on self-rows and cost
    /// applications.
    pub quantity: Decimal,
    pub posting_date: NaiveDate,
    /// For transfer-in rows: the origin inbound entry whose cost the transfer carries.
    pub transferred_from_entry_no: Option<u64>,
    /// Cost may be forwarded through this link.
    pub cost_application: bool,
    /// The row was made because one side named the other (applies-to / applies-from).
    pub fixed: bool,
}

impl ItemApplicationEntry {
    /// A row that moves quantity (every row but the cost-only applies-from row).
    pub fn is_quantity_application(&self) -> bool {
        self.outbound_item_entry_no != 0 && self.quantity < Decimal::ZERO
    }
}
