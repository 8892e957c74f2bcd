//! Meter: an entity's smart meter. Every interval it reads its entity and reports the reading
//! over the network; on request it reports the latest complete interval at once.

use super::messages::{EntityIndex, Envelope, Reading, Report};
use super::run_plant::PlantEnv;
use crate::engine::clock;
use crate::entity::{Profile, baseline_export_kwh};
use crate::plant::island::InputSource;
use crate::plant::settle::Flow;
use nexosim::model::{Context, Model, schedulable};
use nexosim::ports::Output;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// A smart meter.
#[derive(Serialize, Deserialize)]
pub(super) struct Meter {
    /// Readings sent over the network to the coordinator.
    pub to_network: Output<Envelope>,
    entity: EntityIndex,
    profile: Profile,
    interval_s: f64,
}

#[Model(type Env = PlantEnv)]
impl Meter {
    /// The meter of `entity`, reading every `interval_s`.
    pub(super) fn new(entity: EntityIndex, profile: Profile, interval_s: f64) -> Self {
        Meter {
            to_network: Output::default(),
            entity,
            profile,
            interval_s,
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
    async fn read(&mut self, _: (), cx: &Context<Self>, env: &mut PlantEnv) {
        let now_s = clock::seconds(cx.time());
        let interval = (now_s / self.interval_s).round() as u64 - 1;
        self.report(interval, now_s, false, env).await;
    }

    /// Asks for the latest reading now [input port].
    pub(super) async fn request(&mut self, _: (), cx: &Context<Self>, env: &mut PlantEnv) {
        let now_s = clock::seconds(cx.time());
        let interval = ((now_s / self.interval_s).floor() as u64).max(1) - 1;
        self.report(interval, now_s, true, env).await;
    }

    async fn report(&mut self, interval: u64, read_at_s: f64, requested: bool, env: &PlantEnv) {
        let reading = self.measure(interval, read_at_s, requested, env);
        self.to_network
            .send(Envelope::Coordinator(Report::Reading(reading)))
            .await;
    }

    /// Interval `interval` as the plant lived it: the part on the grid from the entity's
    /// inputs (a prosumer exporting its baseline, a bank its scheduled flows), plus its parts
    /// in islands as the plant settled them.
    fn measure(&self, interval: u64, read_at_s: f64, requested: bool, env: &PlantEnv) -> Reading {
        let plant = env.plant.read(self.entity, interval, read_at_s);
        let battery_available_kwh = plant.battery_available_kwh.unwrap_or(0.0);
        let in_island_s: f64 = plant.parts.iter().map(|p| p.in_island_s).sum();
        let on_grid = ((self.interval_s - in_island_s) / self.interval_s).max(0.0);
        let inputs = env.plant.inputs().inputs(self.entity, interval);
        let mut r = Reading {
            entity: self.entity,
            interval,
            read_at_s,
            requested,
            generation_kwh: inputs.generation_kwh * on_grid,
            consumption_kwh: inputs.consumption_kwh * on_grid,
            export_kwh: 0.0,
            battery_charge_kwh: 0.0,
            battery_discharge_kwh: 0.0,
            supplied_s: (self.interval_s - in_island_s).max(0.0),
            battery_available_kwh,
            curtailed_export_kwh: 0.0,
        };
        match self.profile {
            Profile::Prosumer {
                export_prev_kwh, ..
            } => {
                r.export_kwh = on_grid
                    * baseline_export_kwh(
                        export_prev_kwh,
                        inputs.generation_kwh,
                        battery_available_kwh,
                        inputs.consumption_kwh,
                    );
            }
            Profile::Battery {
                charge_kwh,
                discharge_kwh,
            } => {
                r.battery_charge_kwh = charge_kwh * on_grid;
                r.battery_discharge_kwh = discharge_kwh * on_grid;
            }
            _ => {}
        }
        for part in &plant.parts {
            r.supplied_s += part.supplied_s;
            match part.flow {
                Flow::Prosumer {
                    generation_kwh,
                    own_served_kwh,
                    export_kwh,
                    export_curtailed_kwh,
                    battery_discharge_kwh,
                    battery_charge_kwh,
                    ..
                } => {
                    r.generation_kwh += generation_kwh;
                    r.consumption_kwh += own_served_kwh;
                    r.export_kwh += export_kwh;
                    r.curtailed_export_kwh += export_curtailed_kwh;
                    r.battery_discharge_kwh += battery_discharge_kwh;
                    r.battery_charge_kwh += battery_charge_kwh;
                }
                Flow::Consumer { served_kwh, .. } => r.consumption_kwh += served_kwh,
                // A DER's inverter reports what it could generate (curtailed or not).
                Flow::Der { generation_kwh, .. } => r.generation_kwh += generation_kwh,
                Flow::Bank {
                    discharge_kwh,
                    charge_kwh,
                    ..
                } => {
                    r.battery_discharge_kwh += discharge_kwh;
                    r.battery_charge_kwh += charge_kwh;
                }
            }
        }
        // An islanded bank with state reports its offer for the next interval, as its
        // scheduled discharge does on the grid (docs/model.md §9): what its battery can
        // deliver, not what the last plan happened to draw, which would hold it at zero once a
        // plan had left it idle.
        if let (Profile::Battery { .. }, false, Some(offer_kwh)) = (
            &self.profile,
            plant.parts.is_empty(),
            plant.battery_available_kwh,
        ) {
            r.battery_discharge_kwh = offer_kwh;
            r.battery_charge_kwh = 0.0;
        }
        r
    }
}
