//! A run's plan: what the scenario leaves random at the level of a whole run, drawn once from
//! the run's seed — fault time and place, weather and demand factors, which prosumers back off,
//! when each fault is repaired and how long reconnection takes.

use crate::engine::seed::{Purpose, run_seed, stream};
use crate::plant::repair;
use crate::scenario::{MIN_BLOCK_INTERVAL_S, NodeId, Scenario};
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// One fault of a run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PlannedFault {
    /// The line that opens.
    pub line: [NodeId; 2],
    /// When it opens, s.
    pub at_s: f64,
    /// When it is repaired, s: `at_s` plus a repair time drawn from its fault set's
    /// `repair_time_s` or the scenario's `faults[].repair_time_s`, on the fault's own stream.
    pub repaired_at_s: f64,
}

/// One run's sampled parameters.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunPlan {
    /// Index of the run in its sweep (0 for a single run).
    pub run_index: u64,
    /// Seed of every random stream of the run.
    pub seed: u64,
    /// Lines that open, when, and when they are repaired.
    pub faults: Vec<PlannedFault>,
    /// Which of the Monte-Carlo fault sets was drawn (`None`: the scenario's faults).
    pub fault_set: Option<usize>,
    /// Multiplies generation.
    pub weather_factor: f64,
    /// Multiplies consumer demand and prosumer consumption.
    pub demand_factor: f64,
    /// Multiplies every network latency.
    pub latency_factor: f64,
    /// The run's fixed block interval, s (`None`: drawn per block from the chain section).
    pub block_interval_s: Option<f64>,
    /// Prosumers that fail to deliver their share (eq. 14).
    pub back_off: Vec<String>,
    /// How long an island waits, once its supply is back, before it reconnects to the grid, s
    /// (drawn from `timing.resync_delay_s`).
    pub resync_delay_s: f64,
}

impl RunPlan {
    /// The same run with ideal timing ([`super::Simulator::with_ideal_timing`]): the same
    /// faults, repairs, weather and demand; no prosumer backs off and blocks follow at once.
    pub fn with_ideal_timing(&self) -> RunPlan {
        RunPlan {
            back_off: Vec::new(),
            block_interval_s: None,
            ..self.clone()
        }
    }

    /// The scenario as written, seeded with `seed`: its faults at their times, factors of 1 and
    /// its `optimiser.back_off` prosumers backing off. `blackstart run` simulates this.
    pub fn nominal(scenario: &Scenario, seed: u64) -> Self {
        RunPlan {
            run_index: 0,
            seed,
            faults: scenario
                .faults
                .iter()
                .map(|f| PlannedFault {
                    line: f.line,
                    at_s: scenario.fault_time_s(f),
                    repaired_at_s: f64::NAN,
                })
                .collect(),
            fault_set: None,
            weather_factor: 1.0,
            demand_factor: 1.0,
            latency_factor: 1.0,
            block_interval_s: None,
            back_off: scenario.optimiser.back_off.clone(),
            resync_delay_s: 0.0,
        }
        .with_repairs(scenario)
    }

    /// This plan with its repair instants and reconnection delay drawn for its faults, each
    /// from a stream of its own: no other draw of the run moves.
    fn with_repairs(mut self, scenario: &Scenario) -> Self {
        let seed = self.seed;
        let opened: Vec<([NodeId; 2], f64)> =
            self.faults.iter().map(|f| (f.line, f.at_s)).collect();
        let repaired = repair::repair_instants_s(scenario, self.fault_set, &opened, |i| {
            stream(seed, Purpose::Repair(i))
        });
        for (fault, repaired_at_s) in self.faults.iter_mut().zip(repaired) {
            fault.repaired_at_s = repaired_at_s;
        }
        self.resync_delay_s = scenario
            .timing
            .resync_delay_s()
            .sample(&mut stream(seed, Purpose::Resync));
        self
    }

