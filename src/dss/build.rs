//! Typing: raw objects into the [`Circuit`], with OpenDSS's defaults, then the checks across
//! objects (line codes, load shapes, buses, controlled elements).

use std::collections::HashSet;
use std::path::Path;

use super::error::{DssError, Location};
use super::model::*;
use super::rpn;
use super::script::{Class, Prop, RawObject, Script};

impl Prop {
    fn bad(&self, o: &RawObject, expected: &str) -> DssError {
        DssError::BadValue {
            at: self.at.clone(),
            object: o.label(),
            setting: format!("{}={}", self.key, self.value.text),
            expected: expected.to_string(),
        }
    }

    /// A number: plain, or an RPN expression when delimited.
    fn number(&self, o: &RawObject) -> Result<f64, DssError> {
        let text = self.value.text.trim();
        if self.value.delimiter.is_some() {
            return rpn::evaluate(text).map_err(|e| self.bad(o, &format!("not a number: {e}")));
        }
        text.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| self.bad(o, "not a number"))
    }

    fn count(&self, o: &RawObject) -> Result<u32, DssError> {
        let x = self.number(o)?;
        if x >= 0.0 && x.fract() == 0.0 && x <= f64::from(u32::MAX) {
            Ok(x as u32)
        } else {
            Err(self.bad(o, "not a whole number >= 0"))
        }
    }

    fn boolean(&self, o: &RawObject) -> Result<bool, DssError> {
        match self.value.text.to_lowercase().chars().next() {
            Some('y' | 't' | '1') | None => Ok(true),
            Some('n' | 'f' | '0') => Ok(false),
            _ => Err(self.bad(o, "not yes/no/true/false")),
        }
    }

    fn name(&self) -> String {
        self.value.text.to_lowercase()
    }

    fn bus(&self, o: &RawObject) -> Result<BusRef, DssError> {
        parse_bus(&self.value.text).ok_or_else(|| self.bad(o, "not a bus name.node.node…"))
    }

    /// The items of an array (`[a b | c]`, `(a, b)`, or one plain value).
    fn items(&self) -> Vec<&str> {
        self.value
            .text
            .split(|c: char| c.is_whitespace() || c == ',' || c == '|')
            .filter(|t| !t.is_empty())
            .collect()
    }

    fn numbers(&self, o: &RawObject) -> Result<Vec<f64>, DssError> {
        self.items()
            .into_iter()
            .map(|t| t.parse::<f64>().ok().filter(|x| x.is_finite()))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| self.bad(o, "not an array of numbers"))
    }

    fn units(&self, o: &RawObject) -> Result<LengthUnit, DssError> {
        LengthUnit::parse(&self.value.text)
            .ok_or_else(|| self.bad(o, "not a length unit (mi kft km m ft in cm mm none)"))
    }

    /// `open` → true, `closed`/`close` → false.
    fn open(&self, o: &RawObject) -> Result<bool, DssError> {
        match self.value.text.to_lowercase().as_str() {
            "open" | "o" => Ok(true),
            "closed" | "close" | "c" => Ok(false),
            _ => Err(self.bad(o, "not open/closed")),
        }
    }
}

fn parse_bus(text: &str) -> Option<BusRef> {
    let mut parts = text.split('.');
    let name = parts.next()?.to_lowercase();
    if name.is_empty() {
        return None;
    }
    let nodes = parts
        .map(|p| p.parse::<u32>().ok())
        .collect::<Option<Vec<_>>>()?;
    Some(BusRef { name, nodes })
}

/// The dropped-list entry of a property blackstart does not read.
fn drop_property(dropped: &mut Vec<Dropped>, o: &RawObject, p: &Prop) {
    dropped.push(Dropped {
        at: p.at.clone(),
        what: format!("{} property {}={}", o.label(), p.key, p.value.text),
        reason: "property not modelled by blackstart".to_string(),
    });
}

fn required<T>(value: Option<T>, o: &RawObject, property: &str) -> Result<T, DssError> {
    value.ok_or_else(|| DssError::MissingProperty {
        at: o.at.clone(),
        object: o.label(),
        property: property.to_string(),
    })
}

