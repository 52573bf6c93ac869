// "Emergency access": the break-glass accesses to the patient's data whose reviews are open
// (`AccessApi::emergencies_of`) — who declared it, when, what it opened, until when, the review's
// deadline — each acknowledged as justified or contested with evidence. The evidence is a file
// the patient picks: it is hashed here (BLAKE2-256, as the CLI's `--evidence FILE`) and only the
// hash is sent; the file never leaves the browser. Contesting opens a dispute against the
// provider with the patient's bond (pallet-access `contest_emergency`, pallet-disputes `open`).
// Below: the emergencies whose reviews have closed (from the consents they granted), with the
// dispute about each, if any.
import type { App } from "../app.ts";
import type { Account } from "../accounts.ts";
import { answered } from "../chain.ts";
import {
  acknowledgeNote,
  contestNote,
  describeEmergency,
  describeReview,
  fingerprint,
  reviewState,
  yourClasses,
  type AccessWording,
  type CourtTerms,
  type EmergencyRecord,
} from "../lib/access.ts";
import { toHex } from "../lib/commitment.ts";
import { formatDate, formatDateTime, type ConsentRecord } from "../lib/plain.ts";
import { runTx } from "../tx.ts";
import { field, h, notice, replace } from "./dom.ts";
import { accessWording, patientFeeNote, providerDisplayNames } from "./requests.ts";

/** The largest evidence file hashed here (it is read into memory whole). */
const MAX_EVIDENCE_BYTES = 256 * 1024 * 1024;
/** How many closed emergencies the history shows (newest first). */
const HISTORY = 20;

export async function renderEmergencies(app: App, view: HTMLElement): Promise<void> {
  const account = app.account;
  const patient = app.patientAddress;
  replace(view, h("h2", {}, "Emergency access to your data"));
  if (!account || !patient) return void view.append(notice("info", "Choose an account first (top of the page)."));
  const api = app.chain.api;
  const [registered, open, consents, now, court, block] = await answered(
    Promise.all([
      api.apis.HealthIdentityApi.patient(patient, { at: "best" }),
      api.apis.AccessApi.emergencies_of(patient, { at: "best" }),
      api.apis.ConsentApi.consents_of(patient, { at: "best" }),
      api.query.Timestamp.Now.getValue({ at: "best" }),
      courtTerms(app),
      api.query.System.Number.getValue({ at: "best" }),
    ]),
  );
  if (!registered) {
    view.append(notice("info", "This account is not registered as a patient yet."), h("p", {}, h("a", { href: "#/register" }, "Register first")));
    return;
  }
  if (app.ward) view.append(notice("info", `You are reviewing as guardian of ${app.knownName(patient) ?? patient}.`));
  const emergencies = open as unknown as [bigint, EmergencyRecord][];
  const openIds = new Set(emergencies.map(([id]) => id));
  const past = (consents as unknown as ConsentRecord[])
    .filter((c) => c.source.type === "Emergency" && !openIds.has((c.source as { value: bigint }).value))
    .slice(-HISTORY)
    .reverse();
  const names = await providerDisplayNames(app, [
    ...emergencies.map(([, e]) => e.provider),
    ...past.flatMap((c) => (c.grantee.type === "Provider" ? [c.grantee.value] : [])),
  ]);
  const wording = accessWording(app, names, now);
  const panel = h("section", { class: "tx", "aria-live": "polite", hidden: true });
  const outcome = h("div", { "aria-live": "polite", "data-testid": "emergency-outcome" });
  const redraw = async (said: HTMLElement) => {
    await renderEmergencies(app, view);
    view.querySelector('[data-testid="emergency-outcome"]')?.replaceChildren(said);
    // The new screen's panel (the one its buttons use) shows how the last transaction ended.
    const fresh = view.querySelector<HTMLElement>("section.tx");
    if (fresh) {
      fresh.replaceChildren(...Array.from(panel.childNodes));
      fresh.hidden = false;
    }
  };

  view.append(
    h(
      "p",
      {},
      "In an emergency a hospital or clinic may open your records at once, without asking you (“breaking the glass”). Each time, you are asked to review it: acknowledge it if it was justified, or contest it with evidence.",
    ),
    outcome,
    h("h3", {}, "Waiting for your review"),
  );
  const list = h("ul", { class: "emergencies", "data-testid": "emergency-list" });
  if (emergencies.length === 0) list.append(h("li", { class: "empty" }, "No emergency access is waiting for your review."));
  for (const [id, emergency] of emergencies) list.append(emergencyItem(app, account, id, emergency, wording, court, panel, redraw));
  view.append(list, panel, h("h3", {}, "Reviewed or closed"));
  const history = h("ul", { class: "emergencies past", "data-testid": "emergency-history" });
  if (past.length === 0) history.append(h("li", { class: "empty" }, "None."));
  // A block of the dispute's calendar, as a date: about `blockMs` per block from now.
  const blockDate = (n: number) => formatDate(Number(now) + (n - block) * court.blockMs, wording.timeZone);
  const rows = await Promise.all(past.map((consent) => pastItem(app, account, consent, wording, blockDate, panel, redraw)));
  history.append(...rows);
  view.append(history);
}

