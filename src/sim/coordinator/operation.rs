//! The island operated interval by interval once restored, until the grid takes it back
//! (docs/model.md §9). The restoration story ends with its first allocation delivered and
//! settled; from the next interval on, every interval's readings make one round:
//!
//! 1. the island's readings of interval k, as they arrive, are put on chain in one batch
//!    (`postReadings`) once all are in, or at the reading deadline (the network's last retry)
//!    with those that came;
//! 2. the allocation delivered in interval k is checked against them: a prosumer that exported
//!    its set-point (or offered it and the island curtailed it) is settled on chain if its
//!    reading on chain shows the promised export, and is counted curtailed otherwise; one that
//!    did not sits out the next [`REJOIN_AFTER_INTERVALS`] intervals' allocations — its
//!    baseline export is still counted, no extra is asked of it — and may rejoin after;
//! 3. the optimiser allocates interval k + 2 from the readings of k (a consumer is planned at
//!    its last measured demand — its consumption over the seconds it was supplied, scaled to a
//!    whole interval — times its registered load shape from then to k + 2, and never below its
//!    reading on chain, so a consumer kept dark or whose reading is lost is planned all the
//!    same; a prosumer, DER or bank whose reading is lost is left out: no supply is counted
//!    from it and its set-point is kept); the allocation is recorded on chain
//!    (`recordAllocation`, base k, delivery k + 2), and the relays and set-points that change
//!    are commanded to take effect at the start of interval k + 2 — or at once when step 2
//!    found a prosumer that did not deliver (eq. 14's re-allocation).
//!
//! A round whose allocation the optimiser cannot make or the contract rejects leaves the
//! allocation in force as it is. Rounds of one island run one at a time, in interval order.

use super::{Coordinator, Pending, Share, Stage, baseline_of_reading};
use crate::chain::{self, share_wh, wh};
use crate::engine::clock;
use crate::ledger::{Call, Outcome, Receipt};
use crate::optimise::Settings;
use crate::sim::log::EventKind;
use crate::sim::messages::{EntityIndex, OptimiseRequest, OptimiseResponse, Reading, RelayAction};
use nexosim::model::{Context, schedulable};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// How many intervals a prosumer that did not deliver sits out (keeps its baseline, is asked
/// for no extra) before it is allocated extra again.
pub(crate) const REJOIN_AFTER_INTERVALS: u64 = 4;

/// The most readings one batch transaction carries: at under 50k gas a reading, a batch stays
/// well inside the 2^24 gas a transaction may use (EIP-7825) and a 30M-gas block; a larger
/// island posts an interval's readings in several batches.
pub(crate) const READINGS_PER_BATCH: usize = 200;

/// What an operating round's transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum OperationTx {
    /// The interval's readings.
    Batch,
    /// The allocation.
    Record,
    /// The settlement of an interval's allocation.
    Settle,
}

/// An interval's readings as they arrive, by position among the island's entities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Arrival {
    slots: Vec<Option<Reading>>,
    /// How many slots are filled.
    received: usize,
}

/// An allocation recorded for an interval, as its delivery will be checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Recorded {
    /// The allocation as recorded on chain (what settling it passes back); `None` when there
    /// was nothing to record.
    shares: Option<chain::RecordedShares>,
    /// Prosumers owed a settlement, with the export they promised, kWh and whole Wh.
    owed: Vec<(EntityIndex, f64, u64)>,
}

/// An interval an operating round allocated, with the allocation's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct PlannedInterval {
    /// The interval allocated (the delivery interval).
    pub interval: u64,
    /// The island's deficit the allocation covers, kWh (negative: a surplus).
    pub deficit_kwh: f64,
    /// The allocation's cost, INR.
    pub cost_inr: f64,
}

