// The clinician's access check: may the selected account (a practitioner) see this class of
// this patient's data for this purpose, now? Asked of the node's runtime API
// (`ConsentApi::check_access`) at the newest block: no transaction, no fee.
import type { App } from "../app.ts";
import { isAddress, type Account } from "../accounts.ts";
import { answered, formatAmount, NodeTimeout } from "../chain.ts";
import {
  BOUNTY_MEANING,
  breakGlassNote,
  classList,
  describeDirective,
  describeDuration,
  EMERGENCY_REASONS,
  sealJustification,
  emergencyCommitment,
  fingerprint,
  NON_SENSITIVE_CLASSES,
  parseAmount,
  parseDays,
  patientsClasses,
  requestCostNote,
  type RequestRecord,
} from "../lib/access.ts";
import { newSalt, toHex } from "../lib/commitment.ts";
import { describeDecision, formatDateTime, shortAddress, type AccessDecision } from "../lib/plain.ts";
import { classMask, countryName, DATA_CLASSES, jurisdictionCode, PURPOSES, type DataClassKey, type PurposeKey } from "../lib/vocab.ts";
import { runTx } from "../tx.ts";
import { checkboxes, checkedValues, field, h, notice, replace, select } from "./dom.ts";
import { displayName } from "../lib/text.ts";

export async function renderClinician(app: App, view: HTMLElement): Promise<void> {
  const account = app.account;
  replace(view, h("h2", {}, "Check access"));
  if (!account) return void view.append(notice("info", "Choose an account first (top of the page)."));
  const api = app.chain.api;
  const providerId = await api.apis.HealthIdentityApi.provider_of(account.address, { at: "best" });
  const provider = providerId === undefined ? undefined : await api.apis.HealthIdentityApi.provider(providerId, { at: "best" });
  view.append(
    h(
      "p",
      { "data-testid": "acting-for" },
      provider && providerId !== undefined
        ? `${account.name} acts for ${displayName(provider.name, `provider #${providerId}`)} (provider #${providerId}, ${provider.status.type.toLowerCase()}).`
        : `${account.name} is not a practitioner of any provider: every check will be denied.`,
    ),
  );
  const patient = h("input", { type: "text", name: "patient", autocomplete: "off", spellcheck: "false", required: true });
  const dataClass = select("class", DATA_CLASSES.map((c) => ({ value: c.key, label: c.label })), "LabResults");
  const purpose = select("purpose", PURPOSES.map((p) => ({ value: p.key, label: `${p.label} (${p.code})` })), "Treatment");
  const result = h("div", { class: "decision", "aria-live": "polite", "data-testid": "decision" });
  const form = h(
    "form",
    { class: "card", novalidate: true },
    field("Patient's account", patient),
    field("Kind of data", dataClass),
    field("Purpose", purpose),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Check")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!isAddress(patient.value)) return replace(result, notice("error", "Enter the patient's account address."));
    replace(result, h("p", { class: "progress", role: "status" }, "Asking the node…"));
    try {
      const answer = (await answered(
        api.apis.ConsentApi.check_access(
          patient.value.trim(),
          account.address,
          { type: dataClass.value as DataClassKey, value: undefined },
          { type: purpose.value as PurposeKey, value: undefined },
          undefined,
          { at: "best" },
        ),
      )) as unknown as AccessDecision;
      const { permit, headline, detail } = describeDecision(answer);
      replace(
        result,
        h("p", { class: `verdict ${permit ? "permit" : "deny"}`, "data-testid": "verdict" }, headline),
        h("p", {}, detail),
      );
    } catch (error) {
      const message = (error as Error).message;
      replace(result, notice("error", error instanceof NodeTimeout ? message : `The node could not answer: ${message}`));
    }
  });
  view.append(form, result);
}

// The clinician console: look a patient up (registered? what an emergency would open), ask for
// access (kinds of data, purpose, duration, an optional research bounty), break the glass with
// a confirmation that says what it means, log a disclosure, and see the provider's own open
// requests (withdraw one). Every transaction through runTx.

/** What the console knows of the practitioner acting. */
interface Acting {
  account: Account;
  providerId: number;
  providerName: string;
  kind: string;
  accredited: boolean;
}

