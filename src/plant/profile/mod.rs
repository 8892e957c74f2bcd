//! Each entity's generation and consumption per meter interval from a profile of time of day and
//! day of year (docs/model.md §9).
//!
//! A scenario gives each entity's energies for one interval — the *reference* interval, the one
//! holding `time.reference_at_s` (by default the outage) — and may name a profile for each:
//! `solar` (clear-sky irradiance from the sun's position times a weather factor drawn per day),
//! `wind` (a Weibull wind-speed process through a power curve), `load` (a daily shape by kind,
//! with a day-of-week and a seasonal factor) or `series` (a user's CSV or Parquet time series).
//! The energy of interval `k` is then
//!
//! ```text
//! energy(entity, k) = value × shape(k) / shape(k_ref)
//! ```
//!
//! so that the reference interval keeps the scenario's value exactly. An entity without a
//! profile has its value in every interval.
//!
//! [`Profiles::load`] builds the deterministic part once per scenario (and checks that no
//! profile is zero at the reference); [`Profiles::realise`] draws one run's weather from the
//! run's seed and gives a [`Realisation`]: each entity's energies over a window of intervals.

mod load;
mod series;
mod solar;
mod wind;

use crate::engine::seed::{self, Purpose, Stream};
use crate::entity::EntityIndex;
use crate::scenario::{ProfileSpec, Scenario, SeriesUnit};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Intervals per chunk of the clear sky computed beyond the horizon.
const LATER_CHUNK: u64 = 96;

/// Why a scenario's profiles cannot be built: a model that cannot be evaluated, a profile that
/// is zero at the reference, or a series file that cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProfileError {
    /// A profile's model cannot be evaluated (the sun's position for a date out of range).
    #[error("profiles.{profile}: {message}")]
    Model {
        /// The profile's name.
        profile: String,
        /// What failed.
        message: String,
    },
    /// An entity's profile is zero in the reference interval, so no scale makes its energy
    /// there the scenario's value (a solar profile with the reference at night).
    #[error(
        "entity `{entity}`: its {role} profile `{profile}` is zero in the reference interval \
         {interval} ({from_s} s to {to_s} s, which holds time.reference_at_s = {reference_s} s), \
         so the scenario's value cannot be that interval's: move time.reference_at_s or give \
         another profile"
    )]
    ZeroAtReference {
        /// The entity's scenario id.
        entity: String,
        /// `generation` or `consumption`.
        role: &'static str,
        /// The profile's name.
        profile: String,
        /// The reference interval.
        interval: u64,
        /// Its start, s of simulated time.
        from_s: f64,
        /// Its end, s.
        to_s: f64,
        /// The reference instant, s.
        reference_s: f64,
    },
    /// A series file cannot be read, lacks a column, or is too short.
    #[error("{}: {message}", file.display())]
    SeriesFile {
        /// The file.
        file: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A value of a series file is wrong.
    #[error("{}: {position}, column `{column}`: {message}", file.display())]
    SeriesValue {
        /// The file.
        file: PathBuf,
        /// Where: `line N` of a CSV file (counting the header), `row N` of a Parquet file.
        position: String,
        /// The column.
        column: String,
        /// What is wrong.
        message: String,
    },
    /// A series does not cover every interval the scenario needs.
    #[error(
        "{}: column `{column}` covers {from_s} s to {to_s} s of simulated time; it must cover \
         {need_from_s} s to {need_to_s} s (the horizon and the reference interval)",
        file.display()
    )]
    SeriesCoverage {
        /// The file.
        file: PathBuf,
        /// The column.
        column: String,
        /// Its first time, s.
        from_s: f64,
        /// Its end, s.
        to_s: f64,
        /// The first time needed, s.
        need_from_s: f64,
        /// The last time needed, s.
        need_to_s: f64,
    },
}

/// The energy over `[from_s, to_s)` of a function constant on each step `[j·step_s,
/// (j+1)·step_s)` with value `value(j)`, in the value's unit times hours: each step weighted by
/// its overlap with the interval, so integrals over adjacent intervals add up exactly.
fn integrate_steps(from_s: f64, to_s: f64, step_s: f64, value: impl Fn(i64) -> f64) -> f64 {
    let first = (from_s / step_s).floor() as i64;
    let last = (to_s / step_s).ceil() as i64;
    (first..last)
        .map(|j| {
            let start = j as f64 * step_s;
            let overlap_s = (start + step_s).min(to_s) - start.max(from_s);
            if overlap_s > 0.0 {
                value(j) * overlap_s / 3600.0
            } else {
                0.0
            }
        })
        .sum()
}

