-- stockpost company database, schema version 2 (version 1 is upgraded in place: upgrade_1_to_2.sql).
-- Documented for consultants in docs/store.md. Every table is STRICT: a column holds only its
-- declared type. Amounts are INTEGER minor units at store_meta.amount_scale (2: 12.34 is 1234);
-- quantities are INTEGER at store_meta.quantity_scale (5: 1.5 is 150000); a cost per unit is
-- decimal TEXT. Dates are ISO TEXT (YYYY-MM-DD). Flags are 0/1.

CREATE TABLE store_meta (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    application    TEXT    NOT NULL CHECK (application = 'stockpost'),
    schema_version INTEGER NOT NULL,
    company_id     TEXT    NOT NULL,
    amount_scale   INTEGER NOT NULL CHECK (amount_scale BETWEEN 0 AND 9),
    quantity_scale INTEGER NOT NULL CHECK (quantity_scale BETWEEN 0 AND 9),
    created_at     TEXT    NOT NULL
) STRICT;

-- Versions of the rule set and the configuration a batch ran under, with their full texts.
CREATE TABLE rule_set_version (
    rule_set_hash TEXT    PRIMARY KEY,
    file_count    INTEGER NOT NULL
) STRICT;

CREATE TABLE rule_set_file (
    rule_set_hash TEXT NOT NULL REFERENCES rule_set_version (rule_set_hash),
    file_name     TEXT NOT NULL,
    text          TEXT NOT NULL,
    PRIMARY KEY (rule_set_hash, file_name)
) STRICT;

CREATE TABLE config_version (
    config_hash TEXT    PRIMARY KEY,
    file_count  INTEGER NOT NULL
) STRICT;

CREATE TABLE config_file (
    config_hash TEXT NOT NULL REFERENCES config_version (config_hash),
    file_name   TEXT NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY (config_hash, file_name)
) STRICT;

-- Journals as received.
CREATE TABLE journal (
    journal_id   INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL,
    content_hash TEXT    NOT NULL UNIQUE,
    text         TEXT    NOT NULL,
    line_count   INTEGER NOT NULL
) STRICT;

CREATE TABLE journal_line (
    journal_id INTEGER NOT NULL REFERENCES journal (journal_id),
    line_no    INTEGER NOT NULL,
    text       TEXT    NOT NULL,
    PRIMARY KEY (journal_id, line_no)
) STRICT, WITHOUT ROWID;

CREATE TABLE journal_document (
    journal_id  INTEGER NOT NULL REFERENCES journal (journal_id),
    line_type   TEXT    NOT NULL,
    document_no TEXT    NOT NULL,
    PRIMARY KEY (journal_id, line_type, document_no)
) STRICT, WITHOUT ROWID;

CREATE INDEX journal_document_by_document ON journal_document (line_type, document_no);

-- One row per command that changed the books.
CREATE TABLE posting_batch (
    batch_id                 INTEGER PRIMARY KEY,
    command                  TEXT    NOT NULL,
    command_json             TEXT    NOT NULL,
    journal_id               INTEGER REFERENCES journal (journal_id),
    rule_set_hash            TEXT    NOT NULL REFERENCES rule_set_version (rule_set_hash),
    config_hash              TEXT    NOT NULL REFERENCES config_version (config_hash),
    committed_at             TEXT    NOT NULL,
    chain_hash               TEXT    NOT NULL,
    item_ledger_entries      INTEGER NOT NULL,
    value_entries            INTEGER NOT NULL,
    item_application_entries INTEGER NOT NULL,
    gl_entries               INTEGER NOT NULL,
    gl_relations             INTEGER NOT NULL,
    gl_registers             INTEGER NOT NULL,
    dimension_sets           INTEGER NOT NULL
) STRICT;

-- The duplicate-journal lookups join batches by journal: without this index every lookup scans
-- every batch (quadratic over a history posted in many batches).
CREATE INDEX posting_batch_by_journal ON posting_batch (journal_id);

CREATE TABLE dimension_set_entry (
    dimension_set_id     INTEGER NOT NULL,
    dimension_code       TEXT    NOT NULL,
    dimension_value_code TEXT    NOT NULL,
    batch_id             INTEGER NOT NULL REFERENCES posting_batch (batch_id),
    PRIMARY KEY (dimension_set_id, dimension_code)
) STRICT, WITHOUT ROWID;

