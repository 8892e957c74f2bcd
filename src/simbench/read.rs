//! Reading a grid's folder into the typed [`Grid`], checking every reference.

use super::error::{Location, SimbenchError};
use super::model::*;
use super::table::{self, Table, bad, number, optional, optional_number, text};
use std::collections::BTreeMap;
use std::path::Path;

/// The tables the reader reads; every other `.csv` of the folder is listed as not read.
const TABLES: [&str; 12] = [
    "Node",
    "Line",
    "LineType",
    "Switch",
    "ExternalNet",
    "Transformer",
    "TransformerType",
    "Load",
    "RES",
    "Storage",
    "LoadProfile",
    "RESProfile",
];

/// Reads the SimBench grid in the folder `dir`.
pub fn read(dir: &Path) -> Result<Grid, SimbenchError> {
    let mut unread = Vec::new();
    let mut finish = |t: Table| unread.extend(t.unread());

    let mut t = Table::require(dir, "Node")?;
    let nodes = nodes(&mut t)?;
    finish(t);
    let known: BTreeMap<&str, usize> = nodes.iter().map(|n| (n.id.as_str(), n.at.line)).collect();
    let node = |t: &Table, line: usize, column: &'static str, id: String| {
        if known.contains_key(id.as_str()) {
            Ok(id)
        } else {
            Err(SimbenchError::UnknownReference {
                at: t.at(line),
                column,
                value: id,
                table: "Node.csv".to_string(),
            })
        }
    };

    let mut t = Table::require(dir, "LineType")?;
    let line_types = line_types(&mut t)?;
    finish(t);
    let mut t = Table::require(dir, "Line")?;
    let (id, a, b, kind, length) = (
        t.column("id")?,
        t.column("nodeA")?,
        t.column("nodeB")?,
        t.column("type")?,
        t.column("length")?,
    );
    let mut lines = Vec::new();
    for (line, f) in &t.rows {
        let at = t.at(*line);
        let line_type = text(&at, f, kind)?;
        if !line_types.contains_key(&line_type) {
            return Err(unknown(at, "type", line_type, "LineType.csv"));
        }
        lines.push(Line {
            id: text(&at, f, id)?,
            node_a: node(&t, *line, "nodeA", text(&at, f, a)?)?,
            node_b: node(&t, *line, "nodeB", text(&at, f, b)?)?,
            line_type,
            length_km: number(&at, f, length)?,
            at,
        });
    }
    unique(lines.iter().map(|l| (&l.id, &l.at)))?;
    finish(t);

    let mut switches = Vec::new();
    if let Some(mut t) = Table::open(dir, "Switch")? {
        let (id, a, b, kind, cond) = (
            t.column("id")?,
            t.column("nodeA")?,
            t.column("nodeB")?,
            t.column("type")?,
            t.column("cond")?,
        );
        for (line, f) in &t.rows {
            let at = t.at(*line);
            let closed = match optional(f, cond) {
                Some("1") => true,
                Some("0") => false,
                _ => return Err(bad(&at, f, cond, "1 (closed) or 0 (open)")),
            };
            switches.push(Switch {
                id: text(&at, f, id)?,
                node_a: node(&t, *line, "nodeA", text(&at, f, a)?)?,
                node_b: node(&t, *line, "nodeB", text(&at, f, b)?)?,
                kind: optional(f, kind).unwrap_or_default().to_string(),
                closed,
                at,
            });
        }
        unique(switches.iter().map(|s| (&s.id, &s.at)))?;
        finish(t);
    }

    let mut t = Table::require(dir, "ExternalNet")?;
    let (id, at_node) = (t.column("id")?, t.column("node")?);
    let mut external_nets = Vec::new();
    for (line, f) in &t.rows {
        let at = t.at(*line);
        external_nets.push(ExternalNet {
            id: text(&at, f, id)?,
            node: node(&t, *line, "node", text(&at, f, at_node)?)?,
            at,
        });
    }
    if external_nets.is_empty() {
        return Err(SimbenchError::Invalid {
            at: t.at(1),
            message: "no external net: the grid has no supply".to_string(),
        });
    }
    finish(t);

    let mut transformers = Vec::new();
    let mut transformer_types = BTreeMap::new();
    if let Some(mut t) = Table::open(dir, "Transformer")? {
        let mut types = Table::require(dir, "TransformerType")?;
        transformer_types = self::transformer_types(&mut types)?;
        finish(types);
        let (id, hv, lv, kind, tap) = (
            t.column("id")?,
            t.column("nodeHV")?,
            t.column("nodeLV")?,
            t.column("type")?,
            t.column("tappos")?,
        );
        for (line, f) in &t.rows {
            let at = t.at(*line);
            let transformer_type = text(&at, f, kind)?;
            if !transformer_types.contains_key(&transformer_type) {
                return Err(unknown(at, "type", transformer_type, "TransformerType.csv"));
            }
            transformers.push(Transformer {
                id: text(&at, f, id)?,
                node_hv: node(&t, *line, "nodeHV", text(&at, f, hv)?)?,
                node_lv: node(&t, *line, "nodeLV", text(&at, f, lv)?)?,
                transformer_type,
                tap_position: optional_number(&at, f, tap)?.unwrap_or(0.0),
                at,
            });
        }
        unique(transformers.iter().map(|t| (&t.id, &t.at)))?;
        finish(t);
    }

    let mut t = Table::require(dir, "LoadProfile")?;
    let load_profiles = profiles(&mut t)?;
    finish(t);
    let mut t = Table::require(dir, "Load")?;
    let (id, at_node, profile, p, q) = (
        t.column("id")?,
        t.column("node")?,
        t.column("profile")?,
        t.column("pLoad")?,
        t.column("qLoad")?,
    );
    let mut loads = Vec::new();
    for (line, f) in &t.rows {
        let at = t.at(*line);
        let profile = optional(f, profile).map(str::to_string);
        if let Some(name) = &profile {
            let column = format!("{name}_pload");
            if !load_profiles.columns.contains_key(&column) {
                return Err(unknown(at, "profile", column, "LoadProfile.csv"));
            }
        }
        loads.push(Load {
            id: text(&at, f, id)?,
            node: node(&t, *line, "node", text(&at, f, at_node)?)?,
            profile,
            p_mw: number(&at, f, p)?,
            q_mvar: optional_number(&at, f, q)?.unwrap_or(0.0),
            at,
        });
    }
    unique(loads.iter().map(|l| (&l.id, &l.at)))?;
    finish(t);

    let mut res = Vec::new();
    let mut res_profiles = None;
    if let Some(mut t) = Table::open(dir, "RES")? {
        let (id, at_node, kind, profile, p, q) = (
            t.column("id")?,
            t.column("node")?,
            t.column("type")?,
            t.column("profile")?,
            t.column("pRES")?,
            t.column("qRES")?,
        );
        for (line, f) in &t.rows {
            let at = t.at(*line);
            res.push(Res {
                id: text(&at, f, id)?,
                node: node(&t, *line, "node", text(&at, f, at_node)?)?,
                kind: text(&at, f, kind)?,
                profile: optional(f, profile).map(str::to_string),
                p_mw: number(&at, f, p)?,
                q_mvar: optional_number(&at, f, q)?.unwrap_or(0.0),
                at,
            });
        }
        unique(res.iter().map(|r| (&r.id, &r.at)))?;
        finish(t);
        res_profiles = profiled(dir, "RESProfile", res.iter().map(|r| &r.profile))?
            .map(|mut t| {
                let table = profiles(&mut t);
                finish(t);
                table
            })
            .transpose()?;
    }

    let mut storages = Vec::new();
    let mut storage_profiles = None;
    if let Some(mut t) = Table::open(dir, "Storage")? {
        let (id, at_node, profile, s, e, level, eta, sd) = (
            t.column("id")?,
            t.column("node")?,
            t.column("profile")?,
            t.column("sR")?,
            t.column("eStore")?,
            t.column("chargeLevel")?,
            t.column("etaStore")?,
            t.column("sdStore")?,
        );
        for (line, f) in &t.rows {
            let at = t.at(*line);
            storages.push(Storage {
                id: text(&at, f, id)?,
                node: node(&t, *line, "node", text(&at, f, at_node)?)?,
                profile: optional(f, profile).map(str::to_string),
                rated_mva: number(&at, f, s)?,
                energy_mwh: number(&at, f, e)?,
                charge_level: optional_number(&at, f, level)?.unwrap_or(0.0),
                efficiency: number(&at, f, eta)?,
                self_discharge: optional_number(&at, f, sd)?,
                at,
            });
        }
        unique(storages.iter().map(|s| (&s.id, &s.at)))?;
        finish(t);
        storage_profiles = profiled(dir, "StorageProfile", storages.iter().map(|s| &s.profile))?
            .map(|mut t| {
                let table = profiles(&mut t);
                finish(t);
                table
            })
            .transpose()?;
    }
    for (table, profiles, used) in [
        (
            "RESProfile.csv",
            &res_profiles,
            res.iter().map(|r| (&r.at, &r.profile)).collect::<Vec<_>>(),
        ),
        (
            "StorageProfile.csv",
            &storage_profiles,
            storages.iter().map(|s| (&s.at, &s.profile)).collect(),
        ),
    ] {
        for (at, profile) in used {
            if let (Some(p), Some(name)) = (profiles, profile)
                && !p.columns.contains_key(name)
            {
                return Err(unknown(at.clone(), "profile", name.clone(), table));
            }
        }
    }

    let other_tables = table::other_tables(dir, &[&TABLES[..], &["StorageProfile"]].concat())
        .into_iter()
        .map(|path| {
            let rows = std::fs::read_to_string(&path)
                .map_or(0, |text| text.lines().count().saturating_sub(1));
            (path, rows)
        })
        .collect();
    Ok(Grid {
        nodes,
        lines,
        line_types,
        switches,
        external_nets,
        transformers,
        transformer_types,
        loads,
        res,
        storages,
        load_profiles,
        res_profiles,
        storage_profiles,
        unread_columns: unread,
        other_tables,
    })
}

