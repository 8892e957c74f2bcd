//! Meter: an entity's smart meter. Every interval it reads its entity and reports the reading
//! over the network; on request it reports the latest complete interval at once.

use super::messages::{EntityIndex, Envelope, Reading, Report};
use crate::engine::clock;
use crate::engine::seed::Stream;
use crate::entity::Profile;
use crate::plant::profile::{EntityEnergy, Profiles, Realisation};
use crate::scenario::Distribution;
use nexosim::model::{Context, Model, schedulable};
use nexosim::ports::Output;
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const DAY_S: f64 = 86_400.0;

/// A smart meter.
#[derive(Serialize, Deserialize)]
pub(super) struct Meter {
    /// Readings sent over the network to the coordinator.
    pub to_network: Output<Envelope>,
    entity: EntityIndex,
    profile: Profile,
    interval_s: f64,
    /// Multiplies generation (solar, wind, prosumer PV).
    weather_factor: f64,
    /// Multiplies consumption and demand.
    demand_factor: f64,
    /// Per-reading weather of a wind plant.
    wind_weather: Distribution,
    rng: Stream,
    /// Extra export the prosumer's controller was set to, kWh per interval, and since when.
    extra_export: Option<(f64, f64)>,
}

#[Model(type Env = MeterEnv)]
impl Meter {
    /// The meter of `entity`, reading every `interval_s`.
    pub(super) fn new(
        entity: EntityIndex,
        profile: Profile,
        interval_s: f64,
        weather_factor: f64,
        demand_factor: f64,
        wind_weather: Distribution,
        rng: Stream,
    ) -> Self {
        Meter {
            to_network: Output::default(),
            entity,
            profile,
            interval_s,
            weather_factor,
            demand_factor,
            wind_weather,
            rng,
            extra_export: None,
        }
    }

    #[nexosim(init)]
    async fn init(&mut self, cx: &Context<Self>) {
        // Readings fall on whole multiples of the interval, whenever the simulation starts.
        let now_s = clock::seconds(cx.time());
        let first_s = ((now_s / self.interval_s).floor() + 1.0) * self.interval_s;
        let every = Duration::from_secs_f64(self.interval_s);
        cx.schedule_periodic_event(clock::at(first_s), every, schedulable!(Self::read), ())
            .expect("the meter interval is positive");
    }

    /// Reads the interval that just ended and reports it [private input port].
    #[nexosim(schedulable)]
    async fn read(&mut self, _: (), cx: &Context<Self>, env: &mut MeterEnv) {
        let now_s = clock::seconds(cx.time());
        let interval = (now_s / self.interval_s).round() as u64 - 1;
        self.report(interval, now_s, false, env).await;
    }

    /// Asks for the latest reading now [input port].
    pub(super) async fn request(&mut self, _: (), cx: &Context<Self>, env: &mut MeterEnv) {
        let now_s = clock::seconds(cx.time());
        let interval = ((now_s / self.interval_s).floor() as u64).max(1) - 1;
        self.report(interval, now_s, true, env).await;
    }

    /// The prosumer's controller now exports `extra_kwh` more per interval [input port].
    pub(super) async fn set_extra_export(&mut self, extra_kwh: f64, cx: &Context<Self>) {
        self.extra_export = Some((extra_kwh, clock::seconds(cx.time())));
    }

    async fn report(&mut self, interval: u64, read_at_s: f64, requested: bool, env: &MeterEnv) {
        let reading = self.measure(interval, read_at_s, requested, env);
        self.to_network
            .send(Envelope::Coordinator(Report::Reading(reading)))
            .await;
    }

    fn measure(
        &mut self,
        interval: u64,
        read_at_s: f64,
        requested: bool,
        env: &MeterEnv,
    ) -> Reading {
        let start_s = interval as f64 * self.interval_s;
        let end_s = start_s + self.interval_s;
        let mut r = Reading {
            entity: self.entity,
            interval,
            read_at_s,
            requested,
            generation_kwh: 0.0,
            consumption_kwh: 0.0,
            export_kwh: 0.0,
            battery_charge_kwh: 0.0,
            battery_discharge_kwh: 0.0,
        };
        let (energy, shaped_generation) = env.energies.at(self.entity, interval);
        let (generation_kwh, consumption_kwh) = (energy.generation_kwh, energy.consumption_kwh);
        match self.profile {
            Profile::Prosumer { .. } => {
                let extra_kwh = match self.extra_export {
                    Some((extra, since_s)) => {
                        let active_s = (end_s - since_s.max(start_s)).clamp(0.0, self.interval_s);
                        extra * active_s / self.interval_s
                    }
                    None => 0.0,
                };
                r.generation_kwh = generation_kwh * self.weather_factor;
                r.consumption_kwh = consumption_kwh * self.demand_factor;
                // What it can sustain of its previous export this interval (a reading never
                // exports more than generation and battery leave).
                let baseline_kwh = self
                    .profile
                    .sustained_export_kwh(r.generation_kwh, r.consumption_kwh)
                    .expect("a prosumer's profile");
                r.export_kwh = baseline_kwh + extra_kwh;
            }
            Profile::Consumer { .. } => r.consumption_kwh = consumption_kwh * self.demand_factor,
            // A plant with a profile follows it; one without keeps the daylight curve (solar)
            // or a weather factor drawn per reading (wind).
            Profile::Solar { .. } if shaped_generation => {
                r.generation_kwh = generation_kwh * self.weather_factor
            }
            Profile::Solar { .. } => {
                r.generation_kwh =
                    generation_kwh * self.weather_factor * daylight_mean(start_s, end_s)
            }
            Profile::Wind { .. } if shaped_generation => {
                r.generation_kwh = generation_kwh * self.weather_factor
            }
            Profile::Wind { .. } => {
                let weather = self.wind_weather.sample(&mut self.rng).max(0.0);
                r.generation_kwh = generation_kwh * self.weather_factor * weather;
            }
            Profile::Battery {
                charge_kwh,
                discharge_kwh,
            } => {
                r.battery_charge_kwh = charge_kwh;
                r.battery_discharge_kwh = discharge_kwh;
            }
        }
        r
    }
}

