//! Annual IEEE 1366 indices from outage events with rates of occurrence (docs/model.md §10).
//!
//! A scenario's Monte-Carlo fault sets are **outage event classes** k, each with a rate λ_k,
//! events per year (`monte_carlo.fault_sets[].rate_per_year`). Classes occur as independent
//! Poisson processes, so a year holds a Poisson number of events with mean Λ = Σ λ_k, each of
//! class k with probability λ_k / Λ. The sweep draws each run's class with that probability
//! (`sim::RunPlan::sampled`), so its runs are a sample of outage events as a year mixes them.
//!
//! **Frequencies and durations** (SAIFI, SAIDI, MAIFI_E) are additive over events: the annual
//! index is Σ_k λ_k · E[per-event index | class k] = Λ · E[per-event index], estimated by Λ
//! times the mean over the runs of each run's per-event index. Its 95 % confidence interval is
//! the normal approximation over those per-run values: Λ · (mean ± 1.96 · s / √n).
//! **CAIDI** = SAIDI / SAIFI (Λ cancels) is a ratio of means; its interval is the delta
//! method's: R ± 1.96 · √(Σ (d_i − R·f_i)² / (n (n − 1))) / mean(f), with f_i and d_i run i's
//! sustained interruptions and minutes per customer. **ASAI** = 1 − SAIDI / minutes in a year,
//! its interval SAIDI's mapped through.
//!
//! Every count is of customers: an interrupted consumer counts its `customers`
//! ([`Interruption::customers`]), in the frequencies and durations as in the shares below.
//!
//! **CEMI_n and CELID** count customers over a year, not events: a customer's sustained
//! interruptions in a year are summed over that year's events. They are estimated by
//! simulating years: each year draws a Poisson(Λ) number of events, each event one of the
//! runs uniformly at random (the runs are already drawn in proportion to the rates), and sums
//! each customer's sustained interruptions, their minutes and its longest one; CEMI_n is the
//! share of (customer, year) pairs with more than n, CELID-s those with one of t or longer,
//! CELID-t those totalling t or longer. Their 95 % intervals are percentile bootstrap
//! intervals over the runs: the runs resampled with replacement, each replicate estimated again
//! over its own simulated years. Every draw comes from one stream seeded by the scenario's
//! seed ([`Purpose::AnnualYears`]): the same runs give the same figures.

use super::{CustomerEvent, Interruption};
use crate::engine::seed::{Purpose, stream};
use crate::scenario::{NodeId, ReliabilityConfig, Scenario};
use rand::RngExt;
use rand_distr::Distribution as _;
use serde::Serialize;
use std::collections::BTreeMap;

/// Minutes in a year (365 days): the period of the annual indices and of their ASAI.
pub const MINUTES_PER_YEAR: f64 = 525_600.0;

/// What every annual index is a value of, as printed in `summary.json`.
pub const PER_YEAR: &str = "per year: each outage event class (fault set) occurs at its rate \
     per year; frequencies and durations are the total rate times the mean over the runs, CEMI \
     and CELID from simulated years";

/// How the CEMI and CELID estimates and the bootstrap intervals are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sampling {
    /// Seed of the one stream every draw comes from (the scenario's seed).
    #[serde(skip)]
    pub seed: u64,
    /// Years simulated for CEMI and CELID's estimates.
    pub simulated_years: u64,
    /// Bootstrap replicates for CEMI and CELID's intervals.
    pub bootstrap_replicates: u32,
    /// Years simulated in each bootstrap replicate.
    pub bootstrap_years: u64,
}

impl Sampling {
    /// The sampling a sweep's summary uses: 10,000 simulated years for the estimates, 200
    /// bootstrap replicates of 1,000 years each for the intervals.
    pub fn standard(seed: u64) -> Self {
        Sampling {
            seed,
            simulated_years: 10_000,
            bootstrap_replicates: 200,
            bootstrap_years: 1_000,
        }
    }
}

/// An estimate with its 95 % confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The estimate.
    pub value: f64,
    /// Lower end of its 95 % confidence interval.
    pub ci95_low: f64,
    /// Upper end.
    pub ci95_high: f64,
}

/// CEMI_n per year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AnnualCemi {
    /// More than this many sustained interruptions in a year.
    pub n: u32,
    /// Share of the customers served.
    pub share: Estimate,
}

