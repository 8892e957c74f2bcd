//! Scenario files: the YAML schema of everything a run depends on, its defaults, and loading with
//! validation that names the offending field.
//!
//! One schema serves every command: `island` and `optimise` read the grid, entities, tariffs and
//! faults; `run` adds network, timing and chain; `sweep` adds the Monte-Carlo section. A scenario
//! may `extends: other.yaml` to change a few fields of a base scenario: its top-level sections
//! merge field by field, and each field it gives replaces the base's value whole.

mod distribution;
mod error;
mod load;
mod profiles;
mod validate;

pub use distribution::{Distribution, Law, MAX_DURATION_S, TAIL_PROBABILITY};
pub use error::ScenarioError;
pub use load::{load, parse_str};
pub use profiles::{
    LoadKind, LoadSpec, Location, ProfileSpec, SeriesSpec, SeriesUnit, SolarSpec, WindSpec,
};
pub(crate) use validate::{check_chain, start_date};

use crate::tariff::{IntervalPricing, SlabSchedule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Identifier of a grid node, as numbered in the scenario (the paper numbers nodes 1–13).
pub type NodeId = u32;

/// A whole scenario: topology, entities, tariffs, faults and the models of time, network,
/// chain, optimiser and Monte-Carlo variation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name, used in reports and output metadata.
    pub name: String,
    /// Free text: where the data comes from, what the scenario is for.
    #[serde(default)]
    pub description: String,
    /// Master seed: every random draw of a run derives from (seed, run index).
    #[serde(default)]
    pub seed: u64,
    /// Simulated horizon, meter interval and outage time.
    #[serde(default)]
    pub time: TimeConfig,
    /// Where the grid is (latitude, longitude, UTC offset): needed by solar profiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Named profiles of generation and load over time (docs/model.md §9), referenced by
    /// entities; none means every entity's energy is the same in every interval.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub profiles: BTreeMap<String, ProfileSpec>,
    /// Nodes and lines of the distribution network.
    pub grid: GridConfig,
    /// Prosumers, consumers, DERs and battery banks, each on a node.
    pub entities: Entities,
    /// Prosumer base tariff and the consumer slab schedule.
    #[serde(default)]
    pub tariffs: Tariffs,
    /// Lines that open, and when.
    #[serde(default)]
    pub faults: Vec<Fault>,
    /// Latency and loss of the meters' communication network.
    #[serde(default)]
    pub network: Network,
    /// Detection, switching and optimiser durations.
    #[serde(default)]
    pub timing: Timing,
    /// Block production and transaction processing of the chain node.
    #[serde(default)]
    pub chain: ChainConfig,
    /// Restoration optimiser: model, bounds and back-off.
    #[serde(default)]
    pub optimiser: OptimiserConfig,
    /// What varies across the runs of a sweep, and how.
    #[serde(default)]
    pub monte_carlo: MonteCarlo,
    /// How the IEEE 1366 indices are reported.
    #[serde(default)]
    pub reliability: ReliabilityConfig,
}

/// Simulated time. Simulated time 0 is midnight at the start of the horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TimeConfig {
    /// The simulated window, s: faults strike before it ends (a drawn fault at or after it
    /// makes a censored run), and a consumer never restored is counted as interrupted until it
    /// ends. A restoration under way at the horizon is simulated to its end.
    pub horizon_s: f64,
    /// How often a smart meter reads and reports its entity, s (15 min by default). Entity
    /// energies in the scenario are per interval, as the paper's Table 5 is per interval `t`.
    /// It must leave a round time to switch its relays (`validate` checks it).
    pub meter_interval_s: f64,
    /// Time at which faults without their own `at_s` occur, s since midnight.
    pub outage_at_s: f64,
    /// The calendar day (ISO 8601, `2024-05-01`) whose local midnight is simulated time 0:
    /// profiles need it for the sun's position, the day of the week and the season.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// The instant whose meter interval the entities' energies describe, s: a profile scales
    /// each interval's energy so that the interval containing it has the scenario's value.
    /// Default: `outage_at_s`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_at_s: Option<f64>,
}

impl TimeConfig {
    /// The instant whose interval the entities' energies describe, s: `reference_at_s`, or
    /// `outage_at_s`.
    pub fn reference_s(&self) -> f64 {
        self.reference_at_s.unwrap_or(self.outage_at_s)
    }
}

