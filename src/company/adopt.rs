//! `stockpost rules adopt DIR`: make a candidate rule set the company's.
//!
//! The candidate's rule files replace the company's `rules/` (and its `config/` the company's,
//! when the candidate brings one: a new account in the chart) and the change is stored as an
//! `adopt_rule_set` batch (so `verify` and every replay run the later batches under the new
//! rules); with a reclassification, the same batch — one database transaction — posts the G/L
//! entries that move today's balances onto the new accounts.
//!
//! The candidate's `rules/tests/` replaces the company's; a candidate without one keeps the
//! company's rule tests.
//!
//! All or nothing: the new `rules/` (`config/`) is written beside the old one first
//! (`.rules.adopting/`), then the two are swapped by renaming, then the batch is committed; if
//! the commit fails the folders are swapped back, so the company is left as it was, files and
//! store. (A crash between the swap and the commit leaves the new rules in `rules/` and the old
//! ones in `.rules.previous/` without the batch: the next command runs under the new rules, and
//! the reconciliation shows the balances left behind as "rule change" until the rules are
//! adopted again.)

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::rules::diff::{mapping_changes, MappingChange};
use crate::store::{BatchId, ReclassificationRequest, ReconciliationSummary};

use super::candidate::Candidate;
use super::command::Reclassified;
use super::definition::CompanyDefinition;
use super::error::CompanyError;
use super::progress::Progress;
use super::rules_diff::{default_document_no, last_posting_date};
use super::session::{OpenMode, StoredCompany};

/// What `rules adopt` is asked.
#[derive(Debug, Clone, Default)]
pub struct AdoptOptions {
    /// Post the reclassification in the same batch.
    pub reclassify: bool,
    /// Default: the last posting date in the store.
    pub posting_date: Option<NaiveDate>,
    /// Default: `RC-` and the first 8 hex digits of the rule-set hash.
    pub document_no: Option<String>,
    pub busy_timeout_ms: Option<u64>,
}

/// What `rules adopt` did.
#[derive(Debug, Clone)]
pub struct Adopted {
    /// `None` when the candidate already is the company's rule set and no reclassification was
    /// asked (nothing done).
    pub batch_id: Option<BatchId>,
    pub previous_rule_set: String,
    pub rule_set: String,
    pub mapping_changes: Vec<MappingChange>,
    pub reclassification: Option<Reclassified>,
    pub reconciliation: Option<ReconciliationSummary>,
    /// The rule files now in `rules/`.
    pub files: Vec<String>,
}

/// Adopts `candidate` as the rule set of the company in `folder`.
pub fn adopt(
    folder: &Path,
    candidate: &Candidate,
    options: &AdoptOptions,
    progress: &dyn Progress,
) -> Result<Adopted, CompanyError> {
    let mode = OpenMode {
        busy_timeout_ms: options.busy_timeout_ms,
        ..OpenMode::default()
    };
    // The candidate is compiled before the store is opened for writing: a candidate that
    // does not load touches nothing.
    let current = CompanyDefinition::read(folder).map_err(CompanyError::definition)?;
    let config = candidate.config_or(&current.config).clone();
    let loaded = candidate.load(&config)?;
    let mut session = StoredCompany::open(folder, mode, progress)?;
    let previous_rule_set = session.company().rule_set_hash.clone();
    let mut adopted = Adopted {
        batch_id: None,
        previous_rule_set: previous_rule_set.clone(),
        rule_set: loaded.rule_set_hash.clone(),
        mapping_changes: mapping_changes(&session.company().rules, &loaded.rules),
        reclassification: None,
        reconciliation: None,
        files: candidate
            .rules
            .files
            .iter()
            .map(|(name, _)| name.clone())
            .collect(),
    };
    // Adopting the active rule set again only makes sense to reclassify what an adoption
    // without --reclassify left behind.
    if loaded.rule_set_hash == previous_rule_set
        && loaded.config_hash == session.company().config_hash
        && !options.reclassify
    {
        return Ok(adopted);
    }
    let request = match (options.reclassify, last_posting_date(session.books())) {
        (true, Some(last)) => Some(ReclassificationRequest {
            posting_date: options.posting_date.unwrap_or(last),
            document_no: options
                .document_no
                .clone()
                .unwrap_or_else(|| default_document_no(&loaded.rule_set_hash)),
        }),
        _ => None,
    };
    let definition = CompanyDefinition {
        config,
        rules: candidate.rules.clone(),
    };
    let swap = Swaps::prepare(folder, candidate)?;
    swap.swap()?;
    // What the folder says now must be what is stored.
    match CompanyDefinition::read(folder) {
        Ok(read) if read == definition => {}
        Ok(_) => {
            swap.undo();
            return Err(CompanyError::internal(
                "the copied rule files do not read back as the candidate; nothing was changed",
            ));
        }
        Err(error) => {
            swap.undo();
            return Err(CompanyError::input(error.message).hint("nothing was changed"));
        }
    }
    match session.adopt_rule_set(definition, loaded, request) {
        Ok(committed) => {
            swap.finish();
            adopted.batch_id = Some(committed.batch_id);
            adopted.reclassification = committed.outcome.reclassification;
            adopted.reconciliation = Some(committed.reconciliation);
            Ok(adopted)
        }
        Err(error) => {
            swap.undo();
            Err(error.hint("nothing was changed: rules/ and the store are as they were"))
        }
    }
}

