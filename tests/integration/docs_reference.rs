//! The data reference is complete: every scenario key has a row in docs/scenario.md, and every
//! column of every Parquet table and every key of the JSON files a sweep writes has a row in
//! docs/outputs.md, as does every key of the files' Parquet metadata. A field added to the code
//! without its documentation fails here.

use blackstart::caliper::{self, BenchReport};
use blackstart::optimise::Model;
use blackstart::scenario::{Law, LineKind, LoadKind, Mining, NodeKind, ProfileSpec, SeriesUnit};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn doc(name: &str) -> String {
    std::fs::read_to_string(root().join("docs").join(name)).unwrap()
}

/// The lines of `doc` from the heading line `heading` to the next heading of its level or
/// higher.
fn section(doc: &str, heading: &str) -> String {
    let level = |line: &str| {
        let hashes = line.len() - line.trim_start_matches('#').len();
        (hashes > 0 && line[hashes..].starts_with(' ')).then_some(hashes)
    };
    let mine = level(heading).expect("a markdown heading");
    let mut lines = doc.lines().skip_while(|l| *l != heading);
    let first = lines
        .next()
        .unwrap_or_else(|| panic!("no heading `{heading}`"));
    std::iter::once(first)
        .chain(lines.take_while(|l| level(l).is_none_or(|n| n > mine)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether `text` has a table row whose first cell is `` `name` ``.
fn has_row(text: &str, name: &str) -> bool {
    let row = format!("| `{name}` |");
    text.lines().any(|l| l.starts_with(&row))
}

/// Fails listing every name without its row.
fn assert_rows(text: &str, names: &[String], what: &str) {
    let missing: Vec<&String> = names.iter().filter(|n| !has_row(text, n)).collect();
    assert!(
        missing.is_empty(),
        "{what}: no row for {missing:?} (add `| `name` | … |` rows)"
    );
}

/// Key paths of the leaves of `value`: `a.b`, `list[].c` for lists of objects; a list of
/// anything else (or an empty list), a null and a scalar are leaves; `stop` paths are
/// leaves too (maps keyed by user ids).
fn leaves(value: &Value, path: &str, stop: &[&str], out: &mut Vec<String>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        Value::Object(map) if !stop.contains(&path) => {
            for (key, v) in map {
                leaves(v, &join(key), stop, out);
            }
        }
        Value::Array(items) if items.first().is_some_and(Value::is_object) => {
            leaves(&items[0], &format!("{path}[]"), stop, out);
        }
        _ => out.push(path.to_string()),
    }
}

/// A scenario that gives every list at least one item; every other key takes its default.
/// Distributions are plain numbers here: their forms are checked on their own.
const POPULATED: &str = r#"
name: everything
time: {start_date: 2024-05-01, reference_at_s: 43200}
location: {latitude_deg: 9.09, longitude_deg: 76.49, utc_offset_h: 5.5}
profiles:
  sun: {solar: {}}
  breeze: {wind: {}}
  home: {load: {kind: residential}}
  meters: {series: {path: meters.csv, unit: kw}}
grid:
  nodes:
    - {id: 1, kind: source}
    - {id: 2, kind: entity}
    - {id: 3, kind: entity}
  lines:
    - {from: 1, to: 2}
    - {from: 2, to: 3, length_km: 0.5}
entities:
  prosumers:
    - {id: P1, node: 3, export_prev_kwh: 1, generation_kwh: 2, battery_kwh: 1, consumption_kwh: 0.5,
       battery: {capacity_kwh: 10, charge_kw: 5, discharge_kw: 5, initial_soc: 0.5},
       generation_profile: sun, consumption_profile: home}
  consumers:
    - {id: C1, node: 3, demand_kwh: 1, profile: meters}
  solar:
    - {id: S1, node: 2, generation_kwh: 1, profile: sun}
  wind:
    - {id: W1, node: 2, generation_kwh: 1, profile: breeze}
  batteries:
    - {id: B1, node: 3, capacity_kwh: 10, stored_kwh: 5, battery: {charge_kw: 5}}
faults:
  - {line: [2, 3], at_s: 100, repair_time_s: 3600}
timing:
  resync_delay_s: 300
optimiser:
  alpha_min: {P1: 0.1}
  back_off: [P1]
monte_carlo:
  fault_sets:
    - {lines: [[2, 3]], rate_per_year: 0.1}
    - {lines: [[2, 3]], rate_per_km_year: 0.2, repair_time_s: 3600}
"#;

#[test]
fn every_scenario_key_is_in_scenario_md() {
    let scenario = blackstart::scenario::parse_str(POPULATED, "everything.yaml").unwrap();
    let mut keys = Vec::new();
    leaves(
        &serde_json::to_value(&scenario).unwrap(),
        "",
        &["optimiser.alpha_min"],
        &mut keys,
    );
    let keys: Vec<String> = keys
        .into_iter()
        .map(|k| match k.as_str() {
            "optimiser.alpha_min" => "optimiser.alpha_min.<prosumer id>".to_string(),
            // Profiles are keyed by the user's names.
            _ if k.starts_with("profiles.") => {
                let mut parts: Vec<&str> = k.splitn(3, '.').collect();
                parts[1] = "<name>";
                parts.join(".")
            }
            _ => k,
        })
        .chain(["extends".to_string()])
        .collect();
    assert!(keys.len() > 60, "the walk found only {keys:?}");
    assert_rows(&doc("scenario.md"), &keys, "docs/scenario.md");
}

/// The name of a law in YAML; a new law fails to compile here until it is listed.
fn law_name(law: &Law) -> &'static str {
    match law {
        Law::Fixed(_) => "fixed",
        Law::Uniform { .. } => "uniform",
        Law::Normal { .. } => "normal",
        Law::Lognormal { .. } => "lognormal",
        Law::Exponential { .. } => "exponential",
        Law::Weibull { .. } => "weibull",
        Law::Gamma { .. } => "gamma",
        Law::Triangular { .. } => "triangular",
        Law::Pert { .. } => "pert",
    }
}

#[test]
fn every_distribution_and_its_parameters_are_in_scenario_md() {
    let laws = [
        Law::Fixed(1.0),
        Law::Uniform { min: 0.0, max: 1.0 },
        Law::Normal {
            mean: 1.0,
            std_dev: 1.0,
            min: Some(0.0),
            max: Some(2.0),
        },
        Law::Lognormal {
            mu: 0.0,
            sigma: 1.0,
        },
        Law::Exponential { mean: 1.0 },
        Law::Weibull {
            scale: 1.0,
            shape: 1.0,
        },
        Law::Gamma {
            shape: 1.0,
            scale: 1.0,
        },
        Law::Triangular {
            min: 0.0,
            mode: 1.0,
            max: 2.0,
        },
        Law::Pert {
            min: 0.0,
            mode: 1.0,
            max: 2.0,
        },
    ];
    let table = section(&doc("scenario.md"), "## Distributions");
    for law in &laws {
        let name = law_name(law);
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("docs/scenario.md: no row for the law `{name}`"));
        if let Value::Object(parameters) = &serde_json::to_value(law).unwrap()[name] {
            for parameter in parameters.keys() {
                assert!(
                    row.contains(&format!("{parameter}:")),
                    "docs/scenario.md: the `{name}` row lacks its parameter `{parameter}`"
                );
            }
        }
    }
    // The words of every enumerated key: a new variant fails to compile until it is listed.
    let words = [
        match LineKind::Line {
            LineKind::Line | LineKind::Switch | LineKind::Transformer => {
                ["line", "switch", "transformer"]
            }
        }
        .to_vec(),
        match NodeKind::Bus {
            NodeKind::Source | NodeKind::Bus | NodeKind::Entity => ["source", "bus", "entity"],
        }
        .to_vec(),
        match Mining::Instant {
            Mining::Instant | Mining::Interval => ["instant", "interval"],
        }
        .to_vec(),
        match Model::Fair {
            Model::Fair | Model::Paper => ["fair", "paper"],
        }
        .to_vec(),
        match LoadKind::Residential {
            LoadKind::Residential | LoadKind::Commercial | LoadKind::Institutional => {
                ["residential", "commercial", "institutional"]
            }
        }
        .to_vec(),
        match SeriesUnit::Kw {
            SeriesUnit::Kw | SeriesUnit::Kwh | SeriesUnit::Multiplier => {
                ["kw", "kwh", "multiplier"]
            }
        }
        .to_vec(),
        match ProfileSpec::Load(blackstart::scenario::LoadSpec {
            kind: LoadKind::Residential,
            weekend_factor: None,
            seasonal_amplitude: 0.0,
            seasonal_peak_day: 1.0,
        }) {
            ProfileSpec::Solar(_)
            | ProfileSpec::Wind(_)
            | ProfileSpec::Load(_)
            | ProfileSpec::Series(_) => ["solar", "wind", "load", "series"],
        }
        .to_vec(),
    ];
    let text = doc("scenario.md");
    for word in words.iter().flatten() {
        assert!(
            text.contains(&format!("`{word}`")),
            "`{word}` is undocumented"
        );
    }
}

