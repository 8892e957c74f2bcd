//! Reading YAML inputs — scenarios, Caliper benchmark configurations, chain profiles — into
//! their schemas, with one-line errors that say where ([`YamlError`]: file, line and column,
//! field path) and, for a misspelt name, what was probably meant. Every input is guarded
//! (`guard`) before it is parsed. serde_yaml stays behind this module so it can be swapped for a
//! maintained fork.

mod error;
mod guard;

pub use error::YamlError;
pub(crate) use serde_yaml::Value;

use error::with_suggestion;
use serde::de::DeserializeOwned;
use std::path::Path;

/// The text of the YAML file at `path` and its name for errors; `what` names the kind of file
/// in the error when it cannot be read (`cannot read the {what}: …`).
pub fn read_file(path: &Path, what: &str) -> Result<(String, String), YamlError> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((text, file)),
        Err(e) => Err(YamlError {
            file,
            location: None,
            field: None,
            message: format!("cannot read the {what}: {e}"),
        }),
    }
}

/// Parses YAML `text` (named `file` in errors) into the schema `T`: guarded, then deserialised
/// with located, field-named errors.
pub fn parse<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, YamlError> {
    document(text, file)?;
    from_text(text, file)
}

/// The YAML document in `text`, guarded (`guard`): flow nesting bounded before parsing, an
/// alias bomb or a second document located, tags refused.
pub(crate) fn document(text: &str, file: &str) -> Result<Value, YamlError> {
    guard::check_nesting(text, file)?;
    let document: Value = serde_yaml::from_str(text).map_err(|e| {
        let mut error = yaml_error(file, None, &e);
        if error.location.is_none() {
            if error.message.contains(guard::MORE_THAN_ONE_DOCUMENT) {
                error.location = guard::second_document(text);
            } else if let Some(alias) = guard::first_alias(text) {
                error.location = Some(alias);
                error.message = format!(
                    "{} (aliases here on expand to too many values)",
                    error.message
                );
            }
        }
        error
    })?;
    if let Some((field, tag)) = guard::first_tag(&document, "") {
        let field = (!field.is_empty()).then_some(field);
        return Err(YamlError {
            file: file.to_string(),
            location: None,
            field,
            message: format!("YAML tags such as `{tag}` are not accepted; write the plain value"),
        });
    }
    Ok(document)
}

/// `text`, already guarded by [`document`], deserialised into `T`; errors keep their line and
/// column.
pub(crate) fn from_text<T: DeserializeOwned>(text: &str, file: &str) -> Result<T, YamlError> {
    deserialize(file, serde_yaml::Deserializer::from_str(text))
}

/// A YAML value (e.g. one merged from several files) deserialised into `T`; errors name the
/// field, with no line.
pub(crate) fn from_value<T: DeserializeOwned>(value: Value, file: &str) -> Result<T, YamlError> {
    deserialize(file, value)
}

fn deserialize<'de, D, T>(file: &str, deserializer: D) -> Result<T, YamlError>
where
    D: serde::Deserializer<'de, Error = serde_yaml::Error>,
    T: serde::Deserialize<'de>,
{
    serde_path_to_error::deserialize(deserializer).map_err(|e| {
        let path = e.path().to_string();
        let field = (path != ".").then_some(path);
        yaml_error(file, field, e.inner())
    })
}

/// Turns a serde_yaml error into a one-line located error, without serde_yaml's own location
/// suffix and path prefix (they become the error's fields).
fn yaml_error(file: &str, field: Option<String>, error: &serde_yaml::Error) -> YamlError {
    let location = error.location().map(|l| (l.line(), l.column()));
    let mut message = error.to_string();
    if let Some((line, column)) = location {
        // serde_yaml and libyaml put the position in the text too; it is in the prefix now.
        message = message.replacen(&format!(" at line {line} column {column}"), "", 1);
    }
    if let Some(field) = &field {
        for prefix in [format!("{field}: "), format!("{}: ", parent_path(field))] {
            if let Some(stripped) = message.strip_prefix(&prefix) {
                message = stripped.to_string();
                break;
            }
        }
    }
    YamlError {
        file: file.to_string(),
        location,
        field,
        message: with_suggestion(&message),
    }
}

/// `a.b[2].c` → `a.b[2]`: serde_yaml reports unknown fields at the enclosing map.
fn parent_path(field: &str) -> &str {
    match field.rfind(['.', '[']) {
        Some(cut) => &field[..cut],
        None => field,
    }
}
