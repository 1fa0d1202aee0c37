#!/usr/bin/env node
// test-deployed.js: the contracts tools/devnet deploys work on a real chain
// with a standard Ethereum library (ethers) on the other side: a creator
// publishes, a viewer buys with an EIP-2612 permit, signs an EIP-712 receipt
// the way a wallet does, a seeder claims its share, a malleated copy of that
// signature is refused, and the creator withdraws exactly the rest.
//
// Copyright 2026 Seedreel contributors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Speaks TAP. The devnet lives under temporary XDG folders on a free port.
'use strict';

const assert = require('assert');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const ROOT = process.env.SEEDREEL_SOURCE_ROOT || path.resolve(__dirname, '..', '..');
const ethers = require(path.join(ROOT, 'node_modules', 'ethers'));
const MNEMONIC = 'test test test test test test test test test test test junk';
const SECP256K1_N = BigInt('0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function readProfile(file) {
  const profile = {};
  let section = null;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const header = line.match(/^\[(.+)\]$/);
    if (header) section = header[1];
    const kv = line.match(/^([^=]+)=(.*)$/);
    if (kv && section === 'Network') profile[kv[1]] = kv[2];
  }
  return profile;
}

function account(provider, index) {
  const mnemonic = ethers.Mnemonic.fromPhrase(MNEMONIC);
  return ethers.HDNodeWallet.fromMnemonic(mnemonic, `m/44'/60'/0'/0/${index}`).connect(provider);
}

async function mined(txPromise) {
  const receipt = await (await txPromise).wait();
  assert.strictEqual(receipt.status, 1, 'transaction reverted');
  return receipt;
}

async function payFlow(profile) {
  const abi = (name) => JSON.parse(fs.readFileSync(path.join(ROOT, 'contracts', 'out', `${name}.json`), 'utf8')).abi;
  const provider = new ethers.JsonRpcProvider(profile['rpc-url'], Number(profile['chain-id']),
    { staticNetwork: true, pollingInterval: 20, cacheTimeout: -1 });
  const [creator, viewer, seeder] = [1, 2, 3].map((i) => account(provider, i));
  const token = new ethers.Contract(profile['token-address'], abi('SeedreelToken'), provider);
  const registry = new ethers.Contract(profile['registry-address'], abi('SeedreelRegistry'), provider);
  const price = ethers.parseEther('100');
  const size = 1000000n;

  const published = await mined(registry.connect(creator).publish(ethers.id('a title'), price, 3000, size, '{"title":"T"}'));
  const event = published.logs.map((log) => registry.interface.parseLog(log)).find((e) => e && e.name === 'ContentPublished');
  assert.ok(event, 'no ContentPublished event');
  const contentId = event.args.contentId;
  assert.strictEqual(event.args.creator, creator.address);

  // Buy in one transaction with a permit signed like a wallet would.
  const deadline = BigInt(Math.floor(Date.now() / 1000) + 3600);
  const permitDomain = { name: 'Seedreel', version: '1', chainId: Number(profile['chain-id']), verifyingContract: profile['token-address'] };
  const permitTypes = { Permit: [
    { name: 'owner', type: 'address' }, { name: 'spender', type: 'address' }, { name: 'value', type: 'uint256' },
    { name: 'nonce', type: 'uint256' }, { name: 'deadline', type: 'uint256' }] };
  const permit = ethers.Signature.from(await viewer.signTypedData(permitDomain, permitTypes, {
    owner: viewer.address, spender: profile['registry-address'], value: price,
    nonce: await token.nonces(viewer.address), deadline }));
  const viewerBefore = await token.balanceOf(viewer.address);
  const bought = await mined(registry.connect(viewer).buyViewWithPermit(contentId, deadline, permit.v, permit.r, permit.s));
  const purchase = bought.logs.map((log) => registry.interface.parseLog(log)).find((e) => e && e.name === 'ViewPurchased');
  const viewId = purchase.args.viewId;
  assert.strictEqual(purchase.args.pool, ethers.parseEther('30'));
  assert.strictEqual(viewerBefore - await token.balanceOf(viewer.address), price, 'viewer paid the price');

  // The receipt under the domain the registry itself reports (ERC-5267).
  const d = await registry.eip712Domain();
  const domain = { name: d.name, version: d.version, chainId: Number(d.chainId), verifyingContract: d.verifyingContract };
  assert.deepStrictEqual(domain, { name: 'Seedreel', version: '1', chainId: Number(profile['chain-id']), verifyingContract: profile['registry-address'] });
  const receiptTypes = { Receipt: [{ name: 'viewId', type: 'uint256' }, { name: 'seeder', type: 'address' }, { name: 'bytes', type: 'uint64' }] };
  const receipt = { viewId, seeder: seeder.address, bytes: 250000n };
  const signature = await viewer.signTypedData(domain, receiptTypes, receipt);
  const asTuple = [receipt.viewId, receipt.seeder, receipt.bytes];
  assert.strictEqual(await registry.receiptDigest(asTuple), ethers.TypedDataEncoder.hash(domain, receiptTypes, receipt));

  // The same signature malleated to high s recovers the same key, and is refused.
  const sig = ethers.Signature.from(signature);
  const highS = ethers.toBeHex(SECP256K1_N - BigInt(sig.s), 32);
  const malleated = ethers.concat([sig.r, highS, sig.v === 27 ? '0x1c' : '0x1b']);
  await assert.rejects(registry.connect(seeder).claim.staticCall([asTuple], [malleated]), /ECDSAInvalidSignatureS|execution reverted/);

  const seederBefore = await token.balanceOf(seeder.address);
  await mined(registry.connect(seeder).claim([asTuple], [signature]));
  assert.strictEqual(await token.balanceOf(seeder.address) - seederBefore, ethers.parseEther('7.5'), 'a quarter of the pool');
  assert.strictEqual(await registry.paidBytes(viewId, seeder.address), 250000n);
  // Claiming the same receipt again pays nothing.
  await mined(registry.connect(seeder).claim([asTuple], [signature]));
  assert.strictEqual(await token.balanceOf(seeder.address) - seederBefore, ethers.parseEther('7.5'), 'paid twice');

  const creatorBefore = await token.balanceOf(creator.address);
  await mined(registry.connect(creator).withdraw());
  assert.strictEqual(await token.balanceOf(creator.address) - creatorBefore, ethers.parseEther('70'), 'creator share');
  provider.destroy();
}

async function main() {
  console.log('1..1');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'seedreel-test-deployed-'));
  const env = { ...process.env, XDG_CACHE_HOME: path.join(tmp, 'cache'), XDG_CONFIG_HOME: path.join(tmp, 'config'),
    NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
  const devnet = path.join(ROOT, 'tools', 'devnet');
  let ok = false;
  try {
    const port = await freePort();
    execFileSync(devnet, ['--background', '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 240000 });
    await payFlow(readProfile(path.join(tmp, 'config', 'seedreel', 'networks', 'devnet.ini')));
    ok = true;
  } catch (e) {
    for (const line of String(e.stack || e).split('\n')) console.log(`# ${line}`);
    if (e.stderr) for (const line of String(e.stderr).split('\n')) console.log(`# ${line}`);
  } finally {
    try {
      execFileSync(devnet, ['--stop'], { env, stdio: 'ignore', timeout: 60000 });
    } catch (e) {
      console.log(`# stopping the devnet failed: ${e}`);
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${ok ? 'ok' : 'not ok'} 1 - publish, permit purchase, signed receipt claim and withdrawal on a deployed devnet`);
  process.exit(ok ? 0 : 1);
}

main();
