//! Command reader: runs a `.dss` script's commands into raw objects (class, name, properties in
//! the order written), following `Redirect`/`Compile`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::error::{DssError, Location};
use super::lexer::{Param, Value, strip_block_comments, tokenize};
use super::model::{Dropped, Setting};

/// The classes blackstart models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Class {
    Vsource,
    Line,
    LineCode,
    Transformer,
    Load,
    LoadShape,
    PvSystem,
    Storage,
    Generator,
    SwtControl,
    Recloser,
    Fuse,
    Relay,
}

/// OpenDSS classes that blackstart reads and drops (with a reason in the dropped list).
const DROPPED_CLASSES: &[&str] = &[
    "isource",
    "linegeometry",
    "linespacing",
    "wiredata",
    "cndata",
    "tsdata",
    "xfmrcode",
    "autotrans",
    "capacitor",
    "reactor",
    "growthshape",
    "tshape",
    "priceshape",
    "xycurve",
    "spectrum",
    "gendispatcher",
    "storagecontroller",
    "capcontrol",
    "regcontrol",
    "invcontrol",
    "expcontrol",
    "energymeter",
    "monitor",
    "sensor",
    "fault",
    "gictransformer",
    "gicline",
    "gicsource",
    "vccs",
    "upfc",
    "upfccontrol",
    "esppvlcontrol",
    "indmach012",
    "windgen",
    "dynamicexp",
    "fmonitor",
    "generic5",
];

/// Commands that blackstart reads and drops: solution, reporting, plotting and state changes.
const DROPPED_COMMANDS: &[&str] = &[
    "solve",
    "calcv",
    "calcvoltagebases",
    "buscoords",
    "batchedit",
    "show",
    "plot",
    "export",
    "sample",
    "closedi",
    "open",
    "close",
    "reset",
    "disable",
    "enable",
    "select",
    "get",
    "totals",
    "var",
    "help",
    "visualize",
    "summary",
    "makebuslist",
    "interpolate",
    "latloncoords",
    "setkvbase",
    "setbusxy",
    "fileedit",
    "dump",
    "buildy",
    "cd",
    "save",
    "allocateloads",
    "formedit",
    "losses",
    "currents",
    "voltages",
    "powers",
    "seqvoltages",
    "seqcurrents",
    "seqpowers",
    "nodelist",
    "reprocessbuses",
    "cleanup",
    "finishtimestep",
    "capacity",
    "estimate",
    "reconductor",
    "rotate",
    "relcalc",
    "variable",
    "zsc",
    "zsc10",
    "zscrefresh",
    "obfuscate",
    "comparecases",
    "yearlycurves",
    "addbusmarker",
    "guids",
    "tear_circuit",
    "_initsnap",
    "_solvenocontrol",
    "_samplecontrols",
    "_docontrolactions",
    "_showcontrolqueue",
    "_solvedirect",
    "_solvepflow",
    "nodediff",
    "calcincmatrix",
    "calcincmatrix_o",
    "calclaplacian",
    "refine_buslevels",
];

impl Class {
    pub(crate) fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "vsource" | "circuit" => Self::Vsource,
            "line" => Self::Line,
            "linecode" => Self::LineCode,
            "transformer" => Self::Transformer,
            "load" => Self::Load,
            "loadshape" => Self::LoadShape,
            "pvsystem" => Self::PvSystem,
            "storage" => Self::Storage,
            "generator" => Self::Generator,
            "swtcontrol" => Self::SwtControl,
            "recloser" => Self::Recloser,
            "fuse" => Self::Fuse,
            "relay" => Self::Relay,
            _ => return None,
        })
    }

    /// The class name as OpenDSS spells it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Vsource => "Vsource",
            Self::Line => "Line",
            Self::LineCode => "LineCode",
            Self::Transformer => "Transformer",
            Self::Load => "Load",
            Self::LoadShape => "LoadShape",
            Self::PvSystem => "PVSystem",
            Self::Storage => "Storage",
            Self::Generator => "Generator",
            Self::SwtControl => "SwtControl",
            Self::Recloser => "Recloser",
            Self::Fuse => "Fuse",
            Self::Relay => "Relay",
        }
    }

    /// The leading properties in OpenDSS's order, for positional values.
    fn positions(self) -> &'static [&'static str] {
        match self {
            Self::Vsource => &["bus1", "basekv", "pu", "angle", "frequency", "phases"],
            Self::Line => &[
                "bus1", "bus2", "linecode", "length", "phases", "r1", "x1", "r0", "x0", "c1", "c0",
            ],
            Self::LineCode => &["nphases", "r1", "x1", "r0", "x0", "c1", "c0", "units"],
            Self::Transformer => &["phases", "windings", "wdg", "bus", "conn", "kv", "kva"],
            Self::Load => &[
                "phases", "bus1", "kv", "kw", "pf", "model", "yearly", "daily", "duty", "growth",
                "conn", "kvar",
            ],
            Self::LoadShape => &["npts", "interval", "mult"],
            Self::PvSystem => &["phases", "bus1", "kv", "irradiance", "pmpp"],
            Self::Storage => &["phases", "bus1", "kv"],
            Self::Generator => &["phases", "bus1", "kv", "kw", "pf", "kvar", "model"],
            Self::SwtControl => &["switchedobj", "switchedterm", "action", "lock", "delay"],
            Self::Recloser | Self::Fuse | Self::Relay => &[
                "monitoredobj",
                "monitoredterm",
                "switchedobj",
                "switchedterm",
            ],
        }
    }
}

