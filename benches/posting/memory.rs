//! Resident memory of this process, read from `/proc/self/status` (Linux only; elsewhere the
//! figures are reported as unavailable).

use std::fs;

/// Peak resident set size (VmHWM) in MiB.
pub fn peak_mib() -> Option<f64> {
    status_kib("VmHWM:").map(kib_to_mib)
}

/// Current resident set size (VmRSS) in MiB.
pub fn current_mib() -> Option<f64> {
    status_kib("VmRSS:").map(kib_to_mib)
}

/// Resets VmHWM to the current RSS (writing 5 to `/proc/self/clear_refs`, Linux 4.0+), so that
/// the next reading is the peak of the phase that follows. Returns false when not possible.
pub fn reset_peak() -> bool {
    fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn status_kib(key: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with(key))?;
    line[key.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

fn kib_to_mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// A MiB figure for printing.
pub fn show(mib: Option<f64>) -> String {
    mib.map_or_else(|| "n/a".to_string(), |mib| format!("{mib:.0} MiB"))
}
