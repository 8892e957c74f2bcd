//! Survival studies through the library: one run per start serves every shorter duration (the
//! simulation is causal), and a study gives the same results whatever the threads.

use blackstart::scenario::{self, Scenario};
use blackstart::sim::{Recording, RunReport, Simulator};
use blackstart::survival::{self, Calendar, Losses, Starts, SurvivalOptions};
use std::path::Path;

fn campus13() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/campus13.yaml");
    scenario::load(&path).unwrap()
}

/// The run of `start` repaired `observed_s` after it, on a simulator built for `durations_s`.
fn run(simulator: &Simulator, start: &survival::Start, observed_s: f64) -> RunReport {
    let plan = survival::plan(simulator.scenario(), start, observed_s);
    let horizon_s = start.start_s + observed_s + 2.0 * 900.0;
    simulator
        .with_horizon_s(horizon_s)
        .run(&plan, Recording::default())
        .unwrap()
}

/// An outage at 17:00 on 20 May followed for 6 h, and the same outage repaired after 2 h:
/// until the shorter one's repair, the two runs settle the same island intervals, with and
/// without sharing, so the losses of the long run on [fault, fault + 2 h) are the short run's.
#[test]
fn a_shorter_outage_agrees_with_the_longest_on_its_window() {
    let (long_s, short_s) = (6.0 * 3600.0, 2.0 * 3600.0);
    let scenario = campus13();
    let year = survival::year_scenario(&scenario, &[long_s], scenario.seed);
    let simulator = Simulator::new(&year).unwrap();
    let calendar = survival::calendar(&year).unwrap();
    let start = calendar.start(19 * 96 + 17 * 4);
    assert_eq!((start.month, start.hour), (5, 17));
    let long = run(&simulator, &start, long_s);
    let short = run(&simulator, &start, short_s);
    let before = |records: &[blackstart::plant::island::IntervalRecord]| {
        records
            .iter()
            .filter(|r| r.start_s < start.start_s + short_s)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(
        before(&long.intervals).len() >= 8,
        "{:?}",
        long.intervals.len()
    );
    assert_eq!(before(&long.intervals), before(&short.intervals));
    assert_eq!(
        before(&long.no_sharing_intervals),
        before(&short.no_sharing_intervals)
    );
    let critical = |id: &str| id == "C1";
    for (a, b) in [
        (&long.intervals, &short.intervals),
        (&long.no_sharing_intervals, &short.no_sharing_intervals),
    ] {
        assert_eq!(
            Losses::of(a, start.start_s, short_s, &critical),
            Losses::of(b, start.start_s, short_s, &critical)
        );
    }
    // The long run sees further: what it lost after 2 h is beyond the short one's window.
    let long_losses = Losses::of(&long.intervals, start.start_s, long_s, &critical);
    let short_losses = Losses::of(&short.intervals, start.start_s, short_s, &critical);
    for (l, s) in [
        (long_losses.critical_s, short_losses.critical_s),
        (long_losses.load_s, short_losses.load_s),
    ] {
        match l {
            Some(t) if t < short_s => assert_eq!(s, Some(t)),
            _ => assert_eq!(s, None),
        }
    }
    // Without sharing, the cut-off consumers are dark from the fault.
    let none = Losses::of(&long.no_sharing_intervals, start.start_s, long_s, &critical);
    assert_eq!((none.critical_s, none.load_s), (Some(0.0), Some(0.0)));
}

/// A small study (288 starts, one per month × hour cell, followed 1 h) on one thread and on
/// three: the same outcomes, bit for bit.
#[test]
fn a_study_does_not_depend_on_the_threads() {
    let scenario = campus13();
    let durations_s = vec![900.0, 3600.0];
    let year = survival::year_scenario(&scenario, &durations_s, 11);
    let simulator = Simulator::new(&year).unwrap();
    let options = |threads| SurvivalOptions {
        durations_s: durations_s.clone(),
        starts: Starts::Sample(288),
        threads: Some(threads),
        seed: 11,
    };
    let one = survival::run(&simulator, &options(1), &|_, _| {}).unwrap();
    let three = survival::run(&simulator, &options(3), &|_, _| {}).unwrap();
    assert_eq!(one.outcomes, three.outcomes);
    assert_eq!(one.outcomes.len(), 288);
    let mut cells = vec![0; survival::CELLS];
    for o in &one.outcomes {
        cells[Calendar::cell(&o.start)] += 1;
        assert!(o.result.is_ok(), "{:?}", o.result);
    }
    assert!(cells.iter().all(|&n| n == 1));
    let summary = survival::summarise(&one, "campus13", "stratified", 11);
    // With the restoration forgiven, campus13's island carries its water pumps for the first
    // quarter hour of every outage; with no sharing they are dark from the fault.
    assert_eq!(summary.overall.survival[0].p2p_critical, 1.0);
    assert_eq!(summary.overall.survival[0].no_sharing_critical, 0.0);
    assert_eq!(summary.overall.starts, 288);
}
