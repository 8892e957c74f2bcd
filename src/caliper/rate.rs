//! Caliper's rate controllers, as its workers run them (caliper-core `worker/rate-control`):
//! before each transaction a worker asks its controller how long to sleep, given the time since
//! the worker started and its own statistics so far. Rates and loads in the configuration are
//! for all workers together; each worker takes its share (`tps / workers`), as in Caliper.
//! Times are simulated seconds (Caliper's milliseconds converted).

use super::config::{RateControl, RoundLength};
use serde::{Deserialize, Serialize};

/// A round still unfinished after this much simulated time is abandoned, s; configurations
/// whose pace cannot fit in it are rejected first ([`check_pace`]).
pub const MAX_ROUND_S: f64 = 10_000_000.0;

/// Most back-off units a `fixed-feedback-rate` worker sleeps at once (Caliper's cap).
const MAX_BACK_OFF_UNITS: u32 = 30;

/// Checks that a round of `workers` workers under `control` can finish within [`MAX_ROUND_S`]:
/// its duration or its transactions at the configured pace, and each worker's longest wait
/// between two transactions (`workers / rate` for every rate the controller can fall to, or
/// its longest back-off). The failure is (field
/// path from the round, message).
pub fn check_pace(
    control: &RateControl,
    workers: u32,
    length: RoundLength,
) -> Result<(), (String, String)> {
    if let RoundLength::DurationS(d) = length
        && d > MAX_ROUND_S
    {
        return Err((
            "txDuration".into(),
            format!("{d} s is longer than a round may last ({MAX_ROUND_S} s)"),
        ));
    }
    let w = f64::from(workers);
    let wait = |name: &str, wait_s: f64| {
        if wait_s <= MAX_ROUND_S {
            Ok(())
        } else {
            Err((
                format!("rateControl.opts.{name}"),
                format!(
                    "makes a worker wait {wait_s:e} s between transactions, longer than a \
                     round may last ({MAX_ROUND_S} s)"
                ),
            ))
        }
    };
    if let RoundLength::TransactionsPerWorker(n) = length {
        // Each worker's transactions at the configured pace (a linear ramp's mean interval).
        let (name, interval_s) = match control {
            RateControl::FixedRate(o) => ("tps", w / o.tps),
            RateControl::FixedFeedbackRate(o) => ("tps", w / o.tps),
            RateControl::FixedLoad(o) => ("startTps", w / o.start_tps),
            RateControl::LinearRate(o) => (
                "startingTps",
                0.5 * (w / o.starting_tps + w / o.finishing_tps),
            ),
            RateControl::MaximumRate(o) => ("tps", w / o.tps),
        };
        let span_s = n as f64 * interval_s;
        if span_s > MAX_ROUND_S {
            return Err((
                format!("rateControl.opts.{name}"),
                format!(
                    "sends each worker's {n} transactions over {span_s:e} s, longer than a \
                     round may last ({MAX_ROUND_S} s)"
                ),
            ));
        }
    }
    match control {
        RateControl::FixedRate(o) => wait("tps", w / o.tps),
        RateControl::FixedFeedbackRate(o) => {
            wait("tps", w / o.tps)?;
            let back_off_s = f64::from(MAX_BACK_OFF_UNITS) * o.sleep_time / 1000.0;
            wait("sleepTime", back_off_s)
        }
        RateControl::FixedLoad(o) => wait("startTps", w / o.start_tps),
        RateControl::LinearRate(o) => {
            wait("startingTps", w / o.starting_tps)?;
            wait("finishingTps", w / o.finishing_tps)
        }
        // The rate never falls below one step.
        RateControl::MaximumRate(o) => {
            wait("tps", w / o.tps)?;
            wait("step", w / o.step)
        }
    }
}

