//! The bundled example company, Kaffeewerk AG, compiled into the library: its configuration,
//! chart of accounts, rule set and the October 2026 journals. `stockpost example` runs it with no
//! file on disk, so a fresh checkout shows the whole pipeline with one command.
//!
//! The texts are the files of the repository (the pack `ch-kmu` in `config/ch-kmu/` and
//! `rules/ch-kmu/`, and `examples/october-2026/`), included at build time under the names they
//! have in a company folder (`config/accounts.toml`, `rules/general.rhai`); a test checks that every such file is embedded, so adding a rule file
//! or a journal without listing it here fails the build's tests instead of silently dropping it.

use crate::chart::ChartOfAccounts;
use crate::config::{example_company, CompanyConfig};

pub use crate::config::EXAMPLE_CONFIG_FILES;

/// The example's chart of accounts: `(file name, text)`.
pub const EXAMPLE_CHART_FILE: (&str, &str) = (
    "config/accounts.toml",
    include_str!("../config/ch-kmu/accounts.toml"),
);

/// The example's rule set: `(file name, text)` of every `rules/*.rhai`, in name order.
pub const EXAMPLE_RULE_FILES: &[(&str, &str)] = &[
    (
        "rules/adjustment.rhai",
        include_str!("../rules/ch-kmu/adjustment.rhai"),
    ),
    (
        "rules/general.rhai",
        include_str!("../rules/ch-kmu/general.rhai"),
    ),
    (
        "rules/inventory.rhai",
        include_str!("../rules/ch-kmu/inventory.rhai"),
    ),
];

/// The October 2026 journals: `(file name, text)`, in posting (file-name) order.
pub const EXAMPLE_JOURNALS: &[(&str, &str)] = &[
    (
        "examples/october-2026/01-opening-stock.csv",
        include_str!("../examples/october-2026/01-opening-stock.csv"),
    ),
    (
        "examples/october-2026/02-week1.csv",
        include_str!("../examples/october-2026/02-week1.csv"),
    ),
    (
        "examples/october-2026/03-week2.csv",
        include_str!("../examples/october-2026/03-week2.csv"),
    ),
    (
        "examples/october-2026/04-week3.jsonl",
        include_str!("../examples/october-2026/04-week3.jsonl"),
    ),
    (
        "examples/october-2026/05-week4.csv",
        include_str!("../examples/october-2026/05-week4.csv"),
    ),
    (
        "examples/october-2026/06-week5.csv",
        include_str!("../examples/october-2026/06-week5.csv"),
    ),
    (
        "examples/october-2026/07-month-end.csv",
        include_str!("../examples/october-2026/07-month-end.csv"),
    ),
];

/// The example company's configuration.
pub fn example_config() -> CompanyConfig {
    example_company()
}

/// The example company's chart of accounts.
pub fn example_chart() -> ChartOfAccounts {
    let (name, text) = EXAMPLE_CHART_FILE;
    // Compiled into the binary and loaded by the tests: a failure is a build defect.
    ChartOfAccounts::parse(name, text).unwrap_or_else(|error| panic!("bundled example: {error}"))
}

/// The example's rule files as the owned `(file name, text)` pairs the rule loaders take.
pub fn example_rule_sources() -> Vec<(String, String)> {
    EXAMPLE_RULE_FILES
        .iter()
        .map(|&(name, text)| (name.to_string(), text.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// Names of the files in the repository folder `folder` with one of `extensions`, as they
    /// are shown: in `shown_as/` (the folder's name in a company folder).
    fn files_on_disk(folder: &str, shown_as: &str, extensions: &[&str]) -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("folder exists")
            .map(|entry| {
                entry
                    .expect("listable")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|name| extensions.iter().any(|ext| name.ends_with(ext)))
            .map(|name| format!("{shown_as}/{name}"))
            .collect();
        names.sort();
        names
    }

    /// `embedded` holds every file of `folder` (shown as `shown_as/NAME`), as on disk.
    fn assert_embedded(
        embedded: &[(&str, &str)],
        folder: &str,
        shown_as: &str,
        extensions: &[&str],
    ) {
        let names: Vec<String> = embedded.iter().map(|(name, _)| name.to_string()).collect();
        assert_eq!(
            names,
            files_on_disk(folder, shown_as, extensions),
            "embedded list of {folder}"
        );
        for (name, text) in embedded {
            let file = name.strip_prefix(shown_as).expect("shown in the folder");
            let on_disk = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("{folder}{file}")),
            )
            .expect("readable");
            assert_eq!(*text, on_disk, "{name}");
        }
    }

    #[test]
    fn every_rule_file_and_journal_is_embedded_in_name_order() {
        assert_embedded(EXAMPLE_RULE_FILES, "rules/ch-kmu", "rules", &[".rhai"]);
        assert_embedded(
            EXAMPLE_JOURNALS,
            "examples/october-2026",
            "examples/october-2026",
            &[".csv", ".jsonl", ".ndjson"],
        );
    }

    #[test]
    fn the_example_chart_and_rules_load() {
        let config = example_config();
        let chart = example_chart();
        let rules = crate::rules::RuleSet::from_sources(&example_rule_sources(), &config, &chart)
            .expect("the example rule set loads");
        assert!(rules.file_names().contains(&"rules/inventory.rhai"));
    }
}
