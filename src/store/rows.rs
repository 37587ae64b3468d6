//! Entries as table rows: the one conversion between the books and the store's columns, used
//! to write a batch and, by `verify`, to compare a replay with what is stored.
//!
//! Reading a stored row back gives exactly the [`Row`] that [`rows_of`] makes for the same entry,
//! so a replay and the store compare cell by cell. The column lists here are the stored columns,
//! in order, after the key column; the store adds `batch_id` (and derived columns) of its own.
//!
//! Money is never a float: amounts are INTEGER minor units at the company's amount scale,
//! quantities INTEGER at [`QUANTITY_SCALE`], a cost per unit canonical decimal TEXT. A value that
//! does not fit its scale exactly is [`StoreError::Inexact`]: the batch is refused, never
//! truncated.

use std::fmt::Write as _;
use std::ops::Range;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::books::Books;
use crate::config::CompanyConfig;
use crate::glpost::{GlEntry, GlRegisterSource};
use crate::ledger::{ItemApplicationEntry, ItemLedgerEntry, Ledger, ValueEntry, VarianceType};
use crate::money::without_negative_zero;

use super::{StoreError, StoreMarks};

/// Quantities are stored as INTEGER × 10^5 (BC's unit-of-measure precision).
pub const QUANTITY_SCALE: u32 = 5;

/// A table of the store that holds entries or their status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryTable {
    ItemLedgerEntry,
    ItemLedgerEntryStatus,
    ValueEntry,
    ValueEntryStatus,
    ItemApplicationEntry,
    DimensionSetEntry,
    GlEntry,
    GlItemLedgerRelation,
    GlRegister,
    GlQueue,
}

const ITEM_LEDGER_ENTRY_COLUMNS: &[&str] = &[
    "item_no",
    "location_code",
    "variant_code",
    "posting_date",
    "entry_type",
    "document_no",
    "external_document_no",
    "serial_no",
    "quantity",
    "applies_to_entry",
    "gen_bus_posting_group",
    "dimension_set_id",
    "source_file",
    "source_line",
];

const ITEM_LEDGER_ENTRY_STATUS_COLUMNS: &[&str] = &[
    "remaining_quantity",
    "invoiced_quantity",
    "completely_invoiced",
    "last_invoice_date",
    "applied_entry_to_adjust",
    "shipped_qty_not_returned",
];

const VALUE_ENTRY_COLUMNS: &[&str] = &[
    "item_no",
    "item_ledger_entry_no",
    "item_ledger_entry_type",
    "entry_type",
    "variance_type",
    "posting_date",
    "expected_cost",
    "valued_quantity",
    "invoiced_quantity",
    "item_ledger_entry_quantity",
    "cost_per_unit",
    "cost_amount_expected",
    "cost_amount_actual",
    "cost_amount_non_invtbl",
    "sales_amount_expected",
    "sales_amount_actual",
    "purchase_amount_expected",
    "purchase_amount_actual",
    "adjustment",
    "applies_to_entry",
    "valued_by_average_cost",
    "partial_revaluation",
    "inventoriable",
    "item_charge_no",
    "location_code",
    "variant_code",
    "inventory_posting_group",
    "gen_bus_posting_group",
    "gen_prod_posting_group",
    "document_no",
    "external_document_no",
    "dimension_set_id",
    "source_file",
    "source_line",
];

const VALUE_ENTRY_STATUS_COLUMNS: &[&str] = &[
    "valuation_date",
    "expected_cost_posted_to_gl",
    "cost_posted_to_gl",
];

const ITEM_APPLICATION_ENTRY_COLUMNS: &[&str] = &[
    "item_ledger_entry_no",
    "inbound_item_entry_no",
    "outbound_item_entry_no",
    "quantity",
    "posting_date",
    "transferred_from_entry_no",
    "cost_application",
    "fixed",
];

const DIMENSION_SET_ENTRY_COLUMNS: &[&str] = &["dimension_code", "dimension_value_code"];

const GL_ENTRY_COLUMNS: &[&str] = &[
    "transaction_no",
    "register_no",
    "posting_date",
    "document_no",
    "external_document_no",
    "account_no",
    "account_role",
    "amount",
    "dimension_set_id",
    "description",
    "rule_set_hash",
    "rule_file",
    "rule_function",
    "rule_key",
];

