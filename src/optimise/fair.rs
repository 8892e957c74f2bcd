//! The `fair` model (docs/model.md §5b), the default: the paper's linear physical limits
//! with unit-consistent rewards and a unique answer.
//!
//! A prosumer contributes `delta = x + y`: `x` cut from its own consumption
//! (`0 ≤ x ≤ alpha_max·Pc`, `alpha = x/Pc`) and `y` of extra supply from its battery
//! (`0 ≤ y ≤ PB`, `beta = y/PB`). It cannot export energy it lacks:
//! `Pe + delta ≤ PG + PB − (1 − alpha)·Pc`; `x` cancels, leaving `y ≤ K = PG − Pe − Pc + PB`.
//!
//! Rewards ([`super::Rewards::fair`]). Eq. 4's `delta·BT/S` (INR/kWh) and `alpha·delta·BT²`
//! (INR²/kWh) are not amounts of money: scaling an island's energies changes who is paid
//! what out of proportion. The fair model pays `BT` for every kWh delivered plus a premium
//! `BT·delta·(alpha + Σdelta/S)`: the share of its own consumption the prosumer gives up and
//! the share of the island's prosumer supply `S` that is extra, both dimensionless. Scaling
//! every energy by k scales every allocation and reward by k.
//!
//! Allocation. For a given delta the battery goes first (the premium grows with alpha):
//! `x = max(0, delta − Y)` with `Y = min(PB, K)`, and a prosumer's cost is `BT·δ` up to `Y`,
//! then `BT·δ + BT·(δ − Y)·δ/Pc`: convex. The `Σdelta/S` premium depends on the total only.
//! The least-cost split of the deficit is a separable convex allocation; among least-cost
//! splits (often many: any split of battery energy costs the same) the one minimising
//! `Σ delta_i²/capacity_i` spreads the burden evenly relative to each prosumer's spare
//! capacity and is unique.
//!
//! `K < 0`: the prosumer cannot even sustain its previous export `Pe` (flagged
//! [`ProsumerLimit::ShortOfExport`]). The island counts on, and pays for, the export it can
//! sustain, `max(0, PG + PB − Pc)` (the baseline, lower than `Pe`), which raises the deficit,
//! and its battery has nothing extra (`Y = 0`). If it cannot cover its own consumption
//! (`PG + PB < Pc`), the first part of any cut covers that (its own load, behind its meter);
//! only the rest, `alpha_max·Pc − (Pc − PG − PB)`, is offered to the island. If even its
//! largest cut leaves it short (`PG + PB < (1 − alpha_max)·Pc`) it is a net load (flagged
//! [`ProsumerLimit::NetLoad`]): it cuts `alpha_max·Pc` and imports the rest,
//! `(1 − alpha_max)·Pc − PG − PB`, which the island must supply like a consumer's demand.

use super::allocate::allocate;
use super::curve::{Curve, Quad};
use super::{Island, OptimiseError, ProsumerInput, ProsumerLimit, Split};

/// The island under the fair model.
pub(crate) struct FairIsland {
    curves: Vec<Curve>,
    /// `Y`: the most each can give without cutting consumption.
    battery: Vec<f64>,
    consumption: Vec<f64>,
    alpha_max: Vec<f64>,
    storage: Vec<f64>,
    baseline: Vec<f64>,
    capacity: Vec<f64>,
    import: Vec<f64>,
    limit: Vec<ProsumerLimit>,
}

impl FairIsland {
    /// Builds each prosumer's limits and cost at base tariff `bt`.
    pub(super) fn new(prosumers: &[&ProsumerInput], bt: f64) -> FairIsland {
        let mut island = FairIsland {
            curves: Vec::with_capacity(prosumers.len()),
            battery: Vec::with_capacity(prosumers.len()),
            consumption: Vec::with_capacity(prosumers.len()),
            alpha_max: Vec::with_capacity(prosumers.len()),
            storage: Vec::with_capacity(prosumers.len()),
            baseline: Vec::with_capacity(prosumers.len()),
            capacity: Vec::with_capacity(prosumers.len()),
            import: Vec::with_capacity(prosumers.len()),
            limit: Vec::with_capacity(prosumers.len()),
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
                    k1: bt - bt * y / pc,
                    k2: bt / pc,
                };
                pieces.push((y, y + x, cut));
            }
            island.curves.push(Curve::new(pieces));
            island.battery.push(y);
            island.consumption.push(pc);
            island.alpha_max.push(p.alpha_max);
            island.storage.push(pb);
            island.baseline.push(pe.min(surplus.max(0.0)));
            island.capacity.push(x + y);
            let import = (1.0 - p.alpha_max) * pc - pg - pb;
            island.import.push(import.max(0.0));
            island.limit.push(if import > 0.0 {
                ProsumerLimit::NetLoad
            } else if surplus < pe {
                ProsumerLimit::ShortOfExport
            } else {
                ProsumerLimit::None
            });
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

    fn import_kwh(&self) -> &[f64] {
        &self.import
    }

    fn limit(&self) -> &[ProsumerLimit] {
        &self.limit
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
            // Shares within their bounds despite rounding (e.g. a tiny battery emptied).
            let share = |part: f64, of: f64, most: f64| {
                if of > 0.0 {
                    (part / of).clamp(0.0, most)
                } else {
                    0.0
                }
            };
            alpha.push(share(x, self.consumption[i], self.alpha_max[i]));
            beta.push(share(d - x, self.storage[i], 1.0));
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
