//! The end-to-end benchmark through the binary (issue 14): what a user gets from `stockpost` on
//! the shared peer history (`../shared/bench/gen_inventory.py`) at 100k and 1M movements.
//!
//! Every step is the release `stockpost` binary in its own process, measured by the kernel (wall,
//! user + system CPU, peak resident memory; `benches/cli/measure.rs`): a one-line dry run on the
//! company's configuration (10,000 items at 1M); `post --dry-run` of one journal; `post` into a fresh store, one journal and journals of 1,000 lines; opening the
//! company and posting one more line (a late purchase invoice); `adjust`; `reconcile`;
//! `entries gl --format csv`; `verify`. The valuation each posting prints is checked per item
//! against the generator's oracle (`expected_gen.json`: quantity and value on hand, to the cent).
//! When `bean-check` is installed it is timed on the same history in the same run.
//!
//! ```sh
//! cargo bench --bench cli                                 # 100k and 1M movements
//! cargo bench --bench cli -- --movements 100000           # one size
//! cargo bench --bench cli -- --movements 100000 --steps dry-run,post-one
//! ```
//!
//! Histories, journals and companies are kept under `target/bench/cli/` (generated once per
//! size); docs/performance.md shows the table this prints.

#[path = "cli/history.rs"]
mod history;
#[path = "cli/measure.rs"]
mod measure;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::str::FromStr;
use std::time::Duration;

use rust_decimal::Decimal;

use history::History;
use measure::Measured;

/// The steps, in the order they run (each later one uses the company the earlier ones built).
const STEPS: [&str; 10] = [
    "config",
    "dry-run",
    "post-one",
    "post-batched",
    "post-late-line",
    "adjust",
    "reconcile",
    "entries-gl",
    "verify",
    "bean-check",
];

struct Options {
    movements: Vec<usize>,
    steps: Vec<String>,
    time_limit: Duration,
    dir: PathBuf,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        movements: vec![10_000],
        steps: STEPS.iter().map(|s| s.to_string()).collect(),
        time_limit: Duration::from_secs(1_200),
        dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench/cli"),
    };
    let mut movements_given = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--bench" if !movements_given => options.movements = vec![100_000, 1_000_000],
            "--bench" => {}
            "--movements" => {
                options.movements = value()?
                    .split(',')
                    .map(|n| n.trim().replace('_', "").parse::<usize>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| "--movements takes whole numbers, comma-separated".to_string())?;
                movements_given = true;
            }
            "--steps" => {
                let chosen: Vec<String> =
                    value()?.split(',').map(|s| s.trim().to_string()).collect();
                if let Some(unknown) = chosen.iter().find(|s| !STEPS.contains(&s.as_str())) {
                    return Err(format!(
                        "unknown step {unknown:?}; the steps: {}",
                        STEPS.join(",")
                    ));
                }
                options.steps = chosen;
            }
            "--time-limit" => {
                let seconds: u64 = value()?
                    .parse()
                    .map_err(|_| "--time-limit takes seconds".to_string())?;
                options.time_limit = Duration::from_secs(seconds);
            }
            "--dir" => options.dir = PathBuf::from(value()?),
            _ => {
                return Err(format!(
                    "unknown argument {arg:?}\nusage: cargo bench --bench cli -- [--movements N,N] \
                     [--steps {}] [--time-limit SECONDS] [--dir DIR]",
                    STEPS.join(",")
                ))
            }
        }
    }
    Ok(options)
}

/// One row of the result table.
struct Row {
    movements: usize,
    step: &'static str,
    measured: Measured,
    result: String,
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some(history::PREPARE_ARG) {
        let root = PathBuf::from(args.next().unwrap_or_default());
        let movements = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        return match history::generate_and_convert(&root, movements) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("cli bench: {message}");
                ExitCode::FAILURE
            }
        };
    }
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("cli bench: {message}");
            return ExitCode::from(2);
        }
    };
    if !history::generator().exists() {
        eprintln!(
            "cli bench: skipped, the history generator {} is not here (set STOCKPOST_GEN_INVENTORY)",
            history::generator().display()
        );
        return ExitCode::SUCCESS;
    }
    let mut rows = Vec::new();
    let mut failed = false;
    for &movements in &options.movements {
        match run_size(&options, movements, &mut rows) {
            Ok(all_exact) => failed |= !all_exact,
            Err(message) => {
                eprintln!("cli bench, {movements} movements: {message}");
                failed = true;
            }
        }
    }
    print_table(&rows);
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn stockpost() -> Command {
    Command::new(env!("CARGO_BIN_EXE_stockpost"))
}

