//! The chain module's typed error.

use thiserror::Error;

/// What went wrong with a contract call or deployment.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ChainError {
    /// The contract rejected the call; `reason` is the decoded custom error or revert string,
    /// e.g. `UnregisteredMeter { caller: 0x… }`.
    #[error("{function} reverted: {reason}")]
    Reverted {
        /// The contract function that was called.
        function: &'static str,
        /// The decoded reason.
        reason: String,
        /// Gas it used all the same (a reverted transaction is still mined and pays for it).
        gas_used: u64,
    },
    /// The EVM stopped the call abnormally (out of gas, invalid opcode, ...).
    #[error("{function} halted: {reason}")]
    Halted {
        /// The contract function that was called.
        function: &'static str,
        /// The EVM's halt reason.
        reason: String,
        /// Gas it used all the same (a halted transaction is still mined and pays for it).
        gas_used: u64,
    },
    /// The EVM refused the transaction before running it (a bug in this module, not a revert).
    #[error("{function}: the EVM refused the transaction: {message}")]
    Evm {
        /// The contract function that was called.
        function: &'static str,
        /// The EVM's error.
        message: String,
    },
    /// The transaction needs more gas than its block has left; it was not executed.
    #[error("{function} needs {gas_needed} gas, its block has {gas_left} left")]
    BlockFull {
        /// The contract function that was called.
        function: &'static str,
        /// Gas the transaction needs.
        gas_needed: u64,
        /// Gas the block can still hold.
        gas_left: u64,
    },
    /// The call succeeded but its output or events did not decode as expected.
    #[error("{function}: cannot decode the result: {message}")]
    Decode {
        /// The contract function that was called.
        function: &'static str,
        /// What did not decode.
        message: String,
    },
    /// A value of the domain model has no exact integer form on chain.
    #[error("{field}: {message}")]
    Unrepresentable {
        /// Where the value is, e.g. `telescopic[2].rate_inr_per_kwh`.
        field: String,
        /// Why it cannot be represented.
        message: String,
    },
}

impl ChainError {
    /// Gas a failed transaction used on chain: what a revert or halt consumed, 0 for errors
    /// that kept the transaction out of a block.
    pub fn gas_used(&self) -> u64 {
        match self {
            Self::Reverted { gas_used, .. } | Self::Halted { gas_used, .. } => *gas_used,
            _ => 0,
        }
    }

    /// The decoded revert reason, if the call reverted.
    pub fn revert_reason(&self) -> Option<&str> {
        match self {
            Self::Reverted { reason, .. } => Some(reason),
            _ => None,
        }
    }
}