/// kvar from kW and a power factor (negative: the other sign, as OpenDSS).
fn kvar_from_pf(kw: f64, pf: f64) -> f64 {
    let pf_abs = pf.abs().clamp(0.0, 1.0);
    if pf_abs == 0.0 {
        return 0.0;
    }
    let q = kw * (1.0 / (pf_abs * pf_abs) - 1.0).sqrt();
    if pf < 0.0 { -q } else { q }
}

struct Builder {
    dropped: Vec<Dropped>,
}

impl Builder {
    fn vsource(&mut self, o: &RawObject) -> Result<Vsource, DssError> {
        let mut v = Vsource {
            name: o.name.clone(),
            at: o.at.clone(),
            bus1: BusRef {
                name: "sourcebus".to_string(),
                nodes: Vec::new(),
            },
            base_kv: 115.0,
            pu: 1.0,
            phases: 3,
        };
        for p in &o.props {
            match p.key.as_str() {
                "bus1" => v.bus1 = p.bus(o)?,
                "basekv" => v.base_kv = p.number(o)?,
                "pu" => v.pu = p.number(o)?,
                "phases" => v.phases = p.count(o)?,
                _ => drop_property(&mut self.dropped, o, p),
            }
        }
        Ok(v)
    }

    fn line_code(&mut self, o: &RawObject) -> Result<LineCode, DssError> {
        let mut c = LineCode {
            name: o.name.clone(),
            at: o.at.clone(),
            phases: 3,
            r1_ohm_per_unit: None,
            x1_ohm_per_unit: None,
            r0_ohm_per_unit: None,
            x0_ohm_per_unit: None,
            rmatrix_ohm_per_unit: Vec::new(),
            xmatrix_ohm_per_unit: Vec::new(),
            units: LengthUnit::None,
            norm_amps: None,
        };
        for p in &o.props {
            match p.key.as_str() {
                "nphases" => c.phases = p.count(o)?,
                "r1" => c.r1_ohm_per_unit = Some(p.number(o)?),
                "x1" => c.x1_ohm_per_unit = Some(p.number(o)?),
                "r0" => c.r0_ohm_per_unit = Some(p.number(o)?),
                "x0" => c.x0_ohm_per_unit = Some(p.number(o)?),
                "rmatrix" => c.rmatrix_ohm_per_unit = p.numbers(o)?,
                "xmatrix" => c.xmatrix_ohm_per_unit = p.numbers(o)?,
                "units" => c.units = p.units(o)?,
                "normamps" => c.norm_amps = Some(p.number(o)?),
                _ => drop_property(&mut self.dropped, o, p),
            }
        }
        Ok(c)
    }

    fn line(&mut self, o: &RawObject) -> Result<Line, DssError> {
        let (mut bus1, mut bus2) = (None, None);
        let mut l = Line {
            name: o.name.clone(),
            at: o.at.clone(),
            bus1: BusRef {
                name: String::new(),
                nodes: Vec::new(),
            },
            bus2: BusRef {
                name: String::new(),
                nodes: Vec::new(),
            },
            phases: 3,
            length: 1.0,
            units: LengthUnit::None,
            linecode: None,
            linecode_at: None,
            r1_ohm_per_unit: None,
            x1_ohm_per_unit: None,
            r0_ohm_per_unit: None,
            x0_ohm_per_unit: None,
            switch: false,
            enabled: true,
            open: false,
            norm_amps: None,
        };
        for p in &o.props {
            match p.key.as_str() {
                "bus1" => bus1 = Some(p.bus(o)?),
                "bus2" => bus2 = Some(p.bus(o)?),
                "phases" => l.phases = p.count(o)?,
                "length" => l.length = p.number(o)?,
                "units" => l.units = p.units(o)?,
                "linecode" => {
                    l.linecode = Some(p.name());
                    l.linecode_at = Some(p.at.clone());
                }
                "r1" => l.r1_ohm_per_unit = Some(p.number(o)?),
                "x1" => l.x1_ohm_per_unit = Some(p.number(o)?),
                "r0" => l.r0_ohm_per_unit = Some(p.number(o)?),
                "x0" => l.x0_ohm_per_unit = Some(p.number(o)?),
                "switch" => l.switch = p.boolean(o)?,
                "enabled" => l.enabled = p.boolean(o)?,
                "normamps" => l.norm_amps = Some(p.number(o)?),
                _ => drop_property(&mut self.dropped, o, p),
            }
        }
        l.bus1 = required(bus1, o, "bus1")?;
        l.bus2 = required(bus2, o, "bus2")?;
        Ok(l)
    }

