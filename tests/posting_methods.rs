//! Posting by costing method: which inbound entries an outbound applies to, and the provisional
//! values posting gives, to the cent.

mod common;
use common::*;
use stockpost::journal::{JournalLineKind, LineCost};
use stockpost::ledger::{CostEntryType, VarianceType};

/// (inbound, outbound, quantity, cost application, fixed) of every quantity application.
fn quantity_applications(
    ledger: &stockpost::ledger::Ledger,
) -> Vec<(u64, u64, String, bool, bool)> {
    ledger
        .item_application_entries()
        .iter()
        .filter(|row| row.is_quantity_application())
        .map(|row| {
            (
                row.inbound_item_entry_no,
                row.outbound_item_entry_no,
                row.quantity.to_string(),
                row.cost_application,
                row.fixed,
            )
        })
        .collect()
}

fn remaining(ledger: &stockpost::ledger::Ledger) -> Vec<String> {
    ledger
        .item_ledger_entries()
        .iter()
        .map(|entry| entry.remaining_quantity.to_string())
        .collect()
}

fn three_receipts_then_sale_of_two(item: &str) -> stockpost::ledger::Ledger {
    let mut ledger = ledger();
    post_ok(&mut ledger, purchase("2020-01-01", item, "1", "10"));
    post_ok(&mut ledger, purchase("2020-01-01", item, "1", "20"));
    post_ok(&mut ledger, purchase("2020-01-01", item, "1", "30"));
    post_ok(&mut ledger, sale("2020-02-01", item, "2"));
    assert_invariants(&ledger);
    ledger
}

#[test]
fn fifo_applies_the_earliest_receipts_first() {
    let ledger = three_receipts_then_sale_of_two("FIFO");
    assert_eq!(
        quantity_applications(&ledger),
        vec![
            (1, 4, "-1".into(), true, false),
            (2, 4, "-1".into(), true, false)
        ]
    );
    assert_eq!(remaining(&ledger), ["0", "0", "1", "0"]);
    // The sale is valued at the receipts it applies to (10 + 20); the item's unit cost became
    // 10 when the first receipt took invoiced stock above zero.
    assert_eq!(cost(&ledger, 4), (d("-30.00"), d("0")));
    assert_eq!(
        ledger
            .item_cost_state(ledger.item_id("FIFO").unwrap())
            .unit_cost,
        d("10")
    );
    assert!(ledger.applied_entries_to_adjust().any(|no| no == 1));
    assert!(ledger.applied_entries_to_adjust().any(|no| no == 2));
    assert!(!ledger.applied_entries_to_adjust().any(|no| no == 3));
}

#[test]
fn lifo_applies_the_latest_receipts_first() {
    let ledger = three_receipts_then_sale_of_two("LIFO");
    assert_eq!(
        quantity_applications(&ledger),
        vec![
            (3, 4, "-1".into(), true, false),
            (2, 4, "-1".into(), true, false)
        ]
    );
    assert_eq!(remaining(&ledger), ["1", "0", "0", "0"]);
}

#[test]
fn average_applies_like_fifo_without_cost_application() {
    let ledger = three_receipts_then_sale_of_two("AVG");
    assert_eq!(
        quantity_applications(&ledger),
        vec![
            (1, 4, "-1".into(), false, false),
            (2, 4, "-1".into(), false, false)
        ]
    );
    // Provisionally at the receipts it applies to (10 + 20); cost adjustment gives it the
    // period average later.
    assert_eq!(cost(&ledger, 4), (d("-30.00"), d("0")));
    let sale_entry = ledger.value_entries_of(4).next().unwrap();
    assert!(sale_entry.valued_by_average_cost);
    assert!(ledger.applied_entries_to_adjust().next().is_none());
}

