//! OptimisationHandler: the optimiser's allocation, checked on chain, and settlement of rewards
//! into the RewardLedger.

use super::bindings::{OptimisationHandler, RewardLedger};
use super::{
    Address, Allocation, AllocationRecord, Chain, ChainError, EntityId, Payment, Receipt,
    RecordedShares, Settlement, Share, to_u64,
};

impl Chain {
    /// Records `allocation`, sent from `from` (only the optimiser may). The contract rejects it
    /// with `AllocationShortOfDeficit` if Σ delta is below the deficit of the base interval
    /// (net of the suppliers' readings), and with `AllocationOverBudget` if Σ reward exceeds the
    /// consumers' interval tariffs (eq. 5).
    pub fn record_allocation(
        &mut self,
        from: Address,
        allocation: &Allocation,
    ) -> Result<Receipt<AllocationRecord>, ChainError> {
        const FUNCTION: &str = "recordAllocation";
        let call = OptimisationHandler::recordAllocationCall {
            outageId: allocation.outage_id,
            baseInterval: allocation.base_interval,
            deliveryInterval: allocation.delivery_interval,
            entityIds: {
                let mut ids: Vec<u32> = allocation
                    .consumers
                    .iter()
                    .chain(&allocation.suppliers)
                    .map(|id| id.0)
                    .collect();
                ids.sort_unstable();
                ids
            },
            shares: allocation.shares.iter().map(share_abi).collect(),
        };
        let sent = self.send(from, self.contracts.handler, call)?;
        let event: OptimisationHandler::AllocationRecorded = sent.event(FUNCTION)?;
        Ok(sent.receipt(AllocationRecord {
            deficit_wh: to_u64(FUNCTION, event.deficitWh)?,
            covered_wh: to_u64(FUNCTION, event.coveredWh)?,
            rewards_paise: to_u64(FUNCTION, event.rewardsPaise)?,
            budget_paise: to_u64(FUNCTION, event.budgetPaise)?,
        }))
    }

    /// Settles the allocation `recorded` (sent by the operator; anyone may): pays every prosumer
    /// of it with a reward whose delivery-interval export reaches what it promised and that is
    /// not paid yet, and says who fell short. Reverts with `NotTheRecordedAllocation` unless
    /// `recorded` is what was recorded, and with `NothingToSettle` if it pays no one (so a
    /// second settlement of the same deliveries reverts).
    pub fn settle(&mut self, recorded: &RecordedShares) -> Result<Receipt<Settlement>, ChainError> {
        const FUNCTION: &str = "settle";
        let call = OptimisationHandler::settleCall {
            outageId: recorded.outage_id,
            baseInterval: recorded.base_interval,
            deliveryInterval: recorded.delivery_interval,
            shares: recorded.shares.iter().map(share_abi).collect(),
        };
        let sent = self.send(self.operator, self.contracts.handler, call)?;
        let paid = sent
            .events::<OptimisationHandler::Settled>(FUNCTION)?
            .into_iter()
            .map(|e| Payment {
                prosumer: EntityId(e.prosumerId),
                account: e.account,
                reward_paise: e.rewardPaise,
            })
            .collect();
        let short = sent
            .events::<OptimisationHandler::DeliveryShort>(FUNCTION)?
            .into_iter()
            .map(|e| EntityId(e.prosumerId))
            .collect();
        Ok(sent.receipt(Settlement { paid, short }))
    }

    /// Reward credits held by `account`, in paise.
    pub fn balance_of(&mut self, account: Address) -> Result<u64, ChainError> {
        let credits = self.read(
            self.contracts.ledger,
            RewardLedger::balanceOfCall { account },
        )?;
        to_u64("balanceOf", credits)
    }

    /// Sets (as the operator) the ledger's minter, the one account that may mint reward credits;
    /// [`Chain::deploy`] sets it to the OptimisationHandler, and the ledger allows it once.
    pub fn set_minter(&mut self, minter: Address) -> Result<Receipt<()>, ChainError> {
        let call = RewardLedger::setMinterCall { minter_: minter };
        let sent = self.send(self.operator, self.contracts.ledger, call)?;
        Ok(sent.receipt(()))
    }

    /// Mints `value_paise` reward credits for `to`, sent from `from`. Only the minter (the
    /// OptimisationHandler, when it settles) may: from any account this reverts with
    /// `NotMinter`, which is what tests use it for.
    pub fn mint(
        &mut self,
        from: Address,
        to: Address,
        value_paise: u64,
    ) -> Result<Receipt<()>, ChainError> {
        let call = RewardLedger::mintCall {
            to,
            value: alloy_primitives::U256::from(value_paise),
        };
        let sent = self.send(from, self.contracts.ledger, call)?;
        Ok(sent.receipt(()))
    }

    /// Moves `value_paise` of `from`'s reward credits to `to`.
    pub fn transfer(
        &mut self,
        from: Address,
        to: Address,
        value_paise: u64,
    ) -> Result<Receipt<()>, ChainError> {
        let call = RewardLedger::transferCall {
            to,
            value: alloy_primitives::U256::from(value_paise),
        };
        let sent = self.send(from, self.contracts.ledger, call)?;
        Ok(sent.receipt(()))
    }
}

/// A share as the contract's `Share` struct.
fn share_abi(s: &Share) -> OptimisationHandler::Share {
    OptimisationHandler::Share {
        prosumerId: s.prosumer.0,
        deltaWh: s.delta_wh,
        alphaPpm: s.alpha_ppm,
        betaPpm: s.beta_ppm,
        rewardPaise: s.reward_paise,
    }
}
