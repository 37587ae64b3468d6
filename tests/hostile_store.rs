//! Concurrent writers, injection strings and read-only company folders, through the real binary.

mod hostile_support;

use std::path::Path;
use std::process::{Command, Output};

use hostile_support::{batches, company, stderr, stdout, stockpost};

const HEADER: &str = "type,posting_date,document_no,external_document_no,item,location,quantity,\
unit_cost,dim.DEPARTMENT\n";

fn write_purchases(path: &Path, document: &str, count: usize) {
    let mut text = HEADER.to_string();
    for index in 0..count {
        text += &format!("purchase,2026-10-01,{document}-{index},,1000,MAIN,1,10,\n");
    }
    std::fs::write(path, text).unwrap();
}

/// Four writers at once on one company, plus the same journal raced twice: every writer waits
/// its turn and posts (the raced journal once, its twin exits 4), readers running meanwhile
/// succeed, nothing is lost, and the store verifies.
#[test]
fn four_concurrent_writers_all_post_and_the_same_journal_posts_once() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "busy");
    for writer in 0..4 {
        write_purchases(
            &folder.join(format!("w{writer}.csv")),
            &format!("W{writer}"),
            400,
        );
    }
    let spawn = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_stockpost"))
            .current_dir(&folder)
            .args(args)
            .env("STOCKPOST_LOCK_WAIT_MS", "120000")
            .spawn_output()
    };
    let children: Vec<_> = (0..4)
        .map(|writer| {
            let name = format!("w{writer}.csv");
            spawn(&["post", "--company", ".", &name])
        })
        .chain([
            spawn(&["adjust", "--company", "."]),
            spawn(&["post", "--company", ".", "w0.csv"]),
            // Readers meanwhile see one state of the store, whatever commits around them.
            spawn(&["verify", "--company", "."]),
            spawn(&["status", "--company", "."]),
            spawn(&["reconcile", "--company", "."]),
        ])
        .collect();
    let outputs: Vec<Output> = children
        .into_iter()
        .map(|child| child.join().unwrap())
        .collect();
    let codes: Vec<Option<i32>> = outputs.iter().map(|output| output.status.code()).collect();
    for output in &outputs {
        let message = stderr(output);
        assert!(!message.contains("StoreMarks"), "{message}");
        assert!(!message.contains("OutOfStep"), "{message}");
    }
    // w0.csv raced twice: one of the two posts it, the other is told it was posted (4).
    let raced = [codes[0], codes[5]];
    assert!(
        raced.contains(&Some(0)) && raced.contains(&Some(4)),
        "{codes:?}: {}",
        stderr(&outputs[5])
    );
    assert_eq!(&codes[1..5], &[Some(0); 4], "{codes:?}");
    for reader in 6..9 {
        assert_eq!(
            codes[reader],
            Some(0),
            "{codes:?}: {}",
            stderr(&outputs[reader])
        );
    }
    // 4 journals and one adjustment run.
    assert_eq!(batches(&folder), 5);
    let status = stdout(&stockpost(&folder, &["status", "--company", "."]));
    assert!(
        status.contains("entries: 1600 item ledger, 1600 value"),
        "{status}"
    );
    let verify = stockpost(&folder, &["verify", "--company", "."]);
    assert_eq!(verify.status.code(), Some(0), "{}", stderr(&verify));
}

/// docs/cli.md: an `adjust` or `post-cost` with nothing to do still stores its run (the audit
/// trail), creating no entry.
#[test]
fn runs_with_nothing_to_do_are_stored_as_the_docs_say() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "empty");
    write_purchases(&folder.join("p.csv"), "P", 2);
    assert_eq!(
        stockpost(&folder, &["post", "--company", ".", "p.csv"])
            .status
            .code(),
        Some(0)
    );
    for command in ["adjust", "adjust", "post-cost", "post-cost"] {
        let output = stockpost(&folder, &[command, "--company", "."]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
    let second = stdout(&stockpost(&folder, &["adjust", "--company", "."]));
    assert!(second.contains("0 value entries created"), "{second}");
    assert_eq!(batches(&folder), 6);
    let status = stdout(&stockpost(&folder, &["status", "--company", "."]));
    assert!(
        status.contains("entries: 2 item ledger, 2 value"),
        "{status}"
    );
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/cli.md"))
        .unwrap()
        .replace('\n', " ");
    assert!(
        docs.contains("It still stores its run as a batch with no entries"),
        "docs/cli.md no longer says what adjust does with nothing to do"
    );
}

/// A snapshot write killed midway leaves `stockpost.snapshot.tmp`; the next writer removes it.
#[test]
fn a_temporary_snapshot_left_by_a_killed_writer_is_removed() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "leftover");
    let temporary = folder.join("stockpost.snapshot.tmp");
    std::fs::write(&temporary, b"half a snapshot").unwrap();
    write_purchases(&folder.join("p.csv"), "P", 1);
    let output = stockpost(&folder, &["post", "--company", ".", "p.csv"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!temporary.exists());
}

