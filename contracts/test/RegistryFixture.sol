// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright 2026 Seedreel contributors
//
// A token and a registry with funded creator, viewer and seeder accounts,
// and helpers that sign receipts and permits the way the app does.
pragma solidity 0.8.37;

import {SeedreelTest} from "./SeedreelTest.sol";
import {SeedreelToken} from "../src/SeedreelToken.sol";
import {SeedreelRegistry} from "../src/SeedreelRegistry.sol";

abstract contract RegistryFixture is SeedreelTest {
    SeedreelToken internal token;
    SeedreelRegistry internal registry;

    uint256 internal constant VIEWER_KEY = 0xA11CE;
    uint256 internal constant VIEWER2_KEY = 0xB0B;
    uint256 internal constant STRANGER_KEY = 0xBAD;
    address internal creator = address(0xC0FFEE);
    address internal seeder = address(0x5EED1);
    address internal seeder2 = address(0x5EED2);
    address internal viewer;
    address internal viewer2;

    uint256 internal constant PRICE = 1000 ether;
    uint16 internal constant SHARE_BPS = 2500;
    uint64 internal constant SIZE = 1_000_000;
    bytes32 internal constant INFOHASH = keccak256("a title");

    function setUp() public virtual {
        token = new SeedreelToken(address(this));
        registry = new SeedreelRegistry(token);
        viewer = vm.addr(VIEWER_KEY);
        viewer2 = vm.addr(VIEWER2_KEY);
        token.mint(viewer, 1_000_000 ether);
        token.mint(viewer2, 1_000_000 ether);
        vm.prank(viewer);
        token.approve(address(registry), type(uint256).max);
        vm.prank(viewer2);
        token.approve(address(registry), type(uint256).max);
    }

    function publish(uint256 price, uint16 shareBps, uint64 size) internal returns (uint256) {
        vm.prank(creator);
        return registry.publish(INFOHASH, price, shareBps, size, '{"title":"A title"}');
    }

    function buy(address who, uint256 contentId) internal returns (uint256) {
        vm.prank(who);
        return registry.buyView(contentId);
    }

    function receipt(uint256 viewId, address to, uint64 count) internal pure returns (SeedreelRegistry.Receipt memory) {
        return SeedreelRegistry.Receipt({viewId: viewId, seeder: to, byteCount: count});
    }

    /// The EIP-712 digest built from first principles, not from the registry,
    /// so a test notices if the contract's domain or type drifts.
    function receiptDigest(SeedreelRegistry.Receipt memory r, uint256 chainId, address verifyingContract)
        internal
        pure
        returns (bytes32)
    {
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("Seedreel"),
                keccak256("1"),
                chainId,
                verifyingContract
            )
        );
        bytes32 structHash = keccak256(
            abi.encode(keccak256("Receipt(uint256 viewId,address seeder,uint64 bytes)"), r.viewId, r.seeder, r.byteCount)
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function signReceipt(uint256 key, SeedreelRegistry.Receipt memory r) internal view returns (bytes memory) {
        return signDigest(key, receiptDigest(r, block.chainid, address(registry)));
    }

    function signDigest(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    function claimOne(address by, SeedreelRegistry.Receipt memory r, bytes memory signature) internal {
        SeedreelRegistry.Receipt[] memory rs = new SeedreelRegistry.Receipt[](1);
        bytes[] memory sigs = new bytes[](1);
        rs[0] = r;
        sigs[0] = signature;
        vm.prank(by);
        registry.claim(rs, sigs);
    }
}
