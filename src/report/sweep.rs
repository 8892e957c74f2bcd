//! `report.html` of a sweep: the MTTR and customer-weighted restoration distributions, the
//! resilience curve (load served against time since the fault, median and 5–95 % band across
//! runs), peer-to-peer against no sharing (and the bound, where computed), and the IEEE 1366
//! indices of the summary.

use super::html::{self, Axis, Line, Provenance};
use crate::sweep::{Parts, RunsColumns, Summary, SweepError};
use polars::prelude::DataFrame;
use std::collections::BTreeMap;

/// Bins of the histograms.
const BINS: usize = 30;

/// Longest stretch after the fault the resilience curve shows, h.
const CURVE_HOURS: f64 = 24.0;

/// The non-null finite values of the f64 column `name` of `runs` (empty when it has none),
/// read alone.
fn values(runs: &dyn RunsColumns, name: &str) -> Result<Vec<f64>, SweepError> {
    Ok(column(&runs.columns(&[name])?, name)
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .filter(|v| v.is_finite())
        .collect())
}

/// The f64 column `name` of `frame`, nulls kept (`None` when there is no such column).
fn column(frame: &DataFrame, name: &str) -> Option<Vec<Option<f64>>> {
    let c = frame.column(name).ok()?.f64().ok()?;
    Some((0..c.len()).map(|i| c.get(i)).collect())
}

/// The u64 column `name` of `frame`, nulls kept (`None` when there is no such column).
fn indices_column(frame: &DataFrame, name: &str) -> Option<Vec<Option<u64>>> {
    let c = frame.column(name).ok()?.u64().ok()?;
    Some((0..c.len()).map(|i| c.get(i)).collect())
}

/// The report of a sweep: its `summary`, its `runs` table (every shard's rows, read a column
/// or a few at a time) and its resilience curve.
pub fn sweep_html(
    summary: &Summary,
    runs: &dyn RunsColumns,
    curve: &ResilienceCurve,
) -> Result<String, SweepError> {
    let mut body = html::paragraph(&format!(
        "Scenario {}: {} runs. Every figure is a distribution over the runs (never one \
         averaged run); the numbers are those of summary.json and the Parquet tables beside \
         this file.",
        summary.scenario, summary.runs
    ));
    body.push_str(&distributions(runs)?);
    body.push_str(&resilience_curve(curve));
    body.push_str(&against_references(summary, runs)?);
    body.push_str(&indices(summary));
    Ok(html::page(&format!("Sweep: {}", summary.scenario), &body))
}

fn distributions(runs: &dyn RunsColumns) -> Result<String, SweepError> {
    let mttr_min: Vec<f64> = values(runs, "mttr_s")?.iter().map(|s| s / 60.0).collect();
    let restoration_h: Vec<f64> = values(runs, "customer_restoration_mean_s")?
        .iter()
        .map(|s| s / 3600.0)
        .collect();
    let mut body = String::new();
    body.push_str(&if mttr_min.is_empty() {
        html::paragraph("MTTR: no run restored an island.")
    } else {
        html::figure(
            "MTTR (eq. 15) per run",
            &html::histogram("MTTR (min)", &[("runs", &mttr_min)], BINS),
            &format!(
                "Distribution over the {} runs that restored an island of eq. 15's MTTR (mean \
                 over the run's restored islands of restoration − loss of supply). The paper \
                 reports one value, 19 s (docs/model.md §7).",
                mttr_min.len()
            ),
            Provenance::Reproduced,
        )
    });
    body.push_str(&if restoration_h.is_empty() {
        html::paragraph("Customer-weighted restoration: no run interrupted a customer.")
    } else {
        html::figure(
            "Customer-weighted restoration time per run",
            &html::histogram(
                "customer-weighted restoration time (h)",
                &[("runs", &restoration_h)],
                BINS,
            ),
            &format!(
                "Distribution over {} runs of the mean, over every customer interruption of the \
                 run (a consumer's counted once per customer behind it; shed and never-restored \
                 ones included, censored at the window's end), of its duration.",
                restoration_h.len()
            ),
            Provenance::Extension,
        )
    });
    Ok(html::section("restoration", "Restoration times", &body))
}

