//! Bad input never half-posts: each kind of bad line gets a message naming the file, line and
//! field, and the ledger is left exactly as it was.

mod common;
use common::*;
use stockpost::config::CompanyConfig;
use stockpost::journal::{
    JournalLine, JournalLineKind, LineCost, RevaluationScope, RevaluationTarget,
};
use stockpost::ledger::Ledger;

/// Everything observable about a ledger, to compare before and after a failed batch.
fn snapshot(ledger: &Ledger) -> String {
    let items: Vec<_> = (0..ledger.config().items.len() as u32)
        .map(|index| {
            ledger
                .item_cost_state(stockpost::ledger::ItemId(index))
                .clone()
        })
        .collect();
    let entries_per_item: Vec<Vec<u64>> = (0..ledger.config().items.len() as u32)
        .map(|index| {
            ledger
                .entries_of_item(stockpost::ledger::ItemId(index))
                .map(|entry| entry.entry_no)
                .collect()
        })
        .collect();
    // The application index per item ledger entry (inbound, outbound and transfer origin side).
    let applications: Vec<Vec<u64>> = ledger
        .item_ledger_entries()
        .iter()
        .map(|entry| {
            ledger
                .applications_of(entry.entry_no)
                .map(|application| application.entry_no)
                .collect()
        })
        .collect();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{entries_per_item:?}\n{applications:?}",
        ledger.item_ledger_entries(),
        ledger.value_entries(),
        ledger.item_application_entries(),
        items,
        ledger.entry_points(),
        ledger.applied_entries_to_adjust().collect::<Vec<_>>()
    )
}

/// A ledger with some history: receipts at BLUE, a partly invoiced receipt, a shipment, a serial.
fn history(config: CompanyConfig) -> Ledger {
    let mut ledger = Ledger::new(config);
    let mut blue = purchase("2020-01-01", "FIFO", "10", "10");
    blue.kind = JournalLineKind::Purchase {
        item: "FIFO".into(),
        location: "BLUE".into(),
        quantity: d("10"),
        cost: LineCost::DirectUnitCost(d("10")),
    };
    post_ok(&mut ledger, blue);
    post_ok(&mut ledger, receipt("2020-01-02", "FIFO", "5", "11"));
    post_ok(&mut ledger, shipment("2020-01-03", "FIFO", "2"));
    let mut serial = purchase("2020-01-04", "SPEC", "1", "500");
    serial.serial_no = Some("SN-1".into());
    post_ok(&mut ledger, serial);
    post_ok(&mut ledger, purchase("2020-01-05", "LIFO", "3", "7"));
    ledger
}

/// Posts `good` lines followed by `bad` as one batch and checks the error and that nothing moved.
fn assert_rejected(config: CompanyConfig, bad: JournalLine, expected_message: &str) {
    let mut ledger = history(config);
    let before = snapshot(&ledger);
    let mut good = sale("2020-01-06", "LIFO", "1");
    good.source.line = 1;
    let error = post(
        &mut ledger,
        vec![good, purchase("2020-01-06", "FIFO", "1", "9"), bad],
    )
    .unwrap_err();
    assert_eq!(error.to_string(), expected_message);
    assert_eq!(
        snapshot(&ledger),
        before,
        "a rejected batch must leave the ledger unchanged"
    );
    // The ledger still works and numbers on from where it was.
    let outcome = post_ok(&mut ledger, purchase("2020-01-07", "FIFO", "1", "9"));
    assert_eq!(outcome.lines[0].item_ledger_entry_nos, 6..7);
    assert_invariants(&ledger);
}

/// A revaluation line of the Average item AVG at `unit_cost`.
fn avg_revaluation(date: &str, scope: RevaluationScope, unit_cost: &str) -> JournalLine {
    line(
        date,
        JournalLineKind::Revaluation {
            item: "AVG".into(),
            scope,
            target: RevaluationTarget::UnitCost(d(unit_cost)),
        },
    )
}

fn reject(bad: JournalLine, expected_message: &str) {
    assert_rejected(company(), bad, expected_message);
}

