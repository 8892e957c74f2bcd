//! The plant: the physical side of the microgrid (docs/model.md §9), the truth the controller
//! ([`crate::sim`]) only sees through its meters' readings.
//!
//! Entity models own the physical state — each interval's generation and demand, batteries'
//! state of charge, whether a relay is closed — and each island's energy is settled by physics
//! every meter interval, with an account whose identities hold exactly. Meter interval k covers
//! `[k·Δ, (k+1)·Δ)` s since local midnight of the start date, Δ = `time.meter_interval_s`;
//! energies per interval are in kWh, powers in kW.
//!
//! - [`profile`]: each entity's generation and consumption per meter interval from a profile of
//!   time of day and day of year (solar, wind, load shapes, a user's time series).
//! - [`battery`]: a battery with state of charge, power limits, efficiency and reserve.
//! - [`settle`]: one island's energy in one interval — prosumers' export, DERs, grid-forming
//!   battery banks, protection shedding, curtailment — and its [`settle::IntervalAccount`].
//! - [`island`]: the islands of a run through time — members with their state, the
//!   controller's actuations at the instants relays carry them out, every interval settled
//!   stretch by stretch into an [`island::IntervalRecord`].
//! - [`island_network`]: an island's power flow in the loop (docs/model.md §13) — losses
//!   supplied, voltage and thermal limits kept by shedding or curtailment, and recorded.
//! - [`repair`]: when each fault is repaired.
//! - [`bound`]: the perfect-information bound over a run's islands, a linear program.

pub mod battery;
pub mod bound;
pub mod island;
pub mod island_network;
pub mod profile;
pub mod repair;
pub mod settle;
