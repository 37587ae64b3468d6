//! The hot-reload benchmark: the time from a rule file being written to the new rule set being
//! active in `stockpost watch`, without the debounce window (reported on its own).
//!
//! In process, each run rewrites `rules/inventory.rhai` (a new comment, so the hash changes) and
//! times what the watcher's loader and main loop do with it: `watch::reload::load_candidate`
//! (read every file, compile, evaluate every known key, check every account against the chart,
//! run the rule tests of `rules/tests/`) and `StoredCompany::swap_company`. Three companies: the
//! example one (`stockpost init`), the same with the year scenario of `rules/tests/year/` among
//! its rule tests (what the scenario adds to a reload), and the example with more locations and
//! item categories, so that its rules evaluate 1,000 keys at load.
//!
//! End to end, `stockpost watch --debounce-ms 300` runs as a child; each run writes the rule file
//! and waits for `rules_reloaded`, whose `load_ms` counts from the debounced notification to the
//! swap (so without the debounce window); the wall time from the write to the event is shown
//! beside it (debounce, notification and the event file's polling included).
//!
//! ```sh
//! cargo bench --bench reload                 # 20 runs each
//! cargo bench --bench reload -- --runs 50
//! ```
//! Recorded in docs/performance.md, "Hot reload".

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use stockpost::company::{CompanyDefinition, LoadedCompany, OpenMode, Quiet, StoredCompany};
use stockpost::watch::reload::{load_candidate, LoadOutcome};
use stockpost::watch::rule_tests::run_for_reload;

/// Runs per measurement under `cargo bench`, and without `--bench` (`cargo test --all-targets`).
const BENCH_RUNS: usize = 20;
const SMOKE_RUNS: usize = 2;
/// The watcher's default debounce window, used for the end-to-end runs.
const DEBOUNCE_MS: u64 = 300;

fn main() -> ExitCode {
    let mut runs = SMOKE_RUNS;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--bench" => runs = runs.max(BENCH_RUNS),
            "--runs" => match args.next().and_then(|value| value.parse().ok()) {
                Some(value) if value > 0 => runs = value,
                _ => return usage("--runs needs a number above 0"),
            },
            other => return usage(&format!("unknown argument {other:?}")),
        }
    }
    match run(runs) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("reload bench: {message}");
            ExitCode::FAILURE
        }
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("reload bench: {message}\nusage: cargo bench --bench reload -- [--runs N]");
    ExitCode::from(2)
}

fn run(runs: usize) -> Result<(), String> {
    let temp = tempfile::tempdir().map_err(|error| error.to_string())?;
    println!("hot reload, {runs} runs per row (milliseconds)");
    println!(
        "{:<34} {:>6} {:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "company", "keys", "rows", "read", "build", "tests", "swap", "median", "p95"
    );
    let example = init_company(temp.path(), "example")?;
    in_process(&example, "example (init)", runs)?;
    let with_year = init_company(temp.path(), "with-year")?;
    add_year_scenario(&with_year)?;
    in_process(&with_year, "example + year scenario", runs)?;
    let large = init_company(temp.path(), "thousand-keys")?;
    widen_to_1000_keys(&large)?;
    in_process(&large, "example + 4 locations, 1 category", runs)?;
    println!();
    println!("end to end: stockpost watch --debounce-ms {DEBOUNCE_MS}, {runs} saves");
    end_to_end(&example, runs)?;
    Ok(())
}

