import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { decAnyMetadata, unifyMetadata } from "@polkadot-api/substrate-bindings";
import { getLookupFn } from "@polkadot-api/metadata-builders";
import {
  DISPATCH_SENTENCES,
  ERROR_SENTENCES,
  errorName,
  explainDispatchError,
  explainSubmitError,
} from "../../src/lib/errors.ts";

const SALUS_PALLETS = ["HealthIdentity", "Consent", "Access", "Disputes", "Rewards"];

/** Every pallet error in the checked-in metadata (what the typed client is generated from). */
function metadataErrors(): Map<string, string[]> {
  const metadata = unifyMetadata(decAnyMetadata(readFileSync(".papi/metadata/salus.scale")));
  const lookup = getLookupFn(metadata);
  const errors = new Map<string, string[]>();
  for (const pallet of metadata.pallets) {
    if (pallet.errors == null) continue;
    const type = lookup(pallet.errors.type);
    assert.equal(type.type, "enum", `${pallet.name}'s errors are an enum`);
    if (type.type === "enum") errors.set(pallet.name, Object.keys(type.value));
  }
  return errors;
}

test("every error of every Salus pallet has a sentence", () => {
  const errors = metadataErrors();
  const missing: string[] = [];
  for (const pallet of SALUS_PALLETS) {
    const names = errors.get(pallet);
    assert.ok(names && names.length > 0, `the metadata has errors for ${pallet}`);
    for (const name of names!) if (!ERROR_SENTENCES[`${pallet}.${name}`]) missing.push(`${pallet}.${name}`);
  }
  assert.deepEqual(missing, [], "errors without a sentence in src/lib/errors.ts");
});

test("every sentence names an error the runtime has", () => {
  const errors = metadataErrors();
  const stale = Object.keys(ERROR_SENTENCES).filter((key) => {
    const [pallet, name] = key.split(".");
    return !errors.get(pallet!)?.includes(name!);
  });
  assert.deepEqual(stale, [], "sentences for errors the runtime no longer has");
});

test("a module error, as the typed client decodes it, reads as its sentence and name", () => {
  const error = { type: "Module", value: { type: "Consent", value: { type: "NoPurposes" } } };
  assert.equal(errorName(error), "Consent.NoPurposes");
  assert.equal(explainDispatchError(error), "Choose at least one purpose. (Consent.NoPurposes)");
});

test("token, arithmetic and plain dispatch errors read as sentences", () => {
  assert.match(explainDispatchError({ type: "Token", value: { type: "FundsUnavailable" } }), /enough free SLS.*\(Token\.FundsUnavailable\)$/);
  assert.equal(explainDispatchError({ type: "BadOrigin" }), `${DISPATCH_SENTENCES.BadOrigin} (BadOrigin)`);
  assert.equal(
    explainDispatchError({ type: "Module", value: { type: "Nowhere", value: { type: "Odd" } } }),
    "The chain refused the call: Nowhere.Odd.",
  );
});

test("a refusal by the pool and a cancelled signature read as sentences", () => {
  const invalid = Object.assign(new Error("Invalid"), { error: { type: "Invalid", value: { type: "Payment" } } });
  assert.equal(explainSubmitError(invalid), "The account cannot pay the fee: it needs more SLS. (Invalid.Payment)");
  assert.equal(explainSubmitError(new Error("Cancelled by user")), "You did not sign the transaction.");
  assert.match(explainSubmitError(new Error("socket closed")), /could not be sent: socket closed$/);
});
