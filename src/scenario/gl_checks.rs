//! Evaluating the G/L expectations of a scenario (oracle README §2.5) against the G/L entries the
//! run posted with [`scenario_accounts`](super::run::scenario_accounts).
//!
//! - `gl`: net balance (debit positive) of one account type over all dates: the sum of the G/L
//!   entries posted with that account role.
//! - `gl_location`: the Inventory balance of one location: the account `inventory@LOC`
//!   (`inventory@` for the blank location), as the scenario resolver names it.
//! - `gl_as_of`: like `gl`, counting only entries dated on or before the date.
//! - `gl_by_date`: the net amount of one account type with that posting date.
//!
//! The README says the listed `gl_by_date` dates "are complete for the case". We read that per
//! account type: for every account type a point lists, its listed dates are all the dates on
//! which it has a non-zero net amount. So each listed account type gets one more check,
//! `gl_by_date ACCOUNT other dates`, which fails naming every other date with a net amount. Account
//! types the point does not list by date are not constrained by date (their totals are what `gl`
//! is for); reading the sentence as "no posting on any unlisted date for any account" would assert
//! more than the cases state.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::glpost::{GeneralLedger, GlEntry, RoleAccounts};
use crate::rules::AccountRole;

use super::check::{format_amount, Checker, Needs, Value, AMOUNT_TOLERANCE};
use super::model::{Expectations, GlAccountType, GlByDateExpectation};

/// The account role the oracle's account type names (README §4).
pub fn account_role(account: GlAccountType) -> AccountRole {
    match account {
        GlAccountType::Inventory => AccountRole::Inventory,
        GlAccountType::InventoryInterim => AccountRole::InventoryInterim,
        GlAccountType::InvtAccrualInterim => AccountRole::InvtAccrualInterim,
        GlAccountType::Cogs => AccountRole::Cogs,
        GlAccountType::CogsInterim => AccountRole::CogsInterim,
        GlAccountType::InventoryAdjmt => AccountRole::InventoryAdjmt,
        GlAccountType::DirectCostApplied => AccountRole::DirectCostApplied,
        GlAccountType::OverheadApplied => AccountRole::OverheadApplied,
        GlAccountType::PurchaseVariance => AccountRole::PurchaseVariance,
    }
}

/// Records every G/L check of `expect` in `checker`.
pub fn evaluate_gl(checker: &mut Checker, general_ledger: &GeneralLedger, expect: &Expectations) {
    let entries = general_ledger.entries();
    for (&account, amount) in expect.gl.iter().flatten() {
        let subject = format!("gl {}", account.name());
        checker.compare(Needs::GlPosting, subject, Value::Amount(amount.0), || {
            Value::Amount(net(entries, account, |_| true))
        });
    }
    for location in &expect.gl_location {
        let subject = format!("gl_location {} inventory", location.location);
        let account_no = RoleAccounts::account_no(AccountRole::Inventory, Some(&location.location));
        let expected = Value::Amount(location.inventory.0);
        checker.compare(Needs::GlPosting, subject, expected, || {
            let on_account = entries.iter().filter(|e| *e.account_no == *account_no);
            Value::Amount(on_account.map(|e| e.amount).sum())
        });
    }
    for as_of in &expect.gl_as_of {
        let date = as_of.date.0;
        for (&account, amount) in &as_of.balances {
            let subject = format!("gl_as_of {date} {}", account.name());
            checker.compare(Needs::GlPosting, subject, Value::Amount(amount.0), || {
                Value::Amount(net(entries, account, |e| e.posting_date <= date))
            });
        }
    }
    evaluate_gl_by_date(checker, entries, &expect.gl_by_date);
}

/// Net amount of one account type over the entries `dated` accepts.
fn net(entries: &[GlEntry], account: GlAccountType, dated: impl Fn(&GlEntry) -> bool) -> Decimal {
    let role = account_role(account);
    entries
        .iter()
        .filter(|e| e.account_role == role && dated(e))
        .map(|e| e.amount)
        .sum()
}

/// One check per listed (date, account), then one completeness check per listed account.
fn evaluate_gl_by_date(
    checker: &mut Checker,
    entries: &[GlEntry],
    by_date: &[GlByDateExpectation],
) {
    let mut listed: BTreeMap<GlAccountType, BTreeSet<NaiveDate>> = BTreeMap::new();
    for expectation in by_date {
        let (date, account) = (expectation.date.0, expectation.account);
        listed.entry(account).or_default().insert(date);
        let subject = format!("gl_by_date {date} {}", account.name());
        let expected = Value::Amount(expectation.amount.0);
        checker.compare(Needs::GlPosting, subject, expected, || {
            Value::Amount(net(entries, account, |e| e.posting_date == date))
        });
    }
    for (account, dates) in listed {
        let subject = format!("gl_by_date {} other dates", account.name());
        let shown: Vec<String> = dates.iter().map(ToString::to_string).collect();
        let expected = format!("no net amount on dates other than {}", shown.join(", "));
        checker.matches(Needs::GlPosting, subject, expected, || {
            let others = unlisted_amounts(entries, account, &dates);
            if others.is_empty() {
                return Ok(());
            }
            let shown: Vec<String> = others
                .iter()
                .map(|(date, amount)| format!("{date}: {}", format_amount(*amount)))
                .collect();
            Err(shown.join(", "))
        });
    }
}

/// Net amounts of one account type per posting date outside `listed`, where not zero (to the
/// half cent, like every amount comparison).
fn unlisted_amounts(
    entries: &[GlEntry],
    account: GlAccountType,
    listed: &BTreeSet<NaiveDate>,
) -> Vec<(NaiveDate, Decimal)> {
    let role = account_role(account);
    let mut per_date: BTreeMap<NaiveDate, Decimal> = BTreeMap::new();
    for entry in entries.iter().filter(|e| e.account_role == role) {
        if !listed.contains(&entry.posting_date) {
            *per_date.entry(entry.posting_date).or_default() += entry.amount;
        }
    }
    per_date
        .into_iter()
        .filter(|(_, amount)| amount.abs() >= AMOUNT_TOLERANCE)
        .collect()
}
