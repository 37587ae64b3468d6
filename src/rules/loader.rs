//! Reading and compiling a rule folder: every `*.rhai` file, compiled on its own, and the two
//! entry functions located. File I/O happens here and nowhere else in the rule layer.

use std::path::Path;

use rhai::{Engine, ParseError, AST};
use sha2::{Digest, Sha256};

use super::diagnostics::{RuleError, RuleErrorKind, SourceFile};
use super::engine::RuleLimits;

/// Name of the function that answers inventory-side roles.
pub const INVENTORY_FUNCTION: &str = "inventory_accounts";
/// Name of the function that answers general-side roles.
pub const GENERAL_FUNCTION: &str = "general_accounts";

/// One rule file, compiled.
pub(crate) struct CompiledFile {
    pub source: SourceFile,
    pub ast: AST,
}

/// Reads the `.rhai` files of `dir` in name order, as (display name, text) pairs.
pub fn read_rule_dir(dir: &Path, limits: &RuleLimits) -> Result<Vec<(String, String)>, RuleError> {
    let io_error = |message: String| {
        RuleError::new(RuleErrorKind::Io, message)
            .with_help("pass the folder that holds the rule files, e.g. `rules`")
    };
    let entries = std::fs::read_dir(dir).map_err(|error| {
        io_error(format!(
            "cannot read rule folder {}: {error}",
            dir.display()
        ))
    })?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|error| io_error(format!("cannot list {}: {error}", dir.display())))?
            .path();
        if path
            .extension()
            .is_some_and(|extension| extension == "rhai")
            && path.is_file()
        {
            paths.push(path);
        }
    }
    paths.sort();
    if paths.len() > limits.max_files {
        return Err(too_many_files(
            &dir.display().to_string(),
            paths.len(),
            limits,
        ));
    }
    let mut files = Vec::with_capacity(paths.len());
    let mut total = 0u64;
    for path in paths {
        let size = std::fs::metadata(&path).map_or(0, |metadata| metadata.len());
        if size > limits.max_file_size as u64 {
            return Err(RuleError::new(
                RuleErrorKind::Io,
                format!(
                    "rule file {} has {size} bytes; the limit is {} bytes",
                    path.display(),
                    limits.max_file_size
                ),
            ));
        }
        total += size;
        if total > limits.max_rule_set_size as u64 {
            return Err(too_many_bytes(&dir.display().to_string(), limits));
        }
        let text = std::fs::read_to_string(&path)
            .map_err(|error| io_error(format!("cannot read {}: {error}", path.display())))?;
        files.push((path.display().to_string(), text));
    }
    Ok(files)
}

