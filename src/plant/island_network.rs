//! The island's network in the loop (docs/model.md §13): every stretch an island is settled, a
//! three-phase power flow of its lines from its grid-forming unit checks what the energy
//! settlement asks of them. Its series losses are supplied like demand (found by iterating the
//! settlement and the flow until they agree); a voltage outside the band or a line beyond its
//! rating is corrected, one step at a time, by shedding consumers by priority (where demand
//! causes it) or by curtailing generation (where injection causes it), and what was broken and
//! what was done is recorded.
//!
//! **Correction rules.** A violation is located on the tree from the grid-forming unit (the
//! reference): an overloaded branch's *subtree* is what it feeds; a node's voltage is governed
//! by the subtree of the first branch from the reference toward it. The worst violation is
//! corrected first — a collapse (the sweep does not converge), then the most overloaded branch,
//! then the lowest voltage below the band, then the highest above it.
//!
//! - *Demand-driven* (a collapse, an undervoltage, an overload carrying power away from the
//!   reference): the subtree's served consumers are shed in the order protection would shed
//!   them (lowest priority, then the larger demand, then id), the fewest that clear it (found
//!   by doubling, then bisection), and the island re-settled.
//! - *Injection-driven* (an overvoltage, an overload carrying power toward the reference): the
//!   generation injected in the subtree — DERs' generation and prosumers' export offers — is
//!   cut by one common share, the largest that clears the violation (bisection to 1/256).
//!
//! A violation with nothing left to correct stays, recorded as unresolved.

use super::settle::{
    self, Flow, IntervalAccount, Member, NetworkCorrection, Role, SettleError, ShedBy,
};
use crate::powerflow::{self, Network, PowerFlowError, ReferenceVoltage, Solution, SweepOptions};
use crate::scenario::{NodeId, Scenario};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// The power flow's settings for a run: the scenario's grid and the voltage band.
#[derive(Debug, Clone)]
pub struct NetworkModel {
    scenario: Arc<Scenario>,
    /// Allowed deviation of every phase voltage from 1 pu, pu.
    voltage_band_pu: f64,
}

impl NetworkModel {
    /// The power flow of `scenario`'s grid, phase voltages kept within 1 ± `voltage_band_pu`.
    pub fn new(scenario: Arc<Scenario>, voltage_band_pu: f64) -> Self {
        NetworkModel {
            scenario,
            voltage_band_pu,
        }
    }

    /// Each entity's node, by id.
    pub fn node_of(&self, id: &str) -> Option<NodeId> {
        let e = &self.scenario.entities;
        (e.consumers.iter().map(|c| (&c.id, c.node)))
            .chain(e.prosumers.iter().map(|p| (&p.id, p.node)))
            .chain(e.solar.iter().chain(&e.wind).map(|d| (&d.id, d.node)))
            .chain(e.batteries.iter().map(|b| (&b.id, b.node)))
            .find(|(i, _)| *i == id)
            .map(|(_, node)| node)
    }
}

/// Why an island's network could not be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NetworkError {
    /// A member's inputs out of their domain.
    #[error(transparent)]
    Settle(#[from] SettleError),
    /// The island's network could not be built (no voltage base, no impedance, meshed).
    #[error("its network from {reference}: {source}")]
    PowerFlow {
        /// The grid-forming unit's id.
        reference: String,
        /// What stopped it.
        source: PowerFlowError,
    },
}

