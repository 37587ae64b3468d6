//! Posting flows: partial invoicing, negative inventory, fixed application, exact cost reversal,
//! transfers, item charges, revaluation and adjustments, with every amount to the cent.

mod common;
use common::*;
use stockpost::journal::{JournalLineKind, LineCost, RevaluationScope, RevaluationTarget};
use stockpost::ledger::{CostEntryType, Ledger};

fn purchase_invoice(
    posting_date: &str,
    receipt: u64,
    quantity: &str,
    unit_cost: &str,
) -> stockpost::journal::JournalLine {
    line(
        posting_date,
        JournalLineKind::PurchaseInvoice {
            receipt_entry_no: receipt,
            quantity: d(quantity),
            cost: LineCost::DirectUnitCost(d(unit_cost)),
        },
    )
}

fn sales_invoice(
    posting_date: &str,
    shipment: u64,
    quantity: &str,
) -> stockpost::journal::JournalLine {
    line(
        posting_date,
        JournalLineKind::SalesInvoice {
            shipment_entry_no: shipment,
            quantity: d(quantity),
            unit_price: d("20"),
        },
    )
}

#[test]
fn partial_purchase_invoices_reverse_expected_cost_share_by_share() {
    let mut ledger = ledger();
    post_ok(&mut ledger, receipt("2020-01-01", "FIFO", "3", "3.33"));
    assert_eq!(cost(&ledger, 1), (d("0"), d("9.99")));
    post_ok(&mut ledger, purchase_invoice("2020-01-10", 1, "1", "3.50"));
    post_ok(&mut ledger, purchase_invoice("2020-01-11", 1, "1", "3.50"));
    let entry = ledger.item_ledger_entry(1).unwrap();
    assert_eq!(entry.invoiced_quantity, d("2"));
    assert!(!entry.completely_invoiced);
    post_ok(&mut ledger, purchase_invoice("2020-01-12", 1, "1", "3.60"));
    assert_eq!(
        value_entries(&ledger, 1),
        vec![
            (CostEntryType::DirectCost, d("9.99"), d("0")),
            (CostEntryType::DirectCost, d("-3.33"), d("3.50")),
            (CostEntryType::DirectCost, d("-3.33"), d("3.50")),
            // Completing the invoice reverses all that is left: 9.99 − 3.33 − 3.33.
            (CostEntryType::DirectCost, d("-3.33"), d("3.60")),
        ]
    );
    let entry = ledger.item_ledger_entry(1).unwrap();
    assert!(entry.completely_invoiced);
    assert_eq!(entry.last_invoice_date, Some(date("2020-01-12")));
    // Invoice value entries keep the receipt's valuation date and carry the invoice date.
    let last = ledger.value_entries_of(1).last().unwrap();
    assert_eq!(
        (last.posting_date, last.valuation_date),
        (date("2020-01-12"), date("2020-01-01"))
    );
    assert_eq!(cost(&ledger, 1), (d("10.60"), d("0")));
    assert_invariants(&ledger);
}

#[test]
fn partial_sales_invoices_carry_the_rounding_to_the_last_invoice() {
    let mut ledger = ledger();
    post_ok(
        &mut ledger,
        line(
            "2020-01-01",
            JournalLineKind::Purchase {
                item: "FIFO".into(),
                location: String::new(),
                quantity: d("3"),
                cost: LineCost::Amount(d("10")),
            },
        ),
    );
    post_ok(&mut ledger, shipment("2020-01-02", "FIFO", "3"));
    // Unit cost 10 / 3 = 3.33333 → expected −10.00.
    assert_eq!(cost(&ledger, 2), (d("0"), d("-10.00")));
    post_ok(&mut ledger, sales_invoice("2020-01-05", 2, "1"));
    post_ok(&mut ledger, sales_invoice("2020-01-06", 2, "2"));
    assert_eq!(
        value_entries(&ledger, 2),
        vec![
            (CostEntryType::DirectCost, d("-10.00"), d("0")),
            (CostEntryType::DirectCost, d("3.33"), d("-3.33")),
            (CostEntryType::DirectCost, d("6.67"), d("-6.67")),
        ]
    );
    let sales: Vec<_> = ledger
        .value_entries_of(2)
        .map(|entry| entry.sales_amount_actual)
        .collect();
    assert_eq!(sales, [d("0"), d("20"), d("40")]);
    assert!(ledger.item_ledger_entry(2).unwrap().completely_invoiced);
    assert_invariants(&ledger);
}

