//! A SimBench table: a semicolon-separated CSV file with a header line, `NULL` for no value.

use super::error::{Location, SimbenchError};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The rows of one table, with the header and the columns read so far.
pub(super) struct Table {
    file: Arc<Path>,
    header: Vec<String>,
    /// Each row's line number and fields.
    pub rows: Vec<(usize, Vec<String>)>,
    read: BTreeSet<usize>,
}

/// A column's index in a table, found once.
#[derive(Clone, Copy)]
pub(super) struct Column {
    index: usize,
    name: &'static str,
}

impl Table {
    /// Reads `dir/<name>.csv`; `Ok(None)` when the file does not exist.
    pub(super) fn open(dir: &Path, name: &str) -> Result<Option<Table>, SimbenchError> {
        let path = dir.join(format!("{name}.csv"));
        if !path.is_file() {
            return Ok(None);
        }
        let read_error = |source| SimbenchError::Read {
            file: path.clone(),
            source,
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .flexible(true)
            .from_path(&path)
            .map_err(read_error)?;
        let file: Arc<Path> = Arc::from(path.as_path());
        let mut header = None;
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(read_error)?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            let fields: Vec<String> = record.iter().map(|f| f.trim().to_string()).collect();
            match &header {
                None => header = Some(fields),
                Some(h) if fields.len() != h.len() => {
                    return Err(SimbenchError::FieldCount {
                        at: Location { file, line },
                        expected: h.len(),
                        found: fields.len(),
                    });
                }
                Some(_) => rows.push((line, fields)),
            }
        }
        Ok(Some(Table {
            file,
            header: header.unwrap_or_default(),
            rows,
            read: BTreeSet::new(),
        }))
    }

    /// Reads `dir/<name>.csv`, which must exist.
    pub(super) fn require(dir: &Path, name: &'static str) -> Result<Table, SimbenchError> {
        Table::open(dir, name)?.ok_or_else(|| SimbenchError::MissingTable {
            dir: dir.to_path_buf(),
            table: name,
        })
    }

    /// The place of line `line`.
    pub(super) fn at(&self, line: usize) -> Location {
        Location {
            file: self.file.clone(),
            line,
        }
    }

    /// The column named `name`, which the header must have; it counts as read.
    pub(super) fn column(&mut self, name: &'static str) -> Result<Column, SimbenchError> {
        let index = self
            .find(name)
            .ok_or_else(|| SimbenchError::MissingColumn {
                at: self.at(1),
                column: name,
            })?;
        Ok(Column { index, name })
    }

    /// The index of the column named `name`, if the header has it; it counts as read.
    pub(super) fn find(&mut self, name: &str) -> Option<usize> {
        let index = self.header.iter().position(|h| h == name)?;
        self.read.insert(index);
        Some(index)
    }

    /// The header's names, in order.
    pub(super) fn header(&self) -> &[String] {
        &self.header
    }

    /// The columns of the header not read, with the header's place.
    pub(super) fn unread(&self) -> Vec<(Location, String)> {
        (self.header.iter().enumerate())
            .filter(|(i, _)| !self.read.contains(i))
            .map(|(_, name)| (self.at(1), name.clone()))
            .collect()
    }
}

/// A field of a row, `None` for `NULL` or empty.
pub(super) fn optional(fields: &[String], column: Column) -> Option<&str> {
    let value = fields[column.index].as_str();
    (!(value.is_empty() || value == "NULL")).then_some(value)
}

/// A field that must be present.
pub(super) fn text(
    at: &Location,
    fields: &[String],
    column: Column,
) -> Result<String, SimbenchError> {
    optional(fields, column)
        .map(str::to_string)
        .ok_or_else(|| bad(at, fields, column, "a value (it is empty or NULL)"))
}

/// A finite number.
pub(super) fn number(
    at: &Location,
    fields: &[String],
    column: Column,
) -> Result<f64, SimbenchError> {
    optional(fields, column)
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| v.is_finite())
        .ok_or_else(|| bad(at, fields, column, "a number"))
}

/// A finite number, or `None` for `NULL`.
pub(super) fn optional_number(
    at: &Location,
    fields: &[String],
    column: Column,
) -> Result<Option<f64>, SimbenchError> {
    match optional(fields, column) {
        None => Ok(None),
        Some(_) => number(at, fields, column).map(Some),
    }
}

/// The error of a field that is not what `column` holds.
pub(super) fn bad(
    at: &Location,
    fields: &[String],
    column: Column,
    expected: &'static str,
) -> SimbenchError {
    SimbenchError::BadValue {
        at: at.clone(),
        column: column.name,
        value: fields[column.index].clone(),
        expected,
    }
}

/// The tables of a folder that the reader does not read, sorted: every `.csv` not in `known`.
pub(super) fn other_tables(dir: &Path, known: &[&str]) -> Vec<PathBuf> {
    let mut other: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| {
            path.extension().is_some_and(|e| e == "csv")
                && path
                    .file_stem()
                    .is_some_and(|s| !known.iter().any(|k| s == *k))
        })
        .collect();
    other.sort();
    other
}
