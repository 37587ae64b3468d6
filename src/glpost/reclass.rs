//! Rule-change reclassification: moving the balances that value entries left on the accounts
//! they were posted to onto the accounts another rule set gives for them.
//!
//! Accounts are resolved when a value entry is posted to the G/L (spec §8.4, cause 5), so after
//! a mapping change the history stays on the old accounts. Nothing in the sub-ledger changes:
//! what moves is, for every value entry and account role, the amount its posted parts put on
//! that role (the account pair matrix applied to its posted-to-G/L fields). That (value entry,
//! role) pair is a [`PostedLine`]; [`posted_lines`] reads them from the G/L and its relations,
//! following earlier reclassifications, and [`line_changes`] asks a resolver where each should be.
//!
//! A reclassification is posted as G/L entries that do not come from posting value entries:
//! one pair per (role, from account, to account, location, inventory posting group, dimension
//! set), −amount on the old account and +amount on the new one, in one transaction, in a G/L
//! register of source [`GlRegisterSource::Reclassification`], dated and numbered as the user
//! asked. Each entry is related to the value entries whose lines it moves, so that the
//! reconciliation finds their location and posting group (and sees the pair cancel the "rule
//! change" its originals cause), and a later reclassification starts from where the lines are
//! now. Pure: no I/O, no clock.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use super::general_ledger::{
    AccountProvenance, GlDescription, GlEntry, GlItemLedgerRelation, GlRegisterSource,
};
use super::matrix::CostPart;
use super::post::AccountResolver;
use crate::books::Books;
use crate::ledger::{Code, DimensionSetId, LocationId, ValueEntry};
use crate::recon::project_value_entry;
use crate::rules::AccountRole;

/// What one value entry's posted cost put on one account role, and where it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedLine {
    pub value_entry_no: u64,
    pub role: AccountRole,
    /// The account the amount sits on now: the one it was posted to, or the one a later
    /// reclassification moved it to.
    pub account_no: Code,
    /// The amount on the role (debit positive): the matrix applied to the posted parts.
    pub amount: Decimal,
    /// The G/L entry that put it on `account_no` (the first, when several did).
    pub gl_entry_no: u64,
}

/// Every posted line of the books, in value entry order, then role order.
///
/// Fails when a value entry has posted cost on a role but no G/L entry of that role is related
/// to it (books that do not keep spec §9 invariant 21).
pub fn posted_lines(books: &Books) -> Result<Vec<PostedLine>, String> {
    let general_ledger = &books.general_ledger;
    let mut accounts: FxHashMap<(u64, AccountRole), (Code, u64)> = FxHashMap::default();
    accounts.reserve(general_ledger.relations().len());
    for relation in general_ledger.relations() {
        let Some(gl) = general_ledger.entry(relation.gl_entry_no) else {
            continue;
        };
        let key = (relation.value_entry_no, gl.account_role);
        match gl.description {
            GlDescription::Reclassification { into: true, .. } => {
                accounts.insert(key, (gl.account_no.clone(), gl.entry_no));
            }
            GlDescription::Reclassification { into: false, .. } => {}
            _ => {
                accounts
                    .entry(key)
                    .or_insert_with(|| (gl.account_no.clone(), gl.entry_no));
            }
        }
    }
    let mut lines = Vec::with_capacity(accounts.len());
    for entry in books.ledger.value_entries() {
        for (role, amount) in posted_roles(entry) {
            let Some((account_no, gl_entry_no)) = accounts.get(&(entry.entry_no, role)) else {
                return Err(format!(
                    "value entry {} has {amount} posted on {role} but no G/L entry of that role",
                    entry.entry_no
                ));
            };
            lines.push(PostedLine {
                value_entry_no: entry.entry_no,
                role,
                account_no: account_no.clone(),
                amount,
                gl_entry_no: *gl_entry_no,
            });
        }
    }
    Ok(lines)
}

/// The roles a value entry's posted parts hit, with the net amount per role (non-zero only): the
/// reconciliation's projection (spec §8.1) of what has reached the G/L.
fn posted_roles(entry: &ValueEntry) -> Vec<(AccountRole, Decimal)> {
    let mut roles: Vec<(AccountRole, Decimal)> = Vec::with_capacity(4);
    let posted = |part| match part {
        CostPart::Expected => entry.expected_cost_posted_to_gl,
        CostPart::Actual => entry.cost_posted_to_gl,
    };
    for (share, amount) in project_value_entry(entry, posted) {
        match roles.iter_mut().find(|(known, _)| *known == share.role) {
            Some((_, sum)) => *sum += amount,
            None => roles.push((share.role, amount)),
        }
    }
    roles.retain(|(_, amount)| !amount.is_zero());
    roles
}

/// A posted line that another resolver puts on another account.
#[derive(Debug, Clone, PartialEq)]
pub struct LineChange {
    pub line: PostedLine,
    pub new_account_no: Code,
    /// The rule that gives the new account.
    pub provenance: Arc<AccountProvenance>,
}

