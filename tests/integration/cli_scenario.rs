//! The `validate` and `island` commands on the bundled scenarios and on broken copies of them.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

fn blackstart(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .args(args)
        .output()
        .expect("the blackstart binary runs")
}

fn island_json(file: &Path) -> Value {
    let out = blackstart(&["island", file.to_str().unwrap(), "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("island prints JSON")
}

fn isolated(report: &Value) -> Vec<&Value> {
    report["islands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["energised"] == false)
        .collect()
}

#[test]
fn campus13_has_one_isolated_island_with_the_papers_deficit() {
    let report = island_json(&scenario("campus13.yaml"));
    let islands = isolated(&report);
    assert_eq!(islands.len(), 1);
    let island = islands[0];
    assert_eq!(
        island["prosumers"],
        serde_json::json!(["P1", "P2", "P3", "P4", "P5"])
    );
    assert_eq!(island["consumers"], serde_json::json!(["C1", "C2", "C3"]));
    assert_eq!(
        island["nodes"],
        serde_json::json!([4, 7, 8, 9, 10, 11, 12, 13])
    );
    assert_eq!(island["demand_kwh"], 2007.0);
    assert_eq!(island["export_kwh"], 1750.0);
    assert_eq!(island["deficit_kwh"], 257.0);
    assert_eq!(island["consumer_tariff_inr"], 16636.3);
    assert_eq!(island["balance"]["p_bal_kwh"], 257.0);
    assert_eq!(
        island["balance"]["condition"],
        "consumption_exceeds_generation"
    );
    // The energised part keeps the supply and the solar DER.
    let energised: Vec<_> = report["islands"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["energised"] == true)
        .collect();
    assert_eq!(energised.len(), 1);
    assert_eq!(energised[0]["ders"], serde_json::json!(["DER1"]));
}

#[test]
fn new_consumers_variant_adds_c4_and_c5() {
    let report = island_json(&scenario("campus13-new-consumers.yaml"));
    let island = isolated(&report)[0];
    assert_eq!(island["demand_kwh"], 3267.0);
    assert_eq!(island["deficit_kwh"], 1517.0);
    // 16636.3 + 780 kWh at 8.50 + 480 kWh at 7.60.
    assert_eq!(island["consumer_tariff_inr"], 26914.3);
}

#[test]
fn every_bundled_scenario_validates() {
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let feeders = std::fs::read_dir(scenarios.join("feeders")).unwrap();
    for entry in std::fs::read_dir(&scenarios).unwrap().chain(feeders) {
        let path = entry.unwrap().path();
        // scenarios/chains holds chain profiles (checked by the caliper module's tests);
        // scenarios/feeders is read above.
        if path.is_dir() || path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Caliper configurations live beside the scenarios but are not scenarios.
        if path.extension().is_some_and(|e| e == "yaml") && !text.contains("\ntest:") {
            let out = blackstart(&["validate", path.to_str().unwrap()]);
            assert!(
                out.status.success(),
                "{}: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(String::from_utf8_lossy(&out.stdout).contains("valid scenario"));
        }
    }
}

#[test]
fn table_format_reports_the_isolated_island() {
    let out = blackstart(&["island", scenario("campus13.yaml").to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1 cut off from the utility"), "{text}");
    let isolated = text.split("ISOLATED").nth(1).expect("an isolated island");
    let value = |label: &str| {
        let line = isolated
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap();
        line.trim_start()[label.len()..].trim().to_string()
    };
    assert_eq!(value("deficit"), "257.0 kWh");
    assert_eq!(value("consumer tariff"), "16636.30 INR");
    assert_eq!(value("prosumers"), "P1, P2, P3, P4, P5");
}

/// Writes campus13 with `from` replaced by `to` and returns the one-line error (with `LINE`
/// standing for the number of the edited line) and the exit code.
fn broken(from: &str, to: &str) -> (String, Option<i32>) {
    let text = std::fs::read_to_string(scenario("campus13.yaml")).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains(from))
        .unwrap_or_else(|| panic!("campus13.yaml no longer contains {from:?}"))
        + 1;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    let out = blackstart(&["validate", path.to_str().unwrap()]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    (
        stderr
            .replace(path.to_str().unwrap(), "broken.yaml")
            .replace(&format!(":{line}:"), ":LINE:"),
        out.status.code(),
    )
}

#[test]
fn malformed_scenarios_name_the_place_and_exit_2() {
    let cases = [
        // YAML syntax: line and column.
        (
            "  horizon_s: 86400 ",
            "  horizon_s: 86400: x ",
            "error: broken.yaml:LINE:19: mapping values are not allowed in this context",
        ),
        // Unknown field, with a suggestion.
        (
            "battery_kwh: 191",
            "batery_kwh: 191",
            "error: broken.yaml:LINE:70: entities.prosumers[3].batery_kwh: unknown field `batery_kwh`, did you mean `battery_kwh`?",
        ),
        // Negative energy.
        (
            "battery_kwh: 191",
            "battery_kwh: -5",
            "error: broken.yaml: entities.prosumers[3].battery_kwh: must be >= 0, got -5",
        ),
        // Dangling node reference.
        (
            "{id: C2, node: 12,",
            "{id: C2, node: 99,",
            "error: broken.yaml: entities.consumers[1].node: no node 99 in the grid",
        ),
        (
            "{from: 4, to: 12}",
            "{from: 4, to: 14}",
            "error: broken.yaml: grid.lines[9].to: no node 14",
        ),
        // Fault on a line that does not exist.
        (
            "- {line: [6, 7]}",
            "- {line: [3, 9]}",
            "error: broken.yaml: faults[1].line: no line in service between nodes 3 and 9 (a normally open one is not)",
        ),
        // No utility source.
        (
            "kind: source",
            "kind: bus",
            "error: broken.yaml: grid.nodes: no node of kind `source`: the grid needs the utility supply",
        ),
        // Duplicate id.
        (
            "{id: P3, node: 9,",
            "{id: P2, node: 9,",
            "error: broken.yaml: entities.prosumers[2].id: duplicate entity id `P2` (also entities.prosumers[1])",
        ),
        // Wrong type and unknown enum value.
        (
            "  horizon_s: 86400 ",
            "  horizon_s: one-day ",
            "error: broken.yaml:LINE:14: time.horizon_s: invalid type: string \"one-day\", expected f64",
        ),
        (
            "model: fair",
            "model: faire",
            "error: broken.yaml:LINE:10: optimiser.model: unknown variant `faire`, did you mean `fair`?",
        ),
        // A distribution that can draw negative delays.
        (
            "{uniform: {min: 1.0, max: 5.0}}",
            "{normal: {mean: 1, std_dev: 2}}",
            "error: broken.yaml: timing.detection_delay_s: can draw negative values",
        ),
        // A meter interval no round can switch its relays in: switching alone takes >= 45 s.
        (
            "meter_interval_s: 900",
            "meter_interval_s: 15",
            "error: broken.yaml: time.meter_interval_s: 15 s is shorter than the least time a \
             restoration round needs from its allocation to its relays switched (45.180 s: \
             recording the allocation on chain 0.180 s, relay command and acknowledgement \
             0.000 s, switching 45.000 s, lower bounds of the timing distributions)",
        ),
        // Faults that would all strike after the simulated window.
        (
            "fault_time_s: {uniform: {min: 0, max: 86399}}",
            "fault_time_s: {uniform: {min: 86400, max: 90000}}",
            "error: broken.yaml: monte_carlo.fault_time_s: every draw (from 86400 s) is at or \
             after the horizon (86400 s)",
        ),
        // Profiles: a solar profile needs the location; none may be zero at the reference.
        (
            "location: {latitude_deg: 9.09, longitude_deg: 76.49, utc_offset_h: 5.5}",
            "",
            "error: broken.yaml: profiles.campus_sun: a solar profile needs `location` (latitude, \
             longitude, UTC offset) for the sun's position",
        ),
        (
            "reference_at_s: 42300",
            "reference_at_s: 7300",
            "error: broken.yaml: entity `P1`: its generation profile `campus_sun` is zero in the \
             reference interval 8 (7200 s to 8100 s, which holds time.reference_at_s = 7300 s)",
        ),
    ];
    for (from, to, expected) in cases {
        let (stderr, code) = broken(from, to);
        assert!(
            stderr.starts_with(expected),
            "{from:?} → {to:?}\n  got      {stderr}\n  expected {expected}"
        );
        assert_eq!(code, Some(2), "{stderr}");
    }
}

#[test]
fn a_missing_file_is_an_input_error() {
    let out = blackstart(&["validate", "no/such/scenario.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the file"));
}

#[test]
fn extends_reports_errors_in_the_overriding_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("variant.yaml");
    let base = scenario("campus13.yaml");
    std::fs::write(
        &path,
        format!(
            "extends: {}\nentities:\n  consumers:\n    - {{id: C1, node: 4, demand_kwh: -3}}\n",
            base.display()
        ),
    )
    .unwrap();
    let out = blackstart(&["validate", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("variant.yaml: entities.consumers[0].demand_kwh: must be >= 0, got -3"),
        "{stderr}"
    );
}

#[test]
fn generated_feeders_validate_and_island_part_of_the_feeder() {
    let out = blackstart(&[
        "generate",
        "--prosumers",
        "120",
        "--consumers",
        "80",
        "--seed",
        "5",
    ]);
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feeder.yaml");
    std::fs::write(&path, &out.stdout).unwrap();
    let report = island_json(&path);
    let isolated = isolated(&report);
    assert_eq!(isolated.len(), 1, "one lateral in ten (of 2) is faulted");
    assert_eq!(
        isolated[0]["prosumers"].as_array().unwrap().len()
            + isolated[0]["consumers"].as_array().unwrap().len(),
        100
    );
    // Same seed, same feeder.
    let again = blackstart(&[
        "generate",
        "--prosumers",
        "120",
        "--consumers",
        "80",
        "--seed",
        "5",
    ]);
    assert_eq!(out.stdout, again.stdout);
}

/// `validate`'s standard output for campus13 with `from` replaced by `to` (it must pass).
fn validated(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(scenario("campus13.yaml")).unwrap();
    assert!(
        text.contains(from),
        "campus13.yaml no longer contains {from:?}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("variant.yaml");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    let out = blackstart(&["validate", path.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn validate_warns_where_results_will_be_censored_or_rounds_can_miss_their_interval() {
    assert!(!validated("name: campus13", "name: campus13").contains("warning"));
    let late = validated(
        "fault_time_s: {uniform: {min: 0, max: 86399}}",
        "fault_time_s: {uniform: {min: 0, max: 87000}}",
    );
    assert!(
        late.contains(
            "warning: monte_carlo.fault_time_s: faults can be drawn up to 87000 s, at or after \
             the horizon (86400 s): those runs are censored"
        ),
        "{late}"
    );
    // Switching takes 45 to 90 s: a 60 s interval is valid but some rounds miss it.
    let tight = validated("meter_interval_s: 900", "meter_interval_s: 60");
    assert!(
        tight.contains(
            "warning: time.meter_interval_s: 60 s is shorter than the slowest time from an \
             allocation to its relays switched (90.340 s"
        ),
        "{tight}"
    );
}
