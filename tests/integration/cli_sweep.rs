//! `blackstart sweep`: determinism across threads and shards, resumption, refusal to mix.

use blackstart::sweep::{
    read_interruptions, read_intervals, read_no_sharing_interruptions, read_runs,
};
use polars::prelude::DataFrame;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const RUNS: &str = "24";
const PART: &str = "6";

fn scenario() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/campus13.yaml")
}

fn sweep(out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .args([
            "sweep",
            scenario().to_str().unwrap(),
            "--runs",
            RUNS,
            "--part-size",
            PART,
        ])
        .arg("--out")
        .arg(out)
        .args(["--quiet", "--format", "json"])
        .args(extra)
        .output()
        .expect("the blackstart binary runs")
}

fn sweep_ok(out: &Path, extra: &[&str]) {
    let result = sweep(out, extra);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
}

/// campus13 named `name` with `overrides` (YAML appended to an `extends`), written in `dir`.
fn variant(dir: &Path, name: &str, overrides: &str) -> PathBuf {
    let file = dir.join(format!("{name}.yaml"));
    let text = format!(
        "extends: {}\nname: {name}\n{overrides}",
        scenario().display()
    );
    std::fs::write(&file, text).unwrap();
    file
}

/// `blackstart sweep FILE --quiet --out OUT EXTRA…`, which must succeed: what it printed.
fn sweep_file_ok(file: &Path, out: &Path, extra: &[&str]) -> Vec<u8> {
    let result = Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .arg("sweep")
        .arg(file)
        .args(["--quiet", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("the blackstart binary runs");
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    result.stdout
}

fn runs(dir: &Path) -> DataFrame {
    read_runs(dir).expect("the runs table reads back")
}

fn assert_same(a: &DataFrame, b: &DataFrame) {
    assert_eq!(a.height(), RUNS.parse::<usize>().unwrap());
    assert!(a.equals_missing(b), "tables differ:\n{a}\n{b}");
}

#[test]
fn rows_do_not_depend_on_threads_or_shards() {
    let dir = tempfile::tempdir().unwrap();
    let one_thread = dir.path().join("t1");
    let two_threads = dir.path().join("t2");
    let sharded = dir.path().join("shards");
    sweep_ok(&one_thread, &["--threads", "1"]);
    sweep_ok(&two_threads, &["--threads", "2"]);
    sweep_ok(&sharded, &["--shard", "0/2"]);
    sweep_ok(&sharded, &["--shard", "1/2"]);
    let reference = runs(&one_thread);
    assert_same(&reference, &runs(&two_threads));
    assert_same(&reference, &runs(&sharded));
    let interruptions = read_interruptions(&one_thread).unwrap();
    assert!(interruptions.height() > 0);
    let intervals = read_intervals(&one_thread).unwrap();
    assert!(intervals.height() > 0);
    let no_sharing = read_no_sharing_interruptions(&one_thread).unwrap().unwrap();
    assert!(no_sharing.height() > 0);
    for other in [&two_threads, &sharded] {
        assert!(interruptions.equals_missing(&read_interruptions(other).unwrap()));
        assert!(intervals.equals_missing(&read_intervals(other).unwrap()));
        let others = read_no_sharing_interruptions(other).unwrap().unwrap();
        assert!(no_sharing.equals_missing(&others));
    }
    // Rows are distinct runs, not copies of one.
    let seeds = reference.column("seed").unwrap().n_unique().unwrap();
    assert_eq!(seeds, reference.height());
    // Each shard wrote its own summary; `summarise` combines them.
    assert!(sharded.join("summary/shard=1.json").exists());
    let summary = Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .args(["summarise", sharded.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert!(summary.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
    assert_eq!(summary["runs"], 24);
    // The same indices as the unsharded sweep's, from the same interruption records.
    let whole = summary_json(&one_thread);
    assert_eq!(summary["reliability"], whole["reliability"]);
}

fn summary_json(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

fn float(value: &serde_json::Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"))
}

/// (Σ minutes of the interruptions over 5 min, Σ minutes of the others, rows) of a sweep.
fn interruption_minutes(dir: &Path) -> (f64, f64, usize) {
    let table = read_interruptions(dir).unwrap();
    let durations: Vec<f64> = table
        .column("duration_s")
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let sustained: f64 = durations.iter().filter(|&&d| d > 300.0).sum::<f64>() / 60.0;
    let momentary: f64 = durations.iter().filter(|&&d| d <= 300.0).sum::<f64>() / 60.0;
    (sustained, momentary, durations.len())
}

#[test]
fn caidi_is_saidi_over_saifi_and_saidi_counts_sustained_interruptions_only() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    sweep_ok(&out, &[]);
    let r = &summary_json(&out)["reliability"];
    let (saifi, saidi) = (
        float(&r["saifi_per_event"]),
        float(&r["saidi_per_event_min"]),
    );
    assert!(saifi > 0.0, "the sweep has sustained interruptions: {r}");
    let caidi = float(&r["caidi_min"]);
    assert!((caidi - saidi / saifi).abs() <= 1e-12 * caidi, "{r}");
    // campus13 serves 3 customers; each run is one outage event.
    let exposures = 3.0 * RUNS.parse::<f64>().unwrap();
    let (sustained_min, momentary_min, rows) = interruption_minutes(&out);
    assert!(
        momentary_min > 0.0,
        "the sweep has momentary interruptions too"
    );
    assert!((saidi - sustained_min / exposures).abs() <= 1e-9 * saidi);
    assert_eq!(float(&r["customer_interruptions"]) as usize, rows);
    assert!(float(&r["asai_period_min"]) == 525_600.0);
}

#[test]
fn restorations_within_five_minutes_are_momentary_and_stay_out_of_saidi() {
    let dir = tempfile::tempdir().unwrap();
    // Without back-offs, with the faults at noon (Table 5's energies) and repaired two minutes
    // later, the grid reconnecting at once: campus13 restores in about 70 s, the repair ends
    // whatever protection shed meanwhile, and every interruption is momentary.
    let file = variant(
        dir.path(),
        "campus13-fast",
        "monte_carlo:\n  back_off_probability: 0\n  fault_time_s: 43200\n\
         faults:\n  - {line: [3, 4], repair_time_s: 120}\n  - {line: [6, 7], repair_time_s: 120}\n\
         timing:\n  resync_delay_s: 0\n",
    );
    let out = dir.path().join("s");
    let printed = sweep_file_ok(&file, &out, &["--runs", "12"]);
    let printed = String::from_utf8_lossy(&printed);
    assert!(printed.contains("IEEE 1366 per outage event"), "{printed}");
    assert!(
        printed.contains("CAIDI – (no sustained interruption)"),
        "{printed}"
    );
    let (sustained_min, momentary_min, rows) = interruption_minutes(&out);
    assert_eq!(sustained_min, 0.0);
    assert!(rows >= 36, "{rows}");
    assert!(momentary_min > 0.0);
    let r = &summary_json(&out)["reliability"];
    assert_eq!(float(&r["saifi_per_event"]), 0.0);
    assert_eq!(float(&r["saidi_per_event_min"]), 0.0);
    assert!(r["caidi_min"].is_null());
    // Each of the 3 customers has at least one momentary interruption event per outage event
    // (more when protection shed it for seconds while the island's export ramped up).
    assert!(float(&r["maifi_e_per_event"]) >= 1.0);
    assert_eq!(float(&r["asai_per_event"]), 1.0);
}

#[test]
fn a_killed_sweep_resumes_to_the_same_tables() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let killed = dir.path().join("killed");
    sweep_ok(&whole, &[]);

    let mut child = Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .args([
            "sweep",
            scenario().to_str().unwrap(),
            "--runs",
            RUNS,
            "--part-size",
            PART,
        ])
        .arg("--out")
        .arg(&killed)
        .args(["--quiet", "--threads", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let first_part = killed.join("runs/shard=0/part-0-00000.parquet");
    let deadline = Instant::now() + Duration::from_secs(120);
    while !first_part.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        first_part.exists(),
        "the sweep wrote no part before the deadline"
    );
    // A kill leaves whole parts only (a stray temporary file is cleaned up on resume).
    std::fs::write(
        killed.join("runs/shard=0/part-0-00003.parquet.tmp-1"),
        b"torn",
    )
    .unwrap();

    let refused = sweep(&killed, &[]);
    assert_eq!(
        refused.status.code(),
        Some(2),
        "a rerun without --resume must refuse"
    );
    assert!(first_part.exists(), "refusing loses no finished work");

    sweep_ok(&killed, &["--resume"]);
    assert_same(&runs(&whole), &runs(&killed));
    assert!(
        read_interruptions(&whole)
            .unwrap()
            .equals_missing(&read_interruptions(&killed).unwrap())
    );
    assert!(
        !killed
            .join("runs/shard=0/part-0-00003.parquet.tmp-1")
            .exists()
    );
}

#[test]
fn resume_refuses_a_different_sweep() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    sweep_ok(&out, &[]);
    let other = Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .args([
            "sweep",
            scenario().to_str().unwrap(),
            "--runs",
            "30",
            "--resume",
            "--quiet",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&other.stderr).contains("differs from this one"));
}

#[test]
fn events_are_written_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    let with_events = dir.path().join("events");
    sweep_ok(&plain, &[]);
    sweep_ok(&with_events, &["--events"]);
    assert!(!plain.join("events").exists());
    let events =
        blackstart::output::read_parquet(&with_events.join("events/shard=0/part-0-00000.parquet"))
            .unwrap();
    let logged_runs = events.column("run_index").unwrap().n_unique().unwrap();
    assert_eq!(
        logged_runs,
        PART.parse::<usize>().unwrap(),
        "every run of the part logged events"
    );
    // The event log does not change the results.
    assert_same(&runs(&plain), &runs(&with_events));
}

#[test]
fn a_household_feeder_short_of_energy_says_why_in_the_summary_and_the_parquet() {
    // 10 households with rooftop PV and batteries cannot carry 40 without: with the faults at
    // noon (the energies the generator drew), each run sheds some consumers. The summary and
    // the runs table must say so, run by run.
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_blackstart");
    let generated = Command::new(bin)
        .args([
            "generate",
            "--prosumers",
            "10",
            "--consumers",
            "40",
            "--seed",
            "3",
        ])
        .output()
        .unwrap();
    assert!(generated.status.success());
    let generated_file = dir.path().join("households.yaml");
    std::fs::write(&generated_file, &generated.stdout).unwrap();
    let file = dir.path().join("households-noon.yaml");
    std::fs::write(
        &file,
        "extends: households.yaml\nname: households-noon\nmonte_carlo: {fault_time_s: 43200}\n",
    )
    .unwrap();
    let out = dir.path().join("sweep");
    let printed = sweep_file_ok(&file, &out, &["--runs", "12", "--format", "json"]);
    let summary: serde_json::Value = serde_json::from_slice(&printed).unwrap();
    assert_eq!(
        summary["runs_by_status"]["partly_restored"], 12,
        "{summary}"
    );
    assert_eq!(
        summary["runs_by_failure_reason"]["no_capacity"], 12,
        "{summary}"
    );
    let censored = summary["customer_restoration"]["customers_censored"]
        .as_u64()
        .unwrap();
    assert!(
        censored > 0,
        "shed households stay dark when the repair is late: {summary}"
    );

    let table = runs(&out);
    let reasons = table
        .column("failure_reason")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    assert!(reasons.iter().all(|r| r == Some("no_capacity")), "{table}");
    let detail = table
        .column("failure_detail")
        .unwrap()
        .str()
        .unwrap()
        .clone();
    assert!(
        detail.iter().all(|d| d.is_some_and(|d| d.contains("shed"))),
        "{table}"
    );
}

#[test]
fn runs_whose_rewards_were_capped_by_the_budget_say_so() {
    // At 20 INR/kWh every campus13 allocation costs more than the consumers' tariffs: each run
    // restores its island with every reward capped, and its row says by how much.
    let dir = tempfile::tempdir().unwrap();
    let file = variant(
        dir.path(),
        "campus13-dear",
        "tariffs: {prosumer_base_inr_per_kwh: 20.0}\nmonte_carlo:\n  back_off_probability: 0\n",
    );
    let out = dir.path().join("s");
    sweep_file_ok(&file, &out, &["--runs", "4"]);
    let runs = runs(&out);
    let capped = runs.column("rewards_capped_inr").unwrap().f64().unwrap();
    let status = runs.column("status").unwrap().str().unwrap();
    for row in 0..runs.height() {
        let capped_inr = capped.get(row).unwrap();
        // The replayed run reports the same cut.
        let replay = Command::new(env!("CARGO_BIN_EXE_blackstart"))
            .arg("run")
            .arg(&file)
            .args(["--sweep-run", &row.to_string(), "--format", "json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&replay.stdout).unwrap();
        // (JSON's decimal text parses back to within an ulp.)
        let replayed_inr = report["rewards_capped_inr"].as_f64().unwrap();
        assert!(
            (replayed_inr - capped_inr).abs() < 1e-9,
            "{replayed_inr} {capped_inr}"
        );
        if status.get(row) == Some("restored") {
            assert!(capped_inr > 0.0, "run {row}: {runs}");
        }
    }
    assert!(
        (0..runs.height()).any(|row| status.get(row) == Some("restored")),
        "{runs}"
    );
    // The summary counts them.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let capped_runs = (0..runs.height())
        .filter(|&row| capped.get(row).is_some_and(|inr| inr > 0.0))
        .count();
    assert!(capped_runs > 0);
    assert_eq!(summary["rewards_capped"]["runs"], capped_runs, "{summary}");
    let total: f64 = capped.iter().flatten().sum();
    let reported = summary["rewards_capped"]["total_inr"].as_f64().unwrap();
    assert!((reported - total).abs() < 1e-6, "{reported} {total}");
}

/// campus13-annual: runs drawn in proportion to the rates, annual indices that are Λ times the
/// per-event ones, no sharing never better than peer-to-peer in minutes, the no-sharing
/// interruptions adding up to the runs' no-sharing customer-hours, and the same annual figures
/// however the sweep is split.
#[test]
fn annual_indices_weight_events_by_their_rates_for_both_references() {
    let dir = tempfile::tempdir().unwrap();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/campus13-annual.yaml");
    let whole = dir.path().join("whole");
    let printed = sweep_file_ok(&file, &whole, &["--runs", "40"]);
    let printed = String::from_utf8(printed).unwrap();
    assert!(printed.contains("IEEE 1366 per year"), "{printed}");
    assert!(printed.contains("no sharing"), "{printed}");
    let summary = summary_json(&whole);
    let a = &summary["reliability_annual"];
    let rate = float(&a["events_per_year"]);
    assert!(
        (rate - (0.2 + 0.065 * 0.4 + 0.065 * 0.3)).abs() < 1e-12,
        "{a}"
    );
    assert_eq!(a["runs"], 40);
    let drawn: Vec<u64> = a["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["runs"].as_u64().unwrap())
        .collect();
    assert_eq!(drawn.iter().sum::<u64>(), 40);
    let per_event = &summary["reliability"];
    let p2p = &a["peer_to_peer"];
    let saifi = float(&p2p["saifi_per_year"]["value"]);
    let want = rate * float(&per_event["saifi_per_event"]);
    assert!(
        (saifi - want).abs() <= 1e-12 * want.max(1e-300),
        "{saifi} against {want}"
    );
    let saidi = float(&p2p["saidi_per_year_min"]["value"]);
    let want = rate * float(&per_event["saidi_per_event_min"]);
    assert!(
        (saidi - want).abs() <= 1e-9 * want.max(1.0),
        "{saidi} against {want}"
    );
    let alone = &a["no_sharing"];
    let saidi_alone = float(&alone["saidi_per_year_min"]["value"]);
    assert!(
        saidi_alone >= saidi,
        "no sharing {saidi_alone} against P2P {saidi}"
    );
    for x in [p2p, alone] {
        let s = &x["saifi_per_year"];
        assert!(float(&s["ci95_low"]) <= float(&s["value"]));
        assert!(float(&s["value"]) <= float(&s["ci95_high"]));
    }
    // Each run's no-sharing interruptions add up to its no-sharing customer-hours.
    let table = read_no_sharing_interruptions(&whole).unwrap().unwrap();
    let hours: f64 = table
        .column("duration_s")
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .sum::<f64>()
        / 3600.0;
    let runs_hours: f64 = runs(&whole)
        .column("no_sharing_customer_hours")
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .sum();
    assert!(
        (hours - runs_hours).abs() < 1e-6 * runs_hours.max(1.0),
        "{hours} against {runs_hours}"
    );
    // Shards summarised together give the same annual indices, to the bit.
    let sharded = dir.path().join("sharded");
    sweep_file_ok(&file, &sharded, &["--runs", "40", "--shard", "0/2"]);
    sweep_file_ok(&file, &sharded, &["--runs", "40", "--shard", "1/2"]);
    let combined = Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .args(["summarise", sharded.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    let combined: serde_json::Value = serde_json::from_slice(&combined.stdout).unwrap();
    assert_eq!(
        combined["reliability_annual"],
        summary["reliability_annual"]
    );
}

/// A scenario without rates has no annual indices.
#[test]
fn without_rates_there_are_no_annual_indices() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s");
    sweep_file_ok(&scenario(), &out, &["--runs", "2"]);
    assert!(summary_json(&out)["reliability_annual"].is_null());
}

#[test]
fn without_the_bound_its_columns_are_null_and_the_rest_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, no_bound) = (dir.path().join("plain"), dir.path().join("no-bound"));
    sweep_ok(&plain, &[]);
    sweep_ok(&no_bound, &["--no-bound"]);
    let (a, b) = (runs(&plain), runs(&no_bound));
    let bound = |f: &DataFrame| f.column("bound_load_served_kwh").unwrap().null_count();
    assert_eq!(bound(&a), 0);
    assert_eq!(bound(&b), b.height());
    assert_same(
        &a.drop("bound_load_served_kwh").unwrap(),
        &b.drop("bound_load_served_kwh").unwrap(),
    );
    assert!(summary_json(&no_bound)["against_bound"].is_null());
    assert!(!summary_json(&plain)["against_bound"].is_null());
    // A resumed sweep must not mix runs with and without it.
    let mixed = sweep(&plain, &["--resume", "--no-bound"]);
    assert_eq!(mixed.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&mixed.stderr).contains("--no-bound"));
}

/// A float column of a table.
fn floats(table: &DataFrame, name: &str) -> Vec<f64> {
    table
        .column(name)
        .unwrap()
        .f64()
        .unwrap()
        .into_no_null_iter()
        .collect()
}

#[test]
fn twice_the_customers_behind_every_consumer_leaves_the_indices_and_doubles_the_counts() {
    let dir = tempfile::tempdir().unwrap();
    let doubled = variant(
        dir.path(),
        "campus13-doubled",
        "entities:\n  consumers:\n\
         \x20   - {id: C1, node: 4, demand_kwh: 368, priority: 3, profile: campus_load, customers: 2}\n\
         \x20   - {id: C2, node: 12, demand_kwh: 800, priority: 2, profile: campus_load, customers: 2}\n\
         \x20   - {id: C3, node: 13, demand_kwh: 839, priority: 1, profile: campus_load, customers: 2}\n",
    );
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    sweep_file_ok(&scenario(), &one, &["--runs", "8"]);
    sweep_file_ok(&doubled, &two, &["--runs", "8"]);
    let (a, b) = (
        &summary_json(&one)["reliability"],
        &summary_json(&two)["reliability"],
    );
    assert_eq!(float(&a["customers_served"]), 3.0);
    assert_eq!(float(&b["customers_served"]), 6.0);
    assert!(float(&a["saifi_per_event"]) > 0.0, "{a}");
    // Every count doubles over twice the customers served: each share is the same, to the bit.
    for index in [
        "saifi_per_event",
        "saidi_per_event_min",
        "caidi_min",
        "maifi_e_per_event",
        "asai_per_event",
        "cemi_per_event",
        "celid_per_event",
    ] {
        assert_eq!(a[index], b[index], "{index}");
    }
    for count in ["customer_interruptions", "sustained_interruptions"] {
        assert_eq!(2.0 * float(&a[count]), float(&b[count]), "{count}");
    }
    let (runs_one, runs_two) = (runs(&one), runs(&two));
    for minutes in ["customer_minutes_interrupted", "no_sharing_customer_hours"] {
        let doubled: Vec<f64> = floats(&runs_one, minutes).iter().map(|m| 2.0 * m).collect();
        assert_eq!(doubled, floats(&runs_two, minutes), "{minutes}");
    }
    let counts = |runs: &DataFrame, name: &str| {
        let column = runs.column(name).unwrap().u64().unwrap().clone();
        column.into_no_null_iter().collect::<Vec<u64>>()
    };
    for count in [
        "customers_interrupted",
        "customers_sustained",
        "customers_censored",
    ] {
        let doubled: Vec<u64> = counts(&runs_one, count).iter().map(|c| 2 * c).collect();
        assert_eq!(doubled, counts(&runs_two, count), "{count}");
    }
    let mean_s = |runs: &DataFrame| {
        let column = runs.column("customer_restoration_mean_s").unwrap();
        column.f64().unwrap().iter().collect::<Vec<Option<f64>>>()
    };
    assert_eq!(mean_s(&runs_one), mean_s(&runs_two));
    let customers = |dir: &Path| {
        let table = read_interruptions(dir).unwrap();
        let column = table.column("customers").unwrap().u32().unwrap().clone();
        column.into_no_null_iter().collect::<Vec<u32>>()
    };
    let (c1, c2) = (customers(&one), customers(&two));
    assert!(!c1.is_empty() && c1.iter().all(|&c| c == 1), "{c1:?}");
    assert_eq!(c2, vec![2; c1.len()]);
}

/// A sweep of campus13-annual with every reference (`--gap-split`) and annual rates, 16 runs
/// in parts of 5, into `out`: its scenario and its tables held whole (runs, interruption
/// records of peer-to-peer and of no sharing).
fn annual_sweep(
    out: &Path,
) -> (
    blackstart::scenario::Scenario,
    DataFrame,
    Vec<blackstart::reliability::Interruption>,
    Vec<blackstart::reliability::Interruption>,
) {
    use blackstart::sweep::interruption_records;
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/campus13-annual.yaml");
    let result = Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--runs",
            "16",
            "--part-size",
            "5",
            "--gap-split",
        ])
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    (
        blackstart::scenario::load(&file).unwrap(),
        read_runs(out).unwrap(),
        interruption_records(&read_interruptions(out).unwrap()).unwrap(),
        interruption_records(&read_no_sharing_interruptions(out).unwrap().unwrap()).unwrap(),
    )
}

/// The summary reads only `SUMMARY_RUNS_COLUMNS` of the runs table (it reads no other back):
/// on a sweep with every reference and annual rates, it equals the summary of the whole
/// table.
#[test]
fn the_summary_of_its_columns_equals_the_summary_of_the_whole_runs_table() {
    use blackstart::sweep::{SUMMARY_RUNS_COLUMNS, summarise_with_no_sharing};
    let dir = tempfile::tempdir().unwrap();
    let (scenario, runs, interruptions, no_sharing) = annual_sweep(&dir.path().join("annual"));
    let summary = |runs: &DataFrame| {
        serde_json::to_value(
            summarise_with_no_sharing(&scenario, runs, &interruptions, Some(&no_sharing)).unwrap(),
        )
        .unwrap()
    };
    let projected = runs
        .select(
            SUMMARY_RUNS_COLUMNS
                .iter()
                .copied()
                .filter(|c| runs.column(c).is_ok()),
        )
        .unwrap();
    assert!(projected.width() < runs.width());
    let whole = summary(&runs);
    for section in [
        "against_no_sharing",
        "against_bound",
        "resilience",
        "reliability",
        "reliability_annual",
        "mttr",
    ] {
        assert!(
            !whole[section].is_null(),
            "{section} is empty: the test would prove nothing"
        );
    }
    assert_eq!(summary(&projected), whole);
}

/// The sweep's summary and `summarise`'s gather the interruptions part by part and read the
/// runs table back a column at a time: on a sweep of four parts with every reference and
/// annual rates, to the bit the summary of the tables held whole.
#[test]
fn the_summary_read_back_part_by_part_equals_the_summary_of_the_tables_held_whole() {
    use blackstart::sweep::{summarise_directory, summarise_with_no_sharing};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("annual");
    let (scenario, runs, interruptions, no_sharing) = annual_sweep(&out);
    let held_whole =
        summarise_with_no_sharing(&scenario, &runs, &interruptions, Some(&no_sharing)).unwrap();
    assert!(held_whole.reliability_annual.is_some() && held_whole.against_bound.is_some());
    let streamed = summarise_directory(&out).unwrap();
    assert_eq!(
        serde_json::to_string(&streamed).unwrap(),
        serde_json::to_string(&held_whole).unwrap()
    );
    // The sweep's own summary.json, as text (parsing would round its numbers).
    assert_eq!(
        std::fs::read_to_string(out.join("summary.json")).unwrap(),
        serde_json::to_string_pretty(&held_whole).unwrap() + "\n"
    );
}
