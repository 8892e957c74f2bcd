//! NetworkLink: the meters' and RTDCCUs' communication network. Each message is delayed by a
//! latency draw; a lost message is resent by its sender after the retry timeout, up to the
//! retry limit, after which it is dropped (and logged).

use super::log::{EventKind, LogEvent};
use super::messages::{Envelope, RelayCommand, Report};
use crate::engine::clock;
use crate::engine::seed::Stream;
use crate::scenario::{Distribution, Network as NetworkConfig};
use nexosim::model::{Context, Model, schedulable};
use nexosim::ports::Output;
use rand::RngExt;
use serde::{Deserialize, Serialize};

/// The network, one model for all links (they share one latency law).
#[derive(Serialize, Deserialize)]
pub(super) struct NetworkLink {
    /// Delivers reports to the restoration coordinator.
    pub to_coordinator: Output<Report>,
    /// Delivers relay commands, one port per entity's RTDCCU.
    pub to_rtdccu: Vec<Output<RelayCommand>>,
    /// Delivers read requests, one port per entity's meter.
    pub to_meter: Vec<Output<()>>,
    /// Dropped messages, for the event log.
    pub log: Output<LogEvent>,
    latency_s: Distribution,
    latency_factor: f64,
    loss_probability: f64,
    retry_timeout_s: f64,
    max_retries: u32,
    rng: Stream,
}

#[Model]
impl NetworkLink {
    /// A network with the scenario's latency (times `latency_factor`) and loss, drawing from
    /// `rng`, with delivery ports for `entities` RTDCCUs and meters.
    pub(super) fn new(
        config: &NetworkConfig,
        latency_factor: f64,
        entities: usize,
        rng: Stream,
    ) -> Self {
        NetworkLink {
            to_coordinator: Output::default(),
            to_rtdccu: (0..entities).map(|_| Output::default()).collect(),
            to_meter: (0..entities).map(|_| Output::default()).collect(),
            log: Output::default(),
            latency_s: config.latency_s.clone(),
            latency_factor,
            loss_probability: config.loss_probability,
            retry_timeout_s: config.retry_timeout_s,
            max_retries: config.max_retries,
            rng,
        }
    }

    /// Sends a message [input port]: it arrives after the latency of the attempt that gets
    /// through, plus one retry timeout per lost attempt before it.
    pub(super) async fn send(&mut self, envelope: Envelope, cx: &Context<Self>) {
        let mut delay_s = 0.0;
        for attempt in 0..=self.max_retries {
            let lost = self.loss_probability > 0.0 && self.rng.random_bool(self.loss_probability);
            if !lost {
                delay_s += self.latency_factor * self.latency_s.sample(&mut self.rng);
                match clock::delay(delay_s) {
                    None => self.deliver(envelope).await,
                    Some(after) => cx
                        .schedule_event(after, schedulable!(Self::deliver), envelope)
                        .expect("a positive delay is in the future"),
                }
                return;
            }
            if attempt < self.max_retries {
                delay_s += self.retry_timeout_s;
            }
        }
        let now_s = clock::seconds(cx.time());
        self.log
            .send(LogEvent::new(
                now_s + delay_s,
                "network",
                EventKind::MessageDropped,
                format!("{envelope:?} lost {} times", self.max_retries + 1),
            ))
            .await;
    }

    /// Hands a message to its destination [private input port].
    #[nexosim(schedulable)]
    async fn deliver(&mut self, envelope: Envelope) {
        match envelope {
            Envelope::Coordinator(report) => self.to_coordinator.send(report).await,
            Envelope::Rtdccu(entity, command) => {
                self.to_rtdccu[entity as usize].send(command).await
            }
            Envelope::Meter(entity) => self.to_meter[entity as usize].send(()).await,
        }
    }
}
