//! The October 2026 example journals parse, and every entry-number reference in them is valid.
//!
//! This replays the files with the numbering rules of `docs/journal.md` (one entry per movement,
//! two per transfer) and checks quantities only; costing is the posting engine's job.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use stockpost::journal::{parse_journal, JournalLine, JournalLineKind as K, RevaluationScope};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/october-2026");
const ITEMS: [&str; 8] = [
    "1000", "1010", "1020", "2000", "2010", "3000", "3010", "5000",
];
const LOCATIONS: [&str; 3] = ["MAIN", "BASEL", "LYON"];
const SERIAL_ITEM: &str = "1020";

fn october_journals() -> Vec<(String, Vec<JournalLine>)> {
    let mut names: Vec<String> = std::fs::read_dir(DIR)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".csv") || name.ends_with(".jsonl"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(Path::new(DIR).join(&name)).unwrap();
            let lines = parse_journal(&name, &text).unwrap_or_else(|e| panic!("{e}"));
            (name, lines)
        })
        .collect()
}

/// One item ledger entry as far as quantities go.
#[derive(Debug, Clone)]
struct Entry {
    kind: &'static str,
    item: String,
    location: String,
    quantity: Decimal,
    /// Quantity invoiced (receipts, shipments) or returned (sales) so far.
    settled: Decimal,
}

#[derive(Default)]
struct Replay {
    entries: Vec<Entry>,
    stock: HashMap<(String, String), Decimal>,
    /// Serial number to the location where it is on hand.
    serials_on_hand: HashMap<String, String>,
    serials_sold: BTreeSet<String>,
}

impl Replay {
    fn entry(&mut self, entry_no: u64) -> &mut Entry {
        let count = self.entries.len();
        self.entries
            .get_mut(entry_no as usize - 1)
            .unwrap_or_else(|| panic!("entry {entry_no} does not exist yet ({count} so far)"))
    }

    fn create(&mut self, kind: &'static str, item: &str, location: &str, quantity: Decimal) -> u64 {
        assert!(ITEMS.contains(&item), "unknown item {item}");
        assert!(
            LOCATIONS.contains(&location),
            "unknown location {location:?}"
        );
        let inbound = !matches!(
            kind,
            "sale" | "sales_shipment" | "purchase_return" | "negative_adjustment" | "transfer_out"
        );
        let on_hand = self
            .stock
            .entry((item.to_string(), location.to_string()))
            .or_default();
        *on_hand += if inbound { quantity } else { -quantity };
        assert!(
            *on_hand >= Decimal::ZERO,
            "{item} at {location} goes negative"
        );
        self.entries.push(Entry {
            kind,
            item: item.to_string(),
            location: location.to_string(),
            quantity,
            settled: Decimal::ZERO,
        });
        self.entries.len() as u64
    }

    fn settle(&mut self, entry_no: u64, kind: &str, quantity: Decimal) -> &Entry {
        let entry = self.entry(entry_no);
        assert_eq!(entry.kind, kind, "entry {entry_no}");
        entry.settled += quantity;
        assert!(
            entry.settled <= entry.quantity,
            "entry {entry_no} over-settled"
        );
        entry
    }

    fn serial(&mut self, line: &JournalLine, item: &str, location: &str, inbound: bool) {
        if item != SERIAL_ITEM {
            assert_eq!(line.serial_no, None, "{}", line.source);
            return;
        }
        let serial = line
            .serial_no
            .clone()
            .expect("item 1020 lines carry a serial no.");
        if inbound {
            assert!(!self.serials_sold.contains(&serial), "{serial} comes back");
            let previous = self
                .serials_on_hand
                .insert(serial.clone(), location.to_string());
            assert_eq!(previous, None, "{serial} received twice");
        } else {
            let at = self.serials_on_hand.remove(&serial);
            assert_eq!(
                at.as_deref(),
                Some(location),
                "{serial} is not on hand at {location}"
            );
            assert!(
                self.serials_sold.insert(serial.clone()),
                "{serial} sold twice"
            );
        }
    }

