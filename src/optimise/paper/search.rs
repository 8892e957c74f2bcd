//! Branch and bound over the paper model's interval choices.
//!
//! A node restricts some two-interval prosumers to one interval and relaxes the rest to
//! their convex envelope. Its relaxation is a separable convex allocation: its optimum is
//! a lower bound on every split below the node. At a vertex of the relaxation's optimal
//! set at most one relaxed prosumer sits inside its bridge (one coupling constraint); if
//! none does, the vertex is feasible and the node is solved. Otherwise the node is rounded
//! into feasible splits (the bridged prosumer to either side; and, when several prosumers
//! span their whole bridge at the optimal price, a subset of them chosen greedily to cross
//! so that their total nearly matches), then split on the bridged prosumer: lower interval
//! or upper interval (with prosumers of identical data kept in order, so that swapping
//! them does not multiply the tree). Nodes are solved lowest bound first; those whose
//! bound cannot beat the best split by more than the tolerance (1e-9 relative) are dropped.
//!
//! The search is exact to that tolerance unless it exhausts its budget (a deterministic
//! count of prosumer-relaxations); then it returns the best split with the gap it has
//! proven, the difference between that split's cost and the smallest bound still open.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use super::super::OptimiseError;
use super::super::allocate::Face;
use super::PaperIsland;

/// Work budget: nodes times prosumers (a node costs a few allocations over all prosumers),
/// about a second on the hardest instances seen.
pub(super) const BUDGET: usize = 500_000;

/// How a node treats a two-interval prosumer (single-interval prosumers are `Lower`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Choice {
    Hull,
    Lower,
    Upper,
}

/// A solved relaxation: its optimal set, a vertex of it, and its cost (eq. 4).
pub(super) struct Node {
    pub face: Face,
    pub point: Vec<f64>,
    pub cost_inr: f64,
}

/// What the search found.
pub(super) struct Outcome {
    /// The optimal set of the best decided problem.
    pub face: Face,
    /// Another decision came within tolerance of it.
    pub tied: bool,
    /// How much cheaper the global optimum could still be (0 when proven).
    pub gap_inr: f64,
}

/// A node waiting to be solved, ordered for a min-heap on its bound.
struct Open {
    bound_inr: f64,
    order: usize,
    choices: Vec<Choice>,
}

impl PartialEq for Open {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Open {}

impl PartialOrd for Open {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Open {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap pops the greatest, the search wants the lowest bound.
        other
            .bound_inr
            .total_cmp(&self.bound_inr)
            .then(other.order.cmp(&self.order))
    }
}

/// The best decided problem found so far.
struct Incumbent {
    node: Node,
    choices: Vec<Choice>,
    tied: bool,
}

impl Incumbent {
    /// The optimality tolerance: 1e-9 relative (and 1e-9 INR).
    fn tol(&self) -> f64 {
        1e-9 * (1.0 + self.node.cost_inr.abs())
    }

    /// Whether a cost beats this one by more than the tolerance.
    fn improved_by(&self, cost_inr: f64) -> bool {
        cost_inr < self.node.cost_inr - self.tol()
    }
}

impl PaperIsland {
    /// The bridge `(from, to)` of prosumer `i` if the node relaxes it.
    fn bridge(&self, choices: &[Choice], i: usize) -> Option<(f64, f64)> {
        match (&self.prosumers[i].hull, choices[i]) {
            (Some(h), Choice::Hull) => Some((h.from, h.to)),
            _ => None,
        }
    }

    /// The first prosumer whose hull `point` lies strictly inside (beyond a relative 1e-9), so
    /// the relaxation bridged its gap there; `None` when every point is feasible as it is.
    fn strictly_bridged(&self, choices: &[Choice], point: &[f64]) -> Option<usize> {
        (0..choices.len()).find(|&i| {
            self.bridge(choices, i).is_some_and(|(from, to)| {
                let e = 1e-9 * (1.0 + to);
                point[i] > from + e && point[i] < to - e
            })
        })
    }

