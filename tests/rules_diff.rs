//! `stockpost rules diff` and `stockpost rules adopt` through the binary, on the stored example
//! company (`stockpost example --company DIR`): a candidate that moves the COGS of RETAIL goods
//! from 4200 to a new account 4210 (added to the candidate's chart).
//!
//! The expected figures do not come from the code under test: the example's COGS account 4200
//! holds 223 G/L entries summing to 40,233.91 (its trial balance, read here by SQL from the
//! store), so moving that mapping must move exactly those lines and that amount.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rusqlite::Connection;
use serde_json::Value;

fn stockpost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .args(args)
        .env_remove("STOCKPOST_BUSY_TIMEOUT_MS")
        .output()
        .expect("run stockpost")
}

/// `stockpost rules diff --candidate CANDIDATE --company COMPANY` with `extra` arguments.
fn rules_diff(candidate: &Path, company: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "rules",
        "diff",
        "--candidate",
        text(candidate),
        "--company",
        text(company),
    ];
    args.extend_from_slice(extra);
    stockpost(&args)
}

/// `stockpost rules adopt CANDIDATE --company COMPANY` with `extra` arguments.
fn rules_adopt(candidate: &Path, company: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "rules",
        "adopt",
        text(candidate),
        "--company",
        text(company),
    ];
    args.extend_from_slice(extra);
    stockpost(&args)
}

fn text(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}", stdout(output)))
}

/// A fresh stored example company in `root/company`.
fn example_company(root: &Path) -> PathBuf {
    let company = root.join("company");
    let output = stockpost(&["example", "--company", text(&company)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    company
}

/// `root/NAME`: the company's rules and configuration, with COGS of RETAIL on 4210 (added to
/// the chart) instead of 4200.
fn cogs_candidate(root: &Path, company: &Path, name: &str) -> PathBuf {
    let candidate = root.join(name);
    for folder in ["rules", "config"] {
        std::fs::create_dir_all(candidate.join(folder)).unwrap();
        for entry in std::fs::read_dir(company.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(
                    &path,
                    candidate.join(folder).join(path.file_name().unwrap()),
                )
                .unwrap();
            }
        }
    }
    let general = candidate.join("rules/general.rhai");
    let rules = std::fs::read_to_string(&general).unwrap();
    assert!(rules.contains("cogs: \"4200\""));
    std::fs::write(&general, rules.replace("cogs: \"4200\"", "cogs: \"4210\"")).unwrap();
    let chart = candidate.join("config/accounts.toml");
    let mut accounts = std::fs::read_to_string(&chart).unwrap();
    accounts.push_str(
        "\n[[account]]\nno = \"4210\"\nname = \"Handelswarenaufwand Einzelhandel\"\ntype = \"expense\"\n",
    );
    std::fs::write(&chart, accounts).unwrap();
    candidate
}

fn database(company: &Path) -> Connection {
    Connection::open(company.join("stockpost.db")).unwrap()
}

/// (count, Σ amount in cents) of the stored G/L entries on `account`.
fn gl_on(company: &Path, account: &str) -> (i64, i64) {
    database(company)
        .query_row(
            "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM gl_entry WHERE account_no = ?1",
            [account],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap()
}

fn batch_count(company: &Path) -> i64 {
    database(company)
        .query_row("SELECT COUNT(*) FROM posting_batch", [], |row| row.get(0))
        .unwrap()
}

/// Every file of a folder (recursively) with a hash of its bytes, to show that nothing changed
/// (SQLite's `-wal` and `-shm` companions, which any open may create, are left out).
fn files(folder: &Path) -> Vec<(PathBuf, u64)> {
    use std::hash::{Hash, Hasher};
    let mut found = Vec::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if !path.to_string_lossy().ends_with("-wal")
                && !path.to_string_lossy().ends_with("-shm")
            {
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                std::fs::read(&path).unwrap().hash(&mut hasher);
                found.push((path.clone(), hasher.finish()));
            }
        }
    }
    found.sort();
    found
}

