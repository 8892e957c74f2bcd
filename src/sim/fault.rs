//! FaultInjector: opens the run's faulted lines at their times and tells every RTDCCU whose node
//! is cut off from the utility supply; tells the plant and the operator which island formed.
//! Closes each line again when it is repaired and tells the operator whose supply came back;
//! once the resynchronisation delay has passed, those entities reconnect (they leave their
//! island in the plant) and the operator learns it.

use super::log::{EventKind, LogEvent};
use super::messages::{EntityIndex, IslandFormed, SupplyReturned};
use super::plan::PlannedFault;
use super::run_plant::PlantEnv;
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
    /// Entities whose supply is back once repairs close their island's lines, to the
    /// coordinator.
    pub supply_returned: Output<SupplyReturned>,
    /// Entities back on the grid once the resynchronisation delay has passed, to the
    /// coordinator.
    pub reconnected: Output<SupplyReturned>,
    /// Line openings, repairs and islands, for the event log.
    pub log: Output<LogEvent>,
    topology: Topology,
    /// Faulted lines with their times and repairs.
    faults: Vec<PlannedFault>,
    /// Each entity's node.
    entity_nodes: Vec<NodeId>,
    open: Vec<[NodeId; 2]>,
    /// The nodes of each component once every fault has opened its line, in `blackstart
    /// island`'s order: an island's number is the position of the one holding its first node.
    numbering: Vec<Vec<NodeId>>,
    /// Entities already cut off.
    cut_off: Vec<bool>,
    /// How long entities wait, once their supply is back, before they reconnect, s.
    resync_delay_s: f64,
}

#[Model(type Env = PlantEnv)]
impl FaultInjector {
    /// Injects `faults` into `topology`, whose entities sit on `entity_nodes` and reconnect
    /// `resync_delay_s` after their supply returns.
    pub(super) fn new(
        topology: Topology,
        faults: Vec<PlannedFault>,
        entity_nodes: Vec<NodeId>,
        resync_delay_s: f64,
    ) -> Self {
        let all: Vec<[NodeId; 2]> = faults.iter().map(|f| f.line).collect();
        let numbering = topology
            .components(&all)
            .into_iter()
            .map(|c| c.nodes)
            .collect();
        FaultInjector {
            supply_lost: entity_nodes.iter().map(|_| Output::default()).collect(),
            island_formed: Output::default(),
            supply_returned: Output::default(),
            reconnected: Output::default(),
            log: Output::default(),
            topology,
            faults,
            cut_off: vec![false; entity_nodes.len()],
            entity_nodes,
            open: Vec::new(),
            numbering,
            resync_delay_s,
        }
    }

    #[nexosim(init)]
    async fn init(&mut self, cx: &Context<Self>, env: &mut PlantEnv) {
        for fault in self.faults.clone() {
            match clock::delay(fault.at_s) {
                None => self.open_line(fault.line, cx, env).await,
                Some(_) => cx
                    .schedule_event(
                        clock::at(fault.at_s),
                        schedulable!(Self::open_line),
                        fault.line,
                    )
                    .expect("fault times are in the future"),
            }
            // A repair in the same instant as its fault follows it (events of one instant run
            // in the order they were scheduled).
            // A repair outside the window (infinite) is never scheduled.
            if !fault.repaired_at_s.is_finite() {
                continue;
            }
            let repaired_at = clock::at(fault.repaired_at_s.max(fault.at_s));
            if repaired_at > cx.time() {
                cx.schedule_event(repaired_at, schedulable!(Self::close_line), fault.line)
                    .expect("repairs are in the future");
            } else {
                self.close_line(fault.line, cx, env).await;
            }
        }
    }

    /// Closes the repaired `line` [private input port]: entities that a path to the utility
    /// supply reaches again have their supply back.
    #[nexosim(schedulable)]
    async fn close_line(&mut self, line: [NodeId; 2], cx: &Context<Self>, env: &mut PlantEnv) {
        let now_s = clock::seconds(cx.time());
        if let Some(k) = self.open.iter().position(|&l| l == line) {
            self.open.remove(k);
        }
        self.log
            .send(LogEvent::new(
                now_s,
                "faults",
                EventKind::LineRepaired,
                format!("line {}–{} repaired", line[0], line[1]),
            ))
            .await;
        let mut energised: Vec<NodeId> = self
            .topology
            .components(&self.open)
            .into_iter()
            .filter(|c| c.energised)
            .flat_map(|c| c.nodes)
            .collect();
        energised.sort_unstable();
        let back: Vec<EntityIndex> = (0..self.entity_nodes.len())
            .filter(|&i| self.cut_off[i] && energised.binary_search(&self.entity_nodes[i]).is_ok())
            .map(|i| i as EntityIndex)
            .collect();
        if back.is_empty() {
            return;
        }
        for &i in &back {
            self.cut_off[i as usize] = false;
        }
        let returned = SupplyReturned {
            entities: back,
            at_s: now_s,
        };
        self.supply_returned.send(returned.clone()).await;
        match clock::delay(self.resync_delay_s) {
            None => self.reconnect(returned, cx, env).await,
            Some(after) => cx
                .schedule_event(after, schedulable!(Self::reconnect), returned)
                .expect("a positive delay is in the future"),
        }
    }

    /// The resynchronisation delay after a return of supply has passed: the entities
    /// reconnect [private input port].
    #[nexosim(schedulable)]
    async fn reconnect(
        &mut self,
        returned: SupplyReturned,
        cx: &Context<Self>,
        env: &mut PlantEnv,
    ) {
        let now_s = clock::seconds(cx.time());
        env.plant.reconnect(&returned.entities, now_s);
        self.reconnected
            .send(SupplyReturned {
                entities: returned.entities,
                at_s: now_s,
            })
            .await;
    }

    /// Opens `line` [private input port].
    #[nexosim(schedulable)]
    async fn open_line(&mut self, line: [NodeId; 2], cx: &Context<Self>, env: &mut PlantEnv) {
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
            env.plant.form(number, &entities, &component.nodes, now_s);
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
