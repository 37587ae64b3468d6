//! The inventory side of the G/L as records: entries, relations, registers, the queue.

use serde::{Deserialize, Serialize};

use super::compact::{Ascending, Day, Dec};
use super::input::{next, next_converted, Input};
use super::strings::{StringTable, Strings};
use super::SnapshotError;
use crate::glpost::{
    GeneralLedger, GlDescription, GlEntry, GlItemLedgerRelation, GlRegister, GlRegisterSource,
};
use crate::ledger::{CostEntryType, DimensionSetId, ItemId, ItemLedgerEntryType, Ledger};
use crate::rules::AccountRole;

/// Written as a whole; read field by field in this order by [`decode_general_ledger`].
#[derive(Serialize)]
pub(super) struct GeneralLedgerImage {
    entries: Vec<GlRecord>,
    /// (G/L entry no., value entry no., register no.).
    relations: Vec<(u64, u64, u64)>,
    /// (source, first G/L entry no., end G/L entry no.); register `n` is record `n − 1`.
    registers: Vec<(GlRegisterSource, u64, u64)>,
    queue: Ascending,
    last_transaction_no: u64,
}

#[derive(Serialize, Deserialize)]
struct GlRecord {
    transaction_no: u64,
    register_no: u64,
    posting_date: Day,
    document_no: u32,
    external_document_no: Option<u32>,
    account_no: u32,
    account_role: AccountRole,
    amount: Dec,
    dimension_set: u32,
    description: DescriptionRecord,
    provenance: u32,
}

#[derive(Serialize, Deserialize)]
enum DescriptionRecord {
    ValueEntry {
        item_ledger_entry_type: ItemLedgerEntryType,
        entry_type: CostEntryType,
        item: u32,
        posting_date: Day,
    },
    PostingGroup {
        role: AccountRole,
        balancing_role: AccountRole,
    },
    Reclassification {
        role: AccountRole,
        into: bool,
    },
}

pub(super) fn encode_general_ledger<'a>(
    general_ledger: &'a GeneralLedger,
    strings: &mut StringTable<'a>,
) -> GeneralLedgerImage {
    GeneralLedgerImage {
        entries: (general_ledger.entries().iter())
            .map(|entry| encode_entry(entry, strings))
            .collect(),
        relations: (general_ledger.relations().iter())
            .map(|relation| {
                let GlItemLedgerRelation {
                    gl_entry_no,
                    value_entry_no,
                    register_no,
                } = *relation;
                (gl_entry_no, value_entry_no, register_no)
            })
            .collect(),
        registers: (general_ledger.registers().iter())
            .map(|register| {
                let range = &register.gl_entry_nos;
                (register.source, range.start, range.end)
            })
            .collect(),
        queue: Ascending(general_ledger.queue().iter().copied().collect()),
        last_transaction_no: general_ledger.last_transaction_no(),
    }
}

fn encode_entry<'a>(entry: &'a GlEntry, strings: &mut StringTable<'a>) -> GlRecord {
    let GlEntry {
        entry_no: _,
        transaction_no,
        register_no,
        posting_date,
        document_no,
        external_document_no,
        account_no,
        account_role,
        amount,
        dimension_set,
        description,
        provenance,
    } = entry;
    GlRecord {
        transaction_no: *transaction_no,
        register_no: *register_no,
        posting_date: Day(*posting_date),
        document_no: strings.code(document_no),
        external_document_no: external_document_no.as_ref().map(|code| strings.code(code)),
        account_no: strings.code(account_no),
        account_role: *account_role,
        amount: Dec(*amount),
        dimension_set: dimension_set.0,
        description: match *description {
            GlDescription::ValueEntry {
                item_ledger_entry_type,
                entry_type,
                item,
                posting_date,
            } => DescriptionRecord::ValueEntry {
                item_ledger_entry_type,
                entry_type,
                item: item.0,
                posting_date: Day(posting_date),
            },
            GlDescription::PostingGroup {
                role,
                balancing_role,
            } => DescriptionRecord::PostingGroup {
                role,
                balancing_role,
            },
            GlDescription::Reclassification { role, into } => {
                DescriptionRecord::Reclassification { role, into }
            }
        },
        provenance: strings.provenance(provenance),
    }
}

