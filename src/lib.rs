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

pub mod chain;
pub mod grid;
pub mod scenario;
pub mod tariff;
