//! The journal parsers: every line type from CSV and JSON Lines, and the exact error messages.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use stockpost::journal::csv::parse_csv;
use stockpost::journal::jsonl::parse_jsonl;
use stockpost::journal::{
    parse_journal, Dimensions, JournalLine, JournalLineKind, LineCost, LineRef, RevaluationScope,
    RevaluationTarget,
};

const HEADER: &str = "type,posting_date,document_no,external_document_no,gen_bus_posting_group,\
serial_no,item,location,quantity,unit_cost,amount,unit_price,receipt_entry_no,shipment_entry_no,\
applies_to_entry_no,applies_from_entry_no,from_location,to_location,item_charge_no,\
assign_to_entry_nos,revalue,entry_no,unit_cost_revalued,inventory_value_revalued,\
new_standard_cost,dim.DEPARTMENT,dim.PROJECT";

/// One CSV row per line type, in the column order of [`HEADER`].
const ROWS: [&str; 16] = [
    "purchase,2026-10-01,PI-1,VINV-77,DOMESTIC,,1000,MAIN,10,250.00,,,,,,,,,,,,,,,,ADMIN,",
    "purchase,2026-10-01,PI-2,,EU,,2000,MAIN,12.5,,1234.56,,,,,,,,,,,,,,,,",
    "purchase_receipt,2026-10-02,PR-1,,DOMESTIC,SN-1,1020,MAIN,1,1800,,,,,,,,,,,,,,,,,",
    "purchase_invoice,2026-10-05,PI-3,,DOMESTIC,,,,4,251.5,,,3,,,,,,,,,,,,,,",
    "purchase_invoice,2026-10-05,PI-4,,DOMESTIC,,,,2,,600,,3,,,,,,,,,,,,,,",
    "purchase_return,2026-10-06,PCM-1,,DOMESTIC,,1000,MAIN,1,250,,,,,2,,,,,,,,,,,,",
    "sale,2026-10-07,SI-1,PO-9,EXPORT,,1010,BASEL,3,,,99.90,,,1,,,,,,,,,,,SALES,P1",
    "sales_shipment,2026-10-08,SS-1,,DOMESTIC,,2000,,5,,,,,,,,,,,,,,,,,,",
    "sales_invoice,2026-10-09,SI-2,,DOMESTIC,,,,2,,,31.2,,8,,,,,,,,,,,,,",
    "sales_return,2026-10-10,SCM-1,,DOMESTIC,,1010,BASEL,1,,,99.90,,,,7,,,,,,,,,,,",
    "positive_adjustment,2026-10-11,ADJ-1,,,,3000,LYON,6,4.5,,,,,,,,,,,,,,,,,",
    "negative_adjustment,2026-10-12,ADJ-2,,,,5000,MAIN,2,,,,,,4,,,,,,,,,,,,",
    "transfer,2026-10-13,TR-1,,,,2010,,20,,,,,,,,MAIN,LYON,,,,,,,,,",
    "item_charge,2026-10-14,PI-5,,DOMESTIC,,,,,,85.40,,,,,,,,FREIGHT,3;4;12,,,,,,,",
    "revaluation,2026-10-31,REV-1,,,,2000,MAIN,,,,,,,,,,,,,item,,26.1,,,,",
    "standard_cost_change,2026-10-31,STD-1,,,,3000,,,,,,,,,,,,,,,,,,4.8,,",
];

