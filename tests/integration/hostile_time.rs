//! Hostile and extreme times through the binary: confirmations beyond the blocks mined so far,
//! durations no simulated clock can hold, block intervals that cannot advance time, rates too
//! slow for a round, fault-set weights that overflow, shard bounds that overflow. Each case
//! exits 0 with the right result, or 2 with one line naming the field; none panics or hangs.

use crate::common::{Outcome, blackstart_in};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

/// Runs the binary with `args`, bounded against hangs, failing on a panic.
fn blackstart(args: &[&str]) -> Outcome {
    blackstart_in(None, args)
}

/// campus13 modified by `overrides` (YAML appended to an `extends`), written into `dir`.
fn variant(dir: &Path, name: &str, overrides: &str) -> PathBuf {
    let path = dir.join(format!("{name}.yaml"));
    let text = format!(
        "extends: {}\nname: {name}\n{overrides}\n",
        scenario("campus13.yaml").display()
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// Asserts exit 2 with one line of error naming `field`.
fn assert_rejected(outcome: &Outcome, field: &str) {
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    let lines: Vec<&str> = outcome.stderr.trim().lines().collect();
    assert_eq!(lines.len(), 1, "{}", outcome.stderr);
    assert!(lines[0].contains(field), "{field}: {}", lines[0]);
}

/// `validate`, `run` and `sweep` all reject the scenario, naming `field`.
fn assert_every_command_rejects(dir: &Path, overrides: &str, field: &str) {
    let file = variant(dir, "hostile", overrides);
    let file = file.to_str().unwrap();
    let out = dir.join("sweep-out");
    let out = out.to_str().unwrap();
    for args in [
        vec!["validate", file],
        vec!["run", file],
        vec!["sweep", file, "--runs", "2", "--out", out],
    ] {
        assert_rejected(&blackstart(&args), field);
    }
    assert!(!Path::new(out).exists(), "a rejected sweep wrote {out}");
}

#[test]
fn durations_beyond_the_longest_a_scenario_may_give_are_rejected_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "timing: {detection_delay_s: 1e20}",
            "timing.detection_delay_s",
        ),
        (
            "timing: {detection_delay_s: {lognormal: {mu: 1000, sigma: 1}}}",
            "timing.detection_delay_s",
        ),
        (
            "timing: {switching_delay_s: {weibull: {scale: 1, shape: 1e-300}}}",
            "timing.switching_delay_s",
        ),
        (
            "network: {latency_s: {exponential: {mean: 1e300}}}",
            "network.latency_s",
        ),
        (
            "timing: {detection_delay_s: {triangular: {min: 0, mode: 1, max: 18446744073709551616.0}}}",
            "timing.detection_delay_s",
        ),
        (
            "timing: {optimiser_time_s: {gamma: {shape: 1, scale: 1e300}}}",
            "timing.optimiser_time_s",
        ),
        (
            "time: {horizon_s: 1e20, meter_interval_s: 900, outage_at_s: 43200}",
            "time.horizon_s",
        ),
        (
            "network: {retry_timeout_s: 1e20}",
            "network.retry_timeout_s",
        ),
        (
            "chain: {mining: interval, block_interval_s: 12, service_time_s: {power_data: 1e20}}",
            "chain.service_time_s.power_data",
        ),
        (
            "chain: {mining: interval, block_interval_s: {exponential: {mean: 1e300}}}",
            "chain.block_interval_s",
        ),
        (
            "monte_carlo: {latency_factor: {uniform: {min: 1, max: 1e300}}}",
            "monte_carlo.latency_factor",
        ),
        (
            "monte_carlo: {fault_time_s: {pert: {min: 0, mode: 1, max: 1e300}}}",
            "monte_carlo.fault_time_s",
        ),
    ];
    for (overrides, field) in cases {
        assert_every_command_rejects(dir.path(), overrides, field);
    }
}

