//! Gas per function: the paper's five contract functions (Table 8) run on one scenario's data,
//! deployed as the simulator deploys it, and beside them PowerData's batched post.

use serde::Serialize;

use super::{Function, deploy};
use crate::chain::{self, Accounts, Allocation, ChainError, EntityId, EntityKind, Share};
use crate::entity::EntityTable;
use crate::optimise::{IslandError, Settings, solve_isolated};
use crate::scenario::Scenario;

/// Why the gas of a scenario could not be measured.
#[derive(Debug, thiserror::Error)]
pub enum GasError {
    /// No island is cut off by the scenario's faults, so there is no allocation to record.
    #[error("{scenario}: no island is cut off, so there is no allocation to record")]
    NoIsland {
        /// The scenario's name.
        scenario: String,
    },
    /// The optimiser could not allocate the first isolated island.
    #[error(transparent)]
    Optimise(#[from] IslandError),
    /// Deploying the scenario or a measured call failed (a revert names its reason).
    #[error(transparent)]
    Chain(#[from] ChainError),
}

/// The gas of the paper's five functions on `scenario` ([`gas_report`]), OptimisationHandler
/// recording the optimiser's allocation of its first isolated island (the scenario's
/// optimiser settings).
pub fn scenario_gas(scenario: &Scenario) -> Result<GasReport, GasError> {
    let entities = EntityTable::new(scenario);
    let (_, _, allocation) = solve_isolated(scenario, &Settings::from_scenario(scenario))?
        .into_iter()
        .next()
        .ok_or_else(|| GasError::NoIsland {
            scenario: scenario.name.clone(),
        })?;
    let mut shares: Vec<Share> = allocation
        .prosumers
        .iter()
        .map(|share| {
            let index = entities
                .index_of(&share.id)
                .expect("the optimiser answers with the scenario's ids");
            chain::share(entities.chain_id(index), share)
        })
        .collect();
    shares.sort_by_key(|s| s.prosumer);
    Ok(gas_report(scenario, &entities, shares)?)
}

/// Gas of one of the paper's five functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FunctionGas {
    /// The paper's function (serialised as `name`).
    #[serde(rename = "name")]
    pub function: Function,
    /// Gas per call (mean over the calls, rounded), intrinsic transaction gas included.
    pub gas: u64,
    /// How many calls the mean is over.
    pub calls: u32,
}

/// Gas of one batched PowerData post (`postReadings`): every entity's reading of one interval
/// in one transaction from the collector, the gas a gas-aware deployment pays per interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BatchGas {
    /// Gas of the whole transaction, intrinsic gas included.
    pub gas: u64,
    /// Readings in the batch.
    pub readings: u32,
    /// `gas / readings`, rounded: to compare with PowerData's gas per single post.
    pub gas_per_reading: u64,
}

/// Gas of settling the recorded allocation (`settle`): every prosumer with a reward paid in
/// one transaction once its delivery reading shows what it promised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SettlementGas {
    /// Gas of the whole transaction, intrinsic gas included.
    pub gas: u64,
    /// Prosumers it paid.
    pub paid: u32,
}

/// What [`gas_report`] measured: the paper's five functions, PowerData's batched post and the
/// allocation's settlement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GasReport {
    /// Gas per function, in the paper's order ([`Function::ALL`]).
    pub functions: Vec<FunctionGas>,
    /// The same readings as PowerData's single posts, posted as one batch for another interval.
    pub power_data_batch: BatchGas,
    /// The recorded allocation settled, every prosumer having delivered.
    pub settlement: SettlementGas,
}

