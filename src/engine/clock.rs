//! Simulated time at the nexosim edge: seconds since midnight (`f64`) inside the domain,
//! [`MonotonicTime`] for the engine. Time 0 is [`MonotonicTime::EPOCH`].

use nexosim::time::MonotonicTime;
use std::time::Duration;

/// Times and delays saturate here, s: far beyond the end of any run (validation bounds every
/// duration a scenario gives by `MAX_DURATION_S`, 1e9 s, and a run lasts a few of them), yet
/// well inside the engine's range (about 9.2e18 s) even added to any time of a run. A draw
/// beyond it (which a validated law makes with probability below 1e-12) is an event that falls
/// after the run's end, exactly as the draw itself would: no result changes.
pub const NEVER_S: f64 = 1e18;

/// Seconds as a duration: negative or NaN as 0, beyond [`NEVER_S`] as `NEVER_S`.
fn duration(t_s: f64) -> Duration {
    let t_s = if t_s.is_nan() { 0.0 } else { t_s };
    Duration::from_secs_f64(t_s.clamp(0.0, NEVER_S))
}

/// The engine time of `t_s` seconds after midnight (rounded to the nanosecond).
pub fn at(t_s: f64) -> MonotonicTime {
    MonotonicTime::EPOCH + duration(t_s)
}

/// Seconds since midnight of an engine time.
pub fn seconds(t: MonotonicTime) -> f64 {
    let since = t.duration_since(MonotonicTime::EPOCH);
    since.as_secs_f64()
}

/// A delay in engine units, or `None` when it is too short to schedule (the engine only
/// schedules strictly in the future): the caller then acts at once.
pub fn delay(delay_s: f64) -> Option<Duration> {
    let d = duration(delay_s);
    (!d.is_zero()).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_beyond_any_run_saturate_instead_of_panicking() {
        assert_eq!(seconds(at(12.5)), 12.5);
        assert_eq!(seconds(at(-3.0)), 0.0);
        assert_eq!(seconds(at(f64::NAN)), 0.0);
        for huge in [1e20, 2f64.powi(64), 1e300, f64::INFINITY] {
            assert_eq!(seconds(at(huge)), NEVER_S);
            assert_eq!(delay(huge), Some(Duration::from_secs_f64(NEVER_S)));
        }
        assert_eq!(delay(0.0), None);
        assert_eq!(delay(f64::NAN), None);
        // A saturated delay from a late time of a run is still a time the engine holds.
        let late = at(1e12) + delay(f64::INFINITY).unwrap();
        assert!(seconds(late) > NEVER_S);
    }
}