    fn transformer(&mut self, o: &RawObject) -> Result<Transformer, DssError> {
        let default = Winding {
            bus: None,
            conn: "wye".to_string(),
            kv: 12.47,
            kva: 1000.0,
            pct_r: 0.2,
        };
        let mut t = Transformer {
            name: o.name.clone(),
            at: o.at.clone(),
            phases: 3,
            windings: vec![default.clone(); 2],
            xhl_pct: 7.0,
        };
        let mut w = 0usize;
        for p in &o.props {
            match p.key.as_str() {
                "phases" => t.phases = p.count(o)?,
                "windings" => {
                    let n = p.count(o)? as usize;
                    if n < 2 {
                        return Err(p.bad(o, "a transformer needs at least 2 windings"));
                    }
                    t.windings.resize(n, default.clone());
                }
                "wdg" => {
                    let n = p.count(o)? as usize;
                    if n == 0 || n > t.windings.len() {
                        return Err(p.bad(o, &format!("not a winding 1..={}", t.windings.len())));
                    }
                    w = n - 1;
                }
                "bus" => t.windings[w].bus = Some(p.bus(o)?),
                "conn" => t.windings[w].conn = p.name(),
                "kv" => t.windings[w].kv = p.number(o)?,
                "kva" => t.windings[w].kva = p.number(o)?,
                "%r" => t.windings[w].pct_r = p.number(o)?,
                "buses" | "conns" | "kvs" | "kvas" | "%rs" => {
                    let items = p.items();
                    if items.len() > t.windings.len() {
                        return Err(p.bad(o, &format!("more than {} windings", t.windings.len())));
                    }
                    let numbers = match p.key.as_str() {
                        "kvs" | "kvas" | "%rs" => p.numbers(o)?,
                        _ => Vec::new(),
                    };
                    for (k, item) in items.iter().enumerate() {
                        let wdg = &mut t.windings[k];
                        match p.key.as_str() {
                            "buses" => {
                                wdg.bus =
                                    Some(parse_bus(item).ok_or_else(|| p.bad(o, "not a bus"))?)
                            }
                            "conns" => wdg.conn = item.to_lowercase(),
                            "kvs" => wdg.kv = numbers[k],
                            "kvas" => wdg.kva = numbers[k],
                            _ => wdg.pct_r = numbers[k],
                        }
                    }
                }
                "xhl" => t.xhl_pct = p.number(o)?,
                // OpenDSS splits the load loss equally between the first two windings' %R.
                "%loadloss" => {
                    let pct_r = p.number(o)? / 2.0;
                    for winding in t.windings.iter_mut().take(2) {
                        winding.pct_r = pct_r;
                    }
                }
                _ => drop_property(&mut self.dropped, o, p),
            }
        }
        for (k, wdg) in t.windings.iter().enumerate() {
            if wdg.bus.is_none() {
                return Err(DssError::MissingProperty {
                    at: o.at.clone(),
                    object: o.label(),
                    property: format!("bus of winding {}", k + 1),
                });
            }
        }
        Ok(t)
    }

