//! `blackstart import dss` on the vendored feeders: the counts OpenDSS itself gives (CI checks
//! them against OpenDSS too, `.ci/dss-check.sh`), the bundled feeder scenarios are exactly what
//! their recorded import command writes, the imported feeders run, and malformed scripts fail
//! with their file and line.

use crate::common::blackstart_in;
use polars::prelude::{DataFrame, ParquetReader, SerReader};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn import(master: &Path, out: &Path, extra: &[&str]) -> Value {
    let (master, out) = (master.to_str().unwrap(), out.to_str().unwrap());
    let mut args = vec!["import", "dss", master, "--out", out, "--format", "json"];
    args.extend(extra);
    let outcome = blackstart_in(None, &args);
    assert_eq!(outcome.code, 0, "{args:?}: {}", outcome.stderr);
    serde_json::from_str(&outcome.stdout).expect("the report is JSON")
}

/// The figures OpenDSS 0.9.4 (opendssdirect.py) gives for each vendored master file: buses,
/// lines (not switches), switches, normally open, loads, customers, kW, kvar, PV systems, PV
/// kW, storage elements, storage kWh, storage kW.
#[test]
fn each_vendored_feeder_imports_with_opendss_counts() {
    type Row = (
        &'static str,
        [usize; 6],
        [f64; 2],
        (usize, f64),
        (usize, f64, f64),
    );
    let feeders: [Row; 4] = [
        (
            "opendss/IEEETestCases/13Bus/IEEE13Nodeckt.dss",
            [16, 11, 1, 0, 15, 15],
            [3466.0, 2102.0],
            (0, 0.0),
            (0, 0.0, 0.0),
        ),
        (
            "opendss/IEEETestCases/123Bus/IEEE123Master.dss",
            [132, 118, 8, 0, 91, 91],
            [3490.0, 1920.0],
            (0, 0.0),
            (0, 0.0, 0.0),
        ),
        (
            "opendss/IEEETestCases/LVTestCase/Master.dss",
            [907, 905, 0, 0, 55, 55],
            [55.0, 55.0 * 0.328_684_105_2], // 55 houses of 1 kW at pf 0.95: 55 · tan(acos 0.95)
            (0, 0.0),
            (0, 0.0, 0.0),
        ),
        (
            "onm/ieee13_feeder.dss",
            [24, 15, 6, 1, 24, 24],
            [3876.0, 2350.0],
            (2, 50.0),
            (3, 1250.0, 310.0),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (master, counts, [kw, kvar], (pv, pv_kw), (storages, kwh, storage_kw)) in feeders {
        let path = root().join("tests/data/feeders").join(master);
        let report = import(&path, &dir.path().join("feeder.yaml"), &[]);
        let c = &report["counts"];
        let got: Vec<u64> = [
            "buses",
            "lines",
            "switches",
            "normally_open",
            "loads",
            "customers",
        ]
        .iter()
        .map(|k| c[k].as_u64().unwrap())
        .collect();
        let want: Vec<u64> = counts.iter().map(|&n| n as u64).collect();
        assert_eq!(got, want, "{master}");
        let close = |key: &str, want: f64| {
            let got = c[key].as_f64().unwrap();
            assert!((got - want).abs() < 1e-6, "{master}: {key} {got} ≠ {want}");
        };
        close("load_kw", kw);
        close("load_kvar", kvar);
        close("pv_kw", pv_kw);
        close("storage_kwh", kwh);
        close("storage_kw", storage_kw);
        assert_eq!(c["pv_systems"], pv, "{master}");
        assert_eq!(c["storages"], storages, "{master}");
        // Nothing is dropped silently: every item says where it is and why.
        for item in report["dropped"].as_array().unwrap() {
            let at = item["at"].as_str().unwrap();
            let line = at.rsplit_once(':').map(|(_, line)| line.parse::<usize>());
            assert!(matches!(line, Some(Ok(n)) if n > 0), "{master}: {item}");
            assert!(!item["reason"].as_str().unwrap().is_empty(), "{item}");
        }
    }
}

fn read_table(path: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

/// The scenario body after the header comment that records the command.
fn body(text: &str) -> String {
    text.lines()
        .skip_while(|l| l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A command line split as a POSIX shell splits it, for words plain or in single quotes (what
/// the import writes in its header).
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let (mut word, mut quoted, mut any) = (String::new(), false, false);
    for c in command.chars() {
        match c {
            '\'' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    words.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        words.push(word);
    }
    words
}

#[test]
fn the_bundled_feeder_scenarios_are_what_their_recorded_command_writes() {
    let feeders = root().join("scenarios/feeders");
    let dir = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for entry in std::fs::read_dir(&feeders).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let Some(command) = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# Written by `blackstart "))
            .and_then(|l| l.strip_suffix("`."))
        else {
            continue;
        };
        // The same command, writing into the temporary folder.
        let mut args = shell_words(command);
        let out = args.iter().position(|a| a == "--out").unwrap() + 1;
        let name = Path::new(&args[out]).file_name().unwrap().to_owned();
        args[out] = dir.path().join(&name).to_str().unwrap().to_string();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let outcome = blackstart_in(Some(&root()), &args);
        assert_eq!(outcome.code, 0, "{command}: {}", outcome.stderr);
        let written = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        assert_eq!(body(&written), body(&text), "{}", path.display());
        let table = Path::new(&name).with_extension("profiles.parquet");
        let committed = feeders.join(&table);
        if committed.exists() {
            assert!(
                read_table(&committed).equals(&read_table(&dir.path().join(&table))),
                "{}",
                committed.display()
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 5, "the five bundled feeders");
}

#[test]
fn the_imported_feeders_run_through_their_outages() {
    for name in ["ieee13-outage.yaml", "onm-ieee13-outage.yaml"] {
        let path = root().join("scenarios/feeders").join(name);
        let outcome = blackstart_in(None, &["run", path.to_str().unwrap(), "--format", "json"]);
        assert_eq!(outcome.code, 0, "{name}: {}", outcome.stderr);
        let report: Value = serde_json::from_str(&outcome.stdout).unwrap();
        let served = report["references"]["peer_to_peer"]["served_kwh"]
            .as_f64()
            .unwrap();
        let bound = report["references"]["bound"]["served_kwh"]
            .as_f64()
            .unwrap();
        assert!(served > 0.0, "{name}: the island serves some load");
        assert!(
            served <= bound + 1e-6,
            "{name}: {served} beats the bound {bound}"
        );
    }
}

#[test]
fn a_malformed_script_fails_with_its_file_and_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let master = dir.path().join("master.dss");
    let cases = [
        ("New Circuit.c\nNew Fuse3.f1 bus1=a\n", "master.dss:2"),
        (
            "New Circuit.c\nNew Line.l1 bus1=sourcebus bus2=b linecode=nowhere\n",
            "master.dss:2",
        ),
        ("New Circuit.c\nRedirect missing.dss\n", "master.dss:2"),
        (
            "New Circuit.c\nNew Load.x bus1=island kW=1\n",
            "master.dss:2",
        ),
        (
            "New Circuit.c\nNew LoadShape.s npts=4 mult=(file=short.csv)\n",
            "master.dss:2",
        ),
    ];
    std::fs::write(dir.path().join("short.csv"), "1\n2\n").unwrap();
    for (script, place) in cases {
        std::fs::write(&master, script).unwrap();
        let out = dir.path().join("x.yaml");
        let outcome = blackstart_in(
            None,
            &[
                "import",
                "dss",
                master.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert_eq!(outcome.code, 2, "{script}: {}", outcome.stderr);
        assert!(
            outcome.stderr.contains(place),
            "{script}: {}",
            outcome.stderr
        );
        assert!(!out.exists(), "nothing written for {script}");
    }
}

#[test]
fn a_fault_may_name_its_line_and_an_unknown_name_is_refused_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let base = root().join("scenarios/feeders/ieee13.yaml");
    let study = |line: &str| {
        let path = dir.path().join("study.yaml");
        std::fs::write(
            &path,
            format!(
                "extends: {}\nname: study\nfaults: [{{line: {line}}}]\nmonte_carlo: \
                 {{fault_sets: [{{lines: [{line}], rate_per_year: 0.5}}]}}\n",
                base.display()
            ),
        )
        .unwrap();
        blackstart_in(
            None,
            &["island", path.to_str().unwrap(), "--format", "json"],
        )
    };
    let by_name = study("line.671692");
    let by_nodes = study("[15, 11]");
    assert_eq!(by_name.code, 0, "{}", by_name.stderr);
    assert_eq!(
        by_name.stdout, by_nodes.stdout,
        "the name resolves to nodes 11–15"
    );
    let unknown = study("Line.nowhere");
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("faults[0].line: no line named `Line.nowhere` in grid.lines"),
        "{}",
        unknown.stderr
    );
}
