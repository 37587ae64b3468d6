//! The report of a posting run (`stockpost example`, `stockpost post`): what each step created,
//! the inventory valuation, the G/L trial balance, their reconciliation and the cost adjustment.

use serde::Serialize;

use super::render::{render_csv, render_table};
use super::steps::{steps_footer, AdjustmentSummary, StepRow};
use super::trial_balance::{reconcile, ReconciliationRow, TrialBalance};
use super::valuation::InventoryValuation;
use crate::books::Books;
use crate::chart::ChartOfAccounts;

/// Everything a posting run prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    pub company: String,
    pub currency: String,
    pub steps: Vec<StepRow>,
    pub valuation: InventoryValuation,
    pub trial_balance: TrialBalance,
    pub reconciliation: Vec<ReconciliationRow>,
    /// The final cost adjustment run, when there was one.
    pub adjustment: Option<AdjustmentSummary>,
    /// Value entries still waiting for G/L posting at the end.
    pub gl_queue: usize,
}

impl RunReport {
    pub fn new(
        books: &Books,
        chart: &ChartOfAccounts,
        steps: Vec<StepRow>,
        adjustment: Option<AdjustmentSummary>,
    ) -> RunReport {
        let config = books.ledger.config();
        let valuation = InventoryValuation::of(&books.ledger);
        let reconciliation = reconcile(
            &books.general_ledger,
            &valuation,
            config.inventory_setup.expected_cost_posting_to_gl,
        );
        RunReport {
            company: config.name.clone(),
            currency: config.currency.clone(),
            steps,
            trial_balance: TrialBalance::of(&books.general_ledger, chart),
            valuation,
            reconciliation,
            adjustment,
            gl_queue: books.general_ledger.queue().len(),
        }
    }

    /// Reconciliation rows that do not balance. Only meaningful when nothing waits in the G/L
    /// queue: queued cost has not reached the G/L by design.
    pub fn unreconciled(&self) -> Vec<&ReconciliationRow> {
        if self.gl_queue > 0 {
            return Vec::new();
        }
        self.reconciliation
            .iter()
            .filter(|row| !row.difference.is_zero())
            .collect()
    }

    /// The report as titled text tables.
    pub fn render_text(&self) -> String {
        let mut out = format!("{} (amounts in {})\n", self.company, self.currency);
        let mut section = |title: &str, table: String| {
            out.push('\n');
            out.push_str(title);
            out.push('\n');
            out.push_str(&table);
        };
        section(
            "Posted",
            render_table(&self.steps, Some(steps_footer(&self.steps))),
        );
        section(
            "Inventory valuation",
            render_table(&self.valuation.rows, Some(self.valuation.footer())),
        );
        section(
            "G/L trial balance (inventory posting)",
            render_table(&self.trial_balance.rows, Some(self.trial_balance.footer())),
        );
        section("Reconciliation", render_table(&self.reconciliation, None));
        if let Some(adjustment) = &self.adjustment {
            section(
                "Cost adjustment",
                render_table(&adjustment.items, Some(adjustment.footer())),
            );
        }
        if self.gl_queue > 0 {
            out.push_str(&format!(
                "\n{} value entries wait for G/L posting (use --post-cost to post them)\n",
                self.gl_queue
            ));
        }
        out
    }

    /// The report as CSV tables separated by an empty line, in the order: steps, valuation,
    /// trial balance, reconciliation, and the cost adjustment per item when there was one.
    pub fn render_csv(&self) -> String {
        let mut tables = vec![
            render_csv(&self.steps),
            render_csv(&self.valuation.rows),
            render_csv(&self.trial_balance.rows),
            render_csv(&self.reconciliation),
        ];
        if let Some(adjustment) = &self.adjustment {
            tables.push(render_csv(&adjustment.items));
        }
        tables.join("\n")
    }
}
