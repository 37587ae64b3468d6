//! Cost adjustment against the figures of the oracle cases, one behaviour per test.

mod common;
use common::*;
use stockpost::adjust::{AdjustRequest, AdjustmentLimits};
use stockpost::config::{AverageCostCalcType, AverageCostPeriod};
use stockpost::journal::JournalLineKind;
use stockpost::ledger::{CostEntryType, Ledger};

fn adjust(ledger: &mut Ledger) -> stockpost::adjust::AdjustOutcome {
    ledger.adjust_cost(&AdjustRequest::default(), &AdjustmentLimits::default())
}

fn actual_costs(ledger: &Ledger) -> Vec<String> {
    (1..=ledger.item_ledger_entries().len() as u64)
        .map(|no| cost(ledger, no).0.normalize().to_string())
        .collect()
}

fn average_ledger(period: AverageCostPeriod) -> Ledger {
    let mut config = company();
    config.inventory_setup.average_cost_period = period;
    config.inventory_setup.average_cost_calc_type = AverageCostCalcType::Item;
    Ledger::new(config)
}

#[test]
fn fifo_sales_take_the_cost_of_the_receipts_they_apply_to() {
    let mut ledger = ledger();
    for unit_cost in ["10", "20", "30"] {
        post_ok(&mut ledger, purchase("2020-01-01", "FIFO", "1", unit_cost));
    }
    for sale_date in ["2020-02-01", "2020-03-01", "2020-04-01"] {
        post_ok(&mut ledger, sale(sale_date, "FIFO", "1"));
    }
    adjust(&mut ledger);
    assert_eq!(
        actual_costs(&ledger),
        ["10", "20", "30", "-10", "-20", "-30"]
    );
    // A freight charge on the second receipt, invoiced in May, reaches the March sale: the
    // adjustment entry is dated at the sale it corrects and applies to its value entry.
    let charge = JournalLineKind::ItemCharge {
        item_charge_no: "FREIGHT".into(),
        amount: d("2.5"),
        assign_to_entry_nos: vec![2],
    };
    post_ok(&mut ledger, line("2020-05-10", charge));
    adjust(&mut ledger);
    assert_eq!(
        actual_costs(&ledger),
        ["10", "22.5", "30", "-10", "-22.5", "-30"]
    );
    let adjustment = ledger
        .value_entries()
        .iter()
        .find(|entry| entry.adjustment && entry.item_ledger_entry_no == 5)
        .unwrap();
    let fields = (
        adjustment.posting_date,
        adjustment.applies_to_entry,
        adjustment.cost_amount_actual,
    );
    assert_eq!(fields, (date("2020-03-01"), Some(5), d("-2.5")));
    assert!(
        ledger
            .item_cost_state(ledger.item_id("FIFO").unwrap())
            .cost_is_adjusted
    );
    // A second run creates nothing.
    let again = adjust(&mut ledger);
    assert!(again.value_entry_nos.is_empty());
    assert_invariants(&ledger);
}

#[test]
fn lifo_sales_take_the_latest_receipts() {
    let mut ledger = ledger();
    for unit_cost in ["10", "20", "30"] {
        post_ok(&mut ledger, purchase("2020-01-01", "LIFO", "1", unit_cost));
    }
    for sale_date in ["2020-02-01", "2020-03-01", "2020-04-01"] {
        post_ok(&mut ledger, sale(sale_date, "LIFO", "1"));
    }
    adjust(&mut ledger);
    assert_eq!(
        actual_costs(&ledger),
        ["10", "20", "30", "-30", "-20", "-10"]
    );
    // No stock left: the item's unit cost is the last outbound's (spec §5.11).
    let state = ledger.item_cost_state(ledger.item_id("LIFO").unwrap());
    assert_eq!((state.unit_cost, state.cost_is_adjusted), (d("10"), true));
}

#[test]
fn average_gives_every_decrease_the_period_average() {
    let mut ledger = average_ledger(AverageCostPeriod::Day);
    for unit_cost in ["10", "20", "30"] {
        post_ok(&mut ledger, purchase("2020-01-01", "AVG", "1", unit_cost));
    }
    for sale_date in ["2020-02-01", "2020-03-01", "2020-04-01"] {
        post_ok(&mut ledger, sale(sale_date, "AVG", "1"));
    }
    adjust(&mut ledger);
    assert_eq!(
        actual_costs(&ledger),
        ["10", "20", "30", "-20", "-20", "-20"]
    );
    assert!(adjust(&mut ledger).value_entry_nos.is_empty());
    // The run marked every entry point of the item adjusted, and posting a new entry in an
    // earlier period resets that period's point and every later one.
    let item = ledger.item_id("AVG").unwrap();
    assert!(ledger
        .entry_points_of_item(item)
        .all(|(_, adjusted)| *adjusted));
    post_ok(&mut ledger, purchase("2020-03-01", "AVG", "1", "40"));
    let points: Vec<(String, bool)> = ledger
        .entry_points_of_item(item)
        .map(|(key, adjusted)| (key.valuation_date.to_string(), *adjusted))
        .collect();
    assert_eq!(
        points,
        [
            ("2020-01-01".into(), true),
            ("2020-02-01".into(), true),
            ("2020-03-01".into(), false),
            ("2020-04-01".into(), false),
        ]
    );
}

