//! The distribution grid: which nodes stay connected after faults open lines (islands), which
//! islands still reach the utility supply, and each island's energy account (docs/model.md §2, §4).

mod balance;

pub use balance::{BALANCED_WITHIN_KWH, Balance, BalanceTerms, Condition};

use crate::scenario::{NodeId, NodeKind, Scenario};
use crate::tariff::round_to_paise;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Sums energies; unlike `f64`'s `Sum`, the sum of nothing is 0.0, not −0.0 (which reports
/// would print).
fn total(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, |sum, v| sum + v)
}

/// The grid's graph, built once per scenario; islands are computed for any set of open lines.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Topology {
    /// Node ids in ascending order; a node's position here is its index.
    nodes: Vec<NodeId>,
    /// Whether the node at each index is a utility source.
    is_source: Vec<bool>,
    /// Lines in service (not normally open) as pairs of node indices, the smaller index first.
    lines: Vec<(usize, usize)>,
}

/// A connected part of the grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Its nodes, ascending.
    pub nodes: Vec<NodeId>,
    /// Whether it contains a utility source (and so is still supplied).
    pub energised: bool,
}

impl Topology {
    /// The graph of a (validated) scenario's grid.
    pub fn new(scenario: &Scenario) -> Self {
        let mut nodes: Vec<NodeId> = scenario.grid.nodes.iter().map(|n| n.id).collect();
        nodes.sort_unstable();
        let index = |id: NodeId| {
            nodes
                .binary_search(&id)
                .expect("lines of a validated scenario join existing nodes")
        };
        let mut is_source = vec![false; nodes.len()];
        for node in &scenario.grid.nodes {
            is_source[index(node.id)] = node.kind == NodeKind::Source;
        }
        let lines = scenario
            .grid
            .lines
            .iter()
            .filter(|l| !l.normally_open)
            .map(|l| {
                let (a, b) = (index(l.from), index(l.to));
                (a.min(b), a.max(b))
            })
            .collect();
        Topology {
            nodes,
            is_source,
            lines,
        }
    }

    /// The connected components once the lines in `open` (as node pairs, either order) are
    /// out of service, ordered by their smallest node id.
    pub fn components(&self, open: &[[NodeId; 2]]) -> Vec<Component> {
        let open: BTreeSet<(NodeId, NodeId)> =
            open.iter().map(|&[a, b]| (a.min(b), a.max(b))).collect();
        let mut parent: Vec<usize> = (0..self.nodes.len()).collect();
        fn root(parent: &mut [usize], mut i: usize) -> usize {
            while parent[i] != i {
                parent[i] = parent[parent[i]];
                i = parent[i];
            }
            i
        }
        for &(a, b) in &self.lines {
            if open.contains(&(self.nodes[a], self.nodes[b])) {
                continue;
            }
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            parent[ra.max(rb)] = ra.min(rb);
        }
        let mut by_root: BTreeMap<usize, Component> = BTreeMap::new();
        for i in 0..self.nodes.len() {
            let component = by_root.entry(root(&mut parent, i)).or_insert(Component {
                nodes: Vec::new(),
                energised: false,
            });
            component.nodes.push(self.nodes[i]);
            component.energised |= self.is_source[i];
        }
        by_root.into_values().collect()
    }
}

/// One island's entities and energy account, as `blackstart island` reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Island {
    /// Its nodes, ascending.
    pub nodes: Vec<NodeId>,
    /// Still supplied by the utility (contains a source node).
    pub energised: bool,
    /// Prosumer ids, in scenario order.
    pub prosumers: Vec<String>,
    /// Consumer ids, in scenario order.
    pub consumers: Vec<String>,
    /// Solar and wind DER ids, in scenario order.
    pub ders: Vec<String>,
    /// Battery bank ids, in scenario order.
    pub batteries: Vec<String>,
    /// Consumers' demand `Σ C_j`, kWh.
    pub demand_kwh: f64,
    /// Prosumers' export before the outage `Σ Pe_i`, kWh.
    pub export_kwh: f64,
    /// What its DERs and battery banks supply, `P_DER + P_BBD − P_BBI`, kWh: counted before any
    /// prosumer is asked for extra export.
    pub community_supply_kwh: f64,
    /// Energy the island lacks, `max(P_bal, 0)` of eq. 1, kWh: `Σ C − Σ Pe −
    /// community_supply_kwh`. `optimise` and `run` start from the same figure (the fair model
    /// adds what prosumers that cannot sustain their export or are net loads lack).
    pub deficit_kwh: f64,
    /// What the island's consumers pay for the interval `Σ T_j` (the budget of eq. 5), INR,
    /// under the scenario's `tariffs.interval_pricing`.
    pub consumer_tariff_inr: f64,
    /// Eq. 1 over the island.
    pub balance: Balance,
}

