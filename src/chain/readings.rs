//! PowerData: meters post their own readings, once per interval.

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
