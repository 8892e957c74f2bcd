//! Restoration optimisation (docs/model.md §5, issue 3): how much extra energy each prosumer of an
//! isolated island exports so that the island's demand is met at least cost, and what each
//! is paid.
//!
//! Two models: [`Model::Paper`] (docs/model.md §5a, faithful to the paper's eqs. 4–13, solved to the
//! global optimum, to 1e-9 relative, despite its disconnected feasible sets; on a hard
//! instance that exhausts the search budget the proven gap is reported instead) and
//! [`Model::Fair`] (docs/model.md §5b, the default: linear physical limits and a unique, evenly
//! spread least-cost split). Both share the pipeline of [`solve`]:
//!
//! 1. validate the input, drop the prosumers that back off (case 2, eq. 14: they neither
//!    export, not even their previous `Pe`, nor are paid);
//! 2. ask the model what each prosumer can give, and shed consumers if the island cannot
//!    supply them all (module `shedding` documents the rule);
//!    The island's DERs and battery banks (`Problem::community_supply_kwh`) supply it before
//!    any prosumer is asked for more; a fair-model prosumer that is a net load adds its
//!    import to the demand;
//! 3. split the deficit of the served demand at least cost (modules `paper`, `fair`; both
//!    reduce to separable convex allocations solved in `allocate` with argmin's Brent
//!    root finder and an exact finish; the paper model adds a branch and bound over
//!    which side of its gap each prosumer takes);
//! 4. price the split (rewards of docs/model.md §5: eq. 4 verbatim for `paper`, the
//!    unit-consistent rewards of module `fair` for `fair`) and check the budget of eq. 5.
//!    When the least cost exceeds the budget, every reward is capped pro rata so that they
//!    add up to the budget: the island is still restored, the prosumers are paid less than
//!    their rewards, and the allocation says so (`budget_short_inr`, `paid_inr`). A
//!    recorded allocation therefore never exceeds eq. 5 on chain.
//!
//! The library never prints; [`Allocation`]'s `Display` is the table the CLI shows.

mod allocate;
mod allocation;
mod curve;
mod error;
mod fair;
mod from_scenario;
mod paper;
mod problem;
mod root;
mod shedding;
#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::time::Instant;

/// The model to solve is the scenario's choice (`optimiser.model`).
pub use crate::scenario::Model;
pub use allocation::{Allocation, ProsumerAllocation, ProsumerLimit};
pub use error::OptimiseError;
pub use from_scenario::{IslandError, solve_isolated};
pub use problem::{ConsumerInput, Problem, ProsumerInput, Settings};

/// A model's view of the island's participating prosumers (in order).
trait Island {
    /// Export at t the island counts on before any extra contribution.
    fn baseline_kwh(&self) -> &[f64];
    /// The largest extra contribution each can make.
    fn capacity_kwh(&self) -> &[f64];
    /// What each must import from the island even after its largest cut (net loads).
    fn import_kwh(&self) -> &[f64];
    /// What limits each below its previous export, if anything.
    fn limit(&self) -> &[ProsumerLimit];
    /// The least-cost split of `deficit_kwh` (at most the total capacity).
    fn split(&self, deficit_kwh: f64) -> Result<Split, OptimiseError>;
}

/// A model's answer, per participating prosumer.
struct Split {
    delta: Vec<f64>,
    alpha: Vec<f64>,
    beta: Vec<f64>,
    degenerate: bool,
    /// How much cheaper the global optimum could still be (0 when proven optimal).
    gap_inr: f64,
}

/// What one prosumer is paid (docs/model.md §5), in three terms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rewards {
    /// For the export at t the island counts on: `Pe·BT` (paper), the baseline it can
    /// sustain times `BT` (fair).
    pub prev_inr: f64,
    /// `R_delta = delta·BT`.
    pub delta_inr: f64,
    /// The premium: `delta·BT/S + alpha·delta·BT²` (paper, eq. 4 verbatim: its terms are
    /// in INR/kWh and INR²/kWh, not INR), `BT·delta·(alpha + Σdelta/S)` (fair).
    pub extra_inr: f64,
}

impl Rewards {
    /// Eq. 4 verbatim (the paper model): the rewards of a prosumer that exported
    /// `export_prev_kwh` at t−1 and contributes `delta_kwh` shedding the share `alpha` of its
    /// consumption, when the island's prosumers export `supplied_kwh` in all (`S`) at the
    /// base tariff `bt_inr_per_kwh`. Not unit-consistent: see [`Rewards::fair`].
    pub fn of(
        export_prev_kwh: f64,
        delta_kwh: f64,
        alpha: f64,
        supplied_kwh: f64,
        bt_inr_per_kwh: f64,
    ) -> Self {
        let coupling_inr = if supplied_kwh > 0.0 {
            delta_kwh * bt_inr_per_kwh / supplied_kwh
        } else {
            0.0
        };
        Rewards {
            prev_inr: export_prev_kwh * bt_inr_per_kwh,
            delta_inr: delta_kwh * bt_inr_per_kwh,
            extra_inr: coupling_inr + alpha * delta_kwh * bt_inr_per_kwh * bt_inr_per_kwh,
        }
    }

