//! A user's time series (docs/model.md §9): a timestamp column and kW or kWh columns of a CSV or
//! Parquet file, held as steps and resampled to any interval conserving energy.

use super::ProfileError;
use crate::scenario::{SeriesSpec, SeriesUnit};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use std::path::Path;

/// How a timestamp becomes simulated time.
#[derive(Debug, Clone, Copy)]
pub(super) struct Clock {
    /// The day whose local midnight is simulated time 0 (needed for date-times).
    pub(super) start_date: Option<NaiveDate>,
    /// Local time minus UTC, h.
    pub(super) utc_offset_h: f64,
}

impl Clock {
    /// Simulated time of a timestamp, s: a number is already simulated seconds; a local
    /// date-time (`2024-05-01T12:00:00`, `2024-05-01 12:00`) counts from local midnight of the
    /// start date; an RFC 3339 time with an offset is converted through the UTC offset.
    fn seconds(&self, text: &str) -> Result<f64, String> {
        let text = text.trim();
        if let Ok(s) = text.parse::<f64>() {
            return if s.is_finite() {
                Ok(s)
            } else {
                Err(format!("`{text}` is not a finite time"))
            };
        }
        let Some(date) = self.start_date else {
            return Err(format!(
                "`{text}` is a date-time, which needs `time.start_date`; or give seconds of \
                 simulated time"
            ));
        };
        let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
        let since_midnight = |t: NaiveDateTime| {
            (t - midnight)
                .num_microseconds()
                .map(|us| us as f64 / 1e6)
                .ok_or_else(|| format!("`{text}` is too far from the start date"))
        };
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            let offset = chrono::Duration::milliseconds((self.utc_offset_h * 3.6e6).round() as i64);
            return since_midnight(t.naive_utc() + offset);
        }
        const LOCAL: [&str; 4] = [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%d %H:%M",
        ];
        LOCAL
            .iter()
            .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
            .map_or_else(
                || {
                    Err(format!(
                        "`{text}` is neither seconds nor a date-time such as 2024-05-01T12:00:00"
                    ))
                },
                since_midnight,
            )
    }
}

/// One column as steps of mean power: row `i` covers `[starts[i], starts[i + 1])`, the last row
/// as long as the one before.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Series {
    starts: Vec<f64>,
    ends: Vec<f64>,
    kw: Vec<f64>,
}

impl Series {
    /// Steps from timestamps (strictly increasing, at least two) and values in `unit`.
    fn new(times_s: &[f64], values: &[f64], unit: SeriesUnit) -> Self {
        let n = times_s.len();
        let ends: Vec<f64> = (0..n)
            .map(|i| match times_s.get(i + 1) {
                Some(&next) => next,
                None => 2.0 * times_s[n - 1] - times_s[n - 2],
            })
            .collect();
        let kw = (0..n)
            .map(|i| match unit {
                SeriesUnit::Kw | SeriesUnit::Multiplier => values[i],
                SeriesUnit::Kwh => values[i] * 3600.0 / (ends[i] - times_s[i]),
            })
            .collect();
        Series {
            starts: times_s.to_vec(),
            ends,
            kw,
        }
    }

    /// The simulated times it covers, s.
    pub(super) fn span_s(&self) -> (f64, f64) {
        (self.starts[0], self.ends[self.ends.len() - 1])
    }

    /// Its energy over `[from_s, to_s)`, kWh: each row's mean power over its overlap with the
    /// interval; nothing outside the series.
    pub(super) fn energy_kwh(&self, from_s: f64, to_s: f64) -> f64 {
        let first = self.ends.partition_point(|&end| end <= from_s);
        let mut kwh = 0.0;
        for i in first..self.starts.len() {
            if self.starts[i] >= to_s {
                break;
            }
            let overlap_s = self.ends[i].min(to_s) - self.starts[i].max(from_s);
            kwh += self.kw[i] * overlap_s / 3600.0;
        }
        kwh
    }
}

