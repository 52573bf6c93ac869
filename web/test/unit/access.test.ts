import { test } from "node:test";
import assert from "node:assert/strict";
import {
  acknowledgeNote,
  approvedOutcome,
  approveNote,
  breakGlassNote,
  contestNote,
  denyNote,
  describeDirective,
  describeDuration,
  describeEmergency,
  describeRequest,
  describeReview,
  emergencyCommitment,
  fingerprint,
  NON_SENSITIVE_CLASSES,
  parseAmount,
  parseDays,
  requestCostNote,
  requestFacts,
  reviewState,
  type AccessWording,
  type EmergencyRecord,
  type RequestRecord,
} from "../../src/lib/access.ts";
import { cleanName } from "../../src/lib/text.ts";
import { toHex } from "../../src/lib/commitment.ts";
import { classMask } from "../../src/lib/vocab.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 7, 12, 0);
const SLS = 10n ** 12n;
const EVE = "5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw";
const DAVE = "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy";
const wording: AccessWording = {
  now: NOW,
  timeZone: "UTC",
  providerName: (id) => (id === 0 ? "St Mary's Hospital" : undefined),
  accountName: (a) => (a === DAVE ? "Dave" : undefined),
  amount: (planck) => `${Number(planck) / 1e12} SLS`,
};

function request(fields: Partial<RequestRecord> = {}): RequestRecord {
  return {
    patient: EVE,
    practitioner: DAVE,
    provider: 0,
    classes: classMask(["LabResults", "Medications", "Imaging"]),
    purpose: { type: "Treatment" },
    duration: BigInt(30 * DAY),
    justification: `0x${"00".repeat(32)}`,
    created_at: BigInt(NOW - DAY),
    expires_at: BigInt(NOW + 6 * DAY),
    deposit: SLS / 10n,
    bounty: 0n,
    ...fields,
  };
}

function emergency(fields: Partial<EmergencyRecord> = {}): EmergencyRecord {
  return {
    patient: EVE,
    practitioner: DAVE,
    provider: 0,
    justification: `0x${"11".repeat(32)}`,
    classes: NON_SENSITIVE_CLASSES,
    consent: 4n,
    declared_at: BigInt(NOW - 3_600_000),
    access_until: BigInt(NOW - 3_600_000 + DAY),
    review_due: BigInt(NOW - 3_600_000 + 14 * DAY),
    deposit: SLS / 10n,
    ...fields,
  };
}

test("a request reads as a sentence: who, what, why, for how long", () => {
  assert.equal(
    describeRequest(request(), wording),
    "St Mary's Hospital (provider #0), through Dave, asks to see your medications, lab results and imaging, for treatment, for 30 days from your approval.",
  );
  const facts = requestFacts(request(), wording);
  assert.equal(facts[0], "Asked on 6 December 2026 at 12:00.");
  assert.equal(facts[1], "Unless you answer, it expires on 13 December 2026 at 12:00.");
  assert.equal(facts.length, 2, "no bounty, no bounty line");
});

test("a research bounty says when it is paid and when it goes back", () => {
  const facts = requestFacts(request({ purpose: { type: "Research" }, bounty: 2n * SLS }), wording);
  assert.match(facts[2]!, /research bounty of 2 SLS: paid to you if you approve \(even only some of it\); returned to the provider if you refuse/);
  assert.match(approveNote(request({ bounty: 2n * SLS }), classMask(["LabResults"]), wording), /The bounty of 2 SLS is paid to you\.$/);
  assert.match(denyNote(request({ bounty: 2n * SLS }), wording), /the deposit and its bounty go back to .*, who asked/);
});

test("an expired request can only be refused", () => {
  const facts = requestFacts(request({ expires_at: BigInt(NOW - 1) }), wording);
  assert.match(facts[1]!, /^It expired on .*: it can no longer be approved, only refused\.$/);
});

test("approving some says exactly the subset granted, and the outcome names the consent", () => {
  assert.equal(
    approveNote(request(), classMask(["LabResults"]), wording),
    "St Mary's Hospital will be allowed to see your lab results, for treatment, for 30 days (until about 6 January 2027). The permission appears under My consents, where you can revoke it at any time.",
  );
  assert.equal(
    approvedOutcome(0, classMask(["LabResults", "Imaging"]), "Treatment", BigInt(NOW + 30 * DAY), 9n, wording),
    "St Mary's Hospital may now see your lab results and imaging, for treatment, until 6 January 2027 at 12:00 (consent #9).",
  );
});

