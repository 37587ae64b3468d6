//! The reconciliation report: sub-ledger, G/L and difference per cell, each difference broken
//! down by cause.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::causes;
use super::period::Period;
use super::state::{ReconciliationState, Sums};
use super::trial_balance::TrialBalance;
use crate::books::Books;
use crate::chart::ChartOfAccounts;
use crate::glpost::AccountResolver;
use crate::ledger::Code;
use crate::rules::AccountRole;

/// One cell of the reconciliation: an account role, a G/L account mapped to it, a location and
/// an inventory posting group. `account_no` is `None` where the resolver has no account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CellKey {
    pub role: AccountRole,
    pub account_no: Option<Code>,
    pub location: Code,
    pub inventory_posting_group: Code,
}

/// Why the G/L and the sub-ledger differ.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Cause {
    /// Value entries waiting in the Post Value Entry to G/L queue.
    NotYetPosted,
    /// Queued value entries that "post inventory cost to G/L" skips, with the reason.
    Skipped { reason: String },
    /// Expected cost that never reaches the G/L because expected cost posting is off.
    ExpectedCostPostingOff,
    /// The G/L account is also mapped to another role: its entries posted as that role count
    /// here too (spec §8.1: an account shared by two roles appears under both).
    SharedAccount { posted_as: AccountRole },
    /// G/L entries on an account the current rules no longer give for their value entry: the
    /// balance left on the old account (+) and missing on the new one (−).
    RuleChange,
    /// The outside trial balance differs from stockpost's G/L: direct postings or manual
    /// journals made outside stockpost.
    DirectPosting,
    /// Adjustment entries dated after the period of the entry they adjust (moved to an allowed
    /// date). They do not make a difference (both sides go by posting date) but the period's
    /// value will change by `note_amount` after it.
    PostingDateMoved,
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cause::NotYetPosted => f.write_str("not yet posted to the G/L"),
            Cause::Skipped { reason } => write!(f, "skipped by post inventory cost: {reason}"),
            Cause::ExpectedCostPostingOff => f.write_str("expected cost posting is off"),
            Cause::SharedAccount { posted_as } => {
                write!(f, "account shared with role {posted_as}")
            }
            Cause::RuleChange => f.write_str("rule change (account no longer mapped)"),
            Cause::DirectPosting => f.write_str("direct posting outside stockpost"),
            Cause::PostingDateMoved => f.write_str("adjustment dated after the period"),
        }
    }
}

/// An entry behind an explanation or a figure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryRef {
    ValueEntry(u64),
    GlEntry(u64),
    /// A line of the outside trial balance file.
    TrialBalanceLine(u64),
}

/// The part of a difference one cause explains.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub cause: Cause,
    /// The amount of the difference (G/L − sub-ledger) this cause explains.
    pub amount: Decimal,
    /// For causes that explain no difference (posting date moved): the amount involved.
    pub note_amount: Decimal,
    pub entries: Vec<EntryRef>,
}

/// One row of the reconciliation.
#[derive(Debug, Clone, PartialEq)]
pub struct ReconciliationCell {
    pub key: CellKey,
    /// The sub-ledger projected onto the role (posted or not).
    pub sub_ledger: Decimal,
    /// The G/L balance of the account (every entry on it, whatever role it was posted as).
    pub general_ledger: Decimal,
    /// G/L − sub-ledger.
    pub difference: Decimal,
    pub explanations: Vec<Explanation>,
    /// What no cause explains: a defect to find.
    pub unexplained: Decimal,
    /// Drill-down: the value entries behind `sub_ledger` and G/L entries behind `general_ledger`.
    pub value_entries: Vec<u64>,
    pub gl_entries: Vec<u64>,
}

/// The totals of one role over every cell shown.
#[derive(Debug, Clone, PartialEq)]
pub struct RoleTotal {
    pub role: AccountRole,
    pub sub_ledger: Decimal,
    pub general_ledger: Decimal,
    pub difference: Decimal,
    pub unexplained: Decimal,
}

/// A G/L account mapped to more than one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedAccount {
    pub account_no: Code,
    pub roles: Vec<AccountRole>,
}

