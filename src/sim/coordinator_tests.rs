//! The restoration coordinator alone on a nexosim bench: the test plays every other model. Event
//! sources feed its input ports (the island formed, meter readings and RTDCCU reports, the
//! optimiser's answers, the chain node's receipts) and event queues collect what it sends to the
//! network, the chain node and the optimiser, so each step of the workflow (docs/model.md §7) is
//! checked message by message.
//!
//! Event sources carry serialisable values; a port whose message is not serialisable is fed
//! through `map_connect` from a description of it (an answer for a receipt, the request for the
//! optimiser, which the test solves as the optimiser model does).

use super::coordinator::{Coordinator, CoordinatorConfig, IslandRestoration, Stage};
use super::messages::{
    EntityIndex, Envelope, IslandFormed, OptimiseRequest, OptimiseResponse, Reading, RelayAction,
    RelayCommand, Report,
};
use super::report::FailureReason;
use crate::chain::{self, AllocationRecord, EntityKind};
use crate::engine::{clock, drain};
use crate::entity::{EntityTable, Profile, baseline_export_kwh};
use crate::ledger::{Call, Function, Outcome, Receipt, Transaction};
use crate::optimise::{self, Problem, Settings};
use crate::scenario::{self, NodeId, Scenario};
use nexosim::ports::{EventQueueReader, EventSource, QuerySource, SinkState, event_queue};
use nexosim::simulation::{EventId, Mailbox, QueryId, SimInit, Simulation};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// campus13's island after the faults on lines 3–4 and 6–7: nodes 4 and 7–13, with P1–P5
/// (entities 0–4) and C1–C3 (5–7); DER1 (entity 8, node 6) stays on the utility's side.
const ISLAND_NODES: [NodeId; 8] = [4, 7, 8, 9, 10, 11, 12, 13];
const ISLAND: [EntityIndex; 8] = [0, 1, 2, 3, 4, 5, 6, 7];
const CONSUMERS: [EntityIndex; 3] = [5, 6, 7];
/// The faults strike at noon; meters read every 900 s.
const FAULT_S: f64 = 43_200.0;
const INTERVAL_S: f64 = 900.0;

/// How a transaction ended, as the test's chain node answers it.
#[derive(Debug, Clone, Serialize, Deserialize)]
enum Answer {
    /// Success with nothing to return.
    Done,
    /// The allocation passed the contract's checks.
    Recorded,
    /// A settlement's payments: (prosumer's chain id, paise).
    Settled(Vec<(u32, u64)>),
    /// The contract rejected it.
    Reverted(String),
}

/// A settlement paying every share of `recorded` `paise`.
fn pay_every_share(recorded: &chain::RecordedShares, paise: u64) -> Answer {
    Answer::Settled(
        recorded
            .shares
            .iter()
            .map(|s| (s.prosumer.0, paise))
            .collect(),
    )
}

/// The chain node's receipt for transaction `id` of `function`, answered `answer`.
fn receipt(&(id, function, ref answer): &(u64, Function, Answer)) -> Receipt {
    let outcome = match answer {
        Answer::Done => Outcome::Done,
        Answer::Recorded => Outcome::Allocation(AllocationRecord {
            deficit_wh: 257_000,
            covered_wh: 257_000,
            rewards_paise: 0,
            budget_paise: 0,
        }),
        Answer::Settled(paid) => Outcome::Settled(chain::Settlement {
            paid: paid
                .iter()
                .map(|&(id, reward_paise)| chain::Payment {
                    prosumer: chain::EntityId(id),
                    account: chain::Address::ZERO,
                    reward_paise,
                })
                .collect(),
            short: Vec::new(),
        }),
        Answer::Reverted(reason) => Outcome::Reverted(reason.clone()),
    };
    Receipt {
        id,
        function,
        outcome,
        gas_used: 0,
        submitted_at_s: 0.0,
        processed_at_s: 0.0,
        included_at_s: 0.0,
        confirmed_at_s: 0.0,
        block: 0,
    }
}

