//! The timed phases. Each builds a fresh company folder under the run's temporary directory,
//! except the open phase, which opens the one the batched phase built.
//!
//! - `in-memory`: the batches of the history through exactly what `StoredCompany::post_journal`
//!   does in memory (parse for the work date, `run_command`, reconciliation, the books delta),
//!   without a store: the part of the batched figure that is not persistence.
//! - `batched`: the history as journals of `batch_size` lines through `post_journal`, default
//!   snapshot policy; then one snapshot written explicitly (for the open phase).
//! - `one-batch`: the history as one journal; snapshot policy off while posting, the snapshot
//!   that the default policy would write is timed apart.
//! - `open-and-post-one`: in a new process, open the batched company with its fresh snapshot and
//!   post a one-line journal; then delete the snapshot and open by replaying every batch.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::NaiveDate;

use stockpost::books::Books;
use stockpost::company::folder::journal_text;
use stockpost::company::snapshot_file::SnapshotPolicy;
use stockpost::company::{
    run_command, CompanyDefinition, LoadedCompany, OpenMode, Quiet, StoredCompany, SNAPSHOT_FILE,
};
use stockpost::config::CompanyConfig;
use stockpost::journal::parse_journal;
use stockpost::recon::ReconciliationState;
use stockpost::rules::posting::RuleSetAccounts;
use stockpost::store::{BatchCommand, BooksDelta, JournalText, StoreMarks};

use super::child::{self, shown};
use super::folder;
use super::generate::Journal;
use super::memory;
use super::table::{mib, per_second, seconds, seconds_of, thousands, Table};

/// Batches before a snapshot batch whose median is taken as that batch's cost without the
/// snapshot.
const BASELINE_BATCHES: usize = 20;

pub struct Bench<'a> {
    config: &'a CompanyConfig,
    journal: &'a Journal,
    header: &'a str,
    /// The history's lines, without the header and the line ends.
    lines: Vec<&'a str>,
    batch_size: usize,
    work: &'a Path,
}

/// What the in-memory phase measured, for the batched phase's split.
pub struct InMemory {
    pub took: Duration,
}

impl<'a> Bench<'a> {
    pub fn new(
        config: &'a CompanyConfig,
        journal: &'a Journal,
        batch_size: usize,
        work: &'a Path,
    ) -> Self {
        let mut lines = journal.text.lines();
        let header = lines.next().unwrap_or_default();
        Bench {
            config,
            journal,
            header,
            lines: lines.collect(),
            batch_size,
            work,
        }
    }

    /// The history as journal files: `(name, text)`, header and `batch_size` lines each.
    fn batches(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.lines
            .chunks(self.batch_size)
            .enumerate()
            .map(|(index, lines)| {
                let mut text = String::with_capacity(
                    self.header.len() + lines.iter().map(|l| l.len() + 1).sum::<usize>() + 1,
                );
                text.push_str(self.header);
                text.push('\n');
                for line in lines {
                    text.push_str(line);
                    text.push('\n');
                }
                (format!("batch-{:04}.csv", index + 1), text)
            })
    }

    fn batch_count(&self) -> usize {
        self.lines.len().div_ceil(self.batch_size)
    }

    fn fresh_folder(&self, name: &str) -> Result<PathBuf, String> {
        let dir = self.work.join(name);
        folder::create(&dir, self.config)?;
        Ok(dir)
    }

    pub fn in_memory_phase(&self, table: &mut Table) -> Result<InMemory, String> {
        let phase = "in-memory";
        let dir = self.fresh_folder(phase)?;
        let definition = CompanyDefinition::read(&dir).map_err(|e| e.to_string())?;
        let company = LoadedCompany::build(&definition.config, &definition.rules, Some(&dir))
            .map_err(|e| e.to_string())?;
        let accounts = RuleSetAccounts::new(&company.rules);
        let mut books = Books::new(company.config.clone());
        books.ledger.track_changes();
        let mut recon = ReconciliationState::from_books(&books, &accounts);
        memory::reset_peak();
        let mut took = Duration::ZERO;
        for (name, text) in self.batches() {
            let journal = journal_text(&name, text).map_err(|e| shown(&e))?;
            let started = Instant::now();
            let work_date = last_posting_date(&journal)?;
            let before = StoreMarks::of(&books);
            let command = BatchCommand::PostJournal { work_date };
            run_command(&mut books, &company, &command, Some(&journal))
                .map_err(|e| format!("{name}: {e}"))?;
            recon.apply_new_entries(&books, &accounts);
            let changes = books.ledger.take_changes();
            std::hint::black_box(BooksDelta::new(&books, before, changes));
            took += started.elapsed();
        }
        self.check_entries(phase, StoreMarks::of(&books))?;
        let lines = self.lines.len() as u64;
        table.add(
            phase,
            &format!("{} batches of {}", self.batch_count(), self.batch_size),
            format!("{} ({} lines/s)", seconds(took), per_second(lines, took)),
        );
        table.add(phase, "peak memory", memory::show(memory::peak_mib()));
        Ok(InMemory { took })
    }

