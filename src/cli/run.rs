//! `blackstart run`: one outage simulated end to end, as a restoration report.

use super::{Failure, Format, json};
use blackstart::output::{self, Provenance, Table};
use blackstart::plant::island::IntervalRecord;
use blackstart::scenario::{NetworkModelKind, Scenario};
use blackstart::sim::tables;
use blackstart::sim::{NetworkSummary, Recording, RunPlan, RunReport, Simulator};
use polars::prelude::DataFrame;
use std::path::Path;

pub(super) fn run(
    scenario: &Scenario,
    simulator: &Simulator,
    plan: &RunPlan,
    out: Option<&Path>,
    format: Format,
) -> Result<String, Failure> {
    if let Some(dir) = out {
        super::check_out_dir(dir)?;
    }
    let recording = Recording { events: true };
    let report = simulator
        .run_with_gap_split(
            &simulator.with_ideal_timing().without_bound(),
            plan,
            recording,
        )
        .map_err(anyhow::Error::from)?;
    if let Some(dir) = out {
        let reports = std::slice::from_ref(&report);
        let provenance = Provenance::new(scenario, 0, 0);
        type Frame = fn(&[RunReport]) -> DataFrame;
        let tables: [(&str, Table, Frame); 4] = [
            ("events", Table::Events, tables::events_frame),
            (
                "transactions",
                Table::Transactions,
                tables::transactions_frame,
            ),
            (
                "interruptions",
                Table::Interruptions,
                tables::interruptions_frame,
            ),
            ("intervals", Table::Intervals, tables::intervals_frame),
        ];
        for (name, table, frame) in tables {
            let path = dir.join(format!("{name}.parquet"));
            output::write_parquet(&path, table, &mut frame(reports), &provenance)
                .map_err(anyhow::Error::from)?;
        }
    }
    match format {
        Format::Json => json(&report),
        Format::Table => Ok(table(scenario, &report)),
    }
}

/// Each island interval by interval as the plant settled it, and a chart of the share of its
/// demand served.
fn intervals(out: &mut String, r: &RunReport) {
    let mut islands: Vec<usize> = r.intervals.iter().map(|i| i.island).collect();
    islands.sort_unstable();
    islands.dedup();
    for island in islands {
        let rows: Vec<&IntervalRecord> =
            r.intervals.iter().filter(|i| i.island == island).collect();
        outln!(out);
        outln!(
            out,
            "island {island} interval by interval (the plant's account, kWh; SoC at the interval's end)"
        );
        let network = r.network.power_flow;
        outln!(
            out,
            "  start      demand     served  shed by plan  by protection   battery SoC{}  shed",
            if network {
                "  by limits   losses   V min pu   loading"
            } else {
                ""
            }
        );
        for i in &rows {
            let a = &i.account;
            let totals = i.totals();
            let flow = match &i.network {
                Some(n) if network => format!(
                    "  {:>9.1}  {:>7.3}  {:>9}  {:>8}",
                    a.shed_by_limits_kwh,
                    a.losses_kwh,
                    n.min_voltage_pu
                        .map_or("collapse".into(), |v| format!("{v:.4}")),
                    n.max_loading
                        .map_or("–".into(), |l| format!("{:.1} %", 100.0 * l)),
                ),
                _ if network => format!("  {:>9.1}  {:>7.3}  {:>9}  {:>8}", 0.0, 0.0, "dark", "–"),
                _ => String::new(),
            };
            outln!(
                out,
                "  {}  {:>9.1}  {:>9.1}  {:>12.1}  {:>13.1}  {:>12.1}{flow}  {}",
                &clock(i.start_s)[..5],
                a.demand_kwh,
                a.served_kwh,
                a.shed_by_controller_kwh,
                a.shed_by_protection_kwh,
                totals.prosumer_soc_kwh + a.bank_soc_kwh,
                totals.shed.join(" ")
            );
        }
        let chart: String = rows
            .iter()
            .map(|i| served_glyph(i.account.served_kwh, i.account.demand_kwh))
            .collect();
        let (first, last) = (rows[0], rows[rows.len() - 1]);
        outln!(
            out,
            "load served         {} {chart} {}  (▁ to █: share of demand served; · none)",
            &clock(first.start_s)[..5],
            &clock(last.start_s + last.island_s.max(1.0))[..5]
        );
    }
}

