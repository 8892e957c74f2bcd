//! A SimBench grid into a scenario (docs/simbench.md for the mapping and what is dropped).
//!
//! - **Nodes**: every node of `Node.csv`, numbered from 1 in file order with the external
//!   net's node first (`kind: source`); a node with a load, generator or storage is an
//!   `entity` node. With a `no_sw` grid code, the nodes a closed switch joins are one node
//!   (SimBench's own `no_sw` variant), named after its first bus bar.
//! - **Edges**: lines (`kind: line`, length in km, their line type as a line code in Ω/km with
//!   its rating in A), switches (`kind: switch`; an open one is `normally_open`) and
//!   transformers (`kind: transformer`). SimBench hangs each line and transformer end on an
//!   auxiliary node joined to its bus bar by a switch: with `sw` both stay, so the switch is
//!   an edge of its own in series with the line.
//! - **Loads** become consumers (`load.<id>`): pLoad MW as kW × the meter interval's hours,
//!   the power factor from pLoad and qLoad, 1 customer each (SimBench gives no counts), their
//!   `<profile>_pload` column as a multiplier profile.
//! - **RES**: PV (and `lv_RES`, the aggregated PV of a LV grid under a MV node) become solar
//!   plants (`pv.<id>`), wind generators wind plants (`wind.<id>`), pRES following their
//!   profile; biomass, hydro and the other kinds are dropped.
//! - **Storage** becomes battery banks (`storage.<id>`): eStore MWh, sR MVA as its power,
//!   chargeLevel as its state of charge at the start, etaStore as its round-trip efficiency.
//! - **Profiles**: the columns used, on one time axis from `time.start_date` (the profiles'
//!   first day), in one Parquet table beside the scenario.

use super::profile_table::Shape;
use super::{DroppedItem, ImportError, ImportOptions, Imported, ProfileTable};
use crate::scenario::{
    BatteryBank, BatteryConfig, Consumer, Der, Entities, GridConfig, Line, LineCode, LineKind,
    Node, NodeId, NodeKind, ProfileSpec, Scenario, SeriesSpec, SeriesUnit, TimeConfig,
    TransformerRating, WindingConnection,
};
use crate::simbench::{self, Grid, GridCode, Location};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Reads the SimBench grid `code` from its CSV folder `dir` and imports it.
pub fn import(dir: &Path, code: &str, options: &ImportOptions) -> Result<Imported, ImportError> {
    let code: GridCode = code.parse()?;
    options.check()?;
    let grid = simbench::read(dir)?;
    convert(&grid, &code, dir, options)
}

/// The import of `grid`, read from the folder `dir`.
pub fn convert(
    grid: &Grid,
    code: &GridCode,
    dir: &Path,
    options: &ImportOptions,
) -> Result<Imported, ImportError> {
    options.check()?;
    for (option, given) in [
        ("prosumer-share", options.prosumers.is_some()),
        ("site", options.site.is_some()),
    ] {
        if given {
            return Err(ImportError::Option {
                option,
                message: "not used by a SimBench import: the grid brings its own PV and storage, \
                          and its profiles their own days"
                    .to_string(),
            });
        }
    }
    let mut import = Importer {
        grid,
        dir,
        interval_h: options.meter_interval_s / 3600.0,
        dropped: Vec::new(),
        profiles: BTreeSet::new(),
    };
    import.not_read();
    let nodes = import.nodes(code);
    let grid_config = import.grid(&nodes)?;
    let faults = super::faults(&grid_config, &options.faults)?;
    let entities = import.entities(&nodes)?;
    let (profiles, table) = import.profiles(options)?;
    let start_date = grid
        .load_profiles
        .start
        .date()
        .format("%Y-%m-%d")
        .to_string();
    let scenario = Scenario {
        description: format!(
            "Imported by `blackstart import simbench` from the SimBench grid {} (simbench.de, \
             ODbL); {} items of the grid dropped, listed in the import report.",
            code.text,
            import.dropped.len(),
        ),
        name: options.name.clone().unwrap_or_else(|| code.text.clone()),
        time: TimeConfig {
            horizon_s: options.horizon_s,
            meter_interval_s: options.meter_interval_s,
            outage_at_s: options.outage_at_s,
            start_date: Some(start_date),
            ..TimeConfig::default()
        },
        profiles,
        grid: grid_config,
        entities,
        faults,
        ..super::minimal_scenario()
    };
    super::imported(&scenario, dir.to_path_buf(), table, import.dropped)
}

