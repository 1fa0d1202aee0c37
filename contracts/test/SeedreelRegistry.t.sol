// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright 2026 Seedreel contributors
//
// SeedreelRegistry's flows: publishing, buying (approval and permit),
// withdrawing, claiming seeding rewards with receipts, and reclaiming an
// expired pool, with the ways each must refuse.
pragma solidity 0.8.37;

import {RegistryFixture} from "./RegistryFixture.sol";
import {SeedreelRegistry} from "../src/SeedreelRegistry.sol";
import {SeedreelToken} from "../src/SeedreelToken.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract SeedreelRegistryTest is RegistryFixture {
    // ---- token ------------------------------------------------------------

    function test_TokenIsSeedWithPermitAndOwnerMint() public {
        assertTrue(keccak256(bytes(token.name())) == keccak256("Seedreel"), "name");
        assertTrue(keccak256(bytes(token.symbol())) == keccak256("SEED"), "symbol");
        assertEq(token.decimals(), 18, "decimals");
        vm.prank(viewer);
        vm.expectRevert(abi.encodeWithSelector(Ownable.OwnableUnauthorizedAccount.selector, viewer));
        token.mint(viewer, 1);
        token.mint(creator, 5 ether);
        assertEq(token.balanceOf(creator), 5 ether, "owner minted");
    }

    // ---- publish ----------------------------------------------------------

    function test_PublishRecordsContentAndEmits() public {
        vm.expectEmit(address(registry));
        emit SeedreelRegistry.ContentPublished(1, creator, INFOHASH, PRICE, SHARE_BPS, SIZE, '{"title":"A title"}');
        uint256 id = publish(PRICE, SHARE_BPS, SIZE);
        assertEq(id, 1, "first content id");
        assertEq(publish(PRICE, SHARE_BPS, SIZE), 2, "ids count up");

        (address c, bytes32 infohash, uint256 price, uint16 share, uint64 size) = registry.contentInfo(id);
        assertEq(c, creator, "creator");
        assertEq(infohash, INFOHASH, "infohash");
        assertEq(price, PRICE, "price");
        assertEq(share, SHARE_BPS, "share");
        assertEq(size, SIZE, "size");
        assertEq(registry.contentCount(), 2, "count");
    }

    function test_PublishRejectsBadTerms() public {
        vm.expectRevert(abi.encodeWithSelector(SeedreelRegistry.InvalidSeederShare.selector, uint16(10_001)));
        publish(PRICE, 10_001, SIZE);
        vm.expectRevert(SeedreelRegistry.EmptyContent.selector);
        publish(PRICE, SHARE_BPS, 0);
        uint256 tooMuch = uint256(type(uint128).max) + 1;
        vm.expectRevert(abi.encodeWithSelector(SeedreelRegistry.PriceTooHigh.selector, tooMuch));
        publish(tooMuch, SHARE_BPS, SIZE);
        // The whole price to seeders, and a free title, are both allowed.
        publish(PRICE, 10_000, SIZE);
        publish(0, 0, SIZE);
        vm.expectRevert(abi.encodeWithSelector(SeedreelRegistry.UnknownContent.selector, 3));
        registry.contentInfo(3);
    }

    // ---- buy and withdraw --------------------------------------------------

    function test_BuySplitsPriceIntoCreatorBalanceAndPool() public {
        uint256 id = publish(PRICE, SHARE_BPS, SIZE);
        uint256 before = token.balanceOf(viewer);
        vm.warp(1_700_000_000);
        vm.expectEmit(address(registry));
        emit SeedreelRegistry.ViewPurchased(1, viewer, id, PRICE, 250 ether);
        uint256 viewId = buy(viewer, id);

        assertEq(viewId, 1, "view id");
        assertEq(token.balanceOf(viewer), before - PRICE, "viewer paid the price");
        assertEq(token.balanceOf(address(registry)), PRICE, "registry holds it");
        assertEq(registry.creatorBalance(creator), 750 ether, "creator credited price - pool");
        (address v, uint256 contentId, uint256 pool, uint256 paidOut, uint64 purchasedAt, bool reclaimed) =
            registry.viewInfo(viewId);
        assertEq(v, viewer, "viewer");
        assertEq(contentId, id, "content");
        assertEq(pool, 250 ether, "pool = price * share");
        assertEq(paidOut, 0, "nothing paid yet");
        assertEq(purchasedAt, 1_700_000_000, "purchase time");
        assertTrue(!reclaimed, "open");
    }

    function test_BuyRefusesUnknownContentAndMissingApproval() public {
        vm.expectRevert(abi.encodeWithSelector(SeedreelRegistry.UnknownContent.selector, 7));
        buy(viewer, 7);
        uint256 id = publish(PRICE, SHARE_BPS, SIZE);
        address poor = address(0xDEAD);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(registry), 0, PRICE));
        buy(poor, id);
        vm.expectRevert(abi.encodeWithSelector(SeedreelRegistry.UnknownView.selector, 1));
        registry.viewInfo(1);
    }

    function test_WithdrawPaysCreatorOnce() public {
        uint256 id = publish(PRICE, SHARE_BPS, SIZE);
        buy(viewer, id);
        buy(viewer2, id);
        vm.expectEmit(address(registry));
        emit SeedreelRegistry.Withdrawn(creator, 1500 ether);
        vm.prank(creator);
        registry.withdraw();
        assertEq(token.balanceOf(creator), 1500 ether, "creator got both shares");
        assertEq(registry.creatorBalance(creator), 0, "balance emptied");
        assertEq(token.balanceOf(address(registry)), 500 ether, "pools stay");
        vm.prank(creator);
        vm.expectRevert(SeedreelRegistry.NothingToWithdraw.selector);
        registry.withdraw();
    }

    function permitSignature(uint256 key, uint256 value, uint256 deadline)
        internal
        view
        returns (uint8 v, bytes32 r, bytes32 s)
    {
        address owner = vm.addr(key);
        bytes32 structHash = keccak256(
            abi.encode(
                keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"),
                owner,
                address(registry),
                value,
                token.nonces(owner),
                deadline
            )
        );
        return vm.sign(key, keccak256(abi.encodePacked("\x19\x01", token.DOMAIN_SEPARATOR(), structHash)));
    }

    function test_BuyWithPermitNeedsNoPriorApproval() public {
        uint256 id = publish(PRICE, SHARE_BPS, SIZE);
        uint256 key = 0xF00D;
        address buyer = vm.addr(key);
        token.mint(buyer, PRICE);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = permitSignature(key, PRICE, deadline);

        vm.prank(buyer);
        uint256 viewId = registry.buyViewWithPermit(id, deadline, v, r, s);
        assertEq(token.balanceOf(buyer), 0, "paid with the permit");
        assertEq(token.nonces(buyer), 1, "permit used");
        (address owner,,,,,) = registry.viewInfo(viewId);
        assertEq(owner, buyer, "view belongs to the permit's signer");
    }

    function test_BuyWithPermitSurvivesFrontRunPermit() public {
        uint256 id = publish(PRICE, SHARE_BPS, SIZE);
        uint256 key = 0xF00D;
        address buyer = vm.addr(key);
        token.mint(buyer, PRICE);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = permitSignature(key, PRICE, deadline);
        // Someone copies the permit from the mempool and spends it first.
        token.permit(buyer, address(registry), PRICE, deadline, v, r, s);
        vm.prank(buyer);
        registry.buyViewWithPermit(id, deadline, v, r, s);
        assertEq(token.balanceOf(buyer), 0, "still bought");
    }

    function test_BuyWithForgedPermitFails() public {
        uint256 id = publish(PRICE, SHARE_BPS, SIZE);
        address buyer = vm.addr(0xF00D);
        token.mint(buyer, PRICE);
        uint256 deadline = block.timestamp + 1 hours;
        (uint8 v, bytes32 r, bytes32 s) = permitSignature(STRANGER_KEY, PRICE, deadline);
        vm.prank(buyer);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(registry), 0, PRICE));
        registry.buyViewWithPermit(id, deadline, v, r, s);
        assertEq(token.balanceOf(buyer), PRICE, "nothing taken");
    }

    // ---- claims -----------------------------------------------------------

    function boughtView() internal returns (uint256) {
        return buy(viewer, publish(PRICE, SHARE_BPS, SIZE));
    }

    function test_ClaimPaysProRataAndEmits() public {
        uint256 viewId = boughtView();
        SeedreelRegistry.Receipt memory r = receipt(viewId, seeder, 400_000);
        assertEq(registry.receiptDigest(r), receiptDigest(r, block.chainid, address(registry)), "EIP-712 digest");
        vm.expectEmit(address(registry));
        emit SeedreelRegistry.RewardClaimed(viewId, seeder, 400_000, 100 ether);
        // Anyone may submit the receipt; the reward goes to the seeder it names.
        claimOne(address(this), r, signReceipt(VIEWER_KEY, r));
        assertEq(token.balanceOf(seeder), 100 ether, "40 % of the bytes, 40 % of the pool");
        assertEq(registry.paidBytes(viewId, seeder), 400_000, "paid bytes recorded");
        (,,, uint256 paidOut,,) = registry.viewInfo(viewId);
        assertEq(paidOut, 100 ether, "view's paid out");
    }

    function test_NewerReceiptSupersedesOlder() public {
        uint256 viewId = boughtView();
        SeedreelRegistry.Receipt memory r1 = receipt(viewId, seeder, 400_000);
        SeedreelRegistry.Receipt memory r2 = receipt(viewId, seeder, 600_000);
        bytes memory s1 = signReceipt(VIEWER_KEY, r1);
        claimOne(seeder, r2, signReceipt(VIEWER_KEY, r2));
        assertEq(token.balanceOf(seeder), 150 ether, "paid for 600 kB");

        // The older receipt, and the same one again, pay nothing and emit nothing.
        vm.recordLogs();
        claimOne(seeder, r1, s1);
        claimOne(seeder, r2, signReceipt(VIEWER_KEY, r2));
        assertEq(vm.getRecordedLogs().length, 0, "stale receipts are skipped silently");
        assertEq(token.balanceOf(seeder), 150 ether, "no double pay");

        // A batch mixing stale and new receipts pays only the new bytes.
        SeedreelRegistry.Receipt[] memory rs = new SeedreelRegistry.Receipt[](3);
        bytes[] memory sigs = new bytes[](3);
        rs[0] = r1;
        sigs[0] = s1;
        rs[1] = receipt(viewId, seeder, 900_000);
        sigs[1] = signReceipt(VIEWER_KEY, rs[1]);
        rs[2] = receipt(viewId, seeder2, 100_000);
        sigs[2] = signReceipt(VIEWER_KEY, rs[2]);
        registry.claim(rs, sigs);
        assertEq(token.balanceOf(seeder), 225 ether, "paid up to 900 kB");
        assertEq(token.balanceOf(seeder2), 25 ether, "second seeder paid its own");
        assertEq(registry.paidBytes(viewId, seeder), 900_000, "seeder bytes");
        assertEq(registry.paidBytes(viewId, seeder2), 100_000, "seeder2 bytes");
    }

    function test_ClaimCapsBytesAtContentSize() public {
        uint256 viewId = boughtView();
        SeedreelRegistry.Receipt memory r = receipt(viewId, seeder, SIZE * 3);
        vm.expectEmit(address(registry));
        emit SeedreelRegistry.RewardClaimed(viewId, seeder, SIZE, 250 ether);
        claimOne(seeder, r, signReceipt(VIEWER_KEY, r));
        assertEq(token.balanceOf(seeder), 250 ether, "at most the whole pool");
        assertEq(registry.paidBytes(viewId, seeder), SIZE, "capped at the size");
    }

    function test_ClaimNeverPaysPastThePool() public {
        uint256 viewId = boughtView();
        // The viewer signs for more bytes in total than the title has.
        SeedreelRegistry.Receipt memory a = receipt(viewId, seeder, 700_000);
        SeedreelRegistry.Receipt memory b = receipt(viewId, seeder2, 700_000);
        claimOne(seeder, a, signReceipt(VIEWER_KEY, a));
        claimOne(seeder2, b, signReceipt(VIEWER_KEY, b));
        assertEq(token.balanceOf(seeder), 175 ether, "first claim paid in full");
        assertEq(token.balanceOf(seeder2), 75 ether, "second gets what is left");
        SeedreelRegistry.Receipt memory c = receipt(viewId, address(0x5EED3), SIZE);
        claimOne(seeder, c, signReceipt(VIEWER_KEY, c));
        assertEq(token.balanceOf(address(0x5EED3)), 0, "empty pool pays nothing");
        (,, uint256 pool, uint256 paidOut,,) = registry.viewInfo(viewId);
        assertEq(paidOut, pool, "pool exhausted exactly");
        assertEq(token.balanceOf(address(registry)), 750 ether, "only the creator share is left");
    }

    function test_ClaimRejectsWrongSigner() public {
        uint256 viewId = boughtView();
        SeedreelRegistry.Receipt memory r = receipt(viewId, seeder, SIZE);
        address stranger = vm.addr(STRANGER_KEY);
        bytes memory sig = signReceipt(STRANGER_KEY, r);
        vm.expectRevert(abi.encodeWithSelector(SeedreelRegistry.NotSignedByViewer.selector, viewId, stranger));
        claimOne(seeder, r, sig);
        // The seeder cannot sign its own receipt either.
        vm.expectRevert();
        claimOne(seeder, r, signReceipt(0x5EED1, r));
        assertEq(token.balanceOf(seeder), 0, "nothing paid");
    }

    function test_ClaimRejectsMalleatedAndMalformedSignatures() public {
        uint256 viewId = boughtView();
        SeedreelRegistry.Receipt memory r = receipt(viewId, seeder, SIZE);
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(VIEWER_KEY, receiptDigest(r, block.chainid, address(registry)));
        // (r, n - s, flipped v) recovers the same key: ecrecover alone accepts it.
        bytes32 highS = bytes32(SECP256K1_N - uint256(s));
        uint8 flipped = v == 27 ? 28 : 27;
        assertEq(ecrecover(registry.receiptDigest(r), flipped, rr, highS), viewer, "malleated twin is valid to ecrecover");
        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureS.selector, highS));
        claimOne(seeder, r, abi.encodePacked(rr, highS, flipped));

        vm.expectRevert(abi.encodeWithSelector(ECDSA.ECDSAInvalidSignatureLength.selector, 64));
        claimOne(seeder, r, abi.encodePacked(rr, s));
        vm.expectRevert(ECDSA.ECDSAInvalidSignature.selector);
        claimOne(seeder, r, abi.encodePacked(bytes32(0), s, v));
        assertEq(token.balanceOf(seeder), 0, "nothing paid");
        // The proper signature still works afterwards.
        claimOne(seeder, r, abi.encodePacked(rr, s, v));
        assertEq(token.balanceOf(seeder), 250 ether, "paid with the canonical signature");
    }

    function test_ClaimRejectsReceiptFromAnotherChain() public {
        uint256 viewId = boughtView();
        SeedreelRegistry.Receipt memory r = receipt(viewId, seeder, SIZE);
        bytes memory elsewhere = signDigest(VIEWER_KEY, receiptDigest(r, 1, address(registry)));
        vm.expectRevert();
        claimOne(seeder, r, elsewhere);

        // Signed here, replayed after the chain id changed (a fork).
        bytes memory here = signReceipt(VIEWER_KEY, r);
        vm.chainId(block.chainid + 1);
        vm.expectRevert();
        claimOne(seeder, r, here);
        assertEq(token.balanceOf(seeder), 0, "nothing paid");
    }

    function test_ClaimRejectsReceiptForAnotherContract() public {
        uint256 viewId = boughtView();
        SeedreelRegistry other = new SeedreelRegistry(token);
        SeedreelRegistry.Receipt memory r = receipt(viewId, seeder, SIZE);
        bytes memory sig = signDigest(VIEWER_KEY, receiptDigest(r, block.chainid, address(other)));
        vm.expectRevert();
        claimOne(seeder, r, sig);
        assertEq(token.balanceOf(seeder), 0, "nothing paid");
    }

    function test_ClaimRejectsReceiptForAnotherView() public {
        uint256 id = publish(PRICE, SHARE_BPS, SIZE);
        uint256 first = buy(viewer, id);
        uint256 second = buy(viewer, id);
        SeedreelRegistry.Receipt memory r = receipt(first, seeder, SIZE);
        bytes memory sig = signReceipt(VIEWER_KEY, r);
        r.viewId = second;
        vm.expectRevert();
        claimOne(seeder, r, sig);
        vm.expectRevert(abi.encodeWithSelector(SeedreelRegistry.UnknownView.selector, 99));
        r.viewId = 99;
        claimOne(seeder, r, sig);
        assertEq(token.balanceOf(seeder), 0, "nothing paid");
    }

    function test_ClaimRejectsMismatchedBatch() public {
        SeedreelRegistry.Receipt[] memory rs = new SeedreelRegistry.Receipt[](2);
        bytes[] memory sigs = new bytes[](1);
        vm.expectRevert(abi.encodeWithSelector(SeedreelRegistry.LengthMismatch.selector, 2, 1));
        registry.claim(rs, sigs);
    }

    function test_OneBadSignatureRevertsTheWholeBatch() public {
        uint256 viewId = boughtView();
        SeedreelRegistry.Receipt[] memory rs = new SeedreelRegistry.Receipt[](2);
        bytes[] memory sigs = new bytes[](2);
        rs[0] = receipt(viewId, seeder, 500_000);
        sigs[0] = signReceipt(VIEWER_KEY, rs[0]);
        rs[1] = receipt(viewId, seeder, 600_000);
        sigs[1] = signReceipt(STRANGER_KEY, rs[1]);
        vm.expectRevert();
        registry.claim(rs, sigs);
        assertEq(registry.paidBytes(viewId, seeder), 0, "nothing recorded");
    }

    // ---- reclaim ----------------------------------------------------------

    function test_ReclaimAfterWindowReturnsTheRestToCreator() public {
        vm.warp(1_700_000_000);
        uint256 viewId = boughtView();
        SeedreelRegistry.Receipt memory r = receipt(viewId, seeder, 333_333);
        claimOne(seeder, r, signReceipt(VIEWER_KEY, r));
        uint256 paid = token.balanceOf(seeder);
        assertEq(paid, uint256(250 ether) * 333_333 / SIZE, "pro rata, rounded down");

        uint256 closesAt = 1_700_000_000 + registry.CLAIM_WINDOW();
        assertEq(registry.CLAIM_WINDOW(), 30 days, "window");
        vm.warp(closesAt - 1);
        vm.expectRevert(abi.encodeWithSelector(SeedreelRegistry.ClaimWindowOpen.selector, viewId, closesAt));
        registry.reclaimExpiredPool(viewId);

        vm.warp(closesAt);
        vm.expectEmit(address(registry));
        emit SeedreelRegistry.PoolReclaimed(viewId, creator, 250 ether - paid);
        registry.reclaimExpiredPool(viewId);
        assertEq(registry.creatorBalance(creator), 1000 ether - paid, "creator gets the rest, dust included");
        vm.expectRevert(abi.encodeWithSelector(SeedreelRegistry.PoolAlreadyReclaimed.selector, viewId));
        registry.reclaimExpiredPool(viewId);

        // Late receipts pay nothing once the pool went back.
        SeedreelRegistry.Receipt memory late = receipt(viewId, seeder2, SIZE);
        claimOne(seeder2, late, signReceipt(VIEWER_KEY, late));
        assertEq(token.balanceOf(seeder2), 0, "closed view pays nothing");

        vm.prank(creator);
        registry.withdraw();
        assertEq(token.balanceOf(creator) + paid, PRICE, "every token of the price went out");
        assertEq(token.balanceOf(address(registry)), 0, "registry holds nothing");
    }

    function test_ReclaimUnknownView() public {
        vm.expectRevert(abi.encodeWithSelector(SeedreelRegistry.UnknownView.selector, 1));
        registry.reclaimExpiredPool(1);
    }
}