#[test]
fn negative_inventory_is_filled_by_later_receipts() {
    let mut ledger = ledger();
    post_ok(&mut ledger, sale("2020-01-05", "FIFO", "5"));
    assert_eq!(
        ledger.item_ledger_entry(1).unwrap().remaining_quantity,
        d("-5")
    );
    post_ok(&mut ledger, purchase("2020-01-07", "FIFO", "3", "10"));
    post_ok(&mut ledger, purchase("2020-01-09", "FIFO", "4", "12"));
    let remaining: Vec<_> = ledger
        .item_ledger_entries()
        .iter()
        .map(|entry| entry.remaining_quantity)
        .collect();
    assert_eq!(remaining, [d("0"), d("0"), d("2")]);
    let fills: Vec<_> = ledger
        .item_application_entries()
        .iter()
        .filter(|row| row.is_quantity_application())
        .map(|row| {
            (
                row.item_ledger_entry_no,
                row.inbound_item_entry_no,
                row.outbound_item_entry_no,
                row.quantity,
                row.posting_date,
            )
        })
        .collect();
    assert_eq!(
        fills,
        [
            (2, 2, 1, d("-3"), date("2020-01-07")),
            (3, 3, 1, d("-2"), date("2020-01-09"))
        ]
    );
    // The sale's valuation date moved forward to its latest source.
    assert_eq!(
        ledger.value_entries_of(1).next().unwrap().valuation_date,
        date("2020-01-09")
    );
    assert!(ledger.applied_entries_to_adjust().any(|no| no == 2));
    assert_invariants(&ledger);
}

#[test]
fn purchase_return_fixed_to_a_receipt_leaves_at_that_receipts_cost() {
    let mut ledger = ledger();
    post_ok(&mut ledger, purchase("2020-01-01", "FIFO", "10", "10"));
    post_ok(&mut ledger, purchase("2020-01-02", "FIFO", "10", "20"));
    post_ok(
        &mut ledger,
        line(
            "2020-01-03",
            JournalLineKind::PurchaseReturn {
                item: "FIFO".into(),
                location: String::new(),
                quantity: d("5"),
                direct_unit_cost: d("19"),
                applies_to_entry_no: Some(2),
            },
        ),
    );
    let entry = ledger.item_ledger_entry(3).unwrap();
    assert_eq!((entry.quantity, entry.applies_to_entry), (d("-5"), Some(2)));
    assert_eq!(cost(&ledger, 3), (d("-100.00"), d("0")));
    let value = ledger.value_entries_of(3).next().unwrap();
    assert_eq!(value.purchase_amount_actual, d("-95.00"));
    let row = ledger
        .item_application_entries()
        .iter()
        .find(|row| row.outbound_item_entry_no == 3)
        .unwrap();
    assert_eq!(
        (
            row.inbound_item_entry_no,
            row.quantity,
            row.fixed,
            row.cost_application
        ),
        (2, d("-5"), true, true)
    );
    assert_eq!(
        ledger.item_ledger_entry(2).unwrap().remaining_quantity,
        d("5")
    );
    assert_invariants(&ledger);
}

