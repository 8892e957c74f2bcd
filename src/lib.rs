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
//! - [`chain`]: the Solidity contracts (the paper's five functions) deployed and called in an
//!   embedded revm.

/// The Solidity contracts (FindEntities, PowerData, PowerBalance, TariffComputation,
/// OptimisationHandler) deployed and called inside an embedded revm.
pub mod chain;
pub mod grid;
/// Restoration optimisation (SPEC §5): the least-cost split of an island's deficit among its prosumers.
pub mod optimise;
/// Parquet outputs with documented columns, written atomically with provenance metadata.
pub mod report;
pub mod scenario;
/// Discrete-event co-simulation of one outage on nexosim: meters, network, faults, RTDCCUs,
/// chain node, optimiser and the restoration coordinator; MTTR and its breakdown.
pub mod sim;
/// Monte-Carlo sweeps: parallel, deterministic, sharded and resumable, with a summary.
pub mod sweep;
/// Seeded synthetic islands around the paper's Table 5, for benchmarks and scale scenarios.
pub mod synthetic;
pub mod tariff;
