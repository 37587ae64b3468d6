//! Each rule error names the rule file, line, column and key, and renders like rustc.

mod rules_support;

use rules_support::*;
use stockpost::ledger::ItemLedgerEntryType;
use stockpost::rules::{AccountRole, RuleError, RuleErrorKind, RuleErrors};

const INVENTORY_FILE: &str = "rules/inventory.rhai";
const GENERAL_FILE: &str = "rules/general.rhai";

fn only(errors: RuleErrors) -> RuleError {
    assert_eq!(errors.0.len(), 1, "{errors}");
    errors.0.into_iter().next().unwrap()
}

fn inventory_error(inventory: &str) -> RuleError {
    only(expect_errors(&[
        (INVENTORY_FILE, inventory),
        (GENERAL_FILE, GENERAL_OK),
    ]))
}

fn position(error: &RuleError) -> (&str, usize, usize) {
    let location = error.location.as_ref().expect("error has a location");
    (location.file.as_str(), location.line, location.column)
}

#[test]
fn syntax_error_names_file_line_and_column() {
    let error = inventory_error(
        "// stock accounts\nfn inventory_accounts(key) {\n    let group = key.inventory_posting_group\n    #{ inventory: \"1200\" }\n}\n",
    );
    assert_eq!(error.kind, RuleErrorKind::Syntax);
    assert_eq!(position(&error), (INVENTORY_FILE, 4, 5));
    assert_eq!(
        error.message,
        "syntax error in rules/inventory.rhai: Expecting ';' to terminate this statement"
    );
}

#[test]
fn syntax_errors_of_all_files_are_reported_together() {
    let errors = expect_errors(&[
        (
            INVENTORY_FILE,
            "fn inventory_accounts(key) {\n    #{ inventory: }\n}\n",
        ),
        (
            GENERAL_FILE,
            "fn general_accounts(key) {\n    let = 1;\n}\n",
        ),
    ]);
    let files: Vec<&str> = errors.0.iter().map(|error| position(error).0).collect();
    assert_eq!(files, [INVENTORY_FILE, GENERAL_FILE]);
}

#[test]
fn unknown_role_renders_with_caret_key_and_help() {
    let error = inventory_error(
        "fn inventory_accounts(key) {\n    #{ inventory: \"1200\", inventory_interm: \"1200\" }\n}\n",
    );
    assert_eq!(error.kind, RuleErrorKind::UnknownRole);
    let expected = "\
error: `inventory_accounts` returned unknown role `inventory_interm`
 --> rules/inventory.rhai:2:27
  |
2 |     #{ inventory: \"1200\", inventory_interm: \"1200\" }
  |                           ^^^^^^^^^^^^^^^^
  = key: inventory key location=\"\" inventory_posting_group=\"RESALE\" item_category=\"BEANS\" entry_type=\"purchase\"
  = help: roles of `inventory_accounts`: inventory, inventory_interim, wip, material_variance, capacity_variance, subcontracted_variance, cap_overhead_variance, mfg_overhead_variance
";
    assert_eq!(error.to_string(), expected);
}

#[test]
fn a_general_role_returned_by_the_inventory_function_is_unknown_there() {
    let error = inventory_error(
        "fn inventory_accounts(key) {\n    #{ inventory: \"1200\", cogs: \"4200\" }\n}\n",
    );
    assert_eq!(error.kind, RuleErrorKind::UnknownRole);
    assert!(
        error
            .message
            .contains("`cogs` is answered by the other entry function"),
        "{error}"
    );
    assert_eq!(position(&error), (INVENTORY_FILE, 2, 27));
}

#[test]
fn account_not_in_chart_points_at_the_literal() {
    let errors = expect_errors(&[
        (INVENTORY_FILE, INVENTORY_OK),
        (
            GENERAL_FILE,
            "fn general_accounts(key) {\n    if key.entry_type == \"sale\" {\n        return #{ cogs: \"4299\" };\n    }\n    #{ cogs: \"4200\" }\n}\n",
        ),
    ]);
    let error = only(errors);
    assert_eq!(error.kind, RuleErrorKind::AccountNotInChart);
    assert_eq!(
        error.message,
        "account 4299 (role `cogs`) is not in the chart of accounts"
    );
    assert_eq!(position(&error), (GENERAL_FILE, 3, 25));
    assert_eq!(error.location.as_ref().unwrap().width, 6);
    let key = error.key.as_deref().unwrap();
    assert!(
        key.starts_with("general key gen_bus_posting_group=\"\" gen_prod_posting_group=\"RETAIL\""),
        "{key}"
    );
    assert!(key.contains("entry_type=\"sale\""), "{key}");
}

#[test]
fn blocked_account_is_an_error() {
    let error = inventory_error("fn inventory_accounts(key) {\n    #{ inventory: \"9000\" }\n}\n");
    assert_eq!(error.kind, RuleErrorKind::AccountBlocked);
    assert_eq!(
        error.message,
        "account 9000 \"Account 9000\" (role `inventory`) is blocked"
    );
    assert_eq!(position(&error), (INVENTORY_FILE, 2, 19));
}