#[test]
fn fixed_application_on_an_average_item_is_a_cost_application() {
    let mut ledger = ledger();
    post_ok(&mut ledger, purchase("2020-01-01", "AVG", "1", "10"));
    post_ok(&mut ledger, purchase("2020-01-01", "AVG", "1", "30"));
    post_ok(
        &mut ledger,
        line(
            "2020-01-02",
            JournalLineKind::NegativeAdjustment {
                item: "AVG".into(),
                location: String::new(),
                quantity: d("1"),
                applies_to_entry_no: Some(2),
            },
        ),
    );
    let value = ledger.value_entries_of(3).next().unwrap();
    assert_eq!(value.cost_amount_actual, d("-30.00"));
    assert!(!value.valued_by_average_cost);
    let row = ledger
        .item_application_entries()
        .iter()
        .find(|row| row.outbound_item_entry_no == 3)
        .unwrap();
    assert!(row.cost_application && row.fixed);
    assert_invariants(&ledger);
}

#[test]
fn sales_return_with_applies_from_reverses_the_exact_cost() {
    let mut ledger = ledger();
    post_ok(&mut ledger, purchase("2020-01-01", "FIFO", "1", "1000"));
    post_ok(&mut ledger, sale("2020-02-01", "FIFO", "1"));
    let sales_return = |applies_from| {
        line(
            "2020-03-01",
            JournalLineKind::SalesReturn {
                item: "FIFO".into(),
                location: String::new(),
                quantity: d("1"),
                unit_price: d("1500"),
                applies_from_entry_no: applies_from,
            },
        )
    };
    post_ok(&mut ledger, sales_return(Some(2)));
    assert_eq!(cost(&ledger, 2), (d("-1000.00"), d("0")));
    assert_eq!(cost(&ledger, 3), (d("1000.00"), d("0")));
    let returned = ledger.item_ledger_entry(3).unwrap();
    assert_eq!(
        (
            returned.remaining_quantity,
            returned.applies_to_entry,
            returned.applied_entry_to_adjust
        ),
        (d("1"), Some(2), true)
    );
    assert_eq!(
        ledger
            .item_ledger_entry(2)
            .unwrap()
            .shipped_qty_not_returned,
        d("0")
    );
    let row = ledger
        .item_application_entries()
        .iter()
        .find(|row| row.item_ledger_entry_no == 3 && row.outbound_item_entry_no == 2)
        .unwrap();
    assert_eq!(
        (row.quantity, row.cost_application, row.fixed),
        (d("1"), true, true)
    );
    // The return takes the sale's valuation date.
    assert_eq!(
        ledger.value_entries_of(3).next().unwrap().valuation_date,
        date("2020-02-01")
    );
    // Returning the same sale twice is refused.
    let error = post(&mut ledger, vec![sales_return(Some(2))]).unwrap_err();
    assert_eq!(error.to_string(), "test.csv:2: field `quantity`: returns 1 but only 0 of item ledger entry 2 are shipped and not yet returned");
    assert_invariants(&ledger);
}

#[test]
fn sale_without_stock_reversed_by_a_cost_applied_return_leaves_both_open() {
    let mut ledger = ledger();
    post_ok(&mut ledger, sale("2020-01-01", "FIFO", "1"));
    post_ok(
        &mut ledger,
        line(
            "2020-01-02",
            JournalLineKind::SalesReturn {
                item: "FIFO".into(),
                location: String::new(),
                quantity: d("1"),
                unit_price: d("0"),
                applies_from_entry_no: Some(1),
            },
        ),
    );
    let remaining: Vec<_> = ledger
        .item_ledger_entries()
        .iter()
        .map(|entry| entry.remaining_quantity)
        .collect();
    assert_eq!(remaining, [d("-1"), d("1")]);
    assert_eq!(
        ledger.bucket_quantity(&stockpost::ledger::BucketKey {
            item: ledger.item_id("FIFO").unwrap(),
            location: stockpost::ledger::LocationId::BLANK,
            variant_code: ledger.blank_code()
        }),
        d("0")
    );
    assert_invariants(&ledger);
}