    pub fn batched_phase(
        &self,
        table: &mut Table,
        in_memory: Option<InMemory>,
    ) -> Result<PathBuf, String> {
        let phase = "batched";
        let dir = self.fresh_folder(phase)?;
        memory::reset_peak();
        let started = Instant::now();
        let mut session =
            StoredCompany::open(&dir, OpenMode::default(), &Quiet).map_err(|e| shown(&e))?;
        let open = started.elapsed();
        let (mut prepare, mut times, mut snapshot_at) = (Duration::ZERO, Vec::new(), Vec::new());
        for (name, text) in self.batches() {
            let started = Instant::now();
            let journal = journal_text(&name, text).map_err(|e| shown(&e))?;
            prepare += started.elapsed();
            let snapshot_before = session.snapshot_marks();
            let started = Instant::now();
            session
                .post_journal(&journal, None)
                .map_err(|e| format!("{name}: {}", shown(&e)))?;
            times.push(started.elapsed());
            snapshot_at.push(session.snapshot_marks() != snapshot_before);
        }
        let posting: Duration = times.iter().sum();
        let marks = session.marks();
        self.check_entries(phase, marks)?;
        let lines = self.lines.len() as u64;
        table.add(phase, "open the new company", seconds(open));
        table.add(
            phase,
            &format!(
                "post_journal, {} journals of {}",
                times.len(),
                self.batch_size
            ),
            format!(
                "{} ({} lines/s persisted)",
                seconds(posting),
                per_second(lines, posting)
            ),
        );
        table.add(
            phase,
            "journal_text (hash + parse, before post_journal)",
            seconds(prepare),
        );
        let snapshots = snapshot_excess(&times, &snapshot_at);
        let written = snapshot_at.iter().filter(|&&at| at).count();
        table.add(
            phase,
            "snapshots written by the policy",
            format!(
                "{written} after batches {:?}; their batches took {} more than the median of \
                 the {BASELINE_BATCHES} before",
                snapshot_at
                    .iter()
                    .enumerate()
                    .filter(|(_, &at)| at)
                    .map(|(index, _)| index + 1)
                    .collect::<Vec<_>>(),
                seconds_of(snapshots, posting)
            ),
        );
        if let Some(in_memory) = in_memory {
            let store = posting.saturating_sub(in_memory.took + snapshots);
            table.add(
                phase,
                "split: in memory (phase in-memory)",
                seconds_of(in_memory.took, posting),
            );
            table.add(
                phase,
                "split: store (the rest: duplicate check, commit_batch)",
                format!(
                    "{}; {} lines/s",
                    seconds_of(store, posting),
                    per_second(lines, store)
                ),
            );
        }
        let slowest = times.iter().max().copied().unwrap_or_default();
        let mut sorted = times.clone();
        sorted.sort();
        table.add(
            phase,
            "one batch: median / slowest",
            format!(
                "{:.1} ms / {:.1} ms",
                sorted[sorted.len() / 2].as_secs_f64() * 1e3,
                slowest.as_secs_f64() * 1e3
            ),
        );
        table.add(
            phase,
            "entries",
            format!(
                "{} item ledger, {} value, {} item application, {} G/L; reconciled: {}",
                thousands(marks.item_ledger_entries),
                thousands(marks.value_entries),
                thousands(marks.item_application_entries),
                thousands(marks.gl_entries),
                session.reconciliation_summary().reconciled
            ),
        );
        let started = Instant::now();
        session.write_snapshot().map_err(|e| shown(&e))?;
        table.add(
            phase,
            "write_snapshot at the end",
            format!(
                "{}; {}",
                seconds(started.elapsed()),
                mib(file_bytes(&dir, SNAPSHOT_FILE))
            ),
        );
        table.add(
            phase,
            "peak memory (resident now)",
            format!(
                "{} ({})",
                memory::show(memory::peak_mib()),
                memory::show(memory::current_mib())
            ),
        );
        drop(session);
        table.add(
            phase,
            "database size",
            mib(file_bytes(&dir, "stockpost.db")),
        );
        Ok(dir)
    }

    pub fn one_batch_phase(&self, table: &mut Table) -> Result<(), String> {
        let phase = "one-batch";
        let dir = self.fresh_folder(phase)?;
        memory::reset_peak();
        let mut session =
            StoredCompany::open(&dir, OpenMode::default(), &Quiet).map_err(|e| shown(&e))?;
        session.set_snapshot_policy(SnapshotPolicy::NEVER);
        let mut text = String::with_capacity(self.journal.text.len());
        text.push_str(&self.journal.text);
        let started = Instant::now();
        let journal = journal_text("history.csv", text).map_err(|e| shown(&e))?;
        let prepare = started.elapsed();
        let started = Instant::now();
        session
            .post_journal(&journal, None)
            .map_err(|e| shown(&e))?;
        let posting = started.elapsed();
        self.check_entries(phase, session.marks())?;
        let lines = self.lines.len() as u64;
        table.add(
            phase,
            "post_journal, one journal",
            format!(
                "{} ({} lines/s persisted)",
                seconds(posting),
                per_second(lines, posting)
            ),
        );
        table.add(
            phase,
            "journal_text (hash + parse, before post_journal)",
            seconds(prepare),
        );
        let started = Instant::now();
        session.write_snapshot().map_err(|e| shown(&e))?;
        let snapshot = started.elapsed();
        table.add(
            phase,
            "write_snapshot (the default policy writes it after this batch)",
            format!(
                "{}; with it {} lines/s",
                seconds(snapshot),
                per_second(lines, posting + snapshot)
            ),
        );
        table.add(phase, "peak memory", memory::show(memory::peak_mib()));
        drop(session);
        table.add(
            phase,
            "database size",
            mib(file_bytes(&dir, "stockpost.db")),
        );
        Ok(())
    }

