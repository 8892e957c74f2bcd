//! Errors of the `.dss` reader: every one names the file and line, and what is wrong.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A place in a `.dss` (or load shape) file: the file and its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file, as it was named (joined to the including file's folder).
    pub file: Arc<Path>,
    /// The 1-based line number.
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// Why a `.dss` circuit could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DssError {
    /// The top-level file could not be read.
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A `Redirect`/`Compile` target does not exist or cannot be read.
    #[error("{at}: {command} target {} cannot be read: {source}", target.display())]
    MissingRedirect {
        /// Where the command is.
        at: Location,
        /// `Redirect` or `Compile`.
        command: String,
        /// The target, joined to the including file's folder.
        target: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A `Redirect`/`Compile` would read a file that is already being read.
    #[error("{at}: {} redirects back to itself (cycle: {chain})", target.display())]
    RedirectCycle {
        /// Where the command is.
        at: Location,
        /// The target.
        target: PathBuf,
        /// The chain of files being read, outermost first.
        chain: String,
    },
    /// A `(`, `[`, `{`, `"` or `'` without its closing partner on the same line.
    #[error("{at}: unterminated {open}…{close}: the line ends before `{close}`")]
    UnterminatedArray {
        /// Where the value starts.
        at: Location,
        /// The opening character.
        open: char,
        /// The closing character expected.
        close: char,
    },
    /// A `/*` comment that the file never closes.
    #[error("{at}: unterminated /* comment: no */ before the end of the file")]
    UnterminatedComment {
        /// Where the comment opens.
        at: Location,
    },
    /// A class that OpenDSS does not have.
    #[error("{at}: unknown class `{class}` in `{object}`")]
    UnknownClass {
        /// Where the object is named.
        at: Location,
        /// The class as written.
        class: String,
        /// The object as written (`Class.name`).
        object: String,
    },
    /// A command that OpenDSS does not have.
    #[error("{at}: unknown command `{command}`")]
    UnknownCommand {
        /// Where the command is.
        at: Location,
        /// The command as written.
        command: String,
    },
    /// An object name without its class (`New foo` instead of `New Line.foo`).
    #[error("{at}: `{text}` is not an object name of the form Class.name")]
    BadObjectName {
        /// Where it is.
        at: Location,
        /// The text.
        text: String,
    },
    /// A property value that is not what the property needs (e.g. non-numeric kW).
    #[error("{at}: {object} {setting}: {expected}")]
    BadValue {
        /// Where the property is set.
        at: Location,
        /// The object (`Load.671`).
        object: String,
        /// The property and its value as written (`kw=lots`).
        setting: String,
        /// What was expected.
        expected: String,
    },
    /// A property that the object needs and the file does not give.
    #[error("{at}: {object} has no {property}")]
    MissingProperty {
        /// Where the object is defined.
        at: Location,
        /// The object.
        object: String,
        /// The property name.
        property: String,
    },
    /// A positional value beyond the properties whose order blackstart knows for the class.
    #[error(
        "{at}: {object}: positional value `{value}` (position {position}) is beyond the positional properties blackstart reads for this class; name the property (name=value)"
    )]
    PositionalOutOfRange {
        /// Where the value is.
        at: Location,
        /// The object.
        object: String,
        /// The value.
        value: String,
        /// Its 1-based position.
        position: usize,
    },
    /// `Edit`, `like=` or a `Class.name.property=` naming an object not defined before.
    #[error("{at}: {object} is not defined")]
    UndefinedObject {
        /// Where it is referenced.
        at: Location,
        /// The object.
        object: String,
    },
    /// `~`/`More` with no `New`/`Edit` before it.
    #[error("{at}: `~` (More) continues no New or Edit")]
    NoActiveObject {
        /// Where it is.
        at: Location,
    },
    /// A line referencing a line code that is never defined.
    #[error("{at}: {object} linecode={linecode}: no LineCode.{linecode} is defined")]
    UnknownLineCode {
        /// Where the line code is referenced.
        at: Location,
        /// The line.
        object: String,
        /// The missing code.
        linecode: String,
    },
    /// A load, PV system, storage or generator referencing a load shape never defined.
    #[error("{at}: {object} {property}={shape}: no LoadShape.{shape} is defined")]
    UnknownLoadShape {
        /// Where the shape is referenced.
        at: Location,
        /// The object.
        object: String,
        /// `daily` or `yearly`.
        property: &'static str,
        /// The missing shape.
        shape: String,
    },
    /// A control referencing an element never defined.
    #[error("{at}: {object} {property}={element}: no such element is defined")]
    UndefinedElement {
        /// Where the element is referenced.
        at: Location,
        /// The control.
        object: String,
        /// The property.
        property: &'static str,
        /// The missing element.
        element: String,
    },
    /// A load, PV, storage or generator on a bus that no line, transformer or source reaches.
    #[error("{at}: {object} bus1={bus}: no line, transformer or source connects bus `{bus}`")]
    DanglingBus {
        /// Where the bus is referenced.
        at: Location,
        /// The object.
        object: String,
        /// The bus name.
        bus: String,
    },
    /// A load shape's `file=` that cannot be read.
    #[error("{at}: {object}: load shape file {} cannot be read: {source}", file.display())]
    LoadShapeFile {
        /// Where the file is named.
        at: Location,
        /// The load shape.
        object: String,
        /// The file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A load shape with fewer values than its `npts`.
    #[error("{at}: {object} npts={npts} but {source_name} has only {found} values")]
    LoadShapeTooShort {
        /// Where the values are given.
        at: Location,
        /// The load shape.
        object: String,
        /// Its npts.
        npts: usize,
        /// How many values there are.
        found: usize,
        /// The file, or `mult` for an inline array.
        source_name: String,
    },
    /// A non-numeric value in a load shape file.
    #[error("{at}: load shape value `{value}` is not a number")]
    LoadShapeValue {
        /// The data file and line.
        at: Location,
        /// The value.
        value: String,
    },
    /// The files define no `Circuit`.
    #[error("{}: no `New Circuit.…` is defined", file.display())]
    NoCircuit {
        /// The top-level file.
        file: PathBuf,
    },
}
