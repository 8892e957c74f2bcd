//! The five contract functions the paper benchmarks (Table 8), in one list with their names:
//! the simulator, the benchmark and the reports all iterate [`Function::ALL`].

use serde::{Deserialize, Serialize};

/// The five contract functions the paper benchmarks (Table 8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Function {
    /// Registration and lookup of entities.
    FindEntities,
    /// A meter posting a reading.
    PowerData,
    /// Eq. 1 on chain.
    PowerBalance,
    /// Eqs. 2–3 on chain.
    TariffComputation,
    /// Recording and settling an allocation.
    OptimisationHandler,
}

impl Function {
    /// The five, in the paper's order (Table 8).
    pub const ALL: [Function; 5] = [
        Function::FindEntities,
        Function::PowerData,
        Function::PowerBalance,
        Function::TariffComputation,
        Function::OptimisationHandler,
    ];

    /// The paper's name.
    pub fn name(self) -> &'static str {
        match self {
            Function::FindEntities => "FindEntities",
            Function::PowerData => "PowerData",
            Function::PowerBalance => "PowerBalance",
            Function::TariffComputation => "TariffComputation",
            Function::OptimisationHandler => "OptimisationHandler",
        }
    }
}