    /// The fair model's rewards: `BT` for every kWh delivered (`baseline_kwh + delta_kwh`)
    /// and a premium `BT·delta·(alpha + extra_kwh/supplied_kwh)`, where `extra_kwh = Σdelta`
    /// and `supplied_kwh = S` over the island. Every term is INR and scales with the energies.
    pub fn fair(
        baseline_kwh: f64,
        delta_kwh: f64,
        alpha: f64,
        extra_kwh: f64,
        supplied_kwh: f64,
        bt_inr_per_kwh: f64,
    ) -> Self {
        let scarcity = if supplied_kwh > 0.0 {
            extra_kwh / supplied_kwh
        } else {
            0.0
        };
        Rewards {
            prev_inr: baseline_kwh * bt_inr_per_kwh,
            delta_inr: delta_kwh * bt_inr_per_kwh,
            extra_inr: bt_inr_per_kwh * delta_kwh * (alpha + scarcity),
        }
    }

    /// `R_prev + R_delta + R_extra`: the prosumer's term of the objective.
    pub fn total_inr(&self) -> f64 {
        self.prev_inr + self.delta_inr + self.extra_inr
    }
}

/// Optimises one island: sheds what cannot be served, splits the deficit at least cost
/// under `settings.model`, prices the split, and caps the rewards at the budget.
pub fn solve(problem: &Problem, settings: &Settings) -> Result<Allocation, OptimiseError> {
    let started = Instant::now();
    problem.validate(settings)?;
    let bt = problem.base_tariff_inr_per_kwh;
    let excluded: HashSet<&str> = settings.exclude.iter().map(String::as_str).collect();
    let included: Vec<(usize, &ProsumerInput)> = problem
        .prosumers
        .iter()
        .enumerate()
        .filter(|(_, p)| !excluded.contains(p.id.as_str()))
        .collect();
    let island: Box<dyn Island> = match settings.model {
        Model::Paper => Box::new(paper::PaperIsland::new(&included, settings.beta_min, bt)?),
        Model::Fair => {
            let prosumers: Vec<&ProsumerInput> = included.iter().map(|&(_, p)| p).collect();
            Box::new(fair::FairIsland::new(&prosumers, bt))
        }
    };
    let baseline_kwh: f64 = island.baseline_kwh().iter().sum();
    // Folded from +0.0: the sum of no prosumers' imports is 0, not −0.
    let import_kwh = island.import_kwh().iter().fold(0.0, |sum, x| sum + x);
    let community_kwh = problem.community_supply_kwh;
    let supply_kwh =
        baseline_kwh + community_kwh - import_kwh + island.capacity_kwh().iter().sum::<f64>();
    let served = shedding::served(&problem.consumers, supply_kwh);
    let (mut served_kwh, mut not_served_kwh, mut budget_inr) = (0.0, 0.0, 0.0);
    let mut shed = Vec::new();
    for (c, &kept) in problem.consumers.iter().zip(&served) {
        if kept {
            served_kwh += c.demand_kwh;
            budget_inr += c.tariff_inr;
        } else {
            not_served_kwh += c.demand_kwh;
            shed.push(c.id.clone());
        }
    }
    let deficit_kwh = served_kwh + import_kwh - baseline_kwh - community_kwh;
    let split = island.split(deficit_kwh)?;

    let extra_kwh: f64 = split.delta.iter().sum();
    let supplied_kwh = baseline_kwh + extra_kwh;
    let rewards: Vec<Rewards> = included
        .iter()
        .enumerate()
        .map(|(i, &(_, p))| {
            let (delta, alpha) = (split.delta[i], split.alpha[i]);
            match settings.model {
                Model::Paper => Rewards::of(p.export_prev_kwh, delta, alpha, supplied_kwh, bt),
                Model::Fair => Rewards::fair(
                    island.baseline_kwh()[i],
                    delta,
                    alpha,
                    extra_kwh,
                    supplied_kwh,
                    bt,
                ),
            }
        })
        .collect();
    let cost_inr: f64 = rewards.iter().map(Rewards::total_inr).sum();
    // Eq. 5 binds: every reward is paid the same fraction of itself, so they add up to the budget.
    let pay = if cost_inr > budget_inr {
        budget_inr / cost_inr
    } else {
        1.0
    };
    let rows: Vec<ProsumerAllocation> = included
        .iter()
        .zip(&rewards)
        .enumerate()
        .map(|(i, (&(_, p), r))| ProsumerAllocation {
            id: p.id.clone(),
            delta_kwh: split.delta[i],
            alpha: split.alpha[i],
            beta: split.beta[i],
            capacity_kwh: island.capacity_kwh()[i],
            export_baseline_kwh: island.baseline_kwh()[i],
            import_kwh: island.import_kwh()[i],
            limit: island.limit()[i],
            reward_prev_inr: pay * r.prev_inr,
            reward_delta_inr: pay * r.delta_inr,
            reward_extra_inr: pay * r.extra_inr,
        })
        .collect();
    Ok(Allocation {
        model: settings.model,
        degenerate: split.degenerate,
        deficit_kwh,
        community_supply_kwh: community_kwh,
        prosumer_import_kwh: import_kwh,
        cost_inr,
        optimality_gap_inr: split.gap_inr,
        budget_inr,
        budget_short_inr: (cost_inr - budget_inr).max(0.0),
        paid_inr: rows
            .iter()
            .map(|r| r.reward_prev_inr + r.reward_delta_inr + r.reward_extra_inr)
            .sum(),
        served_kwh,
        energy_not_served_kwh: not_served_kwh,
        shed,
        excluded: problem
            .prosumers
            .iter()
            .filter(|p| excluded.contains(p.id.as_str()))
            .map(|p| p.id.clone())
            .collect(),
        solve_time_us: u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        prosumers: rows,
    })
}
