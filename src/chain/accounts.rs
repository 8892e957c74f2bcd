//! The account plan of a deployed scenario: who sends what from which account, and which
//! registry id each entity gets. Every other module asks here rather than restating the plan.

use super::{Address, EntityId, account};

/// The accounts of a scenario on chain: the operator (deploys, configures, registers), the
/// optimiser (the only account allowed to record allocations), the collector (the operator's
/// data concentrator, the only account allowed to post batches of readings), and one meter
/// account per entity. Entities are registered in entity-table order, so entity `index`
/// (0-based) gets registry id `index + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accounts;

/// The operator's account number.
const OPERATOR: u64 = 1;
/// The optimiser's account number.
const OPTIMISER: u64 = 2;
/// The collector's account number.
const COLLECTOR: u64 = 3;
/// Meter accounts are numbered from here, one per entity index.
const METER_BASE: u64 = 1_000;
/// Meters of entities registered after the deployment start here, far above the scenario's.
const EXTRA_METER_BASE: u64 = 1 << 32;

impl Accounts {
    /// The operator's account: deploys and configures the contracts, registers entities.
    pub fn operator() -> Address {
        account(OPERATOR)
    }

    /// The optimiser's account: the only one allowed to record allocations.
    pub fn optimiser() -> Address {
        account(OPTIMISER)
    }

    /// The collector's account: the operator's data concentrator (head-end system), the only
    /// one allowed to post a batch of readings (docs/model.md §6).
    pub fn collector() -> Address {
        account(COLLECTOR)
    }

    /// The meter account of entity `index` (the only account allowed to post its readings).
    pub fn meter(index: u32) -> Address {
        account(METER_BASE + u64::from(index))
    }

    /// The `k`-th fresh meter account (0-based) for an entity registered after the deployment,
    /// as a benchmark's FindEntities round registers them: never a scenario meter's.
    pub fn extra_meter(k: u64) -> Address {
        account(EXTRA_METER_BASE + k)
    }

    /// The registry id of entity `index` (entities are registered in table order, from 1).
    pub fn entity_id(index: u32) -> EntityId {
        EntityId(index + 1)
    }

    /// The entity index of registry id `id`, the inverse of [`Accounts::entity_id`]; `None`
    /// for id 0, which no entity has.
    pub fn index(id: EntityId) -> Option<u32> {
        id.0.checked_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_keeps_every_party_on_its_own_account() {
        assert_eq!(Accounts::operator(), account(1));
        assert_eq!(Accounts::optimiser(), account(2));
        assert_eq!(Accounts::collector(), account(3));
        assert_eq!(Accounts::meter(0), account(1_000));
        assert_eq!(Accounts::meter(41), account(1_041));
        assert_eq!(Accounts::extra_meter(3), account((1 << 32) + 3));
        assert_eq!(Accounts::entity_id(0), EntityId(1));
        assert_eq!(Accounts::index(Accounts::entity_id(7)), Some(7));
        assert_eq!(Accounts::index(EntityId(0)), None);
    }
}
