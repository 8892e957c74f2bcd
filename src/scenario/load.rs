//! Reading scenario files: YAML syntax, `extends`, the schema, then semantic validation.
//! serde_yaml stays behind this module so it can be swapped for a maintained fork.

use super::{Scenario, ScenarioError, error::with_suggestion, guard, validate::validate};
use serde_yaml::Value;
use std::path::{Path, PathBuf};

/// Key naming a base scenario that this file modifies.
const EXTENDS: &str = "extends";
/// Deepest chain of `extends` allowed (guards against cycles).
const MAX_EXTENDS_DEPTH: usize = 8;

/// Loads and validates the scenario in `path`, following `extends` relative to the file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let (text, file) = read_file(path, "file")?;
    parse_in(&text, &file, path.parent().unwrap_or(Path::new(".")), 0)
}

/// The text of the YAML file at `path` and its name for errors; `what` names the kind of file
/// in the error when it cannot be read (`cannot read the {what}: …`).
pub(crate) fn read_file(path: &Path, what: &str) -> Result<(String, String), ScenarioError> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((text, file)),
        Err(e) => Err(ScenarioError {
            file,
            location: None,
            field: None,
            message: format!("cannot read the {what}: {e}"),
        }),
    }
}

/// Parses and validates scenario text held in memory; `file` names it in errors and `extends`
/// is resolved against the current directory.
pub fn parse_str(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    parse_in(text, file, Path::new("."), 0)
}

fn parse_in(text: &str, file: &str, dir: &Path, depth: usize) -> Result<Scenario, ScenarioError> {
    let document = document(text, file)?;
    // Parse the text itself first, so schema errors keep their line and column; a file with
    // `extends` fails that (the key is not in the schema) and is merged onto its base instead.
    let scenario = match deserialize(file, serde_yaml::Deserializer::from_str(text)) {
        Ok(scenario) => scenario,
        Err(direct) => {
            let Some(base) = base_of(&document, file)? else {
                return Err(direct);
            };
            let mut merged = load_value(&dir.join(base), depth + 1)?;
            let Value::Mapping(mut overrides) = document else {
                unreachable!("a document with `extends` is a mapping")
            };
            overrides.remove(EXTENDS);
            merge(&mut merged, Value::Mapping(overrides));
            deserialize(file, merged)?
        }
    };
    validate(&scenario).map_err(|(field, message)| ScenarioError::invalid(file, field, message))?;
    Ok(scenario)
}

/// The YAML of a base scenario, with its own `extends` already applied.
fn load_value(path: &PathBuf, depth: usize) -> Result<Value, ScenarioError> {
    let file = path.display().to_string();
    if depth > MAX_EXTENDS_DEPTH {
        return Err(ScenarioError::invalid(
            &file,
            EXTENDS,
            format!("more than {MAX_EXTENDS_DEPTH} levels of `extends` (a cycle?)"),
        ));
    }
    let unreadable = |message: String| ScenarioError {
        file: file.clone(),
        location: None,
        field: None,
        message: format!("cannot read the base scenario: {message}"),
    };
    // A device or pipe named `*.yaml` could be read forever.
    let metadata = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if !metadata.is_file() {
        return Err(unreadable("not a regular file".into()));
    }
    let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
    let mut document = document(&text, &file)?;
    match base_of(&document, &file)? {
        None => Ok(document),
        Some(base) => {
            let dir = path.parent().unwrap_or(Path::new("."));
            let mut merged = load_value(&dir.join(base), depth + 1)?;
            if let Value::Mapping(map) = &mut document {
                map.remove(EXTENDS);
            }
            merge(&mut merged, document);
            Ok(merged)
        }
    }
}

