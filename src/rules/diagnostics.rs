//! Rule errors, rendered the way rustc renders compile errors: message, `--> file:line:column`,
//! the source line with a caret under the offending text, then the key and a hint.

use std::fmt;

/// What went wrong, for callers that react differently to different failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleErrorKind {
    /// The rule folder or a rule file could not be read.
    Io,
    /// A rule file does not compile.
    Syntax,
    /// No file defines `inventory_accounts` / `general_accounts`, or two files do, or the
    /// function does not take exactly one parameter.
    EntryFunction,
    /// A sandbox limit fired (operations, call depth, string, array or map size, variables).
    LimitExceeded,
    /// Any other run-time failure of the script (type mismatch, `throw`, division by zero).
    Runtime,
    /// The rule returned something other than a map of role name to account number.
    BadOutput,
    /// The returned map names a role that does not exist or belongs to the other side.
    UnknownRole,
    /// A returned account is not in the chart of accounts.
    AccountNotInChart,
    /// A returned account is blocked in the chart of accounts.
    AccountBlocked,
    /// A role the G/L posting asked for is missing from the rule's answer.
    MissingRole,
    /// The key names a location the company configuration does not know.
    UnknownLocation,
}

/// Where in a rule file an error points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// The rule file as it was given to the loader, e.g. `rules/general.rhai`.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The text of that line, for the caret display.
    pub source_line: String,
    /// How many characters the caret underlines (at least one).
    pub width: usize,
}

/// A rule-set error: what, where (file, line, column), for which key, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleError {
    pub kind: RuleErrorKind,
    pub message: String,
    /// Boxed to keep `Result<_, RuleError>` small on the lookup path.
    pub location: Option<Box<SourceLocation>>,
    /// The key being evaluated, as text (see the `Display` of the key types).
    pub key: Option<String>,
    pub help: Option<String>,
}

impl RuleError {
    pub fn new(kind: RuleErrorKind, message: impl Into<String>) -> RuleError {
        RuleError {
            kind,
            message: message.into(),
            location: None,
            key: None,
            help: None,
        }
    }

    pub fn at(mut self, location: Option<SourceLocation>) -> RuleError {
        self.location = location.map(Box::new);
        self
    }

    pub fn for_key(mut self, key: impl fmt::Display) -> RuleError {
        self.key = Some(key.to_string());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> RuleError {
        self.help = Some(help.into());
        self
    }
}

impl std::error::Error for RuleError {}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "error: {}", self.message)?;
        let gutter = self
            .location
            .as_ref()
            .map_or(1, |location| location.line.to_string().len());
        let pad = " ".repeat(gutter);
        if let Some(location) = &self.location {
            writeln!(
                f,
                "{pad}--> {}:{}:{}",
                location.file, location.line, location.column
            )?;
            writeln!(f, "{pad} |")?;
            writeln!(f, "{} | {}", location.line, location.source_line)?;
            let indent: String = location
                .source_line
                .chars()
                .take(location.column.saturating_sub(1))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(f, "{pad} | {indent}{}", "^".repeat(location.width.max(1)))?;
        }
        if let Some(key) = &self.key {
            writeln!(f, "{pad} = key: {key}")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "{pad} = help: {help}")?;
        }
        Ok(())
    }
}

/// The source text of one rule file, with lookups from positions and text to locations.
#[derive(Debug, Clone)]
pub(crate) struct SourceFile {
    pub name: String,
    pub text: String,
}

impl SourceFile {
    /// Location of a 1-based line and column; `None` when the line does not exist.
    /// A position just past the last line (Rhai reports "unexpected end of file" there) points
    /// at the end of the last line instead.
    pub fn location(&self, line: usize, column: usize, width: usize) -> Option<SourceLocation> {
        let line_count = self.text.lines().count();
        let (line, column) = if line > line_count && line_count > 0 {
            let last = self.text.lines().last().unwrap_or("");
            (line_count, last.chars().count() + 1)
        } else {
            (line, column)
        };
        let source_line = self.text.lines().nth(line.checked_sub(1)?)?;
        Some(SourceLocation {
            file: self.name.clone(),
            line,
            column: column.max(1),
            source_line: source_line.to_string(),
            width: width.max(1),
        })
    }

