//! The allocation problem of an island of a scenario: its prosumers and consumers with the
//! scenario's bounds, tariffs and optimiser settings.

use super::{Allocation, ConsumerInput, OptimiseError, Problem, ProsumerInput, Settings, solve};
use crate::grid::{self, Island, islands_after_faults};
use crate::scenario::{NodeId, Scenario};

/// An island of a scenario that could not be optimised.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("island {nodes:?}: {source}")]
pub struct IslandError {
    /// The island's nodes.
    pub nodes: Vec<NodeId>,
    /// Why.
    pub source: OptimiseError,
}

/// The allocation of every island of `scenario` cut off from the utility by its faults, in
/// island order (what `blackstart optimise` prints), each with its number as `blackstart
/// island` numbers it (1-based, among all the components after the faults).
pub fn solve_isolated(
    scenario: &Scenario,
    settings: &Settings,
) -> Result<Vec<(usize, Island, Allocation)>, IslandError> {
    islands_after_faults(scenario)
        .into_iter()
        .enumerate()
        .filter(|(_, island)| !island.energised)
        .map(|(i, island)| {
            let ids: Vec<&String> = island
                .prosumers
                .iter()
                .chain(&island.consumers)
                .chain(&island.ders)
                .chain(&island.batteries)
                .collect();
            let problem =
                Problem::for_island(scenario, |id| ids.iter().any(|i| *i == id), 1.0, 1.0);
            match solve(&problem, settings) {
                Ok(allocation) => Ok((i + 1, island, allocation)),
                Err(source) => Err(IslandError {
                    nodes: island.nodes,
                    source,
                }),
            }
        })
        .collect()
}

impl Problem {
    /// The problem of the island whose entities satisfy `in_island` (by id), with generation
    /// (prosumers' and DERs') scaled by `weather_factor` and consumption and demand by
    /// `demand_factor` (1 and 1 for the scenario as written). Consumer tariffs come from the
    /// scenario's slab schedule and interval pricing; the community supply from its DERs and
    /// battery banks (as `blackstart island` counts them).
    pub fn for_island(
        scenario: &Scenario,
        in_island: impl Fn(&str) -> bool,
        weather_factor: f64,
        demand_factor: f64,
    ) -> Problem {
        let e = &scenario.entities;
        Problem {
            prosumers: e
                .prosumers
                .iter()
                .filter(|p| in_island(&p.id))
                .map(|p| ProsumerInput {
                    id: p.id.clone(),
                    export_prev_kwh: p.export_prev_kwh,
                    generation_kwh: p.generation_kwh * weather_factor,
                    battery_kwh: p.battery_kwh,
                    consumption_kwh: p.consumption_kwh * demand_factor,
                    alpha_min: scenario.alpha_min(&p.id),
                    alpha_max: p.alpha_max,
                })
                .collect(),
            consumers: e
                .consumers
                .iter()
                .filter(|c| in_island(&c.id))
                .map(|c| {
                    let demand_kwh = c.demand_kwh * demand_factor;
                    ConsumerInput {
                        id: c.id.clone(),
                        demand_kwh,
                        priority: c.priority,
                        // Priced on whole Wh, as the meter's reading on chain is: the budget
                        // of eq. 5 is then the one OptimisationHandler checks.
                        tariff_inr: scenario.consumer_interval_tariff_inr(
                            c,
                            (demand_kwh * 1000.0).round() / 1000.0,
                        ),
                    }
                })
                .collect(),
            base_tariff_inr_per_kwh: scenario.tariffs.prosumer_base_inr_per_kwh,
            community_supply_kwh: grid::community_supply_kwh(scenario, in_island, weather_factor),
        }
    }
}

impl Settings {
    /// The scenario's optimiser settings: its model, `beta_min` and back-off list.
    pub fn from_scenario(scenario: &Scenario) -> Settings {
        Settings {
            model: scenario.optimiser.model,
            beta_min: scenario.optimiser.beta_min,
            exclude: scenario.optimiser.back_off.clone(),
        }
    }
}
