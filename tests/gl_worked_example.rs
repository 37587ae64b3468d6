//! The worked example of spec §2.6 (FIFO item, receipt, shipment, purchase invoice at a higher
//! price, sales invoice, cost adjustment) and its variants A, B and C, with every value entry and
//! every G/L line checked.

mod common;
use common::*;
use rust_decimal::Decimal;
use stockpost::adjust::AdjustRequest;
use stockpost::books::Books;
use stockpost::config::{CompanyConfig, CostingMethod, Item, Location};
use stockpost::glpost::{CostPostingMode, RoleAccounts};
use stockpost::journal::{JournalLine, JournalLineKind, LineCost};
use stockpost::posting::PostingContext;

const D1: &str = "2021-03-01";
const D2: &str = "2021-03-02";
const D3: &str = "2021-03-03";
const D4: &str = "2021-03-04";

fn company_x(automatic_cost_posting: bool, expected_cost_posting: bool) -> CompanyConfig {
    let mut config = CompanyConfig::empty("worked example");
    let mut item = Item::new("X", CostingMethod::Fifo);
    item.unit_cost = d("10");
    item.inventory_posting_group = "RESALE".into();
    item.gen_prod_posting_group = "RETAIL".into();
    config.items.push(item);
    config.locations.push(Location::new("BLUE"));
    config.inventory_setup.automatic_cost_posting = automatic_cost_posting;
    config.inventory_setup.expected_cost_posting_to_gl = expected_cost_posting;
    config
}

fn at_blue(posting_date: &str, kind: JournalLineKind) -> JournalLine {
    line(posting_date, kind)
}

fn events() -> Vec<JournalLine> {
    vec![
        at_blue(
            D1,
            JournalLineKind::PurchaseReceipt {
                item: "X".into(),
                location: "BLUE".into(),
                quantity: d("10"),
                direct_unit_cost: d("10"),
            },
        ),
        at_blue(
            D2,
            JournalLineKind::SalesShipment {
                item: "X".into(),
                location: "BLUE".into(),
                quantity: d("5"),
                unit_price: d("20"),
            },
        ),
        at_blue(
            D3,
            JournalLineKind::PurchaseInvoice {
                receipt_entry_no: 1,
                quantity: d("10"),
                cost: LineCost::DirectUnitCost(d("11")),
            },
        ),
        at_blue(
            D4,
            JournalLineKind::SalesInvoice {
                shipment_entry_no: 2,
                quantity: d("5"),
                unit_price: d("20"),
            },
        ),
    ]
}

fn post(books: &mut Books, line: JournalLine) {
    let work_date = line.posting_date;
    books
        .post_journal(&[line], &PostingContext { work_date }, &RoleAccounts::new())
        .expect("posts");
}

fn adjust(books: &mut Books, post_to_gl: bool) {
    books.adjust_cost(&AdjustRequest::default(), post_to_gl, &RoleAccounts::new());
}

/// (VE, ILE, posting date, valuation date, valued qty, invoiced qty, expected flag, expected,
/// actual, expected posted, actual posted, adjustment, applies-to) of every value entry.
type ValueRow = (
    (u64, u64, String, String),
    (Decimal, Decimal, bool),
    (Decimal, Decimal, Decimal, Decimal),
    (bool, Option<u64>),
);

fn value_rows(books: &Books) -> Vec<ValueRow> {
    books
        .ledger
        .value_entries()
        .iter()
        .map(|entry| {
            (
                (
                    entry.entry_no,
                    entry.item_ledger_entry_no,
                    entry.posting_date.to_string(),
                    entry.valuation_date.to_string(),
                ),
                (
                    entry.valued_quantity,
                    entry.invoiced_quantity,
                    entry.expected_cost,
                ),
                (
                    entry.cost_amount_expected,
                    entry.cost_amount_actual,
                    entry.expected_cost_posted_to_gl,
                    entry.cost_posted_to_gl,
                ),
                (entry.adjustment, entry.applies_to_entry),
            )
        })
        .collect()
}

