// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright 2026 Seedreel contributors
//
// SeedreelRegistry: the on-chain catalog and the money of a Seedreel network.
//
// A creator publishes a title (its infohash, price, the share of each payment
// that rewards seeders, and its size). A viewer buys a view of it; the price
// splits at once into the creator's withdrawable balance and the view's pool.
// The viewer signs EIP-712 receipts for the peers that served it, each naming
// the cumulative bytes delivered; a seeder claims with those receipts and is
// paid pool * newBytes / contentSize for bytes not yet paid, never past the
// pool. What seeders have not claimed when the claim window ends goes back to
// the creator. Every payment out is pulled by its recipient.
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

contract SeedreelRegistry is EIP712, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// A viewer's statement that `seeder` has delivered `byteCount` bytes of
    /// the content, in total, to view `viewId`. Its EIP-712 type is
    /// `Receipt(uint256 viewId,address seeder,uint64 bytes)`: `bytes` is a
    /// Solidity keyword, hence the field's other name here.
    struct Receipt {
        uint256 viewId;
        address seeder;
        uint64 byteCount;
    }

    struct Content {
        address creator;
        uint16 seederShareBps;
        uint64 contentSize;
        bytes32 infohash;
        uint256 price;
    }

    // A struct, so a claim computes the slot once for reading and writing.
    struct PaidBytes {
        uint64 count;
    }

    // Packed so that a claim reads two slots per view: the first has what
    // the signature check and the pro-rata share need, the second the pool.
    struct View {
        address viewer;
        uint64 contentSize;
        bool closed;
        uint128 pool;
        uint128 paidOut;
        uint192 contentId;
        uint64 purchasedAt;
    }

    bytes32 public constant RECEIPT_TYPEHASH = keccak256("Receipt(uint256 viewId,address seeder,uint64 bytes)");
    uint16 public constant MAX_BPS = 10_000;
    /// How long after a purchase seeders may claim from its pool.
    uint256 public constant CLAIM_WINDOW = 30 days;

    IERC20 public immutable token;

    uint256 public contentCount;
    uint256 public viewCount;

    mapping(uint256 contentId => Content) private _contents;
    mapping(uint256 viewId => View) private _views;
    mapping(uint256 viewId => mapping(address seeder => PaidBytes)) private _paidBytes;
    mapping(address creator => uint256) private _balances;

    event ContentPublished(
        uint256 indexed contentId,
        address indexed creator,
        bytes32 indexed infohash,
        uint256 price,
        uint16 seederShareBps,
        uint64 contentSize,
        string metadata
    );
    event ViewPurchased(
        uint256 indexed viewId, address indexed viewer, uint256 indexed contentId, uint256 price, uint256 pool
    );
    event Withdrawn(address indexed creator, uint256 amount);
    event RewardClaimed(uint256 indexed viewId, address indexed seeder, uint64 byteCount, uint256 amount);
    event PoolReclaimed(uint256 indexed viewId, address indexed creator, uint256 amount);

    error InvalidSeederShare(uint16 seederShareBps);
    error EmptyContent();
    error PriceTooHigh(uint256 price);
    error UnknownContent(uint256 contentId);
    error UnknownView(uint256 viewId);
    error NothingToWithdraw();
    error LengthMismatch(uint256 receipts, uint256 signatures);
    error NotSignedByViewer(uint256 viewId, address signer);
    error ClaimWindowOpen(uint256 viewId, uint256 closesAt);
    error PoolAlreadyReclaimed(uint256 viewId);

    constructor(IERC20 token_) EIP712("Seedreel", "1") {
        token = token_;
    }

    // ---- Catalog ----------------------------------------------------------

    function publish(bytes32 infohash, uint256 price, uint16 seederShareBps, uint64 contentSize, string calldata metadata)
        external
        returns (uint256 contentId)
    {
        if (seederShareBps > MAX_BPS) revert InvalidSeederShare(seederShareBps);
        if (contentSize == 0) revert EmptyContent();
        // A view's pool is kept in 128 bits; no real price comes near that.
        if (price > type(uint128).max) revert PriceTooHigh(price);

        contentId = ++contentCount;
        _contents[contentId] = Content({
            creator: msg.sender,
            seederShareBps: seederShareBps,
            contentSize: contentSize,
            infohash: infohash,
            price: price
        });
        emit ContentPublished(contentId, msg.sender, infohash, price, seederShareBps, contentSize, metadata);
    }

    // ---- Buying views -----------------------------------------------------

    function buyView(uint256 contentId) external nonReentrant returns (uint256 viewId) {
        return _buyView(contentId);
    }

    /// Buys with an EIP-2612 permit for exactly the price. If the permit was
    /// already used (someone copied it from the mempool), an allowance that
    /// covers the price still lets the purchase through.
    function buyViewWithPermit(uint256 contentId, uint256 deadline, uint8 v, bytes32 r, bytes32 s)
        external
        nonReentrant
        returns (uint256 viewId)
    {
        Content storage c = _contents[contentId];
        if (c.creator == address(0)) revert UnknownContent(contentId);
        try IERC20Permit(address(token)).permit(msg.sender, address(this), c.price, deadline, v, r, s) {} catch {}
        return _buyView(contentId);
    }

    function _buyView(uint256 contentId) private returns (uint256 viewId) {
        Content storage c = _contents[contentId];
        address creator = c.creator;
        if (creator == address(0)) revert UnknownContent(contentId);
        uint256 price = c.price;
        uint256 pool = price * c.seederShareBps / MAX_BPS;

        viewId = ++viewCount;
        _views[viewId] = View({
            viewer: msg.sender,
            contentSize: c.contentSize,
            closed: false,
            // casting to 'uint128' is safe because pool <= price <= type(uint128).max (publish)
            // forge-lint: disable-next-line(unsafe-typecast)
            pool: uint128(pool),
            paidOut: 0,
            // casting to 'uint192' is safe because contentId <= contentCount, counted up by one
            // forge-lint: disable-next-line(unsafe-typecast)
            contentId: uint192(contentId),
            purchasedAt: uint64(block.timestamp)
        });
        _balances[creator] += price - pool;
        emit ViewPurchased(viewId, msg.sender, contentId, price, pool);

        token.safeTransferFrom(msg.sender, address(this), price);
    }

    // ---- Creators ---------------------------------------------------------

    function withdraw() external nonReentrant {
        uint256 amount = _balances[msg.sender];
        if (amount == 0) revert NothingToWithdraw();
        _balances[msg.sender] = 0;
        emit Withdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /// Once the claim window of a view has passed, what its seeders did not
    /// claim (including rounding dust) goes to the creator's balance. Anyone
    /// may call it; the money can only go to the creator.
    function reclaimExpiredPool(uint256 viewId) external nonReentrant {
        View storage v = _views[viewId];
        if (v.viewer == address(0)) revert UnknownView(viewId);
        if (v.closed) revert PoolAlreadyReclaimed(viewId);
        uint256 closesAt = uint256(v.purchasedAt) + CLAIM_WINDOW;
        // A block producer can move the timestamp by seconds; the window is days.
        // forge-lint: disable-next-line(block-timestamp)
        if (block.timestamp < closesAt) revert ClaimWindowOpen(viewId, closesAt);

        v.closed = true;
        uint256 amount = uint256(v.pool) - v.paidOut;
        address creator = _contents[v.contentId].creator;
        _balances[creator] += amount;
        emit PoolReclaimed(viewId, creator, amount);
    }

    // ---- Seeding rewards --------------------------------------------------

    /// Pays the seeders named in `receipts`. Every signature must be the
    /// viewer's, else the whole batch reverts. Receipts that bring nothing new
    /// (no more bytes than already paid for, or a view whose pool went back to
    /// its creator) are skipped, so one stale receipt does not sink a batch.
    /// Consecutive receipts for the same seeder are paid in one transfer.
    function claim(Receipt[] calldata receipts, bytes[] calldata signatures) external nonReentrant {
        if (receipts.length != signatures.length) revert LengthMismatch(receipts.length, signatures.length);

        address payee;
        uint256 owed;
        for (uint256 i = 0; i < receipts.length; ++i) {
            uint256 viewId = receipts[i].viewId;
            address seeder = receipts[i].seeder;
            uint64 byteCount = receipts[i].byteCount;
            View storage v = _views[viewId];
            _checkSignedByViewer(v.viewer, viewId, seeder, byteCount, signatures[i]);

            if (v.closed) continue;
            uint64 size = v.contentSize;
            uint64 delivered = byteCount < size ? byteCount : size;
            PaidBytes storage paid = _paidBytes[viewId][seeder];
            uint64 alreadyPaid = paid.count;
            if (delivered <= alreadyPaid) continue;

            uint256 pool = v.pool;
            uint256 paidOut = v.paidOut;
            uint256 amount = pool * (delivered - alreadyPaid) / size;
            if (amount > pool - paidOut) amount = pool - paidOut;

            paid.count = delivered;
            // casting to 'uint128' is safe because paidOut + amount <= pool, a uint128
            // forge-lint: disable-next-line(unsafe-typecast)
            v.paidOut = uint128(paidOut + amount);
            emit RewardClaimed(viewId, seeder, delivered, amount);

            if (seeder != payee) {
                if (owed != 0) token.safeTransfer(payee, owed);
                payee = seeder;
                owed = 0;
            }
            owed += amount;
        }
        if (owed != 0) token.safeTransfer(payee, owed);
    }

    function _checkSignedByViewer(
        address viewer,
        uint256 viewId,
        address seeder,
        uint64 byteCount,
        bytes calldata signature
    ) private view {
        if (viewer == address(0)) revert UnknownView(viewId);
        address signer = ECDSA.recoverCalldata(_receiptDigest(viewId, seeder, byteCount), signature);
        if (signer != viewer) revert NotSignedByViewer(viewId, signer);
    }

    /// The EIP-712 digest a viewer signs for `receipt` on this registry.
    function receiptDigest(Receipt calldata receipt) external view returns (bytes32) {
        return _receiptDigest(receipt.viewId, receipt.seeder, receipt.byteCount);
    }

    function _receiptDigest(uint256 viewId, address seeder, uint64 byteCount) private view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(RECEIPT_TYPEHASH, viewId, seeder, byteCount)));
    }

    // ---- State for the app ------------------------------------------------

    function contentInfo(uint256 contentId)
        external
        view
        returns (address creator, bytes32 infohash, uint256 price, uint16 seederShareBps, uint64 contentSize)
    {
        Content storage c = _contents[contentId];
        if (c.creator == address(0)) revert UnknownContent(contentId);
        return (c.creator, c.infohash, c.price, c.seederShareBps, c.contentSize);
    }

    function viewInfo(uint256 viewId)
        external
        view
        returns (address viewer, uint256 contentId, uint256 pool, uint256 paidOut, uint64 purchasedAt, bool reclaimed)
    {
        View storage v = _views[viewId];
        if (v.viewer == address(0)) revert UnknownView(viewId);
        return (v.viewer, v.contentId, v.pool, v.paidOut, v.purchasedAt, v.closed);
    }

    /// Bytes of view `viewId` that `seeder` has already been paid for.
    function paidBytes(uint256 viewId, address seeder) external view returns (uint64) {
        return _paidBytes[viewId][seeder].count;
    }

    /// What `creator` can withdraw now.
    function creatorBalance(address creator) external view returns (uint256) {
        return _balances[creator];
    }
}