/// A meter's environment: the run's energies of every entity (from the scenario's profiles,
/// docs/model.md §9), shared by the run's meters.
pub(super) struct MeterEnv {
    /// The run's realisation of the profiles.
    pub energies: Arc<RunEnergies>,
}

/// The profiles realised for one run, over a window of intervals that grows when a meter reads
/// past it: a run is realised as far as it goes, not to the limit it might reach. An interval's
/// energies are the same whatever the window (`Profiles::realise`), so growing it changes
/// nothing already read.
pub(super) struct RunEnergies {
    profiles: Arc<Profiles>,
    run_seed: u64,
    window: Mutex<Realisation>,
}

impl RunEnergies {
    /// Run `run_seed`'s energies, first realised over `intervals`.
    pub(super) fn new(profiles: Arc<Profiles>, run_seed: u64, intervals: Range<u64>) -> Self {
        let window = profiles.realise(
            run_seed,
            intervals.start,
            (intervals.end - intervals.start) as usize,
        );
        RunEnergies {
            profiles,
            run_seed,
            window: Mutex::new(window),
        }
    }

    /// Entity `entity`'s energies in `interval`, and whether its generation follows a profile;
    /// the window doubles past `interval` when it does not reach it.
    fn at(&self, entity: EntityIndex, interval: u64) -> (EntityEnergy, bool) {
        let mut window = self
            .window
            .lock()
            .expect("a run's meters run on one thread and never panic holding it");
        let covered = window.intervals();
        if !covered.contains(&interval) {
            let first = covered.start.min(interval);
            let end = covered.end.max(interval + 1);
            let intervals = 2 * (end - first) as usize;
            *window = self.profiles.realise(self.run_seed, first, intervals);
        }
        (
            window.energy_kwh(entity, interval),
            window.generation_is_shaped(entity),
        )
    }
}

/// Mean of the clear-sky daylight curve over `[start_s, end_s)`: 0 before 08:00 and after
/// 18:00, rising linearly to 1 at 12:00, 1 until 14:00, falling linearly to 0 at 18:00.
pub(super) fn daylight_mean(start_s: f64, end_s: f64) -> f64 {
    /// Integral of the curve from midnight to `t_s` (any day), in hours.
    fn cumulative_h(t_s: f64) -> f64 {
        let days = (t_s / DAY_S).floor();
        let h = (t_s - days * DAY_S) / 3600.0;
        let within = if h <= 8.0 {
            0.0
        } else if h <= 12.0 {
            (h - 8.0).powi(2) / 8.0
        } else if h <= 14.0 {
            2.0 + (h - 12.0)
        } else if h <= 18.0 {
            4.0 + (h - 14.0) - (h - 14.0).powi(2) / 8.0
        } else {
            6.0
        };
        days * 6.0 + within
    }
    let hours = (end_s - start_s) / 3600.0;
    if hours <= 0.0 {
        return 0.0;
    }
    (cumulative_h(end_s) - cumulative_h(start_s)) / hours
}

#[cfg(test)]
mod tests {
    use super::{Arc, Profiles, RunEnergies, daylight_mean};

    #[test]
    fn a_reading_past_the_realised_window_grows_it_without_changing_any_energy() {
        let scenario = crate::scenario::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/campus13.yaml"
        )))
        .unwrap();
        let profiles = Arc::new(Profiles::load(&scenario, std::path::Path::new(".")).unwrap());
        let whole = profiles.realise(7, 40, 400);
        let energies = RunEnergies::new(Arc::clone(&profiles), 7, 46..50);
        // Inside, then far past the first window (a story running days past the horizon),
        // then back inside: every energy is the one a single long realisation gives.
        for k in [47, 300, 439, 48, 41] {
            for e in 0..9 {
                assert_eq!(
                    energies.at(e, k).0,
                    whole.energy_kwh(e, k),
                    "entity {e} interval {k}"
                );
            }
        }
    }

    #[test]
    fn daylight_curve() {
        let h = 3600.0;
        assert_eq!(daylight_mean(0.0, 8.0 * h), 0.0);
        assert_eq!(daylight_mean(12.0 * h, 14.0 * h), 1.0);
        assert_eq!(daylight_mean(18.0 * h, 24.0 * h), 0.0);
        assert!((daylight_mean(8.0 * h, 12.0 * h) - 0.5).abs() < 1e-12);
        // 6 peak-hour equivalents over a day.
        assert!((daylight_mean(0.0, 24.0 * h) - 0.25).abs() < 1e-12);
        assert!((daylight_mean(24.0 * h, 48.0 * h) - 0.25).abs() < 1e-12);
        assert!((daylight_mean(10.0 * h, 10.25 * h) - 0.53125).abs() < 1e-12);
    }
}