    /// Location of `fn name` (its name), skipping comment lines.
    pub fn function_location(&self, name: &str) -> Option<SourceLocation> {
        self.text.lines().enumerate().find_map(|(index, line)| {
            if line.trim_start().starts_with("//") {
                return None;
            }
            let column = find_fn_name(line, name)?;
            self.location(index + 1, column, name.chars().count())
        })
    }

    /// First occurrence of `needle` inside function `function` (from its `fn` line to the next
    /// `fn` line), else anywhere in the file. Used to point at a role name or account literal.
    pub fn find_text(&self, function: &str, needle: &str) -> Option<SourceLocation> {
        let lines: Vec<&str> = self.text.lines().collect();
        let start = lines
            .iter()
            .position(|line| find_fn_name(line, function).is_some())
            .unwrap_or(0);
        let end = lines
            .iter()
            .enumerate()
            .skip(start + 1)
            .find(|(_, line)| is_fn_line(line))
            .map_or(lines.len(), |(index, _)| index);
        let in_function = (start..end).chain(0..lines.len());
        for index in in_function {
            if lines[index].trim_start().starts_with("//") {
                continue;
            }
            if let Some(byte) = find_token(lines[index], needle) {
                let column = lines[index][..byte].chars().count() + 1;
                return self.location(index + 1, column, needle.chars().count());
            }
        }
        None
    }
}

fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Byte offset of `needle` in `line`; a needle that starts or ends with an identifier character
/// must not be part of a longer identifier there (so role `a` is not found inside `fn name`).
fn find_token(line: &str, needle: &str) -> Option<usize> {
    let starts_word = needle.starts_with(is_identifier_char);
    let ends_word = needle.ends_with(is_identifier_char);
    line.match_indices(needle)
        .map(|(byte, _)| byte)
        .find(|&byte| {
            let before = line[..byte].chars().next_back();
            let after = line[byte + needle.len()..].chars().next();
            let clear_before = !starts_word || !before.is_some_and(is_identifier_char);
            let clear_after = !ends_word || !after.is_some_and(is_identifier_char);
            clear_before && clear_after
        })
}

fn is_fn_line(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("fn ") || trimmed.starts_with("private fn ")
}

/// 1-based column of `name` in a line of the form `[private] fn name(`.
fn find_fn_name(line: &str, name: &str) -> Option<usize> {
    if !is_fn_line(line) {
        return None;
    }
    let fn_byte = line.find("fn ")?;
    let after_fn = &line[fn_byte + 3..];
    let name_offset = after_fn.len() - after_fn.trim_start().len();
    let rest = &after_fn[name_offset..];
    let follows = rest.strip_prefix(name)?;
    if !follows.trim_start().starts_with('(') {
        return None;
    }
    let name_byte = fn_byte + 3 + name_offset;
    Some(line[..name_byte].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            name: "rules/x.rhai".to_string(),
            text: text.to_string(),
        }
    }

    #[test]
    fn renders_rustc_style_with_caret_under_the_text() {
        let source = file("fn general_accounts(key) {\n    #{ cogs: \"9999\" }\n}\n");
        let location = source.find_text("general_accounts", "\"9999\"");
        let error = RuleError::new(RuleErrorKind::AccountNotInChart, "account 9999 missing")
            .at(location)
            .for_key("general key")
            .with_help("add it");
        let expected = "error: account 9999 missing\n --> rules/x.rhai:2:14\n  |\n2 |     #{ cogs: \"9999\" }\n  |              ^^^^^^\n  = key: general key\n  = help: add it\n";
        assert_eq!(error.to_string(), expected);
    }

    #[test]
    fn function_location_skips_comments_and_other_names() {
        let source = file("// fn inventory_accounts(key)\nfn inventory_accounts_x(k) {}\nprivate fn  inventory_accounts (key) {}\n");
        let location = source.function_location("inventory_accounts").unwrap();
        assert_eq!((location.line, location.column), (3, 13));
    }
}
