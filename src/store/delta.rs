//! [`BooksDelta`]: what a batch changed in the books, as the store writes it.

use std::collections::BTreeSet;

use crate::books::Books;
use crate::ledger::EntryChanges;

/// How far the store has written the books: the length of each append-only table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreMarks {
    pub item_ledger_entries: u64,
    pub value_entries: u64,
    pub item_application_entries: u64,
    pub gl_entries: u64,
    pub gl_relations: u64,
    pub gl_registers: u64,
    pub dimension_sets: u64,
}

impl std::fmt::Display for StoreMarks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} item ledger entries, {} value entries, {} G/L entries",
            self.item_ledger_entries, self.value_entries, self.gl_entries
        )
    }
}

impl StoreMarks {
    /// The current lengths of the books' tables.
    pub fn of(books: &Books) -> StoreMarks {
        let ledger = &books.ledger;
        let general_ledger = &books.general_ledger;
        StoreMarks {
            item_ledger_entries: ledger.item_ledger_entries().len() as u64,
            value_entries: ledger.value_entries().len() as u64,
            item_application_entries: ledger.item_application_entries().len() as u64,
            gl_entries: general_ledger.entries().len() as u64,
            gl_relations: general_ledger.relations().len() as u64,
            gl_registers: general_ledger.registers().len() as u64,
            dimension_sets: ledger.dimension_sets().len() as u64,
        }
    }

    /// Whether every table is at least as long as in `earlier` (the books only grow).
    pub fn covers(&self, earlier: &StoreMarks) -> bool {
        self.item_ledger_entries >= earlier.item_ledger_entries
            && self.value_entries >= earlier.value_entries
            && self.item_application_entries >= earlier.item_application_entries
            && self.gl_entries >= earlier.gl_entries
            && self.gl_relations >= earlier.gl_relations
            && self.gl_registers >= earlier.gl_registers
            && self.dimension_sets >= earlier.dimension_sets
    }
}

/// What one batch changed: the rows after `before` in every append-only table are new; the
/// listed older entries had a status field change; the G/L queue gained and lost entries.
#[derive(Debug, Clone)]
pub struct BooksDelta<'a> {
    pub books: &'a Books,
    pub before: StoreMarks,
    pub after: StoreMarks,
    /// Item ledger entries numbered up to `before.item_ledger_entries` whose bookkeeping changed
    /// (remaining quantity, invoiced quantity, flags); ascending, no duplicates.
    pub changed_item_ledger_entries: Vec<u64>,
    /// Value entries numbered up to `before.value_entries` whose valuation date or posted-to-G/L
    /// amounts changed; ascending, no duplicates.
    pub changed_value_entries: Vec<u64>,
    /// Value entries that joined the G/L posting queue (all new in the batch); ascending.
    pub queue_added: Vec<u64>,
    /// Older value entries that left the queue because they were posted; ascending.
    pub queue_removed: Vec<u64>,
}

impl<'a> BooksDelta<'a> {
    /// The delta between `before` and the books as they are now; `changes` is what the ledger
    /// recorded since `before` ([`crate::ledger::Ledger::take_changes`]).
    pub fn new(books: &'a Books, before: StoreMarks, changes: EntryChanges) -> BooksDelta<'a> {
        let after = StoreMarks::of(books);
        assert!(
            after.covers(&before),
            "the books shrank since the store's marks"
        );
        let older = |entries: Vec<u64>, mark: u64| -> Vec<u64> {
            let set: BTreeSet<u64> = entries.into_iter().filter(|&no| no <= mark).collect();
            set.into_iter().collect()
        };
        let queue = books.general_ledger.queue();
        let queue_added = queue.range(before.value_entries + 1..).copied().collect();
        let relations = &books.general_ledger.relations()[before.gl_relations as usize..];
        let posted_older: BTreeSet<u64> = relations
            .iter()
            .map(|relation| relation.value_entry_no)
            .filter(|&no| no <= before.value_entries && !queue.contains(&no))
            .collect();
        BooksDelta {
            books,
            before,
            after,
            changed_item_ledger_entries: older(
                changes.item_ledger_entries,
                before.item_ledger_entries,
            ),
            changed_value_entries: older(changes.value_entries, before.value_entries),
            queue_added,
            queue_removed: posted_older.into_iter().collect(),
        }
    }
}
