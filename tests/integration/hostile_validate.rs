//! `validate` is the contract: what it accepts, `run`, `sweep`, `optimise` and `bench` run;
//! what they would reject, it rejects first, with exit 2 and one line naming the field. Also
//! the sizes a command line or benchmark may ask for, YAML that must not be parsed at all, and
//! argument errors that are the user's.

use crate::common::blackstart_in;
use blackstart::scenario::{Scenario, load, parse_str};
use blackstart::sim::{Recording, RunPlan, Simulator};
use std::path::{Path, PathBuf};

fn repository(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Exit code and stderr of `blackstart args…` run in `dir`, bounded against hangs.
fn blackstart(dir: &Path, args: &[&str]) -> (i32, String) {
    let outcome = blackstart_in(Some(dir), args);
    (outcome.code, outcome.stderr)
}

/// Asserts `blackstart args…` exits 2 with one line holding `place`; returns that line.
fn rejects(dir: &Path, args: &[&str], place: &str) -> String {
    let (code, stderr) = blackstart(dir, args);
    assert_eq!(code, 2, "`{}`: {stderr}", args.join(" "));
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "`{}`: not one line: {stderr}",
        args.join(" ")
    );
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains(place),
        "`{}`: {stderr} does not name {place}",
        args.join(" ")
    );
    lines[0].to_string()
}

/// campus13 with `overrides` (YAML appended to an `extends`), written to `dir/name`.
fn variant(dir: &Path, name: &str, overrides: &str) -> String {
    let text = format!(
        "extends: {}\nname: variant\n{overrides}\n",
        repository("scenarios/campus13.yaml").display()
    );
    std::fs::write(dir.join(name), text).unwrap();
    name.to_string()
}

/// A schedule of one telescopic band and the given non-telescopic list.
fn schedule(rate: &str, non_telescopic: &str) -> String {
    format!(
        "tariffs: {{consumer: {{name: s, telescopic: [{{up_to_kwh: 50, rate_inr_per_kwh: {rate}}}], \
         non_telescopic: [{non_telescopic}]}}}}"
    )
}

/// Every timing at 0, so that only the meter interval's own rule can reject it.
const INSTANT_ROUNDS: &str = "timing: {switching_delay_s: 0, detection_delay_s: 0}
network: {latency_s: 0}
chain: {service_time_s: {find_entities: 0, power_data: 0, power_balance: 0, tariff_computation: 0, optimisation_handler: 0}}";

