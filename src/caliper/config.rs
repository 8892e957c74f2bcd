//! Hyperledger Caliper benchmark configurations, read as Caliper users write them: `test.name`,
//! `test.description`, `test.workers`, `test.rounds[]` (label, description, `txNumber` or
//! `txDuration`, `rateControl`, `workload`) and `monitors` (accepted, not used: blackstart
//! reports its own process's resources instead).
//!
//! Each round's workload is one of the paper's five contract functions, recognised from the
//! workload module's file name or the round label (`consumer_tarrif.js` → TariffComputation).

use super::CaliperError;
use crate::ledger::Function;
use crate::yaml::{self, YamlError};
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::BTreeMap;
use std::path::Path;

/// A whole Caliper benchmark configuration file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkConfig {
    /// The benchmark: its name, workers and rounds.
    pub test: Test,
    /// Caliper's resource monitors (docker, process, prometheus): accepted so that real
    /// configurations load, but not used — the chain is simulated, so there is no container or
    /// node process to watch.
    #[serde(default)]
    pub monitors: Option<IgnoredAny>,
}

/// The `test` section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Test {
    /// The benchmark's name (also the default output directory's name).
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// The workers that submit the transactions.
    #[serde(default)]
    pub workers: Workers,
    /// The rounds, run one after the other.
    pub rounds: Vec<Round>,
    /// Monitors nested under `test` (as the paper's Fig. 12 has them): accepted, not used.
    #[serde(default)]
    pub monitors: Option<IgnoredAny>,
}

/// The `test.workers` section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workers {
    /// `local` or `remote`; both are simulated workers here.
    #[serde(default = "local", rename = "type")]
    pub kind: String,
    /// Number of workers sharing each round's load (Caliper's default: 1).
    #[serde(default = "one")]
    pub number: u32,
}

impl Default for Workers {
    fn default() -> Self {
        Workers {
            kind: local(),
            number: one(),
        }
    }
}

fn local() -> String {
    "local".into()
}

fn one() -> u32 {
    1
}

/// One round of `test.rounds`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Round {
    /// The round's name in the report.
    pub label: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Transactions to send in all (split evenly among the workers, as Caliper does).
    #[serde(default)]
    pub tx_number: Option<u64>,
    /// How long each worker sends, s.
    #[serde(default)]
    pub tx_duration: Option<f64>,
    /// How fast the workers send (Caliper's default: `fixed-rate` at 10 TPS).
    #[serde(default)]
    pub rate_control: RateControl,
    /// What the workers send.
    pub workload: Workload,
}

/// When a round stops sending.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, Deserialize)]
pub enum RoundLength {
    /// Each worker sends this many transactions (Caliper: ⌊txNumber / workers⌋, at least 1).
    TransactionsPerWorker(u64),
    /// Each worker sends while this many seconds have not passed since its start.
    DurationS(f64),
}

impl Round {
    /// When the round stops sending, with `workers` workers. A transaction is sent only if
    /// its time falls inside a `txDuration` round (Caliper checks the clock before it sleeps,
    /// so a real Caliper worker may send one more at the very end).
    pub fn length(&self, workers: u32) -> RoundLength {
        match (self.tx_number, self.tx_duration) {
            (Some(n), _) => RoundLength::TransactionsPerWorker((n / u64::from(workers)).max(1)),
            (None, Some(d)) => RoundLength::DurationS(d),
            (None, None) => unreachable!("validated: a round has txNumber or txDuration"),
        }
    }

    /// The contract function this round's workload calls: from the workload module's file
    /// name, else from the label.
    pub fn function(&self) -> Result<Function, String> {
        let module = Path::new(&self.workload.module)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        workload_function(&module)
            .or_else(|| workload_function(&self.label))
            .ok_or_else(|| {
                let known: Vec<&str> = Function::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown workload `{}` (label `{}`): known workloads are {} \
                     (matched by module file name or label, case, `_` and `-` ignored)",
                    self.workload.module,
                    self.label,
                    known.join(", ")
                )
            })
    }
}

