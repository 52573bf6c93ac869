// Usage: node check.mjs ws://127.0.0.1:<port>
//
// What a polkadot.js user does first: connect, read the token and the metadata, read a balance
// and the finalized head, then sign and submit a Salus call. Prints one JSON line of what it
// saw; the Rust e2e test asserts on it. Any failure exits non-zero.
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';

const url = process.argv[2];
const api = await ApiPromise.create({ provider: new WsProvider(url), noInitWarn: true });
const properties = (await api.rpc.system.properties()).toJSON();
const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
const alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
const account = await api.query.system.account(alice.address);

const events = await new Promise((resolve, reject) => {
  api.tx.healthIdentity
    .registerPatient('0x' + '42'.repeat(32), 'DE', null)
    .signAndSend(alice, ({ status, dispatchError, events }) => {
      if (dispatchError) reject(new Error(dispatchError.toString()));
      else if (status.isInBlock) resolve(events.map(({ event }) => `${event.section}.${event.method}`));
    })
    .catch(reject);
});
const patient = (await api.query.healthIdentity.patients(alice.address)).toJSON();

console.log(JSON.stringify({
  properties,
  specName: api.runtimeVersion.specName.toString(),
  pallets,
  aliceFree: account.data.free.toString(),
  events,
  patientJurisdiction: patient && patient.jurisdiction,
}));
await api.disconnect();
