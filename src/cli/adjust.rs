//! `stockpost adjust`: replay the journals, then run "Adjust Cost - Item Entries" for all items,
//! some items or one item category, and print what the run changed: per item, per G/L account,
//! the bounds it hit and the entries its G/L posting skipped.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use stockpost::adjust::{AdjustRequest, ItemSelection};
use stockpost::books::{AdjustmentPosting, Books};
use stockpost::report::cost_posting::{
    gl_account_totals, gl_account_totals_footer, skipped_rows, GlAccountTotalRow, SkippedRow,
};
use stockpost::report::render::{render_csv, render_json, render_table};
use stockpost::report::steps::AdjustmentSummary;
use stockpost::rules::RuleSetAccounts;
use stockpost::store::BatchCommand;

use super::company::Company;
use super::failure::CliError;
use super::inputs::{write_stdout, CompanyArgs, Format};
use super::post::finish;
use super::replay::{replay, Progress, Replay};
use super::stored::{company_folder, open};

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str = "Adjust cost (\"Adjust Cost - Item Entries\") in a company's \
    store, or after replaying journal files in memory, and print what the adjustment changed.\n\n\
    Without journal files the company's store is adjusted (--company DIR, default the current \
    folder) and the run is stored as one batch. With journal files nothing is stored: the \
    journals are posted in memory as `stockpost post --dry-run` posts them. Cost adjustment runs for every item whose \
    cost is not adjusted, or only for the items named with --item (repeatable) or the items of \
    one --item-category (not both, as in Business Central). Its entries are posted to the G/L \
    when the company's automatic cost posting is on, unless --no-post-to-gl; --post-to-gl posts \
    them even when it is off. Entries not posted wait in the G/L queue (for `stockpost \
    post-cost`).\n\n\
    The summary: value entries created; per item the entries adjusted and the amount; per G/L \
    account the G/L entries of the adjustment's posting and their amount (names from the \
    chart); bounds hit; value entries the G/L posting skipped, with the reason. A run that \
    changes nothing says \"0 value entries created\".\n\n\
    Examples:\n  \
    stockpost adjust --company acme\n  \
    stockpost adjust --company acme journals/*.csv   (in memory, nothing stored)\n  \
    stockpost adjust --item 1000 --item 2000 --no-post-to-gl week1.csv week2.csv\n  \
    stockpost adjust --item-category BEANS --format json journals/*.csv\n\n\
    Exit status: 0 adjusted; 1 adjusted, but a bound was hit (the item stays not adjusted) or \
    entries were skipped in G/L posting (they stay queued); 2 usage or input error (unknown \
    item or category, bad configuration, rules or journal).";

#[derive(Debug, Args)]
pub struct AdjustArgs {
    #[command(flatten)]
    pub company: CompanyArgs,
    /// Adjust only this item no. (repeatable)
    #[arg(long = "item", value_name = "NO", conflicts_with = "item_category")]
    pub items: Vec<String>,
    /// Adjust only the items of this item category
    #[arg(long, value_name = "CAT")]
    pub item_category: Option<String>,
    /// Post the adjustment entries to the G/L [default: when automatic cost posting is on]
    #[arg(long, conflicts_with = "no_post_to_gl")]
    pub post_to_gl: bool,
    /// Leave the adjustment entries in the G/L queue
    #[arg(long)]
    pub no_post_to_gl: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Journal files to replay in memory first (nothing is stored); none: the company's store
    #[arg(value_name = "JOURNAL")]
    pub journals: Vec<PathBuf>,
}

/// What `stockpost adjust` prints (also its JSON document).
#[derive(Debug, Serialize)]
pub struct AdjustReport {
    pub company: String,
    pub currency: String,
    /// `all items`, `items 1000, 2000` or `item category BEANS`.
    pub selection: String,
    pub post_to_gl: bool,
    /// Per item, with totals, value entries created and bounds hit.
    pub adjustment: AdjustmentSummary,
    /// The G/L entries of the adjustment's posting, per account.
    pub gl_accounts: Vec<GlAccountTotalRow>,
    pub gl_entries_created: u64,
    /// Adjustment entries left in the G/L queue (not posted, or skipped).
    pub queued_for_gl: u64,
    pub skipped: Vec<SkippedRow>,
}

