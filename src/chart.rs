//! The chart of accounts: every G/L account a rule may return, with the flags that decide
//! whether posting to it is allowed.
//!
//! The file format (`config/accounts.toml`) is documented in `docs/chart-of-accounts.md`:
//! a list `known_gen_bus_posting_groups` and one `[[account]]` table per account with `no`,
//! `name`, `type`, and optionally `blocked` and `direct_posting_allowed`.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

/// Balance-sheet or P&L class of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountType {
    Asset,
    Liability,
    Equity,
    Income,
    Expense,
}

impl AccountType {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountType::Asset => "asset",
            AccountType::Liability => "liability",
            AccountType::Equity => "equity",
            AccountType::Income => "income",
            AccountType::Expense => "expense",
        }
    }
}

/// One G/L account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GlAccount {
    pub no: String,
    pub name: String,
    pub account_type: AccountType,
    /// Nothing may post to a blocked account, system postings included.
    pub blocked: bool,
    /// Whether users may post to it by hand. Inventory posting is a system posting and may use
    /// accounts without direct posting (as in BC), so rules are not checked against this flag.
    pub direct_posting_allowed: bool,
}

/// A chart-of-accounts file error: file, line and key, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartError {
    pub file: String,
    /// 1-based; 0 when the file could not be read at all.
    pub line: usize,
    pub key: String,
    pub message: String,
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        if !self.key.is_empty() {
            write!(f, "key `{}`: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ChartError {}

/// The company's chart of accounts, indexed by account number.
#[derive(Debug, Clone, Default)]
pub struct ChartOfAccounts {
    accounts: Vec<GlAccount>,
    index_by_no: HashMap<String, usize>,
    known_gen_bus_posting_groups: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChartFile {
    #[serde(default)]
    known_gen_bus_posting_groups: Vec<String>,
    #[serde(default)]
    account: Vec<AccountRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountRow {
    no: Spanned<String>,
    name: String,
    #[serde(rename = "type")]
    account_type: AccountType,
    #[serde(default)]
    blocked: bool,
    #[serde(default = "default_true")]
    direct_posting_allowed: bool,
}

fn default_true() -> bool {
    true
}

impl ChartOfAccounts {
    /// Reads and parses a chart file, e.g. `config/accounts.toml`.
    pub fn load(path: &Path) -> Result<ChartOfAccounts, ChartError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| ChartError {
            file: file.clone(),
            line: 0,
            key: String::new(),
            message: format!("cannot read the chart of accounts: {error}"),
        })?;
        ChartOfAccounts::parse(&file, &text)
    }

    /// Parses chart text; `file` is only used in error messages.
    pub fn parse(file: &str, text: &str) -> Result<ChartOfAccounts, ChartError> {
        let parsed: ChartFile = toml::from_str(text).map_err(|error| {
            let offset = error.span().map_or(0, |span| span.start);
            ChartError {
                file: file.to_string(),
                line: line_of(text, offset),
                key: key_at(text, offset),
                message: error.message().trim().to_string(),
            }
        })?;
        let mut chart = ChartOfAccounts {
            known_gen_bus_posting_groups: parsed.known_gen_bus_posting_groups,
            ..ChartOfAccounts::default()
        };
        for row in parsed.account {
            let line = line_of(text, row.no.span().start);
            let error = |message: String| ChartError {
                file: file.to_string(),
                line,
                key: "no".to_string(),
                message,
            };
            let no = row.no.into_inner();
            if no.is_empty() || no.chars().any(char::is_whitespace) {
                return Err(error(format!(
                    "account number {no:?} must be non-empty text without spaces, e.g. \"1200\""
                )));
            }
            if chart.index_by_no.contains_key(&no) {
                return Err(error(format!(
                    "account {no} is listed twice; keep one `[[account]]` table per number"
                )));
            }
            chart.index_by_no.insert(no.clone(), chart.accounts.len());
            chart.accounts.push(GlAccount {
                no,
                name: row.name,
                account_type: row.account_type,
                blocked: row.blocked,
                direct_posting_allowed: row.direct_posting_allowed,
            });
        }
        Ok(chart)
    }

    /// Builds a chart from accounts in code (tests, embedding).
    pub fn from_accounts(accounts: Vec<GlAccount>) -> ChartOfAccounts {
        let index_by_no = accounts
            .iter()
            .enumerate()
            .map(|(index, account)| (account.no.clone(), index))
            .collect();
        ChartOfAccounts {
            accounts,
            index_by_no,
            known_gen_bus_posting_groups: Vec::new(),
        }
    }

    /// The account with this number.
    pub fn account(&self, no: &str) -> Option<&GlAccount> {
        self.index_by_no.get(no).map(|&index| &self.accounts[index])
    }

    /// All accounts in file order.
    pub fn accounts(&self) -> &[GlAccount] {
        &self.accounts
    }

    /// General business posting groups the rule set is evaluated for at load, besides blank.
    pub fn known_gen_bus_posting_groups(&self) -> &[String] {
        &self.known_gen_bus_posting_groups
    }

    pub fn set_known_gen_bus_posting_groups(&mut self, groups: Vec<String>) {
        self.known_gen_bus_posting_groups = groups;
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
        + 1
}

/// The key written on the line that holds `offset` (the text before `=`), or "".
fn key_at(text: &str, offset: usize) -> String {
    let line = text.lines().nth(line_of(text, offset) - 1).unwrap_or("");
    match line.split_once('=') {
        Some((key, _)) => key.trim().to_string(),
        None => line.trim().trim_matches(['[', ']']).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"
known_gen_bus_posting_groups = ["DOMESTIC"]

[[account]]
no = "1200"
name = "Handelswaren"
type = "asset"
direct_posting_allowed = false

[[account]]
no = "1209"
name = "Wertberichtigung"
type = "asset"
blocked = true
"#;

    #[test]
    fn parses_accounts_and_defaults() {
        let chart = ChartOfAccounts::parse("accounts.toml", TEXT).unwrap();
        let stock = chart.account("1200").unwrap();
        assert_eq!(stock.account_type, AccountType::Asset);
        assert!(!stock.blocked && !stock.direct_posting_allowed);
        let allowance = chart.account("1209").unwrap();
        assert!(allowance.blocked && allowance.direct_posting_allowed);
        assert_eq!(chart.known_gen_bus_posting_groups(), ["DOMESTIC"]);
        assert!(chart.account("9999").is_none());
    }

    #[test]
    fn bad_type_names_file_line_and_key() {
        let text = TEXT.replace("type = \"asset\"\nblocked", "type = \"assets\"\nblocked");
        let error = ChartOfAccounts::parse("accounts.toml", &text).unwrap_err();
        assert_eq!((error.line, error.key.as_str()), (13, "type"));
        assert!(
            error.message.contains("unknown variant `assets`"),
            "{error}"
        );
    }

    #[test]
    fn duplicate_number_names_the_second_line() {
        let text = TEXT.replace("no = \"1209\"", "no = \"1200\"");
        let error = ChartOfAccounts::parse("accounts.toml", &text).unwrap_err();
        assert_eq!((error.line, error.key.as_str()), (11, "no"));
        assert!(error.message.contains("listed twice"));
    }
}
