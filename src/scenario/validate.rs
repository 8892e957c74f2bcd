//! Semantic checks of a parsed scenario: values in range, references that resolve, unique ids.
//! Each failure names the field path and says what was expected and what was found.

use super::{
    Distribution, MAX_DURATION_S, MIN_BLOCK_INTERVAL_S, NodeId, NodeKind, Scenario,
    TAIL_PROBABILITY,
};
use crate::chain;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A failed check: (field path, message).
pub(super) type Invalid = (String, String);

type Checked = Result<(), Invalid>;

fn fail(field: impl Into<String>, message: impl Into<String>) -> Checked {
    Err((field.into(), message.into()))
}

fn non_negative(field: &str, value: f64) -> Checked {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        fail(field, format!("must be >= 0, got {value}"))
    }
}

fn positive(field: &str, value: f64) -> Checked {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        fail(field, format!("must be > 0, got {value}"))
    }
}

fn share(field: &str, value: f64) -> Checked {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        fail(field, format!("must be between 0 and 1, got {value}"))
    }
}

/// A distribution of a duration or a factor: valid parameters and no negative draws.
fn non_negative_distribution(field: &str, distribution: &Distribution) -> Checked {
    distribution.validate().or_else(|m| fail(field, m))?;
    let lower = distribution.lower_bound();
    if lower < 0.0 {
        return fail(
            field,
            format!("can draw negative values (lower bound {lower}); bound it at 0 or above"),
        );
    }
    Ok(())
}

/// Runs every check, returning the first failure.
pub(super) fn validate(scenario: &Scenario) -> Checked {
    if scenario.name.trim().is_empty() {
        return fail("name", "must not be empty");
    }
    check_time(scenario)?;
    let nodes = check_grid(scenario)?;
    check_line_codes(scenario)?;
    let prosumers = check_entities(scenario, &nodes)?;
    check_profiles(scenario)?;
    check_tariffs(scenario)?;
    check_on_chain(scenario)?;
    let lines = line_set(scenario);
    check_faults(scenario, &lines)?;
    check_network_and_timing(scenario)?;
    check_chain(&scenario.chain)?;
    check_optimiser(scenario, &prosumers)?;
    check_monte_carlo(scenario, &lines)?;
    check_durations(scenario)?;
    check_reliability(scenario)?;
    check_round_fits_interval(scenario)
}

/// What a valid scenario will do that its author may not expect, as (field path, message).
pub(super) fn warnings(s: &Scenario) -> Vec<Invalid> {
    let mut found = Vec::new();
    let interval_s = s.time.meter_interval_s;
    let slowest = AfterAllocation::of(s, Bound::Upper);
    if slowest.total_s() > interval_s {
        found.push((
            "time.meter_interval_s".to_string(),
            format!(
                "{interval_s} s is shorter than the slowest time from an allocation to its relays \
                 switched ({}, upper bounds of the bounded timing distributions): rounds that slow can miss their delivery interval, so prosumers \
                 that delivered are taken for back-offs",
                slowest.describe()
            ),
        ));
    }
    if let Some(d) = &s.monte_carlo.fault_time_s {
        let last_s = d.upper_bound() + fault_spread_s(s);
        if last_s >= s.time.horizon_s {
            found.push((
                "monte_carlo.fault_time_s".to_string(),
                format!(
                    "faults can be drawn up to {last_s} s, at or after the horizon ({} s): those \
                     runs are censored (status `censored`, reason `fault_after_horizon`)",
                    s.time.horizon_s
                ),
            ));
        }
    }
    found
}

/// The spread of the scenario's own fault times, s: a drawn fault time moves the first fault
/// and keeps the others at their distance from it.
fn fault_spread_s(s: &Scenario) -> f64 {
    let times = s.faults.iter().map(|f| s.fault_time_s(f));
    let first = times.clone().fold(f64::INFINITY, f64::min);
    let last = times.fold(f64::NEG_INFINITY, f64::max);
    if s.monte_carlo.fault_sets.is_empty() && first.is_finite() {
        last - first
    } else {
        0.0
    }
}

/// Which end of the timing distributions to take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bound {
    Lower,
    Upper,
}

impl Bound {
    fn of(self, d: &Distribution) -> f64 {
        match self {
            Bound::Lower => d.lower_bound(),
            // An unbounded law has no slowest draw: count it at its least.
            Bound::Upper => Some(d.upper_bound())
                .filter(|u| u.is_finite())
                .unwrap_or(d.lower_bound()),
        }
    }
}

/// The part of a restoration round between its allocation and its relays switched, by one
/// bound of every timing distribution (`lower_bound` or `upper_bound`), s. A round allocates
/// for the delivery interval that starts between one and two meter intervals after the
/// allocation (the one after next, `sim::coordinator`); its prosumers deliver only once their
/// relays have switched.
struct AfterAllocation {
    /// Recording the allocation on chain: OptimisationHandler's service time and the blocks it
    /// waits for.
    chain_s: f64,
    /// The relay command and its acknowledgement over the network.
    network_s: f64,
    /// Relay actuation.
    switching_s: f64,
}

impl AfterAllocation {
    fn of(s: &Scenario, bound: Bound) -> Self {
        let chain = &s.chain;
        let block_s = match (&chain.mining, &s.monte_carlo.block_interval_s) {
            (super::Mining::Instant, _) => 0.0,
            (_, Some(varied)) => bound.of(varied),
            (_, None) => chain.block_interval_s.as_ref().map_or(0.0, |d| bound.of(d)),
        };
        // The including block may come at once, or a whole block interval later.
        let confirmations = f64::from(chain.confirmations);
        let blocks = match bound {
            Bound::Lower => confirmations - 1.0,
            Bound::Upper => confirmations,
        };
        AfterAllocation {
            chain_s: bound.of(&chain.service_time_s.optimisation_handler) + blocks * block_s,
            network_s: 2.0
                * bound.of(&s.network.latency_s)
                * bound.of(&s.monte_carlo.latency_factor),
            switching_s: bound.of(&s.timing.switching_delay_s),
        }
    }

    fn total_s(&self) -> f64 {
        self.chain_s + self.network_s + self.switching_s
    }

    fn describe(&self) -> String {
        format!(
            "{:.3} s: recording the allocation on chain {:.3} s, relay command and \
             acknowledgement {:.3} s, switching {:.3} s",
            self.total_s(),
            self.chain_s,
            self.network_s,
            self.switching_s
        )
    }
}

/// A round must be able to switch its relays within one meter interval of its allocation:
/// otherwise even a round whose allocation comes early in its interval misses the start of the
/// delivery interval, its prosumers' readings fall short of their shares, they are taken for
/// back-offs and settlement never happens.
fn check_round_fits_interval(s: &Scenario) -> Checked {
    let interval_s = s.time.meter_interval_s;
    let fastest = AfterAllocation::of(s, Bound::Lower);
    if interval_s < fastest.total_s() {
        return fail(
            "time.meter_interval_s",
            format!(
                "{interval_s} s is shorter than the least time a restoration round needs from its \
                 allocation to its relays switched ({}, lower bounds of the timing \
                 distributions): a round whose allocation comes late in its interval cannot switch \
                 before the delivery interval it names (one to two intervals later), so \
                 prosumers that deliver are taken for back-offs and settlement may never happen",
                fastest.describe()
            ),
        );
    }
    Ok(())
}

