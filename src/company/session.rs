//! [`StoredCompany`]: a company folder opened for work: its store, its books in memory, and the
//! company its configuration and rules define now.
//!
//! Opening restores the books from the snapshot (when there is a good one) and replays the
//! batches stored after it; with no usable snapshot every stored batch is replayed. Each command
//! then runs on the books in memory and is written to the store as one batch, in one
//! transaction. When a command fails after it changed the books in memory, the session refuses
//! further work (the caller opens the company again): the store never holds half a batch and
//! the books in memory never run ahead of it silently.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::books::Books;
use crate::config::CompanyConfig;
use crate::journal::JournalLine;
use crate::recon::ReconciliationState;
use crate::rules::posting::RuleSetAccounts;
use crate::store::sqlite::{OpenOptions, SqliteStore};
use crate::store::{
    BatchCommand, BatchId, BooksDelta, CompanyStore, JournalCollision, JournalText, NewBatch,
    ReclassificationRequest, ReconciliationSummary, StoreHead, StoreMarks, StoredBatch,
};

use super::command::{run_command, run_command_on_lines, CommandOutcome};
use super::definition::{database_path, CompanyDefinition, LoadedCompany};
use super::error::CompanyError;
use super::folder::parse_journal_file;
use super::progress::{Progress, Quiet};
use super::snapshot_file::{self, RestoredBooks, SnapshotPolicy};
use super::writer_lock::{LockError, WriterLock};

/// How to open a company.
#[derive(Debug, Clone, Copy, Default)]
pub struct OpenMode {
    /// Only read: commands that change the books are refused, and the database is opened
    /// read-only (a read-only file can be inspected).
    pub read_only: bool,
    /// Ignore the snapshot and replay every stored batch.
    pub without_snapshot: bool,
    /// How long to wait for another process's write transaction, in milliseconds.
    pub busy_timeout_ms: Option<u64>,
    /// How long a batch command waits for another writer of the company to finish
    /// (default: `STOCKPOST_LOCK_WAIT_MS`, else [`super::writer_lock::DEFAULT_WAIT`]).
    pub lock_wait: Option<std::time::Duration>,
}

/// A committed batch and what its command did.
#[derive(Debug, Clone)]
pub struct CommittedBatch {
    /// Every command that runs is stored, also one that changed no entry (an adjustment that
    /// only marks items adjusted, a G/L posting run with an empty queue): the store is the
    /// audit trail, and replaying it must run the same commands.
    pub batch_id: BatchId,
    pub outcome: CommandOutcome,
    pub reconciliation: ReconciliationSummary,
}

/// An open company.
pub struct StoredCompany {
    folder: PathBuf,
    store: SqliteStore,
    head: StoreHead,
    books: Books,
    recon: ReconciliationState,
    marks: StoreMarks,
    company: LoadedCompany,
    definition: CompanyDefinition,
    /// Set when a command failed after changing the books in memory.
    poisoned: bool,
    /// Batches replayed when the company was opened (after the snapshot, if any).
    replayed_batches: u64,
    snapshot_batch: Option<BatchId>,
    /// The store marks when the snapshot was taken (or the books were empty).
    snapshot_marks: StoreMarks,
    snapshot_policy: SnapshotPolicy,
    /// Set while a command posts several batches: the snapshot they make due is written once,
    /// after the last (`write_deferred_snapshot`), not after each.
    snapshots_deferred: bool,
    /// Why the snapshot was not used, or could not be written.
    snapshot_note: Option<String>,
    /// Why the company runs under the last stored definition instead of the folder's.
    definition_note: Option<String>,
    read_only: bool,
    lock_wait: std::time::Duration,
}

impl StoredCompany {
    /// Opens the company in `folder`: its store, its current definition (config/ and rules/),
    /// and its books restored from the snapshot plus the batches stored after it.
    pub fn open(
        folder: &Path,
        mode: OpenMode,
        progress: &dyn Progress,
    ) -> Result<StoredCompany, CompanyError> {
        StoredCompany::open_as(folder, mode, progress, None)
    }

