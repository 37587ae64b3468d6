//! Snapshot size, encode and decode time on a large history (issue 6).
//!
//! Builds the benchmark company's history with the posting benchmark's generator
//! (`benches/posting/`): the journal posted in batches of 1,000 lines through `Books` with the
//! benchmark's account rules, the reconciliation kept current, then a full cost adjustment posted
//! to the G/L. Then it writes a snapshot (in memory and to a file), reads it back, checks that the
//! decoded tables equal the original's, and prints the figures.
//!
//! ```text
//! cargo run --release --example snapshot_size                  # 1,000,000 lines
//! cargo run --release --example snapshot_size -- --lines 50000
//! ```

#[path = "../benches/posting/company.rs"]
mod company;
#[path = "../benches/posting/generate.rs"]
#[allow(dead_code)]
mod generate;
#[path = "../benches/posting/memory.rs"]
#[allow(dead_code)]
mod memory;
#[path = "../benches/posting/rng.rs"]
mod rng;
#[path = "../benches/posting/rules.rs"]
#[allow(dead_code)]
mod rules;

use std::io::{BufReader, BufWriter};
use std::process::ExitCode;
use std::time::Instant;

use stockpost::adjust::AdjustRequest;
use stockpost::books::Books;
use stockpost::journal::csv::parse_csv;
use stockpost::posting::PostingContext;
use stockpost::recon::ReconciliationState;
use stockpost::rules::RuleSetAccounts;
use stockpost::store::snapshot::{read_snapshot, write_snapshot, SnapshotHeader, FORMAT_VERSION};

const BATCH_LINES: usize = 1_000;

fn main() -> ExitCode {
    match run(lines_argument()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("snapshot_size: {message}");
            ExitCode::FAILURE
        }
    }
}

fn lines_argument() -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|arg| arg == "--lines")
        .and_then(|at| args.get(at + 1))
        .and_then(|value| value.replace('_', "").parse().ok())
        .unwrap_or(1_000_000)
}

