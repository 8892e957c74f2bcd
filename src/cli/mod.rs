//! Subcommands of `blackstart` and how their failures map to exit codes.

/// `writeln!` into a `String` report (which cannot fail).
macro_rules! outln {
    ($out:expr) => {
        $out.push('\n')
    };
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        writeln!($out, $($arg)*).expect("writing to a String cannot fail")
    }};
}

mod bench;
mod chain;
mod import;
mod island;
mod optimise;
mod reproduce;
mod run;
mod survival;
mod sweep;
mod validate;

use blackstart::plant::profile::Profiles;
use blackstart::scenario::{self, Scenario, ScenarioError};
use blackstart::sim::{RunPlan, Simulator};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};

/// Exit code of a command that ran into an internal or environment failure.
const EXIT_FAILURE: u8 = 1;
/// Exit code when the user's input (scenario file, arguments) is at fault.
const EXIT_BAD_INPUT: u8 = 2;

/// Co-simulate a microgrid through a power outage: islands, tariffs, restoration, smart
/// contracts, MTTR.
///
/// Every command reads a scenario file (YAML); `scenarios/campus13.yaml` is the paper's
/// 13-node campus testbed. Start with `blackstart validate scenarios/campus13.yaml`.
#[derive(Debug, Parser)]
#[command(name = "blackstart", version, about, long_about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a scenario file and summarise it (exit 2 and one line naming the field if it is wrong).
    Validate {
        /// Scenario file (YAML).
        file: PathBuf,
    },
    /// Apply the scenario's faults and list the islands: which are cut off from the utility, and
    /// each one's prosumers, consumers, demand, prior export, deficit, tariffs and eq. 1 balance.
    Island {
        /// Scenario file (YAML).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Allocate the extra energy each prosumer of every isolated island exports (docs/model.md §5), and
    /// what each is paid; sheds load when the island is short.
    Optimise {
        /// Scenario file (YAML).
        file: PathBuf,
        /// Model: `fair` (well-posed, unique) or `paper` (eq. 4 with eq. 13 as printed).
        /// Default: the scenario's `optimiser.model`.
        #[arg(long, value_enum)]
        model: Option<ModelArg>,
        /// Prosumers that back off (eq. 14), e.g. `P2,P4`. Default: the scenario's
        /// `optimiser.back_off`.
        #[arg(long, value_delimiter = ',')]
        exclude: Option<Vec<String>>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Contracts in the embedded EVM.
    #[command(subcommand)]
    Chain(ChainCommand),
    /// Simulate one outage end to end (meters, network, faults, RTDCCUs, contracts in revm,
    /// optimiser, relays) and report the MTTR with its breakdown, each consumer's interruption,
    /// energy not served, rewards and transactions.
    Run {
        /// Scenario file (YAML).
        file: PathBuf,
        /// Seed of the run's random draws (default: the scenario's `seed`).
        #[arg(long, conflicts_with = "sweep_run")]
        seed: Option<u64>,
        /// Replay run I of a sweep of this scenario (its Monte-Carlo draws), with its event log.
        #[arg(long = "sweep-run", value_name = "I")]
        sweep_run: Option<u64>,
        /// Write `events.parquet`, `transactions.parquet`, `interruptions.parquet` and
        /// `intervals.parquet` of the run to this directory.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Run a Monte-Carlo sweep: many outages drawn from the scenario's `monte_carlo` section, in
    /// parallel, written as Parquet tables (`runs`, `interruptions`, `allocations`, optionally
    /// `events`) under `--out`, with a summary (runs by status and failure reason, MTTR
    /// distribution, phases, customer-weighted restoration time, IEEE 1366 indices).
    Sweep(sweep::Args),
    /// Survival (REopt-style): outages started at every meter interval of a year, or at a
    /// sample stratified by month × hour of day; the probability that the island carries its
    /// critical load, and all its load, through each duration, by month and hour of day, with
    /// and without sharing: survival.parquet, summary.json and report.html under `--out`.
    Survival(survival::Args),
    /// Write a synthetic radial feeder scenario (YAML) on stdout: households (rooftop PV, home
    /// batteries, loads of 0.1–1 kWh per 15 min), laterals of up to 100 entities, faults
    /// islanding one lateral in ten, campus13's Monte-Carlo variation and the `ganache` chain
    /// profile (docs/scenario.md).
    Generate {
        /// Prosumers.
        #[arg(long)]
        prosumers: usize,
        /// Consumers.
        #[arg(long)]
        consumers: usize,
        /// Seed of the draws (and of the scenario).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Multiplies every entity energy: 1 = a house, 100 = a block of flats or a campus
        /// building.
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
    },
    /// Run a Hyperledger Caliper benchmark configuration (e.g. the paper's Fig. 12) against
    /// the simulated chain node: Caliper's table per round (Succ, Fail, Send Rate, latencies,
    /// Throughput, plus p50/p95/p99), report.html, report.md and transactions.parquet.
    Bench(bench::Args),
    /// Reproduce every result of the paper blackstart can: compare each published number with
    /// ours in DIR/comparison.md (with the reason wherever they differ), draw the paper's
    /// figures and the MTTR distribution as PNG in DIR/figures/, and keep the sweep in DIR/sweep/.
    Reproduce(reproduce::Args),
    /// Import a real feeder into a scenario file: its buses, lines, switches, transformers,
    /// loads with customer counts, PV, storage and load shapes, with a report of everything
    /// counted and dropped (docs/model.md §12).
    #[command(subcommand)]
    Import(ImportCommand),
    /// Summarise a sweep directory (all shards written so far) into DIR/summary.json.
    Summarise {
        /// The sweep's output directory.
        dir: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// `blackstart chain …` commands.
#[derive(Debug, Subcommand)]
enum ChainCommand {
    /// Deploy the contracts, run each of the paper's five functions on the scenario's data and
    /// print the gas per call.
    Gas {
        /// Scenario file (YAML).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

/// `blackstart import …` commands.
#[derive(Debug, Subcommand)]
enum ImportCommand {
    /// An OpenDSS feeder (`.dss` master file and what it redirects to), as docs/dss.md reads
    /// it; exit 2 naming the file and line when the script is malformed.
    Dss(import::DssArgs),
    /// A SimBench grid (the CSV tables of one grid code's folder), as docs/simbench.md maps
    /// it; exit 2 naming the file and line when a table is malformed.
    Simbench(import::SimbenchArgs),
}

/// Optimiser model named on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ModelArg {
    /// docs/model.md §5b: linear limits, unique least-cost allocation, load shedding.
    Fair,
    /// docs/model.md §5a: the paper's eq. 4 and eq. 13 as printed.
    Paper,
}

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Aligned text for people.
    Table,
    /// One JSON document on stdout, for scripts.
    Json,
}

/// A failed command: the message for stderr and the process exit code.
pub(crate) struct Failure {
    pub error: anyhow::Error,
    pub exit_code: u8,
}

impl From<ScenarioError> for Failure {
    fn from(error: ScenarioError) -> Self {
        Failure {
            error: error.into(),
            exit_code: EXIT_BAD_INPUT,
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure {
            error,
            exit_code: EXIT_FAILURE,
        }
    }
}

/// Parses the command line. Options read negative numbers as values, so that a count given as
/// `-5` is refused in one line naming the option, not taken for an unknown flag; so is any value
/// an option cannot take. Other argument errors, help and version exit through clap.
pub(crate) fn parse() -> Result<Cli, Failure> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    use clap::{CommandFactory, FromArgMatches};
    let matches = negative_values(Cli::command()).try_get_matches();
    let error = match matches.and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => return Ok(cli),
        Err(error) => error,
    };
    if !matches!(
        error.kind(),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation
    ) {
        error.exit()
    }
    // A value the option cannot take: one line, naming the option.
    let message = match (
        error.get(ContextKind::InvalidArg),
        error.get(ContextKind::InvalidValue),
    ) {
        (Some(ContextValue::String(arg)), Some(ContextValue::String(value)))
            if value.starts_with('-') =>
        {
            format!("{arg}: must be a whole number >= 0, got {value}")
        }
        _ => {
            let rendered = error.render().to_string();
            let first = rendered.lines().next().unwrap_or_default();
            let first = first.strip_prefix("error: ").unwrap_or(first);
            match error.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(valid)) => {
                    format!("{first} (possible values: {})", valid.join(", "))
                }
                _ => first.to_string(),
            }
        }
    };
    Err(Failure {
        error: anyhow::anyhow!(message),
        exit_code: EXIT_BAD_INPUT,
    })
}

/// `command` with every option that takes a value accepting negative numbers, recursively.
fn negative_values(command: clap::Command) -> clap::Command {
    command
        .mut_args(|arg| {
            if arg.get_action().takes_values() {
                arg.allow_negative_numbers(true)
            } else {
                arg
            }
        })
        .mut_subcommands(negative_values)
}

/// Runs the parsed command line and returns what it prints on stdout.
pub(crate) fn run(cli: Cli) -> Result<String, Failure> {
    match cli.command {
        Command::Validate { file } => validate::run(&file, &load(&file)?),
        Command::Import(ImportCommand::Dss(args)) => import::dss(args),
        Command::Import(ImportCommand::Simbench(args)) => import::simbench(args),
        Command::Island { file, format } => island::run(&load(&file)?, format),
        Command::Optimise {
            file,
            model,
            exclude,
            format,
        } => {
            let model = model.map(|m| match m {
                ModelArg::Fair => blackstart::optimise::Model::Fair,
                ModelArg::Paper => blackstart::optimise::Model::Paper,
            });
            optimise::run(&load(&file)?, model, exclude, format)
        }
        Command::Chain(ChainCommand::Gas { file, format }) => chain::gas(&load(&file)?, format),
        Command::Run {
            file,
            seed,
            sweep_run,
            out,
            format,
        } => {
            let scenario = load(&file)?;
            let plan = match sweep_run {
                Some(i) => RunPlan::sampled(&scenario, i),
                None => RunPlan::nominal(&scenario, seed.unwrap_or(scenario.seed)),
            };
            let simulator = simulator(&scenario, &file)?;
            run::run(&scenario, &simulator, &plan, out.as_deref(), format)
        }
        Command::Sweep(args) => {
            let scenario = load(&args.file)?;
            let simulator = simulator(&scenario, &args.file)?;
            sweep::run(&scenario, &simulator, args)
        }
        Command::Survival(args) => {
            let scenario = load(&args.file)?;
            let file = args.file.clone();
            survival::run(&scenario, &file, args)
        }
        Command::Bench(args) => bench::run(args),
        Command::Reproduce(args) => reproduce::run(args),
        Command::Summarise { dir, format } => sweep::summarise(&dir, format),
        Command::Generate {
            prosumers,
            consumers,
            seed,
            scale,
        } => generate(prosumers, consumers, seed, scale),
    }
}

/// `blackstart generate`: a synthetic feeder scenario as YAML.
fn generate(prosumers: usize, consumers: usize, seed: u64, scale: f64) -> Result<String, Failure> {
    let bad_input = |message: String| Failure {
        error: anyhow::anyhow!(message),
        exit_code: EXIT_BAD_INPUT,
    };
    let entities = prosumers.saturating_add(consumers);
    if entities == 0 {
        return Err(bad_input(
            "a feeder needs at least one prosumer or consumer".into(),
        ));
    }
    let most = blackstart::synthetic::MAX_FEEDER_ENTITIES;
    if entities > most {
        return Err(bad_input(format!(
            "--prosumers and --consumers: at most {most} entities in all, got {entities}"
        )));
    }
    if !(scale.is_finite() && scale > 0.0) {
        return Err(bad_input(format!("--scale must be > 0, got {scale}")));
    }
    let scenario = blackstart::synthetic::feeder(prosumers, consumers, seed, scale);
    let yaml = serde_yaml::to_string(&scenario).map_err(anyhow::Error::from)?;
    Ok(format!(
        "# Generated by `blackstart generate --prosumers {prosumers} --consumers {consumers} \
         --seed {seed} --scale {scale}`.\n# Entity energies are kWh per 15-min interval, those of \
         the reference interval (11:45–12:00); the profiles shape the others. Keys: \
         docs/scenario.md.\n{yaml}"
    ))
}

/// Checks, before any work, that the output directory `dir` can be one: the nearest part of
/// the path that exists must be a directory. A file there, or a path below a file, is the
/// user's error (exit 2), named with the path.
fn check_out_dir(dir: &Path) -> Result<(), Failure> {
    let bad_input = |message: String| Failure {
        error: anyhow::anyhow!("--out {}: cannot write there: {message}", dir.display()),
        exit_code: EXIT_BAD_INPUT,
    };
    let mut path = Some(dir);
    while let Some(part) = path {
        match std::fs::metadata(part) {
            Ok(metadata) if metadata.is_dir() => {
                return writable(part).map_err(|e| {
                    bad_input(format!("{} does not take new files: {e}", part.display()))
                });
            }
            Ok(_) => {
                return Err(bad_input(format!(
                    "{} is a file, not a directory",
                    part.display()
                )));
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                path = part.parent();
            }
            Err(e) => return Err(bad_input(format!("cannot use {}: {e}", part.display()))),
        }
    }
    Ok(())
}

/// Whether `dir` takes a new file: one is created (named for this process) and removed at once,
/// so a directory the user may not write to is reported before any work, not after it.
fn writable(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(".blackstart-write-check-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    std::fs::remove_file(&probe)
}

fn load(file: &Path) -> Result<Scenario, ScenarioError> {
    scenario::load(file)
}

/// The profiles of `scenario`, read from `file`: series paths are relative to the file's
/// directory; a profile that cannot be built is the user's error (exit 2).
fn profiles(scenario: &Scenario, file: &Path) -> Result<Profiles, Failure> {
    Profiles::load(scenario, file.parent().unwrap_or(Path::new("."))).map_err(|e| Failure {
        error: anyhow::anyhow!("{}: {e}", file.display()),
        exit_code: EXIT_BAD_INPUT,
    })
}

/// The simulator of `scenario`, read from `file`, with its [`profiles`].
fn simulator(scenario: &Scenario, file: &Path) -> Result<Simulator, Failure> {
    Simulator::with_profiles(scenario, profiles(scenario, file)?)
        .map_err(|e| anyhow::Error::from(e).into())
}

/// Longest directory name [`default_out`] makes from a name, bytes.
const MAX_DIR_NAME_BYTES: usize = 100;

/// The default output directory of a command, `results/<under…>/<name>`, where `name` comes
/// from an input file (a scenario's or a benchmark's `name`, which anyone may have written):
/// it becomes one plain directory name, so it never leads outside `results/`. Every character
/// other than a letter, a digit, `-`, `_` and `.` becomes `_`, as does a leading `.` (no `..`,
/// no hidden directory); the name is cut to 100 bytes, and an empty one is `unnamed`.
fn default_out(under: &[&str], name: &str) -> PathBuf {
    let mut safe = String::new();
    for c in name.chars() {
        let keep = c.is_alphanumeric() || "-_".contains(c) || (c == '.' && !safe.is_empty());
        let c = if keep { c } else { '_' };
        if safe.len() + c.len_utf8() > MAX_DIR_NAME_BYTES {
            break;
        }
        safe.push(c);
    }
    if safe.is_empty() {
        safe.push_str("unnamed");
    }
    let mut dir = PathBuf::from("results");
    dir.extend(under);
    dir.join(safe)
}

/// `value` as pretty JSON, ending with a newline.
fn json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    let text = serde_json::to_string_pretty(value).map_err(anyhow::Error::from)?;
    Ok(text + "\n")
}

#[cfg(test)]
mod tests {
    use super::default_out;
    use std::path::{Component, Path};

    #[test]
    fn default_out_is_one_plain_directory_under_results() {
        assert_eq!(default_out(&[], "campus13"), Path::new("results/campus13"));
        assert_eq!(
            default_out(&["bench"], "Fig. 12 v1.0"),
            Path::new("results/bench/Fig._12_v1.0")
        );
        for (name, expected) in [
            ("../../x", "_._.._x"),
            ("a/../../../x", "a_.._.._.._x"),
            ("/etc", "_etc"),
            ("..", "_."),
            (".", "_"),
            ("", "unnamed"),
            ("C:\\x", "C__x"),
        ] {
            let dir = default_out(&[], name);
            assert_eq!(dir, Path::new("results").join(expected), "{name}");
            assert!(dir.components().all(|c| matches!(c, Component::Normal(_))));
        }
        assert_eq!(
            default_out(&[], &"é".repeat(80)).file_name().unwrap().len(),
            100
        );
    }
}
