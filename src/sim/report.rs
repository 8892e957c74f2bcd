//! One run's results: its status and failure reason, MTTR (eq. 15) and its breakdown, the
//! customer-weighted restoration time, each consumer's interruption, energy not served, rewards,
//! and every transaction.
//!
//! A run simulates until every island's story is complete — detection, every allocation round,
//! the delivery check and settlement — even past the horizon; the horizon bounds when faults
//! strike. A story still incomplete when the simulation gives up (see `sim::Simulator::run`),
//! or a fault drawn at or after the horizon, makes the run `censored`: nothing it reports is
//! presented as a finished restoration.

use super::coordinator::{IslandRestoration, Phases, Stage};
use super::curve::CurveMetrics;
use super::log::LogEvent;
use super::plan::RunPlan;
use super::run_plant::PlantOutcome;
use crate::engine::clock;
use crate::entity::{EntityIndex, EntityTable, Profile};
use crate::ledger::{Receipt, TransactionRecord, TransactionStatus};
use crate::plant::bound::Dispatch;
use crate::plant::island::{IntervalRecord, ServiceTotals};
use crate::plant::island_network::NetworkRecord;
use serde::{Deserialize, Serialize};
use std::fmt;

/// IEEE 1366: an interruption longer than this is sustained, shorter is momentary, s.
pub const SUSTAINED_AFTER_S: f64 = 300.0;

/// How a run's outage ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Every island's story is complete and every interrupted consumer was restored.
    Restored,
    /// Every story is complete; some consumers were restored, others were not (shed, or their
    /// island failed).
    PartlyRestored,
    /// Every story is complete and no interrupted consumer was restored.
    NotRestored,
    /// A story was still incomplete when the simulation stopped, or a fault was drawn at or
    /// after the horizon: the run's figures are not those of a finished restoration.
    Censored,
    /// No island was cut off from the utility.
    NoOutage,
}

impl RunStatus {
    /// The status's name, as in JSON and Parquet.
    pub fn as_str(&self) -> &'static str {
        match self {
            RunStatus::Restored => "restored",
            RunStatus::PartlyRestored => "partly_restored",
            RunStatus::NotRestored => "not_restored",
            RunStatus::Censored => "censored",
            RunStatus::NoOutage => "no_outage",
        }
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// Why a run did not restore everyone, or why its story is incomplete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FailureReason {
    /// The island's capacity does not cover its demand: the optimiser shed these consumers.
    NoCapacity {
        /// The consumers shed, by id.
        shed: Vec<String>,
    },
    /// A transaction the restoration needed reverted. An allocation over eq. 5's budget is not
    /// one: its rewards are capped pro rata to the budget before it goes on chain.
    ContractRevert {
        /// The contract function.
        function: String,
        /// The decoded revert reason.
        reason: String,
    },
    /// The optimiser found no allocation.
    OptimiserError {
        /// The optimiser's message.
        reason: String,
    },
    /// The simulation stopped before an island's story (detection, rounds, delivery check,
    /// settlement) was complete.
    HorizonReached {
        /// Where the story stood.
        stage: String,
        /// When the simulation stopped, s since midnight.
        stopped_at_s: f64,
    },
    /// The grid came back (faults repaired, island reconnected) before the island restored
    /// these consumers.
    GridReturnedFirst {
        /// The consumers the grid's return restored, by id.
        consumers: Vec<String>,
    },
    /// A fault was drawn at or after the horizon: it never struck within the simulated window.
    FaultAfterHorizon {
        /// The fault's time, s since midnight.
        at_s: f64,
        /// The scenario's horizon, s.
        horizon_s: f64,
    },
}

