//! Messages exchanged between the models of a run. Times are simulated seconds since midnight;
//! energies are kWh per meter interval, as in the scenario.

use crate::optimise;

pub(super) use crate::entity::EntityIndex;

/// One meter reading: the energies of one interval.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct Reading {
    /// The entity read.
    pub entity: EntityIndex,
    /// The interval the reading covers: `[interval·Δ, (interval+1)·Δ)`.
    pub interval: u64,
    /// When the meter took it, s.
    pub read_at_s: f64,
    /// Whether the coordinator asked for it (gathering) rather than the periodic schedule.
    pub requested: bool,
    /// Energy generated, kWh.
    pub generation_kwh: f64,
    /// Energy consumed (a consumer's demand), kWh.
    pub consumption_kwh: f64,
    /// Energy exported to the grid, kWh.
    pub export_kwh: f64,
    /// Energy put into batteries, kWh.
    pub battery_charge_kwh: f64,
    /// Energy taken from batteries, kWh.
    pub battery_discharge_kwh: f64,
    /// Seconds of the interval its supply was on (a consumer shed or dark is off): its meter's
    /// outage log, sent to the operator and not put on chain.
    pub supplied_s: f64,
    /// What its battery can deliver over the next interval as it stands, kWh (0 without one):
    /// the battery management system's report, sent to the operator and not put on chain.
    pub battery_available_kwh: f64,
    /// A prosumer's export set-point the island could not take (curtailed by the island's
    /// frequency response), kWh: the inverter's report, sent to the operator and not put on
    /// chain.
    pub curtailed_export_kwh: f64,
}

/// What RTDCCUs and meters tell the restoration coordinator.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) enum Report {
    /// A meter reading (periodic, or gathered on request).
    Reading(Reading),
    /// An RTDCCU saw its node lose supply.
    OutageDetected {
        /// The entity whose RTDCCU detected it.
        entity: EntityIndex,
        /// When supply was lost, s.
        lost_at_s: f64,
        /// When the loss was detected, s.
        detected_at_s: f64,
    },
    /// An RTDCCU's relay / power-flow controller carried out a command.
    Switched {
        /// The entity switched.
        entity: EntityIndex,
        /// When the command reached the RTDCCU, s.
        command_received_at_s: f64,
        /// When the relay finished switching, s.
        switched_at_s: f64,
    },
}

/// What a command asks of an entity's relay / power-flow controller.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) enum RelayAction {
    /// A consumer's relay closes: it is supplied.
    Close,
    /// A consumer's relay opens: it is shed.
    Open,
    /// A prosumer exports `setpoint_kwh` per interval, of which `extra_kwh` is the allocation's
    /// extra (what a prosumer that backs off withholds).
    Export {
        /// The export set-point, kWh per interval.
        setpoint_kwh: f64,
        /// The allocated extra within it, kWh per interval.
        extra_kwh: f64,
    },
}

/// A command to an entity's relay / power-flow controller.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct RelayCommand {
    /// The allocation the command carries out (1 for the first).
    pub round: u32,
    /// What to do.
    pub action: RelayAction,
    /// Not before this instant, s: an allocation planned for a coming interval takes effect at
    /// its start; one that must act at once has the time it was sent.
    pub effective_at_s: f64,
}

/// A message on the communication network, with its destination.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) enum Envelope {
    /// To the restoration coordinator.
    Coordinator(Report),
    /// To an entity's RTDCCU.
    Rtdccu(EntityIndex, RelayCommand),
    /// To an entity's meter: read now and report the latest interval.
    Meter(EntityIndex),
}

/// The grid operator learns that lines opened (from its breakers), and which part is cut off.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct IslandFormed {
    /// The island's number as `blackstart island` gives it: 1-based position, among the grid's
    /// components after all the run's faults, of the component holding the island's first node.
    pub number: usize,
    /// Nodes of the island that lost its supply.
    pub nodes: Vec<crate::scenario::NodeId>,
    /// Entities on those nodes.
    pub entities: Vec<EntityIndex>,
    /// When the island lost supply, s.
    pub at_s: f64,
}

/// The grid operator learns that repaired lines brought supply back to entities that were cut
/// off.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct SupplyReturned {
    /// The entities whose supply is back.
    pub entities: Vec<EntityIndex>,
    /// When the line was repaired, s.
    pub at_s: f64,
}

/// A request to the optimiser model.
#[derive(Debug, Clone)]
pub(super) struct OptimiseRequest {
    /// Which island (index in the coordinator's list).
    pub island: usize,
    /// The allocation problem of the island.
    pub problem: optimise::Problem,
    /// Model, bounds and excluded (backed-off) prosumers.
    pub settings: optimise::Settings,
}

/// The optimiser's answer.
#[derive(Debug, Clone)]
pub(super) struct OptimiseResponse {
    /// Which island.
    pub island: usize,
    /// The allocation, or why there is none.
    pub result: Result<optimise::Allocation, optimise::OptimiseError>,
    /// Wall-clock time the solve actually took, µs (measured, not simulated).
    pub wall_clock_us: u64,
}
