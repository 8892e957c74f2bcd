//! `blackstart sweep` and `blackstart summarise`: Monte-Carlo sweeps with a progress bar and a
//! summary table.

use super::{Failure, Format, json};
use blackstart::reliability::Indices;
use blackstart::reliability::annual::{AnnualReliability, Estimate};
use blackstart::scenario::Scenario;
use blackstart::sim::Simulator;
use blackstart::sweep::{self, DurationStats, Shard, Spread, Summary, SweepOptions};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The sweep command's arguments.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Scenario file (YAML).
    pub file: PathBuf,
    /// Runs in the whole sweep (default: the scenario's `monte_carlo.runs`).
    #[arg(long)]
    pub runs: Option<u64>,
    /// Worker threads (default: one per core; at most 4 per core). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run only shard K of N (0-based), e.g. `--shard 3/100`. Without it, the shard comes
    /// from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX when set.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
    /// Shard count for an index taken from the environment (Kubernetes Indexed Jobs).
    #[arg(long, value_name = "N")]
    pub shards: Option<u64>,
    /// Output directory (default: results/<scenario name>, its characters other than letters,
    /// digits, `-`, `_` and `.` replaced by `_`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Continue an interrupted sweep: keep the parts already written.
    #[arg(long)]
    pub resume: bool,
    /// Also write the `events` table (large).
    #[arg(long)]
    pub events: bool,
    /// Run every run a second time with ideal timing (no latency, instant chain, no back-off)
    /// to split the gap to the perfect-information bound; doubles the sweep's time.
    #[arg(long)]
    pub gap_split: bool,
    /// Leave out the perfect-information bound (its columns null): its linear program is most
    /// of a long outage's cost.
    #[arg(long, conflicts_with = "gap_split")]
    pub no_bound: bool,
    /// No progress on stderr.
    #[arg(long)]
    pub quiet: bool,
    /// Runs per Parquet part, the unit of resumption.
    #[arg(long, default_value_t = 1000)]
    pub part_size: u64,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

pub(super) fn run(
    scenario: &Scenario,
    simulator: &Simulator,
    args: Args,
) -> Result<String, Failure> {
    let bad_input = |message: String| Failure {
        error: anyhow::anyhow!(message),
        exit_code: super::EXIT_BAD_INPUT,
    };
    let shard = match &args.shard {
        Some(text) => Shard::parse(text).map_err(|e| bad_input(e.to_string()))?,
        None => Shard::from_env(|name| std::env::var(name).ok(), args.shards)
            .map_err(|e| bad_input(e.to_string()))?
            .unwrap_or(Shard::ALL),
    };
    let options = SweepOptions {
        runs: args.runs.unwrap_or(scenario.monte_carlo.runs),
        threads: args.threads,
        shard,
        out: args
            .out
            .unwrap_or_else(|| super::default_out(&[], &scenario.name)),
        resume: args.resume,
        events: args.events,
        gap_split: args.gap_split,
        no_bound: args.no_bound,
        part_size: args.part_size,
    };
    if options.runs == 0 {
        return Err(bad_input("--runs must be at least 1".into()));
    }
    if let Some(threads) = options.threads {
        let most = max_threads();
        if threads > most {
            return Err(bad_input(format!(
                "--threads must be at most {most} (4 per available core), got {threads}"
            )));
        }
    }
    super::check_out_dir(&options.out)?;
    let started = Instant::now();
    let calls_before = blackstart::ledger::contract_call_time();
    let shard_runs = options.shard.runs(options.runs);
    let reporter = Reporter::new(args.quiet, shard_runs.end - shard_runs.start);
    let outcome = sweep::run(simulator, &options, &|done, total| {
        reporter.update(done, total)
    })
    .map_err(|e| match e {
        sweep::SweepError::Directory { .. } => bad_input(e.to_string()),
        other => anyhow::Error::from(other).into(),
    })?;
    reporter.finish();
    for part in &outcome.redone {
        eprintln!(
            "warning: part {} of shard {} (runs {}..={}) was damaged and has been run again: {}",
            part.part,
            part.shard,
            part.runs.start,
            part.runs.end - 1,
            part.reason
        );
    }
    let summary = outcome.summary;
    let elapsed = started.elapsed().as_secs_f64();
    let calls_s = (blackstart::ledger::contract_call_time() - calls_before).as_secs_f64();
    let threads = options.threads.unwrap_or_else(rayon::current_num_threads);

    let summary_path = if shard.count == 1 {
        options.out.join("summary.json")
    } else {
        options
            .out
            .join("summary")
            .join(format!("shard={}.json", shard.index))
    };
    write_json(&summary_path, &summary)?;
    let report_path = if shard.count == 1 {
        let path = options.out.join("report.html");
        write_report(
            &options.out,
            &path,
            &summary,
            scenario.time.meter_interval_s,
        )?;
        Some(path)
    } else {
        None
    };
    match args.format {
        Format::Json => json(&summary),
        Format::Table => {
            let mut out = table(&summary);
            outln!(
                out,
                "\n{} runs (shard {}/{}) in {elapsed:.1} s wall clock, {:.0} runs/s; tables in {}, summary in {}",
                summary.runs,
                shard.index,
                shard.count,
                summary.runs as f64 / elapsed.max(1e-9),
                options.out.display(),
                summary_path.display()
            );
            outln!(
                out,
                "contract calls (revm, with their ABI encoding): {calls_s:.2} s summed over {threads} thread(s), {:.2} ms a run, {:.0} % of wall clock × threads (measured; the floor of a run's cost)",
                1e3 * calls_s / (summary.runs.max(1) as f64),
                100.0 * calls_s / (elapsed * threads as f64).max(1e-9),
            );
            if let Some(path) = report_path {
                outln!(out, "report in {}", path.display());
            }
            Ok(out)
        }
    }
}

