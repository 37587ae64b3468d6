//! Loading [`CompanyConfig`] from a company's TOML files.
//!
//! A company's config folder holds `company.toml` (name, currency, rounding, inventory setup),
//! `items.toml` (`[[item]]` tables) and `locations.toml` (`[[location]]` tables). Other files in
//! the folder belong to other loaders and are ignored here. Every key, its default and its BC
//! counterpart is described in `docs/configuration.md`.
//!
//! Parsing is pure ([`load_company_files`]); [`load_company_dir`] only adds reading the files.
//! Every error names the file, the 1-based line and the key, and says what is expected.

mod company;
mod inventory_setup;
mod items;
mod locations;
pub(crate) mod reader;

use std::fmt;
use std::path::Path;

use super::CompanyConfig;
use reader::Source;

/// File holding the company name, currency, rounding and inventory setup.
pub const COMPANY_FILE: &str = "company.toml";
/// File holding the `[[item]]` tables.
pub const ITEMS_FILE: &str = "items.toml";
/// File holding the `[[location]]` tables.
pub const LOCATIONS_FILE: &str = "locations.toml";

/// The bundled example company ("Kaffeewerk AG"): `(file name, text)` of each config file, so the
/// binary can run the example without files on disk.
pub const EXAMPLE_CONFIG_FILES: &[(&str, &str)] = &[
    (
        "config/company.toml",
        include_str!("../../config/ch-kmu/company.toml"),
    ),
    (
        "config/items.toml",
        include_str!("../../config/ch-kmu/items.toml"),
    ),
    (
        "config/locations.toml",
        include_str!("../../config/ch-kmu/locations.toml"),
    ),
];

/// A configuration problem: where it is (`file`, 1-based `line`, `key`) and what is wrong.
///
/// `line` is 0 when the problem concerns a whole file (for example a missing file), and `key` is
/// empty when no single key is at fault (for example a TOML syntax error).
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if !self.key.is_empty() {
            write!(f, ": key `{}`", self.key)?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// A config file's name (shown in errors as given) and text.
#[derive(Debug, Clone, Copy)]
pub struct ConfigFile<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

/// Reads `company.toml`, `items.toml` and `locations.toml` from the folder `dir` (the company's
/// `config/` folder) and loads them with [`load_company_files`].
pub fn load_company_dir(dir: &Path) -> Result<CompanyConfig, ConfigError> {
    let mut texts = Vec::new();
    for file_name in [COMPANY_FILE, ITEMS_FILE, LOCATIONS_FILE] {
        let path = dir.join(file_name);
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|err| ConfigError {
            file: name.clone(),
            line: 0,
            key: String::new(),
            message: format!(
                "cannot read {file_name}: {err}; a company's config folder must contain {}, {} \
                 and {} (`stockpost init DIR --chart NAME` starts a company from a \
                 localisation pack; see docs/configuration.md)",
                COMPANY_FILE, ITEMS_FILE, LOCATIONS_FILE
            ),
        })?;
        texts.push((name, text));
    }
    let files: Vec<ConfigFile<'_>> = texts
        .iter()
        .map(|(name, text)| ConfigFile { name, text })
        .collect();
    load_company_files(&files)
}

/// Loads a company from the texts of its config files; no I/O.
///
/// Files are recognised by their file name (the last part of `name`): `company.toml`,
/// `items.toml` and `locations.toml` must each be given once; any other file is ignored.
pub fn load_company_files(files: &[ConfigFile<'_>]) -> Result<CompanyConfig, ConfigError> {
    let company = company::read_company(&find_file(files, COMPANY_FILE)?)?;
    let items = items::read_items(&find_file(files, ITEMS_FILE)?)?;
    let locations = locations::read_locations(&find_file(files, LOCATIONS_FILE)?)?;
    Ok(CompanyConfig {
        name: company.name,
        currency: company.currency,
        rounding: company.rounding,
        inventory_setup: company.inventory_setup,
        items,
        locations,
    })
}

/// The bundled example company, parsed from [`EXAMPLE_CONFIG_FILES`].
pub fn example_company() -> CompanyConfig {
    let files: Vec<ConfigFile<'_>> = EXAMPLE_CONFIG_FILES
        .iter()
        .map(|&(name, text)| ConfigFile { name, text })
        .collect();
    // The example is compiled into the binary and loaded by the test suite, so a failure here
    // is a build defect, not bad user input.
    load_company_files(&files).unwrap_or_else(|err| panic!("bundled example company: {err}"))
}

/// The one file among `files` whose file name is `file_name`.
fn find_file<'a>(files: &[ConfigFile<'a>], file_name: &str) -> Result<Source<'a>, ConfigError> {
    let mut matching = files
        .iter()
        .filter(|file| base_name(file.name) == file_name);
    let problem = |message: String| ConfigError {
        file: file_name.to_string(),
        line: 0,
        key: String::new(),
        message,
    };
    let Some(found) = matching.next() else {
        let given: Vec<&str> = files.iter().map(|file| file.name).collect();
        return Err(problem(format!(
            "file missing: no {file_name} among the given files ({}); a company needs {}, {} and {}",
            if given.is_empty() { "none".to_string() } else { given.join(", ") },
            COMPANY_FILE,
            ITEMS_FILE,
            LOCATIONS_FILE
        )));
    };
    if let Some(second) = matching.next() {
        return Err(problem(format!(
            "given twice: {} and {}; pass exactly one {file_name}",
            found.name, second.name
        )));
    }
    Ok(Source::new(found.name, found.text))
}

/// The last component of a `/`- or `\`-separated file name.
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}
