//! What a new rule generation changes: which keys now map a role to a different account.
//!
//! Before a reloaded rule set is swapped in, the operator should see what it moves, e.g. "LYON
//! stock of resale goods now goes to 1206 instead of 1205". [`mapping_changes`] compares the
//! evaluated mappings of two rule sets role by role; [`summarize`] prints one line per change.
//!
//! Both generations evaluate every key the configuration knows when they load, but keys first
//! seen later (a dimension value during posting, a rule test) are only in the cache of the
//! generation that saw them. Such a key says nothing about the rules, so it is asked of the
//! other generation too before comparing; otherwise every key the old generation posted would
//! look like a removed mapping.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use super::key::{GeneralKey, InventoryKey, ENTRY_TYPES};
use super::role::{AccountRole, RoleSide};
use super::ruleset::{MappingRow, RuleSet};
use crate::journal::Dimensions;
use crate::ledger::ItemLedgerEntryType;

/// One (key, role) whose account differs between two rule generations.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MappingChange {
    pub side: RoleSide,
    /// The key as text: side, fields and entry type, e.g.
    /// `inventory key location=LYON inventory_posting_group=RESALE item_category=BEANS entry_type=sale`.
    pub key: String,
    pub role: AccountRole,
    /// `None`: no account (the role is unmapped, or the rule fails for this key).
    pub old_account: Option<String>,
    pub new_account: Option<String>,
}

impl fmt::Display for MappingChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |account: &Option<String>| account.clone().unwrap_or_else(|| "(none)".into());
        write!(
            f,
            "{}: {} {} -> {}",
            self.key,
            self.role,
            show(&self.old_account),
            show(&self.new_account)
        )
    }
}

/// A key as the mapping lists it: side, fields in display order, entry type.
type KeyId = (RoleSide, Vec<(&'static str, String)>, String);
/// The accounts one generation gives a key, by role.
type Accounts = BTreeMap<AccountRole, String>;

/// Every (key, role) whose account differs, appears or disappears from `old` to `new`, sorted
/// by side, key and role.
pub fn mapping_changes(old: &RuleSet, new: &RuleSet) -> Vec<MappingChange> {
    let mut old_keys = accounts_by_key(old.mapping());
    let mut new_keys = accounts_by_key(new.mapping());
    let all: BTreeSet<KeyId> = old_keys.keys().chain(new_keys.keys()).cloned().collect();
    for id in &all {
        // A key only one generation has seen is asked of the other one.
        if !old_keys.contains_key(id) {
            if let Some(accounts) = resolve(old, id) {
                old_keys.insert(id.clone(), accounts);
            }
        }
        if !new_keys.contains_key(id) {
            if let Some(accounts) = resolve(new, id) {
                new_keys.insert(id.clone(), accounts);
            }
        }
    }
    let empty = Accounts::new();
    let mut changes = Vec::new();
    for id in &all {
        let before = old_keys.get(id).unwrap_or(&empty);
        let after = new_keys.get(id).unwrap_or(&empty);
        let roles: BTreeSet<AccountRole> = before.keys().chain(after.keys()).copied().collect();
        for role in roles {
            let (old_account, new_account) = (before.get(&role), after.get(&role));
            if old_account != new_account {
                changes.push(MappingChange {
                    side: id.0,
                    key: key_text(id),
                    role,
                    old_account: old_account.cloned(),
                    new_account: new_account.cloned(),
                });
            }
        }
    }
    changes
}

/// One line per change (`key: role old -> new`, `(none)` for no account); "" when nothing
/// changed.
pub fn summarize(changes: &[MappingChange]) -> String {
    changes.iter().map(|change| format!("{change}\n")).collect()
}

fn accounts_by_key(rows: Vec<MappingRow>) -> BTreeMap<KeyId, Accounts> {
    let mut keys: BTreeMap<KeyId, Accounts> = BTreeMap::new();
    for row in rows {
        keys.entry((row.side, row.key_fields, row.entry_type))
            .or_default()
            .insert(row.resolved.role, row.resolved.account_no.to_string());
    }
    keys
}

/// `inventory key location=LYON ... entry_type=sale`; blank or spaced values are quoted.
fn key_text((side, fields, entry_type): &KeyId) -> String {
    let value = |text: &str| {
        if text.is_empty() || text.contains(char::is_whitespace) {
            format!("{text:?}")
        } else {
            text.to_string()
        }
    };
    let mut text = format!("{} key", side.as_str());
    for (name, field) in fields {
        text.push_str(&format!(" {name}={}", value(field)));
    }
    text.push_str(&format!(" entry_type={}", value(entry_type)));
    text
}

/// The accounts `rules` gives the key `id`, every role of its side; `None` when the key cannot
/// be rebuilt from its text.
fn resolve(rules: &RuleSet, id: &KeyId) -> Option<Accounts> {
    let (side, fields, entry_type) = id;
    let entry_type = parse_entry_type(entry_type)?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(field, _)| *field == name)
            .map_or("", |(_, value)| value.as_str())
    };
    let dimensions = Arc::new(parse_dimensions(field("dimensions"))?);
    let mut accounts = Accounts::new();
    for role in AccountRole::of_side(*side) {
        let resolved = match side {
            RoleSide::Inventory => rules.inventory_account(
                &InventoryKey {
                    location: field("location").into(),
                    inventory_posting_group: field("inventory_posting_group").into(),
                    item_category: field("item_category").into(),
                    entry_type,
                    dimensions: dimensions.clone(),
                },
                role,
            ),
            RoleSide::General => rules.general_account(
                &GeneralKey {
                    gen_bus_posting_group: field("gen_bus_posting_group").into(),
                    gen_prod_posting_group: field("gen_prod_posting_group").into(),
                    item_category: field("item_category").into(),
                    entry_type,
                    location: field("location").into(),
                    dimensions: dimensions.clone(),
                },
                role,
            ),
        };
        if let Ok(resolved) = resolved {
            accounts.insert(role, resolved.account_no.to_string());
        }
    }
    Some(accounts)
}

