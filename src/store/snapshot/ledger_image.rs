//! The costing sub-ledger as records of plain numbers: codes by string-table index, amounts and
//! dates in their compact forms. Entry numbers are not stored: entry `n` is record `n − 1`.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use serde::{Deserialize, Serialize};

use super::compact::{Day, Dec};
use super::input::{next, next_converted, Input};
use super::strings::{StringTable, Strings};
use super::SnapshotError;
use crate::config::CompanyConfig;
use crate::journal::{Dimensions, LineRef};
use crate::ledger::{
    Bucket, BucketKey, Code, CostEntryType, DimensionSetId, EntryPointKey, ItemApplicationEntry,
    ItemCostState, ItemId, ItemLedgerEntry, ItemLedgerEntryType, Ledger, LedgerParts, LocationId,
    ValueEntry, VarianceType,
};

/// Written as a whole; read field by field in this order by [`decode_ledger`].
#[derive(Serialize)]
pub(super) struct LedgerImage {
    /// The ledger's blank code, so that it stays the entries' blank variant code.
    blank: u32,
    /// Item numbers in item id order and location codes in location id order (after the blank
    /// location): after [`Ledger::change_config`] the ledger's order is not any file's order.
    item_nos: Vec<u32>,
    location_codes: Vec<u32>,
    /// The interned codes, sorted by index.
    codes: Vec<u32>,
    /// Dimension sets after the empty set 0: (code, value) pairs.
    dimension_sets: Vec<Vec<(u32, u32)>>,
    item_ledger_entries: Vec<IleRecord>,
    value_entries: Vec<VeRecord>,
    items: Vec<ItemStateRecord>,
    buckets: Vec<BucketRecord>,
    /// (item, serial no., the inbound entry holding it).
    serials_on_hand: Vec<(u32, u32, u64)>,
    entry_points: Vec<(EntryPointRecord, bool)>,
}

#[derive(Serialize, Deserialize)]
struct IleRecord {
    item: u32,
    location: u32,
    variant_code: u32,
    posting_date: Day,
    entry_type: ItemLedgerEntryType,
    document_no: u32,
    external_document_no: Option<u32>,
    serial_no: Option<u32>,
    quantity: Dec,
    remaining_quantity: Dec,
    invoiced_quantity: Dec,
    completely_invoiced: bool,
    last_invoice_date: Option<Day>,
    applies_to_entry: Option<u64>,
    applied_entry_to_adjust: bool,
    shipped_qty_not_returned: Dec,
    gen_bus_posting_group: u32,
    dimension_set: u32,
    source_line: (u32, u32),
}

#[derive(Serialize, Deserialize)]
struct VeRecord {
    item: u32,
    item_ledger_entry_no: u64,
    item_ledger_entry_type: ItemLedgerEntryType,
    entry_type: CostEntryType,
    variance_type: Option<VarianceType>,
    posting_date: Day,
    valuation_date: Day,
    expected_cost: bool,
    valued_quantity: Dec,
    invoiced_quantity: Dec,
    item_ledger_entry_quantity: Dec,
    cost_per_unit: Dec,
    cost_amount_expected: Dec,
    cost_amount_actual: Dec,
    cost_amount_non_invtbl: Dec,
    expected_cost_posted_to_gl: Dec,
    cost_posted_to_gl: Dec,
    sales_amount_expected: Dec,
    sales_amount_actual: Dec,
    purchase_amount_expected: Dec,
    purchase_amount_actual: Dec,
    /// adjustment, valued by average cost, partial revaluation, inventoriable, as bits 0..3.
    flags: u8,
    applies_to_entry: Option<u64>,
    item_charge_no: Option<u32>,
    location: u32,
    variant_code: u32,
    inventory_posting_group: u32,
    gen_bus_posting_group: u32,
    gen_prod_posting_group: u32,
    document_no: u32,
    external_document_no: Option<u32>,
    dimension_set: u32,
    source_line: (u32, u32),
}

