//! The keys a rule is asked about: a read-only description of where a value entry posts.
//!
//! Each side has its own key type so that the cache holds exactly the fields its rule function
//! can see. [`AccountKey`] bundles both for the G/L posting, which needs roles of both sides for
//! one value entry; a lookup hashes only the half its role needs, so no key is built per lookup.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use rhai::{Dynamic, Map};

use crate::journal::Dimensions;
use crate::ledger::entries::{Code, ItemLedgerEntryType};

/// Key of the inventory side (BC Inventory Posting Setup plus what localisations need).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InventoryKey {
    /// Location code; "" is the blank location.
    pub location: Code,
    pub inventory_posting_group: Code,
    /// Item category code; "" when the item has none.
    pub item_category: Code,
    /// `None` for capacity entries, whose item ledger entry type is blank.
    pub entry_type: Option<ItemLedgerEntryType>,
    pub dimensions: Arc<Dimensions>,
}

/// Key of the general side (BC General Posting Setup plus what localisations need).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GeneralKey {
    /// "" on item journal lines, which carry no business group.
    pub gen_bus_posting_group: Code,
    pub gen_prod_posting_group: Code,
    pub item_category: Code,
    pub entry_type: Option<ItemLedgerEntryType>,
    pub location: Code,
    pub dimensions: Arc<Dimensions>,
}

/// Both keys of one value entry; [`RuleSet::account`](super::RuleSet::account) picks the half
/// the asked role belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountKey {
    pub inventory: InventoryKey,
    pub general: GeneralKey,
}

/// The posting-group fields of a value entry, as the G/L posting knows them.
#[derive(Debug, Clone, Default)]
pub struct AccountKeyParts<'a> {
    pub location: &'a str,
    pub inventory_posting_group: &'a str,
    pub gen_bus_posting_group: &'a str,
    pub gen_prod_posting_group: &'a str,
    pub item_category: &'a str,
    pub entry_type: Option<ItemLedgerEntryType>,
}

impl AccountKey {
    /// Builds both halves; build it once per distinct posting-group combination, not per entry.
    pub fn new(parts: &AccountKeyParts<'_>, dimensions: Arc<Dimensions>) -> AccountKey {
        let location: Code = parts.location.into();
        let item_category: Code = parts.item_category.into();
        AccountKey {
            inventory: InventoryKey {
                location: location.clone(),
                inventory_posting_group: parts.inventory_posting_group.into(),
                item_category: item_category.clone(),
                entry_type: parts.entry_type,
                dimensions: dimensions.clone(),
            },
            general: GeneralKey {
                gen_bus_posting_group: parts.gen_bus_posting_group.into(),
                gen_prod_posting_group: parts.gen_prod_posting_group.into(),
                item_category,
                entry_type: parts.entry_type,
                location,
                dimensions,
            },
        }
    }
}

/// Script name of an entry type; "" for the blank type of capacity entries.
pub fn entry_type_name(entry_type: Option<ItemLedgerEntryType>) -> &'static str {
    entry_type.map_or("", ItemLedgerEntryType::as_str)
}

/// Every entry type, for parsing the names rules and reports use.
pub const ENTRY_TYPES: [ItemLedgerEntryType; 9] = [
    ItemLedgerEntryType::Purchase,
    ItemLedgerEntryType::Sale,
    ItemLedgerEntryType::PositiveAdjmt,
    ItemLedgerEntryType::NegativeAdjmt,
    ItemLedgerEntryType::Transfer,
    ItemLedgerEntryType::Consumption,
    ItemLedgerEntryType::Output,
    ItemLedgerEntryType::AssemblyConsumption,
    ItemLedgerEntryType::AssemblyOutput,
];

/// The entry types the posting engine creates today; the load-time evaluation covers these.
pub const POSTED_ENTRY_TYPES: [ItemLedgerEntryType; 5] = [
    ItemLedgerEntryType::Purchase,
    ItemLedgerEntryType::Sale,
    ItemLedgerEntryType::PositiveAdjmt,
    ItemLedgerEntryType::NegativeAdjmt,
    ItemLedgerEntryType::Transfer,
];

fn string_map(values: &BTreeMap<String, String>) -> Map {
    values
        .iter()
        .map(|(name, value)| (name.as_str().into(), Dynamic::from(value.clone())))
        .collect()
}

fn text(value: &str) -> Dynamic {
    Dynamic::from(value.to_string())
}

impl InventoryKey {
    /// The map the rule function receives as `key`.
    pub(crate) fn to_script_map(&self, location_attributes: &BTreeMap<String, String>) -> Map {
        let mut map = Map::new();
        map.insert("location".into(), text(&self.location));
        map.insert(
            "location_attributes".into(),
            string_map(location_attributes).into(),
        );
        map.insert(
            "inventory_posting_group".into(),
            text(&self.inventory_posting_group),
        );
        map.insert("item_category".into(), text(&self.item_category));
        map.insert("entry_type".into(), text(entry_type_name(self.entry_type)));
        map.insert("dimensions".into(), string_map(&self.dimensions).into());
        map
    }
}

impl GeneralKey {
    /// The map the rule function receives as `key`.
    pub(crate) fn to_script_map(&self, location_attributes: &BTreeMap<String, String>) -> Map {
        let mut map = Map::new();
        map.insert(
            "gen_bus_posting_group".into(),
            text(&self.gen_bus_posting_group),
        );
        map.insert(
            "gen_prod_posting_group".into(),
            text(&self.gen_prod_posting_group),
        );
        map.insert("item_category".into(), text(&self.item_category));
        map.insert("entry_type".into(), text(entry_type_name(self.entry_type)));
        map.insert("location".into(), text(&self.location));
        map.insert(
            "location_attributes".into(),
            string_map(location_attributes).into(),
        );
        map.insert("dimensions".into(), string_map(&self.dimensions).into());
        map
    }
}

fn write_dimensions(f: &mut fmt::Formatter<'_>, dimensions: &Dimensions) -> fmt::Result {
    if dimensions.is_empty() {
        return Ok(());
    }
    let pairs: Vec<String> = dimensions
        .iter()
        .map(|(code, value)| format!("{code}={value:?}"))
        .collect();
    write!(f, " dimensions={{{}}}", pairs.join(", "))
}

impl fmt::Display for InventoryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "inventory key location={:?} inventory_posting_group={:?} item_category={:?} entry_type={:?}",
            &*self.location,
            &*self.inventory_posting_group,
            &*self.item_category,
            entry_type_name(self.entry_type)
        )?;
        write_dimensions(f, &self.dimensions)
    }
}

impl fmt::Display for GeneralKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "general key gen_bus_posting_group={:?} gen_prod_posting_group={:?} item_category={:?} entry_type={:?} location={:?}",
            &*self.gen_bus_posting_group,
            &*self.gen_prod_posting_group,
            &*self.item_category,
            entry_type_name(self.entry_type),
            &*self.location
        )?;
        write_dimensions(f, &self.dimensions)
    }
}
