//! [`Ledger`]: the entry tables, their indexes, per-item cost state and the undo log.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Bound;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::entries::*;
use crate::config::{AverageCostCalcType, CompanyConfig, CostingMethod, Item, Location};
use crate::journal::Dimensions;

/// The entry numbers that name one item ledger entry: most have one or two (a receipt and its
/// invoice, a shipment and its invoice), held inline; more spill to the heap. A heap list per
/// entry cost 70 bytes per item ledger entry and index.
type EntryNos = smallvec::SmallVec<[u64; 2]>;

/// The stock bucket that applications stay within: item, location and variant.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BucketKey {
    pub item: ItemId,
    pub location: LocationId,
    pub variant_code: Code,
}

/// Avg. Cost Adjmt. Entry Point key (spec §1.4): item, location, variant, valuation date.
/// For Average items the date is the end of the average-cost period, and location and variant
/// are blank when the calc type is Item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryPointKey {
    pub item: ItemId,
    pub location: LocationId,
    pub variant_code: Code,
    pub valuation_date: NaiveDate,
}

/// Per-item cost state: the item-card fields that posting and adjustment change.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemCostState {
    pub unit_cost: Decimal,
    pub standard_cost: Decimal,
    pub last_direct_cost: Decimal,
    /// Σ invoiced quantity of the item's entries (decides when last direct cost becomes the
    /// unit cost).
    pub invoiced_quantity: Decimal,
    /// Σ quantity of the item's entries (stock on hand, all locations).
    pub inventory_quantity: Decimal,
    /// Σ (actual + expected) cost of the item's value entries.
    pub inventory_cost: Decimal,
    pub cost_is_adjusted: bool,
    pub allow_online_adjustment: bool,
}

/// Open entries of one bucket, ordered by (posting date, entry no.): FIFO takes the first,
/// LIFO the last.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bucket {
    pub open_inbound: BTreeSet<(NaiveDate, u64)>,
    pub open_outbound: BTreeSet<(NaiveDate, u64)>,
    pub quantity: Decimal,
}

/// The in-place fields of an item ledger entry, as saved by the undo log.
#[derive(Debug, Clone)]
struct IleBookkeeping {
    remaining_quantity: Decimal,
    invoiced_quantity: Decimal,
    completely_invoiced: bool,
    last_invoice_date: Option<NaiveDate>,
    applied_entry_to_adjust: bool,
    shipped_qty_not_returned: Decimal,
}

impl IleBookkeeping {
    fn of(entry: &ItemLedgerEntry) -> Self {
        IleBookkeeping {
            remaining_quantity: entry.remaining_quantity,
            invoiced_quantity: entry.invoiced_quantity,
            completely_invoiced: entry.completely_invoiced,
            last_invoice_date: entry.last_invoice_date,
            applied_entry_to_adjust: entry.applied_entry_to_adjust,
            shipped_qty_not_returned: entry.shipped_qty_not_returned,
        }
    }

    fn restore(self, entry: &mut ItemLedgerEntry) {
        entry.remaining_quantity = self.remaining_quantity;
        entry.invoiced_quantity = self.invoiced_quantity;
        entry.completely_invoiced = self.completely_invoiced;
        entry.last_invoice_date = self.last_invoice_date;
        entry.applied_entry_to_adjust = self.applied_entry_to_adjust;
        entry.shipped_qty_not_returned = self.shipped_qty_not_returned;
    }
}

/// One reversible change made during a batch.
#[derive(Debug, Clone)]
enum UndoRecord {
    ItemLedgerEntry(u64, IleBookkeeping),
    ValuationDate(u64, NaiveDate),
    PostedToGl {
        entry_no: u64,
        expected: Decimal,
        actual: Decimal,
    },
    OpenInboundInserted(BucketKey, (NaiveDate, u64)),
    OpenInboundRemoved(BucketKey, (NaiveDate, u64)),
    OpenOutboundInserted(BucketKey, (NaiveDate, u64)),
    OpenOutboundRemoved(BucketKey, (NaiveDate, u64)),
    ItemState(ItemId, Box<ItemCostState>),
    Serial((ItemId, Code), Option<u64>),
    EntryPoint(EntryPointKey, Option<bool>),
}

/// Entry counts at the start of a batch, for [`Ledger::rollback`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerCheckpoint {
    item_ledger_entries: usize,
    value_entries: usize,
    item_application_entries: usize,
    dimension_sets: usize,
    undo_len: usize,
    changes: (usize, usize),
}

/// The whole costing sub-ledger of one company, in memory.
///
/// Entry numbers start at 1 and equal the position in the table plus one.
#[derive(Debug, Clone)]
pub struct Ledger {
    config: CompanyConfig,
    item_ids: HashMap<String, ItemId>,
    location_codes: Vec<Code>,
    location_ids: HashMap<String, LocationId>,
    blank_code: Code,
    dimension_sets: Vec<Dimensions>,
    dimension_set_ids: HashMap<Dimensions, DimensionSetId>,

    item_ledger_entries: Vec<ItemLedgerEntry>,
    value_entries: Vec<ValueEntry>,
    item_application_entries: Vec<ItemApplicationEntry>,

    /// Value entry numbers of each item ledger entry, in entry order (index = ILE no. − 1).
    value_entries_by_ile: Vec<EntryNos>,
    /// Application entry numbers that name each item ledger entry as inbound or outbound.
    applications_by_ile: Vec<EntryNos>,
    /// Item ledger entry numbers of each item, in entry order (index = ItemId).
    entries_by_item: Vec<Vec<u64>>,
    items: Vec<ItemCostState>,
    buckets: HashMap<BucketKey, Bucket>,
    /// Serial numbers on hand: (item, serial) → the open inbound entry holding it.
    serials_on_hand: HashMap<(ItemId, Code), u64>,
    /// Avg. Cost Adjmt. Entry Points → cost is adjusted.
    entry_points: BTreeMap<EntryPointKey, bool>,
    /// Item ledger entries with "Applied Entry to Adjust" set, so that cost adjustment finds
    /// them without a scan.
    applied_entries_to_adjust: Vec<BTreeSet<u64>>,

