//! The descriptions of the Parquet columns, read from docs/outputs.md (embedded at compile time,
//! the single source), so that every file carries them.
//!
//! docs/outputs.md heads each table's section ``## Table `NAME` `` and describes each column in a
//! row ``| `column` | type | unit | meaning |``. [`key_values`] turns the rows of a table's columns
//! into file key-value metadata, one key per column: `blackstart.column.<name>` =
//! `"<unit> — <meaning>"` (just the meaning when the unit is "–"), markdown stripped to plain
//! text and `§N` spelled `docs/model.md §N`.
//!
//! Why file key-value metadata rather than Arrow field metadata: polars' `ParquetWriter` builds
//! the file's Arrow schema (`ARROW:schema`) from the DataFrame's schema, whose fields are a name
//! and a dtype only; `DataType::to_arrow_field` attaches field metadata for categorical, enum and
//! extension dtypes alone (the last behind a crate feature, and it would change the column's
//! type). No description can reach a field through polars' writer, so they travel as file
//! metadata, where pyarrow (`pq.read_schema(path).metadata`) and polars
//! (`pl.read_parquet_metadata(path)`) read them.
//!
//! A column of a frame without its row is a programming error: the unit tests below write no
//! frame whose every column is not described (a missing one would be left out of the metadata,
//! never a failure of the user's run).

use polars::prelude::DataFrame;

/// docs/outputs.md, as compiled in.
const OUTPUTS_MD: &str = include_str!("../../docs/outputs.md");

/// Prefix of the per-column keys of the file metadata.
pub const COLUMN_KEY_PREFIX: &str = "blackstart.column.";

/// A Parquet table blackstart writes, with its section in docs/outputs.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// `runs`: one row per run.
    Runs,
    /// `allocations`: one row per prosumer per island per run.
    Allocations,
    /// `interruptions`: one row per interruption of a consumer.
    Interruptions,
    /// `no_sharing_interruptions`: one row per interruption of a consumer with no sharing.
    NoSharingInterruptions,
    /// `intervals`: one row per island and meter interval the plant settled.
    Intervals,
    /// `events`: one row per logged event.
    Events,
    /// `transactions`: one row per transaction of a simulated run or a benchmark.
    Transactions,
    /// `survival`: one row per outage start of a survival study.
    Survival,
}

impl Table {
    /// The heading of the table's section in docs/outputs.md.
    pub fn heading(self) -> &'static str {
        match self {
            Table::Runs => "## Table `runs`",
            Table::Allocations => "## Table `allocations`",
            Table::Interruptions => "## Table `interruptions`",
            Table::NoSharingInterruptions => "## Table `no_sharing_interruptions`",
            Table::Intervals => "## Table `intervals`",
            Table::Events => "## Table `events`",
            Table::Transactions => "## Table `transactions`",
            Table::Survival => "## Table `survival`",
        }
    }
}

/// One column's row of docs/outputs.md, in plain text.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDoc {
    /// The column's name.
    pub name: String,
    /// Its unit; "–" when it has none.
    pub unit: String,
    /// What it means.
    pub meaning: String,
}

impl ColumnDoc {
    /// `"<unit> — <meaning>"`, or the meaning alone for a column without a unit.
    pub fn description(&self) -> String {
        if self.unit == "–" {
            self.meaning.clone()
        } else {
            format!("{} — {}", self.unit, self.meaning)
        }
    }
}

/// The columns docs/outputs.md describes for `table`, in its order.
pub fn documented(table: Table) -> Vec<ColumnDoc> {
    let heading = table.heading();
    OUTPUTS_MD
        .lines()
        .skip_while(|line| *line != heading)
        .skip(1)
        .take_while(|line| !line.starts_with('#'))
        .filter_map(row)
        .collect()
}

/// A column row `| `name` | type | unit | meaning |` as its [`ColumnDoc`]; `None` for any other
/// line.
fn row(line: &str) -> Option<ColumnDoc> {
    let cells: Vec<&str> = line
        .strip_prefix('|')?
        .strip_suffix('|')?
        .split('|')
        .map(str::trim)
        .collect();
    let [name, _type, unit, meaning] = cells.as_slice() else {
        return None;
    };
    let name = name.strip_prefix('`')?.strip_suffix('`')?;
    Some(ColumnDoc {
        name: name.to_string(),
        unit: plain(unit),
        meaning: plain(meaning),
    })
}

