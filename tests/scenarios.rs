//! The acceptance scenarios in `tests/scenarios/` run through the library runner, plus tests of
//! the runner itself on small inline scenarios.

use std::path::PathBuf;

use stockpost::ledger::invariants::check_sub_ledger;
use stockpost::scenario::{
    load_scenarios, parse_scenario, run_scenario, EngineCapabilities, ScenarioError,
    ScenarioReport, Status,
};

fn scenario_folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

/// Failures the engine is known to produce today, as `scenario id: failure message`. Empty: every
/// evaluable expectation passes. Listed explicitly so that this test fails both when a new
/// failure appears and when a known one starts passing (then remove it here).
const KNOWN_FAILURES: &[&str] = &[];

#[test]
fn every_acceptance_scenario_passes_and_keeps_the_sub_ledger_invariants() {
    let scenarios = load_scenarios(&[scenario_folder()]).expect("scenario files are valid");
    // The 19 cases of the shared oracle, and ours (`x*`, worked by hand from the spec and
    // Business Central's code).
    let shared = scenarios
        .iter()
        .filter(|scenario| scenario.id().starts_with('c'))
        .count();
    assert_eq!(shared, 19, "tests/scenarios holds the 19 oracle cases");
    assert!(scenarios.len() > shared, "and our own cases");
    let mut failures = Vec::new();
    for scenario in &scenarios {
        let run = run_scenario(scenario, EngineCapabilities::CURRENT);
        let report = &run.report;
        // Every case states entry numbers on its steps, so something is always evaluable.
        assert!(
            report.checked > 0,
            "{}: no expectation was checked",
            report.id
        );
        failures.extend(
            report
                .failures
                .iter()
                .map(|f| format!("{}: {}", report.id, f.message)),
        );
        let violations = check_sub_ledger(&run.books.ledger);
        let shown: Vec<String> = violations.iter().map(ToString::to_string).collect();
        assert!(
            shown.is_empty(),
            "{}: sub-ledger invariants broken: {shown:#?}",
            report.id
        );
    }
    assert_eq!(
        failures, KNOWN_FAILURES,
        "failures differ from the known list"
    );
}

#[test]
fn acceptance_totals_are_all_evaluated() {
    let scenarios = load_scenarios(&[scenario_folder()]).expect("scenario files are valid");
    let reports: Vec<ScenarioReport> = scenarios
        .iter()
        .map(|s| run_scenario(s, EngineCapabilities::CURRENT).report)
        .collect();
    let checked: usize = reports.iter().map(|r| r.checked).sum();
    let not_evaluated: usize = reports.iter().map(|r| r.not_evaluated_count).sum();
    // Update these figures when a capability is switched on or a case is added: the point is
    // that a change in coverage is seen, not absorbed. Sub-ledger only: 94 / 635; with G/L
    // posting: 122 / 621; with cost adjustment every expectation is evaluated (743 over the
    // oracle cases, and 27, 34, 27, 26, 27, 36 and 23 with x01 to x07).
    assert_eq!((checked, not_evaluated), (943, 0));
    let c19 = reports
        .iter()
        .find(|r| r.id == "c19_expected_cost_posting")
        .unwrap();
    // No cost adjustment in c19: everything is evaluated, G/L included.
    assert_eq!((c19.checked, c19.not_evaluated_count), (41, 0));
    let waiting: Vec<&str> = reports
        .iter()
        .flat_map(|r| &r.not_evaluated)
        .map(|n| n.reason.as_str())
        .filter(|reason| !reason.starts_with("needs cost adjustment"))
        .collect();
    assert_eq!(waiting, Vec::<&str>::new());
}

// ----- the runner on inline scenarios ---------------------------------------------------------

const HEADER: &str = r#"
schema = "bc-costing-oracle/1"
id = "inline"
title = "inline test scenario"
notes = "metadata keys are free"

[source]
kind = "derived"

[setup]
automatic_cost_posting = true
automatic_cost_adjustment = "never"
average_cost_period = "day"
average_cost_calc_type = "item"

[[item]]
no = "ITEM1"
costing_method = "fifo"
"#;

/// Purchase 2 @ 10 (ile 1), sale 1 (ile 2). Behind HEADER, step 1 is on line 20, step 2 on
/// line 29, and a block appended after a blank line starts on line 37.
const TWO_STEPS: &str = r#"
[[step]]
n = 1
op = "purchase"
date = 2020-01-01
item = "ITEM1"
qty = 2
unit_cost = 10.0
ile = 1