    undo: Vec<UndoRecord>,
    /// Set between [`Ledger::checkpoint`] and commit/rollback. Changes to entries created after
    /// it are undone by truncation, so only changes to older state go into `undo`.
    batch_start: Option<LedgerCheckpoint>,
    /// Counts batches; an item whose `item_saved_in_batch` equals it has its cost state saved in
    /// `undo` already (no per-batch clearing).
    batch_generation: u64,
    item_saved_in_batch: Vec<u64>,
    /// Interned posting-group and variant codes.
    codes: HashSet<Code>,
    /// Per item: its inventory and gen. product posting groups, interned once.
    item_posting_groups: Vec<(Code, Code)>,
    /// Per item: its item category ("" when none), interned once.
    item_categories: Vec<Code>,
    /// Entries created before the store's last write whose stored fields changed since
    /// (`None`: nobody asks, nothing is recorded). See [`Ledger::track_changes`].
    changes: Option<EntryChanges>,
}

/// Existing entries whose changeable fields (an item ledger entry's bookkeeping, a value
/// entry's valuation date and posted-to-G/L amounts) changed, in the order they changed; an
/// entry may appear more than once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryChanges {
    pub item_ledger_entries: Vec<u64>,
    pub value_entries: Vec<u64>,
}

impl Ledger {
    /// A ledger with no entries for the given company.
    pub fn new(config: CompanyConfig) -> Self {
        let blank_code: Code = Arc::from("");
        let item_ids = config
            .items
            .iter()
            .enumerate()
            .map(|(index, item)| (item.no.clone(), ItemId(index as u32)))
            .collect();
        let mut location_codes = vec![blank_code.clone()];
        let mut location_ids = HashMap::default();
        location_ids.insert(String::new(), LocationId::BLANK);
        for location in &config.locations {
            if location.code.is_empty() {
                continue;
            }
            location_ids.insert(
                location.code.clone(),
                LocationId(location_codes.len() as u32),
            );
            location_codes.push(Arc::from(location.code.as_str()));
        }
        let items = config.items.iter().map(initial_item_state).collect();
        let entries_by_item = vec![Vec::new(); config.items.len()];
        let config_item_count = config.items.len();
        let mut codes: HashSet<Code> = HashSet::default();
        let mut intern = |text: &str| -> Code {
            if let Some(existing) = codes.get(text) {
                return existing.clone();
            }
            let code: Code = Arc::from(text);
            codes.insert(code.clone());
            code
        };
        let item_posting_groups = config
            .items
            .iter()
            .map(|item| {
                (
                    intern(&item.inventory_posting_group),
                    intern(&item.gen_prod_posting_group),
                )
            })
            .collect();
        let item_categories = config
            .items
            .iter()
            .map(|item| intern(item.item_category.as_deref().unwrap_or("")))
            .collect();
        let mut dimension_set_ids = HashMap::default();
        dimension_set_ids.insert(Dimensions::new(), DimensionSetId(0));
        Ledger {
            config,
            item_ids,
            location_codes,
            location_ids,
            blank_code,
            dimension_sets: vec![Dimensions::new()],
            dimension_set_ids,
            item_ledger_entries: Vec::new(),
            value_entries: Vec::new(),
            item_application_entries: Vec::new(),
            value_entries_by_ile: Vec::new(),
            applications_by_ile: Vec::new(),
            entries_by_item,
            items,
            buckets: HashMap::default(),
            serials_on_hand: HashMap::default(),
            entry_points: BTreeMap::new(),
            applied_entries_to_adjust: vec![BTreeSet::new(); config_item_count],
            undo: Vec::new(),
            batch_start: None,
            batch_generation: 0,
            item_saved_in_batch: vec![0; config_item_count],
            codes,
            item_posting_groups,
            item_categories,
            changes: None,
        }
    }

    // ----- read access -------------------------------------------------------------------

    pub fn config(&self) -> &CompanyConfig {
        &self.config
    }

    pub fn item_ledger_entries(&self) -> &[ItemLedgerEntry] {
        &self.item_ledger_entries
    }

    pub fn value_entries(&self) -> &[ValueEntry] {
        &self.value_entries
    }

    pub fn item_application_entries(&self) -> &[ItemApplicationEntry] {
        &self.item_application_entries
    }

    /// The item ledger entry with this number.
    pub fn item_ledger_entry(&self, entry_no: u64) -> Option<&ItemLedgerEntry> {
        entry_index(entry_no).and_then(|index| self.item_ledger_entries.get(index))
    }

    pub fn value_entry(&self, entry_no: u64) -> Option<&ValueEntry> {
        entry_index(entry_no).and_then(|index| self.value_entries.get(index))
    }

