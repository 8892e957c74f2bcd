//! `blackstart bench`: Caliper benchmark configurations through the binary.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .arg("bench")
        .args(args)
        .output()
        .expect("the blackstart binary runs")
}

/// Runs `bench CONFIG --format json --out OUT` plus `extra`, expecting success.
fn bench_json(config: &Path, out: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        config.to_str().unwrap(),
        "--format",
        "json",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    let output = bench(&args);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

/// Table 8: (function, transactions, latency s, throughput TPS).
const TABLE_8: [(&str, u64, f64, f64); 5] = [
    ("FindEntities", 1640, 2.28, 16.80),
    ("PowerData", 1590, 2.68, 11.09),
    ("PowerBalance", 1400, 2.10, 15.15),
    ("TariffComputation", 2100, 2.53, 14.86),
    ("OptimisationHandler", 1280, 2.33, 14.61),
];

/// Mean latency of N transactions sent at 20 TPS to a node serving X TPS (docs/model.md §8), plus one
/// service time.
fn saturated_latency_s(n: u64, capacity_tps: f64) -> f64 {
    n as f64 / 2.0 * (1.0 / capacity_tps - 1.0 / 20.0) + 1.0 / capacity_tps
}

#[test]
fn figure_12_runs_unchanged_and_prints_the_caliper_table() {
    let dir = tempfile::tempdir().unwrap();
    let output = bench(&[
        scenario("caliper-fig12.yaml").to_str().unwrap(),
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).unwrap();
    for column in [
        "| Name ",
        "| Succ ",
        "| Fail ",
        "| Send Rate (TPS) ",
        "| Max Latency (s) ",
        "| Min Latency (s) ",
        "| Avg Latency (s) ",
        "| Throughput (TPS) ",
        "| p95 Latency (s) ",
    ] {
        assert!(text.contains(column), "{column} missing:\n{text}");
    }
    let row = text
        .lines()
        .find(|l| l.starts_with("| consumer_tarrif "))
        .unwrap_or_else(|| panic!("no round row:\n{text}"));
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    assert_eq!(&cells[2..4], ["200", "0"], "{row}");
    assert!(text.contains("not a chain node"), "{text}");
    assert!(text.contains("monitors: accepted and ignored"), "{text}");
}

#[test]
fn figure_12_on_ganache_matches_the_saturated_node() {
    let dir = tempfile::tempdir().unwrap();
    let report = bench_json(&scenario("caliper-fig12.yaml"), dir.path(), &[]);
    assert_eq!(report["chain_profile"], "ganache");
    let round = &report["rounds"][0];
    assert_eq!(round["name"], "consumer_tarrif");
    assert_eq!(round["function"], "TariffComputation");
    assert_eq!(
        (round["succ"].as_u64(), round["fail"].as_u64()),
        (Some(200), Some(0))
    );
    // 200 sends over 9.95 s.
    assert!((f(&round["send_rate_tps"]) - 200.0 / 9.95).abs() < 1e-6);
    // The node serves TariffComputation in 67.3 ms on average (Table 8's 14.86 TPS), so it
    // finishes the 200 in about 13.5 s: throughput at its capacity, latency building up.
    let tps = f(&round["throughput_tps"]);
    assert!((14.0..=15.7).contains(&tps), "throughput {tps}");
    let expected = saturated_latency_s(200, 14.86);
    let avg = f(&round["avg_latency_s"]);
    assert!(
        (avg - expected).abs() < 0.15 * expected,
        "latency {avg} vs {expected}"
    );
    assert!(f(&round["p99_latency_s"]) <= f(&round["max_latency_s"]));
    for file in ["report.html", "report.md", "transactions.parquet"] {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.contains("<th>Throughput (TPS)</th>") && html.contains("<td>consumer_tarrif</td>")
    );
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    let md = std::fs::read_to_string(dir.path().join("report.md")).unwrap();
    assert!(
        md.contains("| Name | Succ | Fail | Send Rate (TPS) |"),
        "{md}"
    );
    let transactions =
        blackstart::output::read_parquet(&dir.path().join("transactions.parquet")).unwrap();
    assert_eq!(transactions.height(), 200);
    for column in [
        "round",
        "worker",
        "tx_id",
        "submitted_s",
        "latency_s",
        "revert_reason",
    ] {
        assert!(transactions.column(column).is_ok(), "{column}");
    }
}

#[test]
fn table_8_rounds_on_ganache() {
    let dir = tempfile::tempdir().unwrap();
    let report = bench_json(
        &scenario("caliper-paper.yaml"),
        dir.path(),
        &["--chain", "ganache"],
    );
    let rounds = report["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 5);
    let mut throughput_sum = 0.0;
    for (round, (function, n, _, capacity_tps)) in rounds.iter().zip(TABLE_8) {
        assert_eq!(round["function"], function);
        assert_eq!(round["succ"].as_u64(), Some(n), "{function}");
        assert_eq!(round["fail"].as_u64(), Some(0), "{function}");
        // A saturated node: throughput is its capacity, set from Table 8 ...
        let tps = f(&round["throughput_tps"]);
        assert!(
            (tps - capacity_tps).abs() < 0.05 * capacity_tps,
            "{function}: {tps}"
        );
        throughput_sum += tps;
        // ... and Table 8's counts at 20 TPS queue for 8-32 s, not Table 8's 2-3 s.
        let expected = saturated_latency_s(n, capacity_tps);
        let avg = f(&round["avg_latency_s"]);
        assert!(
            (avg - expected).abs() < 0.1 * expected,
            "{function}: {avg} vs {expected}"
        );
    }
    let mean_tps = throughput_sum / 5.0;
    assert!((mean_tps - 14.52).abs() < 0.3, "mean throughput {mean_tps}");
}

#[test]
fn table_8_functions_in_10_s_rounds_land_near_table_8() {
    let dir = tempfile::tempdir().unwrap();
    let report = bench_json(&scenario("caliper-paper-10s.yaml"), dir.path(), &[]);
    let rounds = report["rounds"].as_array().unwrap();
    let mean = |key: &str| rounds.iter().map(|r| f(&r[key])).sum::<f64>() / 5.0;
    // Table 8: 2.38 s and 14.52 TPS on average.
    let latency = mean("avg_latency_s");
    let tps = mean("throughput_tps");
    assert!((1.8..=2.7).contains(&latency), "mean latency {latency}");
    assert!((14.0..=15.0).contains(&tps), "mean throughput {tps}");
    for round in rounds {
        assert_eq!(round["succ"].as_u64(), Some(200));
    }
}

#[test]
fn block_intervals_add_to_latency() {
    let dir = tempfile::tempdir().unwrap();
    let fig12 = scenario("caliper-fig12.yaml");
    let latency = |chain: &str| {
        let r = bench_json(&fig12, dir.path(), &["--chain", chain]);
        assert_eq!(r["rounds"][0]["succ"].as_u64(), Some(200), "{chain}");
        f(&r["rounds"][0]["avg_latency_s"])
    };
    let instant = latency("instant");
    let ganache = latency("ganache");
    let twelve = latency("interval-12s");
    assert!(instant < 0.01, "{instant}");
    // Waiting for a 12 s block adds about 6 s on average to the same queue.
    assert!(
        twelve > ganache + 3.0 && twelve < ganache + 9.0,
        "{ganache} {twelve}"
    );
}

#[test]
fn same_seed_same_transactions_file() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let fig12 = scenario("caliper-fig12.yaml");
    bench_json(&fig12, a.path(), &["--seed", "3"]);
    bench_json(&fig12, b.path(), &["--seed", "3"]);
    let read = |d: &Path| std::fs::read(d.join("transactions.parquet")).unwrap();
    assert_eq!(read(a.path()), read(b.path()));
}

#[test]
fn reverts_are_counted_as_failures_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("reverts.yaml");
    std::fs::write(
        &config,
        "test:\n  name: reverts\n  workers: {number: 2}\n  rounds:\n    - label: tariffs\n      txNumber: 40\n      rateControl: {type: fixed-rate, opts: {tps: 10}}\n      workload:\n        module: consumer_tariff.js\n        arguments: {invalidEvery: 4}\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let report = bench_json(&config, &out, &["--chain", "instant"]);
    let round = &report["rounds"][0];
    assert_eq!(
        (round["succ"].as_u64(), round["fail"].as_u64()),
        (Some(30), Some(10))
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("UnknownEntity"),
        "the failures table names the reason"
    );
}

/// Runs `bench` on `config_text` expecting exit code 2; returns stderr.
fn bad_input(config_text: &str, extra: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.yaml");
    std::fs::write(&config, config_text).unwrap();
    let out = dir.path().join("out");
    let mut args = vec![config.to_str().unwrap(), "--out", out.to_str().unwrap()];
    args.extend(extra);
    let output = bench(&args);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

const ONE_ROUND: &str = "test:\n  name: t\n  rounds:\n    - label: r\n      txNumber: 10\n";

#[test]
fn user_errors_exit_2_with_one_line() {
    let e = bad_input(
        &format!("{ONE_ROUND}      workload: {{module: transfer.js}}\n"),
        &[],
    );
    assert!(
        e.contains("test.rounds[0].workload.module: unknown workload `transfer.js`"),
        "{e}"
    );
    for known in TABLE_8.map(|t| t.0) {
        assert!(e.contains(known), "{e}");
    }
    let e = bad_input(
        &format!(
            "{ONE_ROUND}      rateControl: {{type: fixed-rate, opts: {{tps: -20}}}}\n      workload: {{module: tariff.js}}\n"
        ),
        &[],
    );
    assert!(
        e.contains("test.rounds[0].rateControl.opts.tps: must be > 0, got -20"),
        "{e}"
    );
    let e = bad_input(
        &format!("{ONE_ROUND}      workload: {{module: tariff.js}}\n"),
        &["--chain", "besu"],
    );
    assert!(
        e.contains("unknown chain profile `besu`") && e.contains("ganache"),
        "{e}"
    );
}

#[test]
fn a_custom_chain_profile_file_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("slow.yaml");
    std::fs::write(
        &profile,
        "name: slow\nchain:\n  service_time_s: {tariff_computation: 0.5}\n",
    )
    .unwrap();
    let report = bench_json(
        &scenario("caliper-fig12.yaml"),
        &dir.path().join("out"),
        &["--chain", profile.to_str().unwrap()],
    );
    assert_eq!(report["chain_profile"], "slow");
    // Two transactions per second: 200 take 100 s.
    let tps = f(&report["rounds"][0]["throughput_tps"]);
    assert!((tps - 2.0).abs() < 0.05, "{tps}");
}
