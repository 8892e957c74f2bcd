//! What the simulated ledger is sent and what it answers: a contract [`Call`] wrapped in a
//! [`Transaction`], and the [`Receipt`] with its [`Outcome`] and times.

use super::Function;
use crate::chain::{self, Address, EntityId, EntityKind};

/// A contract call, in integer units.
#[derive(Debug, Clone)]
pub enum Call {
    /// List the registered entities of a kind (a read: no block, no gas charged).
    FindEntities(EntityKind),
    /// The operator registers (and so classifies) an entity with its meter: the write a
    /// Caliper-driven FindEntities round sends.
    RegisterEntity {
        /// What the entity is.
        kind: EntityKind,
        /// Its grid node.
        node: u32,
        /// Its meter's account (unique per entity).
        meter: Address,
    },
    /// A meter posts its reading for an interval.
    PostReading {
        /// The meter's account (the only one allowed to post for the entity).
        meter: Address,
        /// The entity read.
        entity: EntityId,
        /// The interval.
        interval: u64,
        /// The energies, Wh.
        reading: chain::Reading,
    },
    /// The collector (the operator's data concentrator) posts readings of several entities for
    /// one interval in one transaction.
    PostReadings {
        /// The collector's account (the only one allowed to post a batch).
        collector: Address,
        /// The interval.
        interval: u64,
        /// One reading per entity, by strictly ascending entity id.
        readings: Vec<(EntityId, chain::Reading)>,
    },
    /// Eq. 1 over an interval's posted readings.
    PowerBalance(u64),
    /// An entity's tariff from its reading of an interval.
    ComputeTariff {
        /// The entity billed.
        entity: EntityId,
        /// The interval of the reading billed.
        interval: u64,
    },
    /// The optimiser records an allocation.
    RecordAllocation(chain::Allocation),
    /// Settle a recorded allocation: pay every prosumer of it whose delivery shows.
    Settle(chain::RecordedShares),
}

impl Call {
    /// The paper's function this call belongs to.
    pub fn function(&self) -> Function {
        match self {
            Call::FindEntities(_) | Call::RegisterEntity { .. } => Function::FindEntities,
            Call::PostReading { .. } | Call::PostReadings { .. } => Function::PowerData,
            Call::PowerBalance(_) => Function::PowerBalance,
            Call::ComputeTariff { .. } => Function::TariffComputation,
            Call::RecordAllocation(_) | Call::Settle(_) => Function::OptimisationHandler,
        }
    }

    pub(super) fn is_read(&self) -> bool {
        matches!(self, Call::FindEntities(_))
    }
}

/// A transaction submitted to the node.
#[derive(Debug, Clone)]
pub struct Transaction {
    /// Submitter's id, unique in the run.
    pub id: u64,
    /// What it calls.
    pub call: Call,
}

/// What a call returned that the submitter needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing beyond success.
    Done,
    /// Registered entities found.
    Entities(usize),
    /// The id of the entity just registered.
    Registered(EntityId),
    /// Eq. 1 on chain.
    Balance(chain::Balance),
    /// An entity's tariff, paise.
    TariffPaise(u64),
    /// The checks the allocation passed.
    Allocation(chain::AllocationRecord),
    /// Who a settlement paid, and who fell short.
    Settled(chain::Settlement),
    /// The contract rejected it, with its reason.
    Reverted(String),
}

/// A transaction's receipt, with its times in simulated seconds since midnight.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    /// The transaction's id.
    pub id: u64,
    /// The paper's function.
    pub function: Function,
    /// What it returned.
    pub outcome: Outcome,
    /// Gas used, a reverted transaction's included (0 for reads and for a transaction that
    /// fits in no block).
    pub gas_used: u64,
    /// When it reached the node, s.
    pub submitted_at_s: f64,
    /// When the node finished processing it, s.
    pub processed_at_s: f64,
    /// When its block was made (reads: when answered), s.
    pub included_at_s: f64,
    /// When it had its confirmations, s.
    pub confirmed_at_s: f64,
    /// Its block number (0 for reads).
    pub block: u64,
}
