//! What a solved power flow reports: voltages, currents against ratings, losses, extremes.

use super::network::{BranchModel, Network};
use super::phasor::Phasors;
use crate::scenario::NodeId;
use num_complex::Complex64;

/// A solved power flow.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Sweep iterations to converge.
    pub iterations: usize,
    /// Each node's voltages, in the order of [`Network::nodes`].
    pub nodes: Vec<NodeVoltages>,
    /// Each branch's currents, in the order of [`Network::branches`].
    pub branches: Vec<BranchFlow>,
    /// Total series losses, kW: the reference's supply minus the loads.
    pub losses_kw: f64,
    /// Total series reactive losses, kvar.
    pub losses_kvar: f64,
    /// The lowest phase voltage.
    pub min_voltage: PhaseVoltage,
    /// The highest phase voltage.
    pub max_voltage: PhaseVoltage,
    /// The branch with the highest current over its rating; none when no branch has a rating.
    pub most_loaded: Option<BranchLoading>,
}

/// One node's phase voltages.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeVoltages {
    /// The node's id.
    pub node: NodeId,
    /// Its name.
    pub name: String,
    /// One per phase that reaches it, in phase order.
    pub phases: Vec<PhaseVoltage>,
}

/// A phase-to-neutral voltage.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseVoltage {
    /// The node's id.
    pub node: NodeId,
    /// The phase, 1–3.
    pub phase: u32,
    /// The phasor, V.
    pub voltage_v: Complex64,
    /// Its magnitude, pu of the node's phase-to-neutral base.
    pub magnitude_pu: f64,
}

/// One branch's currents, at its end toward the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchFlow {
    /// Its index in the scenario's `grid.lines`.
    pub line: usize,
    /// Its name.
    pub name: String,
    /// Current per phase it carries (phase 1–3, phasor in A).
    pub currents_a: Vec<(u32, Complex64)>,
    /// Its largest phase current over its rating; none without a rating.
    pub loading: Option<f64>,
    /// Its losses, kW.
    pub losses_kw: f64,
    /// Its reactive losses, kvar.
    pub losses_kvar: f64,
}

/// A branch's loading.
#[derive(Debug, Clone, PartialEq)]
pub struct BranchLoading {
    /// Its index in the scenario's `grid.lines`.
    pub line: usize,
    /// Its name.
    pub name: String,
    /// Its largest phase current over its rating.
    pub loading: f64,
}

impl Solution {
    /// The solution of `network` at node voltages `v`, with each branch drawing `drawn_a` at
    /// its `from` end and delivering `delivered_a` at its `to` end.
    pub(crate) fn new(
        network: &Network,
        iterations: usize,
        v: &[Phasors],
        drawn_a: &[Phasors],
        delivered_a: &[Phasors],
    ) -> Self {
        let nodes: Vec<NodeVoltages> = network
            .nodes()
            .iter()
            .zip(v)
            .map(|(n, v)| NodeVoltages {
                node: n.id,
                name: n.name.clone(),
                phases: (0..3)
                    .filter(|&p| n.phases[p])
                    .map(|p| PhaseVoltage {
                        node: n.id,
                        phase: p as u32 + 1,
                        voltage_v: v[p],
                        magnitude_pu: v[p].norm() / n.base_v(),
                    })
                    .collect(),
            })
            .collect();
        let branches: Vec<BranchFlow> = network
            .branches()
            .iter()
            .enumerate()
            .map(|(k, b)| {
                let primary_phases = match &b.model {
                    BranchModel::Series(_) => b.phases,
                    BranchModel::Transformer(_) => network.nodes()[b.from].phases,
                };
                let currents_a: Vec<(u32, Complex64)> = (0..3)
                    .filter(|&p| b.phases[p] || primary_phases[p])
                    .map(|p| (p as u32 + 1, drawn_a[k][p]))
                    .collect();
                let largest_a = currents_a.iter().map(|(_, i)| i.norm()).fold(0.0, f64::max);
                let loss_va: Complex64 = (0..3)
                    .map(|p| {
                        v[b.from][p] * drawn_a[k][p].conj() - v[b.to][p] * delivered_a[k][p].conj()
                    })
                    .sum();
                BranchFlow {
                    line: b.line,
                    name: b.name.clone(),
                    currents_a,
                    loading: b.rating_a.map(|r| largest_a / r),
                    losses_kw: loss_va.re / 1000.0,
                    losses_kvar: loss_va.im / 1000.0,
                }
            })
            .collect();
        let all_phases = || nodes.iter().flat_map(|n| &n.phases);
        let by_magnitude =
            |a: &&PhaseVoltage, b: &&PhaseVoltage| a.magnitude_pu.total_cmp(&b.magnitude_pu);
        let min_voltage = all_phases()
            .min_by(by_magnitude)
            .expect("the reference has phases")
            .clone();
        let max_voltage = all_phases()
            .max_by(by_magnitude)
            .expect("the reference has phases")
            .clone();
        let most_loaded = branches
            .iter()
            .filter_map(|b| {
                b.loading.map(|loading| BranchLoading {
                    line: b.line,
                    name: b.name.clone(),
                    loading,
                })
            })
            .max_by(|a, b| a.loading.total_cmp(&b.loading));
        Solution {
            iterations,
            losses_kw: branches.iter().map(|b| b.losses_kw).sum(),
            losses_kvar: branches.iter().map(|b| b.losses_kvar).sum(),
            nodes,
            branches,
            min_voltage,
            max_voltage,
            most_loaded,
        }
    }
}
