//! `[[step]]` → what the runner does: one journal line posted as its own batch, a setup change,
//! or a batch job.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::journal::{
    Dimensions, JournalLine, JournalLineKind, LineCost, LineRef, RevaluationScope,
    RevaluationTarget,
};

use super::load::ScenarioStep;
use super::model::{CalculatePer, Step, StepOp};
use super::values::ExactDecimal;

/// What one step asks the runner to do.
#[derive(Debug, Clone, PartialEq)]
pub enum StepAction {
    /// Post this line as a batch of its own, with the step's date as work date.
    Post(Box<JournalLine>),
    /// G/L Setup › Allow Posting From changes from now on.
    SetAllowPostingFrom(NaiveDate),
    /// Run Adjust Cost – Item Entries.
    AdjustCost,
    /// Run Post Inventory Cost to G/L.
    PostInventoryCostToGl,
}

/// The action of a validated step. `file` becomes the source file of the journal line; the line
/// is the step's `[[step]]` header line.
pub fn step_action(file: &Arc<str>, scenario_step: &ScenarioStep) -> Result<StepAction, String> {
    let step = &scenario_step.step;
    let kind = match step.op {
        StepOp::AdjustCost => return Ok(StepAction::AdjustCost),
        StepOp::PostInventoryCostToGl => return Ok(StepAction::PostInventoryCostToGl),
        StepOp::SetAllowPostingFrom => {
            return Ok(StepAction::SetAllowPostingFrom(
                required(step.date, step, "date")?.0,
            ))
        }
        _ => line_kind(step)?,
    };
    Ok(StepAction::Post(Box::new(JournalLine {
        source: LineRef {
            file: file.clone(),
            line: scenario_step.line,
        },
        posting_date: required(step.date, step, "date")?.0,
        document_no: format!("STEP{}", step.n),
        external_document_no: None,
        gen_bus_posting_group: String::new(),
        serial_no: step.serial_no.clone(),
        dimensions: Dimensions::new(),
        kind,
    })))
}

fn required<T: Clone>(value: Option<T>, step: &Step, field: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("step {} ({}) needs field `{field}`", step.n, step.op.name()))
}

fn decimal(value: Option<ExactDecimal>, step: &Step, field: &str) -> Result<Decimal, String> {
    required(value, step, field).map(|value| value.0)
}

fn price(value: Option<ExactDecimal>) -> Decimal {
    value.map_or(Decimal::ZERO, |value| value.0)
}

/// `amount` (line total) wins over `unit_cost` when both are given (oracle README §2.4).
fn purchase_cost(step: &Step) -> Result<LineCost, String> {
    match (step.amount, step.unit_cost) {
        (Some(amount), _) => Ok(LineCost::Amount(amount.0)),
        (None, Some(unit_cost)) => Ok(LineCost::DirectUnitCost(unit_cost.0)),
        (None, None) => Err(format!("step {} needs `unit_cost` or `amount`", step.n)),
    }
}

fn line_kind(step: &Step) -> Result<JournalLineKind, String> {
    let item = || required(step.item.clone(), step, "item");
    let location = || step.location.clone().unwrap_or_default();
    let quantity = || decimal(step.qty, step, "qty");
    Ok(match step.op {
        StepOp::Purchase => JournalLineKind::Purchase {
            item: item()?,
            location: location(),
            quantity: quantity()?,
            cost: purchase_cost(step)?,
        },
        StepOp::PurchaseReceipt => JournalLineKind::PurchaseReceipt {
            item: item()?,
            location: location(),
            quantity: quantity()?,
            direct_unit_cost: decimal(step.unit_cost, step, "unit_cost")?,
        },
        StepOp::PurchaseInvoice => JournalLineKind::PurchaseInvoice {
            receipt_entry_no: required(step.receipt_ile, step, "receipt_ile")?,
            quantity: quantity()?,
            cost: purchase_cost(step)?,
        },
        StepOp::PurchaseReturn => JournalLineKind::PurchaseReturn {
            item: item()?,
            location: location(),
            quantity: quantity()?,
            direct_unit_cost: decimal(step.unit_cost, step, "unit_cost")?,
            applies_to_entry_no: step.applies_to_ile,
        },
        StepOp::Sale => JournalLineKind::Sale {
            item: item()?,
            location: location(),
            quantity: quantity()?,
            unit_price: price(step.unit_price),
            applies_to_entry_no: step.applies_to_ile,
        },
        StepOp::SalesShipment => JournalLineKind::SalesShipment {
            item: item()?,
            location: location(),
            quantity: quantity()?,
            unit_price: price(step.unit_price),
        },
        StepOp::SalesInvoice => JournalLineKind::SalesInvoice {
            shipment_entry_no: required(step.shipment_ile, step, "shipment_ile")?,
            quantity: quantity()?,
            unit_price: price(step.unit_price),
        },
        StepOp::SalesReturn => JournalLineKind::SalesReturn {
            item: item()?,
            location: location(),
            quantity: quantity()?,
            unit_price: price(step.unit_price),
            applies_from_entry_no: step.applies_from_ile,
        },
        _ => return adjustment_kind(step),
    })
}

fn adjustment_kind(step: &Step) -> Result<JournalLineKind, String> {
    let item = || required(step.item.clone(), step, "item");
    let quantity = || decimal(step.qty, step, "qty");
    Ok(match step.op {
        StepOp::PositiveAdjustment => JournalLineKind::PositiveAdjustment {
            item: item()?,
            location: step.location.clone().unwrap_or_default(),
            quantity: quantity()?,
            unit_cost: decimal(step.unit_cost, step, "unit_cost")?,
        },
        StepOp::NegativeAdjustment => JournalLineKind::NegativeAdjustment {
            item: item()?,
            location: step.location.clone().unwrap_or_default(),
            quantity: quantity()?,
            applies_to_entry_no: step.applies_to_ile,
        },
        StepOp::Transfer => JournalLineKind::Transfer {
            item: item()?,
            from_location: required(step.from_location.clone(), step, "from_location")?,
            to_location: required(step.to_location.clone(), step, "to_location")?,
            quantity: quantity()?,
        },
        StepOp::ItemCharge => JournalLineKind::ItemCharge {
            item_charge_no: format!("CHARGE{}", step.n),
            amount: decimal(step.amount, step, "amount")?,
            assign_to_entry_nos: vec![required(step.assign_to_ile, step, "assign_to_ile")?],
        },
        StepOp::Revaluation => JournalLineKind::Revaluation {
            item: item()?,
            scope: revaluation_scope(step)?,
            target: RevaluationTarget::UnitCost(decimal(
                step.unit_cost_revalued,
                step,
                "unit_cost_revalued",
            )?),
        },
        StepOp::SetStandardCost => JournalLineKind::StandardCostChange {
            item: item()?,
            new_standard_cost: decimal(step.new_standard_cost, step, "new_standard_cost")?,
        },
        other => {
            return Err(format!(
                "step {}: `{}` is not a journal line",
                step.n,
                other.name()
            ))
        }
    })
}

fn revaluation_scope(step: &Step) -> Result<RevaluationScope, String> {
    match required(step.calculate_per, step, "calculate_per")? {
        CalculatePer::Item => Ok(RevaluationScope::Item {
            location: step.location.clone(),
        }),
        CalculatePer::ItemLedgerEntry => Ok(RevaluationScope::Entry {
            entry_no: required(step.applies_to_ile, step, "applies_to_ile")?,
        }),
        CalculatePer::AppliesToEntry => Ok(RevaluationScope::AppliesTo {
            entry_no: required(step.applies_to_ile, step, "applies_to_ile")?,
        }),
    }
}