/// What the optimiser model answers to `request`: the same solve, at once.
fn optimiser_answer((island, problem, settings): &(usize, Problem, Settings)) -> OptimiseResponse {
    OptimiseResponse {
        island: *island,
        result: optimise::solve(problem, settings),
        wall_clock_us: 0,
    }
}

/// The coordinator of a campus13 run (factors of 1) on a bench of its own, with the test's
/// sources on its inputs and queues on its outputs.
struct Bench {
    simulation: Simulation,
    entities: EntityTable,
    island_formed: EventId<(usize, Vec<NodeId>, Vec<EntityIndex>, f64)>,
    report: EventId<Report>,
    optimised: EventId<(usize, Problem, Settings)>,
    receipt: EventId<(u64, Function, Answer)>,
    restorations: QueryId<(), Vec<IslandRestoration>>,
    to_network: EventQueueReader<Envelope>,
    to_chain: EventQueueReader<Transaction>,
    to_optimiser: EventQueueReader<OptimiseRequest>,
}

/// Prosumer `e`'s baseline export with its scenario energies (its nominal reading).
fn nominal_baseline_kwh(entities: &EntityTable, e: EntityIndex) -> f64 {
    let Profile::Prosumer {
        export_prev_kwh,
        generation_kwh,
        battery_kwh,
        consumption_kwh,
    } = entities.get(e).profile
    else {
        panic!("{e} is not a prosumer")
    };
    baseline_export_kwh(
        export_prev_kwh,
        generation_kwh,
        battery_kwh,
        consumption_kwh,
    )
}

impl Bench {
    /// The bench, its clock at one meter interval before the faults.
    fn new() -> Self {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/campus13.yaml");
        let scenario: Scenario = scenario::load(&path).unwrap();
        let entities = EntityTable::new(&scenario);
        let mut coordinator = Coordinator::new(CoordinatorConfig {
            scenario,
            entities: entities.clone(),
            record_events: false,
            reading_deadline_s: 6.0,
            load_shapes: None,
        });
        let (network_writer, to_network) = event_queue(SinkState::Enabled);
        let (chain_writer, to_chain) = event_queue(SinkState::Enabled);
        let (optimiser_writer, to_optimiser) = event_queue(SinkState::Enabled);
        coordinator.to_network.connect_sink(network_writer);
        coordinator.to_chain.connect_sink(chain_writer);
        coordinator.to_optimiser.connect_sink(optimiser_writer);

        let mailbox = Mailbox::new();
        let mut bench = SimInit::with_num_threads(1);
        let island_formed = EventSource::new()
            .map_connect(
                |(number, nodes, entities, at_s): &(usize, Vec<NodeId>, Vec<EntityIndex>, f64)| {
                    IslandFormed {
                        number: *number,
                        nodes: nodes.clone(),
                        entities: entities.clone(),
                        at_s: *at_s,
                    }
                },
                Coordinator::island_formed,
                &mailbox,
            )
            .register(&mut bench);
        let report = EventSource::new()
            .connect(Coordinator::report, &mailbox)
            .register(&mut bench);
        let optimised = EventSource::new()
            .map_connect(optimiser_answer, Coordinator::optimised, &mailbox)
            .register(&mut bench);
        let receipt = EventSource::new()
            .map_connect(receipt, Coordinator::receipt, &mailbox)
            .register(&mut bench);
        let restorations = QuerySource::new()
            .connect(Coordinator::restorations, &mailbox)
            .register(&mut bench);
        let simulation = bench
            .add_model(coordinator, mailbox, "coordinator")
            .init(clock::at(FAULT_S - INTERVAL_S))
            .unwrap();
        Bench {
            simulation,
            entities,
            island_formed,
            report,
            optimised,
            receipt,
            restorations,
            to_network,
            to_chain,
            to_optimiser,
        }
    }

    /// Moves the clock to `t_s`.
    fn at(&mut self, t_s: f64) {
        self.simulation.step_until(clock::at(t_s)).unwrap();
    }