impl Default for TimeConfig {
    fn default() -> Self {
        TimeConfig {
            horizon_s: 86_400.0,
            meter_interval_s: 900.0,
            outage_at_s: 43_200.0,
            start_date: None,
            reference_at_s: None,
        }
    }
}

/// The distribution network as a graph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridConfig {
    /// Every node, with its kind.
    pub nodes: Vec<Node>,
    /// Lines between nodes (undirected).
    #[serde(default)]
    pub lines: Vec<Line>,
    /// Impedances per km by name, referenced by `lines[].code`: what an imported feeder
    /// carries for the island power flow (docs/model.md §12). Not used by the energy model.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub line_codes: BTreeMap<String, LineCode>,
    /// Whether islands are settled on a power flow of their lines (docs/model.md §13).
    #[serde(default, skip_serializing_if = "PowerFlowConfig::is_default")]
    pub power_flow: PowerFlowConfig,
}

/// The island power flow's settings (docs/model.md §13).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PowerFlowConfig {
    /// Which model settles an island.
    pub model: NetworkModelKind,
    /// Every phase voltage is kept within 1 ± this, pu (default 0.1: ±10 %).
    pub voltage_band_pu: f64,
}

impl Default for PowerFlowConfig {
    fn default() -> Self {
        PowerFlowConfig {
            model: NetworkModelKind::Auto,
            voltage_band_pu: 0.1,
        }
    }
}

impl PowerFlowConfig {
    fn is_default(&self) -> bool {
        *self == PowerFlowConfig::default()
    }
}

/// Which model settles an island's energy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkModelKind {
    /// The power flow when the grid has line codes (an imported feeder), else energy only.
    Auto,
    /// Energy balance only: no losses, voltages or ratings.
    Energy,
    /// The three-phase power flow, losses, voltage band and ratings; every island's nodes
    /// need `base_kv` and its lines impedances.
    PowerFlow,
}

impl GridConfig {
    /// Whether islands are settled on the power flow (`power_flow.model`, `auto` resolved).
    pub fn uses_power_flow(&self) -> bool {
        match self.power_flow.model {
            NetworkModelKind::Auto => !self.line_codes.is_empty(),
            NetworkModelKind::Energy => false,
            NetworkModelKind::PowerFlow => true,
        }
    }
}

/// A line's series impedance per km: sequence values, or a phase matrix, or both as the
/// feeder gave them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineCode {
    /// Number of phases the code describes.
    pub phases: u32,
    /// Positive-sequence resistance, Ω/km.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r1_ohm_per_km: Option<f64>,
    /// Positive-sequence reactance, Ω/km.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x1_ohm_per_km: Option<f64>,
    /// Zero-sequence resistance, Ω/km.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r0_ohm_per_km: Option<f64>,
    /// Zero-sequence reactance, Ω/km.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x0_ohm_per_km: Option<f64>,
    /// Phase resistance matrix, Ω/km, full rows (`phases` × `phases`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub r_matrix_ohm_per_km: Vec<Vec<f64>>,
    /// Phase reactance matrix, Ω/km, full rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub x_matrix_ohm_per_km: Vec<Vec<f64>>,
    /// Normal (continuous) current rating, A.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating_a: Option<f64>,
}

/// A grid node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Node number, unique in the grid.
    pub id: NodeId,
    /// What the node is.
    pub kind: NodeKind,
    /// Optional human label ("KSEB substation", "Hostel A").
    #[serde(default)]
    pub name: String,
    /// Nominal line-to-line voltage, kV: an imported feeder's voltage base at this bus, for the
    /// island power flow's per-unit voltages. None: not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_kv: Option<f64>,
}

/// What a node is: the utility supply, a junction, or a place where entities connect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// The utility's supply (substation); an island that reaches one is energised.
    Source,
    /// A junction without entities.
    Bus,
    /// A node where entities (prosumers, consumers, DERs, batteries) connect.
    Entity,
}

/// An undirected line between two nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    /// One end.
    pub from: NodeId,
    /// The other end.
    pub to: NodeId,
    /// Its length, km: needed only by a fault set whose rate is given per km
    /// (`monte_carlo.fault_sets[].rate_per_km_year`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length_km: Option<f64>,
    /// Its name in the feeder it was imported from (`Line.650632`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// A line, a switch or a transformer: all are edges of the graph; a fault opens any.
    #[serde(default, skip_serializing_if = "LineKind::is_line")]
    pub kind: LineKind,
    /// A normally open switch (a tie): not part of the graph, so it never joins two parts.
    /// Restoration does not close it (docs/model.md §12).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub normally_open: bool,
    /// The phases its conductors carry (`[1, 2, 3]`, `[2]`); none: not given (three).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phases: Vec<u32>,
    /// Its impedance: a name in `grid.line_codes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Its normal current rating, A, when it has its own (else its code's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating_a: Option<f64>,
    /// A transformer's rating and impedance (`kind: transformer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transformer: Option<TransformerRating>,
}