async function courtTerms(app: App): Promise<CourtTerms> {
  const c = app.chain.api.constants;
  const [bond, slash, compensation, rejectedRefund, evidenceBlocks, votingBlocks, slot] = await Promise.all([
    c.Disputes.DisputeBond(),
    c.Disputes.Slash(),
    c.Disputes.Compensation(),
    c.Disputes.RejectedRefund(),
    c.Disputes.EvidencePeriod(),
    c.Disputes.VotingPeriod(),
    c.Aura.SlotDuration(),
  ]);
  return { bond, slash, compensation, rejectedRefund, evidenceBlocks, votingBlocks, blockMs: Number(slot) };
}

function emergencyItem(
  app: App,
  account: Account,
  id: bigint,
  emergency: EmergencyRecord,
  wording: AccessWording,
  court: CourtTerms,
  panel: HTMLElement,
  redraw: (said: HTMLElement) => Promise<void>,
): HTMLElement {
  const api = app.chain.api;
  const headingId = `emergency-${id}`;
  const state = reviewState(emergency, wording.now);
  const acknowledge = h("button", { type: "button" }, "Acknowledge: it was justified");
  const file = h("input", { type: "file", name: `evidence-${id}` });
  const hashOut = h("output", { class: "hash", "data-testid": "evidence-hash" });
  const contest = h("button", { type: "button", class: "primary", disabled: true }, "Contest");
  const status = h("div", { "aria-live": "polite" });
  let evidence: `0x${string}` | undefined;
  let reading = 0;
  file.addEventListener("change", async () => {
    const ask = ++reading;
    evidence = undefined;
    contest.disabled = true;
    replace(hashOut);
    replace(status);
    const chosen = file.files?.[0];
    if (!chosen) return;
    if (chosen.size === 0) return replace(status, notice("error", "This file is empty: choose the document that shows why the access was not justified."));
    if (chosen.size > MAX_EVIDENCE_BYTES) return replace(status, notice("error", "This file is too large to fingerprint here (over 256 MB)."));
    replace(hashOut, "Fingerprinting the file here…");
    try {
      const hash = toHex(fingerprint(new Uint8Array(await chosen.arrayBuffer())));
      if (ask !== reading) return;
      evidence = hash;
      replace(hashOut, `Fingerprint (BLAKE2-256) of “${chosen.name}”: ${hash}`);
      contest.disabled = false;
    } catch (error) {
      if (ask === reading) replace(status, notice("error", `The file could not be read: ${(error as Error).message}`));
    }
  });
  const evidenceField = field(
    "Evidence (a file: it stays on this device; only its fingerprint is sent)",
    file,
    "Keep the file: the arbitrators will ask you for it, and check it against the fingerprint on chain.",
  );
  const item = h(
    "li",
    { class: `emergency ${state}`, "data-emergency-id": String(id), "aria-labelledby": headingId },
    h("h4", { id: headingId }, `Emergency access #${id}`),
    h("p", { class: "sentence" }, describeEmergency(emergency, wording)),
    h("p", { class: `review ${state}` }, describeReview(emergency, wording)),
    h(
      "div",
      { class: "actions" },
      acknowledge,
      Number(emergency.access_until) > wording.now
        ? endAccessButton(app, account, id, emergency.consent, wording.providerName?.(emergency.provider) ?? `provider #${emergency.provider}`, true, panel, redraw)
        : null,
    ),
    h("details", { class: "contest" }, h("summary", {}, "Contest it"), h("p", { class: "hint" }, contestNote(emergency, court, wording)), evidenceField, hashOut, h("div", { class: "actions" }, contest)),
    status,
  );
  const lock = (locked: boolean) => {
    item.setAttribute("aria-busy", String(locked));
    acknowledge.disabled = locked;
    file.disabled = locked;
    contest.disabled = locked || evidence === undefined;
  };
  acknowledge.addEventListener("click", async () => {
    lock(true);
    try {
      await runTx(
        app.chain,
        account,
        {
          title: `Acknowledge emergency access #${id}`,
          summary: acknowledgeNote(emergency, wording),
          tx: app.asPatient(api.tx.Access.acknowledge_emergency({ emergency_id: id })),
          feeNote: patientFeeNote(app),
        },
        panel,
      );
      await redraw(notice("ok", `You acknowledged emergency access #${id} as justified; its review is closed.`));
    } catch {
      lock(false);
    }
  });
  contest.addEventListener("click", async () => {
    if (!evidence) return;
    const hash = evidence;
    lock(true);
    try {
      const included = await runTx(
        app.chain,
        account,
        {
          title: `Contest emergency access #${id}`,
          summary: `${contestNote(emergency, court, wording)} Evidence fingerprint: ${hash}.`,
          tx: app.asPatient(api.tx.Access.contest_emergency({ emergency_id: id, evidence: hash })),
        },
        panel,
      );
      const contested = included.events.find((e) => e.type === "Access" && e.value.type === "EmergencyContested")?.value.value as
        | { dispute: number }
        | undefined;
      await redraw(
        notice(
          "ok",
          `You contested emergency access #${id}${contested ? `: dispute #${contested.dispute} is open against ${wording.providerName?.(emergency.provider) ?? `provider #${emergency.provider}`}` : ""}, with your evidence's fingerprint ${hash}. ${wording.amount(court.bond)} of yours is held as a bond until the verdict.`,
        ),
      );
    } catch {
      lock(false);
    }
  });
  return item;
}

