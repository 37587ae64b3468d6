//! `stockpost watch`: a long-running process that posts the journals dropped into a company's
//! inbox, keeps the reconciliation current, and reloads rules and configuration when their files
//! change, never running a batch on a broken or half-loaded rule set.
//!
//! One thread posts: the main loop below. It owns the [`StoredCompany`] and runs one inbox
//! journal at a time, each one batch. File-system events (notify, debounced) go to a loader
//! thread that builds the changed rule set off to the side ([`reload`]); a rule set that passed
//! every check comes back as a message, and the main loop swaps it in before it takes the next
//! journal. So a batch always runs under the one rule set it started with, and the G/L entries
//! of a batch all carry the same rule-set hash.

pub mod events;
pub mod inbox;
pub mod reload;
pub mod rule_tests;
pub mod status;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use notify::RecursiveMode;
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

use crate::company::folder::{journal_text, parse_journal_file};
use crate::company::{CompanyError, CompanyErrorKind, OpenMode, Progress, Quiet, StoredCompany};
use crate::report::terminal::for_terminal;
use crate::rules::diff::{mapping_changes, MappingChange};
use crate::store::{JournalText, ReconciliationSummary, StoreMarks};

use events::{EventSink, WatchEvent};
use inbox::{file_away, Inbox};
use reload::{LoadOutcome, LoadRequest, ReadyCompany};
use status::WatchStatus;

/// How the watcher behaves.
#[derive(Debug, Clone, Copy)]
pub struct WatchOptions {
    /// Changes of `rules/` and `config/` closer together than this are one change.
    pub debounce: Duration,
    /// An inbox file must be unchanged this long before it is taken.
    pub settle: Duration,
    /// How often the inbox is scanned (also the longest wait between checks of the stop flag).
    pub poll: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            debounce: Duration::from_millis(300),
            settle: Duration::from_millis(500),
            poll: Duration::from_millis(100),
        }
    }
}

/// What reaches the main loop.
pub enum Message {
    /// Debounced file-system events.
    Files(DebounceEventResult),
    /// The loader thread's answer.
    Loaded(LoadOutcome),
}

/// What a watch did, when it stopped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatchSummary {
    pub batches_posted: u64,
    pub batches_rejected: u64,
    pub reloads: u64,
    pub reloads_rejected: u64,
}

