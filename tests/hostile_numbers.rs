//! The numeric grid, through the real binary: every numeric field of a journal at and around its
//! documented limit (docs/journal.md, Limits), posted with `post --dry-run` and with `post` into
//! a store. A value within the limit posts (and `adjust`, `reconcile`, `verify` then run
//! cleanly); a value beyond it is refused with exit status 2 naming the file, line and field,
//! identically in both, and nothing is stored. No input may end the process with a panic.

mod hostile_support;

use std::path::Path;

use hostile_support::{batches, company, journal, stderr, stockpost};

/// A journal as rows of (column, value).
type Rows = Vec<Vec<(&'static str, String)>>;

/// One row of the grid: the field, a journal built around a value of it, the largest value the
/// field takes, and the line (of the journal file) that carries it.
struct Case {
    field: &'static str,
    build: fn(&str) -> Rows,
    limit: &'static str,
    above: &'static str,
}

fn purchase(quantity: &str, unit_cost: &str) -> Vec<(&'static str, String)> {
    vec![
        ("type", "purchase".into()),
        ("posting_date", "2026-10-01".into()),
        ("document_no", "P-1".into()),
        ("item", "1000".into()),
        ("location", "MAIN".into()),
        ("quantity", quantity.into()),
        ("unit_cost", unit_cost.into()),
    ]
}

/// Entry 1 revalued, with `field` (`unit_cost_revalued` or `inventory_value_revalued`).
fn revaluation(field: &'static str, value: &str) -> Vec<(&'static str, String)> {
    vec![
        ("type", "revaluation".into()),
        ("posting_date", "2026-10-03".into()),
        ("document_no", "R-1".into()),
        ("item", "1000".into()),
        ("revalue", "entry".into()),
        ("entry_no", "1".into()),
        (field, value.into()),
    ]
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            field: "quantity",
            build: |value| vec![purchase(value, "1")],
            limit: "1000000000",
            above: "1000000000.00001",
        },
        Case {
            field: "unit_cost",
            build: |value| vec![purchase("1", value)],
            limit: "1000000000",
            above: "1000000000.00001",
        },
        Case {
            field: "amount",
            build: |value| {
                let mut line = purchase("1000", "");
                line.retain(|(name, _)| *name != "unit_cost");
                line.push(("amount", value.into()));
                vec![line]
            },
            limit: "1000000000000",
            above: "1000000000000.00001",
        },
        Case {
            field: "unit_price",
            build: |value| {
                vec![
                    purchase("1", "10"),
                    vec![
                        ("type", "sale".into()),
                        ("posting_date", "2026-10-02".into()),
                        ("document_no", "S-1".into()),
                        ("item", "1000".into()),
                        ("location", "MAIN".into()),
                        ("quantity", "1".into()),
                        ("unit_price", value.into()),
                    ],
                ]
            },
            limit: "1000000000",
            above: "1000000000.00001",
        },
        Case {
            field: "unit_cost_revalued",
            build: |value| {
                vec![
                    purchase("1", "10"),
                    revaluation("unit_cost_revalued", value),
                ]
            },
            limit: "1000000000",
            above: "1000000000.00001",
        },
        Case {
            field: "inventory_value_revalued",
            build: |value| {
                vec![
                    purchase("1", "10"),
                    revaluation("inventory_value_revalued", value),
                ]
            },
            limit: "1000000000000",
            above: "1000000000000.00001",
        },
        Case {
            field: "new_standard_cost",
            build: |value| {
                vec![vec![
                    ("type", "standard_cost_change".into()),
                    ("posting_date", "2026-10-01".into()),
                    ("document_no", "STD-1".into()),
                    ("item", "3000".into()),
                    ("new_standard_cost", value.into()),
                ]]
            },
            limit: "1000000000",
            above: "1000000000.00001",
        },
        Case {
            field: "amount",
            build: |value| {
                vec![
                    purchase("1", "10"),
                    vec![
                        ("type", "item_charge".into()),
                        ("posting_date", "2026-10-02".into()),
                        ("document_no", "IC-1".into()),
                        ("item_charge_no", "FREIGHT".into()),
                        ("amount", value.into()),
                        ("assign_to_entry_nos", "1".into()),
                    ],
                ]
            },
            limit: "1000000000000",
            above: "1000000000000.00001",
        },
    ]
}

