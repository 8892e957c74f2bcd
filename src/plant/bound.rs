//! The perfect-information bound (docs/model.md §11): the most energy any operator could have
//! served in a run's islands, knowing the future and acting instantly, as a linear program.
//!
//! The islands, their members, every interval's demand and generation and the repair time are
//! the run's own (the plant's [`IntervalRecord`]s: one *step* per island and meter interval).
//! A central operator chooses, in every step, how much of each load to serve (any fraction:
//! the program relaxes relays' all-or-nothing switching), how much of each prosumer's and DER's
//! generation to use, what each prosumer exports and what every battery charges or discharges,
//! under the plant's physics:
//!
//! - each step's island bus balances: prosumers' export + DERs' generation used + banks'
//!   discharge − banks' charge = consumers served;
//! - each prosumer balances behind its meter: generation used + battery discharge = own load
//!   served + export + battery charge (it does not import from the island, as in the plant);
//! - a battery with state carries it from step to step (across islands too, as the plant's
//!   members do): `soc' = soc + √η·charge − discharge/√η`, within [reserve, capacity], charge
//!   and discharge within the power limits over the seconds the member was in the island;
//!   a battery without state (a prosumer's `PB`, refilled every interval) delivers at most its
//!   per-interval figure and starts every step full. Prosumers without a battery with state
//!   are one pooled prosumer in the program (exact, and it keeps the program's size to the
//!   batteries with state × steps).
//!
//! **Objective.** Maximise the energy served — consumers' and prosumers' own load — with ties
//! broken towards higher priorities: a consumer's kWh weighs `1 + PRIORITY_TIE_BREAK ×
//! priority`, a prosumer's own kWh 1. The run's own (peer-to-peer) flows are a feasible point
//! of this program, so its optimum is never below what the run served, up to the tie-break
//! (at most `PRIORITY_TIE_BREAK × highest priority × demand`) and the solver's tolerance; and
//! it never exceeds the demand.
//!
//! Solved with `microlp` (a pure-Rust simplex): the build gains no C library and about 11 s of
//! CPU on a clean debug build (Cargo.toml). `.ci/bound-check.sh` checks its optima against
//! SciPy's `linprog` (HiGHS) on random instances.

use super::battery::BatteryParams;
use super::island::{IntervalRecord, PlantMember};
use super::settle::Flow;
use microlp::{ComparisonOp, OptimizationDirection, Problem, Variable};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// A consumer kWh of priority p weighs `1 + PRIORITY_TIE_BREAK × p` in the objective: enough to
/// prefer critical load among equal totals, too little to trade energy for it.
pub const PRIORITY_TIE_BREAK: f64 = 1e-6;

/// A battery the bound dispatches: its parameters and state when the run began.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Storage {
    /// Its parameters (power limits, efficiency, reserve).
    pub params: BatteryParams,
    /// Its state of charge before its first step, kWh.
    pub initial_soc_kwh: f64,
    /// Whether it is a battery without state, full again at every step (a prosumer's `PB`).
    pub refilled_each_interval: bool,
}

impl Storage {
    /// What a battery refilled every interval can deliver in a step of `span_s` s: its
    /// energy above the reserve (after losses), within its power limit, kWh.
    fn refilled_deliverable_kwh(&self, span_s: f64) -> f64 {
        let p = &self.params;
        let above_reserve_kwh =
            (self.initial_soc_kwh.min(p.capacity_kwh) - p.reserve_kwh()).max(0.0);
        (above_reserve_kwh * p.one_way_efficiency()).min(p.discharge_kw * span_s / 3600.0)
    }
}

/// A battery's part in one step: which one, and for how many seconds it was in the island.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StorageUse {
    /// Position in [`DispatchProblem::storages`].
    pub storage: usize,
    /// Seconds of the step its owner was in the island (power limits scale with them).
    pub span_s: f64,
}

/// A prosumer in one step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProsumerStep {
    /// Its generation, kWh.
    pub generation_kwh: f64,
    /// Its own load, kWh.
    pub own_demand_kwh: f64,
    /// Its battery, if any.
    pub storage: Option<StorageUse>,
}

/// One island in one meter interval.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Step {
    /// Consumers' demand by priority, kWh (priority, demand).
    pub consumers: Vec<(u32, f64)>,
    /// The prosumers.
    pub prosumers: Vec<ProsumerStep>,
    /// DERs' generation, kWh.
    pub der_generation_kwh: f64,
    /// The grid-forming battery banks.
    pub banks: Vec<StorageUse>,
}

