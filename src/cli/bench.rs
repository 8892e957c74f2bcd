//! `blackstart bench`: a Hyperledger Caliper benchmark configuration run against the simulated
//! chain node; Caliper's result table on stdout, reports in the output directory.

use super::{EXIT_BAD_INPUT, EXIT_FAILURE, Failure, Format, json};
use blackstart::caliper::{self, BenchmarkConfig, CaliperError, ChainProfile};
use blackstart::output::Provenance;
use blackstart::scenario::{self, Scenario};
use std::path::PathBuf;

/// Arguments of `blackstart bench`.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Caliper benchmark configuration (YAML), e.g. scenarios/caliper-fig12.yaml.
    config: PathBuf,
    /// Chain profile: a bundled one (ganache, instant, interval-2s, interval-12s) or a YAML
    /// file with a `chain:` section.
    #[arg(long, default_value = caliper::DEFAULT_PROFILE)]
    chain: String,
    /// Scenario whose entities and tariffs the workloads use (default: the bundled campus13).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Seed of the random draws (default: the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Output directory for report.html, report.md and transactions.parquet (default:
    /// results/bench/<test name>/).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

impl From<CaliperError> for Failure {
    fn from(error: CaliperError) -> Self {
        let exit_code = if error.is_user_error() {
            EXIT_BAD_INPUT
        } else {
            EXIT_FAILURE
        };
        Failure {
            error: error.into(),
            exit_code,
        }
    }
}

pub(super) fn run(args: Args) -> Result<String, Failure> {
    let config = BenchmarkConfig::load(&args.config)?;
    let profile = ChainProfile::resolve(&args.chain)?;
    let scenario: Scenario = match &args.scenario {
        Some(path) => scenario::load(path)?,
        None => caliper::bundled_scenario(),
    };
    let seed = args.seed.unwrap_or(scenario.seed);
    let dir = args
        .out
        .unwrap_or_else(|| super::default_out(&["bench"], &config.test.name));
    super::check_out_dir(&dir)?;
    let report = caliper::run(&config, &profile, &scenario, seed)?;
    let provenance = Provenance::new(&scenario, 0, 0)
        .with("benchmark", config.test.name.clone())
        .with("chain_profile", profile.name.clone())
        .with("seed", seed.to_string());
    caliper::report::write_all(&report, &dir, &provenance)?;
    match args.format {
        Format::Json => json(&report),
        Format::Table => Ok(format!(
            "{}reports: {}\n",
            caliper::report::text(&report),
            dir.display()
        )),
    }
}