    /// Opens the company again with the definition and company this session runs (not the
    /// folder's current files, which may hold a change not checked yet): after a failed batch
    /// poisoned the session, or to drop books that ran ahead of the store.
    pub fn reopen(self, progress: &dyn Progress) -> Result<StoredCompany, CompanyError> {
        let mode = OpenMode {
            read_only: self.read_only,
            without_snapshot: false,
            busy_timeout_ms: None,
            lock_wait: Some(self.lock_wait),
        };
        let folder = self.folder.clone();
        StoredCompany::open_as(
            &folder,
            mode,
            progress,
            Some((self.definition, self.company)),
        )
    }

    /// Marks the books as not to be trusted (a caller saw a command fail midway); every
    /// writing command is refused until the company is opened again ([`reopen`]).
    ///
    /// [`reopen`]: StoredCompany::reopen
    pub fn poison(&mut self) {
        self.poisoned = true;
    }

    /// Whether an earlier command failed after changing the books in memory (see [`reopen`]).
    ///
    /// [`reopen`]: StoredCompany::reopen
    pub fn is_poisoned(&self) -> bool {
        self.poisoned
    }

    fn open_as(
        folder: &Path,
        mode: OpenMode,
        progress: &dyn Progress,
        running: Option<(CompanyDefinition, LoadedCompany)>,
    ) -> Result<StoredCompany, CompanyError> {
        if !folder.is_dir() {
            return Err(CompanyError::input(format!(
                "company folder {} does not exist",
                folder.display()
            ))
            .hint("create one with `stockpost init DIR`, or pass --company DIR"));
        }
        let path = database_path(folder);
        let options = OpenOptions {
            read_only: mode.read_only,
            busy_timeout_ms: mode.busy_timeout_ms.unwrap_or(5000),
        };
        let store = SqliteStore::open_with(&path, options).map_err(CompanyError::store)?;
        let head = store.head().map_err(CompanyError::store)?;
        let mut definition_note = None;
        let (definition, company) = match running {
            Some(running) => running,
            None => match load_current(folder) {
                Ok(current) => current,
                // A command that only reads can still show the books while the folder's
                // files are broken (a consultant mid-edit, a watcher that rejected them).
                Err(error) if mode.read_only && head.last_batch.is_some() => {
                    let last = head.last_batch.as_ref().expect("checked");
                    definition_note = Some(format!(
                        "the folder's rules or configuration do not load, so the books are \
                         read under those of batch {}: {}",
                        last.batch_id,
                        error.message.lines().next().unwrap_or("")
                    ));
                    StoredCompanies::new(&store)
                        .definition(&last.config_hash, &last.rule_set_hash)?
                }
                Err(error) => return Err(error),
            },
        };
        let (restored, snapshot_note) = if mode.without_snapshot {
            (None, None)
        } else {
            match snapshot_file::restore(folder, &store, &head) {
                Ok(restored) => (restored, None),
                Err(why) => (None, Some(format!("snapshot not used: {why}"))),
            }
        };
        let mut session = StoredCompany {
            folder: folder.to_path_buf(),
            store,
            head,
            books: Books::new(company.config.clone()),
            recon: ReconciliationState::default(),
            marks: StoreMarks::default(),
            company,
            definition,
            poisoned: false,
            replayed_batches: 0,
            snapshot_batch: None,
            snapshot_marks: StoreMarks::default(),
            snapshot_policy: if mode.read_only {
                SnapshotPolicy::NEVER
            } else {
                SnapshotPolicy::default()
            },
            snapshots_deferred: false,
            snapshot_note,
            definition_note,
            read_only: mode.read_only,
            lock_wait: mode
                .lock_wait
                .unwrap_or_else(super::writer_lock::wait_from_env),
        };
        session.restore(restored, progress)?;
        Ok(session)
    }

