// "Disputes" (patient): open a dispute against a provider — about a disclosure in the patient's
// log or about its conduct — with a bond and the hash of an evidence file computed here (the
// file never leaves the browser); follow the patient's open disputes (stage, votes, deadlines,
// verdict in words); appeal a verdict against the patient, with its cost and deadline.
import { Twox128 } from "@polkadot-api/substrate-bindings";
import type { App } from "../app.ts";
import { answered, formatAmount } from "../chain.ts";
import { toHex } from "../lib/commitment.ts";
import { blockTime, percent, periodWords, phaseOf, providerLabel, VERDICT_WORDS } from "../lib/disputes.ts";
import { formatDateTime } from "../lib/plain.ts";
import { dataClass, providerNumber, purpose, type DataClassKey, type PurposeKey } from "../lib/vocab.ts";
import { guardianFeeNote, runTx } from "../tx.ts";
import {
  type Court,
  disputeCard,
  evidenceControl,
  fingerprintOf,
  MAX_SHOWN,
  providerNames,
  readCourt,
  refreshButton,
} from "./dispute-view.ts";
import { field, h, notice, replace } from "./dom.ts";

/** The court's periods now, in blocks: the storage items root may change, else the runtime's constants. */
export async function courtPeriods(app: App): Promise<{ evidence: number; voting: number; appeal: number; ruling: number }> {
  const api = app.chain.api;
  const read = async (name: string, fallback: number) => {
    const raw = await app.chain.client.rawQuery(toHex(Twox128(new TextEncoder().encode(`:${name}:`))), { at: "best" });
    if (!raw || raw.length !== 10) return fallback;
    const bytes = raw.slice(2).match(/../g)!.map((b) => parseInt(b, 16));
    return bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! * 2 ** 24);
  };
  const [evidence, voting, appeal, ruling] = await answered(
    Promise.all([
      api.constants.Disputes.EvidencePeriod().then((c) => read("DisputeEvidencePeriod", c)),
      api.constants.Disputes.VotingPeriod().then((c) => read("DisputeVotingPeriod", c)),
      api.constants.Disputes.AppealPeriod().then((c) => read("DisputeAppealPeriod", c)),
      api.constants.Disputes.RulingPeriod().then((c) => read("DisputeRulingPeriod", c)),
    ]),
  );
  return { evidence, voting, appeal, ruling };
}

