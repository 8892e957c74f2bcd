//! From the domain model's units (kWh, INR as `f64`) to the contracts' integers (Wh, paise).

use super::{ChainError, EntityId, Share, Slab, SlabSchedule};
use crate::tariff;

/// How far from a whole number a converted value may be (floating-point noise, e.g.
/// 3.15 INR × 100 = 315.00000000000006 paise).
const WHOLE_WITHIN: f64 = 1e-6;

impl TryFrom<&tariff::SlabSchedule> for SlabSchedule {
    type Error = ChainError;

    /// The same schedule in Wh and paise per kWh. Band edges must be whole Wh and rates whole
    /// paise per kWh: a schedule is converted exactly or not at all. The schedule's last band
    /// becomes unbounded, as [`tariff::SlabSchedule::consumer_tariff_inr`] bills consumption above
    /// the last edge at the last non-telescopic rate.
    fn try_from(schedule: &tariff::SlabSchedule) -> Result<Self, ChainError> {
        let convert = |list: &str, bands: &[tariff::Band]| -> Result<Vec<Slab>, ChainError> {
            bands
                .iter()
                .enumerate()
                .map(|(i, band)| {
                    let field = |name: &str| format!("{list}[{i}].{name}");
                    let up_to_wh = match band.up_to_kwh {
                        None => Slab::UNBOUNDED_WH,
                        Some(kwh) => whole(kwh * 1000.0, || field("up_to_kwh"), "Wh")?,
                    };
                    let rate_paise_per_kwh =
                        rate_paise(band.rate_inr_per_kwh, || field("rate_inr_per_kwh"))?;
                    Ok(Slab {
                        up_to_wh,
                        rate_paise_per_kwh,
                    })
                })
                .collect()
        };
        let telescopic = convert("telescopic", &schedule.telescopic)?;
        let mut flat = convert("non_telescopic", &schedule.non_telescopic)?;
        let telescopic_limit_wh = telescopic.last().map_or(0, |band| band.up_to_wh);
        match flat.last_mut() {
            Some(last) => last.up_to_wh = Slab::UNBOUNDED_WH,
            None if telescopic_limit_wh != Slab::UNBOUNDED_WH => {
                return Err(ChainError::Unrepresentable {
                    field: "non_telescopic".into(),
                    message: "no band bills consumption above the last telescopic edge".into(),
                });
            }
            None => {}
        }
        Ok(Self {
            telescopic_limit_wh,
            telescopic,
            flat,
        })
    }
}

/// The dearest rate the contracts are given, INR per kWh (10^8 paise per kWh): at most this,
/// a bill of up to 1.8 × 10^11 kWh in one interval still fits the contracts' 64-bit paise.
pub const MAX_RATE_INR_PER_KWH: f64 = 1e6;

/// A rate in whole paise per kWh, at most [`MAX_RATE_INR_PER_KWH`], or an error naming
/// `field()`.
fn rate_paise(rate_inr_per_kwh: f64, field: impl Fn() -> String) -> Result<u64, ChainError> {
    if rate_inr_per_kwh > MAX_RATE_INR_PER_KWH {
        return Err(ChainError::Unrepresentable {
            field: field(),
            message: format!(
                "{rate_inr_per_kwh} INR/kWh is above the dearest rate the contracts take \
                 ({MAX_RATE_INR_PER_KWH} INR/kWh)"
            ),
        });
    }
    whole(rate_inr_per_kwh * 100.0, &field, "paise per kWh").map_err(|_| {
        ChainError::Unrepresentable {
            field: field(),
            message: format!("{rate_inr_per_kwh} INR/kWh is not a whole number of paise per kWh"),
        }
    })
}