#[derive(Serialize, Deserialize)]
pub(super) struct ApplicationRecord {
    item_ledger_entry_no: u64,
    inbound_item_entry_no: u64,
    outbound_item_entry_no: u64,
    quantity: Dec,
    posting_date: Day,
    transferred_from_entry_no: Option<u64>,
    cost_application: bool,
    fixed: bool,
}

#[derive(Serialize, Deserialize)]
struct ItemStateRecord {
    unit_cost: Dec,
    standard_cost: Dec,
    last_direct_cost: Dec,
    invoiced_quantity: Dec,
    inventory_quantity: Dec,
    inventory_cost: Dec,
    cost_is_adjusted: bool,
    allow_online_adjustment: bool,
}

#[derive(Serialize, Deserialize)]
struct BucketRecord {
    item: u32,
    location: u32,
    variant_code: u32,
    quantity: Dec,
    open_inbound: Vec<(Day, u64)>,
    open_outbound: Vec<(Day, u64)>,
}

#[derive(Serialize, Deserialize)]
struct EntryPointRecord {
    item: u32,
    location: u32,
    variant_code: u32,
    valuation_date: Day,
}

const ADJUSTMENT: u8 = 1;
const VALUED_BY_AVERAGE_COST: u8 = 2;
const PARTIAL_REVALUATION: u8 = 4;
const INVENTORIABLE: u8 = 8;

// ----- encoding ---------------------------------------------------------------------------------

pub(super) fn encode_ledger<'a>(ledger: &'a Ledger, strings: &mut StringTable<'a>) -> LedgerImage {
    let mut image = LedgerImage {
        blank: 0,
        item_nos: Vec::new(),
        location_codes: Vec::new(),
        codes: Vec::new(),
        dimension_sets: ledger.dimension_sets()[1..]
            .iter()
            .map(|set| encode_dimensions(set, strings))
            .collect(),
        item_ledger_entries: (ledger.item_ledger_entries().iter())
            .map(|entry| encode_ile(entry, strings))
            .collect(),
        value_entries: (ledger.value_entries().iter())
            .map(|entry| encode_value_entry(entry, strings))
            .collect(),
        items: (0..ledger.config().items.len())
            .map(|index| encode_item_state(ledger.item_cost_state(ItemId(index as u32))))
            .collect(),
        buckets: Vec::new(),
        serials_on_hand: Vec::new(),
        entry_points: Vec::new(),
    };
    // Texts named by every entry come first in the table (one-byte indexes); these after them.
    image.blank = strings.text("");
    image.item_nos = (ledger.config().items.iter())
        .map(|item| strings.text(&item.no))
        .collect();
    image.location_codes = (1..)
        .map_while(|id| ledger.location_code_checked(LocationId(id)))
        .map(|code| strings.text(code))
        .collect();
    // In text order, so that the table order does not depend on the set's hash order.
    let mut codes: Vec<&Code> = ledger.interned_codes().collect();
    codes.sort_unstable();
    image.codes = codes.into_iter().map(|code| strings.code(code)).collect();
    image.codes.sort_unstable();
    image.buckets = ledger
        .buckets()
        .map(|(key, bucket)| encode_bucket(key, bucket, strings))
        .collect();
    image
        .buckets
        .sort_unstable_by_key(|bucket| (bucket.item, bucket.location, bucket.variant_code));
    image.serials_on_hand = ledger
        .serials_on_hand()
        .map(|((item, serial), &holder)| (item.0, strings.code(serial), holder))
        .collect();
    image.serials_on_hand.sort_unstable();
    image.entry_points = ledger
        .entry_points()
        .iter()
        .map(|(key, &adjusted)| (encode_entry_point(key, strings), adjusted))
        .collect();
    image
}

fn encode_dimensions<'a>(set: &'a Dimensions, strings: &mut StringTable<'a>) -> Vec<(u32, u32)> {
    set.iter()
        .map(|(code, value)| (strings.text(code), strings.text(value)))
        .collect()
}

