// Fixtures of the records test (who saw my data, rewards), through the typed client: an
// accredited hospital (admin Charlie) with Dave as physician, Eve registered as a patient and
// vouched for by the hospital, Eve's consent to Dave, and Dave's accesses logged under the three
// kinds of basis — Eve's consent, an emergency (break-glass) grant, and a request Eve approved,
// which earns her reward points — and one access by a practitioner of a second, accredited
// provider with a hostile name. Reward epochs are shortened (sudo sets `RewardEpochLength`,
// a `pub storage` parameter of the runtime, as node/tests/e2e/rewards.rs does) so that the
// approval's epoch ends within seconds. Transactions of different signers go in the same block.
import { Blake2256, Twox128, compact } from "@polkadot-api/substrate-bindings";
import { AccountId } from "polkadot-api";
import { devAccount, submit } from "./harness.mjs";

const [alice, bob, charlie, dave, eve, ferdie] = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"].map(devAccount);
export { alice, bob, charlie, dave, eve, ferdie };

/**
 * The name a hostile provider registers (admin Bob, practitioner Ferdie): a spreadsheet formula
 * (with a comma and quotes, so the CSV must quote it) and a right-to-left override that would
 * show the end of the name reversed.
 */
export const HOSTILE_NAME = '=HYPERLINK("http://evil.example","Trusted Clinic")\u202etxet';

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) (out.set(part, at), (at += part.length));
  return out;
};
const hex = (bytes) => `0x${Buffer.from(bytes).toString("hex")}`;
const u32le = (n) => new Uint8Array(new Uint32Array([n]).buffer);
const event = (events, pallet, name) => {
  const found = events.find((e) => e.type === pallet && e.value.type === name);
  if (!found) throw new Error(`no ${pallet}.${name} event`);
  return found.value.value;
};
const enumOf = (type) => ({ type, value: undefined });

/** The storage key of a runtime `pub storage` parameter: twox128(":Name:"). */
export const parameterKey = (name) => Twox128(new TextEncoder().encode(`:${name}:`));

/**
 * Sets everything up and resolves with what the test checks against: the provider's id, the
 * consent, emergency and request ids, and the epoch in which Eve earned her points.
 */