/** Draws the screen; `kept` is the transaction panel of the previous drawing, kept on show. */
export async function renderDisputes(app: App, view: HTMLElement, kept?: HTMLElement): Promise<void> {
  const account = app.account;
  const ward = app.ward;
  const patient = app.patientAddress;
  replace(view, h("h2", {}, ward ? `Disputes of ${app.wardName()}` : "Disputes"));
  if (!account || !patient) return void view.append(notice("info", "Choose an account first (top of the page)."));
  const api = app.chain.api;
  const panel = kept ?? h("section", { class: "tx", "aria-live": "polite", hidden: true });
  const redraw = () => renderDisputes(app, view, panel);
  const asPatient = (tx: Parameters<App["asPatient"]>[0]) => {
    if (app.ward !== ward) throw new Error("The patient acted for changed: the screen is being drawn again.");
    return app.asPatient(tx);
  };
  const feeNote = ward ? guardianFeeNote : undefined;
  const [court, periods, registered, bond, appealBond, refund, compensation, slash, disclosureCount] = await Promise.all([
    readCourt(app),
    courtPeriods(app),
    answered(api.apis.HealthIdentityApi.patient(patient, { at: "best" })),
    api.constants.Disputes.DisputeBond(),
    api.constants.Disputes.AppealBond(),
    api.constants.Disputes.RejectedRefund(),
    api.constants.Disputes.Compensation(),
    api.constants.Disputes.Slash(),
    answered(api.apis.AccessApi.disclosure_count(patient, { at: "best" })),
  ]);
  if (ward)
    view.append(notice("info", `You act for ${app.wardName()} as guardian: disputes are opened and appealed in the patient's name, and the bonds are held from the patient's account. You pay the fees.`));
  if (!registered) {
    view.append(notice("info", ward ? "This patient is not registered: only registered patients open disputes." : "This account is not registered as a patient: only registered patients open disputes."));
    return;
  }
  const amount = (planck: bigint) => formatAmount(app.chain, planck);

  // The patient's open disputes.
  const mine = court.disputes.filter((d) => d.claimant === patient);
  view.append(h("h3", {}, ward ? "The patient's open disputes" : "Your open disputes"));
  view.append(h("p", { class: "meta" }, `As of block #${court.now}. `, refreshButton(app)));
  const list = h("ul", { class: "disputes", "data-testid": "my-disputes" });
  if (mine.length === 0) list.append(h("li", { class: "empty" }, "No open dispute. (A dispute leaves this list when its verdict is applied.)"));
  for (const dispute of mine.slice(0, MAX_SHOWN))
    list.append(
      disputeCard(
        app,
        court,
        dispute,
        evidenceControl(app, court, dispute, "Claimant", asPatient, feeNote, panel, redraw),
        appealControl(app, court, dispute.id, appealBond, periods.ruling, panel, asPatient, feeNote, redraw),
      ),
    );
  if (mine.length > MAX_SHOWN) list.append(h("li", { class: "empty" }, `…and ${mine.length - MAX_SHOWN} older ones.`));
  view.append(list);

  // Open a dispute.
  const respondent = h("input", { type: "number", min: 0, max: 0xffffffff, step: 1, inputmode: "numeric", name: "respondent" });
  const respondentInfo = h("p", { class: "grantee-info", "aria-live": "polite", "data-testid": "respondent-info" });
  const subjectName = "dispute-subject";
  const disclosures = await answered(
    api.apis.AccessApi.disclosures_of(patient, Math.max(0, disclosureCount - 100), 100, { at: "best" }),
  );
  const disclosureNames = await providerNames(app, disclosures.map((d) => d.provider));
  const disclosure = h(
    "select",
    { name: "disclosure" },
    disclosures.length === 0 ? h("option", { value: "" }, "(your log has no disclosure)") : null,
    [...disclosures].reverse().map((d) =>
      h(
        "option",
        { value: String(d.id) },
        `#${d.id}: ${disclosureNames.get(d.provider) ?? `provider #${d.provider}`} saw ${dataClass(d.class.type as DataClassKey).label} for ${purpose(d.purpose.type as PurposeKey).label}, ${formatDateTime(d.at)}`,
      ),
    ),
  );
  const subject = h(
    "fieldset",
    { class: "choices" },
    h("legend", {}, "What it is about"),
    h("div", { class: "choice" }, h("input", { type: "radio", name: subjectName, id: "subject-conduct", value: "Conduct", checked: true }), h("label", { for: "subject-conduct" }, "The provider's conduct in general")),
    h("div", { class: "choice" }, h("input", { type: "radio", name: subjectName, id: "subject-disclosure", value: "Disclosure", disabled: disclosures.length === 0 }), h("label", { for: "subject-disclosure" }, "An access in my disclosure log (who saw my data)", disclosures.length ? "" : h("span", { class: "note" }, " — your log has no entry yet"))),
  );
  const disclosureField = field("Which access", disclosure, "The provider number above must be the provider that logged it.");
  disclosureField.hidden = true;
  const file = h("input", { type: "file", name: "evidence" });
  const hashOut = h("output", { class: "hash", "data-testid": "evidence-hash", "aria-live": "polite" });
  const status = h("div", { "aria-live": "polite" });
  let evidence: `0x${string}` | undefined;
  const form = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "open-title" },
    h("h3", { id: "open-title" }, "Open a dispute"),
    h(
      "p",
      {},
      "Contest a provider's access to your data, or its conduct. The arbitrators appointed by the council judge it. " +
        "An emergency access is contested from its review, not here.",
    ),
    field("Provider number", respondent),
    respondentInfo,
    subject,
    disclosureField,
    field("Evidence file", file, "A document that supports your claim. Only its hash (a fingerprint) is sent; the file stays with you. Keep it: you show it to the arbitrators."),
    h("p", {}, "Evidence fingerprint: ", hashOut),
    h(
      "p",
      { "data-testid": "bond-note" },
      `Opening holds a bond of ${amount(bond)} from ${ward ? "the patient's" : "your"} balance until the verdict is applied. ` +
        `Upheld: the bond comes back, and ${percent(compensation)} of the ${amount(slash)} slashed from the provider's bond is paid to ${ward ? "the patient" : "you"}. ` +
        `Rejected: ${percent(refund)} of the bond comes back; the rest goes to the arbitrators and the treasury. ` +
        `Evidence is taken for ${periodWords(periods.evidence, court.blockMs)}, then the arbitrators vote for ${periodWords(periods.voting, court.blockMs)}.`,
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Open this dispute")),
    status,
  );
  const chosen = () => form.querySelector<HTMLInputElement>(`input[name="${subjectName}"]:checked`)?.value ?? "Conduct";
  form.addEventListener("change", () => {
    disclosureField.hidden = chosen() !== "Disclosure";
  });
  let asked = 0;
  // The provider the number names, once the chain said so: used in the panel only for that number.
  let named: { id: number; label: string } | undefined;
  respondent.addEventListener("change", async () => {
    const ask = ++asked;
    named = undefined;
    const id = providerNumber(respondent.value);
    if (id === undefined) return void (respondentInfo.textContent = "");
    const provider = await answered(api.apis.HealthIdentityApi.provider(id, { at: "best" })).catch(() => undefined);
    if (ask !== asked) return;
    if (provider) named = { id, label: providerLabel(id, provider.name) };
    respondentInfo.textContent = provider ? `${providerLabel(id, provider.name)}, ${provider.status.type.toLowerCase()}.` : `There is no provider #${id}: the chain would refuse this dispute.`;
    respondentInfo.className = `grantee-info${provider ? "" : " warn"}`;
  });
  // A file picked while another is still being hashed wins: the older result is dropped.
  let picks = 0;
  file.addEventListener("change", async () => {
    const pick = ++picks;
    evidence = undefined;
    hashOut.textContent = "";
    const picked = file.files?.[0];
    if (!picked) return;
    try {
      hashOut.textContent = "Computing…";
      const computed = await fingerprintOf(picked);
      if (pick !== picks) return;
      evidence = computed;
      hashOut.textContent = evidence;
      replace(status);
    } catch (error) {
      if (pick !== picks) return;
      hashOut.textContent = "";
      replace(status, notice("error", (error as Error).message));
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.inert) return;
    const id = providerNumber(respondent.value);
    if (id === undefined) return replace(status, notice("error", "Enter the provider's number (a whole number from 0 to 4294967295)."));
    if (!evidence) return replace(status, notice("error", "Choose the evidence file first: its fingerprint is sent with the dispute."));
    const about = chosen();
    if (about === "Disclosure" && !disclosure.value) return replace(status, notice("error", "Choose the access you contest."));
    const subjectValue =
      about === "Disclosure" ? { type: "Disclosure" as const, value: BigInt(disclosure.value) } : { type: "Conduct" as const, value: undefined };
    replace(status);
    form.inert = true;
    try {
      const included = await runTx(
        app.chain,
        account,
        {
          title: `Open a dispute against ${named?.id === id ? named.label : `provider #${id}`}`,
          summary: `About ${about === "Disclosure" ? `disclosure #${disclosure.value}` : "the provider's conduct"}, with evidence ${evidence}. Holds ${amount(bond)} from ${ward ? "the patient" : "you"} until the verdict is applied.`,
          tx: asPatient(api.tx.Disputes.open_dispute({ respondent: id, subject: subjectValue, evidence })),
          ...(feeNote ? { feeNote } : {}),
        },
        panel,
      );
      const opened = included.events.find((e) => e.type === "Disputes" && e.value.type === "DisputeOpened");
      await redraw();
      if (opened) panel.append(notice("ok", `Dispute #${(opened.value.value as { id: number }).id} is open.`));
    } catch {
      form.inert = false;
    }
  });
  view.append(form, panel);
}