/// The cases `run` used to reject only when deploying the contracts (exit 1): overrides and
/// the field validation must name.
fn on_chain_cases() -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "meter interval below 0.5 s",
            format!("time: {{meter_interval_s: 0.4}}\n{INSTANT_ROUNDS}"),
            "time.meter_interval_s",
        ),
        (
            "an entity on node 0",
            "grid: {nodes: [{id: 0, kind: entity}, {id: 1, kind: source}, {id: 2, kind: bus}, \
             {id: 3, kind: bus}, {id: 4, kind: entity}, {id: 5, kind: bus}, {id: 6, kind: entity}, \
             {id: 7, kind: entity}, {id: 8, kind: entity}, {id: 9, kind: entity}, \
             {id: 10, kind: entity}, {id: 11, kind: entity}, {id: 12, kind: entity}, \
             {id: 13, kind: entity}], lines: [{from: 1, to: 2}, {from: 2, to: 3}, {from: 2, to: 5}, \
             {from: 5, to: 6}, {from: 3, to: 4}, {from: 6, to: 7}, {from: 7, to: 8}, \
             {from: 8, to: 9}, {from: 9, to: 10}, {from: 4, to: 12}, {from: 12, to: 13}, \
             {from: 13, to: 11}, {from: 11, to: 10}, {from: 0, to: 10}]}\n\
             entities: {consumers: [{id: C1, node: 4, demand_kwh: 368}, \
             {id: C2, node: 12, demand_kwh: 800}, {id: C3, node: 0, demand_kwh: 839}]}"
                .into(),
            "grid.nodes[0].id",
        ),
        (
            "a base tariff of 0",
            "tariffs: {prosumer_base_inr_per_kwh: 0}".into(),
            "tariffs.prosumer_base_inr_per_kwh",
        ),
        (
            "a base tariff that is not whole paise",
            "tariffs: {prosumer_base_inr_per_kwh: 3.001}".into(),
            "tariffs.prosumer_base_inr_per_kwh",
        ),
        (
            "a slab rate that is not whole paise",
            schedule("3.155", "{rate_inr_per_kwh: 5}"),
            "tariffs.consumer.telescopic[0].rate_inr_per_kwh",
        ),
        (
            "a base tariff too large for paise on chain",
            "tariffs: {prosumer_base_inr_per_kwh: 1e30}".into(),
            "tariffs.prosumer_base_inr_per_kwh",
        ),
        (
            "a slab rate too large for paise on chain",
            schedule("3", "{rate_inr_per_kwh: 1e20}"),
            "tariffs.consumer.non_telescopic[0].rate_inr_per_kwh",
        ),
        (
            "an energy too large for Wh on chain",
            "entities: {consumers: [{id: C1, node: 4, demand_kwh: 1e30}, \
             {id: C2, node: 12, demand_kwh: 800}, {id: C3, node: 13, demand_kwh: 839}]}"
                .into(),
            "entities.consumers[0].demand_kwh",
        ),
        (
            "no band above the last telescopic edge",
            "tariffs: {consumer: {name: s, telescopic: [{up_to_kwh: 50, rate_inr_per_kwh: 3}]}}"
                .into(),
            "tariffs.consumer.non_telescopic",
        ),
    ]
}

#[test]
fn validate_rejects_first_what_run_sweep_and_optimise_would_reject() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (i, (what, overrides, field)) in on_chain_cases().into_iter().enumerate() {
        let file = variant(d, &format!("case{i}.yaml"), &overrides);
        let place = format!("{file}: {field}: ");
        let line = rejects(d, &["validate", &file], &place);
        for command in [
            vec!["run", &file],
            vec!["optimise", &file],
            vec!["sweep", &file, "--runs", "1", "--quiet", "--out", "sweep"],
        ] {
            assert_eq!(rejects(d, &command, &place), line, "{what}: {command:?}");
        }
    }
    assert!(!d.join("sweep").exists(), "a rejected sweep wrote nothing");
}

/// Each case validation rejects is the one the simulator would have rejected: the same
/// scenario, built without validation, fails to deploy or its contract calls revert.
#[test]
fn each_case_validate_rejects_is_one_run_would_reject() {
    let dir = tempfile::tempdir().unwrap();
    let base = load(&repository("scenarios/campus13.yaml")).unwrap();
    for (i, (what, overrides, field)) in on_chain_cases().into_iter().enumerate() {
        let file = variant(dir.path(), &format!("case{i}.yaml"), &overrides);
        let error = load(&dir.path().join(&file)).unwrap_err();
        assert_eq!(error.0.field.as_deref(), Some(field), "{what}");
        let unchecked = unvalidated(&base, &overrides);
        let simulated = Simulator::new(&unchecked).and_then(|simulator| {
            simulator.run(
                &RunPlan::nominal(&unchecked, unchecked.seed),
                Recording { events: false },
            )
        });
        // Refused at deployment, or run with contract calls reverted (an energy that
        // overflows the contracts' sums): either way not a result to publish.
        let rejected = simulated.map_or(true, |r| r.reverted_transactions > 0);
        assert!(rejected, "{what}: the simulator ran it cleanly");
    }
    // The sanity of the method: campus13 itself, so built, runs without a revert.
    let same = unvalidated(&base, "");
    let report = Simulator::new(&same)
        .and_then(|simulator| {
            simulator.run(
                &RunPlan::nominal(&same, same.seed),
                Recording { events: false },
            )
        })
        .unwrap();
    assert_eq!(report.reverted_transactions, 0);
}

