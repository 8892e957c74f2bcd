// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {EntityKind, FindEntities} from "./FindEntities.sol";
import {Operated} from "./Operated.sol";

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
///      consumption and battery sit behind its meter; they are kept in its reading only. The
///      battery-bank terms come last, in a storage slot of their own: an island without battery
///      banks never writes it.
struct IntervalTotals {
    uint64 consumptionWh;
    uint64 prosumerExportWh;
    uint64 derGenerationWh;
    uint32 readings;
    uint64 batteryChargeWh;
    uint64 batteryDischargeWh;
}

/// @title PowerData
/// @notice Meters post their own readings, once per interval (paper §VII, Table 8); the
///         operator's data concentrator (head-end system), the collector, may instead post every
///         reading of an interval in one batch. A reading is posted once per entity and interval,
///         whichever way it comes.
contract PowerData is Operated {
    /// @dev A stored reading, with a flag so that an all-zero reading still counts as posted, and
    ///      the entity's kind (which never changes once registered), so that a reader needs no
    ///      registry lookup. Flag and kind share the first slot with generation, consumption and
    ///      export, and the battery terms have the second to themselves: a reading without
    ///      battery energy (a consumer's, a DER's, a prosumer's whose battery rests) leaves that
    ///      slot unwritten, so it costs one new storage slot, not two.
    struct StoredReading {
        uint64 generationWh;
        uint64 consumptionWh;
        uint64 exportWh;
        bool posted;
        EntityKind kind;
        uint64 batteryChargeWh;
        uint64 batteryDischargeWh;
    }

    /// @notice The entity registry that says which account is whose meter.
    FindEntities public immutable registry;

    mapping(uint64 interval => mapping(uint32 entityId => StoredReading)) private _readings;
    mapping(uint64 interval => IntervalTotals) private _totals;

    /// @notice The account of the operator's data concentrator, the only one that may post a batch
    ///         of readings (`postReadings`); zero (no collector) until the operator sets it.
    address public collector;

    /// @notice Entity `entityId`'s meter posted `reading` for `interval`.
    event ReadingPosted(uint32 indexed entityId, uint64 indexed interval, Reading reading);
    /// @notice The operator made `collector` the account that posts batches of readings.
    event CollectorSet(address indexed collector);

    /// @notice `caller` is not a registered meter.
    error UnregisteredMeter(address caller);
    /// @notice Meter `caller` belongs to entity `ownEntityId`, not to `entityId`.
    error WrongEntity(address caller, uint32 entityId, uint32 ownEntityId);
    /// @notice Entity `entityId` already posted its reading for `interval`.
    error ReadingAlreadyPosted(uint32 entityId, uint64 interval);
    /// @notice Entity `entityId` posted no reading for `interval`.
    error MissingReading(uint32 entityId, uint64 interval);
    /// @notice `caller` is not the collector, the only account that posts batches.
    error NotCollector(address caller);
    /// @notice A batch carries at least one reading.
    error EmptyBatch();
    /// @notice A batch names `entityIds` entities but carries `readings` readings.
    error BatchLengthMismatch(uint256 entityIds, uint256 readings);
    /// @notice A batch names entity `entityId` twice.
    error DuplicateEntity(uint32 entityId);
    /// @notice A batch's entity ids are strictly ascending: `entityId` follows `previousId`.
    error EntitiesNotAscending(uint32 previousId, uint32 entityId);

    /// @param registry_ the deployed entity registry
    constructor(FindEntities registry_) {
        registry = registry_;
    }

    /// @notice Makes `collector_` the only account that may post batches of readings; zero
    ///         revokes batching. Only the operator may set it, at any time (a head-end system's
    ///         key is replaced, not shared).
    function setCollector(address collector_) external onlyOperator {
        collector = collector_;
        emit CollectorSet(collector_);
    }

    /// @notice Posts the caller's reading for entity `entityId` and `interval`. Only the entity's
    ///         own meter may post; an entity has one reading per interval, posted singly or in
    ///         the collector's batch.
    function postReading(uint32 entityId, uint64 interval, Reading calldata reading) external {
        (uint32 ownId, EntityKind kind) = registry.entityOfMeter(msg.sender);
        if (ownId == 0) revert UnregisteredMeter(msg.sender);
        if (ownId != entityId) revert WrongEntity(msg.sender, entityId, ownId);
        IntervalTotals memory sums = _totals[interval];
        _store(entityId, kind, interval, reading, sums);
        sums.readings += 1;
        _totals[interval] = sums;
    }

    /// @notice Posts the readings of entities `entityIds` (strictly ascending, each registered)
    ///         for `interval`, `readings[i]` being entity `entityIds[i]`'s: what the operator's
    ///         data concentrator collected from the meters, in one transaction. Only the
    ///         collector may post a batch. Each reading is stored, summed and announced exactly as
    ///         its meter's own `postReading` would, and an entity's reading is still posted once
    ///         per interval, by its meter or in a batch. All or nothing: one bad entry reverts
    ///         the batch.
    function postReadings(uint64 interval, uint32[] calldata entityIds, Reading[] calldata readings)
        external
    {
        // No collector (zero) means no batches, even from a sender that claims the zero address.
        address collector_ = collector;
        if (collector_ == address(0) || msg.sender != collector_) revert NotCollector(msg.sender);
        uint256 n = entityIds.length;
        if (n == 0) revert EmptyBatch();
        if (n != readings.length) revert BatchLengthMismatch(n, readings.length);
        IntervalTotals memory sums = _totals[interval];
        uint32 previousId = 0;
        for (uint256 i = 0; i < n; ++i) {
            uint32 id = entityIds[i];
            if (i != 0 && id <= previousId) {
                if (id == previousId) revert DuplicateEntity(id);
                revert EntitiesNotAscending(previousId, id);
            }
            previousId = id;
            // Reverts with the registry's `UnknownEntity` for an id no entity has.
            _store(id, registry.entity(id).kind, interval, readings[i], sums);
        }
        // Exact: strictly ascending uint32 ids number fewer than 2^32.
        sums.readings += uint32(n);
        _totals[interval] = sums;
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

    /// @notice What entities `entityIds` exchanged with the grid in `interval`, by their posted
    ///         readings, in one call: each one's kind, what it drew (a consumer's consumption, a
    ///         battery bank's charge) and what it supplied (a prosumer's export, a DER's
    ///         generation, a battery bank's discharge) — the terms of eq. 1, as `totals` sums
    ///         them. What sits behind a prosumer's meter is not a grid term. Reverts with
    ///         `MissingReading` for an entity that posted none.
    function gridTermsOf(uint64 interval, uint32[] calldata entityIds)
        external
        view
        returns (EntityKind[] memory kinds, uint64[] memory drawnWh, uint64[] memory suppliedWh)
    {
        uint256 n = entityIds.length;
        kinds = new EntityKind[](n);
        drawnWh = new uint64[](n);
        suppliedWh = new uint64[](n);
        mapping(uint32 entityId => StoredReading) storage readings = _readings[interval];
        for (uint256 i = 0; i < n; ++i) {
            StoredReading storage stored = readings[entityIds[i]];
            if (!stored.posted) revert MissingReading(entityIds[i], interval);
            EntityKind kind = stored.kind;
            kinds[i] = kind;
            if (kind == EntityKind.Consumer) {
                drawnWh[i] = stored.consumptionWh;
            } else if (kind == EntityKind.Prosumer) {
                suppliedWh[i] = stored.exportWh;
            } else if (kind == EntityKind.Der) {
                suppliedWh[i] = stored.generationWh;
            } else {
                drawnWh[i] = stored.batteryChargeWh;
                suppliedWh[i] = stored.batteryDischargeWh;
            }
        }
    }

    /// @notice The exports of entities `entityIds` in `interval`, in one call: whether each
    ///         posted its reading, and its export (zero without one). What settlement reads to
    ///         see who delivered.
    function exportsOf(uint64 interval, uint32[] calldata entityIds)
        external
        view
        returns (bool[] memory posted, uint64[] memory exportWh)
    {
        uint256 n = entityIds.length;
        posted = new bool[](n);
        exportWh = new uint64[](n);
        mapping(uint32 entityId => StoredReading) storage readings = _readings[interval];
        for (uint256 i = 0; i < n; ++i) {
            StoredReading storage stored = readings[entityIds[i]];
            posted[i] = stored.posted;
            exportWh[i] = stored.exportWh;
        }
    }

    /// @dev Stores entity `entityId`'s `reading` for `interval` (reverting if one is posted),
    ///      announces it, and adds it to `sums`, the interval's eq. 1 terms, by the entity's
    ///      `kind` (checked: a sum that does not fit reverts). `sums.readings` is the caller's.
    function _store(
        uint32 entityId,
        EntityKind kind,
        uint64 interval,
        Reading calldata reading,
        IntervalTotals memory sums
    ) private {
        StoredReading storage stored = _readings[interval][entityId];
        if (stored.posted) revert ReadingAlreadyPosted(entityId, interval);
        stored.generationWh = reading.generationWh;
        stored.consumptionWh = reading.consumptionWh;
        stored.exportWh = reading.exportWh;
        stored.posted = true;
        stored.kind = kind;
        // The battery slot is zero until posted, and a reading is posted once: leave it untouched
        // when there is no battery energy.
        if (reading.batteryChargeWh != 0 || reading.batteryDischargeWh != 0) {
            stored.batteryChargeWh = reading.batteryChargeWh;
            stored.batteryDischargeWh = reading.batteryDischargeWh;
        }
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
        emit ReadingPosted(entityId, interval, reading);
    }

    /// @notice The eq. 1 terms of `interval` summed over the readings posted so far.
    function totals(uint64 interval) external view returns (IntervalTotals memory) {
        return _totals[interval];
    }
}