fn write(path: &Path, rows: &[Vec<(&'static str, String)>]) {
    let rows: Vec<Vec<(&str, &str)>> = rows
        .iter()
        .map(|row| row.iter().map(|(k, v)| (*k, v.as_str())).collect())
        .collect();
    let refs: Vec<&[(&str, &str)]> = rows.iter().map(Vec::as_slice).collect();
    journal(path, &refs);
}

/// The exit status, with a defect (70, a panic caught at the top; 101, one that was not; or a
/// signal) reported as a failure of its own.
fn status(output: &std::process::Output, what: &str) -> i32 {
    let code = output.status.code();
    assert!(
        code.is_some() && code != Some(101) && code != Some(70),
        "{what}: the process panicked or died: {}",
        stderr(output)
    );
    code.unwrap()
}

#[test]
fn every_numeric_field_at_and_around_its_limit() {
    let root = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (index, case) in cases().into_iter().enumerate() {
        let company = company(root.path(), &format!("grid{index}"));
        let rows = (case.build)("1");
        let line_no = rows.len() + 1; // the header is line 1; the value is on the last line
        let refused: [(&str, &str); 4] = [
            (case.above, "is above"),
            ("12.123456", "has more than 5 decimals"),
            ("79228162514264337593543950335", "is above"),
            ("7922816251426433759354395033500", "far above"),
        ];
        for (value, says) in refused {
            let file = company.join(format!("bad-{}.csv", value.len()));
            write(&file, &(case.build)(value));
            for args in [vec!["post", "--dry-run"], vec!["post"]] {
                let mut args = args.clone();
                args.extend(["--company", ".", file.to_str().unwrap()]);
                let output = stockpost(&company, &args);
                let what = format!(
                    "{} = {value} ({})",
                    case.field,
                    args[..args.len() - 3].join(" ")
                );
                assert_eq!(status(&output, &what), 2, "{what}: {}", stderr(&output));
                let expected = format!("{}:{line_no}: field `{}`: ", file.display(), case.field);
                let message = stderr(&output);
                assert!(
                    message.contains(&expected) && message.contains(says),
                    "{what}: expected `{expected}` ... `{says}`, got {message}"
                );
                checked += 1;
            }
        }
        assert_eq!(
            batches(&company),
            0,
            "{}: a refused journal stored a batch",
            case.field
        );
        // At the limit the journal posts, in memory and into the store, and every command
        // that reads or adjusts the books runs on it.
        let file = company.join("limit.csv");
        write(&file, &(case.build)(case.limit));
        let path = file.to_str().unwrap();
        for args in [
            vec!["post", "--dry-run", "--company", ".", path],
            vec!["post", "--company", ".", path],
            vec!["adjust", "--company", "."],
            vec!["post-cost", "--company", "."],
            vec!["reconcile", "--company", "."],
            vec!["verify", "--company", "."],
        ] {
            let output = stockpost(&company, &args);
            let what = format!("{} = {} ({})", case.field, case.limit, args[0]);
            assert_eq!(status(&output, &what), 0, "{what}: {}", stderr(&output));
        }
        checked += 1;
    }
    assert_eq!(checked, 8 * 9);
}

/// A line whose quantity and unit cost are each within their limits, but whose product is not.
#[test]
fn the_line_amount_is_bounded_too() {
    let root = tempfile::tempdir().unwrap();
    let company = company(root.path(), "product");
    let file = company.join("product.csv");
    write(&file, &[purchase("1000000", "1000000000")]);
    let output = stockpost(&company, &["post", "--company", ".", "product.csv"]);
    assert_eq!(status(&output, "product"), 2);
    assert!(
        stderr(&output).contains(
            "product.csv:2: field `unit_cost`: 1000000 × 1000000000 = 1000000000000000 is above \
             1000000000000, the largest amount of one line"
        ),
        "{}",
        stderr(&output)
    );
}

/// Item charges piled on a tiny quantity drive its unit cost far beyond any single line's,
/// and a sale into negative inventory is then valued at it: the one way left to exceed what
/// the store keeps. The batch is refused whole with exit 2 in `post` and in `--dry-run`, the
/// earlier batches stay, and `verify` passes.
#[test]
fn charges_on_a_tiny_quantity_are_refused_whole_not_half_posted() {
    let root = tempfile::tempdir().unwrap();
    let company = company(root.path(), "tiny");
    let mut rows = vec![purchase("0.00001", "1000000000")];
    for index in 0..30 {
        rows.push(vec![
            ("type", "item_charge".into()),
            ("posting_date", "2026-10-02".into()),
            ("document_no", format!("IC-{index}")),
            ("item_charge_no", "FREIGHT".into()),
            ("amount", "1000000000000".into()),
            ("assign_to_entry_nos", "1".into()),
        ]);
    }
    write(&company.join("charges.csv"), &rows);
    write(
        &company.join("sale.csv"),
        &[vec![
            ("type", "sale".into()),
            ("posting_date", "2026-10-03".into()),
            ("document_no", "S-BIG".into()),
            ("item", "1000".into()),
            ("location", "MAIN".into()),
            ("quantity", "1000000000".into()),
        ]],
    );
    let dry = stockpost(
        &company,
        &[
            "post",
            "--dry-run",
            "--company",
            ".",
            "charges.csv",
            "sale.csv",
        ],
    );
    assert_eq!(status(&dry, "dry run"), 2, "{}", stderr(&dry));
    let charges = stockpost(&company, &["post", "--company", ".", "charges.csv"]);
    assert_eq!(status(&charges, "charges"), 0, "{}", stderr(&charges));
    let sale = stockpost(&company, &["post", "--company", ".", "sale.csv"]);
    assert_eq!(status(&sale, "sale"), 2, "{}", stderr(&sale));
    for output in [&dry, &sale] {
        assert!(
            stderr(output).contains(
                "cost_amount_actual = -1000030000000000000.00 is beyond the largest value the \
                 store keeps (±92233720368547758.07)"
            ),
            "{}",
            stderr(output)
        );
    }
    assert_eq!(batches(&company), 1);
    for command in ["adjust", "reconcile", "verify"] {
        let output = stockpost(&company, &[command, "--company", "."]);
        assert_eq!(
            status(&output, command),
            0,
            "{command}: {}",
            stderr(&output)
        );
    }
}
