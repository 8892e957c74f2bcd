//! The bound's program on instances whose optimum is worked out by hand.

use super::*;

fn battery(capacity_kwh: f64, kw: f64, round_trip_efficiency: f64, reserve: f64) -> BatteryParams {
    BatteryParams {
        capacity_kwh,
        charge_kw: kw,
        discharge_kw: kw,
        round_trip_efficiency,
        reserve,
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6
}

#[test]
fn one_step_without_batteries_serves_what_the_island_has_critical_load_first() {
    // DER 12 kWh; a prosumer generating 4 with 3 of own load exports 1: 13 kWh for consumers
    // demanding 10 (priority 0) and 5 (priority 3). Served: 3 own + 13 = 16 of 18; the tie-break
    // serves priority 3 in full and 8 of priority 0.
    let problem = DispatchProblem {
        storages: vec![],
        steps: vec![Step {
            consumers: vec![(0, 10.0), (3, 5.0)],
            prosumers: vec![ProsumerStep {
                generation_kwh: 4.0,
                own_demand_kwh: 3.0,
                storage: None,
            }],
            der_generation_kwh: 12.0,
            banks: vec![],
        }],
    };
    let d = problem.solve().unwrap();
    assert!(close(d.served_kwh(), 16.0), "{d:?}");
    assert!(close(d.demand_kwh(), 18.0));
    assert!(close(d.steps[0].consumers_served_kwh, 13.0));
    assert!(close(
        d.objective_kwh,
        16.0 + 5.0 * 3.0 * PRIORITY_TIE_BREAK
    ));
}

#[test]
fn a_lossy_bank_carries_the_noon_surplus_into_the_evening() {
    // Bank: 10 kWh, 2 kWh held, reserve 20 % (2 kWh), round trip 0.81 (0.9 each way), 100 kW.
    // Hour 1: DER 10, demand 4: the 6 kWh surplus charges 6 × 0.9 = 5.4 → 7.4 kWh held.
    // Hour 2: no DER, demand 6: the bank delivers (7.4 − 2) × 0.9 = 4.86 kWh.
    // Served 4 + 4.86 = 8.86 of 10.
    let problem = DispatchProblem {
        storages: vec![Storage {
            params: battery(10.0, 100.0, 0.81, 0.2),
            initial_soc_kwh: 2.0,
            refilled_each_interval: false,
        }],
        steps: vec![
            Step {
                consumers: vec![(1, 4.0)],
                der_generation_kwh: 10.0,
                banks: vec![StorageUse {
                    storage: 0,
                    span_s: 3600.0,
                }],
                ..Step::default()
            },
            Step {
                consumers: vec![(1, 6.0)],
                banks: vec![StorageUse {
                    storage: 0,
                    span_s: 3600.0,
                }],
                ..Step::default()
            },
        ],
    };
    let d = problem.solve().unwrap();
    assert!(close(d.served_kwh(), 8.86), "{d:?}");
    assert!(close(d.steps[1].consumers_served_kwh, 4.86));
}

#[test]
fn power_limits_scale_with_the_seconds_in_the_island_and_a_refilled_battery_starts_full() {
    // A prosumer's PB of 3 kWh per 900 s interval (12 kW), refilled every interval, no
    // generation, 1 kWh of own load; a consumer wants 5 kWh in each of two steps. Step 1 (the
    // whole interval): 3 kWh = 1 own + 2 exported. Step 2 (450 s in the island): 1.5 kWh =
    // 1 own + 0.5 exported. Served 3 + 1.5 = 4.5. Without the refill the battery would hold
    // nothing for step 2.
    let step = |span_s| Step {
        consumers: vec![(0, 5.0)],
        prosumers: vec![ProsumerStep {
            generation_kwh: 0.0,
            own_demand_kwh: 1.0,
            storage: Some(StorageUse { storage: 0, span_s }),
        }],
        ..Step::default()
    };
    let params = BatteryParams {
        charge_kw: 0.0,
        ..battery(3.0, 12.0, 1.0, 0.0)
    };
    let mut problem = DispatchProblem {
        storages: vec![Storage {
            params,
            initial_soc_kwh: 3.0,
            refilled_each_interval: true,
        }],
        steps: vec![step(900.0), step(450.0)],
    };
    let d = problem.solve().unwrap();
    assert!(close(d.served_kwh(), 4.5), "{d:?}");
    problem.storages[0].refilled_each_interval = false;
    assert!(close(problem.solve().unwrap().served_kwh(), 3.0));
}

#[test]
fn a_prosumer_does_not_import_and_a_bank_charges_only_what_it_has_room_for() {
    // Hour 1: a prosumer with no generation and 2 kWh of own load; DER 20 kWh; a bank of 5 kWh,
    // empty, lossless. The island cannot serve the prosumer (no import); the bank takes 5.
    // Hour 2: a consumer of 8 kWh, no DER: the bank gives its 5. Served 5 of 10.
    let bank = StorageUse {
        storage: 0,
        span_s: 3600.0,
    };
    let problem = DispatchProblem {
        storages: vec![Storage {
            params: battery(5.0, 50.0, 1.0, 0.0),
            initial_soc_kwh: 0.0,
            refilled_each_interval: false,
        }],
        steps: vec![
            Step {
                prosumers: vec![ProsumerStep {
                    generation_kwh: 0.0,
                    own_demand_kwh: 2.0,
                    storage: None,
                }],
                der_generation_kwh: 20.0,
                banks: vec![bank],
                ..Step::default()
            },
            Step {
                consumers: vec![(0, 8.0)],
                banks: vec![bank],
                ..Step::default()
            },
        ],
    };
    let d = problem.solve().unwrap();
    assert!(close(d.served_kwh(), 5.0), "{d:?}");
    assert!(close(d.steps[0].prosumers_own_served_kwh, 0.0));
}

#[test]
fn inputs_out_of_their_domain_are_named() {
    let problem = DispatchProblem {
        storages: vec![],
        steps: vec![Step {
            consumers: vec![(0, f64::NAN)],
            ..Step::default()
        }],
    };
    let e = problem.solve().unwrap_err().to_string();
    assert!(e.contains("step 0") && e.contains("demand_kwh"), "{e}");
    let problem = DispatchProblem {
        storages: vec![],
        steps: vec![Step {
            banks: vec![StorageUse {
                storage: 2,
                span_s: 1.0,
            }],
            ..Step::default()
        }],
    };
    let e = problem.solve().unwrap_err().to_string();
    assert!(e.contains("battery 2") && e.contains("there are 0"), "{e}");
}

#[test]
fn steps_that_share_no_battery_are_solved_apart_and_empty_ones_serve_nothing() {
    // Two islands of the a_lossy_bank test's hours, each with its own bank, interleaved in
    // time, and an empty step: three independent parts with the same optimum as each alone.
    let bank = |storage| StorageUse {
        storage,
        span_s: 3600.0,
    };
    let storage = Storage {
        params: battery(10.0, 100.0, 0.81, 0.2),
        initial_soc_kwh: 2.0,
        refilled_each_interval: false,
    };
    let noon = |b| Step {
        consumers: vec![(1, 4.0)],
        der_generation_kwh: 10.0,
        banks: vec![bank(b)],
        ..Step::default()
    };
    let evening = |b| Step {
        consumers: vec![(1, 6.0)],
        banks: vec![bank(b)],
        ..Step::default()
    };
    let problem = DispatchProblem {
        storages: vec![storage.clone(), storage],
        steps: vec![noon(0), noon(1), Step::default(), evening(0), evening(1)],
    };
    assert_eq!(
        problem.independent_parts(),
        vec![vec![0, 3], vec![1, 4], vec![2]]
    );
    let d = problem.solve().unwrap();
    assert!(close(d.served_kwh(), 2.0 * 8.86), "{d:?}");
    assert_eq!(d.steps[2], StepServed::default());
}
