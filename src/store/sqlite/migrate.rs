//! Upgrading a company database written by an earlier stockpost, in place, when it is opened for
//! writing. Each step is one SQL script run in one `BEGIN IMMEDIATE` transaction that re-reads
//! the version first, so two processes opening the same old database upgrade it once.
//!
//! Reading needs no upgrade: every version keeps the tables and views of the one before with the
//! same columns (version 2's view `gl_entry` has version 1's columns), so a read-only open of an
//! older database reads it as it is.

use rusqlite::Connection;

use super::SCHEMA_VERSION;

/// Version 1 to 2: the rule that chose a G/L entry's account stored once per rule.
const UPGRADE_1_TO_2: &str = include_str!("upgrade_1_to_2.sql");

/// The oldest version this stockpost upgrades.
pub const OLDEST_UPGRADABLE: u32 = 1;

/// Brings the database to [`SCHEMA_VERSION`]; returns the version it had.
pub fn upgrade(connection: &mut Connection) -> rusqlite::Result<u32> {
    let transaction =
        connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let found: u32 = transaction.query_row(
        "SELECT schema_version FROM store_meta WHERE id = 1",
        [],
        |row| row.get(0),
    )?;
    let mut version = found;
    while version < SCHEMA_VERSION {
        let script = match version {
            1 => UPGRADE_1_TO_2,
            _ => unreachable!("versions below {OLDEST_UPGRADABLE} are refused before"),
        };
        transaction.execute_batch(script)?;
        version += 1;
    }
    transaction.commit()?;
    Ok(found)
}
