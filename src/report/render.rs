//! Rendering report rows as an aligned text table, CSV or JSON.
//!
//! A report row type says once what its columns are ([`ReportRow::COLUMNS`]) and how each cell
//! reads as text ([`ReportRow::cells`]); JSON comes from its `Serialize` impl, so the three
//! formats show the same data and cannot drift apart column by column.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::journal::LineRef;

/// How a column's cells line up in a text table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    /// Numbers: right-aligned so that the decimal points line up.
    Right,
}

/// One column of a report: its header (also the CSV header) and alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub align: Align,
}

impl Column {
    pub const fn text(name: &'static str) -> Column {
        Column {
            name,
            align: Align::Left,
        }
    }

    pub const fn number(name: &'static str) -> Column {
        Column {
            name,
            align: Align::Right,
        }
    }
}

/// A row of a report table.
pub trait ReportRow: Serialize {
    const COLUMNS: &'static [Column];
    /// The cells as text, one per column, in column order.
    fn cells(&self) -> Vec<String>;
    /// Calls `visit` with each cell in column order, as [`ReportRow::cells`] makes them; a row
    /// listed by the million overrides it to lend its texts instead of copying them.
    fn visit_cells(&self, visit: &mut dyn FnMut(&str)) {
        for cell in self.cells() {
            visit(&cell);
        }
    }
}

/// An amount as text with two decimals (amounts in the ledgers are rounded to the currency's
/// precision already; this only pads `5190` to `5190.00`).
pub fn amount(value: Decimal) -> String {
    format!("{:.2}", value)
}

/// A quantity as text without trailing zeros (`6`, `1.5`).
pub fn quantity(value: Decimal) -> String {
    value.normalize().to_string()
}

/// A journal line reference for people: `file:line`, or just the name for entries no journal
/// line created (`(cost adjustment)`).
pub fn source_line(line: &LineRef) -> String {
    if line.line == 0 {
        line.file.to_string()
    } else {
        line.to_string()
    }
}

