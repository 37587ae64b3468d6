//! Scalar values of scenario files: exact decimals and plain dates.
//!
//! TOML has no decimal type, so the oracle writes amounts as floats (`10.0`, `-3.33`) and
//! quantities as integers (`qty = 1`). A float is converted through its *shortest* text form
//! (`format!("{}", f)` prints the shortest string that reads back as the same float, so the
//! literal `-3.33` becomes the text "-3.33") and then parsed with `Decimal::from_str`. No f64
//! arithmetic ever touches an amount, so `-3.33` is exactly `Decimal -3.33`, not
//! -3.3300000000000000710…. Strings (`"10.005"`) are accepted too, for values a float cannot carry.
//!
//! Dates are TOML local dates (`2020-01-15`); chrono cannot read TOML's date type directly, so it
//! is read as `toml::value::Datetime` and converted, refusing times and offsets.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// A decimal read from a TOML integer, float or string without float arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExactDecimal(pub Decimal);

impl<'de> Deserialize<'de> for ExactDecimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ExactDecimalVisitor)
    }
}

struct ExactDecimalVisitor;

impl Visitor<'_> for ExactDecimalVisitor {
    type Value = ExactDecimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number such as 10, 10.0 or \"10.005\"")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<ExactDecimal, E> {
        Ok(ExactDecimal(Decimal::from(value)))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<ExactDecimal, E> {
        Ok(ExactDecimal(Decimal::from(value)))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<ExactDecimal, E> {
        if !value.is_finite() {
            return Err(E::custom(format!("{value} is not a finite number")));
        }
        // Shortest round-trip text of the float: exactly what the file's author wrote.
        decimal_from_text(&format!("{value}"))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<ExactDecimal, E> {
        decimal_from_text(value.trim())
    }
}

fn decimal_from_text<E: de::Error>(text: &str) -> Result<ExactDecimal, E> {
    Decimal::from_str(text)
        .map(|value| ExactDecimal(value.normalize()))
        .map_err(|error| E::custom(format!("`{text}` is not a decimal number: {error}")))
}

/// A TOML local date (`2020-01-15`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PlainDate(pub NaiveDate);

impl<'de> Deserialize<'de> for PlainDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let datetime = toml::value::Datetime::deserialize(deserializer)?;
        let (Some(date), None, None) = (datetime.date, datetime.time, datetime.offset) else {
            return Err(de::Error::custom(format!(
                "`{datetime}` must be a plain date like 2020-01-15, without time or offset"
            )));
        };
        NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
            .map(PlainDate)
            .ok_or_else(|| de::Error::custom(format!("`{datetime}` is not a calendar date")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[derive(Deserialize)]
    struct Holder {
        value: ExactDecimal,
    }

    fn read(text: &str) -> Decimal {
        toml::from_str::<Holder>(text).unwrap().value.0
    }

    #[test]
    fn floats_convert_through_their_shortest_text() {
        assert_eq!(read("value = -3.33"), dec!(-3.33));
        assert_eq!(read("value = 10.0"), dec!(10));
        assert_eq!(read("value = 0.00001"), dec!(0.00001));
        assert_eq!(read("value = 3"), dec!(3));
        assert_eq!(read("value = \"10.005\""), dec!(10.005));
    }

    #[test]
    fn non_numbers_are_refused() {
        assert!(toml::from_str::<Holder>("value = \"ten\"").is_err());
        assert!(toml::from_str::<Holder>("value = nan").is_err());
        assert!(toml::from_str::<Holder>("value = true").is_err());
    }
}
