//! [`Books`]: a company's costing sub-ledger and the inventory side of its G/L, posted together.
//!
//! A journal batch posts its item ledger and value entries and, when automatic cost posting is on,
//! their G/L entries, all or nothing. With automatic cost posting off, the value entries wait in
//! the queue for [`Books::post_inventory_cost_to_gl`], and their accounts are checked at posting
//! time so that a broken mapping stops the journal instead of surfacing later (spec §2.3).

use crate::adjust::{AdjustOutcome, AdjustRequest, AdjustmentLimits, ItemSelection};
use crate::config::CompanyConfig;
use crate::glpost::{
    check_value_entry_accounts, post_value_entries, AccountResolver, CostPostingMode,
    CostPostingRequest, CostPostingResult, GeneralLedger, GlRegisterSource, SkippedValueEntry,
};
use crate::journal::JournalLine;
use crate::ledger::{Ledger, ValueEntry};
use crate::posting::{BatchOutcome, PostingContext, PostingError};
use crate::rules::diagnostics::RuleError;
use crate::rules::trigger::{AdjustmentTrigger, TriggerBatch, TriggerDecision};

/// The books of one company, in memory.
#[derive(Debug, Clone)]
pub struct Books {
    pub ledger: Ledger,
    pub general_ledger: GeneralLedger,
}

/// What posting a journal did.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalPosting {
    pub batch: BatchOutcome,
    /// G/L posting done inside the batch (automatic cost posting).
    pub cost_posting: CostPostingResult,
    /// Value entries of the batch left in the queue for "post inventory cost to G/L".
    pub queued_value_entries: u64,
}

impl Books {
    pub fn new(config: CompanyConfig) -> Self {
        Books {
            ledger: Ledger::new(config),
            general_ledger: GeneralLedger::default(),
        }
    }

    /// Posts a journal as one batch, G/L included. On error nothing is posted.
    pub fn post_journal(
        &mut self,
        lines: &[JournalLine],
        context: &PostingContext,
        accounts: &dyn AccountResolver,
    ) -> Result<JournalPosting, PostingError> {
        self.post_batch(|ledger| ledger.post_lines(lines, context), accounts)
    }

    /// [`Books::post_journal`] for a caller that hands the parsed lines over: they are freed
    /// once the sub-ledger holds their entries, before the G/L entries are made, so that a large
    /// journal's lines and its G/L entries are never in memory together (a journal of 2 million
    /// lines: about 0.7 GB less at the peak).
    pub fn post_journal_lines(
        &mut self,
        lines: Vec<JournalLine>,
        context: &PostingContext,
        accounts: &dyn AccountResolver,
    ) -> Result<JournalPosting, PostingError> {
        self.post_batch(
            move |ledger| {
                let posted = ledger.post_lines(&lines, context);
                drop(lines);
                posted
            },
            accounts,
        )
    }

    /// One batch: the sub-ledger entries `post_lines` makes, then their G/L entries; all or
    /// nothing.
    fn post_batch(
        &mut self,
        post_lines: impl FnOnce(&mut Ledger) -> Result<BatchOutcome, PostingError>,
        accounts: &dyn AccountResolver,
    ) -> Result<JournalPosting, PostingError> {
        let gl_checkpoint = self.general_ledger.checkpoint();
        let checkpoint = self.ledger.checkpoint();
        let first_value_entry_no = self.ledger.next_value_entry_no();
        let result = post_lines(&mut self.ledger)
            .and_then(|batch| self.post_batch_to_gl(batch, first_value_entry_no, accounts));
        match result {
            Ok(posting) => {
                self.ledger.commit();
                Ok(posting)
            }
            Err(error) => {
                self.ledger.rollback(checkpoint);
                self.general_ledger.rollback(gl_checkpoint);
                Err(error)
            }
        }
    }

    fn post_batch_to_gl(
        &mut self,
        batch: BatchOutcome,
        first_value_entry_no: u64,
        accounts: &dyn AccountResolver,
    ) -> Result<JournalPosting, PostingError> {
        let setup = &self.ledger.config().inventory_setup;
        let (automatic, expected_posting) = (
            setup.automatic_cost_posting,
            setup.expected_cost_posting_to_gl,
        );
        let new_entries: Vec<u64> =
            (first_value_entry_no..self.ledger.next_value_entry_no()).collect();
        let mut posting = JournalPosting {
            batch,
            cost_posting: CostPostingResult::default(),
            queued_value_entries: 0,
        };
        if automatic {
            let request = CostPostingRequest {
                value_entry_nos: &new_entries,
                mode: CostPostingMode::PerEntry,
                source: GlRegisterSource::JournalBatch,
                fail_on_skip: true,
            };
            posting.cost_posting = post_value_entries(
                &mut self.ledger,
                &mut self.general_ledger,
                accounts,
                &request,
            )
            .map_err(|skipped| self.account_error(&skipped))?;
            return Ok(posting);
        }
        for value_entry_no in new_entries {
            let entry = self
                .ledger
                .value_entry(value_entry_no)
                .expect("new value entry");
            check_value_entry_accounts(&self.ledger, entry, accounts, expected_posting).map_err(
                |reason| {
                    self.account_error(&SkippedValueEntry {
                        value_entry_no,
                        reason,
                    })
                },
            )?;
            if needs_gl_posting(entry, expected_posting) {
                self.general_ledger.enqueue(value_entry_no);
                posting.queued_value_entries += 1;
            }
        }
        Ok(posting)
    }

