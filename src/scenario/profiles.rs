//! The schema of profiles (docs/model.md §9): where the grid is, and how each entity's energy
//! varies with time of day and day of year. The models behind them are in
//! [`crate::plant::profile`]; this module only says what a scenario may write.
//!
//! ```yaml
//! location: {latitude_deg: 9.09, longitude_deg: 76.49, utc_offset_h: 5.5}
//! time: {start_date: 2024-05-01}
//! profiles:
//!   sun: {solar: {weather: {triangular: {min: 0.3, mode: 0.9, max: 1.0}}}}
//!   hostel: {load: {kind: residential}}
//! entities:
//!   prosumers:
//!     - {id: P1, ..., generation_profile: sun, consumption_profile: hostel}
//! ```

use super::Distribution;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// Where the grid is: the sun's position depends on it, and local clock time is UTC plus the
/// offset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// Latitude, degrees north (negative south), in [−90, 90].
    pub latitude_deg: f64,
    /// Longitude, degrees east (negative west), in [−180, 180].
    pub longitude_deg: f64,
    /// Offset of local clock time from UTC, hours (India: 5.5), in [−14, 14]. Simulated time 0
    /// is local midnight of `time.start_date`.
    pub utc_offset_h: f64,
}

/// A named profile: how an entity's energy per interval varies (docs/model.md §9). Written as a
/// one-key map naming the model, like a [`Distribution`].
#[derive(Debug, Clone, PartialEq)]
pub enum ProfileSpec {
    /// Clear-sky irradiance from the sun's position, times a weather factor drawn per day.
    Solar(SolarSpec),
    /// A wind-speed process through a turbine power curve.
    Wind(WindSpec),
    /// A daily load shape by kind, with a day-of-week and a seasonal factor.
    Load(LoadSpec),
    /// A user's time series from a CSV or Parquet file.
    Series(SeriesSpec),
}

/// [`ProfileSpec`] as serde derives it: serde_yaml reads an enum only from a YAML tag, so the
/// one-key map is read through serde's own map deserializer, as [`Distribution`]'s law is.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Tagged {
    Solar(SolarSpec),
    Wind(WindSpec),
    Load(LoadSpec),
    Series(SeriesSpec),
}

/// Reads a one-key map naming the model.
struct OneKeyMap;

impl<'de> Visitor<'de> for OneKeyMap {
    type Value = ProfileSpec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a profile such as {solar: {}} (one of solar, wind, load, series)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ProfileSpec, A::Error> {
        Ok(
            match Tagged::deserialize(de::value::MapAccessDeserializer::new(map))? {
                Tagged::Solar(s) => ProfileSpec::Solar(s),
                Tagged::Wind(w) => ProfileSpec::Wind(w),
                Tagged::Load(l) => ProfileSpec::Load(l),
                Tagged::Series(s) => ProfileSpec::Series(s),
            },
        )
    }
}

impl Serialize for ProfileSpec {
    /// As written in YAML: a one-key map naming the model (serde_yaml would otherwise write a
    /// YAML tag, which the schema does not read).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            ProfileSpec::Solar(s) => map.serialize_entry("solar", s)?,
            ProfileSpec::Wind(w) => map.serialize_entry("wind", w)?,
            ProfileSpec::Load(l) => map.serialize_entry("load", l)?,
            ProfileSpec::Series(s) => map.serialize_entry("series", s)?,
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for ProfileSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(OneKeyMap)
    }
}

impl ProfileSpec {
    /// The model's name as written in YAML (`solar`, `wind`, `load`, `series`).
    pub fn model(&self) -> &'static str {
        match self {
            ProfileSpec::Solar(_) => "solar",
            ProfileSpec::Wind(_) => "wind",
            ProfileSpec::Load(_) => "load",
            ProfileSpec::Series(_) => "series",
        }
    }
}

/// A solar plant or rooftop PV: generation follows clear-sky irradiance on a horizontal plane
/// (the sun's position for `location` and `time.start_date`), zero at night, times a weather
/// factor drawn once per local day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SolarSpec {
    /// The day's weather (cloud) factor, a fraction of clear-sky generation, drawn once per day
    /// of the run; its lower bound must be > 0. Default 1 (always clear).
    pub weather: Distribution,
}

impl Default for SolarSpec {
    fn default() -> Self {
        SolarSpec {
            weather: Distribution::fixed(1.0),
        }
    }
}

