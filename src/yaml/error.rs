//! The error of a YAML input: where (file, line and column, field path) and what.

use std::fmt;

/// A YAML file that cannot be used — unreadable, not YAML, not its schema, or refused by its
/// reader's checks — located as precisely as the input allows.
///
/// Displays on one line: `file:line:column: field.path: message`, leaving out what is unknown.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct YamlError {
    /// The file being read (or `<string>` for text parsed from memory).
    pub file: String,
    /// 1-based line and column in `file`, when the error comes from parsing.
    pub location: Option<(usize, usize)>,
    /// Dotted path of the offending field, e.g. `entities.prosumers[3].battery_kwh`.
    pub field: Option<String>,
    /// What is wrong, and what would be right.
    pub message: String,
}

impl YamlError {
    /// An error about the value at `field` found by validation (no line information).
    pub fn invalid(file: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        YamlError {
            file: file.to_string(),
            location: None,
            field: Some(field.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, column)) = self.location {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Adds "did you mean" to serde's `unknown field` / `unknown variant` messages, which list the
/// accepted names in backticks after the unknown one.
pub(super) fn with_suggestion(message: &str) -> String {
    let is_unknown_name =
        message.starts_with("unknown field") || message.starts_with("unknown variant");
    let names: Vec<&str> = message.split('`').skip(1).step_by(2).collect();
    let Some((unknown, accepted)) = names.split_first() else {
        return message.to_string();
    };
    if !is_unknown_name || accepted.is_empty() {
        return message.to_string();
    }
    let closest = accepted
        .iter()
        .map(|name| (edit_distance(unknown, name), *name))
        .min();
    match closest {
        Some((distance, name)) if distance <= (unknown.len() / 3).max(2) => {
            let what = message.split('`').next().unwrap_or("").trim_end();
            format!("{what} `{unknown}`, did you mean `{name}`?")
        }
        _ => message.to_string(),
    }
}

/// Levenshtein distance between two names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_closest_accepted_name() {
        assert_eq!(
            with_suggestion(
                "unknown field `batery_kwh`, expected one of `id`, `node`, `battery_kwh`"
            ),
            "unknown field `batery_kwh`, did you mean `battery_kwh`?"
        );
        assert_eq!(
            with_suggestion("unknown variant `lognormall`, expected one of `fixed`, `lognormal`"),
            "unknown variant `lognormall`, did you mean `lognormal`?"
        );
    }

    #[test]
    fn leaves_far_names_and_other_messages_alone() {
        let far = "unknown field `colour`, expected `id` or `node`";
        assert_eq!(with_suggestion(far), far);
        let other = "invalid type: string \"x\", expected f64";
        assert_eq!(with_suggestion(other), other);
    }

    #[test]
    fn displays_on_one_line_with_what_is_known() {
        let e = YamlError {
            file: "a.yaml".into(),
            location: Some((3, 5)),
            field: Some("grid.nodes[0].kind".into()),
            message: "bad".into(),
        };
        assert_eq!(e.to_string(), "a.yaml:3:5: grid.nodes[0].kind: bad");
        let e = YamlError::invalid("a.yaml", "faults[0].line", "no line");
        assert_eq!(e.to_string(), "a.yaml: faults[0].line: no line");
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
