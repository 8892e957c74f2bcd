//! The plant of one run, shared by the models that touch it physically: the fault injector
//! (islands form and dissolve), the RTDCCUs (relays and set-points switch) and the meters (they
//! read what the plant settled). It wraps [`plant::island::Islands`] with the run's inputs —
//! every entity's generation and consumption per interval, from the profiles and the run's
//! Monte-Carlo factors — and keeps the first error the plant meets for the run to report.

use super::SimError;
use super::curve::{CurvePoint, curve};
use crate::engine::seed::{Purpose, stream};
use crate::entity::{EntityIndex, EntityTable, Profile};
use crate::plant::bound::{Dispatch, DispatchProblem};
use crate::plant::island::{
    Actuation, InputSource, Inputs, Interruption, IntervalRecord, Islands, MemberRecord,
    PlantError, PlantMember, ServiceTotals,
};
use crate::plant::island_network::NetworkModel;
use crate::plant::profile::{Profiles, Realisation};
use crate::scenario::{Distribution, NodeId};
use std::ops::Range;
use std::sync::{Arc, Mutex, MutexGuard};

const DAY_S: f64 = 86_400.0;

/// Every entity's physical inputs in a run: the profiles realised over a window of intervals
/// that grows when a model reads past it (a run is realised as far as it goes, not to the
/// limit it might reach), times the run's weather and demand factors. An interval's energies
/// are the same whatever the window (`Profiles::realise`), so growing it changes nothing
/// already read.
pub(super) struct RunInputs {
    profiles: Arc<Profiles>,
    entities: Arc<EntityTable>,
    run_seed: u64,
    interval_s: f64,
    /// Multiplies generation (solar, wind, prosumer PV).
    weather_factor: f64,
    /// Multiplies consumption and demand.
    demand_factor: f64,
    /// The per-interval weather of a wind plant without a profile.
    wind_weather: Distribution,
    window: Mutex<Realisation>,
}

/// What the run's inputs are built from.
pub(super) struct RunFactors {
    /// The run's seed.
    pub run_seed: u64,
    /// The meter interval, s.
    pub interval_s: f64,
    /// Multiplies generation.
    pub weather_factor: f64,
    /// Multiplies consumption and demand.
    pub demand_factor: f64,
    /// The per-interval weather of a wind plant without a profile.
    pub wind_weather: Distribution,
}

impl RunInputs {
    /// The inputs of the run `factors` describe, first realised over `intervals`.
    pub(super) fn new(
        profiles: Arc<Profiles>,
        entities: Arc<EntityTable>,
        factors: RunFactors,
        intervals: Range<u64>,
    ) -> Self {
        let window = profiles.realise(
            factors.run_seed,
            intervals.start,
            (intervals.end - intervals.start) as usize,
        );
        RunInputs {
            profiles,
            entities,
            run_seed: factors.run_seed,
            interval_s: factors.interval_s,
            weather_factor: factors.weather_factor,
            demand_factor: factors.demand_factor,
            wind_weather: factors.wind_weather,
            window: Mutex::new(window),
        }
    }
}

