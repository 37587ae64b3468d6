//! Each sandbox limit fires with a clear message, and a rule set that trips one does not load
//! (so nothing can be posted with it).

mod rules_support;

use rules_support::*;
use stockpost::rules::{RuleError, RuleErrorKind, RuleLimits, RuleSet};

const FILE: &str = "rules/inventory.rhai";

/// Loads `inventory` with a valid general side and returns the single error.
fn single_error(inventory: &str) -> RuleError {
    let errors = expect_errors(&[(FILE, inventory), ("rules/general.rhai", GENERAL_OK)]);
    assert_eq!(errors.0.len(), 1, "{errors}");
    errors.0.into_iter().next().unwrap()
}

fn assert_at(error: &RuleError, line: usize, column: usize) {
    let location = error.location.as_ref().expect("error has a location");
    assert_eq!(location.file, FILE);
    assert_eq!((location.line, location.column), (line, column), "{error}");
}

#[test]
fn a_loop_that_never_ends_stops_at_the_operation_limit() {
    let error = single_error(
        "fn inventory_accounts(key) {\n    let turns = 0;\n    loop {\n        turns += 1;\n    }\n}\n",
    );
    assert_eq!(error.kind, RuleErrorKind::LimitExceeded);
    assert_eq!(
        error.message,
        "the rule exceeded the sandbox limit of 100000 operations (a loop that never ends?)"
    );
    assert_at(&error, 1, 4);
    assert!(error
        .key
        .as_deref()
        .unwrap()
        .starts_with("inventory key location="));
}

#[test]
fn recursion_without_end_stops_at_the_call_level_limit() {
    let error = single_error(
        "fn deeper(level) {\n    deeper(level + 1)\n}\n\nfn inventory_accounts(key) {\n    deeper(0)\n}\n",
    );
    assert_eq!(error.kind, RuleErrorKind::LimitExceeded);
    assert_eq!(
        error.message,
        "the rule exceeded the sandbox limit of 32 nested function calls (recursion without end?)"
    );
    assert_at(&error, 5, 4);
}

#[test]
fn a_huge_string_stops_at_the_string_size_limit() {
    let error = single_error(
        "fn inventory_accounts(key) {\n    let text = \"x\";\n    loop {\n        text += text;\n    }\n}\n",
    );
    assert_eq!(error.kind, RuleErrorKind::LimitExceeded);
    assert!(
        error
            .message
            .starts_with("the rule built a value too large for the sandbox: Length of string"),
        "{error}"
    );
    assert!(error.message.contains("strings 4096 bytes"), "{error}");
}

#[test]
fn a_huge_array_stops_at_the_array_size_limit() {
    let error = single_error(
        "fn inventory_accounts(key) {\n    let list = [];\n    loop {\n        list.push(1);\n    }\n}\n",
    );
    assert_eq!(error.kind, RuleErrorKind::LimitExceeded);
    assert!(error.message.contains("Size of array"), "{error}");
    assert!(error.message.contains("arrays 1024 elements"), "{error}");
}

#[test]
fn a_huge_map_stops_at_the_map_size_limit() {
    let error = single_error(
        "fn inventory_accounts(key) {\n    let map = #{};\n    for n in 0..1000 {\n        map.set(`k${n}`, n);\n    }\n    map\n}\n",
    );
    assert_eq!(error.kind, RuleErrorKind::LimitExceeded);
    assert!(error.message.contains("Size of object map"), "{error}");
    assert!(error.message.contains("maps 256 properties"), "{error}");
}

#[test]
fn a_map_grown_by_index_assignment_is_caught_when_returned() {
    // Rhai 1.27 does not check the map size on `map[key] = value`; the loader does.
    let error = single_error(
        "fn inventory_accounts(key) {\n    let map = #{};\n    for n in 0..1000 {\n        map[`k${n}`] = n;\n    }\n    map\n}\n",
    );
    assert_eq!(error.kind, RuleErrorKind::LimitExceeded);
    assert_eq!(
        error.message,
        "`inventory_accounts` returned a map of 1000 properties; the sandbox limit is 256"
    );
}

#[test]
fn eval_and_import_are_compile_errors() {
    let error = single_error("fn inventory_accounts(key) {\n    eval(\"1\")\n}\n");
    assert_eq!(error.kind, RuleErrorKind::Syntax);
    assert!(
        error
            .message
            .contains("reserved keyword 'eval' is disabled"),
        "{error}"
    );
    assert_at(&error, 2, 5);
    let error = single_error("import \"x\" as x;\nfn inventory_accounts(key) {\n    #{}\n}\n");
    assert_eq!(error.kind, RuleErrorKind::Syntax);
    assert!(
        error.message.contains("'import' is a reserved keyword"),
        "{error}"
    );
    assert_at(&error, 1, 1);
}

#[test]
fn a_misspelled_variable_is_a_compile_error() {
    let error = single_error("fn inventory_accounts(key) {\n    #{ inventory: acount }\n}\n");
    assert_eq!(error.kind, RuleErrorKind::Syntax);
    assert!(
        error.message.ends_with("Undefined variable: acount"),
        "{error}"
    );
    assert_at(&error, 2, 19);
}

#[test]
fn decimal_literals_are_exact_decimals() {
    // 0.1 + 0.2 is exactly 0.3 only in decimal arithmetic; in floats the rule would return the
    // blocked account 9000 and fail to load.
    let rules = load_small(&[
        (
            FILE,
            "fn inventory_accounts(key) {\n    let sum = 0.1 + 0.2;\n    if sum == 0.3 && type_of(sum) == \"decimal\" { #{ inventory: \"1200\" } } else { #{ inventory: \"9000\" } }\n}\n",
        ),
        ("rules/general.rhai", GENERAL_OK),
    ]);
    assert!(rules.is_ok(), "{}", rules.unwrap_err());
}

#[test]
fn limits_are_explicit_and_can_be_tightened() {
    let tight = RuleLimits {
        max_operations: 5,
        ..RuleLimits::DEFAULT
    };
    let counting = "fn inventory_accounts(key) {\n    let total = 0;\n    for n in 0..10 {\n        total += n;\n    }\n    #{ inventory: \"1200\" }\n}\n";
    let sources = files(&[(FILE, counting), ("rules/general.rhai", GENERAL_OK)]);
    let within_default = RuleSet::from_sources(&sources, &small_company(), &small_chart());
    assert!(within_default.is_ok());
    let errors =
        RuleSet::from_sources_with_limits(&sources, &small_company(), &small_chart(), tight)
            .unwrap_err();
    assert_eq!(errors.0[0].kind, RuleErrorKind::LimitExceeded);
    assert!(errors.0[0].message.contains("limit of 5 operations"));
    assert_eq!(RuleLimits::default(), RuleLimits::DEFAULT);
    assert_eq!(RuleLimits::DEFAULT.max_call_levels, 32);
}
