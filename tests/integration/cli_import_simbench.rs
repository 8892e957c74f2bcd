//! `blackstart import simbench`: the vendored SimBench grid imports into a scenario that
//! `validate` accepts, and a malformed table exits 2 naming its file and line.

use crate::common::blackstart_in;
use std::path::Path;

fn vendored() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/feeders/simbench/1-LV-rural1--2-sw")
        .display()
        .to_string()
}

#[test]
fn a_simbench_grid_imports_into_a_valid_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "import",
        "simbench",
        &vendored(),
        "--grid",
        "1-LV-rural1--2-sw",
        "--out",
        "grid.yaml",
        "--report",
        "report.json",
    ];
    let run = blackstart_in(Some(tmp.path()), &args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("43 buses, 13 lines, 28 switches"),
        "{}",
        run.stdout
    );
    assert!(tmp.path().join("grid.profiles.parquet").is_file());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["counts"]["storages"], 5);
    // The whole of the profiles by default: the vendored fixture's 14 days.
    let scenario = std::fs::read_to_string(tmp.path().join("grid.yaml")).unwrap();
    assert!(scenario.contains("horizon_s: 1209600.0"), "{scenario}");
    let check = blackstart_in(Some(tmp.path()), &["validate", "grid.yaml"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn a_malformed_simbench_table_exits_2_at_its_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let grid = tmp.path().join("grid");
    std::fs::create_dir(&grid).unwrap();
    for entry in std::fs::read_dir(vendored()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, grid.join(path.file_name().unwrap())).unwrap();
    }
    let lines = std::fs::read_to_string(grid.join("Line.csv")).unwrap();
    std::fs::write(
        grid.join("Line.csv"),
        lines.replacen("LV1.101 Bus 14_1", "Bus X", 1),
    )
    .unwrap();
    let args = [
        "import",
        "simbench",
        "grid",
        "--grid",
        "1-LV-rural1--2-sw",
        "--out",
        "grid.yaml",
    ];
    let run = blackstart_in(Some(tmp.path()), &args);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("grid/Line.csv:3: nodeA = `Bus X` is not in Node.csv"),
        "{}",
        run.stderr
    );
    let args = [
        "import",
        "simbench",
        "grid",
        "--grid",
        "1-LV-rural0--2-sw",
        "--out",
        "x.yaml",
    ];
    let run = blackstart_in(Some(tmp.path()), &args);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("unknown SimBench grid code `1-LV-rural0--2-sw`"),
        "{}",
        run.stderr
    );
}
