//! Deploying a scenario on chain, once per scenario: the contracts, the collector of batched
//! readings, the network configuration, every entity with its meter account, the prosumer base
//! tariff and the slab schedule. The one place a scenario becomes contract state; the simulator,
//! the benchmark and the gas report all start from it.

use crate::chain::{self, Accounts, Chain, ChainError};
use crate::entity::EntityTable;
use crate::scenario::{NodeKind, Scenario};
use crate::tariff::IntervalPricing;

/// A scenario deployed on chain.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// The contracts, configured, with every entity registered.
    pub chain: Chain,
    /// Gas of each entity's registration, in entity-table order (the FindEntities write the
    /// gas report counts).
    pub registration_gas: Vec<u64>,
}

/// The contracts deployed and configured for `scenario`, whose entity table is `entities`:
/// accounts as [`Accounts`] plans them, entity `i` registered `i`-th.
pub fn deploy(scenario: &Scenario, entities: &EntityTable) -> Result<Deployment, ChainError> {
    let mut chain = Chain::deploy(Accounts::operator(), Accounts::optimiser())?;
    chain.set_collector(Accounts::collector())?;
    let node_count = scenario.grid.nodes.iter().map(|n| n.id).max().unwrap_or(0);
    let source = scenario
        .grid
        .nodes
        .iter()
        .find(|n| n.kind == NodeKind::Source)
        .map_or(0, |n| n.id);
    chain.configure_network(
        chain::node_number(node_count)?,
        chain::node_number(source)?,
        chain::interval_seconds(scenario.time.meter_interval_s)?,
    )?;
    let mut registration_gas = Vec::with_capacity(entities.len());
    for (index, entity) in entities.iter() {
        let receipt = chain.register_entity(
            entity.kind(),
            chain::node_number(entity.node)?,
            entities.meter_account(index),
        )?;
        debug_assert_eq!(receipt.value, entities.chain_id(index), "the account plan");
        registration_gas.push(receipt.gas_used);
    }
    chain.set_base_tariff(chain::base_tariff_paise(
        scenario.tariffs.prosumer_base_inr_per_kwh,
    )?)?;
    chain.set_slab_schedule(&chain::SlabSchedule::try_from(&scenario.tariffs.consumer)?)?;
    // Each consumer's monthly consumption sets the rate of its interval energy (left unset, the
    // interval is billed as a month: the paper's pricing).
    if scenario.tariffs.interval_pricing == IntervalPricing::MonthlyMarginal {
        for c in &scenario.entities.consumers {
            let index = entities
                .index_of(&c.id)
                .expect("every consumer is in the entity table");
            chain.set_monthly_consumption(
                entities.chain_id(index),
                chain::wh(scenario.monthly_kwh(c)),
            )?;
        }
    }
    Ok(Deployment {
        chain,
        registration_gas,
    })
}