    fn load(&mut self, o: &RawObject) -> Result<Load, DssError> {
        let mut bus1 = None;
        let (mut kvar, mut pf) = (None, Some(0.88));
        let mut l = Load {
            name: o.name.clone(),
            at: o.at.clone(),
            bus1: BusRef {
                name: String::new(),
                nodes: Vec::new(),
            },
            phases: 3,
            kv: 12.47,
            kw: 10.0,
            kvar: 0.0,
            model: 1,
            conn: "wye".to_string(),
            daily: None,
            yearly: None,
            num_customers: 1,
            enabled: true,
        };
        for p in &o.props {
            match p.key.as_str() {
                "bus1" => bus1 = Some(p.bus(o)?),
                "phases" => l.phases = p.count(o)?,
                "kv" => l.kv = p.number(o)?,
                "kw" => l.kw = p.number(o)?,
                "kvar" => {
                    kvar = Some(p.number(o)?);
                    pf = None;
                }
                "pf" => {
                    pf = Some(p.number(o)?);
                    kvar = None;
                }
                "model" => l.model = p.count(o)?,
                "conn" => l.conn = p.name(),
                "daily" => l.daily = Some(p.name()),
                "yearly" => l.yearly = Some(p.name()),
                "numcust" => l.num_customers = p.count(o)?,
                "enabled" => l.enabled = p.boolean(o)?,
                _ => drop_property(&mut self.dropped, o, p),
            }
        }
        l.bus1 = required(bus1, o, "bus1")?;
        l.kvar = match (kvar, pf) {
            (Some(q), _) => q,
            (None, Some(pf)) => kvar_from_pf(l.kw, pf),
            (None, None) => 0.0,
        };
        Ok(l)
    }

    fn load_shape(&mut self, o: &RawObject) -> Result<LoadShape, DssError> {
        let mut s = LoadShape {
            name: o.name.clone(),
            at: o.at.clone(),
            npts: 0,
            interval_h: 1.0,
            mult: Vec::new(),
            file: None,
            use_actual: false,
        };
        let mut npts = None;
        let mut mult_at = o.at.clone();
        for p in &o.props {
            match p.key.as_str() {
                "npts" => npts = Some(p.count(o)? as usize),
                "interval" => s.interval_h = p.number(o)?,
                "minterval" => s.interval_h = p.number(o)? / 60.0,
                "sinterval" => s.interval_h = p.number(o)? / 3600.0,
                "useactual" => s.use_actual = p.boolean(o)?,
                "mult" | "pmult" | "csvfile" => {
                    mult_at = p.at.clone();
                    match shape_file(p, o)? {
                        Some(file) => {
                            s.mult = read_shape_file(&file, o, p)?;
                            s.file = Some(file.path);
                        }
                        None => {
                            s.mult = p.numbers(o)?;
                            s.file = None;
                        }
                    }
                }
                _ => drop_property(&mut self.dropped, o, p),
            }
        }
        s.npts = npts.unwrap_or(s.mult.len());
        if s.mult.len() < s.npts {
            return Err(DssError::LoadShapeTooShort {
                at: mult_at,
                object: o.label(),
                npts: s.npts,
                found: s.mult.len(),
                source_name: match &s.file {
                    Some(f) => f.display().to_string(),
                    None => "mult".to_string(),
                },
            });
        }
        s.mult.truncate(s.npts);
        Ok(s)
    }

    fn pv(&mut self, o: &RawObject) -> Result<PvSystem, DssError> {
        let mut bus1 = None;
        let mut v = PvSystem {
            name: o.name.clone(),
            at: o.at.clone(),
            bus1: BusRef {
                name: String::new(),
                nodes: Vec::new(),
            },
            phases: 3,
            kv: 12.47,
            pmpp_kw: 500.0,
            irradiance: 1.0,
            kva: 500.0,
            daily: None,
            yearly: None,
            enabled: true,
        };
        for p in &o.props {
            match p.key.as_str() {
                "bus1" => bus1 = Some(p.bus(o)?),
                "phases" => v.phases = p.count(o)?,
                "kv" => v.kv = p.number(o)?,
                "pmpp" => v.pmpp_kw = p.number(o)?,
                "irradiance" => v.irradiance = p.number(o)?,
                "kva" => v.kva = p.number(o)?,
                "daily" => v.daily = Some(p.name()),
                "yearly" => v.yearly = Some(p.name()),
                "enabled" => v.enabled = p.boolean(o)?,
                _ => drop_property(&mut self.dropped, o, p),
            }
        }
        v.bus1 = required(bus1, o, "bus1")?;
        Ok(v)
    }

