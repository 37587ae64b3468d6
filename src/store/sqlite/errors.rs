//! SQLite errors as [`StoreError`]s that say what is wrong with which file.

use std::io::Read;
use std::path::Path;

use rusqlite::ErrorCode;

use crate::store::StoreError;

/// The store error for a SQLite error on the database at `path`.
pub fn classify(path: &str, busy_timeout_ms: u64, error: rusqlite::Error) -> StoreError {
    let path = path.to_string();
    let detail = error.to_string();
    let Some(code) = error.sqlite_error_code() else {
        return StoreError::Sqlite { path, detail };
    };
    match code {
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Locked {
            path,
            waited_ms: busy_timeout_ms,
        },
        ErrorCode::ReadOnly => StoreError::ReadOnly { path, detail },
        ErrorCode::CannotOpen | ErrorCode::PermissionDenied => StoreError::ReadOnly {
            path,
            detail: format!(
                "{detail} (the database needs to write its -wal and -shm files next to it: \
                 check that the folder is writable, or open it read-only)"
            ),
        },
        ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => {
            StoreError::Corrupt { path, detail }
        }
        _ => StoreError::Sqlite { path, detail },
    }
}

/// A database file shorter than its header says is damaged (a copy cut short, a full disk).
/// Checked only when no write-ahead log is pending: a log may still hold the missing pages.
pub(super) fn check_not_truncated(path: &Path) -> Result<(), StoreError> {
    let shown = path.display().to_string();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if std::fs::metadata(&wal).is_ok_and(|meta| meta.len() > 0) {
        return Ok(());
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(()); // SQLite's own open reports why it cannot be read.
    };
    let length = file.metadata().map(|meta| meta.len()).unwrap_or(0);
    let mut header = [0u8; 100];
    if length < 100 || file.read_exact(&mut header).is_err() {
        return Ok(()); // Empty or tiny: SQLite says what it is.
    }
    if &header[..16] != b"SQLite format 3\0" {
        return Err(StoreError::Corrupt {
            path: shown,
            detail: "the file does not start with a SQLite header".into(),
        });
    }
    let page_size = match u32::from(u16::from_be_bytes([header[16], header[17]])) {
        1 => 65536,
        size => u64::from(size),
    };
    let pages = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    if pages > 0 && pages * page_size > length {
        return Err(StoreError::Corrupt {
            path: shown,
            detail: format!(
                "the file is {length} bytes but its header says {pages} pages of {page_size} \
                 bytes: it was cut short; restore it from a backup"
            ),
        });
    }
    Ok(())
}