    /// The value entries of one item ledger entry, oldest first.
    pub fn value_entries_of(&self, ile_no: u64) -> impl Iterator<Item = &ValueEntry> + '_ {
        let numbers = entry_index(ile_no)
            .and_then(|index| self.value_entries_by_ile.get(index))
            .map(EntryNos::as_slice)
            .unwrap_or(&[]);
        numbers
            .iter()
            .map(move |&no| &self.value_entries[no as usize - 1])
    }

    /// The application entries that name this item ledger entry as inbound, outbound or
    /// transferred-from entry.
    pub fn applications_of(&self, ile_no: u64) -> impl Iterator<Item = &ItemApplicationEntry> + '_ {
        let numbers = entry_index(ile_no)
            .and_then(|index| self.applications_by_ile.get(index))
            .map(EntryNos::as_slice)
            .unwrap_or(&[]);
        numbers
            .iter()
            .map(move |&no| &self.item_application_entries[no as usize - 1])
    }

    /// The item ledger entries of one item, oldest first.
    pub fn entries_of_item(&self, item: ItemId) -> impl Iterator<Item = &ItemLedgerEntry> + '_ {
        self.entries_by_item[item.0 as usize]
            .iter()
            .map(move |&no| &self.item_ledger_entries[no as usize - 1])
    }

    pub fn item_id(&self, item_no: &str) -> Option<ItemId> {
        self.item_ids.get(item_no).copied()
    }

    pub fn item(&self, item: ItemId) -> &Item {
        &self.config.items[item.0 as usize]
    }

    /// The item's category code ("" when it has none), interned.
    pub fn item_category(&self, item: ItemId) -> &Code {
        &self.item_categories[item.0 as usize]
    }

    /// The item's inventory and gen. product posting groups, interned.
    pub fn item_posting_groups(&self, item: ItemId) -> (Code, Code) {
        self.item_posting_groups[item.0 as usize].clone()
    }

    pub fn item_no(&self, item: ItemId) -> &str {
        &self.config.items[item.0 as usize].no
    }

    pub fn item_cost_state(&self, item: ItemId) -> &ItemCostState {
        &self.items[item.0 as usize]
    }

    pub fn location_id(&self, code: &str) -> Option<LocationId> {
        self.location_ids.get(code).copied()
    }

    pub fn location_code(&self, location: LocationId) -> &str {
        &self.location_codes[location.0 as usize]
    }

    /// The location's code, `None` for an id the ledger does not know.
    pub fn location_code_checked(&self, location: LocationId) -> Option<&str> {
        self.location_codes
            .get(location.0 as usize)
            .map(|code| &**code)
    }

    /// The dimension sets interned so far; set `n` is at index `n` (set 0 is empty).
    pub fn dimension_sets(&self) -> &[Dimensions] {
        &self.dimension_sets
    }

    pub fn dimensions(&self, set: DimensionSetId) -> &Dimensions {
        &self.dimension_sets[set.0 as usize]
    }

    pub fn blank_code(&self) -> Code {
        self.blank_code.clone()
    }

    /// Avg. Cost Adjmt. Entry Points and whether each is adjusted.
    pub fn entry_points(&self) -> &BTreeMap<EntryPointKey, bool> {
        &self.entry_points
    }

    /// The entry points of one item, in key order (a range of the map, not a scan).
    pub fn entry_points_of_item(
        &self,
        item: ItemId,
    ) -> impl Iterator<Item = (&EntryPointKey, &bool)> + '_ {
        let first = |item: ItemId| EntryPointKey {
            item,
            location: LocationId::BLANK,
            variant_code: self.blank_code.clone(),
            valuation_date: NaiveDate::MIN,
        };
        self.entry_points
            .range(first(item)..first(ItemId(item.0 + 1)))
    }

    /// Item ledger entries flagged "Applied Entry to Adjust", in entry order.
    pub fn applied_entries_to_adjust(&self) -> impl Iterator<Item = u64> + '_ {
        self.applied_entries_to_adjust.iter().flatten().copied()
    }

    /// The entries of one item flagged "Applied Entry to Adjust", in entry order.
    pub fn applied_entries_to_adjust_of(&self, item: ItemId) -> &BTreeSet<u64> {
        &self.applied_entries_to_adjust[item.0 as usize]
    }

    /// Stock on hand in one bucket.
    pub fn bucket_quantity(&self, key: &BucketKey) -> Decimal {
        self.buckets
            .get(key)
            .map_or(Decimal::ZERO, |bucket| bucket.quantity)
    }

    pub(crate) fn bucket(&self, key: &BucketKey) -> Option<&Bucket> {
        self.buckets.get(key)
    }

    /// The inbound entry that holds this serial number, if it is on hand.
    pub fn serial_on_hand(&self, item: ItemId, serial_no: &Code) -> Option<u64> {
        self.serials_on_hand
            .get(&(item, serial_no.clone()))
            .copied()
    }

    /// Sum of (actual, expected) cost over the value entries of one item ledger entry.
    pub fn cost_of_entry(&self, ile_no: u64) -> (Decimal, Decimal) {
        self.value_entries_of(ile_no).fold(
            (Decimal::ZERO, Decimal::ZERO),
            |(actual, expected), entry| {
                (
                    actual + entry.cost_amount_actual,
                    expected + entry.cost_amount_expected,
                )
            },
        )
    }

    /// Valuation date of the entry's direct-cost value entries (its first value entry).
    pub fn direct_cost_valuation_date(&self, ile_no: u64) -> Option<NaiveDate> {
        self.value_entries_of(ile_no)
            .find(|entry| entry.entry_type != CostEntryType::Revaluation)
            .map(|entry| entry.valuation_date)
    }

    /// Latest valuation date over all value entries of the entry (revaluations included).
    pub fn latest_valuation_date(&self, ile_no: u64) -> Option<NaiveDate> {
        self.value_entries_of(ile_no)
            .map(|entry| entry.valuation_date)
            .max()
    }

    // ----- interning ---------------------------------------------------------------------

    /// A shared copy of a code (posting group, variant), interned so equal codes share memory.
    pub fn intern_code(&mut self, code: &str) -> Code {
        if let Some(existing) = self.codes.get(code) {
            return existing.clone();
        }
        let new: Code = Arc::from(code);
        self.codes.insert(new.clone());
        new
    }

    /// The id of a dimension set, interning it when new.
    pub fn intern_dimensions(&mut self, dimensions: &Dimensions) -> DimensionSetId {
        if dimensions.is_empty() {
            return DimensionSetId(0);
        }
        if let Some(id) = self.dimension_set_ids.get(dimensions) {
            return *id;
        }
        let id = DimensionSetId(self.dimension_sets.len() as u32);
        self.dimension_sets.push(dimensions.clone());
        self.dimension_set_ids.insert(dimensions.clone(), id);
        id
    }

    // ----- batches -----------------------------------------------------------------------

    /// Marks the start of a batch; pass the result to [`Ledger::rollback`] to undo it.
    pub fn checkpoint(&mut self) -> LedgerCheckpoint {
        self.undo.clear();
        self.batch_generation += 1;
        let checkpoint = LedgerCheckpoint {
            item_ledger_entries: self.item_ledger_entries.len(),
            value_entries: self.value_entries.len(),
            item_application_entries: self.item_application_entries.len(),
            dimension_sets: self.dimension_sets.len(),
            undo_len: 0,
            changes: self.changes.as_ref().map_or((0, 0), |changes| {
                (
                    changes.item_ledger_entries.len(),
                    changes.value_entries.len(),
                )
            }),
        };
        self.batch_start = Some(checkpoint);
        checkpoint
    }

    /// Reserves room for a batch that creates `item_ledger_entries` item ledger entries from
    /// `lines` journal lines, so that a large batch does not copy the tables as they grow. What
    /// is known is reserved, never more (an estimate above it stayed allocated: 0.7 GB on a
    /// batch of 2 million lines): every line makes at least one value entry, every item ledger
    /// entry at least one application entry.
    pub(crate) fn reserve_for_lines(&mut self, item_ledger_entries: usize, lines: usize) {
        self.item_ledger_entries.reserve(item_ledger_entries);
        self.value_entries_by_ile.reserve(item_ledger_entries);
        self.applications_by_ile.reserve(item_ledger_entries);
        self.value_entries.reserve(lines);
        self.item_application_entries.reserve(item_ledger_entries);
    }

    /// Ends a batch successfully: its undo log is dropped.
    pub fn commit(&mut self) {
        self.undo.clear();
        self.batch_start = None;
    }

    /// Whether an entry numbered `entry_no` existed before the batch began (its changes must be
    /// recorded for rollback); entries created in the batch are removed by truncation instead.
    fn existed_before_batch(
        &self,
        entry_no: u64,
        count_at_start: impl Fn(&LedgerCheckpoint) -> usize,
    ) -> bool {
        self.batch_start
            .as_ref()
            .is_some_and(|start| entry_no <= count_at_start(start) as u64)
    }

    /// Puts the ledger back exactly as it was at `checkpoint`.
    pub fn rollback(&mut self, checkpoint: LedgerCheckpoint) {
        for index in checkpoint.item_ledger_entries..self.item_ledger_entries.len() {
            let entry = &self.item_ledger_entries[index];
            let key = BucketKey {
                item: entry.item,
                location: entry.location,
                variant_code: entry.variant_code.clone(),
            };
            let open = (entry.posting_date, entry.entry_no);
            let quantity = entry.quantity;
            if let Some(bucket) = self.buckets.get_mut(&key) {
                bucket.open_inbound.remove(&open);
                bucket.open_outbound.remove(&open);
                bucket.quantity -= quantity;
            }
        }
        if let Some(changes) = &mut self.changes {
            changes.item_ledger_entries.truncate(checkpoint.changes.0);
            changes.value_entries.truncate(checkpoint.changes.1);
        }
        while self.undo.len() > checkpoint.undo_len {
            let record = self.undo.pop().expect("undo log shorter than its length");
            self.undo_one(record);
        }
        for entry in self.value_entries.drain(checkpoint.value_entries..) {
            if let Some(numbers) = self
                .value_entries_by_ile
                .get_mut(entry.item_ledger_entry_no as usize - 1)
            {
                numbers.retain(|no| *no != entry.entry_no);
            }
        }
        for application in self
            .item_application_entries
            .drain(checkpoint.item_application_entries..)
        {
            let origin = application.transferred_from_entry_no.unwrap_or(0);
            for side in [
                application.inbound_item_entry_no,
                application.outbound_item_entry_no,
                origin,
            ] {
                if let Some(numbers) =
                    entry_index(side).and_then(|i| self.applications_by_ile.get_mut(i))
                {
                    numbers.retain(|no| *no != application.entry_no);
                }
            }
        }
        for entry in self
            .item_ledger_entries
            .drain(checkpoint.item_ledger_entries..)
            .rev()
        {
            let item = entry.item.0 as usize;
            self.applied_entries_to_adjust[item].remove(&entry.entry_no);
            let numbers = &mut self.entries_by_item[item];
            debug_assert_eq!(
                numbers.last(),
                Some(&entry.entry_no),
                "entries of an item are appended in order"
            );
            numbers.pop();
        }
        self.value_entries_by_ile
            .truncate(checkpoint.item_ledger_entries);
        self.applications_by_ile
            .truncate(checkpoint.item_ledger_entries);
        for dimensions in self.dimension_sets.drain(checkpoint.dimension_sets..) {
            self.dimension_set_ids.remove(&dimensions);
        }
        self.batch_start = None;
    }

    fn undo_one(&mut self, record: UndoRecord) {
        match record {
            UndoRecord::ItemLedgerEntry(entry_no, saved) => {
                if let Some(entry) = self.item_ledger_entries.get_mut(entry_no as usize - 1) {
                    saved.restore(entry);
                    let (item, flagged) = (entry.item, entry.applied_entry_to_adjust);
                    self.sync_applied_entry_to_adjust(item, entry_no, flagged);
                }
            }
            UndoRecord::ValuationDate(entry_no, date) => {
                if let Some(entry) = self.value_entries.get_mut(entry_no as usize - 1) {
                    entry.valuation_date = date;
                }
            }
            UndoRecord::PostedToGl {
                entry_no,
                expected,
                actual,
            } => {
                if let Some(entry) = self.value_entries.get_mut(entry_no as usize - 1) {
                    entry.expected_cost_posted_to_gl = expected;
                    entry.cost_posted_to_gl = actual;
                }
            }
            UndoRecord::OpenInboundInserted(key, open) => {
                self.bucket_mut_raw(&key).open_inbound.remove(&open);
            }
            UndoRecord::OpenInboundRemoved(key, open) => {
                self.bucket_mut_raw(&key).open_inbound.insert(open);
            }
            UndoRecord::OpenOutboundInserted(key, open) => {
                self.bucket_mut_raw(&key).open_outbound.remove(&open);
            }
            UndoRecord::OpenOutboundRemoved(key, open) => {
                self.bucket_mut_raw(&key).open_outbound.insert(open);
            }
            UndoRecord::ItemState(item, state) => self.items[item.0 as usize] = *state,
            UndoRecord::Serial(key, previous) => match previous {
                Some(entry_no) => {
                    self.serials_on_hand.insert(key, entry_no);
                }
                None => {
                    self.serials_on_hand.remove(&key);
                }
            },
            UndoRecord::EntryPoint(key, previous) => match previous {
                Some(adjusted) => {
                    self.entry_points.insert(key, adjusted);
                }
                None => {
                    self.entry_points.remove(&key);
                }
            },
        }
    }

    fn bucket_mut_raw(&mut self, key: &BucketKey) -> &mut Bucket {
        self.buckets.entry(key.clone()).or_default()
    }

    // ----- recorded mutations ------------------------------------------------------------

    /// Appends a new item ledger entry; its number must be the next one.
    pub(crate) fn insert_item_ledger_entry(&mut self, entry: ItemLedgerEntry) {
        assert_eq!(
            entry.entry_no,
            self.next_item_ledger_entry_no(),
            "ILE numbers are dense"
        );
        if entry.applied_entry_to_adjust {
            self.applied_entries_to_adjust[entry.item.0 as usize].insert(entry.entry_no);
        }
        self.entries_by_item[entry.item.0 as usize].push(entry.entry_no);
        self.item_ledger_entries.push(entry);
        self.value_entries_by_ile.push(EntryNos::new());
        self.applications_by_ile.push(EntryNos::new());
    }

    /// Appends a value entry and links it to its item ledger entry.
    pub(crate) fn insert_value_entry(&mut self, entry: ValueEntry) {
        assert_eq!(
            entry.entry_no,
            self.next_value_entry_no(),
            "VE numbers are dense"
        );
        let index = entry.item_ledger_entry_no as usize - 1;
        assert!(
            index < self.item_ledger_entries.len(),
            "value entry of an unknown ILE"
        );
        self.value_entries_by_ile[index].push(entry.entry_no);
        self.value_entries.push(entry);
    }

    /// Appends an application entry and links it to both of its entries.
    pub(crate) fn insert_application(&mut self, application: ItemApplicationEntry) {
        assert_eq!(
            application.entry_no,
            self.item_application_entries.len() as u64 + 1
        );
        self.applications_by_ile[application.inbound_item_entry_no as usize - 1]
            .push(application.entry_no);
        if application.outbound_item_entry_no != 0 {
            self.applications_by_ile[application.outbound_item_entry_no as usize - 1]
                .push(application.entry_no);
        }
        if let Some(origin) = application.transferred_from_entry_no {
            self.applications_by_ile[origin as usize - 1].push(application.entry_no);
        }
        self.item_application_entries.push(application);
    }

    pub(crate) fn next_item_ledger_entry_no(&self) -> u64 {
        self.item_ledger_entries.len() as u64 + 1
    }

    /// The number the next value entry will get.
    pub fn next_value_entry_no(&self) -> u64 {
        self.value_entries.len() as u64 + 1
    }

    pub(crate) fn next_application_entry_no(&self) -> u64 {
        self.item_application_entries.len() as u64 + 1
    }

    /// Changes the bookkeeping fields of an existing item ledger entry.
    pub(crate) fn update_item_ledger_entry(
        &mut self,
        entry_no: u64,
        change: impl FnOnce(&mut ItemLedgerEntry),
    ) {
        let record_undo = self.existed_before_batch(entry_no, |start| start.item_ledger_entries);
        let entry = &mut self.item_ledger_entries[entry_no as usize - 1];
        if record_undo {
            self.undo.push(UndoRecord::ItemLedgerEntry(
                entry_no,
                IleBookkeeping::of(entry),
            ));
        }
        change(entry);
        if let Some(changes) = &mut self.changes {
            changes.item_ledger_entries.push(entry_no);
        }
        let (item, flagged) = (entry.item, entry.applied_entry_to_adjust);
        self.sync_applied_entry_to_adjust(item, entry_no, flagged);
    }

    /// Keeps the per-item set of flagged entries equal to the entries' flags.
    fn sync_applied_entry_to_adjust(&mut self, item: ItemId, entry_no: u64, flagged: bool) {
        let set = &mut self.applied_entries_to_adjust[item.0 as usize];
        if flagged {
            set.insert(entry_no);
        } else {
            set.remove(&entry_no);
        }
    }

    /// Moves a value entry's valuation date (spec §1.10).
    pub(crate) fn set_valuation_date(&mut self, value_entry_no: u64, date: NaiveDate) {
        let record_undo = self.existed_before_batch(value_entry_no, |start| start.value_entries);
        let entry = &mut self.value_entries[value_entry_no as usize - 1];
        if entry.valuation_date != date {
            if record_undo {
                self.undo.push(UndoRecord::ValuationDate(
                    value_entry_no,
                    entry.valuation_date,
                ));
            }
            entry.valuation_date = date;
            if let Some(changes) = &mut self.changes {
                changes.value_entries.push(value_entry_no);
            }
        }
    }

    /// Records what of a value entry's cost has reached the G/L (spec §2.1: an assignment).
    pub fn set_posted_to_gl(&mut self, value_entry_no: u64, expected: Decimal, actual: Decimal) {
        let record_undo = self.existed_before_batch(value_entry_no, |start| start.value_entries);
        let entry = &mut self.value_entries[value_entry_no as usize - 1];
        if record_undo {
            self.undo.push(UndoRecord::PostedToGl {
                entry_no: value_entry_no,
                expected: entry.expected_cost_posted_to_gl,
                actual: entry.cost_posted_to_gl,
            });
        }
        entry.expected_cost_posted_to_gl = expected;
        entry.cost_posted_to_gl = actual;
        if let Some(changes) = &mut self.changes {
            changes.value_entries.push(value_entry_no);
        }
    }

    pub(crate) fn insert_open_inbound(&mut self, key: &BucketKey, open: (NaiveDate, u64)) {
        let record_undo = self.existed_before_batch(open.1, |start| start.item_ledger_entries);
        if self.bucket_mut_raw(key).open_inbound.insert(open) && record_undo {
            self.undo
                .push(UndoRecord::OpenInboundInserted(key.clone(), open));
        }
    }

    pub(crate) fn remove_open_inbound(&mut self, key: &BucketKey, open: (NaiveDate, u64)) {
        let record_undo = self.existed_before_batch(open.1, |start| start.item_ledger_entries);
        if self.bucket_mut_raw(key).open_inbound.remove(&open) && record_undo {
            self.undo
                .push(UndoRecord::OpenInboundRemoved(key.clone(), open));
        }
    }

    pub(crate) fn insert_open_outbound(&mut self, key: &BucketKey, open: (NaiveDate, u64)) {
        let record_undo = self.existed_before_batch(open.1, |start| start.item_ledger_entries);
        if self.bucket_mut_raw(key).open_outbound.insert(open) && record_undo {
            self.undo
                .push(UndoRecord::OpenOutboundInserted(key.clone(), open));
        }
    }

    pub(crate) fn remove_open_outbound(&mut self, key: &BucketKey, open: (NaiveDate, u64)) {
        let record_undo = self.existed_before_batch(open.1, |start| start.item_ledger_entries);
        if self.bucket_mut_raw(key).open_outbound.remove(&open) && record_undo {
            self.undo
                .push(UndoRecord::OpenOutboundRemoved(key.clone(), open));
        }
    }

    pub(crate) fn add_bucket_quantity(&mut self, key: &BucketKey, quantity: Decimal) {
        // Rollback subtracts the quantities of the removed entries; nothing to record.
        self.bucket_mut_raw(key).quantity += quantity;
    }

    /// Changes an item's cost state.
    pub(crate) fn update_item_cost_state(
        &mut self,
        item: ItemId,
        change: impl FnOnce(&mut ItemCostState),
    ) {
        let state = &mut self.items[item.0 as usize];
        let saved = &mut self.item_saved_in_batch[item.0 as usize];
        if self.batch_start.is_some() && *saved != self.batch_generation {
            *saved = self.batch_generation;
            self.undo
                .push(UndoRecord::ItemState(item, Box::new(state.clone())));
        }
        change(state);
    }

    /// Records that `entry_no` holds the serial number (or, with `None`, that it left stock).
    pub(crate) fn set_serial_on_hand(
        &mut self,
        item: ItemId,
        serial_no: &Code,
        holder: Option<u64>,
    ) {
        let key = (item, serial_no.clone());
        let previous = match holder {
            Some(entry_no) => self.serials_on_hand.insert(key.clone(), entry_no),
            None => self.serials_on_hand.remove(&key),
        };
        self.undo.push(UndoRecord::Serial(key, previous));
    }

    /// Sets an entry point to "not adjusted", and every later point of the same bucket (item,
    /// location, variant; the whole item under calc type Item, whose points carry the blank
    /// location) too (spec §1.4).
    pub(crate) fn reset_entry_point(&mut self, key: EntryPointKey) {
        // A point that is already "not adjusted" had its later points reset with it, and only
        // an adjustment run marks points adjusted again, all of the item's at once: nothing to do.
        if self.entry_points.get(&key) == Some(&false) {
            return;
        }
        let previous = self.entry_points.insert(key.clone(), false);
        if previous != Some(false) {
            self.undo
                .push(UndoRecord::EntryPoint(key.clone(), previous));
        }
        // Points of the same item, location and variant are contiguous in key order (under calc
        // type Item every point of the item has the blank location): the later ones are exactly
        // this range, so the walk never leaves the bucket.
        let last = EntryPointKey {
            valuation_date: NaiveDate::MAX,
            ..key.clone()
        };
        let later: Vec<EntryPointKey> = self
            .entry_points
            .range((Bound::Excluded(key.clone()), Bound::Included(last)))
            .filter(|(_, adjusted)| **adjusted)
            .map(|(other, _)| other.clone())
            .collect();
        for other in later {
            self.entry_points.insert(other.clone(), false);
            self.undo.push(UndoRecord::EntryPoint(other, Some(true)));
        }
    }

    /// The Avg. Cost Adjmt. Entry Point a value entry of an Average item resets: the end of its
    /// average-cost period (blank location and variant under calc type Item); the reset cascades
    /// to the later points of the bucket (spec §1.4). Other items keep no entry points: in BC they
    /// only clear the item's "cost is adjusted", which posting does directly here, and their
    /// adjustment starts from the "applied entry to adjust" flags.
    pub(crate) fn entry_point_of(&self, entry: &ValueEntry) -> Option<EntryPointKey> {
        let setup = &self.config.inventory_setup;
        if self.item(entry.item).costing_method != CostingMethod::Average {
            return None;
        }
        let whole_item = setup.average_cost_calc_type == AverageCostCalcType::Item;
        let period_end = super::period::average_period_end(
            entry.valuation_date,
            setup.average_cost_period,
            &setup.accounting_periods,
        );
        let key = EntryPointKey {
            item: entry.item,
            location: if whole_item {
                LocationId::BLANK
            } else {
                entry.location
            },
            variant_code: if whole_item {
                self.blank_code.clone()
            } else {
                entry.variant_code.clone()
            },
            valuation_date: period_end,
        };
        Some(key)
    }

    /// Marks every entry point of an item adjusted (end of a cost adjustment of the item).
    pub(crate) fn mark_entry_points_adjusted(&mut self, item: ItemId) {
        let keys: Vec<EntryPointKey> = self
            .entry_points_of_item(item)
            .filter(|(_, adjusted)| !**adjusted)
            .map(|(key, _)| key.clone())
            .collect();
        for key in keys {
            self.entry_points.insert(key.clone(), true);
            self.undo.push(UndoRecord::EntryPoint(key, Some(false)));
        }
    }

    /// Clears "Applied Entry to Adjust" on an entry.
    pub(crate) fn clear_applied_entry_to_adjust(&mut self, entry_no: u64) {
        if self
            .item_ledger_entry(entry_no)
            .is_some_and(|entry| entry.applied_entry_to_adjust)
        {
            self.update_item_ledger_entry(entry_no, |entry| entry.applied_entry_to_adjust = false);
        }
    }

    /// Sets "Applied Entry to Adjust" on an entry.
    pub(crate) fn set_applied_entry_to_adjust(&mut self, entry_no: u64) {
        if self
            .item_ledger_entry(entry_no)
            .is_some_and(|entry| !entry.applied_entry_to_adjust)
        {
            self.update_item_ledger_entry(entry_no, |entry| entry.applied_entry_to_adjust = true);
        }
    }

    /// Replaces "Allow Posting From" (G/L Setup) from now on.
    /// Starts (or restarts) recording which entries change, for a store that writes only what
    /// changed: [`take_changes`](Self::take_changes) hands over what was recorded.
    pub fn track_changes(&mut self) {
        self.changes = Some(EntryChanges::default());
    }

    /// The entries changed since tracking started or since the last call (empty when not
    /// tracking). A rolled-back batch leaves no trace here.
    pub fn take_changes(&mut self) -> EntryChanges {
        match &mut self.changes {
            Some(changes) => std::mem::take(changes),
            None => EntryChanges::default(),
        }
    }

    pub fn set_allow_posting_from(&mut self, date: Option<NaiveDate>) {
        self.config.inventory_setup.allow_posting_from = date;
    }
}

