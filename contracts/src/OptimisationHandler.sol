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
///      An allocation is kept as one hash of what settlement needs (its intervals and shares),
///      not as a storage slot per prosumer: the shares are announced in `AllocationRecorded`, and
///      whoever settles passes them back, checked against the hash.
contract OptimisationHandler is Operated {
    /// @notice One million parts per million: alpha and beta are at most this.
    uint32 public constant PPM = 1_000_000;

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

    /// @notice By outage id, the hash of the recorded allocation's base interval, delivery
    ///         interval and shares (`keccak256(abi.encode(baseInterval, deliveryInterval,
    ///         shares))`); zero while none is recorded.
    mapping(uint64 outageId => bytes32) public allocationHash;
    /// @dev By outage id, which shares are paid: bit i of word i / 256 is share i's.
    mapping(uint64 outageId => mapping(uint256 word => uint256 bits)) private _paid;

    /// @notice An allocation for `outageId` passed its checks and was recorded, with its shares
    ///         (what `settle` is passed back).
    event AllocationRecorded(
        uint64 indexed outageId,
        uint64 baseInterval,
        uint64 deliveryInterval,
        uint256 deficitWh,
        uint256 coveredWh,
        uint256 rewardsPaise,
        uint256 budgetPaise,
        Share[] shares
    );
    /// @notice Prosumer `prosumerId` delivered and was paid `rewardPaise` credits at `account`.
    event Settled(uint64 indexed outageId, uint32 indexed prosumerId, address account, uint64 rewardPaise);
    /// @notice Prosumer `prosumerId` exported `deliveredWh` in the delivery interval, short of
    ///         the `promisedWh` it owed: it is not paid (a posted reading never changes).
    event DeliveryShort(uint64 indexed outageId, uint32 indexed prosumerId, uint256 deliveredWh, uint256 promisedWh);

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
    /// @notice The allocation's totals do not all fit in 64 bits, as every amount it reports
    ///         must: no real island comes near.
    error TotalsOutOfRange(uint256 deficitWh, uint256 coveredWh, uint256 rewardsPaise, uint256 budgetPaise);
    /// @notice No allocation is recorded for `outageId`.
    error UnknownOutage(uint64 outageId);
    /// @notice The intervals and shares passed for `outageId` are not the ones recorded.
    error NotTheRecordedAllocation(uint64 outageId);
    /// @notice Settling `outageId` paid no one: every rewarded share is paid already, short of
    ///         its promise, or without its delivery reading yet.
    error NothingToSettle(uint64 outageId);

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
        if (allocationHash[outageId] != 0) revert OutageAlreadyRecorded(outageId);
        if (deliveryInterval <= baseInterval) revert IntervalsOutOfOrder(baseInterval, deliveryInterval);
        if (entityIds.length == 0 || shares.length == 0) revert EmptyAllocation();

        (uint256 demandWh, uint256 budgetPaise) = _demandAndBudget(baseInterval, entityIds);
        (uint256 exportWh, uint256 coveredWh, uint256 rewardsPaise) = _checkShares(baseInterval, shares);

        // `demandWh` is net of what the DERs and battery banks supply (possibly a surplus).
        uint256 deficitWh = demandWh > exportWh ? demandWh - exportWh : 0;
        if (coveredWh < deficitWh) revert AllocationShortOfDeficit(coveredWh, deficitWh);
        if (rewardsPaise > budgetPaise) revert AllocationOverBudget(rewardsPaise, budgetPaise);
        if ((deficitWh | coveredWh | rewardsPaise | budgetPaise) > type(uint64).max) {
            revert TotalsOutOfRange(deficitWh, coveredWh, rewardsPaise, budgetPaise);
        }

        allocationHash[outageId] = keccak256(abi.encode(baseInterval, deliveryInterval, shares));
        emit AllocationRecorded(
            outageId, baseInterval, deliveryInterval, deficitWh, coveredWh, rewardsPaise, budgetPaise, shares
        );
    }

    /// @notice Pays every prosumer of `outageId`'s allocation that delivered and is not paid yet:
    ///         a share with a reward whose delivery-interval export reaches its base-interval
    ///         export plus its delta. Anyone may call, with the intervals and shares the
    ///         allocation was recorded with (as `AllocationRecorded` announced them); credits go
    ///         to each prosumer's meter account. A share short of its promise is announced
    ///         (`DeliveryShort`) and not paid; one whose delivery reading is not posted yet is
    ///         left for a later call. Reverts with `NothingToSettle` if it pays no one.
    /// @return paid how many prosumers this call paid
    /// @return paidPaise the credits it minted
    function settle(uint64 outageId, uint64 baseInterval, uint64 deliveryInterval, Share[] calldata shares)
        external
        returns (uint256 paid, uint256 paidPaise)
    {
        bytes32 recorded = allocationHash[outageId];
        if (recorded == 0) revert UnknownOutage(outageId);
        if (keccak256(abi.encode(baseInterval, deliveryInterval, shares)) != recorded) {
            revert NotTheRecordedAllocation(outageId);
        }
        Deliveries memory d = _deliveries(baseInterval, deliveryInterval, shares);
        uint256 n = shares.length;
        // Shares by words of 256 paid bits, each word read once. A share is marked paid in
        // storage before its reward is minted.
        for (uint256 first = 0; first < n; first += 256) {
            uint256 word = first >> 8;
            uint256 bits = _paid[outageId][word];
            for (uint256 i = first; i < n && i < first + 256; ++i) {
                uint256 bit = 1 << (i & 255);
                if (bits & bit != 0 || !_delivered(outageId, shares[i], d, i)) continue;
                bits |= bit;
                _paid[outageId][word] = bits;
                paidPaise += _pay(outageId, shares[i]);
                ++paid;
            }
        }
        if (paid == 0) revert NothingToSettle(outageId);
    }

    /// @notice Whether share `index` (its place in the recorded shares) of `outageId` is paid.
    function isPaid(uint64 outageId, uint256 index) external view returns (bool) {
        return _paid[outageId][index >> 8] & (1 << (index & 255)) != 0;
    }

    /// @dev What settlement checks each share against: whether its delivery reading is posted,
    ///      what it promised (base-interval export + delta) and what it delivered (Wh).
    struct Deliveries {
        bool[] posted;
        uint256[] promisedWh;
        uint64[] deliveredWh;
    }

    /// @dev The deliveries of `shares` from their base- and delivery-interval readings, read
    ///      from PowerData in one call per interval.
    function _deliveries(uint64 baseInterval, uint64 deliveryInterval, Share[] calldata shares)
        private
        view
        returns (Deliveries memory d)
    {
        uint256 n = shares.length;
        uint32[] memory prosumerIds = new uint32[](n);
        for (uint256 i = 0; i < n; ++i) {
            prosumerIds[i] = shares[i].prosumerId;
        }
        (, uint64[] memory baseExportWh) = powerData.exportsOf(baseInterval, prosumerIds);
        (d.posted, d.deliveredWh) = powerData.exportsOf(deliveryInterval, prosumerIds);
        d.promisedWh = new uint256[](n);
        for (uint256 i = 0; i < n; ++i) {
            d.promisedWh[i] = uint256(baseExportWh[i]) + shares[i].deltaWh;
        }
    }

    /// @dev Whether share `s` (the `i`-th) is owed its reward now: it has one, its delivery
    ///      reading is posted, and that reading reaches its promise; a share short of its promise
    ///      is announced.
    function _delivered(uint64 outageId, Share calldata s, Deliveries memory d, uint256 i) private returns (bool) {
        if (s.rewardPaise == 0 || !d.posted[i]) return false;
        if (d.deliveredWh[i] < d.promisedWh[i]) {
            emit DeliveryShort(outageId, s.prosumerId, d.deliveredWh[i], d.promisedWh[i]);
            return false;
        }
        return true;
    }

    /// @dev Credits share `s`'s reward to its prosumer's meter account; returns the reward.
    function _pay(uint64 outageId, Share calldata s) private returns (uint256) {
        address account = registry.entity(s.prosumerId).meter;
        ledger.mint(account, s.rewardPaise);
        emit Settled(outageId, s.prosumerId, account, s.rewardPaise);
        return s.rewardPaise;
    }

    /// @dev Checks the shares (ascending prosumer ids, each a prosumer with alpha and beta in
    ///      range); returns Σ export in `baseInterval`, Σ delta and Σ reward over them. The
    ///      prosumers' kinds and exports come from PowerData in one call.
    function _checkShares(uint64 baseInterval, Share[] calldata shares)
        private
        view
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
            if (s.alphaPpm > PPM || s.betaPpm > PPM) revert ShareOutOfRange(s.prosumerId, s.alphaPpm, s.betaPpm);
            coveredWh += s.deltaWh;
            rewardsPaise += s.rewardPaise;
        }
        (EntityKind[] memory kinds,, uint64[] memory previousExportWh) =
            powerData.gridTermsOf(baseInterval, prosumerIds);
        for (uint256 i = 0; i < n; ++i) {
            if (kinds[i] != EntityKind.Prosumer) revert WrongKind(prosumerIds[i], kinds[i], EntityKind.Prosumer);
            exportWh += previousExportWh[i];
        }
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
