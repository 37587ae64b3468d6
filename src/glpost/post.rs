//! Posting value entries to the G/L, per entry or compressed per posting group.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::general_ledger::{
    AccountProvenance, GeneralLedger, GlDescription, GlEntry, GlItemLedgerRelation,
    GlRegisterSource,
};
use super::matrix::{account_pair, AccountPair, CostPart};
use crate::ledger::{Code, DimensionSetId, Ledger, LocationId, ValueEntry};
use crate::rules::AccountRole;

/// Chooses the G/L account for one role of one value entry: the rule layer in production, a
/// fixed table in scenario tests.
pub trait AccountResolver {
    /// The account for `role` of `entry`, or why there is none (missing mapping, blocked account).
    fn account(
        &self,
        ledger: &Ledger,
        entry: &ValueEntry,
        role: AccountRole,
    ) -> Result<ResolvedAccount, String>;
}

/// An account and the rule that chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedAccount {
    pub account_no: Code,
    pub provenance: Arc<AccountProvenance>,
}

/// How a run posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CostPostingMode {
    /// One G/L transaction per value entry, with the value entry's document no.
    PerEntry,
    /// Lines with the same posting date, account, posting groups, dimensions and sign are
    /// compressed into one G/L entry carrying this document no.
    PerPostingGroup { document_no: String },
}

/// A request to post some value entries.
#[derive(Debug, Clone)]
pub struct CostPostingRequest<'a> {
    pub value_entry_nos: &'a [u64],
    pub mode: CostPostingMode,
    pub source: GlRegisterSource,
    /// A value entry that cannot be posted fails the whole request (automatic cost posting)
    /// instead of being skipped and left queued (the batch job).
    pub fail_on_skip: bool,
}

/// A value entry that was not posted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedValueEntry {
    pub value_entry_no: u64,
    pub reason: String,
}

/// What a posting request did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CostPostingResult {
    /// Value entries whose cost reached the G/L (or had nothing to post) and left the queue.
    pub posted_value_entries: u64,
    pub gl_entries_created: u64,
    pub skipped: Vec<SkippedValueEntry>,
}

/// One buffered G/L line (Invt. Posting Buffer, spec §1.8).
#[derive(Debug, Clone)]
struct BufferLine {
    value_entry_no: u64,
    posting_date: NaiveDate,
    role: AccountRole,
    balancing_role: AccountRole,
    account: ResolvedAccount,
    amount: Decimal,
}

/// The compression key of per-posting-group mode: the spec's buffer key plus the resolved
/// account, because richer rules can map one BC key to several accounts.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct GroupKey {
    posting_date: NaiveDate,
    role: AccountRole,
    account_no: Code,
    location: LocationId,
    inventory_posting_group: Code,
    gen_bus_posting_group: Code,
    gen_prod_posting_group: Code,
    dimension_set: DimensionSetId,
    negative: bool,
    balancing_role: AccountRole,
}

/// Posts the given value entries' not-yet-posted cost to the G/L and records what was posted.
///
/// Fails only when `fail_on_skip` is set and some entry cannot be posted; the caller then rolls
/// the batch back. Otherwise entries that cannot be posted are returned as skipped and stay
/// queued.
pub fn post_value_entries(
    ledger: &mut Ledger,
    general_ledger: &mut GeneralLedger,
    accounts: &dyn AccountResolver,
    request: &CostPostingRequest<'_>,
) -> Result<CostPostingResult, SkippedValueEntry> {
    let expected_posting = ledger.config().inventory_setup.expected_cost_posting_to_gl;
    let mut result = CostPostingResult::default();
    let register_no = general_ledger.open_register(request.source);
    let mut groups: BTreeMap<GroupKey, (Decimal, Vec<u64>, BufferLine)> = BTreeMap::new();
    for &value_entry_no in request.value_entry_nos {
        let entry = ledger
            .value_entry(value_entry_no)
            .expect("queued value entry exists");
        let lines = match buffer_value_entry(ledger, entry, accounts, expected_posting) {
            Ok(lines) => lines,
            Err(reason) => {
                let skipped = SkippedValueEntry {
                    value_entry_no,
                    reason,
                };
                if request.fail_on_skip {
                    return Err(skipped);
                }
                result.skipped.push(skipped);
                continue;
            }
        };
        let (expected, actual) = posted_amounts(entry, expected_posting);
        match &request.mode {
            CostPostingMode::PerEntry => {
                let transaction_no = general_ledger.next_transaction_no();
                for line in &lines {
                    let gl_entry_no = insert_gl_entry(
                        general_ledger,
                        entry,
                        line,
                        register_no,
                        transaction_no,
                        None,
                    );
                    general_ledger.insert_relation(GlItemLedgerRelation {
                        gl_entry_no,
                        value_entry_no,
                        register_no,
                    });
                    result.gl_entries_created += 1;
                }
            }
            CostPostingMode::PerPostingGroup { .. } => {
                for line in lines {
                    let key = group_key(entry, &line);
                    let group = groups
                        .entry(key)
                        .or_insert_with(|| (Decimal::ZERO, Vec::new(), line.clone()));
                    group.0 += line.amount;
                    group.1.push(value_entry_no);
                }
            }
        }
        ledger.set_posted_to_gl(value_entry_no, expected, actual);
        general_ledger.dequeue(value_entry_no);
        result.posted_value_entries += 1;
    }
    if let CostPostingMode::PerPostingGroup { document_no } = &request.mode {
        let document_no: Code = Arc::from(document_no.as_str());
        let transaction_no = general_ledger.next_transaction_no();
        for (_, (amount, value_entry_nos, mut line)) in groups {
            line.amount = amount;
            let first = ledger
                .value_entry(value_entry_nos[0])
                .expect("value entry exists")
                .clone();
            let gl_entry_no = insert_gl_entry(
                general_ledger,
                &first,
                &line,
                register_no,
                transaction_no,
                Some(document_no.clone()),
            );
            for value_entry_no in value_entry_nos {
                general_ledger.insert_relation(GlItemLedgerRelation {
                    gl_entry_no,
                    value_entry_no,
                    register_no,
                });
            }
            result.gl_entries_created += 1;
        }
    }
    general_ledger.close_register();
    Ok(result)
}

