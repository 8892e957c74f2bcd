//! The embedded EVM: revm behind the few operations the chain module needs (deploy, transact,
//! view, block), so that revm's often-changing API touches this file only.

use alloy_primitives::{Address, Bytes, Log, U256};
use revm::context::result::{ExecutionResult, Output};
use revm::context::{BlockEnv, TxEnv};
use revm::database::{CacheDB, DatabaseCommit, EmptyDB};
use revm::handler::{MainnetContext, MainnetEvm};
use revm::primitives::hardfork::SpecId;
use revm::{ExecuteCommitEvm, ExecuteEvm, MainBuilder};

use super::bindings::revert_reason;
use super::error::ChainError;

/// The EVM revision: must equal `EVM_VERSION` in `contracts/build.js` (a test checks the artifacts).
pub(crate) const SPEC: SpecId = SpecId::OSAKA;

/// Every transaction's gas limit: the per-transaction cap of EIP-7825 (2^24).
const TX_GAS_LIMIT: u64 = 1 << 24;

/// The chain's state: the in-memory database and the current block. Cloning it clones the state.
///
/// revm's built EVM is neither `Send` nor `Clone` (its frames hold raw pointers, its scratch
/// memory an `Rc`), so only the state is kept and an EVM is built around it for each
/// transaction; that keeps [`super::Chain`] `Send + Sync` for nexosim models and rayon. The
/// build's main cost, eight preallocated call frames, did not show next to a transaction
/// (criterion, `postReading`: the same within noise with and without them).
#[derive(Clone, Debug, Default)]
pub(crate) struct Evm {
    db: CacheDB<EmptyDB>,
    block: BlockEnv,
    /// Gas the current block can still hold; `None` when no block limit applies.
    block_gas_left: Option<u64>,
}

/// What a successful transaction returned.
pub(crate) struct Success {
    /// Gas the transaction used (intrinsic gas included, refunds deducted).
    pub gas_used: u64,
    /// The call's return data.
    pub output: Bytes,
    /// The events it emitted.
    pub logs: Vec<Log>,
}

impl Evm {
    /// Starts a block: its number and timestamp (seconds), which later transactions see, and
    /// the gas it can hold (`None`: no limit).
    pub(crate) fn set_block(&mut self, number: u64, timestamp_s: u64, gas_limit: Option<u64>) {
        self.block.number = U256::from(number);
        self.block.timestamp = U256::from(timestamp_s);
        self.block_gas_left = gas_limit;
    }

    /// Deploys `init_code` (creation bytecode with encoded constructor arguments) from `from`;
    /// returns the new contract's address.
    pub(crate) fn deploy(
        &mut self,
        contract: &'static str,
        from: Address,
        init_code: Bytes,
    ) -> Result<Address, ChainError> {
        let tx = tx(from).create().data(init_code).build_fill();
        let result = self
            .evm()
            .transact_commit(tx)
            .map_err(|e| evm_error(contract, e))?;
        match outcome(contract, result)? {
            (_, Output::Create(_, Some(address)), _) => Ok(address),
            _ => Err(ChainError::Decode {
                function: contract,
                message: "deployment returned no address".into(),
            }),
        }
    }

    /// Runs a state-changing call and commits its effects, unless it needs more gas than the
    /// current block has left ([`ChainError::BlockFull`]: nothing changes, as a block builder
    /// would leave it for the next block). A reverted call still uses its block's gas.
    pub(crate) fn transact(
        &mut self,
        function: &'static str,
        from: Address,
        to: Address,
        data: Vec<u8>,
    ) -> Result<Success, ChainError> {
        let tx = tx(from).call(to).data(data.into()).build_fill();
        let executed = self
            .evm()
            .transact(tx)
            .map_err(|e| evm_error(function, e))?;
        let gas_needed = executed.result.tx_gas_used();
        if let Some(gas_left) = self.block_gas_left {
            if gas_needed > gas_left {
                return Err(ChainError::BlockFull {
                    function,
                    gas_needed,
                    gas_left,
                });
            }
            self.block_gas_left = Some(gas_left - gas_needed);
        }
        self.db.commit(executed.state);
        let (gas_used, output, logs) = outcome(function, executed.result)?;
        Ok(Success {
            gas_used,
            output: output.into_data(),
            logs,
        })
    }

    /// Runs a read-only call and discards its effects; returns its return data.
    pub(crate) fn view(
        &mut self,
        function: &'static str,
        to: Address,
        data: Vec<u8>,
    ) -> Result<Bytes, ChainError> {
        let tx = tx(Address::ZERO).call(to).data(data.into()).build_fill();
        let result = self
            .evm()
            .transact(tx)
            .map_err(|e| evm_error(function, e))?
            .result;
        let (_, output, _) = outcome(function, result)?;
        Ok(output.into_data())
    }

    /// A mainnet EVM at [`SPEC`] over this state. Gas is free (price and base fee zero), so
    /// accounts need no ether; nonces are not checked, so callers need not track them.
    fn evm(&mut self) -> MainnetEvm<MainnetContext<&mut CacheDB<EmptyDB>>> {
        MainnetContext::new(&mut self.db, SPEC)
            .modify_cfg_chained(|cfg| {
                cfg.disable_nonce_check = true;
                cfg.tx_gas_limit_cap = Some(TX_GAS_LIMIT);
            })
            .with_block(self.block.clone())
            .build_mainnet()
    }
}

/// A transaction from `from` at the gas cap, free of charge.
fn tx(from: Address) -> revm::context::tx::TxEnvBuilder {
    TxEnv::builder()
        .caller(from)
        .gas_limit(TX_GAS_LIMIT)
        .gas_price(0)
}

/// Splits a result into (gas used, output, logs), or the decoded revert / halt as an error.
fn outcome(
    function: &'static str,
    result: ExecutionResult,
) -> Result<(u64, Output, Vec<Log>), ChainError> {
    let gas_used = result.tx_gas_used();
    match result {
        ExecutionResult::Success { output, logs, .. } => Ok((gas_used, output, logs)),
        ExecutionResult::Revert { output, .. } => Err(ChainError::Reverted {
            function,
            reason: revert_reason(&output),
            gas_used,
        }),
        ExecutionResult::Halt { reason, .. } => Err(ChainError::Halted {
            function,
            reason: format!("{reason:?}"),
            gas_used,
        }),
    }
}

/// An error of the EVM itself (not of the contract) as a [`ChainError`].
fn evm_error(function: &'static str, error: impl std::fmt::Display) -> ChainError {
    ChainError::Evm {
        function,
        message: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::SPEC;

    /// Every artifact was compiled for the EVM revision revm runs.
    #[test]
    fn artifacts_target_the_spec_revm_runs() {
        let artifacts = [
            include_str!("../../contracts/artifacts/FindEntities.json"),
            include_str!("../../contracts/artifacts/PowerData.json"),
            include_str!("../../contracts/artifacts/PowerBalance.json"),
            include_str!("../../contracts/artifacts/TariffComputation.json"),
            include_str!("../../contracts/artifacts/OptimisationHandler.json"),
            include_str!("../../contracts/artifacts/RewardLedger.json"),
        ];
        for text in artifacts {
            let artifact: serde_json::Value = serde_json::from_str(text).unwrap();
            let evm_version = artifact["compiler"]["evmVersion"].as_str().unwrap();
            assert_eq!(
                evm_version,
                SPEC.to_string().to_lowercase(),
                "{}",
                artifact["contractName"]
            );
        }
    }
}
