//! The embedded store: one SQLite database per company (rusqlite, bundled SQLite).
//!
//! Every open sets its pragmas explicitly: WAL journal with `synchronous=FULL` (a committed batch
//! survives a crash or a power loss), foreign keys on, a busy timeout. A batch is one
//! `BEGIN IMMEDIATE` transaction. The schema is `schema.sql`; `docs/store.md` explains it.

mod errors;
mod migrate;
mod read;
mod write;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::rows::{Scales, QUANTITY_SCALE};
use super::{
    BatchId, BooksDelta, CompanyStore, EntryTable, JournalText, NewBatch, PostedJournal, Row,
    SourceSet, StoreError, StoreHead, StoredBatch,
};

pub use errors::classify;
pub use write::chain_hash;

/// The schema version this stockpost writes; older versions are read as they are and upgraded
/// when opened for writing (`migrate`).
pub const SCHEMA_VERSION: u32 = 2;

/// The schema, applied once when a company database is created.
const SCHEMA_SQL: &str = include_str!("schema.sql");

/// How to open a company database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenOptions {
    /// How long to wait for another process's write transaction before giving up.
    pub busy_timeout_ms: u64,
    /// Open for reading only (commands that only read; a read-only file or folder).
    pub read_only: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            busy_timeout_ms: 5000,
            read_only: false,
        }
    }
}

/// A company database.
#[derive(Debug)]
pub struct SqliteStore {
    connection: Connection,
    path: String,
    options: OpenOptions,
    company_id: String,
    scales: Scales,
    /// [`SCHEMA_VERSION`], or an older version when opened read-only.
    schema_version: u32,
}

impl SqliteStore {
    /// Creates a new company database at `path`; refuses when the file exists.
    pub fn create(
        path: impl AsRef<Path>,
        company_id: &str,
        amount_scale: u32,
    ) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        if amount_scale > 9 {
            return Err(StoreError::Sqlite {
                path: shown,
                detail: format!("amount scale {amount_scale} is above 9 decimals"),
            });
        }
        create_empty_file(path)?;
        let created = initialise(path, company_id, amount_scale);
        if created.is_err() {
            remove_database_files(path);
        }
        created?;
        SqliteStore::open(path)
    }

    /// Opens an existing company database for reading and writing; never creates one.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        SqliteStore::open_with(path, OpenOptions::default())
    }

    /// Opens an existing company database with `options`; never creates one.
    pub fn open_with(
        path: impl AsRef<Path>,
        options: OpenOptions,
    ) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        match std::fs::metadata(path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::Missing { path: shown })
            }
            Err(error) => {
                return Err(StoreError::Sqlite {
                    path: shown,
                    detail: error.to_string(),
                })
            }
            Ok(meta) if meta.is_dir() => {
                return Err(StoreError::NotACompany {
                    path: shown,
                    detail: "it is a folder".into(),
                })
            }
            Ok(_) => {}
        }
        errors::check_not_truncated(path)?;
        let mut connection = connect(path, options)?;
        let (company_id, scales, mut schema_version) = read_meta(&connection, &shown, options)?;
        if schema_version < SCHEMA_VERSION && !options.read_only {
            migrate::upgrade(&mut connection).map_err(|error| {
                match classify(&shown, options.busy_timeout_ms, error) {
                    // Locked and read-only already say what to do; anything else says what
                    // was being done, and that nothing of it was kept.
                    StoreError::Sqlite { path, detail } => StoreError::Sqlite {
                        path,
                        detail: format!(
                            "upgrading it from schema version {schema_version} to \
                             {SCHEMA_VERSION} failed, and nothing was changed: {detail}; free \
                             disk space or restore a backup, then run the command again (read-only \
                             commands read version {schema_version} as it is)"
                        ),
                    },
                    other => other,
                }
            })?;
            schema_version = SCHEMA_VERSION;
        }
        Ok(SqliteStore {
            connection,
            path: shown,
            options,
            company_id,
            scales,
            schema_version,
        })
    }

    /// The database file, as shown in messages.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The company id given at creation.
    pub fn company_id(&self) -> &str {
        &self.company_id
    }

    /// The scales of the INTEGER amount and quantity columns (what [`super::rows::rows_of`]
    /// needs to compare a replay with this store).
    pub fn scales(&self) -> Scales {
        self.scales
    }

    /// Runs `read` inside one read transaction, so that every query it makes sees the same
    /// state of the store, whatever other writers commit meanwhile (WAL snapshot isolation).
    pub fn read_consistently<T>(&self, read: impl FnOnce() -> T) -> Result<T, StoreError> {
        self.connection
            .execute_batch("BEGIN DEFERRED")
            .map_err(|error| self.error(error))?;
        let result = read();
        // A read transaction has nothing to keep; ending it cannot lose anything.
        let _ = self.connection.execute_batch("COMMIT");
        Ok(result)
    }

    /// The raw connection, for tests and tools that query the database directly.
    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    fn error(&self, error: rusqlite::Error) -> StoreError {
        classify(&self.path, self.options.busy_timeout_ms, error)
    }
}

