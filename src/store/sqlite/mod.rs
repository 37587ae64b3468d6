//! The embedded store: one SQLite database per company (rusqlite, bundled SQLite).
