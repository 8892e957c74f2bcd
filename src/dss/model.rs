//! The typed circuit a `.dss` script describes. Names of objects and buses are lower-cased
//! (OpenDSS is case-insensitive).

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::error::Location;

/// A bus reference `name.1.2.3`: the bus and the nodes (phases) it connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusRef {
    /// The bus name, lower-cased.
    pub name: String,
    /// The nodes after the name (`[1, 2, 3]`); empty when none are written.
    pub nodes: Vec<u32>,
}

/// A length unit of OpenDSS (`units=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LengthUnit {
    /// No unit: the length is in the line code's unit.
    None,
    /// Miles.
    Mi,
    /// Thousands of feet.
    Kft,
    /// Kilometres.
    Km,
    /// Metres.
    M,
    /// Feet.
    Ft,
    /// Inches.
    In,
    /// Centimetres.
    Cm,
    /// Millimetres.
    Mm,
}

impl LengthUnit {
    /// The unit named as in OpenDSS (`mi kft km m ft in cm mm none`), any case.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text.to_lowercase().as_str() {
            "none" => Self::None,
            "mi" => Self::Mi,
            "kft" => Self::Kft,
            "km" => Self::Km,
            "m" => Self::M,
            "ft" => Self::Ft,
            "in" => Self::In,
            "cm" => Self::Cm,
            "mm" => Self::Mm,
            _ => return None,
        })
    }

    /// Metres in one unit, or `None` for [`LengthUnit::None`].
    pub fn metres(self) -> Option<f64> {
        Some(match self {
            Self::None => return None,
            Self::Mi => 1609.344,
            Self::Kft => 304.8,
            Self::Km => 1000.0,
            Self::M => 1.0,
            Self::Ft => 0.3048,
            Self::In => 0.0254,
            Self::Cm => 0.01,
            Self::Mm => 0.001,
        })
    }
}

/// A voltage source: the circuit's `Vsource.source`, or another `Vsource`.
#[derive(Debug, Clone, PartialEq)]
pub struct Vsource {
    /// The name (`source` for the circuit's own).
    pub name: String,
    /// Where it is defined.
    pub at: Location,
    /// Its bus (`sourcebus` unless given).
    pub bus1: BusRef,
    /// Base voltage, line to line (default 115 kV).
    pub base_kv: f64,
    /// Per-unit voltage (default 1).
    pub pu: f64,
    /// Phases (default 3).
    pub phases: u32,
}

/// A line code: impedances per unit length.
#[derive(Debug, Clone, PartialEq)]
pub struct LineCode {
    /// The name.
    pub name: String,
    /// Where it is defined.
    pub at: Location,
    /// Phases (default 3).
    pub phases: u32,
    /// Positive-sequence resistance, Ω per `units`.
    pub r1_ohm_per_unit: Option<f64>,
    /// Positive-sequence reactance, Ω per `units`.
    pub x1_ohm_per_unit: Option<f64>,
    /// Zero-sequence resistance, Ω per `units`.
    pub r0_ohm_per_unit: Option<f64>,
    /// Zero-sequence reactance, Ω per `units`.
    pub x0_ohm_per_unit: Option<f64>,
    /// Resistance matrix (lower triangle or full, as written), Ω per `units`.
    pub rmatrix_ohm_per_unit: Vec<f64>,
    /// Reactance matrix (as written), Ω per `units`.
    pub xmatrix_ohm_per_unit: Vec<f64>,
    /// The length unit of the impedances.
    pub units: LengthUnit,
    /// Normal ampere rating.
    pub norm_amps: Option<f64>,
}

/// A line (or a switch: `switch=y`).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The name.
    pub name: String,
    /// Where it is defined.
    pub at: Location,
    /// Sending bus.
    pub bus1: BusRef,
    /// Receiving bus.
    pub bus2: BusRef,
    /// Phases (default 3).
    pub phases: u32,
    /// Length in `units` (default 1).
    pub length: f64,
    /// The unit of `length` as written (`None`: the line code's unit).
    pub units: LengthUnit,
    /// The line code, lower-cased.
    pub linecode: Option<String>,
    /// Where `linecode=` is written.
    pub linecode_at: Option<Location>,
    /// Positive-sequence resistance given on the line, Ω per unit length.
    pub r1_ohm_per_unit: Option<f64>,
    /// Positive-sequence reactance given on the line.
    pub x1_ohm_per_unit: Option<f64>,
    /// Zero-sequence resistance given on the line.
    pub r0_ohm_per_unit: Option<f64>,
    /// Zero-sequence reactance given on the line.
    pub x0_ohm_per_unit: Option<f64>,
    /// `switch=y`.
    pub switch: bool,
    /// `enabled` (default yes); a disabled switch is a normally open one.
    pub enabled: bool,
    /// Opened by an `Open Line.<name>` command (and not closed again by a later `Close`).
    pub open: bool,
    /// Normal ampere rating given on the line.
    pub norm_amps: Option<f64>,
}