    /// Snapshot (if any) plus the batches after it; then the current configuration and the
    /// reconciliation under the current rules.
    fn restore(
        &mut self,
        restored: Option<RestoredBooks>,
        progress: &dyn Progress,
    ) -> Result<(), CompanyError> {
        let (after, recon) = match restored {
            Some(restored) => {
                self.books = restored.books;
                self.snapshot_batch = Some(restored.batch_id);
                self.snapshot_marks = StoreMarks::of(&self.books);
                let recon = (restored.rule_set_hash == self.company.rule_set_hash)
                    .then_some(restored.recon);
                (restored.batch_id, recon)
            }
            None => {
                self.books = Books::new(self.first_config()?);
                (0, None)
            }
        };
        let up_to = self
            .head
            .last_batch
            .as_ref()
            .map_or(0, |batch| batch.batch_id);
        self.replayed_batches =
            replay_batches(&self.store, &mut self.books, after, up_to, progress)?;
        super::config_change::apply(&mut self.books, &self.company.config)?;
        let accounts = RuleSetAccounts::new(&self.company.rules);
        self.recon = match recon {
            Some(mut recon) => {
                recon.apply_new_entries(&self.books, &accounts);
                recon
            }
            None => ReconciliationState::from_books(&self.books, &accounts),
        };
        self.marks = StoreMarks::of(&self.books);
        let stored_marks = self.head.last_batch.as_ref().map_or_else(
            || StoreMarks::of(&Books::new(CompanyConfig::empty(""))),
            |batch| batch.marks_after,
        );
        if self.marks != stored_marks {
            return Err(CompanyError::diverged(format!(
                "the books rebuilt from the store do not match its last batch \
                 ({} rebuilt, {} stored)",
                self.marks, stored_marks
            )));
        }
        self.books.ledger.track_changes();
        Ok(())
    }