/// CELID per year at threshold `t_min`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AnnualCelid {
    /// The threshold t, min.
    pub t_min: f64,
    /// CELID-s: share of customers with a sustained interruption of t or longer in a year.
    pub single: Estimate,
    /// CELID-t: share of customers whose sustained interruptions in a year total t or longer.
    pub total: Estimate,
}

/// The annual IEEE 1366 indices of one way of operating the island (peer-to-peer or no
/// sharing), each with its 95 % confidence interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnnualIndices {
    /// SAIFI, sustained interruptions per customer served per year.
    pub saifi_per_year: Estimate,
    /// SAIDI, minutes of sustained interruption per customer served per year.
    pub saidi_per_year_min: Estimate,
    /// CAIDI = SAIDI / SAIFI, minutes per sustained interruption; `None` without one.
    pub caidi_min: Option<Estimate>,
    /// MAIFI_E, momentary interruption events per customer served per year.
    pub maifi_e_per_year: Estimate,
    /// ASAI = 1 − SAIDI / [`MINUTES_PER_YEAR`].
    pub asai: Estimate,
    /// CEMI_n per year for each configured n.
    pub cemi_per_year: Vec<AnnualCemi>,
    /// CELID-s and CELID-t per year for each configured t.
    pub celid_per_year: Vec<AnnualCelid>,
    /// Customer interruptions of the runs still running when their story ended, counted at
    /// the duration reached (their minutes are lower bounds).
    pub censored_interruptions: u64,
}

/// What each customer of one consumer went through in one event, as a year sums it.
#[derive(Debug, Clone, Copy, Default)]
struct Exposure {
    /// Customers behind the consumer: each shares its exposure.
    customers: u32,
    sustained: u32,
    sustained_min: f64,
    longest_min: f64,
}

/// One run as the annual indices see it.
#[derive(Debug, Clone, Default)]
struct Event {
    /// Sustained interruptions, minutes and momentary events, per customer served.
    frequency: f64,
    duration_min: f64,
    momentary: f64,
    /// The consumers it interrupted (by their index among the consumers seen), sustained only.
    consumers: Vec<(usize, Exposure)>,
}

/// One outage event class of a sweep: a Monte-Carlo fault set with its rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventClass {
    /// Its index in `monte_carlo.fault_sets` (the `fault_set` column of `runs`).
    pub fault_set: usize,
    /// The lines that open together.
    pub lines: Vec<[NodeId; 2]>,
    /// How often it occurs, events per year (its `rate_per_year`, or `rate_per_km_year`
    /// times its line's length).
    pub rate_per_year: f64,
    /// Runs of the sweep that drew it.
    pub runs: u64,
}

/// A sweep's annual indices, peer-to-peer and no sharing side by side (`summary.json`'s
/// `reliability_annual`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnnualReliability {
    /// What the values are: [`PER_YEAR`].
    pub basis: &'static str,
    /// N_T, customers served.
    pub customers_served: u64,
    /// Runs (outage events) the indices are estimated from.
    pub runs: u64,
    /// Λ, outage events per year: the sum of the classes' rates.
    pub events_per_year: f64,
    /// The outage event classes, with the rates used.
    pub classes: Vec<EventClass>,
    /// How CEMI and CELID and their intervals were drawn.
    pub sampling: Sampling,
    /// With peer-to-peer restoration, as the runs simulated it.
    pub peer_to_peer: AnnualIndices,
    /// With no sharing on the same draws (`None` for a sweep without the
    /// `no_sharing_interruptions` table).
    pub no_sharing: Option<AnnualIndices>,
}

/// A sweep's runs as its annual indices need them, gathered a part at a time (each part's
/// runs with their interruption records), so that a sweep of any size never holds its
/// interruption records: what is kept is each classified run's folded event.
#[derive(Debug, Clone)]
pub struct SweepEvents {
    /// The fault sets' rates, events per year.
    rates: Vec<f64>,
    /// Runs that drew each fault set.
    runs_per_class: Vec<u64>,
    customers_served: u64,
    /// With peer-to-peer restoration, as the runs simulated it.
    peer_to_peer: Events,
    /// With no sharing on the same draws (`None` for a sweep without the
    /// `no_sharing_interruptions` table).
    no_sharing: Option<Events>,
}

