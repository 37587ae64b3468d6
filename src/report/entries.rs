//! The entry tables as report rows: item ledger entries, value entries, item application entries
//! and G/L entries, each optionally limited to one item.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::render::{amount, quantity, source_line, Column, ReportRow};
use crate::books::Books;
use crate::chart::ChartOfAccounts;
use crate::glpost::GlEntry;
use crate::ledger::{ItemApplicationEntry, ItemId, ItemLedgerEntry, Ledger, ValueEntry};

/// One item ledger entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemLedgerEntryRow {
    pub entry_no: u64,
    pub posting_date: NaiveDate,
    pub entry_type: &'static str,
    pub document_no: String,
    pub item: String,
    pub location: String,
    pub serial_no: String,
    pub quantity: Decimal,
    pub remaining_quantity: Decimal,
    pub invoiced_quantity: Decimal,
    pub open: bool,
    pub cost_actual: Decimal,
    pub cost_expected: Decimal,
    /// The journal line that created it, `file:line`.
    pub source_line: String,
}

impl ItemLedgerEntryRow {
    pub fn new(ledger: &Ledger, entry: &ItemLedgerEntry) -> Self {
        let (cost_actual, cost_expected) = ledger.cost_of_entry(entry.entry_no);
        ItemLedgerEntryRow {
            entry_no: entry.entry_no,
            posting_date: entry.posting_date,
            entry_type: entry.entry_type.as_str(),
            document_no: entry.document_no.to_string(),
            item: ledger.item_no(entry.item).to_string(),
            location: ledger.location_code(entry.location).to_string(),
            serial_no: entry.serial_no.as_deref().unwrap_or("").to_string(),
            quantity: entry.quantity,
            remaining_quantity: entry.remaining_quantity,
            invoiced_quantity: entry.invoiced_quantity,
            open: entry.is_open(),
            cost_actual,
            cost_expected,
            source_line: source_line(&entry.source_line),
        }
    }
}

impl ReportRow for ItemLedgerEntryRow {
    const COLUMNS: &'static [Column] = &[
        Column::number("entry_no"),
        Column::text("posting_date"),
        Column::text("entry_type"),
        Column::text("document_no"),
        Column::text("item"),
        Column::text("location"),
        Column::text("serial_no"),
        Column::number("quantity"),
        Column::number("remaining_quantity"),
        Column::number("invoiced_quantity"),
        Column::text("open"),
        Column::number("cost_actual"),
        Column::number("cost_expected"),
        Column::text("source_line"),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.entry_no.to_string(),
            self.posting_date.to_string(),
            self.entry_type.to_string(),
            self.document_no.clone(),
            self.item.clone(),
            self.location.clone(),
            self.serial_no.clone(),
            quantity(self.quantity),
            quantity(self.remaining_quantity),
            quantity(self.invoiced_quantity),
            yes_no(self.open),
            amount(self.cost_actual),
            amount(self.cost_expected),
            self.source_line.clone(),
        ]
    }
}

/// One value entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueEntryRow {
    pub entry_no: u64,
    pub item_ledger_entry_no: u64,
    pub posting_date: NaiveDate,
    pub valuation_date: NaiveDate,
    pub item_ledger_entry_type: &'static str,
    pub entry_type: &'static str,
    pub document_no: String,
    pub item: String,
    pub location: String,
    pub valued_quantity: Decimal,
    pub invoiced_quantity: Decimal,
    pub cost_actual: Decimal,
    pub cost_expected: Decimal,
    pub cost_posted_to_gl: Decimal,
    pub expected_cost_posted_to_gl: Decimal,
    pub adjustment: bool,
    /// For a revaluation: `partial` (Calculate Inventory Value) or `applies_to` (a line for one
    /// entry); empty otherwise.
    pub revaluation_kind: &'static str,
    pub item_charge_no: String,
    pub source_line: String,
}

impl ValueEntryRow {
    pub fn new(ledger: &Ledger, entry: &ValueEntry) -> Self {
        ValueEntryRow {
            entry_no: entry.entry_no,
            item_ledger_entry_no: entry.item_ledger_entry_no,
            posting_date: entry.posting_date,
            valuation_date: entry.valuation_date,
            item_ledger_entry_type: entry.item_ledger_entry_type.as_str(),
            entry_type: entry.entry_type.as_str(),
            document_no: entry.document_no.to_string(),
            item: ledger.item_no(entry.item).to_string(),
            location: ledger.location_code(entry.location).to_string(),
            valued_quantity: entry.valued_quantity,
            invoiced_quantity: entry.invoiced_quantity,
            cost_actual: entry.cost_amount_actual,
            cost_expected: entry.cost_amount_expected,
            cost_posted_to_gl: entry.cost_posted_to_gl,
            expected_cost_posted_to_gl: entry.expected_cost_posted_to_gl,
            adjustment: entry.adjustment,
            revaluation_kind: match (entry.entry_type, entry.partial_revaluation) {
                (crate::ledger::CostEntryType::Revaluation, true) => "partial",
                (crate::ledger::CostEntryType::Revaluation, false) => "applies_to",
                _ => "",
            },
            item_charge_no: entry.item_charge_no.as_deref().unwrap_or("").to_string(),
            source_line: source_line(&entry.source_line),
        }
    }
}

