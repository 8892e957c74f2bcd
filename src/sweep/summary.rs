//! The summary of a sweep: the MTTR distribution with a confidence interval and percentiles,
//! the mean of each phase, the customer-weighted restoration time, runs counted by status and
//! failure reason, and the IEEE 1366 indices of the scenario's customers computed from the
//! `interruptions` table (per outage event, [`crate::reliability`]) and, when the scenario's
//! fault sets have rates, per year for peer-to-peer and no sharing
//! ([`crate::reliability::annual`]).
//!
//! A sweep of any size is summarised without holding its tables: the interruption records
//! are gathered a part at a time into [`Tallies`], and the `runs` table is read a column or a
//! few at a time through [`RunsColumns`] (from the parts on disk, [`super::Parts`]). Every
//! figure is the same, to the bit, as from the tables held whole.

use super::SweepError;
use crate::reliability::annual::{AnnualReliability, Sampling, SweepEvents};
use crate::reliability::{self, Indices, Interruption, Tally};
use crate::scenario::Scenario;
use crate::sim::Phases;
use polars::prelude::{DataFrame, PolarsError};
use serde::Serialize;
use std::collections::BTreeMap;

/// The distribution of a duration over runs, s.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DurationStats {
    /// Runs with a value.
    pub runs: u64,
    /// Mean.
    pub mean_s: f64,
    /// 95 % confidence interval of the mean (normal approximation), lower end.
    pub ci95_low_s: f64,
    /// Upper end.
    pub ci95_high_s: f64,
    /// Sample standard deviation.
    pub std_dev_s: f64,
    /// Median (percentiles interpolate linearly between order statistics, as numpy does).
    pub p50_s: f64,
    /// 90th percentile.
    pub p90_s: f64,
    /// 95th percentile.
    pub p95_s: f64,
    /// 99th percentile.
    pub p99_s: f64,
    /// Largest.
    pub max_s: f64,
}

/// The customer-weighted restoration time: each run's mean over its interrupted customers of
/// the time to restoration, the shed and never-restored customers included at the duration
/// they had reached when the run ended (censored).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CustomerRestoration {
    /// Its distribution over the runs that interrupted a customer (`None` if none did).
    pub per_run: Option<DurationStats>,
    /// Customers whose interruption was censored, over all runs.
    pub customers_censored: u64,
}

/// Energy not served by the scenario's customers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnergyNotServed {
    /// Over all runs, kWh.
    pub total_kwh: f64,
    /// Per customer served per outage event (run), kWh.
    pub per_customer_per_event_kwh: f64,
}

/// Runs whose rewards the eq. 5 budget capped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RewardsCapped {
    /// Runs with `rewards_capped_inr` above zero.
    pub runs: u64,
    /// Σ `rewards_capped_inr` over all runs, INR.
    pub total_inr: f64,
}

/// The distribution over runs of a per-run figure (its unit in the field that holds it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Spread {
    /// Runs with a value.
    pub runs: u64,
    /// Mean.
    pub mean: f64,
    /// 95 % confidence interval of the mean (normal approximation), lower end.
    pub ci95_low: f64,
    /// Upper end.
    pub ci95_high: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// What sharing did against the no-sharing reference on the same draws (docs/model.md §11),
/// per run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgainstNoSharing {
    /// Consumers' energy served that no sharing would have left unserved, kWh.
    pub consumers_energy_gain_kwh: Spread,
    /// Consumers' customer-hours without supply avoided.
    pub customer_hours_avoided: Spread,
    /// Prosumers' own load left unserved beyond what no sharing leaves, kWh (what sharing cost
    /// them: they shed their own load to export).
    pub prosumers_own_load_cost_kwh: Spread,
}

