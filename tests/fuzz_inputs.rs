//! A byte-mutation fuzzer, driven by proptest, over the readers of everything a user hands
//! stockpost: journals (CSV and JSON Lines), the configuration files and the chart of accounts.
//! Seeds are the example company's journals and every localisation pack's configuration; each
//! case applies up to three (journals) or seven (configuration) mutations (bytes replaced, inserted, deleted, chunks duplicated,
//! and tokens that matter: huge and tiny numbers, exponents, separators, quotes, NUL, escape
//! sequences, non-ASCII). The property: reading never panics, and a journal that reads posts
//! into the example books (the costing core itself, not through its panic guard) or is refused,
//! never a panic, and a refused batch leaves the books as they were.
//!
//! CI runs `STOCKPOST_FUZZ_CASES` cases (default 300) per target; a long run sets it higher:
//! `STOCKPOST_FUZZ_CASES=200000 cargo test --release --test fuzz_inputs`.

use std::cell::Cell;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use stockpost::books::Books;
use stockpost::chart::ChartOfAccounts;
use stockpost::config::{load_company_files, ConfigFile};
use stockpost::example::{example_chart, example_config, example_rule_sources, EXAMPLE_JOURNALS};
use stockpost::journal::parse_journal;
use stockpost::posting::PostingContext;
use stockpost::rules::{RuleSet, RuleSetAccounts};
use stockpost::store::StoreMarks;

const TOKENS: &[&str] = &[
    "79228162514264337593543950335",
    "7922816251426433759354395033500000",
    "1000000000",
    "1000000000000.00001",
    "0.00001",
    "0.000001",
    "-0",
    "1e30",
    "1E-30",
    "NaN",
    "inf",
    ",",
    ";",
    "\"",
    "\n",
    "\r\n",
    "{",
    "}",
    "[",
    "]",
    ":",
    "\u{0}",
    "\u{1b}[31m",
    "=cmd|' /C calc'!A0",
    "é",
    "\u{feff}",
    "9999-12-31",
    "0000-01-01",
    "18446744073709551616",
    "[[[[[[[[",
    "#",
    "'''",
    "= ",
];

/// One mutation of a text's bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, u8),
    Insert(usize, usize),
    Delete(usize, usize),
    Duplicate(usize, usize),
    /// The n-th number in the text replaced by a numeric token: the structure stays, so the
    /// journal still reads and the value reaches the engine.
    Number(usize, usize),
}

const NUMBERS: &[&str] = &[
    "79228162514264337593543950335",
    "1000000000",
    "999999999.99999",
    "1000000000000",
    "0.00001",
    "0.000001",
    "0",
    "-1",
    "1e9",
    "123456789012345678901234567890",
    "3",
    "18446744073709551615",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Replace(at, byte)),
        1 => (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, token)| Mutation::Insert(at, token)),
        1 => (any::<usize>(), 1..40usize).prop_map(|(at, len)| Mutation::Delete(at, len)),
        1 => (any::<usize>(), 1..400usize).prop_map(|(at, len)| Mutation::Duplicate(at, len)),
        3 => (any::<usize>(), 0..NUMBERS.len()).prop_map(|(at, n)| Mutation::Number(at, n)),
    ]
}

