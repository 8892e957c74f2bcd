//! Discrete-event co-simulation of one outage on nexosim (docs/model.md §7, §9): meters report,
//! faults open lines, RTDCCUs detect the loss of supply, the coordinator gathers data over a
//! network with latency, the contracts run in revm at simulated block times, the optimiser
//! allocates, relays switch and consumers are restored; then each island is operated interval
//! by interval until the grid takes it back. The run's plant ([`crate::plant::island`], shared
//! by the models that touch it physically) is the truth the meters read.
//!
//! ```text
//!  FaultInjector ──supply lost──▶ Rtdccu (per entity) ──▶ NetworkLink ──▶ Coordinator
//!        └──────island formed, supply returned, reconnected────────────▶     │  ▲
//!  Meter (per entity) ──readings──▶ NetworkLink ──▶ Coordinator              │  │
//!  Coordinator ──requests, relay commands──▶ NetworkLink ──▶ Meter / Rtdccu  │  │
//!  Coordinator ──transactions──▶ ChainNode (revm) ──receipts────────────────────┘
//!  Coordinator ──problem──▶ Optimiser ──allocation──▶ Coordinator
//!  FaultInjector, Rtdccu, Meter ──form, switch, reconnect, read──▶ the run's plant
//! ```
//!
//! Each run is one single-threaded simulation (deterministic); every random draw comes from a
//! stream seeded by (run seed, purpose). A run simulates from one meter interval before the
//! first fault until every fault has struck and every island's story is complete — restored and
//! settled, or failed — even when that runs past the horizon, and until every fault repaired
//! within the horizon has brought its entities back onto the grid (after the resynchronisation
//! delay); an island no repair within the horizon ends is operated until the horizon. The
//! horizon bounds when faults strike and are repaired: a fault of the plan at or after it is not
//! simulated and makes the run censored; a repair at or after it is not simulated, and
//! consumers still out are counted out until the window ends. A story that cannot complete (a
//! message lost for good, timing the workflow cannot meet) is given up after [`story_limit_s`]
//! and makes the run censored too. [`Simulator`] holds what is built once per scenario — the
//! entity table, every entity's initial physical state, the topology and the deployed contracts
//! — and runs any [`RunPlan`].

mod coordinator;
#[cfg(test)]
mod coordinator_tests;
pub mod curve;
mod fault;
mod log;
mod messages;
mod meter;
mod network;
mod optimiser;
mod plan;
mod report;
mod rtdccu;
mod run_plant;
pub mod tables;

pub use coordinator::Phases;
pub use log::{EventKind, LogEvent};
pub use plan::{PlannedFault, RunPlan};
pub use report::{
    AllocationRow, ConsumerOutcome, FailureReason, NetworkSummary, OperationCounts, References,
    Resilience, RestoredBy, RunReport, RunStatus, SUSTAINED_AFTER_S,
};

use crate::chain::{Chain, ChainError};
use crate::engine::seed::{Purpose, stream};
use crate::engine::{WithEnv, clock, drain, step_until_done};
use crate::entity::EntityTable;
use crate::grid::Topology;
use crate::ledger::{self, ChainNode, NodeEnv};
use crate::plant::battery::BatteryError;
use crate::plant::bound::BoundError;
use crate::plant::island::{PlantError, PlantMember};
use crate::plant::island_network::NetworkModel;
use crate::plant::profile::{ProfileError, Profiles};
use crate::scenario::{Distribution, Mining, OptimiserTime, Scenario, ScenarioError};
use coordinator::{Coordinator, CoordinatorConfig};
use fault::FaultInjector;
use meter::Meter;
use network::NetworkLink;
use nexosim::ports::{QuerySource, SinkState, event_queue};
use nexosim::simulation::{Mailbox, SimInit};
use optimiser::Optimiser;
use report::SimulatedWindow;
use rtdccu::Rtdccu;
use run_plant::{PlantEnv, RunFactors, RunInputs, RunPlant};
use std::path::Path;
use std::sync::Arc;

