//! A typed, position-aware view of one parsed TOML file.
//!
//! The loader walks the spanned document tree of `toml::de::DeTable` itself instead of deriving
//! serde structs: that way every error can name the key it is about (serde's type errors only
//! carry a span), floats keep the exact text the user typed, and unknown keys are reported with
//! the list of keys that would have been accepted.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::ConfigError;

/// One config file: the name shown in errors and its text.
#[derive(Clone)]
pub(crate) struct Source<'a> {
    pub name: &'a str,
    pub text: &'a str,
    /// The byte offset where each line starts, counted once when a line is first asked for, so
    /// that naming the line of every one of 10,000 items stays linear in the file's size.
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Source<'a> {
    pub fn new(name: &'a str, text: &'a str) -> Source<'a> {
        Source {
            name,
            text,
            line_starts: std::cell::OnceCell::new(),
        }
    }

    /// Parses the file and returns its root table.
    pub fn parse(&self) -> Result<Spanned<DeTable<'a>>, ConfigError> {
        DeTable::parse(self.text).map_err(|err| {
            let at = err.span().map_or(0, |span| span.start);
            self.error(
                at,
                "",
                format!("invalid TOML: {}", err.message().trim_end()),
            )
        })
    }

    /// The 1-based line that contains byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let line_starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(at, _)| at + 1))
                .collect()
        });
        // The number of lines starting at or before `offset` is its 1-based line.
        line_starts.partition_point(|&start| start <= offset.min(self.text.len()))
    }

    /// An error at byte `offset` of this file about `key`.
    pub fn error(&self, offset: usize, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            file: self.name.to_string(),
            line: self.line_of(offset),
            key: key.to_string(),
            message: message.into(),
        }
    }
}

/// A TOML value together with the file it came from and the key that names it.
pub(crate) struct Field<'s, 'a> {
    pub source: &'s Source<'a>,
    pub key: String,
    pub value: &'s Spanned<DeValue<'a>>,
}

impl<'s, 'a> Field<'s, 'a> {
    /// Byte offset where the value starts.
    pub fn at(&self) -> usize {
        self.value.span().start
    }

    /// An error about this field, reported on the line of its value.
    pub fn error(&self, message: impl Into<String>) -> ConfigError {
        self.source.error(self.at(), &self.key, message)
    }

    fn wrong_type(&self, expected: &str) -> ConfigError {
        self.error(format!("expected {expected}, found {}", self.describe()))
    }

    /// How the value looks, for "expected X, found Y" messages.
    fn describe(&self) -> String {
        match self.value.get_ref() {
            DeValue::String(text) => format!("string {text:?}"),
            DeValue::Integer(int) => format!("integer {int}"),
            DeValue::Float(float) => format!("float {float}"),
            DeValue::Boolean(flag) => format!("boolean {flag}"),
            DeValue::Datetime(datetime) => format!("date-time {datetime}"),
            DeValue::Array(_) => "an array".to_string(),
            DeValue::Table(_) => "a table".to_string(),
        }
    }

    pub fn string(&self) -> Result<String, ConfigError> {
        match self.value.get_ref() {
            DeValue::String(text) => Ok(text.to_string()),
            _ => Err(self.wrong_type("a string in quotes")),
        }
    }

    /// A string that must not be empty or only blanks (codes, names, posting groups).
    pub fn code(&self) -> Result<String, ConfigError> {
        let text = self.string()?;
        if text.trim().is_empty() {
            return Err(self.error("must not be empty"));
        }
        Ok(text)
    }

    pub fn bool(&self) -> Result<bool, ConfigError> {
        match self.value.get_ref() {
            DeValue::Boolean(flag) => Ok(*flag),
            _ => Err(self.wrong_type("true or false")),
        }
    }

