//! `stockpost status`: what a company's store holds and what waits.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use stockpost::company::StoredCompany;
use stockpost::ledger::ItemId;
use stockpost::watch::status::WatchStatus;

use super::failure::CliError;
use super::inputs::{write_stdout, Format};
use super::post::finish;
use super::stored::{company_folder, open};

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str = "What a company's store holds and what waits: the batches \
    stored, the entries per table, the value entries waiting in the G/L queue, the items \
    waiting for cost adjustment, the reconciliation of the inventory accounts, whether the \
    rules or configuration in the folder changed since the last batch, and how the books were \
    restored (snapshot and batches replayed). Nothing is written.\n\n\
    Examples:\n  \
    stockpost status --company acme\n  \
    stockpost status --format json\n\n\
    Exit status: 0 ok; 2 usage or input error; 3 the store cannot be read.";

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Company folder [default: the current folder]
    #[arg(long, value_name = "DIR")]
    pub company: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// What `stockpost status` prints (also its JSON document).
#[derive(Debug, Serialize)]
pub struct CompanyStatus {
    pub company: String,
    pub folder: String,
    pub company_id: String,
    pub schema_version: u32,
    pub batches: u64,
    pub last_batch: Option<LastBatch>,
    pub item_ledger_entries: u64,
    pub value_entries: u64,
    pub item_application_entries: u64,
    pub gl_entries: u64,
    pub gl_queue: u64,
    pub items_waiting_for_adjustment: Vec<String>,
    pub reconciled: bool,
    pub reconciliation_differing_cells: u64,
    pub reconciliation_total_difference: rust_decimal::Decimal,
    pub rule_set_hash: String,
    pub rules_changed_since_last_batch: bool,
    pub config_changed_since_last_batch: bool,
    pub snapshot_batch: Option<u64>,
    pub batches_replayed_on_open: u64,
    /// Why the snapshot was not used, when there is one that was not.
    pub snapshot_note: Option<String>,
    /// Set when the folder's rules or configuration do not load (the books are read under the
    /// last stored batch's).
    pub definition_note: Option<String>,
    /// The status file of `stockpost watch`, when one ran on this company.
    pub watch: Option<WatchSection>,
}

/// What `stockpost watch` last wrote about itself.
#[derive(Debug, Serialize)]
pub struct WatchSection {
    /// Whether the process that wrote the status file still runs.
    pub running: bool,
    #[serde(flatten)]
    pub status: WatchStatus,
}

#[derive(Debug, Serialize)]
pub struct LastBatch {
    pub batch_id: u64,
    pub command: String,
    pub committed_at: String,
    pub chain_hash: String,
}

pub fn run(args: &StatusArgs) -> ExitCode {
    finish(status(args))
}

fn status(args: &StatusArgs) -> Result<Vec<String>, CliError> {
    let folder = company_folder(args.company.as_deref());
    let session = open(&folder, true)?;
    let status = company_status(&session);
    write_stdout(&match args.format {
        Format::Json => format!("{:#}\n", serde_json::json!(status)),
        Format::Csv => render_csv(&status),
        Format::Table => render_text(&status),
    })?;
    Ok(Vec::new())
}

fn company_status(session: &StoredCompany) -> CompanyStatus {
    let books = session.books();
    let ledger = &books.ledger;
    let head = session.head();
    let marks = session.marks();
    let mut waiting: Vec<String> = (0..ledger.config().items.len())
        .map(|index| ItemId(index as u32))
        .filter(|&item| {
            !ledger.item_cost_state(item).cost_is_adjusted
                || !ledger.applied_entries_to_adjust_of(item).is_empty()
        })
        .map(|item| ledger.item_no(item).to_string())
        .collect();
    waiting.sort();
    let summary = session.reconciliation_summary();
    let last = head.last_batch.as_ref();
    let (replayed, snapshot_batch) = session.restore_work();
    CompanyStatus {
        company: ledger.config().name.clone(),
        folder: session.folder().display().to_string(),
        company_id: head.company_id.clone(),
        schema_version: head.schema_version,
        batches: last.map_or(0, |batch| batch.batch_id),
        last_batch: last.map(|batch| LastBatch {
            batch_id: batch.batch_id,
            command: batch.command.name().to_string(),
            committed_at: batch.committed_at.clone(),
            chain_hash: batch.chain_hash.clone(),
        }),
        item_ledger_entries: marks.item_ledger_entries,
        value_entries: marks.value_entries,
        item_application_entries: marks.item_application_entries,
        gl_entries: marks.gl_entries,
        gl_queue: books.general_ledger.queue().len() as u64,
        items_waiting_for_adjustment: waiting,
        reconciled: summary.reconciled,
        reconciliation_differing_cells: summary.differing_cells,
        reconciliation_total_difference: summary.total_difference,
        rule_set_hash: session.company().rule_set_hash.clone(),
        rules_changed_since_last_batch: last
            .is_some_and(|batch| batch.rule_set_hash != session.company().rule_set_hash),
        config_changed_since_last_batch: last
            .is_some_and(|batch| batch.config_hash != session.company().config_hash),
        snapshot_batch,
        batches_replayed_on_open: replayed,
        snapshot_note: session.snapshot_note().map(str::to_string),
        definition_note: session.definition_note().map(str::to_string),
        watch: WatchStatus::read(session.folder()).map(|status| WatchSection {
            running: status.process_alive(),
            status,
        }),
    }
}

