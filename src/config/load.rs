//! Loading [`CompanyConfig`](super::CompanyConfig) from TOML (placeholder, being written).
use super::CompanyConfig;
use std::path::Path;

#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub key: String,
    pub message: String,
}

/// A config file's name and text.
pub struct ConfigFile<'a> {
    pub name: &'a str,
    pub text: &'a str,
}

pub fn load_company_dir(_dir: &Path) -> Result<CompanyConfig, ConfigError> {
    todo!()
}

pub fn load_company_files(_files: &[ConfigFile<'_>]) -> Result<CompanyConfig, ConfigError> {
    todo!()
}
