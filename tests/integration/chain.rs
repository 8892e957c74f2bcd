//! The contracts in revm on the paper's campus13 island (docs/model.md §4, Table 5), the security cases
//! of issue 4, and agreement of the on-chain balance and tariffs with the Rust formulas.

use blackstart::chain::{
    Address, Allocation, Chain, ChainError, EntityId, EntityKind, Payment, Reading, Share,
    SlabSchedule, account,
};
use blackstart::entity::EntityTable;
use blackstart::grid::{BalanceTerms, Condition};
use blackstart::ledger::{Function, gas_report};
use blackstart::tariff;

const KWH: u64 = 1000;
const BASE: u64 = 1;
const DELIVERY: u64 = 2;
const OUTAGE: u64 = 7;

/// KSEB 2022-23 (docs/model.md §3), converted from `crate::tariff` to Wh and paise per kWh.
fn kseb() -> SlabSchedule {
    SlabSchedule::try_from(&tariff::SlabSchedule::kseb_2022_23()).unwrap()
}

/// An amount of `crate::tariff` (INR, rounded to paise) in paise.
fn paise(inr: f64) -> u64 {
    (inr * 100.0).round() as u64
}

/// Table 5: (name, node, Pe, PG, PB, Pc) of prosumers P1..P5, kWh.
const PROSUMERS: [(&str, u32, u64, u64, u64, u64); 5] = [
    ("P1", 7, 500, 862, 468, 616),
    ("P2", 8, 200, 883, 485, 928),
    ("P3", 9, 300, 648, 513, 533),
    ("P4", 10, 150, 1000, 191, 955),
    ("P5", 11, 600, 650, 706, 492),
];
/// Table 5: (name, node, C) of consumers C1..C3, kWh.
const CONSUMERS: [(&str, u32, u64); 3] = [("C1", 4, 368), ("C2", 12, 800), ("C3", 13, 839)];

/// Table 6 (case 1): (delta Wh, alpha ppm, beta ppm, whole reward paise) per prosumer. delta =
/// R_delta / BT; reward = Pe·BT + R_delta + R_extra. P5's delta is rounded up so Σ delta = D.
const TABLE6: [(u64, u32, u32, u64); 5] = [
    (37_597, 10_000, 67_000, 161_623),
    (51_690, 10_000, 87_000, 75_980),
    (51_690, 10_000, 90_000, 105_980),
    (64_332, 0, 337_000, 64_309),
    (51_691, 10_000, 66_000, 195_980),
];

struct Campus {
    chain: Chain,
    prosumers: Vec<(EntityId, Address)>,
    consumers: Vec<(EntityId, Address)>,
}

fn operator() -> Address {
    account(1)
}
fn optimiser() -> Address {
    account(2)
}
fn collector() -> Address {
    account(4)
}

/// campus13 deployed, configured, registered, with the base interval's readings posted.
fn campus() -> Campus {
    let mut chain = Chain::deploy(operator(), optimiser()).unwrap();
    chain.configure_network(13, 1, 900).unwrap();
    chain.set_base_tariff(300).unwrap();
    chain.set_slab_schedule(&kseb()).unwrap();
    chain.set_collector(collector()).unwrap();
    let mut prosumers = Vec::new();
    for (i, &(_, node, pe, pg, _pb, pc)) in PROSUMERS.iter().enumerate() {
        let meter = account(100 + i as u64);
        let id = chain
            .register_entity(EntityKind::Prosumer, node, meter)
            .unwrap()
            .value;
        let reading = Reading {
            generation_wh: pg * KWH,
            consumption_wh: pc * KWH,
            export_wh: pe * KWH,
            ..Reading::default()
        };
        chain.post_reading(meter, id, BASE, &reading).unwrap();
        prosumers.push((id, meter));
    }
    let mut consumers = Vec::new();
    for (i, &(_, node, c)) in CONSUMERS.iter().enumerate() {
        let meter = account(200 + i as u64);
        let id = chain
            .register_entity(EntityKind::Consumer, node, meter)
            .unwrap()
            .value;
        chain
            .post_reading(
                meter,
                id,
                BASE,
                &Reading {
                    consumption_wh: c * KWH,
                    ..Reading::default()
                },
            )
            .unwrap();
        consumers.push((id, meter));
    }
    Campus {
        chain,
        prosumers,
        consumers,
    }
}

impl Campus {
    fn allocation(&self) -> Allocation {
        Allocation {
            outage_id: OUTAGE,
            base_interval: BASE,
            delivery_interval: DELIVERY,
            consumers: self.consumers.iter().map(|c| c.0).collect(),
            suppliers: Vec::new(),
            shares: self
                .prosumers
                .iter()
                .zip(TABLE6)
                .map(
                    |(&(prosumer, _), (delta_wh, alpha_ppm, beta_ppm, reward_paise))| Share {
                        prosumer,
                        delta_wh,
                        alpha_ppm,
                        beta_ppm,
                        reward_paise,
                    },
                )
                .collect(),
        }
    }

