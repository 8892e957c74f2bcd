//! Optimiser: runs the restoration optimiser (`crate::optimise`) on an island's data. The
//! allocation is computed at once; its answer leaves after the scenario's optimiser-time model —
//! a modelled duration, or the solve's measured wall-clock time (not reproducible, and reported
//! as such).

use super::clock;
use super::messages::{OptimiseRequest, OptimiseResponse};
use super::seed::Stream;
use crate::optimise;
use crate::scenario::OptimiserTime;
use nexosim::model::{Context, Model, schedulable};
use nexosim::ports::Output;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// The optimiser service of the operator.
#[derive(Serialize, Deserialize)]
pub struct Optimiser {
    /// Allocations, to the restoration coordinator.
    pub response: Output<OptimiseResponse>,
    duration: OptimiserTime,
    rng: Stream,
}

#[Model]
impl Optimiser {
    /// An optimiser whose simulated duration follows `duration`.
    pub fn new(duration: OptimiserTime, rng: Stream) -> Self {
        Optimiser {
            response: Output::default(),
            duration,
            rng,
        }
    }

    /// Solves an island's allocation problem [input port].
    pub async fn solve(&mut self, request: OptimiseRequest, cx: &Context<Self>) {
        let started = Instant::now();
        let result = optimise::solve(&request.problem, &request.settings).map_err(|e| e.to_string());
        let wall_clock_us = started.elapsed().as_micros() as u64;
        let duration_s = match &self.duration {
            OptimiserTime::Modelled(d) => d.sample(&mut self.rng),
            OptimiserTime::Measured => wall_clock_us as f64 * 1e-6,
        };
        let response = OptimiseResponse {
            island: request.island,
            result,
            duration_s,
            wall_clock_us,
        };
        match clock::delay(duration_s) {
            None => self.respond(response).await,
            Some(after) => cx
                .schedule_event(after, schedulable!(Self::respond), response)
                .expect("a positive delay is in the future"),
        }
    }

    /// Sends the answer [private input port].
    #[nexosim(schedulable)]
    async fn respond(&mut self, response: OptimiseResponse) {
        self.response.send(response).await;
    }
}