[[step]]
n = 2
op = "sale"
date = 2020-01-10
item = "ITEM1"
qty = 1
ile = 2
"#;

fn run_inline(body: &str) -> ScenarioReport {
    run_inline_with(body, EngineCapabilities::CURRENT)
}

fn run_inline_with(body: &str, capabilities: EngineCapabilities) -> ScenarioReport {
    let text = format!("{HEADER}{body}");
    let scenario = parse_scenario(&text, "inline.toml").expect("inline scenario is valid");
    run_scenario(&scenario, capabilities).report
}

fn messages(report: &ScenarioReport) -> Vec<&str> {
    report.failures.iter().map(|f| f.message.as_str()).collect()
}

#[test]
fn a_correct_scenario_passes_with_every_field_checked() {
    let report = run_inline(&format!(
        "{TWO_STEPS}\n[expect.totals]\nqty = 1.0\nvalue_actual = 10.0\nvalue_expected = 0.0\n\
         [[expect.ile]]\nile = 1\nentry_type = \"purchase\"\nqty = 2.0\nremaining_qty = 1.0\nopen = true\n\
         cost_actual = 20.0\ncost_expected = 0.0\n\
         [[expect.value_entry]]\nile = 2\nentry_type = \"direct_cost\"\nadjustment = false\nposting_date = 2020-01-10\n\
         valued_qty = -1.0\ncost_actual = -10.0\nposition_from_end = 1\n\
         [[expect.application]]\ninbound_ile = 1\noutbound_ile = 2\nqty = 1.0\ncost_application = true\n\
         quantity_application = true\n\
         [[expect.valuation_as_of]]\ndate = 2020-01-05\nqty = 2.0\nvalue = 20.0\n\
         [[expect.item]]\nno = \"ITEM1\"\nunit_cost = 10.0\n"
    ));
    assert_eq!(messages(&report), Vec::<&str>::new());
    assert_eq!(report.status, Status::Pass);
    // 2 entry numbers + 3 totals + 6 ile fields + 1 value entry + 1 application + 2 valuation + 1 item.
    assert_eq!((report.checked, report.not_evaluated_count), (16, 0));
}

#[test]
fn a_wrong_expectation_fails_with_expected_got_entry_and_point() {
    let report = run_inline(&format!(
        "{TWO_STEPS}\n[[expect.ile]]\nile = 1\ncost_actual = 25.0\nremaining_qty = 2.0\n\
         [[expect.value_entry]]\nile = 2\ncost_actual = -12.0\n"
    ));
    assert_eq!(report.status, Status::Fail);
    assert_eq!(
        messages(&report),
        [
            "ile 1 remaining_qty: expected 2, got 1 (after step 2)",
            "ile 1 cost_actual: expected 25.00, got 20.00 (after step 2)",
            "value_entry of ile 2: expected a value entry with cost_actual=-12.00, got none matches \
             among [#2 direct_cost item_charge=false adjustment=false posted 2020-01-10 valued \
             2020-01-10 valued_qty -1 cost_actual -10.00 cost_expected 0.00] (after step 2)",
        ]
    );
    assert_eq!(report.checked, 5);
}

#[test]
fn a_wrong_entry_number_on_a_step_fails_with_its_line() {
    let body = TWO_STEPS.replace("qty = 1\nile = 2", "qty = 1\nile = 3");
    let report = run_inline(&body);
    assert_eq!(
        messages(&report),
        ["step 2 (sale) ile: expected 3, got 2 (line 29)"]
    );
}

/// G/L blocks for TWO_STEPS: purchase 2 @ 10 on 01-01, sale 1 on 01-10, automatic cost posting.
const TWO_STEPS_GL: &str =
    "\n[expect.gl]\ninventory = 10.0\ncogs = 10.0\ndirect_cost_applied = -20.0\n\
     inventory_interim = 0.0\n\
     [[expect.gl_by_date]]\ndate = 2020-01-10\naccount = \"cogs\"\namount = 10.0\n\
     [[expect.gl_as_of]]\ndate = 2020-01-05\ninventory = 20.0\ncogs = 0.0\n\
     [[expect.gl_location]]\nlocation = \"\"\ninventory = 10.0\n";

fn without_cost_adjustment() -> EngineCapabilities {
    EngineCapabilities {
        gl_posting: true,
        cost_adjustment: false,
    }
}

fn without_gl_posting() -> EngineCapabilities {
    EngineCapabilities {
        gl_posting: false,
        cost_adjustment: false,
    }
}

