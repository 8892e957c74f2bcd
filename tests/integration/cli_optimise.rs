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

/// The allocation of the scenario's one isolated island (`--format json` prints an array).
fn optimise(file: &str, extra: &[&str]) -> Value {
    let path = scenario(file);
    let mut args = vec!["optimise", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let all = json(&args);
    let islands = all
        .as_array()
        .expect("optimise --format json prints an array");
    assert_eq!(islands.len(), 1, "{all}");
    islands[0].clone()
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
    // Table 6's own allocation costed by eq. 4 is 6038.72 INR (docs/model.md §5a).
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
fn fair_model_on_campus13_is_unique_with_unit_consistent_rewards() {
    let fair = optimise("campus13.yaml", &[]);
    assert_eq!(fair["model"], "fair");
    assert_eq!(fair["degenerate"], false);
    assert!((deltas(&fair).iter().sum::<f64>() - 257.0).abs() < 1e-6);
    for p in fair["prosumers"].as_array().unwrap() {
        let delta = p["delta_kwh"].as_f64().unwrap();
        assert!(delta >= 0.0 && delta <= p["capacity_kwh"].as_f64().unwrap());
        assert!((p["reward_delta_inr"].as_f64().unwrap() - 3.0 * delta).abs() < 1e-9);
        assert_eq!(p["limit"], "none");
    }
    // 3 INR/kWh for the 1750 + 257 kWh delivered, plus 3·257·(257/2007) of premium.
    let cost = 3.0 * 2007.0 + 3.0 * 257.0 * 257.0 / 2007.0;
    assert!(
        close(fair["cost_inr"].as_f64().unwrap(), cost, 1e-12),
        "{fair}"
    );
    assert_eq!(fair["paid_inr"], fair["cost_inr"]);
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
    // Beside them, PowerData's batch: all nine readings in one transaction, cheaper per reading.
    let batch = &report["power_data_batch"];
    assert_eq!(batch["readings"], 9);
    let per_reading = batch["gas_per_reading"].as_u64().unwrap();
    assert!(per_reading < report["functions"][1]["gas"].as_u64().unwrap());
    assert_eq!(
        (batch["gas"].as_u64().unwrap() + 4) / 9,
        per_reading,
        "rounded"
    );
}

#[test]
fn a_community_der_covering_the_deficit_needs_no_prosumer_export_in_island_optimise_and_run() {
    let path = scenario("household-der.yaml");
    let file = path.to_str().unwrap();
    // island: eq. 1 counts the plant and the bank: 1.2 − 0.5 − (0.6 + 0.15 − 0.05) = 0.
    let island = json(&["island", file]);
    let isolated = &island["islands"][1];
    assert_eq!(isolated["energised"], false);
    assert!(close(
        isolated["community_supply_kwh"].as_f64().unwrap(),
        0.7,
        1e-12
    ));
    assert!(
        isolated["deficit_kwh"].as_f64().unwrap() < 1e-12,
        "{isolated}"
    );
    // optimise: the same supply before the prosumers, so nobody exports more.
    let a = optimise("household-der.yaml", &[]);
    assert!(close(
        a["community_supply_kwh"].as_f64().unwrap(),
        0.7,
        1e-12
    ));
    assert!(a["deficit_kwh"].as_f64().unwrap() < 1e-12, "{a}");
    assert!(deltas(&a).iter().all(|&d| d == 0.0), "{a}");
    let paper = optimise("household-der.yaml", &["--model", "paper"]);
    assert!(deltas(&paper).iter().all(|&d| d == 0.0), "{paper}");
    // The consumers' interval energy at the rate of their months: 0.5 kWh at 7.60 (420 kWh),
    // 0.4 at 6.80 (180 kWh), 0.3 at 8.50 (the default month, 0.3 × 2880 = 864 kWh).
    assert!(close(
        a["budget_inr"].as_f64().unwrap(),
        3.80 + 2.72 + 2.55,
        1e-12
    ));
    // run: the optimiser sees the plant's and the bank's readings, the chain counts them, and
    // the island is restored with no extra export and nothing reverted.
    let run = json(&["run", file]);
    assert_eq!(run["restored_outages"], run["outages"], "{run}");
    assert_eq!(run["reverted_transactions"], 0, "{run}");
    let shares = run["allocations"].as_array().unwrap();
    assert_eq!(shares.len(), 2);
    assert!(shares.iter().all(|s| s["delta_kwh"] == 0.0), "{run}");
}

#[test]
fn json_is_an_array_even_for_one_island() {
    let path = scenario("campus13.yaml");
    let all = json(&["optimise", path.to_str().unwrap()]);
    assert_eq!(all.as_array().map(Vec::len), Some(1), "{all}");
}

#[test]
fn the_table_numbers_islands_as_blackstart_island_does() {
    let path = scenario("campus13.yaml");
    let out = Command::new(env!("CARGO_BIN_EXE_blackstart"))
        .args(["optimise", path.to_str().unwrap()])
        .output()
        .expect("the blackstart binary runs");
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    // `blackstart island` numbers the energised part 1 and the hostel microgrid 2.
    assert!(
        table.starts_with("campus13: island 2 of nodes 4, 7, 8, 9, 10, 11, 12, 13\n"),
        "{table}"
    );
}