fn encode_line<'a>(line: &'a LineRef, strings: &mut StringTable<'a>) -> (u32, u32) {
    (strings.code(&line.file), line.line)
}

fn encode_ile<'a>(entry: &'a ItemLedgerEntry, strings: &mut StringTable<'a>) -> IleRecord {
    // Destructured in full, so that a new field cannot be forgotten here.
    let ItemLedgerEntry {
        entry_no: _,
        item,
        location,
        variant_code,
        posting_date,
        entry_type,
        document_no,
        external_document_no,
        serial_no,
        quantity,
        remaining_quantity,
        invoiced_quantity,
        completely_invoiced,
        last_invoice_date,
        applies_to_entry,
        applied_entry_to_adjust,
        shipped_qty_not_returned,
        gen_bus_posting_group,
        dimension_set,
        source_line,
    } = entry;
    IleRecord {
        item: item.0,
        location: location.0,
        variant_code: strings.code(variant_code),
        posting_date: Day(*posting_date),
        entry_type: *entry_type,
        document_no: strings.code(document_no),
        external_document_no: external_document_no.as_ref().map(|code| strings.code(code)),
        serial_no: serial_no.as_ref().map(|code| strings.code(code)),
        quantity: Dec(*quantity),
        remaining_quantity: Dec(*remaining_quantity),
        invoiced_quantity: Dec(*invoiced_quantity),
        completely_invoiced: *completely_invoiced,
        last_invoice_date: last_invoice_date.map(Day),
        applies_to_entry: *applies_to_entry,
        applied_entry_to_adjust: *applied_entry_to_adjust,
        shipped_qty_not_returned: Dec(*shipped_qty_not_returned),
        gen_bus_posting_group: strings.code(gen_bus_posting_group),
        dimension_set: dimension_set.0,
        source_line: encode_line(source_line, strings),
    }
}

fn encode_value_entry<'a>(entry: &'a ValueEntry, strings: &mut StringTable<'a>) -> VeRecord {
    let ValueEntry {
        entry_no: _,
        item,
        item_ledger_entry_no,
        item_ledger_entry_type,
        entry_type,
        variance_type,
        posting_date,
        valuation_date,
        expected_cost,
        valued_quantity,
        invoiced_quantity,
        item_ledger_entry_quantity,
        cost_per_unit,
        cost_amount_expected,
        cost_amount_actual,
        cost_amount_non_invtbl,
        expected_cost_posted_to_gl,
        cost_posted_to_gl,
        sales_amount_expected,
        sales_amount_actual,
        purchase_amount_expected,
        purchase_amount_actual,
        adjustment,
        applies_to_entry,
        valued_by_average_cost,
        partial_revaluation,
        inventoriable,
        item_charge_no,
        location,
        variant_code,
        inventory_posting_group,
        gen_bus_posting_group,
        gen_prod_posting_group,
        document_no,
        external_document_no,
        dimension_set,
        source_line,
    } = entry;
    let flag = |set: bool, bit: u8| if set { bit } else { 0 };
    VeRecord {
        item: item.0,
        item_ledger_entry_no: *item_ledger_entry_no,
        item_ledger_entry_type: *item_ledger_entry_type,
        entry_type: *entry_type,
        variance_type: *variance_type,
        posting_date: Day(*posting_date),
        valuation_date: Day(*valuation_date),
        expected_cost: *expected_cost,
        valued_quantity: Dec(*valued_quantity),
        invoiced_quantity: Dec(*invoiced_quantity),
        item_ledger_entry_quantity: Dec(*item_ledger_entry_quantity),
        cost_per_unit: Dec(*cost_per_unit),
        cost_amount_expected: Dec(*cost_amount_expected),
        cost_amount_actual: Dec(*cost_amount_actual),
        cost_amount_non_invtbl: Dec(*cost_amount_non_invtbl),
        expected_cost_posted_to_gl: Dec(*expected_cost_posted_to_gl),
        cost_posted_to_gl: Dec(*cost_posted_to_gl),
        sales_amount_expected: Dec(*sales_amount_expected),
        sales_amount_actual: Dec(*sales_amount_actual),
        purchase_amount_expected: Dec(*purchase_amount_expected),
        purchase_amount_actual: Dec(*purchase_amount_actual),
        flags: flag(*adjustment, ADJUSTMENT)
            | flag(*valued_by_average_cost, VALUED_BY_AVERAGE_COST)
            | flag(*partial_revaluation, PARTIAL_REVALUATION)
            | flag(*inventoriable, INVENTORIABLE),
        applies_to_entry: *applies_to_entry,
        item_charge_no: item_charge_no.as_ref().map(|code| strings.code(code)),
        location: location.0,
        variant_code: strings.code(variant_code),
        inventory_posting_group: strings.code(inventory_posting_group),
        gen_bus_posting_group: strings.code(gen_bus_posting_group),
        gen_prod_posting_group: strings.code(gen_prod_posting_group),
        document_no: strings.code(document_no),
        external_document_no: external_document_no.as_ref().map(|code| strings.code(code)),
        dimension_set: dimension_set.0,
        source_line: encode_line(source_line, strings),
    }
}

