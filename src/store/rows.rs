//! Entries as table rows: the one conversion between the books and the store's columns, used
//! to write a batch and, by `verify`, to compare a replay with what is stored.

/// A table of the store that holds entries or their status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryTable {
    ItemLedgerEntry,
}

/// One column value as the store keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowValue {
    Null,
    Integer(i64),
    Text(String),
}

/// One row: its table, its key (entry no) and its values in the table's column order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub table: EntryTable,
    pub key: u64,
    pub values: Vec<RowValue>,
}
