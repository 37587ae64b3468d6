//! Build script: the registry of localisation packs (`src/packs.rs`).
//!
//! Every folder `config/<pack>/` of the repository, with its `rules/<pack>/`, is a pack. This
//! script lists their files (sorted, so the output is the same on every machine) and writes
//! `$OUT_DIR/packs.rs`: one `ChartPack` per pack with the text of each file embedded by
//! `include_str!`, so that `stockpost init DIR --chart <pack>` works from any folder. Adding a
//! pack needs no code change: add the two folders and build. The layout and the rules checked
//! here are described in docs/localisation.md ("How a pack is built").
//!
//! A pack that breaks the layout stops the build with a message that names the folder or file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The configuration files every pack must have in `config/<pack>/`.
const REQUIRED_CONFIG: [&str; 4] = [
    "company.toml",
    "items.toml",
    "locations.toml",
    "accounts.toml",
];

/// One file of a pack: where it goes in a company folder, where it is in the repository.
struct PackFile {
    company_path: String,
    repo_path: String,
}

struct Pack {
    name: String,
    description: String,
    files: Vec<PackFile>,
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    // A directory is scanned recursively by cargo: any file added, removed or changed below it
    // runs this script again. (Edits to an embedded file also rebuild through `include_str!`.)
    println!("cargo:rerun-if-changed=config");
    println!("cargo:rerun-if-changed=rules");
    println!("cargo:rerun-if-changed=build.rs");
    let packs = match find_packs(&root) {
        Ok(packs) => packs,
        Err(message) => {
            eprintln!("error: localisation packs: {message}");
            eprintln!("help: the pack layout is described in docs/localisation.md");
            std::process::exit(1);
        }
    };
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("packs.rs");
    std::fs::write(&out, generate(&packs))
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", out.display()));
}

/// Every pack under `root/config/` and `root/rules/`, in name order.
fn find_packs(root: &Path) -> Result<Vec<Pack>, String> {
    let config_names = pack_folders(root, "config")?;
    let rule_names = pack_folders(root, "rules")?;
    if let Some(orphan) = rule_names.iter().find(|name| !config_names.contains(name)) {
        let moved = if orphan == "tests" {
            " (rule tests live in rules/<pack>/tests/ now; move rules/tests/ there)"
        } else {
            ""
        };
        return Err(format!(
            "rules/{orphan}/ has no config/{orphan}/: a pack is the pair of both folders{moved}"
        ));
    }
    let mut packs = Vec::new();
    for name in config_names {
        if !rule_names.contains(&name) {
            return Err(format!(
                "config/{name}/ has no rules/{name}/: a pack is the pair of both folders"
            ));
        }
        packs.push(read_pack(root, &name)?);
    }
    if packs.is_empty() {
        return Err("no pack: config/ holds no folder".to_string());
    }
    Ok(packs)
}

/// The names of the folders directly in `root/<top>/`, sorted; any file there is an error.
/// A folder with no file at any depth is skipped: git does not keep one, so it is a leftover
/// (of a `git mv`, say) and no pack.
fn pack_folders(root: &Path, top: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    for (name, path) in list(&root.join(top), top)? {
        if path.is_dir() && !holds_a_file(&path) {
            continue;
        }
        if !path.is_dir() {
            return Err(format!(
                "{top}/{name} belongs to no pack: {top}/ holds only pack folders \
                 ({top}/<pack>/...); move it into a pack"
            ));
        }
        let valid = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !name.starts_with('-');
        if !valid {
            return Err(format!(
                "{top}/{name}/: a pack name is lowercase letters, digits and `-` (e.g. ch-kmu)"
            ));
        }
        names.push(name);
    }
    Ok(names)
}

/// Whether `dir` or a folder below it holds a file that is not hidden.
fn holds_a_file(dir: &Path) -> bool {
    list(dir, "").is_ok_and(|entries| {
        entries
            .iter()
            .any(|(_, path)| !path.is_dir() || holds_a_file(path))
    })
}

/// The entries of `dir` as (name, path), sorted by name, without hidden files (`.name`).
fn list(dir: &Path, shown: &str) -> Result<Vec<(String, PathBuf)>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|error| format!("cannot list {shown}/: {error}"))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| format!("cannot list {shown}/: {error}"))?;
        let name = entry
            .file_name()
            .into_string()
            .map_err(|name| format!("{shown}/{name:?}: a file name must be UTF-8"))?;
        if !name.starts_with('.') {
            found.push((name, entry.path()));
        }
    }
    found.sort();
    Ok(found)
}