fn unknown(at: Location, column: &'static str, value: String, table: &str) -> SimbenchError {
    SimbenchError::UnknownReference {
        at,
        column,
        value,
        table: table.to_string(),
    }
}

/// Checks that no id appears twice.
fn unique<'a>(rows: impl Iterator<Item = (&'a String, &'a Location)>) -> Result<(), SimbenchError> {
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, at) in rows {
        if let Some(&first_line) = first.get(id.as_str()) {
            return Err(SimbenchError::DuplicateId {
                at: at.clone(),
                id: id.clone(),
                first_line,
            });
        }
        first.insert(id, at.line);
    }
    Ok(())
}

/// The profile table `name` when an element names a profile: then it must exist.
fn profiled<'a>(
    dir: &Path,
    name: &'static str,
    mut profiles: impl Iterator<Item = &'a Option<String>>,
) -> Result<Option<Table>, SimbenchError> {
    if profiles.any(Option::is_some) {
        Table::require(dir, name).map(Some)
    } else {
        Ok(None)
    }
}

fn nodes(t: &mut Table) -> Result<Vec<Node>, SimbenchError> {
    let (id, kind, rated) = (t.column("id")?, t.column("type")?, t.column("vmR")?);
    let mut nodes = Vec::new();
    for (line, f) in &t.rows {
        let at = t.at(*line);
        nodes.push(Node {
            id: text(&at, f, id)?,
            kind: optional(f, kind).unwrap_or_default().to_string(),
            rated_kv: optional_number(&at, f, rated)?,
            at,
        });
    }
    unique(nodes.iter().map(|n| (&n.id, &n.at)))?;
    Ok(nodes)
}