/// The prosumer base tariff as TariffComputation holds it: whole paise per kWh, above 0.
pub fn base_tariff_paise(inr_per_kwh: f64) -> Result<u64, ChainError> {
    const FIELD: &str = "prosumer_base_inr_per_kwh";
    match rate_paise(inr_per_kwh, || FIELD.to_string())? {
        0 => Err(ChainError::Unrepresentable {
            field: FIELD.into(),
            message: format!("{inr_per_kwh} INR/kWh is 0 paise; the base tariff must be > 0"),
        }),
        paise => Ok(paise),
    }
}

/// The meter interval as FindEntities holds it: whole seconds (rounded), at least 1.
pub fn interval_seconds(meter_interval_s: f64) -> Result<u32, ChainError> {
    let rounded = meter_interval_s.round();
    if rounded >= 1.0 && rounded <= f64::from(u32::MAX) {
        Ok(rounded as u32)
    } else {
        Err(ChainError::Unrepresentable {
            field: "meter_interval_s".into(),
            message: format!(
                "{meter_interval_s} s rounds to {rounded} whole seconds on chain, which must be \
                 1 to {}",
                u32::MAX
            ),
        })
    }
}

/// A grid node's number as FindEntities holds it: nodes are numbered from 1.
pub fn node_number(node: u32) -> Result<u32, ChainError> {
    if node == 0 {
        Err(ChainError::Unrepresentable {
            field: "node".into(),
            message: "node 0: the contracts number nodes from 1".into(),
        })
    } else {
        Ok(node)
    }
}

