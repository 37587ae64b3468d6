//! Recording single checks: compare an expected value with what came out, or record why the
//! comparison cannot be made yet.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::report::{Failure, NotEvaluated};

/// Amounts agree when they differ by less than half a cent (oracle README §1).
pub const AMOUNT_TOLERANCE: Decimal = dec!(0.005);

/// A value on either side of a check.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Money: agrees within [`AMOUNT_TOLERANCE`].
    Amount(Decimal),
    /// A unit cost with its own tolerance (`unit_cost_tolerance`), or the amount tolerance.
    UnitCost {
        value: Decimal,
        tolerance: Option<Decimal>,
    },
    /// Quantities agree exactly.
    Quantity(Decimal),
    Flag(bool),
    Text(String),
    Date(NaiveDate),
    EntryNo(u64),
    /// Nothing to compare with; the text says what is missing.
    Missing(String),
}

impl Value {
    /// Whether `actual` satisfies this expected value.
    pub fn agrees_with(&self, actual: &Value) -> bool {
        let actual_number = match actual {
            Value::Amount(v) | Value::Quantity(v) | Value::UnitCost { value: v, .. } => Some(*v),
            _ => None,
        };
        match (self, actual_number) {
            (Value::Amount(expected), Some(actual)) => (expected - actual).abs() < AMOUNT_TOLERANCE,
            (
                Value::UnitCost {
                    value,
                    tolerance: Some(tolerance),
                },
                Some(actual),
            ) => (value - actual).abs() <= *tolerance,
            (
                Value::UnitCost {
                    value,
                    tolerance: None,
                },
                Some(actual),
            ) => (value - actual).abs() < AMOUNT_TOLERANCE,
            (Value::Quantity(expected), Some(actual)) => *expected == actual,
            (Value::Missing(_), _) => false,
            _ => self == actual,
        }
    }
}

/// Shows money with at least two decimals (`-10.00`, `-3.333`), other numbers as written.
pub fn format_amount(value: Decimal) -> String {
    let mut shown = value.normalize();
    if shown.scale() < 2 {
        shown.rescale(2);
    }
    shown.to_string()
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Amount(value) => f.write_str(&format_amount(*value)),
            Value::UnitCost {
                value,
                tolerance: None,
            } => f.write_str(&format_amount(*value)),
            Value::UnitCost {
                value,
                tolerance: Some(tolerance),
            } => {
                write!(f, "{} ± {}", format_amount(*value), tolerance.normalize())
            }
            Value::Quantity(value) => write!(f, "{}", value.normalize()),
            Value::Flag(value) => write!(f, "{value}"),
            Value::Text(value) => f.write_str(value),
            Value::Date(value) => write!(f, "{value}"),
            Value::EntryNo(value) => write!(f, "{value}"),
            Value::Missing(what) => f.write_str(what),
        }
    }
}

/// What a check needs from the engine besides the sub-ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    SubLedger,
    GlPosting,
}

/// Why checks at one point cannot be evaluated; `None` fields mean "no obstacle".
#[derive(Debug, Clone, Default)]
pub struct Obstacles {
    /// Blocks every check at this point (cost adjustment missing, scenario stopped).
    pub all: Option<String>,
    /// Blocks G/L checks (G/L posting missing).
    pub gl: Option<String>,
}

impl Obstacles {
    fn reason(&self, needs: Needs) -> Option<String> {
        let gl = match needs {
            Needs::GlPosting => self.gl.clone(),
            Needs::SubLedger => None,
        };
        match (gl, self.all.clone()) {
            (Some(gl), Some(all)) => Some(format!("{gl}; {all}")),
            (one, other) => one.or(other),
        }
    }
}

/// Collects the checks made at one evaluation point (`after step 7`, `line 57`).
#[derive(Debug)]
pub struct Checker {
    context: String,
    obstacles: Obstacles,
    pub passed: usize,
    pub failures: Vec<Failure>,
    pub not_evaluated: Vec<NotEvaluated>,
}

impl Checker {
    pub fn new(context: String, obstacles: Obstacles) -> Self {
        Checker {
            context,
            obstacles,
            passed: 0,
            failures: Vec::new(),
            not_evaluated: Vec::new(),
        }
    }

    /// Compares `expected` with the value `actual` computes, unless the point is blocked.
    pub fn compare(
        &mut self,
        needs: Needs,
        subject: String,
        expected: Value,
        actual: impl FnOnce() -> Value,
    ) {
        self.matches(needs, subject, expected.to_string(), || {
            let actual = actual();
            if expected.agrees_with(&actual) {
                Ok(())
            } else {
                Err(actual.to_string())
            }
        });
    }

    /// Records a check whose test is `outcome`: `Err` carries what came out instead.
    pub fn matches(
        &mut self,
        needs: Needs,
        subject: String,
        expected: String,
        outcome: impl FnOnce() -> Result<(), String>,
    ) {
        if let Some(reason) = self.obstacles.reason(needs) {
            let context = self.context.clone();
            self.not_evaluated.push(NotEvaluated {
                subject,
                context,
                reason,
            });
            return;
        }
        match outcome() {
            Ok(()) => self.passed += 1,
            Err(actual) => {
                let failure = Failure::new(subject, Some(expected), actual, self.context.clone());
                self.failures.push(failure);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_agree_within_half_a_cent() {
        assert!(Value::Amount(dec!(10)).agrees_with(&Value::Amount(dec!(10.004))));
        assert!(!Value::Amount(dec!(10)).agrees_with(&Value::Amount(dec!(10.005))));
        assert!(!Value::Quantity(dec!(1)).agrees_with(&Value::Quantity(dec!(1.0001))));
        let loose = Value::UnitCost {
            value: dec!(3.33),
            tolerance: Some(dec!(0.01)),
        };
        assert!(loose.agrees_with(&Value::Amount(dec!(3.34))));
        assert!(!loose.agrees_with(&Value::Amount(dec!(3.345))));
        assert!(!Value::Amount(dec!(0)).agrees_with(&Value::Missing("none".into())));
    }

    #[test]
    fn amounts_show_two_decimals() {
        assert_eq!(format_amount(dec!(-10)), "-10.00");
        assert_eq!(format_amount(dec!(-3.3330)), "-3.333");
        assert_eq!(Value::Quantity(dec!(1.0)).to_string(), "1");
    }
}