/// `base` with the sections in `overrides` replaced field by field, without validation.
fn unvalidated(base: &Scenario, overrides: &str) -> Scenario {
    let mut document: serde_yaml::Value =
        serde_yaml::from_str(&serde_yaml::to_string(base).unwrap()).unwrap();
    if !overrides.is_empty() {
        let overrides: serde_yaml::Mapping = serde_yaml::from_str(overrides).unwrap();
        for (section, fields) in overrides {
            let target = document.get_mut(&section).unwrap();
            for (key, value) in fields.as_mapping().unwrap() {
                target
                    .as_mapping_mut()
                    .unwrap()
                    .insert(key.clone(), value.clone());
            }
        }
    }
    serde_yaml::from_value(document).unwrap()
}

#[test]
fn yaml_tags_aliases_and_deep_nesting_are_refused_in_one_located_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tagged = variant(d, "tag.yaml", "seed: !foo 20240501");
    rejects(
        d,
        &["validate", &tagged],
        "tag.yaml: seed: YAML tags such as `!foo` are not accepted",
    );
    let mut bomb = String::from("a: &a [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for (name, previous) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        let items = vec![format!("*{previous}"); 9].join(", ");
        bomb.push_str(&format!("{name}: &{name} [{items}]\n"));
    }
    std::fs::write(d.join("bomb.yaml"), bomb).unwrap();
    rejects(d, &["validate", "bomb.yaml"], "bomb.yaml:2:8: ");
    // 200 KB of `[`: refused at the first bracket too deep, by a linear scan.
    std::fs::write(d.join("deep.yaml"), "[".repeat(200_000)).unwrap();
    rejects(d, &["validate", "deep.yaml"], "deep.yaml:1:129: ");
    std::fs::write(
        d.join("braces.yaml"),
        "x: ".to_string() + &"{a: ".repeat(50_000),
    )
    .unwrap();
    rejects(d, &["run", "braces.yaml"], "braces.yaml:1:");
    // The same guard reads benchmark configurations.
    std::fs::write(
        d.join("bench.yaml"),
        "test: ".to_string() + &"[".repeat(50_000),
    )
    .unwrap();
    rejects(d, &["bench", "bench.yaml"], "bench.yaml:1:");
}

#[test]
fn an_out_that_is_or_lies_below_a_file_is_the_users_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("afile"), "").unwrap();
    let campus = repository("scenarios/campus13.yaml");
    let campus = campus.to_str().unwrap();
    for out in ["afile", "afile/below"] {
        rejects(d, &["run", campus, "--out", out], "--out");
        rejects(
            d,
            &["sweep", campus, "--runs", "1", "--quiet", "--out", out],
            "afile is a file",
        );
    }
    assert_eq!(std::fs::read(d.join("afile")).unwrap(), b"");
    // A directory that takes no new files (sysfs refuses them even to root) is the user's
    // error too, found before any work.
    for command in [
        vec!["run", campus, "--out", "/sys/blackstart-out"],
        vec![
            "sweep",
            campus,
            "--runs",
            "1",
            "--quiet",
            "--out",
            "/sys/blackstart-out",
        ],
    ] {
        rejects(d, &command, "/sys does not take new files");
    }
}

#[test]
fn negative_numbers_on_the_command_line_get_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let campus = repository("scenarios/campus13.yaml");
    let campus = campus.to_str().unwrap();
    assert_eq!(
        rejects(d, &["run", campus, "--seed", "-5"], "--seed"),
        "error: --seed <SEED>: must be a whole number >= 0, got -5"
    );
    rejects(d, &["sweep", campus, "--runs", "-3"], "--runs <RUNS>");
    // Any other value an option cannot take is one line too.
    rejects(
        d,
        &["sweep", campus, "--runs", "1.5"],
        "'1.5' for '--runs <RUNS>'",
    );
    rejects(
        d,
        &["run", campus, "--format", "xml"],
        "(possible values: table, json)",
    );
    rejects(d, &["sweep", campus, "--threads", "-1"], "--threads");
    rejects(
        d,
        &["generate", "--prosumers", "-1", "--consumers", "2"],
        "--prosumers",
    );
    rejects(
        d,
        &[
            "generate",
            "--prosumers",
            "1",
            "--consumers",
            "2",
            "--scale",
            "-1",
        ],
        "--scale must be > 0, got -1",
    );
}