    fn storage(&mut self, o: &RawObject) -> Result<Storage, DssError> {
        let mut bus1 = None;
        let mut pct_stored = None;
        let mut kwh_stored = None;
        let mut s = Storage {
            name: o.name.clone(),
            at: o.at.clone(),
            bus1: BusRef {
                name: String::new(),
                nodes: Vec::new(),
            },
            phases: 3,
            kv: 12.47,
            kw_rated: 25.0,
            kwh_rated: 50.0,
            kwh_stored: 0.0,
            reserve_pct: 20.0,
            efficiency_charge_pct: 90.0,
            efficiency_discharge_pct: 90.0,
            enabled: true,
        };
        for p in &o.props {
            match p.key.as_str() {
                "bus1" => bus1 = Some(p.bus(o)?),
                "phases" => s.phases = p.count(o)?,
                "kv" => s.kv = p.number(o)?,
                "kwrated" => s.kw_rated = p.number(o)?,
                "kwhrated" => s.kwh_rated = p.number(o)?,
                "kwhstored" => {
                    kwh_stored = Some(p.number(o)?);
                    pct_stored = None;
                }
                "%stored" => {
                    pct_stored = Some(p.number(o)?);
                    kwh_stored = None;
                }
                "%reserve" => s.reserve_pct = p.number(o)?,
                "%effcharge" => s.efficiency_charge_pct = p.number(o)?,
                "%effdischarge" => s.efficiency_discharge_pct = p.number(o)?,
                "enabled" => s.enabled = p.boolean(o)?,
                _ => drop_property(&mut self.dropped, o, p),
            }
        }
        s.bus1 = required(bus1, o, "bus1")?;
        s.kwh_stored = kwh_stored.unwrap_or(s.kwh_rated * pct_stored.unwrap_or(100.0) / 100.0);
        Ok(s)
    }

    fn generator(&mut self, o: &RawObject) -> Result<Generator, DssError> {
        let mut bus1 = None;
        let (mut kvar, mut pf) = (None, Some(0.8));
        let mut g = Generator {
            name: o.name.clone(),
            at: o.at.clone(),
            bus1: BusRef {
                name: String::new(),
                nodes: Vec::new(),
            },
            phases: 3,
            kv: 12.47,
            kw: 1000.0,
            kvar: 0.0,
            kva: None,
            enabled: true,
        };
        for p in &o.props {
            match p.key.as_str() {
                "bus1" => bus1 = Some(p.bus(o)?),
                "phases" => g.phases = p.count(o)?,
                "kv" => g.kv = p.number(o)?,
                "kw" => g.kw = p.number(o)?,
                "kvar" => {
                    kvar = Some(p.number(o)?);
                    pf = None;
                }
                "pf" => {
                    pf = Some(p.number(o)?);
                    kvar = None;
                }
                "kva" => g.kva = Some(p.number(o)?),
                "enabled" => g.enabled = p.boolean(o)?,
                _ => drop_property(&mut self.dropped, o, p),
            }
        }
        g.bus1 = required(bus1, o, "bus1")?;
        g.kvar = match (kvar, pf) {
            (Some(q), _) => q,
            (None, Some(pf)) => kvar_from_pf(g.kw, pf),
            (None, None) => 0.0,
        };
        Ok(g)
    }

    fn control(&mut self, o: &RawObject, kind: ControlKind) -> Result<Control, DssError> {
        let mut c = Control {
            kind,
            name: o.name.clone(),
            at: o.at.clone(),
            element: None,
            normal_open: None,
            state_open: None,
        };
        let mut monitored = None;
        for p in &o.props {
            match p.key.as_str() {
                "switchedobj" => c.element = Some(p.name()),
                "monitoredobj" => monitored = Some(p.name()),
                "normal" => c.normal_open = Some(p.open(o)?),
                "state" | "action" => c.state_open = Some(p.open(o)?),
                _ => drop_property(&mut self.dropped, o, p),
            }
        }
        c.element = c.element.or(monitored);
        Ok(c)
    }
}

/// A load shape's values file: `mult=(file=x.csv col=2 header=yes)` or `csvfile=x.csv`.
struct ShapeFile {
    path: std::path::PathBuf,
    /// The 1-based column read.
    column: usize,
    /// Whether the first line is a header.
    header: bool,
}