/// The columns of the `intervals` table the resilience curve reads.
const INTERVALS_COLUMNS: [&str; 6] = [
    "run_index",
    "interval",
    "demand_kwh",
    "prosumer_own_demand_kwh",
    "served_kwh",
    "prosumer_own_served_kwh",
];

/// The columns of the `runs` table the resilience curve reads.
const FAULT_COLUMNS: [&str; 2] = ["run_index", "fault_time_s"];

/// Where the curve's quantiles are taken, as its band and median are drawn.
const CURVE_QUANTILES: [f64; 3] = [0.05, 0.5, 0.95];

/// Buckets of [0, 1] in which the curve first counts the shares (see [`ResilienceCurve`]).
const BUCKETS: usize = 4096;

/// The resilience curve's quantiles, gathered from the `intervals` table one part at a time
/// (a part holds whole runs), so that a sweep of any size never holds its intervals table nor
/// a share per run and interval: per meter interval since the fault's (0 to the curve's end),
/// the 5th, 50th and 95th percentiles over the runs of the share of the islands' load each run
/// served, where it had an island with load; every other run counts as fully served there.
///
/// The percentiles are exact, as of every share sorted: a first pass over the parts counts
/// each interval's shares in [`BUCKETS`] buckets of [0, 1] (and one below, one above), which
/// tells the bucket of each order statistic a percentile interpolates between; a second pass
/// keeps only the shares in those buckets, sorted at the end.
pub struct ResilienceCurve {
    interval_s: f64,
    /// Runs with a fault time.
    runs: usize,
    /// Per interval since the fault's, the shares counted by bucket (empty until one comes).
    counts: Vec<Vec<u64>>,
    /// Per interval since the fault's and bucket an order statistic falls in, the shares of
    /// that bucket (kept in the second pass).
    kept: BTreeMap<(usize, usize), Vec<f64>>,
    /// The latest interval since the fault's at which any run had an island row.
    last: Option<i64>,
}

/// The bucket of a share, in the order `f64::total_cmp` sorts: below 0 (and negative NaN) 0,
/// [0, 1] in `1..=BUCKETS + 1` (exactly 1 alone in the last of them), above 1 (and NaN)
/// `BUCKETS + 2`.
fn bucket(share: f64) -> usize {
    if share.is_nan() {
        return if share.is_sign_negative() {
            0
        } else {
            BUCKETS + 2
        };
    }
    if share < 0.0 {
        0
    } else if share > 1.0 {
        BUCKETS + 2
    } else {
        1 + (share * BUCKETS as f64) as usize
    }
}

/// The bucket every run without an island counts in: that of a share of exactly 1.
const SERVED: usize = BUCKETS + 1;

impl ResilienceCurve {
    /// A curve of no run yet, `interval_s` the meter interval.
    pub fn new(interval_s: f64) -> Self {
        let steps = (CURVE_HOURS * 3600.0 / interval_s).ceil() as usize;
        Self {
            interval_s,
            runs: 0,
            counts: vec![Vec::new(); steps + 1],
            kept: BTreeMap::new(),
            last: None,
        }
    }

    /// Gathers the curve of the sweep `parts`: their `runs` fault times and `intervals` table,
    /// read twice, one part at a time.
    pub fn gather(&mut self, parts: &Parts) -> Result<(), SweepError> {
        self.gather_from(|each| {
            parts.for_each("intervals", &FAULT_COLUMNS, &INTERVALS_COLUMNS, each)
        })
    }

    /// Gathers the curve of the parts `for_each` hands over (`runs` rows and `intervals` rows
    /// of each part, every part each time it is called): it is called twice.
    fn gather_from<E>(
        &mut self,
        mut for_each: impl FnMut(&mut dyn FnMut(&DataFrame, &DataFrame)) -> Result<(), E>,
    ) -> Result<(), E> {
        for_each(&mut |runs, intervals| self.count(runs, intervals))?;
        self.plan();
        for_each(&mut |runs, intervals| self.keep(runs, intervals))?;
        for shares in self.kept.values_mut() {
            shares.sort_by(f64::total_cmp);
        }
        Ok(())
    }

