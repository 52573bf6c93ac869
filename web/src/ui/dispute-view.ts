// What the Disputes, My provider and Governance screens share: the court's open disputes and
// rules read from the chain, and one dispute drawn as a card (parties, subject, stage with its
// deadlines in words, the arbitrators' count).
import type { App } from "../app.ts";
import { answered } from "../chain.ts";
import {
  blockTime,
  describeStage,
  describeTally,
  providerLabel,
  subjectWords,
  tallyOf,
  type Stage,
  type Subject,
  type VerdictKey,
} from "../lib/disputes.ts";
import { shortAddress } from "../lib/plain.ts";
import { h } from "./dom.ts";

/** An open dispute as stored (`Disputes.OpenDisputes`), the fields the screens use. */
export interface OpenDispute {
  id: number;
  claimant: string;
  respondent: number;
  conflicted: string[];
  subject: Subject;
  bond: bigint;
  evidence: [{ type: "Claimant" | "Respondent" }, string][];
  votes: [string, { type: VerdictKey }][];
  stage: Stage;
}

/** The court now: its open disputes, its arbitrators and rules, the block and the time. */
export interface Court {
  disputes: OpenDispute[];
  arbitrators: string[];
  quorum: number;
  threshold: number;
  now: number;
  nowMs: number;
  blockMs: number;
  /** Providers' names by id, for those the disputes name (cleaned for display). */
  providers: Map<number, string>;
}

/** At most this many disputes are drawn on a screen (the newest first); the rest are counted. */
export const MAX_SHOWN = 50;

export async function readCourt(app: App): Promise<Court> {
  const api = app.chain.api;
  const [entries, arbitrators, quorum, threshold, now, nowMs, slot] = await answered(
    Promise.all([
      api.query.Disputes.OpenDisputes.getEntries({ at: "best" }),
      api.query.ArbitratorsMembership.Members.getValue({ at: "best" }),
      api.constants.Disputes.Quorum(),
      api.constants.Disputes.UpheldThreshold(),
      api.query.System.Number.getValue({ at: "best" }),
      api.query.Timestamp.Now.getValue({ at: "best" }),
      api.constants.Aura.SlotDuration(),
    ]),
  );
  const disputes = entries
    .map(({ keyArgs, value }) => ({ ...(value as unknown as Omit<OpenDispute, "id">), id: keyArgs[0] }))
    .sort((a, b) => b.id - a.id);
  const providers = await providerNames(app, disputes.map((d) => d.respondent));
  return {
    disputes,
    arbitrators: arbitrators as string[],
    quorum,
    threshold,
    now,
    nowMs: Number(nowMs),
    blockMs: Number(slot) || 6000,
    providers,
  };
}

/** Providers' display names ("St Mary's Hospital (provider #0)") by id. */
export async function providerNames(app: App, ids: number[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  await answered(
    Promise.all(
      [...new Set(ids)].slice(0, 200).map(async (id) => {
        const provider = await app.chain.api.apis.HealthIdentityApi.provider(id, { at: "best" });
        names.set(id, providerLabel(id, provider?.name));
      }),
    ),
  );
  return names;
}

/** A block in words, from the court's clock. */
export const whenOf = (court: Court) => (block: number) => blockTime(block, court.now, court.nowMs, court.blockMs);

/** One dispute as a card; `actions` (buttons, notes) go at its end. */
export function disputeCard(app: App, court: Court, dispute: OpenDispute, ...actions: (HTMLElement | null)[]): HTMLElement {
  const who = (address: string) => app.knownName(address) ?? shortAddress(address);
  const against = court.providers.get(dispute.respondent) ?? `provider #${dispute.respondent}`;
  const tally = tallyOf(dispute, court.arbitrators, court.quorum);
  const voting = dispute.stage.type === "Open";
  return h(
    "li",
    { class: "dispute card", "data-dispute-id": String(dispute.id) },
    h("h4", {}, `Dispute #${dispute.id}: ${who(dispute.claimant)} against ${against}`),
    h("p", {}, `About ${subjectWords(dispute.subject)}.`),
    h("p", { class: "stage", "data-testid": "dispute-stage" }, describeStage(dispute.stage, court.now, whenOf(court))),
    voting || dispute.votes.length ? h("p", { class: "tally", "data-testid": "dispute-tally" }, describeTally(tally)) : null,
    h(
      "p",
      { class: "meta" },
      `Evidence filed: ${dispute.evidence.filter(([p]) => p.type === "Claimant").length} by the claimant, ${dispute.evidence.filter(([p]) => p.type === "Respondent").length} by the provider (hashes only; the documents stay with the parties).`,
    ),
    ...actions,
  );
}

/** A button that draws the screen again from the chain (deadlines pass and votes come in meanwhile). */
export function refreshButton(app: App): HTMLElement {
  const button = h("button", { type: "button", class: "refresh" }, "Read again from the chain");
  button.addEventListener("click", () => void app.show());
  return button;
}
