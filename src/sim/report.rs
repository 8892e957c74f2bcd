//! One run's results: MTTR (eq. 15) and its breakdown, each consumer's interruption, energy not
//! served, rewards, and every transaction.

use super::chain_node::{Outcome, Receipt};
use super::coordinator::{IslandRestoration, Phases};
use super::entity::{Entity, Profile};
use super::log::LogEvent;
use super::plan::RunPlan;
use serde::Serialize;

/// IEEE 1366: an interruption longer than this is sustained, shorter is momentary, s.
pub const SUSTAINED_AFTER_S: f64 = 300.0;

/// A consumer's outage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsumerOutcome {
    /// Its id.
    pub id: String,
    /// When it lost supply, s.
    pub interrupted_at_s: f64,
    /// When its supply came back, s; `None` if shed or never restored within the horizon.
    pub restored_at_s: Option<f64>,
    /// How long it was without supply (to the horizon if not restored), s.
    pub interruption_s: f64,
    /// Demand unmet while interrupted (to the horizon if not restored), kWh.
    pub energy_not_served_kwh: f64,
}

/// One prosumer's share of the final allocation of an island.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllocationRow {
    /// The island (order of formation).
    pub island: usize,
    /// The prosumer.
    pub id: String,
    /// Extra export, kWh per interval.
    pub delta_kwh: f64,
    /// Share of own consumption shed.
    pub alpha: f64,
    /// Share of battery exported.
    pub beta: f64,
    /// `R_prev + R_delta + R_extra`, INR.
    pub reward_inr: f64,
    /// Whether it backed off (and so was excluded).
    pub backed_off: bool,
}

/// A transaction as the chain node handled it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransactionRow {
    /// The paper's function.
    pub function: &'static str,
    /// `ok`, or `reverted: <reason>`.
    pub status: String,
    /// Gas used.
    pub gas_used: u64,
    /// Submitted, processed, included and confirmed, s since midnight.
    pub submitted_at_s: f64,
    /// When the node finished processing it, s.
    pub processed_at_s: f64,
    /// When its block was made, s.
    pub included_at_s: f64,
    /// When it had its confirmations, s.
    pub confirmed_at_s: f64,
    /// Block number (0 for reads).
    pub block: u64,
}

/// The results of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    /// The run's seed.
    pub seed: u64,
    /// Eq. 15: mean over the run's restored outages of (restoration − loss of supply), s;
    /// `None` when no island was cut off or none was restored.
    pub mttr_s: Option<f64>,
    /// The MTTR's breakdown (means over the same outages); the phases add up to `mttr_s`.
    pub phases: Phases,
    /// Allocations made (most over the islands): 1, or more after back-offs.
    pub rounds: u32,
    /// Islands cut off from the utility.
    pub outages: usize,
    /// Of those, restored within the horizon.
    pub restored_outages: usize,
    /// Every consumer that lost supply.
    pub consumers: Vec<ConsumerOutcome>,
    /// Sum over consumers, kWh.
    pub energy_not_served_kwh: f64,
    /// Transactions the chain node handled (reads included).
    pub transactions: usize,
    /// Transactions the contracts rejected.
    pub reverted_transactions: usize,
    /// Gas used by all transactions.
    pub gas_used: u64,
    /// Rewards credited on settlement, INR.
    pub rewards_inr: f64,
    /// The final allocation of every island.
    pub allocations: Vec<AllocationRow>,
    /// The sampled parameters of the run.
    #[serde(skip)]
    pub plan: RunPlan,
    /// Every transaction.
    #[serde(skip)]
    pub transaction_log: Vec<TransactionRow>,
    /// The event log, in time order.
    #[serde(skip)]
    pub events: Vec<LogEvent>,
    /// Wall-clock time the optimiser's solves took, µs (measured, not simulated).
    #[serde(skip)]
    pub solve_wall_clock_us: u64,
}

impl RunReport {
    /// Consumers whose interruption lasted longer than IEEE 1366's 5-minute threshold for a
    /// sustained interruption.
    pub fn customers_sustained(&self) -> usize {
        self.consumers
            .iter()
            .filter(|c| c.interruption_s > SUSTAINED_AFTER_S)
            .count()
    }

    /// Σ over interrupted consumers of their interruption, minutes (IEEE 1366's customer
    /// minutes interrupted).
    pub fn customer_minutes_interrupted(&self) -> f64 {
        self.consumers
            .iter()
            .map(|c| c.interruption_s / 60.0)
            .fold(0.0, |a, b| a + b)
    }