    /// The configuration the first batch ran under (or the current one for a new company).
    fn first_config(&self) -> Result<crate::config::CompanyConfig, CompanyError> {
        let mut first = None;
        self.store
            .batches_after(0, &mut |batch| {
                if first.is_none() {
                    first = Some(batch.config_hash);
                }
                Ok(())
            })
            .map_err(CompanyError::store)?;
        match first {
            None => Ok(self.company.config.clone()),
            Some(hash) => StoredCompanies::new(&self.store).config(&hash),
        }
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    pub fn books(&self) -> &Books {
        &self.books
    }

    pub fn reconciliation(&self) -> &ReconciliationState {
        &self.recon
    }

    /// The company as its folder defines it now.
    pub fn company(&self) -> &LoadedCompany {
        &self.company
    }

    pub fn definition(&self) -> &CompanyDefinition {
        &self.definition
    }

    pub fn head(&self) -> &StoreHead {
        &self.head
    }

    pub fn store(&self) -> &SqliteStore {
        &self.store
    }

    /// Batches replayed when the company was opened, and the batch the snapshot covered.
    pub fn restore_work(&self) -> (u64, Option<BatchId>) {
        (self.replayed_batches, self.snapshot_batch)
    }

    /// The reconciliation now, in one row (from the running sums: cheap at any size).
    pub fn reconciliation_summary(&self) -> ReconciliationSummary {
        let differences = self.recon.differences();
        ReconciliationSummary {
            reconciled: differences.is_empty(),
            differing_cells: differences.len() as u64,
            total_difference: differences.iter().map(|(_, d)| d.abs()).sum(),
        }
    }

    /// Posts a journal as one batch (with the cost adjustment its trigger rule asks for).
    /// A journal whose content or one of whose documents is already in the store is refused.
    pub fn post_journal(
        &mut self,
        journal: &JournalText,
        work_date: Option<NaiveDate>,
    ) -> Result<CommittedBatch, CompanyError> {
        let parsed = parse_journal_file(&journal.name, journal.text.clone())?;
        self.post_parsed_journal(&parsed.journal, parsed.lines, work_date)
    }

    /// [`post_journal`](Self::post_journal) with the journal parsed once by the caller
    /// ([`parse_journal_file`]); its lines are handed over and freed once posted.
    pub fn post_parsed_journal(
        &mut self,
        journal: &JournalText,
        lines: Vec<JournalLine>,
        work_date: Option<NaiveDate>,
    ) -> Result<CommittedBatch, CompanyError> {
        // Held until the batch is stored: the duplicate check and the posting see the books
        // as the last writer left them.
        let _lock = self.begin_write()?;
        if let Some(posted) = self
            .store
            .find_posted_journal(journal)
            .map_err(CompanyError::store)?
        {
            let why = match &posted.collision {
                JournalCollision::SameContent => "the same content".to_string(),
                JournalCollision::SameDocument(document) => {
                    format!("document {} ({})", document.document_no, document.line_type)
                }
            };
            return Err(CompanyError::duplicate(format!(
                "journal {} was already posted: {why} was posted by {} in batch {} on {}",
                journal.name, posted.name, posted.batch_id, posted.committed_at
            )));
        }
        let Some(work_date) =
            work_date.or_else(|| lines.iter().map(|line| line.posting_date).max())
        else {
            return Err(
                CompanyError::input(format!("journal {} has no lines", journal.name))
                    .hint("nothing was posted"),
            );
        };
        self.commit(
            BatchCommand::PostJournal { work_date },
            Some(journal),
            Some(lines),
        )
    }

    /// Runs a batch command and stores it.
    pub fn run(&mut self, command: BatchCommand) -> Result<CommittedBatch, CompanyError> {
        let _lock = self.begin_write()?;
        self.commit(command, None, None)
    }

    /// Takes the company's writer lock (waiting for another writer, bounded) and brings the
    /// books up to the batches stored since they were read. Hold the lock until the batch is
    /// committed.
    fn begin_write(&mut self) -> Result<WriterLock, CompanyError> {
        self.check_writable()?;
        let notice = |message: &str| eprintln!("stockpost: {message}");
        let lock =
            WriterLock::acquire(&self.folder, self.lock_wait, &notice).map_err(
                |error| match error {
                    LockError::TimedOut { waited, holder } => CompanyError::busy(format!(
                        "another stockpost ({holder}) has been writing to {} for {:.1} s; nothing \
                     was posted",
                        self.folder.display(),
                        waited.as_secs_f64()
                    ))
                    .hint(
                        "run the command again when it is done, or wait longer with \
                     STOCKPOST_LOCK_WAIT_MS (milliseconds)",
                    ),
                    LockError::Unavailable { path, detail } => CompanyError::read_only(format!(
                        "cannot take the writer lock {}: {detail}",
                        path.display()
                    )),
                },
            )?;
        snapshot_file::remove_stale_temporary(&self.folder);
        self.catch_up()?;
        Ok(lock)
    }

    /// Replays the batches another process stored since these books were read.
    fn catch_up(&mut self) -> Result<(), CompanyError> {
        let stored = self.store.head().map_err(CompanyError::store)?;
        let ours = self.head.last_batch.as_ref().map(|batch| batch.batch_id);
        let theirs = stored.last_batch.as_ref().map(|batch| batch.batch_id);
        if ours == theirs {
            return Ok(());
        }
        let result = replay_batches(
            &self.store,
            &mut self.books,
            ours.unwrap_or(0),
            theirs.unwrap_or(0),
            &Quiet,
        )
        .and_then(|_| super::config_change::apply(&mut self.books, &self.company.config));
        if let Err(error) = result {
            self.poisoned = true;
            return Err(error);
        }
        // What the replay changed is stored already: the next batch writes only its own.
        let _ = self.books.ledger.take_changes();
        let accounts = RuleSetAccounts::new(&self.company.rules);
        self.recon.apply_new_entries(&self.books, &accounts);
        self.marks = StoreMarks::of(&self.books);
        self.head = stored;
        Ok(())
    }

    fn check_writable(&self) -> Result<(), CompanyError> {
        if self.poisoned {
            return Err(CompanyError::internal(
                "an earlier command failed after changing the books in memory; open the \
                 company again",
            ));
        }
        if self.read_only {
            return Err(CompanyError::input("the company was opened read-only"));
        }
        Ok(())
    }

    fn commit(
        &mut self,
        command: BatchCommand,
        journal: Option<&JournalText>,
        lines: Option<Vec<JournalLine>>,
    ) -> Result<CommittedBatch, CompanyError> {
        let before = self.marks;
        let outcome = run_command_on_lines(&mut self.books, &self.company, &command, lines)
            .map_err(|error| {
                if error.books_changed {
                    self.poisoned = true;
                }
                CompanyError::input(error.message).hint(match &journal {
                    Some(journal) => format!(
                        "nothing of {} was posted: a journal posts whole or not at all",
                        journal.name
                    ),
                    None => "nothing was stored".to_string(),
                })
            })?;
        let accounts = RuleSetAccounts::new(&self.company.rules);
        if matches!(command, BatchCommand::AdoptRuleSet { .. }) {
            // The state belongs to one rule set: rebuilt under the adopted one.
            self.recon = ReconciliationState::from_books(&self.books, &accounts);
        } else {
            self.recon.apply_new_entries(&self.books, &accounts);
        }
        let reconciliation = self.reconciliation_summary();
        let changes = self.books.ledger.take_changes();
        let delta = BooksDelta::new(&self.books, before, changes);
        let batch = NewBatch {
            command,
            journal,
            rule_set: &self.definition.rules,
            config: &self.definition.config,
            committed_at: now_rfc3339(),
            reconciliation: Some(reconciliation.clone()),
        };
        let after = delta.after;
        // When a snapshot is due after this batch, its body (the bulk of the work) is encoded
        // from the books, which no longer change, on a second thread while SQLite commits the
        // batch; it is written, under the new batch's chain hash, only once the commit stands.
        let snapshot_due =
            !self.snapshots_deferred && self.snapshot_policy.is_due(&after, &self.snapshot_marks);
        let (books, recon, store) = (&self.books, &self.recon, &mut self.store);
        let (result, encoded) = std::thread::scope(|scope| {
            let encoding = snapshot_due.then(|| {
                scope.spawn(|| crate::store::snapshot::encode_snapshot_body(books, recon))
            });
            let result = store.commit_batch(&batch, &delta);
            let encoded = encoding.map(|encoding| {
                encoding
                    .join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("encoding the snapshot failed")))
            });
            (result, encoded)
        });
        let batch_id = match result {
            Ok(batch_id) => batch_id,
            Err(error) => {
                self.poisoned = true;
                return Err(CompanyError::store(error));
            }
        };
        self.marks = after;
        self.head = self.store.head().map_err(CompanyError::store)?;
        let written = match encoded {
            None => Ok(false),
            Some(Ok(body)) => snapshot_file::write_encoded(self, &body).map(|()| true),
            Some(Err(error)) => Err(CompanyError::internal(format!(
                "cannot encode the snapshot: {error}"
            ))),
        };
        match written {
            Ok(true) => {
                self.snapshot_marks = self.marks;
                self.snapshot_batch = Some(batch_id);
            }
            Ok(false) => {}
            // The batch is stored; a missing snapshot only makes the next open slower.
            Err(error) => self.snapshot_note = Some(error.message),
        }
        Ok(CommittedBatch {
            batch_id,
            outcome,
            reconciliation,
        })
    }

    /// Writes a snapshot of the books now (after the last batch).
    pub fn write_snapshot(&mut self) -> Result<(), CompanyError> {
        let _lock = self.begin_write()?;
        snapshot_file::write(self)?;
        self.snapshot_marks = self.marks;
        self.snapshot_batch = self.head.last_batch.as_ref().map(|batch| batch.batch_id);
        Ok(())
    }

    /// Defers the snapshots the next batches make due until [`write_deferred_snapshot`]: for a
    /// command that stores many batches in a row (`post` with many journals), where a snapshot
    /// after every quarter of growth was a full encoding of the books each time (1M movements in
    /// journals of 1,000 lines: 16 of them).
    ///
    /// [`write_deferred_snapshot`]: Self::write_deferred_snapshot
    pub fn defer_snapshots(&mut self) {
        self.snapshots_deferred = true;
    }

    /// Ends [`defer_snapshots`](Self::defer_snapshots) and writes the snapshot if the batches
    /// stored since the last one make it due. The batches are stored already: a snapshot that
    /// cannot be written is noted (`snapshot_note`), only making the next open slower.
    pub fn write_deferred_snapshot(&mut self) {
        self.snapshots_deferred = false;
        if self.poisoned
            || !self
                .snapshot_policy
                .is_due(&self.marks, &self.snapshot_marks)
        {
            return;
        }
        if let Err(error) = self.write_snapshot() {
            self.snapshot_note = Some(error.message);
        }
    }

    /// When snapshots are written after a command.
    pub fn snapshot_policy(&self) -> SnapshotPolicy {
        self.snapshot_policy
    }

    pub fn set_snapshot_policy(&mut self, policy: SnapshotPolicy) {
        self.snapshot_policy = policy;
    }

    /// The store marks of the books when the last snapshot was taken.
    pub fn snapshot_marks(&self) -> StoreMarks {
        self.snapshot_marks
    }

    /// Set when the folder's rules or configuration do not load and a read-only session uses
    /// those of the last stored batch instead.
    pub fn definition_note(&self) -> Option<&str> {
        self.definition_note.as_deref()
    }

    /// Why the snapshot was not used when opening, or could not be written after a batch.
    pub fn snapshot_note(&self) -> Option<&str> {
        self.snapshot_note.as_deref()
    }

    /// Makes `company` (built from `definition`, off to the side) the company the next batches
    /// run under: the books take its configuration, and the reconciliation is rebuilt under its
    /// accounts, so balances left on accounts the new rules no longer map to show as "rule
    /// change". Call it between batches. On error nothing changed. Returns the previous company.
    pub fn swap_company(
        &mut self,
        definition: CompanyDefinition,
        company: LoadedCompany,
    ) -> Result<LoadedCompany, CompanyError> {
        self.check_writable()?;
        super::config_change::apply(&mut self.books, &company.config)?;
        let accounts = RuleSetAccounts::new(&company.rules);
        self.recon = ReconciliationState::from_books(&self.books, &accounts);
        self.definition = definition;
        Ok(std::mem::replace(&mut self.company, company))
    }

    /// Makes `company` (built from `definition` off to the side; its configuration may add to
    /// this session's, e.g. an account in the chart) the company's rule set and stores that as an `adopt_rule_set` batch, so
    /// that a replay runs the batches after it under the new rules. With `reclassification`,
    /// the same batch posts the G/L entries that move the balances the posted value entries
    /// left on accounts the new rules no longer give (see [`crate::glpost::reclass`]). The
    /// reconciliation is rebuilt under the new rules. On error the session runs the previous
    /// company (or is poisoned, when the store failed).
    pub fn adopt_rule_set(
        &mut self,
        definition: CompanyDefinition,
        company: LoadedCompany,
        reclassification: Option<ReclassificationRequest>,
    ) -> Result<CommittedBatch, CompanyError> {
        let _lock = self.begin_write()?;
        let config_changed = definition.config.hash != self.definition.config.hash;
        super::config_change::apply(&mut self.books, &company.config)?;
        let previous_company = std::mem::replace(&mut self.company, company);
        let previous_definition = std::mem::replace(&mut self.definition, definition);
        let command = BatchCommand::AdoptRuleSet { reclassification };
        let result = self.commit(command, None, None);
        if result.is_err() && !self.poisoned {
            if config_changed {
                // The books took the new configuration; open the company again.
                self.poisoned = true;
            } else {
                self.company = previous_company;
                self.definition = previous_definition;
            }
        }
        result
    }

    /// The company, books and reconciliation state, for a command that only reads them.
    pub fn into_parts(self) -> (LoadedCompany, Books, ReconciliationState) {
        (self.company, self.books, self.recon)
    }

    /// The store marks of the books (what the store holds).
    pub fn marks(&self) -> StoreMarks {
        self.marks
    }
}

