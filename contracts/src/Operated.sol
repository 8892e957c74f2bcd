// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

/// @title Operated
/// @notice Gives a contract one operator: the account that deployed it (the grid operator).
abstract contract Operated {
    /// @notice The grid operator's account, fixed at deployment.
    address public immutable operator;

    /// @notice `caller` is not the operator.
    error NotOperator(address caller);

    constructor() {
        operator = msg.sender;
    }

    /// @dev Only the operator may call.
    modifier onlyOperator() {
        if (msg.sender != operator) revert NotOperator(msg.sender);
        _;
    }
}
