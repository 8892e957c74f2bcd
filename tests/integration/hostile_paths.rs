//! Hostile input that aims at the file system: a scenario or benchmark `name` that is a path,
//! `extends` of a file that is not a scenario, sweep directories that would mix (another
//! `--events`, another shard count), a live writer's temporary file, a damaged part.
//!
//! Each case runs the binary with a bounded wait (a hang fails the test) and asserts exit 0
//! with the right files, or exit 2 with one line naming the place; never a panic, never a file
//! outside the output directory.

use crate::common::{Outcome, blackstart_in};
use blackstart::sweep::read_runs;
use std::path::{Path, PathBuf};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Runs `blackstart args` in `cwd`, bounded against hangs, failing on a panic.
fn blackstart(cwd: &Path, args: &[&str]) -> Outcome {
    blackstart_in(Some(cwd), args)
}

/// Asserts exit 0.
fn assert_ok(outcome: &Outcome) {
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
}

/// Asserts exit 2 with one line on stderr containing every one of `words`.
fn assert_refused(outcome: &Outcome, words: &[&str]) {
    assert_eq!(outcome.code, 2, "{}{}", outcome.stdout, outcome.stderr);
    assert_eq!(outcome.stderr.lines().count(), 1, "{}", outcome.stderr);
    for word in words {
        assert!(
            outcome.stderr.contains(word),
            "no `{word}` in {}",
            outcome.stderr
        );
    }
}

/// Every file under `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// campus13 renamed `name` (a YAML string), written to `path`.
fn campus13_named(path: &Path, name: &str) {
    let text = format!(
        "extends: {}\nname: {name:?}\n",
        repo("scenarios/campus13.yaml").display()
    );
    std::fs::write(path, text).unwrap();
}

/// A sweep of campus13 small enough to be quick: 4 runs in parts of 2.
fn small_sweep(cwd: &Path, out: &Path, extra: &[&str]) -> Outcome {
    let scenario = repo("scenarios/campus13.yaml");
    let mut args = vec![
        "sweep",
        scenario.to_str().unwrap(),
        "--runs",
        "4",
        "--part-size",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    blackstart(cwd, &args)
}

#[test]
fn a_scenario_name_that_is_a_path_stays_one_directory_under_results() {
    let root = tempfile::tempdir().unwrap();
    let inputs = root.path().join("inputs");
    let work = root.path().join("work");
    std::fs::create_dir_all(&inputs).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    let absolute = root.path().join("absolute");
    let cases = [
        ("../../x", "_._.._x"),
        ("a/../../../x", "a_.._.._.._x"),
        ("..", "_."),
        (".", "_"),
        ("a\nb\\c:d", "a_b_c_d"),
        (absolute.to_str().unwrap(), ""),
    ];
    for (i, (name, expected)) in cases.into_iter().enumerate() {
        let file = inputs.join(format!("hostile{i}.yaml"));
        campus13_named(&file, name);
        let outcome = blackstart(
            &work,
            &["sweep", file.to_str().unwrap(), "--runs", "2", "--quiet"],
        );
        assert_ok(&outcome);
        let expected = if expected.is_empty() {
            // `/tmp/…/absolute` with every `/` made `_`.
            name.replace(['/', '\\', ':'], "_")
        } else {
            expected.to_string()
        };
        let dir = work.join("results").join(&expected);
        assert!(dir.join("summary.json").is_file(), "{name}: no {dir:?}");
        assert!(dir.join("runs/shard=0/part-0-00000.parquet").is_file());
    }
    // An empty name is no name at all.
    let file = inputs.join("empty.yaml");
    campus13_named(&file, "");
    let outcome = blackstart(&work, &["sweep", file.to_str().unwrap(), "--quiet"]);
    assert_refused(&outcome, &["empty.yaml", "name"]);
    // Nothing was written anywhere but under work/results (and the inputs).
    for file in files_under(root.path()) {
        assert!(
            file.starts_with(work.join("results")) || file.starts_with(&inputs),
            "written outside results/: {file:?}"
        );
    }
    assert!(!absolute.exists());
}

#[test]
fn a_benchmark_name_that_is_a_path_stays_one_directory_under_results_bench() {
    let root = tempfile::tempdir().unwrap();
    let work = root.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let config = root.path().join("bench.yaml");
    let fig12 = std::fs::read_to_string(repo("scenarios/caliper-fig12.yaml")).unwrap();
    assert!(fig12.contains("  name: flir\n"));
    std::fs::write(
        &config,
        fig12.replace("  name: flir\n", "  name: ../../../bx\n"),
    )
    .unwrap();
    let outcome = blackstart(&work, &["bench", config.to_str().unwrap()]);
    assert_ok(&outcome);
    let dir = work.join("results/bench/_._.._.._bx");
    for file in ["report.html", "report.md", "transactions.parquet"] {
        assert!(dir.join(file).is_file(), "{file}");
    }
    for file in files_under(root.path()) {
        assert!(
            file.starts_with(&dir) || file == config,
            "written outside results/bench/: {file:?}"
        );
    }
}

#[test]
fn extends_reads_only_yaml_scenario_files() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.yaml");
    // A system file, a valid scenario under another extension, no extension at all.
    let copy = dir.path().join("campus13.txt");
    std::fs::copy(repo("scenarios/campus13.yaml"), &copy).unwrap();
    for base in ["/etc/passwd", copy.to_str().unwrap(), "/dev/zero"] {
        std::fs::write(&scenario, format!("extends: {base}\nname: x\n")).unwrap();
        let outcome = blackstart(dir.path(), &["validate", scenario.to_str().unwrap()]);
        assert_refused(&outcome, &["extends", ".yaml or .yml", base]);
    }
    // A directory named like a scenario is not read either.
    std::fs::create_dir(dir.path().join("base.yaml")).unwrap();
    std::fs::write(&scenario, "extends: base.yaml\nname: x\n").unwrap();
    let outcome = blackstart(dir.path(), &["validate", scenario.to_str().unwrap()]);
    assert_refused(&outcome, &["base.yaml", "not a regular file"]);
    // A YAML scenario file, in any case of the extension, is.
    let upper = dir.path().join("campus13.YML");
    std::fs::copy(repo("scenarios/campus13.yaml"), &upper).unwrap();
    std::fs::write(&scenario, "extends: campus13.YML\nname: x\n").unwrap();
    assert_ok(&blackstart(
        dir.path(),
        &["validate", scenario.to_str().unwrap()],
    ));
}

