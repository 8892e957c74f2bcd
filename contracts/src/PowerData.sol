// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {EntityKind, FindEntities} from "./FindEntities.sol";

/// @notice One meter reading for one interval, in Wh.
struct Reading {
    uint64 generationWh;
    uint64 consumptionWh;
    uint64 exportWh;
    uint64 batteryChargeWh;
    uint64 batteryDischargeWh;
}

/// @notice The terms of eq. 1 for one interval, summed over its posted readings (Wh).
/// @dev A reading contributes by its entity's kind, counting only what crosses the grid:
///      consumer → consumption (Pc), prosumer → export (P_pe), DER → generation (P_DER),
///      battery bank → charge (P_BBI) and discharge (P_BBD). A prosumer's own generation,
///      consumption and battery sit behind its meter; they are kept in its reading only.
struct IntervalTotals {
    uint64 consumptionWh;
    uint64 prosumerExportWh;
    uint64 derGenerationWh;
    uint64 batteryChargeWh;
    uint64 batteryDischargeWh;
    uint32 readings;
}

/// @title PowerData
/// @notice Meters post their own readings, once per interval (paper §VII, Table 8).
contract PowerData {
    /// @dev A stored reading, with a flag so that an all-zero reading still counts as posted.
    struct StoredReading {
        uint64 generationWh;
        uint64 consumptionWh;
        uint64 exportWh;
        uint64 batteryChargeWh;
        uint64 batteryDischargeWh;
        bool posted;
    }

    /// @notice The entity registry that says which account is whose meter.
    FindEntities public immutable registry;

    mapping(uint64 interval => mapping(uint32 entityId => StoredReading)) private _readings;
    mapping(uint64 interval => IntervalTotals) private _totals;

    /// @notice Entity `entityId`'s meter posted `reading` for `interval`.
    event ReadingPosted(uint32 indexed entityId, uint64 indexed interval, Reading reading);

    /// @notice `caller` is not a registered meter.
    error UnregisteredMeter(address caller);
    /// @notice Meter `caller` belongs to entity `ownEntityId`, not to `entityId`.
    error WrongEntity(address caller, uint32 entityId, uint32 ownEntityId);
    /// @notice Entity `entityId` already posted its reading for `interval`.
    error ReadingAlreadyPosted(uint32 entityId, uint64 interval);
    /// @notice Entity `entityId` posted no reading for `interval`.
    error MissingReading(uint32 entityId, uint64 interval);

    /// @param registry_ the deployed entity registry
    constructor(FindEntities registry_) {
        registry = registry_;
    }

    /// @notice Posts the caller's reading for entity `entityId` and `interval`. Only the entity's own
    ///         meter may post, once per interval.
    function postReading(uint32 entityId, uint64 interval, Reading calldata reading) external {
        (uint32 ownId, EntityKind kind) = registry.entityOfMeter(msg.sender);
        if (ownId == 0) revert UnregisteredMeter(msg.sender);
        if (ownId != entityId) revert WrongEntity(msg.sender, entityId, ownId);
        StoredReading storage stored = _readings[interval][entityId];
        if (stored.posted) revert ReadingAlreadyPosted(entityId, interval);

        stored.generationWh = reading.generationWh;
        stored.consumptionWh = reading.consumptionWh;
        stored.exportWh = reading.exportWh;
        stored.batteryChargeWh = reading.batteryChargeWh;
        stored.batteryDischargeWh = reading.batteryDischargeWh;
        stored.posted = true;

        IntervalTotals storage sums = _totals[interval];
        if (kind == EntityKind.Consumer) {
            sums.consumptionWh += reading.consumptionWh;
        } else if (kind == EntityKind.Prosumer) {
            sums.prosumerExportWh += reading.exportWh;
        } else if (kind == EntityKind.Der) {
            sums.derGenerationWh += reading.generationWh;
        } else {
            sums.batteryChargeWh += reading.batteryChargeWh;
            sums.batteryDischargeWh += reading.batteryDischargeWh;
        }
        sums.readings += 1;
        emit ReadingPosted(entityId, interval, reading);
    }

    /// @notice Whether entity `entityId` posted a reading for `interval`.
    function hasReading(uint32 entityId, uint64 interval) external view returns (bool) {
        return _readings[interval][entityId].posted;
    }

    /// @notice Entity `entityId`'s reading for `interval`; reverts with `MissingReading` if none.
    function readingOf(uint32 entityId, uint64 interval) external view returns (Reading memory) {
        StoredReading storage stored = _readings[interval][entityId];
        if (!stored.posted) revert MissingReading(entityId, interval);
        return Reading({
            generationWh: stored.generationWh,
            consumptionWh: stored.consumptionWh,
            exportWh: stored.exportWh,
            batteryChargeWh: stored.batteryChargeWh,
            batteryDischargeWh: stored.batteryDischargeWh
        });
    }

    /// @notice The eq. 1 terms of `interval` summed over the readings posted so far.
    function totals(uint64 interval) external view returns (IntervalTotals memory) {
        return _totals[interval];
    }
}
