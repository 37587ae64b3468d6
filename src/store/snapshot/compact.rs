//! Compact encodings of the engine's scalar types: a decimal as its scale, sign and mantissa
//! (2 to 14 bytes instead of a string), a date as its day number, and ascending entry numbers as
//! differences.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A decimal: one byte of scale and sign, then the unsigned mantissa as a varint. Keeps the sign
/// of a negative zero, so that a decoded amount prints as the original did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Dec(pub Decimal);

const NEGATIVE: u8 = 0x80;

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let sign = if self.0.is_sign_negative() {
            NEGATIVE
        } else {
            0
        };
        let flags = self.0.scale() as u8 | sign;
        (flags, self.0.mantissa().unsigned_abs()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (flags, mantissa) = <(u8, u128)>::deserialize(deserializer)?;
        let scale = u32::from(flags & !NEGATIVE);
        if scale > Decimal::MAX_SCALE || mantissa >> 96 != 0 {
            return Err(D::Error::custom(format!(
                "decimal out of range (scale {scale}, mantissa {mantissa})"
            )));
        }
        let (lo, mid, hi) = (
            mantissa as u32,
            (mantissa >> 32) as u32,
            (mantissa >> 64) as u32,
        );
        let mut value = Decimal::from_parts(lo, mid, hi, false, scale);
        value.set_sign_negative(flags & NEGATIVE != 0);
        Ok(Dec(value))
    }
}

/// A date as its day number from 1 January of year 1 (a 3-byte varint for this century).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Day(pub NaiveDate);

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.num_days_from_ce().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let days = i32::deserialize(deserializer)?;
        NaiveDate::from_num_days_from_ce_opt(days)
            .map(Day)
            .ok_or_else(|| D::Error::custom(format!("day number {days} is not a date")))
    }
}

/// Ascending numbers (entry numbers of a running sum, the G/L queue) as the differences between
/// neighbours, most of which fit in one byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Ascending(pub Vec<u64>);

impl Serialize for Ascending {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        let mut previous = 0u64;
        for &number in &self.0 {
            // wrapping: a list that is not ascending still round-trips
            seq.serialize_element(&number.wrapping_sub(previous))?;
            previous = number;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Ascending {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut numbers = Vec::<u64>::deserialize(deserializer)?;
        let mut previous = 0u64;
        for number in &mut numbers {
            *number = previous.wrapping_add(*number);
            previous = *number;
        }
        Ok(Ascending(numbers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn round_trip<T: Serialize + for<'de> Deserialize<'de>>(value: &T) -> (T, usize) {
        let bytes = postcard::to_stdvec(value).unwrap();
        (postcard::from_bytes(&bytes).unwrap(), bytes.len())
    }

    #[test]
    fn decimals_keep_value_scale_and_sign() {
        for text in [
            "0",
            "-0.00",
            "12.34",
            "-7.5",
            "0.00001",
            "79228162514264337593543950335",
        ] {
            let value = Decimal::from_str(text).unwrap();
            let (back, _) = round_trip(&Dec(value));
            assert_eq!(back.0.to_string(), value.to_string(), "{text}");
            assert_eq!(back.0.scale(), value.scale());
        }
        assert_eq!(round_trip(&Dec(Decimal::from_str("12.34").unwrap())).1, 3);
    }

    #[test]
    fn a_decimal_with_a_scale_over_28_is_an_error() {
        let bytes = postcard::to_stdvec(&(29u8, 1u128)).unwrap();
        assert!(postcard::from_bytes::<Dec>(&bytes).is_err());
        let bytes = postcard::to_stdvec(&(2u8, 1u128 << 96)).unwrap();
        assert!(postcard::from_bytes::<Dec>(&bytes).is_err());
    }

    #[test]
    fn dates_and_ascending_numbers_round_trip() {
        let date = NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        assert_eq!(round_trip(&Day(date)).0, Day(date));
        let numbers = Ascending(vec![3, 4, 900, 1_000_000]);
        assert_eq!(round_trip(&numbers).0, numbers);
        let bytes = postcard::to_stdvec(&i32::MAX).unwrap();
        assert!(postcard::from_bytes::<Day>(&bytes).is_err());
    }
}
