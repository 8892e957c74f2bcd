//! The simulator through the library: runs of the bundled scenarios built with
//! `sim::Simulator` and checked on the typed `RunReport` — status, failure reason, rounds,
//! allocations, consumers and transactions — where the CLI tests read the binary's JSON.
//!
//! The expected values come from running these plans (every run is deterministic given its
//! seed); each is explained from the scenario where it can be (docs/model.md §5 and §7).

use blackstart::ledger::Function;
use blackstart::plant::settle::Flow;
use blackstart::scenario::{self, Scenario};
use blackstart::sim::{
    FailureReason, PlannedFault, Recording, RestoredBy, RunPlan, RunReport, RunStatus, Simulator,
};
use std::path::Path;

/// The bundled scenario `name`.
fn bundled(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    scenario::load(&path).unwrap()
}

/// `plan` of `scenario` simulated, without the event log.
fn simulate(scenario: &Scenario, plan: &RunPlan) -> RunReport {
    let simulator = Simulator::new(scenario).unwrap();
    simulator.run(plan, Recording::default()).unwrap()
}

/// The scenario as written, with its own seed.
fn nominal(name: &str) -> RunReport {
    let scenario = bundled(name);
    simulate(&scenario, &RunPlan::nominal(&scenario, scenario.seed))
}

/// Whether `a` and `b` agree to 1e-9 relative (sums of the same terms in another order).
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Σ of the phases, which partition the time from the fault to the restoration (§7).
fn phase_sum(report: &RunReport) -> f64 {
    let p = &report.phases;
    p.detection_s
        + p.communication_s
        + p.chain_s
        + p.optimisation_s
        + p.switching_s
        + p.verification_s
}

/// Σ of the extra export the final allocation asks for, kWh.
fn covered_kwh(report: &RunReport) -> f64 {
    report.allocations.iter().map(|a| a.delta_kwh).sum()
}

/// The paper's case 1: the faults at noon island P1–P5 and C1–C3, and one allocation covers
/// the deficit of 2007 − 1750 = 257 kWh.
#[test]
fn campus13_is_restored_in_one_round() {
    let report = nominal("campus13.yaml");
    assert_eq!(report.status, RunStatus::Restored);
    assert_eq!(report.failure_reason, None);
    assert_eq!((report.outages, report.restored_outages), (1, 1));
    assert_eq!(report.rounds, 1);
    // Measured: detection 1.82 s, the chain 3.01 s, relays 72.06 s (the switching delay).
    let mttr_s = report.mttr_s.unwrap();
    assert!(close(mttr_s, 78.09817235900118), "{mttr_s}");
    assert!(close(phase_sum(&report), mttr_s));
    assert_eq!(report.phases.verification_s, 0.0, "nobody backed off");
    // Each consumer is supplied when its own relay closes, before the coordinator hears the
    // last acknowledgement (the MTTR's end). C1's relay closes before the prosumers' extra
    // export has ramped up: the island is short for a few seconds and protection sheds the
    // least critical consumer, C3, until the last set-point is in — a momentary interruption.
    let ids: Vec<&str> = report.consumers.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["C1", "C2", "C3", "C3"]);
    for c in &report.consumers[..3] {
        assert_eq!(c.interrupted_at_s, 43_200.0);
        let back_s = c.restored_at_s.unwrap();
        assert!(back_s > 43_245.0 && back_s < 43_200.0 + mttr_s, "{c:?}");
        assert_eq!(c.restored_by, Some(RestoredBy::Island));
        assert!(!c.shed && !c.censored);
    }
    let momentary = &report.consumers[3];
    assert!(
        momentary.shed && momentary.interruption_s < 60.0,
        "{momentary:?}"
    );
    assert!(momentary.restored_at_s.unwrap() < 43_200.0 + mttr_s);
    assert!(close(covered_kwh(&report), 257.0));
    assert!(report.allocations.iter().all(|a| !a.backed_off));
    // 14 transactions put the readings, balance and tariffs on chain (2 FindEntities, 8
    // readings, PowerBalance, 3 tariffs), 1 records the allocation, each of the five
    // prosumers owed a reward has its delivery reading posted, and one settles them all:
    // 14 + 1 + 5 + 1.
    // Then the island is operated until line 6–7's repair (12:58) reconnects it at 13:03:
    // one round, on the readings of 12:45–13:00, posts them and records an allocation.
    assert_eq!(report.operation.rounds, 1);
    assert_eq!(report.transactions, 21 + 2);
    assert_eq!(report.reverted_transactions, 0);
    assert!(close(report.rewards_inr, 6119.70));
    assert_eq!(report.rewards_capped_inr, 0.0);
}

