//! A command that stores several batches in a row writes the snapshot they make due once, after
//! the last of them (`StoredCompany::defer_snapshots`), not after each; a single batch writes it
//! as it is committed.

use std::path::Path;

use stockpost::company::folder::init_company;
use stockpost::company::snapshot_file::SnapshotPolicy;
use stockpost::company::{OpenMode, Quiet, StoredCompany, SNAPSHOT_FILE};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/october-2026");
const WEEKS: [&str; 3] = ["01-opening-stock.csv", "02-week1.csv", "03-week2.csv"];

/// A snapshot after every batch that adds a value entry.
const EVERY_BATCH: SnapshotPolicy = SnapshotPolicy {
    min_value_entries: 1,
    percent_of_history: 0,
};

fn company(root: &Path) -> StoredCompany {
    let folder = root.join("acme");
    init_company(&folder, "ch-kmu").unwrap();
    let mut company = StoredCompany::open(&folder, OpenMode::default(), &Quiet).unwrap();
    company.set_snapshot_policy(EVERY_BATCH);
    company
}

fn post(company: &mut StoredCompany, name: &str) {
    let text = std::fs::read_to_string(format!("{EXAMPLE}/{name}")).unwrap();
    let parsed = stockpost::company::folder::parse_journal_file(name, text).unwrap();
    company
        .post_parsed_journal(&parsed.journal, parsed.lines, None)
        .unwrap();
}

/// The batch the snapshot file on disk was taken after, as a fresh open reports it.
fn snapshot_on_disk(folder: &Path) -> Option<u64> {
    if !folder.join(SNAPSHOT_FILE).exists() {
        return None;
    }
    let reopened = StoredCompany::open(folder, OpenMode::default(), &Quiet).unwrap();
    reopened.restore_work().1
}

#[test]
fn deferred_snapshots_are_written_once_after_the_last_batch() {
    let root = tempfile::tempdir().unwrap();
    let folder = root.path().join("acme");
    let mut deferred = company(root.path());
    deferred.defer_snapshots();
    for week in WEEKS {
        post(&mut deferred, week);
        assert_eq!(snapshot_on_disk(&folder), None, "no snapshot after {week}");
    }
    deferred.write_deferred_snapshot();
    assert_eq!(snapshot_on_disk(&folder), Some(3));
    assert_eq!(deferred.snapshot_note(), None);
    // Nothing new since: no second write is due.
    let written = std::fs::metadata(folder.join(SNAPSHOT_FILE))
        .unwrap()
        .modified()
        .unwrap();
    deferred.write_deferred_snapshot();
    let again = std::fs::metadata(folder.join(SNAPSHOT_FILE))
        .unwrap()
        .modified()
        .unwrap();
    assert_eq!(written, again);

    // Not deferred: each batch writes the snapshot it makes due as it is committed.
    let other = tempfile::tempdir().unwrap();
    let other_folder = other.path().join("acme");
    let mut each = company(other.path());
    post(&mut each, WEEKS[0]);
    assert_eq!(snapshot_on_disk(&other_folder), Some(1));
    post(&mut each, WEEKS[1]);
    assert_eq!(snapshot_on_disk(&other_folder), Some(2));
}