impl SweepEvents {
    /// Nothing gathered yet for a sweep over `scenario`, with or without the no-sharing
    /// reference's records; `None` when the scenario's fault sets have no rates.
    pub fn new(scenario: &Scenario, with_no_sharing: bool) -> Option<Self> {
        let rates = scenario.event_rates_per_year()?;
        Some(SweepEvents {
            runs_per_class: vec![0; rates.len()],
            rates,
            customers_served: super::customers_served(scenario),
            peer_to_peer: Events::default(),
            no_sharing: with_no_sharing.then(Events::default),
        })
    }

    /// Adds some runs (run index and the fault set it drew, as the `runs` table has them, in
    /// run order) with every interruption record of theirs, peer-to-peer and no sharing.
    /// Parts added in run order give the same indices, to the bit, however the runs are split.
    pub fn add(
        &mut self,
        runs: &[(u64, Option<u64>)],
        peer_to_peer: &[Interruption],
        no_sharing: &[Interruption],
    ) {
        let classified: Vec<u64> = runs
            .iter()
            .filter_map(|&(run, set)| Some((run, usize::try_from(set?).ok()?)))
            .filter(|&(_, set)| set < self.rates.len())
            .map(|(run, set)| {
                self.runs_per_class[set] += 1;
                run
            })
            .collect();
        self.peer_to_peer
            .add(self.customers_served, &classified, peer_to_peer);
        if let Some(events) = &mut self.no_sharing {
            events.add(self.customers_served, &classified, no_sharing);
        }
    }

    /// The annual indices of the runs added; `None` when there is no customer or run.
    pub fn reliability(
        &self,
        scenario: &Scenario,
        sampling: Sampling,
    ) -> Option<AnnualReliability> {
        let events_per_year: f64 = self.rates.iter().sum();
        let of = |events: &Events| {
            events.indices(
                self.customers_served,
                events_per_year,
                &scenario.reliability,
                sampling,
            )
        };
        Some(AnnualReliability {
            basis: PER_YEAR,
            customers_served: self.customers_served,
            runs: self.peer_to_peer.events.len() as u64,
            events_per_year,
            classes: scenario
                .monte_carlo
                .fault_sets
                .iter()
                .zip(&self.rates)
                .zip(&self.runs_per_class)
                .enumerate()
                .map(|(k, ((set, &rate_per_year), &runs))| EventClass {
                    fault_set: k,
                    lines: set.lines.clone(),
                    rate_per_year,
                    runs,
                })
                .collect(),
            sampling,
            peer_to_peer: of(&self.peer_to_peer)?,
            no_sharing: self.no_sharing.as_ref().and_then(of),
        })
    }
}

/// The annual indices of `customers_served` customers, `events_per_year` outage events a year,
/// from the interruption `records` of `runs` (the events, by their `Interruption::event` ids,
/// drawn in proportion to their classes' rates); `None` without a customer, a run or a
/// positive rate.
pub fn indices(
    customers_served: u64,
    events_per_year: f64,
    runs: &[u64],
    records: &[Interruption],
    config: &ReliabilityConfig,
    sampling: Sampling,
) -> Option<AnnualIndices> {
    let mut events = Events::default();
    events.add(customers_served, runs, records);
    events.indices(customers_served, events_per_year, config, sampling)
}

/// Runs folded into events, in run order, and what their records say of censoring.
#[derive(Debug, Clone, Default)]
struct Events {
    /// Each run, as the annual indices see it.
    events: Vec<Event>,
    /// The index of each consumer seen with a sustained interruption, by id, in the order
    /// first seen.
    consumer_index: BTreeMap<String, usize>,
    /// Customer interruptions cut by the end of a run, over every record added.
    censored: u64,
}

