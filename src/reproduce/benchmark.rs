//! Table 8, the paper's Hyperledger Caliper benchmark (§VIII.B, docs/model.md §8), rerun with
//! `blackstart bench` on the simulated chain node: the five functions in Fig. 12's 10 s rounds
//! and with Table 8's transaction counts on the `ganache` profile, and the same rounds on chains
//! with 2 s and 12 s blocks.

use super::ReproduceError;
use super::comparison::{Paper, Printed, Row, Section};
use super::paper::{self, reasons};
use crate::caliper::{self, BenchReport, BenchmarkConfig, ChainProfile, RoundSummary};
use crate::output::Provenance;
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

/// The bundled configuration of Fig. 12's 10 s rounds, one per function.
pub const TEN_SECOND_ROUNDS: &str = "caliper-paper-10s.yaml";
/// The bundled configuration with Table 8's transaction counts.
pub const TABLE_8_COUNTS: &str = "caliper-paper.yaml";
/// The profile that models the paper's Ganache node.
const GANACHE: &str = "ganache";
/// Profiles with a fixed block time, for the rounds of Fig. 12.
const BLOCK_INTERVAL_PROFILES: [&str; 2] = ["interval-2s", "interval-12s"];

/// One benchmark as run: its configuration file, profile and report.
#[derive(Debug, Clone)]
pub struct Benchmark {
    /// The configuration's file name.
    pub config: String,
    /// The chain profile.
    pub profile: String,
    /// The results.
    pub report: BenchReport,
    /// Where its report.html, report.md and transactions.parquet went.
    pub dir: PathBuf,
}

/// Every benchmark Table 8's comparison needs.
#[derive(Debug, Clone)]
pub struct Benchmarks {
    /// Fig. 12's 10 s rounds on `ganache`.
    pub ten_second: Benchmark,
    /// Table 8's counts on `ganache`.
    pub table_8_counts: Benchmark,
    /// Fig. 12's 10 s rounds on each block-interval profile.
    pub block_intervals: Vec<Benchmark>,
}