fn line_types(t: &mut Table) -> Result<BTreeMap<String, LineType>, SimbenchError> {
    let (id, r, x, i) = (
        t.column("id")?,
        t.column("r")?,
        t.column("x")?,
        t.column("iMax")?,
    );
    let mut types = Vec::new();
    for (line, f) in &t.rows {
        let at = t.at(*line);
        types.push(LineType {
            id: text(&at, f, id)?,
            r_ohm_per_km: number(&at, f, r)?,
            x_ohm_per_km: number(&at, f, x)?,
            rating_a: number(&at, f, i)?,
            at,
        });
    }
    unique(types.iter().map(|t| (&t.id, &t.at)))?;
    Ok(types.into_iter().map(|t| (t.id.clone(), t)).collect())
}

fn transformer_types(t: &mut Table) -> Result<BTreeMap<String, TransformerType>, SimbenchError> {
    let (id, s, hv, lv, imp, cu) = (
        t.column("id")?,
        t.column("sR")?,
        t.column("vmHV")?,
        t.column("vmLV")?,
        t.column("vmImp")?,
        t.column("pCu")?,
    );
    let mut types = Vec::new();
    for (line, f) in &t.rows {
        let at = t.at(*line);
        types.push(TransformerType {
            id: text(&at, f, id)?,
            rated_mva: number(&at, f, s)?,
            hv_kv: number(&at, f, hv)?,
            lv_kv: number(&at, f, lv)?,
            impedance_pct: number(&at, f, imp)?,
            copper_loss_kw: number(&at, f, cu)?,
            at,
        });
    }
    unique(types.iter().map(|t| (&t.id, &t.at)))?;
    Ok(types.into_iter().map(|t| (t.id.clone(), t)).collect())
}