/// One worker's view of its own transactions (Caliper's `TransactionStatisticsCollector`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkerStats {
    /// Transactions submitted.
    pub submitted: u64,
    /// Finished and successful.
    pub succ: u64,
    /// Finished and failed (reverted).
    pub fail: u64,
    /// Sum of the latencies of the successful ones, s.
    pub latency_succ_s: f64,
    /// Sum of the latencies of the failed ones, s.
    pub latency_fail_s: f64,
}

impl WorkerStats {
    /// Transactions finished, successful or not.
    pub fn finished(&self) -> u64 {
        self.succ + self.fail
    }

    /// Transactions submitted and not yet finished.
    pub fn unfinished(&self) -> u64 {
        self.submitted - self.finished()
    }

    /// Records a finished transaction.
    pub fn finish(&mut self, success: bool, latency_s: f64) {
        if success {
            self.succ += 1;
            self.latency_succ_s += latency_s;
        } else {
            self.fail += 1;
            self.latency_fail_s += latency_s;
        }
    }
}

/// Caliper skips sleeps this short (linear-rate, fixed-feedback-rate), s.
const NEGLIGIBLE_SLEEP_S: f64 = 0.005;

/// A rate controller with its running state, for one worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Controller {
    /// `fixed-rate`: transaction k goes at k × interval after the worker's start.
    FixedRate {
        /// The worker's interval between transactions, s.
        interval_s: f64,
    },
    /// `fixed-feedback-rate`: a fixed rate while few transactions are unfinished; back-off
    /// sleeps in steps of `back_off_s` when many are.
    FixedFeedbackRate {
        /// The worker's interval between transactions, s.
        interval_s: f64,
        /// Back-off unit, s.
        back_off_s: f64,
        /// The worker's share of the transaction load.
        unfinished_limit: f64,
        /// Times in a row that no transaction had succeeded yet.
        zero_success_count: u32,
        /// Back-off slept so far, s.
        slept_s: f64,
    },
    /// `fixed-load`: sends at once while fewer than the target are unfinished; otherwise sleeps
    /// the excess times the mean latency (Caliper's rule), then sends. So the backlog is a
    /// saw-tooth that peaks at the target plus one and drains while the worker sleeps.
    FixedLoad {
        /// The worker's interval until the first transaction finishes, s.
        interval_s: f64,
        /// The worker's share of the transaction load.
        target: f64,
    },
    /// `linear-rate`: the interval moves linearly from start to finish, over the worker's
    /// transactions (txNumber rounds) or its time (txDuration rounds).
    LinearRate {
        /// The first interval, s.
        start_interval_s: f64,
        /// Interval change per transaction, or per second of the round, s.
        gradient: f64,
        /// Whether the gradient is per transaction (else per second).
        by_index: bool,
    },
    /// `maximum-rate`: every sample interval, steps the rate up if the observed rate grew,
    /// else steps down and halves the step.
    MaximumRate {
        /// The worker's current rate, TPS.
        tps: f64,
        /// The worker's current step, TPS.
        step: f64,
        /// Sample interval, s.
        sample_s: f64,
        /// Count failed transactions as throughput.
        include_failed: bool,
        /// Observed rate of the last sample, TPS.
        observed_tps: f64,
        /// When the current sample started (`None` until a transaction finishes), s.
        sample_start_s: Option<f64>,
        /// Completed transactions and their summed latency at the sample's start.
        completed_at_start: (u64, f64),
    },
}

