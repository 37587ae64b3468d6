//! G/L posting of value entries: the account matrix, delta amounts, expected cost, automatic
//! posting versus the queue, per entry versus per posting group, and idempotence.

mod common;
use common::*;
use rust_decimal::Decimal;
use stockpost::books::Books;
use stockpost::glpost::{CostPostingMode, RoleAccounts};
use stockpost::journal::{JournalLine, JournalLineKind, LineCost};
use stockpost::posting::PostingContext;
use stockpost::rules::AccountRole;

fn books(automatic: bool, expected: bool) -> Books {
    let mut config = company();
    config.inventory_setup.automatic_cost_posting = automatic;
    config.inventory_setup.expected_cost_posting_to_gl = expected;
    Books::new(config)
}

fn post_journal(books: &mut Books, lines: Vec<JournalLine>) {
    let work_date = lines[0].posting_date;
    books
        .post_journal(&lines, &PostingContext { work_date }, &RoleAccounts::new())
        .expect("journal posts");
}

/// (date, account, amount) of every G/L entry.
fn gl_lines(books: &Books) -> Vec<(String, String, Decimal)> {
    books
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

fn invoice(posting_date: &str, receipt: u64, unit_cost: &str) -> JournalLine {
    line(
        posting_date,
        JournalLineKind::PurchaseInvoice {
            receipt_entry_no: receipt,
            quantity: d("1"),
            cost: LineCost::DirectUnitCost(d(unit_cost)),
        },
    )
}

#[test]
fn expected_cost_goes_to_interim_accounts_and_is_reversed_by_the_invoice() {
    // The oracle's case c19: receipt at 95, invoice at 100.
    let mut books = books(true, true);
    post_journal(&mut books, vec![receipt("2020-01-01", "FIFO", "1", "95")]);
    post_journal(&mut books, vec![invoice("2020-01-15", 1, "100")]);
    assert_eq!(
        gl_lines(&books),
        [
            ("2020-01-01".into(), "inventory_interim".into(), d("95")),
            ("2020-01-01".into(), "invt_accrual_interim".into(), d("-95")),
            ("2020-01-15".into(), "inventory_interim".into(), d("-95")),
            ("2020-01-15".into(), "invt_accrual_interim".into(), d("95")),
            ("2020-01-15".into(), "inventory".into(), d("100")),
            ("2020-01-15".into(), "direct_cost_applied".into(), d("-100")),
        ]
    );
    let invoice_entry = books.ledger.value_entry(2).unwrap();
    assert_eq!(
        (
            invoice_entry.expected_cost_posted_to_gl,
            invoice_entry.cost_posted_to_gl
        ),
        (d("-95"), d("100"))
    );
    // Each G/L entry is linked to the value entry it came from.
    let linked: Vec<_> = books
        .general_ledger
        .relations()
        .iter()
        .map(|relation| (relation.gl_entry_no, relation.value_entry_no))
        .collect();
    assert_eq!(linked, [(1, 1), (2, 1), (3, 2), (4, 2), (5, 2), (6, 2)]);
}

#[test]
fn without_expected_cost_posting_only_actual_cost_reaches_the_gl() {
    let mut books = books(true, false);
    post_journal(&mut books, vec![receipt("2020-01-01", "FIFO", "1", "95")]);
    assert!(books.general_ledger.entries().is_empty());
    post_journal(&mut books, vec![invoice("2020-01-15", 1, "100")]);
    assert_eq!(
        gl_lines(&books),
        [
            ("2020-01-15".into(), "inventory".into(), d("100")),
            ("2020-01-15".into(), "direct_cost_applied".into(), d("-100")),
        ]
    );
    assert_eq!(
        books
            .ledger
            .value_entry(2)
            .unwrap()
            .expected_cost_posted_to_gl,
        d("0")
    );
}

#[test]
fn sale_credits_inventory_and_debits_cogs() {
    let mut books = books(true, false);
    post_journal(
        &mut books,
        vec![
            purchase("2020-01-01", "FIFO", "10", "7.5"),
            sale("2020-01-02", "FIFO", "4"),
        ],
    );
    assert_eq!(balance(&books, "inventory"), d("45.00"));
    assert_eq!(balance(&books, "cogs"), d("30.00"));
    assert_eq!(balance(&books, "direct_cost_applied"), d("-75.00"));
}

#[test]
fn queue_waits_for_post_inventory_cost_and_a_second_run_posts_nothing() {
    let mut per_entry = books(false, true);
    let journal = vec![
        purchase("2020-01-01", "FIFO", "2", "10"),
        shipment("2020-01-02", "FIFO", "1"),
        receipt("2020-01-02", "LIFO", "3", "4"),
    ];
    post_journal(&mut per_entry, journal.clone());
    assert!(per_entry.general_ledger.entries().is_empty());
    assert_eq!(
        per_entry
            .general_ledger
            .queue()
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    let first =
        per_entry.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &RoleAccounts::new());
    assert_eq!(
        (
            first.posted_value_entries,
            first.gl_entries_created,
            first.skipped.len()
        ),
        (3, 6, 0)
    );
    assert!(per_entry.general_ledger.queue().is_empty());
    let second =
        per_entry.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &RoleAccounts::new());
    assert_eq!(
        (second.posted_value_entries, second.gl_entries_created),
        (0, 0)
    );
    assert_eq!(per_entry.general_ledger.entries().len(), 6);

    let mut per_group = books(false, true);
    post_journal(&mut per_group, journal);
    let grouped = per_group.post_inventory_cost_to_gl(
        CostPostingMode::PerPostingGroup {
            document_no: "INVT-0001".into(),
        },
        &RoleAccounts::new(),
    );
    assert_eq!(grouped.posted_value_entries, 3);
    // Same balances per (date, account) both ways.
    let totals = |books: &Books| {
        let mut totals = std::collections::BTreeMap::new();
        for entry in books.general_ledger.entries() {
            *totals
                .entry((entry.posting_date, entry.account_no.to_string()))
                .or_insert(Decimal::ZERO) += entry.amount;
        }
        totals
    };
    assert_eq!(totals(&per_entry), totals(&per_group));
    assert!(per_group
        .general_ledger
        .entries()
        .iter()
        .all(|entry| &*entry.document_no == "INVT-0001"));
}

