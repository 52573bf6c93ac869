// Usage: node check.mjs ws://127.0.0.1:<port>
//
// What a polkadot.js user does first: connect, read the token and the metadata, read a balance
// and the finalized head, then sign and submit a Salus call. Then what a patient's app and an
// EHR written with polkadot.js do with consents: sign a (fee-free) consent, and ask the node the
// access decision through the runtime API (`api.call.consentApi`). Prints one JSON line of what
// it saw; the Rust e2e test asserts on it. Any failure exits non-zero.
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
}));
await api.disconnect();
