//! Repair and return (docs/model.md §9): when each faulted line is repaired.
//!
//! Each fault's repair time is drawn from its law (its Monte-Carlo fault set's
//! `repair_time_s`, or `faults[].repair_time_s`, by default a lognormal with a median of 4 h,
//! [`Fault::default_repair_time_s`]) on a random stream of its
//! own, so that one fault's repair does not move another's and no earlier draw of a run moves
//! either. The caller gives the streams: the simulator takes them from
//! `engine::seed::stream(run_seed, Purpose::Repair(i))` for the run's i-th fault. Once every
//! fault of an island is repaired the island reconnects after the scenario's
//! `timing.resync_delay_s` ([`crate::scenario::Timing::resync_delay_s`]).

use crate::scenario::{Fault, NodeId, Scenario};
use rand::Rng;

/// The repair-time law of a run's fault on `line`: that of the scenario's fault on the same
/// line (either order), or the default when the line is not one of the scenario's faults (a
/// line of a `monte_carlo.fault_sets` entry without its own `repair_time_s`).
pub fn repair_law(scenario: &Scenario, line: [NodeId; 2]) -> crate::scenario::Distribution {
    let same = |f: &&Fault| f.line == line || f.line == [line[1], line[0]];
    scenario
        .faults
        .iter()
        .find(same)
        .map_or_else(Fault::default_repair_time_s, Fault::repair_time_s)
}

/// The repair-time law of a run's fault on `line` when the run drew Monte-Carlo fault set
/// `fault_set` (`None`: the scenario's own faults): the set's `repair_time_s` when it gives
/// one, else [`repair_law`].
pub fn repair_law_in(
    scenario: &Scenario,
    fault_set: Option<usize>,
    line: [NodeId; 2],
) -> crate::scenario::Distribution {
    fault_set
        .and_then(|k| scenario.monte_carlo.fault_sets.get(k))
        .and_then(|set| set.repair_time_s.clone())
        .unwrap_or_else(|| repair_law(scenario, line))
}

/// Each of a run's `faults` (line and time it opens, s; of Monte-Carlo fault set `fault_set`,
/// or the scenario's own faults for `None`) repaired: the instant, s, its fault time plus a
/// repair time drawn from [`repair_law_in`] on `stream(i)`, the i-th fault's own stream.
pub fn repair_instants_s<R: Rng>(
    scenario: &Scenario,
    fault_set: Option<usize>,
    faults: &[([NodeId; 2], f64)],
    mut stream: impl FnMut(u32) -> R,
) -> Vec<f64> {
    faults
        .iter()
        .zip(0u32..)
        .map(|(&(line, at_s), i)| {
            at_s + repair_law_in(scenario, fault_set, line).sample(&mut stream(i))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::seed::{Purpose, run_seed, stream};
    use crate::scenario::{Distribution, parse_str};

    fn campus13() -> Scenario {
        parse_str(
            include_str!("../../scenarios/campus13.yaml"),
            "campus13.yaml",
        )
        .unwrap()
    }

    #[test]
    fn each_fault_draws_its_own_repair_on_its_own_stream() {
        let mut s = campus13();
        s.faults[1].repair_time_s = Some(Distribution::fixed(3600.0));
        let faults: Vec<_> = s
            .faults
            .iter()
            .map(|f| (f.line, s.fault_time_s(f)))
            .collect();
        let seed = run_seed(s.seed, 0);
        let streams = |i| stream(seed, Purpose::Repair(i));
        let repaired = repair_instants_s(&s, None, &faults, streams);
        assert_eq!(repaired.len(), 2);
        // The second fault's law is fixed; the first draws the default lognormal.
        assert_eq!(repaired[1], faults[1].1 + 3600.0);
        let first = Fault::default_repair_time_s().sample(&mut streams(0));
        assert_eq!(repaired[0], faults[0].1 + first);
        assert!(first > 0.0);
        // Same seed, same instants; the line is found in either order.
        assert_eq!(repair_instants_s(&s, None, &faults, streams), repaired);
        let reversed = [([faults[1].0[1], faults[1].0[0]], faults[1].1)];
        assert_eq!(
            repair_instants_s(&s, None, &reversed, streams)[0],
            repaired[1]
        );
    }

    #[test]
    fn the_default_law_has_a_median_of_four_hours() {
        let law = Fault::default_repair_time_s();
        let mut rng = stream(run_seed(7, 0), Purpose::Repair(0));
        let mut draws: Vec<f64> = (0..4001).map(|_| law.sample(&mut rng)).collect();
        draws.sort_by(f64::total_cmp);
        let median_h = draws[2000] / 3600.0;
        assert!((3.6..4.4).contains(&median_h), "{median_h}");
    }
}