/// The islands' load served by peer-to-peer against the perfect-information bound on the same
/// draws (docs/model.md §11), per run, kWh.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgainstBound {
    /// Load served by peer-to-peer: consumers' demand and prosumers' own load.
    pub served_kwh: Spread,
    /// The bound's load served.
    pub bound_served_kwh: Spread,
    /// No sharing's load served.
    pub no_sharing_served_kwh: Spread,
    /// The gap, bound − peer-to-peer.
    pub gap_kwh: Spread,
    /// The gap as a share of the islands' load.
    pub gap_share: Spread,
    /// Of the gap, what timing cost (ideal timing − peer-to-peer); `None` unless the sweep ran
    /// with `--gap-split`.
    pub timing_cost_kwh: Option<Spread>,
    /// Of the gap, what the allocation rule cost (bound − ideal timing); `None` unless the sweep
    /// ran with `--gap-split`.
    pub rule_cost_kwh: Option<Spread>,
}

/// The runs' resilience figures (docs/model.md §10), each as a distribution over runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResilienceSpreads {
    /// Consumers' energy not served, kWh.
    pub energy_not_served_kwh: Spread,
    /// Consumers' time without supply, customer-hours.
    pub customer_hours: Spread,
    /// Critical consumers' hours without supply.
    pub critical_load_hours_lost: Spread,
    /// From the fault to the first loss of critical load, s, over the runs that had one.
    pub first_critical_loss_s: Option<Spread>,
    /// From the fault to half the cut-off consumers supplied again, s, over the runs where it
    /// happened.
    pub restored_50_s: Option<Spread>,
    /// The same for 90 % of them.
    pub restored_90_s: Option<Spread>,
    /// The same for all of them.
    pub restored_100_s: Option<Spread>,
    /// Λ, the depth of the curve, share of the load.
    pub lambda: Spread,
    /// The area between full service and the curve, hours of the whole load.
    pub area_h: Spread,
    /// Φ, the fall rate, per hour, over the runs that have one.
    pub phi_per_h: Option<Spread>,
    /// E, the time degraded, hours, over the runs that have one.
    pub e_h: Option<Spread>,
    /// Π, the recovery rate, per hour, over the runs that have one.
    pub pi_per_h: Option<Spread>,
}

/// A sweep's summary (`summary.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The scenario's name.
    pub scenario: String,
    /// Runs summarised.
    pub runs: u64,
    /// Runs by `status` (`None` when the runs table has no such column).
    pub runs_by_status: Option<BTreeMap<String, u64>>,
    /// Runs by `failure_reason`, the runs without one left out (`None` when the runs table has
    /// no such column).
    pub runs_by_failure_reason: Option<BTreeMap<String, u64>>,
    /// Runs whose rewards were capped pro rata because eq. 5's budget bound (their islands may
    /// still be restored), and by how much in all.
    pub rewards_capped: RewardsCapped,
    /// Eq. 15's MTTR over the runs that restored an outage (`None` if none did).
    pub mttr: Option<DurationStats>,
    /// Mean of each phase over the runs with an MTTR.
    pub phases_mean: Phases,
    /// Customer-weighted restoration time, every interrupted customer counted (`None` when
    /// the runs table has no `customer_restoration_mean_s` and `customers_censored`).
    pub customer_restoration: Option<CustomerRestoration>,
    /// IEEE 1366 indices per outage event (`None` without customers or runs).
    pub reliability: Option<Indices>,
    /// IEEE 1366 indices per year, peer-to-peer and no sharing, from the fault sets' rates
    /// (`None` when the scenario gives no rates).
    pub reliability_annual: Option<AnnualReliability>,
    /// Energy not served.
    pub energy_not_served: EnergyNotServed,
    /// Against the no-sharing reference (`None` when the runs table has none: a sweep by an
    /// older blackstart).
    pub against_no_sharing: Option<AgainstNoSharing>,
    /// Against the perfect-information bound (`None` when the runs table has none).
    pub against_bound: Option<AgainstBound>,
    /// The runs' resilience figures and curves' metrics (`None` when the runs table has none).
    pub resilience: Option<ResilienceSpreads>,
}

/// Linear-interpolation percentile of sorted values (numpy's default), `q` in [0, 1].
pub(super) fn percentile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

