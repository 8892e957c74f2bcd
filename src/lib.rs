//! blackstart: a discrete-event co-simulator of a microgrid through a power outage.
//!
//! ```text
//! scenario YAML ──load+validate──▶ Scenario ──RunPlan::sampled(seed, run index)──▶ RunPlan
//!      │                              │                                            │
//!      │        grid: faults → islands, eq. 1        sim::Simulator::run — one nexosim simulation,
//!      │        tariff: eqs. 2–3, slabs as data      single-threaded, owning a clone of the EVM
//!      │        optimise: deficit → prosumers                                      │
//!      │                                  meters ─▶ network ─▶ coordinator ─▶ ledger::ChainNode (revm)
//!      │                                  faults ─▶ RTDCCUs ─▶ coordinator ─▶ optimiser ─▶ relays
//!      │                                                                           ▼
//!      └─── sweep: rayon over run indices ──▶ RunReport ──▶ sim::tables ──▶ output: Parquet + summary
//! ```
//!
//! The layers, each using only those above it in this list (tests aside):
//!
//! - [`yaml`]: reading a YAML input (scenario, Caliper configuration, chain profile) into its
//!   schema, guarded, with errors that name the file, line and column, and field.
//! - [`io`]: atomic file writes (temporary file, then rename), used by every output.
//! - [`scenario`]: the YAML schema, its defaults, distributions, and validation with field paths.
//! - [`grid`]: topology, islands after faults, each island's energy account and eq. 1.
//! - [`tariff`]: what prosumers earn and consumers pay; slabs are data.
//! - [`dss`]: reading OpenDSS `.dss` feeders (the subset of docs/dss.md) into a typed circuit,
//!   with file:line errors and a list of everything dropped.
//! - [`simbench`]: reading a SimBench grid's CSV tables (docs/simbench.md) into a typed grid.
//! - [`import`]: a circuit or a SimBench grid turned into a scenario, its profile table and a
//!   report of what was counted and dropped (docs/model.md §12).
//! - [`powerflow`]: a radial three-phase power flow of an island (backward/forward sweep,
//!   docs/powerflow.md), validated against OpenDSS; not yet in the per-interval simulation.
//! - [`plant`]: the physical side (docs/model.md §9) — batteries with state of charge, each
//!   island's energy settled by physics per interval, the perfect-information bound (a linear
//!   program), fault repair times.
//! - [`reliability`]: IEEE 1366 indices (SAIFI, SAIDI, CAIDI, MAIFI_E, ASAI, CEMI_n, CELID)
//!   over consumers' interruption records, each counting the consumer's customers, per outage
//!   event and, with fault rates, per year.
//! - [`optimise`]: the restoration optimiser (docs/model.md §5): least-cost split of an island's
//!   deficit, `paper` and `fair` models, back-off, load shedding.
//! - [`synthetic`]: seeded synthetic islands around Table 5 (for benchmarks) and feeders of
//!   households (`generate`, scale scenarios).
//! - [`chain`]: the Solidity contracts (the paper's five functions) deployed and called in an
//!   embedded revm, and the one account plan ([`chain::Accounts`]).
//! - [`entity`]: the scenario's entity table, the one place an entity's scenario id, index and
//!   registry id on chain are translated.
//! - [`output`]: Parquet tables with documented columns and provenance, written atomically.
//! - [`engine`]: the nexosim glue shared by the simulator and the benchmark — simulated time,
//!   seeded random streams, stepping a simulation until its models are done.
//! - [`plant`]: the physical side (docs/model.md §9): each entity's energy per meter interval
//!   from profiles of time of day and year (solar, wind, load shapes, time series).
//! - [`ledger`]: the simulated ledger shared by the simulator and the benchmark — a scenario
//!   deployed on chain, the transaction vocabulary, the chain node in simulated time, the one
//!   transaction record, gas per function.
//! - [`sim`]: one outage simulated end to end on nexosim; MTTR and its breakdown; its Parquet
//!   tables ([`sim::tables`]).
//! - [`caliper`]: a Hyperledger Caliper-style benchmark of the contracts: Caliper's
//!   configuration and rate controllers driving the simulated chain node (Table 8). A sibling of
//!   [`sim`]: neither uses the other.
//! - [`sweep`]: Monte-Carlo sweeps — parallel, deterministic, sharded, resumable — and their
//!   summary (MTTR distribution, customer-weighted restoration time, IEEE 1366 indices, runs by
//!   status and failure reason).
//! - [`survival`]: REopt-style survival — outages started through a year (every meter
//!   interval, or a sample stratified by month × hour), one causal run per start, survival
//!   probability by duration, month and hour, with and without sharing.
//! - [`report`]: self-contained HTML reports (inline SVG drawn here, no scripts) of a sweep and
//!   of a survival study.
//! - [`reproduce`]: every result of the paper recomputed and compared with the published
//!   numbers (`comparison.md`), with the paper's figures as PNG.

// Unit tests compare floats exactly on purpose: hand-computed oracles and bit-identical results.
#![cfg_attr(test, allow(clippy::float_cmp))]

pub mod caliper;
pub mod chain;
pub mod dss;
pub mod engine;
pub mod entity;
pub mod grid;
pub mod import;
pub mod io;
pub mod ledger;
pub mod optimise;
pub mod output;
pub mod plant;
pub mod powerflow;
pub mod reliability;
pub mod report;
pub mod reproduce;
pub mod scenario;
pub mod sim;
pub mod simbench;
pub mod survival;
pub mod sweep;
pub mod synthetic;
pub mod tariff;
pub mod yaml;
