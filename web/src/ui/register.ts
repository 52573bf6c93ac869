// Patient onboarding: the identity commitment computed here from an identifier and a new random
// salt that the patient saves (a file it downloads); only the binding and then the commitment —
// salted hashes — are sent, in two transactions (announce, then reveal in a later block).
import type { App } from "../app.ts";
import { binding, commitment, newSalt, normalizeIdentifier, saltFile, toHex } from "../lib/commitment.ts";
import { countryName, jurisdictionCode, jurisdictionHex } from "../lib/vocab.ts";
import { formatDateTime } from "../lib/plain.ts";
import { answered } from "../chain.ts";
import { holdTransactions, runTx, TxFailure } from "../tx.ts";
import { field, h, notice, replace } from "./dom.ts";

export async function renderRegister(app: App, view: HTMLElement): Promise<void> {
  const account = app.account;
  replace(view, h("h2", {}, "Register as a patient"));
  if (!account) {
    view.append(notice("info", "Choose an account first (top of the page)."));
    return;
  }
  if (app.ward)
    view.append(
      notice("info", `This screen is about ${account.name}'s own registration, not about ${app.wardName()}, the patient you act for as guardian.`),
    );
  const patient = await app.chain.api.apis.HealthIdentityApi.patient(account.address, { at: "best" });
  if (patient) {
    view.append(
      notice("ok", `${account.name} is registered as a patient.`),
      h(
        "dl",
        { class: "facts", "data-testid": "patient-facts" },
        h("dt", {}, "Identity commitment"),
        h("dd", { class: "hash" }, patient.commitment),
        h("dt", {}, "Home country"),
        h("dd", {}, countryName(jurisdictionCode(patient.jurisdiction))),
        h("dt", {}, "Registered in block"),
        h("dd", {}, `#${patient.registered_at}`),
        h("dt", {}, "Identity checked in person"),
        h("dd", {}, patient.vouched_by === undefined ? "not yet" : `by provider #${patient.vouched_by}`),
      ),
      h("p", {}, h("a", { href: "#/consents" }, "Go to my consents")),
    );
    return;
  }

  let salt = newSalt();
  // Every commitment this form sent a reveal of, with its salt: an earlier attempt's reveal may
  // land after a later one was made, and the patient must then be told which salt is theirs.
  const attempts: { salt: Uint8Array; commitment: string }[] = [];
  // A text field, not a password field: a browser offers to store what is typed in a password
  // field in its password manager (and sync it); this one must stay in the page.
  const identifier = h("input", {
    type: "text",
    autocomplete: "off",
    autocapitalize: "off",
    spellcheck: "false",
    "data-1p-ignore": true,
    "data-lpignore": "true",
    "data-form-type": "other",
    required: true,
  });
  const country = h("input", { type: "text", value: "DE", maxlength: 2, size: 3, autocomplete: "country", required: true });
  const saltOut = h("output", { class: "hash", "data-testid": "salt" }, toHex(salt));
  const download = h("a", { class: "button", download: "salus-salt.json" }, "Download my salt");
  const saved = h("input", { type: "checkbox", id: "salt-saved" });
  const submit = h("button", { type: "submit", class: "primary" }, "Register");
  const panel = h("section", { class: "tx", "aria-live": "polite", hidden: true });
  const status = h("div", { "aria-live": "polite" });

  const refreshSalt = () => {
    saltOut.value = toHex(salt);
    saltOut.textContent = toHex(salt);
    URL.revokeObjectURL(download.href);
    download.href = URL.createObjectURL(
      new Blob([saltFile(salt, account.address, new Date())], { type: "application/json" }),
    );
    saved.checked = false;
  };
  refreshSalt();

  const form = h(
    "form",
    { class: "card", novalidate: true },
    h(
      "p",
      {},
      "Your identifier (a national health number, say) and a random salt made here are hashed together in this browser. ",
      "Only the hash goes on chain; the identifier and the salt are never sent anywhere. ",
      "With the salt you can later prove that the registration is yours, so save it now.",
    ),
    field("Identifier (e.g. national health number)", identifier, "Stays in this browser; it is not saved."),
    field("Home country (two-letter code)", country, "For example DE for Germany, FR for France."),
    h("div", { class: "field" }, h("span", { class: "label" }, "Your salt"), saltOut),
    h("p", {}, download),
    h("div", { class: "choice" }, saved, h("label", { for: "salt-saved" }, "I have saved my salt somewhere safe")),
    h("div", { class: "actions" }, submit),
    status,
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = normalizeIdentifier(identifier.value);
    let jurisdiction: `0x${string}`;
    try {
      jurisdiction = jurisdictionHex(country.value);
    } catch (error) {
      replace(status, notice("error", (error as Error).message));
      return;
    }
    if (id.length === 0) return replace(status, notice("error", "Enter your identifier."));
    if (!saved.checked) return replace(status, notice("error", "Save your salt first, then tick the box."));
    const hash = commitment(id, salt);
    identifier.value = "";
    replace(status);
    submit.disabled = true;
    const api = app.chain.api;
    let step = 1;
    // Both steps are one flow: no redraw of this screen (after a reconnect) between them.
    const release = holdTransactions();
    try {
      const announced = await runTx(
        app.chain,
        account,
        {
          title: "Step 1 of 2: announce the registration",
          tx: api.tx.HealthIdentity.announce_commitment({
            binding: toHex(binding(hash, account.publicKey)),
          }),
        },
        panel,
      );
      step = 2;
      attempts.push({ salt, commitment: toHex(hash) });
      const included = await runTx(
        app.chain,
        account,
        {
          title: "Step 2 of 2: register",
          before: `Step 1 done: the registration was announced in block #${announced.block.number}.`,
          tx: api.tx.HealthIdentity.register_patient({ commitment: toHex(hash), jurisdiction, encryption_key: undefined }),
        },
        panel,
      );
      await renderRegister(app, view);
      view.append(panel, notice("ok", `Registered in block #${included.block.number} (${formatDateTime(Date.now())}).`));
    } catch (error) {
      const outcome = error instanceof TxFailure ? error.outcome : "uncertain";
      // Whatever the confirmation said, the chain has the last word: a registration that
      // landed although its confirmation was lost is this salt's.
      const onChain = await answered(api.apis.HealthIdentityApi.patient(account.address, { at: "best" })).catch(() => undefined);
      if (onChain) {
        const ours = attempts.find((a) => a.commitment === onChain.commitment);
        await renderRegister(app, view);
        if (!ours) {
          view.append(panel, notice("error", "This account was registered under another commitment meanwhile (another tab or device?)."));
          return;
        }
        const current = ours.salt === salt;
        const keep = h("a", { class: "button", download: "salus-salt.json" }, "Download that salt again");
        keep.href = URL.createObjectURL(new Blob([saltFile(ours.salt, account.address, new Date())], { type: "application/json" }));
        view.append(
          panel,
          notice(
            "ok",
            current
              ? "The chain has your registration although its confirmation was lost: keep the salt you saved."
              : `The chain has your registration from an earlier attempt, under the salt ${toHex(ours.salt)} — keep that one; the later salt is not needed.`,
          ),
        );
        if (!current) view.append(h("p", {}, keep));
        return;
      }
      if (step === 2 && outcome !== "cancelled") {
        // The reveal was sent: its commitment may be public (in a block, or in a pool), so this
        // salt is never used again. If it was lost on the way, it may still land.
        const previous = toHex(salt);
        salt = newSalt();
        refreshSalt();
        status.append(notice("info", "A new salt was made for your next attempt: save it before you try again."));
        if (outcome === "uncertain")
          status.append(
            notice(
              "info",
              `The node stopped answering after the registration was sent, so it may still be included. If this account turns out registered, it is under the previous salt ${previous}: keep that one too until you know.`,
            ),
          );
      }
      // Step 1 (the announcement) sends only the binding, which hides the commitment: the same
      // salt can be used again, and the salt saved stays right.
      submit.disabled = false;
    } finally {
      release();
    }
  });
  view.append(form, panel);
}
