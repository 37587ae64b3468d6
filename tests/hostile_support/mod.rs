//! Helpers of the hostile-input tests: the real binary on a fresh company folder.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
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

/// `stockpost watch` on a company, its events read from stdout as they come.
pub struct Watch {
    child: Child,
    lines: std::sync::mpsc::Receiver<String>,
    /// Every event line read so far (JSON, with `": "` written `":"`).
    pub seen: Vec<String>,
}

impl Watch {
    /// Starts the watcher (debounce 100 ms, settle `settle_ms`) and waits for `started`.
    pub fn start(folder: &Path, settle_ms: u64) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_stockpost"))
            .current_dir(folder)
            .args([
                "watch",
                "--company",
                ".",
                "--events",
                "-",
                "--debounce-ms",
                "100",
            ])
            .args(["--settle-ms", &settle_ms.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start stockpost watch");
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line.replace(": ", ":"));
            }
        });
        let mut watch = Watch {
            child,
            lines,
            seen: Vec::new(),
        };
        watch
            .wait_for("started", Duration::from_secs(30))
            .expect("the watcher starts");
        watch
    }

    /// The next event named `event`, within `within`.
    pub fn wait_for(&mut self, event: &str, within: Duration) -> Option<String> {
        let deadline = Instant::now() + within;
        let needle = format!("\"event\":\"{event}\"");
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(&needle) {
                        return Some(line);
                    }
                }
                Err(_) => return None,
            }
        }
        None
    }

    /// Kills the watcher at once (SIGKILL), as a crash or an out-of-memory kill would.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// How many events named `event` were read so far.
    pub fn count(&self, event: &str) -> usize {
        let needle = format!("\"event\":\"{event}\"");
        self.seen
            .iter()
            .filter(|line| line.contains(&needle))
            .count()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
