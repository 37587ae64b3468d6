//! The company store benchmark (issue 6): journal lines per second persisted through
//! `StoredCompany::post_journal` into a company folder's SQLite database, in batches of 1,000
//! lines and in one batch, and the time to open a company with a million lines of history and
//! post one more line.
//!
//! It reuses the posting benchmark's company, journal generator and rules (`benches/posting/`),
//! writes them as a company folder in a temporary directory, and posts the generated CSV history
//! as journal files would be posted. See docs/performance.md, "The company store".
//!
//! ```sh
//! cargo bench --bench store                                  # 1,000,000 lines, every phase
//! cargo bench --bench store -- --lines 20000                 # a quick run
//! cargo bench --bench store -- --phase batched,open-and-post-one
//! ```

#[path = "store/child.rs"]
mod child;
#[path = "posting/company.rs"]
mod company;
#[path = "store/folder.rs"]
mod folder;
#[path = "posting/generate.rs"]
mod generate;
#[path = "posting/memory.rs"]
mod memory;
#[path = "common/options.rs"]
mod options;
#[path = "store/phases.rs"]
mod phases;
#[path = "posting/rng.rs"]
mod rng;
#[path = "store/table.rs"]
mod table;

use std::process::ExitCode;
use std::time::Instant;

use phases::Bench;
use table::Table;

/// The phases a run can time, in the order they run.
const PHASES: [&str; 4] = ["in-memory", "batched", "one-batch", "open-and-post-one"];

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some(child::CHILD_ARG) {
        args.next();
        return match child::main(args) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("store bench child: {message}");
                ExitCode::FAILURE
            }
        };
    }
    let options = match options::parse_options(args, &PHASES) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("store bench: {message}");
            eprintln!("{}", options::usage("store", &PHASES));
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("store bench: {message}");
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
    println!(
        "journal: {} lines, {} items, {} locations, {}..{}, seed {}; {:.1} MiB of CSV, \
         generated in {:.2} s (not counted); {} item ledger entries expected",
        table::thousands(journal.lines as u64),
        options.items,
        config.locations.len(),
        journal.first_date,
        journal.last_date,
        options.seed,
        journal.text.len() as f64 / 1_048_576.0,
        started.elapsed().as_secs_f64(),
        table::thousands(journal.item_ledger_entries)
    );
    let mix: Vec<String> = journal
        .mix
        .iter()
        .map(|(name, count)| format!("{name} {count}"))
        .collect();
    println!("mix: {}", mix.join(", "));
    let work = tempfile::Builder::new()
        .prefix("stockpost-store-bench-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    println!("company folders under {}", work.path().display());
    let bench = Bench::new(&config, &journal, options.batch_size, work.path());
    let mut table = Table::default();
    let chosen = |phase: &str| options.phases.iter().any(|p| p == phase);
    // The open phase opens the company the batched phase built.
    let batched = chosen("batched") || chosen("open-and-post-one");
    let mut in_memory = None;
    if chosen("in-memory") {
        in_memory = Some(bench.in_memory_phase(&mut table)?);
    }
    let mut built = None;
    if batched {
        built = Some(bench.batched_phase(&mut table, in_memory)?);
    }
    if chosen("one-batch") {
        bench.one_batch_phase(&mut table)?;
    }
    if let (true, Some(folder)) = (chosen("open-and-post-one"), &built) {
        bench.open_phase(&mut table, folder)?;
    }
    println!();
    table.print();
    Ok(())
}