/// Replays the stored batches after `after` up to and including `up_to` onto `books`; returns
/// how many it replayed. Batches another writer stores meanwhile (beyond `up_to`, the head the
/// caller read) are left for later, so the books end exactly at that head.
pub(crate) fn replay_batches(
    store: &SqliteStore,
    books: &mut Books,
    after: BatchId,
    up_to: BatchId,
    progress: &dyn Progress,
) -> Result<u64, CompanyError> {
    let total = up_to.saturating_sub(after);
    if total == 0 {
        return Ok(0);
    }
    progress.begin("replaying stored batches", total);
    let mut companies = StoredCompanies::new(store);
    let mut failure = None;
    let mut replayed = 0;
    store
        .batches_after(after, &mut |batch: StoredBatch| {
            if failure.is_none() && batch.batch_id <= up_to {
                if let Err(error) = replay_one(&mut companies, books, &batch) {
                    failure = Some(error);
                }
                replayed += 1;
                progress.advance(replayed);
            }
            Ok(())
        })
        .map_err(CompanyError::store)?;
    progress.end();
    match failure {
        Some(error) => Err(error),
        None => Ok(replayed),
    }
}

fn replay_one(
    companies: &mut StoredCompanies<'_>,
    books: &mut Books,
    batch: &StoredBatch,
) -> Result<(), CompanyError> {
    let company = companies.company(&batch.config_hash, &batch.rule_set_hash)?;
    super::config_change::apply(books, &company.config)?;
    run_command(books, company, &batch.command, batch.journal.as_ref()).map_err(|error| {
        CompanyError::diverged(format!(
            "stored batch {} ({}) does not replay: {}",
            batch.batch_id,
            batch.command.name(),
            error.message
        ))
    })?;
    let marks = StoreMarks::of(books);
    if marks != batch.marks_after {
        return Err(CompanyError::diverged(format!(
            "stored batch {} ({}) replays to other entry counts ({marks}) than stored ({})",
            batch.batch_id,
            batch.command.name(),
            batch.marks_after
        )));
    }
    Ok(())
}