/// The item application entries, a section of their own so that they decode beside the rest.
pub(super) fn encode_applications(ledger: &Ledger) -> Vec<ApplicationRecord> {
    (ledger.item_application_entries().iter())
        .map(encode_application)
        .collect()
}

fn encode_application(entry: &ItemApplicationEntry) -> ApplicationRecord {
    let ItemApplicationEntry {
        entry_no: _,
        item_ledger_entry_no,
        inbound_item_entry_no,
        outbound_item_entry_no,
        quantity,
        posting_date,
        transferred_from_entry_no,
        cost_application,
        fixed,
    } = entry;
    ApplicationRecord {
        item_ledger_entry_no: *item_ledger_entry_no,
        inbound_item_entry_no: *inbound_item_entry_no,
        outbound_item_entry_no: *outbound_item_entry_no,
        quantity: Dec(*quantity),
        posting_date: Day(*posting_date),
        transferred_from_entry_no: *transferred_from_entry_no,
        cost_application: *cost_application,
        fixed: *fixed,
    }
}

fn encode_item_state(state: &ItemCostState) -> ItemStateRecord {
    let ItemCostState {
        unit_cost,
        standard_cost,
        last_direct_cost,
        invoiced_quantity,
        inventory_quantity,
        inventory_cost,
        cost_is_adjusted,
        allow_online_adjustment,
    } = state;
    ItemStateRecord {
        unit_cost: Dec(*unit_cost),
        standard_cost: Dec(*standard_cost),
        last_direct_cost: Dec(*last_direct_cost),
        invoiced_quantity: Dec(*invoiced_quantity),
        inventory_quantity: Dec(*inventory_quantity),
        inventory_cost: Dec(*inventory_cost),
        cost_is_adjusted: *cost_is_adjusted,
        allow_online_adjustment: *allow_online_adjustment,
    }
}

fn encode_bucket<'a>(
    key: &'a BucketKey,
    bucket: &Bucket,
    strings: &mut StringTable<'a>,
) -> BucketRecord {
    let dated = |&(date, no): &(chrono::NaiveDate, u64)| (Day(date), no);
    BucketRecord {
        item: key.item.0,
        location: key.location.0,
        variant_code: strings.code(&key.variant_code),
        quantity: Dec(bucket.quantity),
        open_inbound: bucket.open_inbound.iter().map(dated).collect(),
        open_outbound: bucket.open_outbound.iter().map(dated).collect(),
    }
}

fn encode_entry_point<'a>(
    key: &'a EntryPointKey,
    strings: &mut StringTable<'a>,
) -> EntryPointRecord {
    EntryPointRecord {
        item: key.item.0,
        location: key.location.0,
        variant_code: strings.code(&key.variant_code),
        valuation_date: Day(key.valuation_date),
    }
}

