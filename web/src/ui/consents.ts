// "My consents": every consent of the patient in plain language, a guided form to grant one
// (who, what, why, until when, where the data may be held) that shows the sentence it will
// record before signing, and a one-click revoke that says when it takes effect.
import type { App } from "../app.ts";
import { answered } from "../chain.ts";
import { isAddress, type Account } from "../accounts.ts";
import {
  consentState,
  describeConsent,
  describeState,
  revokeEffect,
  type ConsentRecord,
  type Grantee,
  type Wording,
} from "../lib/plain.ts";
import {
  classMask,
  DATA_CLASSES,
  jurisdictionHex,
  PROVIDER_KINDS,
  providerNumber,
  purposeMask,
  PURPOSES,
  type DataClassKey,
  type ProviderKindKey,
  type PurposeKey,
} from "../lib/vocab.ts";
import { consentFeeNote, guardianFeeNote, runTx, type FeeNote } from "../tx.ts";
import { displayName } from "../lib/text.ts";
import { checkboxes, checkedValues, field, h, newId, notice, replace, select } from "./dom.ts";

/** The names of the providers a list of consents mentions (`HealthIdentityApi::provider`). */
async function providerNames(app: App, ids: number[]): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  await Promise.all(
    [...new Set(ids)].map(async (id) => {
      const provider = await app.chain.api.apis.HealthIdentityApi.provider(id, { at: "best" });
      if (provider) names.set(id, displayName(provider.name, `provider #${id}`));
    }),
  );
  return names;
}

export async function renderConsents(app: App, view: HTMLElement): Promise<void> {
  const account = app.account;
  // Acting for a ward, the screen reads and acts for the ward (its guardian signs and pays).
  const ward = app.ward;
  const patientAddress = app.patientAddress;
  replace(view, h("h2", {}, ward ? `Consents of ${app.wardName()}` : "My consents"));
  if (!account || !patientAddress) return void view.append(notice("info", "Choose an account first (top of the page)."));
  if (ward)
    view.append(
      notice("info", `You act for ${app.wardName()} as guardian: “my” in these sentences means the patient's. Your calls go through the guardian proxy, and you pay their fees.`),
    );
  const api = app.chain.api;
  const [patient, consents, now] = await answered(
    Promise.all([
      api.apis.HealthIdentityApi.patient(patientAddress, { at: "best" }),
      api.apis.ConsentApi.consents_of(patientAddress, { at: "best" }),
      api.query.Timestamp.Now.getValue({ at: "best" }),
    ]),
  );
  if (!patient) {
    view.append(
      notice("info", ward ? "This patient is not registered yet." : "This account is not registered as a patient yet."),
      ...(ward ? [] : [h("p", {}, h("a", { href: "#/register" }, "Register first"))]),
    );
    return;
  }
  /** The patient's call as this screen was drawn for it: as is, or through the guardian proxy. */
  const asPatient = (tx: Parameters<App["asPatient"]>[0]) => {
    if (app.ward !== ward) throw new Error("The patient acted for changed: the screen is being drawn again.");
    return app.asPatient(tx);
  };
  const feeNote = ward ? guardianFeeNote : consentFeeNote;
  const records = consents as unknown as ConsentRecord[];
  const names = await providerNames(
    app,
    records.flatMap((c) => (c.grantee.type === "Provider" ? [c.grantee.value] : [])),
  );
  const wording: Wording = {
    now: Number(now),
    providerName: (id) => names.get(id),
    accountName: (address) => app.knownName(address),
  };
  const panel = h("section", { class: "tx", "aria-live": "polite", hidden: true });

  const list = h("ul", { class: "consents", "data-testid": "consent-list" });
  if (records.length === 0) list.append(h("li", { class: "empty" }, "You have given no consents yet: nobody but you may see your data."));
  for (const consent of [...records].reverse()) {
    const state = consentState(consent, wording.now);
    const live = state === "active" || state === "scheduled";
    const revoke = live
      ? h("button", { type: "button", "aria-label": `Revoke consent #${consent.id}` }, "Revoke")
      : null;
    revoke?.addEventListener("click", async () => {
      revoke.disabled = true;
      try {
        const included = await runTx(
          app.chain,
          account,
          {
            title: `Revoke consent #${consent.id}`,
            tx: asPatient(api.tx.Consent.revoke_consent({ id: consent.id })),
            feeNote: async (chain, acc, fee) => `${await feeNote(chain, acc, fee)}. ${revokeEffect(consent.decision.type)}`,
          },
          panel,
        );
        panel.append(notice("ok", `Consent #${consent.id} is revoked from block #${included.block.number} on.`));
        await renderConsents(app, view).then(() => view.append(panel));
      } catch {
        revoke.disabled = false;
      }
    });
    list.append(
      h(
        "li",
        { class: `consent ${state}`, "data-consent-id": String(consent.id) },
        h("p", { class: "sentence" }, describeConsent(consent, wording)),
        h("p", { class: "meta" }, h("span", { class: `state ${state}` }, describeState(consent, wording)), ` · consent #${consent.id}`),
        revoke,
      ),
    );
  }
  view.append(list, h("h2", {}, "Give a consent"), grantForm(app, account, wording, panel, asPatient, feeNote, () => renderConsents(app, view).then(() => view.append(panel))), panel);
}