    /// A decimal written as a TOML integer, float or string. Floats are converted from the digits
    /// as written in the file, so `0.1` is exactly 0.1 and never passes through binary floating
    /// point.
    pub fn decimal(&self) -> Result<Decimal, ConfigError> {
        let parsed = match self.value.get_ref() {
            DeValue::Integer(int) => i64::from_str_radix(int.as_str(), int.radix())
                .ok()
                .map(Decimal::from),
            DeValue::Float(float) => decimal_from_text(float.as_str()),
            DeValue::String(text) => decimal_from_text(text.trim()),
            _ => return Err(self.wrong_type("a decimal number")),
        };
        parsed.ok_or_else(|| {
            self.error(format!(
                "{} is not a valid decimal; write digits with a decimal point, e.g. 12.50 (at \
                 most 28 decimal places)",
                self.describe()
            ))
        })
    }

    /// A TOML local date such as `2026-10-01` (no quotes, no time, no offset).
    pub fn date(&self) -> Result<NaiveDate, ConfigError> {
        let hint = "a local date without quotes, e.g. 2026-10-01";
        let DeValue::Datetime(datetime) = self.value.get_ref() else {
            return Err(self.wrong_type(hint));
        };
        let date = match (datetime.date, datetime.time, datetime.offset) {
            (Some(date), None, None) => date,
            _ => return Err(self.wrong_type(hint)),
        };
        NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
            .ok_or_else(|| self.error(format!("{datetime} is not a calendar date")))
    }

    /// One of a fixed set of names (matched ignoring ASCII case), for enum-like keys.
    pub fn choice<T: Copy>(&self, what: &str, choices: &[(&str, T)]) -> Result<T, ConfigError> {
        let text = self.string()?;
        let found = choices
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(text.trim()));
        match found {
            Some((_, value)) => Ok(*value),
            None => {
                let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
                Err(self.error(format!(
                    "unknown {what} {text:?}; expected one of {}",
                    names.join(", ")
                )))
            }
        }
    }

    /// The value as a sub-table.
    pub fn table(&self) -> Result<Table<'s, 'a>, ConfigError> {
        match self.value.get_ref() {
            DeValue::Table(table) => Ok(Table {
                source: self.source,
                table,
                at: self.at(),
                prefix: format!("{}.", self.key),
            }),
            _ => Err(self.wrong_type("a table")),
        }
    }

    /// The value as an array of tables (`[[name]]` sections or an array of inline tables).
    /// Keys inside each element are reported without a prefix: the line already says which
    /// element is meant.
    pub fn tables(&self) -> Result<Vec<Table<'s, 'a>>, ConfigError> {
        let expected = format!("[[{}]] tables", self.key);
        let DeValue::Array(array) = self.value.get_ref() else {
            return Err(self.wrong_type(&expected));
        };
        array
            .iter()
            .map(|element| match element.get_ref() {
                DeValue::Table(table) => Ok(Table {
                    source: self.source,
                    table,
                    at: element.span().start,
                    prefix: String::new(),
                }),
                _ => Err(self.source.error(
                    element.span().start,
                    &self.key,
                    format!("expected {expected}, found an array element that is not a table"),
                )),
            })
            .collect()
    }
}

/// A TOML table with the position of its header, for reading keys one by one.
pub(crate) struct Table<'s, 'a> {
    pub source: &'s Source<'a>,
    table: &'s DeTable<'a>,
    /// Where the table starts: errors about missing keys point here.
    at: usize,
    /// Prepended to keys in errors, e.g. `rounding.`.
    prefix: String,
}

impl<'s, 'a> Table<'s, 'a> {
    pub fn root(source: &'s Source<'a>, root: &'s Spanned<DeTable<'a>>) -> Self {
        Table {
            source,
            table: root.get_ref(),
            at: root.span().start,
            prefix: String::new(),
        }
    }

    /// Byte offset where the table starts (its header line).
    pub fn at(&self) -> usize {
        self.at
    }