    /// Each prosumer exports Pe + delta in the delivery interval.
    fn deliver(&mut self) {
        for (i, &(id, meter)) in self.prosumers.iter().enumerate() {
            let export_wh = PROSUMERS[i].2 * KWH + TABLE6[i].0;
            self.chain
                .post_reading(
                    meter,
                    id,
                    DELIVERY,
                    &Reading {
                        export_wh,
                        ..Reading::default()
                    },
                )
                .unwrap();
        }
    }
}

/// The revert reason of a call that must revert, else a panic naming what happened.
fn reason<T: std::fmt::Debug>(result: Result<T, ChainError>) -> String {
    match result {
        Err(ChainError::Reverted { reason, .. }) => reason,
        other => panic!("expected a revert, got {other:?}"),
    }
}

#[test]
fn find_entities_counts_and_lists_by_kind() {
    let mut c = campus();
    assert_eq!(c.chain.count_by_kind(EntityKind::Prosumer).unwrap(), 5);
    assert_eq!(c.chain.count_by_kind(EntityKind::Consumer).unwrap(), 3);
    assert_eq!(c.chain.count_by_kind(EntityKind::Der).unwrap(), 0);
    let prosumers: Vec<EntityId> = c.prosumers.iter().map(|p| p.0).collect();
    assert_eq!(
        c.chain.entities_by_kind(EntityKind::Prosumer).unwrap(),
        prosumers
    );
    assert_eq!(prosumers, (1..=5).map(EntityId).collect::<Vec<_>>());
    let again = reason(
        c.chain
            .register_entity(EntityKind::Consumer, 5, c.consumers[0].1),
    );
    assert!(again.starts_with("MeterAlreadyRegistered"), "{again}");
    let off_grid = reason(c.chain.register_entity(EntityKind::Der, 14, account(999)));
    assert_eq!(off_grid, "NodeOutOfRange { node: 14, nodeCount: 13 }");
}

#[test]
fn power_data_stores_the_posted_reading() {
    let mut c = campus();
    let p1 = c.prosumers[0].0;
    let r = c.chain.reading(p1, BASE).unwrap();
    assert_eq!(
        (r.generation_wh, r.consumption_wh, r.export_wh),
        (862_000, 616_000, 500_000)
    );
    assert!(reason(c.chain.reading(p1, DELIVERY)).starts_with("MissingReading"));
}

#[test]
fn power_balance_of_the_island_before_the_outage() {
    let mut c = campus();
    let b = c.chain.power_balance(BASE).unwrap();
    assert_eq!(b.value.consumption_wh, 2_007_000);
    assert_eq!(b.value.generation_wh, 1_750_000);
    assert_eq!(b.value.balance_wh, 257_000);
    assert_eq!(b.value.condition, Condition::ConsumptionExceedsGeneration);
    assert!(b.gas_used > 21_000);
    assert_eq!(
        reason(c.chain.power_balance(99)),
        "NoReadings { interval: 99 }"
    );
}

#[test]
fn tariff_computation_of_table5() {
    let mut c = campus();
    for (&(id, _), expected) in c.consumers.clone().iter().zip([270_480, 680_000, 713_150]) {
        let t = c.chain.compute_tariff(id, BASE).unwrap().value;
        assert_eq!((t.kind, t.tariff_paise), (EntityKind::Consumer, expected));
    }
    // Table 5's tariff at t−1 for prosumers: Pe × 3 INR/kWh.
    for (&(id, _), expected_inr) in c.prosumers.clone().iter().zip([1500, 600, 900, 450, 1800]) {
        let t = c.chain.compute_tariff(id, BASE).unwrap().value;
        assert_eq!(
            (t.kind, t.tariff_paise),
            (EntityKind::Prosumer, expected_inr * 100)
        );
    }
}

#[test]
fn on_chain_slab_tariff_equals_crate_tariff_for_every_kwh_to_1000() {
    let mut c = campus();
    let kseb = tariff::SlabSchedule::kseb_2022_23();
    for kwh in 0..=1000 {
        assert_eq!(
            c.chain.consumer_tariff_paise(kwh * KWH).unwrap(),
            paise(kseb.consumer_tariff_inr(kwh as f64)),
            "{kwh} kWh"
        );
    }
    for (kwh, expected_paise) in [
        (368, 270_480),
        (839, 713_150),
        (800, 680_000),
        (250, 134_500),
        (251, 155_620),
    ] {
        assert_eq!(
            c.chain.consumer_tariff_paise(kwh * KWH).unwrap(),
            expected_paise,
            "{kwh} kWh"
        );
    }
    for export_kwh in [0, 1, 150, 500, 1000] {
        assert_eq!(
            c.chain.prosumer_tariff_paise(export_kwh * KWH).unwrap(),
            paise(tariff::prosumer_tariff_inr(export_kwh as f64, 3.0)),
            "{export_kwh} kWh"
        );
    }
    // Whole paise, halves up: 2 Wh at 300 paise/kWh is 0.6 paise, 1 Wh is 0.3.
    assert_eq!(c.chain.prosumer_tariff_paise(2).unwrap(), 1);
    assert_eq!(c.chain.prosumer_tariff_paise(1).unwrap(), 0);
}

