//! A small Monte-Carlo sweep of the paper's campus testbed through the library.
//!
//! It demonstrates [`blackstart::sweep::run`]: runs spread over worker threads, each run's plan
//! drawn from (scenario seed, run index) so the tables are the same whatever the thread count,
//! written as Parquet parts into a directory (here a temporary one), and the typed
//! [`Summary`] it returns: runs by status, the MTTR distribution, and IEEE 1366 indices.
//!
//! ```sh
//! cargo run --example small_sweep
//! ```

use blackstart::scenario;
use blackstart::sim::Simulator;
use blackstart::sweep::{self, Shard, Summary, SweepOptions};
use std::error::Error;
use std::path::{Path, PathBuf};

/// The bundled scenario of the paper's campus testbed.
const CAMPUS13: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/campus13.yaml");

/// Runs of the sweep: enough for a distribution, few enough for seconds in a debug build.
const RUNS: u64 = 20;

/// A sweep of [`RUNS`] runs of campus13 written into `out`, summarised.
fn sweep(out: PathBuf) -> Result<Summary, Box<dyn Error>> {
    let scenario = scenario::load(Path::new(CAMPUS13))?;
    let simulator = Simulator::new(&scenario)?;
    let options = SweepOptions {
        runs: RUNS,
        threads: Some(2),
        // The whole sweep in this process; `Shard::new(k, n)` runs the k-th of n shards.
        shard: Shard::new(0, 1)?,
        out,
        resume: false,
        events: false,
        gap_split: false,
        no_bound: false,
        part_size: 1000,
    };
    // The progress callback gets (runs done, runs in the shard) after every run.
    let outcome = sweep::run(&simulator, &options, &|_, _| {})?;
    Ok(outcome.summary)
}

fn main() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let summary = sweep(dir.path().join("campus13"))?;
    println!("{}: {} runs", summary.scenario, summary.runs);
    for (status, runs) in summary.runs_by_status.iter().flatten() {
        println!("  {status}: {runs}");
    }
    if let Some(mttr) = &summary.mttr {
        println!(
            "MTTR mean {:.3} s (95 % CI {:.3}–{:.3}), p50 {:.3} s, p95 {:.3} s, max {:.3} s",
            mttr.mean_s, mttr.ci95_low_s, mttr.ci95_high_s, mttr.p50_s, mttr.p95_s, mttr.max_s
        );
    }
    if let Some(indices) = &summary.reliability {
        println!(
            "SAIFI {:.3} and SAIDI {:.3} min per outage event",
            indices.saifi_per_event, indices.saidi_per_event_min
        );
    }
    println!(
        "energy not served: {:.3} kWh in all",
        summary.energy_not_served.total_kwh
    );
    Ok(())
}

/// The integration tests (`tests/integration`) compile this file as one of their modules and
/// run the example there; `cargo run --example small_sweep` leaves this out.
#[cfg(test)]
mod tests {
    #[test]
    fn the_example_runs_and_summarises_every_run() {
        super::main().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let summary = super::sweep(dir.path().join("sweep")).unwrap();
        assert_eq!(summary.runs, super::RUNS);
        let by_status = summary.runs_by_status.expect("the runs table has a status");
        assert_eq!(by_status.values().sum::<u64>(), super::RUNS);
    }
}