#[test]
fn block_intervals_that_cannot_advance_time_are_rejected_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "chain: {mining: interval, block_interval_s: {uniform: {min: 0, max: 0}}}",
            "chain.block_interval_s",
        ),
        (
            "chain: {mining: interval, block_interval_s: 1e-9}",
            "chain.block_interval_s",
        ),
        (
            "chain: {mining: interval, block_interval_s: 12}\n\
             monte_carlo: {block_interval_s: {uniform: {min: 0, max: 1e-6}}}",
            "monte_carlo.block_interval_s",
        ),
        // Millisecond blocks advance time, but not through a 31-year horizon.
        (
            "time: {horizon_s: 1e9}\nchain: {mining: interval, block_interval_s: 0.001}",
            "chain.block_interval_s",
        ),
    ];
    for (overrides, field) in cases {
        assert_every_command_rejects(dir.path(), overrides, field);
    }
    // The same through a chain profile given to `bench`.
    let profile = dir.path().join("zero.yaml");
    std::fs::write(
        &profile,
        "chain: {mining: interval, block_interval_s: {uniform: {min: 0, max: 0}}}\n",
    )
    .unwrap();
    let out = dir.path().join("bench-out");
    let bench = blackstart(&[
        "bench",
        scenario("caliper-fig12.yaml").to_str().unwrap(),
        "--chain",
        profile.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_rejected(&bench, "chain.block_interval_s");
}

#[test]
fn laws_without_an_upper_bound_but_a_sane_tail_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = variant(
        dir.path(),
        "tails",
        "timing: {detection_delay_s: {lognormal: {mu: 0, sigma: 1}}}\n\
         chain: {mining: interval, block_interval_s: {exponential: {mean: 12}}}",
    );
    let run = blackstart(&["run", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(report["mttr_s"].as_f64().unwrap() > 0.0, "{report}");
}

fn mttr_with_confirmations(dir: &Path, confirmations: u32) -> f64 {
    // An hour's meter interval leaves room for 80 confirmations of 12 s blocks in a round.
    let file = variant(
        dir,
        &format!("confirm{confirmations}"),
        &format!(
            "time: {{meter_interval_s: 3600}}\n\
             chain: {{mining: interval, block_interval_s: 12, confirmations: {confirmations}}}"
        ),
    );
    let run = blackstart(&["run", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    report["mttr_s"].as_f64().unwrap()
}

#[test]
fn more_confirmations_than_blocks_mined_wait_for_their_blocks() {
    // The restoration waits on two transactions in turn (the allocation, then the relay
    // command's record); each extra confirmation adds one 12 s block to each.
    let dir = tempfile::tempdir().unwrap();
    let one = mttr_with_confirmations(dir.path(), 1);
    let seventy = mttr_with_confirmations(dir.path(), 70);
    let eighty = mttr_with_confirmations(dir.path(), 80);
    assert!(
        (seventy - one - 2.0 * 69.0 * 12.0).abs() < 1e-6,
        "{one} {seventy}"
    );
    assert!(
        (eighty - seventy - 2.0 * 10.0 * 12.0).abs() < 1e-6,
        "{seventy} {eighty}"
    );
}

fn bench_latency_s(dir: &Path, confirmations: u32) -> f64 {
    let profile = dir.join(format!("conf{confirmations}.yaml"));
    std::fs::write(
        &profile,
        format!(
            "chain: {{mining: interval, block_interval_s: 2, confirmations: {confirmations}}}\n"
        ),
    )
    .unwrap();
    let out = dir.join(format!("bench{confirmations}"));
    let bench = blackstart(&[
        "bench",
        scenario("caliper-fig12.yaml").to_str().unwrap(),
        "--chain",
        profile.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(bench.code, 0, "{}", bench.stderr);
    let report: Value = serde_json::from_str(&bench.stdout).unwrap();
    report["rounds"][0]["avg_latency_s"].as_f64().unwrap()
}

#[test]
fn bench_latency_grows_by_a_block_per_confirmation() {
    // No service time: a transaction waits for its block, then one 2 s block per further
    // confirmation.
    let dir = tempfile::tempdir().unwrap();
    let one = bench_latency_s(dir.path(), 1);
    let five = bench_latency_s(dir.path(), 5);
    let ten = bench_latency_s(dir.path(), 10);
    assert!((five - one - 4.0 * 2.0).abs() < 1e-9, "{one} {five}");
    assert!((ten - five - 5.0 * 2.0).abs() < 1e-9, "{five} {ten}");
}

#[test]
fn bench_rates_too_slow_for_a_round_are_rejected_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let fig12 = std::fs::read_to_string(scenario("caliper-fig12.yaml")).unwrap();
    // Each case edits Fig. 12 (10 workers, 20 TPS for 10 s).
    let cases = [
        (
            "tps: 20",
            "tps: 1e-300",
            "test.rounds[0].rateControl.opts.tps",
        ),
        (
            "txDuration: 10",
            "txDuration: 1e300",
            "test.rounds[0].txDuration",
        ),
        // 1e4 transactions per worker, one every 2000 s: 2e7 s (within the 1e5 transactions
        // a benchmark may send).
        (
            "txDuration: 10",
            "txNumber: 100000",
            "test.rounds[0].rateControl.opts.tps",
        ),
    ];
    for (from, to, field) in cases {
        let mut text = fig12.replace("# txNumber: 500", "").replace(from, to);
        if to.starts_with("txNumber") {
            text = text.replace("tps: 20", "tps: 0.005");
        }
        let config = dir.path().join("slow.yaml");
        std::fs::write(&config, text).unwrap();
        let out = dir.path().join("bench-out");
        let bench = blackstart(&[
            "bench",
            config.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_rejected(&bench, field);
    }
}

fn run_column(dir: &Path, shard: &str, column: &str) -> Vec<u64> {
    let part = dir.join(format!("runs/shard={shard}/part-{shard}-00000.parquet"));
    let runs = blackstart::output::read_parquet(&part).unwrap();
    runs.column(column)
        .unwrap()
        .u64()
        .unwrap()
        .iter()
        .flatten()
        .collect()
}

#[test]
fn fault_set_weights_summing_past_f64_are_relative_weights() {
    let dir = tempfile::tempdir().unwrap();
    let file = variant(
        dir.path(),
        "weights",
        "monte_carlo:\n  fault_sets:\n    - {lines: [[3, 4], [6, 7]], weight: 1e308}\n    \
         - {lines: [[6, 7], [3, 4]], weight: 1e308}",
    );
    let out = dir.path().join("out");
    let sweep = blackstart(&[
        "sweep",
        file.to_str().unwrap(),
        "--runs",
        "20",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(sweep.code, 0, "{}", sweep.stderr);
    let sets = run_column(&out, "0", "fault_set");
    assert_eq!(sets.len(), 20);
    // Equal weights: both sets are drawn.
    assert!(sets.contains(&0) && sets.contains(&1), "{sets:?}");
}

#[test]
fn a_shard_of_a_huge_sweep_runs_its_own_runs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let sweep = blackstart(&[
        "sweep",
        scenario("campus13.yaml").to_str().unwrap(),
        "--runs",
        "10000000000000",
        "--shard",
        "5000000000000/10000000000000",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(sweep.code, 0, "{}", sweep.stderr);
    assert_eq!(
        run_column(&out, "5000000000000", "run_index"),
        [5_000_000_000_000]
    );
}
