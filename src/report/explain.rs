//! "Why did this go to 1200?": the chain behind one G/L entry. The G/L entry, the rule that chose
//! its account (rule set hash, file, function, key), the value entries it came from (G/L - Item
//! Ledger Relation), each value entry's item ledger entry, and the journal lines that created
//! them.

use serde::Serialize;

use super::entries::{join_numbers, GlEntryRow, ItemLedgerEntryRow, ValueEntryRow};
use super::render::{amount, quantity};
use crate::books::Books;
use crate::chart::ChartOfAccounts;
use crate::glpost::GlRegisterSource;

/// The rule behind a G/L entry's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleProvenance {
    pub rule_set_hash: String,
    pub rule_file: String,
    pub rule_function: String,
    pub key: String,
}

/// One value entry behind the G/L entry, with its item ledger entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueEntryLink {
    pub value_entry: ValueEntryRow,
    pub item_ledger_entry: Option<ItemLedgerEntryRow>,
}

/// The whole chain of one G/L entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlEntryExplanation {
    pub gl_entry: GlEntryRow,
    pub description: String,
    /// What posted the register: `journal batch`, `post inventory cost to G/L`, `cost adjustment`.
    pub register_source: &'static str,
    /// The other G/L entries of the same transaction (the balancing side).
    pub same_transaction: Vec<u64>,
    pub rule: RuleProvenance,
    pub value_entries: Vec<ValueEntryLink>,
}

/// The chain of G/L entry `entry_no`, or `None` when there is no such entry.
pub fn explain_gl_entry(
    books: &Books,
    chart: &ChartOfAccounts,
    entry_no: u64,
) -> Option<GlEntryExplanation> {
    let general_ledger = &books.general_ledger;
    let ledger = &books.ledger;
    let entry = general_ledger.entry(entry_no)?;
    let gl_entry = GlEntryRow::new(books, chart, entry);
    let register_source = general_ledger
        .registers()
        .iter()
        .find(|register| register.register_no == entry.register_no)
        .map_or("unknown", |register| register_source_name(register.source));
    let value_entries = general_ledger
        .value_entries_of(entry_no)
        .filter_map(|no| ledger.value_entry(no))
        .map(|value| ValueEntryLink {
            value_entry: ValueEntryRow::new(ledger, value),
            item_ledger_entry: ledger
                .item_ledger_entry(value.item_ledger_entry_no)
                .map(|ile| ItemLedgerEntryRow::new(ledger, ile)),
        })
        .collect();
    Some(GlEntryExplanation {
        gl_entry,
        description: entry.description.clone(),
        register_source,
        same_transaction: general_ledger
            .entries()
            .iter()
            .filter(|other| {
                other.transaction_no == entry.transaction_no && other.entry_no != entry_no
            })
            .map(|other| other.entry_no)
            .collect(),
        rule: RuleProvenance {
            rule_set_hash: entry.provenance.rule_set_hash.to_string(),
            rule_file: entry.provenance.rule_file.to_string(),
            rule_function: entry.provenance.rule_function.to_string(),
            key: entry.provenance.key.to_string(),
        },
        value_entries,
    })
}

fn register_source_name(source: GlRegisterSource) -> &'static str {
    match source {
        GlRegisterSource::JournalBatch => "journal batch",
        GlRegisterSource::PostInventoryCost => "post inventory cost to G/L",
        GlRegisterSource::CostAdjustment => "cost adjustment",
    }
}

impl GlEntryExplanation {
    /// The chain as indented text, G/L entry first.
    pub fn render_text(&self) -> String {
        let gl = &self.gl_entry;
        let mut out = String::new();
        let mut field = |indent: usize, name: &str, value: String| {
            out.push_str(&format!("{:indent$}{name:<18}{value}\n", ""));
        };
        field(0, "G/L entry", gl.entry_no.to_string());
        field(2, "posting date", gl.posting_date.to_string());
        field(2, "document no.", gl.document_no.clone());
        field(2, "account", format!("{} {}", gl.account_no, gl.account_name));
        field(2, "posted as", gl.account_role.to_string());
        field(2, "amount", amount(gl.amount));
        field(2, "description", self.description.clone());
        field(
            2,
            "register",
            format!("{} ({})", gl.register_no, self.register_source),
        );
        field(
            2,
            "transaction",
            format!(
                "{} (with G/L entries {})",
                gl.transaction_no,
                join_numbers(&self.same_transaction).replace(';', ", ")
            ),
        );
        field(0, "account chosen by", String::new());
        field(2, "rule set hash", self.rule.rule_set_hash.clone());
        field(2, "rule file", self.rule.rule_file.clone());
        field(2, "rule function", self.rule.rule_function.clone());
        field(2, "key", self.rule.key.clone());
        for link in &self.value_entries {
            out.push_str(&render_link(link));
        }
        out
    }
}

fn render_link(link: &ValueEntryLink) -> String {
    let value = &link.value_entry;
    let mut out = String::new();
    let mut field = |indent: usize, name: &str, text: String| {
        out.push_str(&format!("{:indent$}{name:<18}{text}\n", ""));
    };
    field(0, "value entry", value.entry_no.to_string());
    field(
        2,
        "type",
        format!(
            "{} {}{}",
            value.item_ledger_entry_type,
            value.entry_type,
            if value.adjustment { " (adjustment)" } else { "" }
        ),
    );
    field(
        2,
        "dates",
        format!(
            "posting {}, valuation {}",
            value.posting_date, value.valuation_date
        ),
    );
    field(2, "document no.", value.document_no.clone());
    field(
        2,
        "cost",
        format!(
            "actual {}, expected {} (posted to G/L: actual {}, expected {})",
            amount(value.cost_actual),
            amount(value.cost_expected),
            amount(value.cost_posted_to_gl),
            amount(value.expected_cost_posted_to_gl)
        ),
    );
    field(2, "created by", value.source_line.clone());
    if let Some(ile) = &link.item_ledger_entry {
        field(2, "item ledger entry", ile.entry_no.to_string());
        field(
            4,
            "movement",
            format!(
                "{} of {} x item {} at {} on {}",
                ile.entry_type,
                quantity(ile.quantity),
                ile.item,
                display_location(&ile.location),
                ile.posting_date
            ),
        );
        field(4, "document no.", ile.document_no.clone());
        field(4, "journal line", ile.source_line.clone());
    }
    out
}

fn display_location(code: &str) -> String {
    if code.is_empty() {
        "(blank location)".to_string()
    } else {
        code.to_string()
    }
}