/// (value entry, date, account, amount) of every G/L line, through the relations.
fn gl_rows(books: &Books) -> Vec<(u64, String, String, Decimal)> {
    books
        .general_ledger
        .relations()
        .iter()
        .map(|relation| {
            let entry = books.general_ledger.entry(relation.gl_entry_no).unwrap();
            (
                relation.value_entry_no,
                entry.posting_date.to_string(),
                entry.account_no.to_string(),
                entry.amount,
            )
        })
        .collect()
}

fn balance(books: &Books, account: &str) -> Decimal {
    books
        .general_ledger
        .entries()
        .iter()
        .filter(|entry| &*entry.account_no == account)
        .map(|entry| entry.amount)
        .sum()
}

#[allow(clippy::too_many_arguments)]
fn row(
    ve: u64,
    ile: u64,
    posting: &str,
    valuation: &str,
    valued: &str,
    invoiced: &str,
    expected_flag: bool,
    exp: &str,
    act: &str,
    exp_posted: &str,
    act_posted: &str,
    adjustment: bool,
    applies_to: Option<u64>,
) -> ValueRow {
    (
        (ve, ile, posting.into(), valuation.into()),
        (d(valued), d(invoiced), expected_flag),
        (d(exp), d(act), d(exp_posted), d(act_posted)),
        (adjustment, applies_to),
    )
}

fn gl(ve: u64, date: &str, account: &str, amount: &str) -> (u64, String, String, Decimal) {
    (ve, date.into(), account.into(), d(amount))
}

fn assert_final_balances(books: &Books) {
    assert_eq!(balance(books, "inventory"), d("55"));
    assert_eq!(balance(books, "inventory_interim"), d("0"));
    assert_eq!(balance(books, "invt_accrual_interim"), d("0"));
    assert_eq!(balance(books, "cogs_interim"), d("0"));
    assert_eq!(balance(books, "cogs"), d("55"));
    assert_eq!(balance(books, "direct_cost_applied"), d("-110"));
    let (actual, expected): (Decimal, Decimal) = books
        .ledger
        .value_entries()
        .iter()
        .fold((Decimal::ZERO, Decimal::ZERO), |(a, e), entry| {
            (a + entry.cost_amount_actual, e + entry.cost_amount_expected)
        });
    assert_eq!((actual, expected), (d("55"), d("0")));
}

#[test]
fn worked_example_with_expected_cost_posting() {
    let mut books = Books::new(company_x(true, true));
    for event in events() {
        post(&mut books, event);
    }
    adjust(&mut books, true);
    assert_eq!(
        value_rows(&books),
        [
            row(1, 1, D1, D1, "10", "0", true, "100", "0", "100", "0", false, None),
            row(2, 2, D2, D2, "-5", "0", true, "-50", "0", "-50", "0", false, None),
            row(3, 1, D3, D1, "10", "10", false, "-100", "110", "-100", "110", false, None),
            row(4, 2, D4, D2, "-5", "-5", false, "50", "-50", "50", "-50", false, None),
            row(
                5,
                2,
                D4,
                D2,
                "-5",
                "0",
                false,
                "0",
                "-5",
                "0",
                "-5",
                true,
                Some(4)
            ),
        ]
    );
    assert_eq!(
        gl_rows(&books),
        [
            gl(1, D1, "inventory_interim", "100"),
            gl(1, D1, "invt_accrual_interim", "-100"),
            gl(2, D2, "inventory_interim", "-50"),
            gl(2, D2, "cogs_interim", "50"),
            gl(3, D3, "inventory_interim", "-100"),
            gl(3, D3, "invt_accrual_interim", "100"),
            gl(3, D3, "inventory", "110"),
            gl(3, D3, "direct_cost_applied", "-110"),
            gl(4, D4, "inventory_interim", "50"),
            gl(4, D4, "cogs_interim", "-50"),
            gl(4, D4, "inventory", "-50"),
            gl(4, D4, "cogs", "50"),
            gl(5, D4, "inventory", "-5"),
            gl(5, D4, "cogs", "5"),
        ]
    );
    assert_final_balances(&books);
}

