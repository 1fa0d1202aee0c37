// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright 2026 Seedreel contributors
//
// Fuzzed money rules, 10,000 runs each: a purchase splits its price exactly
// into the creator's share and the pool; any sequence of receipts (stale,
// oversized, from several seeders) pays each seeder at most its receipt's
// share and all seeders together at most the pool; every token the registry
// holds is owed to someone.
pragma solidity 0.8.37;

import {RegistryFixture} from "./RegistryFixture.sol";
import {SeedreelRegistry} from "../src/SeedreelRegistry.sol";

contract MoneyFuzzTest is RegistryFixture {
    /// forge-config: default.fuzz.runs = 10000
    function testFuzz_PurchaseSplitsPriceExactly(uint128 price, uint16 shareBps) public {
        shareBps = uint16(bound(shareBps, 0, 10_000));
        uint256 id = publish(price, shareBps, SIZE);
        address buyer = address(0xB17E);
        token.mint(buyer, price);
        vm.prank(buyer);
        token.approve(address(registry), price);
        uint256 viewId = buy(buyer, id);

        (,, uint256 pool,,,) = registry.viewInfo(viewId);
        uint256 creatorShare = registry.creatorBalance(creator);
        assertEq(creatorShare + pool, price, "creator share + pool = price");
        assertEq(pool, uint256(price) * shareBps / 10_000, "pool is the seeders' share");
        assertEq(token.balanceOf(address(registry)), price, "the whole price arrived");
        assertEq(token.balanceOf(buyer), 0, "the buyer paid exactly the price");
    }

    /// forge-config: default.fuzz.runs = 10000
    function testFuzz_ReceiptsNeverPayPastSharesOrPool(
        uint128 price,
        uint16 shareBps,
        uint64 size,
        uint64[8] memory counts,
        uint8[8] memory who
    ) public {
        shareBps = uint16(bound(shareBps, 0, 10_000));
        size = uint64(bound(size, 1, type(uint64).max));
        price = uint128(bound(price, 0, 1e30));
        token.mint(viewer, price);
        uint256 viewId = buy(viewer, publish(price, shareBps, size));
        (,, uint256 pool,,,) = registry.viewInfo(viewId);

        address[3] memory seeders = [seeder, seeder2, address(0x5EED3)];
        uint64[3] memory highest;
        uint256 paidTotal;
        for (uint256 i = 0; i < counts.length; ++i) {
            uint256 s = who[i] % 3;
            uint256 before = token.balanceOf(seeders[s]);
            SeedreelRegistry.Receipt memory r = receipt(viewId, seeders[s], counts[i]);
            claimOne(seeders[s], r, signReceipt(VIEWER_KEY, r));
            paidTotal += token.balanceOf(seeders[s]) - before;
            if (counts[i] > highest[s]) highest[s] = counts[i];

            uint256 capped = highest[s] < size ? highest[s] : size;
            assertEq(registry.paidBytes(viewId, seeders[s]), capped, "paid bytes = newest receipt, capped");
            assertLe(token.balanceOf(seeders[s]), pool * capped / size, "seeder paid within its receipt's share");
        }
        (,,, uint256 paidOut,,) = registry.viewInfo(viewId);
        assertEq(paidOut, paidTotal, "paid out = what seeders received");
        assertLe(paidTotal, pool, "seeders paid within the pool");
        assertEq(
            token.balanceOf(address(registry)),
            registry.creatorBalance(creator) + pool - paidOut,
            "registry holds exactly what it owes"
        );
    }
}
