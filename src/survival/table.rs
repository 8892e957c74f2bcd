//! The `survival` table: one row per start (docs/outputs.md).

use super::{Losses, StartOutcome};
use crate::output::{column, frame};
use polars::prelude::DataFrame;

/// The result of a start that was simulated.
fn ok(o: &StartOutcome) -> Option<&super::StartResult> {
    o.result.as_ref().ok()
}

/// One row per start of `outcomes`, each followed for `observed_s`.
pub fn survival_frame(outcomes: &[StartOutcome], observed_s: f64) -> DataFrame {
    let loss = |name: &str, get: fn(&Losses) -> Option<f64>, p2p: bool| {
        let side =
            |o: &StartOutcome| ok(o).map(|r| if p2p { r.peer_to_peer } else { r.no_sharing });
        let values: Vec<Option<f64>> = outcomes
            .iter()
            .map(|o| side(o).and_then(|l| get(&l)))
            .collect();
        let censored: Vec<Option<bool>> = outcomes
            .iter()
            .map(|o| side(o).map(|l| get(&l).is_none()))
            .collect();
        [
            column(&format!("{name}_loss_s"), values),
            column(&format!("{name}_censored"), censored),
        ]
    };
    let mut columns = vec![
        column(
            "start_index",
            outcomes.iter().map(|o| o.start.index).collect::<Vec<u64>>(),
        ),
        column(
            "start_s",
            outcomes
                .iter()
                .map(|o| o.start.start_s)
                .collect::<Vec<f64>>(),
        ),
        column(
            "month",
            outcomes.iter().map(|o| o.start.month).collect::<Vec<u32>>(),
        ),
        column(
            "hour",
            outcomes.iter().map(|o| o.start.hour).collect::<Vec<u32>>(),
        ),
        column(
            "weight",
            outcomes
                .iter()
                .map(|o| o.start.weight)
                .collect::<Vec<f64>>(),
        ),
        column(
            "seed",
            outcomes.iter().map(|o| o.seed).collect::<Vec<u64>>(),
        ),
        column("observed_s", vec![observed_s; outcomes.len()]),
        column(
            "status",
            outcomes
                .iter()
                .map(|o| ok(o).map(|r| r.status.as_str()))
                .collect::<Vec<Option<&str>>>(),
        ),
        column(
            "islanded",
            outcomes
                .iter()
                .map(|o| ok(o).map(|r| r.islanded))
                .collect::<Vec<Option<bool>>>(),
        ),
        column(
            "error",
            outcomes
                .iter()
                .map(|o| o.result.as_ref().err().map(String::as_str))
                .collect::<Vec<Option<&str>>>(),
        ),
    ];
    columns.extend(loss("p2p_critical", |l| l.critical_s, true));
    columns.extend(loss("p2p_load", |l| l.load_s, true));
    columns.extend(loss("no_sharing_critical", |l| l.critical_s, false));
    columns.extend(loss("no_sharing_load", |l| l.load_s, false));
    frame(columns)
}