/// What the power flow found and did in an island over one interval (or part of one).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NetworkRecord {
    /// The grid-forming unit, the voltage reference (its entity id).
    pub reference: String,
    /// The network's series losses, kWh.
    pub losses_kwh: f64,
    /// The lowest phase voltage, pu (`None`: the island collapsed).
    pub min_voltage_pu: Option<f64>,
    /// Where: `node.phase`.
    pub min_voltage_at: Option<String>,
    /// The highest phase voltage, pu.
    pub max_voltage_pu: Option<f64>,
    /// Where: `node.phase`.
    pub max_voltage_at: Option<String>,
    /// The branch with the highest current over its rating (`None`: no branch has a rating).
    pub most_loaded_line: Option<String>,
    /// Its current over its rating.
    pub max_loading: Option<f64>,
    /// What the energy settlement broke before any correction (`None`: nothing).
    pub violation: Option<String>,
    /// Consumers shed to keep the limits, in the order they were shed.
    pub shed_for_limits: Vec<String>,
    /// A violation left with nothing to correct it (`None`: none).
    pub unresolved: Option<String>,
    /// Power flows solved.
    pub power_flows: usize,
}

impl NetworkRecord {
    /// Adds a later stretch `b` of the same interval: the extremes of both, the sums, the first
    /// violation, the last unresolved one.
    pub fn add(&mut self, b: &NetworkRecord) {
        self.losses_kwh += b.losses_kwh;
        if lower(b.min_voltage_pu, self.min_voltage_pu) {
            self.min_voltage_pu = b.min_voltage_pu;
            self.min_voltage_at.clone_from(&b.min_voltage_at);
        }
        if lower(self.max_voltage_pu, b.max_voltage_pu) {
            self.max_voltage_pu = b.max_voltage_pu;
            self.max_voltage_at.clone_from(&b.max_voltage_at);
        }
        if lower(self.max_loading, b.max_loading) {
            self.max_loading = b.max_loading;
            self.most_loaded_line.clone_from(&b.most_loaded_line);
        }
        if self.violation.is_none() {
            self.violation.clone_from(&b.violation);
        }
        for id in &b.shed_for_limits {
            if !self.shed_for_limits.contains(id) {
                self.shed_for_limits.push(id.clone());
            }
        }
        if b.unresolved.is_some() {
            self.unresolved.clone_from(&b.unresolved);
        }
        self.power_flows += b.power_flows;
        self.reference.clone_from(&b.reference);
    }
}

/// Whether `a` is below `b`, a missing value above everything.
fn lower(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a < b,
        (Some(_), None) => true,
        _ => false,
    }
}

/// A limit broken, located on the tree.
#[derive(Debug, Clone, PartialEq)]
enum Violation {
    /// The sweep did not converge: more load than the network can carry.
    Collapse,
    /// A branch over its rating; `toward_load`: its power flows away from the reference.
    Overload {
        branch: usize,
        loading: f64,
        toward_load: bool,
    },
    /// A phase voltage below the band at a network node.
    Under { node: usize, label: String, pu: f64 },
    /// A phase voltage above it.
    Over { node: usize, label: String, pu: f64 },
}

impl Violation {
    /// Whether demand (rather than injection) causes it.
    fn demand_driven(&self) -> bool {
        match self {
            Violation::Collapse | Violation::Under { .. } => true,
            Violation::Overload { toward_load, .. } => *toward_load,
            Violation::Over { .. } => false,
        }
    }

    fn describe(&self, network: &Network) -> String {
        match self {
            Violation::Collapse => "voltage collapse (the power flow does not converge)".into(),
            Violation::Overload {
                branch, loading, ..
            } => format!(
                "{} loaded {:.3} × its rating",
                network.branches()[*branch].name,
                loading
            ),
            Violation::Under { label, pu, .. } => format!("undervoltage {pu:.4} pu at {label}"),
            Violation::Over { label, pu, .. } => format!("overvoltage {pu:.4} pu at {label}"),
        }
    }
}

/// One settlement with its power flow: the members settled (a trial copy), the account, and
/// the flow (`None`: collapsed).
struct Trial {
    members: Vec<Member>,
    account: IntervalAccount,
    solution: Option<Solution>,
    power_flows: usize,
}