/// The round in flight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Round {
    base_interval: u64,
    /// The allocation's deficit and cost, kWh and INR.
    deficit_kwh: f64,
    cost_inr: f64,
    /// Whether its commands act at once (a prosumer did not deliver) or at the start of the
    /// interval planned.
    at_once: bool,
    /// The readings it planned on, by entity.
    readings: Vec<Reading>,
    shares: Vec<Share>,
    /// The allocation as submitted to the chain (what settling it passes back); `None` when
    /// there is nothing to record.
    recorded: Option<chain::RecordedShares>,
    served: Vec<EntityIndex>,
    shed: Vec<EntityIndex>,
}

/// An island's operation (module docs) and its counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Operation {
    /// Whether it has begun (the restoration story is over).
    pub started: bool,
    /// The first interval whose readings it uses.
    first_interval: u64,
    /// Each entity's position among the island's entities.
    positions: BTreeMap<EntityIndex, usize>,
    /// Readings received per interval.
    arriving: BTreeMap<u64, Arrival>,
    /// The last interval whose readings were handed to a round: a reading of it or of an
    /// earlier one arrives too late and is not used.
    ready_until: Option<u64>,
    /// Intervals whose readings are in (or past their deadline), waiting for a round.
    ready: VecDeque<(u64, Arrival)>,
    in_flight: Option<Round>,
    /// Allocations recorded, by delivery interval.
    recorded: BTreeMap<u64, Recorded>,
    /// Prosumers sitting out, with the first interval they may be allocated again.
    excluded_until: BTreeMap<EntityIndex, u64>,
    /// Each consumer's last measured demand: the interval, and its consumption over the whole
    /// interval at the rate measured while it was supplied, kWh.
    demand_kwh: BTreeMap<EntityIndex, (u64, f64)>,
    /// The intervals allocated and recorded, in order.
    pub planned: Vec<PlannedInterval>,
    /// Rounds that allocated.
    pub rounds: u32,
    /// Rounds the optimiser could not allocate or the contract rejected.
    pub rejected_rounds: u32,
    /// Prosumers' deliveries settled on chain.
    pub settled: u32,
    /// Settlement transactions submitted: one per interval in which someone delivered.
    pub settlements: u32,
    /// What those settlements credited, INR.
    pub rewards_inr: f64,
    /// Prosumers' deliveries curtailed by the island (offered, not taken, not paid).
    pub curtailed: u32,
    /// Prosumers' deliveries that fell short (not paid; the prosumer sits out).
    pub not_delivered: u32,
}

impl Coordinator {
    /// Island `i`'s restoration story is over at `now_s`: its operation begins with the
    /// interval after the last one the story checked.
    pub(super) fn begin_operation(&mut self, i: usize, now_s: f64) {
        let interval = (now_s / self.config.interval_s()).floor() as u64;
        let island = &mut self.islands[i];
        let operation = &mut island.operation;
        operation.started = true;
        operation.first_interval = interval.max(island.delivery_interval + 1);
        operation.positions = island
            .entities
            .iter()
            .enumerate()
            .map(|(p, &e)| (e, p))
            .collect();
        for r in &island.base_readings {
            if let Some(demand) = measured_demand(r, self.config.interval_s()) {
                operation.demand_kwh.insert(r.entity, demand);
            }
        }
    }

    /// A periodic reading for island `i`'s operation.
    pub(super) async fn operate_on_reading(
        &mut self,
        i: usize,
        reading: Reading,
        cx: &Context<Self>,
    ) {
        let island = &mut self.islands[i];
        let k = reading.interval;
        if !island.operation.started
            || reading.requested
            || k < island.operation.first_interval
            || island.operation.ready_until.is_some_and(|until| k <= until)
            || island.reconnected.iter().any(|(e, _)| *e == reading.entity)
        {
            return;
        }
        let Some(&position) = island.operation.positions.get(&reading.entity) else {
            return;
        };
        let n = island.entities.len();
        let expected = n - island.reconnected.len();
        let first = !island.operation.arriving.contains_key(&k);
        let arrival = island
            .operation
            .arriving
            .entry(k)
            .or_insert_with(|| Arrival {
                slots: vec![None; n],
                received: 0,
            });
        if arrival.slots[position].replace(reading).is_none() {
            arrival.received += 1;
        }
        if arrival.received >= expected {
            self.interval_ready(i, k).await;
        } else if first && let Some(after) = clock::delay(self.config.reading_deadline_s) {
            cx.schedule_event(after, schedulable!(Self::reading_deadline), (i, k))
                .expect("a positive delay is in the future");
        }
    }

