//! RTDCCU: an entity's real-time data collection and control unit (paper §III.B). It detects loss
//! of supply at its node after a detection delay, and drives the relay / power-flow controller,
//! which carries out a command after an actuation delay.

use super::messages::{EntityIndex, Envelope, RelayAction, RelayCommand, Report};
use super::run_plant::PlantEnv;
use crate::engine::clock;
use crate::engine::seed::Stream;
use crate::plant::island::Actuation;
use crate::scenario::Distribution;
use nexosim::model::{Context, Model, schedulable};
use nexosim::ports::Output;
use serde::{Deserialize, Serialize};

/// One entity's RTDCCU with its outage detector and relay.
#[derive(Serialize, Deserialize)]
pub(super) struct Rtdccu {
    /// Reports (detection, switching done) sent over the network.
    pub to_network: Output<Envelope>,
    entity: EntityIndex,
    detection_delay_s: Distribution,
    switching_delay_s: Distribution,
    /// Whether this prosumer fails to deliver what it is commanded to (eq. 14's back-off).
    backs_off: bool,
    rng: Stream,
}

#[Model(type Env = PlantEnv)]
impl Rtdccu {
    /// The RTDCCU of `entity`.
    pub(super) fn new(
        entity: EntityIndex,
        detection_delay_s: Distribution,
        switching_delay_s: Distribution,
        backs_off: bool,
        rng: Stream,
    ) -> Self {
        Rtdccu {
            to_network: Output::default(),
            entity,
            detection_delay_s,
            switching_delay_s,
            backs_off,
            rng,
        }
    }

    /// Its node lost supply at `lost_at_s` [input port].
    pub(super) async fn supply_lost(&mut self, lost_at_s: f64, cx: &Context<Self>) {
        let delay_s = self.detection_delay_s.sample(&mut self.rng);
        match clock::delay(delay_s) {
            None => self.detect(lost_at_s, cx).await,
            Some(after) => cx
                .schedule_event(after, schedulable!(Self::detect), lost_at_s)
                .expect("a positive delay is in the future"),
        }
    }

    /// The detector trips [private input port].
    #[nexosim(schedulable)]
    async fn detect(&mut self, lost_at_s: f64, cx: &Context<Self>) {
        let report = Report::OutageDetected {
            entity: self.entity,
            lost_at_s,
            detected_at_s: clock::seconds(cx.time()),
        };
        self.to_network.send(Envelope::Coordinator(report)).await;
    }

    /// A relay command arrives [input port]: the relay switches after its actuation delay, and
    /// not before the command's effective time.
    pub(super) async fn command(
        &mut self,
        command: RelayCommand,
        cx: &Context<Self>,
        env: &mut PlantEnv,
    ) {
        let received_at_s = clock::seconds(cx.time());
        let delay_s = self.switching_delay_s.sample(&mut self.rng);
        let switch_at_s = (received_at_s + delay_s.max(0.0)).max(command.effective_at_s);
        match clock::delay(switch_at_s - received_at_s) {
            None => self.switched((command, received_at_s), cx, env).await,
            Some(after) => cx
                .schedule_event(
                    after,
                    schedulable!(Self::switched),
                    (command, received_at_s),
                )
                .expect("a positive delay is in the future"),
        }
    }

    /// The relay has switched [private input port].
    #[nexosim(schedulable)]
    async fn switched(
        &mut self,
        (command, received_at_s): (RelayCommand, f64),
        cx: &Context<Self>,
        env: &mut PlantEnv,
    ) {
        let now_s = clock::seconds(cx.time());
        let actuation = match command.action {
            RelayAction::Close => Actuation::Relay { closed: true },
            RelayAction::Open => Actuation::Relay { closed: false },
            // A prosumer that backs off keeps its baseline and withholds the extra.
            RelayAction::Export {
                setpoint_kwh,
                extra_kwh,
            } => Actuation::ExportSetpoint {
                kwh_per_interval: Some(if self.backs_off {
                    setpoint_kwh - extra_kwh
                } else {
                    setpoint_kwh
                }),
            },
        };
        env.plant.actuate(self.entity, actuation, now_s);
        let report = Report::Switched {
            entity: self.entity,
            command_received_at_s: received_at_s,
            switched_at_s: now_s,
        };
        self.to_network.send(Envelope::Coordinator(report)).await;
    }
}