/// `rateControl`: one of Caliper's rate controllers with its `opts`, defaults as in Caliper.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "type", content = "opts", rename_all = "kebab-case")]
pub enum RateControl {
    /// Sends at a fixed rate.
    FixedRate(FixedRate),
    /// A fixed rate that backs off while too many transactions are unfinished.
    FixedFeedbackRate(FixedFeedbackRate),
    /// Keeps a fixed number of transactions unfinished.
    FixedLoad(FixedLoad),
    /// A rate that changes linearly from start to finish of the round.
    LinearRate(LinearRate),
    /// Steps the rate up while throughput grows, and back down when it stops growing.
    MaximumRate(MaximumRate),
}

impl Default for RateControl {
    fn default() -> Self {
        RateControl::FixedRate(FixedRate::default())
    }
}

/// `fixed-rate` opts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FixedRate {
    /// Rate of all workers together, TPS (default 10).
    pub tps: f64,
}

impl Default for FixedRate {
    fn default() -> Self {
        FixedRate { tps: 10.0 }
    }
}

/// `fixed-feedback-rate` opts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct FixedFeedbackRate {
    /// Rate of all workers together, TPS (default 10).
    pub tps: f64,
    /// Unfinished transactions of all workers together above which workers back off (default 10).
    pub transaction_load: f64,
    /// Back-off unit, ms (default 100).
    pub sleep_time: f64,
}

impl Default for FixedFeedbackRate {
    fn default() -> Self {
        FixedFeedbackRate {
            tps: 10.0,
            transaction_load: 10.0,
            sleep_time: 100.0,
        }
    }
}

/// `fixed-load` opts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct FixedLoad {
    /// Rate until the first transaction finishes, TPS of all workers (default 5).
    pub start_tps: f64,
    /// Unfinished transactions to keep, all workers together (default 10).
    pub transaction_load: f64,
}

impl Default for FixedLoad {
    fn default() -> Self {
        FixedLoad {
            start_tps: 5.0,
            transaction_load: 10.0,
        }
    }
}

/// `linear-rate` opts (no defaults in Caliper).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LinearRate {
    /// Rate at the start, TPS of all workers.
    pub starting_tps: f64,
    /// Rate at the end, TPS of all workers.
    pub finishing_tps: f64,
}

/// `maximum-rate` opts.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default, rename_all = "camelCase")]
pub struct MaximumRate {
    /// Starting rate, TPS of all workers (default 5).
    pub tps: f64,
    /// Rate step, TPS of all workers (default 5; halves at every step down).
    pub step: f64,
    /// How long each rate is kept before it is assessed, s (default 10).
    pub sample_interval: f64,
    /// Whether failed transactions count as throughput (default true; Caliper 0.6 treats
    /// `false` as true too — blackstart honours it).
    pub include_failed: bool,
}

impl Default for MaximumRate {
    fn default() -> Self {
        MaximumRate {
            tps: 5.0,
            step: 5.0,
            sample_interval: 10.0,
            include_failed: true,
        }
    }
}

