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

/// `1000000000` as docs write it: `1,000,000,000`.
fn grouped(value: rust_decimal::Decimal) -> String {
    let digits = value.trunc().to_string();
    let mut grouped = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// The Limits table of docs/journal.md states the figures of `journal::limits`.
#[test]
fn the_documented_limits_are_the_enforced_ones() {
    use stockpost::journal::limits::*;
    let start = DOC.find("## Limits").expect("a Limits section");
    let section = &DOC[start..start + DOC[start..].find("\n## CSV").expect("CSV follows")];
    let rows = [
        format!(
            "| `quantity` | greater than 0, at most {} | {MAX_DECIMALS} |",
            grouped(MAX_QUANTITY)
        ),
        format!(
            "| `unit_cost`, `unit_price`, `unit_cost_revalued`, `new_standard_cost` | 0 to {} | \
             {MAX_DECIMALS} |",
            grouped(MAX_UNIT_AMOUNT)
        ),
        format!(
            "| `amount`, `inventory_value_revalued` | 0 to {} | {MAX_DECIMALS} |",
            grouped(MAX_LINE_AMOUNT)
        ),
        format!(
            "| quantity × unit cost (or unit price) of one line | at most {} | |",
            grouped(MAX_LINE_AMOUNT)
        ),
        format!(
            "| the unit cost an `amount` implies (amount ÷ quantity) | at most {} | |",
            grouped(MAX_UNIT_AMOUNT)
        ),
        format!(
            "| a text field, a dimension code or value | at most {MAX_TEXT_CHARS} characters | |"
        ),
        format!(
            "| lines in one journal file | at most {} | |",
            grouped(rust_decimal::Decimal::from(MAX_LINES as u64))
        ),
    ];
    for row in rows {
        assert!(
            section.contains(&row),
            "docs/journal.md, Limits, lacks:\n{row}"
        );
    }
}
