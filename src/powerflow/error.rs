//! What can stop a power flow: a network it cannot represent, or a sweep that does not settle.

use crate::scenario::NodeId;

/// Why a network could not be built or solved. Edges are named by their scenario name (else
/// their ends), loads by their entity id.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PowerFlowError {
    /// The reference node is not in the grid.
    #[error("node {0} is not in the grid")]
    UnknownNode(NodeId),
    /// A node of the network has no voltage base (`grid.nodes[].base_kv`).
    #[error("node {node} has no voltage base (base_kv)")]
    NoVoltageBase {
        /// The node.
        node: String,
    },
    /// The in-service edges of the island close a loop: a backward/forward sweep needs a tree.
    #[error("the island is meshed: {edge} closes a loop (a radial power flow needs a tree)")]
    Meshed {
        /// An edge of the loop.
        edge: String,
    },
    /// A line without a usable series impedance.
    #[error("{edge}: {reason}")]
    NoImpedance {
        /// The line.
        edge: String,
        /// What is missing or inconsistent.
        reason: String,
    },
    /// An edge or a load uses a phase that does not reach its node.
    #[error("{element} uses phase {phase}, which node {node} does not have")]
    MissingPhase {
        /// The edge or load.
        element: String,
        /// The phase (1–3).
        phase: u32,
        /// The node.
        node: String,
    },
    /// A transformer this model does not represent.
    #[error("{edge}: {reason}")]
    UnsupportedTransformer {
        /// The transformer.
        edge: String,
        /// Why.
        reason: String,
    },
    /// The sweep did not settle within its iteration cap (or its voltages collapsed).
    #[error(
        "the sweep did not converge in {iterations} iterations (last voltage change {change_pu:e} pu)"
    )]
    NotConverged {
        /// Iterations done.
        iterations: usize,
        /// The largest voltage change of the last iteration, pu (NaN when voltages collapsed).
        change_pu: f64,
    },
}