/// One column read from a file: values with the position each came from.
struct Column {
    name: String,
    cells: Vec<(String, String)>,
}

/// The columns `names` of a table, as text cells with their positions (`line N` or `row N`).
fn read_columns(file: &Path, names: &[&str]) -> Result<Vec<Column>, ProfileError> {
    // A device or pipe named `*.csv` could be read forever.
    let metadata = std::fs::metadata(file).map_err(|e| file_error(file, e.to_string()))?;
    if !metadata.is_file() {
        return Err(file_error(file, "not a regular file"));
    }
    let is_csv = file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        read_csv(file, names)
    } else {
        read_parquet(file, names)
    }
}

fn file_error(file: &Path, message: impl Into<String>) -> ProfileError {
    ProfileError::SeriesFile {
        file: file.to_path_buf(),
        message: message.into(),
    }
}

fn missing(file: &Path, name: &str, present: &[String]) -> ProfileError {
    file_error(
        file,
        format!("no column `{name}` (its columns: {})", present.join(", ")),
    )
}

fn read_csv(file: &Path, names: &[&str]) -> Result<Vec<Column>, ProfileError> {
    let mut reader = csv::Reader::from_path(file).map_err(|e| file_error(file, e.to_string()))?;
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| file_error(file, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let indices = names
        .iter()
        .map(|name| {
            headers
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| missing(file, name, &headers))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut columns: Vec<Column> = names
        .iter()
        .map(|n| Column {
            name: n.to_string(),
            cells: Vec::new(),
        })
        .collect();
    for record in reader.records() {
        let record = record.map_err(|e| file_error(file, e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        for (column, &index) in columns.iter_mut().zip(&indices) {
            let cell = record.get(index).unwrap_or("").to_string();
            column.cells.push((format!("line {line}"), cell));
        }
    }
    Ok(columns)
}

fn read_parquet(file: &Path, names: &[&str]) -> Result<Vec<Column>, ProfileError> {
    use polars::prelude::DataType;
    let frame = crate::output::read_parquet(file).map_err(|e| file_error(file, e.to_string()))?;
    let present: Vec<String> = frame
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    names
        .iter()
        .map(|&name| {
            let column = frame
                .column(name)
                .map_err(|_| missing(file, name, &present))?;
            let unreadable =
                |e: polars::error::PolarsError| file_error(file, format!("column `{name}`: {e}"));
            let texts: Vec<Option<String>> = if column.dtype() == &DataType::String {
                let strings = column.str().map_err(unreadable)?;
                (0..strings.len())
                    .map(|i| strings.get(i).map(str::to_string))
                    .collect()
            } else if column.dtype().is_primitive_numeric() {
                let numbers = column.cast(&DataType::Float64).map_err(unreadable)?;
                let numbers = numbers.f64().map_err(unreadable)?;
                (0..numbers.len())
                    .map(|i| numbers.get(i).map(|v| v.to_string()))
                    .collect()
            } else {
                return Err(file_error(
                    file,
                    format!(
                        "column `{name}` is of type {}; give numbers (seconds, kW, kWh) or \
                         date-time text",
                        column.dtype()
                    ),
                ));
            };
            Ok(Column {
                name: name.to_string(),
                cells: texts
                    .into_iter()
                    .enumerate()
                    .map(|(i, t)| (format!("row {}", i + 1), t.unwrap_or_default()))
                    .collect(),
            })
        })
        .collect()
}

/// Reads `spec`'s file (`file`, resolved against the scenario's directory) and makes a
/// [`Series`] of each of `columns`.
pub(super) fn read(
    file: &Path,
    spec: &SeriesSpec,
    columns: &[String],
    clock: Clock,
) -> Result<Vec<Series>, ProfileError> {
    let mut names = vec![spec.time_column.as_str()];
    names.extend(columns.iter().map(String::as_str));
    let mut read = read_columns(file, &names)?.into_iter();
    let times = read.next().expect("the time column is asked for");
    let value_error =
        |column: &Column, position: &str, message: String| ProfileError::SeriesValue {
            file: file.to_path_buf(),
            position: position.to_string(),
            column: column.name.clone(),
            message,
        };
    if times.cells.len() < 2 {
        return Err(file_error(
            file,
            "needs at least two rows (a row's span runs to the next row's time)",
        ));
    }
    let mut times_s = Vec::with_capacity(times.cells.len());
    for (position, text) in &times.cells {
        let t = clock
            .seconds(text)
            .map_err(|m| value_error(&times, position, m))?;
        if times_s.last().is_some_and(|&previous| t <= previous) {
            return Err(value_error(
                &times,
                position,
                format!("times must increase strictly, but {t} s does not follow the row before"),
            ));
        }
        times_s.push(t);
    }
    read.map(|column| {
        let values = column
            .cells
            .iter()
            .map(|(position, text)| match text.trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
                _ => Err(value_error(
                    &column,
                    position,
                    format!("must be a number >= 0, got `{text}`"),
                )),
            })
            .collect::<Result<Vec<f64>, _>>()?;
        Ok(Series::new(&times_s, &values, spec.unit))
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_conserves_energy() {
        // Irregular rows of kWh: 1.5 kWh over 10 min, 0.2 over 7 min, 3 over 23 min, 0.4 over
        // 23 min (the last row as long as the one before).
        let times = [0.0, 600.0, 1020.0, 2400.0];
        let series = Series::new(&times, &[1.5, 0.2, 3.0, 0.4], SeriesUnit::Kwh);
        assert_eq!(series.span_s(), (0.0, 3780.0));
        for interval_s in [60.0, 300.0, 900.0, 777.0, 3600.0] {
            let n = (3780.0_f64 / interval_s).ceil() as usize;
            let total: f64 = (0..n)
                .map(|k| series.energy_kwh(k as f64 * interval_s, (k + 1) as f64 * interval_s))
                .sum();
            assert!((total - 5.1).abs() < 1e-12, "{interval_s}: {total}");
        }
        // 15-min intervals: 1.5 + 5/7 × 0.2, then 2/7 × 0.2 + 18/23 × 3, then 5/23 × 3.
        let first = series.energy_kwh(0.0, 900.0);
        assert!((first - (1.5 + 0.2 * 300.0 / 420.0)).abs() < 1e-12);
        let second = series.energy_kwh(900.0, 1800.0);
        assert!((second - (0.2 * 120.0 / 420.0 + 3.0 * 780.0 / 1380.0)).abs() < 1e-12);
        // kW rows: a constant 4 kW over the hour is 1 kWh per 15 min; outside, nothing.
        let flat = Series::new(&[0.0, 1800.0], &[4.0, 4.0], SeriesUnit::Kw);
        assert!((flat.energy_kwh(900.0, 1800.0) - 1.0).abs() < 1e-12);
        assert_eq!(flat.energy_kwh(3600.0, 4500.0), 0.0);
    }

    #[test]
    fn timestamps_are_seconds_local_date_times_or_rfc3339() {
        let clock = Clock {
            start_date: NaiveDate::from_ymd_opt(2024, 5, 1),
            utc_offset_h: 5.5,
        };
        assert_eq!(clock.seconds("900"), Ok(900.0));
        assert_eq!(clock.seconds("2024-05-01T12:00:00"), Ok(43_200.0));
        assert_eq!(clock.seconds("2024-05-02 00:15"), Ok(87_300.0));
        assert_eq!(clock.seconds("2024-05-01T06:30:00Z"), Ok(43_200.0));
        assert_eq!(clock.seconds("2024-05-01T12:00:00+05:30"), Ok(43_200.0));
        assert!(clock.seconds("noon").unwrap_err().contains("`noon`"));
        let no_date = Clock {
            start_date: None,
            utc_offset_h: 0.0,
        };
        assert!(
            no_date
                .seconds("2024-05-01T12:00:00")
                .unwrap_err()
                .contains("time.start_date")
        );
    }
}
