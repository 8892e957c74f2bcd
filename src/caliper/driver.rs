//! One round in simulated time: a Driver model plays Caliper's workers — each sleeps as its
//! rate controller says, then submits its next transaction to the ChainNode (service queue,
//! mempool, blocks, confirmations, revm) — and sees every receipt, so closed-loop controllers
//! (fixed-load, fixed-feedback-rate, maximum-rate) react to the node as Caliper's do.

use super::config::{RateControl, RoundLength};
use super::rate::MAX_ROUND_S;
use super::rate::{Controller, WorkerStats};
use super::workload::Workload;
use super::{BenchTransaction, CaliperError};
use crate::chain::Chain;
use crate::engine::seed::Stream;
use crate::engine::{Stepped, WithEnv, clock, drain, step_until_done};
use crate::ledger::{ChainNode, NodeEnv, Outcome, Receipt, Transaction};
use crate::scenario::ChainConfig;
use nexosim::model::{Context, Model, schedulable};
use nexosim::ports::{EventSource, Output, QuerySource, SinkState, event_queue};
use nexosim::simulation::{Mailbox, SimInit};
use serde::{Deserialize, Serialize};

/// Shortest time between two submissions of one worker, s: a Caliper worker's own cost of
/// sending (it yields to the event loop before each transaction). It also keeps a controller
/// that says "send at once" from sending unboundedly many in one instant.
pub const MIN_SUBMIT_GAP_S: f64 = 0.001;
/// How far the round is stepped between checks for its end, s of simulated time.
const STEP_S: f64 = 1.0;
/// Room in the mailboxes: every receipt of one interval-mined block can arrive at once.
const MAILBOX_CAPACITY: usize = 1 << 14;

/// One simulated Caliper worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Worker {
    /// When it starts, s since the round's start.
    start_s: f64,
    controller: Controller,
    stats: WorkerStats,
    /// Whether it will still send.
    sending: bool,
}

/// The workers of a round, driving the chain node.
#[derive(Serialize, Deserialize)]
pub(super) struct Driver {
    /// Transactions to the chain node.
    pub to_chain: Output<Transaction>,
    workers: Vec<Worker>,
    length: RoundLength,
    /// The worker of each transaction id (ids count from 0 in submission order).
    owners: Vec<u32>,
    /// Most transactions the round may send: every one is kept for the report.
    max_transactions: u64,
    /// Whether a worker was due to send past `max_transactions`.
    over_limit: bool,
}

/// The driver's non-serialisable state: what the workload sends.
pub(super) struct DriverEnv {
    workload: Workload,
}

#[Model(type Env = DriverEnv)]
impl Driver {
    /// Workers started one after the other over one sending interval (Caliper's workers are
    /// separate processes that never start in the same instant): the sum of the workers'
    /// streams is then evenly spaced, as the configured rate is.
    fn new(
        control: &RateControl,
        workers: u32,
        length: RoundLength,
        max_transactions: u64,
    ) -> Self {
        let spacing_s = 1.0 / control.initial_tps();
        Driver {
            to_chain: Output::default(),
            workers: (0..workers)
                .map(|w| Worker {
                    start_s: f64::from(w) * spacing_s,
                    controller: Controller::new(control, workers, length),
                    stats: WorkerStats::default(),
                    sending: true,
                })
                .collect(),
            length,
            owners: Vec::new(),
            max_transactions,
            over_limit: false,
        }
    }

    /// The round starts now [input port].
    pub(super) async fn start(&mut self, _: (), cx: &Context<Self>, env: &mut DriverEnv) {
        let now_s = clock::seconds(cx.time());
        for w in 0..self.workers.len() {
            let worker = &mut self.workers[w];
            let at_s = worker.start_s + worker.controller.delay_s(0.0, &worker.stats);
            if at_s <= now_s {
                self.submit(w, cx, env).await;
            } else {
                Self::wake_at(w, at_s, now_s, cx);
            }
        }
    }

    /// Worker `w`'s next transaction is due [private input port].
    #[nexosim(schedulable)]
    async fn wake(&mut self, w: usize, cx: &Context<Self>, env: &mut DriverEnv) {
        self.submit(w, cx, env).await;
    }

    /// A transaction finished [input port].
    pub(super) async fn receipt(&mut self, receipt: Receipt) {
        let owner = self.owners[receipt.id as usize] as usize;
        let success = !matches!(receipt.outcome, Outcome::Reverted(_));
        let latency_s = receipt.confirmed_at_s - receipt.submitted_at_s;
        self.workers[owner].stats.finish(success, latency_s);
    }

    /// Whether every worker has sent all it will and every transaction has finished [query].
    pub(super) async fn finished(&mut self, _: ()) -> bool {
        self.workers
            .iter()
            .all(|w| !w.sending && w.stats.unfinished() == 0)
    }

    /// Whether a worker was due to send past the round's limit [query].
    pub(super) async fn over_limit(&mut self, _: ()) -> bool {
        self.over_limit
    }

    /// The worker of each transaction, by id [query].
    pub(super) async fn owners(&mut self, _: ()) -> Vec<u32> {
        self.owners.clone()
    }

