//! One transaction as a table row: the record both `run --out` and `bench` write to
//! `transactions.parquet`, with one set of columns (docs/outputs.md, table `transactions`).
//! Each writer puts its own key columns first: the run, or the benchmark round and worker.

use super::{Function, Outcome, Receipt};
use crate::output::column;
use polars::prelude::Column;
use serde::Serialize;

/// How a transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TransactionStatus {
    /// Executed and committed.
    Success,
    /// Reverted by the contract (counted as Fail, as Caliper does).
    Fail,
}

impl TransactionStatus {
    /// `success` or `fail`, as in the `status` column.
    pub fn name(self) -> &'static str {
        match self {
            TransactionStatus::Success => "success",
            TransactionStatus::Fail => "fail",
        }
    }
}

/// One transaction the chain node handled; times in simulated seconds (since midnight in a
/// run, since the round's start in a benchmark).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransactionRecord {
    /// Its id, in submission order (within the run, or within the round).
    pub tx_id: u64,
    /// The paper's function.
    pub function: Function,
    /// When it was submitted to the node, s.
    pub submitted_s: f64,
    /// When the node finished processing it, s.
    pub processed_s: f64,
    /// When its block was made (reads: when answered), s.
    pub included_s: f64,
    /// When it had its confirmations (Caliper's finish time), s.
    pub confirmed_s: f64,
    /// Confirmed minus submitted, s.
    pub latency_s: f64,
    /// Success or fail.
    pub status: TransactionStatus,
    /// The contract's reason, for a failure.
    pub revert_reason: Option<String>,
    /// Gas used (a reverted transaction's too: it is mined and pays for its gas).
    pub gas_used: u64,
    /// The including block (0 for reads).
    pub block: u64,
}

impl From<&Receipt> for TransactionRecord {
    fn from(receipt: &Receipt) -> Self {
        let (status, revert_reason) = match &receipt.outcome {
            Outcome::Reverted(reason) => (TransactionStatus::Fail, Some(reason.clone())),
            _ => (TransactionStatus::Success, None),
        };
        TransactionRecord {
            tx_id: receipt.id,
            function: receipt.function,
            submitted_s: receipt.submitted_at_s,
            processed_s: receipt.processed_at_s,
            included_s: receipt.included_at_s,
            confirmed_s: receipt.confirmed_at_s,
            latency_s: receipt.confirmed_at_s - receipt.submitted_at_s,
            status,
            revert_reason,
            gas_used: receipt.gas_used,
            block: receipt.block,
        }
    }
}

/// The columns every `transactions` table has, one row per record, after the writer's key
/// columns.
pub fn transaction_columns<'a>(
    records: impl Iterator<Item = &'a TransactionRecord> + Clone,
) -> Vec<Column> {
    let f = |get: fn(&TransactionRecord) -> f64| records.clone().map(get).collect::<Vec<f64>>();
    let u = |get: fn(&TransactionRecord) -> u64| records.clone().map(get).collect::<Vec<u64>>();
    let s = |get: fn(&TransactionRecord) -> &'static str| {
        records.clone().map(get).collect::<Vec<&str>>()
    };
    vec![
        column("tx_id", u(|r| r.tx_id)),
        column("function", s(|r| r.function.name())),
        column("submitted_s", f(|r| r.submitted_s)),
        column("processed_s", f(|r| r.processed_s)),
        column("included_s", f(|r| r.included_s)),
        column("confirmed_s", f(|r| r.confirmed_s)),
        column("latency_s", f(|r| r.latency_s)),
        column("status", s(|r| r.status.name())),
        column(
            "revert_reason",
            records
                .clone()
                .map(|r| r.revert_reason.clone())
                .collect::<Vec<Option<String>>>(),
        ),
        column("gas_used", u(|r| r.gas_used)),
        column("block", u(|r| r.block)),
    ]
}
