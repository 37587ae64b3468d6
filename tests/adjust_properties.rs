//! Property tests of cost adjustment over random histories (spec §9): after settling, the
//! sub-ledger invariants (6, 7, 8, 16) and the after-settle invariants (3–5, 9–13, 15, 17, 22, 23)
//! hold; adjusting once at the end gives the same cost per item ledger entry as adjusting after
//! every batch (25); and a second adjustment creates nothing (13).
//!
//! The generator lives in `history_support`; the seed is fixed, so every run checks the same
//! histories. A failure prints the shrunk history.

mod history_support;

use std::collections::BTreeMap;

use history_support::{build_history, setup_strategy, steps_strategy, Features, History};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use rust_decimal::Decimal;
use stockpost::adjust::invariants::check_after_settle;
use stockpost::adjust::AdjustRequest;
use stockpost::books::Books;
use stockpost::config::AverageCostCalcType;
use stockpost::glpost::{CostPostingMode, RoleAccounts};
use stockpost::journal::{JournalLine, JournalLineKind};
use stockpost::ledger::invariants::check_sub_ledger;
use stockpost::posting::PostingContext;

/// Σ (actual, expected) cost of every item ledger entry.
type CostPerEntry = BTreeMap<u64, (Decimal, Decimal)>;

/// Posts every batch, adjusting after each one when `adjust_each_batch`, then adjusts once more
/// and posts what is queued to the G/L: settled books.
fn settle(history: &History, adjust_each_batch: bool, accounts: &RoleAccounts) -> Books {
    let mut books = Books::new(history.config.clone());
    for batch in &history.batches {
        let work_date = batch.last().expect("batches are not empty").posting_date;
        let context = PostingContext { work_date };
        if let Err(error) = books.post_journal(batch, &context, accounts) {
            panic!("the generated batch is rejected: {error}\n{history:?}");
        }
        if adjust_each_batch {
            books.adjust_cost(&AdjustRequest::default(), true, accounts);
        }
    }
    // A run that hits a bound (a cyclic cost chain: a return applied from a shipment that the
    // returned goods, transferred back, later fill) leaves the item flagged; settling means
    // running again until a run finishes, as BC's next run would.
    for _ in 0..5 {
        let run = books.adjust_cost(&AdjustRequest::default(), true, accounts);
        if run.adjustment.limit_hits.is_empty() {
            break;
        }
    }
    let posted = books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, accounts);
    assert_eq!(
        posted.skipped,
        [],
        "G/L posting skipped entries\n{history:?}"
    );
    books
}

fn costs(books: &Books) -> CostPerEntry {
    let ledger = &books.ledger;
    (1..=ledger.item_ledger_entries().len() as u64)
        .map(|no| (no, ledger.cost_of_entry(no)))
        .collect()
}

fn broken(books: &Books) -> Vec<String> {
    let mut found: Vec<String> = check_sub_ledger(&books.ledger)
        .iter()
        .map(ToString::to_string)
        .collect();
    found.extend(check_after_settle(books).iter().map(ToString::to_string));
    found
}

/// The entries whose final cost differs between two runs, with both figures.
fn differences(once: &CostPerEntry, every: &CostPerEntry) -> Vec<String> {
    once.iter()
        .filter(|(no, cost)| every.get(no) != Some(cost))
        .map(|(no, cost)| format!("entry {no}: once {cost:?}, every batch {:?}", every.get(no)))
        .collect()
}

/// Runs all three properties on one history; `Err` names what broke.
fn check_history(history: &History) -> Result<(), String> {
    let once = settle(history, false, &RoleAccounts::with_location_split(true));
    let violations = broken(&once);
    if !violations.is_empty() {
        return Err(format!("adjusting once: {violations:#?}"));
    }
    let every = settle(history, true, &RoleAccounts::new());
    let violations = broken(&every);
    if !violations.is_empty() {
        return Err(format!("adjusting after every batch: {violations:#?}"));
    }
    let diff = differences(&costs(&once), &costs(&every));
    if !diff.is_empty() {
        return Err(format!("invariant 25: {diff:#?}"));
    }
    let mut again = once.clone();
    let second = again.adjust_cost(&AdjustRequest::default(), true, &RoleAccounts::new());
    if !second.adjustment.value_entry_nos.is_empty() {
        return Err(format!(
            "a second adjustment created value entries {:?}",
            second.adjustment.value_entry_nos
        ));
    }
    Ok(())
}