/// The same lines as JSON objects.
const OBJECTS: [&str; 16] = [
    r#"{"type":"purchase","posting_date":"2026-10-01","document_no":"PI-1","external_document_no":"VINV-77","gen_bus_posting_group":"DOMESTIC","item":"1000","location":"MAIN","quantity":10,"unit_cost":"250.00","dimensions":{"DEPARTMENT":"ADMIN"}}"#,
    r#"{"type":"purchase","posting_date":"2026-10-01","document_no":"PI-2","gen_bus_posting_group":"EU","item":"2000","location":"MAIN","quantity":12.5,"amount":1234.56}"#,
    r#"{"type":"purchase_receipt","posting_date":"2026-10-02","document_no":"PR-1","gen_bus_posting_group":"DOMESTIC","serial_no":"SN-1","item":"1020","location":"MAIN","quantity":"1","unit_cost":1800}"#,
    r#"{"type":"purchase_invoice","posting_date":"2026-10-05","document_no":"PI-3","gen_bus_posting_group":"DOMESTIC","receipt_entry_no":3,"quantity":4,"unit_cost":"251.5"}"#,
    r#"{"type":"purchase_invoice","posting_date":"2026-10-05","document_no":"PI-4","gen_bus_posting_group":"DOMESTIC","receipt_entry_no":"3","quantity":2,"amount":600}"#,
    r#"{"type":"purchase_return","posting_date":"2026-10-06","document_no":"PCM-1","gen_bus_posting_group":"DOMESTIC","item":"1000","location":"MAIN","quantity":1,"unit_cost":250,"applies_to_entry_no":2}"#,
    r#"{"type":"sale","posting_date":"2026-10-07","document_no":"SI-1","external_document_no":"PO-9","gen_bus_posting_group":"EXPORT","item":"1010","location":"BASEL","quantity":3,"unit_price":"99.90","applies_to_entry_no":1,"dimensions":{"DEPARTMENT":"SALES","PROJECT":"P1"}}"#,
    r#"{"type":"sales_shipment","posting_date":"2026-10-08","document_no":"SS-1","gen_bus_posting_group":"DOMESTIC","item":"2000","quantity":5}"#,
    r#"{"type":"sales_invoice","posting_date":"2026-10-09","document_no":"SI-2","gen_bus_posting_group":"DOMESTIC","shipment_entry_no":8,"quantity":2,"unit_price":31.2}"#,
    r#"{"type":"sales_return","posting_date":"2026-10-10","document_no":"SCM-1","gen_bus_posting_group":"DOMESTIC","item":"1010","location":"BASEL","quantity":1,"unit_price":"99.90","applies_from_entry_no":7}"#,
    r#"{"type":"positive_adjustment","posting_date":"2026-10-11","document_no":"ADJ-1","item":"3000","location":"LYON","quantity":6,"unit_cost":4.5}"#,
    r#"{"type":"negative_adjustment","posting_date":"2026-10-12","document_no":"ADJ-2","item":"5000","location":"MAIN","quantity":2,"applies_to_entry_no":4}"#,
    r#"{"type":"transfer","posting_date":"2026-10-13","document_no":"TR-1","item":"2010","from_location":"MAIN","to_location":"LYON","quantity":20}"#,
    r#"{"type":"item_charge","posting_date":"2026-10-14","document_no":"PI-5","gen_bus_posting_group":"DOMESTIC","item_charge_no":"FREIGHT","amount":"85.40","assign_to_entry_nos":[3,4,12]}"#,
    r#"{"type":"revaluation","posting_date":"2026-10-31","document_no":"REV-1","item":"2000","revalue":"item","location":"MAIN","unit_cost_revalued":26.1}"#,
    r#"{"type":"standard_cost_change","posting_date":"2026-10-31","document_no":"STD-1","item":"3000","new_standard_cost":"4.8"}"#,
];

fn date(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, day).unwrap()
}

fn s(text: &str) -> String {
    text.to_string()
}

/// A line with no external document no., serial no. or dimensions.
fn plain(day: u32, document_no: &str, group: &str, kind: JournalLineKind) -> JournalLine {
    JournalLine {
        source: LineRef {
            file: Arc::from(""),
            line: 0,
        },
        posting_date: date(day),
        document_no: s(document_no),
        external_document_no: None,
        gen_bus_posting_group: s(group),
        serial_no: None,
        dimensions: Dimensions::new(),
        kind,
    }
}

fn dimensions(pairs: &[(&str, &str)]) -> Dimensions {
    pairs
        .iter()
        .map(|(code, value)| (s(code), s(value)))
        .collect()
}