/// One property as written: lower-cased name, value, and where.
#[derive(Debug, Clone)]
pub(crate) struct Prop {
    pub(crate) key: String,
    pub(crate) value: Value,
    pub(crate) at: Location,
}

/// An object as the script defines it, before typing.
#[derive(Debug, Clone)]
pub(crate) struct RawObject {
    pub(crate) class: Class,
    pub(crate) name: String,
    pub(crate) at: Location,
    pub(crate) props: Vec<Prop>,
    next_position: usize,
}

impl RawObject {
    /// `Class.name`, for messages.
    pub(crate) fn label(&self) -> String {
        format!("{}.{}", self.class.name(), self.name)
    }
}

/// What `~` continues.
enum Active {
    None,
    Object(usize),
    Dropped,
}

/// The state of a script being read.
pub(crate) struct Script {
    pub(crate) circuit: Option<(String, Location)>,
    pub(crate) objects: Vec<RawObject>,
    index: HashMap<(Class, String), usize>,
    active: Active,
    pub(crate) settings: Vec<Setting>,
    pub(crate) dropped: Vec<Dropped>,
    /// `Open Line.x` (true) and `Close Line.x` (false) commands, in order: the lines' state.
    pub(crate) switching: Vec<(String, bool)>,
    /// Files being read, outermost first, for cycle detection.
    stack: Vec<PathBuf>,
}