/// Runs the chosen steps on one size; false when a result was not what the oracle says.
fn run_size(options: &Options, movements: usize, rows: &mut Vec<Row>) -> Result<bool, String> {
    let history = history::prepare(&options.dir, movements)?;
    let out = history.dir.join("out");
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let wants = |step: &str| options.steps.iter().any(|s| s == step);
    let mut all_good = true;
    let one = history.dir.join("company-one");
    let batched = history.dir.join("company-batched");
    let mut step = |name: &'static str,
                    command: Command,
                    check: &dyn Fn(&Path, &Measured) -> Result<String, String>|
     -> Result<(), String> {
        eprintln!("{movements} movements: {name} ...");
        let output = out.join(format!("{name}.out"));
        let measured = measure::run(command, &output, options.time_limit)?;
        let result = if measured.exit.is_none() {
            Err(measured.describe_exit())
        } else {
            check(&output, &measured)
        };
        let result = result.unwrap_or_else(|problem| {
            all_good = false;
            format!("FAILED: {problem}")
        });
        eprintln!(
            "  {:.1} s wall, {:.1} s CPU, {:.0} MiB peak: {result}",
            measured.wall, measured.cpu, measured.peak_mib
        );
        rows.push(Row {
            movements,
            step: name,
            measured,
            result,
        });
        Ok(())
    };

    let exit_zero = |output: &Path, m: &Measured| -> Result<String, String> {
        match m.exit {
            Some(0) => Ok("exit 0".to_string()),
            _ => Err(format!(
                "{} ({})",
                m.describe_exit(),
                first_error_line(output)
            )),
        }
    };
    let template = history.dir.join("company-template");
    fresh_company(&template, &history)?;
    if wants("config") {
        // The whole process on a one-line journal: reading the configuration of every item
        // (10,000 at 1M movements), compiling the rules, posting one line.
        let one_line = out.join("one-line.csv");
        let journal = fs::File::open(&history.one_journal)
            .map_err(|e| format!("cannot read {}: {e}", history.one_journal.display()))?;
        let two_lines: Vec<String> = std::io::BufRead::lines(std::io::BufReader::new(journal))
            .take(2)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("cannot read {}: {e}", history.one_journal.display()))?;
        fs::write(&one_line, two_lines.join("\n") + "\n")
            .map_err(|e| format!("cannot write {}: {e}", one_line.display()))?;
        let mut command = stockpost();
        command
            .args(["post", "--dry-run", "--company"])
            .arg(&template)
            .arg(&one_line);
        let items = history.expected.len();
        step("config", command, &|output: &Path, m: &Measured| {
            exit_zero(output, m).map(|_| format!("{items} items configured, one line posted"))
        })?;
    }
    if wants("dry-run") {
        let mut command = post_json(&template, std::slice::from_ref(&history.one_journal));
        command.arg("--dry-run");
        let check = |output: &Path, m: &Measured| {
            check_valuation(&history, output, m)
                .map(|exact| format!("{} journal lines; {exact}", history.journal_lines))
        };
        step("dry-run", command, &check)?;
    }
    if wants("post-one") {
        fresh_company(&one, &history)?;
        let command = post_json(&one, std::slice::from_ref(&history.one_journal));
        let check = |output: &Path, m: &Measured| {
            check_valuation(&history, output, m)
                .map(|exact| format!("{exact}; {}", database_size(&one, movements)))
        };
        step("post-one", command, &check)?;
    }
    if wants("post-batched") {
        fresh_company(&batched, &history)?;
        let command = post_json(&batched, &history.batches);
        let check = |output: &Path, m: &Measured| {
            check_valuation(&history, output, m).map(|exact| {
                format!(
                    "{} journals; {exact}; {}",
                    history.batches.len(),
                    database_size(&batched, movements)
                )
            })
        };
        step("post-batched", command, &check)?;
    }
    if wants("post-late-line") {
        let mut command = stockpost();
        command
            .args(["post", "--company"])
            .arg(&one)
            .arg(&history.late_invoice);
        step("post-late-line", command, &exit_zero)?;
    }
    if wants("adjust") {
        let mut command = stockpost();
        command.args(["adjust", "--company"]).arg(&one);
        step("adjust", command, &|output: &Path, m: &Measured| {
            exit_zero(output, m)?;
            let text = fs::read_to_string(output).unwrap_or_default();
            Ok(text
                .lines()
                .find(|line| line.contains("value entries created"))
                .unwrap_or("exit 0")
                .trim()
                .to_string())
        })?;
    }
    if wants("reconcile") {
        let mut command = stockpost();
        command.args(["reconcile", "--company"]).arg(&one);
        step("reconcile", command, &|output: &Path, m: &Measured| {
            exit_zero(output, m).map(|_| "reconciled (exit 0)".to_string())
        })?;
    }
    if wants("entries-gl") {
        let mut command = stockpost();
        command
            .args(["entries", "gl", "--format", "csv", "--company"])
            .arg(&one);
        step("entries-gl", command, &|output: &Path, m: &Measured| {
            exit_zero(output, m)?;
            let rows = history::count_lines(output)?.saturating_sub(1);
            Ok(format!("{rows} G/L entries"))
        })?;
    }
    if wants("verify") {
        let mut command = stockpost();
        command.args(["verify", "--company"]).arg(&one);
        step("verify", command, &exit_zero)?;
    }
    if wants("bean-check") {
        if Command::new("bean-check").arg("--version").output().is_ok() {
            let mut command = Command::new("bean-check");
            command
                .env("BEANCOUNT_DISABLE_LOAD_CACHE", "1")
                .arg(&history.beancount);
            step("bean-check", command, &exit_zero)?;
        } else {
            eprintln!("{movements} movements: bean-check is not installed (pip install beancount); the peer is not timed");
        }
    }
    Ok(all_good)
}