/// The expected lines for [`ROWS`] / [`OBJECTS`], without their source.
fn expected_lines() -> Vec<JournalLine> {
    use JournalLineKind as K;
    vec![
        JournalLine {
            external_document_no: Some(s("VINV-77")),
            dimensions: dimensions(&[("DEPARTMENT", "ADMIN")]),
            ..plain(
                1,
                "PI-1",
                "DOMESTIC",
                K::Purchase {
                    item: s("1000"),
                    location: s("MAIN"),
                    quantity: dec!(10),
                    cost: LineCost::DirectUnitCost(dec!(250.00)),
                },
            )
        },
        plain(
            1,
            "PI-2",
            "EU",
            K::Purchase {
                item: s("2000"),
                location: s("MAIN"),
                quantity: dec!(12.5),
                cost: LineCost::Amount(dec!(1234.56)),
            },
        ),
        JournalLine {
            serial_no: Some(s("SN-1")),
            ..plain(
                2,
                "PR-1",
                "DOMESTIC",
                K::PurchaseReceipt {
                    item: s("1020"),
                    location: s("MAIN"),
                    quantity: dec!(1),
                    direct_unit_cost: dec!(1800),
                },
            )
        },
        plain(
            5,
            "PI-3",
            "DOMESTIC",
            K::PurchaseInvoice {
                receipt_entry_no: 3,
                quantity: dec!(4),
                cost: LineCost::DirectUnitCost(dec!(251.5)),
            },
        ),
        plain(
            5,
            "PI-4",
            "DOMESTIC",
            K::PurchaseInvoice {
                receipt_entry_no: 3,
                quantity: dec!(2),
                cost: LineCost::Amount(dec!(600)),
            },
        ),
        plain(
            6,
            "PCM-1",
            "DOMESTIC",
            K::PurchaseReturn {
                item: s("1000"),
                location: s("MAIN"),
                quantity: dec!(1),
                direct_unit_cost: dec!(250),
                applies_to_entry_no: Some(2),
            },
        ),
        JournalLine {
            external_document_no: Some(s("PO-9")),
            dimensions: dimensions(&[("DEPARTMENT", "SALES"), ("PROJECT", "P1")]),
            ..plain(
                7,
                "SI-1",
                "EXPORT",
                K::Sale {
                    item: s("1010"),
                    location: s("BASEL"),
                    quantity: dec!(3),
                    unit_price: dec!(99.90),
                    applies_to_entry_no: Some(1),
                },
            )
        },
        plain(
            8,
            "SS-1",
            "DOMESTIC",
            K::SalesShipment {
                item: s("2000"),
                location: s(""),
                quantity: dec!(5),
                unit_price: Decimal::ZERO,
            },
        ),
        plain(
            9,
            "SI-2",
            "DOMESTIC",
            K::SalesInvoice {
                shipment_entry_no: 8,
                quantity: dec!(2),
                unit_price: dec!(31.2),
            },
        ),
        plain(
            10,
            "SCM-1",
            "DOMESTIC",
            K::SalesReturn {
                item: s("1010"),
                location: s("BASEL"),
                quantity: dec!(1),
                unit_price: dec!(99.90),
                applies_from_entry_no: Some(7),
            },
        ),
        plain(
            11,
            "ADJ-1",
            "",
            K::PositiveAdjustment {
                item: s("3000"),
                location: s("LYON"),
                quantity: dec!(6),
                unit_cost: dec!(4.5),
            },
        ),
        plain(
            12,
            "ADJ-2",
            "",
            K::NegativeAdjustment {
                item: s("5000"),
                location: s("MAIN"),
                quantity: dec!(2),
                applies_to_entry_no: Some(4),
            },
        ),
        plain(
            13,
            "TR-1",
            "",
            K::Transfer {
                item: s("2010"),
                from_location: s("MAIN"),
                to_location: s("LYON"),
                quantity: dec!(20),
            },
        ),
        plain(
            14,
            "PI-5",
            "DOMESTIC",
            K::ItemCharge {
                item_charge_no: s("FREIGHT"),
                amount: dec!(85.40),
                assign_to_entry_nos: vec![3, 4, 12],
            },
        ),
        plain(
            31,
            "REV-1",
            "",
            K::Revaluation {
                item: s("2000"),
                scope: RevaluationScope::Item {
                    location: Some(s("MAIN")),
                },
                target: RevaluationTarget::UnitCost(dec!(26.1)),
            },
        ),
        plain(
            31,
            "STD-1",
            "",
            K::StandardCostChange {
                item: s("3000"),
                new_standard_cost: dec!(4.8),
            },
        ),
    ]
}

