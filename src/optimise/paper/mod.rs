//! The `paper` model (docs/model.md §5a): eq. 4's objective verbatim, eq. 13 as printed, bounds
//! `alpha_min ≤ alpha ≤ alpha_max`, `beta_min ≤ beta ≤ 1`, solved to the global optimum
//! (to 1e-9 relative; module `search` says when it reports a proven gap instead).
//!
//! Eq. 4 is kept as printed although two of its terms are not amounts of money:
//! `delta·BT/S` is in INR/kWh and `alpha·delta·BT²` in INR²/kWh. Its answer therefore
//! depends on the units and the scale of the island (the same island in Wh, or a household
//! instead of a campus, is split and paid differently); the `fair` model replaces both terms.
//!
//! Reformulation. With `delta_i = alpha_i·Pc_i + beta_i·PB_i` fixed, every constraint is
//! linear in `alpha_i`, and eq. 4 charges `alpha_i·delta_i·BT²`: the best choice is the
//! least feasible alpha, so a prosumer's cost is a function of `delta_i` alone,
//! `g_i(δ) = BT·δ + BT²·max(alpha_min·δ, (δ² − PB·δ)/Pc, (δ² + PB·δ − K·PB)/(PB + Pc))`,
//! convex (a maximum of convex quadratics). Its feasible set is at most two intervals:
//! eq. 13 with `beta ≥ beta_min` is a concave quadratic condition that can cut a gap
//! (Table 5's P4: about [0, 95.6] and [860, 972]). The coupling term `Σδ·BT/S` depends on
//! `Σδ` only and grows with it, as does every `g_i`, so for a fixed choice of interval per
//! prosumer the optimum supplies `max(D, Σ lower ends)` and is a separable convex
//! allocation (module `allocate`).
//!
//! Global optimum. Which interval each prosumer uses is combinatorial (it embeds a subset
//! sum), so a branch and bound decides it (module `search`), relaxing a two-interval
//! prosumer to the convex envelope of its cost over both: the pieces joined by a straight
//! bridge over the gap. A remarkable property of eq. 13: every bridge has the same slope,
//! `BT + BT²·(1 + beta_min)` (12.09 INR/kWh for the paper's data), because the cost at both
//! ends of a gap is `BT·δ + BT²·δ·(δ − beta_min·PB)/Pc` and the ends sum to
//! `Pc + beta_min·(PB + Pc)`. When the marginal price of the deficit reaches that slope,
//! every gapped prosumer is indifferent along its bridge and the question becomes which of
//! them cross their gap.

mod search;

use super::allocate::allocate;
use super::curve::{Curve, Quad, roots};
use super::root::sign_change;
use super::{Island, OptimiseError, ProsumerInput, ProsumerLimit, Split};
use search::{Choice, Node};

/// One prosumer's data in the paper's variables.
#[derive(Clone, Copy, Debug)]
struct Limits {
    pc: f64,
    pb: f64,
    /// `K = PG − Pe − Pc + PB`, eq. 13's right-hand side.
    k: f64,
    alpha_min: f64,
    alpha_max: f64,
    beta_min: f64,
}

impl Limits {
    fn new(p: &ProsumerInput, beta_min: f64) -> Limits {
        let (pe, pg, pb, pc) = (
            p.export_prev_kwh,
            p.generation_kwh,
            p.battery_kwh,
            p.consumption_kwh,
        );
        let k = pg - pe - pc + pb;
        // A K within rounding of 0 is 0 (data that balance exactly, summed in floating point).
        let k = if k < 0.0 && k > -1e-12 * (pe + pg + pb + pc) {
            0.0
        } else {
            k
        };
        Limits {
            pc,
            pb,
            k,
            alpha_min: p.alpha_min,
            alpha_max: p.alpha_max,
            beta_min,
        }
    }

    /// The limits' exact bits: equal keys, identical costs and feasible sets.
    fn key(&self) -> [u64; 5] {
        [self.pc, self.pb, self.k, self.alpha_min, self.alpha_max].map(f64::to_bits)
    }