impl FailureReason {
    /// The reason's kind, as in the `failure_reason` column: `no_capacity`, `contract_revert`,
    /// `optimiser_error`, `horizon_reached`, `grid_returned_first` or `fault_after_horizon`.
    pub fn as_str(&self) -> &'static str {
        match self {
            FailureReason::NoCapacity { .. } => "no_capacity",
            FailureReason::ContractRevert { .. } => "contract_revert",
            FailureReason::OptimiserError { .. } => "optimiser_error",
            FailureReason::HorizonReached { .. } => "horizon_reached",
            FailureReason::GridReturnedFirst { .. } => "grid_returned_first",
            FailureReason::FaultAfterHorizon { .. } => "fault_after_horizon",
        }
    }
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::NoCapacity { shed } => {
                write!(f, "no capacity: {} shed", shed.join(", "))
            }
            FailureReason::ContractRevert { function, reason } => {
                write!(f, "contract revert: {function}: {reason}")
            }
            FailureReason::OptimiserError { reason } => write!(f, "optimiser error: {reason}"),
            FailureReason::HorizonReached {
                stage,
                stopped_at_s,
            } => write!(
                f,
                "horizon reached: the simulation stopped at {stopped_at_s:.3} s with an island {stage}"
            ),
            FailureReason::GridReturnedFirst { consumers } => write!(
                f,
                "grid returned first: {} restored by the grid before the island",
                consumers.join(", ")
            ),
            FailureReason::FaultAfterHorizon { at_s, horizon_s } => write!(
                f,
                "fault drawn at {at_s:.3} s, at or after the horizon ({horizon_s} s): it never struck"
            ),
        }
    }
}

/// One interruption of a consumer (a consumer cut off twice in a run has two).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsumerOutcome {
    /// Its id.
    pub id: String,
    /// Customers behind it (its scenario `customers`): each is interrupted with it.
    pub customers: u32,
    /// When it lost supply, s.
    pub interrupted_at_s: f64,
    /// When its supply came back, s — by the island or by the grid's return, whichever came
    /// first; `None` if neither did within the simulated window.
    pub restored_at_s: Option<f64>,
    /// Who brought its supply back: the island (peer-to-peer restoration) or the grid (its
    /// faults repaired and the island reconnected); `None` if neither did.
    pub restored_by: Option<RestoredBy>,
    /// How long it was without supply (to the end of the simulated window if not restored), s.
    pub interruption_s: f64,
    /// Demand unmet while interrupted (to the end of the window if not restored), kWh.
    pub energy_not_served_kwh: f64,
    /// Still interrupted when the simulated window ended: `interruption_s` is a lower bound.
    pub censored: bool,
    /// Shed by the allocation in force for lack of capacity.
    pub shed: bool,
}

/// Who brought a consumer's supply back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RestoredBy {
    /// The island: the peer-to-peer restoration switched it on.
    Island,
    /// The grid: its faults were repaired and, after the resynchronisation delay, it was
    /// reconnected.
    Grid,
}

impl RestoredBy {
    /// `island` or `grid`, as in the `restored_by` column.
    pub fn as_str(self) -> &'static str {
        match self {
            RestoredBy::Island => "island",
            RestoredBy::Grid => "grid",
        }
    }
}

/// One prosumer's share of the final allocation of an island.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AllocationRow {
    /// The island, numbered as `blackstart island` numbers it (1-based).
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