/// Why [`Ledger::change_config`] refused a configuration. The ledger is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigChangeError {
    #[error(
        "item {item_no} is missing from the new configuration ({entries} item ledger entries \
         name it); keep it in config/items.toml, entries are never removed"
    )]
    ItemRemoved { item_no: String, entries: usize },
    #[error(
        "location {code} is missing from the new configuration (entries may name it); keep it \
         in config/locations.toml"
    )]
    LocationRemoved { code: String },
    #[error(
        "item {item_no} has {entries} item ledger entries, so its costing method cannot change \
         from {from} to {to} (Business Central refuses this too); keep {from}, or create a new \
         item with the new method"
    )]
    CostingMethodChanged {
        item_no: String,
        from: &'static str,
        to: &'static str,
        entries: usize,
    },
    #[error("item {item_no} is listed twice in the new configuration")]
    DuplicateItem { item_no: String },
    #[error("location {code} is listed twice in the new configuration")]
    DuplicateLocation { code: String },
    #[error("the configuration cannot change while a batch is being posted")]
    BatchOpen,
}

impl Ledger {
    /// Replaces the configuration between batches, for example after a consultant added an item
    /// to `config/items.toml`. Every item and location the ledger knows must still be there
    /// (matched by item no. and location code; the order may differ): the new lists are reordered
    /// so that known items and locations keep their ids and new ones are appended. New items get
    /// the cost state of a new item card; known items keep theirs (it is what posting made of the
    /// card). Posting groups and item categories are taken from the new configuration for
    /// postings from now on; existing entries keep the codes they were posted with. An item with
    /// entries keeps its costing method. On error nothing changes.
    pub fn change_config(&mut self, new: CompanyConfig) -> Result<(), ConfigChangeError> {
        if self.is_batch_open() {
            return Err(ConfigChangeError::BatchOpen);
        }
        let items = self.reorder_items(&new.items)?;
        let locations = self.reorder_locations(&new.locations)?;
        let mut config = new;
        config.items = items;
        config.locations = locations;
        self.apply_config(config);
        Ok(())
    }

