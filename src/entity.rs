//! The scenario's table of entities: every prosumer, consumer, DER and battery bank in one list
//! (scenario order), built once per scenario. [`EntityTable`] alone translates between an
//! entity's three identities — its scenario id ("P1"), its index in the table, and its registry
//! id on chain (through [`chain::Accounts`]) — and knows each entity's kind.

use crate::chain::{self, Accounts, EntityId, EntityKind};
use crate::scenario::{NodeId, Scenario};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Index of an entity in the scenario's entity table (scenario order: prosumers, consumers,
/// solar, wind, batteries).
pub type EntityIndex = u32;

/// What an entity's meter measures, per interval, kWh (before the run's weather and demand
/// factors).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Profile {
    /// A prosumer (Table 5).
    Prosumer {
        /// `Pe`, exported before the outage.
        export_prev_kwh: f64,
        /// `PG`.
        generation_kwh: f64,
        /// `PB`, stored in its battery.
        battery_kwh: f64,
        /// `Pc`.
        consumption_kwh: f64,
    },
    /// A consumer's demand `C`.
    Consumer {
        /// `C`.
        demand_kwh: f64,
        /// Restoration priority (higher first when the island is short).
        priority: u32,
        /// Customers behind it (IEEE 1366 counts each).
        customers: u32,
    },
    /// A solar plant: this at the daylight peak.
    Solar {
        /// Generation at the peak.
        generation_kwh: f64,
    },
    /// A wind plant: this times a random weather factor per reading.
    Wind {
        /// Generation with a weather factor of 1.
        generation_kwh: f64,
    },
    /// A battery bank.
    Battery {
        /// `P_BBI`.
        charge_kwh: f64,
        /// `P_BBD`.
        discharge_kwh: f64,
    },
}

/// A prosumer's export in an interval where it generates `generation_kwh`, its battery can
/// deliver `battery_kwh` and it consumes `consumption_kwh`: its previous export `Pe`
/// (`export_prev_kwh`), or, when its generation and battery after its own consumption cannot
/// sustain that, what they can, `max(0, PG + PB − Pc)` (docs/model.md §5b's baseline: the export
/// the island counts on).
pub fn baseline_export_kwh(
    export_prev_kwh: f64,
    generation_kwh: f64,
    battery_kwh: f64,
    consumption_kwh: f64,
) -> f64 {
    // The same operations, in the same order, as the optimiser's baseline: the meter's reading
    // and the allocation agree to the bit.
    let surplus_kwh = generation_kwh + battery_kwh - consumption_kwh;
    export_prev_kwh.min(surplus_kwh.max(0.0))
}

/// One entity of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// Scenario id ("P1").
    pub id: String,
    /// Grid node.
    pub node: NodeId,
    /// What its meter measures.
    pub profile: Profile,
}

impl Entity {
    /// Its kind as the registry on chain classifies it.
    pub fn kind(&self) -> EntityKind {
        match self.profile {
            Profile::Prosumer { .. } => EntityKind::Prosumer,
            Profile::Consumer { .. } => EntityKind::Consumer,
            Profile::Solar { .. } | Profile::Wind { .. } => EntityKind::Der,
            Profile::Battery { .. } => EntityKind::Battery,
        }
    }

    /// Whether it is a prosumer.
    pub fn is_prosumer(&self) -> bool {
        matches!(self.profile, Profile::Prosumer { .. })
    }

    /// Whether it is a consumer.
    pub fn is_consumer(&self) -> bool {
        matches!(self.profile, Profile::Consumer { .. })
    }

    /// The customers behind it, as IEEE 1366 counts them: a consumer's `customers`, 0 for any
    /// other entity (prosumers are outside the customers served, docs/model.md §10).
    pub fn customers(&self) -> u32 {
        match self.profile {
            Profile::Consumer { customers, .. } => customers,
            _ => 0,
        }
    }

    /// Whether it is a DER or a battery bank: it supplies its island before any prosumer is
    /// asked for extra export.
    pub fn is_supplier(&self) -> bool {
        !self.is_prosumer() && !self.is_consumer()
    }

    /// Its meter's reading of one interval as the scenario gives it (prosumers' prior export,
    /// consumers' demand, plants at their peak, batteries' charge and discharge), in whole Wh:
    /// the data a benchmark workload posts without simulating meters.
    pub fn nominal_reading(&self) -> chain::Reading {
        let mut r = chain::Reading::default();
        match self.profile {
            Profile::Prosumer {
                export_prev_kwh,
                generation_kwh,
                consumption_kwh,
                ..
            } => {
                r.export_wh = chain::wh(export_prev_kwh);
                r.generation_wh = chain::wh(generation_kwh);
                r.consumption_wh = chain::wh(consumption_kwh);
            }
            Profile::Consumer { demand_kwh, .. } => r.consumption_wh = chain::wh(demand_kwh),
            Profile::Solar { generation_kwh } | Profile::Wind { generation_kwh } => {
                r.generation_wh = chain::wh(generation_kwh);
            }
            Profile::Battery {
                charge_kwh,
                discharge_kwh,
            } => {
                r.battery_charge_wh = chain::wh(charge_kwh);
                r.battery_discharge_wh = chain::wh(discharge_kwh);
            }
        }
        r
    }
}

/// Every entity of a scenario, in table order, with a lookup from scenario id to index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityTable {
    entities: Vec<Entity>,
    index_of: HashMap<String, EntityIndex>,
}

