//! The summary of a sweep: the MTTR distribution with a confidence interval and percentiles, the
//! mean of each phase, and IEEE 1366 reliability indices of the scenario's customers.

use crate::scenario::Scenario;
use crate::sim::Phases;
use polars::prelude::DataFrame;
use serde::Serialize;

/// The MTTR over the runs that restored their outage, s.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MttrStats {
    /// Runs with an MTTR.
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

/// IEEE 1366 indices of the scenario's customers (its consumers), per simulated outage: each
/// run is one outage event, so a frequency is interruptions per customer per outage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reliability {
    /// Customers served: the scenario's consumers.
    pub customers: u64,
    /// Sustained interruptions (over 5 min) per customer per outage.
    pub saifi: f64,
    /// Momentary interruptions (5 min or less) per customer per outage.
    pub maifi: f64,
    /// Minutes of interruption per customer per outage.
    pub saidi_min: f64,
    /// Minutes per customer interruption, momentary included (peer-to-peer restoration is
    /// mostly faster than the 5-minute threshold).
    pub caidi_min: f64,
    /// Share of customer-hours supplied over the runs' horizons.
    pub asai: f64,
    /// Energy not served over all runs, kWh.
    pub energy_not_served_kwh: f64,
    /// Energy not served per customer per outage, kWh.
    pub energy_not_served_per_customer_kwh: f64,
}

/// A sweep's summary (`summary.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The scenario's name.
    pub scenario: String,
    /// Runs summarised.
    pub runs: u64,
    /// MTTR distribution (`None` if no run restored its outage).
    pub mttr: Option<MttrStats>,
    /// Mean of each phase over the runs with an MTTR.
    pub phases_mean: Phases,
    /// IEEE 1366 indices.
    pub reliability: Reliability,
}

/// Linear-interpolation percentile of sorted values (numpy's default), `q` in [0, 1].
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

fn floats(runs: &DataFrame, name: &str) -> Vec<Option<f64>> {
    runs.column(name)
        .and_then(|c| c.f64().cloned())
        .map(|c| c.iter().collect())
        .unwrap_or_default()
}

fn counts(runs: &DataFrame, name: &str) -> Vec<u64> {
    runs.column(name)
        .and_then(|c| c.u64().cloned())
        .map(|c| c.iter().map(|v| v.unwrap_or(0)).collect())
        .unwrap_or_default()
}

/// Summarises a `runs` table of `scenario`.
pub fn summarise(scenario: &Scenario, runs: &DataFrame) -> Summary {
    let n = runs.height() as u64;
    let mttr_column = floats(runs, "mttr_s");
    let restored: Vec<usize> = (0..mttr_column.len())
        .filter(|&i| mttr_column[i].is_some())
        .collect();
    let mut mttr: Vec<f64> = restored.iter().filter_map(|&i| mttr_column[i]).collect();
    mttr.sort_by(f64::total_cmp);
    let mean_of = |name: &str| {
        let values = floats(runs, name);
        let sum = restored
            .iter()
            .filter_map(|&i| values[i])
            .fold(0.0, |a, b| a + b);
        sum / restored.len().max(1) as f64
    };
    let mttr_stats = (!mttr.is_empty()).then(|| {
        let count = mttr.len() as f64;
        let mean = mttr.iter().sum::<f64>() / count;
        let variance = if mttr.len() > 1 {
            mttr.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (count - 1.0)
        } else {
            0.0
        };
        let half_width = 1.96 * (variance / count).sqrt();
        MttrStats {
            runs: mttr.len() as u64,
            mean_s: mean,
            ci95_low_s: mean - half_width,
            ci95_high_s: mean + half_width,
            std_dev_s: variance.sqrt(),
            p50_s: percentile(&mttr, 0.50),
            p90_s: percentile(&mttr, 0.90),
            p95_s: percentile(&mttr, 0.95),
            p99_s: percentile(&mttr, 0.99),
            max_s: mttr[mttr.len() - 1],
        }
    });

    let customers = scenario.entities.consumers.len() as u64;
    let exposures = (customers * n).max(1) as f64;
    let interrupted: u64 = counts(runs, "customers_interrupted").iter().sum();
    let sustained: u64 = counts(runs, "customers_sustained").iter().sum();
    let minutes: f64 = floats(runs, "customer_minutes_interrupted")
        .iter()
        .flatten()
        .sum();
    let ens: f64 = floats(runs, "energy_not_served_kwh").iter().flatten().sum();
    let horizon_min = scenario.time.horizon_s / 60.0;
    Summary {
        scenario: scenario.name.clone(),
        runs: n,
        mttr: mttr_stats,
        phases_mean: Phases {
            detection_s: mean_of("detection_s"),
            communication_s: mean_of("communication_s"),
            chain_s: mean_of("chain_s"),
            optimisation_s: mean_of("optimisation_s"),
            switching_s: mean_of("switching_s"),
            verification_s: mean_of("verification_s"),
        },
        reliability: Reliability {
            customers,
            saifi: sustained as f64 / exposures,
            maifi: (interrupted - sustained) as f64 / exposures,
            saidi_min: minutes / exposures,
            caidi_min: if interrupted > 0 {
                minutes / interrupted as f64
            } else {
                0.0
            },
            asai: 1.0 - minutes / (exposures * horizon_min),
            energy_not_served_kwh: ens,
            energy_not_served_per_customer_kwh: ens / exposures,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_interpolate_like_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&v, 0.5), 2.5);
        assert_eq!(percentile(&v, 0.9), 3.7);
        assert_eq!(percentile(&v, 1.0), 4.0);
        assert_eq!(percentile(&[5.0], 0.99), 5.0);
    }
}
