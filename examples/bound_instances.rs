//! Random small instances of the perfect-information bound's program (docs/model.md §11) with
//! blackstart's optimum, as JSON on stdout, for an independent solver to check:
//! `.ci/bound-check.sh` solves each with SciPy's `linprog` from its own formulation.
//!
//! `cargo run --example bound_instances -- [COUNT] [SEED]` (defaults 200 and 1).

use blackstart::plant::battery::BatteryParams;
use blackstart::plant::bound::{DispatchProblem, ProsumerStep, Step, Storage, StorageUse};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

/// One random instance: 1–6 steps of 900 s; up to 3 prosumers (some with a battery, some of
/// those refilled each interval) and up to 2 banks, each keeping its battery across steps;
/// consumers of up to 3 priorities; DER generation.
fn instance(rng: &mut Xoshiro256PlusPlus) -> DispatchProblem {
    let interval_s = 900.0;
    let mut storages = Vec::new();
    let mut battery = |rng: &mut Xoshiro256PlusPlus, refilled: bool| {
        let capacity_kwh = rng.random_range(1.0..20.0);
        let reserve = if refilled {
            0.0
        } else {
            rng.random_range(0.0..0.3)
        };
        storages.push(Storage {
            params: BatteryParams {
                capacity_kwh,
                charge_kw: if refilled {
                    0.0
                } else {
                    rng.random_range(0.5..40.0)
                },
                discharge_kw: rng.random_range(0.5..40.0),
                round_trip_efficiency: if refilled {
                    1.0
                } else {
                    rng.random_range(0.7..1.0)
                },
                reserve,
            },
            initial_soc_kwh: if refilled {
                capacity_kwh
            } else {
                rng.random_range(reserve * capacity_kwh..=capacity_kwh)
            },
            refilled_each_interval: refilled,
        });
        storages.len() - 1
    };
    let prosumers: Vec<Option<usize>> = (0..rng.random_range(0..=3))
        .map(|_| match rng.random_range(0..3) {
            0 => None,
            1 => Some(battery(rng, false)),
            _ => Some(battery(rng, true)),
        })
        .collect();
    let banks: Vec<usize> = (0..rng.random_range(0..=2))
        .map(|_| battery(rng, false))
        .collect();
    let steps = (0..rng.random_range(1..=6))
        .map(|_| {
            // Some members are in the island for part of the interval only.
            let span = |rng: &mut Xoshiro256PlusPlus| {
                if rng.random_bool(0.8) {
                    interval_s
                } else {
                    rng.random_range(60.0..interval_s)
                }
            };
            Step {
                consumers: (0..rng.random_range(0..=3))
                    .map(|p| (p, rng.random_range(0.0..15.0)))
                    .collect(),
                prosumers: prosumers
                    .iter()
                    .map(|&storage| ProsumerStep {
                        generation_kwh: rng.random_range(0.0..10.0),
                        own_demand_kwh: rng.random_range(0.0..6.0),
                        storage: storage.map(|storage| StorageUse {
                            storage,
                            span_s: span(rng),
                        }),
                    })
                    .collect(),
                der_generation_kwh: if rng.random_bool(0.5) {
                    rng.random_range(0.0..20.0)
                } else {
                    0.0
                },
                banks: banks
                    .iter()
                    .map(|&storage| StorageUse {
                        storage,
                        span_s: span(rng),
                    })
                    .collect(),
            }
        })
        .collect();
    DispatchProblem { storages, steps }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().map_or(Ok(200), |a| a.parse())?;
    let seed: u64 = args.next().map_or(Ok(1), |a| a.parse())?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let problem = instance(&mut rng);
        let dispatch = problem.solve()?;
        out.push(serde_json::json!({
            "problem": problem,
            "objective_kwh": dispatch.objective_kwh,
            "served_kwh": dispatch.served_kwh(),
        }));
    }
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}
