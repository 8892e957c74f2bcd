//! The island as a tree rooted at its reference node: its nodes, branches and loads.

use super::PowerFlowError;
use super::impedance::{self, Transformer};
use super::phasor::{self, Matrix, Phasors, ZERO};
use crate::scenario::{Line, LineKind, LoadConnection, NodeId, Scenario};
use num_complex::Complex64;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The reference node's phase-to-neutral voltages: what the grid-forming unit (or the
/// substation) holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ReferenceVoltage {
    /// Balanced positive sequence of this magnitude, pu of the node's base, phase 1 at 0°.
    Balanced {
        /// Magnitude, pu.
        magnitude_pu: f64,
    },
    /// Given phasors, V (phases 1, 2, 3).
    Phases([Complex64; 3]),
}

/// A node of the network.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkNode {
    /// Its id in the scenario.
    pub id: NodeId,
    /// Its name in the scenario.
    pub name: String,
    /// Its line-to-line voltage base, kV.
    pub base_kv: f64,
    /// The phases (1–3, index 0–2) that reach it.
    pub phases: [bool; 3],
}

impl NetworkNode {
    /// Its phase-to-neutral voltage base, V.
    pub fn base_v(&self) -> f64 {
        self.base_kv * 1000.0 / 3f64.sqrt()
    }
}

/// A branch: a line, switch or transformer of the scenario, oriented away from the reference.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// Its index in the scenario's `grid.lines`.
    pub line: usize,
    /// Its name (its scenario name, else its ends).
    pub name: String,
    /// The node toward the reference (an index into [`Network::nodes`]).
    pub from: usize,
    /// The node away from it.
    pub to: usize,
    /// The phases (index 0–2) it carries.
    pub phases: [bool; 3],
    /// Its current rating, A: the line's own, else its code's; a transformer's own, else its
    /// rated current at the `from` side.
    pub rating_a: Option<f64>,
    pub(crate) model: BranchModel,
}

/// How a branch relates its ends' voltages and currents.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum BranchModel {
    /// A series impedance matrix, Ω (zero for a switch): same current at both ends.
    Series(Matrix),
    /// A transformer.
    Transformer(Transformer),
}

/// A constant-power load.
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    /// The consumer's or prosumer's id.
    pub entity: String,
    /// Its node (an index into [`Network::nodes`]).
    pub node: usize,
    /// Its phases and wiring.
    pub connection: LoadConnection,
    /// Its power factor (negative: leading).
    pub power_factor: f64,
    /// Its active power, kW (negative: it feeds the network).
    pub kw: f64,
}

impl Load {
    /// Its reactive power from its active power and power factor, kvar.
    pub fn kvar(&self) -> f64 {
        let pf = self.power_factor.abs();
        self.kw * (1.0 - pf * pf).sqrt() / pf * self.power_factor.signum()
    }
}

/// A radial three-phase network: the island of one reference node, as a tree.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    nodes: Vec<NetworkNode>,
    branches: Vec<Branch>,
    /// Its loads; each starts at its scenario's rated power (its energy per meter interval over
    /// the interval) and may be changed before a solve.
    pub loads: Vec<Load>,
    reference_v: Phasors,
}