#[test]
fn transfer_moves_exact_cost_between_locations() {
    let mut ledger = ledger();
    let mut bought = purchase("2020-01-01", "FIFO", "10", "10.50");
    bought.kind = JournalLineKind::Purchase {
        item: "FIFO".into(),
        location: "BLUE".into(),
        quantity: d("10"),
        cost: LineCost::DirectUnitCost(d("10.50")),
    };
    post_ok(&mut ledger, bought);
    let outcome = post_ok(
        &mut ledger,
        line(
            "2020-01-03",
            JournalLineKind::Transfer {
                item: "FIFO".into(),
                from_location: "BLUE".into(),
                to_location: "RED".into(),
                quantity: d("4"),
            },
        ),
    );
    assert_eq!(outcome.lines[0].item_ledger_entry_nos, 2..4);
    assert_eq!(cost(&ledger, 2), (d("-42.00"), d("0")));
    assert_eq!(cost(&ledger, 3), (d("42.00"), d("0")));
    let (out_leg, in_leg) = (
        ledger.item_ledger_entry(2).unwrap(),
        ledger.item_ledger_entry(3).unwrap(),
    );
    assert_eq!(
        (ledger.location_code(out_leg.location), out_leg.quantity),
        ("BLUE", d("-4"))
    );
    assert_eq!(
        (ledger.location_code(in_leg.location), in_leg.quantity),
        ("RED", d("4"))
    );
    assert!(out_leg.completely_invoiced && in_leg.completely_invoiced);
    let self_row = ledger
        .item_application_entries()
        .iter()
        .find(|row| row.inbound_item_entry_no == 3 && row.outbound_item_entry_no == 0)
        .unwrap();
    assert_eq!(self_row.transferred_from_entry_no, Some(2));
    // A sale at RED takes the transferred stock.
    let mut sold = sale("2020-01-04", "FIFO", "1");
    sold.kind = JournalLineKind::Sale {
        item: "FIFO".into(),
        location: "RED".into(),
        quantity: d("1"),
        unit_price: d("0"),
        applies_to_entry_no: None,
    };
    post_ok(&mut ledger, sold);
    assert_eq!(
        ledger.item_ledger_entry(3).unwrap().remaining_quantity,
        d("3")
    );
    assert_invariants(&ledger);
}

#[test]
fn item_charge_is_split_by_quantity_with_cumulative_rounding() {
    let mut ledger = ledger();
    for _ in 0..3 {
        post_ok(&mut ledger, receipt("2020-01-01", "FIFO", "1", "10"));
    }
    post_ok(&mut ledger, sale("2020-01-02", "FIFO", "1"));
    post_ok(
        &mut ledger,
        line(
            "2020-01-20",
            JournalLineKind::ItemCharge {
                item_charge_no: "FREIGHT".into(),
                amount: d("1.00"),
                assign_to_entry_nos: vec![1, 2, 3],
            },
        ),
    );
    let charges: Vec<_> = ledger
        .value_entries()
        .iter()
        .filter(|entry| entry.item_charge_no.is_some())
        .map(|entry| {
            (
                entry.item_ledger_entry_no,
                entry.cost_amount_actual,
                entry.invoiced_quantity,
                entry.posting_date,
                entry.valuation_date,
            )
        })
        .collect();
    assert_eq!(
        charges,
        [
            // round(1/3) = 0.33, round(2/3) − 0.33 = 0.34, 1.00 − 0.67 = 0.33.
            (1, d("0.33"), d("0"), date("2020-01-20"), date("2020-01-01")),
            (2, d("0.34"), d("0"), date("2020-01-20"), date("2020-01-01")),
            (3, d("0.33"), d("0"), date("2020-01-20"), date("2020-01-01")),
        ]
    );
    // A charge is actual cost at once, even on an un-invoiced receipt; the receipt stays
    // un-invoiced, and the applied receipt is flagged for cost adjustment.
    assert_eq!(cost(&ledger, 1), (d("0.33"), d("10.00")));
    assert_eq!(
        ledger.item_ledger_entry(1).unwrap().invoiced_quantity,
        d("0")
    );
    assert!(ledger.applied_entries_to_adjust().any(|no| no == 1));
    assert_invariants(&ledger);
}