#[test]
fn unknown_item() {
    reject(
        purchase("2020-01-06", "NOPE", "1", "1"),
        "test.csv:2: field `item`: unknown item \"NOPE\"; add it to config/items.toml or correct the item no.",
    );
}

#[test]
fn unknown_location() {
    let mut bad = purchase("2020-01-06", "FIFO", "1", "1");
    bad.kind = JournalLineKind::Purchase {
        item: "FIFO".into(),
        location: "GREEN".into(),
        quantity: d("1"),
        cost: LineCost::DirectUnitCost(d("1")),
    };
    reject(bad, "test.csv:2: field `location`: unknown location \"GREEN\"; add it to config/locations.toml or leave it blank");
}

#[test]
fn negative_quantity() {
    reject(
        sale("2020-01-06", "FIFO", "-1"),
        "test.csv:2: field `quantity`: must be positive, got -1; the line type gives the direction",
    );
}

#[test]
fn negative_unit_cost() {
    reject(
        purchase("2020-01-06", "FIFO", "1", "-1"),
        "test.csv:2: field `unit_cost`: must not be negative, got -1",
    );
}

#[test]
fn empty_document_no() {
    let mut bad = purchase("2020-01-06", "FIFO", "1", "1");
    bad.document_no = " ".into();
    reject(
        bad,
        "test.csv:2: field `document_no`: is empty; every line needs a document no.",
    );
}

#[test]
fn date_before_allow_posting_from() {
    let mut config = company();
    config.inventory_setup.allow_posting_from = Some(date("2020-01-01"));
    assert_rejected(
        config,
        purchase("2019-12-31", "FIFO", "1", "1"),
        "test.csv:2: field `posting_date`: 2019-12-31 is before the first allowed posting date 2020-01-01 (allow_posting_from in config/company.toml)",
    );
}

#[test]
fn date_after_allow_posting_to() {
    let mut config = company();
    config.inventory_setup.allow_posting_to = Some(date("2020-01-31"));
    assert_rejected(
        config,
        purchase("2020-02-01", "FIFO", "1", "1"),
        "test.csv:2: field `posting_date`: 2020-02-01 is after the last allowed posting date 2020-01-31 (allow_posting_to in config/company.toml)",
    );
}

#[test]
fn date_in_a_closed_inventory_period() {
    let mut config = company();
    config.inventory_setup.inventory_periods_closed_through = Some(date("2019-12-31"));
    assert_rejected(
        config,
        purchase("2019-12-31", "FIFO", "1", "1"),
        "test.csv:2: field `posting_date`: 2019-12-31 is in a closed inventory period (closed through 2019-12-31); post on a later date or reopen the period in config/company.toml",
    );
}

#[test]
fn invoice_for_more_than_was_received() {
    reject(
        line("2020-01-06", JournalLineKind::PurchaseInvoice { receipt_entry_no: 2, quantity: d("6"), cost: LineCost::DirectUnitCost(d("11")) }),
        "test.csv:2: field `quantity`: invoices 6, but only 5 of item ledger entry 2 are received and not yet invoiced",
    );
}

#[test]
fn invoice_for_more_than_was_shipped() {
    reject(
        line("2020-01-06", JournalLineKind::SalesInvoice { shipment_entry_no: 3, quantity: d("3"), unit_price: d("1") }),
        "test.csv:2: field `quantity`: invoices 3, but only 2 of item ledger entry 3 are shipped and not yet invoiced",
    );
}

#[test]
fn invoice_of_an_entry_that_is_not_a_receipt() {
    reject(
        line("2020-01-06", JournalLineKind::PurchaseInvoice { receipt_entry_no: 3, quantity: d("1"), cost: LineCost::DirectUnitCost(d("11")) }),
        "test.csv:2: field `receipt_entry_no`: item ledger entry 3 is a sale entry of quantity -2, not a purchase receipt",
    );
}

#[test]
fn invoice_of_a_missing_entry() {
    reject(
        line(
            "2020-01-06",
            JournalLineKind::SalesInvoice {
                shipment_entry_no: 99,
                quantity: d("1"),
                unit_price: d("1"),
            },
        ),
        "test.csv:2: field `shipment_entry_no`: item ledger entry 99 does not exist",
    );
}

