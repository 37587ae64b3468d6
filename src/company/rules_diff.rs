//! `stockpost rules diff`: what a candidate rule set would have done to the company's stored
//! history, worked out in memory; the store is only read.
//!
//! Mappings are compared key by key ([`crate::rules::diff::mapping_changes`]). For the G/L, a
//! rule set decides two things: the account of every posted line (a value entry's cost on one
//! account role, see [`crate::glpost::reclass`]), and through `cost_adjustment_trigger` when
//! cost adjustment runs, which can change the value entries themselves. So:
//!
//! - **projection** (the fast path): when the candidate's trigger is the one every stored batch
//!   ran under and it keeps the stored configuration (its chart of accounts may differ: the
//!   chart decides no value entry), replaying the history under it gives the
//!   same value entries; only accounts can differ. The books are restored as any command
//!   restores them (snapshot plus the batches after it) and every posted line is asked of the
//!   candidate: one pass over the value entries, matched to their G/L entries by the G/L - item
//!   ledger relation.
//! - **full replay**: otherwise (or when asked), every stored batch is replayed in memory into
//!   fresh books under the candidate (as `verify` replays, with the candidate in place of each
//!   batch's rule set; earlier adoptions post no reclassification there). Value entries are
//!   compared one by one; when any differs the candidate changes the sub-ledger, which a
//!   reclassification cannot reproduce, so only the count is reported. Otherwise the posted
//!   lines of both books are matched by (value entry, role).
//!
//! The reclassification journal moves today's balances: per account, after − before, dated
//! at the last posting date in the store (or the date asked) — the core reads no clock.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use crate::books::Books;
use crate::glpost::reclass::{line_changes, posted_lines, PostedLine};
use crate::ledger::{Code, ValueEntry};
use crate::rules::diff::{mapping_changes, MappingChange};
use crate::rules::posting::RuleSetAccounts;
use crate::rules::AccountRole;
use crate::store::{BatchCommand, CompanyStore, StoredBatch};

use super::candidate::{trigger_fingerprint, Candidate};
use super::command::run_command;
use super::definition::LoadedCompany;
use super::error::CompanyError;
use super::progress::Progress;
use super::session::{OpenMode, StoredCompany};

/// What `rules diff` is asked.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// Keep every differing G/L line (`--detail`), not only the summary per account pair.
    pub detail: bool,
    /// Replay every batch even when the projection would do.
    pub full_replay: bool,
    /// The reclassification's posting date (default: the last posting date in the store).
    pub posting_date: Option<NaiveDate>,
    /// The reclassification's document no. (default: [`default_document_no`]).
    pub document_no: Option<String>,
}

/// How the history was replayed under the candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayMode {
    /// The stored books, every posted line asked of the candidate (same sub-ledger).
    Projection,
    /// Every stored batch replayed into fresh books; `why` says what asked for it.
    Full { why: String },
}

/// One G/L line that would be on another account.
#[derive(Debug, Clone, PartialEq)]
pub struct LineDifference {
    pub gl_entry_no: u64,
    pub posting_date: NaiveDate,
    pub document_no: String,
    pub value_entry_no: u64,
    pub role: AccountRole,
    pub old_account: String,
    pub new_account: String,
    pub amount: Decimal,
}

/// The lines moving from one account to another.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountPairSummary {
    pub old_account: String,
    pub new_account: String,
    pub amount: Decimal,
    pub lines: u64,
}

/// One account's balance in the stored G/L and after the replay.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountBalance {
    pub account_no: String,
    pub before: Decimal,
    pub after: Decimal,
    pub difference: Decimal,
}

/// The journal that would move today's balances onto the candidate's accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct ReclassificationJournal {
    pub posting_date: NaiveDate,
    pub document_no: String,
    /// (account, amount = after − before), accounts with a difference only; sums to zero.
    pub lines: Vec<(String, Decimal)>,
}