/// A profile table: the `time` column (`dd.mm.yyyy HH:MM` local time, one row per step) and
/// every other column as numbers.
fn profiles(t: &mut Table) -> Result<ProfileTable, SimbenchError> {
    let time = t.column("time")?;
    let names: Vec<(usize, String)> = (t.header().iter().enumerate())
        .filter(|(_, name)| *name != "time")
        .map(|(i, name)| (i, name.clone()))
        .collect();
    for (_, name) in &names {
        t.find(name);
    }
    let mut columns: Vec<Vec<f64>> = vec![Vec::with_capacity(t.rows.len()); names.len()];
    let mut times = Vec::with_capacity(t.rows.len());
    for (line, f) in &t.rows {
        let at = t.at(*line);
        let when = optional(f, time)
            .and_then(|v| chrono::NaiveDateTime::parse_from_str(v, "%d.%m.%Y %H:%M").ok())
            .ok_or_else(|| bad(&at, f, time, "a time dd.mm.yyyy HH:MM"))?;
        times.push((at.line, when));
        for ((i, name), values) in names.iter().zip(&mut columns) {
            let value = f[*i]
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| SimbenchError::Invalid {
                    at: at.clone(),
                    message: format!("{name} = `{}` is not a number", f[*i]),
                })?;
            values.push(value);
        }
    }
    let Some(&(_, start)) = times.first() else {
        return Err(SimbenchError::Invalid {
            at: t.at(1),
            message: "no rows: a profile needs at least two".to_string(),
        });
    };
    let step_s = times
        .get(1)
        .map_or(0, |(_, second)| (*second - start).num_seconds());
    if step_s <= 0 {
        return Err(SimbenchError::Invalid {
            at: t.at(times.get(1).map_or(1, |(line, _)| *line)),
            message: "the time must increase by a step from the first row to the second"
                .to_string(),
        });
    }
    // Local time (CET/CEST): the clock skips an hour in March and repeats one in October, so
    // a row's clock is its step's time or an hour later.
    for (i, (line, when)) in times.iter().enumerate() {
        let ahead_s = (*when - start).num_seconds() - i as i64 * step_s;
        if ahead_s != 0 && ahead_s != 3600 {
            return Err(SimbenchError::Invalid {
                at: t.at(*line),
                message: format!(
                    "time {} is not {} steps of {step_s} s after {} (nor an hour later, for \
                     daylight saving time)",
                    when.format("%d.%m.%Y %H:%M"),
                    i,
                    start.format("%d.%m.%Y %H:%M")
                ),
            });
        }
    }
    Ok(ProfileTable {
        at: t.at(1),
        start,
        step_s: step_s as f64,
        columns: names.into_iter().map(|(_, n)| n).zip(columns).collect(),
    })
}