    /// The full key name shown in errors.
    pub fn key_name(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Rejects any key not in `allowed`, reporting the one that comes first in the file.
    pub fn deny_unknown_keys(&self, allowed: &[&str]) -> Result<(), ConfigError> {
        let unknown = self
            .table
            .keys()
            .filter(|key| !allowed.contains(&key.get_ref().as_ref()))
            .min_by_key(|key| key.span().start);
        let Some(key) = unknown else {
            return Ok(());
        };
        let name = key.get_ref().as_ref();
        let hint = match closest_name(name, allowed) {
            Some(close) => format!("did you mean `{close}`? "),
            None => String::new(),
        };
        Err(self.source.error(
            key.span().start,
            &self.key_name(name),
            format!("unknown key; {hint}expected one of {}", allowed.join(", ")),
        ))
    }

    /// The key's value, if present.
    pub fn get(&self, key: &str) -> Option<Field<'s, 'a>> {
        self.table.get(key).map(|value| Field {
            source: self.source,
            key: self.key_name(key),
            value,
        })
    }

    /// The key's value, or an error on the table's header line saying it is missing.
    pub fn require(&self, key: &str) -> Result<Field<'s, 'a>, ConfigError> {
        self.get(key).ok_or_else(|| {
            self.source
                .error(self.at, &self.key_name(key), "missing required key")
        })
    }

    /// The key's value read with `read`, or `default` when the key is absent.
    pub fn optional<T>(
        &self,
        key: &str,
        default: T,
        read: impl FnOnce(&Field<'s, 'a>) -> Result<T, ConfigError>,
    ) -> Result<T, ConfigError> {
        match self.get(key) {
            Some(field) => read(&field),
            None => Ok(default),
        }
    }

    /// Every key of the table with its value and the byte offset of the key, in file order.
    pub fn entries(&self) -> Vec<(String, usize, Field<'s, 'a>)> {
        let mut entries: Vec<(String, usize, Field<'s, 'a>)> = self
            .table
            .iter()
            .map(|(key, value)| {
                let field = Field {
                    source: self.source,
                    key: self.key_name(key.get_ref()),
                    value,
                };
                (key.get_ref().to_string(), key.span().start, field)
            })
            .collect();
        entries.sort_by_key(|(_, at, _)| *at);
        entries
    }

    /// All entries of a table of free string values, in key order.
    pub fn string_entries(&self) -> Result<Vec<(String, String)>, ConfigError> {
        self.table
            .iter()
            .map(|(key, value)| {
                let field = Field {
                    source: self.source,
                    key: self.key_name(key.get_ref()),
                    value,
                };
                Ok((key.get_ref().to_string(), field.string()?))
            })
            .collect()
    }
}

/// Parses a decimal from the digits of a TOML float or a string: plain (`4.50`), with
/// underscores (`1_000.5`) or, for floats, with an exponent (`1e-3`).
fn decimal_from_text(text: &str) -> Option<Decimal> {
    let digits: String = text.chars().filter(|&c| c != '_').collect();
    if digits.contains(['e', 'E']) {
        return Decimal::from_scientific(&digits).ok();
    }
    if digits.contains("inf") || digits.contains("nan") {
        return None;
    }
    Decimal::from_str_exact(&digits).ok()
}

/// The allowed key closest to a misspelt one, if any is close enough to be a likely typo.
fn closest_name<'n>(name: &str, allowed: &[&'n str]) -> Option<&'n str> {
    allowed
        .iter()
        .map(|candidate| (edit_distance(name, candidate), *candidate))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance between two short keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            let insert = current[j] + 1;
            let delete = previous[j + 1] + 1;
            current.push(substitute.min(insert).min(delete));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn float_digits_become_exact_decimals() {
        assert_eq!(decimal_from_text("0.1"), Some(dec!(0.1)));
        assert_eq!(decimal_from_text("4.50"), Some(dec!(4.50)));
        assert_eq!(decimal_from_text("1_000.25"), Some(dec!(1000.25)));
        assert_eq!(decimal_from_text("1e-3"), Some(dec!(0.001)));
        assert_eq!(decimal_from_text("-2.5E2"), Some(dec!(-250)));
        assert_eq!(decimal_from_text("inf"), None);
        assert_eq!(decimal_from_text("nan"), None);
        assert_eq!(decimal_from_text(""), None);
        assert_eq!(decimal_from_text("abc"), None);
    }

    #[test]
    fn typos_suggest_the_intended_key() {
        let allowed = ["costing_method", "unit_cost", "no"];
        assert_eq!(
            closest_name("costing_metod", &allowed),
            Some("costing_method")
        );
        assert_eq!(closest_name("unitcost", &allowed), Some("unit_cost"));
        assert_eq!(closest_name("colour", &allowed), None);
    }
}
