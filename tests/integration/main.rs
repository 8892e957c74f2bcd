//! blackstart's integration tests, in one binary: a test crate links the whole library and its
//! dependencies (polars, revm) on its own, so the suites are modules of one crate rather than
//! crates of their own. Run one suite with `cargo test --test integration <module>::`.
//!
//! - through the binary: `cli_*` (one command each), `hostile_*` (hostile input: files, times,
//!   what `validate` accepts), `docs_reference` (the data reference is complete);
//! - through the library: `chain` and `hostile_contracts` (the contracts in revm),
//!   `fuzz_scenario` (the scenario loader), `simulator` (runs and their typed reports),
//!   `one_outage` and `small_sweep` (the files of `examples/`, compiled here too so that their
//!   tests run them).

// The tests compare floats exactly on purpose: published and hand-computed values, and
// bit-identical results across threads and shards.
#![allow(clippy::float_cmp)]

mod chain;
mod cli_bench;
mod cli_import;
mod cli_import_simbench;
mod cli_optimise;
mod cli_reproduce;
mod cli_run;
mod cli_scenario;
mod cli_survival;
mod cli_sweep;
mod common;
mod docs_reference;
mod fuzz_scenario;
mod hostile_contracts;
mod hostile_paths;
mod hostile_time;
mod hostile_validate;
mod island_power_flow;
mod simulator;
mod survival;

#[path = "../../examples/one_outage.rs"]
mod one_outage;
#[path = "../../examples/small_sweep.rs"]
mod small_sweep;