    /// Run `run_index` of a Monte-Carlo sweep: the scenario with its `monte_carlo` variation
    /// drawn from the run's own stream.
    pub fn sampled(scenario: &Scenario, run_index: u64) -> Self {
        let seed = run_seed(scenario.seed, run_index);
        let mut rng = stream(seed, Purpose::Plan);
        let mc = &scenario.monte_carlo;
        let mut plan = RunPlan::nominal(scenario, seed);
        plan.run_index = run_index;
        if !mc.fault_sets.is_empty() {
            // Drawn in proportion to the sets' rates when they have them (docs/model.md §10),
            // else to their weights. Either is relative: scaled by the largest, they sum to a
            // finite number however large they are (each is finite, >= 0, one > 0).
            let weights: Vec<f64> = scenario
                .event_rates_per_year()
                .unwrap_or_else(|| mc.fault_sets.iter().map(|s| s.weight).collect());
            let largest = weights.iter().copied().fold(0.0, f64::max);
            let total: f64 = weights.iter().map(|w| w / largest).sum();
            let mut pick = rng.random_range(0.0..total);
            let chosen = weights
                .iter()
                .position(|w| {
                    pick -= w / largest;
                    pick < 0.0
                })
                // Rounding can leave `pick` at 0 past the end: the last set that can occur.
                .or_else(|| weights.iter().rposition(|&w| w > 0.0))
                .unwrap_or(mc.fault_sets.len() - 1);
            let at_s = scenario.time.outage_at_s;
            plan.faults = mc.fault_sets[chosen]
                .lines
                .iter()
                .map(|&line| PlannedFault {
                    line,
                    at_s,
                    repaired_at_s: f64::NAN,
                })
                .collect();
            plan.fault_set = Some(chosen);
        }
        // The draw is used as it is, never clamped: the fault set keeps its spacing from the
        // drawn first fault, and a fault that lands at or after the horizon is not simulated
        // and makes the run censored (`validate` warns when draws can land there and rejects a
        // distribution all of whose draws do).
        if let Some(time) = &mc.fault_time_s {
            let first_s = plan
                .faults
                .iter()
                .map(|f| f.at_s)
                .fold(f64::INFINITY, f64::min);
            let start_s = time.sample(&mut rng);
            for fault in &mut plan.faults {
                fault.at_s = fault.at_s - first_s + start_s;
            }
        }
        plan.weather_factor = mc.weather_factor.sample(&mut rng);
        plan.demand_factor = mc.demand_factor.sample(&mut rng);
        plan.latency_factor = mc.latency_factor.sample(&mut rng);
        // At least `MIN_BLOCK_INTERVAL_S`: blocks must follow each other in time.
        plan.block_interval_s = mc
            .block_interval_s
            .as_ref()
            .map(|d| d.sample(&mut rng).max(MIN_BLOCK_INTERVAL_S));
        for p in &scenario.entities.prosumers {
            let backs_off =
                mc.back_off_probability > 0.0 && rng.random_bool(mc.back_off_probability);
            if backs_off && !plan.back_off.contains(&p.id) {
                plan.back_off.push(p.id.clone());
            }
        }
        // The faults are final: draw their repairs again for the lines and times drawn.
        plan.with_repairs(scenario)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn campus13_with(monte_carlo: &str) -> Scenario {
        let base = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/campus13-annual.yaml"
        );
        crate::scenario::parse_str(
            &format!("extends: {base}\nmonte_carlo: {monte_carlo}\n"),
            "t.yaml",
        )
        .unwrap()
    }

    /// Sets with rates are drawn as sets with weights in the same proportions are (here
    /// exactly: 1.5 / 1.5 and 0.5 / 1.5 round as 3 / 3 and 1 / 3 do): on the same stream, by
    /// the same rule. So a scenario without rates draws exactly as it always has,
    /// and rates change only which set a run draws.
    #[test]
    fn rates_draw_like_weights_of_the_same_proportions() {
        let weighted = campus13_with(
            "{fault_sets: [{lines: [[3, 4], [6, 7]], weight: 3}, {lines: [[3, 4]], weight: 1}]}",
        );
        let rated = campus13_with(
            "{fault_sets: [{lines: [[3, 4], [6, 7]], rate_per_year: 1.5}, \
             {lines: [[3, 4]], rate_per_year: 0.5}]}",
        );
        let mut drawn = [0u32; 2];
        for i in 0..2000 {
            let (w, r) = (RunPlan::sampled(&weighted, i), RunPlan::sampled(&rated, i));
            assert_eq!(w, r, "run {i}");
            drawn[r.fault_set.unwrap()] += 1;
        }
        // 3 : 1, within a few standard deviations (√(2000 · 0.75 · 0.25) ≈ 19).
        assert!((1400..1600).contains(&drawn[0]), "{drawn:?}");
    }

    #[test]
    fn a_class_of_rate_zero_is_never_drawn() {
        let s = campus13_with(
            "{fault_sets: [{lines: [[3, 4]], rate_per_year: 0}, \
             {lines: [[3, 4], [6, 7]], rate_per_year: 0.2}, {lines: [[6, 7]], rate_per_year: 0}]}",
        );
        for i in 0..500 {
            assert_eq!(RunPlan::sampled(&s, i).fault_set, Some(1), "run {i}");
        }
    }

    #[test]
    fn a_fault_set_s_repair_law_applies_to_its_lines() {
        let s = campus13_with(
            "{fault_sets: [{lines: [[3, 4], [6, 7]], rate_per_year: 0.2, \
             repair_time_s: {fixed: 7200}}, {lines: [[3, 4]], rate_per_year: 0.2}]}",
        );
        let (mut own, mut default) = (0, 0);
        for i in 0..40 {
            let plan = RunPlan::sampled(&s, i);
            let repairs: Vec<f64> = plan
                .faults
                .iter()
                .map(|f| f.repaired_at_s - f.at_s)
                .collect();
            if plan.fault_set == Some(0) {
                own += 1;
                // `repaired_at_s − at_s`: 2 h to rounding.
                assert!(repairs.iter().all(|r| (r - 7200.0).abs() < 1e-6), "run {i}");
            } else {
                // The other set's line 3–4 takes campus13's default law: not 2 h exactly.
                default += 1;
                assert!((repairs[0] - 7200.0).abs() > 1.0, "run {i}");
            }
        }
        assert!(own > 0 && default > 0, "{own} {default}");
    }
}
