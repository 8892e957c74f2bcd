//! The islands of a run through time (docs/model.md §9): each island's members with their
//! physical state — batteries' state of charge, consumers' relays, prosumers' export set-points
//! — advanced in time and settled by [`super::settle`] over every stretch in which nothing
//! changed, so that an interval in which a relay switches, a prosumer's set-point changes or a
//! member leaves is settled exactly, stretch by stretch.
//!
//! [`Islands`] is the plant of one run: it forms islands when faults cut entities off, moves
//! members (with their state) when a later fault splits an island, applies the controller's
//! actuations at the instants the relays carry them out, lets members go when the grid takes
//! them back, and keeps every island's [`IntervalRecord`] — the truth the meters read and the
//! `intervals` table reports. Time only moves forward: every call advances the plant to its
//! instant first.
//!
//! **While cut off and before any command**, a consumer's relay is open (its supply is gone
//! until the controller restores it) and a prosumer exports its baseline only (`Pe`, as far as
//! its generation and battery sustain it, [`crate::entity::baseline_export_kwh`]'s
//! rule with the battery's deliverable energy as `PB`).
//!
//! **Batteries without a `battery:` block** keep the paper's per-interval figures: a prosumer's
//! `PB` is available afresh every interval (a store refilled at each interval's start, no
//! state), a bank is a lossless store of its `capacity_kwh` holding `stored_kwh`, charging at
//! most `charge_kwh` and delivering at most `discharge_kwh` per interval.

use super::battery::{Battery, BatteryError, BatteryParams};
use super::bound::Storage;
use super::island_network::{IslandNetwork, NetworkError, NetworkModel, NetworkRecord};
use super::settle::{self, Consumer, Der, Flow, IntervalAccount, Member, Prosumer, Role};
use crate::entity::{EntityIndex, EntityTable, Profile};
use crate::scenario::{NodeId, Scenario};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// A member's physical inputs over one whole meter interval, kWh: its generation (prosumers
/// and DERs) and its consumption (prosumers' own load, consumers' demand).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Inputs {
    /// Generation over the interval.
    pub generation_kwh: f64,
    /// Consumption (demand) over the interval.
    pub consumption_kwh: f64,
}

/// Where the plant takes each entity's inputs from (the run's profiles and factors).
pub trait InputSource {
    /// Entity `entity`'s inputs in meter interval `interval`.
    fn inputs(&self, entity: EntityIndex, interval: u64) -> Inputs;
}

/// What a command does to a member once its relay or controller carries it out.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub enum Actuation {
    /// A consumer's relay closes (supplied) or opens (shed).
    Relay {
        /// Closed: the consumer is supplied.
        closed: bool,
    },
    /// A prosumer's controller exports up to this much, kWh per interval (as far as its
    /// generation, battery and `alpha_max` allow); `None` restores the baseline rule.
    ExportSetpoint {
        /// The set-point, kWh per interval.
        kwh_per_interval: Option<f64>,
    },
}

/// A battery without a `battery:` block keeps the paper's per-interval figures (module docs).
fn legacy_battery(
    capacity_kwh: f64,
    soc_kwh: f64,
    charge_kwh: f64,
    discharge_kwh: f64,
    interval_s: f64,
) -> Option<Battery> {
    let per_hour = 3600.0 / interval_s;
    let params = BatteryParams {
        capacity_kwh,
        charge_kw: charge_kwh * per_hour,
        discharge_kw: discharge_kwh * per_hour,
        round_trip_efficiency: 1.0,
        reserve: 0.0,
    };
    (capacity_kwh > 0.0)
        .then(|| Battery::new(params, soc_kwh.clamp(0.0, capacity_kwh)))?
        .ok()
}

/// What generates a DER's energy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DerSource {
    /// A solar plant.
    Solar,
    /// A wind plant.
    Wind,
}

/// One member of an island with its physical state; it keeps that state when a later fault
/// moves it to another island.
#[derive(Debug, Clone, PartialEq)]
pub struct PlantMember {
    entity: EntityIndex,
    /// A DER's source (`None` for other members).
    source: Option<DerSource>,
    member: Member,
    /// A prosumer's `Pe`, kWh per interval.
    export_prev_kwh: f64,
    /// A prosumer's commanded export set-point, kWh per interval (`None`: the baseline rule).
    setpoint_kwh: Option<f64>,
    /// A prosumer's `PB` made available afresh at every interval's start (no `battery:` block).
    refill_kwh: Option<f64>,
}