/// Watches the company in `folder` until `stop` is set (SIGINT, SIGTERM), then returns once no
/// batch is in progress.
pub fn watch(
    folder: &Path,
    options: WatchOptions,
    events: EventSink,
    stop: Arc<AtomicBool>,
) -> Result<WatchSummary, CompanyError> {
    // Notify reports absolute paths: compare them with an absolute folder.
    let folder = &std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    let session = StoredCompany::open(folder, OpenMode::default(), &Quiet)?;
    // The rule set a watcher starts with passes the same checks as one it reloads.
    rule_tests::run_for_reload(folder, session.company()).map_err(|error| {
        CompanyError::input(error).hint("fix the rules or the rule tests, then start again")
    })?;
    let inbox_folder = folder.join("inbox");
    std::fs::create_dir_all(&inbox_folder).map_err(|error| {
        CompanyError::input(format!("cannot create {}: {error}", inbox_folder.display()))
    })?;
    let (sender, receiver) = mpsc::channel::<Message>();
    // notify only coalesces raw events; the loader waits for the folder to be quiet for the
    // whole debounce window.
    let coalesce = (options.debounce / 4).max(Duration::from_millis(20));
    let _debouncer = start_notify(folder, coalesce, sender.clone())?;
    let (requests, request_receiver) = mpsc::channel::<LoadRequest>();
    let loader_folder = folder.to_path_buf();
    std::thread::Builder::new()
        .name("stockpost-rules-loader".to_string())
        .spawn(move || {
            reload::loader_thread(loader_folder, options.debounce, request_receiver, sender)
        })
        .map_err(|error| CompanyError::internal(format!("cannot start the loader: {error}")))?;
    let mut watcher = Watcher::new(folder, session, options, events);
    watcher.started();
    watcher.recover_interrupted();
    let forward = |message: Message, watcher: &mut Watcher| match message {
        Message::Files(Ok(batch)) => {
            // Opening or reading a file changes nothing; and the loader's own reads of
            // rules/ would otherwise set off a reload every debounce window, forever.
            let paths = batch
                .iter()
                .filter(|event| !event.kind.is_access())
                .flat_map(|event| event.paths.iter());
            if paths
                .into_iter()
                .any(|path| watcher.is_definition_file(path))
            {
                let _ = requests.send(LoadRequest {
                    current: watcher.running_hashes(),
                    noticed: Instant::now(),
                });
            }
        }
        Message::Files(Err(errors)) => {
            for error in errors {
                eprintln!("watch: file notification error: {error}");
            }
        }
        Message::Loaded(outcome) => watcher.loaded(outcome),
    };
    let mut busy = false;
    while !stop.load(Ordering::SeqCst) {
        // With journals waiting, only look at the messages that are there; otherwise wait
        // for one. Either way every message is seen between two batches, so a rule change is
        // checked and swapped in however full the inbox is.
        let first = if busy {
            receiver.try_recv().map_err(|error| match error {
                mpsc::TryRecvError::Empty => RecvTimeoutError::Timeout,
                mpsc::TryRecvError::Disconnected => RecvTimeoutError::Disconnected,
            })
        } else {
            receiver.recv_timeout(options.poll)
        };
        match first {
            Ok(message) => {
                forward(message, &mut watcher);
                while let Ok(message) = receiver.try_recv() {
                    forward(message, &mut watcher);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        // Between batches: the only place a new rule set is swapped in.
        watcher.swap_pending();
        // One journal per turn, the first in name order, and only once it has settled: later
        // names wait for it, so the inbox posts in name order, retries included.
        busy = false;
        if !stop.load(Ordering::SeqCst) && watcher.fatal.is_none() {
            if let Some(path) = watcher.inbox.next_ready(Instant::now()) {
                watcher.post_inbox_file(&path);
                busy = true;
            }
        }
        if let Some(error) = watcher.fatal.take() {
            watcher.status.state = "failed".to_string();
            watcher.status.updated_at = now_rfc3339();
            let _ = watcher.status.write(&watcher.folder);
            return Err(error.hint("the watcher stopped: the company could not be reopened"));
        }
        watcher.update_status();
    }
    watcher.stopped("stop signal");
    Ok(watcher.summary)
}

/// Watches `rules/` (recursively, for `rules/tests/`), `config/` and `inbox/`: the folders, not
/// the files, so that an editor's atomic rename save is seen.
fn start_notify(
    folder: &Path,
    debounce: Duration,
    sender: Sender<Message>,
) -> Result<
    notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    CompanyError,
> {
    let fail = |error: notify::Error| {
        CompanyError::input(format!("cannot watch {}: {error}", folder.display())).hint(
            "on Linux, raise fs.inotify.max_user_watches if the limit is reached; network \
             file systems may deliver no events",
        )
    };
    let mut debouncer = new_debouncer(debounce, None, move |result: DebounceEventResult| {
        let _ = sender.send(Message::Files(result));
    })
    .map_err(fail)?;
    debouncer
        .watch(folder.join("rules"), RecursiveMode::Recursive)
        .map_err(fail)?;
    debouncer
        .watch(folder.join("config"), RecursiveMode::NonRecursive)
        .map_err(fail)?;
    debouncer
        .watch(folder.join("inbox"), RecursiveMode::NonRecursive)
        .map_err(fail)?;
    Ok(debouncer)
}

/// The main loop's state.
struct Watcher {
    folder: PathBuf,
    session: Option<StoredCompany>,
    inbox: Inbox,
    events: EventSink,
    status: WatchStatus,
    written_status: Option<WatchStatus>,
    pending: Option<Box<ReadyCompany>>,
    reconciliation: Option<ReconciliationSummary>,
    summary: WatchSummary,
    /// Set when the company could not be reopened after a failed batch.
    fatal: Option<CompanyError>,
    /// The journal the watcher was posting when it last stopped, to be tried once more.
    interrupted: Option<inbox::Interrupted>,
}

/// How many times the watcher begins posting a journal that never finishes (the process dies
/// in it) before it sets the journal aside.
pub const MAX_ATTEMPTS: u32 = 2;

impl Watcher {
    fn new(
        folder: &Path,
        session: StoredCompany,
        options: WatchOptions,
        events: EventSink,
    ) -> Watcher {
        let now = now_rfc3339();
        let status = WatchStatus {
            state: "running".to_string(),
            pid: std::process::id(),
            started_at: now.clone(),
            updated_at: now.clone(),
            rules_loaded_at: now,
            ..WatchStatus::default()
        };
        Watcher {
            folder: folder.to_path_buf(),
            inbox: Inbox::new(folder.join("inbox"), options.settle),
            session: Some(session),
            events,
            status,
            written_status: None,
            pending: None,
            reconciliation: None,
            summary: WatchSummary::default(),
            fatal: None,
            interrupted: None,
        }
    }

    fn session(&self) -> &StoredCompany {
        self.session.as_ref().expect("the watcher holds a session")
    }

    fn session_mut(&mut self) -> &mut StoredCompany {
        self.session.as_mut().expect("the watcher holds a session")
    }

    fn running_hashes(&self) -> (String, String) {
        let company = self.session().company();
        (company.config_hash.clone(), company.rule_set_hash.clone())
    }

    fn emit(&mut self, event: WatchEvent) {
        eprintln!("{}", for_terminal(&event.describe()));
        self.events.emit(&event);
    }

    fn started(&mut self) {
        let company = self.session().company();
        let event = WatchEvent::Started {
            company: company.config.name.clone(),
            rule_set_hash: company.rule_set_hash.clone(),
            config_hash: company.config_hash.clone(),
        };
        self.emit(event);
        self.note_reconciliation();
        self.update_status();
    }

    fn stopped(&mut self, reason: &str) {
        self.emit(WatchEvent::Stopped {
            reason: reason.to_string(),
        });
        self.status.state = "stopped".to_string();
        self.update_status();
    }

    /// A file under `rules/` (`.rhai`, or a rule test `.toml` in `rules/tests/`) or
    /// `config/*.toml`; editors' temporary and backup files are not.
    fn is_definition_file(&self, path: &Path) -> bool {
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            return false;
        };
        if name.starts_with('.') || name.ends_with('~') || name == "4913" {
            return false;
        }
        let extension = path.extension().and_then(|extension| extension.to_str());
        let in_rules = path.starts_with(self.folder.join("rules"));
        let in_config = path.starts_with(self.folder.join("config"));
        (in_rules && matches!(extension, Some("rhai") | Some("toml")))
            || (in_config && extension == Some("toml"))
    }

    fn loaded(&mut self, outcome: LoadOutcome) {
        match outcome {
            // A second notification of a save already swapped in: the loader compared with
            // the hashes running when the change was noticed, before that swap.
            LoadOutcome::Ready(ready)
                if (
                    ready.company.config_hash.clone(),
                    ready.company.rule_set_hash.clone(),
                ) == self.running_hashes() =>
            {
                self.status.last_reload_error = None;
            }
            LoadOutcome::Ready(ready) => self.pending = Some(ready),
            LoadOutcome::Rejected { error } => {
                self.summary.reloads_rejected += 1;
                self.status.last_reload_error = Some(error.clone());
                self.emit(WatchEvent::ReloadRejected { error });
            }
            // The folder is the running set again (a broken save undone): nothing to report.
            LoadOutcome::Unchanged => self.status.last_reload_error = None,
        }
    }

    /// Swaps in the rule set the loader prepared, if any; called only between batches.
    fn swap_pending(&mut self) {
        let Some(ready) = self.pending.take() else {
            return;
        };
        let ReadyCompany {
            definition,
            company,
            noticed,
        } = *ready;
        let (config_hash, rule_set_hash) =
            (company.config_hash.clone(), company.rule_set_hash.clone());
        match self.session_mut().swap_company(definition, company) {
            Ok(previous) => {
                let changes = mapping_changes(&previous.rules, &self.session().company().rules);
                self.summary.reloads += 1;
                self.status.last_reload_error = None;
                self.status.rules_loaded_at = now_rfc3339();
                let event = WatchEvent::RulesReloaded {
                    rule_set_hash,
                    previous_rule_set_hash: previous.rule_set_hash.clone(),
                    config_hash,
                    load_ms: noticed.elapsed().as_millis() as u64,
                    changes: changes.iter().map(describe_change).collect(),
                };
                self.emit(event);
                self.note_reconciliation();
            }
            Err(error) => {
                self.summary.reloads_rejected += 1;
                let error = error.message;
                self.status.last_reload_error = Some(error.clone());
                self.emit(WatchEvent::ReloadRejected { error });
            }
        }
    }

    /// Posts one inbox journal as one batch and files it away with its receipt or report. A
    /// panic while posting it rejects it like any other failure; a crash (the process killed
    /// or aborted) is recognised at the next start by the marker written here first.
    fn post_inbox_file(&mut self, path: &Path) {
        // Read once: the marker's hash, the batch and the check after it all see these bytes.
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                let message = format!("error: cannot read {}: {error}\n", path.display());
                self.reject(path, &inbox_name(path), &message);
                return;
            }
        };
        let hash = inbox::text_hash(&text);
        let attempt = match &self.interrupted {
            Some(interrupted) if interrupted.hash == hash => interrupted.attempts + 1,
            _ => 1,
        };
        let marker = inbox::ProcessingMarker::write(self.inbox.folder(), path, &hash, attempt);
        let outcome = crate::contain::contain(|| self.post_inbox_file_unguarded(path, text));
        if let Err(panic) = outcome {
            if let Some(session) = self.session.as_mut() {
                session.poison();
            }
            self.reopen();
            let name = inbox_name(path);
            let report = format!(
                "error: stockpost failed while posting this journal: {panic}\n  nothing of it \
                 was posted; this is a defect of stockpost: please report it with the journal\n"
            );
            if path.exists() {
                self.reject(path, &name, &report);
            }
        }
        if let Ok(marker) = marker {
            marker.remove();
        }
        if self
            .interrupted
            .as_ref()
            .is_some_and(|interrupted| interrupted.hash == hash)
        {
            self.interrupted = None;
        }
    }

    /// A journal that was being posted when the watcher last stopped without finishing it (the
    /// marker is still there), still in the inbox and not in the store. Once, that may be bad
    /// luck (the process was killed, the machine went down): it is posted again, in its turn.
    /// If posting it was begun [`MAX_ATTEMPTS`] times and never finished, it is what stops the
    /// watcher, so it goes to `rejected/` instead of stopping it again.
    fn recover_interrupted(&mut self) {
        let Some(interrupted) = inbox::ProcessingMarker::read(self.inbox.folder()) else {
            return;
        };
        inbox::ProcessingMarker::clear(self.inbox.folder());
        let path = interrupted.journal.clone();
        let Ok(text) = std::fs::read_to_string(&path) else {
            return;
        };
        if inbox::text_hash(&text) != interrupted.hash {
            return;
        }
        let name = inbox_name(&path);
        let stored = journal_text(&name, text)
            .ok()
            .is_some_and(|journal| self.already_mine(&journal));
        if stored {
            return;
        }
        if interrupted.attempts >= MAX_ATTEMPTS {
            let report = format!(
                "error: the watcher stopped {} times while posting this journal (it crashed or \
                 was killed); nothing of it was posted\n  it is set aside so it cannot stop the \
                 watcher again: check it, then drop it into the inbox again\n",
                interrupted.attempts
            );
            self.reject(&path, &name, &report);
        } else {
            self.interrupted = Some(interrupted);
        }
    }

    fn post_inbox_file_unguarded(&mut self, path: &Path, text: String) {
        let name = inbox_name(path);
        let (journal, lines) = match parse_journal_file(&name, text) {
            Ok(parsed) => (parsed.journal, parsed.lines),
            Err(error) => {
                self.reject(path, &name, &error_report(&error));
                return;
            }
        };
        let before = self.session().marks();
        match self
            .session_mut()
            .post_parsed_journal(&journal, lines, None)
        {
            Ok(committed) => {
                let after = self.session().marks();
                let receipt = receipt(
                    self.session(),
                    &journal,
                    committed.batch_id,
                    &before,
                    &after,
                    &committed.reconciliation,
                );
                // What was posted must be the whole file as it stands now: a writer that
                // paused longer than the settle window has more to add.
                let now = std::fs::read(path).ok();
                let hash_now = now.as_deref().map(inbox::bytes_hash).unwrap_or_default();
                if hash_now != journal.content_hash {
                    self.changed_after_read(path, &name, &journal, committed.batch_id, hash_now);
                } else {
                    self.file(path, "done", "receipt.json", &receipt);
                }
                self.summary.batches_posted += 1;
                self.status.batches_posted += 1;
                self.status.last_batch_id = Some(committed.batch_id);
                let event = WatchEvent::BatchPosted {
                    file: name,
                    batch_id: committed.batch_id,
                    lines: committed.outcome.lines,
                    value_entries: after.value_entries - before.value_entries,
                    gl_entries: after.gl_entries - before.gl_entries,
                    rule_set_hash: self.session().company().rule_set_hash.clone(),
                    reconciled: committed.reconciliation.reconciled,
                };
                self.emit(event);
                self.note_reconciliation();
            }
            Err(error) if error.kind == CompanyErrorKind::Store => {
                // The database is busy or failing: the journal stays in the inbox for later.
                eprintln!(
                    "watch: {name} left in the inbox: {}",
                    for_terminal(&error.message)
                );
                self.reopen();
                std::thread::sleep(Duration::from_millis(500));
            }
            Err(error)
                if error.kind == CompanyErrorKind::Duplicate && self.already_mine(&journal) =>
            {
                // Posted before the watcher stopped, but not moved: file it away now.
                let report = serde_json::json!({
                    "journal": name,
                    "already_posted": error.message,
                });
                self.file(path, "done", "receipt.json", &format!("{report:#}\n"));
            }
            Err(error) => {
                if self.session().is_poisoned() {
                    self.reopen();
                }
                self.reject(path, &name, &error_report(&error));
            }
        }
    }

    /// The journal changed between the read and the move: loud event, status, and the file
    /// kept in `inbox/changed/` with a receipt that says what was and was not posted.
    fn changed_after_read(
        &mut self,
        path: &Path,
        name: &str,
        journal: &JournalText,
        batch_id: u64,
        hash_now: String,
    ) {
        let report = serde_json::json!({
            "journal": name,
            "batch_id": batch_id,
            "posted_lines": journal.line_count,
            "posted_content_hash": journal.content_hash,
            "content_hash_now": hash_now,
            "warning": "the file changed after it was read: the batch holds the lines read \
                        then, not the lines written later. Post the missing lines as a new \
                        journal (the documents already posted are refused as duplicates).",
        });
        self.file(path, "changed", "receipt.json", &format!("{report:#}\n"));
        self.status.changed_after_read.push(name.to_string());
        self.emit(WatchEvent::JournalChanged {
            file: name.to_string(),
            batch_id,
            posted_lines: journal.line_count,
            posted_hash: journal.content_hash.clone(),
            hash_now,
        });
    }

    /// Whether the store holds this very journal under this very name (a crash between the
    /// commit and the move), as opposed to a different file repeating its documents.
    fn already_mine(&self, journal: &JournalText) -> bool {
        use crate::store::{CompanyStore, JournalCollision};
        matches!(
            self.session().store().find_posted_journal(journal),
            Ok(Some(posted)) if posted.collision == JournalCollision::SameContent && posted.name == journal.name
        )
    }

    fn reopen(&mut self) {
        let Some(session) = self.session.take() else {
            return;
        };
        match session.reopen(&Quiet) {
            Ok(session) => self.session = Some(session),
            // Without books the watcher cannot go on: the main loop stops with this error.
            Err(error) => self.fatal = Some(error),
        }
    }

    fn reject(&mut self, path: &Path, name: &str, report: &str) {
        self.file(path, "rejected", "error.txt", report);
        self.summary.batches_rejected += 1;
        self.status.batches_rejected += 1;
        self.emit(WatchEvent::BatchRejected {
            file: name.to_string(),
            error: report.trim_end().to_string(),
        });
    }

    fn file(&mut self, path: &Path, outcome: &str, suffix: &str, report: &str) {
        if let Err(error) = file_away(path, outcome, suffix, report) {
            eprintln!(
                "watch: cannot move {} to inbox/{outcome}/: {error}",
                path.display()
            );
        }
        self.inbox.forget(path);
    }

    /// Emits `reconciliation_changed` when the summary differs from the last one reported.
    fn note_reconciliation(&mut self) {
        let summary = self.session().reconciliation_summary();
        if self.reconciliation.as_ref() != Some(&summary) {
            self.emit(WatchEvent::reconciliation(&summary));
            self.reconciliation = Some(summary);
        }
    }

    /// Rewrites the status file when something in it changed.
    fn update_status(&mut self) {
        let session = self.session.as_ref().expect("the watcher holds a session");
        let company = session.company();
        let summary = self
            .reconciliation
            .clone()
            .unwrap_or_else(|| session.reconciliation_summary());
        self.status.rule_set_hash = company.rule_set_hash.clone();
        self.status.config_hash = company.config_hash.clone();
        self.status.inbox_waiting = self.inbox.waiting() as u64;
        self.status.gl_queue = session.books().general_ledger.queue().len() as u64;
        self.status.reconciled = summary.reconciled;
        self.status.reconciliation_differing_cells = summary.differing_cells;
        self.status.reconciliation_total_difference = summary.total_difference.to_string();
        let mut comparable = self.status.clone();
        comparable.updated_at.clear();
        let unchanged = self.written_status.as_ref().is_some_and(|written| {
            let mut written = written.clone();
            written.updated_at.clear();
            written == comparable
        });
        if unchanged {
            return;
        }
        self.status.updated_at = now_rfc3339();
        if let Err(error) = self.status.write(&self.folder) {
            eprintln!("watch: cannot write the status file: {error}");
        }
        self.written_status = Some(self.status.clone());
    }
}