struct Importer<'a> {
    grid: &'a Grid,
    dir: &'a Path,
    interval_h: f64,
    dropped: Vec<DroppedItem>,
    /// Profile columns used: (table, column).
    profiles: BTreeSet<(Table, String)>,
}

/// The profile tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Table {
    Load,
    Res,
}

impl Importer<'_> {
    fn at(&self, at: &Location) -> String {
        let file = at.file.strip_prefix(self.dir).unwrap_or(&at.file);
        format!("{}:{}", file.display(), at.line)
    }

    fn drop(&mut self, at: &Location, what: impl Into<String>, reason: impl Into<String>) {
        self.dropped.push(DroppedItem {
            at: self.at(at),
            what: what.into(),
            reason: reason.into(),
        });
    }

    /// The tables and columns of the folder that are not read.
    fn not_read(&mut self) {
        let g = self.grid;
        for (path, rows) in &g.other_tables {
            let name = path
                .file_name()
                .map_or(String::new(), |f| f.to_string_lossy().into());
            let reason = match name.as_str() {
                "PowerPlant.csv" | "PowerPlantProfile.csv" => {
                    "conventional power plants: blackstart has no dispatchable generator"
                }
                "Coordinates.csv" => "geographic coordinates: the scenario has none",
                "StudyCases.csv" => "load-flow study cases: the profiles are used instead",
                _ => "a table the importer does not read",
            };
            self.dropped.push(DroppedItem {
                at: format!("{name}:1"),
                what: format!("{name} ({rows} rows)"),
                reason: reason.to_string(),
            });
        }
        for (at, column) in &g.unread_columns {
            let file = at
                .file
                .file_name()
                .map_or(String::new(), |f| f.to_string_lossy().into());
            if file.ends_with("Profile.csv") {
                continue;
            }
            self.drop(at, format!("{file} column {column}"), "column not read");
        }
    }

    /// Node ids by SimBench node id: with `no_sw`, the nodes a closed switch joins share one.
    fn nodes(&mut self, code: &GridCode) -> BTreeMap<String, (NodeId, String)> {
        let g = self.grid;
        let index: BTreeMap<&str, usize> = (g.nodes.iter().enumerate())
            .map(|(i, n)| (n.id.as_str(), i))
            .collect();
        let mut group: Vec<usize> = (0..g.nodes.len()).collect();
        fn root(group: &mut [usize], mut i: usize) -> usize {
            while group[i] != i {
                group[i] = group[group[i]];
                i = group[i];
            }
            i
        }
        if !code.switches {
            for s in g.switches.iter().filter(|s| s.closed) {
                let (a, b) = (
                    root(&mut group, index[&*s.node_a]),
                    root(&mut group, index[&*s.node_b]),
                );
                group[a.max(b)] = a.min(b);
                self.drop(
                    &s.at,
                    s.id.clone(),
                    "closed switch of a `no_sw` grid code: the nodes it joins are one",
                );
            }
        }
        let source = index[g.external_nets[0].node.as_str()];
        let source_root = root(&mut group, source);
        let mut roots: Vec<usize> = vec![source_root];
        for i in 0..g.nodes.len() {
            let r = root(&mut group, i);
            if !roots.contains(&r) {
                roots.push(r);
            }
        }
        let name = |r: usize, group: &mut [usize]| {
            let members: Vec<usize> = (0..g.nodes.len())
                .filter(|&i| root(group, i) == r)
                .collect();
            let named = members
                .iter()
                .find(|&&i| !g.nodes[i].auxiliary())
                .unwrap_or(&members[0]);
            g.nodes[*named].id.clone()
        };
        let ids: BTreeMap<usize, (NodeId, String)> = roots
            .iter()
            .zip(1..)
            .map(|(&r, id)| (r, (id, name(r, &mut group))))
            .collect();
        (g.nodes.iter().enumerate())
            .map(|(i, n)| (n.id.clone(), ids[&root(&mut group, i)].clone()))
            .collect()
    }

    fn grid(
        &mut self,
        nodes: &BTreeMap<String, (NodeId, String)>,
    ) -> Result<GridConfig, ImportError> {
        let g = self.grid;
        let id = |node: &str| nodes[node].0;
        let sources: BTreeSet<NodeId> = g.external_nets.iter().map(|e| id(&e.node)).collect();
        let entities: BTreeSet<NodeId> = (g.loads.iter().map(|l| id(&l.node)))
            .chain(g.res.iter().map(|r| id(&r.node)))
            .chain(g.storages.iter().map(|s| id(&s.node)))
            .collect();
        let mut named: Vec<(NodeId, &String)> = nodes.values().map(|(i, n)| (*i, n)).collect();
        named.sort();
        named.dedup();
        let grid_nodes = named
            .into_iter()
            .map(|(id, name)| Node {
                id,
                kind: if sources.contains(&id) {
                    NodeKind::Source
                } else if entities.contains(&id) {
                    NodeKind::Entity
                } else {
                    NodeKind::Bus
                },
                base_kv: g
                    .nodes
                    .iter()
                    .find(|n| &n.id == name)
                    .and_then(|n| n.rated_kv),
                name: name.clone(),
            })
            .collect();

        let mut edges = Edges::default();
        let mut codes = BTreeMap::new();
        for l in &g.lines {
            let t = &g.line_types[&l.line_type];
            codes.insert(
                t.id.clone(),
                LineCode {
                    phases: 3,
                    r1_ohm_per_km: Some(t.r_ohm_per_km),
                    x1_ohm_per_km: Some(t.x_ohm_per_km),
                    r0_ohm_per_km: None,
                    x0_ohm_per_km: None,
                    r_matrix_ohm_per_km: Vec::new(),
                    x_matrix_ohm_per_km: Vec::new(),
                    rating_a: Some(t.rating_a),
                },
            );
            let length_km = (l.length_km > 0.0).then_some(l.length_km);
            if length_km.is_none() {
                self.drop(
                    &l.at,
                    format!("{} length", l.id),
                    "length not > 0 km: none given",
                );
            }
            let edge = Line {
                length_km,
                name: l.id.clone(),
                code: Some(t.id.clone()),
                ..Line::between(id(&l.node_a), id(&l.node_b))
            };
            self.add(&mut edges, edge, &l.at);
        }
        for t in g.line_types.values().filter(|t| !codes.contains_key(&t.id)) {
            self.drop(&t.at, t.id.clone(), "line type not used by any line");
        }
        for s in &g.switches {
            if s.closed && id(&s.node_a) == id(&s.node_b) {
                continue; // merged (no_sw), listed by `nodes`
            }
            let edge = Line {
                name: s.id.clone(),
                kind: LineKind::Switch,
                normally_open: !s.closed,
                ..Line::between(id(&s.node_a), id(&s.node_b))
            };
            self.add(&mut edges, edge, &s.at);
        }
        let mut used_types = BTreeSet::new();
        for t in &g.transformers {
            let ty = &g.transformer_types[&t.transformer_type];
            used_types.insert(&ty.id);
            let kva = ty.rated_mva * 1000.0;
            let r_pct = 100.0 * ty.copper_loss_kw / kva;
            if t.tap_position != 0.0 {
                self.drop(
                    &t.at,
                    format!("{} tappos={}", t.id, t.tap_position),
                    "tap position not modelled: the rated voltages are kept",
                );
            }
            let edge = Line {
                name: t.id.clone(),
                kind: LineKind::Transformer,
                transformer: Some(TransformerRating {
                    kva,
                    from_kv: ty.hv_kv,
                    to_kv: ty.lv_kv,
                    r_pct,
                    x_pct: (ty.impedance_pct.powi(2) - r_pct.powi(2)).max(0.0).sqrt(),
                    from_connection: WindingConnection::Wye,
                    to_connection: WindingConnection::Wye,
                }),
                ..Line::between(id(&t.node_hv), id(&t.node_lv))
            };
            self.add(&mut edges, edge, &t.at);
        }
        for ty in g
            .transformer_types
            .values()
            .filter(|t| !used_types.contains(&t.id))
        {
            self.drop(
                &ty.at,
                ty.id.clone(),
                "transformer type not used by any transformer",
            );
        }
        Ok(GridConfig {
            nodes: grid_nodes,
            lines: edges.lines,
            line_codes: codes,
            power_flow: Default::default(),
        })
    }

    /// Adds an edge unless it joins a node to itself or parallels an edge already added: the
    /// scenario's graph has one edge per pair of nodes.
    fn add(&mut self, edges: &mut Edges, edge: Line, at: &Location) {
        if edge.from == edge.to {
            let reason = "joins a node to itself (its ends are merged): no edge of the graph";
            self.drop(at, edge.name, reason);
            return;
        }
        let pair = (edge.from.min(edge.to), edge.from.max(edge.to));
        if let Some(&i) = edges.by_pair.get(&pair) {
            let reason = format!(
                "parallel to {} between the same nodes: the graph keeps one edge",
                edges.lines[i].name
            );
            self.drop(at, edge.name, reason);
            return;
        }
        edges.by_pair.insert(pair, edges.lines.len());
        edges.lines.push(edge);
    }

    fn entities(
        &mut self,
        nodes: &BTreeMap<String, (NodeId, String)>,
    ) -> Result<Entities, ImportError> {
        let g = self.grid;
        let h = self.interval_h;
        let id = |node: &str| nodes[node].0;
        let mut e = Entities::default();
        for l in &g.loads {
            let kw = l.p_mw * 1000.0;
            let kvar = l.q_mvar * 1000.0;
            let power_factor = if kw > 0.0 {
                Some(kw / kw.hypot(kvar) * if kvar < 0.0 { -1.0 } else { 1.0 })
            } else {
                if kvar != 0.0 {
                    self.drop(
                        &l.at,
                        format!("{} qLoad", l.id),
                        "reactive power without pLoad",
                    );
                }
                None
            };
            let profile = l.profile.as_ref().map(|p| {
                self.profiles.insert((Table::Load, format!("{p}_pload")));
                format!("{p}_pload")
            });
            e.consumers.push(Consumer {
                id: format!("load.{}", l.id),
                node: id(&l.node),
                demand_kwh: kw * h,
                priority: 0,
                monthly_kwh: None,
                profile,
                customers: 1,
                power_factor,
                connection: None,
            });
        }
        let mut q_dropped = BTreeSet::new();
        for l in &g.loads {
            if let Some(p) = &l.profile
                && q_dropped.insert(p)
                && g.load_profiles.columns.contains_key(&format!("{p}_qload"))
            {
                self.drop(
                    &g.load_profiles.at,
                    format!("LoadProfile.csv column {p}_qload"),
                    "reactive profile: the loads' reactive power follows their power factor",
                );
            }
        }
        for r in &g.res {
            let kind = r.kind.to_lowercase();
            let (list, prefix) = if kind.contains("pv") || kind == "lv_res" {
                (&mut e.solar, "pv")
            } else if kind.contains("wind") {
                (&mut e.wind, "wind")
            } else {
                self.drop(
                    &r.at,
                    format!("{} ({}, {} MW)", r.id, r.kind, r.p_mw),
                    "neither PV nor wind: blackstart has no dispatchable or steady generator \
                     entity",
                );
                continue;
            };
            if r.q_mvar != 0.0 {
                self.drop(
                    &r.at,
                    format!("{} qRES", r.id),
                    "generators' reactive power",
                );
            }
            let profile = r.profile.as_ref().map(|p| {
                self.profiles.insert((Table::Res, p.clone()));
                p.clone()
            });
            list.push(Der {
                id: format!("{prefix}.{}", r.id),
                node: id(&r.node),
                generation_kwh: r.p_mw * 1000.0 * h,
                profile,
            });
        }
        for s in &g.storages {
            if !(s.energy_mwh > 0.0 && s.rated_mva > 0.0) {
                self.drop(
                    &s.at,
                    s.id.clone(),
                    "no energy capacity or rated power: not a battery",
                );
                continue;
            }
            if !(s.efficiency > 0.0 && s.efficiency <= 1.0) {
                return Err(ImportError::Unrepresentable {
                    at: self.at(&s.at),
                    what: s.id.clone(),
                    message: format!("etaStore {} is not in (0, 1]", s.efficiency),
                });
            }
            if let Some(profile) = &s.profile {
                self.drop(
                    &s.at,
                    format!("{} profile {profile}", s.id),
                    "a storage dispatch profile: blackstart's battery banks dispatch themselves",
                );
            }
            if let Some(sd) = s.self_discharge.filter(|&sd| sd != 0.0) {
                self.drop(
                    &s.at,
                    format!("{} sdStore={sd}", s.id),
                    "self-discharge not modelled",
                );
            }
            let capacity_kwh = s.energy_mwh * 1000.0;
            let rated_kw = s.rated_mva * 1000.0;
            let stored_kwh = s.charge_level.clamp(0.0, 1.0) * capacity_kwh;
            e.batteries.push(BatteryBank {
                id: format!("storage.{}", s.id),
                node: id(&s.node),
                capacity_kwh,
                stored_kwh,
                charge_kwh: 0.0,
                discharge_kwh: super::offered_discharge_kwh(
                    rated_kw,
                    self.interval_h,
                    stored_kwh,
                    0.0,
                ),
                battery: Some(BatteryConfig {
                    capacity_kwh: None,
                    charge_kw: Some(rated_kw),
                    discharge_kw: Some(rated_kw),
                    round_trip_efficiency: s.efficiency,
                    reserve: 0.0,
                    initial_soc: None,
                }),
            });
        }
        Ok(e)
    }

    /// The profiles used, each a multiplier series column of the one table, over the horizon.
    fn profiles(
        &mut self,
        options: &ImportOptions,
    ) -> Result<(BTreeMap<String, ProfileSpec>, Option<ProfileTable>), ImportError> {
        let g = self.grid;
        for (table, name) in [(&g.load_profiles, "LoadProfile.csv")]
            .into_iter()
            .chain(g.res_profiles.iter().map(|t| (t, "RESProfile.csv")))
        {
            if table.start != g.load_profiles.start {
                return Err(ImportError::Unrepresentable {
                    at: self.at(&table.at),
                    what: name.to_string(),
                    message: "its first time differs from LoadProfile.csv's".to_string(),
                });
            }
            if options.horizon_s > table.span_s() {
                return Err(ImportError::Option {
                    option: "days",
                    message: format!(
                        "the horizon ({} days) is longer than {name} ({} days)",
                        options.horizon_s / 86_400.0,
                        table.span_s() / 86_400.0
                    ),
                });
            }
        }
        for (kind, table, file) in [
            (Table::Load, Some(&g.load_profiles), "LoadProfile.csv"),
            (Table::Res, g.res_profiles.as_ref(), "RESProfile.csv"),
        ] {
            for column in table.iter().flat_map(|t| t.columns.keys()) {
                let used = self.profiles.contains(&(kind, column.clone()))
                    || (column.strip_suffix("_qload")).is_some_and(|p| {
                        self.profiles.contains(&(Table::Load, format!("{p}_pload")))
                    });
                if !used {
                    let at = &table.expect("iterated").at;
                    self.drop(
                        at,
                        format!("{file} column {column}"),
                        "profile not used by any element",
                    );
                }
            }
        }
        let names: BTreeSet<&String> = self.profiles.iter().map(|(_, n)| n).collect();
        if names.len() < self.profiles.len() {
            return Err(ImportError::Unrepresentable {
                at: self.at(&g.load_profiles.at),
                what: "profiles".to_string(),
                message: "a load profile column has the name of a RES profile column".to_string(),
            });
        }
        let mut shapes = Vec::new();
        for (table, name) in self.profiles.clone() {
            let (t, file) = match table {
                Table::Load => (&g.load_profiles, "LoadProfile.csv"),
                Table::Res => (
                    g.res_profiles.as_ref().expect("read with the RES using it"),
                    "RESProfile.csv",
                ),
            };
            let values = &t.columns[&name];
            let negative: Vec<f64> = values.iter().copied().filter(|&v| v < 0.0).collect();
            if !negative.is_empty() {
                let least = negative.iter().copied().fold(0.0, f64::min);
                self.drop(
                    &t.at,
                    format!(
                        "{file} column {name}: {} values < 0, least {least}",
                        negative.len()
                    ),
                    "a negative multiplier (a generator's own consumption, a rounding) set to 0: \
                     a series holds values ≥ 0",
                );
            }
            shapes.push(Shape {
                name,
                step_s: t.step_s,
                values: values.iter().map(|&v| v.max(0.0)).collect(),
            });
        }
        let specs = (shapes.iter())
            .map(|s| {
                let spec = ProfileSpec::Series(SeriesSpec {
                    path: options.profile_file.clone(),
                    time_column: "timestamp".to_string(),
                    column: Some(s.name.clone()),
                    unit: SeriesUnit::Multiplier,
                });
                (s.name.clone(), spec)
            })
            .collect();
        let table = if shapes.is_empty() {
            None
        } else {
            let table = ProfileTable::new(&shapes, options.horizon_s).map_err(|message| {
                ImportError::Option {
                    option: "days",
                    message,
                }
            })?;
            Some(table)
        };
        Ok((specs, table))
    }
}