// ----- decoding ---------------------------------------------------------------------------------

/// The ledger section decoded: everything but the application entries.
pub(super) struct LedgerTables {
    parts: LedgerParts,
    /// The codes the ledger interns, to give it the same shared copies.
    known: HashMap<Code, ()>,
    item_nos: Vec<Code>,
    location_codes: Vec<Code>,
}

pub(super) fn decode_ledger_tables(
    input: &mut Input<'_>,
    strings: &Strings,
) -> Result<LedgerTables, SnapshotError> {
    let blank: u32 = next(input, "ledger blank code")?;
    let item_nos: Vec<u32> = next(input, "item numbers")?;
    let location_codes: Vec<u32> = next(input, "location codes")?;
    let codes: Vec<u32> = next(input, "ledger codes")?;
    let codes: Vec<Code> = (codes.into_iter())
        .map(|index| strings.code(index))
        .collect::<Result<_, _>>()?;
    let mut known: HashMap<Code, ()> = codes.iter().map(|code| (code.clone(), ())).collect();
    known.insert(strings.code(blank)?, ());
    let mut dimension_sets = vec![Dimensions::new()];
    let sets: Vec<Vec<(u32, u32)>> = next(input, "dimension sets")?;
    for set in sets {
        let mut dimensions = Dimensions::new();
        for (code, value) in set {
            dimensions.insert(
                strings.code(code)?.to_string(),
                strings.code(value)?.to_string(),
            );
        }
        dimension_sets.push(dimensions);
    }
    let item_ledger_entries = next_converted(input, "item ledger entries", |no, record| {
        decode_ile(no, record, strings)
    })?;
    let value_entries = next_converted(input, "value entries", |no, record| {
        decode_value_entry(no, record, strings)
    })?;
    let items: Vec<ItemStateRecord> = next(input, "item cost states")?;
    let buckets: Vec<BucketRecord> = next(input, "stock buckets")?;
    let serials_on_hand: Vec<(u32, u32, u64)> = next(input, "serial numbers on hand")?;
    let entry_points: Vec<(EntryPointRecord, bool)> = next(input, "entry points")?;
    let parts = LedgerParts {
        codes,
        dimension_sets,
        item_ledger_entries,
        value_entries,
        item_application_entries: Vec::new(),
        items: items.into_iter().map(decode_item_state).collect(),
        buckets: (buckets.into_iter())
            .map(|record| decode_bucket(record, strings))
            .collect::<Result<_, _>>()?,
        serials_on_hand: (serials_on_hand.into_iter())
            .map(|(item, serial, holder)| Ok(((ItemId(item), strings.code(serial)?), holder)))
            .collect::<Result<_, SnapshotError>>()?,
        entry_points: (entry_points.into_iter())
            .map(|(record, adjusted)| Ok((decode_entry_point(record, strings)?, adjusted)))
            .collect::<Result<BTreeMap<_, _>, SnapshotError>>()?,
    };
    Ok(LedgerTables {
        parts,
        known,
        item_nos: (item_nos.into_iter())
            .map(|index| strings.code(index))
            .collect::<Result<_, _>>()?,
        location_codes: (location_codes.into_iter())
            .map(|index| strings.code(index))
            .collect::<Result<_, _>>()?,
    })
}

pub(super) fn decode_applications(
    input: &mut Input<'_>,
) -> Result<Vec<ItemApplicationEntry>, SnapshotError> {
    next_converted(input, "item application entries", |no, record| {
        Ok(decode_application(no, record))
    })
}

