//! The causes read from the books at report time: the G/L posting queue, cost adjustment
//! flags, adjustments dated after the period, and the outside trial balance. Each reads work
//! that is pending (the queue, the flags) or rare (moved adjustments, trial balance lines), never
//! the whole history.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;

use super::projection::{part_amount, part_posted, project_value_entry};
use super::report::{Cause, CellKey, Cells, EntryRef, ReportFilter, WaitingForAdjustment};
use super::state::{value_entry_cell, ReconciliationState};
use super::trial_balance::TrialBalance;
use crate::books::Books;
use crate::glpost::{check_value_entry_accounts, AccountResolver, CostPart};
use crate::ledger::{Code, ItemId, Ledger, ValueEntry};

/// Queued value entries: their not-yet-posted cost explains G/L − sub-ledger = −unposted, as
/// "skipped" when post inventory cost to G/L would skip them (with its reason), otherwise as
/// "not yet posted". Expected parts are left to "expected cost posting off" when that is off.
pub(crate) fn explain_queue(
    cells: &mut Cells,
    books: &Books,
    accounts: &dyn AccountResolver,
    filter: &ReportFilter,
) {
    let ledger = &books.ledger;
    let expected_posting = ledger.config().inventory_setup.expected_cost_posting_to_gl;
    for &value_entry_no in books.general_ledger.queue() {
        let Some(entry) = ledger.value_entry(value_entry_no) else {
            continue;
        };
        if !filter.period.contains(entry.posting_date) {
            continue;
        }
        let cause = queue_cause(ledger, entry, accounts, expected_posting);
        let unposted = |part| match part {
            CostPart::Expected if !expected_posting => Decimal::ZERO,
            _ => part_amount(entry, part) - part_posted(entry, part),
        };
        for (share, amount) in project_value_entry(entry, unposted) {
            let key = value_entry_cell(ledger, entry, share.role, accounts);
            if filter.shows(&key) {
                let refs = [EntryRef::ValueEntry(value_entry_no)];
                cells
                    .entry(key)
                    .or_default()
                    .explain(cause.clone(), -amount, refs);
            }
        }
    }
}

/// What "post inventory cost to G/L" would do with a queued entry now (the same checks, in the
/// same order, as `Books::post_inventory_cost_to_gl`).
fn queue_cause(
    ledger: &Ledger,
    entry: &ValueEntry,
    accounts: &dyn AccountResolver,
    expected_posting: bool,
) -> Cause {
    let setup = &ledger.config().inventory_setup;
    if !setup.is_posting_date_allowed(entry.posting_date) {
        let reason = format!(
            "posting date {} is not open for posting",
            entry.posting_date
        );
        return Cause::Skipped { reason };
    }
    match check_value_entry_accounts(ledger, entry, accounts, expected_posting) {
        Ok(()) => Cause::NotYetPosted,
        Err(reason) => Cause::Skipped { reason },
    }
}

/// Adjustment entries dated after the period end while the entry they adjust lies inside it:
/// the period's value will change by their amount, booked in a later period on both sides.
pub(crate) fn note_moved_adjustments(
    cells: &mut Cells,
    state: &ReconciliationState,
    books: &Books,
    accounts: &dyn AccountResolver,
    filter: &ReportFilter,
) {
    let Some(end) = filter.period.end() else {
        return;
    };
    let ledger = &books.ledger;
    for moved in &state.moved_adjustments {
        let cut = filter.period.contains(moved.adjusted_date) && end < moved.posting_date;
        let Some(entry) = ledger.value_entry(moved.value_entry_no).filter(|_| cut) else {
            continue;
        };
        for (share, amount) in project_value_entry(entry, |part| part_amount(entry, part)) {
            let key = value_entry_cell(ledger, entry, share.role, accounts);
            if filter.shows(&key) {
                let refs = [EntryRef::ValueEntry(moved.value_entry_no)];
                cells
                    .entry(key)
                    .or_default()
                    .note(Cause::PostingDateMoved, amount, refs);
            }
        }
    }
}

/// Where the outside trial balance differs from stockpost's G/L balance of an account, the
/// difference (outside − stockpost) is a direct posting: it is added to the G/L side of every
/// role the account is mapped to, in a cell of its own (location "(outside)"), and explained.
pub(crate) fn explain_trial_balance(
    cells: &mut Cells,
    state: &ReconciliationState,
    trial_balance: &TrialBalance,
    filter: &ReportFilter,
    warnings: &mut Vec<String>,
) {
    if filter.location.is_some() {
        warnings.push(
            "the trial balance is not compared under a location filter: the G/L is not split \
             by location"
                .to_string(),
        );
        return;
    }
    let balances = stockpost_balances(state, filter);
    for row in &trial_balance.rows {
        if row.period != filter.period {
            warnings.push(format!(
                "{} line {}: trial balance period {} is not the report period {}; line ignored",
                trial_balance.file, row.line, row.period, filter.period
            ));
            continue;
        }
        let account_no: Code = row.account_no.as_str().into();
        let roles = state.roles_of(Some(&account_no));
        if roles.is_empty() {
            warnings.push(format!(
                "{} line {}: account {} is not mapped to any inventory role; line ignored",
                trial_balance.file, row.line, row.account_no
            ));
            continue;
        }
        let stockpost = balances.get(&account_no).copied().unwrap_or_default();
        let direct = row.balance - stockpost;
        if direct.is_zero() {
            continue;
        }
        for role in roles {
            let key = CellKey {
                role,
                account_no: Some(account_no.clone()),
                location: "(outside)".into(),
                inventory_posting_group: "".into(),
            };
            if filter.shows(&key) {
                let cell = cells.entry(key).or_default();
                cell.add_general_ledger(direct, &[]);
                let refs = [EntryRef::TrialBalanceLine(row.line)];
                cell.explain(Cause::DirectPosting, direct, refs);
            }
        }
    }
}

/// stockpost's G/L balance per account over the period, every role and location.
fn stockpost_balances(
    state: &ReconciliationState,
    filter: &ReportFilter,
) -> HashMap<Code, Decimal> {
    let mut balances: HashMap<Code, Decimal> = HashMap::new();
    for ((key, date), sum) in &state.general_ledger {
        if let (Some(account_no), true) = (&key.account_no, filter.period.contains(*date)) {
            *balances.entry(account_no.clone()).or_default() += sum.amount;
        }
    }
    balances
}

/// Items whose cost adjustment is pending, with the flagged item ledger entries. Their effect on
/// the figures is not known until adjustment runs, so it is listed, not counted (amount 0): both
/// sides hold the provisional cost, so it makes no difference today.
pub(crate) fn waiting_for_adjustment(books: &Books) -> Vec<WaitingForAdjustment> {
    let ledger = &books.ledger;
    let mut by_item: BTreeMap<ItemId, Vec<u64>> = BTreeMap::new();
    for entry_no in ledger.applied_entries_to_adjust() {
        if let Some(entry) = ledger.item_ledger_entry(entry_no) {
            by_item.entry(entry.item).or_default().push(entry_no);
        }
    }
    for index in 0..ledger.config().items.len() {
        let item = ItemId(index as u32);
        if !ledger.item_cost_state(item).cost_is_adjusted {
            by_item.entry(item).or_default();
        }
    }
    by_item
        .into_iter()
        .map(|(item, item_ledger_entries)| WaitingForAdjustment {
            item_no: ledger.item_no(item).to_string(),
            item_ledger_entries,
        })
        .collect()
}
