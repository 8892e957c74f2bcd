//! `blackstart optimise` and `blackstart chain gas` on the bundled scenarios.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
}

fn json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("the blackstart binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn optimise(file: &str, extra: &[&str]) -> Value {
    let path = scenario(file);
    let mut args = vec!["optimise", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    json(&args)
}

fn deltas(a: &Value) -> Vec<f64> {
    a["prosumers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["delta_kwh"].as_f64().unwrap())
        .collect()
}

fn close(a: f64, b: f64, relative: f64) -> bool {
    (a - b).abs() <= relative * b.abs()
}

#[test]
fn paper_model_on_campus13_is_the_degenerate_optimum() {
    let a = optimise("campus13.yaml", &["--model", "paper"]);
    assert!(
        close(a["cost_inr"].as_f64().unwrap(), 6021.384155, 1e-6),
        "{a}"
    );
    assert!((deltas(&a).iter().sum::<f64>() - 257.0).abs() < 1e-6);
    assert_eq!(a["degenerate"], true);
}

#[test]
fn paper_model_with_inferred_bounds_costs_what_table_6_costs() {
    let a = optimise("campus13-paper.yaml", &[]);
    assert_eq!(a["model"], "paper");
    // Table 6's own allocation costed by eq. 4 is 6038.72 INR (SPEC §5a).
    assert!(
        close(a["cost_inr"].as_f64().unwrap(), 6038.724281, 1e-6),
        "{a}"
    );
    assert!((deltas(&a).iter().sum::<f64>() - 257.0).abs() < 1e-6);
}

#[test]
fn paper_model_reproduces_table_7() {
    let a = optimise("campus13-table7.yaml", &[]);
    assert_eq!(a["model"], "paper");
    assert!(
        close(a["cost_inr"].as_f64().unwrap(), 14582.648306, 1e-6),
        "{a}"
    );
    let table7 = [330.488, 493.310, 288.197, 94.152, 270.851];
    for (got, want) in deltas(&a).iter().zip(table7) {
        assert!((got - want).abs() < 0.01, "{got} vs {want}");
    }
}

#[test]
fn fair_model_on_campus13_is_unique_and_no_dearer_than_the_paper() {
    let fair = optimise("campus13.yaml", &[]);
    let paper = optimise("campus13.yaml", &["--model", "paper"]);
    assert_eq!(fair["model"], "fair");
    assert_eq!(fair["degenerate"], false);
    assert!((deltas(&fair).iter().sum::<f64>() - 257.0).abs() < 1e-6);
    for p in fair["prosumers"].as_array().unwrap() {
        let delta = p["delta_kwh"].as_f64().unwrap();
        assert!(delta >= 0.0 && delta <= p["capacity_kwh"].as_f64().unwrap());
        assert!((p["reward_delta_inr"].as_f64().unwrap() - 3.0 * delta).abs() < 1e-9);
    }
    assert!(fair["cost_inr"].as_f64().unwrap() <= paper["cost_inr"].as_f64().unwrap() + 1e-9);
}

#[test]
fn backoff_leaves_p1_p3_p5_covering_the_deficit() {
    let a = optimise("campus13-backoff.yaml", &[]);
    let ids: Vec<&str> = a["prosumers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["P1", "P3", "P5"]);
    assert_eq!(a["excluded"], serde_json::json!(["P2", "P4"]));
    let deficit = a["deficit_kwh"].as_f64().unwrap();
    assert!((deltas(&a).iter().sum::<f64>() - deficit).abs() < 1e-6);
    // The same through the flag on the base scenario.
    let flagged = optimise("campus13.yaml", &["--exclude", "P2,P4"]);
    assert_eq!(flagged["cost_inr"], a["cost_inr"]);
}

#[test]
fn shortfall_sheds_the_lowest_priority_and_reports_energy_not_served() {
    let a = optimise("campus13-shortfall.yaml", &[]);
    assert_eq!(a["shed"], serde_json::json!(["C4"]));
    assert_eq!(a["energy_not_served_kwh"], 3000.0);
    assert_eq!(a["served_kwh"], 4007.0);
    assert_eq!(a["budget_short_inr"], 0.0);
}

#[test]
fn chain_gas_lists_the_five_functions() {
    let path = scenario("campus13.yaml");
    let report = json(&["chain", "gas", path.to_str().unwrap()]);
    let names: Vec<&str> = report["functions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "FindEntities",
            "PowerData",
            "PowerBalance",
            "TariffComputation",
            "OptimisationHandler"
        ]
    );
    for f in report["functions"].as_array().unwrap() {
        // Above the 21,000 of a plain transfer, below the 2^24 per-transaction cap.
        let gas = f["gas"].as_u64().unwrap();
        assert!(gas > 21_000 && gas < 1 << 24, "{f}");
    }
}
