//! Rule tests (`rules/tests/*.toml`, `stockpost rules test`) and the mapping diff between two
//! rule generations.

mod rules_support;

use std::path::Path;
use std::process::Command;

use rules_support::*;
use stockpost::rules::diff::{mapping_changes, summarize, MappingChange};
use stockpost::rules::rule_tests::{
    parse_rule_tests, read_rule_tests, render_table, run_rule_tests, ActualAccount, RuleTestError,
    RuleTestFile,
};
use stockpost::rules::{AccountRole, RoleSide, RuleErrorKind, RuleSet};

const SALE_AT_MAIN: &str = r#"# one case
[[case]]
name = "beans sold at MAIN"
entry_type = "sale"
location = "MAIN"
inventory_posting_group = "RESALE"
gen_bus_posting_group = "DOMESTIC"
gen_prod_posting_group = "RETAIL"
item_category = "BEANS"
[case.expect]
inventory = "1200"
cogs = "4200"
"#;

fn parse(text: &str) -> RuleTestFile {
    parse_rule_tests("tests/t.toml", text).unwrap_or_else(|error| panic!("{error}"))
}

fn parse_error(text: &str) -> RuleTestError {
    match parse_rule_tests("tests/t.toml", text) {
        Ok(_) => panic!("the file should not parse"),
        Err(error) => error,
    }
}

fn small_rules(inventory: &str, general: &str) -> RuleSet {
    load_small(&[("inventory.rhai", inventory), ("general.rhai", general)])
        .unwrap_or_else(|errors| panic!("{errors}"))
}

// --- parsing ---

#[test]
fn a_case_parses_into_both_keys_and_the_expected_roles() {
    let file = parse(SALE_AT_MAIN);
    assert_eq!(file.cases.len(), 1);
    let case = &file.cases[0];
    assert_eq!(case.name, "beans sold at MAIN");
    assert_eq!(case.line, 2);
    assert_eq!(&*case.key.inventory.location, "MAIN");
    assert_eq!(&*case.key.general.gen_bus_posting_group, "DOMESTIC");
    let roles: Vec<(AccountRole, Option<&str>, usize)> = case
        .expect
        .iter()
        .map(|e| (e.role, e.account_no.as_deref(), e.line))
        .collect();
    assert_eq!(
        roles,
        vec![
            (AccountRole::Inventory, Some("1200"), 11),
            (AccountRole::Cogs, Some("4200"), 12)
        ]
    );
}

#[test]
fn an_unknown_role_names_file_line_and_key() {
    let text = SALE_AT_MAIN.replace("cogs = ", "cogz = ");
    let error = parse_error(&text);
    assert_eq!((error.file.as_str(), error.line), ("tests/t.toml", 12));
    assert_eq!(error.key, "expect.cogz");
    assert!(error
        .message
        .starts_with("unknown role; expected one of inventory, "));
    assert!(error
        .to_string()
        .starts_with("tests/t.toml:12: key `expect.cogz`: unknown role"));
}

#[test]
fn an_unknown_field_is_an_error_on_its_line() {
    let text = SALE_AT_MAIN.replace("location = ", "locaton = ");
    let error = parse_error(&text);
    assert_eq!((error.line, error.key.as_str()), (5, "locaton"));
    assert!(error
        .message
        .contains("expected one of name, entry_type, location"));
}

#[test]
fn a_bad_entry_type_lists_the_valid_ones() {
    let error = parse_error(&SALE_AT_MAIN.replace("\"sale\"", "\"sales\""));
    assert_eq!((error.line, error.key.as_str()), (4, "entry_type"));
    assert!(error
        .message
        .starts_with("unknown entry type \"sales\"; expected one of purchase, sale,"));
}

#[test]
fn toml_syntax_errors_name_the_line() {
    let error = parse_error("[[case]]\nname = \"a\"\nentry_type = sale\n");
    assert_eq!((error.line, error.key.as_str()), (3, ""));
    assert!(error.message.starts_with("invalid TOML: "), "{error}");
}

#[test]
fn missing_pieces_are_reported_at_the_case_header() {
    let no_expect = SALE_AT_MAIN.split("[case.expect]").next().unwrap();
    let error = parse_error(no_expect);
    assert_eq!((error.line, error.key.as_str()), (2, "expect"));
    let no_group = SALE_AT_MAIN.replace("gen_prod_posting_group = \"RETAIL\"\n", "");
    let error = parse_error(&no_group);
    assert_eq!(
        (error.line, error.key.as_str()),
        (2, "gen_prod_posting_group")
    );
    assert!(error.message.contains("general role `cogs`"), "{error}");
    let error = parse_error(&SALE_AT_MAIN.replace("entry_type = \"sale\"\n", ""));
    assert_eq!(error.key, "entry_type");
    let error = parse_error("title = \"x\"\n");
    assert_eq!((error.line, error.key.as_str()), (1, "title"));
}

