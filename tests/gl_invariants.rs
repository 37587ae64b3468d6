//! G/L invariants of spec §9 (1, 2, 14, 18, 19, 20, 21) over every acceptance scenario, the
//! per-entry versus per-posting-group replay of invariant 14, and tests showing that the checks
//! fire when the books break them (as far as the public API can produce such books; the rest is
//! shown by the unit tests in `src/glpost/invariants.rs`).

mod common;

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chrono::NaiveDate;
use common::{company, d, line, purchase};
use rust_decimal::Decimal;
use stockpost::books::Books;
use stockpost::glpost::invariants::{
    check_cost_posting_idempotent, check_general_ledger, check_settled_general_ledger,
};
use stockpost::glpost::{
    AccountResolver, CostPostingMode, GeneralLedger, ResolvedAccount, RoleAccounts,
};
use stockpost::journal::{JournalLine, JournalLineKind, LineCost};
use stockpost::ledger::invariants::InvariantViolation;
use stockpost::ledger::{DimensionSetId, Ledger, ValueEntry};
use stockpost::posting::PostingContext;
use stockpost::rules::AccountRole;
use stockpost::scenario::model::StepOp;
use stockpost::scenario::{
    load_scenarios, run_scenario, scenario_accounts, EngineCapabilities, Scenario,
};

fn scenarios() -> Vec<Scenario> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    load_scenarios(&[folder]).expect("scenario files are valid")
}

/// Runs a scenario and posts whatever is still queued, as the G/L side of settling.
fn run_and_post(scenario: &Scenario) -> Books {
    let mut books = run_scenario(scenario, EngineCapabilities::CURRENT).books;
    let result = books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &scenario_accounts());
    assert_eq!(result.skipped, [], "{}: entries skipped", scenario.id());
    books
}

fn shown(violations: &[InvariantViolation]) -> Vec<String> {
    violations.iter().map(ToString::to_string).collect()
}

#[test]
fn every_scenario_keeps_the_gl_invariants() {
    let (mut gl_entries, mut relations) = (0, 0);
    for scenario in &scenarios() {
        let books = run_and_post(scenario);
        let violations = check_general_ledger(&books, &scenario_accounts());
        assert_eq!(
            shown(&violations),
            Vec::<String>::new(),
            "{}",
            scenario.id()
        );
        let settled = check_settled_general_ledger(&books, &BTreeSet::new());
        assert_eq!(shown(&settled), Vec::<String>::new(), "{}", scenario.id());
        gl_entries += books.general_ledger.entries().len();
        relations += books.general_ledger.relations().len();
    }
    // What the checks above read (cost adjustment included): pinned so that a run that posts
    // nothing cannot pass them silently.
    assert_eq!((gl_entries, relations), (GL_ENTRIES, GL_ENTRIES));
}

/// G/L entries over all 26 scenarios, posted per entry: one relation each.
const GL_ENTRIES: usize = 292;

/// Net balance per (posting date, account, dimension set).
type Balances = BTreeMap<(NaiveDate, String, DimensionSetId), Decimal>;

fn balances(general_ledger: &GeneralLedger) -> Balances {
    let mut sums = Balances::new();
    for entry in general_ledger.entries() {
        let key = (
            entry.posting_date,
            entry.account_no.to_string(),
            entry.dimension_set,
        );
        *sums.entry(key).or_default() += entry.amount;
    }
    sums
}

/// The scenario with automatic cost posting off and no "post inventory cost" steps, so that
/// every value entry waits in the queue until the end.
fn queued_variant(scenario: &Scenario) -> Scenario {
    let mut queued = scenario.clone();
    queued.file.setup.automatic_cost_posting = false;
    queued
        .steps
        .retain(|step| step.step.op != StepOp::PostInventoryCostToGl);
    queued
}

