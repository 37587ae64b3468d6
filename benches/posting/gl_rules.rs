//! Phase `gl-rules` (issue 3): G/L posting through the Rhai rule set.
//!
//! The G/L part is timed on its own: the journal is posted once with automatic cost posting off,
//! its value entries queued; each resolver then posts a copy of those books with
//! `post_inventory_cost_to_gl` (the copy is not timed). The resolvers, from fastest to slowest:
//! `RoleAccounts` (no rules, the baseline of the other phases); `RuleSetAccounts` warm (its cache
//! filled by a previous pass); `RuleSetAccounts` cold (a rule set and resolver built fresh just
//! before: Rhai runs only for keys the load did not evaluate); a resolver that builds the rule key
//! on every lookup (the rule set's own cache answers); and Rhai on every value entry (a unique
//! dimension per entry, see `rules.rs`). Then the warm path's overhead on posting: the journal in
//! one batch to the sub-ledger only and through `Books` with automatic cost posting, alternately,
//! three rounds.

use std::time::{Duration, Instant};

use stockpost::books::Books;
use stockpost::glpost::{AccountResolver, CostPostingMode, RoleAccounts};
use stockpost::ledger::Ledger;
use stockpost::rules::{RuleSet, RuleSetAccounts};

use super::rules::{self, KeyPerLookup, RhaiPerEntry};
use super::{per_second, seconds, thousands, Bench};

impl Bench<'_> {
    pub fn gl_rules_phase(&self) -> Result<(), String> {
        let label = "[gl-rules]";
        let chart = rules::chart()?;
        let started = Instant::now();
        let rule_set = rules::load(self.config, &chart)?;
        println!(
            "{label} rule set load: {} ({} Rhai evaluations of the keys the configuration knows)",
            seconds(started.elapsed()),
            rule_set.evaluation_count()
        );
        let queued = self.queued_books(&rule_set)?;

        self.post_queue(
            "RoleAccounts (no rules)",
            &queued,
            &RoleAccounts::new(),
            None,
        )?;
        let cold_rules = rules::load(self.config, &chart)?;
        let cold = RuleSetAccounts::new(&cold_rules);
        self.post_queue("rules, cold start", &queued, &cold, Some(&cold_rules))?;
        self.post_queue("rules, warm", &queued, &cold, Some(&cold_rules))?;
        let per_lookup = KeyPerLookup { rules: &cold_rules };
        self.post_queue(
            "rules, key built per lookup",
            &queued,
            &per_lookup,
            Some(&cold_rules),
        )?;
        let per_entry = RhaiPerEntry { rules: &cold_rules };
        self.post_queue(
            "rules, Rhai on every value entry",
            &queued,
            &per_entry,
            Some(&cold_rules),
        )?;
        drop(queued);

        self.warm_overhead(&cold)
    }

    /// The journal posted in one batch with automatic cost posting off: every value entry with a
    /// cost waits in the queue.
    fn queued_books(&self, rule_set: &RuleSet) -> Result<Books, String> {
        let mut config = self.config.clone();
        config.inventory_setup.automatic_cost_posting = false;
        let mut books = Books::new(config);
        let posting = books
            .post_journal(self.lines, self.context, &RuleSetAccounts::new(rule_set))
            .map_err(|e| format!("[gl-rules] posting the journal: {e}"))?;
        println!(
            "[gl-rules] journal posted, {} value entries queued (not counted)",
            thousands(posting.queued_value_entries)
        );
        Ok(books)
    }

    /// Posts the queue of a copy of `queued` with `accounts`; only the G/L posting is timed.
    fn post_queue(
        &self,
        what: &str,
        queued: &Books,
        accounts: &dyn AccountResolver,
        rule_set: Option<&RuleSet>,
    ) -> Result<Duration, String> {
        let mut books = queued.clone();
        let evaluations_before = rule_set.map(RuleSet::evaluation_count);
        let started = Instant::now();
        let result = books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, accounts);
        let took = started.elapsed();
        if let Some(skipped) = result.skipped.first() {
            return Err(format!(
                "[gl-rules] {what}: {} value entries skipped, the first: {}",
                result.skipped.len(),
                skipped.reason
            ));
        }
        let evaluations = match (rule_set, evaluations_before) {
            (Some(rule_set), Some(before)) => format!(
                "; {} Rhai evaluations",
                thousands(rule_set.evaluation_count() - before)
            ),
            _ => String::new(),
        };
        println!(
            "[gl-rules] {what}: {} ({} value entries/s), {} G/L entries{evaluations}",
            seconds(took),
            per_second(result.posted_value_entries, took),
            thousands(result.gl_entries_created)
        );
        // Freeing a copy of the books takes a while; keep it out of the next timing.
        drop(books);
        Ok(took)
    }

    /// The warm rule path's cost on posting: the journal in one batch to the sub-ledger only,
    /// then through `Books` with automatic cost posting, alternately, [`OVERHEAD_ROUNDS`] times;
    /// the overhead compares the fastest of each, which other load on the machine disturbs least.
    fn warm_overhead(&self, warm: &RuleSetAccounts<'_>) -> Result<(), String> {
        let label = "[gl-rules, one batch]";
        let (mut without_gl, mut with_gl) = (Vec::new(), Vec::new());
        let mut gl = (0, 0);
        for _ in 0..OVERHEAD_ROUNDS {
            let mut ledger = Ledger::new(self.config.clone());
            let started = Instant::now();
            ledger
                .post_batch(self.lines, self.context)
                .map_err(|e| format!("{label}: {e}"))?;
            without_gl.push(started.elapsed());
            drop(ledger);
            let mut books = Books::new(self.config.clone());
            let started = Instant::now();
            let posting = books
                .post_journal(self.lines, self.context, warm)
                .map_err(|e| format!("{label}: {e}"))?;
            with_gl.push(started.elapsed());
            gl = (
                posting.cost_posting.posted_value_entries,
                posting.cost_posting.gl_entries_created,
            );
        }
        let (fastest_without, fastest_with) = (fastest(&without_gl), fastest(&with_gl));
        println!(
            "{label} post without G/L: {} ({} lines/s, fastest of {OVERHEAD_ROUNDS})",
            times(&without_gl),
            per_second(self.lines.len() as u64, fastest_without)
        );
        println!(
            "{label} post with G/L, warm rules: {} ({} lines/s, fastest of {OVERHEAD_ROUNDS}); {} value entries to G/L, {} G/L entries",
            times(&with_gl),
            per_second(self.lines.len() as u64, fastest_with),
            thousands(gl.0),
            thousands(gl.1)
        );
        let rounds: Vec<String> = without_gl
            .iter()
            .zip(&with_gl)
            .map(|(without, with)| format!("{:+.1}%", overhead(*with, *without)))
            .collect();
        println!(
            "{label} G/L overhead, warm rules: {:+.1}% fastest versus fastest (per round {}) versus posting without G/L (target < 10%)",
            overhead(fastest_with, fastest_without),
            rounds.join(", ")
        );
        Ok(())
    }
}

/// Alternating rounds of posting without and with G/L in the overhead measurement.
const OVERHEAD_ROUNDS: usize = 3;

fn fastest(times: &[Duration]) -> Duration {
    times.iter().copied().min().unwrap_or_default()
}

fn times(times: &[Duration]) -> String {
    let shown: Vec<String> = times.iter().map(|took| seconds(*took)).collect();
    shown.join(", ")
}

fn overhead(with: Duration, without: Duration) -> f64 {
    (with.as_secs_f64() / without.as_secs_f64() - 1.0) * 100.0
}