impl Line {
    /// A plain line between two nodes, with nothing else known about it.
    pub fn between(from: NodeId, to: NodeId) -> Self {
        Line {
            from,
            to,
            length_km: None,
            name: String::new(),
            kind: LineKind::Line,
            normally_open: false,
            phases: Vec::new(),
            code: None,
            rating_a: None,
            transformer: None,
        }
    }
}

/// What an edge of the grid is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// An overhead line or cable.
    #[default]
    Line,
    /// A switch (a line of negligible impedance that operators open and close).
    Switch,
    /// A transformer (or a bank of single-phase ones between the same two buses).
    Transformer,
}

impl LineKind {
    fn is_line(&self) -> bool {
        *self == LineKind::Line
    }
}

/// A transformer's rating and impedance on its own base.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransformerRating {
    /// Rated power, kVA (a bank: the sum of its units).
    pub kva: f64,
    /// Rated line-to-line voltage of the `from` side, kV.
    pub from_kv: f64,
    /// Rated line-to-line voltage of the `to` side, kV.
    pub to_kv: f64,
    /// Winding resistance, % (both windings together).
    pub r_pct: f64,
    /// Leakage reactance, %.
    pub x_pct: f64,
    /// How the `from` winding is connected (default wye).
    #[serde(default, skip_serializing_if = "WindingConnection::is_wye")]
    pub from_connection: WindingConnection,
    /// How the `to` winding is connected (default wye).
    #[serde(default, skip_serializing_if = "WindingConnection::is_wye")]
    pub to_connection: WindingConnection,
}

/// How a transformer winding is connected: phase to neutral (wye, its neutral grounded) or
/// phase to phase (delta).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindingConnection {
    /// Phase to neutral, the neutral grounded.
    #[default]
    Wye,
    /// Phase to phase.
    Delta,
}

impl WindingConnection {
    fn is_wye(&self) -> bool {
        *self == WindingConnection::Wye
    }
}

/// The grid's entities, grouped by kind. Ids are unique across all kinds.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Entities {
    /// Rooftop PV + battery owners that export to the grid.
    pub prosumers: Vec<Prosumer>,
    /// Loads.
    pub consumers: Vec<Consumer>,
    /// Solar DER plants (produce 08:00–18:00, peak 12:00–14:00).
    pub solar: Vec<Der>,
    /// Wind DER plants (all day, weather-driven).
    pub wind: Vec<Der>,
    /// Battery banks.
    pub batteries: Vec<BatteryBank>,
}

/// A prosumer (docs/model.md §1, Table 5). Energies are kWh per meter interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prosumer {
    /// Unique id ("P1").
    pub id: String,
    /// Node it connects to.
    pub node: NodeId,
    /// Energy exported in the interval before the outage, `Pe` (t−1), kWh.
    pub export_prev_kwh: f64,
    /// Generation per interval, `PG`, kWh.
    pub generation_kwh: f64,
    /// Energy stored in its battery, `PB`, kWh.
    pub battery_kwh: f64,
    /// Expected own consumption per interval, `Pc`, kWh.
    pub consumption_kwh: f64,
    /// Largest share of its own consumption it is willing to shed, in [0, 1].
    #[serde(default = "one")]
    pub alpha_max: f64,
    /// Its battery with state (docs/model.md §9): capacity, power limits, efficiency, reserve.
    /// Absent: `battery_kwh` per interval, as today. `capacity_kwh` is required here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub battery: Option<BatteryConfig>,
    /// Name of the profile (in `profiles`) of its generation; none: `generation_kwh` in every
    /// interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_profile: Option<String>,
    /// Name of the profile of its consumption; none: `consumption_kwh` in every interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumption_profile: Option<String>,
    /// Power factor of its own consumption, for the island power flow; negative when leading.
    /// None: not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_factor: Option<f64>,
    /// How its load (and its inverter) connects, for the island power flow. None: not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<LoadConnection>,
}