fn create_empty_file(path: &Path) -> Result<(), StoreError> {
    let shown = path.display().to_string();
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(StoreError::Exists { path: shown })
        }
        Err(error) if error.kind() == std::io::ErrorKind::PermissionDenied => {
            Err(StoreError::ReadOnly {
                path: shown,
                detail: format!("cannot create the file: {error}"),
            })
        }
        Err(error) => Err(StoreError::Sqlite {
            path: shown,
            detail: format!("cannot create the file: {error}"),
        }),
    }
}

fn initialise(path: &Path, company_id: &str, amount_scale: u32) -> Result<(), StoreError> {
    let shown = path.display().to_string();
    let options = OpenOptions::default();
    let fail = |error| classify(&shown, options.busy_timeout_ms, error);
    let mut connection = connect(path, options)?;
    let transaction = connection.transaction().map_err(fail)?;
    transaction.execute_batch(SCHEMA_SQL).map_err(fail)?;
    transaction
        .execute(
            "INSERT INTO store_meta (id, application, schema_version, company_id, amount_scale, \
             quantity_scale, created_at) VALUES (1, 'stockpost', ?1, ?2, ?3, ?4, \
             strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            (SCHEMA_VERSION, company_id, amount_scale, QUANTITY_SCALE),
        )
        .map_err(fail)?;
    transaction.commit().map_err(fail)
}

fn remove_database_files(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        // Best effort: the file was made by this call and holds nothing yet.
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// Opens the file (never creating it) and sets the pragmas.
fn connect(path: &Path, options: OpenOptions) -> Result<Connection, StoreError> {
    let shown = path.display().to_string();
    let fail = |error| classify(&shown, options.busy_timeout_ms, error);
    let access = if options.read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    };
    let flags = access | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut connection = Connection::open_with_flags(path, flags).map_err(fail)?;
    if options.read_only && !can_read(&connection) {
        // A WAL database in a folder this user may not write: SQLite cannot create the -shm
        // file a reader needs. Nobody is writing it through this folder, so it is read as an
        // immutable file, provided no -wal file holds changes not yet merged into it.
        connection = open_immutable(path).map_err(fail)?;
    }
    connection
        .busy_timeout(std::time::Duration::from_millis(options.busy_timeout_ms))
        .map_err(fail)?;
    if !options.read_only && connection.is_readonly(rusqlite::MAIN_DB).map_err(fail)? {
        return Err(StoreError::ReadOnly {
            path: shown,
            detail: "this user cannot write the file".into(),
        });
    }
    set_pragmas(&connection, options).map_err(fail)?;
    // A batch uses about 25 distinct statements; keep them all prepared between batches.
    connection.set_prepared_statement_cache_capacity(64);
    Ok(connection)
}

/// Whether a read-only connection can read the schema.
fn can_read(connection: &Connection) -> bool {
    connection
        .query_row("SELECT count(*) FROM sqlite_master", [], |row| {
            row.get::<_, i64>(0)
        })
        .is_ok()
}

