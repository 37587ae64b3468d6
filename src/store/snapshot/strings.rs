//! The string table: every distinct text of the books once, entries naming it by index, so that
//! a decoded ledger shares one copy of each code as the original did (or better).

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use super::SnapshotError;
use crate::glpost::AccountProvenance;
use crate::ledger::Code;

/// Collects texts while the books are encoded.
#[derive(Default)]
pub(super) struct StringTable<'a> {
    /// Shared codes by address: most lookups are of a code seen before, and hashing a pointer is
    /// cheaper than hashing its text.
    by_address: HashMap<usize, u32>,
    by_text: HashMap<&'a str, u32>,
    texts: Vec<&'a str>,
    provenance_by_address: HashMap<usize, u32>,
    provenance_by_value: HashMap<[u32; 4], u32>,
    provenances: Vec<[u32; 4]>,
}

impl<'a> StringTable<'a> {
    /// The index of a shared code.
    pub fn code(&mut self, code: &'a Code) -> u32 {
        let address = Arc::as_ptr(code) as *const u8 as usize;
        if let Some(&index) = self.by_address.get(&address) {
            return index;
        }
        let index = self.text(code);
        self.by_address.insert(address, index);
        index
    }

    /// The index of a text.
    pub fn text(&mut self, text: &'a str) -> u32 {
        if let Some(&index) = self.by_text.get(text) {
            return index;
        }
        let index = self.texts.len() as u32;
        self.texts.push(text);
        self.by_text.insert(text, index);
        index
    }

    /// The index of a G/L entry's provenance in the provenance table.
    pub fn provenance(&mut self, provenance: &'a Arc<AccountProvenance>) -> u32 {
        let address = Arc::as_ptr(provenance) as usize;
        if let Some(&index) = self.provenance_by_address.get(&address) {
            return index;
        }
        let fields = [
            self.code(&provenance.rule_set_hash),
            self.code(&provenance.rule_file),
            self.code(&provenance.rule_function),
            self.code(&provenance.key),
        ];
        let next = self.provenances.len() as u32;
        let index = *self.provenance_by_value.entry(fields).or_insert(next);
        if index == next {
            self.provenances.push(fields);
        }
        self.provenance_by_address.insert(address, index);
        index
    }

    pub fn into_tables(self) -> (Vec<&'a str>, Vec<[u32; 4]>) {
        (self.texts, self.provenances)
    }
}

/// The decoded tables: one shared copy of each text and each provenance.
pub(super) struct Strings {
    codes: Vec<Code>,
    provenances: Vec<Arc<AccountProvenance>>,
}

impl Strings {
    pub fn new(texts: &[&str], provenances: &[[u32; 4]]) -> Result<Self, SnapshotError> {
        let mut strings = Strings {
            codes: texts.iter().map(|&text| Code::from(text)).collect(),
            provenances: Vec::with_capacity(provenances.len()),
        };
        for &[rule_set_hash, rule_file, rule_function, key] in provenances {
            let provenance = AccountProvenance {
                rule_set_hash: strings.code(rule_set_hash)?,
                rule_file: strings.code(rule_file)?,
                rule_function: strings.code(rule_function)?,
                key: strings.code(key)?,
            };
            strings.provenances.push(Arc::new(provenance));
        }
        Ok(strings)
    }

    /// The shared code at `index`.
    pub fn code(&self, index: u32) -> Result<Code, SnapshotError> {
        self.codes
            .get(index as usize)
            .cloned()
            .ok_or_else(|| out_of_range("string", index, self.codes.len()))
    }

    pub fn optional(&self, index: Option<u32>) -> Result<Option<Code>, SnapshotError> {
        index.map(|index| self.code(index)).transpose()
    }

    pub fn provenance(&self, index: u32) -> Result<Arc<AccountProvenance>, SnapshotError> {
        self.provenances
            .get(index as usize)
            .cloned()
            .ok_or_else(|| out_of_range("provenance", index, self.provenances.len()))
    }
}

fn out_of_range(table: &str, index: u32, len: usize) -> SnapshotError {
    SnapshotError::Decode {
        detail: format!("{table} {index} is not in the {table} table of {len}"),
    }
}
