//! The optimiser against the paper's figures (docs/model.md §5a), against independent checks (a
//! brute-force search written from the paper's constraints as printed, KKT certificates),
//! and on the behaviours issue 3 asks for.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

use super::*;

const BT: f64 = 3.0;

fn prosumer(id: &str, pe: f64, pg: f64, pb: f64, pc: f64) -> ProsumerInput {
    ProsumerInput {
        id: id.into(),
        export_prev_kwh: pe,
        generation_kwh: pg,
        battery_kwh: pb,
        consumption_kwh: pc,
        alpha_min: 0.0,
        alpha_max: 1.0,
    }
}

fn consumer(id: &str, demand_kwh: f64, priority: u32, tariff_inr: f64) -> ConsumerInput {
    ConsumerInput {
        id: id.into(),
        demand_kwh,
        priority,
        tariff_inr,
    }
}

/// Table 5: the campus island after the faults (docs/model.md §4), tariffs from the KSEB slabs.
fn campus13() -> Problem {
    Problem {
        prosumers: vec![
            prosumer("P1", 500.0, 862.0, 468.0, 616.0),
            prosumer("P2", 200.0, 883.0, 485.0, 928.0),
            prosumer("P3", 300.0, 648.0, 513.0, 533.0),
            prosumer("P4", 150.0, 1000.0, 191.0, 955.0),
            prosumer("P5", 600.0, 650.0, 706.0, 492.0),
        ],
        consumers: vec![
            consumer("C1", 368.0, 0, 2704.80),
            consumer("C2", 800.0, 0, 6800.0),
            consumer("C3", 839.0, 0, 7131.50),
        ],
        base_tariff_inr_per_kwh: BT,
        community_supply_kwh: 0.0,
    }
}

/// docs/model.md §5a's bounds inferred from Tables 6 and 7.
fn inferred_bounds(mut problem: Problem) -> (Problem, Settings) {
    for (p, a) in problem
        .prosumers
        .iter_mut()
        .zip([0.01, 0.01, 0.01, 0.0, 0.01])
    {
        p.alpha_min = a;
    }
    let settings = Settings {
        model: Model::Paper,
        beta_min: 0.01,
        ..Settings::default()
    };
    (problem, settings)
}

/// Table 5 with new consumers C4 = 780 and C5 (480 as the text says, 440 for the 3227 kWh
/// that Table 7's rewards imply). Tariffs: both above 500 / within 401–500 kWh slabs.
fn with_new_consumers(c5_kwh: f64) -> Problem {
    let mut problem = campus13();
    problem
        .consumers
        .push(consumer("C4", 780.0, 0, 780.0 * 8.50));
    problem
        .consumers
        .push(consumer("C5", c5_kwh, 0, c5_kwh * 7.60));
    problem
}

fn paper() -> Settings {
    Settings {
        model: Model::Paper,
        ..Settings::default()
    }
}

fn total_delta(a: &Allocation) -> f64 {
    a.prosumers.iter().map(|p| p.delta_kwh).sum()
}

/// Eq. 4 computed from an allocation's own numbers.
fn eq4(problem: &Problem, a: &Allocation) -> f64 {
    let bt = problem.base_tariff_inr_per_kwh;
    let pe = |id: &str| {
        problem
            .prosumers
            .iter()
            .find(|p| p.id == id)
            .unwrap()
            .export_prev_kwh
    };
    let s: f64 = a.prosumers.iter().map(|p| pe(&p.id) + p.delta_kwh).sum();
    a.prosumers
        .iter()
        .map(|p| {
            pe(&p.id) * bt
                + p.delta_kwh * bt
                + p.delta_kwh * bt / s
                + p.alpha * p.delta_kwh * bt * bt
        })
        .sum()
}

/// Eq. 13 as printed and the bounds, checked directly on (delta, alpha, beta).
fn assert_paper_feasible(p: &ProsumerInput, beta_min: f64, r: &ProsumerAllocation) {
    let tol = 1e-7 * (1.0 + r.delta_kwh);
    let (d, a, b) = (r.delta_kwh, r.alpha, r.beta);
    assert!(
        a >= p.alpha_min - 1e-9 && a <= p.alpha_max + 1e-9,
        "{}: alpha {a}",
        p.id
    );
    assert!(
        b >= beta_min - 1e-9 && b <= 1.0 + 1e-9,
        "{}: beta {b}",
        p.id
    );
    assert!(
        (a * p.consumption_kwh + b * p.battery_kwh - d).abs() < tol,
        "{}: eqs. 10-12",
        p.id
    );
    let eq13 = p.generation_kwh
        - ((p.export_prev_kwh + d) + (p.consumption_kwh - a * d) - (p.battery_kwh - b * d));
    assert!(eq13 >= -tol, "{}: eq. 13 violated by {}", p.id, -eq13);
}

#[test]
fn paper_campus13_zero_bounds_is_degenerate_at_6021() {
    let problem = campus13();
    let a = solve(&problem, &paper()).unwrap();
    assert!((a.cost_inr - 6021.384155).abs() < 1e-6, "{}", a.cost_inr);
    assert!((total_delta(&a) - 257.0).abs() < 1e-9);
    assert!(a.degenerate);
    assert_eq!(a.deficit_kwh, 257.0);
    assert_eq!(a.budget_inr, 16636.3);
    for (p, r) in problem.prosumers.iter().zip(&a.prosumers) {
        assert_paper_feasible(p, 0.0, r);
        assert!(r.alpha.abs() < 1e-12, "{}: alpha {}", r.id, r.alpha);
    }
    assert!((eq4(&problem, &a) - a.cost_inr).abs() < 1e-9);
}

