//! The outside trial balance: the real G/L's balances per account, exported from the company's
//! ERP as CSV, so that postings made outside stockpost show up as direct postings.
//!
//! Format (header required, columns in any order): `account,from,to,balance`. `to` is the last
//! date; with `from` empty the balance is as of `to`; with both empty it covers every date.
//! Dates are `YYYY-MM-DD`, balances decimal numbers (debit positive).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::period::Period;

/// One account's balance in the outside G/L.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialBalanceRow {
    /// 1-based line in the file.
    pub line: u64,
    pub account_no: String,
    pub period: Period,
    pub balance: Decimal,
}

/// A parsed trial balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialBalance {
    pub file: String,
    pub rows: Vec<TrialBalanceRow>,
}

/// A line of the trial balance that cannot be read, with where and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} line {line}, field `{field}`: {message}")]
pub struct TrialBalanceError {
    pub file: String,
    pub line: u64,
    pub field: String,
    pub message: String,
}

const COLUMNS: [&str; 4] = ["account", "from", "to", "balance"];

/// Parses a trial balance CSV; `file` names it in errors.
pub fn parse_trial_balance(file: &str, text: &str) -> Result<TrialBalance, TrialBalanceError> {
    let error = |line: u64, field: &str, message: String| TrialBalanceError {
        file: file.to_string(),
        line,
        field: field.to_string(),
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| error(1, "header", e.to_string()))?
        .clone();
    let mut index = [0usize; 4];
    for (slot, column) in index.iter_mut().zip(COLUMNS) {
        *slot = headers.iter().position(|h| h == column).ok_or_else(|| {
            let message = format!(
                "column `{column}` is missing; the header must name account,from,to,balance"
            );
            error(1, column, message)
        })?;
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            error(line, "record", e.to_string())
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(index[i]).unwrap_or("");
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != headers.len() {
            let message = format!(
                "the line has {} fields and the header {}; write balances with a decimal point \
                 and no thousands separator",
                record.len(),
                headers.len()
            );
            return Err(error(line, "record", message));
        }
        let account_no = field(0).to_string();
        if account_no.is_empty() {
            return Err(error(line, "account", "the account number is empty".into()));
        }
        let date = |i: usize| -> Result<Option<NaiveDate>, TrialBalanceError> {
            let text = field(i);
            if text.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| {
                    error(
                        line,
                        COLUMNS[i],
                        format!("`{text}` is not a date; write YYYY-MM-DD"),
                    )
                })
        };
        let period = match (date(1)?, date(2)?) {
            (None, None) => Period::All,
            (None, Some(to)) => Period::AsOf(to),
            (Some(from), Some(to)) if from <= to => Period::Range { from, to },
            (Some(_), Some(_)) => {
                return Err(error(line, "from", "`from` is after `to`".into()));
            }
            (Some(_), None) => {
                return Err(error(
                    line,
                    "to",
                    "a range needs `to` as well as `from`".into(),
                ));
            }
        };
        let text = field(3);
        let balance = text.parse::<Decimal>().map_err(|_| {
            let message =
                format!("`{text}` is not a decimal number (write 1234.56, debit positive)");
            error(line, "balance", message)
        })?;
        rows.push(TrialBalanceRow {
            line,
            account_no,
            period,
            balance,
        });
    }
    Ok(TrialBalance {
        file: file.to_string(),
        rows,
    })
}