    /// First pass: counts the runs of one part (`runs`: `run_index`, `fault_time_s`) and the
    /// shares of its `intervals` rows (the columns of [`INTERVALS_COLUMNS`]) by bucket.
    fn count(&mut self, runs: &DataFrame, intervals: &DataFrame) {
        let shares = self.shares(runs, intervals);
        self.runs += fault_times(runs).len();
        for (offset, share) in shares {
            self.last = Some(self.last.map_or(offset, |last| last.max(offset)));
            let Some(share) = share else {
                continue;
            };
            if let Some(counts) = self.step(offset).and_then(|k| self.counts.get_mut(k)) {
                if counts.is_empty() {
                    *counts = vec![0; BUCKETS + 3];
                }
                counts[bucket(share)] += 1;
            }
        }
    }

    /// Between the passes: the buckets each interval's order statistics fall in.
    fn plan(&mut self) {
        for k in 0..self.counts.len() {
            for rank in self.ranks() {
                // A share of exactly 1 needs no keeping.
                if let Some((bucket, _)) = self.find(k, rank).filter(|&(b, _)| b != SERVED) {
                    self.kept.entry((k, bucket)).or_default();
                }
            }
        }
    }

    /// Second pass: keeps, of one part's shares, those in a bucket [`Self::plan`] chose.
    fn keep(&mut self, runs: &DataFrame, intervals: &DataFrame) {
        for (offset, share) in self.shares(runs, intervals) {
            if let (Some(k), Some(share)) = (self.step(offset), share)
                && let Some(kept) = self.kept.get_mut(&(k, bucket(share)))
            {
                kept.push(share);
            }
        }
    }

    /// The ranks, in the sorted shares of an interval (one per run), that the percentiles
    /// interpolate between.
    fn ranks(&self) -> Vec<usize> {
        if self.runs == 0 {
            return Vec::new();
        }
        CURVE_QUANTILES
            .iter()
            .flat_map(|&q| {
                let (below, above, _) = html::quantile_ranks(self.runs, q);
                [below, above]
            })
            .collect()
    }

    /// The bucket of interval `k`'s share of rank `rank` (every run counted, those without an
    /// island at 1) and its rank within the bucket; `None` before any share of `k`.
    fn find(&self, k: usize, rank: usize) -> Option<(usize, usize)> {
        let counts = self.counts.get(k).filter(|c| !c.is_empty())?;
        let with_island: u64 = counts.iter().sum();
        let served = self.runs as u64 - with_island;
        let mut below = 0;
        for (bucket, &count) in counts.iter().enumerate() {
            let count = count + if bucket == SERVED { served } else { 0 };
            if (rank as u64) < below + count {
                return Some((bucket, (rank as u64 - below) as usize));
            }
            below += count;
        }
        None
    }

    /// Interval `k`'s share of rank `rank`, once gathered.
    fn share(&self, k: usize, rank: usize) -> f64 {
        match self.find(k, rank) {
            // Exactly 1: the runs without an island, and shares of 1.
            Some((SERVED, _)) | None => 1.0,
            Some((bucket, within)) => self.kept[&(k, bucket)][within],
        }
    }

    /// Interval `k`'s percentile `q` over the runs, as [`html::quantile`] of every run's share
    /// sorted.
    fn quantile(&self, k: usize, q: f64) -> f64 {
        html::quantile(self.runs, q, |rank| self.share(k, rank))
    }

    /// The step (interval since the fault's) of `offset`, within the curve.
    fn step(&self, offset: i64) -> Option<usize> {
        usize::try_from(offset)
            .ok()
            .filter(|&k| k < self.counts.len())
    }