    /// The deadline for island `i`'s readings of interval `k` has passed.
    pub(super) async fn deadline_passed(&mut self, i: usize, k: u64) {
        if self.islands[i].operation.arriving.contains_key(&k) {
            self.interval_ready(i, k).await;
        }
    }

    /// Interval `k`'s readings are in (or past their deadline): its round, and that of any
    /// earlier interval still waiting for a reading, are queued in interval order.
    async fn interval_ready(&mut self, i: usize, k: u64) {
        let operation = &mut self.islands[i].operation;
        if !operation.arriving.contains_key(&k) {
            return;
        }
        let later = operation.arriving.split_off(&(k + 1));
        let due = std::mem::replace(&mut operation.arriving, later);
        operation.ready.extend(due);
        operation.ready_until = Some(k);
        if operation.in_flight.is_none() {
            self.next_round(i).await;
        }
    }

    /// Starts island `i`'s next round, if one is waiting and the island is still cut off.
    async fn next_round(&mut self, i: usize) {
        let island = &self.islands[i];
        if island.reconnected.len() == island.entities.len()
            || matches!(island.stage, Stage::Failed(_))
        {
            return;
        }
        let Some((k, arrival)) = self.islands[i].operation.ready.pop_front() else {
            return;
        };
        let readings: Vec<Reading> = arrival.slots.into_iter().flatten().collect();
        for r in &readings {
            if self.config.entities.get(r.entity).is_consumer()
                && let Some(demand) = measured_demand(r, self.config.interval_s())
            {
                self.islands[i]
                    .operation
                    .demand_kwh
                    .insert(r.entity, demand);
            }
        }
        // 1. The interval's readings on chain, in one batch by ascending registry id.
        let mut batch: Vec<(crate::chain::EntityId, crate::chain::Reading)> = readings
            .iter()
            .map(|r| (self.config.entities.chain_id(r.entity), super::on_chain(r)))
            .collect();
        batch.sort_by_key(|(id, _)| *id);
        for readings in batch.chunks(READINGS_PER_BATCH) {
            let call = Call::PostReadings {
                collector: crate::chain::Accounts::collector(),
                interval: k,
                readings: readings.to_vec(),
            };
            self.submit_operation(i, call, OperationTx::Batch).await;
        }
        // 2. The allocation delivered in k, checked.
        let at_once = self.check_delivery(i, k, &readings).await;
        // 3. The allocation for k + 2.
        let island = &mut self.islands[i];
        island
            .operation
            .excluded_until
            .retain(|_, until| *until > k + 2);
        let planned: Vec<(Reading, bool)> = self.planning_readings(i, &readings);
        let mut problem = self.problem_from(&planned, &|r| self.forecast_demand_kwh(i, r, k + 2));
        // A prosumer sitting out keeps its baseline export and is asked for nothing more: no
        // share of its own load to shed, and of its battery only what the baseline uses.
        let sitting_out = &self.islands[i].operation.excluded_until;
        for p in &mut problem.prosumers {
            let e = self
                .config
                .entities
                .index_of(&p.id)
                .expect("the problem's ids are entities");
            if sitting_out.contains_key(&e) {
                p.alpha_max = 0.0;
                p.alpha_min = 0.0;
                p.battery_kwh = p
                    .battery_kwh
                    .min((p.export_prev_kwh + p.consumption_kwh - p.generation_kwh).max(0.0));
            }
        }
        let settings = Settings {
            exclude: Vec::new(),
            ..Settings::from_scenario(&self.config.scenario)
        };
        self.islands[i].operation.in_flight = Some(Round {
            base_interval: k,
            deficit_kwh: 0.0,
            cost_inr: 0.0,
            at_once,
            readings,
            shares: Vec::new(),
            recorded: None,
            served: Vec::new(),
            shed: Vec::new(),
        });
        self.to_optimiser
            .send(OptimiseRequest {
                island: i,
                problem,
                settings,
            })
            .await;
    }

