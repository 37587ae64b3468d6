//! Progress of long work (replaying batches, posting a large journal), reported to whoever
//! watches: the CLI draws a bar on a terminal and stays quiet when piped.

/// Receives progress; every method has a quiet default.
pub trait Progress {
    /// Work named `what` starts, with `total` steps.
    fn begin(&self, what: &str, total: u64) {
        let _ = (what, total);
    }
    /// `done` of the steps are done.
    fn advance(&self, done: u64) {
        let _ = done;
    }
    /// The work is finished.
    fn end(&self) {}
}

/// Reports nothing.
pub struct Quiet;

impl Progress for Quiet {}
