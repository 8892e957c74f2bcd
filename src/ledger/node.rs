//! ChainNode: the blockchain node in simulated time. Transactions queue for the node's
//! processing (a single server whose service time per function comes from the scenario, so a
//! slow node saturates), wait in the mempool, are executed for real in revm in their block
//! (instant mining: one block per transaction; interval mining: a block every interval, up to
//! the gas limit), and their receipts return once confirmed.

use super::{Call, Function, Outcome, Receipt, Transaction};
use crate::chain::{Chain, ChainError};
use crate::engine::clock;
use crate::engine::seed::Stream;
use crate::scenario::{ChainConfig, Distribution, Mining, ServiceTimes};
use nexosim::model::{Context, Model, schedulable};
use nexosim::ports::Output;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Wall-clock time every chain node of the process has spent in contract calls, ns.
static CONTRACT_CALLS_NS: AtomicU64 = AtomicU64::new(0);

/// The wall-clock time every chain node of this process has spent executing contract calls so
/// far (revm, with the calls' ABI encoding and decoding), summed over threads: the floor of a
/// run's cost. A command reads it before and after its runs to say how much of its time the
/// transactions themselves took (measured, so never part of a run's results).
pub fn contract_call_time() -> Duration {
    Duration::from_nanos(CONTRACT_CALLS_NS.load(Ordering::Relaxed))
}

/// The node's non-serialisable state: the EVM and the transactions in flight.
pub struct NodeEnv {
    chain: Chain,
    /// Waiting for, or in, processing, with their submission times.
    queue: VecDeque<(Transaction, f64)>,
    /// Processed, waiting for a block: (transaction, submitted, processed).
    mempool: VecDeque<(Transaction, f64, f64)>,
    /// Included, waiting for confirmations.
    unconfirmed: Vec<Receipt>,
}

impl NodeEnv {
    /// The node's state around an already deployed `chain`.
    pub fn new(chain: Chain) -> Self {
        NodeEnv {
            chain,
            queue: VecDeque::new(),
            mempool: VecDeque::new(),
            unconfirmed: Vec::new(),
        }
    }
}

/// The chain node.
#[derive(Serialize, Deserialize)]
pub struct ChainNode {
    /// Confirmed receipts, to the submitter and the transaction log.
    pub receipt: Output<Receipt>,
    mining: Mining,
    block_interval_s: Option<Distribution>,
    gas_limit_per_block: u64,
    confirmations: u32,
    service_s: ServiceTimes,
    rng: Stream,
    busy: bool,
    block: u64,
}

/// The scenario's law of the node's processing time of one call of `function`, s.
pub fn service_time(times: &ServiceTimes, function: Function) -> &Distribution {
    match function {
        Function::FindEntities => &times.find_entities,
        Function::PowerData => &times.power_data,
        Function::PowerBalance => &times.power_balance,
        Function::TariffComputation => &times.tariff_computation,
        Function::OptimisationHandler => &times.optimisation_handler,
    }
}

/// Blocks that exist before the run (deployment and registration).
const GENESIS_BLOCKS: u64 = 1;

#[Model(type Env = NodeEnv)]
impl ChainNode {
    /// A node configured by the scenario's chain section; `block_interval_s`, when given,
    /// fixes the run's block interval.
    pub fn new(config: &ChainConfig, block_interval_s: Option<f64>, rng: Stream) -> Self {
        ChainNode {
            receipt: Output::default(),
            mining: config.mining,
            block_interval_s: block_interval_s
                .map(Distribution::fixed)
                .or_else(|| config.block_interval_s.clone()),
            gas_limit_per_block: config.gas_limit_per_block,
            confirmations: config.confirmations,
            service_s: config.service_time_s.clone(),
            rng,
            busy: false,
            block: GENESIS_BLOCKS,
        }
    }

    #[nexosim(init)]
    async fn init(&mut self, cx: &Context<Self>) {
        if self.mining == Mining::Interval {
            self.schedule_block(cx);
        }
    }

    /// A transaction arrives [input port].
    pub async fn submit(&mut self, tx: Transaction, cx: &Context<Self>, env: &mut NodeEnv) {
        env.queue.push_back((tx, clock::seconds(cx.time())));
        if !self.busy {
            self.serve_next(cx, env).await;
        }
    }