/// The paper's case 2 (eq. 14): P2 and P4 back off. The first round restores everyone; at
/// the delivery interval their readings show they did not deliver, so a second round
/// re-allocates among P1, P3 and P5 and the island is restored again.
#[test]
fn a_back_off_takes_a_second_round_without_the_prosumers_who_backed_off() {
    let scenario = bundled("campus13-backoff.yaml");
    let mut plan = RunPlan::nominal(&scenario, scenario.seed);
    for fault in &mut plan.faults {
        // Repaired at 15:00: the island lives through the second round's delivery interval
        // and is operated for an hour and a half after it.
        fault.repaired_at_s = 54_000.0;
    }
    let report = simulate(&scenario, &plan);
    assert_eq!(report.status, RunStatus::Restored);
    assert_eq!(report.failure_reason, None);
    assert_eq!(report.rounds, 2);
    let backed_off: Vec<&str> = report
        .allocations
        .iter()
        .filter(|a| a.backed_off)
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(backed_off, ["P2", "P4"]);
    for a in report.allocations.iter().filter(|a| a.backed_off) {
        assert_eq!((a.delta_kwh, a.reward_inr), (0.0, 0.0));
    }
    // A prosumer that backs off exports nothing, not even its `Pe` (§5): the second round
    // covers 257 kWh plus P2's 200 and P4's 150.
    assert!(close(covered_kwh(&report), 607.0));
    // The restoration that counts is the second round's: MTTR includes the wait from the first
    // restoration (43 278.10 s) to the delivery reading that showed the back-off (45 900.08 s).
    let mttr_s = report.mttr_s.unwrap();
    assert!(close(mttr_s, 2763.5599188979977), "{mttr_s}");
    assert!(close(report.phases.verification_s, 2621.901827640999));
    assert!(close(phase_sum(&report), mttr_s));
    // What the back-off cost in the plant: once P2 and P4 withheld their export, the island
    // was short and protection shed C3 until the second round's set-points were in.
    let ids: Vec<&str> = report.consumers.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["C1", "C2", "C3", "C3"]);
    let c3 = &report.consumers[3];
    assert!(c3.shed && c3.interruption_s > 2600.0, "{c3:?}");
    assert!(c3.restored_at_s.unwrap() <= 43_200.0 + mttr_s);
    // 14 on chain, 2 allocations recorded, P1, P3 and P5's delivery readings and their
    // settlement; then the island's operation until it reconnects at 15:05: per round its
    // readings and its allocation, and a settlement per interval in which someone delivered.
    let o = &report.operation;
    assert!(o.rounds > 0);
    assert_eq!((o.rejected_rounds, o.deliveries_short), (0, 0));
    assert_eq!(
        report.transactions,
        20 + 2 * o.rounds as usize + o.settlements as usize
    );
    assert_eq!(report.reverted_transactions, 0);
    // Rewards: the two rounds' settlements, then each interval's deliveries.
    assert!(o.deliveries_settled > 0);
    assert!(report.rewards_inr > 6571.74, "{}", report.rewards_inr);
}

