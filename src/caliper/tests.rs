//! Rounds simulated end to end: the schedules the rate controllers produce, valid workloads,
//! forced failures, determinism.

use super::*;
use crate::ledger::TransactionStatus;

/// A one-round benchmark: `rate` is the `rateControl` flow mapping, `length` its
/// `txNumber`/`txDuration` entry, `module` the workload module.
fn bench(workers: u32, length: &str, rate: &str, module: &str) -> BenchmarkConfig {
    let text = format!(
        "test:\n  name: t\n  workers: {{number: {workers}}}\n  rounds:\n    - label: r\n      {length}\n      rateControl: {rate}\n      workload: {{module: {module}}}\n"
    );
    BenchmarkConfig::parse_str(&text, "test.yaml").unwrap()
}

fn run_on(config: &BenchmarkConfig, profile: &str, seed: u64) -> BenchReport {
    let profile = ChainProfile::builtin(profile).unwrap();
    run(config, &profile, &bundled_scenario(), seed).unwrap()
}

fn submissions(report: &BenchReport, worker: Option<u32>) -> Vec<f64> {
    let mut times: Vec<f64> = report
        .transactions
        .iter()
        .filter(|t| worker.is_none_or(|w| t.worker == w))
        .map(|t| t.record.submitted_s)
        .collect();
    times.sort_by(f64::total_cmp);
    times
}

#[test]
fn fixed_rate_20_tps_over_10_workers_sends_200_evenly_spaced_in_10_s() {
    let config = bench(
        10,
        "txDuration: 10",
        "{type: fixed-rate, opts: {tps: 20}}",
        "tariff.js",
    );
    let report = run_on(&config, "instant", 1);
    let times = submissions(&report, None);
    assert_eq!(times.len(), 200);
    for w in 0..10 {
        assert_eq!(submissions(&report, Some(w)).len(), 20, "worker {w}");
    }
    for pair in times.windows(2) {
        assert!((pair[1] - pair[0] - 0.05).abs() < 1e-6, "{pair:?}");
    }
    assert!(times[199] < 10.0);
    let round = &report.rounds[0];
    assert_eq!((round.succ, round.fail), (200, 0));
    // 200 over 9.95 s of submissions.
    assert!((round.send_rate_tps.unwrap() - 200.0 / 9.95).abs() < 1e-6);
}

#[test]
fn linear_rate_ramps_each_workers_rate() {
    let config = bench(
        2,
        "txNumber: 200",
        "{type: linear-rate, opts: {startingTps: 10, finishingTps: 40}}",
        "power_balance.js",
    );
    let report = run_on(&config, "instant", 1);
    let times = submissions(&report, Some(0));
    assert_eq!(times.len(), 100);
    let gaps: Vec<f64> = times.windows(2).map(|p| p[1] - p[0]).collect();
    // Per worker 5 → 20 TPS: the gap after transaction k is 0.2 − 0.0015 k s.
    for (k, gap) in gaps.iter().enumerate() {
        let expected = 0.2 - 0.0015 * (k + 1) as f64;
        assert!(
            (gap - expected).abs() < 1e-6,
            "gap {k}: {gap} vs {expected}"
        );
    }
}

#[test]
fn fixed_load_refills_the_backlog_up_to_the_transaction_load() {
    let config = bench(
        2,
        "txDuration: 30",
        "{type: fixed-load, opts: {startTps: 5, transactionLoad: 20}}",
        "power_data.js",
    );
    let report = run_on(&config, "ganache", 1);
    let t = &report.transactions;
    // The backlog (submitted, not yet confirmed) each submission after the warm-up leaves.
    let backlogs: Vec<usize> = t
        .iter()
        .filter(|x| x.record.submitted_s > 5.0)
        .map(|x| {
            t.iter()
                .filter(|y| {
                    y.record.submitted_s <= x.record.submitted_s
                        && y.record.confirmed_s > x.record.submitted_s
                })
                .count()
        })
        .collect();
    // Each worker refills to its share of 10 and sends one more (Caliper sends after a zero
    // sleep at the target), then sleeps the excess times the mean latency: a saw-tooth whose
    // peaks are the transaction load plus one per worker.
    let peak = *backlogs.iter().max().unwrap();
    assert_eq!(peak, 22, "{backlogs:?}");
    let peaks = backlogs.iter().filter(|&&b| b >= 20).count();
    assert!(
        peaks >= 10,
        "the load is reached again and again: {backlogs:?}"
    );
    // The node never idles: throughput is its capacity (PowerData: 1 / 90.2 ms).
    let tps = report.rounds[0].throughput_tps.unwrap();
    assert!((10.5..=11.5).contains(&tps), "{tps}");
}

#[test]
fn feedback_and_maximum_rate_controllers_run_closed_loop() {
    for rate in [
        "{type: fixed-feedback-rate, opts: {tps: 40, transactionLoad: 10}}",
        "{type: maximum-rate, opts: {tps: 5, step: 5, sampleInterval: 5}}",
    ] {
        let config = bench(2, "txDuration: 30", rate, "find_entities.js");
        let report = run_on(&config, "ganache", 1);
        let round = &report.rounds[0];
        assert_eq!(round.fail, 0, "{rate}");
        // Neither can push the node past its capacity (FindEntities: 1 / 59.5 ms).
        let tps = round.throughput_tps.unwrap();
        assert!(tps > 4.0 && tps < 17.5, "{rate}: {tps}");
    }
}