/// A consumer: load only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consumer {
    /// Unique id ("C1").
    pub id: String,
    /// Node it connects to.
    pub node: NodeId,
    /// Demand per interval, `C`, kWh.
    pub demand_kwh: f64,
    /// Restoration priority: higher is served first when the island is short (critical loads).
    #[serde(default)]
    pub priority: u32,
    /// Its monthly consumption, kWh: sets the slab rate its interval energy is priced at
    /// under `tariffs.interval_pricing: monthly_marginal`. Default: 30 days of `demand_kwh`
    /// per meter interval ([`Scenario::monthly_kwh`]).
    #[serde(default)]
    pub monthly_kwh: Option<f64>,
    /// Name of the profile (in `profiles`) of its demand; none: `demand_kwh` in every interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Customers behind this load (an imported feeder's `NumCust`): IEEE 1366 counts each.
    #[serde(default = "one_customer", skip_serializing_if = "is_one_customer")]
    pub customers: u32,
    /// Power factor of its demand, for the island power flow; negative when leading (as
    /// OpenDSS writes it). None: not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub power_factor: Option<f64>,
    /// How its load connects, for the island power flow. None: not given (balanced, wye).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<LoadConnection>,
}

/// Where a load connects in a three-phase network: its phases and whether it is wired phase
/// to neutral (wye) or phase to phase (delta), as an imported feeder gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadConnection {
    /// The phases (1–3) it connects to: `[2]` a single-phase load on phase 2 (wye), `[1, 2]`
    /// one between phases 1 and 2 (delta), `[1, 2, 3]` a three-phase load.
    pub phases: Vec<u32>,
    /// Phase to phase rather than phase to neutral.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub delta: bool,
}

fn one_customer() -> u32 {
    1
}

fn is_one_customer(customers: &u32) -> bool {
    *customers == 1
}

/// A distributed energy resource (solar or wind plant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Der {
    /// Unique id ("DER1").
    pub id: String,
    /// Node it connects to.
    pub node: NodeId,
    /// Generation per interval, `P_DER`, kWh: at the daylight peak for solar, with a weather
    /// factor of 1 for wind.
    pub generation_kwh: f64,
    /// Name of the profile (in `profiles`) of its generation; none: `generation_kwh` in every
    /// interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
}

/// A battery bank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatteryBank {
    /// Unique id ("BB1").
    pub id: String,
    /// Node it connects to.
    pub node: NodeId,
    /// Usable capacity, kWh.
    pub capacity_kwh: f64,
    /// Energy stored at the start, kWh (at most the capacity).
    pub stored_kwh: f64,
    /// Energy taken in per interval, `P_BBI`, kWh.
    #[serde(default)]
    pub charge_kwh: f64,
    /// Energy given out per interval, `P_BBD`, kWh.
    #[serde(default)]
    pub discharge_kwh: f64,
    /// Its physics with state (docs/model.md §9): power limits, efficiency, reserve; its
    /// capacity and initial state are the bank's own `capacity_kwh` and `stored_kwh`. Absent:
    /// `charge_kwh` and `discharge_kwh` per interval, as today.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub battery: Option<BatteryConfig>,
}

/// A battery with state of charge (docs/model.md §9), on a prosumer or a battery bank.
/// Power limits are at the battery's terminals (what the island sees); the round-trip
/// efficiency is split evenly between charging and discharging (√η each way).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatteryConfig {
    /// Usable capacity, kWh: required on a prosumer; on a bank it is the bank's own
    /// `capacity_kwh` and must not be given here.
    #[serde(default)]
    pub capacity_kwh: Option<f64>,
    /// Largest charging power, kW; default [`BatteryConfig::DEFAULT_C_RATE`] × capacity.
    #[serde(default)]
    pub charge_kw: Option<f64>,
    /// Largest discharging power, kW; default [`BatteryConfig::DEFAULT_C_RATE`] × capacity.
    #[serde(default)]
    pub discharge_kw: Option<f64>,
    /// Round-trip efficiency η in (0, 1]: of 1 kWh charged, η kWh come back out.
    #[serde(default = "BatteryConfig::default_efficiency")]
    pub round_trip_efficiency: f64,
    /// Share of the capacity always kept (never discharged below), in [0, 1).
    #[serde(default = "BatteryConfig::default_reserve")]
    pub reserve: f64,
    /// State of charge at the start, as a share of the capacity, in [reserve, 1]; default 1 (a
    /// backup battery kept full while the grid is up). On a bank it is the bank's own
    /// `stored_kwh` and must not be given here.
    #[serde(default)]
    pub initial_soc: Option<f64>,
}