/// Not enough capacity: campus13-shortfall adds C4 (3000 kWh, priority 0) and C5 (2000 kWh,
/// priority 1) to the island, 7007 kWh of demand against at most 6406 kWh of supply. The
/// optimiser sheds C4; the others are restored in one round. C4 stays dark until the grid
/// returns: the first repair reconnects the island (either line joins it to the substation
/// again), after the run's resynchronisation delay.
#[test]
fn a_shortfall_sheds_the_least_critical_consumer_until_the_grid_returns() {
    let report = nominal("campus13-shortfall.yaml");
    assert_eq!(report.status, RunStatus::PartlyRestored);
    assert_eq!(
        report.failure_reason,
        Some(FailureReason::NoCapacity {
            shed: vec!["C4".into()]
        })
    );
    assert_eq!(report.rounds, 1);
    assert_eq!((report.outages, report.restored_outages), (1, 1));
    let plan = &report.plan;
    let first_repair_s = plan
        .faults
        .iter()
        .map(|f| f.repaired_at_s)
        .fold(f64::INFINITY, f64::min);
    assert!(first_repair_s < 86_400.0, "{plan:?}");
    let grid_s = first_repair_s + plan.resync_delay_s;
    let c4 = report.consumers.iter().find(|c| c.id == "C4").unwrap();
    assert!(c4.shed && !c4.censored, "{c4:?}");
    assert_eq!(c4.restored_by, Some(RestoredBy::Grid));
    // Simulated times are whole nanoseconds.
    let back_s = c4.restored_at_s.unwrap();
    assert!((back_s - grid_s).abs() < 1e-6, "{back_s} {grid_s}");
    assert_eq!(c4.interruption_s, back_s - 43_200.0);
    // Its demand not served, interval by interval as the plant settled the island.
    assert!(close(c4.energy_not_served_kwh, unserved_kwh(&report, "C4")));
    assert!(c4.energy_not_served_kwh > 3000.0 * 4.0);
    assert_eq!(report.customers_censored, 0);
    // Eq. 15 counts the restored island; the customer-weighted mean counts C4 too.
    let mttr_s = report.mttr_s.unwrap();
    assert!(close(mttr_s, 78.94693077400007), "{mttr_s}");
    let served: Vec<_> = report.consumers.iter().filter(|c| !c.shed).collect();
    assert_eq!(served.len(), 4);
    assert!(served.iter().all(|c| {
        c.restored_at_s.unwrap() <= 43_200.0 + mttr_s && c.restored_by == Some(RestoredBy::Island)
    }));
    let customer_mean_s = report.customer_restoration_mean_s.unwrap();
    let n = report.consumers.len() as f64;
    let total_s: f64 = report.consumers.iter().map(|c| c.interruption_s).sum();
    assert!(close(customer_mean_s, total_s / n));
    assert!(customer_mean_s > (back_s - 43_200.0) / n);
    assert_eq!(report.reverted_transactions, 0);
}

/// Consumer `id`'s demand not served in the island, summed over the intervals the plant
/// settled, kWh.
fn unserved_kwh(report: &RunReport, id: &str) -> f64 {
    report
        .intervals
        .iter()
        .flat_map(|i| &i.members)
        .filter(|m| m.id == id)
        .map(|m| match m.flow {
            Flow::Consumer {
                demand_kwh,
                served_kwh,
                ..
            } => demand_kwh - served_kwh,
            _ => panic!("{id} is not a consumer"),
        })
        .sum()
}

/// A repair at or after the horizon is not simulated: the shed consumer is counted out until
/// the window ends, censored.
#[test]
fn a_repair_after_the_horizon_leaves_the_shed_consumer_censored() {
    let scenario = bundled("campus13-shortfall.yaml");
    let mut plan = RunPlan::nominal(&scenario, scenario.seed);
    for fault in &mut plan.faults {
        fault.repaired_at_s = 100_000.0;
    }
    let report = simulate(&scenario, &plan);
    let c4 = report.consumers.iter().find(|c| c.id == "C4").unwrap();
    assert!(c4.shed && c4.censored);
    assert_eq!((c4.restored_at_s, c4.restored_by), (None, None));
    // Interrupted from noon to the end of the window (the horizon, 86 400 s), its demand
    // not served in every interval the island lived.
    assert_eq!(c4.interruption_s, 43_200.0);
    assert!(close(c4.energy_not_served_kwh, unserved_kwh(&report, "C4")));
    let last = report.intervals.iter().map(|i| i.interval).max();
    assert_eq!(last, Some(95), "the island is settled to the horizon");
    // Whoever the island cannot carry through the night is censored with it.
    let censored = report.consumers.iter().filter(|c| c.censored).count();
    assert_eq!(report.customers_censored, censored);
    assert_eq!(report.window_end_s, 86_400.0);
}