#[test]
fn sizes_beyond_what_the_machine_holds_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let campus = repository("scenarios/campus13.yaml");
    let campus = campus.to_str().unwrap();
    rejects(
        d,
        &[
            "sweep",
            campus,
            "--runs",
            "1",
            "--threads",
            "100000",
            "--out",
            "s",
        ],
        "--threads must be at most",
    );
    assert!(!d.join("s").exists());
    rejects(
        d,
        &["generate", "--prosumers", "1000000000", "--consumers", "1"],
        "at most 100000 entities",
    );
    let fig12 = std::fs::read_to_string(repository("scenarios/caliper-fig12.yaml")).unwrap();
    for (name, from, to, place) in [
        (
            "workers.yaml",
            "number: 10",
            "number: 100000000",
            "test.workers.number: must be at most 10000",
        ),
        (
            "txnumber.yaml",
            "      txDuration: 10",
            "      txNumber: 1000000000",
            "test.rounds[0].txNumber: ",
        ),
        (
            "txduration.yaml",
            "      txDuration: 10",
            "      txDuration: 1e9",
            "test.rounds[0].txDuration: 1000000000 s is longer than a round may last",
        ),
    ] {
        assert!(fig12.contains(from));
        std::fs::write(d.join(name), fig12.replacen(from, to, 1)).unwrap();
        rejects(d, &["bench", name, "--out", "b"], place);
    }
    assert!(!d.join("b").exists());
}

#[test]
fn the_guards_leave_valid_input_alone() {
    // Brackets in quotes and comments, apostrophes in plain text: campus13 with a description
    // full of them still validates, and parse_str agrees with the file.
    let text = std::fs::read_to_string(repository("scenarios/campus13.yaml")).unwrap();
    let noisy = text.replacen(
        "seed: 20240501",
        &format!(
            "seed: 20240501 # {}\nnotes_are_not_keys: 0",
            "[".repeat(300)
        ),
        1,
    );
    // An unknown key is still an error, named: the guard did not hide it.
    let error = parse_str(&noisy, "n.yaml").unwrap_err();
    assert_eq!(error.0.field.as_deref(), Some("notes_are_not_keys"));
    let quoted = text.replacen(
        "name: campus13",
        &format!("name: 'campus13 {}'", "[{".repeat(200)),
        1,
    );
    assert!(parse_str(&quoted, "q.yaml").is_ok());
}

/// A run multiplies energies by its drawn factors: a factor whose far tail would carry an
/// entity's energy past what the contracts hold is refused before any run saturates it.
#[test]
fn factors_that_could_overflow_the_contracts_energies_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (overrides, field) in [
        (
            "monte_carlo: {weather_factor: {lognormal: {mu: 30, sigma: 1}}}",
            "monte_carlo.weather_factor",
        ),
        (
            "monte_carlo: {demand_factor: {exponential: {mean: 1e6}}}",
            "monte_carlo.demand_factor",
        ),
    ] {
        let file = variant(d, "factor.yaml", overrides);
        let place = format!("{file}: {field}: ");
        let line = rejects(d, &["validate", &file], &place);
        assert!(line.contains("more than the contracts hold"), "{line}");
        let sweep = ["sweep", &file, "--runs", "1", "--quiet", "--out", "sweep"];
        assert_eq!(rejects(d, &sweep, &place), line);
    }
    // A factor that stays well within them is accepted.
    let file = variant(
        d,
        "mild.yaml",
        "monte_carlo: {weather_factor: {lognormal: {mu: 0, sigma: 0.3}}}",
    );
    let (code, output) = blackstart(d, &["validate", &file]);
    assert_eq!(code, 0, "{output}");
}