/** The jurisdictions field, worded by the decision (what the chain does with it). */
const RESIDENCY = {
  Permit: { label: "Where the data may be held (optional country codes)", hint: "Only providers in these countries are allowed. Leave empty for anywhere." },
  Deny: {
    label: "Refuse only providers in these countries (optional country codes)",
    hint: "The refusal applies only to providers in these countries; elsewhere it does not apply. Leave empty to refuse wherever the provider is.",
  },
} as const;

function grantForm(
  app: App,
  account: Account,
  wording: Wording,
  panel: HTMLElement,
  asPatient: App["asPatient"],
  feeNote: FeeNote,
  done: () => Promise<void>,
): HTMLFormElement {
  const api = app.chain.api;
  const whoName = newId("who");
  const whoOptions = [
    { value: "provider", label: "One provider (by its number)" },
    { value: "practitioner", label: "One practitioner (by account)" },
    { value: "providers", label: "Every accredited provider of a kind, or in a country" },
  ];
  const who = h(
    "fieldset",
    { class: "choices" },
    h("legend", {}, "Who"),
    whoOptions.map((o, i) => {
      const id = newId("who");
      return h("div", { class: "choice" }, h("input", { type: "radio", name: whoName, id, value: o.value, checked: i === 1 }), h("label", { for: id }, o.label));
    }),
  );
  const providerId = h("input", { type: "number", min: 0, max: 0xffffffff, step: 1, inputmode: "numeric", name: "provider" });
  const practitioner = h("input", { type: "text", name: "practitioner", autocomplete: "off", spellcheck: "false" });
  const kind = select("kind", [{ value: "", label: "any kind" }, ...PROVIDER_KINDS.map((k) => ({ value: k.key, label: k.one }))]);
  const kindCountry = h("input", { type: "text", name: "kind-country", maxlength: 2, size: 3 });
  const whoDetails = h(
    "div",
    { class: "who-details" },
    field("Provider number", providerId),
    field("Practitioner's account", practitioner, "The address the practitioner gave you."),
    field("Kind of provider", kind),
    field("In country (optional two-letter code)", kindCountry),
  );
  const decisionName = newId("decision");
  const decision = h(
    "fieldset",
    { class: "choices inline" },
    h("legend", {}, "Decision"),
    h("div", { class: "choice" }, h("input", { type: "radio", name: decisionName, id: `${decisionName}-p`, value: "Permit", checked: true }), h("label", { for: `${decisionName}-p` }, "Allow")),
    h("div", { class: "choice" }, h("input", { type: "radio", name: decisionName, id: `${decisionName}-d`, value: "Deny" }), h("label", { for: `${decisionName}-d` }, "Refuse (overrides any permission)")),
  );
  const classes = checkboxes(
    "What they may see",
    "classes",
    DATA_CLASSES.map((c) => ({ value: c.key, label: c.label, ...(c.sensitive ? { note: "(sensitive: only if you tick it)" } : {}) })),
  );
  const purposes = checkboxes("Why", "purposes", PURPOSES.map((p) => ({ value: p.key, label: p.label })), ["Treatment"]);
  const until = h("input", { type: "date", name: "until" });
  const residency = h("input", { type: "text", name: "residency", placeholder: "e.g. DE, FR", autocomplete: "off" });
  // The chain applies these countries to the provider's country: a permit allows only providers
  // there, a refusal refuses only providers there (elsewhere it does not apply).
  const residencyField = field(RESIDENCY.Permit.label, residency, RESIDENCY.Permit.hint);
  const residencyLabel = residencyField.querySelector("label")!;
  const residencyHint = residencyField.querySelector(".hint")!;
  const preview = h("p", { class: "preview", "aria-live": "polite", "data-testid": "grant-preview" });
  const status = h("div", { "aria-live": "polite" });
  const submit = h("button", { type: "submit", class: "primary" }, "Give this consent");

  const form = h(
    "form",
    { class: "card grant", novalidate: true },
    who,
    whoDetails,
    decision,
    classes,
    purposes,
    field("Until (optional; leave empty for “until I revoke it”)", until),
    residencyField,
    h("p", { class: "label" }, "You are about to record:"),
    preview,
    h("div", { class: "actions" }, submit),
    status,
  );

  const chosen = () => (form.querySelector<HTMLInputElement>(`input[name="${whoName}"]:checked`)?.value ?? "practitioner");
  const showWho = () => {
    const w = chosen();
    (providerId.closest(".field") as HTMLElement).hidden = w !== "provider";
    (practitioner.closest(".field") as HTMLElement).hidden = w !== "practitioner";
    (kind.closest(".field") as HTMLElement).hidden = w !== "providers";
    (kindCountry.closest(".field") as HTMLElement).hidden = w !== "providers";
  };

  /** The consent the form describes, or the first thing missing. */
  const read = (): { terms: Omit<ConsentRecord, "id" | "created_at" | "source" | "valid_from"> } | { problem: string } => {
    let grantee: Grantee;
    const w = chosen();
    if (w === "provider") {
      const id = providerNumber(providerId.value);
      if (id === undefined) return { problem: "Enter the provider's number (a whole number from 0 to 4294967295)." };
      grantee = { type: "Provider", value: id };
    } else if (w === "practitioner") {
      if (!isAddress(practitioner.value)) return { problem: "Enter the practitioner's account address." };
      grantee = { type: "Practitioner", value: practitioner.value.trim() };
    } else {
      let jurisdiction: string | undefined;
      try {
        jurisdiction = kindCountry.value.trim() ? jurisdictionHex(kindCountry.value) : undefined;
      } catch (error) {
        return { problem: (error as Error).message };
      }
      grantee = { type: "Providers", value: { kind: kind.value ? { type: kind.value as ProviderKindKey } : undefined, jurisdiction } };
    }
    const classKeys = checkedValues(form, "classes") as DataClassKey[];
    const purposeKeys = checkedValues(form, "purposes") as PurposeKey[];
    if (classKeys.length === 0) return { problem: "Tick at least one kind of data." };
    if (purposeKeys.length === 0) return { problem: "Tick at least one purpose." };
    let jurisdictions: string[] | undefined;
    try {
      const codes = residency.value.split(/[\s,;]+/).filter(Boolean);
      jurisdictions = codes.length ? codes.map(jurisdictionHex) : undefined;
    } catch (error) {
      return { problem: (error as Error).message };
    }
    // The end of the chosen day, in the patient's time zone.
    const valid_until = until.value ? BigInt(new Date(`${until.value}T23:59:59`).getTime()) : undefined;
    const decisionValue = form.querySelector<HTMLInputElement>(`input[name="${decisionName}"]:checked`)?.value === "Deny" ? "Deny" : "Permit";
    return {
      terms: {
        grantee,
        decision: { type: decisionValue },
        classes: classMask(classKeys),
        purposes: purposeMask(purposeKeys),
        jurisdictions,
        valid_until,
      },
    };
  };

  // Who the grantee is, from the chain, before anything is signed: a provider's name and
  // status, or the provider a practitioner acts for; a warning when there is none (the chain
  // would refuse the consent, and a refused consent pays its fee).
  const granteeInfo = h("p", { class: "grantee-info", "aria-live": "polite", "data-testid": "grantee-info" });
  whoDetails.append(granteeInfo);
  let asked = 0;
  const describeWho = async () => {
    const ask = ++asked;
    const w = chosen();
    let text = "";
    let warn = false;
    try {
      if (w === "provider" && providerNumber(providerId.value) !== undefined) {
        const id = providerNumber(providerId.value)!;
        const provider = await api.apis.HealthIdentityApi.provider(id, { at: "best" });
        if (provider) {
          const name = displayName(provider.name, `provider #${id}`);
          wording.providerName = ((known) => (pid: number) => (pid === id ? name : known?.(pid)))(wording.providerName);
          text = `Provider #${id} is ${name} (${provider.status.type.toLowerCase()}).`;
        } else [text, warn] = [`There is no provider #${id}: the chain would refuse this consent.`, true];
      } else if (w === "practitioner" && isAddress(practitioner.value)) {
        const id = await api.apis.HealthIdentityApi.provider_of(practitioner.value.trim(), { at: "best" });
        const provider = id === undefined ? undefined : await api.apis.HealthIdentityApi.provider(id, { at: "best" });
        if (provider) text = `This account acts for ${displayName(provider.name, `provider #${id}`)} (provider #${id}).`;
        else [text, warn] = ["This account is not a practitioner of any provider: the chain would refuse this consent.", true];
      }
    } catch {
      text = "";
    }
    if (ask !== asked) return;
    granteeInfo.textContent = text;
    granteeInfo.className = `grantee-info${warn ? " warn" : ""}`;
    update();
  };
  providerId.addEventListener("change", () => void describeWho());
  practitioner.addEventListener("change", () => void describeWho());
  who.addEventListener("change", () => void describeWho());

  const update = () => {
    showWho();
    const refusing = form.querySelector<HTMLInputElement>(`input[name="${decisionName}"]:checked`)?.value === "Deny";
    const words = RESIDENCY[refusing ? "Deny" : "Permit"];
    residencyLabel.textContent = words.label;
    residencyHint.textContent = words.hint;
    const result = read();
    if ("problem" in result) {
      preview.textContent = `(${result.problem})`;
      return;
    }
    preview.textContent = describeConsent(
      { ...result.terms, id: 0n, created_at: BigInt(wording.now), valid_from: BigInt(wording.now), source: { type: "Patient" } },
      wording,
    );
  };
  form.addEventListener("input", update);
  form.addEventListener("change", update);
  update();

  // From "Give this consent" until the transaction settles or is cancelled, the form cannot
  // change: what is signed is what the panel (and the preview) says.
  const freeze = (frozen: boolean) => {
    form.inert = frozen;
    form.setAttribute("aria-busy", String(frozen));
    for (const control of Array.from(form.elements) as (HTMLInputElement | HTMLSelectElement | HTMLButtonElement)[])
      control.disabled = frozen;
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (form.inert) return;
    const result = read();
    if ("problem" in result) return replace(status, notice("error", result.problem));
    replace(status);
    const { terms } = result;
    const sentence = describeConsent(
      { ...terms, id: 0n, created_at: BigInt(wording.now), valid_from: BigInt(wording.now), source: { type: "Patient" } },
      wording,
    );
    const grantee =
      terms.grantee.type === "Providers"
        ? { type: "Providers" as const, value: { kind: terms.grantee.value.kind, jurisdiction: terms.grantee.value.jurisdiction as `0x${string}` | undefined } }
        : terms.grantee;
    freeze(true);
    try {
      await runTx(
        app.chain,
        account,
        {
          title: "Give this consent",
          summary: sentence,
          tx: asPatient(api.tx.Consent.grant_consent({
            grantee: grantee as Parameters<typeof api.tx.Consent.grant_consent>[0]["grantee"],
            decision: terms.decision as Parameters<typeof api.tx.Consent.grant_consent>[0]["decision"],
            classes: terms.classes,
            purposes: terms.purposes,
            jurisdictions: terms.jurisdictions as `0x${string}`[] | undefined,
            valid_from: undefined,
            valid_until: terms.valid_until,
          })),
          feeNote,
        },
        panel,
      );
    } catch {
      freeze(false);
      update();
      return;
    }
    await done();
  });
  return form;
}