    /// The new item cards: the known items in id order, then the new ones in file order.
    fn reorder_items(&self, new_items: &[Item]) -> Result<Vec<Item>, ConfigChangeError> {
        let mut by_no: HashMap<&str, &Item> = HashMap::default();
        for item in new_items {
            if by_no.insert(item.no.as_str(), item).is_some() {
                return Err(ConfigChangeError::DuplicateItem {
                    item_no: item.no.clone(),
                });
            }
        }
        let mut items = Vec::with_capacity(new_items.len());
        for (index, known) in self.config.items.iter().enumerate() {
            let entries = self.entries_by_item[index].len();
            let Some(&item) = by_no.get(known.no.as_str()) else {
                return Err(ConfigChangeError::ItemRemoved {
                    item_no: known.no.clone(),
                    entries,
                });
            };
            if item.costing_method != known.costing_method && entries > 0 {
                return Err(ConfigChangeError::CostingMethodChanged {
                    item_no: known.no.clone(),
                    from: known.costing_method.as_str(),
                    to: item.costing_method.as_str(),
                    entries,
                });
            }
            items.push(item.clone());
        }
        let new_ones = new_items
            .iter()
            .filter(|item| !self.item_ids.contains_key(&item.no));
        items.extend(new_ones.cloned());
        Ok(items)
    }