#[test]
fn item_charge_on_a_standard_item_goes_to_purchase_variance() {
    let mut ledger = Ledger::new(company_with_standard_cost("15"));
    post_ok(&mut ledger, purchase("2020-01-01", "STD", "2", "15"));
    post_ok(
        &mut ledger,
        line(
            "2020-01-05",
            JournalLineKind::ItemCharge {
                item_charge_no: "FREIGHT".into(),
                amount: d("4"),
                assign_to_entry_nos: vec![1],
            },
        ),
    );
    assert_eq!(
        value_entries(&ledger, 1),
        vec![
            (CostEntryType::DirectCost, d("0"), d("30.00")),
            (CostEntryType::DirectCost, d("0"), d("4.00")),
            (CostEntryType::Variance, d("0"), d("-4.00")),
        ]
    );
}

#[test]
fn revaluation_per_item_counts_back_to_the_revaluation_date() {
    // The oracle's case c21: 6 at 10, sales on 02-01, 03-01 and 04-01, revalued on 03-01 to 8.
    let mut ledger = ledger();
    post_ok(&mut ledger, purchase("2020-01-01", "FIFO", "6", "10"));
    for sale_date in ["2020-02-01", "2020-03-01", "2020-04-01"] {
        post_ok(&mut ledger, sale(sale_date, "FIFO", "1"));
    }
    let outcome = post_ok(
        &mut ledger,
        line(
            "2020-03-01",
            JournalLineKind::Revaluation {
                item: "FIFO".into(),
                scope: RevaluationScope::Item { location: None },
                target: RevaluationTarget::UnitCost(d("8")),
            },
        ),
    );
    let revaluation = outcome.lines[0].revaluation.clone().unwrap();
    assert_eq!(
        (
            revaluation.revalued_quantity,
            revaluation.calculated_value,
            revaluation.amount
        ),
        (d("4"), d("40.00"), d("-8.00"))
    );
    let entry = ledger.value_entries_of(1).last().unwrap();
    assert_eq!(entry.entry_type, CostEntryType::Revaluation);
    assert_eq!(
        (
            entry.valued_quantity,
            entry.cost_amount_actual,
            entry.valuation_date
        ),
        (d("4"), d("-8.00"), date("2020-03-01"))
    );
    assert!(entry.partial_revaluation);
    // A sale posted after the revaluation, dated before it, is valued on the revaluation date.
    post_ok(&mut ledger, sale("2020-02-01", "FIFO", "1"));
    assert_eq!(
        ledger.value_entries_of(5).next().unwrap().valuation_date,
        date("2020-03-01")
    );
    assert_invariants(&ledger);
}

#[test]
fn revaluation_spreads_an_inventory_value_over_entries_with_the_residual_carried() {
    let mut ledger = ledger();
    for _ in 0..3 {
        post_ok(&mut ledger, purchase("2020-01-01", "FIFO", "1", "10"));
    }
    let outcome = post_ok(
        &mut ledger,
        line(
            "2020-01-31",
            JournalLineKind::Revaluation {
                item: "FIFO".into(),
                scope: RevaluationScope::Item { location: None },
                target: RevaluationTarget::InventoryValue(d("20")),
            },
        ),
    );
    assert_eq!(
        outcome.lines[0].revaluation.as_ref().unwrap().amount,
        d("-10.00")
    );
    let amounts: Vec<_> = ledger
        .value_entries()
        .iter()
        .filter(|entry| entry.entry_type == CostEntryType::Revaluation)
        .map(|entry| entry.cost_amount_actual)
        .collect();
    // 20 / 3 = 6.67, 6.66, 6.67 once the residual is carried.
    assert_eq!(amounts, [d("-3.33"), d("-3.34"), d("-3.33")]);
    // Per entry: revalue entry 2 to 7 per unit.
    let outcome = post_ok(
        &mut ledger,
        line(
            "2020-02-01",
            JournalLineKind::Revaluation {
                item: "FIFO".into(),
                scope: RevaluationScope::Entry { entry_no: 2 },
                target: RevaluationTarget::UnitCost(d("7")),
            },
        ),
    );
    assert_eq!(
        outcome.lines[0].revaluation.as_ref().unwrap().amount,
        d("0.34")
    );
    assert_eq!(cost(&ledger, 2), (d("7.00"), d("0")));
}

