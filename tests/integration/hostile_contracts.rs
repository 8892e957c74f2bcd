//! The contracts under attack (issue 12 §7): calls from accounts that must be refused (the
//! operator-only and minter guards, through [`Chain::acting_as`] and [`Chain::mint`]), the
//! allocation guards (share range, interval order, empty allocation), the collector's guard on
//! batches of readings, readings and amounts at the ends of their integer types (checked
//! arithmetic: exact or a revert, never a wrapped number), and reentrancy (no contract calls out
//! to code it does not know).

use blackstart::chain::{
    Address, Allocation, Chain, ChainError, EntityId, EntityKind, Reading, Share, Slab,
    SlabSchedule, account,
};
use blackstart::grid::Condition;
use blackstart::tariff;

const BASE: u64 = 1;
const DELIVERY: u64 = 2;
const OUTAGE: u64 = 3;
/// Prosumer base tariff, paise per kWh.
const BT: u64 = 300;

fn operator() -> Address {
    account(1)
}
fn optimiser() -> Address {
    account(2)
}
fn stranger() -> Address {
    account(666)
}
fn collector() -> Address {
    account(3)
}

/// A small island: prosumers P1 (node 7, exports 100 kWh) and P2 (node 8, 50 kWh), consumer C1
/// (node 4, 200 kWh) with their base-interval readings posted: deficit 50 kWh.
struct Island {
    chain: Chain,
    prosumers: [(EntityId, Address); 2],
    consumer: (EntityId, Address),
}

fn island() -> Island {
    let mut chain = Chain::deploy(operator(), optimiser()).unwrap();
    chain.configure_network(13, 1, 900).unwrap();
    chain.set_base_tariff(BT).unwrap();
    let kseb = SlabSchedule::try_from(&tariff::SlabSchedule::kseb_2022_23()).unwrap();
    chain.set_slab_schedule(&kseb).unwrap();
    chain.set_collector(collector()).unwrap();
    let mut entity = |kind, node, meter, reading: Reading| {
        let id = chain.register_entity(kind, node, meter).unwrap().value;
        chain.post_reading(meter, id, BASE, &reading).unwrap();
        (id, meter)
    };
    let export = |export_wh| Reading {
        export_wh,
        ..Reading::default()
    };
    let p1 = entity(EntityKind::Prosumer, 7, account(100), export(100_000));
    let p2 = entity(EntityKind::Prosumer, 8, account(101), export(50_000));
    let consumption = Reading {
        consumption_wh: 200_000,
        ..Reading::default()
    };
    let c1 = entity(EntityKind::Consumer, 4, account(200), consumption);
    Island {
        chain,
        prosumers: [p1, p2],
        consumer: c1,
    }
}

impl Island {
    /// Each prosumer covers half the 50 kWh deficit for 1000 paise.
    fn allocation(&self) -> Allocation {
        Allocation {
            outage_id: OUTAGE,
            base_interval: BASE,
            delivery_interval: DELIVERY,
            consumers: vec![self.consumer.0],
            suppliers: Vec::new(),
            shares: self
                .prosumers
                .iter()
                .map(|&(prosumer, _)| Share {
                    prosumer,
                    delta_wh: 25_000,
                    alpha_ppm: 0,
                    beta_ppm: 0,
                    reward_paise: 1_000,
                })
                .collect(),
        }
    }

    fn record(&mut self, allocation: &Allocation) -> Result<(), ChainError> {
        self.chain
            .record_allocation(optimiser(), allocation)
            .map(|_| ())
    }
}

/// The revert reason of a call that must revert, else a panic naming what happened.
fn reason<T: std::fmt::Debug>(result: Result<T, ChainError>) -> String {
    match result {
        Err(ChainError::Reverted { reason, .. }) => reason,
        other => panic!("expected a revert, got {other:?}"),
    }
}

fn not_operator(caller: Address) -> String {
    format!("NotOperator {{ caller: {caller:?} }}")
}

