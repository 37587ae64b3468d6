//! Evaluating `[expect]` / `[[checkpoint]]` blocks against a ledger.
//!
//! Each listed field is one check (`ile 4 cost_actual`); a `value_entry` or `application` block is
//! one check, because it asks for one entry matching all its fields at once.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::books::Books;
use crate::ledger::{ItemApplicationEntry, Ledger, ValueEntry};

use super::check::{format_amount, Checker, Needs, Value};
use super::gl_checks::evaluate_gl;
use super::model::{
    ApplicationExpectation, CostEntryTypeSpec, Expectations, IleExpectation, IleTypeSpec,
    ValueEntryExpectation,
};
use super::values::{ExactDecimal, PlainDate};

/// Records every check of `expect` in `checker`: sub-ledger checks against `books.ledger`, G/L
/// checks against `books.general_ledger`.
pub fn evaluate_expectations(checker: &mut Checker, books: &Books, expect: &Expectations) {
    let ledger = &books.ledger;
    evaluate_totals(checker, ledger, expect);
    for item in &expect.item {
        let expected = Value::UnitCost {
            value: item.unit_cost.0,
            tolerance: item.unit_cost_tolerance.map(|t| t.0),
        };
        checker.compare(
            Needs::SubLedger,
            format!("item {} unit_cost", item.no),
            expected,
            || {
                ledger.item_id(&item.no).map_or_else(
                    || Value::Missing(format!("no item {}", item.no)),
                    |id| Value::Amount(ledger.item_cost_state(id).unit_cost),
                )
            },
        );
    }
    evaluate_gl(checker, &books.general_ledger, expect);
    for valuation in &expect.valuation_as_of {
        evaluate_valuation(
            checker,
            ledger,
            valuation.date,
            valuation.qty,
            valuation.value,
        );
    }
    for ile in &expect.ile {
        evaluate_ile(checker, ledger, ile);
    }
    for value_entry in &expect.value_entry {
        evaluate_value_entry(checker, ledger, value_entry);
    }
    for application in &expect.application {
        evaluate_application(checker, ledger, application);
    }
}

fn evaluate_totals(checker: &mut Checker, ledger: &Ledger, expect: &Expectations) {
    let Some(totals) = &expect.totals else { return };
    if let Some(qty) = totals.qty {
        checker.compare(
            Needs::SubLedger,
            "totals qty".into(),
            Value::Quantity(qty.0),
            || {
                Value::Quantity(
                    ledger
                        .item_ledger_entries()
                        .iter()
                        .map(|e| e.quantity)
                        .sum(),
                )
            },
        );
    }
    let costs = [
        ("value_actual", totals.value_actual, true),
        ("value_expected", totals.value_expected, false),
    ];
    for (field, expected, actual_cost) in costs {
        let Some(expected) = expected else { continue };
        checker.compare(
            Needs::SubLedger,
            format!("totals {field}"),
            Value::Amount(expected.0),
            || {
                Value::Amount(
                    ledger
                        .value_entries()
                        .iter()
                        .map(|ve| cost_of(ve, actual_cost))
                        .sum(),
                )
            },
        );
    }
}

fn cost_of(entry: &ValueEntry, actual: bool) -> Decimal {
    if actual {
        entry.cost_amount_actual
    } else {
        entry.cost_amount_expected
    }
}

/// Inventory valuation by posting date: quantity of the entries and actual cost of the value
/// entries dated on or before `date`.
fn evaluate_valuation(
    checker: &mut Checker,
    ledger: &Ledger,
    date: PlainDate,
    qty: Option<ExactDecimal>,
    value: Option<ExactDecimal>,
) {
    let date: NaiveDate = date.0;
    if let Some(qty) = qty {
        let subject = format!("valuation_as_of {date} qty");
        checker.compare(Needs::SubLedger, subject, Value::Quantity(qty.0), || {
            let entries = ledger.item_ledger_entries().iter();
            Value::Quantity(
                entries
                    .filter(|e| e.posting_date <= date)
                    .map(|e| e.quantity)
                    .sum(),
            )
        });
    }
    if let Some(value) = value {
        let subject = format!("valuation_as_of {date} value");
        checker.compare(Needs::SubLedger, subject, Value::Amount(value.0), || {
            let entries = ledger
                .value_entries()
                .iter()
                .filter(|ve| ve.posting_date <= date);
            Value::Amount(entries.map(|ve| ve.cost_amount_actual).sum())
        });
    }
}

