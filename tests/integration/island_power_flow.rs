//! The island power flow in the loop (docs/model.md §13): an allocation the energy balance
//! accepts but a line cannot carry is corrected by shedding by priority and reported; the
//! losses are supplied; the energy-only model is what a grid without impedances gets.

use blackstart::plant::island::IntervalRecord;
use blackstart::plant::settle::Flow;
use blackstart::scenario::{self, Scenario};
use blackstart::sim::{Recording, RunPlan, RunReport, Simulator};

/// A 0.4 kV island cut off by a fault on 1–2: a 200 kWh bank at node 3 forms it; node 4, at the
/// end of 100 m of a 40 A cable, holds C1 (20 kW, priority 1) and C2 (12 kW, priority 3).
/// Together they draw 32 kW, 46 A a phase: the energy balance serves both, the cable cannot.
const OVERLOADED: &str = "\
name: overloaded-cable
time: {start_date: 2024-06-21, outage_at_s: 43200, horizon_s: 86400}
grid:
  nodes:
    - {id: 1, kind: source, base_kv: 0.4}
    - {id: 2, kind: bus, base_kv: 0.4}
    - {id: 3, kind: entity, base_kv: 0.4}
    - {id: 4, kind: entity, base_kv: 0.4}
  lines:
    - {from: 1, to: 2, length_km: 0.05, code: cable}
    - {from: 2, to: 3, length_km: 0.05, code: cable}
    - {from: 3, to: 4, length_km: 0.1, code: cable, name: feeder-cable}
  line_codes:
    cable: {phases: 3, r1_ohm_per_km: 0.2, x1_ohm_per_km: 0.08, rating_a: 40}
entities:
  consumers:
    - {id: C1, node: 4, demand_kwh: 5, priority: 1}
    - {id: C2, node: 4, demand_kwh: 3, priority: 3}
  batteries:
    - {id: B1, node: 3, capacity_kwh: 200, stored_kwh: 200, discharge_kwh: 12.5,
       battery: {charge_kw: 50, discharge_kw: 50}}
faults: [{line: [1, 2], repair_time_s: {fixed: 7200}}]
";

/// A consumer's demand in an island interval, kWh.
fn demand_kwh(interval: &IntervalRecord, id: &str) -> f64 {
    let member = interval.members.iter().find(|m| m.id == id).unwrap();
    match member.flow {
        Flow::Consumer { demand_kwh, .. } => demand_kwh,
        _ => panic!("{id} is a consumer"),
    }
}

/// When the fault cuts the island off, s; the relays close in its first interval, so the
/// checks below read the whole intervals after it.
const OUTAGE_S: f64 = 43_200.0;

fn simulate(scenario: &Scenario) -> RunReport {
    Simulator::new(scenario)
        .unwrap()
        .run(&RunPlan::nominal(scenario, 0), Recording::default())
        .unwrap()
}

#[test]
fn an_allocation_that_overloads_a_line_is_corrected_by_shedding_by_priority_and_reported() {
    let scenario = scenario::parse_str(OVERLOADED, "overloaded.yaml").unwrap();
    assert!(
        scenario.grid.uses_power_flow(),
        "line codes: the power flow"
    );
    let report = simulate(&scenario);
    assert!(report.network.power_flow);
    let whole: Vec<_> = report
        .intervals
        .iter()
        .filter(|i| i.island_s == 900.0 && i.start_s > OUTAGE_S)
        .collect();
    assert!(whole.len() >= 6, "{} whole island intervals", whole.len());
    for i in &whole {
        let n = i.network.as_ref().expect("every interval is solved");
        assert_eq!(n.reference, "B1", "the bank forms the grid");
        // The controller closed both relays (the bank has the energy); the power flow found
        // the cable at 46 A of 40 and shed C1, the lower priority, leaving C2 alone on it.
        let violation = n
            .violation
            .as_deref()
            .expect("the energy settlement overloads");
        assert!(
            violation.starts_with("feeder-cable loaded 1.1"),
            "{violation}"
        );
        assert_eq!(n.shed_for_limits, ["C1"]);
        assert_eq!(n.unresolved, None);
        let (c1_kwh, c2_kwh) = (demand_kwh(i, "C1"), demand_kwh(i, "C2"));
        assert_eq!(i.account.shed_by_limits_kwh, c1_kwh);
        assert_eq!(i.account.served_kwh, c2_kwh);
        // C2 alone over 0.02 Ω a phase: I = P / (3 V) at the node's voltage.
        let loading = n.max_loading.unwrap();
        let v_end = n.min_voltage_pu.unwrap() * 400.0 / 3f64.sqrt();
        let current_a = c2_kwh / 0.25 * 1000.0 / (3.0 * v_end);
        assert!((loading - current_a / 40.0).abs() < 1e-6, "{loading}");
        let losses_kwh = 3.0 * current_a * current_a * 0.02 / 1000.0 * 0.25;
        assert!(
            (i.account.losses_kwh - losses_kwh).abs() < 1e-6 * losses_kwh.max(1e-3),
            "losses {} kWh against {losses_kwh}",
            i.account.losses_kwh
        );
        // The bank supplies the load and the losses.
        assert!(i.account.bus_residual_kwh().abs() < 1e-9);
        assert!((i.account.battery_discharge_kwh - c2_kwh - losses_kwh).abs() < 1e-9);
        assert_eq!(n.most_loaded_line.as_deref(), Some("feeder-cable"));
    }
    assert!(report.network.intervals_violated >= whole.len());
    assert_eq!(report.network.intervals_unresolved, 0);
    assert!(report.network.max_loading.unwrap() <= 1.0);
    let c1 = report.consumers.iter().find(|c| c.id == "C1").unwrap();
    let c1_shed_kwh: f64 = whole.iter().map(|i| demand_kwh(i, "C1")).sum();
    assert!(c1.energy_not_served_kwh >= c1_shed_kwh);
}