#[test]
fn per_posting_group_compresses_lines_with_the_same_key() {
    let mut books = books(false, false);
    post_journal(
        &mut books,
        vec![
            purchase("2020-01-01", "FIFO", "1", "10"),
            purchase("2020-01-01", "FIFO", "1", "20"),
        ],
    );
    books.post_inventory_cost_to_gl(
        CostPostingMode::PerPostingGroup {
            document_no: "INVT-1".into(),
        },
        &RoleAccounts::new(),
    );
    assert_eq!(
        gl_lines(&books),
        [
            ("2020-01-01".into(), "inventory".into(), d("30")),
            ("2020-01-01".into(), "direct_cost_applied".into(), d("-30")),
        ]
    );
    let linked: Vec<_> = books
        .general_ledger
        .relations()
        .iter()
        .map(|relation| (relation.gl_entry_no, relation.value_entry_no))
        .collect();
    assert_eq!(linked, [(1, 1), (1, 2), (2, 1), (2, 2)]);
}

#[test]
fn automatic_posting_with_a_missing_account_rejects_the_whole_batch() {
    let mut books = books(true, false);
    let lines = vec![
        purchase("2020-01-01", "FIFO", "1", "10"),
        sale("2020-01-02", "FIFO", "1"),
    ];
    let error = books
        .post_journal(
            &lines,
            &PostingContext {
                work_date: date("2020-01-02"),
            },
            &MissingRole(AccountRole::Cogs),
        )
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "test.csv:2: field `accounts`: cannot post value entry 2 (sale direct_cost of item FIFO) to the G/L: no cogs account for this key"
    );
    assert!(books.ledger.item_ledger_entries().is_empty());
    assert!(books.general_ledger.entries().is_empty());
}

#[test]
fn batch_posting_skips_entries_without_account_and_keeps_them_queued() {
    let mut books = books(false, false);
    post_journal(
        &mut books,
        vec![
            purchase("2020-01-01", "FIFO", "1", "10"),
            sale("2020-01-02", "FIFO", "1"),
        ],
    );
    let result =
        books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &MissingRole(AccountRole::Cogs));
    assert_eq!(result.posted_value_entries, 1);
    assert_eq!(result.skipped.len(), 1);
    assert_eq!(
        (
            result.skipped[0].value_entry_no,
            result.skipped[0].reason.as_str()
        ),
        (2, "no cogs account for this key")
    );
    assert_eq!(
        books
            .general_ledger
            .queue()
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        [2]
    );
    let retry = books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &RoleAccounts::new());
    assert_eq!((retry.posted_value_entries, retry.skipped.len()), (1, 0));
    assert_eq!(balance(&books, "cogs"), d("10"));
}
