//! A Hyperledger Caliper-style benchmark of the contracts (paper §VIII.B, Fig. 12, Table 8;
//! docs/model.md §8), in simulated time.
//!
//! ```text
//! Caliper config ──BenchmarkConfig::load──▶ rounds ──┐        ChainProfile (ganache, interval-2s, …)
//!                                                    ▼              │
//!  scenario (entities, tariffs) ──deploy──▶ Chain ──Workload::prepare──▶ run_round: Driver (workers,
//!                                                    rate controllers) ⇄ ChainNode (queue, blocks, revm)
//!                                                    ▼
//!                       BenchTransaction per tx ──▶ RoundSummary (Caliper's columns + p50/p95/p99)
//!                                                    ▼
//!                       report: stdout table, report.html, report.md, transactions.parquet
//! ```
//!
//! - [`config`]: the benchmark configuration as Caliper users write it, checked with field paths.
//! - [`rate`]: Caliper's rate controllers (fixed-rate, fixed-feedback-rate, fixed-load,
//!   linear-rate, maximum-rate), per worker, with Caliper's defaults and rate split.
//! - [`profile`]: chain profiles as data, bundled ones built in.
//! - `workload`: what each of the five functions prepares and sends (always valid transactions).
//! - `driver`: one round on nexosim: the workers and the ChainNode, closed loop.
//! - `stats`: Caliper's formulas for a round's figures.
//! - [`resources`]: the blackstart process's own CPU, memory and wall time.
//! - [`report`]: the writers (text table, HTML, Markdown, Parquet).
//!
//! Each round runs on its own copy of the chain as deployed for the scenario, so rounds do not
//! depend on each other's order; times are simulated seconds since the round's start. The
//! same configuration, profile, scenario and seed give identical transactions.

pub mod config;
mod driver;
pub mod profile;
pub mod rate;
pub mod report;
pub mod resources;
mod stats;
mod workload;

pub use config::{BenchmarkConfig, MAX_TRANSACTIONS, MAX_WORKERS, RateControl, Round, RoundLength};
pub use driver::MIN_SUBMIT_GAP_S;
pub use profile::{ChainProfile, DEFAULT_PROFILE};
pub use resources::ResourceUsage;

use crate::chain::ChainError;
use crate::engine::seed::{Purpose, run_seed, stream};
use crate::entity::EntityTable;
use crate::ledger::{Function, TransactionRecord, deploy};
use crate::scenario::{ChainConfig, Scenario};
use serde::Serialize;

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum CaliperError {
    /// A configuration or profile file is unreadable or wrong; says where.
    #[error(transparent)]
    Config(#[from] crate::yaml::YamlError),
    /// `--chain` named neither a bundled profile nor a file.
    #[error("unknown chain profile `{name}`: neither a bundled profile ({known}) nor a file")]
    UnknownProfile {
        /// What was asked for.
        name: String,
        /// The bundled profiles.
        known: String,
    },
    /// The scenario lacks what a round's workload needs.
    #[error("round `{round}`: {message}")]
    Workload {
        /// The round's label.
        round: String,
        /// What is missing.
        message: String,
    },
    /// A `txDuration` round would send more transactions than a benchmark may.
    #[error(
        "round `{round}`: reached the limit of {limit} transactions in a benchmark (each is kept \
         for the report); shorten its txDuration or lower its rate"
    )]
    TooManyTransactions {
        /// The round's label.
        round: String,
        /// The benchmark's limit ([`MAX_TRANSACTIONS`]).
        limit: u64,
    },
    /// Deploying or preparing the contracts failed.
    #[error("preparing the contracts: {0}")]
    Chain(#[from] ChainError),
    /// The discrete-event engine stopped with an error.
    #[error("simulation engine: {0}")]
    Engine(String),
    /// A report could not be written.
    #[error(transparent)]
    Report(#[from] crate::output::OutputError),
}

impl CaliperError {
    /// Whether the user's input (configuration, profile, scenario) is at fault.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            CaliperError::Config(_)
                | CaliperError::UnknownProfile { .. }
                | CaliperError::Workload { .. }
                | CaliperError::TooManyTransactions { .. }
        )
    }
}

/// One transaction of a benchmark: the round and worker that sent it, and its record (times in
/// simulated seconds since the round's start).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchTransaction {
    /// The round's index in the configuration.
    pub round_index: usize,
    /// The round's label.
    pub round: String,
    /// The worker that sent it (0-based).
    pub worker: u32,
    /// The transaction.
    #[serde(flatten)]
    pub record: TransactionRecord,
}

/// One round's figures: Caliper's columns, plus latency percentiles. Rates and latencies are
/// `None` where Caliper would divide by zero or has no successful transaction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoundSummary {
    /// The round's label (Caliper's Name).
    pub name: String,
    /// The round's description.
    pub description: String,
    /// The contract function the workload called.
    pub function: Function,
    /// The rate controller with its options.
    pub rate_control: String,
    /// Successful transactions.
    pub succ: u64,
    /// Failed (reverted) transactions.
    pub fail: u64,
    /// All transactions over the span of their submissions, TPS.
    pub send_rate_tps: Option<f64>,
    /// Largest latency of a successful transaction, s.
    pub max_latency_s: Option<f64>,
    /// Smallest latency of a successful transaction, s.
    pub min_latency_s: Option<f64>,
    /// Mean latency of the successful transactions, s.
    pub avg_latency_s: Option<f64>,
    /// All transactions over first submission to last finish, TPS.
    pub throughput_tps: Option<f64>,
    /// Median latency of the successful transactions, s.
    pub p50_latency_s: Option<f64>,
    /// 95th percentile latency of the successful transactions, s.
    pub p95_latency_s: Option<f64>,
    /// 99th percentile latency of the successful transactions, s.
    pub p99_latency_s: Option<f64>,
}

