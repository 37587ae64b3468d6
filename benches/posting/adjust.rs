//! Phases `adjust-full` and `adjust-incremental` (issue 4): a cost adjustment from scratch over
//! the posted history, then the run after one late purchase invoice on one receipt that was
//! already sold from.

use std::time::{Duration, Instant};

use rust_decimal::Decimal;

use stockpost::adjust::AdjustRequest;
use stockpost::books::{AdjustmentPosting, Books};
use stockpost::config::CostingMethod;
use stockpost::journal::csv::parse_csv;
use stockpost::journal::JournalLine;
use stockpost::ledger::{ItemLedgerEntryType, Ledger};
use stockpost::rules::RuleSetAccounts;

use super::{memory, per_second, print_memory, rules, seconds, thousands, Bench};

/// The late invoice raises the receipt's unit cost by this many percent.
const LATE_INVOICE_RISE_PERCENT: i64 = 10;

impl Bench<'_> {
    /// Posts the history (automatic cost posting on, G/L through the benchmark rules), adjusts
    /// it from scratch, then, when `incremental` is set, posts a late invoice and adjusts again.
    pub fn adjust_phases(&self, incremental: bool) -> Result<(), String> {
        let chart = rules::chart()?;
        let rule_set = rules::load(self.config, &chart)?;
        let accounts = RuleSetAccounts::new(&rule_set);
        let mut books = Books::new(self.config.clone());
        let started = Instant::now();
        books
            .post_journal(self.lines, self.context, &accounts)
            .map_err(|e| format!("[adjust] posting the history: {e}"))?;
        println!(
            "[adjust] history posted with G/L in {} (not counted); {} value entries",
            seconds(started.elapsed()),
            thousands(books.ledger.value_entries().len() as u64)
        );

        let label = "[adjust-full]";
        let rss_before = memory::current_mib();
        memory::reset_peak();
        let started = Instant::now();
        let full = books.adjust_cost(&AdjustRequest::default(), true, &accounts);
        let full_time = started.elapsed();
        let (peak, rss_after) = (memory::peak_mib(), memory::current_mib());
        print_adjustment(label, &full, full_time, &books.ledger);
        print_memory(label, peak, rss_before, rss_after);
        if !incremental {
            return Ok(());
        }

        let label = "[adjust-incremental]";
        let started = Instant::now();
        let again = books.adjust_cost(&AdjustRequest::default(), true, &accounts);
        let took = started.elapsed();
        println!(
            "{label} nothing changed: {}, {} value entries created ({:.4}% of the full run)",
            millis(took),
            again.adjustment.value_entry_nos.end - again.adjustment.value_entry_nos.start,
            share(took, full_time)
        );
        let late = late_invoice(&books.ledger, self.context.work_date)?;
        println!("{label} {}", late.description);
        let started = Instant::now();
        books
            .post_journal(&late.lines, self.context, &accounts)
            .map_err(|e| format!("{label} posting the late invoice: {e}"))?;
        let posted = started.elapsed();
        let started = Instant::now();
        let run = books.adjust_cost(&AdjustRequest::default(), true, &accounts);
        let took = started.elapsed();
        println!("{label} late invoice posted in {}", millis(posted));
        print_adjustment(label, &run, took, &books.ledger);
        print_created(label, &run, &books.ledger);
        println!(
            "{label} share of the full run: {:.4}% ({} vs {})",
            share(took, full_time),
            millis(took),
            seconds(full_time)
        );
        Ok(())
    }
}

/// Small runs in milliseconds, so that sub-millisecond runs still show a figure.
fn millis(duration: Duration) -> String {
    format!("{:.3} ms", duration.as_secs_f64() * 1000.0)
}

fn share(part: Duration, whole: Duration) -> f64 {
    part.as_secs_f64() * 100.0 / whole.as_secs_f64()
}

