//! The localisation packs: a starting configuration and rule set for one national chart of
//! accounts, compiled into the library so that `stockpost init DIR --chart NAME` works from any
//! folder.
//!
//! In the repository a pack is the pair of folders `config/<pack>/` and `rules/<pack>/`. The
//! build script (`build.rs`) finds every such pair and embeds each file; [`CHART_PACKS`] is the
//! table it generates. A pack's files carry the names they take in a company folder
//! (`config/accounts.toml`, `rules/general.rhai`, `rules/tests/cases.toml`), so a company created
//! from a pack has the usual company layout. The layout, the required files and how to add a
//! pack are in `docs/localisation.md`.

/// One file of a pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackFile {
    /// Where the file goes in a company folder: `config/company.toml`, `rules/general.rhai`,
    /// `rules/tests/cases.toml`, ...
    pub path: &'static str,
    /// Where the file is in the repository: `config/ch-kmu/company.toml`, ...
    pub source: &'static str,
    /// The file's text.
    pub text: &'static str,
}

/// A localisation pack: configuration and rules for one chart of accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartPack {
    /// The pack's name, the name of its folders (`ch-kmu`).
    pub name: &'static str,
    /// The first paragraph of the comment that opens the pack's `config/company.toml`.
    pub description: &'static str,
    /// Every file, in path order: `config/*`, then `rules/**`.
    pub files: &'static [PackFile],
}

include!(concat!(env!("OUT_DIR"), "/packs.rs"));

/// The pack `stockpost init` uses when none is named: the Swiss SME chart of the example
/// company Kaffeewerk AG.
pub const DEFAULT_CHART_PACK: &str = "ch-kmu";

/// The pack called `name`.
pub fn find_pack(name: &str) -> Option<&'static ChartPack> {
    CHART_PACKS.iter().find(|pack| pack.name == name)
}

/// The names of every pack, in name order.
pub fn pack_names() -> Vec<&'static str> {
    CHART_PACKS.iter().map(|pack| pack.name).collect()
}

impl ChartPack {
    /// The text of the file at `path` (company-folder name, e.g. `config/accounts.toml`).
    pub fn file(&self, path: &str) -> Option<&'static str> {
        self.files
            .iter()
            .find(|file| file.path == path)
            .map(|file| file.text)
    }

    /// The configuration files (`config/*`) as `(name, text)`, in name order.
    pub fn config_files(&self) -> Vec<(&'static str, &'static str)> {
        self.files_in("config/", |_| true)
    }

    /// The rule files (`rules/*.rhai`, not those in subfolders) as `(name, text)`, in name
    /// order: what a company loads as its rule set.
    pub fn rule_files(&self) -> Vec<(&'static str, &'static str)> {
        self.files_in("rules/", |name| name.ends_with(".rhai"))
    }

    /// The rule test files (`rules/tests/*.toml`) as `(name, text)`, in name order: what
    /// `stockpost rules test` runs.
    pub fn rule_test_files(&self) -> Vec<(&'static str, &'static str)> {
        self.files_in("rules/tests/", |name| name.ends_with(".toml"))
    }

    /// The files directly in `folder` (not in its subfolders) whose name passes `keep`.
    fn files_in(
        &self,
        folder: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Vec<(&'static str, &'static str)> {
        self.files
            .iter()
            .filter(|file| {
                file.path
                    .strip_prefix(folder)
                    .is_some_and(|name| !name.contains('/') && keep(name))
            })
            .map(|file| (file.path, file.text))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The files of a repository folder, recursively, as paths relative to the crate root.
    fn files_below(relative: &str) -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = Vec::new();
        let mut stack = vec![relative.to_string()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(root.join(&dir)).expect("listable") {
                let entry = entry.expect("listable");
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue;
                }
                let path = format!("{dir}/{name}");
                if entry.path().is_dir() {
                    stack.push(path);
                } else {
                    found.push(path);
                }
            }
        }
        found.sort();
        found
    }

    #[test]
    fn every_file_of_every_pack_is_embedded_as_on_disk() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(!CHART_PACKS.is_empty());
        for pack in CHART_PACKS {
            let mut on_disk = files_below(&format!("config/{}", pack.name));
            on_disk.extend(files_below(&format!("rules/{}", pack.name)));
            let embedded: Vec<&str> = pack.files.iter().map(|file| file.source).collect();
            assert_eq!(embedded, on_disk, "pack {}", pack.name);
            for file in pack.files {
                let text = std::fs::read_to_string(root.join(file.source)).expect("readable");
                assert_eq!(file.text, text, "{}", file.source);
                let (top, rest) = file.source.split_once('/').expect("top folder");
                let company = rest
                    .strip_prefix(pack.name)
                    .and_then(|rest| rest.strip_prefix('/'))
                    .expect("inside the pack folder");
                assert_eq!(file.path, format!("{top}/{company}"));
            }
        }
    }

    #[test]
    fn packs_are_in_name_order_and_the_default_is_one_of_them() {
        let names = pack_names();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(names, sorted);
        assert!(find_pack(DEFAULT_CHART_PACK).is_some());
        assert!(find_pack("no-such-pack").is_none());
    }

    #[test]
    fn the_default_pack_is_the_example_company() {
        let pack = find_pack(DEFAULT_CHART_PACK).expect("default pack");
        let mut expected: Vec<(&str, &str)> = crate::config::EXAMPLE_CONFIG_FILES.to_vec();
        expected.push(crate::example::EXAMPLE_CHART_FILE);
        expected.sort_unstable();
        assert_eq!(pack.config_files(), expected);
        assert_eq!(
            pack.rule_files(),
            crate::example::EXAMPLE_RULE_FILES.to_vec()
        );
        assert_eq!(
            pack.file("rules/adjustment.rhai"),
            Some(crate::rules::trigger::DEFAULT_TRIGGER_RULE)
        );
        assert_eq!(
            pack.rule_test_files()
                .iter()
                .map(|(name, _)| *name)
                .collect::<Vec<_>>(),
            ["rules/tests/example.toml"]
        );
        assert!(
            pack.description.contains("Kaffeewerk AG"),
            "{}",
            pack.description
        );
    }
}