/// What `rules diff` found.
#[derive(Debug, Clone)]
pub struct RulesDiff {
    pub current_rule_set: String,
    pub candidate_rule_set: String,
    /// The candidate's configuration hash, when it brought one.
    pub candidate_config: Option<String>,
    pub batches: u64,
    pub replay: ReplayMode,
    pub mapping_changes: Vec<MappingChange>,
    pub value_entries_compared: u64,
    /// Value entries the candidate's replay makes differently (or makes, or does not make).
    pub value_entries_differing: u64,
    pub lines_compared: u64,
    /// Posted lines whose amount differs, or that only one side has (full replay only).
    pub lines_differing_in_amount: u64,
    /// Lines on another account (the count; the lines themselves with `detail`).
    pub lines_moved: u64,
    pub line_differences: Vec<LineDifference>,
    pub pairs: Vec<AccountPairSummary>,
    pub balances: Vec<AccountBalance>,
    /// `None` when the candidate changes more than accounts, or nothing moves.
    pub reclassification: Option<ReclassificationJournal>,
    pub notes: Vec<String>,
}

impl RulesDiff {
    /// Nothing differs: no mapping, no G/L line, no value entry.
    pub fn is_empty(&self) -> bool {
        self.mapping_changes.is_empty()
            && self.lines_moved == 0
            && self.value_entries_differing == 0
            && self.lines_differing_in_amount == 0
            && self.balances.iter().all(|b| b.difference.is_zero())
    }

    /// The candidate changes the sub-ledger or what reaches the G/L, not only accounts.
    pub fn changes_more_than_accounts(&self) -> bool {
        self.value_entries_differing > 0 || self.lines_differing_in_amount > 0
    }
}

/// The reclassification's document no. when none is given: `RC-` and the first 8 hex digits
/// of the candidate's rule-set hash.
pub fn default_document_no(candidate_rule_set: &str) -> String {
    let short: String = candidate_rule_set.chars().take(8).collect();
    format!("RC-{short}")
}

/// The last posting date of the books' value entries (`None` for empty books).
pub fn last_posting_date(books: &Books) -> Option<NaiveDate> {
    books
        .ledger
        .value_entries()
        .iter()
        .map(|entry| entry.posting_date)
        .max()
}

/// Works out the diff of `candidate` against the company in `folder`, read-only.
pub fn rules_diff(
    folder: &Path,
    candidate: &Candidate,
    options: &DiffOptions,
    progress: &dyn Progress,
) -> Result<RulesDiff, CompanyError> {
    let mode = OpenMode {
        read_only: true,
        ..OpenMode::default()
    };
    let session = StoredCompany::open(folder, mode, progress)?;
    diff_session(&session, candidate, options, progress)
}

