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

mod island;
mod validate;

use blackstart::scenario::{self, Scenario, ScenarioError};
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
pub struct Cli {
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
}

/// How a command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    Table,
    /// One JSON document on stdout, for scripts.
    Json,
}

/// A failed command: the message for stderr and the process exit code.
pub struct Failure {
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

/// Runs the parsed command line and returns what it prints on stdout.
pub fn run(cli: Cli) -> Result<String, Failure> {
    match cli.command {
        Command::Validate { file } => validate::run(&file, &load(&file)?),
        Command::Island { file, format } => island::run(&load(&file)?, format),
    }
}

fn load(file: &Path) -> Result<Scenario, ScenarioError> {
    scenario::load(file)
}

/// `value` as pretty JSON, ending with a newline.
fn json<T: serde::Serialize>(value: &T) -> Result<String, Failure> {
    let text = serde_json::to_string_pretty(value).map_err(anyhow::Error::from)?;
    Ok(text + "\n")
}
