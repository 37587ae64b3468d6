//! Each after-settle check (spec §9, `check_after_settle`) holds on honestly settled books and
//! fires when the books are not settled, built through the public API only.

mod history_support;

use std::sync::Arc;

use chrono::NaiveDate;
use history_support::{company, Setup};
use rust_decimal::Decimal;
use stockpost::adjust::invariants::check_after_settle;
use stockpost::adjust::AdjustRequest;
use stockpost::books::Books;
use stockpost::config::{AverageCostCalcType, AverageCostPeriod};
use stockpost::glpost::{CostPostingMode, RoleAccounts};
use stockpost::journal::{Dimensions, JournalLine, JournalLineKind, LineCost, LineRef};
use stockpost::posting::PostingContext;

fn setup(calc_type: AverageCostCalcType, automatic_cost_posting: bool) -> Setup {
    Setup {
        period: AverageCostPeriod::Day,
        calc_type,
        expected_cost_posting: true,
        automatic_cost_posting,
        locations: 2,
    }
}

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 3, day).expect("valid date")
}

fn line(day: u32, kind: JournalLineKind) -> JournalLine {
    JournalLine {
        source: LineRef {
            file: Arc::from("test"),
            line: day,
        },
        posting_date: date(day),
        document_no: format!("D{day}"),
        external_document_no: None,
        gen_bus_posting_group: "DOMESTIC".into(),
        serial_no: None,
        dimensions: Dimensions::new(),
        kind,
    }
}

fn purchase(day: u32, item: &str, location: &str, quantity: i64, amount: &str) -> JournalLine {
    line(
        day,
        JournalLineKind::Purchase {
            item: item.into(),
            location: location.into(),
            quantity: Decimal::from(quantity),
            cost: LineCost::Amount(amount.parse().unwrap()),
        },
    )
}

fn sale(day: u32, item: &str, location: &str, quantity: i64) -> JournalLine {
    line(
        day,
        JournalLineKind::Sale {
            item: item.into(),
            location: location.into(),
            quantity: Decimal::from(quantity),
            unit_price: Decimal::from(30),
            applies_to_entry_no: None,
        },
    )
}

fn transfer(day: u32, item: &str, quantity: i64) -> JournalLine {
    line(
        day,
        JournalLineKind::Transfer {
            item: item.into(),
            from_location: "BLUE".into(),
            to_location: "RED".into(),
            quantity: Decimal::from(quantity),
        },
    )
}

fn charge(day: u32, entry_no: u64, amount: &str) -> JournalLine {
    line(
        day,
        JournalLineKind::ItemCharge {
            item_charge_no: "FREIGHT".into(),
            amount: amount.parse().unwrap(),
            assign_to_entry_nos: vec![entry_no],
        },
    )
}

fn post(books: &mut Books, lines: Vec<JournalLine>, accounts: &RoleAccounts) {
    let work_date = lines.last().unwrap().posting_date;
    books
        .post_journal(&lines, &PostingContext { work_date }, accounts)
        .expect("journal posts");
}

fn adjust(books: &mut Books, post_to_gl: bool, accounts: &RoleAccounts) {
    books.adjust_cost(&AdjustRequest::default(), post_to_gl, accounts);
}

/// The invariants that fired, each once, in order.
fn fired(books: &Books) -> Vec<u8> {
    let mut numbers: Vec<u8> = check_after_settle(books)
        .iter()
        .map(|v| v.invariant)
        .collect();
    numbers.dedup();
    numbers
}

fn messages(books: &Books) -> Vec<String> {
    check_after_settle(books)
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// FIFO: 3 for 10.00 at BLUE, a freight charge of 2.00, one unit transferred to RED, three
/// sales (two at BLUE, one at RED). Adjusted, the sales cost 4.00 each.
fn fifo_history(books: &mut Books, accounts: &RoleAccounts) {
    post(
        books,
        vec![
            purchase(1, "FIFO", "BLUE", 3, "10.00"),
            transfer(2, "FIFO", 1),
            sale(3, "FIFO", "BLUE", 2),
            sale(3, "FIFO", "RED", 1),
        ],
        accounts,
    );
    post(books, vec![charge(4, 1, "2.00")], accounts);
}

#[test]
fn settled_books_keep_every_after_settle_invariant() {
    let accounts = RoleAccounts::with_location_split(true);
    let mut books = Books::new(company(&setup(AverageCostCalcType::Item, true)));
    fifo_history(&mut books, &accounts);
    adjust(&mut books, true, &accounts);
    assert_eq!(messages(&books), Vec::<String>::new());
    let sale_costs: Vec<Decimal> = (4..=5).map(|no| books.ledger.cost_of_entry(no).0).collect();
    assert_eq!(
        sale_costs,
        ["-8", "-4"].map(|t| t.parse::<Decimal>().unwrap())
    );
    assert!(books
        .general_ledger
        .entries()
        .iter()
        .any(|gl| &*gl.account_no == "inventory@RED"));
}

#[test]
fn unadjusted_books_break_the_applied_cost_and_idempotence_checks() {
    let accounts = RoleAccounts::new();
    let mut books = Books::new(company(&setup(AverageCostCalcType::Item, true)));
    fifo_history(&mut books, &accounts);
    // The charge has not reached the sales: 9 (the closed receipt does not net to zero with its
    // outbounds), 10 (applied cost) and 13 (items unadjusted, a second run would post).
    assert_eq!(fired(&books), [9, 10, 13]);
    let text = messages(&books).join("\n");
    assert!(
        text.contains("outbound entry 4 costs -6.67 but its applications (2 of 1) come to -8"),
        "{text}"
    );
    assert!(
        text.contains("item FIFO is not marked \"cost is adjusted\""),
        "{text}"
    );
}

#[test]
fn books_whose_adjustment_was_not_posted_to_the_gl_break_3_and_22() {
    let accounts = RoleAccounts::with_location_split(true);
    let mut books = Books::new(company(&setup(AverageCostCalcType::Item, false)));
    fifo_history(&mut books, &accounts);
    adjust(&mut books, false, &accounts);
    // Nothing reached the G/L: the queue waits for "post inventory cost to G/L".
    let text = messages(&books).join("\n");
    assert_eq!(fired(&books), [3, 22], "{text}");
    assert!(text.contains("invariant 3: value entry 1 (location \"BLUE\", inventory posting group RESALE) has actual cost 10 but no Inventory account received any cost"), "{text}");
    assert!(
        text.contains("cogs: G/L total 0 but the sub-ledger projects 12"),
        "{text}"
    );
    books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &accounts);
    assert_eq!(messages(&books), Vec::<String>::new());
}

