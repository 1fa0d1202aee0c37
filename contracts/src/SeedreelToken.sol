// SPDX-License-Identifier: GPL-3.0-or-later
// Copyright 2026 Seedreel contributors
//
// SeedreelToken: the ERC-20 that pays for views and seeding rewards on a
// Seedreel network. EIP-2612 permit lets a viewer approve and buy in one
// transaction. Minting is the owner's alone: on the devnet that is the
// deployer, who funds the demo accounts.
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

contract SeedreelToken is ERC20, ERC20Permit, Ownable {
    constructor(address initialOwner) ERC20("Seedreel", "SEED") ERC20Permit("Seedreel") Ownable(initialOwner) {}

    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }
}