fn read_pack(root: &Path, name: &str) -> Result<Pack, String> {
    let mut files = Vec::new();
    // config/<pack>/: flat, like a company's config/ folder.
    let config_top = format!("config/{name}");
    for (file, path) in list(&root.join(&config_top), &config_top)? {
        if path.is_dir() {
            return Err(format!(
                "{config_top}/{file}/: a pack's config folder holds files only"
            ));
        }
        files.push(PackFile {
            company_path: format!("config/{file}"),
            repo_path: format!("{config_top}/{file}"),
        });
    }
    for required in REQUIRED_CONFIG {
        if !files
            .iter()
            .any(|f| f.company_path == format!("config/{required}"))
        {
            return Err(format!(
                "pack `{name}` is incomplete: {config_top}/{required} is missing \
                 (every pack has {})",
                REQUIRED_CONFIG.join(", ")
            ));
        }
    }
    // rules/<pack>/: every file, subfolders included (rules/<pack>/tests/...).
    let rules_top = format!("rules/{name}");
    collect_tree(root, &rules_top, "rules", &mut files)?;
    let has_rule_file = files.iter().any(|f| {
        f.company_path.starts_with("rules/")
            && f.company_path.ends_with(".rhai")
            && f.company_path.matches('/').count() == 1
    });
    if !has_rule_file {
        return Err(format!(
            "pack `{name}` is incomplete: {rules_top}/ holds no .rhai rule file"
        ));
    }
    let company_toml = root.join(&config_top).join("company.toml");
    let text = std::fs::read_to_string(&company_toml)
        .map_err(|error| format!("cannot read {config_top}/company.toml: {error}"))?;
    let description = description(&text).ok_or_else(|| {
        format!(
            "{config_top}/company.toml must start with a comment `# ...`: its first paragraph \
             is the pack's description, shown by `stockpost init --list-charts`"
        )
    })?;
    Ok(Pack {
        name: name.to_string(),
        description,
        files,
    })
}

/// Adds every file below `root/repo_dir` (recursively, sorted) as `company_dir/<relative>`.
fn collect_tree(
    root: &Path,
    repo_dir: &str,
    company_dir: &str,
    files: &mut Vec<PackFile>,
) -> Result<(), String> {
    for (name, path) in list(&root.join(repo_dir), repo_dir)? {
        let repo_path = format!("{repo_dir}/{name}");
        let company_path = format!("{company_dir}/{name}");
        if path.is_dir() {
            collect_tree(root, &repo_path, &company_path, files)?;
        } else {
            files.push(PackFile {
                company_path,
                repo_path,
            });
        }
    }
    Ok(())
}

/// The description of a pack: the first paragraph of the comment that opens `company.toml`,
/// its lines joined by spaces (`# Company setup of ...` up to the first `#` line with no text).
fn description(company_toml: &str) -> Option<String> {
    let mut words: Vec<&str> = Vec::new();
    for line in company_toml.lines() {
        let Some(comment) = line.trim().strip_prefix('#') else {
            break;
        };
        let comment = comment.trim();
        if comment.is_empty() {
            break;
        }
        words.push(comment);
    }
    (!words.is_empty()).then(|| words.join(" "))
}

fn generate(packs: &[Pack]) -> String {
    let mut out = String::from(
        "// Generated by build.rs from config/<pack>/ and rules/<pack>/; do not edit.\n\n\
         /// Every pack of the repository, in name order.\n\
         pub const CHART_PACKS: &[ChartPack] = &[\n",
    );
    for pack in packs {
        let _ = writeln!(out, "    ChartPack {{");
        let _ = writeln!(out, "        name: {:?},", pack.name);
        let _ = writeln!(out, "        description: {:?},", pack.description);
        let _ = writeln!(out, "        files: &[");
        for file in &pack.files {
            let _ = writeln!(
                out,
                "            PackFile {{ path: {:?}, source: {:?}, text: include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), {:?})) }},",
                file.company_path,
                file.repo_path,
                format!("/{}", file.repo_path)
            );
        }
        let _ = writeln!(out, "        ],");
        let _ = writeln!(out, "    }},");
    }
    out.push_str("];\n");
    out
}