/// The distribution of `values`; `None` when there is none.
fn duration_stats(mut values: Vec<f64>) -> Option<DurationStats> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let count = values.len() as f64;
    let mean = values.iter().fold(0.0, |sum, v| sum + v) / count;
    let variance = if values.len() > 1 {
        values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (count - 1.0)
    } else {
        0.0
    };
    let half_width = 1.96 * (variance / count).sqrt();
    Some(DurationStats {
        runs: values.len() as u64,
        mean_s: mean,
        ci95_low_s: mean - half_width,
        ci95_high_s: mean + half_width,
        std_dev_s: variance.sqrt(),
        p50_s: percentile(&values, 0.50),
        p90_s: percentile(&values, 0.90),
        p95_s: percentile(&values, 0.95),
        p99_s: percentile(&values, 0.99),
        max_s: values[values.len() - 1],
    })
}

/// The spread of `values`; `None` when there is none.
fn spread(mut values: Vec<f64>) -> Option<Spread> {
    let stats = duration_stats(values.clone())?;
    values.sort_by(f64::total_cmp);
    Some(Spread {
        runs: stats.runs,
        mean: stats.mean_s,
        ci95_low: stats.ci95_low_s,
        ci95_high: stats.ci95_high_s,
        p5: percentile(&values, 0.05),
        p50: stats.p50_s,
        p95: stats.p95_s,
    })
}

/// Per run, the values of columns `a` and `b` (runs missing either left out); `None` without
/// a column.
fn paired(runs: &DataFrame, a: &str, b: &str) -> Option<Vec<(f64, f64)>> {
    let (a, b) = (
        runs.column(a).ok()?.f64().ok()?,
        runs.column(b).ok()?.f64().ok()?,
    );
    Some(
        a.iter()
            .zip(b.iter())
            .filter_map(|(a, b)| Some((a?, b?)))
            .collect(),
    )
}

/// Sharing against no sharing, run by run.
fn against_no_sharing(runs: &dyn RunsColumns) -> Result<Option<AgainstNoSharing>, SweepError> {
    let per_run = |a: &str, b: &str, f: fn(f64, f64) -> f64| {
        Ok::<_, SweepError>(spread_of(&runs.columns(&[a, b])?, a, b, f))
    };
    let Some(consumers_energy_gain_kwh) = per_run(
        "no_sharing_energy_not_served_kwh",
        "energy_not_served_kwh",
        |alone, shared| alone - shared,
    )?
    else {
        return Ok(None);
    };
    // `customer_minutes_interrupted` is in minutes.
    let Some(customer_hours_avoided) = per_run(
        "no_sharing_customer_hours",
        "customer_minutes_interrupted",
        |alone_h, shared_min| alone_h - shared_min / 60.0,
    )?
    else {
        return Ok(None);
    };
    Ok(per_run(
        "prosumer_own_unserved_kwh",
        "no_sharing_prosumer_own_unserved_kwh",
        |shared, alone| shared - alone,
    )?
    .map(|prosumers_own_load_cost_kwh| AgainstNoSharing {
        consumers_energy_gain_kwh,
        customer_hours_avoided,
        prosumers_own_load_cost_kwh,
    }))
}

/// Per run, `f` of columns `a` and `b`, as a spread (runs missing either left out).
fn spread_of(runs: &DataFrame, a: &str, b: &str, f: fn(f64, f64) -> f64) -> Option<Spread> {
    spread(
        paired(runs, a, b)?
            .into_iter()
            .map(|(a, b)| f(a, b))
            .collect(),
    )
}

/// The spread of column `name` over the runs that have a value.
fn column_spread(runs: &DataFrame, name: &str) -> Option<Spread> {
    spread(floats(runs, name).into_iter().flatten().collect())
}

