//! Reading scenario files: YAML syntax ([`crate::yaml`]), `extends`, the schema, then semantic
//! validation.

use super::{Scenario, ScenarioError, validate::validate};
use crate::yaml::{self, Value};
use std::path::{Path, PathBuf};

/// Key naming a base scenario that this file modifies.
const EXTENDS: &str = "extends";
/// Deepest chain of `extends` allowed (guards against cycles).
const MAX_EXTENDS_DEPTH: usize = 8;

/// Loads and validates the scenario in `path`, following `extends` relative to the file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let (text, file) = yaml::read_file(path, "file")?;
    parse_in(&text, &file, path.parent().unwrap_or(Path::new(".")), 0)
}

/// Parses and validates scenario text held in memory; `file` names it in errors and `extends`
/// is resolved against the current directory.
pub fn parse_str(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    parse_in(text, file, Path::new("."), 0)
}

fn parse_in(text: &str, file: &str, dir: &Path, depth: usize) -> Result<Scenario, ScenarioError> {
    let document = yaml::document(text, file)?;
    // Parse the text itself first, so schema errors keep their line and column. A file with
    // `extends` fails that (the key is not in the schema) and is merged onto its base instead;
    // so is one whose faults name lines (`line: Line.650632`), resolved to their nodes first.
    let scenario = match yaml::from_text(text, file) {
        Ok(scenario) => scenario,
        Err(direct) => {
            let Some(base) = base_of(&document, file)? else {
                if !names_lines(&document) {
                    return Err(direct.into());
                }
                let mut document = document;
                resolve_line_names(&mut document, file)?;
                return finish(yaml::from_value(document, file)?, file);
            };
            let mut merged = load_value(&dir.join(base), depth + 1)?;
            let Value::Mapping(mut overrides) = document else {
                unreachable!("a document with `extends` is a mapping")
            };
            overrides.remove(EXTENDS);
            merge(&mut merged, Value::Mapping(overrides));
            resolve_line_names(&mut merged, file)?;
            yaml::from_value(merged, file)?
        }
    };
    finish(scenario, file)
}

/// Validates a parsed scenario.
fn finish(scenario: Scenario, file: &str) -> Result<Scenario, ScenarioError> {
    validate(&scenario).map_err(|(field, message)| ScenarioError::invalid(file, field, message))?;
    Ok(scenario)
}

/// The places a line is referred to: each fault's `line` and each fault set's `lines` items.
fn line_refs(document: &mut Value) -> Vec<(String, &mut Value)> {
    let mut refs = Vec::new();
    let Value::Mapping(map) = document else {
        return refs;
    };
    let mut faults = None;
    let mut monte_carlo = None;
    for (key, value) in map.iter_mut() {
        match key.as_str() {
            Some("faults") => faults = Some(value),
            Some("monte_carlo") => monte_carlo = Some(value),
            _ => {}
        }
    }
    if let Some(Value::Sequence(faults)) = faults {
        for (i, fault) in faults.iter_mut().enumerate() {
            if let Some(line) = fault.get_mut("line") {
                refs.push((format!("faults[{i}].line"), line));
            }
        }
    }
    if let Some(Value::Sequence(sets)) = monte_carlo.and_then(|m| m.get_mut("fault_sets")) {
        for (i, set) in sets.iter_mut().enumerate() {
            if let Some(Value::Sequence(lines)) = set.get_mut("lines") {
                for (j, line) in lines.iter_mut().enumerate() {
                    refs.push((format!("monte_carlo.fault_sets[{i}].lines[{j}]"), line));
                }
            }
        }
    }
    refs
}

/// Whether a fault or fault set names a line (a string) rather than giving its two nodes.
fn names_lines(document: &Value) -> bool {
    let mut document = document.clone();
    line_refs(&mut document)
        .iter()
        .any(|(_, line)| matches!(line, Value::String(_)))
}

/// Replaces each line named in a fault or fault set by its two nodes (`[from, to]`), from
/// `grid.lines[].name` (case-insensitive): an imported feeder's lines are named
/// (`Line.671692`), its node numbers are not memorable.
fn resolve_line_names(document: &mut Value, file: &str) -> Result<(), ScenarioError> {
    let mut names: Vec<(String, Value)> = Vec::new();
    if let Some(Value::Sequence(lines)) = document.get("grid").and_then(|g| g.get("lines")) {
        for line in lines {
            if let (Some(Value::String(name)), Some(from), Some(to)) =
                (line.get("name"), line.get("from"), line.get("to"))
            {
                let pair = Value::Sequence(vec![from.clone(), to.clone()]);
                names.push((name.to_lowercase(), pair));
            }
        }
    }
    for (field, line) in line_refs(document) {
        let Value::String(name) = line else {
            continue;
        };
        let Some((_, pair)) = names.iter().find(|(n, _)| *n == name.to_lowercase()) else {
            return Err(ScenarioError::invalid(
                file,
                field,
                format!(
                    "no line named `{name}` in grid.lines (name a line, or give its two nodes)"
                ),
            ));
        };
        *line = pair.clone();
    }
    Ok(())
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
    let unreadable = |message: String| {
        ScenarioError(yaml::YamlError {
            file: file.clone(),
            location: None,
            field: None,
            message: format!("cannot read the base scenario: {message}"),
        })
    };
    // A device or pipe named `*.yaml` could be read forever.
    let metadata = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if !metadata.is_file() {
        return Err(unreadable("not a regular file".into()));
    }
    let text = std::fs::read_to_string(path).map_err(|e| unreadable(e.to_string()))?;
    let mut document = yaml::document(&text, &file)?;
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