    fn post(&mut self, line: &JournalLine) {
        match &line.kind {
            K::Purchase {
                item,
                location,
                quantity,
                ..
            } => {
                self.serial(line, item, location, true);
                self.create("purchase", item, location, *quantity);
            }
            K::PurchaseReceipt {
                item,
                location,
                quantity,
                ..
            } => {
                self.serial(line, item, location, true);
                self.create("purchase_receipt", item, location, *quantity);
            }
            K::PurchaseInvoice {
                receipt_entry_no,
                quantity,
                ..
            } => {
                self.settle(*receipt_entry_no, "purchase_receipt", *quantity);
            }
            K::PurchaseReturn {
                item,
                location,
                quantity,
                applies_to_entry_no,
                ..
            } => {
                let applied = self
                    .entry(applies_to_entry_no.expect("applied return"))
                    .clone();
                assert!(applied.kind.starts_with("purchase"));
                assert_eq!((&applied.item, &applied.location), (item, location));
                if applied.kind == "purchase_receipt" {
                    assert_eq!(
                        applied.settled, applied.quantity,
                        "return of an uninvoiced receipt"
                    );
                }
                self.create("purchase_return", item, location, *quantity);
            }
            K::Sale {
                item,
                location,
                quantity,
                ..
            } => {
                self.serial(line, item, location, false);
                self.create("sale", item, location, *quantity);
            }
            K::SalesShipment {
                item,
                location,
                quantity,
                ..
            } => {
                self.serial(line, item, location, false);
                self.create("sales_shipment", item, location, *quantity);
            }
            K::SalesInvoice {
                shipment_entry_no,
                quantity,
                ..
            } => {
                self.settle(*shipment_entry_no, "sales_shipment", *quantity);
            }
            K::SalesReturn {
                item,
                location,
                quantity,
                applies_from_entry_no,
                ..
            } => {
                let sale = self.settle(applies_from_entry_no.expect("applied"), "sale", *quantity);
                assert_eq!(&sale.item, item);
                self.create("sales_return", item, location, *quantity);
            }
            K::PositiveAdjustment {
                item,
                location,
                quantity,
                ..
            } => {
                self.serial(line, item, location, true);
                self.create("positive_adjustment", item, location, *quantity);
            }
            K::NegativeAdjustment {
                item,
                location,
                quantity,
                applies_to_entry_no,
            } => {
                if let Some(entry_no) = applies_to_entry_no {
                    let applied = self.entry(*entry_no);
                    assert_eq!((&applied.item, &applied.location), (item, location));
                }
                self.create("negative_adjustment", item, location, *quantity);
            }
            K::Transfer {
                item,
                from_location,
                to_location,
                quantity,
            } => {
                assert_ne!(item, SERIAL_ITEM);
                self.create("transfer_out", item, from_location, *quantity);
                self.create("transfer_in", item, to_location, *quantity);
            }
            K::ItemCharge {
                assign_to_entry_nos,
                ..
            } => {
                for &entry_no in assign_to_entry_nos {
                    assert!(
                        self.entry(entry_no).kind.starts_with("purchase"),
                        "charge on {entry_no}"
                    );
                }
            }
            K::Revaluation { item, scope, .. } => {
                assert!(ITEMS.contains(&item.as_str()));
                if let RevaluationScope::Entry { entry_no } = scope {
                    let entry = self.entry(*entry_no);
                    assert_eq!((&entry.item, entry.kind), (item, "purchase_receipt"));
                    assert_eq!(
                        entry.settled, entry.quantity,
                        "revalued entry fully invoiced"
                    );
                }
            }
            K::StandardCostChange { item, .. } => assert!(ITEMS.contains(&item.as_str())),
        }
    }
}

#[test]
fn october_journals_parse_and_references_are_valid() {
    let journals = october_journals();
    let mut replay = Replay::default();
    let mut previous_date = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let mut types = BTreeSet::new();
    let mut line_count = 0;
    let mut entries_per_file = BTreeMap::new();
    for (name, lines) in &journals {
        for line in lines {
            assert!(
                line.posting_date >= previous_date,
                "{} goes back in time",
                line.source
            );
            previous_date = line.posting_date;
            assert!(["", "DOMESTIC", "EU", "EXPORT"].contains(&line.gen_bus_posting_group.as_str()));
            types.insert(line.kind.name());
            replay.post(line);
            line_count += 1;
        }
        entries_per_file.insert(name.clone(), replay.entries.len());
    }
    assert!(previous_date <= NaiveDate::from_ymd_opt(2026, 10, 31).unwrap());
    assert_eq!(types.len(), 14, "every line type occurs: {types:?}");
    assert!(journals.iter().any(|(name, _)| name.ends_with(".jsonl")));
    // The README's entry table and line counts describe exactly these figures.
    assert_eq!(line_count, 232);
    let last_entry_per_file: Vec<usize> = entries_per_file.values().copied().collect();
    assert_eq!(last_entry_per_file, vec![16, 50, 89, 135, 178, 213, 215]);
    assert_eq!(replay.serials_sold.len(), 6);
    assert_eq!(
        replay.serials_on_hand,
        HashMap::from([("LEVA-0164".to_string(), "MAIN".to_string())])
    );
}

#[test]
fn item_journal_lines_have_no_business_posting_group() {
    for (_, lines) in october_journals() {
        for line in lines {
            let item_journal = matches!(
                line.kind,
                K::PositiveAdjustment { .. }
                    | K::NegativeAdjustment { .. }
                    | K::Transfer { .. }
                    | K::Revaluation { .. }
                    | K::StandardCostChange { .. }
            );
            if item_journal {
                assert_eq!(line.gen_bus_posting_group, "", "{}", line.source);
            } else {
                assert_ne!(line.gen_bus_posting_group, "", "{}", line.source);
            }
        }
    }
}
