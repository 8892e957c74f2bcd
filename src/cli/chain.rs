//! `blackstart chain gas`: gas of each of the paper's five contract functions on a scenario.

use super::optimise::allocations;
use super::{Failure, Format, json};
use blackstart::chain::{self, Share};
use blackstart::entity::EntityTable;
use blackstart::ledger::gas_report;
use blackstart::scenario::Scenario;

pub(super) fn gas(scenario: &Scenario, format: Format) -> Result<String, Failure> {
    let entities = EntityTable::new(scenario);
    let shares = first_island_shares(scenario, &entities)?;
    let report = gas_report(scenario, &entities, shares).map_err(anyhow::Error::from)?;
    match format {
        Format::Json => json(&report),
        Format::Table => {
            let mut out = String::new();
            outln!(
                out,
                "{}: gas per call in the embedded EVM (intrinsic 21,000 included)",
                scenario.name
            );
            for f in &report.functions {
                outln!(
                    out,
                    "  {:<20} {:>9} gas  (mean of {} calls)",
                    f.function.name(),
                    f.gas,
                    f.calls
                );
            }
            let batch = report.power_data_batch;
            outln!(
                out,
                "  {:<20} {:>9} gas per reading  (postReadings of all {} readings: {} gas)",
                "PowerData, batched",
                batch.gas_per_reading,
                batch.readings,
                batch.gas
            );
            Ok(out)
        }
    }
}

/// The shares of the optimiser's allocation of the scenario's first isolated island, with
/// the prosumers' registry ids.
fn first_island_shares(scenario: &Scenario, entities: &EntityTable) -> Result<Vec<Share>, Failure> {
    let (_, _, allocation) = allocations(scenario, None, None)?
        .into_iter()
        .next()
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{}: no island is cut off, so there is no allocation to record",
                scenario.name
            )
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
    Ok(shares)
}
