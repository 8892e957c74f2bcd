//! blackstart: a discrete-event co-simulator of a microgrid through a power outage.

/// Restoration optimisation (SPEC §5): the least-cost split of an island's deficit among its prosumers.
pub mod optimise;
/// Seeded synthetic islands around the paper's Table 5, for benchmarks and scale scenarios.
pub mod synthetic;
