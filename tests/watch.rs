//! `stockpost watch` through the real binary: a watcher runs as a child process on a company in a
//! temporary folder, the tests drop journals into its inbox and edit its rules, and read what it
//! did from its events file (`--events`), its inbox folders, its status file and its database.
//!
//! Every wait polls with a deadline; nothing sleeps for longer than a few hundred milliseconds.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// How long any one wait may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(20);

// The rule edit the tests make: LYON's merchandise stock moves from the French inventory account
// to the Swiss one, and the rule test that pinned the French account follows. Each text is
// unique in its file, in either state (the interim account 1206 stays).
const LYON_RULE_FRENCH: &str = "inventory: \"1205\", inventory_interim: \"1206\"";
const LYON_RULE_SWISS: &str = "inventory: \"1200\", inventory_interim: \"1206\"";
const LYON_TEST_FRENCH: &str = "inventory = \"1205\"\ninventory_interim = \"1206\"";
const LYON_TEST_SWISS: &str = "inventory = \"1200\"\ninventory_interim = \"1206\"";

/// A new company made by `stockpost init`: `(the temp dir guard, the company folder)`.
fn new_company() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().expect("temp dir");
    let company = temp.path().join("kaffeewerk");
    let output = Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .arg("init")
        .arg(&company)
        .output()
        .expect("the stockpost binary runs");
    assert!(
        output.status.success(),
        "init failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (temp, company)
}

/// A running `stockpost watch` child.
struct Watch {
    child: Option<Child>,
    company: PathBuf,
    events: PathBuf,
}

impl Watch {
    /// Starts the watcher and waits for its `started` event (its file watches are set by then).
    fn start(company: &Path) -> Watch {
        let events = company.join("events.jsonl");
        let child = Command::new(env!("CARGO_BIN_EXE_stockpost"))
            .arg("watch")
            .arg("--company")
            .arg(company)
            .arg("--events")
            .arg(&events)
            .args(["--debounce-ms", "150", "--settle-ms", "200"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the stockpost binary starts");
        let watch = Watch {
            child: Some(child),
            company: company.to_path_buf(),
            events,
        };
        watch.wait_for("started", |event| kind(event) == "started");
        watch
    }

    /// Every complete event line written so far.
    fn events(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.events).unwrap_or_default();
        text.lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .collect()
    }

    /// Waits until an event matches `wanted`, and returns the first that does.
    fn wait_for(&self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        self.wait_for_nth(what, 1, wanted)
    }

    /// Waits until `count` events match `wanted`, and returns the last of them.
    fn wait_for_nth(&self, what: &str, count: usize, wanted: impl Fn(&Value) -> bool) -> Value {
        let start = Instant::now();
        loop {
            let events = self.events();
            if let Some(event) = events.iter().filter(|event| wanted(event)).nth(count - 1) {
                return event.clone();
            }
            assert!(
                start.elapsed() < DEADLINE,
                "no {what} (#{count}) within {DEADLINE:?}; events so far:\n{}",
                lines(&events)
            );
            std::thread::sleep(POLL);
        }
    }

    /// Stops the watcher with SIGTERM; checks the exit status 0 and the `stopped` event, and
    /// returns every event.
    fn stop(mut self) -> Vec<Value> {
        let mut child = self.child.take().expect("the watcher runs");
        signal(&child, "-TERM");
        let status = wait_with_deadline(&mut child);
        assert_eq!(status.code(), Some(0), "exit status of watch: {status:?}");
        let events = self.events();
        assert_eq!(
            events.last().map(kind),
            Some("stopped"),
            "the last event is `stopped`:\n{}",
            lines(&events)
        );
        events
    }
}

impl Drop for Watch {
    /// A test that failed midway leaves no watcher behind.
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn signal(child: &Child, name: &str) {
    let sent = Command::new("kill")
        .arg(name)
        .arg(child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(sent.success(), "kill {name} failed");
}

fn wait_with_deadline(child: &mut Child) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for the watcher") {
            return status;
        }
        if start.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("the watcher did not stop within {DEADLINE:?} of the signal");
        }
        std::thread::sleep(POLL);
    }
}

fn kind(event: &Value) -> &str {
    event["event"].as_str().unwrap_or("")
}

