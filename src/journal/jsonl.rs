//! JSON Lines journals: one JSON object per line, with the same field names as the CSV columns.
//!
//! Numbers are never read as binary floating point: a JSON number is taken by its text and
//! parsed as a decimal, like a CSV field. Dimensions are a `dimensions` object of strings.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::decode::{decode_line, FieldError};
use super::fields::{Field, FieldKind, RawLine};
use super::{Dimensions, JournalLine, JournalParseError, LineRef};

/// The key holding the dimensions object.
const DIMENSIONS_KEY: &str = "dimensions";

/// Parses a JSON Lines journal. `file_name` is only used to name the source in lines and errors.
///
/// Blank lines and lines starting with `#` are skipped.
pub fn parse_jsonl(file_name: &str, text: &str) -> Result<Vec<JournalLine>, JournalParseError> {
    let file: Arc<str> = Arc::from(file_name);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = Vec::new();
    for (index, physical_line) in text.lines().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let content = physical_line.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let source = LineRef {
            file: Arc::clone(&file),
            line,
        };
        let journal_line = parse_object(content, source).map_err(|e| e.at(file_name, line))?;
        if lines.len() == super::limits::MAX_LINES {
            return Err(super::too_many_lines(file_name, line));
        }
        lines.push(journal_line);
    }
    Ok(lines)
}

fn parse_object(content: &str, source: LineRef) -> Result<JournalLine, FieldError> {
    let value: Value = serde_json::from_str(content)
        .map_err(|error| FieldError::new("", format!("not valid JSON: {error}")))?;
    let Value::Object(object) = value else {
        return Err(FieldError::new(
            "",
            "a line must be one JSON object, e.g. {\"type\": \"sale\", ...}",
        ));
    };
    let mut texts: Vec<(Field, Cow<'_, str>)> = Vec::with_capacity(object.len());
    let mut dimensions = Dimensions::new();
    for (key, value) in &object {
        if key == DIMENSIONS_KEY {
            dimensions = read_dimensions(value)?;
            continue;
        }
        let Some(field) = Field::from_name(key) else {
            return Err(FieldError::new(
                key.as_str(),
                "unknown key; see docs/journal.md for the field names (dimensions go in the `dimensions` object)",
            ));
        };
        if let Some(text) = field_text(field, value)? {
            texts.push((field, text));
        }
    }
    let mut raw = RawLine::default();
    for (field, text) in &texts {
        raw.set(*field, text);
    }
    decode_line(&raw, dimensions, source)
}

/// The text of one field as the decoder reads it; `None` for `null`.
fn field_text(field: Field, value: &Value) -> Result<Option<Cow<'_, str>>, FieldError> {
    let text = match (field.kind(), value) {
        (_, Value::Null) => return Ok(None),
        (FieldKind::EntryNoList, Value::Array(elements)) => {
            Cow::Owned(entry_no_list(field, elements)?)
        }
        (FieldKind::EntryNoList, _) => {
            return Err(wrong_type(field, "an array of entry numbers, e.g. [5, 6]"))
        }
        (_, Value::String(text)) => Cow::Borrowed(text.as_str()),
        (FieldKind::Decimal | FieldKind::EntryNo, Value::Number(number)) => {
            Cow::Owned(number.to_string())
        }
        (FieldKind::Decimal, _) => {
            return Err(wrong_type(field, "a number or a string such as \"12.50\""))
        }
        (FieldKind::EntryNo, _) => return Err(wrong_type(field, "an entry number such as 5")),
        (FieldKind::Date, _) => return Err(wrong_type(field, "a string such as \"2026-10-01\"")),
        (FieldKind::Text, _) => return Err(wrong_type(field, "a string")),
    };
    Ok(Some(text))
}

fn wrong_type(field: Field, expected: &str) -> FieldError {
    FieldError::new(field.name(), format!("must be {expected}"))
}

/// Joins the array into the `;`-separated text the decoder reads, so both encodings share one
/// set of entry-number rules.
fn entry_no_list(field: Field, elements: &[Value]) -> Result<String, FieldError> {
    let mut text = String::new();
    for element in elements {
        let Value::Number(number) = element else {
            return Err(FieldError::new(
                field.name(),
                format!("{element} is not an entry number; write an array of whole numbers, e.g. [5, 6]"),
            ));
        };
        if !text.is_empty() {
            text.push(';');
        }
        text.push_str(&number.to_string());
    }
    Ok(text)
}

fn read_dimensions(value: &Value) -> Result<Dimensions, FieldError> {
    let object: &Map<String, Value> =
        match value {
            Value::Object(object) => object,
            Value::Null => return Ok(Dimensions::new()),
            _ => return Err(FieldError::new(
                DIMENSIONS_KEY,
                "must be an object of dimension code to value, e.g. {\"DEPARTMENT\": \"SALES\"}",
            )),
        };
    let mut dimensions = Dimensions::new();
    for (code, value) in object {
        match value {
            Value::String(text) if !text.trim().is_empty() => {
                dimensions.insert(code.clone(), text.trim().to_string());
            }
            Value::String(_) | Value::Null => {}
            _ => {
                return Err(FieldError::new(
                    format!("{DIMENSIONS_KEY}.{code}"),
                    format!("{value} is not a dimension value; write it as a string"),
                ))
            }
        }
    }
    Ok(dimensions)
}