#[test]
fn the_energy_only_model_serves_what_the_cable_cannot_carry() {
    let text = OVERLOADED.replace(
        "  line_codes:",
        "  power_flow: {model: energy}\n  line_codes:",
    );
    let scenario = scenario::parse_str(&text, "energy-only.yaml").unwrap();
    let report = simulate(&scenario);
    assert!(!report.network.power_flow);
    assert_eq!(report.network.losses_kwh, 0.0);
    let after_restoration = |i: &&IntervalRecord| i.island_s == 900.0 && i.start_s > OUTAGE_S;
    for i in report.intervals.iter().filter(after_restoration) {
        assert!(i.network.is_none());
        let both_kwh = demand_kwh(i, "C1") + demand_kwh(i, "C2");
        assert!(
            both_kwh > 0.25 * 40.0 * 3.0 * 0.4 / 3f64.sqrt(),
            "more than 40 A"
        );
        assert_eq!(i.account.served_kwh, both_kwh, "both served");
        assert_eq!(i.account.losses_kwh, 0.0);
    }
}

#[test]
fn a_voltage_band_outside_zero_to_one_is_refused_at_its_field() {
    let text = OVERLOADED.replace(
        "  line_codes:",
        "  power_flow: {voltage_band_pu: 1.5}\n  line_codes:",
    );
    let error = scenario::parse_str(&text, "band.yaml")
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("grid.power_flow.voltage_band_pu") && error.contains("1.5"),
        "{error}"
    );
}

/// Noon on a 0.4 kV island: a 60 kW solar plant at the end of 2 km of cable, a bank at the
/// other end able to absorb it all. Its injection would lift the far end above 1.1 pu: the
/// plant is curtailed to the largest share that keeps the band, and that is reported.
#[test]
fn an_injection_that_lifts_the_voltage_out_of_the_band_is_curtailed() {
    let text = "\
name: long-cable-pv
time: {start_date: 2024-06-21, outage_at_s: 39600, horizon_s: 86400}
grid:
  nodes:
    - {id: 1, kind: source, base_kv: 0.4}
    - {id: 3, kind: entity, base_kv: 0.4}
    - {id: 4, kind: entity, base_kv: 0.4}
  lines:
    - {from: 1, to: 3, length_km: 0.05, code: cable}
    - {from: 3, to: 4, length_km: 2.0, code: cable}
  line_codes:
    cable: {phases: 3, r1_ohm_per_km: 0.2, x1_ohm_per_km: 0.08}
entities:
  consumers: [{id: C1, node: 3, demand_kwh: 1}]
  solar: [{id: PV1, node: 4, generation_kwh: 15}]
  batteries:
    - {id: B1, node: 3, capacity_kwh: 500, stored_kwh: 100, discharge_kwh: 25,
       battery: {charge_kw: 100, discharge_kw: 100}}
faults: [{line: [1, 3], repair_time_s: {fixed: 7200}}]
";
    let scenario = scenario::parse_str(text, "long-cable-pv.yaml").unwrap();
    let report = simulate(&scenario);
    let curtailed: Vec<_> = report
        .intervals
        .iter()
        .filter(|i| i.account.curtailed_for_limits_kwh > 0.0)
        .collect();
    assert!(!curtailed.is_empty(), "noon sun over 2 km of cable");
    for i in &curtailed {
        let n = i.network.as_ref().unwrap();
        let violation = n.violation.as_deref().unwrap();
        assert!(violation.starts_with("overvoltage 1.1"), "{violation}");
        assert!(
            violation.ends_with("at 4.1")
                || violation.ends_with("at 4.2")
                || violation.ends_with("at 4.3")
        );
        let v_max = n.max_voltage_pu.unwrap();
        // The largest share that keeps the band, found to 1/256 of the injection.
        assert!((1.09..=1.1).contains(&v_max), "{v_max} pu");
        assert_eq!(n.unresolved, None);
        assert!(
            n.shed_for_limits.is_empty(),
            "no consumer is shed for a rise"
        );
        let pv = i.members.iter().find(|m| m.id == "PV1").unwrap();
        let Flow::Der {
            curtailed_kwh,
            generation_kwh,
            ..
        } = pv.flow
        else {
            panic!("PV1 is a DER")
        };
        assert!(curtailed_kwh >= i.account.curtailed_for_limits_kwh - 1e-12);
        assert!(curtailed_kwh < generation_kwh);
        assert!(i.account.bus_residual_kwh().abs() < 1e-9);
    }
    assert_eq!(report.network.intervals_unresolved, 0);
    assert!(report.network.max_voltage_pu.unwrap() <= 1.1);
}

