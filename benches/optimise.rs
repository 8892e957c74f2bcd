//! Restoration optimiser on synthetic islands of 5 to 5000 prosumers, both models.
//! Figures and the command that produced them: BENCHMARKS.md.

use std::hint::black_box;

use blackstart::optimise::{Model, Settings, solve};
use blackstart::synthetic;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// A flat stand-in for the slab schedule: the tariff only sets the budget, not the work.
fn tariff_inr(kwh: f64) -> f64 {
    kwh * 7.6
}

fn optimise(c: &mut Criterion) {
    let mut group = c.benchmark_group("optimise");
    for n in [5, 50, 500, 5000] {
        let problem = synthetic::island(n, 42, tariff_inr);
        for model in [Model::Paper, Model::Fair] {
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

criterion_group!(benches, optimise);
criterion_main!(benches);