/// Peer-to-peer against the bound, run by run.
fn against_bound(runs: &dyn RunsColumns) -> Result<Option<AgainstBound>, SweepError> {
    let one = |name: &str| Ok::<_, SweepError>(column_spread(&runs.columns(&[name])?, name));
    let per_run = |a: &str, b: &str, f: fn(f64, f64) -> f64| {
        Ok::<_, SweepError>(spread_of(&runs.columns(&[a, b])?, a, b, f))
    };
    let (Some(served_kwh), Some(bound_served_kwh), Some(no_sharing_served_kwh)) = (
        one("load_served_kwh")?,
        one("bound_load_served_kwh")?,
        one("no_sharing_load_served_kwh")?,
    ) else {
        return Ok(None);
    };
    let Some(gap_kwh) = per_run("bound_load_served_kwh", "load_served_kwh", |b, p| b - p)? else {
        return Ok(None);
    };
    let loads = runs.columns(&[
        "bound_load_served_kwh",
        "load_served_kwh",
        "load_demand_kwh",
    ])?;
    // Row by row: a run without the bound (or served energy, or demand) is left out whole.
    let shares: Vec<f64> = floats(&loads, "bound_load_served_kwh")
        .into_iter()
        .zip(floats(&loads, "load_served_kwh"))
        .zip(floats(&loads, "load_demand_kwh"))
        .filter_map(|((b, p), d)| Some((b? - p?) / d.filter(|d| *d > 0.0)?))
        .collect();
    let Some(gap_share) = spread(shares) else {
        return Ok(None);
    };
    drop(loads);
    Ok(Some(AgainstBound {
        served_kwh,
        bound_served_kwh,
        no_sharing_served_kwh,
        gap_kwh,
        gap_share,
        timing_cost_kwh: per_run("ideal_timing_load_served_kwh", "load_served_kwh", |i, p| {
            i - p
        })?,
        rule_cost_kwh: per_run(
            "bound_load_served_kwh",
            "ideal_timing_load_served_kwh",
            |b, i| b - i,
        )?,
    }))
}

/// The runs' resilience figures.
fn resilience(runs: &dyn RunsColumns) -> Result<Option<ResilienceSpreads>, SweepError> {
    let one = |name: &str| Ok::<_, SweepError>(column_spread(&runs.columns(&[name])?, name));
    let minutes = runs.columns(&["customer_minutes_interrupted"])?;
    // `customer_minutes_interrupted` is in minutes.
    let customer_hours = spread(
        floats(&minutes, "customer_minutes_interrupted")
            .into_iter()
            .flatten()
            .map(|m| m / 60.0)
            .collect(),
    );
    drop(minutes);
    let (
        Some(energy_not_served_kwh),
        Some(customer_hours),
        Some(critical_load_hours_lost),
        Some(lambda),
        Some(area_h),
    ) = (
        one("energy_not_served_kwh")?,
        customer_hours,
        one("critical_load_hours_lost")?,
        one("resilience_lambda")?,
        one("resilience_area_h")?,
    )
    else {
        return Ok(None);
    };
    Ok(Some(ResilienceSpreads {
        energy_not_served_kwh,
        customer_hours,
        critical_load_hours_lost,
        first_critical_loss_s: one("first_critical_loss_s")?,
        restored_50_s: one("restored_50_s")?,
        restored_90_s: one("restored_90_s")?,
        restored_100_s: one("restored_100_s")?,
        lambda,
        area_h,
        phi_per_h: one("resilience_phi_per_h")?,
        e_h: one("resilience_e_h")?,
        pi_per_h: one("resilience_pi_per_h")?,
    }))
}

fn floats(frame: &DataFrame, name: &str) -> Vec<Option<f64>> {
    frame
        .column(name)
        .and_then(|c| c.f64().cloned())
        .map(|c| c.iter().collect())
        .unwrap_or_default()
}

/// Runs by the values of the string column `name`, nulls left out; `None` without the column.
fn tally(runs: &DataFrame, name: &str) -> Option<BTreeMap<String, u64>> {
    let column = runs.column(name).ok()?.str().ok()?.clone();
    let mut counts = BTreeMap::new();
    for value in column.iter().flatten() {
        *counts.entry(value.to_string()).or_insert(0) += 1;
    }
    Some(counts)
}

