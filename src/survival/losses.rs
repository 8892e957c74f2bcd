//! When a run first lost critical load, and when it first lost any load, read from its island
//! intervals as the plant settled them (docs/model.md §9): the same rule for peer-to-peer
//! operation and for the no-sharing reference.

use crate::plant::island::IntervalRecord;
use crate::plant::settle::Flow;
use crate::sim::SUSTAINED_AFTER_S;

/// Unserved energy below this is rounding, not a loss, kWh (1 Wh).
const ENERGY_TOLERANCE_KWH: f64 = 1e-3;

/// Dark seconds below this are rounding, s.
const TIME_TOLERANCE_S: f64 = 1e-6;

/// How long after the fault consumers may be dark without it counting as a loss, s: the
/// restoration itself (detection, chain, optimisation, switching), as long as it is a momentary
/// interruption in IEEE 1366's sense (5 minutes or less). A restoration that takes longer is a
/// loss at the fault.
pub const RESTORATION_GRACE_S: f64 = SUSTAINED_AFTER_S;

/// The first losses of one run (or of its no-sharing reference), s after the fault; `None`
/// when there was none within the observed window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Losses {
    /// The first interval in which a critical consumer of an island was dark beyond the
    /// restoration grace, from the fault to that interval's start (0 for the fault's own).
    pub critical_s: Option<f64>,
    /// The first interval in which any consumer of an island was dark beyond the grace, or a
    /// prosumer's own load was not served in full.
    pub load_s: Option<f64>,
}

impl Losses {
    /// The losses of `records` (island intervals) in `[fault_s, fault_s + observed_s)`;
    /// `critical` says whether a consumer (by id) is critical.
    ///
    /// A loss is dated to the start of the interval it falls in (the fault itself for the
    /// fault's interval): with the fault at an interval's start and durations whole intervals,
    /// "no loss before `d`" is exact.
    pub fn of(
        records: &[IntervalRecord],
        fault_s: f64,
        observed_s: f64,
        critical: &dyn Fn(&str) -> bool,
    ) -> Losses {
        let mut losses = Losses::default();
        let earliest = |slot: &mut Option<f64>, t: f64| {
            *slot = Some(slot.map_or(t, |s: f64| s.min(t)));
        };
        for r in records {
            if r.start_s >= fault_s + observed_s {
                continue;
            }
            let at_s = (r.start_s - fault_s).max(0.0);
            // Dark seconds forgiven in this interval: what of the grace falls in it.
            let grace_s = (fault_s + RESTORATION_GRACE_S - r.start_s).max(0.0);
            for m in &r.members {
                match m.flow {
                    Flow::Consumer { .. } => {
                        let dark_s = m.in_island_s - m.supplied_s;
                        if dark_s > grace_s + TIME_TOLERANCE_S {
                            earliest(&mut losses.load_s, at_s);
                            if critical(&m.id) {
                                earliest(&mut losses.critical_s, at_s);
                            }
                        }
                    }
                    Flow::Prosumer {
                        own_demand_kwh,
                        own_served_kwh,
                        ..
                    } if own_demand_kwh - own_served_kwh > ENERGY_TOLERANCE_KWH => {
                        earliest(&mut losses.load_s, at_s)
                    }
                    _ => {}
                }
            }
        }
        losses
    }

    /// Whether critical load was carried through `duration_s`.
    pub fn critical_survives(&self, duration_s: f64) -> bool {
        self.critical_s.is_none_or(|t| t >= duration_s)
    }