impl PlantMember {
    /// Entity `entity` of `scenario` as it stands when first cut off: its battery at its
    /// initial state, a consumer's relay open.
    pub fn new(
        scenario: &Scenario,
        entities: &EntityTable,
        entity: EntityIndex,
        interval_s: f64,
    ) -> Result<Self, BatteryError> {
        let e = entities.get(entity);
        let ents = &scenario.entities;
        let mut export_prev_kwh = 0.0;
        let mut refill_kwh = None;
        let role = match e.profile {
            Profile::Prosumer {
                export_prev_kwh: pe,
                battery_kwh,
                ..
            } => {
                let p = ents
                    .prosumers
                    .iter()
                    .find(|p| p.id == e.id)
                    .expect("the table's prosumers are the scenario's");
                export_prev_kwh = pe;
                let battery = match Battery::of_prosumer(p)? {
                    Some(b) => Some(b),
                    None => {
                        refill_kwh = Some(battery_kwh);
                        legacy_battery(battery_kwh, battery_kwh, 0.0, battery_kwh, interval_s)
                    }
                };
                Role::Prosumer(Prosumer {
                    generation_kwh: 0.0,
                    consumption_kwh: 0.0,
                    alpha_max: p.alpha_max,
                    export_setpoint_kwh: 0.0,
                    battery,
                })
            }
            Profile::Consumer { priority, .. } => Role::Consumer(Consumer {
                demand_kwh: 0.0,
                priority,
                relay_closed: false,
            }),
            Profile::Solar { .. } | Profile::Wind { .. } => Role::Der(Der {
                generation_kwh: 0.0,
            }),
            Profile::Battery {
                charge_kwh,
                discharge_kwh,
            } => {
                let bank = ents
                    .batteries
                    .iter()
                    .find(|b| b.id == e.id)
                    .expect("the table's banks are the scenario's");
                match Battery::of_bank(bank)? {
                    Some(b) => Role::Bank(b),
                    None => match legacy_battery(
                        bank.capacity_kwh,
                        bank.stored_kwh,
                        charge_kwh,
                        discharge_kwh,
                        interval_s,
                    ) {
                        Some(b) => Role::Bank(b),
                        None => Role::Der(Der {
                            generation_kwh: 0.0,
                        }),
                    },
                }
            }
        };
        let source = match e.profile {
            Profile::Solar { .. } => Some(DerSource::Solar),
            Profile::Wind { .. } => Some(DerSource::Wind),
            _ => None,
        };
        Ok(PlantMember {
            entity,
            source,
            member: Member {
                id: e.id.clone(),
                role,
            },
            export_prev_kwh,
            setpoint_kwh: None,
            refill_kwh,
        })
    }

    /// The entity.
    pub fn entity(&self) -> EntityIndex {
        self.entity
    }

    /// How well it forms an island's grid, compared in order: a battery bank, then a
    /// prosumer with a battery, then any other source (a prosumer or DER), each by its
    /// battery's discharge power; `None` for a consumer.
    fn grid_forming_rank(&self) -> Option<(u8, f64)> {
        let kw = || self.battery().map_or(0.0, |b| b.params().discharge_kw);
        match &self.member.role {
            Role::Bank(_) => Some((2, kw())),
            Role::Prosumer(p) if p.battery.is_some() && self.refill_kwh.is_none() => {
                Some((1, kw()))
            }
            Role::Prosumer(_) | Role::Der(_) => Some((0, 0.0)),
            Role::Consumer(_) => None,
        }
    }

    fn battery(&self) -> Option<&Battery> {
        match &self.member.role {
            Role::Prosumer(p) => p.battery.as_ref(),
            Role::Bank(b) => Some(b),
            _ => None,
        }
    }

    /// Its battery as the perfect-information bound dispatches it ([`super::bound`]): its
    /// parameters, its state of charge now, and whether it is refilled every interval.
    pub fn storage(&self) -> Option<Storage> {
        self.battery().map(|b| Storage {
            params: *b.params(),
            initial_soc_kwh: b.soc_kwh(),
            refilled_each_interval: self.refill_kwh.is_some(),
        })
    }

    /// A consumer's restoration priority (`None` for other members).
    pub fn priority(&self) -> Option<u32> {
        match &self.member.role {
            Role::Consumer(c) => Some(c.priority),
            _ => None,
        }
    }

