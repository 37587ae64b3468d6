//! The rule-set hash identifies the rule files' content, nothing else.

mod rules_support;

use std::path::PathBuf;

use rules_support::*;
use stockpost::rules::loader::{content_hash, read_rule_dir};
use stockpost::rules::{RuleLimits, RuleSet};

fn default_sources() -> Vec<(String, String)> {
    read_rule_dir(&repo_path("rules/ch-kmu"), &RuleLimits::DEFAULT).unwrap()
}

fn hash_of(sources: &[(String, String)]) -> String {
    RuleSet::from_sources(sources, &example_company(), &example_chart())
        .unwrap()
        .hash()
        .to_string()
}

#[test]
fn hash_is_stable_for_the_same_files() {
    let sources = default_sources();
    let hash = hash_of(&sources);
    assert_eq!(hash.len(), 64);
    assert!(hash
        .chars()
        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert_eq!(hash_of(&sources), hash);
    assert_eq!(load_default_rules().hash(), hash);
    // The folder the files were read from does not count, nor does the order they are given in.
    let moved: Vec<(String, String)> = sources
        .iter()
        .rev()
        .map(|(name, text)| {
            let base = PathBuf::from(name)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            (format!("/elsewhere/{base}"), text.clone())
        })
        .collect();
    assert_eq!(hash_of(&moved), hash);
}

#[test]
fn hash_changes_when_a_file_changes() {
    let sources = default_sources();
    let hash = hash_of(&sources);
    let mut edited = sources.clone();
    edited[0].1.push_str("\n// reviewed\n");
    assert_ne!(hash_of(&edited), hash);
    let mut renamed = sources.clone();
    renamed[0].0 = renamed[0].0.replace(".rhai", "2.rhai");
    assert_ne!(hash_of(&renamed), hash);
    // Moving text from the end of one file to the start of the next changes the hash too.
    let shifted = vec![
        ("a.rhai".to_string(), "fn x() {}\n".to_string()),
        ("b.rhai".to_string(), String::new()),
    ];
    let unshifted = vec![
        ("a.rhai".to_string(), String::new()),
        ("b.rhai".to_string(), "fn x() {}\n".to_string()),
    ];
    assert_ne!(content_hash(&shifted), content_hash(&unshifted));
}
