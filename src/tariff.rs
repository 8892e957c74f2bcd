//! Tariffs (docs/model.md §3, paper eqs. 2–3): what a prosumer earns for exported energy and what a
//! consumer pays under a slab schedule. Slabs are data, so another utility's schedule is a YAML
//! change, not a code change.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One band of a slab schedule: energy up to `up_to_kwh` (inclusive) is charged at
/// `rate_inr_per_kwh`; `None` means no upper limit (only allowed on the last band).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Upper edge of the band in kWh, inclusive; absent on an open-ended last band.
    #[serde(default)]
    pub up_to_kwh: Option<f64>,
    /// Price of energy in this band, INR per kWh.
    pub rate_inr_per_kwh: f64,
}

/// A consumer tariff made of telescopic bands, then non-telescopic bands.
///
/// Consumption up to the last telescopic band's edge is billed **telescopically**: each band's
/// share of the energy at that band's rate. Consumption above it is billed
/// **non-telescopically**: the whole consumption at the rate of the first non-telescopic band
/// whose edge it does not exceed. Either list may be empty, but not both.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlabSchedule {
    /// Human name of the schedule, shown in reports.
    pub name: String,
    /// Bands billed cumulatively, each at its own rate, in increasing order of edge.
    #[serde(default)]
    pub telescopic: Vec<Band>,
    /// Bands billed on the whole consumption at one rate, in increasing order of edge.
    #[serde(default)]
    pub non_telescopic: Vec<Band>,
}

/// How a consumer's energy over one meter interval is priced from a (monthly) slab schedule.
///
/// A slab schedule bills a month's consumption. Applied to one 15-min interval as if it were
/// a month (the paper's Table 5), a household's 0.3 kWh falls in the cheapest band and a
/// campus's 839 kWh in a dear one, so the price of a kWh depends on the meter interval and the
/// scale of the island. The default prices the interval's energy at the consumer's marginal
/// rate for its monthly consumption instead: linear in the energy, whatever the interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntervalPricing {
    /// `energy × rate`, the rate of the band the consumer's monthly consumption falls in
    /// ([`SlabSchedule::marginal_rate_inr_per_kwh`]). The default.
    #[default]
    MonthlyMarginal,
    /// Eq. 3 applied to the interval's energy as if it were a month's consumption: the
    /// paper's pricing, kept to check its Table 5 (campus13 declares it).
    IntervalAsMonth,
}

/// A slab schedule that cannot be applied, with the offending field relative to the schedule.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("{field}: {message}")]
pub struct TariffError {
    /// Path of the field inside the schedule, e.g. `telescopic[2].up_to_kwh`.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// Prosumer tariff (eq. 2): exported energy times the prosumer base tariff, in INR.
pub fn prosumer_tariff_inr(export_kwh: f64, base_inr_per_kwh: f64) -> f64 {
    export_kwh * base_inr_per_kwh
}

/// Rounds an amount of money to whole paise, as a bill is issued.
pub fn round_to_paise(amount_inr: f64) -> f64 {
    (amount_inr * 100.0).round() / 100.0
}

impl SlabSchedule {
    /// The KSEB domestic (LT-1A) schedule of 2022-23, the paper's Table 3.
    pub fn kseb_2022_23() -> Self {
        let band = |up_to_kwh: Option<f64>, rate_inr_per_kwh: f64| Band {
            up_to_kwh,
            rate_inr_per_kwh,
        };
        SlabSchedule {
            name: "KSEB LT-1A domestic 2022-23".to_string(),
            telescopic: vec![
                band(Some(50.0), 3.15),
                band(Some(100.0), 3.95),
                band(Some(150.0), 5.00),
                band(Some(200.0), 6.80),
                band(Some(250.0), 8.00),
            ],
            non_telescopic: vec![
                band(Some(300.0), 6.20),
                band(Some(350.0), 7.00),
                band(Some(400.0), 7.35),
                band(Some(500.0), 7.60),
                band(None, 8.50),
            ],
        }
    }