fn check_reliability(s: &Scenario) -> Checked {
    let r = &s.reliability;
    positive("reliability.asai_period_min", r.asai_period_min)?;
    for (i, &t) in r.celid_t_min.iter().enumerate() {
        non_negative(&format!("reliability.celid_t_min[{i}]"), t)?;
    }
    Ok(())
}

/// The values the contracts are given, converted by the very functions `run` deploys them
/// with (`ledger::deploy`), so that whatever passes here is accepted on chain.
fn check_on_chain(s: &Scenario) -> Checked {
    let unrepresentable = |field: String| {
        move |e: chain::ChainError| match e {
            chain::ChainError::Unrepresentable { message, .. } => (field, message),
            other => (field, other.to_string()),
        }
    };
    for (i, node) in s.grid.nodes.iter().enumerate() {
        chain::node_number(node.id).map_err(unrepresentable(format!("grid.nodes[{i}].id")))?;
    }
    for (field, kwh) in entity_energies(s) {
        if kwh > chain::MAX_ENERGY_KWH {
            fail(
                &field,
                format!(
                    "{kwh} kWh is more than the contracts hold for one entity ({} kWh)",
                    chain::MAX_ENERGY_KWH
                ),
            )?;
        }
        check_drawn_energy(s, &field, kwh)?;
    }
    chain::interval_seconds(s.time.meter_interval_s)
        .map_err(unrepresentable("time.meter_interval_s".into()))?;
    chain::base_tariff_paise(s.tariffs.prosumer_base_inr_per_kwh)
        .map_err(unrepresentable("tariffs.prosumer_base_inr_per_kwh".into()))?;
    match chain::SlabSchedule::try_from(&s.tariffs.consumer) {
        Ok(_) => Ok(()),
        Err(chain::ChainError::Unrepresentable { field, message }) => {
            fail(format!("tariffs.consumer.{field}"), message)
        }
        Err(other) => fail("tariffs.consumer", other.to_string()),
    }
}

/// Every energy of every entity, with its field path.
/// A run multiplies generation by its drawn weather factor and consumption by its demand
/// factor: even the factor's far tail (`Distribution::tail_bound`) must leave the energy within
/// what the contracts hold, or a rare run would saturate its readings on chain.
fn check_drawn_energy(s: &Scenario, field: &str, kwh: f64) -> Checked {
    let mc = &s.monte_carlo;
    let (factor_field, factor) = if field.ends_with("generation_kwh") {
        ("monte_carlo.weather_factor", &mc.weather_factor)
    } else if field.ends_with("consumption_kwh") || field.ends_with("demand_kwh") {
        ("monte_carlo.demand_factor", &mc.demand_factor)
    } else {
        return Ok(());
    };
    let drawn_kwh = kwh * factor.tail_bound();
    if drawn_kwh > chain::MAX_ENERGY_KWH {
        return fail(
            factor_field,
            format!(
                "its draws (up to {:.3e} in all but 1e-12 of runs) take {field} ({kwh} kWh) to \
                 {drawn_kwh:.3e} kWh, more than the contracts hold for one entity ({} kWh)",
                factor.tail_bound(),
                chain::MAX_ENERGY_KWH
            ),
        );
    }
    Ok(())
}

fn entity_energies(s: &Scenario) -> Vec<(String, f64)> {
    let e = &s.entities;
    let mut all = Vec::new();
    for (i, p) in e.prosumers.iter().enumerate() {
        for (name, kwh) in [
            ("export_prev_kwh", p.export_prev_kwh),
            ("generation_kwh", p.generation_kwh),
            ("battery_kwh", p.battery_kwh),
            ("consumption_kwh", p.consumption_kwh),
        ] {
            all.push((format!("entities.prosumers[{i}].{name}"), kwh));
        }
    }
    for (i, c) in e.consumers.iter().enumerate() {
        all.push((format!("entities.consumers[{i}].demand_kwh"), c.demand_kwh));
        if let Some(monthly) = c.monthly_kwh {
            all.push((format!("entities.consumers[{i}].monthly_kwh"), monthly));
        }
    }
    for (kind, ders) in [("solar", &e.solar), ("wind", &e.wind)] {
        for (i, d) in ders.iter().enumerate() {
            all.push((
                format!("entities.{kind}[{i}].generation_kwh"),
                d.generation_kwh,
            ));
        }
    }
    for (i, b) in e.batteries.iter().enumerate() {
        for (name, kwh) in [
            ("capacity_kwh", b.capacity_kwh),
            ("stored_kwh", b.stored_kwh),
            ("charge_kwh", b.charge_kwh),
            ("discharge_kwh", b.discharge_kwh),
        ] {
            all.push((format!("entities.batteries[{i}].{name}"), kwh));
        }
    }
    all
}

fn check_time(s: &Scenario) -> Checked {
    let t = &s.time;
    positive("time.horizon_s", t.horizon_s)?;
    positive("time.meter_interval_s", t.meter_interval_s)?;
    non_negative("time.outage_at_s", t.outage_at_s)?;
    if t.meter_interval_s > t.horizon_s {
        return fail(
            "time.meter_interval_s",
            format!("must not exceed the horizon ({} s)", t.horizon_s),
        );
    }
    if t.outage_at_s >= t.horizon_s {
        return fail(
            "time.outage_at_s",
            format!("must fall inside the horizon [0, {} s)", t.horizon_s),
        );
    }
    Ok(())
}

/// Checks nodes and lines; returns each node's kind by id.
fn check_grid(s: &Scenario) -> Result<HashMap<NodeId, NodeKind>, Invalid> {
    if s.grid.nodes.is_empty() {
        return Err(("grid.nodes".into(), "the grid has no nodes".into()));
    }
    let mut kinds = HashMap::new();
    let mut first_index = HashMap::new();
    for (i, node) in s.grid.nodes.iter().enumerate() {
        if let Some(previous) = first_index.insert(node.id, i) {
            fail(
                format!("grid.nodes[{i}].id"),
                format!("duplicate node {} (also grid.nodes[{previous}])", node.id),
            )?;
        }
        kinds.insert(node.id, node.kind);
        if let Some(base_kv) = node.base_kv {
            positive(&format!("grid.nodes[{i}].base_kv"), base_kv)?;
        }
    }
    let band = s.grid.power_flow.voltage_band_pu;
    if !(band > 0.0 && band < 1.0) {
        fail(
            "grid.power_flow.voltage_band_pu",
            format!("must be in (0, 1) pu, got {band}"),
        )?;
    }
    if !kinds.values().any(|k| *k == NodeKind::Source) {
        fail(
            "grid.nodes",
            "no node of kind `source`: the grid needs the utility supply",
        )?;
    }
    let mut seen = HashMap::new();
    for (i, line) in s.grid.lines.iter().enumerate() {
        for (end, id) in [("from", line.from), ("to", line.to)] {
            if !kinds.contains_key(&id) {
                fail(format!("grid.lines[{i}].{end}"), format!("no node {id}"))?;
            }
        }
        if line.from == line.to {
            fail(
                format!("grid.lines[{i}]"),
                format!("connects node {} to itself", line.from),
            )?;
        }
        if let Some(length_km) = line.length_km {
            positive(&format!("grid.lines[{i}].length_km"), length_km)?;
        }
        check_line_electrics(s, i, line)?;
        let key = (line.from.min(line.to), line.from.max(line.to));
        if let Some(previous) = seen.insert(key, i) {
            fail(
                format!("grid.lines[{i}]"),
                format!(
                    "duplicate line between nodes {} and {} (also grid.lines[{previous}])",
                    key.0, key.1
                ),
            )?;
        }
    }
    Ok(kinds)
}

