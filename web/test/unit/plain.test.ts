import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DENY_REASONS,
  describeConsent,
  describeDecision,
  describeState,
  type ConsentRecord,
  type DenyReasonKey,
} from "../../src/lib/plain.ts";
import { classMask, classesIn, DATA_CLASSES, jurisdictionCode, jurisdictionHex, purposeMask } from "../../src/lib/vocab.ts";

const MARCH_1 = BigInt(Date.UTC(2027, 2, 1));
const JAN_1 = BigInt(Date.UTC(2027, 0, 1));
const NOW = Date.UTC(2026, 11, 7);
const wording = {
  now: NOW,
  timeZone: "UTC",
  providerName: (id: number) => (id === 3 ? "St Mary's Hospital" : undefined),
};

function consent(fields: Partial<ConsentRecord>): ConsentRecord {
  return {
    id: 7n,
    grantee: { type: "Provider", value: 3 },
    decision: { type: "Permit" },
    classes: classMask(["LabResults", "Medications"]),
    purposes: purposeMask(["Treatment"]),
    valid_from: BigInt(NOW - 1000),
    created_at: BigInt(NOW - 1000),
    source: { type: "Patient" },
    ...fields,
  };
}

test("a permit to a named provider reads as the issue's example", () => {
  assert.equal(
    describeConsent(consent({ valid_until: MARCH_1 }), wording),
    "St Mary's Hospital may see my medications and lab results, for treatment, until 1 March 2027.",
  );
});

test("a permit without an end lasts until the patient revokes it", () => {
  assert.equal(
    describeConsent(consent({}), wording),
    "St Mary's Hospital may see my medications and lab results, for treatment, until I revoke it.",
  );
});