#[test]
fn missing_role_fails_when_asked_for_and_names_the_function() {
    // GENERAL_OK maps cogs and inventory_adjmt only: the set loads, a purchase cannot post.
    let rules = load_small(&[(INVENTORY_FILE, INVENTORY_OK), (GENERAL_FILE, GENERAL_OK)])
        .expect("a rule set with unmapped roles still loads");
    let purchase = key(
        &KeySpec {
            location: "MAIN",
            inventory_posting_group: "RESALE",
            gen_bus_posting_group: "",
            gen_prod_posting_group: "RETAIL",
            item_category: "BEANS",
            entry_type: ItemLedgerEntryType::Purchase,
        },
        &[],
    );
    assert_eq!(
        &*rules
            .account(&purchase, AccountRole::Cogs)
            .unwrap()
            .account_no,
        "4200"
    );
    let error = rules
        .account(&purchase, AccountRole::DirectCostApplied)
        .unwrap_err();
    assert_eq!(error.kind, RuleErrorKind::MissingRole);
    assert_eq!(
        error.message,
        "`general_accounts` returned no account for role `direct_cost_applied`, which the G/L posting needs here"
    );
    assert_eq!(position(&error), (GENERAL_FILE, 1, 4));
    assert!(error.key.as_deref().unwrap().contains("location=\"MAIN\""));
}

#[test]
fn returning_something_other_than_a_map_is_an_error() {
    let error = inventory_error("fn inventory_accounts(key) {\n    \"1200\"\n}\n");
    assert_eq!(error.kind, RuleErrorKind::BadOutput);
    assert_eq!(
        error.message,
        "`inventory_accounts` must return a map of role name to account number, it returned a string"
    );
    let error = inventory_error("fn inventory_accounts(key) {\n    #{ inventory: 1200 }\n}\n");
    assert_eq!(error.kind, RuleErrorKind::BadOutput);
    assert!(
        error.message.contains("must be text such as \"1200\""),
        "{error}"
    );
    assert_eq!(position(&error), (INVENTORY_FILE, 2, 8));
}

#[test]
fn runtime_error_in_a_helper_points_into_the_helper() {
    let error = inventory_error(
        "fn inventory_accounts(key) {\n    stock_of(key.inventory_posting_group)\n}\n\nfn stock_of(group) {\n    let accounts = #{ RAWMAT: \"1210\" };\n    #{ inventory: accounts[group].to_upper() }\n}\n",
    );
    assert_eq!(error.kind, RuleErrorKind::Runtime);
    assert_eq!(position(&error).1, 7, "{error}");
    assert!(
        error
            .help
            .as_deref()
            .unwrap()
            .contains("inventory_accounts -> stock_of"),
        "{error}"
    );
}

#[test]
fn entry_functions_must_exist_once_with_one_parameter() {
    let errors = expect_errors(&[(INVENTORY_FILE, "fn stock(key) {\n    #{}\n}\n")]);
    let messages: Vec<&str> = errors
        .0
        .iter()
        .map(|error| error.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "no rule file defines `fn inventory_accounts(key)`",
            "no rule file defines `fn general_accounts(key)`"
        ]
    );
    let twice = only(expect_errors(&[
        (INVENTORY_FILE, INVENTORY_OK),
        ("rules/more.rhai", INVENTORY_OK),
        (GENERAL_FILE, GENERAL_OK),
    ]));
    assert_eq!(twice.kind, RuleErrorKind::EntryFunction);
    assert_eq!(position(&twice), ("rules/more.rhai", 1, 4));
    let arity = inventory_error("fn inventory_accounts(key, extra) {\n    #{}\n}\n");
    assert!(
        arity.message.contains("must take exactly one parameter"),
        "{arity}"
    );
}

#[test]
fn unknown_location_is_an_error_at_lookup() {
    let rules = load_small(&[(INVENTORY_FILE, INVENTORY_OK), (GENERAL_FILE, GENERAL_OK)]).unwrap();
    let error = rules
        .account(&beans_sale("ZURICH"), AccountRole::Inventory)
        .unwrap_err();
    assert_eq!(error.kind, RuleErrorKind::UnknownLocation);
    assert_eq!(
        error.message,
        "location \"ZURICH\" is not in the company configuration"
    );
}

#[test]
fn the_same_cause_is_reported_once_not_once_per_key() {
    // The broken account is returned for every one of the small company's 10 inventory keys.
    let errors = expect_errors(&[
        (
            INVENTORY_FILE,
            "fn inventory_accounts(key) {\n    #{ inventory: \"1299\" }\n}\n",
        ),
        (GENERAL_FILE, GENERAL_OK),
    ]);
    assert_eq!(errors.0.len(), 1, "{errors}");
}
