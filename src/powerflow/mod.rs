//! Island power flow (docs/powerflow.md, docs/model.md §13): a radial, three-phase, unbalanced
//! power flow by backward/forward sweep, with the island's grid-forming unit (or the
//! substation) as the voltage reference.
//!
//! [`Network::island`] builds the tree of nodes a reference node reaches through the edges in
//! service, refusing a meshed island ([`PowerFlowError::Meshed`]): lines as 3×3 series
//! impedance matrices from their line codes, switches as ideal connections, transformers as
//! fixed-ratio windings (wye or delta) with their leakage impedance, loads at constant power on
//! their phases (wye or delta). [`solve`] sweeps it to a tolerance and reports every node's
//! phase voltages, every branch's currents against its rating, and the losses
//! ([`Solution`]). No shunt admittance: line charging and capacitors are left out.
//!
//! ## Why not an existing crate
//!
//! Evaluated on crates.io (2025): `powers`/`powers-pf` (BSD-3, a MATPOWER translation:
//! Newton, fast-decoupled, Gauss-Seidel, DC, on balanced positive-sequence bus-branch cases;
//! two releases, the last in 2024), `power_flow` (MIT, Newton on balanced cases, needs the
//! SUNDIALS C library, 8 % documented), `rustpower` (Newton-Raphson on Bevy ECS for
//! pandapower-style balanced cases) and `gridoxide-core` (Apache-2.0, balanced Newton and DC
//! on faer). All are single-phase-equivalent transmission solvers: none models an unbalanced
//! three-phase feeder (phase impedance matrices, single- and two-phase laterals, delta loads,
//! delta–wye transformers), which the IEEE 13-node and European LV feeders need; several pull
//! a large or C dependency. So this is a small module of its own, on `num-complex` (already
//! in the build).

mod error;
mod impedance;
mod network;
mod phasor;
mod solution;
mod sweep;

pub use error::PowerFlowError;
pub use network::{Branch, Load, Network, NetworkNode, ReferenceVoltage};
pub use solution::{BranchFlow, BranchLoading, NodeVoltages, PhaseVoltage, Solution};
pub use sweep::{SweepOptions, solve};

#[cfg(test)]
mod tests;