/// An island's network from its grid-forming unit, built once and re-solved every stretch.
#[derive(Debug, Clone)]
pub struct IslandNetwork {
    /// The grid-forming unit's entity id.
    reference: String,
    network: Network,
    /// Each entity's load, by id.
    load_of: HashMap<String, usize>,
    /// Each load's own power factor (used while it draws; injections are at unity).
    own_power_factor: Vec<f64>,
    /// Each network node's feeding branch (`None`: the reference).
    feeder: Vec<Option<usize>>,
    voltage_band_pu: f64,
}

/// Largest iterations of settlement and power flow for the losses to agree.
const LOSS_ITERATIONS: usize = 10;
/// Losses agree when two iterations differ by less than this, kWh (plus a relative 10⁻⁶).
const LOSS_TOLERANCE_KWH: f64 = 1e-9;
/// A limit is broken when exceeded by more than this (pu of voltage, or of rating).
const LIMIT_TOLERANCE: f64 = 1e-9;
/// Curtailments of one stretch beyond one per member before a violation is left unresolved.
const MAX_CURTAILMENTS: usize = 16;
/// Bisection steps of an injection cut: the share kept is found to 1/256.
const CURTAIL_STEPS: usize = 8;

impl IslandNetwork {
    /// The network of the island made of `nodes` (sorted; every line leaving it open), from
    /// `reference` (a member's entity id) at its node, held at balanced 1 pu.
    pub fn new(
        model: &NetworkModel,
        nodes: &[NodeId],
        reference: &str,
    ) -> Result<Self, NetworkError> {
        let error = |source| NetworkError::PowerFlow {
            reference: reference.to_string(),
            source,
        };
        let at = model
            .node_of(reference)
            .expect("the reference is an entity of the scenario");
        let inside = |n: &NodeId| nodes.binary_search(n).is_ok();
        let open_lines: BTreeSet<usize> = (model.scenario.grid.lines.iter().enumerate())
            .filter(|(_, l)| !(inside(&l.from) && inside(&l.to)))
            .map(|(i, _)| i)
            .collect();
        let network = Network::island(
            &model.scenario,
            at,
            ReferenceVoltage::Balanced { magnitude_pu: 1.0 },
            &open_lines,
        )
        .map_err(error)?;
        let mut feeder = vec![None; network.nodes().len()];
        for (k, b) in network.branches().iter().enumerate() {
            feeder[b.to] = Some(k);
        }
        Ok(IslandNetwork {
            reference: reference.to_string(),
            load_of: (network.loads.iter().enumerate())
                .map(|(i, l)| (l.entity.clone(), i))
                .collect(),
            own_power_factor: network.loads.iter().map(|l| l.power_factor).collect(),
            network,
            feeder,
            voltage_band_pu: model.voltage_band_pu,
        })
    }