#[test]
fn paper_campus13_inferred_bounds_costs_6038_and_table6_is_one_of_its_optima() {
    let (problem, settings) = inferred_bounds(campus13());
    let a = solve(&problem, &settings).unwrap();
    assert!((a.cost_inr - 6038.724281).abs() < 1e-6, "{}", a.cost_inr);
    assert!((total_delta(&a) - 257.0).abs() < 1e-9);
    assert!(a.degenerate);
    for (p, r) in problem.prosumers.iter().zip(&a.prosumers) {
        assert_paper_feasible(p, 0.01, r);
    }
    // P4 (alpha_min 0) gives all it can at alpha = 0: Table 6's 192.995 INR / 3.
    assert!((a.prosumers[3].delta_kwh - 64.332).abs() < 1e-3);
    assert_eq!(a.prosumers[3].alpha, 0.0);
    // Table 6's own allocation (R_delta / 3, its alphas) is feasible and costs the same.
    let mut table6 = a.clone();
    for (r, (rd, alpha)) in table6.prosumers.iter_mut().zip([
        (112.792, 0.01),
        (155.069, 0.01),
        (155.071, 0.01),
        (192.995, 0.0),
        (155.071, 0.01),
    ]) {
        r.delta_kwh = rd / 3.0;
        r.alpha = alpha;
    }
    assert!((eq4(&problem, &table6) - 6038.72).abs() < 0.01);
}

const TABLE7_DELTA: [f64; 5] = [330.488, 493.310, 288.197, 94.152, 270.851];

#[test]
fn paper_table7_data_reproduces_table7() {
    let (problem, settings) = inferred_bounds(with_new_consumers(440.0));
    let a = solve(&problem, &settings).unwrap();
    assert_eq!(a.served_kwh, 3227.0);
    assert!((a.cost_inr - 14582.648306).abs() < 1e-6, "{}", a.cost_inr);
    assert!(!a.degenerate);
    for ((p, r), want) in problem.prosumers.iter().zip(&a.prosumers).zip(TABLE7_DELTA) {
        assert!(
            (r.delta_kwh - want).abs() < 0.01,
            "{}: {} vs {want}",
            r.id,
            r.delta_kwh
        );
        assert_paper_feasible(p, 0.01, r);
    }
    // Table 7's printed alphas (P4's R_extra implies 0.0966, printed 0.09) and R_extra.
    for (r, (alpha, extra)) in a.prosumers.iter().zip([
        (0.46, 1359.759),
        (0.53, 2333.011),
        (0.21, 539.233),
        (0.0966, 81.934),
        (0.24, 587.711),
    ]) {
        assert!(
            (r.alpha - alpha).abs() < 0.006,
            "{}: alpha {}",
            r.id,
            r.alpha
        );
        assert!(
            (r.reward_extra_inr - extra).abs() < 0.1,
            "{}: R_extra {}",
            r.id,
            r.reward_extra_inr
        );
    }
    // P4 sits just below its gap: the bridge over it was not taken.
    assert!(a.prosumers[3].delta_kwh < 95.6);
}

#[test]
fn paper_stated_new_consumers_costs() {
    let (problem, settings) = inferred_bounds(with_new_consumers(480.0));
    let a = solve(&problem, &settings).unwrap();
    assert_eq!(a.served_kwh, 3267.0);
    assert!((a.cost_inr - 15080.641256).abs() < 1e-6, "{}", a.cost_inr);
    let zero = solve(&with_new_consumers(480.0), &paper()).unwrap();
    assert!(
        (zero.cost_inr - 15071.430725).abs() < 1e-6,
        "{}",
        zero.cost_inr
    );
    assert!((total_delta(&zero) - 1517.0).abs() < 1e-9);
}

#[test]
fn fair_campus13_is_unique_within_limits_and_paid_unit_consistent_rewards() {
    let problem = campus13();
    let a = solve(&problem, &Settings::default()).unwrap();
    assert_eq!(a.model, Model::Fair);
    assert!(!a.degenerate);
    assert!((total_delta(&a) - 257.0).abs() < 1e-9);
    for (p, r) in problem.prosumers.iter().zip(&a.prosumers) {
        let k = p.generation_kwh - p.export_prev_kwh - p.consumption_kwh + p.battery_kwh;
        let (x, y) = (r.alpha * p.consumption_kwh, r.beta * p.battery_kwh);
        assert!((x + y - r.delta_kwh).abs() < 1e-9);
        assert!(x >= 0.0 && x <= p.alpha_max * p.consumption_kwh + 1e-9);
        assert!(
            y >= 0.0 && y <= p.battery_kwh.min(k) + 1e-9,
            "{}: y {y} > K {k}",
            r.id
        );
        assert!(r.delta_kwh <= r.capacity_kwh + 1e-9);
        assert!((r.reward_delta_inr - 3.0 * r.delta_kwh).abs() < 1e-9);
        // The premium BT·delta·(alpha + Σdelta/S) with alpha = 0 and S = 1750 + 257.
        let premium = 3.0 * r.delta_kwh * 257.0 / 2007.0;
        assert!((r.reward_extra_inr - premium).abs() < 1e-9, "{}", r.id);
        assert_eq!(r.limit, ProsumerLimit::None);
    }
    // 1750·3 for the prior export, 257·3 for the extra, 3·257²/2007 premium.
    let cost = 5250.0 + 771.0 + 3.0 * 257.0 * 257.0 / 2007.0;
    assert!((a.cost_inr - cost).abs() < 1e-9, "{}", a.cost_inr);
    assert_eq!(a.paid_inr, a.cost_inr);
    // Battery energy covers the deficit, so no one sheds consumption, and the split is
    // proportional to spare capacity Y + alpha_max·Pc = [830, 1168, 861, 1041, 756].
    let caps = [830.0, 1168.0, 861.0, 1041.0, 756.0];
    for (r, cap) in a.prosumers.iter().zip(caps) {
        assert_eq!(r.alpha, 0.0);
        assert_eq!(r.capacity_kwh, cap);
        assert!(
            (r.delta_kwh - 257.0 * cap / 4656.0).abs() < 1e-9,
            "{}: {}",
            r.id,
            r.delta_kwh
        );
    }
}