/// [`rules_diff`] on a company opened already.
pub fn diff_session(
    session: &StoredCompany,
    candidate: &Candidate,
    options: &DiffOptions,
    progress: &dyn Progress,
) -> Result<RulesDiff, CompanyError> {
    let current = session.company();
    let config = candidate.config_or(&session.definition().config);
    let loaded = candidate.load(config)?;
    let store = session.store();
    let books = session.books();
    let batches = session
        .head()
        .last_batch
        .as_ref()
        .map_or(0, |batch| batch.batch_id);
    let mut diff = RulesDiff {
        current_rule_set: current.rule_set_hash.clone(),
        candidate_rule_set: loaded.rule_set_hash.clone(),
        candidate_config: candidate.config.as_ref().map(|config| config.hash.clone()),
        batches,
        replay: ReplayMode::Projection,
        mapping_changes: mapping_changes(&current.rules, &loaded.rules),
        value_entries_compared: books.ledger.value_entries().len() as u64,
        value_entries_differing: 0,
        lines_compared: 0,
        lines_differing_in_amount: 0,
        lines_moved: 0,
        line_differences: Vec::new(),
        pairs: Vec::new(),
        balances: Vec::new(),
        reclassification: None,
        notes: Vec::new(),
    };
    let before_lines = posted_lines(books).map_err(CompanyError::diverged)?;
    diff.lines_compared = before_lines.len() as u64;
    let before = balances_of(books);
    let why_full = if options.full_replay {
        Some("asked for (--full-replay)".to_string())
    } else {
        needs_full_replay(store, candidate, &loaded)?
    };
    let after = match why_full {
        None => {
            let accounts = RuleSetAccounts::new(&loaded.rules);
            let changes = line_changes(books, &before_lines, &accounts)
                .map_err(|message| candidate_error(candidate, message))?;
            let mut after = before.clone();
            let mut moved = Vec::with_capacity(changes.len());
            for change in &changes {
                *after.entry(change.line.account_no.clone()).or_default() -= change.line.amount;
                *after.entry(change.new_account_no.clone()).or_default() += change.line.amount;
                moved.push((&change.line, change.new_account_no.clone()));
            }
            record_moves(&mut diff, books, &moved, options.detail);
            after
        }
        Some(why) => {
            diff.replay = ReplayMode::Full { why };
            let replayed = replay_history(store, candidate, &loaded, progress)?;
            diff.value_entries_differing = differing_value_entries(
                books.ledger.value_entries(),
                replayed.ledger.value_entries(),
            );
            diff.value_entries_compared = books
                .ledger
                .value_entries()
                .len()
                .max(replayed.ledger.value_entries().len())
                as u64;
            if diff.value_entries_differing == 0 {
                let after_lines = posted_lines(&replayed).map_err(CompanyError::diverged)?;
                let (moved, differing) = match_lines(&before_lines, &after_lines);
                diff.lines_differing_in_amount = differing;
                let moved: Vec<(&PostedLine, Code)> = moved;
                record_moves(&mut diff, books, &moved, options.detail);
            } else {
                diff.notes.push(format!(
                    "{} value entries differ under the candidate: its cost adjustment trigger or \
                     configuration changes the sub-ledger, not only accounts, so no G/L line \
                     comparison and no reclassification journal are given",
                    diff.value_entries_differing
                ));
            }
            balances_of(&replayed)
        }
    };
    let accounts: std::collections::BTreeSet<&Code> = before.keys().chain(after.keys()).collect();
    for account in accounts {
        let (was, now) = (
            before.get(account).copied().unwrap_or_default(),
            after.get(account).copied().unwrap_or_default(),
        );
        diff.balances.push(AccountBalance {
            account_no: account.to_string(),
            before: was,
            after: now,
            difference: now - was,
        });
    }
    if diff.lines_differing_in_amount > 0 {
        diff.notes.push(format!(
            "{} posted lines differ in amount (posted on one side only, or by another amount): \
             the candidate changes what reaches the G/L, so no reclassification journal is given",
            diff.lines_differing_in_amount
        ));
    }
    let lines: Vec<(String, Decimal)> = diff
        .balances
        .iter()
        .filter(|balance| !balance.difference.is_zero())
        .map(|balance| (balance.account_no.clone(), balance.difference))
        .collect();
    if !diff.changes_more_than_accounts() && !lines.is_empty() {
        let posting_date = match options.posting_date.or_else(|| last_posting_date(books)) {
            Some(date) => date,
            None => return Ok(diff),
        };
        let total: Decimal = lines.iter().map(|(_, amount)| *amount).sum();
        if !total.is_zero() {
            diff.notes.push(format!(
                "the reclassification does not balance ({total}): the candidate changes more \
                 than accounts"
            ));
        } else {
            diff.reclassification = Some(ReclassificationJournal {
                posting_date,
                document_no: options
                    .document_no
                    .clone()
                    .unwrap_or_else(|| default_document_no(&diff.candidate_rule_set)),
                lines,
            });
        }
    }
    Ok(diff)
}

fn candidate_error(candidate: &Candidate, message: String) -> CompanyError {
    CompanyError::input(format!(
        "the candidate cannot place a posted line: {message}"
    ))
    .hint(format!(
        "the rules in {} must give an account for every role the history posted; nothing was \
             changed",
        candidate.rules_dir.display()
    ))
}

