//! Gas per function: the paper's five contract functions (Table 8) run on one scenario's data.

use serde::Serialize;

use super::{
    Allocation, Chain, ChainError, EntityId, EntityKind, Reading, Share, SlabSchedule, account,
};

/// Plain data for [`gas_report`]: a network, its entities with one reading each, the tariffs,
/// and the optimiser's allocation for an outage right after that reading's interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GasInput {
    /// Number of grid nodes (numbered from 1).
    pub node_count: u32,
    /// The utility substation's node.
    pub source_node: u32,
    /// Metering interval in seconds.
    pub interval_s: u32,
    /// The entities, registered in this order: `entities[i]` gets `EntityId(i + 1)`.
    pub entities: Vec<EntityData>,
    /// Prosumer base tariff BT_p in paise per kWh.
    pub base_tariff_paise_per_kwh: u64,
    /// Consumer slab schedule.
    pub slab_schedule: SlabSchedule,
    /// The allocation's shares, by ascending prosumer id; all consumers form the island.
    pub shares: Vec<Share>,
}

/// One entity for [`gas_report`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityData {
    /// Its kind.
    pub kind: EntityKind,
    /// Its grid node.
    pub node: u32,
    /// Its reading for the interval before the outage: prosumers' exports and consumers'
    /// consumption there set the deficit and the budget the allocation is checked against.
    pub reading: Reading,
}

/// Gas of one of the paper's five functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FunctionGas {
    /// The paper's name: FindEntities, PowerData, PowerBalance, TariffComputation or
    /// OptimisationHandler.
    pub name: &'static str,
    /// Gas per call (mean over the calls, rounded), intrinsic transaction gas included.
    pub gas: u64,
    /// How many calls the mean is over.
    pub calls: u32,
}

/// Deploys the contracts and runs each of the paper's five functions on `input`, returning gas
/// per function in the paper's order. What is measured:
/// FindEntities = `registerEntity` for each entity; PowerData = `postReading` for each entity's
/// reading; PowerBalance = `computeBalance` of that interval; TariffComputation = `computeTariff`
/// for each prosumer and consumer; OptimisationHandler = `recordAllocation` of the shares.
/// Configuration calls (network, tariffs) are not counted.
pub fn gas_report(input: &GasInput) -> Result<Vec<FunctionGas>, ChainError> {
    const BASE_INTERVAL: u64 = 1;
    let operator = account(1);
    let optimiser = account(2);
    let meter = |i: usize| account(1000 + i as u64);

    let mut chain = Chain::deploy(operator, optimiser)?;
    chain.configure_network(input.node_count, input.source_node, input.interval_s)?;
    chain.set_base_tariff(input.base_tariff_paise_per_kwh)?;
    chain.set_slab_schedule(&input.slab_schedule)?;

    let mut register = Mean::default();
    let mut ids = Vec::with_capacity(input.entities.len());
    for (i, e) in input.entities.iter().enumerate() {
        let receipt = chain.register_entity(e.kind, e.node, meter(i))?;
        register.add(receipt.gas_used);
        ids.push(receipt.value);
    }

    let mut post = Mean::default();
    for (i, (e, id)) in input.entities.iter().zip(&ids).enumerate() {
        post.add(
            chain
                .post_reading(meter(i), *id, BASE_INTERVAL, &e.reading)?
                .gas_used,
        );
    }

    let mut balance = Mean::default();
    balance.add(chain.power_balance(BASE_INTERVAL)?.gas_used);

    let mut tariff = Mean::default();
    let billable = |kind| matches!(kind, EntityKind::Prosumer | EntityKind::Consumer);
    for (e, id) in input.entities.iter().zip(&ids) {
        if billable(e.kind) {
            tariff.add(chain.compute_tariff(*id, BASE_INTERVAL)?.gas_used);
        }
    }

    let of_kind = |kinds: &[EntityKind]| -> Vec<EntityId> {
        input
            .entities
            .iter()
            .zip(&ids)
            .filter(|(e, _)| kinds.contains(&e.kind))
            .map(|(_, id)| *id)
            .collect()
    };
    let allocation = Allocation {
        outage_id: 1,
        base_interval: BASE_INTERVAL,
        delivery_interval: BASE_INTERVAL + 1,
        consumers: of_kind(&[EntityKind::Consumer]),
        suppliers: of_kind(&[EntityKind::Der, EntityKind::Battery]),
        shares: input.shares.clone(),
    };
    let mut handler = Mean::default();
    handler.add(chain.record_allocation(optimiser, &allocation)?.gas_used);

    Ok(vec![
        register.named("FindEntities"),
        post.named("PowerData"),
        balance.named("PowerBalance"),
        tariff.named("TariffComputation"),
        handler.named("OptimisationHandler"),
    ])
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

    fn named(&self, name: &'static str) -> FunctionGas {
        let gas = match self.calls {
            0 => 0,
            n => (self.total + u64::from(n) / 2) / u64::from(n),
        };
        FunctionGas {
            name,
            gas,
            calls: self.calls,
        }
    }
}
