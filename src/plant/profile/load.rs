//! Daily load shapes by kind, with a day-of-week and a seasonal factor (docs/model.md §9).
//!
//! The residential shape is measured; the commercial and institutional shapes are illustrative
//! (typical working-hours and campus patterns, not measurements), as are the default weekend
//! factors.

use super::integrate_steps;
use crate::scenario::{LoadKind, LoadSpec};
use chrono::{Datelike, NaiveDate, Weekday};

/// Mean household demand, kW, in each 15-min step of the day from 00:00: the mean of the 100
/// one-minute daily household profiles of the IEEE European Low Voltage Test Feeder
/// (`LVTestCase/Daily_1min_100profiles`, as distributed with OpenDSS), averaged over the
/// households and over each 15 min; 8.42 kWh a day.
///
/// Derived from data under this licence:
///
/// ```text
/// Copyright (c) 2018-2024, DSS-Extensions contributors
/// Copyright (c) 2008-2024, Electric Power Research Institute, Inc.
/// All rights reserved.
///
/// Redistribution and use in source and binary forms, with or without
/// modification, are permitted provided that the following conditions are met:
///     * Redistributions of source code must retain the above copyright
///       notice, this list of conditions and the following disclaimer.
///     * Redistributions in binary form must reproduce the above copyright
///       notice, this list of conditions and the following disclaimer in the
///       documentation and/or other materials provided with the distribution.
///     * Neither the name of the Electric Power Research Institute, Inc., nor
///       the names of its contributors may be used to endorse or promote
///       products derived from this software without specific prior written
///       permission.
///
/// THIS SOFTWARE IS PROVIDED BY Electric Power Research Institute, Inc., "AS IS"
/// AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
/// IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
/// DISCLAIMED. IN NO EVENT SHALL Electric Power Research Institute, Inc., OR ANY OTHER
/// ENTITY CONTRIBUTING TO OR INVOLVED IN THE PROVISION OF THE SOFTWARE, BE
/// LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR
/// CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF
/// SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS
/// INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN
/// CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE)
/// ARISING IN ANY WAY OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE
/// POSSIBILITY OF SUCH DAMAGE.
/// ```
const RESIDENTIAL_KW: [f64; 96] = [
    0.0733, 0.1278, 0.1404, 0.1433, 0.1206, 0.1306, 0.1257, 0.1015, // 00:00
    0.1037, 0.1141, 0.1156, 0.1045, 0.1069, 0.1168, 0.1475, 0.1184, // 02:00
    0.1170, 0.1110, 0.1102, 0.1210, 0.1231, 0.1094, 0.1358, 0.1591, // 04:00
    0.1400, 0.1622, 0.1905, 0.2855, 0.3244, 0.3518, 0.2993, 0.4064, // 06:00
    0.5396, 0.4997, 0.4368, 0.4425, 0.4818, 0.5367, 0.3790, 0.4359, // 08:00
    0.3208, 0.3943, 0.3446, 0.3101, 0.2743, 0.3368, 0.4428, 0.5540, // 10:00
    0.5209, 0.4158, 0.3475, 0.3173, 0.3039, 0.2884, 0.3164, 0.2285, // 12:00
    0.2786, 0.3114, 0.3087, 0.2816, 0.3810, 0.3274, 0.3446, 0.3676, // 14:00
    0.3553, 0.4151, 0.5638, 0.5088, 0.5706, 0.5187, 0.4801, 0.4896, // 16:00
    0.5832, 0.6163, 0.5999, 0.5756, 0.6080, 0.6232, 0.6324, 0.6315, // 18:00
    0.6367, 0.5757, 0.5483, 0.5741, 0.5502, 0.5818, 0.5462, 0.5740, // 20:00
    0.5908, 0.4942, 0.5232, 0.4781, 0.3569, 0.3063, 0.2449, 0.2350, // 22:00
];

/// Offices and shops, relative demand per hour from 00:00 (illustrative): a base load at night,
/// a ramp from 07:00, working hours 09:00–18:00, an evening decline.
const COMMERCIAL: [f64; 24] = [
    0.30, 0.30, 0.30, 0.30, 0.30, 0.32, 0.40, 0.55, 0.80, 0.95, 1.00, 1.00, //
    0.95, 0.95, 1.00, 1.00, 0.95, 0.85, 0.65, 0.50, 0.42, 0.38, 0.34, 0.32,
];

