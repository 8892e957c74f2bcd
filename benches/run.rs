//! One simulated outage of campus13, end to end (nexosim, the contracts in revm, the
//! optimiser), as a Monte-Carlo sweep runs it: the deployed chain is built once and cloned per
//! run. Also the parts that are not the run itself: deploying the scenario and drawing a plan.
//! Figures and the command that produced them: BENCHMARKS.md.

// criterion_group! defines an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;

use blackstart::scenario;
use blackstart::sim::{Recording, RunPlan, Simulator};
use criterion::{Criterion, criterion_group, criterion_main};

fn run(c: &mut Criterion) {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/campus13.yaml");
    let scenario = scenario::load(&file).expect("campus13 loads");
    let simulator = Simulator::new(&scenario).expect("campus13 deploys");
    let mut group = c.benchmark_group("campus13");
    let mut index = 0;
    group.bench_function("run (sampled plan, no event log)", |b| {
        b.iter(|| {
            index += 1;
            let plan = RunPlan::sampled(&scenario, index % 1000);
            simulator
                .run(black_box(&plan), Recording::default())
                .expect("campus13 runs")
        })
    });
    group.bench_function("deploy (once per scenario)", |b| {
        b.iter(|| Simulator::new(black_box(&scenario)).expect("campus13 deploys"))
    });
    group.finish();
}

criterion_group!(benches, run);
criterion_main!(benches);