/// Checks an imported line's electrical data: its code exists, its phases are 1–3, its
/// ratings are positive.
fn check_line_electrics(s: &Scenario, i: usize, line: &super::Line) -> Checked {
    let f = format!("grid.lines[{i}]");
    if let Some(code) = &line.code
        && !s.grid.line_codes.contains_key(code)
    {
        fail(
            format!("{f}.code"),
            format!("no line code `{code}` in grid.line_codes"),
        )?;
    }
    if let Some(phase) = line.phases.iter().find(|p| !(1..=3).contains(*p)) {
        fail(
            format!("{f}.phases"),
            format!("phases are 1, 2 or 3, got {phase}"),
        )?;
    }
    if let Some(rating_a) = line.rating_a {
        positive(&format!("{f}.rating_a"), rating_a)?;
    }
    match (&line.transformer, line.kind) {
        (Some(t), super::LineKind::Transformer) => {
            for (key, value) in [("kva", t.kva), ("from_kv", t.from_kv), ("to_kv", t.to_kv)] {
                positive(&format!("{f}.transformer.{key}"), value)?;
            }
            for (key, value) in [("r_pct", t.r_pct), ("x_pct", t.x_pct)] {
                non_negative(&format!("{f}.transformer.{key}"), value)?;
            }
        }
        (Some(_), _) => fail(
            format!("{f}.transformer"),
            "only a line of `kind: transformer` has a transformer rating",
        )?,
        (None, _) => {}
    }
    Ok(())
}

/// Checks a line code's impedances: non-negative resistances, square matrices of its phases.
fn check_line_codes(s: &Scenario) -> Checked {
    for (name, code) in &s.grid.line_codes {
        let f = format!("grid.line_codes.{name}");
        if !(1..=3).contains(&code.phases) {
            fail(
                format!("{f}.phases"),
                format!("must be 1, 2 or 3, got {}", code.phases),
            )?;
        }
        for (key, value) in [
            ("r1_ohm_per_km", code.r1_ohm_per_km),
            ("r0_ohm_per_km", code.r0_ohm_per_km),
        ] {
            if let Some(value) = value {
                non_negative(&format!("{f}.{key}"), value)?;
            }
        }
        for (key, matrix) in [
            ("r_matrix_ohm_per_km", &code.r_matrix_ohm_per_km),
            ("x_matrix_ohm_per_km", &code.x_matrix_ohm_per_km),
        ] {
            let n = code.phases as usize;
            if !matrix.is_empty() && (matrix.len() != n || matrix.iter().any(|row| row.len() != n))
            {
                fail(
                    format!("{f}.{key}"),
                    format!("must be {n} rows of {n} values"),
                )?;
            }
        }
        if let Some(rating_a) = code.rating_a {
            positive(&format!("{f}.rating_a"), rating_a)?;
        }
    }
    Ok(())
}

/// A power factor, when given, is in [−1, 1] and not 0 (negative: leading).
fn check_power_factor(field: &str, pf: Option<f64>) -> Checked {
    match pf {
        Some(pf) if !(pf.abs() <= 1.0 && pf != 0.0) => {
            fail(field, format!("must be in [-1, 1] and not 0, got {pf}"))
        }
        _ => Ok(()),
    }
}

/// A load's connection names distinct phases 1–3, two or three of them when delta.
fn check_connection(field: &str, connection: Option<&super::LoadConnection>) -> Checked {
    let Some(c) = connection else {
        return Ok(());
    };
    let distinct: BTreeSet<u32> = c.phases.iter().copied().collect();
    if c.phases.is_empty()
        || distinct.len() != c.phases.len()
        || c.phases.iter().any(|p| !(1..=3).contains(p))
    {
        fail(
            format!("{field}.phases"),
            format!("must be distinct phases 1, 2 or 3, got {:?}", c.phases),
        )?;
    }
    if c.delta && c.phases.len() < 2 {
        fail(
            format!("{field}.delta"),
            "a delta load connects between two or three phases",
        )?;
    }
    Ok(())
}

