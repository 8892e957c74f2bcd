//! Restoration optimiser on synthetic islands of 5 to 5000 prosumers, both models; and the
//! paper model on the same islands with 1.5 × the demand, where the deficit's marginal
//! price reaches the slope of eq. 13's bridges and the search has real choices to make.
//! And the perfect-information bound's linear program over the island intervals of one
//! nominal run of `campus13-night` (8 h, 33 steps) and `campus13-24h` (24 h, 97 steps).
//! Figures and the command that produced them: BENCHMARKS.md.

// criterion_group! defines an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use blackstart::entity::EntityTable;
use blackstart::optimise::{Model, Problem, Settings, solve};
use blackstart::plant::bound::DispatchProblem;
use blackstart::plant::island::PlantMember;
use blackstart::sim::{Recording, RunPlan, Simulator};
use blackstart::{scenario, synthetic};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// A flat stand-in for the slab schedule: the tariff only sets the budget, not the work.
fn tariff_inr(kwh: f64) -> f64 {
    kwh * 7.6
}

fn bench(c: &mut Criterion, group: &str, sizes: &[usize], models: &[Model], demand_scale: f64) {
    let mut group = c.benchmark_group(group);
    for &n in sizes {
        let mut problem: Problem = synthetic::island(n, 42, tariff_inr);
        for consumer in &mut problem.consumers {
            consumer.demand_kwh *= demand_scale;
        }
        for &model in models {
            let settings = Settings {
                model,
                ..Settings::default()
            };
            group.bench_with_input(BenchmarkId::new(model.to_string(), n), &problem, |b, p| {
                b.iter(|| solve(black_box(p), &settings).expect("synthetic islands solve"))
            });
        }
    }
    group.finish();
}

fn optimise(c: &mut Criterion) {
    bench(
        c,
        "optimise",
        &[5, 50, 500, 5000],
        &[Model::Paper, Model::Fair],
        1.0,
    );
    bench(
        c,
        "optimise-stressed",
        &[50, 500, 5000],
        &[Model::Paper],
        1.5,
    );
}

/// The bound's program of the nominal run of bundled scenario `name`.
fn bound_problem(name: &str) -> DispatchProblem {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    let scenario = scenario::load(&path).expect("bundled scenarios load");
    let simulator = Simulator::new(&scenario).expect("bundled scenarios build");
    let plan = RunPlan::nominal(&scenario, scenario.seed);
    let report = simulator
        .run(&plan, Recording::default())
        .expect("bundled scenarios run");
    let entities = EntityTable::new(&scenario);
    let members: Vec<PlantMember> = entities
        .iter()
        .map(|(index, _)| {
            PlantMember::new(&scenario, &entities, index, scenario.time.meter_interval_s)
                .expect("bundled batteries are valid")
        })
        .collect();
    DispatchProblem::of_run(&report.intervals, &members)
}

fn bound(c: &mut Criterion) {
    let mut group = c.benchmark_group("bound");
    for name in ["campus13-night.yaml", "campus13-24h.yaml"] {
        let problem = bound_problem(name);
        let steps = problem.steps.len();
        group.bench_with_input(BenchmarkId::new(name, steps), &problem, |b, p| {
            b.iter(|| black_box(p).solve().expect("the bound solves"))
        });
    }
    group.finish();
}

criterion_group!(benches, optimise, bound);
criterion_main!(benches);
