//! `blackstart reproduce`: the comparison with the paper's key numbers, the figures, and the
//! errors a user can cause.

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn reproduce(out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .arg("reproduce")
        .arg("--out")
        .arg(out)
        .arg("--scenarios")
        .arg(scenarios())
        .args(extra)
        .output()
        .expect("the blackstart binary runs")
}

/// One row of comparison.md: paper, ours, class, verdict.
#[derive(Debug)]
struct Row {
    paper: String,
    ours: String,
    class: String,
    verdict: String,
}

impl Row {
    fn ours(&self) -> f64 {
        self.ours.parse().unwrap_or_else(|_| panic!("{self:?}"))
    }
}

/// comparison.md's rows by section title (its heading) and quantity.
fn sections(markdown: &str) -> HashMap<String, HashMap<String, Row>> {
    let mut all: HashMap<String, HashMap<String, Row>> = HashMap::new();
    let mut title = String::new();
    for line in markdown.lines() {
        if let Some(heading) = line.strip_prefix("## ") {
            title = heading.to_string();
        } else if line.starts_with("| ") && !line.starts_with("| quantity") {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            all.entry(title.clone()).or_default().insert(
                cells[1].to_string(),
                Row {
                    paper: cells[2].to_string(),
                    ours: cells[3].to_string(),
                    class: cells[5].to_string(),
                    verdict: cells[6].to_string(),
                },
            );
        }
    }
    all
}

fn section<'a>(
    all: &'a HashMap<String, HashMap<String, Row>>,
    prefix: &str,
) -> &'a HashMap<String, Row> {
    all.iter()
        .find(|(title, _)| title.starts_with(prefix))
        .map(|(_, rows)| rows)
        .unwrap_or_else(|| panic!("no section {prefix:?}"))
}

