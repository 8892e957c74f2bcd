//! `blackstart reproduce`: every result of the paper recomputed and compared, with its figures.

use super::{EXIT_BAD_INPUT, EXIT_FAILURE, Failure, Format, json};
use blackstart::reproduce::{self, Options, ReproduceError, Tally};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;

/// The command's arguments.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Output directory: comparison.md, figures/*.png and the sweep's Parquet tables (sweep/).
    /// What an earlier `reproduce` wrote there is replaced.
    #[arg(long, default_value = "results/paper")]
    pub out: PathBuf,
    /// Runs of the Monte-Carlo sweep behind the MTTR distribution.
    #[arg(long, default_value_t = 1000)]
    pub runs: u64,
    /// Directory of the bundled scenarios (campus13*.yaml).
    #[arg(long, default_value = "scenarios")]
    pub scenarios: PathBuf,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The summary printed on stdout.
#[derive(Serialize)]
struct Summary {
    #[serde(flatten)]
    tally: Tally,
    files: Vec<PathBuf>,
    sweep_dir: PathBuf,
    bench_dirs: Vec<PathBuf>,
    wall_time_s: f64,
}

pub(super) fn run(args: Args) -> Result<String, Failure> {
    if args.runs == 0 {
        return Err(Failure {
            error: anyhow::anyhow!("--runs must be at least 1"),
            exit_code: EXIT_BAD_INPUT,
        });
    }
    super::check_out_dir(&args.out)?;
    let started = Instant::now();
    let options = Options {
        out: args.out,
        runs: args.runs,
        scenarios: args.scenarios,
    };
    let reproduction = reproduce::run(&options).map_err(|e| {
        let exit_code = if e.is_user_error() {
            EXIT_BAD_INPUT
        } else {
            EXIT_FAILURE
        };
        let error = match e {
            ReproduceError::Scenario(_) => anyhow::anyhow!(
                "{e} (the paper's scenarios are in the repository's scenarios/: run from its \
                 root or pass --scenarios DIR)"
            ),
            e => e.into(),
        };
        Failure { error, exit_code }
    })?;
    let summary = Summary {
        tally: reproduction.comparison.tally(),
        files: reproduction.files,
        sweep_dir: reproduction.sweep_dir,
        bench_dirs: reproduction.bench_dirs,
        wall_time_s: started.elapsed().as_secs_f64(),
    };
    match args.format {
        Format::Json => json(&summary),
        Format::Table => Ok(table(&summary)),
    }
}

fn table(s: &Summary) -> String {
    let t = &s.tally;
    let mut out = String::new();
    outln!(
        out,
        "{} comparisons with the paper's printed numbers, reproduced from its data: {} match, \
         {} close, {} differ for a stated reason",
        t.compared,
        t.matching,
        t.close,
        t.differing
    );
    outln!(
        out,
        "not counted: {} inputs or fitted by construction, {} derived (never printed by the paper), {} of the fair model (an extension)",
        t.fitted,
        t.derived,
        t.extension
    );
    outln!(out, "{} rows differ with no reason given", t.unexplained);
    outln!(out, "wrote:");
    for file in &s.files {
        outln!(out, "  {}", file.display());
    }
    outln!(
        out,
        "  {}/ (the sweep's Parquet tables)",
        s.sweep_dir.display()
    );
    for dir in &s.bench_dirs {
        outln!(
            out,
            "  {}/ (a Caliper benchmark: report.html, report.md, transactions.parquet)",
            dir.display()
        );
    }
    outln!(out, "in {:.1} s (wall clock)", s.wall_time_s);
    out
}
