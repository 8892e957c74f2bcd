//! Clear-sky solar generation from the sun's position (docs/model.md §9): NREL's Solar Position
//! Algorithm (the `solar-positioning` crate) gives the sun's zenith angle for the location and
//! instant, and Haurwitz's clear-sky model (1945) the global horizontal irradiance,
//! `GHI = 1098 cos z · exp(−0.059 / cos z)` W/m², zero with the sun below the horizon. A plant's
//! output is taken proportional to it: a horizontal plane, no temperature derating.

use super::integrate_steps;
use crate::scenario::Location;
use chrono::{Datelike, NaiveDate};
use solar_positioning::{Location as Site, SolarPositions, delta_t, time::JulianDate};

/// Julian date of the Unix epoch, 1970-01-01 00:00 UTC.
const UNIX_EPOCH_JD: f64 = 2_440_587.5;

/// The step of the irradiance's integration over a meter interval, s: a minute, the resolution
/// of measured irradiance series; the sun moves 0.25° in it.
const STEP_S: f64 = 60.0;

/// Where and when: the sun's position at any simulated time.
#[derive(Debug, Clone)]
pub(super) struct Sky {
    site: Site,
    /// Julian date (UT) of simulated time 0, local midnight of the start date.
    start_jd: f64,
    /// ΔT (TT − UT) of the start date's year, s.
    delta_t_s: f64,
}

impl Sky {
    /// The sky over `location` from local midnight of `start_date`; an error (the crate's
    /// message) for a date outside the algorithm's years.
    pub(super) fn new(location: &Location, start_date: NaiveDate) -> Result<Self, String> {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date");
        let days = start_date.signed_duration_since(epoch).num_days() as f64;
        let start_jd = UNIX_EPOCH_JD + days - location.utc_offset_h / 24.0;
        let year = f64::from(start_date.year()) + f64::from(start_date.ordinal0()) / 365.25;
        let delta_t_s = delta_t::estimate(year).map_err(|e| e.to_string())?;
        let sky = Sky {
            site: Site {
                latitude: location.latitude_deg,
                longitude: location.longitude_deg,
            },
            start_jd,
            delta_t_s,
        };
        sky.zenith_deg(0.0)?;
        Ok(sky)
    }

    /// The sun's zenith angle at simulated time `t_s`, degrees (topocentric, at sea level,
    /// without refraction).
    pub(super) fn zenith_deg(&self, t_s: f64) -> Result<f64, String> {
        let time = JulianDate::new(self.start_jd + t_s / 86_400.0, self.delta_t_s)
            .map_err(|e| e.to_string())?;
        let position = SolarPositions::new()
            .at_from_julian(time, self.site, 0.0, None)
            .map_err(|e| e.to_string())?;
        Ok(position.zenith_angle())
    }

    /// Clear-sky global horizontal irradiance at simulated time `t_s`, W/m².
    fn irradiance_w_m2(&self, t_s: f64) -> f64 {
        // Validated at construction: the crate fails only for a time outside its years
        // (−2000 to 6000), which a scenario's bounded times cannot reach from a valid date.
        let zenith = self.zenith_deg(t_s).unwrap_or(90.0);
        let cos_z = zenith.to_radians().cos();
        if cos_z <= 0.0 {
            0.0
        } else {
            1098.0 * cos_z * (-0.059 / cos_z).exp()
        }
    }

    /// Clear-sky irradiation on a horizontal square metre over `[from_s, to_s)`, Wh/m²
    /// (the irradiance at each minute's midpoint held over the minute).
    pub(super) fn energy_wh_m2(&self, from_s: f64, to_s: f64) -> f64 {
        integrate_steps(from_s, to_s, STEP_S, |step| {
            self.irradiance_w_m2((step as f64 + 0.5) * STEP_S)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amritapuri() -> Sky {
        let location = Location {
            latitude_deg: 9.09,
            longitude_deg: 76.49,
            utc_offset_h: 5.5,
        };
        Sky::new(&location, NaiveDate::from_ymd_opt(2024, 5, 1).unwrap()).unwrap()
    }

    #[test]
    fn the_position_matches_nrels_published_example() {
        // NREL's SPA report (Reda & Andreas 2003, Table A5.1): Golden, Colorado (39.742476° N,
        // 105.1786° W), 17 October 2003, 12:30:30 local time (UTC−7): topocentric zenith
        // 50.11162° with refraction at 820 mbar and 11 °C, which lifts the sun by about
        // 0.016° there; ΔT here is the crate's estimate (about 64.6 s, the report's 67 s).
        let golden = Location {
            latitude_deg: 39.742476,
            longitude_deg: -105.1786,
            utc_offset_h: -7.0,
        };
        let sky = Sky::new(&golden, NaiveDate::from_ymd_opt(2003, 10, 17).unwrap()).unwrap();
        let zenith = sky.zenith_deg(12.0 * 3600.0 + 30.0 * 60.0 + 30.0).unwrap();
        assert!((zenith - 50.11162 - 0.016).abs() < 0.005, "{zenith}");
    }

    #[test]
    fn dark_at_night_brightest_near_solar_noon() {
        let sky = amritapuri();
        // Midnight to 05:30 and 19:00 to midnight: nothing.
        assert_eq!(sky.energy_wh_m2(0.0, 5.5 * 3600.0), 0.0);
        assert_eq!(sky.energy_wh_m2(19.0 * 3600.0, 86_400.0), 0.0);
        // Solar noon at 76.49° E on 1 May (equation of time +2.9 min): 12:00 + (82.5 − 76.49)
        // × 4 min − 2.9 min ≈ 12:21 local.
        let minutes: Vec<f64> = (0..1440)
            .map(|m| sky.irradiance_w_m2(f64::from(m) * 60.0))
            .collect();
        let peak = (0..1440)
            .max_by(|&a, &b| minutes[a].total_cmp(&minutes[b]))
            .unwrap();
        assert!((738..=744).contains(&peak), "peak at minute {peak}");
        // Near the zenith at 9° N in May: close to the model's 1098 × e^−0.059 ≈ 1035 W/m².
        assert!(
            (1000.0..1036.0).contains(&minutes[peak]),
            "{}",
            minutes[peak]
        );
    }

    #[test]
    fn an_intervals_energy_is_the_integral_of_irradiance() {
        let sky = amritapuri();
        // A fine trapezoid rule (1 s) over 11:00–11:15 agrees with the minute steps.
        let (a, b) = (11.0 * 3600.0, 11.25 * 3600.0);
        let n = 900;
        let fine: f64 = (0..n)
            .map(|i| {
                let t = a + f64::from(i);
                0.5 * (sky.irradiance_w_m2(t) + sky.irradiance_w_m2(t + 1.0))
            })
            .sum::<f64>()
            / 3600.0;
        let stepped = sky.energy_wh_m2(a, b);
        assert!((stepped - fine).abs() < 1e-4 * fine, "{stepped} vs {fine}");
        // Additive: two halves, split off the minute grid, make the whole.
        let mid = a + 437.3;
        let halves = sky.energy_wh_m2(a, mid) + sky.energy_wh_m2(mid, b);
        assert!((halves - stepped).abs() < 1e-9 * stepped);
    }
}
