//! Chain profiles: what the benchmarked chain node is, as data — a `chain:` section with the
//! schema of a scenario's (`ChainConfig`: mining, block interval, gas limit, confirmations,
//! per-function service times). The bundled ones (`scenarios/chains/*.yaml`) are built into the
//! binary, so `--chain ganache` works from any directory; any other file can be given by path.

use super::CaliperError;
use crate::scenario::{ChainConfig, check_chain};
use crate::yaml::{self, YamlError};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A named chain configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainProfile {
    /// Short name (the file's name without extension when absent).
    #[serde(default)]
    pub name: String,
    /// What the profile models, and where its numbers come from.
    #[serde(default)]
    pub description: String,
    /// The node.
    pub chain: ChainConfig,
}

/// The bundled profiles: (name, YAML text).
const BUILTIN: [(&str, &str); 4] = [
    (
        "ganache",
        include_str!("../../scenarios/chains/ganache.yaml"),
    ),
    (
        "instant",
        include_str!("../../scenarios/chains/instant.yaml"),
    ),
    (
        "interval-2s",
        include_str!("../../scenarios/chains/interval-2s.yaml"),
    ),
    (
        "interval-12s",
        include_str!("../../scenarios/chains/interval-12s.yaml"),
    ),
];

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "ganache";

impl ChainProfile {
    /// Names of the bundled profiles.
    pub fn builtin_names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(name, _)| *name)
    }

    /// The bundled profile called `name`, if there is one.
    pub fn builtin(name: &str) -> Option<Self> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        let file = format!("scenarios/chains/{name}.yaml (built in)");
        Some(Self::parse_str(text, &file, name).expect("bundled profiles are valid (tested)"))
    }

    /// Reads and checks the profile in `path`.
    pub fn load(path: &Path) -> Result<Self, CaliperError> {
        let (text, file) = yaml::read_file(path, "chain profile")?;
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        Self::parse_str(&text, &file, stem.as_deref().unwrap_or("custom"))
    }

    /// A bundled profile by name, else the profile file at that path.
    pub fn resolve(name_or_path: &str) -> Result<Self, CaliperError> {
        if let Some(profile) = Self::builtin(name_or_path) {
            return Ok(profile);
        }
        let path = Path::new(name_or_path);
        if !path.exists() {
            return Err(CaliperError::UnknownProfile {
                name: name_or_path.to_string(),
                known: Self::builtin_names().collect::<Vec<_>>().join(", "),
            });
        }
        Self::load(path)
    }

    /// Parses and checks profile text; `file` names it in errors, `default_name` is the name
    /// when the text gives none.
    pub fn parse_str(text: &str, file: &str, default_name: &str) -> Result<Self, CaliperError> {
        let mut profile: ChainProfile = yaml::parse(text, file)?;
        check_chain(&profile.chain)
            .map_err(|(field, message)| YamlError::invalid(file, field, message))?;
        if profile.name.trim().is_empty() {
            profile.name = default_name.to_string();
        }
        Ok(profile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Mining;

    #[test]
    fn bundled_profiles_are_valid_and_share_ganache_service_times() {
        let ganache = ChainProfile::builtin("ganache").unwrap();
        for name in ChainProfile::builtin_names() {
            let profile = ChainProfile::builtin(name).unwrap();
            assert_eq!(profile.name, name);
            if name.starts_with("interval-") {
                assert_eq!(profile.chain.mining, Mining::Interval);
                assert_eq!(
                    profile.chain.service_time_s, ganache.chain.service_time_s,
                    "{name}"
                );
            }
        }
        assert!(ChainProfile::builtin("besu").is_none());
    }

    #[test]
    fn errors_name_the_field_or_the_known_profiles() {
        let e = ChainProfile::parse_str("chain: {mining: interval}", "p.yaml", "p").unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.yaml: chain.block_interval_s: required when chain.mining is `interval`"
        );
        let e = ChainProfile::resolve("no-such-profile").unwrap_err();
        assert!(e.to_string().contains("ganache, instant"), "{e}");
    }
}
