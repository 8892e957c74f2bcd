//! Monte-Carlo sweeps: many runs of one scenario, in parallel, deterministic, sharded for
//! cluster array jobs, resumable, written as hive-partitioned Parquet.
//!
//! Run `i`'s plan and seed derive from (scenario seed, `i`) alone, so a run's row is the same
//! whatever the thread count and however the sweep is split into shards. A shard's runs are
//! written in parts of [`SweepOptions::part_size`] runs: `DIR/<table>/shard=K/part-K-P.parquet`,
//! each written atomically, so an interrupted sweep leaves only whole parts and `--resume` skips
//! them (running again any that does not read back whole: a file damaged since). The manifest
//! (`sweep.json`) records every option that shapes the tables; a sweep that differs is refused.

mod parts;
mod shard;
mod summary;

pub use parts::Parts;
pub use shard::{Shard, ShardError};
pub use summary::{
    AgainstBound, AgainstNoSharing, CustomerRestoration, DurationStats, EnergyNotServed,
    ResilienceSpreads, RunsColumns, SUMMARY_RUNS_COLUMNS, Spread, Summary, Tallies,
    interruption_records, summarise, summarise_runs, summarise_with_no_sharing,
};

use crate::io::{TEMPORARY_MARKER, write_atomic};
use crate::output::{self, OutputError, Provenance};
use crate::scenario::Scenario;
use crate::sim::{Recording, RunPlan, RunReport, SimError, Simulator, tables};
use polars::prelude::{DataFrame, SortMultipleOptions};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Why a sweep stopped.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// A run could not be simulated.
    #[error("run {run}: {source}")]
    Run {
        /// The run index.
        run: u64,
        /// Why.
        source: SimError,
    },
    /// An output could not be written or read.
    #[error(transparent)]
    Report(#[from] OutputError),
    /// The output directory holds results this sweep must not mix with or overwrite.
    #[error("{dir}: {message}")]
    Directory {
        /// The output directory.
        dir: PathBuf,
        /// What is there and what to do.
        message: String,
    },
    /// The worker threads could not be started.
    #[error("starting {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// Why.
        message: String,
    },
}

/// How to run a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepOptions {
    /// Runs in the whole sweep (over all shards).
    pub runs: u64,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// Which part of the sweep this process runs.
    pub shard: Shard,
    /// Output directory.
    pub out: PathBuf,
    /// Skip the parts already written (an interrupted sweep goes on where it stopped).
    pub resume: bool,
    /// Also write the `events` table.
    pub events: bool,
    /// Also run every run again with ideal timing, splitting the gap to the bound
    /// (docs/model.md §11); doubles the cost of a run.
    pub gap_split: bool,
    /// Leave out the perfect-information bound (docs/model.md §11): its columns are null.
    /// Its linear program is most of a long outage's cost.
    pub no_bound: bool,
    /// Runs per Parquet part (the unit of resumption).
    pub part_size: u64,
}

/// What a sweep's directory was made from; checked when a sweep resumes or is summarised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The scenario as loaded.
    pub scenario: Scenario,
    /// Its hash (see [`output::scenario_hash`]).
    pub scenario_hash: String,
    /// Runs in the whole sweep.
    pub runs: u64,
    /// Runs per part.
    pub part_size: u64,
    /// Shards the sweep is split into (`None` in a manifest from before it was recorded).
    #[serde(default)]
    pub shards: Option<u64>,
    /// Whether the sweep writes the `events` table (`None` in a manifest from before it was
    /// recorded).
    #[serde(default)]
    pub events: Option<bool>,
    /// Whether every run was also run with ideal timing (`None` in a manifest from before it
    /// was recorded).
    #[serde(default)]
    pub gap_split: Option<bool>,
    /// Whether the runs left out the bound (`--no-bound`; `None` in a manifest from before it
    /// was recorded, when every run computed it).
    #[serde(default)]
    pub no_bound: Option<bool>,
    /// blackstart version that wrote it.
    pub version: String,
}

