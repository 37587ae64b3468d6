//! Bad input never panics: the example month's journals with random bytes changed are either
//! rejected with an error or posted, and cost adjustment runs on whatever was posted. Seeded, so
//! the same inputs every run.

use stockpost::books::Books;
use stockpost::example::{example_chart, example_config, example_rule_sources, EXAMPLE_JOURNALS};
use stockpost::journal::parse_journal;
use stockpost::posting::PostingContext;
use stockpost::rules::{RuleSet, RuleSetAccounts};

/// xorshift64: small, deterministic, good enough to pick bytes.
fn next(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// The text with up to three bytes replaced by characters that matter to the formats.
fn mutate(text: &str, seed: &mut u64) -> Option<String> {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..=(next(seed) % 3) {
        let index = (next(seed) as usize) % bytes.len();
        let pool = b"0123456789-.,;:x\n \"{}";
        bytes[index] = pool[(next(seed) as usize) % pool.len()];
    }
    String::from_utf8(bytes).ok()
}

#[test]
fn mutated_journals_are_rejected_or_posted_never_a_panic() {
    let config = example_config();
    let rules = RuleSet::from_sources(&example_rule_sources(), &config, &example_chart()).unwrap();
    let accounts = RuleSetAccounts::new(&rules);
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let (mut posted, mut rejected) = (0, 0);
    for _ in 0..60 {
        let mut books = Books::new(config.clone());
        for (name, text) in EXAMPLE_JOURNALS {
            // One file in four is damaged; the others post unless they name entries it lost.
            let damaged = if next(&mut seed).is_multiple_of(4) {
                mutate(text, &mut seed)
            } else {
                Some(text.to_string())
            };
            let Some(text) = damaged else { continue };
            let Ok(lines) = parse_journal(name, &text) else {
                rejected += 1;
                continue;
            };
            let Some(work_date) = lines.iter().map(|line| line.posting_date).max() else {
                continue;
            };
            match books.post_journal(&lines, &PostingContext { work_date }, &accounts) {
                Ok(_) => posted += 1,
                Err(_) => rejected += 1,
            }
        }
        let adjustment = books.adjust_cost(&Default::default(), true, &accounts);
        assert!(adjustment.adjustment.limit_hits.is_empty());
    }
    // Both outcomes occur, so the loop exercised the error paths and the posting paths.
    assert!(
        posted > 50 && rejected > 20,
        "posted {posted}, rejected {rejected}"
    );
}
