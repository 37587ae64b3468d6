//! Money and quantity rounding.
//!
//! Every rounding in stockpost goes through [`Rounding`], which carries the company's amount
//! precision (for example 0.01), unit-amount precision (for example 0.00001) and an explicit
//! [`RoundingStrategy`]. `Decimal::round_dp` alone would round half to even; ERP amounts round half
//! away from zero, so the strategy is always passed explicitly.

use rust_decimal::prelude::*;
pub use rust_decimal::RoundingStrategy;
use rust_decimal_macros::dec;

/// How amounts and unit amounts are rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rounding {
    /// Smallest amount step, for example 0.01. Must be positive.
    pub amount_precision: Decimal,
    /// Smallest unit-amount (unit cost) step, for example 0.00001. Must be positive.
    pub unit_amount_precision: Decimal,
    /// Midpoint rule applied by both roundings.
    pub strategy: RoundingStrategy,
}

impl Default for Rounding {
    fn default() -> Self {
        Rounding {
            amount_precision: dec!(0.01),
            unit_amount_precision: dec!(0.00001),
            strategy: RoundingStrategy::MidpointAwayFromZero,
        }
    }
}

impl Rounding {
    /// Rounds an amount to the amount precision.
    pub fn amount(&self, value: Decimal) -> Decimal {
        round_to(value, self.amount_precision, self.strategy)
    }

    /// Rounds a unit amount (a cost per unit) to the unit-amount precision.
    pub fn unit_amount(&self, value: Decimal) -> Decimal {
        round_to(value, self.unit_amount_precision, self.strategy)
    }
}

/// Rounds `value` to a multiple of `precision` with `strategy`.
///
/// Powers of ten (0.01, 0.00001, 1) take the fast path through `round_dp_with_strategy`; other
/// precisions (0.05, 0.5) divide, round to an integer and multiply back.
pub fn round_to(value: Decimal, precision: Decimal, strategy: RoundingStrategy) -> Decimal {
    debug_assert!(
        precision > Decimal::ZERO,
        "rounding precision must be positive"
    );
    let normalized = precision.normalize();
    if normalized.mantissa() == 1 {
        return value.round_dp_with_strategy(normalized.scale(), strategy);
    }
    let steps = (value / precision).round_dp_with_strategy(0, strategy);
    (steps * precision).normalize()
}

/// `value` with the sign of a zero dropped, so that "-0" never reaches a message or a report.
pub fn without_negative_zero(value: Decimal) -> Decimal {
    if value.is_zero() {
        Decimal::ZERO
    } else {
        value
    }
}

/// A precision is valid when it is positive and not larger than 1.
pub fn is_valid_precision(precision: Decimal) -> bool {
    // The store keeps amounts as 64-bit integers at the precision's scale: 5 decimals at most
    // (Business Central's finest, 0.00001) leaves them ±92,233,720,368,547.75807.
    precision >= Decimal::new(1, 5) && precision <= Decimal::ONE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_half_away_from_zero() {
        let r = Rounding::default();
        assert_eq!(r.amount(dec!(30.025)), dec!(30.03));
        assert_eq!(r.amount(dec!(-30.025)), dec!(-30.03));
        assert_eq!(r.amount(dec!(3.333333)), dec!(3.33));
        assert_eq!(r.unit_amount(dec!(3.3333333)), dec!(3.33333));
    }

    #[test]
    fn non_decimal_precision_rounds_to_multiples() {
        assert_eq!(
            round_to(
                dec!(1.07),
                dec!(0.05),
                RoundingStrategy::MidpointAwayFromZero
            ),
            dec!(1.05)
        );
        assert_eq!(
            round_to(
                dec!(1.075),
                dec!(0.05),
                RoundingStrategy::MidpointAwayFromZero
            ),
            dec!(1.1)
        );
    }

    #[test]
    fn banker_strategy_is_honoured_when_chosen() {
        let r = Rounding {
            strategy: RoundingStrategy::MidpointNearestEven,
            ..Rounding::default()
        };
        assert_eq!(r.amount(dec!(30.025)), dec!(30.02));
    }
}
