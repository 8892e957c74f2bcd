//! Survival (docs/model.md §10, REopt-style): outages started at every meter interval of a year, or at a
//! sample stratified by month × hour of day, each followed for the longest duration asked; the
//! probability that the island carries its critical load, and all its load, through an outage
//! of each duration, by month, by hour of day and overall, with peer-to-peer sharing and with
//! no sharing (docs/model.md §11).
//!
//! **One run per start serves every duration.** The simulation is causal: nothing in a run
//! before the repair depends on when the repair comes. Only the fault injector reads a fault's
//! `repaired_at_s` (it schedules the supply's return); the coordinator, the meters, the RTDCCUs
//! and the plant learn of the repair when it happens, and the coordinator never reads the
//! scenario's horizon. So each start is run once with its faults repaired at start + the longest
//! duration D, and for every d ≤ D: survived(d) ⇔ no loss in `[start, start + d)`. The test
//! `a_shorter_outage_agrees_with_the_longest_on_its_window` checks it on campus13.
//!
//! Each start's run is run `start.index` of a sweep of the scenario with `--seed` as its seed
//! (weather, demand, latency and back-offs drawn as `sweep` draws them), its faults moved to
//! the start (keeping their spacing) and its horizon set just past the repair.

mod losses;
mod starts;
mod summary;
mod table;

pub use losses::{Losses, RESTORATION_GRACE_S};
pub use starts::{CELLS, Calendar, Start, Starts, StartsError, YEAR_DAYS};
pub use summary::{Group, Probabilities, Summary, summarise};
pub use table::survival_frame;

use crate::scenario::Scenario;
use crate::sim::{Recording, RunPlan, RunStatus, Simulator};
use rayon::prelude::*;

/// Why a survival study cannot run.
#[derive(Debug, thiserror::Error)]
pub enum SurvivalError {
    /// The starts cannot be chosen.
    #[error(transparent)]
    Starts(#[from] StartsError),
    /// The scenario has no `time.start_date`: starts have no month.
    #[error(
        "survival needs `time.start_date` in the scenario: a start's month comes from the \
         calendar"
    )]
    NoStartDate,
    /// A duration is not a positive whole number of meter intervals.
    #[error(
        "--durations: {duration_s} s is not a positive whole number of meter intervals \
         ({interval_s} s): losses are dated to the interval"
    )]
    Duration {
        /// The duration, s.
        duration_s: f64,
        /// The meter interval, s.
        interval_s: f64,
    },
    /// No duration was given.
    #[error("--durations: give at least one duration")]
    NoDurations,
    /// The worker threads could not be started.
    #[error("starting {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// Why.
        message: String,
    },
}

/// How to run a survival study.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalOptions {
    /// The outage durations reported, s (each a whole number of meter intervals).
    pub durations_s: Vec<f64>,
    /// Which starts.
    pub starts: Starts,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// Seed of the sample and of every run's draws.
    pub seed: u64,
}

/// What one start gave.
#[derive(Debug, Clone, PartialEq)]
pub struct StartOutcome {
    /// The start.
    pub start: Start,
    /// The run's seed.
    pub seed: u64,
    /// The run's result, or why it could not be simulated.
    pub result: Result<StartResult, String>,
}

/// The losses of one start's run, with and without sharing.
#[derive(Debug, Clone, PartialEq)]
pub struct StartResult {
    /// The run's status.
    pub status: RunStatus,
    /// Whether the faults cut anything off (with no island nothing can be lost).
    pub islanded: bool,
    /// Peer-to-peer operation, as simulated.
    pub peer_to_peer: Losses,
    /// The no-sharing reference on the same draws.
    pub no_sharing: Losses,
}

/// A finished study.
#[derive(Debug, Clone)]
pub struct Study {
    /// Every start's outcome, in time order.
    pub outcomes: Vec<StartOutcome>,
    /// The durations reported, s, ascending.
    pub durations_s: Vec<f64>,
    /// How long each run was observed (the longest duration), s.
    pub observed_s: f64,
    /// Every start of the year (for the weights), by month × hour cell.
    pub cell_sizes: Vec<u64>,
    /// The critical consumers (the scenario's highest priority, when above 0).
    pub critical: Vec<String>,
}

/// The study's calendar: its start date and meter interval.
pub fn calendar(scenario: &Scenario) -> Result<Calendar, SurvivalError> {
    let text = scenario
        .time
        .start_date
        .as_deref()
        .ok_or(SurvivalError::NoStartDate)?;
    Ok(Calendar {
        start_date: crate::scenario::start_date(text).map_err(|_| SurvivalError::NoStartDate)?,
        interval_s: scenario.time.meter_interval_s,
    })
}

