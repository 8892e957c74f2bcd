//! The backward/forward sweep (current summation): from the loads' currents at the present
//! voltages, sum currents toward the reference; from the reference's fixed voltages, drop
//! voltages away from it; until no voltage changes by more than the tolerance.

use super::PowerFlowError;
use super::network::{BranchModel, Load, Network};
use super::phasor::{self, Phasors, ZERO};
use super::solution::Solution;
use num_complex::Complex64;

/// When the sweep stops.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepOptions {
    /// Converged when no node's phase voltage changes by more than this in an iteration, pu of
    /// its phase-to-neutral base.
    pub tolerance_pu: f64,
    /// Iterations before [`PowerFlowError::NotConverged`].
    pub max_iterations: usize,
}

impl Default for SweepOptions {
    /// 10⁻⁹ pu, 100 iterations.
    fn default() -> Self {
        SweepOptions {
            tolerance_pu: 1e-9,
            max_iterations: 100,
        }
    }
}

/// Solves `network` with its loads at their present power.
pub fn solve(network: &Network, options: &SweepOptions) -> Result<Solution, PowerFlowError> {
    let nodes = network.nodes();
    let branches = network.branches();
    let mut v = vec![ZERO; nodes.len()];
    v[0] = network.reference_v();
    // Each branch's current at its `to` end, A; none at the start (no-load voltages).
    let mut delivered_a = vec![ZERO; branches.len()];
    let mut drawn_a = vec![ZERO; branches.len()];
    forward(network, &mut v, &delivered_a);
    let mut change_pu = f64::NAN;
    for iteration in 1..=options.max_iterations {
        let mut node_a = vec![ZERO; nodes.len()];
        for load in &network.loads {
            add_load_current(load, &v[load.node], &mut node_a[load.node]);
        }
        for (k, b) in branches.iter().enumerate().rev() {
            delivered_a[k] = node_a[b.to];
            drawn_a[k] = match &b.model {
                BranchModel::Series(_) => delivered_a[k],
                BranchModel::Transformer(t) => t.primary_a(&delivered_a[k]),
            };
            for p in 0..3 {
                node_a[b.from][p] += drawn_a[k][p];
            }
        }
        change_pu = forward(network, &mut v, &delivered_a);
        if !change_pu.is_finite() {
            break;
        }
        if change_pu <= options.tolerance_pu {
            return Ok(Solution::new(
                network,
                iteration,
                &v,
                &drawn_a,
                &delivered_a,
            ));
        }
    }
    Err(PowerFlowError::NotConverged {
        iterations: options.max_iterations,
        change_pu,
    })
}

/// Sets every node's voltages from the reference outward given each branch's delivered
/// current; the largest change, pu.
fn forward(network: &Network, v: &mut [Phasors], delivered_a: &[Phasors]) -> f64 {
    let nodes = network.nodes();
    let mut change_pu: f64 = 0.0;
    for (b, i_a) in network.branches().iter().zip(delivered_a) {
        let new = match &b.model {
            BranchModel::Series(z_ohm) => {
                let drop = phasor::times(z_ohm, i_a);
                std::array::from_fn(|p| v[b.from][p] - drop[p])
            }
            BranchModel::Transformer(t) => t.secondary_v(&v[b.from], i_a),
        };
        let new: Phasors =
            std::array::from_fn(|p| if b.phases[p] { new[p] } else { Complex64::ZERO });
        let base_v = nodes[b.to].base_v();
        for p in 0..3 {
            change_pu = change_pu.max((new[p] - v[b.to][p]).norm() / base_v);
        }
        if change_pu.is_nan() {
            return f64::NAN;
        }
        v[b.to] = new;
    }
    change_pu
}

/// Adds the currents a constant-power load draws at voltages `v` to `node_a`: a wye load's
/// power split equally over its phases, a delta load's over its phase pairs (1–2, 2–3, 3–1 for
/// three phases; the one pair for two).
fn add_load_current(load: &Load, v: &Phasors, node_a: &mut Phasors) {
    if load.kw == 0.0 {
        return;
    }
    let s_va = Complex64::new(load.kw, load.kvar()) * 1000.0;
    let phases = &load.connection.phases;
    let n = phases.len();
    let phase = |k: usize| phases[k] as usize - 1;
    if load.connection.delta {
        // Two phases: their one pair; three: 1–2, 2–3, 3–1.
        let pairs = if n == 2 { 1 } else { n };
        let share = s_va / pairs as f64;
        for k in 0..pairs {
            let (p, q) = (phase(k), phase((k + 1) % n));
            let i = (share / (v[p] - v[q])).conj();
            node_a[p] += i;
            node_a[q] -= i;
        }
    } else {
        let share = s_va / n as f64;
        for k in 0..n {
            let p = phase(k);
            node_a[p] += (share / v[p]).conj();
        }
    }
}