#[test]
fn comparison_has_the_papers_key_numbers_and_figures() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("paper");
    let run = reproduce(&out, &["--runs", "50"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        stdout.contains("0 rows differ with no reason given"),
        "{stdout}"
    );
    assert!(stdout.contains("comparison.md"), "{stdout}");

    let markdown = std::fs::read_to_string(out.join("comparison.md")).unwrap();
    assert_inputs_and_fitted_numbers_are_labelled_and_not_counted(&markdown);
    let all = sections(&markdown);

    // Table 2: eq. 1 on the paper's rows.
    let table_2 = section(&all, "Table 2");
    for (row, generation, consumption, condition) in [
        (1, 100.0, 100.0, "balanced"),
        (2, 70.0, 40.0, "generation exceeds consumption"),
        (3, 80.0, 90.0, "consumption exceeds generation"),
    ] {
        let get = |what: &str| &table_2[&format!("row {row}: {what}")];
        assert_eq!(get("total generation (kWh)").ours(), generation);
        assert_eq!(get("total consumption (kWh)").ours(), consumption);
        assert_eq!(get("condition").ours, condition);
        assert_eq!(get("condition").verdict, "matches");
    }

    // Table 5: the slab tariffs, and the printed 4550 that fits no slab.
    let table_5 = section(&all, "Table 5");
    let c2 = &table_5["C2 tariff for 800 kWh (INR)"];
    assert_eq!((c2.paper.as_str(), c2.ours()), ("4550", 6800.0));
    assert!(c2.verdict.starts_with("differs: "), "{c2:?}");
    assert_eq!(table_5["C3 tariff for 839 kWh (INR)"].verdict, "matches");
    assert_eq!(table_5["island deficit D (kWh)"].ours(), 257.0);

    // Table 6: the paper's own allocation costs what the paper model's optimum costs.
    let table_6 = section(&all, "Table 6 — paper model");
    let cost = &table_6["cost J of eq. 4 (INR)"];
    assert_eq!(cost.paper, "6038.72");
    assert!((cost.ours() - 6038.724).abs() < 1e-3, "{cost:?}");
    assert_eq!(cost.verdict, "matches");
    let fair = section(&all, "Table 6 — fair model");
    // The fair model's unit-consistent rewards: 3·2007 + 3·257²/2007.
    assert!((fair["cost: the fair model's rewards (INR)"].ours() - 6119.728).abs() < 1e-3);

    // Table 7: the paper model reproduces delta to 0.01 kWh; P4's printed alpha is explained.
    let table_7 = section(&all, "Table 7 — paper model");
    for (id, delta_kwh) in [
        ("P1", 330.488),
        ("P2", 493.310),
        ("P3", 288.197),
        ("P4", 94.152),
        ("P5", 270.851),
    ] {
        let row = &table_7[&format!("{id} delta (kWh)")];
        assert!((row.ours() - delta_kwh).abs() < 0.01, "{id}: {row:?}");
        assert!(!row.verdict.starts_with("differs"), "{id}: {row:?}");
    }
    assert!((table_7["cost J of eq. 4 (INR)"].ours() - 14582.648).abs() < 1e-3);
    assert!(table_7["P4 alpha"].verdict.contains("0.0966"));
    let sensitivity = section(&all, "Tables 6 and 7");
    assert_eq!(
        sensitivity["Table 7: demand of the consumers the text states (kWh)"].ours(),
        3267.0
    );

    // Case 2: P2 and P4 back off (the scenario says so: an input).
    let backing_off = &section(&all, "Case 2 — prosumers back off (eq. 14), paper model")["paper: prosumers backing off"];
    assert_eq!(backing_off.ours, "P2, P4");
    assert_eq!(backing_off.verdict, "agrees by construction");

    // One run: an MTTR against 19 s, its six phases adding up to it.
    let single = section(&all, "MTTR — one outage");
    let mttr = &single["MTTR (s)"];
    assert_eq!(mttr.paper, "19");
    assert!(mttr.ours() > 60.0, "{mttr:?}");
    let phases: f64 = [
        "detection",
        "communication",
        "chain",
        "optimisation",
        "switching",
        "verification",
    ]
    .iter()
    .map(|p| single[&format!("{p} phase (s)")].ours())
    .sum();
    assert!((phases - mttr.ours()).abs() < 0.004, "{phases} vs {mttr:?}");

    // The sweep's distribution.
    let sweep = section(&all, "MTTR — distribution");
    assert_eq!(sweep["mean MTTR (s)"].paper, "19");
    assert!(sweep["runs restored"].ours() <= 50.0);
    assert!(sweep["p99 (s)"].ours() >= sweep["median MTTR, p50 (s)"].ours());
    assert!(out.join("sweep/runs/shard=0/part-0-00000.parquet").exists());

    // Table 8: Fig. 12's 10 s rounds on the ganache profile come near its averages; Table 8's
    // own counts make the same node queue for far longer.
    let ten_second = section(&all, "Table 8 — Caliper benchmark, Fig. 12's 10 s rounds");
    let latency = &ten_second["Total: latency, plain mean of the five (s)"];
    assert_eq!(latency.paper, "2.38");
    assert!((latency.ours() - 2.38).abs() < 0.5, "{latency:?}");
    let throughput = &ten_second["Total: throughput, transaction-weighted mean (TPS)"];
    assert!((throughput.ours() - 14.52).abs() < 0.5, "{throughput:?}");
    assert_eq!(ten_second["PowerData transactions"].ours(), 200.0);
    let counts = section(
        &all,
        "Table 8 — Caliper benchmark, Table 8's transaction counts",
    );
    assert_eq!(counts["TariffComputation transactions"].ours(), 2100.0);
    assert!(counts["Total: latency, plain mean of the five (s)"].ours() > 8.0);
    let blocks = section(&all, "Table 8's rounds on chains");
    assert!(
        blocks["interval-12s: average latency (s)"].ours()
            > blocks["interval-2s: average latency (s)"].ours()
    );
    for bench in [
        "caliper-paper-10s-ganache",
        "caliper-paper-ganache",
        "caliper-paper-10s-interval-2s",
        "caliper-paper-10s-interval-12s",
    ] {
        for file in ["report.html", "report.md", "transactions.parquet"] {
            assert!(
                out.join("bench").join(bench).join(file).exists(),
                "{bench}/{file}"
            );
        }
    }

    for figure in [
        "fig08_case1_energy.png",
        "fig09_case1_rewards.png",
        "fig10_new_consumers_energy.png",
        "fig11_new_consumers_rewards.png",
        "mttr_distribution.png",
        "mttr_phases.png",
        "table8_latency.png",
        "table8_throughput.png",
    ] {
        let bytes = std::fs::read(out.join("figures").join(figure)).unwrap();
        assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "{figure}");
    }

    // Re-runnable into the same directory (with another run count), JSON summary.
    let again = reproduce(&out, &["--runs", "5", "--format", "json"]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let summary: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(summary["unexplained"], 0);
    let markdown = std::fs::read_to_string(out.join("comparison.md")).unwrap();
    let rows: Vec<Row> = sections(&markdown)
        .into_values()
        .flat_map(HashMap::into_values)
        .collect();
    let count = |class: &str| rows.iter().filter(|r| r.class.starts_with(class)).count() as u64;
    assert_eq!(summary["compared"], count("reproduced"));
    assert_eq!(summary["fitted"], count(FITTED));
    assert_eq!(summary["derived"], count("derived"));
    assert_eq!(summary["extension"], count("extension"));
    assert_eq!(summary["files"].as_array().unwrap().len(), 9);
    assert!(markdown.contains("--runs 5`"));
}

/// How the class cell of an input or fitted row begins.
const FITTED: &str = "input or fitted (not counted):";

