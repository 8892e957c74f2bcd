//! FaultInjector: opens the run's faulted lines at their times and tells every RTDCCU whose node
//! is cut off from the utility supply; tells the operator which island formed.

use super::log::{EventKind, LogEvent};
use super::messages::{EntityIndex, IslandFormed};
use crate::engine::clock;
use crate::grid::Topology;
use crate::scenario::NodeId;
use nexosim::model::{Context, Model, schedulable};
use nexosim::ports::Output;
use serde::{Deserialize, Serialize};

/// Opens lines at the run's fault times.
#[derive(Serialize, Deserialize)]
pub(super) struct FaultInjector {
    /// Loss of supply, one port per entity's RTDCCU (the time supply was lost, s).
    pub supply_lost: Vec<Output<f64>>,
    /// Islands that lose their supply, to the restoration coordinator.
    pub island_formed: Output<IslandFormed>,
    /// Line openings and islands, for the event log.
    pub log: Output<LogEvent>,
    topology: Topology,
    /// Faulted lines with their times, s.
    faults: Vec<([NodeId; 2], f64)>,
    /// Each entity's node.
    entity_nodes: Vec<NodeId>,
    open: Vec<[NodeId; 2]>,
    /// The nodes of each component once every fault has opened its line, in `blackstart
    /// island`'s order: an island's number is the position of the one holding its first node.
    numbering: Vec<Vec<NodeId>>,
    /// Entities already cut off.
    cut_off: Vec<bool>,
}

#[Model]
impl FaultInjector {
    /// Injects `faults` (line, time in s) into `topology`, whose entities sit on `entity_nodes`.
    pub(super) fn new(
        topology: Topology,
        faults: Vec<([NodeId; 2], f64)>,
        entity_nodes: Vec<NodeId>,
    ) -> Self {
        let all: Vec<[NodeId; 2]> = faults.iter().map(|f| f.0).collect();
        let numbering = topology
            .components(&all)
            .into_iter()
            .map(|c| c.nodes)
            .collect();
        FaultInjector {
            supply_lost: entity_nodes.iter().map(|_| Output::default()).collect(),
            island_formed: Output::default(),
            log: Output::default(),
            topology,
            faults,
            cut_off: vec![false; entity_nodes.len()],
            entity_nodes,
            open: Vec::new(),
            numbering,
        }
    }

    #[nexosim(init)]
    async fn init(&mut self, cx: &Context<Self>) {
        for (line, at_s) in self.faults.clone() {
            match clock::delay(at_s) {
                None => self.open_line(line, cx).await,
                Some(_) => cx
                    .schedule_event(clock::at(at_s), schedulable!(Self::open_line), line)
                    .expect("fault times are in the future"),
            }
        }
    }

    /// Opens `line` [private input port].
    #[nexosim(schedulable)]
    async fn open_line(&mut self, line: [NodeId; 2], cx: &Context<Self>) {
        let now_s = clock::seconds(cx.time());
        self.open.push(line);
        self.log
            .send(LogEvent::new(
                now_s,
                "faults",
                EventKind::LineOpened,
                format!("line {}–{} opened", line[0], line[1]),
            ))
            .await;
        for component in self.topology.components(&self.open) {
            if component.energised {
                continue;
            }
            let inside = |node: &NodeId| component.nodes.binary_search(node).is_ok();
            let entities: Vec<EntityIndex> = (0..self.entity_nodes.len())
                .filter(|&i| inside(&self.entity_nodes[i]))
                .map(|i| i as EntityIndex)
                .collect();
            let newly: Vec<EntityIndex> = entities
                .iter()
                .copied()
                .filter(|&i| !self.cut_off[i as usize])
                .collect();
            if newly.is_empty() {
                continue;
            }
            for &i in &newly {
                self.cut_off[i as usize] = true;
                self.supply_lost[i as usize].send(now_s).await;
            }
            // Numbered as `blackstart island` numbers the grid after all the run's faults.
            let number = self
                .numbering
                .iter()
                .position(|nodes| nodes.binary_search(&component.nodes[0]).is_ok())
                .expect("the components after all faults hold every node")
                + 1;
            self.log
                .send(
                    LogEvent::new(
                        now_s,
                        "faults",
                        EventKind::IslandFormed,
                        format!(
                            "island {number}: nodes {:?} cut off with {} entities",
                            component.nodes,
                            entities.len()
                        ),
                    )
                    .island(number, None),
                )
                .await;
            self.island_formed
                .send(IslandFormed {
                    number,
                    nodes: component.nodes,
                    entities,
                    at_s: now_s,
                })
                .await;
        }
    }
}
