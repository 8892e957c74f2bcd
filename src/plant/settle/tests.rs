//! Settlement by hand-computed examples, and properties over random islands and interval
//! sequences: the identities hold to 1e-9 kWh every interval and states of charge stay in
//! [reserve, capacity].

use super::*;
use crate::plant::battery::BatteryParams;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestCaseError, TestRunner};

const QUARTER_HOUR_S: f64 = 900.0;

/// A battery of `capacity_kwh` with `kw` each way, efficiency `eta`, reserve 20 %.
fn battery(capacity_kwh: f64, kw: f64, eta: f64, soc_kwh: f64) -> Battery {
    let params = BatteryParams {
        capacity_kwh,
        charge_kw: kw,
        discharge_kw: kw,
        round_trip_efficiency: eta,
        reserve: 0.2,
    };
    Battery::new(params, soc_kwh).unwrap()
}

fn member(id: &str, role: Role) -> Member {
    Member {
        id: id.into(),
        role,
    }
}

fn consumer(id: &str, demand_kwh: f64, priority: u32, relay_closed: bool) -> Member {
    member(
        id,
        Role::Consumer(Consumer {
            demand_kwh,
            priority,
            relay_closed,
        }),
    )
}

fn der(id: &str, generation_kwh: f64) -> Member {
    member(id, Role::Der(Der { generation_kwh }))
}

fn flow<'a>(account: &'a IntervalAccount, id: &str) -> &'a Flow {
    &account.flows.iter().find(|f| f.id == id).unwrap().flow
}

#[test]
fn a_short_island_sheds_the_lowest_priority_first() {
    // Supply: DER 10 kWh and a bank that can give 5 (20 kW for 15 min; 10 above its reserve).
    let mut island = vec![
        der("D1", 10.0),
        member("B1", Role::Bank(battery(100.0, 20.0, 1.0, 30.0))),
        consumer("C1", 6.0, 2, true),
        consumer("C2", 5.0, 0, true),
        consumer("C3", 4.0, 0, true),
        consumer("C4", 3.0, 1, true),
        consumer("C5", 2.0, 0, false),
    ];
    let a = settle(&mut island, QUARTER_HOUR_S).unwrap();
    // Connected 18 > 15: protection sheds priority 0, the larger first (C2, 5 kWh): 13 fits.
    assert_eq!(a.shed_by_protection, vec!["C2"]);
    assert_eq!(a.demand_kwh, 20.0);
    assert_eq!(a.served_kwh, 13.0);
    assert_eq!(a.shed_by_controller_kwh, 2.0);
    assert_eq!(a.shed_by_protection_kwh, 5.0);
    // The bank covers the 3 kWh the DER lacks.
    assert_eq!(a.battery_discharge_kwh, 3.0);
    assert_eq!(a.battery_charge_kwh, 0.0);
    assert_eq!(a.curtailed_kwh, 0.0);
    assert_eq!(a.bank_soc_kwh, 27.0);
    assert_eq!(
        *flow(&a, "C2"),
        Flow::Consumer {
            demand_kwh: 5.0,
            served_kwh: 0.0,
            shed_by: Some(ShedBy::Protection)
        }
    );
    assert_eq!(
        *flow(&a, "C5"),
        Flow::Consumer {
            demand_kwh: 2.0,
            served_kwh: 0.0,
            shed_by: Some(ShedBy::Controller)
        }
    );
    assert_eq!(a.demand_residual_kwh(), 0.0);
    assert_eq!(a.bus_residual_kwh(), 0.0);
}

#[test]
fn a_surplus_charges_the_bank_then_curtails() {
    // DER 20 kWh, load 5: 15 kWh spare; the bank has room for 10 (η = 1).
    let mut island = vec![
        der("D1", 20.0),
        consumer("C1", 5.0, 0, true),
        member("B1", Role::Bank(battery(100.0, 40.0, 1.0, 90.0))),
    ];
    let a = settle(&mut island, QUARTER_HOUR_S).unwrap();
    assert_eq!(a.served_kwh, 5.0);
    assert_eq!(a.battery_charge_kwh, 10.0);
    assert_eq!(a.bank_soc_kwh, 100.0);
    assert_eq!(a.curtailed_kwh, 5.0);
    assert_eq!(
        *flow(&a, "D1"),
        Flow::Der {
            generation_kwh: 20.0,
            injected_kwh: 15.0,
            curtailed_kwh: 5.0
        }
    );
    assert_eq!(a.bus_residual_kwh(), 0.0);
    // With η = 0.5625 (√η = 0.75) the bank absorbs at most its room over √η: 8 kWh for 6 of
    // room; the rest, 7 kWh, is curtailed.
    let mut island = vec![
        der("D1", 20.0),
        consumer("C1", 5.0, 0, true),
        member("B1", Role::Bank(battery(100.0, 40.0, 0.5625, 94.0))),
    ];
    let a = settle(&mut island, QUARTER_HOUR_S).unwrap();
    assert_eq!(a.battery_charge_kwh, 8.0);
    assert_eq!(a.bank_soc_kwh, 100.0);
    assert_eq!(a.curtailed_kwh, 7.0);
}

