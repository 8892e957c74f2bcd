//! The `paper` model (SPEC §5a): eq. 4's objective, eq. 13 as printed, bounds
//! `alpha_min ≤ alpha ≤ alpha_max`, `beta_min ≤ beta ≤ 1`, solved to the global optimum.
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
//! Global optimum. The choice of interval is combinatorial (it embeds a knapsack), so a
//! branch and bound decides it: a prosumer with two intervals is relaxed to the convex
//! envelope of its cost over both (the pieces joined by a tangent bridge over the gap).
//! The relaxation's optimum is a lower bound; if no relaxed prosumer sits inside a bridge,
//! it is feasible and exact. Otherwise branch on that prosumer: lower or upper interval.
//! With one coupling constraint, generically at most one prosumer is inside a bridge at a
//! relaxation's optimum (the Shapley–Folkman argument), so the tree stays small in practice;
//! its size is bounded, and hitting the bound is an error, never a wrong answer.

use super::allocate::{Face, allocate};
use super::curve::{Curve, Quad, roots};
use super::root::sign_change;
use super::{Island, OptimiseError, ProsumerInput, Split};

/// Give up (with an error, never a wrong answer) after this many branch-and-bound nodes.
const NODE_LIMIT: usize = 200_000;

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

/// How a node of the search treats a two-interval prosumer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    Hull,
    Lower,
    Upper,
}

/// A solved relaxation: its optimal set and its cost (eq. 4).
struct Node {
    face: Face,
    cost_inr: f64,
}

/// The island under the paper model.
pub(crate) struct PaperIsland {
    bt: f64,
    prosumers: Vec<Prosumer>,
    baseline: Vec<f64>,
    capacity: Vec<f64>,
}

impl PaperIsland {
    /// Builds every prosumer's feasible intervals and costs. `prosumers` pairs each
    /// prosumer with its index in the problem, for errors.
    pub fn new(
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
        Ok(PaperIsland {
            bt,
            baseline: prosumers.iter().map(|(_, p)| p.export_prev_kwh).collect(),
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
        let g_sum = curves
            .iter()
            .zip(face.proportional())
            .map(|(c, x)| c.value(x))
            .sum();
        let cost_inr = self.objective(face.total, g_sum);
        Ok(Some(Node { face, cost_inr }))
    }

    /// The first relaxed prosumer whose optimal range enters its bridge's interior.
    fn bridged(&self, choices: &[Choice], face: &Face) -> Option<usize> {
        (0..choices.len()).find(|&i| match (&self.prosumers[i].hull, choices[i]) {
            (Some(h), Choice::Hull) => {
                let e = 1e-9 * (1.0 + h.to.abs());
                face.hi[i] > h.from + e && face.lo[i] < h.to - e
            }
            _ => false,
        })
    }

    /// Branch and bound over the interval choices; the best leaf's optimal set and whether
    /// another leaf ties with it.
    fn search(&self, deficit: f64) -> Result<(Face, bool), OptimiseError> {
        let root: Vec<Choice> = self
            .prosumers
            .iter()
            .map(|p| {
                if p.hull.is_some() {
                    Choice::Hull
                } else {
                    Choice::Lower
                }
            })
            .collect();
        let tol = |c: f64| 1e-9 * (1.0 + c.abs());
        let mut stack = vec![root];
        let mut best: Option<Node> = None;
        let mut tied = false;
        let mut nodes = 0;
        while let Some(choices) = stack.pop() {
            nodes += 1;
            if nodes > NODE_LIMIT {
                return Err(OptimiseError::SearchLimit { nodes: NODE_LIMIT });
            }
            let Some(node) = self.relax(&choices, deficit)? else {
                continue;
            };
            if best
                .as_ref()
                .is_some_and(|b| node.cost_inr > b.cost_inr + tol(b.cost_inr))
            {
                continue;
            }
            if let Some(i) = self.bridged(&choices, &node.face) {
                for side in [Choice::Upper, Choice::Lower] {
                    let mut child = choices.clone();
                    child[i] = side;
                    stack.push(child);
                }
                continue;
            }
            // A leaf: every relaxed prosumer sits where the envelope is its true cost, on
            // one interval. Re-solve on those intervals for the leaf's exact optimal set.
            let exact: Vec<Choice> = choices
                .iter()
                .enumerate()
                .map(|(i, &c)| match (&self.prosumers[i].hull, c) {
                    (Some(h), Choice::Hull) if node.face.hi[i] > h.from + 1e-9 * (1.0 + h.to) => {
                        Choice::Upper
                    }
                    (Some(_), Choice::Hull) => Choice::Lower,
                    _ => c,
                })
                .collect();
            let leaf = self.relax(&exact, deficit)?.ok_or_else(|| {
                OptimiseError::Solver("a feasible leaf lost its feasibility".into())
            })?;
            match &best {
                Some(b) if leaf.cost_inr >= b.cost_inr - tol(b.cost_inr) => {
                    tied |= leaf.cost_inr <= b.cost_inr + tol(b.cost_inr);
                }
                _ => {
                    best = Some(leaf);
                    tied = false;
                }
            }
        }
        let best = best
            .ok_or_else(|| OptimiseError::Solver("no interval choice covers the deficit".into()))?;
        Ok((best.face, tied))
    }
}

impl Island for PaperIsland {
    fn baseline_kwh(&self) -> &[f64] {
        &self.baseline
    }

    fn capacity_kwh(&self) -> &[f64] {
        &self.capacity
    }

    fn split(&self, deficit_kwh: f64) -> Result<Split, OptimiseError> {
        let (face, tied) = self.search(deficit_kwh)?;
        let delta = face.spread(&self.capacity)?;
        let (alpha, beta) = self
            .prosumers
            .iter()
            .zip(&delta)
            .map(|(p, &d)| p.limits.shares(d))
            .unzip();
        Ok(Split {
            degenerate: tied || face.is_degenerate(),
            delta,
            alpha,
            beta,
        })
    }
}