/// An item whose cost adjustment has not run for some entries: the figures will still change,
/// by an amount not known until it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingForAdjustment {
    pub item_no: String,
    /// Item ledger entries flagged "applied entry to adjust".
    pub item_ledger_entries: Vec<u64>,
}

/// What a report covers.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    pub period: Period,
    /// Only cells of this location code ("" is the blank location).
    pub location: Option<String>,
    /// Only cells of this G/L account.
    pub account_no: Option<String>,
    /// The real G/L's balances, compared with stockpost's G/L (direct postings).
    pub trial_balance: Option<TrialBalance>,
    /// The chart of accounts: mapped accounts that allow direct posting are warned about
    /// (manual journals can reach them without the sub-ledger, spec §8.4).
    pub chart: Option<ChartOfAccounts>,
}

impl ReportFilter {
    pub(crate) fn shows(&self, key: &CellKey) -> bool {
        let location_ok = self
            .location
            .as_deref()
            .is_none_or(|location| &*key.location == location);
        let account_ok = self
            .account_no
            .as_deref()
            .is_none_or(|account| key.account_no.as_deref() == Some(account));
        location_ok && account_ok
    }
}

/// The reconciliation for one filter.
#[derive(Debug, Clone, PartialEq)]
pub struct ReconciliationReport {
    pub period: String,
    pub cells: Vec<ReconciliationCell>,
    pub roles: Vec<RoleTotal>,
    pub shared_accounts: Vec<SharedAccount>,
    pub waiting_for_adjustment: Vec<WaitingForAdjustment>,
    pub warnings: Vec<String>,
}

impl ReconciliationCell {
    /// The difference without the G/L entries that were posted to this cell's account as
    /// another role mapped to the same account ([`Cause::SharedAccount`]): what is left is a real
    /// difference between the G/L and the sub-ledger of this role.
    pub fn difference_beyond_shared_account(&self) -> Decimal {
        let shared: Decimal = self
            .explanations
            .iter()
            .filter(|explanation| matches!(explanation.cause, Cause::SharedAccount { .. }))
            .map(|explanation| explanation.amount)
            .sum();
        self.difference - shared
    }
}

impl ReconciliationReport {
    /// The G/L agrees with the sub-ledger: every cell's difference is zero once the entries
    /// posted to a shared account as another role are taken out. An account that several roles
    /// share (national charts put stock and expected cost on one stock account, and COGS, direct
    /// cost applied and adjustments on one change-in-stock account) appears under each role with
    /// the other roles' part explained as "shared account"; that part is no difference.
    pub fn is_reconciled(&self) -> bool {
        self.cells
            .iter()
            .all(|cell| cell.difference_beyond_shared_account().is_zero())
    }

    /// Every cell's difference is zero: what spec §8.3 expects with dedicated accounts (one role
    /// per account). With shared accounts this is false even when [`Self::is_reconciled`].
    pub fn every_difference_is_zero(&self) -> bool {
        self.cells.iter().all(|cell| cell.difference.is_zero())
    }

    /// Every difference is explained by some cause.
    pub fn is_explained(&self) -> bool {
        self.cells.iter().all(|cell| cell.unexplained.is_zero())
    }

    pub fn cell(&self, key: &CellKey) -> Option<&ReconciliationCell> {
        self.cells.iter().find(|cell| &cell.key == key)
    }

    pub fn role(&self, role: AccountRole) -> Option<&RoleTotal> {
        self.roles.iter().find(|total| total.role == role)
    }
}

/// A cell being built.
#[derive(Debug, Default)]
pub(crate) struct CellBuilder {
    sub_ledger: Decimal,
    general_ledger: Decimal,
    value_entries: BTreeSet<u64>,
    gl_entries: BTreeSet<u64>,
    explanations: BTreeMap<Cause, (Decimal, Decimal, BTreeSet<EntryRef>)>,
}

impl CellBuilder {
    pub(crate) fn explain(
        &mut self,
        cause: Cause,
        amount: Decimal,
        entries: impl IntoIterator<Item = EntryRef>,
    ) {
        let explanation = self.explanations.entry(cause).or_default();
        explanation.0 += amount;
        explanation.2.extend(entries);
    }

