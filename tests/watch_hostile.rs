//! `stockpost watch` under careless writers and bad journals, through the real binary: a writer
//! that pauses mid-file, a writer that appends after the file was taken, a journal that stopped
//! the watcher last time, a rule change while the inbox is full, and the inbox's name order.

mod hostile_support;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use hostile_support::{company, stdout, stockpost, Watch};

fn purchase_lines(from: usize, to: usize) -> String {
    (from..to)
        .map(|index| format!("purchase,2026-10-01,P-{index},1000,MAIN,1,10\n"))
        .collect()
}

const HEADER: &str = "type,posting_date,document_no,item,location,quantity,unit_cost\n";

fn value_entries(folder: &Path) -> u64 {
    let output = stockpost(folder, &["status", "--company", "."]);
    stdout(&output)
        .lines()
        .find_map(|line| line.strip_prefix("entries: "))
        .and_then(|rest| rest.split(" item ledger, ").nth(1))
        .and_then(|rest| rest.split(' ').next())
        .and_then(|count| count.parse().ok())
        .unwrap_or(0)
}

/// A writer that keeps the file open and pauses 1.5 s (three settle windows) at a line boundary
/// gets its whole file posted: the watcher waits for it to close the file.
#[test]
fn a_writer_pausing_mid_file_gets_the_whole_file_posted() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "slow");
    let mut watch = Watch::start(&folder, 500);
    let mut file = std::fs::File::create(folder.join("inbox/slow.csv")).unwrap();
    file.write_all(format!("{HEADER}{}", purchase_lines(0, 5)).as_bytes())
        .unwrap();
    file.flush().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    file.write_all(purchase_lines(5, 10).as_bytes()).unwrap();
    drop(file);
    let posted = watch
        .wait_for("batch_posted", Duration::from_secs(10))
        .expect("posted");
    assert!(posted.contains("\"lines\":10"), "{posted}");
    assert!(folder.join("inbox/done/slow.csv").is_file());
    assert_eq!(value_entries(&folder), 10);
}

/// A writer that appends to the file after the watcher read it: the batch holds what was read,
/// and the file goes to `inbox/changed/` with a receipt, an event and the status saying so.
#[test]
fn a_journal_that_changes_after_it_was_read_is_reported_not_filed_as_done() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "changed");
    // A journal large enough that posting it takes a while, appended to as soon as it is taken.
    let mut text = HEADER.to_string();
    text += &purchase_lines(0, 3000);
    let path = folder.join("inbox/big.csv");
    let mut watch = Watch::start(&folder, 200);
    std::fs::write(&path, &text).unwrap();
    // Append once the watcher has marked the file as being posted.
    let marker = folder.join("inbox/.processing");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !marker.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(1));
    }
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    file.write_all(purchase_lines(3000, 3001).as_bytes())
        .unwrap();
    drop(file);
    let changed = watch
        .wait_for("journal_changed", Duration::from_secs(30))
        .unwrap_or_else(|| panic!("no journal_changed event: {:?}", watch.seen));
    assert!(changed.contains("\"posted_lines\":3000"), "{changed}");
    let receipt =
        std::fs::read_to_string(folder.join("inbox/changed/big.csv.receipt.json")).unwrap();
    assert!(receipt.contains("\"posted_lines\": 3000"), "{receipt}");
    assert!(!folder.join("inbox/done/big.csv").exists());
    // The status file is rewritten once the turn that emitted the event ends.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut status = String::new();
    while !status.contains("\"changed_after_read\": [\n    \"inbox/big.csv\"")
        && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
        status = std::fs::read_to_string(folder.join("watch-status.json")).unwrap_or_default();
    }
    assert!(
        status.contains("\"changed_after_read\": [\n    \"inbox/big.csv\""),
        "{status}"
    );
    assert_eq!(value_entries(&folder), 3000);
}

/// Whether `condition` holds within 5 s (the watcher finishes its turn after its event).
fn eventually(condition: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !condition() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    true
}

/// What a watcher that died while posting `journal` for the `attempt`-th time leaves behind.
fn interrupted_marker(folder: &Path, journal: &Path, attempt: u32) {
    use sha2::{Digest, Sha256};
    let hash: String = Sha256::digest(std::fs::read(journal).unwrap())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let canonical = std::fs::canonicalize(journal).unwrap();
    std::fs::write(
        folder.join("inbox/.processing"),
        format!("{hash}\n{}\n{attempt}\n", canonical.display()),
    )
    .unwrap();
}