    /// What its battery can deliver over a whole interval of `interval_s` s as it stands, kWh
    /// (`None`: no battery).
    pub fn battery_available_kwh(&self, interval_s: f64) -> Option<f64> {
        self.battery().map(|b| b.deliverable_kwh(interval_s))
    }

    /// Sets its inputs for a stretch of `share` of an interval of `interval_s` s.
    fn prepare(&mut self, inputs: Inputs, share: f64, span_s: f64) {
        let (g, c) = (
            inputs.generation_kwh * share,
            inputs.consumption_kwh * share,
        );
        match &mut self.member.role {
            Role::Prosumer(p) => {
                p.generation_kwh = g;
                p.consumption_kwh = c;
                p.export_setpoint_kwh = match self.setpoint_kwh {
                    Some(setpoint_kwh) => setpoint_kwh * share,
                    None => {
                        let battery_kwh = p
                            .battery
                            .as_ref()
                            .map_or(0.0, |b| b.deliverable_kwh(span_s));
                        (self.export_prev_kwh * share).min((g + battery_kwh - c).max(0.0))
                    }
                };
            }
            Role::Consumer(k) => k.demand_kwh = c,
            Role::Der(d) => d.generation_kwh = g,
            Role::Bank(_) => {}
        }
    }

    fn actuate(&mut self, actuation: Actuation) {
        match (&mut self.member.role, actuation) {
            (Role::Consumer(c), Actuation::Relay { closed }) => c.relay_closed = closed,
            (Role::Prosumer(_), Actuation::ExportSetpoint { kwh_per_interval }) => {
                self.setpoint_kwh = kwh_per_interval.map(|kwh| kwh.max(0.0))
            }
            // A command for another kind of member changes nothing physical.
            _ => {}
        }
    }

    /// At an interval's start: a battery without state is available afresh.
    fn start_interval(&mut self, interval_s: f64) {
        if let (Some(pb), Role::Prosumer(p)) = (self.refill_kwh, &mut self.member.role) {
            p.battery = legacy_battery(pb, pb, 0.0, pb, interval_s);
        }
    }
}

/// One member's part of an interval: the sum of its flows over the stretches it was in the
/// island, and its battery's deliverable energy at the interval's end (or when it left).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberRecord {
    /// The entity.
    pub entity: EntityIndex,
    /// Its scenario id.
    pub id: String,
    /// A DER's source (`None` for other members).
    pub source: Option<DerSource>,
    /// Seconds of the interval it spent in the island.
    pub in_island_s: f64,
    /// Of those, the seconds it was supplied (a consumer neither shed nor dark; every other
    /// member throughout): what its meter's outage log shows.
    pub supplied_s: f64,
    /// What it did over those seconds.
    pub flow: Flow,
    /// What its battery can deliver over the next whole interval, kWh (`None`: no battery).
    pub battery_available_kwh: Option<f64>,
}

/// One island's meter interval, settled: its account summed over the stretches of the
/// interval the island existed, and every member's part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalRecord {
    /// The island's number (as `blackstart island` gives it).
    pub island: usize,
    /// The meter interval.
    pub interval: u64,
    /// When the interval starts, s since midnight of the start date.
    pub start_s: f64,
    /// Seconds of the interval the island existed (less than the interval in the ones it
    /// formed and dissolved in).
    pub island_s: f64,
    /// The account over those seconds (its `flows` empty: see `members`).
    pub account: IntervalAccount,
    /// Every member's part, in the order they joined.
    pub members: Vec<MemberRecord>,
    /// What the island power flow found and did (`None`: the energy-only model, or no
    /// grid-forming unit in the island).
    pub network: Option<NetworkRecord>,
}

/// An interval's member flows summed by kind, kWh (state of charge at the interval's end).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MemberTotals {
    /// Solar plants' generation (before curtailment).
    pub solar_generation_kwh: f64,
    /// Wind plants' generation (before curtailment).
    pub wind_generation_kwh: f64,
    /// Prosumers' generation.
    pub prosumer_generation_kwh: f64,
    /// Prosumers' own load.
    pub prosumer_own_demand_kwh: f64,
    /// Prosumers' own load served behind their meters.
    pub prosumer_own_served_kwh: f64,
    /// Prosumers' export set-points the island could not take.
    pub prosumer_export_curtailed_kwh: f64,
    /// Prosumers' battery discharge.
    pub prosumer_battery_discharge_kwh: f64,
    /// Prosumers' battery charge.
    pub prosumer_battery_charge_kwh: f64,
    /// Prosumers' batteries' state of charge.
    pub prosumer_soc_kwh: f64,
    /// Consumers shed (by the controller or protection) for some or all of the interval.
    pub shed: Vec<String>,
}

