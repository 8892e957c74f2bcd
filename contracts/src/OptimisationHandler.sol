// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {Operated} from "./Operated.sol";
import {EntityKind, FindEntities} from "./FindEntities.sol";
import {PowerData} from "./PowerData.sol";
import {TariffComputation} from "./TariffComputation.sol";
import {RewardLedger} from "./RewardLedger.sol";

/// @notice One prosumer's part of an allocation (docs/model.md §5): auxiliary export `deltaWh`, the shares
///         alpha (consumption shed) and beta (battery exported) in parts per million, and the
///         whole reward J_i = R_prev + R_delta + R_extra in paise.
struct Share {
    uint32 prosumerId;
    uint64 deltaWh;
    uint32 alphaPpm;
    uint32 betaPpm;
    uint64 rewardPaise;
}

/// @title OptimisationHandler
/// @notice Records the off-chain optimiser's allocation for an outage, checks it against the
///         posted readings, and pays each prosumer its reward once it has delivered
///         (paper §VI and §VII, eqs. 5 and 8).
/// @dev The island's demand and supply are the readings of the base interval (the last one before
///      the outage): deficit D = Σ consumption_j + Σ P_BBI − Σ export_i − Σ P_DER − Σ P_BBD, the
///      island's DERs and battery banks supplying it before any prosumer's extra. The allocation
///      must cover D (Σ delta_i ≥ D) and stay within the budget of eq. 5 (Σ reward_i ≤ Σ consumer
///      tariff_j, each consumer's interval tariff as TariffComputation prices it).
///      A prosumer has delivered when its export in the delivery interval reaches export_i + delta_i.
contract OptimisationHandler is Operated {
    /// @notice One million parts per million: alpha and beta are at most this.
    uint32 public constant PPM = 1_000_000;

    /// @dev What a prosumer was promised for an outage.
    struct Commitment {
        uint64 promisedExportWh;
        uint64 rewardPaise;
        bool recorded;
        bool settled;
    }

    /// @notice An outage's recorded allocation.
    struct Outage {
        uint64 baseInterval;
        uint64 deliveryInterval;
        uint64 deficitWh;
        bool recorded;
    }

    /// @notice The only account that may record allocations: the operator's optimiser.
    address public immutable optimiser;
    /// @notice Where entities are registered.
    FindEntities public immutable registry;
    /// @notice Where readings are posted.
    PowerData public immutable powerData;
    /// @notice Consumer tariffs for the budget.
    TariffComputation public immutable tariff;
    /// @notice Where rewards are credited.
    RewardLedger public immutable ledger;

    /// @notice Recorded allocations by outage id.
    mapping(uint64 outageId => Outage) public outages;
    mapping(uint64 outageId => mapping(uint32 prosumerId => Commitment)) private _commitments;

    /// @notice An allocation for `outageId` passed its checks and was recorded.
    event AllocationRecorded(
        uint64 indexed outageId, uint256 deficitWh, uint256 coveredWh, uint256 rewardsPaise, uint256 budgetPaise
    );
    /// @notice Prosumer `prosumerId`'s share of the allocation for `outageId`.
    event ShareRecorded(
        uint64 indexed outageId,
        uint32 indexed prosumerId,
        uint64 deltaWh,
        uint32 alphaPpm,
        uint32 betaPpm,
        uint64 rewardPaise
    );
    /// @notice Prosumer `prosumerId` delivered and was paid `rewardPaise` credits at `account`.
    event Settled(uint64 indexed outageId, uint32 indexed prosumerId, address account, uint64 rewardPaise);

    /// @notice `caller` is not the optimiser.
    error NotOptimiser(address caller);
    /// @notice An allocation for `outageId` is already recorded.
    error OutageAlreadyRecorded(uint64 outageId);
    /// @notice Delivery must come after the base interval.
    error IntervalsOutOfOrder(uint64 baseInterval, uint64 deliveryInterval);
    /// @notice An allocation needs at least one prosumer and one consumer.
    error EmptyAllocation();
    /// @notice Ids must be strictly ascending, so that none is counted twice.
    error IdsNotAscending(uint32 previousId, uint32 id);
    /// @notice Entity `entityId` is a `kind`, where a `expected` was required.
    error WrongKind(uint32 entityId, EntityKind kind, EntityKind expected);
    /// @notice Alpha or beta of prosumer `prosumerId` exceeds one million ppm.
    error ShareOutOfRange(uint32 prosumerId, uint32 alphaPpm, uint32 betaPpm);
    /// @notice The allocation's Σ delta (`coveredWh`) is short of the deficit (`deficitWh`).
    error AllocationShortOfDeficit(uint256 coveredWh, uint256 deficitWh);
    /// @notice The rewards (`rewardsPaise`) exceed the consumer-tariff budget (`budgetPaise`), eq. 5.
    error AllocationOverBudget(uint256 rewardsPaise, uint256 budgetPaise);
    /// @notice The allocation's totals do not all fit in 64 bits, as every amount it records and
    ///         reports must (the deficit is stored as one): no real island comes near.
    error TotalsOutOfRange(uint256 deficitWh, uint256 coveredWh, uint256 rewardsPaise, uint256 budgetPaise);
    /// @notice Prosumer `prosumerId` has no share in the allocation for `outageId`.
    error UnknownShare(uint64 outageId, uint32 prosumerId);
    /// @notice Prosumer `prosumerId` was already paid for `outageId`.
    error AlreadySettled(uint64 outageId, uint32 prosumerId);
    /// @notice Prosumer `prosumerId` exported `deliveredWh`, short of the `promisedWh` it owes.
    error NotDelivered(uint64 outageId, uint32 prosumerId, uint256 deliveredWh, uint256 promisedWh);

    /// @param optimiser_ the operator's optimiser account
    /// @param registry_ the deployed entity registry
    /// @param powerData_ the deployed reading store
    /// @param tariff_ the deployed tariff computation
    /// @param ledger_ the deployed reward ledger (whose minter must be set to this contract)
    constructor(
        address optimiser_,
        FindEntities registry_,
        PowerData powerData_,
        TariffComputation tariff_,
        RewardLedger ledger_
    ) {
        optimiser = optimiser_;
        registry = registry_;
        powerData = powerData_;
        tariff = tariff_;
        ledger = ledger_;
    }

    /// @notice Records the optimiser's allocation for `outageId` after checking it covers the
    ///         deficit and stays within the budget (eqs. 8 and 5).
    /// @param baseInterval the last interval before the outage: demand and exports come from it
    /// @param deliveryInterval the interval whose readings show delivery
    /// @param entityIds the island's consumers, DERs and battery banks, strictly ascending
    /// @param shares one per prosumer of the island, by strictly ascending prosumer id
    function recordAllocation(
        uint64 outageId,
        uint64 baseInterval,
        uint64 deliveryInterval,
        uint32[] calldata entityIds,
        Share[] calldata shares
    ) external {
        if (msg.sender != optimiser) revert NotOptimiser(msg.sender);
        if (outages[outageId].recorded) revert OutageAlreadyRecorded(outageId);
        if (deliveryInterval <= baseInterval) revert IntervalsOutOfOrder(baseInterval, deliveryInterval);
        if (entityIds.length == 0 || shares.length == 0) revert EmptyAllocation();

        (uint256 demandWh, uint256 budgetPaise) = _demandAndBudget(baseInterval, entityIds);
        (uint256 exportWh, uint256 coveredWh, uint256 rewardsPaise) = _recordShares(outageId, baseInterval, shares);

        // `demandWh` is net of what the DERs and battery banks supply (possibly a surplus).
        uint256 deficitWh = demandWh > exportWh ? demandWh - exportWh : 0;
        if (coveredWh < deficitWh) revert AllocationShortOfDeficit(coveredWh, deficitWh);
        if (rewardsPaise > budgetPaise) revert AllocationOverBudget(rewardsPaise, budgetPaise);
        if ((deficitWh | coveredWh | rewardsPaise | budgetPaise) > type(uint64).max) {
            revert TotalsOutOfRange(deficitWh, coveredWh, rewardsPaise, budgetPaise);
        }

        outages[outageId] = Outage({
            baseInterval: baseInterval,
            deliveryInterval: deliveryInterval,
            deficitWh: uint64(deficitWh),
            recorded: true
        });
        emit AllocationRecorded(outageId, deficitWh, coveredWh, rewardsPaise, budgetPaise);
    }

    /// @notice Pays prosumer `prosumerId` its reward for `outageId`, once, if its delivery-interval
    ///         reading shows it exported what it promised. Anyone may call; credits go to the
    ///         prosumer's meter account.
    function settle(uint64 outageId, uint32 prosumerId) external {
        Commitment storage c = _commitments[outageId][prosumerId];
        if (!c.recorded) revert UnknownShare(outageId, prosumerId);
        if (c.settled) revert AlreadySettled(outageId, prosumerId);
        uint64 deliveredWh = powerData.readingOf(prosumerId, outages[outageId].deliveryInterval).exportWh;
        if (deliveredWh < c.promisedExportWh) {
            revert NotDelivered(outageId, prosumerId, deliveredWh, c.promisedExportWh);
        }
        c.settled = true;
        address account = registry.entity(prosumerId).meter;
        ledger.mint(account, c.rewardPaise);
        emit Settled(outageId, prosumerId, account, c.rewardPaise);
    }

    /// @notice What prosumer `prosumerId` was promised for `outageId`.
    function commitment(uint64 outageId, uint32 prosumerId) external view returns (Commitment memory) {
        return _commitments[outageId][prosumerId];
    }

    /// @dev Records each share as a commitment; returns Σ export in `baseInterval`, Σ delta and
    ///      Σ reward over the shares. The prosumers' exports come from PowerData in one call.
    function _recordShares(uint64 outageId, uint64 baseInterval, Share[] calldata shares)
        private
        returns (uint256 exportWh, uint256 coveredWh, uint256 rewardsPaise)
    {
        uint256 n = shares.length;
        uint32[] memory prosumerIds = new uint32[](n);
        uint32 previousId = 0;
        for (uint256 i = 0; i < n; ++i) {
            Share calldata s = shares[i];
            _requireAscending(previousId, s.prosumerId);
            previousId = s.prosumerId;
            prosumerIds[i] = s.prosumerId;
        }
        (EntityKind[] memory kinds,, uint64[] memory previousExportWh) =
            powerData.gridTermsOf(baseInterval, prosumerIds);
        for (uint256 i = 0; i < n; ++i) {
            _commit(outageId, shares[i], kinds[i], previousExportWh[i]);
            exportWh += previousExportWh[i];
            coveredWh += shares[i].deltaWh;
            rewardsPaise += shares[i].rewardPaise;
        }
    }

    /// @dev Records share `s` of `outageId` as its prosumer's commitment (to export
    ///      `previousExportWh` + delta), after checking the entity is a prosumer (`kind`) and its
    ///      alpha and beta are in range.
    function _commit(uint64 outageId, Share calldata s, EntityKind kind, uint64 previousExportWh) private {
        if (kind != EntityKind.Prosumer) revert WrongKind(s.prosumerId, kind, EntityKind.Prosumer);
        if (s.alphaPpm > PPM || s.betaPpm > PPM) revert ShareOutOfRange(s.prosumerId, s.alphaPpm, s.betaPpm);
        _commitments[outageId][s.prosumerId] = Commitment({
            promisedExportWh: previousExportWh + s.deltaWh,
            rewardPaise: s.rewardPaise,
            recorded: true,
            settled: false
        });
        emit ShareRecorded(outageId, s.prosumerId, s.deltaWh, s.alphaPpm, s.betaPpm, s.rewardPaise);
    }

    /// @dev The island's net demand in `interval` (Σ consumption + Σ battery-bank charge − Σ DER
    ///      generation − Σ battery-bank discharge, at least zero) and its consumers' budget (Σ
    ///      interval tariff), from PowerData's grid terms and TariffComputation's tariffs in one
    ///      call each. `entityIds` must be strictly ascending and hold no prosumer.
    function _demandAndBudget(uint64 interval, uint32[] calldata entityIds)
        private
        view
        returns (uint256 demandWh, uint256 budgetPaise)
    {
        uint256 n = entityIds.length;
        uint32 previousId = 0;
        for (uint256 i = 0; i < n; ++i) {
            _requireAscending(previousId, entityIds[i]);
            previousId = entityIds[i];
        }
        (EntityKind[] memory kinds, uint64[] memory drawnWh, uint64[] memory suppliedWh) =
            powerData.gridTermsOf(interval, entityIds);
        uint32[] memory consumerIds = new uint32[](n);
        uint64[] memory consumptionWh = new uint64[](n);
        uint256 consumers = 0;
        uint256 totalSuppliedWh = 0;
        for (uint256 i = 0; i < n; ++i) {
            EntityKind kind = kinds[i];
            if (kind == EntityKind.Prosumer) revert WrongKind(entityIds[i], kind, EntityKind.Consumer);
            demandWh += drawnWh[i];
            totalSuppliedWh += suppliedWh[i];
            if (kind == EntityKind.Consumer) {
                consumerIds[consumers] = entityIds[i];
                consumptionWh[consumers] = drawnWh[i];
                ++consumers;
            }
        }
        if (consumers != 0) {
            // Shorten both arrays to the consumers found (a shorter length in place is memory-safe).
            assembly ("memory-safe") {
                mstore(consumerIds, consumers)
                mstore(consumptionWh, consumers)
            }
            budgetPaise = tariff.intervalTariffsPaise(consumerIds, consumptionWh);
        }
        demandWh = demandWh > totalSuppliedWh ? demandWh - totalSuppliedWh : 0;
    }

    /// @dev Reverts unless `id` comes strictly after `previousId`.
    function _requireAscending(uint32 previousId, uint32 id) private pure {
        if (id <= previousId) revert IdsNotAscending(previousId, id);
    }
}