/// Checks that every input or fitted row of `markdown` is labelled and left out of the
/// headline, and that the fair model stands apart as an extension.
fn assert_inputs_and_fitted_numbers_are_labelled_and_not_counted(markdown: &str) {
    let all = sections(markdown);

    // Every number the scenario takes from the paper, or that a parameter is fitted to,
    // carries the label, and none is called a match.
    let functions = [
        "FindEntities",
        "PowerData",
        "PowerBalance",
        "TariffComputation",
        "OptimisationHandler",
    ];
    let mut fitted: Vec<(&str, String)> = vec![
        ("Table 5", "island demand Σ C (kWh)".into()),
        ("Table 5", "island export at t−1 Σ Pe (kWh)".into()),
        (
            "Tables 6 and 7",
            "Table 7: demand of Table 7's data (kWh)".into(),
        ),
        ("Table 7 — paper model", "P4 beta".into()),
        (
            "Case 2 — prosumers back off (eq. 14), paper model",
            "paper: prosumers backing off".into(),
        ),
        ("MTTR — one outage", "detection phase (s)".into()),
        ("MTTR — one outage", "chain phase (s)".into()),
        ("MTTR — one outage", "optimisation phase (s)".into()),
        ("MTTR — one outage", "switching phase (s)".into()),
    ];
    for id in ["P1", "P2", "P3", "P5"] {
        fitted.push(("Table 6 — paper model", format!("{id} alpha")));
    }
    for bench in [
        "Table 8 — Caliper benchmark, Fig. 12's",
        "Table 8 — Caliper benchmark, Table 8's",
    ] {
        for function in functions {
            fitted.push((bench, format!("{function} transactions")));
            fitted.push((bench, format!("{function} throughput (TPS)")));
        }
        fitted.push((
            bench,
            "Total: throughput, transaction-weighted mean (TPS)".into(),
        ));
    }
    for (title, quantity) in &fitted {
        let row = &section(&all, title)[quantity];
        assert!(
            row.class.starts_with(FITTED),
            "{title} / {quantity}: {row:?}"
        );
        assert_ne!(row.verdict, "matches", "{title} / {quantity}: {row:?}");
    }
    // Table 8's own counts agree because the configuration sets them.
    let counts = section(&all, "Table 8 — Caliper benchmark, Table 8's");
    assert_eq!(
        counts["PowerData transactions"].verdict,
        "agrees by construction"
    );

    // The headline counts the reproduced rows alone, and what it leaves out.
    let rows: Vec<&Row> = all.values().flat_map(|s| s.values()).collect();
    let count = |keep: &dyn Fn(&Row) -> bool| rows.iter().filter(|r| keep(r)).count();
    let reproduced = |r: &Row| r.class == "reproduced";
    let headline = format!(
        "**{} comparisons with the paper's printed numbers, reproduced from its data: {} \
         match, {} close (within a stated tolerance), {} differ for a stated reason.**",
        count(&reproduced),
        count(&|r| reproduced(r) && r.verdict == "matches"),
        count(&|r| reproduced(r) && r.verdict.starts_with("close: ")),
        count(&|r| reproduced(r) && r.verdict.starts_with("differs: ")),
    );
    assert!(markdown.contains(&headline), "{headline}");
    let not_counted = format!(
        "Not counted: {} inputs or quantities fitted by construction",
        count(&|r| r.class.starts_with(FITTED))
    );
    assert!(markdown.contains(&not_counted), "{not_counted}");
    assert!(count(&|r| r.class.starts_with(FITTED)) >= fitted.len());

    // The fair model is an extension in a part of its own, after the paper's results.
    let extension = markdown.find("# Extension: the fair model").unwrap();
    for title in [
        "## Table 6 — fair model",
        "## Table 7 — fair model",
        "## Case 2 — prosumers back off (eq. 14), fair model",
    ] {
        assert!(markdown.find(title).unwrap() > extension, "{title}");
        let rows = section(&all, &title[3..]);
        assert!(rows.values().all(|r| r.class == "extension"), "{title}");
    }

    // The paper's inconsistencies, and no line numbers of a text file as citations.
    assert!(markdown.contains("14.52 TPS is the transaction-weighted mean"));
    assert!(markdown.contains("2.38 s is the plain mean"));
    assert!(markdown.contains("2.03 GB of RAM is neither"));
    assert!(markdown.contains("\"was conducted over 60 seconds\""));
    assert!(markdown.contains("is blackstart's choice"));
    assert!(!markdown.contains("(line"), "a citation by line number");
    assert!(!markdown.contains("(lines"), "a citation by line number");
}

#[test]
fn an_unwritable_directory_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "not a directory").unwrap();
    let run = reproduce(&file.join("paper"), &["--runs", "1"]);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cannot write"), "{stderr}");
}

#[test]
fn a_missing_font_names_where_it_looked() {
    let dir = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .args(["reproduce", "--runs", "1", "--out"])
        .arg(dir.path())
        .env("BLACKSTART_FONT", "/no/such/font.ttf")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("/no/such/font.ttf"), "{stderr}");
    assert!(stderr.contains("BLACKSTART_FONT"), "{stderr}");
}