#[test]
fn standard_purchases_split_into_direct_overhead_and_variance() {
    let mut config = company();
    let std_item = config
        .items
        .iter_mut()
        .find(|item| item.no == "STD")
        .unwrap();
    std_item.standard_cost = d("15");
    std_item.indirect_cost_percent = d("10");
    std_item.overhead_rate = d("0.5");
    let mut ledger = stockpost::ledger::Ledger::new(config);
    post_ok(&mut ledger, purchase("2020-01-01", "STD", "2", "6"));
    // direct 12; overhead 12 × 10% + 0.5 × 2 = 2.20; variance 30 − 12 − 2.20 = 15.80.
    assert_eq!(
        value_entries(&ledger, 1),
        vec![
            (CostEntryType::DirectCost, d("0"), d("12.00")),
            (CostEntryType::IndirectCost, d("0"), d("2.20")),
            (CostEntryType::Variance, d("0"), d("15.80")),
        ]
    );
    let variance = ledger.value_entries_of(1).nth(2).unwrap();
    assert_eq!(variance.variance_type, Some(VarianceType::Purchase));
    assert_eq!(variance.invoiced_quantity, d("0"));
    post_ok(&mut ledger, sale("2020-01-02", "STD", "1"));
    assert_eq!(cost(&ledger, 2), (d("-15"), d("0")));
    assert_invariants(&ledger);
}

#[test]
fn standard_purchase_above_standard_gives_negative_variance() {
    let mut ledger = stockpost::ledger::Ledger::new(company_with_standard_cost("15"));
    post_ok(&mut ledger, purchase("2020-01-01", "STD", "1", "20"));
    assert_eq!(
        value_entries(&ledger, 1),
        vec![
            (CostEntryType::DirectCost, d("0"), d("20.00")),
            (CostEntryType::Variance, d("0"), d("-5.00"))
        ]
    );
    assert_eq!(cost(&ledger, 1), (d("15.00"), d("0")));
}

#[test]
fn standard_receipt_is_expected_at_standard_and_invoice_books_the_variance() {
    let mut ledger = stockpost::ledger::Ledger::new(company_with_standard_cost("15"));
    post_ok(&mut ledger, receipt("2020-01-01", "STD", "2", "12"));
    assert_eq!(cost(&ledger, 1), (d("0"), d("30.00")));
    post_ok(
        &mut ledger,
        line(
            "2020-01-10",
            JournalLineKind::PurchaseInvoice {
                receipt_entry_no: 1,
                quantity: d("2"),
                cost: LineCost::DirectUnitCost(d("12")),
            },
        ),
    );
    assert_eq!(
        value_entries(&ledger, 1),
        vec![
            (CostEntryType::DirectCost, d("30.00"), d("0")),
            (CostEntryType::DirectCost, d("-30.00"), d("24.00")),
            (CostEntryType::Variance, d("0"), d("6.00")),
        ]
    );
    assert_invariants(&ledger);
}

#[test]
fn specific_items_apply_by_serial_number() {
    let mut ledger = ledger();
    let mut first = purchase("2020-01-01", "SPEC", "1", "100");
    first.serial_no = Some("SN-A".into());
    let mut second = purchase("2020-01-01", "SPEC", "1", "200");
    second.serial_no = Some("SN-B".into());
    post(&mut ledger, vec![first, second]).unwrap();
    let mut sold = sale("2020-01-05", "SPEC", "1");
    sold.serial_no = Some("SN-B".into());
    post_ok(&mut ledger, sold);
    assert_eq!(
        quantity_applications(&ledger),
        vec![(2, 3, "-1".into(), true, false)]
    );
    assert_eq!(remaining(&ledger), ["1", "0", "0"]);
    assert_invariants(&ledger);
}

#[test]
fn overhead_rate_is_indirect_cost_of_a_purchase() {
    let mut config = company();
    config.items[0].overhead_rate = d("1");
    let mut ledger = stockpost::ledger::Ledger::new(config);
    post_ok(&mut ledger, purchase("2020-01-01", "FIFO", "10", "7"));
    assert_eq!(
        value_entries(&ledger, 1),
        vec![
            (CostEntryType::DirectCost, d("0"), d("70.00")),
            (CostEntryType::IndirectCost, d("0"), d("10"))
        ]
    );
    // The unit cost includes overhead: 7 + 1.
    assert_eq!(
        ledger
            .item_cost_state(ledger.item_id("FIFO").unwrap())
            .unit_cost,
        d("8.00000")
    );
}