#[test]
fn resume_refuses_options_that_would_mix_tables() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    assert_ok(&small_sweep(dir.path(), &out, &[]));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(manifest["events"], false);
    assert_eq!(manifest["shards"], 1);

    let refused = small_sweep(dir.path(), &out, &["--resume", "--events"]);
    assert_refused(&refused, &["--events off there, on now"]);
    assert!(!out.join("events").exists(), "nothing written on refusal");

    // Another shard count would cover other runs under the same part names.
    let refused = small_sweep(dir.path(), &out, &["--shard", "1/2"]);
    assert_refused(&refused, &["shards 1 there, 2 now"]);
    assert!(!out.join("runs/shard=1").exists());

    // And the other way round: a sweep with events refuses a resume without.
    let with_events = dir.path().join("events");
    assert_ok(&small_sweep(dir.path(), &with_events, &["--events"]));
    let refused = small_sweep(dir.path(), &with_events, &["--resume"]);
    assert_refused(&refused, &["--events on there, off now"]);

    // The same options resume.
    assert_ok(&small_sweep(dir.path(), &out, &["--resume"]));
}

#[test]
fn a_starting_shard_removes_only_its_own_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    // Shard 1 is writing (its temporaries exist), and shard 0 was killed once, leaving its own.
    let live = [
        "runs/shard=1/part-1-00000.parquet.tmp-4242-0badcafe",
        "summary/shard=1.json.tmp-4242-0badcafe",
        "sweep.json.tmp-4242-0badcafe",
    ];
    let stale = [
        "runs/shard=0/part-0-00000.parquet.tmp-17-deadbeef",
        "allocations/shard=0/part-0-00000.parquet.tmp-17-deadbeef",
        "summary/shard=0.json.tmp-17-deadbeef",
    ];
    for file in live.iter().chain(&stale) {
        let path = out.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"half a file").unwrap();
    }
    assert_ok(&small_sweep(dir.path(), &out, &["--shard", "0/2"]));
    for file in live {
        assert!(
            out.join(file).is_file(),
            "a live writer's {file} was deleted"
        );
    }
    for file in stale {
        assert!(!out.join(file).exists(), "shard 0's leftover {file} stayed");
    }
    assert!(out.join("summary/shard=0.json").is_file());
}

#[test]
fn a_damaged_part_is_run_again_on_resume_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole");
    let damaged = dir.path().join("damaged");
    assert_ok(&small_sweep(dir.path(), &whole, &[]));
    assert_ok(&small_sweep(dir.path(), &damaged, &[]));
    // A truncated runs part (its footer lost) and an allocations part cut to its first bytes.
    let runs_part = damaged.join("runs/shard=0/part-0-00001.parquet");
    let length = std::fs::metadata(&runs_part).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&runs_part)
        .unwrap()
        .set_len(length / 2)
        .unwrap();
    let allocations_part = damaged.join("allocations/shard=0/part-0-00000.parquet");
    std::fs::write(&allocations_part, b"PAR1").unwrap();

    let resumed = small_sweep(dir.path(), &damaged, &["--resume"]);
    assert_ok(&resumed);
    let warnings: Vec<&str> = resumed.stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "{}", resumed.stderr);
    assert!(warnings[0].starts_with("warning: part 0 of shard 0 (runs 0..=1)"));
    assert!(warnings[0].contains("part-0-00000.parquet"));
    assert!(warnings[1].starts_with("warning: part 1 of shard 0 (runs 2..=3)"));
    assert!(warnings[1].contains("part-0-00001.parquet"));

    let (expected, got) = (read_runs(&whole).unwrap(), read_runs(&damaged).unwrap());
    assert_eq!(got.height(), 4);
    assert!(expected.equals_missing(&got), "{expected}\n{got}");
    for table in ["allocations", "interruptions"] {
        for part in ["part-0-00000.parquet", "part-0-00001.parquet"] {
            let path = |dir: &Path| dir.join(table).join("shard=0").join(part);
            let (a, b) = (
                blackstart::output::read_parquet(&path(&whole)).unwrap(),
                blackstart::output::read_parquet(&path(&damaged)).unwrap(),
            );
            assert!(a.equals_missing(&b), "{table}/{part}");
        }
    }
    // A second resume finds everything whole and says nothing.
    let again = small_sweep(dir.path(), &damaged, &["--resume"]);
    assert_ok(&again);
    assert!(again.stderr.is_empty(), "{}", again.stderr);
}
