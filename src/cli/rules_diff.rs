//! `stockpost rules diff --candidate DIR`: what a candidate rule set would do to the stored
//! history (nothing is written). `stockpost rules adopt DIR`: make it the company's rule set,
//! optionally posting the reclassification in the same batch.
//!
//! Exit status of `diff`: 0 nothing differs, 1 something differs (mappings, G/L lines,
//! balances or value entries), 2 input error (a candidate that does not compile or cannot place
//! a posted line, bad arguments), 3 the store cannot be used. Of `adopt`: 0 adopted (or already
//! the company's rule set), 2 input error, 3 store error; a failure changes nothing.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::Args;
use serde_json::{json, Value};

use stockpost::company::adopt::{adopt, AdoptOptions, Adopted};
use stockpost::company::candidate::Candidate;
use stockpost::company::rules_diff::{rules_diff, DiffOptions, ReplayMode, RulesDiff};
use stockpost::report::render::amount;
use stockpost::rules::diff::MappingChange;

use super::failure::CliError;
use super::inputs::{parse_date, write_stdout, Format};
use super::stored::{busy_timeout_ms, company_folder, TerminalProgress};

/// `--help` of `rules diff`.
pub const DIFF_LONG_ABOUT: &str = "Replay the company's stored history under a candidate rule \
    set, in memory, and report what would change: every mapping (key, role, old account, new \
    account); the G/L lines that would be on another account, as a summary per (old account, \
    new account) pair, and each line with --detail (G/L entry no., posting date, document no., \
    value entry no., old and new account, amount); the balance of every account before (the \
    stored G/L) and after (the replay), with the difference; and the reclassification journal \
    that would move today's balances onto the new accounts (one line per account, after − \
    before, summing to zero). The store is only read.\n\n\
    DIR is a folder of *.rhai files, or a folder holding rules/ and optionally config/ (whose \
    configuration then replaces the company's for the replay).\n\n\
    When the candidate keeps the configuration and the cost adjustment trigger every stored \
    batch ran under, its value entries are the stored ones and only accounts can differ: the \
    books are restored as usual (snapshot plus later batches) and each posted line is asked of \
    the candidate. Otherwise (or with --full-replay) every batch is replayed into fresh books; \
    if value entries then differ, their count is reported instead of G/L lines and journal.\n\n\
    Examples:\n  \
    stockpost rules diff --candidate ../acme-rules-v2\n  \
    stockpost rules diff --candidate v2 --detail --format csv > diff.csv\n\n\
    Exit status: 0 nothing differs; 1 something differs; 2 input error (the candidate does not \
    compile or cannot place a posted line); 3 the store cannot be used.";

/// `--help` of `rules adopt`.
pub const ADOPT_LONG_ABOUT: &str = "Make a candidate rule set the company's: its rule files \
    replace rules/ and the change is stored as an `adopt_rule_set` batch, so that `verify` and \
    every replay run the later batches under the new rules. With --reclassify the same batch \
    (one database transaction) posts the reclassification journal of `rules diff` as G/L \
    entries, so the reconciliation stays clean across the change of mappings; without it the \
    balances stay on the old accounts and the reconciliation shows them as \"rule change\".\n\n\
    The reclassification is dated --posting-date (default: the last posting date in the \
    store) and numbered --document-no (default: RC- and the first 8 hex digits of the new rule \
    set's hash). A candidate that does not compile, cannot place a posted line, or brings \
    another configuration is refused; on any failure rules/ and the store are left as they were. \
    Stop `stockpost watch` first (see docs/cli.md).\n\n\
    Examples:\n  \
    stockpost rules adopt ../acme-rules-v2 --company acme --reclassify\n  \
    stockpost rules adopt v2 --reclassify --posting-date 2026-10-31 --document-no RC-2026-10\n\n\
    Exit status: 0 adopted (or already the company's rule set); 2 input error; 3 the store \
    cannot be used.";

