//! Snapshots of the books (issue 6): the example company posted, snapshotted and decoded gives
//! the same tables, shares its codes, and goes on posting exactly like the original; a damaged,
//! truncated or foreign file is an error, never a panic.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rust_decimal::Decimal;
use stockpost::adjust::AdjustRequest;
use stockpost::books::Books;
use stockpost::config::CompanyConfig;
use stockpost::example::{example_chart, example_config, example_rule_sources, EXAMPLE_JOURNALS};
use stockpost::glpost::CostPostingMode;
use stockpost::journal::parse_journal;
use stockpost::ledger::{BucketKey, ItemId, Ledger, LocationId};
use stockpost::posting::PostingContext;
use stockpost::recon::{ReconciliationState, ReportFilter};
use stockpost::rules::{RuleSet, RuleSetAccounts};
use stockpost::store::snapshot::{
    read_snapshot, read_snapshot_header, write_snapshot, SnapshotError, SnapshotHeader,
    FORMAT_VERSION, MAGIC,
};

fn header() -> SnapshotHeader {
    SnapshotHeader {
        format_version: FORMAT_VERSION,
        company_id: "kaffeewerk-0001".to_string(),
        batch_id: 6,
        chain_hash: "c".repeat(64),
        config_hash: "f".repeat(64),
        rule_set_hash: "a".repeat(64),
    }
}

/// The example company with automatic cost posting on (as shipped) or off (so that value
/// entries wait in the G/L queue).
fn config(automatic_cost_posting: bool) -> CompanyConfig {
    let mut config = example_config();
    config.inventory_setup.automatic_cost_posting = automatic_cost_posting;
    config
}

fn rules(config: &CompanyConfig) -> RuleSet {
    RuleSet::from_sources(&example_rule_sources(), config, &example_chart()).unwrap()
}

/// Posts one example journal, then folds the new entries into the reconciliation.
fn post(
    books: &mut Books,
    recon: &mut ReconciliationState,
    accounts: &RuleSetAccounts<'_>,
    (name, text): (&str, &str),
) {
    let lines = parse_journal(name, text).unwrap();
    let work_date = lines.iter().map(|line| line.posting_date).max().unwrap();
    books
        .post_journal(&lines, &PostingContext { work_date }, accounts)
        .unwrap();
    recon.apply_new_entries(books, accounts);
}

/// The first six journals, a cost adjustment that leaves its entries queued (or posts them when
/// automatic cost posting is on), the reconciliation kept current.
fn example_books(
    config: &CompanyConfig,
    accounts: &RuleSetAccounts<'_>,
) -> (Books, ReconciliationState) {
    let mut books = Books::new(config.clone());
    let mut recon = ReconciliationState::default();
    for &journal in &EXAMPLE_JOURNALS[..6] {
        post(&mut books, &mut recon, accounts, journal);
    }
    let post_to_gl = config.inventory_setup.automatic_cost_posting;
    books.adjust_cost(&AdjustRequest::default(), post_to_gl, accounts);
    recon.apply_new_entries(&books, accounts);
    (books, recon)
}

fn snapshot(books: &Books, recon: &ReconciliationState) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_snapshot(&mut bytes, &header(), books, recon).unwrap();
    bytes
}

fn decode(
    bytes: &[u8],
    config: &CompanyConfig,
) -> Result<(Books, ReconciliationState), SnapshotError> {
    let (read_header, books, recon) = read_snapshot(&mut &bytes[..], config.clone())?;
    assert_eq!(read_header, header());
    Ok((books, recon))
}

/// Every table the public API shows, compared one by one so that a failure names the table.
fn assert_same_books(original: &Books, decoded: &Books) {
    let (a, b) = (&original.ledger, &decoded.ledger);
    assert_eq!(a.item_ledger_entries(), b.item_ledger_entries());
    assert_eq!(a.value_entries(), b.value_entries());
    assert_eq!(a.item_application_entries(), b.item_application_entries());
    assert_eq!(a.dimension_sets(), b.dimension_sets());
    assert_eq!(a.entry_points(), b.entry_points());
    assert_eq!(
        a.applied_entries_to_adjust().collect::<Vec<_>>(),
        b.applied_entries_to_adjust().collect::<Vec<_>>()
    );
    for index in 0..a.config().items.len() {
        let item = ItemId(index as u32);
        assert_eq!(
            a.item_cost_state(item),
            b.item_cost_state(item),
            "item {index}"
        );
        assert_eq!(a.item_posting_groups(item), b.item_posting_groups(item));
        assert_eq!(a.item_category(item), b.item_category(item));
    }
    for entry in a.item_ledger_entries() {
        let no = entry.entry_no;
        let numbers = |ledger: &Ledger| {
            let values: Vec<u64> = ledger.value_entries_of(no).map(|e| e.entry_no).collect();
            let applications: Vec<u64> = ledger.applications_of(no).map(|e| e.entry_no).collect();
            (values, applications)
        };
        assert_eq!(numbers(a), numbers(b), "indexes of item ledger entry {no}");
        let key = BucketKey {
            item: entry.item,
            location: entry.location,
            variant_code: entry.variant_code.clone(),
        };
        assert_eq!(a.bucket_quantity(&key), b.bucket_quantity(&key));
        if let Some(serial) = &entry.serial_no {
            assert_eq!(
                a.serial_on_hand(entry.item, serial),
                b.serial_on_hand(entry.item, serial)
            );
        }
    }
    let (a, b) = (&original.general_ledger, &decoded.general_ledger);
    assert_eq!(a.entries(), b.entries());
    assert_eq!(a.relations(), b.relations());
    assert_eq!(a.registers(), b.registers());
    assert_eq!(a.queue(), b.queue());
    assert_eq!(a.last_transaction_no(), b.last_transaction_no());
}

