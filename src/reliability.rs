//! IEEE 1366-2022 distribution reliability indices over per-consumer interruption records
//! (docs/model.md §10).
//!
//! The population is the customers served, N_T (see [`customers_served`]); each record says
//! which consumer lost supply in which outage event, when, for how long, and how many customers
//! stand behind it: every customer of an interrupted consumer is interrupted, so a consumer of
//! 12 customers out for 30 min is 12 customer interruptions and 360 customer-minutes, and
//! counts 12 times in the shares of CEMI and CELID. An interruption
//! longer than 5 minutes ([`SUSTAINED_AFTER_S`]) is *sustained*; one of 5 minutes or less is
//! *momentary*.
//!
//! **Per outage event.** blackstart simulates outage events, not years: each run of a sweep is
//! one outage event. Every index here is the standard's index of one outage event averaged over
//! the events, i.e. the expected value for one outage event: sums run over all events and are
//! divided by N_T × events. Annual indices, as utilities report them, weight the events by
//! their rates of occurrence: [`annual`].
//!
//! | index | definition (per outage event) |
//! | --- | --- |
//! | SAIFI | Σ sustained customer interruptions / N_T |
//! | SAIDI | Σ minutes of sustained customer interruptions / N_T |
//! | CAIDI | SAIDI / SAIFI, minutes per sustained customer interruption (none when SAIFI = 0) |
//! | MAIFI_E | Σ momentary interruption events / N_T |
//! | ASAI | 1 − SAIDI / minutes in the stated period |
//! | CEMI_n | share of customers with more than n sustained interruptions |
//! | CELID-s (t) | share of customers with one sustained interruption lasting t or longer |
//! | CELID-t (t) | share of customers whose sustained interruptions total t or longer |
//!
//! A **momentary interruption event** of a customer is the standard's: the momentary
//! interruptions that start within 5 minutes of the first of them count as one event (a recloser
//! operating several times and then holding). When such a group also holds a sustained
//! interruption (the device locked out), it is a sustained interruption and no momentary event.
//! Interruptions still going on when the simulation ended (*censored*) count at the duration
//! they had reached, so their SAIDI and CELID contributions are lower bounds; they are counted.

pub mod annual;

use crate::scenario::{ReliabilityConfig, Scenario};
use serde::Serialize;
use std::collections::BTreeMap;

/// IEEE 1366: an interruption longer than this is sustained, one of this or less momentary, s.
pub const SUSTAINED_AFTER_S: f64 = crate::sim::SUSTAINED_AFTER_S;

/// What every index of [`Indices`] is a value of, as printed in `summary.json`.
pub const PER_OUTAGE_EVENT: &str = "per outage event: each simulated run is one outage event; \
     the indices are averaged over the runs (expected value per event), not annual";

/// Whether an interruption of `duration_s` is sustained (longer than 5 minutes).
pub fn is_sustained(duration_s: f64) -> bool {
    duration_s > SUSTAINED_AFTER_S
}

/// N_T, the customers served by `scenario`: each consumer's `customers`, summed.
pub fn customers_served(scenario: &Scenario) -> u64 {
    scenario
        .entities
        .consumers
        .iter()
        .map(|c| u64::from(c.customers))
        .sum()
}

/// One interruption of one consumer, and so of each of its customers.
#[derive(Debug, Clone, PartialEq)]
pub struct Interruption {
    /// The outage event (the run index in a sweep).
    pub event: u64,
    /// The consumer's id.
    pub consumer: String,
    /// Customers behind the consumer (its scenario `customers`): each counts in every index.
    pub customers: u32,
    /// When it lost supply, s.
    pub start_s: f64,
    /// How long it was without supply, s (to the end of the simulation if censored).
    pub duration_s: f64,
    /// Whether supply had not come back when the simulation ended.
    pub censored: bool,
}

