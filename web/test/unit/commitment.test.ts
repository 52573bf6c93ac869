import { test } from "node:test";
import assert from "node:assert/strict";
import { binding, commitment, fromHex, newSalt, normalizeIdentifier, saltFile, toHex } from "../../src/lib/commitment.ts";

// Vectors computed outside this code, with Python's hashlib.blake2b(digest_size=32) over the
// SCALE bytes the Rust side hashes: `BlakeTwo256::hash_of(&(salt, identifier))` for
// `salus_client::flows::commitment("DE-1234567890", &[42; 32])` (the identifier and salt of
// node/tests/e2e/fhir_flow.rs), and `binding_of(commitment, Alice)` of the identity pallet.
// The end-to-end test checks the binding against the chain itself: `register_patient` is
// refused with `AnnouncementMismatch` unless it matches.
const ALICE = fromHex("0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d");

test("commitment hashes the salt, the identifier's compact length and its UTF-8 bytes", () => {
  const salt = new Uint8Array(32).fill(42);
  assert.equal(
    toHex(commitment("DE-1234567890", salt)),
    "0xddedd89823c7f53f293dfce056e1452c569ea8c2832d12c056a26f0b8a8afbab",
  );
  assert.equal(
    toHex(commitment("E-5", new Uint8Array(32).fill(5))),
    "0xe8542c14f7e526a155f87068e74276c6d204a0fb9ccdda25103203763b4eeb59",
  );
});

test("whitespace around the identifier is removed as Rust's str::trim removes it, nothing else", () => {
  const salt = new Uint8Array(32).fill(42);
  const bare = toHex(commitment("DE-1234567890", salt));
  // The same cases as salus_client::flows::tests (client/src/flows.rs).
  for (const padded of [" DE-1234567890", "DE-1234567890\n", "\t DE-1234567890\r\n", "\u00a0DE-1234567890\u3000", "\u0085DE-1234567890\u2029"])
    assert.equal(toHex(commitment(padded, salt)), bare, JSON.stringify(padded));
  assert.notEqual(toHex(commitment("DE-12345 67890", salt)), bare);
  assert.notEqual(toHex(commitment("\ufeffDE-1234567890", salt)), bare, "U+FEFF is not White_Space");
  assert.equal(normalizeIdentifier("  DE 1  "), "DE 1");
});

test("binding hashes the commitment and the account", () => {
  const c = commitment("DE-1234567890", new Uint8Array(32).fill(42));
  assert.equal(toHex(binding(c, ALICE)), "0xcabd05d1316fd2eb2b20203c06456e0036766a9e377a45998adababc0a206eab");
});

test("a new salt gives a new commitment for the same identifier", () => {
  const a = newSalt();
  const b = newSalt();
  assert.equal(a.length, 32);
  assert.notEqual(toHex(a), toHex(b));
  assert.notEqual(toHex(commitment("DE-1", a)), toHex(commitment("DE-1", b)));
});

test("a salt of the wrong length is refused", () => {
  assert.throws(() => commitment("DE-1", new Uint8Array(16)), /32 bytes/);
});

test("the salt file holds the salt and the account, never the identifier", () => {
  const salt = new Uint8Array(32).fill(7);
  const file = JSON.parse(saltFile(salt, "5Grw", new Date(0)));
  assert.equal(file.salt, toHex(salt));
  assert.equal(file.account, "5Grw");
  assert.deepEqual(Object.keys(file).sort(), ["account", "made", "salt", "what"]);
});