    /// Whether all load was carried through `duration_s`.
    pub fn load_survives(&self, duration_s: f64) -> bool {
        self.load_s.is_none_or(|t| t >= duration_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plant::island::MemberRecord;
    use crate::plant::settle::IntervalAccount;

    fn consumer(id: &str, supplied_s: f64) -> MemberRecord {
        MemberRecord {
            entity: 0,
            id: id.into(),
            source: None,
            in_island_s: 900.0,
            supplied_s,
            flow: Flow::Consumer {
                demand_kwh: 10.0,
                served_kwh: 10.0 * supplied_s / 900.0,
                shed_by: None,
            },
            battery_available_kwh: None,
        }
    }

    fn prosumer(own_served_kwh: f64) -> MemberRecord {
        MemberRecord {
            entity: 1,
            id: "P1".into(),
            source: None,
            in_island_s: 900.0,
            supplied_s: 900.0,
            flow: Flow::Prosumer {
                generation_kwh: 0.0,
                own_demand_kwh: 5.0,
                own_served_kwh,
                setpoint_kwh: 0.0,
                export_kwh: 0.0,
                export_curtailed_kwh: 0.0,
                battery_discharge_kwh: 0.0,
                battery_charge_kwh: 0.0,
                curtailed_kwh: 0.0,
                soc_kwh: None,
            },
            battery_available_kwh: None,
        }
    }

    fn interval(k: u64, members: Vec<MemberRecord>) -> IntervalRecord {
        IntervalRecord {
            island: 1,
            interval: k,
            start_s: k as f64 * 900.0,
            island_s: 900.0,
            account: IntervalAccount {
                interval_s: 900.0,
                ..IntervalAccount::default()
            },
            network: None,
            members,
        }
    }

    /// A hand-made island from the fault at interval 4 (3600 s): the critical consumer C1 is
    /// restored in 80 s, the other (C2) is shed in the third interval, the prosumer goes short
    /// in the fifth, C1 is lost in the sixth.
    fn island() -> Vec<IntervalRecord> {
        let mut records = vec![interval(
            4,
            vec![consumer("C1", 820.0), consumer("C2", 820.0), prosumer(5.0)],
        )];
        for k in 5..12 {
            let c1 = if k >= 9 { 0.0 } else { 900.0 };
            let c2 = if k >= 6 { 0.0 } else { 900.0 };
            let own = if k >= 8 { 2.0 } else { 5.0 };
            records.push(interval(
                k,
                vec![consumer("C1", c1), consumer("C2", c2), prosumer(own)],
            ));
        }
        records
    }

    #[test]
    fn losses_are_dated_to_their_interval_and_the_restoration_is_forgiven() {
        let critical = |id: &str| id == "C1";
        let l = Losses::of(&island(), 3600.0, 7200.0, &critical);
        // C2 shed from interval 6 (1800 s after the fault); C1 lost from interval 9 (4500 s).
        assert_eq!(l.load_s, Some(1800.0));
        assert_eq!(l.critical_s, Some(4500.0));
        assert!(l.critical_survives(3600.0) && l.critical_survives(4500.0));
        assert!(!l.critical_survives(5400.0));
        assert!(l.load_survives(1800.0) && !l.load_survives(2700.0));
        // Observed for 1 h only: C1's loss is past the window (censored).
        let short = Losses::of(&island(), 3600.0, 3600.0, &critical);
        assert_eq!(short.critical_s, None);
        assert_eq!(short.load_s, Some(1800.0));
    }

    #[test]
    fn a_restoration_longer_than_five_minutes_is_a_loss_at_the_fault() {
        let records = vec![interval(4, vec![consumer("C1", 900.0 - 301.0)])];
        let l = Losses::of(&records, 3600.0, 3600.0, &|_| true);
        assert_eq!((l.critical_s, l.load_s), (Some(0.0), Some(0.0)));
        let records = vec![interval(4, vec![consumer("C1", 900.0 - 299.0)])];
        assert_eq!(
            Losses::of(&records, 3600.0, 3600.0, &|_| true),
            Losses::default()
        );
    }

    #[test]
    fn a_prosumer_short_of_its_own_load_is_a_load_loss_not_a_critical_one() {
        let records = vec![interval(4, vec![prosumer(4.0)])];
        let l = Losses::of(&records, 3600.0, 3600.0, &|_| true);
        assert_eq!((l.critical_s, l.load_s), (None, Some(0.0)));
    }
}
