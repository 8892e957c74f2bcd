//! A survival study summarised: survival probability for each duration, overall, by month, by
//! hour of day and by month × hour, for critical load and all load, with and without sharing.
//!
//! Each start weighs what it stands for in the year (its month × hour cell's starts over the
//! cell's sampled starts; 1 when every start is run), so a stratified sample estimates the
//! year's probabilities and not the sample's mix of months. Starts whose run failed are left
//! out of every probability and listed in `failures`.

use super::{Study, losses::Losses};
use serde::Serialize;

/// The survival probabilities of one duration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probabilities {
    /// The outage duration, s.
    pub duration_s: f64,
    /// Peer-to-peer: share of starts whose critical load was carried through the duration.
    pub p2p_critical: f64,
    /// Peer-to-peer: share of starts whose whole load (every consumer, every prosumer's own
    /// load) was carried through.
    pub p2p_all: f64,
    /// No sharing: critical load carried through.
    pub no_sharing_critical: f64,
    /// No sharing: whole load carried through.
    pub no_sharing_all: f64,
}

/// Survival over a group of starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// The month (1–12) the group is, when it is one month or one month × hour cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub month: Option<u32>,
    /// The hour of day (0–23) the group is, when it is one hour or one cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hour: Option<u32>,
    /// Starts simulated in the group (failed ones excluded).
    pub starts: u64,
    /// One entry per duration, ascending.
    pub survival: Vec<Probabilities>,
}

/// A start that could not be simulated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    /// When it starts, s since midnight of the start date.
    pub start_s: f64,
    /// Why.
    pub error: String,
}

/// The study's summary (`summary.json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The scenario's name.
    pub scenario: String,
    /// `all` (every meter interval of the year) or `stratified`.
    pub sampling: String,
    /// The seed of the sample and the runs.
    pub seed: u64,
    /// Starts simulated, failed ones included.
    pub starts: u64,
    /// Meter intervals in the year (the starts `all` would run).
    pub year_starts: u64,
    /// How long each start was followed (the longest duration), s.
    pub observed_s: f64,
    /// Dark time after the fault not counted as a loss (the restoration), s.
    pub restoration_grace_s: f64,
    /// The critical consumers, by id.
    pub critical_consumers: Vec<String>,
    /// Over every start.
    pub overall: Group,
    /// One group per month, 1–12.
    pub by_month: Vec<Group>,
    /// One group per hour of day, 0–23.
    pub by_hour: Vec<Group>,
    /// One group per month × hour cell.
    pub by_month_hour: Vec<Group>,
    /// The starts whose run failed (left out of every probability).
    pub failures: Vec<Failure>,
}

