//! The shared peer history (`../shared/bench/gen_inventory.py`) as a stockpost company: generated
//! once per size and reused, then written as journals the way a user would post it.
//!
//! Mapping (the project's own, see `../shared/bench/README.md`): every item is a FIFO item of the
//! ch-kmu pack (posting groups RESALE / RETAIL, blank location); a purchase is a
//! `purchase_receipt` and its `purchase_invoice` at `unit_cost`, a sale a `sales_shipment` and its
//! `sales_invoice` at `unit_price`, so a movement is two journal lines and creates item ledger
//! entry number `arrival + 1`. The invoice of the first purchase is held back as the "late
//! invoice" (`late.csv`, 10% above the receipt's cost), posted after the history is checked
//! against the oracle: until then that receipt is valued at its expected cost, the oracle's.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Journal lines per file in the batched step.
pub const LINES_PER_JOURNAL: usize = 1_000;

/// One movement of the neutral CSV.
struct Movement {
    arrival: u64,
    date: String,
    item: String,
    purchase: bool,
    qty: String,
    unit_cost: String,
    unit_price: String,
}

/// What the oracle expects of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expected {
    pub qty_on_hand: String,
    pub value_on_hand: String,
}

/// A prepared history: journals, the company template's items and the oracle.
pub struct History {
    pub dir: PathBuf,
    /// The whole history as one journal.
    pub one_journal: PathBuf,
    /// The same lines in journals of `LINES_PER_JOURNAL`.
    pub batches: Vec<PathBuf>,
    /// The held-back invoice of the first purchase.
    pub late_invoice: PathBuf,
    /// `items.toml` for the company.
    pub items_toml: PathBuf,
    /// The beancount file of the same history (for the peer).
    pub beancount: PathBuf,
    pub expected: BTreeMap<String, Expected>,
    pub journal_lines: usize,
}

/// The generator script.
pub fn generator() -> PathBuf {
    match std::env::var_os("STOCKPOST_GEN_INVENTORY") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_inventory.py"),
    }
}

/// The argument that makes the bench binary generate and convert one history, then exit.
pub const PREPARE_ARG: &str = "--prepare-history";

/// The history of `movements` under `root`, generated and converted first when not there yet.
///
/// The heavy work runs in a child process (the bench binary with [`PREPARE_ARG`]): a child's
/// peak memory as the kernel reports it starts from its parent's peak (the parent's memory
/// until `exec`), so the parent stays small and every step's figure is the step's own.
pub fn prepare(root: &Path, movements: usize) -> Result<History, String> {
    let dir = root.join(format!("m{movements}"));
    let exe = std::env::current_exe().map_err(|e| format!("cannot find the bench binary: {e}"))?;
    let status = Command::new(exe)
        .arg(PREPARE_ARG)
        .arg(root)
        .arg(movements.to_string())
        .status()
        .map_err(|e| format!("cannot start the preparing child: {e}"))?;
    if !status.success() {
        return Err(format!(
            "preparing the history of {movements} movements failed: {status}"
        ));
    }
    let journals = dir.join("journals");
    let batches_dir = journals.join("batches");
    let one_journal = journals.join("history.csv");
    let journal_lines = count_lines(&one_journal)?.saturating_sub(1);
    let mut batches: Vec<PathBuf> = fs::read_dir(&batches_dir)
        .map_err(|e| format!("cannot read {}: {e}", batches_dir.display()))?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .collect();
    batches.sort();
    Ok(History {
        beancount: dir.join("history.beancount"),
        expected: read_expected(&dir.join("history.expected_gen.json"))?,
        late_invoice: journals.join("late.csv"),
        items_toml: dir.join("items.toml"),
        dir,
        one_journal,
        batches,
        journal_lines,
    })
}

/// The lines of a file, read a block at a time (the parent never holds a journal).
pub fn count_lines(path: &Path) -> Result<usize, String> {
    use std::io::Read;
    let mut file =
        fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut block = vec![0u8; 1 << 16];
    let mut lines = 0;
    loop {
        let read = file
            .read(&mut block)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if read == 0 {
            return Ok(lines);
        }
        lines += block[..read].iter().filter(|&&b| b == b'\n').count();
    }
}

/// The child's work: generates the history (unless there) and writes its journals (unless
/// there).
pub fn generate_and_convert(root: &Path, movements: usize) -> Result<(), String> {
    let dir = root.join(format!("m{movements}"));
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let prefix = dir.join("history");
    let csv = prefix.with_extension("csv");
    let expected_json = dir.join("history.expected_gen.json");
    if !csv.exists() || !expected_json.exists() {
        let script = generator();
        eprintln!(
            "generating {movements} movements with {} ...",
            script.display()
        );
        let status = Command::new("python3")
            .arg(&script)
            .arg("--movements")
            .arg(movements.to_string())
            .arg("--out")
            .arg(&prefix)
            .stdout(std::process::Stdio::null())
            .status()
            .map_err(|e| format!("cannot run python3 {}: {e}", script.display()))?;
        if !status.success() {
            return Err(format!("{} failed: {status}", script.display()));
        }
    }
    let journals = dir.join("journals");
    let batches_dir = journals.join("batches");
    let one_journal = journals.join("history.csv");
    if one_journal.exists() && batches_dir.exists() {
        return Ok(());
    }
    eprintln!("writing the journals of {movements} movements ...");
    let expected = read_expected(&expected_json)?;
    let lines = journal_lines(&read_movements(&csv)?);
    let _ = fs::remove_dir_all(&journals);
    fs::create_dir_all(&batches_dir)
        .map_err(|e| format!("cannot create {}: {e}", batches_dir.display()))?;
    let (late, posted): (Vec<&JournalLine>, Vec<&JournalLine>) =
        lines.iter().partition(|line| line.late);
    write_journal(&journals.join("late.csv"), late.iter().copied())?;
    for (index, chunk) in posted.chunks(LINES_PER_JOURNAL).enumerate() {
        let path = batches_dir.join(format!("batch-{:05}.csv", index + 1));
        write_journal(&path, chunk.iter().copied())?;
    }
    write_items(&dir.join("items.toml"), expected.keys())?;
    // Written last: its presence says the conversion finished.
    write_journal(&one_journal, posted.iter().copied())
}