/// Most worker threads a sweep may start: 4 per available core. More only add overhead (the
/// runs are compute-bound) and, in the thousands, take long to start or fail to.
pub(super) fn max_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from) * 4
}

/// `blackstart summarise DIR`: the summary of every shard written to a sweep directory.
pub(super) fn summarise(dir: &Path, format: Format) -> Result<String, Failure> {
    let summary = sweep::summarise_directory(dir).map_err(|e| Failure {
        error: e.into(),
        exit_code: super::EXIT_BAD_INPUT,
    })?;
    write_json(&dir.join("summary.json"), &summary)?;
    let interval_s = sweep::read_manifest(dir)
        .map_err(anyhow::Error::from)?
        .scenario
        .time
        .meter_interval_s;
    write_report(dir, &dir.join("report.html"), &summary, interval_s)?;
    match format {
        Format::Json => json(&summary),
        Format::Table => Ok(table(&summary)),
    }
}

/// Writes `report.html` of the sweep in `dir` (every shard's runs and intervals) to `path`,
/// reading the runs table a column or a few at a time and the intervals table one part at a
/// time.
fn write_report(
    dir: &Path,
    path: &Path,
    summary: &Summary,
    interval_s: f64,
) -> Result<(), Failure> {
    use blackstart::report::ResilienceCurve;
    let parts = sweep::Parts::in_directory(dir).map_err(anyhow::Error::from)?;
    let mut curve = ResilienceCurve::new(interval_s);
    // A sweep written before the `intervals` table existed still gets its report, without
    // the resilience curve (the page says so).
    if dir.join("intervals").is_dir() {
        curve.gather(&parts).map_err(anyhow::Error::from)?;
    } else {
        eprintln!(
            "warning: {} has no `intervals` table (written by an older blackstart): report.html \
             has no resilience curve",
            dir.display()
        );
    }
    let html =
        blackstart::report::sweep_html(summary, &parts, &curve).map_err(anyhow::Error::from)?;
    blackstart::io::write_atomic(path, html.as_bytes())
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()).into())
}

fn write_json(path: &Path, summary: &Summary) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(summary).map_err(anyhow::Error::from)? + "\n";
    blackstart::io::write_atomic(path, text.as_bytes())
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()).into())
}

