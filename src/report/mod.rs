//! Parquet outputs: run results as polars DataFrames with stable, documented columns, written
//! atomically with metadata that says where they came from.
//!
//! Tables: `runs` (one row per run), `interruptions` (one per interruption of a consumer),
//! `allocations` (one per prosumer per island per run), `events` (one per logged event) and
//! `transactions` (one per transaction). Every column, its type, unit and meaning is in
//! docs/outputs.md, the single reference: each file carries those descriptions as key-value
//! metadata `blackstart.column.<name>` ([`columns`]), beside its provenance
//! (`blackstart.scenario`, `blackstart.scenario_hash`, `blackstart.seeds`,
//! `blackstart.version`).

pub mod columns;

pub use columns::Table;

use crate::scenario::Scenario;
use crate::sim::RunReport;
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::path::{Path, PathBuf};

/// Why an output could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file or directory operation failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// polars could not build, write or read a table.
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

/// Marker in the name of a temporary file: `<name>.tmp-<writer>`.
pub const TEMPORARY_MARKER: &str = ".tmp-";

/// The temporary file beside `path` this process writes before renaming it to `path`:
/// `<name>.tmp-<pid>-<random>`. The name carries its writer (the process id, and a random part
/// drawn once per process, so processes on different machines sharing a directory never pick
/// the same name), and the final file's name, which says whose it is (a sweep part names its
/// shard).
pub fn temporary_path(path: &Path) -> PathBuf {
    static WRITER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let writer = WRITER.get_or_init(|| {
        use std::hash::BuildHasher;
        // Each process seeds its hash keys from the operating system's randomness.
        let random = std::collections::hash_map::RandomState::new().hash_one(0u8);
        format!("{}-{:08x}", std::process::id(), random as u32)
    });
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!("{TEMPORARY_MARKER}{writer}"));
    PathBuf::from(temporary)
}

/// Writes `bytes` to `path` atomically (creating its directory): a temporary file beside it
/// ([`temporary_path`]), then a rename, so a reader only ever sees a whole file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = temporary_path(path);
    std::fs::write(&temporary, bytes)?;
    std::fs::rename(&temporary, path)
}

/// Writes `frame`, a table `table`, to `path` atomically: a temporary file beside it, then a
/// rename, so a reader (or a resumed sweep) only ever sees whole files. The file's key-value
/// metadata holds the provenance and the description of every column ([`columns::key_values`]).
pub fn write_parquet(
    path: &Path,
    table: Table,
    frame: &mut DataFrame,
    provenance: &Provenance,
) -> Result<(), ReportError> {
    let io = |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let temporary = temporary_path(path);
    let file = File::create(&temporary).map_err(io)?;
    let mut metadata = provenance.key_values();
    metadata.extend(columns::key_values(table, frame));
    ParquetWriter::new(file)
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(metadata)))
        .finish(frame)
        .map_err(|source| ReportError::Polars {
            path: path.to_path_buf(),
            source,
        })?;
    File::open(&temporary)
        .and_then(|f| f.sync_all())
        .map_err(io)?;
    std::fs::rename(&temporary, path).map_err(io)
}

