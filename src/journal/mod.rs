//! Journal lines: the postings stockpost accepts as input.
//!
//! A journal (one CSV or JSON Lines file) is one batch: it posts whole or not at all. The
//! parsers in [`csv`] and [`jsonl`] turn text into [`JournalLine`]s with the source file and line
//! number attached, so that every later error can name them. The format is documented in
//! `docs/journal.md`.

pub mod csv;
mod decode;
mod fields;
pub mod jsonl;
pub mod limits;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// Where a journal line came from: file name and 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LineRef {
    pub file: Arc<str>,
    pub line: u32,
}

impl fmt::Display for LineRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// Dimensions of a line: dimension code to dimension value, for example `DEPARTMENT = "SALES"`.
pub type Dimensions = BTreeMap<String, String>;

/// One posting, with the fields every kind shares.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalLine {
    pub source: LineRef,
    pub posting_date: NaiveDate,
    pub document_no: String,
    pub external_document_no: Option<String>,
    /// General business posting group of the vendor or customer (blank for item journal lines).
    pub gen_bus_posting_group: String,
    pub serial_no: Option<String>,
    pub dimensions: Dimensions,
    pub kind: JournalLineKind,
}

/// What a journal line does. Quantities are positive; the kind gives the direction.
#[derive(Debug, Clone, PartialEq)]
pub enum JournalLineKind {
    /// Purchase receipt and invoice together: one inbound entry valued at actual cost.
    Purchase {
        item: String,
        location: String,
        quantity: Decimal,
        cost: LineCost,
    },
    /// Purchase receipt only: one inbound entry valued at expected cost.
    PurchaseReceipt {
        item: String,
        location: String,
        quantity: Decimal,
        direct_unit_cost: Decimal,
    },
    /// Invoice of (part of) an earlier receipt, named by its item ledger entry no.
    PurchaseInvoice {
        receipt_entry_no: u64,
        quantity: Decimal,
        cost: LineCost,
    },
    /// Return shipment and credit memo together: one outbound entry of type Purchase.
    PurchaseReturn {
        item: String,
        location: String,
        quantity: Decimal,
        /// Credit-memo direct unit cost (the amount the vendor credits).
        direct_unit_cost: Decimal,
        applies_to_entry_no: Option<u64>,
    },
    /// Shipment and invoice together: one outbound entry of type Sale.
    Sale {
        item: String,
        location: String,
        quantity: Decimal,
        unit_price: Decimal,
        applies_to_entry_no: Option<u64>,
    },
    /// Shipment only: one outbound entry valued at expected cost.
    SalesShipment {
        item: String,
        location: String,
        quantity: Decimal,
        unit_price: Decimal,
    },
    /// Invoice of (part of) an earlier shipment, named by its item ledger entry no.
    SalesInvoice {
        shipment_entry_no: u64,
        quantity: Decimal,
        unit_price: Decimal,
    },
    /// Return receipt and credit memo together: one inbound entry of type Sale. With
    /// `applies_from_entry_no` it is an exact cost reversal of that sale.
    SalesReturn {
        item: String,
        location: String,
        quantity: Decimal,
        unit_price: Decimal,
        applies_from_entry_no: Option<u64>,
    },
    /// Item journal, Positive Adjmt.
    PositiveAdjustment {
        item: String,
        location: String,
        quantity: Decimal,
        unit_cost: Decimal,
    },
    /// Item journal, Negative Adjmt.
    NegativeAdjustment {
        item: String,
        location: String,
        quantity: Decimal,
        applies_to_entry_no: Option<u64>,
    },
    /// One-step transfer (reclassification) between two locations.
    Transfer {
        item: String,
        from_location: String,
        to_location: String,
        quantity: Decimal,
    },
    /// A purchase item charge (freight, duty...) assigned to one or several item ledger entries.
    /// The amount is split over the entries by their quantity.
    ItemCharge {
        item_charge_no: String,
        amount: Decimal,
        assign_to_entry_nos: Vec<u64>,
    },
    /// Revaluation journal line, from Calculate Inventory Value on the posting date.
    Revaluation {
        item: String,
        scope: RevaluationScope,
        target: RevaluationTarget,
    },
    /// Change the item-card standard cost (no value entries).
    StandardCostChange {
        item: String,
        new_standard_cost: Decimal,
    },
}