#[test]
fn a_telescopic_only_schedule_bills_like_crate_tariff() {
    let band = |up_to_kwh, rate_inr_per_kwh| tariff::Band {
        up_to_kwh,
        rate_inr_per_kwh,
    };
    let schedule = tariff::SlabSchedule {
        name: "two telescopic bands".into(),
        telescopic: vec![band(Some(100.0), 2.0), band(None, 5.0)],
        non_telescopic: vec![],
    };
    let mut c = campus();
    c.chain
        .set_slab_schedule(&SlabSchedule::try_from(&schedule).unwrap())
        .unwrap();
    for kwh in [0, 99, 100, 101, 1000] {
        assert_eq!(
            c.chain.consumer_tariff_paise(kwh * KWH).unwrap(),
            paise(schedule.consumer_tariff_inr(kwh as f64)),
            "{kwh} kWh"
        );
    }
}

#[test]
fn slab_schedule_is_validated() {
    let mut c = campus();
    let mut unbounded_missing = kseb();
    unbounded_missing.flat.pop();
    let r = reason(c.chain.set_slab_schedule(&unbounded_missing));
    assert!(r.contains("last band is not unbounded"), "{r}");
    let mut gap = kseb();
    gap.telescopic_limit_wh = 260 * KWH;
    let r = reason(c.chain.set_slab_schedule(&gap));
    assert!(
        r.contains("telescopic bands do not end at the limit"),
        "{r}"
    );
    let empty = SlabSchedule {
        telescopic_limit_wh: 0,
        telescopic: vec![],
        flat: vec![],
    };
    assert!(reason(c.chain.set_slab_schedule(&empty)).contains("no band"));
}

#[test]
fn table2_rows_agree_with_grid_eq1() {
    // Table 2: (Pc, P_pe, P_DER, P_BBI, P_BBD) in kWh.
    let rows = [
        (60, 20, 30, 40, 50),
        (20, 30, 10, 20, 30),
        (80, 40, 20, 10, 20),
    ];
    let mut chain = Chain::deploy(operator(), optimiser()).unwrap();
    chain.configure_network(4, 1, 900).unwrap();
    let kinds = [
        EntityKind::Consumer,
        EntityKind::Prosumer,
        EntityKind::Der,
        EntityKind::Battery,
    ];
    let ids: Vec<EntityId> = kinds
        .iter()
        .enumerate()
        .map(|(i, &kind)| {
            chain
                .register_entity(kind, i as u32 + 1, account(10 + i as u64))
                .unwrap()
                .value
        })
        .collect();
    for (interval, &(pc, p_pe, p_der, p_bbi, p_bbd)) in (1..).zip(rows.iter()) {
        let readings = [
            Reading {
                consumption_wh: pc * KWH,
                ..Reading::default()
            },
            Reading {
                export_wh: p_pe * KWH,
                ..Reading::default()
            },
            Reading {
                generation_wh: p_der * KWH,
                ..Reading::default()
            },
            Reading {
                battery_charge_wh: p_bbi * KWH,
                battery_discharge_wh: p_bbd * KWH,
                ..Reading::default()
            },
        ];
        for (i, reading) in readings.iter().enumerate() {
            chain
                .post_reading(account(10 + i as u64), ids[i], interval, reading)
                .unwrap();
        }
        let on_chain = chain.power_balance(interval).unwrap().value;
        let rust = BalanceTerms {
            consumption_kwh: pc as f64,
            battery_charge_kwh: p_bbi as f64,
            prosumer_export_kwh: p_pe as f64,
            der_kwh: p_der as f64,
            battery_discharge_kwh: p_bbd as f64,
        }
        .balance();
        let wh = |kwh: f64| (kwh * 1000.0).round();
        assert_eq!(
            on_chain.balance_wh as f64,
            wh(rust.p_bal_kwh),
            "row {interval}"
        );
        assert_eq!(
            on_chain.generation_wh as f64,
            wh(rust.generation_kwh),
            "row {interval}"
        );
        assert_eq!(
            on_chain.consumption_wh as f64,
            wh(rust.consumption_kwh),
            "row {interval}"
        );
        assert_eq!(on_chain.condition, rust.condition, "row {interval}");
    }
    let conditions = [
        Condition::Balanced,
        Condition::GenerationExceedsConsumption,
        Condition::ConsumptionExceedsGeneration,
    ];
    for (interval, expected) in (1..).zip(conditions) {
        assert_eq!(
            chain.power_balance(interval).unwrap().value.condition,
            expected
        );
    }
}

