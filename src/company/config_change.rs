//! Bringing the books to the configuration a batch runs under.

use crate::books::Books;
use crate::config::CompanyConfig;

use super::error::CompanyError;

/// Makes `config` the books' configuration (items and locations may be added; see
/// [`crate::ledger::Ledger::change_config`]).
pub fn apply(books: &mut Books, config: &CompanyConfig) -> Result<(), CompanyError> {
    if books.ledger.config() == config {
        return Ok(());
    }
    Err(CompanyError::input(
        "the configuration changed since the last batch; configuration changes are not supported yet",
    ))
}
