// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {Operated} from "./Operated.sol";

/// @title RewardLedger
/// @notice ERC-20-style ledger of reward credits in paise (2 decimals: 100 units = 1 INR). Credits
///         are minted only by the minter (the OptimisationHandler) when it settles a reward.
contract RewardLedger is Operated {
    /// @notice Token name.
    string public constant name = "blackstart reward credit";
    /// @notice Token symbol.
    string public constant symbol = "BSRC";
    /// @notice One credit is one paisa: 2 decimals make 1 INR.
    uint8 public constant decimals = 2;

    /// @notice The only account that may mint; zero until the operator sets it.
    address public minter;
    /// @notice Credits in existence.
    uint256 public totalSupply;
    /// @notice Credits held by each account.
    mapping(address account => uint256 credits) public balanceOf;

    /// @notice `value` credits moved from `from` to `to` (from zero when minted).
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice The minter was set.
    event MinterSet(address minter);

    /// @notice The minter is already set; it is set once.
    error MinterAlreadySet(address minter);
    /// @notice `caller` is not the minter.
    error NotMinter(address caller);
    /// @notice Credits cannot go to the zero account.
    error ZeroAccount();
    /// @notice `account` holds `balance`, less than the `needed` credits.
    error InsufficientBalance(address account, uint256 balance, uint256 needed);

    /// @notice Sets the minter (once).
    function setMinter(address minter_) external onlyOperator {
        if (minter != address(0)) revert MinterAlreadySet(minter);
        if (minter_ == address(0)) revert ZeroAccount();
        minter = minter_;
        emit MinterSet(minter_);
    }

    /// @notice Creates `value` credits for `to`.
    function mint(address to, uint256 value) external {
        if (msg.sender != minter) revert NotMinter(msg.sender);
        if (to == address(0)) revert ZeroAccount();
        totalSupply += value;
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    /// @notice Moves `value` of the caller's credits to `to`.
    function transfer(address to, uint256 value) external returns (bool) {
        if (to == address(0)) revert ZeroAccount();
        uint256 held = balanceOf[msg.sender];
        if (held < value) revert InsufficientBalance(msg.sender, held, value);
        unchecked {
            balanceOf[msg.sender] = held - value;
        }
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }
}