fn table(s: &Summary) -> String {
    let mut out = String::new();
    outln!(out, "{}: {} runs", s.scenario, s.runs);
    outln!(
        out,
        "runs      by status: {}; by failure reason: {}",
        counts(&s.runs_by_status, "status"),
        counts(&s.runs_by_failure_reason, "failure_reason")
    );
    if s.rewards_capped.runs > 0 {
        outln!(
            out,
            "          {} run(s) with rewards capped pro rata by the eq. 5 budget, {:.2} INR below \
             their allocations' cost in all",
            s.rewards_capped.runs,
            s.rewards_capped.total_inr
        );
    }
    let stats = |m: &DurationStats| {
        format!(
            "mean {:.2} s (95% CI {:.2} – {:.2}), sd {:.2} s, over {} runs\n          \
             p50 {:.2}  p90 {:.2}  p95 {:.2}  p99 {:.2}  max {:.2} s",
            m.mean_s,
            m.ci95_low_s,
            m.ci95_high_s,
            m.std_dev_s,
            m.runs,
            m.p50_s,
            m.p90_s,
            m.p95_s,
            m.p99_s,
            m.max_s
        )
    };
    match &s.mttr {
        None => outln!(
            out,
            "MTTR      (eq. 15) none: no run restored its outage (see the failure reasons above)"
        ),
        Some(m) => {
            outln!(
                out,
                "MTTR      (eq. 15, restored outages only) {}",
                stats(m)
            );
            outln!(
                out,
                "          (the paper reports 19 s; all-India average 5 h 28 min)"
            );
        }
    }
    match &s.customer_restoration {
        None => outln!(
            out,
            "customer-weighted restoration: not in the runs table (no customer_restoration_mean_s)"
        ),
        Some(c) => {
            let per_run = c
                .per_run
                .as_ref()
                .map_or_else(|| "no run interrupted a customer".to_string(), stats);
            outln!(
                out,
                "customer-weighted restoration time, per run over every interrupted customer \
                 (shed and unrestored ones at the end of the run; {} customers censored):\n          {per_run}",
                c.customers_censored
            );
        }
    }
    let p = &s.phases_mean;
    outln!(
        out,
        "phases    detection {:.2}  communication {:.2}  chain {:.2}  optimisation {:.2}  switching {:.2}  verification {:.2} s (means over the restored runs)",
        p.detection_s,
        p.communication_s,
        p.chain_s,
        p.optimisation_s,
        p.switching_s,
        p.verification_s
    );
    match &s.reliability {
        None => outln!(
            out,
            "IEEE 1366: no indices (the scenario serves no customer)"
        ),
        Some(r) => reliability(&mut out, r),
    }
    if let Some(a) = &s.reliability_annual {
        annual(&mut out, a);
    }
    let e = &s.energy_not_served;
    outln!(
        out,
        "energy not served {:.1} kWh in all, {:.3} kWh per customer per outage event",
        e.total_kwh,
        e.per_customer_per_event_kwh
    );
    if let Some(a) = &s.against_no_sharing {
        outln!(
            out,
            "against no sharing (same draws; consumers dark until the grid returns), per run:"
        );
        for (what, unit, spread) in [
            (
                "consumers' energy served gained",
                "kWh",
                &a.consumers_energy_gain_kwh,
            ),
            ("customer-hours avoided", "h", &a.customer_hours_avoided),
            (
                "prosumers' own load given up",
                "kWh",
                &a.prosumers_own_load_cost_kwh,
            ),
        ] {
            spread_line(&mut out, what, unit, spread);
        }
    }
    if let Some(a) = &s.against_bound {
        outln!(
            out,
            "load served (consumers and prosumers' own, while islanded) against the perfect-information bound, per run:"
        );
        let mut rows = vec![
            ("peer-to-peer", "kWh", &a.served_kwh),
            ("no sharing", "kWh", &a.no_sharing_served_kwh),
            ("bound", "kWh", &a.bound_served_kwh),
            ("gap to the bound", "kWh", &a.gap_kwh),
            ("gap, share of the load", "", &a.gap_share),
        ];
        if let (Some(timing), Some(rule)) = (&a.timing_cost_kwh, &a.rule_cost_kwh) {
            rows.push(("of the gap, timing's cost", "kWh", timing));
            rows.push(("of the gap, the allocation rule's", "kWh", rule));
        }
        for (what, unit, spread) in rows {
            spread_line(&mut out, what, unit, spread);
        }
        if a.timing_cost_kwh.is_none() {
            outln!(
                out,
                "          (--gap-split splits the gap into timing's and the allocation rule's costs)"
            );
        }
    }
    if let Some(c) = &s.resilience {
        outln!(
            out,
            "resilience, per run (times from the fault; the curve's metrics after Panteli and Mancarella):"
        );
        let rows = [
            ("energy not served", "kWh", Some(&c.energy_not_served_kwh)),
            ("customer-hours", "h", Some(&c.customer_hours)),
            (
                "critical-load hours lost",
                "h",
                Some(&c.critical_load_hours_lost),
            ),
            (
                "first critical-load loss",
                "s",
                c.first_critical_loss_s.as_ref(),
            ),
            ("50 % restored", "s", c.restored_50_s.as_ref()),
            ("90 % restored", "s", c.restored_90_s.as_ref()),
            ("100 % restored", "s", c.restored_100_s.as_ref()),
            ("Λ depth", "of the load", Some(&c.lambda)),
            ("Φ fall rate", "/h", c.phi_per_h.as_ref()),
            ("E time degraded", "h", c.e_h.as_ref()),
            ("Π recovery rate", "/h", c.pi_per_h.as_ref()),
            ("area", "h of the whole load", Some(&c.area_h)),
        ];
        for (what, unit, spread) in rows {
            match spread {
                Some(spread) => spread_line(&mut out, what, unit, spread),
                None => outln!(out, "          {what}: in no run"),
            }
        }
    }
    out
}

