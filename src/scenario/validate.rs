//! Checks a parsed scenario before it runs: the schema, unique item/location/step numbers,
//! references to known items, locations and steps, and for every step exactly the fields its
//! `op` reads (a field an op ignores is refused: it is a mistake in the file, not a no-op).

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::load::{line_of_text, Scenario, ScenarioStep, SCHEMA};
use super::model::{CalculatePer, Expectations, Step, StepOp};

type Problem = (u32, String);

pub(crate) fn validate(scenario: &Scenario, text: &str) -> Result<(), Problem> {
    let file = &scenario.file;
    if file.schema != SCHEMA {
        let line = line_of_text(text, "schema").unwrap_or(1);
        return Err((
            line,
            format!("schema is `{}`; this runner reads `{SCHEMA}`", file.schema),
        ));
    }
    let items = unique_codes(file.items.iter().map(|item| item.no.as_str()), text, "item")?;
    let mut locations = unique_codes(
        file.locations.iter().map(|l| l.code.as_str()),
        text,
        "location",
    )?;
    locations.insert(String::new());
    let mut numbers = BTreeSet::new();
    for step in &scenario.steps {
        if !numbers.insert(step.step.n) {
            return Err((step.line, format!("step n = {} appears twice", step.step.n)));
        }
        validate_step(step, &items, &locations).map_err(|message| (step.line, message))?;
    }
    for checkpoint in &scenario.checkpoints {
        let after = checkpoint.checkpoint.after_step;
        if !numbers.contains(&after) {
            return Err((
                checkpoint.line,
                format!("after_step = {after}: there is no step {after}"),
            ));
        }
        validate_expectations(&checkpoint.checkpoint.expect, &items, &locations)
            .map_err(|message| (checkpoint.line, message))?;
    }
    if let Some(expect) = &file.expect {
        let line = line_of_text(text, "[expect").unwrap_or(1);
        validate_expectations(expect, &items, &locations).map_err(|message| (line, message))?;
    }
    Ok(())
}

fn unique_codes<'a>(
    codes: impl Iterator<Item = &'a str>,
    text: &str,
    what: &str,
) -> Result<BTreeSet<String>, Problem> {
    let mut seen = BTreeSet::new();
    for code in codes {
        if !seen.insert(code.to_string()) {
            let line = line_of_text(text, &format!("[[{what}]]")).unwrap_or(1);
            return Err((line, format!("{what} `{code}` is listed twice")));
        }
    }
    Ok(seen)
}

fn validate_expectations(
    expect: &Expectations,
    items: &BTreeSet<String>,
    locations: &BTreeSet<String>,
) -> Result<(), String> {
    for item in &expect.item {
        if !items.contains(&item.no) {
            return Err(format!("expected item `{}` is not in [[item]]", item.no));
        }
    }
    let named_locations = expect.ile.iter().filter_map(|ile| ile.location.as_ref());
    let gl_locations = expect.gl_location.iter().map(|gl| &gl.location);
    for location in named_locations.chain(gl_locations) {
        if !locations.contains(location) {
            return Err(format!("location `{location}` is not in [[location]]"));
        }
    }
    Ok(())
}

/// Fields every step may carry.
const COMMON_FIELDS: &[&str] = &["n", "op", "note"];

/// Whether `op` posts a journal line (and so may carry `expect_error`).
fn posts_a_line(op: StepOp) -> bool {
    !matches!(
        op,
        StepOp::AdjustCost | StepOp::PostInventoryCostToGl | StepOp::SetAllowPostingFrom
    )
}

/// (required, optional) fields per op. `purchase` and `purchase_invoice` need `unit_cost` or
/// `amount`, checked separately.
fn fields_of(op: StepOp) -> (&'static [&'static str], &'static [&'static str]) {
    const INBOUND_OPTIONAL: &[&str] = &["location", "serial_no", "ile"];
    match op {
        StepOp::Purchase => (
            &["date", "item", "qty"],
            &["location", "serial_no", "ile", "unit_cost", "amount"],
        ),
        StepOp::PurchaseReceipt => (&["date", "item", "qty", "unit_cost"], INBOUND_OPTIONAL),
        StepOp::PurchaseInvoice => (
            &["date", "receipt_ile", "qty"],
            &["item", "unit_cost", "amount"],
        ),
        StepOp::PurchaseReturn => (
            &["date", "item", "qty", "unit_cost"],
            &["location", "serial_no", "ile", "applies_to_ile"],
        ),
        StepOp::Sale => (
            &["date", "item", "qty"],
            &[
                "location",
                "serial_no",
                "ile",
                "unit_price",
                "applies_to_ile",
            ],
        ),
        StepOp::SalesShipment => (
            &["date", "item", "qty"],
            &["location", "serial_no", "ile", "unit_price"],
        ),
        StepOp::SalesInvoice => (&["date", "shipment_ile", "qty"], &["item", "unit_price"]),
        StepOp::SalesReturn => (
            &["date", "item", "qty"],
            &[
                "location",
                "serial_no",
                "ile",
                "unit_price",
                "applies_from_ile",
            ],
        ),
        StepOp::PositiveAdjustment => (&["date", "item", "qty", "unit_cost"], INBOUND_OPTIONAL),
        StepOp::NegativeAdjustment => (
            &["date", "item", "qty"],
            &["location", "serial_no", "ile", "applies_to_ile"],
        ),
        StepOp::Transfer => (
            &["date", "item", "from_location", "to_location", "qty"],
            &["serial_no", "ile_out", "ile_in"],
        ),
        StepOp::ItemCharge => (&["date", "amount", "assign_to_ile"], &["item"]),
        StepOp::Revaluation => (
            &["date", "item", "calculate_per", "unit_cost_revalued"],
            &[
                "location",
                "applies_to_ile",
                "expect_revalued_qty",
                "expect_revaluation_amount",
            ],
        ),
        StepOp::SetStandardCost => (&["date", "item", "new_standard_cost"], &[]),
        StepOp::SetAllowPostingFrom => (&["date"], &[]),
        StepOp::AdjustCost | StepOp::PostInventoryCostToGl => (&[], &["date"]),
    }
}

