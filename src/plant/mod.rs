//! The plant: the physical side of the microgrid (docs/model.md §9). Entity models own the
//! physical truth — each interval's generation and demand, a battery's state of charge, whether a
//! relay is closed — and the island's energy is settled by physics every interval; the controller
//! ([`crate::sim`]'s coordinator) knows only the readings that reach it.
//!
//! Built so far, not yet driving the simulator:
//!
//! - [`profile`]: each entity's generation and consumption per meter interval from a profile of
//!   time of day and day of year (solar, wind, load shapes, a user's time series).

pub mod profile;
