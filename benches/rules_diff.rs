//! `stockpost rules diff` and `rules adopt --reclassify` on a stored history of 1,000,000
//! journal lines (issue 8): the store benchmark's company (`benches/store/`) is built as a
//! company folder, then a candidate that moves COGS of RETAIL from 4200 to a new account 4210
//! (added to its chart) is compared with it — through the projection (the default: snapshot plus
//! later batches, then every posted line asked of the candidate) and through a full replay of
//! every stored batch — and finally adopted with the reclassification.
//!
//! ```sh
//! cargo bench --bench rules_diff                                   # 1,000,000 lines
//! cargo bench --bench rules_diff -- --lines 100000 --batch-size 1000
//! cargo bench --bench rules_diff -- --phase build,projection       # skip the slow ones
//! ```
//!
//! Figures and what they mean: docs/performance.md, "Rule set diff and adoption".

#[allow(dead_code)]
#[path = "store/child.rs"]
mod child;
#[allow(dead_code)]
#[path = "posting/company.rs"]
mod company;
#[allow(dead_code)]
#[path = "store/folder.rs"]
mod folder;
#[allow(dead_code)]
#[path = "posting/generate.rs"]
mod generate;
#[allow(dead_code)]
#[path = "posting/memory.rs"]
mod memory;
#[allow(dead_code)]
#[path = "common/options.rs"]
mod options;
#[allow(dead_code)]
#[path = "store/phases.rs"]
mod phases;
#[allow(dead_code)]
#[path = "posting/rng.rs"]
mod rng;
#[allow(dead_code)]
#[path = "store/table.rs"]
mod table;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use stockpost::company::adopt::{adopt, AdoptOptions};
use stockpost::company::candidate::Candidate;
use stockpost::company::rules_diff::{rules_diff, DiffOptions, RulesDiff};
use stockpost::company::Quiet;

use phases::Bench;
use table::{seconds, Table};

/// The phases, in the order they run; each needs the company `build` makes.
const PHASES: [&str; 4] = ["build", "projection", "full-replay", "adopt"];

