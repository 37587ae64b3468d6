//! Bringing the books to the configuration a batch runs under.

use crate::books::Books;
use crate::config::CompanyConfig;

use super::error::CompanyError;

/// Makes `config` the books' configuration: items and locations may be added or changed;
/// removing one that has entries, or changing the costing method of an item with entries, is
/// refused (see [`crate::ledger::Ledger::change_config`]).
pub fn apply(books: &mut Books, config: &CompanyConfig) -> Result<(), CompanyError> {
    if books.ledger.config() == config {
        return Ok(());
    }
    books.ledger.change_config(config.clone()).map_err(|error| {
        CompanyError::input(format!("the configuration cannot change this way: {error}"))
            .hint("undo the change in config/ ; nothing was posted")
    })
}