/// The program: steps in time order and the batteries they share.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DispatchProblem {
    /// Every battery of the steps.
    pub storages: Vec<Storage>,
    /// One per island and meter interval, in time order.
    pub steps: Vec<Step>,
}

/// What the bound served in one step, kWh.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct StepServed {
    /// Consumers' demand.
    pub demand_kwh: f64,
    /// Consumers served.
    pub consumers_served_kwh: f64,
    /// Prosumers' own load.
    pub prosumers_own_demand_kwh: f64,
    /// Prosumers' own load served.
    pub prosumers_own_served_kwh: f64,
}

/// The bound's dispatch: energy served, step by step and in total.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Dispatch {
    /// Per step, in the problem's order.
    pub steps: Vec<StepServed>,
    /// The objective's value (priority-weighted served energy), kWh.
    pub objective_kwh: f64,
}

impl Dispatch {
    /// Consumers' and prosumers' own load served over every step, kWh.
    pub fn served_kwh(&self) -> f64 {
        self.steps
            .iter()
            .map(|s| s.consumers_served_kwh + s.prosumers_own_served_kwh)
            .sum()
    }

    /// Consumers' and prosumers' own demand over every step, kWh.
    pub fn demand_kwh(&self) -> f64 {
        self.steps
            .iter()
            .map(|s| s.demand_kwh + s.prosumers_own_demand_kwh)
            .sum()
    }
}

/// Why the bound could not be computed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BoundError {
    /// An input out of its domain (the problem names it).
    #[error(
        "perfect-information bound: step {step}: {what} must be a finite number >= 0, got {value}"
    )]
    Input {
        /// The step.
        step: usize,
        /// The quantity.
        what: &'static str,
        /// Its value.
        value: f64,
    },
    /// A step names a battery the problem does not have.
    #[error("perfect-information bound: step {step} uses battery {storage}, but there are {count}")]
    Storage {
        /// The step.
        step: usize,
        /// The battery it names.
        storage: usize,
        /// How many the problem has.
        count: usize,
    },
    /// The solver gave no optimum (a program that serves nothing is always feasible, so this
    /// is the solver's failure, reported rather than hidden).
    #[error("perfect-information bound: the LP solver failed: {0}")]
    Solver(String),
}

/// The state of charge a step starts from: a constant or the previous step's variable.
#[derive(Clone, Copy)]
enum Soc {
    Known(f64),
    Variable(Variable),
}

/// A battery's flows in one step: (discharge, charge) variables.
fn storage_flows(
    lp: &mut Problem,
    storage: &Storage,
    before: &mut Soc,
    span_s: f64,
) -> (Variable, Variable) {
    let p = &storage.params;
    let one_way = p.one_way_efficiency();
    let discharge = lp.add_var(0.0, (0.0, p.discharge_kw * span_s / 3600.0));
    let charge = lp.add_var(0.0, (0.0, p.charge_kw * span_s / 3600.0));
    let after = lp.add_var(0.0, (p.reserve_kwh(), p.capacity_kwh));
    let mut terms = vec![(after, 1.0), (charge, -one_way), (discharge, 1.0 / one_way)];
    let known_kwh = match *before {
        Soc::Known(soc_kwh) => soc_kwh,
        Soc::Variable(v) => {
            terms.push((v, -1.0));
            0.0
        }
    };
    lp.add_constraint(terms, ComparisonOp::Eq, known_kwh);
    if !storage.refilled_each_interval {
        *before = Soc::Variable(after);
    }
    (discharge, charge)
}

