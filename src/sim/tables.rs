//! The simulator's Parquet tables, built from its [`RunReport`]s: `runs` (one row per run),
//! `interruptions` (one per interruption of a consumer; `no_sharing_interruptions` the same
//! for the no-sharing reference), `allocations` (one per prosumer per
//! island per run), `intervals` (one per island and meter interval the plant settled),
//! `events` (one per logged event) and `transactions` (one per transaction).
//! Their columns are described in docs/outputs.md; [`crate::output`] writes them with that
//! description and their provenance. A single run (`blackstart run --out`) and a sweep write
//! the same tables.

use super::{AllocationRow, ConsumerOutcome, LogEvent, RestoredBy, RunReport};
use crate::ledger::{TransactionRecord, transaction_columns};
use crate::output::{column, frame, string_lists};
use crate::plant::island::{IntervalRecord, MemberTotals};
use crate::plant::island_network::NetworkRecord;
use polars::prelude::*;

/// The `runs` table of `reports`.
pub fn runs_frame(reports: &[RunReport]) -> DataFrame {
    let f = |get: fn(&RunReport) -> f64| reports.iter().map(get).collect::<Vec<f64>>();
    let optional = |name: &str, get: fn(&RunReport) -> Option<f64>| {
        column(name, reports.iter().map(get).collect::<Vec<Option<f64>>>())
    };
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
            f(|r| {
                r.plan
                    .faults
                    .iter()
                    .map(|f| f.at_s)
                    .fold(f64::NAN, f64::min)
            }),
        ),
        column(
            "repaired_at_s",
            f(|r| {
                r.plan
                    .faults
                    .iter()
                    .map(|f| f.repaired_at_s)
                    .fold(f64::NAN, f64::max)
            }),
        ),
        column("resync_delay_s", f(|r| r.plan.resync_delay_s)),
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
        column(
            "customers_interrupted",
            u(|r| r.customers_interrupted() as u64),
        ),
        column("customers_sustained", u(|r| r.customers_sustained() as u64)),
        column(
            "customer_minutes_interrupted",
            f(RunReport::customer_minutes_interrupted),
        ),
        column("energy_not_served_kwh", f(|r| r.energy_not_served_kwh)),
        column(
            "prosumer_own_unserved_kwh",
            f(|r| r.references.peer_to_peer.prosumer_own_unserved_kwh),
        ),
        column(
            "no_sharing_energy_not_served_kwh",
            f(|r| r.references.no_sharing.energy_not_served_kwh),
        ),
        column(
            "no_sharing_customer_hours",
            f(|r| r.references.no_sharing.customer_hours_interrupted),
        ),
        column(
            "no_sharing_prosumer_own_unserved_kwh",
            f(|r| r.references.no_sharing.prosumer_own_unserved_kwh),
        ),
        column(
            "load_demand_kwh",
            f(|r| r.references.peer_to_peer.demand_kwh),
        ),
        column(
            "load_served_kwh",
            f(|r| r.references.peer_to_peer.served_kwh),
        ),
        column(
            "no_sharing_load_served_kwh",
            f(|r| r.references.no_sharing.served_kwh),
        ),
        optional("bound_load_served_kwh", |r| {
            r.references.bound.map(|b| b.served_kwh)
        }),
        optional("ideal_timing_load_served_kwh", |r| {
            r.references.ideal_timing.map(|t| t.served_kwh)
        }),
        column(
            "critical_load_hours_lost",
            f(|r| r.resilience.critical_load_hours_lost),
        ),
        optional("first_critical_loss_s", |r| {
            r.resilience.first_critical_loss_s
        }),
        optional("restored_50_s", |r| r.resilience.restored_50_s),
        optional("restored_90_s", |r| r.resilience.restored_90_s),
        optional("restored_100_s", |r| r.resilience.restored_100_s),
        column("resilience_lambda", f(|r| r.resilience.curve.lambda)),
        optional("resilience_phi_per_h", |r| r.resilience.curve.phi_per_h),
        optional("resilience_e_h", |r| r.resilience.curve.e_h),
        optional("resilience_pi_per_h", |r| r.resilience.curve.pi_per_h),
        column("resilience_area_h", f(|r| r.resilience.curve.area_h)),
        column("operating_rounds", u(|r| u64::from(r.operation.rounds))),
        column(
            "rejected_rounds",
            u(|r| u64::from(r.operation.rejected_rounds)),
        ),
        column(
            "deliveries_settled",
            u(|r| u64::from(r.operation.deliveries_settled)),
        ),
        column(
            "deliveries_curtailed",
            u(|r| u64::from(r.operation.deliveries_curtailed)),
        ),
        column(
            "deliveries_short",
            u(|r| u64::from(r.operation.deliveries_short)),
        ),
        column("rewards_inr", f(|r| r.rewards_inr)),
        column("operation_rewards_inr", f(|r| r.operation.rewards_inr)),
        column("rewards_capped_inr", f(|r| r.rewards_capped_inr)),
        column("transactions", u(|r| r.transactions as u64)),
        column(
            "reverted_transactions",
            u(|r| r.reverted_transactions as u64),
        ),
        column("gas_used", u(|r| r.gas_used)),
        column(
            "power_flow",
            reports
                .iter()
                .map(|r| r.network.power_flow)
                .collect::<Vec<bool>>(),
        ),
        column("losses_kwh", f(|r| r.network.losses_kwh)),
        optional("v_min_pu", |r| r.network.min_voltage_pu),
        optional("v_max_pu", |r| r.network.max_voltage_pu),
        optional("max_loading", |r| r.network.max_loading),
        column(
            "limit_violations",
            u(|r| r.network.intervals_violated as u64),
        ),
        column("shed_by_limits_kwh", f(|r| r.network.shed_by_limits_kwh)),
        column(
            "curtailed_for_limits_kwh",
            f(|r| r.network.curtailed_for_limits_kwh),
        ),
        column(
            "limits_unresolved",
            u(|r| r.network.intervals_unresolved as u64),
        ),
    ])
}

