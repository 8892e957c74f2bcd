//! RestorationCoordinator: the operator's workflow of the paper's Fig. 5 for every island that
//! loses its supply. On the first detection it gathers the island's latest readings, puts them
//! on chain with FindEntities, PowerBalance and the consumers' tariffs, optimises, records the
//! allocation with OptimisationHandler, commands the relays and so restores the consumers. At
//! the delivery interval it checks every prosumer's reading: one that did not deliver has backed
//! off, so it re-optimises without it (eq. 14) and switches again; otherwise it settles the
//! rewards.
//!
//! Meters report every interval to the coordinator (the operator's data collection). On chain,
//! the island's readings of the interval before the outage are posted when it gathers them (the
//! base of the on-chain deficit and budget checks), and the delivery-interval reading of each
//! prosumer owed a reward (extra export or `R_prev`) before its settlement. Once the
//! restoration's story is over the island is operated interval by interval ([`operation`]):
//! every interval's readings in one batch, an allocation per interval, its deliveries settled.
//!
//! The workflow is sequential, so its stages partition the time from the fault to the final
//! restoration; each stage's span is added to one phase of the MTTR breakdown, and the phases
//! add up to the restoration time exactly.

use super::log::{EventKind, LogEvent};
use super::messages::{
    EntityIndex, Envelope, IslandFormed, OptimiseRequest, OptimiseResponse, Reading, RelayAction,
    RelayCommand, Report, SupplyReturned,
};
use super::report::FailureReason;
use operation::{Operation, OperationTx};
mod operation;

use crate::chain::{self, EntityKind, reward_paise, share_wh, wh};
use crate::engine::clock;
use crate::entity::{EntityTable, baseline_export_kwh};
use crate::ledger::{Call, Outcome, Receipt, Transaction};
use crate::optimise::{self, Settings};
use crate::plant::profile::Profiles;
use crate::scenario::Scenario;
use nexosim::model::{Context, Model};
use nexosim::ports::Output;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Durations of the restoration phases, s (docs/model.md §7).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Phases {
    /// Loss of supply to its detection.
    pub detection_s: f64,
    /// Messages on the critical path: reports, gathering readings, relay commands and acks.
    pub communication_s: f64,
    /// Transactions on the critical path, from submission to confirmation.
    pub chain_s: f64,
    /// The optimiser's (simulated) durations.
    pub optimisation_s: f64,
    /// Relay actuation on the critical path.
    pub switching_s: f64,
    /// After a restoration, the wait for the meter reading that shows a prosumer did not
    /// deliver (0 unless someone backs off).
    pub verification_s: f64,
}

/// Where an island's restoration stands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) enum Stage {
    /// Cut off; no RTDCCU has reported yet.
    AwaitingDetection,
    /// Waiting for the readings requested from the island's meters.
    Gathering { pending: usize },
    /// Waiting for the readings, balance and tariffs on chain.
    OnChain { pending: usize },
    /// Waiting for the optimiser.
    Optimising,
    /// Waiting for the allocation to be recorded on chain.
    Recording,
    /// Waiting for the commanded relays; the last ack's times split the span.
    Switching { pending: usize },
    /// Restored; waiting for the delivery-interval readings of the allocated prosumers.
    Verifying {
        pending: Vec<EntityIndex>,
        failed: Vec<EntityIndex>,
        last_read_at_s: f64,
    },
    /// Waiting for the settlement transactions.
    Settling { pending: usize },
    /// Finished: restored and settled.
    Done,
    /// Stopped: the reason (an optimiser error or a rejected allocation).
    Failed(FailureReason),
}

impl Stage {
    /// Whether the island's story is over (settled, or failed).
    pub(crate) fn is_final(&self) -> bool {
        matches!(self, Stage::Done | Stage::Failed(_))
    }

    /// Where the story stands, for people ("awaiting detection", …).
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Stage::AwaitingDetection => "awaiting detection",
            Stage::Gathering { .. } => "gathering readings",
            Stage::OnChain { .. } => "putting readings on chain",
            Stage::Optimising => "optimising",
            Stage::Recording => "recording its allocation on chain",
            Stage::Switching { .. } => "switching relays",
            Stage::Verifying { .. } => "verifying delivery",
            Stage::Settling { .. } => "settling rewards",
            Stage::Done => "restored and settled",
            Stage::Failed(_) => "failed",
        }
    }
}

/// One prosumer's part of the allocation in force.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Share {
    /// The prosumer.
    pub entity: EntityIndex,
    /// Extra export, kWh per interval.
    pub delta_kwh: f64,
    /// Share of its consumption shed.
    pub alpha: f64,
    /// Share of its battery exported.
    pub beta: f64,
    /// `R_prev + R_delta + R_extra`, INR.
    pub reward_inr: f64,
}

impl Share {
    /// Whether the prosumer is owed a settlement: it was asked for extra export or is paid
    /// for any export (`R_prev = Pe·BT` included), so its delivery is checked and, unless it
    /// backed off, it is settled for what it delivered.
    fn is_owed(&self) -> bool {
        self.delta_kwh > 0.0 || reward_paise(self.reward_inr) > 0
    }
}

