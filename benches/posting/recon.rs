//! Phase `recon` (issue 5): keeping the inventory - G/L reconciliation current after every batch,
//! as a share of the posting time, and building and rendering the full report.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::time::{Duration, Instant};

use rust_decimal::Decimal;

use stockpost::books::Books;
use stockpost::recon::{ReconciliationReport, ReconciliationState, ReportFilter};
use stockpost::rules::RuleSetAccounts;

use super::{label, memory, per_second, print_memory, rules, seconds, thousands, Bench};

impl Bench<'_> {
    /// Posts the journal in batches with automatic cost posting (warm benchmark rules) and folds
    /// each batch's entries into the reconciliation state; both are timed separately.
    pub fn recon_phase(&self, batch_size: usize) -> Result<(), String> {
        let label = label("recon", Some(batch_size));
        let chart = rules::chart()?;
        let rule_set = rules::load(self.config, &chart)?;
        let accounts = RuleSetAccounts::new(&rule_set);
        let mut books = Books::new(self.config.clone());
        let mut state = ReconciliationState::default();
        let rss_before = memory::current_mib();
        memory::reset_peak();
        let (mut posting, mut keeping) = (Duration::ZERO, Duration::ZERO);
        let mut slowest_apply = Duration::ZERO;
        for batch in self.batches(Some(batch_size)) {
            let started = Instant::now();
            books
                .post_journal(batch, self.context, &accounts)
                .map_err(|e| format!("{label}: {e}"))?;
            posting += started.elapsed();
            let started = Instant::now();
            state.apply_new_entries(&books, &accounts);
            let took = started.elapsed();
            keeping += took;
            slowest_apply = slowest_apply.max(took);
        }
        let (peak, rss_after) = (memory::peak_mib(), memory::current_mib());
        let batches = self.lines.len().div_ceil(batch_size) as u32;
        let value_entries = books.ledger.value_entries().len() as u64;
        let gl_entries = books.general_ledger.entries().len() as u64;
        println!(
            "{label} post with G/L: {} ({} lines/s)",
            seconds(posting),
            per_second(self.lines.len() as u64, posting)
        );
        println!(
            "{label} keep current (apply_new_entries after each batch): {} in all, {:.1}% of posting time; \
             {} per batch on average, slowest {}; {} value + {} G/L entries folded in ({} entries/s)",
            seconds(keeping),
            keeping.as_secs_f64() * 100.0 / posting.as_secs_f64(),
            micros(keeping / batches),
            micros(slowest_apply),
            thousands(value_entries),
            thousands(gl_entries),
            per_second(value_entries + gl_entries, keeping)
        );
        print_memory(&label, peak, rss_before, rss_after);

        let started = Instant::now();
        let from_scratch = ReconciliationState::from_books(&books, &accounts);
        println!(
            "{label} the same state computed from scratch: {} ({})",
            seconds(started.elapsed()),
            if from_scratch == state {
                "equal to the incremental state"
            } else {
                "DIFFERS from the incremental state"
            }
        );
        drop(from_scratch);

        let started = Instant::now();
        let report = state.report(&books, &accounts, &ReportFilter::default());
        let built = started.elapsed();
        let started = Instant::now();
        let text = render(&report);
        let rendered = started.elapsed();
        println!(
            "{label} full report: built in {}, rendered in {} ({} cells, {} KiB of text, {} value entries and {} G/L entries behind the cells); {}",
            seconds(built),
            seconds(rendered),
            report.cells.len(),
            text.len() / 1024,
            thousands(report.cells.iter().map(|c| c.value_entries.len() as u64).sum()),
            thousands(report.cells.iter().map(|c| c.gl_entries.len() as u64).sum()),
            verdict(&report)
        );
        for (cause, amount) in causes(&report) {
            println!("{label} explained by {cause}: {amount} (absolute, over all cells)");
        }
        Ok(())
    }
}

fn micros(duration: Duration) -> String {
    format!("{:.0} µs", duration.as_secs_f64() * 1e6)
}

fn verdict(report: &ReconciliationReport) -> &'static str {
    match (report.is_reconciled(), report.is_explained()) {
        (true, _) => "reconciled",
        (false, true) => "differences, all explained",
        (false, false) => "UNEXPLAINED differences",
    }
}

/// The amount each cause explains, in absolute value summed over the cells.
fn causes(report: &ReconciliationReport) -> BTreeMap<String, Decimal> {
    let mut totals = BTreeMap::new();
    for explanation in report.cells.iter().flat_map(|cell| &cell.explanations) {
        *totals
            .entry(explanation.cause.to_string())
            .or_insert(Decimal::ZERO) += explanation.amount.abs();
    }
    totals
}

/// The report as a plain table: one row per cell with its explanations, the role totals and the
/// warnings (what `stockpost reconcile` shows; the drill-down lists are not printed).
fn render(report: &ReconciliationReport) -> String {
    let mut out = format!("Inventory - G/L reconciliation, {}\n", report.period);
    for cell in &report.cells {
        let key = &cell.key;
        let _ = writeln!(
            out,
            "{:<22} {:<8} {:<6} {:<8} {:>16} {:>16} {:>14}",
            key.role.name(),
            key.account_no.as_deref().unwrap_or("-"),
            &*key.location,
            &*key.inventory_posting_group,
            cell.sub_ledger,
            cell.general_ledger,
            cell.difference
        );
        for explanation in &cell.explanations {
            let _ = writeln!(
                out,
                "    {}: {} ({} entries)",
                explanation.cause,
                explanation.amount,
                explanation.entries.len()
            );
        }
    }
    for total in &report.roles {
        let _ = writeln!(
            out,
            "{:<22} {:>16} {:>16} {:>14}",
            total.role.name(),
            total.sub_ledger,
            total.general_ledger,
            total.difference
        );
    }
    for warning in &report.warnings {
        let _ = writeln!(out, "warning: {warning}");
    }
    out
}