#[test]
fn average_month_values_a_sale_with_a_later_purchase_of_the_same_month() {
    // c02: Jan +1@20, +1@40, sale; Feb sale (02-01), +1@100 (02-02), sale (02-03).
    let mut ledger = average_ledger(AverageCostPeriod::Month);
    post_ok(&mut ledger, purchase("2023-01-01", "AVG", "1", "20"));
    post_ok(&mut ledger, purchase("2023-01-01", "AVG", "1", "40"));
    post_ok(&mut ledger, sale("2023-01-01", "AVG", "1"));
    post_ok(&mut ledger, sale("2023-02-01", "AVG", "1"));
    post_ok(&mut ledger, purchase("2023-02-02", "AVG", "1", "100"));
    post_ok(&mut ledger, sale("2023-02-03", "AVG", "1"));
    adjust(&mut ledger);
    assert_eq!(
        actual_costs(&ledger),
        ["20", "40", "-30", "-65", "100", "-65"]
    );
    // Stock is back to zero (160 in, 160 out): the unit cost is the last outbound's, 65.
    let state = ledger.item_cost_state(ledger.item_id("AVG").unwrap());
    assert_eq!(state.unit_cost, d("65"));
}

#[test]
fn average_day_values_each_day_on_its_own() {
    // c01 with period Day.
    let mut ledger = average_ledger(AverageCostPeriod::Day);
    post_ok(&mut ledger, purchase("2023-01-01", "AVG", "1", "20"));
    post_ok(&mut ledger, purchase("2023-01-01", "AVG", "1", "40"));
    post_ok(&mut ledger, sale("2023-01-01", "AVG", "1"));
    post_ok(&mut ledger, sale("2023-02-01", "AVG", "1"));
    post_ok(&mut ledger, purchase("2023-02-02", "AVG", "1", "100"));
    post_ok(&mut ledger, sale("2023-02-03", "AVG", "1"));
    adjust(&mut ledger);
    assert_eq!(
        actual_costs(&ledger),
        ["20", "40", "-30", "-30", "100", "-100"]
    );
}

#[test]
fn average_rounding_residual_is_carried_from_entry_to_entry() {
    let mut ledger = average_ledger(AverageCostPeriod::Day);
    post_ok(
        &mut ledger,
        line(
            "2020-01-01",
            JournalLineKind::Purchase {
                item: "AVG".into(),
                location: String::new(),
                quantity: d("3"),
                cost: stockpost::journal::LineCost::Amount(d("10")),
            },
        ),
    );
    for _ in 0..3 {
        post_ok(&mut ledger, sale("2020-01-01", "AVG", "1"));
    }
    adjust(&mut ledger);
    assert_eq!(actual_costs(&ledger), ["10", "-3.33", "-3.34", "-3.33"]);
    assert!(ledger
        .value_entries()
        .iter()
        .all(|entry| entry.entry_type != CostEntryType::Rounding));
}

#[test]
fn fifo_rounding_entry_closes_a_fully_applied_receipt() {
    let mut ledger = ledger();
    post_ok(
        &mut ledger,
        line(
            "2020-01-01",
            JournalLineKind::Purchase {
                item: "FIFO".into(),
                location: String::new(),
                quantity: d("3"),
                cost: stockpost::journal::LineCost::Amount(d("10")),
            },
        ),
    );
    for _ in 0..3 {
        post_ok(&mut ledger, sale("2020-01-01", "FIFO", "1"));
    }
    adjust(&mut ledger);
    assert_eq!(actual_costs(&ledger), ["9.99", "-3.33", "-3.33", "-3.33"]);
    let rounding: Vec<_> = ledger
        .value_entries()
        .iter()
        .filter(|entry| entry.entry_type == CostEntryType::Rounding)
        .collect();
    assert_eq!(rounding.len(), 1);
    assert_eq!(
        (
            rounding[0].item_ledger_entry_no,
            rounding[0].cost_amount_actual,
            rounding[0].valued_quantity
        ),
        (1, d("-0.01"), d("3"))
    );
    assert!(adjust(&mut ledger).value_entry_nos.is_empty());
}

