//! `blackstart chain gas`: gas of each of the paper's five contract functions on a scenario.

use super::optimise::allocations;
use super::{Failure, Format, json};
use blackstart::chain::{self, EntityData, EntityId, EntityKind, GasInput, Reading, wh};
use blackstart::scenario::{NodeKind, Scenario};
use serde::Serialize;

#[derive(Serialize)]
struct Report {
    functions: Vec<chain::FunctionGas>,
}

pub fn gas(scenario: &Scenario, format: Format) -> Result<String, Failure> {
    let input = gas_input(scenario)?;
    let functions = chain::gas_report(&input).map_err(anyhow::Error::from)?;
    match format {
        Format::Json => json(&Report { functions }),
        Format::Table => {
            let mut out = String::new();
            outln!(
                out,
                "{}: gas per call in the embedded EVM (intrinsic 21,000 included)",
                scenario.name
            );
            for f in &functions {
                outln!(
                    out,
                    "  {:<20} {:>9} gas  (mean of {} calls)",
                    f.name,
                    f.gas,
                    f.calls
                );
            }
            Ok(out)
        }
    }
}

/// The scenario's entities, readings of the interval before the outage, tariffs and the
/// optimiser's allocation of its first isolated island.
fn gas_input(scenario: &Scenario) -> Result<GasInput, Failure> {
    let e = &scenario.entities;
    let reading = |export_wh, consumption_wh, generation_wh, charge_wh, discharge_wh| Reading {
        generation_wh,
        consumption_wh,
        export_wh,
        battery_charge_wh: charge_wh,
        battery_discharge_wh: discharge_wh,
    };
    let entity = |kind, node, reading| EntityData {
        kind,
        node,
        reading,
    };
    let mut entities: Vec<EntityData> = e
        .prosumers
        .iter()
        .map(|p| {
            entity(
                EntityKind::Prosumer,
                p.node,
                reading(
                    wh(p.export_prev_kwh),
                    wh(p.consumption_kwh),
                    wh(p.generation_kwh),
                    0,
                    0,
                ),
            )
        })
        .collect();
    entities.extend(e.consumers.iter().map(|c| {
        entity(
            EntityKind::Consumer,
            c.node,
            reading(0, wh(c.demand_kwh), 0, 0, 0),
        )
    }));
    entities.extend(e.solar.iter().chain(&e.wind).map(|d| {
        entity(
            EntityKind::Der,
            d.node,
            reading(0, 0, wh(d.generation_kwh), 0, 0),
        )
    }));
    entities.extend(e.batteries.iter().map(|b| {
        entity(
            EntityKind::Battery,
            b.node,
            reading(0, 0, 0, wh(b.charge_kwh), wh(b.discharge_kwh)),
        )
    }));
    let (_, _, allocation) = allocations(scenario, None, None)?
        .into_iter()
        .next()
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{}: no island is cut off, so there is no allocation to record",
                scenario.name
            )
        })?;
    let shares = e
        .prosumers
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let share = allocation.prosumers.iter().find(|a| a.id == p.id)?;
            Some(chain::share(EntityId(i as u32 + 1), share))
        })
        .collect();
    Ok(GasInput {
        node_count: scenario.grid.nodes.iter().map(|n| n.id).max().unwrap_or(0),
        source_node: scenario
            .grid
            .nodes
            .iter()
            .find(|n| n.kind == NodeKind::Source)
            .map_or(0, |n| n.id),
        interval_s: chain::interval_seconds(scenario.time.meter_interval_s)
            .map_err(anyhow::Error::from)?,
        entities,
        base_tariff_paise_per_kwh: chain::base_tariff_paise(
            scenario.tariffs.prosumer_base_inr_per_kwh,
        )
        .map_err(anyhow::Error::from)?,
        slab_schedule: chain::SlabSchedule::try_from(&scenario.tariffs.consumer)
            .map_err(anyhow::Error::from)?,
        shares,
    })
}