/// The last columns of a G/L entry row name the rule that chose its account; the SQLite store
/// keeps each such rule once (`gl_entry_rule`) and the G/L entry refers to it.
pub const GL_ENTRY_RULE_COLUMNS: usize = 4;

const GL_RELATION_COLUMNS: &[&str] = &["gl_entry_no", "value_entry_no", "register_no"];

const GL_REGISTER_COLUMNS: &[&str] = &["source", "from_entry_no", "to_entry_no"];

impl EntryTable {
    /// Every table, in the order a batch writes them (entries before their status rows).
    pub const ALL: [EntryTable; 10] = [
        EntryTable::DimensionSetEntry,
        EntryTable::ItemLedgerEntry,
        EntryTable::ItemLedgerEntryStatus,
        EntryTable::ValueEntry,
        EntryTable::ValueEntryStatus,
        EntryTable::ItemApplicationEntry,
        EntryTable::GlRegister,
        EntryTable::GlEntry,
        EntryTable::GlItemLedgerRelation,
        EntryTable::GlQueue,
    ];

    /// The table's name in the database.
    pub fn sql_name(self) -> &'static str {
        match self {
            EntryTable::ItemLedgerEntry => "item_ledger_entry",
            EntryTable::ItemLedgerEntryStatus => "item_ledger_entry_status",
            EntryTable::ValueEntry => "value_entry",
            EntryTable::ValueEntryStatus => "value_entry_status",
            EntryTable::ItemApplicationEntry => "item_application_entry",
            EntryTable::DimensionSetEntry => "dimension_set_entry",
            EntryTable::GlEntry => "gl_entry",
            EntryTable::GlItemLedgerRelation => "gl_item_ledger_relation",
            EntryTable::GlRegister => "gl_register",
            EntryTable::GlQueue => "gl_posting_queue",
        }
    }

    /// The column holding [`Row::key`].
    pub fn key_column(self) -> &'static str {
        match self {
            EntryTable::DimensionSetEntry => "dimension_set_id",
            EntryTable::GlItemLedgerRelation => "relation_no",
            EntryTable::GlRegister => "register_no",
            EntryTable::GlQueue => "value_entry_no",
            _ => "entry_no",
        }
    }

    /// The columns of [`Row::values`], in order (the key column is not among them).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            EntryTable::ItemLedgerEntry => ITEM_LEDGER_ENTRY_COLUMNS,
            EntryTable::ItemLedgerEntryStatus => ITEM_LEDGER_ENTRY_STATUS_COLUMNS,
            EntryTable::ValueEntry => VALUE_ENTRY_COLUMNS,
            EntryTable::ValueEntryStatus => VALUE_ENTRY_STATUS_COLUMNS,
            EntryTable::ItemApplicationEntry => ITEM_APPLICATION_ENTRY_COLUMNS,
            EntryTable::DimensionSetEntry => DIMENSION_SET_ENTRY_COLUMNS,
            EntryTable::GlEntry => GL_ENTRY_COLUMNS,
            EntryTable::GlItemLedgerRelation => GL_RELATION_COLUMNS,
            EntryTable::GlRegister => GL_REGISTER_COLUMNS,
            EntryTable::GlQueue => &[],
        }
    }

    /// The table's length in `marks`: rows at positions `before..after` are a batch's new rows.
    /// Status tables and the queue follow their entry table.
    pub fn mark(self, marks: &StoreMarks) -> u64 {
        match self {
            EntryTable::ItemLedgerEntry | EntryTable::ItemLedgerEntryStatus => {
                marks.item_ledger_entries
            }
            EntryTable::ValueEntry | EntryTable::ValueEntryStatus | EntryTable::GlQueue => {
                marks.value_entries
            }
            EntryTable::ItemApplicationEntry => marks.item_application_entries,
            EntryTable::DimensionSetEntry => marks.dimension_sets,
            EntryTable::GlEntry => marks.gl_entries,
            EntryTable::GlItemLedgerRelation => marks.gl_relations,
            EntryTable::GlRegister => marks.gl_registers,
        }
    }
}

/// One column value as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RowValue {
    Null,
    Integer(i64),
    Text(String),
}