/// The results of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    /// The run's seed.
    pub seed: u64,
    /// How the outage ended.
    pub status: RunStatus,
    /// Why not everyone was restored, or why the run is censored; `None` when restored or when
    /// nothing was cut off.
    pub failure_reason: Option<FailureReason>,
    /// Eq. 15: mean over the run's restored islands whose story is complete of (restoration −
    /// loss of supply), s. Islands not restored, and consumers shed, do not count: see
    /// `customer_restoration_mean_s` for a figure that counts everyone. `None` when no island
    /// was restored.
    pub mttr_s: Option<f64>,
    /// Mean over every customer interruption of its duration, s (each consumer interruption
    /// weighted by the consumer's customers): shed and never-restored consumers included, their
    /// interruptions censored at the end of the simulated window (`customers_censored` counts
    /// them). `None` when no consumer was interrupted.
    pub customer_restoration_mean_s: Option<f64>,
    /// Customer interruptions still running when the simulated window ended (each consumer
    /// interruption counts the consumer's customers).
    pub customers_censored: usize,
    /// End of the simulated window, s since midnight: the horizon, or later when a story ran
    /// past it.
    pub window_end_s: f64,
    /// The MTTR's breakdown (means over the same outages); the phases add up to `mttr_s`.
    pub phases: Phases,
    /// Allocations made (most over the islands): 1, or more after back-offs.
    pub rounds: u32,
    /// Islands cut off from the utility.
    pub outages: usize,
    /// Of those, restored with their story complete (the islands eq. 15 averages over).
    pub restored_outages: usize,
    /// Every interruption of a consumer.
    pub consumers: Vec<ConsumerOutcome>,
    /// Every interruption of a consumer with no sharing on the same draws (docs/model.md §11):
    /// each cut-off consumer dark until the grid takes its island back. The sweep's
    /// `no_sharing_interruptions` table; not in the report's JSON.
    #[serde(skip)]
    pub no_sharing_consumers: Vec<ConsumerOutcome>,
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
    /// How much eq. 5's budget cut the rewards, INR: Σ over islands of the final allocation's
    /// cost less what it pays (every reward capped pro rata). 0 when no budget binds; a capped
    /// island is still restored (its status does not change).
    pub rewards_capped_inr: f64,
    /// The final allocation of every island.
    pub allocations: Vec<AllocationRow>,
    /// The islands' operation once restored (docs/model.md §9), summed over islands.
    pub operation: OperationCounts,
    /// Resilience figures of the run (docs/model.md §10).
    pub resilience: Resilience,
    /// What the islands served with peer-to-peer restoration and, on the same draws, with no
    /// sharing (docs/model.md §11).
    pub references: References,
    /// The sampled parameters of the run.
    pub plan: RunPlan,
    /// Every transaction.
    pub transaction_log: Vec<TransactionRecord>,
    /// The event log, in time order (empty unless the run recorded events).
    pub events: Vec<LogEvent>,
    /// Wall-clock time the optimiser's solves took, µs (measured, not simulated).
    #[serde(skip)]
    pub solve_wall_clock_us: u64,
    /// What the island power flow saw and did (docs/model.md §13).
    pub network: NetworkSummary,
    /// Every island's meter intervals as the plant settled them (docs/model.md §9), in the
    /// order they closed.
    #[serde(skip)]
    pub intervals: Vec<IntervalRecord>,
    /// What the perfect-information bound served in each of `intervals`, consumers' and
    /// prosumers' own load, kWh (`None`: a simulator without the bound).
    #[serde(skip)]
    pub bound_served_kwh: Option<Vec<f64>>,
    /// The same island intervals in the no-sharing reference (docs/model.md §11): cut-off
    /// consumers dark, prosumers supplying only themselves.
    #[serde(skip)]
    pub no_sharing_intervals: Vec<IntervalRecord>,
}

impl RunReport {
    /// Customer interruptions: Σ over the consumer interruptions of the consumer's customers.
    pub fn customers_interrupted(&self) -> usize {
        customers(self.consumers.iter())
    }

    /// Of [`Self::customers_interrupted`], those longer than IEEE 1366's 5-minute threshold
    /// for a sustained interruption.
    pub fn customers_sustained(&self) -> usize {
        customers(
            self.consumers
                .iter()
                .filter(|c| crate::reliability::is_sustained(c.interruption_s)),
        )
    }

    /// Σ over consumer interruptions of their duration times the consumer's customers, minutes
    /// (IEEE 1366's customer minutes interrupted).
    pub fn customer_minutes_interrupted(&self) -> f64 {
        self.consumers
            .iter()
            .map(|c| f64::from(c.customers) * c.interruption_s / 60.0)
            .fold(0.0, |a, b| a + b)
    }