fn ile_type_name(spec: IleTypeSpec) -> &'static str {
    match spec {
        IleTypeSpec::Purchase => "purchase",
        IleTypeSpec::Sale => "sale",
        IleTypeSpec::PositiveAdjmt => "positive_adjmt",
        IleTypeSpec::NegativeAdjmt => "negative_adjmt",
        IleTypeSpec::Transfer => "transfer",
    }
}

fn evaluate_ile(checker: &mut Checker, ledger: &Ledger, expect: &IleExpectation) {
    let no = expect.ile;
    let entry = || ledger.item_ledger_entry(no);
    let missing = || Value::Missing(format!("no item ledger entry {no}"));
    let mut field = |name: &str, expected: Value, actual: &dyn Fn() -> Option<Value>| {
        let subject = format!("ile {no} {name}");
        checker.compare(Needs::SubLedger, subject, expected, || {
            actual().unwrap_or_else(missing)
        });
    };
    if let Some(entry_type) = expect.entry_type {
        let expected = Value::Text(ile_type_name(entry_type).into());
        field("entry_type", expected, &|| {
            entry().map(|e| Value::Text(e.entry_type.as_str().into()))
        });
    }
    if let Some(location) = &expect.location {
        let actual = || entry().map(|e| Value::Text(ledger.location_code(e.location).to_string()));
        field("location", Value::Text(location.clone()), &actual);
    }
    if let Some(qty) = expect.qty {
        field("qty", Value::Quantity(qty.0), &|| {
            entry().map(|e| Value::Quantity(e.quantity))
        });
    }
    if let Some(remaining) = expect.remaining_qty {
        let actual = || entry().map(|e| Value::Quantity(e.remaining_quantity));
        field("remaining_qty", Value::Quantity(remaining.0), &actual);
    }
    if let Some(open) = expect.open {
        field("open", Value::Flag(open), &|| {
            entry().map(|e| Value::Flag(e.is_open()))
        });
    }
    let costs = [
        ("cost_actual", expect.cost_actual, true),
        ("cost_expected", expect.cost_expected, false),
    ];
    for (name, expected, actual_cost) in costs {
        let Some(expected) = expected else { continue };
        let actual = || {
            entry().map(|_| {
                Value::Amount(
                    ledger
                        .value_entries_of(no)
                        .map(|ve| cost_of(ve, actual_cost))
                        .sum(),
                )
            })
        };
        field(name, Value::Amount(expected.0), &actual);
    }
}

fn cost_entry_type_name(spec: CostEntryTypeSpec) -> &'static str {
    match spec {
        CostEntryTypeSpec::DirectCost => "direct_cost",
        CostEntryTypeSpec::IndirectCost => "indirect_cost",
        CostEntryTypeSpec::Variance => "variance",
        CostEntryTypeSpec::Revaluation => "revaluation",
        CostEntryTypeSpec::Rounding => "rounding",
    }
}