/// How the cost of a purchase line is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineCost {
    /// Direct unit cost; the line amount is quantity × unit cost, rounded.
    DirectUnitCost(Decimal),
    /// Line amount (total direct cost of the line).
    Amount(Decimal),
}

/// What a revaluation line revalues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevaluationScope {
    /// All revaluable inbound entries of the item on the posting date, optionally only those at
    /// one location.
    Item { location: Option<String> },
    /// One inbound item ledger entry, as Calculate Inventory Value per entry computes it.
    Entry { entry_no: u64 },
    /// A hand-entered line for one inbound entry (Business Central's Applies-to Entry): its
    /// whole invoiced quantity, even when closed, from its actual cost without expected cost and
    /// partial revaluations; not partial, so every outbound applied to it gets it.
    AppliesTo { entry_no: u64 },
}

/// The revalued figure the user entered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevaluationTarget {
    /// Unit Cost (Revalued).
    UnitCost(Decimal),
    /// Inventory Value (Revalued): the new total value of the revalued quantity.
    InventoryValue(Decimal),
}

impl JournalLineKind {
    /// The snake-case name used in files and messages (`purchase_receipt`, `item_charge`...).
    pub fn name(&self) -> &'static str {
        match self {
            JournalLineKind::Purchase { .. } => "purchase",
            JournalLineKind::PurchaseReceipt { .. } => "purchase_receipt",
            JournalLineKind::PurchaseInvoice { .. } => "purchase_invoice",
            JournalLineKind::PurchaseReturn { .. } => "purchase_return",
            JournalLineKind::Sale { .. } => "sale",
            JournalLineKind::SalesShipment { .. } => "sales_shipment",
            JournalLineKind::SalesInvoice { .. } => "sales_invoice",
            JournalLineKind::SalesReturn { .. } => "sales_return",
            JournalLineKind::PositiveAdjustment { .. } => "positive_adjustment",
            JournalLineKind::NegativeAdjustment { .. } => "negative_adjustment",
            JournalLineKind::Transfer { .. } => "transfer",
            JournalLineKind::ItemCharge { .. } => "item_charge",
            JournalLineKind::Revaluation { .. } => "revaluation",
            JournalLineKind::StandardCostChange { .. } => "standard_cost_change",
        }
    }
}

/// Parses a journal, choosing the format by the file name's extension: `.csv` for CSV,
/// `.jsonl` or `.ndjson` for JSON Lines (case-insensitive).
pub fn parse_journal(file_name: &str, text: &str) -> Result<Vec<JournalLine>, JournalParseError> {
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "csv" => csv::parse_csv(file_name, text),
        "jsonl" | "ndjson" => jsonl::parse_jsonl(file_name, text),
        _ => Err(JournalParseError {
            file: file_name.to_string(),
            line: 0,
            field: String::new(),
            message: "unknown journal format: name the file *.csv, *.jsonl or *.ndjson".to_string(),
        }),
    }
}

/// The error for a journal with more than [`limits::MAX_LINES`] lines, at the first line over.
fn too_many_lines(file_name: &str, line: u32) -> JournalParseError {
    JournalParseError {
        file: file_name.to_string(),
        line,
        field: String::new(),
        message: format!(
            "the journal has more than {} lines, the most one batch may hold; split it into \
             several files (see docs/journal.md, Limits)",
            limits::MAX_LINES
        ),
    }
}

/// A journal that could not be read: the file, line and field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalParseError {
    pub file: String,
    /// 1-based physical line; 0 when the error concerns the whole file.
    pub line: u32,
    /// The field (column or JSON key) at fault; empty when the whole line is malformed.
    pub field: String,
    pub message: String,
}

impl fmt::Display for JournalParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else if self.field.is_empty() {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)
        } else {
            write!(
                f,
                "{}:{}: field `{}`: {}",
                self.file, self.line, self.field, self.message
            )
        }
    }
}

impl std::error::Error for JournalParseError {}