/// Checks every entity; returns the prosumers' alpha_max by id.
fn check_entities(
    s: &Scenario,
    nodes: &HashMap<NodeId, NodeKind>,
) -> Result<BTreeMap<String, f64>, Invalid> {
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut place = |field: String, id: &str, node: NodeId| -> Checked {
        if id.trim().is_empty() {
            return fail(format!("{field}.id"), "must not be empty");
        }
        if let Some(previous) = ids.insert(id.to_string(), field.clone()) {
            return fail(
                format!("{field}.id"),
                format!("duplicate entity id `{id}` (also {previous})"),
            );
        }
        match nodes.get(&node) {
            None => fail(
                format!("{field}.node"),
                format!("no node {node} in the grid"),
            ),
            Some(NodeKind::Entity) => Ok(()),
            Some(kind) => fail(
                format!("{field}.node"),
                format!(
                    "node {node} is a {kind:?} node; entities connect to nodes of kind `entity`"
                ),
            ),
        }
    };
    let e = &s.entities;
    let mut prosumers = BTreeMap::new();
    for (i, p) in e.prosumers.iter().enumerate() {
        let f = format!("entities.prosumers[{i}]");
        place(f.clone(), &p.id, p.node)?;
        non_negative(&format!("{f}.export_prev_kwh"), p.export_prev_kwh)?;
        non_negative(&format!("{f}.generation_kwh"), p.generation_kwh)?;
        non_negative(&format!("{f}.battery_kwh"), p.battery_kwh)?;
        non_negative(&format!("{f}.consumption_kwh"), p.consumption_kwh)?;
        check_power_factor(&format!("{f}.power_factor"), p.power_factor)?;
        check_connection(&format!("{f}.connection"), p.connection.as_ref())?;
        share(&format!("{f}.alpha_max"), p.alpha_max)?;
        if let Some(battery) = &p.battery {
            let capacity_field = format!("{f}.battery.capacity_kwh");
            let Some(capacity_kwh) = battery.capacity_kwh else {
                return Err((
                    capacity_field,
                    "required: a prosumer's battery needs its capacity".into(),
                ));
            };
            positive(&capacity_field, capacity_kwh)?;
            check_battery(&format!("{f}.battery"), battery, capacity_kwh)?;
            let soc = battery.initial_soc();
            if !(battery.reserve..=1.0).contains(&soc) {
                fail(
                    format!("{f}.battery.initial_soc"),
                    format!(
                        "must lie between the reserve ({}) and 1, got {soc}",
                        battery.reserve
                    ),
                )?;
            }
        }
        prosumers.insert(p.id.clone(), p.alpha_max);
    }
    for (i, c) in e.consumers.iter().enumerate() {
        let f = format!("entities.consumers[{i}]");
        place(f.clone(), &c.id, c.node)?;
        non_negative(&format!("{f}.demand_kwh"), c.demand_kwh)?;
        check_power_factor(&format!("{f}.power_factor"), c.power_factor)?;
        check_connection(&format!("{f}.connection"), c.connection.as_ref())?;
        if let Some(monthly) = c.monthly_kwh {
            positive(&format!("{f}.monthly_kwh"), monthly)?;
        }
    }
    for (kind, ders) in [("solar", &e.solar), ("wind", &e.wind)] {
        for (i, d) in ders.iter().enumerate() {
            let f = format!("entities.{kind}[{i}]");
            place(f.clone(), &d.id, d.node)?;
            non_negative(&format!("{f}.generation_kwh"), d.generation_kwh)?;
        }
    }
    for (i, b) in e.batteries.iter().enumerate() {
        let f = format!("entities.batteries[{i}]");
        place(f.clone(), &b.id, b.node)?;
        non_negative(&format!("{f}.capacity_kwh"), b.capacity_kwh)?;
        non_negative(&format!("{f}.stored_kwh"), b.stored_kwh)?;
        non_negative(&format!("{f}.charge_kwh"), b.charge_kwh)?;
        non_negative(&format!("{f}.discharge_kwh"), b.discharge_kwh)?;
        if b.discharge_kwh > b.stored_kwh {
            fail(
                format!("{f}.discharge_kwh"),
                format!(
                    "a bank cannot give out more than it stores: must not exceed stored_kwh ({}), got {}",
                    b.stored_kwh, b.discharge_kwh
                ),
            )?;
        }
        if b.stored_kwh > b.capacity_kwh {
            fail(
                format!("{f}.stored_kwh"),
                format!(
                    "must not exceed capacity_kwh ({}), got {}",
                    b.capacity_kwh, b.stored_kwh
                ),
            )?;
        }
        if let Some(battery) = &b.battery {
            for (key, given) in [
                ("capacity_kwh", battery.capacity_kwh.is_some()),
                ("initial_soc", battery.initial_soc.is_some()),
            ] {
                if given {
                    fail(
                        format!("{f}.battery.{key}"),
                        "a bank's capacity and initial state are its own capacity_kwh and \
                         stored_kwh: remove this key",
                    )?;
                }
            }
            positive(&format!("{f}.capacity_kwh"), b.capacity_kwh)?;
            check_battery(&format!("{f}.battery"), battery, b.capacity_kwh)?;
            let reserve_kwh = battery.reserve * b.capacity_kwh;
            if b.stored_kwh < reserve_kwh {
                fail(
                    format!("{f}.stored_kwh"),
                    format!(
                        "must be at least the battery's reserve ({} of {} kWh = {reserve_kwh} \
                         kWh), got {}",
                        battery.reserve, b.capacity_kwh, b.stored_kwh
                    ),
                )?;
            }
        }
    }
    Ok(prosumers)
}

/// A battery block's power limits, efficiency and reserve, for a battery of `capacity_kwh`;
/// fields named from `field` (`entities.prosumers[0].battery`).
fn check_battery(field: &str, b: &super::BatteryConfig, capacity_kwh: f64) -> Checked {
    // As given, or the default (a multiple of the capacity).
    non_negative(&format!("{field}.charge_kw"), b.charge_kw(capacity_kwh))?;
    non_negative(
        &format!("{field}.discharge_kw"),
        b.discharge_kw(capacity_kwh),
    )?;
    let eta = b.round_trip_efficiency;
    if !(eta > 0.0 && eta <= 1.0) {
        fail(
            format!("{field}.round_trip_efficiency"),
            format!("must be in (0, 1], got {eta}"),
        )?;
    }
    if !(0.0..1.0).contains(&b.reserve) {
        fail(
            format!("{field}.reserve"),
            format!("must be in [0, 1), got {}", b.reserve),
        )?;
    }
    Ok(())
}

/// Parses `time.start_date`, an ISO 8601 calendar date.
pub(crate) fn start_date(text: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| format!("must be an ISO 8601 date such as 2024-05-01, got `{text}` ({e})"))
}

/// Location, start date, reference time, every profile's parameters, and every entity's
/// reference to a profile of a model that fits it (docs/model.md §9). Whether a profile is
/// zero at the reference, and whether a series file reads, is checked where the profiles are
/// built ([`crate::plant::profile::Profiles::load`]).
fn check_profiles(s: &Scenario) -> Checked {
    if let Some(l) = &s.location {
        let within = |field: &str, value: f64, bound: f64| {
            if value.is_finite() && value.abs() <= bound {
                Ok(())
            } else {
                fail(
                    field,
                    format!("must be in [-{bound}, {bound}], got {value}"),
                )
            }
        };
        within("location.latitude_deg", l.latitude_deg, 90.0)?;
        within("location.longitude_deg", l.longitude_deg, 180.0)?;
        within("location.utc_offset_h", l.utc_offset_h, 14.0)?;
    }
    if let Some(date) = &s.time.start_date
        && let Err(message) = start_date(date)
    {
        fail("time.start_date", message)?;
    }
    if let Some(reference_s) = s.time.reference_at_s {
        non_negative("time.reference_at_s", reference_s)?;
        bounded_duration("time.reference_at_s", reference_s)?;
    }
    for (name, spec) in &s.profiles {
        check_profile(s, &format!("profiles.{name}"), spec)?;
    }
    let e = &s.entities;
    let mut uses: Vec<(String, &Option<String>, &[&str])> = Vec::new();
    const GENERATION: &[&str] = &["solar", "wind", "series"];
    const LOAD: &[&str] = &["load", "series"];
    for (i, p) in e.prosumers.iter().enumerate() {
        let f = format!("entities.prosumers[{i}]");
        uses.push((
            format!("{f}.generation_profile"),
            &p.generation_profile,
            GENERATION,
        ));
        uses.push((
            format!("{f}.consumption_profile"),
            &p.consumption_profile,
            LOAD,
        ));
    }
    for (i, c) in e.consumers.iter().enumerate() {
        uses.push((format!("entities.consumers[{i}].profile"), &c.profile, LOAD));
    }
    for (kind, ders, fits) in [
        ("solar", &e.solar, &["solar", "series"]),
        ("wind", &e.wind, &["wind", "series"]),
    ] {
        for (i, d) in ders.iter().enumerate() {
            uses.push((format!("entities.{kind}[{i}].profile"), &d.profile, fits));
        }
    }
    for (field, name, fits) in uses {
        let Some(name) = name else { continue };
        let Some(spec) = s.profiles.get(name) else {
            let known: Vec<&str> = s.profiles.keys().map(String::as_str).collect();
            return fail(
                field,
                format!(
                    "no profile `{name}` in `profiles` (there are: {})",
                    known.join(", ")
                ),
            );
        };
        if !fits.contains(&spec.model()) {
            return fail(
                field,
                format!(
                    "profile `{name}` is a `{}` profile; this entity takes {}",
                    spec.model(),
                    fits.join(" or ")
                ),
            );
        }
    }
    Ok(())
}

