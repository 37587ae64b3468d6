//! Loading a changed rule set off to the side: a thread that, on each debounced change of
//! `rules/` or `config/`, reads the whole definition again, builds it (compile, evaluate every
//! known key, validate every account against the chart), runs the rule tests in `rules/tests/`,
//! and hands the watcher either a ready company or the error. The watcher swaps it in between
//! two batches; a broken change never reaches a batch.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender};
use std::time::{Duration, Instant};

use crate::company::{CompanyDefinition, LoadedCompany};

/// A rule set that passed every check, ready to swap in.
pub struct ReadyCompany {
    pub definition: CompanyDefinition,
    pub company: LoadedCompany,
    /// When the change that led to it was noticed (after the debounce).
    pub noticed: Instant,
}

/// What the loader thread tells the watcher.
pub enum LoadOutcome {
    Ready(Box<ReadyCompany>),
    Rejected {
        error: String,
    },
    /// The files' contents are those already running (an editor touched them).
    Unchanged,
}

/// Builds the company of `folder` as it is now; `Unchanged` when its hashes are `current`.
pub fn load_candidate(
    folder: &std::path::Path,
    current: &(String, String),
    noticed: Instant,
) -> LoadOutcome {
    let definition = match CompanyDefinition::read(folder) {
        Ok(definition) => definition,
        Err(error) => {
            return LoadOutcome::Rejected {
                error: format!("{}\n  {}", error.message, error.hint),
            }
        }
    };
    if (
        definition.config.hash.clone(),
        definition.rules.hash.clone(),
    ) == *current
    {
        return LoadOutcome::Unchanged;
    }
    let company = match LoadedCompany::build(&definition.config, &definition.rules, Some(folder)) {
        Ok(company) => company,
        Err(error) => {
            return LoadOutcome::Rejected {
                error: format!("{}\n  {}", error.message, error.hint),
            }
        }
    };
    if let Err(error) = super::rule_tests::run_for_reload(folder, &company) {
        return LoadOutcome::Rejected { error };
    }
    LoadOutcome::Ready(Box::new(ReadyCompany {
        definition,
        company,
        noticed,
    }))
}

/// A request to the loader: the folder changed; `current` are the running hashes.
pub struct LoadRequest {
    pub current: (String, String),
    pub noticed: Instant,
}

/// Runs the loader until its request channel closes or the watcher stops listening.
///
/// A change is loaded once the folder has been quiet for `quiet` (no further notification), so
/// an editor's save of several files, spread over more than one notification, is one change.
/// The files are compared with the last rule set this thread handed over (the watcher swaps it
/// in as soon as it gets it), not only with the one running when the notification came: a save
/// undone while the first was loading then loads the undo instead of leaving the first running.
pub fn loader_thread(
    folder: PathBuf,
    quiet: Duration,
    requests: Receiver<LoadRequest>,
    outcomes: Sender<super::Message>,
) {
    // The hashes of the last definition rejected: the same files are not reported twice.
    let mut last_rejected: Option<(String, String)> = None;
    let mut last_handed: Option<(String, String)> = None;
    while let Ok(mut request) = requests.recv() {
        // Wait for the folder to be quiet; only the latest notification matters.
        while let Ok(later) = requests.recv_timeout(quiet) {
            request = later;
        }
        let noticed = Instant::now();
        let baseline = last_handed.clone().unwrap_or(request.current.clone());
        let hashes = CompanyDefinition::read(&folder)
            .ok()
            .map(|definition| (definition.config.hash, definition.rules.hash));
        if hashes.is_some() && hashes == last_rejected {
            continue;
        }
        let outcome = load_candidate(&folder, &baseline, noticed);
        match &outcome {
            LoadOutcome::Rejected { .. } => last_rejected = hashes,
            LoadOutcome::Ready(ready) => {
                last_rejected = None;
                last_handed = Some((
                    ready.company.config_hash.clone(),
                    ready.company.rule_set_hash.clone(),
                ));
            }
            LoadOutcome::Unchanged => last_rejected = None,
        }
        if outcomes.send(super::Message::Loaded(outcome)).is_err() {
            return;
        }
    }
}
