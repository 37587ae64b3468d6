//! `stockpost watch`: post inbox journals as they arrive and reload rules safely.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use stockpost::watch::events::EventSink;
use stockpost::watch::{watch, WatchOptions};

use super::failure::CliError;
use super::stored::company_folder;

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str = "Run a company: post the journals dropped into its inbox as they \
    arrive, keep the reconciliation current, and reload the rules and configuration when their \
    files change.\n\n\
    Inbox. A journal file (*.csv, *.jsonl, *.ndjson) dropped into DIR/inbox/ is posted as one \
    batch once it has not changed for --settle-ms (so a file still being copied is left alone; \
    hidden and *.tmp names are never taken: write to .name.tmp and rename). It is then moved to \
    inbox/done/ with NAME.receipt.json beside it (the batch, the entries created, the \
    reconciliation after it), or to inbox/rejected/ with NAME.error.txt naming the line and \
    field. The cost adjustment trigger rule runs after each batch, as for `stockpost post`.\n\n\
    Reload. A change in rules/ or config/ (debounced: an editor's save of several files, or an \
    atomic rename save, is one change) is loaded off to the side: compiled, every known key \
    evaluated, every account checked against the chart, the rule tests in rules/tests/ run. \
    Only then is it swapped in, between two batches. A broken change is reported with file, \
    line and column and the previous rule set keeps running. Every swap is logged with the new \
    rule-set hash and the mappings that changed; value entries still waiting for G/L posting \
    post to the new accounts, and the reconciliation shows balances left on accounts the new \
    rules no longer map to (cause: rule change).\n\n\
    Status. DIR/watch-status.json is rewritten after every event (active rule set and when it \
    was loaded, the last reload error, inbox and G/L queue sizes, reconciliation); `stockpost \
    status` shows it. --events FILE (or - for stdout) writes one JSON object per event: \
    started, batch_posted, batch_rejected, rules_reloaded, reload_rejected, \
    reconciliation_changed, stopped. A line per event also goes to stderr.\n\n\
    Stopping. SIGINT (Ctrl-C) or SIGTERM: the batch in progress is finished, nothing is left \
    half-moved, and the process exits with status 0. A second SIGINT during a long batch exits \
    at once; the database then rolls the batch back and the journal stays in the inbox.\n\n\
    Examples:\n  \
    stockpost watch --company acme\n  \
    stockpost watch --company acme --events events.jsonl\n  \
    stockpost watch --events - | jq 'select(.event == \"rules_reloaded\")'\n\n\
    Exit status: 0 stopped by a signal; 2 usage or input error (the rules or configuration do \
    not load at start); 3 the store cannot be used.";

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Company folder [default: the current folder]
    #[arg(long, value_name = "DIR")]
    pub company: Option<PathBuf>,
    /// Write events as JSON lines to FILE (appended), or to stdout with -
    #[arg(long, value_name = "FILE|-")]
    pub events: Option<String>,
    /// Changes of rules/ and config/ closer together than this are one change
    #[arg(long, value_name = "MS", default_value_t = 300)]
    pub debounce_ms: u64,
    /// An inbox file must be unchanged this long before it is posted
    #[arg(long, value_name = "MS", default_value_t = 500)]
    pub settle_ms: u64,
}

pub fn run(args: &WatchArgs) -> ExitCode {
    match run_watch(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => error.report(),
    }
}

fn run_watch(args: &WatchArgs) -> Result<(), CliError> {
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // A second signal while the first is being honoured exits at once.
        signal_hook::flag::register_conditional_shutdown(signal, 1, Arc::clone(&stop))
            .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stop)))
            .map_err(|error| CliError::input(format!("cannot handle signals: {error}")))?;
    }
    let events = match args.events.as_deref() {
        None => EventSink::none(),
        Some("-") => EventSink::to(Box::new(std::io::stdout())),
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|error| {
                    CliError::input(format!("cannot open the events file {path}: {error}"))
                })?;
            EventSink::to(Box::new(file))
        }
    };
    let options = WatchOptions {
        debounce: Duration::from_millis(args.debounce_ms),
        settle: Duration::from_millis(args.settle_ms),
        ..WatchOptions::default()
    };
    let folder = company_folder(args.company.as_deref());
    watch(&folder, options, events, stop)?;
    Ok(())
}
