//! Opening a company's store for a command: the folder (`--company`, default the current
//! folder), a progress bar on a terminal while the books are restored, and the books as a
//! [`Replay`] for the commands that report on them.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressStyle};

use stockpost::company::folder::parse_journal_file;
use stockpost::company::{
    CompanyError, CompanyErrorKind, OpenMode, Progress, StoredCompany, DATABASE_FILE,
};
use stockpost::glpost::CostPostingMode;
use stockpost::report::steps::{AdjustmentSummary, StepRow};
use stockpost::store::BatchCommand;

use super::company::Company;
use super::failure::CliError;
use super::replay::{Counts, JournalFile, Replay, ReplayOptions};

/// A progress bar on stderr when it is a terminal; nothing when piped.
pub struct TerminalProgress {
    bar: Option<ProgressBar>,
}

impl TerminalProgress {
    pub fn for_stderr() -> TerminalProgress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::hidden();
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar
        });
        TerminalProgress { bar }
    }
}

impl Progress for TerminalProgress {
    fn begin(&self, what: &str, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.set_position(0);
            bar.set_message(what.to_string());
            if let Ok(style) =
                ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta} left)")
            {
                bar.set_style(style.progress_chars("=> "));
            }
        }
    }

    fn advance(&self, done: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }

    fn end(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The company folder a command works on.
pub fn company_folder(company: Option<&Path>) -> PathBuf {
    company.map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Whether a command without journal files works on a store: `--company` was given, or the
/// current folder holds a company database.
pub fn uses_store(company: Option<&Path>) -> bool {
    company.is_some() || Path::new(DATABASE_FILE).is_file()
}

/// How long a command waits for another process's write transaction: 5 s, or the
/// milliseconds in `STOCKPOST_BUSY_TIMEOUT_MS`.
pub fn busy_timeout_ms() -> Option<u64> {
    std::env::var("STOCKPOST_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|text| text.trim().parse().ok())
}

/// Opens the company in `folder`.
pub fn open(folder: &Path, read_only: bool) -> Result<StoredCompany, CliError> {
    let mode = OpenMode {
        read_only,
        busy_timeout_ms: busy_timeout_ms(),
        ..OpenMode::default()
    };
    Ok(StoredCompany::open(
        folder,
        mode,
        &TerminalProgress::for_stderr(),
    )?)
}

/// The stored books of `folder`, read-only, as the reporting commands take them.
pub fn stored_books(folder: &Path) -> Result<(Company, Replay), CliError> {
    let (company, books, _) = open(folder, true)?.into_parts();
    Ok((
        company,
        Replay {
            books,
            steps: Vec::new(),
            adjustment: None,
            problems: Vec::new(),
        },
    ))
}

/// Posts `journals` into the company's store, one batch each, then adjusts and posts the queue
/// as `options` say (each its own batch; the adjustment posts to the G/L when automatic cost
/// posting is on). A journal that fails stops the run: the journals
/// before it stay stored, and the error says which.
pub fn post_to_store(
    folder: &Path,
    journals: &[JournalFile],
    options: &ReplayOptions,
) -> Result<(Company, Replay), CliError> {
    let mut session = open(folder, false)?;
    // One snapshot at the end of the command when it stores several batches, not one after
    // each quarter of growth: the books it encodes are the same, only later.
    let several = journals.len() > 1 || options.adjust || options.post_cost.is_some();
    if several {
        session.defer_snapshots();
    }
    let posted = post_batches(&mut session, journals, options);
    if several {
        // Also after a journal that failed: the journals before it are stored.
        session.write_deferred_snapshot();
    }
    let (steps, problems, adjustment) = posted?;
    let (company, books, _) = session.into_parts();
    Ok((
        company,
        Replay {
            books,
            steps,
            adjustment,
            problems,
        },
    ))
}

/// What `post_to_store` stored: the steps, the problems found, the adjustment's summary.
type Posted = (Vec<StepRow>, Vec<String>, Option<AdjustmentSummary>);

/// The batches of `post_to_store`: each journal, then the adjustment and the queue's posting
/// when asked; stops at the first journal that fails.
fn post_batches(
    session: &mut StoredCompany,
    journals: &[JournalFile],
    options: &ReplayOptions,
) -> Result<Posted, CliError> {
    let mut steps = Vec::new();
    let mut problems = Vec::new();
    let mut adjustment = None;
    let notes = super::replay::Progress::for_stderr();
    for (index, journal) in journals.iter().enumerate() {
        notes.note(&format!(
            "posting {} ({} of {})",
            journal.name,
            index + 1,
            journals.len()
        ));
        let before = Counts::of(session.books());
        // Parsed once, its lines handed to the posting (they were parsed twice, and the text
        // copied twice, before).
        let posted = parse_journal_file(&journal.name, journal.text.clone()).and_then(|parsed| {
            session.post_parsed_journal(&parsed.journal, parsed.lines, options.work_date)
        });
        let committed = posted.map_err(|error| stored_failure(error, journals, index))?;
        let mut queued = 0;
        if let Some(posting) = &committed.outcome.journal {
            queued += posting.queued_value_entries;
        }
        if let Some(posting) = &committed.outcome.adjustment {
            queued += posting.queued_value_entries;
            let summary = AdjustmentSummary::of(&posting.adjustment);
            note_limit_hits(&mut problems, &summary);
        }
        steps.push(before.step(
            session.books(),
            &journal.name,
            committed.outcome.lines,
            queued,
        ));
    }
    if options.adjust {
        notes.note("adjusting cost");
        let before = Counts::of(session.books());
        let committed = session.run(BatchCommand::AdjustCost {
            items: Vec::new(),
            item_category: None,
            post_to_gl: session
                .company()
                .config
                .inventory_setup
                .automatic_cost_posting,
        })?;
        if let Some(posting) = &committed.outcome.adjustment {
            for skipped in &posting.cost_posting.skipped {
                problems.push(format!(
                    "adjustment value entry {} not posted to the G/L: {}",
                    skipped.value_entry_no, skipped.reason
                ));
            }
            let summary = AdjustmentSummary::of(&posting.adjustment);
            note_limit_hits(&mut problems, &summary);
            steps.push(before.step(
                session.books(),
                "adjust cost",
                0,
                posting.queued_value_entries,
            ));
            adjustment = Some(summary);
        }
    }
    if let Some(mode) = &options.post_cost {
        notes.note("posting inventory cost to the G/L");
        let before = Counts::of(session.books());
        let per_posting_group = match mode {
            CostPostingMode::PerEntry => None,
            CostPostingMode::PerPostingGroup { document_no } => Some(document_no.clone()),
        };
        let committed = session.run(BatchCommand::PostInventoryCost { per_posting_group })?;
        let skipped = committed
            .outcome
            .cost_posting
            .map(|result| result.skipped)
            .unwrap_or_default();
        for entry in &skipped {
            problems.push(format!(
                "value entry {} not posted to the G/L, it stays queued: {}",
                entry.value_entry_no, entry.reason
            ));
        }
        steps.push(before.step(
            session.books(),
            "post inventory cost to G/L",
            0,
            skipped.len() as u64,
        ));
    }
    Ok((steps, problems, adjustment))
}

fn note_limit_hits(problems: &mut Vec<String>, summary: &AdjustmentSummary) {
    for hit in &summary.limit_hits {
        problems.push(format!(
            "cost adjustment stopped at a bound for {hit}; the item stays not adjusted"
        ));
    }
}

/// The error of journal `index`, with what happened to the journals before and after it.
fn stored_failure(error: CompanyError, journals: &[JournalFile], index: usize) -> CliError {
    let duplicate = error.kind == CompanyErrorKind::Duplicate;
    let mut error = CliError::from(error);
    let earlier: Vec<&str> = journals[..index].iter().map(|j| j.name.as_str()).collect();
    if !earlier.is_empty() {
        error = error.hint(format!(
            "stored before it: {} (each journal is its own batch)",
            earlier.join(", ")
        ));
    }
    let later: Vec<&str> = journals[index + 1..]
        .iter()
        .map(|j| j.name.as_str())
        .collect();
    match (duplicate, later.is_empty()) {
        (true, true) => error,
        (true, false) => error.hint(format!(
            "not posted either: {}; post them again without the duplicate",
            later.join(", ")
        )),
        (false, true) => error.hint(format!("fix {} and post it again", journals[index].name)),
        (false, false) => error.hint(format!(
            "not posted either: {}; fix {} and post it and these again",
            later.join(", "),
            journals[index].name
        )),
    }
}