#[test]
fn an_uninvoiced_receipt_whose_interim_cost_was_not_posted_breaks_4() {
    // Expected cost posting is on in the setup, but the G/L of the receipt was never posted.
    let accounts = RoleAccounts::new();
    let mut books = Books::new(company(&setup(AverageCostCalcType::Item, false)));
    let receipt = line(
        1,
        JournalLineKind::PurchaseReceipt {
            item: "FIFO".into(),
            location: "BLUE".into(),
            quantity: Decimal::from(2),
            direct_unit_cost: Decimal::from(5),
        },
    );
    post(&mut books, vec![receipt], &accounts);
    let text = messages(&books).join("\n");
    assert!(text.contains("invariant 4: Inventory (Interim) accounts hold 0 but expected cost is 10 (expected cost posting on)"), "{text}");
    books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &accounts);
    adjust(&mut books, true, &accounts);
    assert_eq!(messages(&books), Vec::<String>::new());
}

#[test]
fn an_unadjusted_average_period_breaks_11() {
    let accounts = RoleAccounts::new();
    let mut books = Books::new(company(&setup(AverageCostCalcType::Item, true)));
    post(
        &mut books,
        vec![
            purchase(1, "AVG", "BLUE", 1, "10.00"),
            purchase(1, "AVG", "BLUE", 1, "20.00"),
            sale(1, "AVG", "BLUE", 1),
        ],
        &accounts,
    );
    // The sale was valued at the receipt it applies to (10); a charge on the first receipt moves the
    // day's average to 16 and only adjustment gives the sale that.
    post(&mut books, vec![charge(1, 1, "2.00")], &accounts);
    let text = messages(&books).join("\n");
    assert!(text.contains("invariant 11: item AVG, period ending 2024-03-01: outbound entry 3 costs -10 but the period average 16 × -1 is -16"), "{text}");
    adjust(&mut books, true, &accounts);
    assert_eq!(messages(&books), Vec::<String>::new());
}

#[test]
fn a_closed_transfer_receipt_takes_a_rounding_entry_outside_invariant_17() {
    // After adjustment the pair nets to zero (the rounding entry of the closed receipt aside).
    let accounts = RoleAccounts::new();
    let mut books = Books::new(company(&setup(AverageCostCalcType::Item, true)));
    post(
        &mut books,
        vec![
            purchase(1, "FIFO", "BLUE", 3, "10.00"),
            transfer(2, "FIFO", 3),
            sale(3, "FIFO", "RED", 1),
            sale(3, "FIFO", "RED", 1),
            sale(3, "FIFO", "RED", 1),
        ],
        &accounts,
    );
    adjust(&mut books, true, &accounts);
    assert_eq!(messages(&books), Vec::<String>::new());
    let rounding: Vec<_> = books
        .ledger
        .value_entries()
        .iter()
        .filter(|v| v.entry_type == stockpost::ledger::CostEntryType::Rounding)
        .map(|v| (v.item_ledger_entry_no, v.cost_amount_actual))
        .collect();
    assert_eq!(
        rounding,
        [(3, "-0.01".parse().unwrap())],
        "the transfer receipt closes with a rounding entry"
    );
}

/// After every acceptance scenario, settled (adjusted once more and the G/L queue posted), the
/// after-settle invariants hold (3–5, 9–13, 15, 17, 22, 23), and a further adjustment creates
/// nothing.
#[test]
fn every_scenario_settles_with_the_invariants_holding() {
    use stockpost::scenario::{
        load_scenarios, run_scenario, scenario_accounts, EngineCapabilities,
    };
    let folder = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/scenarios"));
    let scenarios = load_scenarios(&[folder]).expect("scenario files are valid");
    assert_eq!(scenarios.len(), 26);
    for scenario in &scenarios {
        let mut books = run_scenario(scenario, EngineCapabilities::CURRENT).books;
        let accounts = scenario_accounts();
        let post_to_gl = books.ledger.config().inventory_setup.automatic_cost_posting;
        books.adjust_cost(&AdjustRequest::default(), post_to_gl, &accounts);
        books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &accounts);
        let violations: Vec<String> = check_after_settle(&books)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(violations, Vec::<String>::new(), "{}", scenario.id());
        let again = books.adjust_cost(&AdjustRequest::default(), post_to_gl, &accounts);
        assert!(
            again.adjustment.value_entry_nos.is_empty(),
            "{}: a second adjustment created entries",
            scenario.id()
        );
    }
}
