//! `report.html` of a sweep: the MTTR and customer-weighted restoration distributions, the
//! resilience curve (load served against time since the fault, median and 5–95 % band across
//! runs), peer-to-peer against no sharing (and the bound, where computed), and the IEEE 1366
//! indices of the summary.

use super::html::{self, Axis, Line, Provenance, quantile};
use crate::sweep::Summary;
use polars::prelude::DataFrame;
use std::collections::BTreeMap;

/// Bins of the histograms.
const BINS: usize = 30;

/// Longest stretch after the fault the resilience curve shows, h.
const CURVE_HOURS: f64 = 24.0;

/// The non-null finite values of the f64 column `name` of `frame` (empty when it has none).
fn values(frame: &DataFrame, name: &str) -> Vec<f64> {
    column(frame, name)
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .filter(|v| v.is_finite())
        .collect()
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

/// The report of a sweep: its `summary`, its `runs` table (every shard's rows, at least the
/// columns of [`RUNS_COLUMNS`]) and its resilience curve.
pub fn sweep_html(summary: &Summary, runs: &DataFrame, curve: &ResilienceCurve) -> String {
    let mut body = html::paragraph(&format!(
        "Scenario {}: {} runs. Every figure is a distribution over the runs (never one \
         averaged run); the numbers are those of summary.json and the Parquet tables beside \
         this file.",
        summary.scenario, summary.runs
    ));
    body.push_str(&distributions(runs));
    body.push_str(&resilience_curve(curve));
    body.push_str(&against_references(summary, runs));
    body.push_str(&indices(summary));
    html::page(&format!("Sweep: {}", summary.scenario), &body)
}

fn distributions(runs: &DataFrame) -> String {
    let mttr_min: Vec<f64> = values(runs, "mttr_s").iter().map(|s| s / 60.0).collect();
    let restoration_h: Vec<f64> = values(runs, "customer_restoration_mean_s")
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
    html::section("restoration", "Restoration times", &body)
}

/// The columns of the `runs` table the report reads; nothing else of the table is loaded.
pub const RUNS_COLUMNS: [&str; 11] = [
    "run_index",
    "fault_time_s",
    "mttr_s",
    "customer_restoration_mean_s",
    "energy_not_served_kwh",
    "no_sharing_energy_not_served_kwh",
    "resilience_area_h",
    REFERENCE_COLUMNS[0].0,
    REFERENCE_COLUMNS[1].0,
    REFERENCE_COLUMNS[2].0,
    REFERENCE_COLUMNS[3].0,
];

/// The columns of the `intervals` table the resilience curve reads.
pub const INTERVALS_COLUMNS: [&str; 6] = [
    "run_index",
    "interval",
    "demand_kwh",
    "prosumer_own_demand_kwh",
    "served_kwh",
    "prosumer_own_served_kwh",
];

/// The resilience curve's data, gathered from the `intervals` table one part at a time (a part
/// holds whole runs), so that a sweep of any size never holds its intervals table: per meter
/// interval since the fault's, the share of the islands' load each run served where it had an
/// island with load. Every other run counts as fully served there.
pub struct ResilienceCurve {
    interval_s: f64,
    /// Each run's fault time, s.
    fault_s: BTreeMap<u64, f64>,
    /// Per interval since the fault's (0 to the curve's end), the shares of the runs that had
    /// islands with load in it.
    shares: Vec<Vec<f64>>,
    /// The latest interval since the fault's at which any run had an island row.
    last: Option<i64>,
}

impl ResilienceCurve {
    /// An empty curve for the runs of `runs` (`run_index` and `fault_time_s`), `interval_s` the
    /// meter interval.
    pub fn new(runs: &DataFrame, interval_s: f64) -> Self {
        let fault_s = indices_column(runs, "run_index")
            .zip(column(runs, "fault_time_s"))
            .map(|(index, fault)| {
                index
                    .into_iter()
                    .zip(fault)
                    .filter_map(|(i, f)| Some((i?, f?)))
                    .collect()
            })
            .unwrap_or_default();
        let steps = (CURVE_HOURS * 3600.0 / interval_s).ceil() as usize;
        Self {
            interval_s,
            fault_s,
            shares: vec![Vec::new(); steps + 1],
            last: None,
        }
    }

    /// Adds the rows of one part of the `intervals` table (the columns of
    /// [`INTERVALS_COLUMNS`]); a run's islands in one interval are summed.
    pub fn add(&mut self, intervals: &DataFrame) {
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
                let Some(&fault_s) = self.fault_s.get(&r) else {
                    continue;
                };
                let offset = k as i64 - (fault_s / self.interval_s).floor() as i64;
                let cell = cells.entry((r, offset)).or_default();
                cell.0 += d;
                cell.1 += s;
            }
        }
        for ((_, offset), (d, s)) in cells {
            self.last = Some(self.last.map_or(offset, |last| last.max(offset)));
            let Ok(k) = usize::try_from(offset) else {
                continue;
            };
            if let Some(shares) = self.shares.get_mut(k).filter(|_| d > 0.0) {
                shares.push(s / d);
            }
        }
    }
}

