//! Helpers of the hostile-input tests: the real binary on a fresh company folder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

pub const HEADER: &str = "type,posting_date,document_no,external_document_no,item,location,\
quantity,unit_cost,amount,unit_price,receipt_entry_no,shipment_entry_no,item_charge_no,\
assign_to_entry_nos,revalue,entry_no,unit_cost_revalued,inventory_value_revalued,\
new_standard_cost,from_location,to_location";

/// `stockpost ARGS` in `dir`, with the writer-lock wait short unless the caller sets it.
pub fn stockpost(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .current_dir(dir)
        .args(args)
        .env_remove("STOCKPOST_LOCK_WAIT_MS")
        .output()
        .expect("run stockpost")
}

/// Like [`stockpost`], also returning how long it took.
pub fn timed(dir: &Path, args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let output = stockpost(dir, args);
    (output, started.elapsed())
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A new company (the example pack) in `root/NAME`.
pub fn company(root: &Path, name: &str) -> PathBuf {
    let output = stockpost(root, &["init", name]);
    assert!(output.status.success(), "init: {}", stderr(&output));
    root.join(name)
}

/// A CSV journal with the columns of [`HEADER`]; each row gives only the columns it names.
pub fn journal(path: &Path, rows: &[&[(&str, &str)]]) {
    let columns: Vec<&str> = HEADER.split(',').collect();
    let mut text = format!("{HEADER}\n");
    for row in rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|column| {
                row.iter()
                    .find(|(name, _)| name == column)
                    .map(|(_, value)| csv_cell(value))
                    .unwrap_or_default()
            })
            .collect();
        text += &cells.join(",");
        text.push('\n');
    }
    std::fs::write(path, text).expect("write journal");
}

fn csv_cell(value: &str) -> String {
    if value.contains([',', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_string()
    }
}

/// The number of batches `stockpost status` reports.
pub fn batches(company: &Path) -> u64 {
    let output = stockpost(company, &["status", "--company", "."]);
    let text = stdout(&output);
    text.lines()
        .find_map(|line| line.split_once(" batches stored"))
        .and_then(|(count, _)| count.trim().parse().ok())
        .unwrap_or(0)
}