    /// Checks the schedule is usable: rates non-negative, edges finite, positive and strictly
    /// increasing across both lists, only the very last band open-ended.
    pub fn validate(&self) -> Result<(), TariffError> {
        if self.telescopic.is_empty() && self.non_telescopic.is_empty() {
            return Err(TariffError {
                field: "telescopic".into(),
                message: "a schedule needs at least one band".into(),
            });
        }
        let bands = self
            .telescopic
            .iter()
            .enumerate()
            .map(|(i, b)| (format!("telescopic[{i}]"), b))
            .chain(
                self.non_telescopic
                    .iter()
                    .enumerate()
                    .map(|(i, b)| (format!("non_telescopic[{i}]"), b)),
            );
        let count = self.telescopic.len() + self.non_telescopic.len();
        let mut previous_edge_kwh = 0.0;
        for (position, (field, band)) in bands.enumerate() {
            let err = |suffix: &str, message: String| TariffError {
                field: format!("{field}.{suffix}"),
                message,
            };
            if !(band.rate_inr_per_kwh.is_finite() && band.rate_inr_per_kwh >= 0.0) {
                return Err(err(
                    "rate_inr_per_kwh",
                    format!("must be >= 0, got {}", band.rate_inr_per_kwh),
                ));
            }
            match band.up_to_kwh {
                None if position + 1 < count => {
                    return Err(err(
                        "up_to_kwh",
                        "only the last band of the schedule may be open-ended".into(),
                    ));
                }
                None => {}
                Some(edge) if !(edge.is_finite() && edge > previous_edge_kwh) => {
                    return Err(err(
                        "up_to_kwh",
                        format!(
                            "must be greater than the previous edge {previous_edge_kwh}, got {edge}"
                        ),
                    ));
                }
                Some(edge) => previous_edge_kwh = edge,
            }
        }
        Ok(())
    }

    /// Upper edge of telescopic billing in kWh (250 for KSEB); 0 when there are no telescopic
    /// bands, infinite when the telescopic bands are open-ended.
    pub fn telescopic_limit_kwh(&self) -> f64 {
        match self.telescopic.last() {
            None => 0.0,
            Some(band) => band.up_to_kwh.unwrap_or(f64::INFINITY),
        }
    }

    /// Consumer tariff (eq. 3) for `consumption_kwh`, in INR rounded to paise.
    ///
    /// Assumes a validated schedule and a non-negative consumption.
    pub fn consumer_tariff_inr(&self, consumption_kwh: f64) -> f64 {
        let amount_inr = if consumption_kwh <= self.telescopic_limit_kwh() {
            self.telescopic_charge_inr(consumption_kwh)
        } else {
            let band = self
                .non_telescopic
                .iter()
                .find(|b| b.up_to_kwh.is_none_or(|edge| consumption_kwh <= edge))
                .or(self.non_telescopic.last())
                .expect("a validated schedule with consumption above its telescopic limit has non-telescopic bands");
            consumption_kwh * band.rate_inr_per_kwh
        };
        round_to_paise(amount_inr)
    }

    /// The rate of the band a monthly consumption of `monthly_kwh` falls in, INR/kWh: the
    /// telescopic band holding it (edges inclusive) up to the telescopic limit, above it the
    /// non-telescopic band that bills the whole month. Assumes a validated schedule.
    pub fn marginal_rate_inr_per_kwh(&self, monthly_kwh: f64) -> f64 {
        let bands = if monthly_kwh <= self.telescopic_limit_kwh() {
            &self.telescopic
        } else {
            &self.non_telescopic
        };
        bands
            .iter()
            .find(|b| b.up_to_kwh.is_none_or(|edge| monthly_kwh <= edge))
            .or(bands.last())
            .expect("a validated schedule has a band for every consumption")
            .rate_inr_per_kwh
    }

    /// What a consumer pays for `energy_kwh` consumed in one meter interval under `pricing`,
    /// INR rounded to paise; `monthly_kwh` is its monthly consumption (used by
    /// [`IntervalPricing::MonthlyMarginal`] only).
    pub fn interval_tariff_inr(
        &self,
        energy_kwh: f64,
        pricing: IntervalPricing,
        monthly_kwh: f64,
    ) -> f64 {
        match pricing {
            IntervalPricing::MonthlyMarginal => {
                round_to_paise(energy_kwh * self.marginal_rate_inr_per_kwh(monthly_kwh))
            }
            IntervalPricing::IntervalAsMonth => self.consumer_tariff_inr(energy_kwh),
        }
    }