fn balance<'a>(diff: &'a Value, account: &str) -> &'a Value {
    diff["balances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["account_no"] == account)
        .unwrap_or_else(|| panic!("no balance row for {account}"))
}

#[test]
fn diff_reports_the_moved_mapping_lines_balances_and_reclassification() {
    let root = tempfile::tempdir().unwrap();
    let company = example_company(root.path());
    let candidate = cogs_candidate(root.path(), &company, "candidate");
    assert_eq!(gl_on(&company, "4200"), (223, 4_023_391));
    let before = batch_count(&company);
    let db_before = std::fs::read(company.join("stockpost.db")).unwrap();

    let output = rules_diff(&candidate, &company, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let diff = json(&output);
    assert_eq!(diff["differs"], true);
    assert_eq!(diff["replay"]["mode"], "projection");
    assert_eq!(diff["batches"], 9);

    let changes = diff["mapping_changes"].as_array().unwrap();
    assert!(!changes.is_empty());
    for change in changes {
        assert_eq!(change["side"], "general", "{change}");
        assert_eq!(change["role"], "cogs", "{change}");
        assert_eq!(change["old_account"], "4200", "{change}");
        assert_eq!(change["new_account"], "4210", "{change}");
        let key = change["key"].as_str().unwrap();
        assert!(key.contains("gen_prod_posting_group=RETAIL"), "{key}");
    }
    assert!(changes.iter().any(|change| change["key"]
        .as_str()
        .unwrap()
        .contains("item_category=BEANS location=MAIN entry_type=sale")));

    assert_eq!(diff["value_entries"]["differing"], 0);
    assert_eq!(diff["gl_lines"]["moved"], 223);
    assert_eq!(diff["gl_lines"]["differing_in_amount"], 0);
    assert_eq!(
        diff["gl_lines"]["pairs"],
        serde_json::json!([{"old_account": "4200", "new_account": "4210",
                            "lines": 223, "amount": "40233.91"}])
    );

    assert_eq!(balance(&diff, "4200")["before"], "40233.91");
    assert_eq!(balance(&diff, "4200")["after"], "0.00");
    assert_eq!(balance(&diff, "4200")["difference"], "-40233.91");
    assert_eq!(balance(&diff, "4210")["before"], "0.00");
    assert_eq!(balance(&diff, "4210")["after"], "40233.91");
    assert_eq!(balance(&diff, "1200")["before"], "20968.71");
    for row in diff["balances"].as_array().unwrap() {
        if row["account_no"] != "4200" && row["account_no"] != "4210" {
            assert_eq!(row["difference"], "0.00", "{row}");
            assert_eq!(row["before"], row["after"], "{row}");
        }
    }

    let hash = diff["candidate_rule_set"].as_str().unwrap();
    assert_eq!(
        diff["reclassification"],
        serde_json::json!({
            "posting_date": "2026-10-31",
            "document_no": format!("RC-{}", &hash[..8]),
            "lines": [{"account_no": "4200", "amount": "-40233.91"},
                      {"account_no": "4210", "amount": "40233.91"}],
        })
    );

    // Only read: the store is byte for byte the same.
    assert_eq!(batch_count(&company), before);
    assert_eq!(
        std::fs::read(company.join("stockpost.db")).unwrap(),
        db_before
    );
}

#[test]
fn detail_lists_every_moved_line_with_its_gl_entry_and_the_full_replay_agrees() {
    let root = tempfile::tempdir().unwrap();
    let company = example_company(root.path());
    let candidate = cogs_candidate(root.path(), &company, "candidate");
    let stored: Vec<(i64, String, String, i64)> = {
        let db = database(&company);
        let mut statement = db
            .prepare(
                "SELECT entry_no, posting_date, document_no, amount FROM gl_entry \
                 WHERE account_no = '4200' ORDER BY entry_no",
            )
            .unwrap();
        let rows = statement
            .query_map([], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
            })
            .unwrap();
        rows.map(Result::unwrap).collect()
    };
    let mut diffs = Vec::new();
    for extra in [None, Some("--full-replay")] {
        let mut args = vec![
            "rules",
            "diff",
            "--candidate",
            text(&candidate),
            "--company",
            text(&company),
            "--detail",
            "--format",
            "json",
            "--posting-date",
            "2026-11-01",
            "--document-no",
            "RECLASS-1",
        ];
        args.extend(extra);
        let output = stockpost(&args);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        diffs.push(json(&output));
    }
    let (projection, full) = (&diffs[0], &diffs[1]);
    assert_eq!(full["replay"]["mode"], "full");
    assert_eq!(full["replay"]["why"], "asked for (--full-replay)");
    assert_eq!(full["value_entries"]["differing"], 0);
    for field in [
        "mapping_changes",
        "gl_lines",
        "balances",
        "reclassification",
    ] {
        assert_eq!(projection[field], full[field], "{field}");
    }
    assert_eq!(projection["reclassification"]["posting_date"], "2026-11-01");
    assert_eq!(projection["reclassification"]["document_no"], "RECLASS-1");

    let detail = projection["gl_lines"]["detail"].as_array().unwrap();
    let listed: Vec<(i64, String, String, i64)> = detail
        .iter()
        .map(|line| {
            assert_eq!(line["old_account"], "4200");
            assert_eq!(line["new_account"], "4210");
            assert_eq!(line["role"], "cogs");
            assert!(line["value_entry_no"].as_u64().unwrap() > 0);
            let amount = line["amount"].as_str().unwrap();
            assert_eq!(
                amount.split_once('.').map(|(_, cents)| cents.len()),
                Some(2)
            );
            (
                line["gl_entry_no"].as_i64().unwrap(),
                line["posting_date"].as_str().unwrap().to_string(),
                line["document_no"].as_str().unwrap().to_string(),
                amount.replace('.', "").parse::<i64>().unwrap(),
            )
        })
        .collect();
    let mut listed = listed;
    listed.sort();
    assert_eq!(listed, stored);

    // The table names the pair and the journal; CSV has a section per table.
    let output = rules_diff(&candidate, &company, &[]);
    let table = stdout(&output);
    assert!(table.contains("cogs  4200         4210"), "{table}");
    assert!(
        table.contains("4200         4210           223  40233.91"),
        "{table}"
    );
    assert!(table.contains("4200        -40233.91"), "{table}");
    let output = rules_diff(&candidate, &company, &["--format", "csv"]);
    let csv = stdout(&output);
    assert!(csv.contains("\nold_account,new_account,lines,amount\n4200,4210,223,40233.91\n"));
    assert!(
        csv.contains("\nposting_date,document_no,account_no,amount\n"),
        "{csv}"
    );
    assert!(csv.contains("\n2026-10-31,RC-"), "{csv}");
    assert!(csv.contains(",4210,40233.91\n"), "{csv}");
}

