-- Upgrades a company database of schema version 1 to version 2, in the transaction that opens
-- it for writing (src/store/sqlite/migrate.rs). Version 2 stores which rule chose a G/L entry's
-- account once per rule (gl_entry_rule) instead of on every G/L entry; the view gl_entry keeps
-- the columns of version 1's table, so queries written for version 1 give the same rows.
-- It repeats schema.sql's definitions of the version-2 tables on purpose: an upgrade step is
-- frozen when it is written, while schema.sql moves on with later versions.

CREATE TABLE gl_entry_rule (
    rule_id       INTEGER PRIMARY KEY,
    rule_set_hash TEXT    NOT NULL REFERENCES rule_set_version (rule_set_hash),
    rule_file     TEXT    NOT NULL,
    rule_function TEXT    NOT NULL,
    rule_key      TEXT    NOT NULL,
    UNIQUE (rule_set_hash, rule_file, rule_function, rule_key)
) STRICT;

INSERT INTO gl_entry_rule (rule_set_hash, rule_file, rule_function, rule_key)
SELECT rule_set_hash, rule_file, rule_function, rule_key FROM gl_entry
GROUP BY rule_set_hash, rule_file, rule_function, rule_key ORDER BY MIN(entry_no);

CREATE TABLE gl_entry_data (
    entry_no             INTEGER PRIMARY KEY,
    transaction_no       INTEGER NOT NULL,
    register_no          INTEGER NOT NULL,
    posting_date         TEXT    NOT NULL,
    document_no          TEXT    NOT NULL,
    external_document_no TEXT,
    account_no           TEXT    NOT NULL,
    account_role         TEXT    NOT NULL,
    amount               INTEGER NOT NULL,
    dimension_set_id     INTEGER NOT NULL,
    description          TEXT    NOT NULL,
    rule_id              INTEGER NOT NULL REFERENCES gl_entry_rule (rule_id),
    batch_id             INTEGER NOT NULL REFERENCES posting_batch (batch_id)
) STRICT;

INSERT INTO gl_entry_data
SELECT g.entry_no, g.transaction_no, g.register_no, g.posting_date, g.document_no,
       g.external_document_no, g.account_no, g.account_role, g.amount, g.dimension_set_id,
       g.description, r.rule_id, g.batch_id
FROM gl_entry g JOIN gl_entry_rule r
  ON r.rule_set_hash = g.rule_set_hash AND r.rule_file = g.rule_file
 AND r.rule_function = g.rule_function AND r.rule_key = g.rule_key
ORDER BY g.entry_no;

DROP TRIGGER gl_entry_no_update;
DROP TRIGGER gl_entry_no_delete;
DROP INDEX gl_entry_by_account_date;
DROP TABLE gl_entry;

CREATE INDEX gl_entry_data_by_account_date ON gl_entry_data (account_no, posting_date);

CREATE VIEW gl_entry AS
SELECT g.entry_no, g.transaction_no, g.register_no, g.posting_date, g.document_no,
       g.external_document_no, g.account_no, g.account_role, g.amount, g.dimension_set_id,
       g.description, r.rule_set_hash, r.rule_file, r.rule_function, r.rule_key, g.batch_id
FROM gl_entry_data g JOIN gl_entry_rule r ON r.rule_id = g.rule_id;

CREATE TRIGGER gl_entry_data_no_update BEFORE UPDATE ON gl_entry_data
BEGIN SELECT RAISE(ABORT, 'gl_entry_data is append-only: post a correcting entry instead'); END;
CREATE TRIGGER gl_entry_data_no_delete BEFORE DELETE ON gl_entry_data
BEGIN SELECT RAISE(ABORT, 'gl_entry_data is append-only: post a correcting entry instead'); END;

CREATE TRIGGER gl_entry_rule_no_update BEFORE UPDATE ON gl_entry_rule
BEGIN SELECT RAISE(ABORT, 'gl_entry_rule is append-only: post a correcting entry instead'); END;
CREATE TRIGGER gl_entry_rule_no_delete BEFORE DELETE ON gl_entry_rule
BEGIN SELECT RAISE(ABORT, 'gl_entry_rule is append-only: post a correcting entry instead'); END;

DROP TRIGGER store_meta_no_update;
UPDATE store_meta SET schema_version = 2 WHERE id = 1;
CREATE TRIGGER store_meta_no_update BEFORE UPDATE ON store_meta
BEGIN SELECT RAISE(ABORT, 'store_meta is append-only: post a correcting entry instead'); END;