CREATE TABLE item_ledger_entry (
    entry_no              INTEGER PRIMARY KEY,
    item_no               TEXT    NOT NULL,
    location_code         TEXT    NOT NULL,
    variant_code          TEXT    NOT NULL,
    posting_date          TEXT    NOT NULL,
    entry_type            TEXT    NOT NULL,
    document_no           TEXT    NOT NULL,
    external_document_no  TEXT,
    serial_no             TEXT,
    quantity              INTEGER NOT NULL,
    applies_to_entry      INTEGER,
    gen_bus_posting_group TEXT    NOT NULL,
    dimension_set_id      INTEGER NOT NULL,
    source_file           TEXT    NOT NULL,
    source_line           INTEGER NOT NULL,
    batch_id              INTEGER NOT NULL REFERENCES posting_batch (batch_id)
) STRICT;

CREATE INDEX item_ledger_entry_by_item_date ON item_ledger_entry (item_no, posting_date);

CREATE TABLE item_ledger_entry_status (
    entry_no                 INTEGER PRIMARY KEY REFERENCES item_ledger_entry (entry_no),
    remaining_quantity       INTEGER NOT NULL,
    invoiced_quantity        INTEGER NOT NULL,
    completely_invoiced      INTEGER NOT NULL,
    last_invoice_date        TEXT,
    applied_entry_to_adjust  INTEGER NOT NULL,
    shipped_qty_not_returned INTEGER NOT NULL,
    open                     INTEGER GENERATED ALWAYS AS (remaining_quantity <> 0) VIRTUAL,
    batch_id                 INTEGER NOT NULL REFERENCES posting_batch (batch_id)
) STRICT;

CREATE TABLE value_entry (
    entry_no                   INTEGER PRIMARY KEY,
    item_no                    TEXT    NOT NULL,
    item_ledger_entry_no       INTEGER NOT NULL,
    item_ledger_entry_type     TEXT    NOT NULL,
    entry_type                 TEXT    NOT NULL,
    variance_type              TEXT,
    posting_date               TEXT    NOT NULL,
    expected_cost              INTEGER NOT NULL,
    valued_quantity            INTEGER NOT NULL,
    invoiced_quantity          INTEGER NOT NULL,
    item_ledger_entry_quantity INTEGER NOT NULL,
    cost_per_unit              TEXT    NOT NULL,
    cost_amount_expected       INTEGER NOT NULL,
    cost_amount_actual         INTEGER NOT NULL,
    cost_amount_non_invtbl     INTEGER NOT NULL,
    sales_amount_expected      INTEGER NOT NULL,
    sales_amount_actual        INTEGER NOT NULL,
    purchase_amount_expected   INTEGER NOT NULL,
    purchase_amount_actual     INTEGER NOT NULL,
    adjustment                 INTEGER NOT NULL,
    applies_to_entry           INTEGER,
    valued_by_average_cost     INTEGER NOT NULL,
    partial_revaluation        INTEGER NOT NULL,
    inventoriable              INTEGER NOT NULL,
    item_charge_no             TEXT,
    location_code              TEXT    NOT NULL,
    variant_code               TEXT    NOT NULL,
    inventory_posting_group    TEXT    NOT NULL,
    gen_bus_posting_group      TEXT    NOT NULL,
    gen_prod_posting_group     TEXT    NOT NULL,
    document_no                TEXT    NOT NULL,
    external_document_no       TEXT,
    dimension_set_id           INTEGER NOT NULL,
    source_file                TEXT    NOT NULL,
    source_line                INTEGER NOT NULL,
    batch_id                   INTEGER NOT NULL REFERENCES posting_batch (batch_id)
) STRICT;

CREATE INDEX value_entry_by_item_ledger_entry ON value_entry (item_ledger_entry_no);

CREATE TABLE value_entry_status (
    entry_no                   INTEGER PRIMARY KEY REFERENCES value_entry (entry_no),
    valuation_date             TEXT    NOT NULL,
    expected_cost_posted_to_gl INTEGER NOT NULL,
    cost_posted_to_gl          INTEGER NOT NULL,
    batch_id                   INTEGER NOT NULL REFERENCES posting_batch (batch_id)
) STRICT;

CREATE TABLE item_application_entry (
    entry_no                  INTEGER PRIMARY KEY,
    item_ledger_entry_no      INTEGER NOT NULL,
    inbound_item_entry_no     INTEGER NOT NULL,
    outbound_item_entry_no    INTEGER NOT NULL,
    quantity                  INTEGER NOT NULL,
    posting_date              TEXT    NOT NULL,
    transferred_from_entry_no INTEGER,
    cost_application          INTEGER NOT NULL,
    fixed                     INTEGER NOT NULL,
    batch_id                  INTEGER NOT NULL REFERENCES posting_batch (batch_id)
) STRICT;

CREATE TABLE gl_register (
    register_no   INTEGER PRIMARY KEY,
    source        TEXT    NOT NULL,
    from_entry_no INTEGER NOT NULL,
    to_entry_no   INTEGER NOT NULL,
    batch_id      INTEGER NOT NULL REFERENCES posting_batch (batch_id)
) STRICT;

