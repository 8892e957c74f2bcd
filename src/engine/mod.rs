//! The glue between blackstart's models and the nexosim discrete-event engine, shared by the
//! outage simulation ([`crate::sim`]) and the Caliper-style benchmark ([`crate::caliper`]):
//! simulated time at the engine's edge ([`clock`]), the seeded random streams every model draws
//! from ([`seed`]), models whose environment is built outside the engine ([`WithEnv`]), draining
//! event queues, and the loop that steps a simulation until its models say they are done.

pub mod clock;
pub mod seed;

use nexosim::model::{BuildContext, Model, ProtoModel};
use nexosim::ports::{EventQueueReader, EventSinkReader};
use nexosim::simulation::{ExecutionError, QueryId, Simulation};

/// A model together with its environment (for models whose environment has no default).
pub struct WithEnv<M: Model>(pub M, pub M::Env);

impl<M: Model> ProtoModel for WithEnv<M> {
    type Model = M;

    fn build(self, _: &mut BuildContext<Self>) -> (M, M::Env) {
        (self.0, self.1)
    }
}

/// Everything an event queue holds, in the order it was sent.
pub fn drain<T: Send + 'static>(reader: &mut EventQueueReader<T>) -> Vec<T> {
    std::iter::from_fn(|| reader.try_read()).collect()
}

/// How [`step_until_done`] stopped.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stepped {
    /// The models said they were done at this time, s.
    Done(f64),
    /// The time limit was reached first, at this time, s.
    Limit(f64),
}

impl Stepped {
    /// The simulated time the simulation stopped at, s.
    pub fn at_s(self) -> f64 {
        match self {
            Stepped::Done(t_s) | Stepped::Limit(t_s) => t_s,
        }
    }
}

/// Steps `simulation` forward `step_s` at a time from `from_s`, asking the `done` query after
/// each step, until it answers `true` at a time strictly after `not_before_s`, or until
/// `limit_s` (the last step is shortened to end there). Between two steps nothing happens that
/// the caller could observe, so a coarser step only costs queries, never results.
pub fn step_until_done(
    simulation: &mut Simulation,
    done: &QueryId<(), bool>,
    from_s: f64,
    step_s: f64,
    not_before_s: f64,
    limit_s: f64,
) -> Result<Stepped, ExecutionError> {
    let mut now_s = from_s;
    loop {
        now_s = (now_s + step_s).min(limit_s);
        simulation.step_until(clock::at(now_s))?;
        let is_done = simulation.process_query(done, ())?;
        if now_s > not_before_s && is_done {
            return Ok(Stepped::Done(now_s));
        }
        if now_s >= limit_s {
            return Ok(Stepped::Limit(now_s));
        }
    }
}