/// One row: its table, its key (entry no) and its values in the table's column order.
///
/// A dimension set has one row per dimension, all with the set's id as key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub table: EntryTable,
    pub key: u64,
    pub values: Vec<RowValue>,
}

/// The fixed scales of the store's INTEGER columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scales {
    /// Decimals of amounts: 2 stores 12.34 as 1234.
    pub amount: u32,
    /// Decimals of quantities ([`QUANTITY_SCALE`]).
    pub quantity: u32,
}

impl Scales {
    /// The scales for a company: amounts keep the decimals of its amount rounding precision,
    /// at least 2.
    pub fn for_config(config: &CompanyConfig) -> Scales {
        Scales::with_amount_scale(config.rounding.amount_precision.normalize().scale().max(2))
    }

    pub fn with_amount_scale(amount: u32) -> Scales {
        Scales {
            amount,
            quantity: QUANTITY_SCALE,
        }
    }
}

/// Which rows of a table to make.
#[derive(Debug, Clone)]
pub enum RowKeys<'a> {
    /// Table positions `start..end`, counted as in [`StoreMarks`] ([`EntryTable::mark`]): the
    /// entries numbered `start + 1 ..= end`, the dimension sets `start..end`, the queued value
    /// entries numbered `start + 1 ..= end`.
    Positions(Range<u64>),
    /// The listed entry numbers (status rows of changed entries; queued entries).
    Entries(&'a [u64]),
}

impl RowKeys<'_> {
    /// Every row of `table` in `books`.
    pub fn all(books: &Books, table: EntryTable) -> RowKeys<'static> {
        RowKeys::Positions(0..table.mark(&StoreMarks::of(books)))
    }
}

/// Checks that every entry the books gained since `before` fits the store's columns at
/// `scales`, writing nothing: what `commit_batch` would refuse with [`StoreError::Inexact`].
/// `post --dry-run` runs it after each journal, so a batch the store would refuse is refused
/// in memory too.
pub fn check_new_rows_fit(
    books: &Books,
    before: &StoreMarks,
    scales: Scales,
) -> Result<(), StoreError> {
    let now = StoreMarks::of(books);
    for table in [
        EntryTable::ItemLedgerEntry,
        EntryTable::ItemLedgerEntryStatus,
        EntryTable::ValueEntry,
        EntryTable::ValueEntryStatus,
        EntryTable::ItemApplicationEntry,
        EntryTable::GlEntry,
    ] {
        let keys = RowKeys::Positions(table.mark(before)..table.mark(&now));
        // Only numbers can fail to fit: texts and dates are not written (a fifth of a dry run
        // went into formatting texts nobody reads).
        walk_rows(
            books,
            table,
            keys,
            Cells::numbers_only(table, scales),
            &mut |_, _| Ok(()),
        )?;
    }
    Ok(())
}

/// The rows of `table` for `keys`, in key order.
pub fn rows_of(
    books: &Books,
    table: EntryTable,
    keys: RowKeys<'_>,
    scales: Scales,
) -> Result<Vec<Row>, StoreError> {
    let mut rows = Vec::new();
    visit_rows(books, table, keys, scales, &mut |key, values| {
        rows.push(Row {
            table,
            key,
            values: values.to_vec(),
        });
        Ok(())
    })?;
    Ok(rows)
}

/// What [`visit_rows`] calls with each row's key and values.
pub type RowVisitor<'v> = dyn FnMut(u64, &[RowValue]) -> Result<(), StoreError> + 'v;

/// Calls `visit` with the key and values of every row [`rows_of`] would make, reusing one value
/// buffer (the writer binds them without copying).
pub fn visit_rows(
    books: &Books,
    table: EntryTable,
    keys: RowKeys<'_>,
    scales: Scales,
    visit: &mut RowVisitor<'_>,
) -> Result<(), StoreError> {
    walk_rows(books, table, keys, Cells::new(table, scales), visit)
}

