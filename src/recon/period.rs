//! Which posting dates a reconciliation covers.

use chrono::NaiveDate;

/// A reconciliation period, by posting date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Period {
    /// Every entry.
    #[default]
    All,
    /// Balances at the end of a date: posting date ≤ the date.
    AsOf(NaiveDate),
    /// Net change over a range, both ends included.
    Range { from: NaiveDate, to: NaiveDate },
}

impl Period {
    pub fn contains(self, date: NaiveDate) -> bool {
        match self {
            Period::All => true,
            Period::AsOf(end) => date <= end,
            Period::Range { from, to } => from <= date && date <= to,
        }
    }

    /// The last date the period covers (none for `All`).
    pub fn end(self) -> Option<NaiveDate> {
        match self {
            Period::All => None,
            Period::AsOf(end) | Period::Range { to: end, .. } => Some(end),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::All => f.write_str("all dates"),
            Period::AsOf(date) => write!(f, "as of {date}"),
            Period::Range { from, to } => write!(f, "{from}..{to}"),
        }
    }
}