/// The ledger of `config` from its decoded sections, with its indexes rebuilt. The snapshot's
/// items and locations must all be in `config`, in any order; items and locations that only
/// `config` has are added as [`Ledger::change_config`] adds them.
pub(super) fn assemble_ledger(
    tables: LedgerTables,
    applications: Vec<ItemApplicationEntry>,
    config: CompanyConfig,
) -> Result<Ledger, SnapshotError> {
    let LedgerTables {
        mut parts,
        mut known,
        item_nos,
        location_codes,
    } = tables;
    parts.item_application_entries = applications;
    let mut snapshot_config = config.clone();
    snapshot_config.items = in_snapshot_order(&config.items, &item_nos, |item| &item.no, "item")?;
    snapshot_config.locations = in_snapshot_order(
        &config.locations,
        &location_codes,
        |location| &location.code,
        "location",
    )?;
    let mut intern = |text: &str| -> Code {
        match known.get_key_value(text) {
            Some((code, _)) => code.clone(),
            None => {
                let code = Code::from(text);
                known.insert(code.clone(), ());
                code
            }
        }
    };
    let mut ledger = Ledger::from_parts(snapshot_config, parts, &mut intern)
        .map_err(|detail| SnapshotError::DoesNotFit { detail })?;
    let more = config.items.len() > item_nos.len()
        || (config.locations.iter()).any(|location| ledger.location_id(&location.code).is_none());
    if more {
        ledger
            .change_config(config)
            .map_err(|error| SnapshotError::DoesNotFit {
                detail: error.to_string(),
            })?;
    }
    Ok(ledger)
}

/// The entries of `list` named by `keys`, in the order of `keys`; an error names a key that
/// `list` lacks.
fn in_snapshot_order<T: Clone>(
    list: &[T],
    keys: &[Code],
    key_of: impl Fn(&T) -> &String,
    what: &str,
) -> Result<Vec<T>, SnapshotError> {
    let by_key: HashMap<&str, &T> = list
        .iter()
        .map(|entry| (key_of(entry).as_str(), entry))
        .collect();
    (keys.iter())
        .map(|key| match by_key.get(&**key) {
            Some(&entry) => Ok(entry.clone()),
            None => Err(SnapshotError::DoesNotFit {
                detail: format!("{what} {key} of the snapshot is not in the configuration"),
            }),
        })
        .collect()
}

fn decode_line((file, line): (u32, u32), strings: &Strings) -> Result<LineRef, SnapshotError> {
    Ok(LineRef {
        file: strings.code(file)?,
        line,
    })
}

fn decode_ile(
    entry_no: u64,
    record: IleRecord,
    strings: &Strings,
) -> Result<ItemLedgerEntry, SnapshotError> {
    Ok(ItemLedgerEntry {
        entry_no,
        item: ItemId(record.item),
        location: LocationId(record.location),
        variant_code: strings.code(record.variant_code)?,
        posting_date: record.posting_date.0,
        entry_type: record.entry_type,
        document_no: strings.code(record.document_no)?,
        external_document_no: strings.optional(record.external_document_no)?,
        serial_no: strings.optional(record.serial_no)?,
        quantity: record.quantity.0,
        remaining_quantity: record.remaining_quantity.0,
        invoiced_quantity: record.invoiced_quantity.0,
        completely_invoiced: record.completely_invoiced,
        last_invoice_date: record.last_invoice_date.map(|day| day.0),
        applies_to_entry: record.applies_to_entry,
        applied_entry_to_adjust: record.applied_entry_to_adjust,
        shipped_qty_not_returned: record.shipped_qty_not_returned.0,
        gen_bus_posting_group: strings.code(record.gen_bus_posting_group)?,
        dimension_set: DimensionSetId(record.dimension_set),
        source_line: decode_line(record.source_line, strings)?,
    })
}

