//! A run's resilience curve and Panteli and Mancarella's trapezoid metrics (docs/model.md §10).
//!
//! The curve is the share of the cut-off load served — consumers' demand and prosumers' own
//! load, over every island — against time, at the meter interval's resolution: each interval's
//! value is its served energy over its demand, placed at the middle of the part of the interval
//! the islands existed (a mean belongs at the middle): from the fault, if it struck in the
//! interval, to the grid's return, if it came in the interval. Before the first fault the grid
//! serves everything: R₀ = 1, at the fault's instant.
//!
//! From the curve, with R_min its lowest value:
//!
//! - **Λ** (depth) = R₀ − R_min, a share of the load;
//! - **Φ** (fall rate) = Λ / (t_ee − t_oe), per hour, from the fault t_oe to the first sample
//!   at R_min, t_ee;
//! - **E** (extent of the degraded state) = t_or − t_ee, hours, to the last sample at R_min,
//!   t_or;
//! - **Π** (recovery rate) = Λ / (t_rr − t_or), per hour, to the first sample after t_or at
//!   which the whole load is served again, t_rr, or else the grid's return (the instant the
//!   last island reconnected);
//! - the **area** = ∫ (R₀ − R(t)) dt over the event, hours of the whole cut-off load lost: each
//!   interval contributes its unserved share times its seconds in the islands.
//!
//! With no load lost (R_min = 1) there is no trapezoid: Φ, E and Π are `None`, Λ and the area
//! 0. Π is `None` too when the load was not whole again, nor the grid back, when the run ended.

use crate::plant::island::IntervalRecord;
use crate::plant::settle::Flow;
use serde::Serialize;
use std::collections::BTreeMap;

/// A share at or above this counts as the whole load served.
const WHOLE: f64 = 1.0 - 1e-9;

/// The trapezoid metrics of a run's resilience curve (module docs).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct CurveMetrics {
    /// Φ, the fall rate, share of the load per hour.
    pub phi_per_h: Option<f64>,
    /// Λ, the depth, share of the load.
    pub lambda: f64,
    /// E, the time degraded, hours.
    pub e_h: Option<f64>,
    /// Π, the recovery rate, share of the load per hour.
    pub pi_per_h: Option<f64>,
    /// The area between R₀ and the curve, hours of the whole cut-off load.
    pub area_h: f64,
}

/// One point of the curve: the middle of an interval's island part, s, and the share served.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurvePoint {
    /// When, s.
    pub t_s: f64,
    /// Share of the islands' load served, in [0, 1].
    pub served_share: f64,
    /// The seconds this value holds for.
    pub span_s: f64,
}

/// The curve of `records` (module docs), in time order, for islands that formed at `fault_s`
/// and went back to the grid at `grid_back_s` (if they did within the run).
pub fn curve(
    records: &[IntervalRecord],
    interval_s: f64,
    fault_s: f64,
    grid_back_s: Option<f64>,
) -> Vec<CurvePoint> {
    let mut by_interval: BTreeMap<u64, (f64, f64, f64)> = BTreeMap::new();
    for r in records {
        let entry = by_interval.entry(r.interval).or_insert((0.0, 0.0, 0.0));
        entry.0 += r.account.served_kwh;
        entry.1 += r.account.demand_kwh;
        for m in &r.members {
            if let Flow::Prosumer {
                own_demand_kwh,
                own_served_kwh,
                ..
            } = m.flow
            {
                entry.0 += own_served_kwh;
                entry.1 += own_demand_kwh;
            }
        }
        entry.2 = entry.2.max(r.island_s);
    }
    by_interval
        .into_iter()
        .map(|(k, (served, demand, span_s))| {
            // The islands' part of the interval: from the fault if it struck in it, to the
            // grid's return if that came in it.
            let (start_s, end_s) = (k as f64 * interval_s, (k + 1) as f64 * interval_s);
            let to_s = grid_back_s.filter(|&t| t > start_s && t < end_s);
            let from_s = match to_s {
                Some(to_s) => (to_s - span_s).max(start_s),
                None => start_s.max(fault_s).min(end_s - span_s),
            };
            CurvePoint {
                t_s: from_s + span_s / 2.0,
                served_share: if demand > 0.0 {
                    (served / demand).clamp(0.0, 1.0)
                } else {
                    1.0
                },
                span_s,
            }
        })
        .collect()
}

