//! [`ReconciliationState`]: the running sums both sides of the reconciliation are read from.
//!
//! Value entries and G/L entries are append-only and a value entry's cost amounts never change
//! after it is created (only its posted fields do), so each entry is folded in once, when it
//! appears, into sums keyed by (role, account, location, inventory posting group, posting date).
//! The cost per entry is a few hash-map updates whatever the history's length; a report then
//! iterates the keys, not the entries.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::projection::{part_amount, part_posted, project_value_entry};
use super::report::CellKey;
use crate::books::Books;
use crate::glpost::{AccountResolver, CostPart, GlEntry};
use crate::ledger::{Code, Ledger, LocationId, ValueEntry};
use crate::rules::AccountRole;

/// How far a state has read the books: the lengths of the entry tables it has folded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EntryMarks {
    pub value_entries: usize,
    pub gl_entries: usize,
    pub relations: usize,
}

impl EntryMarks {
    /// The current lengths of the books' entry tables.
    pub fn of(books: &Books) -> Self {
        EntryMarks {
            value_entries: books.ledger.value_entries().len(),
            gl_entries: books.general_ledger.entries().len(),
            relations: books.general_ledger.relations().len(),
        }
    }
}

/// A running sum and the entries behind it (value entry or G/L entry numbers, ascending).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Sum {
    pub amount: Decimal,
    pub entries: Vec<u64>,
}

impl Sum {
    fn add(&mut self, amount: Decimal, entry_no: u64) {
        self.amount += amount;
        if self.entries.last() != Some(&entry_no) {
            self.entries.push(entry_no);
        }
    }
}

/// Sums per cell and posting date.
pub(crate) type Sums = HashMap<(CellKey, NaiveDate), Sum>;

/// An adjustment value entry dated later than the entry it adjusts (moved to an allowed date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MovedAdjustment {
    pub value_entry_no: u64,
    pub adjusted_date: NaiveDate,
    pub posting_date: NaiveDate,
}

/// The reconciliation's running figures for one company and one account resolver.
///
/// The accounts of the sub-ledger side are the ones the resolver gives when an entry is folded
/// in; after a rule change, build a new state with [`ReconciliationState::from_books`] and the new
/// resolver, so that balances left on the old accounts show up as "rule change".
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReconciliationState {
    marks: EntryMarks,
    /// Every value entry part projected onto its roles, at the resolver's accounts.
    pub(crate) sub_ledger: Sums,
    /// G/L entries by the role they were posted as and their account.
    pub(crate) general_ledger: Sums,
    /// Expected parts that never reach the G/L because expected cost posting is off
    /// (G/L minus sub-ledger, per cell).
    pub(crate) expected_cost_off: Sums,
    /// G/L entries on an account other than the resolver's for their value entry and role:
    /// +amount on the account posted, −amount on the account the resolver gives now.
    pub(crate) rule_change: Sums,
    /// The roles each account is mapped to (by the resolver or by a G/L entry's role).
    pub(crate) mapped_roles: BTreeMap<Code, BTreeSet<AccountRole>>,
    pub(crate) moved_adjustments: Vec<MovedAdjustment>,
    locations: LocationCodes,
}

/// The figures of a [`ReconciliationState`] as its parts (see [`ReconciliationState::from_parts`]).
pub(crate) struct ReconciliationFigures {
    pub sub_ledger: Sums,
    pub general_ledger: Sums,
    pub expected_cost_off: Sums,
    pub rule_change: Sums,
    pub mapped_roles: BTreeMap<Code, BTreeSet<AccountRole>>,
    pub moved_adjustments: Vec<MovedAdjustment>,
}

/// Location codes as shared strings, by location id, so that folding an entry in does not
/// allocate one. A cache: two states with the same figures are equal whatever it holds.
#[derive(Debug, Clone, Default)]
struct LocationCodes(Vec<Option<Code>>);

impl PartialEq for LocationCodes {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl LocationCodes {
    fn code(&mut self, ledger: &Ledger, location: LocationId) -> Code {
        let index = location.0 as usize;
        if self.0.len() <= index {
            self.0.resize(index + 1, None);
        }
        self.0[index]
            .get_or_insert_with(|| Arc::from(ledger.location_code(location)))
            .clone()
    }
}

impl ReconciliationState {
    /// The state of the books as they are, computed from every entry.
    pub fn from_books(books: &Books, accounts: &dyn AccountResolver) -> Self {
        let mut state = ReconciliationState::default();
        state.apply_new_entries(books, accounts);
        state
    }

    /// A state with these figures, for the snapshot codec (`store::snapshot`); the location
    /// cache starts empty.
    pub(crate) fn from_parts(marks: EntryMarks, figures: ReconciliationFigures) -> Self {
        ReconciliationState {
            marks,
            sub_ledger: figures.sub_ledger,
            general_ledger: figures.general_ledger,
            expected_cost_off: figures.expected_cost_off,
            rule_change: figures.rule_change,
            mapped_roles: figures.mapped_roles,
            moved_adjustments: figures.moved_adjustments,
            locations: LocationCodes::default(),
        }
    }

    /// How far the state has read the books.
    pub fn marks(&self) -> EntryMarks {
        self.marks
    }