#[test]
fn duplicate_case_names_point_at_the_first() {
    let text = format!("{SALE_AT_MAIN}{}", SALE_AT_MAIN.replace("# one case\n", ""));
    let error = parse_error(&text);
    assert_eq!((error.line, error.key.as_str()), (13, "name"));
    assert!(error.message.contains("already used on line 2"), "{error}");
}

#[test]
fn a_missing_test_folder_means_no_tests_and_files_come_in_name_order() {
    assert!(read_rule_tests(Path::new("/nonexistent/rules/tests"))
        .unwrap()
        .is_empty());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.toml"), SALE_AT_MAIN).unwrap();
    std::fs::write(dir.path().join("a.toml"), SALE_AT_MAIN).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not a test").unwrap();
    let files = read_rule_tests(dir.path()).unwrap();
    let names: Vec<&str> = files
        .iter()
        .map(|file| file.name.rsplit('/').next().unwrap())
        .collect();
    assert_eq!(names, ["a.toml", "b.toml"]);
    std::fs::write(dir.path().join("c.toml"), "[[case]\n").unwrap();
    let error = read_rule_tests(dir.path()).unwrap_err();
    assert!(error.file.ends_with("c.toml"), "{error}");
    assert_eq!(error.line, 1);
}

// --- running ---

#[test]
fn a_passing_file_counts_its_cases() {
    let rules = small_rules(INVENTORY_OK, GENERAL_OK);
    let report = run_rule_tests(&[parse(SALE_AT_MAIN)], &rules);
    assert_eq!((report.passed, report.failed), (1, 0));
    assert!(report.all_passed());
    assert_eq!(
        render_table(&report),
        "ok   tests/t.toml:2 beans sold at MAIN\nrule tests: 1 passed, 0 failed\n"
    );
}

#[test]
fn a_failing_case_shows_expected_and_actual() {
    let text = SALE_AT_MAIN.replace("cogs = \"4200\"", "cogs = \"4208\"");
    let rules = small_rules(INVENTORY_OK, GENERAL_OK);
    let report = run_rule_tests(&[parse(&text)], &rules);
    assert_eq!((report.passed, report.failed), (0, 1));
    let failures: Vec<_> = report.failures().collect();
    assert_eq!(failures.len(), 1);
    let failure = failures[0];
    assert_eq!(failure.case, "beans sold at MAIN");
    assert_eq!((failure.role, failure.line), (AccountRole::Cogs, 12));
    assert_eq!(failure.expected.as_deref(), Some("4208"));
    assert_eq!(failure.actual, ActualAccount::Account("4200".to_string()));
    let text = render_table(&report);
    assert!(
        text.contains("FAIL tests/t.toml:2 beans sold at MAIN\n     tests/t.toml:12: role `cogs`: expected 4208, got 4200\n     general key gen_bus_posting_group=\"DOMESTIC\""),
        "{text}"
    );
    assert!(text.ends_with("rule tests: 0 passed, 1 failed\n"), "{text}");
}

#[test]
fn a_rule_error_and_an_unmapped_role_are_reported_as_such() {
    let throws = "fn inventory_accounts(key) {\n    if key.dimensions.DEPARTMENT == \"X\" { throw \"no department X\"; }\n    #{ inventory: \"1200\" }\n}\n";
    let rules = small_rules(throws, GENERAL_OK);
    // Expect inventory for department X (the rule throws) and no cogs_interim (none mapped).
    let text = SALE_AT_MAIN
        .replace("cogs = \"4200\"", "cogs_interim = \"\"")
        .replace(
            "[case.expect]",
            "dimensions = { DEPARTMENT = \"X\" }\n[case.expect]",
        );
    let report = run_rule_tests(&[parse(&text)], &rules);
    let failures: Vec<_> = report.failures().collect();
    assert_eq!(failures.len(), 1, "{}", render_table(&report));
    assert_eq!(failures[0].role, AccountRole::Inventory);
    match &failures[0].actual {
        ActualAccount::Error(error) => {
            assert_eq!(error.kind, RuleErrorKind::Runtime);
            assert!(
                error.message.contains("no department X"),
                "{}",
                error.message
            );
        }
        other => panic!("expected a rule error, got {other:?}"),
    }
    // The other way round: a role expected unmapped that the rules map.
    let text = SALE_AT_MAIN.replace("cogs = \"4200\"", "inventory_adjmt = \"\"");
    let rules = small_rules(INVENTORY_OK, GENERAL_OK);
    let report = run_rule_tests(&[parse(&text)], &rules);
    let failure = report.failures().next().unwrap();
    assert_eq!(failure.expected, None);
    assert_eq!(failure.actual, ActualAccount::Account("4208".to_string()));
}