impl Manifest {
    /// What differs between the sweep this manifest records and `other`, in the options that
    /// shape the tables (scenario, runs, part size, shards, `--events`, `--gap-split`,
    /// `--no-bound`), each as
    /// `<option> <value in this manifest> there, <value in other> now`;
    /// empty when the two sweeps can share a directory.
    fn differences(&self, other: &Manifest) -> Vec<String> {
        let recorded = |value: Option<String>| value.unwrap_or_else(|| "not recorded".into());
        let on_off = |events: bool| if events { "on" } else { "off" }.to_string();
        let scenario = |m: &Manifest| format!("`{}` ({:.12})", m.scenario.name, m.scenario_hash);
        [
            (
                "scenario",
                self.scenario_hash == other.scenario_hash,
                scenario(self),
                scenario(other),
            ),
            (
                "runs",
                self.runs == other.runs,
                self.runs.to_string(),
                other.runs.to_string(),
            ),
            (
                "part size",
                self.part_size == other.part_size,
                self.part_size.to_string(),
                other.part_size.to_string(),
            ),
            (
                "shards",
                self.shards == other.shards,
                recorded(self.shards.map(|n| n.to_string())),
                recorded(other.shards.map(|n| n.to_string())),
            ),
            (
                "--events",
                self.events == other.events,
                recorded(self.events.map(on_off)),
                recorded(other.events.map(on_off)),
            ),
            (
                "--gap-split",
                self.gap_split == other.gap_split,
                recorded(self.gap_split.map(on_off)),
                recorded(other.gap_split.map(on_off)),
            ),
            (
                "--no-bound",
                self.no_bound.unwrap_or(false) == other.no_bound.unwrap_or(false),
                on_off(self.no_bound.unwrap_or(false)),
                on_off(other.no_bound.unwrap_or(false)),
            ),
        ]
        .into_iter()
        .filter(|(_, same, _, _)| !same)
        .map(|(key, _, theirs, ours)| format!("{key} {theirs} there, {ours} now"))
        .collect()
    }
}

/// Name of the manifest file in a sweep directory.
pub const MANIFEST: &str = "sweep.json";

/// What a sweep did: the summary of its shard's runs, and the parts it found damaged when
/// resuming and ran again.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The summary of the shard's runs.
    pub summary: Summary,
    /// Parts a resumed sweep could not read back and ran again, in order.
    pub redone: Vec<RedonePart>,
}

/// A part a resumed sweep found damaged (a file truncated, missing or not the part's runs)
/// and ran again.
#[derive(Debug, Clone, PartialEq)]
pub struct RedonePart {
    /// Its shard.
    pub shard: u64,
    /// Its number within the shard (the P of `part-K-P.parquet`).
    pub part: usize,
    /// The runs it holds.
    pub runs: std::ops::Range<u64>,
    /// Why it could not be kept.
    pub reason: String,
}