/// The lines `accounts` puts elsewhere. Fails on the first line it gives no account for,
/// naming the value entry, the role and the resolver's reason.
pub fn line_changes(
    books: &Books,
    lines: &[PostedLine],
    accounts: &dyn AccountResolver,
) -> Result<Vec<LineChange>, String> {
    let ledger = &books.ledger;
    let mut changes = Vec::new();
    for line in lines {
        let entry = ledger
            .value_entry(line.value_entry_no)
            .expect("a posted line names an existing value entry");
        let resolved = accounts
            .account(ledger, entry, line.role)
            .map_err(|reason| {
                format!(
                    "value entry {} ({} {}, {}): no account for {}: {reason}",
                    entry.entry_no,
                    entry.item_ledger_entry_type.as_str(),
                    entry.entry_type.as_str(),
                    entry.posting_date,
                    line.role
                )
            })?;
        if resolved.account_no != line.account_no {
            changes.push(LineChange {
                line: line.clone(),
                new_account_no: resolved.account_no,
                provenance: resolved.provenance,
            });
        }
    }
    Ok(changes)
}

/// The lines of one reclassification pair: same role, from and to account, location,
/// inventory posting group and dimension set.
#[derive(Debug, Clone, PartialEq)]
pub struct ReclassificationGroup {
    pub role: AccountRole,
    pub from_account_no: Code,
    pub to_account_no: Code,
    pub location: LocationId,
    pub inventory_posting_group: Code,
    pub dimension_set: DimensionSetId,
    /// Σ of the lines' amounts: what leaves `from_account_no` and reaches `to_account_no`.
    pub amount: Decimal,
    /// The value entries whose lines move, ascending.
    pub value_entry_nos: Vec<u64>,
    /// The rule that gives the new account (of the group's first line).
    pub provenance: Arc<AccountProvenance>,
}

type GroupKey = (AccountRole, Code, Code, LocationId, Code, DimensionSetId);

/// The changes grouped into reclassification pairs, in (role, from, to, location, posting
/// group, dimension set) order.
pub fn group_changes(books: &Books, changes: &[LineChange]) -> Vec<ReclassificationGroup> {
    let ledger = &books.ledger;
    let mut groups: BTreeMap<GroupKey, ReclassificationGroup> = BTreeMap::new();
    for change in changes {
        let entry = ledger
            .value_entry(change.line.value_entry_no)
            .expect("a line change names an existing value entry");
        let key = (
            change.line.role,
            change.line.account_no.clone(),
            change.new_account_no.clone(),
            entry.location,
            entry.inventory_posting_group.clone(),
            entry.dimension_set,
        );
        let group = groups.entry(key).or_insert_with(|| ReclassificationGroup {
            role: change.line.role,
            from_account_no: change.line.account_no.clone(),
            to_account_no: change.new_account_no.clone(),
            location: entry.location,
            inventory_posting_group: entry.inventory_posting_group.clone(),
            dimension_set: entry.dimension_set,
            amount: Decimal::ZERO,
            value_entry_nos: Vec::new(),
            provenance: change.provenance.clone(),
        });
        group.amount += change.line.amount;
        if group.value_entry_nos.last() != Some(&entry.entry_no) {
            group.value_entry_nos.push(entry.entry_no);
        }
    }
    groups.into_values().collect()
}

/// The reclassification journal: per account, what the groups move onto it (+) or off it
/// (−); accounts that net to zero are left out. In account order; the amounts sum to zero.
pub fn journal_of(groups: &[ReclassificationGroup]) -> Vec<(Code, Decimal)> {
    let mut accounts: BTreeMap<Code, Decimal> = BTreeMap::new();
    for group in groups {
        *accounts.entry(group.from_account_no.clone()).or_default() -= group.amount;
        *accounts.entry(group.to_account_no.clone()).or_default() += group.amount;
    }
    accounts
        .into_iter()
        .filter(|(_, amount)| !amount.is_zero())
        .collect()
}

/// What posting a reclassification did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReclassificationPosting {
    /// The G/L register of the reclassification (`None` when nothing moved).
    pub register_no: Option<u64>,
    pub gl_entries_created: u64,
    /// Pairs left out because their lines net to zero.
    pub zero_groups: u64,
}

/// Posts one G/L pair per group with a non-zero amount (−amount on the old account, +amount on
/// the new one, one transaction each), dated `posting_date` with `document_no`, each entry
/// related to the group's value entries. Cannot fail: the caller has resolved every account.
pub fn post_reclassification(
    books: &mut Books,
    groups: &[ReclassificationGroup],
    posting_date: NaiveDate,
    document_no: &str,
) -> ReclassificationPosting {
    let general_ledger = &mut books.general_ledger;
    let mut posting = ReclassificationPosting::default();
    let register_no = general_ledger.open_register(GlRegisterSource::Reclassification);
    let document_no: Code = Arc::from(document_no);
    for group in groups {
        if group.amount.is_zero() {
            posting.zero_groups += 1;
            continue;
        }
        let transaction_no = general_ledger.next_transaction_no();
        for (into, account_no, amount) in [
            (false, &group.from_account_no, -group.amount),
            (true, &group.to_account_no, group.amount),
        ] {
            let gl_entry_no = general_ledger.insert_entry(GlEntry {
                entry_no: 0,
                transaction_no,
                register_no,
                posting_date,
                document_no: document_no.clone(),
                external_document_no: None,
                account_no: account_no.clone(),
                account_role: group.role,
                amount,
                dimension_set: group.dimension_set,
                description: GlDescription::Reclassification {
                    role: group.role,
                    into,
                },
                provenance: group.provenance.clone(),
            });
            for &value_entry_no in &group.value_entry_nos {
                general_ledger.insert_relation(GlItemLedgerRelation {
                    gl_entry_no,
                    value_entry_no,
                    register_no,
                });
            }
            posting.gl_entries_created += 1;
        }
    }
    general_ledger.close_register();
    if posting.gl_entries_created > 0 {
        posting.register_no = Some(register_no);
    }
    posting
}
