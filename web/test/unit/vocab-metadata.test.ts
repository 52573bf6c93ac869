// The app's vocabulary against the runtime's own types, read from the checked-in metadata (what
// the typed client is generated from): a variant added, removed or moved in the runtime fails
// here, not on a patient's screen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { decAnyMetadata, unifyMetadata } from "@polkadot-api/substrate-bindings";
import { getLookupFn } from "@polkadot-api/metadata-builders";
import { DENY_REASONS } from "../../src/lib/plain.ts";
import { DATA_CLASSES, PROVIDER_KINDS, PURPOSES } from "../../src/lib/vocab.ts";

const metadata = unifyMetadata(decAnyMetadata(readFileSync(".papi/metadata/salus.scale")));
const lookup = getLookupFn(metadata);

/** The variants of the runtime enum whose type path ends in `name`, in their codec order. */
function variants(name: string): string[] {
  const found = metadata.lookup.filter((t) => t.path.at(-1) === name);
  assert.equal(found.length, 1, `one type named ${name} in the metadata (found ${found.length})`);
  const type = lookup(found[0]!.id);
  assert.equal(type.type, "enum", `${name} is an enum`);
  if (type.type !== "enum") return [];
  return Object.entries(type.value)
    .sort(([, a], [, b]) => a.idx - b.idx)
    .map(([key]) => key);
}

test("every reason the chain may deny access for has its sentence, and no other", () => {
  assert.deepEqual(Object.keys(DENY_REASONS).sort(), variants("DenyReason").sort());
});

test("data classes and purposes are the runtime's, in its order (a set's bit is the variant's index)", () => {
  assert.deepEqual(DATA_CLASSES.map((c) => c.key), variants("DataClass"));
  assert.deepEqual(PURPOSES.map((p) => p.key), variants("Purpose"));
});

test("provider kinds are the runtime's", () => {
  assert.deepEqual(PROVIDER_KINDS.map((k) => k.key).sort(), variants("ProviderKind").sort());
});