/// The interruption records of an `interruptions` table.
pub fn interruption_records(table: &DataFrame) -> Result<Vec<Interruption>, PolarsError> {
    let run = table.column("run_index")?.u64()?;
    let consumer = table.column("consumer")?.str()?;
    let customers = table.column("customers")?.u32()?;
    let start = table.column("interrupted_at_s")?.f64()?;
    let duration = table.column("duration_s")?.f64()?;
    let censored = table.column("censored")?.bool()?;
    let missing = |column: &str| PolarsError::ComputeError(format!("null in `{column}`").into());
    (0..table.height())
        .map(|i| {
            Ok(Interruption {
                event: run.get(i).ok_or_else(|| missing("run_index"))?,
                consumer: consumer.get(i).ok_or_else(|| missing("consumer"))?.into(),
                customers: customers.get(i).ok_or_else(|| missing("customers"))?,
                start_s: start.get(i).ok_or_else(|| missing("interrupted_at_s"))?,
                duration_s: duration.get(i).ok_or_else(|| missing("duration_s"))?,
                censored: censored.get(i).ok_or_else(|| missing("censored"))?,
            })
        })
        .collect()
}

/// The columns of the `runs` table the summary reads (a few at a time, through
/// [`RunsColumns`]): the end of a sweep and `summarise` read no other column back.
pub const SUMMARY_RUNS_COLUMNS: [&str; 35] = [
    "run_index",
    "status",
    "failure_reason",
    "fault_set",
    "mttr_s",
    "detection_s",
    "communication_s",
    "chain_s",
    "optimisation_s",
    "switching_s",
    "verification_s",
    "energy_not_served_kwh",
    "customers_censored",
    "customer_restoration_mean_s",
    "customer_minutes_interrupted",
    "rewards_capped_inr",
    "load_demand_kwh",
    "load_served_kwh",
    "no_sharing_load_served_kwh",
    "ideal_timing_load_served_kwh",
    "bound_load_served_kwh",
    "no_sharing_energy_not_served_kwh",
    "no_sharing_customer_hours",
    "prosumer_own_unserved_kwh",
    "no_sharing_prosumer_own_unserved_kwh",
    "critical_load_hours_lost",
    "first_critical_loss_s",
    "restored_50_s",
    "restored_90_s",
    "restored_100_s",
    "resilience_lambda",
    "resilience_area_h",
    "resilience_phi_per_h",
    "resilience_e_h",
    "resilience_pi_per_h",
];

/// The `runs` table as the summary reads it: a few columns at a time, every run in run order,
/// so that a sweep's summary holds no more than a few of its columns at once.
pub trait RunsColumns {
    /// Those of `names` the table has, every run, in run order.
    fn columns(&self, names: &[&str]) -> Result<DataFrame, SweepError>;
}

/// A `runs` table held whole.
impl RunsColumns for DataFrame {
    fn columns(&self, names: &[&str]) -> Result<DataFrame, SweepError> {
        super::present_columns(self, names, std::path::Path::new("runs"))
    }
}

/// What the summary gathers from a sweep's parts as they come, so that it never holds their
/// interruption records: the runs counted, the IEEE 1366 counts of their interruptions per
/// outage event, and the runs as the annual indices need them.
#[derive(Debug, Clone)]
pub struct Tallies {
    runs: u64,
    per_event: Tally,
    annual: Option<SweepEvents>,
}

impl Tallies {
    /// Nothing gathered yet, for a sweep over `scenario`, with or without the no-sharing
    /// reference's interruptions (its `no_sharing_interruptions` table; without it the annual
    /// indices, if any, are for peer-to-peer only).
    pub fn new(scenario: &Scenario, with_no_sharing: bool) -> Self {
        Tallies {
            runs: 0,
            per_event: Tally::new(&scenario.reliability),
            annual: SweepEvents::new(scenario, with_no_sharing),
        }
    }

    /// Adds some runs: their rows of the `runs` table (at least `run_index` and `fault_set`),
    /// in run order, and every interruption record of theirs, peer-to-peer and with no
    /// sharing. Parts added in run order give the same summary, to the bit, however the sweep
    /// is split into parts and shards.
    pub fn add(
        &mut self,
        runs: &DataFrame,
        interruptions: &[Interruption],
        no_sharing: &[Interruption],
    ) {
        self.runs += runs.height() as u64;
        self.per_event.add(interruptions);
        if let Some(annual) = &mut self.annual {
            annual.add(&run_fault_sets(runs), interruptions, no_sharing);
        }
    }
}