impl Events {
    /// Appends each of `runs` (event ids, in run order) with its consumers' interruptions
    /// among `records` folded as IEEE 1366 counts them, each consumer weighted by its
    /// customers.
    fn add(&mut self, customers_served: u64, runs: &[u64], records: &[Interruption]) {
        let mut by_event: BTreeMap<u64, BTreeMap<&str, Vec<&Interruption>>> = BTreeMap::new();
        for r in records {
            by_event
                .entry(r.event)
                .or_default()
                .entry(r.consumer.as_str())
                .or_default()
                .push(r);
            if r.censored {
                self.censored += u64::from(r.customers);
            }
        }
        let served = customers_served as f64;
        for run in runs {
            let mut event = Event::default();
            for (consumer, mut list) in by_event.remove(run).unwrap_or_default() {
                list.sort_by(|a, b| a.start_s.total_cmp(&b.start_s));
                let account = CustomerEvent::of(&list);
                let share = f64::from(account.customers) / served;
                event.frequency += f64::from(account.sustained) * share;
                event.duration_min += account.sustained_min * share;
                event.momentary += f64::from(account.momentary_events) * share;
                if account.sustained > 0 {
                    let next = self.consumer_index.len();
                    let index = *self
                        .consumer_index
                        .entry(consumer.to_string())
                        .or_insert(next);
                    event.consumers.push((
                        index,
                        Exposure {
                            customers: account.customers,
                            sustained: account.sustained,
                            sustained_min: account.sustained_min,
                            longest_min: account.longest_sustained_min,
                        },
                    ));
                }
            }
            self.events.push(event);
        }
    }

    /// The annual indices of `customers_served` customers, `events_per_year` outage events a
    /// year, from the events added; `None` without a customer, an event or a positive rate.
    fn indices(
        &self,
        customers_served: u64,
        events_per_year: f64,
        config: &ReliabilityConfig,
        sampling: Sampling,
    ) -> Option<AnnualIndices> {
        let events = &self.events;
        if customers_served == 0
            || events.is_empty()
            || events_per_year.is_nan()
            || events_per_year <= 0.0
        {
            return None;
        }
        let n = events.len() as f64;
        let rate = events_per_year;
        let per_year = |value: fn(&Event) -> f64| {
            let values: Vec<f64> = events.iter().map(value).collect();
            let (mean, half) = mean_and_half_width(&values);
            // A rate is never negative: the interval is cut at 0.
            Estimate {
                value: rate * mean,
                ci95_low: (rate * (mean - half)).max(0.0),
                ci95_high: rate * (mean + half),
            }
        };
        let saifi = per_year(|e| e.frequency);
        let saidi = per_year(|e| e.duration_min);
        let mean_frequency = saifi.value / rate;
        let caidi_min = (mean_frequency > 0.0).then(|| {
            let ratio = saidi.value / saifi.value;
            let residuals: f64 = events
                .iter()
                .map(|e| (e.duration_min - ratio * e.frequency).powi(2))
                .sum();
            let variance = if n > 1.0 {
                residuals / (n * (n - 1.0))
            } else {
                0.0
            };
            let half = 1.96 * variance.sqrt() / mean_frequency;
            Estimate {
                value: ratio,
                ci95_low: (ratio - half).max(0.0),
                ci95_high: ratio + half,
            }
        });
        let mut rng = stream(sampling.seed, Purpose::AnnualYears);
        let all: Vec<usize> = (0..events.len()).collect();
        let point = Years::simulate(events, &all, rate, sampling.simulated_years, &mut rng);
        let replicates: Vec<Years> = (0..sampling.bootstrap_replicates)
            .map(|_| {
                let resample: Vec<usize> = (0..events.len())
                    .map(|_| rng.random_range(0..events.len()))
                    .collect();
                Years::simulate(events, &resample, rate, sampling.bootstrap_years, &mut rng)
            })
            .collect();
        let share = |of: &dyn Fn(&Years) -> f64| {
            let mut values: Vec<f64> = replicates.iter().map(of).collect();
            values.sort_by(f64::total_cmp);
            let value = of(&point) / customers_served as f64;
            let scale = |v: f64| v / customers_served as f64;
            match values.as_slice() {
                [] => Estimate {
                    value,
                    ci95_low: value,
                    ci95_high: value,
                },
                sorted => Estimate {
                    value,
                    ci95_low: scale(percentile(sorted, 0.025)),
                    ci95_high: scale(percentile(sorted, 0.975)),
                },
            }
        };
        Some(AnnualIndices {
            saifi_per_year: saifi,
            saidi_per_year_min: saidi,
            caidi_min,
            maifi_e_per_year: per_year(|e| e.momentary),
            asai: Estimate {
                value: 1.0 - saidi.value / MINUTES_PER_YEAR,
                ci95_low: 1.0 - saidi.ci95_high / MINUTES_PER_YEAR,
                ci95_high: 1.0 - saidi.ci95_low / MINUTES_PER_YEAR,
            },
            cemi_per_year: config
                .cemi_n
                .iter()
                .map(|&k| AnnualCemi {
                    n: k,
                    share: share(&|y| y.share(|a| a.sustained > k)),
                })
                .collect(),
            celid_per_year: config
                .celid_t_min
                .iter()
                .map(|&t| AnnualCelid {
                    t_min: t,
                    single: share(&|y| y.share(|a| a.sustained > 0 && a.longest_min >= t)),
                    total: share(&|y| y.share(|a| a.sustained > 0 && a.sustained_min >= t)),
                })
                .collect(),
            censored_interruptions: self.censored,
        })
    }
}