/// An island without a prosumer: a plan whose faults (lines 3–4 and 4–12) cut off C1 alone.
/// There is no peer-to-peer trade, so nothing is recorded on chain (the contract would refuse
/// an allocation without a prosumer); with nothing to supply it the optimiser sheds C1, and the
/// run fails for want of capacity, not for a revert. The contract's refusal of a bad allocation
/// is the coordinator's unit test `a_reverted_allocation_fails_the_island_without_switching`.
#[test]
fn an_island_without_a_prosumer_records_nothing_and_sheds_what_it_cannot_carry() {
    let scenario = bundled("campus13.yaml");
    let mut plan = RunPlan::nominal(&scenario, scenario.seed);
    // Repaired four hours later.
    let fault = |line| PlannedFault {
        line,
        at_s: 43_200.0,
        repaired_at_s: 43_200.0 + 14_400.0,
    };
    plan.faults = vec![fault([3, 4]), fault([4, 12])];
    let report = simulate(&scenario, &plan);
    assert_eq!(report.status, RunStatus::NotRestored);
    assert_eq!(
        report.failure_reason,
        Some(FailureReason::NoCapacity {
            shed: vec!["C1".to_string()]
        })
    );
    assert_eq!(report.outages, 1);
    let ids: Vec<&str> = report.consumers.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["C1"]);
    // Nobody restored C1 but the grid, four hours and the resynchronisation delay later.
    let c1 = &report.consumers[0];
    assert_eq!(c1.restored_by, Some(RestoredBy::Grid));
    assert_eq!(
        c1.restored_at_s,
        Some(43_200.0 + 14_400.0 + report.plan.resync_delay_s)
    );
    // No allocation went on chain, and nothing reverted.
    assert_eq!(report.reverted_transactions, 0);
    assert!(
        report
            .transaction_log
            .iter()
            .all(|t| t.function != Function::OptimisationHandler),
        "no allocation recorded"
    );
}

/// A battery bank with state that an island's plan left idle is not lost to later plans: its
/// meter reports what it can deliver (its offer), not what it last delivered. C1 follows a
/// residential shape into its evening peak on a full 200 kWh bank of 18 kW; when the plans
/// counted the bank at its measured flow, C1 was shed at 18:15 and, the bank then idle, never
/// re-energised before the repair (85 kWh not served with the bank still full).
#[test]
fn an_idle_bank_with_state_still_counts_in_the_next_plan() {
    let text = "\
name: idle-bank
time: {start_date: 2024-06-21, outage_at_s: 61200}
profiles: {home: {load: {kind: residential}}}
grid:
  nodes: [{id: 1, kind: source}, {id: 2, kind: bus}, {id: 3, kind: entity}]
  lines: [{from: 1, to: 2}, {from: 2, to: 3}]
entities:
  consumers: [{id: C1, node: 3, demand_kwh: 4, profile: home}]
  batteries:
    - {id: B1, node: 3, capacity_kwh: 200, stored_kwh: 200, discharge_kwh: 4.5,
       battery: {charge_kw: 18, discharge_kw: 18}}
faults: [{line: [2, 3], repair_time_s: {fixed: 36000}}]
";
    let scenario = scenario::parse_str(text, "idle-bank.yaml").unwrap();
    let report = simulate(&scenario, &RunPlan::nominal(&scenario, 0));
    assert_eq!(report.status, RunStatus::Restored);
    let c1: Vec<_> = report.consumers.iter().filter(|c| c.id == "C1").collect();
    assert_eq!(c1.len(), 1, "one interruption, the outage's own: {c1:?}");
    assert_eq!(c1[0].restored_by, Some(RestoredBy::Island));
    assert!(
        report.energy_not_served_kwh < 1.0,
        "{} kWh not served",
        report.energy_not_served_kwh
    );
}

/// A sampled plan is drawn from (scenario seed, run index) alone, and its run reports it.
#[test]
fn a_sampled_run_carries_its_plan_and_seed() {
    let scenario = bundled("campus13.yaml");
    let plan = RunPlan::sampled(&scenario, 3);
    assert_eq!(plan, RunPlan::sampled(&scenario, 3));
    assert_eq!(plan.run_index, 3);
    let report = simulate(&scenario, &plan);
    assert_eq!(report.seed, plan.seed);
    assert_eq!(report.plan, plan);
}

