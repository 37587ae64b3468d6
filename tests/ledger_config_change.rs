//! Configuration changes between batches (issue 6): a consultant adds an item and changes
//! another item's posting group after journals were posted; items and locations with entries
//! cannot disappear, and an item with entries keeps its costing method.

use rust_decimal::Decimal;
use stockpost::books::Books;
use stockpost::config::{CompanyConfig, CostingMethod, Item};
use stockpost::example::{example_chart, example_config, example_rule_sources, EXAMPLE_JOURNALS};
use stockpost::glpost::invariants::check_general_ledger;
use stockpost::journal::parse_journal;
use stockpost::ledger::invariants::check_sub_ledger;
use stockpost::ledger::{ConfigChangeError, ItemId};
use stockpost::posting::PostingContext;
use stockpost::rules::{RuleSet, RuleSetAccounts};

const HEADER: &str = "type,posting_date,document_no,external_document_no,gen_bus_posting_group,\
serial_no,item,location,quantity,unit_cost,amount,unit_price";

fn rules(config: &CompanyConfig) -> RuleSet {
    RuleSet::from_sources(&example_rule_sources(), config, &example_chart()).unwrap()
}

fn post(books: &mut Books, rules: &RuleSet, name: &str, text: &str) {
    let accounts = RuleSetAccounts::new(rules);
    let lines = parse_journal(name, text).unwrap();
    let work_date = lines.iter().map(|line| line.posting_date).max().unwrap();
    books
        .post_journal(&lines, &PostingContext { work_date }, &accounts)
        .unwrap_or_else(|error| panic!("{name}: {error}"));
}

/// The example company after its first three journals.
fn posted_books() -> (Books, RuleSet) {
    let config = example_config();
    let rules = rules(&config);
    let mut books = Books::new(config);
    for (name, text) in &EXAMPLE_JOURNALS[..3] {
        post(&mut books, &rules, name, text);
    }
    (books, rules)
}

fn item_mut<'a>(config: &'a mut CompanyConfig, no: &str) -> &'a mut Item {
    config.items.iter_mut().find(|item| item.no == no).unwrap()
}

/// A new FIFO coffee grinder "4000", listed first in the new file.
fn with_new_item(mut config: CompanyConfig) -> CompanyConfig {
    let mut grinder = Item::new("4000", CostingMethod::Fifo);
    grinder.description = "Hand grinder".to_string();
    grinder.inventory_posting_group = "RESALE".to_string();
    grinder.gen_prod_posting_group = item_mut(&mut config, "1000").gen_prod_posting_group.clone();
    grinder.item_category = Some("MACHINES".to_string());
    config.items.insert(0, grinder);
    config
}

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn an_added_item_and_a_changed_posting_group_post_consistently() {
    let (mut books, _) = posted_books();
    let ids_before: Vec<(String, ItemId)> = (books.ledger.config().items.iter())
        .map(|item| (item.no.clone(), books.ledger.item_id(&item.no).unwrap()))
        .collect();
    let old_3000_entries: Vec<_> = books
        .ledger
        .value_entries()
        .iter()
        .filter(|entry| books.ledger.item_no(entry.item) == "3000")
        .cloned()
        .collect();
    assert!(!old_3000_entries.is_empty());

    let mut config = with_new_item(example_config());
    item_mut(&mut config, "3000").inventory_posting_group = "RAWMAT".to_string();
    books.ledger.change_config(config.clone()).unwrap();

    // known items keep their ids, the new item is appended
    for (no, id) in &ids_before {
        assert_eq!(books.ledger.item_id(no), Some(*id), "item {no}");
        assert_eq!(books.ledger.item_no(*id), no);
    }
    let grinder = books.ledger.item_id("4000").unwrap();
    assert_eq!(grinder, ItemId(ids_before.len() as u32));
    assert_eq!(books.ledger.config().items.len(), config.items.len());
    assert_eq!(books.ledger.entries_of_item(grinder).count(), 0);
    let id_3000 = books.ledger.item_id("3000").unwrap();
    assert_eq!(&*books.ledger.item_posting_groups(id_3000).0, "RAWMAT");

    // the rules are rebuilt for the new configuration, as the company store does
    let rules = rules(books.ledger.config());
    // the rest of the month (the journals name entries by number, so they go first)
    for (name, text) in &EXAMPLE_JOURNALS[3..] {
        post(&mut books, &rules, name, text);
    }
    let journal = format!(
        "{HEADER}\n\
         purchase,2026-10-31,PPI-26-9001,GR-1,EU,,4000,MAIN,5,40.00,,\n\
         purchase,2026-10-31,PPI-26-9002,GR-2,EU,,3000,MAIN,2,15.00,,\n\
         sale,2026-10-31,PSI-26-9001,,DOMESTIC,,4000,MAIN,2,,,90.00\n"
    );
    post(&mut books, &rules, "after-change.csv", &journal);

    let grinder_entries: Vec<_> = books.ledger.entries_of_item(grinder).cloned().collect();
    assert_eq!(grinder_entries.len(), 2);
    assert_eq!(
        books.ledger.item_cost_state(grinder).inventory_quantity,
        d("3")
    );
    let (actual, _) = books.ledger.cost_of_entry(grinder_entries[1].entry_no);
    assert_eq!(actual, d("-80.00"));
    // entries posted before the change keep their posting group; new ones take the new one
    for entry in &old_3000_entries {
        let now = books.ledger.value_entry(entry.entry_no).unwrap();
        assert_eq!(&*now.inventory_posting_group, "RESALE");
    }
    let newest_3000 = (books.ledger.value_entries().iter())
        .rev()
        .find(|entry| entry.item == id_3000)
        .unwrap();
    assert_eq!(&*newest_3000.inventory_posting_group, "RAWMAT");

    // the books are consistent, also after a cost adjustment
    let accounts = RuleSetAccounts::new(&rules);
    books.adjust_cost(&Default::default(), true, &accounts);
    assert_eq!(check_sub_ledger(&books.ledger), vec![]);
    assert_eq!(check_general_ledger(&books, &accounts), vec![]);
}

