//! CSV journals: a header row names the columns, every following record is one journal line.
//!
//! The header is mapped to fields once; each record is then read into one reused
//! [`csv::StringRecord`] and its fields are borrowed, not copied, until the line is decoded.

use std::sync::Arc;

use super::decode::{decode_line, FieldError};
use super::fields::{Field, RawLine};
use super::{Dimensions, JournalLine, JournalParseError, LineRef};

/// Prefix of dimension columns: `dim.DEPARTMENT` holds the DEPARTMENT dimension value.
const DIMENSION_PREFIX: &str = "dim.";

/// Parses a CSV journal. `file_name` is only used to name the source in lines and errors.
///
/// Blank lines and records whose fields are all empty are skipped. An empty text gives an empty
/// journal.
pub fn parse_csv(file_name: &str, text: &str) -> Result<Vec<JournalLine>, JournalParseError> {
    let file: Arc<str> = Arc::from(file_name);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    if !read_record(&mut reader, &mut record, file_name)? {
        return Ok(Vec::new());
    }
    let header =
        Header::from_record(&record).map_err(|e| e.at(file_name, line_of(&record, text)))?;
    let mut lines = Vec::with_capacity(text.len() / 64);
    while read_record(&mut reader, &mut record, file_name)? {
        let line = line_of(&record, text);
        let source = || LineRef {
            file: Arc::clone(&file),
            line,
        };
        if let Some(journal_line) = header
            .decode(&record, source)
            .map_err(|e| e.at(file_name, line))?
        {
            if lines.len() == super::limits::MAX_LINES {
                return Err(super::too_many_lines(file_name, line));
            }
            lines.push(journal_line);
        }
    }
    Ok(lines)
}

fn read_record(
    reader: &mut csv::Reader<&[u8]>,
    record: &mut csv::StringRecord,
    file_name: &str,
) -> Result<bool, JournalParseError> {
    reader.read_record(record).map_err(|error| {
        let line = error
            .position()
            .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX));
        FieldError::new("", format!("not valid CSV: {error}")).at(file_name, line)
    })
}

/// The 1-based physical line on which a record starts.
///
/// The csv reader reports the position where it started looking for the record, which is before
/// any blank lines it skipped, so those are counted here.
fn line_of(record: &csv::StringRecord, text: &str) -> u32 {
    let Some(position) = record.position() else {
        return 0;
    };
    let skipped_blank_lines = text.as_bytes()[position.byte() as usize..]
        .iter()
        .take_while(|&&b| b == b'\n' || b == b'\r')
        .filter(|&&b| b == b'\n')
        .count();
    u32::try_from(position.line() as usize + skipped_blank_lines).unwrap_or(u32::MAX)
}

/// What the header says each column holds.
struct Header {
    width: usize,
    fields: Vec<(usize, Field)>,
    dimensions: Vec<(usize, String)>,
}

impl Header {
    fn from_record(record: &csv::StringRecord) -> Result<Header, FieldError> {
        let mut header = Header {
            width: record.len(),
            fields: Vec::new(),
            dimensions: Vec::new(),
        };
        for (column, name) in record.iter().enumerate() {
            header.add_column(column, name.trim())?;
        }
        for required in [Field::Type, Field::PostingDate, Field::DocumentNo] {
            if !header.fields.iter().any(|&(_, field)| field == required) {
                return Err(FieldError::new(
                    required.name(),
                    "missing column; every journal needs the columns `type`, `posting_date` and `document_no`",
                ));
            }
        }
        Ok(header)
    }

    fn add_column(&mut self, column: usize, name: &str) -> Result<(), FieldError> {
        let twice = || FieldError::new(name, "this column appears twice in the header");
        if let Some(code) = name.strip_prefix(DIMENSION_PREFIX) {
            if code.is_empty() {
                return Err(FieldError::new(
                    name,
                    "a dimension column needs a code after `dim.`, e.g. `dim.DEPARTMENT`",
                ));
            }
            if self.dimensions.iter().any(|(_, known)| known == code) {
                return Err(twice());
            }
            self.dimensions.push((column, code.to_string()));
            return Ok(());
        }
        let Some(field) = Field::from_name(name) else {
            return Err(FieldError::new(
                name,
                "unknown column; see docs/journal.md for the column names (dimensions are `dim.CODE`)",
            ));
        };
        if self.fields.iter().any(|&(_, known)| known == field) {
            return Err(twice());
        }
        self.fields.push((column, field));
        Ok(())
    }

    /// Decodes one record; `None` when every field is empty (a spacer row).
    fn decode(
        &self,
        record: &csv::StringRecord,
        source: impl FnOnce() -> LineRef,
    ) -> Result<Option<JournalLine>, FieldError> {
        let mut raw = RawLine::default();
        for &(column, field) in &self.fields {
            raw.set(field, record.get(column).unwrap_or_default());
        }
        let dimensions = self.dimensions(record);
        if raw.is_empty() && dimensions.is_empty() && record.iter().all(|f| f.trim().is_empty()) {
            return Ok(None);
        }
        if record.len() != self.width {
            return Err(FieldError::new(
                "",
                format!(
                    "this record has {} fields but the header names {} columns",
                    record.len(),
                    self.width
                ),
            ));
        }
        decode_line(&raw, dimensions, source()).map(Some)
    }

    fn dimensions(&self, record: &csv::StringRecord) -> Dimensions {
        let mut dimensions = Dimensions::new();
        for (column, code) in &self.dimensions {
            let value = record.get(*column).unwrap_or_default().trim();
            if !value.is_empty() {
                dimensions.insert(code.clone(), value.to_string());
            }
        }
        dimensions
    }
}
