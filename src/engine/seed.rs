//! Random streams: every random draw of a run comes from a stream derived from the scenario seed,
//! the run index and the stream's purpose, so runs are independent of each other and of thread
//! count, and adding a stream does not shift the draws of the others.

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

/// The random generator every model carries (small, fast, serialisable with the model).
pub type Stream = Xoshiro256PlusPlus;

/// What a random stream is for; each purpose gets its own stream per run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    /// The run's Monte-Carlo sample (fault time and place, factors, back-offs).
    Plan,
    /// Message latency and loss.
    Network,
    /// One entity's RTDCCU: detection and switching delays.
    Rtdccu(u32),
    /// One entity's meter (wind weather).
    Meter(u32),
    /// The chain node: service times and block intervals.
    Chain,
    /// The optimiser's modelled duration.
    Optimiser,
    /// One fault's repair time (by its index among the run's faults): a stream per fault, so
    /// that a fault's repair does not depend on the others (docs/model.md §9).
    Repair(u32),
    /// The run's reconnection delay once the grid returns (docs/model.md §9).
    Resync,
    /// One profile's weather (solar day factors, a wind-speed process), by the profile's
    /// position in the scenario's `profiles` in name order ([`crate::plant::profile`]).
    Weather(u32),
    /// The weather factor of one wind plant without a profile in one meter interval (entity,
    /// interval): a stream per reading, so every model that needs the interval's generation
    /// (the meter, the plant) draws the same factor.
    WindInterval(u32, u64),
    /// Not a run's: the simulated years and bootstrap of a sweep's annual indices
    /// ([`crate::reliability::annual`]), seeded with the scenario's seed itself.
    AnnualYears,
}

/// SplitMix64's finaliser: a bijective mix of 64 bits.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seed of run `run_index` of a sweep over a scenario with `scenario_seed`.
pub fn run_seed(scenario_seed: u64, run_index: u64) -> u64 {
    mix(mix(scenario_seed) ^ run_index.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

/// The stream for `purpose` within the run seeded with `run_seed`.
pub fn stream(run_seed: u64, purpose: Purpose) -> Stream {
    let (tag, index): (u64, u32) = match purpose {
        Purpose::Plan => (1, 0),
        Purpose::Network => (2, 0),
        Purpose::Rtdccu(i) => (3, i),
        Purpose::Meter(i) => (4, i),
        Purpose::Chain => (5, 0),
        Purpose::Optimiser => (6, 0),
        Purpose::Repair(i) => (7, i),
        Purpose::Resync => (9, 0),
        Purpose::Weather(i) => (8, i),
        Purpose::WindInterval(i, _) => (10, i),
        Purpose::AnnualYears => (11, 0),
    };
    let mut key = (tag << 32) | u64::from(index);
    if let Purpose::WindInterval(_, interval) = purpose {
        key = mix(key) ^ interval;
    }
    Stream::seed_from_u64(mix(run_seed ^ mix(key)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_by_run_and_purpose_and_repeat_exactly() {
        let first = |seed: u64, purpose| stream(seed, purpose).next_u64();
        let run0 = run_seed(42, 0);
        let run1 = run_seed(42, 1);
        assert_ne!(run0, run1);
        assert_ne!(first(run0, Purpose::Network), first(run1, Purpose::Network));
        assert_ne!(
            first(run0, Purpose::Rtdccu(0)),
            first(run0, Purpose::Rtdccu(1))
        );
        assert_ne!(
            first(run0, Purpose::Meter(0)),
            first(run0, Purpose::Rtdccu(0))
        );
        assert_eq!(
            first(run0, Purpose::Chain),
            first(run_seed(42, 0), Purpose::Chain)
        );
        // Weather has its own tag: profile 0's stream is none of the older ones.
        for other in [
            Purpose::Meter(0),
            Purpose::Rtdccu(0),
            Purpose::Plan,
            Purpose::Optimiser,
        ] {
            assert_ne!(first(run0, Purpose::Weather(0)), first(run0, other));
        }
    }
}
