//! PowerBalance: eq. 1 over an interval's posted readings.

use super::bindings::PowerBalance;
use super::{Balance, Chain, ChainError, Receipt, to_u64};
use crate::grid::Condition;

impl Chain {
    /// Computes eq. 1 on chain for `interval` (sent by the operator) and returns the
    /// `BalanceComputed` event: P_bal = Pc + P_BBI − P_pe − P_DER − P_BBD and its condition.
    pub fn power_balance(&mut self, interval: u64) -> Result<Receipt<Balance>, ChainError> {
        const FUNCTION: &str = "computeBalance";
        let call = PowerBalance::computeBalanceCall { interval };
        let sent = self.send(self.operator, self.contracts.power_balance, call)?;
        let event: PowerBalance::BalanceComputed = sent.event(FUNCTION)?;
        let decode_error = |message: String| ChainError::Decode {
            function: FUNCTION,
            message,
        };
        let balance_wh = i64::try_from(event.balanceWh).map_err(|_| {
            decode_error(format!("balance {} does not fit in i64", event.balanceWh))
        })?;
        let condition = condition(event.condition)
            .ok_or_else(|| decode_error(format!("unknown condition {}", event.condition)))?;
        Ok(sent.receipt(Balance {
            generation_wh: to_u64(FUNCTION, event.generationWh)?,
            consumption_wh: to_u64(FUNCTION, event.consumptionWh)?,
            balance_wh,
            condition,
        }))
    }
}

/// The condition with Solidity enum value `code` (the order of `Condition` in PowerBalance.sol).
fn condition(code: u8) -> Option<Condition> {
    match code {
        0 => Some(Condition::Balanced),
        1 => Some(Condition::GenerationExceedsConsumption),
        2 => Some(Condition::ConsumptionExceedsGeneration),
        _ => None,
    }
}
