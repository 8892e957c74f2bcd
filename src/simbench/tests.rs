//! The reader on the vendored grid (tests/data/feeders/simbench) and on malformed copies of it.

use super::*;
use std::path::{Path, PathBuf};

fn vendored() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/feeders/simbench/1-LV-rural1--2-sw")
}

/// A copy of the vendored grid in a fresh folder, with `table` replaced by `edit` of its text.
fn malformed(table: &str, edit: impl Fn(&str) -> String) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(vendored()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = if name == format!("{table}.csv").as_str() {
            edit(&text)
        } else {
            text
        };
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let dir = tmp.path().to_path_buf();
    (tmp, dir)
}

fn error(table: &str, edit: impl Fn(&str) -> String) -> String {
    let (_tmp, dir) = malformed(table, edit);
    let message = read(&dir).unwrap_err().to_string();
    message.replace(&format!("{}/", dir.display()), "")
}

#[test]
fn the_vendored_grid_reads_with_its_counts() {
    let g = read(&vendored()).unwrap();
    assert_eq!(g.nodes.len(), 43);
    assert_eq!(g.nodes.iter().filter(|n| n.auxiliary()).count(), 28);
    assert_eq!(g.lines.len(), 13);
    assert_eq!(g.line_types.len(), 33);
    assert_eq!(g.switches.len(), 28);
    assert!(g.switches.iter().all(|s| s.closed));
    assert_eq!(g.external_nets[0].node, "MV1.101 Bus 4");
    assert_eq!(g.transformers.len(), 1);
    assert_eq!(g.transformers[0].tap_position, 1.0);
    assert_eq!(g.transformer_types.len(), 14);
    assert_eq!(g.loads.len(), 28);
    assert_eq!(g.res.len(), 8);
    assert_eq!(g.storages.len(), 5);
    let s = &g.storages[0];
    assert_eq!(
        (s.rated_mva, s.energy_mwh, s.charge_level, s.efficiency),
        (0.0734, 0.1467, 0.0, 0.95)
    );
    let l = &g.lines[0];
    assert_eq!(
        (l.id.as_str(), l.length_km, l.at.line),
        ("LV1.101 Line 1", 0.0557667, 2)
    );
    let t = &g.line_types["NAYY 4x150SE 0.6/1kV"];
    assert_eq!(
        (t.r_ohm_per_km, t.x_ohm_per_km, t.rating_a),
        (0.2067, 0.0804248, 270.0)
    );
    // 14 days of 15 min; the first row 01.01.2016 00:00.
    assert_eq!(g.load_profiles.step_s, 900.0);
    assert_eq!(g.load_profiles.span_s(), 14.0 * 86_400.0);
    assert_eq!(g.load_profiles.columns["H0-A_pload"][0], 0.276685);
    assert_eq!(g.load_profiles.columns.len(), 26);
    assert!(g.unread_columns.iter().any(|(_, c)| c == "loadingMax"));
    let other: Vec<String> = (g.other_tables.iter())
        .map(|(p, rows)| format!("{} {rows}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    assert_eq!(
        other,
        [
            "Coordinates.csv 16",
            "DCLineType.csv 2",
            "StudyCases.csv 24"
        ]
    );
}

#[test]
fn grid_codes_parse_or_name_what_is_wrong() {
    let code: GridCode = "1-MVLV-rural-all-2-no_sw".parse().unwrap();
    assert_eq!(
        (code.levels.as_str(), code.kind.as_str()),
        ("MVLV", "rural")
    );
    assert_eq!((code.scenario, code.switches), (2, false));
    assert!("1-EHVHV-mixed-1-0-sw".parse::<GridCode>().is_ok());
    for (code, says) in [
        ("1-LV-rural1-0-sw", "5 parts"),
        ("2-LV-rural1--0-sw", "version `2`"),
        ("1-XV-rural1--0-sw", "voltage levels `XV`"),
        ("1-MV-rural1--0-sw", "grid type `rural1`"),
        ("1-LV-rural1--3-sw", "scenario `3`"),
        ("1-LV-rural1--0-switch", "`switch`, not sw or no_sw"),
    ] {
        let message = code.parse::<GridCode>().unwrap_err().to_string();
        assert!(
            message.starts_with(&format!("unknown SimBench grid code `{code}`")),
            "{message}"
        );
        assert!(message.contains(says), "{message}");
    }
}

#[test]
fn malformed_tables_are_errors_at_their_file_and_line() {
    let (_tmp, dir) = malformed("Node", |t| t.to_string());
    std::fs::remove_file(dir.join("Line.csv")).unwrap();
    let message = read(&dir).unwrap_err().to_string();
    assert!(
        message.ends_with("no Line.csv in the folder (a SimBench grid's CSV tables are expected)"),
        "{message}"
    );

    let rename = |from: &'static str, to: &'static str| move |t: &str| t.replacen(from, to, 1);
    assert_eq!(
        error("Line", rename("length", "len")),
        "Line.csv:1: no column `length` in the header"
    );
    assert_eq!(
        error("Line", rename(";0.0557667;", ";0.05x;")),
        "Line.csv:2: length = `0.05x` is not a number"
    );
    assert_eq!(
        error("Line", rename("LV1.101 Bus 10_1;", "LV1.101 Bus 99;")),
        "Line.csv:2: nodeA = `LV1.101 Bus 99` is not in Node.csv"
    );
    assert_eq!(
        error("Line", rename(";NAYY 4x150SE 0.6/1kV;", ";NAYY 9;")),
        "Line.csv:2: type = `NAYY 9` is not in LineType.csv"
    );
    assert_eq!(
        error("Load", rename(";L2-A;", ";X0-Z;")),
        "Load.csv:2: profile = `X0-Z_pload` is not in LoadProfile.csv"
    );
    assert_eq!(
        error("Switch", rename(";LS;1;", ";LS;yes;")),
        "Switch.csv:2: cond = `yes` is not 1 (closed) or 0 (open)"
    );
    assert_eq!(
        error("Node", rename("LV1.101 Bus 2;", "LV1.101 Bus 1;")),
        "Node.csv:4: id `LV1.101 Bus 1` is defined before, at line 3"
    );
    assert_eq!(
        error("RES", |t| t.replacen(";pq;", ";pq;1;", 1)),
        "RES.csv:2: 11 fields, the header has 10"
    );
    assert_eq!(
        error(
            "LoadProfile",
            rename("01.01.2016 00:30", "01.01.2016 00:40")
        ),
        "LoadProfile.csv:4: time 01.01.2016 00:40 is not 2 steps of 900 s after 01.01.2016 00:00 \
         (nor an hour later, for daylight saving time)"
    );
    assert_eq!(
        error(
            "LoadProfile",
            rename("01.01.2016 00:15", "2016-01-01 00:15")
        ),
        "LoadProfile.csv:3: time = `2016-01-01 00:15` is not a time dd.mm.yyyy HH:MM"
    );
    assert_eq!(
        error("ExternalNet", |t| t.lines().next().unwrap().to_string()
            + "\n"),
        "ExternalNet.csv:1: no external net: the grid has no supply"
    );
}