impl BatteryConfig {
    /// Default power limits as a multiple of the capacity per hour (0.5 C: a full charge or
    /// discharge in two hours, between a home battery's ≈ 0.4 C and a 1-h grid battery).
    pub const DEFAULT_C_RATE: f64 = 0.5;
    /// Default round-trip efficiency (lithium-ion with its inverter, AC to AC).
    pub const DEFAULT_EFFICIENCY: f64 = 0.9;
    /// Default reserve: a fifth of the capacity kept for the battery's life and the
    /// owner's own backup.
    pub const DEFAULT_RESERVE: f64 = 0.2;
    /// Default initial state of charge of a prosumer's battery.
    pub const DEFAULT_INITIAL_SOC: f64 = 1.0;

    fn default_efficiency() -> f64 {
        Self::DEFAULT_EFFICIENCY
    }

    fn default_reserve() -> f64 {
        Self::DEFAULT_RESERVE
    }

    /// Largest charging power for a battery of `capacity_kwh`, kW.
    pub fn charge_kw(&self, capacity_kwh: f64) -> f64 {
        self.charge_kw
            .unwrap_or(Self::DEFAULT_C_RATE * capacity_kwh)
    }

    /// Largest discharging power for a battery of `capacity_kwh`, kW.
    pub fn discharge_kw(&self, capacity_kwh: f64) -> f64 {
        self.discharge_kw
            .unwrap_or(Self::DEFAULT_C_RATE * capacity_kwh)
    }

    /// Initial state of charge as a share of the capacity (on a prosumer).
    pub fn initial_soc(&self) -> f64 {
        self.initial_soc.unwrap_or(Self::DEFAULT_INITIAL_SOC)
    }
}

/// Tariffs of docs/model.md §3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Tariffs {
    /// Prosumer base tariff `BT_p`, INR/kWh (eq. 2).
    pub prosumer_base_inr_per_kwh: f64,
    /// Consumer slab schedule (eq. 3), a monthly schedule; KSEB 2022-23 when absent.
    pub consumer: SlabSchedule,
    /// How a consumer's interval energy is priced from the monthly schedule:
    /// `monthly_marginal` (default) or `interval_as_month` (the paper's Table 5).
    pub interval_pricing: IntervalPricing,
}

impl Default for Tariffs {
    fn default() -> Self {
        Tariffs {
            prosumer_base_inr_per_kwh: 3.0,
            consumer: SlabSchedule::kseb_2022_23(),
            interval_pricing: IntervalPricing::default(),
        }
    }
}

/// A fault that opens the line between two nodes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The two end nodes of the faulted line.
    pub line: [NodeId; 2],
    /// When the line opens, s; `time.outage_at_s` when absent.
    #[serde(default)]
    pub at_s: Option<f64>,
    /// How long the line takes to repair, s; [`Fault::default_repair_time_s`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair_time_s: Option<Distribution>,
}

impl Fault {
    /// The median repair time of the default law, s: 4 hours.
    pub const DEFAULT_REPAIR_MEDIAN_S: f64 = 4.0 * 3600.0;
    /// The log-standard deviation of the default law: 1, so that 90 % of repairs take
    /// between 0.77 h and 21 h (4 h · e^∓1.645), the span of outage durations the paper's
    /// Table 1 reports (26 min to 18 h).
    pub const DEFAULT_REPAIR_SIGMA: f64 = 1.0;

    /// The default repair time: lognormal with a median of 4 h and a log-standard deviation
    /// of 1 (docs/model.md §9).
    pub fn default_repair_time_s() -> Distribution {
        Distribution {
            law: Law::Lognormal {
                mu: Self::DEFAULT_REPAIR_MEDIAN_S.ln(),
                sigma: Self::DEFAULT_REPAIR_SIGMA,
            },
        }
    }

    /// This fault's repair-time law, s: its `repair_time_s` or the default.
    pub fn repair_time_s(&self) -> Distribution {
        self.repair_time_s
            .clone()
            .unwrap_or_else(Self::default_repair_time_s)
    }
}

/// The meters' communication network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Network {
    /// One-way delay of a message, s.
    pub latency_s: Distribution,
    /// Probability that a message is lost, in [0, 1).
    pub loss_probability: f64,
    /// How long a sender waits for an acknowledgement before it resends, s.
    pub retry_timeout_s: f64,
    /// Resends before a message is given up.
    pub max_retries: u32,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            latency_s: Distribution::fixed(0.05),
            loss_probability: 0.0,
            retry_timeout_s: 1.0,
            max_retries: 5,
        }
    }
}