/// Progress of a sweep: runs done (skipped parts included) and runs in the shard.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Runs this process's shard of the sweep and writes its tables; returns the summary of the
/// shard's runs and the damaged parts it ran again. `progress` is called after every run.
pub fn run(
    simulator: &Simulator,
    options: &SweepOptions,
    progress: Progress,
) -> Result<Outcome, SweepError> {
    let scenario = simulator.scenario();
    prepare_directory(scenario, options)?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .map_err(|e| SweepError::Threads {
            threads: options.threads.unwrap_or(0),
            message: e.to_string(),
        })?;
    let range = options.shard.runs(options.runs);
    let total = range.end - range.start;
    let without_bound;
    let simulator = if options.no_bound {
        without_bound = simulator.without_bound();
        &without_bound
    } else {
        simulator
    };
    let ideal = options
        .gap_split
        .then(|| simulator.with_ideal_timing().without_bound());
    let done = std::sync::atomic::AtomicU64::new(0);
    let k = options.shard.index;
    let mut redone = Vec::new();
    let mut written = 0;
    for (p, part) in parts(range, options.part_size).enumerate() {
        written = p + 1;
        let file = |table: &str| part_path(&options.out, table, k, p);
        let runs_file = file("runs");
        if options.resume && runs_file.exists() {
            match check_part(&file, &part, options.events) {
                Ok(()) => {
                    done.fetch_add(part.end - part.start, std::sync::atomic::Ordering::Relaxed);
                    progress(done.load(std::sync::atomic::Ordering::Relaxed), total);
                    continue;
                }
                Err(reason) => redone.push(RedonePart {
                    shard: k,
                    part: p,
                    runs: part.clone(),
                    reason,
                }),
            }
        }
        let recording = Recording {
            events: options.events,
        };
        let reports: Vec<RunReport> = pool.install(|| {
            part.clone()
                .into_par_iter()
                .map(|i| {
                    let plan = RunPlan::sampled(scenario, i);
                    let report = match &ideal {
                        Some(ideal) => simulator.run_with_gap_split(ideal, &plan, recording),
                        None => simulator.run(&plan, recording),
                    }
                    .map_err(|source| SweepError::Run { run: i, source });
                    let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                    progress(n, total);
                    report
                })
                .collect::<Result<_, _>>()
        })?;
        let provenance = Provenance::new(scenario, part.start, part.end - 1);
        // The runs part goes last: its presence marks the part finished.
        output::write_parquet(
            &file("allocations"),
            output::Table::Allocations,
            &mut tables::allocations_frame(&reports),
            &provenance,
        )?;
        output::write_parquet(
            &file(INTERRUPTIONS),
            output::Table::Interruptions,
            &mut tables::interruptions_frame(&reports),
            &provenance,
        )?;
        output::write_parquet(
            &file(NO_SHARING_INTERRUPTIONS),
            output::Table::NoSharingInterruptions,
            &mut tables::no_sharing_interruptions_frame(&reports),
            &provenance,
        )?;
        output::write_parquet(
            &file("intervals"),
            output::Table::Intervals,
            &mut tables::intervals_frame(&reports),
            &provenance,
        )?;
        if options.events {
            output::write_parquet(
                &file("events"),
                output::Table::Events,
                &mut tables::events_frame(&reports),
                &provenance,
            )?;
        }
        output::write_parquet(
            &runs_file,
            output::Table::Runs,
            &mut tables::runs_frame(&reports),
            &provenance,
        )?;
    }
    // The summary reads the finished parts back: the sweep holds none of its tables.
    Ok(Outcome {
        summary: Parts::of_shard(&options.out, k, written).summarise(scenario)?,
        redone,
    })
}

/// Checks the tables of a finished part for `--resume`: its `runs` holds the part's runs, and
/// its other tables (`events` too with `events`) read back whole. `Err` says why the part
/// cannot be kept (a damaged or missing file).
fn check_part(
    file: &dyn Fn(&str) -> PathBuf,
    part: &std::ops::Range<u64>,
    events: bool,
) -> Result<(), String> {
    let read = |table: &str| output::read_parquet(&file(table)).map_err(|e| e.to_string());
    let runs = read("runs")?;
    let expected = part.end - part.start;
    if runs.height() as u64 != expected {
        return Err(format!(
            "{}: {} rows where the part has {expected} runs",
            file("runs").display(),
            runs.height()
        ));
    }
    for table in [
        INTERRUPTIONS,
        NO_SHARING_INTERRUPTIONS,
        "allocations",
        "intervals",
    ] {
        read(table)?;
    }
    if events {
        read("events")?;
    }
    Ok(())
}

/// Name of the table of customer interruptions.
const INTERRUPTIONS: &str = "interruptions";

/// Name of the table of customer interruptions with no sharing.
const NO_SHARING_INTERRUPTIONS: &str = "no_sharing_interruptions";

/// Builds a table from run reports (its empty form from none).
type Table = fn(&[RunReport]) -> DataFrame;

/// The runs of `range` in consecutive parts of `size`.
fn parts(range: std::ops::Range<u64>, size: u64) -> impl Iterator<Item = std::ops::Range<u64>> {
    let size = size.max(1);
    (range.start..range.end)
        .step_by(size as usize)
        .map(move |start| start..start.saturating_add(size).min(range.end))
}

/// `DIR/<table>/shard=K/part-K-P.parquet`.
pub fn part_path(dir: &Path, table: &str, shard: u64, part: usize) -> PathBuf {
    dir.join(table)
        .join(format!("shard={shard}"))
        .join(format!("part-{shard}-{part:05}.parquet"))
}

