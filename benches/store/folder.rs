//! The benchmark company as a company folder: `config/*.toml` written from the item specs the
//! posting benchmark generates its journal for, the benchmark's chart and rules, and an empty
//! database, as `stockpost init` would leave it.

use std::fmt::Write;
use std::path::Path;

use stockpost::company::{CompanyDefinition, LoadedCompany, DATABASE_FILE};
use stockpost::config::CompanyConfig;
use stockpost::store::sqlite::SqliteStore;

/// The chart and rules of the posting benchmark, as files of a company folder.
const CHART: &str = include_str!("../posting/rules/accounts.toml");
const RULE_FILES: [(&str, &str); 2] = [
    (
        "inventory.rhai",
        include_str!("../posting/rules/inventory.rhai"),
    ),
    (
        "general.rhai",
        include_str!("../posting/rules/general.rhai"),
    ),
];

/// Writes the company folder `dir` (which must not hold a company yet) for `config`, and checks
/// that it loads back as the same configuration.
pub fn create(dir: &Path, config: &CompanyConfig) -> Result<(), String> {
    for sub in ["config", "rules"] {
        std::fs::create_dir_all(dir.join(sub)).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut files = vec![
        ("config/company.toml".to_string(), company_toml(config)),
        ("config/items.toml".to_string(), items_toml(config)),
        ("config/locations.toml".to_string(), locations_toml(config)),
        ("config/accounts.toml".to_string(), CHART.to_string()),
    ];
    for (name, text) in RULE_FILES {
        files.push((format!("rules/{name}"), text.to_string()));
    }
    for (name, text) in &files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let definition = CompanyDefinition::read(dir).map_err(|e| e.to_string())?;
    let company = LoadedCompany::build(&definition.config, &definition.rules, Some(dir))
        .map_err(|e| format!("{e} ({})", e.hint))?;
    if company.config != *config {
        return Err("config/*.toml does not load as the benchmark company".to_string());
    }
    SqliteStore::create(dir.join(DATABASE_FILE), "benchmark-store", 2)
        .map_err(|e| e.to_string())?;
    Ok(())
}

fn company_toml(config: &CompanyConfig) -> String {
    format!(
        "name = {}\ncurrency = {}\n\n[inventory_setup]\nautomatic_cost_posting = {}\n",
        quoted(&config.name),
        quoted(&config.currency),
        config.inventory_setup.automatic_cost_posting
    )
}

fn items_toml(config: &CompanyConfig) -> String {
    let mut out = String::new();
    for item in &config.items {
        let _ = writeln!(out, "[[item]]");
        let _ = writeln!(out, "no = {}", quoted(&item.no));
        let _ = writeln!(out, "description = {}", quoted(&item.description));
        let _ = writeln!(
            out,
            "base_unit_of_measure = {}",
            quoted(&item.base_unit_of_measure)
        );
        let _ = writeln!(
            out,
            "costing_method = {}",
            quoted(item.costing_method.as_str())
        );
        // Decimals as strings: read digit by digit, like every amount in the configuration.
        let _ = writeln!(out, "unit_cost = \"{}\"", item.unit_cost);
        let _ = writeln!(out, "standard_cost = \"{}\"", item.standard_cost);
        let _ = writeln!(
            out,
            "indirect_cost_percent = \"{}\"",
            item.indirect_cost_percent
        );
        let _ = writeln!(out, "overhead_rate = \"{}\"", item.overhead_rate);
        let _ = writeln!(
            out,
            "inventory_posting_group = {}",
            quoted(&item.inventory_posting_group)
        );
        let _ = writeln!(
            out,
            "gen_prod_posting_group = {}",
            quoted(&item.gen_prod_posting_group)
        );
        if let Some(category) = &item.item_category {
            let _ = writeln!(out, "item_category = {}", quoted(category));
        }
        let _ = writeln!(out, "serial_tracked = {}\n", item.serial_tracked);
    }
    out
}

fn locations_toml(config: &CompanyConfig) -> String {
    let mut out = String::new();
    for location in &config.locations {
        let _ = writeln!(out, "[[location]]");
        let _ = writeln!(out, "code = {}", quoted(&location.code));
        let _ = writeln!(out, "name = {}\n", quoted(&location.name));
    }
    out
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