/// The summary of `study` for the scenario `scenario` (its name), sampled as `sampling` with
/// `seed`.
pub fn summarise(study: &Study, scenario: &str, sampling: &str, seed: u64) -> Summary {
    let group = |month: Option<u32>, hour: Option<u32>| {
        let members = study.outcomes.iter().filter(|o| {
            month.is_none_or(|m| o.start.month == m) && hour.is_none_or(|h| o.start.hour == h)
        });
        let ok: Vec<(f64, &Losses, &Losses)> = members
            .filter_map(|o| {
                o.result
                    .as_ref()
                    .ok()
                    .map(|r| (o.start.weight, &r.peer_to_peer, &r.no_sharing))
            })
            .collect();
        let weight: f64 = ok.iter().map(|(w, _, _)| w).sum();
        let share = |survives: &dyn Fn(&Losses, &Losses) -> bool| {
            if ok.is_empty() {
                return f64::NAN;
            }
            // `+ 0.0`: an empty sum of f64 is −0.0.
            (ok.iter()
                .filter(|(_, p, n)| survives(p, n))
                .map(|(w, _, _)| w)
                .sum::<f64>()
                + 0.0)
                / weight
        };
        Group {
            month,
            hour,
            starts: ok.len() as u64,
            survival: study
                .durations_s
                .iter()
                .map(|&d| Probabilities {
                    duration_s: d,
                    p2p_critical: share(&|p, _| p.critical_survives(d)),
                    p2p_all: share(&|p, _| p.load_survives(d)),
                    no_sharing_critical: share(&|_, n| n.critical_survives(d)),
                    no_sharing_all: share(&|_, n| n.load_survives(d)),
                })
                .collect(),
        }
    };
    Summary {
        scenario: scenario.to_string(),
        sampling: sampling.to_string(),
        seed,
        starts: study.outcomes.len() as u64,
        year_starts: study.cell_sizes.iter().sum(),
        observed_s: study.observed_s,
        restoration_grace_s: super::RESTORATION_GRACE_S,
        critical_consumers: study.critical.clone(),
        overall: group(None, None),
        by_month: (1..=12).map(|m| group(Some(m), None)).collect(),
        by_hour: (0..24).map(|h| group(None, Some(h))).collect(),
        by_month_hour: (1..=12)
            .flat_map(|m| (0..24).map(move |h| (m, h)))
            .map(|(m, h)| group(Some(m), Some(h)))
            .collect(),
        failures: study
            .outcomes
            .iter()
            .filter_map(|o| {
                o.result.as_ref().err().map(|e| Failure {
                    start_s: o.start.start_s,
                    error: e.clone(),
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Start, StartOutcome, StartResult};
    use super::*;
    use crate::sim::RunStatus;

    fn outcome(month: u32, hour: u32, weight: f64, critical_s: Option<f64>) -> StartOutcome {
        let p2p = Losses {
            critical_s,
            load_s: Some(0.0),
        };
        StartOutcome {
            start: Start {
                index: 0,
                start_s: 0.0,
                month,
                hour,
                weight,
            },
            seed: 1,
            result: Ok(StartResult {
                status: RunStatus::Restored,
                islanded: true,
                peer_to_peer: p2p,
                no_sharing: Losses {
                    critical_s: Some(0.0),
                    load_s: Some(0.0),
                },
            }),
        }
    }

    /// Four starts: two in May at noon (weight 2 each: a cell of four starts, two sampled), one
    /// in May at 20:00 and one in June at noon (weight 1); one failed start.
    #[test]
    fn a_hand_computed_survival_table() {
        let mut outcomes = vec![
            outcome(5, 12, 2.0, None),
            outcome(5, 12, 2.0, Some(3600.0)),
            outcome(5, 20, 1.0, Some(0.0)),
            outcome(6, 12, 1.0, Some(7200.0)),
        ];
        outcomes.push(StartOutcome {
            result: Err("boom".into()),
            ..outcome(6, 20, 1.0, None)
        });
        let study = Study {
            outcomes,
            durations_s: vec![3600.0, 7200.0, 14400.0],
            observed_s: 14400.0,
            cell_sizes: vec![0; super::super::CELLS],
            critical: vec!["C1".into()],
        };
        let s = summarise(&study, "tiny", "stratified", 1);
        let p = |g: &Group, i: usize| g.survival[i].p2p_critical;
        // Overall, weights 2, 2, 1, 1 (total 6): 1 h: 2 + 2 + 1 = 5/6; 2 h: 2 + 1 = 3/6;
        // 4 h: 2/6.
        assert_eq!(s.overall.starts, 4);
        assert!((p(&s.overall, 0) - 5.0 / 6.0).abs() < 1e-12);
        assert!((p(&s.overall, 1) - 0.5).abs() < 1e-12);
        assert!((p(&s.overall, 2) - 2.0 / 6.0).abs() < 1e-12);
        // May (weights 2, 2, 1): 1 h 4/5, 2 h 2/5.
        let may = &s.by_month[4];
        assert_eq!((may.month, may.starts), (Some(5), 3));
        assert!((p(may, 0) - 0.8).abs() < 1e-12 && (p(may, 1) - 0.4).abs() < 1e-12);
        // Noon (weights 2, 2, 1): 1 h 1, 2 h 3/5, 4 h 2/5.
        let noon = &s.by_hour[12];
        assert!((p(noon, 0) - 1.0).abs() < 1e-12);
        assert!((p(noon, 1) - 0.6).abs() < 1e-12);
        assert!((p(noon, 2) - 0.4).abs() < 1e-12);
        // No run kept all its load; no sharing kept nothing.
        assert_eq!(s.overall.survival[0].p2p_all, 0.0);
        assert_eq!(s.overall.survival[0].no_sharing_critical, 0.0);
        // The failed start is listed and counted, not in any probability.
        assert_eq!(s.starts, 5);
        assert_eq!(s.failures.len(), 1);
        assert!(
            s.by_month_hour[5 * 24 + 20].survival[0]
                .p2p_critical
                .is_nan()
        );
    }
}
