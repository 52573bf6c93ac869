// What the Disputes, My provider and Governance screens share: the court's open disputes and
// rules read from the chain, and one dispute drawn as a card (parties, subject, stage with its
// deadlines in words, the arbitrators' count).
import { Blake2256 } from "@polkadot-api/substrate-bindings";
import type { Transaction } from "polkadot-api";
import type { App } from "../app.ts";
import { answered } from "../chain.ts";
import { toHex } from "../lib/commitment.ts";
import {
  blockTime,
  describeStage,
  describeTally,
  phaseOf,
  providerLabel,
  subjectWords,
  tallyOf,
  type Stage,
  type Subject,
  type VerdictKey,
} from "../lib/disputes.ts";
import { shortAddress } from "../lib/plain.ts";
import { runTx, type FeeNote } from "../tx.ts";
import { field, h, newId, notice, replace } from "./dom.ts";

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
  /** The most evidence hashes a dispute keeps, both sides together (each side half). */
  maxEvidence: number;
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
  const [entries, arbitrators, quorum, threshold, maxEvidence, now, nowMs, slot] = await answered(
    Promise.all([
      api.query.Disputes.OpenDisputes.getEntries({ at: "best" }),
      api.query.ArbitratorsMembership.Members.getValue({ at: "best" }),
      api.constants.Disputes.Quorum(),
      api.constants.Disputes.UpheldThreshold(),
      api.constants.Disputes.MaxEvidence(),
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
    maxEvidence,
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

/** The largest evidence file hashed here (it is read into memory). */
export const MAX_EVIDENCE_BYTES = 64 * 1024 * 1024;

/**
 * The blake2-256 fingerprint of a file, computed in the browser: the file itself is never sent.
 * Throws a sentence if the file is too large to read here.
 */
export async function fingerprintOf(file: File): Promise<`0x${string}`> {
  if (file.size > MAX_EVIDENCE_BYTES)
    throw new Error(`The file is larger than ${MAX_EVIDENCE_BYTES / 1024 / 1024} MB: choose a smaller one (an index or a summary of the documents).`);
  return toHex(Blake2256(new Uint8Array(await file.arrayBuffer())));
}

/**
 * "File more evidence" for one side of a dispute during its evidence period: a file picked here,
 * its fingerprint sent with `Disputes.submit_evidence` (`send` wraps the call: through the
 * guardian proxy for a ward). Null when the period is over or the side has filed its half.
 */
export function evidenceControl(
  app: App,
  court: Court,
  dispute: OpenDispute,
  side: "Claimant" | "Respondent",
  send: (tx: Transaction) => Transaction,
  feeNote: FeeNote | undefined,
  panel: HTMLElement,
  redraw: () => Promise<void>,
): HTMLElement | null {
  if (phaseOf(dispute.stage, court.now) !== "evidence") return null;
  const filed = dispute.evidence.filter(([party]) => party.type === side).length;
  const half = Math.floor(court.maxEvidence / 2);
  if (filed >= half) return h("p", { class: "meta" }, `This side has filed the ${half} pieces of evidence it may.`);
  const file = h("input", { type: "file", id: newId("evidence") });
  const out = h("output", { class: "hash", "aria-live": "polite" });
  const status = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "submit" }, "File this evidence");
  const form = h(
    "form",
    { class: "evidence", novalidate: true, "aria-label": `File evidence in dispute #${dispute.id}` },
    field(`More evidence for dispute #${dispute.id} (${half - filed} more allowed)`, file, "Only the file's fingerprint is sent; keep the file."),
    h("p", {}, "Fingerprint: ", out),
    h("div", { class: "actions" }, button),
    status,
  );
  let hash: `0x${string}` | undefined;
  const account = app.account!;
  // A file picked while another is still being hashed wins: the older result is dropped.
  let picks = 0;
  file.addEventListener("change", async () => {
    const pick = ++picks;
    hash = undefined;
    out.textContent = "";
    replace(status);
    const picked = file.files?.[0];
    if (!picked) return;
    try {
      out.textContent = "Computing…";
      const computed = await fingerprintOf(picked);
      if (pick !== picks) return;
      hash = computed;
      out.textContent = hash;
    } catch (error) {
      if (pick !== picks) return;
      out.textContent = "";
      replace(status, notice("error", (error as Error).message));
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.inert) return;
    if (!hash) return replace(status, notice("error", "Choose the evidence file first."));
    form.inert = true;
    try {
      await runTx(
        app.chain,
        account,
        {
          title: `File evidence in dispute #${dispute.id}`,
          summary: `The fingerprint ${hash} is recorded for the ${side === "Claimant" ? "claimant" : "provider"}; the file stays with you.`,
          tx: send(app.chain.api.tx.Disputes.submit_evidence({ dispute_id: dispute.id, evidence: hash })),
          ...(feeNote ? { feeNote } : {}),
        },
        panel,
      );
      await redraw();
    } catch {
      form.inert = false;
    }
  });
  return form;
}
