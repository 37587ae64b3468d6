//! How a command fails on bad input: the library's message (file, line, field), what to do
//! next, and exit status 2. Problems found by a command that ran (exit 1) are a list of
//! strings instead (see `post::finish`).

use std::process::ExitCode;

use stockpost::report::terminal::for_terminal;

use super::EXIT_INPUT_ERROR;

/// A failed command, ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    pub exit: u8,
    /// What went wrong, as the library says it (may span lines, e.g. a rule error with a caret).
    pub message: String,
    /// What to do next; printed below the message.
    pub hints: Vec<String>,
}

impl CliError {
    /// Bad arguments or bad input (configuration, rules, journal): exit status 2.
    pub fn input(message: impl Into<String>) -> CliError {
        CliError {
            exit: EXIT_INPUT_ERROR,
            message: message.into(),
            hints: Vec::new(),
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hints.push(hint.into());
        self
    }

    /// Prints the error to stderr and returns its exit status.
    pub fn report(&self) -> ExitCode {
        let message = for_terminal(self.message.trim_end());
        if message.starts_with("error:") {
            eprintln!("{message}");
        } else {
            eprintln!("error: {message}");
        }
        for hint in &self.hints {
            eprintln!("  {}", for_terminal(hint));
        }
        ExitCode::from(self.exit)
    }
}