/// Durations of the restoration phases (docs/model.md §7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Timing {
    /// From loss of supply to its detection by the RTDCCU, s (the paper: under 5 s).
    pub detection_delay_s: Distribution,
    /// Actuation of a relay / power-flow controller, s (the paper: about 60 s for P2P switching).
    pub switching_delay_s: Distribution,
    /// Simulated duration of one optimisation, s, or `measured` for the solve's wall-clock time.
    pub optimiser_time_s: OptimiserTime,
    /// Period of the optimiser before the outage, s (the paper: every 5 min).
    pub pre_outage_optimiser_period_s: f64,
    /// From a repaired grid's return to the island reconnected (resynchronised), s;
    /// [`Timing::DEFAULT_RESYNC_DELAY_S`] when absent ([`Timing::resync_delay_s`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resync_delay_s: Option<Distribution>,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            detection_delay_s: Distribution::fixed(5.0),
            switching_delay_s: Distribution::fixed(60.0),
            optimiser_time_s: OptimiserTime::Modelled(Distribution::fixed(1.0)),
            pre_outage_optimiser_period_s: 300.0,
            resync_delay_s: None,
        }
    }
}

impl Timing {
    /// Default reconnection delay, s: IEEE 1547-2018's default wait before a resource
    /// re-enters service once the grid's voltage and frequency are back in range (300 s).
    pub const DEFAULT_RESYNC_DELAY_S: f64 = 300.0;

    /// The reconnection (resynchronisation) delay's law, s: `resync_delay_s` or the default.
    pub fn resync_delay_s(&self) -> Distribution {
        self.resync_delay_s
            .clone()
            .unwrap_or_else(|| Distribution::fixed(Self::DEFAULT_RESYNC_DELAY_S))
    }
}

/// How long an optimisation takes in simulated time.
#[derive(Debug, Clone, PartialEq)]
pub enum OptimiserTime {
    /// Drawn from a distribution, s.
    Modelled(Distribution),
    /// The measured wall-clock time of the actual solve (reported as such; not reproducible).
    Measured,
}

impl Serialize for OptimiserTime {
    /// As written in YAML: the distribution, or the word `measured`.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OptimiserTime::Modelled(distribution) => distribution.serialize(serializer),
            OptimiserTime::Measured => serializer.serialize_str("measured"),
        }
    }
}

/// The shortest mean time between blocks of interval mining, s: a shorter one cannot advance
/// simulated time in a run of any length (a run's fixed interval is never drawn shorter).
pub const MIN_BLOCK_INTERVAL_S: f64 = 1e-3;

/// Block production and transaction processing of the simulated chain node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChainConfig {
    /// When blocks are made.
    pub mining: Mining,
    /// Time between blocks, s; required when `mining` is `interval`.
    pub block_interval_s: Option<Distribution>,
    /// Gas a block may hold.
    pub gas_limit_per_block: u64,
    /// Blocks (the including one counts) before a transaction is taken as final.
    pub confirmations: u32,
    /// CPU time the node spends on each transaction, s, per contract function: the node is a
    /// queue that saturates when transactions arrive faster than it serves them.
    pub service_time_s: ServiceTimes,
}

impl Default for ChainConfig {
    fn default() -> Self {
        ChainConfig {
            mining: Mining::Instant,
            block_interval_s: None,
            gas_limit_per_block: 30_000_000,
            confirmations: 1,
            service_time_s: ServiceTimes::default(),
        }
    }
}

/// Block production mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mining {
    /// A block per transaction as soon as the node has processed it (Ganache's default).
    Instant,
    /// A block every `block_interval_s`, holding what the mempool has, up to the gas limit.
    Interval,
}

/// Per-transaction processing time of the chain node for each of the five contract functions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceTimes {
    /// FindEntities (registration and lookup), s.
    pub find_entities: Distribution,
    /// PowerData (a meter reading), s.
    pub power_data: Distribution,
    /// PowerBalance (eq. 1), s.
    pub power_balance: Distribution,
    /// TariffComputation (eqs. 2–3), s.
    pub tariff_computation: Distribution,
    /// OptimisationHandler (recording and settling an allocation), s.
    pub optimisation_handler: Distribution,
}