/// A bank of 20 kW feeding one consumer over 100 m of cable: losses are supplied like demand.
/// With 0.02 kWh to spare per interval the consumer is served and the bank also covers the
/// cable's 12.5 Wh; with 0.1 Wh to spare it cannot, and protection sheds the consumer —
/// without the losses, the settlement would have served it, and the iteration of losses and
/// settlement must not cycle between the two.
#[test]
fn losses_the_island_cannot_supply_trip_the_consumer_and_the_account_stays_consistent() {
    let scenario_with = |demand_kwh: f64| {
        let text = format!(
            "\
name: tight-bank
time: {{start_date: 2024-06-21, outage_at_s: 43200, horizon_s: 86400}}
grid:
  nodes:
    - {{id: 1, kind: source, base_kv: 0.4}}
    - {{id: 3, kind: entity, base_kv: 0.4}}
    - {{id: 4, kind: entity, base_kv: 0.4}}
  lines:
    - {{from: 1, to: 3, length_km: 0.05, code: cable}}
    - {{from: 3, to: 4, length_km: 0.1, code: cable}}
  line_codes:
    cable: {{phases: 3, r1_ohm_per_km: 0.2, x1_ohm_per_km: 0.08}}
entities:
  consumers: [{{id: C1, node: 4, demand_kwh: {demand_kwh}}}]
  batteries:
    - {{id: B1, node: 3, capacity_kwh: 500, stored_kwh: 500, discharge_kwh: 5,
       battery: {{charge_kw: 20, discharge_kw: 20}}}}
faults: [{{line: [1, 3], repair_time_s: {{fixed: 7200}}}}]
"
        );
        scenario::parse_str(&text, "tight-bank.yaml").unwrap()
    };
    let after_restoration = |i: &&IntervalRecord| i.island_s == 900.0 && i.start_s > OUTAGE_S;
    let served = simulate(&scenario_with(4.98));
    for i in served.intervals.iter().filter(after_restoration) {
        assert_eq!(i.account.served_kwh, 4.98);
        let current_a = 4.98 / 0.25 * 1000.0 / (3.0 * 0.99 * 230.94);
        let losses_kwh = 3.0 * current_a * current_a * 0.02 / 1000.0 * 0.25;
        assert!(
            (i.account.losses_kwh - losses_kwh).abs() < 0.02 * losses_kwh,
            "{} kWh",
            i.account.losses_kwh
        );
        assert!((i.account.battery_discharge_kwh - 4.98 - i.account.losses_kwh).abs() < 1e-9);
    }
    let tripped = simulate(&scenario_with(4.9999));
    let intervals: Vec<_> = tripped.intervals.iter().filter(after_restoration).collect();
    assert!(!intervals.is_empty());
    for i in intervals {
        assert_eq!(i.account.served_kwh, 0.0);
        assert_eq!(i.account.shed_by_protection_kwh, 4.9999);
        assert_eq!(i.account.shed_by_protection, ["C1"]);
        // Nothing flows, so nothing is lost: the account agrees with its power flow.
        assert_eq!(i.account.losses_kwh, 0.0);
        assert!(i.account.bus_residual_kwh().abs() < 1e-12);
        assert_eq!(i.network.as_ref().unwrap().violation, None);
    }
}
