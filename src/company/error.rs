//! [`CompanyError`]: why a command on a company failed, with what to do next and the exit
//! status a script can rely on.

use crate::store::StoreError;

use super::definition::DefinitionError;

/// The kind of failure; each has its own exit status (see `docs/cli.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompanyErrorKind {
    /// Bad input: a journal, a configuration file, a rule, an argument. Exit 2.
    Input,
    /// The store cannot be used: missing, read-only, locked, damaged. Exit 3.
    Store,
    /// The journal was already posted. Exit 4.
    Duplicate,
    /// The stored batches do not replay to the stored entries. Exit 1.
    Diverged,
    /// A defect of stockpost. Exit 1.
    Internal,
}

/// A failed command on a company. Nothing of the failed batch is in the store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CompanyError {
    pub kind: CompanyErrorKind,
    pub message: String,
    pub hints: Vec<String>,
}

impl CompanyError {
    fn new(kind: CompanyErrorKind, message: impl Into<String>) -> CompanyError {
        CompanyError {
            kind,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn input(message: impl Into<String>) -> CompanyError {
        CompanyError::new(CompanyErrorKind::Input, message)
    }

    pub fn duplicate(message: impl Into<String>) -> CompanyError {
        CompanyError::new(CompanyErrorKind::Duplicate, message)
            .hint("nothing was posted; a journal is posted once (see `stockpost status`)")
    }

    pub fn diverged(message: impl Into<String>) -> CompanyError {
        CompanyError::new(CompanyErrorKind::Diverged, message)
            .hint("run `stockpost verify` to list every entry that differs")
    }

    /// Another writer held the company for longer than this one would wait. Exit 3.
    pub fn busy(message: impl Into<String>) -> CompanyError {
        CompanyError::new(CompanyErrorKind::Store, message)
    }

    /// A writing command on a company folder this user may only read. Exit 3.
    pub fn read_only(message: impl Into<String>) -> CompanyError {
        CompanyError::new(CompanyErrorKind::Store, message).hint(
            "the company folder is read-only: reading commands (status, verify, entries, \
             export, reconcile) work; to post, adjust or post cost, run as a user who may \
             write the folder",
        )
    }

    pub fn internal(message: impl Into<String>) -> CompanyError {
        CompanyError::new(CompanyErrorKind::Internal, message)
    }

    pub fn definition(error: DefinitionError) -> CompanyError {
        CompanyError::input(error.message).hint(error.hint)
    }

    pub fn store(error: StoreError) -> CompanyError {
        if let StoreError::Inexact { .. } = &error {
            // A value of the batch does not fit the store: the input is at fault, not the store.
            return CompanyError::input(error.to_string()).hint(
                "keep quantities, costs and amounts within docs/journal.md, Limits, and \
                 within the company's amount precision",
            );
        }
        let hint = match &error {
            StoreError::Missing { .. } => {
                "create the company with `stockpost init DIR`, or pass --company DIR"
            }
            StoreError::ReadOnly { .. } => {
                "this user may not write the company folder or its database: reading commands \
                 (status, verify, entries, export, reconcile) work; to post, adjust, post cost \
                 or snapshot, make the folder and stockpost.db writable (SQLite writes a -wal \
                 file beside it)"
            }
            StoreError::Locked { .. } => {
                "another stockpost (or sqlite3) is writing to this company; wait for it to \
                 finish and run the command again"
            }
            StoreError::Corrupt { .. } => {
                "restore the database from a backup; the journals in it are the source of truth"
            }
            StoreError::NotACompany { .. } => "pass the folder `stockpost init` created",
            StoreError::SchemaVersion { .. } => "use the stockpost version that wrote it",
            _ => "nothing of the batch was stored; run the command again",
        };
        CompanyError::new(CompanyErrorKind::Store, error.to_string()).hint(hint)
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CompanyError {
        self.hints.push(hint.into());
        self
    }

    /// The exit status for this error.
    pub fn exit_status(&self) -> u8 {
        match self.kind {
            CompanyErrorKind::Input => 2,
            CompanyErrorKind::Store => 3,
            CompanyErrorKind::Duplicate => 4,
            CompanyErrorKind::Diverged | CompanyErrorKind::Internal => 1,
        }
    }
}