/// `Some(None)` for the blank type, `None` for a name that is no entry type.
fn parse_entry_type(name: &str) -> Option<Option<ItemLedgerEntryType>> {
    if name.is_empty() {
        return Some(None);
    }
    ENTRY_TYPES
        .iter()
        .find(|entry_type| entry_type.as_str() == name)
        .map(|entry_type| Some(*entry_type))
}

/// The mapping shows dimensions as `CODE=value,CODE=value`; `None` when that text does not
/// read back to itself (a pair without `=`, from a value containing `,`), so no wrong key is ever asked.
fn parse_dimensions(text: &str) -> Option<Dimensions> {
    let mut dimensions = Dimensions::new();
    if text.is_empty() {
        return Some(dimensions);
    }
    for pair in text.split(',') {
        let (code, value) = pair.split_once('=')?;
        dimensions.insert(code.to_string(), value.to_string());
    }
    let written: Vec<String> = dimensions
        .iter()
        .map(|(code, value)| format!("{code}={value}"))
        .collect();
    (written.join(",") == text).then_some(dimensions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimension_text_reads_back_or_is_refused() {
        let read = parse_dimensions("AREA=NORTH,DEPARTMENT=SALES").unwrap();
        assert_eq!(read.get("DEPARTMENT").map(String::as_str), Some("SALES"));
        assert_eq!(read.len(), 2);
        assert_eq!(parse_dimensions(""), Some(Dimensions::new()));
        assert_eq!(parse_dimensions("AREA=NORTH,SOUTH"), None);
        assert_eq!(parse_dimensions("AREA"), None);
    }

    #[test]
    fn entry_type_names_parse() {
        assert_eq!(
            parse_entry_type("sale"),
            Some(Some(ItemLedgerEntryType::Sale))
        );
        assert_eq!(parse_entry_type(""), Some(None));
        assert_eq!(parse_entry_type("sales"), None);
    }
}