/// One profile's parameters, and the scenario keys its model needs.
fn check_profile(s: &Scenario, f: &str, spec: &super::ProfileSpec) -> Checked {
    use super::ProfileSpec;
    let needs_date = |what: &str| {
        if s.time.start_date.is_none() {
            fail(
                f,
                format!("{what} needs `time.start_date` (the calendar day of simulated time 0)"),
            )
        } else {
            Ok(())
        }
    };
    match spec {
        ProfileSpec::Solar(solar) => {
            if s.location.is_none() {
                fail(
                    f,
                    "a solar profile needs `location` (latitude, longitude, UTC offset) for the \
                     sun's position",
                )?;
            }
            needs_date("a solar profile")?;
            let field = format!("{f}.solar.weather");
            solar.weather.validate().or_else(|m| fail(&field, m))?;
            let lower = solar.weather.lower_bound();
            if lower.is_nan() || lower <= 0.0 {
                fail(
                    &field,
                    format!(
                        "can draw a factor of {lower} or less: a day's factor must be > 0 (energies \
                         are relative to the reference day's)"
                    ),
                )?;
            }
            if !solar.weather.tail_bound().is_finite() {
                fail(&field, "must be bounded above")?;
            }
        }
        ProfileSpec::Wind(w) => {
            let field = |key: &str| format!("{f}.wind.{key}");
            positive(&field("weibull_scale_m_s"), w.weibull_scale_m_s)?;
            positive(&field("weibull_shape"), w.weibull_shape)?;
            if !(0.0..1.0).contains(&w.persistence) {
                fail(
                    field("persistence"),
                    format!("must be in [0, 1), got {}", w.persistence),
                )?;
            }
            non_negative(&field("cut_in_m_s"), w.cut_in_m_s)?;
            positive(&field("cut_out_m_s"), w.cut_out_m_s)?;
            if !(w.cut_in_m_s < w.rated_m_s && w.rated_m_s < w.cut_out_m_s) {
                fail(
                    field("rated_m_s"),
                    format!(
                        "need cut_in_m_s < rated_m_s < cut_out_m_s, got {} < {} < {}",
                        w.cut_in_m_s, w.rated_m_s, w.cut_out_m_s
                    ),
                )?;
            }
            let reference = w.reference_speed_m_s.unwrap_or(w.rated_m_s);
            if !(w.cut_in_m_s < reference && reference < w.cut_out_m_s) {
                fail(
                    field("reference_speed_m_s"),
                    format!(
                        "the turbine produces nothing at {reference} m/s (outside cut-in {} to \
                         cut-out {} m/s), so no energy can be scaled to the reference interval",
                        w.cut_in_m_s, w.cut_out_m_s
                    ),
                )?;
            }
        }
        ProfileSpec::Load(load) => {
            needs_date("a load profile")?;
            if let Some(weekend) = load.weekend_factor {
                positive(&format!("{f}.load.weekend_factor"), weekend)?;
            }
            let amplitude = load.seasonal_amplitude;
            if !(0.0..1.0).contains(&amplitude) {
                fail(
                    format!("{f}.load.seasonal_amplitude"),
                    format!("must be in [0, 1), got {amplitude}"),
                )?;
            }
            if !(1.0..=366.0).contains(&load.seasonal_peak_day) {
                fail(
                    format!("{f}.load.seasonal_peak_day"),
                    format!(
                        "must be a day of the year, 1 to 366, got {}",
                        load.seasonal_peak_day
                    ),
                )?;
            }
        }
        ProfileSpec::Series(series) => {
            let path = std::path::Path::new(&series.path);
            let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if !["csv", "parquet"]
                .iter()
                .any(|e| extension.eq_ignore_ascii_case(e))
            {
                fail(
                    format!("{f}.series.path"),
                    format!(
                        "must name a `.csv` or `.parquet` file, got `{}`",
                        series.path
                    ),
                )?;
            }
            if series.time_column.is_empty() {
                fail(format!("{f}.series.time_column"), "must not be empty")?;
            }
        }
    }
    Ok(())
}

fn check_tariffs(s: &Scenario) -> Checked {
    non_negative(
        "tariffs.prosumer_base_inr_per_kwh",
        s.tariffs.prosumer_base_inr_per_kwh,
    )?;
    s.tariffs
        .consumer
        .validate()
        .or_else(|e| fail(format!("tariffs.consumer.{}", e.field), e.message))
}

/// Lines as unordered node pairs.
/// The lines in service (not normally open), as ordered node pairs.
fn line_set(s: &Scenario) -> BTreeSet<(NodeId, NodeId)> {
    s.grid
        .lines
        .iter()
        .filter(|l| !l.normally_open)
        .map(|l| (l.from.min(l.to), l.from.max(l.to)))
        .collect()
}

fn check_line_ref(field: &str, line: [NodeId; 2], lines: &BTreeSet<(NodeId, NodeId)>) -> Checked {
    let [a, b] = line;
    if lines.contains(&(a.min(b), a.max(b))) {
        Ok(())
    } else {
        fail(
            field,
            format!("no line in service between nodes {a} and {b} (a normally open one is not)"),
        )
    }
}

fn check_faults(s: &Scenario, lines: &BTreeSet<(NodeId, NodeId)>) -> Checked {
    for (i, fault) in s.faults.iter().enumerate() {
        check_line_ref(&format!("faults[{i}].line"), fault.line, lines)?;
        if let Some(at_s) = fault.at_s
            && !(0.0..s.time.horizon_s).contains(&at_s)
        {
            fail(
                format!("faults[{i}].at_s"),
                format!(
                    "must fall inside the horizon [0, {} s), got {at_s}",
                    s.time.horizon_s
                ),
            )?;
        }
        if let Some(d) = &fault.repair_time_s {
            non_negative_distribution(&format!("faults[{i}].repair_time_s"), d)?;
        }
    }
    Ok(())
}

fn check_network_and_timing(s: &Scenario) -> Checked {
    let n = &s.network;
    non_negative_distribution("network.latency_s", &n.latency_s)?;
    if !(0.0..1.0).contains(&n.loss_probability) {
        fail(
            "network.loss_probability",
            format!("must be in [0, 1), got {}", n.loss_probability),
        )?;
    }
    positive("network.retry_timeout_s", n.retry_timeout_s)?;
    let t = &s.timing;
    non_negative_distribution("timing.detection_delay_s", &t.detection_delay_s)?;
    non_negative_distribution("timing.switching_delay_s", &t.switching_delay_s)?;
    if let super::OptimiserTime::Modelled(d) = &t.optimiser_time_s {
        non_negative_distribution("timing.optimiser_time_s", d)?;
    }
    if let Some(d) = &t.resync_delay_s {
        non_negative_distribution("timing.resync_delay_s", d)?;
    }
    positive(
        "timing.pre_outage_optimiser_period_s",
        t.pre_outage_optimiser_period_s,
    )
}