/// `value` as a whole non-negative `u64` of `unit`, or an error naming `field()`.
fn whole(value: f64, field: impl Fn() -> String, unit: &str) -> Result<u64, ChainError> {
    let rounded = value.round();
    if !(rounded >= 0.0 && rounded < u64::MAX as f64 && (value - rounded).abs() <= WHOLE_WITHIN) {
        return Err(ChainError::Unrepresentable {
            field: field(),
            message: format!("{value} is not a whole number of {unit}"),
        });
    }
    Ok(rounded as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kseb_converts_exactly() {
        let schedule = SlabSchedule::try_from(&tariff::SlabSchedule::kseb_2022_23()).unwrap();
        let slab = |kwh: u64, rate_paise_per_kwh| Slab {
            up_to_wh: kwh * 1000,
            rate_paise_per_kwh,
        };
        assert_eq!(schedule.telescopic_limit_wh, 250_000);
        assert_eq!(
            schedule.telescopic,
            [
                slab(50, 315),
                slab(100, 395),
                slab(150, 500),
                slab(200, 680),
                slab(250, 800)
            ]
        );
        let unbounded = Slab {
            up_to_wh: Slab::UNBOUNDED_WH,
            rate_paise_per_kwh: 850,
        };
        assert_eq!(
            schedule.flat,
            [
                slab(300, 620),
                slab(350, 700),
                slab(400, 735),
                slab(500, 760),
                unbounded
            ]
        );
    }

    #[test]
    fn fractions_of_a_paisa_or_a_wh_are_refused() {
        let mut kseb = tariff::SlabSchedule::kseb_2022_23();
        kseb.telescopic[1].rate_inr_per_kwh = 3.955;
        let error = SlabSchedule::try_from(&kseb).unwrap_err();
        assert_eq!(
            error.to_string(),
            "telescopic[1].rate_inr_per_kwh: 3.955 INR/kWh is not a whole number of paise per kWh"
        );
        let mut kseb = tariff::SlabSchedule::kseb_2022_23();
        kseb.non_telescopic[0].up_to_kwh = Some(300.0005);
        let error = SlabSchedule::try_from(&kseb).unwrap_err();
        assert!(
            error.to_string().starts_with("non_telescopic[0].up_to_kwh"),
            "{error}"
        );
    }

    #[test]
    fn the_contracts_values_convert_exactly_or_not_at_all() {
        assert_eq!(base_tariff_paise(3.0).unwrap(), 300);
        assert_eq!(base_tariff_paise(1e6).unwrap(), 100_000_000);
        for (inr, message) in [
            (0.0, "0 INR/kWh is 0 paise; the base tariff must be > 0"),
            (
                0.004,
                "0.004 INR/kWh is not a whole number of paise per kWh",
            ),
            (
                3.001,
                "3.001 INR/kWh is not a whole number of paise per kWh",
            ),
            (-3.0, "-3 INR/kWh is not a whole number of paise per kWh"),
            (
                f64::NAN,
                "NaN INR/kWh is not a whole number of paise per kWh",
            ),
            (
                1e7,
                "10000000 INR/kWh is above the dearest rate the contracts take (1000000 INR/kWh)",
            ),
        ] {
            assert_eq!(
                base_tariff_paise(inr).unwrap_err().to_string(),
                format!("prosumer_base_inr_per_kwh: {message}")
            );
        }
        assert_eq!(interval_seconds(900.0).unwrap(), 900);
        assert_eq!(interval_seconds(0.5).unwrap(), 1);
        assert!(interval_seconds(0.49).is_err());
        assert!(interval_seconds(5e9).is_err());
        assert_eq!(node_number(7).unwrap(), 7);
        assert!(node_number(0).is_err());
    }

    #[test]
    fn telescopic_only_schedules_convert_when_open_ended() {
        let band = |up_to_kwh, rate_inr_per_kwh| tariff::Band {
            up_to_kwh,
            rate_inr_per_kwh,
        };
        let mut schedule = tariff::SlabSchedule {
            name: "two bands".into(),
            telescopic: vec![band(Some(100.0), 2.0), band(None, 5.0)],
            non_telescopic: vec![],
        };
        let converted = SlabSchedule::try_from(&schedule).unwrap();
        assert_eq!(converted.telescopic_limit_wh, Slab::UNBOUNDED_WH);
        assert!(converted.flat.is_empty());
        schedule.telescopic[1].up_to_kwh = Some(200.0);
        assert!(SlabSchedule::try_from(&schedule).is_err());
    }
}

/// The most energy one entity may have in a scenario, kWh (per interval, or a month's
/// consumption): the contracts sum readings in 64-bit Wh, which holds millions of entities at
/// this size.
pub const MAX_ENERGY_KWH: f64 = 1e9;

/// Energy in whole Wh, rounded to the nearest: how meters post readings.
pub fn wh(kwh: f64) -> u64 {
    (kwh * 1000.0).round().max(0.0) as u64
}

/// A prosumer's share in whole Wh, rounded up so that the shares still cover the deficit.
pub fn share_wh(delta_kwh: f64) -> u64 {
    (delta_kwh * 1000.0 - 1e-6).ceil().max(0.0) as u64
}

/// A reward in whole paise, rounded down so that the rewards stay within the budget.
pub fn reward_paise(reward_inr: f64) -> u64 {
    (reward_inr * 100.0 + 1e-6).floor().max(0.0) as u64
}

/// A share of the optimiser's allocation in the contracts' units, for `prosumer`.
pub fn share(prosumer: EntityId, p: &crate::optimise::ProsumerAllocation) -> Share {
    Share {
        prosumer,
        delta_wh: share_wh(p.delta_kwh),
        alpha_ppm: (p.alpha * 1e6).round() as u32,
        beta_ppm: (p.beta * 1e6).round() as u32,
        reward_paise: reward_paise(p.reward_prev_inr + p.reward_delta_inr + p.reward_extra_inr),
    }
}

#[cfg(test)]
mod rounding_tests {
    use super::*;

    #[test]
    fn shares_round_up_rewards_down_readings_to_nearest() {
        assert_eq!(share_wh(51.6894), 51_690);
        assert_eq!(share_wh(257.0), 257_000);
        assert_eq!(reward_paise(155.0719), 15_507);
        assert_eq!(reward_paise(1500.0), 150_000);
        assert_eq!(wh(0.0004), 0);
        assert_eq!(wh(0.0005), 1);
    }
}
