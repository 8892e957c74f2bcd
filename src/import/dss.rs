//! An OpenDSS circuit into a scenario (docs/model.md §12, docs/dss.md for what is read).
//!
//! - **Nodes**: every bus, numbered from 1 — the circuit's source bus first, then the others
//!   in name order; a bus with a load, PV system or storage is an `entity` node.
//! - **Edges**: lines (`kind: line`), switches (`kind: switch`) and transformers
//!   (`kind: transformer`, a bank of single-phase units between two buses being one edge);
//!   a disabled line or one a switch control holds open is `normally_open`. Lengths in km,
//!   line codes in Ω/km, ratings in A.
//! - **Loads** become consumers (`load.<name>`): kW × the meter interval's hours, the power
//!   factor from kW and kvar, `NumCust` as `customers`, their daily (else yearly) shape as a
//!   multiplier profile. A load picked by the [`ProsumerRule`](super::ProsumerRule) becomes a prosumer instead.
//! - **PV systems** become solar plants (`pv.<name>`): Pmpp × irradiance, following their shape.
//! - **Storage** becomes battery banks (`storage.<name>`) with state of charge.
//! - **Generators** are dropped and listed: blackstart has no dispatchable generator.

use super::profile_table::Shape;
use super::{DroppedItem, ImportError, ImportOptions, Imported, ProfileTable};
use crate::dss::{self, BusRef, Circuit, LengthUnit, Location};
use crate::scenario::{
    BatteryBank, BatteryConfig, Consumer, Der, Entities, GridConfig, Line, LineCode, LineKind,
    LoadConnection, Location as Site, Node, NodeId, NodeKind, ProfileSpec, Prosumer, Scenario,
    SeriesSpec, SeriesUnit, SolarSpec, TimeConfig, TransformerRating, WindingConnection,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The name of the solar profile of rooftop PV and of PV systems without a shape.
const SOLAR_PROFILE: &str = "clear_sky_pv";

/// Reads the `.dss` master file `master` and imports its circuit.
pub fn import(master: &Path, options: &ImportOptions) -> Result<Imported, ImportError> {
    options.check()?;
    let circuit = dss::read(master)?;
    convert(&circuit, master, options)
}

/// The import of a circuit read from `master`.
pub fn convert(
    circuit: &Circuit,
    master: &Path,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    options.check()?;
    let folder = master.parent().unwrap_or(Path::new(""));
    let mut import = Importer {
        circuit,
        folder,
        options,
        interval_h: options.meter_interval_s / 3600.0,
        dropped: circuit
            .dropped
            .iter()
            .map(|d| DroppedItem {
                at: relative(folder, &d.at),
                what: d.what.clone(),
                reason: d.reason.clone(),
            })
            .collect(),
        shapes: BTreeSet::new(),
    };
    for s in &circuit.settings {
        import.drop(
            &s.at,
            format!("Set {}={}", s.name, s.value),
            "solution option",
        );
    }
    let nodes = import.nodes();
    let grid = import.grid(&nodes)?;
    let faults = super::faults(&grid, &options.faults)?;
    let entities = import.entities(&nodes)?;
    let profiles = import.profiles(&entities);
    let table = import.table()?;
    let site = options.site.as_ref();
    let name = options.name.clone().unwrap_or_else(|| circuit.name.clone());
    let scenario = Scenario {
        description: format!(
            "Imported by `blackstart import dss` from {} (circuit {}); {} items of the feeder \
             dropped, listed in the import report.",
            master
                .file_name()
                .map_or(String::new(), |f| f.to_string_lossy().into_owned()),
            circuit.name,
            import.dropped.len(),
        ),
        name,
        time: TimeConfig {
            horizon_s: options.horizon_s,
            meter_interval_s: options.meter_interval_s,
            outage_at_s: options.outage_at_s,
            start_date: site.map(|(_, date)| date.clone()),
            ..TimeConfig::default()
        },
        location: site.map(|(s, _)| Site {
            latitude_deg: s.latitude_deg,
            longitude_deg: s.longitude_deg,
            utc_offset_h: s.utc_offset_h,
        }),
        profiles,
        grid,
        entities,
        faults,
        ..super::minimal_scenario()
    };
    super::imported(&scenario, master.to_path_buf(), table, import.dropped)
}

/// Each bus's nominal line-to-line voltage, kV: the source's base kV, carried along lines and
/// scaled through each transformer by its windings' voltage ratio (which holds for line-to-line
/// and single-phase ratings alike).
fn voltage_bases(c: &Circuit) -> BTreeMap<&str, f64> {
    let mut base = BTreeMap::from([(c.source.bus1.name.as_str(), c.source.base_kv)]);
    let mut edges: Vec<(&str, &str, f64)> = Vec::new();
    for l in &c.lines {
        edges.push((&l.bus1.name, &l.bus2.name, 1.0));
    }
    for t in &c.transformers {
        let Some((w0, hv)) = t.windings.first().and_then(|w| Some((w, w.bus.as_ref()?))) else {
            continue;
        };
        for w in &t.windings[1..] {
            if let Some(bus) = &w.bus {
                edges.push((&hv.name, &bus.name, w.kv / w0.kv));
            }
        }
    }
    // Spread from the source until nothing changes (the graph is small; a loop is harmless).
    let mut changed = true;
    while changed {
        changed = false;
        for &(a, b, ratio) in &edges {
            for (from, to, r) in [(a, b, ratio), (b, a, 1.0 / ratio)] {
                if let (Some(&kv), false) = (base.get(from), base.contains_key(to)) {
                    base.insert(to, kv * r);
                    changed = true;
                }
            }
        }
    }
    base
}

/// A load's phases and wiring: its bus's nodes 1–3 (all of its phases when none are written);
/// delta when `conn=delta`, or a single-phase load between two phases.
fn connection(l: &dss::Load) -> LoadConnection {
    let written = phases(&l.bus1);
    let phases = if written.is_empty() {
        (1..=l.phases.min(3)).collect()
    } else {
        written
    };
    let delta = matches!(l.conn.as_str(), "delta" | "ll") || (l.phases == 1 && phases.len() == 2);
    LoadConnection { phases, delta }
}

/// A winding's connection: `delta` (or `ll`) is delta, anything else wye.
fn winding_connection(w: &dss::Winding) -> WindingConnection {
    if matches!(w.conn.as_str(), "delta" | "ll") {
        WindingConnection::Delta
    } else {
        WindingConnection::Wye
    }
}

/// `at` with its file relative to the master's folder.
fn relative(folder: &Path, at: &Location) -> String {
    let file = at.file.strip_prefix(folder).unwrap_or(&at.file);
    format!("{}:{}", file.display(), at.line)
}

/// The phases a bus reference names (nodes 1–3; 0 is ground, 4 a neutral).
fn phases(bus: &BusRef) -> Vec<u32> {
    bus.nodes
        .iter()
        .copied()
        .filter(|n| (1..=3).contains(n))
        .collect()
}

/// Lower triangle (row by row) or full matrix → full rows; `None` when neither fits `n`.
fn full_matrix(values: &[f64], n: usize) -> Option<Vec<Vec<f64>>> {
    if values.len() == n * n {
        return Some(values.chunks(n).map(<[f64]>::to_vec).collect());
    }
    if values.len() != n * (n + 1) / 2 {
        return None;
    }
    let lower = |i: usize, j: usize| values[i * (i + 1) / 2 + j];
    Some(
        (0..n)
            .map(|i| (0..n).map(|j| lower(i.max(j), i.min(j))).collect())
            .collect(),
    )
}

struct Importer<'a> {
    circuit: &'a Circuit,
    folder: &'a Path,
    options: &'a ImportOptions,
    interval_h: f64,
    dropped: Vec<DroppedItem>,
    /// Load shapes used, by name.
    shapes: BTreeSet<String>,
}