/// Checks a chain section (a scenario's `chain:` or a benchmark's chain profile); fields are
/// named from `chain.`.
pub(crate) fn check_chain(c: &super::ChainConfig) -> Checked {
    match (&c.mining, &c.block_interval_s) {
        (super::Mining::Interval, None) => fail(
            "chain.block_interval_s",
            "required when chain.mining is `interval`",
        )?,
        (_, Some(interval)) => {
            non_negative_distribution("chain.block_interval_s", interval)?;
            if interval.lower_bound() <= 0.0 && interval.is_fixed() {
                fail("chain.block_interval_s", "must be > 0")?;
            }
        }
        (super::Mining::Instant, None) => {}
    }
    if c.gas_limit_per_block == 0 {
        fail("chain.gas_limit_per_block", "must be > 0")?;
    }
    if c.confirmations == 0 {
        fail(
            "chain.confirmations",
            "must be >= 1 (the including block counts as the first)",
        )?;
    }
    if c.mining == super::Mining::Instant && c.confirmations > 1 {
        fail(
            "chain.confirmations",
            "must be 1 with instant mining: no later block is mined without a new transaction",
        )?;
    }
    for (name, d) in c.service_time_s.by_key() {
        non_negative_distribution(&format!("chain.service_time_s.{name}"), d)?;
    }
    check_chain_time(c)
}

fn check_optimiser(s: &Scenario, prosumers: &BTreeMap<String, f64>) -> Checked {
    let o = &s.optimiser;
    share("optimiser.beta_min", o.beta_min)?;
    for (id, &alpha_min) in &o.alpha_min {
        let field = format!("optimiser.alpha_min.{id}");
        let Some(&alpha_max) = prosumers.get(id) else {
            return fail(field, format!("no prosumer `{id}`"));
        };
        share(&field, alpha_min)?;
        if alpha_min > alpha_max {
            fail(
                field,
                format!("must not exceed the prosumer's alpha_max ({alpha_max}), got {alpha_min}"),
            )?;
        }
    }
    for (i, id) in o.back_off.iter().enumerate() {
        if !prosumers.contains_key(id) {
            fail(
                format!("optimiser.back_off[{i}]"),
                format!("no prosumer `{id}`"),
            )?;
        }
    }
    Ok(())
}

fn check_monte_carlo(s: &Scenario, lines: &BTreeSet<(NodeId, NodeId)>) -> Checked {
    let m = &s.monte_carlo;
    if m.runs == 0 {
        fail("monte_carlo.runs", "must be >= 1")?;
    }
    if let Some(d) = &m.fault_time_s {
        non_negative_distribution("monte_carlo.fault_time_s", d)?;
        if d.lower_bound() >= s.time.horizon_s {
            fail(
                "monte_carlo.fault_time_s",
                format!(
                    "every draw (from {} s) is at or after the horizon ({} s): no fault would \
                     strike inside the simulated window",
                    d.lower_bound(),
                    s.time.horizon_s
                ),
            )?;
        }
    }
    for (i, set) in m.fault_sets.iter().enumerate() {
        if set.lines.is_empty() {
            fail(
                format!("monte_carlo.fault_sets[{i}].lines"),
                "a fault set needs at least one line",
            )?;
        }
        for (j, line) in set.lines.iter().enumerate() {
            check_line_ref(
                &format!("monte_carlo.fault_sets[{i}].lines[{j}]"),
                *line,
                lines,
            )?;
        }
        positive(&format!("monte_carlo.fault_sets[{i}].weight"), set.weight)?;
        if let Some(d) = &set.repair_time_s {
            non_negative_distribution(&format!("monte_carlo.fault_sets[{i}].repair_time_s"), d)?;
        }
    }
    check_event_rates(s)?;
    non_negative_distribution("monte_carlo.weather_factor", &m.weather_factor)?;
    non_negative_distribution("monte_carlo.demand_factor", &m.demand_factor)?;
    non_negative_distribution("monte_carlo.latency_factor", &m.latency_factor)?;
    if let Some(interval) = &m.block_interval_s {
        non_negative_distribution("monte_carlo.block_interval_s", interval)?;
        if s.chain.mining != super::Mining::Interval {
            fail(
                "monte_carlo.block_interval_s",
                "varies the block interval, so it needs chain.mining `interval`",
            )?;
        }
    }
    share("monte_carlo.back_off_probability", m.back_off_probability)
}

/// The fault sets' rates of occurrence (docs/model.md §10): every set has one rate or none
/// has, each finite and >= 0, at least one above 0, a rate per km only on a set of one line
/// whose length is given, and no `weight` beside rates (sets with rates are drawn in
/// proportion to them).
fn check_event_rates(s: &Scenario) -> Checked {
    let sets = &s.monte_carlo.fault_sets;
    let rated =
        |set: &super::FaultSet| set.rate_per_year.is_some() || set.rate_per_km_year.is_some();
    let Some(first_rated) = sets.iter().position(rated) else {
        return Ok(());
    };
    for (i, set) in sets.iter().enumerate() {
        let field = |key: &str| format!("monte_carlo.fault_sets[{i}].{key}");
        match (set.rate_per_year, set.rate_per_km_year) {
            (None, None) => fail(
                format!("monte_carlo.fault_sets[{i}]"),
                format!(
                    "has no rate while fault_sets[{first_rated}] has one: give every fault set \
                     a rate_per_year (or rate_per_km_year), or none"
                ),
            )?,
            (Some(_), Some(_)) => fail(
                field("rate_per_km_year"),
                "give rate_per_year or rate_per_km_year, not both",
            )?,
            (Some(rate), None) => non_negative(&field("rate_per_year"), rate)?,
            (None, Some(per_km)) => {
                non_negative(&field("rate_per_km_year"), per_km)?;
                let &[line] = set.lines.as_slice() else {
                    return fail(
                        field("rate_per_km_year"),
                        format!(
                            "a rate per km needs a set of exactly one line, this one has {}; \
                             give the combined event's rate_per_year instead",
                            set.lines.len()
                        ),
                    );
                };
                if s.line_length_km(line).is_none() {
                    fail(
                        field("rate_per_km_year"),
                        format!(
                            "line {}–{} has no length_km in grid.lines: give it one, or give \
                             rate_per_year",
                            line[0], line[1]
                        ),
                    )?;
                }
            }
        }
        // `weight` defaults to 1: any other value was written by the user.
        if set.weight.to_bits() != 1.0f64.to_bits() {
            fail(
                field("weight"),
                "fault sets with rates are drawn in proportion to their rates: remove weight",
            )?;
        }
    }
    let rates = s.event_rates_per_year().unwrap_or_default();
    let total: f64 = rates.iter().sum();
    if !(total.is_finite() && total > 0.0) {
        fail(
            "monte_carlo.fault_sets",
            format!(
                "the rates of the fault sets add up to {total} events per year: annual indices \
                 need at least one rate above 0 and a finite total"
            ),
        )?;
    }
    Ok(())
}

/// A duration a scenario gives: at most [`MAX_DURATION_S`].
fn bounded_duration(field: &str, value_s: f64) -> Checked {
    if value_s <= MAX_DURATION_S {
        Ok(())
    } else {
        fail(
            field,
            format!(
                "{value_s:e} s is longer than the longest duration a scenario may give \
                 ({MAX_DURATION_S:e} s, about 31.7 years)"
            ),
        )
    }
}