#[test]
fn revaluation_reaches_only_the_decreases_after_it() {
    let mut ledger = ledger();
    post_ok(&mut ledger, purchase("2020-01-01", "FIFO", "6", "10"));
    for sale_date in ["2020-02-01", "2020-03-01", "2020-04-01"] {
        post_ok(&mut ledger, sale(sale_date, "FIFO", "1"));
    }
    post_ok(
        &mut ledger,
        line(
            "2020-03-01",
            JournalLineKind::Revaluation {
                item: "FIFO".into(),
                scope: stockpost::journal::RevaluationScope::Item { location: None },
                target: stockpost::journal::RevaluationTarget::UnitCost(d("8")),
            },
        ),
    );
    for sale_date in ["2020-02-01", "2020-03-01", "2020-04-01"] {
        post_ok(&mut ledger, sale(sale_date, "FIFO", "1"));
    }
    adjust(&mut ledger);
    assert_eq!(
        actual_costs(&ledger),
        ["52", "-10", "-10", "-8", "-8", "-8", "-8"]
    );
}

#[test]
fn exact_cost_reversal_follows_a_later_item_charge() {
    let mut ledger = ledger();
    post_ok(&mut ledger, purchase("2020-01-01", "FIFO", "1", "1000"));
    post_ok(&mut ledger, sale("2020-02-01", "FIFO", "1"));
    post_ok(
        &mut ledger,
        line(
            "2020-03-01",
            JournalLineKind::SalesReturn {
                item: "FIFO".into(),
                location: String::new(),
                quantity: d("1"),
                unit_price: d("0"),
                applies_from_entry_no: Some(2),
            },
        ),
    );
    post_ok(
        &mut ledger,
        line(
            "2020-04-01",
            JournalLineKind::ItemCharge {
                item_charge_no: "FREIGHT".into(),
                amount: d("100"),
                assign_to_entry_nos: vec![1],
            },
        ),
    );
    adjust(&mut ledger);
    assert_eq!(actual_costs(&ledger), ["1100", "-1100", "1100"]);
    assert_invariants(&ledger);
}

#[test]
fn expected_and_actual_cost_of_a_partly_invoiced_shipment_are_adjusted_together() {
    // c28: receipt 100 @10 never invoiced, shipment 100, invoice 25, charges 100 and 200,
    // invoice 25 more; adjusting after every step.
    let mut ledger = ledger();
    let steps = vec![
        receipt("2025-01-25", "FIFO", "100", "10"),
        shipment("2025-01-25", "FIFO", "100"),
        line(
            "2025-01-25",
            JournalLineKind::SalesInvoice {
                shipment_entry_no: 2,
                quantity: d("25"),
                unit_price: d("0"),
            },
        ),
        line(
            "2025-01-25",
            JournalLineKind::ItemCharge {
                item_charge_no: "C1".into(),
                amount: d("100"),
                assign_to_entry_nos: vec![1],
            },
        ),
        line(
            "2025-01-25",
            JournalLineKind::ItemCharge {
                item_charge_no: "C2".into(),
                amount: d("200"),
                assign_to_entry_nos: vec![1],
            },
        ),
        line(
            "2025-01-25",
            JournalLineKind::SalesInvoice {
                shipment_entry_no: 2,
                quantity: d("25"),
                unit_price: d("0"),
            },
        ),
    ];
    for step in steps {
        post_ok(&mut ledger, step);
        adjust(&mut ledger);
    }
    assert_eq!(cost(&ledger, 1), (d("300"), d("1000")));
    assert_eq!(cost(&ledger, 2), (d("-650"), d("-650")));
    let newest: Vec<_> = ledger
        .value_entries()
        .iter()
        .rev()
        .take(2)
        .map(|entry| {
            (
                entry.adjustment,
                entry.cost_amount_expected,
                entry.cost_amount_actual,
            )
        })
        .collect();
    assert_eq!(
        newest,
        [(true, d("75"), d("-75")), (false, d("250"), d("-250"))]
    );
}

#[test]
fn an_adjustment_for_a_closed_date_lands_on_the_first_allowed_date() {
    let mut ledger = ledger();
    post_ok(&mut ledger, purchase("2020-01-10", "FIFO", "2", "10"));
    post_ok(&mut ledger, sale("2020-01-15", "FIFO", "1"));
    // January is closed for posting before the late freight arrives.
    ledger.set_allow_posting_from(Some(date("2020-02-01")));
    let charge = JournalLineKind::ItemCharge {
        item_charge_no: "FREIGHT".into(),
        amount: d("3"),
        assign_to_entry_nos: vec![1],
    };
    post_ok(&mut ledger, line("2020-02-05", charge));
    adjust(&mut ledger);
    let adjustment = ledger
        .value_entries()
        .iter()
        .find(|entry| entry.adjustment)
        .unwrap();
    // The sale's −1.50 share would be dated 2020-01-15; that date is closed, so it moves to the
    // first allowed date, while its valuation date stays the sale's.
    let fields = (
        adjustment.item_ledger_entry_no,
        adjustment.cost_amount_actual,
        adjustment.posting_date,
        adjustment.valuation_date,
    );
    assert_eq!(
        fields,
        (2, d("-1.50"), date("2020-02-01"), date("2020-01-15"))
    );
    assert_invariants(&ledger);
}
