//! The inbox: journal files dropped into `DIR/inbox/` are posted one by one, in name order, once
//! they stopped changing; each is then moved to `inbox/done/` (with a receipt) or
//! `inbox/rejected/` (with an error report).
//!
//! A file is taken only when its size and modification time were the same at two scans at least
//! `settle` apart, so a file still being copied in is left alone. Writers that can should write
//! to a hidden or `.tmp` name and rename it into place: such names are never taken. The receipt
//! or report is written (temporary file, rename) before the journal is moved (rename), so a
//! journal never leaves the inbox without its receipt; a journal whose batch was stored but which
//! was not moved yet (the watcher was killed in between) is recognised on the next start by its
//! content hash and moved to `done/` without posting it again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// The journal file extensions the inbox takes.
pub const JOURNAL_EXTENSIONS: [&str; 3] = ["csv", "jsonl", "ndjson"];

/// What a scan saw of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    size: u64,
    modified: Option<SystemTime>,
    since: Instant,
}

/// Tracks the files of the inbox between scans.
#[derive(Debug, Default)]
pub struct Inbox {
    folder: PathBuf,
    settle: Duration,
    seen: BTreeMap<PathBuf, Seen>,
}

impl Inbox {
    pub fn new(folder: PathBuf, settle: Duration) -> Inbox {
        Inbox {
            folder,
            settle,
            seen: BTreeMap::new(),
        }
    }

    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The journal files that have been still for `settle`, in name order. Files that are
    /// still changing are remembered and offered at a later scan.
    pub fn ready(&mut self, now: Instant) -> Vec<PathBuf> {
        let mut present = BTreeMap::new();
        let Ok(entries) = std::fs::read_dir(&self.folder) else {
            return Vec::new();
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if !is_journal_name(&path) {
                continue;
            }
            let Ok(metadata) = entry.metadata() else {
                continue;
            };
            if !metadata.is_file() {
                continue;
            }
            let size = metadata.len();
            let modified = metadata.modified().ok();
            let seen = match self.seen.get(&path) {
                Some(before) if before.size == size && before.modified == modified => *before,
                _ => Seen {
                    size,
                    modified,
                    since: now,
                },
            };
            present.insert(path, seen);
        }
        self.seen = present;
        self.seen
            .iter()
            .filter(|(_, seen)| now.duration_since(seen.since) >= self.settle)
            .map(|(path, _)| path.clone())
            .collect()
    }

    /// The first journal file in name order, once it has been still for `settle`; `None` while
    /// it is still changing (later names wait for it, so the inbox posts in name order).
    pub fn next_ready(&mut self, now: Instant) -> Option<PathBuf> {
        self.ready(now);
        let (path, seen) = self.seen.iter_mut().next()?;
        if now.duration_since(seen.since) < self.settle {
            return None;
        }
        // A writer that still has the file open may only be pausing: wait for it to close.
        if open_elsewhere(path) {
            seen.since = now;
            return None;
        }
        Some(path.clone())
    }

    /// How many journal files wait (ready or still settling).
    pub fn waiting(&self) -> usize {
        self.seen.len()
    }

    /// Forgets a file (after it was moved).
    pub fn forget(&mut self, path: &Path) {
        self.seen.remove(path);
    }
}

/// Whether another process has `path` open (Linux: its `/proc/PID/fd` links); false where
/// that cannot be told, and then the settle window alone decides.
pub fn open_elsewhere(path: &Path) -> bool {
    let Ok(target) = std::fs::canonicalize(path) else {
        return false;
    };
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return false;
    };
    let own = std::process::id().to_string();
    for process in processes.flatten() {
        let name = process.file_name();
        let Some(pid) = name.to_str() else { continue };
        if pid == own || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(descriptors) = std::fs::read_dir(process.path().join("fd")) else {
            continue;
        };
        for descriptor in descriptors.flatten() {
            if std::fs::read_link(descriptor.path()).is_ok_and(|link| link == target) {
                return true;
            }
        }
    }
    false
}

