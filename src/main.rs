//! The `stockpost` command line: a thin layer over the library (see `cli`).

mod cli;

use std::process::ExitCode;

/// The exit status of a defect of stockpost (sysexits' EX_SOFTWARE); docs/cli.md, Exit status.
const EXIT_DEFECT: u8 = 70;

fn main() -> ExitCode {
    // Every write is one SQLite transaction, so a panic anywhere leaves the store as it was;
    // it is reported as what it is, a defect, with what to do, instead of a backtrace.
    stockpost::contain::contain(cli::run).unwrap_or_else(|panic| {
        eprintln!(
            "error: stockpost failed: {}\n  this is a defect of stockpost, not of your input: \
             nothing was changed (every write is one transaction)\n  please report it with the \
             command and the files it read",
            stockpost::report::terminal::for_terminal(&panic.message)
        );
        ExitCode::from(EXIT_DEFECT)
    })
}
