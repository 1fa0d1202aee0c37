// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright 2026 Seedreel contributors
//
// A token that calls back into the registry from inside every transfer must
// not let any payment run twice: each re-entrant call is refused, and the
// outer operation moves the money exactly once.
pragma solidity 0.8.37;

import {SeedreelTest} from "./SeedreelTest.sol";
import {SeedreelRegistry} from "../src/SeedreelRegistry.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

contract ReenteringToken is ERC20 {
    address public target;
    bytes public attack;
    bool public attacked;
    bool public attackSucceeded;
    bytes public attackError;

    constructor() ERC20("Evil", "EVIL") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// The next transfer calls `target` with `data` first, once.
    function arm(address target_, bytes calldata data) external {
        target = target_;
        attack = data;
        attacked = false;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (target != address(0) && !attacked) {
            attacked = true;
            (bool ok, bytes memory err) = target.call(attack);
            attackSucceeded = ok;
            attackError = err;
        }
        super._update(from, to, value);
    }
}

contract ReentrancyTest is SeedreelTest {
    ReenteringToken internal evil;
    SeedreelRegistry internal registry;
    uint256 internal constant VIEWER_KEY = 0xA11CE;
    address internal viewer;
    uint256 internal viewId;
    uint256 internal contentId;

    function setUp() public {
        evil = new ReenteringToken();
        registry = new SeedreelRegistry(IERC20(address(evil)));
        viewer = vm.addr(VIEWER_KEY);
        evil.mint(viewer, 1000 ether);
        // The creator is the attacker contract itself: it re-enters as the creator.
        contentId = registry.publish(keccak256("t"), 100 ether, 5000, 1000, "");
        vm.startPrank(viewer);
        evil.approve(address(registry), type(uint256).max);
        viewId = registry.buyView(contentId);
        vm.stopPrank();
    }

    function assertRefusedAsReentrant() internal view {
        assertTrue(evil.attacked(), "the token did call back");
        assertTrue(!evil.attackSucceeded(), "the re-entrant call went through");
        assertEq(
            keccak256(evil.attackError()),
            keccak256(abi.encodeWithSelector(ReentrancyGuard.ReentrancyGuardReentrantCall.selector)),
            "refused by the reentrancy guard"
        );
    }

    function test_WithdrawCannotBeReentered() public {
        evil.arm(address(registry), abi.encodeCall(SeedreelRegistry.withdraw, ()));
        registry.withdraw();
        assertRefusedAsReentrant();
        assertEq(evil.balanceOf(address(this)), 50 ether, "creator share paid once");
        assertEq(evil.balanceOf(address(registry)), 50 ether, "pool untouched");
    }

    function signed(uint64 count) internal view returns (SeedreelRegistry.Receipt[] memory rs, bytes[] memory sigs) {
        rs = new SeedreelRegistry.Receipt[](1);
        sigs = new bytes[](1);
        rs[0] = SeedreelRegistry.Receipt({viewId: viewId, seeder: address(0x5EED), byteCount: count});
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(VIEWER_KEY, registry.receiptDigest(rs[0]));
        sigs[0] = abi.encodePacked(r, s, v);
    }

    function test_ClaimCannotBeReentered() public {
        (SeedreelRegistry.Receipt[] memory full, bytes[] memory fullSigs) = signed(1000);
        (SeedreelRegistry.Receipt[] memory half, bytes[] memory halfSigs) = signed(500);
        evil.arm(address(registry), abi.encodeCall(SeedreelRegistry.claim, (full, fullSigs)));
        registry.claim(half, halfSigs);
        assertRefusedAsReentrant();
        assertEq(evil.balanceOf(address(0x5EED)), 25 ether, "half the pool, once");
        assertEq(registry.paidBytes(viewId, address(0x5EED)), 500, "bytes of the outer claim");
    }

    function test_BuyCannotBeReenteredIntoWithdraw() public {
        evil.arm(address(registry), abi.encodeCall(SeedreelRegistry.withdraw, ()));
        vm.prank(viewer);
        registry.buyView(contentId);
        assertRefusedAsReentrant();
        assertEq(registry.creatorBalance(address(this)), 100 ether, "both creator shares still owed");
        assertEq(evil.balanceOf(address(registry)), 200 ether, "registry holds both prices");
    }

    function test_ReclaimCannotRunInsideATransfer() public {
        vm.warp(block.timestamp + registry.CLAIM_WINDOW());
        evil.arm(address(registry), abi.encodeCall(SeedreelRegistry.reclaimExpiredPool, (viewId)));
        registry.withdraw();
        assertRefusedAsReentrant();
        (,,,,, bool reclaimed) = registry.viewInfo(viewId);
        assertTrue(!reclaimed, "pool not reclaimed from inside the transfer");
    }
}