/// A validated distribution of a duration: draws stay below [`MAX_DURATION_S`] (a law
/// without an upper bound, but for a probability of `TAIL_PROBABILITY`).
fn bounded_duration_distribution(field: &str, d: &Distribution) -> Checked {
    let bound_s = d.tail_bound();
    if bound_s <= MAX_DURATION_S {
        return Ok(());
    }
    let which = if d.upper_bound().is_finite() {
        "its upper bound".to_string()
    } else {
        format!("its {} quantile", 1.0 - TAIL_PROBABILITY)
    };
    fail(
        field,
        format!(
            "draws reach {bound_s:e} s ({which}), longer than the longest duration a scenario \
             may give ({MAX_DURATION_S:e} s, about 31.7 years): bound the distribution"
        ),
    )
}

/// Every time and timing distribution of a scenario (its chain's apart: [`check_chain_time`])
/// within [`MAX_DURATION_S`], so that every event of a run is representable simulated time.
fn check_durations(s: &Scenario) -> Checked {
    bounded_duration("time.horizon_s", s.time.horizon_s)?;
    bounded_duration("network.retry_timeout_s", s.network.retry_timeout_s)?;
    bounded_duration(
        "timing.pre_outage_optimiser_period_s",
        s.timing.pre_outage_optimiser_period_s,
    )?;
    let t = &s.timing;
    let m = &s.monte_carlo;
    let mut laws = vec![
        ("network.latency_s", &s.network.latency_s),
        ("timing.detection_delay_s", &t.detection_delay_s),
        ("timing.switching_delay_s", &t.switching_delay_s),
    ];
    if let super::OptimiserTime::Modelled(d) = &t.optimiser_time_s {
        laws.push(("timing.optimiser_time_s", d));
    }
    if let Some(d) = &m.fault_time_s {
        laws.push(("monte_carlo.fault_time_s", d));
    }
    if let Some(d) = &m.block_interval_s {
        laws.push(("monte_carlo.block_interval_s", d));
    }
    if let Some(d) = &t.resync_delay_s {
        laws.push(("timing.resync_delay_s", d));
    }
    for (field, d) in laws {
        bounded_duration_distribution(field, d)?;
    }
    for (i, fault) in s.faults.iter().enumerate() {
        if let Some(d) = &fault.repair_time_s {
            bounded_duration_distribution(&format!("faults[{i}].repair_time_s"), d)?;
        }
    }
    for (i, set) in m.fault_sets.iter().enumerate() {
        if let Some(d) = &set.repair_time_s {
            let field = format!("monte_carlo.fault_sets[{i}].repair_time_s");
            bounded_duration_distribution(&field, d)?;
        }
    }
    // A run's latencies are the latency times the run's latency factor.
    let slowest_s = s.network.latency_s.tail_bound() * m.latency_factor.tail_bound();
    if slowest_s > MAX_DURATION_S {
        fail(
            "monte_carlo.latency_factor",
            format!(
                "scales network.latency_s up to {slowest_s:e} s, longer than the longest \
                 duration a scenario may give ({MAX_DURATION_S:e} s)"
            ),
        )?;
    }
    if let Some(d) = &m.block_interval_s {
        advancing_block_interval("monte_carlo.block_interval_s", d)?;
    }
    if s.chain.mining == super::Mining::Interval {
        let chain = s.chain.block_interval_s.iter();
        for (field, d) in chain.map(|d| ("chain.block_interval_s", d)).chain(
            m.block_interval_s
                .iter()
                .map(|d| ("monte_carlo.block_interval_s", d)),
        ) {
            blocks_within_a_run(field, d, s.time.horizon_s)?;
        }
    }
    Ok(())
}

/// Most blocks a run may mine over its horizon: beyond, a run that lasts to its horizon
/// would take hours of computing.
const MAX_BLOCKS_PER_RUN: f64 = 1e8;

/// A block interval that mines at most [`MAX_BLOCKS_PER_RUN`] blocks over `horizon_s`.
fn blocks_within_a_run(field: &str, d: &Distribution, horizon_s: f64) -> Checked {
    let blocks = horizon_s / d.mean();
    if blocks <= MAX_BLOCKS_PER_RUN {
        return Ok(());
    }
    fail(
        field,
        format!(
            "averages {:.3e} s, so a run to the horizon ({horizon_s} s) would mine {blocks:.3e} \
             blocks, more than {MAX_BLOCKS_PER_RUN:e}: lengthen the interval or shorten the \
             horizon",
            d.mean()
        ),
    )
}

/// A chain's block interval and service times within [`MAX_DURATION_S`], and a block interval
/// that advances time.
fn check_chain_time(c: &super::ChainConfig) -> Checked {
    if let Some(interval) = &c.block_interval_s {
        bounded_duration_distribution("chain.block_interval_s", interval)?;
        if c.mining == super::Mining::Interval {
            advancing_block_interval("chain.block_interval_s", interval)?;
        }
    }
    for (name, d) in c.service_time_s.by_key() {
        bounded_duration_distribution(&format!("chain.service_time_s.{name}"), d)?;
    }
    Ok(())
}

/// A block interval whose mean ([`Distribution::mean`]) is at least
/// [`MIN_BLOCK_INTERVAL_S`]: shorter, blocks follow each other too closely for simulated time
/// to advance, and the run never ends.
fn advancing_block_interval(field: &str, d: &Distribution) -> Checked {
    let mean_s = d.mean();
    if mean_s >= MIN_BLOCK_INTERVAL_S {
        return Ok(());
    }
    fail(
        field,
        format!(
            "averages {mean_s:.3e} s; blocks must be at least {MIN_BLOCK_INTERVAL_S} s apart on \
             average, or simulated time cannot advance"
        ),
    )
}

#[cfg(test)]
mod tests {
    use crate::scenario::parse_str;

