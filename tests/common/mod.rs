//! Helpers shared by the posting tests: a small company and one-line journal builders.
#![allow(dead_code)]

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use stockpost::config::{CompanyConfig, CostingMethod, Item, Location};
use stockpost::journal::{Dimensions, JournalLine, JournalLineKind, LineCost, LineRef};
use stockpost::ledger::{CostEntryType, Ledger};
use stockpost::posting::{BatchOutcome, PostingContext, PostingError};

pub fn d(text: &str) -> Decimal {
    text.parse().expect("test decimal")
}

pub fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
}

/// A company with one item per costing method (FIFO, LIFO, AVG, STD, SPEC) and locations
/// BLUE and RED.
pub fn company() -> CompanyConfig {
    let mut config = CompanyConfig::empty("test");
    for (no, method) in [
        ("FIFO", CostingMethod::Fifo),
        ("LIFO", CostingMethod::Lifo),
        ("AVG", CostingMethod::Average),
        ("STD", CostingMethod::Standard),
        ("SPEC", CostingMethod::Specific),
    ] {
        let mut item = Item::new(no, method);
        item.inventory_posting_group = "RESALE".into();
        item.gen_prod_posting_group = "RETAIL".into();
        config.items.push(item);
    }
    config.locations.push(Location::new("BLUE"));
    config.locations.push(Location::new("RED"));
    config
}

/// `company()` with the STD item's standard cost set.
pub fn company_with_standard_cost(standard_cost: &str) -> CompanyConfig {
    let mut config = company();
    let item = config
        .items
        .iter_mut()
        .find(|item| item.no == "STD")
        .expect("STD item");
    item.standard_cost = d(standard_cost);
    config
}

pub fn ledger() -> Ledger {
    Ledger::new(company())
}

pub fn line(posting_date: &str, kind: JournalLineKind) -> JournalLine {
    JournalLine {
        source: LineRef {
            file: Arc::from("test.csv"),
            line: 2,
        },
        posting_date: date(posting_date),
        document_no: "DOC1".into(),
        external_document_no: None,
        gen_bus_posting_group: "DOMESTIC".into(),
        serial_no: None,
        dimensions: Dimensions::new(),
        kind,
    }
}

pub fn post(ledger: &mut Ledger, lines: Vec<JournalLine>) -> Result<BatchOutcome, PostingError> {
    let work_date = lines
        .last()
        .map_or(date("2020-01-01"), |line| line.posting_date);
    ledger.post_batch(&lines, &PostingContext { work_date })
}

pub fn post_ok(ledger: &mut Ledger, line: JournalLine) -> BatchOutcome {
    post(ledger, vec![line]).expect("line posts")
}

pub fn purchase(posting_date: &str, item: &str, quantity: &str, unit_cost: &str) -> JournalLine {
    line(
        posting_date,
        JournalLineKind::Purchase {
            item: item.into(),
            location: String::new(),
            quantity: d(quantity),
            cost: LineCost::DirectUnitCost(d(unit_cost)),
        },
    )
}

pub fn receipt(posting_date: &str, item: &str, quantity: &str, unit_cost: &str) -> JournalLine {
    line(
        posting_date,
        JournalLineKind::PurchaseReceipt {
            item: item.into(),
            location: String::new(),
            quantity: d(quantity),
            direct_unit_cost: d(unit_cost),
        },
    )
}

pub fn sale(posting_date: &str, item: &str, quantity: &str) -> JournalLine {
    line(
        posting_date,
        JournalLineKind::Sale {
            item: item.into(),
            location: String::new(),
            quantity: d(quantity),
            unit_price: d("0"),
            applies_to_entry_no: None,
        },
    )
}

pub fn shipment(posting_date: &str, item: &str, quantity: &str) -> JournalLine {
    line(
        posting_date,
        JournalLineKind::SalesShipment {
            item: item.into(),
            location: String::new(),
            quantity: d(quantity),
            unit_price: d("20"),
        },
    )
}

/// Σ (actual, expected) cost of an item ledger entry.
pub fn cost(ledger: &Ledger, ile: u64) -> (Decimal, Decimal) {
    ledger.cost_of_entry(ile)
}

/// (entry type, expected, actual) of every value entry of an item ledger entry.
pub fn value_entries(ledger: &Ledger, ile: u64) -> Vec<(CostEntryType, Decimal, Decimal)> {
    ledger
        .value_entries_of(ile)
        .map(|entry| {
            (
                entry.entry_type,
                entry.cost_amount_expected,
                entry.cost_amount_actual,
            )
        })
        .collect()
}

/// Asserts spec §9 invariants 6, 7, 8 and 16 hold.
pub fn assert_invariants(ledger: &Ledger) {
    let violations = stockpost::ledger::invariants::check_sub_ledger(ledger);
    assert!(violations.is_empty(), "invariants broken: {violations:#?}");
}

/// A resolver that has no account for one role: every other role posts like `RoleAccounts`.
pub struct MissingRole(pub stockpost::rules::AccountRole);

impl stockpost::glpost::AccountResolver for MissingRole {
    fn account(
        &self,
        ledger: &Ledger,
        entry: &stockpost::ledger::ValueEntry,
        role: stockpost::rules::AccountRole,
    ) -> Result<stockpost::glpost::ResolvedAccount, String> {
        if role == self.0 {
            return Err(format!("no {role} account for this key"));
        }
        stockpost::glpost::RoleAccounts::new().account(ledger, entry, role)
    }
}