/// The values file a `mult`/`pmult`/`csvfile` property names, if it names one; relative paths
/// are joined to the folder of the `.dss` file that names them.
fn shape_file(p: &Prop, o: &RawObject) -> Result<Option<ShapeFile>, DssError> {
    let base = p.at.file.parent().unwrap_or(Path::new(""));
    if p.key == "csvfile" {
        let path = base.join(p.value.text.trim());
        return Ok(Some(ShapeFile {
            path,
            column: 1,
            header: false,
        }));
    }
    if !p.value.text.trim_start().to_lowercase().starts_with("file") {
        return Ok(None);
    }
    let mut file = ShapeFile {
        path: base.to_path_buf(),
        column: 1,
        header: false,
    };
    let mut named = false;
    for q in super::lexer::tokenize(&p.value.text, &p.at)? {
        let inner = Prop {
            key: q.name.clone().unwrap_or_default(),
            value: q.value,
            at: p.at.clone(),
        };
        match inner.key.as_str() {
            "file" => {
                file.path = base.join(inner.value.text.trim());
                named = true;
            }
            "col" | "column" => file.column = inner.count(o)?.max(1) as usize,
            "header" => file.header = inner.boolean(o)?,
            _ => return Err(p.bad(o, "file=… takes only file, col and header")),
        }
    }
    Ok(named.then_some(file))
}

/// Reads a load shape file: field `column` of each non-empty line (after the header, if any).
fn read_shape_file(file: &ShapeFile, o: &RawObject, p: &Prop) -> Result<Vec<f64>, DssError> {
    let path = file.path.as_path();
    let text = std::fs::read_to_string(path).map_err(|source| DssError::LoadShapeFile {
        at: p.at.clone(),
        object: o.label(),
        file: path.to_path_buf(),
        source,
    })?;
    let mut values = Vec::new();
    for (i, line) in text.lines().enumerate().skip(usize::from(file.header)) {
        let mut fields = line
            .split([',', ' ', '\t'])
            .filter(|f| !f.trim().is_empty());
        let Some(first) = fields.next() else { continue };
        let field = std::iter::once(first)
            .chain(fields)
            .nth(file.column - 1)
            .unwrap_or("");
        let value = field
            .trim()
            .parse::<f64>()
            .map_err(|_| DssError::LoadShapeValue {
                at: Location {
                    file: path.into(),
                    line: i + 1,
                },
                value: field.trim().to_string(),
            })?;
        values.push(value);
    }
    Ok(values)
}

/// Types every raw object of a script and checks the references between them.
pub(crate) fn build(script: Script, master: &Path) -> Result<Circuit, DssError> {
    let Some((circuit_name, _)) = script.circuit.clone() else {
        return Err(DssError::NoCircuit {
            file: master.to_path_buf(),
        });
    };
    let mut b = Builder {
        dropped: script.dropped,
    };
    let mut c = Circuit {
        name: circuit_name,
        source: Vsource {
            name: String::new(),
            at: Location {
                file: master.into(),
                line: 0,
            },
            bus1: BusRef {
                name: String::new(),
                nodes: Vec::new(),
            },
            base_kv: 0.0,
            pu: 0.0,
            phases: 0,
        },
        vsources: Vec::new(),
        line_codes: Vec::new(),
        lines: Vec::new(),
        transformers: Vec::new(),
        loads: Vec::new(),
        load_shapes: Vec::new(),
        pv_systems: Vec::new(),
        storages: Vec::new(),
        generators: Vec::new(),
        controls: Vec::new(),
        settings: script.settings,
        dropped: Vec::new(),
    };
    for o in &script.objects {
        match o.class {
            Class::Vsource if o.name == "source" => c.source = b.vsource(o)?,
            Class::Vsource => c.vsources.push(b.vsource(o)?),
            Class::LineCode => c.line_codes.push(b.line_code(o)?),
            Class::Line => c.lines.push(b.line(o)?),
            Class::Transformer => c.transformers.push(b.transformer(o)?),
            Class::Load => c.loads.push(b.load(o)?),
            Class::LoadShape => c.load_shapes.push(b.load_shape(o)?),
            Class::PvSystem => c.pv_systems.push(b.pv(o)?),
            Class::Storage => c.storages.push(b.storage(o)?),
            Class::Generator => c.generators.push(b.generator(o)?),
            Class::SwtControl => c.controls.push(b.control(o, ControlKind::SwtControl)?),
            Class::Recloser => c.controls.push(b.control(o, ControlKind::Recloser)?),
            Class::Fuse => c.controls.push(b.control(o, ControlKind::Fuse)?),
            Class::Relay => c.controls.push(b.control(o, ControlKind::Relay)?),
        }
    }
    for (name, open) in &script.switching {
        if let Some(line) = c.lines.iter_mut().find(|l| &l.name == name) {
            line.open = *open;
        }
    }
    c.dropped = b.dropped;
    check(&c, &script.objects)?;
    Ok(c)
}

