//! Posting throughput benchmark (issue 2, last "Done when" bullet; issue 3, benchmark bullet).
//!
//! Generates a deterministic year of postings as CSV in memory, then times, each phase on its own:
//! CSV parsing, posting to the sub-ledger in one batch and in batches, posting with the G/L
//! (automatic cost posting through [`Books`] with [`RoleAccounts`]) in one batch and in batches,
//! and "post inventory cost to G/L" of a queue on its own. Results go to stdout, one figure per
//! line, ready to paste into `docs/performance.md`. The phases are `ledger`, `ledger-batched`,
//! `books`, `books-batched`, `gl-queue` (posting, issue 2), `adjust-full` and
//! `adjust-incremental` (cost adjustment, issue 4), `gl-rules` (G/L through the Rhai rules,
//! issue 3) and `recon` (reconciliation kept current, issue 5); all run by default.
//!
//! ```text
//! cargo bench --bench posting                      # 1,000,000 lines, all phases
//! cargo bench --bench posting -- --lines 50000     # smaller run (e.g. under callgrind)
//! cargo bench --bench posting -- --phases ledger   # only the one-batch sub-ledger phase
//! ```
//!
//! Run without `--bench` (as `cargo test --all-targets` does), the default is a 2,000-line smoke
//! run.

#[path = "posting/adjust.rs"]
mod adjust;
#[path = "posting/company.rs"]
mod company;
#[path = "posting/generate.rs"]
mod generate;
#[path = "posting/gl_rules.rs"]
mod gl_rules;
#[path = "posting/memory.rs"]
mod memory;
#[path = "common/options.rs"]
mod options;
#[path = "posting/recon.rs"]
mod recon;
#[path = "posting/rng.rs"]
mod rng;
#[path = "posting/rules.rs"]
mod rules;

use std::process::ExitCode;
use std::time::{Duration, Instant};

use stockpost::books::Books;
use stockpost::config::{CompanyConfig, CostingMethod};
use stockpost::glpost::{CostPostingMode, RoleAccounts};
use stockpost::journal::csv::parse_csv;
use stockpost::journal::JournalLine;
use stockpost::ledger::Ledger;
use stockpost::posting::PostingContext;

use generate::Journal;
use options::thousands;

/// The issue's throughput target for parsing plus posting, on one core.
const TARGET_LINES_PER_SECOND: f64 = 500_000.0;

/// The phases a run can time, in the order they run.
const PHASES: [&str; 9] = [
    "ledger",
    "ledger-batched",
    "books",
    "books-batched",
    "gl-queue",
    "adjust-full",
    "adjust-incremental",
    "gl-rules",
    "recon",
];