#[test]
fn purchase_return_applied_to_an_entry_of_another_item() {
    reject(
        line(
            "2020-01-06",
            JournalLineKind::PurchaseReturn { item: "LIFO".into(), location: String::new(), quantity: d("1"), direct_unit_cost: d("1"), applies_to_entry_no: Some(2) },
        ),
        "test.csv:2: field `applies_to_entry_no`: item ledger entry 2 is of item FIFO, not LIFO; apply to an entry of the same item",
    );
}

#[test]
fn sales_return_applied_to_an_entry_of_another_item() {
    reject(
        line(
            "2020-01-06",
            JournalLineKind::SalesReturn { item: "LIFO".into(), location: String::new(), quantity: d("1"), unit_price: d("1"), applies_from_entry_no: Some(3) },
        ),
        "test.csv:2: field `applies_from_entry_no`: item ledger entry 3 is of item FIFO, not LIFO; a return must apply to an entry of the same item",
    );
}

#[test]
fn fixed_application_to_an_entry_at_another_location() {
    reject(
        line(
            "2020-01-06",
            JournalLineKind::NegativeAdjustment { item: "FIFO".into(), location: String::new(), quantity: d("1"), applies_to_entry_no: Some(1) },
        ),
        "test.csv:2: field `applies_to_entry_no`: item ledger entry 1 is at location \"BLUE\", the line at \"\"; application stays within one location",
    );
}

#[test]
fn fixed_application_for_more_than_is_open() {
    reject(
        line(
            "2020-01-06",
            JournalLineKind::PurchaseReturn {
                item: "FIFO".into(),
                location: String::new(),
                quantity: d("4"),
                direct_unit_cost: d("1"),
                applies_to_entry_no: Some(2),
            },
        ),
        "test.csv:2: field `quantity`: takes 4 from item ledger entry 2, which has only 3 open",
    );
}

#[test]
fn serial_number_shipped_twice() {
    let mut first = sale("2020-01-06", "SPEC", "1");
    first.serial_no = Some("SN-1".into());
    let mut second = sale("2020-01-06", "SPEC", "1");
    second.serial_no = Some("SN-1".into());
    let mut ledger = history(company());
    let before = snapshot(&ledger);
    let error = post(&mut ledger, vec![first, second]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "test.csv:2: field `serial_no`: serial no. \"SN-1\" of item SPEC is not in inventory at location \"\" (never received there, or already shipped)"
    );
    assert_eq!(snapshot(&ledger), before);
    // The serial is still on hand after the rollback: one sale of it posts.
    let mut again = sale("2020-01-06", "SPEC", "1");
    again.serial_no = Some("SN-1".into());
    post_ok(&mut ledger, again);
}

#[test]
fn serial_number_received_twice() {
    let mut bad = purchase("2020-01-06", "SPEC", "1", "1");
    bad.serial_no = Some("SN-1".into());
    reject(bad, "test.csv:2: field `serial_no`: serial no. \"SN-1\" of item SPEC is already in inventory (item ledger entry 4)");
}

#[test]
fn serial_number_missing_on_a_serial_tracked_item() {
    reject(
        purchase("2020-01-06", "SPEC", "1", "1"),
        "test.csv:2: field `serial_no`: item SPEC is serial-tracked: give the serial no. of the unit",
    );
}

#[test]
fn negative_inventory_where_it_is_prevented() {
    let mut config = company();
    config.inventory_setup.prevent_negative_inventory = true;
    // 5 received at the blank location, 2 shipped, 1 bought in the same batch: 4 on hand.
    assert_rejected(
        config,
        sale("2020-01-06", "FIFO", "5"),
        "test.csv:2: field `quantity`: takes 5 of item FIFO from location \"\", but only 4 are in inventory and negative inventory is prevented",
    );
}