impl ReportRow for ValueEntryRow {
    const COLUMNS: &'static [Column] = &[
        Column::number("entry_no"),
        Column::number("item_ledger_entry_no"),
        Column::text("posting_date"),
        Column::text("valuation_date"),
        Column::text("item_ledger_entry_type"),
        Column::text("entry_type"),
        Column::text("document_no"),
        Column::text("item"),
        Column::text("location"),
        Column::number("valued_quantity"),
        Column::number("invoiced_quantity"),
        Column::number("cost_actual"),
        Column::number("cost_expected"),
        Column::number("cost_posted_to_gl"),
        Column::number("expected_cost_posted_to_gl"),
        Column::text("adjustment"),
        Column::text("revaluation_kind"),
        Column::text("item_charge_no"),
        Column::text("source_line"),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.entry_no.to_string(),
            self.item_ledger_entry_no.to_string(),
            self.posting_date.to_string(),
            self.valuation_date.to_string(),
            self.item_ledger_entry_type.to_string(),
            self.entry_type.to_string(),
            self.document_no.clone(),
            self.item.clone(),
            self.location.clone(),
            quantity(self.valued_quantity),
            quantity(self.invoiced_quantity),
            amount(self.cost_actual),
            amount(self.cost_expected),
            amount(self.cost_posted_to_gl),
            amount(self.expected_cost_posted_to_gl),
            yes_no(self.adjustment),
            self.revaluation_kind.to_string(),
            self.item_charge_no.clone(),
            self.source_line.clone(),
        ]
    }
}

/// One item application entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplicationRow {
    pub entry_no: u64,
    pub item_ledger_entry_no: u64,
    pub inbound_item_entry_no: u64,
    /// 0 on the self-row of an inbound entry.
    pub outbound_item_entry_no: u64,
    pub quantity: Decimal,
    pub posting_date: NaiveDate,
    pub item: String,
    pub cost_application: bool,
    pub fixed: bool,
    /// For transfer-in rows: the origin inbound entry whose cost the transfer carries (0: none).
    pub transferred_from_entry_no: u64,
}

impl ApplicationRow {
    pub fn new(ledger: &Ledger, entry: &ItemApplicationEntry) -> Self {
        ApplicationRow {
            entry_no: entry.entry_no,
            item_ledger_entry_no: entry.item_ledger_entry_no,
            inbound_item_entry_no: entry.inbound_item_entry_no,
            outbound_item_entry_no: entry.outbound_item_entry_no,
            quantity: entry.quantity,
            posting_date: entry.posting_date,
            item: application_item(ledger, entry)
                .map_or_else(String::new, |item| ledger.item_no(item).to_string()),
            cost_application: entry.cost_application,
            fixed: entry.fixed,
            transferred_from_entry_no: entry.transferred_from_entry_no.unwrap_or(0),
        }
    }
}

impl ReportRow for ApplicationRow {
    const COLUMNS: &'static [Column] = &[
        Column::number("entry_no"),
        Column::number("item_ledger_entry_no"),
        Column::number("inbound_item_entry_no"),
        Column::number("outbound_item_entry_no"),
        Column::number("quantity"),
        Column::text("posting_date"),
        Column::text("item"),
        Column::text("cost_application"),
        Column::text("fixed"),
        Column::number("transferred_from_entry_no"),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.entry_no.to_string(),
            self.item_ledger_entry_no.to_string(),
            self.inbound_item_entry_no.to_string(),
            self.outbound_item_entry_no.to_string(),
            quantity(self.quantity),
            self.posting_date.to_string(),
            self.item.clone(),
            yes_no(self.cost_application),
            yes_no(self.fixed),
            self.transferred_from_entry_no.to_string(),
        ]
    }
}

/// One G/L entry, with the account's name and the rule that chose the account.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GlEntryRow {
    pub entry_no: u64,
    pub transaction_no: u64,
    pub register_no: u64,
    pub posting_date: NaiveDate,
    pub document_no: String,
    pub account_no: String,
    pub account_name: String,
    pub account_role: &'static str,
    pub amount: Decimal,
    /// The value entries it came from, `;`-separated.
    pub value_entry_nos: String,
    pub rule_file: String,
    pub rule_function: String,
}

impl GlEntryRow {
    pub fn new(books: &Books, chart: &ChartOfAccounts, entry: &GlEntry) -> Self {
        GlEntryRow {
            entry_no: entry.entry_no,
            transaction_no: entry.transaction_no,
            register_no: entry.register_no,
            posting_date: entry.posting_date,
            document_no: entry.document_no.to_string(),
            account_no: entry.account_no.to_string(),
            account_name: account_name(chart, &entry.account_no),
            account_role: entry.account_role.name(),
            amount: entry.amount,
            value_entry_nos: joined(books.general_ledger.value_entries_of(entry.entry_no)),
            rule_file: entry.provenance.rule_file.to_string(),
            rule_function: entry.provenance.rule_function.to_string(),
        }
    }
}

