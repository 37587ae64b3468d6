//! Cost adjustment triggers: the shipped default (BC's Automatic Cost Adjustment), the examples of
//! docs/rules.md §9, and the errors of a broken trigger rule.

mod common;
mod rules_support;
use common::*;
use stockpost::books::Books;
use stockpost::config::{AutomaticCostAdjustment, CompanyConfig};
use stockpost::glpost::RoleAccounts;
use stockpost::journal::{JournalLine, JournalLineKind, LineCost};
use stockpost::ledger::Ledger;
use stockpost::posting::PostingContext;
use stockpost::rules::{AdjustmentTrigger, RuleLimits, TriggerBatch, TriggerDecision};

/// The `rhai` blocks of docs/rules.md §9 that define the trigger, in order.
fn documented_triggers() -> Vec<String> {
    rules_support::rhai_blocks()
        .into_iter()
        .filter(|block| block.contains("fn cost_adjustment_trigger"))
        .collect()
}

fn trigger(text: &str) -> AdjustmentTrigger {
    let files = [("rules/adjustment.rhai".to_string(), text.to_string())];
    AdjustmentTrigger::from_sources(&files, RuleLimits::default())
        .unwrap()
        .unwrap()
}

fn config_with(setting: AutomaticCostAdjustment) -> CompanyConfig {
    let mut config = company();
    config.inventory_setup.automatic_cost_adjustment = setting;
    let raw = config
        .items
        .iter_mut()
        .find(|item| item.no == "LIFO")
        .unwrap();
    raw.inventory_posting_group = "RAWMAT".into();
    config
}

/// Posts `lines` as one batch with `work_date` and describes the batch for the trigger.
fn batch(ledger: &mut Ledger, lines: Vec<JournalLine>, work_date: &str) -> TriggerBatch {
    let outcome = ledger
        .post_batch(
            &lines,
            &PostingContext {
                work_date: date(work_date),
            },
        )
        .unwrap();
    TriggerBatch::new(outcome.value_entry_nos(), date(work_date))
}

fn items(names: &[&str]) -> TriggerDecision {
    TriggerDecision::Items(names.iter().map(|name| name.to_string()).collect())
}

#[test]
fn the_shipped_rule_is_the_documented_default() {
    let documented = &documented_triggers()[0];
    let shipped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/ch-kmu/adjustment.rhai"
    ))
    .unwrap();
    assert!(
        shipped.contains(documented.trim()),
        "rules/ch-kmu/adjustment.rhai differs from docs/rules.md §9"
    );
}

#[test]
fn default_rule_follows_the_automatic_cost_adjustment_window() {
    let default = AdjustmentTrigger::business_central_default();
    let mut ledger = Ledger::new(config_with(AutomaticCostAdjustment::Day));
    // FIFO posted on the work date, LIFO three days back: outside the one-day window.
    let described = batch(
        &mut ledger,
        vec![
            purchase("2020-01-10", "FIFO", "1", "5"),
            purchase("2020-01-07", "LIFO", "1", "5"),
        ],
        "2020-01-10",
    );
    assert_eq!(
        default.decide(&ledger, &described).unwrap(),
        items(&["FIFO"])
    );
    // The flag sticks: a later posting of LIFO inside the window is still not adjusted online.
    let described = batch(
        &mut ledger,
        vec![sale("2020-01-10", "LIFO", "1")],
        "2020-01-10",
    );
    assert_eq!(
        default.decide(&ledger, &described).unwrap(),
        TriggerDecision::NotNow
    );

    let mut never = Ledger::new(config_with(AutomaticCostAdjustment::Never));
    let described = batch(
        &mut never,
        vec![purchase("2020-01-10", "FIFO", "1", "5")],
        "2020-01-10",
    );
    assert_eq!(
        default.decide(&never, &described).unwrap(),
        TriggerDecision::NotNow
    );

    let mut always = Ledger::new(config_with(AutomaticCostAdjustment::Always));
    let described = batch(
        &mut always,
        vec![purchase("2015-01-10", "AVG", "1", "5")],
        "2020-01-10",
    );
    assert_eq!(
        default.decide(&always, &described).unwrap(),
        items(&["AVG"])
    );
}