/// `stockpost post --format json --company COMPANY JOURNAL...` (the report the oracle checks).
fn post_json(company: &Path, journals: &[PathBuf]) -> Command {
    let mut command = stockpost();
    command
        .args(["post", "--format", "json", "--company"])
        .arg(company)
        .args(journals);
    command
}

/// A company folder on the ch-kmu pack with the history's items, created afresh.
fn fresh_company(dir: &Path, history: &History) -> Result<(), String> {
    let _ = fs::remove_dir_all(dir);
    let status = stockpost()
        .args(["init", "--chart", "ch-kmu"])
        .arg(dir)
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("cannot run stockpost init: {e}"))?;
    if !status.success() {
        return Err(format!("stockpost init {} failed: {status}", dir.display()));
    }
    // The pack's rule tests name the example company's items; the history has its own.
    let _ = fs::remove_dir_all(dir.join("rules/tests"));
    fs::copy(&history.items_toml, dir.join("config/items.toml"))
        .map_err(|e| format!("cannot write the items of {}: {e}", dir.display()))?;
    // The history starts on 2022-01-01: posting allowed from then, accounting periods monthly.
    let company_toml = dir.join("config/company.toml");
    let text = fs::read_to_string(&company_toml)
        .map_err(|e| format!("cannot read {}: {e}", company_toml.display()))?;
    let mut edited = String::new();
    let mut in_periods = false;
    for line in text.lines() {
        if line.starts_with("allow_posting_from") {
            edited.push_str("allow_posting_from = 2022-01-01\n");
        } else if line.starts_with("inventory_periods_closed_through") {
            edited.push_str("inventory_periods_closed_through = 2021-12-31\n");
        } else if line.starts_with("accounting_period = [") {
            in_periods = true;
            edited.push_str("accounting_period = [\n");
            for year in 2022..=2026 {
                for month in 1..=12 {
                    let new_year = if month == 1 {
                        ", new_fiscal_year = true"
                    } else {
                        ""
                    };
                    edited.push_str(&format!(
                        "    {{ starting_date = {year}-{month:02}-01{new_year} }},\n"
                    ));
                }
            }
            edited.push_str("]\n");
        } else if in_periods {
            in_periods = !line.starts_with(']');
        } else {
            edited.push_str(line);
            edited.push('\n');
        }
    }
    fs::write(&company_toml, edited)
        .map_err(|e| format!("cannot write {}: {e}", company_toml.display()))
}

