//! PowerData: meters post their own readings, once per interval, or the operator's collector
//! (data concentrator) posts every reading of an interval in one batch.

use super::bindings::PowerData;
use super::{Address, Chain, ChainError, EntityId, Reading, Receipt};

impl Chain {
    /// Posts `reading` for `entity` and `interval` from the account `meter`. Reverts unless
    /// `meter` is that entity's registered meter and it has not posted for `interval` yet.
    pub fn post_reading(
        &mut self,
        meter: Address,
        entity: EntityId,
        interval: u64,
        reading: &Reading,
    ) -> Result<Receipt<()>, ChainError> {
        let call = PowerData::postReadingCall {
            entityId: entity.0,
            interval,
            reading: to_sol(reading),
        };
        let sent = self.send(meter, self.contracts.power_data, call)?;
        Ok(sent.receipt(()))
    }

    /// Makes (as the operator) `collector` the only account that may post batches of readings
    /// ([`Chain::post_readings`]); [`Address::ZERO`] revokes batching.
    pub fn set_collector(&mut self, collector: Address) -> Result<Receipt<()>, ChainError> {
        let call = PowerData::setCollectorCall {
            collector_: collector,
        };
        let sent = self.send(self.operator, self.contracts.power_data, call)?;
        Ok(sent.receipt(()))
    }

    /// Posts `readings`, one per entity, for `interval` in one transaction from the account
    /// `collector`. Reverts unless `collector` is the collector the operator set, the batch is
    /// not empty, its entities are registered and strictly ascending (`DuplicateEntity`,
    /// `EntitiesNotAscending`), and none of them has a reading for `interval` yet, posted singly
    /// or in a batch (`ReadingAlreadyPosted`). All or nothing.
    pub fn post_readings(
        &mut self,
        collector: Address,
        interval: u64,
        readings: &[(EntityId, Reading)],
    ) -> Result<Receipt<()>, ChainError> {
        let (entity_ids, readings) = readings.iter().map(|(id, r)| (id.0, to_sol(r))).unzip();
        self.post_readings_raw(collector, interval, entity_ids, readings)
    }

    /// [`Chain::post_readings`] with the two arrays as the contract takes them, whatever their
    /// lengths: for tests of the contract's guard on mismatched lengths.
    pub fn post_readings_unpaired(
        &mut self,
        collector: Address,
        interval: u64,
        entities: &[EntityId],
        readings: &[Reading],
    ) -> Result<Receipt<()>, ChainError> {
        let entity_ids = entities.iter().map(|id| id.0).collect();
        let readings = readings.iter().map(to_sol).collect();
        self.post_readings_raw(collector, interval, entity_ids, readings)
    }

    fn post_readings_raw(
        &mut self,
        collector: Address,
        interval: u64,
        entity_ids: Vec<u32>,
        readings: Vec<PowerData::Reading>,
    ) -> Result<Receipt<()>, ChainError> {
        let call = PowerData::postReadingsCall {
            interval,
            entityIds: entity_ids,
            readings,
        };
        let sent = self.send(collector, self.contracts.power_data, call)?;
        Ok(sent.receipt(()))
    }

    /// The reading `entity` posted for `interval`; reverts with `MissingReading` if none.
    pub fn reading(&mut self, entity: EntityId, interval: u64) -> Result<Reading, ChainError> {
        let r = self.read(
            self.contracts.power_data,
            PowerData::readingOfCall {
                entityId: entity.0,
                interval,
            },
        )?;
        Ok(Reading {
            generation_wh: r.generationWh,
            consumption_wh: r.consumptionWh,
            export_wh: r.exportWh,
            battery_charge_wh: r.batteryChargeWh,
            battery_discharge_wh: r.batteryDischargeWh,
        })
    }
}

/// A reading as the contract's struct.
fn to_sol(r: &Reading) -> PowerData::Reading {
    PowerData::Reading {
        generationWh: r.generation_wh,
        consumptionWh: r.consumption_wh,
        exportWh: r.export_wh,
        batteryChargeWh: r.battery_charge_wh,
        batteryDischargeWh: r.battery_discharge_wh,
    }
}