impl DispatchProblem {
    /// The program of a run: one step per island interval of `records` (in time order), each
    /// member's battery as `initial[entity]` held it when the run began.
    pub fn of_run(records: &[IntervalRecord], initial: &[PlantMember]) -> Self {
        let mut storages = Vec::new();
        let mut storage_of = HashMap::new();
        let mut storage_use = |entity: usize, span_s: f64| {
            let at = *storage_of.entry(entity).or_insert_with(|| {
                storages.push(initial[entity].storage());
                storages.len() - 1
            });
            storages[at].as_ref().map(|_| StorageUse {
                storage: at,
                span_s,
            })
        };
        let mut steps = Vec::with_capacity(records.len());
        for record in records {
            let mut step = Step::default();
            let mut by_priority = BTreeMap::new();
            for m in &record.members {
                let entity = m.entity as usize;
                match &m.flow {
                    Flow::Consumer { demand_kwh, .. } => {
                        let priority = initial[entity].priority().unwrap_or(0);
                        *by_priority.entry(priority).or_insert(0.0) += demand_kwh;
                    }
                    Flow::Prosumer {
                        generation_kwh,
                        own_demand_kwh,
                        ..
                    } => step.prosumers.push(ProsumerStep {
                        generation_kwh: *generation_kwh,
                        own_demand_kwh: *own_demand_kwh,
                        storage: storage_use(entity, m.in_island_s),
                    }),
                    Flow::Der { generation_kwh, .. } => step.der_generation_kwh += generation_kwh,
                    Flow::Bank { .. } => step.banks.extend(storage_use(entity, m.in_island_s)),
                }
            }
            step.consumers = by_priority.into_iter().collect();
            steps.push(step);
        }
        // Batteries are numbered as first met; members without one left a `None` behind.
        let mut renumber = Vec::with_capacity(storages.len());
        let mut kept = Vec::new();
        for s in storages {
            renumber.push(kept.len());
            kept.extend(s);
        }
        for step in &mut steps {
            let uses = step
                .prosumers
                .iter_mut()
                .filter_map(|p| p.storage.as_mut())
                .chain(step.banks.iter_mut());
            for u in uses {
                u.storage = renumber[u.storage];
            }
        }
        DispatchProblem {
            storages: kept,
            steps,
        }
    }

    fn check(&self) -> Result<(), BoundError> {
        for (i, step) in self.steps.iter().enumerate() {
            let energy = |what, value: f64| {
                if value.is_finite() && value >= 0.0 {
                    Ok(())
                } else {
                    Err(BoundError::Input {
                        step: i,
                        what,
                        value,
                    })
                }
            };
            for &(_, demand_kwh) in &step.consumers {
                energy("a consumer's demand_kwh", demand_kwh)?;
            }
            energy("der_generation_kwh", step.der_generation_kwh)?;
            for p in &step.prosumers {
                energy("a prosumer's generation_kwh", p.generation_kwh)?;
                energy("a prosumer's own_demand_kwh", p.own_demand_kwh)?;
            }
            let uses = step.prosumers.iter().filter_map(|p| p.storage.as_ref());
            for u in uses.chain(&step.banks) {
                energy("a battery's span_s", u.span_s)?;
                if u.storage >= self.storages.len() {
                    return Err(BoundError::Storage {
                        step: i,
                        storage: u.storage,
                        count: self.storages.len(),
                    });
                }
            }
        }
        Ok(())
    }

    /// Solves the program (module docs).
    pub fn solve(&self) -> Result<Dispatch, BoundError> {
        self.check()?;
        let mut steps = vec![StepServed::default(); self.steps.len()];
        let mut objective_kwh = 0.0;
        for part in self.independent_parts() {
            objective_kwh += self.solve_part(&part, &mut steps)?;
        }
        Ok(Dispatch {
            steps,
            objective_kwh,
        })
    }

    /// Whether `u` is a battery that carries its state from step to step.
    fn carries_state(&self, u: &StorageUse) -> bool {
        !self.storages[u.storage].refilled_each_interval
    }

    /// The steps in groups that share no battery with state — independent programs, solved
    /// one by one (smaller programs: islands apart, intervals with nothing stored) — each in
    /// time order.
    fn independent_parts(&self) -> Vec<Vec<usize>> {
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        let mut parent: Vec<usize> = (0..self.steps.len()).collect();
        let mut first_use: Vec<Option<usize>> = vec![None; self.storages.len()];
        for (i, step) in self.steps.iter().enumerate() {
            let uses = step.prosumers.iter().filter_map(|p| p.storage.as_ref());
            for u in uses.chain(&step.banks).filter(|u| self.carries_state(u)) {
                match first_use[u.storage] {
                    None => first_use[u.storage] = Some(i),
                    Some(j) => {
                        let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                        parent[a.max(b)] = a.min(b);
                    }
                }
            }
        }
        let mut part_of_root: HashMap<usize, usize> = HashMap::new();
        let mut parts: Vec<Vec<usize>> = Vec::new();
        for i in 0..self.steps.len() {
            let r = root(&mut parent, i);
            let at = *part_of_root.entry(r).or_insert_with(|| {
                parts.push(Vec::new());
                parts.len() - 1
            });
            parts[at].push(i);
        }
        parts
    }