/// The faults at 02:00, repaired at 10:00 (campus13-night): the island lives on the prosumers'
/// batteries through the night. The meters read night energies — no PV, the hostels' and the
/// campus's night loads — and every interval's allocation is planned on them. As the batteries
/// reach their reserve the consumers are shed by priority (the mess hall C3 first, the water
/// pumps C1 last); with the morning sun they are re-energised in the opposite order. Every
/// interval's energy balances, and no battery goes below its reserve.
#[test]
fn through_the_night_consumers_are_shed_by_priority_and_re_energised_in_the_morning() {
    let report = nominal("campus13-night.yaml");
    assert_eq!(report.status, RunStatus::Restored);
    assert_eq!(report.reverted_transactions, 0);
    // The outage's interruptions end within minutes, by the island.
    let (outage, later): (Vec<_>, Vec<_>) = report
        .consumers
        .iter()
        .partition(|c| c.interrupted_at_s == 7_200.0);
    assert_eq!(outage.len(), 3);
    assert!(outage.iter().all(|c| c.interruption_s < 120.0));
    // Then one sustained interruption each, in the night.
    let ids: Vec<&str> = later.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["C3", "C2", "C1"], "shed least critical first");
    let hour = |t_s: f64| t_s / 3600.0;
    for c in &later {
        assert!(c.shed && c.restored_by == Some(RestoredBy::Island), "{c:?}");
        assert!((3.0..6.0).contains(&hour(c.interrupted_at_s)), "{c:?}");
        assert!(
            (6.0..10.0).contains(&hour(c.restored_at_s.unwrap())),
            "{c:?}"
        );
    }
    let back = |id: &str| {
        later
            .iter()
            .find(|c| c.id == id)
            .unwrap()
            .restored_at_s
            .unwrap()
    };
    assert!(
        back("C1") < back("C2") && back("C2") < back("C3"),
        "most critical back first"
    );
    // Every interval balances, and the batteries (reserve 20 % of 18 904 kWh) hold.
    let reserve_kwh = 0.2 * (3744.0 + 3880.0 + 4104.0 + 1528.0 + 5648.0);
    let mut lowest_kwh = f64::INFINITY;
    for i in &report.intervals {
        assert!(i.account.demand_residual_kwh().abs() < 1e-9, "{i:?}");
        assert!(i.account.bus_residual_kwh().abs() < 1e-9, "{i:?}");
        let soc_kwh = i.totals().prosumer_soc_kwh;
        assert!(soc_kwh >= reserve_kwh - 1e-6, "{soc_kwh}");
        lowest_kwh = lowest_kwh.min(soc_kwh);
    }
    assert!(close(lowest_kwh, reserve_kwh), "{lowest_kwh}");
    // No PV before sunrise; the prosumers generate again by 07:00.
    let pv = |k: u64| {
        let i = report.intervals.iter().find(|i| i.interval == k).unwrap();
        i.totals().prosumer_generation_kwh
    };
    assert_eq!(pv(16), 0.0);
    assert!(pv(28) > 0.0);
    // Each interval's readings on chain, its allocation recorded, deliveries settled.
    let o = &report.operation;
    assert!(o.rounds >= 20 && o.deliveries_settled > 0, "{o:?}");
}

