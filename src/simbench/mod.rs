//! SimBench grids (simbench.de): the German benchmark LV, MV, HV and EHV grids with a year of
//! 15-minute profiles, as the CSV tables of one grid's folder (semicolon-separated, a header
//! line, `NULL` for no value). [`read`] reads a folder into a typed [`Grid`]; every error names
//! the file and line. `blackstart import simbench` (`crate::import::simbench`, docs/simbench.md)
//! turns it into a scenario.
//!
//! No Rust crate reads SimBench's format (the crates.io index holds none by that name; the
//! format's one reader is the `simbench` Python package, on pandapower), so this module reads
//! the tables with the `csv` crate the project already uses.
//!
//! Read: `Node`, `Line`, `LineType`, `Switch`, `ExternalNet`, `Transformer`,
//! `TransformerType`, `Load`, `RES`, `Storage`, `LoadProfile`, `RESProfile` and
//! `StorageProfile`. `Node`, `Line`, `LineType`, `ExternalNet`, `Load` and `LoadProfile` must
//! exist; the others may be absent (SimBench's tools write no file for an empty table), but a
//! transformer needs `TransformerType` and a profile named needs its table. The columns not
//! read and the other tables of the folder are listed in [`Grid`], for the import report.

mod code;
mod error;
mod model;
mod read;
mod table;

pub use code::GridCode;
pub use error::{Location, SimbenchError};
pub use model::{
    ExternalNet, Grid, Line, LineType, Load, Node, ProfileTable, Res, Storage, Switch, Transformer,
    TransformerType,
};
pub use read::read;

#[cfg(test)]
mod tests;