    /// The new locations: the known ones in id order, then the new ones in file order.
    fn reorder_locations(
        &self,
        new_locations: &[Location],
    ) -> Result<Vec<Location>, ConfigChangeError> {
        let mut by_code: HashMap<&str, &Location> = HashMap::default();
        for location in new_locations {
            if by_code.insert(location.code.as_str(), location).is_some() {
                return Err(ConfigChangeError::DuplicateLocation {
                    code: location.code.clone(),
                });
            }
        }
        let mut locations = Vec::with_capacity(new_locations.len());
        for code in &self.location_codes[1..] {
            match by_code.get(&**code) {
                Some(&location) => locations.push(location.clone()),
                None => {
                    return Err(ConfigChangeError::LocationRemoved {
                        code: code.to_string(),
                    })
                }
            }
        }
        let new_ones = new_locations
            .iter()
            .filter(|location| !self.location_ids.contains_key(&location.code));
        locations.extend(new_ones.cloned());
        Ok(locations)
    }

    /// Installs a configuration whose known items and locations are in the ledger's id order.
    fn apply_config(&mut self, config: CompanyConfig) {
        let known_items = self.config.items.len();
        for item in &config.items[known_items..] {
            let id = ItemId(self.items.len() as u32);
            self.item_ids.insert(item.no.clone(), id);
            self.items.push(initial_item_state(item));
            self.entries_by_item.push(Vec::new());
            self.applied_entries_to_adjust.push(BTreeSet::new());
            self.item_saved_in_batch.push(0);
        }
        for location in &config.locations {
            if !self.location_ids.contains_key(&location.code) {
                let id = LocationId(self.location_codes.len() as u32);
                self.location_ids.insert(location.code.clone(), id);
                self.location_codes.push(Arc::from(location.code.as_str()));
            }
        }
        self.item_posting_groups = (config.items.iter())
            .map(|item| {
                (
                    self.intern_code(&item.inventory_posting_group),
                    self.intern_code(&item.gen_prod_posting_group),
                )
            })
            .collect();
        self.item_categories = (config.items.iter())
            .map(|item| self.intern_code(item.item_category.as_deref().unwrap_or("")))
            .collect();
        self.config = config;
    }
}