    /// The demand island `i`'s operation plans for consumer `r.entity` in interval `target`:
    /// its last measured demand (the rate measured while supplied, over a whole interval)
    /// scaled by its registered load shape from that interval to `target`; its reading's
    /// consumption when it has never been measured supplied.
    fn forecast_demand_kwh(&self, i: usize, r: &Reading, target: u64) -> f64 {
        let Some(&(measured_in, demand_kwh)) = self.islands[i].operation.demand_kwh.get(&r.entity)
        else {
            return r.consumption_kwh;
        };
        let ratio = self
            .config
            .load_shapes
            .as_ref()
            .and_then(|shapes| shapes.consumption_ratio(r.entity, measured_in, target))
            .unwrap_or(1.0);
        demand_kwh * ratio
    }

    /// The readings a round plans on: every reading received, and for each consumer of the
    /// island without one, its last reading (not on chain).
    fn planning_readings(&self, i: usize, readings: &[Reading]) -> Vec<(Reading, bool)> {
        let island = &self.islands[i];
        let mut planned: Vec<(Reading, bool)> =
            readings.iter().map(|r| (r.clone(), true)).collect();
        let read: BTreeSet<EntityIndex> = readings.iter().map(|r| r.entity).collect();
        for &e in &island.entities {
            if self.config.entities.get(e).is_consumer()
                && !read.contains(&e)
                && !island.reconnected.iter().any(|(r, _)| *r == e)
                && let Some(last) = &self.latest[e as usize]
            {
                planned.push((last.clone(), false));
            }
        }
        planned
    }

    /// Checks the allocation delivered in interval `k` against its readings and settles those
    /// who delivered; returns whether someone did not.
    async fn check_delivery(&mut self, i: usize, k: u64, readings: &[Reading]) -> bool {
        let Some(recorded) = self.islands[i].operation.recorded.remove(&k) else {
            return false;
        };
        let mut short = false;
        let mut delivered = false;
        for (e, promised_kwh, promised_wh) in recorded.owed {
            // Without its reading the delivery cannot be checked: not paid, not excluded.
            let Some(r) = readings.iter().find(|r| r.entity == e) else {
                continue;
            };
            if r.export_kwh + r.curtailed_export_kwh + 1e-6 < promised_kwh {
                short = true;
                let operation = &mut self.islands[i].operation;
                operation.not_delivered += 1;
                operation
                    .excluded_until
                    .insert(e, k + 2 + REJOIN_AFTER_INTERVALS);
            } else if wh(r.export_kwh) >= promised_wh {
                // A share whose reward the eq. 5 budget cut to nothing has nothing to pay.
                let id = self.config.entities.chain_id(e);
                delivered |= recorded.shares.as_ref().is_some_and(|s| s.rewards(id));
            } else {
                self.islands[i].operation.curtailed += 1;
            }
        }
        if let Some(shares) = recorded.shares.filter(|_| delivered) {
            // One transaction pays every prosumer with a reward whose reading on chain shows
            // its delivery.
            self.islands[i].operation.settlements += 1;
            let call = Call::Settle(shares);
            self.submit_operation(i, call, OperationTx::Settle).await;
        }
        short
    }

