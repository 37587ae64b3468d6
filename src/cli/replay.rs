//! The posting pipeline every command replays: each journal file one batch (with the cost
//! adjustment trigger rule after it), then optionally a full cost adjustment and posting the G/L
//! queue, in memory, from empty books. Commands use it when journal files are named (replay
//! mode, nothing stored) and `stockpost example --in-memory`; without journal files they work on
//! the company's store instead (see `stored.rs`).

use std::io::IsTerminal;
use std::path::PathBuf;
use stockpost::report::terminal::for_terminal;
use stockpost::store::rows::{check_new_rows_fit, Scales};
use stockpost::store::StoreMarks;

use chrono::NaiveDate;

use stockpost::adjust::AdjustRequest;
use stockpost::books::{Books, JournalPosting};
use stockpost::glpost::CostPostingMode;
use stockpost::journal::{parse_journal, JournalLine};
use stockpost::posting::PostingContext;
use stockpost::report::steps::{AdjustmentSummary, StepRow};
use stockpost::rules::RuleSetAccounts;

use super::company::Company;
use super::failure::CliError;

/// A journal file: its name (as shown in messages and on entries) and text.
#[derive(Debug, Clone)]
pub struct JournalFile {
    pub name: String,
    pub text: String,
}

impl JournalFile {
    /// Reads the files, all before anything is posted, so an unreadable file posts nothing.
    pub fn read_all(paths: &[PathBuf]) -> Result<Vec<JournalFile>, CliError> {
        paths
            .iter()
            .map(|path| {
                let name = path.display().to_string();
                std::fs::read_to_string(path)
                    .map(|text| JournalFile {
                        name: name.clone(),
                        text,
                    })
                    .map_err(|error| {
                        CliError::input(format!("cannot read journal {name}: {error}"))
                            .hint("check the path; nothing was posted")
                    })
            })
            .collect()
    }
}

/// What the pipeline does besides posting the journals.
#[derive(Debug, Clone, Default)]
pub struct ReplayOptions {
    /// Work date of every batch; `None`: each batch's last posting date.
    pub work_date: Option<NaiveDate>,
    /// Run a full cost adjustment after the last journal.
    pub adjust: bool,
    /// Post the adjustment entries to the G/L (else they are queued).
    pub adjust_post_to_gl: bool,
    /// Post the G/L queue at the end ("post inventory cost to G/L").
    pub post_cost: Option<CostPostingMode>,
}

impl Replay {
    /// Leaves the books of a one-shot command to the process exit, which returns their memory
    /// at once: freeing millions of entries one by one took 8% of a dry run. Only for the
    /// commands a process runs once and then exits (never `watch`).
    pub fn leave_to_process_exit(self) {
        std::mem::forget(self);
    }
}

/// The books after a replay, with what each step did and the problems found.
pub struct Replay {
    pub books: Books,
    pub steps: Vec<StepRow>,
    pub adjustment: Option<AdjustmentSummary>,
    /// Problems that make the command exit with status 1 (skipped entries, limits hit).
    pub problems: Vec<String>,
}

/// Progress notes on stderr, only when a person watches (stderr is a terminal).
pub struct Progress {
    enabled: bool,
}

impl Progress {
    pub fn for_stderr() -> Progress {
        Progress {
            enabled: std::io::stderr().is_terminal(),
        }
    }

    pub fn note(&self, message: &str) {
        if self.enabled {
            eprintln!("{}", for_terminal(message));
        }
    }
}

/// Posts `journals` in order into empty books of `company`, then adjusts and posts the queue
/// as `options` say. A journal that fails stops the replay with its error.
pub fn replay(
    company: &Company,
    journals: &[JournalFile],
    options: &ReplayOptions,
    progress: &Progress,
) -> Result<Replay, CliError> {
    replay_observed(company, journals, options, progress, &mut |_: &Replay| {})
}