/// A ledger between batches as plain parts, for the snapshot codec (`store::snapshot`): what
/// cannot be recomputed from the entries. [`Ledger::from_parts`] rebuilds the per-entry indexes.
pub(crate) struct LedgerParts {
    /// The interned codes (posting groups, variants), each once.
    pub codes: Vec<Code>,
    /// Dimension set `n` at index `n`; set 0 is the empty set.
    pub dimension_sets: Vec<Dimensions>,
    pub item_ledger_entries: Vec<ItemLedgerEntry>,
    pub value_entries: Vec<ValueEntry>,
    pub item_application_entries: Vec<ItemApplicationEntry>,
    /// Per item, in configuration order.
    pub items: Vec<ItemCostState>,
    pub buckets: Vec<(BucketKey, Bucket)>,
    pub serials_on_hand: Vec<((ItemId, Code), u64)>,
    pub entry_points: BTreeMap<EntryPointKey, bool>,
}

impl Ledger {
    /// Whether a batch is open (between [`checkpoint`](Self::checkpoint) and commit/rollback).
    pub fn is_batch_open(&self) -> bool {
        self.batch_start.is_some()
    }

    /// The interned codes, in no particular order.
    pub(crate) fn interned_codes(&self) -> impl Iterator<Item = &Code> + '_ {
        self.codes.iter()
    }

    /// Every stock bucket with its open entries, in no particular order.
    pub(crate) fn buckets(&self) -> impl Iterator<Item = (&BucketKey, &Bucket)> + '_ {
        self.buckets.iter()
    }

    /// Serial numbers on hand and the entry holding each, in no particular order.
    pub(crate) fn serials_on_hand(&self) -> impl Iterator<Item = (&(ItemId, Code), &u64)> + '_ {
        self.serials_on_hand.iter()
    }

    /// A ledger for `config` holding `parts`, with its indexes rebuilt. `intern` gives the shared
    /// copy of a text (the codes in `parts` are such copies), so that the ledger's own codes
    /// (blank code, item posting groups and categories) share memory with the entries' codes.
    /// Errors name the first reference that does not fit the configuration or the tables.
    pub(crate) fn from_parts(
        config: CompanyConfig,
        parts: LedgerParts,
        intern: &mut dyn FnMut(&str) -> Code,
    ) -> Result<Ledger, String> {
        let mut ledger = Ledger::new(config);
        check_parts(&ledger, &parts)?;
        ledger.codes = parts.codes.into_iter().collect();
        ledger.blank_code = intern("");
        ledger.location_codes[0] = ledger.blank_code.clone();
        let items = &ledger.config.items;
        let mut share = |text: &str, codes: &mut HashSet<Code>| -> Code {
            let code = intern(text);
            codes.insert(code.clone());
            code
        };
        for (index, item) in items.iter().enumerate() {
            ledger.item_posting_groups[index] = (
                share(&item.inventory_posting_group, &mut ledger.codes),
                share(&item.gen_prod_posting_group, &mut ledger.codes),
            );
            ledger.item_categories[index] = share(
                item.item_category.as_deref().unwrap_or(""),
                &mut ledger.codes,
            );
        }
        ledger.dimension_set_ids = parts
            .dimension_sets
            .iter()
            .enumerate()
            .map(|(index, set)| (set.clone(), DimensionSetId(index as u32)))
            .collect();
        ledger.dimension_sets = parts.dimension_sets;
        ledger.items = parts.items;
        ledger.buckets = parts.buckets.into_iter().collect();
        ledger.serials_on_hand = parts.serials_on_hand.into_iter().collect();
        ledger.entry_points = parts.entry_points;
        ledger.rebuild_entry_indexes(
            parts.item_ledger_entries,
            parts.value_entries,
            parts.item_application_entries,
        );
        Ok(ledger)
    }

    /// Appends entries checked by [`check_parts`], building the indexes as posting does.
    fn rebuild_entry_indexes(
        &mut self,
        item_ledger_entries: Vec<ItemLedgerEntry>,
        value_entries: Vec<ValueEntry>,
        applications: Vec<ItemApplicationEntry>,
    ) {
        let count = item_ledger_entries.len();
        self.value_entries_by_ile = vec![EntryNos::new(); count];
        self.applications_by_ile = vec![EntryNos::new(); count];
        for entry in &item_ledger_entries {
            let item = entry.item.0 as usize;
            self.entries_by_item[item].push(entry.entry_no);
            if entry.applied_entry_to_adjust {
                self.applied_entries_to_adjust[item].insert(entry.entry_no);
            }
        }
        for entry in &value_entries {
            self.value_entries_by_ile[entry.item_ledger_entry_no as usize - 1].push(entry.entry_no);
        }
        for application in &applications {
            let sides = [
                Some(application.inbound_item_entry_no),
                Some(application.outbound_item_entry_no).filter(|&no| no != 0),
                application.transferred_from_entry_no,
            ];
            for ile in sides.into_iter().flatten() {
                self.applications_by_ile[ile as usize - 1].push(application.entry_no);
            }
        }
        self.item_ledger_entries = item_ledger_entries;
        self.value_entries = value_entries;
        self.item_application_entries = applications;
    }
}