    fn report(&mut self, report: Report) {
        self.simulation.process_event(&self.report, report).unwrap();
    }

    fn receipt(&mut self, id: u64, function: Function, answer: Answer) {
        let receipt = (id, function, answer);
        self.simulation
            .process_event(&self.receipt, receipt)
            .unwrap();
    }

    /// Entity `e`'s nominal reading of `interval`, read at the current time: supplied
    /// throughout, a prosumer's battery able to give its `PB`.
    fn reading(&self, e: EntityIndex, interval: u64, requested: bool) -> Report {
        let entity = self.entities.get(e);
        let r = entity.nominal_reading();
        let kwh = |wh: u64| wh as f64 / 1000.0;
        let battery_available_kwh = match entity.profile {
            Profile::Prosumer { battery_kwh, .. } => battery_kwh,
            _ => 0.0,
        };
        Report::Reading(Reading {
            entity: e,
            interval,
            read_at_s: clock::seconds(self.simulation.time()),
            requested,
            generation_kwh: kwh(r.generation_wh),
            consumption_kwh: kwh(r.consumption_wh),
            export_kwh: kwh(r.export_wh),
            battery_charge_kwh: kwh(r.battery_charge_wh),
            battery_discharge_kwh: kwh(r.battery_discharge_wh),
            supplied_s: 900.0,
            battery_available_kwh,
            curtailed_export_kwh: 0.0,
        })
    }

    /// The only island's restoration as the coordinator reports it.
    fn restoration(&mut self) -> IslandRestoration {
        let mut all = self
            .simulation
            .process_query(&self.restorations, ())
            .unwrap();
        assert_eq!(all.len(), 1);
        all.remove(0)
    }

    /// Every meter's periodic reading before the faults, the island formed at noon and its
    /// detection: the coordinator asks every meter of the island for a reading.
    fn detect(&mut self) {
        // Every meter's periodic reading at 42 300 s, of interval 46 ([41 400, 42 300) s).
        for e in 0..self.entities.len() as EntityIndex {
            self.report(self.reading(e, 46, false));
        }
        self.at(FAULT_S);
        let island = (1, ISLAND_NODES.to_vec(), ISLAND.to_vec(), FAULT_S);
        self.simulation
            .process_event(&self.island_formed, island)
            .unwrap();
        assert!(drain(&mut self.to_network).is_empty(), "nothing to do yet");

        // C1's RTDCCU reports first: the coordinator asks every meter of the island for a
        // reading, in the island's order; a second detection changes nothing.
        self.at(FAULT_S + 0.5);
        for entity in [5, 0] {
            self.report(Report::OutageDetected {
                entity,
                lost_at_s: FAULT_S,
                detected_at_s: FAULT_S + 0.3,
            });
        }
        let requests: Vec<Envelope> = ISLAND.iter().map(|&e| Envelope::Meter(e)).collect();
        assert_eq!(drain(&mut self.to_network), requests);
    }

    /// Entity `e`'s nominal reading of interval 47, as its meter answers a request.
    fn requested_reading(&self, e: EntityIndex) -> Reading {
        let Report::Reading(reading) = self.reading(e, 47, true) else {
            unreachable!()
        };
        reading
    }