impl IntervalRecord {
    /// Its member flows summed by kind.
    pub fn totals(&self) -> MemberTotals {
        let mut t = MemberTotals::default();
        for m in &self.members {
            match &m.flow {
                Flow::Prosumer {
                    generation_kwh,
                    own_demand_kwh,
                    own_served_kwh,
                    export_curtailed_kwh,
                    battery_discharge_kwh,
                    battery_charge_kwh,
                    soc_kwh,
                    ..
                } => {
                    t.prosumer_generation_kwh += generation_kwh;
                    t.prosumer_own_demand_kwh += own_demand_kwh;
                    t.prosumer_own_served_kwh += own_served_kwh;
                    t.prosumer_export_curtailed_kwh += export_curtailed_kwh;
                    t.prosumer_battery_discharge_kwh += battery_discharge_kwh;
                    t.prosumer_battery_charge_kwh += battery_charge_kwh;
                    t.prosumer_soc_kwh += soc_kwh.unwrap_or(0.0);
                }
                Flow::Consumer {
                    demand_kwh,
                    served_kwh,
                    ..
                } if served_kwh < demand_kwh => t.shed.push(m.id.clone()),
                Flow::Der { generation_kwh, .. } => match m.source {
                    Some(DerSource::Wind) => t.wind_generation_kwh += generation_kwh,
                    _ => t.solar_generation_kwh += generation_kwh,
                },
                _ => {}
            }
        }
        t
    }
}

/// What a set of island intervals served, summed over them: the figures on which a run and its
/// references (docs/model.md §11) are compared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ServiceTotals {
    /// Consumers' demand and prosumers' own load, kWh.
    pub demand_kwh: f64,
    /// Of it served: consumers' demand and prosumers' own load served behind their meters, kWh.
    pub served_kwh: f64,
    /// Consumers' demand not served, kWh.
    pub energy_not_served_kwh: f64,
    /// Consumers' time without supply, customer-hours: each consumer's hours times its
    /// customers.
    pub customer_hours_interrupted: f64,
    /// Prosumers' own load not served behind their meters (shed to export, or short of
    /// generation and battery), kWh.
    pub prosumer_own_unserved_kwh: f64,
}

impl ServiceTotals {
    /// The totals of `records`, whose members are entities of `entities`.
    pub fn of(records: &[IntervalRecord], entities: &EntityTable) -> Self {
        let mut t = ServiceTotals::default();
        for r in records {
            t.energy_not_served_kwh += r.account.shed_kwh();
            t.demand_kwh += r.account.demand_kwh;
            t.served_kwh += r.account.served_kwh;
            for m in &r.members {
                match m.flow {
                    Flow::Consumer { .. } => {
                        let customers = f64::from(entities.get(m.entity).customers());
                        t.customer_hours_interrupted +=
                            customers * (m.in_island_s - m.supplied_s).max(0.0) / 3600.0
                    }
                    Flow::Prosumer {
                        own_demand_kwh,
                        own_served_kwh,
                        ..
                    } => {
                        t.demand_kwh += own_demand_kwh;
                        t.served_kwh += own_served_kwh;
                        t.prosumer_own_unserved_kwh += (own_demand_kwh - own_served_kwh).max(0.0)
                    }
                    _ => {}
                }
            }
        }
        t
    }
}

