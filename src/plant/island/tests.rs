//! The islands through time: hand-computed stretches, a battery carrying an island to its
//! reserve, members moved and reconnected with their state, and the identities of every
//! interval over random actuations.

use super::*;
use crate::plant::battery::BatteryParams;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestRunner};

const QUARTER_HOUR_S: f64 = 900.0;

/// Inputs constant in time, per entity.
struct Constant(Vec<Inputs>);

impl InputSource for Constant {
    fn inputs(&self, entity: EntityIndex, _: u64) -> Inputs {
        self.0[entity as usize]
    }
}

fn inputs(generation_kwh: f64, consumption_kwh: f64) -> Inputs {
    Inputs {
        generation_kwh,
        consumption_kwh,
    }
}

fn member(entity: EntityIndex, role: Role) -> PlantMember {
    PlantMember {
        entity,
        source: None,
        member: Member {
            id: format!("E{entity}"),
            role,
        },
        export_prev_kwh: 0.0,
        setpoint_kwh: None,
        refill_kwh: None,
    }
}

fn consumer(entity: EntityIndex, priority: u32) -> PlantMember {
    member(
        entity,
        Role::Consumer(Consumer {
            demand_kwh: 0.0,
            priority,
            relay_closed: false,
        }),
    )
}

/// A lossless battery of `capacity_kwh` with `kw` each way and a 20 % reserve.
fn battery(capacity_kwh: f64, kw: f64, soc_kwh: f64) -> Battery {
    let params = BatteryParams {
        capacity_kwh,
        charge_kw: kw,
        discharge_kw: kw,
        round_trip_efficiency: 1.0,
        reserve: 0.2,
    };
    Battery::new(params, soc_kwh).unwrap()
}

fn prosumer(entity: EntityIndex, battery: Option<Battery>) -> PlantMember {
    member(
        entity,
        Role::Prosumer(Prosumer {
            generation_kwh: 0.0,
            consumption_kwh: 0.0,
            alpha_max: 0.0,
            export_setpoint_kwh: 0.0,
            battery,
        }),
    )
}

fn served(record: &IntervalRecord, entity: EntityIndex) -> f64 {
    let m = record.members.iter().find(|m| m.entity == entity).unwrap();
    match m.flow {
        Flow::Consumer { served_kwh, .. } => served_kwh,
        _ => panic!("{entity} is not a consumer"),
    }
}

#[test]
fn a_relay_closed_mid_interval_serves_the_rest_of_it() {
    // A bank (20 kWh per interval either way) and a consumer of 9 kWh per interval; the
    // island forms 100 s into interval 0 and the relay closes at 450 s.
    let bank = member(1, Role::Bank(battery(100.0, 80.0, 50.0)));
    let members = vec![consumer(0, 0), bank];
    let source = Constant(vec![inputs(0.0, 9.0), inputs(0.0, 0.0)]);
    let mut islands = Islands::new(&members, QUARTER_HOUR_S, 0.0);
    islands.form(1, &[0, 1], &[], 100.0, &source).unwrap();
    islands
        .actuate(0, Actuation::Relay { closed: true }, 450.0, &source)
        .unwrap();
    islands.advance_to(QUARTER_HOUR_S, &source).unwrap();
    let [record] = islands.records() else {
        panic!("one interval settled: {:?}", islands.records())
    };
    assert_eq!((record.interval, record.island_s), (0, 800.0));
    // Demand over the 800 s in the island; served over the 450 s after the relay closed.
    assert!((record.account.demand_kwh - 8.0).abs() < 1e-12);
    assert!((record.account.served_kwh - 4.5).abs() < 1e-12);
    assert!((record.account.shed_by_controller_kwh - 3.5).abs() < 1e-12);
    assert!((record.account.battery_discharge_kwh - 4.5).abs() < 1e-12);
    assert!(record.account.demand_residual_kwh().abs() < 1e-12);
    assert!(record.account.bus_residual_kwh().abs() < 1e-12);
    let part = islands.parts(0, 0).next().unwrap();
    assert_eq!((part.in_island_s, part.supplied_s), (800.0, 450.0));
    assert_eq!(
        islands.parts(0, 1).count(),
        0,
        "interval 1 is not settled yet"
    );
}