    /// The grid-forming unit's entity id.
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// Settles `members` over `span_s` seconds on the network (module docs): updates them as
    /// [`settle::settle`] does and returns the account with what the power flow found and did.
    pub fn settle(
        &mut self,
        members: &mut [Member],
        span_s: f64,
    ) -> Result<(IntervalAccount, NetworkRecord), NetworkError> {
        let mut correction = NetworkCorrection::none(members.len());
        let mut first_violation = None;
        let mut shed_for_limits = Vec::new();
        let mut power_flows = 0;
        let mut unresolved = None;
        let mut trial = self.balanced(members, span_s, &mut correction)?;
        // Each step sheds a consumer or cuts a subtree's injection: the steps are bounded.
        for step in 0.. {
            power_flows += trial.power_flows;
            let Some(violation) = self.violation(&trial) else {
                break;
            };
            if step == members.len() + MAX_CURTAILMENTS {
                unresolved = Some(violation.describe(&self.network));
                break;
            }
            let described = violation.describe(&self.network);
            first_violation.get_or_insert_with(|| described.clone());
            let corrected = if violation.demand_driven() {
                let shed = self.shed_enough(
                    &violation,
                    members,
                    span_s,
                    &trial,
                    &mut correction,
                    &mut power_flows,
                )?;
                shed_for_limits.extend_from_slice(&shed);
                !shed.is_empty()
            } else {
                self.curtail(
                    &violation,
                    members,
                    span_s,
                    &mut correction,
                    &mut power_flows,
                )?
            };
            if !corrected {
                unresolved = Some(described);
                break;
            }
            trial = self.balanced(members, span_s, &mut correction)?;
        }
        members.clone_from_slice(&trial.members);
        let solution = trial.solution.as_ref();
        let label = |v: &powerflow::PhaseVoltage| format!("{}.{}", v.node, v.phase);
        let record = NetworkRecord {
            reference: self.reference.clone(),
            losses_kwh: trial.account.losses_kwh,
            min_voltage_pu: solution.map(|s| s.min_voltage.magnitude_pu),
            min_voltage_at: solution.map(|s| label(&s.min_voltage)),
            max_voltage_pu: solution.map(|s| s.max_voltage.magnitude_pu),
            max_voltage_at: solution.map(|s| label(&s.max_voltage)),
            most_loaded_line: solution.and_then(|s| s.most_loaded.as_ref().map(|b| b.name.clone())),
            max_loading: solution.and_then(|s| s.most_loaded.as_ref().map(|b| b.loading)),
            violation: first_violation,
            shed_for_limits,
            unresolved,
            power_flows,
        };
        Ok((trial.account, record))
    }

    /// The members settled with `correction`, its losses iterated until the settlement and
    /// the power flow agree on them: from no losses, each settlement's losses are the last
    /// flow's. A consumer protection trips on the way stays tripped (it does not come back
    /// when the losses it leaves are smaller), so the iteration cannot cycle between serving
    /// a consumer with losses the island cannot cover and shedding it.
    fn balanced(
        &mut self,
        members: &[Member],
        span_s: f64,
        correction: &mut NetworkCorrection,
    ) -> Result<Trial, NetworkError> {
        let span_h = span_s / 3600.0;
        correction.losses_kwh = 0.0;
        correction.tripped.iter_mut().for_each(|t| *t = false);
        let mut power_flows = 0;
        loop {
            let mut trial = members.to_vec();
            let account = settle::settle_on_network(&mut trial, span_s, correction)?;
            self.set_loads(&account, span_h);
            power_flows += 1;
            let solution = match powerflow::solve(&self.network, &SweepOptions::default()) {
                Ok(s) => s,
                Err(PowerFlowError::NotConverged { .. }) => {
                    return Ok(Trial {
                        members: trial,
                        account,
                        solution: None,
                        power_flows,
                    });
                }
                Err(source) => {
                    return Err(NetworkError::PowerFlow {
                        reference: self.reference.clone(),
                        source,
                    });
                }
            };
            let losses_kwh = solution.losses_kw.max(0.0) * span_h;
            let agreed = (losses_kwh - correction.losses_kwh).abs()
                <= LOSS_TOLERANCE_KWH + 1e-6 * losses_kwh;
            if agreed || power_flows == LOSS_ITERATIONS {
                return Ok(Trial {
                    members: trial,
                    account,
                    solution: Some(solution),
                    power_flows,
                });
            }
            correction.losses_kwh = losses_kwh;
            for (tripped, f) in correction.tripped.iter_mut().zip(&account.flows) {
                if let Flow::Consumer {
                    shed_by: Some(ShedBy::Protection),
                    ..
                } = f.flow
                {
                    *tripped = true;
                }
            }
        }
    }

