//! Hand-computed oracles for the sweep.

use super::*;
use crate::scenario::{self, Scenario};
use num_complex::Complex64;
use std::collections::BTreeSet;

/// A scenario from its `grid` and `entities` YAML (meter interval 1 h, so kWh = kW).
fn scenario(grid: &str, entities: &str) -> Scenario {
    let text = format!(
        "name: t\ntime: {{horizon_s: 7200, meter_interval_s: 3600, outage_at_s: 0}}\n\
         grid: {grid}\nentities: {entities}\n"
    );
    scenario::parse_str(&text, "test").expect("a valid test scenario")
}

/// The receiving voltage of a resistance `r_ohm` feeding `p_w` at unity power factor from
/// `v0_v`: the larger root of V² − V0·V + R·P = 0.
fn receiving_v(v0_v: f64, r_ohm: f64, p_w: f64) -> f64 {
    (v0_v + (v0_v * v0_v - 4.0 * r_ohm * p_w).sqrt()) / 2.0
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

#[test]
fn single_phase_line_drops_the_exact_voltage_and_loses_i_squared_r() {
    // 0.5 Ω/km × 2 km = 1 Ω on phase 2; 10 kW at unity power factor; base 0.4 kV (231 V).
    let s = scenario(
        "{nodes: [{id: 1, kind: source, base_kv: 0.4}, {id: 2, kind: entity, base_kv: 0.4}], \
          lines: [{from: 1, to: 2, length_km: 2, phases: [2], code: c}], \
          line_codes: {c: {phases: 1, r_matrix_ohm_per_km: [[0.5]], rating_a: 100}}}",
        "{consumers: [{id: h, node: 2, demand_kwh: 10, power_factor: 1, \
          connection: {phases: [2]}}]}",
    );
    let network = Network::island(
        &s,
        1,
        ReferenceVoltage::Balanced { magnitude_pu: 1.0 },
        &BTreeSet::new(),
    )
    .unwrap();
    let solution = solve(&network, &SweepOptions::default()).unwrap();
    let v0_v = 400.0 / 3f64.sqrt();
    let v1_v = receiving_v(v0_v, 1.0, 10_000.0);
    let at_load = &solution.nodes[1].phases[0];
    assert_eq!(at_load.phase, 2);
    assert!(
        close(at_load.voltage_v.norm(), v1_v, 1e-6),
        "{at_load:?} vs {v1_v}"
    );
    let current_a = 10_000.0 / v1_v;
    assert!(close(
        solution.losses_kw,
        current_a * current_a / 1000.0,
        1e-6
    ));
    assert!(close(solution.losses_kvar, 0.0, 1e-9));
    let flow = &solution.branches[0];
    assert!(close(flow.loading.unwrap(), current_a / 100.0, 1e-9));
    assert_eq!(solution.min_voltage.node, 2);
    assert_eq!(solution.most_loaded.as_ref().unwrap().name, flow.name);
}

#[test]
fn a_balanced_three_phase_feeder_is_its_single_phase_equivalent() {
    // Sequence impedances with a different zero sequence: under balanced load only Z1 = 0.3 Ω/km
    // (resistive) acts, whatever the mutual coupling. Two sections of 1 km, 30 kW at each end.
    let s = scenario(
        "{nodes: [{id: 1, kind: source, base_kv: 0.4}, {id: 2, kind: entity, base_kv: 0.4}, \
                  {id: 3, kind: entity, base_kv: 0.4}], \
          lines: [{from: 1, to: 2, length_km: 1, code: c}, {from: 3, to: 2, length_km: 1, code: c}], \
          line_codes: {c: {phases: 3, r1_ohm_per_km: 0.3, x1_ohm_per_km: 0, \
                           r0_ohm_per_km: 1.2, x0_ohm_per_km: 0.4}}}",
        "{consumers: [{id: a, node: 2, demand_kwh: 30, power_factor: 1}, \
                      {id: b, node: 3, demand_kwh: 30, power_factor: 1}]}",
    );
    let network = Network::island(
        &s,
        1,
        ReferenceVoltage::Balanced { magnitude_pu: 1.0 },
        &BTreeSet::new(),
    )
    .unwrap();
    let solution = solve(&network, &SweepOptions::default()).unwrap();
    // Single-phase equivalent: 10 kW per phase at each node, 0.3 Ω per section. Solve the two
    // sections by fixed point on the far node's voltage (currents in phase with voltages).
    let v0_v = 400.0 / 3f64.sqrt();
    let (mut v2_v, mut v3_v) = (v0_v, v0_v);
    for _ in 0..200 {
        let i3_a = 10_000.0 / v3_v;
        let i2_a = 10_000.0 / v2_v + i3_a;
        v2_v = v0_v - 0.3 * i2_a;
        v3_v = v2_v - 0.3 * i3_a;
    }
    for (node, expected_v) in [(1, v2_v), (2, v3_v)] {
        let voltages = &solution.nodes[node].phases;
        assert_eq!(voltages.len(), 3);
        for (k, phase) in voltages.iter().enumerate() {
            assert!(
                close(phase.voltage_v.norm(), expected_v, 1e-6),
                "{phase:?} vs {expected_v}"
            );
            let angle = phase.voltage_v.arg() + 2.0 * std::f64::consts::PI * k as f64 / 3.0;
            assert!(close(Complex64::from_polar(1.0, angle).arg(), 0.0, 1e-9));
        }
    }
    let i3_a = 10_000.0 / v3_v;
    let i2_a = 10_000.0 / v2_v + i3_a;
    let losses_kw = 3.0 * 0.3 * (i2_a * i2_a + i3_a * i3_a) / 1000.0;
    assert!(close(solution.losses_kw, losses_kw, 1e-6));
}

#[test]
fn a_meshed_island_is_refused_naming_an_edge_of_the_loop() {
    let s = scenario(
        "{nodes: [{id: 1, kind: source, base_kv: 0.4}, {id: 2, kind: bus, base_kv: 0.4}, \
                  {id: 3, kind: bus, base_kv: 0.4}], \
          lines: [{from: 1, to: 2, kind: switch, name: s12}, {from: 2, to: 3, kind: switch, name: s23}, \
                  {from: 3, to: 1, kind: switch, name: s31}]}",
        "{}",
    );
    let balanced = ReferenceVoltage::Balanced { magnitude_pu: 1.0 };
    let refused = Network::island(&s, 1, balanced, &BTreeSet::new()).unwrap_err();
    assert!(
        matches!(&refused, PowerFlowError::Meshed { edge } if ["s12", "s23", "s31"].contains(&edge.as_str())),
        "{refused:?}"
    );
    // With one switch of the loop open the island is a tree.
    assert!(Network::island(&s, 1, balanced, &BTreeSet::from([1])).is_ok());
}

#[test]
fn a_delta_wye_transformer_keeps_magnitudes_and_lags_by_thirty_degrees_at_no_load() {
    let s = scenario(
        "{nodes: [{id: 1, kind: source, base_kv: 11}, {id: 2, kind: bus, base_kv: 0.416}], \
          lines: [{from: 1, to: 2, kind: transformer, transformer: {kva: 800, from_kv: 11, \
                   to_kv: 0.416, r_pct: 0.4, x_pct: 4, from_connection: delta}}]}",
        "{}",
    );
    let network = Network::island(
        &s,
        1,
        ReferenceVoltage::Balanced { magnitude_pu: 1.0 },
        &BTreeSet::new(),
    )
    .unwrap();
    let solution = solve(&network, &SweepOptions::default()).unwrap();
    for (hv, lv) in solution.nodes[0]
        .phases
        .iter()
        .zip(&solution.nodes[1].phases)
    {
        assert!(close(lv.magnitude_pu, 1.0, 1e-12));
        let shift = (lv.voltage_v / hv.voltage_v).arg().to_degrees();
        assert!(close(shift, -30.0, 1e-9), "{shift}");
    }
    assert!(close(solution.losses_kw, 0.0, 1e-12));
}

#[test]
fn a_load_on_a_phase_its_node_lacks_is_refused() {
    let s = scenario(
        "{nodes: [{id: 1, kind: source, base_kv: 0.4}, {id: 2, kind: entity, base_kv: 0.4}], \
          lines: [{from: 1, to: 2, kind: switch, phases: [1]}]}",
        "{consumers: [{id: h, node: 2, demand_kwh: 1, connection: {phases: [3]}}]}",
    );
    let balanced = ReferenceVoltage::Balanced { magnitude_pu: 1.0 };
    let refused = Network::island(&s, 1, balanced, &BTreeSet::new()).unwrap_err();
    assert!(
        matches!(refused, PowerFlowError::MissingPhase { phase: 3, .. }),
        "{refused:?}"
    );
}