    /// `δ·alpha_least(δ)` as quadratics whose maximum it is: the alpha bound, beta ≤ 1,
    /// and eq. 13 solved for alpha.
    fn alpha_delta(&self) -> Vec<Quad> {
        let (pc, pb) = (self.pc, self.pb);
        let mut quads = vec![Quad::linear(self.alpha_min)];
        if pc > 0.0 {
            quads.push(Quad {
                k0: 0.0,
                k1: -pb / pc,
                k2: 1.0 / pc,
            });
        }
        if pb + pc > 0.0 {
            let w = pb + pc;
            quads.push(Quad {
                k0: -self.k * pb / w,
                k1: pb / w,
                k2: 1.0 / w,
            });
        }
        quads
    }

    /// The least alpha (and its beta) delivering `delta`: eq. 4 charges alpha·δ.
    fn shares(&self, delta: f64) -> (f64, f64) {
        let alpha = if delta > 0.0 {
            let least = self
                .alpha_delta()
                .iter()
                .map(|q| q.value(delta))
                .fold(f64::MIN, f64::max);
            (least / delta).clamp(self.alpha_min, self.alpha_max)
        } else {
            self.alpha_min
        };
        let beta = if self.pb > 0.0 {
            ((delta - alpha * self.pc) / self.pb).clamp(self.beta_min, 1.0)
        } else {
            self.beta_min
        };
        (alpha, beta)
    }

    /// The contributions that satisfy eq. 13 and the bounds: one or two intervals.
    fn feasible(&self) -> Result<Vec<(f64, f64)>, String> {
        let (pc, pb, k) = (self.pc, self.pb, self.k);
        if k < 0.0 {
            return Err(format!(
                "K = PG - Pe - Pc + PB = {k:.3} kWh < 0, so eq. 13 fails for every contribution"
            ));
        }
        let floor = self.alpha_min * pc + self.beta_min * pb;
        // Some alpha <= alpha_max meets eq. 13: δ² + (PB − alpha_max·(PB + Pc))·δ − K·PB <= 0.
        let reach = roots(1.0, pb - self.alpha_max * (pb + pc), -k * pb)
            .last()
            .copied()
            .unwrap_or(0.0);
        // Interval ends within rounding of each other meet (a one-point interval).
        let tol = 1e-12 * (1.0 + pc + pb + k);
        let ceiling = (self.alpha_max * pc + pb).min(reach);
        if floor > ceiling + tol {
            return Err(format!(
                "alpha_min and beta_min force delta >= {floor:.3} kWh, but eq. 13 allows at most {ceiling:.3} kWh"
            ));
        }
        let ceiling = ceiling.max(floor);
        // Some alpha meets eq. 13 with beta >= beta_min: δ² − (Pc + beta_min·(PB + Pc))·δ + K·Pc >= 0,
        // false strictly between the roots.
        let gap = roots(1.0, -(pc + self.beta_min * (pb + pc)), k * pc);
        let pieces: Vec<(f64, f64)> = match gap[..] {
            [s1, s2] if s1 < s2 && s1 < ceiling && s2 > floor => {
                [(floor, s1.max(floor)), (s2.min(ceiling), ceiling)]
                    .into_iter()
                    .zip([floor <= s1 + tol, s2 <= ceiling + tol])
                    .filter_map(|(piece, kept)| kept.then_some(piece))
                    .collect()
            }
            _ => vec![(floor, ceiling)],
        };
        if pieces.is_empty() {
            return Err(format!(
                "eq. 13 excludes every delta in [{floor:.3}, {ceiling:.3}] kWh"
            ));
        }
        Ok(pieces)
    }
}

/// A two-interval prosumer's convex envelope: its cost on `[lo, from]`, a straight bridge
/// over `(from, to)`, its cost on `[to, hi]`.
struct Hull {
    curve: Curve,
    from: f64,
    to: f64,
}