    /// Assembles the report of a finished run.
    pub(super) fn new(
        plan: RunPlan,
        entities: &EntityTable,
        window: &SimulatedWindow,
        restorations: &[IslandRestoration],
        receipts: Vec<Receipt>,
        events: Vec<LogEvent>,
        plant: PlantOutcome,
    ) -> Self {
        let end_s = window.end_s;
        let restored: Vec<&IslandRestoration> = restorations
            .iter()
            .filter(|r| r.stage == Stage::Done && r.restored_at_s.is_some())
            .collect();
        let n = restored.len() as f64;
        let mean =
            |f: &dyn Fn(&Phases) -> f64| restored.iter().map(|r| f(&r.phases)).sum::<f64>() / n;
        let (mttr_s, phases) = if restored.is_empty() {
            (None, Phases::default())
        } else {
            let mttr = restored
                .iter()
                .filter_map(|r| r.restored_at_s.map(|at_s| at_s - r.fault_at_s))
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

        let PlantOutcome {
            intervals,
            interruptions,
            no_sharing,
            bound,
            curve,
            grid_back_s,
            no_sharing_interruptions,
            no_sharing_intervals,
            power_flow,
        } = plant;
        // Every interruption as the plant lived it; the first of each consumer is its
        // outage's, later ones are sheddings by an interval's allocation or by protection.
        let fault_of = |e: EntityIndex| {
            restorations
                .iter()
                .find(|r| r.entities.contains(&e))
                .map(|r| (r.fault_at_s, r.shed.contains(&e)))
        };
        let consumers: Vec<ConsumerOutcome> = interruptions
            .iter()
            .map(|i| {
                let (fault_at_s, shed_by_restoration) =
                    fault_of(i.entity).unwrap_or((i.from_s, false));
                ConsumerOutcome {
                    id: i.id.clone(),
                    customers: entities.get(i.entity).customers(),
                    interrupted_at_s: i.from_s,
                    restored_at_s: i.to_s,
                    restored_by: i.to_s.map(|_| {
                        if i.ended_by_grid {
                            RestoredBy::Grid
                        } else {
                            RestoredBy::Island
                        }
                    }),
                    interruption_s: i.to_s.unwrap_or(end_s) - i.from_s,
                    energy_not_served_kwh: i.unserved_kwh,
                    censored: i.to_s.is_none(),
                    shed: i.from_s > fault_at_s || shed_by_restoration,
                }
            })
            .collect();
        let no_sharing_consumers = no_sharing_interruptions
            .iter()
            .map(|i| ConsumerOutcome {
                id: i.id.clone(),
                customers: entities.get(i.entity).customers(),
                interrupted_at_s: i.from_s,
                restored_at_s: i.to_s,
                restored_by: i.to_s.map(|_| {
                    if i.ended_by_grid {
                        RestoredBy::Grid
                    } else {
                        RestoredBy::Island
                    }
                }),
                interruption_s: i.to_s.unwrap_or(end_s) - i.from_s,
                energy_not_served_kwh: i.unserved_kwh,
                censored: i.to_s.is_none(),
                shed: false,
            })
            .collect();
        let mut allocations = Vec::new();
        for r in restorations {
            for share in &r.shares {
                allocations.push(AllocationRow {
                    island: r.number,
                    id: entities.get(share.entity).id.clone(),
                    delta_kwh: share.delta_kwh,
                    alpha: share.alpha,
                    beta: share.beta,
                    reward_inr: share.reward_inr,
                    backed_off: false,
                });
            }
            for &e in &r.backed_off {
                allocations.push(AllocationRow {
                    island: r.number,
                    id: entities.get(e).id.clone(),
                    delta_kwh: 0.0,
                    alpha: 0.0,
                    beta: 0.0,
                    reward_inr: 0.0,
                    backed_off: true,
                });
            }
        }
        let (status, failure_reason) = outcome(window, restorations, &consumers, entities);
        // On the simulation's clock (nanoseconds), as the plant and the interruptions saw it.
        let first_fault_s = plan
            .faults
            .iter()
            .map(|f| clock::seconds(clock::at(f.at_s)))
            .fold(f64::INFINITY, f64::min);
        let mut resilience = Resilience::of(&consumers, entities, first_fault_s);
        resilience.curve = CurveMetrics::of(&curve, first_fault_s, grid_back_s);
        let transaction_log: Vec<TransactionRecord> = receipts.iter().map(Into::into).collect();
        RunReport {
            seed: plan.seed,
            status,
            failure_reason,
            mttr_s,
            customer_restoration_mean_s: customer_mean_s(&consumers),
            customers_censored: customers(consumers.iter().filter(|c| c.censored)),
            window_end_s: end_s,
            phases,
            rounds: restorations.iter().map(|r| r.rounds).max().unwrap_or(0),
            outages: restorations.len(),
            restored_outages: restored.len(),
            energy_not_served_kwh: consumers
                .iter()
                .map(|c| c.energy_not_served_kwh)
                .fold(0.0, |a, b| a + b),
            consumers,
            no_sharing_consumers,
            transactions: transaction_log.len(),
            reverted_transactions: transaction_log
                .iter()
                .filter(|t| t.status == TransactionStatus::Fail)
                .count(),
            gas_used: transaction_log.iter().map(|t| t.gas_used).sum(),
            rewards_inr: restorations
                .iter()
                .map(|r| r.rewards_paid_inr)
                .fold(0.0, |a, b| a + b),
            rewards_capped_inr: restorations
                .iter()
                .map(|r| r.rewards_capped_inr)
                .fold(0.0, |a, b| a + b),
            allocations,
            solve_wall_clock_us: restorations.iter().map(|r| r.solve_wall_clock_us).sum(),
            plan,
            transaction_log,
            events,
            operation: OperationCounts::of(restorations),
            resilience,
            references: References {
                peer_to_peer: ServiceTotals::of(&intervals, entities),
                no_sharing,
                bound: bound.as_ref().map(BoundTotals::of),
                ideal_timing: None,
            },
            network: NetworkSummary::of(power_flow, &intervals),
            intervals,
            bound_served_kwh: bound.map(|b| {
                b.steps
                    .iter()
                    .map(|s| s.consumers_served_kwh + s.prosumers_own_served_kwh)
                    .collect()
            }),
            no_sharing_intervals,
        }
    }
}

/// What the island power flow saw and did over a run's island intervals (docs/model.md §13).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct NetworkSummary {
    /// Whether islands were settled on the power flow (false: energy balance only, no losses,
    /// voltages or ratings).
    pub power_flow: bool,
    /// The networks' series losses, kWh.
    pub losses_kwh: f64,
    /// The lowest phase voltage of any interval, pu.
    pub min_voltage_pu: Option<f64>,
    /// Where: `node.phase`.
    pub min_voltage_at: Option<String>,
    /// The highest, pu.
    pub max_voltage_pu: Option<f64>,
    /// Where: `node.phase`.
    pub max_voltage_at: Option<String>,
    /// The highest loading of any rated branch: current over rating.
    pub max_loading: Option<f64>,
    /// That branch.
    pub most_loaded_line: Option<String>,
    /// Island intervals whose energy settlement broke a limit before correction.
    pub intervals_violated: usize,
    /// The first limit broken.
    pub first_violation: Option<String>,
    /// Consumers' demand shed to keep the limits, kWh.
    pub shed_by_limits_kwh: f64,
    /// Generation and export offers curtailed to keep them, kWh.
    pub curtailed_for_limits_kwh: f64,
    /// Island intervals left with a limit broken and nothing to correct it.
    pub intervals_unresolved: usize,
}