/// One island's restoration, as the coordinator tracks and reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct IslandRestoration {
    /// The island's number as `blackstart island` gives it: 1-based position, among the grid's
    /// components after the run's faults, of the component holding the island's first node.
    pub number: usize,
    /// The island's nodes.
    pub nodes: Vec<crate::scenario::NodeId>,
    /// Its entities.
    pub entities: Vec<EntityIndex>,
    /// When it lost supply, s.
    pub fault_at_s: f64,
    /// When its consumers were last switched back on, s; `None` until then, and again if a
    /// later round fails (the restoration did not hold).
    pub restored_at_s: Option<f64>,
    /// Where it stands.
    pub stage: Stage,
    /// The MTTR breakdown so far.
    pub phases: Phases,
    /// Allocations made (2 or more after back-offs).
    pub rounds: u32,
    /// Prosumers found to have backed off.
    pub backed_off: Vec<EntityIndex>,
    /// Consumers served by the allocation in force.
    pub served: Vec<EntityIndex>,
    /// Consumers shed for lack of capacity.
    pub shed: Vec<EntityIndex>,
    /// The allocation in force.
    pub shares: Vec<Share>,
    /// The allocation in force as recorded on chain (what settling it passes back); `None`
    /// before one is recorded.
    recorded: Option<chain::RecordedShares>,
    /// The island's deficit in the last optimisation, kWh per interval.
    pub deficit_kwh: f64,
    /// Rewards credited on settlement, INR.
    pub rewards_paid_inr: f64,
    /// How much eq. 5's budget cut the rewards of the allocation in force, INR: its cost
    /// less what it pays (every reward capped pro rata); 0 when the cost is within budget.
    pub rewards_capped_inr: f64,
    /// Wall-clock time of the optimiser's solves, µs (measured, not simulated).
    pub solve_wall_clock_us: u64,
    /// Its entities back on the grid, with when: once a repair returns their supply and the
    /// resynchronisation delay has passed (docs/model.md §9).
    pub reconnected: Vec<(EntityIndex, f64)>,
    /// The readings put on chain for the base interval, one per entity: what every allocation
    /// round of the outage plans on, as the contracts check it.
    base_readings: Vec<Reading>,
    /// What its relays and controllers were commanded to.
    commanded: Commanded,
    /// Its transactions by the meter interval they were submitted in: count and gas.
    pub chain_by_interval: BTreeMap<u64, (u32, u64)>,
    /// Its operation interval by interval once restored (docs/model.md §9).
    pub operation: Operation,
    stage_started_s: f64,
    base_interval: u64,
    delivery_interval: u64,
}

/// Below this a change of set-point is not worth a command, kWh per interval (1 Wh: the
/// resolution of the readings on chain).
const SETPOINT_RESOLUTION_KWH: f64 = 1e-3;

/// The state the coordinator has commanded an island's relays and controllers to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Commanded {
    /// Consumers whose relays were commanded closed (supplied).
    pub closed: BTreeSet<EntityIndex>,
    /// Prosumers' commanded export set-points, kWh per interval.
    pub setpoint_kwh: BTreeMap<EntityIndex, f64>,
}

/// What a transaction is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Pending {
    island: usize,
    /// What it is for in the island's operation (`None`: its restoration story).
    operation: Option<OperationTx>,
}

/// Static inputs of the coordinator, from the scenario and the run's plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct CoordinatorConfig {
    /// The scenario simulated.
    pub scenario: Scenario,
    /// The scenario's entities.
    pub entities: EntityTable,
    /// Whether the run records its event log (the coordinator formats events only then).
    pub record_events: bool,
    /// How long after an interval's end its readings may still arrive (the network's last
    /// retry), s: an operating round waits no longer for them.
    pub reading_deadline_s: f64,
    /// The consumers' registered load shapes, from which the operator forecasts a demand it
    /// cannot read (a consumer dark or shed); `None`: it plans such a consumer at its last
    /// measured demand.
    #[serde(skip)]
    pub load_shapes: Option<Arc<Profiles>>,
}

impl CoordinatorConfig {
    fn interval_s(&self) -> f64 {
        self.scenario.time.meter_interval_s
    }
}

/// The restoration coordinator.
#[derive(Serialize, Deserialize)]
pub(super) struct Coordinator {
    /// Messages to meters and RTDCCUs over the network.
    pub to_network: Output<Envelope>,
    /// Transactions to the chain node.
    pub to_chain: Output<Transaction>,
    /// Problems to the optimiser.
    pub to_optimiser: Output<OptimiseRequest>,
    /// What happened, for the event log.
    pub log: Output<LogEvent>,
    config: CoordinatorConfig,
    latest: Vec<Option<Reading>>,
    islands: Vec<IslandRestoration>,
    /// The island each entity was last cut off in.
    island_of_entity: Vec<Option<usize>>,
    pending_tx: BTreeMap<u64, Pending>,
    next_tx: u64,
    /// Supplies returned whose reconnection is still to come.
    pending_reconnections: usize,
}

/// A reading in the contracts' units.
fn on_chain(r: &Reading) -> chain::Reading {
    chain::Reading {
        generation_wh: wh(r.generation_kwh),
        consumption_wh: wh(r.consumption_kwh),
        export_wh: wh(r.export_kwh),
        battery_charge_wh: wh(r.battery_charge_kwh),
        battery_discharge_wh: wh(r.battery_discharge_kwh),
    }
}

#[Model]
impl Coordinator {
    /// A coordinator for the run described by `config`.
    pub(super) fn new(config: CoordinatorConfig) -> Self {
        let n = config.entities.len();
        Coordinator {
            to_network: Output::default(),
            to_chain: Output::default(),
            to_optimiser: Output::default(),
            log: Output::default(),
            config,
            latest: vec![None; n],
            islands: Vec::new(),
            island_of_entity: vec![None; n],
            pending_tx: BTreeMap::new(),
            next_tx: 1,
            pending_reconnections: 0,
        }
    }

