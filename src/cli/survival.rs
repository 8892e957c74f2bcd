//! `blackstart survival`: outages started through a year, survival probability by duration,
//! month and hour of day, with and without sharing; `survival.parquet`, `summary.json` and
//! `report.html`.

use super::sweep::{Reporter, max_threads};
use super::{Failure, Format, json};
use blackstart::output::{self, Provenance};
use blackstart::scenario::Scenario;
use blackstart::sim::Simulator;
use blackstart::survival::{self, Starts, Summary, SurvivalOptions};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The survival command's arguments.
#[derive(Debug, clap::Args)]
pub(super) struct Args {
    /// Scenario file (YAML); it needs `time.start_date`.
    pub file: PathBuf,
    /// Outage durations reported, comma-separated, each with its unit (`h`, `min` or `s`) and a
    /// whole number of meter intervals.
    #[arg(long, default_value = "1h,2h,4h,8h,12h,18h")]
    pub durations: String,
    /// `all` (every meter interval of a year) or N, a sample stratified by month × hour of day
    /// (at least 288).
    #[arg(long, default_value = "all")]
    pub starts: String,
    /// Output directory (default: results/survival/<scenario name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: one per core; at most 4 per core). Results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// Seed of the sample and of every run's draws (default: the scenario's seed).
    #[arg(long)]
    pub seed: Option<u64>,
    /// No progress on stderr.
    #[arg(long)]
    pub quiet: bool,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// A duration such as `4h`, `30min` or `900s`, in seconds.
fn parse_duration(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let (number, unit_s) = if let Some(n) = text.strip_suffix("min") {
        (n, 60.0)
    } else if let Some(n) = text.strip_suffix('h') {
        (n, 3600.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else {
        return Err(format!(
            "--durations: `{text}` has no unit; write it as 4h, 30min or 900s"
        ));
    };
    match number.trim().parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v * unit_s),
        _ => Err(format!(
            "--durations: `{text}` is not a positive number of {}",
            match unit_s {
                3600.0 => "hours",
                60.0 => "minutes",
                _ => "seconds",
            }
        )),
    }
}

/// `all` or a number of starts.
fn parse_starts(text: &str) -> Result<Starts, String> {
    if text == "all" {
        return Ok(Starts::All);
    }
    text.parse::<u64>()
        .map(Starts::Sample)
        .map_err(|_| format!("--starts must be `all` or a whole number, got `{text}`"))
}

pub(super) fn run(scenario: &Scenario, file: &Path, args: Args) -> Result<String, Failure> {
    let bad_input = |message: String| Failure {
        error: anyhow::anyhow!(message),
        exit_code: super::EXIT_BAD_INPUT,
    };
    let durations_s = args
        .durations
        .split(',')
        .map(parse_duration)
        .collect::<Result<Vec<f64>, String>>()
        .map_err(bad_input)?;
    let starts = parse_starts(&args.starts).map_err(bad_input)?;
    if let Some(threads) = args.threads {
        let most = max_threads();
        if threads == 0 || threads > most {
            return Err(bad_input(format!(
                "--threads must be 1 to {most} (4 per available core), got {threads}"
            )));
        }
    }
    let seed = args.seed.unwrap_or(scenario.seed);
    let options = SurvivalOptions {
        durations_s: durations_s.clone(),
        starts,
        threads: args.threads,
        seed,
    };
    // The user's mistakes, found before the year's profiles are built.
    let calendar = survival::calendar(scenario).map_err(|e| bad_input(e.to_string()))?;
    survival::check_durations(&durations_s, calendar.interval_s)
        .map_err(|e| bad_input(e.to_string()))?;
    calendar
        .starts(starts, seed)
        .map_err(|e| bad_input(e.to_string()))?;
    let out = args
        .out
        .unwrap_or_else(|| super::default_out(&["survival"], &scenario.name));
    super::check_out_dir(&out)?;

    let year = survival::year_scenario(scenario, &durations_s, seed);
    let simulator: Simulator = super::simulator(&year, file)?;
    let started = Instant::now();
    let total = match starts {
        Starts::All => calendar.intervals(),
        Starts::Sample(n) => n,
    };
    let reporter = Reporter::new(args.quiet, total);
    let study = survival::run(&simulator, &options, &|done, total| {
        reporter.update(done, total)
    })
    .map_err(|e| match e {
        survival::SurvivalError::Threads { .. } => anyhow::Error::from(e).into(),
        other => bad_input(other.to_string()),
    })?;
    reporter.finish();
    let elapsed_s = started.elapsed().as_secs_f64();
    let sampling = match starts {
        Starts::All => "all",
        Starts::Sample(_) => "stratified",
    };
    let summary = survival::summarise(&study, &scenario.name, sampling, seed);

    std::fs::create_dir_all(&out).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
    let first = study.outcomes.first().map_or(0, |o| o.start.index);
    let last = study.outcomes.last().map_or(0, |o| o.start.index);
    output::write_parquet(
        &out.join("survival.parquet"),
        output::Table::Survival,
        &mut survival::survival_frame(&study.outcomes, study.observed_s),
        &Provenance::new(&year, first, last).with("survival_seed", seed.to_string()),
    )
    .map_err(anyhow::Error::from)?;
    let write = |name: &str, text: &str| -> Result<(), Failure> {
        let path = out.join(name);
        blackstart::io::write_atomic(&path, text.as_bytes())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()).into())
    };
    write(
        "summary.json",
        &(serde_json::to_string_pretty(&summary).map_err(anyhow::Error::from)? + "\n"),
    )?;
    write("report.html", &blackstart::report::survival_html(&summary))?;

    if let Some(f) = summary.failures.first() {
        return Err(Failure {
            error: anyhow::anyhow!(
                "{} of {} starts could not be simulated (the first, at {} s: {}); they are left \
                 out of every probability, listed in {}/summary.json `failures` and in the \
                 `error` column of survival.parquet",
                summary.failures.len(),
                summary.starts,
                f.start_s,
                f.error,
                out.display()
            ),
            exit_code: super::EXIT_FAILURE,
        });
    }
    match args.format {
        Format::Json => json(&summary),
        Format::Table => Ok(table(&summary, elapsed_s, &out)),
    }
}

