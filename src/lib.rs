//! blackstart: a discrete-event co-simulator of a microgrid through a power outage.
//!
//! ```text
//! scenario YAML ──load+validate──▶ Scenario ──▶ grid: faults → islands, energy balance (eq. 1)
//!                                      │                       │
//!                                      └──▶ tariff: prosumer tariff, slab schedules (eqs. 2–3)
//!                                                              │
//!                                  optimise: each island's deficit split among its prosumers
//! ```
//!
//! - [`scenario`]: the YAML schema, its defaults, distributions, and validation with field paths.
//! - [`grid`]: topology, islands after faults, each island's energy account and eq. 1.
//! - [`tariff`]: what prosumers earn and consumers pay; slabs are data.
//! - [`optimise`]: the restoration optimiser (SPEC §5): least-cost split of an island's
//!   deficit, `paper` and `fair` models, back-off, load shedding.
//! - [`synthetic`]: seeded synthetic islands around Table 5, for benchmarks and scale scenarios.

pub mod grid;
pub mod optimise;
pub mod scenario;
pub mod synthetic;
pub mod tariff;