impl Island {
    /// The account of `component` in `scenario`.
    pub fn of(scenario: &Scenario, component: &Component) -> Self {
        let inside = |node: &NodeId| component.nodes.binary_search(node).is_ok();
        let e = &scenario.entities;
        let prosumers: Vec<_> = e.prosumers.iter().filter(|p| inside(&p.node)).collect();
        let consumers: Vec<_> = e.consumers.iter().filter(|c| inside(&c.node)).collect();
        let ders: Vec<_> = e
            .solar
            .iter()
            .chain(&e.wind)
            .filter(|d| inside(&d.node))
            .collect();
        let batteries: Vec<_> = e.batteries.iter().filter(|b| inside(&b.node)).collect();

        let demand_kwh = total(consumers.iter().map(|c| c.demand_kwh));
        let export_kwh = total(prosumers.iter().map(|p| p.export_prev_kwh));
        let consumer_tariff_inr = round_to_paise(total(
            consumers
                .iter()
                .map(|c| scenario.consumer_interval_tariff_inr(c, c.demand_kwh)),
        ));
        let terms = BalanceTerms {
            consumption_kwh: demand_kwh,
            battery_charge_kwh: total(batteries.iter().map(|b| b.charge_kwh)),
            prosumer_export_kwh: export_kwh,
            der_kwh: total(ders.iter().map(|d| d.generation_kwh)),
            battery_discharge_kwh: total(batteries.iter().map(|b| b.discharge_kwh)),
        };
        let balance = terms.balance();
        Island {
            nodes: component.nodes.clone(),
            energised: component.energised,
            prosumers: prosumers.iter().map(|p| p.id.clone()).collect(),
            consumers: consumers.iter().map(|c| c.id.clone()).collect(),
            ders: ders.iter().map(|d| d.id.clone()).collect(),
            batteries: batteries.iter().map(|b| b.id.clone()).collect(),
            demand_kwh,
            export_kwh,
            community_supply_kwh: terms.community_supply_kwh(),
            deficit_kwh: balance.p_bal_kwh.max(0.0),
            consumer_tariff_inr,
            balance,
        }
    }
}

/// What the DERs and battery banks whose ids satisfy `in_island` supply over an interval,
/// `P_DER + P_BBD − P_BBI`, kWh, with DER generation scaled by `weather_factor` (1 for the
/// scenario as written).
pub fn community_supply_kwh(
    scenario: &Scenario,
    in_island: impl Fn(&str) -> bool,
    weather_factor: f64,
) -> f64 {
    let e = &scenario.entities;
    BalanceTerms {
        der_kwh: weather_factor
            * total(
                e.solar
                    .iter()
                    .chain(&e.wind)
                    .filter(|d| in_island(&d.id))
                    .map(|d| d.generation_kwh),
            ),
        battery_charge_kwh: total(
            e.batteries
                .iter()
                .filter(|b| in_island(&b.id))
                .map(|b| b.charge_kwh),
        ),
        battery_discharge_kwh: total(
            e.batteries
                .iter()
                .filter(|b| in_island(&b.id))
                .map(|b| b.discharge_kwh),
        ),
        ..BalanceTerms::default()
    }
    .community_supply_kwh()
}