/// A journal that stopped the watcher twice (it was being posted when the process died, and
/// again on the retry) is set aside in `rejected/` at the next start, once, and the journals
/// after it post.
#[test]
fn a_journal_that_stopped_the_watcher_twice_is_rejected_once_not_retried_forever() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "poison");
    let poison = folder.join("inbox/01-poison.csv");
    std::fs::write(&poison, format!("{HEADER}{}", purchase_lines(0, 2))).unwrap();
    std::fs::write(
        folder.join("inbox/02-next.csv"),
        format!("{HEADER}{}", purchase_lines(10, 12)),
    )
    .unwrap();
    interrupted_marker(&folder, &poison, 2);
    let mut watch = Watch::start(&folder, 100);
    let rejected = watch
        .wait_for("batch_rejected", Duration::from_secs(10))
        .expect("rejected");
    assert!(rejected.contains("01-poison.csv"), "{rejected}");
    let posted = watch
        .wait_for("batch_posted", Duration::from_secs(10))
        .expect("the next journal posts");
    assert!(posted.contains("02-next.csv"), "{posted}");
    let report =
        std::fs::read_to_string(folder.join("inbox/rejected/01-poison.csv.error.txt")).unwrap();
    assert!(
        report.contains("the watcher stopped 2 times while posting this journal"),
        "{report}"
    );
    assert!(eventually(|| !folder.join("inbox/.processing").exists()));
    drop(watch);
    // Started again, the watcher has nothing left to refuse.
    let mut watch = Watch::start(&folder, 100);
    assert_eq!(
        watch.wait_for("batch_rejected", Duration::from_millis(800)),
        None
    );
    assert_eq!(value_entries(&folder), 2);
}

/// Stopped once while posting a journal (killed, a power cut), the watcher posts it again at
/// the next start: one interruption is not a verdict on the journal.
#[test]
fn a_journal_interrupted_once_is_posted_at_the_next_start() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "retry");
    let journal = folder.join("inbox/01-once.csv");
    std::fs::write(&journal, format!("{HEADER}{}", purchase_lines(0, 3))).unwrap();
    interrupted_marker(&folder, &journal, 1);
    let mut watch = Watch::start(&folder, 100);
    let posted = watch
        .wait_for("batch_posted", Duration::from_secs(10))
        .expect("posted on the retry");
    assert!(posted.contains("01-once.csv"), "{posted}");
    assert_eq!(watch.count("batch_rejected"), 0);
    assert!(eventually(|| !folder.join("inbox/.processing").exists()));
    assert_eq!(value_entries(&folder), 3);
}

/// The same through real crashes: the watcher is killed (SIGKILL) twice while posting a large
/// journal; the third start sets the journal aside instead of dying on it again.
#[test]
fn a_watcher_killed_twice_on_a_journal_sets_it_aside() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "killed");
    let staged = root.path().join("big.csv");
    std::fs::write(&staged, format!("{HEADER}{}", purchase_lines(0, 20_000))).unwrap();
    let marker = folder.join("inbox/.processing");
    let attempt = || {
        std::fs::read_to_string(&marker)
            .ok()
            .and_then(|text| text.lines().nth(2).map(str::to_string))
    };
    for round in 1..=2u32 {
        let watch = Watch::start(&folder, 100);
        if round == 1 {
            std::fs::rename(&staged, folder.join("inbox/big.csv")).unwrap();
        }
        assert!(
            eventually(|| attempt() == Some(round.to_string())),
            "round {round}: posting never began"
        );
        watch.kill();
    }
    let mut watch = Watch::start(&folder, 100);
    let rejected = watch
        .wait_for("batch_rejected", Duration::from_secs(10))
        .expect("set aside");
    assert!(rejected.contains("big.csv"), "{rejected}");
    assert!(folder.join("inbox/rejected/big.csv").is_file());
    assert_eq!(value_entries(&folder), 0);
}

/// With 40 journals waiting, a rule change is checked and swapped in between two batches, long
/// before the inbox is empty, and the journals post in name order.
#[test]
fn a_rule_change_is_swapped_in_while_the_inbox_is_full_and_names_keep_their_order() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "full");
    let staging = root.path().join("staging");
    std::fs::create_dir(&staging).unwrap();
    let count = 40;
    for index in 0..count {
        let name = format!("{index:03}.csv");
        std::fs::write(
            staging.join(&name),
            format!("{HEADER}{}", purchase_lines(index * 200, index * 200 + 200)),
        )
        .unwrap();
    }
    let mut watch = Watch::start(&folder, 100);
    // The safe hand-over: written elsewhere, renamed into the inbox; in reverse name order.
    for index in (0..count).rev() {
        let name = format!("{index:03}.csv");
        std::fs::rename(staging.join(&name), folder.join("inbox").join(&name)).unwrap();
    }
    watch
        .wait_for("batch_posted", Duration::from_secs(30))
        .expect("the first batch");
    let rule = folder.join("rules/inventory.rhai");
    let text = std::fs::read_to_string(&rule).unwrap();
    std::fs::write(&rule, format!("// changed while the inbox is full\n{text}")).unwrap();
    watch
        .wait_for("rules_reloaded", Duration::from_secs(30))
        .expect("the reload");
    let posted_before_reload = watch.count("batch_posted");
    while watch.count("batch_posted") < count {
        watch
            .wait_for("batch_posted", Duration::from_secs(30))
            .expect("every journal posts");
    }
    assert!(
        posted_before_reload < count / 2,
        "the reload waited for {posted_before_reload} of {count} batches"
    );
    let order: Vec<String> = watch
        .seen
        .iter()
        .filter(|line| line.contains("\"event\":\"batch_posted\""))
        .filter_map(|line| {
            let start = line.find("inbox/")? + 6;
            Some(line[start..start + 7].to_string())
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted, "posted out of name order");
}
