//! A battery with state of charge (docs/model.md §9): a prosumer's home battery or a battery
//! bank, evolving interval by interval.
//!
//! **Conventions.** Energies are at the battery's terminals, the side the island sees: what it
//! *delivers* and what it *absorbs*. Power limits are terminal powers too (an inverter's
//! rating), so in an interval of Δ s a battery delivers at most `discharge_kw · Δ / 3600` kWh
//! and absorbs at most `charge_kw · Δ / 3600` kWh. The round-trip efficiency η is split evenly
//! between the two directions, √η each: absorbing `e` kWh stores `e·√η`, and delivering `e`
//! kWh takes `e/√η` from the store, so a kWh charged and then discharged gives back exactly η
//! kWh and the loss `1 − η` is counted where it happens ([`Battery::losses_kwh`]).
//!
//! **Invariant.** `reserve_kwh ≤ soc_kwh ≤ capacity_kwh` at all times: the reserve (a share of
//! the capacity) is never discharged, and the battery never takes in more than it has room
//! for. Requests beyond what the battery can do are not errors: [`Battery::discharge`] and
//! [`Battery::charge`] do what they can and return it.

use crate::scenario::{BatteryBank, BatteryConfig, Prosumer};
use serde::Serialize;

/// A battery's fixed parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BatteryParams {
    /// Usable capacity, kWh; > 0.
    pub capacity_kwh: f64,
    /// Largest charging power at the terminals, kW; ≥ 0.
    pub charge_kw: f64,
    /// Largest discharging power at the terminals, kW; ≥ 0.
    pub discharge_kw: f64,
    /// Round-trip efficiency η in (0, 1]; √η each way.
    pub round_trip_efficiency: f64,
    /// Share of the capacity never discharged, in [0, 1).
    pub reserve: f64,
}

/// Battery parameters or a state of charge out of their domain: the field and the value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("battery {field}: {message}")]
pub struct BatteryError {
    /// The parameter (`capacity_kwh`, `soc_kwh`, ...).
    pub field: &'static str,
    /// What was expected and what was found.
    pub message: String,
}

impl BatteryParams {
    /// The parameters of a `battery:` block for a battery of `capacity_kwh` (its defaults
    /// resolved).
    pub fn from_config(config: &BatteryConfig, capacity_kwh: f64) -> Self {
        BatteryParams {
            capacity_kwh,
            charge_kw: config.charge_kw(capacity_kwh),
            discharge_kw: config.discharge_kw(capacity_kwh),
            round_trip_efficiency: config.round_trip_efficiency,
            reserve: config.reserve,
        }
    }

    /// Checks every parameter's domain.
    pub fn validate(&self) -> Result<(), BatteryError> {
        let check = |field, ok: bool, expected: &str, value: f64| {
            if ok {
                Ok(())
            } else {
                Err(BatteryError {
                    field,
                    message: format!("must be {expected}, got {value}"),
                })
            }
        };
        let c = self.capacity_kwh;
        check("capacity_kwh", c.is_finite() && c > 0.0, "> 0", c)?;
        for (field, kw) in [
            ("charge_kw", self.charge_kw),
            ("discharge_kw", self.discharge_kw),
        ] {
            check(field, kw.is_finite() && kw >= 0.0, ">= 0", kw)?;
        }
        let eta = self.round_trip_efficiency;
        check(
            "round_trip_efficiency",
            eta > 0.0 && eta <= 1.0,
            "in (0, 1]",
            eta,
        )?;
        check(
            "reserve",
            (0.0..1.0).contains(&self.reserve),
            "in [0, 1)",
            self.reserve,
        )
    }

    /// Efficiency of one direction, √η.
    pub fn one_way_efficiency(&self) -> f64 {
        self.round_trip_efficiency.sqrt()
    }

    /// The energy the reserve keeps, kWh.
    pub fn reserve_kwh(&self) -> f64 {
        self.reserve * self.capacity_kwh
    }
}

/// A battery and its state of charge.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Battery {
    params: BatteryParams,
    soc_kwh: f64,
    losses_kwh: f64,
}

/// kWh of `kw` over `interval_s` seconds.
fn energy_kwh(kw: f64, interval_s: f64) -> f64 {
    kw * interval_s / 3600.0
}

impl Battery {
    /// A battery with `params` holding `soc_kwh`, which must lie in [reserve, capacity].
    pub fn new(params: BatteryParams, soc_kwh: f64) -> Result<Self, BatteryError> {
        params.validate()?;
        let (low, high) = (params.reserve_kwh(), params.capacity_kwh);
        if !(low..=high).contains(&soc_kwh) {
            return Err(BatteryError {
                field: "soc_kwh",
                message: format!(
                    "must lie in [{low}, {high}] (reserve to capacity), got {soc_kwh}"
                ),
            });
        }
        Ok(Battery {
            params,
            soc_kwh,
            losses_kwh: 0.0,
        })
    }