fn percent(v: f64) -> String {
    if v.is_finite() {
        format!("{:>6.1}%", 100.0 * v)
    } else {
        format!("{:>7}", "–")
    }
}

fn table(s: &Summary, elapsed_s: f64, out: &Path) -> String {
    let mut text = String::new();
    outln!(
        text,
        "{}: {} outage starts ({}, seed {}), each followed {} h; critical consumers: {}",
        s.scenario,
        s.starts,
        s.sampling,
        s.seed,
        s.observed_s / 3600.0,
        if s.critical_consumers.is_empty() {
            "none".into()
        } else {
            s.critical_consumers.join(", ")
        }
    );
    outln!(
        text,
        "\nsurvival probability (share of the year's starts)\n  duration  p2p critical  p2p all   \
         no sharing critical  no sharing all"
    );
    for p in &s.overall.survival {
        outln!(
            text,
            "  {:>6} h   {}      {}        {}              {}",
            p.duration_s / 3600.0,
            percent(p.p2p_critical),
            percent(p.p2p_all),
            percent(p.no_sharing_critical),
            percent(p.no_sharing_all)
        );
    }
    let mut header =
        String::from("\np2p critical-load survival by hour of day the outage starts\n  hour");
    for p in &s.overall.survival {
        header.push_str(&format!(" {:>6}h", p.duration_s / 3600.0));
    }
    outln!(text, "{header}");
    for g in &s.by_hour {
        let mut line = format!("  {:>4}", g.hour.unwrap_or(0));
        for p in &g.survival {
            line.push_str(&format!(" {}", percent(p.p2p_critical)));
        }
        outln!(text, "{line}");
    }
    outln!(
        text,
        "\n{} starts in {elapsed_s:.1} s wall clock, {:.1} starts/s; survival.parquet, \
         summary.json and report.html in {}",
        s.starts,
        s.starts as f64 / elapsed_s.max(1e-9),
        out.display()
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_need_a_unit_and_a_positive_number() {
        assert_eq!(parse_duration("4h"), Ok(14_400.0));
        assert_eq!(parse_duration("30min"), Ok(1800.0));
        assert_eq!(parse_duration(" 900s"), Ok(900.0));
        assert!(parse_duration("4").unwrap_err().contains("no unit"));
        assert!(
            parse_duration("-1h")
                .unwrap_err()
                .contains("positive number of hours")
        );
        assert_eq!(parse_starts("all"), Ok(Starts::All));
        assert_eq!(parse_starts("2000"), Ok(Starts::Sample(2000)));
        assert!(parse_starts("many").is_err());
    }
}
