//! Running one batch command on the books: the one code path for posting it live and for
//! replaying it from the store, so that a replay reproduces the stored entries exactly.

use crate::adjust::{AdjustRequest, ItemSelection};
use crate::books::{AdjustmentPosting, Books, JournalPosting};
use crate::glpost::{CostPostingMode, CostPostingResult};
use crate::journal::{parse_journal, JournalLine};
use crate::posting::PostingContext;
use crate::rules::posting::RuleSetAccounts;
use crate::rules::{AdjustmentTrigger, RuleSet};
use crate::store::{BatchCommand, JournalText};

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
    run_command_on_lines(books, company, command, lines.as_deref())
}

/// [`run_command`] with the journal's lines parsed by the caller.
pub fn run_command_on_lines(
    books: &mut Books,
    company: &LoadedCompany,
    command: &BatchCommand,
    lines: Option<&[JournalLine]>,
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
    lines: Option<&[JournalLine]>,
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
                .post_journal(lines, &context, &accounts)
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
    }
    Ok(outcome)
}