    /// Each (interval since the fault's, share of the islands' load served) of one part's
    /// runs that had islands, a run's islands in one interval summed; no share where the
    /// islands had no load.
    fn shares(&self, runs: &DataFrame, intervals: &DataFrame) -> Vec<(i64, Option<f64>)> {
        let fault_s = fault_times(runs);
        // (run, interval since the fault's) → (load, served), this part's runs only.
        let mut cells: BTreeMap<(u64, i64), (f64, f64)> = BTreeMap::new();
        // The islands' load, as docs/model.md §10's curve: consumers' demand and prosumers' own.
        let load = |a: &str, b: &str| -> Option<Vec<Option<f64>>> {
            let (a, b) = (column(intervals, a)?, column(intervals, b)?);
            Some(a.into_iter().zip(b).map(|(a, b)| Some(a? + b?)).collect())
        };
        if let (Some(run), Some(interval), Some(demand), Some(served)) = (
            indices_column(intervals, "run_index"),
            indices_column(intervals, "interval"),
            load("demand_kwh", "prosumer_own_demand_kwh"),
            load("served_kwh", "prosumer_own_served_kwh"),
        ) {
            for (((r, k), d), s) in run.into_iter().zip(interval).zip(demand).zip(served) {
                let (Some(r), Some(k), Some(d), Some(s)) = (r, k, d, s) else {
                    continue;
                };
                let Some(&fault_s) = fault_s.get(&r) else {
                    continue;
                };
                let offset = k as i64 - (fault_s / self.interval_s).floor() as i64;
                let cell = cells.entry((r, offset)).or_default();
                cell.0 += d;
                cell.1 += s;
            }
        }
        cells
            .into_iter()
            .map(|((_, offset), (d, s))| (offset, (d > 0.0).then(|| s / d)))
            .collect()
    }
}

/// Each run's fault time, s, from rows of the `runs` table (`run_index`, `fault_time_s`).
fn fault_times(runs: &DataFrame) -> BTreeMap<u64, f64> {
    indices_column(runs, "run_index")
        .zip(column(runs, "fault_time_s"))
        .map(|(index, fault)| {
            index
                .into_iter()
                .zip(fault)
                .filter_map(|(i, f)| Some((i?, f?)))
                .collect()
        })
        .unwrap_or_default()
}

/// The share of the islands' load served, per run, by meter interval since the fault's
/// interval: the median and the 5–95 % band over the runs of `curve`; an interval in which a
/// run had no island (before it formed, after the grid took it back) counts as fully served.
fn resilience_curve(curve: &ResilienceCurve) -> String {
    let interval_s = curve.interval_s;
    let runs = curve.runs;
    let last = curve.last.unwrap_or(0).min(curve.counts.len() as i64 - 1);
    let mut median = Vec::new();
    let mut band = Vec::new();
    for k in 0..=last {
        if runs == 0 {
            continue;
        }
        let k = k as usize;
        let t_h = k as f64 * interval_s / 3600.0;
        median.push((t_h, curve.quantile(k, CURVE_QUANTILES[1])));
        band.push((
            t_h,
            curve.quantile(k, CURVE_QUANTILES[0]),
            curve.quantile(k, CURVE_QUANTILES[2]),
        ));
    }
    let body = if curve.last.is_none() {
        html::paragraph(
            "No island interval in this sweep's intervals table (no run cut an island off, or \
             the table is absent): no resilience curve to draw.",
        )
    } else {
        let chart = html::line_chart(
            &Axis::new(
                "time since the fault's meter interval (h)",
                0.0,
                (last as f64 * interval_s / 3600.0).max(interval_s / 3600.0),
            ),
            &Axis::new("load served (share of the islands' load)", 0.0, 1.05),
            &[Line {
                name: "median, 5–95 % band".into(),
                points: median,
                band,
                dashed: false,
            }],
        );
        html::figure(
            "Resilience curve: load served after the fault",
            &chart,
            &format!(
                "For each meter interval after the fault's, the share of the islands' load \
                 served — consumers' demand and prosumers' own load (from the intervals table, \
                 summed over a run's islands; docs/model.md §10) — median across the {} runs and the band from the 5th to the 95th \
                 percentile. An interval in which a run had no island (grid back, or nothing cut \
                 off) counts as fully served. The fault's own interval includes the minutes \
                 before the restoration.",
                runs
            ),
            Provenance::Extension,
        )
    };
    html::section("resilience-curve", "Resilience curve", &body)
}