impl NetworkSummary {
    /// The summary of `intervals`, settled on the power flow or not (`power_flow`).
    pub fn of(power_flow: bool, intervals: &[IntervalRecord]) -> Self {
        let mut all: Option<NetworkRecord> = None;
        let mut summary = NetworkSummary {
            power_flow,
            ..NetworkSummary::default()
        };
        for i in intervals {
            summary.shed_by_limits_kwh += i.account.shed_by_limits_kwh;
            summary.curtailed_for_limits_kwh += i.account.curtailed_for_limits_kwh;
            let Some(n) = &i.network else {
                continue;
            };
            summary.intervals_violated += usize::from(n.violation.is_some());
            summary.intervals_unresolved += usize::from(n.unresolved.is_some());
            match &mut all {
                Some(a) => a.add(n),
                None => all = Some(n.clone()),
            }
        }
        if let Some(a) = all {
            summary.losses_kwh = a.losses_kwh;
            summary.min_voltage_pu = a.min_voltage_pu;
            summary.min_voltage_at = a.min_voltage_at;
            summary.max_voltage_pu = a.max_voltage_pu;
            summary.max_voltage_at = a.max_voltage_at;
            summary.max_loading = a.max_loading;
            summary.most_loaded_line = a.most_loaded_line;
            summary.first_violation = a.violation;
        }
        summary
    }
}