#[test]
fn a_battery_carries_the_island_to_its_reserve_then_protection_sheds_by_priority() {
    // A prosumer exporting 1 kWh per interval from a battery with 3.5 kWh above its 2 kWh
    // reserve; two consumers of 0.5 kWh per interval, the first more critical.
    let members = vec![
        prosumer(0, Some(battery(10.0, 40.0, 5.5))),
        consumer(1, 2),
        consumer(2, 0),
    ];
    let source = Constant(vec![inputs(0.0, 0.0), inputs(0.0, 0.5), inputs(0.0, 0.5)]);
    let mut islands = Islands::new(&members, QUARTER_HOUR_S, 0.0);
    islands.form(1, &[0, 1, 2], &[], 0.0, &source).unwrap();
    let setpoint = Actuation::ExportSetpoint {
        kwh_per_interval: Some(1.0),
    };
    islands.actuate(0, setpoint, 0.0, &source).unwrap();
    for c in [1, 2] {
        let close = Actuation::Relay { closed: true };
        islands.actuate(c, close, 0.0, &source).unwrap();
    }
    islands.advance_to(5.0 * QUARTER_HOUR_S, &source).unwrap();
    let records = islands.records();
    assert_eq!(records.len(), 5);
    // Three whole intervals; in the fourth only 0.5 kWh is left above the reserve, which
    // serves the critical consumer; then nothing.
    for (k, (critical, other)) in [(0.5, 0.5), (0.5, 0.5), (0.5, 0.5), (0.5, 0.0), (0.0, 0.0)]
        .into_iter()
        .enumerate()
    {
        let r = &records[k];
        assert_eq!(
            (served(r, 1), served(r, 2)),
            (critical, other),
            "interval {k}"
        );
        assert!(r.account.bus_residual_kwh().abs() < 1e-12);
    }
    assert_eq!(records[3].account.shed_by_protection, vec!["E2"]);
    assert_eq!(islands.battery_available_kwh(0), Some(0.0));
}

#[test]
fn members_keep_their_state_when_moved_or_reconnected() {
    let members = vec![
        prosumer(0, Some(battery(10.0, 40.0, 10.0))),
        consumer(1, 0),
        consumer(2, 0),
    ];
    let source = Constant(vec![inputs(0.0, 0.0), inputs(0.0, 1.0), inputs(0.0, 1.0)]);
    let mut islands = Islands::new(&members, QUARTER_HOUR_S, 0.0);
    islands.form(1, &[0, 1, 2], &[], 0.0, &source).unwrap();
    let setpoint = Actuation::ExportSetpoint {
        kwh_per_interval: Some(1.0),
    };
    islands.actuate(0, setpoint, 0.0, &source).unwrap();
    islands
        .actuate(1, Actuation::Relay { closed: true }, 0.0, &source)
        .unwrap();
    // A later fault splits off the prosumer and its consumer after one interval: the battery
    // moves with its 9 kWh and goes on serving it; the other consumer stays dark.
    islands
        .form(2, &[0, 1], &[], QUARTER_HOUR_S, &source)
        .unwrap();
    islands.advance_to(2.0 * QUARTER_HOUR_S, &source).unwrap();
    let second = islands
        .records()
        .iter()
        .find(|r| r.island == 2)
        .expect("island 2 settled its first interval");
    assert_eq!(served(second, 1), 1.0);
    assert_eq!(islands.battery_available_kwh(0), Some(6.0));
    // The grid takes everyone back: no island settles any more, the battery is kept.
    islands
        .reconnect(&[0, 1, 2], 2.0 * QUARTER_HOUR_S, &source)
        .unwrap();
    let settled = islands.records().len();
    islands.advance_to(4.0 * QUARTER_HOUR_S, &source).unwrap();
    assert_eq!(islands.records().len(), settled);
    assert!(!islands.is_islanded(0));
    assert_eq!(islands.battery_available_kwh(0), Some(6.0));
}

#[test]
fn a_battery_without_state_gives_its_figure_afresh_every_interval() {
    // The paper's PB: 2 kWh in every interval, however many intervals.
    let mut legacy = prosumer(0, legacy_battery(2.0, 2.0, 0.0, 2.0, QUARTER_HOUR_S));
    legacy.refill_kwh = Some(2.0);
    let members = vec![legacy, consumer(1, 0)];
    let source = Constant(vec![inputs(0.0, 0.0), inputs(0.0, 2.0)]);
    let mut islands = Islands::new(&members, QUARTER_HOUR_S, 0.0);
    islands.form(1, &[0, 1], &[], 0.0, &source).unwrap();
    let setpoint = Actuation::ExportSetpoint {
        kwh_per_interval: Some(2.0),
    };
    islands.actuate(0, setpoint, 0.0, &source).unwrap();
    islands
        .actuate(1, Actuation::Relay { closed: true }, 0.0, &source)
        .unwrap();
    islands.advance_to(10.0 * QUARTER_HOUR_S, &source).unwrap();
    assert!(islands.records().iter().all(|r| served(r, 1) == 2.0));
}