impl Importer<'_> {
    fn drop(&mut self, at: &Location, what: String, reason: &str) {
        self.dropped.push(DroppedItem {
            at: relative(self.folder, at),
            what,
            reason: reason.to_string(),
        });
    }

    fn unrepresentable(&self, at: &Location, what: String, message: String) -> ImportError {
        ImportError::Unrepresentable {
            at: relative(self.folder, at),
            what,
            message,
        }
    }

    /// Node ids by bus name: the source bus is 1, the others follow in name order.
    fn nodes(&self) -> BTreeMap<String, NodeId> {
        let source = &self.circuit.source.bus1.name;
        std::iter::once(source.clone())
            .chain(self.circuit.buses().into_iter().filter(|b| b != source))
            .zip(1..)
            .collect()
    }

    fn grid(&mut self, nodes: &BTreeMap<String, NodeId>) -> Result<GridConfig, ImportError> {
        let c = self.circuit;
        let sources: BTreeSet<&str> = std::iter::once(&c.source)
            .chain(&c.vsources)
            .map(|v| v.bus1.name.as_str())
            .collect();
        let entity_buses: BTreeSet<&str> = (c.loads.iter().filter(|l| l.enabled))
            .map(|l| l.bus1.name.as_str())
            .chain((c.pv_systems.iter().filter(|p| p.enabled)).map(|p| p.bus1.name.as_str()))
            .chain((c.storages.iter().filter(|s| s.enabled)).map(|s| s.bus1.name.as_str()))
            .collect();
        let base_kv = voltage_bases(c);
        let mut by_id: Vec<(&String, NodeId)> = nodes.iter().map(|(b, &id)| (b, id)).collect();
        by_id.sort_by_key(|&(_, id)| id);
        let grid_nodes = by_id
            .into_iter()
            .map(|(bus, id)| Node {
                id,
                kind: if sources.contains(bus.as_str()) {
                    NodeKind::Source
                } else if entity_buses.contains(bus.as_str()) {
                    NodeKind::Entity
                } else {
                    NodeKind::Bus
                },
                name: bus.clone(),
                base_kv: base_kv.get(bus.as_str()).copied(),
            })
            .collect();

        let held_open: BTreeSet<String> = c
            .controls
            .iter()
            .filter(|k| k.normal_open.or(k.state_open) == Some(true))
            .filter_map(|k| k.element.clone())
            .collect();
        let mut edges: Vec<Line> = Vec::new();
        let mut by_pair: BTreeMap<(NodeId, NodeId), usize> = BTreeMap::new();
        let mut codes = BTreeMap::new();
        for l in &c.lines {
            let label = format!("Line.{}", l.name);
            let (from, to) = (nodes[&l.bus1.name], nodes[&l.bus2.name]);
            if from == to {
                self.drop(&l.at, label, "joins a bus to itself: no edge of the graph");
                continue;
            }
            let code = self.line_code(l, &mut codes);
            let length_km = c.line_length_km(l).or_else(|| {
                self.drop(
                    &l.at,
                    format!("{label} length={}", l.length),
                    "no length unit on the line or its code: taken as km, so that its impedance \
                     (per unit × length) is OpenDSS's, though the length itself may not be km",
                );
                Some(l.length)
            });
            let edge = Line {
                length_km,
                name: label.clone(),
                kind: if l.switch {
                    LineKind::Switch
                } else {
                    LineKind::Line
                },
                normally_open: !l.enabled
                    || l.open
                    || held_open.contains(&format!("line.{}", l.name)),
                phases: phases(&l.bus1),
                code,
                rating_a: l.norm_amps,
                ..Line::between(from, to)
            };
            self.add_edge(&mut edges, &mut by_pair, edge, &l.at);
        }
        for t in &c.transformers {
            let label = format!("Transformer.{}", t.name);
            let Some(w0) = t.windings.first() else {
                continue;
            };
            let Some(hv) = &w0.bus else {
                self.drop(&t.at, label, "its first winding has no bus");
                continue;
            };
            for w in &t.windings[1..] {
                let Some(bus) = &w.bus else {
                    self.drop(&t.at, label.clone(), "a winding has no bus");
                    continue;
                };
                let (from, to) = (nodes[&hv.name], nodes[&bus.name]);
                if from == to {
                    self.drop(&t.at, label.clone(), "both windings on one bus: no edge");
                    continue;
                }
                let edge = Line {
                    name: label.clone(),
                    kind: LineKind::Transformer,
                    phases: phases(hv),
                    transformer: Some(TransformerRating {
                        kva: w0.kva,
                        from_kv: w0.kv,
                        to_kv: w.kv,
                        r_pct: w0.pct_r + w.pct_r,
                        x_pct: t.xhl_pct,
                        from_connection: winding_connection(w0),
                        to_connection: winding_connection(w),
                    }),
                    ..Line::between(from, to)
                };
                self.add_edge(&mut edges, &mut by_pair, edge, &t.at);
            }
            if t.windings.len() > 2 {
                self.drop(
                    &t.at,
                    label,
                    "a third winding's own reactances (XHT, XLT) are not read: XHL stands for each",
                );
            }
        }
        Ok(GridConfig {
            nodes: grid_nodes,
            lines: edges,
            line_codes: codes,
            power_flow: Default::default(),
        })
    }

    /// Adds an edge, or merges it into the edge already joining the same two buses: a bank of
    /// transformers adds its ratings; a parallel line is noted as dropped.
    fn add_edge(
        &mut self,
        edges: &mut Vec<Line>,
        by_pair: &mut BTreeMap<(NodeId, NodeId), usize>,
        edge: Line,
        at: &Location,
    ) {
        let pair = (edge.from.min(edge.to), edge.from.max(edge.to));
        let Some(&i) = by_pair.get(&pair) else {
            by_pair.insert(pair, edges.len());
            edges.push(edge);
            return;
        };
        let existing = &mut edges[i];
        match (&mut existing.transformer, &edge.transformer) {
            (Some(bank), Some(unit)) => {
                bank.kva += unit.kva;
                existing.name = format!("{}+{}", existing.name, edge.name);
                let mut phases: BTreeSet<u32> = existing.phases.iter().copied().collect();
                phases.extend(&edge.phases);
                existing.phases = phases.into_iter().collect();
            }
            _ => {
                let reason = format!(
                    "parallel to {} between the same buses: the graph keeps one edge, so its \
                     impedance and rating are not in the scenario",
                    existing.name
                );
                self.drop(at, edge.name, &reason);
            }
        }
    }

    /// The line code key a line refers to, converting the code to Ω/km on first use; a line
    /// with its own impedances gets a code of its own (`Line.<name>`).
    fn line_code(
        &mut self,
        l: &dss::Line,
        codes: &mut BTreeMap<String, LineCode>,
    ) -> Option<String> {
        let c = self.circuit;
        let label = format!("Line.{}", l.name);
        let (key, code, unit) = match &l.linecode {
            Some(name) => {
                let code = c
                    .line_code(name)
                    .expect("the reader checks line codes exist");
                if l.r1_ohm_per_unit.is_some() || l.x1_ohm_per_unit.is_some() {
                    self.drop(
                        &l.at,
                        format!("{label} r1/x1"),
                        "impedance given beside a line code: the line code's is kept",
                    );
                }
                let unit = match code.units {
                    LengthUnit::None => l.units,
                    unit => unit,
                };
                let n = code.phases as usize;
                if code.phases > 3
                    || [&code.rmatrix_ohm_per_unit, &code.xmatrix_ohm_per_unit]
                        .iter()
                        .any(|m| !m.is_empty() && full_matrix(m, n).is_none())
                {
                    self.drop(
                        &code.at,
                        format!("LineCode.{name}"),
                        "its matrices do not fit 1–3 phases (a neutral conductor?): the lines \
                         using it keep no impedance",
                    );
                    return None;
                }
                let k = per_km(unit);
                (
                    name.clone(),
                    LineCode {
                        phases: code.phases,
                        r1_ohm_per_km: code.r1_ohm_per_unit.map(|r| r * k),
                        x1_ohm_per_km: code.x1_ohm_per_unit.map(|x| x * k),
                        r0_ohm_per_km: code.r0_ohm_per_unit.map(|r| r * k),
                        x0_ohm_per_km: code.x0_ohm_per_unit.map(|x| x * k),
                        r_matrix_ohm_per_km: scaled(&code.rmatrix_ohm_per_unit, code.phases, k),
                        x_matrix_ohm_per_km: scaled(&code.xmatrix_ohm_per_unit, code.phases, k),
                        rating_a: code.norm_amps,
                    },
                    unit,
                )
            }
            None if l.r1_ohm_per_unit.is_some() || l.x1_ohm_per_unit.is_some() => {
                let k = per_km(l.units);
                (
                    label.clone(),
                    LineCode {
                        phases: l.phases,
                        r1_ohm_per_km: l.r1_ohm_per_unit.map(|r| r * k),
                        x1_ohm_per_km: l.x1_ohm_per_unit.map(|x| x * k),
                        r0_ohm_per_km: l.r0_ohm_per_unit.map(|r| r * k),
                        x0_ohm_per_km: l.x0_ohm_per_unit.map(|x| x * k),
                        r_matrix_ohm_per_km: Vec::new(),
                        x_matrix_ohm_per_km: Vec::new(),
                        rating_a: None,
                    },
                    l.units,
                )
            }
            None => return None,
        };
        match codes.get(&key) {
            Some(existing) if *existing != code => {
                self.drop(
                    &l.at,
                    format!("{label} linecode={key}"),
                    &format!(
                        "the code has no unit of its own and this line's unit ({unit:?}) differs \
                         from the first line's: the line keeps no impedance"
                    ),
                );
                None
            }
            _ => {
                codes.insert(key.clone(), code);
                Some(key)
            }
        }
    }

    fn entities(&mut self, nodes: &BTreeMap<String, NodeId>) -> Result<Entities, ImportError> {
        let c = self.circuit;
        let h = self.interval_h;
        let mut e = Entities::default();
        let mut position = 0;
        for l in &c.loads {
            let label = format!("Load.{}", l.name);
            if !l.enabled {
                self.drop(&l.at, label, "disabled");
                continue;
            }
            let profile = self.load_profile(l);
            let base_kw = match (&profile, self.uses_actual(l)) {
                (Some(_), true) => {
                    // Exactly 1 kW is the one rating under which both readings agree.
                    if (l.kw - 1.0).abs() > 0.0 {
                        self.drop(
                            &l.at,
                            format!("{label} kW={}", l.kw),
                            "its shape gives actual kW (useactual): the scenario's value is \
                             1 kW's energy, which the shape multiplies",
                        );
                    }
                    1.0
                }
                _ => l.kw,
            };
            let power_factor = if l.kw > 0.0 {
                Some(l.kw / l.kw.hypot(l.kvar) * if l.kvar < 0.0 { -1.0 } else { 1.0 })
            } else {
                if l.kvar != 0.0 {
                    self.drop(&l.at, format!("{label} kvar"), "reactive power without kW");
                }
                None
            };
            let id = format!("load.{}", l.name);
            let node = nodes[&l.bus1.name];
            let rule = self.options.prosumers.filter(|r| r.selects(position));
            position += 1;
            if let Some(rule) = rule {
                if l.num_customers != 1 {
                    self.drop(
                        &l.at,
                        format!("{label} NumCust={}", l.num_customers),
                        "a prosumer is one customer of its own, outside IEEE 1366's count",
                    );
                }
                let capacity_kwh = rule.battery_kwh_per_load_kw * base_kw;
                e.prosumers.push(Prosumer {
                    id,
                    node,
                    export_prev_kwh: 0.0,
                    generation_kwh: rule.pv_kw_per_load_kw * base_kw * h,
                    battery_kwh: 0.0,
                    consumption_kwh: base_kw * h,
                    alpha_max: 1.0,
                    battery: (capacity_kwh > 0.0).then_some(BatteryConfig {
                        capacity_kwh: Some(capacity_kwh),
                        charge_kw: None,
                        discharge_kw: None,
                        round_trip_efficiency: BatteryConfig::DEFAULT_EFFICIENCY,
                        reserve: BatteryConfig::DEFAULT_RESERVE,
                        initial_soc: None,
                    }),
                    generation_profile: Some(SOLAR_PROFILE.to_string()),
                    consumption_profile: profile,
                    power_factor,
                    connection: Some(connection(l)),
                });
            } else {
                e.consumers.push(Consumer {
                    id,
                    node,
                    demand_kwh: base_kw * h,
                    priority: 0,
                    monthly_kwh: None,
                    profile,
                    customers: l.num_customers,
                    power_factor,
                    connection: Some(connection(l)),
                });
            }
        }
        for p in &c.pv_systems {
            let label = format!("PVSystem.{}", p.name);
            if !p.enabled {
                self.drop(&p.at, label, "disabled");
                continue;
            }
            let profile = match p.daily.as_ref().or(p.yearly.as_ref()) {
                Some(shape) => Some(self.use_shape(shape)),
                None if self.options.site.is_some() => Some(SOLAR_PROFILE.to_string()),
                None => {
                    return Err(self.unrepresentable(
                        &p.at,
                        label,
                        "a PV system without a daily or yearly shape would generate its rating \
                         day and night: give the site (--site, --start-date) for a clear-sky \
                         profile"
                            .to_string(),
                    ));
                }
            };
            e.solar.push(Der {
                id: format!("pv.{}", p.name),
                node: nodes[&p.bus1.name],
                generation_kwh: p.pmpp_kw * p.irradiance * h,
                profile,
            });
        }
        for s in &c.storages {
            let label = format!("Storage.{}", s.name);
            if !s.enabled {
                self.drop(&s.at, label, "disabled");
                continue;
            }
            let efficiency = s.efficiency_charge_pct * s.efficiency_discharge_pct / 1e4;
            if !(efficiency > 0.0 && efficiency <= 1.0) {
                return Err(self.unrepresentable(
                    &s.at,
                    label,
                    format!("round-trip efficiency {efficiency} is not in (0, 1]"),
                ));
            }
            let mut reserve = s.reserve_pct / 100.0;
            if s.kwh_rated > 0.0 && s.kwh_stored < reserve * s.kwh_rated {
                let held = s.kwh_stored / s.kwh_rated;
                self.drop(
                    &s.at,
                    format!("{label} %reserve={}", s.reserve_pct),
                    &format!(
                        "it starts below its reserve: the reserve is taken as its initial state \
                         ({:.1} %), so it never discharges below where it starts",
                        100.0 * held
                    ),
                );
                reserve = held;
            }
            e.batteries.push(BatteryBank {
                id: format!("storage.{}", s.name),
                node: nodes[&s.bus1.name],
                capacity_kwh: s.kwh_rated,
                stored_kwh: s.kwh_stored,
                charge_kwh: 0.0,
                discharge_kwh: super::offered_discharge_kwh(
                    s.kw_rated,
                    h,
                    s.kwh_stored,
                    reserve * s.kwh_rated,
                ),
                battery: Some(BatteryConfig {
                    capacity_kwh: None,
                    charge_kw: Some(s.kw_rated),
                    discharge_kw: Some(s.kw_rated),
                    round_trip_efficiency: efficiency,
                    reserve,
                    initial_soc: None,
                }),
            });
        }
        for g in &c.generators {
            self.drop(
                &g.at,
                format!("Generator.{} ({} kW)", g.name, g.kw),
                "blackstart has no dispatchable generator entity: its output is not in any \
                 island",
            );
        }
        for k in &c.controls {
            if k.normal_open.or(k.state_open).is_none() {
                self.drop(
                    &k.at,
                    format!("{:?}.{}", k.kind, k.name),
                    "protection logic is not modelled: faults and relays are blackstart's own",
                );
            }
        }
        Ok(e)
    }

    /// A load's shape as a profile name (daily, else yearly).
    fn load_profile(&mut self, l: &dss::Load) -> Option<String> {
        l.daily
            .as_ref()
            .or(l.yearly.as_ref())
            .map(|shape| self.use_shape(shape))
    }

    fn uses_actual(&self, l: &dss::Load) -> bool {
        l.daily
            .as_ref()
            .or(l.yearly.as_ref())
            .and_then(|name| self.circuit.load_shapes.iter().find(|s| &s.name == name))
            .is_some_and(|s| s.use_actual)
    }

    fn use_shape(&mut self, name: &str) -> String {
        self.shapes.insert(name.to_string());
        name.to_string()
    }

    /// The scenario's profiles: a multiplier series per shape used, and the clear-sky solar
    /// profile when anything needs it.
    fn profiles(&self, entities: &Entities) -> BTreeMap<String, ProfileSpec> {
        let mut profiles: BTreeMap<String, ProfileSpec> = self
            .shapes
            .iter()
            .map(|name| {
                (
                    name.clone(),
                    ProfileSpec::Series(SeriesSpec {
                        path: self.options.profile_file.clone(),
                        time_column: "timestamp".to_string(),
                        column: Some(name.clone()),
                        unit: SeriesUnit::Multiplier,
                    }),
                )
            })
            .collect();
        let solar_used = !entities.prosumers.is_empty()
            || entities
                .solar
                .iter()
                .any(|s| s.profile.as_deref() == Some(SOLAR_PROFILE));
        if solar_used {
            profiles.insert(
                SOLAR_PROFILE.to_string(),
                ProfileSpec::Solar(SolarSpec::default()),
            );
        }
        profiles
    }

    fn table(&self) -> Result<Option<ProfileTable>, ImportError> {
        if self.shapes.is_empty() {
            return Ok(None);
        }
        let shapes: Vec<Shape> = self
            .shapes
            .iter()
            .map(|name| {
                let s = self
                    .circuit
                    .load_shapes
                    .iter()
                    .find(|s| &s.name == name)
                    .expect("the reader checks shapes exist");
                Shape {
                    name: name.clone(),
                    step_s: s.interval_h * 3600.0,
                    values: s.mult.clone(),
                }
            })
            .collect();
        ProfileTable::new(&shapes, self.options.horizon_s)
            .map(Some)
            .map_err(|message| ImportError::Option {
                option: "days",
                message,
            })
    }
}

/// The factor from Ω per `unit` to Ω per km; a unitless value is taken as per km (see the
/// line's length).
fn per_km(unit: LengthUnit) -> f64 {
    unit.metres().map_or(1.0, |m| 1000.0 / m)
}

/// A matrix (lower triangle or full, checked to fit `phases` before) in full rows, times `k`.
fn scaled(values: &[f64], phases: u32, k: f64) -> Vec<Vec<f64>> {
    let scaled: Vec<f64> = values.iter().map(|v| v * k).collect();
    full_matrix(&scaled, phases as usize).unwrap_or_default()
}