-- Which rule chose the account of G/L entries: each (rule set, file, function, key) once,
-- referred to by the G/L entries it chose (was repeated on every G/L entry, 58% of a database).
CREATE TABLE gl_entry_rule (
    rule_id       INTEGER PRIMARY KEY,
    rule_set_hash TEXT    NOT NULL REFERENCES rule_set_version (rule_set_hash),
    rule_file     TEXT    NOT NULL,
    rule_function TEXT    NOT NULL,
    rule_key      TEXT    NOT NULL,
    UNIQUE (rule_set_hash, rule_file, rule_function, rule_key)
) STRICT;

-- The G/L entries as stored; read them through the view gl_entry, which names the rule.
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

CREATE INDEX gl_entry_data_by_account_date ON gl_entry_data (account_no, posting_date);

CREATE VIEW gl_entry AS
SELECT g.entry_no, g.transaction_no, g.register_no, g.posting_date, g.document_no,
       g.external_document_no, g.account_no, g.account_role, g.amount, g.dimension_set_id,
       g.description, r.rule_set_hash, r.rule_file, r.rule_function, r.rule_key, g.batch_id
FROM gl_entry_data g JOIN gl_entry_rule r ON r.rule_id = g.rule_id;

CREATE TABLE gl_item_ledger_relation (
    relation_no    INTEGER PRIMARY KEY,
    gl_entry_no    INTEGER NOT NULL,
    value_entry_no INTEGER NOT NULL,
    register_no    INTEGER NOT NULL,
    batch_id       INTEGER NOT NULL REFERENCES posting_batch (batch_id)
) STRICT;

-- Value entries waiting for "post inventory cost to G/L"; a row leaves when it is posted.
CREATE TABLE gl_posting_queue (
    value_entry_no INTEGER PRIMARY KEY REFERENCES value_entry (entry_no),
    batch_id       INTEGER NOT NULL REFERENCES posting_batch (batch_id)
) STRICT;

CREATE TABLE reconciliation_summary (
    batch_id         INTEGER PRIMARY KEY REFERENCES posting_batch (batch_id),
    reconciled       INTEGER NOT NULL,
    differing_cells  INTEGER NOT NULL,
    total_difference INTEGER NOT NULL
) STRICT;

-- Append-only tables: the database itself refuses to change or remove their rows.

CREATE TRIGGER store_meta_no_update BEFORE UPDATE ON store_meta
BEGIN SELECT RAISE(ABORT, 'store_meta is append-only: post a correcting entry instead'); END;
CREATE TRIGGER store_meta_no_delete BEFORE DELETE ON store_meta
BEGIN SELECT RAISE(ABORT, 'store_meta is append-only: post a correcting entry instead'); END;

CREATE TRIGGER rule_set_version_no_update BEFORE UPDATE ON rule_set_version
BEGIN SELECT RAISE(ABORT, 'rule_set_version is append-only: post a correcting entry instead'); END;
CREATE TRIGGER rule_set_version_no_delete BEFORE DELETE ON rule_set_version
BEGIN SELECT RAISE(ABORT, 'rule_set_version is append-only: post a correcting entry instead'); END;

CREATE TRIGGER rule_set_file_no_update BEFORE UPDATE ON rule_set_file
BEGIN SELECT RAISE(ABORT, 'rule_set_file is append-only: post a correcting entry instead'); END;
CREATE TRIGGER rule_set_file_no_delete BEFORE DELETE ON rule_set_file
BEGIN SELECT RAISE(ABORT, 'rule_set_file is append-only: post a correcting entry instead'); END;

CREATE TRIGGER config_version_no_update BEFORE UPDATE ON config_version
BEGIN SELECT RAISE(ABORT, 'config_version is append-only: post a correcting entry instead'); END;
CREATE TRIGGER config_version_no_delete BEFORE DELETE ON config_version
BEGIN SELECT RAISE(ABORT, 'config_version is append-only: post a correcting entry instead'); END;

CREATE TRIGGER config_file_no_update BEFORE UPDATE ON config_file
BEGIN SELECT RAISE(ABORT, 'config_file is append-only: post a correcting entry instead'); END;
CREATE TRIGGER config_file_no_delete BEFORE DELETE ON config_file
BEGIN SELECT RAISE(ABORT, 'config_file is append-only: post a correcting entry instead'); END;

CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'journal is append-only: post a correcting entry instead'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'journal is append-only: post a correcting entry instead'); END;