impl Line {
    /// The length in kilometres: `length` in the line's unit, or else in its line code's unit
    /// (`code_units`); `None` when neither gives a unit.
    pub fn length_km(&self, code_units: Option<LengthUnit>) -> Option<f64> {
        let unit = match self.units {
            LengthUnit::None => code_units?,
            unit => unit,
        };
        Some(self.length * unit.metres()? / 1000.0)
    }
}

/// One winding of a transformer.
#[derive(Debug, Clone, PartialEq)]
pub struct Winding {
    /// Its bus; `None` until given.
    pub bus: Option<BusRef>,
    /// Connection, lower-cased (`wye`, `delta`, …; default `wye`).
    pub conn: String,
    /// Rated voltage (default 12.47 kV).
    pub kv: f64,
    /// Rated power (default 1000 kVA).
    pub kva: f64,
    /// Resistance in % (default 0.2).
    pub pct_r: f64,
}

/// A transformer (enough to count and identify it).
#[derive(Debug, Clone, PartialEq)]
pub struct Transformer {
    /// The name.
    pub name: String,
    /// Where it is defined.
    pub at: Location,
    /// Phases (default 3).
    pub phases: u32,
    /// The windings (default 2).
    pub windings: Vec<Winding>,
    /// Reactance high-low in % (default 7).
    pub xhl_pct: f64,
}

/// A load.
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    /// The name.
    pub name: String,
    /// Where it is defined.
    pub at: Location,
    /// Its bus.
    pub bus1: BusRef,
    /// Phases (default 3).
    pub phases: u32,
    /// Rated voltage (default 12.47 kV).
    pub kv: f64,
    /// Active power (default 10 kW).
    pub kw: f64,
    /// Reactive power: `kvar=` or from `pf=` (whichever comes last; default pf 0.88).
    pub kvar: f64,
    /// Load model 1–8 (default 1).
    pub model: u32,
    /// Connection, lower-cased (default `wye`).
    pub conn: String,
    /// Daily load shape.
    pub daily: Option<String>,
    /// Yearly load shape.
    pub yearly: Option<String>,
    /// Number of customers (default 1).
    pub num_customers: u32,
    /// `enabled` (default yes).
    pub enabled: bool,
}

/// A load shape: multipliers at a fixed interval.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadShape {
    /// The name.
    pub name: String,
    /// Where it is defined.
    pub at: Location,
    /// The number of points.
    pub npts: usize,
    /// The interval in hours (`interval`, `minterval`/60, `sinterval`/3600; default 1 h).
    pub interval_h: f64,
    /// The multipliers, `npts` of them.
    pub mult: Vec<f64>,
    /// The file the multipliers were read from, if any.
    pub file: Option<PathBuf>,
    /// `useactual`: the values are kW, not multipliers (default no).
    pub use_actual: bool,
}

/// A PV system.
#[derive(Debug, Clone, PartialEq)]
pub struct PvSystem {
    /// The name.
    pub name: String,
    /// Where it is defined.
    pub at: Location,
    /// Its bus.
    pub bus1: BusRef,
    /// Phases (default 3).
    pub phases: u32,
    /// Rated voltage (default 12.47 kV).
    pub kv: f64,
    /// Array power at maximum power point at 1 kW/m² (default 500 kW).
    pub pmpp_kw: f64,
    /// Irradiance its shapes multiply, kW/m² (default 1).
    pub irradiance: f64,
    /// Inverter rating (default 500 kVA).
    pub kva: f64,
    /// Daily shape (irradiance).
    pub daily: Option<String>,
    /// Yearly shape.
    pub yearly: Option<String>,
    /// `enabled` (default yes).
    pub enabled: bool,
}

/// A storage element (battery).
#[derive(Debug, Clone, PartialEq)]
pub struct Storage {
    /// The name.
    pub name: String,
    /// Where it is defined.
    pub at: Location,
    /// Its bus.
    pub bus1: BusRef,
    /// Phases (default 3).
    pub phases: u32,
    /// Rated voltage (default 12.47 kV).
    pub kv: f64,
    /// Rated power (default 25 kW).
    pub kw_rated: f64,
    /// Rated energy (default 50 kWh).
    pub kwh_rated: f64,
    /// Stored energy (`kwhstored`, or `%stored` of `kwhrated`; default 100 %).
    pub kwh_stored: f64,
    /// Share of the rated energy kept in reserve, % (default 20).
    pub reserve_pct: f64,
    /// Charging efficiency, % (default 90).
    pub efficiency_charge_pct: f64,
    /// Discharging efficiency, % (default 90).
    pub efficiency_discharge_pct: f64,
    /// `enabled` (default yes).
    pub enabled: bool,
}