#[test]
fn optimisation_handler_records_table6_and_settles_once() {
    let mut c = campus();
    let allocation = c.allocation();
    let record = c
        .chain
        .record_allocation(optimiser(), &allocation)
        .unwrap()
        .value;
    assert_eq!(record.deficit_wh, 257_000);
    assert_eq!(record.covered_wh, 257_000);
    assert_eq!(record.rewards_paise, 603_872); // Table 6 costed: 6038.72 INR
    assert_eq!(record.budget_paise, 270_480 + 680_000 + 713_150);
    let again = reason(c.chain.record_allocation(optimiser(), &allocation));
    assert_eq!(again, "OutageAlreadyRecorded { outageId: 7 }");

    // Not delivered yet: no reading for the delivery interval, so nobody is paid.
    let recorded = allocation.recorded_shares();
    assert_eq!(
        reason(c.chain.settle(&recorded)),
        "NothingToSettle { outageId: 7 }"
    );
    c.deliver();
    let settlement = c.chain.settle(&recorded).unwrap().value;
    assert_eq!(settlement.short, []);
    let expected: Vec<Payment> = (c.prosumers.iter().zip(TABLE6))
        .map(|(&(prosumer, account), share)| Payment {
            prosumer,
            account,
            reward_paise: share.3,
        })
        .collect();
    assert_eq!(settlement.paid, expected);
    assert_eq!(settlement.paid_paise(), 603_872);
    for (&(_, meter), share) in c.prosumers.iter().zip(TABLE6) {
        assert_eq!(c.chain.balance_of(meter).unwrap(), share.3);
    }
    let p1 = c.prosumers[0];

    // Credits move like an ERC-20 token.
    c.chain.transfer(p1.1, account(3), 1_000).unwrap();
    assert_eq!(c.chain.balance_of(p1.1).unwrap(), TABLE6[0].3 - 1_000);
    assert_eq!(c.chain.balance_of(account(3)).unwrap(), 1_000);
    let overdraw = reason(c.chain.transfer(account(3), p1.1, 1_001));
    assert!(overdraw.starts_with("InsufficientBalance"), "{overdraw}");
}

#[test]
fn settlement_waits_for_the_promised_export() {
    let mut c = campus();
    let allocation = c.allocation();
    c.chain.record_allocation(optimiser(), &allocation).unwrap();
    let (p1, meter) = c.prosumers[0];
    let short = Reading {
        export_wh: 500_000 + 37_596,
        ..Reading::default()
    };
    c.chain.post_reading(meter, p1, DELIVERY, &short).unwrap();
    let recorded = allocation.recorded_shares();
    // P1 alone posted, one Wh short: nobody to pay.
    assert_eq!(
        reason(c.chain.settle(&recorded)),
        "NothingToSettle { outageId: 7 }"
    );
    // P2 delivers: it is paid, P1 is announced short, the others wait for their readings.
    let (p2, p2_meter) = c.prosumers[1];
    let delivered = Reading {
        export_wh: PROSUMERS[1].2 * KWH + TABLE6[1].0,
        ..Reading::default()
    };
    c.chain
        .post_reading(p2_meter, p2, DELIVERY, &delivered)
        .unwrap();
    let settlement = c.chain.settle(&recorded).unwrap().value;
    assert_eq!(settlement.short, [p1]);
    let paid: Vec<EntityId> = settlement.paid.iter().map(|p| p.prosumer).collect();
    assert_eq!(paid, [p2]);
    assert_eq!(c.chain.balance_of(meter).unwrap(), 0);
    assert_eq!(c.chain.balance_of(p2_meter).unwrap(), TABLE6[1].3);
    // P3 to P5 deliver later: a second settlement pays them, and P2 not again.
    for (i, &(id, meter)) in c.prosumers.iter().enumerate().skip(2) {
        let reading = Reading {
            export_wh: PROSUMERS[i].2 * KWH + TABLE6[i].0,
            ..Reading::default()
        };
        c.chain.post_reading(meter, id, DELIVERY, &reading).unwrap();
    }
    let later = c.chain.settle(&recorded).unwrap().value;
    let paid: Vec<EntityId> = later.paid.iter().map(|p| p.prosumer).collect();
    let rest: Vec<EntityId> = c.prosumers[2..].iter().map(|p| p.0).collect();
    assert_eq!(paid, rest);
    assert_eq!(c.chain.balance_of(p2_meter).unwrap(), TABLE6[1].3);
}