#[test]
fn a_prosumer_follows_its_setpoint_as_far_as_its_battery_allows() {
    // Generation 2, own load 4, set-point 3; its battery holds 10 with 4 kept in reserve.
    let prosumer = Prosumer {
        generation_kwh: 2.0,
        consumption_kwh: 4.0,
        alpha_max: 0.5,
        export_setpoint_kwh: 3.0,
        battery: Some(battery(20.0, 40.0, 1.0, 10.0)),
    };
    let mut island = vec![
        member("P1", Role::Prosumer(prosumer)),
        consumer("C1", 3.0, 0, true),
    ];
    let a = settle(&mut island, QUARTER_HOUR_S).unwrap();
    // Own load 4 and export 3 from generation 2 and battery 5: nothing cut.
    assert_eq!(
        *flow(&a, "P1"),
        Flow::Prosumer {
            generation_kwh: 2.0,
            own_demand_kwh: 4.0,
            own_served_kwh: 4.0,
            setpoint_kwh: 3.0,
            export_kwh: 3.0,
            export_curtailed_kwh: 0.0,
            battery_discharge_kwh: 5.0,
            battery_charge_kwh: 0.0,
            curtailed_kwh: 0.0,
            soc_kwh: Some(5.0),
        }
    );
    assert_eq!(a.served_kwh, 3.0);
    // Next interval its battery has 1 kWh above the reserve: it offers 1 (cutting 1 of its
    // own load, within alpha_max), which cannot serve C1's 3, so protection sheds C1; the
    // prosumer's export is then not needed, and it keeps serving itself from generation 2 and
    // battery 1.
    let a = settle(&mut island, QUARTER_HOUR_S).unwrap();
    assert_eq!(a.shed_by_protection, vec!["C1"]);
    assert_eq!(a.prosumer_export_kwh, 0.0);
    let Flow::Prosumer {
        own_served_kwh,
        battery_discharge_kwh,
        soc_kwh,
        ..
    } = *flow(&a, "P1")
    else {
        panic!("a prosumer's flow")
    };
    assert_eq!(
        (own_served_kwh, battery_discharge_kwh, soc_kwh),
        (3.0, 1.0, Some(4.0))
    );
    assert_eq!(a.bus_residual_kwh(), 0.0);
}

#[test]
fn inputs_out_of_domain_are_refused_naming_the_member() {
    let mut island = vec![der("D1", -1.0)];
    assert_eq!(
        settle(&mut island, QUARTER_HOUR_S).unwrap_err().to_string(),
        "D1: generation_kwh must be a finite number >= 0, got -1"
    );
    assert_eq!(
        settle(&mut [], 0.0).unwrap_err(),
        SettleError::Interval(0.0)
    );
}

// --- Properties ---------------------------------------------------------------------------

/// Cases per property run, and the runner's fixed seed.
const CASES: u32 = 400;
const SEED: u64 = 20_261_202;
const TOLERANCE_KWH: f64 = 1e-9;

/// A battery from (capacity, charge kW, discharge kW, η, reserve, share of the room above the
/// reserve initially filled).
fn battery_strategy() -> impl Strategy<Value = Battery> {
    (
        1.0..200.0f64,
        0.0..100.0f64,
        0.0..100.0f64,
        0.5..=1.0f64,
        0.0..0.9f64,
        0.0..=1.0f64,
    )
        .prop_map(
            |(capacity_kwh, charge_kw, discharge_kw, eta, reserve, fill)| {
                let params = BatteryParams {
                    capacity_kwh,
                    charge_kw,
                    discharge_kw,
                    round_trip_efficiency: eta,
                    reserve,
                };
                let soc_kwh = params.reserve_kwh() + fill * (capacity_kwh - params.reserve_kwh());
                Battery::new(params, soc_kwh.min(capacity_kwh)).unwrap()
            },
        )
}

/// A member as a role with base inputs; each interval scales them.
fn role_strategy() -> impl Strategy<Value = Role> {
    prop_oneof![
        (
            0.0..50.0f64,
            0.0..50.0f64,
            0.0..=1.0f64,
            0.0..60.0f64,
            prop::option::of(battery_strategy())
        )
            .prop_map(
                |(g, c, alpha_max, setpoint, battery)| Role::Prosumer(Prosumer {
                    generation_kwh: g,
                    consumption_kwh: c,
                    alpha_max,
                    export_setpoint_kwh: setpoint,
                    battery,
                })
            ),
        (0.0..40.0f64, 0..3u32).prop_map(|(demand_kwh, priority)| Role::Consumer(Consumer {
            demand_kwh,
            priority,
            relay_closed: true,
        })),
        (0.0..80.0f64).prop_map(|generation_kwh| Role::Der(Der { generation_kwh })),
        battery_strategy().prop_map(Role::Bank),
    ]
}