/// Decodes the G/L section; [`check_general_ledger`] then checks it against the ledger.
pub(super) fn decode_general_ledger(
    input: &mut Input<'_>,
    strings: &Strings,
) -> Result<GeneralLedger, SnapshotError> {
    let entries = next_converted(input, "G/L entries", |no, record| {
        decode_entry(no, record, strings)
    })?;
    let relations: Vec<(u64, u64, u64)> = next(input, "G/L - item ledger relations")?;
    let registers: Vec<(GlRegisterSource, u64, u64)> = next(input, "G/L registers")?;
    let queue: Ascending = next(input, "G/L queue")?;
    let last_transaction_no: u64 = next(input, "last transaction no.")?;
    let entry_count = entries.len() as u64;
    let relations = (relations.into_iter())
        .map(
            |(gl_entry_no, value_entry_no, register_no)| GlItemLedgerRelation {
                gl_entry_no,
                value_entry_no,
                register_no,
            },
        )
        .collect();
    let registers: Vec<GlRegister> = (registers.into_iter().enumerate())
        .map(|(index, (source, start, end))| GlRegister {
            register_no: index as u64 + 1,
            source,
            gl_entry_nos: start..end,
        })
        .collect();
    let relations: Vec<GlItemLedgerRelation> = relations;
    if let Some(pair) = relations
        .windows(2)
        .find(|pair| pair[0].gl_entry_no > pair[1].gl_entry_no)
    {
        return does_not_fit(format!(
            "the G/L - item ledger relations are out of G/L entry order ({} after {})",
            pair[1].gl_entry_no, pair[0].gl_entry_no
        ));
    }
    let bad_register = registers.iter().find(|register| {
        let range = &register.gl_entry_nos;
        range.start == 0 || range.start > range.end || range.end > entry_count + 1
    });
    if let Some(register) = bad_register {
        return does_not_fit(format!(
            "G/L register {} names unknown G/L entries",
            register.register_no
        ));
    }
    Ok(GeneralLedger::from_parts(
        entries,
        relations,
        registers,
        queue.0.into_iter().collect(),
        last_transaction_no,
    ))
}

/// Every G/L entry names an existing register, dimension set and (in its description) item, and
/// the queue names existing value entries.
pub(super) fn check_general_ledger(
    general_ledger: &GeneralLedger,
    ledger: &Ledger,
) -> Result<(), SnapshotError> {
    let registers = general_ledger.registers().len() as u64;
    for entry in general_ledger.entries() {
        check_entry(entry, ledger, registers)?;
    }
    let value_entries = ledger.value_entries().len() as u64;
    match (general_ledger.queue().iter()).find(|&&no| no == 0 || no > value_entries) {
        Some(no) => does_not_fit(format!(
            "the G/L queue names value entry {no}, which does not exist"
        )),
        None => Ok(()),
    }
}

fn decode_entry(
    entry_no: u64,
    record: GlRecord,
    strings: &Strings,
) -> Result<GlEntry, SnapshotError> {
    Ok(GlEntry {
        entry_no,
        transaction_no: record.transaction_no,
        register_no: record.register_no,
        posting_date: record.posting_date.0,
        document_no: strings.code(record.document_no)?,
        external_document_no: strings.optional(record.external_document_no)?,
        account_no: strings.code(record.account_no)?,
        account_role: record.account_role,
        amount: record.amount.0,
        dimension_set: DimensionSetId(record.dimension_set),
        description: match record.description {
            DescriptionRecord::ValueEntry {
                item_ledger_entry_type,
                entry_type,
                item,
                posting_date,
            } => GlDescription::ValueEntry {
                item_ledger_entry_type,
                entry_type,
                item: ItemId(item),
                posting_date: posting_date.0,
            },
            DescriptionRecord::PostingGroup {
                role,
                balancing_role,
            } => GlDescription::PostingGroup {
                role,
                balancing_role,
            },
            DescriptionRecord::Reclassification { role, into } => {
                GlDescription::Reclassification { role, into }
            }
        },
        provenance: strings.provenance(record.provenance)?,
    })
}

/// A G/L entry names an existing register, dimension set and (in its description) item.
fn check_entry(entry: &GlEntry, ledger: &Ledger, registers: u64) -> Result<(), SnapshotError> {
    let item_known = match entry.description {
        GlDescription::ValueEntry { item, .. } => (item.0 as usize) < ledger.config().items.len(),
        GlDescription::PostingGroup { .. } | GlDescription::Reclassification { .. } => true,
    };
    let fits = item_known
        && (1..=registers).contains(&entry.register_no)
        && (entry.dimension_set.0 as usize) < ledger.dimension_sets().len();
    if fits {
        Ok(())
    } else {
        does_not_fit(format!(
            "G/L entry {} does not fit the ledger",
            entry.entry_no
        ))
    }
}

fn does_not_fit<T>(detail: String) -> Result<T, SnapshotError> {
    Err(SnapshotError::DoesNotFit { detail })
}