/// What the islands' operation after their restoration did (docs/model.md §9), summed over a
/// run's islands.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct OperationCounts {
    /// Interval allocations made and recorded on chain.
    pub rounds: u32,
    /// Rounds the optimiser could not allocate or the contract rejected (the allocation in
    /// force stayed).
    pub rejected_rounds: u32,
    /// Prosumers' deliveries checked and settled on chain.
    pub deliveries_settled: u32,
    /// The settlement transactions that paid them: one per island and interval in which
    /// someone delivered.
    pub settlements: u32,
    /// What those settlements credited, INR (part of the run's `rewards_inr`).
    pub rewards_inr: f64,
    /// Prosumers' deliveries the island curtailed (offered, not taken, not paid).
    pub deliveries_curtailed: u32,
    /// Prosumers' deliveries that fell short (not paid; the prosumer sat out).
    pub deliveries_short: u32,
    /// Every interval allocated: (island number, interval, deficit kWh, cost INR).
    #[serde(skip)]
    pub planned: Vec<(usize, u64, f64, f64)>,
    /// Every island's transactions by the meter interval they were submitted in: (island
    /// number, interval, transactions, gas).
    #[serde(skip)]
    pub chain: Vec<(usize, u64, u32, u64)>,
}

impl OperationCounts {
    fn of(restorations: &[IslandRestoration]) -> Self {
        let mut counts = OperationCounts::default();
        for r in restorations {
            let o = &r.operation;
            counts.rounds += o.rounds;
            counts.rejected_rounds += o.rejected_rounds;
            counts.deliveries_settled += o.settled;
            counts.settlements += o.settlements;
            counts.rewards_inr += o.rewards_inr;
            counts.deliveries_curtailed += o.curtailed;
            counts.deliveries_short += o.not_delivered;
            counts.planned.extend(
                o.planned
                    .iter()
                    .map(|p| (r.number, p.interval, p.deficit_kwh, p.cost_inr)),
            );
            counts.chain.extend(
                r.chain_by_interval
                    .iter()
                    .map(|(&k, &(transactions, gas))| (r.number, k, transactions, gas)),
            );
        }
        counts
    }
}

/// Customers behind `interruptions`: each counts its consumer's customers.
fn customers<'a>(interruptions: impl Iterator<Item = &'a ConsumerOutcome>) -> usize {
    interruptions.map(|c| c.customers as usize).sum()
}

/// The mean duration of a customer interruption over `interruptions`, each weighted by its
/// consumer's customers, s; `None` without a customer interrupted.
fn customer_mean_s(interruptions: &[ConsumerOutcome]) -> Option<f64> {
    let customers = customers(interruptions.iter());
    (customers > 0).then(|| {
        interruptions
            .iter()
            .map(|c| f64::from(c.customers) * c.interruption_s)
            .sum::<f64>()
            / customers as f64
    })
}

/// A run's service against its references (docs/model.md §11), on the same draws: the
/// faults, repairs, weather and demand of the run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct References {
    /// Peer-to-peer restoration and operation, as the run simulated it.
    pub peer_to_peer: ServiceTotals,
    /// No sharing: cut-off consumers dark until the grid returns, prosumers supplying only
    /// themselves.
    pub no_sharing: ServiceTotals,
    /// The perfect-information bound: the most any operator could have served (`None`: a
    /// simulator without it, [`crate::sim::Simulator::without_bound`]).
    pub bound: Option<BoundTotals>,
    /// Peer-to-peer again with ideal timing (no latency, an instant chain, no back-off), when
    /// the caller ran it ([`crate::sim::Simulator::run_with_gap_split`]): what the timing cost.
    pub ideal_timing: Option<ServiceTotals>,
}