fn apply(text: &str, mutations: &[Mutation]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for mutation in mutations {
        let len = bytes.len().max(1);
        match *mutation {
            Mutation::Replace(at, byte) if !bytes.is_empty() => bytes[at % len] = byte,
            Mutation::Insert(at, token) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, TOKENS[token].bytes());
            }
            Mutation::Delete(at, count) if !bytes.is_empty() => {
                let at = at % len;
                let end = (at + count).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Duplicate(at, count) if !bytes.is_empty() => {
                let at = at % len;
                let end = (at + count).min(bytes.len());
                let chunk = bytes[at..end].to_vec();
                bytes.splice(end..end, chunk);
            }
            Mutation::Number(at, number) => {
                let runs = number_runs(&bytes);
                if !runs.is_empty() {
                    let (start, end) = runs[at % runs.len()];
                    bytes.splice(start..end, NUMBERS[number].bytes());
                }
            }
            _ => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The byte ranges of the runs of digits and points that follow a `,` or `:` (a cell's or a
/// key's number) in `bytes`.
fn number_runs(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut index = 1;
    while index < bytes.len() {
        let starts =
            matches!(bytes[index - 1], b',' | b':' | b'"') && bytes[index].is_ascii_digit();
        if starts {
            let start = index;
            while index < bytes.len() && (bytes[index].is_ascii_digit() || bytes[index] == b'.') {
                index += 1;
            }
            // Dates (2026-10-01) are not numbers.
            if bytes.get(index) != Some(&b'-') {
                runs.push((start, index));
            }
        }
        index += 1;
    }
    runs
}

fn cases() -> u32 {
    std::env::var("STOCKPOST_FUZZ_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(300)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn mutated_journals_read_and_post_or_are_refused_never_a_panic() {
    let config = example_config();
    let rules = RuleSet::from_sources(&example_rule_sources(), &config, &example_chart()).unwrap();
    let accounts = RuleSetAccounts::new(&rules);
    // The books before each journal, so that a journal finds the entries it names.
    let mut bases = vec![Books::new(config.clone())];
    for (name, text) in EXAMPLE_JOURNALS {
        let mut books = bases.last().unwrap().clone();
        let lines = parse_journal(name, text).unwrap();
        let work_date = lines.iter().map(|line| line.posting_date).max().unwrap();
        books
            .post_journal(&lines, &PostingContext { work_date }, &accounts)
            .unwrap();
        bases.push(books);
    }
    let (read, posted) = (Cell::new(0u32), Cell::new(0u32));
    let strategy = (
        0..EXAMPLE_JOURNALS.len(),
        prop::collection::vec(mutation(), 1..4),
    );
    runner()
        .run(&strategy, |(seed, mutations)| {
            let (name, text) = EXAMPLE_JOURNALS[seed];
            let text = apply(text, &mutations);
            let Ok(lines) = parse_journal(name, &text) else {
                return Ok(());
            };
            read.set(read.get() + 1);
            let Some(work_date) = lines.iter().map(|line| line.posting_date).max() else {
                return Ok(());
            };
            let mut books = bases[seed].clone();
            let before = StoreMarks::of(&books);
            match books.post_journal(&lines, &PostingContext { work_date }, &accounts) {
                Ok(_) => {
                    posted.set(posted.get() + 1);
                    let adjustment = books.adjust_cost(&Default::default(), true, &accounts);
                    prop_assert!(adjustment.adjustment.limit_hits.is_empty());
                }
                Err(_) => prop_assert_eq!(StoreMarks::of(&books), before),
            }
            Ok(())
        })
        .unwrap();
    // The mutations leave many journals readable, and some of those post: the fuzzer reaches
    // the engine, not only the parsers' first checks.
    let (read, posted) = (read.get(), posted.get());
    eprintln!("{} cases: {read} journals read, {posted} posted", cases());
    assert!(read > cases() / 20, "only {read} journals read");
    assert!(posted > 0, "no mutated journal posted");
}

#[test]
fn mutated_configuration_and_charts_load_or_are_refused_never_a_panic() {
    let packs = stockpost::packs::CHART_PACKS;
    let loaded = Cell::new(0u32);
    let strategy = (
        0..packs.len(),
        0..4usize,
        prop::collection::vec(mutation(), 1..8),
    );
    runner()
        .run(&strategy, |(pack, target, mutations)| {
            let files = packs[pack].files;
            let text_of = |path: &str| {
                files
                    .iter()
                    .find(|file| file.path == path)
                    .map(|file| file.text.to_string())
                    .unwrap_or_default()
            };
            let mut texts = [
                ("config/company.toml", text_of("config/company.toml")),
                ("config/items.toml", text_of("config/items.toml")),
                ("config/locations.toml", text_of("config/locations.toml")),
                ("config/accounts.toml", text_of("config/accounts.toml")),
            ];
            texts[target].1 = apply(&texts[target].1, &mutations);
            let files: Vec<ConfigFile<'_>> = texts[..3]
                .iter()
                .map(|(name, text)| ConfigFile { name, text })
                .collect();
            if load_company_files(&files).is_ok() {
                loaded.set(loaded.get() + 1);
            }
            let _ = ChartOfAccounts::parse(texts[3].0, &texts[3].1);
            Ok(())
        })
        .unwrap();
    assert!(loaded.get() > 0, "no mutated configuration loaded");
}