/// The islands once every fault of the scenario has opened its line.
pub fn islands_after_faults(scenario: &Scenario) -> Vec<Island> {
    let open: Vec<[NodeId; 2]> = scenario.faults.iter().map(|f| f.line).collect();
    Topology::new(scenario)
        .components(&open)
        .iter()
        .map(|c| Island::of(scenario, c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_str;

    fn ring() -> Scenario {
        parse_str(
            r#"
name: ring
grid:
  nodes:
    - {id: 1, kind: source}
    - {id: 2, kind: entity}
    - {id: 3, kind: entity}
    - {id: 4, kind: entity}
  lines:
    - {from: 1, to: 2}
    - {from: 2, to: 3}
    - {from: 3, to: 4}
    - {from: 4, to: 1}
entities:
  prosumers:
    - {id: P1, node: 3, export_prev_kwh: 10, generation_kwh: 30, battery_kwh: 5, consumption_kwh: 15}
  consumers:
    - {id: C1, node: 4, demand_kwh: 40}
    - {id: C2, node: 2, demand_kwh: 7}
  solar:
    - {id: S1, node: 4, generation_kwh: 12}
  batteries:
    - {id: B1, node: 3, capacity_kwh: 50, stored_kwh: 20, charge_kwh: 1, discharge_kwh: 4}
"#,
            "ring.yaml",
        )
        .unwrap()
    }

    #[test]
    fn one_open_line_leaves_a_ring_connected() {
        let t = Topology::new(&ring());
        let parts = t.components(&[[3, 2]]);
        assert_eq!(
            parts,
            vec![Component {
                nodes: vec![1, 2, 3, 4],
                energised: true
            }]
        );
    }

    #[test]
    fn a_normally_open_tie_joins_nothing_and_no_fault_may_name_it() {
        let mut s = ring();
        s.grid.lines[3].normally_open = true;
        let parts = Topology::new(&s).components(&[[2, 3]]);
        assert_eq!(parts.len(), 2, "without the tie 3–4 is cut off: {parts:?}");
        assert_eq!(parts[1].nodes, vec![3, 4]);
        assert!(!parts[1].energised);
        let text = serde_yaml::to_string(&s).unwrap();
        assert!(text.contains("normally_open: true"), "{text}");
        let with_fault = text.replace("faults: []", "faults: [{line: [4, 1]}]");
        let error = parse_str(&with_fault, "ring.yaml").unwrap_err().to_string();
        assert!(
            error.contains("faults[0].line: no line in service between nodes 4 and 1"),
            "{error}"
        );
    }

    #[test]
    fn two_open_lines_cut_off_an_island_with_its_account() {
        let s = ring();
        let parts = Topology::new(&s).components(&[[2, 3], [1, 4]]);
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].nodes, vec![1, 2]);
        assert!(parts[0].energised);
        let island = Island::of(&s, &parts[1]);
        assert_eq!(island.nodes, vec![3, 4]);
        assert!(!island.energised);
        assert_eq!(island.prosumers, vec!["P1"]);
        assert_eq!(island.consumers, vec!["C1"]);
        assert_eq!(island.ders, vec!["S1"]);
        assert_eq!(island.batteries, vec!["B1"]);
        // P_bal = 40 + 1 − 10 − 12 − 4 = 15.
        assert_eq!(island.balance.p_bal_kwh, 15.0);
        assert_eq!(island.community_supply_kwh, 12.0 + 4.0 - 1.0);
        assert_eq!(island.deficit_kwh, 15.0);
        // 40 kWh at 8.50 INR/kWh: 30 days of 40 kWh per 15 min lie in the top band.
        assert_eq!(island.consumer_tariff_inr, 340.0);
        // The paper's pricing bills the interval as a month: 40 kWh in the first slab at 3.15.
        let mut paper = s.clone();
        paper.tariffs.interval_pricing = crate::tariff::IntervalPricing::IntervalAsMonth;
        assert_eq!(Island::of(&paper, &parts[1]).consumer_tariff_inr, 126.0);
    }

    #[test]
    fn surplus_island_has_no_deficit() {
        let mut s = ring();
        s.entities.consumers[0].demand_kwh = 5.0;
        let parts = Topology::new(&s).components(&[[2, 3], [1, 4]]);
        let island = Island::of(&s, &parts[1]);
        assert_eq!(
            island.balance.condition,
            Condition::GenerationExceedsConsumption
        );
        assert_eq!(island.deficit_kwh, 0.0);
    }
}
