//! One island's energy settled by physics for one meter interval (docs/model.md §9): what its
//! members actually inject and draw, given their physical inputs and the controller's
//! set-points and relays, with an account whose identities hold exactly.
//!
//! **Order of settlement.**
//!
//! 1. *Prosumers* follow their export set-point (baseline export plus the extra the controller
//!    allocated) as far as they physically can: behind its meter a prosumer serves its own
//!    load from its generation, then its battery (above the reserve); it exports up to the
//!    set-point from what is left, cutting at most `alpha_max` of its own load to do so. A
//!    prosumer that cannot cover its own load does not import from the island (its own load is
//!    then partly unserved behind its meter; imports are planned, docs/model.md §9); surplus
//!    generation beyond its export charges its own battery, and the rest is curtailed behind
//!    its meter.
//! 2. *DERs* inject all their generation.
//! 3. *Consumers* whose relay the controller opened are shed (by the controller). If the
//!    island's supply — prosumers' export, DERs, and what the battery banks can deliver — is
//!    still short of the connected demand, *under-frequency protection* sheds connected
//!    consumers, lowest priority first; among equal priorities the larger demand first (fewest
//!    consumers dropped), then by id; it stops as soon as supply covers the remaining demand
//!    (to within 1e-10 kWh).
//! 4. *Battery banks* form the grid and balance it: they discharge what is short and charge
//!    what is in surplus, within their limits, each in proportion to what it can deliver or
//!    absorb this interval.
//! 5. A surplus the banks cannot absorb is *curtailed*: DERs first (in proportion to their
//!    generation), then prosumers' export (in proportion to it), which the prosumer absorbs
//!    behind its meter (less battery discharge, more own charge, or curtailed generation).
//!
//! **The island's network** ([`NetworkCorrection`], docs/model.md §13), when the island power
//! flow runs: its series losses are a load nobody can shed, covered like demand (protection
//! sheds if the supply cannot cover both); consumers it names are shed *for the network's
//! limits* before protection looks; DERs' generation and prosumers' export offers are cut to
//! the share it keeps, the rest counted as curtailed. The energy-only model is
//! [`settle`], with no losses and nothing cut.
//!
//! **Identities** ([`IntervalAccount`], to rounding):
//!
//! - `served + shed_by_controller + shed_by_protection + shed_by_limits = demand` (consumers'
//!   kWh);
//! - `der_generation + prosumer_export + battery_discharge = served + battery_charge +
//!   curtailed + losses` — the island's bus: DERs' whole generation, prosumers' delivered
//!   export and banks' discharge in; consumers served, banks' charge, DER generation curtailed
//!   and the network's losses out;
//! - for each prosumer: `generation + battery_discharge = own_served + export + battery_charge
//!   + curtailed` and `own_served ≤ own_demand`;
//! - every battery's state of charge stays in [reserve, capacity] (docs of [`super::battery`]).

use super::battery::Battery;
use serde::Serialize;

/// A prosumer's physical inputs for the interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prosumer {
    /// Its generation this interval, kWh.
    pub generation_kwh: f64,
    /// Its own load this interval, kWh.
    pub consumption_kwh: f64,
    /// Largest share of its own load it sheds to export, in [0, 1].
    pub alpha_max: f64,
    /// What the controller asks it to export: its baseline export plus its allocated extra,
    /// kWh.
    pub export_setpoint_kwh: f64,
    /// Its battery, if it has one with state; updated by [`settle`].
    pub battery: Option<Battery>,
}

/// A consumer's physical inputs for the interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consumer {
    /// Its demand this interval, kWh.
    pub demand_kwh: f64,
    /// Restoration priority: higher is more critical, shed last by protection.
    pub priority: u32,
    /// Whether the controller keeps its relay closed (open: shed by the controller).
    pub relay_closed: bool,
}

/// A DER's physical input for the interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Der {
    /// Its generation this interval, kWh.
    pub generation_kwh: f64,
}

/// What a member of the island is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Role {
    /// A prosumer.
    Prosumer(Prosumer),
    /// A consumer.
    Consumer(Consumer),
    /// A solar or wind DER.
    Der(Der),
    /// A grid-forming battery bank; updated by [`settle`].
    Bank(Battery),
}

/// One member of an island: its entity id and role.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    /// The entity's scenario id.
    pub id: String,
    /// Its inputs (and battery state).
    pub role: Role,
}

/// Who shed a consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShedBy {
    /// The controller opened its relay.
    Controller,
    /// Under-frequency protection, the island being short.
    Protection,
    /// The island's network: shed to keep a voltage or a line within its limits
    /// (docs/model.md §13).
    Limits,
}