fn blackstart(args: &[&str]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .args(args)
        .output()
        .expect("the blackstart binary runs");
    assert!(
        out.status.success(),
        "blackstart {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// The first Parquet file under `dir`, depth first in name order.
fn first_parquet(dir: &Path) -> Option<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    entries.into_iter().find_map(|path| {
        if path.is_dir() {
            first_parquet(&path)
        } else {
            path.extension()
                .is_some_and(|e| e == "parquet")
                .then_some(path)
        }
    })
}

fn columns(path: &Path) -> Vec<String> {
    blackstart::output::read_parquet(path)
        .unwrap()
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// Checks the section `heading` of docs/outputs.md has a row for every column.
fn assert_table(outputs: &str, heading: &str, columns: &[String]) {
    assert!(
        outputs.lines().any(|l| l == heading),
        "docs/outputs.md: no section `{heading}`"
    );
    assert_rows(
        &section(outputs, heading),
        columns,
        &format!("docs/outputs.md, {heading}"),
    );
}

/// Checks every `blackstart.*` key of the file's Parquet metadata has a row in
/// docs/outputs.md's "Parquet metadata" (the per-column keys as `blackstart.column.<name>`), and
/// that the columns are described. (polars' own `ARROW:schema` is Arrow's, not ours.)
fn assert_metadata(outputs: &str, path: &Path) {
    let metadata = blackstart::output::read_metadata(path).unwrap();
    let mut keys: Vec<String> = metadata
        .iter()
        .filter(|(key, _)| key.starts_with("blackstart."))
        .map(|(key, _)| match key.strip_prefix("blackstart.column.") {
            Some(_) => "blackstart.column.<name>".to_string(),
            None => key.clone(),
        })
        .collect();
    keys.dedup();
    assert!(
        keys.iter().any(|k| k == "blackstart.column.<name>"),
        "{}: no column descriptions in {metadata:?}",
        path.display()
    );
    assert_rows(
        &section(outputs, "### Parquet metadata"),
        &keys,
        &format!("docs/outputs.md, Parquet metadata of {}", path.display()),
    );
}

/// The heading of a table's section in docs/outputs.md.
fn table_heading(table: &str) -> String {
    format!("## Table `{table}`")
}

#[test]
fn every_table_column_and_summary_key_is_in_outputs_md() {
    let outputs = doc("outputs.md");
    // campus13 with rates on its fault sets: every key of campus13's summary, and the annual
    // indices'.
    let campus13 = root().join("scenarios/campus13-annual.yaml");
    let campus13 = campus13.to_str().unwrap();
    let dir = tempfile::tempdir().unwrap();

    // Every table a sweep writes, found by directory, so a new table is checked too.
    let sweep = dir.path().join("sweep");
    blackstart(&[
        "sweep",
        campus13,
        "--runs",
        "2",
        "--events",
        "--quiet",
        "--out",
        sweep.to_str().unwrap(),
    ]);
    let mut tables = Vec::new();
    for entry in std::fs::read_dir(&sweep).unwrap() {
        let path = entry.unwrap().path();
        if let Some(file) = path.is_dir().then(|| first_parquet(&path)).flatten() {
            let table = path.file_name().unwrap().to_string_lossy().into_owned();
            assert_table(&outputs, &table_heading(&table), &columns(&file));
            assert_metadata(&outputs, &file);
            tables.push(table);
        }
    }
    for table in ["runs", "allocations", "events"] {
        assert!(
            tables.iter().any(|t| t == table),
            "no {table} in {tables:?}"
        );
    }

    // Every table `run --out` writes.
    let run = dir.path().join("run");
    blackstart(&[
        "run",
        campus13,
        "--out",
        run.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let mut files = 0;
    for entry in std::fs::read_dir(&run).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "parquet") {
            let table = path.file_stem().unwrap().to_string_lossy().into_owned();
            assert_table(&outputs, &table_heading(&table), &columns(&path));
            assert_metadata(&outputs, &path);
            files += 1;
        }
    }
    assert!(files >= 2, "run --out wrote {files} tables");

    // The benchmark's transactions: the same table as a run's.
    let bench = BenchReport::default();
    let bench_columns: Vec<String> = caliper::report::transactions_frame(&bench)
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_table(&outputs, "## Table `transactions`", &bench_columns);

    // summary.json, every key; the manifest, its top-level keys.
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(sweep.join("summary.json")).unwrap())
            .unwrap();
    assert!(!summary["mttr"].is_null(), "campus13 restores its outage");
    let mut keys = Vec::new();
    leaves(
        &summary,
        "",
        &["runs_by_status", "runs_by_failure_reason"],
        &mut keys,
    );
    assert_rows(
        &section(&outputs, "## `summary.json` of a sweep"),
        &keys,
        "docs/outputs.md, summary.json",
    );
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(sweep.join("sweep.json")).unwrap()).unwrap();
    let keys: Vec<String> = manifest.as_object().unwrap().keys().cloned().collect();
    assert_rows(
        &section(
            &outputs,
            "## `sweep.json`, the manifest of a sweep directory",
        ),
        &keys,
        "docs/outputs.md, sweep.json",
    );
}