/// An island, each interval's scaling of every member's inputs (two factors and a relay),
/// and the interval's length.
type Case = (Vec<Role>, Vec<Vec<(f64, f64, bool)>>, f64);

fn case_strategy() -> impl Strategy<Value = Case> {
    prop::collection::vec(role_strategy(), 0..10).prop_flat_map(|roles| {
        let n = roles.len();
        let scaling = (0.0..1.5f64, 0.0..1.5f64, prop::bool::weighted(0.8));
        (
            Just(roles),
            prop::collection::vec(prop::collection::vec(scaling, n), 1..16),
            prop_oneof![Just(60.0), Just(900.0), Just(3600.0)],
        )
    })
}

/// The members of interval `k`: the base inputs of `roles` scaled, with the batteries of
/// `island` (their state carried over).
fn interval_inputs(roles: &[Role], island: &mut [Member], scaling: &[(f64, f64, bool)]) {
    for ((m, base), &(a, b, closed)) in island.iter_mut().zip(roles).zip(scaling) {
        match (&mut m.role, base) {
            (Role::Prosumer(p), Role::Prosumer(base)) => {
                p.generation_kwh = base.generation_kwh * a;
                p.consumption_kwh = base.consumption_kwh * b;
                p.export_setpoint_kwh = base.export_setpoint_kwh * b;
            }
            (Role::Consumer(c), Role::Consumer(base)) => {
                c.demand_kwh = base.demand_kwh * a;
                c.relay_closed = closed;
            }
            (Role::Der(d), Role::Der(base)) => d.generation_kwh = base.generation_kwh * a,
            _ => {}
        }
    }
}

fn check(condition: bool, what: impl FnOnce() -> String) -> Result<(), TestCaseError> {
    if condition {
        Ok(())
    } else {
        Err(TestCaseError::fail(what()))
    }
}

/// Every battery's (id, state before settling) in `island`.
fn batteries(island: &[Member]) -> Vec<(String, Battery)> {
    island
        .iter()
        .filter_map(|m| match &m.role {
            Role::Bank(b) => Some((m.id.clone(), b.clone())),
            Role::Prosumer(Prosumer {
                battery: Some(b), ..
            }) => Some((m.id.clone(), b.clone())),
            _ => None,
        })
        .collect()
}

/// What the island can supply this interval: DERs, prosumers' offers, banks' deliverable.
fn supply_kwh(island: &[Member], interval_s: f64) -> f64 {
    island
        .iter()
        .map(|m| match &m.role {
            Role::Prosumer(p) => export_offer_kwh(p, interval_s),
            Role::Der(d) => d.generation_kwh,
            Role::Bank(b) => b.deliverable_kwh(interval_s),
            Role::Consumer(_) => 0.0,
        })
        .sum()
}

