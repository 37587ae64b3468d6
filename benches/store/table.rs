//! The benchmark's result table: one row per figure, printed as plain aligned text (and as it
//! goes, so that a long run shows its progress).

use std::time::Duration;

#[derive(Default)]
pub struct Table {
    rows: Vec<[String; 3]>,
}

impl Table {
    /// Adds a figure of `phase` and prints it at once.
    pub fn add(&mut self, phase: &str, figure: &str, value: String) {
        println!("[{phase}] {figure}: {value}");
        self.rows
            .push([phase.to_string(), figure.to_string(), value]);
    }

    pub fn print(&self) {
        let header = ["phase", "figure", "value"].map(str::to_string);
        let mut widths = [0; 3];
        for row in std::iter::once(&header).chain(&self.rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |row: &[String; 3]| {
            println!(
                "{:<w0$}  {:<w1$}  {}",
                row[0],
                row[1],
                row[2],
                w0 = widths[0],
                w1 = widths[1]
            );
        };
        line(&header);
        println!("{}", "-".repeat(widths.iter().sum::<usize>() + 4));
        for row in &self.rows {
            line(row);
        }
    }
}

pub fn seconds(duration: Duration) -> String {
    format!("{:.3} s", duration.as_secs_f64())
}

/// Seconds with the share of `whole`.
pub fn seconds_of(part: Duration, whole: Duration) -> String {
    format!(
        "{} ({:.1}%)",
        seconds(part),
        part.as_secs_f64() * 100.0 / whole.as_secs_f64().max(1e-9)
    )
}

pub fn per_second(count: u64, duration: Duration) -> String {
    thousands((count as f64 / duration.as_secs_f64().max(1e-9)) as u64)
}

pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / 1_048_576.0)
}

pub use super::options::thousands;