/// Adds `b` to `a`, fieldwise (state of charge and who shed: `b`'s, the later).
fn add_flow(a: &mut Flow, b: &Flow) {
    match (a, b) {
        (
            Flow::Prosumer {
                generation_kwh,
                own_demand_kwh,
                own_served_kwh,
                setpoint_kwh,
                export_kwh,
                export_curtailed_kwh,
                battery_discharge_kwh,
                battery_charge_kwh,
                curtailed_kwh,
                soc_kwh,
            },
            Flow::Prosumer {
                generation_kwh: g,
                own_demand_kwh: d,
                own_served_kwh: s,
                setpoint_kwh: sp,
                export_kwh: x,
                export_curtailed_kwh: xc,
                battery_discharge_kwh: bd,
                battery_charge_kwh: bc,
                curtailed_kwh: cu,
                soc_kwh: soc,
            },
        ) => {
            *generation_kwh += g;
            *own_demand_kwh += d;
            *own_served_kwh += s;
            *setpoint_kwh += sp;
            *export_kwh += x;
            *export_curtailed_kwh += xc;
            *battery_discharge_kwh += bd;
            *battery_charge_kwh += bc;
            *curtailed_kwh += cu;
            *soc_kwh = *soc;
        }
        (
            Flow::Consumer {
                demand_kwh,
                served_kwh,
                shed_by,
            },
            Flow::Consumer {
                demand_kwh: d,
                served_kwh: s,
                shed_by: by,
            },
        ) => {
            *demand_kwh += d;
            *served_kwh += s;
            if by.is_some() {
                *shed_by = *by;
            }
        }
        (
            Flow::Der {
                generation_kwh,
                injected_kwh,
                curtailed_kwh,
            },
            Flow::Der {
                generation_kwh: g,
                injected_kwh: i,
                curtailed_kwh: c,
            },
        ) => {
            *generation_kwh += g;
            *injected_kwh += i;
            *curtailed_kwh += c;
        }
        (
            Flow::Bank {
                discharge_kwh,
                charge_kwh,
                soc_kwh,
            },
            Flow::Bank {
                discharge_kwh: d,
                charge_kwh: c,
                soc_kwh: s,
            },
        ) => {
            *discharge_kwh += d;
            *charge_kwh += c;
            *soc_kwh = *s;
        }
        (a, b) => unreachable!("a member's flows keep their kind: {a:?} and {b:?}"),
    }
}

/// Adds the account `b` of a later stretch to `a` (flows excepted: members keep them).
fn add_account(a: &mut IntervalAccount, b: &IntervalAccount) {
    a.interval_s += b.interval_s;
    a.demand_kwh += b.demand_kwh;
    a.served_kwh += b.served_kwh;
    a.shed_by_controller_kwh += b.shed_by_controller_kwh;
    a.shed_by_protection_kwh += b.shed_by_protection_kwh;
    a.shed_by_limits_kwh += b.shed_by_limits_kwh;
    a.der_generation_kwh += b.der_generation_kwh;
    a.prosumer_export_kwh += b.prosumer_export_kwh;
    a.battery_discharge_kwh += b.battery_discharge_kwh;
    a.battery_charge_kwh += b.battery_charge_kwh;
    a.curtailed_kwh += b.curtailed_kwh;
    a.curtailed_for_limits_kwh += b.curtailed_for_limits_kwh;
    a.losses_kwh += b.losses_kwh;
    a.bank_soc_kwh = b.bank_soc_kwh;
    for id in &b.shed_by_protection {
        if !a.shed_by_protection.contains(id) {
            a.shed_by_protection.push(id.clone());
        }
    }
}

/// One island: its members now, and the interval being settled.
#[derive(Debug, Clone)]
struct IslandPlant {
    number: usize,
    members: Vec<PlantMember>,
    current: Option<IntervalRecord>,
    /// Its nodes (sorted), as cut off.
    nodes: Vec<NodeId>,
    /// Its network from its present grid-forming unit, once built.
    network: Option<IslandNetwork>,
}

impl IslandPlant {
    /// Its grid-forming unit now: the member that forms the grid best
    /// ([`PlantMember::grid_forming_rank`]), the first in entity order among equals.
    fn grid_former(&self) -> Option<&PlantMember> {
        let mut best: Option<(&PlantMember, (u8, f64))> = None;
        for m in &self.members {
            let Some(rank) = m.grid_forming_rank() else {
                continue;
            };
            let better = best.is_none_or(|(b, r)| {
                rank.0 > r.0
                    || (rank.0 == r.0 && rank.1 > r.1)
                    || (rank == r && m.entity < b.entity)
            });
            if better {
                best = Some((m, rank));
            }
        }
        best.map(|(m, _)| m)
    }

    /// Its network from its grid-forming unit under `model`, built when the unit changed
    /// (`None`: no unit in the island).
    fn network(
        &mut self,
        model: &NetworkModel,
    ) -> Result<Option<&mut IslandNetwork>, NetworkError> {
        let Some(former) = self.grid_former().map(|m| m.member.id.clone()) else {
            self.network = None;
            return Ok(None);
        };
        if self
            .network
            .as_ref()
            .is_none_or(|n| n.reference() != former)
        {
            self.network = Some(IslandNetwork::new(model, &self.nodes, &former)?);
        }
        Ok(self.network.as_mut())
    }

