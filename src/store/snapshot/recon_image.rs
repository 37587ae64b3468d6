//! The reconciliation's running sums as records.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::compact::{Ascending, Day, Dec};
use super::input::{next, Input};
use super::strings::{StringTable, Strings};
use super::SnapshotError;
use crate::books::Books;
use crate::recon::{
    CellKey, EntryMarks, MovedAdjustment, ReconciliationFigures, ReconciliationState, Sum, Sums,
};
use crate::rules::AccountRole;

#[derive(Serialize, Deserialize)]
pub(super) struct ReconciliationImage {
    /// Value entries, G/L entries and relations folded in.
    marks: (u64, u64, u64),
    sub_ledger: Vec<SumRecord>,
    general_ledger: Vec<SumRecord>,
    expected_cost_off: Vec<SumRecord>,
    rule_change: Vec<SumRecord>,
    mapped_roles: Vec<(u32, Vec<AccountRole>)>,
    /// (value entry no., adjusted date, posting date).
    moved_adjustments: Vec<(u64, Day, Day)>,
}

#[derive(Serialize, Deserialize)]
struct SumRecord {
    role: AccountRole,
    account_no: Option<u32>,
    location: u32,
    inventory_posting_group: u32,
    date: Day,
    amount: Dec,
    entries: Ascending,
}

pub(super) fn encode_reconciliation<'a>(
    state: &'a ReconciliationState,
    strings: &mut StringTable<'a>,
) -> ReconciliationImage {
    let marks = state.marks();
    ReconciliationImage {
        marks: (
            marks.value_entries as u64,
            marks.gl_entries as u64,
            marks.relations as u64,
        ),
        sub_ledger: encode_sums(&state.sub_ledger, strings),
        general_ledger: encode_sums(&state.general_ledger, strings),
        expected_cost_off: encode_sums(&state.expected_cost_off, strings),
        rule_change: encode_sums(&state.rule_change, strings),
        mapped_roles: (state.mapped_roles.iter())
            .map(|(account, roles)| (strings.code(account), roles.iter().copied().collect()))
            .collect(),
        moved_adjustments: (state.moved_adjustments.iter())
            .map(|moved| {
                let MovedAdjustment {
                    value_entry_no,
                    adjusted_date,
                    posting_date,
                } = *moved;
                (value_entry_no, Day(adjusted_date), Day(posting_date))
            })
            .collect(),
    }
}

/// The sums in key order, so that equal states give equal snapshots.
fn encode_sums<'a>(sums: &'a Sums, strings: &mut StringTable<'a>) -> Vec<SumRecord> {
    let mut keys: Vec<&(CellKey, chrono::NaiveDate)> = sums.keys().collect();
    keys.sort_unstable();
    keys.into_iter()
        .map(|key @ (cell, date)| {
            let sum = &sums[key];
            SumRecord {
                role: cell.role,
                account_no: cell.account_no.as_ref().map(|code| strings.code(code)),
                location: strings.code(&cell.location),
                inventory_posting_group: strings.code(&cell.inventory_posting_group),
                date: Day(*date),
                amount: Dec(sum.amount),
                entries: Ascending(sum.entries.clone()),
            }
        })
        .collect()
}

/// Decodes the state of `books` (already decoded); its marks must not pass their tables.
pub(super) fn decode_reconciliation(
    input: &mut Input<'_>,
    strings: &Strings,
    books: &Books,
) -> Result<ReconciliationState, SnapshotError> {
    let image: ReconciliationImage = next(input, "reconciliation")?;
    let (value_entries, gl_entries, relations) = image.marks;
    let marks = EntryMarks {
        value_entries: value_entries as usize,
        gl_entries: gl_entries as usize,
        relations: relations as usize,
    };
    let tables = EntryMarks::of(books);
    if marks.value_entries > tables.value_entries
        || marks.gl_entries > tables.gl_entries
        || marks.relations > tables.relations
    {
        return Err(SnapshotError::DoesNotFit {
            detail: format!(
                "the reconciliation has read {marks:?}, more than the books hold ({tables:?})"
            ),
        });
    }
    let mut mapped_roles = BTreeMap::new();
    for (account, roles) in image.mapped_roles {
        mapped_roles.insert(
            strings.code(account)?,
            roles.into_iter().collect::<BTreeSet<_>>(),
        );
    }
    let figures = ReconciliationFigures {
        sub_ledger: decode_sums(image.sub_ledger, strings)?,
        general_ledger: decode_sums(image.general_ledger, strings)?,
        expected_cost_off: decode_sums(image.expected_cost_off, strings)?,
        rule_change: decode_sums(image.rule_change, strings)?,
        mapped_roles,
        moved_adjustments: (image.moved_adjustments.into_iter())
            .map(|(value_entry_no, adjusted, posted)| MovedAdjustment {
                value_entry_no,
                adjusted_date: adjusted.0,
                posting_date: posted.0,
            })
            .collect(),
    };
    Ok(ReconciliationState::from_parts(marks, figures))
}

fn decode_sums(records: Vec<SumRecord>, strings: &Strings) -> Result<Sums, SnapshotError> {
    let mut sums = Sums::with_capacity(records.len());
    for record in records {
        let cell = CellKey {
            role: record.role,
            account_no: strings.optional(record.account_no)?,
            location: strings.code(record.location)?,
            inventory_posting_group: strings.code(record.inventory_posting_group)?,
        };
        let sum = Sum {
            amount: record.amount.0,
            entries: record.entries.0,
        };
        sums.insert((cell, record.date.0), sum);
    }
    Ok(sums)
}
