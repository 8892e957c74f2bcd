//! What the optimiser returns: the split, its rewards (docs/model.md §5) and what was shed, as data
//! (serde, field order as issue 3's JSON) and as a table like the paper's Tables 6 and 7.

use std::fmt;

use serde::Serialize;

use super::Model;

/// The result of one optimisation of one island.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Allocation {
    /// The model solved.
    pub model: Model,
    /// Whether other splits reach the same cost (to 1e-9 relative), as in the paper model's
    /// case 1; the split returned is then a deterministic representative (each prosumer at
    /// the same share of its capacity, as far as the optimal set allows). Ties are a
    /// continuum of optimal splits or another choice of sides of the eq. 13 gaps of equal
    /// cost; the search explores every branch whose bound is within the tolerance of the
    /// optimum until it finds one, so the answer does not depend on the prosumers' order
    /// (unless a search exhausts its work budget: the optimum's then has
    /// `optimality_gap_inr > 0`, the tie search's reports no tie). Always false for
    /// the fair model, whose tie-break is part of its objective and makes the answer unique.
    pub degenerate: bool,
    /// `D`: served demand plus net-load prosumers' imports, minus the prosumers' baseline
    /// export and the island's DER and battery-bank supply. Negative is a surplus.
    pub deficit_kwh: f64,
    /// What the island's DERs and battery banks supply (eq. 1's `P_DER + P_BBD − P_BBI`),
    /// counted before any prosumer's extra export.
    pub community_supply_kwh: f64,
    /// What net-load prosumers (fair model) import even after their largest cut, counted as
    /// demand.
    pub prosumer_import_kwh: f64,
    /// The least cost: `J` of eq. 4 (paper) or the fair rewards, `Σ (R_prev + R_delta +
    /// R_extra)` before any cap.
    pub cost_inr: f64,
    /// How much cheaper than `cost_inr` the global optimum could still be: 0 when the
    /// solver proved optimality (to 1e-9 relative); positive only when the paper model's
    /// search ran out of budget on a hard instance, and then a proven bound.
    pub optimality_gap_inr: f64,
    /// Eq. 5's budget: the served consumers' tariffs.
    pub budget_inr: f64,
    /// How far `cost_inr` exceeds the budget (0 when within it). `cost_inr` is already the
    /// least possible cost, so a positive value means no allocation meets eq. 5: the rewards
    /// are then capped pro rata to the budget (`paid_inr`).
    pub budget_short_inr: f64,
    /// What the prosumers are paid: `cost_inr`, or the budget when eq. 5 binds. The
    /// prosumers' reward fields add up to it.
    pub paid_inr: f64,
    /// Demand of the served consumers.
    pub served_kwh: f64,
    /// Demand of the shed consumers.
    pub energy_not_served_kwh: f64,
    /// Ids of the shed consumers, in input order.
    pub shed: Vec<String>,
    /// Ids of the prosumers that backed off (case 2), in input order.
    pub excluded: Vec<String>,
    /// Wall-clock time of the solve (measured, not simulated), µs.
    pub solve_time_us: u64,
    /// One row per participating prosumer, in input order.
    pub prosumers: Vec<ProsumerAllocation>,
}

/// One prosumer's share and rewards.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProsumerAllocation {
    /// Its id.
    pub id: String,
    /// Extra energy it exports beyond its baseline.
    pub delta_kwh: f64,
    /// Share of its own consumption it sheds.
    pub alpha: f64,
    /// Share of its battery energy it exports.
    pub beta: f64,
    /// The most it could contribute under the model's limits.
    pub capacity_kwh: f64,
    /// Export at t the island counts on before `delta_kwh`: `Pe`, or less in the fair model
    /// when the prosumer cannot sustain `Pe` (`K < 0`).
    pub export_baseline_kwh: f64,
    /// What it imports from the island even after its largest cut (fair model, net loads).
    pub import_kwh: f64,
    /// What limits it below its previous export, if anything.
    pub limit: ProsumerLimit,
    /// For the export the island counts on: `Pe·BT` (paper), `export_baseline_kwh·BT` (fair:
    /// delivered energy only). Capped with the others when eq. 5 binds.
    pub reward_prev_inr: f64,
    /// `R_delta = delta·BT`.
    pub reward_delta_inr: f64,
    /// The premium: `delta·BT/S + alpha·delta·BT²` (paper, eq. 4), `BT·delta·(alpha +
    /// Σdelta/S)` (fair), `S` the island's total prosumer export.
    pub reward_extra_inr: f64,
}

