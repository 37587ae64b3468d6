//! [`RoleAccounts`]: an account resolver without rules, for scenarios and tests. Every role posts
//! to an account named after it (`inventory`, `cogs`...), so that balances per account type can be
//! read directly. Inventory-side roles can be split by location (`inventory@BLUE`).

use std::sync::Arc;

use super::general_ledger::AccountProvenance;
use super::post::{AccountResolver, ResolvedAccount};
use crate::ledger::{Code, Ledger, ValueEntry};
use crate::rules::{AccountRole, RoleSide};

/// Accounts named after their roles.
#[derive(Debug, Clone)]
pub struct RoleAccounts {
    split_inventory_by_location: bool,
    provenance: Arc<AccountProvenance>,
}

impl RoleAccounts {
    /// One account per role.
    pub fn new() -> Self {
        Self::with_location_split(false)
    }

    /// One account per role, and per location for the inventory-side roles.
    pub fn with_location_split(split_inventory_by_location: bool) -> Self {
        let built_in: Code = Arc::from("(built-in)");
        RoleAccounts {
            split_inventory_by_location,
            provenance: Arc::new(AccountProvenance {
                rule_set_hash: Arc::from("role-accounts"),
                rule_file: built_in.clone(),
                rule_function: Arc::from("role_name"),
                key: built_in,
            }),
        }
    }

    /// The account no. of a role at a location, as this resolver names it.
    pub fn account_no(role: AccountRole, location_code: Option<&str>) -> String {
        match location_code {
            Some(code) => format!("{}@{code}", role.name()),
            None => role.name().to_string(),
        }
    }
}

impl Default for RoleAccounts {
    fn default() -> Self {
        Self::new()
    }
}

impl AccountResolver for RoleAccounts {
    fn account(
        &self,
        ledger: &Ledger,
        entry: &ValueEntry,
        role: AccountRole,
    ) -> Result<ResolvedAccount, String> {
        let by_location = self.split_inventory_by_location && role.side() == RoleSide::Inventory;
        let location_code = by_location.then(|| ledger.location_code(entry.location));
        let account_no: Code = Arc::from(RoleAccounts::account_no(role, location_code).as_str());
        Ok(ResolvedAccount {
            account_no,
            provenance: self.provenance.clone(),
        })
    }
}
