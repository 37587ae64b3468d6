//! Each cause of a reconciliation difference, built on purpose: its exact amount, the entries
//! behind it, and nothing left unexplained.

mod common;

use common::*;
use rust_decimal::Decimal;
use stockpost::adjust::{AdjustRequest, ItemSelection};
use stockpost::books::Books;
use stockpost::glpost::{AccountResolver, CostPostingMode, ResolvedAccount, RoleAccounts};
use stockpost::journal::{JournalLine, JournalLineKind, LineCost};
use stockpost::ledger::{Ledger, ValueEntry};
use stockpost::posting::PostingContext;
use stockpost::recon::{
    parse_trial_balance, Cause, CellKey, EntryRef, Explanation, Period, ReconciliationReport,
    ReconciliationState, ReportFilter, SharedAccount, WaitingForAdjustment,
};
use stockpost::rules::AccountRole;

fn books(automatic: bool, expected: bool) -> Books {
    let mut config = company();
    config.inventory_setup.automatic_cost_posting = automatic;
    config.inventory_setup.expected_cost_posting_to_gl = expected;
    Books::new(config)
}

fn post_with(books: &mut Books, accounts: &dyn AccountResolver, lines: Vec<JournalLine>) {
    let work_date = lines[0].posting_date;
    books
        .post_journal(&lines, &PostingContext { work_date }, accounts)
        .expect("journal posts");
}

fn post_journal(books: &mut Books, lines: Vec<JournalLine>) {
    post_with(books, &RoleAccounts::new(), lines);
}

fn report(
    books: &Books,
    accounts: &dyn AccountResolver,
    filter: &ReportFilter,
) -> ReconciliationReport {
    ReconciliationState::from_books(books, accounts).report(books, accounts, filter)
}

fn all(books: &Books) -> ReconciliationReport {
    report(books, &RoleAccounts::new(), &ReportFilter::default())
}

/// The cell of a role on the account named after it (blank location, group RESALE).
fn key(role: AccountRole) -> CellKey {
    key_on(role, Some(role.name()))
}

fn key_on(role: AccountRole, account_no: Option<&str>) -> CellKey {
    CellKey {
        role,
        account_no: account_no.map(Into::into),
        location: "".into(),
        inventory_posting_group: "RESALE".into(),
    }
}

/// (sub-ledger, G/L, difference, unexplained) of a cell.
fn figures(report: &ReconciliationReport, key: &CellKey) -> (Decimal, Decimal, Decimal, Decimal) {
    let cell = report
        .cell(key)
        .unwrap_or_else(|| panic!("no cell {key:?}"));
    (
        cell.sub_ledger,
        cell.general_ledger,
        cell.difference,
        cell.unexplained,
    )
}

fn explanations(report: &ReconciliationReport, key: &CellKey) -> Vec<Explanation> {
    report.cell(key).expect("cell exists").explanations.clone()
}

fn explained(cause: Cause, amount: &str, entries: Vec<EntryRef>) -> Explanation {
    Explanation {
        cause,
        amount: d(amount),
        note_amount: Decimal::ZERO,
        entries,
    }
}

use EntryRef::{GlEntry, TrialBalanceLine, ValueEntry as Ve};

#[test]
fn queued_entries_explain_the_difference_until_posted() {
    let mut books = books(false, false);
    post_journal(
        &mut books,
        vec![
            purchase("2020-01-01", "FIFO", "2", "10"),
            sale("2020-01-02", "FIFO", "1"),
        ],
    );
    let mut state = ReconciliationState::from_books(&books, &RoleAccounts::new());
    let before = state.report(&books, &RoleAccounts::new(), &ReportFilter::default());
    let inventory = key(AccountRole::Inventory);
    assert_eq!(
        figures(&before, &inventory),
        (d("10"), d("0"), d("-10"), d("0"))
    );
    assert_eq!(
        explanations(&before, &inventory),
        [explained(Cause::NotYetPosted, "-10", vec![Ve(1), Ve(2)])]
    );
    let applied = key(AccountRole::DirectCostApplied);
    assert_eq!(
        figures(&before, &applied),
        (d("-20"), d("0"), d("20"), d("0"))
    );
    let cogs = key(AccountRole::Cogs);
    assert_eq!(
        explanations(&before, &cogs),
        [explained(Cause::NotYetPosted, "-10", vec![Ve(2)])]
    );
    assert!(!before.is_reconciled() && before.is_explained());

    books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &RoleAccounts::new());
    state.apply_new_entries(&books, &RoleAccounts::new());
    let after = state.report(&books, &RoleAccounts::new(), &ReportFilter::default());
    assert_eq!(
        figures(&after, &inventory),
        (d("10"), d("10"), d("0"), d("0"))
    );
    assert!(after.is_reconciled() && after.is_explained());
    assert_eq!(after.cell(&inventory).unwrap().gl_entries, [1, 3]);
    assert_eq!(after.cell(&inventory).unwrap().value_entries, [1, 2]);
}