    /// Takes the run to the optimiser: every meter's periodic reading, the island formed at
    /// noon, its detection, the requested readings (each passed through `gathered` first), and
    /// the receipts of everything put on chain. Returns the request the optimiser receives.
    fn run_to_request(&mut self, gathered: impl Fn(Reading) -> Reading) -> OptimiseRequest {
        self.detect();
        // The requested readings come in; with the last, the island's readings, its balance
        // and its consumers' tariffs go on chain, in that order, numbered from 1.
        self.at(FAULT_S + 1.0);
        for e in ISLAND {
            assert!(
                drain(&mut self.to_chain).is_empty(),
                "not before the last reading"
            );
            self.report(Report::Reading(gathered(self.requested_reading(e))));
        }
        let submitted = drain(&mut self.to_chain);
        let functions: Vec<Function> = submitted.iter().map(|t| t.call.function()).collect();
        let mut expected = vec![Function::FindEntities; 2];
        expected.extend([Function::PowerData; 8]);
        expected.push(Function::PowerBalance);
        expected.extend([Function::TariffComputation; 3]);
        assert_eq!(functions, expected);
        let ids: Vec<u64> = submitted.iter().map(|t| t.id).collect();
        assert_eq!(ids, (1..=14).collect::<Vec<_>>());
        assert!(matches!(
            submitted[0].call,
            Call::FindEntities(EntityKind::Prosumer)
        ));
        // The readings posted are those of the interval the gathering read: 47, which ended
        // at noon.
        assert!(submitted.iter().all(|t| match &t.call {
            Call::PostReading { interval, .. } | Call::ComputeTariff { interval, .. } =>
                *interval == 47,
            Call::PowerBalance(interval) => *interval == 47,
            _ => true,
        }));

        // Only the last receipt sends the island to the optimiser.
        self.at(FAULT_S + 10.0);
        for t in &submitted {
            assert!(
                drain(&mut self.to_optimiser).is_empty(),
                "not before every receipt"
            );
            self.receipt(t.id, t.call.function(), Answer::Done);
        }
        let mut requests = drain(&mut self.to_optimiser);
        assert_eq!(requests.len(), 1);
        let request = requests.remove(0);
        assert_eq!(request.island, 0);
        request
    }

    /// Takes the run to the allocation: [`Bench::run_to_request`] with the nominal readings,
    /// then the optimiser's answer. Returns the allocation and the id of the transaction that
    /// records it.
    fn run_to_allocation(&mut self) -> (optimise::Allocation, u64) {
        let request = self.run_to_request(|reading| reading);
        assert!(request.settings.exclude.is_empty(), "nobody backed off yet");
        assert_eq!(request.problem.prosumers.len(), 5);

        // The optimiser's answer is recorded on chain as transaction 15.
        self.at(FAULT_S + 11.0);
        let allocation = optimise::solve(&request.problem, &request.settings).unwrap();
        let forwarded = (request.island, request.problem, request.settings);
        self.simulation
            .process_event(&self.optimised, forwarded)
            .unwrap();
        let recorded = drain(&mut self.to_chain);
        assert_eq!(recorded.len(), 1);
        assert_eq!(recorded[0].id, 15);
        assert!(matches!(recorded[0].call, Call::RecordAllocation(_)));
        assert!(
            drain(&mut self.to_network).is_empty(),
            "no relay before the record"
        );
        assert_eq!(self.restoration().stage, Stage::Recording);
        (allocation, recorded[0].id)
    }
}