#[test]
fn a_rejected_batch_with_a_transfer_leaves_the_application_index_as_it_was() {
    let mut ledger = history(company());
    let before = snapshot(&ledger);
    let transfer = line(
        "2020-01-06",
        JournalLineKind::Transfer {
            item: "FIFO".into(),
            from_location: "BLUE".into(),
            to_location: "RED".into(),
            quantity: d("2"),
        },
    );
    let error = post(
        &mut ledger,
        vec![transfer, shipment("2020-01-06", "NO-SUCH-ITEM", "1")],
    )
    .unwrap_err();
    assert!(error.to_string().contains("NO-SUCH-ITEM"), "{error}");
    assert_eq!(snapshot(&ledger), before);
    // The transfer posts afterwards and the indexes are those of a ledger that never failed.
    let retry = line(
        "2020-01-06",
        JournalLineKind::Transfer {
            item: "FIFO".into(),
            from_location: "BLUE".into(),
            to_location: "RED".into(),
            quantity: d("2"),
        },
    );
    post_ok(&mut ledger, retry.clone());
    let mut clean = history(company());
    post_ok(&mut clean, retry);
    assert_eq!(snapshot(&ledger), snapshot(&clean));
}

#[test]
fn transfer_to_the_same_location() {
    reject(
        line(
            "2020-01-06",
            JournalLineKind::Transfer {
                item: "FIFO".into(),
                from_location: "BLUE".into(),
                to_location: "BLUE".into(),
                quantity: d("1"),
            },
        ),
        "test.csv:2: field `to_location`: transfers from \"BLUE\" to itself; name another location",
    );
}

#[test]
fn item_charge_assigned_to_a_missing_entry() {
    reject(
        line(
            "2020-01-06",
            JournalLineKind::ItemCharge {
                item_charge_no: "FREIGHT".into(),
                amount: d("5"),
                assign_to_entry_nos: vec![1, 42],
            },
        ),
        "test.csv:2: field `assign_to_entry_nos`: item ledger entry 42 does not exist",
    );
}

#[test]
fn revaluation_with_nothing_to_revalue() {
    reject(
        avg_revaluation("2020-01-06", RevaluationScope::Item { location: None }, "5"),
        "test.csv:2: field `item`: item AVG has no revaluable quantity on 2020-01-06 (nothing invoiced and on hand)",
    );
}

/// Business Central revalues an Average item per item only (issue 13, rule 6; cu 23).
#[test]
fn revaluation_of_an_average_item_per_entry() {
    reject(
        avg_revaluation("2020-01-06", RevaluationScope::Entry { entry_no: 1 }, "5"),
        "test.csv:2: field `revalue`: item AVG uses Average cost: Calculate Inventory Value \
         revalues it per item only; write `revalue` = \"item\"",
    );
}

/// ... and only at the end of an average cost period (issue 13, rule 6; report 5899).
#[test]
fn revaluation_of_an_average_item_inside_its_period() {
    let mut config = company();
    config.inventory_setup.average_cost_period = stockpost::config::AverageCostPeriod::Month;
    assert_rejected(
        config,
        avg_revaluation("2020-01-06", RevaluationScope::Item { location: None }, "5"),
        "test.csv:2: field `posting_date`: item AVG uses Average cost: it can be revalued only \
         at the end of an average cost period; 2020-01-06 is not one (its period ends on \
         2020-01-31)",
    );
}

/// Once Calculate Inventory Value has revalued an Average item, Business Central refuses an
/// applies-to revaluation line for it (issue 13, rule 6).
#[test]
fn applies_to_revaluation_of_an_average_item_after_a_partial_one() {
    let mut ledger = Ledger::new(company());
    post_ok(&mut ledger, purchase("2020-01-01", "AVG", "4", "10"));
    post_ok(
        &mut ledger,
        avg_revaluation(
            "2020-01-02",
            RevaluationScope::Item { location: None },
            "12",
        ),
    );
    let before = snapshot(&ledger);
    let error = post(
        &mut ledger,
        vec![avg_revaluation(
            "2020-01-03",
            RevaluationScope::AppliesTo { entry_no: 1 },
            "11",
        )],
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "test.csv:2: field `revalue`: item AVG uses Average cost and has been revalued by \
         Calculate Inventory Value: an applies-to revaluation line is refused from then on (as \
         Business Central does); revalue the item per item instead"
    );
    assert_eq!(snapshot(&ledger), before);
}