fn lines(events: &[Value]) -> String {
    events
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn field<'a>(event: &'a Value, name: &str) -> &'a str {
    event[name]
        .as_str()
        .unwrap_or_else(|| panic!("event without string `{name}`: {event}"))
}

fn posted(file: &'static str) -> impl Fn(&Value) -> bool {
    move |event| kind(event) == "batch_posted" && event["file"] == format!("inbox/{file}")
}

/// Drops a journal the way a well-behaved writer does: a hidden temporary name, then a rename.
fn drop_journal(company: &Path, name: &str, text: &str) {
    let inbox = company.join("inbox");
    let temporary = inbox.join(format!(".{name}.tmp"));
    std::fs::write(&temporary, text).expect("write the journal");
    std::fs::rename(&temporary, inbox.join(name)).expect("rename the journal into the inbox");
}

/// Saves a file the way many editors do: a hidden swap file beside it, renamed over it.
fn save_atomically(path: &Path, text: &str) {
    let name = path.file_name().and_then(|name| name.to_str()).unwrap();
    let swap = path.with_file_name(format!(".{name}.swp"));
    std::fs::write(&swap, text).expect("write the swap file");
    std::fs::rename(&swap, path).expect("rename the swap file over the original");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Rewrites `rules/inventory.rhai` and `rules/tests/example.toml` so that LYON's merchandise
/// stock maps to 1200 (`to_swiss`) or back to 1205: rules and their tests change together, each
/// file saved by an atomic rename.
fn move_lyon_inventory(company: &Path, to_swiss: bool) {
    let (rule_from, rule_to, test_from, test_to) = if to_swiss {
        (
            LYON_RULE_FRENCH,
            LYON_RULE_SWISS,
            LYON_TEST_FRENCH,
            LYON_TEST_SWISS,
        )
    } else {
        (
            LYON_RULE_SWISS,
            LYON_RULE_FRENCH,
            LYON_TEST_SWISS,
            LYON_TEST_FRENCH,
        )
    };
    let rules = company.join("rules/inventory.rhai");
    let tests = company.join("rules/tests/example.toml");
    let (rule_text, test_text) = (read(&rules), read(&tests));
    assert_eq!(rule_text.matches(rule_from).count(), 1, "{rule_text}");
    assert_eq!(test_text.matches(test_from).count(), 1, "{test_text}");
    save_atomically(&tests, &test_text.replace(test_from, test_to));
    save_atomically(&rules, &rule_text.replace(rule_from, rule_to));
}

/// The rule-set hash of the folder's rules as they are now, as the watcher computes it.
fn folder_rule_set_hash(company: &Path) -> String {
    stockpost::company::CompanyDefinition::read(company)
        .expect("the company folder reads")
        .rules
        .hash
}

/// A journal of `lines` positive adjustments of merchandise and raw material at every example
/// location (LYON included), all under document `document`.
fn adjustments(document: &str, lines: usize) -> String {
    const ITEMS: [&str; 7] = ["1000", "1010", "2000", "2010", "3000", "3010", "5000"];
    const LOCATIONS: [&str; 4] = ["MAIN", "BASEL", "LYON", ""];
    let mut text =
        String::from("type,posting_date,document_no,serial_no,item,location,quantity,unit_cost\n");
    for line in 0..lines {
        let item = ITEMS[line % ITEMS.len()];
        let location = LOCATIONS[(line / ITEMS.len()) % LOCATIONS.len()];
        let quantity = 1 + line % 5;
        let cents = 1000 + line % 1300;
        text += &format!(
            "positive_adjustment,2026-10-02,{document},,{item},{location},{quantity},{}.{:02}\n",
            cents / 100,
            cents % 100
        );
    }
    text
}

fn example_journal(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/october-2026")
        .join(name);
    read(&path)
}

fn receipt(company: &Path, name: &str) -> Value {
    let path = company.join(format!("inbox/done/{name}.receipt.json"));
    serde_json::from_str(&read(&path)).expect("receipt JSON")
}

fn status_file(company: &Path) -> Value {
    serde_json::from_str(&read(&company.join("watch-status.json"))).expect("status JSON")
}

/// Polls the status file until `wanted` holds of it, and returns it.
fn wait_for_status(company: &Path, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
    let start = Instant::now();
    loop {
        let status = std::fs::read_to_string(company.join("watch-status.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok());
        if let Some(status) = status.filter(|status| wanted(status)) {
            return status;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "status file: no {what} within {DEADLINE:?}"
        );
        std::thread::sleep(POLL);
    }
}

/// The database, read-only (after the watcher stopped).
fn database(company: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(
        company.join("stockpost.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open the database")
}

/// The distinct rule-set hashes on the G/L entries of one batch.
fn batch_rule_set_hashes(db: &rusqlite::Connection, batch_id: u64) -> Vec<String> {
    let mut statement = db
        .prepare("SELECT DISTINCT rule_set_hash FROM gl_entry WHERE batch_id = ?1 ORDER BY 1")
        .expect("prepare");
    let hashes = statement
        .query_map([batch_id as i64], |row| row.get::<_, String>(0))
        .expect("query")
        .collect::<Result<Vec<_>, _>>()
        .expect("rows");
    hashes
}

/// The distinct accounts of one batch's G/L entries in a role.
fn batch_accounts(db: &rusqlite::Connection, batch_id: u64, role: &str) -> Vec<String> {
    let mut statement = db
        .prepare(
            "SELECT DISTINCT account_no FROM gl_entry \
             WHERE batch_id = ?1 AND account_role = ?2 ORDER BY 1",
        )
        .expect("prepare");
    let accounts = statement
        .query_map(rusqlite::params![batch_id as i64, role], |row| {
            row.get::<_, String>(0)
        })
        .expect("query")
        .collect::<Result<Vec<_>, _>>()
        .expect("rows");
    accounts
}

fn batch_gl_entry_count(db: &rusqlite::Connection, batch_id: u64) -> u64 {
    db.query_row(
        "SELECT COUNT(*) FROM gl_entry WHERE batch_id = ?1",
        [batch_id as i64],
        |row| row.get::<_, i64>(0),
    )
    .expect("count") as u64
}

fn batch_id(event: &Value) -> u64 {
    event["batch_id"].as_u64().expect("batch_id")
}

#[test]
fn journals_dropped_into_the_inbox_are_posted_or_rejected_whole() {
    let (_temp, company) = new_company();
    let watch = Watch::start(&company);

    // A good journal: posted as batch 1, moved to done/ with its receipt.
    drop_journal(
        &company,
        "01-opening-stock.csv",
        &example_journal("01-opening-stock.csv"),
    );
    let event = watch.wait_for("batch_posted 01", posted("01-opening-stock.csv"));
    assert_eq!(batch_id(&event), 1);
    assert_eq!(event["lines"], 16);
    let done = company.join("inbox/done");
    assert!(done.join("01-opening-stock.csv").is_file());
    assert!(!company.join("inbox/01-opening-stock.csv").exists());
    let receipt_01 = receipt(&company, "01-opening-stock.csv");
    assert_eq!(receipt_01["batch_id"], 1);
    assert_eq!(receipt_01["lines"], 16);
    assert_eq!(receipt_01["item_ledger_entries"], 16);
    assert_eq!(receipt_01["reconciliation"]["reconciled"], true);
    assert_eq!(receipt_01["rule_set_hash"], event["rule_set_hash"]);

    // A journal with an unknown item on its line 3: nothing posted, moved to rejected/ with a
    // report naming the line and the field.
    let bad = adjustments("IJ-BAD", 3).replacen(",1010,", ",9999,", 1);
    assert!(bad.lines().nth(2).unwrap().contains(",9999,"), "{bad}");
    drop_journal(&company, "02-bad.csv", &bad);
    let event = watch.wait_for("batch_rejected 02", |event| {
        kind(event) == "batch_rejected" && event["file"] == "inbox/02-bad.csv"
    });
    assert!(
        field(&event, "error").contains("inbox/02-bad.csv:3"),
        "{event}"
    );
    let rejected = company.join("inbox/rejected");
    assert!(rejected.join("02-bad.csv").is_file());
    let report = read(&rejected.join("02-bad.csv.error.txt"));
    assert!(report.contains("inbox/02-bad.csv:3"), "{report}");
    assert!(report.contains("`item`"), "{report}");
    assert!(report.contains("9999"), "{report}");

    // A journal written in two halves 100 ms apart, straight under its final name: with a
    // settle time of 200 ms it must not be taken half-written. Each half ends on a line
    // boundary, so a half taken early would post, just with fewer lines.
    let slow = adjustments("IJ-SLOW", 40);
    let cut = slow.match_indices('\n').nth(20).unwrap().0 + 1;
    let mut file = std::fs::File::create(company.join("inbox/03-slow.csv")).unwrap();
    file.write_all(&slow.as_bytes()[..cut]).unwrap();
    file.flush().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    file.write_all(&slow.as_bytes()[cut..]).unwrap();
    file.flush().unwrap();
    drop(file);
    let event = watch.wait_for("batch_posted 03", posted("03-slow.csv"));
    assert_eq!(event["lines"], 40, "{event}");
    assert_eq!(receipt(&company, "03-slow.csv")["lines"], 40);
    assert!(done.join("03-slow.csv").is_file());

    let events = watch.stop();
    let batches = events.iter().filter(|e| kind(e) == "batch_posted").count();
    assert_eq!(batches, 2, "{}", lines(&events));
    let status = status_file(&company);
    assert_eq!(status["batches_posted"], 2);
    assert_eq!(status["batches_rejected"], 1);
    assert_eq!(status["inbox_waiting"], 0);
}

#[test]
fn an_atomic_rename_save_reloads_the_rules_between_batches() {
    let (_temp, company) = new_company();
    let watch = Watch::start(&company);
    let started = watch.wait_for("started", |event| kind(event) == "started");
    let old_hash = field(&started, "rule_set_hash").to_string();

    drop_journal(
        &company,
        "01-opening-stock.csv",
        &example_journal("01-opening-stock.csv"),
    );
    let before = watch.wait_for("batch_posted 01", posted("01-opening-stock.csv"));

    move_lyon_inventory(&company, true);
    let reloaded = watch.wait_for("rules_reloaded", |event| kind(event) == "rules_reloaded");
    let new_hash = field(&reloaded, "rule_set_hash").to_string();
    assert_ne!(new_hash, old_hash);
    assert_eq!(new_hash, folder_rule_set_hash(&company));
    assert_eq!(reloaded["previous_rule_set_hash"], old_hash.as_str());
    let changes: Vec<&str> = reloaded["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        changes.iter().any(|change| change.contains("1205 -> 1200")),
        "{changes:?}"
    );
    assert!(
        changes.iter().all(|change| change.contains("-> 1200")),
        "only LYON's stock account moves: {changes:?}"
    );

    drop_journal(&company, "02-after.csv", &adjustments("IJ-AFTER", 28));
    let after = watch.wait_for("batch_posted 02", posted("02-after.csv"));
    assert_eq!(after["rule_set_hash"], new_hash.as_str());
    let events = watch.stop();
    assert!(
        !events.iter().any(|event| kind(event) == "reload_rejected"),
        "{}",
        lines(&events)
    );

    let db = database(&company);
    let (first, second) = (batch_id(&before), batch_id(&after));
    assert_eq!(batch_rule_set_hashes(&db, first), vec![old_hash]);
    assert_eq!(batch_rule_set_hashes(&db, second), vec![new_hash]);
    assert!(batch_accounts(&db, first, "inventory").contains(&"1205".to_string()));
    assert_eq!(
        batch_accounts(&db, second, "inventory"),
        vec!["1200".to_string(), "1210".to_string(), "1215".to_string()],
        "LYON merchandise on 1200, raw material unchanged"
    );
}

#[test]
fn a_burst_of_saves_is_one_reload_of_the_last_content() {
    let (_temp, company) = new_company();
    let watch = Watch::start(&company);
    let general = company.join("rules/general.rhai");
    let original = read(&general);

    // Four broken versions, then a good one, about 12 ms apart: if any broken version were
    // loaded on its own, a reload_rejected would follow.
    for save in 1..=4 {
        let broken = original.replacen(
            "\"RETAIL\" => merchandise(),",
            &format!("\"RETAIL\" => merchandise(, // save {save}"),
            1,
        );
        assert_ne!(broken, original);
        std::fs::write(&general, broken).unwrap();
        std::thread::sleep(Duration::from_millis(12));
    }
    std::fs::write(&general, format!("{original}\n// save 5: the good one\n")).unwrap();
    let last_hash = folder_rule_set_hash(&company);
    let reloaded = watch.wait_for("rules_reloaded", |event| kind(event) == "rules_reloaded");
    assert_eq!(reloaded["rule_set_hash"], last_hash.as_str());

    // A later, different save: its reload comes after anything the burst could still cause.
    let inventory = company.join("rules/inventory.rhai");
    save_atomically(
        &inventory,
        &format!("{}\n// a later save\n", read(&inventory)),
    );
    let sentinel_hash = folder_rule_set_hash(&company);
    watch.wait_for("the later rules_reloaded", |event| {
        kind(event) == "rules_reloaded" && event["rule_set_hash"] == sentinel_hash.as_str()
    });
    let events = watch.stop();
    let reloads: Vec<&Value> = events
        .iter()
        .filter(|event| kind(event) == "rules_reloaded")
        .collect();
    assert_eq!(reloads.len(), 2, "{}", lines(&events));
    assert_eq!(reloads[0]["rule_set_hash"], last_hash.as_str());
    assert_eq!(reloads[0]["changes"], serde_json::json!([]));
    assert!(
        !events.iter().any(|event| kind(event) == "reload_rejected"),
        "{}",
        lines(&events)
    );
}

/// The rule file broken at a known place: `(text, "rules/general.rhai:LINE:COL")`.
fn broken_general(original: &str) -> (String, String) {
    let good = "\"RETAIL\" => merchandise(),";
    let (line_index, line) = original
        .lines()
        .enumerate()
        .find(|(_, line)| line.contains(good))
        .expect("the RETAIL arm");
    // The stray comma after `merchandise(` is where the parser stops.
    let column = line.find("merchandise(").unwrap() + "merchandise(".len() + 1;
    let broken = original.replacen(good, "\"RETAIL\" => merchandise(,", 1);
    (
        broken,
        format!("rules/general.rhai:{}:{column}", line_index + 1),
    )
}

#[test]
fn a_broken_rule_is_rejected_and_the_previous_set_keeps_posting() {
    let (_temp, company) = new_company();
    let watch = Watch::start(&company);
    let started = watch.wait_for("started", |event| kind(event) == "started");
    let good_hash = field(&started, "rule_set_hash").to_string();
    let general = company.join("rules/general.rhai");
    let original = read(&general);

    let (broken, place) = broken_general(&original);
    save_atomically(&general, &broken);
    let rejected = watch.wait_for("reload_rejected", |event| kind(event) == "reload_rejected");
    assert!(
        field(&rejected, "error").contains(&place),
        "{place}: {rejected}"
    );

    drop_journal(
        &company,
        "01-opening-stock.csv",
        &example_journal("01-opening-stock.csv"),
    );
    let batch = watch.wait_for("batch_posted 01", posted("01-opening-stock.csv"));
    assert_eq!(batch["rule_set_hash"], good_hash.as_str());
    let status = wait_for_status(&company, "last batch 1", |status| {
        status["last_batch_id"] == 1
    });
    let error = status["last_reload_error"]
        .as_str()
        .expect("last_reload_error");
    assert!(error.contains(&place), "{error}");
    assert_eq!(status["rule_set_hash"], good_hash.as_str());

    // The fix (with a note, so that it differs from the running set) is loaded and swapped in.
    save_atomically(&general, &format!("{original}\n// fixed\n"));
    let reloaded = watch.wait_for("rules_reloaded", |event| kind(event) == "rules_reloaded");
    let fixed_hash = field(&reloaded, "rule_set_hash").to_string();
    assert_eq!(reloaded["previous_rule_set_hash"], good_hash.as_str());
    let status = wait_for_status(&company, "the fixed rule set", |status| {
        status["rule_set_hash"] == fixed_hash.as_str()
    });
    assert_eq!(status["last_reload_error"], Value::Null, "{status}");
    watch.stop();

    let db = database(&company);
    assert_eq!(
        batch_rule_set_hashes(&db, batch_id(&batch)),
        vec![good_hash]
    );
}

#[test]
fn restoring_the_running_rules_after_a_broken_save_clears_the_reload_error() {
    let (_temp, company) = new_company();
    let watch = Watch::start(&company);
    let general = company.join("rules/general.rhai");
    let original = read(&general);
    let (broken, place) = broken_general(&original);
    save_atomically(&general, &broken);
    wait_for_status(&company, "the reload error", |status| {
        status["last_reload_error"]
            .as_str()
            .is_some_and(|error| error.contains(&place))
    });

    // Undo: the folder is the running set again, so nothing is reloaded, and the error no
    // longer describes the folder.
    save_atomically(&general, &original);
    wait_for_status(&company, "the reload error cleared", |status| {
        status["last_reload_error"].is_null()
    });
    let events = watch.stop();
    assert!(
        !events.iter().any(|event| kind(event) == "rules_reloaded"),
        "{}",
        lines(&events)
    );
}

/// Drops a large journal, changes the rules `delay` later, and returns the batch_posted and the
/// rules_reloaded events, with whether the reload came first.
fn race_a_large_batch(
    watch: &Watch,
    name: &'static str,
    document: &str,
    delay: Duration,
    reload_number: usize,
    to_swiss: bool,
) -> (Value, Value, bool) {
    drop_journal(&watch.company, name, &adjustments(document, 20_000));
    std::thread::sleep(delay);
    move_lyon_inventory(&watch.company, to_swiss);
    let batch = watch.wait_for(name, posted(name));
    let reload = watch.wait_for_nth("rules_reloaded", reload_number, |event| {
        kind(event) == "rules_reloaded"
    });
    let events = watch.events();
    let position = |wanted: &Value| events.iter().position(|event| event == wanted).unwrap();
    let reload_first = position(&reload) < position(&batch);
    (batch, reload, reload_first)
}

#[test]
fn a_large_batch_runs_under_one_rule_set_while_the_rules_change() {
    let (_temp, company) = new_company();
    let watch = Watch::start(&company);
    let started = watch.wait_for("started", |event| kind(event) == "started");
    let mut running = field(&started, "rule_set_hash").to_string();

    // Before the settle time ends (the reload likely wins), while the batch likely runs (it
    // takes over a second in a debug build), and later still.
    let rounds = [
        ("big-1.csv", "IJ-BIG-1", 0, true),
        ("big-2.csv", "IJ-BIG-2", 400, false),
        ("big-3.csv", "IJ-BIG-3", 700, true),
    ];
    let mut expected = Vec::new();
    for (round, (name, document, delay, to_swiss)) in rounds.into_iter().enumerate() {
        let (batch, reload, reload_first) = race_a_large_batch(
            &watch,
            name,
            document,
            Duration::from_millis(delay),
            round + 1,
            to_swiss,
        );
        assert_eq!(batch["lines"], 20_000);
        assert_eq!(reload["previous_rule_set_hash"], running.as_str());
        let new_hash = field(&reload, "rule_set_hash").to_string();
        eprintln!("round {round}: delay {delay} ms, reload before the batch: {reload_first}");
        let batch_hash = if reload_first { &new_hash } else { &running };
        assert_eq!(
            batch["rule_set_hash"],
            batch_hash.as_str(),
            "round {round}: reload first: {reload_first}"
        );
        expected.push((
            batch_id(&batch),
            batch_hash.clone(),
            batch["gl_entries"].clone(),
        ));
        running = new_hash;
    }
    watch.stop();

    let db = database(&company);
    for (batch, hash, gl_entries) in expected {
        assert_eq!(
            batch_rule_set_hashes(&db, batch),
            vec![hash],
            "batch {batch}"
        );
        assert_eq!(Some(batch_gl_entry_count(&db, batch)), gl_entries.as_u64());
    }
}

#[test]
fn sigterm_while_idle_stops_cleanly() {
    let (_temp, company) = new_company();
    let watch = Watch::start(&company);
    let running = wait_for_status(&company, "running", |status| status["state"] == "running");
    let pid = running["pid"].as_u64().expect("pid");
    assert_eq!(
        Some(pid),
        watch.child.as_ref().map(|child| u64::from(child.id()))
    );
    let events = watch.stop();
    assert_eq!(field(events.last().unwrap(), "reason"), "stop signal");
    let status = status_file(&company);
    assert_eq!(status["state"], "stopped");
}

#[test]
fn sigint_while_idle_stops_cleanly() {
    let (_temp, company) = new_company();
    let mut watch = Watch::start(&company);
    let mut child = watch.child.take().expect("the watcher runs");
    signal(&child, "-INT");
    let status = wait_with_deadline(&mut child);
    assert_eq!(status.code(), Some(0));
    assert_eq!(watch.events().last().map(kind), Some("stopped"));
    assert_eq!(status_file(&company)["state"], "stopped");
}

#[test]
fn the_watcher_refuses_to_start_on_rules_whose_rule_tests_fail() {
    let (_temp, company) = new_company();
    let tests = company.join("rules/tests/example.toml");
    let text = read(&tests);
    assert!(text.contains("inventory = \"1205\""), "{text}");
    std::fs::write(
        &tests,
        text.replacen("inventory = \"1205\"", "inventory = \"1299\"", 1),
    )
    .unwrap();
    let output = watch_that_must_refuse_to_start(&company);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("1 of 10 rule tests fail"), "{message}");
    assert!(message.contains("expected 1299, got 1205"), "{message}");
    assert!(!company.join("watch-status.json").exists());
}

/// Runs `stockpost watch` on a company whose rules must keep it from starting: its output once it
/// exits. A watcher that starts after all would run until stopped, so it is killed after a
/// minute and the test fails saying so, instead of hanging.
fn watch_that_must_refuse_to_start(company: &Path) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .args(["watch", "--company", company.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the stockpost binary runs");
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().expect("wait for the watcher").is_none() {
        if Instant::now() > deadline {
            child.kill().expect("kill the watcher");
            let output = child.wait_with_output().expect("the watcher's output");
            panic!(
                "the watcher started instead of refusing to: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().expect("the watcher's output")
}

/// Copies the example's year scenario (`rules/tests/year/`) into the company's rule tests.
fn add_year_scenario(company: &Path) -> PathBuf {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/ch-kmu/tests/year");
    let to = company.join("rules/tests/year");
    std::fs::create_dir_all(&to).expect("create rules/tests/year");
    for entry in std::fs::read_dir(&from).expect("rules/tests/year") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, to.join(path.file_name().unwrap())).expect("copy");
    }
    to
}

#[test]
fn the_watcher_refuses_to_start_on_a_failing_rule_scenario() {
    let (_temp, company) = new_company();
    let year = add_year_scenario(&company);
    let scenario = year.join("scenario.toml");
    let text = read(&scenario);
    std::fs::write(
        &scenario,
        text.replacen("\"1200\" = \"11722.80\"", "\"1200\" = \"11722.00\"", 1),
    )
    .unwrap();
    let output = watch_that_must_refuse_to_start(&company);
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("1 of 1 rule scenarios fail under the new rules"),
        "{message}"
    );
    assert!(
        message.contains(
            "Kaffeewerk AG, fiscal year 2027: account 1200 Handelswaren: expected 11722.00, \
             got 11722.80 (difference 0.80)"
        ),
        "{message}"
    );
    assert!(!message.contains("rule tests fail"), "{message}");
}

#[test]
fn a_rule_change_that_moves_the_year_scenario_balances_is_not_loaded() {
    // BRANCH's stock moved from 1200 to 1205: the BRANCH case of example.toml fails, and the
    // year scenario says what the move does to the balances.
    let (_temp, company) = new_company();
    add_year_scenario(&company);
    let watch = Watch::start(&company);
    let started = watch.wait_for("started", |event| kind(event) == "started");
    let inventory = company.join("rules/inventory.rhai");
    let original = read(&inventory);
    let moved = original.replace(
        "let in_france = key.location_attributes.country == \"FR\";",
        "let in_france = key.location_attributes.country == \"FR\" || key.location == \"BRANCH\";",
    );
    assert_ne!(moved, original);
    save_atomically(&inventory, &moved);
    let rejected = watch.wait_for("reload_rejected", |event| kind(event) == "reload_rejected");
    let error = field(&rejected, "error");
    assert!(
        error.contains("1 of 10 rule tests fail under the new rules")
            && error.contains("role `inventory`: expected 1200, got 1205")
            && error.contains("\n1 of 1 rule scenarios fail under the new rules")
            && error.contains(
                "account 1205 Handelswaren Lager Frankreich: not in [expect.gl], got 3569.80"
            ),
        "{error}"
    );
    let status = wait_for_status(&company, "the reload error", |status| {
        status["last_reload_error"].is_string()
    });
    assert_eq!(status["rule_set_hash"], started["rule_set_hash"]);
    watch.stop();
}