fn config(seed: u64) -> Config {
    Config {
        cases: std::env::var("PROPS_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(64),
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(0x5704_c057))]

    /// Mixed methods, partial and late invoices at other prices, item charges, returns with and
    /// without fixed application, transfers, negative inventory, back-dated postings,
    /// revaluations and adjustments; every outbound ends valued from its sources.
    #[test]
    fn random_histories_settle_consistently(setup in setup_strategy(), steps in steps_strategy(40)) {
        let history = build_history(setup, &steps, Features { unit_cost_valued: false, average_negative_inventory: true });
        if let Err(failure) = check_history(&history) {
            prop_assert!(false, "{failure}\n{history:?}");
        }
    }
}

// ----- regressions: histories the property test found, each once an engine defect ----------

fn known_failure_history(
    calc_type: AverageCostCalcType,
    period: stockpost::config::AverageCostPeriod,
    batches: Vec<Vec<(u32, JournalLineKind)>>,
) -> History {
    let setup = history_support::Setup {
        period,
        calc_type,
        expected_cost_posting: false,
        automatic_cost_posting: true,
        locations: 3,
    };
    let batches = batches
        .into_iter()
        .map(|batch| {
            batch
                .into_iter()
                .enumerate()
                .map(|(number, (day, kind))| JournalLine {
                    source: stockpost::journal::LineRef {
                        file: std::sync::Arc::from("known"),
                        line: number as u32 + 1,
                    },
                    posting_date: chrono::NaiveDate::from_ymd_opt(2024, 2, 1)
                        .and_then(|first| first.checked_add_days(chrono::Days::new(day as u64 - 1)))
                        .unwrap(),
                    document_no: format!("K{number}"),
                    external_document_no: None,
                    gen_bus_posting_group: "DOMESTIC".into(),
                    serial_no: None,
                    dimensions: Default::default(),
                    kind,
                })
                .collect()
        })
        .collect();
    History {
        config: history_support::company(&setup),
        setup,
        batches,
    }
}

fn buy(item: &str, location: &str, quantity: i64, amount: i64) -> JournalLineKind {
    JournalLineKind::Purchase {
        item: item.into(),
        location: location.into(),
        quantity: Decimal::from(quantity),
        cost: stockpost::journal::LineCost::Amount(Decimal::new(amount, 2)),
    }
}

fn sell(item: &str, location: &str, quantity: i64) -> JournalLineKind {
    JournalLineKind::Sale {
        item: item.into(),
        location: location.into(),
        quantity: Decimal::from(quantity),
        unit_price: Decimal::from(30),
        applies_to_entry_no: None,
    }
}

fn cost_of(books: &Books, entry_no: u64) -> Decimal {
    books.ledger.cost_of_entry(entry_no).0
}

/// Calc type Item, one day: buy 1 @10.00 at BLUE (1), sell 1 at RED (2, negative), transfer
/// BLUE→RED (3 out, 4 in, fills 2), freight 5.00 on 1. The day's average is 15.00 for the sale
/// and for the transfer, although the sale, drawn first, empties the pool: a transfer inside the
/// pool takes the period's average without drawing. (Was: the transfer kept −10.00.)
#[test]
fn internal_transfer_after_the_pool_is_drawn_takes_the_period_average() {
    let transfer = JournalLineKind::Transfer {
        item: "AVG".into(),
        from_location: "BLUE".into(),
        to_location: "RED".into(),
        quantity: Decimal::ONE,
    };
    let freight = JournalLineKind::ItemCharge {
        item_charge_no: "FREIGHT".into(),
        amount: Decimal::from(5),
        assign_to_entry_nos: vec![1],
    };
    let history = known_failure_history(
        AverageCostCalcType::Item,
        stockpost::config::AverageCostPeriod::Day,
        vec![vec![
            (1, buy("AVG", "BLUE", 1, 1000)),
            (1, sell("AVG", "RED", 1)),
            (1, transfer),
            (1, freight),
        ]],
    );
    let books = settle(&history, false, &RoleAccounts::new());
    assert_eq!(cost_of(&books, 2), Decimal::from(-15));
    assert_eq!(cost_of(&books, 3), Decimal::from(-15));
    assert_eq!(cost_of(&books, 4), Decimal::from(15));
    assert!(check_after_settle(&books).is_empty());
}

