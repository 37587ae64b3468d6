//! The watcher's status file, `DIR/watch-status.json`: rewritten (atomically) after every event,
//! read by `stockpost status`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::inbox::write_atomically;

/// The status file's name inside the company folder.
pub const STATUS_FILE: &str = "watch-status.json";

/// What the watcher says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct WatchStatus {
    /// `running`, or `stopped` once it stopped cleanly.
    pub state: String,
    pub pid: u32,
    pub started_at: String,
    pub updated_at: String,
    pub rule_set_hash: String,
    pub config_hash: String,
    /// When the active rule set was loaded (the start, or the last reload).
    pub rules_loaded_at: String,
    /// The last reload that was rejected and why (cleared by a successful reload).
    pub last_reload_error: Option<String>,
    pub batches_posted: u64,
    pub batches_rejected: u64,
    pub last_batch_id: Option<u64>,
    /// Journal files in the inbox not yet posted.
    pub inbox_waiting: u64,
    /// Value entries waiting in the G/L queue.
    pub gl_queue: u64,
    pub reconciled: bool,
    pub reconciliation_differing_cells: u64,
    pub reconciliation_total_difference: String,
    /// Journals that changed after they were read and posted, kept in `inbox/changed/`.
    #[serde(default)]
    pub changed_after_read: Vec<String>,
}

pub fn status_path(folder: &Path) -> PathBuf {
    folder.join(STATUS_FILE)
}

impl WatchStatus {
    /// Writes the status file (temporary file and rename: a reader never sees half of it).
    pub fn write(&self, folder: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        write_atomically(&status_path(folder), &(text + "\n"))
    }

    /// The status file of `folder`, if there is a readable one.
    pub fn read(folder: &Path) -> Option<WatchStatus> {
        let text = std::fs::read_to_string(status_path(folder)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Whether the process that wrote it still runs (Linux: `/proc/PID`).
    pub fn process_alive(&self) -> bool {
        self.state == "running" && Path::new(&format!("/proc/{}", self.pid)).exists()
    }
}