    pub(crate) fn note(
        &mut self,
        cause: Cause,
        note_amount: Decimal,
        entries: impl IntoIterator<Item = EntryRef>,
    ) {
        let explanation = self.explanations.entry(cause).or_default();
        explanation.1 += note_amount;
        explanation.2.extend(entries);
    }

    pub(crate) fn add_general_ledger(&mut self, amount: Decimal, entries: &[u64]) {
        self.general_ledger += amount;
        self.gl_entries.extend(entries);
    }

    fn finish(self, key: CellKey) -> ReconciliationCell {
        let difference = self.general_ledger - self.sub_ledger;
        // A cause whose amounts cancel (a rule change undone by a reclassification) explains
        // nothing and is left out.
        let explanations: Vec<Explanation> = self
            .explanations
            .into_iter()
            .filter(|(_, (amount, note_amount, _))| !(amount.is_zero() && note_amount.is_zero()))
            .map(|(cause, (amount, note_amount, entries))| Explanation {
                cause,
                amount,
                note_amount,
                entries: entries.into_iter().collect(),
            })
            .collect();
        let explained: Decimal = explanations.iter().map(|e| e.amount).sum();
        ReconciliationCell {
            key,
            sub_ledger: self.sub_ledger,
            general_ledger: self.general_ledger,
            difference,
            unexplained: difference - explained,
            explanations,
            value_entries: self.value_entries.into_iter().collect(),
            gl_entries: self.gl_entries.into_iter().collect(),
        }
    }
}

/// The cells being built, by key.
pub(crate) type Cells = BTreeMap<CellKey, CellBuilder>;

impl ReconciliationState {
    /// The reconciliation of the books for `filter`. `accounts` must be the resolver the state
    /// was built with; the queue and the cost adjustment flags are read from `books` (their size
    /// is the work pending, not the history).
    pub fn report(
        &self,
        books: &Books,
        accounts: &dyn AccountResolver,
        filter: &ReportFilter,
    ) -> ReconciliationReport {
        let mut cells = Cells::new();
        let mut warnings = Vec::new();
        self.add_sub_ledger(&mut cells, filter);
        self.add_general_ledger(&mut cells, filter);
        explain_sums(&mut cells, &self.expected_cost_off, filter, || {
            Cause::ExpectedCostPostingOff
        });
        explain_sums(&mut cells, &self.rule_change, filter, || Cause::RuleChange);
        causes::explain_queue(&mut cells, books, accounts, filter);
        causes::note_moved_adjustments(&mut cells, self, books, accounts, filter);
        if let Some(trial_balance) = &filter.trial_balance {
            causes::explain_trial_balance(&mut cells, self, trial_balance, filter, &mut warnings);
        }
        if self
            .expected_cost_off
            .values()
            .any(|sum| !sum.amount.is_zero())
        {
            warnings.push(
                "expected cost posting to G/L is off: interim accounts stay empty while the \
                 sub-ledger has expected cost"
                    .to_string(),
            );
        }
        if let Some(chart) = &filter.chart {
            warnings.extend(self.direct_posting_warnings(chart));
        }
        let cells: Vec<ReconciliationCell> = cells
            .into_iter()
            .map(|(key, cell)| cell.finish(key))
            .collect();
        ReconciliationReport {
            period: filter.period.to_string(),
            roles: role_totals(&cells),
            cells,
            shared_accounts: self.shared_accounts(),
            waiting_for_adjustment: causes::waiting_for_adjustment(books),
            warnings,
        }
    }

    fn add_sub_ledger(&self, cells: &mut Cells, filter: &ReportFilter) {
        for ((key, date), sum) in &self.sub_ledger {
            if filter.period.contains(*date) && filter.shows(key) {
                let cell = cells.entry(key.clone()).or_default();
                cell.sub_ledger += sum.amount;
                cell.value_entries.extend(&sum.entries);
            }
        }
    }

    /// Each G/L sum counts in the cell of every role its account is mapped to; under a role other
    /// than the one it was posted as, it is explained as a shared account.
    fn add_general_ledger(&self, cells: &mut Cells, filter: &ReportFilter) {
        for ((key, date), sum) in &self.general_ledger {
            if !filter.period.contains(*date) {
                continue;
            }
            for role in self.roles_of(key.account_no.as_ref()) {
                let shown = CellKey {
                    role,
                    ..key.clone()
                };
                if !filter.shows(&shown) {
                    continue;
                }
                let cell = cells.entry(shown).or_default();
                cell.add_general_ledger(sum.amount, &sum.entries);
                if role != key.role {
                    let entries = sum.entries.iter().map(|&no| EntryRef::GlEntry(no));
                    let cause = Cause::SharedAccount {
                        posted_as: key.role,
                    };
                    cell.explain(cause, sum.amount, entries);
                }
            }
        }
    }

