//! Contract calls per second in the embedded revm, one benchmark per paper function (Table 8),
//! and PowerData's batched post, on the campus13 island (docs/model.md §4, Table 5). Each
//! state-changing call commits, as in a run. Figures go to BENCHMARKS.md under "Contracts in revm".
//!
//! Time is the benchmark thread's CPU time, not wall time: the machine is shared (two cores,
//! other builds and benches), and wall time there measured the load as much as revm.

// criterion_group! defines an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use blackstart::chain::{
    Address, Allocation, Chain, EntityId, EntityKind, Reading, Share, SlabSchedule, account,
};
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const KWH: u64 = 1000;
const BASE: u64 = 1;
/// The operator's collector of batched readings.
const COLLECTOR: Address = Address::with_last_byte(3);

/// Table 5: (node, Pe, PG, Pc) of P1..P5 in kWh, and (node, C) of C1..C3.
const PROSUMERS: [(u32, u64, u64, u64); 5] = [
    (7, 500, 862, 616),
    (8, 200, 883, 928),
    (9, 300, 648, 533),
    (10, 150, 1000, 955),
    (11, 600, 650, 492),
];
const CONSUMERS: [(u32, u64); 3] = [(4, 368), (12, 800), (13, 839)];
/// Table 6: (delta Wh, alpha ppm, beta ppm, reward paise) of P1..P5.
const TABLE6: [(u64, u32, u32, u64); 5] = [
    (37_597, 10_000, 67_000, 161_623),
    (51_690, 10_000, 87_000, 75_980),
    (51_690, 10_000, 90_000, 105_980),
    (64_332, 0, 337_000, 64_309),
    (51_691, 10_000, 66_000, 195_980),
];

fn kseb() -> SlabSchedule {
    SlabSchedule::try_from(&blackstart::tariff::SlabSchedule::kseb_2022_23()).unwrap()
}

/// campus13 deployed and configured, its eight entities registered (ids 1..=8, meters
/// `account(100 + i)`) with their base-interval readings posted.
fn campus13() -> (Chain, Vec<(EntityId, Address)>) {
    let mut chain = Chain::deploy(account(1), account(2)).unwrap();
    chain.configure_network(13, 1, 900).unwrap();
    chain.set_base_tariff(300).unwrap();
    chain.set_slab_schedule(&kseb()).unwrap();
    chain.set_collector(COLLECTOR).unwrap();
    let prosumers = PROSUMERS.iter().map(|&(node, pe, pg, pc)| {
        let reading = Reading {
            generation_wh: pg * KWH,
            consumption_wh: pc * KWH,
            export_wh: pe * KWH,
            ..Reading::default()
        };
        (EntityKind::Prosumer, node, reading)
    });
    let consumers = CONSUMERS.iter().map(|&(node, c)| {
        (
            EntityKind::Consumer,
            node,
            Reading {
                consumption_wh: c * KWH,
                ..Reading::default()
            },
        )
    });
    let mut entities = Vec::new();
    for (i, (kind, node, reading)) in prosumers.chain(consumers).enumerate() {
        let meter = account(100 + i as u64);
        let id = chain.register_entity(kind, node, meter).unwrap().value;
        chain.post_reading(meter, id, BASE, &reading).unwrap();
        entities.push((id, meter));
    }
    (chain, entities)
}

fn allocation(outage_id: u64) -> Allocation {
    Allocation {
        outage_id,
        base_interval: BASE,
        delivery_interval: BASE + 1,
        consumers: (6..=8).map(EntityId).collect(),
        suppliers: Vec::new(),
        shares: (1..)
            .zip(TABLE6)
            .map(
                |(id, (delta_wh, alpha_ppm, beta_ppm, reward_paise))| Share {
                    prosumer: EntityId(id),
                    delta_wh,
                    alpha_ppm,
                    beta_ppm,
                    reward_paise,
                },
            )
            .collect(),
    }
}