fn walk_rows(
    books: &Books,
    table: EntryTable,
    keys: RowKeys<'_>,
    mut cells: Cells,
    visit: &mut RowVisitor<'_>,
) -> Result<(), StoreError> {
    let ledger = &books.ledger;
    let general_ledger = &books.general_ledger;
    match table {
        EntryTable::ItemLedgerEntry | EntryTable::ItemLedgerEntryStatus => {
            for (key, entry) in select(ledger.item_ledger_entries(), &keys, 1) {
                cells.start(key);
                if table == EntryTable::ItemLedgerEntry {
                    item_ledger_entry(&mut cells, ledger, entry)?;
                } else {
                    item_ledger_entry_status(&mut cells, entry)?;
                }
                visit(key, cells.values())?;
            }
        }
        EntryTable::ValueEntry | EntryTable::ValueEntryStatus => {
            for (key, entry) in select(ledger.value_entries(), &keys, 1) {
                cells.start(key);
                if table == EntryTable::ValueEntry {
                    value_entry(&mut cells, ledger, entry)?;
                } else {
                    value_entry_status(&mut cells, entry)?;
                }
                visit(key, cells.values())?;
            }
        }
        EntryTable::ItemApplicationEntry => {
            for (key, entry) in select(ledger.item_application_entries(), &keys, 1) {
                cells.start(key);
                item_application_entry(&mut cells, entry)?;
                visit(key, cells.values())?;
            }
        }
        EntryTable::DimensionSetEntry => {
            for (key, dimensions) in select(ledger.dimension_sets(), &keys, 0) {
                for (code, value) in dimensions {
                    cells.start(key);
                    cells.text(code);
                    cells.text(value);
                    visit(key, cells.values())?;
                }
            }
        }
        EntryTable::GlEntry => {
            for (key, entry) in select(general_ledger.entries(), &keys, 1) {
                cells.start(key);
                gl_entry(&mut cells, ledger, entry)?;
                visit(key, cells.values())?;
            }
        }
        EntryTable::GlItemLedgerRelation => {
            for (key, relation) in select(general_ledger.relations(), &keys, 1) {
                cells.start(key);
                cells.number(relation.gl_entry_no)?;
                cells.number(relation.value_entry_no)?;
                cells.number(relation.register_no)?;
                visit(key, cells.values())?;
            }
        }
        EntryTable::GlRegister => {
            for (key, register) in select(general_ledger.registers(), &keys, 1) {
                cells.start(key);
                cells.text(register_source_name(register.source));
                cells.number(register.gl_entry_nos.start)?;
                cells.number(register.gl_entry_nos.end.saturating_sub(1))?;
                visit(key, cells.values())?;
            }
        }
        EntryTable::GlQueue => {
            let queue = general_ledger.queue();
            let queued: Box<dyn Iterator<Item = u64>> = match &keys {
                RowKeys::Positions(range) if range.start < range.end => {
                    Box::new(queue.range(range.start + 1..=range.end).copied())
                }
                RowKeys::Positions(_) => Box::new(std::iter::empty()),
                RowKeys::Entries(list) => {
                    Box::new(list.iter().copied().filter(|no| queue.contains(no)))
                }
            };
            for key in queued {
                visit(key, &[])?;
            }
        }
    }
    Ok(())
}