/// One shape over time: a named profile (for a series, one column of it).
#[derive(Debug, Clone)]
enum Shape {
    /// Clear-sky irradiation per interval, cached over the horizon, times a factor per day.
    Solar {
        sky: solar::Sky,
        weather: crate::scenario::Distribution,
        stream: u32,
        clear: Vec<f64>,
        /// The clear sky beyond the horizon (a story that runs past it), computed once per
        /// chunk of [`LATER_CHUNK`] intervals when first needed and shared by every run and
        /// thread: the same values whoever computes them.
        later: Arc<Mutex<BTreeMap<u64, Arc<Vec<f64>>>>>,
    },
    /// A wind-speed process through a power curve.
    Wind { wind: wind::Wind, stream: u32 },
    /// A daily load shape.
    Load(load::Load),
    /// A column of a series file.
    Series(series::Series),
}

/// An entity's energy in one role.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Energy {
    /// The same in every interval, kWh.
    Constant(f64),
    /// `value_kwh` in the reference interval, following shape `shape` elsewhere.
    Shaped { value_kwh: f64, shape: usize },
}

/// The profiles of a scenario, ready to realise run by run: every entity's generation and
/// consumption, constant or following a shape.
#[derive(Debug, Clone)]
pub struct Profiles {
    interval_s: f64,
    reference_interval: u64,
    shapes: Vec<Shape>,
    /// Each shape's deterministic value in the reference interval (solar: clear sky).
    reference_values: Vec<f64>,
    /// Per entity in table order: generation, then consumption.
    entities: Vec<[Energy; 2]>,
}

/// An entity's energies in one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntityEnergy {
    /// What it generates, kWh: a prosumer's `PG`, a DER's `P_DER`; 0 for consumers and battery
    /// banks.
    pub generation_kwh: f64,
    /// What it consumes, kWh: a prosumer's `Pc`, a consumer's demand `C`; 0 for DERs and
    /// battery banks.
    pub consumption_kwh: f64,
}

/// One run's energies of every entity over a window of meter intervals: each shape's curve over
/// the window (relative to the reference interval) and each entity's value, so its size is the
/// shapes' and the entities', not their product.
#[derive(Debug, Clone, PartialEq)]
pub struct Realisation {
    first_interval: u64,
    intervals: usize,
    /// Each shape's ratio to its reference value, interval by interval of the window.
    curves: Vec<Vec<f64>>,
    /// Per entity in table order: generation, then consumption.
    entities: Vec<[Energy; 2]>,
}

impl Realisation {
    /// The meter intervals it covers.
    pub fn intervals(&self) -> Range<u64> {
        self.first_interval..self.first_interval + self.intervals as u64
    }

    fn energy(&self, energy: Energy, interval: u64) -> f64 {
        assert!(
            self.intervals().contains(&interval),
            "interval {interval} is outside the realised window {:?}",
            self.intervals()
        );
        match energy {
            Energy::Constant(kwh) => kwh,
            Energy::Shaped { value_kwh, shape } => {
                value_kwh * self.curves[shape][(interval - self.first_interval) as usize]
            }
        }
    }

    /// Entity `entity`'s (an [`crate::entity::EntityTable`] index) energies in meter interval
    /// `interval`.
    ///
    /// # Panics
    /// If the entity is not in the table or the interval not in [`Realisation::intervals`].
    pub fn energy_kwh(&self, entity: EntityIndex, interval: u64) -> EntityEnergy {
        EntityEnergy {
            generation_kwh: self.generation_kwh(entity, interval),
            consumption_kwh: self.consumption_kwh(entity, interval),
        }
    }

    /// What entity `entity` generates in `interval`, kWh (panics as [`Realisation::energy_kwh`]).
    pub fn generation_kwh(&self, entity: EntityIndex, interval: u64) -> f64 {
        self.energy(self.entities[entity as usize][0], interval)
    }

    /// What entity `entity` consumes in `interval`, kWh (panics as [`Realisation::energy_kwh`]).
    pub fn consumption_kwh(&self, entity: EntityIndex, interval: u64) -> f64 {
        self.energy(self.entities[entity as usize][1], interval)
    }