/// Summarises the `runs` and `interruptions` tables of `scenario` (without the no-sharing
/// reference's interruptions: annual indices, if any, for peer-to-peer only).
pub fn summarise(
    scenario: &Scenario,
    runs: &DataFrame,
    interruptions: &[Interruption],
) -> Result<Summary, SweepError> {
    summarise_with_no_sharing(scenario, runs, interruptions, None)
}

/// Each run's index and the fault set it drew (`None` without one), from the `runs` table.
fn run_fault_sets(runs: &DataFrame) -> Vec<(u64, Option<u64>)> {
    let (Ok(index), Ok(set)) = (runs.column("run_index"), runs.column("fault_set")) else {
        return Vec::new();
    };
    let (Ok(index), Ok(set)) = (index.u64(), set.u64()) else {
        return Vec::new();
    };
    index
        .iter()
        .zip(set.iter())
        .filter_map(|(i, s)| Some((i?, s)))
        .collect()
}

/// Summarises the `runs` and `interruptions` tables of `scenario`, held whole, with the
/// `no_sharing_interruptions` table's records for the annual indices' no-sharing column.
pub fn summarise_with_no_sharing(
    scenario: &Scenario,
    runs: &DataFrame,
    interruptions: &[Interruption],
    no_sharing: Option<&[Interruption]>,
) -> Result<Summary, SweepError> {
    let mut tallies = Tallies::new(scenario, no_sharing.is_some());
    tallies.add(runs, interruptions, no_sharing.unwrap_or_default());
    summarise_runs(scenario, runs, &tallies)
}

