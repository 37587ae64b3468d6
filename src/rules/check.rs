//! `stockpost rules check`: evaluate a rule set for every known key and report the mapping,
//! the errors (rustc style) and the roles the account matrix needs but the rules leave unmapped.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::diagnostics::{RuleError, RuleErrorKind};
use super::key::entry_type_name;
use super::role::{AccountRole, RoleSide};
use super::ruleset::{known_general_keys, known_inventory_keys, RuleErrors, RuleSet};
use crate::chart::ChartOfAccounts;
use crate::config::CompanyConfig;

/// The outcome of a check: either the mapping (with warnings) or the errors.
#[derive(Debug)]
pub struct CheckReport {
    pub rule_set_hash: Option<String>,
    pub rows: Vec<ReportRow>,
    /// Roles the account matrix may need for a key but the rules leave unmapped. They fail only
    /// when a posting asks for them, so they do not make the rule set invalid.
    pub warnings: Vec<String>,
    pub errors: Vec<RuleError>,
}

impl CheckReport {
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// One line of the mapping: key fields, role, account and account name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReportRow {
    pub side: RoleSide,
    /// Key fields including `entry_type`, as (name, value); "*" after collapsing means "any".
    pub key_fields: Vec<(&'static str, String)>,
    pub role: AccountRole,
    pub account_no: String,
    pub account_name: String,
    pub rule_file: String,
    pub rule_function: &'static str,
}

/// Checks an already loaded (or failed) rule set against `config` and `chart`.
pub fn check_rule_set(
    loaded: Result<RuleSet, RuleErrors>,
    config: &CompanyConfig,
    chart: &ChartOfAccounts,
) -> CheckReport {
    let rule_set = match loaded {
        Ok(rule_set) => rule_set,
        Err(RuleErrors(errors)) => {
            return CheckReport {
                rule_set_hash: None,
                rows: Vec::new(),
                warnings: Vec::new(),
                errors,
            }
        }
    };
    let rows = rule_set
        .mapping()
        .into_iter()
        .map(|row| {
            let mut key_fields = row.key_fields;
            key_fields.push(("entry_type", row.entry_type));
            let account_no = row.resolved.account_no.to_string();
            ReportRow {
                side: row.side,
                key_fields,
                role: row.resolved.role,
                account_name: chart
                    .account(&account_no)
                    .map_or(String::new(), |account| account.name.clone()),
                account_no,
                rule_file: row.resolved.rule_file.to_string(),
                rule_function: row.resolved.rule_function,
            }
        })
        .collect();
    CheckReport {
        rule_set_hash: Some(rule_set.hash().to_string()),
        rows,
        warnings: unmapped_role_warnings(&rule_set, config, chart),
        errors: Vec::new(),
    }
}

/// One warning per (side, role, entry type) the matrix needs but some known keys leave unmapped.
fn unmapped_role_warnings(
    rule_set: &RuleSet,
    config: &CompanyConfig,
    chart: &ChartOfAccounts,
) -> Vec<String> {
    let expected_cost = config.inventory_setup.expected_cost_posting_to_gl;
    // (function, role, entry type) -> (number of keys, first key)
    let mut gaps: BTreeMap<(&str, AccountRole, &str), (usize, String)> = BTreeMap::new();
    let mut note = |error: RuleError, role: AccountRole, entry_type| {
        if error.kind == RuleErrorKind::MissingRole {
            let function = match role.side() {
                RoleSide::Inventory => "inventory_accounts",
                RoleSide::General => "general_accounts",
            };
            let gap = gaps
                .entry((function, role, entry_type))
                .or_insert((0, error.key.unwrap_or_default()));
            gap.0 += 1;
        }
    };
    for key in known_inventory_keys(config) {
        for role in AccountRole::required_for(key.entry_type, expected_cost) {
            if role.side() == RoleSide::Inventory {
                if let Err(error) = rule_set.inventory_account(&key, role) {
                    note(error, role, entry_type_name(key.entry_type));
                }
            }
        }
    }
    for key in known_general_keys(config, chart) {
        for role in AccountRole::required_for(key.entry_type, expected_cost) {
            if role.side() == RoleSide::General {
                if let Err(error) = rule_set.general_account(&key, role) {
                    note(error, role, entry_type_name(key.entry_type));
                }
            }
        }
    }
    gaps.into_iter()
        .map(|((function, role, entry_type), (count, first_key))| {
            format!(
                "`{function}` maps no `{role}` for {count} {entry_type} key(s), e.g. {first_key}; posting such an entry will fail"
            )
        })
        .collect()
}

/// Side, key fields with one field replaced by "*", and role.
type CollapseGroup = (RoleSide, Vec<(&'static str, String)>, AccountRole);

/// Merges rows that differ only in `field` into one row showing "*", when they all name the
/// same account. "*" then stands for every known key that matches the rest of the row.
fn collapse(rows: Vec<ReportRow>, field: &str) -> Vec<ReportRow> {
    let mut groups: BTreeMap<CollapseGroup, Vec<ReportRow>> = BTreeMap::new();
    for row in rows {
        let mut pattern = row.key_fields.clone();
        for (name, value) in &mut pattern {
            if *name == field {
                *value = "*".to_string();
            }
        }
        groups
            .entry((row.side, pattern, row.role))
            .or_default()
            .push(row);
    }
    let mut collapsed = Vec::new();
    for ((_, pattern, _), mut members) in groups {
        let same_account = members
            .iter()
            .all(|row| row.account_no == members[0].account_no);
        if members.len() > 1 && same_account {
            let mut merged = members.swap_remove(0);
            merged.key_fields = pattern;
            collapsed.push(merged);
        } else {
            collapsed.extend(members);
        }
    }
    collapsed.sort();
    collapsed
}

/// The report as text: errors, or one table per side (rows that agree for every entry type,
/// location or item category are merged and show `*`), then warnings.
pub fn render_table(report: &CheckReport) -> String {
    let mut out = String::new();
    for error in &report.errors {
        out.push_str(&error.to_string());
        out.push('\n');
    }
    if !report.is_valid() {
        let count = report.errors.len();
        out.push_str(&format!("rule set invalid: {count} error(s)\n"));
        return out;
    }
    let mut rows = report.rows.clone();
    for field in [
        "entry_type",
        "location",
        "item_category",
        "gen_bus_posting_group",
    ] {
        rows = collapse(rows, field);
    }
    for side in [RoleSide::Inventory, RoleSide::General] {
        let side_rows: Vec<&ReportRow> = rows.iter().filter(|row| row.side == side).collect();
        if let Some(first) = side_rows.first() {
            out.push_str(&format!(
                "{} accounts ({})\n",
                side.as_str(),
                first.rule_function
            ));
            out.push_str(&table(&side_rows));
            out.push('\n');
        }
    }
    for warning in &report.warnings {
        out.push_str(&format!("warning: {warning}\n"));
    }
    let hash = report.rule_set_hash.as_deref().unwrap_or("");
    out.push_str(&format!(
        "rule set valid: {} mappings, hash {hash}\n",
        report.rows.len()
    ));
    out
}

fn table(rows: &[&ReportRow]) -> String {
    let mut header: Vec<String> = rows[0]
        .key_fields
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    header.extend(["role", "account", "account name"].map(String::from));
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            let mut line: Vec<String> = row
                .key_fields
                .iter()
                .map(|(_, value)| display_value(value))
                .collect();
            line.extend([
                row.role.name().to_string(),
                row.account_no.clone(),
                row.account_name.clone(),
            ]);
            line
        })
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|column| {
            cells
                .iter()
                .map(|line| line[column].chars().count())
                .chain([header[column].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let format_line = |line: &[String]| -> String {
        let padded: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, &width)| format!("{cell:<width$}"))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = format_line(&header);
    let rule: Vec<String> = widths.iter().map(|&width| "-".repeat(width)).collect();
    out.push_str(&format_line(&rule));
    for line in &cells {
        out.push_str(&format_line(line));
    }
    out
}

/// Blank codes show as `(blank)` so that a table cell is never empty.
fn display_value(value: &str) -> String {
    if value.is_empty() {
        "(blank)".to_string()
    } else {
        value.to_string()
    }
}

/// The report as JSON: `valid`, `rule_set_hash`, `mapping` (every key, uncollapsed),
/// `warnings` and `errors` (with file, line, column, key and the rendered text).
pub fn render_json(report: &CheckReport) -> String {
    let mapping: Vec<Value> = report
        .rows
        .iter()
        .map(|row| {
            let key: serde_json::Map<String, Value> = row
                .key_fields
                .iter()
                .map(|(name, value)| (name.to_string(), Value::from(value.as_str())))
                .collect();
            json!({
                "side": row.side.as_str(),
                "key": key,
                "role": row.role.name(),
                "account": row.account_no,
                "account_name": row.account_name,
                "rule_file": row.rule_file,
                "rule_function": row.rule_function,
            })
        })
        .collect();
    let errors: Vec<Value> = report.errors.iter().map(error_json).collect();
    let document = json!({
        "valid": report.is_valid(),
        "rule_set_hash": report.rule_set_hash,
        "mapping": mapping,
        "warnings": report.warnings,
        "errors": errors,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}

fn error_json(error: &RuleError) -> Value {
    let location = error.location.as_ref();
    json!({
        "kind": format!("{:?}", error.kind),
        "message": error.message,
        "file": location.map(|l| l.file.clone()),
        "line": location.map(|l| l.line),
        "column": location.map(|l| l.column),
        "key": error.key,
        "help": error.help,
        "rendered": error.to_string(),
    })
}
