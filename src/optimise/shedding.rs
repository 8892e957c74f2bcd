//! Load shedding: which consumers to serve when the island cannot supply all of them.
//!
//! Rule: consider consumers by priority (highest first), then smaller demand first (more
//! consumers served), then id; keep each one whose demand still fits in the energy the
//! island can supply, skip (shed) one that does not. A lower-priority consumer can thus be
//! served while a larger, higher-priority one is shed: the relays switch whole consumers,
//! and energy that cannot serve the larger one still serves the smaller.

use super::ConsumerInput;

/// For each consumer (in input order), whether it is served when the island can supply
/// `supply_kwh` in all. When everything fits, everyone is served.
pub(crate) fn served(consumers: &[ConsumerInput], supply_kwh: f64) -> Vec<bool> {
    let mut order: Vec<usize> = (0..consumers.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&consumers[a], &consumers[b]);
        b.priority
            .cmp(&a.priority)
            .then(a.demand_kwh.total_cmp(&b.demand_kwh))
            .then_with(|| a.id.cmp(&b.id))
    });
    let room = supply_kwh + 1e-9 * (1.0 + supply_kwh.abs());
    let mut load = 0.0;
    let mut keep = vec![false; consumers.len()];
    for j in order {
        if load + consumers[j].demand_kwh <= room {
            load += consumers[j].demand_kwh;
            keep[j] = true;
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn consumer(id: &str, demand_kwh: f64, priority: u32) -> ConsumerInput {
        ConsumerInput {
            id: id.into(),
            demand_kwh,
            priority,
            tariff_inr: 0.0,
        }
    }

    #[test]
    fn everyone_is_served_when_supply_suffices() {
        let cs = [consumer("C1", 100.0, 0), consumer("C2", 200.0, 1)];
        assert_eq!(served(&cs, 300.0), vec![true, true]);
    }

    #[test]
    fn priority_then_smaller_demand_then_id() {
        let cs = [
            consumer("C1", 300.0, 0),
            consumer("C2", 500.0, 2),
            consumer("C3", 200.0, 0),
            consumer("C4", 200.0, 0),
            consumer("C5", 400.0, 1),
        ];
        // 1000 kWh: C2 (500, critical), C5 (400) → 900; then C3 (200) does not fit, nor C4,
        // nor C1 (300).
        assert_eq!(served(&cs, 1000.0), vec![false, true, false, false, true]);
        // 1100 kWh: C3 fits (tie with C4 on demand, C3's id first), C4 no longer does.
        assert_eq!(served(&cs, 1100.0), vec![false, true, true, false, true]);
        // 700 kWh: C2, then C5 does not fit; C3 and C4 do.
        assert_eq!(served(&cs, 700.0), vec![false, true, true, false, false]);
    }
}
