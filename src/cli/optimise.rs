//! `blackstart optimise`: the restoration allocation of every isolated island.

use super::{EXIT_BAD_INPUT, Failure, Format, json};
use blackstart::grid::Island;
use blackstart::optimise::{self, Allocation, Model, Settings};
use blackstart::scenario::Scenario;

/// The isolated islands' allocations, in island order.
pub fn allocations(
    scenario: &Scenario,
    model: Option<Model>,
    exclude: Option<Vec<String>>,
) -> Result<Vec<(Island, Allocation)>, Failure> {
    let mut settings = Settings::from_scenario(scenario);
    if let Some(model) = model {
        settings.model = model;
    }
    if let Some(exclude) = exclude {
        settings.exclude = exclude;
    }
    optimise::solve_isolated(scenario, &settings).map_err(|e| Failure {
        error: e.into(),
        exit_code: EXIT_BAD_INPUT,
    })
}

pub fn run(
    scenario: &Scenario,
    model: Option<Model>,
    exclude: Option<Vec<String>>,
    format: Format,
) -> Result<String, Failure> {
    let results = allocations(scenario, model, exclude)?;
    if results.is_empty() {
        return Err(Failure {
            error: anyhow::anyhow!(
                "{}: the faults leave no island cut off from the utility: nothing to allocate",
                scenario.name
            ),
            exit_code: EXIT_BAD_INPUT,
        });
    }
    match format {
        Format::Json if results.len() == 1 => json(&results[0].1),
        Format::Json => json(&results.iter().map(|r| &r.1).collect::<Vec<_>>()),
        Format::Table => {
            let mut out = String::new();
            // Numbered as `blackstart island` and `blackstart run` number islands.
            let all = blackstart::grid::islands_after_faults(scenario);
            for (island, allocation) in &results {
                let nodes: Vec<String> = island.nodes.iter().map(u32::to_string).collect();
                let number = all
                    .iter()
                    .position(|i| i.nodes == island.nodes)
                    .map_or(0, |p| p + 1);
                outln!(
                    out,
                    "{}: island {number} of nodes {}",
                    scenario.name,
                    nodes.join(", ")
                );
                outln!(out, "{allocation}");
            }
            Ok(out)
        }
    }
}
