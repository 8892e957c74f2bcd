//! Every result of the paper blackstart can reproduce, recomputed by the library and compared
//! with the published numbers (`blackstart reproduce`): `DIR/comparison.md`, the figures as PNG
//! under `DIR/figures/`, and the Monte-Carlo sweep's Parquet tables under `DIR/sweep/`.
//!
//! - [`paper`]: the published numbers with their sources, and the paper's known
//!   inconsistencies that explain where ours differ.
//! - [`comparison`]: sections of rows (paper, ours, difference, reason) and their markdown.
//! - [`tables`]: Tables 2, 5, 6 and 7 and case 2; [`mttr`]: one run and a sweep;
//!   [`benchmark`]: Table 8; [`figures`]: the PNG figures, with [`text`] for their lettering.
//!
//! To add a section, build a [`Section`] of [`Row`]s (each row compares one quantity; give a
//! reason with [`Row::because`] or [`Section::explain`] wherever ours may differ) and add it
//! to the list in [`run`].

pub mod benchmark;
pub mod comparison;
pub mod figures;
pub mod mttr;
pub mod paper;
pub mod tables;
pub mod text;

pub use comparison::{Comparison, Ours, Paper, Printed, Row, Section, Tally, Verdict};

use crate::caliper::CaliperError;
use crate::optimise::IslandError;
use crate::scenario::{self, Scenario, ScenarioError};
use crate::sim::{SimError, Simulator};
use crate::sweep::SweepError;
use benchmark::Benchmarks;
use std::path::{Path, PathBuf};
use tables::AllocationCase;

/// Why the paper could not be reproduced.
#[derive(Debug, thiserror::Error)]
pub enum ReproduceError {
    /// A bundled scenario is missing or wrong.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A scenario's island could not be optimised.
    #[error("{scenario}: {source}")]
    Optimise {
        /// The scenario.
        scenario: String,
        /// Why.
        source: IslandError,
    },
    /// A scenario's faults cut no island off, so it has nothing to compare.
    #[error("{scenario}: the faults leave no island cut off from the utility")]
    NoIsland {
        /// The scenario.
        scenario: String,
    },
    /// No outage was restored, so there is no MTTR.
    #[error("{scenario}: no outage was restored, so there is no MTTR")]
    NotRestored {
        /// Which run or sweep.
        scenario: String,
    },
    /// A run could not be simulated.
    #[error(transparent)]
    Simulation(#[from] SimError),
    /// A Caliper benchmark of Table 8 failed.
    #[error("Table 8's benchmark: {0}")]
    Benchmark(#[from] CaliperError),
    /// The sweep failed.
    #[error("sweep: {0}")]
    Sweep(#[from] SweepError),
    /// An output could not be written.
    #[error("cannot write {path}: {source}")]
    Output {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No font was found to draw the figures' text.
    #[error(
        "no TrueType font for the figures: looked for {}; install DejaVu Sans (Debian: \
         fonts-dejavu-core) or set {} to a .ttf file",
        .searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        figures::FONT_ENV
    )]
    FontMissing {
        /// The paths tried.
        searched: Vec<PathBuf>,
    },
    /// The font file found is not a usable TrueType/OpenType font.
    #[error(
        "{path}: not a TrueType or OpenType font; set {} to another",
        figures::FONT_ENV
    )]
    FontInvalid {
        /// The file.
        path: PathBuf,
    },
    /// A figure could not be drawn or encoded.
    #[error("drawing {path}: {message}")]
    Figure {
        /// The figure's file.
        path: PathBuf,
        /// What plotters or the PNG encoder said.
        message: String,
    },
}

impl ReproduceError {
    /// Whether the user can fix it (a scenario, the output directory, a font), as opposed
    /// to an internal failure.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            ReproduceError::Scenario(_)
                | ReproduceError::Output { .. }
                | ReproduceError::FontMissing { .. }
                | ReproduceError::FontInvalid { .. }
        ) || matches!(self, ReproduceError::Benchmark(e) if e.is_user_error())
    }
}

/// What to reproduce and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Output directory (`results/paper` by default on the command line).
    pub out: PathBuf,
    /// Runs of the Monte-Carlo sweep.
    pub runs: u64,
    /// The directory of the bundled scenarios (`scenarios/`).
    pub scenarios: PathBuf,
}

/// What `reproduce` computed and wrote.
#[derive(Debug, Clone)]
pub struct Reproduction {
    /// Every comparison, as written to `comparison.md`.
    pub comparison: Comparison,
    /// Files written: `comparison.md`, then the figures.
    pub files: Vec<PathBuf>,
    /// The sweep's directory.
    pub sweep_dir: PathBuf,
    /// The directories of Table 8's benchmark reports.
    pub bench_dirs: Vec<PathBuf>,
}