impl ServiceTimes {
    /// Each function's service time with its key in `chain.service_time_s`.
    pub fn by_key(&self) -> [(&'static str, &Distribution); 5] {
        [
            ("find_entities", &self.find_entities),
            ("power_data", &self.power_data),
            ("power_balance", &self.power_balance),
            ("tariff_computation", &self.tariff_computation),
            ("optimisation_handler", &self.optimisation_handler),
        ]
    }
}

impl Default for ServiceTimes {
    fn default() -> Self {
        let zero = Distribution::fixed(0.0);
        ServiceTimes {
            find_entities: zero.clone(),
            power_data: zero.clone(),
            power_balance: zero.clone(),
            tariff_computation: zero.clone(),
            optimisation_handler: zero,
        }
    }
}

/// Restoration optimiser settings (docs/model.md §5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OptimiserConfig {
    /// `fair` (the well-posed default, docs/model.md §5b) or `paper` (eq. 4 and eq. 13 as printed, 5a).
    pub model: Model,
    /// Lower bound on each prosumer's consumption cut share alpha, by prosumer id (default 0).
    pub alpha_min: BTreeMap<String, f64>,
    /// Lower bound on every prosumer's battery export share beta (paper model).
    pub beta_min: f64,
    /// Prosumers that back off and cannot deliver (case 2, eq. 14).
    pub back_off: Vec<String>,
}

/// Which model of docs/model.md §5 the restoration optimiser ([`crate::optimise`]) solves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    /// docs/model.md §5a: the paper's eq. 4 verbatim (not unit-consistent) with eq. 13 as
    /// printed and the scenario's bounds. Faithful, bilinear, often degenerate.
    Paper,
    /// docs/model.md §5b: linear physical limits, unit-consistent rewards for delivered
    /// energy, and a tie-break that makes the allocation unique. The default.
    #[default]
    Fair,
}

impl fmt::Display for Model {
    /// `paper` or `fair`, as written in a scenario.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Model::Paper => "paper",
            Model::Fair => "fair",
        })
    }
}

impl Default for OptimiserConfig {
    fn default() -> Self {
        OptimiserConfig {
            model: Model::Fair,
            alpha_min: BTreeMap::new(),
            beta_min: 0.0,
            back_off: Vec::new(),
        }
    }
}

/// What varies from run to run in a sweep. Quantities that are distributions elsewhere
/// (latency, delays, block interval) are drawn afresh in every run anyway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MonteCarlo {
    /// Number of runs of a sweep when the command line does not say.
    pub runs: u64,
    /// Time of the outage, s since midnight; the scenario's faults keep their relative offsets.
    pub fault_time_s: Option<Distribution>,
    /// Alternative sets of faulted lines, one drawn per run by weight; the scenario's own
    /// faults when empty.
    pub fault_sets: Vec<FaultSet>,
    /// Multiplies solar, wind and prosumer generation (1 = as in the scenario).
    pub weather_factor: Distribution,
    /// Multiplies consumer demand and prosumer consumption (1 = as in the scenario).
    pub demand_factor: Distribution,
    /// Multiplies every network latency of a run (network conditions vary between outages).
    pub latency_factor: Distribution,
    /// The block interval of a run, s, fixed within the run (needs `chain.mining: interval`);
    /// without it, `chain.block_interval_s` is drawn afresh for every block.
    pub block_interval_s: Option<Distribution>,
    /// Probability that a given prosumer backs off after being allocated (eq. 14).
    pub back_off_probability: f64,
}

impl Default for MonteCarlo {
    fn default() -> Self {
        MonteCarlo {
            runs: 1000,
            fault_time_s: None,
            fault_sets: Vec::new(),
            weather_factor: Distribution::fixed(1.0),
            demand_factor: Distribution::fixed(1.0),
            latency_factor: Distribution::fixed(1.0),
            block_interval_s: None,
            back_off_probability: 0.0,
        }
    }
}

/// How the IEEE 1366 indices are reported (docs/model.md §10, [`crate::reliability`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReliabilityConfig {
    /// ASAI's stated period, min (default one year, 525,600 min).
    pub asai_period_min: f64,
    /// CEMI_n is reported for each n: customers with more than n sustained interruptions.
    pub cemi_n: Vec<u32>,
    /// CELID is reported for each threshold t, min: customers with a sustained interruption
    /// (CELID-s), or sustained interruptions in all (CELID-t), of t or longer.
    pub celid_t_min: Vec<f64>,
}