test("an unknown provider is named by its number, a practitioner by a short address", () => {
  assert.match(describeConsent(consent({ grantee: { type: "Provider", value: 9 } }), wording), /^Provider #9 may see/);
  const dave = "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy";
  assert.match(
    describeConsent(consent({ grantee: { type: "Practitioner", value: dave } }), wording),
    /^Practitioner 5DAAnr…3PTXFy may see/,
  );
});

test("every hospital in a country, with data residency and several purposes", () => {
  const text = describeConsent(
    consent({
      grantee: { type: "Providers", value: { kind: { type: "Hospital" }, jurisdiction: jurisdictionHex("DE") } },
      purposes: purposeMask(["Treatment", "Research"]),
      jurisdictions: [jurisdictionHex("DE"), jurisdictionHex("FR")],
      valid_until: MARCH_1,
    }),
    wording,
  );
  assert.equal(
    text,
    "Every hospital in Germany may see my medications and lab results, for treatment or research, held only in Germany or France, until 1 March 2027.",
  );
  assert.match(
    describeConsent(consent({ grantee: { type: "Providers", value: {} } }), wording),
    /^Every accredited provider may see/,
  );
});

test("a deny reads as a refusal; the ordinary classes together read as all but the sensitive ones", () => {
  const ordinary = DATA_CLASSES.filter((c) => !c.sensitive).map((c) => c.key);
  assert.equal(
    describeConsent(consent({ decision: { type: "Deny" }, classes: classMask(ordinary), purposes: purposeMask(["Research"]) }), wording),
    "St Mary's Hospital may not see all my records except the sensitive ones, for research.",
  );
  assert.match(
    describeConsent(consent({ classes: classMask([...ordinary, "Genomics"]) }), wording),
    /all my records except the sensitive ones, and my genomic data,/,
  );
});

test("a future consent says when it starts; approved requests and emergencies say so", () => {
  assert.match(describeConsent(consent({ valid_from: JAN_1 }), wording), /, from 1 January 2027, until I revoke it\.$/);
  assert.match(describeConsent(consent({ source: { type: "Request", value: 12n } }), wording), /\(You approved request #12\.\)$/);
});

test("the state of a consent: active, scheduled, expired, revoked", () => {
  assert.equal(describeState(consent({}), wording), "Active");
  assert.equal(describeState(consent({ valid_from: JAN_1 }), wording), "Starts on 1 January 2027");
  assert.equal(describeState(consent({ valid_until: BigInt(NOW - 1) }), wording), "Expired on 6 December 2026");
  assert.equal(
    describeState(consent({ revoked_at: BigInt(Date.UTC(2026, 11, 6, 10, 15)) }), wording),
    "Revoked on 6 December 2026 at 10:15",
  );
});

test("decisions: permit names its consent, every denial reason has a sentence with its consent", () => {
  const permit = describeDecision({
    type: "Permit",
    value: { basis: { type: "Consent", value: { id: 7n, source: { type: "Patient" } } } },
  });
  assert.deepEqual(permit, { permit: true, headline: "Permit", detail: "Allowed under consent #7." });
  for (const reason of Object.keys(DENY_REASONS) as DenyReasonKey[]) {
    const denied = describeDecision({ type: "Deny", value: { reason: { type: reason, value: 7n } } });
    assert.equal(denied.permit, false);
    assert.ok(!denied.detail.includes("{id}"), reason);
  }
  assert.equal(
    describeDecision({ type: "Deny", value: { reason: { type: "Revoked", value: 7n } } }).detail,
    "Consent #7 would allow it, but the patient revoked it.",
  );
});

test("sets and jurisdictions encode as the chain's bits and bytes", () => {
  assert.equal(classMask(["Demographics"]), 1);
  assert.equal(classMask(["LabResults", "Genomics"]), (1 << 5) | (1 << 14));
  assert.deepEqual(classesIn(classMask(["Genomics", "Allergies"])).map((c) => c.key), ["Allergies", "Genomics"]);
  assert.equal(purposeMask(["PatientRequest"]), 1 << 6);
  assert.equal(jurisdictionHex("de"), "0x4445");
  assert.equal(jurisdictionCode("0x4652"), "FR");
  assert.throws(() => jurisdictionHex("Germany"), /two-letter/);
});

// The chain (pallets/consent/src/decision.rs, `first_miss` / `allows_jurisdiction`) applies a
// consent's jurisdictions to the provider's country: a permit allows only providers in them, a
// refusal refuses only providers in them (elsewhere it does not apply).
test("a permit limited to countries allows only providers there", () => {
  assert.equal(
    describeConsent(consent({ jurisdictions: [jurisdictionHex("DE")] }), wording),
    "St Mary's Hospital may see my medications and lab results, for treatment, held only in Germany, until I revoke it.",
  );
});

test("a refusal limited to countries refuses only providers there", () => {
  assert.equal(
    describeConsent(consent({ decision: { type: "Deny" }, classes: classMask(["LabResults"]), jurisdictions: [jurisdictionHex("DE")] }), wording),
    "St Mary's Hospital may not see my lab results, for treatment, when the provider is in Germany.",
  );
  const text = describeConsent(
    consent({ decision: { type: "Deny" }, grantee: { type: "Providers", value: {} }, jurisdictions: [jurisdictionHex("DE"), jurisdictionHex("FR")], valid_until: MARCH_1 }),
    wording,
  );
  assert.equal(text, "Every accredited provider may not see my medications and lab results, for treatment, when the provider is in Germany or France, until 1 March 2027.");
  assert.doesNotMatch(text, /held only/);
});

test("revoking says what it ends: a permission, or a refusal", async () => {
  const { revokeEffect } = await import("../../src/lib/plain.ts");
  assert.match(revokeEffect("Permit"), /every access check under this consent is denied/);
  const refusal = revokeEffect("Deny");
  assert.match(refusal, /Revoking takes effect in the block that includes it/);
  assert.match(refusal, /this refusal no longer applies/);
  assert.doesNotMatch(refusal, /is denied/);
});

test("a provider number is a whole number from 0 to 4294967295 (the chain's u32)", async () => {
  const { providerNumber } = await import("../../src/lib/vocab.ts");
  assert.equal(providerNumber("0"), 0);
  assert.equal(providerNumber(" 42 "), 42);
  assert.equal(providerNumber("4294967295"), 0xffffffff);
  for (const bad of ["", "-1", "4294967296", "1.5", "1e3", "12345678901234567890", "abc"])
    assert.equal(providerNumber(bad), undefined, bad);
});