test("an unknown provider is named by number, never left blank", () => {
  assert.match(describeRequest(request({ provider: 7 }), wording), /^Provider #7, through Dave, asks/);
});

test("provider names from the chain lose control and bidi characters", () => {
  assert.equal(cleanName(new TextEncoder().encode("St Mary\u202e's\u0000 Hospital\n")), "St Mary's Hospital");
  assert.equal(cleanName("\u2066Evil\u2069 Clinic\u200f"), "Evil Clinic");
  assert.equal(cleanName(new Uint8Array([0x41, 0xff, 0x42])), "A\ufffdB");
  assert.equal(Array.from(cleanName("x".repeat(500))).length, 80);
});

test("durations read in words", () => {
  assert.equal(describeDuration(DAY), "1 day");
  assert.equal(describeDuration(14 * DAY), "14 days");
  assert.equal(describeDuration(365 * DAY), "1 year");
  assert.equal(describeDuration(3 * 3_600_000), "3 hours");
  assert.equal(describeDuration(18_000 * 6_000), "30 hours");
  assert.equal(describeDuration(DAY + 1), "about 1 day");
});

test("an emergency reads as who, when, what it opened, until when, and its review", () => {
  assert.equal(
    describeEmergency(emergency(), wording),
    "Dave of St Mary's Hospital (provider #0) declared an emergency on 7 December 2026 at 11:00 and opened all your records except the sensitive ones to St Mary's Hospital, for emergency treatment, until 8 December 2026 at 11:00.",
  );
  assert.match(describeEmergency(emergency({ access_until: BigInt(NOW - 1) }), wording), /\. That access ended on /);
  assert.equal(reviewState(emergency(), NOW), "open");
  assert.equal(describeReview(emergency(), wording), "Please review it by 21 December 2026 at 11:00. If you do nothing, it goes to the arbitrators on their own (no bond from you).");
  assert.equal(reviewState(emergency({ review_due: BigInt(NOW) }), NOW), "overdue");
});

test("acknowledging and contesting say what they start and cost", () => {
  assert.match(acknowledgeNote(emergency(), wording), /the review closes, no dispute is opened.*revoke consent #4 under My consents/);
  const court = { bond: 10n * SLS, slash: 25n * SLS, compensation: 600_000_000, rejectedRefund: 500_000_000, evidenceBlocks: 43_200, votingBlocks: 100_800, blockMs: 6_000 };
  const note = contestNote(emergency(), court, wording);
  assert.match(note, /^Contesting opens a dispute against St Mary's Hospital before the arbitrators/);
  assert.match(note, /10 SLS of yours is held as a bond until the verdict/);
  assert.match(note, /for 3 days; then the arbitrators vote for 7 days/);
  assert.match(note, /loses 25 SLS of its bond, of which 60% \(15 SLS\) is paid to you, it is suspended at once, and your bond comes back/);
  assert.match(note, /50% of your bond comes back and the rest is forfeited/);
  assert.match(note, /Contesting does not end the access itself/);
});

test("the emergency justification is the pallet's EmergencyReason::commit", () => {
  // Python: hashlib.blake2b(bytes([1]) + bytes(range(32)) + bytes([0xaa] * 32), digest_size=32)
  const salt = Uint8Array.from({ length: 32 }, (_, i) => i);
  const doc = new Uint8Array(32).fill(0xaa);
  assert.equal(toHex(emergencyCommitment(1, salt, doc)), "0xa4336ce03d2f298e0ae1c532efedca28d4fc10ce578389266e423bcabd657274");
  assert.throws(() => emergencyCommitment(4, salt, doc));
  assert.throws(() => emergencyCommitment(0, salt.slice(1), doc));
});

test("evidence is fingerprinted with BLAKE2-256, as the CLI does", () => {
  // Python: hashlib.blake2b(b"evidence file contents\n", digest_size=32)
  assert.equal(toHex(fingerprint(new TextEncoder().encode("evidence file contents\n"))), "0x82bc9f4d5b21c106527e91ba16db64c3d697c6764415f73a86147282cecfd4a2");
});

test("breaking the glass is explained before signing", () => {
  const lines = breakGlassNote(
    { classes: NON_SENSITIVE_CLASSES | classMask(["Genomics"]), windowMs: BigInt(DAY), reviewMs: BigInt(14 * DAY), deposit: SLS / 10n, slash: 25n * SLS, perPractitioner: 5, perPatient: 2 },
    "St Mary's Hospital",
    wording,
  );
  assert.equal(lines[0], "It opens all the patient's records except the sensitive ones, and the patient's genomic data to St Mary's Hospital at once, without asking the patient, for emergency treatment only, for 1 day (until about 8 December 2026 at 12:00).");
  assert.match(lines[1]!, /logged on chain for good/);
  assert.match(lines[2]!, /review it within 14 days, and may acknowledge it or contest it/);
  assert.match(lines[3]!, /0.1 SLS is held from your account until the review ends\. If a contest is upheld, St Mary's Hospital loses 25 SLS of its bond and is suspended at once\./);
  assert.equal(describeDirective(NON_SENSITIVE_CLASSES), "In an emergency, a hospital or clinic would see all the patient's records except the sensitive ones.");
});

test("amounts and days typed are checked", () => {
  assert.equal(parseAmount("", 12), 0n);
  assert.equal(parseAmount("2.5", 12), 2_500_000_000_000n);
  assert.equal(parseAmount(" 1 ", 12), SLS);
  assert.equal(parseAmount("1.0000000000001", 12), undefined);
  assert.equal(parseAmount("-1", 12), undefined);
  assert.equal(parseAmount("1e3", 12), undefined);
  assert.equal(parseAmount("9".repeat(30), 12), undefined, "above u128");
  assert.equal(parseDays("30", BigInt(365 * DAY)), BigInt(30 * DAY));
  assert.equal(parseDays("0", BigInt(365 * DAY)), undefined);
  assert.equal(parseDays("366", BigInt(365 * DAY)), undefined);
  assert.equal(parseDays("1.5", BigInt(365 * DAY)), undefined);
  assert.match(requestCostNote(SLS, SLS / 10n, BigInt(7 * DAY), wording.amount), /costs 1 SLS, paid to the treasury whatever the answer, and holds a deposit of 0.1 SLS .* expired after 7 days/);
});