/// The `extends` entry of a document, if any.
fn base_of(document: &Value, file: &str) -> Result<Option<String>, ScenarioError> {
    let Value::Mapping(map) = document else {
        return Ok(None);
    };
    match map.get(EXTENDS) {
        None => Ok(None),
        Some(Value::String(base)) if is_yaml_file_name(base) => Ok(Some(base.clone())),
        Some(Value::String(base)) => Err(ScenarioError::invalid(
            file,
            EXTENDS,
            format!("must name a YAML scenario file (.yaml or .yml), got `{base}`"),
        )),
        Some(_) => Err(ScenarioError::invalid(
            file,
            EXTENDS,
            "must be the path of a base scenario file",
        )),
    }
}

/// Whether `path` names a YAML file by its extension (`.yaml` or `.yml`, any case): `extends`
/// reads nothing else, so a scenario cannot make blackstart open an arbitrary file.
fn is_yaml_file_name(path: &str) -> bool {
    Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Overlays a scenario's `overrides` on its `base`: top-level sections merge field by field,
/// and each field given replaces the base's value whole (a distribution, a list, a schedule).
fn merge(base: &mut Value, overrides: Value) {
    merge_to_depth(base, overrides, SECTION_DEPTH);
}

/// Levels of mappings merged key by key: the document, then its sections.
const SECTION_DEPTH: usize = 2;

fn merge_to_depth(base: &mut Value, overrides: Value, depth: usize) {
    match (base, overrides) {
        (Value::Mapping(base), Value::Mapping(overrides)) if depth > 0 => {
            for (key, value) in overrides {
                match base.get_mut(&key) {
                    Some(existing) => merge_to_depth(existing, value, depth - 1),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, overrides) => *base = overrides,
    }
}

/// Parses YAML `text` (named `file` in errors) into any schema, with the same located,
/// field-named errors as scenarios: other YAML inputs (benchmark configurations, chain
/// profiles) read through here so that serde_yaml stays behind this module.
pub(crate) fn parse_yaml<T: serde::de::DeserializeOwned>(
    text: &str,
    file: &str,
) -> Result<T, ScenarioError> {
    document(text, file)?;
    deserialize(file, serde_yaml::Deserializer::from_str(text))
}

/// The YAML document in `text`, guarded (`guard`): flow nesting bounded before parsing, an
/// alias bomb located, tags refused.
fn document(text: &str, file: &str) -> Result<Value, ScenarioError> {
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
        return Err(ScenarioError {
            file: file.to_string(),
            location: None,
            field,
            message: format!("YAML tags such as `{tag}` are not accepted; write the plain value"),
        });
    }
    Ok(document)
}

fn deserialize<'de, D, T>(file: &str, deserializer: D) -> Result<T, ScenarioError>
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
fn yaml_error(file: &str, field: Option<String>, error: &serde_yaml::Error) -> ScenarioError {
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
    ScenarioError {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn sections_merge_field_by_field_and_fields_replace_whole() {
        let mut base = yaml(
            "timing: {detection_delay_s: {uniform: {min: 1, max: 5}}, switching_delay_s: 60}\n\
             entities: {prosumers: [a], consumers: [b, c]}",
        );
        merge(
            &mut base,
            yaml(
                "timing: {detection_delay_s: {normal: {mean: 3, std_dev: 1}}}\nentities: {consumers: [d]}",
            ),
        );
        assert_eq!(
            base,
            yaml(
                "timing: {detection_delay_s: {normal: {mean: 3, std_dev: 1}}, switching_delay_s: 60}\n\
                 entities: {prosumers: [a], consumers: [d]}"
            )
        );
    }

    #[test]
    fn backoff_variant_changes_only_what_it_says() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let base = load(&dir.join("campus13.yaml")).unwrap();
        let mut variant = load(&dir.join("campus13-backoff.yaml")).unwrap();
        assert_eq!(variant.optimiser.back_off, vec!["P2", "P4"]);
        variant.optimiser.back_off.clear();
        variant.name = base.name.clone();
        variant.description = base.description.clone();
        assert_eq!(variant, base);
    }
}