export async function recordsFixture(api, { hospital = "St Mary's Hospital", epochBlocks = 3, earlier = 36 } = {}) {
  // Eve's commitment and binding, as the app computes them (src/lib/commitment.ts).
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const identifier = new TextEncoder().encode("DE-5550001111");
  const commitment = Blake2256(concat(salt, compact.enc(identifier.length), identifier));
  const binding = Blake2256(concat(commitment, AccountId().enc(eve.address)));

  // Block 1: the hospital and the hostile clinic register, Eve announces, reward epochs shorten.
  const [registered, registeredHostile] = await Promise.all([
    submit(
      api.tx.HealthIdentity.register_provider({ name: new TextEncoder().encode(hospital), kind: enumOf("Hospital"), jurisdiction: "0x4445", parent: undefined }),
      charlie,
    ),
    submit(
      api.tx.HealthIdentity.register_provider({ name: new TextEncoder().encode(HOSTILE_NAME), kind: enumOf("Clinic"), jurisdiction: "0x4445", parent: undefined }),
      bob,
    ),
    submit(api.tx.HealthIdentity.announce_commitment({ binding: hex(binding) }), eve),
    submit(api.tx.Sudo.sudo({ call: api.tx.System.set_storage({ items: [[parameterKey("RewardEpochLength"), u32le(epochBlocks)]] }).decodedCall }), alice),
  ]);
  const provider = event(registered, "HealthIdentity", "ProviderRegistered").provider;
  const hostile = event(registeredHostile, "HealthIdentity", "ProviderRegistered").provider;

  // Block 2: both accredited, Dave and Ferdie proposed, Eve registers.
  const accredit = (id) => api.tx.HealthIdentity.set_provider_status({ provider: id, status: enumOf("Accredited") }).decodedCall;
  await Promise.all([
    submit(api.tx.Sudo.sudo({ call: api.tx.Utility.batch_all({ calls: [accredit(provider), accredit(hostile)] }).decodedCall }), alice),
    submit(api.tx.HealthIdentity.add_practitioner({ account: dave.address, role: enumOf("Physician") }), charlie),
    submit(api.tx.HealthIdentity.add_practitioner({ account: ferdie.address, role: enumOf("Physician") }), bob),
    submit(api.tx.HealthIdentity.register_patient({ commitment: hex(commitment), jurisdiction: "0x4445", encryption_key: undefined }), eve),
  ]);
  // Block 3: Dave and Ferdie join.
  await Promise.all([
    submit(api.tx.HealthIdentity.accept_practitioner({ provider }), dave),
    submit(api.tx.HealthIdentity.accept_practitioner({ provider: hostile }), ferdie),
  ]);

  // Block 4: Eve lets Dave see her lab results and medications, and Ferdie her allergies, for
  // treatment; the hospital vouches for Eve (from now on her sharing earns).
  const grant = (practitioner, classes) =>
    api.tx.Consent.grant_consent({
      grantee: { type: "Practitioner", value: practitioner.address },
      decision: enumOf("Permit"),
      classes,
      purposes: 1 << 0, // Treatment
      jurisdictions: undefined,
      valid_from: undefined,
      valid_until: undefined,
    }).decodedCall;
  const [granted] = await Promise.all([
    submit(api.tx.Utility.batch_all({ calls: [grant(dave, (1 << 2) | (1 << 5)), grant(ferdie, 1 << 1)] }), eve), // Medications, LabResults; Allergies
    submit(api.tx.HealthIdentity.vouch_patient({ patient: eve.address }), dave),
  ]);
  const [consent, hostileConsent] = granted.filter((e) => e.type === "Consent" && e.value.type === "ConsentGranted").map((e) => e.value.value.id);

  // Block 5: Dave logs `earlier` lab-result accesses (so that the log spans more than one page
  // of the screen and of the chain's storage) and two more under the consent, breaks the glass
  // and logs an access under the emergency grant, and asks Eve for her imaging.
  const batch = await submit(
    api.tx.Utility.batch_all({
      calls: [
        api.tx.Access.log_disclosures({
          entries: [
            ...Array.from({ length: earlier }, () => ({ patient: eve.address, data_class: enumOf("LabResults"), purpose: enumOf("Treatment"), record: undefined })),
            { patient: eve.address, data_class: enumOf("LabResults"), purpose: enumOf("Treatment"), record: `0x${"11".repeat(32)}` },
            { patient: eve.address, data_class: enumOf("Medications"), purpose: enumOf("Treatment"), record: undefined },
          ],
        }).decodedCall,
        api.tx.Access.declare_emergency({ patient: eve.address, justification: `0x${"22".repeat(32)}` }).decodedCall,
        api.tx.Access.log_disclosure({ patient: eve.address, data_class: enumOf("VitalSigns"), purpose: enumOf("EmergencyTreatment"), record: undefined }).decodedCall,
        api.tx.Access.request_access({
          patient: eve.address,
          classes: 1 << 6, // Imaging
          purpose: enumOf("Treatment"),
          duration: 86_400_000n,
          justification: `0x${"33".repeat(32)}`,
          bounty: 0n,
        }).decodedCall,
      ],
    }),
    dave,
  );
  const emergency = event(batch, "Access", "EmergencyDeclared").id;
  const request = event(batch, "Access", "AccessRequested").id;

  // Block 6: Eve approves (free of fees), and earns points; Ferdie looks at her allergies.
  const [approved] = await Promise.all([
    submit(api.tx.Access.approve_request({ request_id: request, classes: undefined }), eve),
    submit(api.tx.Access.log_disclosure({ patient: eve.address, data_class: enumOf("Allergies"), purpose: enumOf("Treatment"), record: undefined }), ferdie),
  ]);
  const earned = approved.find((e) => e.type === "Rewards" && e.value.type === "PointsEarned");
  if (!earned) throw new Error("Eve earned no points for the approval");

  // Block 7: Dave logs an access to her imaging under the approved request.
  await submit(
    api.tx.Access.log_disclosure({ patient: eve.address, data_class: enumOf("Imaging"), purpose: enumOf("Treatment"), record: `0x${"44".repeat(32)}` }),
    dave,
  );
  return { provider, hostile, consent, hostileConsent, emergency, request, earnedIn: earned.value.value.epoch, points: earned.value.value.points };
}