fn render_text(status: &CompanyStatus) -> String {
    let mut out = format!(
        "{} ({}, company id {}, schema {})\n",
        status.company, status.folder, status.company_id, status.schema_version
    );
    match &status.last_batch {
        Some(batch) => {
            out += &format!(
                "{} batches stored; the last: {} {} at {}\n",
                status.batches, batch.batch_id, batch.command, batch.committed_at
            )
        }
        None => out += "no batch stored yet\n",
    }
    out += &format!(
        "entries: {} item ledger, {} value, {} item application, {} G/L\n",
        status.item_ledger_entries,
        status.value_entries,
        status.item_application_entries,
        status.gl_entries
    );
    out += &format!(
        "G/L queue: {} value entries waiting for `stockpost post-cost`\n",
        status.gl_queue
    );
    out += &match status.items_waiting_for_adjustment.len() {
        0 => "cost adjustment: every item is adjusted\n".to_string(),
        n => format!(
            "cost adjustment: {n} items wait for `stockpost adjust`: {}\n",
            status.items_waiting_for_adjustment.join(", ")
        ),
    };
    out += &if status.reconciled {
        "reconciliation: the inventory accounts reconcile with the sub-ledger\n".to_string()
    } else {
        format!(
            "reconciliation: NOT reconciled, {} cells differ by {} in all \
             (`stockpost reconcile` explains why)\n",
            status.reconciliation_differing_cells, status.reconciliation_total_difference
        )
    };
    out += &format!("rule set {}", status.rule_set_hash);
    if status.rules_changed_since_last_batch {
        out += " (changed since the last batch: the next batch stores it)";
    }
    out += "\n";
    if status.config_changed_since_last_batch {
        out += "configuration: changed since the last batch (the next batch stores it)\n";
    }
    out += &match status.snapshot_batch {
        Some(batch) => format!(
            "opened from the snapshot after batch {batch}, {} batches replayed\n",
            status.batches_replayed_on_open
        ),
        None => format!(
            "opened by replaying {} batches (no snapshot)\n",
            status.batches_replayed_on_open
        ),
    };
    if let Some(note) = &status.snapshot_note {
        out += &format!("{note}\n");
    }
    if let Some(note) = &status.definition_note {
        out += &format!("note: {note}\n");
    }
    if let Some(watch) = &status.watch {
        out += &watch_text(watch);
    }
    out
}

fn watch_text(watch: &WatchSection) -> String {
    let status = &watch.status;
    let mut out = if watch.running {
        format!(
            "watch: running (pid {}) since {}, rule set {} loaded {}\n",
            status.pid, status.started_at, status.rule_set_hash, status.rules_loaded_at
        )
    } else {
        format!("watch: not running (last update {})\n", status.updated_at)
    };
    out += &format!(
        "watch: {} batches posted, {} rejected; {} journals in the inbox; {} value entries in the G/L queue\n",
        status.batches_posted, status.batches_rejected, status.inbox_waiting, status.gl_queue
    );
    if let Some(error) = &status.last_reload_error {
        out += &format!("watch: the last reload was rejected:\n{error}\n");
    }
    out
}

fn render_csv(status: &CompanyStatus) -> String {
    let value = serde_json::json!(status);
    let mut out = String::from("field,value\n");
    if let Some(map) = value.as_object() {
        for (key, field) in map {
            let text = match field {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            let text = if text.contains([',', '"']) {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else {
                text
            };
            out += &format!("{key},{text}\n");
        }
    }
    out
}