export async function renderConsole(app: App, view: HTMLElement): Promise<void> {
  const account = app.account;
  replace(view, h("h2", {}, "Clinician console"));
  if (!account) return void view.append(notice("info", "Choose an account first (top of the page)."));
  const api = app.chain.api;
  const providerId = await answered(api.apis.HealthIdentityApi.provider_of(account.address, { at: "best" }));
  const provider = providerId === undefined ? undefined : await answered(api.apis.HealthIdentityApi.provider(providerId, { at: "best" }));
  if (providerId === undefined || !provider) {
    view.append(
      h("p", { "data-testid": "console-acting-for" }, `${account.name} is not a practitioner of any provider: requests, emergencies and disclosures would be refused.`),
    );
    return;
  }
  const acting: Acting = {
    account,
    providerId,
    providerName: displayName(provider.name, `provider #${providerId}`),
    kind: provider.kind.type,
    accredited: provider.status.type === "Accredited",
  };
  view.append(
    h(
      "p",
      { "data-testid": "console-acting-for" },
      `${account.name} acts for ${acting.providerName} (provider #${providerId}, ${provider.kind.type.toLowerCase()}, ${provider.status.type.toLowerCase()}).`,
    ),
  );
  if (!acting.accredited) view.append(notice("error", `${acting.providerName} is not accredited: the chain refuses its requests, emergencies and disclosures.`));
  const panel = h("section", { class: "tx", "aria-live": "polite", hidden: true });
  const outcome = h("div", { "aria-live": "polite", "data-testid": "console-outcome" });
  const patientInput = h("input", { type: "text", name: "console-patient", autocomplete: "off", spellcheck: "false" });
  const patientInfo = h("div", { "aria-live": "polite", "data-testid": "patient-info" });
  const actions = h("div", { class: "console-actions", hidden: true });
  const lookup = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "console-find" },
    h("h3", { id: "console-find" }, "Find a patient"),
    field("Patient (account address)", patientInput),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Look up")),
    patientInfo,
  );
  let asked = 0;
  // Another patient typed: the acts below were for the one looked up; they go until it is.
  patientInput.addEventListener("input", () => {
    asked += 1;
    actions.hidden = true;
    replace(actions);
    replace(patientInfo);
  });
  lookup.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ask = ++asked;
    actions.hidden = true;
    if (!isAddress(patientInput.value)) return replace(patientInfo, notice("error", "Enter the patient's account address."));
    const address = patientInput.value.trim();
    replace(patientInfo, h("p", { class: "progress", role: "status" }, "Asking the node…"));
    try {
      const [patient, directive] = await answered(
        Promise.all([
          api.apis.HealthIdentityApi.patient(address, { at: "best" }),
          api.apis.ConsentApi.emergency_directive(address, { at: "best" }),
        ]),
      );
      if (ask !== asked) return;
      if (!patient) return replace(patientInfo, notice("error", "This account is not a registered patient: requests and emergencies about it would be refused."));
      const emergencyClasses = NON_SENSITIVE_CLASSES | directive;
      replace(
        patientInfo,
        h(
          "ul",
          { class: "facts" },
          h("li", {}, `${app.knownName(address) ?? shortAddress(address)} is a registered patient, home country ${countryName(jurisdictionCode(patient.jurisdiction))}.`),
          h("li", {}, patient.vouched_by === undefined ? "Identity not yet checked in person by a provider." : `Identity checked in person by provider #${patient.vouched_by}.`),
          h(
            "li",
            {},
            directive === 0
              ? `${describeDirective(emergencyClasses)} (No emergency directive: the patient opened no sensitive kind of data to emergencies.)`
              : `${describeDirective(emergencyClasses)} (The patient's emergency directive adds ${classList(directive)}.)`,
          ),
        ),
      );
      replace(actions, ...(await consoleActions(app, acting, address, emergencyClasses, panel, outcome)));
      actions.hidden = false;
    } catch (error) {
      if (ask === asked) replace(patientInfo, notice("error", (error as Error).message));
    }
  });
  view.append(lookup, outcome, actions, panel, await providerRequests(app, acting, panel, outcome));
}

