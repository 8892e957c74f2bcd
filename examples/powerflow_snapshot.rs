//! One snapshot power flow of an OpenDSS feeder, for the comparison with OpenDSS
//! (`.ci/powerflow-check.sh`, docs/powerflow.md) and the solve times of BENCHMARKS.md:
//!
//! ```text
//! cargo run --example powerflow_snapshot -- MASTER.dss --reference BUS
//!     [--voltages RE1,IM1,RE2,IM2,RE3,IM3] [--open LINE]... [--load-scale X] [--repeat N]
//! ```
//!
//! Imports the feeder with blackstart's own importer, sets every load at its rated kW and kvar
//! (times `--load-scale`, default 1),
//! solves the island of the reference bus (its phase voltages the given phasors in V, else
//! balanced at 1 pu), with the named edges (`Line.670671`) open, and prints JSON: each
//! `bus.phase`'s voltage magnitude (V and pu), the total losses, the iterations, and with
//! `--repeat N` the mean time of building the network and of a solve over N repetitions.

use blackstart::import::{ImportOptions, dss};
use blackstart::powerflow::{Network, ReferenceVoltage, SweepOptions, solve};
use num_complex::Complex64;
use serde_json::{Map, json};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let master = PathBuf::from(args.next().ok_or("usage: MASTER.dss --reference BUS ...")?);
    let (mut reference, mut voltages, mut open, mut repeat) = (None, None, Vec::new(), 0usize);
    let mut load_scale = 1.0;
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--reference" => reference = Some(value),
            "--voltages" => {
                let parts: Vec<f64> = value.split(',').map(str::parse).collect::<Result<_, _>>()?;
                let [a, b, c, d, e, f] = parts[..] else {
                    return Err("--voltages takes six numbers".into());
                };
                voltages = Some([
                    Complex64::new(a, b),
                    Complex64::new(c, d),
                    Complex64::new(e, f),
                ]);
            }
            "--open" => open.push(value.to_lowercase()),
            "--repeat" => repeat = value.parse()?,
            "--load-scale" => load_scale = value.parse()?,
            _ => return Err(format!("unknown option {flag}").into()),
        }
    }
    let reference = reference
        .ok_or("--reference BUS is required")?
        .to_lowercase();
    let imported = dss::import(&master, &ImportOptions::new("unused.parquet"))?;
    let scenario = imported.scenario;
    let grid = &scenario.grid;
    let root = grid
        .nodes
        .iter()
        .find(|n| n.name.to_lowercase() == reference)
        .ok_or(format!("no bus {reference}"))?
        .id;
    let open_lines: BTreeSet<usize> = (grid.lines.iter().enumerate())
        .filter(|(_, l)| open.contains(&l.name.to_lowercase()))
        .map(|(i, _)| i)
        .collect();
    if open_lines.len() != open.len() {
        return Err(format!("not every edge of {open:?} is in the feeder").into());
    }
    let voltage = voltages.map_or(
        ReferenceVoltage::Balanced { magnitude_pu: 1.0 },
        ReferenceVoltage::Phases,
    );
    let mut network = Network::island(&scenario, root, voltage, &open_lines)?;
    for load in &mut network.loads {
        load.kw *= load_scale;
    }
    let options = SweepOptions::default();
    let solution = solve(&network, &options)?;

    let mut magnitudes_v = Map::new();
    let mut magnitudes_pu = Map::new();
    for node in &solution.nodes {
        for phase in &node.phases {
            let key = format!("{}.{}", node.name, phase.phase);
            magnitudes_v.insert(key.clone(), json!(phase.voltage_v.norm()));
            magnitudes_pu.insert(key, json!(phase.magnitude_pu));
        }
    }
    let mut out = json!({
        "feeder": master.display().to_string(),
        "reference": reference,
        "buses": solution.nodes.len(),
        "branches": solution.branches.len(),
        "loads": network.loads.len(),
        "load_kw": network.loads.iter().map(|l| l.kw).sum::<f64>(),
        "iterations": solution.iterations,
        "losses_kw": solution.losses_kw,
        "losses_kvar": solution.losses_kvar,
        "min_voltage": {
            "node": solution.min_voltage.node,
            "phase": solution.min_voltage.phase,
            "pu": solution.min_voltage.magnitude_pu,
        },
        "most_loaded": solution.most_loaded.as_ref().map(|b| json!({"branch": b.name, "loading": b.loading})),
        "voltage_v": magnitudes_v,
        "voltage_pu": magnitudes_pu,
    });
    if repeat > 0 {
        let start = Instant::now();
        for _ in 0..repeat {
            std::hint::black_box(Network::island(&scenario, root, voltage, &open_lines)?);
        }
        let build_s = start.elapsed().as_secs_f64() / repeat as f64;
        let start = Instant::now();
        for _ in 0..repeat {
            std::hint::black_box(solve(&network, &options)?);
        }
        let solve_s = start.elapsed().as_secs_f64() / repeat as f64;
        out["build_us"] = json!(build_s * 1e6);
        out["solve_us"] = json!(solve_s * 1e6);
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}