    /// Every load's power from the settled flows over `span_h` hours: consumers draw what
    /// they are served; prosumers, DERs and banks inject what they deliver; the grid-forming
    /// unit balances the rest (its own load stays zero).
    fn set_loads(&mut self, account: &IntervalAccount, span_h: f64) {
        for load in &mut self.network.loads {
            load.kw = 0.0;
        }
        for f in &account.flows {
            if f.id == self.reference {
                continue;
            }
            let Some(&i) = self.load_of.get(&f.id) else {
                continue;
            };
            let kwh = match f.flow {
                Flow::Consumer { served_kwh, .. } => served_kwh,
                Flow::Prosumer { export_kwh, .. } => -export_kwh,
                Flow::Der { injected_kwh, .. } => -injected_kwh,
                Flow::Bank {
                    discharge_kwh,
                    charge_kwh,
                    ..
                } => charge_kwh - discharge_kwh,
            };
            let load = &mut self.network.loads[i];
            load.kw = kwh / span_h;
            load.power_factor = if load.kw > 0.0 {
                self.own_power_factor[i]
            } else {
                1.0
            };
        }
    }

    /// The worst limit `trial` breaks (module docs), if any.
    fn violation(&self, trial: &Trial) -> Option<Violation> {
        let Some(solution) = &trial.solution else {
            return Some(Violation::Collapse);
        };
        if let Some(b) = &solution.most_loaded
            && b.loading > 1.0 + LIMIT_TOLERANCE
        {
            let branch = (self.network.branches().iter())
                .position(|x| x.line == b.line)
                .expect("the most loaded branch is a branch");
            let downstream_kw: f64 = (self.network.loads.iter())
                .filter(|l| self.feeds(branch, l.node))
                .map(|l| l.kw)
                .sum();
            return Some(Violation::Overload {
                branch,
                loading: b.loading,
                toward_load: downstream_kw > 0.0,
            });
        }
        let node_index = |id: NodeId| {
            (self.network.nodes().iter())
                .position(|n| n.id == id)
                .expect("a solution's nodes are the network's")
        };
        let label = |v: &powerflow::PhaseVoltage| format!("{}.{}", v.node, v.phase);
        let (low, high) = (&solution.min_voltage, &solution.max_voltage);
        if low.magnitude_pu < 1.0 - self.voltage_band_pu - LIMIT_TOLERANCE {
            return Some(Violation::Under {
                node: node_index(low.node),
                label: label(low),
                pu: low.magnitude_pu,
            });
        }
        if high.magnitude_pu > 1.0 + self.voltage_band_pu + LIMIT_TOLERANCE {
            return Some(Violation::Over {
                node: node_index(high.node),
                label: label(high),
                pu: high.magnitude_pu,
            });
        }
        None
    }

    /// Whether branch `branch` feeds network node `node` (the node is in its subtree).
    fn feeds(&self, branch: usize, node: usize) -> bool {
        let top = self.network.branches()[branch].to;
        let mut at = node;
        loop {
            if at == top {
                return true;
            }
            match self.feeder[at] {
                Some(k) => at = self.network.branches()[k].from,
                None => return false,
            }
        }
    }

    /// The branch whose subtree governs `violation` (`None`: the whole island).
    fn governing_branch(&self, violation: &Violation) -> Option<usize> {
        match violation {
            Violation::Collapse => None,
            Violation::Overload { branch, .. } => Some(*branch),
            Violation::Under { node, .. } | Violation::Over { node, .. } => {
                let mut branch = self.feeder[*node]?;
                while let Some(up) = self.feeder[self.network.branches()[branch].from] {
                    branch = up;
                }
                Some(branch)
            }
        }
    }

    /// Whether the member `id` sits where `branch` governs.
    fn within(&self, branch: Option<usize>, id: &str) -> bool {
        match (branch, self.load_of.get(id)) {
            (None, _) => true,
            (Some(b), Some(&l)) => self.feeds(b, self.network.loads[l].node),
            (Some(_), None) => false,
        }
    }