/// CEMI_n: the share of customers with more than `n` sustained interruptions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cemi {
    /// More than this many sustained interruptions.
    pub n: u32,
    /// Share of the customers served, per outage event.
    pub share: f64,
}

/// CELID at threshold `t_min`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Celid {
    /// The threshold t, min.
    pub t_min: f64,
    /// CELID-s: share of customers with one sustained interruption of t or longer.
    pub single: f64,
    /// CELID-t: share of customers whose sustained interruptions add up to t or longer.
    pub total: f64,
}

/// The IEEE 1366 indices of a population over some outage events, each per outage event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indices {
    /// What the values are: [`PER_OUTAGE_EVENT`].
    pub basis: &'static str,
    /// N_T, customers served.
    pub customers_served: u64,
    /// Outage events (runs) averaged over.
    pub outage_events: u64,
    /// Customer interruptions recorded, momentary and sustained, over all events: each
    /// record counts its consumer's customers.
    pub customer_interruptions: u64,
    /// Of those, sustained (over 5 min).
    pub sustained_interruptions: u64,
    /// Momentary customer interruption events over all events.
    pub momentary_events: u64,
    /// Customer interruptions cut by the end of the simulation, counted at that duration.
    pub censored_interruptions: u64,
    /// SAIFI, sustained interruptions per customer served per outage event.
    pub saifi_per_event: f64,
    /// SAIDI, minutes of sustained interruption per customer served per outage event.
    pub saidi_per_event_min: f64,
    /// CAIDI = SAIDI / SAIFI, minutes per sustained customer interruption; `None` without one.
    pub caidi_min: Option<f64>,
    /// MAIFI_E, momentary interruption events per customer served per outage event.
    pub maifi_e_per_event: f64,
    /// ASAI = 1 − SAIDI / `asai_period_min`, for one outage event in the period.
    pub asai_per_event: f64,
    /// ASAI's stated period, min.
    pub asai_period_min: f64,
    /// CEMI_n for each configured n, per outage event.
    pub cemi_per_event: Vec<Cemi>,
    /// CELID-s and CELID-t for each configured t, per outage event.
    pub celid_per_event: Vec<Celid>,
}

/// What each customer of one consumer went through in one outage event.
#[derive(Default)]
struct CustomerEvent {
    /// Customers behind the consumer: every count below is each one's.
    customers: u32,
    sustained: u32,
    sustained_min: f64,
    longest_sustained_min: f64,
    momentary_events: u32,
}

impl CustomerEvent {
    /// Folds a consumer's interruptions of one event, sorted by start.
    fn of(interruptions: &[&Interruption]) -> Self {
        let mut account = CustomerEvent {
            customers: interruptions.first().map_or(0, |i| i.customers),
            ..CustomerEvent::default()
        };
        let mut group_start_s = f64::NEG_INFINITY;
        let mut group_momentary = false;
        let mut group_sustained = false;
        for i in interruptions {
            if i.start_s > group_start_s + SUSTAINED_AFTER_S {
                account.close_group(group_momentary, group_sustained);
                group_start_s = i.start_s;
                group_momentary = false;
                group_sustained = false;
            }
            if is_sustained(i.duration_s) {
                group_sustained = true;
                let minutes = i.duration_s / 60.0;
                account.sustained += 1;
                account.sustained_min += minutes;
                account.longest_sustained_min = account.longest_sustained_min.max(minutes);
            } else {
                group_momentary = true;
            }
        }
        account.close_group(group_momentary, group_sustained);
        account
    }

    fn close_group(&mut self, momentary: bool, sustained: bool) {
        if momentary && !sustained {
            self.momentary_events += 1;
        }
    }
}

/// The indices of `customers_served` customers over `outage_events` events from their
/// interruption `records` (in any order); `None` when there is no customer or no event.
pub fn indices(
    customers_served: u64,
    outage_events: u64,
    records: &[Interruption],
    config: &ReliabilityConfig,
) -> Option<Indices> {
    let mut tally = Tally::new(config);
    tally.add(records);
    tally.indices(customers_served, outage_events)
}