/// How an inbox file is named in events, receipts and the store: `inbox/NAME`.
fn inbox_name(path: &Path) -> String {
    format!(
        "inbox/{}",
        path.file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("journal")
    )
}

/// A change of mapping, as the reload event and log show it.
fn describe_change(change: &MappingChange) -> String {
    let account = |account: &Option<String>| account.clone().unwrap_or_else(|| "-".to_string());
    format!(
        "{}: {} {} -> {}",
        change.key,
        change.role,
        account(&change.old_account),
        account(&change.new_account)
    )
}

/// The receipt beside a posted journal: what was posted, and the reconciliation after it.
fn receipt(
    session: &StoredCompany,
    journal: &JournalText,
    batch_id: u64,
    before: &StoreMarks,
    after: &StoreMarks,
    reconciliation: &ReconciliationSummary,
) -> String {
    let company = session.company();
    let document = serde_json::json!({
        "journal": journal.name,
        "content_hash": journal.content_hash,
        "batch_id": batch_id,
        "posted_at": now_rfc3339(),
        "lines": journal.line_count,
        "item_ledger_entries": after.item_ledger_entries - before.item_ledger_entries,
        "value_entries": after.value_entries - before.value_entries,
        "gl_entries": after.gl_entries - before.gl_entries,
        "gl_queue": session.books().general_ledger.queue().len(),
        "rule_set_hash": company.rule_set_hash,
        "config_hash": company.config_hash,
        "reconciliation": {
            "reconciled": reconciliation.reconciled,
            "differing_cells": reconciliation.differing_cells,
            "total_difference": reconciliation.total_difference.to_string(),
        },
    });
    format!("{document:#}\n")
}

/// The error report beside a rejected journal: the message (file, line, field) and what to do.
fn error_report(error: &CompanyError) -> String {
    let mut report = format!("error: {}\n", error.message.trim_end());
    for hint in &error.hints {
        report += &format!("  {hint}\n");
    }
    report += "  fix the journal and drop it into the inbox again\n";
    report
}

fn now_rfc3339() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Progress of nothing: the watcher reports through events.
impl Progress for Watcher {}