/// The expected lines with their source file and line numbers.
fn expected_at(file: &str, first_line: u32) -> Vec<JournalLine> {
    let file: Arc<str> = Arc::from(file);
    (first_line..)
        .zip(expected_lines())
        .map(|(line, expected)| JournalLine {
            source: LineRef {
                file: Arc::clone(&file),
                line,
            },
            ..expected
        })
        .collect()
}

#[test]
fn every_type_parses_from_csv() {
    let text = format!("{HEADER}\n{}\n", ROWS.join("\n"));
    let lines = parse_csv("all.csv", &text).unwrap();
    assert_eq!(lines, expected_at("all.csv", 2));
}

#[test]
fn every_type_parses_from_jsonl() {
    let text = format!("{}\n", OBJECTS.join("\n"));
    let lines = parse_jsonl("all.jsonl", &text).unwrap();
    assert_eq!(lines, expected_at("all.jsonl", 1));
}

#[test]
fn every_line_type_name_is_covered() {
    let names: std::collections::BTreeSet<&str> = expected_lines()
        .iter()
        .map(|line| line.kind.name())
        .collect();
    assert_eq!(names.len(), 14);
}

#[test]
fn kind_names_are_the_type_values() {
    for (row, expected) in ROWS.iter().zip(expected_lines()) {
        assert!(
            row.starts_with(&format!("{},", expected.kind.name())),
            "{row}"
        );
    }
}

#[test]
fn revaluation_per_entry_with_inventory_value() {
    let csv = "type,posting_date,document_no,item,revalue,entry_no,inventory_value_revalued\n\
               revaluation,2026-10-31,REV-2,1000,entry,17,1450.00\n";
    let json = r#"{"type":"revaluation","posting_date":"2026-10-31","document_no":"REV-2","item":"1000","revalue":"entry","entry_no":17,"inventory_value_revalued":"1450.00"}"#;
    let expected = JournalLineKind::Revaluation {
        item: s("1000"),
        scope: RevaluationScope::Entry { entry_no: 17 },
        target: RevaluationTarget::InventoryValue(dec!(1450.00)),
    };
    assert_eq!(parse_csv("r.csv", csv).unwrap()[0].kind, expected);
    assert_eq!(parse_jsonl("r.jsonl", json).unwrap()[0].kind, expected);
}

#[test]
fn revaluation_per_item_without_location_covers_all_locations() {
    let csv = "type,posting_date,document_no,item,revalue,inventory_value_revalued\n\
               revaluation,2026-10-31,REV-3,2010,item,980\n";
    let lines = parse_csv("r.csv", csv).unwrap();
    assert_eq!(
        lines[0].kind,
        JournalLineKind::Revaluation {
            item: s("2010"),
            scope: RevaluationScope::Item { location: None },
            target: RevaluationTarget::InventoryValue(dec!(980)),
        }
    );
}

#[test]
fn csv_skips_blank_lines_and_keeps_physical_line_numbers() {
    let text = format!(
        "{HEADER}\n\n{}\n\n,,,,,,,,,,,,,,,,,,,,,,,,,,\n{}\n",
        ROWS[0], ROWS[1]
    );
    let lines = parse_csv("gaps.csv", &text).unwrap();
    let numbers: Vec<u32> = lines.iter().map(|l| l.source.line).collect();
    assert_eq!(numbers, vec![3, 6]);
}

#[test]
fn csv_quoted_fields_and_surrounding_spaces() {
    let text = "type, posting_date ,document_no,item,location,quantity,unit_price\n\
                sale,2026-10-07,\"SI,7\", 1000 ,MAIN,\" 2 \",\"1,5\"\n";
    let error = parse_csv("q.csv", text).unwrap_err();
    assert_eq!(
        error.to_string(),
        "q.csv:2: field `unit_price`: \"1,5\" is not a number"
    );
    let text = text.replace("\"1,5\"", "1.5");
    let line = &parse_csv("q.csv", &text).unwrap()[0];
    assert_eq!(line.document_no, "SI,7");
    assert_eq!(
        line.kind,
        JournalLineKind::Sale {
            item: s("1000"),
            location: s("MAIN"),
            quantity: dec!(2),
            unit_price: dec!(1.5),
            applies_to_entry_no: None,
        }
    );
}