/// What the island's power flow asks of one settlement (module docs): indexed like the
/// members.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkCorrection {
    /// The network's series losses over the interval, kWh.
    pub losses_kwh: f64,
    /// Per member: a consumer shed to keep a limit.
    pub shed: Vec<bool>,
    /// Per member: a consumer protection already tripped while the losses were iterated; it
    /// stays shed by protection.
    pub tripped: Vec<bool>,
    /// Per member: the share of a DER's generation or a prosumer's export offer the network
    /// can take, in [0, 1].
    pub injection_kept: Vec<f64>,
}

impl NetworkCorrection {
    /// No losses, nothing shed or cut: the energy-only model, for `members` members.
    pub fn none(members: usize) -> Self {
        NetworkCorrection {
            losses_kwh: 0.0,
            shed: vec![false; members],
            tripped: vec![false; members],
            injection_kept: vec![1.0; members],
        }
    }
}

/// What one member did in the interval, kWh.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// A prosumer: `generation + battery_discharge = own_served + export + battery_charge +
    /// curtailed`.
    Prosumer {
        /// Its generation.
        generation_kwh: f64,
        /// Its own load.
        own_demand_kwh: f64,
        /// Its own load served behind its meter.
        own_served_kwh: f64,
        /// The controller's export set-point.
        setpoint_kwh: f64,
        /// What it delivered to the island.
        export_kwh: f64,
        /// What the island could not take of what it offered (its set-point as far as it could
        /// deliver it): curtailed by the island's surplus, not withheld.
        export_curtailed_kwh: f64,
        /// What its battery delivered.
        battery_discharge_kwh: f64,
        /// What its battery absorbed.
        battery_charge_kwh: f64,
        /// Generation it curtailed.
        curtailed_kwh: f64,
        /// Its battery's state of charge at the end of the interval (`None`: no battery).
        soc_kwh: Option<f64>,
    },
    /// A consumer: `served + shed = demand`, all or nothing.
    Consumer {
        /// Its demand.
        demand_kwh: f64,
        /// What it was served.
        served_kwh: f64,
        /// Who shed it, if it was shed.
        shed_by: Option<ShedBy>,
    },
    /// A DER: `generation = injected + curtailed`.
    Der {
        /// Its generation.
        generation_kwh: f64,
        /// What it injected.
        injected_kwh: f64,
        /// What was curtailed.
        curtailed_kwh: f64,
    },
    /// A battery bank.
    Bank {
        /// What it delivered.
        discharge_kwh: f64,
        /// What it absorbed.
        charge_kwh: f64,
        /// Its state of charge at the end of the interval.
        soc_kwh: f64,
    },
}

/// One member's flow, by entity id.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EntityFlow {
    /// The entity's scenario id.
    pub id: String,
    /// What it did.
    pub flow: Flow,
}

/// One island's energy in one interval, kWh (identities in the module docs); the default is
/// an empty account of no time.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IntervalAccount {
    /// The interval's length, s.
    pub interval_s: f64,
    /// Consumers' demand.
    pub demand_kwh: f64,
    /// Consumers' demand served.
    pub served_kwh: f64,
    /// Demand of consumers the controller disconnected.
    pub shed_by_controller_kwh: f64,
    /// Demand of consumers protection disconnected.
    pub shed_by_protection_kwh: f64,
    /// Demand of consumers shed to keep the network's limits.
    pub shed_by_limits_kwh: f64,
    /// DERs' generation (before curtailment).
    pub der_generation_kwh: f64,
    /// Prosumers' export delivered to the island.
    pub prosumer_export_kwh: f64,
    /// Battery banks' discharge.
    pub battery_discharge_kwh: f64,
    /// Battery banks' charge.
    pub battery_charge_kwh: f64,
    /// DER generation curtailed.
    pub curtailed_kwh: f64,
    /// Of DER generation and prosumers' export offers, what was cut to keep the network's
    /// limits (in `curtailed_kwh` and the prosumers' `export_curtailed_kwh`).
    pub curtailed_for_limits_kwh: f64,
    /// The network's series losses supplied.
    pub losses_kwh: f64,
    /// Battery banks' energy stored at the end of the interval.
    pub bank_soc_kwh: f64,
    /// Consumers protection shed, in the order it shed them.
    pub shed_by_protection: Vec<String>,
    /// Every member's flow, in the members' order.
    pub flows: Vec<EntityFlow>,
}