/// The posted fields after posting: the current amounts (spec §2.1, an assignment).
fn posted_amounts(entry: &ValueEntry, expected_posting: bool) -> (Decimal, Decimal) {
    let expected = if expected_posting {
        entry.cost_amount_expected
    } else {
        entry.expected_cost_posted_to_gl
    };
    (expected, entry.cost_amount_actual)
}

/// The G/L lines one value entry needs now: one pair per non-zero part (spec §2.1).
fn buffer_value_entry(
    ledger: &Ledger,
    entry: &ValueEntry,
    accounts: &dyn AccountResolver,
    expected_posting: bool,
) -> Result<Vec<BufferLine>, String> {
    let expected_delta = if expected_posting {
        entry.cost_amount_expected - entry.expected_cost_posted_to_gl
    } else {
        Decimal::ZERO
    };
    let actual_delta = entry.cost_amount_actual - entry.cost_posted_to_gl;
    let mut lines = Vec::with_capacity(4);
    for (part, delta) in [
        (CostPart::Expected, expected_delta),
        (CostPart::Actual, actual_delta),
    ] {
        if delta.is_zero() {
            continue;
        }
        let pair = pair_of(entry, part)?;
        push_pair(ledger, entry, accounts, pair, delta, &mut lines)?;
    }
    Ok(lines)
}

/// The account pair of one part of a value entry, or why the matrix has none.
fn pair_of(entry: &ValueEntry, part: CostPart) -> Result<AccountPair, String> {
    account_pair(
        entry.item_ledger_entry_type,
        entry.entry_type,
        entry.variance_type,
        part,
    )
    .map_err(|error| format!("value entry {}: {error}", entry.entry_no))
}

fn push_pair(
    ledger: &Ledger,
    entry: &ValueEntry,
    accounts: &dyn AccountResolver,
    pair: AccountPair,
    delta: Decimal,
    lines: &mut Vec<BufferLine>,
) -> Result<(), String> {
    for (role, balancing_role, amount) in [
        (pair.account, pair.balancing, delta),
        (pair.balancing, pair.account, -delta),
    ] {
        let account = accounts.account(ledger, entry, role)?;
        lines.push(BufferLine {
            value_entry_no: entry.entry_no,
            posting_date: entry.posting_date,
            role,
            balancing_role,
            account,
            amount,
        });
    }
    Ok(())
}

/// Checks that every account a value entry may need resolves, posting nothing (the check-only
/// run of spec §2.3 when automatic cost posting is off; zero amounts are checked as if 1).
pub fn check_value_entry_accounts(
    ledger: &Ledger,
    entry: &ValueEntry,
    accounts: &dyn AccountResolver,
    expected_posting: bool,
) -> Result<(), String> {
    let mut parts = Vec::with_capacity(2);
    if expected_posting && (entry.expected_cost || !entry.cost_amount_expected.is_zero()) {
        parts.push(CostPart::Expected);
    }
    if !entry.expected_cost {
        parts.push(CostPart::Actual);
    }
    for part in parts {
        let pair = pair_of(entry, part)?;
        accounts.account(ledger, entry, pair.account)?;
        accounts.account(ledger, entry, pair.balancing)?;
    }
    Ok(())
}

fn group_key(entry: &ValueEntry, line: &BufferLine) -> GroupKey {
    GroupKey {
        posting_date: line.posting_date,
        account_no: line.account.account_no.clone(),
        role: line.role,
        location: entry.location,
        inventory_posting_group: entry.inventory_posting_group.clone(),
        gen_bus_posting_group: entry.gen_bus_posting_group.clone(),
        gen_prod_posting_group: entry.gen_prod_posting_group.clone(),
        dimension_set: entry.dimension_set,
        negative: line.amount < Decimal::ZERO,
        balancing_role: line.balancing_role,
    }
}

fn insert_gl_entry(
    general_ledger: &mut GeneralLedger,
    entry: &ValueEntry,
    line: &BufferLine,
    register_no: u64,
    transaction_no: u64,
    document_no: Option<Code>,
) -> u64 {
    debug_assert_eq!(line.value_entry_no, entry.entry_no);
    let description = match &document_no {
        None => GlDescription::ValueEntry {
            item_ledger_entry_type: entry.item_ledger_entry_type,
            entry_type: entry.entry_type,
            item: entry.item,
            posting_date: entry.posting_date,
        },
        Some(_) => GlDescription::PostingGroup {
            role: line.role,
            balancing_role: line.balancing_role,
        },
    };
    general_ledger.insert_entry(GlEntry {
        entry_no: 0,
        transaction_no,
        register_no,
        posting_date: line.posting_date,
        document_no: document_no.unwrap_or_else(|| entry.document_no.clone()),
        external_document_no: entry.external_document_no.clone(),
        account_no: line.account.account_no.clone(),
        account_role: line.role,
        amount: line.amount,
        dimension_set: entry.dimension_set,
        description,
        provenance: line.account.provenance.clone(),
    })
}