/// `scenario` prepared for a year of starts: its horizon covering the year and the longest
/// duration (so its profiles are built, and its series checked, over the whole year), and its
/// seed `seed`. Build the [`Simulator`] for [`run`] from it.
pub fn year_scenario(scenario: &Scenario, durations_s: &[f64], seed: u64) -> Scenario {
    let mut year = scenario.clone();
    let longest_s = durations_s.iter().copied().fold(0.0, f64::max);
    year.time.horizon_s =
        YEAR_DAYS as f64 * 86_400.0 + longest_s + 2.0 * year.time.meter_interval_s;
    year.seed = seed;
    year
}

/// The critical consumers of `scenario`: those of its highest priority, when above 0.
pub fn critical_consumers(scenario: &Scenario) -> Vec<String> {
    let consumers = &scenario.entities.consumers;
    let top = consumers.iter().map(|c| c.priority).max().unwrap_or(0);
    consumers
        .iter()
        .filter(|c| top > 0 && c.priority == top)
        .map(|c| c.id.clone())
        .collect()
}

/// Checks the durations (a whole number of meter intervals each) and returns them ascending.
pub fn check_durations(durations_s: &[f64], interval_s: f64) -> Result<Vec<f64>, SurvivalError> {
    if durations_s.is_empty() {
        return Err(SurvivalError::NoDurations);
    }
    let mut sorted = durations_s.to_vec();
    for &d in &sorted {
        let k = d / interval_s;
        if !(d > 0.0 && d.is_finite() && (k - k.round()).abs() < 1e-9) {
            return Err(SurvivalError::Duration {
                duration_s: d,
                interval_s,
            });
        }
    }
    sorted.sort_by(f64::total_cmp);
    sorted.dedup();
    Ok(sorted)
}

/// The run plan of `start`: run `start.index` of a sweep of `scenario` (whose seed is the
/// study's), its faults moved so the first strikes at the start, every one repaired at
/// start + `observed_s`.
pub fn plan(scenario: &Scenario, start: &Start, observed_s: f64) -> RunPlan {
    let mut plan = RunPlan::sampled(scenario, start.index);
    let first_s = plan
        .faults
        .iter()
        .map(|f| f.at_s)
        .fold(f64::INFINITY, f64::min);
    for fault in &mut plan.faults {
        fault.at_s = fault.at_s - first_s + start.start_s;
        fault.repaired_at_s = (start.start_s + observed_s).max(fault.at_s);
    }
    plan
}

/// Simulates one start: its plan on `simulator` (built from [`year_scenario`]) with the horizon
/// just past the repair, and the losses with and without sharing in `[start, start + observed_s)`.
pub fn run_start(
    simulator: &Simulator,
    start: &Start,
    observed_s: f64,
    critical: &[String],
) -> StartOutcome {
    let scenario = simulator.scenario();
    let plan = plan(scenario, start, observed_s);
    let last_s = plan
        .faults
        .iter()
        .map(|f| f.repaired_at_s)
        .fold(0.0, f64::max);
    let horizon_s = last_s + 2.0 * scenario.time.meter_interval_s;
    let is_critical = |id: &str| critical.iter().any(|c| c == id);
    let result = simulator
        .with_horizon_s(horizon_s)
        .without_bound()
        .run(&plan, Recording::default())
        .map(|report| StartResult {
            status: report.status,
            islanded: report.outages > 0,
            peer_to_peer: Losses::of(&report.intervals, start.start_s, observed_s, &is_critical),
            no_sharing: Losses::of(
                &report.no_sharing_intervals,
                start.start_s,
                observed_s,
                &is_critical,
            ),
        })
        .map_err(|e| e.to_string());
    StartOutcome {
        start: *start,
        seed: plan.seed,
        result,
    }
}

/// Runs the study: every start on `simulator` (built from [`year_scenario`] with the same
/// durations and seed), in parallel; `progress(done, total)` after each start. A start whose
/// run fails is kept with its error, never dropped.
pub fn run(
    simulator: &Simulator,
    options: &SurvivalOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Study, SurvivalError> {
    let scenario = simulator.scenario();
    let calendar = calendar(scenario)?;
    let durations_s = check_durations(&options.durations_s, calendar.interval_s)?;
    let observed_s = *durations_s.last().expect("checked non-empty");
    let starts = calendar.starts(options.starts, options.seed)?;
    let mut cell_sizes = vec![0u64; CELLS];
    for k in 0..calendar.intervals() {
        cell_sizes[Calendar::cell(&calendar.start(k))] += 1;
    }
    let critical = critical_consumers(scenario);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .map_err(|e| SurvivalError::Threads {
            threads: options.threads.unwrap_or(0),
            message: e.to_string(),
        })?;
    let total = starts.len() as u64;
    let done = std::sync::atomic::AtomicU64::new(0);
    let outcomes = pool.install(|| {
        starts
            .par_iter()
            .map(|start| {
                let outcome = run_start(simulator, start, observed_s, &critical);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(n, total);
                outcome
            })
            .collect()
    });
    Ok(Study {
        outcomes,
        durations_s,
        observed_s,
        cell_sizes,
        critical,
    })
}