    /// Sheds, where `violation` is, the fewest consumers in the order protection would shed
    /// them (lowest priority, then the larger demand, then id) that clear it — found by
    /// doubling, then bisection, so a large island needs a few power flows, not one per
    /// consumer; their ids (none: nobody left to shed there).
    fn shed_enough(
        &mut self,
        violation: &Violation,
        members: &[Member],
        span_s: f64,
        trial: &Trial,
        correction: &mut NetworkCorrection,
        power_flows: &mut usize,
    ) -> Result<Vec<String>, NetworkError> {
        let branch = self.governing_branch(violation);
        let mut candidates: Vec<(usize, u32, f64, &str)> =
            (trial.members.iter().zip(&trial.account.flows).enumerate())
                .filter_map(|(i, (m, f))| match (&m.role, &f.flow) {
                    (Role::Consumer(c), Flow::Consumer { served_kwh, .. })
                        if *served_kwh > 0.0 && self.within(branch, &m.id) =>
                    {
                        Some((i, c.priority, c.demand_kwh, m.id.as_str()))
                    }
                    _ => None,
                })
                .collect();
        candidates.sort_by(|a, b| {
            (a.1.cmp(&b.1))
                .then(b.2.total_cmp(&a.2))
                .then_with(|| a.3.cmp(b.3))
        });
        let n = candidates.len();
        if n == 0 {
            return Ok(Vec::new());
        }
        let before = correction.shed.clone();
        // Whether shedding the first `k` candidates clears the violation (no demand-driven
        // violation is left where it was).
        let mut clears = |k: usize, correction: &mut NetworkCorrection| {
            correction.shed.clone_from(&before);
            for c in &candidates[..k] {
                correction.shed[c.0] = true;
            }
            let trial = self.balanced(members, span_s, correction)?;
            *power_flows += trial.power_flows;
            Ok::<_, NetworkError>(match self.violation(&trial) {
                Some(v) => !(v.demand_driven() && self.governing_branch(&v) == branch),
                None => true,
            })
        };
        let (mut low, mut high) = (0, 1);
        while high < n && !clears(high, correction)? {
            (low, high) = (high, (2 * high).min(n));
        }
        while high - low > 1 {
            let middle = (low + high) / 2;
            if clears(middle, correction)? {
                high = middle;
            } else {
                low = middle;
            }
        }
        correction.shed.clone_from(&before);
        for c in &candidates[..high] {
            correction.shed[c.0] = true;
        }
        Ok(candidates[..high].iter().map(|c| c.3.to_string()).collect())
    }

    /// Cuts the injection where `violation` is by the largest common share that clears it;
    /// whether there was injection to cut.
    fn curtail(
        &mut self,
        violation: &Violation,
        members: &[Member],
        span_s: f64,
        correction: &mut NetworkCorrection,
        power_flows: &mut usize,
    ) -> Result<bool, NetworkError> {
        let branch = self.governing_branch(violation);
        let injectors: Vec<usize> = (members.iter().enumerate())
            .filter(|(i, m)| {
                matches!(m.role, Role::Der(_) | Role::Prosumer(_))
                    && m.id != self.reference
                    && correction.injection_kept[*i] > 0.0
                    && self.within(branch, &m.id)
            })
            .map(|(i, _)| i)
            .collect();
        if injectors.is_empty() {
            return Ok(false);
        }
        let kept_before: Vec<f64> = injectors
            .iter()
            .map(|&i| correction.injection_kept[i])
            .collect();
        let scaled = |share: f64, correction: &mut NetworkCorrection| {
            for (&i, &k) in injectors.iter().zip(&kept_before) {
                correction.injection_kept[i] = k * share;
            }
        };
        let (mut cleared, mut broken) = (0.0, 1.0);
        for _ in 0..CURTAIL_STEPS {
            let share = 0.5 * (cleared + broken);
            scaled(share, correction);
            let trial = self.balanced(members, span_s, correction)?;
            *power_flows += trial.power_flows;
            match self.violation(&trial) {
                Some(v) if !v.demand_driven() => broken = share,
                _ => cleared = share,
            }
        }
        scaled(cleared, correction);
        Ok(true)
    }
}