/// An aligned text table: header, a rule, the rows and, when given, a rule and a total line
/// (`footer` cells in column order; empty strings leave a cell blank).
pub fn render_table<R: ReportRow>(rows: &[R], footer: Option<Vec<String>>) -> String {
    let mut lines: Vec<Vec<String>> = rows.iter().map(ReportRow::cells).collect();
    let header: Vec<String> = R::COLUMNS.iter().map(|c| c.name.to_string()).collect();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for cells in lines.iter().chain(footer.iter()) {
        for (width, cell) in widths.iter_mut().zip(cells) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
    let mut out = String::new();
    let mut push = |cells: &[String]| out.push_str(&format_line::<R>(cells, &widths));
    push(&header);
    push(&rule);
    for cells in lines.drain(..) {
        push(&cells);
    }
    if let Some(footer) = footer {
        push(&rule);
        push(&footer);
    }
    out
}

fn format_line<R: ReportRow>(cells: &[String], widths: &[usize]) -> String {
    let mut parts = Vec::with_capacity(cells.len());
    for ((cell, &width), column) in cells.iter().zip(widths).zip(R::COLUMNS) {
        let pad = " ".repeat(width.saturating_sub(cell.chars().count()));
        parts.push(match column.align {
            Align::Left => format!("{cell}{pad}"),
            Align::Right => format!("{pad}{cell}"),
        });
    }
    let mut line = parts.join("  ");
    line.truncate(line.trim_end().len());
    line.push('\n');
    line
}

/// Writes the rows as CSV with a header row, one row at a time (what [`render_csv`] returns,
/// without holding the rows or the text: a listing of millions of entries streams).
pub fn write_csv<R: ReportRow>(
    rows: impl Iterator<Item = R>,
    out: impl std::io::Write,
) -> std::io::Result<()> {
    let mut writer = csv_writer::<R, _>(out)?;
    for row in rows {
        write_csv_row(&mut writer, &row)?;
    }
    writer.flush()
}

/// The rows as CSV with a header row (RFC 4180 quoting).
pub fn render_csv<R: ReportRow>(rows: &[R]) -> String {
    // Writing to a Vec cannot fail; a failure here would be a bug in the csv crate.
    let mut writer = csv_writer::<R, _>(Vec::new()).expect("in-memory CSV");
    for row in rows {
        write_csv_row(&mut writer, row).expect("in-memory CSV");
    }
    let bytes = writer.into_inner().expect("in-memory CSV");
    String::from_utf8(bytes).expect("cells are UTF-8")
}

/// A CSV writer that has written the header row of `R`.
fn csv_writer<R: ReportRow, W: std::io::Write>(out: W) -> std::io::Result<csv::Writer<W>> {
    let mut writer = csv::Writer::from_writer(out);
    let header: Vec<&str> = R::COLUMNS.iter().map(|c| c.name).collect();
    writer.write_record(&header)?;
    Ok(writer)
}

/// One row, each cell made spreadsheet-safe.
fn write_csv_row<R: ReportRow, W: std::io::Write>(
    writer: &mut csv::Writer<W>,
    row: &R,
) -> std::io::Result<()> {
    let mut failed = None;
    row.visit_cells(&mut |cell| {
        if failed.is_none() {
            failed = writer.write_field(spreadsheet_safe(cell).as_ref()).err();
        }
    });
    if let Some(error) = failed {
        return Err(error.into());
    }
    writer.write_record(None::<&[u8]>)?;
    Ok(())
}

/// A CSV cell as a spreadsheet will show it, never run it.
///
/// A spreadsheet treats a cell that starts with `=`, `+`, `-` or `@` as a formula, and a leading
/// tab or carriage return can smuggle one in: `=HYPERLINK(...)` or `=cmd|' /C calc'!A0` taken from
/// a document number would run when the export is opened. Such a cell gets a leading `'`, which
/// spreadsheets show as text and do not display; a plain number (`-120.50`, `+3`) stays as it is,
/// so amounts remain numbers. Every CSV stockpost writes goes through here (docs/cli.md).
pub fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = matches!(
        cell.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if !risky || is_plain_number(cell) {
        return std::borrow::Cow::Borrowed(cell);
    }
    std::borrow::Cow::Owned(format!("'{cell}"))
}

/// A record's cells through [`spreadsheet_safe`], for a CSV writer.
pub fn spreadsheet_safe_record<I, S>(cells: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    cells
        .into_iter()
        .map(|cell| spreadsheet_safe(cell.as_ref()).into_owned())
        .collect()
}

/// `[+-]digits[.digits]`, the only shape of a risky first character that is left alone.
fn is_plain_number(cell: &str) -> bool {
    let unsigned = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// Any serializable report as pretty JSON (amounts are strings, exact to the cent).
pub fn render_json<T: Serialize + ?Sized>(report: &T) -> String {
    let mut text = serde_json::to_string_pretty(report).expect("report types serialize");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;

    use super::*;

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        for (cell, safe) in [
            ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("+cmd", "'+cmd"),
            ("-2+3", "'-2+3"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("-120.50", "-120.50"),
            ("+3", "+3"),
            ("PO-4711", "PO-4711"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(cell), safe, "{cell:?}");
        }
    }

    #[derive(Serialize)]
    struct Pair {
        name: String,
        value: Decimal,
    }

    impl ReportRow for Pair {
        const COLUMNS: &'static [Column] = &[Column::text("name"), Column::number("value")];
        fn cells(&self) -> Vec<String> {
            vec![self.name.clone(), amount(self.value)]
        }
    }

    fn rows() -> Vec<Pair> {
        vec![
            Pair {
                name: "Bestandesänderungen".into(),
                value: dec!(-12.5),
            },
            Pair {
                name: "a, \"b\"".into(),
                value: dec!(1000),
            },
        ]
    }

    #[test]
    fn table_aligns_numbers_right_and_counts_characters_not_bytes() {
        let text = render_table(&rows(), Some(vec!["total".into(), amount(dec!(987.5))]));
        assert_eq!(
            text,
            "name                   value\n\
             -------------------  -------\n\
             Bestandesänderungen   -12.50\n\
             a, \"b\"               1000.00\n\
             -------------------  -------\n\
             total                 987.50\n"
        );
    }

    #[test]
    fn csv_quotes_and_json_keeps_exact_amounts() {
        assert_eq!(
            render_csv(&rows()),
            "name,value\nBestandesänderungen,-12.50\n\"a, \"\"b\"\"\",1000.00\n"
        );
        let json: serde_json::Value = serde_json::from_str(&render_json(&rows())).unwrap();
        assert_eq!(json[0]["value"], "-12.5");
        assert_eq!(quantity(dec!(1.500)), "1.5");
    }
}