    /// The operator's breakers show an island has lost its supply [input port].
    pub(super) async fn island_formed(&mut self, island: IslandFormed) {
        for &e in &island.entities {
            self.island_of_entity[e as usize] = Some(self.islands.len());
        }
        self.islands.push(IslandRestoration {
            number: island.number,
            nodes: island.nodes,
            entities: island.entities,
            fault_at_s: island.at_s,
            restored_at_s: None,
            stage: Stage::AwaitingDetection,
            phases: Phases::default(),
            rounds: 0,
            backed_off: Vec::new(),
            served: Vec::new(),
            shed: Vec::new(),
            shares: Vec::new(),
            deficit_kwh: 0.0,
            rewards_paid_inr: 0.0,
            rewards_capped_inr: 0.0,
            solve_wall_clock_us: 0,
            reconnected: Vec::new(),
            base_readings: Vec::new(),
            recorded: None,
            commanded: Commanded::default(),
            chain_by_interval: BTreeMap::new(),
            operation: Operation::default(),
            stage_started_s: island.at_s,
            base_interval: 0,
            delivery_interval: 0,
        });
    }

    /// A report from a meter or an RTDCCU arrives over the network [input port].
    pub(super) async fn report(&mut self, report: Report, cx: &Context<Self>) {
        let now_s = clock::seconds(cx.time());
        match report {
            Report::OutageDetected {
                entity,
                lost_at_s,
                detected_at_s,
            } => {
                self.on_detection(entity, lost_at_s, detected_at_s, now_s)
                    .await
            }
            Report::Reading(reading) => self.on_reading(reading, now_s, cx).await,
            Report::Switched {
                entity,
                command_received_at_s,
                switched_at_s,
            } => {
                self.on_switched(entity, command_received_at_s, switched_at_s, now_s)
                    .await
            }
        }
    }

    /// A confirmed receipt arrives from the chain node [input port].
    pub(super) async fn receipt(&mut self, receipt: Receipt, cx: &Context<Self>) {
        let now_s = clock::seconds(cx.time());
        let Some(Pending {
            island: i,
            operation,
        }) = self.pending_tx.remove(&receipt.id)
        else {
            return;
        };
        let submitted_in = (receipt.submitted_at_s / self.config.interval_s()).floor() as u64;
        let count = self.islands[i]
            .chain_by_interval
            .entry(submitted_in)
            .or_default();
        *count = (count.0 + 1, count.1 + receipt.gas_used);
        if let Outcome::Reverted(reason) = &receipt.outcome {
            self.log_event(|c| {
                let detail = format!("{} reverted: {reason}", receipt.function.name());
                c.event(i, now_s, EventKind::TransactionReverted, detail)
            })
            .await;
        }
        if let Some(tx) = operation {
            self.operation_receipt(i, tx, receipt, cx).await;
            return;
        }
        match self.islands[i].stage.clone() {
            Stage::OnChain { pending } if pending > 1 => {
                self.islands[i].stage = Stage::OnChain {
                    pending: pending - 1,
                }
            }
            Stage::OnChain { .. } => {
                let island = &mut self.islands[i];
                island.phases.chain_s += now_s - island.stage_started_s;
                self.log_event(|c| {
                    let detail = "readings, balance and tariffs on chain".to_string();
                    c.event(i, now_s, EventKind::ChainUpdated, detail)
                })
                .await;
                self.optimise(i, now_s).await;
            }
            Stage::Recording => {
                self.islands[i].phases.chain_s += now_s - self.islands[i].stage_started_s;
                match receipt.outcome {
                    Outcome::Allocation(record) => {
                        // The contract checks the allocation against the deficit of the
                        // readings before the outage; after a back-off the island's deficit
                        // is larger, and the line shows both.
                        self.log_event(|c| {
                            let deficit_kwh = c.islands[i].deficit_kwh;
                            let capped_inr = c.islands[i].rewards_capped_inr;
                            let capped = if capped_inr > 0.0 {
                                format!(", capped pro rata {capped_inr:.2} INR below their cost")
                            } else {
                                String::new()
                            };
                            let detail = format!(
                                "allocation on chain: deficit {deficit_kwh:.3} kWh, covered {} Wh \
                                 (contract's check against the pre-outage deficit {} Wh), \
                                 rewards {} of budget {} paise{capped}",
                                record.covered_wh,
                                record.deficit_wh,
                                record.rewards_paise,
                                record.budget_paise
                            );
                            c.event(i, now_s, EventKind::AllocationRecorded, detail)
                                .deficit_kwh(deficit_kwh)
                                .amount_inr(record.rewards_paise as f64 / 100.0)
                        })
                        .await;
                        self.command_relays(i, now_s).await;
                    }
                    other => {
                        let reason = match other {
                            Outcome::Reverted(reason) => reason,
                            other => format!("unexpected outcome {other:?}"),
                        };
                        let function = receipt.function.name().to_string();
                        self.fail(i, FailureReason::ContractRevert { function, reason });
                    }
                }
            }
            Stage::Settling { pending } => {
                if let Outcome::Settled(settlement) = receipt.outcome {
                    self.islands[i].rewards_paid_inr += settlement.paid_paise() as f64 / 100.0;
                    for payment in settlement.paid {
                        let inr = payment.reward_paise as f64 / 100.0;
                        self.log_event(|c| {
                            let id = c.id(c.entity_of(payment.prosumer));
                            let detail = format!("{inr:.2} INR credited to {id}");
                            c.event(i, now_s, EventKind::Settled, detail)
                                .entities(vec![id])
                                .amount_inr(inr)
                        })
                        .await;
                    }
                }
                if pending > 1 {
                    self.islands[i].stage = Stage::Settling {
                        pending: pending - 1,
                    };
                } else {
                    self.islands[i].stage = Stage::Done;
                    self.begin_operation(i, now_s);
                }
            }
            _ => {}
        }
    }