/// A folder of the company (`rules/` or `config/`) with its replacement staged beside it, and
/// the renames that swap them.
struct FolderSwap {
    target: PathBuf,
    staging: PathBuf,
    previous: PathBuf,
}

impl FolderSwap {
    /// Writes `files` (names relative to the folder) and copies `tests_from` (a rule tests
    /// folder) into `.NAME.adopting` beside `folder/NAME`.
    fn prepare(
        folder: &Path,
        name: &str,
        files: &[(String, String)],
        tests_from: Option<&Path>,
    ) -> Result<FolderSwap, CompanyError> {
        let swap = FolderSwap {
            target: folder.join(name),
            staging: folder.join(format!(".{name}.adopting")),
            previous: folder.join(format!(".{name}.previous")),
        };
        let io = |what: &str, path: &Path, error: std::io::Error| {
            CompanyError::input(format!("cannot {what} {}: {error}", path.display()))
                .hint("nothing was changed")
        };
        for stale in [&swap.staging, &swap.previous] {
            if stale.exists() {
                std::fs::remove_dir_all(stale).map_err(|e| io("remove", stale, e))?;
            }
        }
        std::fs::create_dir(&swap.staging).map_err(|e| io("create", &swap.staging, e))?;
        let written = (|| -> std::io::Result<()> {
            for (file, text) in files {
                std::fs::write(swap.staging.join(file), text)?;
            }
            if let Some(tests) = tests_from.filter(|tests| tests.is_dir()) {
                copy_dir(
                    tests,
                    &swap.staging.join(crate::rules::rule_tests::RULE_TESTS_DIR),
                )?;
            }
            Ok(())
        })();
        if let Err(error) = written {
            let _ = std::fs::remove_dir_all(&swap.staging);
            return Err(io("write", &swap.staging, error));
        }
        Ok(swap)
    }

    fn swap(&self) -> std::io::Result<()> {
        std::fs::rename(&self.target, &self.previous)?;
        if let Err(error) = std::fs::rename(&self.staging, &self.target) {
            let _ = std::fs::rename(&self.previous, &self.target);
            return Err(error);
        }
        Ok(())
    }

    /// Puts the old folder back (best effort: renames within one folder).
    fn undo(&self) {
        if self.previous.exists() {
            let _ = std::fs::remove_dir_all(&self.target);
            let _ = std::fs::rename(&self.previous, &self.target);
        }
        let _ = std::fs::remove_dir_all(&self.staging);
    }

    fn finish(&self) {
        // The batch is stored; a leftover copy of the old folder is only clutter.
        let _ = std::fs::remove_dir_all(&self.previous);
    }
}

/// The swaps of one adoption, done and undone together.
struct Swaps(Vec<FolderSwap>);

impl Swaps {
    fn prepare(folder: &Path, candidate: &Candidate) -> Result<Swaps, CompanyError> {
        let strip = |files: &[(String, String)], prefix: &str| -> Vec<(String, String)> {
            files
                .iter()
                .map(|(name, text)| {
                    let file = name.strip_prefix(prefix).unwrap_or(name);
                    (file.to_string(), text.clone())
                })
                .collect()
        };
        // The candidate's rule tests replace the company's; a candidate without any keeps the
        // company's, so that adopting a folder of rule files never drops the cases and scenarios
        // an accountant signed off (they now run against the new rules and say what moved).
        let tests_dir = crate::rules::rule_tests::RULE_TESTS_DIR;
        let candidate_tests = candidate.rules_dir.join(tests_dir);
        let tests = if candidate_tests.is_dir() {
            candidate_tests
        } else {
            folder.join("rules").join(tests_dir)
        };
        let mut swaps = Swaps(Vec::new());
        let rules = strip(&candidate.rules.files, "rules/");
        swaps
            .0
            .push(FolderSwap::prepare(folder, "rules", &rules, Some(&tests))?);
        if let Some(config) = &candidate.config {
            let config = strip(&config.files, "config/");
            match FolderSwap::prepare(folder, "config", &config, None) {
                Ok(swap) => swaps.0.push(swap),
                Err(error) => {
                    swaps.undo();
                    return Err(error);
                }
            }
        }
        Ok(swaps)
    }

    fn swap(&self) -> Result<(), CompanyError> {
        for (done, swap) in self.0.iter().enumerate() {
            if let Err(error) = swap.swap() {
                for earlier in &self.0[..done] {
                    earlier.undo();
                }
                self.undo();
                return Err(CompanyError::input(format!(
                    "cannot replace {}: {error}",
                    swap.target.display()
                ))
                .hint("nothing was changed"));
            }
        }
        Ok(())
    }

    fn undo(&self) {
        for swap in &self.0 {
            swap.undo();
        }
    }

    fn finish(&self) {
        for swap in &self.0 {
            swap.finish();
        }
    }
}
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()))?;
        } else if path.is_file() {
            std::fs::copy(&path, to.join(entry.file_name()))?;
        }
    }
    Ok(())
}
