// Disputes, providers' names and block deadlines in plain language (pallets/disputes): pure
// functions over what the typed client decodes, unit-tested without a node.
import { formatDateTime } from "./plain.ts";
import { cleanName } from "./text.ts";

/** Text from chain storage, made safe to show (`cleanName`, lib/text.ts). */
export function cleanText(raw: Uint8Array | string, max = 80): string {
  return cleanName(raw, max);
}

/** A provider's name for display ("St Mary's Hospital"), or "provider #7" if it has none left. */
export function providerLabel(id: number, name: Uint8Array | string | undefined): string {
  const clean = name === undefined ? "" : cleanText(name);
  return clean ? `${clean} (provider #${id})` : `provider #${id}`;
}

/** When block `target` comes (or came), in words, from block `now` at `nowMs` (chain time). */
export function blockTime(target: number, now: number, nowMs: number, blockMs: number, timeZone?: string): string {
  const at = nowMs + (target - now) * blockMs;
  const words = formatDateTime(at, timeZone);
  if (target <= now) return `block #${target} (${words})`;
  const ms = (target - now) * blockMs;
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const soon = ms < 60_000 ? "in less than a minute" : minutes < 120 ? `in about ${minutes} minute${minutes === 1 ? "" : "s"}` : `about ${words}`;
  return `block #${target} (${soon})`;
}

/** "3 days", "1 hour", "10 blocks (about a minute)": a period of blocks in words. */
export function periodWords(blocks: number, blockMs: number): string {
  const ms = blocks * blockMs;
  const day = 86_400_000;
  const hour = 3_600_000;
  if (ms >= day && ms % day === 0) return `${ms / day} day${ms === day ? "" : "s"}`;
  if (ms >= hour && ms % hour === 0) return `${ms / hour} hour${ms === hour ? "" : "s"}`;
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return `${blocks} block${blocks === 1 ? "" : "s"} (about ${minutes} minute${minutes === 1 ? "" : "s"})`;
}

export type VerdictKey = "Upheld" | "Rejected";

/** A verdict in words, for the claimant's side. */
export const VERDICT_WORDS: Record<VerdictKey, string> = {
  Upheld: "Upheld: the claim is right. The provider's bond is slashed, part of it compensates the claimant, and the claimant's bond comes back.",
  Rejected: "Rejected: the claim is not accepted. The claimant gets part of its bond back; the rest is forfeited.",
};

/** What a dispute is about (`DisputeSubject`). */
export type Subject = { type: "Emergency"; value: bigint } | { type: "Disclosure"; value: bigint } | { type: "Conduct"; value?: undefined };

export function subjectWords(subject: Subject): string {
  switch (subject.type) {
    case "Emergency":
      return `emergency access #${subject.value}`;
    case "Disclosure":
      return `disclosure #${subject.value} in the patient's log`;
    case "Conduct":
      return "the provider's conduct";
  }
}

/** Where a dispute is (`Stage`), as the typed client decodes it. */
export type Stage =
  | { type: "Open"; value: { evidence_ends: number; voting_ends: number } }
  | { type: "Referred"; value: { ends: number } }
  | { type: "Decided"; value: { verdict: { type: VerdictKey }; appeal_ends: number } }
  | { type: "Appealed"; value: { verdict: { type: VerdictKey }; appellant: string; bond: bigint; ends: number } };

/** The phase a dispute is in at block `now`: what can happen next, and who acts. */
export type Phase = "evidence" | "voting" | "count" | "referred" | "ruling-over" | "appeal" | "apply" | "appealed" | "appeal-over";

export function phaseOf(stage: Stage, now: number): Phase {
  switch (stage.type) {
    case "Open":
      if (now <= stage.value.evidence_ends) return "evidence";
      return now <= stage.value.voting_ends ? "voting" : "count";
    case "Referred":
      return now <= stage.value.ends ? "referred" : "ruling-over";
    case "Decided":
      return now <= stage.value.appeal_ends ? "appeal" : "apply";
    case "Appealed":
      return now <= stage.value.ends ? "appealed" : "appeal-over";
  }
}

/** Whether `close_dispute` would move the dispute on at block `now` (its stage is over). */
export function closable(stage: Stage, now: number): boolean {
  return ["count", "ruling-over", "apply", "appeal-over"].includes(phaseOf(stage, now));
}