    fn telescopic_charge_inr(&self, consumption_kwh: f64) -> f64 {
        let mut lower_kwh = 0.0;
        let mut amount_inr = 0.0;
        for band in &self.telescopic {
            let upper_kwh = band.up_to_kwh.unwrap_or(f64::INFINITY);
            let in_band_kwh = consumption_kwh.min(upper_kwh) - lower_kwh;
            if in_band_kwh <= 0.0 {
                break;
            }
            amount_inr += in_band_kwh * band.rate_inr_per_kwh;
            lower_kwh = upper_kwh;
        }
        amount_inr
    }
}

impl Default for SlabSchedule {
    /// The paper's schedule, KSEB 2022-23.
    fn default() -> Self {
        Self::kseb_2022_23()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kseb_band_edges() {
        let kseb = SlabSchedule::kseb_2022_23();
        let cases = [
            (0.0, 0.0),
            (50.0, 157.5),
            (51.0, 161.45),
            (100.0, 355.0),
            (150.0, 605.0),
            (200.0, 945.0),
            (250.0, 1345.0),
            (251.0, 1556.2),
            (300.0, 1860.0),
            (301.0, 2107.0),
            (400.0, 2940.0),
            (500.0, 3800.0),
            (501.0, 4258.5),
        ];
        for (kwh, expected_inr) in cases {
            assert_eq!(kseb.consumer_tariff_inr(kwh), expected_inr, "{kwh} kWh");
        }
    }

    #[test]
    fn paper_consumers() {
        let kseb = SlabSchedule::kseb_2022_23();
        // Paper Table 5 prints 2706 and 7132 (rounded); 800 kWh is 6800, not the printed 4550.
        assert_eq!(kseb.consumer_tariff_inr(368.0), 2704.8);
        assert_eq!(kseb.consumer_tariff_inr(800.0), 6800.0);
        assert_eq!(kseb.consumer_tariff_inr(839.0), 7131.5);
        let total: f64 = [368.0, 800.0, 839.0]
            .map(|c| kseb.consumer_tariff_inr(c))
            .iter()
            .sum();
        assert_eq!(round_to_paise(total), 16636.3);
    }

    #[test]
    fn fractional_consumption_is_pro_rata_within_a_band() {
        let kseb = SlabSchedule::kseb_2022_23();
        // 50 kWh at 3.15 plus 25.5 kWh at 3.95 = 258.225, billed to the paisa.
        assert!((kseb.consumer_tariff_inr(75.5) - 258.225).abs() <= 0.005 + 1e-9);
        assert_eq!(kseb.consumer_tariff_inr(250.5), round_to_paise(250.5 * 6.2));
    }

    #[test]
    fn monthly_marginal_pricing_is_linear_in_the_interval_energy() {
        let kseb = SlabSchedule::kseb_2022_23();
        let rate = |m| kseb.marginal_rate_inr_per_kwh(m);
        // Telescopic bands, edges inclusive; above 250 kWh the flat band of the whole month.
        assert_eq!(
            [
                0.0, 50.0, 50.5, 180.0, 250.0, 250.5, 300.0, 301.0, 450.0, 2000.0
            ]
            .map(rate),
            [3.15, 3.15, 3.95, 6.80, 8.00, 6.20, 6.20, 7.00, 7.60, 8.50]
        );
        let marginal = IntervalPricing::MonthlyMarginal;
        // A household using 180 kWh a month: 0.25 kWh in an interval at 6.80 INR/kWh.
        assert_eq!(kseb.interval_tariff_inr(0.25, marginal, 180.0), 1.7);
        assert_eq!(kseb.interval_tariff_inr(250.0, marginal, 180.0), 1700.0);
        // The paper's pricing: the interval's 368 kWh billed as a month (Table 5's C1).
        let as_month = IntervalPricing::IntervalAsMonth;
        assert_eq!(kseb.interval_tariff_inr(368.0, as_month, 1.0), 2704.8);
    }

    #[test]
    fn prosumer_tariff_is_export_times_base() {
        assert_eq!(prosumer_tariff_inr(500.0, 3.0), 1500.0);
    }

    #[test]
    fn schedule_with_only_telescopic_bands_bills_everything_telescopically() {
        let schedule = SlabSchedule {
            name: "flat".into(),
            telescopic: vec![
                Band {
                    up_to_kwh: Some(100.0),
                    rate_inr_per_kwh: 2.0,
                },
                Band {
                    up_to_kwh: None,
                    rate_inr_per_kwh: 5.0,
                },
            ],
            non_telescopic: vec![],
        };
        schedule.validate().unwrap();
        assert_eq!(schedule.consumer_tariff_inr(1000.0), 200.0 + 900.0 * 5.0);
    }

    #[test]
    fn invalid_schedules_name_the_field() {
        let mut s = SlabSchedule::kseb_2022_23();
        s.telescopic[2].up_to_kwh = Some(90.0);
        assert_eq!(
            s.validate().unwrap_err().to_string(),
            "telescopic[2].up_to_kwh: must be greater than the previous edge 100, got 90"
        );
        let mut s = SlabSchedule::kseb_2022_23();
        s.non_telescopic[1].rate_inr_per_kwh = -1.0;
        assert_eq!(
            s.validate().unwrap_err().field,
            "non_telescopic[1].rate_inr_per_kwh"
        );
        let mut s = SlabSchedule::kseb_2022_23();
        s.telescopic[4].up_to_kwh = None;
        assert_eq!(s.validate().unwrap_err().field, "telescopic[4].up_to_kwh");
        let mut s = SlabSchedule::kseb_2022_23();
        s.non_telescopic[0].up_to_kwh = Some(250.0);
        assert!(s.validate().is_err(), "edge must rise across the two lists");
    }
}