/// What the perfect-information bound served (docs/model.md §11), kWh. It serves fractions of
/// loads, so it has no customer-hours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct BoundTotals {
    /// Consumers' demand and prosumers' own load, as [`ServiceTotals::demand_kwh`].
    pub demand_kwh: f64,
    /// Of it served (the bound on [`ServiceTotals::served_kwh`]).
    pub served_kwh: f64,
    /// Of it consumers' demand served.
    pub consumers_served_kwh: f64,
}

impl BoundTotals {
    fn of(d: &Dispatch) -> Self {
        BoundTotals {
            demand_kwh: d.demand_kwh(),
            served_kwh: d.served_kwh(),
            consumers_served_kwh: d.steps.iter().map(|s| s.consumers_served_kwh).sum(),
        }
    }
}

/// A run's resilience figures (docs/model.md §10), from its consumers' interruptions. The
/// *critical* consumers are those of the scenario's highest restoration priority, when it is
/// above 0 (none otherwise).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Resilience {
    /// Σ over the critical consumers' interruptions of their durations, hours.
    pub critical_load_hours_lost: f64,
    /// From the first fault to the first interruption of a critical consumer that began after
    /// it — the island could no longer carry it — s; `None` when there was none.
    pub first_critical_loss_s: Option<f64>,
    /// From the first fault until half the consumers it cut off were supplied again (by the
    /// island or the grid), s; `None` if that never happened in the window.
    pub restored_50_s: Option<f64>,
    /// The same for 90 % of them.
    pub restored_90_s: Option<f64>,
    /// The same for all of them.
    pub restored_100_s: Option<f64>,
    /// The trapezoid metrics of the load-served curve.
    pub curve: CurveMetrics,
}

impl Resilience {
    fn of(consumers: &[ConsumerOutcome], entities: &EntityTable, first_fault_s: f64) -> Self {
        let priority = |id: &str| match entities.index_of(id).map(|e| &entities.get(e).profile) {
            Some(Profile::Consumer { priority, .. }) => *priority,
            _ => 0,
        };
        let top = consumers.iter().map(|c| priority(&c.id)).max().unwrap_or(0);
        let critical = |c: &&ConsumerOutcome| top > 0 && priority(&c.id) == top;
        let hours = |c: &ConsumerOutcome| c.interruption_s / 3600.0;
        // Each consumer's first interruption is its outage's; the times it came back.
        let mut back_s: Vec<Option<f64>> = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for c in consumers {
            if !seen.contains(&c.id.as_str()) {
                seen.push(&c.id);
                back_s.push(c.restored_at_s);
            }
        }
        let mut restored: Vec<f64> = back_s.iter().flatten().copied().collect();
        restored.sort_by(f64::total_cmp);
        let until = |share: f64| {
            let needed = ((share * back_s.len() as f64).ceil() as usize).max(1);
            restored.get(needed - 1).map(|t| t - first_fault_s)
        };
        Resilience {
            // Folded from +0.0: `f64`'s `Sum` of nothing is −0.0, which reports would print.
            critical_load_hours_lost: consumers
                .iter()
                .filter(critical)
                .map(hours)
                .fold(0.0, |sum, h| sum + h),
            first_critical_loss_s: consumers
                .iter()
                .filter(critical)
                .filter(|c| c.interrupted_at_s > first_fault_s)
                .map(|c| c.interrupted_at_s - first_fault_s)
                .reduce(f64::min),
            restored_50_s: until(0.5),
            restored_90_s: until(0.9),
            restored_100_s: until(1.0),
            curve: CurveMetrics::default(),
        }
    }
}