/// One character for the share `served / demand` of an interval.
fn served_glyph(served_kwh: f64, demand_kwh: f64) -> char {
    const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    if demand_kwh <= 0.0 {
        return '█';
    }
    let share = (served_kwh / demand_kwh).clamp(0.0, 1.0);
    if share <= 1e-9 {
        '·'
    } else {
        LEVELS[((share * 8.0).ceil() as usize).clamp(1, 8) - 1]
    }
}

/// Seconds as `hh:mm:ss.mmm` since midnight.
fn clock(t_s: f64) -> String {
    let ms = (t_s * 1000.0).round() as u64;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

fn table(scenario: &Scenario, r: &RunReport) -> String {
    let mut out = String::new();
    outln!(
        out,
        "{}: restoration report (seed {})",
        scenario.name,
        r.seed
    );
    outln!(out);
    match &r.failure_reason {
        None => outln!(out, "status              {}", r.status),
        Some(reason) => outln!(out, "status              {} — {reason}", r.status),
    }
    match r.mttr_s {
        None => outln!(
            out,
            "MTTR (eq. 15)       none: no island restored with its story complete ({} cut off)",
            r.outages
        ),
        Some(mttr_s) => {
            let p = &r.phases;
            outln!(
                out,
                "MTTR (eq. 15)       {mttr_s:>10.3} s over {} of {} island(s), restored ones only; {} allocation round(s)",
                r.restored_outages,
                r.outages,
                r.rounds
            );
            outln!(out, "  detection         {:>10.3} s", p.detection_s);
            outln!(out, "  communication     {:>10.3} s", p.communication_s);
            outln!(out, "  chain             {:>10.3} s", p.chain_s);
            outln!(out, "  optimisation      {:>10.3} s", p.optimisation_s);
            outln!(out, "  switching         {:>10.3} s", p.switching_s);
            outln!(out, "  verification      {:>10.3} s", p.verification_s);
        }
    }
    if let Some(mean_s) = r.customer_restoration_mean_s {
        outln!(
            out,
            "customer-weighted   {mean_s:>10.3} s mean interruption over {} customer interruption(s), \
             {} censored at {} (end of the simulated window)",
            r.customers_interrupted(),
            r.customers_censored,
            clock(r.window_end_s)
        );
    }
    outln!(out);
    outln!(
        out,
        "consumers           interrupted    restored       by       not served"
    );
    for c in &r.consumers {
        let restored = match c.restored_at_s {
            Some(at_s) => clock(at_s),
            None if c.shed => "shed".to_string(),
            None => "not restored".to_string(),
        };
        outln!(
            out,
            "  {:<16}  {}   {:<12}   {:<6}   {:>8.1} kWh",
            c.id,
            clock(c.interrupted_at_s),
            restored,
            c.restored_by.map_or("", |by| by.as_str()),
            c.energy_not_served_kwh
        );
    }
    intervals(&mut out, r);
    let repairs: Vec<String> = r
        .plan
        .faults
        .iter()
        .map(|f| format!("{}–{} at {}", f.line[0], f.line[1], clock(f.repaired_at_s)))
        .collect();
    if !repairs.is_empty() {
        outln!(
            out,
            "repairs             {}; reconnection {:.0} s after",
            repairs.join(", "),
            r.plan.resync_delay_s
        );
    }
    outln!(
        out,
        "energy not served   {:>10.1} kWh",
        r.energy_not_served_kwh
    );
    network(&mut out, scenario, &r.network);
    let (p2p, alone) = (&r.references.peer_to_peer, &r.references.no_sharing);
    outln!(
        out,
        "against no sharing  consumers' energy not served {:.1} kWh against {:.1} kWh, {:.2} against \
         {:.2} customer-hours; prosumers' own load not served {:.1} kWh against {:.1} kWh \
         (same faults, repairs, weather and demand; consumers dark until the grid returns)",
        p2p.energy_not_served_kwh,
        alone.energy_not_served_kwh,
        p2p.customer_hours_interrupted,
        alone.customer_hours_interrupted,
        p2p.prosumer_own_unserved_kwh,
        alone.prosumer_own_unserved_kwh
    );
    bound_and_gap(&mut out, r);
    resilience_curve(&mut out, r);
    outln!(out, "rewards settled     {:>10.2} INR", r.rewards_inr);
    if r.rewards_capped_inr > 0.0 {
        outln!(
            out,
            "rewards capped      {:>10.2} INR below the allocation's cost: over eq. 5's budget, every reward cut pro rata",
            r.rewards_capped_inr
        );
    }
    outln!(
        out,
        "transactions        {:>10} ({} reverted), {} gas",
        r.transactions,
        r.reverted_transactions,
        r.gas_used
    );
    if !r.events.is_empty() {
        outln!(out);
        outln!(out, "timeline");
        for e in &r.events {
            outln!(out, "  {}  {:<12} {}", clock(e.time_s), e.source, e.detail);
        }
    }
    out
}

/// Which model settled the islands, and what the power flow saw and did (docs/model.md §13).
fn network(out: &mut String, scenario: &Scenario, n: &NetworkSummary) {
    if !n.power_flow {
        let why = match scenario.grid.power_flow.model {
            NetworkModelKind::Energy => "grid.power_flow.model is energy",
            _ => "the grid has no line impedances; grid.power_flow",
        };
        outln!(
            out,
            "network             energy balance only: no losses, voltages or line ratings ({why}; \
             docs/model.md §13)"
        );
        return;
    }
    let at = |pu: Option<f64>, place: &Option<String>| match (pu, place) {
        (Some(pu), Some(place)) => format!("{pu:.4} pu at {place}"),
        _ => "none".into(),
    };
    outln!(
        out,
        "network             three-phase power flow from each island's grid-forming unit: losses {:.2} kWh; \
         lowest voltage {}, highest {}",
        n.losses_kwh,
        at(n.min_voltage_pu, &n.min_voltage_at),
        at(n.max_voltage_pu, &n.max_voltage_at)
    );
    match (&n.most_loaded_line, n.max_loading) {
        (Some(line), Some(loading)) => outln!(
            out,
            "  most loaded       {line} at {:.1} % of its rating",
            100.0 * loading
        ),
        _ => outln!(
            out,
            "  most loaded       no branch of the islands has a rating"
        ),
    }
    match &n.first_violation {
        None => outln!(
            out,
            "  limits            kept in every interval: no correction needed"
        ),
        Some(first) => outln!(
            out,
            "  limits            broken by the energy settlement in {} island interval(s) (first: {first}); \
             corrected by shedding {:.2} kWh and curtailing {:.2} kWh; {} interval(s) left unresolved",
            n.intervals_violated,
            n.shed_by_limits_kwh,
            n.curtailed_for_limits_kwh,
            n.intervals_unresolved
        ),
    }
}

/// The islands' load served by peer-to-peer, no sharing, ideal timing and the bound, and the
/// gap to the bound split into timing's and the allocation rule's costs (docs/model.md §11).
fn bound_and_gap(out: &mut String, r: &RunReport) {
    let refs = &r.references;
    let demand_kwh = refs.peer_to_peer.demand_kwh;
    if demand_kwh <= 0.0 {
        return;
    }
    let share = |kwh: f64| 100.0 * kwh / demand_kwh;
    outln!(
        out,
        "load served         of {demand_kwh:.1} kWh (consumers and prosumers' own, while islanded):"
    );
    let mut line =
        |name: &str, kwh: f64| outln!(out, "  {name:<28}{kwh:>10.1} kWh  {:>5.1} %", share(kwh));
    line("no sharing", refs.no_sharing.served_kwh);
    line("peer-to-peer", refs.peer_to_peer.served_kwh);
    if let Some(ideal) = &refs.ideal_timing {
        line("peer-to-peer, ideal timing", ideal.served_kwh);
    }
    // `run`'s simulator always computes the bound.
    let Some(bound) = &refs.bound else {
        return;
    };
    line("perfect-information bound", bound.served_kwh);
    let gap_kwh = bound.served_kwh - refs.peer_to_peer.served_kwh;
    match &refs.ideal_timing {
        Some(ideal) => outln!(
            out,
            "  gap to the bound {gap_kwh:.1} kWh: timing (latency, chain, switching, back-off) {:.1} kWh, allocation rule {:.1} kWh",
            ideal.served_kwh - refs.peer_to_peer.served_kwh,
            bound.served_kwh - ideal.served_kwh
        ),
        None => outln!(out, "  gap to the bound {gap_kwh:.1} kWh"),
    }
}

/// The trapezoid metrics of the run's load-served curve (docs/model.md §10).
fn resilience_curve(out: &mut String, r: &RunReport) {
    let c = &r.resilience.curve;
    let or_none =
        |v: Option<f64>, unit: &str| v.map_or("none".into(), |v| format!("{v:.3} {unit}"));
    outln!(
        out,
        "resilience curve    Λ {:.3} of the load, Φ {}, E {}, Π {}, area {:.3} h of the whole load",
        c.lambda,
        or_none(c.phi_per_h, "/h"),
        or_none(c.e_h, "h"),
        or_none(c.pi_per_h, "/h"),
        c.area_h
    );
}