/// Reads a Parquet file written by [`write_parquet`].
pub fn read_parquet(path: &Path) -> Result<DataFrame, ReportError> {
    let file = File::open(path).map_err(|source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    ParquetReader::new(file)
        .finish()
        .map_err(|source| ReportError::Polars {
            path: path.to_path_buf(),
            source,
        })
}

/// The key-value metadata of a Parquet file, in its order (entries without a value left out).
pub fn read_metadata(path: &Path) -> Result<Vec<(String, String)>, ReportError> {
    let file = File::open(path).map_err(|source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut reader = ParquetReader::new(file);
    let metadata = reader
        .get_metadata()
        .map_err(|source| ReportError::Polars {
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

/// A list-of-strings column, one list per row.
fn string_lists<'a>(name: &str, lists: impl Iterator<Item = &'a [String]>) -> Column {
    let rows: Vec<Series> = lists.map(|l| Series::new("".into(), l)).collect();
    // Typed even without rows, when nothing could be inferred.
    Column::new(name.into(), rows)
        .cast(&DataType::List(Box::new(DataType::String)))
        .expect("lists of strings cast to their own type")
}

fn frame(columns: Vec<Column>) -> DataFrame {
    DataFrame::new_infer_height(columns).expect("columns of one table have one length")
}

fn column<T, P: ?Sized>(name: &str, values: T) -> Column
where
    Series: NamedFrom<T, P>,
{
    Column::new(name.into(), values)
}

/// The `runs` table of `reports`.
pub fn runs_frame(reports: &[RunReport]) -> DataFrame {
    let f = |get: fn(&RunReport) -> f64| reports.iter().map(get).collect::<Vec<f64>>();
    let u = |get: fn(&RunReport) -> u64| reports.iter().map(get).collect::<Vec<u64>>();
    frame(vec![
        column("run_index", u(|r| r.plan.run_index)),
        column("seed", u(|r| r.seed)),
        column(
            "fault_set",
            reports
                .iter()
                .map(|r| r.plan.fault_set.map(|s| s as u64))
                .collect::<Vec<Option<u64>>>(),
        ),
        column(
            "fault_time_s",
            f(|r| r.plan.faults.iter().map(|f| f.1).fold(f64::NAN, f64::min)),
        ),
        column("weather_factor", f(|r| r.plan.weather_factor)),
        column("demand_factor", f(|r| r.plan.demand_factor)),
        column("latency_factor", f(|r| r.plan.latency_factor)),
        column(
            "block_interval_s",
            reports
                .iter()
                .map(|r| r.plan.block_interval_s)
                .collect::<Vec<Option<f64>>>(),
        ),
        string_lists(
            "backed_off",
            reports.iter().map(|r| r.plan.back_off.as_slice()),
        ),
        column(
            "status",
            reports
                .iter()
                .map(|r| r.status.as_str())
                .collect::<Vec<&str>>(),
        ),
        column(
            "failure_reason",
            reports
                .iter()
                .map(|r| r.failure_reason.as_ref().map(|f| f.as_str()))
                .collect::<Vec<Option<&str>>>(),
        ),
        column(
            "failure_detail",
            reports
                .iter()
                .map(|r| r.failure_reason.as_ref().map(|f| f.to_string()))
                .collect::<Vec<Option<String>>>(),
        ),
        column(
            "customer_restoration_mean_s",
            reports
                .iter()
                .map(|r| r.customer_restoration_mean_s)
                .collect::<Vec<Option<f64>>>(),
        ),
        column("customers_censored", u(|r| r.customers_censored as u64)),
        column("window_end_s", f(|r| r.window_end_s)),
        column(
            "mttr_s",
            reports
                .iter()
                .map(|r| r.mttr_s)
                .collect::<Vec<Option<f64>>>(),
        ),
        column("detection_s", f(|r| r.phases.detection_s)),
        column("communication_s", f(|r| r.phases.communication_s)),
        column("chain_s", f(|r| r.phases.chain_s)),
        column("optimisation_s", f(|r| r.phases.optimisation_s)),
        column("switching_s", f(|r| r.phases.switching_s)),
        column("verification_s", f(|r| r.phases.verification_s)),
        column("rounds", u(|r| u64::from(r.rounds))),
        column("outages", u(|r| r.outages as u64)),
        column("restored_outages", u(|r| r.restored_outages as u64)),
        column("customers_interrupted", u(|r| r.consumers.len() as u64)),
        column("customers_sustained", u(|r| r.customers_sustained() as u64)),
        column(
            "customer_minutes_interrupted",
            f(RunReport::customer_minutes_interrupted),
        ),
        column("energy_not_served_kwh", f(|r| r.energy_not_served_kwh)),
        column("rewards_inr", f(|r| r.rewards_inr)),
        column("rewards_capped_inr", f(|r| r.rewards_capped_inr)),
        column("transactions", u(|r| r.transactions as u64)),
        column(
            "reverted_transactions",
            u(|r| r.reverted_transactions as u64),
        ),
        column("gas_used", u(|r| r.gas_used)),
    ])
}

/// The `interruptions` table of `reports`.
pub fn interruptions_frame(reports: &[RunReport]) -> DataFrame {
    let rows: Vec<(u64, &crate::sim::ConsumerOutcome)> = reports
        .iter()
        .flat_map(|r| r.consumers.iter().map(move |c| (r.plan.run_index, c)))
        .collect();
    frame(vec![
        column("run_index", rows.iter().map(|r| r.0).collect::<Vec<u64>>()),
        column(
            "consumer",
            rows.iter().map(|r| r.1.id.clone()).collect::<Vec<String>>(),
        ),
        column(
            "interrupted_at_s",
            rows.iter()
                .map(|r| r.1.interrupted_at_s)
                .collect::<Vec<f64>>(),
        ),
        column(
            "restored_at_s",
            rows.iter()
                .map(|r| r.1.restored_at_s)
                .collect::<Vec<Option<f64>>>(),
        ),
        column(
            "duration_s",
            rows.iter()
                .map(|r| r.1.interruption_s)
                .collect::<Vec<f64>>(),
        ),
        column(
            "sustained",
            rows.iter()
                .map(|r| crate::reliability::is_sustained(r.1.interruption_s))
                .collect::<Vec<bool>>(),
        ),
        column(
            "censored",
            rows.iter().map(|r| r.1.censored).collect::<Vec<bool>>(),
        ),
    ])
}

/// The `allocations` table of `reports`.
pub fn allocations_frame(reports: &[RunReport]) -> DataFrame {
    let rows: Vec<(u64, &crate::sim::AllocationRow)> = reports
        .iter()
        .flat_map(|r| r.allocations.iter().map(move |a| (r.plan.run_index, a)))
        .collect();
    frame(vec![
        column("run_index", rows.iter().map(|r| r.0).collect::<Vec<u64>>()),
        column(
            "island",
            rows.iter().map(|r| r.1.island as u64).collect::<Vec<u64>>(),
        ),
        column(
            "prosumer",
            rows.iter().map(|r| r.1.id.clone()).collect::<Vec<String>>(),
        ),
        column(
            "delta_kwh",
            rows.iter().map(|r| r.1.delta_kwh).collect::<Vec<f64>>(),
        ),
        column(
            "alpha",
            rows.iter().map(|r| r.1.alpha).collect::<Vec<f64>>(),
        ),
        column("beta", rows.iter().map(|r| r.1.beta).collect::<Vec<f64>>()),
        column(
            "reward_inr",
            rows.iter().map(|r| r.1.reward_inr).collect::<Vec<f64>>(),
        ),
        column(
            "backed_off",
            rows.iter().map(|r| r.1.backed_off).collect::<Vec<bool>>(),
        ),
    ])
}

/// The `events` table of `reports` (empty unless the runs recorded events).
pub fn events_frame(reports: &[RunReport]) -> DataFrame {
    let rows: Vec<(u64, &crate::sim::LogEvent)> = reports
        .iter()
        .flat_map(|r| r.events.iter().map(move |e| (r.plan.run_index, e)))
        .collect();
    frame(vec![
        column("run_index", rows.iter().map(|r| r.0).collect::<Vec<u64>>()),
        column(
            "time_s",
            rows.iter().map(|r| r.1.time_s).collect::<Vec<f64>>(),
        ),
        column(
            "source",
            rows.iter()
                .map(|r| r.1.source.clone())
                .collect::<Vec<String>>(),
        ),
        column(
            "kind",
            rows.iter()
                .map(|r| r.1.kind.as_str())
                .collect::<Vec<&str>>(),
        ),
        column(
            "island",
            rows.iter()
                .map(|r| r.1.island.map(|i| i as u64))
                .collect::<Vec<Option<u64>>>(),
        ),
        column(
            "round",
            rows.iter().map(|r| r.1.round).collect::<Vec<Option<u32>>>(),
        ),
        string_lists("entities", rows.iter().map(|r| r.1.entities.as_slice())),
        column(
            "deficit_kwh",
            rows.iter()
                .map(|r| r.1.deficit_kwh)
                .collect::<Vec<Option<f64>>>(),
        ),
        column(
            "amount_inr",
            rows.iter()
                .map(|r| r.1.amount_inr)
                .collect::<Vec<Option<f64>>>(),
        ),
        column(
            "detail",
            rows.iter()
                .map(|r| r.1.detail.clone())
                .collect::<Vec<String>>(),
        ),
    ])
}

/// The `transactions` table of `reports`.
pub fn transactions_frame(reports: &[RunReport]) -> DataFrame {
    let rows: Vec<(u64, &crate::sim::TransactionRow)> = reports
        .iter()
        .flat_map(|r| r.transaction_log.iter().map(move |t| (r.plan.run_index, t)))
        .collect();
    let f = |get: fn(&crate::sim::TransactionRow) -> f64| {
        rows.iter().map(|r| get(r.1)).collect::<Vec<f64>>()
    };
    frame(vec![
        column("run_index", rows.iter().map(|r| r.0).collect::<Vec<u64>>()),
        column(
            "function",
            rows.iter()
                .map(|r| r.1.function.to_string())
                .collect::<Vec<String>>(),
        ),
        column(
            "status",
            rows.iter()
                .map(|r| r.1.status.clone())
                .collect::<Vec<String>>(),
        ),
        column(
            "gas_used",
            rows.iter().map(|r| r.1.gas_used).collect::<Vec<u64>>(),
        ),
        column("submitted_at_s", f(|t| t.submitted_at_s)),
        column("processed_at_s", f(|t| t.processed_at_s)),
        column("included_at_s", f(|t| t.included_at_s)),
        column("confirmed_at_s", f(|t| t.confirmed_at_s)),
        column(
            "block",
            rows.iter().map(|r| r.1.block).collect::<Vec<u64>>(),
        ),
    ])
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
        write_parquet(&path, Table::Runs, &mut runs_frame(&[]), &provenance).unwrap();
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
            "kWh — demand not supplied while consumers were interrupted, summed over consumers"
        );
        let described = metadata
            .iter()
            .filter(|(k, _)| k.starts_with(columns::COLUMN_KEY_PREFIX))
            .count();
        assert_eq!(described, runs_frame(&[]).width());
        // The table itself reads back whole.
        assert_eq!(read_parquet(&path).unwrap().width(), described);
    }
}