/// Over sampled runs of the bundled scenarios (random fault times and places, weather,
/// demand, back-offs, repairs), every interval the plant settled balances to 1e-9 kWh —
/// `served + shed = demand` and the island's bus — every prosumer's own account balances, no
/// battery leaves [reserve, capacity], a consumer is never supplied longer than it was in
/// its island, and the run's energy not served is its interruptions' demand not served.
#[test]
fn every_interval_of_sampled_runs_balances_and_batteries_stay_in_bounds() {
    for (name, runs) in [
        ("campus13.yaml", 40),
        ("campus13-long.yaml", 10),
        ("household-der.yaml", 20),
    ] {
        let scenario = bundled(name);
        let simulator = Simulator::new(&scenario).unwrap();
        // Each prosumer's battery bounds, [reserve, capacity], by id.
        let bounds = |id: &str| {
            let p = scenario.entities.prosumers.iter().find(|p| p.id == id)?;
            let b = p.battery.as_ref()?;
            let capacity_kwh = b.capacity_kwh?;
            Some((b.reserve * capacity_kwh, capacity_kwh))
        };
        for run in 0..runs {
            let plan = RunPlan::sampled(&scenario, run);
            let report = simulator.run(&plan, Recording::default()).unwrap();
            // A critical consumer's loss after the fault is a shedding, which comes after a
            // restoration: never at the fault's instant (the clock's rounding included).
            if let Some(t_s) = report.resilience.first_critical_loss_s {
                assert!(
                    t_s > 1.0,
                    "{name} run {run}: first critical loss at {t_s} s"
                );
            }
            for i in &report.intervals {
                let at = format!(
                    "{name} run {run} island {} interval {}",
                    i.island, i.interval
                );
                assert!(i.account.demand_residual_kwh().abs() < 1e-9, "{at}: {i:?}");
                assert!(i.account.bus_residual_kwh().abs() < 1e-9, "{at}: {i:?}");
                let t = i.totals();
                let der_kwh = t.solar_generation_kwh + t.wind_generation_kwh;
                assert!(
                    (der_kwh - i.account.der_generation_kwh).abs() < 1e-9,
                    "{at}"
                );
                for m in &i.members {
                    assert!(m.supplied_s <= m.in_island_s + 1e-9, "{at}: {m:?}");
                    if let Flow::Prosumer {
                        generation_kwh,
                        own_served_kwh,
                        own_demand_kwh,
                        export_kwh,
                        battery_discharge_kwh,
                        battery_charge_kwh,
                        curtailed_kwh,
                        ..
                    } = m.flow
                    {
                        let residual = generation_kwh + battery_discharge_kwh
                            - own_served_kwh
                            - export_kwh
                            - battery_charge_kwh
                            - curtailed_kwh;
                        assert!(residual.abs() < 1e-9, "{at}: {m:?}");
                        assert!(own_served_kwh <= own_demand_kwh + 1e-9, "{at}: {m:?}");
                        if let (
                            Flow::Prosumer {
                                soc_kwh: Some(soc_kwh),
                                ..
                            },
                            Some((low, high)),
                        ) = (&m.flow, bounds(&m.id))
                        {
                            assert!((low - 1e-9..=high + 1e-9).contains(soc_kwh), "{at}: {m:?}");
                        }
                    }
                }
            }
            // The plant's totals are the interruptions' totals, and sharing never serves the
            // consumers less than no sharing does.
            let (p2p, alone) = (
                &report.references.peer_to_peer,
                &report.references.no_sharing,
            );
            assert!(close(
                p2p.energy_not_served_kwh,
                report.energy_not_served_kwh
            ));
            let minutes: f64 = report
                .consumers
                .iter()
                .map(|c| c.interruption_s / 60.0)
                .sum();
            assert!(
                close(p2p.customer_hours_interrupted, minutes / 60.0),
                "{name} run {run}"
            );
            assert!(alone.energy_not_served_kwh >= p2p.energy_not_served_kwh - 1e-9);
            assert!(alone.customer_hours_interrupted >= p2p.customer_hours_interrupted - 1e-9);
            // Every transaction is an island's, submitted while it lived.
            let counted: u32 = report.operation.chain.iter().map(|c| c.2).sum();
            assert_eq!(counted as usize, report.transactions, "{name} run {run}");
            let interrupted_kwh: f64 = report
                .consumers
                .iter()
                .map(|c| c.energy_not_served_kwh)
                .sum();
            assert!(
                close(report.energy_not_served_kwh, interrupted_kwh),
                "{name} run {run}"
            );
        }
    }
}