/// [`replay`], calling `after_step` after each step (a journal file with the adjustment its
/// trigger ran, the full adjustment, posting the queue); the step is the last of `run.steps`.
pub fn replay_observed(
    company: &Company,
    journals: &[JournalFile],
    options: &ReplayOptions,
    progress: &Progress,
    after_step: &mut dyn FnMut(&Replay),
) -> Result<Replay, CliError> {
    let accounts = RuleSetAccounts::new(&company.rules);
    let mut run = Replay {
        books: Books::new(company.config.clone()),
        steps: Vec::new(),
        adjustment: None,
        problems: Vec::new(),
    };
    for index in 0..journals.len() {
        progress.note(&format!("posting {}", journals[index].name));
        post_journal_file(company, &mut run, journals, index, options, &accounts)?;
        after_step(&run);
    }
    if options.adjust {
        progress.note("adjusting cost");
        adjust_all(&mut run, options.adjust_post_to_gl, &accounts);
        after_step(&run);
    }
    if let Some(mode) = &options.post_cost {
        progress.note("posting inventory cost to the G/L");
        post_queue(&mut run, mode.clone(), &accounts);
        after_step(&run);
    }
    Ok(run)
}

/// Parses and posts journal `index` as one batch, then asks the trigger rule whether to adjust.
fn post_journal_file(
    company: &Company,
    run: &mut Replay,
    journals: &[JournalFile],
    index: usize,
    options: &ReplayOptions,
    accounts: &RuleSetAccounts<'_>,
) -> Result<(), CliError> {
    let journal = &journals[index];
    let failed = |message: String| batch_failed(CliError::input(message), journals, index);
    let lines =
        parse_journal(&journal.name, &journal.text).map_err(|error| failed(error.to_string()))?;
    let before = Counts::of(&run.books);
    let marks = StoreMarks::of(&run.books);
    let line_count = lines.len() as u64;
    let mut queued = 0;
    if let Some(work_date) = options.work_date.or_else(|| last_posting_date(&lines)) {
        let context = PostingContext { work_date };
        // As in the store's batches (company::command): a panic of the core refuses the
        // journal with a message instead of ending the process.
        let posted = stockpost::contain::contain(|| -> Result<u64, CliError> {
            let posting = run
                .books
                .post_journal_lines(lines, &context, accounts)
                .map_err(|error| failed(error.to_string()))?;
            Ok(posting.queued_value_entries
                + run_trigger(company, run, &posting, work_date, accounts)?)
        })
        .unwrap_or_else(|panic| {
            Err(failed(format!(
                "an amount of this journal is beyond what the engine can compute: {panic}; \
                 check the quantities and amounts against docs/journal.md, Limits"
            )))
        })?;
        queued += posted;
        // The store would refuse entries whose amounts do not fit its columns; so does a run
        // in memory, so that --dry-run says what post would.
        check_new_rows_fit(&run.books, &marks, Scales::for_config(&company.config))
            .map_err(|error| failed(error.to_string()))?;
    }
    let step = before.step(&run.books, &journal.name, line_count, queued);
    run.steps.push(step);
    Ok(())
}

/// The work date a batch gets by default: its last posting date (`None` for an empty journal).
fn last_posting_date(lines: &[JournalLine]) -> Option<NaiveDate> {
    lines.iter().map(|line| line.posting_date).max()
}

/// Runs `fn cost_adjustment_trigger` on the batch just posted and adjusts the items it names
/// (an online run, posted to the G/L when automatic cost posting is on). Returns the number of
/// adjustment entries queued for the G/L.
fn run_trigger(
    company: &Company,
    run: &mut Replay,
    posting: &JournalPosting,
    work_date: NaiveDate,
    accounts: &RuleSetAccounts<'_>,
) -> Result<u64, CliError> {
    let Some(trigger) = &company.trigger else {
        return Ok(0);
    };
    let adjusted = run
        .books
        .run_adjustment_trigger(trigger, posting, work_date, accounts)
        .map_err(|error| {
            CliError::input(error.to_string())
                .hint("the rule `cost_adjustment_trigger` failed after the journal was posted")
                .hint("fix the rule and run the command again with all the journal files")
        })?;
    let Some(posting) = adjusted else {
        return Ok(0);
    };
    record_adjustment_problems(run, &AdjustmentSummary::of(&posting.adjustment));
    Ok(posting.queued_value_entries)
}