#[test]
fn adjustments_post_at_their_unit_cost_and_the_item_unit_cost() {
    let mut ledger = ledger();
    post_ok(&mut ledger, purchase("2020-01-01", "FIFO", "1", "3"));
    post_ok(
        &mut ledger,
        line(
            "2020-01-02",
            JournalLineKind::PositiveAdjustment {
                item: "FIFO".into(),
                location: String::new(),
                quantity: d("4"),
                unit_cost: d("2.125"),
            },
        ),
    );
    assert_eq!(cost(&ledger, 2), (d("8.50"), d("0")));
    post_ok(
        &mut ledger,
        line(
            "2020-01-03",
            JournalLineKind::NegativeAdjustment {
                item: "FIFO".into(),
                location: String::new(),
                quantity: d("2"),
                applies_to_entry_no: None,
            },
        ),
    );
    // FIFO: one unit of the purchase (3) and one of the positive adjustment (2.125).
    assert_eq!(cost(&ledger, 3), (d("-5.13"), d("0")));
    let entry = ledger.item_ledger_entry(3).unwrap();
    assert_eq!(
        (entry.entry_type.as_str(), entry.remaining_quantity),
        ("negative_adjmt", d("0"))
    );
    assert_invariants(&ledger);
}

#[test]
fn standard_cost_change_values_later_receipts_and_open_outbounds() {
    let mut ledger = Ledger::new(company_with_standard_cost("15"));
    post_ok(&mut ledger, purchase("2020-01-01", "STD", "2", "15"));
    post_ok(
        &mut ledger,
        line(
            "2020-01-02",
            JournalLineKind::StandardCostChange {
                item: "STD".into(),
                new_standard_cost: d("16.5"),
            },
        ),
    );
    assert_eq!(ledger.value_entries().len(), 1);
    // A sale applied to the old receipt leaves at the receipt's standard cost.
    post_ok(&mut ledger, sale("2020-01-03", "STD", "1"));
    assert_eq!(cost(&ledger, 2), (d("-15"), d("0")));
    // A new receipt is expected at the new standard, and a sale beyond stock at it too.
    post_ok(&mut ledger, receipt("2020-01-04", "STD", "2", "14"));
    assert_eq!(cost(&ledger, 3), (d("0"), d("33.00")));
    post_ok(&mut ledger, sale("2020-01-05", "STD", "4"));
    // 1 from the first receipt (15) + 2 from the second (33 expected) + 1 open at 16.50.
    assert_eq!(cost(&ledger, 4), (d("-64.50"), d("0")));
}

#[test]
fn entry_points_and_adjustment_flags_are_set_by_posting() {
    let mut config = company();
    config.inventory_setup.average_cost_period = stockpost::config::AverageCostPeriod::Month;
    config.inventory_setup.average_cost_calc_type = stockpost::config::AverageCostCalcType::Item;
    let mut ledger = Ledger::new(config);
    post_ok(&mut ledger, purchase("2020-02-10", "AVG", "1", "10"));
    post_ok(&mut ledger, purchase("2020-03-10", "AVG", "1", "10"));
    let points: Vec<_> = ledger
        .entry_points()
        .iter()
        .map(|(key, adjusted)| (key.valuation_date, *adjusted))
        .collect();
    assert_eq!(
        points,
        [(date("2020-02-29"), false), (date("2020-03-31"), false)]
    );
    let item = ledger.item_id("AVG").unwrap();
    assert!(!ledger.item_cost_state(item).cost_is_adjusted);
    // Automatic cost adjustment is "never" here, so online adjustment is not allowed.
    assert!(!ledger.item_cost_state(item).allow_online_adjustment);
}
