import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  blockTime,
  cleanText,
  closable,
  describeStage,
  describeTally,
  periodWords,
  phaseOf,
  providerLabel,
  quorumOf,
  tallyOf,
  verdictOf,
  type Stage,
} from "../../src/lib/disputes.ts";
import { appointDeposit, GUARDIAN_CALLS, guardianCheck, guardiansIn, type ProxyDefinition } from "../../src/lib/guardians.ts";

const BILLION = 1_000_000_000;

test("names from chain storage lose bidi and control characters, and are bounded", () => {
  assert.equal(cleanText("Northside Clinic\u202e evil"), "Northside Clinic evil");
  assert.equal(cleanText("A\u2066B\u2069C\u200fD\u0000E\u0085F"), "ABCDE F", "a next-line character is a space");
  assert.equal(cleanText(new Uint8Array([0x53, 0xff, 0x54])), "S\ufffdT", "invalid UTF-8 is shown as a replacement character");
  assert.equal(cleanText("x".repeat(200)).length, 80);
  assert.equal(cleanText("  two\n\tlines  "), "two lines");
  assert.equal(providerLabel(7, new TextEncoder().encode("St Mary's")), "St Mary's (provider #7)");
  assert.equal(providerLabel(7, "\u202e\u200b"), "provider #7", "a name of invisible characters only is no name");
  assert.equal(providerLabel(7, undefined), "provider #7");
});

test("deadlines in blocks are said in words", () => {
  const now = Date.UTC(2027, 2, 1, 10, 0);
  assert.equal(blockTime(110, 100, now, 6000, "UTC"), "block #110 (in about 1 minute)");
  assert.equal(blockTime(105, 100, now, 6000, "UTC"), "block #105 (in less than a minute)");
  assert.equal(blockTime(100 + 14_400, 100, now, 6000, "UTC"), "block #14500 (about 2 March 2027 at 10:00)");
  assert.equal(blockTime(90, 100, now, 6000, "UTC"), "block #90 (1 March 2027 at 09:59)");
  assert.equal(periodWords(3 * 14_400, 6000), "3 days");
  assert.equal(periodWords(600, 6000), "1 hour");
  assert.equal(periodWords(10, 6000), "10 blocks (about 1 minute)");
});