/// Summarises the runs of `scenario`: their `runs` table read a few columns at a time, and
/// what `tallies` gathered of every run's interruptions.
pub fn summarise_runs(
    scenario: &Scenario,
    runs: &dyn RunsColumns,
    tallies: &Tallies,
) -> Result<Summary, SweepError> {
    let n = tallies.runs;
    let column = |name: &str| Ok::<_, SweepError>(floats(&runs.columns(&[name])?, name));
    let mttr_column = column("mttr_s")?;
    let restored: Vec<bool> = mttr_column.iter().map(Option::is_some).collect();
    let restored_runs = restored.iter().filter(|r| **r).count();
    let mttr = duration_stats(mttr_column.into_iter().flatten().collect());
    let mean_of = |name: &str| {
        let sum = column(name)?
            .into_iter()
            .zip(&restored)
            .filter_map(|(value, restored)| value.filter(|_| *restored))
            .fold(0.0, |a, b| a + b);
        Ok::<_, SweepError>(sum / restored_runs.max(1) as f64)
    };
    let customers = reliability::customers_served(scenario);
    let ens: f64 = column("energy_not_served_kwh")?
        .iter()
        .flatten()
        .fold(0.0, |a, b| a + b);
    let restoration = runs.columns(&["customers_censored", "customer_restoration_mean_s"])?;
    let customer_restoration = restoration
        .column("customers_censored")
        .and_then(|c| c.u64().cloned())
        .ok()
        .filter(|_| restoration.column("customer_restoration_mean_s").is_ok())
        .map(|censored| CustomerRestoration {
            per_run: duration_stats(
                floats(&restoration, "customer_restoration_mean_s")
                    .into_iter()
                    .flatten()
                    .collect(),
            ),
            customers_censored: censored.iter().flatten().sum(),
        });
    drop(restoration);
    let capped_inr: Vec<f64> = column("rewards_capped_inr")?
        .into_iter()
        .flatten()
        .filter(|&inr| inr > 0.0)
        .collect();
    Ok(Summary {
        scenario: scenario.name.clone(),
        runs: n,
        rewards_capped: RewardsCapped {
            runs: capped_inr.len() as u64,
            total_inr: capped_inr.iter().fold(0.0, |a, b| a + b),
        },
        runs_by_status: tally(&runs.columns(&["status"])?, "status"),
        runs_by_failure_reason: tally(&runs.columns(&["failure_reason"])?, "failure_reason"),
        mttr,
        phases_mean: Phases {
            detection_s: mean_of("detection_s")?,
            communication_s: mean_of("communication_s")?,
            chain_s: mean_of("chain_s")?,
            optimisation_s: mean_of("optimisation_s")?,
            switching_s: mean_of("switching_s")?,
            verification_s: mean_of("verification_s")?,
        },
        customer_restoration,
        reliability: tallies.per_event.indices(customers, n),
        reliability_annual: tallies
            .annual
            .as_ref()
            .and_then(|annual| annual.reliability(scenario, Sampling::standard(scenario.seed))),
        energy_not_served: EnergyNotServed {
            total_kwh: ens,
            per_customer_per_event_kwh: ens / (customers * n).max(1) as f64,
        },
        against_no_sharing: against_no_sharing(runs)?,
        against_bound: against_bound(runs)?,
        resilience: resilience(runs)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::Column;

    #[test]
    fn runs_are_counted_by_status_and_reason_and_every_customer_is_weighted() {
        let scenario = crate::scenario::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/campus13.yaml"
        )))
        .unwrap();
        let runs = DataFrame::new_infer_height(vec![
            Column::new("run_index".into(), [0u64, 1, 2]),
            Column::new("mttr_s".into(), [Some(60.0), None, Some(80.0)]),
            Column::new("energy_not_served_kwh".into(), [1.0, 2.0, 3.0]),
            Column::new("status".into(), ["restored", "not_restored", "restored"]),
            Column::new(
                "failure_reason".into(),
                [None, Some("no_capacity"), None::<&str>],
            ),
            Column::new(
                "customer_restoration_mean_s".into(),
                [Some(60.0), Some(3600.0), Some(90.0)],
            ),
            Column::new("customers_censored".into(), [0u64, 2, 0]),
        ])
        .unwrap();
        let s = summarise(&scenario, &runs, &[]).unwrap();
        let status = s.runs_by_status.unwrap();
        assert_eq!((status["restored"], status["not_restored"]), (2, 1));
        let reasons = s.runs_by_failure_reason.unwrap();
        assert_eq!(
            reasons.into_iter().collect::<Vec<_>>(),
            [("no_capacity".to_string(), 1)]
        );
        let mttr = s.mttr.unwrap();
        assert_eq!((mttr.runs, mttr.mean_s), (2, 70.0));
        let restoration = s.customer_restoration.unwrap();
        assert_eq!(restoration.customers_censored, 2);
        let per_run = restoration.per_run.unwrap();
        assert_eq!(
            (per_run.runs, per_run.mean_s, per_run.max_s),
            (3, 1250.0, 3600.0)
        );
        // campus13 serves 3 customers: 6 kWh over 3 customers × 3 runs.
        assert_eq!(s.energy_not_served.per_customer_per_event_kwh, 6.0 / 9.0);
        let r = s.reliability.unwrap();
        assert_eq!((r.customers_served, r.outage_events), (3, 3));
        assert_eq!(r.caidi_min, None);
    }

    #[test]
    fn sharing_is_compared_with_no_sharing_run_by_run() {
        let runs = DataFrame::new_infer_height(vec![
            Column::new("energy_not_served_kwh".into(), [10.0, 0.0, 5.0]),
            Column::new("no_sharing_energy_not_served_kwh".into(), [30.0, 20.0, 5.0]),
            Column::new("customer_minutes_interrupted".into(), [60.0, 0.0, 120.0]),
            Column::new("no_sharing_customer_hours".into(), [3.0, 2.0, 2.0]),
            Column::new("prosumer_own_unserved_kwh".into(), [4.0, 1.0, 0.0]),
            Column::new(
                "no_sharing_prosumer_own_unserved_kwh".into(),
                [1.0, 1.0, 0.0],
            ),
        ])
        .unwrap();
        let a = against_no_sharing(&runs).unwrap().unwrap();
        // Gains 20, 20, 0 kWh; hours avoided 2, 2, 0; prosumers' cost 3, 0, 0 kWh.
        let g = &a.consumers_energy_gain_kwh;
        assert_eq!((g.runs, g.p50, g.p5), (3, 20.0, 2.0));
        assert!((g.mean - 40.0 / 3.0).abs() < 1e-12);
        assert!(g.ci95_low < g.mean && g.mean < g.ci95_high);
        assert_eq!(a.customer_hours_avoided.p50, 2.0);
        assert!((a.prosumers_own_load_cost_kwh.p95 - 2.7).abs() < 1e-12);
        // Without the reference's columns there is no comparison.
        let older = runs.drop("no_sharing_customer_hours").unwrap();
        assert_eq!(against_no_sharing(&older).unwrap(), None);
    }

    #[test]
    fn the_gap_to_the_bound_and_its_split_are_per_run() {
        let ideal: Vec<Option<f64>> = vec![Some(95.0), Some(40.0), None];
        let runs = DataFrame::new_infer_height(vec![
            Column::new("load_demand_kwh".into(), [100.0, 50.0, 10.0]),
            Column::new("load_served_kwh".into(), [90.0, 45.0, 10.0]),
            Column::new("no_sharing_load_served_kwh".into(), [50.0, 20.0, 5.0]),
            Column::new("bound_load_served_kwh".into(), [100.0, 45.0, 10.0]),
            Column::new("ideal_timing_load_served_kwh".into(), ideal),
        ])
        .unwrap();
        let a = against_bound(&runs).unwrap().unwrap();
        // Gaps 10, 0, 0 kWh; shares 0.1, 0, 0.
        assert_eq!((a.gap_kwh.runs, a.gap_kwh.p50), (3, 0.0));
        assert!((a.gap_kwh.mean - 10.0 / 3.0).abs() < 1e-12);
        assert!((a.gap_share.p95 - 0.09).abs() < 1e-12);
        // Split on the two runs with ideal timing: timing 5, −5; the rule 5, 5.
        let (timing, rule) = (a.timing_cost_kwh.unwrap(), a.rule_cost_kwh.unwrap());
        assert_eq!((timing.runs, timing.mean, rule.mean), (2, 0.0, 5.0));
        let without = runs.drop("ideal_timing_load_served_kwh").unwrap();
        assert_eq!(
            against_bound(&without).unwrap().unwrap().timing_cost_kwh,
            None
        );
    }

    #[test]
    fn a_run_without_the_bound_is_left_out_of_the_gap_share_whole() {
        // The first run has no bound: the gap share is the second's alone, 10 / 20, not its
        // gap over the first run's demand.
        let runs = DataFrame::new_infer_height(vec![
            Column::new("load_demand_kwh".into(), [100.0, 20.0]),
            Column::new("load_served_kwh".into(), [90.0, 10.0]),
            Column::new("no_sharing_load_served_kwh".into(), [50.0, 5.0]),
            Column::new("bound_load_served_kwh".into(), [None, Some(20.0)]),
        ])
        .unwrap();
        let share = against_bound(&runs).unwrap().unwrap().gap_share;
        assert_eq!((share.runs, share.mean), (1, 0.5));
    }

    #[test]
    fn without_the_columns_the_counts_say_so() {
        // A runs table of an older blackstart, before runs had a status.
        let runs =
            DataFrame::new_infer_height(vec![Column::new("run_index".into(), [0u64])]).unwrap();
        assert!(crate::sim::tables::runs_frame(&[]).column("status").is_ok());
        assert_eq!(tally(&runs, "status"), None);
        assert_eq!(tally(&runs, "failure_reason"), None);
    }

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 0.5), 2.5);
        assert_eq!(percentile(&v, 0.9), 3.7);
        assert_eq!(percentile(&v, 1.0), 4.0);
        assert_eq!(percentile(&[5.0], 0.99), 5.0);
    }
}