/// A generator.
#[derive(Debug, Clone, PartialEq)]
pub struct Generator {
    /// The name.
    pub name: String,
    /// Where it is defined.
    pub at: Location,
    /// Its bus.
    pub bus1: BusRef,
    /// Phases (default 3).
    pub phases: u32,
    /// Rated voltage (default 12.47 kV).
    pub kv: f64,
    /// Active power (default 1000 kW).
    pub kw: f64,
    /// Reactive power: `kvar=` or from `pf=` (whichever comes last; default pf 0.8).
    pub kvar: f64,
    /// Rating as written (`kVA=`), else `None`.
    pub kva: Option<f64>,
    /// `enabled` (default yes).
    pub enabled: bool,
}

/// The kind of a switching control.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlKind {
    /// `SwtControl`.
    SwtControl,
    /// `Recloser`.
    Recloser,
    /// `Fuse`.
    Fuse,
    /// `Relay`.
    Relay,
}

/// A switching control: the element it switches and its normal state.
#[derive(Debug, Clone, PartialEq)]
pub struct Control {
    /// Which control.
    pub kind: ControlKind,
    /// The name.
    pub name: String,
    /// Where it is defined.
    pub at: Location,
    /// The switched element (`switchedobj`, else `monitoredobj`), lower-cased `class.name`.
    pub element: Option<String>,
    /// `normal=open|closed`; `None` when not given.
    pub normal_open: Option<bool>,
    /// `state=open|closed`; `None` when not given.
    pub state_open: Option<bool>,
}

/// A `Set option=value` of the script, kept as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// The option, lower-cased.
    pub name: String,
    /// The value as written.
    pub value: String,
    /// Where it is set.
    pub at: Location,
}

/// Something in the script that blackstart reads but does not model: an object, a command or
/// a property, with where it is and why. Never silently ignored.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropped {
    /// Where it is.
    pub at: Location,
    /// What (`Capacitor.cap1`, `command Solve`, `Load.671 property vminpu`).
    pub what: String,
    /// Why it is dropped.
    pub reason: String,
}

/// The circuit a `.dss` script defines.
#[derive(Debug, Clone, PartialEq)]
pub struct Circuit {
    /// The circuit name, lower-cased.
    pub name: String,
    /// The circuit's source (`Vsource.source`).
    pub source: Vsource,
    /// Other voltage sources.
    pub vsources: Vec<Vsource>,
    /// Line codes, in order of definition.
    pub line_codes: Vec<LineCode>,
    /// Lines and switches, in order of definition.
    pub lines: Vec<Line>,
    /// Transformers.
    pub transformers: Vec<Transformer>,
    /// Loads.
    pub loads: Vec<Load>,
    /// Load shapes.
    pub load_shapes: Vec<LoadShape>,
    /// PV systems.
    pub pv_systems: Vec<PvSystem>,
    /// Storage elements.
    pub storages: Vec<Storage>,
    /// Generators.
    pub generators: Vec<Generator>,
    /// Switch controls, reclosers, fuses and relays.
    pub controls: Vec<Control>,
    /// `Set` options.
    pub settings: Vec<Setting>,
    /// Everything read but not modelled.
    pub dropped: Vec<Dropped>,
}

impl Circuit {
    /// Every bus a modelled element connects (sources, lines, transformers, loads, PV, storage,
    /// generators), sorted.
    pub fn buses(&self) -> BTreeSet<String> {
        let mut buses = BTreeSet::new();
        for v in std::iter::once(&self.source).chain(&self.vsources) {
            buses.insert(v.bus1.name.clone());
        }
        for l in &self.lines {
            buses.insert(l.bus1.name.clone());
            buses.insert(l.bus2.name.clone());
        }
        for t in &self.transformers {
            buses.extend(
                t.windings
                    .iter()
                    .filter_map(|w| w.bus.as_ref())
                    .map(|b| b.name.clone()),
            );
        }
        buses.extend(self.loads.iter().map(|l| l.bus1.name.clone()));
        buses.extend(self.pv_systems.iter().map(|p| p.bus1.name.clone()));
        buses.extend(self.storages.iter().map(|s| s.bus1.name.clone()));
        buses.extend(self.generators.iter().map(|g| g.bus1.name.clone()));
        buses
    }

    /// The lines with `switch=y`.
    pub fn switches(&self) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(|l| l.switch)
    }

    /// The line code of a name, if defined.
    pub fn line_code(&self, name: &str) -> Option<&LineCode> {
        self.line_codes.iter().find(|c| c.name == name)
    }

    /// A line's length in kilometres, with its line code's unit when the line gives none.
    pub fn line_length_km(&self, line: &Line) -> Option<f64> {
        let code_units = line
            .linecode
            .as_deref()
            .and_then(|c| self.line_code(c))
            .map(|c| c.units);
        line.length_km(code_units)
    }

    /// Total active power of the enabled loads, kW.
    pub fn total_load_kw(&self) -> f64 {
        self.loads.iter().filter(|l| l.enabled).map(|l| l.kw).sum()
    }

    /// Total reactive power of the enabled loads, kvar.
    pub fn total_load_kvar(&self) -> f64 {
        self.loads
            .iter()
            .filter(|l| l.enabled)
            .map(|l| l.kvar)
            .sum()
    }
}
