// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {Operated} from "./Operated.sol";
import {Entity, EntityKind, FindEntities} from "./FindEntities.sol";
import {Reading, PowerData} from "./PowerData.sol";

/// @notice One band of a slab schedule: energy up to `upToWh` at `ratePaisePerKwh`.
struct Slab {
    uint64 upToWh;
    uint64 ratePaisePerKwh;
}

/// @title TariffComputation
/// @notice Prosumer tariff (eq. 2: export × base tariff) and consumer slab tariff (eq. 3), with the
///         slab schedule set by the operator as data (paper §III.D, Table 3; docs/model.md §3).
/// @dev Consumption up to `telescopicLimitWh` is billed telescopically: each telescopic band at its
///      own rate. Above it, the whole consumption is billed at the rate of the one flat band that
///      contains it. The last band of the schedule is unbounded: a flat band, or the last
///      telescopic band when there is no flat one. Amounts are rounded to the nearest paisa
///      (halves up), as a bill is issued. The schedule bills a month: a consumer whose monthly
///      consumption is set pays for an interval's energy at the rate of the band that monthly
///      consumption falls in; one without pays eq. 3 on the interval as if it were a month (the
///      paper's pricing).
contract TariffComputation is Operated {
    /// @notice The upper end of the schedule's last band, which has none.
    uint64 public constant UNBOUNDED_WH = type(uint64).max;

    /// @notice Where entities are registered.
    FindEntities public immutable registry;
    /// @notice Where readings are posted.
    PowerData public immutable powerData;

    /// @notice Prosumer base tariff BT_p in paise per kWh; zero until set.
    uint64 public baseTariffPaisePerKwh;
    /// @notice Consumption up to this is billed telescopically.
    uint64 public telescopicLimitWh;

    Slab[] private _telescopic;
    Slab[] private _flat;

    /// @notice Each consumer's monthly consumption, which sets the rate of its interval energy;
    ///         zero (unset) prices the interval as a month.
    mapping(uint32 => uint64) public monthlyConsumptionWh;

    /// @notice The prosumer base tariff was set.
    event BaseTariffSet(uint64 paisePerKwh);
    /// @notice A slab schedule was set.
    event SlabScheduleSet(uint64 telescopicLimitWh, uint256 telescopicSlabs, uint256 flatSlabs);
    /// @notice Consumer `entityId`'s monthly consumption was set.
    event MonthlyConsumptionSet(uint32 indexed entityId, uint64 monthlyWh);
    /// @notice The tariff of entity `entityId` for `interval`: `energyWh` billed as `tariffPaise`.
    event TariffComputed(
        uint32 indexed entityId, uint64 indexed interval, EntityKind kind, uint64 energyWh, uint256 tariffPaise
    );

    /// @notice A base tariff must be positive.
    error ZeroBaseTariff();
    /// @notice No base tariff was set.
    error BaseTariffNotSet();
    /// @notice No slab schedule was set.
    error SlabScheduleNotSet();
    /// @notice The schedule is not valid: `reason` says why, `index` is the offending band.
    error InvalidSlabSchedule(string reason, uint256 index);
    /// @notice Only prosumers and consumers pay or earn a tariff.
    error NotBillable(uint32 entityId, EntityKind kind);
    /// @notice Only consumers have a monthly consumption.
    error NotConsumer(uint32 entityId, EntityKind kind);
    /// @notice `consumerIds` and `energyWh` must pair up: their lengths differ.
    error LengthMismatch(uint256 consumerIds, uint256 energyWh);

    /// @param registry_ the deployed entity registry
    /// @param powerData_ the deployed reading store
    constructor(FindEntities registry_, PowerData powerData_) {
        registry = registry_;
        powerData = powerData_;
    }

    /// @notice Sets the prosumer base tariff BT_p in paise per kWh.
    function setBaseTariff(uint64 paisePerKwh) external onlyOperator {
        if (paisePerKwh == 0) revert ZeroBaseTariff();
        baseTariffPaisePerKwh = paisePerKwh;
        emit BaseTariffSet(paisePerKwh);
    }

    /// @notice Replaces the consumer slab schedule.
    /// @param limitWh consumption up to this is billed telescopically
    /// @param telescopic ascending bands; the last ends at `limitWh` (empty if `limitWh` is 0)
    /// @param flat ascending bands above `limitWh`; the schedule's last band ends at `UNBOUNDED_WH`
    function setSlabSchedule(uint64 limitWh, Slab[] calldata telescopic, Slab[] calldata flat)
        external
        onlyOperator
    {
        uint256 bands = telescopic.length + flat.length;
        if (bands == 0) revert InvalidSlabSchedule("no band", 0);
        uint64 previous = 0;
        for (uint256 i = 0; i < telescopic.length; ++i) {
            if (telescopic[i].upToWh <= previous) revert InvalidSlabSchedule("telescopic bands not ascending", i);
            previous = telescopic[i].upToWh;
        }
        if (previous != limitWh) revert InvalidSlabSchedule("telescopic bands do not end at the limit", telescopic.length);
        for (uint256 i = 0; i < flat.length; ++i) {
            if (flat[i].upToWh <= previous) revert InvalidSlabSchedule("flat bands not ascending above the limit", i);
            previous = flat[i].upToWh;
        }
        if (previous != UNBOUNDED_WH) revert InvalidSlabSchedule("last band is not unbounded", bands - 1);

        telescopicLimitWh = limitWh;
        delete _telescopic;
        delete _flat;
        for (uint256 i = 0; i < telescopic.length; ++i) {
            _telescopic.push(telescopic[i]);
        }
        for (uint256 i = 0; i < flat.length; ++i) {
            _flat.push(flat[i]);
        }
        emit SlabScheduleSet(limitWh, telescopic.length, flat.length);
    }

    /// @notice Sets consumer `entityId`'s monthly consumption; zero prices its intervals as months.
    function setMonthlyConsumption(uint32 entityId, uint64 monthlyWh) external onlyOperator {
        EntityKind kind = registry.entity(entityId).kind;
        if (kind != EntityKind.Consumer) revert NotConsumer(entityId, kind);
        monthlyConsumptionWh[entityId] = monthlyWh;
        emit MonthlyConsumptionSet(entityId, monthlyWh);
    }

    /// @notice The current slab schedule.
    function slabSchedule() external view returns (uint64 limitWh, Slab[] memory telescopic, Slab[] memory flat) {
        return (telescopicLimitWh, _telescopic, _flat);
    }

    /// @notice Prosumer tariff, eq. 2: `exportWh` × BT_p, in paise.
    function prosumerTariffPaise(uint64 exportWh) public view returns (uint256) {
        uint256 base = baseTariffPaisePerKwh;
        if (base == 0) revert BaseTariffNotSet();
        return _roundToPaise(uint256(exportWh) * base);
    }

    /// @notice Consumer slab tariff, eq. 3, for `energyWh` of consumption, in paise.
    function consumerTariffPaise(uint64 energyWh) public view returns (uint256) {
        uint256 flatBands = _flat.length;
        if (flatBands == 0 && _telescopic.length == 0) revert SlabScheduleNotSet();
        uint256 whTimesPaisePerKwh = 0;
        if (energyWh <= telescopicLimitWh) {
            uint64 lower = 0;
            for (uint256 i = 0; i < _telescopic.length && energyWh > lower; ++i) {
                Slab memory band = _telescopic[i];
                uint64 upper = energyWh < band.upToWh ? energyWh : band.upToWh;
                whTimesPaisePerKwh += uint256(upper - lower) * band.ratePaisePerKwh;
                lower = band.upToWh;
            }
        } else {
            // Above a finite limit there are flat bands, and the last is unbounded: one matches.
            for (uint256 i = 0; i < flatBands; ++i) {
                Slab memory band = _flat[i];
                if (energyWh <= band.upToWh) {
                    whTimesPaisePerKwh = uint256(energyWh) * band.ratePaisePerKwh;
                    break;
                }
            }
        }
        return _roundToPaise(whTimesPaisePerKwh);
    }

    /// @notice The rate of the band a monthly consumption of `monthlyWh` falls in, paise per kWh:
    ///         the telescopic band holding it up to the telescopic limit, above it the flat band.
    function marginalRatePaisePerKwh(uint64 monthlyWh) public view returns (uint64) {
        if (_flat.length == 0 && _telescopic.length == 0) revert SlabScheduleNotSet();
        Slab[] storage bands = monthlyWh <= telescopicLimitWh && _telescopic.length > 0 ? _telescopic : _flat;
        // The telescopic bands end at the limit and the schedule's last band is unbounded: one matches.
        for (uint256 i = 0; i < bands.length; ++i) {
            if (monthlyWh <= bands[i].upToWh) return bands[i].ratePaisePerKwh;
        }
        return bands[bands.length - 1].ratePaisePerKwh;
    }

    /// @notice What consumer `consumerId` pays for `energyWh` consumed in one interval, in paise:
    ///         at the marginal rate of its monthly consumption, or eq. 3 on the interval when unset.
    function intervalTariffPaise(uint32 consumerId, uint64 energyWh) public view returns (uint256) {
        uint64 monthlyWh = monthlyConsumptionWh[consumerId];
        if (monthlyWh == 0) return consumerTariffPaise(energyWh);
        return _roundToPaise(uint256(energyWh) * marginalRatePaisePerKwh(monthlyWh));
    }

    /// @notice What consumers `consumerIds` pay together for one interval, `energyWh[i]` being
    ///         consumer `consumerIds[i]`'s consumption: Σ `intervalTariffPaise`, in one call (an
    ///         allocation's budget, eq. 5).
    function intervalTariffsPaise(uint32[] calldata consumerIds, uint64[] calldata energyWh)
        external
        view
        returns (uint256 totalPaise)
    {
        if (consumerIds.length != energyWh.length) revert LengthMismatch(consumerIds.length, energyWh.length);
        for (uint256 i = 0; i < consumerIds.length; ++i) {
            totalPaise += intervalTariffPaise(consumerIds[i], energyWh[i]);
        }
    }

    /// @dev Wh × paise/kWh to whole paise, halves rounded up.
    function _roundToPaise(uint256 whTimesPaisePerKwh) private pure returns (uint256) {
        return (whTimesPaisePerKwh + 500) / 1000;
    }

    /// @notice Bills entity `entityId` for `interval` from its posted reading: a prosumer earns
    ///         eq. 2 on its export, a consumer pays for its consumption (`intervalTariffPaise`).
    ///         Emits `TariffComputed`.
    function computeTariff(uint32 entityId, uint64 interval) external returns (uint256 tariffPaise) {
        Entity memory e = registry.entity(entityId);
        Reading memory r = powerData.readingOf(entityId, interval);
        uint64 energyWh;
        if (e.kind == EntityKind.Prosumer) {
            energyWh = r.exportWh;
            tariffPaise = prosumerTariffPaise(energyWh);
        } else if (e.kind == EntityKind.Consumer) {
            energyWh = r.consumptionWh;
            tariffPaise = intervalTariffPaise(entityId, energyWh);
        } else {
            revert NotBillable(entityId, e.kind);
        }
        emit TariffComputed(entityId, interval, e.kind, energyWh, tariffPaise);
    }
}