/// The companies stored batches ran under, loaded once per (configuration, rule set).
pub(crate) struct StoredCompanies<'a> {
    store: &'a SqliteStore,
    loaded: HashMap<(String, String), LoadedCompany>,
}

impl<'a> StoredCompanies<'a> {
    pub(crate) fn new(store: &'a SqliteStore) -> Self {
        StoredCompanies {
            store,
            loaded: HashMap::new(),
        }
    }

    pub(crate) fn company(
        &mut self,
        config_hash: &str,
        rule_set_hash: &str,
    ) -> Result<&LoadedCompany, CompanyError> {
        let key = (config_hash.to_string(), rule_set_hash.to_string());
        if !self.loaded.contains_key(&key) {
            let config = self.source(config_hash, "configuration", true)?;
            let rules = self.source(rule_set_hash, "rule set", false)?;
            let company = LoadedCompany::build(&config, &rules, None).map_err(|error| {
                CompanyError::diverged(format!(
                    "the stored configuration {config_hash} with rule set {rule_set_hash} no \
                     longer loads: {}",
                    error.message
                ))
            })?;
            self.loaded.insert(key.clone(), company);
        }
        Ok(&self.loaded[&key])
    }

    pub(crate) fn config(
        &mut self,
        config_hash: &str,
    ) -> Result<crate::config::CompanyConfig, CompanyError> {
        let config = self.source(config_hash, "configuration", true)?;
        let files: Vec<crate::config::ConfigFile<'_>> = config
            .files
            .iter()
            .map(|(name, text)| crate::config::ConfigFile { name, text })
            .collect();
        crate::config::load_company_files(&files).map_err(|error| {
            CompanyError::diverged(format!(
                "the stored configuration {config_hash} no longer loads: {error}"
            ))
        })
    }