impl Benchmarks {
    /// Runs them with `scenario`'s entities, tariffs and seed, writing each one's reports to
    /// `out/<config>-<profile>/`.
    pub fn run(scenarios: &Path, scenario: &Scenario, out: &Path) -> Result<Self, ReproduceError> {
        let run = |config, profile| run_one(scenarios, config, profile, scenario, out);
        Ok(Benchmarks {
            ten_second: run(TEN_SECOND_ROUNDS, GANACHE)?,
            table_8_counts: run(TABLE_8_COUNTS, GANACHE)?,
            block_intervals: BLOCK_INTERVAL_PROFILES
                .iter()
                .map(|profile| run(TEN_SECOND_ROUNDS, profile))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The report directories, in the order the benchmarks ran.
    pub fn dirs(&self) -> impl Iterator<Item = &Path> {
        [&self.ten_second, &self.table_8_counts]
            .into_iter()
            .chain(&self.block_intervals)
            .map(|b| b.dir.as_path())
    }
}

fn run_one(
    scenarios: &Path,
    config_file: &str,
    profile_name: &str,
    scenario: &Scenario,
    out: &Path,
) -> Result<Benchmark, ReproduceError> {
    let config = BenchmarkConfig::load(&scenarios.join(config_file))?;
    let profile = ChainProfile::builtin(profile_name)
        .expect("the bundled chain profiles include those reproduce uses");
    let report = caliper::run(&config, &profile, scenario, scenario.seed)?;
    let stem = config_file.trim_end_matches(".yaml");
    let dir = out.join(format!("{stem}-{profile_name}"));
    let provenance = Provenance::new(scenario, 0, 0)
        .with("benchmark", config.test.name.clone())
        .with("chain_profile", profile.name.clone())
        .with("seed", scenario.seed.to_string());
    caliper::report::write_all(&report, &dir, &provenance)?;
    Ok(Benchmark {
        config: config_file.into(),
        profile: profile_name.into(),
        report,
        dir,
    })
}

/// Table 8 against `benchmark`'s rounds, one per function, on the `ganache` profile. The
/// transaction counts are inputs (the configuration's) and the throughputs fitted (the
/// profile's service times are 1/X); the latencies are the model's own.
pub fn table_8_section(title: &str, benchmark: &Benchmark) -> Section {
    let mut section = Section::new(
        title,
        "Table 8 (§VIII.B), fixed-rate 20 TPS over 10 local workers (Fig. 12)",
        format!(
            "`blackstart bench scenarios/{} --chain {}` (seed {}; reports in `{}`)",
            benchmark.config,
            benchmark.profile,
            benchmark.report.seed,
            benchmark.dir.display()
        ),
    );
    let mut latencies_s = Vec::new();
    // (transactions, throughput) per round, for Table 8's transaction-weighted total.
    let mut throughputs_tps = Vec::new();
    let counts_from = if benchmark.config == TABLE_8_COUNTS {
        "the benchmark's configuration sets each round to Table 8's count"
    } else {
        "Fig. 12's rounds, 10 s at a fixed 20 TPS, set the count"
    };
    for published in &paper::TABLE_8 {
        let Some(round) = benchmark
            .report
            .rounds
            .iter()
            .find(|r| r.function.name() == published.function)
        else {
            continue;
        };
        let name = published.function;
        let transactions = round.succ + round.fail;
        section.rows.push(
            Row::number(
                format!("{name} transactions"),
                Paper::Number(Printed::new(published.transactions as f64, 0)),
                transactions as f64,
                0,
            )
            .fitted(counts_from)
            .because(reasons::TABLE_8_COUNTS),
        );
        if let (Some(latency_s), Some(throughput_tps)) = (round.avg_latency_s, round.throughput_tps)
        {
            latencies_s.push(latency_s);
            throughputs_tps.push((transactions as f64, throughput_tps));
            section.rows.push(
                Row::number(
                    format!("{name} avg latency (s)"),
                    Paper::Number(Printed::new(published.latency_s, 2)),
                    latency_s,
                    2,
                )
                .because(queueing_reason(round, throughput_tps)),
            );
            section.rows.push(
                Row::number(
                    format!("{name} throughput (TPS)"),
                    Paper::Number(Printed::new(published.throughput_tps, 2)),
                    throughput_tps,
                    2,
                )
                .close_within(THROUGHPUT_TOLERANCE_TPS, reasons::TABLE_8_THROUGHPUT)
                .because(reasons::TABLE_8_THROUGHPUT)
                .fitted(FITTED_THROUGHPUT),
            );
        }
        if let Some(p95_s) = round.p95_latency_s {
            section.rows.push(Row::number(
                format!("{name} p95 latency (s)"),
                Paper::NotPublished,
                p95_s,
                2,
            ));
        }
    }
    if !latencies_s.is_empty() {
        section.rows.push(
            Row::number(
                "Total: latency, plain mean of the five (s)",
                Paper::Number(paper::TABLE_8_AVERAGE_LATENCY_S),
                mean(&latencies_s),
                2,
            )
            .close_within(AVERAGE_LATENCY_TOLERANCE_S, reasons::TABLE_8_AVERAGE)
            .because(reasons::TABLE_8_AVERAGE),
        );
        section.rows.push(
            Row::number(
                "Total: throughput, transaction-weighted mean (TPS)",
                Paper::Number(paper::TABLE_8_AVERAGE_THROUGHPUT_TPS),
                weighted_mean(&throughputs_tps),
                2,
            )
            .close_within(THROUGHPUT_TOLERANCE_TPS, reasons::TABLE_8_THROUGHPUT)
            .because(reasons::TABLE_8_THROUGHPUT)
            .fitted(FITTED_THROUGHPUT),
        );
    }
    section.notes.push(reasons::TABLE_8_RESOURCES.into());
    section
}

/// Fig. 12's rounds on chains with fixed block times: what Table 8 would show if block time,
/// not the node's CPU, limited it (the paper gives no such figures).
pub fn block_interval_section(benchmarks: &Benchmarks) -> Section {
    let mut section = Section::new(
        "Table 8's rounds on chains with 2 s and 12 s blocks",
        "none: the paper benchmarks only its Ganache chain",
        format!(
            "`blackstart bench scenarios/{TEN_SECOND_ROUNDS} --chain P` for P = ganache, {}",
            BLOCK_INTERVAL_PROFILES.join(", ")
        ),
    );
    for benchmark in std::iter::once(&benchmarks.ten_second).chain(&benchmarks.block_intervals) {
        let rounds = &benchmark.report.rounds;
        let of = |field: fn(&RoundSummary) -> Option<f64>| {
            mean(&rounds.iter().filter_map(field).collect::<Vec<_>>())
        };
        let profile = &benchmark.profile;
        section.rows.extend([
            Row::number(
                format!("{profile}: average latency (s)"),
                Paper::NotPublished,
                of(|r| r.avg_latency_s),
                2,
            ),
            Row::number(
                format!("{profile}: average p99 latency (s)"),
                Paper::NotPublished,
                of(|r| r.p99_latency_s),
                2,
            ),
            Row::number(
                format!("{profile}: average throughput (TPS)"),
                Paper::NotPublished,
                of(|r| r.throughput_tps),
                2,
            ),
        ]);
    }
    section.notes.push(reasons::BLOCK_INTERVALS.into());
    section
}

/// How Table 8's throughputs enter the `ganache` profile.
const FITTED_THROUGHPUT: &str = "the ganache profile's service time per function is 1/X, with \
                                 X Table 8's throughput";

/// A difference of throughput, TPS, within the service times' random spread.
const THROUGHPUT_TOLERANCE_TPS: f64 = 0.5;
/// A difference of the average latency, s, that the per-function service times (fitted to
/// throughput alone) leave.
const AVERAGE_LATENCY_TOLERANCE_S: f64 = 0.5;

/// Why a round's latency is what it is: the wait of `N` transactions sent at 20 TPS to a node
/// that serves `X` per second, `(N/2)(1/X − 1/20)`, with the round's own send rate for 20.
fn queueing_reason(round: &RoundSummary, capacity_tps: f64) -> String {
    let sent = (round.succ + round.fail) as f64;
    let send_rate_tps = round.send_rate_tps.unwrap_or(paper::TABLE_8_SEND_RATE_TPS);
    let expected_s = (sent / 2.0) * (1.0 / capacity_tps - 1.0 / send_rate_tps).max(0.0);
    format!(
        "a node of capacity X = {capacity_tps:.2} TPS sent N = {sent:.0} transactions at S = \
         {send_rate_tps:.1} TPS queues them for (N/2)(1/X − 1/S) ≈ {expected_s:.2} s on average; \
         the paper's latencies do not follow from its own throughputs and counts (docs/model.md §8)"
    )
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The mean of `(weight, value)` pairs weighted by their weights.
fn weighted_mean(pairs: &[(f64, f64)]) -> f64 {
    let weight: f64 = pairs.iter().map(|(w, _)| w).sum();
    pairs.iter().map(|(w, v)| w * v).sum::<f64>() / weight
}