#[test]
fn only_the_operator_configures_the_network_and_registers_entities() {
    let fresh = Chain::deploy(operator(), optimiser()).unwrap();
    for intruder in [stranger(), optimiser()] {
        let mut as_intruder = fresh.acting_as(intruder);
        assert_eq!(
            reason(as_intruder.configure_network(13, 1, 900)),
            not_operator(intruder)
        );
    }
    let mut c = island();
    for intruder in [stranger(), optimiser(), c.prosumers[0].1] {
        let mut as_intruder = c.chain.acting_as(intruder);
        let meter = account(300);
        assert_eq!(
            reason(as_intruder.register_entity(EntityKind::Der, 6, meter)),
            not_operator(intruder)
        );
    }
    assert_eq!(c.chain.count_by_kind(EntityKind::Der).unwrap(), 0);
    // The real operator still can: the guard is about the caller, not the call.
    c.chain
        .register_entity(EntityKind::Der, 6, account(300))
        .unwrap();
    assert_eq!(c.chain.count_by_kind(EntityKind::Der).unwrap(), 1);
}

#[test]
fn only_the_operator_sets_tariffs() {
    let mut c = island();
    let before = (
        c.chain.prosumer_tariff_paise(100_000).unwrap(),
        c.chain.consumer_tariff_paise(200_000).unwrap(),
        c.chain
            .interval_tariff_paise(c.consumer.0, 200_000)
            .unwrap(),
    );
    let mut intruder = c.chain.acting_as(stranger());
    assert_eq!(
        reason(intruder.set_base_tariff(1_000_000)),
        not_operator(stranger())
    );
    let free_power = SlabSchedule {
        telescopic_limit_wh: 0,
        telescopic: Vec::new(),
        flat: vec![Slab {
            up_to_wh: Slab::UNBOUNDED_WH,
            rate_paise_per_kwh: 1,
        }],
    };
    assert_eq!(
        reason(intruder.set_slab_schedule(&free_power)),
        not_operator(stranger())
    );
    assert_eq!(
        reason(intruder.set_monthly_consumption(c.consumer.0, 1)),
        not_operator(stranger())
    );
    // Nothing changed, in the intruder's copy or the original: 100 kWh at 300 paise/kWh, and
    // the KSEB bill of 200 kWh billed as a month (not 200 paise at the intruder's rate).
    for chain in [&mut intruder, &mut c.chain] {
        let after = (
            chain.prosumer_tariff_paise(100_000).unwrap(),
            chain.consumer_tariff_paise(200_000).unwrap(),
            chain.interval_tariff_paise(c.consumer.0, 200_000).unwrap(),
        );
        assert_eq!(after, before);
    }
    assert_eq!(before.0, 30_000);
    assert_ne!(before.1, 200);
}

#[test]
fn only_the_operator_sets_the_minter_and_only_once() {
    let mut c = island();
    assert_eq!(
        reason(c.chain.acting_as(stranger()).set_minter(stranger())),
        not_operator(stranger())
    );
    let again = reason(c.chain.set_minter(operator()));
    assert!(
        again.starts_with("MinterAlreadySet { minter: 0x"),
        "{again}"
    );
}

#[test]
fn only_the_handler_mints_reward_credits() {
    let mut c = island();
    let p1_meter = c.prosumers[0].1;
    for intruder in [operator(), optimiser(), p1_meter, stranger()] {
        assert_eq!(
            reason(c.chain.mint(intruder, p1_meter, 1_000_000)),
            format!("NotMinter {{ caller: {intruder:?} }}")
        );
    }
    assert_eq!(c.chain.balance_of(p1_meter).unwrap(), 0);
}

