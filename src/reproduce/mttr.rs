//! The MTTR (eq. 15) against the paper's 19 s: one nominal run of the testbed with its six
//! phases, and a Monte-Carlo sweep's distribution.

use super::ReproduceError;
use super::comparison::{Paper, Printed, Row, Section};
use super::paper::{self, reasons, timing};
use crate::output::OutputError;
use crate::sim::{Phases, Recording, RunPlan, RunReport, Simulator};
use crate::sweep::{self, Shard, Summary, SweepOptions};
use std::path::Path;

/// The phases with their names, in the order of a restoration.
pub fn named_phases(p: &Phases) -> [(&'static str, f64); 6] {
    [
        ("detection", p.detection_s),
        ("communication", p.communication_s),
        ("chain", p.chain_s),
        ("optimisation", p.optimisation_s),
        ("switching", p.switching_s),
        ("verification", p.verification_s),
    ]
}

/// The paper's statement on each phase, in the order of [`named_phases`].
fn paper_phases() -> [Paper; 6] {
    [
        Paper::AtMost(timing::DETECTION_MAX_S),
        Paper::NotPublished,
        Paper::Number(Printed::new(timing::CHAIN_S, 0)),
        Paper::AtMost(timing::OPTIMISATION_MAX_S),
        Paper::Number(Printed::new(timing::SWITCHING_S, 0)),
        Paper::NotPublished,
    ]
}

/// One outage of `simulator`'s scenario as written (its seed, no Monte-Carlo variation).
pub fn nominal_run(simulator: &Simulator) -> Result<RunReport, ReproduceError> {
    let scenario = simulator.scenario();
    let plan = RunPlan::nominal(scenario, scenario.seed);
    Ok(simulator.run(&plan, Recording::default())?)
}

/// The single run's MTTR and phases against the paper's 19 s and its stated components.
pub fn single_run_section(report: &RunReport) -> Result<Section, ReproduceError> {
    let mttr_s = report.mttr_s.ok_or(ReproduceError::NotRestored {
        scenario: "the nominal run".into(),
    })?;
    let mut section = Section::new(
        "MTTR — one outage (eq. 15)",
        "§VIII.C, eq. 15: 19 s; detection under 5 s, optimisation under 1 s, smart \
         contract 3 s, P2P switching 60 s",
        format!(
            "`blackstart run scenarios/campus13.yaml` (seed {})",
            report.seed
        ),
    );
    section.rows.push(
        Row::number("MTTR (s)", Paper::Number(paper::MTTR_S), mttr_s, 3).because(reasons::MTTR),
    );
    let phases = named_phases(&report.phases);
    for ((name, ours_s), published) in phases.iter().zip(paper_phases()) {
        section.rows.push(Row::number(
            format!("{name} phase (s)"),
            published,
            *ours_s,
            3,
        ));
    }
    // Each of these phases is drawn from an input distribution or fitted: why it differs, and
    // how it was set.
    for (phase, why, how) in [
        ("detection", reasons::DETECTION, reasons::DETECTION),
        ("chain", reasons::CHAIN, reasons::CHAIN),
        ("optimisation", reasons::OPTIMISATION, reasons::OPTIMISATION),
        ("switching", reasons::SWITCHING, reasons::SWITCHING_INPUT),
    ] {
        let quantity = format!("{phase} phase (s)");
        section.explain(&quantity, why);
        section.fitted(&quantity, how);
    }
    section.rows.push(Row::number(
        "sum of the six phases (s)",
        Paper::NotPublished,
        phases.iter().map(|(_, s)| s).sum(),
        3,
    ));
    section.notes.push(
        "The phases add up to the MTTR exactly. The paper's own components (under 5 + under 1 \
         + 3 + 60 s, so 63–69 s) cannot add up to its 19 s."
            .into(),
    );
    Ok(section)
}

/// A sweep's summary and each restored run's MTTR, s.
#[derive(Debug, Clone)]
pub struct SweepResult {
    /// The sweep's summary (MTTR distribution, phase means, IEEE 1366 indices).
    pub summary: Summary,
    /// MTTR of every run that restored its outage, in run order, s.
    pub mttr_s: Vec<f64>,
}

/// Runs a sweep of `runs` runs into `dir` (its Parquet tables; a sweep `reproduce` wrote there
/// before is replaced).
pub fn sweep(simulator: &Simulator, runs: u64, dir: &Path) -> Result<SweepResult, ReproduceError> {
    if dir.join(sweep::MANIFEST).exists() {
        std::fs::remove_dir_all(dir).map_err(|source| ReproduceError::Output {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let options = SweepOptions {
        runs,
        threads: None,
        shard: Shard::ALL,
        out: dir.to_path_buf(),
        resume: false,
        events: false,
        gap_split: false,
        no_bound: false,
        part_size: 1000,
    };
    let summary = sweep::run(simulator, &options, &|_, _| {})?.summary;
    let table = sweep::read_runs(dir)?;
    let mttr_s = table
        .column("mttr_s")
        .and_then(|c| c.f64().cloned())
        .map_err(|source| {
            ReproduceError::Sweep(sweep::SweepError::Report(OutputError::Polars {
                path: dir.join("runs"),
                source,
            }))
        })?
        .iter()
        .flatten()
        .collect();
    Ok(SweepResult { summary, mttr_s })
}

/// The sweep's MTTR distribution against the paper's 19 s.
pub fn sweep_section(result: &SweepResult) -> Result<Section, ReproduceError> {
    let summary = &result.summary;
    let stats = summary
        .mttr
        .as_ref()
        .ok_or_else(|| ReproduceError::NotRestored {
            scenario: format!("every run of the {} sweep", summary.scenario),
        })?;
    let mut section = Section::new(
        "MTTR — distribution over a Monte-Carlo sweep",
        "§VIII.C, eq. 15: 19 s for one outage",
        format!(
            "`blackstart sweep scenarios/campus13.yaml --runs {}` (fault time, weather, demand, \
             latencies and back-offs drawn per run)",
            summary.runs
        ),
    );
    let ours = |quantity: &str, value: f64| Row::number(quantity, Paper::NotPublished, value, 3);
    let slow = result
        .mttr_s
        .iter()
        .filter(|&&s| s > crate::sim::SUSTAINED_AFTER_S)
        .count();
    section.rows.extend([
        Row::number("runs restored", Paper::NotPublished, stats.runs as f64, 0),
        Row::number(
            "mean MTTR (s)",
            Paper::Number(paper::MTTR_S),
            stats.mean_s,
            3,
        )
        .derived()
        .because(format!("{}; {}", reasons::MTTR, reasons::SWEEP)),
        ours("95 % CI of the mean, low (s)", stats.ci95_low_s),
        ours("95 % CI of the mean, high (s)", stats.ci95_high_s),
        ours("median MTTR, p50 (s)", stats.p50_s),
        ours("p90 (s)", stats.p90_s),
        ours("p99 (s)", stats.p99_s),
        ours("max (s)", stats.max_s),
        Row::number(
            "runs over 5 min (%)",
            Paper::NotPublished,
            100.0 * slow as f64 / stats.runs.max(1) as f64,
            1,
        ),
    ]);
    for (name, mean_s) in named_phases(&summary.phases_mean) {
        section
            .rows
            .push(ours(&format!("mean {name} phase (s)"), mean_s));
    }
    if let Some(r) = &summary.reliability {
        section.notes.push(format!(
            "Over {} runs, per outage event (IEEE 1366, sustained interruptions over 5 min): \
             SAIDI {:.2} min, SAIFI {:.3}; the tables are in `sweep/` (Parquet).",
            summary.runs, r.saidi_per_event_min, r.saifi_per_event
        ));
    }
    Ok(section)
}
