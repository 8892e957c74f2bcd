//! The project's Solidity contracts, run for real inside an embedded revm (docs/model.md §6).
//!
//! The contracts live in `contracts/src`; `contracts/build.js` compiles them with a pinned solc-js
//! into `contracts/artifacts/*.json`, which are committed and embedded here at compile time, so
//! building blackstart needs neither node nor solc. [`Chain::deploy`] deploys them all into an
//! in-memory EVM; the methods of [`Chain`] are typed calls, one group per contract:
//!
//! | contract | paper function | methods |
//! |---|---|---|
//! | `FindEntities` | FindEntities | `configure_network`, `register_entity`, `count_by_kind`, `entities_by_kind` |
//! | `PowerData` | PowerData | `post_reading`, `set_collector`, `post_readings`, `reading` |
//! | `PowerBalance` | PowerBalance | `power_balance` |
//! | `TariffComputation` | TariffComputation | `set_base_tariff`, `set_slab_schedule`, `compute_tariff`, `consumer_tariff_paise`, `prosumer_tariff_paise` |
//! | `OptimisationHandler` | OptimisationHandler | `record_allocation`, `settle` |
//! | `RewardLedger` | (reward credits) | `set_minter`, `mint`, `balance_of`, `transfer` |
//!
//! Transactions return a [`Receipt`] with the gas used; a revert becomes
//! [`ChainError::Reverted`] with the contract's decoded reason. Values are integers: Wh, paise,
//! parts per million. Gas is free and nonces are not checked: the chain models contract logic and
//! gas, not fees. Cloning a [`Chain`] clones its whole state, so deploy once per scenario and clone
//! per Monte-Carlo run. [`Accounts`] is the one account plan (operator, optimiser, collector,
//! meters, registry ids). [`Chain::acting_as`] sends the operator's calls from another account,
//! for tests of the operator-only guards.
//!
//! [`Chain`]: crate::chain::Chain
//! [`Chain::deploy`]: crate::chain::Chain::deploy
//! [`Chain::acting_as`]: crate::chain::Chain::acting_as
//! [`Receipt`]: crate::chain::Receipt
//! [`ChainError::Reverted`]: crate::chain::ChainError::Reverted
//! [`Accounts`]: crate::chain::Accounts

mod accounts;
mod balance;
mod bindings;
mod convert;
mod entities;
mod error;
mod evm;
mod optimisation;
mod readings;
mod tariff;
mod types;

use std::fmt;

use alloy_primitives::{Bytes, Log, U256};
use alloy_sol_types::{SolCall, SolConstructor, SolEvent};

pub use accounts::Accounts;
pub use alloy_primitives::Address;
pub use convert::{
    MAX_ENERGY_KWH, MAX_RATE_INR_PER_KWH, base_tariff_paise, interval_seconds, node_number,
    reward_paise, share, share_wh, wh,
};
pub use error::ChainError;
pub use types::{
    Allocation, AllocationRecord, Balance, EntityId, EntityKind, Payment, Reading, Receipt,
    RecordedShares, Settlement, Share, Slab, SlabSchedule, Tariff,
};

use bindings::{
    FindEntities, OptimisationHandler, PowerBalance, PowerData, RewardLedger, TariffComputation,
};
use evm::Evm;

/// The deployed contracts in one in-memory EVM, with the operator's and optimiser's accounts.
#[derive(Clone)]
pub struct Chain {
    evm: Evm,
    contracts: Contracts,
    operator: Address,
    optimiser: Address,
}

/// Where each contract was deployed.
#[derive(Debug, Clone, Copy)]
struct Contracts {
    find_entities: Address,
    power_data: Address,
    power_balance: Address,
    tariff: Address,
    handler: Address,
    ledger: Address,
}

impl fmt::Debug for Chain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chain")
            .field("contracts", &self.contracts)
            .field("operator", &self.operator)
            .field("optimiser", &self.optimiser)
            .finish_non_exhaustive()
    }
}

/// A deterministic account for simulated actors (meters, operator, optimiser): number `n` as
/// an address, e.g. `account(1)` = 0x00…01. Distinct numbers give distinct accounts.
pub fn account(n: u64) -> Address {
    Address::left_padding_from(&n.to_be_bytes())
}

impl Chain {
    /// Deploys all contracts from `operator`'s account at block 0; only `optimiser` may record
    /// allocations.
    pub fn deploy(operator: Address, optimiser: Address) -> Result<Self, ChainError> {
        let mut evm = Evm::default();
        let find_entities = evm.deploy("FindEntities", operator, FindEntities::BYTECODE.clone())?;
        let power_data = evm.deploy(
            "PowerData",
            operator,
            init_code(
                &PowerData::BYTECODE,
                PowerData::constructorCall {
                    registry_: find_entities,
                },
            ),
        )?;
        let power_balance = evm.deploy(
            "PowerBalance",
            operator,
            init_code(
                &PowerBalance::BYTECODE,
                PowerBalance::constructorCall {
                    powerData_: power_data,
                },
            ),
        )?;
        let tariff = evm.deploy(
            "TariffComputation",
            operator,
            init_code(
                &TariffComputation::BYTECODE,
                TariffComputation::constructorCall {
                    registry_: find_entities,
                    powerData_: power_data,
                },
            ),
        )?;
        let ledger = evm.deploy("RewardLedger", operator, RewardLedger::BYTECODE.clone())?;
        let handler = evm.deploy(
            "OptimisationHandler",
            operator,
            init_code(
                &OptimisationHandler::BYTECODE,
                OptimisationHandler::constructorCall {
                    optimiser_: optimiser,
                    registry_: find_entities,
                    powerData_: power_data,
                    tariff_: tariff,
                    ledger_: ledger,
                },
            ),
        )?;
        let mut chain = Self {
            evm,
            contracts: Contracts {
                find_entities,
                power_data,
                power_balance,
                tariff,
                handler,
                ledger,
            },
            operator,
            optimiser,
        };
        chain.set_minter(handler)?;
        Ok(chain)
    }