    /// Settles the stretch `[from_s, to_s)` of interval `k` (whole or part).
    fn settle_stretch(
        &mut self,
        k: u64,
        from_s: f64,
        to_s: f64,
        interval_s: f64,
        source: &dyn InputSource,
        model: Option<&NetworkModel>,
    ) -> Result<Vec<(EntityIndex, bool, f64)>, NetworkError> {
        let span_s = to_s - from_s;
        let share = span_s / interval_s;
        for m in &mut self.members {
            m.prepare(source.inputs(m.entity, k), share, span_s);
        }
        let mut members: Vec<Member> = self.members.iter().map(|m| m.member.clone()).collect();
        let network = match model {
            Some(model) => self.network(model)?,
            None => None,
        };
        let (mut account, network_record) = match network {
            Some(network) => {
                let (account, record) = network.settle(&mut members, span_s)?;
                (account, Some(record))
            }
            None => (settle::settle(&mut members, span_s)?, None),
        };
        let record = self.current.get_or_insert_with(|| IntervalRecord {
            island: self.number,
            interval: k,
            start_s: k as f64 * interval_s,
            island_s: 0.0,
            account: IntervalAccount::default(),
            members: Vec::new(),
            network: None,
        });
        record.island_s += span_s;
        match (&mut record.network, network_record) {
            (Some(so_far), Some(stretch)) => so_far.add(&stretch),
            (so_far, stretch) => *so_far = so_far.take().or(stretch),
        }
        let flows = std::mem::take(&mut account.flows);
        add_account(&mut record.account, &account);
        let mut consumers = Vec::new();
        for ((m, settled), flow) in self.members.iter_mut().zip(members).zip(flows) {
            m.member = settled;
            let supplied_s = match flow.flow {
                Flow::Consumer {
                    shed_by,
                    demand_kwh,
                    ..
                } => {
                    consumers.push((m.entity, shed_by.is_none(), demand_kwh));
                    if shed_by.is_none() { span_s } else { 0.0 }
                }
                _ => span_s,
            };
            match record.members.iter_mut().find(|r| r.entity == m.entity) {
                Some(r) => {
                    r.in_island_s += span_s;
                    r.supplied_s += supplied_s;
                    add_flow(&mut r.flow, &flow.flow);
                }
                None => record.members.push(MemberRecord {
                    entity: m.entity,
                    id: m.member.id.clone(),
                    source: m.source,
                    in_island_s: span_s,
                    supplied_s,
                    flow: flow.flow,
                    battery_available_kwh: None,
                }),
            }
        }
        Ok(consumers)
    }

    /// Closes the interval being settled: every member's battery as it stands at its end.
    fn finish_interval(&mut self, interval_s: f64) -> Option<IntervalRecord> {
        let mut record = self.current.take()?;
        for m in &mut self.members {
            m.start_interval(interval_s);
        }
        for r in &mut record.members {
            if let Some(m) = self.members.iter().find(|m| m.entity == r.entity) {
                r.battery_available_kwh = m.battery_available_kwh(interval_s);
            }
        }
        Some(record)
    }
}

/// One interruption of a consumer's supply as the plant lived it: from when it was left
/// without supply (its island formed, or the controller or protection shed it) to when it was
/// supplied again, by the island or by the grid's return.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Interruption {
    /// The consumer.
    pub entity: EntityIndex,
    /// Its scenario id.
    pub id: String,
    /// When its supply went, s.
    pub from_s: f64,
    /// When it came back, s (`None`: still out).
    pub to_s: Option<f64>,
    /// Whether the grid's return ended it (rather than the island).
    pub ended_by_grid: bool,
    /// Its demand not served meanwhile, kWh.
    pub unserved_kwh: f64,
}

/// Why the plant could not advance: an input out of its domain (a profile or series giving a
/// negative or non-finite energy), or an island network the power flow cannot solve.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("settling island {island} in meter interval {interval}: {source}")]
pub struct PlantError {
    /// The island's number.
    pub island: usize,
    /// The meter interval.
    pub interval: u64,
    /// What was wrong.
    pub source: NetworkError,
}