/// Markdown as plain text: no code ticks or emphasis, links as their text, `§N` as
/// `docs/model.md §N` (outputs.md's § refer to the model).
fn plain(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(at) = rest.find(['`', '*', '[', '§']) {
        text.push_str(&rest[..at]);
        let c = rest[at..].chars().next().expect("found at a char");
        rest = &rest[at + c.len_utf8()..];
        match c {
            '§' => text.push_str("docs/model.md §"),
            // `[text](target)`: the text stays, the target goes.
            '[' => {
                match rest
                    .split_once("](")
                    .and_then(|(label, after)| Some((label, after.split_once(')')?.1)))
                {
                    Some((label, tail)) => {
                        text.push_str(label);
                        rest = tail;
                    }
                    None => text.push('['),
                }
            }
            _ => {}
        }
    }
    text.push_str(rest);
    text
}

/// The file metadata describing `frame`'s columns as a table `table`: one
/// `blackstart.column.<name>` entry per column, in the frame's order. A column docs/outputs.md
/// does not describe gets no entry (the unit tests make sure there is none).
pub fn key_values(table: Table, frame: &DataFrame) -> Vec<(String, String)> {
    let docs = documented(table);
    frame
        .get_column_names()
        .into_iter()
        .filter_map(|name| {
            let doc = docs.iter().find(|d| d.name == name.as_str())?;
            Some((format!("{COLUMN_KEY_PREFIX}{name}"), doc.description()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caliper::{self, BenchReport};
    use crate::sim::tables;

    #[test]
    fn plain_text_drops_markdown_and_names_the_model() {
        assert_eq!(
            plain("`R_prev + R_delta` (§5), *nullable*, [model.md](model.md)"),
            "R_prev + R_delta (docs/model.md §5), nullable, model.md"
        );
        assert_eq!(plain("a [b c"), "a [b c");
    }

    #[test]
    fn a_row_is_read_cell_by_cell() {
        let doc = row("| `mttr_s` | f64, *nullable* | s | eq. 15's `MTTR` |").unwrap();
        assert_eq!(doc.name, "mttr_s");
        assert_eq!(doc.description(), "s — eq. 15's MTTR");
        let doc = row("| `run_index` | u64 | – | the run |").unwrap();
        assert_eq!(doc.description(), "the run");
        assert_eq!(row("| column | type | unit | meaning |"), None);
        assert_eq!(row("|---|---|---|---|"), None);
        assert_eq!(row("| `blackstart.seed` | the seed |"), None);
    }

    #[test]
    fn sections_are_read_up_to_the_next_heading() {
        let runs = documented(Table::Runs);
        assert_eq!(runs[0].name, "run_index");
        let mttr = runs.iter().find(|d| d.name == "mttr_s").unwrap();
        assert!(mttr.meaning.starts_with("eq. 15's MTTR"), "{mttr:?}");
        // `transactions` stops before the next section.
        let transactions = documented(Table::Transactions);
        assert_eq!(transactions[0].name, "run_index");
        assert_eq!(transactions.last().unwrap().name, "block");
        assert!(!transactions.iter().any(|d| d.name == "p50_latency_s"));
    }

    /// Every column of every frame blackstart writes has its description.
    #[test]
    fn every_column_written_is_described() {
        let bench = BenchReport::default();
        let frames = [
            (Table::Runs, tables::runs_frame(&[])),
            (Table::Allocations, tables::allocations_frame(&[])),
            (Table::Interruptions, tables::interruptions_frame(&[])),
            (
                Table::NoSharingInterruptions,
                tables::no_sharing_interruptions_frame(&[]),
            ),
            (Table::Intervals, tables::intervals_frame(&[])),
            (Table::Events, tables::events_frame(&[])),
            (Table::Transactions, tables::transactions_frame(&[])),
            (
                Table::Transactions,
                caliper::report::transactions_frame(&bench),
            ),
            (Table::Survival, crate::survival::survival_frame(&[], 0.0)),
        ];
        for (table, frame) in &frames {
            let described: Vec<String> = key_values(*table, frame)
                .into_iter()
                .map(|(key, _)| key[COLUMN_KEY_PREFIX.len()..].to_string())
                .collect();
            let names: Vec<String> = frame
                .get_column_names()
                .iter()
                .map(|n| n.to_string())
                .collect();
            assert_eq!(described, names, "{table:?}: docs/outputs.md lacks a row");
            assert!(names.len() > 5, "{table:?}: {names:?}");
        }
    }
}