#[derive(Debug, Clone, Args)]
pub struct RulesDiffArgs {
    /// The candidate rule set: a folder of *.rhai files, or one holding rules/ (and config/)
    #[arg(long, value_name = "DIR")]
    pub candidate: PathBuf,
    /// Company folder [default: the current folder]
    #[arg(long, value_name = "DIR")]
    pub company: Option<PathBuf>,
    /// List every G/L line that would move, not only the summary per account pair
    #[arg(long)]
    pub detail: bool,
    /// Replay every stored batch even when the projection gives the same result
    #[arg(long)]
    pub full_replay: bool,
    /// Posting date of the reclassification journal [default: the last posting date stored]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub posting_date: Option<NaiveDate>,
    /// Document no. of the reclassification journal [default: RC-<candidate hash>]
    #[arg(long, value_name = "NO")]
    pub document_no: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Clone, Args)]
pub struct RulesAdoptArgs {
    /// The rule set to adopt: a folder of *.rhai files, or one holding rules/
    pub dir: PathBuf,
    /// Company folder [default: the current folder]
    #[arg(long, value_name = "DIR")]
    pub company: Option<PathBuf>,
    /// Post the reclassification journal in the same batch
    #[arg(long)]
    pub reclassify: bool,
    /// Posting date of the reclassification [default: the last posting date stored]
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "reclassify")]
    pub posting_date: Option<NaiveDate>,
    /// Document no. of the reclassification [default: RC-<rule set hash>]
    #[arg(long, value_name = "NO", requires = "reclassify")]
    pub document_no: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub fn run_diff(args: &RulesDiffArgs) -> ExitCode {
    match diff_command(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(error) => error.report(),
    }
}

fn diff_command(args: &RulesDiffArgs) -> Result<bool, CliError> {
    let folder = company_folder(args.company.as_deref());
    let candidate = Candidate::read(&args.candidate)?;
    let options = DiffOptions {
        detail: args.detail,
        full_replay: args.full_replay,
        posting_date: args.posting_date,
        document_no: args.document_no.clone(),
    };
    let diff = rules_diff(
        &folder,
        &candidate,
        &options,
        &TerminalProgress::for_stderr(),
    )?;
    let text = match args.format {
        Format::Table => diff_table(&diff, args.detail),
        Format::Json => pretty(&diff_json(&diff, args.detail)),
        Format::Csv => diff_csv(&diff, args.detail),
    };
    write_stdout(&text)?;
    Ok(diff.is_empty())
}

pub fn run_adopt(args: &RulesAdoptArgs) -> ExitCode {
    match adopt_command(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => error.report(),
    }
}