/// The whole story of one island: detection, gathering, chain, optimiser, relays (prosumers
/// with extra export first, then the consumers), delivery checked at the delivery interval and
/// every owed prosumer settled.
#[test]
fn the_coordinator_restores_an_island_step_by_step() {
    let mut bench = Bench::new();
    let (allocation, record) = bench.run_to_allocation();

    // The record confirmed, the relays are commanded: each prosumer with an extra export its
    // share, then every served consumer back on.
    bench.at(FAULT_S + 20.0);
    bench.receipt(record, Function::OptimisationHandler, Answer::Recorded);
    let entities = bench.entities.clone();
    let index = |id: &str| entities.index_of(id).unwrap();
    let mut expected: Vec<Envelope> = allocation
        .prosumers
        .iter()
        .filter(|p| p.delta_kwh > 0.0)
        .map(|p| {
            let command = RelayCommand {
                round: 1,
                action: RelayAction::Export {
                    setpoint_kwh: nominal_baseline_kwh(&entities, index(&p.id)) + p.delta_kwh,
                    extra_kwh: p.delta_kwh,
                },
                effective_at_s: FAULT_S + 20.0,
            };
            Envelope::Rtdccu(index(&p.id), command)
        })
        .collect();
    assert!(
        !expected.is_empty(),
        "campus13's deficit needs extra export"
    );
    expected.extend(CONSUMERS.iter().map(|&c| {
        let command = RelayCommand {
            round: 1,
            action: RelayAction::Close,
            effective_at_s: FAULT_S + 20.0,
        };
        Envelope::Rtdccu(c, command)
    }));
    let commands = drain(&mut bench.to_network);
    assert_eq!(commands, expected);

    // Every relay acknowledges; with the last the island is restored, and delivery is checked
    // at the interval after next (interval 50 of [45 000, 45 900) s).
    bench.at(FAULT_S + 21.0);
    for command in &commands {
        let Envelope::Rtdccu(entity, _) = command else {
            unreachable!()
        };
        assert_eq!(bench.restoration().restored_at_s, None);
        bench.report(Report::Switched {
            entity: *entity,
            command_received_at_s: FAULT_S + 20.1,
            switched_at_s: FAULT_S + 20.5,
        });
    }
    let island = bench.restoration();
    assert_eq!(island.restored_at_s, Some(FAULT_S + 21.0));
    let Stage::Verifying { pending, .. } = &island.stage else {
        panic!("verifying delivery, not {:?}", island.stage)
    };
    assert_eq!(pending.len(), 5, "every prosumer is paid at least R_prev");
    assert_eq!(island.served, CONSUMERS);
    assert!(island.shed.is_empty());

    // The delivery-interval readings show each prosumer's baseline plus its share: each is
    // settled with its reading posted first.
    bench.at(46_800.0);
    for &e in &ISLAND[..5] {
        let share = allocation.prosumers.iter().find(|p| index(&p.id) == e);
        let Report::Reading(mut reading) = bench.reading(e, 50, false) else {
            unreachable!()
        };
        let Profile::Prosumer {
            export_prev_kwh,
            battery_kwh,
            ..
        } = entities.get(e).profile
        else {
            unreachable!("the island's first five entities are its prosumers")
        };
        let baseline_kwh = baseline_export_kwh(
            export_prev_kwh,
            reading.generation_kwh,
            battery_kwh,
            reading.consumption_kwh,
        );
        reading.export_kwh = baseline_kwh + share.map_or(0.0, |p| p.delta_kwh);
        bench.report(Report::Reading(reading));
    }
    let settlements = drain(&mut bench.to_chain);
    let functions: Vec<Function> = settlements.iter().map(|t| t.call.function()).collect();
    // Five delivery readings, then one settlement of the allocation recorded.
    let mut expected = vec![Function::PowerData; 5];
    expected.push(Function::OptimisationHandler);
    assert_eq!(functions, expected);
    let Call::Settle(recorded) = &settlements[5].call else {
        panic!("the last is the settlement");
    };
    assert_eq!(recorded.outage_id, 1001);
    assert_eq!(recorded.shares.len(), 5);
    assert!(drain(&mut bench.to_network).is_empty());

    // Settled: every credit counted, the story over.
    bench.at(46_810.0);
    for t in &settlements {
        let answer = match &t.call {
            Call::Settle(recorded) => pay_every_share(recorded, 100),
            _ => Answer::Done,
        };
        bench.receipt(t.id, t.call.function(), answer);
    }
    let island = bench.restoration();
    assert_eq!(island.stage, Stage::Done);
    assert_eq!(island.rounds, 1);
    assert_eq!(island.rewards_paid_inr, 5.0);
}

/// A reverted allocation record stops the island's story: it fails with the contract's
/// reason, and no relay is ever commanded.
#[test]
fn a_reverted_allocation_fails_the_island_without_switching() {
    let mut bench = Bench::new();
    let (_, record) = bench.run_to_allocation();
    bench.at(FAULT_S + 20.0);
    let reason = "AllocationOverBudget { rewardsPaise: 2, budgetPaise: 1 }";
    let answer = Answer::Reverted(reason.to_string());
    bench.receipt(record, Function::OptimisationHandler, answer);
    let island = bench.restoration();
    assert_eq!(
        island.stage,
        Stage::Failed(FailureReason::ContractRevert {
            function: "OptimisationHandler".into(),
            reason: reason.into(),
        })
    );
    assert_eq!(island.restored_at_s, None);
    assert!(drain(&mut bench.to_network).is_empty());
    assert!(drain(&mut bench.to_chain).is_empty());
}