impl EntityTable {
    /// The table of `scenario`: prosumers, consumers, solar, wind, then batteries, each group in
    /// scenario order. Validation has made the ids unique.
    pub fn new(scenario: &Scenario) -> Self {
        let entities = entities(scenario);
        let index_of = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i as EntityIndex))
            .collect();
        EntityTable { entities, index_of }
    }

    /// How many entities there are.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether the scenario has no entity.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }

    /// The entities in table order.
    pub fn as_slice(&self) -> &[Entity] {
        &self.entities
    }

    /// The entities in table order, with their indices.
    pub fn iter(&self) -> impl Iterator<Item = (EntityIndex, &Entity)> {
        (0..).zip(&self.entities)
    }

    /// Entity `index`.
    ///
    /// # Panics
    /// If `index` is not in the table: indices come from the table itself.
    pub fn get(&self, index: EntityIndex) -> &Entity {
        &self.entities[index as usize]
    }

    /// The index of the entity with scenario id `id`, if there is one.
    pub fn index_of(&self, id: &str) -> Option<EntityIndex> {
        self.index_of.get(id).copied()
    }

    /// The registry id on chain of entity `index`.
    pub fn chain_id(&self, index: EntityIndex) -> EntityId {
        Accounts::entity_id(index)
    }

    /// The meter account of entity `index`.
    pub fn meter_account(&self, index: EntityIndex) -> chain::Address {
        Accounts::meter(index)
    }

    /// The kind of entity `index` as the registry classifies it.
    pub fn kind(&self, index: EntityIndex) -> EntityKind {
        self.get(index).kind()
    }
}

/// Every entity of `scenario`: prosumers, consumers, solar, wind, then batteries.
fn entities(scenario: &Scenario) -> Vec<Entity> {
    let e = &scenario.entities;
    let entity = |id: &str, node, profile| Entity {
        id: id.to_string(),
        node,
        profile,
    };
    let prosumers = e.prosumers.iter().map(|p| {
        entity(
            &p.id,
            p.node,
            Profile::Prosumer {
                export_prev_kwh: p.export_prev_kwh,
                generation_kwh: p.generation_kwh,
                battery_kwh: p.battery_kwh,
                consumption_kwh: p.consumption_kwh,
            },
        )
    });
    let consumers = e.consumers.iter().map(|c| {
        entity(
            &c.id,
            c.node,
            Profile::Consumer {
                demand_kwh: c.demand_kwh,
                priority: c.priority,
                customers: c.customers,
            },
        )
    });
    let solar = e.solar.iter().map(|d| {
        entity(
            &d.id,
            d.node,
            Profile::Solar {
                generation_kwh: d.generation_kwh,
            },
        )
    });
    let wind = e.wind.iter().map(|d| {
        entity(
            &d.id,
            d.node,
            Profile::Wind {
                generation_kwh: d.generation_kwh,
            },
        )
    });
    let batteries = e.batteries.iter().map(|b| {
        entity(
            &b.id,
            b.node,
            Profile::Battery {
                charge_kwh: b.charge_kwh,
                discharge_kwh: b.discharge_kwh,
            },
        )
    });
    prosumers
        .chain(consumers)
        .chain(solar)
        .chain(wind)
        .chain(batteries)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{EntityTable, baseline_export_kwh};
    use crate::chain::{EntityId, EntityKind};

    #[test]
    fn the_table_translates_every_identity_of_campus13s_entities() {
        let scenario = crate::scenario::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/campus13.yaml"
        )))
        .unwrap();
        let table = EntityTable::new(&scenario);
        let prosumers = scenario.entities.prosumers.len() as u32;
        assert_eq!(table.index_of("P1"), Some(0));
        let c1 = table.index_of("C1").unwrap();
        assert_eq!(c1, prosumers, "consumers follow the prosumers");
        assert_eq!(table.get(c1).id, "C1");
        assert_eq!(table.kind(c1), EntityKind::Consumer);
        assert_eq!(table.kind(0), EntityKind::Prosumer);
        assert_eq!(table.chain_id(c1), EntityId(prosumers + 1));
        assert_eq!(table.index_of("nobody"), None);
        assert_eq!(table.iter().count(), table.len());
    }

    #[test]
    fn a_prosumer_exports_what_it_can_sustain_of_its_previous_export() {
        // campus13's P2: Pe 200, PG 883, PB 485, Pc 928 kWh.
        let p2 = |generation_kwh, consumption_kwh| {
            baseline_export_kwh(200.0, generation_kwh, 485.0, consumption_kwh)
        };
        assert_eq!(p2(883.0, 928.0), 200.0);
        // Weather 0.5, demand 1.25: 441.5 + 485 − 1160 = −233.5 → nothing.
        assert_eq!(p2(883.0 * 0.5, 928.0 * 1.25), 0.0);
        // Weather 0.75, demand 1: 662.25 + 485 − 928 = 219.25 → Pe still.
        assert_eq!(p2(883.0 * 0.75, 928.0), 200.0);
        // Weather 0.5, demand 1: 441.5 + 485 − 928 = −1.5 → 0; demand 0.9: 91.3 → 91.3.
        assert_eq!(p2(883.0 * 0.5, 928.0), 0.0);
        let short = p2(883.0 * 0.5, 928.0 * 0.9);
        assert!((short - 91.3).abs() < 1e-9, "{short}");
        // An empty battery at night: only what is left of nothing.
        assert_eq!(baseline_export_kwh(200.0, 0.0, 0.0, 300.0), 0.0);
    }
}