/// The `interruptions` table of `reports`.
pub fn interruptions_frame(reports: &[RunReport]) -> DataFrame {
    interruption_rows(reports, |r| &r.consumers)
}

/// The `no_sharing_interruptions` table of `reports`: the interruptions of the no-sharing
/// reference (docs/model.md §11), with the columns of `interruptions`.
pub fn no_sharing_interruptions_frame(reports: &[RunReport]) -> DataFrame {
    interruption_rows(reports, |r| &r.no_sharing_consumers)
}

/// A table of the interruptions `of` each report gives.
fn interruption_rows(reports: &[RunReport], of: fn(&RunReport) -> &[ConsumerOutcome]) -> DataFrame {
    let rows: Vec<(u64, &ConsumerOutcome)> = reports
        .iter()
        .flat_map(|r| of(r).iter().map(move |c| (r.plan.run_index, c)))
        .collect();
    frame(vec![
        column("run_index", rows.iter().map(|r| r.0).collect::<Vec<u64>>()),
        column(
            "consumer",
            rows.iter().map(|r| r.1.id.clone()).collect::<Vec<String>>(),
        ),
        column(
            "customers",
            rows.iter().map(|r| r.1.customers).collect::<Vec<u32>>(),
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
            "restored_by",
            rows.iter()
                .map(|r| r.1.restored_by.map(RestoredBy::as_str))
                .collect::<Vec<Option<&str>>>(),
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
    let rows: Vec<(u64, &AllocationRow)> = reports
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
    let rows: Vec<(u64, &LogEvent)> = reports
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

/// The `transactions` table of `reports`: the run of each transaction, then the columns of every
/// `transactions` table.
pub fn transactions_frame(reports: &[RunReport]) -> DataFrame {
    let rows: Vec<(u64, &TransactionRecord)> = reports
        .iter()
        .flat_map(|r| r.transaction_log.iter().map(move |t| (r.plan.run_index, t)))
        .collect();
    let mut columns = vec![column(
        "run_index",
        rows.iter().map(|r| r.0).collect::<Vec<u64>>(),
    )];
    columns.extend(transaction_columns(rows.iter().map(|r| r.1)));
    frame(columns)
}

/// The `intervals` table of `reports`: one row per island and meter interval the plant
/// settled, with the allocation the operation made for it (if any).
pub fn intervals_frame(reports: &[RunReport]) -> DataFrame {
    let rows: Vec<(&RunReport, &IntervalRecord, MemberTotals)> = reports
        .iter()
        .flat_map(|r| r.intervals.iter().map(move |i| (r, i, i.totals())))
        .collect();
    let f = |get: &dyn Fn(&IntervalRecord, &MemberTotals) -> f64| {
        rows.iter().map(|(_, i, t)| get(i, t)).collect::<Vec<f64>>()
    };
    let planned = |r: &RunReport, i: &IntervalRecord| {
        r.operation
            .planned
            .iter()
            .find(|p| p.0 == i.island && p.1 == i.interval)
            .map(|p| (p.2, p.3))
    };
    let network_number = |get: fn(&NetworkRecord) -> Option<f64>| {
        (rows.iter())
            .map(|(_, i, _)| i.network.as_ref().and_then(get))
            .collect::<Vec<Option<f64>>>()
    };
    let network_text = |get: fn(&NetworkRecord) -> Option<String>| {
        (rows.iter())
            .map(|(_, i, _)| i.network.as_ref().and_then(get))
            .collect::<Vec<Option<String>>>()
    };
    let chain = |r: &RunReport, i: &IntervalRecord| {
        r.operation
            .chain
            .iter()
            .find(|c| c.0 == i.island && c.1 == i.interval)
            .map_or((0, 0), |c| (c.2, c.3))
    };
    frame(vec![
        column(
            "run_index",
            rows.iter()
                .map(|(r, _, _)| r.plan.run_index)
                .collect::<Vec<u64>>(),
        ),
        column(
            "island",
            rows.iter()
                .map(|(_, i, _)| i.island as u64)
                .collect::<Vec<u64>>(),
        ),
        column(
            "interval",
            rows.iter()
                .map(|(_, i, _)| i.interval)
                .collect::<Vec<u64>>(),
        ),
        column("start_s", f(&|i, _| i.start_s)),
        column("island_s", f(&|i, _| i.island_s)),
        column("demand_kwh", f(&|i, _| i.account.demand_kwh)),
        column("served_kwh", f(&|i, _| i.account.served_kwh)),
        column(
            "bound_load_served_kwh",
            reports
                .iter()
                .flat_map(|r| {
                    (0..r.intervals.len()).map(move |i| r.bound_served_kwh.as_ref().map(|b| b[i]))
                })
                .collect::<Vec<Option<f64>>>(),
        ),
        column(
            "shed_by_controller_kwh",
            f(&|i, _| i.account.shed_by_controller_kwh),
        ),
        column(
            "shed_by_protection_kwh",
            f(&|i, _| i.account.shed_by_protection_kwh),
        ),
        string_lists("shed", rows.iter().map(|(_, _, t)| t.shed.as_slice())),
        column(
            "der_generation_kwh",
            f(&|i, _| i.account.der_generation_kwh),
        ),
        column("solar_generation_kwh", f(&|_, t| t.solar_generation_kwh)),
        column("wind_generation_kwh", f(&|_, t| t.wind_generation_kwh)),
        column("der_curtailed_kwh", f(&|i, _| i.account.curtailed_kwh)),
        column(
            "prosumer_generation_kwh",
            f(&|_, t| t.prosumer_generation_kwh),
        ),
        column(
            "prosumer_own_demand_kwh",
            f(&|_, t| t.prosumer_own_demand_kwh),
        ),
        column(
            "prosumer_own_served_kwh",
            f(&|_, t| t.prosumer_own_served_kwh),
        ),
        column(
            "prosumer_export_kwh",
            f(&|i, _| i.account.prosumer_export_kwh),
        ),
        column(
            "prosumer_export_curtailed_kwh",
            f(&|_, t| t.prosumer_export_curtailed_kwh),
        ),
        column(
            "prosumer_battery_discharge_kwh",
            f(&|_, t| t.prosumer_battery_discharge_kwh),
        ),
        column(
            "prosumer_battery_charge_kwh",
            f(&|_, t| t.prosumer_battery_charge_kwh),
        ),
        column("prosumer_soc_kwh", f(&|_, t| t.prosumer_soc_kwh)),
        column(
            "bank_discharge_kwh",
            f(&|i, _| i.account.battery_discharge_kwh),
        ),
        column("bank_charge_kwh", f(&|i, _| i.account.battery_charge_kwh)),
        column("bank_soc_kwh", f(&|i, _| i.account.bank_soc_kwh)),
        column("losses_kwh", f(&|i, _| i.account.losses_kwh)),
        column(
            "shed_by_limits_kwh",
            f(&|i, _| i.account.shed_by_limits_kwh),
        ),
        column(
            "curtailed_for_limits_kwh",
            f(&|i, _| i.account.curtailed_for_limits_kwh),
        ),
        column("grid_former", network_text(|n| Some(n.reference.clone()))),
        column("v_min_pu", network_number(|n| n.min_voltage_pu)),
        column("v_min_at", network_text(|n| n.min_voltage_at.clone())),
        column("v_max_pu", network_number(|n| n.max_voltage_pu)),
        column("v_max_at", network_text(|n| n.max_voltage_at.clone())),
        column(
            "most_loaded_line",
            network_text(|n| n.most_loaded_line.clone()),
        ),
        column("max_loading", network_number(|n| n.max_loading)),
        column("limit_violation", network_text(|n| n.violation.clone())),
        string_lists(
            "shed_for_limits",
            rows.iter().map(|(_, i, _)| {
                i.network
                    .as_ref()
                    .map_or(&[][..], |n| n.shed_for_limits.as_slice())
            }),
        ),
        column("limit_unresolved", network_text(|n| n.unresolved.clone())),
        column(
            "power_flows",
            rows.iter()
                .map(|(_, i, _)| i.network.as_ref().map(|n| n.power_flows as u64))
                .collect::<Vec<Option<u64>>>(),
        ),
        column(
            "planned_deficit_kwh",
            rows.iter()
                .map(|(r, i, _)| planned(r, i).map(|p| p.0))
                .collect::<Vec<Option<f64>>>(),
        ),
        column(
            "planned_cost_inr",
            rows.iter()
                .map(|(r, i, _)| planned(r, i).map(|p| p.1))
                .collect::<Vec<Option<f64>>>(),
        ),
        column(
            "transactions",
            rows.iter()
                .map(|(r, i, _)| u64::from(chain(r, i).0))
                .collect::<Vec<u64>>(),
        ),
        column(
            "gas_used",
            rows.iter()
                .map(|(r, i, _)| chain(r, i).1)
                .collect::<Vec<u64>>(),
        ),
    ])
}