fn contracts(c: &mut Criterion<ThreadCpuTime>) {
    let (base, entities) = campus13();
    let mut group = c.benchmark_group("contracts");
    group.throughput(Throughput::Elements(1));

    // FindEntities: register one more entity (a fresh meter each call).
    let mut chain = base.clone();
    let mut n = 0u64;
    group.bench_function("FindEntities/registerEntity", |b| {
        b.iter(|| {
            n += 1;
            black_box(
                chain
                    .register_entity(EntityKind::Consumer, 5, account(1_000_000 + n))
                    .unwrap(),
            )
        })
    });

    // PowerData: the eight meters post in turn, interval after interval.
    let mut chain = base.clone();
    let mut n = 0u64;
    group.bench_function("PowerData/postReading", |b| {
        b.iter(|| {
            let (id, meter) = entities[(n % 8) as usize];
            let reading = Reading {
                export_wh: n,
                consumption_wh: n,
                ..Reading::default()
            };
            let receipt = chain.post_reading(meter, id, 10 + n / 8, &reading).unwrap();
            n += 1;
            black_box(receipt)
        })
    });

    // PowerData, batched: the collector posts the eight readings of an interval in one
    // transaction, interval after interval (throughput counts readings).
    group.throughput(Throughput::Elements(entities.len() as u64));
    let mut chain = base.clone();
    let mut interval = 10u64;
    group.bench_function("PowerData/postReadings", |b| {
        b.iter(|| {
            let batch: Vec<(EntityId, Reading)> = (0..)
                .zip(&entities)
                .map(|(i, &(id, _))| {
                    let reading = Reading {
                        export_wh: interval + i,
                        consumption_wh: interval + i,
                        ..Reading::default()
                    };
                    (id, reading)
                })
                .collect();
            let receipt = chain.post_readings(COLLECTOR, interval, &batch).unwrap();
            interval += 1;
            black_box(receipt)
        })
    });
    group.throughput(Throughput::Elements(1));

    // PowerBalance: eq. 1 over the base interval's eight readings.
    let mut chain = base.clone();
    group.bench_function("PowerBalance/computeBalance", |b| {
        b.iter(|| black_box(chain.power_balance(BASE).unwrap()))
    });

    // TariffComputation: bill C3 (the slab path with the most bands) from its reading.
    let mut chain = base.clone();
    group.bench_function("TariffComputation/computeTariff", |b| {
        b.iter(|| black_box(chain.compute_tariff(EntityId(8), BASE).unwrap()))
    });

    // OptimisationHandler: record Table 6's allocation for a new outage each call.
    let mut chain = base.clone();
    let mut outage = 0u64;
    group.bench_function("OptimisationHandler/recordAllocation", |b| {
        b.iter(|| {
            outage += 1;
            black_box(
                chain
                    .record_allocation(account(2), &allocation(outage))
                    .unwrap(),
            )
        })
    });
    group.finish();

    // The per-run cost of a Monte-Carlo sweep: cloning the deployed state.
    c.bench_function("chain/clone", |b| b.iter(|| black_box(base.clone())));
    // A view call, for comparison with the transactions above.
    let mut chain = base.clone();
    c.bench_function("chain/consumerTariffPaise (view)", |b| {
        b.iter(|| black_box(chain.consumer_tariff_paise(839 * KWH).unwrap()))
    });
}

/// CPU time of the calling thread, in nanoseconds, as a criterion measurement.
struct ThreadCpuTime;

impl ThreadCpuTime {
    fn now_ns() -> u64 {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant of the platform.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
    }
}

impl Measurement for ThreadCpuTime {
    type Intermediate = u64;
    type Value = u64;

    fn start(&self) -> u64 {
        Self::now_ns()
    }
    fn end(&self, start_ns: u64) -> u64 {
        Self::now_ns() - start_ns
    }
    fn add(&self, a: &u64, b: &u64) -> u64 {
        a + b
    }
    fn zero(&self) -> u64 {
        0
    }
    fn to_f64(&self, ns: &u64) -> f64 {
        *ns as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        // Values are nanoseconds, as for wall time: reuse its formatting.
        static WALL_TIME: WallTime = WallTime;
        WALL_TIME.formatter()
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().with_measurement(ThreadCpuTime);
    targets = contracts
}
criterion_main!(benches);