    /// The optimiser answers [input port].
    pub(super) async fn optimised(&mut self, response: OptimiseResponse, cx: &Context<Self>) {
        let now_s = clock::seconds(cx.time());
        let i = response.island;
        if self.islands[i].operation.started {
            self.operation_optimised(response, cx).await;
            return;
        }
        let island = &mut self.islands[i];
        island.phases.optimisation_s += now_s - island.stage_started_s;
        island.solve_wall_clock_us += response.wall_clock_us;
        let allocation = match response.result {
            Ok(allocation) => allocation,
            Err(error) => {
                let reason = error.to_string();
                self.log_event(|c| {
                    c.event(i, now_s, EventKind::OptimisationFailed, reason.clone())
                })
                .await;
                self.fail(i, FailureReason::OptimiserError { reason });
                return;
            }
        };
        let (shares, served, shed) = self.split(i, &allocation);
        let island = &mut self.islands[i];
        island.shares = shares;
        island.served = served;
        island.shed = shed;
        island.deficit_kwh = allocation.deficit_kwh;
        island.rewards_capped_inr = allocation.cost_inr - allocation.paid_inr;
        island.delivery_interval = (now_s / self.config.interval_s()).floor() as u64 + 2;
        self.log_event(|c| {
            let capped = if allocation.budget_short_inr > 0.0 {
                format!(
                    "; over eq. 5's budget {:.2} INR by {:.2} INR: every reward capped pro rata, \
                     {:.2} INR paid",
                    allocation.budget_inr, allocation.budget_short_inr, allocation.paid_inr
                )
            } else {
                String::new()
            };
            let detail = format!(
                "deficit {:.3} kWh, cost {:.2} INR, {} shed{}{capped}",
                allocation.deficit_kwh,
                allocation.cost_inr,
                allocation.shed.len(),
                if allocation.shed.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", allocation.shed.join(", "))
                }
            );
            c.event(i, now_s, EventKind::Optimised, detail)
                .entities(allocation.shed.clone())
                .deficit_kwh(allocation.deficit_kwh)
                .amount_inr(allocation.cost_inr)
        })
        .await;

