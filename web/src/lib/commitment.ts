// A patient's salted identity commitment and the binding announced before registering with it,
// exactly as the chain and the Rust client compute them:
//
// - commitment = blake2_256(SCALE((salt: [u8; 32], identifier: &str)))
//   = blake2_256(salt ‖ compact(len(identifier as UTF-8)) ‖ identifier as UTF-8)
//   (client/src/flows.rs `commitment`);
// - binding = blake2_256(SCALE((commitment: H256, account: AccountId32)))
//   = blake2_256(commitment ‖ account's 32 bytes)
//   (pallets/health-identity `Pallet::binding_of`, checked by `register_patient`).
//
// Both are computed here, in the browser. The identifier and the salt never leave it: only the
// binding and then the commitment (salted hashes) go on chain.
import { Blake2256, compact } from "@polkadot-api/substrate-bindings";

export const SALT_BYTES = 32;

/** A new random salt (the browser's cryptographic generator). */
export function newSalt(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(SALT_BYTES));
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** The identifier as the patient typed it, without surrounding spaces. */
// Unicode White_Space, as Rust's `str::trim` has it (JavaScript's `trim` differs: it removes
// U+FEFF and keeps U+0085), so that the web app and `salus_client::flows::commitment` hash the
// same identifier.
const WHITE_SPACE = "[\\u0009-\\u000d\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
const AROUND = new RegExp(`^${WHITE_SPACE}+|${WHITE_SPACE}+$`, "gu");

/** The identifier a commitment is made of: without the whitespace around it, nothing else changed. */
export function normalizeIdentifier(identifier: string): string {
  return identifier.replace(AROUND, "");
}

/** `blake2_256(SCALE((salt, identifier)))`, the identifier normalized (`normalizeIdentifier`). */
export function commitment(identifier: string, salt: Uint8Array): Uint8Array {
  if (salt.length !== SALT_BYTES) throw new Error(`the salt must be ${SALT_BYTES} bytes`);
  const text = new TextEncoder().encode(normalizeIdentifier(identifier));
  return Blake2256(concat(salt, compact.enc(text.length), text));
}

export function binding(commitmentHash: Uint8Array, accountPublicKey: Uint8Array): Uint8Array {
  if (commitmentHash.length !== 32 || accountPublicKey.length !== 32)
    throw new Error("a commitment and an account are 32 bytes each");
  return Blake2256(concat(commitmentHash, accountPublicKey));
}

export function toHex(bytes: Uint8Array): `0x${string}` {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

export function fromHex(hex: string): Uint8Array {
  const digits = hex.replace(/^0x/, "");
  if (digits.length % 2 !== 0 || /[^0-9a-fA-F]/.test(digits)) throw new Error("not a hex string");
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/**
 * What the patient saves (a file it downloads, never sent anywhere): the salt, and when and
 * for which account it was made. The identifier is not in it; the patient knows it.
 */
export function saltFile(salt: Uint8Array, account: string, made: Date): string {
  return JSON.stringify(
    {
      what: "Salus identity salt: keep it private and safe; with your identifier it proves your registration",
      account,
      salt: toHex(salt),
      made: made.toISOString(),
    },
    null,
    2,
  );
}
