//! The profile table of an imported feeder: every load and PV shape on one time axis, repeated
//! over the horizon as OpenDSS repeats a shape, written as Parquet beside the scenario.

use polars::prelude::{Column, DataFrame, ParquetWriter};
use std::path::Path;

/// A shape to put in the table: its name, its step and its multipliers.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Shape {
    /// The column name (the profile's name).
    pub name: String,
    /// Seconds per value.
    pub step_s: f64,
    /// The values, repeated from the start when the horizon is longer.
    pub values: Vec<f64>,
}

/// Shapes on a common step over a horizon: a `timestamp` column (seconds of simulated time)
/// and one column per shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileTable {
    /// Seconds between rows.
    pub step_s: f64,
    /// The start of each row, s.
    pub timestamps_s: Vec<f64>,
    /// Each shape's name and its value in each row.
    pub columns: Vec<(String, Vec<f64>)>,
}

/// The largest table written: rows × columns.
const MAX_CELLS: usize = 50_000_000;

impl ProfileTable {
    /// The shapes on the greatest common step of theirs (to the millisecond) over
    /// `[0, horizon_s)`; `Err` with a message when the steps have no common step of a
    /// millisecond or more or the table would exceed [`MAX_CELLS`].
    pub(super) fn new(shapes: &[Shape], horizon_s: f64) -> Result<Self, String> {
        let millis = |s: f64| (s * 1000.0).round() as u64;
        let step_ms = shapes.iter().map(|s| millis(s.step_s)).fold(0, gcd);
        if step_ms == 0 {
            return Err("a shape's interval is shorter than a millisecond".to_string());
        }
        let step_s = step_ms as f64 / 1000.0;
        let rows = (horizon_s / step_s).ceil() as usize;
        if rows.saturating_mul(shapes.len()) > MAX_CELLS {
            return Err(format!(
                "{} shapes on a {step_s} s step over {horizon_s} s is {rows} rows each, more than \
                 {MAX_CELLS} values: shorten the horizon (--days)",
                shapes.len()
            ));
        }
        let timestamps_s = (0..rows).map(|r| r as f64 * step_s).collect();
        let columns = shapes
            .iter()
            .map(|shape| {
                let per_value = millis(shape.step_s) / step_ms;
                let values = (0..rows as u64)
                    .map(|r| shape.values[((r / per_value) % shape.values.len() as u64) as usize])
                    .collect();
                (shape.name.clone(), values)
            })
            .collect();
        Ok(ProfileTable {
            step_s,
            timestamps_s,
            columns,
        })
    }

    /// The table as Parquet bytes.
    pub fn to_parquet(&self) -> Result<Vec<u8>, polars::error::PolarsError> {
        let mut columns = vec![Column::new("timestamp".into(), &self.timestamps_s)];
        columns.extend(
            self.columns
                .iter()
                .map(|(name, values)| Column::new(name.as_str().into(), values)),
        );
        let mut frame = DataFrame::new(self.timestamps_s.len(), columns)?;
        let mut bytes = Vec::new();
        ParquetWriter::new(&mut bytes).finish(&mut frame)?;
        Ok(bytes)
    }

    /// Writes the table to `path` atomically.
    pub fn write(&self, path: &Path) -> Result<(), std::io::Error> {
        let bytes = self.to_parquet().map_err(std::io::Error::other)?;
        crate::io::write_atomic(path, &bytes)
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_of_different_steps_share_the_finest_and_repeat() {
        let shapes = [
            Shape {
                name: "hourly".into(),
                step_s: 3600.0,
                values: vec![1.0, 2.0],
            },
            Shape {
                name: "half".into(),
                step_s: 1800.0,
                values: vec![5.0, 6.0, 7.0],
            },
        ];
        let table = ProfileTable::new(&shapes, 3.0 * 3600.0).unwrap();
        assert_eq!(table.step_s, 1800.0);
        assert_eq!(table.timestamps_s.len(), 6);
        assert_eq!(table.columns[0].1, [1.0, 1.0, 2.0, 2.0, 1.0, 1.0]);
        assert_eq!(table.columns[1].1, [5.0, 6.0, 7.0, 5.0, 6.0, 7.0]);
        let huge = Shape {
            name: "ms".into(),
            step_s: 0.001,
            values: vec![1.0],
        };
        let error = ProfileTable::new(&[huge], 86_400.0 * 365.0).unwrap_err();
        assert!(error.contains("shorten the horizon"), "{error}");
    }
}