fn run(lines: usize) -> Result<(), String> {
    let mut rng = rng::Rng::new(42);
    let specs = company::item_specs(1_000, &mut rng);
    let config = company::company(&specs);
    if let Some(path) = path_argument("--decode") {
        return decode_only(&path, config);
    }
    let journal = generate::generate(lines, &specs, rng);
    let parsed = parse_csv("bench.csv", &journal.text).map_err(|e| e.to_string())?;
    drop(journal.text);
    let chart = rules::chart()?;
    let rule_set = rules::load(&config, &chart)?;
    let accounts = RuleSetAccounts::new(&rule_set);

    let rss_empty = memory::current_mib();
    let started = Instant::now();
    let mut books = Books::new(config.clone());
    let mut recon = ReconciliationState::default();
    let context = PostingContext {
        work_date: journal.last_date,
    };
    for batch in parsed.chunks(BATCH_LINES) {
        books
            .post_journal(batch, &context, &accounts)
            .map_err(|e| e.to_string())?;
        recon.apply_new_entries(&books, &accounts);
    }
    drop(parsed);
    books.adjust_cost(&AdjustRequest::default(), true, &accounts);
    recon.apply_new_entries(&books, &accounts);
    let rss_books = memory::current_mib();
    println!(
        "history: {lines} lines posted in batches of {BATCH_LINES} and adjusted in {:.1} s; {} item ledger, {} value, {} application, {} G/L entries; books + reconciliation {}",
        started.elapsed().as_secs_f64(),
        books.ledger.item_ledger_entries().len(),
        books.ledger.value_entries().len(),
        books.ledger.item_application_entries().len(),
        books.general_ledger.entries().len(),
        grown(rss_empty, rss_books),
    );

    let header = SnapshotHeader {
        format_version: FORMAT_VERSION,
        company_id: "benchmark".to_string(),
        batch_id: lines.div_ceil(BATCH_LINES) as u64 + 1,
        chain_hash: "0".repeat(64),
        config_hash: "0".repeat(64),
        rule_set_hash: rule_set.hash().to_string(),
    };
    let started = Instant::now();
    let mut bytes = Vec::new();
    write_snapshot(&mut bytes, &header, &books, &recon).map_err(|e| e.to_string())?;
    let encode = started.elapsed();
    println!(
        "snapshot: {:.1} MB ({:.1} bytes per journal line); encode to memory {:.2} s",
        bytes.len() as f64 / 1e6,
        bytes.len() as f64 / lines as f64,
        encode.as_secs_f64()
    );

    let rss_before = memory::current_mib();
    let started = Instant::now();
    let (_, decoded, decoded_recon) =
        read_snapshot(&mut &bytes[..], config.clone()).map_err(|e| e.to_string())?;
    let decode = started.elapsed();
    drop(bytes);
    println!(
        "decode from memory: {:.2} s; the decoded books and reconciliation take {}",
        decode.as_secs_f64(),
        grown(rss_before, memory::current_mib())
    );
    check_equal(&books, &recon, &decoded, &decoded_recon)?;
    drop((decoded, decoded_recon));

    let path = std::env::temp_dir().join(format!("stockpost-snapshot-{}.bin", std::process::id()));
    let started = Instant::now();
    let file = std::fs::File::create(&path).map_err(|e| e.to_string())?;
    let mut writer = BufWriter::new(file);
    write_snapshot(&mut writer, &header, &books, &recon).map_err(|e| e.to_string())?;
    drop(writer);
    let write = started.elapsed();
    let started = Instant::now();
    let file = std::fs::File::open(&path).map_err(|e| e.to_string())?;
    let result = read_snapshot(&mut BufReader::new(file), config);
    let read = started.elapsed();
    match path_argument("--keep") {
        Some(keep) => std::fs::rename(&path, keep).map_err(|e| e.to_string())?,
        None => std::fs::remove_file(&path).map_err(|e| e.to_string())?,
    }
    result.map_err(|e| e.to_string())?;
    println!(
        "file: write {:.2} s, read and decode {:.2} s",
        write.as_secs_f64(),
        read.as_secs_f64()
    );
    Ok(())
}

fn path_argument(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|arg| arg == name)?;
    args.get(at + 1).cloned()
}

/// Decodes a snapshot kept with `--keep` (for profiling the decoder alone).
fn decode_only(path: &str, config: stockpost::config::CompanyConfig) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let rss_before = memory::current_mib();
    let started = Instant::now();
    let decoded = read_snapshot(&mut &bytes[..], config).map_err(|e| e.to_string())?;
    let took = started.elapsed();
    drop(bytes);
    println!(
        "decode from memory: {:.2} s; {} value entries; the decoded books take {}",
        took.as_secs_f64(),
        decoded.1.ledger.value_entries().len(),
        grown(rss_before, memory::current_mib())
    );
    Ok(())
}

fn check_equal(
    books: &Books,
    recon: &ReconciliationState,
    decoded: &Books,
    decoded_recon: &ReconciliationState,
) -> Result<(), String> {
    let (a, b) = (&books.ledger, &decoded.ledger);
    let same = a.item_ledger_entries() == b.item_ledger_entries()
        && a.value_entries() == b.value_entries()
        && a.item_application_entries() == b.item_application_entries()
        && a.entry_points() == b.entry_points()
        && books.general_ledger.entries() == decoded.general_ledger.entries()
        && books.general_ledger.relations() == decoded.general_ledger.relations()
        && books.general_ledger.registers() == decoded.general_ledger.registers()
        && books.general_ledger.queue() == decoded.general_ledger.queue()
        && recon == decoded_recon;
    if same {
        println!("decoded tables and reconciliation equal the original's");
        Ok(())
    } else {
        Err("the decoded books differ from the original".to_string())
    }
}

fn grown(before: Option<f64>, after: Option<f64>) -> String {
    match (before, after) {
        (Some(before), Some(after)) => format!("{:.0} MiB of RSS", after - before),
        _ => "n/a".to_string(),
    }
}