/// A random island: a prosumer with a battery, a DER, a bank and three consumers, with random
/// inputs, and random actuations at random instants over `intervals` intervals.
fn random_run(
    seed: (f64, f64, f64, f64),
    actuations: &[(f64, usize, f64)],
    intervals: u64,
) -> Result<(), TestCaseError> {
    let (g, c, soc, der) = seed;
    let members = vec![
        prosumer(0, Some(battery(20.0, 30.0, 4.0 + soc))),
        member(
            1,
            Role::Der(Der {
                generation_kwh: 0.0,
            }),
        ),
        member(2, Role::Bank(battery(15.0, 12.0, 3.0 + soc / 2.0))),
        consumer(3, 2),
        consumer(4, 1),
        consumer(5, 0),
    ];
    let source = Constant(vec![
        inputs(g, c),
        inputs(der, 0.0),
        inputs(0.0, 0.0),
        inputs(0.0, 2.0 + c),
        inputs(0.0, 1.0 + g / 2.0),
        inputs(0.0, 3.0),
    ]);
    let mut islands = Islands::new(&members, QUARTER_HOUR_S, 0.0);
    islands
        .form(1, &[0, 1, 2, 3, 4, 5], &[], 37.0, &source)
        .unwrap();
    let mut actuations = actuations.to_vec();
    actuations.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (at_s, who, value) in actuations {
        let (entity, actuation) = match who % 4 {
            0 => (
                0,
                Actuation::ExportSetpoint {
                    kwh_per_interval: Some(value),
                },
            ),
            k => (
                k as EntityIndex + 2,
                Actuation::Relay {
                    closed: value > 1.0,
                },
            ),
        };
        islands.actuate(entity, actuation, at_s, &source).unwrap();
    }
    islands
        .advance_to(intervals as f64 * QUARTER_HOUR_S, &source)
        .unwrap();
    for r in islands.records() {
        let a = &r.account;
        prop_assert!(a.demand_residual_kwh().abs() < 1e-9, "{r:?}");
        prop_assert!(a.bus_residual_kwh().abs() < 1e-9, "{r:?}");
        for m in &r.members {
            prop_assert!(m.supplied_s <= m.in_island_s + 1e-9);
            match m.flow {
                Flow::Prosumer {
                    generation_kwh,
                    own_served_kwh,
                    export_kwh,
                    battery_discharge_kwh,
                    battery_charge_kwh,
                    curtailed_kwh,
                    soc_kwh,
                    ..
                } => {
                    let residual = generation_kwh + battery_discharge_kwh
                        - own_served_kwh
                        - export_kwh
                        - battery_charge_kwh
                        - curtailed_kwh;
                    prop_assert!(residual.abs() < 1e-9, "{m:?}");
                    let soc = soc_kwh.unwrap();
                    prop_assert!((4.0 - 1e-9..=20.0 + 1e-9).contains(&soc), "{soc}");
                }
                Flow::Bank { soc_kwh, .. } => {
                    prop_assert!((3.0 - 1e-9..=15.0 + 1e-9).contains(&soc_kwh), "{soc_kwh}");
                }
                _ => {}
            }
        }
    }
    Ok(())
}

#[test]
fn every_interval_balances_whatever_the_actuations() {
    let mut runner = TestRunner::new(Config {
        cases: 128,
        rng_seed: RngSeed::Fixed(20_241_202),
        rng_algorithm: RngAlgorithm::ChaCha,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (
        (0.0..6.0f64, 0.0..4.0f64, 0.0..10.0f64, 0.0..5.0f64),
        prop::collection::vec((0.0..5.0 * QUARTER_HOUR_S, 0..8usize, 0.0..3.0f64), 0..12),
    );
    runner
        .run(&strategy, |(seed, actuations)| {
            random_run(seed, &actuations, 6)
        })
        .unwrap();
}
