//! Errors of the SimBench reader: each names the file and line, and what is wrong.

use std::path::PathBuf;

/// A place in a SimBench table: the CSV file and its 1-based line number (1 is the header),
/// as the `.dss` reader's places are.
pub use crate::dss::Location;

/// Why a SimBench grid could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SimbenchError {
    /// The grid code is not one SimBench defines.
    #[error("unknown SimBench grid code `{code}`: {message}")]
    UnknownGridCode {
        /// The code as given.
        code: String,
        /// What is wrong with it.
        message: String,
    },
    /// A table every grid has is not in the folder.
    #[error("{}: no {table}.csv in the folder (a SimBench grid's CSV tables are expected)", dir.display())]
    MissingTable {
        /// The folder.
        dir: PathBuf,
        /// The table's name (`Node`).
        table: &'static str,
    },
    /// A table could not be read.
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// The I/O or CSV error.
        source: csv::Error,
    },
    /// The header lacks a column the reader needs.
    #[error("{at}: no column `{column}` in the header")]
    MissingColumn {
        /// The header line.
        at: Location,
        /// The column's name.
        column: &'static str,
    },
    /// A row has more or fewer fields than the header.
    #[error("{at}: {found} fields, the header has {expected}")]
    FieldCount {
        /// The row.
        at: Location,
        /// The header's number of fields.
        expected: usize,
        /// The row's.
        found: usize,
    },
    /// A field is not what its column holds (a number, a date-time, a flag).
    #[error("{at}: {column} = `{value}` is not {expected}")]
    BadValue {
        /// The row.
        at: Location,
        /// The column.
        column: &'static str,
        /// The field as written.
        value: String,
        /// What it should be.
        expected: &'static str,
    },
    /// A field names something its table does not define (a node, a type, a profile).
    #[error("{at}: {column} = `{value}` is not in {table}")]
    UnknownReference {
        /// The row.
        at: Location,
        /// The column.
        column: &'static str,
        /// The name.
        value: String,
        /// Where it should be (`Node.csv`).
        table: String,
    },
    /// Two rows of a table have the same id.
    #[error("{at}: id `{id}` is defined before, at line {first_line}")]
    DuplicateId {
        /// The second row.
        at: Location,
        /// The id.
        id: String,
        /// The first row's line.
        first_line: usize,
    },
    /// A table is well formed but its content cannot be a grid (no external net, a gap in
    /// the profile's time steps).
    #[error("{at}: {message}")]
    Invalid {
        /// The row or header.
        at: Location,
        /// What is wrong.
        message: String,
    },
}