/// Why the projection would not be the replay: the candidate brings another configuration, or
/// its cost adjustment trigger is not the one of every stored batch. `None`: the projection is
/// exact.
fn needs_full_replay(
    store: &crate::store::sqlite::SqliteStore,
    candidate: &Candidate,
    loaded: &LoadedCompany,
) -> Result<Option<String>, CompanyError> {
    let fingerprint = trigger_fingerprint(&candidate.rules);
    for (config_hash, rule_set_hash) in store.batch_definitions().map_err(CompanyError::store)? {
        if let Some(config) = &candidate.config {
            let stored = store
                .config(&config_hash)
                .map_err(CompanyError::store)?
                .ok_or_else(|| {
                    CompanyError::diverged(format!(
                        "the store lacks the configuration {config_hash} a batch names"
                    ))
                })?;
            if without_chart(&stored) != without_chart(config) {
                return Ok(Some(format!(
                    "the candidate's configuration {} differs from the stored configuration {} \
                     in more than the chart of accounts",
                    short(&loaded.config_hash),
                    short(&config_hash)
                )));
            }
        }
        let stored = store
            .rule_set(&rule_set_hash)
            .map_err(CompanyError::store)?
            .ok_or_else(|| {
                CompanyError::diverged(format!(
                    "the store lacks the rule set {rule_set_hash} a batch names"
                ))
            })?;
        if trigger_fingerprint(&stored) != fingerprint {
            return Ok(Some(format!(
                "the candidate's cost_adjustment_trigger is not the one of rule set {}",
                short(&rule_set_hash)
            )));
        }
    }
    Ok(None)
}

