//! Text from journals, configuration and rules on its way to a terminal.
//!
//! A document number, a dimension value or a rule's `throw` message may hold control
//! characters: an ANSI escape sequence would recolour, move the cursor or retitle the user's
//! terminal, a NUL or a carriage return would hide what precedes it. Everything printed to a
//! terminal goes through [`for_terminal`], which writes every control character except line
//! feed and tab as a visible `\u{..}` escape. Data written to a file or a pipe is not changed.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` is escaped: C0 controls other than `\n` and `\t`, DEL, and C1 controls.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `text` with every unsafe control character written as `\u{XX}`.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(safe, "\\u{{{:x}}}", c as u32);
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_reach_the_terminal_as_text() {
        assert_eq!(for_terminal("PO-1\tok\n"), "PO-1\tok\n");
        assert_eq!(
            for_terminal("\u{1b}[31mred\u{0}\r\u{9b}"),
            "\\u{1b}[31mred\\u{0}\\u{d}\\u{9b}"
        );
        assert!(matches!(for_terminal("plain"), Cow::Borrowed(_)));
    }
}