/** The three acts on a patient: request, break the glass, log a disclosure. */
async function consoleActions(
  app: App,
  acting: Acting,
  patient: string,
  emergencyClasses: number,
  panel: HTMLElement,
  outcome: HTMLElement,
): Promise<HTMLElement[]> {
  const api = app.chain.api;
  const c = api.constants.Access;
  const [fee, deposit, lifetime, maxDuration, window, review, emergencyDeposit, perPractitioner, perPatient, slash, now] = await answered(
    Promise.all([
      c.RequestFee(),
      c.RequestDeposit(),
      c.RequestLifetime(),
      c.MaxAccessDuration(),
      c.EmergencyWindow(),
      c.ReviewPeriod(),
      c.EmergencyDeposit(),
      c.MaxEmergencies(),
      c.MaxEmergenciesPerPatient(),
      api.constants.Disputes.Slash(),
      api.query.Timestamp.Now.getValue({ at: "best" }),
    ]),
  );
  const amount = (planck: bigint) => formatAmount(app.chain, planck);
  const who = app.knownName(patient) ?? shortAddress(patient);
  const done = (text: string) => replace(outcome, notice("ok", text));

  // Request access.
  const classes = checkboxes(
    "Kinds of data to ask for",
    "request-classes",
    DATA_CLASSES.map((d) => ({ value: d.key, label: d.label, ...(d.sensitive ? { note: "(sensitive)" } : {}) })),
  );
  const purpose = select("request-purpose", PURPOSES.map((p) => ({ value: p.key, label: `${p.label} (${p.code})` })), "Treatment");
  const days = h("input", { type: "number", name: "request-days", min: 1, max: Number(maxDuration / 86_400_000n), step: 1, value: "30", inputmode: "numeric" });
  const justification = h("textarea", { name: "request-justification", rows: 2 });
  const bounty = h("input", { type: "text", name: "request-bounty", inputmode: "decimal", autocomplete: "off", placeholder: "0" });
  const requestStatus = h("div", { "aria-live": "polite" });
  const requestForm = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "console-request" },
    h("h3", { id: "console-request" }, `Ask ${who} for access`),
    classes,
    field("Purpose of the request", purpose),
    field("For how many days once approved", days, `At most ${describeDuration(maxDuration)}.`),
    field("Justification (stays here; only its fingerprint is sent)", justification, "E.g. the referral. A short phrase can be guessed from its fingerprint: write it in full."),
    field(`Research bounty (${app.chain.symbol}, optional)`, bounty, BOUNTY_MEANING),
    h("p", { class: "hint" }, requestCostNote(fee, deposit, lifetime, amount)),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Send the request")),
    requestStatus,
  );
  requestForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (requestForm.inert) return;
    const keys = checkedValues(requestForm, "request-classes") as DataClassKey[];
    const duration = parseDays(days.value, maxDuration);
    const offered = parseAmount(bounty.value, app.chain.decimals);
    const problem =
      keys.length === 0
        ? "Tick at least one kind of data."
        : duration === undefined
          ? `Enter a whole number of days from 1 to ${Number(maxDuration / 86_400_000n)}.`
          : justification.value.trim() === ""
            ? "Write the justification (it stays here; only its fingerprint is sent)."
            : offered === undefined
              ? `Enter the bounty as a number of ${app.chain.symbol} (e.g. 2.5), or leave it empty.`
              : offered > 0n && purpose.value !== "Research"
                ? "Only a research request may offer a bounty."
                : undefined;
    if (problem) return replace(requestStatus, notice("error", problem));
    replace(requestStatus);
    const mask = classMask(keys);
    const purposeKey = purpose.value as PurposeKey;
    const justificationSalt = newSalt();
    const justificationText = justification.value.trim();
    const hash = toHex(sealJustification(justificationSalt, justificationText));
    freeze(requestForm, true);
    try {
      const included = await runTx(
        app.chain,
        acting.account,
        {
          title: `Ask ${who} for access`,
          summary: `Ask to see ${patientsClasses(mask)}, for ${PURPOSES.find((p) => p.key === purposeKey)!.label}, for ${describeDuration(duration!)} from approval${offered! > 0n ? `, offering a research bounty of ${amount(offered!)}` : ""}. Justification fingerprint ${hash}.`,
          tx: api.tx.Access.request_access({
            patient,
            classes: mask,
            purpose: { type: purposeKey, value: undefined },
            duration: duration!,
            justification: hash,
            bounty: offered!,
          }),
        },
        panel,
      );
      const made = included.events.find((e) => e.type === "Access" && e.value.type === "AccessRequested")?.value.value as
        | { id: bigint; expires_at: bigint }
        | undefined;
      done(made ? `Request #${made.id} sent to ${who}: it waits for an answer until ${formatDateTime(made.expires_at)}.` : `The request was sent (block #${included.block.number}).`);
      // The salt and the text open the fingerprint on chain: the clinician keeps them.
      const sealedFile = JSON.stringify(
        {
          what: "Salus access request: the justification sealed in the request's fingerprint on chain; keep it to show the patient or the arbitrators",
          request: made ? String(made.id) : undefined,
          justification: justificationText,
          salt: toHex(justificationSalt),
          fingerprint: hash,
        },
        null,
        2,
      );
      requestStatus.append(
        h("p", {}, h("a", { class: "button", download: "salus-request.json", href: URL.createObjectURL(new Blob([sealedFile], { type: "application/json" })) }, "Download the sealed justification (keep it)")),
      );
      await refreshRequests(app, acting, panel, outcome);
    } catch {
      /* the panel says why */
    }
    freeze(requestForm, false);
  });

  // Break the glass.
  const reason = select(
    "emergency-reason",
    EMERGENCY_REASONS.map((r, index) => ({ value: String(index), label: r.label })),
    "0",
  );
  const emergencyNote = h("textarea", { name: "emergency-justification", rows: 2 });
  const emergencyStatus = h("div", { "aria-live": "polite" });
  const confirmBox = h("div", { class: "confirm-glass", hidden: true, "data-testid": "break-glass-confirm", role: "region", "aria-labelledby": "glass-confirm-title" });
  const canBreak = acting.kind === "Hospital" || acting.kind === "Clinic";
  const emergencyForm = h(
    "form",
    { class: "card glass", novalidate: true, "aria-labelledby": "console-emergency" },
    h("h3", { id: "console-emergency" }, "Emergency access (break the glass)"),
    canBreak ? null : notice("info", "Only practitioners of hospitals and clinics may declare an emergency: the chain would refuse it."),
    field("Reason", reason, "Recorded only inside a sealed fingerprint: the chain never shows it in clear."),
    field("Clinical justification (stays here; sealed into the fingerprint)", emergencyNote),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Declare an emergency…")),
    emergencyStatus,
  );
  // The confirmation stands outside the form, which is locked while it is shown: what is
  // signed is the reason and justification sealed when it opened.
  const emergencySection = h("div", { class: "glass-section" }, emergencyForm, confirmBox);
  const closeConfirm = () => {
    confirmBox.hidden = true;
    replace(confirmBox);
    freeze(emergencyForm, false);
  };
  emergencyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    if (emergencyForm.inert) return;
    if (emergencyNote.value.trim() === "") return replace(emergencyStatus, notice("error", "Write the clinical justification (it stays here)."));
    replace(emergencyStatus);
    const reasonIndex = Number(reason.value);
    const salt = newSalt();
    const document = fingerprint(new TextEncoder().encode(emergencyNote.value.trim()));
    const sealed = toHex(emergencyCommitment(reasonIndex, salt, document));
    const record = JSON.stringify(
      {
        what: "Salus emergency: the reason and justification sealed in the emergency's fingerprint on chain; keep it to show the patient and, if contested, the arbitrators",
        patient,
        practitioner: acting.account.address,
        provider: acting.providerId,
        reason: EMERGENCY_REASONS[reasonIndex]!.key,
        justification: emergencyNote.value.trim(),
        justificationHash: toHex(document),
        salt: toHex(salt),
        commitment: sealed,
        made: new Date().toISOString(),
      },
      null,
      2,
    );
    const download = h("a", { class: "button", download: "salus-emergency.json", href: URL.createObjectURL(new Blob([record], { type: "application/json" })) }, "Download the sealed reason (keep it)");
    const go = h("button", { type: "button", class: "primary danger" }, "Break the glass");
    const back = h("button", { type: "button" }, "Cancel");
    const terms = breakGlassNote(
      { classes: emergencyClasses, windowMs: window, reviewMs: review, deposit: emergencyDeposit, slash, perPractitioner, perPatient },
      acting.providerName,
      { amount, now: Number(now) },
    );
    replace(
      confirmBox,
      h("h4", { id: "glass-confirm-title" }, `Break the glass for ${who}? What it means:`),
      h("ul", {}, terms.map((t) => h("li", {}, t))),
      h("p", {}, download),
      h("div", { class: "actions" }, go, back),
    );
    confirmBox.hidden = false;
    freeze(emergencyForm, true);
    go.focus();
    back.addEventListener("click", () => {
      URL.revokeObjectURL(download.href);
      closeConfirm();
    });
    go.addEventListener("click", async () => {
      go.disabled = true;
      back.disabled = true;
      try {
        const included = await runTx(
          app.chain,
          acting.account,
          {
            title: `Declare an emergency for ${who}`,
            summary: terms[0],
            tx: api.tx.Access.declare_emergency({ patient, justification: sealed }),
          },
          panel,
        );
        const declared = included.events.find((e) => e.type === "Access" && e.value.type === "EmergencyDeclared")?.value.value as
          | { id: bigint; access_until: bigint; review_due: bigint }
          | undefined;
        done(
          declared
            ? `Emergency access #${declared.id} declared: ${acting.providerName} may see ${patientsClasses(emergencyClasses)}, for emergency treatment, until ${formatDateTime(declared.access_until)}. The patient reviews it by ${formatDateTime(declared.review_due)}.`
            : `The emergency was declared (block #${included.block.number}).`,
        );
        // The sealed reason stays offered: without it the reason cannot be shown to the
        // patient or the arbitrators.
        replace(confirmBox, notice("info", "Keep the sealed reason: without it the reason behind this emergency cannot be shown to the patient or the arbitrators."), download);
        freeze(emergencyForm, false);
        emergencyNote.value = "";
      } catch {
        go.disabled = false;
        back.disabled = false;
      }
    });
  });

  // Log a disclosure.
  const seen = select("disclosure-class", DATA_CLASSES.map((d) => ({ value: d.key, label: d.label })), "LabResults");
  const why = select("disclosure-purpose", PURPOSES.map((p) => ({ value: p.key, label: `${p.label} (${p.code})` })), "Treatment");
  const disclosureForm = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "console-disclosure" },
    h("h3", { id: "console-disclosure" }, "Log a disclosure"),
    h("p", { class: "hint" }, `Every access to ${who}'s data is written in the patient's disclosure log, which the patient reads. The chain refuses the entry if the access is not permitted now.`),
    field("What was seen", seen),
    field("Purpose of the access", why),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Log this access")),
  );
  disclosureForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (disclosureForm.inert) return;
    const dataClass = seen.value as DataClassKey;
    const purposeKey = why.value as PurposeKey;
    freeze(disclosureForm, true);
    try {
      const included = await runTx(
        app.chain,
        acting.account,
        {
          title: `Log a disclosure for ${who}`,
          summary: `${acting.account.name} of ${acting.providerName} saw ${who}'s ${DATA_CLASSES.find((d) => d.key === dataClass)!.label}, for ${PURPOSES.find((p) => p.key === purposeKey)!.label}.`,
          tx: api.tx.Access.log_disclosure({
            patient,
            data_class: { type: dataClass, value: undefined },
            purpose: { type: purposeKey, value: undefined },
            record: undefined,
          }),
        },
        panel,
      );
      const logged = included.events.find((e) => e.type === "Access" && e.value.type === "DisclosureLogged")?.value.value as
        | { id: bigint; basis: { type: "OwnData" } | { type: "Consent"; value: { id: bigint } } }
        | undefined;
      const basis = logged?.basis.type === "Consent" ? `, allowed under consent #${logged.basis.value.id}` : "";
      done(logged ? `Logged in ${who}'s disclosure log (entry #${logged.id})${basis}.` : `Logged (block #${included.block.number}).`);
    } catch {
      /* the panel says why */
    }
    freeze(disclosureForm, false);
  });
  return [requestForm, emergencySection, disclosureForm];
}