fn round_trip(automatic_cost_posting: bool) {
    let config = config(automatic_cost_posting);
    let rules = rules(&config);
    let accounts = RuleSetAccounts::new(&rules);
    let (mut books, mut recon) = example_books(&config, &accounts);
    assert_eq!(
        books.general_ledger.queue().is_empty(),
        automatic_cost_posting
    );
    let bytes = snapshot(&books, &recon);
    let (mut decoded, mut decoded_recon) = decode(&bytes, &config).unwrap();

    // (a) every table, the reconciliation state and its report
    assert_same_books(&books, &decoded);
    assert_eq!(decoded_recon, recon);
    assert_eq!(decoded_recon.marks(), recon.marks());
    let filter = ReportFilter::default();
    let report = recon.report(&books, &accounts, &filter);
    assert_eq!(decoded_recon.report(&decoded, &accounts, &filter), report);
    // the same books give the same bytes
    assert!(
        snapshot(&decoded, &decoded_recon) == bytes,
        "snapshots differ"
    );

    // (b) both go on the same way: one more journal, an adjustment, the G/L queue posted
    let decoded_accounts = RuleSetAccounts::new(&rules);
    post(&mut books, &mut recon, &accounts, EXAMPLE_JOURNALS[6]);
    post(
        &mut decoded,
        &mut decoded_recon,
        &decoded_accounts,
        EXAMPLE_JOURNALS[6],
    );
    let first = books.adjust_cost(&AdjustRequest::default(), true, &accounts);
    let second = decoded.adjust_cost(&AdjustRequest::default(), true, &decoded_accounts);
    assert_eq!(first, second);
    assert!(
        !first.adjustment.value_entry_nos.is_empty(),
        "the adjustment did something"
    );
    let mode = CostPostingMode::PerPostingGroup {
        document_no: "GL-2026-10".to_string(),
    };
    let first = books.post_inventory_cost_to_gl(mode.clone(), &accounts);
    let second = decoded.post_inventory_cost_to_gl(mode, &decoded_accounts);
    assert_eq!(first, second);
    recon.apply_new_entries(&books, &accounts);
    decoded_recon.apply_new_entries(&decoded, &decoded_accounts);
    assert_same_books(&books, &decoded);
    assert_eq!(decoded_recon, recon);
    assert_eq!(
        decoded_recon.report(&decoded, &decoded_accounts, &filter),
        recon.report(&books, &accounts, &filter)
    );
}

#[test]
fn a_decoded_snapshot_equals_the_books_and_posts_like_them() {
    round_trip(true);
}

#[test]
fn a_decoded_snapshot_keeps_the_gl_queue_and_posts_it_like_the_books() {
    round_trip(false);
}

