// Usage: node check.mjs ws://127.0.0.1:<port>
//
// What a polkadot.js user does first: connect, read the token and the metadata, read a balance
// and the finalized head, then sign and submit a Salus call. Then what a patient's app and an
// EHR written with polkadot.js do with consents: sign a (fee-free) consent, and ask the node the
// access decision through the runtime API (`api.call.consentApi`). Prints one JSON line of what
// it saw; the Rust e2e test asserts on it. Any failure exits non-zero. Last, how a wallet
// estimates a fee: the `payment_queryInfo` RPC, the runtime API `api.call.transactionPaymentApi
// .queryInfo` given the extrinsic's SCALE bytes (`toU8a()`) or the extrinsic object, and
// `tx.paymentInfo()`.
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { u8aConcat, hexToU8a } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';

const url = process.argv[2];
const provider = new WsProvider(url);
const api = await ApiPromise.create({ provider, noInitWarn: true });
const properties = (await api.rpc.system.properties()).toJSON();
const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
const account = await api.query.system.account(alice.address);

// Registration is commit-reveal: Alice first announces her commitment bound to her account
// (blake2-256 of the commitment and the account's SCALE bytes), then reveals it in a later block.
const inBlock = (tx, options = {}) => new Promise((resolve, reject) => {
  tx.signAndSend(alice, options, ({ status, dispatchError, events }) => {
    if (dispatchError) reject(new Error(dispatchError.toString()));
    else if (status.isInBlock) resolve(events.map(({ event }) => `${event.section}.${event.method}`));
  }).catch(reject);
});
const commitment = '0x' + '42'.repeat(32);
const binding = blake2AsHex(u8aConcat(hexToU8a(commitment), alice.publicKey), 256);
await inBlock(api.tx.healthIdentity.announceCommitment(binding));
const events = await inBlock(api.tx.healthIdentity.registerPatient(commitment, 'DE', null), { nonce: -1 });
const patient = (await api.query.healthIdentity.patients(alice.address)).toJSON();

// Alice permits every hospital to see her medications and lab results for treatment.
const MEDICATIONS = 1 << 2, LAB_RESULTS = 1 << 5, TREATMENT = 1 << 0;
const consentEvents = await new Promise((resolve, reject) => {
  api.tx.consent
    .grantConsent({ Providers: { kind: 'Hospital', jurisdiction: null } }, 'Permit',
      MEDICATIONS | LAB_RESULTS, TREATMENT, null, null, null)
    .signAndSend(alice, { nonce: -1 }, ({ status, dispatchError, events }) => {
      if (dispatchError) reject(new Error(dispatchError.toString()));
      else if (status.isInBlock) resolve(events.map(({ event }) => `${event.section}.${event.method}`));
    })
    .catch(reject);
});
const bob = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Bob');
const ownData = await api.call.consentApi.checkAccess(alice.address, alice.address, 'LabResults', 'Treatment', null);
const notPractitioner = await api.call.consentApi.checkAccess(alice.address, bob.address, 'LabResults', 'Treatment', null);
const consents = await api.call.consentApi.consentsOf(alice.address);
// The access pallet's runtime API: Alice has no open requests and no disclosures yet.
const pendingRequests = await api.call.accessApi.pendingRequestsOf(alice.address);
const disclosureCount = await api.call.accessApi.disclosureCount(alice.address);

// Fee estimation. Since @polkadot/api 14 the runtime call's parameter types come from the
// metadata, which describes `UncheckedExtrinsic` as an opaque `Vec<u8>`: polkadot.js builds it
// as `Bytes`, which takes a Uint8Array as SCALE (length-prefixed) bytes but turns any other
// object into the UTF-8 text of its `toString()` (an extrinsic's JSON). So the runtime API
// needs `ext.toU8a()` (as `tx.paymentInfo()` passes it); given the object itself, the runtime
// cannot decode its input and traps. See runtime/src/tests/apis.rs.
const transfer = await api.tx.balances
  .transferKeepAlive(bob.address, 1_000_000_000_000n)
  .signAsync(alice, { nonce: -1 });
// The raw RPC: polkadot.js 16.5's own `api.rpc.payment.queryInfo` decodes the answer with an
// outdated type (a u64 weight) and fails, so ask the node directly.
const fromRpc = await provider.send('payment_queryInfo', [transfer.toHex()]);
const fromU8a = await api.call.transactionPaymentApi.queryInfo(transfer.toU8a(), transfer.encodedLength);
const fromPaymentInfo = await api.tx.balances
  .transferKeepAlive(bob.address, 1_000_000_000_000n)
  .paymentInfo(alice);
let fromObject;
try {
  fromObject = (await api.call.transactionPaymentApi.queryInfo(transfer, transfer.encodedLength))
    .partialFee.toString();
} catch (e) {
  fromObject = `error: ${e.message}`;
}
const fees = {
  rpc: BigInt(fromRpc.partialFee).toString(),
  runtimeApiU8a: fromU8a.partialFee.toString(),
  paymentInfo: fromPaymentInfo.partialFee.toString(),
  runtimeApiObject: fromObject,
};

console.log(JSON.stringify({
  properties,
  specName: api.runtimeVersion.specName.toString(),
  pallets,
  aliceFree: account.data.free.toString(),
  events,
  patientJurisdiction: patient && patient.jurisdiction,
  consentEvents,
  ownData: ownData.toJSON(),
  notPractitioner: notPractitioner.toJSON(),
  consents: consents.toJSON(),
  pendingRequests: pendingRequests.toJSON(),
  disclosureCount: disclosureCount.toJSON(),
  fees,
}));
await api.disconnect();