#[test]
fn variant_a_expected_cost_posting_off() {
    let mut books = Books::new(company_x(true, false));
    for event in events() {
        post(&mut books, event);
    }
    adjust(&mut books, true);
    assert_eq!(
        gl_rows(&books),
        [
            gl(3, D3, "inventory", "110"),
            gl(3, D3, "direct_cost_applied", "-110"),
            gl(4, D4, "inventory", "-50"),
            gl(4, D4, "cogs", "50"),
            gl(5, D4, "inventory", "-5"),
            gl(5, D4, "cogs", "5"),
        ]
    );
    let exp_posted: Vec<_> = books
        .ledger
        .value_entries()
        .iter()
        .map(|entry| entry.expected_cost_posted_to_gl)
        .collect();
    assert!(exp_posted.iter().all(|amount| amount.is_zero()));
    assert_final_balances(&books);
}

#[test]
fn variant_b_adjustment_between_purchase_invoice_and_sales_invoice() {
    let mut books = Books::new(company_x(true, true));
    let mut events = events().into_iter();
    for event in events.by_ref().take(3) {
        post(&mut books, event);
    }
    adjust(&mut books, true);
    // The open shipment's expected cost is adjusted: expected −5, dated at the shipment.
    let expected_adjustment = books.ledger.value_entry(4).unwrap();
    assert_eq!(
        (
            expected_adjustment.item_ledger_entry_no,
            expected_adjustment.expected_cost,
            expected_adjustment.cost_amount_expected,
            expected_adjustment.cost_amount_actual,
            expected_adjustment.posting_date.to_string()
        ),
        (2, true, d("-5"), d("0"), D2.to_string())
    );
    post(&mut books, events.next().unwrap());
    let invoice = books.ledger.value_entry(5).unwrap();
    assert_eq!(
        (invoice.cost_amount_expected, invoice.cost_amount_actual),
        (d("55"), d("-50"))
    );
    adjust(&mut books, true);
    let actual_adjustment = books.ledger.value_entry(6).unwrap();
    assert_eq!(
        (
            actual_adjustment.cost_amount_expected,
            actual_adjustment.cost_amount_actual,
            actual_adjustment.applies_to_entry
        ),
        (d("0"), d("-5"), Some(5))
    );
    assert_eq!(
        gl_rows(&books)
            .into_iter()
            .filter(|row| row.0 == 4 || row.0 == 6)
            .collect::<Vec<_>>(),
        [
            gl(4, D2, "inventory_interim", "-5"),
            gl(4, D2, "cogs_interim", "5"),
            gl(6, D4, "inventory", "-5"),
            gl(6, D4, "cogs", "5")
        ]
    );
    assert_final_balances(&books);
}

#[test]
fn variant_c_queue_and_post_inventory_cost_per_posting_group() {
    let mut books = Books::new(company_x(false, true));
    for event in events() {
        post(&mut books, event);
    }
    adjust(&mut books, false);
    assert!(books.general_ledger.entries().is_empty());
    assert_eq!(
        books
            .general_ledger
            .queue()
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    let result = books.post_inventory_cost_to_gl(
        CostPostingMode::PerPostingGroup {
            document_no: "INVT-D5".into(),
        },
        &RoleAccounts::new(),
    );
    assert_eq!((result.posted_value_entries, result.skipped.len()), (5, 0));
    let lines: Vec<_> = books
        .general_ledger
        .entries()
        .iter()
        .map(|entry| {
            (
                entry.posting_date.to_string(),
                entry.account_no.to_string(),
                entry.amount,
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (D1.into(), "inventory_interim".into(), d("100")),
            (D1.into(), "invt_accrual_interim".into(), d("-100")),
            (D2.into(), "inventory_interim".into(), d("-50")),
            (D2.into(), "cogs_interim".into(), d("50")),
            (D3.into(), "inventory".into(), d("110")),
            (D3.into(), "inventory_interim".into(), d("-100")),
            (D3.into(), "invt_accrual_interim".into(), d("100")),
            (D3.into(), "direct_cost_applied".into(), d("-110")),
            // VE 4's actual pair and the adjustment VE 5 share the key: one credit of 55.
            (D4.into(), "inventory".into(), d("-55")),
            (D4.into(), "inventory_interim".into(), d("50")),
            (D4.into(), "cogs".into(), d("55")),
            (D4.into(), "cogs_interim".into(), d("-50")),
        ]
    );
    let fed_by_inventory_credit: Vec<u64> = books.general_ledger.value_entries_of(9).collect();
    assert_eq!(fed_by_inventory_credit, [4, 5]);
    assert_final_balances(&books);
}