/// The identities of one interval's account, and each battery's state moved by exactly its
/// charge and discharge with their losses and kept in [reserve, capacity].
fn check_interval(
    before: &[(String, Battery)],
    supply_kwh: f64,
    account: &IntervalAccount,
    interval_s: f64,
) -> Result<(), TestCaseError> {
    let near = |a: f64, b: f64| (a - b).abs() <= TOLERANCE_KWH;
    check(near(account.demand_residual_kwh(), 0.0), || {
        format!("served + shed != demand: {account:?}")
    })?;
    check(near(account.bus_residual_kwh(), 0.0), || {
        format!(
            "bus identity off by {}: {account:?}",
            account.bus_residual_kwh()
        )
    })?;
    for value in [
        account.served_kwh,
        account.shed_by_controller_kwh,
        account.shed_by_protection_kwh,
        account.prosumer_export_kwh,
        account.battery_discharge_kwh,
        account.battery_charge_kwh,
        account.curtailed_kwh,
    ] {
        check(value >= 0.0, || format!("a negative energy: {account:?}"))?;
    }
    let mut bank_absorbable_kwh = 0.0;
    for (id, battery) in before {
        let (discharge_kwh, charge_kwh, soc_kwh) = match flow(account, id) {
            Flow::Bank {
                discharge_kwh,
                charge_kwh,
                soc_kwh,
            } => {
                bank_absorbable_kwh += battery.absorbable_kwh(interval_s);
                (*discharge_kwh, *charge_kwh, *soc_kwh)
            }
            Flow::Prosumer {
                battery_discharge_kwh,
                battery_charge_kwh,
                soc_kwh,
                ..
            } => (
                *battery_discharge_kwh,
                *battery_charge_kwh,
                soc_kwh.unwrap(),
            ),
            other => unreachable!("{other:?}"),
        };
        let p = battery.params();
        check(
            p.reserve_kwh() <= soc_kwh && soc_kwh <= p.capacity_kwh,
            || format!("{id}: state of charge {soc_kwh} out of [reserve, capacity]: {p:?}"),
        )?;
        check(discharge_kwh == 0.0 || charge_kwh == 0.0, || {
            format!("{id} charges and discharges at once")
        })?;
        let root = p.one_way_efficiency();
        let expected_kwh = battery.soc_kwh() + charge_kwh * root - discharge_kwh / root;
        check(near(soc_kwh, expected_kwh), || {
            format!("{id}: state of charge {soc_kwh}, expected {expected_kwh}")
        })?;
    }
    // Curtailment only once the banks are full to their limit; protection only once they
    // give all they can.
    if account.curtailed_kwh > TOLERANCE_KWH {
        check(
            near(account.battery_charge_kwh, bank_absorbable_kwh),
            || format!("curtailed while the banks could absorb more: {account:?}"),
        )?;
    }
    // Protection sheds only while supply falls short, and no more than it must: the served
    // load fits the supply, and with the last consumer shed it did not.
    check(account.served_kwh <= supply_kwh + TOLERANCE_KWH, || {
        format!("served beyond the supply {supply_kwh}: {account:?}")
    })?;
    if let Some(last) = account.shed_by_protection.last() {
        let Flow::Consumer { demand_kwh, .. } = flow(account, last) else {
            unreachable!("protection sheds consumers")
        };
        check(account.served_kwh + demand_kwh > supply_kwh, || {
            format!("{last} shed though the supply {supply_kwh} covered it: {account:?}")
        })?;
    }
    for f in &account.flows {
        match &f.flow {
            Flow::Prosumer {
                generation_kwh,
                own_demand_kwh,
                own_served_kwh,
                setpoint_kwh,
                export_kwh,
                battery_discharge_kwh,
                battery_charge_kwh,
                curtailed_kwh,
                ..
            } => {
                let residual = generation_kwh + battery_discharge_kwh
                    - own_served_kwh
                    - export_kwh
                    - battery_charge_kwh
                    - curtailed_kwh;
                check(near(residual, 0.0), || {
                    format!("{}: prosumer identity off by {residual}", f.id)
                })?;
                check(
                    *own_served_kwh <= own_demand_kwh + TOLERANCE_KWH
                        && *export_kwh <= setpoint_kwh + TOLERANCE_KWH
                        && *curtailed_kwh >= -TOLERANCE_KWH,
                    || format!("{}: {:?}", f.id, f.flow),
                )?;
            }
            Flow::Der {
                generation_kwh,
                injected_kwh,
                curtailed_kwh,
            } => check(near(*generation_kwh, injected_kwh + curtailed_kwh), || {
                format!("{}: {:?}", f.id, f.flow)
            })?,
            Flow::Consumer { .. } | Flow::Bank { .. } => {}
        }
    }
    Ok(())
}

#[test]
fn identities_hold_and_states_of_charge_stay_in_bounds_over_random_intervals() {
    let config = Config {
        cases: CASES,
        rng_seed: RngSeed::Fixed(SEED),
        rng_algorithm: RngAlgorithm::ChaCha,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    // Intervals where protection shed, banks discharged, banks charged, DERs were curtailed
    // and prosumers' export was cut: the budget must reach every branch.
    let seen = std::cell::Cell::new([0u32; 5]);
    let outcome = runner.run(&case_strategy(), |(roles, intervals, interval_s)| {
        let mut island: Vec<Member> = roles
            .iter()
            .enumerate()
            .map(|(i, role)| member(&format!("M{i}"), role.clone()))
            .collect();
        for scaling in &intervals {
            interval_inputs(&roles, &mut island, scaling);
            let before = batteries(&island);
            let supply_kwh = supply_kwh(&island, interval_s);
            let account =
                settle(&mut island, interval_s).map_err(|e| TestCaseError::fail(e.to_string()))?;
            check_interval(&before, supply_kwh, &account, interval_s)?;
            let exports_cut = account.flows.iter().any(|f| {
                matches!(f.flow, Flow::Prosumer { export_kwh, setpoint_kwh, .. }
                    if export_kwh < setpoint_kwh)
            });
            let mut counts = seen.get();
            for (count, hit) in counts.iter_mut().zip([
                !account.shed_by_protection.is_empty(),
                account.battery_discharge_kwh > 0.0,
                account.battery_charge_kwh > 0.0,
                account.curtailed_kwh > 0.0,
                exports_cut,
            ]) {
                *count += u32::from(hit);
            }
            seen.set(counts);
        }
        Ok(())
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
    let counts = seen.get();
    assert!(counts.iter().all(|&n| n >= 50), "{counts:?}");
}
