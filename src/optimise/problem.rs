//! What the optimiser is given: an isolated island's prosumers and consumers as plain data,
//! and the solver settings. Validation turns bad input into an error that names the field.

use serde::{Deserialize, Serialize};

use super::OptimiseError;
use crate::scenario::Model;

/// One prosumer of the island (docs/model.md §1, Table 5), energies for the interval in kWh.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProsumerInput {
    /// Identifier, unique in the island (e.g. `"P1"`).
    pub id: String,
    /// `Pe`: energy exported at t−1, before the outage.
    pub export_prev_kwh: f64,
    /// `PG`: generation at t.
    pub generation_kwh: f64,
    /// `PB`: energy stored in its battery.
    pub battery_kwh: f64,
    /// `Pc`: its own expected consumption at t.
    pub consumption_kwh: f64,
    /// Smallest share of its consumption it sheds (paper model only; docs/model.md §5a bounds).
    pub alpha_min: f64,
    /// Largest share of its consumption it is willing to shed (both models).
    pub alpha_max: f64,
}

/// One consumer of the island.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsumerInput {
    /// Identifier, unique in the island (e.g. `"C1"`).
    pub id: String,
    /// Demand at t, kWh.
    pub demand_kwh: f64,
    /// Higher is more critical: served first when capacity is short. Default 0.
    #[serde(default)]
    pub priority: u32,
    /// What it pays for `demand_kwh` under its slab schedule (eq. 3), computed by the
    /// caller; the budget of eq. 5 is the sum over served consumers.
    pub tariff_inr: f64,
}

/// An isolated island to allocate for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    /// Its prosumers, in a stable order (the output keeps it).
    pub prosumers: Vec<ProsumerInput>,
    /// Its consumers.
    pub consumers: Vec<ConsumerInput>,
    /// `BT_p`, the prosumer base tariff (3 INR/kWh in the paper).
    pub base_tariff_inr_per_kwh: f64,
    /// What the island's DERs and battery banks supply over the interval, kWh: eq. 1's
    /// `P_DER + P_BBD − P_BBI` (negative when the banks take in more than the DERs and banks
    /// give). It supplies the island before any prosumer is asked for extra export. Default 0.
    #[serde(default)]
    pub community_supply_kwh: f64,
}

/// How to solve.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// Which model.
    pub model: Model,
    /// Smallest share of battery energy each prosumer exports (paper model only).
    pub beta_min: f64,
    /// Prosumers that back off (case 2, eq. 14): they neither export nor are paid.
    pub exclude: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            model: Model::Fair,
            beta_min: 0.0,
            exclude: Vec::new(),
        }
    }
}

fn invalid(path: String, message: String) -> OptimiseError {
    OptimiseError::Invalid { path, message }
}

fn non_negative(path: impl Fn() -> String, value: f64) -> Result<(), OptimiseError> {
    if !value.is_finite() {
        return Err(invalid(path(), format!("must be finite, got {value}")));
    }
    if value < 0.0 {
        return Err(invalid(path(), format!("must be >= 0, got {value}")));
    }
    Ok(())
}

fn share(path: impl Fn() -> String, value: f64) -> Result<(), OptimiseError> {
    if !(0.0..=1.0).contains(&value) {
        return Err(invalid(path(), format!("must be in [0, 1], got {value}")));
    }
    Ok(())
}

fn unique_ids<'a>(list: &str, ids: impl Iterator<Item = &'a String>) -> Result<(), OptimiseError> {
    let mut seen = std::collections::HashMap::new();
    for (i, id) in ids.enumerate() {
        if let Some(first) = seen.insert(id, i) {
            return Err(invalid(
                format!("{list}[{i}].id"),
                format!("duplicate id {id:?} (also {list}[{first}])"),
            ));
        }
    }
    Ok(())
}

impl Problem {
    /// Checks every field against its domain; the error names the first bad one.
    pub fn validate(&self, settings: &Settings) -> Result<(), OptimiseError> {
        let bt = self.base_tariff_inr_per_kwh;
        if !(bt.is_finite() && bt > 0.0) {
            return Err(invalid(
                "base_tariff_inr_per_kwh".into(),
                format!("must be a finite number > 0, got {bt}"),
            ));
        }
        let community = self.community_supply_kwh;
        if !community.is_finite() {
            return Err(invalid(
                "community_supply_kwh".into(),
                format!("must be finite, got {community}"),
            ));
        }
        for (i, p) in self.prosumers.iter().enumerate() {
            let at = |field: &'static str| move || format!("prosumers[{i}].{field}");
            non_negative(at("export_prev_kwh"), p.export_prev_kwh)?;
            non_negative(at("generation_kwh"), p.generation_kwh)?;
            non_negative(at("battery_kwh"), p.battery_kwh)?;
            non_negative(at("consumption_kwh"), p.consumption_kwh)?;
            share(at("alpha_min"), p.alpha_min)?;
            share(at("alpha_max"), p.alpha_max)?;
            if p.alpha_min > p.alpha_max {
                return Err(invalid(
                    at("alpha_min")(),
                    format!(
                        "must be <= alpha_max ({}), got {}",
                        p.alpha_max, p.alpha_min
                    ),
                ));
            }
        }
        for (j, c) in self.consumers.iter().enumerate() {
            let at = |field: &'static str| move || format!("consumers[{j}].{field}");
            non_negative(at("demand_kwh"), c.demand_kwh)?;
            non_negative(at("tariff_inr"), c.tariff_inr)?;
        }
        unique_ids("prosumers", self.prosumers.iter().map(|p| &p.id))?;
        unique_ids("consumers", self.consumers.iter().map(|c| &c.id))?;
        share(|| "settings.beta_min".into(), settings.beta_min)?;
        for (k, id) in settings.exclude.iter().enumerate() {
            if !self.prosumers.iter().any(|p| &p.id == id) {
                return Err(invalid(
                    format!("settings.exclude[{k}]"),
                    format!("unknown prosumer id {id:?}"),
                ));
            }
        }
        Ok(())
    }
}