#[test]
fn per_entry_and_per_posting_group_posting_give_the_same_balances() {
    let accounts = scenario_accounts();
    let mut compressed_somewhere = false;
    for scenario in &scenarios() {
        let id = scenario.id();
        let reference = balances(&run_and_post(scenario).general_ledger);
        let queued = run_scenario(&queued_variant(scenario), EngineCapabilities::CURRENT).books;
        let mut per_entry = queued.clone();
        per_entry.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &accounts);
        let mut per_group = queued;
        let mode = CostPostingMode::PerPostingGroup {
            document_no: "INVT-COST-1".into(),
        };
        let result = per_group.post_inventory_cost_to_gl(mode, &accounts);
        assert_eq!(result.skipped, [], "{id}");
        assert_eq!(
            balances(&per_entry.general_ledger),
            reference,
            "{id}: per entry"
        );
        assert_eq!(
            balances(&per_group.general_ledger),
            reference,
            "{id}: per posting group"
        );
        let violations = check_general_ledger(&per_group, &accounts);
        assert_eq!(shown(&violations), Vec::<String>::new(), "{id}");
        let settled = check_settled_general_ledger(&per_group, &BTreeSet::new());
        assert_eq!(shown(&settled), Vec::<String>::new(), "{id}");
        let (entries, compressed) = (
            per_entry.general_ledger.entries().len(),
            per_group.general_ledger.entries().len(),
        );
        assert!(compressed <= entries, "{id}: {compressed} > {entries}");
        compressed_somewhere |= compressed < entries;
    }
    // Some scenario has lines that share a posting-group key, so compression is exercised.
    assert!(compressed_somewhere);
}

// ----- each check fires ---------------------------------------------------------------------

fn books(automatic: bool) -> Books {
    let mut config = company();
    config.inventory_setup.automatic_cost_posting = automatic;
    Books::new(config)
}

fn post(books: &mut Books, line: JournalLine, accounts: &dyn AccountResolver) {
    let context = PostingContext {
        work_date: line.posting_date,
    };
    books
        .post_journal(&[line], &context, accounts)
        .expect("journal posts");
}

/// Purchase 2 FIFO @ 10 at BLUE on 01-01, sale 1 at BLUE on 01-10, posted automatically with
/// per-location inventory accounts.
fn purchase_and_sale() -> Books {
    let mut books = books(true);
    let accounts = scenario_accounts();
    let bought = line(
        "2020-01-01",
        JournalLineKind::Purchase {
            item: "FIFO".into(),
            location: "BLUE".into(),
            quantity: d("2"),
            cost: LineCost::DirectUnitCost(d("10")),
        },
    );
    let sold = line(
        "2020-01-10",
        JournalLineKind::Sale {
            item: "FIFO".into(),
            location: "BLUE".into(),
            quantity: d("1"),
            unit_price: d("25"),
            applies_to_entry_no: None,
        },
    );
    post(&mut books, bought, &accounts);
    post(&mut books, sold, &accounts);
    books
}

#[test]
fn checking_with_another_resolver_than_the_one_posted_with_breaks_invariant_18() {
    let books = purchase_and_sale();
    assert_eq!(
        shown(&check_general_ledger(&books, &scenario_accounts())),
        Vec::<String>::new()
    );
    let violations = check_general_ledger(&books, &RoleAccounts::new());
    assert_eq!(
        shown(&violations),
        [
            "invariant 18: G/L entry 1 posts 20.00 to account inventory@BLUE as inventory for \
             value entry 1 (purchase direct_cost), but the resolver gives account inventory for inventory",
            "invariant 18: G/L entry 3 posts -10.00 to account inventory@BLUE as inventory for \
             value entry 2 (sale direct_cost), but the resolver gives account inventory for inventory",
        ]
    );
}

