//! [`RuleSetAccounts`]: the rule set as the G/L posting's [`AccountResolver`].
//!
//! A value entry's posting groups, location, item category, entry type and dimensions make its
//! [`AccountKey`]; the rule set answers per key and role. Resolved accounts, with their
//! provenance, are cached per distinct value-entry key and role, so that posting a million value
//! entries runs a hash lookup per G/L line, not Rhai and not string formatting.

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap as HashMap;

use super::key::{AccountKey, AccountKeyParts};
use super::{AccountRole, RoleSide, RuleSet};
use crate::glpost::{AccountProvenance, AccountResolver, ResolvedAccount};
use crate::ledger::{Code, DimensionSetId, ItemLedgerEntryType, Ledger, LocationId, ValueEntry};

/// What of a value entry the rules can see, as plain numbers: the posting-group codes by the
/// address of their shared text. Codes are interned by the ledger, so equal codes share one
/// address; the cache keeps each key's codes alive ([`CachedAccount`]), so an address cannot be
/// reused by other text while its key is cached. A code that was not interned only costs a miss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct ValueEntryKey {
    location: LocationId,
    codes: [usize; 4],
    entry_type: ItemLedgerEntryType,
    dimension_set: DimensionSetId,
    role: AccountRole,
}

/// A cached answer, with the codes its key points at.
#[derive(Debug)]
struct CachedAccount {
    account: ResolvedAccount,
    _codes: [Code; 4],
}

fn address(code: &Code) -> usize {
    Arc::as_ptr(code) as *const u8 as usize
}

/// A rule set answering the G/L posting, with a per-key cache of resolved accounts.
#[derive(Debug)]
pub struct RuleSetAccounts<'a> {
    rules: &'a RuleSet,
    hash: Code,
    resolved: Mutex<HashMap<ValueEntryKey, CachedAccount>>,
}

impl<'a> RuleSetAccounts<'a> {
    pub fn new(rules: &'a RuleSet) -> Self {
        RuleSetAccounts {
            rules,
            hash: Arc::from(rules.hash()),
            resolved: Mutex::new(HashMap::default()),
        }
    }

    fn resolve(
        &self,
        ledger: &Ledger,
        entry: &ValueEntry,
        role: AccountRole,
    ) -> Result<ResolvedAccount, String> {
        let parts = AccountKeyParts {
            location: ledger.location_code(entry.location),
            inventory_posting_group: &entry.inventory_posting_group,
            gen_bus_posting_group: &entry.gen_bus_posting_group,
            gen_prod_posting_group: &entry.gen_prod_posting_group,
            item_category: ledger.item_category(entry.item),
            entry_type: Some(entry.item_ledger_entry_type),
        };
        let key = AccountKey::new(
            &parts,
            Arc::new(ledger.dimensions(entry.dimension_set).clone()),
        );
        let account = self
            .rules
            .account(&key, role)
            .map_err(|error| error.to_string())?;
        let key_text = match role.side() {
            RoleSide::Inventory => key.inventory.to_string(),
            RoleSide::General => key.general.to_string(),
        };
        Ok(ResolvedAccount {
            account_no: account.account_no,
            provenance: Arc::new(AccountProvenance {
                rule_set_hash: self.hash.clone(),
                rule_file: account.rule_file,
                rule_function: Arc::from(account.rule_function),
                key: Arc::from(key_text.as_str()),
            }),
        })
    }
}

impl AccountResolver for RuleSetAccounts<'_> {
    fn account(
        &self,
        ledger: &Ledger,
        entry: &ValueEntry,
        role: AccountRole,
    ) -> Result<ResolvedAccount, String> {
        let category = ledger.item_category(entry.item);
        let codes = [
            &entry.inventory_posting_group,
            &entry.gen_bus_posting_group,
            &entry.gen_prod_posting_group,
            category,
        ];
        let key = ValueEntryKey {
            location: entry.location,
            codes: codes.map(address),
            entry_type: entry.item_ledger_entry_type,
            dimension_set: entry.dimension_set,
            role,
        };
        if let Some(found) = self
            .resolved
            .lock()
            .expect("cache lock is never poisoned")
            .get(&key)
        {
            return Ok(found.account.clone());
        }
        let resolved = self.resolve(ledger, entry, role)?;
        let cached = CachedAccount {
            account: resolved.clone(),
            _codes: codes.map(Arc::clone),
        };
        self.resolved
            .lock()
            .expect("cache lock is never poisoned")
            .insert(key, cached);
        Ok(resolved)
    }
}