impl IntervalAccount {
    /// Demand not served, by the controller, protection and the network's limits.
    pub fn shed_kwh(&self) -> f64 {
        self.shed_by_controller_kwh + self.shed_by_protection_kwh + self.shed_by_limits_kwh
    }

    /// `served + shed − demand`: zero to rounding.
    pub fn demand_residual_kwh(&self) -> f64 {
        self.served_kwh + self.shed_kwh() - self.demand_kwh
    }

    /// `der_generation + prosumer_export + battery_discharge − served − battery_charge −
    /// curtailed − losses`: zero to rounding.
    pub fn bus_residual_kwh(&self) -> f64 {
        self.der_generation_kwh + self.prosumer_export_kwh + self.battery_discharge_kwh
            - self.served_kwh
            - self.battery_charge_kwh
            - self.curtailed_kwh
            - self.losses_kwh
    }
}

/// An input out of its domain: the member, the field and the value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettleError {
    /// The interval's length is not a finite number of seconds > 0.
    #[error("interval_s must be a finite number > 0, got {0}")]
    Interval(f64),
    /// A member's input is out of its domain.
    #[error("{id}: {field} must be {expected}, got {value}")]
    Input {
        /// The member's id.
        id: String,
        /// The field.
        field: &'static str,
        /// Its domain.
        expected: &'static str,
        /// The value given.
        value: f64,
    },
}

fn check_inputs(members: &[Member], interval_s: f64) -> Result<(), SettleError> {
    if !(interval_s.is_finite() && interval_s > 0.0) {
        return Err(SettleError::Interval(interval_s));
    }
    for m in members {
        let energy = |field, value: f64| {
            if value.is_finite() && value >= 0.0 {
                Ok(())
            } else {
                Err(SettleError::Input {
                    id: m.id.clone(),
                    field,
                    expected: "a finite number >= 0",
                    value,
                })
            }
        };
        match &m.role {
            Role::Prosumer(p) => {
                energy("generation_kwh", p.generation_kwh)?;
                energy("consumption_kwh", p.consumption_kwh)?;
                energy("export_setpoint_kwh", p.export_setpoint_kwh)?;
                if !(0.0..=1.0).contains(&p.alpha_max) {
                    return Err(SettleError::Input {
                        id: m.id.clone(),
                        field: "alpha_max",
                        expected: "in [0, 1]",
                        value: p.alpha_max,
                    });
                }
            }
            Role::Consumer(c) => energy("demand_kwh", c.demand_kwh)?,
            Role::Der(d) => energy("generation_kwh", d.generation_kwh)?,
            Role::Bank(_) => {}
        }
    }
    Ok(())
}