/**
 * "End this access now": revokes the consent the emergency granted (the patient's own consent,
 * revocable like any other; free within the allowance). The review is not touched.
 */
function endAccessButton(
  app: App,
  account: Account,
  id: bigint,
  consent: bigint,
  provider: string,
  reviewOpen: boolean,
  panel: HTMLElement,
  redraw: (said: HTMLElement) => Promise<void>,
): HTMLButtonElement {
  const button = h("button", { type: "button", "aria-label": `End this access now (emergency access #${id})` }, "End this access now");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await runTx(
        app.chain,
        account,
        {
          title: `End emergency access #${id} now`,
          summary: `From the block that includes it, ${provider} can no longer see your records under emergency access #${id} (consent #${consent} is revoked).${reviewOpen ? " The review stays open: you can still acknowledge or contest it." : ""}`,
          tx: app.asPatient(app.chain.api.tx.Consent.revoke_consent({ id: consent })),
          feeNote: patientFeeNote(app),
        },
        panel,
      );
      await redraw(notice("ok", `Emergency access #${id} is ended: ${provider} can no longer see your records under it.`));
    } catch {
      button.disabled = false;
    }
  });
  return button;
}

/** A closed emergency, from the consent it granted, and the dispute about it, if any. */
async function pastItem(
  app: App,
  account: Account,
  consent: ConsentRecord,
  wording: AccessWording,
  blockDate: (block: number) => string,
  panel: HTMLElement,
  redraw: (said: HTMLElement) => Promise<void>,
): Promise<HTMLElement> {
  const api = app.chain.api;
  const id = (consent.source as { value: bigint }).value;
  const provider = consent.grantee.type === "Provider" ? consent.grantee.value : undefined;
  const who = provider === undefined ? "A provider" : (wording.providerName?.(provider) ?? `Provider #${provider}`);
  const revoked = consent.revoked_at !== undefined;
  const ongoing = !revoked && (consent.valid_until === undefined || Number(consent.valid_until) > wording.now);
  const until = consent.valid_until === undefined ? "" : formatDateTime(consent.valid_until, wording.timeZone);
  const sentence = revoked
    ? `${who} had emergency access to ${yourClasses(consent.classes)} from ${formatDateTime(consent.created_at, wording.timeZone)}, until you ended it on ${formatDateTime(consent.revoked_at!, wording.timeZone)}.`
    : ongoing
      ? `${who} has emergency access to ${yourClasses(consent.classes)} since ${formatDateTime(consent.created_at, wording.timeZone)}, until ${until}.`
      : `${who} had emergency access to ${yourClasses(consent.classes)} from ${formatDateTime(consent.created_at, wording.timeZone)} to ${until}.`;
  let state: string;
  try {
    const disputeId = await answered(api.query.Disputes.Subjects.getValue({ type: "Emergency", value: id }, { at: "best" }));
    if (disputeId === undefined) state = "Review closed; no dispute is open about it (you acknowledged it, or a dispute about it ended unjudged).";
    else {
      const dispute = await answered(api.query.Disputes.OpenDisputes.getValue(disputeId, { at: "best" }));
      if (!dispute) state = `Dispute #${disputeId} about it has been decided and closed.`;
      else {
        const evidence = dispute.evidence.filter(([party]) => party.type === "Claimant").map(([, hash]) => hash);
        const stage =
          dispute.stage.type === "Open"
            ? `evidence is taken until about ${blockDate(dispute.stage.value.evidence_ends)} (block #${dispute.stage.value.evidence_ends}), then the arbitrators vote until about ${blockDate(dispute.stage.value.voting_ends)}`
            : dispute.stage.type === "Referred"
              ? "too few arbitrators voted; the council may rule"
              : dispute.stage.type === "Decided"
                ? `the arbitrators decided: ${dispute.stage.value.verdict.type === "Upheld" ? "upheld" : "rejected"} (it may still be appealed)`
                : "it is under appeal";
        const bond = dispute.bond > 0n ? `your bond of ${wording.amount(dispute.bond)} is held` : "the arbitrators took it up on their own (no bond)";
        state = `Contested: dispute #${disputeId} is open — ${stage}; ${bond}.${evidence.length ? ` Your evidence's fingerprint: ${evidence.join(", ")}.` : ""}`;
      }
    }
  } catch (error) {
    state = `The node did not say whether it is disputed: ${(error as Error).message}`;
  }
  return h(
    "li",
    { class: "emergency closed", "data-emergency-id": String(id) },
    h("h4", {}, `Emergency access #${id}`),
    h("p", { class: "sentence" }, sentence),
    h("p", { class: "review", "data-testid": "emergency-state" }, state),
    ongoing ? h("div", { class: "actions" }, endAccessButton(app, account, id, consent.id, who, false, panel, redraw)) : null,
  );
}
