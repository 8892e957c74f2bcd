//! Why an optimisation could not be done.

/// An optimisation failure: bad input (naming the field), an island the paper model cannot
/// represent, or a numerical failure of the solver.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum OptimiseError {
    /// A field is outside its domain, e.g. `prosumers[2].battery_kwh: must be >= 0, got -5`.
    #[error("{path}: {message}")]
    Invalid {
        /// Where, e.g. `prosumers[2].battery_kwh`.
        path: String,
        /// What is wrong, with the offending value.
        message: String,
    },
    /// Under the paper model (eq. 13 as printed and its bounds) this prosumer can deliver
    /// no contribution at all, so the model has no solution.
    #[error(
        "prosumers[{index}] ({id}): the paper model admits no contribution: {reason}; back it off (exclude it) or use the fair model"
    )]
    PaperInfeasible {
        /// Its index in `Problem::prosumers`.
        index: usize,
        /// Its id.
        id: String,
        /// Which constraint rules everything out.
        reason: String,
    },
    /// The search over the paper model's disconnected feasible sets used up its work
    /// budget before finding any feasible split. (When it has found one, it returns it with
    /// the proven `optimality_gap_inr` instead.)
    #[error("branch and bound stopped after {nodes} nodes without finding a feasible split")]
    SearchLimit {
        /// Nodes explored.
        nodes: usize,
    },
    /// A numerical step failed (a bug or a pathological instance).
    #[error("solver: {0}")]
    Solver(String),
}

impl OptimiseError {
    /// Whether the input is at fault (a field out of its domain, an island the paper model
    /// cannot represent) rather than the solver (a numerical failure, an exhausted search).
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            OptimiseError::Invalid { .. } | OptimiseError::PaperInfeasible { .. }
        )
    }
}
