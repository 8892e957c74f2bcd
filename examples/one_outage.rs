//! One outage of the paper's 13-node campus testbed, simulated end to end through the library.
//!
//! It demonstrates the path every run takes: load and validate a scenario
//! ([`blackstart::scenario::load`]), build a [`Simulator`] once (entity table, topology,
//! contracts deployed in the embedded EVM), draw a [`RunPlan`] for one Monte-Carlo run (its
//! seed, fault, weather, demand and back-offs), simulate it, and read the typed [`RunReport`]:
//! status, failure reason, MTTR and its phases, and each consumer's interruption.
//!
//! ```sh
//! cargo run --example one_outage
//! ```

use blackstart::scenario;
use blackstart::sim::{Recording, RunPlan, RunReport, Simulator};
use std::error::Error;
use std::path::Path;

/// The bundled scenario of the paper's campus testbed.
const CAMPUS13: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/campus13.yaml");

/// Run 0 of campus13's Monte-Carlo sweep, simulated.
fn simulate() -> Result<RunReport, Box<dyn Error>> {
    let scenario = scenario::load(Path::new(CAMPUS13))?;
    let simulator = Simulator::new(&scenario)?;
    // Run 0 of a sweep: the scenario's variation drawn from (scenario seed, run index).
    // `RunPlan::nominal(&scenario, seed)` would simulate the scenario exactly as written.
    let plan = RunPlan::sampled(&scenario, 0);
    // `events: true` also keeps the timeline (`report.events`), at a string per event.
    Ok(simulator.run(&plan, Recording { events: false })?)
}

fn main() -> Result<(), Box<dyn Error>> {
    let report = simulate()?;
    println!("seed {}: {}", report.seed, report.status);
    if let Some(reason) = &report.failure_reason {
        println!("failure reason: {reason}");
    }
    match report.mttr_s {
        Some(mttr_s) => {
            let p = &report.phases;
            println!(
                "MTTR {mttr_s:.3} s: detection {:.3} s, communication {:.3} s, chain {:.3} s, \
                 optimisation {:.3} s, switching {:.3} s, verification {:.3} s",
                p.detection_s,
                p.communication_s,
                p.chain_s,
                p.optimisation_s,
                p.switching_s,
                p.verification_s
            );
        }
        None => println!("no island restored: no MTTR"),
    }
    println!(
        "{} allocation round(s), {} transactions ({} reverted), {:.2} INR of rewards",
        report.rounds, report.transactions, report.reverted_transactions, report.rewards_inr
    );
    for fault in &report.plan.faults {
        println!(
            "line {}–{} opened at {:.3} s, repaired at {:.3} s",
            fault.line[0], fault.line[1], fault.at_s, fault.repaired_at_s
        );
    }
    for consumer in &report.consumers {
        // Restored by the island (peer to peer) or by the grid once a repair reconnected it.
        let restored = match (consumer.restored_at_s, consumer.restored_by) {
            (Some(at_s), Some(by)) => format!("restored by the {} at {at_s:.3} s", by.as_str()),
            _ => "not restored".to_string(),
        };
        println!(
            "{}: cut off at {:.3} s, {restored}, {:.3} s without supply, {:.3} kWh not served",
            consumer.id,
            consumer.interrupted_at_s,
            consumer.interruption_s,
            consumer.energy_not_served_kwh
        );
    }
    Ok(())
}

/// The integration tests (`tests/integration`) compile this file as one of their modules and
/// run the example there; `cargo run --example one_outage` leaves this out.
#[cfg(test)]
mod tests {
    use blackstart::sim::RunStatus;

    #[test]
    fn the_example_runs_and_restores_everyone() {
        super::main().unwrap();
        let report = super::simulate().unwrap();
        assert_eq!(report.status, RunStatus::Restored);
        assert!(report.mttr_s.is_some());
        assert!(report.consumers.iter().all(|c| c.restored_at_s.is_some()));
    }
}
