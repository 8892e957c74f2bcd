//! Energy balance consensus (docs/model.md §2, paper eq. 1 and Algorithm 1).

use serde::Serialize;

/// Energies of one (micro)grid over an interval, kWh — the terms of eq. 1.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BalanceTerms {
    /// Consumers' consumption, `Pc`.
    pub consumption_kwh: f64,
    /// Energy taken in by battery banks, `P_BBI`.
    pub battery_charge_kwh: f64,
    /// Prosumers' export, `P_pe`.
    pub prosumer_export_kwh: f64,
    /// Distributed generation, `P_DER`.
    pub der_kwh: f64,
    /// Energy given out by battery banks, `P_BBD`.
    pub battery_discharge_kwh: f64,
}

/// Which way an energy balance tips.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// `P_bal = 0`.
    Balanced,
    /// `P_bal < 0`: surplus.
    GenerationExceedsConsumption,
    /// `P_bal > 0`: deficit.
    ConsumptionExceedsGeneration,
}

/// The outcome of eq. 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Balance {
    /// `P_bal = Pc + P_BBI − P_pe − P_DER − P_BBD`, kWh; positive means a deficit.
    pub p_bal_kwh: f64,
    /// Total generation `P_pe + P_DER + P_BBD`, kWh.
    pub generation_kwh: f64,
    /// Total consumption `Pc + P_BBI`, kWh.
    pub consumption_kwh: f64,
    /// Sign of `P_bal`.
    pub condition: Condition,
}

/// Below this magnitude (1 Wh) a balance counts as zero, absorbing floating-point noise.
pub const BALANCED_WITHIN_KWH: f64 = 1e-3;

impl BalanceTerms {
    /// What the DERs and battery banks supply, `P_DER + P_BBD − P_BBI`: eq. 1's generation
    /// and consumption terms other than the prosumers' and consumers'.
    pub fn community_supply_kwh(&self) -> f64 {
        self.der_kwh + self.battery_discharge_kwh - self.battery_charge_kwh
    }

    /// Evaluates eq. 1.
    pub fn balance(&self) -> Balance {
        let generation_kwh = self.prosumer_export_kwh + self.der_kwh + self.battery_discharge_kwh;
        let consumption_kwh = self.consumption_kwh + self.battery_charge_kwh;
        let p_bal_kwh = consumption_kwh - generation_kwh;
        let condition = if p_bal_kwh.abs() < BALANCED_WITHIN_KWH {
            Condition::Balanced
        } else if p_bal_kwh < 0.0 {
            Condition::GenerationExceedsConsumption
        } else {
            Condition::ConsumptionExceedsGeneration
        };
        Balance {
            p_bal_kwh,
            generation_kwh,
            consumption_kwh,
            condition,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// docs/model.md §2, the paper's Table 2.
    #[test]
    fn paper_table_2() {
        let rows = [
            (
                [60.0, 20.0, 30.0, 40.0, 50.0],
                100.0,
                100.0,
                Condition::Balanced,
            ),
            (
                [20.0, 30.0, 10.0, 20.0, 30.0],
                70.0,
                40.0,
                Condition::GenerationExceedsConsumption,
            ),
            (
                [80.0, 40.0, 20.0, 10.0, 20.0],
                80.0,
                90.0,
                Condition::ConsumptionExceedsGeneration,
            ),
        ];
        for ([pc, ppe, pder, pbbi, pbbd], generation, consumption, condition) in rows {
            let b = BalanceTerms {
                consumption_kwh: pc,
                battery_charge_kwh: pbbi,
                prosumer_export_kwh: ppe,
                der_kwh: pder,
                battery_discharge_kwh: pbbd,
            }
            .balance();
            assert_eq!(b.generation_kwh, generation);
            assert_eq!(b.consumption_kwh, consumption);
            assert_eq!(b.p_bal_kwh, consumption - generation);
            assert_eq!(b.condition, condition);
        }
    }
}