/// The columns of the `runs` table that compare peer-to-peer with its references: energies
/// served, kWh, by name. The bound's and the served energies are added by the references'
/// work; whatever of them the table carries is drawn.
pub const REFERENCE_COLUMNS: [(&str, &str); 4] = [
    ("load_served_kwh", "peer-to-peer"),
    ("no_sharing_load_served_kwh", "no sharing"),
    ("ideal_timing_load_served_kwh", "ideal timing"),
    ("bound_load_served_kwh", "perfect-information bound"),
];

/// Peer-to-peer against no sharing and against the bound: the summary's `against_no_sharing`,
/// and whatever of [`REFERENCE_COLUMNS`], `resilience_area_h` and the energies not served the
/// `runs` table carries. The one place the report knows the references' columns.
fn against_references(summary: &Summary, runs: &dyn RunsColumns) -> Result<String, SweepError> {
    let mut body = String::new();
    if let Some(a) = &summary.against_no_sharing {
        let spreads = [
            (
                "consumers' energy served that no sharing leaves unserved",
                "kWh",
                &a.consumers_energy_gain_kwh,
            ),
            (
                "consumers' time without supply avoided",
                "customer-hours",
                &a.customer_hours_avoided,
            ),
            (
                "prosumers' own load given up beyond no sharing",
                "kWh",
                &a.prosumers_own_load_cost_kwh,
            ),
        ];
        let rows: Vec<Vec<String>> = spreads
            .iter()
            .map(|(name, unit, s)| {
                vec![
                    name.to_string(),
                    unit.to_string(),
                    s.runs.to_string(),
                    format!("{:.1} ({:.1} – {:.1})", s.mean, s.ci95_low, s.ci95_high),
                    format!("{:.1}", s.p5),
                    format!("{:.1}", s.p50),
                    format!("{:.1}", s.p95),
                ]
            })
            .collect();
        body.push_str(&html::paragraph(
            "Peer-to-peer against no sharing, per run on the same draws (summary.json \
             against_no_sharing): distributions over runs.",
        ));
        body.push_str(&html::table(
            &[
                "per run",
                "unit",
                "runs",
                "mean (95 % CI)",
                "p5",
                "p50",
                "p95",
            ],
            &rows,
        ));
    }
    let mut served: Vec<(&str, Vec<f64>)> = Vec::new();
    for (name, label) in REFERENCE_COLUMNS {
        let v = values(runs, name)?;
        if !v.is_empty() {
            served.push((label, v));
        }
    }
    if served.is_empty() {
        body.push_str(&html::paragraph(
            "Energy served by peer-to-peer, no sharing and the perfect-information bound: not \
             computed (this sweep's runs table has no served-energy columns).",
        ));
    } else {
        let samples: Vec<(&str, &[f64])> = served.iter().map(|(l, v)| (*l, &v[..])).collect();
        let missing: Vec<&str> = REFERENCE_COLUMNS
            .iter()
            .filter(|(_, l)| !served.iter().any(|(m, _)| m == l))
            .map(|(_, l)| *l)
            .collect();
        body.push_str(&html::figure(
            "The islands' load served per run",
            &html::histogram("energy served (kWh)", &samples, BINS),
            &format!(
                "Distribution over runs of the islands' load served while cut off (consumers' \
                 demand and prosumers' own load; the runs table's load_served_kwh and its \
                 references, docs/model.md §11), on each run's own draws. The bound is never \
                 below peer-to-peer. Not computed: {}.",
                if missing.is_empty() {
                    "nothing".to_string()
                } else {
                    missing.join(", ")
                }
            ),
            Provenance::Extension,
        ));
    }
    let area_h = values(runs, "resilience_area_h")?;
    if !area_h.is_empty() {
        body.push_str(&html::figure(
            "Area of the resilience curve per run",
            &html::histogram("resilience area (h)", &[("runs", &area_h)], BINS),
            "Distribution over runs of the area of the resilience curve (the runs table's \
             resilience_area_h, docs/outputs.md).",
            Provenance::Extension,
        ));
    }
    let p2p = values(runs, "energy_not_served_kwh")?;
    let none = values(runs, "no_sharing_energy_not_served_kwh")?;
    if !p2p.is_empty() && !none.is_empty() {
        body.push_str(&html::figure(
            "Consumers' energy not served per run: peer-to-peer against no sharing",
            &html::histogram(
                "energy not served (kWh)",
                &[("peer-to-peer", &p2p), ("no sharing", &none)],
                BINS,
            ),
            "Distribution over runs of the consumers' demand not served: as simulated with \
             peer-to-peer restoration, and with no sharing (cut-off consumers dark until the \
             grid returns) on the same draws (docs/model.md §11).",
            Provenance::Extension,
        ));
    }
    Ok(html::section(
        "references",
        "Peer-to-peer against no sharing and the bound",
        &body,
    ))
}