/// A writer that waits longer than it may gives up with exit 3 and a message that says why and
/// what to do, and posts nothing.
#[test]
fn a_writer_that_cannot_wait_any_longer_says_so() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "held");
    write_purchases(&folder.join("p.csv"), "P", 1);
    // Hold the company's lock from this process.
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(folder.join("stockpost.lock"))
        .unwrap();
    lock.lock().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .current_dir(&folder)
        .args(["post", "--company", ".", "p.csv"])
        .env("STOCKPOST_LOCK_WAIT_MS", "300")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("stockpost: waiting for another stockpost writing to this company")
            && message.contains("nothing was posted")
            && message.contains("STOCKPOST_LOCK_WAIT_MS"),
        "{message}"
    );
    lock.unlock().unwrap();
    assert_eq!(batches(&folder), 0);
}

/// Document numbers, external document numbers and dimension values that a spreadsheet would
/// run as formulas come out of `export gl` (and the other CSVs) neutralised; amounts stay
/// numbers; control characters reach no terminal as such.
#[test]
fn injection_strings_are_neutralised_in_csv_and_escaped_on_the_terminal() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "inject");
    let text = format!(
        "{HEADER}\
         purchase,2026-10-01,=cmd|' /C calc'!A0,\"=HYPERLINK(\"\"http://x\"\")\",1000,MAIN,1,10,@SUM(A1)\n\
         purchase,2026-10-01,+cmd,-2+3,1000,MAIN,1,10,\n"
    );
    std::fs::write(folder.join("inject.csv"), text).unwrap();
    let posted = stockpost(&folder, &["post", "--company", ".", "inject.csv"]);
    assert_eq!(posted.status.code(), Some(0), "{}", stderr(&posted));
    let export = stdout(&stockpost(
        &folder,
        &["export", "gl", "--company", ".", "--format", "csv"],
    ));
    let mut reader = csv::Reader::from_reader(export.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    let first = &rows[0];
    assert_eq!(&first[column("document_no")], "'=cmd|' /C calc'!A0");
    assert_eq!(
        &first[column("external_document_no")],
        "'=HYPERLINK(\"http://x\")"
    );
    assert_eq!(&first[column("dim.DEPARTMENT")], "'@SUM(A1)");
    assert_eq!(&first[column("amount")], "10");
    assert_eq!(&rows[1][column("amount")], "-10");
    assert_eq!(&rows[2][column("document_no")], "'+cmd");
    assert_eq!(&rows[2][column("external_document_no")], "'-2+3");
    for row in &rows {
        for cell in row {
            assert!(!live_formula(cell), "a live formula cell: {cell:?}");
        }
    }
    let entries = stdout(&stockpost(
        &folder,
        &["entries", "value", "--company", ".", "--format", "csv"],
    ));
    assert!(entries.contains(",'=cmd|' /C calc'!A0,"), "{entries}");

    // An escape sequence and a NUL in a journal reach stderr as visible text.
    std::fs::write(
        folder.join("escape.csv"),
        "type,posting_date,document_no,item,location,quantity\n\
         sale,2026-10-02,S-1,\u{1b}]0;owned\u{7}\u{1b}[31mRED\u{0},MAIN,1\n",
    )
    .unwrap();
    let refused = stockpost(&folder, &["post", "--company", ".", "escape.csv"]);
    assert_eq!(refused.status.code(), Some(2));
    let message = stderr(&refused);
    assert!(
        !message.contains('\u{1b}') && !message.contains('\u{0}'),
        "{message:?}"
    );
    assert!(
        message.contains("\\u{1b}]0;owned\\u{7}\\u{1b}[31mRED"),
        "{message}"
    );
}