/// Why a run could not be simulated.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// Deploying or configuring the contracts failed.
    #[error("setting up the contracts: {0}")]
    Chain(#[from] ChainError),
    /// The scenario cannot be simulated as it is.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The scenario's profiles cannot be built (a series file, a profile zero at the
    /// reference).
    #[error(transparent)]
    Profiles(#[from] ProfileError),
    /// An entity's battery cannot be built (its parameters out of their domain).
    #[error("entity {id}: {source}")]
    Battery {
        /// The entity's id.
        id: String,
        /// What is wrong.
        source: BatteryError,
    },
    /// The plant met an input it cannot settle.
    #[error(transparent)]
    Plant(#[from] PlantError),
    /// The perfect-information bound could not be computed.
    #[error(transparent)]
    Bound(#[from] BoundError),
    /// The discrete-event engine stopped with an error.
    #[error("simulation engine: {0}")]
    Engine(String),
}

/// What a run records besides its summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recording {
    /// Keep the event log (it costs a string per event).
    pub events: bool,
}

/// Everything built once per scenario; runs clone the deployed chain.
#[derive(Debug, Clone)]
pub struct Simulator {
    scenario: Scenario,
    entities: Arc<EntityTable>,
    /// Every entity's physical state at the start of a run (batteries at their initial state).
    members: Vec<PlantMember>,
    profiles: Arc<Profiles>,
    topology: Topology,
    chain: Chain,
    /// Whether each run computes the perfect-information bound (docs/model.md §11).
    bound: bool,
    /// The island power flow (`None`: the energy-only model, docs/model.md §13).
    network_model: Option<Arc<NetworkModel>>,
}

impl Simulator {
    /// Prepares `scenario` for simulation: the entity table, its profiles (series files
    /// relative to the current directory), the topology, and the contracts deployed and
    /// configured with its entities, meters and tariffs.
    pub fn new(scenario: &Scenario) -> Result<Self, SimError> {
        Simulator::with_profiles(scenario, Profiles::load(scenario, Path::new("."))?)
    }

    /// [`Simulator::new`] with `profiles` already built (`Profiles::load` with the directory of
    /// the scenario's file, against which its series paths are relative).
    pub fn with_profiles(scenario: &Scenario, profiles: Profiles) -> Result<Self, SimError> {
        let entities = EntityTable::new(scenario);
        let chain = ledger::deploy(scenario, &entities)?.chain;
        let interval_s = scenario.time.meter_interval_s;
        let members = entities
            .iter()
            .map(|(index, e)| {
                PlantMember::new(scenario, &entities, index, interval_s).map_err(|source| {
                    SimError::Battery {
                        id: e.id.clone(),
                        source,
                    }
                })
            })
            .collect::<Result<_, _>>()?;
        let entities = Arc::new(entities);
        let network_model = scenario.grid.uses_power_flow().then(|| {
            Arc::new(NetworkModel::new(
                Arc::new(scenario.clone()),
                scenario.grid.power_flow.voltage_band_pu,
            ))
        });
        Ok(Simulator {
            network_model,
            members,
            scenario: scenario.clone(),
            topology: Topology::new(scenario),
            entities,
            profiles: Arc::new(profiles),
            chain,
            bound: true,
        })
    }

    /// This simulator with the scenario's horizon set to `horizon_s` and nothing rebuilt: the
    /// profiles, entities and deployed contracts are shared. A survival study builds one
    /// simulator over a whole year and runs each start with a horizon just past its outage, so
    /// that a run realises only the intervals it simulates.
    pub fn with_horizon_s(&self, horizon_s: f64) -> Simulator {
        let mut simulator = self.clone();
        simulator.scenario.time.horizon_s = horizon_s;
        simulator
    }

    /// The same simulator without the perfect-information bound: its runs report none (a
    /// linear program per run, the larger part of a long run's cost, that a study reading only
    /// the simulated service — survival — does not need).
    pub fn without_bound(&self) -> Simulator {
        Simulator {
            bound: false,
            ..self.clone()
        }
    }

    /// The scenario simulated.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The same scenario with ideal timing (docs/model.md §11): messages arrive at once and
    /// are never lost, detection, optimisation and switching take no time, and the chain
    /// includes every transaction as soon as it is sent. The physics, the repair and the
    /// reconnection delay are unchanged; run it with [`RunPlan::with_ideal_timing`].
    pub fn with_ideal_timing(&self) -> Simulator {
        let mut ideal = self.clone();
        let s = &mut ideal.scenario;
        s.network.latency_s = Distribution::fixed(0.0);
        s.network.loss_probability = 0.0;
        s.timing.detection_delay_s = Distribution::fixed(0.0);
        s.timing.switching_delay_s = Distribution::fixed(0.0);
        s.timing.optimiser_time_s = OptimiserTime::Modelled(Distribution::fixed(0.0));
        s.chain.mining = Mining::Instant;
        s.chain.block_interval_s = None;
        let times = &mut s.chain.service_time_s;
        for t in [
            &mut times.find_entities,
            &mut times.power_data,
            &mut times.power_balance,
            &mut times.tariff_computation,
            &mut times.optimisation_handler,
        ] {
            *t = Distribution::fixed(0.0);
        }
        s.monte_carlo.back_off_probability = 0.0;
        ideal
    }

    /// Runs `plan`, then again on `ideal` ([`Simulator::with_ideal_timing`] of this simulator,
    /// best [`Simulator::without_bound`]: only its service is read) with ideal timing, and reports the second run's service as the first's
    /// `references.ideal_timing`: the gap to the bound split into timing and allocation rule.
    pub fn run_with_gap_split(
        &self,
        ideal: &Simulator,
        plan: &RunPlan,
        recording: Recording,
    ) -> Result<RunReport, SimError> {
        let mut report = self.run(plan, recording)?;
        let ideal_run = ideal.run(&plan.with_ideal_timing(), Recording::default())?;
        report.references.ideal_timing = Some(ideal_run.references.peer_to_peer);
        Ok(report)
    }

    /// Simulates one run of `plan` until every island's story is complete (past the horizon if
    /// need be) or the run is censored (see the module docs).
    pub fn run(&self, plan: &RunPlan, recording: Recording) -> Result<RunReport, SimError> {
        let s = &self.scenario;
        let n = self.entities.len();
        let seed = plan.seed;
        // Mailboxes big enough for one message per entity and kind in the same instant.
        let wide = 4 * n + 64;

        let network_box = Mailbox::with_capacity(wide);
        let coordinator_box = Mailbox::with_capacity(wide);
        let chain_box = Mailbox::with_capacity(wide);
        let optimiser_box = Mailbox::new();
        let fault_box = Mailbox::new();
        let meter_boxes: Vec<Mailbox<Meter>> = (0..n).map(|_| Mailbox::with_capacity(8)).collect();
        let rtdccu_boxes: Vec<Mailbox<Rtdccu>> =
            (0..n).map(|_| Mailbox::with_capacity(8)).collect();

        let (log_writer, mut log_reader) = event_queue(if recording.events {
            SinkState::Enabled
        } else {
            SinkState::Disabled
        });
        let (receipt_writer, mut receipt_reader) = event_queue(SinkState::Enabled);

        let mut network = NetworkLink::new(
            &s.network,
            plan.latency_factor,
            n,
            stream(seed, Purpose::Network),
        );
        // Faults at or after the horizon never strike in the window: the run is censored.
        // Repairs at or after it are not simulated either: whoever is still out then is
        // censored at the window's end.
        let (mut in_window, after): (Vec<_>, Vec<_>) = plan
            .faults
            .iter()
            .cloned()
            .partition(|f| f.at_s < s.time.horizon_s);
        for fault in &mut in_window {
            if fault.repaired_at_s >= s.time.horizon_s {
                fault.repaired_at_s = f64::INFINITY;
            }
        }
        let interval_s = s.time.meter_interval_s;
        let window = Window::of(&in_window, interval_s, s.time.horizon_s);
        // The run steps an interval at a time until every fault has struck and been repaired
        // within the window, every island's story is over and every entity whose supply came
        // back has reconnected: after that nothing the run reports can change. A story still
        // going at the limit will not end: the run stops there, censored.
        let limit_s = s
            .time
            .horizon_s
            .max(window.last_fault_s + story_limit_s(s))
            .max(window.last_repair_s + plan.resync_delay_s + interval_s);
        // Every entity's energies, realised from the interval before the window's start to a
        // few after the last fault or repair; a story that goes further grows the window.
        let first_interval = ((window.start_s / interval_s).floor() as u64).saturating_sub(1);
        let expected_end_s = s
            .time
            .horizon_s
            .max(window.last_fault_s)
            .max(window.last_repair_s + plan.resync_delay_s)
            .min(limit_s);
        let inputs = RunInputs::new(
            Arc::clone(&self.profiles),
            Arc::clone(&self.entities),
            RunFactors {
                run_seed: seed,
                interval_s,
                weather_factor: plan.weather_factor,
                demand_factor: plan.demand_factor,
                wind_weather: s.monte_carlo.weather_factor.clone(),
            },
            first_interval..(expected_end_s / interval_s).ceil() as u64 + 4,
        );
        let plant = Arc::new(RunPlant::new(
            inputs,
            &self.members,
            window.start_s,
            self.network_model.clone(),
        ));
        let plant_env = || PlantEnv {
            plant: Arc::clone(&plant),
        };
        let mut faults = FaultInjector::new(
            self.topology.clone(),
            in_window.clone(),
            self.entities.as_slice().iter().map(|e| e.node).collect(),
            plan.resync_delay_s,
        );
        let mut coordinator = Coordinator::new(CoordinatorConfig {
            scenario: s.clone(),
            entities: (*self.entities).clone(),
            record_events: recording.events,
            reading_deadline_s: s.network.retry_timeout_s * f64::from(s.network.max_retries + 1),
            load_shapes: Some(Arc::clone(&self.profiles)),
        });
        let mut chain = ChainNode::new(
            &s.chain,
            plan.block_interval_s,
            stream(seed, Purpose::Chain),
        );
        let mut optimiser = Optimiser::new(
            s.timing.optimiser_time_s.clone(),
            stream(seed, Purpose::Optimiser),
        );
        let mut meters = Vec::with_capacity(n);
        let mut rtdccus = Vec::with_capacity(n);
        for (index, entity) in self.entities.iter() {
            let i = index as usize;
            let mut meter = Meter::new(index, entity.profile.clone(), interval_s);
            let mut rtdccu = Rtdccu::new(
                index,
                s.timing.detection_delay_s.clone(),
                s.timing.switching_delay_s.clone(),
                plan.back_off.contains(&entity.id),
                stream(seed, Purpose::Rtdccu(index)),
            );
            meter.to_network.connect(NetworkLink::send, &network_box);
            rtdccu.to_network.connect(NetworkLink::send, &network_box);
            faults.supply_lost[i].connect(Rtdccu::supply_lost, &rtdccu_boxes[i]);
            network.to_rtdccu[i].connect(Rtdccu::command, &rtdccu_boxes[i]);
            network.to_meter[i].connect(Meter::request, &meter_boxes[i]);
            meters.push(meter);
            rtdccus.push(rtdccu);
        }
        faults
            .island_formed
            .connect(Coordinator::island_formed, &coordinator_box);
        faults
            .supply_returned
            .connect(Coordinator::supply_returned, &coordinator_box);
        faults
            .reconnected
            .connect(Coordinator::reconnected, &coordinator_box);
        network
            .to_coordinator
            .connect(Coordinator::report, &coordinator_box);
        coordinator
            .to_network
            .connect(NetworkLink::send, &network_box);
        coordinator.to_chain.connect(ChainNode::submit, &chain_box);
        coordinator
            .to_optimiser
            .connect(Optimiser::solve, &optimiser_box);
        optimiser
            .response
            .connect(Coordinator::optimised, &coordinator_box);
        chain
            .receipt
            .connect(Coordinator::receipt, &coordinator_box);
        chain.receipt.connect_sink(receipt_writer);
        if recording.events {
            network.log.connect_sink(log_writer.clone());
            faults.log.connect_sink(log_writer.clone());
            coordinator.log.connect_sink(log_writer);
        }

        let mut bench = SimInit::with_num_threads(1);
        let restorations = QuerySource::new()
            .connect(Coordinator::restorations, &coordinator_box)
            .register(&mut bench);
        let settled = QuerySource::new()
            .connect(Coordinator::settled, &coordinator_box)
            .register(&mut bench);
        bench = bench
            .add_model(network, network_box, "network")
            .add_model(WithEnv(faults, plant_env()), fault_box, "faults")
            .add_model(coordinator, coordinator_box, "coordinator")
            .add_model(
                WithEnv(chain, NodeEnv::new(self.chain.clone())),
                chain_box,
                "chain",
            )
            .add_model(optimiser, optimiser_box, "optimiser");
        let models = meters.into_iter().zip(rtdccus);
        let boxes = meter_boxes.into_iter().zip(rtdccu_boxes);
        for (i, ((meter, rtdccu), (meter_box, rtdccu_box))) in models.zip(boxes).enumerate() {
            bench = bench
                .add_model(WithEnv(meter, plant_env()), meter_box, &format!("meter{i}"))
                .add_model(
                    WithEnv(rtdccu, plant_env()),
                    rtdccu_box,
                    &format!("rtdccu{i}"),
                );
        }
        let engine = |e: &dyn std::fmt::Display| SimError::Engine(e.to_string());
        let mut simulation = bench
            .init(clock::at(window.start_s))
            .map_err(|e| engine(&e))?;
        let stopped_at_s = step_until_done(
            &mut simulation,
            &settled,
            window.start_s,
            interval_s,
            if window.unrepaired {
                // An island no repair within the window ends operates until the horizon.
                window.last_fault_s.max(s.time.horizon_s)
            } else {
                window.last_fault_s.max(window.last_repair_s)
            },
            limit_s,
        )
        .map_err(|e| engine(&e))?
        .at_s();
        let restorations = simulation
            .process_query(&restorations, ())
            .map_err(|e| engine(&e))?;
        drop(simulation);

        let receipts = drain(&mut receipt_reader);
        let mut events = drain(&mut log_reader);
        events.sort_by(|a, b| a.time_s.total_cmp(&b.time_s));
        let simulated = SimulatedWindow {
            horizon_s: s.time.horizon_s,
            end_s: stopped_at_s.max(s.time.horizon_s),
            stopped_at_s,
            fault_after_horizon_s: after.iter().map(|f| f.at_s).reduce(f64::min),
        };
        // The plant to the window's end: interruptions still running are censored there.
        let outcome = plant.finish(simulated.end_s, self.bound)?;
        Ok(RunReport::new(
            plan.clone(),
            &self.entities,
            &simulated,
            &restorations,
            receipts,
            events,
            outcome,
        ))
    }
}

/// How long after the last fault a run waits for every island's story to end, s. A story has
/// at most one allocation round per prosumer plus the first (each back-off excludes at least
/// one prosumer), and a round ends by the reading of its delivery interval, at most three meter
/// intervals after its allocation; detection, gathering and settlement take one more interval
/// at most when the timing passes `validate`.
pub fn story_limit_s(scenario: &Scenario) -> f64 {
    let rounds = scenario.entities.prosumers.len() as f64 + 1.0;
    (3.0 * rounds + 1.0) * scenario.time.meter_interval_s
}

/// The stretch of simulated time a run needs.
struct Window {
    /// Start: one whole meter interval before the first fault, so the coordinator has a
    /// complete reading of every meter when the outage strikes.
    start_s: f64,
    /// The last fault; the run cannot end before it.
    last_fault_s: f64,
    /// The last repair within the window (0 without one); the run cannot end before it.
    last_repair_s: f64,
    /// Whether a fault within the window is not repaired within it.
    unrepaired: bool,
}

impl Window {
    fn of(faults: &[PlannedFault], interval_s: f64, horizon_s: f64) -> Self {
        let first_s = faults.iter().map(|f| f.at_s).fold(horizon_s, f64::min);
        let last_fault_s = faults.iter().map(|f| f.at_s).fold(0.0, f64::max);
        let last_repair_s = faults
            .iter()
            .map(|f| f.repaired_at_s)
            .filter(|t| t.is_finite())
            .fold(0.0, f64::max);
        let start_s = (((first_s / interval_s).floor() - 1.0) * interval_s).max(0.0);
        Window {
            start_s,
            last_fault_s,
            last_repair_s,
            unrepaired: faults.iter().any(|f| !f.repaired_at_s.is_finite()),
        }
    }
}