#[test]
fn decoded_codes_are_shared_as_the_ledger_interns_them() {
    let config = config(true);
    let rules = rules(&config);
    let accounts = RuleSetAccounts::new(&rules);
    let (books, recon) = example_books(&config, &accounts);
    let (mut decoded, _) = decode(&snapshot(&books, &recon), &config).unwrap();
    let ledger = &mut decoded.ledger;
    for entry in ledger.value_entries().to_vec() {
        let (inventory, general) = ledger.item_posting_groups(entry.item);
        assert!(Arc::ptr_eq(&entry.inventory_posting_group, &inventory));
        assert!(Arc::ptr_eq(&entry.gen_prod_posting_group, &general));
        let interned = ledger.intern_code(&entry.gen_bus_posting_group);
        assert!(Arc::ptr_eq(&entry.gen_bus_posting_group, &interned));
        assert!(Arc::ptr_eq(&entry.variant_code, &ledger.blank_code()));
    }
    // one copy of each document no. and file name, whichever entry names it
    let mut copies: HashMap<&str, HashSet<usize>> = HashMap::new();
    let ledger = &decoded.ledger;
    let texts = (ledger.item_ledger_entries().iter())
        .flat_map(|entry| [&entry.document_no, &entry.source_line.file])
        .chain(
            (ledger.value_entries().iter())
                .flat_map(|entry| [&entry.document_no, &entry.source_line.file]),
        );
    for text in texts {
        copies
            .entry(text)
            .or_default()
            .insert(Arc::as_ptr(text) as *const u8 as usize);
    }
    assert!(copies.len() > 100);
    assert!(copies.values().all(|addresses| addresses.len() == 1));
    let entries = decoded.general_ledger.entries();
    let distinct = |entries: &[stockpost::glpost::GlEntry]| {
        let mut addresses: Vec<usize> = entries
            .iter()
            .map(|entry| Arc::as_ptr(&entry.provenance) as usize)
            .collect();
        addresses.sort_unstable();
        addresses.dedup();
        addresses.len()
    };
    assert!(distinct(entries) <= distinct(books.general_ledger.entries()));
    assert!(
        distinct(entries) < entries.len() / 4,
        "provenances are shared"
    );
    // a decoded ledger records no changes until asked to
    assert_eq!(decoded.ledger.take_changes(), Default::default());
}

#[test]
fn the_header_is_read_without_the_body() {
    let config = config(true);
    let rules = rules(&config);
    let accounts = RuleSetAccounts::new(&rules);
    let (books, recon) = example_books(&config, &accounts);
    let bytes = snapshot(&books, &recon);
    assert_eq!(read_snapshot_header(&mut &bytes[..]).unwrap(), header());
    // the header alone is enough to read the header
    let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let header_end = 16 + header_len;
    assert_eq!(
        read_snapshot_header(&mut &bytes[..header_end]).unwrap(),
        header()
    );
    assert!(matches!(
        read_snapshot_header(&mut &bytes[..header_end - 1]),
        Err(SnapshotError::Truncated { .. })
    ));
}

#[test]
fn a_snapshot_is_refused_while_a_batch_is_open() {
    let mut books = Books::new(config(true));
    let _checkpoint = books.ledger.checkpoint();
    let error =
        write_snapshot(&mut Vec::new(), &header(), &books, &Default::default()).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}

/// The snapshot of the example (queue not empty), once for all damage tests.
fn example_snapshot() -> (Vec<u8>, CompanyConfig) {
    let config = config(false);
    let rules = rules(&config);
    let accounts = RuleSetAccounts::new(&rules);
    let (books, recon) = example_books(&config, &accounts);
    (snapshot(&books, &recon), config)
}

#[test]
fn a_flipped_byte_is_a_checksum_mismatch_or_another_error_never_a_panic() {
    let (bytes, config) = example_snapshot();
    let body_start = bytes.len() - body_len(&bytes);
    for position in (0..bytes.len())
        .step_by(bytes.len() / 300 + 1)
        .chain([body_start, bytes.len() - 1])
    {
        let mut damaged = bytes.clone();
        damaged[position] ^= 0x10;
        let error = decode(&damaged, &config)
            .err()
            .unwrap_or_else(|| panic!("byte {position}"));
        if position >= body_start {
            assert!(
                matches!(error, SnapshotError::ChecksumMismatch),
                "byte {position}: {error}"
            );
        } else if position < MAGIC.len() {
            assert!(
                matches!(error, SnapshotError::NotASnapshot),
                "byte {position}: {error}"
            );
        }
    }
}

/// The body length field of a snapshot.
fn body_len(bytes: &[u8]) -> usize {
    let header_len = u32::from_le_bytes(bytes[12..16].try_into().unwrap()) as usize;
    let at = 16 + header_len;
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap()) as usize
}

#[test]
fn a_truncated_snapshot_is_truncated() {
    let (bytes, config) = example_snapshot();
    for len in [
        0,
        3,
        8,
        10,
        14,
        20,
        40,
        60,
        100,
        bytes.len() / 2,
        bytes.len() - 1,
    ] {
        let error = decode(&bytes[..len], &config).err().unwrap();
        assert!(
            matches!(error, SnapshotError::Truncated { .. }),
            "{len} bytes: {error}"
        );
        assert!(error.to_string().starts_with("snapshot is truncated"));
    }
}