/// The optimiser plans on the readings the coordinator received, not on the scenario: P1's
/// meter reads 700 kWh of generation (the scenario says 862) and C2's 900 kWh of demand (800),
/// and the problem carries exactly those; C2's tariff is priced on what its meter read.
#[test]
fn the_optimisers_problem_is_built_from_the_readings_received() {
    let mut bench = Bench::new();
    let (p1, c2) = (0, 6);
    let request = bench.run_to_request(|mut reading| {
        if reading.entity == p1 {
            reading.generation_kwh = 700.0;
        }
        if reading.entity == c2 {
            reading.consumption_kwh = 900.0;
        }
        reading
    });
    let problem = &request.problem;
    let p1_input = problem.prosumers.iter().find(|p| p.id == "P1").unwrap();
    assert_eq!(p1_input.generation_kwh, 700.0);
    assert_eq!(p1_input.consumption_kwh, 616.0, "as read: the scenario's");
    let c2_input = problem.consumers.iter().find(|c| c.id == "C2").unwrap();
    assert_eq!(c2_input.demand_kwh, 900.0);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/campus13.yaml");
    let scenario = &scenario::load(&path).unwrap();
    let c2_scenario = &scenario.entities.consumers[1];
    assert_eq!(
        c2_input.tariff_inr,
        scenario.consumer_interval_tariff_inr(c2_scenario, 900.0)
    );
    assert_ne!(
        c2_input.tariff_inr,
        scenario.consumer_interval_tariff_inr(c2_scenario, 800.0)
    );
}

/// A reading lost on the way (the network gave up on it) or late: the coordinator does not plan
/// without it. It puts nothing on chain and asks the optimiser nothing until every meter of the
/// island has answered; the late reading, when it comes, completes the gathering.
#[test]
fn a_missing_reading_holds_the_gathering_until_it_arrives() {
    let mut bench = Bench::new();
    bench.detect();
    let late = 2; // P3
    bench.at(FAULT_S + 1.0);
    for e in ISLAND.into_iter().filter(|&e| e != late) {
        bench.report(Report::Reading(bench.requested_reading(e)));
    }
    bench.at(FAULT_S + 600.0);
    assert!(drain(&mut bench.to_chain).is_empty(), "no plan without P3");
    assert!(drain(&mut bench.to_optimiser).is_empty());
    assert!(matches!(
        bench.restoration().stage,
        Stage::Gathering { pending: 1 }
    ));
    bench.report(Report::Reading(bench.requested_reading(late)));
    let submitted = drain(&mut bench.to_chain);
    assert_eq!(
        submitted.len(),
        14,
        "readings, balance and tariffs go on chain"
    );
}