    pub fn open_phase(&self, table: &mut Table, dir: &Path) -> Result<(), String> {
        let phase = "open-and-post-one";
        let file = self.work.join("one-line.csv");
        std::fs::write(&file, self.one_line_journal())
            .map_err(|e| format!("{}: {e}", file.display()))?;
        let fresh = child::run(dir, Some(&file))?;
        table.add(
            phase,
            "open with a fresh snapshot (new process)",
            format!(
                "{:.3} s; {} batches replayed after the snapshot of batch {}",
                fresh.open, fresh.replayed, fresh.snapshot_batch
            ),
        );
        table.add(
            phase,
            "then post a one-line journal",
            format!(
                "{:.1} ms (journal_text {:.2} ms before it)",
                fresh.post.unwrap_or(f64::NAN) * 1e3,
                fresh.prepare.unwrap_or(f64::NAN) * 1e3
            ),
        );
        table.add(
            phase,
            "the whole process (start, open, post, exit)",
            format!(
                "{:.3} s; peak memory {}",
                fresh.wall,
                memory::show(fresh.peak_mib)
            ),
        );
        let snapshot = dir.join(SNAPSHOT_FILE);
        std::fs::remove_file(&snapshot).map_err(|e| format!("{}: {e}", snapshot.display()))?;
        let replay = child::run(dir, None)?;
        table.add(
            phase,
            "open without a snapshot (new process)",
            format!(
                "{:.3} s; {} batches replayed; process {:.3} s, peak memory {}",
                replay.open,
                replay.replayed,
                replay.wall,
                memory::show(replay.peak_mib)
            ),
        );
        Ok(())
    }

    /// A purchase of one unit of the first item on the history's last date, under a document no.
    /// the generator never writes.
    fn one_line_journal(&self) -> String {
        let date = self.journal.last_date.to_string();
        let item = &self.config.items[0].no;
        let cells: Vec<&str> = self
            .header
            .split(',')
            .map(|column| match column {
                "type" => "purchase",
                "posting_date" => &date,
                "document_no" => "BENCH-ONE-LINE",
                "gen_bus_posting_group" => "DOMESTIC",
                "item" => item,
                "location" => "MAIN",
                "quantity" => "1",
                "unit_cost" => "10.00",
                _ => "",
            })
            .collect();
        format!("{}\n{}\n", self.header, cells.join(","))
    }

    /// The generator's entry numbering must match the engine's, or its references were wrong.
    fn check_entries(&self, phase: &str, marks: StoreMarks) -> Result<(), String> {
        if marks.item_ledger_entries == self.journal.item_ledger_entries {
            return Ok(());
        }
        Err(format!(
            "{phase}: {} item ledger entries created, the generator expected {}",
            marks.item_ledger_entries, self.journal.item_ledger_entries
        ))
    }
}

/// What the batches that wrote a snapshot took beyond the median of the batches before them.
fn snapshot_excess(times: &[Duration], snapshot_at: &[bool]) -> Duration {
    let mut excess = Duration::ZERO;
    for (index, _) in snapshot_at.iter().enumerate().filter(|(_, &at)| at) {
        let mut before: Vec<Duration> = (index.saturating_sub(BASELINE_BATCHES)..index)
            .filter(|&other| !snapshot_at[other])
            .map(|other| times[other])
            .collect();
        before.sort();
        let baseline = before.get(before.len() / 2).copied().unwrap_or_default();
        excess += times[index].saturating_sub(baseline);
    }
    excess
}

/// The last posting date of a journal, as `post_journal` finds its work date.
fn last_posting_date(journal: &JournalText) -> Result<NaiveDate, String> {
    let lines = parse_journal(&journal.name, &journal.text).map_err(|e| e.to_string())?;
    lines
        .iter()
        .map(|line| line.posting_date)
        .max()
        .ok_or_else(|| format!("{} has no lines", journal.name))
}

/// The bytes of the files in `dir` whose names start with `prefix` (the database with its WAL).
fn file_bytes(dir: &Path, prefix: &str) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|entry| entry.file_name().to_string_lossy().starts_with(prefix))
                .filter_map(|entry| entry.metadata().ok())
                .map(|metadata| metadata.len())
                .sum()
        })
        .unwrap_or(0)
}