/// `(key, item)` for the selected positions or numbers; `first` is the key of position 0.
fn select<'b, T>(
    items: &'b [T],
    keys: &RowKeys<'_>,
    first: u64,
) -> Box<dyn Iterator<Item = (u64, &'b T)> + 'b> {
    match keys {
        RowKeys::Positions(range) => {
            let len = items.len() as u64;
            let (start, end) = (range.start.min(len), range.end.min(len));
            Box::new(
                items[start as usize..end as usize]
                    .iter()
                    .zip(start..)
                    .map(move |(item, position)| (position + first, item)),
            )
        }
        RowKeys::Entries(list) => {
            let list: Vec<u64> = list.to_vec();
            Box::new(list.into_iter().filter_map(move |key| {
                let position = key.checked_sub(first)?;
                items.get(position as usize).map(|item| (key, item))
            }))
        }
    }
}

fn item_ledger_entry(
    cells: &mut Cells,
    ledger: &Ledger,
    entry: &ItemLedgerEntry,
) -> Result<(), StoreError> {
    cells.text(ledger.item_no(entry.item));
    cells.text(ledger.location_code(entry.location));
    cells.text(&entry.variant_code);
    cells.date(entry.posting_date);
    cells.text(entry.entry_type.as_str());
    cells.text(&entry.document_no);
    cells.optional_text(entry.external_document_no.as_deref());
    cells.optional_text(entry.serial_no.as_deref());
    cells.quantity(entry.quantity)?;
    cells.optional_number(entry.applies_to_entry)?;
    cells.text(&entry.gen_bus_posting_group);
    cells.number(u64::from(entry.dimension_set.0))?;
    cells.text(&entry.source_line.file);
    cells.number(u64::from(entry.source_line.line))
}

fn item_ledger_entry_status(cells: &mut Cells, entry: &ItemLedgerEntry) -> Result<(), StoreError> {
    cells.quantity(entry.remaining_quantity)?;
    cells.quantity(entry.invoiced_quantity)?;
    cells.flag(entry.completely_invoiced);
    cells.optional_date(entry.last_invoice_date);
    cells.flag(entry.applied_entry_to_adjust);
    cells.quantity(entry.shipped_qty_not_returned)
}

fn value_entry(cells: &mut Cells, ledger: &Ledger, entry: &ValueEntry) -> Result<(), StoreError> {
    cells.text(ledger.item_no(entry.item));
    cells.number(entry.item_ledger_entry_no)?;
    cells.text(entry.item_ledger_entry_type.as_str());
    cells.text(entry.entry_type.as_str());
    cells.optional_text(entry.variance_type.map(variance_type_name));
    cells.date(entry.posting_date);
    cells.flag(entry.expected_cost);
    cells.quantity(entry.valued_quantity)?;
    cells.quantity(entry.invoiced_quantity)?;
    cells.quantity(entry.item_ledger_entry_quantity)?;
    cells.decimal_text(entry.cost_per_unit);
    for amount in [
        entry.cost_amount_expected,
        entry.cost_amount_actual,
        entry.cost_amount_non_invtbl,
        entry.sales_amount_expected,
        entry.sales_amount_actual,
        entry.purchase_amount_expected,
        entry.purchase_amount_actual,
    ] {
        cells.amount(amount)?;
    }
    cells.flag(entry.adjustment);
    cells.optional_number(entry.applies_to_entry)?;
    cells.flag(entry.valued_by_average_cost);
    cells.flag(entry.partial_revaluation);
    cells.flag(entry.inventoriable);
    cells.optional_text(entry.item_charge_no.as_deref());
    cells.text(ledger.location_code(entry.location));
    cells.text(&entry.variant_code);
    cells.text(&entry.inventory_posting_group);
    cells.text(&entry.gen_bus_posting_group);
    cells.text(&entry.gen_prod_posting_group);
    cells.text(&entry.document_no);
    cells.optional_text(entry.external_document_no.as_deref());
    cells.number(u64::from(entry.dimension_set.0))?;
    cells.text(&entry.source_line.file);
    cells.number(u64::from(entry.source_line.line))
}

fn value_entry_status(cells: &mut Cells, entry: &ValueEntry) -> Result<(), StoreError> {
    cells.date(entry.valuation_date);
    cells.amount(entry.expected_cost_posted_to_gl)?;
    cells.amount(entry.cost_posted_to_gl)
}

fn item_application_entry(
    cells: &mut Cells,
    entry: &ItemApplicationEntry,
) -> Result<(), StoreError> {
    cells.number(entry.item_ledger_entry_no)?;
    cells.number(entry.inbound_item_entry_no)?;
    cells.number(entry.outbound_item_entry_no)?;
    cells.quantity(entry.quantity)?;
    cells.date(entry.posting_date);
    cells.optional_number(entry.transferred_from_entry_no)?;
    cells.flag(entry.cost_application);
    cells.flag(entry.fixed);
    Ok(())
}

fn gl_entry(cells: &mut Cells, ledger: &Ledger, entry: &GlEntry) -> Result<(), StoreError> {
    cells.number(entry.transaction_no)?;
    cells.number(entry.register_no)?;
    cells.date(entry.posting_date);
    cells.text(&entry.document_no);
    cells.optional_text(entry.external_document_no.as_deref());
    cells.text(&entry.account_no);
    cells.text(entry.account_role.name());
    cells.amount(entry.amount)?;
    cells.number(u64::from(entry.dimension_set.0))?;
    cells.text_of(|| entry.description.text(ledger));
    let provenance = &entry.provenance;
    cells.text(&provenance.rule_set_hash);
    cells.text(&provenance.rule_file);
    cells.text(&provenance.rule_function);
    cells.text(&provenance.key);
    Ok(())
}

/// The stored name of a variance type.
pub fn variance_type_name(variance_type: VarianceType) -> &'static str {
    match variance_type {
        VarianceType::Purchase => "purchase",
        VarianceType::Material => "material",
        VarianceType::Capacity => "capacity",
        VarianceType::CapacityOverhead => "capacity_overhead",
        VarianceType::ManufacturingOverhead => "manufacturing_overhead",
        VarianceType::Subcontracted => "subcontracted",
    }
}