#[test]
fn gl_expectations_are_evaluated_against_the_posted_gl() {
    let report = run_inline(&format!("{TWO_STEPS}{TWO_STEPS_GL}"));
    assert_eq!(messages(&report), Vec::<&str>::new());
    // 2 entry numbers + 4 gl + 1 by date + 1 "other dates" + 2 as of + 1 location.
    assert_eq!((report.checked, report.not_evaluated_count), (11, 0));
}

#[test]
fn wrong_gl_figures_fail_with_account_date_and_amount() {
    let report = run_inline(&format!(
        "{TWO_STEPS}\n[expect.gl]\ninventory = 20.0\n\
         [[expect.gl_by_date]]\ndate = 2020-01-01\naccount = \"inventory\"\namount = 20.0\n\
         [[expect.gl_by_date]]\ndate = 2020-01-10\naccount = \"cogs\"\namount = 11.0\n\
         [[expect.gl_as_of]]\ndate = 2020-01-10\ninventory = 20.0\n\
         [[expect.gl_location]]\nlocation = \"\"\ninventory = 20.0\n"
    ));
    assert_eq!(report.status, Status::Fail);
    assert_eq!(
        messages(&report),
        [
            "gl inventory: expected 20.00, got 10.00 (after step 2)",
            "gl_location  inventory: expected 20.00, got 10.00 (after step 2)",
            "gl_as_of 2020-01-10 inventory: expected 20.00, got 10.00 (after step 2)",
            "gl_by_date 2020-01-10 cogs: expected 11.00, got 10.00 (after step 2)",
            "gl_by_date inventory other dates: expected no net amount on dates other than \
             2020-01-01, got 2020-01-10: -10.00 (after step 2)",
        ]
    );
    // The listed inventory date itself holds; so does "cogs has no other dates".
    assert_eq!(report.checked, 9);
}

#[test]
fn gl_location_reads_the_inventory_account_of_each_location() {
    let located = TWO_STEPS
        .replace("qty = 2\n", "qty = 2\nlocation = \"BLUE\"\n")
        .replace("qty = 1\nile = 2", "qty = 1\nlocation = \"BLUE\"\nile = 2");
    let body = format!(
        "\n[[location]]\ncode = \"BLUE\"\n{located}\n\
         [[expect.gl_location]]\nlocation = \"BLUE\"\ninventory = 10.0\n\
         [[expect.gl_location]]\nlocation = \"\"\ninventory = 0.0\n\
         [expect.gl]\ninventory = 10.0\n"
    );
    let report = run_inline(&body);
    assert_eq!(messages(&report), Vec::<&str>::new());
    assert_eq!((report.checked, report.not_evaluated_count), (5, 0));
}

#[test]
fn without_automatic_cost_posting_the_gl_fills_at_the_post_inventory_cost_step() {
    let text = format!(
        "{HEADER}{TWO_STEPS}\n[[step]]\nn = 3\nop = \"post_inventory_cost_to_gl\"\n\
         [expect.gl]\ninventory = 10.0\ncogs = 10.0\ndirect_cost_applied = -20.0\n\
         [[checkpoint]]\nafter_step = 2\n[checkpoint.gl]\ninventory = 0.0\ncogs = 0.0\n"
    )
    .replace(
        "automatic_cost_posting = true",
        "automatic_cost_posting = false",
    );
    let scenario = parse_scenario(&text, "inline.toml").unwrap();
    let run = run_scenario(&scenario, EngineCapabilities::CURRENT);
    assert_eq!(messages(&run.report), Vec::<&str>::new());
    assert_eq!((run.report.checked, run.report.not_evaluated_count), (7, 0));
    assert!(run.books.general_ledger.queue().is_empty());
    assert_eq!(run.books.general_ledger.entries().len(), 4);
}

#[test]
fn entries_the_gl_posting_run_skips_fail_the_step_and_stay_queued() {
    let text = format!(
        "{HEADER}{TWO_STEPS}\n[[step]]\nn = 3\nop = \"set_allow_posting_from\"\ndate = 2020-01-05\n\
         [[step]]\nn = 4\nop = \"post_inventory_cost_to_gl\"\n\
         [expect.gl]\ncogs = 10.0\n"
    )
    .replace(
        "automatic_cost_posting = true",
        "automatic_cost_posting = false",
    );
    let scenario = parse_scenario(&text, "inline.toml").unwrap();
    let run = run_scenario(&scenario, EngineCapabilities::CURRENT);
    assert_eq!(
        messages(&run.report),
        [
            "step 4 (post_inventory_cost_to_gl): skipped and left queued: value entry 1: posting \
          date 2020-01-01 is not open for posting (line 41)"
        ]
    );
    // 2 entry numbers, the failed step, and gl cogs: the sale of 01-10 reached the G/L while
    // the purchase of 01-01 waits in the queue.
    assert_eq!((run.report.checked, run.report.failed), (4, 1));
    assert_eq!(
        run.books
            .general_ledger
            .queue()
            .iter()
            .copied()
            .collect::<Vec<_>>(),
        [1]
    );
}