/// Whether a spreadsheet would run `cell`: a risky first character, and not a plain number.
fn live_formula(cell: &str) -> bool {
    let risky = matches!(cell.chars().next(), Some('=' | '+' | '@' | '\t' | '\r'));
    let negative_text = cell.starts_with('-') && cell.parse::<f64>().is_err();
    risky || negative_text
}

/// A rule's `throw` text with escape sequences is shown, not obeyed.
#[test]
fn a_rule_message_with_control_characters_is_escaped() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "throw");
    let rule = folder.join("rules/inventory.rhai");
    let text = std::fs::read_to_string(&rule).unwrap().replace(
        "fn inventory_accounts(key) {",
        "fn inventory_accounts(key) {\n throw \"\\x1b[2J\\x1b[Hwiped\";",
    );
    std::fs::write(&rule, text).unwrap();
    write_purchases(&folder.join("p.csv"), "P", 1);
    let output = stockpost(&folder, &["post", "--company", ".", "p.csv"]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(!message.contains('\u{1b}'), "{message:?}");
    assert!(message.contains("\\u{1b}[2J\\u{1b}[Hwiped"), "{message}");
}

/// `(command, args)` run as a user who may only read the folder: as root, through `setpriv`
/// as `nobody`; otherwise as the user itself once the folder's write bits are gone.
fn as_reader(folder: &Path, args: &[&str]) -> Output {
    let binary = env!("CARGO_BIN_EXE_stockpost");
    let root = Command::new("id").arg("-u").output().unwrap();
    if String::from_utf8_lossy(&root.stdout).trim() == "0" {
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", binary])
            .args(args)
            .current_dir(folder)
            .output()
            .expect("setpriv (util-linux)")
    } else {
        Command::new(binary)
            .args(args)
            .current_dir(folder)
            .output()
            .unwrap()
    }
}

fn set_read_only(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(path).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            set_read_only(&entry.path());
        } else {
            std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(0o444)).unwrap();
        }
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o555)).unwrap();
}

#[test]
fn a_read_only_company_folder_is_readable_and_refuses_writes_plainly() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let folder = company(root.path(), "readonly");
    write_purchases(&folder.join("p.csv"), "P", 3);
    let posted = stockpost(&folder, &["post", "--company", ".", "p.csv"]);
    assert_eq!(posted.status.code(), Some(0), "{}", stderr(&posted));
    set_read_only(&folder);
    for args in [
        vec!["status", "--company", "."],
        vec!["verify", "--company", "."],
        vec!["entries", "value", "--company", "."],
        vec!["export", "gl", "--company", "."],
        vec!["reconcile", "--company", "."],
    ] {
        let output = as_reader(&folder, &args);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}: {}",
            args.join(" "),
            stderr(&output)
        );
    }
    let status = stdout(&as_reader(&folder, &["status", "--company", "."]));
    assert!(
        status.contains("entries: 3 item ledger, 3 value"),
        "{status}"
    );
    write_purchases(&root.path().join("q.csv"), "Q", 1);
    let q = root.path().join("q.csv");
    let refused = as_reader(&folder, &["post", "--company", ".", q.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(3));
    let message = stderr(&refused);
    assert!(
        message.contains("may not write the company folder")
            && message
                .contains("reading commands (status, verify, entries, export, reconcile) work"),
        "{message}"
    );
    // Nothing was left behind by the readers: no -wal, -shm or snapshot files.
    let names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names
            .iter()
            .any(|name| name.ends_with("-shm") || name.ends_with(".tmp")),
        "{names:?}"
    );
    // Let the temporary folder be removed.
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// A spawned command whose output is collected on a thread.
trait SpawnOutput {
    fn spawn_output(&mut self) -> std::thread::JoinHandle<Output>;
}

impl SpawnOutput for Command {
    fn spawn_output(&mut self) -> std::thread::JoinHandle<Output> {
        let child = self
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::spawn(move || child.wait_with_output().unwrap())
    }
}
