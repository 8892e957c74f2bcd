//! Simulated time at the nexosim edge: seconds since midnight (`f64`) inside the domain,
//! [`MonotonicTime`] for the engine. Time 0 is [`MonotonicTime::EPOCH`].

use nexosim::time::MonotonicTime;
use std::time::Duration;

/// The engine time of `t_s` seconds after midnight (rounded to the nanosecond).
pub fn at(t_s: f64) -> MonotonicTime {
    MonotonicTime::EPOCH + Duration::from_secs_f64(t_s.max(0.0))
}

/// Seconds since midnight of an engine time.
pub fn seconds(t: MonotonicTime) -> f64 {
    let since = t.duration_since(MonotonicTime::EPOCH);
    since.as_secs_f64()
}

/// A delay in engine units, or `None` when it is too short to schedule (the engine only
/// schedules strictly in the future): the caller then acts at once.
pub fn delay(delay_s: f64) -> Option<Duration> {
    let d = Duration::from_secs_f64(delay_s.max(0.0));
    (!d.is_zero()).then_some(d)
}