#[test]
fn back_off_p2_p4_leaves_p1_p3_p5_covering_the_deficit() {
    for model in [Model::Paper, Model::Fair] {
        let settings = Settings {
            model,
            exclude: vec!["P2".into(), "P4".into()],
            ..Settings::default()
        };
        let a = solve(&campus13(), &settings).unwrap();
        let ids: Vec<&str> = a.prosumers.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["P1", "P3", "P5"]);
        assert_eq!(a.excluded, ["P2", "P4"]);
        // They no longer export their Pe either: 2007 − (500 + 300 + 600).
        assert_eq!(a.deficit_kwh, 607.0);
        assert!((total_delta(&a) - 607.0).abs() < 1e-9, "{model:?}");
        assert!(a.prosumers.iter().all(|p| p.delta_kwh > 0.0));
        assert_eq!(a.energy_not_served_kwh, 0.0);
    }
}

/// campus13 plus two large, less critical consumers: more than the island can supply.
fn shortfall() -> Problem {
    let mut problem = campus13();
    for c in &mut problem.consumers {
        c.priority = 2;
    }
    problem
        .consumers
        .push(consumer("C4", 3000.0, 0, 3000.0 * 8.50));
    problem
        .consumers
        .push(consumer("C5", 2000.0, 1, 2000.0 * 8.50));
    problem
}

#[test]
fn shortfall_sheds_by_priority_and_reports_energy_not_served() {
    // Fair supply: baseline 1750 + capacity 4656 = 6406 kWh < 7007 kWh of demand.
    let a = solve(&shortfall(), &Settings::default()).unwrap();
    assert_eq!(a.shed, ["C4"]);
    assert_eq!(a.energy_not_served_kwh, 3000.0);
    assert_eq!(a.served_kwh, 4007.0);
    assert_eq!(a.deficit_kwh, 2257.0);
    assert!((total_delta(&a) - 2257.0).abs() < 1e-9);
    assert!((a.budget_inr - (16636.3 + 17000.0)).abs() < 1e-9);
    // Battery energy (1132 kWh) is not enough: consumption is cut too.
    assert!(a.prosumers.iter().any(|p| p.alpha > 0.0));
    assert_eq!(a.budget_short_inr, (a.cost_inr - a.budget_inr).max(0.0));
    // The paper model's eq. 13 leaves a different capacity; it too sheds C4 only.
    let p = solve(&shortfall(), &paper()).unwrap();
    assert_eq!(p.shed, ["C4"]);
    assert!((total_delta(&p) - 2257.0).abs() < 1e-9);
}

#[test]
fn a_budget_violating_optimum_is_reported_with_the_amount_short() {
    let mut problem = campus13();
    for c in &mut problem.consumers {
        c.tariff_inr = 1000.0;
    }
    for settings in [Settings::default(), paper()] {
        let a = solve(&problem, &settings).unwrap();
        assert_eq!(a.budget_inr, 3000.0);
        assert!((a.budget_short_inr - (a.cost_inr - 3000.0)).abs() < 1e-9);
        assert!(a.budget_short_inr > 3000.0);
        assert!(a.to_string().contains("OVER BUDGET by"));
        assert!(
            a.to_string()
                .contains("rewards capped pro rata, 3000.000 INR paid")
        );
        // Eq. 5 binds: the same split, every reward scaled by budget / cost.
        assert!((a.paid_inr - 3000.0).abs() < 1e-9);
        let within = solve(&campus13(), &settings).unwrap();
        let pay = 3000.0 / a.cost_inr;
        for (r, w) in a.prosumers.iter().zip(&within.prosumers) {
            assert_eq!(r.delta_kwh, w.delta_kwh);
            let (paid, full) = (
                r.reward_prev_inr + r.reward_delta_inr + r.reward_extra_inr,
                w.reward_prev_inr + w.reward_delta_inr + w.reward_extra_inr,
            );
            assert!((paid - pay * full).abs() < 1e-9, "{}", r.id);
        }
    }
    let within = solve(&campus13(), &Settings::default()).unwrap();
    assert_eq!(within.budget_short_inr, 0.0);
}

// ---------------------------------------------------------------------------------------
// Independent checks: written from the constraints as printed, sharing no code with the
// solver's reformulation.

/// The least `share` meeting every constraint `c(share) >= -tol`, each affine in the share
/// once delta is fixed: the minimum is at a vertex, so try them all. `None`: infeasible.
fn least_share(constraints: &[&dyn Fn(f64) -> f64], tol: f64) -> Option<f64> {
    let vertices = constraints.iter().filter_map(|c| {
        let (c0, c1) = (c(0.0), c(1.0) - c(0.0));
        (c1 != 0.0).then(|| -c0 / c1)
    });
    vertices
        .filter(|&s| constraints.iter().all(|c| c(s) >= -tol))
        .min_by(f64::total_cmp)
}

/// Rounding slack for a point the solver returned.
fn slack(delta: f64) -> f64 {
    1e-9 * (1.0 + delta)
}

/// The paper model: least alpha delivering `delta` (eqs. 10–13 and the bounds), each
/// constraint met to within `tol`.
fn paper_alpha(p: &ProsumerInput, beta_min: f64, delta: f64, tol: f64) -> Option<f64> {
    let (pc, pb) = (p.consumption_kwh, p.battery_kwh);
    let beta = |a: f64| (delta - a * pc) / pb;
    let eq13 = |a: f64| {
        p.generation_kwh - ((p.export_prev_kwh + delta) + (pc - a * delta) - (pb - beta(a) * delta))
    };
    least_share(
        &[
            &|a| a - p.alpha_min,
            &|a| p.alpha_max - a,
            &|a| beta(a) - beta_min,
            &|a| 1.0 - beta(a),
            &eq13,
        ],
        tol,
    )
}

/// The fair model: least consumption cut share delivering `delta` (docs/model.md §5b's limits),
/// each constraint met to within `tol`.
fn fair_alpha(p: &ProsumerInput, delta: f64, tol: f64) -> Option<f64> {
    let (pe, pg, pb, pc) = (
        p.export_prev_kwh,
        p.generation_kwh,
        p.battery_kwh,
        p.consumption_kwh,
    );
    let y = |a: f64| delta - a * pc;
    least_share(
        &[
            &|a| a,
            &|a| p.alpha_max - a,
            &|a| y(a),
            &|a| pb - y(a),
            &|a| pg + pb - (1.0 - a) * pc - (pe + delta),
        ],
        tol,
    )
}