impl InputSource for RunInputs {
    /// A plant with a profile follows it; one without keeps the daylight curve (solar) or a
    /// weather factor drawn per interval (wind). Battery banks have no inputs.
    fn inputs(&self, entity: EntityIndex, interval: u64) -> Inputs {
        let (energy, shaped) = {
            let mut window = self
                .window
                .lock()
                .expect("a run's models run on one thread and never panic holding it");
            let covered = window.intervals();
            if !covered.contains(&interval) {
                let first = covered.start.min(interval);
                let end = covered.end.max(interval + 1);
                *window = self
                    .profiles
                    .realise(self.run_seed, first, 2 * (end - first) as usize);
            }
            (
                window.energy_kwh(entity, interval),
                window.generation_is_shaped(entity),
            )
        };
        let generation_kwh = energy.generation_kwh * self.weather_factor;
        let consumption_kwh = energy.consumption_kwh * self.demand_factor;
        let start_s = interval as f64 * self.interval_s;
        match self.entities.get(entity).profile {
            Profile::Prosumer { .. } => Inputs {
                generation_kwh,
                consumption_kwh,
            },
            Profile::Consumer { .. } => Inputs {
                generation_kwh: 0.0,
                consumption_kwh,
            },
            Profile::Solar { .. } if !shaped => Inputs {
                generation_kwh: generation_kwh * daylight_mean(start_s, start_s + self.interval_s),
                consumption_kwh: 0.0,
            },
            Profile::Wind { .. } if !shaped => {
                let mut rng = stream(self.run_seed, Purpose::WindInterval(entity, interval));
                Inputs {
                    generation_kwh: generation_kwh * self.wind_weather.sample(&mut rng).max(0.0),
                    consumption_kwh: 0.0,
                }
            }
            Profile::Solar { .. } | Profile::Wind { .. } => Inputs {
                generation_kwh,
                consumption_kwh: 0.0,
            },
            Profile::Battery { .. } => Inputs::default(),
        }
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

/// The plant's state and the first error it met.
struct State {
    islands: Islands,
    /// The same islands with no sharing (docs/model.md §11): they form and dissolve as the
    /// faults and repairs say, and nothing is ever commanded — consumers stay dark, prosumers
    /// supply only themselves.
    no_sharing: Islands,
    error: Option<PlantError>,
}

/// What the plant gives a run's report once it is over.
pub(super) struct PlantOutcome {
    /// Every island interval settled.
    pub intervals: Vec<IntervalRecord>,
    /// Every consumer's interruptions.
    pub interruptions: Vec<Interruption>,
    /// What the islands served with no sharing.
    pub no_sharing: ServiceTotals,
    /// The perfect-information bound over the same islands, when asked for.
    pub bound: Option<Dispatch>,
    /// The run's resilience curve.
    pub curve: Vec<CurvePoint>,
    /// When the grid took the last island back, s (`None`: not within the run).
    pub grid_back_s: Option<f64>,
    /// Every consumer's interruptions with no sharing: dark from its island's formation to
    /// its reconnection.
    pub no_sharing_interruptions: Vec<Interruption>,
    /// The no-sharing twin's island intervals, as the plant settled them.
    pub no_sharing_intervals: Vec<IntervalRecord>,
    /// Whether the islands were settled on the power flow.
    pub power_flow: bool,
}

/// The plant of one run (module docs).
pub(super) struct RunPlant {
    inputs: RunInputs,
    state: Mutex<State>,
}

/// What a meter reads of the plant for one interval: its parts in islands and its battery.
pub(super) struct PlantReading {
    /// Its parts of the interval in islands (none: on the grid throughout).
    pub parts: Vec<MemberRecord>,
    /// What its battery can deliver over the next interval, kWh (`None`: no battery).
    pub battery_available_kwh: Option<f64>,
}

impl RunPlant {
    /// The plant of a run with `inputs`, from `start_s`, its entities on the grid in their
    /// initial state (`members`); its islands settled on `network` when given (the no-sharing
    /// twin never is: nothing flows between its members).
    pub(super) fn new(
        inputs: RunInputs,
        members: &[PlantMember],
        start_s: f64,
        network: Option<Arc<NetworkModel>>,
    ) -> Self {
        let no_sharing = Islands::new(members, inputs.interval_s, start_s);
        let islands = match network {
            Some(model) => no_sharing.clone().with_network(model),
            None => no_sharing.clone(),
        };
        RunPlant {
            inputs,
            state: Mutex::new(State {
                no_sharing,
                islands,
                error: None,
            }),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .expect("a run's models run on one thread and never panic holding it")
    }

    /// Runs `change` on the islands unless the plant has already failed; keeps its error.
    fn apply(&self, change: impl FnOnce(&mut Islands, &RunInputs) -> Result<(), PlantError>) {
        let mut state = self.state();
        if state.error.is_none()
            && let Err(e) = change(&mut state.islands, &self.inputs)
        {
            state.error = Some(e);
        }
    }

    /// Runs `change` on the islands and on their no-sharing twins: a physical event (faults,
    /// repairs, time) that both live.
    fn apply_to_both(&self, change: impl Fn(&mut Islands, &RunInputs) -> Result<(), PlantError>) {
        let mut state = self.state();
        if state.error.is_some() {
            return;
        }
        let state = &mut *state;
        let result = change(&mut state.islands, &self.inputs)
            .and_then(|()| change(&mut state.no_sharing, &self.inputs));
        if let Err(e) = result {
            state.error = Some(e);
        }
    }

    /// The run's inputs.
    pub(super) fn inputs(&self) -> &RunInputs {
        &self.inputs
    }

    /// `entities` on `nodes` (sorted) are cut off at `at_s` as island `number`.
    pub(super) fn form(
        &self,
        number: usize,
        entities: &[EntityIndex],
        nodes: &[NodeId],
        at_s: f64,
    ) {
        self.apply_to_both(|islands, inputs| islands.form(number, entities, nodes, at_s, inputs));
    }

    /// `entities` are back on the grid from `at_s`.
    pub(super) fn reconnect(&self, entities: &[EntityIndex], at_s: f64) {
        self.apply_to_both(|islands, inputs| islands.reconnect(entities, at_s, inputs));
    }

    /// `entity`'s relay or controller carries out `actuation` at `at_s`.
    pub(super) fn actuate(&self, entity: EntityIndex, actuation: Actuation, at_s: f64) {
        self.apply(|islands, inputs| islands.actuate(entity, actuation, at_s, inputs));
    }

    /// What `entity`'s meter reads of interval `interval` at `now_s` (the end of the interval
    /// or later).
    pub(super) fn read(&self, entity: EntityIndex, interval: u64, now_s: f64) -> PlantReading {
        self.apply(|islands, inputs| islands.advance_to(now_s, inputs));
        let state = self.state();
        PlantReading {
            parts: state.islands.parts(entity, interval).cloned().collect(),
            battery_available_kwh: state.islands.battery_available_kwh(entity),
        }
    }

    /// The plant advanced to `until_s`: every island interval settled, every consumer's
    /// interruption, the no-sharing reference and (with `bound`) the perfect-information bound,
    /// or the error that stopped the plant or the bound.
    pub(super) fn finish(&self, until_s: f64, bound: bool) -> Result<PlantOutcome, SimError> {
        self.apply_to_both(|islands, inputs| islands.advance_to(until_s, inputs));
        let state = self.state();
        match &state.error {
            Some(e) => Err(e.clone().into()),
            None => Ok(PlantOutcome {
                intervals: state.islands.records().to_vec(),
                interruptions: state.islands.interruptions().to_vec(),
                no_sharing: ServiceTotals::of(state.no_sharing.records(), &self.inputs().entities),
                bound: bound
                    .then(|| {
                        DispatchProblem::of_run(
                            state.islands.records(),
                            state.islands.initial_members(),
                        )
                        .solve()
                    })
                    .transpose()?,
                curve: curve(
                    state.islands.records(),
                    self.inputs.interval_s,
                    state.islands.first_formed_s().unwrap_or(0.0),
                    state.islands.grid_back_s(),
                ),
                grid_back_s: state.islands.grid_back_s(),
                no_sharing_interruptions: state.no_sharing.interruptions().to_vec(),
                no_sharing_intervals: state.no_sharing.records().to_vec(),
                power_flow: state.islands.has_network(),
            }),
        }
    }
}

/// The environment of the models that touch the plant.
pub(super) struct PlantEnv {
    /// The run's plant.
    pub plant: Arc<RunPlant>,
}

#[cfg(test)]
mod tests {
    use super::{Arc, InputSource, Profiles, RunFactors, RunInputs, daylight_mean};
    use crate::entity::EntityTable;
    use crate::scenario::Distribution;

    #[test]
    fn a_reading_past_the_realised_window_grows_it_without_changing_any_energy() {
        let scenario = crate::scenario::load(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/campus13.yaml"
        )))
        .unwrap();
        let profiles = Arc::new(Profiles::load(&scenario, std::path::Path::new(".")).unwrap());
        let whole = profiles.realise(7, 40, 400);
        let entities = Arc::new(EntityTable::new(&scenario));
        let factors = RunFactors {
            run_seed: 7,
            interval_s: 900.0,
            weather_factor: 1.0,
            demand_factor: 1.0,
            wind_weather: Distribution::fixed(1.0),
        };
        let inputs = RunInputs::new(Arc::clone(&profiles), entities, factors, 46..50);
        // Inside, then far past the first window (a story running days past the horizon),
        // then back inside: every energy is the one a single long realisation gives.
        for k in [47, 300, 439, 48, 41] {
            for e in 0..9 {
                let (energy, got) = (whole.energy_kwh(e, k), inputs.inputs(e, k));
                let want = (energy.generation_kwh, energy.consumption_kwh);
                assert_eq!(
                    (got.generation_kwh, got.consumption_kwh),
                    want,
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