#[test]
fn gl_expectations_are_not_evaluated_without_gl_posting_and_say_why() {
    let report = run_inline_with(&format!("{TWO_STEPS}{TWO_STEPS_GL}"), without_gl_posting());
    assert_eq!(report.status, Status::Pass);
    assert_eq!((report.checked, report.not_evaluated_count), (2, 9));
    let first = &report.not_evaluated[0];
    assert_eq!(first.subject, "gl inventory");
    assert_eq!(first.context, "after step 2");
    assert_eq!(
        first.reason,
        "needs G/L posting (engine capability gl_posting is off)"
    );
    let subjects: Vec<&str> = report
        .not_evaluated
        .iter()
        .map(|n| n.subject.as_str())
        .collect();
    assert_eq!(
        subjects,
        [
            "gl inventory",
            "gl inventory_interim",
            "gl cogs",
            "gl direct_cost_applied",
            "gl_location  inventory",
            "gl_as_of 2020-01-05 inventory",
            "gl_as_of 2020-01-05 cogs",
            "gl_by_date 2020-01-10 cogs",
            "gl_by_date cogs other dates",
        ]
    );
}

#[test]
fn without_cost_adjustment_everything_from_the_first_adjust_cost_step_on_is_not_evaluated() {
    let report = run_inline_with(
        &format!(
            "{TWO_STEPS}\n[[step]]\nn = 3\nop = \"adjust_cost\"\n\
         [[step]]\nn = 4\nop = \"sale\"\ndate = 2020-01-11\nitem = \"ITEM1\"\nqty = 1\nile = 3\n\
         [[expect.ile]]\nile = 2\ncost_actual = -99.0\n\
         [[checkpoint]]\nafter_step = 2\n[[checkpoint.ile]]\nile = 2\ncost_actual = -10.0\n\
         [[checkpoint]]\nafter_step = 3\n[[checkpoint.ile]]\nile = 2\ncost_actual = -10.0\n"
        ),
        without_cost_adjustment(),
    );
    // The wrong final figure (-99) is not evaluated, so the scenario passes; the counts show it.
    assert_eq!(report.status, Status::Pass);
    assert_eq!((report.checked, report.not_evaluated_count), (4, 2));
    for item in &report.not_evaluated {
        assert_eq!(
            item.reason,
            "needs cost adjustment (adjust_cost runs at step 3)"
        );
    }
    assert_eq!(report.skipped_steps.len(), 1);
    assert_eq!(report.skipped_steps[0].op, "adjust_cost");
    // The sale after the skipped step still ran: its entry number was checked.
}

#[test]
fn without_cost_adjustment_automatic_adjustment_always_blocks_everything_after_the_first_posting() {
    let body = format!(
        "{TWO_STEPS}\n[[expect.ile]]\nile = 1\nqty = 2.0\n\
         [[checkpoint]]\nafter_step = 1\n[[checkpoint.ile]]\nile = 1\nqty = 2.0\n"
    );
    let report = run_inline(&body);
    let text = format!("{HEADER}{body}").replace(
        "automatic_cost_adjustment = \"never\"",
        "automatic_cost_adjustment = \"always\"",
    );
    let scenario = parse_scenario(&text, "inline.toml").unwrap();
    let always = run_scenario(&scenario, without_cost_adjustment()).report;
    assert_eq!((report.checked, report.not_evaluated_count), (4, 0));
    assert_eq!((always.checked, always.not_evaluated_count), (2, 2));
    let adjusted = run_scenario(&scenario, EngineCapabilities::CURRENT).report;
    assert_eq!((adjusted.checked, adjusted.not_evaluated_count), (4, 0));
    assert_eq!(
        always.not_evaluated[0].reason,
        "needs cost adjustment (automatic_cost_adjustment = always, from step 1)"
    );
}