impl RateControl {
    /// Caliper's name of the controller.
    pub fn kind(&self) -> &'static str {
        match self {
            RateControl::FixedRate(_) => "fixed-rate",
            RateControl::FixedFeedbackRate(_) => "fixed-feedback-rate",
            RateControl::FixedLoad(_) => "fixed-load",
            RateControl::LinearRate(_) => "linear-rate",
            RateControl::MaximumRate(_) => "maximum-rate",
        }
    }

    /// The rate the controller starts at, TPS of all workers.
    pub fn initial_tps(&self) -> f64 {
        match self {
            RateControl::FixedRate(o) => o.tps,
            RateControl::FixedFeedbackRate(o) => o.tps,
            RateControl::FixedLoad(o) => o.start_tps,
            RateControl::LinearRate(o) => o.starting_tps,
            RateControl::MaximumRate(o) => o.tps,
        }
    }

    /// One line for reports, e.g. `fixed-rate (tps 20)`.
    pub fn summary(&self) -> String {
        let opts = match self {
            RateControl::FixedRate(o) => format!("tps {}", o.tps),
            RateControl::FixedFeedbackRate(o) => format!(
                "tps {}, transactionLoad {}, sleepTime {} ms",
                o.tps, o.transaction_load, o.sleep_time
            ),
            RateControl::FixedLoad(o) => {
                format!(
                    "startTps {}, transactionLoad {}",
                    o.start_tps, o.transaction_load
                )
            }
            RateControl::LinearRate(o) => format!(
                "startingTps {}, finishingTps {}",
                o.starting_tps, o.finishing_tps
            ),
            RateControl::MaximumRate(o) => format!(
                "tps {}, step {}, sampleInterval {} s, includeFailed {}",
                o.tps, o.step, o.sample_interval, o.include_failed
            ),
        };
        format!("{} ({opts})", self.kind())
    }

    /// Positive, finite options; the failure names the option.
    fn check(&self) -> Result<(), (String, String)> {
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err((format!("opts.{name}"), format!("must be > 0, got {v}")))
            }
        };
        match self {
            RateControl::FixedRate(o) => positive("tps", o.tps),
            RateControl::FixedFeedbackRate(o) => {
                positive("tps", o.tps)?;
                positive("transactionLoad", o.transaction_load)?;
                positive("sleepTime", o.sleep_time)
            }
            RateControl::FixedLoad(o) => {
                positive("startTps", o.start_tps)?;
                positive("transactionLoad", o.transaction_load)
            }
            RateControl::LinearRate(o) => {
                positive("startingTps", o.starting_tps)?;
                positive("finishingTps", o.finishing_tps)
            }
            RateControl::MaximumRate(o) => {
                positive("tps", o.tps)?;
                positive("step", o.step)?;
                positive("sampleInterval", o.sample_interval)
            }
        }
    }
}

/// A round's `workload`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// The Caliper workload module's path; only its file name matters here.
    pub module: String,
    /// The module's arguments.
    #[serde(default)]
    pub arguments: Arguments,
}

/// `workload.arguments`: the ones blackstart's workloads use; any other is accepted and
/// listed as ignored.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Arguments {
    /// How many of the scenario's entities the transactions cycle over (default: all that
    /// fit the function).
    #[serde(default)]
    pub assets: Option<u64>,
    /// blackstart's own: every n-th transaction is made invalid on purpose (it addresses no
    /// entity, or no reading), so the contract reverts it and the round shows failures.
    #[serde(default)]
    pub invalid_every: Option<u64>,
    /// Arguments blackstart does not use (e.g. `contractId`).
    #[serde(flatten)]
    pub other: BTreeMap<String, IgnoredAny>,
}

/// Names (normalised: lower case, no `_`, `-`, `.` or spaces) that select each function.
const ALIASES: [(Function, &[&str]); 5] = [
    (
        Function::FindEntities,
        &[
            "findentities",
            "findentity",
            "entities",
            "registerentity",
            "registerentities",
            "register",
        ],
    ),
    (
        Function::PowerData,
        &[
            "powerdata",
            "postreading",
            "readings",
            "reading",
            "meterdata",
        ],
    ),
    (
        Function::PowerBalance,
        &["powerbalance", "balance", "energybalance", "computebalance"],
    ),
    (
        Function::TariffComputation,
        &[
            "tariffcomputation",
            "tariff",
            "tarrif",
            "consumertariff",
            "consumertarrif",
            "prosumertariff",
            "computetariff",
        ],
    ),
    (
        Function::OptimisationHandler,
        &[
            "optimisationhandler",
            "optimizationhandler",
            "optimisation",
            "optimization",
            "optimiser",
            "optimizer",
            "allocation",
            "recordallocation",
        ],
    ),
];

/// The function a workload name selects, if any (case, `_`, `-`, `.` and spaces ignored).
pub fn workload_function(name: &str) -> Option<Function> {
    let key: String = name
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect();
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|(function, _)| *function)
}