    /// The definition and company a stored batch ran under.
    pub(crate) fn definition(
        &mut self,
        config_hash: &str,
        rule_set_hash: &str,
    ) -> Result<(CompanyDefinition, LoadedCompany), CompanyError> {
        let config = self.source(config_hash, "configuration", true)?;
        let rules = self.source(rule_set_hash, "rule set", false)?;
        let company = LoadedCompany::build(&config, &rules, None).map_err(|error| {
            CompanyError::diverged(format!(
                "the stored configuration {config_hash} with rule set {rule_set_hash} no longer \
                 loads: {}",
                error.message
            ))
        })?;
        Ok((CompanyDefinition { config, rules }, company))
    }

    fn source(
        &self,
        hash: &str,
        what: &str,
        config: bool,
    ) -> Result<crate::store::SourceSet, CompanyError> {
        let found = if config {
            self.store.config(hash)
        } else {
            self.store.rule_set(hash)
        }
        .map_err(CompanyError::store)?;
        found.ok_or_else(|| {
            CompanyError::diverged(format!("the store lacks the {what} {hash} a batch names"))
        })
    }
}

/// The folder's definition as it is now, loaded.
fn load_current(folder: &Path) -> Result<(CompanyDefinition, LoadedCompany), CompanyError> {
    let definition = CompanyDefinition::read(folder).map_err(CompanyError::definition)?;
    let company = LoadedCompany::build(&definition.config, &definition.rules, Some(folder))
        .map_err(CompanyError::definition)?;
    Ok((definition, company))
}

/// The current time in UTC as RFC 3339, to the second.
fn now_rfc3339() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