    /// Whether entity `entity`'s generation follows a profile (rather than its value in every
    /// interval).
    pub fn generation_is_shaped(&self, entity: EntityIndex) -> bool {
        matches!(self.entities[entity as usize][0], Energy::Shaped { .. })
    }
}

/// Which role an entity's energy plays, for messages.
const ROLES: [&str; 2] = ["generation", "consumption"];

/// An entity's two energies as the scenario gives them: (value, profile name, the series column
/// it would read by default) for generation and consumption.
type EntityRoles<'a> = (&'a str, [Option<(f64, &'a Option<String>, String)>; 2]);

/// Every entity in table order ([`crate::entity::EntityTable`]) with its two roles.
fn entity_roles(scenario: &Scenario) -> Vec<EntityRoles<'_>> {
    let e = &scenario.entities;
    let mut all: Vec<EntityRoles<'_>> = Vec::new();
    for p in &e.prosumers {
        all.push((
            &p.id,
            [
                Some((
                    p.generation_kwh,
                    &p.generation_profile,
                    format!("{}_generation", p.id),
                )),
                Some((
                    p.consumption_kwh,
                    &p.consumption_profile,
                    format!("{}_consumption", p.id),
                )),
            ],
        ));
    }
    for c in &e.consumers {
        all.push((
            &c.id,
            [None, Some((c.demand_kwh, &c.profile, c.id.clone()))],
        ));
    }
    for d in e.solar.iter().chain(&e.wind) {
        all.push((
            &d.id,
            [Some((d.generation_kwh, &d.profile, d.id.clone())), None],
        ));
    }
    for b in &e.batteries {
        all.push((&b.id, [None, None]));
    }
    all
}

impl Profiles {
    /// Builds the profiles of a validated `scenario` whose file is in `scenario_dir` (series
    /// paths are relative to it): reads series files, computes the clear sky over the horizon,
    /// and checks that every entity's profile is non-zero in the reference interval and every
    /// series covers the horizon and the reference interval.
    pub fn load(scenario: &Scenario, scenario_dir: &Path) -> Result<Profiles, ProfileError> {
        let time = &scenario.time;
        let interval_s = time.meter_interval_s;
        let reference_s = time.reference_s();
        let reference_interval = (reference_s / interval_s).floor() as u64;
        let horizon_intervals = (time.horizon_s / interval_s).ceil() as u64;
        let start_date = time
            .start_date
            .as_deref()
            .map(|d| crate::scenario::start_date(d).expect("validated"));
        let clock = series::Clock {
            start_date,
            utc_offset_h: scenario.location.as_ref().map_or(0.0, |l| l.utc_offset_h),
        };
        let span = |k: u64| (k as f64 * interval_s, (k + 1) as f64 * interval_s);
        let need_s = (0.0, span(reference_interval).1.max(time.horizon_s));

        // The shapes the entities use, keyed by profile name and (for a series) column.
        let roles = entity_roles(scenario);
        let mut wanted: BTreeMap<(&str, Option<String>), usize> = BTreeMap::new();
        let mut entities = Vec::with_capacity(roles.len());
        for (_, pair) in &roles {
            let mut energies = [Energy::Constant(0.0); 2];
            for (energy, role) in energies.iter_mut().zip(pair) {
                *energy = match role {
                    None => Energy::Constant(0.0),
                    Some((value, None, _)) => Energy::Constant(*value),
                    Some((value, Some(name), default_column)) => {
                        let column = match &scenario.profiles[name] {
                            ProfileSpec::Series(s) => {
                                Some(s.column.clone().unwrap_or_else(|| default_column.clone()))
                            }
                            _ => None,
                        };
                        let next = wanted.len();
                        let shape = *wanted.entry((name.as_str(), column)).or_insert(next);
                        Energy::Shaped {
                            value_kwh: *value,
                            shape,
                        }
                    }
                };
            }
            entities.push(energies);
        }

        // Build each shape; series files are read once per profile, for all their columns.
        let stream_of = |name: &str| {
            scenario
                .profiles
                .keys()
                .position(|n| n == name)
                .expect("validated") as u32
        };
        let mut shapes: Vec<Option<Shape>> = vec![None; wanted.len()];
        let mut series_columns: BTreeMap<&str, Vec<(String, usize)>> = BTreeMap::new();
        for ((name, column), &index) in &wanted {
            let model_error = |message: String| ProfileError::Model {
                profile: name.to_string(),
                message,
            };
            shapes[index] = match &scenario.profiles[*name] {
                ProfileSpec::Solar(spec) => {
                    let location = scenario.location.as_ref().expect("validated");
                    let date = start_date.expect("validated");
                    let sky = solar::Sky::new(location, date).map_err(model_error)?;
                    let clear = (0..horizon_intervals)
                        .map(|k| sky.energy_wh_m2(span(k).0, span(k).1))
                        .collect();
                    Some(Shape::Solar {
                        sky,
                        weather: spec.weather.clone(),
                        stream: stream_of(name),
                        clear,
                        later: Arc::default(),
                    })
                }
                ProfileSpec::Wind(spec) => Some(Shape::Wind {
                    wind: wind::Wind::new(spec),
                    stream: stream_of(name),
                }),
                ProfileSpec::Load(spec) => Some(Shape::Load(load::Load::new(
                    spec,
                    start_date.expect("validated"),
                ))),
                ProfileSpec::Series(_) => {
                    let column = column.clone().expect("a series shape has a column");
                    series_columns
                        .entry(name)
                        .or_default()
                        .push((column, index));
                    None
                }
            };
        }
        for (name, columns) in series_columns {
            let ProfileSpec::Series(spec) = &scenario.profiles[name] else {
                unreachable!("only series have columns")
            };
            let file = scenario_dir.join(&spec.path);
            let names: Vec<String> = columns.iter().map(|(c, _)| c.clone()).collect();
            let read = series::read(&file, spec, &names, clock)?;
            for ((column, index), series) in columns.into_iter().zip(read) {
                let (from_s, to_s) = series.span_s();
                if from_s > need_s.0 || to_s < need_s.1 {
                    return Err(ProfileError::SeriesCoverage {
                        file,
                        column,
                        from_s,
                        to_s,
                        need_from_s: need_s.0,
                        need_to_s: need_s.1,
                    });
                }
                shapes[index] = Some(Shape::Series(series));
            }
        }
        let mut profiles = Profiles {
            interval_s,
            reference_interval,
            shapes: shapes
                .into_iter()
                .map(|s| s.expect("every shape built"))
                .collect(),
            reference_values: Vec::new(),
            entities,
        };
        // A multiplier series is relative to the multiplier-1 energy of an interval, which is
        // the scenario's value; every other shape to its own value in the reference interval.
        let multiplier_shapes: BTreeSet<usize> = wanted
            .iter()
            .filter(|((name, _), _)| {
                matches!(&scenario.profiles[*name],
                    ProfileSpec::Series(s) if s.unit == SeriesUnit::Multiplier)
            })
            .map(|(_, &index)| index)
            .collect();
        profiles.reference_values = (0..profiles.shapes.len())
            .map(|i| {
                if multiplier_shapes.contains(&i) {
                    interval_s / 3600.0
                } else {
                    profiles.deterministic(i, reference_interval)
                }
            })
            .collect();

        // No profile may be zero where the scenario's value is given.
        for ((id, pair), energies) in roles.iter().zip(&profiles.entities) {
            for ((energy, role), name) in energies.iter().zip(pair).zip(ROLES) {
                if let (Energy::Shaped { shape, .. }, Some((_, Some(profile), _))) = (energy, role)
                {
                    let value = profiles.reference_values[*shape];
                    if value.is_nan() || value <= 0.0 {
                        let (from_s, to_s) = span(reference_interval);
                        return Err(ProfileError::ZeroAtReference {
                            entity: id.to_string(),
                            role: name,
                            profile: profile.clone(),
                            interval: reference_interval,
                            from_s,
                            to_s,
                            reference_s,
                        });
                    }
                }
            }
        }
        Ok(profiles)
    }

    /// The meter interval, s.
    pub fn interval_s(&self) -> f64 {
        self.interval_s
    }

    /// The reference interval: the one whose energies are the scenario's values.
    pub fn reference_interval(&self) -> u64 {
        self.reference_interval
    }

    /// How entity `entity`'s consumption in interval `to` compares with interval `from` by its
    /// registered shape alone (no weather, no run factor): what an operator who knows each
    /// load's profile forecasts. `None` when the shape is zero at `from`.
    pub fn consumption_ratio(&self, entity: EntityIndex, from: u64, to: u64) -> Option<f64> {
        match self.entities[entity as usize][1] {
            Energy::Constant(_) => Some(1.0),
            Energy::Shaped { shape, .. } => {
                let at_from = self.deterministic(shape, from);
                (at_from > 0.0).then(|| self.deterministic(shape, to) / at_from)
            }
        }
    }

    /// The deterministic part of shape `i` in interval `k`: the clear sky for solar, the whole
    /// shape for load and series, the power-curve fraction at the reference speed for wind.
    fn deterministic(&self, i: usize, k: u64) -> f64 {
        let (from_s, to_s) = (k as f64 * self.interval_s, (k + 1) as f64 * self.interval_s);
        match &self.shapes[i] {
            Shape::Solar {
                sky, clear, later, ..
            } => clear.get(k as usize).copied().unwrap_or_else(|| {
                let chunk = k / LATER_CHUNK;
                let values = Arc::clone(
                    later
                        .lock()
                        .expect("no thread panics holding the clear-sky cache")
                        .entry(chunk)
                        .or_insert_with(|| {
                            Arc::new(
                                (chunk * LATER_CHUNK..(chunk + 1) * LATER_CHUNK)
                                    .map(|j| {
                                        let span = (
                                            j as f64 * self.interval_s,
                                            (j + 1) as f64 * self.interval_s,
                                        );
                                        sky.energy_wh_m2(span.0, span.1)
                                    })
                                    .collect(),
                            )
                        }),
                );
                values[(k % LATER_CHUNK) as usize]
            }),
            Shape::Wind { wind, .. } => wind.reference_fraction(),
            Shape::Load(load) => load.energy(from_s, to_s),
            Shape::Series(series) => series.energy_kwh(from_s, to_s),
        }
    }

    /// Shape `i` over intervals `first..first + n` relative to its value in the reference
    /// interval (exactly 1 there), the weather drawn from run `run_seed`'s stream for its
    /// profile.
    fn realise_shape(&self, i: usize, run_seed: u64, first: u64, n: usize) -> Vec<f64> {
        let window = first..first + n as u64;
        let reference = self.reference_values[i];
        match &self.shapes[i] {
            Shape::Solar {
                weather, stream, ..
            } => {
                let day = |k: u64| (k as f64 * self.interval_s / 86_400.0).floor() as usize;
                let last_day = day(self.reference_interval).max(day(window.end.max(1) - 1));
                let mut rng = seed::stream(run_seed, Purpose::Weather(*stream));
                let factors: Vec<f64> = (0..=last_day).map(|_| weather.sample(&mut rng)).collect();
                let reference_factor = factors[day(self.reference_interval)];
                // Clear sky and weather each relative to the reference: on the reference day
                // the factors cancel exactly.
                window
                    .map(|k| {
                        (self.deterministic(i, k) / reference)
                            * (factors[day(k)] / reference_factor)
                    })
                    .collect()
            }
            Shape::Wind { wind, stream } => {
                let mut rng: Stream = seed::stream(run_seed, Purpose::Weather(*stream));
                let speeds = wind.speeds(&mut rng, self.reference_interval, first, n);
                speeds
                    .iter()
                    .map(|&v| wind.power_fraction(v) / reference)
                    .collect()
            }
            Shape::Load(_) | Shape::Series(_) => window
                .map(|k| self.deterministic(i, k) / reference)
                .collect(),
        }
    }

    /// One run's energies of every entity over the meter intervals from `first_interval`, as
    /// many as `intervals`: the weather of each profile drawn from the run's stream
    /// `engine::seed::stream(run_seed, Purpose::Weather(p))`, `p` the profile's position in the
    /// scenario's `profiles` by name. The same run seed gives the same energy for an interval
    /// whatever the window; the reference interval's energies are the scenario's values.
    pub fn realise(&self, run_seed: u64, first_interval: u64, intervals: usize) -> Realisation {
        Realisation {
            first_interval,
            intervals,
            curves: (0..self.shapes.len())
                .map(|i| self.realise_shape(i, run_seed, first_interval, intervals))
                .collect(),
            entities: self.entities.clone(),
        }
    }
}

#[cfg(test)]
mod tests;