/// A wind plant: a wind speed with a Weibull marginal and interval-to-interval persistence,
/// through a turbine power curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WindSpec {
    /// Weibull scale of the wind speed at hub height, m/s; > 0.
    pub weibull_scale_m_s: f64,
    /// Weibull shape (2 is the Rayleigh law of many sites); > 0.
    pub weibull_shape: f64,
    /// Lag-1 correlation of the speed process's Gaussian components from one meter interval to
    /// the next, in [0, 1): 0 draws each interval afresh; the speed's own lag-1 correlation is
    /// about its square.
    pub persistence: f64,
    /// Speed below which the turbine produces nothing, m/s.
    pub cut_in_m_s: f64,
    /// Speed from which it produces its rated power, m/s (power rises as the cube of the speed
    /// between cut-in and rated).
    pub rated_m_s: f64,
    /// Speed from which it shuts down to protect itself, m/s.
    pub cut_out_m_s: f64,
    /// The wind speed during the reference interval, m/s: the process starts from it there, so
    /// the entities' values are the reference interval's. Default: `rated_m_s`.
    pub reference_speed_m_s: Option<f64>,
}

impl Default for WindSpec {
    fn default() -> Self {
        WindSpec {
            weibull_scale_m_s: 7.0,
            weibull_shape: 2.0,
            persistence: 0.9,
            cut_in_m_s: 3.0,
            rated_m_s: 12.0,
            cut_out_m_s: 25.0,
            reference_speed_m_s: None,
        }
    }
}

/// Which daily load shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadKind {
    /// Households: the measured mean of the IEEE European LV test feeder's 100 household
    /// profiles.
    Residential,
    /// Offices and shops (an illustrative shape): working hours.
    Commercial,
    /// Campus buildings, pumps and kitchens (an illustrative shape): daytime with meal peaks.
    Institutional,
}

/// A load: a daily shape by kind, times a day-of-week and a seasonal factor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadSpec {
    /// The daily shape.
    pub kind: LoadKind,
    /// Saturday's and Sunday's load relative to a weekday's; > 0. Default by kind: residential
    /// 1.1, commercial 0.4, institutional 0.7.
    #[serde(default)]
    pub weekend_factor: Option<f64>,
    /// Relative amplitude of the seasonal swing, in [0, 1): the factor is
    /// `1 + amplitude·cos(2π (day of year − peak day) / 365.25)`. Default 0 (no season).
    #[serde(default)]
    pub seasonal_amplitude: f64,
    /// Day of the year (1–366) of the seasonal peak. Default 135 (mid-May, Kerala's hot
    /// season).
    #[serde(default = "default_peak_day")]
    pub seasonal_peak_day: f64,
}

fn default_peak_day() -> f64 {
    135.0
}

/// Whether a series' values are mean power, energy, or multipliers of the entity's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriesUnit {
    /// Mean power over the row's span, kW.
    Kw,
    /// Energy over the row's span, kWh.
    Kwh,
    /// A multiplier of the entity's own value, as an OpenDSS load shape: the entity's energy in
    /// an interval is its scenario value times the series' mean over the interval, with no
    /// reference interval (the scenario's value is the multiplier-1 energy).
    Multiplier,
}

/// A user's time series: a timestamp column and a kW or kWh column of a CSV or Parquet file.
/// Row `i` covers `[t_i, t_{i+1})` (the last row as long as the one before); the series is
/// resampled to the meter interval conserving energy, and must cover the horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeriesSpec {
    /// The file, relative to the scenario file loaded (for a file that `extends` another, that
    /// file): `.csv` (with a header row) or `.parquet`.
    pub path: String,
    /// The timestamp column: seconds of simulated time, a local date-time
    /// (`2024-05-01T12:00:00`) or an RFC 3339 time with offset. Default `timestamp`.
    #[serde(default = "default_time_column")]
    pub time_column: String,
    /// The value column. Default: per entity, the entity's id (a prosumer's
    /// `<id>_generation` and `<id>_consumption`).
    #[serde(default)]
    pub column: Option<String>,
    /// The values' unit.
    pub unit: SeriesUnit,
}

fn default_time_column() -> String {
    "timestamp".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_serialise_back_to_what_they_read() {
        for yaml in [
            "{solar: {weather: {uniform: {min: 0.5, max: 1}}}}",
            "{wind: {persistence: 0.5, reference_speed_m_s: 9}}",
            "{load: {kind: institutional, weekend_factor: 0.6}}",
            "{series: {path: m.csv, unit: kwh, column: P1}}",
        ] {
            let spec: ProfileSpec = serde_yaml::from_str(yaml).unwrap();
            let written = serde_yaml::to_string(&spec).unwrap();
            assert!(!written.contains('!'), "{written}");
            assert_eq!(serde_yaml::from_str::<ProfileSpec>(&written).unwrap(), spec);
        }
        let error = serde_yaml::from_str::<ProfileSpec>("{sun: {}}").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("unknown variant `sun`, expected one of `solar`"),
            "{error}"
        );
    }
}
