// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.37;

import {Operated} from "./Operated.sol";

/// @notice What an entity on the grid is (docs/model.md §1).
enum EntityKind {
    Prosumer,
    Consumer,
    Der,
    Battery
}

/// @notice One registered entity: its kind, its grid node and its smart meter's account.
struct Entity {
    EntityKind kind;
    uint32 node;
    address meter;
}

/// @title FindEntities
/// @notice Registry of the grid's entities and their smart meters, and the network configuration
///         (paper §VII, Table 8). Entity ids start at 1; id 0 means "no entity".
contract FindEntities is Operated {
    /// @notice Number of grid nodes; nodes are numbered 1..nodeCount. Zero until configured.
    uint32 public nodeCount;
    /// @notice The node of the main source (utility substation).
    uint32 public sourceNode;
    /// @notice Length of a metering interval in seconds.
    uint32 public intervalSeconds;

    Entity[] private _entities;
    mapping(address meter => uint32 id) private _idOfMeter;
    mapping(EntityKind kind => uint32[] ids) private _idsByKind;

    /// @notice The network was configured.
    event NetworkConfigured(uint32 nodeCount, uint32 sourceNode, uint32 intervalSeconds);
    /// @notice An entity was registered with id `id`.
    event EntityRegistered(uint32 indexed id, EntityKind kind, uint32 node, address indexed meter);

    /// @notice The network is already configured; it is configured once.
    error NetworkAlreadyConfigured();
    /// @notice A network needs at least one node, a source among them and a positive interval.
    error InvalidNetwork(uint32 nodeCount, uint32 sourceNode, uint32 intervalSeconds);
    /// @notice Entities are registered only after the network is configured.
    error NetworkNotConfigured();
    /// @notice `node` is not a node of the network (1..nodeCount).
    error NodeOutOfRange(uint32 node, uint32 nodeCount);
    /// @notice A meter needs a non-zero account.
    error ZeroMeter();
    /// @notice `meter` already belongs to entity `id`.
    error MeterAlreadyRegistered(address meter, uint32 id);
    /// @notice No entity has id `id`.
    error UnknownEntity(uint32 id);

    /// @notice Sets the network configuration (once).
    /// @param nodeCount_ number of grid nodes, numbered 1..nodeCount_
    /// @param sourceNode_ node of the utility substation
    /// @param intervalSeconds_ metering interval in seconds
    function configureNetwork(uint32 nodeCount_, uint32 sourceNode_, uint32 intervalSeconds_)
        external
        onlyOperator
    {
        if (nodeCount != 0) revert NetworkAlreadyConfigured();
        if (nodeCount_ == 0 || sourceNode_ == 0 || sourceNode_ > nodeCount_ || intervalSeconds_ == 0) {
            revert InvalidNetwork(nodeCount_, sourceNode_, intervalSeconds_);
        }
        nodeCount = nodeCount_;
        sourceNode = sourceNode_;
        intervalSeconds = intervalSeconds_;
        emit NetworkConfigured(nodeCount_, sourceNode_, intervalSeconds_);
    }

    /// @notice Registers an entity at `node` whose meter posts from account `meter`.
    /// @return id the new entity's id (1, 2, ...)
    function registerEntity(EntityKind kind, uint32 node, address meter) external onlyOperator returns (uint32 id) {
        uint32 nodes = nodeCount;
        if (nodes == 0) revert NetworkNotConfigured();
        if (node == 0 || node > nodes) revert NodeOutOfRange(node, nodes);
        if (meter == address(0)) revert ZeroMeter();
        uint32 existing = _idOfMeter[meter];
        if (existing != 0) revert MeterAlreadyRegistered(meter, existing);

        _entities.push(Entity({kind: kind, node: node, meter: meter}));
        id = uint32(_entities.length);
        _idOfMeter[meter] = id;
        _idsByKind[kind].push(id);
        emit EntityRegistered(id, kind, node, meter);
    }

    /// @notice The entity with id `id`; reverts with `UnknownEntity` if there is none.
    function entity(uint32 id) public view returns (Entity memory) {
        if (id == 0 || id > _entities.length) revert UnknownEntity(id);
        return _entities[id - 1];
    }

    /// @notice The entity whose meter is `meter`, or id 0 if the account is no registered meter.
    function entityOfMeter(address meter) external view returns (uint32 id, EntityKind kind) {
        id = _idOfMeter[meter];
        if (id != 0) kind = _entities[id - 1].kind;
    }

    /// @notice Number of registered entities.
    function entityCount() external view returns (uint256) {
        return _entities.length;
    }

    /// @notice Number of registered entities of `kind`.
    function countByKind(EntityKind kind) external view returns (uint256) {
        return _idsByKind[kind].length;
    }

    /// @notice Ids of the registered entities of `kind`, in registration order.
    function entitiesByKind(EntityKind kind) external view returns (uint32[] memory) {
        return _idsByKind[kind];
    }
}