impl Network {
    /// The island of `reference` in `scenario`: every node it reaches through edges in service
    /// (not normally open, not in `open_lines`, indices into `grid.lines`), with their loads
    /// (consumers and prosumers' consumption). Refuses a meshed island, a node without a
    /// voltage base, a line without an impedance, and a phase used where it does not reach.
    pub fn island(
        scenario: &Scenario,
        reference: NodeId,
        voltage: ReferenceVoltage,
        open_lines: &BTreeSet<usize>,
    ) -> Result<Self, PowerFlowError> {
        let grid = &scenario.grid;
        let scenario_node = |id: NodeId| grid.nodes.iter().find(|n| n.id == id);
        let mut incident: BTreeMap<NodeId, Vec<usize>> = BTreeMap::new();
        for (i, l) in grid.lines.iter().enumerate() {
            if !l.normally_open && !open_lines.contains(&i) {
                incident.entry(l.from).or_default().push(i);
                incident.entry(l.to).or_default().push(i);
            }
        }
        let new_node = |id: NodeId, phases: [bool; 3]| {
            let n = scenario_node(id).ok_or(PowerFlowError::UnknownNode(id))?;
            let base_kv = n.base_kv.ok_or_else(|| PowerFlowError::NoVoltageBase {
                node: node_label(id, &n.name),
            })?;
            Ok::<_, PowerFlowError>(NetworkNode {
                id,
                name: n.name.clone(),
                base_kv,
                phases,
            })
        };
        let mut nodes = vec![new_node(reference, [true; 3])?];
        let mut index = BTreeMap::from([(reference, 0usize)]);
        let mut branches: Vec<Branch> = Vec::new();
        let mut parent_line = vec![usize::MAX];
        let mut queue = VecDeque::from([0usize]);
        while let Some(from) = queue.pop_front() {
            let id = nodes[from].id;
            for &i in incident.get(&id).map_or(&[][..], Vec::as_slice) {
                if i == parent_line[from] {
                    continue;
                }
                let line = &grid.lines[i];
                let (other, reversed) = if line.from == id {
                    (line.to, false)
                } else {
                    (line.from, true)
                };
                if index.contains_key(&other) {
                    return Err(PowerFlowError::Meshed {
                        edge: edge_label(line),
                    });
                }
                let phases = line_phases(line);
                for (p, _) in phases.iter().enumerate().filter(|&(_, &on)| on) {
                    if !nodes[from].phases[p] {
                        return Err(PowerFlowError::MissingPhase {
                            element: edge_label(line),
                            phase: p as u32 + 1,
                            node: node_label(id, &nodes[from].name),
                        });
                    }
                }
                let to = nodes.len();
                nodes.push(new_node(other, phases)?);
                index.insert(other, to);
                parent_line.push(i);
                queue.push_back(to);
                let (model, rating_a) =
                    branch_model(scenario, line, reversed, &nodes[from], &nodes[to])?;
                branches.push(Branch {
                    line: i,
                    name: edge_label(line),
                    from,
                    to,
                    phases,
                    rating_a,
                    model,
                });
            }
        }
        let reference_v = match voltage {
            ReferenceVoltage::Balanced { magnitude_pu } => {
                phasor::balanced(magnitude_pu * nodes[0].base_v())
            }
            ReferenceVoltage::Phases(v) => v,
        };
        let loads = loads(scenario, &index, &nodes)?;
        Ok(Network {
            nodes,
            branches,
            loads,
            reference_v,
        })
    }

    /// Its nodes, the reference first, each after the node that feeds it.
    pub fn nodes(&self) -> &[NetworkNode] {
        &self.nodes
    }

    /// Its branches, each after the branch that feeds it.
    pub fn branches(&self) -> &[Branch] {
        &self.branches
    }

    /// The reference node's phase-to-neutral voltages, V.
    pub fn reference_v(&self) -> [Complex64; 3] {
        self.reference_v
    }
}

/// The phases a line carries (all three when not given).
fn line_phases(line: &Line) -> [bool; 3] {
    if line.phases.is_empty() {
        return [true; 3];
    }
    std::array::from_fn(|p| line.phases.contains(&(p as u32 + 1)))
}