    pub(crate) fn roles_of(&self, account_no: Option<&Code>) -> Vec<AccountRole> {
        account_no
            .and_then(|account_no| self.mapped_roles.get(account_no))
            .map(|roles| roles.iter().copied().collect())
            .unwrap_or_default()
    }

    fn direct_posting_warnings(&self, chart: &ChartOfAccounts) -> Vec<String> {
        self.mapped_roles
            .iter()
            .filter(|(account_no, _)| {
                chart
                    .account(account_no)
                    .is_some_and(|account| account.direct_posting_allowed)
            })
            .map(|(account_no, roles)| {
                let roles: Vec<&str> = roles.iter().map(|role| role.name()).collect();
                format!(
                    "account {account_no} ({}) allows direct posting: manual journals can reach \
                     it without the sub-ledger; pass the real G/L's trial balance to find them",
                    roles.join(", ")
                )
            })
            .collect()
    }

    fn shared_accounts(&self) -> Vec<SharedAccount> {
        self.mapped_roles
            .iter()
            .filter(|(_, roles)| roles.len() > 1)
            .map(|(account_no, roles)| SharedAccount {
                account_no: account_no.clone(),
                roles: roles.iter().copied().collect(),
            })
            .collect()
    }
}

/// Explains each cell by the sums of one cause; the sums' entries are value entries for
/// expected cost and G/L entries for rule changes.
fn explain_sums(cells: &mut Cells, sums: &Sums, filter: &ReportFilter, cause: impl Fn() -> Cause) {
    for ((key, date), sum) in sums {
        if !filter.period.contains(*date) || !filter.shows(key) {
            continue;
        }
        let entries = sum.entries.iter().map(|&no| match cause() {
            Cause::RuleChange => EntryRef::GlEntry(no),
            _ => EntryRef::ValueEntry(no),
        });
        cells
            .entry(key.clone())
            .or_default()
            .explain(cause(), sum.amount, entries);
    }
}

fn role_totals(cells: &[ReconciliationCell]) -> Vec<RoleTotal> {
    AccountRole::ALL
        .into_iter()
        .filter_map(|role| {
            let of_role: Vec<&ReconciliationCell> =
                cells.iter().filter(|cell| cell.key.role == role).collect();
            if of_role.is_empty() {
                return None;
            }
            let sum = |field: fn(&ReconciliationCell) -> Decimal| {
                of_role.iter().map(|cell| field(cell)).sum::<Decimal>()
            };
            Some(RoleTotal {
                role,
                sub_ledger: sum(|cell| cell.sub_ledger),
                general_ledger: sum(|cell| cell.general_ledger),
                difference: sum(|cell| cell.difference),
                unexplained: sum(|cell| cell.unexplained),
            })
        })
        .collect()
}

impl ReconciliationState {
    /// The cells whose two sides differ, with the difference (G/L minus sub-ledger), over all
    /// dates, without the causes or the entries behind them: what a report's cells'
    /// [`ReconciliationCell::difference_beyond_shared_account`] are, at the cost of the number
    /// of running sums instead of the number of entries.
    pub fn differences(&self) -> Vec<(CellKey, Decimal)> {
        let mut cells: BTreeMap<CellKey, Decimal> = BTreeMap::new();
        for ((key, _), sum) in &self.sub_ledger {
            *cells.entry(key.clone()).or_default() -= sum.amount;
        }
        // Each G/L sum counts under the role it was posted as only: under the other roles of a
        // shared account it is explained as "shared account" and is no difference
        // (`ReconciliationReport::is_reconciled`).
        for ((key, _), sum) in &self.general_ledger {
            *cells.entry(key.clone()).or_default() += sum.amount;
        }
        cells
            .into_iter()
            .filter(|(_, difference)| !difference.is_zero())
            .collect()
    }
}
