//! The typed grid: SimBench's tables as read, in SimBench's own units (MW, MVA, MWh, kV,
//! Ω/km, A), each row with its file and line.

use super::error::Location;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A node (`Node.csv`): a bus bar, or an auxiliary node where a switch meets a line or
/// transformer end.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where it is defined.
    pub at: Location,
    /// Its id.
    pub id: String,
    /// Its `type` (`busbar`, `double busbar`, `auxiliary`, `node`, …).
    pub kind: String,
    /// Its rated voltage `vmR`, kV (line to line).
    pub rated_kv: Option<f64>,
}

impl Node {
    /// Whether SimBench made it only to hang a switch on (`type` `auxiliary`).
    pub fn auxiliary(&self) -> bool {
        self.kind == "auxiliary"
    }
}

/// A line (`Line.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Where it is defined.
    pub at: Location,
    /// Its id.
    pub id: String,
    /// One end (`nodeA`).
    pub node_a: String,
    /// The other end (`nodeB`).
    pub node_b: String,
    /// Its line type (`type`), a row of `LineType.csv`.
    pub line_type: String,
    /// Its length (`length`), km.
    pub length_km: f64,
}

/// A line type (`LineType.csv`): impedance and rating per km.
#[derive(Debug, Clone, PartialEq)]
pub struct LineType {
    /// Where it is defined.
    pub at: Location,
    /// Its id.
    pub id: String,
    /// Series resistance (`r`), Ω/km.
    pub r_ohm_per_km: f64,
    /// Series reactance (`x`), Ω/km.
    pub x_ohm_per_km: f64,
    /// Thermal current limit (`iMax`), A.
    pub rating_a: f64,
}

/// A switch (`Switch.csv`) between two nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Switch {
    /// Where it is defined.
    pub at: Location,
    /// Its id.
    pub id: String,
    /// One end (`nodeA`).
    pub node_a: String,
    /// The other end (`nodeB`).
    pub node_b: String,
    /// Its `type`: `CB` breaker, `LBS` load-break switch, `LS` load switch, `DS` disconnector.
    pub kind: String,
    /// Whether it is closed (`cond` 1).
    pub closed: bool,
}

/// The upstream grid (`ExternalNet.csv`): where the supply is.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalNet {
    /// Where it is defined.
    pub at: Location,
    /// Its id.
    pub id: String,
    /// Its node.
    pub node: String,
}

/// A two-winding transformer (`Transformer.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Transformer {
    /// Where it is defined.
    pub at: Location,
    /// Its id.
    pub id: String,
    /// The high-voltage node (`nodeHV`).
    pub node_hv: String,
    /// The low-voltage node (`nodeLV`).
    pub node_lv: String,
    /// Its type (`type`), a row of `TransformerType.csv`.
    pub transformer_type: String,
    /// Its tap position (`tappos`), steps from neutral.
    pub tap_position: f64,
}

/// A transformer type (`TransformerType.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct TransformerType {
    /// Where it is defined.
    pub at: Location,
    /// Its id.
    pub id: String,
    /// Rated power (`sR`), MVA.
    pub rated_mva: f64,
    /// Rated high voltage (`vmHV`), kV.
    pub hv_kv: f64,
    /// Rated low voltage (`vmLV`), kV.
    pub lv_kv: f64,
    /// Short-circuit voltage (`vmImp`), % of the rated voltage.
    pub impedance_pct: f64,
    /// Copper losses at rated power (`pCu`), kW.
    pub copper_loss_kw: f64,
}

/// A load (`Load.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    /// Where it is defined.
    pub at: Location,
    /// Its id.
    pub id: String,
    /// Its node.
    pub node: String,
    /// Its profile's name (`profile`): columns `<name>_pload` and `<name>_qload` of
    /// `LoadProfile.csv`.
    pub profile: Option<String>,
    /// Active power (`pLoad`), MW: the profile's multipliers scale it.
    pub p_mw: f64,
    /// Reactive power (`qLoad`), Mvar.
    pub q_mvar: f64,
}