/// The stored name of a G/L register's source.
pub fn register_source_name(source: GlRegisterSource) -> &'static str {
    match source {
        GlRegisterSource::JournalBatch => "journal_batch",
        GlRegisterSource::PostInventoryCost => "post_inventory_cost",
        GlRegisterSource::CostAdjustment => "cost_adjustment",
        GlRegisterSource::Reclassification => "reclassification",
    }
}

/// `value` as an integer count of `10^-scale` steps, when it is one exactly and fits in i64.
pub fn scaled_integer(value: Decimal, scale: u32) -> Option<i64> {
    // The common case, no more decimals than the column: the mantissa times a power of ten.
    if let Some(more) = scale.checked_sub(value.scale()) {
        let factor = 10i128.checked_pow(more)?;
        return i64::try_from(value.mantissa().checked_mul(factor)?).ok();
    }
    let mut scaled = value;
    scaled.rescale(scale);
    if scaled.scale() != scale || scaled != value {
        return None;
    }
    i64::try_from(scaled.mantissa()).ok()
}

/// The value of a stored integer at `scale`.
pub fn from_scaled_integer(value: i64, scale: u32) -> Decimal {
    Decimal::new(value, scale)
}

/// The canonical text of a decimal: no trailing zeros, no negative zero.
pub fn canonical_decimal(value: Decimal) -> String {
    without_negative_zero(value).normalize().to_string()
}

/// The values of the row being made, kept between rows so that text cells reuse their buffers.
struct Cells {
    table: EntryTable,
    columns: &'static [&'static str],
    scales: Scales,
    key: u64,
    values: Vec<RowValue>,
    len: usize,
    /// Texts and dates are left NULL: the row is only checked to fit.
    numbers_only: bool,
}

impl Cells {
    fn new(table: EntryTable, scales: Scales) -> Cells {
        let columns = table.columns();
        Cells {
            table,
            columns,
            scales,
            key: 0,
            values: Vec::with_capacity(columns.len()),
            len: 0,
            numbers_only: false,
        }
    }

    fn numbers_only(table: EntryTable, scales: Scales) -> Cells {
        Cells {
            numbers_only: true,
            ..Cells::new(table, scales)
        }
    }

    fn start(&mut self, key: u64) {
        self.key = key;
        self.len = 0;
    }

    fn values(&self) -> &[RowValue] {
        debug_assert_eq!(self.len, self.columns.len(), "{:?} row width", self.table);
        &self.values[..self.len]
    }

    fn slot(&mut self) -> &mut RowValue {
        if self.len == self.values.len() {
            self.values.push(RowValue::Null);
        }
        self.len += 1;
        &mut self.values[self.len - 1]
    }