    /// Assembles the report of a finished run.
    pub fn new(
        plan: RunPlan,
        entities: &[Entity],
        interval_s: f64,
        horizon_s: f64,
        restorations: &[IslandRestoration],
        receipts: Vec<Receipt>,
        events: Vec<LogEvent>,
    ) -> Self {
        let restored: Vec<&IslandRestoration> = restorations
            .iter()
            .filter(|r| r.restored_at_s.is_some())
            .collect();
        let n = restored.len() as f64;
        let mean =
            |f: &dyn Fn(&Phases) -> f64| restored.iter().map(|r| f(&r.phases)).sum::<f64>() / n;
        let (mttr_s, phases) = if restored.is_empty() {
            (None, Phases::default())
        } else {
            let mttr = restored
                .iter()
                .map(|r| r.restored_at_s.unwrap_or(horizon_s) - r.fault_at_s)
                .sum::<f64>()
                / n;
            let phases = Phases {
                detection_s: mean(&|p| p.detection_s),
                communication_s: mean(&|p| p.communication_s),
                chain_s: mean(&|p| p.chain_s),
                optimisation_s: mean(&|p| p.optimisation_s),
                switching_s: mean(&|p| p.switching_s),
                verification_s: mean(&|p| p.verification_s),
            };
            (Some(mttr), phases)
        };

        let mut consumers = Vec::new();
        let mut allocations = Vec::new();
        for (i, r) in restorations.iter().enumerate() {
            for &e in &r.entities {
                let entity = &entities[e as usize];
                let Profile::Consumer { demand_kwh, .. } = entity.profile else {
                    continue;
                };
                let restored_at_s = r.restored_at_s.filter(|_| r.served.contains(&e));
                let until_s = restored_at_s.unwrap_or(horizon_s);
                consumers.push(ConsumerOutcome {
                    id: entity.id.clone(),
                    interrupted_at_s: r.fault_at_s,
                    restored_at_s,
                    interruption_s: until_s - r.fault_at_s,
                    energy_not_served_kwh: demand_kwh
                        * plan.demand_factor
                        * (until_s - r.fault_at_s)
                        / interval_s,
                });
            }
            for share in &r.shares {
                allocations.push(AllocationRow {
                    island: i,
                    id: entities[share.entity as usize].id.clone(),
                    delta_kwh: share.delta_kwh,
                    alpha: share.alpha,
                    beta: share.beta,
                    reward_inr: share.reward_inr,
                    backed_off: false,
                });
            }
            for &e in &r.backed_off {
                allocations.push(AllocationRow {
                    island: i,
                    id: entities[e as usize].id.clone(),
                    delta_kwh: 0.0,
                    alpha: 0.0,
                    beta: 0.0,
                    reward_inr: 0.0,
                    backed_off: true,
                });
            }
        }
        let transaction_log: Vec<TransactionRow> = receipts
            .into_iter()
            .map(|r| TransactionRow {
                function: r.function.name(),
                status: match &r.outcome {
                    Outcome::Reverted(reason) => format!("reverted: {reason}"),
                    _ => "ok".to_string(),
                },
                gas_used: r.gas_used,
                submitted_at_s: r.submitted_at_s,
                processed_at_s: r.processed_at_s,
                included_at_s: r.included_at_s,
                confirmed_at_s: r.confirmed_at_s,
                block: r.block,
            })
            .collect();
        RunReport {
            seed: plan.seed,
            mttr_s,
            phases,
            rounds: restorations.iter().map(|r| r.rounds).max().unwrap_or(0),
            outages: restorations.len(),
            restored_outages: restored.len(),
            energy_not_served_kwh: consumers
                .iter()
                .map(|c| c.energy_not_served_kwh)
                .fold(0.0, |a, b| a + b),
            consumers,
            transactions: transaction_log.len(),
            reverted_transactions: transaction_log.iter().filter(|t| t.status != "ok").count(),
            gas_used: transaction_log.iter().map(|t| t.gas_used).sum(),
            rewards_inr: restorations
                .iter()
                .map(|r| r.rewards_paid_inr)
                .fold(0.0, |a, b| a + b),
            allocations,
            solve_wall_clock_us: restorations.iter().map(|r| r.solve_wall_clock_us).sum(),
            plan,
            transaction_log,
            events,
        }
    }
}