/// The checks across objects: every reference names something defined.
fn check(c: &Circuit, objects: &[RawObject]) -> Result<(), DssError> {
    for l in &c.lines {
        if let (Some(code), Some(at)) = (&l.linecode, &l.linecode_at)
            && c.line_code(code).is_none()
        {
            return Err(DssError::UnknownLineCode {
                at: at.clone(),
                object: format!("Line.{}", l.name),
                linecode: code.clone(),
            });
        }
    }
    let shapes: HashSet<&str> = c.load_shapes.iter().map(|s| s.name.as_str()).collect();
    let mut shape_refs: Vec<(&str, &str, &Option<String>, &Location)> = Vec::new();
    for l in &c.loads {
        shape_refs.push(("Load", &l.name, &l.daily, &l.at));
        shape_refs.push(("Load", &l.name, &l.yearly, &l.at));
    }
    for v in &c.pv_systems {
        shape_refs.push(("PVSystem", &v.name, &v.daily, &v.at));
        shape_refs.push(("PVSystem", &v.name, &v.yearly, &v.at));
    }
    for (k, (class, name, shape, at)) in shape_refs.into_iter().enumerate() {
        if let Some(shape) = shape
            && !shapes.contains(shape.as_str())
        {
            return Err(DssError::UnknownLoadShape {
                at: at.clone(),
                object: format!("{class}.{name}"),
                property: if k % 2 == 0 { "daily" } else { "yearly" },
                shape: shape.clone(),
            });
        }
    }
    // Shunt elements must sit on a bus that a branch or a source reaches.
    let mut network: HashSet<&str> = HashSet::new();
    for v in std::iter::once(&c.source).chain(&c.vsources) {
        network.insert(&v.bus1.name);
    }
    for l in &c.lines {
        network.insert(&l.bus1.name);
        network.insert(&l.bus2.name);
    }
    for t in &c.transformers {
        network.extend(
            t.windings
                .iter()
                .filter_map(|w| w.bus.as_ref())
                .map(|b| b.name.as_str()),
        );
    }
    let shunts = c
        .loads
        .iter()
        .map(|l| ("Load", &l.name, &l.bus1, &l.at))
        .chain(
            c.pv_systems
                .iter()
                .map(|v| ("PVSystem", &v.name, &v.bus1, &v.at)),
        )
        .chain(
            c.storages
                .iter()
                .map(|s| ("Storage", &s.name, &s.bus1, &s.at)),
        )
        .chain(
            c.generators
                .iter()
                .map(|g| ("Generator", &g.name, &g.bus1, &g.at)),
        );
    for (class, name, bus, at) in shunts {
        if !network.contains(bus.name.as_str()) {
            return Err(DssError::DanglingBus {
                at: at.clone(),
                object: format!("{class}.{name}"),
                bus: bus.name.clone(),
            });
        }
    }
    for ctl in &c.controls {
        let Some(element) = &ctl.element else {
            continue;
        };
        let defined = match element.split_once('.') {
            Some(("line", name)) => c.lines.iter().any(|l| l.name == name),
            Some(("transformer", name)) => c.transformers.iter().any(|t| t.name == name),
            Some((class, name)) => match Class::parse(class) {
                Some(class) => objects.iter().any(|o| o.class == class && o.name == name),
                None => true,
            },
            None => false,
        };
        if !defined {
            let kind = match ctl.kind {
                ControlKind::SwtControl => "SwtControl",
                ControlKind::Recloser => "Recloser",
                ControlKind::Fuse => "Fuse",
                ControlKind::Relay => "Relay",
            };
            return Err(DssError::UndefinedElement {
                at: ctl.at.clone(),
                object: format!("{kind}.{}", ctl.name),
                property: "element",
                element: element.clone(),
            });
        }
    }
    Ok(())
}