/// The perfect-information bound (docs/model.md §11) is never beaten by what a run served —
/// peer-to-peer or no sharing — and never exceeds the islands' demand, over sampled runs.
#[test]
fn the_bound_is_never_below_what_a_run_served_nor_above_demand() {
    for (name, runs) in [
        ("campus13.yaml", 30),
        ("campus13-night.yaml", 4),
        ("household-der.yaml", 10),
    ] {
        let scenario = bundled(name);
        let simulator = Simulator::new(&scenario).unwrap();
        let highest = scenario
            .entities
            .consumers
            .iter()
            .map(|c| c.priority)
            .max()
            .unwrap_or(0);
        for run in 0..runs {
            let report = simulator
                .run(&RunPlan::sampled(&scenario, run), Recording::default())
                .unwrap();
            let r = &report.references;
            let at = format!("{name} run {run}: {r:?}");
            let bound = r.bound.expect("a simulator computes the bound by default");
            // The tie-break may trade at most 1e-6 × highest priority × demand; the solver's
            // tolerance 1e-9 relative.
            let slack = (1e-6 * f64::from(highest) + 1e-8) * bound.demand_kwh.max(1.0);
            assert!(close(bound.demand_kwh, r.peer_to_peer.demand_kwh), "{at}");
            assert!(
                bound.served_kwh + slack >= r.peer_to_peer.served_kwh,
                "{at}"
            );
            assert!(bound.served_kwh + slack >= r.no_sharing.served_kwh, "{at}");
            assert!(bound.served_kwh <= bound.demand_kwh + slack, "{at}");
            assert!(
                r.peer_to_peer.served_kwh <= r.peer_to_peer.demand_kwh + 1e-9,
                "{at}"
            );
            let by_interval: f64 = report.bound_served_kwh.as_ref().unwrap().iter().sum();
            assert!(close(by_interval, bound.served_kwh), "{at}");
        }
    }
}

/// With ideal timing (no latency, an instant chain, nobody backing off), an outage of one
/// meter interval at noon on campus13 is restored at its first instant and the island serves
/// every load: peer-to-peer equals the perfect-information bound.
#[test]
fn with_ideal_timing_a_one_interval_outage_serves_what_the_bound_serves() {
    let scenario = bundled("campus13.yaml");
    let simulator = Simulator::new(&scenario).unwrap();
    let mut plan = RunPlan::nominal(&scenario, scenario.seed);
    // Noon is the start of meter interval 48; repaired and reconnected at its end.
    for f in &mut plan.faults {
        assert_eq!(f.at_s, 43_200.0);
        f.repaired_at_s = f.at_s + 900.0;
    }
    plan.resync_delay_s = 0.0;
    let ideal = simulator.with_ideal_timing();
    let report = ideal
        .run(&plan.with_ideal_timing(), Recording::default())
        .unwrap();
    assert_eq!(report.intervals.len(), 1, "{:?}", report.intervals);
    let r = &report.references;
    assert!(r.peer_to_peer.demand_kwh > 1000.0, "{r:?}");
    let bound = r.bound.unwrap();
    assert!(
        (bound.served_kwh - r.peer_to_peer.served_kwh).abs() <= 1e-6 * bound.demand_kwh,
        "{r:?}"
    );
    // With the scenario's own timing the restoration takes its time, and the bound shows it.
    let real = simulator.run(&plan, Recording::default()).unwrap();
    assert!(real.references.peer_to_peer.served_kwh < r.peer_to_peer.served_kwh - 1.0);
    assert!(close(
        real.references.bound.unwrap().served_kwh,
        bound.served_kwh
    ));
    // A simulator without the bound reports none, and the same service.
    let without = simulator
        .without_bound()
        .run(&plan, Recording::default())
        .unwrap();
    assert_eq!(without.references.bound, None);
    assert_eq!(
        without.references.peer_to_peer,
        real.references.peer_to_peer
    );
}

/// Run 72 of campus13-24h: after four back-offs the fifth round sheds every consumer, and the
/// island has no DER or battery bank. There is nothing for the contract to check or pay, so no
/// allocation is recorded (the contract would refuse it as `EmptyAllocation`, which used to
/// end the run as a contract revert): the run reports the shortfall it is.
#[test]
fn a_round_that_sheds_every_consumer_records_nothing_on_chain() {
    let scenario = bundled("campus13-24h.yaml");
    let report = simulate(&scenario, &RunPlan::sampled(&scenario, 72));
    assert_eq!(report.reverted_transactions, 0);
    assert_eq!(report.status, RunStatus::PartlyRestored);
    assert_eq!(
        report.failure_reason,
        Some(FailureReason::NoCapacity {
            shed: vec!["C1".into(), "C2".into(), "C3".into()]
        })
    );
}
