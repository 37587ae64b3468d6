//! A company folder written from a localisation pack, for the tests that run the binary on
//! journals named on the command line (a replay in memory): the repository root is no company
//! folder, its `config/` and `rules/` hold one folder per pack.
#![allow(dead_code)]

use tempfile::TempDir;

/// A temporary company folder with the `config/` and `rules/` of `pack` (as `stockpost init`
/// copies them, without a database); removed when dropped.
pub fn pack_company(pack: &str) -> TempDir {
    let pack = stockpost::packs::find_pack(pack).expect("a pack of the registry");
    let dir = tempfile::tempdir().expect("temp dir");
    for file in pack.files {
        let path = dir.path().join(file.path);
        std::fs::create_dir_all(path.parent().expect("in a folder")).expect("folder");
        std::fs::write(&path, file.text).expect("written");
    }
    dir
}

/// The example company, Kaffeewerk AG (pack `ch-kmu`), as a company folder.
pub fn example_company_folder() -> TempDir {
    pack_company(stockpost::packs::DEFAULT_CHART_PACK)
}