#[test]
fn removing_an_item_with_entries_is_refused_and_changes_nothing() {
    let (mut books, rules) = posted_books();
    let before = books.ledger.config().clone();
    let entries = books.ledger.item_ledger_entries().to_vec();
    let mut config = with_new_item(example_config());
    config.items.retain(|item| item.no != "2000");
    let error = books.ledger.change_config(config).unwrap_err();
    let count = books
        .ledger
        .entries_of_item(books.ledger.item_id("2000").unwrap())
        .count();
    assert_eq!(
        error,
        ConfigChangeError::ItemRemoved {
            item_no: "2000".to_string(),
            entries: count,
        }
    );
    assert!(count > 0);
    assert!(
        error.to_string().contains("item 2000 is missing"),
        "{error}"
    );
    assert_eq!(books.ledger.config(), &before);
    assert_eq!(books.ledger.item_id("4000"), None);
    assert_eq!(books.ledger.item_ledger_entries(), &entries[..]);
    // and it goes on posting as before
    let (name, text) = EXAMPLE_JOURNALS[3];
    post(&mut books, &rules, name, text);
    assert_eq!(check_sub_ledger(&books.ledger), vec![]);
}

#[test]
fn an_item_with_entries_keeps_its_costing_method() {
    let (mut books, _) = posted_books();
    let mut config = example_config();
    item_mut(&mut config, "1000").costing_method = CostingMethod::Lifo;
    let error = books.ledger.change_config(config).unwrap_err();
    assert!(
        matches!(&error, ConfigChangeError::CostingMethodChanged { item_no, from: "fifo", to: "lifo", .. } if item_no == "1000"),
        "{error:?}"
    );
    assert!(error
        .to_string()
        .contains("Business Central refuses this too"));
    assert_eq!(
        books
            .ledger
            .item(books.ledger.item_id("1000").unwrap())
            .costing_method,
        CostingMethod::Fifo
    );

    // an item without entries may change its method
    let mut config = with_new_item(example_config());
    books.ledger.change_config(config.clone()).unwrap();
    item_mut(&mut config, "4000").costing_method = CostingMethod::Average;
    books.ledger.change_config(config).unwrap();
    let grinder = books.ledger.item_id("4000").unwrap();
    assert_eq!(
        books.ledger.item(grinder).costing_method,
        CostingMethod::Average
    );
}

#[test]
fn removing_a_location_is_refused_and_new_locations_are_appended() {
    let (mut books, _) = posted_books();
    let mut config = example_config();
    let basel = config.locations.remove(1);
    assert_eq!(basel.code, "BASEL");
    let error = books.ledger.change_config(config.clone()).unwrap_err();
    assert_eq!(
        error,
        ConfigChangeError::LocationRemoved {
            code: "BASEL".to_string()
        }
    );
    let basel_id = books.ledger.location_id("BASEL").unwrap();
    // BASEL back, but last, and a new location first: ids stay, the new one is appended
    config.locations.push(basel);
    config
        .locations
        .insert(0, stockpost::config::Location::new("ZURICH"));
    books.ledger.change_config(config).unwrap();
    assert_eq!(books.ledger.location_id("BASEL"), Some(basel_id));
    let zurich = books.ledger.location_id("ZURICH").unwrap();
    assert_eq!(books.ledger.location_code(zurich), "ZURICH");
    assert!(zurich.0 > basel_id.0);
}

#[test]
fn an_item_listed_twice_is_refused() {
    let (mut books, _) = posted_books();
    let mut config = example_config();
    let copy = config.items[0].clone();
    config.items.push(copy);
    let error = books.ledger.change_config(config).unwrap_err();
    assert_eq!(
        error,
        ConfigChangeError::DuplicateItem {
            item_no: "1000".to_string()
        }
    );
}