#[test]
fn every_workload_sends_valid_transactions() {
    for module in [
        "find_entities.js",
        "power_data.js",
        "power_balance.js",
        "consumer_tarrif.js",
        "optimisation_handler.js",
    ] {
        let config = bench(
            3,
            "txNumber: 60",
            "{type: fixed-rate, opts: {tps: 30}}",
            module,
        );
        let report = run_on(&config, "instant", 1);
        let round = &report.rounds[0];
        assert_eq!((round.succ, round.fail), (60, 0), "{module}");
        assert!(
            report
                .transactions
                .iter()
                .all(|t| t.record.gas_used > 21_000)
        );
    }
}

#[test]
fn invalid_every_forces_reverts_counted_as_failures() {
    let text = "test:\n  name: t\n  rounds:\n    - label: r\n      txNumber: 30\n      workload: {module: power_data.js, arguments: {invalidEvery: 3}}\n";
    let config = BenchmarkConfig::parse_str(text, "t.yaml").unwrap();
    let report = run_on(&config, "instant", 1);
    let round = &report.rounds[0];
    assert_eq!((round.succ, round.fail), (20, 10));
    let reasons: Vec<&str> = report
        .transactions
        .iter()
        .filter_map(|t| t.record.revert_reason.as_deref())
        .collect();
    assert_eq!(reasons.len(), 10);
    assert!(
        reasons.iter().all(|r| r.contains("WrongEntity")),
        "{reasons:?}"
    );
    // A reverted transaction is still mined and pays for its gas, as on Ethereum.
    for t in report
        .transactions
        .iter()
        .filter(|t| t.record.status == TransactionStatus::Fail)
    {
        assert!(t.record.gas_used > 21_000 && t.record.block > 0, "{t:?}");
    }
}

#[test]
fn same_seed_same_transactions() {
    let config = bench(
        4,
        "txNumber: 120",
        "{type: fixed-rate, opts: {tps: 20}}",
        "tariff.js",
    );
    let a = run_on(&config, "interval-2s", 7);
    let b = run_on(&config, "interval-2s", 7);
    assert_eq!(a.transactions, b.transactions);
    assert_eq!(a.rounds, b.rounds);
    let c = run_on(&config, "ganache", 8);
    let d = run_on(&config, "ganache", 9);
    assert_ne!(c.transactions, d.transactions);
}

#[test]
fn interval_blocks_never_hold_more_than_their_gas_limit() {
    // 300 allocations (about 150k gas each, 45 M in all) in 10 s against 12 s blocks of 10 M
    // gas: the first blocks fill up and the rest wait for later blocks.
    let config = bench(
        10,
        "txDuration: 10",
        "{type: fixed-rate, opts: {tps: 30}}",
        "optimisation.js",
    );
    let mut profile = ChainProfile::builtin("interval-12s").unwrap();
    let limit = 10_000_000;
    profile.chain.gas_limit_per_block = limit;
    let report = run(&config, &profile, &bundled_scenario(), 1).unwrap();
    let mut gas_per_block = std::collections::BTreeMap::new();
    for t in &report.transactions {
        *gas_per_block.entry(t.record.block).or_insert(0) += t.record.gas_used;
    }
    let largest_tx = report
        .transactions
        .iter()
        .map(|t| t.record.gas_used)
        .max()
        .unwrap();
    assert!(gas_per_block.len() >= 3, "{gas_per_block:?}");
    assert!(
        gas_per_block.values().all(|&gas| gas <= limit),
        "{gas_per_block:?}"
    );
    // Every block but the last is full: the next allocation did not fit.
    let blocks: Vec<u64> = gas_per_block.values().copied().collect();
    for gas in &blocks[..blocks.len() - 1] {
        assert!(gas + largest_tx > limit, "{blocks:?}");
    }
    assert_eq!((report.rounds[0].succ, report.rounds[0].fail), (300, 0));
}

#[test]
fn a_duration_round_stops_at_the_transaction_limit_with_a_user_error() {
    let config = bench(
        2,
        "txDuration: 100",
        "{type: fixed-rate, opts: {tps: 10}}",
        "find_entities.js",
    );
    let profile = ChainProfile::builtin("ganache").unwrap();
    let error = run_within(&config, &profile, &bundled_scenario(), 1, 25).unwrap_err();
    assert!(error.is_user_error());
    assert_eq!(
        error.to_string(),
        "round `r`: reached the limit of 25 transactions in a benchmark (each is kept for the \
         report); shorten its txDuration or lower its rate"
    );
    // Within the limit the round runs whole: 10 TPS for 100 s.
    let report = run_within(&config, &profile, &bundled_scenario(), 1, 1000).unwrap();
    assert_eq!(report.transactions.len(), 1000);
}

#[test]
fn worker_and_transaction_counts_are_bounded_by_the_configuration() {
    let text = |workers: &str, length: &str| {
        format!(
            "test:\n  name: t\n  workers: {{number: {workers}}}\n  rounds:\n    - label: r\n      {length}\n      workload: {{module: tariff.js}}\n"
        )
    };
    let error = |workers, length| {
        BenchmarkConfig::parse_str(&text(workers, length), "b.yaml")
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        error("100000000", "txNumber: 10"),
        "b.yaml: test.workers.number: must be at most 10000, got 100000000"
    );
    assert_eq!(
        error("4", "txNumber: 1000000000"),
        "b.yaml: test.rounds[0].txNumber: 1000000000 brings the benchmark to 1000000000 \
         transactions, more than the 100000 it may send in all rounds"
    );
    assert_eq!(
        error("4", "txDuration: 1e9"),
        "b.yaml: test.rounds[0].txDuration: 1000000000 s is longer than a round may last \
         (10000000 s)"
    );
}