fn print_adjustment(label: &str, run: &AdjustmentPosting, took: Duration, ledger: &Ledger) {
    let adjustment = &run.adjustment;
    let created = adjustment.value_entry_nos.end - adjustment.value_entry_nos.start;
    let entries_adjusted: u64 = adjustment
        .items
        .values()
        .map(|item| item.entries_adjusted)
        .sum();
    let amount: Decimal = adjustment.items.values().map(|item| item.amount).sum();
    let not_adjusted = (0..ledger.config().items.len() as u32)
        .filter(|&index| {
            !ledger
                .item_cost_state(stockpost::ledger::ItemId(index))
                .cost_is_adjusted
        })
        .count();
    println!(
        "{label} adjust: {} ({} value entries created/s); {} value entries created, {} entries adjusted over {} items, amount {amount}",
        millis(took),
        per_second(created, took),
        thousands(created),
        thousands(entries_adjusted),
        thousands(adjustment.items.len() as u64),
    );
    println!(
        "{label} G/L: {} value entries posted, {} G/L entries, {} skipped, {} queued; {} limit hits; {} items still not adjusted",
        thousands(run.cost_posting.posted_value_entries),
        thousands(run.cost_posting.gl_entries_created),
        run.cost_posting.skipped.len(),
        run.queued_value_entries,
        adjustment.limit_hits.len(),
        not_adjusted
    );
    for hit in adjustment.limit_hits.iter().take(5) {
        println!(
            "{label} limit hit: item {} at item ledger entry {}: {}",
            hit.item_no, hit.item_ledger_entry_no, hit.limit
        );
    }
}

/// The value entries a small run created, one line each.
fn print_created(label: &str, run: &AdjustmentPosting, ledger: &Ledger) {
    for value_entry_no in run.adjustment.value_entry_nos.clone().take(10) {
        let Some(entry) = ledger.value_entry(value_entry_no) else {
            continue;
        };
        let adjusted = ledger.item_ledger_entry(entry.item_ledger_entry_no);
        println!(
            "{label} created value entry {value_entry_no}: item ledger entry {} ({}, {} units at {}), {} {}",
            entry.item_ledger_entry_no,
            entry.item_ledger_entry_type.as_str(),
            adjusted.map_or(Decimal::ZERO, |e| e.quantity),
            adjusted.map_or("?".to_string(), |e| ledger.location_code(e.location).to_string()),
            entry.entry_type.as_str(),
            entry.cost_amount_actual
        );
    }
}

/// The late invoice to post and what it is.
struct LateInvoice {
    lines: Vec<JournalLine>,
    description: String,
}

/// Whether a sale took some of this inbound entry (directly, not through a transfer).
fn sold_from(ledger: &Ledger, inbound_entry_no: u64) -> bool {
    ledger.applications_of(inbound_entry_no).any(|application| {
        application.inbound_item_entry_no == inbound_entry_no
            && ledger
                .item_ledger_entry(application.outbound_item_entry_no)
                .is_some_and(|outbound| outbound.entry_type == ItemLedgerEntryType::Sale)
    })
}

/// A purchase invoice for the rest of the latest receipt that is not completely invoiced and was
/// already sold from (of a FIFO, LIFO or Average item, whose outbound entries take its cost),
/// at a unit cost 10% above the receipt's.
fn late_invoice(ledger: &Ledger, posting_date: chrono::NaiveDate) -> Result<LateInvoice, String> {
    let receipt = ledger
        .item_ledger_entries()
        .iter()
        .rev()
        .find(|entry| {
            let method = ledger.item(entry.item).costing_method;
            entry.entry_type == ItemLedgerEntryType::Purchase
                && entry.invoiced_quantity < entry.quantity
                && sold_from(ledger, entry.entry_no)
                && matches!(
                    method,
                    CostingMethod::Fifo | CostingMethod::Lifo | CostingMethod::Average
                )
        })
        .ok_or("no receipt both sold from and not completely invoiced")?;
    let quantity = receipt.quantity - receipt.invoiced_quantity;
    let cost: Decimal = ledger
        .value_entries_of(receipt.entry_no)
        .map(|entry| entry.cost_amount_expected + entry.cost_amount_actual)
        .sum();
    let unit_cost =
        (cost / receipt.quantity * Decimal::new(100 + LATE_INVOICE_RISE_PERCENT, 2)).round_dp(2);
    let text = format!(
        "type,posting_date,document_no,gen_bus_posting_group,quantity,unit_cost,receipt_entry_no\n\
         purchase_invoice,{posting_date},LATE-1,DOMESTIC,{quantity},{unit_cost},{}\n",
        receipt.entry_no
    );
    let lines = parse_csv("late-invoice.csv", &text).map_err(|e| e.to_string())?;
    let item = ledger.item(receipt.item);
    let description = format!(
        "late invoice: receipt {} of item {} ({}, {} entries of the item), {} of {} units left in stock, {} units invoiced at {unit_cost} (receipt cost {})",
        receipt.entry_no,
        item.no,
        item.costing_method.as_str(),
        thousands(ledger.entries_of_item(receipt.item).count() as u64),
        receipt.remaining_quantity,
        receipt.quantity,
        quantity,
        (cost / receipt.quantity).round_dp(2)
    );
    Ok(LateInvoice { lines, description })
}
