//! `stockpost rules check`: exit codes and output, calling the command's functions directly.

mod rules_support;

// The command module lives in the binary; the test compiles it in to call it directly.
#[path = "../src/cli/rules.rs"]
mod cli_rules;

use std::path::PathBuf;
use std::process::ExitCode;

use cli_rules::{check_and_print, run, CheckFormat, RulesCheckArgs};
use rules_support::*;

fn args(dir: PathBuf, format: CheckFormat) -> RulesCheckArgs {
    RulesCheckArgs {
        dir,
        config: repo_path("config/ch-kmu"),
        format,
    }
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("stockpost-rules-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn check(args: &RulesCheckArgs) -> (ExitCode, String) {
    let mut out = Vec::new();
    let code = check_and_print(args, &example_company(), &example_chart(), &mut out);
    (code, String::from_utf8(out).unwrap())
}

#[test]
fn default_rules_check_exits_zero_and_prints_the_mapping() {
    let (code, text) = check(&args(repo_path("rules/ch-kmu"), CheckFormat::Table));
    assert_eq!(code, ExitCode::SUCCESS, "{text}");
    assert!(
        text.starts_with("inventory accounts (inventory_accounts)\n"),
        "{text}"
    );
    assert!(
        text.contains("rule set valid: 3600 mappings, hash "),
        "{text}"
    );
}

#[test]
fn json_format_is_one_document() {
    let (code, text) = check(&args(repo_path("rules/ch-kmu"), CheckFormat::Json));
    assert_eq!(code, ExitCode::SUCCESS);
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let first = &json["mapping"][0];
    assert_eq!(first["side"], "inventory");
    assert_eq!(first["key"]["location"], "");
    assert_eq!(first["role"], "inventory");
    assert!(json["errors"].as_array().unwrap().is_empty());
}

#[test]
fn an_invalid_rule_set_exits_one_with_the_caret_display() {
    let dir = scratch_dir("invalid");
    std::fs::write(
        dir.join("inventory.rhai"),
        "fn inventory_accounts(key) {\n    #{ inventory: \"1299\" }\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("general.rhai"), GENERAL_OK).unwrap();
    let (code, text) = check(&args(dir.clone(), CheckFormat::Table));
    assert_eq!(code, ExitCode::from(1));
    let file = dir.join("inventory.rhai").display().to_string();
    assert!(text.contains(&format!(" --> {file}:2:19\n")), "{text}");
    assert!(
        text.contains("2 |     #{ inventory: \"1299\" }\n  |                   ^^^^^^\n"),
        "{text}"
    );
    assert!(text.ends_with("rule set invalid: 1 error(s)\n"), "{text}");
    let (code, text) = check(&args(dir.clone(), CheckFormat::Json));
    assert_eq!(code, ExitCode::from(1));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["valid"], false);
    assert_eq!(json["errors"][0]["line"], 2);
    assert_eq!(json["errors"][0]["column"], 19);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn usage_and_io_problems_exit_two() {
    let missing = repo_path("no-such-rules");
    assert_eq!(
        run(&args(missing.clone(), CheckFormat::Table)),
        ExitCode::from(2)
    );
    let mut no_config = args(repo_path("rules/ch-kmu"), CheckFormat::Table);
    no_config.config = repo_path("no-such-config");
    assert_eq!(run(&no_config), ExitCode::from(2));
    let empty = scratch_dir("empty");
    let (code, text) = check(&args(empty.clone(), CheckFormat::Table));
    assert_eq!(code, ExitCode::from(2));
    assert!(text.contains("no .rhai files in"), "{text}");
    std::fs::remove_dir_all(empty).unwrap();
}