impl Script {
    pub(crate) fn new() -> Self {
        Self {
            circuit: None,
            objects: Vec::new(),
            index: HashMap::new(),
            active: Active::None,
            settings: Vec::new(),
            dropped: Vec::new(),
            switching: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// Reads a file's commands; `from` is the `Redirect` that asks for it, if any.
    pub(crate) fn read_file(
        &mut self,
        path: &Path,
        from: Option<(&Location, &str)>,
    ) -> Result<(), DssError> {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some((at, _)) = from
            && self.stack.contains(&key)
        {
            let chain = self
                .stack
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>();
            return Err(DssError::RedirectCycle {
                at: at.clone(),
                target: path.to_path_buf(),
                chain: chain.join(" → "),
            });
        }
        let bytes = std::fs::read(path).map_err(|source| match from {
            Some((at, command)) => DssError::MissingRedirect {
                at: at.clone(),
                command: command.to_string(),
                target: path.to_path_buf(),
                source,
            },
            None => DssError::Read {
                file: path.to_path_buf(),
                source,
            },
        })?;
        let text = String::from_utf8_lossy(&bytes);
        self.stack.push(key);
        self.read_text(&text, path)?;
        self.stack.pop();
        Ok(())
    }

    /// Runs the commands of a script's text; `path` names it in locations.
    pub(crate) fn read_text(&mut self, text: &str, path: &Path) -> Result<(), DssError> {
        for (line, content) in strip_block_comments(text, path)? {
            let at = Location {
                file: path.into(),
                line,
            };
            self.command(&content, &at)?;
        }
        Ok(())
    }

    /// Runs one line.
    fn command(&mut self, line: &str, at: &Location) -> Result<(), DssError> {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix('~') {
            return self.more(&tokenize(rest, at)?, at);
        }
        let params = tokenize(trimmed, at)?;
        let Some(first) = params.first() else {
            return Ok(());
        };
        let rest = &params[1..];
        let word = first.value.text.to_lowercase();
        if first.name.is_some() {
            // `Class.name.property=value`: an edit of one property.
            let key = first.name.clone().unwrap_or_default();
            let Some((object, property)) = key.rsplit_once('.') else {
                return Err(DssError::UnknownCommand {
                    at: at.clone(),
                    command: key,
                });
            };
            let property = Param {
                name: Some(property.to_string()),
                value: first.value.clone(),
            };
            return self.edit(object, std::slice::from_ref(&property), at);
        }
        match word.as_str() {
            "new" => self.new_object(rest, at),
            "edit" => {
                let (name, props) = object_name(rest, at)?;
                self.edit(&name, props, at)
            }
            "more" | "m" => self.more(rest, at),
            "redirect" | "compile" => {
                let Some(target) = rest.first() else {
                    return Err(DssError::MissingProperty {
                        at: at.clone(),
                        object: word,
                        property: "file name".to_string(),
                    });
                };
                let base = at.file.parent().unwrap_or(Path::new(""));
                let path = base.join(&target.value.text);
                let command = if word == "redirect" {
                    "Redirect"
                } else {
                    "Compile"
                };
                self.read_file(&path, Some((at, command)))
            }
            "clear" | "clearall" => {
                *self = Self {
                    stack: std::mem::take(&mut self.stack),
                    ..Self::new()
                };
                Ok(())
            }
            "set" => {
                for p in rest {
                    let (name, value) = match &p.name {
                        Some(name) => (name.clone(), p.value.text.clone()),
                        None => (p.value.text.to_lowercase(), String::new()),
                    };
                    self.settings.push(Setting {
                        name,
                        value,
                        at: at.clone(),
                    });
                }
                Ok(())
            }
            "open" | "close" if self.switches_line(rest, word == "open", at)? => Ok(()),
            w if DROPPED_COMMANDS.contains(&w) => {
                self.dropped.push(Dropped {
                    at: at.clone(),
                    what: format!("command {}", first.value.text),
                    reason: "solution, report or switching command: not applied when reading \
                             the grid"
                        .to_string(),
                });
                Ok(())
            }
            _ => Err(DssError::UnknownCommand {
                at: at.clone(),
                command: first.value.text.clone(),
            }),
        }
    }

    /// `Open Line.x …` (`open`) or `Close Line.x …`: records the line's state and returns true;
    /// false when the object is not a line (the command is then dropped like other switching).
    /// A line not defined is an error.
    fn switches_line(
        &mut self,
        params: &[Param],
        open: bool,
        at: &Location,
    ) -> Result<bool, DssError> {
        let Some(object) = params
            .first()
            .filter(|p| p.name.is_none() || p.name.as_deref() == Some("object"))
        else {
            return Ok(false);
        };
        let (class, name) = split_object(&object.value.text.to_lowercase(), at)?;
        if class != "line" {
            return Ok(false);
        }
        if !self.index.contains_key(&(Class::Line, name.clone())) {
            return Err(DssError::UndefinedObject {
                at: at.clone(),
                object: format!("Line.{name}"),
            });
        }
        self.switching.push((name, open));
        Ok(true)
    }

    /// `New Class.name props` or `New object=Class.name props`.
    fn new_object(&mut self, params: &[Param], at: &Location) -> Result<(), DssError> {
        let (full, props) = object_name(params, at)?;
        let (class_text, name) = split_object(&full, at)?;
        if class_text == "circuit" {
            self.circuit = Some((name.clone(), at.clone()));
            self.define(Class::Vsource, "source".to_string(), at);
            return self.apply(props, at);
        }
        match Class::parse(&class_text) {
            Some(class) => {
                self.define(class, name, at);
                self.apply(props, at)
            }
            None => self.drop_object(&class_text, &full, at, "defines"),
        }
    }

    /// Creates (or replaces, with a note in the dropped list) an object and makes it active.
    fn define(&mut self, class: Class, name: String, at: &Location) {
        let object = RawObject {
            class,
            name: name.clone(),
            at: at.clone(),
            props: Vec::new(),
            next_position: 0,
        };
        if let Some(&i) = self.index.get(&(class, name.clone())) {
            self.dropped.push(Dropped {
                at: self.objects[i].at.clone(),
                what: self.objects[i].label(),
                reason: format!("redefined by New at {at}"),
            });
            self.objects[i] = object;
            self.active = Active::Object(i);
        } else {
            self.index.insert((class, name), self.objects.len());
            self.active = Active::Object(self.objects.len());
            self.objects.push(object);
        }
    }

    /// Records an object of a class blackstart does not model, or fails on an unknown class.
    fn drop_object(
        &mut self,
        class: &str,
        full: &str,
        at: &Location,
        verb: &str,
    ) -> Result<(), DssError> {
        if !DROPPED_CLASSES.contains(&class) {
            return Err(DssError::UnknownClass {
                at: at.clone(),
                class: class.to_string(),
                object: full.to_string(),
            });
        }
        self.active = Active::Dropped;
        self.dropped.push(Dropped {
            at: at.clone(),
            what: full.to_string(),
            reason: format!("{verb} a {class}, which blackstart does not model"),
        });
        Ok(())
    }

    /// `Edit Class.name props`.
    fn edit(&mut self, full: &str, props: &[Param], at: &Location) -> Result<(), DssError> {
        let (class_text, name) = split_object(full, at)?;
        let class = if class_text == "circuit" {
            Some(Class::Vsource)
        } else {
            Class::parse(&class_text)
        };
        let Some(class) = class else {
            return self.drop_object(&class_text, full, at, "edits");
        };
        let name = if class_text == "circuit" {
            "source".to_string()
        } else {
            name
        };
        let Some(&i) = self.index.get(&(class, name)) else {
            return Err(DssError::UndefinedObject {
                at: at.clone(),
                object: full.to_string(),
            });
        };
        self.active = Active::Object(i);
        self.apply(props, at)
    }

    /// `~ props`: more properties for the active object.
    fn more(&mut self, params: &[Param], at: &Location) -> Result<(), DssError> {
        match self.active {
            Active::None => Err(DssError::NoActiveObject { at: at.clone() }),
            Active::Dropped => Ok(()),
            Active::Object(_) => self.apply(params, at),
        }
    }

    /// Adds properties to the active object, resolving positions and `like=`.
    fn apply(&mut self, params: &[Param], at: &Location) -> Result<(), DssError> {
        let Active::Object(i) = self.active else {
            return Ok(());
        };
        for p in params {
            let class = self.objects[i].class;
            let positions = class.positions();
            let key = match &p.name {
                Some(name) => {
                    if let Some(k) = positions.iter().position(|&q| q == name) {
                        self.objects[i].next_position = k + 1;
                    }
                    name.clone()
                }
                None => {
                    let k = self.objects[i].next_position;
                    let Some(&name) = positions.get(k) else {
                        return Err(DssError::PositionalOutOfRange {
                            at: at.clone(),
                            object: self.objects[i].label(),
                            value: p.value.text.clone(),
                            position: k + 1,
                        });
                    };
                    self.objects[i].next_position = k + 1;
                    name.to_string()
                }
            };
            if key == "like" {
                let other = p.value.text.to_lowercase();
                let Some(&j) = self.index.get(&(class, other.clone())) else {
                    return Err(DssError::UndefinedObject {
                        at: at.clone(),
                        object: format!("{}.{other}", class.name()),
                    });
                };
                let copied = self.objects[j].props.clone();
                self.objects[i].props.extend(copied);
                continue;
            }
            self.objects[i].props.push(Prop {
                key,
                value: p.value.clone(),
                at: at.clone(),
            });
        }
        Ok(())
    }
}

/// The object name of `New`/`Edit` (first parameter, or `object=`) and the parameters after it.
fn object_name<'a>(params: &'a [Param], at: &Location) -> Result<(String, &'a [Param]), DssError> {
    match params.first() {
        Some(p) if p.name.is_none() || p.name.as_deref() == Some("object") => {
            Ok((p.value.text.to_lowercase(), &params[1..]))
        }
        Some(p) => Err(DssError::BadObjectName {
            at: at.clone(),
            text: format!("{}={}", p.name.as_deref().unwrap_or(""), p.value.text),
        }),
        None => Err(DssError::BadObjectName {
            at: at.clone(),
            text: String::new(),
        }),
    }
}

/// `class.name` into its two parts (the name may contain dots).
fn split_object(full: &str, at: &Location) -> Result<(String, String), DssError> {
    match full.split_once('.') {
        Some((class, name)) if !class.is_empty() && !name.is_empty() => {
            Ok((class.to_string(), name.to_string()))
        }
        _ => Err(DssError::BadObjectName {
            at: at.clone(),
            text: full.to_string(),
        }),
    }
}