    /// Starts processing the head of the queue; transactions that take no time are processed
    /// at once.
    async fn serve_next(&mut self, cx: &Context<Self>, env: &mut NodeEnv) {
        while let Some((tx, _)) = env.queue.front() {
            let service_s = service_time(&self.service_s, tx.call.function()).sample(&mut self.rng);
            if let Some(after) = clock::delay(service_s) {
                self.busy = true;
                cx.schedule_event(after, schedulable!(Self::served), ())
                    .expect("a positive delay is in the future");
                return;
            }
            self.finish_head(cx, env).await;
        }
        self.busy = false;
    }

    /// The head of the queue is processed [private input port].
    #[nexosim(schedulable)]
    async fn served(&mut self, _: (), cx: &Context<Self>, env: &mut NodeEnv) {
        self.finish_head(cx, env).await;
        self.serve_next(cx, env).await;
    }

    async fn finish_head(&mut self, cx: &Context<Self>, env: &mut NodeEnv) {
        let (tx, submitted_at_s) = env.queue.pop_front().expect("a transaction is in service");
        let now_s = clock::seconds(cx.time());
        if tx.call.is_read() {
            let (outcome, _) =
                timed_execute(&mut env.chain, &tx.call).expect("a read takes no block space");
            let receipt = Receipt {
                id: tx.id,
                function: tx.call.function(),
                outcome,
                gas_used: 0,
                submitted_at_s,
                processed_at_s: now_s,
                included_at_s: now_s,
                confirmed_at_s: now_s,
                block: 0,
            };
            self.receipt.send(receipt).await;
            return;
        }
        env.mempool.push_back((tx, submitted_at_s, now_s));
        if self.mining == Mining::Instant {
            self.mine_block(now_s, env).await;
        }
    }

    fn schedule_block(&mut self, cx: &Context<Self>) {
        let interval = self
            .block_interval_s
            .as_ref()
            .expect("interval mining has a validated block interval");
        let after_s = interval.sample(&mut self.rng);
        // A zero draw still advances time: blocks are at least a nanosecond apart.
        let after = clock::delay(after_s).unwrap_or(std::time::Duration::from_nanos(1));
        cx.schedule_event(after, schedulable!(Self::interval_block), ())
            .expect("a positive delay is in the future");
    }

    /// The next block of interval mining is due [private input port].
    #[nexosim(schedulable)]
    async fn interval_block(&mut self, _: (), cx: &Context<Self>, env: &mut NodeEnv) {
        self.mine_block(clock::seconds(cx.time()), env).await;
        self.schedule_block(cx);
    }

    /// Makes a block of the mempool's transactions, in order, while they fit in its gas limit
    /// (the first that does not waits for the next block; one that fits in no block fails), and
    /// releases the receipts that now have their confirmations.
    async fn mine_block(&mut self, now_s: f64, env: &mut NodeEnv) {
        self.block += 1;
        let limit = self.gas_limit_per_block;
        env.chain.set_block(self.block, now_s as u64, Some(limit));
        let mut included = 0;
        while let Some((tx, submitted_at_s, processed_at_s)) = env.mempool.pop_front() {
            let (outcome, gas_used) = match timed_execute(&mut env.chain, &tx.call) {
                Some(done) => done,
                None if included == 0 => (
                    Outcome::Reverted(format!("needs more gas than a whole block holds ({limit})")),
                    0,
                ),
                None => {
                    env.mempool.push_front((tx, submitted_at_s, processed_at_s));
                    break;
                }
            };
            included += 1;
            env.unconfirmed.push(Receipt {
                id: tx.id,
                function: tx.call.function(),
                outcome,
                gas_used,
                submitted_at_s,
                processed_at_s,
                included_at_s: now_s,
                confirmed_at_s: now_s,
                block: self.block,
            });
        }
        let (tip, needed) = (self.block, self.confirmations);
        let (done, waiting): (Vec<_>, Vec<_>) = env
            .unconfirmed
            .drain(..)
            .partition(|r| confirmed(r.block, tip, needed));
        env.unconfirmed = waiting;
        for mut receipt in done {
            receipt.confirmed_at_s = now_s;
            self.receipt.send(receipt).await;
        }
    }
}

/// Whether a receipt included in `block` has `needed` confirmations once `tip` is mined: its
/// own block is the first, each block after it one more.
fn confirmed(block: u64, tip: u64, needed: u32) -> bool {
    tip.checked_sub(block)
        .is_some_and(|depth| depth.saturating_add(1) >= u64::from(needed))
}

/// [`execute`], its wall-clock time added to [`contract_call_time`].
fn timed_execute(chain: &mut Chain, call: &Call) -> Option<(Outcome, u64)> {
    let started = Instant::now();
    let result = execute(chain, call);
    let ns = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    CONTRACT_CALLS_NS.fetch_add(ns, Ordering::Relaxed);
    result
}

