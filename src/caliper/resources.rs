//! The blackstart process's own resources while it simulates a round — CPU time, wall time,
//! peak memory — read from `getrusage`. They describe the simulator, not a chain node: the
//! node is simulated, and its costs are its modelled service times.

use serde::Serialize;
use std::time::Instant;

/// What the blackstart process used over a stretch of work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceUsage {
    /// What the stretch was (a round's label, or `all rounds`).
    pub label: String,
    /// CPU time, user and system, s.
    pub cpu_s: f64,
    /// Wall-clock time, s.
    pub wall_s: f64,
    /// CPU time over wall time, % of one core.
    pub cpu_percent: f64,
    /// The process's peak resident memory so far, MB.
    pub peak_memory_mb: f64,
}

/// A running measurement.
pub struct Measurement {
    started: Instant,
    cpu_at_start_s: f64,
}

impl Measurement {
    /// Starts measuring now.
    pub fn start() -> Self {
        Measurement {
            started: Instant::now(),
            cpu_at_start_s: usage().0,
        }
    }

    /// What was used since the start, labelled `label`.
    pub fn stop(&self, label: &str) -> ResourceUsage {
        let wall_s = self.started.elapsed().as_secs_f64();
        let (cpu_now_s, peak_memory_mb) = usage();
        let cpu_s = cpu_now_s - self.cpu_at_start_s;
        ResourceUsage {
            label: label.to_string(),
            cpu_s,
            wall_s,
            cpu_percent: if wall_s > 0.0 {
                100.0 * cpu_s / wall_s
            } else {
                0.0
            },
            peak_memory_mb,
        }
    }
}

/// The process's CPU time so far (s) and peak resident memory (MB).
fn usage() -> (f64, f64) {
    // SAFETY: getrusage only writes into the zeroed struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } == 0;
    if !ok {
        return (0.0, 0.0);
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    // Linux reports ru_maxrss in KiB.
    (
        seconds(u.ru_utime) + seconds(u.ru_stime),
        u.ru_maxrss as f64 / 1024.0,
    )
}