/// Compares the valuation of a JSON report with the oracle, item by item.
fn check_valuation(history: &History, output: &Path, m: &Measured) -> Result<String, String> {
    if m.exit != Some(0) {
        return Err(format!(
            "{} ({})",
            m.describe_exit(),
            first_error_line(output)
        ));
    }
    let text =
        fs::read_to_string(output).map_err(|e| format!("cannot read {}: {e}", output.display()))?;
    let report: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("the report is not JSON: {e}"))?;
    let rows = report["valuation"]["rows"]
        .as_array()
        .ok_or("the report has no valuation rows")?;
    let mut books: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
    let number = |value: &serde_json::Value| {
        value
            .as_str()
            .and_then(|text| Decimal::from_str(text).ok())
            .ok_or_else(|| format!("not a decimal: {value}"))
    };
    for row in rows {
        let item = row["item"].as_str().ok_or("a valuation row without item")?;
        let entry = books.entry(item.to_string()).or_default();
        entry.0 += number(&row["quantity"])?;
        entry.1 += number(&row["cost_actual"])? + number(&row["cost_expected"])?;
    }
    let mut differing = Vec::new();
    for (item, expected) in &history.expected {
        let (quantity, value) = books.remove(item).unwrap_or_default();
        let expected_quantity = Decimal::from_str(&expected.qty_on_hand).unwrap_or_default();
        let expected_value = Decimal::from_str(&expected.value_on_hand).unwrap_or_default();
        if quantity != expected_quantity || value != expected_value {
            differing.push(format!(
                "{item}: {quantity} / {value}, oracle {expected_quantity} / {expected_value}"
            ));
        }
    }
    differing.extend(
        books
            .keys()
            .map(|item| format!("{item}: not in the oracle")),
    );
    if differing.is_empty() {
        Ok(format!("{} items exact", history.expected.len()))
    } else {
        Err(format!(
            "{} items differ from the oracle, first: {}",
            differing.len(),
            differing[0]
        ))
    }
}

fn database_size(company: &Path, movements: usize) -> String {
    let bytes: u64 = ["stockpost.db", "stockpost.db-wal"]
        .iter()
        .filter_map(|name| fs::metadata(company.join(name)).ok())
        .map(|meta| meta.len())
        .sum();
    format!(
        "database {:.0} MiB, {:.0} bytes per movement",
        bytes as f64 / (1024.0 * 1024.0),
        bytes as f64 / movements as f64
    )
}

fn first_error_line(output: &Path) -> String {
    fs::read_to_string(output.with_extension("err"))
        .unwrap_or_default()
        .lines()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("no message")
        .to_string()
}

fn print_table(rows: &[Row]) {
    println!();
    println!("| movements | step | wall s | CPU s | peak MiB | result |");
    println!("|---:|---|---:|---:|---:|---|");
    for row in rows {
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.0} | {} |",
            row.movements,
            row.step,
            row.measured.wall,
            row.measured.cpu,
            row.measured.peak_mib,
            row.result
        );
    }
    for movements in rows
        .iter()
        .map(|row| row.movements)
        .collect::<std::collections::BTreeSet<_>>()
    {
        let cpu_of = |step: &str| {
            rows.iter()
                .find(|row| {
                    row.movements == movements && row.step == step && row.measured.exit == Some(0)
                })
                .map(|row| row.measured.cpu)
        };
        if let Some(peer) = cpu_of("bean-check") {
            for step in ["dry-run", "post-one"] {
                if let Some(ours) = cpu_of(step) {
                    println!(
                        "{movements} movements: {step} {:.1}x faster than bean-check in CPU ({ours:.2} s against {peer:.2} s)",
                        peer / ours
                    );
                }
            }
        }
    }
}
