//! The range and scale of every number a journal line may carry, checked when the journal is
//! read (the door), so that nothing the engine or the store computes from accepted lines can
//! overflow. `docs/journal.md` ("Limits") states the reasoning; these constants are the one
//! source of the figures there, and a test compares the two.

use rust_decimal::Decimal;

/// Decimals a quantity, cost, price or amount may have: the store keeps quantities at 10^-5,
/// and unit costs are kept to Business Central's unit-amount precision (0.00001).
pub const MAX_DECIMALS: u32 = 5;

/// The largest quantity of one line (10^9 base units). Quantities are stored ×10^5 in a signed
/// 64-bit column (at most 9.2·10^13 units), so a single entry's quantity always fits.
pub const MAX_QUANTITY: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

/// The largest unit cost or unit price (10^9 per base unit): `unit_cost`, `unit_price`,
/// `unit_cost_revalued`, `new_standard_cost`, and the unit cost implied by an `amount`.
pub const MAX_UNIT_AMOUNT: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 0);

/// The largest amount of one line (10^12): `amount`, `inventory_value_revalued`, and quantity ×
/// unit cost (or unit price) of a line that gives both.
pub const MAX_LINE_AMOUNT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);

/// Lines in one journal file (one batch). A batch is one transaction, held in memory whole.
pub const MAX_LINES: usize = 10_000_000;

/// Characters in one text field (document no., item no., dimension value ...).
pub const MAX_TEXT_CHARS: usize = 250;

/// Decimals written in `text` after the point, trailing zeros left out.
pub(crate) fn written_decimals(text: &str) -> usize {
    let text = text.trim();
    let mantissa = text.split(['e', 'E']).next().unwrap_or(text);
    match mantissa.split_once('.') {
        Some((_, fraction)) => fraction.trim_end_matches('0').len(),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_constants_are_the_documented_figures() {
        assert_eq!(MAX_QUANTITY.to_string(), "1000000000");
        assert_eq!(MAX_UNIT_AMOUNT.to_string(), "1000000000");
        assert_eq!(MAX_LINE_AMOUNT.to_string(), "1000000000000");
        // The largest line value fits the store's amount column at its finest scale (5).
        let finest = MAX_LINE_AMOUNT * Decimal::from(100_000);
        assert!(finest < Decimal::from(i64::MAX));
        // The largest quantity fits the quantity column (×10^5).
        assert!(MAX_QUANTITY * Decimal::from(100_000) < Decimal::from(i64::MAX));
    }

    #[test]
    fn decimals_are_counted_on_the_text() {
        assert_eq!(written_decimals("12.50"), 1);
        assert_eq!(written_decimals("12"), 0);
        assert_eq!(written_decimals("0.000010"), 5);
        assert_eq!(written_decimals("1.0000000000000000000000000000001"), 31);
    }
}