fn indices(summary: &Summary) -> String {
    let body = match &summary.reliability {
        None => html::paragraph("IEEE 1366 indices: not computed (no customers or no runs)."),
        Some(i) => {
            let mut rows = vec![
                vec![
                    "SAIFI".into(),
                    format!("{:.4}", i.saifi_per_event),
                    "interruptions per customer served, per outage event".into(),
                ],
                vec![
                    "SAIDI".into(),
                    format!("{:.2}", i.saidi_per_event_min),
                    "min per customer served, per outage event".into(),
                ],
                vec![
                    "CAIDI".into(),
                    i.caidi_min.map_or("–".into(), |v| format!("{v:.2}")),
                    "min per sustained interruption".into(),
                ],
                vec![
                    "MAIFI_E".into(),
                    format!("{:.4}", i.maifi_e_per_event),
                    "momentary events per customer served, per outage event".into(),
                ],
                vec![
                    "ASAI".into(),
                    format!("{:.6}", i.asai_per_event),
                    format!(
                        "share, over {} min holding one such event",
                        i.asai_period_min
                    ),
                ],
            ];
            for c in &i.cemi_per_event {
                rows.push(vec![
                    format!("CEMI_{}", c.n),
                    format!("{:.4}", c.share),
                    "share of customers, per outage event".into(),
                ]);
            }
            for c in &i.celid_per_event {
                rows.push(vec![
                    format!("CELID-s / CELID-t ({} min)", c.t_min),
                    format!("{:.4} / {:.4}", c.single, c.total),
                    "share of customers, per outage event".into(),
                ]);
            }
            html::paragraph(&format!(
                "{} ({} customers served, {} outage events, {} customer interruptions of \
                 which {} sustained).",
                i.basis,
                i.customers_served,
                i.outage_events,
                i.customer_interruptions,
                i.sustained_interruptions
            )) + &html::table(&["index", "value", "unit"], &rows)
        }
    };
    html::section("indices", "IEEE 1366 indices", &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::{Column, DataFrame};

    fn intervals(rows: &[(u64, u64, f64, f64)]) -> DataFrame {
        let col = |name: &str, v: Vec<f64>| Column::new(name.into(), v);
        DataFrame::new_infer_height(vec![
            Column::new(
                "run_index".into(),
                rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "interval".into(),
                rows.iter().map(|r| r.1).collect::<Vec<_>>(),
            ),
            col("demand_kwh", rows.iter().map(|r| r.2).collect()),
            col("prosumer_own_demand_kwh", vec![0.0; rows.len()]),
            col("served_kwh", rows.iter().map(|r| r.3).collect()),
            col("prosumer_own_served_kwh", vec![0.0; rows.len()]),
        ])
        .unwrap()
    }

    fn runs(faults: &[(u64, f64)]) -> DataFrame {
        DataFrame::new_infer_height(vec![
            Column::new(
                "run_index".into(),
                faults.iter().map(|f| f.0).collect::<Vec<_>>(),
            ),
            Column::new(
                "fault_time_s".into(),
                faults.iter().map(|f| f.1).collect::<Vec<_>>(),
            ),
        ])
        .unwrap()
    }

    /// The curve of `parts` (each a part's runs and intervals rows), 900 s meter interval.
    fn curve(parts: &[(DataFrame, DataFrame)]) -> ResilienceCurve {
        let mut curve = ResilienceCurve::new(900.0);
        curve
            .gather_from(|each| {
                for (runs, intervals) in parts {
                    each(runs, intervals);
                }
                Ok::<_, ()>(())
            })
            .unwrap();
        curve
    }

    #[test]
    fn the_curve_sums_a_runs_islands_and_counts_runs_without_one_as_served() {
        // Runs 0 and 2 fault in interval 0, run 1 in interval 1 (900 s meter interval).
        let faults = [(0, 100.0), (1, 1000.0), (2, 0.0)];
        let rows = [
            (0, 0, 1.0, 0.5),
            (0, 1, 2.0, 2.0),
            // Run 1's two islands in its fault's interval: 0.8 of 2 kWh.
            (1, 1, 1.0, 0.2),
            (1, 1, 1.0, 0.6),
            // No load: counts as served, like no island.
            (1, 2, 0.0, 0.0),
        ];
        let whole = curve(&[(runs(&faults), intervals(&rows))]);
        // Shares 0.5, 0.4 and run 2's 1 in the fault's interval; 1, 1, 1 in the next.
        assert_eq!(whole.quantile(0, 0.5), 0.5);
        assert_eq!(whole.quantile(0, 0.05), 0.4 + 0.1 * (0.5 - 0.4));
        assert_eq!(whole.quantile(1, 0.05), 1.0);
        // Run 1's no-load interval is its second after the fault's.
        assert_eq!(whole.last, Some(1));
        // Part by part (each part whole runs), the same.
        let parts = curve(&[
            (runs(&faults[..1]), intervals(&rows[..2])),
            (runs(&faults[1..]), intervals(&rows[2..])),
        ]);
        for k in 0..2 {
            for q in CURVE_QUANTILES {
                assert_eq!(parts.quantile(k, q), whole.quantile(k, q));
            }
        }
        let page = resilience_curve(&whole);
        assert!(page.contains("median across the 3 runs"), "{page}");
    }

    /// The percentiles are those of every run's share sorted, to the bit: thousands of runs
    /// in parts, shares crowding some buckets, repeated, exactly 1, and runs without an island.
    #[test]
    fn the_curves_percentiles_equal_those_of_every_share_sorted() {
        let mut state = 7u64;
        let mut draw = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let count = 5000u64;
        let mut parts = Vec::new();
        // Per interval since the fault's, every run's share (1 without an island).
        let mut expected = vec![Vec::new(); 4];
        for first in (0..count).step_by(700) {
            let part: Vec<u64> = (first..(first + 700).min(count)).collect();
            let faults: Vec<(u64, f64)> =
                part.iter().map(|&r| (r, (r % 3) as f64 * 900.0)).collect();
            let mut rows = Vec::new();
            for &r in &part {
                for offset in 0..4u64 {
                    let share = match r % 5 {
                        0 => 1.0,
                        1 => 0.25,
                        2 => 0.999 + draw() / 1e4,
                        _ => draw(),
                    };
                    let with_island = (r + offset) % 4 != 0;
                    if with_island {
                        rows.push((r, r % 3 + offset, 2.0, 2.0 * share));
                    }
                    expected[offset as usize].push(if with_island {
                        2.0 * share / 2.0
                    } else {
                        1.0
                    });
                }
            }
            parts.push((runs(&faults), intervals(&rows)));
        }
        let gathered = curve(&parts);
        for (k, shares) in expected.iter_mut().enumerate() {
            shares.sort_by(f64::total_cmp);
            for q in CURVE_QUANTILES {
                assert_eq!(
                    gathered.quantile(k, q),
                    html::quantile(shares.len(), q, |i| shares[i]),
                    "{k} {q}"
                );
            }
        }
        // Only the buckets the percentiles fall in were kept.
        let kept: usize = gathered.kept.values().map(Vec::len).sum();
        assert!(kept < (count as usize) / 2, "{kept}");
    }
}
