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
        description: entry.description.text(ledger),
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
        GlRegisterSource::Reclassification => "rule change reclassification",
    }
}

/// Collects `  name  value` lines under headings.
struct TextBlock(String);

impl TextBlock {
    fn heading(&mut self, text: String) {
        self.0.push_str(&text);
        self.0.push('\n');
    }

    fn field(&mut self, name: &str, value: impl std::fmt::Display) {
        self.0.push_str(&format!("  {name:<18}{value}\n"));
    }
}

impl GlEntryExplanation {
    /// The chain as text: the G/L entry, the rule, then each value entry and its item ledger
    /// entry.
    pub fn render_text(&self) -> String {
        let gl = &self.gl_entry;
        let mut out = TextBlock(String::new());
        out.heading(format!("G/L entry {}", gl.entry_no));
        out.field("posting date", gl.posting_date);
        out.field("document no.", &gl.document_no);
        out.field("account", format!("{} {}", gl.account_no, gl.account_name));
        out.field("posted as", gl.account_role);
        out.field("amount", amount(gl.amount));
        out.field("description", &self.description);
        out.field(
            "register",
            format!("{} ({})", gl.register_no, self.register_source),
        );
        let others = join_numbers(&self.same_transaction).replace(';', ", ");
        out.field(
            "transaction",
            format!("{}, balanced by G/L entry {others}", gl.transaction_no),
        );
        out.heading("Account chosen by".to_string());
        out.field("rule set hash", &self.rule.rule_set_hash);
        out.field("rule file", &self.rule.rule_file);
        out.field("rule function", &self.rule.rule_function);
        out.field("key", &self.rule.key);
        for link in &self.value_entries {
            render_link(&mut out, link);
        }
        out.0
    }
}

fn render_link(out: &mut TextBlock, link: &ValueEntryLink) {
    let value = &link.value_entry;
    out.heading(format!("Value entry {}", value.entry_no));
    let adjustment = if value.adjustment {
        " (adjustment)"
    } else {
        ""
    };
    out.field(
        "type",
        format!(
            "{} of a {}{adjustment}",
            value.entry_type, value.item_ledger_entry_type
        ),
    );
    out.field("posting date", value.posting_date);
    out.field("valuation date", value.valuation_date);
    out.field("document no.", &value.document_no);
    out.field(
        "cost",
        format!(
            "actual {}, expected {}",
            amount(value.cost_actual),
            amount(value.cost_expected)
        ),
    );
    out.field(
        "posted to G/L",
        format!(
            "actual {}, expected {}",
            amount(value.cost_posted_to_gl),
            amount(value.expected_cost_posted_to_gl)
        ),
    );
    out.field("created by", &value.source_line);
    if let Some(ile) = &link.item_ledger_entry {
        out.heading(format!("Item ledger entry {}", ile.entry_no));
        out.field("type", ile.entry_type);
        out.field(
            "item",
            format!("{} at {}", ile.item, display_location(&ile.location)),
        );
        out.field("quantity", quantity(ile.quantity));
        out.field("posting date", ile.posting_date);
        out.field("document no.", &ile.document_no);
        out.field("journal line", &ile.source_line);
    }
}

fn display_location(code: &str) -> String {
    if code.is_empty() {
        "(blank location)".to_string()
    } else {
        code.to_string()
    }
}