impl BenchmarkConfig {
    /// Reads and checks the configuration in `path`.
    pub fn load(path: &Path) -> Result<Self, CaliperError> {
        let (text, file) = yaml::read_file(path, "file")?;
        Self::parse_str(&text, &file)
    }

    /// Parses and checks configuration text; `file` names it in errors.
    pub fn parse_str(text: &str, file: &str) -> Result<Self, CaliperError> {
        let config: BenchmarkConfig = yaml::parse(text, file)?;
        config
            .check()
            .map_err(|(field, message)| YamlError::invalid(file, field, message))?;
        Ok(config)
    }

    /// Whether the file had a `monitors` section, at the top or under `test` (accepted and
    /// ignored).
    pub fn has_monitors(&self) -> bool {
        self.monitors.is_some() || self.test.monitors.is_some()
    }

    /// Semantic checks; the failure is (field path, message).
    fn check(&self) -> Result<(), (String, String)> {
        let t = &self.test;
        if t.name.trim().is_empty() {
            return Err(("test.name".into(), "must not be empty".into()));
        }
        if t.workers.number == 0 {
            return Err(("test.workers.number".into(), "must be >= 1".into()));
        }
        check_sizes(t)?;
        if t.rounds.is_empty() {
            return Err(("test.rounds".into(), "needs at least one round".into()));
        }
        for (i, round) in t.rounds.iter().enumerate() {
            let at = |field: &str| format!("test.rounds[{i}]{field}");
            match (round.tx_number, round.tx_duration) {
                (None, None) => {
                    return Err((at(""), "needs txNumber or txDuration".into()));
                }
                (Some(_), Some(_)) => {
                    return Err((at(""), "set txNumber or txDuration, not both".into()));
                }
                (Some(0), None) => return Err((at(".txNumber"), "must be >= 1".into())),
                (None, Some(d)) if !(d.is_finite() && d > 0.0) => {
                    return Err((at(".txDuration"), format!("must be > 0, got {d}")));
                }
                _ => {}
            }
            round
                .rate_control
                .check()
                .map_err(|(field, message)| (at(&format!(".rateControl.{field}")), message))?;
            super::rate::check_pace(
                &round.rate_control,
                t.workers.number,
                round.length(t.workers.number),
            )
            .map_err(|(field, message)| (at(&format!(".{field}")), message))?;
            let args = &round.workload.arguments;
            for (name, value) in [
                ("assets", args.assets),
                ("invalidEvery", args.invalid_every),
            ] {
                if value == Some(0) {
                    return Err((
                        at(&format!(".workload.arguments.{name}")),
                        "must be >= 1".into(),
                    ));
                }
            }
            round
                .function()
                .map_err(|message| (at(".workload.module"), message))?;
        }
        Ok(())
    }
}

/// Most workers a benchmark may have (Caliper deployments run tens).
pub const MAX_WORKERS: u32 = 10_000;
/// Most transactions a benchmark may send in all rounds together: each is kept in memory for
/// the report and `transactions.parquet`, with the chain state it leaves (about 4 KB a
/// transaction, so some 400 MB at this limit).
pub const MAX_TRANSACTIONS: u64 = 100_000;