#[test]
fn anyone_may_settle_but_the_reward_goes_to_the_prosumers_meter() {
    let mut c = island();
    let allocation = c.allocation();
    c.record(&allocation).unwrap();
    let (p1, meter) = c.prosumers[0];
    let delivered = Reading {
        export_wh: 125_000,
        ..Reading::default()
    };
    c.chain
        .post_reading(meter, p1, DELIVERY, &delivered)
        .unwrap();
    let mut as_stranger = c.chain.acting_as(stranger());
    let settlement = as_stranger
        .settle(&allocation.recorded_shares())
        .unwrap()
        .value;
    let paid: Vec<_> = settlement
        .paid
        .iter()
        .map(|p| (p.prosumer, p.account, p.reward_paise))
        .collect();
    assert_eq!(paid, [(p1, meter, 1_000)]);
    assert_eq!(as_stranger.balance_of(meter).unwrap(), 1_000);
    assert_eq!(as_stranger.balance_of(stranger()).unwrap(), 0);
}

#[test]
fn shares_above_one_million_ppm_are_refused_and_one_million_is_accepted() {
    let mut c = island();
    let p1 = c.prosumers[0].0;
    for (alpha_ppm, beta_ppm) in [(1_000_001, 0), (0, 1_000_001), (u32::MAX, u32::MAX)] {
        let mut allocation = c.allocation();
        allocation.shares[0].alpha_ppm = alpha_ppm;
        allocation.shares[0].beta_ppm = beta_ppm;
        assert_eq!(
            reason(c.record(&allocation)),
            format!(
                "ShareOutOfRange {{ prosumerId: {p1}, alphaPpm: {alpha_ppm}, betaPpm: {beta_ppm} }}",
                p1 = p1.0
            )
        );
    }
    let mut allocation = c.allocation();
    allocation.shares[0].alpha_ppm = 1_000_000;
    allocation.shares[0].beta_ppm = 1_000_000;
    c.record(&allocation).unwrap();
}

#[test]
fn delivery_must_come_after_the_base_interval() {
    let mut c = island();
    for delivery_interval in [BASE, BASE - 1] {
        let mut allocation = c.allocation();
        allocation.delivery_interval = delivery_interval;
        assert_eq!(
            reason(c.record(&allocation)),
            format!(
                "IntervalsOutOfOrder {{ baseInterval: {BASE}, deliveryInterval: {delivery_interval} }}"
            )
        );
    }
}

#[test]
fn an_allocation_needs_a_prosumer_and_a_consumer() {
    let mut c = island();
    let mut no_shares = c.allocation();
    no_shares.shares.clear();
    assert_eq!(reason(c.record(&no_shares)), "EmptyAllocation");
    let mut no_consumers = c.allocation();
    no_consumers.consumers.clear();
    assert_eq!(reason(c.record(&no_consumers)), "EmptyAllocation");
    // None of these recorded anything: the full allocation still can be.
    let allocation = c.allocation();
    c.record(&allocation).unwrap();
}

#[test]
fn extreme_readings_are_exact_or_revert_never_wrap() {
    let mut c = island();
    let interval = 9;
    let (p1, p1_meter) = c.prosumers[0];
    let (c1, c1_meter) = c.consumer;
    let max = Reading {
        generation_wh: u64::MAX,
        consumption_wh: u64::MAX,
        export_wh: u64::MAX,
        battery_charge_wh: u64::MAX,
        battery_discharge_wh: u64::MAX,
    };
    c.chain.post_reading(p1_meter, p1, interval, &max).unwrap();
    c.chain.post_reading(c1_meter, c1, interval, &max).unwrap();
    assert_eq!(c.chain.reading(p1, interval).unwrap(), max);
    // Eq. 1 on the extremes: P1 exports u64::MAX, C1 consumes u64::MAX: exactly balanced.
    let balance = c.chain.power_balance(interval).unwrap().value;
    assert_eq!(
        (
            balance.generation_wh,
            balance.consumption_wh,
            balance.balance_wh
        ),
        (u64::MAX, u64::MAX, 0)
    );
    assert_eq!(balance.condition, Condition::Balanced);

    // A second export would take the interval's Σ export past u64: the post reverts (checked
    // arithmetic), it does not wrap, and the interval keeps its exact totals.
    let (p2, p2_meter) = c.prosumers[1];
    let one = Reading {
        export_wh: 1,
        ..Reading::default()
    };
    let overflow = reason(c.chain.post_reading(p2_meter, p2, interval, &one));
    assert!(overflow.contains("overflow"), "{overflow}");
    assert!(reason(c.chain.reading(p2, interval)).starts_with("MissingReading"));
    let balance = c.chain.power_balance(interval).unwrap().value;
    assert_eq!((balance.generation_wh, balance.balance_wh), (u64::MAX, 0));

    // Tariffs are computed in 256 bits: exact, rounded to the paisa, halves up.
    let expected = (u128::from(u64::MAX) * u128::from(BT) + 500) / 1000;
    assert_eq!(
        u128::from(c.chain.prosumer_tariff_paise(u64::MAX).unwrap()),
        expected
    );
}