impl Hull {
    /// The bridge is the common tangent of the two pieces: its slope `s` is where the
    /// minima of `g − s·x` over the two pieces are equal, a strictly increasing equation.
    fn new(lower: &Curve, upper: &Curve) -> Result<Hull, OptimiseError> {
        let least = |c: &Curve, s: f64| {
            let x = c.at_price(s).1;
            c.value(x) - s * x
        };
        let chord = |x: f64, y: f64| (upper.value(y) - lower.value(x)) / (y - x);
        let (l, u) = (lower.slope_range(), upper.slope_range());
        let s_lo = l.0.min(u.0).min(chord(lower.lo(), upper.lo())) - 1.0;
        let s_hi = l.1.max(u.1).max(chord(lower.hi(), upper.hi())) + 1.0;
        let s = sign_change(|s| least(lower, s) - least(upper, s), s_lo, s_hi)?;
        let (from, to) = (lower.at_price(s).1, upper.at_price(s).0);
        let slope = chord(from, to);
        let bridge = Quad {
            k0: lower.value(from) - slope * from,
            k1: slope,
            k2: 0.0,
        };
        let curve = Curve::new(
            lower
                .restrict(lower.lo(), from)
                .pieces()
                .chain([(from, to, bridge)])
                .chain(upper.restrict(to, upper.hi()).pieces())
                .collect::<Vec<_>>(),
        );
        Ok(Hull { curve, from, to })
    }
}

/// One prosumer: its limits, its cost on each feasible interval, and the envelope.
struct Prosumer {
    limits: Limits,
    pieces: Vec<Curve>,
    hull: Option<Hull>,
}

/// The island under the paper model.
pub(crate) struct PaperIsland {
    bt: f64,
    prosumers: Vec<Prosumer>,
    /// For each prosumer, the first one with identical limits: their costs are identical,
    /// so the search may treat them as interchangeable.
    twin: Vec<usize>,
    baseline: Vec<f64>,
    capacity: Vec<f64>,
    /// No prosumer imports or falls short under eq. 13 (a `K < 0` is an error instead).
    import: Vec<f64>,
    limit: Vec<ProsumerLimit>,
}

impl PaperIsland {
    /// Builds every prosumer's feasible intervals and costs. `prosumers` pairs each
    /// prosumer with its index in the problem, for errors.
    pub(super) fn new(
        prosumers: &[(usize, &ProsumerInput)],
        beta_min: f64,
        bt: f64,
    ) -> Result<PaperIsland, OptimiseError> {
        let mut built = Vec::with_capacity(prosumers.len());
        for &(index, p) in prosumers {
            let limits = Limits::new(p, beta_min);
            let intervals = limits
                .feasible()
                .map_err(|reason| OptimiseError::PaperInfeasible {
                    index,
                    id: p.id.clone(),
                    reason,
                })?;
            let cost: Vec<Quad> = limits
                .alpha_delta()
                .iter()
                .map(|q| Quad {
                    k0: bt * bt * q.k0,
                    k1: bt * bt * q.k1 + bt,
                    k2: bt * bt * q.k2,
                })
                .collect();
            let pieces: Vec<Curve> = intervals
                .iter()
                .map(|&(a, b)| Curve::max_of(&cost, a, b))
                .collect();
            let hull = match &pieces[..] {
                [lower, upper] => Some(Hull::new(lower, upper)?),
                _ => None,
            };
            built.push(Prosumer {
                limits,
                pieces,
                hull,
            });
        }
        let mut first = std::collections::HashMap::new();
        let twin = built
            .iter()
            .enumerate()
            .map(|(i, p)| *first.entry(p.limits.key()).or_insert(i))
            .collect();
        Ok(PaperIsland {
            bt,
            twin,
            baseline: prosumers.iter().map(|(_, p)| p.export_prev_kwh).collect(),
            import: vec![0.0; prosumers.len()],
            limit: vec![ProsumerLimit::None; prosumers.len()],
            capacity: built
                .iter()
                .map(|p| p.pieces[p.pieces.len() - 1].hi())
                .collect(),
            prosumers: built,
        })
    }

    fn curve(&self, i: usize, choice: Choice) -> &Curve {
        let p = &self.prosumers[i];
        match (choice, &p.hull) {
            (Choice::Hull, Some(hull)) => &hull.curve,
            (Choice::Upper, _) => &p.pieces[p.pieces.len() - 1],
            _ => &p.pieces[0],
        }
    }