/// The model's cost for contributions `deltas` with least alphas from `alpha`: eq. 4
/// (paper) or the fair rewards `BT·(Pe + delta) + BT·delta·(alpha + Σdelta/S)`, for
/// prosumers that sustain their `Pe`.
fn brute_cost(
    model: Model,
    ps: &[ProsumerInput],
    deltas: &[f64],
    alpha: &dyn Fn(usize, f64) -> Option<f64>,
) -> Option<f64> {
    let pe: f64 = ps.iter().map(|p| p.export_prev_kwh).sum();
    let total: f64 = deltas.iter().sum();
    let (coupling, cut) = match model {
        Model::Paper => (BT * total / (pe + total), BT * BT),
        Model::Fair => (BT * total * total / (pe + total), BT),
    };
    let mut cost = BT * pe + BT * total + coupling;
    for (i, &d) in deltas.iter().enumerate() {
        cost += alpha(i, d)? * d * cut;
    }
    Some(cost)
}

/// Grid search over the first n − 1 contributions; the last takes the rest of the deficit,
/// or failing that the smallest feasible grid value above it (supply may exceed demand).
fn brute_force(
    model: Model,
    ps: &[ProsumerInput],
    deficit: f64,
    alpha: &dyn Fn(usize, f64) -> Option<f64>,
    steps: usize,
) -> f64 {
    let n = ps.len();
    let top = |p: &ProsumerInput| p.alpha_max * p.consumption_kwh + p.battery_kwh;
    let grid = |p: &ProsumerInput, m: usize| -> Vec<f64> {
        (0..=m).map(|k| top(p) * k as f64 / m as f64).collect()
    };
    let last = grid(&ps[n - 1], 4000);
    let last_ok: Vec<bool> = last.iter().map(|&d| alpha(n - 1, d).is_some()).collect();
    let heads: Vec<Vec<f64>> = ps[..n - 1].iter().map(|p| grid(p, steps)).collect();
    let mut best = f64::INFINITY;
    let mut index = vec![0; n - 1];
    loop {
        let mut deltas: Vec<f64> = index.iter().zip(&heads).map(|(&k, g)| g[k]).collect();
        let need = (deficit - deltas.iter().sum::<f64>()).max(0.0);
        let tail = std::iter::once(need).chain(
            last.iter()
                .zip(&last_ok)
                .filter(|&(&d, &ok)| ok && d > need)
                .map(|(&d, _)| d)
                .take(1),
        );
        for d in tail {
            deltas.push(d);
            if let Some(c) = brute_cost(model, ps, &deltas, alpha) {
                best = best.min(c);
                deltas.pop();
                break;
            }
            deltas.pop();
        }
        // Next grid point (odometer).
        let mut k = 0;
        while k < n - 1 {
            index[k] += 1;
            if index[k] <= steps {
                break;
            }
            index[k] = 0;
            k += 1;
        }
        if k == n - 1 {
            return best;
        }
    }
}

/// A random island of `n` prosumers around Table 5, often with a gap in eq. 13 (small K
/// against a large consumption), and bounds as in docs/model.md §5a.
fn random_island(rng: &mut Xoshiro256PlusPlus, n: usize, bounds: bool) -> (Problem, f64) {
    let prosumers = (0..n)
        .map(|i| {
            let (pe, pc, pb) = (
                rng.random_range(100.0..600.0),
                rng.random_range(400.0..1000.0),
                rng.random_range(150.0..700.0),
            );
            let k = rng.random_range(20.0..330.0);
            let mut p = prosumer(
                &format!("P{}", i + 1),
                pe,
                (k + pe + pc - pb).max(0.0),
                pb,
                pc,
            );
            if bounds {
                p.alpha_min = [0.0, 0.01, 0.05][rng.random_range(0..3)];
                p.alpha_max = rng.random_range(0.5..1.0);
            }
            p
        })
        .collect::<Vec<_>>();
    let beta_min = if bounds {
        [0.0, 0.01][rng.random_range(0..2)]
    } else {
        0.0
    };
    let pe: f64 = prosumers.iter().map(|p| p.export_prev_kwh).sum();
    let spare: f64 = prosumers
        .iter()
        .map(|p| p.alpha_max * p.consumption_kwh + p.battery_kwh)
        .sum();
    let demand = pe + rng.random_range(0.02..0.6) * spare;
    let problem = Problem {
        prosumers,
        consumers: vec![consumer("C1", demand, 0, 1e6)],
        base_tariff_inr_per_kwh: BT,
        community_supply_kwh: 0.0,
    };
    (problem, beta_min)
}

#[test]
fn paper_model_is_globally_optimal_against_brute_force() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2024);
    let (mut checked, mut gaps_crossed) = (0, 0);
    for case in 0..40 {
        let n = 2 + case % 2;
        let (problem, beta_min) = random_island(&mut rng, n, case % 4 >= 2);
        let settings = Settings {
            model: Model::Paper,
            beta_min,
            ..Settings::default()
        };
        let a = match solve(&problem, &settings) {
            Ok(a) if a.shed.is_empty() => a,
            _ => continue,
        };
        for (p, r) in problem.prosumers.iter().zip(&a.prosumers) {
            assert_paper_feasible(p, beta_min, r);
            // Minimal alpha: the solver's alpha is the least one for its delta.
            let least = paper_alpha(p, beta_min, r.delta_kwh, slack(r.delta_kwh)).unwrap();
            assert!(
                (r.alpha - least).abs() < 1e-6,
                "case {case} {}: {} vs {least}",
                r.id,
                r.alpha
            );
        }
        assert!(total_delta(&a) >= a.deficit_kwh - 1e-9);
        let alpha = |i: usize, d: f64| paper_alpha(&problem.prosumers[i], beta_min, d, slack(d));
        let brute = brute_force(
            Model::Paper,
            &problem.prosumers,
            a.deficit_kwh,
            &alpha,
            if n == 2 { 2000 } else { 150 },
        );
        assert!(
            a.cost_inr <= brute + 1e-7 * brute,
            "case {case}: solver {} > brute force {brute}",
            a.cost_inr
        );
        assert!(
            brute - a.cost_inr <= 5e-3 * brute,
            "case {case}: brute force {brute} far above solver {}",
            a.cost_inr
        );
        checked += 1;
        // Count solutions that sit in the upper interval of a gapped prosumer.
        gaps_crossed += problem
            .prosumers
            .iter()
            .zip(&a.prosumers)
            .filter(|(p, r)| {
                r.delta_kwh > 1.0 && paper_alpha(p, beta_min, r.delta_kwh - 1.0, 0.0).is_none()
            })
            .count();
    }
    assert!(checked >= 30, "only {checked} instances checked");
    assert!(gaps_crossed >= 1, "no instance exercised a gap");
}