/// Once its restoration is settled the island is operated interval by interval. A round waits
/// for the island's readings until the reading deadline, then plans on what came, by the
/// documented rule: the readings received go on chain in one batch; a prosumer whose reading
/// was lost is left out of the problem (no supply counted from it); a consumer whose reading
/// was lost is planned at its last measured demand, with no tariff (it has no reading on
/// chain for the contract to price).
#[test]
fn an_operating_round_plans_on_the_readings_that_came_and_the_rule_for_the_others() {
    let mut bench = Bench::new();
    let (allocation, record) = bench.run_to_allocation();
    let entities = bench.entities.clone();
    // Restored: recorded, switched, delivered in interval 50, settled.
    bench.at(FAULT_S + 20.0);
    bench.receipt(record, Function::OptimisationHandler, Answer::Recorded);
    bench.at(FAULT_S + 21.0);
    for command in drain(&mut bench.to_network) {
        let Envelope::Rtdccu(entity, _) = command else {
            unreachable!()
        };
        bench.report(Report::Switched {
            entity,
            command_received_at_s: FAULT_S + 20.1,
            switched_at_s: FAULT_S + 20.5,
        });
    }
    bench.at(46_800.0);
    for &e in &ISLAND[..5] {
        let share = allocation
            .prosumers
            .iter()
            .find(|p| entities.index_of(&p.id) == Some(e));
        let Report::Reading(mut reading) = bench.reading(e, 50, false) else {
            unreachable!()
        };
        reading.export_kwh =
            nominal_baseline_kwh(&entities, e) + share.map_or(0.0, |p| p.delta_kwh);
        bench.report(Report::Reading(reading));
    }
    bench.at(46_810.0);
    for t in drain(&mut bench.to_chain) {
        let answer = match &t.call {
            Call::Settle(recorded) => pay_every_share(recorded, 100),
            _ => Answer::Done,
        };
        bench.receipt(t.id, t.call.function(), answer);
    }
    assert_eq!(bench.restoration().stage, Stage::Done);

    // Interval 52's readings at its end (47 700 s): P3's (2) and C2's (6) are lost.
    let (p3, c2) = (2, 6);
    bench.at(47_700.0);
    for e in ISLAND.into_iter().filter(|&e| e != p3 && e != c2) {
        bench.report(bench.reading(e, 52, false));
    }
    assert!(
        drain(&mut bench.to_chain).is_empty(),
        "waiting for the others"
    );
    assert!(drain(&mut bench.to_optimiser).is_empty());
    // The deadline (6 s on this bench) passes: the round goes on with what came.
    bench.at(47_707.0);
    let batch = drain(&mut bench.to_chain);
    let [
        Transaction {
            call: Call::PostReadings {
                interval, readings, ..
            },
            ..
        },
    ] = batch.as_slice()
    else {
        panic!("one batch of readings, not {batch:?}")
    };
    assert_eq!(*interval, 52);
    let posted: Vec<_> = readings.iter().map(|(id, _)| *id).collect();
    let expected: Vec<_> = ISLAND
        .into_iter()
        .filter(|&e| e != p3 && e != c2)
        .map(|e| entities.chain_id(e))
        .collect();
    assert_eq!(posted, expected);
    let mut requests = drain(&mut bench.to_optimiser);
    assert_eq!(requests.len(), 1);
    let request = requests.remove(0);
    let problem = request.problem.clone();
    let prosumers: Vec<&str> = problem.prosumers.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(prosumers, ["P1", "P2", "P4", "P5"], "P3 left out");
    let c2_input = problem.consumers.iter().find(|c| c.id == "C2").unwrap();
    // C2's last measured demand: the base interval's 800 kWh, supplied throughout.
    assert_eq!((c2_input.demand_kwh, c2_input.tariff_inr), (800.0, 0.0));
    let c1_input = problem.consumers.iter().find(|c| c.id == "C1").unwrap();
    assert_eq!(c1_input.demand_kwh, 368.0);
    assert!(c1_input.tariff_inr > 0.0);
    // A reading that comes after its round began is not used: once the round's allocation is
    // recorded, no second round for interval 52 follows.
    bench.report(bench.reading(p3, 52, false));
    bench.at(47_720.0);
    let forwarded = (request.island, request.problem, request.settings);
    bench
        .simulation
        .process_event(&bench.optimised, forwarded)
        .unwrap();
    let recorded = drain(&mut bench.to_chain);
    assert!(matches!(
        recorded.as_slice(),
        [Transaction {
            call: Call::RecordAllocation(chain::Allocation {
                base_interval: 52,
                delivery_interval: 54,
                ..
            }),
            ..
        }]
    ));
    bench.receipt(
        recorded[0].id,
        Function::OptimisationHandler,
        Answer::Recorded,
    );
    bench.at(47_730.0);
    assert!(drain(&mut bench.to_chain).is_empty(), "no second round");
    assert!(drain(&mut bench.to_optimiser).is_empty());
}
