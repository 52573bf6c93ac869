// The clinician's access check: may the selected account (a practitioner) see this class of
// this patient's data for this purpose, now? Asked of the node's runtime API
// (`ConsentApi::check_access`) at the newest block: no transaction, no fee.
import type { App } from "../app.ts";
import { isAddress } from "../accounts.ts";
import { answered, NodeTimeout } from "../chain.ts";
import { displayName } from "../lib/text.ts";
import { describeDecision, type AccessDecision } from "../lib/plain.ts";
import { DATA_CLASSES, PURPOSES, type DataClassKey, type PurposeKey } from "../lib/vocab.ts";
import { field, h, notice, replace, select } from "./dom.ts";

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