fn read_movements(csv: &Path) -> Result<Vec<Movement>, String> {
    let text =
        fs::read_to_string(csv).map_err(|e| format!("cannot read {}: {e}", csv.display()))?;
    let mut movements = Vec::new();
    for (index, line) in text.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let [_seq, arrival, date, item, kind, qty, unit_cost, unit_price] = fields[..] else {
            return Err(format!(
                "{}:{}: expected 8 fields",
                csv.display(),
                index + 1
            ));
        };
        movements.push(Movement {
            arrival: arrival
                .parse()
                .map_err(|_| format!("{}:{}: bad arrival", csv.display(), index + 1))?,
            date: date.to_string(),
            item: item.to_string(),
            purchase: kind == "purchase",
            qty: qty.to_string(),
            unit_cost: unit_cost.to_string(),
            unit_price: unit_price.to_string(),
        });
    }
    movements.sort_by_key(|movement| movement.arrival);
    Ok(movements)
}

fn read_expected(path: &Path) -> Result<BTreeMap<String, Expected>, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let items = json["items"]
        .as_object()
        .ok_or_else(|| format!("{}: no \"items\" object", path.display()))?;
    Ok(items
        .iter()
        .map(|(item, figures)| {
            let text = |key: &str| match &figures[key] {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            (
                item.clone(),
                Expected {
                    qty_on_hand: text("qty_on_hand"),
                    value_on_hand: text("value_on_hand"),
                },
            )
        })
        .collect())
}

const HEADER: &str = "type,posting_date,document_no,gen_bus_posting_group,item,quantity,unit_cost,\
                      unit_price,receipt_entry_no,shipment_entry_no";

struct JournalLine {
    text: String,
    late: bool,
}

fn journal_lines(movements: &[Movement]) -> Vec<JournalLine> {
    let mut lines = Vec::with_capacity(movements.len() * 2);
    let last_date = movements
        .iter()
        .map(|m| m.date.as_str())
        .max()
        .unwrap_or("2022-01-01")
        .to_string();
    let mut first_purchase = true;
    for (index, m) in movements.iter().enumerate() {
        let entry_no = index + 1;
        let seq = m.arrival;
        if m.purchase {
            lines.push(JournalLine {
                text: format!(
                    "purchase_receipt,{},R{seq},DOMESTIC,{},{},{},,,",
                    m.date, m.item, m.qty, m.unit_cost
                ),
                late: false,
            });
            let (date, late, unit_cost) = if first_purchase {
                (last_date.as_str(), true, late_unit_cost(&m.unit_cost))
            } else {
                (m.date.as_str(), false, m.unit_cost.clone())
            };
            first_purchase = false;
            lines.push(JournalLine {
                text: format!(
                    "purchase_invoice,{date},PI{seq},DOMESTIC,,{},{unit_cost},,{entry_no},",
                    m.qty
                ),
                late,
            });
        } else {
            lines.push(JournalLine {
                text: format!(
                    "sales_shipment,{},S{seq},DOMESTIC,{},{},,{},,",
                    m.date, m.item, m.qty, m.unit_price
                ),
                late: false,
            });
            lines.push(JournalLine {
                text: format!(
                    "sales_invoice,{},SI{seq},DOMESTIC,,{},,{},,{entry_no}",
                    m.date, m.qty, m.unit_price
                ),
                late: false,
            });
        }
    }
    lines
}

/// The late invoice costs 10% more than the receipt expected, so that cost adjustment has cost
/// to forward to the sales that used the goods.
fn late_unit_cost(expected: &str) -> String {
    let expected: rust_decimal::Decimal = expected.parse().unwrap_or_default();
    (expected * rust_decimal::Decimal::new(11, 1))
        .round_dp(2)
        .to_string()
}

fn write_journal<'a>(
    path: &Path,
    lines: impl Iterator<Item = &'a JournalLine>,
) -> Result<(), String> {
    let mut text = String::with_capacity(1 << 20);
    text.push_str(HEADER);
    text.push('\n');
    for line in lines {
        text.push_str(&line.text);
        text.push('\n');
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn write_items<'a>(path: &Path, items: impl Iterator<Item = &'a String>) -> Result<(), String> {
    let mut text =
        String::from("# The peer history's items: every one FIFO (benches/cli/history.rs).\n");
    for item in items {
        let _ = write!(
            text,
            "\n[[item]]\nno = \"{item}\"\ncosting_method = \"fifo\"\n\
             inventory_posting_group = \"RESALE\"\ngen_prod_posting_group = \"RETAIL\"\n"
        );
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
