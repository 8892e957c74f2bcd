//! `report.html` of a survival study: survival against duration, by hour of day, and month ×
//! hour heat maps for every duration, critical and all load, with and without sharing.

use super::html::{self, Axis, Line, Provenance};
use crate::survival::{Group, Probabilities, Summary};

/// One of a duration's survival probabilities.
type Kind = fn(&Probabilities) -> f64;

/// The four survival figures of a duration, with their names.
const KINDS: [(&str, Kind); 4] = [
    ("peer-to-peer, critical load", |p| p.p2p_critical),
    ("peer-to-peer, all load", |p| p.p2p_all),
    ("no sharing, critical load", |p| p.no_sharing_critical),
    ("no sharing, all load", |p| p.no_sharing_all),
];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A duration as text: hours when whole, else minutes.
fn duration(s: f64) -> String {
    if s % 3600.0 == 0.0 {
        format!("{} h", s / 3600.0)
    } else {
        format!("{} min", s / 60.0)
    }
}

fn percent(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1} %", 100.0 * v)
    } else {
        "–".into()
    }
}

/// The report of `summary`.
pub fn survival_html(summary: &Summary) -> String {
    let mut body = String::new();
    let critical = if summary.critical_consumers.is_empty() {
        "none (no consumer has a priority above 0: critical load survives trivially)".into()
    } else {
        summary.critical_consumers.join(", ")
    };
    body.push_str(&html::paragraph(&format!(
        "Scenario {}: {} outage starts ({} of the year's {} meter intervals; seed {}), each \
         followed for {}. Critical consumers (highest priority): {critical}. A start survives a \
         duration d when no load of the kind was lost in [fault, fault + d): a consumer dark \
         beyond the first {} s after the fault (the restoration itself) or, for all load, a \
         prosumer's own load not served in full. Without sharing, cut-off consumers are dark \
         until the grid returns, so critical and all-load survival without sharing is 0 \
         whenever such a consumer is cut off.",
        summary.scenario,
        summary.starts,
        summary.sampling,
        summary.year_starts,
        summary.seed,
        duration(summary.observed_s),
        summary.restoration_grace_s,
    )));
    body.push_str(&overall(summary));
    body.push_str(&by_hour(summary));
    body.push_str(&heat_maps(summary));
    body.push_str(&failures(summary));
    html::page(&format!("Survival: {}", summary.scenario), &body)
}

fn overall(summary: &Summary) -> String {
    let g = &summary.overall;
    let rows: Vec<Vec<String>> = g
        .survival
        .iter()
        .map(|p| {
            std::iter::once(duration(p.duration_s))
                .chain(KINDS.iter().map(|(_, f)| percent(f(p))))
                .collect()
        })
        .collect();
    let mut header = vec!["duration"];
    header.extend(KINDS.iter().map(|(name, _)| *name));
    let hours = |p: &Probabilities| p.duration_s / 3600.0;
    let lines: Vec<Line> = KINDS
        .iter()
        .enumerate()
        .map(|(i, (name, f))| Line {
            name: (*name).into(),
            points: g
                .survival
                .iter()
                .map(|p| (hours(p), f(p)))
                .filter(|(_, v)| v.is_finite())
                .collect(),
            band: Vec::new(),
            dashed: i >= 2,
        })
        .collect();
    let chart = html::line_chart(
        &Axis::new("outage duration (h)", 0.0, summary.observed_s / 3600.0),
        &Axis::new("survival probability (share of starts)", 0.0, 1.0),
        &lines,
    );
    let body = html::table(&header, &rows)
        + &html::figure(
            "Survival against outage duration",
            &chart,
            &format!(
                "Share of the year's outage starts (weighted by what each sampled start stands \
                 for, {} starts) whose island carried the load through an outage of each \
                 duration; solid with peer-to-peer sharing, dashed without (lines that coincide \
                 hide one another: the table gives every value). Points at the durations asked, \
                 marked, joined by straight lines for the eye: survival between them is not \
                 computed.",
                g.starts
            ),
            Provenance::Extension,
        );
    html::section("survival-overall", "Survival by outage duration", &body)
}

fn by_hour(summary: &Summary) -> String {
    let mut body = String::new();
    for (kind, (name, f)) in KINDS.iter().enumerate().take(2) {
        let lines: Vec<Line> = summary
            .overall
            .survival
            .iter()
            .enumerate()
            .map(|(d, p)| Line {
                name: duration(p.duration_s),
                points: summary
                    .by_hour
                    .iter()
                    .filter_map(|g| {
                        let v = f(&g.survival[d]);
                        v.is_finite().then(|| (g.hour.unwrap_or(0) as f64, v))
                    })
                    .collect(),
                band: Vec::new(),
                dashed: false,
            })
            .collect();
        let chart = html::line_chart(
            &Axis::new("hour of day the outage starts (local time, h)", 0.0, 23.0),
            &Axis::new("survival probability (share of starts)", 0.0, 1.0),
            &lines,
        );
        body.push_str(&html::figure(
            &format!("Survival by hour of day: {name}"),
            &chart,
            &format!(
                "For outages starting in each hour of the day (all months, weighted), the share \
                 whose {} was carried through each duration (one line per duration).",
                if kind == 0 {
                    "critical load"
                } else {
                    "whole load"
                }
            ),
            Provenance::Extension,
        ));
    }
    html::section("survival-by-hour", "Survival by hour of day", &body)
}

fn heat_maps(summary: &Summary) -> String {
    let rows: Vec<String> = MONTHS.iter().map(|m| m.to_string()).collect();
    let columns: Vec<String> = (0..24).map(|h| h.to_string()).collect();
    let cell = |m: usize, h: usize| -> &Group { &summary.by_month_hour[m * 24 + h] };
    let mut body = html::paragraph(
        "Each cell is the share of outages starting in that month and hour whose load was \
         carried through the duration (its starts in the tooltip; grey: no start).",
    );
    for (d, p) in summary.overall.survival.iter().enumerate() {
        for (name, f) in KINDS {
            let values: Vec<Vec<Option<f64>>> = (0..12)
                .map(|m| (0..24).map(|h| Some(f(&cell(m, h).survival[d]))).collect())
                .collect();
            let map = html::heat_map(
                "hour of day the outage starts (local time, h)",
                "month",
                &rows,
                &columns,
                &values,
            );
            body.push_str(&html::figure(
                &format!("{}: {name}", duration(p.duration_s)),
                &map,
                &format!(
                    "Survival probability of a {} outage, {name}, by month and hour of day of \
                     its start; overall {}.",
                    duration(p.duration_s),
                    percent(f(p))
                ),
                Provenance::Extension,
            ));
        }
    }
    html::section(
        "survival-heat-maps",
        "Survival by month and hour of day",
        &body,
    )
}

fn failures(summary: &Summary) -> String {
    let body = if summary.failures.is_empty() {
        html::paragraph("Every start was simulated.")
    } else {
        html::paragraph(&format!(
            "{} starts could not be simulated and are left out of every probability:",
            summary.failures.len()
        )) + &html::table(
            &["start (s)", "error"],
            &summary
                .failures
                .iter()
                .map(|f| vec![format!("{}", f.start_s), f.error.clone()])
                .collect::<Vec<_>>(),
        )
    };
    html::section("survival-failures", "Starts that failed", &body)
}