        let island = &self.islands[i];
        let on_chain = self.chain_allocation(
            i,
            outage_id(i, island.rounds),
            (island.base_interval, island.delivery_interval),
            &island.served,
            &island.shares,
        );
        // No peer-to-peer trade for the contract to check or pay: the relays are commanded at
        // once.
        if let Some(why) = on_chain.nothing_to_record() {
            self.log_event(|c| {
                let detail = format!("{why}: no allocation to record on chain");
                c.event(i, now_s, EventKind::AllocationRecorded, detail)
            })
            .await;
            self.command_relays(i, now_s).await;
            return;
        }
        self.islands[i].stage = Stage::Recording;
        self.islands[i].stage_started_s = now_s;
        self.islands[i].recorded = Some(on_chain.recorded_shares());
        self.submit(i, Call::RecordAllocation(on_chain)).await;
    }

    /// Every island's restoration [replier port, queried after the run].
    pub(super) async fn restorations(&mut self, _: ()) -> Vec<IslandRestoration> {
        self.islands.clone()
    }

    /// The deadline for island `i`'s readings of interval `k` has passed [private input port].
    #[nexosim(schedulable)]
    async fn reading_deadline(&mut self, (i, k): (usize, u64)) {
        self.deadline_passed(i, k).await;
    }

    /// Whether every island formed so far is settled or has failed, and every entity whose
    /// supply came back has reconnected [replier port].
    pub(super) async fn settled(&mut self, _: ()) -> bool {
        self.pending_reconnections == 0
            && self
                .islands
                .iter()
                .all(|i| matches!(i.stage, Stage::Done | Stage::Failed(_)))
    }

    /// Repairs returned the supply of some entities [input port]: they reconnect once the
    /// resynchronisation delay has passed ([`Coordinator::reconnected`]).
    pub(super) async fn supply_returned(&mut self, _: SupplyReturned) {
        self.pending_reconnections += 1;
    }

    /// Entities whose supply returned have reconnected, the resynchronisation delay past
    /// [input port].
    pub(super) async fn reconnected(&mut self, returned: SupplyReturned, cx: &Context<Self>) {
        self.pending_reconnections -= 1;
        self.reconnect(returned.entities, cx).await;
    }

    /// `entities` are on the grid again; an island all of whose entities are dissolves. A
    /// restoration waiting for its delivery interval ends with the island: the interval is no
    /// longer lived in the island, so that allocation's delivery cannot be checked and is not
    /// settled.
    async fn reconnect(&mut self, entities: Vec<EntityIndex>, cx: &Context<Self>) {
        let now_s = clock::seconds(cx.time());
        for e in entities {
            let Some(i) = self.island_of(e) else {
                continue;
            };
            self.islands[i].reconnected.push((e, now_s));
            let island = &mut self.islands[i];
            if island.reconnected.len() == island.entities.len() {
                if let Stage::Verifying { .. } = island.stage {
                    island.stage = Stage::Done;
                }
                self.log_event(|c| {
                    c.event(
                        i,
                        now_s,
                        EventKind::Reconnected,
                        "supply back, reconnected to the grid".into(),
                    )
                })
                .await;
            }
        }
    }

    async fn on_detection(
        &mut self,
        entity: EntityIndex,
        lost_at_s: f64,
        detected_at_s: f64,
        now_s: f64,
    ) {
        let Some(i) = self.island_of(entity) else {
            return;
        };
        if self.islands[i].stage != Stage::AwaitingDetection {
            return;
        }
        self.log_event(|c| {
            let id = c.id(entity);
            let detail = format!(
                "{id} reports loss of supply, detected {:.3} s after it",
                detected_at_s - lost_at_s
            );
            c.event(i, now_s, EventKind::OutageDetected, detail)
                .entities(vec![id])
        })
        .await;
        let island = &mut self.islands[i];
        island.phases.detection_s += detected_at_s - lost_at_s;
        island.phases.communication_s += now_s - detected_at_s;
        island.stage = Stage::Gathering {
            pending: island.entities.len(),
        };
        island.stage_started_s = now_s;
        for e in island.entities.clone() {
            self.to_network.send(Envelope::Meter(e)).await;
        }
    }

    async fn on_reading(&mut self, reading: Reading, now_s: f64, cx: &Context<Self>) {
        let entity = reading.entity;
        self.latest[entity as usize] = Some(reading.clone());
        let Some(i) = self.island_of(entity) else {
            return;
        };
        if self.islands[i].operation.started {
            self.operate_on_reading(i, reading, cx).await;
            return;
        }
        match self.islands[i].stage.clone() {
            Stage::Gathering { pending } if reading.requested => {
                if pending == self.islands[i].entities.len() {
                    self.islands[i].base_interval = reading.interval;
                }
                if pending > 1 {
                    self.islands[i].stage = Stage::Gathering {
                        pending: pending - 1,
                    };
                } else {
                    self.islands[i].phases.communication_s +=
                        now_s - self.islands[i].stage_started_s;
                    self.log_event(|c| {
                        let detail = "latest readings in".to_string();
                        c.event(i, now_s, EventKind::ReadingsGathered, detail)
                    })
                    .await;
                    self.put_on_chain(i, now_s).await;
                }
            }
            Stage::Verifying {
                mut pending,
                mut failed,
                mut last_read_at_s,
            } if !reading.requested && reading.interval == self.islands[i].delivery_interval => {
                let Some(position) = pending.iter().position(|&e| e == entity) else {
                    return;
                };
                pending.swap_remove(position);
                last_read_at_s = last_read_at_s.max(reading.read_at_s);
                if !self.delivered(i, &reading) {
                    failed.push(entity);
                }
                if !pending.is_empty() {
                    self.islands[i].stage = Stage::Verifying {
                        pending,
                        failed,
                        last_read_at_s,
                    };
                } else if failed.is_empty() {
                    self.settle(i, now_s).await;
                } else {
                    self.back_off(i, failed, last_read_at_s, now_s).await;
                }
            }
            _ => {}
        }
    }

    async fn on_switched(
        &mut self,
        entity: EntityIndex,
        command_received_at_s: f64,
        switched_at_s: f64,
        now_s: f64,
    ) {
        let Some(i) = self.island_of(entity) else {
            return;
        };
        let Stage::Switching { pending } = self.islands[i].stage else {
            return;
        };
        if pending > 1 {
            self.islands[i].stage = Stage::Switching {
                pending: pending - 1,
            };
            return;
        }
        // The last acknowledgement closes the stage: its command latency, actuation and
        // acknowledgement latency split the span.
        let island = &mut self.islands[i];
        island.phases.communication_s +=
            (command_received_at_s - island.stage_started_s) + (now_s - switched_at_s);
        island.phases.switching_s += switched_at_s - command_received_at_s;
        self.restored(i, now_s).await;
    }

    async fn restored(&mut self, i: usize, now_s: f64) {
        let island = &mut self.islands[i];
        island.restored_at_s = Some(now_s);
        island.stage_started_s = now_s;
        let pending: Vec<EntityIndex> = island
            .shares
            .iter()
            .filter(|s| s.is_owed())
            .map(|s| s.entity)
            .collect();
        island.stage = if pending.is_empty() {
            Stage::Done
        } else {
            Stage::Verifying {
                pending,
                failed: Vec::new(),
                last_read_at_s: now_s,
            }
        };
        if island.stage == Stage::Done {
            self.begin_operation(i, now_s);
        }
        self.log_event(|c| {
            let island = &c.islands[i];
            let detail = format!(
                "{} consumers supplied after {:.3} s",
                island.served.len(),
                now_s - island.fault_at_s
            );
            c.event(i, now_s, EventKind::Restored, detail)
        })
        .await;
    }

    /// Whether a prosumer's delivery-interval reading shows what the allocation counted on:
    /// its baseline plus its share, delivered or offered and curtailed by the island (its
    /// inverter reports the curtailment).
    fn delivered(&self, i: usize, reading: &Reading) -> bool {
        let Some(baseline_kwh) = self.baseline_kwh(i, reading.entity) else {
            return true;
        };
        let delta_kwh = self.islands[i]
            .shares
            .iter()
            .find(|s| s.entity == reading.entity)
            .map_or(0.0, |s| s.delta_kwh);
        reading.export_kwh + reading.curtailed_export_kwh + 1e-6 >= baseline_kwh + delta_kwh
    }

    /// The export the allocations of island `i` count on from prosumer `e` before any extra:
    /// what it can sustain of `Pe` with the generation and consumption of its base-interval
    /// reading (the one on chain, against which the contract checks delivery), kWh; `None` for
    /// other entities.
    fn baseline_kwh(&self, i: usize, e: EntityIndex) -> Option<f64> {
        let base = self.islands[i]
            .base_readings
            .iter()
            .find(|r| r.entity == e)?;
        self.config
            .entities
            .get(e)
            .is_prosumer()
            .then(|| baseline_of_reading(base))
    }

    async fn put_on_chain(&mut self, i: usize, now_s: f64) {
        let base_interval = self.islands[i].base_interval;
        let entities = self.islands[i].entities.clone();
        self.islands[i].stage = Stage::OnChain { pending: 0 };
        self.islands[i].stage_started_s = now_s;
        let mut calls = vec![
            Call::FindEntities(EntityKind::Prosumer),
            Call::FindEntities(EntityKind::Consumer),
        ];
        let mut base_readings = Vec::with_capacity(entities.len());
        for &e in &entities {
            let r = self.latest[e as usize]
                .as_ref()
                .expect("every entity of the island has reported");
            calls.push(Call::PostReading {
                meter: self.config.entities.meter_account(e),
                entity: self.config.entities.chain_id(e),
                interval: base_interval,
                reading: on_chain(r),
            });
            base_readings.push(r.clone());
        }
        self.islands[i].base_readings = base_readings;
        calls.push(Call::PowerBalance(base_interval));
        for &e in &entities {
            if self.config.entities.get(e).is_consumer() {
                calls.push(Call::ComputeTariff {
                    entity: self.config.entities.chain_id(e),
                    interval: base_interval,
                });
            }
        }
        self.islands[i].stage = Stage::OnChain {
            pending: calls.len(),
        };
        for call in calls {
            self.submit(i, call).await;
        }
    }

    async fn optimise(&mut self, i: usize, now_s: f64) {
        let island = &mut self.islands[i];
        island.rounds += 1;
        island.stage = Stage::Optimising;
        island.stage_started_s = now_s;
        // Every energy is that of the entity's reading put on chain for the base interval
        // (gathering waited for every meter of the island, so each has one): the operator
        // plans on the last interval it measured, in every round of the restoration, as the
        // contracts check the allocation against it.
        let readings: Vec<(Reading, bool)> = island
            .base_readings
            .iter()
            .map(|r| (r.clone(), true))
            .collect();
        let problem = self.problem_from(&readings, &|r| wh(r.consumption_kwh) as f64 / 1000.0);
        let c = &self.config;
        let island = &self.islands[i];
        // The scenario's back-off list says who will fail to deliver, which the operator only
        // learns from the readings: it excludes the prosumers it has seen back off.
        let settings = Settings {
            exclude: island
                .backed_off
                .iter()
                .map(|&e| c.entities.get(e).id.clone())
                .collect(),
            ..Settings::from_scenario(&c.scenario)
        };
        self.to_optimiser
            .send(OptimiseRequest {
                island: i,
                problem,
                settings,
            })
            .await;
    }

    /// Island `i`'s allocation as the coordinator tracks it: the prosumers' shares, the
    /// consumers served and those shed.
    fn split(
        &self,
        i: usize,
        allocation: &optimise::Allocation,
    ) -> (Vec<Share>, Vec<EntityIndex>, Vec<EntityIndex>) {
        let index_of = |id: &str| {
            self.config
                .entities
                .index_of(id)
                .expect("the optimiser answers with the island's ids")
        };
        let shares = allocation
            .prosumers
            .iter()
            .map(|p| Share {
                entity: index_of(&p.id),
                delta_kwh: p.delta_kwh,
                alpha: p.alpha,
                beta: p.beta,
                reward_inr: p.reward_prev_inr + p.reward_delta_inr + p.reward_extra_inr,
            })
            .collect();
        let shed: Vec<EntityIndex> = allocation.shed.iter().map(|id| index_of(id)).collect();
        let served = self.islands[i]
            .entities
            .iter()
            .copied()
            .filter(|&e| self.config.entities.get(e).is_consumer() && !shed.contains(&e))
            .collect();
        (shares, served, shed)
    }

    /// Island `i`'s allocation in the contracts' terms: `served` consumers, every supplier, a
    /// share for every prosumer of the island (zero for those without one), for the
    /// `(base, delivery)` intervals.
    fn chain_allocation(
        &self,
        i: usize,
        outage_id: u64,
        (base_interval, delivery_interval): (u64, u64),
        served: &[EntityIndex],
        shares: &[Share],
    ) -> chain::Allocation {
        let table = &self.config.entities;
        let island = &self.islands[i];
        chain::Allocation {
            outage_id,
            base_interval,
            delivery_interval,
            consumers: served.iter().map(|&c| table.chain_id(c)).collect(),
            suppliers: island
                .entities
                .iter()
                .filter(|&&e| table.get(e).is_supplier())
                .map(|&e| table.chain_id(e))
                .collect(),
            shares: island
                .entities
                .iter()
                .filter(|&&e| table.get(e).is_prosumer())
                .map(|&e| {
                    let share = shares.iter().find(|s| s.entity == e);
                    chain::Share {
                        prosumer: table.chain_id(e),
                        delta_wh: share.map_or(0, |s| share_wh(s.delta_kwh)),
                        alpha_ppm: share.map_or(0, |s| (s.alpha * 1e6).round() as u32),
                        beta_ppm: share.map_or(0, |s| (s.beta * 1e6).round() as u32),
                        reward_paise: share.map_or(0, |s| reward_paise(s.reward_inr)),
                    }
                })
                .collect(),
        }
    }

    /// The optimiser's problem from `readings` (each with whether it is on chain): what the
    /// operator registered comes from the scenario (ids, bounds, priorities, tariff schedules);
    /// every energy from the readings — a prosumer's `Pe` is its reading's export, its `PB`
    /// what its battery reported it can deliver, a consumer's demand `demand_of` its reading
    /// (its tariff priced on the reading on chain, none without one, as the contract prices
    /// it), the community supply the DERs' generation and the banks' net discharge. Entities
    /// without a reading are not in the problem. Energies are taken in whole Wh, as on chain.
    fn problem_from(
        &self,
        readings: &[(Reading, bool)],
        demand_of: &dyn Fn(&Reading) -> f64,
    ) -> optimise::Problem {
        let c = &self.config;
        let ids: BTreeSet<&str> = readings
            .iter()
            .map(|(r, _)| c.entities.get(r.entity).id.as_str())
            .collect();
        let mut problem =
            optimise::Problem::for_island(&c.scenario, |id| ids.contains(&id), 1.0, 1.0);
        let by_entity: BTreeMap<EntityIndex, &(Reading, bool)> =
            readings.iter().map(|pair| (pair.0.entity, pair)).collect();
        let reading = |id: &str| {
            let e = c
                .entities
                .index_of(id)
                .expect("the problem's ids are entities");
            by_entity[&e]
        };
        // The energies in whole Wh, as the readings on chain hold them, so that the
        // allocation covers the deficit the contract computes from those readings.
        let whole = |kwh: f64| wh(kwh) as f64 / 1000.0;
        for p in &mut problem.prosumers {
            let (r, _) = reading(&p.id);
            p.export_prev_kwh = whole(r.export_kwh);
            p.generation_kwh = whole(r.generation_kwh);
            p.battery_kwh = r.battery_available_kwh;
            p.consumption_kwh = whole(r.consumption_kwh);
        }
        for (consumer, input) in c
            .scenario
            .entities
            .consumers
            .iter()
            .filter(|x| ids.contains(&x.id.as_str()))
            .zip(&mut problem.consumers)
        {
            debug_assert_eq!(
                consumer.id, input.id,
                "the problem's consumers in scenario order"
            );
            let (r, on_chain) = reading(&input.id);
            // Never below its reading on chain, against which the contract checks the deficit.
            input.demand_kwh = if *on_chain {
                demand_of(r).max(whole(r.consumption_kwh))
            } else {
                demand_of(r)
            };
            // Priced on its reading on chain, as the contract prices it.
            input.tariff_inr = if *on_chain {
                c.scenario
                    .consumer_interval_tariff_inr(consumer, whole(r.consumption_kwh))
            } else {
                0.0
            };
        }
        problem.community_supply_kwh = readings
            .iter()
            .map(|(r, _)| r)
            .filter(|r| c.entities.get(r.entity).is_supplier())
            .fold(0.0, |sum, r| {
                sum + whole(r.generation_kwh) + whole(r.battery_discharge_kwh)
                    - whole(r.battery_charge_kwh)
            });
        problem
    }

    async fn command_relays(&mut self, i: usize, now_s: f64) {
        let island = &self.islands[i];
        let round = island.rounds;
        let mut commands = self.prosumer_actions(i, &island.shares, &|e| {
            self.baseline_kwh(i, e)
                .expect("shares belong to prosumers of the island")
        });
        if round == 1 {
            commands.extend(island.served.iter().map(|&c| (c, RelayAction::Close)));
        }
        self.log_event(|c| {
            let detail = format!("{} relays commanded", commands.len());
            c.event(i, now_s, EventKind::RelaysCommanded, detail)
        })
        .await;
        if commands.is_empty() {
            self.restored(i, now_s).await;
            return;
        }
        self.islands[i].stage = Stage::Switching {
            pending: commands.len(),
        };
        self.islands[i].stage_started_s = now_s;
        self.send_commands(i, round, commands, now_s).await;
    }

    /// The set-points to command for `shares` of island `i`: each prosumer's export is its
    /// baseline (`baseline_of`) plus its share, commanded when it has an extra and was never
    /// commanded, or when it differs from the set-point in force.
    fn prosumer_actions(
        &self,
        i: usize,
        shares: &[Share],
        baseline_of: &dyn Fn(EntityIndex) -> f64,
    ) -> Vec<(EntityIndex, RelayAction)> {
        let commanded = &self.islands[i].commanded;
        shares
            .iter()
            .filter_map(|s| {
                let setpoint_kwh = baseline_of(s.entity) + s.delta_kwh;
                let change = match commanded.setpoint_kwh.get(&s.entity) {
                    None => s.delta_kwh > 0.0,
                    Some(before) => (before - setpoint_kwh).abs() > SETPOINT_RESOLUTION_KWH,
                };
                change.then_some((
                    s.entity,
                    RelayAction::Export {
                        setpoint_kwh,
                        extra_kwh: s.delta_kwh,
                    },
                ))
            })
            .collect()
    }

    /// Sends `commands` of allocation `round` to island `i`'s RTDCCUs, to take effect at
    /// `effective_at_s`, and keeps them as the island's commanded state.
    async fn send_commands(
        &mut self,
        i: usize,
        round: u32,
        commands: Vec<(EntityIndex, RelayAction)>,
        effective_at_s: f64,
    ) {
        for (entity, action) in commands {
            let commanded = &mut self.islands[i].commanded;
            match action {
                RelayAction::Close => commanded.closed.insert(entity),
                RelayAction::Open => commanded.closed.remove(&entity),
                RelayAction::Export { setpoint_kwh, .. } => {
                    commanded.setpoint_kwh.insert(entity, setpoint_kwh);
                    true
                }
            };
            let command = RelayCommand {
                round,
                action,
                effective_at_s,
            };
            self.to_network
                .send(Envelope::Rtdccu(entity, command))
                .await;
        }
    }

    async fn back_off(
        &mut self,
        i: usize,
        failed: Vec<EntityIndex>,
        last_read_at_s: f64,
        now_s: f64,
    ) {
        self.log_event(|c| {
            let names: Vec<String> = failed.iter().map(|&e| c.id(e)).collect();
            let detail = format!(
                "{} did not deliver; re-optimising without them",
                names.join(", ")
            );
            c.event(i, now_s, EventKind::BackOffDetected, detail)
                .entities(names)
        })
        .await;
        let island = &mut self.islands[i];
        island.phases.verification_s += last_read_at_s - island.stage_started_s;
        island.phases.communication_s += now_s - last_read_at_s;
        island.backed_off.extend(failed);
        self.optimise(i, now_s).await;
    }

    /// Posts the delivery readings of island `i`'s prosumers owed a reward and settles its
    /// allocation in one transaction after them.
    async fn settle(&mut self, i: usize, now_s: f64) {
        let island = &self.islands[i];
        let delivery_interval = island.delivery_interval;
        let mut calls = Vec::new();
        for share in island.shares.iter().filter(|s| s.is_owed()) {
            let r = self.latest[share.entity as usize]
                .as_ref()
                .expect("the prosumer's delivery reading arrived");
            let baseline_kwh = self
                .baseline_kwh(i, share.entity)
                .expect("shares belong to prosumers of the island");
            // The meter measured the baseline plus the share; on chain the share is in the
            // same whole Wh as it was promised.
            let mut reading = on_chain(r);
            reading.export_wh = wh(baseline_kwh) + share_wh(share.delta_kwh);
            calls.push(Call::PostReading {
                meter: self.config.entities.meter_account(share.entity),
                entity: self.config.entities.chain_id(share.entity),
                interval: delivery_interval,
                reading,
            });
        }
        // Settled only if an allocation was recorded and it pays an owed share something (a
        // share whose reward the eq. 5 budget cut to nothing has nothing to pay).
        let table = &self.config.entities;
        if let Some(recorded) = island.recorded.as_ref().filter(|recorded| {
            island
                .shares
                .iter()
                .any(|s| s.is_owed() && recorded.rewards(table.chain_id(s.entity)))
        }) {
            calls.push(Call::Settle(recorded.clone()));
        }
        self.islands[i].stage = Stage::Settling {
            pending: calls.len(),
        };
        self.islands[i].stage_started_s = now_s;
        for call in calls {
            self.submit(i, call).await;
        }
    }

    /// Submits `call` for `island`'s restoration story.
    async fn submit(&mut self, island: usize, call: Call) {
        let pending = Pending {
            island,
            operation: None,
        };
        self.submit_pending(call, pending).await;
    }

    /// Submits `call`, keeping what its receipt will be for.
    async fn submit_pending(&mut self, call: Call, pending: Pending) {
        let id = self.next_tx;
        self.next_tx += 1;
        self.pending_tx.insert(id, pending);
        self.to_chain.send(Transaction { id, call }).await;
    }

    /// Stops island `i`'s restoration. A restoration an earlier round made does not hold once
    /// a later round fails (its prosumers did not deliver), so the island counts as not restored.
    fn fail(&mut self, i: usize, reason: FailureReason) {
        self.islands[i].restored_at_s = None;
        self.islands[i].stage = Stage::Failed(reason);
    }

    fn island_of(&self, entity: EntityIndex) -> Option<usize> {
        self.island_of_entity[entity as usize]
    }

    /// Entity `e`'s id.
    fn id(&self, e: EntityIndex) -> String {
        self.config.entities.get(e).id.clone()
    }

    /// The entity registered on chain as `id` (the chain pays only entities it registered).
    fn entity_of(&self, id: chain::EntityId) -> EntityIndex {
        chain::Accounts::index(id).expect("the chain pays registered entities")
    }

    /// An event about island `i` (its number and current round; the text names both).
    fn event(&self, i: usize, time_s: f64, kind: EventKind, detail: String) -> LogEvent {
        let island = &self.islands[i];
        let round = (island.rounds > 0).then_some(island.rounds);
        let prefix = match round {
            Some(r) => format!("island {} round {r}: ", island.number),
            None => format!("island {}: ", island.number),
        };
        LogEvent::new(time_s, "coordinator", kind, prefix + &detail).island(island.number, round)
    }

    /// Sends the event `make` builds, when the run records events: otherwise nothing is
    /// formatted.
    async fn log_event(&mut self, make: impl FnOnce(&Self) -> LogEvent) {
        if self.config.record_events {
            let event = make(self);
            self.log.send(event).await;
        }
    }
}

/// A prosumer's baseline export as its reading shows it: its export (`Pe`, the previous
/// export the contract reads on chain) as far as its generation and battery after its own load
/// sustain it (the optimiser's baseline, to the bit).
fn baseline_of_reading(r: &Reading) -> f64 {
    baseline_export_kwh(
        r.export_kwh,
        r.generation_kwh,
        r.battery_available_kwh,
        r.consumption_kwh,
    )
}

/// The on-chain outage id of island `i`'s allocation round `round` (one allocation per id).
fn outage_id(i: usize, round: u32) -> u64 {
    (i as u64 + 1) * 1_000 + u64::from(round)
}
