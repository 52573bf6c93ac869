// Fixtures for the governance end-to-end test, through the typed client (not the browser): a
// registered patient, short dispute periods (sudo, as the node's own dispute test does), a
// provider awaiting accreditation, an arbitrator's vote, and waiting for a block.
import { setTimeout as sleep } from "node:timers/promises";
import { Blake2256, Twox128, compact } from "@polkadot-api/substrate-bindings";
import { devAccount, submit } from "./harness.mjs";

const hex = (bytes) => `0x${Buffer.from(bytes).toString("hex")}`;

/** Registers `name` (a development account) as a patient in Germany: announce, then reveal. */
export async function registerPatient(api, name, identifier) {
  const who = devAccount(name);
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const text = new TextEncoder().encode(identifier);
  const commitment = Blake2256(new Uint8Array([...salt, ...compact.enc(text.length), ...text]));
  const publicKey = (await import("polkadot-api")).AccountId().enc(who.address);
  const binding = Blake2256(new Uint8Array([...commitment, ...publicKey]));
  await submit(api.tx.HealthIdentity.announce_commitment({ binding: hex(binding) }), who);
  await submit(api.tx.HealthIdentity.register_patient({ commitment: hex(commitment), jurisdiction: "0x4445", encryption_key: undefined }), who);
}

/** A little-endian u32. */
const u32 = (n) => new Uint8Array([n & 255, (n >> 8) & 255, (n >> 16) & 255, (n >>> 24) & 255]);

/**
 * Sudo (Alice) sets the dispute court's evidence, voting and appeal periods, in blocks (storage
 * items `:DisputeEvidencePeriod:` etc. of `parameter_types! { pub storage … }`), so a dispute runs
 * in a minute rather than weeks. They apply to disputes opened afterwards.
 */
export async function disputePeriods(api, { evidence, voting, appeal }) {
  const key = (name) => Twox128(new TextEncoder().encode(`:${name}:`));
  const items = [
    [key("DisputeEvidencePeriod"), u32(evidence)],
    [key("DisputeVotingPeriod"), u32(voting)],
    [key("DisputeAppealPeriod"), u32(appeal)],
  ];
  await submit(api.tx.Sudo.sudo({ call: api.tx.System.set_storage({ items }).decodedCall }), devAccount("Alice"));
}

/** A clinic registered by `admin` (it holds the bond) and not accredited: returns its id. */
export async function pendingProvider(api, admin, name) {
  const events = await submit(
    api.tx.HealthIdentity.register_provider({
      name: new TextEncoder().encode(name),
      kind: { type: "Clinic", value: undefined },
      jurisdiction: "0x4652",
      parent: undefined,
    }),
    devAccount(admin),
  );
  const registered = events.find((e) => e.type === "HealthIdentity" && e.value.type === "ProviderRegistered");
  if (!registered) throw new Error("no ProviderRegistered event");
  return registered.value.value.provider;
}

/** An arbitrator's vote. */
export async function vote(api, arbitrator, id, verdict) {
  await submit(api.tx.Disputes.vote({ dispute_id: id, verdict: { type: verdict, value: undefined } }), devAccount(arbitrator));
}

/** Waits until the best block is past `block` (so a call lands after it). */
export async function afterBlock(api, block, timeout = 180_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if ((await api.query.System.Number.getValue({ at: "best" })) > block) return;
    await sleep(1000);
  }
  throw new Error(`block #${block} did not come in time`);
}

/** The open dispute `id`, as stored. */
export const dispute = (api, id) => api.query.Disputes.OpenDisputes.getValue(id, { at: "best" });

/** The blake2-256 of `bytes` as hex (an evidence file's fingerprint). */
export const fingerprint = (bytes) => hex(Blake2256(bytes));