/// The islands of one run (module docs).
#[derive(Debug, Clone)]
pub struct Islands {
    interval_s: f64,
    /// The island power flow (`None`: the energy-only model).
    network_model: Option<Arc<NetworkModel>>,
    /// Every entity as it stood when the run began (the bound's starting point).
    initial: Vec<PlantMember>,
    settled_to_s: f64,
    islands: Vec<IslandPlant>,
    /// The island each entity is in now.
    island_of: Vec<Option<usize>>,
    /// Members on the grid, with their state (a battery as it was when they reconnected).
    parked: Vec<Option<PlantMember>>,
    records: Vec<IntervalRecord>,
    /// Every consumer's interruptions so far, in the order they began.
    interruptions: Vec<Interruption>,
    /// The interruption still running of each consumer, by position in `interruptions`.
    open: HashMap<EntityIndex, usize>,
    /// Where each (entity, interval)'s parts are among `records`.
    parts: HashMap<(EntityIndex, u64), Vec<(usize, usize)>>,
    /// When members last went back to the grid, s.
    last_reconnected_s: Option<f64>,
    /// When the first island formed, s.
    first_formed_s: Option<f64>,
}

impl Islands {
    /// The plant of a run from `start_s`, with meter interval `interval_s`: every entity on
    /// the grid in its initial state (`members`, one per entity in table order,
    /// [`PlantMember::new`]).
    pub fn new(members: &[PlantMember], interval_s: f64, start_s: f64) -> Self {
        Islands {
            interval_s,
            network_model: None,
            initial: members.to_vec(),
            settled_to_s: start_s,
            islands: Vec::new(),
            island_of: vec![None; members.len()],
            parked: members.iter().cloned().map(Some).collect(),
            records: Vec::new(),
            interruptions: Vec::new(),
            open: HashMap::new(),
            parts: HashMap::new(),
            last_reconnected_s: None,
            first_formed_s: None,
        }
    }

    /// The same plant with every island settled on its network (docs/model.md §13).
    pub fn with_network(mut self, model: Arc<NetworkModel>) -> Self {
        self.network_model = Some(model);
        self
    }

    /// Whether its islands are settled on their network.
    pub fn has_network(&self) -> bool {
        self.network_model.is_some()
    }

    /// Settles every island up to `t_s`, interval by interval.
    pub fn advance_to(&mut self, t_s: f64, source: &dyn InputSource) -> Result<(), PlantError> {
        while self.settled_to_s < t_s {
            let from_s = self.settled_to_s;
            let k = (from_s / self.interval_s).floor() as u64;
            let end_s = (k + 1) as f64 * self.interval_s;
            let whole = t_s >= end_s;
            let to_s = if whole { end_s } else { t_s };
            for island in &mut self.islands {
                if island.members.is_empty() {
                    continue;
                }
                let model = self.network_model.as_deref();
                let consumers = island
                    .settle_stretch(k, from_s, to_s, self.interval_s, source, model)
                    .map_err(|source| PlantError {
                        island: island.number,
                        interval: k,
                        source,
                    })?;
                for (entity, supplied, demand_kwh) in consumers {
                    let open = self.open.get(&entity).copied();
                    match (supplied, open) {
                        (true, Some(at)) => {
                            self.interruptions[at].to_s = Some(from_s);
                            self.open.remove(&entity);
                        }
                        (false, Some(at)) => self.interruptions[at].unserved_kwh += demand_kwh,
                        (false, None) => {
                            self.open.insert(entity, self.interruptions.len());
                            let id = island
                                .members
                                .iter()
                                .find(|m| m.entity == entity)
                                .map_or_else(String::new, |m| m.member.id.clone());
                            self.interruptions.push(Interruption {
                                entity,
                                id,
                                from_s,
                                to_s: None,
                                ended_by_grid: false,
                                unserved_kwh: demand_kwh,
                            });
                        }
                        (true, None) => {}
                    }
                }
            }
            self.settled_to_s = to_s;
            if whole {
                self.finish_interval();
            }
        }
        Ok(())
    }

    fn finish_interval(&mut self) {
        for island in &mut self.islands {
            if let Some(record) = island.finish_interval(self.interval_s) {
                let at = self.records.len();
                for (j, m) in record.members.iter().enumerate() {
                    self.parts
                        .entry((m.entity, record.interval))
                        .or_default()
                        .push((at, j));
                }
                self.records.push(record);
            }
        }
    }