pub fn run(args: &AdjustArgs) -> ExitCode {
    finish(adjust(args))
}

fn adjust(args: &AdjustArgs) -> Result<Vec<String>, CliError> {
    if args.journals.is_empty() {
        return adjust_store(args);
    }
    let (company, journals) = args.company.load(&args.journals)?;
    let selection = selection(args, &company)?;
    let options = args.company.journals_only();
    let mut run = replay(&company, &journals, &options, &Progress::for_stderr())?;
    let post_to_gl = post_to_gl(args, &company);
    let report = adjust_books(&company, &mut run, selection, post_to_gl);
    write_stdout(&match args.format {
        Format::Table => render_text(&report),
        Format::Json => render_json(&report),
        Format::Csv => render_csv_tables(&report),
    })?;
    Ok(problems(run.problems, &report))
}

/// Adjusts the company's store as one batch.
fn adjust_store(args: &AdjustArgs) -> Result<Vec<String>, CliError> {
    if args.company.work_date.is_some() {
        return Err(CliError::input("--work-date needs journal files")
            .hint("an adjustment of the store has no work date"));
    }
    let folder = company_folder(args.company.company.as_deref());
    let mut session = open(&folder, false)?;
    let selection = selection(args, session.company())?;
    let post_to_gl = post_to_gl(args, session.company());
    let first_gl_entry = session.books().general_ledger.entries().len() as u64 + 1;
    let (items, item_category) = match &selection {
        ItemSelection::All => (Vec::new(), None),
        ItemSelection::Items(items) => (items.clone(), None),
        ItemSelection::Category(category) => (Vec::new(), Some(category.clone())),
    };
    let committed = session.run(BatchCommand::AdjustCost {
        items,
        item_category,
        post_to_gl,
    })?;
    let posting = committed
        .outcome
        .adjustment
        .expect("an adjustment batch adjusts");
    let report = adjust_report(
        session.company(),
        session.books(),
        describe(&selection),
        post_to_gl,
        &posting,
        first_gl_entry,
    );
    write_stdout(&match args.format {
        Format::Table => render_text(&report),
        Format::Json => render_json(&report),
        Format::Csv => render_csv_tables(&report),
    })?;
    Ok(problems(Vec::new(), &report))
}

fn post_to_gl(args: &AdjustArgs, company: &Company) -> bool {
    match (args.post_to_gl, args.no_post_to_gl) {
        (true, _) => true,
        (_, true) => false,
        _ => company.config.inventory_setup.automatic_cost_posting,
    }
}

/// The selection the arguments ask for; an item or category the configuration does not know is
/// an input error (BC would adjust nothing and say nothing).
fn selection(args: &AdjustArgs, company: &Company) -> Result<ItemSelection, CliError> {
    let items = &company.config.items;
    if let Some(category) = &args.item_category {
        if !items
            .iter()
            .any(|item| item.item_category.as_deref() == Some(category.as_str()))
        {
            return Err(CliError::input(format!(
                "no item of the company's items.toml has item category {category}"
            ))
            .hint("pass an item_category used in config/items.toml to --item-category"));
        }
        return Ok(ItemSelection::Category(category.clone()));
    }
    if args.items.is_empty() {
        return Ok(ItemSelection::All);
    }
    for no in &args.items {
        if !items.iter().any(|item| &item.no == no) {
            return Err(
                CliError::input(format!("item {no} is not in the company's items.toml"))
                    .hint("pass an item no. of the configuration to --item"),
            );
        }
    }
    Ok(ItemSelection::Items(args.items.clone()))
}

fn describe(selection: &ItemSelection) -> String {
    match selection {
        ItemSelection::All => "all items".to_string(),
        ItemSelection::Items(items) if items.len() == 1 => format!("item {}", items[0]),
        ItemSelection::Items(items) => format!("items {}", items.join(", ")),
        ItemSelection::Category(category) => format!("item category {category}"),
    }
}