    /// A copy of this chain (state and contracts included) whose operator-side calls, the
    /// methods sent "as the operator" and [`Chain::settle`], go from `account` instead. The
    /// contracts still know their real operator, so this is how tests reach the
    /// operator-only guards from another account; the simulator never uses it.
    pub fn acting_as(&self, account: Address) -> Chain {
        Chain {
            operator: account,
            ..self.clone()
        }
    }

    /// The operator's account: it deployed the contracts and configures them.
    pub fn operator(&self) -> Address {
        self.operator
    }

    /// The optimiser's account: the only one that may record allocations.
    pub fn optimiser(&self) -> Address {
        self.optimiser
    }

    /// Starts a block of later transactions: its number and timestamp (seconds, from simulated
    /// time) and the gas it holds (`None`: no limit). A transaction that would take the block
    /// past its limit fails with [`ChainError::BlockFull`] and changes nothing.
    pub fn set_block(&mut self, number: u64, timestamp_s: u64, gas_limit: Option<u64>) {
        self.evm.set_block(number, timestamp_s, gas_limit);
    }

    /// Sends `call` from `from` to `to` and commits it; returns gas used, decoded return value
    /// and the emitted events.
    fn send<C: SolCall>(
        &mut self,
        from: Address,
        to: Address,
        call: C,
    ) -> Result<Sent<C::Return>, ChainError> {
        let function = function_name::<C>();
        let success = self.evm.transact(function, from, to, call.abi_encode())?;
        let value = C::abi_decode_returns(&success.output).map_err(|e| ChainError::Decode {
            function,
            message: e.to_string(),
        })?;
        Ok(Sent {
            gas_used: success.gas_used,
            value,
            logs: success.logs,
        })
    }

    /// Runs the read-only `call` on `to` and returns its decoded value; no state changes.
    fn read<C: SolCall>(&mut self, to: Address, call: C) -> Result<C::Return, ChainError> {
        let function = function_name::<C>();
        let output = self.evm.view(function, to, call.abi_encode())?;
        C::abi_decode_returns(&output).map_err(|e| ChainError::Decode {
            function,
            message: e.to_string(),
        })
    }
}

/// A committed call: gas used, return value, events.
struct Sent<T> {
    gas_used: u64,
    value: T,
    logs: Vec<Log>,
}

impl<T> Sent<T> {
    /// The first event of type `E` that `function` emitted.
    fn event<E: SolEvent>(&self, function: &'static str) -> Result<E, ChainError> {
        self.logs
            .iter()
            .find(|log| log.topics().first() == Some(&E::SIGNATURE_HASH))
            .ok_or_else(|| ChainError::Decode {
                function,
                message: format!("no {} event", E::SIGNATURE),
            })
            .and_then(|log| {
                E::decode_log_data(&log.data).map_err(|e| ChainError::Decode {
                    function,
                    message: e.to_string(),
                })
            })
    }

    /// Every event of type `E` that `function` emitted, in order.
    fn events<E: SolEvent>(&self, function: &'static str) -> Result<Vec<E>, ChainError> {
        self.logs
            .iter()
            .filter(|log| log.topics().first() == Some(&E::SIGNATURE_HASH))
            .map(|log| {
                E::decode_log_data(&log.data).map_err(|e| ChainError::Decode {
                    function,
                    message: e.to_string(),
                })
            })
            .collect()
    }

    /// A receipt with this call's gas and `value`.
    fn receipt<V>(&self, value: V) -> Receipt<V> {
        Receipt {
            gas_used: self.gas_used,
            value,
        }
    }
}

/// The Solidity name of the function `C` calls, e.g. `postReading`.
fn function_name<C: SolCall>() -> &'static str {
    C::SIGNATURE
        .split_once('(')
        .map_or(C::SIGNATURE, |(name, _)| name)
}

/// Creation bytecode followed by the ABI-encoded constructor arguments.
fn init_code(bytecode: &Bytes, args: impl SolConstructor) -> Bytes {
    [bytecode.as_ref(), &args.abi_encode()].concat().into()
}

/// A contract's unsigned integer as `u64`, or a decode error if it does not fit.
fn to_u64(function: &'static str, value: U256) -> Result<u64, ChainError> {
    u64::try_from(value).map_err(|_| ChainError::Decode {
        function,
        message: format!("{value} does not fit in u64"),
    })
}