#[test]
fn settlement_is_passed_back_exactly_what_was_recorded() {
    let mut c = campus();
    let allocation = c.allocation();
    c.chain.record_allocation(optimiser(), &allocation).unwrap();
    c.deliver();
    let mut unknown = allocation.recorded_shares();
    unknown.outage_id = 8;
    assert_eq!(
        reason(c.chain.settle(&unknown)),
        "UnknownOutage { outageId: 8 }"
    );
    // A raised reward, a dropped share, a moved delivery interval: each is refused.
    let mut raised = allocation.recorded_shares();
    raised.shares[0].reward_paise += 1;
    let mut dropped = allocation.recorded_shares();
    dropped.shares.pop();
    let mut moved = allocation.recorded_shares();
    moved.delivery_interval += 1;
    for altered in [raised, dropped, moved] {
        assert_eq!(
            reason(c.chain.settle(&altered)),
            "NotTheRecordedAllocation { outageId: 7 }"
        );
    }
    for &(_, meter) in &c.prosumers {
        assert_eq!(c.chain.balance_of(meter).unwrap(), 0);
    }
}

#[test]
fn security_unauthorised_meter() {
    let mut c = campus();
    let stranger = account(666);
    let r = reason(
        c.chain
            .post_reading(stranger, c.prosumers[0].0, DELIVERY, &Reading::default()),
    );
    assert_eq!(r, format!("UnregisteredMeter {{ caller: {stranger:?} }}"));
}

#[test]
fn security_replayed_interval() {
    let mut c = campus();
    let (id, meter) = c.prosumers[1];
    let r = reason(c.chain.post_reading(meter, id, BASE, &Reading::default()));
    assert_eq!(r, "ReadingAlreadyPosted { entityId: 2, interval: 1 }");
}

#[test]
fn security_wrong_entity() {
    let mut c = campus();
    let meter_of_p1 = c.prosumers[0].1;
    let p2 = c.prosumers[1].0;
    let r = reason(
        c.chain
            .post_reading(meter_of_p1, p2, DELIVERY, &Reading::default()),
    );
    assert_eq!(
        r,
        format!("WrongEntity {{ caller: {meter_of_p1:?}, entityId: 2, ownEntityId: 1 }}")
    );
}

#[test]
fn security_non_optimiser_records_an_allocation() {
    let mut c = campus();
    let allocation = c.allocation();
    for intruder in [operator(), c.prosumers[0].1] {
        let r = reason(c.chain.record_allocation(intruder, &allocation));
        assert_eq!(r, format!("NotOptimiser {{ caller: {intruder:?} }}"));
    }
}

#[test]
fn security_allocation_over_budget() {
    let mut c = campus();
    let mut allocation = c.allocation();
    allocation.shares[4].reward_paise = 1_663_630; // the whole budget for P5 alone
    let r = reason(c.chain.record_allocation(optimiser(), &allocation));
    assert_eq!(
        r,
        "AllocationOverBudget { rewardsPaise: 2071522, budgetPaise: 1663630 }"
    );
}

#[test]
fn monthly_marginal_interval_tariffs_agree_with_the_crate_and_set_the_budget() {
    let mut c = campus();
    let kseb = tariff::SlabSchedule::kseb_2022_23();
    let marginal = tariff::IntervalPricing::MonthlyMarginal;
    let (c1, _) = c.consumers[0];
    // Unset: the interval is billed as a month (Table 5's C1: 2704.80 INR).
    assert_eq!(
        c.chain.interval_tariff_paise(c1, 368 * KWH).unwrap(),
        270_480
    );
    for monthly_wh in [
        1, 50_000, 50_001, 180_000, 250_000, 250_001, 420_000, 5_000_000,
    ] {
        c.chain.set_monthly_consumption(c1, monthly_wh).unwrap();
        for energy_wh in [0, 1, 250, 368_000, 839_000] {
            let crate_inr =
                kseb.interval_tariff_inr(energy_wh as f64 / 1e3, marginal, monthly_wh as f64 / 1e3);
            assert_eq!(
                c.chain.interval_tariff_paise(c1, energy_wh).unwrap(),
                paise(crate_inr),
                "{energy_wh} Wh of a {monthly_wh} Wh month"
            );
        }
    }
    // Every consumer at 8.50 INR/kWh (a month above 500 kWh): the budget is 2007 kWh × 8.50.
    for &(id, _) in &c.consumers.clone() {
        c.chain.set_monthly_consumption(id, 1_000_000).unwrap();
    }
    let record = c
        .chain
        .record_allocation(optimiser(), &c.allocation())
        .unwrap()
        .value;
    assert_eq!(record.budget_paise, 2_007 * 850);
    // Only consumers have a monthly consumption.
    let p1 = c.prosumers[0].0;
    let r = reason(c.chain.set_monthly_consumption(p1, 1_000));
    assert!(r.starts_with("NotConsumer"), "{r}");
}

