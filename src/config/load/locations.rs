//! `locations.toml`: the locations, one `[[location]]` table each.

use std::collections::{BTreeMap, HashMap};

use super::reader::{Field, Source, Table};
use super::ConfigError;
use crate::config::Location;

const FILE_KEYS: &[&str] = &["location"];
const LOCATION_KEYS: &[&str] = &["code", "name", "attributes"];

pub(super) fn read_locations(source: &Source<'_>) -> Result<Vec<Location>, ConfigError> {
    let document = source.parse()?;
    let root = Table::root(source, &document);
    root.deny_unknown_keys(FILE_KEYS)?;
    let Some(field) = root.get("location") else {
        return Ok(Vec::new());
    };
    let mut locations = Vec::new();
    // Location codes are codes: BC stores them upper-cased, so "main" and "MAIN" collide.
    let mut seen: HashMap<String, usize> = HashMap::new();
    for table in field.tables()? {
        let location = read_location(&table)?;
        let code_field = table.require("code")?;
        let line = source.line_of(code_field.at());
        if let Some(first) = seen.insert(location.code.to_uppercase(), line) {
            return Err(code_field.error(format!(
                "duplicate location code {:?}; it is already used on line {first}",
                location.code
            )));
        }
        locations.push(location);
    }
    Ok(locations)
}

fn read_location(table: &Table<'_, '_>) -> Result<Location, ConfigError> {
    table.deny_unknown_keys(LOCATION_KEYS)?;
    // The blank location always exists and is not listed, so a code must not be blank.
    let code = table.require("code")?.code()?;
    let attributes = match table.get("attributes") {
        Some(field) => read_attributes(&field)?,
        None => BTreeMap::new(),
    };
    Ok(Location {
        code,
        name: table.optional("name", String::new(), Field::string)?,
        attributes,
    })
}

/// Free `key = "text"` attributes that rules may read, e.g. `country = "CH"`.
fn read_attributes(field: &Field<'_, '_>) -> Result<BTreeMap<String, String>, ConfigError> {
    Ok(field.table()?.string_entries()?.into_iter().collect())
}