/// Calc type Item, period Month. 02-07 sell 2 at RED (1, open), 02-11 buy 1 @5.01 at GREEN (2),
/// 02-15 sell 1 at GREEN (3), 02-16 freight 1.00 on 2; adjust; 03-02 buy 2 at RED fills 1 and moves
/// its valuation date forward. An open outbound neither feeds nor drains the pool (spec §5.6), so
/// sale 3 gets the February average −6.01 whether adjustment runs after every batch or once.
/// (Was: adjusting after the first batch left 3 at −5.01.)
#[test]
fn average_negative_inventory_waits_for_its_source() {
    let freight = JournalLineKind::ItemCharge {
        item_charge_no: "FREIGHT".into(),
        amount: Decimal::ONE,
        assign_to_entry_nos: vec![2],
    };
    let history = known_failure_history(
        AverageCostCalcType::Item,
        stockpost::config::AverageCostPeriod::Month,
        vec![
            vec![
                (7, sell("AVG", "RED", 2)),
                (11, buy("AVG", "GREEN", 1, 501)),
                (15, sell("AVG", "GREEN", 1)),
                (16, freight),
            ],
            vec![(31, buy("AVG", "RED", 2, 2222))],
        ],
    );
    let once = settle(&history, false, &RoleAccounts::new());
    let every = settle(&history, true, &RoleAccounts::new());
    assert_eq!(cost_of(&once, 3), Decimal::new(-601, 2));
    assert_eq!(cost_of(&every, 3), Decimal::new(-601, 2));
    assert_eq!(costs(&once), costs(&every));
}

/// Calc type Item, period Month. 02-01 buy 1 @5.00 at BLUE (1), transfer BLUE→RED (2, 3), buy 1
/// @5.01 at BLUE (4); then a negative adjustment at RED applied to the transfer receipt 3 (5). The
/// fixed-applied outbound leaves the pool with the transfer receipt it applies to (spec §5.6:
/// "entries on the outbound's own cost-application chain"), so the transfer takes the average
/// 5.005 → −5.01 and the write-off follows it, however often adjustment runs. (Was: the figure
/// flipped between −5.00 and −5.01 on every pass.)
#[test]
fn fixed_application_to_an_average_transfer_receipt_is_stable() {
    let transfer = JournalLineKind::Transfer {
        item: "AVG".into(),
        from_location: "BLUE".into(),
        to_location: "RED".into(),
        quantity: Decimal::ONE,
    };
    let write_off = JournalLineKind::NegativeAdjustment {
        item: "AVG".into(),
        location: "RED".into(),
        quantity: Decimal::ONE,
        applies_to_entry_no: Some(3),
    };
    let history = known_failure_history(
        AverageCostCalcType::Item,
        stockpost::config::AverageCostPeriod::Month,
        vec![
            vec![
                (1, buy("AVG", "BLUE", 1, 500)),
                (1, transfer),
                (1, buy("AVG", "BLUE", 1, 501)),
            ],
            vec![(1, write_off)],
        ],
    );
    let once = settle(&history, false, &RoleAccounts::new());
    let every = settle(&history, true, &RoleAccounts::new());
    assert_eq!(cost_of(&once, 2), Decimal::new(-501, 2));
    assert_eq!(cost_of(&once, 5), Decimal::new(-501, 2));
    assert_eq!(costs(&once), costs(&every));
}