#[test]
fn fair_model_is_globally_optimal_against_brute_force() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let mut checked = 0;
    for case in 0..30 {
        let n = 2 + case % 2;
        let (problem, _) = random_island(&mut rng, n, true);
        let a = solve(&problem, &Settings::default()).unwrap();
        if !a.shed.is_empty() {
            continue;
        }
        for (p, r) in problem.prosumers.iter().zip(&a.prosumers) {
            let least = fair_alpha(p, r.delta_kwh, slack(r.delta_kwh)).unwrap();
            assert!(
                (r.alpha - least).abs() < 1e-9,
                "case {case} {}: {} vs {least}",
                r.id,
                r.alpha
            );
        }
        let alpha = |i: usize, d: f64| fair_alpha(&problem.prosumers[i], d, slack(d));
        let brute = brute_force(
            Model::Fair,
            &problem.prosumers,
            a.deficit_kwh,
            &alpha,
            if n == 2 { 2000 } else { 150 },
        );
        assert!(
            a.cost_inr <= brute + 1e-7 * brute,
            "case {case}: solver {} > brute force {brute}",
            a.cost_inr
        );
        assert!(
            brute - a.cost_inr <= 5e-3 * brute,
            "case {case}: brute {brute} vs {}",
            a.cost_inr
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} instances checked");
}

/// One-sided derivatives of a prosumer's cost `BT·δ + BT²·α(δ)·δ` by finite differences
/// (−∞ / +∞ where the neighbour is not strictly feasible): the KKT certificate's
/// ingredients. `alpha(δ, tol)` is the least share.
fn marginal_costs(alpha: impl Fn(f64, f64) -> Option<f64>, d: f64) -> (f64, f64) {
    let h = 1e-4;
    let g = |d: f64, tol: f64| alpha(d, tol).map(|a| BT * d + BT * BT * a * d);
    let g0 = g(d, slack(d)).expect("the solution is feasible");
    let left = g(d - h, 0.0)
        .filter(|_| d >= h)
        .map_or(f64::NEG_INFINITY, |gl| (g0 - gl) / h);
    let right = g(d + h, 0.0).map_or(f64::INFINITY, |gr| (gr - g0) / h);
    (left, right)
}

/// A prosumer the solver calls infeasible under the paper model has no feasible contribution
/// on a fine scan either.
fn assert_no_paper_contribution(p: &ProsumerInput, beta_min: f64) {
    let top = p.alpha_max * p.consumption_kwh + p.battery_kwh;
    for k in 0..=20_000 {
        let d = top * k as f64 / 20_000.0;
        assert!(
            paper_alpha(p, beta_min, d, slack(d)).is_none(),
            "{}: delta {d} is feasible",
            p.id
        );
    }
}

#[test]
fn kkt_certificates_hold_on_larger_random_islands() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(99);
    let mut certified = 0;
    for case in 0..12 {
        let (problem, beta_min) = random_island(&mut rng, 25, case % 2 == 1);
        let settings = [
            Settings::default(),
            Settings {
                model: Model::Paper,
                beta_min,
                ..Settings::default()
            },
        ];
        for settings in settings {
            let a = match solve(&problem, &settings) {
                Err(OptimiseError::PaperInfeasible { index, .. }) => {
                    assert_no_paper_contribution(&problem.prosumers[index], beta_min);
                    continue;
                }
                other => other.unwrap(),
            };
            let surplus = total_delta(&a) - a.deficit_kwh;
            assert!(surplus > -1e-7, "case {case}: deficit not covered");
            let (mut worst_left, mut best_right) = (f64::NEG_INFINITY, f64::INFINITY);
            for (p, r) in problem.prosumers.iter().zip(&a.prosumers) {
                let (l, rt) = match settings.model {
                    Model::Fair => marginal_costs(|d, tol| fair_alpha(p, d, tol), r.delta_kwh),
                    Model::Paper => {
                        marginal_costs(|d, tol| paper_alpha(p, beta_min, d, tol), r.delta_kwh)
                    }
                };
                worst_left = worst_left.max(l);
                best_right = best_right.min(rt);
            }
            if surplus > 1e-7 {
                // Supply exceeds demand only when no prosumer can give less.
                assert_eq!(
                    worst_left,
                    f64::NEG_INFINITY,
                    "case {case} {:?}",
                    settings.model
                );
            } else {
                // No prosumer could give a little less and another a little more for less.
                assert!(
                    worst_left <= best_right + 1e-3,
                    "case {case} {:?}: {worst_left} > {best_right}",
                    settings.model
                );
                certified += 1;
            }
        }
    }
    assert!(certified >= 16, "only {certified} certificates");
}

// ---------------------------------------------------------------------------------------
// Degeneracy, edge cases, errors, output.

