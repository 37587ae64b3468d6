//! Spec §9 invariant 22: after every acceptance scenario, settled (all steps run, queue posted),
//! the reconciliation is clean: every difference zero, nothing unexplained.

use std::path::PathBuf;

use rust_decimal::Decimal;
use stockpost::glpost::CostPostingMode;
use stockpost::recon::{ReconciliationState, ReportFilter};
use stockpost::rules::AccountRole;
use stockpost::scenario::{load_scenarios, run_scenario, scenario_accounts, EngineCapabilities};

#[test]
fn every_scenario_reconciles_after_settle() {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let scenarios = load_scenarios(&[folder]).expect("scenario files are valid");
    let accounts = scenario_accounts();
    let mut inventory_turnover = Decimal::ZERO;
    for scenario in &scenarios {
        let mut books = run_scenario(scenario, EngineCapabilities::CURRENT).books;
        let posted = books.post_inventory_cost_to_gl(CostPostingMode::PerEntry, &accounts);
        assert_eq!(posted.skipped, [], "{}", scenario.id());
        let state = ReconciliationState::from_books(&books, &accounts);
        let report = state.report(&books, &accounts, &ReportFilter::default());
        for cell in &report.cells {
            assert!(
                cell.difference.is_zero() && cell.unexplained.is_zero(),
                "{}: {cell:#?}",
                scenario.id()
            );
        }
        assert!(report.is_reconciled() && report.is_explained());
        assert_eq!(report.shared_accounts, [], "{}", scenario.id());
        inventory_turnover += report
            .cells
            .iter()
            .filter(|cell| cell.key.role == AccountRole::Inventory)
            .map(|cell| cell.sub_ledger.abs())
            .sum::<Decimal>();
    }
    // The check above compares real figures, not empty reports.
    assert_eq!(scenarios.len(), 26);
    assert!(inventory_turnover > Decimal::ZERO);
}