    /// The optimiser answers an operating round of island `i`.
    pub(super) async fn operation_optimised(
        &mut self,
        response: OptimiseResponse,
        cx: &Context<Self>,
    ) {
        let now_s = clock::seconds(cx.time());
        let i = response.island;
        self.islands[i].solve_wall_clock_us += response.wall_clock_us;
        let allocation = match response.result {
            Ok(allocation) => allocation,
            Err(error) => {
                let reason = error.to_string();
                self.log_event(|c| c.event(i, now_s, EventKind::OptimisationFailed, reason))
                    .await;
                self.round_over(i, false);
                self.next_round_later(i).await;
                return;
            }
        };
        let (shares, served, shed) = self.split(i, &allocation);
        self.islands[i].deficit_kwh = allocation.deficit_kwh;
        let operation = &self.islands[i].operation;
        let round_number = operation.rounds + 1;
        let k = operation
            .in_flight
            .as_ref()
            .expect("an operating round is in flight")
            .base_interval;
        let on_chain = self.chain_allocation(
            i,
            operation_outage_id(i, round_number),
            (k, k + 2),
            &served,
            &shares,
        );
        let nothing_to_record = on_chain.nothing_to_record().is_some();
        let recorded = (!nothing_to_record).then(|| on_chain.recorded_shares());
        let call = Call::RecordAllocation(on_chain);
        let operation = &mut self.islands[i].operation;
        operation.rounds = round_number;
        let round = operation
            .in_flight
            .as_mut()
            .expect("an operating round is in flight");
        round.shares = shares;
        round.recorded = recorded;
        round.served = served;
        round.shed = shed;
        round.deficit_kwh = allocation.deficit_kwh;
        round.cost_inr = allocation.cost_inr;
        self.log_event(|c| {
            let names: Vec<String> = allocation.shed.clone();
            let detail = format!(
                "interval {} planned on the readings of {k}: deficit {:.3} kWh, cost {:.2} INR, \
                 {} shed{}",
                k + 2,
                allocation.deficit_kwh,
                allocation.cost_inr,
                names.len(),
                if names.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", names.join(", "))
                }
            );
            c.event(i, now_s, EventKind::Optimised, detail)
                .entities(names)
                .deficit_kwh(allocation.deficit_kwh)
                .amount_inr(allocation.cost_inr)
        })
        .await;
        if nothing_to_record {
            // The contract has nothing to check or pay, and shedding needs no approval.
            self.allocation_recorded(i, now_s).await;
            self.round_over(i, true);
            self.next_round_later(i).await;
            return;
        }
        self.submit_operation(i, call, OperationTx::Record).await;
    }

    /// A receipt for one of island `i`'s operating transactions.
    pub(super) async fn operation_receipt(
        &mut self,
        i: usize,
        tx: OperationTx,
        receipt: Receipt,
        cx: &Context<Self>,
    ) {
        let now_s = clock::seconds(cx.time());
        match (tx, receipt.outcome) {
            (OperationTx::Settle, Outcome::Settled(settlement)) => {
                self.islands[i].operation.settled += settlement.paid.len() as u32;
                let inr = settlement.paid_paise() as f64 / 100.0;
                self.islands[i].rewards_paid_inr += inr;
                self.islands[i].operation.rewards_inr += inr;
            }
            (OperationTx::Record, Outcome::Allocation(_)) => {
                self.allocation_recorded(i, now_s).await;
                self.round_over(i, true);
                self.next_round_later(i).await;
            }
            (OperationTx::Record, _) => {
                self.round_over(i, false);
                self.next_round_later(i).await;
            }
            _ => {}
        }
    }

    /// The round's allocation is on chain: the relays and set-points that change are
    /// commanded.
    async fn allocation_recorded(&mut self, i: usize, now_s: f64) {
        let interval_s = self.config.interval_s();
        let round = self.islands[i]
            .operation
            .in_flight
            .clone()
            .expect("an operating round is in flight");
        let k = round.base_interval;
        let reading_of = |e: EntityIndex| round.readings.iter().find(|r| r.entity == e);
        let mut commands = self.prosumer_actions(i, &round.shares, &|e| {
            reading_of(e).map_or(0.0, baseline_of_reading)
        });
        let commanded = &self.islands[i].commanded;
        commands.extend(
            round
                .served
                .iter()
                .filter(|e| !commanded.closed.contains(e))
                .map(|&e| (e, RelayAction::Close)),
        );
        commands.extend(
            round
                .shed
                .iter()
                .filter(|e| commanded.closed.contains(e))
                .map(|&e| (e, RelayAction::Open)),
        );
        let owed = round
            .shares
            .iter()
            .filter(|s| s.is_owed())
            .filter_map(|s| {
                let r = reading_of(s.entity)?;
                let baseline_kwh = baseline_of_reading(r);
                let promised_wh = wh(r.export_kwh) + share_wh(s.delta_kwh);
                Some((s.entity, baseline_kwh + s.delta_kwh, promised_wh))
            })
            .collect();
        let operation = &mut self.islands[i].operation;
        operation.planned.push(PlannedInterval {
            interval: k + 2,
            deficit_kwh: round.deficit_kwh,
            cost_inr: round.cost_inr,
        });
        let shares = round.recorded.clone();
        operation.recorded.insert(k + 2, Recorded { shares, owed });
        let effective_at_s = if round.at_once {
            now_s
        } else {
            (k + 2) as f64 * interval_s
        };
        if !commands.is_empty() {
            self.log_event(|c| {
                let detail = format!(
                    "interval {}: {} served, {} shed, {} relays commanded",
                    k + 2,
                    round.served.len(),
                    round.shed.len(),
                    commands.len()
                );
                c.event(i, now_s, EventKind::RelaysCommanded, detail)
            })
            .await;
        }
        let number = self.islands[i].rounds + self.islands[i].operation.rounds;
        self.send_commands(i, number, commands, effective_at_s)
            .await;
    }

    /// Island `i`'s round is over (`allocated` or not).
    fn round_over(&mut self, i: usize, allocated: bool) {
        let operation = &mut self.islands[i].operation;
        if !allocated {
            operation.rejected_rounds += 1;
        }
        operation.in_flight = None;
    }

    /// Starts the next waiting round of island `i`, if any.
    async fn next_round_later(&mut self, i: usize) {
        if self.islands[i].operation.in_flight.is_none() {
            Box::pin(self.next_round(i)).await;
        }
    }

    async fn submit_operation(&mut self, island: usize, call: Call, tx: OperationTx) {
        let pending = Pending {
            island,
            operation: Some(tx),
        };
        self.submit_pending(call, pending).await;
    }
}

