// ethers-cross-check.mjs — what ethers (the pinned npm package) makes of the
// inputs test-cross-check.c sends on stdin: raw signed type-2 transactions,
// EIP-712 signatures, keystores decrypted and written. Prints JSON.
import { Wallet, Transaction, decryptKeystoreJsonSync, encryptKeystoreJsonSync } from 'ethers';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const out = { txs: [], typed: [], decrypted: [], encrypted: null };

for (const t of input.txs) {
  const wallet = new Wallet(t.key);
  out.txs.push(await wallet.signTransaction(Transaction.from({
    type: 2, chainId: BigInt(t.chainId), nonce: Number(t.nonce),
    maxPriorityFeePerGas: BigInt(t.tip), maxFeePerGas: BigInt(t.maxFee),
    gasLimit: BigInt(t.gas), to: t.to, value: BigInt(t.value), data: t.data,
  })));
}
for (const t of input.typed) {
  const wallet = new Wallet(t.key);
  const doc = JSON.parse(t.json);
  const types = { ...doc.types };
  delete types.EIP712Domain;
  out.typed.push(await wallet.signTypedData(doc.domain, types, doc.message));
}
for (const k of input.decrypt) out.decrypted.push(decryptKeystoreJsonSync(k.json, k.password).privateKey);
if (input.encrypt) {
  const wallet = new Wallet(input.encrypt.key);
  out.encrypted = encryptKeystoreJsonSync({ address: wallet.address, privateKey: wallet.privateKey },
                                          input.encrypt.password, { scrypt: { N: 1024 } });
}
process.stdout.write(JSON.stringify(out));
