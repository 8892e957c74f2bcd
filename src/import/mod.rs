//! Importing real feeders into scenarios (docs/model.md §12): an OpenDSS circuit ([`dss`]) or
//! a SimBench grid ([`simbench`], docs/simbench.md) becomes a blackstart [`Scenario`] — buses as nodes, lines, switches and transformers as
//! edges with their lengths, impedances and ratings, loads as consumers with their customer
//! counts, PV as solar plants, storage as battery banks, load shapes as profiles in a Parquet
//! table beside the scenario — with a [`ImportReport`] of what it counted and of everything it
//! dropped, never silently.
//!
//! Optionally a documented share of the loads become prosumers with rooftop PV and a home
//! battery ([`ProsumerRule`]): the feeder's own data has none, and an outage study needs them.

pub mod dss;
mod profile_table;
pub mod simbench;

pub use profile_table::ProfileTable;

use crate::scenario::{Fault, GridConfig, LineKind, Scenario};
use serde::Serialize;
use std::path::PathBuf;

/// Why a feeder could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The `.dss` script could not be read (its file, line and what is wrong).
    #[error(transparent)]
    Dss(#[from] crate::dss::DssError),
    /// A SimBench grid's tables could not be read (the file, line and what is wrong).
    #[error(transparent)]
    Simbench(#[from] crate::simbench::SimbenchError),
    /// The circuit holds something the scenario cannot represent, at a place in the script.
    #[error("{at}: {what}: {message}")]
    Unrepresentable {
        /// File and line of the object.
        at: String,
        /// The object (`PVSystem.pv1`).
        what: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// A fault names an edge the feeder does not have in service.
    #[error("--fault {name}: {message}")]
    Fault {
        /// The name given.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// An option of the import is out of range.
    #[error("--{option}: {message}")]
    Option {
        /// The option's name.
        option: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The scenario built is not valid (a defect of the importer or of the feeder's data).
    #[error("the imported scenario is not valid: {0}")]
    Invalid(#[from] crate::scenario::ScenarioError),
}

/// Where the grid is, for the solar profile of rooftop PV.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Site {
    /// Latitude, degrees north.
    pub latitude_deg: f64,
    /// Longitude, degrees east.
    pub longitude_deg: f64,
    /// Local time minus UTC, h.
    pub utc_offset_h: f64,
}

/// Which loads become prosumers and how they are equipped: every load whose position `i` (in
/// the order the feeder defines them) satisfies ⌊(i+1)·share⌋ > ⌊i·share⌋ — an even spread, no
/// random draw — gets PV and a battery sized to its rated kW.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProsumerRule {
    /// Share of the loads that become prosumers, in [0, 1].
    pub share: f64,
    /// Rooftop PV peak per kW of the load's rating, kWp/kW.
    pub pv_kw_per_load_kw: f64,
    /// Battery capacity per kW of the load's rating, kWh/kW (0: no battery).
    pub battery_kwh_per_load_kw: f64,
}

impl ProsumerRule {
    /// Whether the load at position `i` becomes a prosumer.
    pub fn selects(&self, i: usize) -> bool {
        ((i + 1) as f64 * self.share).floor() > (i as f64 * self.share).floor()
    }
}

/// How a feeder is imported.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOptions {
    /// The scenario's name; default: the circuit's.
    pub name: Option<String>,
    /// The scenario's meter interval, s.
    pub meter_interval_s: f64,
    /// The simulated horizon, s: the profile table covers it, load shapes repeated as OpenDSS
    /// repeats them.
    pub horizon_s: f64,
    /// When the scenario's faults strike, s (`time.outage_at_s`); within the horizon.
    pub outage_at_s: f64,
    /// The profile table's file name, written beside the scenario.
    pub profile_file: String,
    /// Loads that become prosumers; none: the feeder as it is.
    pub prosumers: Option<ProsumerRule>,
    /// Where the grid is and the calendar day of time 0 (ISO 8601): needed for rooftop PV and
    /// for PV without a shape.
    pub site: Option<(Site, String)>,
    /// Edges (by their name in the feeder, `Line.650632`) that the scenario's faults open at
    /// `outage_at_s`.
    pub faults: Vec<String>,
}

impl ImportOptions {
    /// Defaults: 15-min meter interval, a two-day horizon, the outage at noon, no prosumers, no
    /// site.
    pub fn new(profile_file: impl Into<String>) -> Self {
        ImportOptions {
            name: None,
            meter_interval_s: 900.0,
            horizon_s: 2.0 * 86_400.0,
            outage_at_s: 12.0 * 3600.0,
            profile_file: profile_file.into(),
            prosumers: None,
            site: None,
            faults: Vec::new(),
        }
    }

    fn check(&self) -> Result<(), ImportError> {
        let bad = |option, message: String| Err(ImportError::Option { option, message });
        if !(self.meter_interval_s > 0.0 && self.meter_interval_s.is_finite()) {
            return bad(
                "meter-interval",
                format!("must be > 0 s, got {}", self.meter_interval_s),
            );
        }
        if !(self.horizon_s >= self.meter_interval_s && self.horizon_s.is_finite()) {
            return bad(
                "days",
                format!(
                    "the horizon must hold a meter interval, got {} s",
                    self.horizon_s
                ),
            );
        }
        if !(0.0..self.horizon_s).contains(&self.outage_at_s) {
            return bad(
                "outage-at-h",
                format!(
                    "the outage must strike within the horizon [0, {} h), got {} h",
                    self.horizon_s / 3600.0,
                    self.outage_at_s / 3600.0
                ),
            );
        }
        if let Some(rule) = &self.prosumers {
            if !(0.0..=1.0).contains(&rule.share) {
                return bad(
                    "prosumer-share",
                    format!("must be in [0, 1], got {}", rule.share),
                );
            }
            for (option, value) in [
                ("pv-kw-per-kw", rule.pv_kw_per_load_kw),
                ("battery-kwh-per-kw", rule.battery_kwh_per_load_kw),
            ] {
                if !(value >= 0.0 && value.is_finite()) {
                    return bad(option, format!("must be ≥ 0, got {value}"));
                }
            }
            if rule.share > 0.0 && self.site.is_none() {
                return bad(
                    "site",
                    "rooftop PV needs the site (--site LAT,LON,UTC_OFFSET_H and --start-date) \
                     for its solar profile"
                        .to_string(),
                );
            }
        }
        Ok(())
    }
}

/// Something in the feeder the scenario does not carry, with where it is and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DroppedItem {
    /// File and line (`IEEE13Nodeckt.dss:120`), relative to the master's folder.
    pub at: String,
    /// What (`Capacitor.cap1`, `Line.650632 property c1`).
    pub what: String,
    /// Why.
    pub reason: String,
}

/// The counts and totals of a feeder, as the scenario written carries them: what CI compares
/// with OpenDSS's own.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FeederCounts {
    /// Buses (nodes).
    pub buses: usize,
    /// Lines that are not switches.
    pub lines: usize,
    /// Switches, normally open ones included.
    pub switches: usize,
    /// Normally open lines and switches.
    pub normally_open: usize,
    /// Transformer edges (a bank between two buses is one).
    pub transformer_edges: usize,
    /// Loads: consumers and the prosumers made from loads.
    pub loads: usize,
    /// Customers of the consumers (OpenDSS's `NumCust`; 1 per SimBench load).
    pub customers: u64,
    /// Rated active power of the loads, kW.
    pub load_kw: f64,
    /// Rated reactive power of the loads, kvar (from their power factors).
    pub load_kvar: f64,
    /// The feeder's PV systems (solar plants).
    pub pv_systems: usize,
    /// Their peak power, kW (Pmpp × irradiance).
    pub pv_kw: f64,
    /// The feeder's wind generators (wind plants).
    pub wind_plants: usize,
    /// Their rated power, kW.
    pub wind_kw: f64,
    /// The feeder's storage elements (battery banks).
    pub storages: usize,
    /// Their rated energy, kWh.
    pub storage_kwh: f64,
    /// Their rated power, kW.
    pub storage_kw: f64,
    /// Prosumers added by the [`ProsumerRule`].
    pub prosumers: usize,
    /// Their rooftop PV, kWp.
    pub rooftop_pv_kw: f64,
    /// Their batteries, kWh.
    pub rooftop_battery_kwh: f64,
}

impl FeederCounts {
    /// Counts what `scenario` carries. Loads' kW is the energy of one meter interval at
    /// multiplier 1 over the interval's hours.
    pub fn of(scenario: &Scenario) -> Self {
        let h = scenario.time.meter_interval_s / 3600.0;
        let g = &scenario.grid;
        let e = &scenario.entities;
        let kvar = |kw: f64, pf: Option<f64>| {
            pf.map_or(0.0, |pf| {
                kw * (1.0 - pf * pf).sqrt() / pf.abs() * pf.signum()
            })
        };
        let loads = e
            .consumers
            .iter()
            .map(|c| (c.demand_kwh / h, c.power_factor))
            .chain(
                e.prosumers
                    .iter()
                    .map(|p| (p.consumption_kwh / h, p.power_factor)),
            );
        let (load_kw, load_kvar) =
            loads.fold((0.0, 0.0), |(p, q), (kw, pf)| (p + kw, q + kvar(kw, pf)));
        let count = |kind| g.lines.iter().filter(|l| l.kind == kind).count();
        FeederCounts {
            buses: g.nodes.len(),
            lines: count(LineKind::Line),
            switches: count(LineKind::Switch),
            normally_open: g.lines.iter().filter(|l| l.normally_open).count(),
            transformer_edges: count(LineKind::Transformer),
            loads: e.consumers.len() + e.prosumers.len(),
            customers: e.consumers.iter().map(|c| u64::from(c.customers)).sum(),
            load_kw,
            load_kvar,
            pv_systems: e.solar.len(),
            pv_kw: total(e.solar.iter().map(|s| s.generation_kwh / h)),
            wind_plants: e.wind.len(),
            wind_kw: total(e.wind.iter().map(|w| w.generation_kwh / h)),
            storages: e.batteries.len(),
            storage_kwh: total(e.batteries.iter().map(|b| b.capacity_kwh)),
            storage_kw: total(e.batteries.iter().map(|b| {
                b.battery
                    .as_ref()
                    .map_or(0.0, |c| c.discharge_kw(b.capacity_kwh))
            })),
            prosumers: e.prosumers.len(),
            rooftop_pv_kw: total(e.prosumers.iter().map(|p| p.generation_kwh / h)),
            rooftop_battery_kwh: total(
                e.prosumers
                    .iter()
                    .filter_map(|p| p.battery.as_ref()?.capacity_kwh),
            ),
        }
    }
}

/// A scenario with every section at its default, for the fields an import does not set.
fn minimal_scenario() -> Scenario {
    crate::scenario::parse_str(
        "name: x\ngrid: {nodes: [{id: 1, kind: source}]}\nentities: {}\n",
        "defaults",
    )
    .expect("the minimal scenario is valid")
}

/// Sums, with the sum of nothing 0.0 (`f64`'s `Sum` gives −0.0, which reports would print).
fn total(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(0.0, |sum, v| sum + v)
}

/// What an import did: the source, the counts of the scenario written, and what was dropped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportReport {
    /// The master file (OpenDSS) or the grid's folder (SimBench), as given.
    pub source: PathBuf,
    /// Counts and totals of the scenario.
    pub counts: FeederCounts,
    /// Elements the feeder has that the scenario does not model (generators, capacitors, …),
    /// properties it does not read, and the adjustments made (each with its reason).
    pub dropped: Vec<DroppedItem>,
}

