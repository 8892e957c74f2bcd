//! SimBench grid codes: `<version>-<levels>-<type>-<subnets>-<scenario>-<sw|no_sw>`, for
//! example `1-LV-rural1--0-sw` (the rural LV grid 1, today's scenario, with switches).

use super::error::SimbenchError;

/// The grid types of each voltage level, highest first (the highest level of a code names the
/// type; `EHVHV` starts with `EHV`, `HVMV` with `HV`).
const TYPES: [(&str, &[&str]); 4] = [
    ("EHV", &["mixed"]),
    ("HV", &["mixed", "urban"]),
    ("MV", &["rural", "semiurb", "urban", "comm"]),
    (
        "LV",
        &[
            "rural1", "rural2", "rural3", "semiurb4", "semiurb5", "urban6",
        ],
    ),
];

/// The voltage levels a code may name: one level, or two adjacent ones.
const LEVELS: [&str; 7] = ["EHV", "HV", "MV", "LV", "EHVHV", "HVMV", "MVLV"];

/// A parsed SimBench grid code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridCode {
    /// The code as given.
    pub text: String,
    /// The voltage levels (`LV`, `MVLV`).
    pub levels: String,
    /// The grid type (`rural1`).
    pub kind: String,
    /// The scenario: 0 today, 1 and 2 the future ones (more PV, storage, heat pumps, EVs).
    pub scenario: u8,
    /// Whether switches are kept (`sw`) or the nodes they join merged (`no_sw`).
    pub switches: bool,
}

impl std::str::FromStr for GridCode {
    type Err = SimbenchError;

    fn from_str(code: &str) -> Result<Self, SimbenchError> {
        let unknown = |message: String| SimbenchError::UnknownGridCode {
            code: code.to_string(),
            message,
        };
        let parts: Vec<&str> = code.split('-').collect();
        let [version, levels, kind, _subnets, scenario, switches] = parts[..] else {
            return Err(unknown(format!(
                "{} parts separated by `-`, a code has 6 (e.g. 1-LV-rural1--0-sw)",
                parts.len()
            )));
        };
        if version != "1" {
            return Err(unknown(format!(
                "version `{version}`: SimBench has version 1"
            )));
        }
        if !LEVELS.contains(&levels) {
            return Err(unknown(format!(
                "voltage levels `{levels}`, not one of {}",
                LEVELS.join(", ")
            )));
        }
        let top = TYPES
            .iter()
            .find(|(level, _)| levels.starts_with(level))
            .map(|(_, kinds)| *kinds)
            .unwrap_or_default();
        if !top.contains(&kind) {
            return Err(unknown(format!(
                "grid type `{kind}`, not one of {} at {levels}",
                top.join(", ")
            )));
        }
        let scenario = match scenario {
            "0" => 0,
            "1" => 1,
            "2" => 2,
            other => return Err(unknown(format!("scenario `{other}`, not 0, 1 or 2"))),
        };
        let switches = match switches {
            "sw" => true,
            "no_sw" => false,
            other => return Err(unknown(format!("`{other}`, not sw or no_sw"))),
        };
        Ok(GridCode {
            text: code.to_string(),
            levels: levels.to_string(),
            kind: kind.to_string(),
            scenario,
            switches,
        })
    }
}