/// Checks the directory holds nothing this sweep would mix with, removes temporary files an
/// interrupted sweep left, and writes the manifest.
fn prepare_directory(scenario: &Scenario, options: &SweepOptions) -> Result<(), SweepError> {
    let dir = &options.out;
    let refuse = |message: String| SweepError::Directory {
        dir: dir.clone(),
        message,
    };
    let io = |source| {
        SweepError::Report(OutputError::Io {
            path: dir.clone(),
            source,
        })
    };
    let manifest = Manifest {
        scenario: scenario.clone(),
        scenario_hash: output::scenario_hash(scenario),
        runs: options.runs,
        part_size: options.part_size,
        shards: Some(options.shard.count),
        events: Some(options.events),
        gap_split: Some(options.gap_split),
        no_bound: Some(options.no_bound),
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    let manifest_path = dir.join(MANIFEST);
    if manifest_path.exists() {
        let differences = read_manifest(dir)?.differences(&manifest);
        if !differences.is_empty() {
            return Err(refuse(format!(
                "holds a sweep that differs from this one ({}); rerun with its options, or \
                 choose another --out",
                differences.join("; ")
            )));
        }
    }
    // Shards of one sweep share the directory; only this shard's own parts would be overwritten.
    let k = options.shard.index;
    if !options.resume && part_path(dir, "runs", k, 0).exists() {
        return Err(refuse(format!(
            "already holds results of shard {k}; add --resume to continue, or choose another --out"
        )));
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    remove_temporaries(dir, options.shard).map_err(io)?;
    let text = serde_json::to_string_pretty(&manifest).expect("a manifest serialises");
    write_atomic(&manifest_path, text.as_bytes()).map_err(io)
}

/// Deletes the temporary files a killed writer of `shard` left in the sweep directory `dir`:
/// those of its parts (`DIR/<table>/shard=K/`) and of its summary (`DIR/summary/shard=K.json`).
/// Other shards' temporary files may be a live writer's and stay (as do those of the shared
/// `sweep.json`, written in an instant).
fn remove_temporaries(dir: &Path, shard: Shard) -> std::io::Result<()> {
    let own = format!("shard={}", shard.index);
    let is_temporary_of = |path: &Path, prefix: &str| {
        path.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(prefix) && n.contains(TEMPORARY_MARKER))
    };
    for entry in std::fs::read_dir(dir)? {
        let table = entry?.path();
        if !table.is_dir() {
            continue;
        }
        for entry in std::fs::read_dir(&table)? {
            let path = entry?.path();
            if path.file_name().is_some_and(|n| *n == *own) && path.is_dir() {
                for part in std::fs::read_dir(&path)? {
                    let part = part?.path();
                    if is_temporary_of(&part, "") {
                        std::fs::remove_file(&part)?;
                    }
                }
            } else if is_temporary_of(&path, &format!("{own}.")) {
                std::fs::remove_file(&path)?;
            }
        }
    }
    Ok(())
}

/// The manifest of the sweep in `dir`.
pub fn read_manifest(dir: &Path) -> Result<Manifest, SweepError> {
    let path = dir.join(MANIFEST);
    let text = std::fs::read_to_string(&path).map_err(|source| {
        SweepError::Report(OutputError::Io {
            path: path.clone(),
            source,
        })
    })?;
    serde_json::from_str(&text).map_err(|e| SweepError::Directory {
        dir: dir.to_path_buf(),
        message: format!("{MANIFEST} is not a blackstart sweep manifest: {e}"),
    })
}

/// Every `runs` part in `dir` (all shards), sorted by run index.
pub fn read_runs(dir: &Path) -> Result<DataFrame, SweepError> {
    read_table(dir, "runs", tables::runs_frame)
}

/// Every `interruptions` part in `dir` (all shards), sorted by run index.
pub fn read_interruptions(dir: &Path) -> Result<DataFrame, SweepError> {
    if !dir.join(INTERRUPTIONS).is_dir() && dir.join("runs").is_dir() {
        return Err(SweepError::Directory {
            dir: dir.to_path_buf(),
            message: format!(
                "has no `{INTERRUPTIONS}` table (written by an older blackstart); \
                 run the sweep again into a new --out"
            ),
        });
    }
    read_table(dir, INTERRUPTIONS, tables::interruptions_frame)
}

/// Every `no_sharing_interruptions` part in `dir` (all shards), sorted by run index; `None`
/// for a sweep written before blackstart wrote the table.
pub fn read_no_sharing_interruptions(dir: &Path) -> Result<Option<DataFrame>, SweepError> {
    if !dir.join(NO_SHARING_INTERRUPTIONS).is_dir() {
        return Ok(None);
    }
    read_table(
        dir,
        NO_SHARING_INTERRUPTIONS,
        tables::no_sharing_interruptions_frame,
    )
    .map(Some)
}

/// Every `intervals` part in `dir` (all shards), sorted by run index.
pub fn read_intervals(dir: &Path) -> Result<DataFrame, SweepError> {
    read_table(dir, "intervals", tables::intervals_frame)
}

/// Every part of `table` in `dir` (all shards), sorted by run index (rows of one run keep
/// their order).
fn read_table(dir: &Path, table: &str, empty: Table) -> Result<DataFrame, SweepError> {
    let frames = table_parts(dir, table)?
        .iter()
        .map(|f| output::read_parquet(f))
        .collect::<Result<Vec<_>, _>>()?;
    sorted_by_run(concat(frames, table, &empty)?, &dir.join(table))
}

/// `frame` sorted by run index, rows of one run in their order.
fn sorted_by_run(frame: DataFrame, table_dir: &Path) -> Result<DataFrame, SweepError> {
    frame
        .sort(
            ["run_index"],
            SortMultipleOptions::default().with_maintain_order(true),
        )
        .map_err(|source| {
            OutputError::Polars {
                path: table_dir.to_path_buf(),
                source,
            }
            .into()
        })
}

/// The Parquet parts of `table` in `dir` (all shards), by file name.
fn table_parts(dir: &Path, table: &str) -> Result<Vec<PathBuf>, SweepError> {
    let mut files = Vec::new();
    let table_dir = dir.join(table);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SweepError::Report(OutputError::Io { path, source })
    };
    for shard in std::fs::read_dir(&table_dir).map_err(io(&table_dir))? {
        let shard = shard.map_err(io(&table_dir))?.path();
        for part in std::fs::read_dir(&shard).map_err(io(&shard))? {
            let path = part.map_err(io(&shard))?.path();
            if path.extension().is_some_and(|e| e == "parquet") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Those of `columns` that `frame` (a table read from or written to `path`) has.
fn present_columns(
    frame: &DataFrame,
    columns: &[&str],
    path: &Path,
) -> Result<DataFrame, SweepError> {
    frame
        .select(columns.iter().copied().filter(|c| frame.column(c).is_ok()))
        .map_err(|source| {
            OutputError::Polars {
                path: path.to_path_buf(),
                source,
            }
            .into()
        })
}

/// The frames of `table` stacked; `empty(&[])` when there is none.
fn concat(
    frames: Vec<DataFrame>,
    table: &str,
    empty: &dyn Fn(&[RunReport]) -> DataFrame,
) -> Result<DataFrame, SweepError> {
    let mut frames = frames.into_iter();
    let Some(mut all) = frames.next() else {
        return Ok(empty(&[]));
    };
    for frame in frames {
        all.vstack_mut_owned(frame)
            .map_err(|source| OutputError::Polars {
                path: PathBuf::from(table),
                source,
            })?;
    }
    Ok(all)
}

/// The summary of the whole sweep in `dir` (every part of every shard finished so far),
/// read back part by part.
pub fn summarise_directory(dir: &Path) -> Result<Summary, SweepError> {
    let manifest = read_manifest(dir)?;
    Parts::in_directory(dir)?.summarise(&manifest.scenario)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_the_range_in_order() {
        let p: Vec<_> = parts(10..35, 10).collect();
        assert_eq!(p, vec![10..20, 20..30, 30..35]);
        assert_eq!(parts(0..0, 10).count(), 0);
    }
}
