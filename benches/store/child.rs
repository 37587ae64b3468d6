//! Opening the company in a new process, as a user's next command would: the bench binary runs
//! itself with `--child-open FOLDER [--post FILE]`, the child opens the company (and posts the
//! file), and prints its timings on one line that the parent reads.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use stockpost::company::folder::journal_text;
use stockpost::company::{CompanyError, OpenMode, Quiet, StoredCompany};

use super::memory;

/// The argument that makes the binary the child.
pub const CHILD_ARG: &str = "--child-open";
/// The child's result line starts with this.
const RESULT_PREFIX: &str = "store-bench-child:";

/// What the child measured.
#[derive(Debug, Default)]
pub struct ChildReport {
    /// `StoredCompany::open`, seconds.
    pub open: f64,
    /// Batches replayed by the open, and the batch the snapshot covered (0: none).
    pub replayed: u64,
    pub snapshot_batch: u64,
    /// Preparing (`journal_text`) and posting the one-line journal, seconds (when asked).
    pub prepare: Option<f64>,
    pub post: Option<f64>,
    /// The child's peak resident memory, MiB.
    pub peak_mib: Option<f64>,
    /// The whole child process as the parent saw it (start, open, post, exit), seconds.
    pub wall: f64,
}

/// Runs the child on `folder`, posting `post` when given.
pub fn run(folder: &Path, post: Option<&Path>) -> Result<ChildReport, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the bench binary: {e}"))?;
    let mut command = Command::new(exe);
    command.arg(CHILD_ARG).arg(folder);
    if let Some(file) = post {
        command.arg("--post").arg(file);
    }
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot start the child: {e}"))?;
    let wall = started.elapsed().as_secs_f64();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "the child failed ({}): {}{}",
            output.status,
            stdout,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix(RESULT_PREFIX))
        .ok_or_else(|| format!("the child printed no result: {stdout}"))?;
    let mut report = ChildReport {
        wall,
        ..ChildReport::default()
    };
    for pair in line.split_whitespace() {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let number = || value.parse::<f64>().ok();
        match key {
            "open" => report.open = number().unwrap_or(f64::NAN),
            "replayed" => report.replayed = value.parse().unwrap_or(0),
            "snapshot_batch" => report.snapshot_batch = value.parse().unwrap_or(0),
            "prepare" => report.prepare = number(),
            "post" => report.post = number(),
            "peak_mib" => report.peak_mib = number(),
            _ => {}
        }
    }
    Ok(report)
}

/// The child's side: `args` are what follows `--child-open`.
pub fn main(mut args: impl Iterator<Item = String>) -> Result<(), String> {
    let folder = args.next().ok_or("--child-open needs a company folder")?;
    let post = match (args.next().as_deref(), args.next()) {
        (Some("--post"), Some(file)) => Some(file),
        (None, _) => None,
        _ => return Err("usage: --child-open FOLDER [--post FILE]".to_string()),
    };
    let started = Instant::now();
    let mut session = StoredCompany::open(Path::new(&folder), OpenMode::default(), &Quiet)
        .map_err(|e| format!("open: {}", shown(&e)))?;
    let open = started.elapsed().as_secs_f64();
    let (replayed, snapshot_batch) = session.restore_work();
    let mut result = format!(
        "open={open:.6} replayed={replayed} snapshot_batch={}",
        snapshot_batch.unwrap_or(0)
    );
    if let Some(file) = post {
        let text = std::fs::read_to_string(&file).map_err(|e| format!("{file}: {e}"))?;
        let started = Instant::now();
        let journal = journal_text("one-line.csv", text).map_err(|e| e.to_string())?;
        let prepare = started.elapsed().as_secs_f64();
        let started = Instant::now();
        session
            .post_journal(&journal, None)
            .map_err(|e| format!("post: {}", shown(&e)))?;
        let post = started.elapsed().as_secs_f64();
        result.push_str(&format!(" prepare={prepare:.6} post={post:.6}"));
    }
    if let Some(peak) = memory::peak_mib() {
        result.push_str(&format!(" peak_mib={peak:.0}"));
    }
    println!("{RESULT_PREFIX}{result}");
    Ok(())
}

/// A company error with its hints, for a message.
pub fn shown(error: &CompanyError) -> String {
    let mut text = error.message.clone();
    for hint in &error.hints {
        text.push_str(" (");
        text.push_str(hint);
        text.push(')');
    }
    text
}