#[test]
fn only_the_operator_sets_the_collector() {
    let mut c = island();
    let (p1, p1_meter) = c.prosumers[0];
    for intruder in [stranger(), optimiser(), p1_meter, collector()] {
        let mut as_intruder = c.chain.acting_as(intruder);
        assert_eq!(
            reason(as_intruder.set_collector(intruder)),
            not_operator(intruder)
        );
    }
    // Still the operator's collector, and only it.
    let batch = [(p1, Reading::default())];
    let r = reason(c.chain.post_readings(stranger(), DELIVERY, &batch));
    assert_eq!(r, format!("NotCollector {{ caller: {:?} }}", stranger()));
    c.chain
        .post_readings(collector(), DELIVERY, &batch)
        .unwrap();
}

#[test]
fn no_one_posts_a_batch_for_others_but_the_collector() {
    let mut c = island();
    let (p1, p1_meter) = c.prosumers[0];
    let (p2, _) = c.prosumers[1];
    let r = Reading::default();
    // A meter may not post even its own reading as a batch, nor another's.
    for batch in [vec![(p1, r)], vec![(p1, r), (p2, r)], vec![(p2, r)]] {
        assert_eq!(
            reason(c.chain.post_readings(p1_meter, DELIVERY, &batch)),
            format!("NotCollector {{ caller: {p1_meter:?} }}")
        );
    }
    // Before the operator names a collector, no one may post a batch, the operator included.
    let mut fresh = Chain::deploy(operator(), optimiser()).unwrap();
    fresh.configure_network(13, 1, 900).unwrap();
    let id = fresh
        .register_entity(EntityKind::Consumer, 4, account(200))
        .unwrap()
        .value;
    for caller in [operator(), account(200), Address::ZERO] {
        assert_eq!(
            reason(fresh.post_readings(caller, BASE, &[(id, r)])),
            format!("NotCollector {{ caller: {caller:?} }}")
        );
    }
}