#[test]
fn a_der_and_a_battery_bank_supply_the_island_before_the_prosumers() {
    let mut c = campus();
    // A DER generating 200 kWh and a bank giving out 60 and taking in 3: 257 kWh in all.
    let der_meter = account(300);
    let der = c
        .chain
        .register_entity(EntityKind::Der, 6, der_meter)
        .unwrap()
        .value;
    let reading = Reading {
        generation_wh: 200 * KWH,
        ..Reading::default()
    };
    c.chain
        .post_reading(der_meter, der, BASE, &reading)
        .unwrap();
    let bank_meter = account(301);
    let bank = c
        .chain
        .register_entity(EntityKind::Battery, 6, bank_meter)
        .unwrap()
        .value;
    let reading = Reading {
        battery_discharge_wh: 60 * KWH,
        battery_charge_wh: 3 * KWH,
        ..Reading::default()
    };
    c.chain
        .post_reading(bank_meter, bank, BASE, &reading)
        .unwrap();
    let mut allocation = c.allocation();
    allocation.suppliers = vec![der, bank];
    for share in &mut allocation.shares {
        (share.delta_wh, share.alpha_ppm, share.beta_ppm) = (0, 0, 0);
    }
    let record = c
        .chain
        .record_allocation(optimiser(), &allocation)
        .unwrap()
        .value;
    assert_eq!((record.deficit_wh, record.covered_wh), (0, 0));
    // A prosumer is not a supplier.
    let mut wrong = c.allocation();
    wrong.outage_id += 1;
    wrong.suppliers = vec![c.prosumers[0].0];
    let r = reason(c.chain.record_allocation(optimiser(), &wrong));
    assert!(r.starts_with("WrongKind"), "{r}");
}

#[test]
fn security_allocation_short_of_deficit() {
    let mut c = campus();
    let mut allocation = c.allocation();
    allocation.shares[3].delta_wh -= 1;
    let r = reason(c.chain.record_allocation(optimiser(), &allocation));
    assert_eq!(
        r,
        "AllocationShortOfDeficit { coveredWh: 256999, deficitWh: 257000 }"
    );
}

#[test]
fn security_double_settlement() {
    let mut c = campus();
    let allocation = c.allocation();
    c.chain.record_allocation(optimiser(), &allocation).unwrap();
    c.deliver();
    let (_, meter) = c.prosumers[3];
    let recorded = allocation.recorded_shares();
    c.chain.settle(&recorded).unwrap();
    assert_eq!(
        reason(c.chain.settle(&recorded)),
        "NothingToSettle { outageId: 7 }"
    );
    assert_eq!(c.chain.balance_of(meter).unwrap(), TABLE6[3].3, "paid once");
}

#[test]
fn allocation_shares_must_name_prosumers_once() {
    let mut c = campus();
    let mut allocation = c.allocation();
    allocation.shares.swap(0, 1);
    assert_eq!(
        reason(c.chain.record_allocation(optimiser(), &allocation)),
        "IdsNotAscending { previousId: 2, id: 1 }"
    );
    let mut allocation = c.allocation();
    allocation.consumers[0] = c.prosumers[4].0;
    assert_eq!(
        reason(c.chain.record_allocation(optimiser(), &allocation)),
        "WrongKind { entityId: 5, kind: 0, expected: 1 }"
    );
}

#[test]
fn clones_are_independent() {
    let c = campus();
    let mut run_a = c.chain.clone();
    let mut run_b = c.chain.clone();
    let (id, meter) = c.prosumers[0];
    run_a.set_block(2, 1_800, None);
    run_a
        .post_reading(
            meter,
            id,
            DELIVERY,
            &Reading {
                export_wh: 1,
                ..Reading::default()
            },
        )
        .unwrap();
    assert_eq!(run_a.reading(id, DELIVERY).unwrap().export_wh, 1);
    assert!(reason(run_b.reading(id, DELIVERY)).starts_with("MissingReading"));
    run_b
        .post_reading(
            meter,
            id,
            DELIVERY,
            &Reading {
                export_wh: 2,
                ..Reading::default()
            },
        )
        .unwrap();
    assert_eq!(run_b.reading(id, DELIVERY).unwrap().export_wh, 2);
}

/// A sweep clones one deployed chain from many rayon threads and moves each clone into its run.
#[test]
fn chain_is_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Chain>();
}