    /// Folds in the entries created since [`marks`](Self::marks): call it after each batch
    /// (journal, cost adjustment, post inventory cost to G/L). The cost is proportional to the
    /// new entries only. The marks are kept by the state, not passed in, so an entry can never
    /// be counted twice.
    pub fn apply_new_entries(&mut self, books: &Books, accounts: &dyn AccountResolver) {
        let now = EntryMarks::of(books);
        let ledger = &books.ledger;
        let expected_posting = ledger.config().inventory_setup.expected_cost_posting_to_gl;
        for entry in &ledger.value_entries()[self.marks.value_entries..now.value_entries] {
            self.apply_value_entry(ledger, entry, accounts, expected_posting);
        }
        let general_ledger = &books.general_ledger;
        for entry in &general_ledger.entries()[self.marks.gl_entries..now.gl_entries] {
            // The first value entry related to the G/L entry (a binary search: no map of the
            // batch's relations, which was 6 million entries after a batch of a million
            // movements).
            let value_entry = general_ledger
                .value_entries_of(entry.entry_no)
                .next()
                .and_then(|no| ledger.value_entry(no));
            self.apply_gl_entry(ledger, entry, value_entry, accounts);
        }
        self.marks = now;
    }

    fn apply_value_entry(
        &mut self,
        ledger: &Ledger,
        entry: &ValueEntry,
        accounts: &dyn AccountResolver,
        expected_posting: bool,
    ) {
        let date = entry.posting_date;
        let location = self.locations.code(ledger, entry.location);
        for (share, amount) in project_value_entry(entry, |part| part_amount(entry, part)) {
            let key = cell_of(ledger, entry, share.role, accounts, location.clone());
            self.map_account(&key);
            if share.part == CostPart::Expected && !expected_posting {
                let unposted = part_amount(entry, share.part) - part_posted(entry, share.part);
                let left = -share.sign * unposted;
                if !left.is_zero() {
                    add(
                        &mut self.expected_cost_off,
                        key.clone(),
                        date,
                        left,
                        entry.entry_no,
                    );
                }
            }
            add(&mut self.sub_ledger, key, date, amount, entry.entry_no);
        }
        self.note_moved_adjustment(ledger, entry);
    }

    fn note_moved_adjustment(&mut self, ledger: &Ledger, entry: &ValueEntry) {
        if !entry.adjustment {
            return;
        }
        let adjusted = entry.applies_to_entry.and_then(|no| ledger.value_entry(no));
        if let Some(adjusted) = adjusted.filter(|a| a.posting_date < entry.posting_date) {
            self.moved_adjustments.push(MovedAdjustment {
                value_entry_no: entry.entry_no,
                adjusted_date: adjusted.posting_date,
                posting_date: entry.posting_date,
            });
        }
    }

    fn apply_gl_entry(
        &mut self,
        ledger: &Ledger,
        entry: &GlEntry,
        value_entry: Option<&ValueEntry>,
        accounts: &dyn AccountResolver,
    ) {
        let (location, inventory_posting_group) = match value_entry {
            Some(value_entry) => (
                self.locations.code(ledger, value_entry.location),
                value_entry.inventory_posting_group.clone(),
            ),
            None => (ledger.blank_code(), ledger.blank_code()),
        };
        let key = CellKey {
            role: entry.account_role,
            account_no: Some(entry.account_no.clone()),
            location,
            inventory_posting_group,
        };
        self.map_account(&key);
        let date = entry.posting_date;
        add(
            &mut self.general_ledger,
            key.clone(),
            date,
            entry.amount,
            entry.entry_no,
        );
        let Some(value_entry) = value_entry else {
            return;
        };
        let location = key.location.clone();
        let current = cell_of(ledger, value_entry, entry.account_role, accounts, location);
        if current.account_no != key.account_no {
            let (no, amount) = (entry.entry_no, entry.amount);
            add(&mut self.rule_change, key, date, amount, no);
            add(&mut self.rule_change, current, date, -amount, no);
        }
    }

    fn map_account(&mut self, key: &CellKey) {
        if let Some(account_no) = &key.account_no {
            self.mapped_roles
                .entry(account_no.clone())
                .or_default()
                .insert(key.role);
        }
    }
}

/// The cell a role of a value entry falls in: the resolver's account (none when it has none),
/// the entry's location and inventory posting group.
pub(crate) fn value_entry_cell(
    ledger: &Ledger,
    entry: &ValueEntry,
    role: AccountRole,
    accounts: &dyn AccountResolver,
) -> CellKey {
    let location = Arc::from(ledger.location_code(entry.location));
    cell_of(ledger, entry, role, accounts, location)
}

fn cell_of(
    ledger: &Ledger,
    entry: &ValueEntry,
    role: AccountRole,
    accounts: &dyn AccountResolver,
    location: Code,
) -> CellKey {
    CellKey {
        role,
        account_no: accounts
            .account(ledger, entry, role)
            .ok()
            .map(|resolved| resolved.account_no),
        location,
        inventory_posting_group: entry.inventory_posting_group.clone(),
    }
}

fn add(sums: &mut Sums, key: CellKey, date: NaiveDate, amount: Decimal, entry_no: u64) {
    sums.entry((key, date)).or_default().add(amount, entry_no);
}