#[test]
fn wrong_magic_or_version_is_named() {
    let (bytes, config) = example_snapshot();
    let mut damaged = bytes.clone();
    damaged[..8].copy_from_slice(b"SQLite f");
    assert!(matches!(
        decode(&damaged, &config),
        Err(SnapshotError::NotASnapshot)
    ));
    assert!(matches!(
        read_snapshot_header(&mut &b"PK\x03\x04"[..]),
        Err(SnapshotError::NotASnapshot)
    ));
    let mut damaged = bytes.clone();
    damaged[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let error = read_snapshot_header(&mut &damaged[..]).unwrap_err();
    assert!(
        matches!(error, SnapshotError::FormatVersion { found, supported } if found == FORMAT_VERSION + 1 && supported == FORMAT_VERSION)
    );
    assert!(decode(&damaged, &config).is_err());
}

/// A body whose checksum is right but whose contents are not a body (a bug of a writer, not
/// damage) is a decode error.
#[test]
fn a_well_framed_body_that_does_not_decode_is_a_decode_error() {
    use sha2::{Digest, Sha256};
    let (bytes, config) = example_snapshot();
    let prefix_end = bytes.len() - body_len(&bytes) - 32;
    let mut prefix = bytes[8..prefix_end].to_vec();
    let body = vec![0xFFu8; 64];
    let at = prefix.len() - 8;
    prefix[at..].copy_from_slice(&(body.len() as u64).to_le_bytes());
    let checksum = Sha256::new()
        .chain_update(&prefix)
        .chain_update(&body)
        .finalize();
    let mut forged = MAGIC.to_vec();
    forged.extend_from_slice(&prefix);
    forged.extend_from_slice(&checksum);
    forged.extend_from_slice(&body);
    let error = decode(&forged, &config).err().unwrap();
    assert!(matches!(error, SnapshotError::Decode { .. }), "{error}");
}

#[test]
fn a_snapshot_of_a_company_with_other_items_does_not_fit() {
    let (bytes, config) = example_snapshot();
    let mut fewer = config.clone();
    let removed = fewer.items.pop().unwrap();
    let error = decode(&bytes, &fewer).err().unwrap();
    assert!(matches!(error, SnapshotError::DoesNotFit { .. }), "{error}");
    let named = format!(
        "item {} of the snapshot is not in the configuration",
        removed.no
    );
    assert!(error.to_string().contains(&named), "{error}");
    let mut other_location = config.clone();
    other_location.locations[0].code = "GENF".to_string();
    let error = decode(&bytes, &other_location).err().unwrap();
    assert!(error.to_string().contains("location MAIN"), "{error}");
}

#[test]
fn an_empty_company_round_trips() {
    let config = CompanyConfig::empty("Leer AG");
    let books = Books::new(config.clone());
    let recon = ReconciliationState::default();
    let bytes = snapshot(&books, &recon);
    let (decoded, decoded_recon) = decode(&bytes, &config).unwrap();
    assert!(decoded.ledger.item_ledger_entries().is_empty());
    assert_eq!(decoded_recon, recon);
    assert_eq!(decoded.ledger.location_id(""), Some(LocationId::BLANK));
    assert_eq!(
        decoded.ledger.bucket_quantity(&BucketKey {
            item: ItemId(0),
            location: LocationId::BLANK,
            variant_code: decoded.ledger.blank_code(),
        }),
        Decimal::ZERO
    );
}

/// After a configuration change the ledger's item order is not the file's: the snapshot keeps
/// the ledger's order, so it decodes with the configuration in file order, and items the
/// configuration adds since are appended.
#[test]
fn a_snapshot_after_a_configuration_change_decodes_with_the_file_order() {
    let config = config(true);
    let rules = rules(&config);
    let accounts = RuleSetAccounts::new(&rules);
    let (mut books, recon) = example_books(&config, &accounts);
    let mut changed = config.clone();
    changed.items.reverse();
    changed.items.insert(
        2,
        stockpost::config::Item::new("4000", stockpost::config::CostingMethod::Fifo),
    );
    changed.locations.reverse();
    books.ledger.change_config(changed.clone()).unwrap();
    let bytes = snapshot(&books, &recon);
    let (decoded, _) = decode(&bytes, &changed).unwrap();
    assert_same_books(&books, &decoded);
    assert_eq!(decoded.ledger.config(), books.ledger.config());

    let mut more = changed.clone();
    more.items.push(stockpost::config::Item::new(
        "4010",
        stockpost::config::CostingMethod::Average,
    ));
    let (decoded, _) = decode(&bytes, &more).unwrap();
    assert_same_books(&books, &decoded);
    let added = decoded.ledger.item_id("4010").unwrap();
    assert_eq!(added, ItemId(books.ledger.config().items.len() as u32));
    for item in &books.ledger.config().items {
        assert_eq!(
            decoded.ledger.item_id(&item.no),
            books.ledger.item_id(&item.no)
        );
    }
}