    /// The household-der scenario with `from` replaced by `to`: its validation error.
    fn error(from: &str, to: &str) -> String {
        let text = include_str!("../../scenarios/household-der.yaml");
        assert!(text.contains(from), "{from:?}");
        parse_str(&text.replacen(from, to, 1), "h.yaml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_bank_cannot_discharge_more_than_it_stores_and_months_are_positive() {
        assert_eq!(
            error("stored_kwh: 4,", "stored_kwh: 0.1,"),
            "h.yaml: entities.batteries[0].discharge_kwh: a bank cannot give out more than it \
             stores: must not exceed stored_kwh (0.1), got 0.15"
        );
        assert_eq!(
            error("monthly_kwh: 420", "monthly_kwh: 0"),
            "h.yaml: entities.consumers[0].monthly_kwh: must be > 0, got 0"
        );
    }

    #[test]
    fn battery_blocks_repair_and_resync_are_checked_with_their_field_paths() {
        let p1 = "consumption_kwh: 0.4}";
        let battery = |block: &str| format!("consumption_kwh: 0.4, battery: {{{block}}}}}");
        assert_eq!(
            error(p1, &battery("reserve: 0.5")),
            "h.yaml: entities.prosumers[0].battery.capacity_kwh: required: a prosumer's \
             battery needs its capacity"
        );
        assert_eq!(
            error(p1, &battery("capacity_kwh: 10, round_trip_efficiency: 0")),
            "h.yaml: entities.prosumers[0].battery.round_trip_efficiency: must be in (0, 1], \
             got 0"
        );
        assert_eq!(
            error(p1, &battery("capacity_kwh: 10, reserve: 1")),
            "h.yaml: entities.prosumers[0].battery.reserve: must be in [0, 1), got 1"
        );
        assert_eq!(
            error(p1, &battery("capacity_kwh: 10, charge_kw: -1")),
            "h.yaml: entities.prosumers[0].battery.charge_kw: must be >= 0, got -1"
        );
        assert_eq!(
            error(
                p1,
                &battery("capacity_kwh: 10, reserve: 0.3, initial_soc: 0.2")
            ),
            "h.yaml: entities.prosumers[0].battery.initial_soc: must lie between the reserve \
             (0.3) and 1, got 0.2"
        );
        let bank = "discharge_kwh: 0.15}";
        assert_eq!(
            error(bank, "discharge_kwh: 0.15, battery: {capacity_kwh: 10}}"),
            "h.yaml: entities.batteries[0].battery.capacity_kwh: a bank's capacity and initial \
             state are its own capacity_kwh and stored_kwh: remove this key"
        );
        assert_eq!(
            error(bank, "discharge_kwh: 0.15, battery: {reserve: 0.5}}"),
            "h.yaml: entities.batteries[0].stored_kwh: must be at least the battery's reserve \
             (0.5 of 10 kWh = 5 kWh), got 4"
        );
        assert_eq!(
            error(
                "- {line: [2, 3]}",
                "- {line: [2, 3], repair_time_s: {uniform: {min: -1, max: 5}}}"
            ),
            "h.yaml: faults[0].repair_time_s: can draw negative values (lower bound -1); \
             bound it at 0 or above"
        );
        assert_eq!(
            error(
                "- {line: [2, 3]}",
                "- {line: [2, 3], repair_time_s: {lognormal: {mu: 30, sigma: 1}}}"
            ),
            "h.yaml: faults[0].repair_time_s: draws reach 1.2130344280163286e16 s (its 0.999999999999 \
             quantile), longer than the longest duration a scenario may give (1e9 s, about \
             31.7 years): bound the distribution"
        );
    }

    #[test]
    fn absent_new_keys_take_their_defaults_and_serialise_as_before() {
        let text = include_str!("../../scenarios/household-der.yaml");
        let s = parse_str(text, "h.yaml").unwrap();
        let json = serde_json::to_string(&s).unwrap();
        for key in ["\"battery\"", "\"repair_time_s\"", "\"resync_delay_s\""] {
            assert!(!json.contains(key), "{key} in {json}");
        }
        assert_eq!(
            s.timing.resync_delay_s().law,
            super::super::Law::Fixed(300.0)
        );
        assert_eq!(
            s.faults[0].repair_time_s(),
            super::super::Fault::default_repair_time_s()
        );
    }

    /// campus13-annual with `monte_carlo` (and, if given, more YAML) replaced.
    fn annual(overrides: &str) -> Result<crate::scenario::Scenario, String> {
        let base = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scenarios/campus13-annual.yaml"
        );
        parse_str(&format!("extends: {base}\n{overrides}\n"), "a.yaml").map_err(|e| e.to_string())
    }

    #[test]
    fn fault_set_rates_are_echoed_per_year_and_per_km() {
        let s = annual("").unwrap();
        let rates = s.event_rates_per_year().unwrap();
        assert_eq!(rates, [0.2, 0.065 * 0.4, 0.065 * 0.3]);
        let plain = parse_str(
            include_str!("../../scenarios/campus13.yaml"),
            "campus13.yaml",
        )
        .unwrap();
        assert_eq!(plain.event_rates_per_year(), None);
    }

    #[test]
    fn impossible_rates_are_refused_naming_the_field() {
        let sets = |sets: &str| annual(&format!("monte_carlo: {{fault_sets: [{sets}]}}"));
        let refused = |sets_yaml: &str, want: &str| {
            let error = sets(sets_yaml).unwrap_err();
            assert!(error.contains(want), "{error}\nwanted: {want}");
        };
        refused(
            "{lines: [[3, 4]], rate_per_year: -1}",
            "a.yaml: monte_carlo.fault_sets[0].rate_per_year: must be >= 0, got -1",
        );
        refused(
            "{lines: [[3, 4]], rate_per_year: .nan}",
            "monte_carlo.fault_sets[0].rate_per_year: must be >= 0, got NaN",
        );
        refused(
            "{lines: [[3, 4]], rate_per_year: 1}, {lines: [[6, 7]]}",
            "monte_carlo.fault_sets[1]: has no rate while fault_sets[0] has one",
        );
        refused(
            "{lines: [[3, 4]], rate_per_year: 1, rate_per_km_year: 1}",
            "monte_carlo.fault_sets[0].rate_per_km_year: give rate_per_year or \
             rate_per_km_year, not both",
        );
        refused(
            "{lines: [[3, 4], [6, 7]], rate_per_km_year: 0.1}",
            "monte_carlo.fault_sets[0].rate_per_km_year: a rate per km needs a set of exactly \
             one line, this one has 2",
        );
        refused(
            "{lines: [[7, 8]], rate_per_km_year: 0.1}",
            "monte_carlo.fault_sets[0].rate_per_km_year: line 7–8 has no length_km in grid.lines",
        );
        refused(
            "{lines: [[3, 4]], rate_per_year: 1, weight: 2}",
            "monte_carlo.fault_sets[0].weight: fault sets with rates are drawn in proportion \
             to their rates: remove weight",
        );
        refused(
            "{lines: [[3, 4]], rate_per_year: 0}, {lines: [[6, 7]], rate_per_km_year: 0}",
            "monte_carlo.fault_sets: the rates of the fault sets add up to 0 events per year",
        );
        refused(
            "{lines: [[3, 4]], rate_per_year: 1e308}, {lines: [[6, 7]], rate_per_year: 1e308}",
            "add up to inf events per year",
        );
        refused(
            "{lines: [[3, 4]], rate_per_year: 1, repair_time_s: {uniform: {min: -1, max: 5}}}",
            "monte_carlo.fault_sets[0].repair_time_s: can draw negative values",
        );
        // A zero rate beside a positive one is a class that never occurs: allowed.
        assert!(
            sets("{lines: [[3, 4]], rate_per_year: 0}, {lines: [[6, 7]], rate_per_year: 1}")
                .is_ok()
        );
        let error = annual(
            "grid: {nodes: [{id: 1, kind: source}, {id: 2, kind: bus}], \
             lines: [{from: 1, to: 2, length_km: 0}]}\nmonte_carlo: {fault_sets: []}\nfaults: []\n\
             entities: {}",
        )
        .unwrap_err();
        assert!(
            error.contains("grid.lines[0].length_km: must be > 0, got 0"),
            "{error}"
        );
    }
}