#[test]
fn a_step_the_engine_rejects_fails_the_scenario_and_stops_it() {
    let body = TWO_STEPS.replace("qty = 1\nile = 2", "qty = 1\napplies_to_ile = 99\nile = 2");
    let report = run_inline(&format!("{body}\n[[expect.ile]]\nile = 1\nqty = 2.0\n"));
    assert_eq!(report.status, Status::Fail);
    assert_eq!(report.failures.len(), 1);
    let failure = &report.failures[0];
    assert_eq!(failure.subject, "step 2 (sale)");
    assert!(
        failure
            .actual
            .starts_with("rejected by the engine: inline.toml:29: "),
        "{}",
        failure.actual
    );
    let reasons: Vec<&str> = report
        .not_evaluated
        .iter()
        .map(|n| n.reason.as_str())
        .collect();
    assert_eq!(
        reasons,
        ["the step was rejected", "scenario stopped at step 2"]
    );
}

#[test]
fn an_adjust_cost_step_runs_the_engine() {
    // A wrong figure after the adjustment now fails: it is evaluated, not skipped.
    let report = run_inline(&format!(
        "{TWO_STEPS}\n[[step]]\nn = 3\nop = \"adjust_cost\"\n\
         [[expect.ile]]\nile = 2\ncost_actual = -99.0\n"
    ));
    assert_eq!(
        messages(&report),
        ["ile 2 cost_actual: expected -99.00, got -10.00 (after step 3)"]
    );
    assert!(report.skipped_steps.is_empty());
}

// ----- invalid input --------------------------------------------------------------------------

fn parse_error(body: &str) -> ScenarioError {
    parse_scenario(&format!("{HEADER}{body}"), "bad.toml").expect_err("scenario must be refused")
}

#[test]
fn a_typo_in_a_step_field_names_the_file_and_line() {
    let error = parse_error(&TWO_STEPS.replace("unit_cost = 10.0", "unit_cots = 10.0"));
    assert_eq!(
        error.to_string(),
        "bad.toml:26: unknown field `unit_cots`, expected one of `n`, `op`, `date`, `item`, `location`, \
         `from_location`, `to_location`, `qty`, `unit_cost`, `amount`, `unit_price`, `serial_no`, \
         `applies_to_ile`, `applies_from_ile`, `receipt_ile`, `shipment_ile`, `assign_to_ile`, \
         `calculate_per`, `unit_cost_revalued`, `expect_revalued_qty`, `expect_revaluation_amount`, \
         `new_standard_cost`, `ile`, `ile_out`, `ile_in`, `expect_error`, `note`"
    );
}

#[test]
fn structural_mistakes_are_refused_with_their_line() {
    let cases = [
        (TWO_STEPS.replace("unit_cost = 10.0\n", ""), "bad.toml:20: step 1 (purchase) needs `unit_cost` or `amount`"),
        (TWO_STEPS.replace("qty = 1\nile = 2", "qty = 1\nreceipt_ile = 1\nile = 2"), "bad.toml:29: step 2 (sale) does not use field `receipt_ile`; remove it"),
        (TWO_STEPS.replace("item = \"ITEM1\"\nqty = 1\n", "item = \"ITEM2\"\nqty = 1\n"), "bad.toml:29: step 2 (sale): item `ITEM2` is not in [[item]]"),
        (format!("{TWO_STEPS}\n[[checkpoint]]\nafter_step = 7\n"), "bad.toml:37: after_step = 7: there is no step 7"),
        (format!("{TWO_STEPS}\n[[stepp]]\nn = 3\n"), "bad.toml:37: unknown block `stepp`; expected one of setup, item, location, step, expect, checkpoint, source"),
        (format!("{TWO_STEPS}\n[expect.gl]\ninventori = 1.0\n"), "bad.toml:38: unknown variant `inventori`, expected one of `inventory`, `inventory_interim`, `invt_accrual_interim`, `cogs`, `cogs_interim`, `inventory_adjmt`, `direct_cost_applied`, `overhead_applied`, `purchase_variance`"),
    ];
    for (body, expected) in cases {
        assert_eq!(parse_error(&body).to_string(), expected);
    }
}

#[test]
fn floats_in_the_file_become_exact_decimals() {
    let text = format!(
        "{HEADER}{}",
        TWO_STEPS.replace("unit_cost = 10.0", "unit_cost = 3.33")
    );
    let scenario = parse_scenario(&text, "inline.toml").unwrap();
    let unit_cost = scenario.steps[0].step.unit_cost.unwrap().0;
    assert_eq!(unit_cost.to_string(), "3.33");
}