/// One line of a per-run distribution: mean with its 95 % interval and percentiles.
fn spread_line(out: &mut String, what: &str, unit: &str, spread: &Spread) {
    outln!(
        out,
        "          {what}: mean {:.2} {unit} (95% CI {:.2} – {:.2}, {} runs), p5 {:.2}  p50 {:.2}  p95 {:.2}",
        spread.mean,
        spread.ci95_low,
        spread.ci95_high,
        spread.runs,
        spread.p5,
        spread.p50,
        spread.p95
    );
}

/// `a 3, b 1`, or why there are no counts.
fn counts(counts: &Option<BTreeMap<String, u64>>, column: &str) -> String {
    match counts {
        None => format!("not recorded (the runs table has no `{column}`)"),
        Some(c) if c.is_empty() => "none".to_string(),
        Some(c) => c
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The IEEE 1366 lines of the summary.
fn reliability(out: &mut String, r: &Indices) {
    outln!(
        out,
        "IEEE 1366 per outage event (each run is one outage event; averaged over {} runs, not annual), {} customers served:",
        r.outage_events,
        r.customers_served
    );
    let caidi = r.caidi_min.map_or_else(
        || "– (no sustained interruption)".into(),
        |c| format!("{c:.3} min"),
    );
    outln!(
        out,
        "          SAIFI {:.4}  SAIDI {:.3} min  CAIDI {caidi}  MAIFI_E {:.4}  (sustained: over 5 min)",
        r.saifi_per_event,
        r.saidi_per_event_min,
        r.maifi_e_per_event
    );
    outln!(
        out,
        "          ASAI {:.9} over a stated period of {} min ({:.1} days) holding one outage event",
        r.asai_per_event,
        r.asai_period_min,
        r.asai_period_min / 1440.0
    );
    let mut shares: Vec<String> = r
        .cemi_per_event
        .iter()
        .map(|c| format!("CEMI_{} {:.4}", c.n, c.share))
        .collect();
    for c in &r.celid_per_event {
        shares.push(format!("CELID-s({} min) {:.4}", c.t_min, c.single));
        shares.push(format!("CELID-t({} min) {:.4}", c.t_min, c.total));
    }
    if !shares.is_empty() {
        outln!(out, "          {}", shares.join("  "));
    }
    outln!(
        out,
        "          from {} customer interruptions: {} sustained, {} momentary events, {} censored (counted at their censored duration)",
        r.customer_interruptions,
        r.sustained_interruptions,
        r.momentary_events,
        r.censored_interruptions
    );
}

/// The annual IEEE 1366 lines of the summary: peer-to-peer and no sharing side by side.
fn annual(out: &mut String, a: &AnnualReliability) {
    outln!(
        out,
        "IEEE 1366 per year ({:.4} outage events a year; estimated from {} runs drawn in proportion to the rates), {} customers served:",
        a.events_per_year,
        a.runs,
        a.customers_served
    );
    for c in &a.classes {
        let lines: Vec<String> = c.lines.iter().map(|[x, y]| format!("{x}–{y}")).collect();
        outln!(
            out,
            "          fault set {} (lines {}): {:.4} a year, {} runs",
            c.fault_set,
            lines.join(", "),
            c.rate_per_year,
            c.runs
        );
    }
    let estimate = |e: &Estimate, digits: usize| {
        format!(
            "{:.digits$} ({:.digits$} – {:.digits$})",
            e.value, e.ci95_low, e.ci95_high
        )
    };
    let optional = |e: Option<&Estimate>, digits: usize| {
        e.map_or_else(
            || "– (no sustained interruption)".into(),
            |e| estimate(e, digits),
        )
    };
    let p = &a.peer_to_peer;
    let n = a.no_sharing.as_ref();
    let none = || "– (not recorded)".to_string();
    let mut rows: Vec<(String, String, String)> = vec![
        (
            "SAIFI, interruptions/customer/year".into(),
            estimate(&p.saifi_per_year, 4),
            n.map_or_else(none, |n| estimate(&n.saifi_per_year, 4)),
        ),
        (
            "SAIDI, min/customer/year".into(),
            estimate(&p.saidi_per_year_min, 2),
            n.map_or_else(none, |n| estimate(&n.saidi_per_year_min, 2)),
        ),
        (
            "CAIDI, min/interruption".into(),
            optional(p.caidi_min.as_ref(), 2),
            n.map_or_else(none, |n| optional(n.caidi_min.as_ref(), 2)),
        ),
        (
            "MAIFI_E, events/customer/year".into(),
            estimate(&p.maifi_e_per_year, 4),
            n.map_or_else(none, |n| estimate(&n.maifi_e_per_year, 4)),
        ),
        (
            "ASAI over a year".into(),
            estimate(&p.asai, 7),
            n.map_or_else(none, |n| estimate(&n.asai, 7)),
        ),
    ];
    for (k, c) in p.cemi_per_year.iter().enumerate() {
        rows.push((
            format!("CEMI_{}, share of customers/year", c.n),
            estimate(&c.share, 4),
            n.map_or_else(none, |n| estimate(&n.cemi_per_year[k].share, 4)),
        ));
    }
    for (k, c) in p.celid_per_year.iter().enumerate() {
        rows.push((
            format!("CELID-s({} min), share/year", c.t_min),
            estimate(&c.single, 4),
            n.map_or_else(none, |n| estimate(&n.celid_per_year[k].single, 4)),
        ));
        rows.push((
            format!("CELID-t({} min), share/year", c.t_min),
            estimate(&c.total, 4),
            n.map_or_else(none, |n| estimate(&n.celid_per_year[k].total, 4)),
        ));
    }
    let width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    outln!(
        out,
        "          {:<40}{:<width$}  {}",
        "index (95% CI)",
        "peer-to-peer",
        "no sharing"
    );
    for (name, shared, alone) in rows {
        outln!(out, "          {name:<40}{shared:<width$}  {alone}");
    }
    outln!(
        out,
        "          {:<40}{:<width$}  {}",
        "censored interruptions (lower bounds)",
        p.censored_interruptions,
        n.map_or_else(none, |n| n.censored_interruptions.to_string())
    );
    outln!(
        out,
        "          (SAIFI, SAIDI, MAIFI_E: normal approximation over runs; CAIDI: delta method; CEMI, CELID: {} simulated years, bootstrap over runs of {} × {} years)",
        a.sampling.simulated_years,
        a.sampling.bootstrap_replicates,
        a.sampling.bootstrap_years
    );
}

/// Progress on stderr: a bar on a terminal, a line every few seconds otherwise, or nothing.
pub(super) enum Reporter {
    Quiet,
    Bar(ProgressBar),
    Lines {
        last: Mutex<Instant>,
        started: Instant,
    },
}

impl Reporter {
    pub(super) fn new(quiet: bool, total: u64) -> Self {
        if quiet {
            Reporter::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
                    .expect("the progress template is valid"),
            );
            Reporter::Bar(bar)
        } else {
            Reporter::Lines {
                last: Mutex::new(Instant::now()),
                started: Instant::now(),
            }
        }
    }

    pub(super) fn update(&self, done: u64, total: u64) {
        match self {
            Reporter::Quiet => {}
            Reporter::Bar(bar) => bar.set_position(done),
            Reporter::Lines { last, started } => {
                let mut last = last.lock().expect("the progress lock is never poisoned");
                if last.elapsed() >= Duration::from_secs(5) || done == total {
                    *last = Instant::now();
                    let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-9);
                    eprintln!("{done}/{total} runs, {rate:.0} runs/s");
                }
            }
        }
    }

    pub(super) fn finish(&self) {
        if let Reporter::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