    /// Branch and bound within a work `budget` (nodes × prosumers); see the module docs.
    pub(super) fn search(&self, deficit: f64, budget: usize) -> Result<Outcome, OptimiseError> {
        let root: Vec<Choice> = self
            .prosumers
            .iter()
            .map(|p| match p.hull {
                Some(_) => Choice::Hull,
                None => Choice::Lower,
            })
            .collect();
        let max_nodes = (budget / self.prosumers.len().max(1)).max(1);
        let mut best: Option<Incumbent> = None;
        // Open nodes, lowest bound (their parent's) first; ties in the order they were made.
        let mut open = BinaryHeap::from([Open {
            bound_inr: f64::NEG_INFINITY,
            order: 0,
            choices: root,
        }]);
        let mut made = 0;
        let mut nodes = 0;
        while nodes < max_nodes {
            let Some(Open { choices, .. }) = open.pop() else {
                break;
            };
            nodes += 1;
            let Some(node) = self.relax(&choices, deficit)? else {
                continue;
            };
            if best.as_ref().is_some_and(|b| !b.improved_by(node.cost_inr)) {
                continue;
            }
            let bridged = self.strictly_bridged(&choices, &node.point);
            let Some(i) = bridged else {
                self.offer(&mut best, self.decide(&choices, &node, &[]), deficit)?;
                continue;
            };
            for side in [Choice::Lower, Choice::Upper] {
                self.offer(
                    &mut best,
                    self.decide(&choices, &node, &[(i, side)]),
                    deficit,
                )?;
            }
            for decided in self.balance(&choices, &node) {
                self.offer(&mut best, decided, deficit)?;
            }
            if best.as_ref().is_some_and(|b| !b.improved_by(node.cost_inr)) {
                continue;
            }
            for side in [Choice::Upper, Choice::Lower] {
                made += 1;
                open.push(Open {
                    bound_inr: node.cost_inr,
                    order: made,
                    choices: self.branch(&choices, i, side),
                });
            }
        }
        let Some(best) = best else {
            return Err(match open.is_empty() {
                true => OptimiseError::Solver("no choice of intervals covers the deficit".into()),
                false => OptimiseError::SearchLimit { nodes },
            });
        };
        let bound = open
            .iter()
            .map(|o| o.bound_inr)
            .filter(|&b| best.improved_by(b))
            .fold(best.node.cost_inr, f64::min);
        // Twins on different intervals: swapping them is another split of the same cost.
        let mut side_of_twins = HashMap::new();
        let twins_split = best.choices.iter().enumerate().any(|(j, &c)| {
            self.prosumers[j].hull.is_some() && *side_of_twins.entry(self.twin[j]).or_insert(c) != c
        });
        let tied = best.tied
            || twins_split
            || self.another_choice_within(
                &best.choices,
                deficit,
                best.node.cost_inr + best.tol(),
                max_nodes,
            )?;
        Ok(Outcome {
            gap_inr: best.node.cost_inr - bound,
            face: best.node.face,
            tied,
        })
    }

    /// Whether a choice of sides other than `best` reaches `target_inr`: an exhaustive
    /// search of every other choice, pruned by the relaxations' bounds. The other choices are
    /// split into disjoint sets, the k-th agreeing with `best` on the first k − 1 gapped
    /// prosumers and taking the other side for the k-th. A relaxation whose optimal vertex
    /// bridges no gap is itself a split of its cost. Gives up (false) after `max_nodes`.
    fn another_choice_within(
        &self,
        best: &[Choice],
        deficit: f64,
        target_inr: f64,
        max_nodes: usize,
    ) -> Result<bool, OptimiseError> {
        let gapped: Vec<usize> = (0..best.len())
            .filter(|&i| self.prosumers[i].hull.is_some())
            .collect();
        let mut stack: Vec<Vec<Choice>> = (0..gapped.len())
            .map(|k| {
                let mut choices = best.to_vec();
                for &j in &gapped[k + 1..] {
                    choices[j] = Choice::Hull;
                }
                let i = gapped[k];
                choices[i] = match best[i] {
                    Choice::Upper => Choice::Lower,
                    _ => Choice::Upper,
                };
                choices
            })
            .collect();
        let mut nodes = 0;
        while let Some(choices) = stack.pop() {
            nodes += 1;
            if nodes > max_nodes {
                return Ok(false);
            }
            let Some(node) = self.relax(&choices, deficit)? else {
                continue;
            };
            if node.cost_inr > target_inr {
                continue;
            }
            let bridged = self.strictly_bridged(&choices, &node.point);
            let Some(i) = bridged else {
                return Ok(true);
            };
            for side in [Choice::Lower, Choice::Upper] {
                let mut child = choices.clone();
                child[i] = side;
                stack.push(child);
            }
        }
        Ok(false)
    }