/// The listed fields of a value-entry expectation as (name, expected, actual-of-entry).
type VeField = (&'static str, Value, fn(&ValueEntry) -> Value);

fn value_entry_fields(expect: &ValueEntryExpectation) -> Vec<VeField> {
    let mut fields: Vec<VeField> = Vec::new();
    if let Some(entry_type) = expect.entry_type {
        let name = cost_entry_type_name(entry_type).to_string();
        fields.push(("entry_type", Value::Text(name), |ve| {
            Value::Text(ve.entry_type.as_str().into())
        }));
    }
    if let Some(flag) = expect.item_charge {
        fields.push(("item_charge", Value::Flag(flag), |ve| {
            Value::Flag(ve.item_charge_no.is_some())
        }));
    }
    if let Some(flag) = expect.adjustment {
        fields.push(("adjustment", Value::Flag(flag), |ve| {
            Value::Flag(ve.adjustment)
        }));
    }
    if let Some(date) = expect.posting_date {
        fields.push(("posting_date", Value::Date(date.0), |ve| {
            Value::Date(ve.posting_date)
        }));
    }
    if let Some(date) = expect.valuation_date {
        fields.push(("valuation_date", Value::Date(date.0), |ve| {
            Value::Date(ve.valuation_date)
        }));
    }
    if let Some(qty) = expect.valued_qty {
        fields.push(("valued_qty", Value::Quantity(qty.0), |ve| {
            Value::Quantity(ve.valued_quantity)
        }));
    }
    if let Some(cost) = expect.cost_actual {
        fields.push(("cost_actual", Value::Amount(cost.0), |ve| {
            Value::Amount(ve.cost_amount_actual)
        }));
    }
    if let Some(cost) = expect.cost_expected {
        fields.push(("cost_expected", Value::Amount(cost.0), |ve| {
            Value::Amount(ve.cost_amount_expected)
        }));
    }
    fields
}

fn describe_value_entry(ve: &ValueEntry) -> String {
    format!(
        "#{} {} item_charge={} adjustment={} posted {} valued {} valued_qty {} cost_actual {} cost_expected {}",
        ve.entry_no,
        ve.entry_type.as_str(),
        ve.item_charge_no.is_some(),
        ve.adjustment,
        ve.posting_date,
        ve.valuation_date,
        ve.valued_quantity.normalize(),
        format_amount(ve.cost_amount_actual),
        format_amount(ve.cost_amount_expected),
    )
}

fn evaluate_value_entry(checker: &mut Checker, ledger: &Ledger, expect: &ValueEntryExpectation) {
    let fields = value_entry_fields(expect);
    let listed: Vec<String> = fields
        .iter()
        .map(|(name, value, _)| format!("{name}={value}"))
        .collect();
    let mut expected = format!("a value entry with {}", listed.join(", "));
    if let Some(position) = expect.position_from_end {
        expected.push_str(&format!(", {position} from the end of the ledger"));
    }
    let subject = format!("value_entry of ile {}", expect.ile);
    let matches = |ve: &ValueEntry| {
        fields
            .iter()
            .all(|(_, value, actual)| value.agrees_with(&actual(ve)))
    };
    checker.matches(Needs::SubLedger, subject, expected, || {
        let candidates: Vec<&ValueEntry> = match expect.position_from_end {
            Some(position) => {
                let all = ledger.value_entries();
                let index = all.len().checked_sub(position as usize);
                let entry = index.and_then(|index| all.get(index));
                entry
                    .filter(|ve| ve.item_ledger_entry_no == expect.ile)
                    .into_iter()
                    .collect()
            }
            None => ledger.value_entries_of(expect.ile).collect(),
        };
        if candidates.iter().any(|ve| matches(ve)) {
            return Ok(());
        }
        let described: Vec<String> = ledger
            .value_entries_of(expect.ile)
            .map(describe_value_entry)
            .collect();
        if described.is_empty() {
            return Err(format!("no value entries on ile {}", expect.ile));
        }
        Err(format!("none matches among [{}]", described.join("; ")))
    });
}

fn describe_application(entry: &ItemApplicationEntry) -> String {
    format!(
        "#{} qty {} cost_application={} quantity_application={}",
        entry.entry_no,
        entry.quantity.normalize(),
        entry.cost_application,
        entry.is_quantity_application()
    )
}

/// Application rows are matched on the magnitude of their quantity: the format writes
/// quantities unsigned, while the ledger signs quantity applications negative.
fn evaluate_application(checker: &mut Checker, ledger: &Ledger, expect: &ApplicationExpectation) {
    let mut listed = Vec::new();
    if let Some(qty) = expect.qty {
        listed.push(format!("qty={}", qty.0.normalize()));
    }
    if let Some(flag) = expect.cost_application {
        listed.push(format!("cost_application={flag}"));
    }
    if let Some(flag) = expect.quantity_application {
        listed.push(format!("quantity_application={flag}"));
    }
    let matches = |entry: &ItemApplicationEntry| {
        expect
            .qty
            .is_none_or(|qty| entry.quantity.abs() == qty.0.abs())
            && expect
                .cost_application
                .is_none_or(|flag| entry.cost_application == flag)
            && expect
                .quantity_application
                .is_none_or(|flag| entry.is_quantity_application() == flag)
    };
    let subject = format!(
        "application {} -> {}",
        expect.inbound_ile, expect.outbound_ile
    );
    let expected = format!("a link with {}", listed.join(", "));
    checker.matches(Needs::SubLedger, subject, expected, || {
        let rows: Vec<&ItemApplicationEntry> = ledger
            .item_application_entries()
            .iter()
            .filter(|e| e.inbound_item_entry_no == expect.inbound_ile)
            .filter(|e| e.outbound_item_entry_no == expect.outbound_ile)
            .collect();
        if rows.iter().any(|row| matches(row)) {
            return Ok(());
        }
        if rows.is_empty() {
            return Err("no application entry links them".into());
        }
        let described: Vec<String> = rows.iter().map(|row| describe_application(row)).collect();
        Err(format!("none matches among [{}]", described.join("; ")))
    });
}
