//! Hostile rules, through the real binary: loops, recursion, sort/map bombs (whose closures
//! Rhai gives a fresh operation count, and whose failures `sort` takes for "equal"), memory
//! growth, deep nesting, huge maps, print loops and huge rule sets. Each is stopped at load,
//! in `rules check`, in `post` (nothing posted) and in a `watch` reload (the old rule set keeps
//! running and the next fix is picked up), within the 2-second bound of docs/rules.md §4.

mod hostile_support;

use std::path::Path;
use std::time::{Duration, Instant};

use hostile_support::{batches, company, stderr, stdout, timed, Watch};

/// What a command printed, stdout and stderr together (`rules check` reports on stdout).
fn printed(output: &std::process::Output) -> String {
    format!("{}{}", stdout(output), stderr(output))
}

/// How long any hostile rule may take to be refused (docs/rules.md §4), measured around the
/// whole command (start, load, refusal) in the test build.
const BOUND: Duration = Duration::from_secs(2);

/// Rule bodies inserted at the top of `inventory_accounts(key)`, by name.
const HOSTILE: &[(&str, &str)] = &[
    ("loop", "loop { }"),
    ("recursion", "fn_never_defined_so_recursion_below(); "),
    (
        "sort bomb",
        "let a = []; for i in 0..1000 { a.push(1000 - i); } \
         a.sort(|x, y| { let s = 0; for j in 0..1000 { s += j; } x - y });",
    ),
    (
        "nested sorts",
        "let a = []; for i in 0..500 { a.push(i); } \
         a.sort(|x, y| { let b = []; for k in 0..500 { b.push(k); } b.sort(|p, q| q - p); x - y });",
    ),
    ("loop of sorts", "let a = [3, 2, 1]; loop { a.sort(|x, y| x - y); }"),
    (
        "map bomb",
        "let a = []; for i in 0..1000 { a.push(i); } \
         let b = a.map(|x| { let s = 0; for j in 0..100000 { s += j; } s });",
    ),
    (
        "dedup bomb",
        "let a = []; for i in 0..1000 { a.push(i % 7); } \
         a.dedup(|x, y| { let s = 0; for j in 0..100000 { s += j; } x == y });",
    ),
    ("string growth", "let s = \"x\"; loop { s += s; }"),
    ("nested arrays", "let a = []; loop { a = [a]; }"),
    ("huge map", "let m = #{}; for i in 0..1000000 { m[`k${i}`] = i; }"),
    ("print loop", "loop { print(\"x\"); debug(\"y\"); }"),
];

fn hostile_company(root: &Path, name: &str, body: &str) -> std::path::PathBuf {
    let folder = company(root, name);
    let rule = folder.join("rules/inventory.rhai");
    let text = std::fs::read_to_string(&rule).unwrap();
    let text = if body.starts_with("fn_never") {
        // Recursion without end: a helper that calls itself.
        text.replace(
            "fn inventory_accounts(key) {",
            "fn forever(n) { forever(n + 1) }\nfn inventory_accounts(key) {\nforever(0);",
        )
    } else {
        text.replace(
            "fn inventory_accounts(key) {",
            &format!("fn inventory_accounts(key) {{\n{body}\n"),
        )
    };
    std::fs::write(&rule, text).unwrap();
    folder
}

fn purchase_journal(folder: &Path, name: &str, document: &str) {
    std::fs::write(
        folder.join(name),
        format!(
            "type,posting_date,document_no,item,location,quantity,unit_cost\n\
             purchase,2026-10-01,{document},1000,MAIN,2,10\n"
        ),
    )
    .unwrap();
}

#[test]
fn every_hostile_rule_is_refused_within_the_bound_in_check_and_post() {
    let root = tempfile::tempdir().unwrap();
    for (index, (name, body)) in HOSTILE.iter().enumerate() {
        let folder = hostile_company(root.path(), &format!("h{index}"), body);
        let (check, took) = timed(&folder, &["rules", "check", "rules", "--config", "config"]);
        assert_eq!(check.status.code(), Some(1), "{name}: {}", printed(&check));
        assert!(took < BOUND, "{name}: rules check took {took:?}");
        assert!(
            printed(&check).contains("inventory.rhai:"),
            "{name}: the error names the rule file: {}",
            printed(&check)
        );
        purchase_journal(&folder, "p.csv", "P-1");
        for args in [
            vec!["post", "--dry-run", "--company", ".", "p.csv"],
            vec!["post", "--company", ".", "p.csv"],
        ] {
            let (output, took) = timed(&folder, &args);
            assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
            assert!(took < BOUND, "{name}: {} took {took:?}", args.join(" "));
        }
        assert_eq!(batches(&folder), 0, "{name}: something was posted");
    }
}