#[test]
fn gas_report_lists_the_five_functions_in_order() {
    // campus13 deployed as the simulator deploys it: five prosumers, three consumers, one DER.
    let scenario = blackstart::scenario::load(std::path::Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/campus13.yaml"
    )))
    .unwrap();
    let entities = EntityTable::new(&scenario);
    let shares = (0..)
        .zip(TABLE6)
        .map(
            |(index, (delta_wh, alpha_ppm, beta_ppm, reward_paise))| Share {
                prosumer: entities.chain_id(index),
                delta_wh,
                alpha_ppm,
                beta_ppm,
                reward_paise,
            },
        )
        .collect();
    let report = gas_report(&scenario, &entities, shares).unwrap();
    let functions: Vec<Function> = report.functions.iter().map(|f| f.function).collect();
    assert_eq!(functions, Function::ALL);
    // Every entity registers and posts; only prosumers and consumers are billed.
    let calls: Vec<u32> = report.functions.iter().map(|f| f.calls).collect();
    assert_eq!(calls, [9, 9, 1, 8, 1]);
    for f in &report.functions {
        assert!(f.gas > 21_000 && f.gas < 1 << 24, "{f:?}");
        println!("{}: {} gas", f.function.name(), f.gas);
    }
    let json = serde_json::to_string(&report.functions[0]).unwrap();
    assert!(
        json.starts_with(r#"{"name":"FindEntities","gas":"#),
        "{json}"
    );
    // The same nine readings in one batch: under 60 % of the gas per reading of single posts.
    let batch = report.power_data_batch;
    println!(
        "PowerData, batched: {} gas per reading ({} readings, {} gas)",
        batch.gas_per_reading, batch.readings, batch.gas
    );
    assert_eq!(batch.readings, 9);
    assert!(
        batch.gas_per_reading * 10 < report.functions[1].gas * 6,
        "{batch:?}"
    );
    // That batch shows every prosumer's delivery: one settlement pays all five.
    println!("settle: {} gas", report.settlement.gas);
    assert_eq!(report.settlement.paid, 5);
}

#[test]
fn a_transaction_that_would_overfill_its_block_changes_nothing() {
    let c = campus();
    let mut chain = c.chain.clone();
    let reading = Reading {
        export_wh: 7,
        ..Reading::default()
    };
    let [(first, first_meter), (second, second_meter)] = [c.prosumers[0], c.prosumers[1]];
    // Measure one posting's gas on a copy, then give a block room for one posting only.
    let mut probe = chain.clone();
    let gas = probe
        .post_reading(first_meter, first, DELIVERY, &reading)
        .unwrap()
        .gas_used;
    chain.set_block(2, 1_800, Some(gas + gas / 2));
    chain
        .post_reading(first_meter, first, DELIVERY, &reading)
        .unwrap();
    let full = chain.post_reading(second_meter, second, DELIVERY, &reading);
    assert!(
        matches!(full, Err(ChainError::BlockFull { gas_left, .. }) if gas_left == gas / 2),
        "{full:?}"
    );
    assert!(reason(chain.reading(second, DELIVERY)).starts_with("MissingReading"));
    // The next block has room again.
    chain.set_block(3, 1_812, Some(gas + gas / 2));
    chain
        .post_reading(second_meter, second, DELIVERY, &reading)
        .unwrap();
    assert_eq!(chain.reading(second, DELIVERY).unwrap().export_wh, 7);
}

/// campus13's base-interval readings, as `campus` posts them one by one, by entity id.
fn campus_readings(c: &mut Campus) -> Vec<(EntityId, Reading)> {
    let ids: Vec<EntityId> = c
        .prosumers
        .iter()
        .chain(&c.consumers)
        .map(|e| e.0)
        .collect();
    ids.into_iter()
        .map(|id| (id, c.chain.reading(id, BASE).unwrap()))
        .collect()
}

#[test]
fn a_batch_posts_readings_that_balance_and_bill_as_single_posts_do() {
    let mut c = campus();
    let readings = campus_readings(&mut c);
    let mut batched = c.chain.clone();
    let receipt = batched
        .post_readings(collector(), DELIVERY, &readings)
        .unwrap();
    // Singly, the same readings for the same interval, meter by meter.
    let meters: Vec<Address> = c
        .prosumers
        .iter()
        .chain(&c.consumers)
        .map(|e| e.1)
        .collect();
    let mut single_gas = 0;
    for (&(id, reading), &meter) in readings.iter().zip(&meters) {
        single_gas += c
            .chain
            .post_reading(meter, id, DELIVERY, &reading)
            .unwrap()
            .gas_used;
    }
    let n = readings.len() as u64;
    println!(
        "{n} readings: {} gas per reading batched, {} singly",
        receipt.gas_used / n,
        single_gas / n
    );
    // One transaction for all: under 60 % of the gas of single posts (57 % here; and 41 % of
    // the 97,444 gas a single post cost before readings and sums kept battery terms in a slot
    // of their own).
    assert!(receipt.gas_used * 10 < single_gas * 6, "{receipt:?}");
    let batch_balance = batched.power_balance(DELIVERY).unwrap().value;
    assert_eq!(
        batch_balance,
        c.chain.power_balance(DELIVERY).unwrap().value
    );
    assert_eq!(batch_balance.balance_wh, 257_000);
    for &(id, reading) in &readings {
        assert_eq!(batched.reading(id, DELIVERY).unwrap(), reading);
        assert_eq!(
            batched.compute_tariff(id, DELIVERY).unwrap().value,
            c.chain.compute_tariff(id, DELIVERY).unwrap().value
        );
    }
}