    /// The cell about to be written, for error messages.
    fn column(&self) -> &'static str {
        self.columns.get(self.len).copied().unwrap_or("?")
    }

    fn text_buffer(&mut self) -> &mut String {
        let slot = self.slot();
        if !matches!(slot, RowValue::Text(_)) {
            *slot = RowValue::Text(String::new());
        }
        match slot {
            RowValue::Text(buffer) => {
                buffer.clear();
                buffer
            }
            _ => unreachable!("the slot was just made text"),
        }
    }

    fn text(&mut self, text: &str) {
        if self.numbers_only {
            *self.slot() = RowValue::Null;
            return;
        }
        self.text_buffer().push_str(text);
    }

    /// A text made only when the row is written.
    fn text_of(&mut self, text: impl FnOnce() -> String) {
        if self.numbers_only {
            *self.slot() = RowValue::Null;
            return;
        }
        self.text_buffer().push_str(&text());
    }

    fn optional_text(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.text(text),
            None => *self.slot() = RowValue::Null,
        }
    }

    fn date(&mut self, date: NaiveDate) {
        if self.numbers_only {
            *self.slot() = RowValue::Null;
            return;
        }
        let buffer = self.text_buffer();
        // `NaiveDate`'s Display is ISO `YYYY-MM-DD`, written directly (a strftime pattern is
        // parsed again for every call: 15% of a dry run once).
        write!(buffer, "{date}").expect("writing to a string");
    }

    fn optional_date(&mut self, date: Option<NaiveDate>) {
        match date {
            Some(date) => self.date(date),
            None => *self.slot() = RowValue::Null,
        }
    }

    fn flag(&mut self, flag: bool) {
        *self.slot() = RowValue::Integer(i64::from(flag));
    }

    fn number(&mut self, number: u64) -> Result<(), StoreError> {
        match i64::try_from(number) {
            Ok(number) => {
                *self.slot() = RowValue::Integer(number);
                Ok(())
            }
            Err(_) => Err(self.inexact(number.to_string(), 0)),
        }
    }

    fn optional_number(&mut self, number: Option<u64>) -> Result<(), StoreError> {
        match number {
            Some(number) => self.number(number),
            None => {
                *self.slot() = RowValue::Null;
                Ok(())
            }
        }
    }

    fn scaled(&mut self, value: Decimal, scale: u32) -> Result<(), StoreError> {
        match scaled_integer(value, scale) {
            Some(integer) => {
                *self.slot() = RowValue::Integer(integer);
                Ok(())
            }
            None => Err(self.inexact(value.to_string(), scale)),
        }
    }

    fn amount(&mut self, value: Decimal) -> Result<(), StoreError> {
        self.scaled(value, self.scales.amount)
    }

    fn quantity(&mut self, value: Decimal) -> Result<(), StoreError> {
        self.scaled(value, self.scales.quantity)
    }

    fn decimal_text(&mut self, value: Decimal) {
        if self.numbers_only {
            *self.slot() = RowValue::Null;
            return;
        }
        let buffer = self.text_buffer();
        write!(buffer, "{}", without_negative_zero(value).normalize()).expect("writing");
    }

    fn inexact(&self, value: String, scale: u32) -> StoreError {
        StoreError::Inexact {
            table: self.table.sql_name(),
            entry_no: self.key,
            column: self.column(),
            value,
            scale,
        }
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn amounts_scale_exactly_or_not_at_all() {
        assert_eq!(scaled_integer(dec!(12.34), 2), Some(1234));
        assert_eq!(scaled_integer(dec!(-0.5), 2), Some(-50));
        assert_eq!(scaled_integer(dec!(12.340000), 2), Some(1234));
        assert_eq!(scaled_integer(dec!(12.345), 2), None);
        assert_eq!(scaled_integer(dec!(1.000005), 5), None);
        assert_eq!(scaled_integer(dec!(99999999999999999999), 2), None);
        assert_eq!(scaled_integer(dec!(7), 5), Some(700000));
        assert_eq!(scaled_integer(dec!(-0.00), 2), Some(0));
        assert_eq!(
            scaled_integer(dec!(92233720368547758.07), 2),
            Some(i64::MAX)
        );
        assert_eq!(scaled_integer(dec!(92233720368547758.08), 2), None);
        assert_eq!(scaled_integer(dec!(922337203685477580.8), 1), None);
        assert_eq!(from_scaled_integer(-1234, 2), dec!(-12.34));
    }

    #[test]
    fn cost_per_unit_text_is_canonical() {
        assert_eq!(canonical_decimal(dec!(12.50000)), "12.5");
        assert_eq!(canonical_decimal(dec!(-0.000)), "0");
        assert_eq!(canonical_decimal(dec!(3.333333333)), "3.333333333");
    }

    #[test]
    fn every_table_has_a_distinct_name_and_the_write_order_covers_all() {
        let mut names: Vec<&str> = EntryTable::ALL.iter().map(|t| t.sql_name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 10);
    }
}
