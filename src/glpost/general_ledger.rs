//! The general ledger entries that inventory posting produces, their links to value entries
//! (G/L - Item Ledger Relation, spec §1.7), the registers that group each posting run, and the
//! queue of value entries waiting for G/L posting (Post Value Entry to G/L, spec §1.6).

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::ledger::{Code, CostEntryType, DimensionSetId, ItemId, ItemLedgerEntryType, Ledger};
use crate::rules::AccountRole;

/// Which rule chose a G/L entry's account: an auditor's answer to "why did this go to 1200?".
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AccountProvenance {
    /// Content hash of the rule set (hex).
    pub rule_set_hash: Code,
    /// The rule file and function that returned the account.
    pub rule_file: Code,
    pub rule_function: Code,
    /// The key the rule was asked about, as text.
    pub key: Code,
}

/// One G/L entry (debit positive, credit negative).
#[derive(Debug, Clone, PartialEq)]
pub struct GlEntry {
    pub entry_no: u64,
    /// Entries posted together and balancing to zero share a transaction no.
    pub transaction_no: u64,
    pub register_no: u64,
    pub posting_date: NaiveDate,
    pub document_no: Code,
    pub external_document_no: Option<Code>,
    pub account_no: Code,
    /// The account type this amount was posted as.
    pub account_role: AccountRole,
    pub amount: Decimal,
    pub dimension_set: DimensionSetId,
    pub description: GlDescription,
    /// Shared by every G/L entry the same rule answer produced.
    pub provenance: Arc<AccountProvenance>,
}

/// What a G/L entry's description says, kept as data: the text is built only when shown, so
/// posting a million value entries formats no strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlDescription {
    /// Posted per entry: "{ILE type} {entry type} {item} {date}".
    ValueEntry {
        item_ledger_entry_type: ItemLedgerEntryType,
        entry_type: CostEntryType,
        item: ItemId,
        posting_date: NaiveDate,
    },
    /// Compressed per posting group: "{account role} / {balancing role}".
    PostingGroup {
        role: AccountRole,
        balancing_role: AccountRole,
    },
    /// One side of a rule-change reclassification (`stockpost rules adopt --reclassify`): the
    /// balance of `role` moved out of the account the value entries were posted to
    /// (`into = false`) or into the account the adopted rules give (`into = true`).
    Reclassification { role: AccountRole, into: bool },
}

impl GlDescription {
    /// The description text (item numbers come from the ledger).
    pub fn text(&self, ledger: &Ledger) -> String {
        match self {
            GlDescription::ValueEntry {
                item_ledger_entry_type,
                entry_type,
                item,
                posting_date,
            } => format!(
                "{} {} {} {posting_date}",
                item_ledger_entry_type.as_str(),
                entry_type.as_str(),
                ledger.item_no(*item)
            ),
            GlDescription::PostingGroup {
                role,
                balancing_role,
            } => format!("{role} / {balancing_role}"),
            GlDescription::Reclassification { role, into } => format!(
                "rule change reclassification {role} {}",
                if *into { "in" } else { "out" }
            ),
        }
    }
}

/// G/L - Item Ledger Relation: a G/L entry fed by a value entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlItemLedgerRelation {
    pub gl_entry_no: u64,
    pub value_entry_no: u64,
    pub register_no: u64,
}

/// What a G/L register was posted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum GlRegisterSource {
    /// Automatic cost posting inside a journal batch.
    JournalBatch,
    /// A "post inventory cost to G/L" run.
    PostInventoryCost,
    /// A cost adjustment run posting its entries.
    CostAdjustment,
    /// `stockpost rules adopt --reclassify`: balances moved from the accounts the value entries
    /// were posted to onto the accounts the adopted rules give (see [`crate::glpost::reclass`]).
    Reclassification,
}

/// One posting run's G/L entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlRegister {
    pub register_no: u64,
    pub source: GlRegisterSource,
    /// First and last G/L entry no. of the run (empty when nothing was posted).
    pub gl_entry_nos: std::ops::Range<u64>,
}

/// Lengths at the start of a batch, for rollback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneralLedgerCheckpoint {
    entries: usize,
    relations: usize,
    registers: usize,
    queue_changes: usize,
    next_transaction_no: u64,
}

/// A change to the queue, kept so that a failed batch can be undone without copying the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QueueChange {
    Added(u64),
    Removed(u64),
}

/// The inventory side of the general ledger.
#[derive(Debug, Clone, Default)]
pub struct GeneralLedger {
    entries: Vec<GlEntry>,
    relations: Vec<GlItemLedgerRelation>,
    registers: Vec<GlRegister>,
    /// Value entries waiting for "post inventory cost to G/L" (table 5811).
    queue: BTreeSet<u64>,
    /// Queue changes since the last checkpoint.
    queue_changes: Vec<QueueChange>,
    next_transaction_no: u64,
}

impl GlEntry {
    /// Whether the entry is one side of a rule-change reclassification: it moves a balance
    /// between accounts of one role and carries the value entries it moves as relations, but it
    /// was not posted from their cost (its date is the reclassification's).
    pub fn is_reclassification(&self) -> bool {
        matches!(self.description, GlDescription::Reclassification { .. })
    }
}

