// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {IntervalTotals, PowerData} from "./PowerData.sol";

/// @notice The state of an interval's energy balance (docs/model.md §2).
enum Condition {
    Balanced,
    GenerationExceedsConsumption,
    ConsumptionExceedsGeneration
}

/// @title PowerBalance
/// @notice Energy balance consensus, eq. 1: P_bal = Pc + P_BBI − P_pe − P_DER − P_BBD over an
///         interval's posted readings (paper §III.C, Algorithm 1).
contract PowerBalance {
    /// @notice Where the readings are posted.
    PowerData public immutable powerData;

    /// @notice The balance of `interval` was computed: generation = P_pe + P_DER + P_BBD,
    ///         consumption = Pc + P_BBI, balance = consumption − generation (all Wh).
    event BalanceComputed(
        uint64 indexed interval, uint256 generationWh, uint256 consumptionWh, int256 balanceWh, Condition condition
    );

    /// @notice No reading was posted for `interval`, so it has no balance.
    error NoReadings(uint64 interval);

    /// @param powerData_ the deployed reading store
    constructor(PowerData powerData_) {
        powerData = powerData_;
    }

    /// @notice Eq. 1 for `interval`, without recording it.
    /// @return balanceWh consumption minus generation (Wh)
    /// @return generationWh P_pe + P_DER + P_BBD
    /// @return consumptionWh Pc + P_BBI
    /// @return condition the sign of the balance as a condition
    function balance(uint64 interval)
        public
        view
        returns (int256 balanceWh, uint256 generationWh, uint256 consumptionWh, Condition condition)
    {
        IntervalTotals memory t = powerData.totals(interval);
        if (t.readings == 0) revert NoReadings(interval);
        generationWh = uint256(t.prosumerExportWh) + t.derGenerationWh + t.batteryDischargeWh;
        consumptionWh = uint256(t.consumptionWh) + t.batteryChargeWh;
        balanceWh = int256(consumptionWh) - int256(generationWh);
        if (balanceWh == 0) {
            condition = Condition.Balanced;
        } else if (balanceWh < 0) {
            condition = Condition.GenerationExceedsConsumption;
        } else {
            condition = Condition.ConsumptionExceedsGeneration;
        }
    }

    /// @notice Computes eq. 1 for `interval` and records the result as a `BalanceComputed` event.
    function computeBalance(uint64 interval) external returns (int256 balanceWh, Condition condition) {
        uint256 generationWh;
        uint256 consumptionWh;
        (balanceWh, generationWh, consumptionWh, condition) = balance(interval);
        emit BalanceComputed(interval, generationWh, consumptionWh, balanceWh, condition);
    }
}