impl CurveMetrics {
    /// The metrics of `points` for an event that began at `fault_s` and ended when the grid
    /// took every island back at `grid_back_s` (`None`: not within the run).
    pub fn of(points: &[CurvePoint], fault_s: f64, grid_back_s: Option<f64>) -> Self {
        let area_h = points
            .iter()
            .map(|p| (1.0 - p.served_share) * p.span_s / 3600.0)
            .sum();
        let Some(min) = points.iter().map(|p| p.served_share).reduce(f64::min) else {
            return CurveMetrics::default();
        };
        if min >= WHOLE {
            return CurveMetrics {
                area_h,
                ..CurveMetrics::default()
            };
        }
        let lambda = 1.0 - min;
        let first = points.iter().position(|p| p.served_share <= min);
        let last = points.iter().rposition(|p| p.served_share <= min);
        let (Some(first), Some(last)) = (first, last) else {
            return CurveMetrics::default();
        };
        let t_ee = points[first].t_s;
        let t_or = points[last].t_s;
        let recovered_s = points[last..]
            .iter()
            .find(|p| p.served_share >= WHOLE)
            .map(|p| p.t_s)
            .or(grid_back_s);
        let hours = |s: f64| s / 3600.0;
        CurveMetrics {
            phi_per_h: (t_ee > fault_s).then(|| lambda / hours(t_ee - fault_s)),
            lambda,
            e_h: Some(hours(t_or - t_ee)),
            pi_per_h: recovered_s.map(|t_rr| lambda / hours(t_rr - t_or)),
            area_h,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(t_h: f64, served_share: f64) -> CurvePoint {
        CurvePoint {
            t_s: t_h * 3600.0,
            served_share,
            span_s: 3600.0,
        }
    }

    #[test]
    fn a_trapezoid_worked_by_hand() {
        // Fault at 0 h; hourly points at 0.5 h … 5.5 h: 0.8, 0.4, 0.4, 0.4, 0.7, 1.0.
        // Λ = 0.6; t_ee = 1.5 h → Φ = 0.6 / 1.5 = 0.4 /h; t_or = 3.5 h → E = 2 h;
        // back to 1 at 5.5 h → Π = 0.6 / 2 = 0.3 /h; area = 0.2 + 0.6·3 + 0.3 = 2.3 h.
        let points: Vec<_> = [0.8, 0.4, 0.4, 0.4, 0.7, 1.0]
            .iter()
            .enumerate()
            .map(|(i, &r)| point(i as f64 + 0.5, r))
            .collect();
        let m = CurveMetrics::of(&points, 0.0, Some(9.0 * 3600.0));
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(close(m.lambda, 0.6), "{m:?}");
        assert!(close(m.phi_per_h.unwrap(), 0.4));
        assert!(close(m.e_h.unwrap(), 2.0));
        assert!(close(m.pi_per_h.unwrap(), 0.3));
        assert!(close(m.area_h, 2.3));
    }

    #[test]
    fn no_loss_has_no_trapezoid_and_recovery_is_the_whole_load_or_the_grid_back() {
        let whole = [point(0.5, 1.0), point(1.5, 1.0)];
        assert_eq!(CurveMetrics::of(&whole, 0.0, None), CurveMetrics::default());
        let degraded = [point(0.5, 1.0), point(1.5, 0.5)];
        let m = CurveMetrics::of(&degraded, 0.0, None);
        assert_eq!(m.pi_per_h, None);
        // The grid's return at 3.5 h ends the degraded state: Π = 0.5 / 2.
        let back = CurveMetrics::of(&degraded, 0.0, Some(3.5 * 3600.0));
        assert!((back.pi_per_h.unwrap() - 0.25).abs() < 1e-12);
        assert_eq!(m.e_h, Some(0.0));
        assert!((m.area_h - 0.5).abs() < 1e-12);
    }
}