impl GeneralLedger {
    pub fn entries(&self) -> &[GlEntry] {
        &self.entries
    }

    pub fn entry(&self, entry_no: u64) -> Option<&GlEntry> {
        (entry_no as usize)
            .checked_sub(1)
            .and_then(|index| self.entries.get(index))
    }

    pub fn relations(&self) -> &[GlItemLedgerRelation] {
        &self.relations
    }

    pub fn registers(&self) -> &[GlRegister] {
        &self.registers
    }

    /// Value entry numbers waiting for G/L posting, oldest first.
    pub fn queue(&self) -> &BTreeSet<u64> {
        &self.queue
    }

    /// Value entries a G/L entry came from. The relations are in G/L entry order (every posting
    /// relates the entry it has just inserted), so this is a binary search, not a scan.
    pub fn value_entries_of(&self, gl_entry_no: u64) -> impl Iterator<Item = u64> + '_ {
        let start = self
            .relations
            .partition_point(|relation| relation.gl_entry_no < gl_entry_no);
        self.relations[start..]
            .iter()
            .take_while(move |relation| relation.gl_entry_no == gl_entry_no)
            .map(|relation| relation.value_entry_no)
    }

    /// Marks the start of a batch; [`GeneralLedger::rollback`] returns to it.
    pub fn checkpoint(&mut self) -> GeneralLedgerCheckpoint {
        self.queue_changes.clear();
        GeneralLedgerCheckpoint {
            entries: self.entries.len(),
            relations: self.relations.len(),
            registers: self.registers.len(),
            queue_changes: 0,
            next_transaction_no: self.next_transaction_no,
        }
    }

    pub fn rollback(&mut self, checkpoint: GeneralLedgerCheckpoint) {
        self.entries.truncate(checkpoint.entries);
        self.relations.truncate(checkpoint.relations);
        self.registers.truncate(checkpoint.registers);
        while self.queue_changes.len() > checkpoint.queue_changes {
            match self.queue_changes.pop() {
                Some(QueueChange::Added(no)) => self.queue.remove(&no),
                Some(QueueChange::Removed(no)) => self.queue.insert(no),
                None => break,
            };
        }
        self.next_transaction_no = checkpoint.next_transaction_no;
    }

    /// The last transaction no. given out (0 before the first).
    pub fn last_transaction_no(&self) -> u64 {
        self.next_transaction_no
    }

    /// A general ledger holding these tables between batches, for the snapshot codec
    /// (`store::snapshot`). G/L entry `n` must be at index `n − 1`; the relations must be in G/L
    /// entry order.
    pub(crate) fn from_parts(
        entries: Vec<GlEntry>,
        relations: Vec<GlItemLedgerRelation>,
        registers: Vec<GlRegister>,
        queue: BTreeSet<u64>,
        last_transaction_no: u64,
    ) -> Self {
        GeneralLedger {
            entries,
            relations,
            registers,
            queue,
            queue_changes: Vec::new(),
            next_transaction_no: last_transaction_no,
        }
    }

    pub(crate) fn enqueue(&mut self, value_entry_no: u64) {
        if self.queue.insert(value_entry_no) {
            self.queue_changes.push(QueueChange::Added(value_entry_no));
        }
    }

    pub(crate) fn dequeue(&mut self, value_entry_no: u64) {
        if self.queue.remove(&value_entry_no) {
            self.queue_changes
                .push(QueueChange::Removed(value_entry_no));
        }
    }

    pub(crate) fn open_register(&mut self, source: GlRegisterSource) -> u64 {
        let register_no = self.registers.len() as u64 + 1;
        let next = self.entries.len() as u64 + 1;
        self.registers.push(GlRegister {
            register_no,
            source,
            gl_entry_nos: next..next,
        });
        register_no
    }

    pub(crate) fn next_transaction_no(&mut self) -> u64 {
        self.next_transaction_no += 1;
        self.next_transaction_no
    }

    /// Appends a G/L entry to the open register and returns its number.
    pub(crate) fn insert_entry(&mut self, mut entry: GlEntry) -> u64 {
        let entry_no = self.entries.len() as u64 + 1;
        entry.entry_no = entry_no;
        let register = self.registers.last_mut().expect("a register is open");
        assert_eq!(
            register.register_no, entry.register_no,
            "entries go to the open register"
        );
        register.gl_entry_nos.end = entry_no + 1;
        self.entries.push(entry);
        entry_no
    }

    pub(crate) fn insert_relation(&mut self, relation: GlItemLedgerRelation) {
        assert!(
            self.relations
                .last()
                .is_none_or(|last| last.gl_entry_no <= relation.gl_entry_no),
            "G/L - item ledger relations are inserted in G/L entry order"
        );
        self.relations.push(relation);
    }

    /// Removes a register that received no entries, so empty runs leave no trace.
    pub(crate) fn close_register(&mut self) {
        if self
            .registers
            .last()
            .is_some_and(|register| register.gl_entry_nos.is_empty())
        {
            self.registers.pop();
        }
    }
}
