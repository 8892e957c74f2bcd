//! The simulated ledger, shared by the outage simulation ([`crate::sim`]) and the Caliper-style
//! benchmark ([`crate::caliper`]): a scenario deployed on chain ([`deploy()`]), the vocabulary of
//! transactions ([`Call`], [`Transaction`], [`Outcome`], [`Receipt`], the paper's five
//! [`Function`]s), the blockchain node in simulated time ([`ChainNode`]: service queue, mempool,
//! blocks, confirmations, calls executed in revm), the one record of a transaction both the
//! simulator and the benchmark write ([`TransactionRecord`]), and the gas of each function on a
//! scenario, with PowerData's batched post beside them ([`gas_report`]).

mod call;
mod deploy;
mod function;
mod gas;
mod node;
mod record;

pub use call::{Call, Outcome, Receipt, Transaction};
pub use deploy::{Deployment, deploy};
pub use function::Function;
pub use gas::{
    BatchGas, FunctionGas, GasError, GasReport, SettlementGas, gas_report, scenario_gas,
};
pub use node::{ChainNode, NodeEnv, contract_call_time, service_time};
pub use record::{TransactionRecord, TransactionStatus, transaction_columns};