#[test]
fn skipped_entries_are_explained_with_their_reason() {
    let mut books = books(false, false);
    post_journal(
        &mut books,
        vec![
            purchase("2020-01-01", "FIFO", "2", "10"),
            sale("2020-01-02", "FIFO", "1"),
        ],
    );
    let missing = MissingRole(AccountRole::Cogs);
    let result = books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &missing);
    assert_eq!(result.skipped.len(), 1);
    let report = report(&books, &missing, &ReportFilter::default());
    let skipped = Cause::Skipped {
        reason: "no cogs account for this key".into(),
    };
    let inventory = key(AccountRole::Inventory);
    assert_eq!(
        figures(&report, &inventory),
        (d("10"), d("20"), d("10"), d("0"))
    );
    assert_eq!(
        explanations(&report, &inventory),
        [explained(skipped.clone(), "10", vec![Ve(2)])]
    );
    let unmapped = key_on(AccountRole::Cogs, None);
    assert_eq!(
        figures(&report, &unmapped),
        (d("10"), d("0"), d("-10"), d("0"))
    );
    assert_eq!(
        explanations(&report, &unmapped),
        [explained(skipped, "-10", vec![Ve(2)])]
    );
    assert!(report.is_explained());
}

#[test]
fn entries_dated_before_the_allowed_period_are_skipped_with_that_reason() {
    let mut books = books(false, false);
    post_journal(&mut books, vec![purchase("2020-01-01", "FIFO", "1", "10")]);
    books
        .ledger
        .set_allow_posting_from(Some(date("2020-02-01")));
    let report = all(&books);
    let skipped = Cause::Skipped {
        reason: "posting date 2020-01-01 is not open for posting".into(),
    };
    assert_eq!(
        explanations(&report, &key(AccountRole::Inventory)),
        [explained(skipped, "-10", vec![Ve(1)])]
    );
    assert!(report.is_explained() && !report.is_reconciled());
}

fn receipt_invoice(
    posting_date: &str,
    receipt: u64,
    quantity: &str,
    unit_cost: &str,
) -> JournalLine {
    line(
        posting_date,
        JournalLineKind::PurchaseInvoice {
            receipt_entry_no: receipt,
            quantity: d(quantity),
            cost: LineCost::DirectUnitCost(d(unit_cost)),
        },
    )
}

#[test]
fn expected_cost_not_posted_when_expected_cost_posting_is_off() {
    let mut books = books(true, false);
    post_journal(&mut books, vec![receipt("2020-01-01", "FIFO", "2", "10")]);
    post_journal(
        &mut books,
        vec![receipt_invoice("2020-01-05", 1, "1", "10")],
    );
    let report = all(&books);
    let interim = key(AccountRole::InventoryInterim);
    // Receipt +20 expected, invoice reverses 10 of it: 10 received, not invoiced.
    assert_eq!(
        figures(&report, &interim),
        (d("10"), d("0"), d("-10"), d("0"))
    );
    assert_eq!(
        explanations(&report, &interim),
        [explained(
            Cause::ExpectedCostPostingOff,
            "-10",
            vec![Ve(1), Ve(2)]
        )]
    );
    let accrual = key(AccountRole::InvtAccrualInterim);
    assert_eq!(
        figures(&report, &accrual),
        (d("-10"), d("0"), d("10"), d("0"))
    );
    let inventory = key(AccountRole::Inventory);
    assert_eq!(
        figures(&report, &inventory),
        (d("10"), d("10"), d("0"), d("0"))
    );
    assert!(report.warnings[0].starts_with("expected cost posting to G/L is off"));
    assert!(report.is_explained() && !report.is_reconciled());
    // As of the receipt date, the invoice is not in the period.
    let as_of = ReportFilter {
        period: Period::AsOf(date("2020-01-01")),
        ..ReportFilter::default()
    };
    let early = self::report(&books, &RoleAccounts::new(), &as_of);
    assert_eq!(
        figures(&early, &interim),
        (d("20"), d("0"), d("-20"), d("0"))
    );
}

