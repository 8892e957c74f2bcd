//! The error of scenario loading: the scenario file's located error (file, line and column, field
//! path) and what is wrong, as for any YAML input ([`YamlError`]).

use crate::yaml::YamlError;

/// A scenario that cannot be used — unreadable, not YAML, not the schema, or invalid — located
/// as precisely as the input allows.
///
/// Displays as its [`YamlError`], on one line: `file:line:column: field.path: message`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(transparent)]
pub struct ScenarioError(pub YamlError);

impl From<YamlError> for ScenarioError {
    fn from(error: YamlError) -> Self {
        ScenarioError(error)
    }
}

impl ScenarioError {
    /// An error about the value at `field` found by validation (no line information).
    pub fn invalid(file: &str, field: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError(YamlError::invalid(file, field, message))
    }
}
