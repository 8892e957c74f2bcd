//! blackstart: a discrete-event co-simulator of a microgrid through a power outage.

/// The Solidity contracts (FindEntities, PowerData, PowerBalance, TariffComputation,
/// OptimisationHandler) deployed and called inside an embedded revm.
pub mod chain;
