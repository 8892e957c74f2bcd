//! `blackstart island`: the islands left once the scenario's faults open their lines.

use super::{Failure, Format, json};
use blackstart::grid::{Condition, Island, islands_after_faults};
use blackstart::scenario::Scenario;
use serde::Serialize;

#[derive(Serialize)]
struct Report {
    islands: Vec<Island>,
}

pub(super) fn run(scenario: &Scenario, format: Format) -> Result<String, Failure> {
    let islands = islands_after_faults(scenario);
    match format {
        Format::Json => json(&Report { islands }),
        Format::Table => Ok(table(scenario, &islands)),
    }
}

fn table(scenario: &Scenario, islands: &[Island]) -> String {
    let mut out = String::new();
    let lines: Vec<String> = scenario
        .faults
        .iter()
        .map(|f| format!("{}–{}", f.line[0], f.line[1]))
        .collect();
    let isolated = islands.iter().filter(|i| !i.energised).count();
    outln!(
        out,
        "{}: {} island(s), {} cut off from the utility, after faults on {}",
        scenario.name,
        islands.len(),
        isolated,
        if lines.is_empty() {
            "no lines".to_string()
        } else {
            lines.join(", ")
        }
    );
    for (n, island) in islands.iter().enumerate() {
        let state = if island.energised {
            "energised (reaches the utility supply)"
        } else {
            "ISOLATED (runs as its own microgrid)"
        };
        let list = |ids: &[String]| {
            if ids.is_empty() {
                "–".to_string()
            } else {
                ids.join(", ")
            }
        };
        let nodes: Vec<String> = island.nodes.iter().map(u32::to_string).collect();
        let b = &island.balance;
        let condition = match b.condition {
            Condition::Balanced => "balanced",
            Condition::GenerationExceedsConsumption => "generation exceeds consumption",
            Condition::ConsumptionExceedsGeneration => "consumption exceeds generation",
        };
        outln!(out);
        outln!(out, "island {} — {state}", n + 1);
        outln!(out, "  nodes            {}", nodes.join(", "));
        outln!(out, "  prosumers        {}", list(&island.prosumers));
        outln!(out, "  consumers        {}", list(&island.consumers));
        outln!(out, "  DERs             {}", list(&island.ders));
        outln!(out, "  battery banks    {}", list(&island.batteries));
        outln!(out, "  demand           {:>10.1} kWh", island.demand_kwh);
        outln!(out, "  prior export     {:>10.1} kWh", island.export_kwh);
        outln!(
            out,
            "  DERs, batteries  {:>10.1} kWh (P_DER + P_BBD − P_BBI)",
            island.community_supply_kwh
        );
        outln!(out, "  deficit          {:>10.1} kWh", island.deficit_kwh);
        outln!(
            out,
            "  consumer tariff  {:>10.2} INR",
            island.consumer_tariff_inr
        );
        outln!(
            out,
            "  balance (eq. 1)  {:>10.1} kWh = {:.1} consumption − {:.1} generation: {condition}",
            b.p_bal_kwh,
            b.consumption_kwh,
            b.generation_kwh
        );
    }
    out
}