/// `stockpost init DIR/NAME`.
fn init_company(temp: &Path, name: &str) -> Result<PathBuf, String> {
    let folder = temp.join(name);
    let output = Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .arg("init")
        .arg(&folder)
        .output()
        .map_err(|error| format!("stockpost init: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "stockpost init: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(folder)
}

/// Copies the example's rule test scenario `rules/tests/year/` (54 journal lines posted, adjusted
/// and compared with its balances at every reload) into the company.
fn add_year_scenario(folder: &Path) -> Result<(), String> {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/ch-kmu/tests/year");
    let to = folder.join("rules/ch-kmu/tests/year");
    std::fs::create_dir_all(&to).map_err(|error| format!("{}: {error}", to.display()))?;
    let entries =
        std::fs::read_dir(&from).map_err(|error| format!("{}: {error}", from.display()))?;
    for entry in entries {
        let path = entry.map_err(|error| error.to_string())?.path();
        let name = path.file_name().ok_or("a file without a name")?;
        std::fs::copy(&path, to.join(name))
            .map_err(|error| format!("{}: {error}", path.display()))?;
    }
    Ok(())
}

/// Four more locations and a fifth (posting group, item category): the rules then evaluate
/// 8 locations x 5 groups x 5 entry types inventory keys (200) and 4 business groups x 5 x 5 x 8
/// general keys (800) at load.
fn widen_to_1000_keys(folder: &Path) -> Result<(), String> {
    let mut locations = read(&folder.join("config/locations.toml"))?;
    for (code, country) in [
        ("ZUG", "CH"),
        ("GENF", "CH"),
        ("MILANO", "IT"),
        ("PARIS", "FR"),
    ] {
        locations += &format!(
            "\n[[location]]\ncode = \"{code}\"\nname = \"Lager {code}\"\n\
             [location.attributes]\ncountry = \"{country}\"\n"
        );
    }
    write(&folder.join("config/locations.toml"), &locations)?;
    let mut items = read(&folder.join("config/items.toml"))?;
    items += "\n[[item]]\nno = \"4000\"\ndescription = \"Coffee grinder\"\n\
              base_unit_of_measure = \"PCS\"\ncosting_method = \"fifo\"\nunit_cost = 0\n\
              standard_cost = 0\nindirect_cost_percent = 0\noverhead_rate = 0\n\
              inventory_posting_group = \"RESALE\"\ngen_prod_posting_group = \"RETAIL\"\n\
              item_category = \"GRINDERS\"\nserial_tracked = false\n";
    write(&folder.join("config/items.toml"), &items)?;
    // The store was made with the example configuration: open it once so it takes the new one.
    StoredCompany::open(folder, OpenMode::default(), &Quiet)
        .map_err(|error| format!("open the widened company: {}", error.message))?;
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|error| format!("{}: {error}", path.display()))
}

/// Writes the rule file again with a note that makes its hash new.
fn touch_rules(folder: &Path, original: &str, run: usize) -> Result<(), String> {
    write(
        &folder.join("rules/inventory.rhai"),
        &format!("{original}\n// reload bench, save {run}\n"),
    )
}

/// Times of one in-process reload, by step.
#[derive(Default, Clone, Copy)]
struct Steps {
    read: Duration,
    build: Duration,
    tests: Duration,
    swap: Duration,
}

fn in_process(folder: &Path, label: &str, runs: usize) -> Result<(), String> {
    let original = read(&folder.join("rules/inventory.rhai"))?;
    let mut session = StoredCompany::open(folder, OpenMode::default(), &Quiet)
        .map_err(|error| format!("open {}: {}", folder.display(), error.message))?;
    let (keys, rows) = {
        let rules = &session.company().rules;
        (rules.evaluation_count(), rules.mapping().len())
    };
    let mut totals = Vec::new();
    let mut steps = Vec::new();
    for run in 0..runs {
        touch_rules(folder, &original, run)?;
        let current = (
            session.company().config_hash.clone(),
            session.company().rule_set_hash.clone(),
        );
        // What the watcher does: the loader's whole check, then the swap.
        let start = Instant::now();
        let ready = match load_candidate(folder, &current, Instant::now()) {
            LoadOutcome::Ready(ready) => ready,
            LoadOutcome::Rejected { error } => return Err(format!("reload rejected: {error}")),
            LoadOutcome::Unchanged => return Err("the save was not seen as a change".into()),
        };
        session
            .swap_company(ready.definition, ready.company)
            .map_err(|error| format!("swap: {}", error.message))?;
        totals.push(start.elapsed());
        steps.push(time_steps(folder)?);
    }
    write(&folder.join("rules/inventory.rhai"), &original)?;
    let median_of =
        |pick: fn(&Steps) -> Duration| median(&steps.iter().map(pick).collect::<Vec<_>>());
    println!(
        "{label:<34} {keys:>6} {rows:>6} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        ms(median_of(|s| s.read)),
        ms(median_of(|s| s.build)),
        ms(median_of(|s| s.tests)),
        ms(median_of(|s| s.swap)),
        ms(median(&totals)),
        ms(percentile(&totals, 95)),
    );
    Ok(())
}

/// The steps of `load_candidate` and the swap, timed one by one on a second session (the
/// total above is timed as the watcher runs it, in one call).
fn time_steps(folder: &Path) -> Result<Steps, String> {
    let mut session = StoredCompany::open(folder, OpenMode::default(), &Quiet)
        .map_err(|error| format!("open: {}", error.message))?;
    let start = Instant::now();
    let definition = CompanyDefinition::read(folder).map_err(|error| error.message)?;
    let read = start.elapsed();
    let company = LoadedCompany::build(&definition.config, &definition.rules, Some(folder))
        .map_err(|error| error.message)?;
    let build = start.elapsed() - read;
    run_for_reload(folder, &company)?;
    let tests = start.elapsed() - read - build;
    let before_swap = Instant::now();
    session
        .swap_company(definition, company)
        .map_err(|error| error.message)?;
    let swap = before_swap.elapsed();
    Ok(Steps {
        read,
        build,
        tests,
        swap,
    })
}

/// Saves the rule file `runs` times under a running watcher; prints `load_ms` (from the
/// debounced notification to the swap) and the wall time from the write to the event.
fn end_to_end(folder: &Path, runs: usize) -> Result<(), String> {
    let events = folder.join("bench-events.jsonl");
    let mut child = Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .arg("watch")
        .arg("--company")
        .arg(folder)
        .arg("--events")
        .arg(&events)
        .args(["--debounce-ms", &DEBOUNCE_MS.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("stockpost watch: {error}"))?;
    let result = save_and_wait(folder, &events, runs);
    stop(&mut child);
    let (load, wall) = result?;
    println!(
        "load_ms (debounced change to swap): median {} ms, p95 {} ms",
        ms(median(&load)),
        ms(percentile(&load, 95))
    );
    println!(
        "write to rules_reloaded seen (debounce {DEBOUNCE_MS} ms included): median {} ms, \
         p95 {} ms",
        ms(median(&wall)),
        ms(percentile(&wall, 95))
    );
    Ok(())
}

fn save_and_wait(
    folder: &Path,
    events: &Path,
    runs: usize,
) -> Result<(Vec<Duration>, Vec<Duration>), String> {
    wait_for_events(events, "started", 1)?;
    let original = read(&folder.join("rules/inventory.rhai"))?;
    let (mut load, mut wall) = (Vec::new(), Vec::new());
    for run in 0..runs {
        // The last file events of the previous save are handed over up to a window later and
        // would load this save early: let them pass first.
        std::thread::sleep(Duration::from_millis(3 * DEBOUNCE_MS));
        let start = Instant::now();
        touch_rules(folder, &original, 1_000 + run)?;
        let event = wait_for_events(events, "rules_reloaded", run + 1)?;
        wall.push(start.elapsed());
        let load_ms = event["load_ms"]
            .as_u64()
            .ok_or("rules_reloaded without load_ms")?;
        load.push(Duration::from_millis(load_ms));
    }
    Ok((load, wall))
}

/// Polls the events file (every 2 ms, up to 30 s) for the `count`-th event of `kind`.
fn wait_for_events(events: &Path, kind: &str, count: usize) -> Result<serde_json::Value, String> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        let text = std::fs::read_to_string(events).unwrap_or_default();
        let found = text
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|event| event["event"] == kind)
            .nth(count - 1);
        if let Some(event) = found {
            return Ok(event);
        }
        if text.contains("\"reload_rejected\"") {
            return Err(format!("the watcher rejected a reload:\n{text}"));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    Err(format!("no {kind} #{count} within 30 s"))
}

fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn median(times: &[Duration]) -> Duration {
    percentile(times, 50)
}

/// The nearest-rank percentile.
fn percentile(times: &[Duration], percent: usize) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}
