//! Creating a company folder (`stockpost init`) and reading journal files into the form the
//! store keeps them in.

use std::collections::BTreeSet;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::journal::{parse_journal, JournalLine};
use crate::packs::{find_pack, pack_names};
use crate::store::sqlite::SqliteStore;
use crate::store::{DocumentRef, JournalText};

use super::definition::{database_path, CompanyDefinition, LoadedCompany};
use super::error::CompanyError;

/// Creates a company folder `dir` from the localisation pack `chart` (see [`crate::packs`]):
/// the pack's `config/` and `rules/` (with `rules/tests/` and its subfolders), an empty
/// `inbox/`, a `README.md` explaining what to edit, and an empty database. `dir` must not exist
/// or be empty.
pub fn init_company(dir: &Path, chart: &str) -> Result<(), CompanyError> {
    let Some(pack) = find_pack(chart) else {
        return Err(
            CompanyError::input(format!("unknown chart pack `{chart}`")).hint(format!(
                "the packs are: {}; `stockpost init --list-charts` describes them",
                pack_names().join(", ")
            )),
        );
    };
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(false);
        if !empty {
            return Err(
                CompanyError::input(format!("{} exists and is not empty", dir.display()))
                    .hint("name a new folder; init never writes over a company"),
            );
        }
    }
    let io = |what: &Path, error: std::io::Error| {
        CompanyError::input(format!("cannot write {}: {error}", what.display()))
    };
    for sub in ["config", "rules", "rules/tests", "inbox"] {
        let path = dir.join(sub);
        std::fs::create_dir_all(&path).map_err(|error| io(&path, error))?;
    }
    for file in pack.files {
        let path = dir.join(file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|error| io(parent, error))?;
        }
        std::fs::write(&path, file.text).map_err(|error| io(&path, error))?;
    }
    let readme = dir.join("README.md");
    std::fs::write(&readme, company_readme(chart, pack.description))
        .map_err(|error| io(&readme, error))?;
    // The definition must load before a database exists for it.
    let definition = CompanyDefinition::read(dir).map_err(CompanyError::definition)?;
    let company = LoadedCompany::build(&definition.config, &definition.rules, Some(dir))
        .map_err(CompanyError::definition)?;
    let scale = amount_scale(company.config.rounding.amount_precision);
    SqliteStore::create(database_path(dir), &new_company_id(dir), scale)
        .map_err(CompanyError::store)?;
    Ok(())
}

/// The decimals the store keeps for amounts: those of the amount precision, at least 2.
pub fn amount_scale(precision: rust_decimal::Decimal) -> u32 {
    precision.normalize().scale().max(2)
}

/// A company id: unique per `init`, from the folder, the time and the process.
fn new_company_id(dir: &Path) -> String {
    let mut hasher = Sha256::new();
    hasher.update(dir.display().to_string().as_bytes());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    hasher.update(now.to_le_bytes());
    hasher.update(std::process::id().to_le_bytes());
    let digest = hasher.finalize();
    digest[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn company_readme(chart: &str, description: &str) -> String {
    format!(
        "# A stockpost company\n\n\
         Created by `stockpost init` from the localisation pack `{chart}`:\n\
         {description}\n\n\
         ## What to edit\n\n\
         - `config/company.toml`: name, currency, rounding, inventory setup (automatic cost \
         posting, expected cost posting, cost adjustment, allowed posting dates).\n\
         - `config/items.toml`: items with costing method, posting groups, unit cost.\n\
         - `config/locations.toml`: locations and their attributes.\n\
         - `config/accounts.toml`: the chart of accounts the rules may post to.\n\
         - `rules/*.rhai`: which account each amount goes to, and when cost adjustment runs.\n\
         \x20 Check a change with `stockpost rules check rules --config config`.\n\
         - `rules/tests/*.toml`: rule tests, which account a key must get; run them with \
         `stockpost rules test rules --config config`.\n\
         - `rules/tests/year/`: the pack's sample year (2027): journals and the G/L balances per \
         account they must give, worked out by hand (`WORKSHEET.md`). `rules test` and the \
         watcher run it too, so once you change the items, locations or accounts it depends on, \
         update its `scenario.toml` (`rules test` prints the actual balances) or delete the \
         folder.\n\n\
         Items and locations may be added at any time; the next command stores the new \
         configuration with its batch. Every file format is described in stockpost's `docs/`.\n\n\
         ## What not to edit\n\n\
         - `stockpost.db`: the company database, the source of truth (journals as received, \
         every entry). Query it with `sqlite3 stockpost.db`; it refuses changes to entries. \
         See `docs/store.md`.\n\
         - `stockpost.snapshot`: a cache of the books for a fast start. Deleting it is safe.\n\n\
         ## Daily work\n\n\
         ```\n\
         stockpost post --company . journal.csv     # post a journal (one batch)\n\
         stockpost adjust --company .               # adjust cost\n\
         stockpost post-cost --company .            # post inventory cost to G/L\n\
         stockpost reconcile --company .            # inventory valuation vs G/L\n\
         stockpost status --company .               # entries, queue, reconciliation\n\
         stockpost verify --company .               # replay the journals and compare\n\
         ```\n"
    )
}

/// A journal file's text as the store keeps it, with its lines parsed once.
#[derive(Debug, Clone)]
pub struct ParsedJournal {
    pub journal: JournalText,
    pub lines: Vec<JournalLine>,
}

/// A journal file's text as the store keeps it: hashed, with the documents it posts. The
/// journal is parsed here, so a malformed journal is refused before anything is touched.
pub fn journal_text(name: &str, text: String) -> Result<JournalText, CompanyError> {
    parse_journal_file(name, text).map(|parsed| parsed.journal)
}

/// [`journal_text`], keeping the parsed lines for posting.
pub fn parse_journal_file(name: &str, text: String) -> Result<ParsedJournal, CompanyError> {
    let lines = parse_journal(name, &text).map_err(|error| {
        CompanyError::input(error.to_string()).hint(format!(
            "nothing of {name} was posted: fix the line and post the file again"
        ))
    })?;
    let documents: BTreeSet<DocumentRef> = lines
        .iter()
        .map(|line| DocumentRef {
            line_type: line.kind.name().to_string(),
            document_no: line.document_no.clone(),
        })
        .collect();
    let digest = Sha256::digest(text.as_bytes());
    let journal = JournalText {
        name: name.to_string(),
        content_hash: digest.iter().map(|byte| format!("{byte:02x}")).collect(),
        documents: documents.into_iter().collect(),
        line_count: lines.len() as u64,
        text,
    };
    Ok(ParsedJournal { journal, lines })
}
