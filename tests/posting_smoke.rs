mod common;
use common::*;

#[test]
fn smoke() {
    let mut ledger = ledger();
    post_ok(&mut ledger, purchase("2020-01-01", "FIFO", "10", "10"));
    post_ok(&mut ledger, sale("2020-01-02", "FIFO", "4"));
    assert_eq!(cost(&ledger, 1), (d("100"), d("0")));
    assert_eq!(cost(&ledger, 2), (d("-40"), d("0")));
    assert_invariants(&ledger);
}
