//! One writer at a time per company: an exclusive lock on `stockpost.lock` in the company
//! folder, held from the moment a batch command starts until its transaction is committed.
//!
//! SQLite alone lets a second process open the books, run its command in memory and only then
//! find, at commit, that the store moved on under it. With the lock, a second writer waits its
//! turn (bounded: [`DEFAULT_WAIT`], or `STOCKPOST_LOCK_WAIT_MS`), then catches up
//! with the batches stored meanwhile and runs on the current books. The lock is the operating
//! system's (`flock` on Unix), so it is released when the holder exits, however it exits.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file's name in the company folder.
pub const LOCK_FILE: &str = "stockpost.lock";

/// How long a writer waits for another by default.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(120);

/// How often a waiting writer tries again.
const RETRY: Duration = Duration::from_millis(25);

/// A held lock; released when dropped.
#[derive(Debug)]
pub struct WriterLock {
    file: File,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another writer held it for longer than the wait. `holder` is what it wrote (its pid).
    TimedOut { waited: Duration, holder: String },
    /// The lock file cannot be created or opened (a read-only folder, say).
    Unavailable { path: PathBuf, detail: String },
}

impl WriterLock {
    /// Takes the lock of the company in `folder`, waiting at most `wait`; `notice` is called
    /// once, with what the writer waits for, when the lock is not free at once.
    pub fn acquire(
        folder: &Path,
        wait: Duration,
        notice: &dyn Fn(&str),
    ) -> Result<WriterLock, LockError> {
        let path = folder.join(LOCK_FILE);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|error| LockError::Unavailable {
                path: path.clone(),
                detail: error.to_string(),
            })?;
        let started = Instant::now();
        let mut noticed = false;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {}
                Err(TryLockError::Error(error)) => {
                    return Err(LockError::Unavailable {
                        path,
                        detail: error.to_string(),
                    })
                }
            }
            let holder = holder_of(&file);
            if started.elapsed() >= wait {
                return Err(LockError::TimedOut {
                    waited: started.elapsed(),
                    holder,
                });
            }
            if !noticed {
                notice(&format!(
                    "waiting for another stockpost writing to this company ({holder}); up to \
                     {} s",
                    wait.as_secs()
                ));
                noticed = true;
            }
            std::thread::sleep(RETRY);
        }
        let mut lock = WriterLock { file };
        lock.write_holder();
        Ok(lock)
    }

    /// Records who holds the lock, for the message a waiting writer prints.
    fn write_holder(&mut self) {
        let text = format!("process {}", std::process::id());
        let _ = self.file.set_len(0);
        let _ = self.file.seek(SeekFrom::Start(0));
        let _ = self.file.write_all(text.as_bytes());
    }
}

fn holder_of(file: &File) -> String {
    let mut text = String::new();
    let mut reader = file;
    let _ = reader.seek(SeekFrom::Start(0));
    let _ = reader.take(64).read_to_string(&mut text);
    let text = text.trim();
    if text.is_empty() {
        "another process".to_string()
    } else {
        text.to_string()
    }
}

impl Drop for WriterLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

/// The wait in `STOCKPOST_LOCK_WAIT_MS`, or [`DEFAULT_WAIT`].
pub fn wait_from_env() -> Duration {
    std::env::var("STOCKPOST_LOCK_WAIT_MS")
        .ok()
        .and_then(|text| text.trim().parse().ok())
        .map_or(DEFAULT_WAIT, Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_waits_and_times_out_then_gets_the_lock() {
        let folder = tempfile::tempdir().unwrap();
        let first = WriterLock::acquire(folder.path(), Duration::ZERO, &|_| {}).unwrap();
        let notices = std::cell::RefCell::new(Vec::new());
        let second = WriterLock::acquire(folder.path(), Duration::from_millis(100), &|n| {
            notices.borrow_mut().push(n.to_string())
        });
        match second {
            Err(LockError::TimedOut { holder, .. }) => {
                assert_eq!(holder, format!("process {}", std::process::id()))
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        assert_eq!(notices.borrow().len(), 1);
        drop(first);
        WriterLock::acquire(folder.path(), Duration::ZERO, &|_| {}).unwrap();
    }
}