fn adjust_all(run: &mut Replay, post_to_gl: bool, accounts: &RuleSetAccounts<'_>) {
    let before = Counts::of(&run.books);
    let posting = run
        .books
        .adjust_cost(&AdjustRequest::default(), post_to_gl, accounts);
    for skipped in &posting.cost_posting.skipped {
        run.problems.push(format!(
            "adjustment value entry {} not posted to the G/L: {}",
            skipped.value_entry_no, skipped.reason
        ));
    }
    let summary = AdjustmentSummary::of(&posting.adjustment);
    record_adjustment_problems(run, &summary);
    let step = before.step(&run.books, "adjust cost", 0, posting.queued_value_entries);
    run.steps.push(step);
    run.adjustment = Some(summary);
}

pub(super) fn record_adjustment_problems(run: &mut Replay, summary: &AdjustmentSummary) {
    for hit in &summary.limit_hits {
        run.problems.push(format!(
            "cost adjustment stopped at a bound for {hit}; the item stays not adjusted"
        ));
    }
}

fn post_queue(run: &mut Replay, mode: CostPostingMode, accounts: &RuleSetAccounts<'_>) {
    let before = Counts::of(&run.books);
    let result = run.books.post_inventory_cost_to_gl(mode, accounts);
    for skipped in &result.skipped {
        run.problems.push(format!(
            "value entry {} not posted to the G/L, it stays queued: {}",
            skipped.value_entry_no, skipped.reason
        ));
    }
    let step = before.step(
        &run.books,
        "post inventory cost to G/L",
        0,
        result.skipped.len() as u64,
    );
    run.steps.push(step);
}

/// Entry counts before a step, to report what the step created.
pub(super) struct Counts {
    item_ledger_entries: usize,
    value_entries: usize,
    gl_entries: usize,
}

impl Counts {
    pub(super) fn of(books: &Books) -> Counts {
        Counts {
            item_ledger_entries: books.ledger.item_ledger_entries().len(),
            value_entries: books.ledger.value_entries().len(),
            gl_entries: books.general_ledger.entries().len(),
        }
    }

    pub(super) fn step(&self, books: &Books, name: &str, lines: u64, queued: u64) -> StepRow {
        let after = Counts::of(books);
        StepRow {
            step: name.to_string(),
            lines,
            item_ledger_entries: (after.item_ledger_entries - self.item_ledger_entries) as u64,
            value_entries: (after.value_entries - self.value_entries) as u64,
            gl_entries: (after.gl_entries - self.gl_entries) as u64,
            queued_for_gl: queued,
        }
    }
}

/// The error of journal `index`, with what happened to the journals before it.
fn batch_failed(error: CliError, journals: &[JournalFile], index: usize) -> CliError {
    let failed = &journals[index].name;
    let earlier = &journals[..index];
    let mut error = error.hint(format!(
        "nothing of {failed} was posted: a journal file posts whole or not at all"
    ));
    if !earlier.is_empty() {
        let names: Vec<&str> = earlier.iter().map(|j| j.name.as_str()).collect();
        let (count, were) = match earlier.len() {
            1 => ("the journal file".to_string(), "was"),
            n => (format!("the {n} journal files"), "were"),
        };
        error = error.hint(format!(
            "{count} before it ({}) {were} posted in memory only (a replay stores nothing)",
            names.join(", ")
        ));
    }
    error.hint(format!(
        "fix {failed} and run the command again with all the journal files"
    ))
}