fn decode_value_entry(
    entry_no: u64,
    record: VeRecord,
    strings: &Strings,
) -> Result<ValueEntry, SnapshotError> {
    let flag = |bit: u8| record.flags & bit != 0;
    Ok(ValueEntry {
        entry_no,
        item: ItemId(record.item),
        item_ledger_entry_no: record.item_ledger_entry_no,
        item_ledger_entry_type: record.item_ledger_entry_type,
        entry_type: record.entry_type,
        variance_type: record.variance_type,
        posting_date: record.posting_date.0,
        valuation_date: record.valuation_date.0,
        expected_cost: record.expected_cost,
        valued_quantity: record.valued_quantity.0,
        invoiced_quantity: record.invoiced_quantity.0,
        item_ledger_entry_quantity: record.item_ledger_entry_quantity.0,
        cost_per_unit: record.cost_per_unit.0,
        cost_amount_expected: record.cost_amount_expected.0,
        cost_amount_actual: record.cost_amount_actual.0,
        cost_amount_non_invtbl: record.cost_amount_non_invtbl.0,
        expected_cost_posted_to_gl: record.expected_cost_posted_to_gl.0,
        cost_posted_to_gl: record.cost_posted_to_gl.0,
        sales_amount_expected: record.sales_amount_expected.0,
        sales_amount_actual: record.sales_amount_actual.0,
        purchase_amount_expected: record.purchase_amount_expected.0,
        purchase_amount_actual: record.purchase_amount_actual.0,
        adjustment: flag(ADJUSTMENT),
        applies_to_entry: record.applies_to_entry,
        valued_by_average_cost: flag(VALUED_BY_AVERAGE_COST),
        partial_revaluation: flag(PARTIAL_REVALUATION),
        inventoriable: flag(INVENTORIABLE),
        item_charge_no: strings.optional(record.item_charge_no)?,
        location: LocationId(record.location),
        variant_code: strings.code(record.variant_code)?,
        inventory_posting_group: strings.code(record.inventory_posting_group)?,
        gen_bus_posting_group: strings.code(record.gen_bus_posting_group)?,
        gen_prod_posting_group: strings.code(record.gen_prod_posting_group)?,
        document_no: strings.code(record.document_no)?,
        external_document_no: strings.optional(record.external_document_no)?,
        dimension_set: DimensionSetId(record.dimension_set),
        source_line: decode_line(record.source_line, strings)?,
    })
}

fn decode_application(entry_no: u64, record: ApplicationRecord) -> ItemApplicationEntry {
    ItemApplicationEntry {
        entry_no,
        item_ledger_entry_no: record.item_ledger_entry_no,
        inbound_item_entry_no: record.inbound_item_entry_no,
        outbound_item_entry_no: record.outbound_item_entry_no,
        quantity: record.quantity.0,
        posting_date: record.posting_date.0,
        transferred_from_entry_no: record.transferred_from_entry_no,
        cost_application: record.cost_application,
        fixed: record.fixed,
    }
}

fn decode_item_state(record: ItemStateRecord) -> ItemCostState {
    ItemCostState {
        unit_cost: record.unit_cost.0,
        standard_cost: record.standard_cost.0,
        last_direct_cost: record.last_direct_cost.0,
        invoiced_quantity: record.invoiced_quantity.0,
        inventory_quantity: record.inventory_quantity.0,
        inventory_cost: record.inventory_cost.0,
        cost_is_adjusted: record.cost_is_adjusted,
        allow_online_adjustment: record.allow_online_adjustment,
    }
}

fn decode_bucket(
    record: BucketRecord,
    strings: &Strings,
) -> Result<(BucketKey, Bucket), SnapshotError> {
    let key = BucketKey {
        item: ItemId(record.item),
        location: LocationId(record.location),
        variant_code: strings.code(record.variant_code)?,
    };
    let bucket = Bucket {
        open_inbound: record
            .open_inbound
            .into_iter()
            .map(|(day, no)| (day.0, no))
            .collect(),
        open_outbound: record
            .open_outbound
            .into_iter()
            .map(|(day, no)| (day.0, no))
            .collect(),
        quantity: record.quantity.0,
    };
    Ok((key, bucket))
}

fn decode_entry_point(
    record: EntryPointRecord,
    strings: &Strings,
) -> Result<EntryPointKey, SnapshotError> {
    Ok(EntryPointKey {
        item: ItemId(record.item),
        location: LocationId(record.location),
        variant_code: strings.code(record.variant_code)?,
        valuation_date: record.valuation_date.0,
    })
}