/// Name of the comparison file in the output directory.
pub const COMPARISON_FILE: &str = "comparison.md";

/// The bundled scenarios the paper's results come from.
struct Scenarios {
    /// Table 5 and case 1.
    campus13: Scenario,
    /// Case 1 under the paper model with the bounds inferred from Tables 6–7 (Table 6).
    case_1: Scenario,
    /// Table 7's data (demand 3227 kWh), paper model with the inferred bounds.
    table_7: Scenario,
    /// The text's new consumers (demand 3267 kWh), under case 1's paper model and bounds.
    new_consumers: Scenario,
    /// Case 2: P2 and P4 back off.
    backoff: Scenario,
}

impl Scenarios {
    fn load(dir: &Path) -> Result<Self, ScenarioError> {
        let load = |name: &str| scenario::load(&dir.join(name));
        let case_1 = load("campus13-paper.yaml")?;
        let mut new_consumers = load("campus13-new-consumers.yaml")?;
        new_consumers.optimiser = case_1.optimiser.clone();
        Ok(Scenarios {
            campus13: load("campus13.yaml")?,
            table_7: load("campus13-table7.yaml")?,
            new_consumers,
            backoff: load("campus13-backoff.yaml")?,
            case_1,
        })
    }
}

/// Recomputes every result the paper reports that blackstart can reproduce, compares each
/// with the published value, and writes `comparison.md`, the figures and the sweep into
/// `options.out` (replacing what a previous `reproduce` wrote there).
pub fn run(options: &Options) -> Result<Reproduction, ReproduceError> {
    figures::load_font()?;
    let scenarios = Scenarios::load(&options.scenarios)?;
    let figures_dir = options.out.join("figures");
    std::fs::create_dir_all(&figures_dir).map_err(|source| ReproduceError::Output {
        path: figures_dir.clone(),
        source,
    })?;
    let case_1 = AllocationCase::solve(
        "Table 6",
        "Table 6 (§VIII.A)",
        &paper::TABLE_6,
        &scenarios.case_1,
    )?;
    let table_7 = AllocationCase::solve(
        "Table 7",
        "Table 7 (§VIII.A)",
        &paper::TABLE_7,
        &scenarios.table_7,
    )?;
    let simulator = Simulator::new(&scenarios.campus13)?;
    let single_run = mttr::nominal_run(&simulator)?;
    let sweep_dir = options.out.join("sweep");
    let sweep = mttr::sweep(&simulator, options.runs, &sweep_dir)?;

    let mut sections = vec![tables::table_2(), tables::table_5(&scenarios.campus13)?];
    sections.extend(tables::table_6(&case_1));
    sections.extend(tables::table_7(&table_7));
    sections.push(tables::sensitivity(
        &case_1,
        &scenarios.campus13,
        &table_7,
        &scenarios.new_consumers,
    )?);
    sections.extend(tables::case_2(&scenarios.backoff, &scenarios.table_7)?);
    sections.push(mttr::single_run_section(&single_run)?);
    sections.push(mttr::sweep_section(&sweep)?);
    let bench_dir = options.out.join("bench");
    let benchmarks = Benchmarks::run(&options.scenarios, &scenarios.campus13, &bench_dir)?;
    sections.push(benchmark::table_8_section(
        "Table 8 — Caliper benchmark, Fig. 12's 10 s rounds",
        &benchmarks.ten_second,
    ));
    let mut counts = benchmark::table_8_section(
        "Table 8 — Caliper benchmark, Table 8's transaction counts",
        &benchmarks.table_8_counts,
    );
    counts.notes.push(
        "Table 8's latencies are compared under both readings of its rounds (Fig. 12's 10 s and \
         Table 8's counts), so each of them counts twice in the headline."
            .into(),
    );
    sections.push(counts);
    sections.push(benchmark::block_interval_section(&benchmarks));
    let comparison = Comparison {
        sections,
        findings: vec![
            paper::table_8_total_finding(),
            paper::benchmark_duration_finding(),
        ],
    };

    let comparison_path = options.out.join(COMPARISON_FILE);
    write_file(&comparison_path, comparison.to_markdown().as_bytes())?;
    let mut files = vec![comparison_path];
    files.extend(figures::draw_all(
        &figures_dir,
        &case_1,
        &table_7,
        &single_run,
        &sweep,
        &benchmarks,
    )?);
    Ok(Reproduction {
        comparison,
        files,
        sweep_dir,
        bench_dirs: benchmarks.dirs().map(Path::to_path_buf).collect(),
    })
}

/// Writes `bytes` to `path` atomically.
fn write_file(path: &Path, bytes: &[u8]) -> Result<(), ReproduceError> {
    crate::io::write_atomic(path, bytes).map_err(|source| ReproduceError::Output {
        path: path.to_path_buf(),
        source,
    })
}