function freeze(form: HTMLFormElement, frozen: boolean): void {
  form.inert = frozen;
  form.setAttribute("aria-busy", String(frozen));
  for (const control of Array.from(form.elements) as (HTMLInputElement | HTMLButtonElement)[]) control.disabled = frozen;
}

/** The provider's open requests, newest last, each with a withdraw button. */
async function providerRequests(app: App, acting: Acting, panel: HTMLElement, outcome: HTMLElement): Promise<HTMLElement> {
  const section = h("section", { class: "provider-requests", "aria-labelledby": "console-open-requests", "data-testid": "provider-requests" });
  await fillProviderRequests(app, acting, panel, outcome, section);
  return section;
}

async function refreshRequests(app: App, acting: Acting, panel: HTMLElement, outcome: HTMLElement): Promise<void> {
  const section = document.querySelector<HTMLElement>('[data-testid="provider-requests"]');
  if (section) await fillProviderRequests(app, acting, panel, outcome, section);
}

/** The most requests the table shows (the runtime API returns at most 1 000). */
const MAX_ROWS = 200;

async function fillProviderRequests(app: App, acting: Acting, panel: HTMLElement, outcome: HTMLElement, section: HTMLElement): Promise<void> {
  const api = app.chain.api;
  const [open, now] = await answered(
    Promise.all([api.apis.AccessApi.requests_of_provider(acting.providerId, { at: "best" }), api.query.Timestamp.Now.getValue({ at: "best" })]),
  );
  const rows = (open as unknown as [bigint, RequestRecord][]).slice(-MAX_ROWS).reverse();
  const heading = h("h3", { id: "console-open-requests" }, `Open requests of ${acting.providerName}`);
  if (rows.length === 0) return replace(section, heading, h("p", { class: "empty" }, "None."));
  const table = h(
    "table",
    {},
    h("caption", { class: "visually-hidden" }, `Open requests of ${acting.providerName}, newest first`),
    h(
      "thead",
      {},
      h("tr", {}, ["Request", "Patient", "Asked for", "Purpose", "Expires", ""].map((t, i) => h("th", { scope: "col", ...(i === 5 ? { "aria-label": "Action" } : {}) }, t))),
    ),
    h(
      "tbody",
      {},
      rows.map(([id, r]) => {
        const withdraw = h("button", { type: "button", "aria-label": `Withdraw request #${id}` }, "Withdraw");
        withdraw.addEventListener("click", async () => {
          withdraw.disabled = true;
          try {
            await runTx(
              app.chain,
              acting.account,
              { title: `Withdraw request #${id}`, summary: `The request ends; its deposit${r.bounty > 0n ? " and bounty" : ""} come back to ${app.knownName(r.practitioner) ?? "the practitioner who made it"}. Its fee is not refunded.`, tx: api.tx.Access.cancel_request({ request_id: id }) },
              panel,
            );
            replace(outcome, notice("ok", `Request #${id} is withdrawn.`));
            await fillProviderRequests(app, acting, panel, outcome, section);
          } catch {
            withdraw.disabled = false;
          }
        });
        const expired = Number(r.expires_at) <= Number(now);
        return h(
          "tr",
          { "data-request-id": String(id) },
          h("th", { scope: "row" }, `#${id}`),
          h("td", { class: "hash" }, app.knownName(r.patient) ?? shortAddress(r.patient)),
          h("td", {}, classList(r.classes)),
          h("td", {}, PURPOSES.find((p) => p.key === r.purpose.type)?.label ?? r.purpose.type),
          h("td", {}, `${expired ? "expired " : ""}${formatDateTime(r.expires_at)}`),
          h("td", {}, withdraw),
        );
      }),
    ),
  );
  replace(section, heading, h("div", { class: "table-scroll" }, table));
}