/// The share of the islands' load served, per run, by meter interval since the fault's
/// interval: the median and the 5–95 % band over the runs of `curve`; an interval in which a
/// run had no island (before it formed, after the grid took it back) counts as fully served.
fn resilience_curve(curve: &ResilienceCurve) -> String {
    let interval_s = curve.interval_s;
    let runs = curve.fault_s.len();
    let last = curve.last.unwrap_or(0).min(curve.shares.len() as i64 - 1);
    let mut median = Vec::new();
    let mut band = Vec::new();
    for k in 0..=last {
        let with_island = &curve.shares[k as usize];
        let mut shares: Vec<f64> = with_island
            .iter()
            .copied()
            .chain(std::iter::repeat_n(
                1.0,
                runs.saturating_sub(with_island.len()),
            ))
            .collect();
        if shares.is_empty() {
            continue;
        }
        shares.sort_by(f64::total_cmp);
        let t_h = k as f64 * interval_s / 3600.0;
        median.push((t_h, quantile(&shares, 0.5)));
        band.push((t_h, quantile(&shares, 0.05), quantile(&shares, 0.95)));
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
fn against_references(summary: &Summary, runs: &DataFrame) -> String {
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
    let served: Vec<(&str, Vec<f64>)> = REFERENCE_COLUMNS
        .iter()
        .map(|(name, label)| (*label, values(runs, name)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
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
    let area_h = values(runs, "resilience_area_h");
    if !area_h.is_empty() {
        body.push_str(&html::figure(
            "Area of the resilience curve per run",
            &html::histogram("resilience area (h)", &[("runs", &area_h)], BINS),
            "Distribution over runs of the area of the resilience curve (the runs table's \
             resilience_area_h, docs/outputs.md).",
            Provenance::Extension,
        ));
    }
    let p2p = values(runs, "energy_not_served_kwh");
    let none = values(runs, "no_sharing_energy_not_served_kwh");
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
    html::section(
        "references",
        "Peer-to-peer against no sharing and the bound",
        &body,
    )
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

    #[test]
    fn the_curve_sums_a_runs_islands_and_counts_runs_without_one_as_served() {
        // Runs 0 and 2 fault in interval 0, run 1 in interval 1 (900 s meter interval).
        let runs = DataFrame::new_infer_height(vec![
            Column::new("run_index".into(), vec![0u64, 1, 2]),
            Column::new("fault_time_s".into(), vec![100.0, 1000.0, 0.0]),
        ])
        .unwrap();
        let rows = [
            (0, 0, 1.0, 0.5),
            (0, 1, 2.0, 2.0),
            // Run 1's two islands in its fault's interval: 0.8 of 2 kWh.
            (1, 1, 1.0, 0.2),
            (1, 1, 1.0, 0.6),
            // No load: counts as served, like no island.
            (1, 2, 0.0, 0.0),
        ];
        let mut whole = ResilienceCurve::new(&runs, 900.0);
        whole.add(&intervals(&rows));
        assert_eq!(whole.shares[0], vec![0.5, 0.4]);
        assert_eq!(whole.shares[1], vec![1.0]);
        assert_eq!(whole.last, Some(1));
        // Part by part (each part whole runs), the same.
        let mut parts = ResilienceCurve::new(&runs, 900.0);
        parts.add(&intervals(&rows[..2]));
        parts.add(&intervals(&rows[2..]));
        assert_eq!(parts.shares, whole.shares);
        // Median of [0.4, 0.5, 1.0] (run 2 had no island) in the fault's interval.
        let page = resilience_curve(&whole);
        assert!(page.contains("median across the 3 runs"), "{page}");
    }
}
