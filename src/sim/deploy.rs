//! Deploying a scenario on chain, once per scenario: the contracts, the network configuration,
//! every entity with its meter account, the prosumer base tariff and the slab schedule.

pub(crate) use super::coordinator::METER_ACCOUNT_BASE;
use super::entity::{Entity, Profile};
use crate::chain::{self, Chain, ChainError, EntityKind};
use crate::scenario::{NodeKind, Scenario};
use crate::tariff::IntervalPricing;

/// The operator's account.
pub const OPERATOR: u64 = 1;
/// The optimiser's account (the only one allowed to record allocations).
pub const OPTIMISER: u64 = 2;

/// The contracts deployed and configured for `scenario`, whose entities are `entities`.
pub fn deploy(scenario: &Scenario, entities: &[Entity]) -> Result<Chain, ChainError> {
    let mut chain = Chain::deploy(chain::account(OPERATOR), chain::account(OPTIMISER))?;
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
    for (i, entity) in entities.iter().enumerate() {
        let kind = match entity.profile {
            Profile::Prosumer { .. } => EntityKind::Prosumer,
            Profile::Consumer { .. } => EntityKind::Consumer,
            Profile::Solar { .. } | Profile::Wind { .. } => EntityKind::Der,
            Profile::Battery { .. } => EntityKind::Battery,
        };
        let meter = chain::account(METER_ACCOUNT_BASE + i as u64);
        chain.register_entity(kind, chain::node_number(entity.node)?, meter)?;
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
                .iter()
                .position(|e| e.id == c.id)
                .expect("every consumer is an entity");
            let id = chain::EntityId(index as u32 + 1);
            chain.set_monthly_consumption(id, chain::wh(scenario.monthly_kwh(c)))?;
        }
    }
    Ok(chain)
}