/** The stage in one sentence, deadlines included (`when` words a block). */
export function describeStage(stage: Stage, now: number, when: (block: number) => string): string {
  const phase = phaseOf(stage, now);
  switch (stage.type) {
    case "Open":
      if (phase === "evidence")
        return `Evidence: both sides may file evidence until ${when(stage.value.evidence_ends)}; the arbitrators then vote until ${when(stage.value.voting_ends)}.`;
      if (phase === "voting") return `Voting: the arbitrators vote until ${when(stage.value.voting_ends)}.`;
      return `Voting ended at ${when(stage.value.voting_ends)}: anyone may now close it to count the votes.`;
    case "Referred":
      return phase === "referred"
        ? `Too few arbitrators voted: the council may rule until ${when(stage.value.ends)}; if it does not, the dispute lapses.`
        : `Too few arbitrators voted and the council's time to rule ended at ${when(stage.value.ends)}: anyone may now close it.`;
    case "Decided": {
      const verdict = stage.value.verdict.type.toLowerCase();
      return phase === "appeal"
        ? `Decided — ${verdict}. The losing side may appeal until ${when(stage.value.appeal_ends)}; then the verdict is applied.`
        : `Decided — ${verdict}. The time to appeal ended at ${when(stage.value.appeal_ends)}: anyone may now close it to apply the verdict.`;
    }
    case "Appealed": {
      const verdict = stage.value.verdict.type.toLowerCase();
      return phase === "appealed"
        ? `Appealed (the arbitrators' verdict: ${verdict}): the council may rule until ${when(stage.value.ends)}; if it does not, the verdict stands and the appeal bond returns.`
        : `Appealed (the arbitrators' verdict: ${verdict}): the council did not rule by ${when(stage.value.ends)}; anyone may now close it, and the verdict stands.`;
    }
  }
}

/** The arbitrators' count on a dispute, as `Tally::of` computes it (without current stakes). */
export interface Tally {
  upheld: number;
  rejected: number;
  /** Arbitrators who may decide it: members, not the claimant, without a recorded stake. */
  eligible: number;
  /** Votes needed for a decision. */
  needed: number;
}

/** One billion parts: the chain's `Perbill`. */
const BILLION = 1_000_000_000;

/** At least `quorum` (parts per billion) of `eligible`, rounded up, and at least one vote. */
export function quorumOf(eligible: number, quorum: number): number {
  return Math.max(1, Math.ceil((eligible * quorum) / BILLION));
}

export function tallyOf(
  dispute: { claimant: string; conflicted: string[]; votes: [string, { type: VerdictKey }][] },
  members: readonly string[],
  quorum: number,
): Tally {
  const bench = members.filter((m) => m !== dispute.claimant && !dispute.conflicted.includes(m));
  let upheld = 0;
  let rejected = 0;
  for (const [voter, verdict] of dispute.votes) {
    if (!bench.includes(voter)) continue;
    if (verdict.type === "Upheld") upheld += 1;
    else rejected += 1;
  }
  return { upheld, rejected, eligible: bench.length, needed: quorumOf(bench.length, quorum) };
}

/** "2 of 3 arbitrators voted (2 needed): 1 upheld, 1 rejected." */
export function describeTally(tally: Tally): string {
  const cast = tally.upheld + tally.rejected;
  return `${cast} of ${tally.eligible} arbitrator${tally.eligible === 1 ? "" : "s"} voted (${tally.needed} needed): ${tally.upheld} upheld, ${tally.rejected} rejected.`;
}

/** The verdict the votes would give now, if counted (more than `threshold` of the votes cast say Upheld). */
export function verdictOf(tally: Tally, threshold: number): VerdictKey | undefined {
  const cast = tally.upheld + tally.rejected;
  if (cast === 0 || cast < tally.needed) return undefined;
  return BigInt(tally.upheld) * BigInt(BILLION) > BigInt(threshold) * BigInt(cast) ? "Upheld" : "Rejected";
}

/** "50 %" for a Perbill. */
export function percent(perbill: number): string {
  return `${Math.round((perbill / BILLION) * 1000) / 10} %`;
}

/** A provider's status (`ProviderStatus`) in words. */
export const PROVIDER_STATUS_WORDS: Record<string, string> = {
  Pending: "waiting for accreditation by governance",
  Accredited: "accredited",
  Suspended: "suspended by governance: its practitioners cannot act for it",
  Revoked: "revoked: it can no longer be accredited",
};

/** A practitioner's role (`PractitionerRole`) in words. */
export const ROLE_WORDS: Record<string, string> = {
  Physician: "physician",
  Nurse: "nurse",
  Technician: "technician",
  Pharmacist: "pharmacist",
  Researcher: "researcher",
  Administrator: "administrator",
};

/** The council's origins in the runtime (runtime/src/configs/governance.rs). */
export type CouncilOrigin = "majority" | "supermajority";

/**
 * The ayes a council motion needs for `origin` with `members` members: a majority is more than
 * half (`EnsureProportionMoreThan<1, 2>`), a supermajority at least two thirds
 * (`EnsureProportionAtLeast<2, 3>`).
 */
export function motionThreshold(origin: CouncilOrigin, members: number): number {
  return origin === "majority" ? Math.floor(members / 2) + 1 : Math.ceil((2 * members) / 3);
}

/** What `close` would do with a council motion now (pallet-collective's rules). */
export function motionOutcome(
  motion: { threshold: number; ayes: number; nays: number; end: number },
  members: number,
  now: number,
): "approved" | "disapproved" | "open" | "ended" {
  if (motion.ayes >= motion.threshold) return "approved";
  if (motion.nays > members - motion.threshold) return "disapproved";
  return now >= motion.end ? "ended" : "open";
}
