//! The example in docs/journal.md parses, and its CSV and JSON Lines versions agree.

use stockpost::journal::csv::parse_csv;
use stockpost::journal::jsonl::parse_jsonl;
use stockpost::journal::{JournalLine, JournalLineKind, LineRef};

const DOC: &str = include_str!("../docs/journal.md");

/// The text of the first fenced block with this language tag.
fn block(language: &str) -> &'static str {
    let fence = format!("```{language}\n");
    let start = DOC.find(&fence).expect("block present") + fence.len();
    let length = DOC[start..].find("```").expect("block closed");
    &DOC[start..start + length]
}

fn without_source(lines: Vec<JournalLine>) -> Vec<JournalLine> {
    lines
        .into_iter()
        .map(|line| JournalLine {
            source: LineRef {
                file: "doc".into(),
                line: 0,
            },
            ..line
        })
        .collect()
}

#[test]
fn doc_example_is_the_same_journal_in_both_encodings() {
    let from_csv = parse_csv("example.csv", block("csv")).unwrap();
    let from_jsonl = parse_jsonl("example.jsonl", block("jsonl")).unwrap();
    assert_eq!(from_csv.len(), 15);
    assert_eq!(without_source(from_csv.clone()), without_source(from_jsonl));
    let kinds: std::collections::BTreeSet<&str> =
        from_csv.iter().map(|line| line.kind.name()).collect();
    assert_eq!(kinds.len(), 14, "the example shows every type");
    // The doc says entry 5 is the shipped Leva, and the text numbers entries up to 10.
    let created: usize = from_csv
        .iter()
        .map(|line| match line.kind {
            JournalLineKind::Transfer { .. } => 2,
            JournalLineKind::PurchaseInvoice { .. }
            | JournalLineKind::SalesInvoice { .. }
            | JournalLineKind::ItemCharge { .. }
            | JournalLineKind::Revaluation { .. }
            | JournalLineKind::StandardCostChange { .. } => 0,
            _ => 1,
        })
        .sum();
    assert_eq!(created, 10);
}

#[test]
fn doc_error_for_broken_json_is_accurate() {
    let error = parse_jsonl("october.jsonl", "#\n#\n#\n{\"type\",\n").unwrap_err();
    assert!(DOC.contains(&error.to_string()), "{error}");
}