    /// Solves the program of the steps `part` (time order), writes what each served into
    /// `out`, and returns the part's objective.
    fn solve_part(&self, part: &[usize], out: &mut [StepServed]) -> Result<f64, BoundError> {
        let mut lp = Problem::new(OptimizationDirection::Maximize);
        let mut soc: Vec<Soc> = self
            .storages
            .iter()
            .map(|s| {
                let p = &s.params;
                Soc::Known(s.initial_soc_kwh.clamp(p.reserve_kwh(), p.capacity_kwh))
            })
            .collect();
        let mut served = Vec::with_capacity(part.len());
        for &i in part {
            let step = &self.steps[i];
            let mut bus = Vec::new();
            let mut consumers = Vec::new();
            for &(priority, demand_kwh) in &step.consumers {
                let weight = 1.0 + PRIORITY_TIE_BREAK * f64::from(priority);
                let v = lp.add_var(weight, (0.0, demand_kwh));
                bus.push((v, -1.0));
                consumers.push(v);
            }
            if step.der_generation_kwh > 0.0 {
                bus.push((lp.add_var(0.0, (0.0, step.der_generation_kwh)), 1.0));
            }
            let mut own = Vec::new();
            // Prosumers without a battery that carries state are folded into one: each can
            // use at most its generation and its battery's per-step energy, serve at most the
            // smaller of that and its own load, and export the rest; sums of such choices are
            // exactly the choices of the sum. Only batteries with state need their own rows.
            let (mut pooled_kwh, mut pooled_own_kwh) = (0.0, 0.0);
            for p in &step.prosumers {
                let stateful = p.storage.filter(|u| self.carries_state(u));
                let Some(u) = stateful else {
                    let supply_kwh = p.generation_kwh
                        + p.storage.map_or(0.0, |u| {
                            self.storages[u.storage].refilled_deliverable_kwh(u.span_s)
                        });
                    pooled_kwh += supply_kwh;
                    pooled_own_kwh += p.own_demand_kwh.min(supply_kwh);
                    continue;
                };
                let generation = lp.add_var(0.0, (0.0, p.generation_kwh));
                let own_served = lp.add_var(1.0, (0.0, p.own_demand_kwh));
                let export = lp.add_var(0.0, (0.0, f64::INFINITY));
                let (d, c) = storage_flows(
                    &mut lp,
                    &self.storages[u.storage],
                    &mut soc[u.storage],
                    u.span_s,
                );
                lp.add_constraint(
                    [
                        (generation, 1.0),
                        (d, 1.0),
                        (own_served, -1.0),
                        (export, -1.0),
                        (c, -1.0),
                    ],
                    ComparisonOp::Eq,
                    0.0,
                );
                bus.push((export, 1.0));
                own.push(own_served);
            }
            if pooled_kwh > 0.0 {
                let own_served = lp.add_var(1.0, (0.0, pooled_own_kwh));
                let export = lp.add_var(0.0, (0.0, pooled_kwh));
                lp.add_constraint(
                    [(own_served, 1.0), (export, 1.0)],
                    ComparisonOp::Le,
                    pooled_kwh,
                );
                bus.push((export, 1.0));
                own.push(own_served);
            }
            for u in &step.banks {
                let (d, c) = storage_flows(
                    &mut lp,
                    &self.storages[u.storage],
                    &mut soc[u.storage],
                    u.span_s,
                );
                bus.extend([(d, 1.0), (c, -1.0)]);
            }
            if !bus.is_empty() {
                lp.add_constraint(bus, ComparisonOp::Eq, 0.0);
            }
            served.push((i, consumers, own));
        }
        let solution = match lp.solve() {
            Ok(microlp::SolveOutcome::Solution(s)) => s,
            Ok(microlp::SolveOutcome::Interrupted(_)) => {
                return Err(BoundError::Solver("interrupted before an optimum".into()));
            }
            Err(e) => return Err(BoundError::Solver(e.to_string())),
        };
        for (i, consumers, own) in served {
            let step = &self.steps[i];
            out[i] = StepServed {
                demand_kwh: step.consumers.iter().map(|c| c.1).sum(),
                consumers_served_kwh: consumers.iter().map(|&v| solution.var_value(v)).sum(),
                prosumers_own_demand_kwh: step.prosumers.iter().map(|p| p.own_demand_kwh).sum(),
                prosumers_own_served_kwh: own.iter().map(|&v| solution.var_value(v)).sum(),
            };
        }
        Ok(solution.objective())
    }
}

#[cfg(test)]
mod tests;