/// The counts behind [`Indices`], gathered a batch of whole outage events at a time (a sweep's
/// parts), so that a sweep of any size never holds its interruption records: every count is
/// a sum over (event, consumer), added as each batch comes.
#[derive(Debug, Clone)]
pub struct Tally {
    config: ReliabilityConfig,
    /// Customer interruptions recorded, and those censored.
    interruptions: u64,
    censored: u64,
    /// Sustained customer interruptions, their customer-minutes and momentary events.
    sustained: u64,
    sustained_min: f64,
    momentary: u64,
    /// Per configured n, customers with more than n sustained interruptions.
    cemi: Vec<u64>,
    /// Per configured t, customers with one sustained interruption of t or longer, and those
    /// whose sustained interruptions total t or longer.
    celid: Vec<(u64, u64)>,
}

impl Tally {
    /// Nothing counted yet, for the indices `config` asks for.
    pub fn new(config: &ReliabilityConfig) -> Self {
        Tally {
            config: config.clone(),
            interruptions: 0,
            censored: 0,
            sustained: 0,
            sustained_min: 0.0,
            momentary: 0,
            cemi: vec![0; config.cemi_n.len()],
            celid: vec![(0, 0); config.celid_t_min.len()],
        }
    }

    /// Counts the interruption `records` of some outage events, every record of each (in any
    /// order within the batch). Batches added in the order of their events sum the minutes in
    /// the same order however the events are split into batches, so to the same bits.
    pub fn add(&mut self, records: &[Interruption]) {
        let mut by_consumer: BTreeMap<(u64, &str), Vec<&Interruption>> = BTreeMap::new();
        for r in records {
            by_consumer
                .entry((r.event, r.consumer.as_str()))
                .or_default()
                .push(r);
            self.interruptions += u64::from(r.customers);
            if r.censored {
                self.censored += u64::from(r.customers);
            }
        }
        for mut list in by_consumer.into_values() {
            list.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
            let a = CustomerEvent::of(&list);
            let customers = u64::from(a.customers);
            self.sustained += customers * u64::from(a.sustained);
            self.momentary += customers * u64::from(a.momentary_events);
            self.sustained_min += f64::from(a.customers) * a.sustained_min;
            for (count, &n) in self.cemi.iter_mut().zip(&self.config.cemi_n) {
                if a.sustained > n {
                    *count += customers;
                }
            }
            for (count, &t_min) in self.celid.iter_mut().zip(&self.config.celid_t_min) {
                if a.sustained > 0 && a.longest_sustained_min >= t_min {
                    count.0 += customers;
                }
                if a.sustained > 0 && a.sustained_min >= t_min {
                    count.1 += customers;
                }
            }
        }
    }

