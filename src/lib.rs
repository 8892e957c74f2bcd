//! blackstart: a discrete-event co-simulator of a microgrid through a power outage.
//!
//! ```text
//! scenario YAML ──load+validate──▶ Scenario ──▶ grid: faults → islands, energy balance (eq. 1)
//!                                      │                       │
//!                                      └──▶ tariff: prosumer tariff, slab schedules (eqs. 2–3)
//! ```
//!
//! - [`scenario`]: the YAML schema, its defaults, distributions, and validation with field paths.
//! - [`grid`]: topology, islands after faults, each island's energy account and eq. 1.
//! - [`tariff`]: what prosumers earn and consumers pay; slabs are data.

pub mod grid;
pub mod scenario;
pub mod tariff;
/// Restoration optimisation (SPEC §5): the least-cost split of an island's deficit among its prosumers.
pub mod optimise;
/// Seeded synthetic islands around the paper's Table 5, for benchmarks and scale scenarios.
pub mod synthetic;