/// The stretch of time a run simulated.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimulatedWindow {
    /// The scenario's horizon, s.
    pub horizon_s: f64,
    /// When the simulation stopped or the horizon, whichever is later, s: interruptions still
    /// running are censored here.
    pub end_s: f64,
    /// When the simulation stopped, s.
    pub stopped_at_s: f64,
    /// The first of the plan's faults at or after the horizon (not simulated), s.
    pub fault_after_horizon_s: Option<f64>,
}

/// A run's status and failure reason, from its islands' stories and its consumers' outcomes.
fn outcome(
    window: &SimulatedWindow,
    restorations: &[IslandRestoration],
    consumers: &[ConsumerOutcome],
    entities: &EntityTable,
) -> (RunStatus, Option<FailureReason>) {
    if let Some(at_s) = window.fault_after_horizon_s {
        let reason = FailureReason::FaultAfterHorizon {
            at_s,
            horizon_s: window.horizon_s,
        };
        return (RunStatus::Censored, Some(reason));
    }
    if let Some(r) = restorations.iter().find(|r| !r.stage.is_final()) {
        let reason = FailureReason::HorizonReached {
            stage: r.stage.describe().to_string(),
            stopped_at_s: window.stopped_at_s,
        };
        return (RunStatus::Censored, Some(reason));
    }
    if restorations.is_empty() {
        return (RunStatus::NoOutage, None);
    }
    let failed = restorations.iter().find_map(|r| match &r.stage {
        Stage::Failed(reason) => Some(reason.clone()),
        _ => None,
    });
    let shed: Vec<String> = restorations
        .iter()
        .flat_map(|r| &r.shed)
        .map(|&e| entities.get(e).id.clone())
        .collect();
    // Each consumer's first interruption is its outage's: the status judges how that ended.
    let mut first: Vec<&ConsumerOutcome> = Vec::new();
    for c in consumers {
        if !first.iter().any(|f| f.id == c.id) {
            first.push(c);
        }
    }
    let by_grid: Vec<String> = first
        .iter()
        .filter(|c| c.restored_by == Some(RestoredBy::Grid) && !c.shed)
        .map(|c| c.id.clone())
        .collect();
    let reason = failed
        .or((!shed.is_empty()).then_some(FailureReason::NoCapacity { shed }))
        .or((!by_grid.is_empty())
            .then_some(FailureReason::GridReturnedFirst { consumers: by_grid }));
    // The status judges the peer-to-peer restoration: a consumer the grid's return brought
    // back was not restored by the island.
    let restored = first
        .iter()
        .filter(|c| c.restored_by == Some(RestoredBy::Island))
        .count();
    let status = if reason.is_none() && restored == first.len() {
        RunStatus::Restored
    } else if restored == 0 {
        RunStatus::NotRestored
    } else {
        RunStatus::PartlyRestored
    };
    (status, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contract_revert_names_its_function_and_keeps_its_decoded_reason() {
        let revert = FailureReason::ContractRevert {
            function: "PowerData".into(),
            reason: "UnregisteredMeter { caller: 0x1 }".into(),
        };
        assert_eq!(revert.as_str(), "contract_revert");
        assert_eq!(
            revert.to_string(),
            "contract revert: PowerData: UnregisteredMeter { caller: 0x1 }"
        );
    }

    #[test]
    fn statuses_have_their_column_names() {
        let names: Vec<&str> = [
            RunStatus::Restored,
            RunStatus::PartlyRestored,
            RunStatus::NotRestored,
            RunStatus::Censored,
            RunStatus::NoOutage,
        ]
        .iter()
        .map(|s| s.as_str())
        .collect();
        assert_eq!(
            names,
            [
                "restored",
                "partly_restored",
                "not_restored",
                "censored",
                "no_outage"
            ]
        );
        // JSON agrees with the column.
        assert_eq!(
            serde_json::to_value(RunStatus::PartlyRestored).unwrap(),
            "partly_restored"
        );
        assert_eq!(RunStatus::PartlyRestored.to_string(), "partly restored");
    }
}