impl Controller {
    /// The controller of one of `workers` workers for a round of `length`.
    pub fn new(control: &RateControl, workers: u32, length: RoundLength) -> Self {
        let w = f64::from(workers);
        match control {
            RateControl::FixedRate(o) => Controller::FixedRate {
                interval_s: w / o.tps,
            },
            RateControl::FixedFeedbackRate(o) => Controller::FixedFeedbackRate {
                interval_s: w / o.tps,
                back_off_s: o.sleep_time / 1000.0,
                unfinished_limit: o.transaction_load / w,
                zero_success_count: 0,
                slept_s: 0.0,
            },
            RateControl::FixedLoad(o) => Controller::FixedLoad {
                interval_s: w / o.start_tps,
                target: o.transaction_load / w,
            },
            RateControl::LinearRate(o) => {
                let start_interval_s = w / o.starting_tps;
                let finish_interval_s = w / o.finishing_tps;
                let (span, by_index) = match length {
                    RoundLength::TransactionsPerWorker(n) => (n as f64, true),
                    RoundLength::DurationS(d) => (d, false),
                };
                Controller::LinearRate {
                    start_interval_s,
                    gradient: (finish_interval_s - start_interval_s) / span,
                    by_index,
                }
            }
            RateControl::MaximumRate(o) => Controller::MaximumRate {
                tps: o.tps / w,
                step: o.step / w,
                sample_s: o.sample_interval,
                include_failed: o.include_failed,
                observed_tps: 0.0,
                sample_start_s: None,
                completed_at_start: (0, 0.0),
            },
        }
    }