    /// A prosumer's battery from its `battery:` block (`None` without one: the prosumer keeps
    /// its per-interval `battery_kwh`).
    pub fn of_prosumer(prosumer: &Prosumer) -> Result<Option<Self>, BatteryError> {
        let Some(config) = &prosumer.battery else {
            return Ok(None);
        };
        let capacity_kwh = config.capacity_kwh.ok_or_else(|| BatteryError {
            field: "capacity_kwh",
            message: "required on a prosumer's battery".into(),
        })?;
        let params = BatteryParams::from_config(config, capacity_kwh);
        Battery::new(params, config.initial_soc() * capacity_kwh).map(Some)
    }

    /// A battery bank's battery from its `battery:` block, its capacity and initial state being
    /// the bank's `capacity_kwh` and `stored_kwh` (`None` without a block: the bank keeps its
    /// per-interval `charge_kwh` and `discharge_kwh`).
    pub fn of_bank(bank: &BatteryBank) -> Result<Option<Self>, BatteryError> {
        let Some(config) = &bank.battery else {
            return Ok(None);
        };
        let params = BatteryParams::from_config(config, bank.capacity_kwh);
        Battery::new(params, bank.stored_kwh).map(Some)
    }

    /// Its parameters.
    pub fn params(&self) -> &BatteryParams {
        &self.params
    }

    /// Energy stored now, kWh, in [reserve, capacity].
    pub fn soc_kwh(&self) -> f64 {
        self.soc_kwh
    }

    /// Energy lost in conversion so far, kWh: `(1/√η − 1)` of every kWh delivered plus
    /// `(1 − √η)` of every kWh absorbed.
    pub fn losses_kwh(&self) -> f64 {
        self.losses_kwh
    }

    /// What it can deliver in an interval of `interval_s` s, kWh: the power limit, and the
    /// energy above the reserve after discharge losses.
    pub fn deliverable_kwh(&self, interval_s: f64) -> f64 {
        let above_reserve = (self.soc_kwh - self.params.reserve_kwh()).max(0.0);
        energy_kwh(self.params.discharge_kw, interval_s)
            .min(above_reserve * self.params.one_way_efficiency())
    }

    /// What it can absorb in an interval of `interval_s` s, kWh: the power limit, and the room
    /// left below the capacity before charge losses.
    pub fn absorbable_kwh(&self, interval_s: f64) -> f64 {
        let room = (self.params.capacity_kwh - self.soc_kwh).max(0.0);
        energy_kwh(self.params.charge_kw, interval_s).min(room / self.params.one_way_efficiency())
    }

    /// Delivers up to `kwh` over an interval of `interval_s` s: the least of `kwh` and
    /// [`Battery::deliverable_kwh`] (a negative or NaN request delivers nothing). Returns the
    /// energy delivered.
    pub fn discharge(&mut self, kwh: f64, interval_s: f64) -> f64 {
        let delivered = kwh.max(0.0).min(self.deliverable_kwh(interval_s));
        let taken = delivered / self.params.one_way_efficiency();
        self.losses_kwh += taken - delivered;
        // Rounding never takes it below the reserve.
        self.soc_kwh = (self.soc_kwh - taken).max(self.params.reserve_kwh());
        delivered
    }

