// Fixtures of the access test, through the typed client (not the browser): a registered
// patient, and an emergency declared without the app (for the acknowledge path).
import { Blake2256, compact } from "@polkadot-api/substrate-bindings";
import { randomBytes } from "node:crypto";
import { AccountId } from "polkadot-api";
import { submit } from "./harness.mjs";

export const hex = (bytes) => `0x${Buffer.from(bytes).toString("hex")}`;

/**
 * Registers `who` as a patient of country `DE` with a random salt (announce, then reveal in a
 * later block), as the Register screen does: commitment = blake2_256(salt ‖ compact(len) ‖
 * identifier), binding = blake2_256(commitment ‖ account).
 */
export async function registerPatient(api, who, identifier) {
  const publicKey = AccountId().enc(who.address);
  const salt = randomBytes(32);
  const text = new TextEncoder().encode(identifier);
  const commitment = Blake2256(Buffer.concat([salt, compact.enc(text.length), text]));
  const binding = Blake2256(Buffer.concat([commitment, publicKey]));
  await submit(api.tx.HealthIdentity.announce_commitment({ binding: hex(binding) }), who);
  await submit(api.tx.HealthIdentity.register_patient({ commitment: hex(commitment), jurisdiction: "0x4445", encryption_key: undefined }), who);
  return hex(commitment);
}

/** `practitioner` breaks the glass on `patient` (a random justification); resolves with the emergency's id. */
export async function declareEmergency(api, practitioner, patient) {
  const events = await submit(api.tx.Access.declare_emergency({ patient, justification: hex(randomBytes(32)) }), practitioner);
  const declared = events.find((e) => e.type === "Access" && e.value.type === "EmergencyDeclared");
  if (!declared) throw new Error("no EmergencyDeclared event");
  return declared.value.value.id;
}
