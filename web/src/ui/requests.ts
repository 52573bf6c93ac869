// "Requests": the patient's open access requests in plain language (who asks, for what, why,
// for how long, the bounty, when it was made and when it expires), each approved in full or in
// part (the patient ticks the kinds of data to grant) or refused. Approving creates a
// time-bounded permission for the provider in the consent registry (pallet-access
// `approve_request`); refusing ends the request and returns the provider's deposit.
import type { App } from "../app.ts";
import type { Account } from "../accounts.ts";
import { answered, formatAmount } from "../chain.ts";
import {
  approvedOutcome,
  approveNote,
  deniedOutcome,
  denyNote,
  describeRequest,
  requestedClasses,
  requestFacts,
  type AccessWording,
  type RequestRecord,
} from "../lib/access.ts";
import { displayName } from "../lib/text.ts";
import { classMask, type DataClassKey } from "../lib/vocab.ts";
import { consentFeeNote, runTx, type FeeNote } from "../tx.ts";
import { checkboxes, checkedValues, h, notice, replace } from "./dom.ts";

/** Display names of providers (`HealthIdentityApi::provider`), control characters stripped. */
export async function providerDisplayNames(app: App, ids: number[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  await Promise.all(
    [...new Set(ids)].map(async (id) => {
      const provider = await answered(app.chain.api.apis.HealthIdentityApi.provider(id, { at: "best" }));
      if (provider) names.set(id, displayName(provider.name, `provider #${id}`));
    }),
  );
  return names;
}

/** The wording of the access screens: names the app knows, amounts in SLS, the chain's clock. */
export function accessWording(app: App, names: Map<number, string>, now: bigint): AccessWording {
  return {
    now: Number(now),
    providerName: (id) => names.get(id),
    accountName: (address) => app.knownName(address),
    amount: (planck) => formatAmount(app.chain, planck),
  };
}

/**
 * The fee note of the patient's own answers (approve, refuse, acknowledge): free within the
 * consent allowance when the patient signs; a guardian's proxy call is paid by the guardian.
 */
export function patientFeeNote(app: App, extra?: string): FeeNote {
  return async (chain, account, fee) => {
    const base = app.ward
      ? `Fee: ${formatAmount(chain, fee)} (you act as guardian: you pay it)`
      : await consentFeeNote(chain, account, fee);
    return extra ? `${base}. ${extra}` : base;
  };
}

export async function renderRequests(app: App, view: HTMLElement): Promise<void> {
  const account = app.account;
  const patient = app.patientAddress;
  replace(view, h("h2", {}, "Requests for your data"));
  if (!account || !patient) return void view.append(notice("info", "Choose an account first (top of the page)."));
  const api = app.chain.api;
  const [registered, pending, now] = await answered(
    Promise.all([
      api.apis.HealthIdentityApi.patient(patient, { at: "best" }),
      api.apis.AccessApi.pending_requests_of(patient, { at: "best" }),
      api.query.Timestamp.Now.getValue({ at: "best" }),
    ]),
  );
  if (!registered) {
    view.append(notice("info", "This account is not registered as a patient yet."), h("p", {}, h("a", { href: "#/register" }, "Register first")));
    return;
  }
  if (app.ward) view.append(notice("info", `You are answering as guardian of ${app.knownName(patient) ?? patient}.`));
  const requests = pending as unknown as [bigint, RequestRecord][];
  const names = await providerDisplayNames(app, requests.map(([, r]) => r.provider));
  const wording = accessWording(app, names, now);
  const panel = h("section", { class: "tx", "aria-live": "polite", hidden: true });
  const outcome = h("div", { "aria-live": "polite", "data-testid": "request-outcome" });
  const redraw = async (said: HTMLElement) => {
    await renderRequests(app, view);
    view.querySelector('[data-testid="request-outcome"]')?.replaceChildren(said);
    // The new screen's panel (the one its buttons use) shows how the last transaction ended.
    const fresh = view.querySelector<HTMLElement>("section.tx");
    if (fresh) {
      fresh.replaceChildren(...Array.from(panel.childNodes));
      fresh.hidden = false;
    }
  };

  view.append(
    h("p", {}, "Providers ask here to see part of your record. Approve all of a request, only the kinds of data you tick, or refuse it. Approving gives a permission for a limited time, which you can revoke under My consents."),
    outcome,
  );
  const list = h("ul", { class: "requests", "data-testid": "request-list" });
  if (requests.length === 0) list.append(h("li", { class: "empty" }, "No open requests: nobody is waiting for your answer."));
  for (const [id, request] of requests) list.append(requestItem(app, account, id, request, wording, panel, redraw));
  view.append(list, panel);
}

function requestItem(
  app: App,
  account: Account,
  id: bigint,
  request: RequestRecord,
  wording: AccessWording,
  panel: HTMLElement,
  redraw: (said: HTMLElement) => Promise<void>,
): HTMLElement {
  const api = app.chain.api;
  const expired = Number(request.expires_at) <= wording.now;
  const classes = requestedClasses(request.classes);
  const headingId = `request-${id}`;
  const ticks = checkboxes(
    "What to allow",
    `request-${id}-classes`,
    classes.map((c) => ({ value: c.key, label: c.label, ...(c.sensitive ? { note: "(sensitive)" } : {}) })),
    classes.map((c) => c.key),
  );
  const some = h("button", { type: "button", class: "primary", disabled: expired }, "Approve the ticked");
  const all = h("button", { type: "button", disabled: expired }, "Approve all");
  const refuse = h("button", { type: "button" }, "Refuse");
  const status = h("div", { "aria-live": "polite" });
  const item = h(
    "li",
    { class: `request${expired ? " expired" : ""}`, "data-request-id": String(id), "aria-labelledby": headingId },
    h("h3", { id: headingId }, `Request #${id}`),
    h("p", { class: "sentence" }, describeRequest(request, wording)),
    h("ul", { class: "facts" }, requestFacts(request, wording).map((fact) => h("li", {}, fact))),
    expired ? null : ticks,
    h("div", { class: "actions", role: "group", "aria-label": `Answer request #${id}` }, expired ? null : some, expired ? null : all, refuse),
    status,
  );
  const buttons = [some, all, refuse];
  const lock = (locked: boolean) => {
    item.setAttribute("aria-busy", String(locked));
    for (const b of buttons) b.disabled = locked || (expired && b !== refuse);
    for (const input of Array.from(ticks.querySelectorAll("input"))) input.disabled = locked;
  };

  const approve = async (subset: boolean) => {
    const keys = checkedValues(ticks, `request-${id}-classes`) as DataClassKey[];
    if (subset && keys.length === 0) return replace(status, notice("error", "Tick at least one kind of data, or refuse the request."));
    const mask = subset ? classMask(keys) : request.classes;
    const whole = mask === request.classes;
    replace(status);
    lock(true);
    try {
      const included = await runTx(
        app.chain,
        account,
        {
          title: whole ? `Approve request #${id}` : `Approve part of request #${id}`,
          summary: approveNote(request, mask, wording),
          // All asked for: `None`; some: the ticked subset (the chain checks it is one).
          tx: app.asPatient(api.tx.Access.approve_request({ request_id: id, classes: whole ? undefined : mask })),
          feeNote: patientFeeNote(app),
        },
        panel,
      );
      const approved = included.events.find((e) => e.type === "Access" && e.value.type === "RequestApproved")?.value.value as
        | { classes: number; consent: bigint; valid_until: bigint }
        | undefined;
      const said = approved
        ? approvedOutcome(request.provider, approved.classes, request.purpose.type, approved.valid_until, approved.consent, wording)
        : `Request #${id} is approved (block #${included.block.number}).`;
      await redraw(notice("ok", said));
    } catch {
      lock(false);
    }
  };
  some.addEventListener("click", () => void approve(true));
  all.addEventListener("click", () => void approve(false));
  refuse.addEventListener("click", async () => {
    replace(status);
    lock(true);
    try {
      await runTx(
        app.chain,
        account,
        {
          title: `Refuse request #${id}`,
          summary: denyNote(request, wording),
          tx: app.asPatient(api.tx.Access.deny_request({ request_id: id })),
          feeNote: patientFeeNote(app),
        },
        panel,
      );
      await redraw(notice("ok", deniedOutcome(request, wording)));
    } catch {
      lock(false);
    }
  });
  return item;
}