/// A whole benchmark's results.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct BenchReport {
    /// `test.name`.
    pub name: String,
    /// `test.description`.
    pub description: String,
    /// Number of workers.
    pub workers: u32,
    /// The chain profile's name.
    pub chain_profile: String,
    /// The chain profile's description.
    pub chain_description: String,
    /// The node benchmarked.
    pub chain: ChainConfig,
    /// The scenario whose entities and tariffs the workloads use.
    pub scenario: String,
    /// The seed of the random draws (service times, block intervals).
    pub seed: u64,
    /// One summary per round, in configuration order.
    pub rounds: Vec<RoundSummary>,
    /// The blackstart process's resources per round, then over all rounds.
    pub resources: Vec<ResourceUsage>,
    /// What was accepted but not used, and other things a reader should know.
    pub notes: Vec<String>,
    /// Every transaction, by round then id (not in the JSON summary: see transactions.parquet).
    #[serde(skip)]
    pub transactions: Vec<BenchTransaction>,
}

/// The bundled campus testbed (`scenarios/campus13.yaml`), the default source of the
/// workloads' entities and tariffs.
pub fn bundled_scenario() -> Scenario {
    crate::scenario::parse_str(
        include_str!("../../scenarios/campus13.yaml"),
        "scenarios/campus13.yaml (built in)",
    )
    .expect("the bundled scenario is valid (tested)")
}

/// Runs every round of `config` against a node of `profile`, with the entities and tariffs of
/// `scenario`; `seed` fixes every random draw (round r uses the streams of run r of `seed`).
pub fn run(
    config: &BenchmarkConfig,
    profile: &ChainProfile,
    scenario: &Scenario,
    seed: u64,
) -> Result<BenchReport, CaliperError> {
    run_within(config, profile, scenario, seed, MAX_TRANSACTIONS)
}

/// [`run`], stopping `txDuration` rounds once the benchmark has sent `max_transactions`.
fn run_within(
    config: &BenchmarkConfig,
    profile: &ChainProfile,
    scenario: &Scenario,
    seed: u64,
    max_transactions: u64,
) -> Result<BenchReport, CaliperError> {
    let entities = EntityTable::new(scenario);
    let deployed = deploy(scenario, &entities)?.chain;
    let workers = config.test.workers.number;
    let mut rounds = Vec::new();
    let mut resources = Vec::new();
    let mut transactions = Vec::new();
    let mut notes = notes(config);
    let all = resources::Measurement::start();
    for (index, round) in config.test.rounds.iter().enumerate() {
        let measurement = resources::Measurement::start();
        let function = round.function().map_err(|message| CaliperError::Workload {
            round: round.label.clone(),
            message,
        })?;
        let length = round.length(workers);
        if let (Some(n), RoundLength::TransactionsPerWorker(each)) = (round.tx_number, length)
            && each * u64::from(workers) != n
        {
            notes.push(format!(
                "round `{}`: txNumber {n} over {workers} workers: {each} each, {} in all \
                     (Caliper's split)",
                round.label,
                each * u64::from(workers)
            ));
        }
        let mut chain = deployed.clone();
        let workload = workload::Workload::prepare(
            function,
            &round.workload.arguments,
            &entities,
            &mut chain,
            &round.label,
        )?;
        if let Some(assets) = round.workload.arguments.assets
            && assets > workload.pool_size() as u64
        {
            notes.push(format!(
                "round `{}`: assets {assets}, but scenario `{}` has {} entities {} can \
                     use: the transactions cycle over those",
                round.label,
                scenario.name,
                workload.pool_size(),
                function.name()
            ));
        }
        let setup = driver::RoundSetup {
            index,
            label: &round.label,
            control: &round.rate_control,
            workers,
            length,
            chain_config: &profile.chain,
            rng: stream(run_seed(seed, index as u64), Purpose::Chain),
            max_transactions: max_transactions.saturating_sub(transactions.len() as u64),
            limit: max_transactions,
        };
        let records = driver::run_round(setup, workload, chain)?;
        rounds.push(stats::summarise(
            &round.label,
            &round.description,
            function,
            round.rate_control.summary(),
            &records.iter().map(|t| &t.record).collect::<Vec<_>>(),
        ));
        transactions.extend(records);
        resources.push(measurement.stop(&round.label));
    }
    resources.push(all.stop("all rounds"));
    Ok(BenchReport {
        name: config.test.name.clone(),
        description: config.test.description.clone(),
        workers,
        chain_profile: profile.name.clone(),
        chain_description: profile.description.clone(),
        chain: profile.chain.clone(),
        scenario: scenario.name.clone(),
        seed,
        rounds,
        resources,
        notes,
        transactions,
    })
}

/// What the configuration holds that the benchmark does not use.
fn notes(config: &BenchmarkConfig) -> Vec<String> {
    let mut notes = Vec::new();
    if config.has_monitors() {
        notes.push(
            "monitors: accepted and ignored — the chain is simulated, so there is no container \
             or node process to monitor; the resource table shows blackstart's own process"
                .to_string(),
        );
    }
    for round in &config.test.rounds {
        let ignored: Vec<&str> = round
            .workload
            .arguments
            .other
            .keys()
            .map(String::as_str)
            .collect();
        if !ignored.is_empty() {
            notes.push(format!(
                "round `{}`: workload arguments not used: {}",
                round.label,
                ignored.join(", ")
            ));
        }
    }
    notes
}

#[cfg(test)]
mod tests;