    /// The child of a node that puts prosumer `i` on `side`. Among interchangeable
    /// prosumers (twins) the upper ones can be taken to come first: an upper `i` makes
    /// its earlier relaxed twins upper, a lower `i` its later ones lower. Every split below
    /// the node has a permutation of twins that lies in one of the two children.
    fn branch(&self, choices: &[Choice], i: usize, side: Choice) -> Vec<Choice> {
        let mut child = choices.to_vec();
        for (j, c) in child.iter_mut().enumerate() {
            let ordered = match side {
                Choice::Upper => j < i,
                _ => j > i,
            };
            if j == i || (ordered && *c == Choice::Hull && self.twin[j] == self.twin[i]) {
                *c = side;
            }
        }
        child
    }

    /// `choices` with every relaxed prosumer on the interval its relaxed point lies in,
    /// then `sides` applied: a decided, convex problem.
    fn decide(&self, choices: &[Choice], node: &Node, sides: &[(usize, Choice)]) -> Vec<Choice> {
        let mut decided: Vec<Choice> = (0..choices.len())
            .map(|j| match self.bridge(choices, j) {
                Some((from, to)) if node.point[j] > from + 1e-9 * (1.0 + to) => Choice::Upper,
                Some(_) => Choice::Lower,
                None => choices[j],
            })
            .collect();
        for &(i, side) in sides {
            decided[i] = side;
        }
        decided
    }

    /// Roundings for a node whose optimal set lets several relaxed prosumers move along
    /// their whole bridge: the energy the vertex puts on them, above their bridges' lower
    /// ends, is covered by letting a subset cross (largest gaps first, each if it still
    /// fits), undershooting; and by that subset plus the smallest gap left, overshooting.
    fn balance(&self, choices: &[Choice], node: &Node) -> Vec<Vec<Choice>> {
        let mut spans: Vec<(usize, f64, f64)> = (0..choices.len())
            .filter_map(|i| {
                let (from, to) = self.bridge(choices, i)?;
                let e = 1e-9 * (1.0 + to);
                (node.face.lo[i] <= from + e && node.face.hi[i] >= to - e).then_some((i, from, to))
            })
            .collect();
        if spans.len() < 2 {
            return Vec::new();
        }
        let mut need: f64 = spans.iter().map(|&(i, from, _)| node.point[i] - from).sum();
        spans.sort_by(|a, b| (b.2 - b.1).total_cmp(&(a.2 - a.1)).then(a.0.cmp(&b.0)));
        let mut cross = Vec::new();
        let mut rest = Vec::new();
        for &(i, from, to) in &spans {
            if to - from <= need {
                need -= to - from;
                cross.push((i, Choice::Upper));
            } else {
                rest.push((i, Choice::Lower));
            }
        }
        let mut rounded = vec![self.decide(choices, node, &[cross.as_slice(), &rest].concat())];
        if let Some(last) = rest.pop() {
            cross.push((last.0, Choice::Upper));
            rounded.push(self.decide(choices, node, &[cross.as_slice(), &rest].concat()));
        }
        rounded
    }

