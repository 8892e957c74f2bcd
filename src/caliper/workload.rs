//! The workloads of the five functions: what a round prepares on chain before it starts
//! (Caliper's `initializeWorkloadModule`), and the k-th transaction it sends. Every generated
//! transaction is valid — it succeeds in the EVM — unless `invalidEvery` asks for failures.
//!
//! - FindEntities registers (and so classifies) an entity, like the `assets` entities of the
//!   scenario in turn, each with a fresh meter account.
//! - PowerData posts a reading for a fresh (entity, interval) pair of the registered meters.
//! - PowerBalance computes eq. 1 over the readings posted in preparation.
//! - TariffComputation bills the prosumers and consumers in turn from those readings.
//! - OptimisationHandler records an allocation under a fresh outage id that covers the
//!   scenario's deficit within the consumers' budget (eq. 5).

use super::CaliperError;
use super::config::Arguments;
use crate::chain::{self, Accounts, Allocation, Chain, EntityId, EntityKind, Share};
use crate::entity::EntityTable;
use crate::ledger::Call;
use crate::ledger::Function;

/// The interval whose readings are posted in preparation.
const BASE_INTERVAL: u64 = 1;

/// One registered entity, as a workload uses it.
#[derive(Debug, Clone)]
struct OnChain {
    id: EntityId,
    kind: EntityKind,
    node: u32,
    meter: chain::Address,
    reading: chain::Reading,
}

/// What one round sends.
#[derive(Debug, Clone)]
pub(super) struct Workload {
    function: Function,
    /// The entities the transactions cycle over.
    pool: Vec<OnChain>,
    /// Every n-th transaction is invalid.
    invalid_every: Option<u64>,
    /// OptimisationHandler: the allocation recorded under each fresh outage id.
    allocation: Option<Allocation>,
}

impl Workload {
    /// Prepares `chain` (deployed with `entities`) for a round of `function` and returns the
    /// workload; `round` names the round in errors.
    pub(super) fn prepare(
        function: Function,
        arguments: &Arguments,
        entities: &EntityTable,
        chain: &mut Chain,
        round: &str,
    ) -> Result<Self, CaliperError> {
        let all: Vec<OnChain> = entities
            .iter()
            .map(|(index, entity)| OnChain {
                id: entities.chain_id(index),
                kind: entity.kind(),
                node: entity.node,
                meter: entities.meter_account(index),
                reading: entity.nominal_reading(),
            })
            .collect();
        for e in &all {
            chain.post_reading(e.meter, e.id, BASE_INTERVAL, &e.reading)?;
        }
        let unusable = |message: &str| CaliperError::Workload {
            round: round.to_string(),
            message: message.to_string(),
        };
        let billable = |e: &&OnChain| matches!(e.kind, EntityKind::Prosumer | EntityKind::Consumer);
        let eligible: Vec<OnChain> = match function {
            Function::TariffComputation => all.iter().filter(billable).cloned().collect(),
            _ => all.clone(),
        };
        if eligible.is_empty() {
            return Err(unusable("the scenario has no entity this workload can use"));
        }
        let assets = arguments.assets.map_or(eligible.len(), |n| n as usize);
        let pool = eligible.into_iter().take(assets.max(1)).collect();
        let allocation = match function {
            Function::OptimisationHandler => Some(allocation(&all, chain)?.ok_or_else(|| {
                unusable("an allocation needs at least one prosumer and one consumer")
            })?),
            _ => None,
        };
        Ok(Workload {
            function,
            pool,
            invalid_every: arguments.invalid_every,
            allocation,
        })
    }

    /// How many entities the transactions cycle over.
    pub(super) fn pool_size(&self) -> usize {
        self.pool.len()
    }

    /// The `k`-th transaction of the round (0-based, over all workers).
    pub(super) fn call(&self, k: u64) -> Call {
        let invalid = self
            .invalid_every
            .is_some_and(|n| (k + 1).is_multiple_of(n));
        let e = &self.pool[(k % self.pool.len() as u64) as usize];
        match self.function {
            Function::FindEntities => Call::RegisterEntity {
                kind: e.kind,
                // Node 0 is no node of the network.
                node: if invalid { 0 } else { e.node },
                meter: Accounts::extra_meter(k),
            },
            Function::PowerData => Call::PostReading {
                meter: e.meter,
                // Entity 0 is not the meter's own entity.
                entity: if invalid { EntityId(0) } else { e.id },
                interval: BASE_INTERVAL + 1 + k / self.pool.len() as u64,
                reading: e.reading,
            },
            // No reading was ever posted for the last interval.
            Function::PowerBalance => {
                Call::PowerBalance(if invalid { u64::MAX } else { BASE_INTERVAL })
            }
            Function::TariffComputation => Call::ComputeTariff {
                entity: if invalid { EntityId(0) } else { e.id },
                interval: BASE_INTERVAL,
            },
            Function::OptimisationHandler => {
                let mut allocation = self
                    .allocation
                    .clone()
                    .expect("prepared for OptimisationHandler");
                allocation.outage_id = k + 1;
                if invalid {
                    // An allocation without consumers is rejected.
                    allocation.consumers.clear();
                }
                Call::RecordAllocation(allocation)
            }
        }
    }
}

/// An allocation over all consumers and prosumers that covers the base interval's deficit in
/// equal shares and pays out the consumers' whole budget in equal rewards (rounded down), or
/// `None` without prosumers or consumers.
fn allocation(all: &[OnChain], chain: &mut Chain) -> Result<Option<Allocation>, chain::ChainError> {
    let of = |kind| all.iter().filter(move |e| e.kind == kind);
    let prosumers: Vec<&OnChain> = of(EntityKind::Prosumer).collect();
    let consumers: Vec<&OnChain> = of(EntityKind::Consumer).collect();
    if prosumers.is_empty() || consumers.is_empty() {
        return Ok(None);
    }
    let demand_wh: u64 = consumers.iter().map(|c| c.reading.consumption_wh).sum();
    let export_wh: u64 = prosumers.iter().map(|p| p.reading.export_wh).sum();
    let n = prosumers.len() as u64;
    let delta_wh = demand_wh.saturating_sub(export_wh).div_ceil(n);
    let budget_paise = consumers
        .iter()
        .map(|c| chain.consumer_tariff_paise(c.reading.consumption_wh))
        .sum::<Result<u64, _>>()?;
    Ok(Some(Allocation {
        outage_id: 0,
        base_interval: BASE_INTERVAL,
        delivery_interval: BASE_INTERVAL + 1,
        consumers: consumers.iter().map(|c| c.id).collect(),
        suppliers: Vec::new(),
        shares: prosumers
            .iter()
            .map(|p| Share {
                prosumer: p.id,
                delta_wh,
                alpha_ppm: 0,
                beta_ppm: 0,
                reward_paise: budget_paise / n,
            })
            .collect(),
    }))
}