#[test]
fn degenerate_representative_is_the_analytic_even_spread() {
    // Zero bounds: every split with alpha = 0 costs 6021.384155. alpha = 0 is feasible for
    // delta up to h = (√(PB² + 4·K·PB) − PB)/2 (eq. 13 with beta = delta/PB); the
    // representative puts each prosumer at the same share of its capacity, capped at h.
    let problem = campus13();
    let a = solve(&problem, &paper()).unwrap();
    let h: Vec<f64> = problem
        .prosumers
        .iter()
        .map(|p| {
            let k = p.generation_kwh - p.export_prev_kwh - p.consumption_kwh + p.battery_kwh;
            let pb = p.battery_kwh;
            ((pb * pb + 4.0 * k * pb).sqrt() - pb) / 2.0
        })
        .collect();
    // P4's capacity is the top of its upper interval [860, 972] (docs/model.md §5a).
    assert!((a.prosumers[3].capacity_kwh - 971.901).abs() < 1e-3);
    let capped: Vec<bool> = a
        .prosumers
        .iter()
        .zip(&h)
        .map(|(r, h)| (r.delta_kwh - h).abs() < 1e-9)
        .collect();
    let shares: Vec<f64> = a
        .prosumers
        .iter()
        .zip(&capped)
        .filter(|(_, c)| !**c)
        .map(|(r, _)| r.delta_kwh / r.capacity_kwh)
        .collect();
    assert!(shares.len() >= 2);
    for (r, (h, c)) in a.prosumers.iter().zip(h.iter().zip(&capped)) {
        assert!(
            r.delta_kwh <= h + 1e-9,
            "{}: {} above the alpha = 0 range {h}",
            r.id,
            r.delta_kwh
        );
        if *c {
            assert!(
                h / r.capacity_kwh <= shares[0] + 1e-12,
                "{} capped below the common share",
                r.id
            );
        }
    }
    assert!(
        shares.iter().all(|s| (s - shares[0]).abs() < 1e-12),
        "{shares:?}"
    );
    // Deterministic: the same input gives the same representative.
    let b = solve(&problem, &paper()).unwrap();
    assert_eq!(a.prosumers, b.prosumers);
}

#[test]
fn fair_model_lowers_the_baseline_of_a_prosumer_that_cannot_sustain_its_export() {
    let mut problem = campus13();
    // P4 now generates 600: K = 600 − 150 − 955 + 191 = −314 < 0, PG + PB − Pc = −164 < 0:
    // it cannot even cover its own load, exports nothing and offers only the cut beyond it.
    problem.prosumers[3].generation_kwh = 600.0;
    let a = solve(&problem, &Settings::default()).unwrap();
    let p4 = &a.prosumers[3];
    assert_eq!(p4.export_baseline_kwh, 0.0);
    assert_eq!(p4.capacity_kwh, 955.0 - 164.0);
    assert_eq!(p4.beta, 0.0);
    assert_eq!(p4.limit, ProsumerLimit::ShortOfExport);
    assert_eq!(p4.import_kwh, 0.0);
    // Paid for delivered energy only: nothing for the 150 kWh of Pe it no longer exports.
    assert_eq!(p4.reward_prev_inr, 0.0);
    assert_eq!(a.deficit_kwh, 257.0 + 150.0);
    assert!((total_delta(&a) - 407.0).abs() < 1e-9);
    assert!(a.to_string().contains("short of its export"));
    // K = −64 (PG = 850): the island counts on, and pays for, 150 − 64 = 86 kWh from it.
    problem.prosumers[3].generation_kwh = 850.0;
    let a = solve(&problem, &Settings::default()).unwrap();
    assert_eq!(a.prosumers[3].export_baseline_kwh, 86.0);
    assert_eq!(a.prosumers[3].reward_prev_inr, 86.0 * 3.0);
    assert_eq!(a.prosumers[3].capacity_kwh, 955.0);
    assert_eq!(a.deficit_kwh, 257.0 + 64.0);
    // The paper model's eq. 13 has no answer for it: an error that says so.
    let err = solve(&problem, &paper()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "prosumers[3] (P4): the paper model admits no contribution: K = PG - Pe - Pc + PB = -64.000 kWh < 0, \
         so eq. 13 fails for every contribution; back it off (exclude it) or use the fair model"
    );
    let settings = Settings {
        exclude: vec!["P4".into()],
        ..paper()
    };
    assert!(solve(&problem, &settings).is_ok());
}

#[test]
fn a_net_load_prosumer_is_flagged_and_its_import_counted_as_demand() {
    let mut problem = campus13();
    // P4 sheds at most half of its 955 kWh and has PG + PB = 200 + 191 = 391 < 477.5: even
    // its largest cut leaves it importing 86.5 kWh. It exports nothing (150 kWh lost).
    (
        problem.prosumers[3].generation_kwh,
        problem.prosumers[3].alpha_max,
    ) = (200.0, 0.5);
    let a = solve(&problem, &Settings::default()).unwrap();
    let p4 = &a.prosumers[3];
    assert_eq!(p4.limit, ProsumerLimit::NetLoad);
    assert_eq!(p4.import_kwh, 86.5);
    assert_eq!(
        (p4.capacity_kwh, p4.delta_kwh, p4.export_baseline_kwh),
        (0.0, 0.0, 0.0)
    );
    assert_eq!(
        p4.reward_prev_inr + p4.reward_delta_inr + p4.reward_extra_inr,
        0.0
    );
    assert_eq!(a.prosumer_import_kwh, 86.5);
    assert_eq!(a.deficit_kwh, 257.0 + 150.0 + 86.5);
    assert!((total_delta(&a) - a.deficit_kwh).abs() < 1e-9);
    assert!(a.to_string().contains("net load: imports 86.500 kWh"));
    let json = serde_json::to_string(p4).unwrap();
    assert!(json.contains("\"limit\":\"net_load\""), "{json}");
}

#[test]
fn community_supply_comes_before_prosumer_export() {
    let mut problem = campus13();
    // A DER covering the whole 257 kWh deficit: no prosumer is asked for anything.
    problem.community_supply_kwh = 300.0;
    for settings in [Settings::default(), paper()] {
        let a = solve(&problem, &settings).unwrap();
        assert_eq!(a.deficit_kwh, -43.0);
        assert_eq!(a.community_supply_kwh, 300.0);
        assert_eq!(total_delta(&a), 0.0, "{:?}", settings.model);
    }
    // Part of it: prosumers give the rest.
    problem.community_supply_kwh = 57.0;
    let a = solve(&problem, &Settings::default()).unwrap();
    assert_eq!(a.deficit_kwh, 200.0);
    assert!((total_delta(&a) - 200.0).abs() < 1e-9);
}