CREATE TRIGGER journal_line_no_update BEFORE UPDATE ON journal_line
BEGIN SELECT RAISE(ABORT, 'journal_line is append-only: post a correcting entry instead'); END;
CREATE TRIGGER journal_line_no_delete BEFORE DELETE ON journal_line
BEGIN SELECT RAISE(ABORT, 'journal_line is append-only: post a correcting entry instead'); END;

CREATE TRIGGER journal_document_no_update BEFORE UPDATE ON journal_document
BEGIN SELECT RAISE(ABORT, 'journal_document is append-only: post a correcting entry instead'); END;
CREATE TRIGGER journal_document_no_delete BEFORE DELETE ON journal_document
BEGIN SELECT RAISE(ABORT, 'journal_document is append-only: post a correcting entry instead'); END;

CREATE TRIGGER posting_batch_no_update BEFORE UPDATE ON posting_batch
BEGIN SELECT RAISE(ABORT, 'posting_batch is append-only: post a correcting entry instead'); END;
CREATE TRIGGER posting_batch_no_delete BEFORE DELETE ON posting_batch
BEGIN SELECT RAISE(ABORT, 'posting_batch is append-only: post a correcting entry instead'); END;

CREATE TRIGGER dimension_set_entry_no_update BEFORE UPDATE ON dimension_set_entry
BEGIN SELECT RAISE(ABORT, 'dimension_set_entry is append-only: post a correcting entry instead'); END;
CREATE TRIGGER dimension_set_entry_no_delete BEFORE DELETE ON dimension_set_entry
BEGIN SELECT RAISE(ABORT, 'dimension_set_entry is append-only: post a correcting entry instead'); END;

CREATE TRIGGER item_ledger_entry_no_update BEFORE UPDATE ON item_ledger_entry
BEGIN SELECT RAISE(ABORT, 'item_ledger_entry is append-only: post a correcting entry instead'); END;
CREATE TRIGGER item_ledger_entry_no_delete BEFORE DELETE ON item_ledger_entry
BEGIN SELECT RAISE(ABORT, 'item_ledger_entry is append-only: post a correcting entry instead'); END;

CREATE TRIGGER value_entry_no_update BEFORE UPDATE ON value_entry
BEGIN SELECT RAISE(ABORT, 'value_entry is append-only: post a correcting entry instead'); END;
CREATE TRIGGER value_entry_no_delete BEFORE DELETE ON value_entry
BEGIN SELECT RAISE(ABORT, 'value_entry is append-only: post a correcting entry instead'); END;

CREATE TRIGGER item_application_entry_no_update BEFORE UPDATE ON item_application_entry
BEGIN SELECT RAISE(ABORT, 'item_application_entry is append-only: post a correcting entry instead'); END;
CREATE TRIGGER item_application_entry_no_delete BEFORE DELETE ON item_application_entry
BEGIN SELECT RAISE(ABORT, 'item_application_entry is append-only: post a correcting entry instead'); END;

CREATE TRIGGER gl_register_no_update BEFORE UPDATE ON gl_register
BEGIN SELECT RAISE(ABORT, 'gl_register is append-only: post a correcting entry instead'); END;
CREATE TRIGGER gl_register_no_delete BEFORE DELETE ON gl_register
BEGIN SELECT RAISE(ABORT, 'gl_register is append-only: post a correcting entry instead'); END;

CREATE TRIGGER gl_entry_data_no_update BEFORE UPDATE ON gl_entry_data
BEGIN SELECT RAISE(ABORT, 'gl_entry_data is append-only: post a correcting entry instead'); END;
CREATE TRIGGER gl_entry_data_no_delete BEFORE DELETE ON gl_entry_data
BEGIN SELECT RAISE(ABORT, 'gl_entry_data is append-only: post a correcting entry instead'); END;

CREATE TRIGGER gl_entry_rule_no_update BEFORE UPDATE ON gl_entry_rule
BEGIN SELECT RAISE(ABORT, 'gl_entry_rule is append-only: post a correcting entry instead'); END;
CREATE TRIGGER gl_entry_rule_no_delete BEFORE DELETE ON gl_entry_rule
BEGIN SELECT RAISE(ABORT, 'gl_entry_rule is append-only: post a correcting entry instead'); END;

CREATE TRIGGER gl_item_ledger_relation_no_update BEFORE UPDATE ON gl_item_ledger_relation
BEGIN SELECT RAISE(ABORT, 'gl_item_ledger_relation is append-only: post a correcting entry instead'); END;
CREATE TRIGGER gl_item_ledger_relation_no_delete BEFORE DELETE ON gl_item_ledger_relation
BEGIN SELECT RAISE(ABORT, 'gl_item_ledger_relation is append-only: post a correcting entry instead'); END;
