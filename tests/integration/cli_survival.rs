//! `blackstart survival`: its outputs on campus13, and a clear message with exit code 2 for
//! each mistake a user can make.

use crate::common::blackstart_in;

fn blackstart(args: &[&str]) -> crate::common::Outcome {
    blackstart_in(None, args)
}
use std::path::{Path, PathBuf};

fn campus13() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/campus13.yaml")
}

/// `survival campus13 EXTRA… --out DIR`, which must fail with exit code 2 saying `expected`.
fn refused(extra: &[&str], expected: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let file = campus13();
    let mut args = vec!["survival", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--quiet", "--out", out.to_str().unwrap()]);
    let outcome = blackstart(&args);
    assert_eq!(outcome.code, 2, "{args:?}: {}", outcome.stderr);
    assert!(
        outcome.stderr.contains(expected),
        "{args:?}: `{}` lacks `{expected}`",
        outcome.stderr
    );
    assert!(!out.exists(), "{args:?} wrote {}", out.display());
}

#[test]
fn mistakes_are_named_with_exit_code_2() {
    refused(&["--durations", "4"], "`4` has no unit");
    refused(
        &["--durations", "10min"],
        "not a positive whole number of meter intervals",
    );
    refused(&["--durations", "0h"], "not a positive number of hours");
    refused(&["--starts", "100"], "at least 288");
    refused(&["--starts", "40000"], "exceeds the 35040 meter intervals");
    refused(&["--starts", "some"], "`all` or a whole number");
    refused(
        &["--threads", "0", "--starts", "288"],
        "--threads must be 1 to",
    );
}

#[test]
fn a_scenario_without_a_start_date_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("undated.yaml");
    std::fs::write(
        &file,
        "name: undated\ngrid:\n  nodes:\n    - {id: 1, kind: source}\n    - {id: 2, kind: entity}\n  \
         lines:\n    - {from: 1, to: 2}\nentities:\n  consumers:\n    - {id: C1, node: 2, demand_kwh: 1}\n\
         faults:\n  - {line: [1, 2]}\n",
    )
    .unwrap();
    let outcome = blackstart(&["survival", file.to_str().unwrap(), "--quiet"]);
    assert_eq!(outcome.code, 2, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("needs `time.start_date`"),
        "{}",
        outcome.stderr
    );
}
