// Who saw my data (paging, words, timeline, hostile names) and rewards (words, shares).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cleanText,
  describeBasis,
  describeClass,
  describeTimeline,
  previousPage,
  timeline,
  toRecord,
  type ChainDisclosure,
} from "../../src/lib/disclosures.ts";
import { claimable, describeDuration, describeEpochLength, howPatientsEarn, ledgerRows, shareOf } from "../../src/lib/rewards.ts";

test("pages are read newest first, down to position 0", () => {
  assert.deepEqual(previousPage(60, 25), { from: 35, count: 25 });
  assert.deepEqual(previousPage(35, 25), { from: 10, count: 25 });
  assert.deepEqual(previousPage(10, 25), { from: 0, count: 10 });
  assert.equal(previousPage(0, 25), undefined);
  assert.equal(previousPage(4_294_967_295, 25)?.from, 4_294_967_270);
});

test("a hostile provider name is shown without its tricks", () => {
  // A right-to-left override would show "Hospital" reversed; zero-width and line separators hide.
  assert.equal(cleanText("\u202eLatipsoh Evil"), "Latipsoh Evil");
  assert.equal(cleanText("St\u200b Mary\u2066's\u2069"), "St Mary's");
  assert.equal(cleanText("a\nb\rc\u0000d\u2028e"), "a b cd e", "line breaks are spaces, controls go");
  assert.equal(cleanText(new Uint8Array([0x53, 0xff, 0x74])), "S\ufffdt");
  assert.equal(cleanText("x".repeat(128)), "x".repeat(128)); // the chain's longest name is never cut
  assert.equal(cleanText("x".repeat(500)).length, 129);
  assert.equal(cleanText("   "), "");
});

test("the basis in the patient's words", () => {
  assert.equal(describeBasis({ type: "Consent", value: { id: 3n, source: { type: "Patient" } } }), "your consent #3");
  assert.equal(describeBasis({ type: "Consent", value: { id: 5n, source: { type: "Request", value: 2n } } }), "your approval of request #2 (consent #5)");
  assert.match(describeBasis({ type: "Consent", value: { id: 6n, source: { type: "Emergency", value: 0n } } }), /^emergency access #0, without asking you \(break-glass; consent #6\)$/);
  assert.equal(describeBasis({ type: "OwnData" }), "your own access");
  assert.equal(describeClass("LabResults"), "Lab results");
  assert.equal(describeClass("Genomics"), "Genomic data (sensitive)");
});

test("an entry the app does not understand is refused, not misnamed", () => {
  const entry: ChainDisclosure = {
    id: 1n,
    accessor: "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
    provider: 0,
    at: 0n,
    class: { type: "LabResults" },
    purpose: { type: "Treatment" },
    basis: { type: "OwnData" },
  };
  assert.equal(toRecord("p", entry, "X").dataClass, "LabResults");
  assert.throws(() => toRecord("p", { ...entry, class: { type: "Astrology" as never } }, "X"), /unknown class/);
  assert.throws(() => toRecord("p", { ...entry, purpose: { type: "Marketing" as never } }, "X"), /unknown purpose/);
});

const day = (iso: string) => Date.parse(iso);

test("the timeline counts per day, with empty days, in the patient's time zone", () => {
  const { granularity, buckets } = timeline([day("2026-12-01T10:00:00Z"), day("2026-12-01T23:30:00Z"), day("2026-12-03T08:00:00Z")], "UTC");
  assert.equal(granularity, "day");
  assert.deepEqual(buckets, [
    { start: "2026-12-01", count: 2 },
    { start: "2026-12-02", count: 0 },
    { start: "2026-12-03", count: 1 },
  ]);
  // 23:30 UTC is already 2 December in Berlin.
  const berlin = timeline([day("2026-12-01T10:00:00Z"), day("2026-12-01T23:30:00Z")], "Europe/Berlin");
  assert.deepEqual(berlin.buckets.map((b) => b.count), [1, 1]);
  assert.equal(describeTimeline(buckets, granularity), "3 disclosures from 1 December 2026 to 3 December 2026, counted per day; the most in one day was 2, in 1 December 2026.");
});

test("a long span is counted per week, from Monday", () => {
  const { granularity, buckets } = timeline([day("2026-10-01T12:00:00Z"), day("2026-12-07T12:00:00Z"), day("2026-12-09T12:00:00Z")], "UTC");
  assert.equal(granularity, "week");
  assert.equal(buckets[0]!.start, "2026-09-28"); // the Monday before Thursday 1 October
  assert.equal(buckets.at(-1)!.start, "2026-12-07");
  assert.equal(buckets.at(-1)!.count, 2);
  assert.equal(buckets.reduce((n, b) => n + b.count, 0), 3);
  assert.equal(timeline([], "UTC").buckets.length, 0);
  const one = timeline([day("2026-12-07T10:00:00Z"), day("2026-12-07T11:00:00Z")], "UTC");
  assert.equal(describeTimeline(one.buckets, one.granularity), "2 disclosures, all in 7 December 2026.");
});

test("an epoch and a wait in words", () => {
  assert.equal(describeEpochLength(14_400, 6000), "14,400 blocks, about a day");
  assert.equal(describeEpochLength(3, 6000), "3 blocks, about 18 seconds");
  assert.equal(describeDuration(2 * 3600_000), "about 2 hours");
  assert.equal(describeDuration(60_000), "about 60 seconds");
  assert.equal(describeDuration(10 * 86_400_000), "about 10 days");
});

test("how patients earn, under the launch schedule", () => {
  const lines = howPatientsEarn({ request_approved: 10, record_anchored: 0, research_approved: 5, emergency_justified: 0, epoch_cap: 100 }, "0.05 SLS", "day");
  assert.equal(lines[0], "Approving a provider's request for your data earns 10 points (once per provider each day).");
  assert.equal(lines[1], "If the request is for research, you earn 5 points more (once each day).");
  assert.equal(lines[2], "A provider anchoring your records earns nothing at present.");
  assert.equal(lines[3], "You earn at most 100 points in one day. A point is worth at most 0.05 SLS.");
});

test("shares are the chain's: budget × points / epoch points, rounded down, less what was withheld", () => {
  assert.equal(shareOf({ budget: 1000n, points: 3n }, { epoch: 1, points: 1, withheld: 0n }), 333n);
  assert.equal(shareOf({ budget: 1000n, points: 3n }, { epoch: 1, points: 1, withheld: 33n }), 300n);
  assert.equal(shareOf({ budget: 1000n, points: 0n }, { epoch: 1, points: 1, withheld: 0n }), 0n);
  const rows = ledgerRows(
    [
      { epoch: 3, points: 15, withheld: 0n },
      { epoch: 5, points: 10, withheld: 0n },
      { epoch: 7, points: 10, withheld: 0n },
    ],
    7,
    new Map([[5, { budget: 750_000_000_000n, points: 15n }]]),
  );
  assert.deepEqual(rows.map((r) => r.state), ["expired", "claimable", "in progress"]);
  assert.equal(rows[1]!.value, 500_000_000_000n);
  assert.equal(claimable(rows), 500_000_000_000n);
});