    /// How long the worker sleeps before its next transaction (Caliper's
    /// `applyRateControl`), `elapsed_s` after its start, with `stats` so far. Never negative.
    pub fn delay_s(&mut self, elapsed_s: f64, stats: &WorkerStats) -> f64 {
        let delay_s = match self {
            Controller::FixedRate { interval_s } => {
                *interval_s * stats.submitted as f64 - elapsed_s
            }
            Controller::FixedFeedbackRate {
                interval_s,
                back_off_s,
                unfinished_limit,
                zero_success_count,
                slept_s,
            } => {
                let unfinished = stats.unfinished() as f64;
                if (stats.submitted as f64) < *unfinished_limit
                    || stats.finished() == 0
                    || unfinished < *unfinished_limit / 2.0
                {
                    return 0.0;
                }
                let behind_s = *interval_s * stats.submitted as f64 - (elapsed_s - *slept_s);
                if behind_s > NEGLIGIBLE_SLEEP_S {
                    return behind_s;
                }
                // Back off in whole units: longer the longer nothing succeeds, or the more
                // times the limit is exceeded.
                let units = if stats.succ == 0 {
                    *zero_success_count += 1;
                    (*zero_success_count).min(MAX_BACK_OFF_UNITS)
                } else {
                    *zero_success_count = 0;
                    (1..=10u32)
                        .rev()
                        .find(|&i| unfinished >= f64::from(i) * *unfinished_limit)
                        .unwrap_or(0)
                };
                let back_off = f64::from(units) * *back_off_s;
                *slept_s += back_off;
                back_off
            }
            Controller::FixedLoad { interval_s, target } => {
                if stats.finished() == 0 {
                    return *interval_s;
                }
                let unfinished = stats.unfinished() as f64;
                if unfinished < *target {
                    return 0.0;
                }
                // Caliper's "TPS": finished transactions over their summed latency.
                let tps = stats.finished() as f64 / (stats.latency_succ_s + stats.latency_fail_s);
                let excess = unfinished - *target;
                if tps > 0.0 && tps.is_finite() {
                    excess / tps
                } else {
                    excess * *interval_s
                }
            }
            Controller::LinearRate {
                start_interval_s,
                gradient,
                by_index,
            } => {
                let progress = if *by_index {
                    stats.submitted as f64
                } else {
                    elapsed_s
                };
                let interval_s = *start_interval_s + progress * *gradient;
                if interval_s > NEGLIGIBLE_SLEEP_S {
                    interval_s
                } else {
                    0.0
                }
            }
            Controller::MaximumRate {
                tps,
                step,
                sample_s,
                include_failed,
                observed_tps,
                sample_start_s,
                completed_at_start,
            } => {
                if stats.finished() > 0 {
                    let start_s = *sample_start_s.get_or_insert(elapsed_s);
                    if elapsed_s - start_s >= *sample_s {
                        let completed = if *include_failed {
                            (
                                stats.finished(),
                                stats.latency_succ_s + stats.latency_fail_s,
                            )
                        } else {
                            (stats.succ, stats.latency_succ_s)
                        };
                        let latency_s = completed.1 - completed_at_start.1;
                        let achieved = if latency_s > 0.0 {
                            (completed.0 - completed_at_start.0) as f64 / latency_s
                        } else {
                            0.0
                        };
                        if achieved > *observed_tps {
                            *tps += *step;
                        } else {
                            // Caliper would go to zero or below (and stall); keep a positive rate.
                            *tps = (*tps - *step).max(*step);
                            if *step > 0.2 {
                                *step /= 2.0;
                            }
                        }
                        *observed_tps = achieved;
                        *sample_start_s = Some(elapsed_s);
                        *completed_at_start = completed;
                    }
                }
                1.0 / *tps
            }
        };
        delay_s.max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::config::{FixedFeedbackRate, FixedLoad, FixedRate, LinearRate, MaximumRate};
    use super::*;

    fn stats(submitted: u64, succ: u64, latency_succ_s: f64) -> WorkerStats {
        WorkerStats {
            submitted,
            succ,
            latency_succ_s,
            ..WorkerStats::default()
        }
    }

    #[test]
    fn fixed_rate_shares_the_rate_among_workers_on_an_absolute_schedule() {
        let control = RateControl::FixedRate(FixedRate { tps: 20.0 });
        let mut c = Controller::new(&control, 10, RoundLength::DurationS(10.0));
        // 2 TPS per worker: transaction k is due at 0.5 k s after the worker's start.
        assert_eq!(c.delay_s(0.0, &stats(0, 0, 0.0)), 0.0);
        assert!((c.delay_s(0.0, &stats(1, 0, 0.0)) - 0.5).abs() < 1e-12);
        assert!((c.delay_s(2.6, &stats(6, 0, 0.0)) - 0.4).abs() < 1e-12);
        // A worker that fell behind sends at once.
        assert_eq!(c.delay_s(9.0, &stats(6, 0, 0.0)), 0.0);
    }

    #[test]
    fn linear_rate_ramps_the_interval_by_index_or_time() {
        let control = RateControl::LinearRate(LinearRate {
            starting_tps: 10.0,
            finishing_tps: 40.0,
        });
        let mut by_index = Controller::new(&control, 2, RoundLength::TransactionsPerWorker(100));
        // Per worker 5 → 20 TPS: intervals 0.2 s → 0.05 s over the worker's 100 transactions.
        assert!((by_index.delay_s(0.0, &stats(0, 0, 0.0)) - 0.2).abs() < 1e-12);
        assert!((by_index.delay_s(0.0, &stats(50, 0, 0.0)) - 0.125).abs() < 1e-12);
        assert!((by_index.delay_s(0.0, &stats(100, 0, 0.0)) - 0.05).abs() < 1e-12);
        let mut by_time = Controller::new(&control, 2, RoundLength::DurationS(10.0));
        assert!((by_time.delay_s(5.0, &stats(7, 0, 0.0)) - 0.125).abs() < 1e-12);
    }

    #[test]
    fn fixed_load_fills_then_holds_the_backlog() {
        let control = RateControl::FixedLoad(FixedLoad {
            start_tps: 5.0,
            transaction_load: 20.0,
        });
        let mut c = Controller::new(&control, 2, RoundLength::DurationS(60.0));
        // Nothing finished yet: the start rate (2.5 TPS per worker).
        assert!((c.delay_s(0.0, &stats(1, 0, 0.0)) - 0.4).abs() < 1e-12);
        // Below the worker's target of 10 unfinished: at once.
        assert_eq!(c.delay_s(1.0, &stats(12, 5, 10.0)), 0.0);
        // 3 over the target with a mean latency of 2 s: sleep 3 × 2 s.
        assert!((c.delay_s(1.0, &stats(18, 5, 10.0)) - 6.0).abs() < 1e-12);
    }

    #[test]
    fn fixed_feedback_rate_keeps_the_rate_then_backs_off_by_the_backlog() {
        let control = RateControl::FixedFeedbackRate(FixedFeedbackRate {
            tps: 20.0,
            transaction_load: 10.0,
            sleep_time: 100.0,
        });
        // Per worker: 2 TPS, 1 unfinished allowed, back-off unit 0.1 s.
        let mut c = Controller::new(&control, 10, RoundLength::DurationS(60.0));
        assert_eq!(c.delay_s(0.0, &stats(0, 0, 0.0)), 0.0);
        // Nothing finished yet: no pacing at all (Caliper's rule).
        assert_eq!(c.delay_s(0.1, &stats(5, 0, 0.0)), 0.0);
        // Ahead of the 2 TPS schedule: wait for it.
        assert!((c.delay_s(0.0, &stats(5, 4, 1.0)) - 2.5).abs() < 1e-12);
        // Behind it with 1 and then 7 unfinished: back off 1 and 7 units.
        assert!((c.delay_s(10.0, &stats(5, 4, 1.0)) - 0.1).abs() < 1e-12);
        assert!((c.delay_s(20.0, &stats(20, 13, 1.0)) - 0.7).abs() < 1e-12);
    }

    #[test]
    fn maximum_rate_steps_up_while_throughput_grows_then_down() {
        let control = RateControl::MaximumRate(MaximumRate {
            tps: 10.0,
            step: 4.0,
            sample_interval: 5.0,
            include_failed: true,
        });
        // Per worker: 5 TPS, step 2.
        let mut c = Controller::new(&control, 2, RoundLength::DurationS(60.0));
        assert!((c.delay_s(0.0, &stats(1, 0, 0.0)) - 0.2).abs() < 1e-12);
        // The first finished transaction starts the first sample.
        assert!((c.delay_s(1.0, &stats(5, 1, 0.5)) - 0.2).abs() < 1e-12);
        // 10 finished over 5 s of latency: 2 TPS observed, up from 0: step up to 7 TPS.
        assert!((c.delay_s(6.0, &stats(30, 10, 5.0)) - 1.0 / 7.0).abs() < 1e-12);
        // 10 more over 10 s: 1 TPS, down: step down to 5 TPS and halve the step.
        assert!((c.delay_s(11.0, &stats(60, 20, 15.0)) - 0.2).abs() < 1e-12);
        // Next sample: 10 over 2 s, up again, by the halved step (1): 6 TPS.
        assert!((c.delay_s(16.0, &stats(90, 30, 17.0)) - 1.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn paces_must_fit_in_a_round() {
        let fixed = |tps| RateControl::FixedRate(FixedRate { tps });
        let run = RoundLength::DurationS(10.0);
        // 10 workers at 1e-6 TPS: each waits 1e7 s, just what a round may last.
        assert_eq!(check_pace(&fixed(1e-6), 10, run), Ok(()));
        let (field, message) = check_pace(&fixed(1e-300), 10, run).unwrap_err();
        assert_eq!(field, "rateControl.opts.tps");
        assert!(message.contains("e300 s between transactions"), "{message}");
        let step = RateControl::MaximumRate(MaximumRate {
            tps: 10.0,
            step: 1e-12,
            sample_interval: 5.0,
            include_failed: true,
        });
        assert_eq!(
            check_pace(&step, 1, run).unwrap_err().0,
            "rateControl.opts.step"
        );
        // 10 workers of 1e6 transactions each at 0.1 TPS each: 1e7 s, the most a round lasts.
        let many = RoundLength::TransactionsPerWorker(1_000_000);
        assert_eq!(check_pace(&fixed(1.0), 10, many), Ok(()));
        assert_eq!(
            check_pace(&fixed(0.5), 10, many).unwrap_err().0,
            "rateControl.opts.tps"
        );
        let long = RoundLength::DurationS(1e300);
        assert_eq!(
            check_pace(&fixed(20.0), 1, long).unwrap_err().0,
            "txDuration"
        );
    }
}