    /// `entities` on `nodes` (sorted) are cut off at `at_s` as island `number`; those already
    /// in an island move with their state (a later fault split it).
    pub fn form(
        &mut self,
        number: usize,
        entities: &[EntityIndex],
        nodes: &[NodeId],
        at_s: f64,
        source: &dyn InputSource,
    ) -> Result<(), PlantError> {
        self.advance_to(at_s, source)?;
        self.first_formed_s.get_or_insert(at_s);
        let index = self.islands.len();
        let mut members = Vec::with_capacity(entities.len());
        for &e in entities {
            let member = match self.island_of[e as usize] {
                Some(i) => self.take_member(i, e),
                None => self.parked[e as usize]
                    .take()
                    .expect("an entity is in an island or on the grid"),
            };
            self.island_of[e as usize] = Some(index);
            members.push(member);
        }
        self.islands.push(IslandPlant {
            number,
            members,
            current: None,
            nodes: nodes.to_vec(),
            network: None,
        });
        Ok(())
    }

    fn take_member(&mut self, island: usize, e: EntityIndex) -> PlantMember {
        let members = &mut self.islands[island].members;
        let at = members
            .iter()
            .position(|m| m.entity == e)
            .expect("an entity's island holds it");
        members.remove(at)
    }

    /// The relay or controller of `entity` carries out `actuation` at `at_s` (nothing for an
    /// entity on the grid).
    pub fn actuate(
        &mut self,
        entity: EntityIndex,
        actuation: Actuation,
        at_s: f64,
        source: &dyn InputSource,
    ) -> Result<(), PlantError> {
        self.advance_to(at_s, source)?;
        if let Some(i) = self.island_of[entity as usize]
            && let Some(m) = self.islands[i]
                .members
                .iter_mut()
                .find(|m| m.entity == entity)
        {
            m.actuate(actuation);
        }
        Ok(())
    }

    /// `entities` are back on the grid from `at_s`: they leave their islands, keeping their
    /// state should a later fault cut them off again.
    pub fn reconnect(
        &mut self,
        entities: &[EntityIndex],
        at_s: f64,
        source: &dyn InputSource,
    ) -> Result<(), PlantError> {
        self.advance_to(at_s, source)?;
        self.last_reconnected_s = Some(at_s);
        for &e in entities {
            if let Some(at) = self.open.remove(&e) {
                self.interruptions[at].to_s = Some(at_s);
                self.interruptions[at].ended_by_grid = true;
            }
            if let Some(i) = self.island_of[e as usize].take() {
                let mut member = self.take_member(i, e);
                member.actuate(Actuation::ExportSetpoint {
                    kwh_per_interval: None,
                });
                member.actuate(Actuation::Relay { closed: false });
                self.parked[e as usize] = Some(member);
            }
        }
        Ok(())
    }

    /// When the first island formed, s (`None`: none has).
    pub fn first_formed_s(&self) -> Option<f64> {
        self.first_formed_s
    }

    /// When the grid took the last island back, s: `None` while an island stands (or none
    /// ever went back).
    pub fn grid_back_s(&self) -> Option<f64> {
        self.islands
            .iter()
            .all(|i| i.members.is_empty())
            .then_some(self.last_reconnected_s)
            .flatten()
    }

    /// Whether `entity` is in an island now.
    pub fn is_islanded(&self, entity: EntityIndex) -> bool {
        self.island_of[entity as usize].is_some()
    }

    /// `entity`'s parts of meter interval `interval` in islands (none if it was on the grid
    /// throughout, or the interval is not settled yet).
    pub fn parts(&self, entity: EntityIndex, interval: u64) -> impl Iterator<Item = &MemberRecord> {
        self.parts
            .get(&(entity, interval))
            .into_iter()
            .flatten()
            .map(|&(r, j)| &self.records[r].members[j])
    }

    /// What `entity`'s battery can deliver over a whole interval now, kWh (`None`: no battery).
    pub fn battery_available_kwh(&self, entity: EntityIndex) -> Option<f64> {
        let member = match self.island_of[entity as usize] {
            Some(i) => self.islands[i].members.iter().find(|m| m.entity == entity),
            None => self.parked[entity as usize].as_ref(),
        }?;
        member.battery_available_kwh(self.interval_s)
    }

    /// Every entity as it stood when the run began, in table order.
    pub fn initial_members(&self) -> &[PlantMember] {
        &self.initial
    }

    /// Every island interval settled so far, in the order they closed.
    pub fn records(&self) -> &[IntervalRecord] {
        &self.records
    }

    /// Every consumer's interruptions so far (those still running without an end), in the
    /// order they began.
    pub fn interruptions(&self) -> &[Interruption] {
        &self.interruptions
    }
}

#[cfg(test)]
mod tests;