#[test]
fn adopt_with_reclassify_reconciles_and_verifies() {
    let root = tempfile::tempdir().unwrap();
    let company = example_company(root.path());
    let candidate = cogs_candidate(root.path(), &company, "candidate");
    let output = rules_adopt(&candidate, &company, &["--reclassify", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let adopted = json(&output);
    assert_eq!(adopted["adopted"], true);
    assert_eq!(adopted["batch_id"], 10);
    assert_eq!(adopted["reconciled"], true);
    let reclassification = &adopted["reclassification"];
    assert_eq!(reclassification["lines_moved"], 223);
    assert_eq!(reclassification["posting_date"], "2026-10-31");
    assert_eq!(
        reclassification["lines"],
        serde_json::json!([{"account_no": "4200", "amount": "-40233.91"},
                          {"account_no": "4210", "amount": "40233.91"}])
    );

    // The files are the candidate's; the store holds the batch and the entries.
    assert_eq!(
        std::fs::read_to_string(company.join("rules/general.rhai")).unwrap(),
        std::fs::read_to_string(candidate.join("rules/general.rhai")).unwrap()
    );
    assert!(
        std::fs::read_to_string(company.join("config/accounts.toml"))
            .unwrap()
            .contains("no = \"4210\"")
    );
    assert!(!company.join(".rules.previous").exists());
    assert!(!company.join(".rules.adopting").exists());
    assert_eq!(gl_on(&company, "4200").1, 0);
    assert_eq!(gl_on(&company, "4210").1, 4_023_391);
    let db = database(&company);
    let (command, rule_set): (String, String) = db
        .query_row(
            "SELECT command, rule_set_hash FROM posting_batch WHERE batch_id = 10",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(command, "adopt_rule_set");
    assert_eq!(rule_set, adopted["rule_set"].as_str().unwrap());
    let (source, entries): (String, i64) = db
        .query_row(
            "SELECT r.source, COUNT(*) FROM gl_register r JOIN gl_entry g \
             ON g.register_no = r.register_no WHERE g.batch_id = 10 GROUP BY r.source",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!(source, "reclassification");
    assert_eq!(entries, reclassification["gl_entries"].as_i64().unwrap());
    let (sum, dated): (i64, String) = db
        .query_row(
            "SELECT SUM(amount), MIN(posting_date) FROM gl_entry WHERE batch_id = 10",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    assert_eq!((sum, dated.as_str()), (0, "2026-10-31"));

    let output = stockpost(&["reconcile", "--company", text(&company)]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let report = stdout(&output);
    assert!(report.trim_end().ends_with("reconciled"), "{report}");
    assert!(!report.contains("rule change"), "{report}");

    let output = stockpost(&["verify", "--company", text(&company)]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    // The candidate is the company's now, balances included: nothing differs any more.
    let output = rules_diff(&candidate, &company, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let diff = json(&output);
    assert_eq!(diff["gl_lines"]["moved"], 0);
    assert_eq!(diff["mapping_changes"], serde_json::json!([]));
    assert_eq!(diff["reclassification"], Value::Null);
}

#[test]
fn adopt_without_reclassify_leaves_the_rule_change_visible_until_reclassified() {
    let root = tempfile::tempdir().unwrap();
    let company = example_company(root.path());
    let candidate = cogs_candidate(root.path(), &company, "candidate");
    let output = rules_adopt(&candidate, &company, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("No reclassification"));
    assert_eq!(gl_on(&company, "4200"), (223, 4_023_391));

    let output = stockpost(&["reconcile", "--company", text(&company), "--format", "json"]);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let report = json(&output);
    assert_eq!(report["reconciled"], false);
    assert_eq!(report["explained"], true);
    let mut rule_change = std::collections::BTreeMap::<String, rust_decimal::Decimal>::new();
    for cell in report["cells"].as_array().unwrap() {
        for explanation in cell["explanations"].as_array().unwrap() {
            if explanation["cause"]
                .as_str()
                .is_some_and(|cause| cause.contains("rule change"))
            {
                *rule_change
                    .entry(cell["account"].as_str().unwrap().to_string())
                    .or_default() += explanation["amount"]
                    .as_str()
                    .unwrap()
                    .parse::<rust_decimal::Decimal>()
                    .unwrap();
            }
        }
    }
    assert_eq!(
        rule_change,
        [
            ("4200".to_string(), "40233.91".parse().unwrap()),
            ("4210".to_string(), "-40233.91".parse().unwrap())
        ]
        .into_iter()
        .collect()
    );
    let output = stockpost(&["verify", "--company", text(&company)]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));

    // Adopting the same rules again with --reclassify moves what was left behind.
    let output = rules_adopt(
        &candidate,
        &company,
        &[
            "--reclassify",
            "--document-no",
            "RC-LATE",
            "--posting-date",
            "2026-10-31",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("4210         40233.91"));
    let output = stockpost(&["reconcile", "--company", text(&company)]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let output = stockpost(&["verify", "--company", text(&company)]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(gl_on(&company, "4200").1, 0);
}

#[test]
fn a_candidate_that_does_not_compile_is_refused_and_nothing_changes() {
    let root = tempfile::tempdir().unwrap();
    let company = example_company(root.path());
    let candidate = cogs_candidate(root.path(), &company, "broken");
    std::fs::write(
        candidate.join("rules/general.rhai"),
        "fn general_accounts(key) {\n    let x = ;\n}\n",
    )
    .unwrap();
    let files_before = files(&company);
    for args in [
        vec!["rules", "diff", "--candidate", text(&candidate)],
        vec!["rules", "adopt", text(&candidate), "--reclassify"],
    ] {
        let mut args = args;
        args.extend(["--company", text(&company)]);
        let output = stockpost(&args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        let message = stderr(&output);
        let location = format!("{}:2:13", candidate.join("rules/general.rhai").display());
        assert!(message.contains(&location), "{args:?}: {message}");
        assert!(stdout(&output).is_empty());
        assert_eq!(
            files(&company),
            files_before,
            "{args:?} changed the company"
        );
    }
}

#[test]
fn a_failed_adopt_leaves_files_and_store_as_they_were() {
    let root = tempfile::tempdir().unwrap();
    let company = example_company(root.path());
    let candidate = cogs_candidate(root.path(), &company, "candidate");
    let files_before = files(&company.join("rules"));
    let config_before = files(&company.join("config"));
    // Another process holds the write lock for the whole run: the commit fails.
    let blocker = database(&company);
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_stockpost"))
        .args([
            "rules",
            "adopt",
            text(&candidate),
            "--company",
            text(&company),
            "--reclassify",
        ])
        .env("STOCKPOST_BUSY_TIMEOUT_MS", "200")
        .output()
        .unwrap();
    blocker.execute_batch("ROLLBACK").unwrap();
    drop(blocker);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    assert!(stderr(&output).contains("locked"), "{}", stderr(&output));
    assert_eq!(files(&company.join("rules")), files_before);
    assert_eq!(files(&company.join("config")), config_before);
    assert!(!company.join(".rules.previous").exists());
    assert!(!company.join(".rules.adopting").exists());
    assert_eq!(batch_count(&company), 9);
    let output = stockpost(&["verify", "--company", text(&company)]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn a_candidate_that_changes_the_sub_ledger_is_reported_without_a_journal() {
    let root = tempfile::tempdir().unwrap();
    let company = example_company(root.path());
    let candidate = cogs_candidate(root.path(), &company, "candidate");
    // Cost adjustment after every journal instead of never: other value entries.
    let setup = candidate.join("config/company.toml");
    let text_before = std::fs::read_to_string(&setup).unwrap();
    assert!(text_before.contains("automatic_cost_adjustment = \"never\""));
    std::fs::write(
        &setup,
        text_before.replace(
            "automatic_cost_adjustment = \"never\"",
            "automatic_cost_adjustment = \"always\"",
        ),
    )
    .unwrap();
    let output = rules_diff(&candidate, &company, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let diff = json(&output);
    assert_eq!(diff["replay"]["mode"], "full");
    assert!(diff["replay"]["why"]
        .as_str()
        .unwrap()
        .contains("in more than the chart of accounts"));
    assert!(diff["value_entries"]["differing"].as_u64().unwrap() > 0);
    assert_eq!(diff["gl_lines"]["moved"], 0);
    assert_eq!(diff["reclassification"], Value::Null);
    assert!(diff["notes"][0]
        .as_str()
        .unwrap()
        .contains("value entries differ under the candidate"));

    // A candidate whose trigger rule differs is replayed in full, and here (automatic cost
    // adjustment "never") gives the stored value entries.
    let trigger = root.path().join("trigger");
    let candidate = cogs_candidate(root.path(), &company, "trigger");
    let adjustment = candidate.join("rules/adjustment.rhai");
    let rule = std::fs::read_to_string(&adjustment).unwrap();
    std::fs::write(&adjustment, format!("{rule}\n// reviewed\n")).unwrap();
    let output = rules_diff(&trigger, &company, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let diff = json(&output);
    assert_eq!(diff["replay"]["mode"], "full");
    assert!(diff["replay"]["why"]
        .as_str()
        .unwrap()
        .contains("cost_adjustment_trigger"));
    assert_eq!(diff["value_entries"]["differing"], 0);
    assert_eq!(diff["gl_lines"]["moved"], 223);
    assert_eq!(
        diff["reclassification"]["lines"][1],
        serde_json::json!({"account_no": "4210", "amount": "40233.91"})
    );
}