/// The configuration files but the chart of accounts: the chart only decides which accounts
/// the rules may give, never a value entry.
fn without_chart(config: &crate::store::SourceSet) -> Vec<&(String, String)> {
    let chart = format!("config/{}", super::definition::CHART_FILE);
    config
        .files
        .iter()
        .filter(|(name, _)| *name != chart)
        .collect()
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

/// Every stored batch replayed into fresh books under the candidate (with each batch's stored
/// configuration, or the candidate's); adoptions post no reclassification here.
fn replay_history(
    store: &crate::store::sqlite::SqliteStore,
    candidate: &Candidate,
    loaded: &LoadedCompany,
    progress: &dyn Progress,
) -> Result<Books, CompanyError> {
    let mut companies: HashMap<String, LoadedCompany> = HashMap::new();
    let total = store
        .head()
        .map_err(CompanyError::store)?
        .last_batch
        .map_or(0, |batch| batch.batch_id);
    let mut books: Option<Books> = None;
    let mut failure: Option<CompanyError> = None;
    progress.begin("replaying the history under the candidate", total);
    let mut done = 0;
    store
        .batches_after(0, &mut |batch: StoredBatch| {
            if failure.is_some() {
                return Ok(());
            }
            let result = (|| -> Result<(), CompanyError> {
                let config_hash = match &candidate.config {
                    Some(_) => loaded.config_hash.clone(),
                    None => batch.config_hash.clone(),
                };
                if !companies.contains_key(&config_hash) {
                    let company = match &candidate.config {
                        Some(config) => candidate.load(config)?,
                        None => {
                            let config = store
                                .config(&config_hash)
                                .map_err(CompanyError::store)?
                                .ok_or_else(|| {
                                CompanyError::diverged(format!(
                                    "the store lacks the configuration {config_hash} a \
                                         batch names"
                                ))
                            })?;
                            candidate.load(&config)?
                        }
                    };
                    companies.insert(config_hash.clone(), company);
                }
                let company = &companies[&config_hash];
                let books = books.get_or_insert_with(|| Books::new(company.config.clone()));
                super::config_change::apply(books, &company.config)?;
                if matches!(batch.command, BatchCommand::AdoptRuleSet { .. }) {
                    return Ok(());
                }
                run_command(books, company, &batch.command, batch.journal.as_ref()).map_err(
                    |error| {
                        CompanyError::input(format!(
                            "stored batch {} ({}) cannot be replayed under the candidate: {}",
                            batch.batch_id,
                            batch.command.name(),
                            error.message
                        ))
                        .hint("nothing was changed")
                    },
                )?;
                Ok(())
            })();
            if let Err(error) = result {
                failure = Some(error);
            }
            done += 1;
            progress.advance(done);
            Ok(())
        })
        .map_err(CompanyError::store)?;
    progress.end();
    if let Some(error) = failure {
        return Err(error);
    }
    Ok(books.unwrap_or_else(|| Books::new(loaded.config.clone())))
}

/// How many value entries differ between two ledgers, the posted-to-G/L fields aside (they
/// follow the G/L, compared apart), and counting entries only one side has.
fn differing_value_entries(stored: &[ValueEntry], replayed: &[ValueEntry]) -> u64 {
    let common = stored.len().min(replayed.len());
    let mut differing = (stored.len().max(replayed.len()) - common) as u64;
    for (a, b) in stored[..common].iter().zip(&replayed[..common]) {
        let mut a = a.clone();
        a.cost_posted_to_gl = b.cost_posted_to_gl;
        a.expected_cost_posted_to_gl = b.expected_cost_posted_to_gl;
        if &a != b {
            differing += 1;
        }
    }
    differing
}

/// Lines on another account (the stored line and its new account), and the number of lines
/// whose amount differs or that one side lacks.
fn match_lines<'a>(
    before: &'a [PostedLine],
    after: &[PostedLine],
) -> (Vec<(&'a PostedLine, Code)>, u64) {
    let mut by_key: FxHashMap<(u64, AccountRole), &PostedLine> = FxHashMap::default();
    by_key.reserve(after.len());
    for line in after {
        by_key.insert((line.value_entry_no, line.role), line);
    }
    let mut moved = Vec::new();
    let mut differing = 0u64;
    let mut matched = 0usize;
    for line in before {
        match by_key.get(&(line.value_entry_no, line.role)) {
            Some(other) if other.amount == line.amount => {
                matched += 1;
                if other.account_no != line.account_no {
                    moved.push((line, other.account_no.clone()));
                }
            }
            Some(_) => {
                matched += 1;
                differing += 1;
            }
            None => differing += 1,
        }
    }
    differing += (after.len() - matched) as u64;
    (moved, differing)
}

/// Records the moved lines: the count, the summary per account pair, and (with `detail`) each
/// line with its G/L entry.
fn record_moves(diff: &mut RulesDiff, books: &Books, moved: &[(&PostedLine, Code)], detail: bool) {
    let mut pairs: BTreeMap<(Code, Code), (Decimal, u64)> = BTreeMap::new();
    for (line, new_account) in moved {
        let pair = pairs
            .entry((line.account_no.clone(), new_account.clone()))
            .or_default();
        pair.0 += line.amount;
        pair.1 += 1;
        if detail {
            let gl = books.general_ledger.entry(line.gl_entry_no);
            diff.line_differences.push(LineDifference {
                gl_entry_no: line.gl_entry_no,
                posting_date: gl.map_or(NaiveDate::MIN, |gl| gl.posting_date),
                document_no: gl.map_or(String::new(), |gl| gl.document_no.to_string()),
                value_entry_no: line.value_entry_no,
                role: line.role,
                old_account: line.account_no.to_string(),
                new_account: new_account.to_string(),
                amount: line.amount,
            });
        }
    }
    diff.lines_moved = moved.len() as u64;
    diff.pairs = pairs
        .into_iter()
        .map(|((old, new), (amount, lines))| AccountPairSummary {
            old_account: old.to_string(),
            new_account: new.to_string(),
            amount,
            lines,
        })
        .collect();
}

/// Σ of the G/L entries per account.
fn balances_of(books: &Books) -> BTreeMap<Code, Decimal> {
    let mut balances: FxHashMap<Code, Decimal> = FxHashMap::default();
    for entry in books.general_ledger.entries() {
        *balances.entry(entry.account_no.clone()).or_default() += entry.amount;
    }
    balances.into_iter().collect()
}