/// Linear-interpolation percentile of sorted values (numpy's default), `q` in [0, 1].
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    sorted[below] + (sorted[above] - sorted[below]) * (position - below as f64)
}

/// The mean of `values` and the half-width of its 95 % normal-approximation interval.
fn mean_and_half_width(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, 1.96 * (variance / n).sqrt())
}

/// Simulated years: every interrupted consumer's exposure in each year.
struct Years {
    /// One per (consumer, year) with a sustained interruption.
    exposures: Vec<Exposure>,
    /// Years simulated.
    years: u64,
}

impl Years {
    /// `years` years of Poisson(`events_per_year`) events each, every event one of `pool`
    /// (indices into `events`) drawn uniformly.
    fn simulate(
        events: &[Event],
        pool: &[usize],
        events_per_year: f64,
        years: u64,
        rng: &mut crate::engine::seed::Stream,
    ) -> Self {
        let poisson =
            rand_distr::Poisson::new(events_per_year).expect("a finite rate above 0 is valid");
        let mut exposures = Vec::new();
        let mut year: BTreeMap<usize, Exposure> = BTreeMap::new();
        for _ in 0..years {
            let count = poisson.sample(rng) as u64;
            for _ in 0..count {
                let event = &events[pool[rng.random_range(0..pool.len())]];
                for &(consumer, e) in &event.consumers {
                    let a = year.entry(consumer).or_insert(Exposure {
                        customers: e.customers,
                        ..Exposure::default()
                    });
                    a.sustained += e.sustained;
                    a.sustained_min += e.sustained_min;
                    a.longest_min = a.longest_min.max(e.longest_min);
                }
            }
            exposures.extend(std::mem::take(&mut year).into_values());
        }
        Years { exposures, years }
    }

