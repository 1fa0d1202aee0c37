// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright 2026 Seedreel contributors
//
// Invariants of the registry's money under random sequences of publish, buy,
// claim (with receipts the viewers really signed), withdraw, reclaim and the
// passing of time, across several creators, viewers, seeders and titles.
pragma solidity 0.8.37;

import {SeedreelTest} from "./SeedreelTest.sol";
import {SeedreelRegistry} from "../src/SeedreelRegistry.sol";
import {SeedreelToken} from "../src/SeedreelToken.sol";

/// Drives the registry and keeps its own ledger of what moved where.
contract RegistryHandler is SeedreelTest {
    SeedreelToken public token;
    SeedreelRegistry public registry;

    address[3] internal creators = [address(0xC1), address(0xC2), address(0xC3)];
    uint256[3] internal viewerKeys = [uint256(0xA1), 0xA2, 0xA3];
    address[3] internal seeders = [address(0x51), address(0x52), address(0x53)];
    mapping(address => uint256) internal keyOf;

    uint256 public totalIn;
    uint256 public totalOut;
    mapping(uint256 viewId => uint256) public viewPrice;
    mapping(uint256 viewId => uint256) public viewCreatorShare;
    mapping(uint256 viewId => mapping(address => uint256)) public paidTo;
    mapping(uint256 viewId => mapping(address => uint64)) public highestReceipt;
    uint256 public calls;

    constructor() {
        token = new SeedreelToken(address(this));
        registry = new SeedreelRegistry(token);
        for (uint256 i = 0; i < 3; ++i) {
            address v = vm.addr(viewerKeys[i]);
            keyOf[v] = viewerKeys[i];
            vm.prank(v);
            token.approve(address(registry), type(uint256).max);
        }
    }

    function seederCount() external pure returns (uint256) {
        return 3;
    }

    function seederAt(uint256 i) external view returns (address) {
        return seeders[i];
    }

    function creatorAt(uint256 i) external view returns (address) {
        return creators[i];
    }

    function publish(uint256 creatorSeed, uint256 price, uint16 shareBps, uint64 size) external {
        ++calls;
        vm.prank(creators[creatorSeed % 3]);
        registry.publish(
            bytes32(price), bound(price, 0, 1e27), uint16(bound(shareBps, 0, 10_000)), uint64(bound(size, 1, 1e12)), ""
        );
    }

    function buy(uint256 viewerSeed, uint256 contentSeed) external {
        uint256 count = registry.contentCount();
        if (count == 0) return;
        ++calls;
        uint256 contentId = 1 + contentSeed % count;
        (address creator,, uint256 price,,) = registry.contentInfo(contentId);
        address v = vm.addr(viewerKeys[viewerSeed % 3]);
        token.mint(v, price);
        uint256 creatorBefore = registry.creatorBalance(creator);
        vm.prank(v);
        uint256 viewId = registry.buyView(contentId);
        totalIn += price;
        viewPrice[viewId] = price;
        viewCreatorShare[viewId] = registry.creatorBalance(creator) - creatorBefore;
    }

    function claim(uint256 viewSeed, uint256 seederSeed, uint64 count, bool oldReceipt) external {
        uint256 views = registry.viewCount();
        if (views == 0) return;
        ++calls;
        uint256 viewId = 1 + viewSeed % views;
        address seeder = seeders[seederSeed % 3];
        (address viewer,,,,, bool reclaimed) = registry.viewInfo(viewId);
        // Sometimes an older receipt than the newest one signed.
        uint64 highest = highestReceipt[viewId][seeder];
        if (oldReceipt && highest > 0) count = uint64(bound(count, 0, highest));
        // Once the pool went back to the creator, receipts are not taken.
        else if (count > highest && !reclaimed) highestReceipt[viewId][seeder] = count;

        SeedreelRegistry.Receipt[] memory rs = new SeedreelRegistry.Receipt[](1);
        bytes[] memory sigs = new bytes[](1);
        rs[0] = SeedreelRegistry.Receipt({viewId: viewId, seeder: seeder, byteCount: count});
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[viewer], registry.receiptDigest(rs[0]));
        sigs[0] = abi.encodePacked(r, s, v);

        uint256 before = token.balanceOf(seeder);
        vm.prank(seeder);
        registry.claim(rs, sigs);
        uint256 paid = token.balanceOf(seeder) - before;
        paidTo[viewId][seeder] += paid;
        totalOut += paid;
    }

    function withdraw(uint256 creatorSeed) external {
        address creator = creators[creatorSeed % 3];
        if (registry.creatorBalance(creator) == 0) return;
        ++calls;
        uint256 before = token.balanceOf(creator);
        vm.prank(creator);
        registry.withdraw();
        totalOut += token.balanceOf(creator) - before;
    }

    function reclaim(uint256 viewSeed) external {
        uint256 views = registry.viewCount();
        if (views == 0) return;
        uint256 viewId = 1 + viewSeed % views;
        (,,,, uint64 purchasedAt, bool reclaimed) = registry.viewInfo(viewId);
        if (reclaimed || block.timestamp < purchasedAt + registry.CLAIM_WINDOW()) return;
        ++calls;
        registry.reclaimExpiredPool(viewId);
    }

    function passTime(uint256 secondsLater) external {
        vm.warp(block.timestamp + bound(secondsLater, 0, 20 days));
    }
}

contract RegistryInvariantTest is SeedreelTest {
    RegistryHandler internal handler;
    SeedreelRegistry internal registry;

    function setUp() public {
        handler = new RegistryHandler();
        registry = handler.registry();
        targetContract(address(handler));
    }

    /// forge-config: default.invariant.runs = 10000
    /// forge-config: default.invariant.depth = 16
    function invariant_money() public view {
        uint256 views = registry.viewCount();
        uint256 owed;
        for (uint256 viewId = 1; viewId <= views; ++viewId) {
            (,, uint256 pool, uint256 paidOut,, bool reclaimed) = registry.viewInfo(viewId);
            assertEq(handler.viewCreatorShare(viewId) + pool, handler.viewPrice(viewId), "creator share + pool = price");
            assertLe(paidOut, pool, "seeders paid within the pool");

            (,,,, uint64 size) = registry.contentInfo(_contentOf(viewId));
            uint256 paidToSeeders;
            for (uint256 i = 0; i < handler.seederCount(); ++i) {
                address seeder = handler.seederAt(i);
                uint256 paid = handler.paidTo(viewId, seeder);
                uint64 receiptBytes = handler.highestReceipt(viewId, seeder);
                uint256 capped = receiptBytes < size ? receiptBytes : size;
                assertLe(paid, pool * capped / size, "seeder paid within its receipt's share");
                assertEq(registry.paidBytes(viewId, seeder), capped, "paid bytes follow the newest receipt");
                paidToSeeders += paid;
            }
            assertEq(paidToSeeders, paidOut, "what seeders received is what the view paid out");
            if (!reclaimed) owed += pool - paidOut;
        }
        for (uint256 i = 0; i < 3; ++i) {
            owed += registry.creatorBalance(handler.creatorAt(i));
        }
        assertLe(handler.totalOut(), handler.totalIn(), "paid out <= paid in");
        assertEq(handler.token().balanceOf(address(registry)), handler.totalIn() - handler.totalOut(), "no token lost");
        assertEq(handler.token().balanceOf(address(registry)), owed, "every token held is owed");
    }

    function _contentOf(uint256 viewId) private view returns (uint256 contentId) {
        (, contentId,,,,) = registry.viewInfo(viewId);
    }
}