#[test]
fn empty_and_surplus_islands_do_not_fail() {
    let mut problem = campus13();
    problem.consumers.clear();
    for settings in [Settings::default(), paper()] {
        let a = solve(&problem, &settings).unwrap();
        assert_eq!(a.deficit_kwh, -1750.0);
        assert_eq!(total_delta(&a), 0.0);
        assert_eq!(a.budget_inr, 0.0);
    }
    // Everyone backs off: nothing can be served.
    let settings = Settings {
        exclude: ["P1", "P2", "P3", "P4", "P5"].map(String::from).to_vec(),
        ..Settings::default()
    };
    let a = solve(&campus13(), &settings).unwrap();
    assert!(a.prosumers.is_empty());
    assert_eq!(a.shed, ["C1", "C2", "C3"]);
    assert_eq!(a.energy_not_served_kwh, 2007.0);
    assert_eq!(a.cost_inr, 0.0);
}

#[test]
fn invalid_input_is_named() {
    type Breakage = fn(&mut Problem, &mut Settings);
    let cases: Vec<(Breakage, &str)> = vec![
        (
            |p, _| p.prosumers[2].battery_kwh = -5.0,
            "prosumers[2].battery_kwh: must be >= 0, got -5",
        ),
        (
            |p, _| p.prosumers[0].generation_kwh = f64::NAN,
            "prosumers[0].generation_kwh: must be finite, got NaN",
        ),
        (
            |p, _| p.prosumers[1].alpha_max = 1.5,
            "prosumers[1].alpha_max: must be in [0, 1], got 1.5",
        ),
        (
            |p, _| (p.prosumers[1].alpha_min, p.prosumers[1].alpha_max) = (0.5, 0.2),
            "prosumers[1].alpha_min: must be <= alpha_max (0.2), got 0.5",
        ),
        (
            |p, _| p.consumers[1].demand_kwh = -1.0,
            "consumers[1].demand_kwh: must be >= 0, got -1",
        ),
        (
            |p, _| p.consumers[2].id = "C1".into(),
            "consumers[2].id: duplicate id \"C1\" (also consumers[0])",
        ),
        (
            |p, _| p.base_tariff_inr_per_kwh = 0.0,
            "base_tariff_inr_per_kwh: must be a finite number > 0, got 0",
        ),
        (
            |_, s| s.beta_min = -0.1,
            "settings.beta_min: must be in [0, 1], got -0.1",
        ),
        (
            |_, s| s.exclude = vec!["P2".into(), "P9".into()],
            "settings.exclude[1]: unknown prosumer id \"P9\"",
        ),
    ];
    for (break_it, message) in cases {
        let (mut problem, mut settings) = (campus13(), Settings::default());
        break_it(&mut problem, &mut settings);
        assert_eq!(solve(&problem, &settings).unwrap_err().to_string(), message);
    }
}