/// Runs the adjustment on the replayed books and summarises it.
pub fn adjust_books(
    company: &Company,
    run: &mut Replay,
    selection: ItemSelection,
    post_to_gl: bool,
) -> AdjustReport {
    let accounts = RuleSetAccounts::new(&company.rules);
    let first_gl_entry = run.books.general_ledger.entries().len() as u64 + 1;
    let selection_text = describe(&selection);
    let request = AdjustRequest {
        items: selection,
        online: false,
    };
    let posting = run.books.adjust_cost(&request, post_to_gl, &accounts);
    adjust_report(
        company,
        &run.books,
        selection_text,
        post_to_gl,
        &posting,
        first_gl_entry,
    )
}

/// The report of an adjustment run that created the G/L entries from `first_gl_entry` on.
pub fn adjust_report(
    company: &Company,
    books: &Books,
    selection: String,
    post_to_gl: bool,
    posting: &AdjustmentPosting,
    first_gl_entry: u64,
) -> AdjustReport {
    let next_gl_entry = books.general_ledger.entries().len() as u64 + 1;
    let config = books.ledger.config();
    AdjustReport {
        company: config.name.clone(),
        currency: config.currency.clone(),
        selection,
        post_to_gl,
        adjustment: AdjustmentSummary::of(&posting.adjustment),
        gl_accounts: gl_account_totals(
            &books.general_ledger,
            company.chart(),
            first_gl_entry..next_gl_entry,
        ),
        gl_entries_created: next_gl_entry - first_gl_entry,
        queued_for_gl: posting.queued_value_entries,
        skipped: skipped_rows(&posting.cost_posting.skipped),
    }
}

fn problems(mut problems: Vec<String>, report: &AdjustReport) -> Vec<String> {
    for hit in &report.adjustment.limit_hits {
        problems.push(format!(
            "cost adjustment stopped at a bound for {hit}; the item stays not adjusted"
        ));
    }
    for skipped in &report.skipped {
        problems.push(format!(
            "adjustment value entry {} not posted to the G/L, it stays queued: {}",
            skipped.value_entry_no, skipped.reason
        ));
    }
    problems
}

fn render_text(report: &AdjustReport) -> String {
    let adjustment = &report.adjustment;
    let mut out = format!(
        "{} (amounts in {})\nCost adjustment of {}, {}\n\n",
        report.company,
        report.currency,
        report.selection,
        if report.post_to_gl {
            "posted to the G/L"
        } else {
            "not posted to the G/L"
        }
    );
    out += &format!(
        "{} value entries created, {} entries adjusted, amount {:.2}\n",
        adjustment.value_entries_created, adjustment.entries_adjusted, adjustment.amount
    );
    if adjustment.value_entries_created == 0 {
        out += "nothing changed: the cost of the selected items is adjusted\n";
    }
    if !adjustment.items.is_empty() {
        out += "\nPer item\n";
        out += &render_table(&adjustment.items, Some(adjustment.footer()));
    }
    if !report.gl_accounts.is_empty() {
        out += "\nPer G/L account\n";
        out += &render_table(
            &report.gl_accounts,
            Some(gl_account_totals_footer(&report.gl_accounts)),
        );
    }
    out += &format!(
        "\n{} G/L entries created, {} value entries left in the G/L queue\n",
        report.gl_entries_created, report.queued_for_gl
    );
    out += &limit_hits_text(&adjustment.limit_hits);
    out += &skipped_text(&report.skipped);
    out
}

fn limit_hits_text(limit_hits: &[String]) -> String {
    if limit_hits.is_empty() {
        return "bounds hit: none\n".to_string();
    }
    let mut out = "bounds hit (these items stay not adjusted):\n".to_string();
    for hit in limit_hits {
        out += &format!("  {hit}\n");
    }
    out
}

/// The skipped value entries of a G/L posting run as text ("none" when there are none).
pub fn skipped_text(skipped: &[SkippedRow]) -> String {
    if skipped.is_empty() {
        return "skipped in G/L posting: none\n".to_string();
    }
    format!(
        "skipped in G/L posting (they stay queued):\n{}",
        render_table(skipped, None)
    )
}

/// Per item, per account and skipped entries as CSV tables separated by an empty line.
fn render_csv_tables(report: &AdjustReport) -> String {
    [
        render_csv(&report.adjustment.items),
        render_csv(&report.gl_accounts),
        render_csv(&report.skipped),
    ]
    .join("\n")
}