#[test]
fn jsonl_skips_blank_and_comment_lines() {
    let text = format!(
        "# opening stock\n\n{}\n   # indented comment\n{}\n",
        OBJECTS[0], OBJECTS[1]
    );
    let lines = parse_jsonl("c.jsonl", &text).unwrap();
    let numbers: Vec<u32> = lines.iter().map(|l| l.source.line).collect();
    assert_eq!(numbers, vec![3, 5]);
}

#[test]
fn json_nulls_and_empty_strings_are_absent() {
    let text = r#"{"type":"sale","posting_date":"2026-10-07","document_no":"S","external_document_no":null,"serial_no":"","item":"1000","quantity":1,"dimensions":{"DEPARTMENT":"","PROJECT":null}}"#;
    let line = &parse_jsonl("n.jsonl", text).unwrap()[0];
    assert_eq!(line.external_document_no, None);
    assert_eq!(line.serial_no, None);
    assert!(line.dimensions.is_empty());
}

#[test]
fn empty_inputs_give_empty_journals() {
    assert_eq!(parse_csv("e.csv", "").unwrap(), vec![]);
    assert_eq!(
        parse_csv("e.csv", "type,posting_date,document_no\n").unwrap(),
        vec![]
    );
    assert_eq!(parse_jsonl("e.jsonl", "\n# nothing\n").unwrap(), vec![]);
}

#[test]
fn parse_journal_chooses_by_extension() {
    let csv = format!("{HEADER}\n{}\n", ROWS[0]);
    assert_eq!(parse_journal("A.CSV", &csv).unwrap().len(), 1);
    assert_eq!(parse_journal("a.jsonl", OBJECTS[0]).unwrap().len(), 1);
    assert_eq!(parse_journal("a.ndjson", OBJECTS[0]).unwrap().len(), 1);
    assert_eq!(
        parse_journal("a.txt", "").unwrap_err().to_string(),
        "a.txt: unknown journal format: name the file *.csv, *.jsonl or *.ndjson"
    );
}

// ---- errors ----

/// Parses a CSV journal of one data line (line 2) and returns the error text.
fn csv_error(header: &str, row: &str) -> String {
    parse_csv("october.csv", &format!("{header}\n{row}\n"))
        .unwrap_err()
        .to_string()
}

fn jsonl_error(object: &str) -> String {
    parse_jsonl("october.jsonl", &format!("# header comment\n{object}\n"))
        .unwrap_err()
        .to_string()
}

const SALE: &str = "type,posting_date,document_no,item,location,quantity,unit_price";
const PURCHASE: &str = "type,posting_date,document_no,item,location,quantity,unit_cost,amount";

#[test]
fn bad_number_names_file_line_and_field() {
    let text = format!(
        "{SALE}\n{}\n{}\n",
        "sale,2026-10-07,S1,1000,MAIN,1,10", "sale,2026-10-07,S2,1000,MAIN,1O,10"
    );
    assert_eq!(
        parse_csv("october.csv", &text).unwrap_err().to_string(),
        "october.csv:3: field `quantity`: \"1O\" is not a number"
    );
    assert_eq!(
        jsonl_error(
            r#"{"type":"sale","posting_date":"2026-10-07","document_no":"S","item":"1000","quantity":1,"unit_price":"12,50"}"#
        ),
        "october.jsonl:2: field `unit_price`: \"12,50\" is not a number"
    );
}

#[test]
fn error_carries_structured_fields() {
    let text = format!("{SALE}\nsale,2026-10-07,S2,1000,MAIN,1O,10\n");
    let error = parse_csv("october.csv", &text).unwrap_err();
    assert_eq!(error.file, "october.csv");
    assert_eq!(error.line, 2);
    assert_eq!(error.field, "quantity");
    assert_eq!(error.message, "\"1O\" is not a number");
}