#[test]
fn the_shipped_example_tests_pass_against_the_example_rules() {
    let files = read_rule_tests(&repo_path("rules/ch-kmu/tests")).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].cases.len(), 10);
    let report = run_rule_tests(&files, &load_default_rules());
    assert_eq!(
        (report.passed, report.failed),
        (10, 0),
        "{}",
        render_table(&report)
    );
}

#[test]
fn the_example_tests_catch_a_moved_lyon_account() {
    let inventory = std::fs::read_to_string(repo_path("rules/ch-kmu/inventory.rhai")).unwrap();
    let general = std::fs::read_to_string(repo_path("rules/ch-kmu/general.rhai")).unwrap();
    let moved = inventory.replace("inventory: \"1205\"", "inventory: \"1200\"");
    assert_ne!(moved, inventory);
    let sources = files(&[("inventory.rhai", &moved), ("general.rhai", &general)]);
    let rules = RuleSet::from_sources(&sources, &example_company(), &example_chart()).unwrap();
    let report = run_rule_tests(
        &read_rule_tests(&repo_path("rules/ch-kmu/tests")).unwrap(),
        &rules,
    );
    assert_eq!((report.passed, report.failed), (9, 1));
    let failure = report.failures().next().unwrap();
    assert_eq!(
        failure.case,
        "sale of beans at LYON uses the French stock accounts"
    );
    assert_eq!(
        (failure.expected.as_deref(), &failure.actual),
        (Some("1205"), &ActualAccount::Account("1200".to_string()))
    );
}

// --- through the binary ---

fn stockpost_rules_test(dir: &Path, format: &str) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .args(["rules", "test"])
        .arg(dir)
        .arg("--config")
        .arg(repo_path("config/ch-kmu"))
        .args(["--format", format])
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// A copy of the example rules with `tests/a.toml` holding `tests`.
fn rule_folder(tests: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["adjustment.rhai", "general.rhai", "inventory.rhai"] {
        std::fs::copy(repo_path("rules/ch-kmu").join(name), dir.path().join(name)).unwrap();
    }
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    std::fs::write(dir.path().join("tests/a.toml"), tests).unwrap();
    dir
}

#[test]
fn rules_test_exits_zero_when_every_case_passes() {
    let (code, stdout, stderr) = stockpost_rules_test(&repo_path("rules/ch-kmu"), "table");
    assert_eq!(code, 0, "{stdout}{stderr}");
    // The cases, then the year scenario (tests/rules_scenarios.rs).
    assert!(
        stdout.contains("\nrule tests: 10 passed, 0 failed\nok   "),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("rule scenarios: 1 passed, 0 failed\n"),
        "{stdout}"
    );
    let (code, stdout, _) = stockpost_rules_test(&repo_path("rules/ch-kmu"), "json");
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        (json["passed"].as_u64(), json["failed"].as_u64()),
        (Some(10), Some(0))
    );
    assert_eq!(
        json["cases"][1]["name"],
        "sale of beans at LYON uses the French stock accounts"
    );
}

#[test]
fn rules_test_exits_one_when_a_case_fails() {
    let dir = rule_folder(&SALE_AT_MAIN.replace("\"4200\"", "\"4000\""));
    let (code, stdout, stderr) = stockpost_rules_test(dir.path(), "table");
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains(":12: role `cogs`: expected 4000, got 4200\n"),
        "{stdout}"
    );
    let (code, stdout, _) = stockpost_rules_test(dir.path(), "json");
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let failure = &json["cases"][0]["failures"][0];
    assert_eq!(
        (&failure["role"], &failure["expected"], &failure["actual"]),
        (&"cogs".into(), &"4000".into(), &"4200".into())
    );
}