#[test]
fn json_has_issue_3s_shape_and_the_table_its_units() {
    let a = solve(&campus13(), &Settings::default()).unwrap();
    let json = serde_json::to_string(&a).unwrap();
    let keys = [
        "\"model\":\"fair\"",
        "\"degenerate\":false",
        "\"deficit_kwh\":257.0",
        "\"cost_inr\"",
        "\"budget_inr\":16636.3",
        "\"budget_short_inr\":0.0",
        "\"served_kwh\":2007.0",
        "\"energy_not_served_kwh\":0.0",
        "\"shed\":[]",
        "\"excluded\":[]",
        "\"solve_time_us\"",
        "\"prosumers\":[{\"id\":\"P1\",\"delta_kwh\"",
        "\"alpha\"",
        "\"beta\"",
        "\"capacity_kwh\"",
        "\"export_baseline_kwh\"",
        "\"reward_prev_inr\"",
        "\"reward_delta_inr\"",
        "\"reward_extra_inr\"",
    ];
    let positions: Vec<usize> = keys
        .iter()
        .map(|k| json.find(k).unwrap_or_else(|| panic!("{k} in {json}")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{json}");
    let table = a.to_string();
    for needle in [
        "model fair (unique optimum)",
        "deficit 257.000 kWh",
        "delta (kWh)",
        "R_extra (INR)",
        "P5",
        "total",
        "µs (wall clock)",
    ] {
        assert!(table.contains(needle), "{needle} missing from\n{table}");
    }
    assert_eq!(serde_json::to_string(&Model::Paper).unwrap(), "\"paper\"");
}

#[test]
fn consumer_priority_defaults_to_zero() {
    let c: ConsumerInput =
        serde_json::from_str(r#"{"id":"C1","demand_kwh":1.0,"tariff_inr":3.15}"#).unwrap();
    assert_eq!(c.priority, 0);
    assert_eq!(Settings::default().model, Model::Fair);
}

/// Two prosumers with equal `Pc` and `K` but different batteries and a deficit of `Pc`:
/// one must cross its eq. 13 gap and stop at its far end (`s2`), the other gives the rest
/// (`s1`, the near end); the costs at both ends depend on `Pc` and `K` only, so swapping
/// which one crosses costs exactly the same.
fn equal_pc_and_k(batteries: [f64; 2]) -> Problem {
    let (pe, pc, k) = (300.0, 800.0, 40.0);
    Problem {
        prosumers: batteries
            .iter()
            .enumerate()
            .map(|(i, &pb)| prosumer(&format!("P{}", i + 1), pe, k + pe + pc - pb, pb, pc))
            .collect(),
        consumers: vec![consumer("C1", 2.0 * pe + pc, 0, 100_000.0)],
        base_tariff_inr_per_kwh: BT,
        community_supply_kwh: 0.0,
    }
}

#[test]
fn a_tie_across_the_gap_is_degenerate_in_either_order() {
    let a = solve(&equal_pc_and_k([200.0, 300.0]), &paper()).unwrap();
    let b = solve(&equal_pc_and_k([300.0, 200.0]), &paper()).unwrap();
    for x in [&a, &b] {
        assert!(x.degenerate, "{x}");
        assert_eq!(x.optimality_gap_inr, 0.0);
    }
    assert!((a.cost_inr - b.cost_inr).abs() < 1e-9 * a.cost_inr);
    // The other split (the other prosumer crossing) costs the same by eq. 4.
    let swapped = Allocation {
        prosumers: a.prosumers.iter().rev().cloned().collect(),
        ..a.clone()
    };
    let problem = equal_pc_and_k([200.0, 300.0]);
    let mut swapped = swapped;
    for (r, id) in swapped.prosumers.iter_mut().zip(["P1", "P2"]) {
        r.id = id.into();
    }
    assert!((eq4(&problem, &swapped) - eq4(&problem, &a)).abs() < 1e-9 * a.cost_inr);
}

/// campus13 as the scenario file has it, every energy scaled by `k`, its consumers' interval
/// energy priced under `pricing`.
fn campus13_scaled(k: f64, pricing: crate::tariff::IntervalPricing) -> crate::scenario::Scenario {
    let text = include_str!("../../scenarios/campus13.yaml");
    let mut s = crate::scenario::parse_str(text, "campus13.yaml").unwrap();
    for p in &mut s.entities.prosumers {
        p.export_prev_kwh *= k;
        p.generation_kwh *= k;
        p.battery_kwh *= k;
        p.consumption_kwh *= k;
    }
    for c in &mut s.entities.consumers {
        c.demand_kwh *= k;
    }
    for d in s.entities.solar.iter_mut().chain(&mut s.entities.wind) {
        d.generation_kwh *= k;
    }
    s.tariffs.interval_pricing = pricing;
    s
}

/// Scale does not change the fair model's answer: campus13 scaled by k (1/1000 is a
/// household-sized island, kWh per 15 min) restores, and every allocation and reward is k
/// times campus13's. "Exactly" is to 1e-12 relative to the island's deficit (a few ulps of
/// the solver's arithmetic on scaled inputs, far below its 1e-9 optimality tolerance).
#[test]
fn fair_allocations_and_rewards_scale_with_the_island() {
    use crate::tariff::IntervalPricing;
    let settings = Settings::default();
    let solve_one = |s: &crate::scenario::Scenario| {
        let mut all = solve_isolated(s, &settings).unwrap();
        assert_eq!(all.len(), 1);
        all.remove(0).2
    };
    let full = solve_one(&campus13_scaled(1.0, IntervalPricing::IntervalAsMonth));
    for k in [1e-3, 1.0 / 7.0, 3.5] {
        for pricing in [
            IntervalPricing::MonthlyMarginal,
            IntervalPricing::IntervalAsMonth,
        ] {
            let a = solve_one(&campus13_scaled(k, pricing));
            let tol = 1e-12 * k * full.deficit_kwh;
            let same = |x: f64, y: f64| (x - k * y).abs() <= tol.max(1e-12 * (k * y).abs());
            assert!(same(a.deficit_kwh, full.deficit_kwh), "k {k}: deficit");
            assert!(a.shed.is_empty(), "k {k} {pricing:?}: {a}");
            assert_eq!(a.budget_short_inr, 0.0, "k {k} {pricing:?}: {a}");
            assert_eq!(a.paid_inr, a.cost_inr);
            let tol_inr = 1e-12 * k * full.cost_inr;
            assert!(
                (a.cost_inr - k * full.cost_inr).abs() <= tol_inr,
                "k {k}: cost"
            );
            for (r, f) in a.prosumers.iter().zip(&full.prosumers) {
                assert!(same(r.delta_kwh, f.delta_kwh), "k {k} {}: delta", r.id);
                assert!(same(r.capacity_kwh, f.capacity_kwh), "k {k} {}", r.id);
                assert!((r.alpha - f.alpha).abs() <= 1e-12, "k {k} {}: alpha", r.id);
                assert!((r.beta - f.beta).abs() <= 1e-12, "k {k} {}: beta", r.id);
                for (x, y) in [
                    (r.reward_prev_inr, f.reward_prev_inr),
                    (r.reward_delta_inr, f.reward_delta_inr),
                    (r.reward_extra_inr, f.reward_extra_inr),
                ] {
                    assert!((x - k * y).abs() <= tol_inr, "k {k} {}: reward", r.id);
                }
            }
        }
    }
}

/// Tiny batteries emptied to the last bit: the shares stay in [0, 1] (1.0000001 was seen).
#[test]
fn fair_shares_stay_within_their_bounds_for_tiny_batteries() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
    let mut over = 0;
    for _ in 0..300 {
        let mut problem = campus13();
        for p in &mut problem.prosumers {
            p.battery_kwh = rng.random_range(1e-9..1e-3);
            p.alpha_max = rng.random_range(0.1..1.0);
            p.generation_kwh = p.export_prev_kwh + p.consumption_kwh + rng.random_range(0.0..1.0);
        }
        let capacity: f64 = problem
            .prosumers
            .iter()
            .map(|p| p.alpha_max * p.consumption_kwh + p.battery_kwh)
            .sum();
        let export: f64 = problem.prosumers.iter().map(|p| p.export_prev_kwh).sum();
        // Demand at the island's whole capacity: every battery and every cut used in full.
        problem.consumers = vec![consumer("C1", export + capacity, 0, 1e9)];
        let a = solve(&problem, &Settings::default()).unwrap();
        assert!(a.shed.is_empty());
        for (p, r) in problem.prosumers.iter().zip(&a.prosumers) {
            assert!((0.0..=1.0).contains(&r.beta), "{}: beta {}", r.id, r.beta);
            assert!(
                (0.0..=p.alpha_max).contains(&r.alpha),
                "{}: alpha {}",
                r.id,
                r.alpha
            );
            over += usize::from(r.beta == 1.0);
        }
    }
    assert!(over > 100, "only {over} batteries emptied");
}
