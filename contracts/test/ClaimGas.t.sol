// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright 2026 Seedreel contributors
//
// Gas of a batch claim of 100 receipts, one per view, from one seeder. The
// views are bought in setUp so the claim meets cold storage, as a real
// transaction does (forge runs setUp and each test as separate calls).
// Execution gas only: a transaction adds 21,000 and ~2,000 per receipt of
// calldata.
pragma solidity 0.8.37;

import {RegistryFixture} from "./RegistryFixture.sol";
import {SeedreelRegistry} from "../src/SeedreelRegistry.sol";

abstract contract ClaimGasFixture is RegistryFixture {
    uint256 internal constant N = 100;
    SeedreelRegistry.Receipt[] internal firstReceipts;
    bytes[] internal firstSigs;
    SeedreelRegistry.Receipt[] internal laterReceipts;
    bytes[] internal laterSigs;

    function setUp() public virtual override {
        super.setUp();
        uint256 id = publish(PRICE, SHARE_BPS, SIZE);
        for (uint256 i = 0; i < N; ++i) {
            uint256 viewId = buy(viewer, id);
            firstReceipts.push(receipt(viewId, seeder, SIZE / 2));
            firstSigs.push(signReceipt(VIEWER_KEY, firstReceipts[i]));
            laterReceipts.push(receipt(viewId, seeder, SIZE));
            laterSigs.push(signReceipt(VIEWER_KEY, laterReceipts[i]));
        }
    }

}

contract ClaimGasTest is ClaimGasFixture {
    function test_GasPerReceiptFirstClaim() public {
        SeedreelRegistry.Receipt[] memory rs = firstReceipts;
        bytes[] memory sigs = firstSigs;
        uint256 before = gasleft();
        registry.claim(rs, sigs);
        uint256 perReceipt = (before - gasleft()) / N;
        emit log_named_uint("claim execution gas per receipt, first claim of 100 views", perReceipt);
        assertEq(token.balanceOf(seeder), N * 125 ether, "all paid");
        assertLe(perReceipt, 40_000, "gas per receipt");
    }
}

/// Newer receipts for views the seeder was already paid for: the paid-bytes
/// slots exist, so they cost far less than the first claim.
contract ClaimGasLaterTest is ClaimGasFixture {
    function setUp() public override {
        super.setUp();
        registry.claim(firstReceipts, firstSigs);
    }

    function test_GasPerReceiptLaterClaim() public {
        SeedreelRegistry.Receipt[] memory rs = laterReceipts;
        bytes[] memory sigs = laterSigs;
        uint256 before = gasleft();
        registry.claim(rs, sigs);
        uint256 perReceipt = (before - gasleft()) / N;
        emit log_named_uint("claim execution gas per receipt, newer receipts for the same 100 views", perReceipt);
        assertEq(token.balanceOf(seeder), N * 250 ether, "all paid");
        assertLe(perReceipt, 25_000, "gas per receipt");
    }
}
