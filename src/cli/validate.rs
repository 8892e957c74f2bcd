//! `blackstart validate`: a short human summary of a valid scenario.

use super::Failure;
use blackstart::scenario::{Mining, NodeKind, Scenario};
use std::path::Path;

pub(super) fn run(file: &Path, s: &Scenario) -> Result<String, Failure> {
    // The profiles are checked too (series files read, no profile zero at the reference), as
    // `run` and `sweep` build them.
    let profiles = super::profiles(s, file)?;
    let mut out = String::new();
    let count = |kind| s.grid.nodes.iter().filter(|n| n.kind == kind).count();
    let e = &s.entities;
    outln!(
        out,
        "{}: valid scenario `{}` (seed {})",
        file.display(),
        s.name,
        s.seed
    );
    if !s.description.is_empty() {
        outln!(out, "  {}", s.description);
    }
    outln!(
        out,
        "  grid       {} nodes ({} source, {} bus, {} entity), {} lines",
        s.grid.nodes.len(),
        count(NodeKind::Source),
        count(NodeKind::Bus),
        count(NodeKind::Entity),
        s.grid.lines.len()
    );
    outln!(
        out,
        "  entities   {} prosumers, {} consumers, {} solar, {} wind, {} battery banks",
        e.prosumers.len(),
        e.consumers.len(),
        e.solar.len(),
        e.wind.len(),
        e.batteries.len()
    );
    let faults: Vec<String> = s
        .faults
        .iter()
        .map(|f| {
            format!(
                "line {}–{} at {} s (repaired after {:.1} h on average)",
                f.line[0],
                f.line[1],
                s.fault_time_s(f),
                f.repair_time_s().mean() / 3600.0
            )
        })
        .collect();
    outln!(
        out,
        "  faults     {}{}",
        s.faults.len(),
        if faults.is_empty() {
            String::new()
        } else {
            format!(": {}", faults.join(", "))
        }
    );
    if !s.profiles.is_empty() {
        let names: Vec<String> = s
            .profiles
            .iter()
            .map(|(name, spec)| format!("{name} ({})", spec.model()))
            .collect();
        outln!(
            out,
            "  profiles   {}; entities' values are those of interval {} (from {} s)",
            names.join(", "),
            profiles.reference_interval(),
            profiles.reference_interval() as f64 * profiles.interval_s()
        );
    }
    let model = s.optimiser.model;
    let mining = match s.chain.mining {
        Mining::Instant => "instant mining",
        Mining::Interval => "fixed block interval",
    };
    outln!(
        out,
        "  models     optimiser `{model}`, chain {mining}, tariff `{}`",
        s.tariffs.consumer.name
    );
    outln!(
        out,
        "  sweep      {} Monte-Carlo runs by default",
        s.monte_carlo.runs
    );
    if let Some(rates) = s.event_rates_per_year() {
        // Shown to 9 decimals: a rate per km times a length prints as 0.026, not 0.026000000000000002.
        let shown = |rate: f64| (rate * 1e9).round() / 1e9;
        let classes: Vec<String> = rates
            .iter()
            .enumerate()
            .map(|(k, &rate)| format!("fault set {k} {} a year", shown(rate)))
            .collect();
        outln!(
            out,
            "  annual     {} outage events a year ({}): the sweep reports IEEE 1366 indices per year",
            shown(rates.iter().sum::<f64>()),
            classes.join(", ")
        );
    }
    for (field, message) in s.warnings() {
        outln!(out, "warning: {field}: {message}");
    }
    Ok(out)
}