/// Why a prosumer cannot sustain its previous export (fair model; the paper model rejects
/// such prosumers instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProsumerLimit {
    /// It can sustain `Pe`.
    None,
    /// `K = PG − Pe − Pc + PB < 0`: it exports less than `Pe` (its baseline) and is paid
    /// for that only.
    ShortOfExport,
    /// `PG + PB < (1 − alpha_max)·Pc`: even its largest cut leaves it importing
    /// (`import_kwh`), counted as island demand; it exports nothing and offers nothing.
    NetLoad,
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

impl fmt::Display for Allocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let optimum = if self.degenerate {
            "degenerate: other splits cost the same; this is the even-spread representative"
        } else {
            "unique optimum"
        };
        writeln!(f, "model {} ({optimum})", self.model)?;
        writeln!(
            f,
            "deficit {:.3} kWh · served {:.3} kWh · not served {:.3} kWh (shed: {})",
            self.deficit_kwh,
            self.served_kwh,
            self.energy_not_served_kwh,
            list(&self.shed)
        )?;
        writeln!(
            f,
            "DERs and battery banks supply {:.3} kWh · net-load prosumers import {:.3} kWh",
            self.community_supply_kwh, self.prosumer_import_kwh
        )?;
        let budget = if self.budget_short_inr > 0.0 {
            format!(
                "OVER BUDGET by {:.3} INR: rewards capped pro rata, {:.3} INR paid",
                self.budget_short_inr, self.paid_inr
            )
        } else {
            "within budget".into()
        };
        let proof = if self.optimality_gap_inr > 0.0 {
            format!(
                " (optimum proven only to within {:.3} INR)",
                self.optimality_gap_inr
            )
        } else {
            String::new()
        };
        writeln!(
            f,
            "cost {:.3} INR{proof} · budget {:.3} INR · {budget} · backed off: {}",
            self.cost_inr,
            self.budget_inr,
            list(&self.excluded)
        )?;
        writeln!(
            f,
            "{:<10} {:>12} {:>8} {:>8} {:>14} {:>13} {:>13} {:>13}",
            "prosumer",
            "delta (kWh)",
            "alpha",
            "beta",
            "capacity (kWh)",
            "R_prev (INR)",
            "R_delta (INR)",
            "R_extra (INR)"
        )?;
        for p in &self.prosumers {
            let flag = match p.limit {
                ProsumerLimit::None => String::new(),
                ProsumerLimit::ShortOfExport => format!(
                    "  short of its export: counted at {:.3} kWh",
                    p.export_baseline_kwh
                ),
                ProsumerLimit::NetLoad => format!("  net load: imports {:.3} kWh", p.import_kwh),
            };
            writeln!(
                f,
                "{:<10} {:>12.3} {:>8.4} {:>8.4} {:>14.3} {:>13.3} {:>13.3} {:>13.3}{flag}",
                p.id,
                p.delta_kwh,
                p.alpha,
                p.beta,
                p.capacity_kwh,
                p.reward_prev_inr,
                p.reward_delta_inr,
                p.reward_extra_inr
            )?;
        }
        let sum = |f: fn(&ProsumerAllocation) -> f64| self.prosumers.iter().map(f).sum::<f64>();
        writeln!(
            f,
            "{:<10} {:>12.3} {:>8} {:>8} {:>14.3} {:>13.3} {:>13.3} {:>13.3}",
            "total",
            sum(|p| p.delta_kwh),
            "",
            "",
            sum(|p| p.capacity_kwh),
            sum(|p| p.reward_prev_inr),
            sum(|p| p.reward_delta_inr),
            sum(|p| p.reward_extra_inr)
        )?;
        write!(f, "solve time {} µs (wall clock)", self.solve_time_us)
    }
}
