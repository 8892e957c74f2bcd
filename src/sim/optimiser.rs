//! Optimiser: runs the restoration optimiser (`crate::optimise`) on an island's data. The
//! allocation is computed at once; its answer leaves after the scenario's optimiser-time model —
//! a modelled duration, or the solve's measured wall-clock time (not reproducible, and reported
//! as such).

use super::messages::{OptimiseRequest, OptimiseResponse};
use crate::engine::clock;
use crate::engine::seed::Stream;
use crate::optimise;
use crate::scenario::OptimiserTime;
use nexosim::model::{Context, Model, schedulable};
use nexosim::ports::Output;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Instant;

/// The optimiser service of the operator.
#[derive(Serialize, Deserialize)]
pub(super) struct Optimiser {
    /// Allocations, to the restoration coordinator.
    pub response: Output<OptimiseResponse>,
    duration: OptimiserTime,
    rng: Stream,
    next_answer: u64,
}

/// Answers computed but not yet due, by number (kept out of the serialisable state).
pub(super) type Answers = BTreeMap<u64, OptimiseResponse>;

#[Model(type Env = Answers)]
impl Optimiser {
    /// An optimiser whose simulated duration follows `duration`.
    pub(super) fn new(duration: OptimiserTime, rng: Stream) -> Self {
        Optimiser {
            response: Output::default(),
            duration,
            rng,
            next_answer: 0,
        }
    }

    /// Solves an island's allocation problem [input port].
    pub(super) async fn solve(
        &mut self,
        request: OptimiseRequest,
        cx: &Context<Self>,
        answers: &mut Answers,
    ) {
        let started = Instant::now();
        let result = optimise::solve(&request.problem, &request.settings);
        let wall_clock_us = started.elapsed().as_micros() as u64;
        let duration_s = match &self.duration {
            OptimiserTime::Modelled(d) => d.sample(&mut self.rng),
            OptimiserTime::Measured => wall_clock_us as f64 * 1e-6,
        };
        let response = OptimiseResponse {
            island: request.island,
            result,
            wall_clock_us,
        };
        let number = self.next_answer;
        self.next_answer += 1;
        answers.insert(number, response);
        match clock::delay(duration_s) {
            None => self.respond(number, cx, answers).await,
            Some(after) => cx
                .schedule_event(after, schedulable!(Self::respond), number)
                .expect("a positive delay is in the future"),
        }
    }

    /// Sends answer `number` [private input port].
    #[nexosim(schedulable)]
    async fn respond(&mut self, number: u64, _: &Context<Self>, answers: &mut Answers) {
        let response = answers.remove(&number).expect("each answer is sent once");
        self.response.send(response).await;
    }
}