/// `need / cap` capped at 1; 0 when there is nothing to draw on.
fn fraction(need: f64, cap: f64) -> f64 {
    if cap > 0.0 {
        (need / cap).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Below this (0.1 mWh) a shortfall is rounding, not a reason to shed.
const SHORT_WITHIN_KWH: f64 = 1e-10;

/// What a prosumer can export this interval: its set-point, as far as its generation, its
/// battery above the reserve and cutting `alpha_max` of its own load allow.
fn export_offer_kwh(p: &Prosumer, interval_s: f64) -> f64 {
    let battery_kwh = p
        .battery
        .as_ref()
        .map_or(0.0, |b| b.deliverable_kwh(interval_s));
    let kept_load_kwh = (1.0 - p.alpha_max) * p.consumption_kwh;
    let capacity_kwh = (p.generation_kwh + battery_kwh - kept_load_kwh).max(0.0);
    p.export_setpoint_kwh.min(capacity_kwh)
}

/// A prosumer exporting `export_kwh` (at most its offer): serves its own load from
/// generation, then battery, cutting only what it must; charges its battery with what
/// generation is left, and curtails the rest. Updates its battery; returns its flow (`offer_kwh`:
/// what it offered the island).
fn realise_prosumer(p: &mut Prosumer, offer_kwh: f64, export_kwh: f64, interval_s: f64) -> Flow {
    let g = p.generation_kwh;
    let deliverable_kwh = p
        .battery
        .as_ref()
        .map_or(0.0, |b| b.deliverable_kwh(interval_s));
    let own_target_kwh = p
        .consumption_kwh
        .min(g + deliverable_kwh - export_kwh)
        .max(0.0);
    let generation_used_kwh = g.min(own_target_kwh + export_kwh);
    let wanted_from_battery_kwh = (own_target_kwh + export_kwh - g).max(0.0);
    let (discharge_kwh, charge_kwh) = match &mut p.battery {
        Some(b) => {
            let discharge_kwh = b.discharge(wanted_from_battery_kwh, interval_s);
            let charge_kwh = b.charge(g - generation_used_kwh, interval_s);
            (discharge_kwh, charge_kwh)
        }
        None => (0.0, 0.0),
    };
    Flow::Prosumer {
        generation_kwh: g,
        own_demand_kwh: p.consumption_kwh,
        // From what actually flowed, so the prosumer's identity holds to rounding.
        own_served_kwh: (generation_used_kwh + discharge_kwh - export_kwh).max(0.0),
        setpoint_kwh: p.export_setpoint_kwh,
        export_kwh,
        export_curtailed_kwh: offer_kwh - export_kwh,
        battery_discharge_kwh: discharge_kwh,
        battery_charge_kwh: charge_kwh,
        curtailed_kwh: g - generation_used_kwh - charge_kwh,
        soc_kwh: p.battery.as_ref().map(Battery::soc_kwh),
    }
}

/// A consumer the controller left connected: its index among the members, priority and
/// demand.
#[derive(Clone, Copy)]
struct Connected {
    index: usize,
    priority: u32,
    demand_kwh: f64,
}

/// `connected` in the order protection sheds them: lowest priority first, then the larger
/// demand, then by id.
fn shedding_order(members: &[Member], mut connected: Vec<Connected>) -> Vec<Connected> {
    connected.sort_by(|a, b| {
        a.priority
            .cmp(&b.priority)
            .then(b.demand_kwh.total_cmp(&a.demand_kwh))
            .then_with(|| members[a.index].id.cmp(&members[b.index].id))
    });
    connected
}

/// Settles one island for one interval of `interval_s` s with the energy-only model (module
/// docs): updates the batteries of `members` and returns the interval's account, its flows in
/// the members' order.
pub fn settle(members: &mut [Member], interval_s: f64) -> Result<IntervalAccount, SettleError> {
    settle_on_network(members, interval_s, &NetworkCorrection::none(members.len()))
}

/// [`settle`] with what the island's network asks (`network`, indexed like `members`): its
/// losses covered, consumers shed and injections cut to keep its limits.
pub fn settle_on_network(
    members: &mut [Member],
    interval_s: f64,
    network: &NetworkCorrection,
) -> Result<IntervalAccount, SettleError> {
    check_inputs(members, interval_s)?;
    let n = members.len();
    debug_assert_eq!((network.shed.len(), network.injection_kept.len()), (n, n));
    // 1–2. What prosumers offer and DERs generate.
    let mut offer_kwh = vec![0.0; n];
    let mut full_offer_kwh = vec![0.0; n];
    let mut der_kwh = vec![0.0; n];
    let mut curtailed_for_limits_kwh = 0.0;
    let mut deliverable_kwh = vec![0.0; n];
    let mut absorbable_kwh = vec![0.0; n];
    let mut connected = Vec::new();
    let mut shed_by: Vec<Option<ShedBy>> = vec![None; n];
    let mut demand_kwh = 0.0;
    for (i, m) in members.iter().enumerate() {
        match &m.role {
            Role::Prosumer(p) => {
                full_offer_kwh[i] = export_offer_kwh(p, interval_s);
                offer_kwh[i] = full_offer_kwh[i] * network.injection_kept[i];
                curtailed_for_limits_kwh += full_offer_kwh[i] - offer_kwh[i];
            }
            Role::Der(d) => {
                der_kwh[i] = d.generation_kwh * network.injection_kept[i];
                curtailed_for_limits_kwh += d.generation_kwh - der_kwh[i];
            }
            Role::Bank(b) => {
                deliverable_kwh[i] = b.deliverable_kwh(interval_s);
                absorbable_kwh[i] = b.absorbable_kwh(interval_s);
            }
            Role::Consumer(c) => {
                demand_kwh += c.demand_kwh;
                if !c.relay_closed {
                    shed_by[i] = Some(ShedBy::Controller);
                } else if network.shed[i] {
                    shed_by[i] = Some(ShedBy::Limits);
                } else if network.tripped[i] {
                    shed_by[i] = Some(ShedBy::Protection);
                } else {
                    connected.push(Connected {
                        index: i,
                        priority: c.priority,
                        demand_kwh: c.demand_kwh,
                    });
                }
            }
        }
    }
    let der_available_kwh: f64 = der_kwh.iter().sum();
    let offered_kwh: f64 = offer_kwh.iter().sum();
    let bank_deliverable_kwh: f64 = deliverable_kwh.iter().sum();
    let bank_absorbable_kwh: f64 = absorbable_kwh.iter().sum();
    // 3. Protection sheds while the supply cannot cover the connected demand and the losses.
    let supply_kwh = der_available_kwh + offered_kwh + bank_deliverable_kwh;
    let mut load_kwh: f64 =
        connected.iter().map(|c| c.demand_kwh).sum::<f64>() + network.losses_kwh;
    let mut shed_by_protection: Vec<String> = (members.iter().zip(&shed_by))
        .filter(|(_, by)| **by == Some(ShedBy::Protection))
        .map(|(m, _)| m.id.clone())
        .collect();
    for c in shedding_order(members, connected) {
        if load_kwh - supply_kwh <= SHORT_WITHIN_KWH {
            break;
        }
        load_kwh -= c.demand_kwh;
        shed_by[c.index] = Some(ShedBy::Protection);
        shed_by_protection.push(members[c.index].id.clone());
    }
    let mut shed_kwh = [0.0; 3];
    let mut served_kwh = 0.0;
    for (i, m) in members.iter().enumerate() {
        if let Role::Consumer(c) = &m.role {
            match shed_by[i] {
                None => served_kwh += c.demand_kwh,
                Some(by) => shed_kwh[by as usize] += c.demand_kwh,
            }
        }
    }
    // Losses beyond what the supply can give once every consumer is shed are not supplied
    // (the network's own iteration finds smaller losses then).
    let losses_kwh = network.losses_kwh.min(supply_kwh - served_kwh).max(0.0);
    // 4–5. Banks balance; a surplus they cannot absorb is curtailed, DERs first.
    let net_kwh = der_available_kwh + offered_kwh - served_kwh - losses_kwh;
    let discharge_share = fraction(-net_kwh, bank_deliverable_kwh);
    let charge_share = fraction(net_kwh, bank_absorbable_kwh);
    let surplus_left_kwh = (net_kwh - charge_share * bank_absorbable_kwh).max(0.0);
    let der_curtailed_share = fraction(surplus_left_kwh, der_available_kwh);
    let export_curtailed_share = fraction(
        surplus_left_kwh - der_curtailed_share * der_available_kwh,
        offered_kwh,
    );
    let mut account = IntervalAccount {
        interval_s,
        demand_kwh,
        served_kwh,
        shed_by_controller_kwh: shed_kwh[ShedBy::Controller as usize],
        shed_by_protection_kwh: shed_kwh[ShedBy::Protection as usize],
        shed_by_limits_kwh: shed_kwh[ShedBy::Limits as usize],
        der_generation_kwh: 0.0,
        prosumer_export_kwh: 0.0,
        battery_discharge_kwh: 0.0,
        battery_charge_kwh: 0.0,
        curtailed_kwh: 0.0,
        curtailed_for_limits_kwh,
        losses_kwh,
        bank_soc_kwh: 0.0,
        shed_by_protection,
        flows: Vec::with_capacity(n),
    };
    for (i, m) in members.iter_mut().enumerate() {
        let flow = match &mut m.role {
            Role::Prosumer(p) => {
                let export_kwh = offer_kwh[i] * (1.0 - export_curtailed_share);
                account.prosumer_export_kwh += export_kwh;
                realise_prosumer(p, full_offer_kwh[i], export_kwh, interval_s)
            }
            Role::Consumer(c) => Flow::Consumer {
                demand_kwh: c.demand_kwh,
                served_kwh: if shed_by[i].is_none() {
                    c.demand_kwh
                } else {
                    0.0
                },
                shed_by: shed_by[i],
            },
            Role::Der(d) => {
                let curtailed_kwh =
                    (d.generation_kwh - der_kwh[i]) + der_kwh[i] * der_curtailed_share;
                let injected_kwh = d.generation_kwh - curtailed_kwh;
                account.der_generation_kwh += d.generation_kwh;
                account.curtailed_kwh += curtailed_kwh;
                Flow::Der {
                    generation_kwh: d.generation_kwh,
                    injected_kwh,
                    curtailed_kwh,
                }
            }
            Role::Bank(b) => {
                let discharge_kwh = b.discharge(deliverable_kwh[i] * discharge_share, interval_s);
                let charge_kwh = b.charge(absorbable_kwh[i] * charge_share, interval_s);
                account.battery_discharge_kwh += discharge_kwh;
                account.battery_charge_kwh += charge_kwh;
                account.bank_soc_kwh += b.soc_kwh();
                Flow::Bank {
                    discharge_kwh,
                    charge_kwh,
                    soc_kwh: b.soc_kwh(),
                }
            }
        };
        account.flows.push(EntityFlow {
            id: m.id.clone(),
            flow,
        });
    }
    Ok(account)
}

#[cfg(test)]
mod tests;