fn charge(posting_date: &str, amount: &str, entries: Vec<u64>) -> JournalLine {
    line(
        posting_date,
        JournalLineKind::ItemCharge {
            item_charge_no: "FREIGHT".into(),
            amount: d(amount),
            assign_to_entry_nos: entries,
        },
    )
}

#[test]
fn entries_waiting_for_cost_adjustment_are_listed_without_an_amount() {
    let mut books = books(true, false);
    post_journal(&mut books, vec![purchase("2020-01-01", "FIFO", "1", "10")]);
    post_journal(&mut books, vec![sale("2020-01-02", "FIFO", "1")]);
    post_journal(&mut books, vec![charge("2020-01-03", "5", vec![1])]);
    let report = all(&books);
    assert_eq!(
        report.waiting_for_adjustment,
        [WaitingForAdjustment {
            item_no: "FIFO".into(),
            item_ledger_entries: vec![1],
        }]
    );
    // Both sides hold the provisional cost: no difference until adjustment runs.
    assert!(report.is_reconciled() && report.is_explained());
    let request = AdjustRequest {
        items: ItemSelection::All,
        online: false,
    };
    books.adjust_cost(&request, true, &RoleAccounts::new());
    let adjusted = all(&books);
    assert_eq!(adjusted.waiting_for_adjustment, []);
    assert!(adjusted.is_reconciled());
    assert_eq!(figures(&adjusted, &key(AccountRole::Cogs)).0, d("15"));
}

/// Inventory and Inventory (Interim) on one account, 1300.
struct SharedInventory;

impl AccountResolver for SharedInventory {
    fn account(
        &self,
        ledger: &Ledger,
        entry: &ValueEntry,
        role: AccountRole,
    ) -> Result<ResolvedAccount, String> {
        let mut resolved = RoleAccounts::new().account(ledger, entry, role)?;
        if matches!(role, AccountRole::Inventory | AccountRole::InventoryInterim) {
            resolved.account_no = "1300".into();
        }
        Ok(resolved)
    }
}

#[test]
fn an_account_shared_by_two_roles_counts_under_both_and_is_explained() {
    let mut books = books(true, true);
    post_with(
        &mut books,
        &SharedInventory,
        vec![receipt("2020-01-01", "FIFO", "2", "10")],
    );
    post_with(
        &mut books,
        &SharedInventory,
        vec![receipt_invoice("2020-01-05", 1, "1", "10")],
    );
    let report = report(&books, &SharedInventory, &ReportFilter::default());
    assert_eq!(
        report.shared_accounts,
        [SharedAccount {
            account_no: "1300".into(),
            roles: vec![AccountRole::Inventory, AccountRole::InventoryInterim],
        }]
    );
    // G/L 1300: +20 interim (receipt), −10 interim and +10 inventory (invoice).
    let inventory = key_on(AccountRole::Inventory, Some("1300"));
    assert_eq!(
        figures(&report, &inventory),
        (d("10"), d("20"), d("10"), d("0"))
    );
    let posted_as_interim = Cause::SharedAccount {
        posted_as: AccountRole::InventoryInterim,
    };
    assert_eq!(
        explanations(&report, &inventory),
        [explained(
            posted_as_interim,
            "10",
            vec![GlEntry(1), GlEntry(3)]
        )]
    );
    let interim = key_on(AccountRole::InventoryInterim, Some("1300"));
    assert_eq!(
        figures(&report, &interim),
        (d("10"), d("20"), d("10"), d("0"))
    );
    let posted_as_inventory = Cause::SharedAccount {
        posted_as: AccountRole::Inventory,
    };
    assert_eq!(
        explanations(&report, &interim),
        [explained(posted_as_inventory, "10", vec![GlEntry(5)])]
    );
    // Each role's own G/L entries agree with its sub-ledger: the books reconcile, though no
    // cell's difference is zero (spec §8.3 expects zeros only with dedicated accounts).
    assert!(report.is_explained() && report.is_reconciled());
    assert!(!report.every_difference_is_zero());
    assert_eq!(
        ReconciliationState::from_books(&books, &SharedInventory).differences(),
        []
    );
}

