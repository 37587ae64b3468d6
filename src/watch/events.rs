//! What the watcher reports: one JSON object per line (`--events FILE|-`), so that other tools
//! can follow, and one human line on stderr per event.

use std::io::Write;

use serde::Serialize;

use crate::store::ReconciliationSummary;

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum WatchEvent {
    /// The watcher runs, with this rule set.
    Started {
        company: String,
        rule_set_hash: String,
        config_hash: String,
    },
    /// An inbox journal was posted as one batch and moved to `inbox/done/`.
    BatchPosted {
        file: String,
        batch_id: u64,
        lines: u64,
        value_entries: u64,
        gl_entries: u64,
        rule_set_hash: String,
        reconciled: bool,
    },
    /// An inbox journal was refused and moved to `inbox/rejected/` with its error report.
    BatchRejected { file: String, error: String },
    /// An inbox journal changed after it was read and posted: what was posted is the file as
    /// it was read (`posted_lines`, `posted_hash`), not the file as it is now. The file is
    /// moved to `inbox/changed/` with a receipt saying so; the lines written after the read
    /// were not posted.
    JournalChanged {
        file: String,
        batch_id: u64,
        posted_lines: u64,
        posted_hash: String,
        hash_now: String,
    },
    /// A new rule set (or configuration) passed every check and runs from the next batch on.
    RulesReloaded {
        rule_set_hash: String,
        previous_rule_set_hash: String,
        config_hash: String,
        /// Milliseconds from the debounced change to the swap (load, checks, swap).
        load_ms: u64,
        /// `key: role old -> new`, one per changed mapping.
        changes: Vec<String>,
    },
    /// A change in `rules/` or `config/` did not pass; the previous rule set keeps running.
    ReloadRejected { error: String },
    /// The reconciliation's state changed (reconciled or not, cells, total difference).
    ReconciliationChanged {
        reconciled: bool,
        differing_cells: u64,
        total_difference: String,
    },
    /// The watcher stops (signal); no batch is in progress.
    Stopped { reason: String },
}

impl WatchEvent {
    pub fn reconciliation(summary: &ReconciliationSummary) -> WatchEvent {
        WatchEvent::ReconciliationChanged {
            reconciled: summary.reconciled,
            differing_cells: summary.differing_cells,
            total_difference: summary.total_difference.to_string(),
        }
    }

    /// One line for a person.
    pub fn describe(&self) -> String {
        match self {
            WatchEvent::Started {
                company,
                rule_set_hash,
                ..
            } => format!("watching {company} with rule set {}", short(rule_set_hash)),
            WatchEvent::BatchPosted {
                file,
                batch_id,
                lines,
                reconciled,
                ..
            } => format!(
                "posted {file}: batch {batch_id}, {lines} lines; {}",
                if *reconciled {
                    "reconciled"
                } else {
                    "NOT reconciled (stockpost reconcile explains why)"
                }
            ),
            WatchEvent::BatchRejected { file, error } => {
                format!("rejected {file}: {}", first_line(error))
            }
            WatchEvent::JournalChanged {
                file,
                batch_id,
                posted_lines,
                ..
            } => format!(
                "WARNING: {file} changed after it was read: batch {batch_id} holds the {posted_lines} \
                 lines read, NOT what was written later; the file is in inbox/changed/ with its \
                 receipt: post the missing lines as a new journal"
            ),
            WatchEvent::RulesReloaded {
                rule_set_hash,
                changes,
                load_ms,
                ..
            } => {
                let mut text = format!(
                    "rules reloaded: rule set {} in {load_ms} ms, {} mappings changed",
                    short(rule_set_hash),
                    changes.len()
                );
                for change in changes {
                    text += &format!("\n  {change}");
                }
                text
            }
            WatchEvent::ReloadRejected { error } => {
                format!("reload rejected, the previous rule set keeps running:\n{error}")
            }
            WatchEvent::ReconciliationChanged {
                reconciled,
                differing_cells,
                total_difference,
            } => {
                if *reconciled {
                    "reconciliation: reconciled".to_string()
                } else {
                    format!("reconciliation: {differing_cells} cells differ by {total_difference}")
                }
            }
            WatchEvent::Stopped { reason } => format!("stopped: {reason}"),
        }
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// Where events go: a JSON-lines writer (file or stdout), flushed after every event.
pub struct EventSink {
    writer: Option<Box<dyn Write + Send>>,
}

impl EventSink {
    pub fn none() -> EventSink {
        EventSink { writer: None }
    }

    pub fn to(writer: Box<dyn Write + Send>) -> EventSink {
        EventSink {
            writer: Some(writer),
        }
    }

    /// Writes `event` with the time it happened (UTC, RFC 3339). A failing writer is dropped
    /// with a note on stderr: the watcher keeps posting.
    pub fn emit(&mut self, event: &WatchEvent) {
        let Some(writer) = &mut self.writer else {
            return;
        };
        let mut value = serde_json::to_value(event).unwrap_or(serde_json::Value::Null);
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "time".to_string(),
                serde_json::Value::String(
                    chrono::Utc::now()
                        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                        .to_string(),
                ),
            );
        }
        let written = writeln!(writer, "{value}").and_then(|()| writer.flush());
        if let Err(error) = written {
            eprintln!("cannot write events any more: {error}");
            self.writer = None;
        }
    }
}