#[test]
fn a_sort_bomb_in_the_trigger_rule_refuses_the_batch() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "trigger");
    let rule = folder.join("rules/adjustment.rhai");
    let text = std::fs::read_to_string(&rule).unwrap().replace(
        "fn cost_adjustment_trigger(batch) {",
        "fn cost_adjustment_trigger(batch) {\n let a = []; for i in 0..1000 { a.push(i); } \
         a.sort(|x, y| { let s = 0; for j in 0..1000 { s += j; } y - x });",
    );
    std::fs::write(&rule, text).unwrap();
    purchase_journal(&folder, "p.csv", "P-1");
    let (output, took) = timed(&folder, &["post", "--company", ".", "p.csv"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(took < BOUND, "took {took:?}");
    let message = stderr(&output);
    assert!(
        message.contains("exceeded its budget of 100000 operations")
            && message.contains("adjustment.rhai")
            && message.contains("nothing of p.csv was posted"),
        "{message}"
    );
    assert_eq!(batches(&folder), 0);
    // docs/rules.md §9 says the same.
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/rules.md"))
        .unwrap()
        .replace('\n', " ");
    assert!(docs.contains("the whole batch is refused and nothing of the journal is posted"));
}

#[test]
fn rule_sets_too_large_are_refused_before_compiling() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "many");
    for index in 0..65 {
        std::fs::write(
            folder.join(format!("rules/extra{index:02}.rhai")),
            format!("fn extra{index}() {{ 1 }}\n"),
        )
        .unwrap();
    }
    let (output, took) = timed(&folder, &["rules", "check", "rules", "--config", "config"]);
    assert_eq!(output.status.code(), Some(2), "{}", printed(&output));
    assert!(
        printed(&output).contains("holds 68 .rhai files; a rule set has at most 64"),
        "{}",
        printed(&output)
    );
    assert!(took < BOUND);

    // Nesting written out in the file is refused by the compiler's depth limit, at once.
    let folder = company(root.path(), "deep");
    std::fs::write(
        folder.join("rules/deep.rhai"),
        format!(
            "fn deep() {{ {}{} }}\n",
            "[".repeat(100_000),
            "]".repeat(100_000)
        ),
    )
    .unwrap();
    let (output, took) = timed(&folder, &["rules", "check", "rules", "--config", "config"]);
    assert_eq!(output.status.code(), Some(1), "{}", printed(&output));
    assert!(
        printed(&output).contains("Expression exceeds maximum complexity"),
        "{}",
        printed(&output)
    );
    assert!(took < Duration::from_secs(1), "deep nesting took {took:?}");

    let folder = company(root.path(), "big");
    let filler = format!("// {}\n", "x".repeat(200 * 1024));
    for index in 0..6 {
        std::fs::write(
            folder.join(format!("rules/big{index}.rhai")),
            format!("fn big{index}() {{ 1 }}\n{filler}"),
        )
        .unwrap();
    }
    purchase_journal(&folder, "p.csv", "P-1");
    let (output, took) = timed(&folder, &["post", "--company", ".", "p.csv"]);
    assert_ne!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("the limit of a rule set"),
        "{}",
        stderr(&output)
    );
    assert!(took < BOUND);
    assert_eq!(batches(&folder), 0);
}

#[test]
fn watch_keeps_its_rules_through_hostile_saves_and_takes_the_next_fix() {
    let root = tempfile::tempdir().unwrap();
    let folder = company(root.path(), "watched");
    let rule = folder.join("rules/inventory.rhai");
    let good = std::fs::read_to_string(&rule).unwrap();
    let mut watch = Watch::start(&folder, 500);
    for (name, body) in HOSTILE {
        if body.starts_with("fn_never") {
            continue;
        }
        let saved = Instant::now();
        std::fs::write(
            &rule,
            good.replace(
                "fn inventory_accounts(key) {",
                &format!("fn inventory_accounts(key) {{\n{body}\n"),
            ),
        )
        .unwrap();
        let rejected = watch.wait_for("reload_rejected", Duration::from_secs(10));
        let took = saved.elapsed();
        let rejected = rejected.unwrap_or_else(|| panic!("{name}: no reload_rejected event"));
        assert!(rejected.contains("inventory.rhai"), "{name}: {rejected}");
        // The debounce window (100 ms) and the refusal, well inside the bound.
        assert!(
            took < BOUND + Duration::from_millis(100),
            "{name}: {took:?}"
        );
    }
    // The rules still running post a journal; then a real change is picked up.
    purchase_journal(&folder, "inbox/p.csv", "P-1");
    watch
        .wait_for("batch_posted", Duration::from_secs(10))
        .expect("the old rules post");
    // The fix: the good rule with a comment added (a new rule set, the same mapping).
    std::fs::write(&rule, format!("// fixed\n{good}")).unwrap();
    let reloaded = watch
        .wait_for("rules_reloaded", Duration::from_secs(10))
        .expect("the fix is loaded");
    assert!(reloaded.contains("\"changes\":[]"), "{reloaded}");
}
