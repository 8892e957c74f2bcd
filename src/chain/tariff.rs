//! TariffComputation: prosumer tariff (eq. 2) and the consumer slab tariff (eq. 3), with the
//! slab schedule as data.

use super::bindings::TariffComputation;
use super::{Chain, ChainError, EntityId, EntityKind, Receipt, SlabSchedule, Tariff, to_u64};

impl Chain {
    /// Sets (as the operator) the prosumer base tariff BT_p in paise per kWh.
    pub fn set_base_tariff(&mut self, paise_per_kwh: u64) -> Result<Receipt<()>, ChainError> {
        let call = TariffComputation::setBaseTariffCall {
            paisePerKwh: paise_per_kwh,
        };
        let sent = self.send(self.operator, self.contracts.tariff, call)?;
        Ok(sent.receipt(()))
    }

    /// Replaces (as the operator) the consumer slab schedule; the contract rejects a schedule
    /// whose bands are not ascending, do not meet at the telescopic limit, or leave consumption
    /// above the last flat band unbilled.
    pub fn set_slab_schedule(
        &mut self,
        schedule: &SlabSchedule,
    ) -> Result<Receipt<()>, ChainError> {
        let slabs = |bands: &[super::Slab]| {
            bands
                .iter()
                .map(|s| TariffComputation::Slab {
                    upToWh: s.up_to_wh,
                    ratePaisePerKwh: s.rate_paise_per_kwh,
                })
                .collect()
        };
        let call = TariffComputation::setSlabScheduleCall {
            limitWh: schedule.telescopic_limit_wh,
            telescopic: slabs(&schedule.telescopic),
            flat: slabs(&schedule.flat),
        };
        let sent = self.send(self.operator, self.contracts.tariff, call)?;
        Ok(sent.receipt(()))
    }

    /// Sets (as the operator) consumer `entity`'s monthly consumption: its interval energy is
    /// then priced at the rate of the band that consumption falls in (0: the interval is
    /// billed as a month, the paper's pricing).
    pub fn set_monthly_consumption(
        &mut self,
        entity: EntityId,
        monthly_wh: u64,
    ) -> Result<Receipt<()>, ChainError> {
        let call = TariffComputation::setMonthlyConsumptionCall {
            entityId: entity.0,
            monthlyWh: monthly_wh,
        };
        let sent = self.send(self.operator, self.contracts.tariff, call)?;
        Ok(sent.receipt(()))
    }

    /// What consumer `entity` pays for `energy_wh` in one interval, in paise, on chain.
    pub fn interval_tariff_paise(
        &mut self,
        entity: EntityId,
        energy_wh: u64,
    ) -> Result<u64, ChainError> {
        let call = TariffComputation::intervalTariffPaiseCall {
            consumerId: entity.0,
            energyWh: energy_wh,
        };
        let paise = self.read(self.contracts.tariff, call)?;
        to_u64("intervalTariffPaise", paise)
    }

    /// The consumer slab tariff of `energy_wh`, in paise (rounded down), computed on chain.
    pub fn consumer_tariff_paise(&mut self, energy_wh: u64) -> Result<u64, ChainError> {
        let call = TariffComputation::consumerTariffPaiseCall {
            energyWh: energy_wh,
        };
        let paise = self.read(self.contracts.tariff, call)?;
        to_u64("consumerTariffPaise", paise)
    }

    /// The prosumer tariff of `export_wh`, export × BT_p, in paise (rounded down), on chain.
    pub fn prosumer_tariff_paise(&mut self, export_wh: u64) -> Result<u64, ChainError> {
        let call = TariffComputation::prosumerTariffPaiseCall {
            exportWh: export_wh,
        };
        let paise = self.read(self.contracts.tariff, call)?;
        to_u64("prosumerTariffPaise", paise)
    }

    /// Bills `entity` for `interval` from its posted reading (sent by the operator) and returns
    /// the `TariffComputed` event: a prosumer earns eq. 2 on its export, a consumer pays eq. 3.
    pub fn compute_tariff(
        &mut self,
        entity: EntityId,
        interval: u64,
    ) -> Result<Receipt<Tariff>, ChainError> {
        const FUNCTION: &str = "computeTariff";
        let call = TariffComputation::computeTariffCall {
            entityId: entity.0,
            interval,
        };
        let sent = self.send(self.operator, self.contracts.tariff, call)?;
        let event: TariffComputation::TariffComputed = sent.event(FUNCTION)?;
        let kind = EntityKind::from_code(event.kind).ok_or_else(|| ChainError::Decode {
            function: FUNCTION,
            message: format!("unknown entity kind {}", event.kind),
        })?;
        Ok(sent.receipt(Tariff {
            kind,
            energy_wh: event.energyWh,
            tariff_paise: to_u64(FUNCTION, event.tariffPaise)?,
        }))
    }
}