#[test]
fn bad_date() {
    assert_eq!(
        csv_error(SALE, "sale,2026-10-32,S,1000,MAIN,1,10"),
        "october.csv:2: field `posting_date`: \"2026-10-32\" is not a date; write YYYY-MM-DD, e.g. 2026-10-01"
    );
    assert_eq!(
        jsonl_error(r#"{"type":"sale","posting_date":"01.10.2026","document_no":"S","item":"1000","quantity":1}"#),
        "october.jsonl:2: field `posting_date`: \"01.10.2026\" is not a date; write YYYY-MM-DD, e.g. 2026-10-01"
    );
}

#[test]
fn bad_entry_number() {
    assert_eq!(
        csv_error(
            "type,posting_date,document_no,receipt_entry_no,quantity,unit_cost",
            "purchase_invoice,2026-10-05,PI,3a,1,10"
        ),
        "october.csv:2: field `receipt_entry_no`: \"3a\" is not an entry number; write a whole number from 1 up"
    );
    assert_eq!(
        jsonl_error(r#"{"type":"item_charge","posting_date":"2026-10-05","document_no":"PI","item_charge_no":"FREIGHT","amount":5,"assign_to_entry_nos":[3,0]}"#),
        "october.jsonl:2: field `assign_to_entry_nos`: \"0\" is not an entry number; write a whole number from 1 up"
    );
    assert_eq!(
        csv_error(
            "type,posting_date,document_no,item_charge_no,amount,assign_to_entry_nos",
            "item_charge,2026-10-05,PI,FREIGHT,5,3;;4"
        ),
        "october.csv:2: field `assign_to_entry_nos`: \"\" is not an entry number; write a whole number from 1 up"
    );
    assert_eq!(
        jsonl_error(r#"{"type":"item_charge","posting_date":"2026-10-05","document_no":"PI","item_charge_no":"FREIGHT","amount":5,"assign_to_entry_nos":"3;4"}"#),
        "october.jsonl:2: field `assign_to_entry_nos`: must be an array of entry numbers, e.g. [5, 6]"
    );
    assert_eq!(
        csv_error(
            "type,posting_date,document_no,item_charge_no,amount,assign_to_entry_nos",
            "item_charge,2026-10-05,PI,FREIGHT,5,3;4;3"
        ),
        "october.csv:2: field `assign_to_entry_nos`: entry 3 is listed twice in \"3;4;3\""
    );
}

#[test]
fn missing_required_field() {
    assert_eq!(
        csv_error(SALE, "sale,2026-10-07,S,,MAIN,1,10"),
        "october.csv:2: field `item`: missing; type `sale` requires it"
    );
    assert_eq!(
        csv_error(SALE, "sale,2026-10-07,,1000,MAIN,1,10"),
        "october.csv:2: field `document_no`: missing; type `sale` requires it"
    );
    assert_eq!(
        jsonl_error(
            r#"{"type":"sale","posting_date":"2026-10-07","document_no":"S","item":"1000"}"#
        ),
        "october.jsonl:2: field `quantity`: missing; type `sale` requires it"
    );
    assert_eq!(
        csv_error(PURCHASE, "purchase,2026-10-01,P,1000,MAIN,1,,"),
        "october.csv:2: field `unit_cost`: missing; type `purchase` requires `unit_cost` or `amount`"
    );
    assert_eq!(
        csv_error(SALE, ",2026-10-07,S,1000,MAIN,1,10"),
        "october.csv:2: field `type`: missing; every line needs one of purchase, purchase_receipt, \
         purchase_invoice, purchase_return, sale, sales_shipment, sales_invoice, sales_return, \
         positive_adjustment, negative_adjustment, transfer, item_charge, revaluation, standard_cost_change"
    );
    assert_eq!(
        csv_error(
            "type,posting_date,document_no,item,revalue,entry_no",
            "revaluation,2026-10-31,R,1000,entry,4"
        ),
        "october.csv:2: field `unit_cost_revalued`: missing; type `revaluation` requires `unit_cost_revalued` or `inventory_value_revalued`"
    );
}

#[test]
fn unknown_column_is_reported_at_the_header() {
    assert_eq!(
        csv_error("type,posting_date,document_no,item,qty", "sale,2026-10-07,S,1000,1"),
        "october.csv:1: field `qty`: unknown column; see docs/journal.md for the column names (dimensions are `dim.CODE`)"
    );
    assert_eq!(
        csv_error(
            "type,posting_date,document_no,item,item",
            "sale,2026-10-07,S,1000,1"
        ),
        "october.csv:1: field `item`: this column appears twice in the header"
    );
    assert_eq!(
        csv_error("type,document_no,item", "sale,S,1000"),
        "october.csv:1: field `posting_date`: missing column; every journal needs the columns `type`, `posting_date` and `document_no`"
    );
}

#[test]
fn value_in_a_column_the_type_does_not_use() {
    assert_eq!(
        csv_error(
            "type,posting_date,document_no,item,location,quantity,unit_cost,unit_price",
            "purchase,2026-10-01,P,1000,MAIN,1,10,12.00"
        ),
        "october.csv:2: field `unit_price`: \"12.00\" is not used by type `purchase`; leave it empty"
    );
    assert_eq!(
        jsonl_error(r#"{"type":"transfer","posting_date":"2026-10-13","document_no":"T","item":"1000","location":"MAIN","from_location":"MAIN","to_location":"LYON","quantity":1}"#),
        "october.jsonl:2: field `location`: \"MAIN\" is not used by type `transfer`; leave it empty"
    );
    assert_eq!(
        csv_error(
            "type,posting_date,document_no,item,revalue,entry_no,location,unit_cost_revalued",
            "revaluation,2026-10-31,R,1000,entry,4,MAIN,10"
        ),
        "october.csv:2: field `location`: \"MAIN\" is not used when `revalue` is \"entry\" (the entry has its own location); leave it empty"
    );
    assert_eq!(
        csv_error(
            "type,posting_date,document_no,receipt_entry_no,quantity,unit_cost,serial_no",
            "purchase_invoice,2026-10-05,PI,3,1,10,SN-1"
        ),
        "october.csv:2: field `serial_no`: \"SN-1\" is not used by type `purchase_invoice`; leave it empty"
    );
}

#[test]
fn both_unit_cost_and_amount() {
    assert_eq!(
        csv_error(PURCHASE, "purchase,2026-10-01,P,1000,MAIN,2,10,20"),
        "october.csv:2: field `amount`: give either `unit_cost` or `amount`, not both"
    );
    assert_eq!(
        jsonl_error(
            r#"{"type":"purchase_invoice","posting_date":"2026-10-05","document_no":"PI","receipt_entry_no":1,"quantity":2,"unit_cost":10,"amount":20}"#
        ),
        "october.jsonl:2: field `amount`: give either `unit_cost` or `amount`, not both"
    );
    assert_eq!(
        csv_error(
            "type,posting_date,document_no,item,revalue,unit_cost_revalued,inventory_value_revalued",
            "revaluation,2026-10-31,R,1000,item,10,100"
        ),
        "october.csv:2: field `inventory_value_revalued`: give either `unit_cost_revalued` or `inventory_value_revalued`, not both"
    );
}

#[test]
fn quantity_must_be_positive() {
    assert_eq!(
        csv_error(SALE, "sale,2026-10-07,S,1000,MAIN,0,10"),
        "october.csv:2: field `quantity`: \"0\" must be greater than zero: quantities are positive, the type gives the direction"
    );
    assert_eq!(
        jsonl_error(r#"{"type":"sale","posting_date":"2026-10-07","document_no":"S","item":"1000","quantity":-2}"#),
        "october.jsonl:2: field `quantity`: \"-2\" must be greater than zero: quantities are positive, the type gives the direction"
    );
}

#[test]
fn serial_number_means_one_unit() {
    assert_eq!(
        jsonl_error(r#"{"type":"sale","posting_date":"2026-10-07","document_no":"S","serial_no":"LEVA-1","item":"1020","quantity":2}"#),
        "october.jsonl:2: field `quantity`: \"2\" must be 1 when `serial_no` is given: a serial number is one unit; write one line per serial number"
    );
}

#[test]
fn costs_and_prices_are_not_negative() {
    assert_eq!(
        csv_error(SALE, "sale,2026-10-07,S,1000,MAIN,1,-10"),
        "october.csv:2: field `unit_price`: \"-10\" must not be negative"
    );
}

#[test]
fn transfer_needs_two_different_locations() {
    assert_eq!(
        jsonl_error(r#"{"type":"transfer","posting_date":"2026-10-13","document_no":"T","item":"1000","from_location":"MAIN","to_location":"MAIN","quantity":1}"#),
        "october.jsonl:2: field `to_location`: \"MAIN\" is also the `from_location`; a transfer moves stock between two locations"
    );
}

#[test]
fn unknown_type() {
    assert_eq!(
        csv_error(SALE, "sell,2026-10-07,S,1000,MAIN,1,10"),
        "october.csv:2: field `type`: \"sell\" is not a line type; use one of purchase, purchase_receipt, \
         purchase_invoice, purchase_return, sale, sales_shipment, sales_invoice, sales_return, \
         positive_adjustment, negative_adjustment, transfer, item_charge, revaluation, standard_cost_change"
    );
    assert_eq!(
        csv_error(
            "type,posting_date,document_no,item,revalue,unit_cost_revalued",
            "revaluation,2026-10-31,R,1000,location,10"
        ),
        "october.csv:2: field `revalue`: \"location\" is not a revaluation scope; use \"item\", \"entry\" or \"applies_to\""
    );
}

#[test]
fn json_unknown_key_and_wrong_json_types() {
    assert_eq!(
        jsonl_error(r#"{"type":"sale","posting_date":"2026-10-07","document_no":"S","item":"1000","qty":1}"#),
        "october.jsonl:2: field `qty`: unknown key; see docs/journal.md for the field names (dimensions go in the `dimensions` object)"
    );
    assert_eq!(
        jsonl_error(
            r#"{"type":"sale","posting_date":"2026-10-07","document_no":"S","item":1000,"quantity":1}"#
        ),
        "october.jsonl:2: field `item`: must be a string"
    );
    assert_eq!(
        jsonl_error(
            r#"{"type":"sale","posting_date":"2026-10-07","document_no":"S","item":"1000","quantity":true}"#
        ),
        "october.jsonl:2: field `quantity`: must be a number or a string such as \"12.50\""
    );
    assert_eq!(
        jsonl_error(r#"{"type":"sale","posting_date":"2026-10-07","document_no":"S","item":"1000","quantity":1,"dimensions":{"PROJECT":7}}"#),
        "october.jsonl:2: field `dimensions.PROJECT`: 7 is not a dimension value; write it as a string"
    );
    assert_eq!(
        jsonl_error(r#"["sale"]"#),
        "october.jsonl:2: a line must be one JSON object, e.g. {\"type\": \"sale\", ...}"
    );
    assert!(jsonl_error(r#"{"type":"sale","#).starts_with("october.jsonl:2: not valid JSON: "));
}

#[test]
fn json_numbers_are_read_as_decimals_not_floats() {
    let text = r#"{"type":"purchase","posting_date":"2026-10-01","document_no":"P","item":"2000","quantity":0.1,"unit_cost":123456789.12345}"#;
    let line = &parse_jsonl("p.jsonl", text).unwrap()[0];
    assert_eq!(
        line.kind,
        JournalLineKind::Purchase {
            item: s("2000"),
            location: s(""),
            quantity: dec!(0.1),
            cost: LineCost::DirectUnitCost(dec!(123456789.12345)),
        }
    );
}

#[test]
fn csv_record_with_wrong_field_count() {
    assert_eq!(
        csv_error(SALE, "sale,2026-10-07,S,1000,MAIN,1"),
        "october.csv:2: this record has 6 fields but the header names 7 columns"
    );
}

#[test]
fn first_error_wins_and_nothing_is_returned() {
    let text =
        format!("{SALE}\nsale,2026-10-07,S,1000,MAIN,x,10\nsale,2026-10-07,S,1000,MAIN,y,10\n");
    assert_eq!(
        parse_csv("october.csv", &text).unwrap_err().to_string(),
        "october.csv:2: field `quantity`: \"x\" is not a number"
    );
}

#[test]
fn windows_line_endings_keep_line_numbers() {
    let csv = format!("\r\n{HEADER}\r\n\r\n{}\r\n{}\r\n", ROWS[0], ROWS[1]);
    let lines = parse_csv("crlf.csv", &csv).unwrap();
    let numbers: Vec<u32> = lines.iter().map(|l| l.source.line).collect();
    assert_eq!(numbers, vec![4, 5]);
    let jsonl = format!("{}\r\n\r\n{}\r\n", OBJECTS[0], OBJECTS[1]);
    let lines = parse_jsonl("crlf.jsonl", &jsonl).unwrap();
    let numbers: Vec<u32> = lines.iter().map(|l| l.source.line).collect();
    assert_eq!(numbers, vec![1, 3]);
    assert_eq!(lines[0].kind, expected_lines()[0].kind);
}