fn main() -> ExitCode {
    let options = match options::parse_options(std::env::args().skip(1), &PHASES) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("posting bench: {message}");
            eprintln!("{}", options::usage("posting", &PHASES));
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("posting bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &options::Options) -> Result<(), String> {
    let mut rng = rng::Rng::new(options.seed);
    let specs = company::item_specs(options.items, &mut rng);
    let config = company::company(&specs);

    let started = Instant::now();
    let journal = generate::generate(options.lines, &specs, rng);
    let generation = started.elapsed();
    describe_journal(options, &config, &journal, generation);

    memory::reset_peak();
    let started = Instant::now();
    let lines = parse_csv("bench.csv", &journal.text).map_err(|e| e.to_string())?;
    let parse = started.elapsed();
    println!(
        "parse: {} ({} lines/s); peak memory during parse {}",
        seconds(parse),
        per_second(lines.len() as u64, parse),
        memory::show(memory::peak_mib())
    );
    if lines.len() != journal.lines {
        return Err(format!(
            "parsed {} lines, generated {}",
            lines.len(),
            journal.lines
        ));
    }
    let context = PostingContext {
        work_date: journal.last_date,
    };
    let bench = Bench {
        config: &config,
        journal: &journal,
        lines: &lines,
        context: &context,
        parse,
    };
    let mut ledger_times = [None, None];
    // Both adjustment phases share one history: the incremental run follows the full one.
    let incremental = options.phases.iter().any(|p| p == "adjust-incremental");
    let mut adjusted = false;
    for phase in &options.phases {
        match phase.as_str() {
            "adjust-full" | "adjust-incremental" if !adjusted => {
                bench.adjust_phases(incremental)?;
                adjusted = true;
            }
            "adjust-full" | "adjust-incremental" => {}
            "gl-rules" => bench.gl_rules_phase()?,
            "recon" => bench.recon_phase(options.batch_size)?,
            "ledger" => ledger_times[0] = Some(bench.ledger_phase(None)?),
            "ledger-batched" => {
                ledger_times[1] = Some(bench.ledger_phase(Some(options.batch_size))?)
            }
            "books" => bench.books_phase(None, ledger_times[0])?,
            "books-batched" => bench.books_phase(Some(options.batch_size), ledger_times[1])?,
            _ => bench.gl_queue_phase()?,
        }
    }
    Ok(())
}

fn describe_journal(
    options: &options::Options,
    config: &CompanyConfig,
    journal: &Journal,
    took: Duration,
) {
    let methods = [
        CostingMethod::Fifo,
        CostingMethod::Lifo,
        CostingMethod::Average,
        CostingMethod::Standard,
        CostingMethod::Specific,
    ]
    .map(|method| {
        let count = config
            .items
            .iter()
            .filter(|item| item.costing_method == method)
            .count();
        format!("{count} {}", method.as_str())
    });
    println!(
        "journal: {} lines, {} items ({}), {} locations, {}..{}, seed {}",
        thousands(journal.lines as u64),
        options.items,
        methods.join(", "),
        config.locations.len(),
        journal.first_date,
        journal.last_date,
        options.seed
    );
    let mix: Vec<String> = journal
        .mix
        .iter()
        .map(|(name, count)| {
            format!(
                "{name} {:.1}%",
                *count as f64 * 100.0 / journal.lines.max(1) as f64
            )
        })
        .collect();
    println!("mix: {}", mix.join(", "));
    println!(
        "generate: {} (not counted); {:.1} MiB of CSV; {} item ledger entries expected",
        seconds(took),
        journal.text.len() as f64 / 1_048_576.0,
        thousands(journal.item_ledger_entries)
    );
}

/// What every phase shares.
struct Bench<'a> {
    config: &'a CompanyConfig,
    journal: &'a Journal,
    lines: &'a [JournalLine],
    context: &'a PostingContext,
    parse: Duration,
}

