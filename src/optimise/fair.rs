//! The `fair` model (SPEC §5b), the default: the paper's costs and rewards with linear
//! physical limits and a unique answer.
//!
//! A prosumer contributes `delta = x + y`: `x` cut from its own consumption
//! (`0 ≤ x ≤ alpha_max·Pc`, `alpha = x/Pc`) and `y` of extra supply from its battery
//! (`0 ≤ y ≤ PB`, `beta = y/PB`). It cannot export energy it lacks:
//! `Pe + delta ≤ PG + PB − (1 − alpha)·Pc`; `x` cancels, leaving `y ≤ K = PG − Pe − Pc + PB`.
//! Eq. 4 charges `alpha·delta·BT² = x·delta·BT²/Pc`, so for a given delta the battery goes
//! first: `x = max(0, delta − Y)` with `Y = min(PB, K)`, and the cost of a prosumer is
//! `BT·δ` up to `Y`, then `BT·δ + BT²·(δ − Y)·δ/Pc`: convex. The least-cost split of the
//! deficit is a separable convex allocation; among least-cost splits (often many: any
//! split of battery energy costs the same) the one minimising `Σ delta_i²/capacity_i`
//! spreads the burden evenly relative to each prosumer's spare capacity and is unique.
//!
//! `K < 0`: the prosumer cannot even sustain its previous export `Pe`. The island then
//! counts on the export it can sustain, `max(0, PG + PB − Pc)` (the baseline, lower than
//! `Pe`), which raises the deficit, and its battery has nothing extra (`Y = 0`). If it
//! cannot cover its own consumption (`PG + PB < Pc`), the first part of any cut covers
//! that (its own load, behind its meter); only the rest, `alpha_max·Pc − (Pc − PG − PB)`,
//! is offered to the island.

use super::allocate::allocate;
use super::curve::{Curve, Quad};
use super::{Island, OptimiseError, ProsumerInput, Split};

/// The island under the fair model.
pub(crate) struct FairIsland {
    curves: Vec<Curve>,
    /// `Y`: the most each can give without cutting consumption.
    battery: Vec<f64>,
    consumption: Vec<f64>,
    storage: Vec<f64>,
    baseline: Vec<f64>,
    capacity: Vec<f64>,
}

impl FairIsland {
    /// Builds each prosumer's limits and cost at base tariff `bt`.
    pub fn new(prosumers: &[&ProsumerInput], bt: f64) -> FairIsland {
        let mut island = FairIsland {
            curves: Vec::with_capacity(prosumers.len()),
            battery: Vec::with_capacity(prosumers.len()),
            consumption: Vec::with_capacity(prosumers.len()),
            storage: Vec::with_capacity(prosumers.len()),
            baseline: Vec::with_capacity(prosumers.len()),
            capacity: Vec::with_capacity(prosumers.len()),
        };
        for p in prosumers {
            let (pe, pg, pb, pc) = (
                p.export_prev_kwh,
                p.generation_kwh,
                p.battery_kwh,
                p.consumption_kwh,
            );
            let surplus = pg + pb - pc;
            let y = (surplus - pe).min(pb).max(0.0);
            let x = (p.alpha_max * pc - (-surplus).max(0.0)).max(0.0);
            let mut pieces = vec![(0.0, y, Quad::linear(bt))];
            if x > 0.0 {
                let cut = Quad {
                    k0: 0.0,
                    k1: bt - bt * bt * y / pc,
                    k2: bt * bt / pc,
                };
                pieces.push((y, y + x, cut));
            }
            island.curves.push(Curve::new(pieces));
            island.battery.push(y);
            island.consumption.push(pc);
            island.storage.push(pb);
            island.baseline.push(pe.min(surplus.max(0.0)));
            island.capacity.push(x + y);
        }
        island
    }
}

impl Island for FairIsland {
    fn baseline_kwh(&self) -> &[f64] {
        &self.baseline
    }

    fn capacity_kwh(&self) -> &[f64] {
        &self.capacity
    }

    fn split(&self, deficit_kwh: f64) -> Result<Split, OptimiseError> {
        let curves: Vec<&Curve> = self.curves.iter().collect();
        let total = deficit_kwh.max(0.0).min(self.capacity.iter().sum());
        let face = allocate(&curves, total)?;
        let delta = face.spread(&self.capacity)?;
        let mut alpha = Vec::with_capacity(delta.len());
        let mut beta = Vec::with_capacity(delta.len());
        for (i, &d) in delta.iter().enumerate() {
            let x = (d - self.battery[i]).max(0.0);
            let share = |part: f64, of: f64| if of > 0.0 { part / of } else { 0.0 };
            alpha.push(share(x, self.consumption[i]));
            beta.push(share(d - x, self.storage[i]));
        }
        Ok(Split {
            // The tie-break is strictly convex on the least-cost set: the answer is unique.
            degenerate: false,
            gap_inr: 0.0,
            delta,
            alpha,
            beta,
        })
    }
}