/// Checks that every number and id in `parts` points inside the tables and the configuration of
/// `ledger` (a new ledger of the configuration), so that a ledger built from them cannot panic.
fn check_parts(ledger: &Ledger, parts: &LedgerParts) -> Result<(), String> {
    let items = ledger.config.items.len();
    let locations = ledger.location_codes.len();
    let dimension_sets = parts.dimension_sets.len();
    let entries = parts.item_ledger_entries.len() as u64;
    if parts.items.len() != items {
        return Err(format!(
            "the snapshot has cost state for {} items, the configuration has {items}",
            parts.items.len()
        ));
    }
    if parts
        .dimension_sets
        .first()
        .is_none_or(|set| !set.is_empty())
    {
        return Err("dimension set 0 is not the empty set".to_string());
    }
    let ids_fit = |item: ItemId, location: LocationId, dims: DimensionSetId| {
        (item.0 as usize) < items
            && (location.0 as usize) < locations
            && (dims.0 as usize) < dimension_sets
    };
    let ile_fits = |no: u64| (1..=entries).contains(&no);
    for (index, entry) in parts.item_ledger_entries.iter().enumerate() {
        if entry.entry_no != index as u64 + 1
            || !ids_fit(entry.item, entry.location, entry.dimension_set)
        {
            return Err(format!("item ledger entry {} does not fit", index + 1));
        }
    }
    for (index, entry) in parts.value_entries.iter().enumerate() {
        if entry.entry_no != index as u64 + 1
            || !ids_fit(entry.item, entry.location, entry.dimension_set)
            || !ile_fits(entry.item_ledger_entry_no)
        {
            return Err(format!("value entry {} does not fit", index + 1));
        }
    }
    for (index, entry) in parts.item_application_entries.iter().enumerate() {
        if entry.entry_no != index as u64 + 1
            || !ile_fits(entry.inbound_item_entry_no)
            || !(entry.outbound_item_entry_no == 0 || ile_fits(entry.outbound_item_entry_no))
            || !entry.transferred_from_entry_no.is_none_or(ile_fits)
        {
            return Err(format!("item application entry {} does not fit", index + 1));
        }
    }
    let bucket_fits = |key: &BucketKey, bucket: &Bucket| {
        ids_fit(key.item, key.location, DimensionSetId(0))
            && (bucket.open_inbound.iter())
                .chain(bucket.open_outbound.iter())
                .all(|&(_, no)| ile_fits(no))
    };
    if parts
        .buckets
        .iter()
        .any(|(key, bucket)| !bucket_fits(key, bucket))
        || parts.serials_on_hand.iter().any(|((item, _), no)| {
            !ids_fit(*item, LocationId::BLANK, DimensionSetId(0)) || !ile_fits(*no)
        })
        || parts
            .entry_points
            .keys()
            .any(|key| !ids_fit(key.item, key.location, DimensionSetId(0)))
    {
        return Err(
            "a stock bucket, serial number or entry point names an unknown item or entry"
                .to_string(),
        );
    }
    Ok(())
}

fn initial_item_state(item: &Item) -> ItemCostState {
    let unit_cost = if item.costing_method == crate::config::CostingMethod::Standard {
        item.standard_cost
    } else {
        item.unit_cost
    };
    ItemCostState {
        unit_cost,
        standard_cost: item.standard_cost,
        last_direct_cost: Decimal::ZERO,
        invoiced_quantity: Decimal::ZERO,
        inventory_quantity: Decimal::ZERO,
        inventory_cost: Decimal::ZERO,
        cost_is_adjusted: true,
        allow_online_adjustment: true,
    }
}

fn entry_index(entry_no: u64) -> Option<usize> {
    (entry_no as usize).checked_sub(1)
}
