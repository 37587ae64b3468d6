//! Running one batch command on the books: the one code path for posting it live and for
//! replaying it from the store, so that a replay reproduces the stored entries exactly.

use crate::adjust::{AdjustRequest, ItemSelection};
use crate::books::{AdjustmentPosting, Books, JournalPosting};
use rust_decimal::Decimal;

use crate::glpost::reclass::{self, ReclassificationGroup, ReclassificationPosting};
use crate::glpost::{AccountResolver, CostPostingMode, CostPostingResult};
use crate::journal::{parse_journal, JournalLine};
use crate::ledger::Code;
use crate::posting::PostingContext;
use crate::rules::posting::RuleSetAccounts;
use crate::rules::{AdjustmentTrigger, RuleSet};
use crate::store::{BatchCommand, JournalText, ReclassificationRequest};

use super::definition::LoadedCompany;

/// What a batch command did.
#[derive(Debug, Clone, Default)]
pub struct CommandOutcome {
    /// The journal posting (for a journal batch).
    pub journal: Option<JournalPosting>,
    /// The cost adjustment the trigger rule ran after the journal, or the adjustment run.
    pub adjustment: Option<AdjustmentPosting>,
    /// "Post inventory cost to G/L".
    pub cost_posting: Option<CostPostingResult>,
    /// The number of journal lines posted.
    pub lines: u64,
    /// The reclassification an adopted rule set posted.
    pub reclassification: Option<Reclassified>,
}

/// What a rule-change reclassification moved and posted.
#[derive(Debug, Clone, Default)]
pub struct Reclassified {
    pub request: Option<ReclassificationRequest>,
    /// The pairs (role, from, to, location, posting group, dimension set) with their amounts.
    pub groups: Vec<ReclassificationGroup>,
    /// Per account, the amount moved onto (+) or off (−) it; sums to zero.
    pub journal: Vec<(Code, Decimal)>,
    /// Posted lines that moved.
    pub lines_moved: u64,
    pub posting: ReclassificationPosting,
}

/// Why a batch command failed. The books may hold part of it: the caller must discard them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CommandError {
    pub message: String,
    /// Whether the books were changed before the failure (the trigger rule failed after the
    /// journal was posted in memory).
    pub books_changed: bool,
}

/// Runs `command` on `books` under `company`. A journal command needs `journal`, which is
/// parsed here (see [`run_command_on_lines`] to pass lines parsed already).
pub fn run_command(
    books: &mut Books,
    company: &LoadedCompany,
    command: &BatchCommand,
    journal: Option<&JournalText>,
) -> Result<CommandOutcome, CommandError> {
    let lines = match (command, journal) {
        (BatchCommand::PostJournal { .. }, Some(journal)) => Some(
            parse_journal(&journal.name, &journal.text).map_err(|error| CommandError {
                message: error.to_string(),
                books_changed: false,
            })?,
        ),
        _ => None,
    };
    run_command_on_lines(books, company, command, lines)
}

/// [`run_command`] with the journal's lines parsed by the caller, handed over: they are freed
/// once the sub-ledger holds their entries (`Books::post_journal_lines`).
pub fn run_command_on_lines(
    books: &mut Books,
    company: &LoadedCompany,
    command: &BatchCommand,
    lines: Option<Vec<JournalLine>>,
) -> Result<CommandOutcome, CommandError> {
    run_command_with_rules(
        books,
        &company.rules,
        company.trigger.as_ref(),
        command,
        lines,
    )
}

/// [`run_command_on_lines`] with the rule set and the cost adjustment trigger given on their
/// own, for callers that hold no [`LoadedCompany`] (a rule test scenario posts under a rule
/// folder and a configuration folder named separately).
pub fn run_command_with_rules(
    books: &mut Books,
    rules: &RuleSet,
    trigger: Option<&AdjustmentTrigger>,
    command: &BatchCommand,
    lines: Option<Vec<JournalLine>>,
) -> Result<CommandOutcome, CommandError> {
    // Journals are range-checked when read, so accepted lines do not overflow; if a long
    // history still drives an amount past what Decimal holds, the batch is refused, never
    // half-posted: the books it worked on are marked changed, and the caller discards them.
    crate::contain::contain(|| run_command_unguarded(books, rules, trigger, command, lines))
        .unwrap_or_else(|panic| {
            let what = if crate::contain::is_overflow(&panic) {
                "an amount of this batch is beyond what the engine can compute"
            } else {
                "the engine failed on this batch (a defect in stockpost: please report it)"
            };
            Err(CommandError {
                message: format!(
                    "{what}: {panic}; nothing was posted. Check the quantities and amounts \
                     against docs/journal.md, Limits"
                ),
                books_changed: true,
            })
        })
}