/// Runs `call` in the EVM: its outcome and the gas it used; `None` when it does not fit in
/// what is left of the block (and so did not run).
fn execute(chain: &mut Chain, call: &Call) -> Option<(Outcome, u64)> {
    let result = match call {
        Call::FindEntities(kind) => chain
            .entities_by_kind(*kind)
            .map(|ids| (Outcome::Entities(ids.len()), 0)),
        Call::RegisterEntity { kind, node, meter } => chain
            .register_entity(*kind, *node, *meter)
            .map(|r| (Outcome::Registered(r.value), r.gas_used)),
        Call::PostReading {
            meter,
            entity,
            interval,
            reading,
        } => chain
            .post_reading(*meter, *entity, *interval, reading)
            .map(|r| (Outcome::Done, r.gas_used)),
        Call::PostReadings {
            collector,
            interval,
            readings,
        } => chain
            .post_readings(*collector, *interval, readings)
            .map(|r| (Outcome::Done, r.gas_used)),
        Call::PowerBalance(interval) => chain
            .power_balance(*interval)
            .map(|r| (Outcome::Balance(r.value), r.gas_used)),
        Call::ComputeTariff { entity, interval } => chain
            .compute_tariff(*entity, *interval)
            .map(|r| (Outcome::TariffPaise(r.value.tariff_paise), r.gas_used)),
        Call::RecordAllocation(allocation) => {
            let optimiser = chain.optimiser();
            chain
                .record_allocation(optimiser, allocation)
                .map(|r| (Outcome::Allocation(r.value), r.gas_used))
        }
        Call::Settle(recorded) => chain
            .settle(recorded)
            .map(|r| (Outcome::Settled(r.value), r.gas_used)),
    };
    match result {
        Ok(done) => Some(done),
        Err(ChainError::BlockFull { .. }) => None,
        Err(e) => Some((Outcome::Reverted(e.to_string()), e.gas_used())),
    }
}

#[cfg(test)]
mod tests {
    use super::{Call, Function, Outcome, confirmed, contract_call_time, execute, timed_execute};
    use crate::chain::Accounts;
    use crate::entity::EntityTable;
    use crate::ledger::deploy;

    #[test]
    fn the_node_executes_a_batch_of_readings_as_powerdata() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/campus13.yaml");
        let scenario = crate::scenario::load(std::path::Path::new(path)).unwrap();
        let entities = EntityTable::new(&scenario);
        let mut chain = deploy(&scenario, &entities).unwrap().chain;
        let readings: Vec<_> = entities
            .iter()
            .map(|(index, entity)| (entities.chain_id(index), entity.nominal_reading()))
            .collect();
        let batch = |collector| Call::PostReadings {
            collector,
            interval: 1,
            readings: readings.clone(),
        };
        assert_eq!(batch(Accounts::collector()).function(), Function::PowerData);
        let before = contract_call_time();
        let (outcome, gas) = timed_execute(&mut chain, &batch(Accounts::collector())).unwrap();
        assert_eq!(outcome, Outcome::Done);
        // The call's time is counted (other tests' calls may add to it too).
        assert!(contract_call_time() > before);
        assert!(gas > 21_000, "{gas}");
        for &(id, reading) in &readings {
            assert_eq!(chain.reading(id, 1).unwrap(), reading);
        }
        // A meter is not the collector: the node records the contract's decoded reason.
        let meter = entities.meter_account(0);
        let (outcome, gas) = execute(&mut chain, &batch(meter)).unwrap();
        assert_eq!(
            outcome,
            Outcome::Reverted(format!(
                "postReadings reverted: NotCollector {{ caller: {meter:?} }}"
            ))
        );
        assert!(gas > 21_000, "a reverted batch pays its gas: {gas}");
    }

    #[test]
    fn confirmations_count_the_receipts_block_and_those_after_it() {
        assert!(confirmed(5, 5, 1));
        assert!(!confirmed(5, 5, 2));
        assert!(confirmed(5, 6, 2));
        assert!(!confirmed(5, 73, 70));
        assert!(confirmed(5, 74, 70));
        // More confirmations than blocks mined so far: not confirmed (it used to wrap).
        assert!(!confirmed(2, 2, 80));
        assert!(!confirmed(2, 1, 1));
        assert!(confirmed(0, u64::MAX, u32::MAX));
    }
}