/// SHA-256 over the files' base names and texts, in name order, as lowercase hex. The folder a
/// rule set was loaded from does not change its hash; renaming or editing a file does.
pub fn content_hash(files: &[(String, String)]) -> String {
    let mut named: Vec<(&str, &str)> = files
        .iter()
        .map(|(name, text)| (base_name(name), text.as_str()))
        .collect();
    named.sort();
    let mut hasher = Sha256::new();
    for (name, text) in named {
        // Lengths first, so that no two different file lists hash the same byte stream.
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// At most `max_files` files of at most `max_rule_set_size` bytes together (checked again
/// here for rule sets that come from the store rather than a folder).
pub(crate) fn check_rule_set_size(
    files: &[(String, String)],
    limits: &RuleLimits,
) -> Result<(), RuleError> {
    if files.len() > limits.max_files {
        return Err(too_many_files("the rule set", files.len(), limits));
    }
    let total: usize = files.iter().map(|(_, text)| text.len()).sum();
    if total > limits.max_rule_set_size {
        return Err(too_many_bytes("the rule set", limits));
    }
    Ok(())
}

const RULE_SET_SIZE_HELP: &str = "a rule set is a handful of small files; move data (account \
    lists, tables) into the rules as maps, or split the company";

fn too_many_files(place: &str, count: usize, limits: &RuleLimits) -> RuleError {
    RuleError::new(
        RuleErrorKind::Io,
        format!(
            "{place} holds {count} .rhai files; a rule set has at most {}",
            limits.max_files
        ),
    )
    .with_help(RULE_SET_SIZE_HELP)
}

fn too_many_bytes(place: &str, limits: &RuleLimits) -> RuleError {
    RuleError::new(
        RuleErrorKind::Io,
        format!(
            "the .rhai files of {place} hold more than {} bytes together, the limit of a rule set",
            limits.max_rule_set_size
        ),
    )
    .with_help(RULE_SET_SIZE_HELP)
}

/// Compiles every file; syntax errors of all files are returned together.
pub(crate) fn compile_files(
    engine: &Engine,
    files: &[(String, String)],
    limits: &RuleLimits,
) -> Result<Vec<CompiledFile>, Vec<RuleError>> {
    check_rule_set_size(files, limits).map_err(|error| vec![error])?;
    let mut compiled = Vec::new();
    let mut errors = Vec::new();
    for (name, text) in files {
        let source = SourceFile {
            name: name.clone(),
            text: text.clone(),
        };
        if text.len() > limits.max_file_size {
            errors.push(RuleError::new(
                RuleErrorKind::Io,
                format!(
                    "rule file {name} has {} bytes; the limit is {} bytes",
                    text.len(),
                    limits.max_file_size
                ),
            ));
            continue;
        }
        match engine.compile(text) {
            Ok(mut ast) => {
                ast.set_source(name.as_str());
                compiled.push(CompiledFile { source, ast });
            }
            Err(error) => errors.push(syntax_error(&source, &error)),
        }
    }
    if errors.is_empty() {
        Ok(compiled)
    } else {
        Err(errors)
    }
}

fn syntax_error(source: &SourceFile, error: &ParseError) -> RuleError {
    let position = error.position();
    let location = position
        .line()
        .and_then(|line| source.location(line, position.position().unwrap_or(1), 1));
    RuleError::new(
        RuleErrorKind::Syntax,
        format!("syntax error in {}: {}", source.name, error.err_type()),
    )
    .at(location)
    .with_help("rule files hold only `fn` definitions; see docs/rules.md for the contract")
}

/// Index of the file defining entry function `name` with one parameter.
pub(crate) fn find_entry_function(files: &[CompiledFile], name: &str) -> Result<usize, RuleError> {
    let mut found: Option<usize> = None;
    for (index, file) in files.iter().enumerate() {
        let Some(function) = file.ast.iter_functions().find(|f| f.name == name) else {
            continue;
        };
        let location = file.source.function_location(name);
        if function.params.len() != 1 {
            // The trigger is asked about a batch; the account functions about a key.
            let parameter = if name == super::trigger::TRIGGER_FUNCTION {
                "batch"
            } else {
                "key"
            };
            return Err(RuleError::new(
                RuleErrorKind::EntryFunction,
                format!(
                    "`{name}` must take exactly one parameter (the {parameter}), it takes {}",
                    function.params.len()
                ),
            )
            .at(location)
            .with_help(format!("write it as `fn {name}({parameter}) {{ ... }}`")));
        }
        if let Some(first) = found {
            return Err(RuleError::new(
                RuleErrorKind::EntryFunction,
                format!(
                    "`{name}` is defined in {} and again in {}",
                    files[first].source.name, file.source.name
                ),
            )
            .at(location)
            .with_help("a rule set has exactly one definition of each entry function"));
        }
        found = Some(index);
    }
    found.ok_or_else(|| {
        RuleError::new(
            RuleErrorKind::EntryFunction,
            format!("no rule file defines `fn {name}(key)`"),
        )
        .with_help(format!(
            "add `fn {name}(key) {{ #{{ ... }} }}` returning a map of role name to account number"
        ))
    })
}