    /// Solves a decided problem and keeps it if it is the best so far; notes a tie when a
    /// different decision comes within tolerance of the best.
    fn offer(
        &self,
        best: &mut Option<Incumbent>,
        choices: Vec<Choice>,
        deficit: f64,
    ) -> Result<(), OptimiseError> {
        let Some(node) = self.relax(&choices, deficit)? else {
            return Ok(());
        };
        match best {
            Some(b) if !b.improved_by(node.cost_inr) => {
                b.tied |= choices != b.choices && node.cost_inr <= b.node.cost_inr + b.tol();
            }
            _ => {
                *best = Some(Incumbent {
                    node,
                    choices,
                    tied: false,
                })
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimise::ProsumerInput;

    /// Prosumers whose eq. 13 gap is wide (small K against a large consumption): every one
    /// of them must choose a side, and nothing else absorbs the remainder.
    fn gapped(n: usize, twins: bool) -> PaperIsland {
        let prosumers: Vec<ProsumerInput> = (0..n)
            .map(|i| {
                let f = if twins { 0.0 } else { i as f64 };
                let (pe, pc, pb, k) = (300.0, 800.0 + 13.0 * f, 200.0 + 7.0 * f, 40.0 + 3.0 * f);
                ProsumerInput {
                    id: format!("P{i}"),
                    export_prev_kwh: pe,
                    generation_kwh: k + pe + pc - pb,
                    battery_kwh: pb,
                    consumption_kwh: pc,
                    alpha_min: 0.0,
                    alpha_max: 1.0,
                }
            })
            .collect();
        let indexed: Vec<(usize, &ProsumerInput)> = prosumers.iter().enumerate().collect();
        PaperIsland::new(&indexed, 0.0, 3.0).unwrap()
    }

    /// Eq. 4 at a split, from each prosumer's cost on the interval holding its share.
    fn eq4(island: &PaperIsland, x: &[f64]) -> f64 {
        let g: f64 = x
            .iter()
            .zip(&island.prosumers)
            .map(|(&d, p)| {
                let piece = p
                    .pieces
                    .iter()
                    .find(|c| d >= c.lo() - 1e-9 && d <= c.hi() + 1e-9);
                piece.expect("every share lies on an interval").value(d)
            })
            .sum();
        island.objective(x.iter().sum(), g)
    }

    #[test]
    fn an_exhausted_budget_reports_a_valid_gap() {
        let island = gapped(10, false);
        let deficit = 3800.0;
        let cheap = island.search(deficit, 10).unwrap();
        let full = island.search(deficit, BUDGET).unwrap();
        let (cheap_x, full_x) = (cheap.face.vertex(), full.face.vertex());
        assert!((cheap_x.iter().sum::<f64>() - deficit).abs() < 1e-6);
        assert!((full_x.iter().sum::<f64>() - deficit).abs() < 1e-6);
        assert!(
            cheap.gap_inr > 0.0,
            "one node should not prove this instance"
        );
        assert_eq!(full.gap_inr, 0.0);
        // The gap is a bound: the full search finds nothing cheaper than it allows.
        let (cheap_cost, full_cost) = (eq4(&island, &cheap_x), eq4(&island, &full_x));
        assert!(full_cost <= cheap_cost + 1e-6);
        assert!(
            full_cost >= cheap_cost - cheap.gap_inr - 1e-6,
            "{full_cost} {cheap_cost} {}",
            cheap.gap_inr
        );
    }

    #[test]
    fn twins_are_searched_once_and_reported_as_degenerate() {
        // Six identical prosumers, a deficit that some but not all must cross their gap for.
        let twins = gapped(6, true);
        let outcome = twins.search(2500.0, BUDGET).unwrap();
        assert_eq!(outcome.gap_inr, 0.0);
        assert!(
            outcome.tied,
            "swapping twins across their gap is another optimal split"
        );
        let x = outcome.face.vertex();
        let gap_end = twins.prosumers[0].hull.as_ref().unwrap().to;
        let crossing = x.iter().filter(|&&d| d >= gap_end - 1e-6).count();
        assert!(crossing > 0 && crossing < 6, "{x:?}");
        // Twins in order: the ones that cross come first.
        assert!(x.windows(2).all(|w| w[0] >= w[1] - 1e-9), "{x:?}");
    }
}