test("a dispute's stage and phase follow the block", () => {
  const open: Stage = { type: "Open", value: { evidence_ends: 10, voting_ends: 20 } };
  assert.deepEqual([10, 11, 20, 21].map((n) => phaseOf(open, n)), ["evidence", "voting", "voting", "count"]);
  assert.deepEqual([20, 21].map((n) => closable(open, n)), [false, true]);
  const decided: Stage = { type: "Decided", value: { verdict: { type: "Rejected" }, appeal_ends: 30 } };
  assert.equal(phaseOf(decided, 30), "appeal");
  assert.equal(closable(decided, 31), true);
  const when = (n: number) => `block #${n}`;
  assert.equal(
    describeStage(open, 5, when),
    "Evidence: both sides may file evidence until block #10; the arbitrators then vote until block #20.",
  );
  assert.equal(describeStage(open, 15, when), "Voting: the arbitrators vote until block #20.");
  assert.equal(describeStage(decided, 25, when), "Decided — rejected. The losing side may appeal until block #30; then the verdict is applied.");
  const appealed: Stage = { type: "Appealed", value: { verdict: { type: "Upheld" }, appellant: "x", bond: 1n, ends: 40 } };
  assert.match(describeStage(appealed, 41, when), /the council did not rule by block #40; anyone may now close it, and the verdict stands/);
  const referred: Stage = { type: "Referred", value: { ends: 40 } };
  assert.match(describeStage(referred, 39, when), /^Too few arbitrators voted: the council may rule until block #40/);
});

test("the tally counts only members without a stake, against the chain's quorum and threshold", () => {
  assert.equal(quorumOf(3, BILLION / 2), 2);
  assert.equal(quorumOf(4, BILLION / 2), 2);
  assert.equal(quorumOf(0, BILLION / 2), 1, "never zero votes");
  const members = ["alice", "bob", "ferdie"];
  const tally = tallyOf(
    {
      claimant: "eve",
      conflicted: ["bob"],
      votes: [
        ["alice", { type: "Upheld" }],
        ["bob", { type: "Upheld" }],
        ["mallory", { type: "Upheld" }],
      ],
    },
    members,
    BILLION / 2,
  );
  assert.deepEqual(tally, { upheld: 1, rejected: 0, eligible: 2, needed: 1 });
  assert.equal(describeTally(tally), "1 of 2 arbitrators voted (1 needed): 1 upheld, 0 rejected.");
  assert.equal(verdictOf(tally, BILLION / 2), "Upheld");
  // A tie rejects (Upheld needs more than half of the votes cast).
  assert.equal(verdictOf({ upheld: 1, rejected: 1, eligible: 3, needed: 2 }, BILLION / 2), "Rejected");
  assert.equal(verdictOf({ upheld: 1, rejected: 0, eligible: 3, needed: 2 }, BILLION / 2), undefined, "no quorum, no verdict");
});

test("a guardian is a HealthGuardian proxy without delay; the deposit is the chain's", () => {
  const defs: ProxyDefinition[] = [
    { delegate: "bob", proxy_type: { type: "HealthGuardian" }, delay: 0 },
    { delegate: "carol", proxy_type: { type: "Any" }, delay: 0 },
    { delegate: "dan", proxy_type: { type: "HealthGuardian" }, delay: 5 },
  ];
  assert.deepEqual(guardianCheck(defs, "bob"), { ok: true });
  assert.equal(guardianCheck(defs, "carol").ok, false, "another proxy type is no guardian");
  assert.match((guardianCheck(defs, "dan") as { reason: string }).reason, /delay of 5 blocks/);
  assert.equal(guardianCheck([], "bob").ok, false);
  assert.deepEqual(guardiansIn(defs).map((d) => d.delegate), ["bob", "dan"]);
  assert.equal(appointDeposit(100n, 7n, 0), 107n, "the first proxy pays the base too");
  assert.equal(appointDeposit(100n, 7n, 2), 7n);
});

test("what the app says a guardian may do is exactly the runtime's patient_call", () => {
  const source = readFileSync("../runtime/src/configs/accounts.rs", "utf8");
  const body = source.slice(source.indexOf("pub fn patient_call"), source.indexOf("impl InstanceFilter"));
  const alias: Record<string, string> = {
    Identity: "HealthIdentity",
    Consent: "Consent",
    Access: "Access",
    Disputes: "Disputes",
    "pallet_rewards::Call": "Rewards",
    "pallet_utility::Call": "Utility",
  };
  const calls = [...body.matchAll(/(Identity|Consent|Access|Disputes|pallet_rewards::Call|pallet_utility::Call)::([a-z_]+)\s*\{/g)].map(
    ([, pallet, call]) => `${alias[pallet!]}.${call}`,
  );
  assert.ok(calls.length > 10, "the filter was found and read");
  assert.deepEqual([...new Set(calls)].sort(), [...GUARDIAN_CALLS].sort());
});

test("council motions need the runtime's majority or supermajority", async () => {
  const { motionThreshold, motionOutcome } = await import("../../src/lib/disputes.ts");
  assert.deepEqual([1, 2, 3, 4, 5].map((n) => motionThreshold("majority", n)), [1, 2, 2, 3, 3]);
  assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => motionThreshold("supermajority", n)), [1, 2, 2, 3, 4, 4]);
  assert.equal(motionOutcome({ threshold: 2, ayes: 2, nays: 0, end: 50 }, 3, 10), "approved");
  assert.equal(motionOutcome({ threshold: 2, ayes: 1, nays: 2, end: 50 }, 3, 10), "disapproved");
  assert.equal(motionOutcome({ threshold: 2, ayes: 1, nays: 1, end: 50 }, 3, 10), "open");
  assert.equal(motionOutcome({ threshold: 2, ayes: 1, nays: 1, end: 50 }, 3, 50), "ended");
});

test("a call refused inside proxy, sudo or a council motion is found in the events", async () => {
  const { innerRefusal } = await import("../../src/lib/dispatch.ts");
  const refused = { type: "Module", value: { type: "Consent", value: { type: "UnknownGrantee" } } };
  const ok = { success: true, value: undefined };
  const bad = { success: false, value: refused };
  const event = (type: string, name: string, value: unknown) => ({ type, value: { type: name, value } });
  assert.equal(innerRefusal([event("Proxy", "ProxyExecuted", { result: ok })]), undefined);
  assert.deepEqual(innerRefusal([event("System", "ExtrinsicSuccess", {}), event("Proxy", "ProxyExecuted", { result: bad })]), refused);
  assert.deepEqual(innerRefusal([event("Sudo", "Sudid", { sudo_result: bad })]), refused);
  assert.deepEqual(innerRefusal([event("Council", "Executed", { proposal_hash: "0x", result: bad })]), refused);
  assert.equal(innerRefusal([event("Council", "Closed", { result: bad })]), undefined, "only the events that carry an inner result");
});