impl Bench<'_> {
    /// Posts to the sub-ledger only, in one batch or in batches of `batch_size`.
    fn ledger_phase(&self, batch_size: Option<usize>) -> Result<Duration, String> {
        let label = label("sub-ledger", batch_size);
        let rss_before = memory::current_mib();
        memory::reset_peak();
        let mut ledger = Ledger::new(self.config.clone());
        let started = Instant::now();
        for batch in self.batches(batch_size) {
            ledger
                .post_batch(batch, self.context)
                .map_err(|e| format!("{label}: {e}"))?;
        }
        let took = started.elapsed();
        let (peak, rss_after) = (memory::peak_mib(), memory::current_mib());
        self.check_entries(&label, ledger.item_ledger_entries().len() as u64)?;
        self.print_posting(&label, took);
        println!(
            "{label} entries: {} item ledger, {} value, {} item application; {} average-cost entry points",
            thousands(ledger.item_ledger_entries().len() as u64),
            thousands(ledger.value_entries().len() as u64),
            thousands(ledger.item_application_entries().len() as u64),
            thousands(ledger.entry_points().len() as u64)
        );
        print_memory(&label, peak, rss_before, rss_after);
        Ok(took)
    }

    /// Posts through [`Books`] with automatic cost posting to the G/L.
    fn books_phase(
        &self,
        batch_size: Option<usize>,
        without_gl: Option<Duration>,
    ) -> Result<(), String> {
        let label = label("with G/L", batch_size);
        let accounts = RoleAccounts::new();
        let rss_before = memory::current_mib();
        memory::reset_peak();
        let mut books = Books::new(self.config.clone());
        let (mut value_entries_posted, mut gl_entries) = (0, 0);
        let started = Instant::now();
        for batch in self.batches(batch_size) {
            let posting = books
                .post_journal(batch, self.context, &accounts)
                .map_err(|e| format!("{label}: {e}"))?;
            value_entries_posted += posting.cost_posting.posted_value_entries;
            gl_entries += posting.cost_posting.gl_entries_created;
        }
        let took = started.elapsed();
        let (peak, rss_after) = (memory::peak_mib(), memory::current_mib());
        self.check_entries(&label, books.ledger.item_ledger_entries().len() as u64)?;
        self.print_posting(&label, took);
        println!(
            "{label} G/L: {} value entries posted to G/L ({} per s of posting), {} G/L entries",
            thousands(value_entries_posted),
            per_second(value_entries_posted, took),
            thousands(gl_entries)
        );
        if let Some(without_gl) = without_gl {
            println!(
                "{label} G/L overhead: {:+.1}% versus posting without G/L ({} vs {})",
                (took.as_secs_f64() / without_gl.as_secs_f64() - 1.0) * 100.0,
                seconds(took),
                seconds(without_gl)
            );
        }
        print_memory(&label, peak, rss_before, rss_after);
        Ok(())
    }

    /// Automatic cost posting off: the journal posts in one batch and queues its value entries;
    /// then "post inventory cost to G/L" posts the queue, timed on its own, so that the G/L
    /// part is measured without the sub-ledger around it.
    fn gl_queue_phase(&self) -> Result<(), String> {
        let label = "[G/L from the queue]";
        let mut config = self.config.clone();
        config.inventory_setup.automatic_cost_posting = false;
        let accounts = RoleAccounts::new();
        let mut books = Books::new(config);
        let started = Instant::now();
        let posting = books
            .post_journal(self.lines, self.context, &accounts)
            .map_err(|e| format!("{label}: {e}"))?;
        let queued = started.elapsed();
        println!(
            "{label} post and queue: {} ({} lines/s); {} value entries queued",
            seconds(queued),
            per_second(self.lines.len() as u64, queued),
            thousands(posting.queued_value_entries)
        );
        let started = Instant::now();
        let result = books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &accounts);
        let took = started.elapsed();
        if !result.skipped.is_empty() {
            return Err(format!(
                "{label}: {} value entries skipped",
                result.skipped.len()
            ));
        }
        println!(
            "{label} post inventory cost to G/L: {} ({} value entries/s), {} G/L entries",
            seconds(took),
            per_second(result.posted_value_entries, took),
            thousands(result.gl_entries_created)
        );
        Ok(())
    }

    fn batches(&self, batch_size: Option<usize>) -> std::slice::Chunks<'_, JournalLine> {
        self.lines
            .chunks(batch_size.unwrap_or(self.lines.len()).max(1))
    }

    /// The generator's entry numbering must match the engine's, or its references were wrong.
    fn check_entries(&self, label: &str, created: u64) -> Result<(), String> {
        if created == self.journal.item_ledger_entries {
            return Ok(());
        }
        Err(format!(
            "{label}: {created} item ledger entries created, the generator expected {}",
            self.journal.item_ledger_entries
        ))
    }

    fn print_posting(&self, label: &str, took: Duration) {
        let count = self.lines.len() as u64;
        println!(
            "{label} post: {} ({} lines/s)",
            seconds(took),
            per_second(count, took)
        );
        let both = self.parse + took;
        let rate = count as f64 / both.as_secs_f64();
        println!(
            "{label} parse+post: {} ({} lines/s on one core; {:.0}% of the {} target)",
            seconds(both),
            thousands(rate as u64),
            rate * 100.0 / TARGET_LINES_PER_SECOND,
            thousands(TARGET_LINES_PER_SECOND as u64)
        );
    }
}

fn label(what: &str, batch_size: Option<usize>) -> String {
    match batch_size {
        None => format!("[{what}, one batch]"),
        Some(size) => format!("[{what}, batches of {size}]"),
    }
}

fn print_memory(label: &str, peak: Option<f64>, before: Option<f64>, after: Option<f64>) {
    let growth = match (before, after) {
        (Some(before), Some(after)) => format!("{:.0} MiB", after - before),
        _ => "n/a".to_string(),
    };
    println!(
        "{label} memory: peak {} (VmHWM of the phase; includes the CSV text and the parsed lines); RSS grew by {growth} while posting",
        memory::show(peak)
    );
}

fn seconds(duration: Duration) -> String {
    format!("{:.3} s", duration.as_secs_f64())
}

fn per_second(count: u64, duration: Duration) -> String {
    thousands((count as f64 / duration.as_secs_f64()) as u64)
}