#[test]
fn unposted_value_entries_break_invariant_2_unless_deliberately_skipped() {
    let mut books = books(false);
    post(
        &mut books,
        purchase("2020-01-01", "FIFO", "2", "10"),
        &RoleAccounts::new(),
    );
    // Nothing is wrong with the G/L as such: it just has not been posted yet.
    assert_eq!(
        shown(&check_general_ledger(&books, &RoleAccounts::new())),
        Vec::<String>::new()
    );
    assert_eq!(
        shown(&check_settled_general_ledger(&books, &BTreeSet::new())),
        [
            "invariant 2: value entry 1: cost posted to G/L 0.00 but cost amount (actual) 20.00",
            "invariant 2: value entry 1 is still queued for G/L posting",
        ]
    );
    let skipped = BTreeSet::from([1]);
    assert_eq!(
        shown(&check_settled_general_ledger(&books, &skipped)),
        Vec::<String>::new()
    );
    books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &RoleAccounts::new());
    assert_eq!(
        shown(&check_settled_general_ledger(&books, &BTreeSet::new())),
        Vec::<String>::new()
    );
}

/// A resolver that has no account for the first `failures` questions, then answers like
/// [`RoleAccounts`]: a mapping fixed between two runs.
struct FixedAfter {
    failures: Cell<u32>,
}

impl AccountResolver for FixedAfter {
    fn account(
        &self,
        ledger: &Ledger,
        entry: &ValueEntry,
        role: AccountRole,
    ) -> Result<ResolvedAccount, String> {
        if self.failures.get() > 0 {
            self.failures.set(self.failures.get() - 1);
            return Err(format!("no {role} account set up yet"));
        }
        RoleAccounts::new().account(ledger, entry, role)
    }
}

#[test]
fn a_second_run_that_posts_breaks_invariant_14() {
    let mut books = books(false);
    post(
        &mut books,
        purchase("2020-01-01", "FIFO", "2", "10"),
        &RoleAccounts::new(),
    );
    let steady = RoleAccounts::new();
    assert_eq!(
        shown(&check_cost_posting_idempotent(&books, &steady)),
        Vec::<String>::new()
    );
    let changing = FixedAfter {
        failures: Cell::new(1),
    };
    assert_eq!(
        shown(&check_cost_posting_idempotent(&books, &changing)),
        [
            "invariant 14: a second \"post inventory cost to G/L\" run created 2 G/L entries, for value entries 1",
            "invariant 14: value entry 1: a second run changed (expected, actual) posted to G/L from (0.00, 0.00) to (0.00, 20.00)",
        ]
    );
}

#[test]
fn a_posted_field_with_the_other_sign_than_the_gl_breaks_invariants_19_and_21() {
    let mut books = purchase_and_sale();
    // The sub-ledger records +10 as posted for the sale, whose G/L credits inventory by 10.
    books.ledger.set_posted_to_gl(2, Decimal::ZERO, d("10"));
    let violations = check_general_ledger(&books, &scenario_accounts());
    let label = "value entry 2 (sale direct_cost) (G/L entries [3, 4])";
    assert_eq!(
        shown(&violations),
        [
            format!(
                "invariant 19: {label}: inventory carries -10.00, but the posted parts make it 10.00"
            ),
            format!("invariant 19: {label}: cogs carries 10.00, but the posted parts make it -10.00"),
            format!(
                "invariant 21: the inventory and inventory (interim) G/L entries of {label} sum to \
                 -10.00, but cost posted + expected cost posted is 10.00"
            ),
        ]
    );
}

#[test]
fn a_posted_field_reset_to_zero_breaks_invariants_18_19_and_21() {
    let mut books = purchase_and_sale();
    // The sub-ledger forgets that the sale reached the G/L (a batch run would post it again).
    books
        .ledger
        .set_posted_to_gl(2, Decimal::ZERO, Decimal::ZERO);
    let invariants: Vec<u8> = check_general_ledger(&books, &scenario_accounts())
        .iter()
        .map(|v| v.invariant)
        .collect();
    assert_eq!(invariants, [18, 18, 19, 19, 21]);
}