/// `survival`'s table, its metadata and every key of its summary.json are documented.
#[test]
fn every_survival_column_and_summary_key_is_in_outputs_md() {
    let outputs = doc("outputs.md");
    let campus13 = root().join("scenarios/campus13.yaml");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("survival");
    blackstart(&[
        "survival",
        campus13.to_str().unwrap(),
        "--starts",
        "288",
        "--durations",
        "15min",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    let table = out.join("survival.parquet");
    assert_table(&outputs, &table_heading("survival"), &columns(&table));
    assert_metadata(&outputs, &table);
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let mut keys = vec![
        "failures[].start_s".to_string(),
        "failures[].error".to_string(),
    ];
    leaves(&summary, "", &[], &mut keys);
    assert!(
        keys.iter()
            .any(|k| k == "by_month_hour[].survival[].p2p_all"),
        "{keys:?}"
    );
    assert_rows(
        &section(&outputs, "## `summary.json` of a survival study"),
        &keys,
        "docs/outputs.md, survival summary.json",
    );
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    for id in ["survival-overall", "survival-by-hour", "survival-heat-maps"] {
        assert!(
            report.contains(&format!("<section id=\"{id}\">")),
            "no {id}"
        );
    }
}

/// The section numbers of docs/model.md: `1` for `## 1. …`, `5a` for `### 5a. …`.
fn model_sections() -> Vec<String> {
    doc("model.md")
        .lines()
        .filter_map(|l| {
            let title = l.strip_prefix("### ").or_else(|| l.strip_prefix("## "))?;
            let (number, _) = title.split_once(". ")?;
            let digits = number.trim_end_matches(['a', 'b']);
            (!digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
                .then(|| number.to_string())
        })
        .collect()
}

#[test]
fn model_md_keeps_the_numbering_the_code_cites() {
    let expected: Vec<String> = (1..=13)
        .flat_map(|n| match n {
            5 => vec!["5".to_string(), "5a".to_string(), "5b".to_string()],
            n => vec![n.to_string()],
        })
        .collect();
    assert_eq!(model_sections(), expected);
}

/// Section numbers cited in `text` as `docs/model.md §N`.
fn citations(text: &str) -> Vec<String> {
    let mut cited = Vec::new();
    {
        let marker = "model.md §";
        for (at, _) in text.match_indices(marker) {
            let rest = &text[at + marker.len()..];
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if digits == 0 {
                continue;
            }
            let letter = rest[digits..]
                .chars()
                .next()
                .filter(|c| *c == 'a' || *c == 'b');
            cited.push(format!(
                "{}{}",
                &rest[..digits],
                letter.map(String::from).unwrap_or_default()
            ));
        }
    }
    cited
}

/// Every file under `dir` with one of `extensions`.
fn files(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, extensions, out);
        } else if path
            .extension()
            .is_some_and(|e| extensions.iter().any(|x| e == *x))
        {
            out.push(path);
        }
    }
}

#[test]
fn every_citation_of_the_model_names_one_of_its_sections() {
    let sections = model_sections();
    let mut paths = vec![root().join("README.md")];
    for dir in [
        "src",
        "tests",
        "benches",
        "scenarios",
        "notebooks",
        "docs",
        "contracts/src",
    ] {
        files(
            &root().join(dir),
            &["rs", "md", "yaml", "ipynb", "sol"],
            &mut paths,
        );
    }
    let mut cited = 0;
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        // A model document outside the repository is one its users cannot open.
        assert!(
            !text.contains(concat!("SPEC", " §")) && !text.contains(concat!("shared/", "paper")),
            "{} cites a model document outside the repository: cite docs/model.md",
            path.display()
        );
        for section in citations(&text) {
            assert!(
                sections.contains(&section),
                "{} cites §{section}, which docs/model.md does not have",
                path.display()
            );
            cited += 1;
        }
    }
    assert!(cited > 50, "only {cited} citations found");
}
