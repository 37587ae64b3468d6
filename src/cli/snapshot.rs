//! `stockpost snapshot`: write the books' snapshot now.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::failure::CliError;
use super::stored::{company_folder, open};

/// `--help` text of the command, with examples (set on the `Cli` variant).
pub const LONG_ABOUT: &str = "Write the snapshot of the company's books now \
    (stockpost.snapshot beside the database). Opening a company loads the snapshot and replays \
    only the batches stored after it; without one, every stored batch is replayed. Commands \
    write a snapshot on their own once the value entries stored since the last one reach 25% of \
    all value entries (and at least 50,000); this command is for after a large import, or for a \
    nightly job. The snapshot is a cache: deleting it is safe, and a damaged or foreign one is \
    ignored.\n\n\
    Examples:\n  \
    stockpost snapshot --company acme\n\n\
    Exit status: 0 written; 2 usage or input error; 3 the store cannot be used.";

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Company folder [default: the current folder]
    #[arg(long, value_name = "DIR")]
    pub company: Option<PathBuf>,
}

pub fn run(args: &SnapshotArgs) -> ExitCode {
    let result = open(&company_folder(args.company.as_deref()), false).and_then(|mut session| {
        session.write_snapshot().map_err(CliError::from)?;
        let batch = session.head().last_batch.as_ref().map_or(0, |b| b.batch_id);
        println!(
            "snapshot written after batch {batch} ({} value entries, {} G/L entries)",
            session.marks().value_entries,
            session.marks().gl_entries
        );
        Ok(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => error.report(),
    }
}