fn adopt_command(args: &RulesAdoptArgs) -> Result<(), CliError> {
    let folder = company_folder(args.company.as_deref());
    let candidate = Candidate::read(&args.dir)?;
    let options = AdoptOptions {
        reclassify: args.reclassify,
        posting_date: args.posting_date,
        document_no: args.document_no.clone(),
        busy_timeout_ms: busy_timeout_ms(),
    };
    let adopted = adopt(
        &folder,
        &candidate,
        &options,
        &TerminalProgress::for_stderr(),
    )?;
    let text = match args.format {
        Format::Table => adopt_table(&adopted),
        Format::Json => pretty(&adopt_json(&adopted)),
        Format::Csv => adopt_csv(&adopted),
    };
    write_stdout(&text)
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values serialize");
    text.push('\n');
    text
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

fn account(account: &Option<String>) -> String {
    account.clone().unwrap_or_else(|| "(none)".to_string())
}

/// An aligned table: header, rule, rows (numbers right-aligned where `right` says so).
fn table(header: &[&str], right: &[bool], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .zip(right)
            .map(|((cell, &width), &right)| {
                let pad = " ".repeat(width - cell.chars().count());
                if right {
                    format!("{pad}{cell}")
                } else {
                    format!("{cell}{pad}")
                }
            })
            .collect();
        format!("{}\n", parts.join("  ").trim_end())
    };
    let mut out = line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    out.push_str(&line(
        &widths.iter().map(|&w| "-".repeat(w)).collect::<Vec<_>>(),
    ));
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

fn mapping_rows(changes: &[MappingChange]) -> Vec<Vec<String>> {
    changes
        .iter()
        .map(|change| {
            vec![
                change.key.clone(),
                change.role.name().to_string(),
                account(&change.old_account),
                account(&change.new_account),
            ]
        })
        .collect()
}

/// The mapping changes for a person: every key with `detail`, otherwise one row per (role, old
/// account, new account) with the number of keys.
fn mapping_section(changes: &[MappingChange], detail: bool) -> String {
    let mut out = format!("\nMapping changes ({} keys)\n", changes.len());
    if changes.is_empty() {
        return out;
    }
    if detail {
        out.push_str(&table(
            &["key", "role", "old_account", "new_account"],
            &[false; 4],
            &mapping_rows(changes),
        ));
        return out;
    }
    let mut grouped: std::collections::BTreeMap<(String, String, String), u64> =
        std::collections::BTreeMap::new();
    for change in changes {
        *grouped
            .entry((
                change.role.name().to_string(),
                account(&change.old_account),
                account(&change.new_account),
            ))
            .or_default() += 1;
    }
    let rows: Vec<Vec<String>> = grouped
        .into_iter()
        .map(|((role, old, new), keys)| vec![role, old, new, keys.to_string()])
        .collect();
    out.push_str(&table(
        &["role", "old_account", "new_account", "keys"],
        &[false, false, false, true],
        &rows,
    ));
    out.push_str("(every key with --detail, or in --format json / csv)\n");
    out
}

fn replay_text(mode: &ReplayMode) -> String {
    match mode {
        ReplayMode::Projection => {
            "projection (same trigger and configuration: the stored value entries, accounts \
             asked of the candidate)"
                .to_string()
        }
        ReplayMode::Full { why } => format!("full replay ({why})"),
    }
}

fn diff_table(diff: &RulesDiff, detail: bool) -> String {
    let mut out = format!(
        "Rule set diff: candidate {} against {} over {} stored batches\nreplay: {}\n",
        short(&diff.candidate_rule_set),
        short(&diff.current_rule_set),
        diff.batches,
        replay_text(&diff.replay)
    );
    out.push_str(&mapping_section(&diff.mapping_changes, detail));
    out.push_str(&format!(
        "\nValue entries: {} compared, {} differ\n",
        diff.value_entries_compared, diff.value_entries_differing
    ));
    out.push_str(&format!(
        "\nG/L lines that would move: {} of {} posted lines",
        diff.lines_moved, diff.lines_compared
    ));
    if diff.lines_differing_in_amount > 0 {
        out.push_str(&format!(
            "; {} differ in amount",
            diff.lines_differing_in_amount
        ));
    }
    out.push('\n');
    if !diff.pairs.is_empty() {
        out.push_str(&table(
            &PAIR_HEADER,
            &[false, false, true, true],
            &pair_rows(diff),
        ));
    }
    if !diff.line_differences.is_empty() {
        out.push_str("\nG/L lines\n");
        out.push_str(&table(
            &LINE_HEADER,
            &[true, false, false, true, false, false, false, true],
            &line_rows(diff),
        ));
    }
    out.push_str("\nBalances\n");
    let rows: Vec<Vec<String>> = diff
        .balances
        .iter()
        .map(|balance| {
            vec![
                balance.account_no.clone(),
                amount(balance.before),
                amount(balance.after),
                amount(balance.difference),
            ]
        })
        .collect();
    out.push_str(&table(
        &["account_no", "before", "after", "difference"],
        &[false, true, true, true],
        &rows,
    ));
    match &diff.reclassification {
        Some(journal) => {
            out.push_str(&format!(
                "\nReclassification journal: posting date {}, document no. {}\n",
                journal.posting_date, journal.document_no
            ));
            let rows: Vec<Vec<String>> = journal
                .lines
                .iter()
                .map(|(account_no, value)| vec![account_no.clone(), amount(*value)])
                .collect();
            out.push_str(&table(&["account_no", "amount"], &[false, true], &rows));
        }
        None => out.push_str("\nReclassification journal: none\n"),
    }
    for note in &diff.notes {
        out.push_str(&format!("\nnote: {note}\n"));
    }
    out.push_str(if diff.is_empty() {
        "\nno difference\n"
    } else {
        "\nthe candidate differs\n"
    });
    out
}

/// The columns of the moved lines summed per (old account, new account) pair.
const PAIR_HEADER: [&str; 4] = ["old_account", "new_account", "lines", "amount"];

fn pair_rows(diff: &RulesDiff) -> Vec<Vec<String>> {
    diff.pairs
        .iter()
        .map(|pair| {
            vec![
                pair.old_account.clone(),
                pair.new_account.clone(),
                pair.lines.to_string(),
                amount(pair.amount),
            ]
        })
        .collect()
}

/// The columns of each moved G/L line (`--detail`).
const LINE_HEADER: [&str; 8] = [
    "gl_entry_no",
    "posting_date",
    "document_no",
    "value_entry_no",
    "role",
    "old_account",
    "new_account",
    "amount",
];

fn line_rows(diff: &RulesDiff) -> Vec<Vec<String>> {
    diff.line_differences
        .iter()
        .map(|line| {
            vec![
                line.gl_entry_no.to_string(),
                line.posting_date.to_string(),
                line.document_no.clone(),
                line.value_entry_no.to_string(),
                line.role.name().to_string(),
                line.old_account.clone(),
                line.new_account.clone(),
                amount(line.amount),
            ]
        })
        .collect()
}

fn diff_json(diff: &RulesDiff, detail: bool) -> Value {
    let replay = match &diff.replay {
        ReplayMode::Projection => json!({"mode": "projection"}),
        ReplayMode::Full { why } => json!({"mode": "full", "why": why}),
    };
    let mut gl_lines = json!({
        "compared": diff.lines_compared,
        "moved": diff.lines_moved,
        "differing_in_amount": diff.lines_differing_in_amount,
        "pairs": diff.pairs.iter().map(|pair| json!({
            "old_account": pair.old_account, "new_account": pair.new_account,
            "lines": pair.lines, "amount": amount(pair.amount)})).collect::<Vec<_>>(),
    });
    if detail {
        gl_lines["detail"] = diff
            .line_differences
            .iter()
            .map(|line| {
                json!({"gl_entry_no": line.gl_entry_no,
                       "posting_date": line.posting_date.to_string(),
                       "document_no": line.document_no,
                       "value_entry_no": line.value_entry_no,
                       "role": line.role.name(),
                       "old_account": line.old_account, "new_account": line.new_account,
                       "amount": amount(line.amount)})
            })
            .collect();
    }
    json!({
        "differs": !diff.is_empty(),
        "current_rule_set": diff.current_rule_set,
        "candidate_rule_set": diff.candidate_rule_set,
        "candidate_config": diff.candidate_config,
        "batches": diff.batches,
        "replay": replay,
        "mapping_changes": mapping_json(&diff.mapping_changes),
        "value_entries": {"compared": diff.value_entries_compared,
                          "differing": diff.value_entries_differing},
        "gl_lines": gl_lines,
        "balances": diff.balances.iter().map(|balance| json!({
            "account_no": balance.account_no, "before": amount(balance.before),
            "after": amount(balance.after), "difference": amount(balance.difference)}))
            .collect::<Vec<_>>(),
        "reclassification": diff.reclassification.as_ref().map(|journal| json!({
            "posting_date": journal.posting_date.to_string(),
            "document_no": journal.document_no,
            "lines": journal.lines.iter().map(|(account_no, value)| json!({
                "account_no": account_no, "amount": amount(*value)})).collect::<Vec<_>>(),
        })),
        "notes": diff.notes,
    })
}

fn mapping_json(changes: &[MappingChange]) -> Vec<Value> {
    changes
        .iter()
        .map(|change| {
            json!({"side": change.side.as_str(), "key": change.key, "role": change.role.name(),
                   "old_account": change.old_account, "new_account": change.new_account})
        })
        .collect()
}

fn csv_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).expect("in-memory CSV");
    for row in rows {
        writer
            .write_record(stockpost::report::spreadsheet_safe_record(row))
            .expect("in-memory CSV");
    }
    String::from_utf8(writer.into_inner().expect("in-memory CSV")).expect("UTF-8 cells")
}