/// A feeder imported: the scenario, its profile table (none when nothing has a shape) and the
/// report.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The scenario, valid.
    pub scenario: Scenario,
    /// The load and PV shapes over the horizon, to write as `options.profile_file`.
    pub profiles: Option<ProfileTable>,
    /// What was counted and dropped.
    pub report: ImportReport,
}

/// Faults opening the edges named by `--fault` (case-insensitive), each at the scenario's outage time with
/// the default repair time.
fn faults(grid: &GridConfig, names: &[String]) -> Result<Vec<Fault>, ImportError> {
    names
        .iter()
        .map(|name| {
            let edge = grid
                .lines
                .iter()
                .find(|l| l.name.eq_ignore_ascii_case(name))
                .ok_or_else(|| ImportError::Fault {
                    name: name.clone(),
                    message: "no line, switch or transformer of that name (write it as \
                              Class.name, e.g. Line.650632)"
                        .to_string(),
                })?;
            if edge.normally_open {
                return Err(ImportError::Fault {
                    name: name.clone(),
                    message: "it is normally open: a fault cannot open it".to_string(),
                });
            }
            Ok(Fault {
                line: [edge.from, edge.to],
                at_s: None,
                repair_time_s: None,
            })
        })
        .collect()
}

/// What an imported battery bank offers the island per interval before the outage (the paper's
/// scheduled discharge P_BBD, read by the first restoration's plan and by the contract): its
/// rated power over the interval, within what it holds above its reserve. In the island its
/// state of charge decides (docs/model.md §12).
fn offered_discharge_kwh(rated_kw: f64, interval_h: f64, stored_kwh: f64, reserve_kwh: f64) -> f64 {
    (rated_kw * interval_h)
        .min(stored_kwh - reserve_kwh)
        .max(0.0)
}

/// The import's result: `scenario` written to YAML and read back (so the scenario returned is
/// the one a file would give, validated), its counts, the profile table and what was dropped.
fn imported(
    scenario: &Scenario,
    source: PathBuf,
    profiles: Option<ProfileTable>,
    dropped: Vec<DroppedItem>,
) -> Result<Imported, ImportError> {
    let text = serde_yaml::to_string(scenario).expect("a scenario serialises");
    let scenario = crate::scenario::parse_str(&text, "imported scenario")?;
    let counts = FeederCounts::of(&scenario);
    Ok(Imported {
        scenario,
        profiles,
        report: ImportReport {
            source,
            counts,
            dropped,
        },
    })
}