    /// Customers per year (summed over consumers' customers, so a share once divided by those
    /// served) whose year's exposure passes `keep`.
    fn share(&self, keep: impl Fn(&Exposure) -> bool) -> f64 {
        if self.years == 0 {
            return 0.0;
        }
        let customers: u64 = self
            .exposures
            .iter()
            .filter(|e| keep(e))
            .map(|e| u64::from(e.customers))
            .sum();
        customers as f64 / self.years as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(event: u64, consumer: &str, duration_min: f64) -> Interruption {
        Interruption {
            event,
            consumer: consumer.into(),
            customers: 1,
            start_s: 0.0,
            duration_s: duration_min * 60.0,
            censored: false,
        }
    }

    fn config() -> ReliabilityConfig {
        ReliabilityConfig {
            asai_period_min: MINUTES_PER_YEAR,
            cemi_n: vec![0, 1],
            celid_t_min: vec![200.0],
        }
    }

    /// Two customers, X and Y, and two outage event classes:
    ///
    /// - class A, 0.3 a year: X out 120 min (sustained), Y out 2 min (momentary);
    /// - class B, 0.1 a year: X and Y both out 600 min.
    ///
    /// Λ = 0.4 a year. Runs drawn in proportion to the rates: three of A (runs 0–2), one of B
    /// (run 3). Per customer served, an A event gives f = 1/2 sustained interruption,
    /// d = 120/2 = 60 min and m = 1/2 momentary event; a B event f = 1, d = 600, m = 0.
    ///
    /// - SAIFI = 0.3 · 1/2 + 0.1 · 1 = 0.25 a year (= Λ · mean f = 0.4 · 0.625).
    /// - SAIDI = 0.3 · 60 + 0.1 · 600 = 78 min a year (= 0.4 · 195).
    /// - CAIDI = 78 / 0.25 = 312 min.
    /// - MAIFI_E = 0.3 · 1/2 = 0.15 a year.
    /// - ASAI = 1 − 78 / 525,600.
    /// - Intervals: f's sample standard deviation is 0.25, so SAIFI ± 1.96 · 0.4 · 0.25 / √4
    ///   = ± 0.098; d's is 270, so SAIDI ± 1.96 · 0.4 · 270 / 2 = ± 105.84, cut at 0 below;
    ///   CAIDI's residuals d − 312 f are −96 (three times) and 288, Σ² = 110,592, over
    ///   n(n − 1) = 12 gives 9,216, √ = 96, so CAIDI ± 1.96 · 96 / 0.625 = ± 301.056.
    ///
    /// In a year X's sustained interruptions are Poisson(0.4) (every event takes it out), Y's
    /// Poisson(0.1) (only B's); P(Poisson(λ) > 0) = 1 − e^−λ, P(> 1) = 1 − e^−λ (1 + λ):
    ///
    /// - CEMI_0 = ((1 − e^−0.4) + (1 − e^−0.1)) / 2 = (0.329680 + 0.095163) / 2 = 0.212421;
    /// - CEMI_1 = ((1 − 1.4 e^−0.4) + (1 − 1.1 e^−0.1)) / 2 = (0.061552 + 0.004679) / 2
    ///   = 0.033115;
    /// - CELID-s(200 min): only a B event gives an interruption of 200 min or more, for both:
    ///   1 − e^−0.1 = 0.095163;
    /// - CELID-t(200 min): X reaches 200 min with a B event or two A events (240 min):
    ///   1 − e^−0.1 · e^−0.3 (1 + 0.3) = 0.128584; Y with a B event: 0.095163; the share is
    ///   their mean, 0.111873.
    ///
    /// The simulated years estimate these: 400,000 years put them within a few 0.001.
    #[test]
    fn annual_indices_match_a_hand_computation() {
        let mut records = Vec::new();
        for run in 0..3 {
            records.push(record(run, "X", 120.0));
            records.push(record(run, "Y", 2.0));
        }
        records.push(record(3, "X", 600.0));
        records.push(record(3, "Y", 600.0));
        let sampling = Sampling {
            seed: 7,
            simulated_years: 400_000,
            bootstrap_replicates: 50,
            bootstrap_years: 2_000,
        };
        let x = indices(2, 0.4, &[0, 1, 2, 3], &records, &config(), sampling).unwrap();
        let close = |got: f64, want: f64, tolerance: f64| {
            assert!((got - want).abs() < tolerance, "{got} against {want}");
        };
        close(x.saifi_per_year.value, 0.25, 1e-12);
        close(x.saifi_per_year.ci95_low, 0.25 - 0.098, 1e-12);
        close(x.saifi_per_year.ci95_high, 0.25 + 0.098, 1e-12);
        close(x.saidi_per_year_min.value, 78.0, 1e-9);
        assert_eq!(x.saidi_per_year_min.ci95_low, 0.0);
        close(x.saidi_per_year_min.ci95_high, 78.0 + 105.84, 1e-9);
        let caidi = x.caidi_min.unwrap();
        close(caidi.value, 312.0, 1e-9);
        close(caidi.ci95_low, 312.0 - 301.056, 1e-9);
        close(caidi.ci95_high, 312.0 + 301.056, 1e-9);
        close(x.maifi_e_per_year.value, 0.15, 1e-12);
        close(x.asai.value, 1.0 - 78.0 / 525_600.0, 1e-15);
        assert_eq!(x.asai.ci95_high, 1.0);
        let (e1, e4) = ((-0.1f64).exp(), (-0.4f64).exp());
        let cemi_0 = ((1.0 - e4) + (1.0 - e1)) / 2.0;
        let cemi_1 = ((1.0 - 1.4 * e4) + (1.0 - 1.1 * e1)) / 2.0;
        close(cemi_0, 0.212421, 1e-6);
        close(cemi_1, 0.033115, 1e-6);
        close(x.cemi_per_year[0].share.value, cemi_0, 0.004);
        close(x.cemi_per_year[1].share.value, cemi_1, 0.002);
        let celid = x.celid_per_year[0];
        close(celid.single.value, 1.0 - e1, 0.003);
        close(
            celid.total.value,
            ((1.0 - 1.3 * e4) + (1.0 - e1)) / 2.0,
            0.003,
        );
        for e in [
            x.cemi_per_year[0].share,
            x.cemi_per_year[1].share,
            celid.single,
            celid.total,
        ] {
            assert!(e.ci95_low <= e.value && e.value <= e.ci95_high, "{e:?}");
        }
        // The same runs give the same figures, to the bit.
        let again = indices(2, 0.4, &[0, 1, 2, 3], &records, &config(), sampling).unwrap();
        assert_eq!(x, again);
    }

    /// The population above with X standing for 3 customers (4 served): an A event gives
    /// f = 3/4, d = 3 · 120 / 4 = 90 min, m = 1/4; a B event f = 1, d = 600, m = 0.
    ///
    /// - SAIFI = 0.3 · 3/4 + 0.1 · 1 = 0.325 a year; SAIDI = 0.3 · 90 + 0.1 · 600 = 87 min;
    ///   CAIDI = 87 / 0.325 = 267.69 min; MAIFI_E = 0.3 · 1/4 = 0.075.
    /// - CEMI_0 = (3 (1 − e^−0.4) + (1 − e^−0.1)) / 4 = (0.989040 + 0.095163) / 4 = 0.271051.
    ///
    /// And the same figures, to the draw, as three consumers of one customer each
    /// interrupted as X is: the simulated years and the bootstrap count customers alike.
    #[test]
    fn a_consumer_counts_its_customers_in_every_annual_index() {
        let mut weighted = Vec::new();
        let mut split = Vec::new();
        let x_out = |run: u64, duration_min: f64| {
            let x = record(run, "X", duration_min);
            let x1 = ["X1", "X2", "X3"].map(|id| record(run, id, duration_min));
            (Interruption { customers: 3, ..x }, x1)
        };
        for (run, x_min, y_min) in [
            (0, 120.0, 2.0),
            (1, 120.0, 2.0),
            (2, 120.0, 2.0),
            (3, 600.0, 600.0),
        ] {
            let (x, x1) = x_out(run, x_min);
            weighted.extend([x, record(run, "Y", y_min)]);
            split.extend(x1);
            split.push(record(run, "Y", y_min));
        }
        let sampling = Sampling {
            seed: 11,
            simulated_years: 100_000,
            bootstrap_replicates: 20,
            bootstrap_years: 500,
        };
        let runs = [0, 1, 2, 3];
        let x = indices(4, 0.4, &runs, &weighted, &config(), sampling).unwrap();
        let close = |got: f64, want: f64, tolerance: f64| {
            assert!((got - want).abs() < tolerance, "{got} against {want}");
        };
        close(x.saifi_per_year.value, 0.325, 1e-12);
        close(x.saidi_per_year_min.value, 87.0, 1e-9);
        close(x.caidi_min.unwrap().value, 87.0 / 0.325, 1e-9);
        close(x.maifi_e_per_year.value, 0.075, 1e-12);
        let (e1, e4) = ((-0.1f64).exp(), (-0.4f64).exp());
        let cemi_0 = (3.0 * (1.0 - e4) + (1.0 - e1)) / 4.0;
        close(cemi_0, 0.271051, 1e-6);
        close(x.cemi_per_year[0].share.value, cemi_0, 0.006);
        let y = indices(4, 0.4, &runs, &split, &config(), sampling).unwrap();
        assert_eq!(x.cemi_per_year, y.cemi_per_year);
        assert_eq!(x.celid_per_year, y.celid_per_year);
        close(
            x.saidi_per_year_min.ci95_high,
            y.saidi_per_year_min.ci95_high,
            1e-9,
        );
        close(x.saifi_per_year.value, y.saifi_per_year.value, 1e-12);
    }

    #[test]
    fn no_customer_run_or_rate_gives_no_indices_and_a_quiet_year_gives_zeros() {
        let sampling = Sampling::standard(1);
        assert!(indices(0, 1.0, &[0], &[], &config(), sampling).is_none());
        assert!(indices(3, 1.0, &[], &[], &config(), sampling).is_none());
        assert!(indices(3, 0.0, &[0], &[], &config(), sampling).is_none());
        let x = indices(3, 2.0, &[0, 1], &[], &config(), sampling).unwrap();
        assert_eq!(x.saifi_per_year.value, 0.0);
        assert_eq!(x.caidi_min, None);
        assert_eq!(x.asai.value, 1.0);
        assert_eq!(x.cemi_per_year[0].share.value, 0.0);
    }
}