fn diff_csv(diff: &RulesDiff, detail: bool) -> String {
    let mut tables = vec![csv_table(&PAIR_HEADER, &pair_rows(diff))];
    tables.insert(
        0,
        csv_table(
            &["key", "role", "old_account", "new_account"],
            &mapping_rows(&diff.mapping_changes),
        ),
    );
    if detail {
        tables.push(csv_table(&LINE_HEADER, &line_rows(diff)));
    }
    tables.push(csv_table(
        &["account_no", "before", "after", "difference"],
        &diff
            .balances
            .iter()
            .map(|balance| {
                vec![
                    balance.account_no.clone(),
                    amount(balance.before),
                    amount(balance.after),
                    amount(balance.difference),
                ]
            })
            .collect::<Vec<_>>(),
    ));
    tables.push(reclassification_csv(diff));
    tables.join("\n")
}

fn reclassification_csv(diff: &RulesDiff) -> String {
    let rows: Vec<Vec<String>> = diff
        .reclassification
        .iter()
        .flat_map(|journal| {
            journal.lines.iter().map(|(account_no, value)| {
                vec![
                    journal.posting_date.to_string(),
                    journal.document_no.clone(),
                    account_no.clone(),
                    amount(*value),
                ]
            })
        })
        .collect();
    csv_table(
        &["posting_date", "document_no", "account_no", "amount"],
        &rows,
    )
}