    /// Worker `w` submits its next transaction now, then plans the one after.
    async fn submit(&mut self, w: usize, cx: &Context<Self>, env: &mut DriverEnv) {
        let id = self.owners.len() as u64;
        if id >= self.max_transactions {
            // At the limit every worker stops; `run_round` reports the round as too long.
            for worker in &mut self.workers {
                worker.sending = false;
            }
            self.over_limit = true;
            return;
        }
        self.owners.push(w as u32);
        self.workers[w].stats.submitted += 1;
        let call = env.workload.call(id);
        self.to_chain.send(Transaction { id, call }).await;

        let now_s = clock::seconds(cx.time());
        let worker = &mut self.workers[w];
        let elapsed_s = now_s - worker.start_s;
        let delay_s = worker
            .controller
            .delay_s(elapsed_s, &worker.stats)
            .max(MIN_SUBMIT_GAP_S);
        let more = match self.length {
            RoundLength::TransactionsPerWorker(n) => worker.stats.submitted < n,
            RoundLength::DurationS(d) => elapsed_s + delay_s < d,
        };
        if more {
            Self::wake_at(w, now_s + delay_s, now_s, cx);
        } else {
            worker.sending = false;
        }
    }

    /// Schedules worker `w`'s next submission at `at_s` (now is `now_s`).
    fn wake_at(w: usize, at_s: f64, now_s: f64, cx: &Context<Self>) {
        let after = clock::delay(at_s - now_s).unwrap_or(std::time::Duration::from_nanos(1));
        cx.schedule_event(after, schedulable!(Self::wake), w)
            .expect("a positive delay is in the future");
    }
}

/// What a round needs to run.
pub(super) struct RoundSetup<'a> {
    /// The round's index in the configuration.
    pub index: usize,
    /// The round's label.
    pub label: &'a str,
    /// How the workers send.
    pub control: &'a RateControl,
    /// Number of workers.
    pub workers: u32,
    /// When they stop.
    pub length: RoundLength,
    /// The chain node's configuration.
    pub chain_config: &'a ChainConfig,
    /// The node's random stream (service times, block intervals).
    pub rng: Stream,
    /// Most transactions the round may send: what is left of the benchmark's `limit`.
    pub max_transactions: u64,
    /// Most transactions the benchmark may send in all.
    pub limit: u64,
}

/// Runs one round on `chain` (already prepared for `workload`): every transaction's record,
/// with times in simulated seconds since the round's start.
pub(super) fn run_round(
    setup: RoundSetup<'_>,
    workload: Workload,
    chain: Chain,
) -> Result<Vec<BenchTransaction>, CaliperError> {
    let engine = |e: &dyn std::fmt::Display| CaliperError::Engine(e.to_string());
    let chain_box = Mailbox::with_capacity(MAILBOX_CAPACITY);
    let driver_box = Mailbox::with_capacity(MAILBOX_CAPACITY);
    let mut node = ChainNode::new(setup.chain_config, None, setup.rng);
    let mut driver = Driver::new(
        setup.control,
        setup.workers,
        setup.length,
        setup.max_transactions,
    );
    let (receipt_writer, mut receipts) = event_queue(SinkState::Enabled);
    driver.to_chain.connect(ChainNode::submit, &chain_box);
    node.receipt.connect(Driver::receipt, &driver_box);
    node.receipt.connect_sink(receipt_writer);

    let mut bench = SimInit::with_num_threads(1);
    let start = EventSource::new()
        .connect(Driver::start, &driver_box)
        .register(&mut bench);
    let finished = QuerySource::new()
        .connect(Driver::finished, &driver_box)
        .register(&mut bench);
    let owners = QuerySource::new()
        .connect(Driver::owners, &driver_box)
        .register(&mut bench);
    let over_limit = QuerySource::new()
        .connect(Driver::over_limit, &driver_box)
        .register(&mut bench);
    let mut simulation = bench
        .add_model(WithEnv(node, NodeEnv::new(chain)), chain_box, "chain")
        .add_model(
            WithEnv(driver, DriverEnv { workload }),
            driver_box,
            "driver",
        )
        .init(clock::at(0.0))
        .map_err(|e| engine(&e))?;
    simulation
        .process_event(&start, ())
        .map_err(|e| engine(&e))?;
    let stepped = step_until_done(
        &mut simulation,
        &finished,
        0.0,
        STEP_S,
        f64::NEG_INFINITY,
        MAX_ROUND_S + STEP_S,
    )
    .map_err(|e| engine(&e))?;
    if let Stepped::Limit(_) = stepped {
        return Err(CaliperError::Engine(format!(
            "round `{}` did not finish within {MAX_ROUND_S} s of simulated time",
            setup.label
        )));
    }
    let owners = simulation
        .process_query(&owners, ())
        .map_err(|e| engine(&e))?;
    if simulation
        .process_query(&over_limit, ())
        .map_err(|e| engine(&e))?
    {
        return Err(CaliperError::TooManyTransactions {
            round: setup.label.to_string(),
            limit: setup.limit,
        });
    }
    let mut records: Vec<BenchTransaction> = drain(&mut receipts)
        .iter()
        .map(|receipt| BenchTransaction {
            round_index: setup.index,
            round: setup.label.to_string(),
            worker: owners[receipt.id as usize],
            record: receipt.into(),
        })
        .collect();
    records.sort_by_key(|r| r.record.tx_id);
    Ok(records)
}