fn main() -> ExitCode {
    let options = match options::parse_options(std::env::args().skip(1), &PHASES) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("rules_diff bench: {message}");
            eprintln!("{}", options::usage("rules_diff", &PHASES));
            return ExitCode::from(2);
        }
    };
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("rules_diff bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &options::Options) -> Result<(), String> {
    let mut rng = rng::Rng::new(options.seed);
    let specs = company::item_specs(options.items, &mut rng);
    let config = company::company(&specs);
    let journal = generate::generate(options.lines, &specs, rng);
    println!(
        "history: {} journal lines, {} items, journals of {} lines, seed {}",
        options::thousands(journal.lines as u64),
        options.items,
        options.batch_size,
        options.seed
    );
    let work = tempfile::Builder::new()
        .prefix("stockpost-rules-diff-bench-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let bench = Bench::new(&config, &journal, options.batch_size, work.path());
    let mut table = Table::default();
    let chosen = |phase: &str| options.phases.iter().any(|p| p == phase);
    // Every phase works on the stored company; `build` is timed by the store bench's phase.
    let folder = bench.batched_phase(&mut table, None)?;
    let candidate_dir = write_candidate(work.path(), &folder)?;
    let candidate = Candidate::read(&candidate_dir).map_err(|e| e.message)?;

    if chosen("projection") {
        let (diff, took, peak) = timed_diff(&folder, &candidate, false)?;
        report(&mut table, "projection", &diff, took, peak);
    }
    if chosen("full-replay") {
        let (diff, took, peak) = timed_diff(&folder, &candidate, true)?;
        report(&mut table, "full-replay", &diff, took, peak);
    }
    if chosen("adopt") {
        memory::reset_peak();
        let started = Instant::now();
        let adopted = adopt(
            &folder,
            &candidate,
            &AdoptOptions {
                reclassify: true,
                ..AdoptOptions::default()
            },
            &Quiet,
        )
        .map_err(|e| e.message)?;
        let took = started.elapsed();
        let reclassified = adopted
            .reclassification
            .ok_or("adopt posted no reclassification")?;
        table.add(
            "adopt",
            "rules adopt --reclassify (open, reclassify, one batch, snapshot if due)",
            seconds(took),
        );
        table.add(
            "adopt",
            "lines moved / G/L entries posted",
            format!(
                "{} / {}",
                options::thousands(reclassified.lines_moved),
                options::thousands(reclassified.posting.gl_entries_created)
            ),
        );
        table.add(
            "adopt",
            "reconciled after the batch",
            adopted
                .reconciliation
                .map_or("?".to_string(), |r| r.reconciled.to_string()),
        );
        table.add("adopt", "peak memory", memory::show(memory::peak_mib()));
    }
    println!();
    table.print();
    Ok(())
}

fn timed_diff(
    folder: &Path,
    candidate: &Candidate,
    full_replay: bool,
) -> Result<(RulesDiff, std::time::Duration, Option<f64>), String> {
    memory::reset_peak();
    let started = Instant::now();
    let options = DiffOptions {
        full_replay,
        ..DiffOptions::default()
    };
    let diff = rules_diff(folder, candidate, &options, &Quiet).map_err(|e| e.message)?;
    Ok((diff, started.elapsed(), memory::peak_mib()))
}

fn report(
    table: &mut Table,
    phase: &str,
    diff: &RulesDiff,
    took: std::time::Duration,
    peak: Option<f64>,
) {
    table.add(
        phase,
        "rules diff (open the company, compare)",
        seconds(took),
    );
    table.add(
        phase,
        "value entries compared / differing",
        format!(
            "{} / {}",
            options::thousands(diff.value_entries_compared),
            options::thousands(diff.value_entries_differing)
        ),
    );
    table.add(
        phase,
        "posted lines compared / moved",
        format!(
            "{} / {}",
            options::thousands(diff.lines_compared),
            options::thousands(diff.lines_moved)
        ),
    );
    let pairs: Vec<String> = diff
        .pairs
        .iter()
        .map(|p| format!("{} -> {}: {}", p.old_account, p.new_account, p.amount))
        .collect();
    table.add(phase, "account pairs", pairs.join("; "));
    let journal: Vec<String> = diff
        .reclassification
        .iter()
        .flat_map(|j| j.lines.iter().map(|(a, v)| format!("{a} {v}")))
        .collect();
    table.add(phase, "reclassification journal", journal.join(", "));
    table.add(phase, "peak memory", memory::show(peak));
}

/// The candidate: the company's rules with COGS of RETAIL on 4210, and its configuration with
/// 4210 in the chart.
fn write_candidate(work: &Path, company: &Path) -> Result<PathBuf, String> {
    let dir = work.join("candidate");
    let io = |e: std::io::Error| format!("{}: {e}", dir.display());
    for sub in ["rules", "config"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(io)?;
        for entry in std::fs::read_dir(company.join(sub)).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.is_file() {
                let name = path.file_name().expect("a file name");
                std::fs::copy(&path, dir.join(sub).join(name)).map_err(io)?;
            }
        }
    }
    let general = dir.join("rules/general.rhai");
    let rules = std::fs::read_to_string(&general).map_err(io)?;
    if !rules.contains("cogs: \"4200\"") {
        return Err("the benchmark rules have no `cogs: \"4200\"`".to_string());
    }
    std::fs::write(&general, rules.replace("cogs: \"4200\"", "cogs: \"4210\"")).map_err(io)?;
    let chart = dir.join("config/accounts.toml");
    let mut accounts = std::fs::read_to_string(&chart).map_err(io)?;
    accounts.push_str("\n[[account]]\nno = \"4210\"\nname = \"COGS, moved\"\ntype = \"expense\"\n");
    std::fs::write(&chart, accounts).map_err(io)?;
    Ok(dir)
}
