//! Parquet outputs, generic: a table (a polars DataFrame, built by its owner — the simulator's
//! in [`crate::sim::tables`], a benchmark's in [`crate::caliper::report`]) written atomically
//! ([`crate::io`]) with metadata that says where its rows came from and what its columns mean.
//!
//! Every column, its type, unit and meaning is in docs/outputs.md, the single reference: each
//! file carries those descriptions as key-value metadata `blackstart.column.<name>`
//! ([`columns`]), beside its provenance (`blackstart.scenario`, `blackstart.scenario_hash`,
//! `blackstart.seeds`, `blackstart.version`).

pub mod columns;

pub use columns::Table;

use crate::io::write_atomic;
use crate::scenario::Scenario;
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Why an output could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file or directory operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// polars could not encode or read a table.
    #[error("{path}: {source}")]
    Polars {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: PolarsError,
    },
}

/// Where a file's rows came from, stored in its Parquet metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// The scenario's name.
    pub scenario: String,
    /// SHA-256 of the scenario as loaded (after `extends`), hex.
    pub scenario_hash: String,
    /// First and last run index of the rows.
    pub runs: (u64, u64),
    /// Further `blackstart.*` entries (e.g. a benchmark's chain profile), in order.
    pub extra: Vec<(String, String)>,
}

impl Provenance {
    /// The provenance of runs `first..=last` of `scenario`.
    pub fn new(scenario: &Scenario, first: u64, last: u64) -> Self {
        Provenance {
            scenario: scenario.name.clone(),
            scenario_hash: scenario_hash(scenario),
            runs: (first, last),
            extra: Vec::new(),
        }
    }

    /// This provenance with one more entry, stored as `blackstart.{key}`.
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.extra.push((format!("blackstart.{key}"), value.into()));
        self
    }

    fn key_values(&self) -> Vec<(String, String)> {
        let mut entries = vec![
            ("blackstart.scenario".into(), self.scenario.clone()),
            (
                "blackstart.scenario_hash".into(),
                self.scenario_hash.clone(),
            ),
            (
                "blackstart.seeds".into(),
                format!("runs {}..={}", self.runs.0, self.runs.1),
            ),
            (
                "blackstart.version".into(),
                env!("CARGO_PKG_VERSION").into(),
            ),
        ];
        entries.extend(self.extra.iter().cloned());
        entries
    }
}

/// SHA-256 of the scenario's canonical JSON form, hex: the same for the same scenario however
/// its file is laid out.
pub fn scenario_hash(scenario: &Scenario) -> String {
    let canonical = serde_json::to_string(scenario).expect("a scenario serialises");
    Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `frame`, a table `table`, to `path` atomically ([`write_atomic`]), so a reader (or a
/// resumed sweep) only ever sees whole files. The file's key-value metadata holds the
/// provenance and the description of every column ([`columns::key_values`]).
pub fn write_parquet(
    path: &Path,
    table: Table,
    frame: &mut DataFrame,
    provenance: &Provenance,
) -> Result<(), OutputError> {
    let mut metadata = provenance.key_values();
    metadata.extend(columns::key_values(table, frame));
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes)
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(metadata)))
        .finish(frame)
        .map_err(|source| OutputError::Polars {
            path: path.to_path_buf(),
            source,
        })?;
    write_atomic(path, &bytes).map_err(|source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads a Parquet file written by [`write_parquet`].
pub fn read_parquet(path: &Path) -> Result<DataFrame, OutputError> {
    read_parquet_projected(path, None)
}

/// Reads only the columns `columns` of a Parquet file written by [`write_parquet`], those of
/// them it has (a table written by an older blackstart may lack some): the rest of the file is
/// never decoded, which is what keeps reading a large table's few columns cheap.
pub fn read_parquet_columns(path: &Path, columns: &[&str]) -> Result<DataFrame, OutputError> {
    read_parquet_projected(path, Some(columns))
}

fn read_parquet_projected(path: &Path, columns: Option<&[&str]>) -> Result<DataFrame, OutputError> {
    let polars = |source| OutputError::Polars {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(|source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = ParquetReader::new(file);
    if let Some(columns) = columns {
        let schema = reader.schema().map_err(polars)?;
        let present = columns
            .iter()
            .filter(|c| schema.contains(c))
            .map(|c| c.to_string())
            .collect();
        reader = reader.with_columns(Some(present));
    }
    reader.finish().map_err(polars)
}

/// The key-value metadata of a Parquet file, in its order (entries without a value left out).
pub fn read_metadata(path: &Path) -> Result<Vec<(String, String)>, OutputError> {
    let file = File::open(path).map_err(|source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = ParquetReader::new(file);
    let metadata = reader
        .get_metadata()
        .map_err(|source| OutputError::Polars {
            path: path.to_path_buf(),
            source,
        })?;
    Ok(metadata
        .key_value_metadata()
        .iter()
        .flatten()
        .filter_map(|kv| Some((kv.key.clone(), kv.value.clone()?)))
        .collect())
}

/// A table's column named `name`, one value per row.
pub fn column<T, P: ?Sized>(name: &str, values: T) -> Column
where
    Series: NamedFrom<T, P>,
{
    Column::new(name.into(), values)
}

/// A list-of-strings column, one list per row, typed even without rows.
pub fn string_lists<'a>(name: &str, lists: impl Iterator<Item = &'a [String]>) -> Column {
    let rows: Vec<Series> = lists.map(|l| Series::new("".into(), l)).collect();
    // Typed even without rows, when nothing could be inferred.
    Column::new(name.into(), rows)
        .cast(&DataType::List(Box::new(DataType::String)))
        .expect("lists of strings cast to their own type")
}

/// A table of `columns`, which have one length.
pub fn frame(columns: Vec<Column>) -> DataFrame {
    DataFrame::new_infer_height(columns).expect("columns of one table have one length")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_file_carries_its_provenance_and_column_descriptions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("runs/part.parquet");
        let provenance = Provenance {
            scenario: "tiny".into(),
            scenario_hash: "00".into(),
            runs: (3, 4),
            extra: Vec::new(),
        };
        write_parquet(
            &path,
            Table::Runs,
            &mut crate::sim::tables::runs_frame(&[]),
            &provenance,
        )
        .unwrap();
        let metadata = read_metadata(&path).unwrap();
        let value = |key: &str| {
            metadata
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .unwrap_or_else(|| panic!("no {key} in {metadata:?}"))
        };
        assert_eq!(value("blackstart.seeds"), "runs 3..=4");
        assert_eq!(value("blackstart.scenario"), "tiny");
        assert!(
            value("blackstart.column.mttr_s")
                .starts_with("s — eq. 15's MTTR: mean over the run's restored islands"),
            "{}",
            value("blackstart.column.mttr_s")
        );
        assert!(
            value("blackstart.column.customer_restoration_mean_s").contains("docs/model.md §7")
        );
        assert_eq!(
            value("blackstart.column.seed"),
            "seed of every random stream of the run, derived from (scenario seed, run index)"
        );
        assert_eq!(
            value("blackstart.column.energy_not_served_kwh"),
            "kWh — demand not supplied while consumers were interrupted, summed over their \
             interruptions, as the plant settled it interval by interval (docs/model.md §9)"
        );
        let described = metadata
            .iter()
            .filter(|(k, _)| k.starts_with(columns::COLUMN_KEY_PREFIX))
            .count();
        assert_eq!(described, crate::sim::tables::runs_frame(&[]).width());
        // The table itself reads back whole.
        assert_eq!(read_parquet(&path).unwrap().width(), described);
    }
}