#[test]
fn extreme_readings_in_a_batch_are_exact_or_revert_the_whole_batch() {
    let mut c = island();
    let interval = 9;
    let [(p1, _), (p2, _)] = c.prosumers;
    let (c1, _) = c.consumer;
    let max = Reading {
        generation_wh: u64::MAX,
        consumption_wh: u64::MAX,
        export_wh: u64::MAX,
        battery_charge_wh: u64::MAX,
        battery_discharge_wh: u64::MAX,
    };
    let one = Reading {
        export_wh: 1,
        ..Reading::default()
    };
    // P2's export would take Σ export past u64: the batch reverts whole, P1's and C1's
    // readings included (checked arithmetic, never a wrapped sum).
    let overflow = reason(c.chain.post_readings(
        collector(),
        interval,
        &[(p1, max), (p2, one), (c1, max)],
    ));
    assert!(overflow.contains("overflow"), "{overflow}");
    for id in [p1, p2, c1] {
        assert!(reason(c.chain.reading(id, interval)).starts_with("MissingReading"));
    }
    assert!(reason(c.chain.power_balance(interval)).starts_with("NoReadings"));
    // Without P2 the batch is exact, the battery terms included.
    c.chain
        .post_readings(collector(), interval, &[(p1, max), (c1, max)])
        .unwrap();
    assert_eq!(c.chain.reading(p1, interval).unwrap(), max);
    assert_eq!(c.chain.reading(c1, interval).unwrap(), max);
    let balance = c.chain.power_balance(interval).unwrap().value;
    assert_eq!(
        (
            balance.generation_wh,
            balance.consumption_wh,
            balance.balance_wh
        ),
        (u64::MAX, u64::MAX, 0)
    );
    // P2's meter posting singly still overflows: batch and single posts share the sums.
    let (_, p2_meter) = c.prosumers[1];
    let overflow = reason(c.chain.post_reading(p2_meter, p2, interval, &one));
    assert!(overflow.contains("overflow"), "{overflow}");
}

#[test]
fn extreme_allocations_are_refused_not_wrapped() {
    let mut c = island();
    // Σ reward of two u64::MAX rewards is 2^65 − 2 paise: over budget, counted exactly.
    let mut allocation = c.allocation();
    for share in &mut allocation.shares {
        share.reward_paise = u64::MAX;
    }
    let over = reason(c.record(&allocation));
    let sum = 2 * u128::from(u64::MAX);
    assert!(
        over.starts_with(&format!("AllocationOverBudget {{ rewardsPaise: {sum}, ")),
        "{over}"
    );
    // A delta of u64::MAX Wh with the other share's 25 kWh: Σ delta is past 64 bits, refused
    // with the exact total (the promise, export + delta, is only ever computed in 256 bits).
    let mut allocation = c.allocation();
    allocation.shares[0].delta_wh = u64::MAX;
    let covered = u128::from(u64::MAX) + 25_000;
    let refused = reason(c.record(&allocation));
    assert!(
        refused.starts_with(&format!(
            "TotalsOutOfRange {{ deficitWh: 50000, coveredWh: {covered}, "
        )),
        "{refused}"
    );
    // Each promise fits in 64 bits but Σ delta does not: refused with the exact totals, where
    // it used to be recorded and then fail to decode (a failure reported after the commit).
    let mut allocation = c.allocation();
    allocation.shares[0].delta_wh = u64::MAX - 100_000;
    allocation.shares[1].delta_wh = u64::MAX - 100_000;
    let covered = 2 * u128::from(u64::MAX - 100_000);
    assert_eq!(
        reason(c.record(&allocation)),
        format!(
            "TotalsOutOfRange {{ deficitWh: 50000, coveredWh: {covered}, rewardsPaise: 2000, budgetPaise: {budget} }}",
            budget = budget_paise(&mut c)
        )
    );
    // The intact allocation still records: nothing was half-written.
    let allocation = c.allocation();
    c.record(&allocation).unwrap();
}

/// The eq. 5 budget of the island's base interval: C1's bill for its 200 kWh.
fn budget_paise(c: &mut Island) -> u64 {
    c.chain
        .interval_tariff_paise(c.consumer.0, 200_000)
        .unwrap()
}