/// A branch's model and rating.
fn branch_model(
    scenario: &Scenario,
    line: &Line,
    reversed: bool,
    from: &NetworkNode,
    to: &NetworkNode,
) -> Result<(BranchModel, Option<f64>), PowerFlowError> {
    let no_impedance = |reason: String| PowerFlowError::NoImpedance {
        edge: edge_label(line),
        reason,
    };
    let conductors: Vec<usize> = if line.phases.is_empty() {
        vec![0, 1, 2]
    } else {
        line.phases.iter().map(|&p| p as usize - 1).collect()
    };
    match line.kind {
        LineKind::Switch => Ok((BranchModel::Series([ZERO; 3]), line.rating_a)),
        LineKind::Line => {
            let name = line
                .code
                .as_ref()
                .ok_or_else(|| no_impedance("no line code".into()))?;
            let code = scenario.grid.line_codes.get(name).ok_or_else(|| {
                no_impedance(format!("line code {name} is not in grid.line_codes"))
            })?;
            let length_km = line
                .length_km
                .ok_or_else(|| no_impedance("no length".into()))?;
            let z = impedance::line_ohm(code, &conductors, length_km).map_err(no_impedance)?;
            Ok((BranchModel::Series(z), line.rating_a.or(code.rating_a)))
        }
        LineKind::Transformer => {
            let unsupported = |reason: &str| PowerFlowError::UnsupportedTransformer {
                edge: edge_label(line),
                reason: reason.to_string(),
            };
            let rating = line
                .transformer
                .as_ref()
                .ok_or_else(|| unsupported("no transformer rating"))?;
            let t = Transformer::new(rating, reversed, from.base_kv, to.base_kv, conductors.len());
            if t.has_delta() && conductors.len() < 3 {
                return Err(unsupported("a delta winding needs all three phases"));
            }
            let rated_a = rating.kva / (conductors.len() as f64 * from.base_v() / 1000.0);
            Ok((BranchModel::Transformer(t), line.rating_a.or(Some(rated_a))))
        }
    }
}

/// The loads at the network's nodes: consumers and prosumers at their rated power, then
/// solar and wind plants and battery banks at zero, wye on every phase of their node (they
/// inject once a caller sets a negative power).
fn loads(
    scenario: &Scenario,
    index: &BTreeMap<NodeId, usize>,
    nodes: &[NetworkNode],
) -> Result<Vec<Load>, PowerFlowError> {
    let interval_h = scenario.time.meter_interval_s / 3600.0;
    let e = &scenario.entities;
    let consumers = e.consumers.iter().map(|c| {
        (
            &c.id,
            c.node,
            c.demand_kwh,
            c.power_factor,
            c.connection.as_ref(),
        )
    });
    let prosumers = e.prosumers.iter().map(|p| {
        (
            &p.id,
            p.node,
            p.consumption_kwh,
            p.power_factor,
            p.connection.as_ref(),
        )
    });
    let sources = (e.solar.iter().chain(&e.wind).map(|d| (&d.id, d.node)))
        .chain(e.batteries.iter().map(|b| (&b.id, b.node)))
        .map(|(id, node)| (id, node, 0.0, None, None));
    let mut loads = Vec::new();
    for (k, (id, node, kwh, power_factor, connection)) in
        consumers.chain(prosumers).chain(sources).enumerate()
    {
        let Some(&at) = index.get(&node) else {
            continue;
        };
        let is_source = k >= e.consumers.len() + e.prosumers.len();
        let connection = connection.cloned().unwrap_or_else(|| LoadConnection {
            phases: if is_source {
                (1..=3)
                    .filter(|&p| nodes[at].phases[p as usize - 1])
                    .collect()
            } else {
                vec![1, 2, 3]
            },
            delta: false,
        });
        if let Some(&phase) = connection
            .phases
            .iter()
            .find(|&&p| !nodes[at].phases[p as usize - 1])
        {
            return Err(PowerFlowError::MissingPhase {
                element: id.clone(),
                phase,
                node: node_label(node, &nodes[at].name),
            });
        }
        loads.push(Load {
            entity: id.clone(),
            node: at,
            connection,
            power_factor: power_factor.unwrap_or(1.0),
            kw: kwh / interval_h,
        });
    }
    Ok(loads)
}

/// An edge's name, else its ends.
fn edge_label(line: &Line) -> String {
    if line.name.is_empty() {
        format!("the line {}–{}", line.from, line.to)
    } else {
        line.name.clone()
    }
}

/// A node's name with its id.
fn node_label(id: NodeId, name: &str) -> String {
    if name.is_empty() {
        id.to_string()
    } else {
        format!("{id} ({name})")
    }
}