impl Default for ReliabilityConfig {
    fn default() -> Self {
        ReliabilityConfig {
            asai_period_min: 525_600.0,
            cemi_n: vec![1],
            celid_t_min: vec![60.0],
        }
    }
}

/// One alternative place of the outage: a class of outage events, the lines that open together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSet {
    /// Lines that open together, as node pairs.
    pub lines: Vec<[NodeId; 2]>,
    /// Relative probability of this set (ignored when the sets have rates: they are drawn in
    /// proportion to their rates).
    #[serde(default = "one")]
    pub weight: f64,
    /// How often this outage event occurs, events per year: the rate of the set's lines
    /// opening *together* (for a set of several lines, the rate of that combined event, not of
    /// any one line). Gives the sweep annual indices (docs/model.md §10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_per_year: Option<f64>,
    /// The same rate per km of line, events per km per year, for a set of one line with a
    /// `length_km`: the set's rate is this times the line's length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_per_km_year: Option<f64>,
    /// How long each of the set's lines takes to repair, s, when the set is drawn; without
    /// it, a line's `faults[].repair_time_s` or the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repair_time_s: Option<Distribution>,
}

fn one() -> f64 {
    1.0
}

impl Scenario {
    /// The length of the line between `a` and `b` (either order), km, if the scenario gives it.
    pub fn line_length_km(&self, [a, b]: [NodeId; 2]) -> Option<f64> {
        self.grid
            .lines
            .iter()
            .find(|l| (l.from, l.to) == (a, b) || (l.from, l.to) == (b, a))
            .and_then(|l| l.length_km)
    }

    /// Each Monte-Carlo fault set's rate of occurrence, events per year, in the sets' order:
    /// its `rate_per_year`, or its `rate_per_km_year` times its line's `length_km`. `None`
    /// when the sets have no rates (a valid scenario gives every set a rate or none). The
    /// sweep draws the sets in proportion to these and reports annual indices from them.
    pub fn event_rates_per_year(&self) -> Option<Vec<f64>> {
        let sets = &self.monte_carlo.fault_sets;
        let rated = |s: &FaultSet| s.rate_per_year.is_some() || s.rate_per_km_year.is_some();
        if sets.is_empty() || !sets.iter().all(rated) {
            return None;
        }
        sets.iter()
            .map(|s| match (s.rate_per_year, s.rate_per_km_year) {
                (Some(rate), _) => Some(rate),
                (None, Some(per_km)) => {
                    let length_km = s.lines.first().and_then(|&l| self.line_length_km(l))?;
                    Some(per_km * length_km)
                }
                (None, None) => None,
            })
            .collect()
    }

    /// When `fault` opens its line, s.
    pub fn fault_time_s(&self, fault: &Fault) -> f64 {
        fault.at_s.unwrap_or(self.time.outage_at_s)
    }

    /// What a valid scenario will do that its author may not expect (results that will be
    /// censored, timing that only some rounds meet), as (field path, message) pairs.
    pub fn warnings(&self) -> Vec<(String, String)> {
        validate::warnings(self)
    }

    /// Days in the month of [`Scenario::monthly_kwh`]'s default.
    pub const DAYS_PER_MONTH: f64 = 30.0;

    /// A consumer's monthly consumption, kWh: its `monthly_kwh`, or 30 days of its
    /// `demand_kwh` per meter interval; rounded to whole Wh, as the chain stores it.
    pub fn monthly_kwh(&self, consumer: &Consumer) -> f64 {
        let kwh = consumer.monthly_kwh.unwrap_or_else(|| {
            consumer.demand_kwh * Self::DAYS_PER_MONTH * 86_400.0 / self.time.meter_interval_s
        });
        (kwh * 1000.0).round() / 1000.0
    }

    /// What `consumer` pays for `energy_kwh` in one meter interval (the scenario's slab
    /// schedule and `interval_pricing`), INR rounded to paise.
    pub fn consumer_interval_tariff_inr(&self, consumer: &Consumer, energy_kwh: f64) -> f64 {
        let t = &self.tariffs;
        t.consumer
            .interval_tariff_inr(energy_kwh, t.interval_pricing, self.monthly_kwh(consumer))
    }

    /// Lower bound on alpha for prosumer `id` (0 unless the optimiser section sets one).
    pub fn alpha_min(&self, id: &str) -> f64 {
        self.optimiser.alpha_min.get(id).copied().unwrap_or(0.0)
    }
}