/// `path` opened as an immutable file (no locks, no -shm), unless its -wal file holds data.
fn open_immutable(path: &Path) -> rusqlite::Result<Connection> {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    if std::fs::metadata(&wal).is_ok_and(|meta| meta.len() > 0) {
        return Err(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            Some(
                "its -wal file holds changes not merged into the database yet, and the folder \
                 cannot be written; ask someone who may write it to run any stockpost command \
                 there once"
                    .to_string(),
            ),
        ));
    }
    let mut uri = String::from("file:");
    for byte in path.as_os_str().as_encoded_bytes() {
        match byte {
            b'?' | b'#' | b'%' => uri.push_str(&format!("%{byte:02X}")),
            _ => uri.push(*byte as char),
        }
    }
    uri.push_str("?immutable=1");
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(uri, flags)
}

fn set_pragmas(connection: &Connection, options: OpenOptions) -> rusqlite::Result<()> {
    if !options.read_only {
        let mode: String =
            connection.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
                Some(format!("the journal mode stayed {mode}; WAL is needed")),
            ));
        }
    }
    connection.execute_batch(
        "PRAGMA synchronous = FULL;
         PRAGMA foreign_keys = ON;
         PRAGMA cache_size = -65536;
         PRAGMA temp_store = MEMORY;
         PRAGMA wal_autocheckpoint = 16384;",
    )
}

/// Checks that the file is a stockpost company of a schema this build reads; returns its
/// company id and scales.
fn read_meta(
    connection: &Connection,
    path: &str,
    options: OpenOptions,
) -> Result<(String, Scales, u32), StoreError> {
    let fail = |error| classify(path, options.busy_timeout_ms, error);
    let has_meta: Option<i64> = connection
        .query_row(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'store_meta'",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(fail)?;
    if has_meta.is_none() {
        return Err(StoreError::NotACompany {
            path: path.to_string(),
            detail: "it has no store_meta table".into(),
        });
    }
    let meta = connection
        .query_row(
            "SELECT application, schema_version, company_id, amount_scale, quantity_scale \
             FROM store_meta WHERE id = 1",
            [],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, u32>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, u32>(3)?,
                    row.get::<_, u32>(4)?,
                ))
            },
        )
        .optional()
        .map_err(
            |error| match classify(path, options.busy_timeout_ms, error) {
                StoreError::Sqlite { detail, .. } => StoreError::NotACompany {
                    path: path.to_string(),
                    detail: format!("its store_meta table cannot be read: {detail}"),
                },
                other => other,
            },
        )?;
    let Some((application, schema_version, company_id, amount, quantity)) = meta else {
        return Err(StoreError::NotACompany {
            path: path.to_string(),
            detail: "its store_meta table is empty".into(),
        });
    };
    if application != "stockpost" {
        return Err(StoreError::NotACompany {
            path: path.to_string(),
            detail: format!("store_meta names the application {application}"),
        });
    }
    if !(migrate::OLDEST_UPGRADABLE..=SCHEMA_VERSION).contains(&schema_version) {
        return Err(StoreError::SchemaVersion {
            path: path.to_string(),
            found: schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    let scales = Scales { amount, quantity };
    Ok((company_id, scales, schema_version))
}

impl CompanyStore for SqliteStore {
    fn head(&self) -> Result<StoreHead, StoreError> {
        Ok(StoreHead {
            company_id: self.company_id.clone(),
            schema_version: self.schema_version,
            last_batch: self.last_batch()?,
        })
    }

    fn find_posted_journal(
        &self,
        journal: &JournalText,
    ) -> Result<Option<PostedJournal>, StoreError> {
        self.find_journal(journal)
    }

    fn commit_batch(
        &mut self,
        batch: &NewBatch<'_>,
        delta: &BooksDelta<'_>,
    ) -> Result<BatchId, StoreError> {
        self.write_batch(batch, delta)
    }

    fn batches_after(
        &self,
        after: BatchId,
        visit: &mut dyn FnMut(StoredBatch) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.visit_batches(after, visit)
    }

    fn rule_set(&self, hash: &str) -> Result<Option<SourceSet>, StoreError> {
        self.source_set("rule_set_version", "rule_set_file", "rule_set_hash", hash)
    }

    fn config(&self, hash: &str) -> Result<Option<SourceSet>, StoreError> {
        self.source_set("config_version", "config_file", "config_hash", hash)
    }

    fn read_rows(
        &self,
        table: EntryTable,
        visit: &mut dyn FnMut(Row) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.visit_rows(table, visit)
    }
}