#[test]
fn a_batch_and_a_single_post_of_the_same_reading_conflict() {
    let mut c = campus();
    let (p1, meter) = c.prosumers[0];
    let (p2, _) = c.prosumers[1];
    let reading = Reading {
        export_wh: 1,
        ..Reading::default()
    };
    // A single post first: the batch that repeats it reverts whole.
    c.chain.post_reading(meter, p1, DELIVERY, &reading).unwrap();
    let r = reason(
        c.chain
            .post_readings(collector(), DELIVERY, &[(p1, reading), (p2, reading)]),
    );
    assert_eq!(r, "ReadingAlreadyPosted { entityId: 1, interval: 2 }");
    assert!(reason(c.chain.reading(p2, DELIVERY)).starts_with("MissingReading"));
    // A batch first: the meter's own post of the same interval reverts.
    c.chain
        .post_readings(collector(), DELIVERY, &[(p2, reading)])
        .unwrap();
    let (_, p2_meter) = c.prosumers[1];
    let r = reason(c.chain.post_reading(p2_meter, p2, DELIVERY, &reading));
    assert_eq!(r, "ReadingAlreadyPosted { entityId: 2, interval: 2 }");
    // And a second batch of an entity already batched.
    let r = reason(
        c.chain
            .post_readings(collector(), DELIVERY, &[(p2, reading)]),
    );
    assert_eq!(r, "ReadingAlreadyPosted { entityId: 2, interval: 2 }");
}

#[test]
fn security_batches_are_checked_entry_by_entry() {
    let mut c = campus();
    let r = Reading::default();
    let [(p1, _), (p2, _)] = [c.prosumers[0], c.prosumers[1]];
    let mut post =
        |batch: &[(EntityId, Reading)]| reason(c.chain.post_readings(collector(), DELIVERY, batch));
    assert_eq!(post(&[]), "EmptyBatch");
    assert_eq!(post(&[(p1, r), (p1, r)]), "DuplicateEntity { entityId: 1 }");
    assert_eq!(
        post(&[(p2, r), (p1, r)]),
        "EntitiesNotAscending { previousId: 2, entityId: 1 }"
    );
    assert_eq!(
        post(&[(p1, r), (EntityId(99), r)]),
        "UnknownEntity { id: 99 }"
    );
    assert_eq!(post(&[(EntityId(0), r)]), "UnknownEntity { id: 0 }");
    let r = reason(
        c.chain
            .post_readings_unpaired(collector(), DELIVERY, &[p1, p2], &[r]),
    );
    assert_eq!(r, "BatchLengthMismatch { entityIds: 2, readings: 1 }");
    // Nothing of the rejected batches was stored.
    assert!(reason(c.chain.reading(p1, DELIVERY)).starts_with("MissingReading"));
    assert!(reason(c.chain.power_balance(DELIVERY)).starts_with("NoReadings"));
}

#[test]
fn security_only_the_collector_posts_a_batch() {
    let mut c = campus();
    let (p1, p1_meter) = c.prosumers[0];
    let batch = [(p1, Reading::default())];
    // Not the entity's own meter, not the operator, not the optimiser, not a stranger.
    for intruder in [p1_meter, operator(), optimiser(), account(666)] {
        let r = reason(c.chain.post_readings(intruder, DELIVERY, &batch));
        assert_eq!(r, format!("NotCollector {{ caller: {intruder:?} }}"));
    }
    // The collector posts no single reading: it is no meter.
    let r = reason(
        c.chain
            .post_reading(collector(), p1, DELIVERY, &Reading::default()),
    );
    assert_eq!(
        r,
        format!("UnregisteredMeter {{ caller: {:?} }}", collector())
    );
    // The operator moves the role: the old collector is refused, the new one posts.
    let successor = account(5);
    c.chain.set_collector(successor).unwrap();
    let r = reason(c.chain.post_readings(collector(), DELIVERY, &batch));
    assert_eq!(r, format!("NotCollector {{ caller: {:?} }}", collector()));
    c.chain.post_readings(successor, DELIVERY, &batch).unwrap();
    // Zero revokes batching.
    c.chain.set_collector(Address::ZERO).unwrap();
    let r = reason(c.chain.post_readings(successor, DELIVERY + 1, &batch));
    assert!(r.starts_with("NotCollector"), "{r}");
}