    fn account_error(&self, skipped: &SkippedValueEntry) -> PostingError {
        let entry = self
            .ledger
            .value_entry(skipped.value_entry_no)
            .expect("value entry exists");
        PostingError {
            source: entry.source_line.clone(),
            field: "accounts",
            message: format!(
                "cannot post value entry {} ({} {} of item {}) to the G/L: {}",
                entry.entry_no,
                entry.item_ledger_entry_type.as_str(),
                entry.entry_type.as_str(),
                self.ledger.item_no(entry.item),
                skipped.reason
            ),
        }
    }

    /// "Post Inventory Cost to G/L": posts every queued value entry. Entries that cannot be
    /// posted (missing mapping, blocked account, date not allowed) are skipped, listed and stay
    /// queued; running it twice posts nothing the second time.
    pub fn post_inventory_cost_to_gl(
        &mut self,
        mode: CostPostingMode,
        accounts: &dyn AccountResolver,
    ) -> CostPostingResult {
        let setup = self.ledger.config().inventory_setup.clone();
        let mut skipped = Vec::new();
        let mut postable = Vec::new();
        for &value_entry_no in self.general_ledger.queue() {
            let entry = self
                .ledger
                .value_entry(value_entry_no)
                .expect("queued value entry exists");
            if setup.is_posting_date_allowed(entry.posting_date) {
                postable.push(value_entry_no);
            } else {
                skipped.push(SkippedValueEntry {
                    value_entry_no,
                    reason: format!(
                        "posting date {} is not open for posting",
                        entry.posting_date
                    ),
                });
            }
        }
        let request = CostPostingRequest {
            value_entry_nos: &postable,
            mode,
            source: GlRegisterSource::PostInventoryCost,
            fail_on_skip: false,
        };
        let mut result = post_value_entries(
            &mut self.ledger,
            &mut self.general_ledger,
            accounts,
            &request,
        )
        .expect("skips are returned, not raised, when fail_on_skip is off");
        skipped.append(&mut result.skipped);
        skipped.sort_by_key(|entry| entry.value_entry_no);
        result.skipped = skipped;
        result
    }
}

/// What a cost adjustment run did, G/L included.
#[derive(Debug, Clone, PartialEq)]
pub struct AdjustmentPosting {
    pub adjustment: AdjustOutcome,
    /// G/L posting of the adjustment entries (when the run posts to the G/L).
    pub cost_posting: CostPostingResult,
    /// Adjustment entries left in the queue for "post inventory cost to G/L".
    pub queued_value_entries: u64,
}

impl Books {
    /// "Adjust Cost - Item Entries": adjusts, then posts the adjustment entries to the G/L when
    /// `post_to_gl` is set (entries that cannot be posted are skipped and queued), or queues them.
    pub fn adjust_cost(
        &mut self,
        request: &AdjustRequest,
        post_to_gl: bool,
        accounts: &dyn AccountResolver,
    ) -> AdjustmentPosting {
        let adjustment = self
            .ledger
            .adjust_cost(request, &AdjustmentLimits::default());
        let new_entries: Vec<u64> = adjustment.value_entry_nos.clone().collect();
        let mut posting = AdjustmentPosting {
            adjustment,
            cost_posting: CostPostingResult::default(),
            queued_value_entries: 0,
        };
        let expected_posting = self
            .ledger
            .config()
            .inventory_setup
            .expected_cost_posting_to_gl;
        let to_queue: Vec<u64> = if post_to_gl {
            let request = CostPostingRequest {
                value_entry_nos: &new_entries,
                mode: CostPostingMode::PerEntry,
                source: GlRegisterSource::CostAdjustment,
                fail_on_skip: false,
            };
            posting.cost_posting = post_value_entries(
                &mut self.ledger,
                &mut self.general_ledger,
                accounts,
                &request,
            )
            .expect("skips are returned, not raised, when fail_on_skip is off");
            posting
                .cost_posting
                .skipped
                .iter()
                .map(|skipped| skipped.value_entry_no)
                .collect()
        } else {
            new_entries
        };
        for value_entry_no in to_queue {
            let entry = self
                .ledger
                .value_entry(value_entry_no)
                .expect("new value entry");
            if needs_gl_posting(entry, expected_posting) {
                self.general_ledger.enqueue(value_entry_no);
                posting.queued_value_entries += 1;
            }
        }
        posting
    }
}

impl Books {
    /// Asks the trigger rule whether cost adjustment runs after a posted batch and, if so, runs
    /// it online for the items the rule names, posting to the G/L when automatic cost posting is
    /// on (spec §5.3). `Ok(None)` when the rule says not now.
    pub fn run_adjustment_trigger(
        &mut self,
        trigger: &AdjustmentTrigger,
        posting: &JournalPosting,
        work_date: chrono::NaiveDate,
        accounts: &dyn AccountResolver,
    ) -> Result<Option<AdjustmentPosting>, RuleError> {
        let batch = TriggerBatch::new(posting.batch.value_entry_nos(), work_date);
        let TriggerDecision::Items(items) = trigger.decide(&self.ledger, &batch)? else {
            return Ok(None);
        };
        let request = AdjustRequest {
            items: ItemSelection::Items(items),
            online: true,
        };
        let post_to_gl = self.ledger.config().inventory_setup.automatic_cost_posting;
        Ok(Some(self.adjust_cost(&request, post_to_gl, accounts)))
    }
}

/// Post Value Entry to G/L queue criterion (spec §1.6).
fn needs_gl_posting(entry: &ValueEntry, expected_posting: bool) -> bool {
    entry.inventoriable
        && (!entry.cost_amount_actual.is_zero()
            || (expected_posting && !entry.cost_amount_expected.is_zero()))
}
