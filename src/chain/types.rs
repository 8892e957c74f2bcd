//! Plain Rust values passed to and returned by the contracts, in integer units (Wh, paise, ppm).

use std::fmt;

use alloy_primitives::Address;
use serde::{Deserialize, Serialize};

use crate::grid::Condition;

/// What an entity on the grid is (docs/model.md §1); the order matches `EntityKind` in Solidity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntityKind {
    /// Rooftop PV with a battery; exports to the grid.
    Prosumer,
    /// Load only.
    Consumer,
    /// Distributed energy resource (solar or wind plant).
    Der,
    /// Battery bank.
    Battery,
}

impl EntityKind {
    /// The Solidity enum value.
    pub(crate) fn code(self) -> u8 {
        match self {
            Self::Prosumer => 0,
            Self::Consumer => 1,
            Self::Der => 2,
            Self::Battery => 3,
        }
    }

    /// The kind with Solidity enum value `code`, if any.
    pub(crate) fn from_code(code: u8) -> Option<Self> {
        [Self::Prosumer, Self::Consumer, Self::Der, Self::Battery]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// An entity's id in the `FindEntities` registry (1, 2, ... in registration order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EntityId(pub u32);

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entity {}", self.0)
    }
}

/// One meter reading for one interval, in Wh.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reading {
    /// Energy generated.
    pub generation_wh: u64,
    /// Energy consumed.
    pub consumption_wh: u64,
    /// Energy exported to the grid.
    pub export_wh: u64,
    /// Energy put into the battery.
    pub battery_charge_wh: u64,
    /// Energy taken from the battery.
    pub battery_discharge_wh: u64,
}

/// Eq. 1 for one interval as computed on chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Balance {
    /// P_pe + P_DER + P_BBD.
    pub generation_wh: u64,
    /// Pc + P_BBI.
    pub consumption_wh: u64,
    /// Consumption minus generation: P_bal.
    pub balance_wh: i64,
    /// The sign of the balance.
    pub condition: Condition,
}

/// One band of a slab schedule: consumption up to `up_to_wh` at `rate_paise_per_kwh`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slab {
    /// Upper end of the band (inclusive), Wh; [`Slab::UNBOUNDED_WH`] for the schedule's last band.
    pub up_to_wh: u64,
    /// Rate in paise per kWh.
    pub rate_paise_per_kwh: u64,
}

impl Slab {
    /// The upper end of a band without one.
    pub const UNBOUNDED_WH: u64 = u64::MAX;
}

/// A consumer slab schedule (docs/model.md §3) in integers: telescopic bands up to a limit, flat bands
/// above it. Converted from [`crate::tariff::SlabSchedule`] with `try_from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlabSchedule {
    /// Consumption up to this is billed telescopically, each band at its own rate.
    pub telescopic_limit_wh: u64,
    /// Ascending bands ending at `telescopic_limit_wh`.
    pub telescopic: Vec<Slab>,
    /// Ascending bands above the limit; the whole consumption is billed at the rate of the band
    /// that contains it. The schedule's last band (flat, or telescopic if there is no flat one)
    /// ends at [`Slab::UNBOUNDED_WH`].
    pub flat: Vec<Slab>,
}

/// What the contract said about one tariff computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tariff {
    /// The entity's kind (prosumer or consumer).
    pub kind: EntityKind,
    /// The energy billed: export for a prosumer, consumption for a consumer.
    pub energy_wh: u64,
    /// The tariff in paise: earned by a prosumer, paid by a consumer.
    pub tariff_paise: u64,
}

/// One prosumer's part of an allocation (docs/model.md §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Share {
    /// The prosumer.
    pub prosumer: EntityId,
    /// Auxiliary export delta.
    pub delta_wh: u64,
    /// Share of own consumption shed, alpha, in parts per million.
    pub alpha_ppm: u32,
    /// Share of battery energy exported, beta, in parts per million.
    pub beta_ppm: u32,
    /// The whole reward J_i = R_prev + R_delta + R_extra, in paise.
    pub reward_paise: u64,
}

/// The optimiser's allocation for one outage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// Identifies the outage; one allocation per outage.
    pub outage_id: u64,
    /// The last interval before the outage: the island's demand and exports are read from it.
    pub base_interval: u64,
    /// The interval whose readings show delivery; after `base_interval`.
    pub delivery_interval: u64,
    /// The island's (served) consumers, ascending.
    pub consumers: Vec<EntityId>,
    /// The island's DERs and battery banks, ascending: their readings supply the island
    /// before the prosumers' extra export.
    pub suppliers: Vec<EntityId>,
    /// One share per prosumer of the island, by ascending prosumer id.
    pub shares: Vec<Share>,
}

/// The checks an allocation passed on chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AllocationRecord {
    /// D = Σ consumption + Σ P_BBI − Σ export − Σ P_DER − Σ P_BBD in the base interval (zero if
    /// negative).
    pub deficit_wh: u64,
    /// Σ delta.
    pub covered_wh: u64,
    /// Σ reward.
    pub rewards_paise: u64,
    /// Σ consumer tariff: the budget of eq. 5.
    pub budget_paise: u64,
}

/// What settling an allocation is passed back: its outage, intervals and shares, as it was
/// recorded (the contract keeps only their hash, and checks them against it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedShares {
    /// The outage the allocation is for.
    pub outage_id: u64,
    /// Its base interval.
    pub base_interval: u64,
    /// Its delivery interval.
    pub delivery_interval: u64,
    /// Its shares, in the order recorded.
    pub shares: Vec<Share>,
}

impl Allocation {
    /// Why the contract has nothing to check or pay in this allocation, so that it is not sent
    /// (the contract refuses it as `EmptyAllocation`): no prosumer in the island, or every
    /// consumer shed and no DER or battery bank; `None` when it is to be recorded.
    pub fn nothing_to_record(&self) -> Option<&'static str> {
        if self.shares.is_empty() {
            Some("no prosumer in the island")
        } else if self.consumers.is_empty() && self.suppliers.is_empty() {
            Some("every consumer shed")
        } else {
            None
        }
    }

    /// What settling this allocation is passed back once it is recorded.
    pub fn recorded_shares(&self) -> RecordedShares {
        RecordedShares {
            outage_id: self.outage_id,
            base_interval: self.base_interval,
            delivery_interval: self.delivery_interval,
            shares: self.shares.clone(),
        }
    }
}

impl RecordedShares {
    /// Whether `prosumer` has a share with a reward: only such a share is paid on settlement.
    pub fn rewards(&self, prosumer: EntityId) -> bool {
        self.shares
            .iter()
            .any(|s| s.prosumer == prosumer && s.reward_paise > 0)
    }
}

/// A reward paid on settlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    /// The prosumer paid.
    pub prosumer: EntityId,
    /// Its account (its meter) that was credited.
    pub account: Address,
    /// The credits paid, in paise.
    pub reward_paise: u64,
}

/// What one settlement of an allocation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Settlement {
    /// The prosumers it paid, in share order.
    pub paid: Vec<Payment>,
    /// The prosumers whose delivery reading fell short of their promise (never paid).
    pub short: Vec<EntityId>,
}

impl Settlement {
    /// The credits paid in all, in paise.
    pub fn paid_paise(&self) -> u64 {
        self.paid.iter().map(|p| p.reward_paise).sum()
    }
}

/// The result of a transaction: the gas it used and what it returned or emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt<T> {
    /// Gas used by the transaction, intrinsic gas included.
    pub gas_used: u64,
    /// The decoded return value or event.
    pub value: T,
}