fn adopt_table(adopted: &Adopted) -> String {
    let Some(batch_id) = adopted.batch_id else {
        return format!(
            "rule set {} is the company's rule set already; nothing was changed\n",
            short(&adopted.rule_set)
        );
    };
    let mut out = format!(
        "adopted rule set {} (was {}) as batch {batch_id}: {}\n",
        short(&adopted.rule_set),
        short(&adopted.previous_rule_set),
        adopted.files.join(", ")
    );
    out.push_str(&mapping_section(&adopted.mapping_changes, false));
    match &adopted.reclassification {
        Some(reclassified) => {
            let request = reclassified.request.as_ref();
            out.push_str(&format!(
                "\nReclassification: {} posted lines moved, {} G/L entries, posting date {}, \
                 document no. {}\n",
                reclassified.lines_moved,
                reclassified.posting.gl_entries_created,
                request.map_or(String::new(), |r| r.posting_date.to_string()),
                request.map_or("", |r| r.document_no.as_str())
            ));
            if !reclassified.journal.is_empty() {
                let rows: Vec<Vec<String>> = reclassified
                    .journal
                    .iter()
                    .map(|(account_no, value)| vec![account_no.to_string(), amount(*value)])
                    .collect();
                out.push_str(&table(&["account_no", "amount"], &[false, true], &rows));
            }
        }
        None => out.push_str(
            "\nNo reclassification: balances stay on the old accounts (reconcile shows them as \
             \"rule change\")\n",
        ),
    }
    if let Some(summary) = &adopted.reconciliation {
        out.push_str(&if summary.reconciled {
            "\nreconciled after the batch\n".to_string()
        } else {
            format!(
                "\nnot reconciled after the batch: {} cells differ, {} in all (see `stockpost \
                 reconcile`)\n",
                summary.differing_cells,
                amount(summary.total_difference)
            )
        });
    }
    out
}

fn adopt_json(adopted: &Adopted) -> Value {
    json!({
        "batch_id": adopted.batch_id,
        "adopted": adopted.batch_id.is_some(),
        "previous_rule_set": adopted.previous_rule_set,
        "rule_set": adopted.rule_set,
        "files": adopted.files,
        "mapping_changes": mapping_json(&adopted.mapping_changes),
        "reclassification": adopted.reclassification.as_ref().map(|reclassified| json!({
            "posting_date": reclassified.request.as_ref().map(|r| r.posting_date.to_string()),
            "document_no": reclassified.request.as_ref().map(|r| r.document_no.clone()),
            "lines_moved": reclassified.lines_moved,
            "gl_entries": reclassified.posting.gl_entries_created,
            "register_no": reclassified.posting.register_no,
            "lines": reclassified.journal.iter().map(|(account_no, value)| json!({
                "account_no": account_no.to_string(), "amount": amount(*value)}))
                .collect::<Vec<_>>(),
        })),
        "reconciled": adopted.reconciliation.as_ref().map(|summary| summary.reconciled),
    })
}

fn adopt_csv(adopted: &Adopted) -> String {
    let rows: Vec<Vec<String>> = adopted
        .reclassification
        .iter()
        .flat_map(|reclassified| {
            let request = reclassified.request.clone();
            reclassified.journal.iter().map(move |(account_no, value)| {
                vec![
                    request
                        .as_ref()
                        .map_or(String::new(), |r| r.posting_date.to_string()),
                    request
                        .as_ref()
                        .map_or(String::new(), |r| r.document_no.clone()),
                    account_no.to_string(),
                    amount(*value),
                ]
            })
        })
        .collect();
    csv_table(
        &["posting_date", "document_no", "account_no", "amount"],
        &rows,
    )
}