#[test]
fn a_shared_account_does_not_hide_a_real_difference() {
    // Automatic cost posting off: the invoice's value entry waits in the queue, so the shared
    // account 1300 holds the receipt's interim +20 and nothing of the invoice.
    let mut books = books(false, true);
    post_with(
        &mut books,
        &SharedInventory,
        vec![receipt("2020-01-01", "FIFO", "2", "10")],
    );
    let posted = books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &SharedInventory);
    assert!(posted.skipped.is_empty());
    post_with(
        &mut books,
        &SharedInventory,
        vec![receipt_invoice("2020-01-05", 1, "1", "10")],
    );
    let report = report(&books, &SharedInventory, &ReportFilter::default());
    assert!(report.is_explained() && !report.is_reconciled());
    let inventory = report
        .cell(&key_on(AccountRole::Inventory, Some("1300")))
        .expect("an inventory cell");
    // Sub-ledger +10 (the invoiced unit), G/L +20 (all posted as interim): the +20 is the
    // shared part, the −10 not yet posted is the real difference.
    assert_eq!(inventory.difference_beyond_shared_account(), d("-10"));
    let differences = ReconciliationState::from_books(&books, &SharedInventory).differences();
    let by_role: Vec<(AccountRole, Option<&str>, Decimal)> = differences
        .iter()
        .map(|(key, amount)| (key.role, key.account_no.as_deref(), *amount))
        .collect();
    // The invoice's value entry waits in the queue: actual cost +10 on inventory and direct cost
    // applied, the reversal of expected cost −10 on the interim accounts.
    assert_eq!(
        by_role,
        [
            (AccountRole::Inventory, Some("1300"), d("-10")),
            (AccountRole::InventoryInterim, Some("1300"), d("10")),
            (
                AccountRole::InvtAccrualInterim,
                Some("invt_accrual_interim"),
                d("-10")
            ),
            (
                AccountRole::DirectCostApplied,
                Some("direct_cost_applied"),
                d("10")
            ),
        ]
    );
}

/// The rules after a change: Inventory now goes to `inventory-new`.
struct MovedInventory;

impl AccountResolver for MovedInventory {
    fn account(
        &self,
        ledger: &Ledger,
        entry: &ValueEntry,
        role: AccountRole,
    ) -> Result<ResolvedAccount, String> {
        let mut resolved = RoleAccounts::new().account(ledger, entry, role)?;
        if role == AccountRole::Inventory {
            resolved.account_no = "inventory-new".into();
        }
        Ok(resolved)
    }
}

#[test]
fn balances_left_on_accounts_no_longer_mapped_are_a_rule_change() {
    let mut books = books(true, false);
    post_journal(&mut books, vec![purchase("2020-01-01", "FIFO", "2", "10")]);
    post_with(
        &mut books,
        &MovedInventory,
        vec![sale("2020-01-02", "FIFO", "1")],
    );
    let report = report(&books, &MovedInventory, &ReportFilter::default());
    let old = key_on(AccountRole::Inventory, Some("inventory"));
    assert_eq!(figures(&report, &old), (d("0"), d("20"), d("20"), d("0")));
    assert_eq!(
        explanations(&report, &old),
        [explained(Cause::RuleChange, "20", vec![GlEntry(1)])]
    );
    let new = key_on(AccountRole::Inventory, Some("inventory-new"));
    assert_eq!(
        figures(&report, &new),
        (d("10"), d("-10"), d("-20"), d("0"))
    );
    assert_eq!(
        explanations(&report, &new),
        [explained(Cause::RuleChange, "-20", vec![GlEntry(1)])]
    );
    let total = report
        .role(AccountRole::Inventory)
        .expect("inventory total");
    assert_eq!((total.difference, total.unexplained), (d("0"), d("0")));
}