/** An appeal button for a verdict against the claimant, with its cost and deadline; else null. */
function appealControl(
  app: App,
  court: Court,
  id: number,
  appealBond: bigint,
  ruling: number,
  panel: HTMLElement,
  asPatient: App["asPatient"],
  feeNote: Parameters<typeof runTx>[2]["feeNote"],
  redraw: () => Promise<void>,
): HTMLElement | null {
  const dispute = court.disputes.find((d) => d.id === id)!;
  const account = app.account!;
  const stage = dispute.stage;
  if (stage.type === "Decided") {
    const verdict = stage.value.verdict.type;
    const words = h("p", { class: "verdict-words", "data-testid": "verdict-words" }, VERDICT_WORDS[verdict]);
    if (verdict !== "Rejected" || phaseOf(stage, court.now) !== "appeal") return words;
    const deadline = blockTime(stage.value.appeal_ends, court.now, court.nowMs, court.blockMs);
    const cost = h(
      "p",
      { "data-testid": "appeal-note" },
      `You may appeal once, until ${deadline}. Appealing holds ${formatAmount(app.chain, appealBond)}; the council then has ${periodWords(ruling, court.blockMs)} to rule. If it rules for you, the bond comes back; if it confirms the verdict, the bond is forfeited to the treasury; if it does not rule in time, the verdict stands and the bond comes back.`,
    );
    const button = h("button", { type: "button", "aria-label": `Appeal dispute #${id}` }, "Appeal");
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await runTx(
          app.chain,
          account,
          {
            title: `Appeal dispute #${id}`,
            summary: `Appeal the verdict (rejected) to the council; ${formatAmount(app.chain, appealBond)} is held until it rules.`,
            tx: asPatient(app.chain.api.tx.Disputes.appeal({ dispute_id: id })),
            ...(feeNote ? { feeNote } : {}),
          },
          panel,
        );
        await redraw();
      } catch {
        button.disabled = false;
      }
    });
    return h("div", {}, words, cost, button);
  }
  if (stage.type === "Appealed") return h("p", { class: "verdict-words" }, `Appealed; the arbitrators' verdict was: ${VERDICT_WORDS[stage.value.verdict.type]}`);
  return null;
}