#[test]
fn raw_materials_only_at_month_end() {
    let rule = trigger(&documented_triggers()[1]);
    let mut ledger = Ledger::new(config_with(AutomaticCostAdjustment::Always));
    let lines = || {
        vec![
            purchase("2020-01-30", "FIFO", "1", "5"),
            purchase("2020-01-30", "LIFO", "1", "5"),
        ]
    };
    let mid_month = batch(&mut ledger, lines(), "2020-01-30");
    assert_eq!(rule.decide(&ledger, &mid_month).unwrap(), items(&["FIFO"]));
    let month_end = batch(&mut ledger, lines(), "2020-01-31");
    assert_eq!(
        rule.decide(&ledger, &month_end).unwrap(),
        items(&["FIFO", "LIFO"])
    );
}

#[test]
fn invoice_differing_from_its_receipt_by_more_than_two_percent() {
    let rule = trigger(&documented_triggers()[2]);
    let mut ledger = Ledger::new(config_with(AutomaticCostAdjustment::Never));
    batch(
        &mut ledger,
        vec![
            receipt("2020-01-02", "FIFO", "10", "10"),
            receipt("2020-01-02", "LIFO", "10", "10"),
        ],
        "2020-01-02",
    );
    let invoice = |entry: u64, unit_cost: &str| {
        line(
            "2020-01-20",
            JournalLineKind::PurchaseInvoice {
                receipt_entry_no: entry,
                quantity: d("10"),
                cost: LineCost::DirectUnitCost(d(unit_cost)),
            },
        )
    };
    // 101 against 100 expected: 1 %. 105 against 100: 5 %.
    let described = batch(
        &mut ledger,
        vec![invoice(1, "10.10"), invoice(2, "10.50")],
        "2020-01-20",
    );
    assert_eq!(rule.decide(&ledger, &described).unwrap(), items(&["LIFO"]));
    let exactly = batch(
        &mut ledger,
        vec![receipt("2020-01-21", "FIFO", "10", "10")],
        "2020-01-21",
    );
    assert_eq!(
        rule.decide(&ledger, &exactly).unwrap(),
        TriggerDecision::NotNow
    );
}

#[test]
fn true_means_every_item_of_the_batch() {
    let rule = trigger("fn cost_adjustment_trigger(batch) { true }");
    let mut ledger = ledger();
    let described = batch(
        &mut ledger,
        vec![
            purchase("2020-01-02", "LIFO", "1", "1"),
            purchase("2020-01-02", "FIFO", "1", "1"),
        ],
        "2020-01-02",
    );
    assert_eq!(
        rule.decide(&ledger, &described).unwrap(),
        items(&["FIFO", "LIFO"])
    );
}

#[test]
fn a_rule_set_without_a_trigger_has_none() {
    let files = [(
        "rules/general.rhai".to_string(),
        "fn general_accounts(key) { #{} }".to_string(),
    )];
    assert!(
        AdjustmentTrigger::from_sources(&files, RuleLimits::default())
            .unwrap()
            .is_none()
    );
}

#[test]
fn broken_trigger_rules_name_file_line_and_what_to_do() {
    let mut ledger = ledger();
    let described = batch(
        &mut ledger,
        vec![purchase("2020-01-02", "FIFO", "1", "1")],
        "2020-01-02",
    );
    let error = trigger("fn cost_adjustment_trigger(batch) {\n    \"FIFO\"\n}\n")
        .decide(&ledger, &described)
        .unwrap_err();
    assert_eq!(error.message, "`cost_adjustment_trigger` returned a string");
    let location = error.location.clone().unwrap();
    assert_eq!(
        (location.file.as_str(), location.line),
        ("rules/adjustment.rhai", 1)
    );
    let error = trigger("fn cost_adjustment_trigger(batch) { [\"NOPE\"] }")
        .decide(&ledger, &described)
        .unwrap_err();
    assert_eq!(
        error.message,
        "`cost_adjustment_trigger` returned unknown item \"NOPE\""
    );
    let error = trigger("fn cost_adjustment_trigger(batch) {\n    let x = 1;\n    x / 0\n}\n")
        .decide(&ledger, &described)
        .unwrap_err();
    assert_eq!(error.location.unwrap().line, 3);
    assert!(
        error.message.starts_with("rule failed: Division by zero"),
        "{}",
        error.message
    );
    let error = trigger("fn cost_adjustment_trigger(batch) { loop { } }")
        .decide(&ledger, &described)
        .unwrap_err();
    assert_eq!(
        error.message,
        "the rule exceeded the sandbox limit of 100000 operations (a loop that never ends?)"
    );
    let errors = AdjustmentTrigger::from_sources(
        &[(
            "rules/adjustment.rhai".to_string(),
            "fn cost_adjustment_trigger(a, b) { [] }".to_string(),
        )],
        RuleLimits::default(),
    )
    .unwrap_err();
    assert_eq!(
        errors.0[0].message,
        "`cost_adjustment_trigger` must take exactly one parameter (the batch), it takes 2"
    );
}

