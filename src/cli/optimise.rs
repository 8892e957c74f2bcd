//! `blackstart optimise`: the restoration allocation of every isolated island.

use super::{EXIT_BAD_INPUT, EXIT_FAILURE, Failure, Format, json};
use blackstart::grid::Island;
use blackstart::optimise::{self, Allocation, Model, OptimiseError, Settings};
use blackstart::scenario::Scenario;

/// The isolated islands' numbers and allocations, in island order.
fn allocations(
    scenario: &Scenario,
    model: Option<Model>,
    exclude: Option<Vec<String>>,
) -> Result<Vec<(usize, Island, Allocation)>, Failure> {
    let mut settings = Settings::from_scenario(scenario);
    if let Some(model) = model {
        settings.model = model;
    }
    if let Some(exclude) = exclude {
        settings.exclude = exclude;
    }
    optimise::solve_isolated(scenario, &settings).map_err(|e| Failure {
        exit_code: exit_code(&e.source),
        error: e.into(),
    })
}

/// The user's data is at fault (exit 2), or the solver itself failed (exit 1).
fn exit_code(error: &OptimiseError) -> u8 {
    if error.is_input_error() {
        EXIT_BAD_INPUT
    } else {
        EXIT_FAILURE
    }
}

pub(super) fn run(
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
        // Always an array, one allocation per isolated island, whatever their number.
        Format::Json => json(&results.iter().map(|r| &r.2).collect::<Vec<_>>()),
        Format::Table => {
            let mut out = String::new();
            // Numbered as `blackstart island` and `blackstart run` number islands.
            for (number, island, allocation) in &results {
                let nodes: Vec<String> = island.nodes.iter().map(u32::to_string).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solver_failures_exit_1_and_input_errors_exit_2() {
        let invalid = OptimiseError::Invalid {
            path: "prosumers[0].battery_kwh".into(),
            message: "must be >= 0, got -1".into(),
        };
        let infeasible = OptimiseError::PaperInfeasible {
            index: 0,
            id: "P1".into(),
            reason: "K < 0".into(),
        };
        assert_eq!(exit_code(&invalid), 2);
        assert_eq!(exit_code(&infeasible), 2);
        assert_eq!(exit_code(&OptimiseError::Solver("price walk".into())), 1);
        assert_eq!(exit_code(&OptimiseError::SearchLimit { nodes: 10 }), 1);
    }
}