fn run_command_unguarded(
    books: &mut Books,
    rules: &RuleSet,
    trigger: Option<&AdjustmentTrigger>,
    command: &BatchCommand,
    lines: Option<Vec<JournalLine>>,
) -> Result<CommandOutcome, CommandError> {
    let accounts = RuleSetAccounts::new(rules);
    let mut outcome = CommandOutcome::default();
    match command {
        BatchCommand::PostJournal { work_date } => {
            let lines = lines.ok_or_else(|| CommandError {
                message: "a journal batch without its journal".to_string(),
                books_changed: false,
            })?;
            outcome.lines = lines.len() as u64;
            let context = PostingContext {
                work_date: *work_date,
            };
            let posting = books
                .post_journal_lines(lines, &context, &accounts)
                .map_err(|error| CommandError {
                    message: error.to_string(),
                    books_changed: false,
                })?;
            if let Some(trigger) = trigger {
                outcome.adjustment = books
                    .run_adjustment_trigger(trigger, &posting, *work_date, &accounts)
                    .map_err(|error| CommandError {
                        message: format!(
                            "{error}\nthe rule `cost_adjustment_trigger` failed after the journal \
                             was posted; nothing was stored"
                        ),
                        books_changed: true,
                    })?;
            }
            outcome.journal = Some(posting);
        }
        BatchCommand::AdjustCost {
            items,
            item_category,
            post_to_gl,
        } => {
            let selection = match (items.is_empty(), item_category) {
                (false, _) => ItemSelection::Items(items.clone()),
                (true, Some(category)) => ItemSelection::Category(category.clone()),
                (true, None) => ItemSelection::All,
            };
            let request = AdjustRequest {
                items: selection,
                online: false,
            };
            outcome.adjustment = Some(books.adjust_cost(&request, *post_to_gl, &accounts));
        }
        BatchCommand::PostInventoryCost { per_posting_group } => {
            let mode = match per_posting_group {
                None => CostPostingMode::PerEntry,
                Some(document_no) => CostPostingMode::PerPostingGroup {
                    document_no: document_no.clone(),
                },
            };
            outcome.cost_posting = Some(books.post_inventory_cost_to_gl(mode, &accounts));
        }
        BatchCommand::AdoptRuleSet { reclassification } => {
            if let Some(request) = reclassification {
                outcome.reclassification =
                    Some(reclassify(books, &accounts, request).map_err(|message| {
                        CommandError {
                            message,
                            books_changed: false,
                        }
                    })?);
            }
        }
    }
    Ok(outcome)
}

/// Moves every posted line the rules of `accounts` put on another account (see
/// [`crate::glpost::reclass`]); nothing is posted when a line cannot be resolved or the date is
/// not open for posting.
pub fn reclassify(
    books: &mut Books,
    accounts: &dyn AccountResolver,
    request: &ReclassificationRequest,
) -> Result<Reclassified, String> {
    let setup = &books.ledger.config().inventory_setup;
    if !setup.is_posting_date_allowed(request.posting_date) {
        return Err(format!(
            "the reclassification's posting date {} is not open for posting (see \
             allow_posting_from / allow_posting_to in config/company.toml)",
            request.posting_date
        ));
    }
    let lines = reclass::posted_lines(books)?;
    let changes = reclass::line_changes(books, &lines, accounts)
        .map_err(|message| format!("the adopted rules cannot place a posted line: {message}"))?;
    let groups = reclass::group_changes(books, &changes);
    let journal = reclass::journal_of(&groups);
    let posting =
        reclass::post_reclassification(books, &groups, request.posting_date, &request.document_no);
    Ok(Reclassified {
        request: Some(request.clone()),
        groups,
        journal,
        lines_moved: changes.len() as u64,
        posting,
    })
}