    /// The indices of `customers_served` customers over `outage_events` events, the records
    /// of all of them added; `None` when there is no customer or no event.
    pub fn indices(&self, customers_served: u64, outage_events: u64) -> Option<Indices> {
        let exposures = (customers_served * outage_events) as f64;
        if exposures == 0.0 {
            return None;
        }
        let config = &self.config;
        let share = |customers: u64| customers as f64 / exposures;
        let saifi = self.sustained as f64 / exposures;
        let saidi_min = self.sustained_min / exposures;
        Some(Indices {
            basis: PER_OUTAGE_EVENT,
            customers_served,
            outage_events,
            customer_interruptions: self.interruptions,
            sustained_interruptions: self.sustained,
            momentary_events: self.momentary,
            censored_interruptions: self.censored,
            saifi_per_event: saifi,
            saidi_per_event_min: saidi_min,
            caidi_min: (self.sustained > 0).then(|| saidi_min / saifi),
            maifi_e_per_event: self.momentary as f64 / exposures,
            asai_per_event: 1.0 - saidi_min / config.asai_period_min,
            asai_period_min: config.asai_period_min,
            cemi_per_event: config
                .cemi_n
                .iter()
                .zip(&self.cemi)
                .map(|(&n, &customers)| Cemi {
                    n,
                    share: share(customers),
                })
                .collect(),
            celid_per_event: config
                .celid_t_min
                .iter()
                .zip(&self.celid)
                .map(|(&t_min, &(single, total))| Celid {
                    t_min,
                    single: share(single),
                    total: share(total),
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(event: u64, consumer: &str, start_min: f64, duration_min: f64) -> Interruption {
        Interruption {
            event,
            consumer: consumer.into(),
            customers: 1,
            start_s: start_min * 60.0,
            duration_s: duration_min * 60.0,
            censored: false,
        }
    }

    fn config() -> ReliabilityConfig {
        ReliabilityConfig {
            asai_period_min: 525_600.0,
            cemi_n: vec![0, 1, 2],
            celid_t_min: vec![25.0],
        }
    }

    /// Four customers served, one outage event: A out 2 min, B 30 min, C twice (10 min, then
    /// 20 min an hour later), D never.
    ///
    /// - sustained interruptions (over 5 min): B's one and C's two = 3; SAIFI = 3 / 4 = 0.75.
    /// - their minutes: 30 + 10 + 20 = 60; SAIDI = 60 / 4 = 15 min (A's 2 min are momentary).
    /// - CAIDI = SAIDI / SAIFI = 15 / 0.75 = 20 min (= 60 min / 3 interruptions).
    /// - momentary events: A's one; MAIFI_E = 1 / 4 = 0.25.
    /// - CEMI_0 = {B, C} = 2 / 4 = 0.5; CEMI_1 = {C} (more than one) = 0.25; CEMI_2 = 0.
    /// - CELID at 25 min: single {B} = 0.25; total {B (30), C (10 + 20 = 30)} = 0.5.
    /// - ASAI over a year = 1 − 15 / 525,600.
    #[test]
    fn a_hand_computed_population_gives_the_standards_indices() {
        let records = [
            record(0, "A", 0.0, 2.0),
            record(0, "B", 0.0, 30.0),
            record(0, "C", 0.0, 10.0),
            record(0, "C", 70.0, 20.0),
        ];
        let x = indices(4, 1, &records, &config()).unwrap();
        assert_eq!(x.saifi_per_event, 0.75);
        assert_eq!(x.saidi_per_event_min, 15.0);
        assert_eq!(x.caidi_min, Some(20.0));
        assert_eq!(x.maifi_e_per_event, 0.25);
        assert_eq!(x.asai_per_event, 1.0 - 15.0 / 525_600.0);
        let cemi: Vec<f64> = x.cemi_per_event.iter().map(|c| c.share).collect();
        assert_eq!(cemi, [0.5, 0.25, 0.0]);
        assert_eq!(
            x.celid_per_event,
            [Celid {
                t_min: 25.0,
                single: 0.25,
                total: 0.5
            }]
        );
        assert_eq!(
            (x.customer_interruptions, x.sustained_interruptions),
            (4, 3)
        );
        assert_eq!((x.momentary_events, x.censored_interruptions), (1, 0));
    }

    /// Three consumers, six customers served, one outage event: A (1 customer) out 60 min,
    /// B (3 customers) out 10 min, C (2 customers) out 2 min.
    ///
    /// - sustained customer interruptions: A's 1 + B's 3 = 4; SAIFI = 4 / 6 = 0.667.
    /// - customer-minutes: 1 × 60 + 3 × 10 = 90; SAIDI = 90 / 6 = 15 min.
    /// - CAIDI = 15 / (4 / 6) = 22.5 min (= 90 customer-minutes / 4 customer interruptions).
    /// - momentary customer events: C's 2; MAIFI_E = 2 / 6 = 0.333.
    /// - CEMI_0 = A's and B's customers = 4 / 6; CEMI_1 = 0.
    /// - CELID at 25 min: A's 1 customer (60 min), single and total = 1 / 6.
    /// - 6 customer interruptions recorded, 4 sustained.
    ///
    /// Counting consumers instead would give SAIFI 2 / 3, SAIDI 70 / 3 = 23.3, CAIDI 35,
    /// CELID 1 / 3.
    #[test]
    fn each_consumer_counts_its_customers() {
        let weighted = |consumer: &str, customers: u32, duration_min: f64| Interruption {
            customers,
            ..record(0, consumer, 0.0, duration_min)
        };
        let records = [
            weighted("A", 1, 60.0),
            weighted("B", 3, 10.0),
            weighted("C", 2, 2.0),
        ];
        let x = indices(6, 1, &records, &config()).unwrap();
        assert_eq!(x.saifi_per_event, 4.0 / 6.0);
        assert_eq!(x.saidi_per_event_min, 15.0);
        assert!((x.caidi_min.unwrap() - 22.5).abs() < 1e-12);
        assert_eq!(x.maifi_e_per_event, 2.0 / 6.0);
        let cemi: Vec<f64> = x.cemi_per_event.iter().map(|c| c.share).collect();
        assert_eq!(cemi, [4.0 / 6.0, 0.0, 0.0]);
        assert_eq!(
            (x.celid_per_event[0].single, x.celid_per_event[0].total),
            (1.0 / 6.0, 1.0 / 6.0)
        );
        assert_eq!(
            (x.customer_interruptions, x.sustained_interruptions),
            (6, 4)
        );
        assert_eq!(x.momentary_events, 2);
        // Twice the customers behind every consumer, and so served: the same indices.
        let doubled: Vec<Interruption> = records
            .iter()
            .map(|r| Interruption {
                customers: 2 * r.customers,
                ..r.clone()
            })
            .collect();
        let y = indices(12, 1, &doubled, &config()).unwrap();
        assert_eq!(
            (y.saifi_per_event, y.saidi_per_event_min, y.caidi_min),
            (x.saifi_per_event, x.saidi_per_event_min, x.caidi_min)
        );
        assert_eq!(y.cemi_per_event, x.cemi_per_event);
        assert_eq!(y.customer_interruptions, 12);
    }

    #[test]
    fn events_average_and_record_order_does_not_matter() {
        // The population above in event 0, nobody interrupted in event 1: half of each.
        let records = [
            record(0, "C", 70.0, 20.0),
            record(0, "B", 0.0, 30.0),
            record(0, "A", 0.0, 2.0),
            record(0, "C", 0.0, 10.0),
        ];
        let x = indices(4, 2, &records, &config()).unwrap();
        assert_eq!(x.saifi_per_event, 0.375);
        assert_eq!(x.saidi_per_event_min, 7.5);
        assert_eq!(x.caidi_min, Some(20.0));
        assert_eq!(x.maifi_e_per_event, 0.125);
        assert_eq!(x.cemi_per_event[1].share, 0.125);
    }

    #[test]
    fn a_tally_added_part_by_part_equals_one_of_every_record_to_the_bit() {
        // Six events, one sustained interruption each, whose minutes sum to other bits when
        // grouped otherwise: (10.1 + … + 30.3) + (40.7 + … + 60.3) ≠ 10.1 + … + 60.3.
        let minutes = [10.1, 20.2, 30.3, 40.7, 50.9, 60.3];
        let mut records: Vec<Interruption> = (0..6u64)
            .map(|e| record(e, "A", 0.0, minutes[e as usize]))
            .collect();
        records.push(record(4, "B", 3.0, 2.0));
        let whole = indices(2, 6, &records, &config()).unwrap();
        let (first, second) = records.split_at(3);
        let mut parts = Tally::new(&config());
        parts.add(first);
        parts.add(second);
        assert_eq!(parts.indices(2, 6).unwrap(), whole);
        // The test can fail: the parts' own sums, added, differ in the last bit.
        let (mut a, mut b) = (Tally::new(&config()), Tally::new(&config()));
        a.add(first);
        b.add(second);
        assert_ne!(a.sustained_min + b.sustained_min, parts.sustained_min);
    }

    #[test]
    fn no_interruption_leaves_caidi_undefined() {
        let x = indices(3, 5, &[], &config()).unwrap();
        assert_eq!((x.saifi_per_event, x.saidi_per_event_min), (0.0, 0.0));
        assert_eq!(x.caidi_min, None);
        assert_eq!(x.maifi_e_per_event, 0.0);
        assert_eq!(x.asai_per_event, 1.0);
        assert!(indices(0, 5, &[], &config()).is_none());
        assert!(indices(3, 0, &[], &config()).is_none());
    }

    #[test]
    fn momentary_interruptions_stay_out_of_saifi_and_saidi() {
        // Exactly 5 min is still momentary. Two customers: X out 1 min and, within 5 min of
        // that, 3 min (one event), then 2 min half an hour later (a second event); Y 5 min.
        let records = [
            record(0, "X", 0.0, 1.0),
            record(0, "X", 4.0, 3.0),
            record(0, "X", 30.0, 2.0),
            record(0, "Y", 0.0, 5.0),
        ];
        let x = indices(2, 1, &records, &config()).unwrap();
        assert_eq!((x.saifi_per_event, x.saidi_per_event_min), (0.0, 0.0));
        assert_eq!(x.caidi_min, None);
        assert_eq!(x.momentary_events, 3);
        assert_eq!(x.maifi_e_per_event, 1.5);
        assert_eq!(x.asai_per_event, 1.0);
    }

    #[test]
    fn a_reclose_sequence_ending_in_a_lockout_is_one_sustained_interruption() {
        // 1 min off, back, then off again 2 min after the first for 40 min.
        let records = [record(0, "Z", 0.0, 1.0), record(0, "Z", 2.0, 40.0)];
        let x = indices(1, 1, &records, &config()).unwrap();
        assert_eq!(x.momentary_events, 0);
        assert_eq!(x.saifi_per_event, 1.0);
        assert_eq!(x.saidi_per_event_min, 40.0);
    }

    #[test]
    fn censored_interruptions_count_at_their_censored_duration() {
        let mut cut = record(0, "W", 0.0, 120.0);
        cut.censored = true;
        let x = indices(2, 1, &[cut], &config()).unwrap();
        assert_eq!(x.censored_interruptions, 1);
        assert_eq!(x.saidi_per_event_min, 60.0);
        assert_eq!(x.saifi_per_event, 0.5);
        assert_eq!(x.caidi_min, Some(120.0));
    }

    #[test]
    fn the_scenario_section_has_defaults_and_is_validated() {
        let campus13 = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/campus13.yaml");
        let with = |section: &str| {
            crate::scenario::parse_str(
                &format!("extends: {campus13}\nreliability: {section}\n"),
                "test.yaml",
            )
        };
        let defaults = crate::scenario::load(std::path::Path::new(campus13))
            .unwrap()
            .reliability;
        assert_eq!(defaults.asai_period_min, 525_600.0);
        assert_eq!(
            (defaults.cemi_n, defaults.celid_t_min),
            (vec![1], vec![60.0])
        );
        let set = with("{cemi_n: [1, 3], celid_t_min: [60, 240]}").unwrap();
        assert_eq!(set.reliability.cemi_n, [1, 3]);
        assert_eq!(set.reliability.asai_period_min, 525_600.0);
        let error = with("{asai_period_min: 0}").unwrap_err().to_string();
        assert!(
            error.contains("reliability.asai_period_min: must be > 0"),
            "{error}"
        );
        let error = with("{celid_t_min: [-1]}").unwrap_err().to_string();
        assert!(error.contains("reliability.celid_t_min[0]"), "{error}");
    }
}
