//! Restoration optimiser on synthetic islands of 5 to 5000 prosumers, both models; and the
//! paper model on the same islands with 1.5 × the demand, where the deficit's marginal
//! price reaches the slope of eq. 13's bridges and the search has real choices to make.
//! Figures and the command that produced them: BENCHMARKS.md.

// criterion_group! defines an undocumented public function.
#![allow(missing_docs)]

use std::hint::black_box;

use blackstart::optimise::{Model, Problem, Settings, solve};
use blackstart::synthetic;
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

criterion_group!(benches, optimise);
criterion_main!(benches);