/// Names of the fields a step carries.
fn present_fields(step: &Step) -> Vec<&'static str> {
    let flags = [
        ("date", step.date.is_some()),
        ("item", step.item.is_some()),
        ("location", step.location.is_some()),
        ("from_location", step.from_location.is_some()),
        ("to_location", step.to_location.is_some()),
        ("qty", step.qty.is_some()),
        ("unit_cost", step.unit_cost.is_some()),
        ("amount", step.amount.is_some()),
        ("unit_price", step.unit_price.is_some()),
        ("serial_no", step.serial_no.is_some()),
        ("applies_to_ile", step.applies_to_ile.is_some()),
        ("applies_from_ile", step.applies_from_ile.is_some()),
        ("receipt_ile", step.receipt_ile.is_some()),
        ("shipment_ile", step.shipment_ile.is_some()),
        ("assign_to_ile", step.assign_to_ile.is_some()),
        ("calculate_per", step.calculate_per.is_some()),
        ("unit_cost_revalued", step.unit_cost_revalued.is_some()),
        ("expect_revalued_qty", step.expect_revalued_qty.is_some()),
        (
            "expect_revaluation_amount",
            step.expect_revaluation_amount.is_some(),
        ),
        ("new_standard_cost", step.new_standard_cost.is_some()),
        ("ile", step.ile.is_some()),
        ("ile_out", step.ile_out.is_some()),
        ("ile_in", step.ile_in.is_some()),
        ("expect_error", step.expect_error.is_some()),
    ];
    flags
        .iter()
        .filter(|(_, present)| *present)
        .map(|(name, _)| *name)
        .collect()
}

fn validate_step(
    scenario_step: &ScenarioStep,
    items: &BTreeSet<String>,
    locations: &BTreeSet<String>,
) -> Result<(), String> {
    let step = &scenario_step.step;
    let op = step.op.name();
    let (required, optional) = fields_of(step.op);
    let present = present_fields(step);
    if let Some(missing) = required.iter().find(|field| !present.contains(field)) {
        return Err(format!("step {} ({op}) needs field `{missing}`", step.n));
    }
    // Any step that posts a journal line may expect to be refused.
    let refusable = posts_a_line(step.op);
    let allowed = |field: &&str| {
        required.contains(field)
            || optional.contains(field)
            || COMMON_FIELDS.contains(field)
            || (*field == "expect_error" && refusable)
    };
    if let Some(extra) = present.iter().find(|field| !allowed(field)) {
        return Err(format!(
            "step {} ({op}) does not use field `{extra}`; remove it",
            step.n
        ));
    }
    let needs_cost = matches!(step.op, StepOp::Purchase | StepOp::PurchaseInvoice);
    if needs_cost && step.unit_cost.is_none() && step.amount.is_none() {
        return Err(format!(
            "step {} ({op}) needs `unit_cost` or `amount`",
            step.n
        ));
    }
    if step.op == StepOp::Revaluation
        && matches!(
            step.calculate_per,
            Some(CalculatePer::ItemLedgerEntry | CalculatePer::AppliesToEntry)
        )
        && step.applies_to_ile.is_none()
    {
        return Err(format!(
            "step {} (revaluation per item_ledger_entry) needs `applies_to_ile`",
            step.n
        ));
    }
    if step.qty.is_some_and(|qty| qty.0 <= Decimal::ZERO) {
        return Err(format!(
            "step {} ({op}): `qty` must be positive; the op gives the direction",
            step.n
        ));
    }
    if let Some(item) = step.item.as_ref().filter(|item| !items.contains(*item)) {
        return Err(format!(
            "step {} ({op}): item `{item}` is not in [[item]]",
            step.n
        ));
    }
    let named = [&step.location, &step.from_location, &step.to_location];
    if let Some(code) = named
        .into_iter()
        .flatten()
        .find(|code| !locations.contains(*code))
    {
        return Err(format!(
            "step {} ({op}): location `{code}` is not in [[location]]",
            step.n
        ));
    }
    Ok(())
}