/// Sizes the machine must hold: workers, the transactions of `txNumber` rounds (as Caliper
/// splits them: at least one per worker) and `txDuration`. A `txDuration` round's count
/// depends on the node, so the driver stops it at what is left of [`MAX_TRANSACTIONS`].
fn check_sizes(t: &Test) -> Result<(), (String, String)> {
    let workers = t.workers.number;
    if workers > MAX_WORKERS {
        return Err((
            "test.workers.number".into(),
            format!("must be at most {MAX_WORKERS}, got {workers}"),
        ));
    }
    let mut total = 0u64;
    for (i, round) in t.rounds.iter().enumerate() {
        if let Some(n) = round.tx_number {
            let sent = n.max(u64::from(workers));
            total = total.saturating_add(sent);
            if total > MAX_TRANSACTIONS {
                return Err((
                    format!("test.rounds[{i}].txNumber"),
                    format!(
                        "{n} brings the benchmark to {total} transactions, more than the \
                         {MAX_TRANSACTIONS} it may send in all rounds"
                    ),
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIG12: &str = include_str!("../../scenarios/caliper-fig12.yaml");

    fn error(text: &str) -> String {
        BenchmarkConfig::parse_str(text, "b.yaml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn figure_12_loads_unchanged() {
        let config = BenchmarkConfig::parse_str(FIG12, "fig12.yaml").unwrap();
        assert_eq!(config.test.name, "flir");
        assert_eq!(config.test.workers.number, 10);
        assert!(config.has_monitors());
        let round = &config.test.rounds[0];
        assert_eq!(round.function(), Ok(Function::TariffComputation));
        assert_eq!(round.length(10), RoundLength::DurationS(10.0));
        assert_eq!(
            round.rate_control,
            RateControl::FixedRate(FixedRate { tps: 20.0 })
        );
        assert_eq!(round.workload.arguments.assets, Some(10));
        assert!(round.workload.arguments.other.contains_key("contractId"));
    }

    #[test]
    fn workload_names_are_matched_tolerantly() {
        for (name, function) in [
            ("consumer_tarrif", Function::TariffComputation),
            ("Power-Data", Function::PowerData),
            ("find_entities", Function::FindEntities),
            ("OPTIMIZATION", Function::OptimisationHandler),
            ("powerBalance", Function::PowerBalance),
        ] {
            assert_eq!(workload_function(name), Some(function), "{name}");
        }
        assert_eq!(workload_function("transfer"), None);
    }

    fn one_round(round: &str) -> String {
        format!("test:\n  name: t\n  workers: {{number: 4}}\n  rounds:\n    - label: r\n{round}")
    }

    #[test]
    fn an_unknown_workload_lists_the_known_ones() {
        let e = error(&one_round(
            "      txNumber: 10\n      workload: {module: benchmarks/transfer.js}\n",
        ));
        assert!(
            e.starts_with("b.yaml: test.rounds[0].workload.module: unknown workload"),
            "{e}"
        );
        for f in Function::ALL {
            assert!(e.contains(f.name()), "{e}");
        }
    }

    #[test]
    fn bad_fields_are_named() {
        let e = error(&one_round(
            "      txNumber: 10\n      rateControl: {type: fixed-rate, opts: {tps: 0}}\n      workload: {module: tariff.js}\n",
        ));
        assert_eq!(
            e,
            "b.yaml: test.rounds[0].rateControl.opts.tps: must be > 0, got 0"
        );
        let e = error(&one_round("      workload: {module: tariff.js}\n"));
        assert_eq!(e, "b.yaml: test.rounds[0]: needs txNumber or txDuration");
        let e = error(&one_round(
            "      txNumber: 10\n      rateControl: {type: fixed-rat, opts: {tps: 5}}\n      workload: {module: tariff.js}\n",
        ));
        assert!(e.contains("test.rounds[0].rateControl"), "{e}");
        assert!(e.contains("did you mean `fixed-rate`"), "{e}");
        let e = error(&one_round(
            "      txNumber: 10\n      rateControl: {type: fixed-load, opts: {transactionLoad: -1}}\n      workload: {module: tariff.js}\n",
        ));
        assert!(
            e.ends_with("test.rounds[0].rateControl.opts.transactionLoad: must be > 0, got -1"),
            "{e}"
        );
    }

    #[test]
    fn rate_controller_defaults_follow_caliper() {
        let text = one_round(
            "      txNumber: 10\n      rateControl: {type: maximum-rate, opts: {}}\n      workload: {module: tariff.js}\n",
        );
        let config = BenchmarkConfig::parse_str(&text, "b.yaml").unwrap();
        assert_eq!(
            config.test.rounds[0].rate_control,
            RateControl::MaximumRate(MaximumRate::default())
        );
        // txNumber is split evenly, as Caliper does: ⌊10 / 4⌋ per worker.
        assert_eq!(
            config.test.rounds[0].length(4),
            RoundLength::TransactionsPerWorker(2)
        );
    }
}
