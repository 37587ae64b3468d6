//! Containing a panic of the costing core as a typed error.
//!
//! The core is written so that accepted input cannot make it panic: journals are range-checked
//! at the door (`journal::limits`), and every stored value fits its column. Where an overflow is
//! still conceivable over a long enough history (an average drawn from a pool of charges on
//! tiny quantities, say), `rust_decimal` panics rather than returning an error. [`contain`] turns
//! such a panic into an `Err` naming where it happened, so the batch is refused with nothing
//! posted, and keeps the default panic message off the terminal. The books the panicking call
//! worked on must be discarded by the caller (see `company::command`).

use std::cell::Cell;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many [`contain`] calls are running on this thread.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// What the last contained panic said, and where.
    static LAST: Cell<Option<String>> = const { Cell::new(None) };
}

static HOOK: Once = Once::new();

/// A panic inside [`contain`]: the panic's message and source location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainedPanic {
    pub message: String,
}

impl std::fmt::Display for ContainedPanic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Runs `work`; a panic inside it is returned as [`ContainedPanic`] instead of unwinding further.
pub fn contain<T>(work: impl FnOnce() -> T) -> Result<T, ContainedPanic> {
    install_hook();
    DEPTH.with(|depth| depth.set(depth.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    DEPTH.with(|depth| depth.set(depth.get() - 1));
    result.map_err(|payload| {
        let recorded = LAST.with(Cell::take);
        let message = recorded.unwrap_or_else(|| payload_text(payload.as_ref()));
        ContainedPanic { message }
    })
}

/// Whether the message of a contained panic is an arithmetic overflow (as opposed to a bug).
pub fn is_overflow(panic: &ContainedPanic) -> bool {
    let message = panic.message.to_ascii_lowercase();
    [
        "overflow",
        "divide by zero",
        "division by zero",
        "out of range",
    ]
    .iter()
    .any(|word| message.contains(word))
}

fn install_hook() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if DEPTH.with(Cell::get) == 0 {
                previous(info);
                return;
            }
            let text = payload_text(info.payload());
            let message = match info.location() {
                Some(location) => format!("{text} (at {}:{})", location.file(), location.line()),
                None => text,
            };
            LAST.with(|last| last.set(Some(message)));
        }));
    });
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panic".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn an_overflow_is_returned_not_raised() {
        let huge = Decimal::MAX;
        let result = contain(|| huge * Decimal::TWO);
        let panic = result.expect_err("MAX * 2 overflows");
        assert!(is_overflow(&panic), "{panic}");
        assert!(panic.message.contains(".rs:"), "{panic}");
        assert_eq!(contain(|| Decimal::ONE + Decimal::ONE), Ok(Decimal::TWO));
    }
}