/// A renewable generator (`RES.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Res {
    /// Where it is defined.
    pub at: Location,
    /// Its id.
    pub id: String,
    /// Its node.
    pub node: String,
    /// Its `type` (`PV`, `Wind_MV`, `Biomass_MV`, `Hydro_MV`, `lv_RES`, …).
    pub kind: String,
    /// Its profile's name: a column of `RESProfile.csv`.
    pub profile: Option<String>,
    /// Active power (`pRES`), MW: the profile's multipliers scale it.
    pub p_mw: f64,
    /// Reactive power (`qRES`), Mvar.
    pub q_mvar: f64,
}

/// A storage unit (`Storage.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Storage {
    /// Where it is defined.
    pub at: Location,
    /// Its id.
    pub id: String,
    /// Its node.
    pub node: String,
    /// Its dispatch profile's name: a column of `StorageProfile.csv`.
    pub profile: Option<String>,
    /// Rated power (`sR`), MVA.
    pub rated_mva: f64,
    /// Energy capacity (`eStore`), MWh.
    pub energy_mwh: f64,
    /// State of charge at the start (`chargeLevel`), share of the capacity.
    pub charge_level: f64,
    /// Efficiency (`etaStore`), share.
    pub efficiency: f64,
    /// Self-discharge (`sdStore`), as SimBench gives it.
    pub self_discharge: Option<f64>,
}

/// A profile table (`LoadProfile.csv`, `RESProfile.csv`, `StorageProfile.csv`): values on
/// equal time steps from a start. Its times are German local time: the rows are consecutive
/// steps, the clock skipping the daylight saving hour in March and repeating it in October.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileTable {
    /// The header's place.
    pub at: Location,
    /// The first row's time (`time`, `dd.mm.yyyy HH:MM`).
    pub start: chrono::NaiveDateTime,
    /// Seconds between rows.
    pub step_s: f64,
    /// Each column's multipliers, by column name.
    pub columns: BTreeMap<String, Vec<f64>>,
}

impl ProfileTable {
    /// The time the rows cover, s.
    pub fn span_s(&self) -> f64 {
        let rows = self.columns.values().next().map_or(0, Vec::len);
        rows as f64 * self.step_s
    }
}

/// One SimBench grid as its CSV folder holds it. Every reference (nodes, types, profiles) is
/// checked to resolve.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Nodes, in file order.
    pub nodes: Vec<Node>,
    /// Lines.
    pub lines: Vec<Line>,
    /// Line types, by id.
    pub line_types: BTreeMap<String, LineType>,
    /// Switches (none without `Switch.csv`).
    pub switches: Vec<Switch>,
    /// External nets: at least one.
    pub external_nets: Vec<ExternalNet>,
    /// Transformers (none without `Transformer.csv`).
    pub transformers: Vec<Transformer>,
    /// Transformer types, by id.
    pub transformer_types: BTreeMap<String, TransformerType>,
    /// Loads.
    pub loads: Vec<Load>,
    /// Renewable generators (none without `RES.csv`).
    pub res: Vec<Res>,
    /// Storage units (none without `Storage.csv`).
    pub storages: Vec<Storage>,
    /// `LoadProfile.csv`.
    pub load_profiles: ProfileTable,
    /// `RESProfile.csv`, when there are generators.
    pub res_profiles: Option<ProfileTable>,
    /// `StorageProfile.csv`, when there is storage.
    pub storage_profiles: Option<ProfileTable>,
    /// Columns of the tables read that the reader does not read, with their header's place.
    pub unread_columns: Vec<(Location, String)>,
    /// Tables of the folder the reader does not read (`Coordinates.csv`, `PowerPlant.csv`, …),
    /// with their number of rows.
    pub other_tables: Vec<(PathBuf, usize)>,
}