#[test]
fn books_adjust_what_the_trigger_names_after_a_batch() {
    let mut config = config_with(AutomaticCostAdjustment::Always);
    config.inventory_setup.automatic_cost_posting = true;
    let mut books = Books::new(config);
    let accounts = RoleAccounts::new();
    let default = AdjustmentTrigger::business_central_default();
    let context = PostingContext {
        work_date: date("2020-01-20"),
    };
    let post = |books: &mut Books, lines: Vec<JournalLine>| {
        let posting = books.post_journal(&lines, &context, &accounts).unwrap();
        books
            .run_adjustment_trigger(&default, &posting, context.work_date, &accounts)
            .unwrap()
    };
    post(
        &mut books,
        vec![
            receipt("2020-01-20", "FIFO", "10", "10"),
            sale("2020-01-20", "FIFO", "10"),
        ],
    );
    let invoice = line(
        "2020-01-20",
        JournalLineKind::PurchaseInvoice {
            receipt_entry_no: 1,
            quantity: d("10"),
            cost: LineCost::DirectUnitCost(d("12")),
        },
    );
    let adjusted = post(&mut books, vec![invoice]).expect("the trigger ran the adjustment");
    assert_eq!(adjusted.adjustment.items["FIFO"].amount, d("-20"));
    assert_eq!(cost(&books.ledger, 2), (d("-120"), d("0")));
    // Posted to the G/L at once, since automatic cost posting is on.
    assert_eq!(adjusted.cost_posting.gl_entries_created, 2);
}

#[test]
fn the_batch_is_read_from_the_ledger_when_the_rule_reads_it() {
    let mut ledger = Ledger::new(config_with(AutomaticCostAdjustment::Never));
    let described = batch(
        &mut ledger,
        vec![
            purchase("2020-01-10", "FIFO", "2", "5"),
            purchase("2020-01-10", "LIFO", "3", "7"),
            sale("2020-01-11", "FIFO", "1"),
        ],
        "2020-01-11",
    );
    // Read many times, by property and by index: the same entries each time (built once).
    let rule = trigger(
        r#"fn cost_adjustment_trigger(batch) {
            let total = 0;
            for i in 0..batch.entries.len() {
                total += batch.entries[i].valued_quantity;
                total += batch["entries"][i].cost_actual;
            }
            if batch["setting"] != "never" || batch.work_date != "2020-01-11" { return false; }
            if total != 2 + 10 + 3 + 21 - 1 - 5 { return false; }
            let sold = batch.entries.filter(|e| e.entry_type == "sale");
            let picked = [sold[0].item];
            for no in batch.items.keys() {
                if batch.items[no].costing_method == "lifo" { picked.push(no); }
            }
            picked
        }"#,
    );
    assert_eq!(
        rule.decide(&ledger, &described).unwrap(),
        items(&["FIFO", "LIFO"])
    );
    // A property the batch does not have is an error that lists the ones it has.
    let error = trigger("fn cost_adjustment_trigger(batch) { batch[\"entry\"] }")
        .decide(&ledger, &described)
        .unwrap_err();
    assert!(
        error
            .message
            .contains("it has work_date, setting, entries and items"),
        "{}",
        error.message
    );
}