/// The edges added so far, with the index of each pair of nodes.
#[derive(Default)]
struct Edges {
    lines: Vec<Line>,
    by_pair: BTreeMap<(NodeId, NodeId), usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vendored() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/feeders/simbench/1-LV-rural1--2-sw")
    }

    fn imported(code: &str, days: f64) -> Imported {
        let mut options = ImportOptions::new("grid.profiles.parquet");
        options.horizon_s = days * 86_400.0;
        import(&vendored(), code, &options).unwrap()
    }

    /// The counts hand-checked from the CSVs: Node.csv has 43 rows, Line.csv 13, Switch.csv 28
    /// (all closed), Transformer.csv 1, Load.csv 28 (pLoad 0.1813 MW, qLoad 0.0717 Mvar), RES.csv
    /// 8 PV (pRES 0.4682 MW), Storage.csv 5 (eStore 0.412 MWh, sR 0.206 MVA).
    #[test]
    fn the_vendored_grid_imports_with_its_counts() {
        let i = imported("1-LV-rural1--2-sw", 14.0);
        let c = &i.report.counts;
        assert_eq!(
            (
                c.buses,
                c.lines,
                c.switches,
                c.normally_open,
                c.transformer_edges
            ),
            (43, 13, 28, 0, 1)
        );
        assert_eq!((c.loads, c.customers), (28, 28));
        assert!((c.load_kw - 181.3).abs() < 1e-9 && (c.load_kvar - 71.7).abs() < 1e-9);
        assert_eq!((c.pv_systems, c.wind_plants), (8, 0));
        assert!((c.pv_kw - 468.2).abs() < 1e-9);
        assert_eq!(c.storages, 5);
        assert!((c.storage_kwh - 412.0).abs() < 1e-9 && (c.storage_kw - 206.0).abs() < 1e-9);

        let s = &i.scenario;
        assert_eq!(s.time.start_date.as_deref(), Some("2016-01-01"));
        assert_eq!(s.grid.nodes[0].name, "MV1.101 Bus 4");
        assert_eq!(s.grid.nodes[0].kind, crate::scenario::NodeKind::Source);
        let code = &s.grid.line_codes["NAYY 4x150SE 0.6/1kV"];
        assert_eq!(
            (code.r1_ohm_per_km, code.rating_a),
            (Some(0.2067), Some(270.0))
        );
        let t = s
            .grid
            .lines
            .iter()
            .find(|l| l.kind == LineKind::Transformer)
            .unwrap();
        let rating = t.transformer.as_ref().unwrap();
        assert_eq!(
            (rating.kva, rating.from_kv, rating.to_kv),
            (160.0, 20.0, 0.4)
        );
        assert!((rating.r_pct - 100.0 * 2.35 / 160.0).abs() < 1e-12);
        let load = &s.entities.consumers[0];
        assert_eq!(load.id, "load.LV1.101 Load 1");
        assert_eq!(load.profile.as_deref(), Some("L2-A_pload"));
        assert_eq!(s.entities.solar[0].id, "pv.LV1.101 SGen 1");
        let table = i.profiles.unwrap();
        assert_eq!(table.timestamps_s.len(), 14 * 96);
        assert_eq!(table.columns.len(), 16);

        let why = |what: &str| {
            (i.report.dropped.iter())
                .find(|d| d.what.starts_with(what))
                .map(|d| format!("{} {}", d.at, d.reason))
        };
        assert_eq!(
            why("MV1.101-LV1.101-Trafo 1 tappos").as_deref(),
            Some("Transformer.csv:2 tap position not modelled: the rated voltages are kept")
        );
        assert_eq!(
            why("DCLineType.csv").as_deref(),
            Some("DCLineType.csv:1 a table the importer does not read")
        );
        assert!(why("LV1.101 Storage 1 profile").is_some());
    }

    #[test]
    fn no_sw_merges_the_nodes_closed_switches_join() {
        let i = imported("1-LV-rural1--2-no_sw", 1.0);
        let c = &i.report.counts;
        assert_eq!(
            (c.buses, c.lines, c.switches, c.transformer_edges),
            (15, 13, 0, 1)
        );
        let names: Vec<&str> = i
            .scenario
            .grid
            .nodes
            .iter()
            .map(|n| n.name.as_str())
            .collect();
        assert_eq!(
            names[..3],
            ["MV1.101 Bus 4", "LV1.101 Bus 1", "LV1.101 Bus 2"]
        );
    }

    #[test]
    fn a_horizon_past_the_profiles_is_an_error() {
        let mut options = ImportOptions::new("grid.profiles.parquet");
        options.horizon_s = 15.0 * 86_400.0;
        let message = import(&vendored(), "1-LV-rural1--2-sw", &options)
            .unwrap_err()
            .to_string();
        assert_eq!(
            message,
            "--days: the horizon (15 days) is longer than LoadProfile.csv (14 days)"
        );
    }
}