impl ReportRow for GlEntryRow {
    const COLUMNS: &'static [Column] = &[
        Column::number("entry_no"),
        Column::number("transaction_no"),
        Column::number("register_no"),
        Column::text("posting_date"),
        Column::text("document_no"),
        Column::text("account_no"),
        Column::text("account_name"),
        Column::text("account_role"),
        Column::number("amount"),
        Column::text("value_entry_nos"),
        Column::text("rule_file"),
        Column::text("rule_function"),
    ];

    fn cells(&self) -> Vec<String> {
        vec![
            self.entry_no.to_string(),
            self.transaction_no.to_string(),
            self.register_no.to_string(),
            self.posting_date.to_string(),
            self.document_no.clone(),
            self.account_no.clone(),
            self.account_name.clone(),
            self.account_role.to_string(),
            amount(self.amount),
            self.value_entry_nos.clone(),
            self.rule_file.clone(),
            self.rule_function.clone(),
        ]
    }

    fn visit_cells(&self, visit: &mut dyn FnMut(&str)) {
        let mut number = String::with_capacity(24);
        let mut show = |visit: &mut dyn FnMut(&str), value: &dyn std::fmt::Display| {
            use std::fmt::Write as _;
            number.clear();
            let _ = write!(number, "{value}");
            visit(&number);
        };
        show(visit, &self.entry_no);
        show(visit, &self.transaction_no);
        show(visit, &self.register_no);
        show(visit, &self.posting_date);
        visit(&self.document_no);
        visit(&self.account_no);
        visit(&self.account_name);
        visit(self.account_role);
        visit(&amount(self.amount));
        visit(&self.value_entry_nos);
        visit(&self.rule_file);
        visit(&self.rule_function);
    }
}

/// The item ledger entries, all or of one item.
pub fn item_ledger_entry_rows(
    ledger: &Ledger,
    item: Option<ItemId>,
) -> impl Iterator<Item = ItemLedgerEntryRow> + '_ {
    ledger
        .item_ledger_entries()
        .iter()
        .filter(move |entry| item.is_none_or(|item| entry.item == item))
        .map(|entry| ItemLedgerEntryRow::new(ledger, entry))
}

/// The value entries, all or of one item.
pub fn value_entry_rows(
    ledger: &Ledger,
    item: Option<ItemId>,
) -> impl Iterator<Item = ValueEntryRow> + '_ {
    ledger
        .value_entries()
        .iter()
        .filter(move |entry| item.is_none_or(|item| entry.item == item))
        .map(|entry| ValueEntryRow::new(ledger, entry))
}

/// The item application entries, all or of one item.
pub fn application_rows(
    ledger: &Ledger,
    item: Option<ItemId>,
) -> impl Iterator<Item = ApplicationRow> + '_ {
    ledger
        .item_application_entries()
        .iter()
        .filter(move |entry| item.is_none_or(|item| application_item(ledger, entry) == Some(item)))
        .map(|entry| ApplicationRow::new(ledger, entry))
}

/// The G/L entries, all or those fed by value entries of one item.
pub fn gl_entry_rows<'b>(
    books: &'b Books,
    chart: &'b ChartOfAccounts,
    item: Option<ItemId>,
) -> impl Iterator<Item = GlEntryRow> + 'b {
    let fed_by_item = move |entry: &&GlEntry| {
        item.is_none_or(|item| {
            books
                .general_ledger
                .value_entries_of(entry.entry_no)
                .filter_map(|no| books.ledger.value_entry(no))
                .any(|value| value.item == item)
        })
    };
    books
        .general_ledger
        .entries()
        .iter()
        .filter(fed_by_item)
        .map(|entry| GlEntryRow::new(books, chart, entry))
}

/// The item of an application row: that of its inbound entry.
fn application_item(ledger: &Ledger, entry: &ItemApplicationEntry) -> Option<ItemId> {
    ledger
        .item_ledger_entry(entry.inbound_item_entry_no)
        .map(|inbound| inbound.item)
}

/// The chart's name of an account, or empty when the chart does not know it.
pub fn account_name(chart: &ChartOfAccounts, account_no: &str) -> String {
    chart
        .account(account_no)
        .map_or_else(String::new, |account| account.name.clone())
}

pub(crate) fn join_numbers(numbers: &[u64]) -> String {
    joined(numbers.iter().copied())
}

/// Numbers `;`-separated, written into one string.
fn joined(numbers: impl Iterator<Item = u64>) -> String {
    use std::fmt::Write as _;
    let mut text = String::new();
    for (index, number) in numbers.enumerate() {
        if index > 0 {
            text.push(';');
        }
        let _ = write!(text, "{number}");
    }
    text
}

fn yes_no(flag: bool) -> String {
    if flag { "yes" } else { "no" }.to_string()
}
