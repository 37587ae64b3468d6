//! What the benchmark binaries share: their command line (`--lines`, `--items`, `--seed`,
//! `--batch-size`, `--phase`) and how they print counts.

/// Journal lines under `cargo bench`, the history the issues ask for.
pub const BENCH_LINES: usize = 1_000_000;
/// Journal lines when a bench binary runs without `--bench` (as `cargo test --all-targets` runs
/// it): a quick smoke run that still checks the generator against the engine.
pub const SMOKE_LINES: usize = 2_000;

/// A bench run's options.
pub struct Options {
    pub lines: usize,
    pub items: usize,
    pub seed: u64,
    pub batch_size: usize,
    pub phases: Vec<String>,
}

/// Parses the arguments after the program name; `known_phases` are the bench's phases, all run
/// by default.
pub fn parse_options(
    mut args: impl Iterator<Item = String>,
    known_phases: &[&str],
) -> Result<Options, String> {
    let mut options = Options {
        lines: SMOKE_LINES,
        items: 1_000,
        seed: 42,
        batch_size: 1_000,
        phases: known_phases.iter().map(|phase| phase.to_string()).collect(),
    };
    let mut lines_given = false;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            // `cargo bench` passes `--bench` to every bench binary; only then is the default
            // the full history (an explicit `--lines` wins, whatever its position).
            "--bench" => {
                if !lines_given {
                    options.lines = BENCH_LINES;
                }
            }
            "--lines" => {
                options.lines = number(&arg, &value()?)?;
                lines_given = true;
            }
            "--items" => options.items = number(&arg, &value()?)?,
            "--seed" => options.seed = number(&arg, &value()?)? as u64,
            "--batch-size" => options.batch_size = number(&arg, &value()?)?,
            "--phase" | "--phases" => options.phases = phases(&value()?, known_phases)?,
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    if options.items < 4 || options.batch_size == 0 || options.lines == 0 {
        return Err("--items must be at least 4, --batch-size and --lines at least 1".to_string());
    }
    Ok(options)
}

/// The usage line of a bench binary.
pub fn usage(bench: &str, known_phases: &[&str]) -> String {
    format!(
        "usage: cargo bench --bench {bench} -- [--lines N] [--items N] [--seed N] \
         [--batch-size N] [--phase {}]",
        known_phases.join(",")
    )
}

fn number(arg: &str, value: &str) -> Result<usize, String> {
    value
        .replace('_', "")
        .parse()
        .map_err(|_| format!("{arg}: {value:?} is not a whole number"))
}

fn phases(value: &str, known_phases: &[&str]) -> Result<Vec<String>, String> {
    let chosen: Vec<String> = value.split(',').map(|p| p.trim().to_string()).collect();
    match chosen.iter().find(|p| !known_phases.contains(&p.as_str())) {
        Some(unknown) => Err(format!(
            "unknown phase {unknown:?}; use {}",
            known_phases.join(",")
        )),
        None => Ok(chosen),
    }
}

/// 1234567 as "1,234,567".
pub fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}