    /// Eq. 4 for a total extra supply `total` and the prosumers' costs `Σ g_i`.
    fn objective(&self, total: f64, g_sum: f64) -> f64 {
        let pe: f64 = self.baseline.iter().sum();
        let s = pe + total;
        let coupling = if s > 0.0 { self.bt * total / s } else { 0.0 };
        self.bt * pe + g_sum + coupling
    }

    /// Solves the convex problem in which each prosumer is restricted as `choices` says;
    /// `None` when it cannot cover the deficit.
    fn relax(&self, choices: &[Choice], deficit: f64) -> Result<Option<Node>, OptimiseError> {
        let curves: Vec<&Curve> = choices
            .iter()
            .enumerate()
            .map(|(i, &c)| self.curve(i, c))
            .collect();
        let lo: f64 = curves.iter().map(|c| c.lo()).sum();
        let hi: f64 = curves.iter().map(|c| c.hi()).sum();
        let total = deficit.max(lo);
        if total > hi + 1e-9 * (1.0 + hi.abs()) {
            return Ok(None);
        }
        let face = allocate(&curves, total.min(hi))?;
        let point = face.vertex();
        let g_sum = curves.iter().zip(&point).map(|(c, &x)| c.value(x)).sum();
        let cost_inr = self.objective(face.total, g_sum);
        Ok(Some(Node {
            face,
            point,
            cost_inr,
        }))
    }
}

impl Island for PaperIsland {
    fn baseline_kwh(&self) -> &[f64] {
        &self.baseline
    }

    fn capacity_kwh(&self) -> &[f64] {
        &self.capacity
    }

    fn import_kwh(&self) -> &[f64] {
        &self.import
    }

    fn limit(&self) -> &[ProsumerLimit] {
        &self.limit
    }

    fn split(&self, deficit_kwh: f64) -> Result<Split, OptimiseError> {
        let outcome = self.search(deficit_kwh, search::BUDGET)?;
        let delta = outcome.face.spread(&self.capacity)?;
        let (alpha, beta) = self
            .prosumers
            .iter()
            .zip(&delta)
            .map(|(p, &d)| p.limits.shares(d))
            .unzip();
        Ok(Split {
            degenerate: outcome.tied || outcome.face.is_degenerate(),
            gap_inr: outcome.gap_inr,
            delta,
            alpha,
            beta,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Table 5's P4.
    fn p4() -> ProsumerInput {
        ProsumerInput {
            id: "P4".into(),
            export_prev_kwh: 150.0,
            generation_kwh: 1000.0,
            battery_kwh: 191.0,
            consumption_kwh: 955.0,
            alpha_min: 0.0,
            alpha_max: 1.0,
        }
    }

    #[test]
    fn table5_p4_has_two_intervals() {
        let intervals = Limits::new(&p4(), 0.0).feasible().unwrap();
        let expected = [(0.0, 95.56), (859.44, 971.90)];
        assert_eq!(intervals.len(), 2);
        for ((a, b), (ea, eb)) in intervals.iter().zip(expected) {
            assert!(
                (a - ea).abs() < 0.01 && (b - eb).abs() < 0.01,
                "{intervals:?}"
            );
        }
    }

    #[test]
    fn every_bridge_has_slope_bt_plus_bt_squared_times_one_plus_beta_min() {
        let mut bridges = 0;
        for beta_min in [0.0, 0.01, 0.05] {
            let mut p = p4();
            for (pc, pb, k) in [
                (955.0, 191.0, 86.0),
                (700.0, 400.0, 20.0),
                (1200.0, 50.0, 150.0),
            ] {
                (p.consumption_kwh, p.battery_kwh) = (pc, pb);
                p.generation_kwh = k + p.export_prev_kwh + pc - pb;
                let Ok(island) = PaperIsland::new(&[(0, &p)], beta_min, 3.0) else {
                    continue;
                };
                let Some(hull) = island.prosumers[0].hull.as_ref() else {
                    continue;
                };
                let slope = (hull.curve.value(hull.to) - hull.curve.value(hull.from))
                    / (hull.to - hull.from);
                assert!(
                    (slope - (3.0 + 9.0 * (1.0 + beta_min))).abs() < 1e-9,
                    "{slope}"
                );
                bridges += 1;
            }
        }
        assert!(bridges >= 7, "only {bridges} of the cases have a gap");
    }
}