    /// Absorbs up to `kwh` over an interval of `interval_s` s: the least of `kwh` and
    /// [`Battery::absorbable_kwh`] (a negative or NaN request absorbs nothing). Returns the
    /// energy absorbed.
    pub fn charge(&mut self, kwh: f64, interval_s: f64) -> f64 {
        let absorbed = kwh.max(0.0).min(self.absorbable_kwh(interval_s));
        let stored = absorbed * self.params.one_way_efficiency();
        self.losses_kwh += absorbed - stored;
        // Rounding never takes it above the capacity.
        self.soc_kwh = (self.soc_kwh + stored).min(self.params.capacity_kwh);
        absorbed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 100 kWh, 40 kW each way (10 kWh per 15 min), reserve 20 %.
    fn battery(eta: f64, soc_kwh: f64) -> Battery {
        let params = BatteryParams {
            capacity_kwh: 100.0,
            charge_kw: 40.0,
            discharge_kw: 40.0,
            round_trip_efficiency: eta,
            reserve: 0.2,
        };
        Battery::new(params, soc_kwh).unwrap()
    }

    const QUARTER_HOUR_S: f64 = 900.0;

    #[test]
    fn charged_then_discharged_gives_back_eta_exactly() {
        // η = 0.5625, √η = 0.75, both exact in binary.
        let mut b = battery(0.5625, 20.0);
        assert_eq!(b.charge(8.0, QUARTER_HOUR_S), 8.0);
        assert_eq!(b.soc_kwh(), 26.0);
        assert_eq!(b.deliverable_kwh(QUARTER_HOUR_S), 4.5);
        assert_eq!(b.discharge(100.0, QUARTER_HOUR_S), 4.5);
        assert_eq!(b.soc_kwh(), 20.0);
        // 8 kWh in, 4.5 out: 1 − η of what went in is lost, 3.5 kWh.
        assert_eq!(b.losses_kwh(), 8.0 * (1.0 - 0.5625));
        // With η = 0.9: the same to rounding.
        let mut b = battery(0.9, 20.0);
        b.charge(10.0, QUARTER_HOUR_S);
        let out = b.discharge(10.0, QUARTER_HOUR_S);
        assert!((out - 9.0).abs() < 1e-12, "{out}");
        assert!((b.losses_kwh() - 1.0).abs() < 1e-12);
    }

    #[test]
    fn power_limits_and_the_reserve_bound_each_interval() {
        let mut b = battery(1.0, 50.0);
        // 40 kW for 15 min: 10 kWh either way.
        assert_eq!(b.deliverable_kwh(QUARTER_HOUR_S), 10.0);
        assert_eq!(b.absorbable_kwh(QUARTER_HOUR_S), 10.0);
        assert_eq!(b.discharge(25.0, QUARTER_HOUR_S), 10.0);
        assert_eq!(b.soc_kwh(), 40.0);
        // Over an hour 40 kWh by power, but only 20 above the reserve.
        assert_eq!(b.discharge(1e9, 3600.0), 20.0);
        assert_eq!(b.soc_kwh(), 20.0);
        assert_eq!(b.discharge(1.0, 3600.0), 0.0);
        // Room for 80 kWh; 40 per hour.
        assert_eq!(b.charge(1e9, 3600.0), 40.0);
        assert_eq!(b.charge(1e9, 7200.0), 40.0);
        assert_eq!(b.soc_kwh(), 100.0);
        assert_eq!(b.charge(1.0, 3600.0), 0.0);
        assert_eq!(b.charge(-1.0, 3600.0), 0.0);
        assert_eq!(b.discharge(f64::NAN, 3600.0), 0.0);
    }

    #[test]
    fn out_of_domain_parameters_are_refused() {
        let params = *battery(0.9, 50.0).params();
        assert_eq!(
            Battery::new(params, 10.0).unwrap_err().to_string(),
            "battery soc_kwh: must lie in [20, 100] (reserve to capacity), got 10"
        );
        let bad = BatteryParams {
            round_trip_efficiency: 0.0,
            ..params
        };
        assert_eq!(
            Battery::new(bad, 50.0).unwrap_err().field,
            "round_trip_efficiency"
        );
        let bad = BatteryParams {
            reserve: 1.0,
            ..params
        };
        assert_eq!(Battery::new(bad, 50.0).unwrap_err().field, "reserve");
    }

    #[test]
    fn scenario_blocks_resolve_their_defaults() {
        let text = include_str!("../../scenarios/household-der.yaml")
            .replacen(
                "consumption_kwh: 0.4}",
                "consumption_kwh: 0.4, battery: {capacity_kwh: 10}}",
                1,
            )
            .replacen(
                "discharge_kwh: 0.15}",
                "discharge_kwh: 0.15, battery: {charge_kw: 3, reserve: 0.1}}",
                1,
            );
        let s = crate::scenario::parse_str(&text, "h.yaml").unwrap();
        let home = Battery::of_prosumer(&s.entities.prosumers[0])
            .unwrap()
            .unwrap();
        assert_eq!(
            *home.params(),
            BatteryParams {
                capacity_kwh: 10.0,
                charge_kw: 5.0,
                discharge_kw: 5.0,
                round_trip_efficiency: 0.9,
                reserve: 0.2,
            }
        );
        assert_eq!(home.soc_kwh(), 10.0);
        assert_eq!(Battery::of_prosumer(&s.entities.prosumers[1]), Ok(None));
        let bank = Battery::of_bank(&s.entities.batteries[0]).unwrap().unwrap();
        assert_eq!(
            (
                bank.params().charge_kw,
                bank.params().discharge_kw,
                bank.params().reserve
            ),
            (3.0, 5.0, 0.1)
        );
        assert_eq!(bank.soc_kwh(), 4.0);
    }
}