/// SHA-256 of a journal's text, lowercase hex, as `JournalText::content_hash` has it: what was
/// read and what is there now compare.
pub fn text_hash(text: &str) -> String {
    bytes_hash(text.as_bytes())
}

/// SHA-256 of `bytes`, lowercase hex.
pub fn bytes_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// `inbox/.processing`: the journal being posted (its hash, path and how many times posting
/// it was begun), written before the batch starts and removed once the journal is filed away.
/// Found at start, it names the journal the watcher was posting when it stopped.
pub struct ProcessingMarker {
    path: PathBuf,
}

/// What a marker left behind says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interrupted {
    pub journal: PathBuf,
    pub hash: String,
    /// How many times posting this journal was begun and did not finish.
    pub attempts: u32,
}

impl ProcessingMarker {
    const NAME: &'static str = ".processing";

    /// Marks `journal`, read with content hash `hash` ([`text_hash`]), as being posted for the
    /// `attempt`-th time.
    pub fn write(
        inbox: &Path,
        journal: &Path,
        hash: &str,
        attempt: u32,
    ) -> std::io::Result<ProcessingMarker> {
        let path = inbox.join(Self::NAME);
        let content = format!("{hash}\n{}\n{attempt}\n", journal.display());
        write_atomically(&path, &content)?;
        Ok(ProcessingMarker { path })
    }

    /// The marker left behind, if any.
    pub fn read(inbox: &Path) -> Option<Interrupted> {
        let text = std::fs::read_to_string(inbox.join(Self::NAME)).ok()?;
        let mut lines = text.lines();
        let hash = lines.next()?.to_string();
        let journal = PathBuf::from(lines.next()?);
        let attempts = lines.next().and_then(|n| n.parse().ok()).unwrap_or(1);
        Some(Interrupted {
            journal,
            hash,
            attempts,
        })
    }

    pub fn clear(inbox: &Path) {
        let _ = std::fs::remove_file(inbox.join(Self::NAME));
    }

    pub fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether the inbox takes a file of this name: a journal extension, not hidden, not a
/// temporary or backup name.
pub fn is_journal_name(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
        return false;
    };
    if name.starts_with('.') || name.ends_with('~') {
        return false;
    }
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| JOURNAL_EXTENSIONS.contains(&extension))
}

/// Moves `journal` into `inbox/<outcome>/` with `report` written beside it first (as
/// `<name>.<report_suffix>`). Names already taken there get `-2`, `-3` ... before the extension.
/// Returns the journal's new path.
pub fn file_away(
    journal: &Path,
    outcome: &str,
    report_suffix: &str,
    report: &str,
) -> std::io::Result<PathBuf> {
    let inbox = journal.parent().unwrap_or(Path::new("."));
    let target_folder = inbox.join(outcome);
    std::fs::create_dir_all(&target_folder)?;
    let name = journal
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("journal");
    let target = free_name(&target_folder, name);
    let target_name = target
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or(name)
        .to_string();
    let report_path = target_folder.join(format!("{target_name}.{report_suffix}"));
    write_atomically(&report_path, report)?;
    std::fs::rename(journal, &target)?;
    sync_folder(inbox);
    sync_folder(&target_folder);
    Ok(target)
}

fn free_name(folder: &Path, name: &str) -> PathBuf {
    let candidate = folder.join(name);
    if !candidate.exists() {
        return candidate;
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) => (stem, format!(".{extension}")),
        None => (name, String::new()),
    };
    (2..)
        .map(|n| folder.join(format!("{stem}-{n}{extension}")))
        .find(|path| !path.exists())
        .unwrap_or(candidate)
}

/// Writes `text` to `path` through a temporary file and a rename, synced.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let temporary = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name()
            .and_then(|name| name.to_str())
            .unwrap_or("file")
    ));
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)
}

fn sync_folder(folder: &Path) {
    if let Ok(directory) = std::fs::File::open(folder) {
        let _ = directory.sync_all();
    }
}
