//! FindEntities: the network configuration and the registry of entities and their meters.

use super::bindings::FindEntities;
use super::{Address, Chain, ChainError, EntityId, EntityKind, Receipt, to_u64};

impl Chain {
    /// Configures the network (once, by the operator): nodes `1..=node_count`, the utility
    /// substation at `source_node`, metering every `interval_s` seconds.
    pub fn configure_network(
        &mut self,
        node_count: u32,
        source_node: u32,
        interval_s: u32,
    ) -> Result<Receipt<()>, ChainError> {
        let call = FindEntities::configureNetworkCall {
            nodeCount_: node_count,
            sourceNode_: source_node,
            intervalSeconds_: interval_s,
        };
        let sent = self.send(self.operator, self.contracts.find_entities, call)?;
        Ok(sent.receipt(()))
    }

    /// Registers (as the operator) an entity of `kind` at `node` whose meter posts from `meter`.
    pub fn register_entity(
        &mut self,
        kind: EntityKind,
        node: u32,
        meter: Address,
    ) -> Result<Receipt<EntityId>, ChainError> {
        let call = FindEntities::registerEntityCall {
            kind: kind.code(),
            node,
            meter,
        };
        let sent = self.send(self.operator, self.contracts.find_entities, call)?;
        Ok(sent.receipt(EntityId(sent.value)))
    }

    /// Number of registered entities of `kind`.
    pub fn count_by_kind(&mut self, kind: EntityKind) -> Result<u64, ChainError> {
        let count = self.read(
            self.contracts.find_entities,
            FindEntities::countByKindCall { kind: kind.code() },
        )?;
        to_u64("countByKind", count)
    }

    /// The registered entities of `kind`, in registration order.
    pub fn entities_by_kind(&mut self, kind: EntityKind) -> Result<Vec<EntityId>, ChainError> {
        let ids = self.read(
            self.contracts.find_entities,
            FindEntities::entitiesByKindCall { kind: kind.code() },
        )?;
        Ok(ids.into_iter().map(EntityId).collect())
    }
}