#[test]
fn an_outside_trial_balance_reveals_direct_postings() {
    let mut books = books(true, false);
    post_journal(&mut books, vec![purchase("2020-01-10", "FIFO", "1", "10")]);
    let csv = "account,from,to,balance\n\
               inventory,,2020-01-31,15.50\n\
               direct_cost_applied,,2020-01-31,-10\n\
               sales,,2020-01-31,-99\n\
               inventory,2020-01-01,2020-01-31,15.50\n";
    let trial_balance = parse_trial_balance("tb.csv", csv).expect("trial balance parses");
    let filter = ReportFilter {
        period: Period::AsOf(date("2020-01-31")),
        trial_balance: Some(trial_balance),
        ..ReportFilter::default()
    };
    let report = report(&books, &RoleAccounts::new(), &filter);
    let outside = CellKey {
        location: "(outside)".into(),
        inventory_posting_group: "".into(),
        ..key(AccountRole::Inventory)
    };
    assert_eq!(
        figures(&report, &outside),
        (d("0"), d("5.50"), d("5.50"), d("0"))
    );
    assert_eq!(
        explanations(&report, &outside),
        [explained(
            Cause::DirectPosting,
            "5.50",
            vec![TrialBalanceLine(2)]
        )]
    );
    let total = report
        .role(AccountRole::Inventory)
        .expect("inventory total");
    assert_eq!(
        (total.general_ledger, total.difference),
        (d("15.50"), d("5.50"))
    );
    assert!(report
        .cell(&CellKey {
            role: AccountRole::DirectCostApplied,
            ..outside.clone()
        })
        .is_none());
    assert_eq!(
        report.warnings,
        [
            "tb.csv line 4: account sales is not mapped to any inventory role; line ignored",
            "tb.csv line 5: trial balance period 2020-01-01..2020-01-31 is not the report period as of 2020-01-31; line ignored",
        ]
    );
    assert!(report.is_explained() && !report.is_reconciled());
}

#[test]
fn trial_balance_errors_name_the_line_and_field() {
    let error = |text: &str| parse_trial_balance("tb.csv", text).unwrap_err().to_string();
    assert_eq!(
        error("account,to,balance\n1200,2020-01-31,5\n"),
        "tb.csv line 1, field `from`: column `from` is missing; the header must name account,from,to,balance"
    );
    assert_eq!(
        error("account,from,to,balance\n1200,,31.01.2020,5\n"),
        "tb.csv line 2, field `to`: `31.01.2020` is not a date; write YYYY-MM-DD"
    );
    assert_eq!(
        error("account,from,to,balance\n1200,,2020-01-31,5,00\n"),
        "tb.csv line 2, field `record`: the line has 5 fields and the header 4; write balances with a decimal point and no thousands separator"
    );
    assert_eq!(
        error("account,from,to,balance\n1200,2020-02-01,2020-01-31,5\n"),
        "tb.csv line 2, field `from`: `from` is after `to`"
    );
    assert_eq!(
        error("account,from,to,balance\n1200,,2020-01-31,abc\n"),
        "tb.csv line 2, field `balance`: `abc` is not a decimal number (write 1234.56, debit positive)"
    );
}