/// A deficit above 64 bits (C1 consumes u64::MAX and a battery bank charges u64::MAX in the
/// same interval, two eq. 1 terms each within range) was stored truncated to its low 64 bits;
/// now the allocation is refused with the exact deficit.
#[test]
fn a_deficit_beyond_64_bits_is_refused_not_truncated() {
    let mut c = island();
    let (base, delivery) = (20, 21);
    let battery_meter = account(400);
    let battery = c
        .chain
        .register_entity(EntityKind::Battery, 5, battery_meter)
        .unwrap()
        .value;
    let charge = Reading {
        battery_charge_wh: u64::MAX,
        ..Reading::default()
    };
    c.chain
        .post_reading(battery_meter, battery, base, &charge)
        .unwrap();
    let (c1, c1_meter) = c.consumer;
    let consumption = Reading {
        consumption_wh: u64::MAX,
        ..Reading::default()
    };
    c.chain
        .post_reading(c1_meter, c1, base, &consumption)
        .unwrap();
    for &(id, meter) in &c.prosumers {
        c.chain
            .post_reading(meter, id, base, &Reading::default())
            .unwrap();
    }
    let mut allocation = c.allocation();
    allocation.base_interval = base;
    allocation.delivery_interval = delivery;
    allocation.suppliers = vec![battery];
    for share in &mut allocation.shares {
        share.delta_wh = u64::MAX;
    }
    let deficit = 2 * u128::from(u64::MAX);
    let refused = reason(c.record(&allocation));
    assert!(
        refused.starts_with(&format!(
            "TotalsOutOfRange {{ deficitWh: {deficit}, coveredWh: {deficit}, rewardsPaise: 2000, "
        )),
        "{refused}"
    );
}

/// The opcodes of `code` (runtime bytecode without its CBOR metadata), PUSH data skipped.
fn opcodes(code: &[u8]) -> Vec<u8> {
    let metadata = usize::from(u16::from_be_bytes([
        code[code.len() - 2],
        code[code.len() - 1],
    ]));
    let code = &code[..code.len() - 2 - metadata];
    let mut ops = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let op = code[i];
        ops.push(op);
        // PUSH1..PUSH32 carry 1..32 bytes of data.
        i += 1 + if (0x60..=0x7f).contains(&op) {
            usize::from(op - 0x5f)
        } else {
            0
        };
    }
    ops
}

/// Reentrancy needs a contract to hand control to code it does not know. The only opcode that
/// can (a state-changing call) appears once, in OptimisationHandler: `settle`'s `ledger.mint`,
/// to the ledger fixed at deployment, after the share is marked settled. The ledger calls out
/// to no one, and no contract delegates or self-destructs; every other call is a STATICCALL
/// (views), which cannot change state.
#[test]
fn no_contract_hands_control_to_unknown_code() {
    const CALL: u8 = 0xf1;
    const CALLCODE: u8 = 0xf2;
    const DELEGATECALL: u8 = 0xf4;
    const CREATE: u8 = 0xf0;
    const CREATE2: u8 = 0xf5;
    const SELFDESTRUCT: u8 = 0xff;
    let artifacts = [
        include_str!("../../contracts/artifacts/FindEntities.json"),
        include_str!("../../contracts/artifacts/PowerData.json"),
        include_str!("../../contracts/artifacts/PowerBalance.json"),
        include_str!("../../contracts/artifacts/TariffComputation.json"),
        include_str!("../../contracts/artifacts/OptimisationHandler.json"),
        include_str!("../../contracts/artifacts/RewardLedger.json"),
    ];
    for text in artifacts {
        let artifact: serde_json::Value = serde_json::from_str(text).unwrap();
        let name = artifact["contractName"].as_str().unwrap();
        let hex = artifact["deployedBytecode"].as_str().unwrap();
        let code = alloy_primitives::hex::decode(hex).unwrap();
        let ops = opcodes(&code);
        let count = |op| ops.iter().filter(|&&o| o == op).count();
        let calls = usize::from(name == "OptimisationHandler");
        assert_eq!(count(CALL), calls, "{name}: CALL");
        for (op, label) in [
            (CALLCODE, "CALLCODE"),
            (DELEGATECALL, "DELEGATECALL"),
            (CREATE, "CREATE"),
            (CREATE2, "CREATE2"),
            (SELFDESTRUCT, "SELFDESTRUCT"),
        ] {
            assert_eq!(count(op), 0, "{name}: {label}");
        }
    }
}
