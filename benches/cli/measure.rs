//! One step of the benchmark: the `stockpost` binary (or a peer) run as a user runs it, in its own
//! process, measured by the kernel: wall time, user + system CPU and peak resident memory
//! (`wait4`'s `rusage` of that child alone), with a time limit after which it is killed.
//!
//! The kernel's peak for a child starts from its parent's peak (the memory the child shares
//! until `exec`), so the parent must stay small: `history::prepare` does the heavy work in a
//! child of its own.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one process cost.
#[derive(Debug, Clone)]
pub struct Measured {
    pub wall: f64,
    pub cpu: f64,
    pub peak_mib: f64,
    /// The exit code; `None` when killed (by the time limit or a signal).
    pub exit: Option<i32>,
    pub timed_out: bool,
}

impl Measured {
    pub fn describe_exit(&self) -> String {
        match (self.timed_out, self.exit) {
            (true, _) => "killed at the time limit".to_string(),
            (false, Some(code)) => format!("exit {code}"),
            (false, None) => "killed by a signal".to_string(),
        }
    }
}

/// Runs `command` with its standard output written to `stdout_file` (standard error to the same
/// path with `.err` appended) and measures it; killed after `limit`.
pub fn run(mut command: Command, stdout_file: &Path, limit: Duration) -> Result<Measured, String> {
    let stdout = File::create(stdout_file)
        .map_err(|e| format!("cannot create {}: {e}", stdout_file.display()))?;
    let stderr_path = stdout_file.with_extension("err");
    let stderr = File::create(&stderr_path)
        .map_err(|e| format!("cannot create {}: {e}", stderr_path.display()))?;
    command.stdin(Stdio::null()).stdout(stdout).stderr(stderr);
    let started = Instant::now();
    let child = command
        .spawn()
        .map_err(|e| format!("cannot start {:?}: {e}", command.get_program()))?;
    let pid = child.id() as libc::pid_t;
    let mut timed_out = false;
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: `rusage` is plain data the kernel fills; `status` likewise.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            let wall = started.elapsed().as_secs_f64();
            let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
            let exit = if libc::WIFEXITED(status) {
                Some(libc::WEXITSTATUS(status))
            } else {
                None
            };
            return Ok(Measured {
                wall,
                cpu: seconds(usage.ru_utime) + seconds(usage.ru_stime),
                // Linux reports ru_maxrss in KiB.
                peak_mib: usage.ru_maxrss as f64 / 1024.0,
                exit,
                timed_out,
            });
        }
        if reaped < 0 {
            return Err(format!(
                "waiting for the child failed: {}",
                std::io::Error::last_os_error()
            ));
        }
        if !timed_out && started.elapsed() > limit {
            // SAFETY: `pid` is our own child, not yet reaped.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            timed_out = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