/// What a consumer's reading shows of its demand: (its interval, its consumption scaled to a
/// whole interval at the rate measured while supplied); `None` when it was never supplied in
/// the interval.
fn measured_demand(r: &Reading, interval_s: f64) -> Option<(u64, f64)> {
    (r.supplied_s > 0.0).then(|| (r.interval, r.consumption_kwh * interval_s / r.supplied_s))
}

/// The on-chain outage id of island `i`'s operating round `round`: above every id of the
/// restoration story (`(i + 1)·1000 + round`).
fn operation_outage_id(i: usize, round: u32) -> u64 {
    (1 << 40) | ((i as u64 + 1) << 20) | u64::from(round)
}

#[cfg(test)]
mod tests {
    use super::READINGS_PER_BATCH;
    use crate::chain::{Accounts, Chain, EntityKind, Reading};

    /// A full batch of the costliest readings (every term non-zero, so two storage slots each)
    /// fits a transaction's 2^24 gas with a quarter to spare.
    #[test]
    fn a_full_batch_fits_a_transaction() {
        let mut chain = Chain::deploy(Accounts::operator(), Accounts::optimiser()).unwrap();
        chain.configure_network(1, 1, 900).unwrap();
        chain.set_collector(Accounts::collector()).unwrap();
        let reading = Reading {
            generation_wh: 4_000,
            consumption_wh: 1_000,
            export_wh: 3_000,
            battery_charge_wh: 500,
            battery_discharge_wh: 200,
        };
        let batch: Vec<_> = (0..READINGS_PER_BATCH as u32)
            .map(|index| {
                let meter = Accounts::meter(index);
                let id = chain
                    .register_entity(EntityKind::Prosumer, 1, meter)
                    .unwrap()
                    .value;
                (id, reading)
            })
            .collect();
        let gas = chain
            .post_readings(Accounts::collector(), 1, &batch)
            .unwrap()
            .gas_used;
        println!("{READINGS_PER_BATCH} readings in one batch: {gas} gas");
        assert!(gas < (1 << 24) / 4 * 3, "{gas}");
    }
}
