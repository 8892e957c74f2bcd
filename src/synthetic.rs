//! Seeded synthetic islands drawn around the paper's Table 5, for benchmarks and scale
//! scenarios: same seed, same island, on every machine (the generator is xoshiro256++,
//! whose output rand does not change between releases).
//!
//! Each prosumer draws `Pe`, `PG`, `PB`, `Pc` uniformly over Table 5's ranges, redrawn until
//! `K = PG − Pe − Pc + PB` lies in Table 5's range too (86–328 kWh, widened to 80–330), so
//! every prosumer can sustain its export and both models accept it. `alpha_max` is drawn
//! in [0.3, 1], `alpha_min` is 0. Consumers draw demands over Table 5's consumer range
//! (368–839 kWh) and are added until the island's deficit reaches a drawn 10–40 % of the
//! prosumers' spare capacity (battery energy within K plus the cuts they allow; the last
//! consumer takes what remains), so there is always something to optimise and nothing has
//! to be shed under the fair model.
//! About one consumer in ten is critical (priority 2), one in five important (priority 1).

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use crate::optimise::{ConsumerInput, Problem, ProsumerInput};

/// The paper's prosumer base tariff, INR/kWh.
pub const BASE_TARIFF_INR_PER_KWH: f64 = 3.0;

/// An island of `prosumers` prosumers (ids `P1`…) and consumers (ids `C1`…) drawn from
/// `seed`. `tariff_inr` prices a consumer's demand in kWh (the scenario's slab schedule).
pub fn island(prosumers: usize, seed: u64, tariff_inr: impl Fn(f64) -> f64) -> Problem {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let prosumers: Vec<ProsumerInput> = (1..=prosumers)
        .map(|i| {
            let alpha_max = rng.random_range(0.3..=1.0);
            loop {
                let pe = rng.random_range(150.0..=600.0);
                let pg = rng.random_range(640.0..=1000.0);
                let pb = rng.random_range(190.0..=710.0);
                let pc = rng.random_range(490.0..=960.0);
                if (80.0..=330.0).contains(&(pg - pe - pc + pb)) {
                    break ProsumerInput {
                        id: format!("P{i}"),
                        export_prev_kwh: pe,
                        generation_kwh: pg,
                        battery_kwh: pb,
                        consumption_kwh: pc,
                        alpha_min: 0.0,
                        alpha_max,
                    };
                }
            }
        })
        .collect();
    let baseline_kwh: f64 = prosumers.iter().map(|p| p.export_prev_kwh).sum();
    let spare_kwh: f64 = prosumers
        .iter()
        .map(|p| {
            let k = p.generation_kwh - p.export_prev_kwh - p.consumption_kwh + p.battery_kwh;
            k.min(p.battery_kwh) + p.alpha_max * p.consumption_kwh
        })
        .sum();
    let target_kwh = baseline_kwh + rng.random_range(0.1..=0.4) * spare_kwh;
    let mut consumers = Vec::new();
    let mut demand_total_kwh = 0.0;
    while demand_total_kwh < target_kwh {
        let demand_kwh = rng
            .random_range(368.0..=839.0_f64)
            .min(target_kwh - demand_total_kwh);
        let priority = match rng.random_range(0..10) {
            0 => 2,
            1 | 2 => 1,
            _ => 0,
        };
        demand_total_kwh += demand_kwh;
        consumers.push(ConsumerInput {
            id: format!("C{}", consumers.len() + 1),
            demand_kwh,
            priority,
            tariff_inr: tariff_inr(demand_kwh),
        });
    }
    Problem {
        prosumers,
        consumers,
        base_tariff_inr_per_kwh: BASE_TARIFF_INR_PER_KWH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::optimise::{Model, Settings, solve};

    fn flat(kwh: f64) -> f64 {
        kwh * 7.6
    }

    #[test]
    fn same_seed_same_island_other_seed_other_island() {
        assert_eq!(island(20, 1, flat), island(20, 1, flat));
        assert_ne!(island(20, 1, flat), island(20, 2, flat));
    }

    #[test]
    fn islands_are_plausible_and_both_models_solve_them() {
        for seed in 0..20 {
            let problem = island(30, seed, flat);
            assert_eq!(problem.prosumers.len(), 30);
            for p in &problem.prosumers {
                let k = p.generation_kwh - p.export_prev_kwh - p.consumption_kwh + p.battery_kwh;
                assert!((80.0..=330.0).contains(&k), "{}: K = {k}", p.id);
                assert!((150.0..=600.0).contains(&p.export_prev_kwh));
            }
            assert!(
                problem
                    .consumers
                    .iter()
                    .all(|c| c.demand_kwh > 0.0 && c.demand_kwh <= 839.0)
            );
            assert_eq!(
                problem.consumers[0].tariff_inr,
                flat(problem.consumers[0].demand_kwh)
            );
            let fair = solve(&problem, &Settings::default()).unwrap();
            assert!(
                fair.shed.is_empty(),
                "seed {seed}: fair model shed {:?}",
                fair.shed
            );
            assert!(fair.deficit_kwh > 0.0);
            let paper = Settings {
                model: Model::Paper,
                ..Settings::default()
            };
            let paper = solve(&problem, &paper).unwrap();
            let supplied: f64 = paper.prosumers.iter().map(|p| p.delta_kwh).sum();
            assert!(supplied >= paper.deficit_kwh - 1e-9, "seed {seed}");
        }
    }
}