/// Deploys `scenario` ([`deploy()`]) and runs each of the paper's five functions on its data,
/// returning gas per function in the paper's order. What is measured: FindEntities =
/// `registerEntity` for each entity (during the deployment); PowerData = `postReading` of each
/// entity's nominal reading ([`crate::entity::Entity::nominal_reading`]); PowerBalance =
/// `computeBalance` of that interval; TariffComputation = `computeTariff` for each prosumer and
/// consumer; OptimisationHandler = `recordAllocation` of `shares` (by ascending prosumer id),
/// with every consumer in the island and every DER and battery bank supplying it, for an outage
/// right after that interval. Configuration calls (network, tariffs) are not counted. Beside
/// them, [`GasReport::power_data_batch`] is `postReadings` of the same nominal readings, all in
/// one batch from the collector, for an interval of their own; and [`GasReport::settlement`] is
/// `settle` of the allocation once that batch, in its delivery interval, shows each prosumer's
/// export raised by its delta.
pub fn gas_report(
    scenario: &Scenario,
    entities: &EntityTable,
    shares: Vec<Share>,
) -> Result<GasReport, ChainError> {
    const BASE_INTERVAL: u64 = 1;
    const BATCH_INTERVAL: u64 = BASE_INTERVAL + 1;
    let deployment = deploy(scenario, entities)?;
    let mut chain = deployment.chain;
    let mut register = Mean::default();
    for gas in deployment.registration_gas {
        register.add(gas);
    }

    let mut post = Mean::default();
    for (index, entity) in entities.iter() {
        let receipt = chain.post_reading(
            entities.meter_account(index),
            entities.chain_id(index),
            BASE_INTERVAL,
            &entity.nominal_reading(),
        )?;
        post.add(receipt.gas_used);
    }

    let mut balance = Mean::default();
    balance.add(chain.power_balance(BASE_INTERVAL)?.gas_used);

    let mut tariff = Mean::default();
    let billable = |kind| matches!(kind, EntityKind::Prosumer | EntityKind::Consumer);
    for (index, _) in entities.iter().filter(|(i, _)| billable(entities.kind(*i))) {
        let receipt = chain.compute_tariff(entities.chain_id(index), BASE_INTERVAL)?;
        tariff.add(receipt.gas_used);
    }

    let of_kind = |kinds: &[EntityKind]| -> Vec<EntityId> {
        entities
            .iter()
            .filter(|(i, _)| kinds.contains(&entities.kind(*i)))
            .map(|(i, _)| entities.chain_id(i))
            .collect()
    };
    let allocation = Allocation {
        outage_id: 1,
        base_interval: BASE_INTERVAL,
        delivery_interval: BATCH_INTERVAL,
        consumers: of_kind(&[EntityKind::Consumer]),
        suppliers: of_kind(&[EntityKind::Der, EntityKind::Battery]),
        shares,
    };
    let mut handler = Mean::default();
    let receipt = chain.record_allocation(Accounts::optimiser(), &allocation)?;
    handler.add(receipt.gas_used);

    let batch: Vec<_> = entities
        .iter()
        .map(|(index, entity)| {
            let id = entities.chain_id(index);
            let mut reading = entity.nominal_reading();
            let share = allocation.shares.iter().find(|s| s.prosumer == id);
            reading.export_wh += share.map_or(0, |s| s.delta_wh);
            (id, reading)
        })
        .collect();
    let readings = u32::try_from(batch.len()).expect("entity indices are u32");
    let gas = chain
        .post_readings(Accounts::collector(), BATCH_INTERVAL, &batch)?
        .gas_used;
    let settled = chain.settle(&allocation.recorded_shares())?;
    let settlement = SettlementGas {
        gas: settled.gas_used,
        paid: u32::try_from(settled.value.paid.len()).expect("shares are fewer than 2^32"),
    };

    let means = [register, post, balance, tariff, handler];
    Ok(GasReport {
        functions: Function::ALL
            .into_iter()
            .zip(means)
            .map(|(function, mean)| mean.of(function))
            .collect(),
        power_data_batch: BatchGas {
            gas,
            readings,
            gas_per_reading: rounded_mean(gas, readings),
        },
        settlement,
    })
}

/// `total / calls` rounded to the nearest integer; 0 for no calls.
fn rounded_mean(total: u64, calls: u32) -> u64 {
    match calls {
        0 => 0,
        n => (total + u64::from(n) / 2) / u64::from(n),
    }
}

/// A running mean of gas over calls.
#[derive(Default)]
struct Mean {
    total: u64,
    calls: u32,
}

impl Mean {
    fn add(&mut self, gas: u64) {
        self.total += gas;
        self.calls += 1;
    }

    fn of(&self, function: Function) -> FunctionGas {
        FunctionGas {
            function,
            gas: rounded_mean(self.total, self.calls),
            calls: self.calls,
        }
    }
}
