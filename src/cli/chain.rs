//! `blackstart chain gas`: gas of each of the paper's five contract functions on a scenario.

use super::{EXIT_BAD_INPUT, EXIT_FAILURE, Failure, Format, json};
use blackstart::ledger::{GasError, scenario_gas};
use blackstart::scenario::Scenario;

pub(super) fn gas(scenario: &Scenario, format: Format) -> Result<String, Failure> {
    let report = scenario_gas(scenario).map_err(|error| Failure {
        // The user's data is at fault when the optimiser says so; a revert or a scenario
        // without an isolated island is reported as the measurement's failure.
        exit_code: match &error {
            GasError::Optimise(e) if e.source.is_input_error() => EXIT_BAD_INPUT,
            _ => EXIT_FAILURE,
        },
        error: error.into(),
    })?;
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
            let settled = report.settlement;
            outln!(
                out,
                "  {:<20} {:>9} gas  (settle: {} prosumers paid in one transaction)",
                "Settlement",
                settled.gas,
                settled.paid
            );
            Ok(out)
        }
    }
}