#[test]
fn adjustments_dated_after_the_period_are_shown_when_the_period_cuts_between() {
    let mut books = books(true, false);
    post_journal(&mut books, vec![purchase("2020-01-10", "FIFO", "1", "10")]);
    post_journal(&mut books, vec![sale("2020-01-15", "FIFO", "1")]);
    books
        .ledger
        .set_allow_posting_from(Some(date("2020-02-01")));
    post_journal(&mut books, vec![charge("2020-02-05", "5", vec![1])]);
    let request = AdjustRequest {
        items: ItemSelection::All,
        online: false,
    };
    books.adjust_cost(&request, true, &RoleAccounts::new());
    let adjustment = books
        .ledger
        .value_entries()
        .last()
        .expect("adjustment")
        .clone();
    assert!(adjustment.adjustment);
    assert_eq!(adjustment.posting_date, date("2020-02-01"));
    let january = ReportFilter {
        period: Period::AsOf(date("2020-01-31")),
        ..ReportFilter::default()
    };
    let report = report(&books, &RoleAccounts::new(), &january);
    let cogs = key(AccountRole::Cogs);
    assert_eq!(figures(&report, &cogs), (d("10"), d("10"), d("0"), d("0")));
    assert_eq!(
        explanations(&report, &cogs),
        [Explanation {
            cause: Cause::PostingDateMoved,
            amount: Decimal::ZERO,
            note_amount: d("5"),
            entries: vec![Ve(adjustment.entry_no)],
        }]
    );
    assert!(report.is_reconciled() && report.is_explained());
    let february = ReportFilter {
        period: Period::AsOf(date("2020-02-28")),
        ..ReportFilter::default()
    };
    let later = self::report(&books, &RoleAccounts::new(), &february);
    assert_eq!(explanations(&later, &cogs), []);
    assert_eq!(figures(&later, &cogs).0, d("15"));
}

#[test]
fn location_and_account_filters_and_date_ranges() {
    let mut books = books(true, false);
    let split = RoleAccounts::with_location_split(true);
    let transfer = line(
        "2020-01-05",
        JournalLineKind::Transfer {
            item: "FIFO".into(),
            from_location: "BLUE".into(),
            to_location: "RED".into(),
            quantity: d("1"),
        },
    );
    let mut blue = purchase("2020-01-01", "FIFO", "2", "10");
    if let JournalLineKind::Purchase { location, .. } = &mut blue.kind {
        *location = "BLUE".into();
    }
    post_with(&mut books, &split, vec![blue]);
    post_with(&mut books, &split, vec![transfer]);
    let red_only = ReportFilter {
        location: Some("RED".into()),
        ..ReportFilter::default()
    };
    let report = report(&books, &split, &red_only);
    assert!(report.cells.iter().all(|cell| &*cell.key.location == "RED"));
    let red = CellKey {
        location: "RED".into(),
        ..key_on(AccountRole::Inventory, Some("inventory@RED"))
    };
    assert_eq!(figures(&report, &red), (d("10"), d("10"), d("0"), d("0")));
    let range = ReportFilter {
        period: Period::Range {
            from: date("2020-01-02"),
            to: date("2020-01-31"),
        },
        account_no: Some("inventory@BLUE".into()),
        ..ReportFilter::default()
    };
    let january = self::report(&books, &split, &range);
    assert_eq!(january.cells.len(), 1);
    assert_eq!(january.cells[0].sub_ledger, d("-10"));
    assert_eq!(january.cells[0].general_ledger, d("-10"));
    assert!(january.is_reconciled());
}

#[test]
fn mapped_accounts_that_allow_direct_posting_are_warned_about() {
    let mut books = books(true, false);
    post_journal(&mut books, vec![purchase("2020-01-10", "FIFO", "1", "10")]);
    let chart = stockpost::chart::ChartOfAccounts::parse(
        "accounts.toml",
        "[[account]]\nno = \"inventory\"\nname = \"Inventory\"\ntype = \"asset\"\n\n\
         [[account]]\nno = \"direct_cost_applied\"\nname = \"DCA\"\ntype = \"expense\"\n\
         direct_posting_allowed = false\n",
    )
    .expect("chart parses");
    let filter = ReportFilter {
        chart: Some(chart),
        ..ReportFilter::default()
    };
    let report = report(&books, &RoleAccounts::new(), &filter);
    assert_eq!(
        report.warnings,
        [
            "account inventory (inventory) allows direct posting: manual journals can reach it \
          without the sub-ledger; pass the real G/L's trial balance to find them"
        ]
    );
}