#[test]
fn rules_test_exits_two_on_input_errors() {
    let dir = rule_folder(&SALE_AT_MAIN.replace("cogs = ", "cogz = "));
    let (code, stdout, stderr) = stockpost_rules_test(dir.path(), "table");
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("a.toml:12: key `expect.cogz`: unknown role"),
        "{stderr}"
    );
    let (code, _, stderr) = stockpost_rules_test(&repo_path("no-such-rules"), "table");
    assert_eq!(code, 2);
    assert!(stderr.contains("does not exist"), "{stderr}");
    // A rule set that does not load cannot be tested.
    let broken = rule_folder(SALE_AT_MAIN);
    std::fs::write(
        broken.path().join("general.rhai"),
        "fn general_accounts(key) {",
    )
    .unwrap();
    let (code, _, stderr) = stockpost_rules_test(broken.path(), "table");
    assert_eq!(code, 2);
    assert!(stderr.contains("the rule set does not load"), "{stderr}");
}

// --- mapping diff ---

#[test]
fn a_changed_rule_lists_exactly_the_keys_it_moves() {
    let old = small_rules(INVENTORY_OK, GENERAL_OK);
    let sales_elsewhere = "fn inventory_accounts(key) {\n    let account = if key.entry_type == \"sale\" { \"4208\" } else { \"1200\" };\n    #{ inventory: account }\n}\n";
    let new = small_rules(sales_elsewhere, GENERAL_OK);
    let changes = mapping_changes(&old, &new);
    let change = |location: &str| {
        MappingChange {
        side: RoleSide::Inventory,
        key: format!("inventory key location={location} inventory_posting_group=RESALE item_category=BEANS entry_type=sale"),
        role: AccountRole::Inventory,
        old_account: Some("1200".to_string()),
        new_account: Some("4208".to_string()),
    }
    };
    assert_eq!(changes, vec![change("\"\""), change("MAIN")]);
    assert_eq!(
        summarize(&changes),
        "inventory key location=\"\" inventory_posting_group=RESALE item_category=BEANS entry_type=sale: inventory 1200 -> 4208\n\
         inventory key location=MAIN inventory_posting_group=RESALE item_category=BEANS entry_type=sale: inventory 1200 -> 4208\n"
    );
    assert!(mapping_changes(&old, &old).is_empty());
    assert_eq!(summarize(&[]), "");
}

#[test]
fn roles_that_appear_or_disappear_show_none() {
    let old = small_rules(INVENTORY_OK, GENERAL_OK);
    let more = "fn general_accounts(key) {\n    let accounts = #{ cogs: \"4200\", inventory_adjmt: \"4208\" };\n    if key.entry_type == \"purchase\" && key.location == \"MAIN\" { accounts.direct_cost_applied = \"4208\"; }\n    accounts\n}\n";
    let new = small_rules(INVENTORY_OK, more);
    let changes = mapping_changes(&old, &new);
    assert_eq!(changes.len(), 1, "{}", summarize(&changes));
    assert_eq!(
        summarize(&changes),
        "general key gen_bus_posting_group=\"\" gen_prod_posting_group=RETAIL item_category=BEANS location=MAIN entry_type=purchase: direct_cost_applied (none) -> 4208\n"
    );
    let back = mapping_changes(&new, &old);
    assert_eq!(
        (
            back[0].old_account.as_deref(),
            back[0].new_account.as_deref()
        ),
        (Some("4208"), None)
    );
}

#[test]
fn a_key_only_the_old_generation_has_seen_is_asked_of_the_new_one() {
    let by_department = "fn inventory_accounts(key) {\n    let account = if key.dimensions.DEPARTMENT == \"SALES\" { \"4208\" } else { \"1200\" };\n    #{ inventory: account }\n}\n";
    let old = small_rules(by_department, GENERAL_OK);
    // A posting looked this key up in the old generation only.
    let key = rules_support::key(
        &KeySpec {
            location: "MAIN",
            inventory_posting_group: "RESALE",
            gen_bus_posting_group: "",
            gen_prod_posting_group: "RETAIL",
            item_category: "BEANS",
            entry_type: stockpost::ledger::ItemLedgerEntryType::Sale,
        },
        &[("DEPARTMENT", "SALES")],
    );
    let resolved = old.account(&key, AccountRole::Inventory).unwrap();
    assert_eq!(&*resolved.account_no, "4208");
    let same_rules = small_rules(by_department, GENERAL_OK);
    assert!(mapping_changes(&old, &same_rules).is_empty());
    let new = small_rules(INVENTORY_OK, GENERAL_OK);
    assert_eq!(
        summarize(&mapping_changes(&old, &new)),
        "inventory key location=MAIN inventory_posting_group=RESALE item_category=BEANS dimensions=DEPARTMENT=SALES entry_type=sale: inventory 4208 -> 1200\n"
    );
}