/// Campus buildings — pumps, sewage treatment, kitchens and halls — relative demand per hour
/// from 00:00 (illustrative): pumps and treatment run around the clock, teaching hours and the
/// mess hall's meals add morning, midday and evening peaks.
const INSTITUTIONAL: [f64; 24] = [
    0.45, 0.42, 0.40, 0.40, 0.42, 0.50, 0.70, 0.90, 0.95, 0.95, 0.95, 1.00, //
    1.00, 0.95, 0.90, 0.90, 0.88, 0.85, 0.90, 0.95, 0.85, 0.70, 0.55, 0.48,
];

/// A load profile ready to evaluate.
#[derive(Debug, Clone)]
pub(super) struct Load {
    kind: LoadKind,
    weekend_factor: f64,
    seasonal_amplitude: f64,
    seasonal_peak_day: f64,
    start_date: NaiveDate,
}

impl Load {
    /// `spec` for a run whose simulated time 0 is local midnight of `start_date`.
    pub(super) fn new(spec: &LoadSpec, start_date: NaiveDate) -> Self {
        let default_weekend = match spec.kind {
            LoadKind::Residential => 1.1,
            LoadKind::Commercial => 0.4,
            LoadKind::Institutional => 0.7,
        };
        Load {
            kind: spec.kind,
            weekend_factor: spec.weekend_factor.unwrap_or(default_weekend),
            seasonal_amplitude: spec.seasonal_amplitude,
            seasonal_peak_day: spec.seasonal_peak_day,
            start_date,
        }
    }

    /// The daily shape: its step, s, and one value per step from midnight.
    fn daily(&self) -> (f64, &'static [f64]) {
        match self.kind {
            LoadKind::Residential => (900.0, &RESIDENTIAL_KW),
            LoadKind::Commercial => (3600.0, &COMMERCIAL),
            LoadKind::Institutional => (3600.0, &INSTITUTIONAL),
        }
    }

    /// The day-of-week and seasonal factor of simulated day `day` (0 is `start_date`).
    fn day_factor(&self, day: i64) -> f64 {
        let date = self.start_date + chrono::Duration::days(day);
        let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        let week = if weekend { self.weekend_factor } else { 1.0 };
        let phase =
            2.0 * std::f64::consts::PI * (f64::from(date.ordinal()) - self.seasonal_peak_day)
                / 365.25;
        week * (1.0 + self.seasonal_amplitude * phase.cos())
    }

    /// The shape's energy over `[from_s, to_s)` of simulated time, in its own unit times
    /// hours (kWh for the residential shape).
    pub(super) fn energy(&self, from_s: f64, to_s: f64) -> f64 {
        let (step_s, daily) = self.daily();
        let per_day = daily.len() as i64;
        integrate_steps(from_s, to_s, step_s, |step| {
            let day = step.div_euclid(per_day);
            daily[step.rem_euclid(per_day) as usize] * self.day_factor(day)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(kind: LoadKind, weekend: Option<f64>, amplitude: f64) -> Load {
        let spec = LoadSpec {
            kind,
            weekend_factor: weekend,
            seasonal_amplitude: amplitude,
            seasonal_peak_day: 135.0,
        };
        // 2024-05-01 was a Wednesday.
        Load::new(&spec, NaiveDate::from_ymd_opt(2024, 5, 1).unwrap())
    }

    #[test]
    fn the_residential_day_is_the_feeders_measured_mean() {
        let day = load(LoadKind::Residential, None, 0.0).energy(0.0, 86_400.0);
        assert!((day - 8.4239).abs() < 1e-3, "{day}");
        // The 15-min steps: 18:00–18:15 is the 73rd.
        let step = load(LoadKind::Residential, None, 0.0).energy(64_800.0, 65_700.0);
        assert!((step - 0.5832 / 4.0).abs() < 1e-12, "{step}");
    }

    #[test]
    fn weekends_and_seasons_scale_whole_days() {
        let l = load(LoadKind::Commercial, Some(0.5), 0.0);
        let wednesday = l.energy(0.0, 86_400.0);
        // Day 3 is Saturday 4 May.
        let saturday = l.energy(3.0 * 86_400.0, 4.0 * 86_400.0);
        assert!((saturday / wednesday - 0.5).abs() < 1e-12);
        // Peak day 135 is 14 May (day 13): the factor is 1 + amplitude there, and lower half a
        // year away.
        let s = load(LoadKind::Institutional, Some(1.0), 0.2);
        let flat = load(LoadKind::Institutional, Some(1.0), 0.0);
        let peak = 13.0 * 86_400.0;
        let ratio = s.energy(peak, peak + 900.0) / flat.energy(peak, peak + 900.0);
        assert!((ratio - 1.2).abs() < 1e-12, "{ratio}");
        let later = peak + 183.0 * 86_400.0;
        assert!(s.energy(later, later + 900.0) < flat.energy(later, later + 900.0));
    }
}
