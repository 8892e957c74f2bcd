//! A sweep's finished parts on disk, read back one part (or a few columns) at a time: the
//! end-of-sweep summary, `summarise` and the report never hold a table of the whole sweep.
//!
//! A part is finished once its `runs` file exists (the sweep writes it last). Shard K's runs
//! all come before shard K + 1's and a shard's parts follow one another, so parts in (shard,
//! part) order are in run order.

use super::summary::{RunsColumns, Summary, Tallies, interruption_records, summarise_runs};
use super::{
    INTERRUPTIONS, NO_SHARING_INTERRUPTIONS, SweepError, concat, part_path, present_columns,
};
use crate::output::{self, OutputError};
use crate::reliability::Interruption;
use crate::scenario::Scenario;
use crate::sim::tables;
use polars::prelude::DataFrame;
use std::path::{Path, PathBuf};

/// Finished parts of a sweep directory, in run order, each by its shard and number (the K and
/// P of `part-K-P.parquet`).
#[derive(Debug, Clone)]
pub struct Parts {
    dir: PathBuf,
    parts: Vec<(u64, usize)>,
}

impl Parts {
    /// Parts `0..count` of shard `shard` in `dir`.
    pub(super) fn of_shard(dir: &Path, shard: u64, count: usize) -> Self {
        Parts {
            dir: dir.to_path_buf(),
            parts: (0..count).map(|p| (shard, p)).collect(),
        }
    }

    /// Every finished part in the sweep directory `dir`, all shards.
    pub fn in_directory(dir: &Path) -> Result<Self, SweepError> {
        let table_dir = dir.join("runs");
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SweepError::Report(OutputError::Io { path, source })
        };
        let mut parts = Vec::new();
        for shard in std::fs::read_dir(&table_dir).map_err(io(&table_dir))? {
            let shard = shard.map_err(io(&table_dir))?.path();
            for file in std::fs::read_dir(&shard).map_err(io(&shard))? {
                let path = file.map_err(io(&shard))?.path();
                if path.extension().is_some_and(|e| e == "parquet") {
                    parts.push(part_of(&path).ok_or_else(|| SweepError::Directory {
                        dir: dir.to_path_buf(),
                        message: format!(
                            "{} is not a part of a sweep (part-K-P.parquet in shard=K); move \
                             it out of the directory",
                            path.display()
                        ),
                    })?);
                }
            }
        }
        parts.sort_unstable();
        Ok(Parts {
            dir: dir.to_path_buf(),
            parts,
        })
    }

    /// The file of `table` of each part, in run order.
    fn files<'a>(&'a self, table: &'a str) -> impl Iterator<Item = PathBuf> + 'a {
        self.parts
            .iter()
            .map(move |&(shard, part)| part_path(&self.dir, table, shard, part))
    }

    /// The columns `runs` of each part's `runs` table and `columns` of its `table` (those of
    /// them the tables have), one part at a time, handed to `each`.
    pub fn for_each(
        &self,
        table: &str,
        runs: &[&str],
        columns: &[&str],
        mut each: impl FnMut(&DataFrame, &DataFrame),
    ) -> Result<(), SweepError> {
        for (runs_file, file) in self.files("runs").zip(self.files(table)) {
            each(
                &output::read_parquet_columns(&runs_file, runs)?,
                &output::read_parquet_columns(&file, columns)?,
            );
        }
        Ok(())
    }

    /// The summary of these parts' runs, over `scenario`: their interruptions gathered part by
    /// part, then their `runs` table read back a few columns at a time.
    pub fn summarise(&self, scenario: &Scenario) -> Result<Summary, SweepError> {
        if !self.parts.is_empty() && !self.dir.join(INTERRUPTIONS).is_dir() {
            return Err(SweepError::Directory {
                dir: self.dir.clone(),
                message: format!(
                    "has no `{INTERRUPTIONS}` table (written by an older blackstart); run the \
                     sweep again into a new --out"
                ),
            });
        }
        // A sweep written before blackstart wrote the no-sharing reference's table has none.
        let with_no_sharing = self.dir.join(NO_SHARING_INTERRUPTIONS).is_dir();
        let mut tallies = Tallies::new(scenario, with_no_sharing);
        let records = |file: PathBuf| -> Result<Vec<Interruption>, SweepError> {
            let table = output::read_parquet(&file)?;
            interruption_records(&table)
                .map_err(|source| OutputError::Polars { path: file, source }.into())
        };
        for (runs, interruptions, no_sharing) in self
            .files("runs")
            .zip(self.files(INTERRUPTIONS))
            .zip(self.files(NO_SHARING_INTERRUPTIONS))
            .map(|((r, i), n)| (r, i, n))
        {
            let runs = output::read_parquet_columns(&runs, &["run_index", "fault_set"])?;
            let no_sharing = if with_no_sharing {
                records(no_sharing)?
            } else {
                Vec::new()
            };
            tallies.add(&runs, &records(interruptions)?, &no_sharing);
        }
        summarise_runs(scenario, self, &tallies)
    }
}

/// The `runs` table of the parts, read a few columns at a time.
impl RunsColumns for Parts {
    fn columns(&self, names: &[&str]) -> Result<DataFrame, SweepError> {
        let frames = self
            .files("runs")
            .map(|file| output::read_parquet_columns(&file, names))
            .collect::<Result<Vec<_>, _>>()?;
        let empty = present_columns(&tables::runs_frame(&[]), names, &self.dir.join("runs"))?;
        concat(frames, "runs", &|_| empty.clone())
    }
}

/// The shard and number of the part at `path` (`…/shard=K/part-K-P.parquet`); `None` for a
/// file of another name.
fn part_of(path: &Path) -> Option<(u64, usize)> {
    let name = path.file_stem()?.to_str()?;
    let (shard, part) = name.strip_prefix("part-")?.split_once('-')?;
    let shard = shard.parse().ok()?;
    let in_shard = path.parent()?.file_name()? == format!("shard={shard}").as_str();
    in_shard.then_some((shard, part.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_ordered_by_shard_and_number_not_by_name() {
        let dir = tempfile::tempdir().unwrap();
        for (shard, part) in [(10, 0), (2, 100_000), (2, 3), (0, 1)] {
            let file = part_path(dir.path(), "runs", shard, part);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, b"").unwrap();
        }
        let parts = Parts::in_directory(dir.path()).unwrap();
        assert_eq!(parts.parts, [(0, 1), (2, 3), (2, 100_000), (10, 0)]);
        std::fs::write(dir.path().join("runs/shard=2/copy.parquet"), b"").unwrap();
        let error = Parts::in_directory(dir.path()).unwrap_err().to_string();
        assert!(
            error.contains("copy.parquet is not a part of a sweep"),
            "{error}"
        );
    }
}
