// "Guardians": the chosen account's guardians (its `HealthGuardian` proxies, pallet-proxy),
// appointing and removing them, what a guardian may and may not do; and acting for a ward: the
// ward's address is checked on chain (the ward appointed this account, without delay) before
// the app acts for it (`app.ward`, a banner in the header, the patient screens follow).
import { MultiAddress } from "@polkadot-api/descriptors";
import type { App } from "../app.ts";
import { isAddress, salusAddress } from "../accounts.ts";
import { answered, formatAmount } from "../chain.ts";
import {
  appointDeposit,
  GUARDIAN_MAY,
  GUARDIAN_MAY_NOT,
  guardianCheck,
  guardiansIn,
  type ProxyDefinition,
} from "../lib/guardians.ts";
import { shortAddress } from "../lib/plain.ts";
import { runTx } from "../tx.ts";
import { field, h, notice, replace } from "./dom.ts";

/** The proxies `account` appointed (all types), as stored. */
async function proxiesOf(app: App, account: string): Promise<{ definitions: ProxyDefinition[]; deposit: bigint }> {
  const [definitions, deposit] = await answered(app.chain.api.query.Proxy.Proxies.getValue(account, { at: "best" }));
  return { definitions: definitions as unknown as ProxyDefinition[], deposit };
}

/** Whether `ward` still has `guardian` as its guardian (checked before every screen is drawn). */
export async function wardStillAppointed(app: App, ward: string, guardian: string): Promise<boolean> {
  const { definitions } = await proxiesOf(app, ward);
  return guardianCheck(definitions, guardian).ok;
}

/** The wards this browser remembers for a guardian (addresses only, in this browser's storage). */
function rememberedWards(guardian: string): string[] {
  try {
    const list: unknown = JSON.parse(localStorage.getItem(`salus.wards.${guardian}`) ?? "[]");
    return Array.isArray(list) ? list.filter((a): a is string => typeof a === "string" && isAddress(a)).slice(0, 20) : [];
  } catch {
    return [];
  }
}

function rememberWard(guardian: string, ward: string): void {
  const list = [ward, ...rememberedWards(guardian).filter((a) => a !== ward)].slice(0, 20);
  localStorage.setItem(`salus.wards.${guardian}`, JSON.stringify(list));
}

const nameOf = (app: App, address: string) => app.knownName(address) ?? shortAddress(address);

/** Draws the screen; `kept` is the transaction panel of the previous drawing, kept on show. */
export async function renderGuardians(app: App, view: HTMLElement, kept?: HTMLElement): Promise<void> {
  const account = app.account;
  replace(view, h("h2", {}, "Guardians"));
  if (!account) return void view.append(notice("info", "Choose an account first (top of the page)."));
  const api = app.chain.api;
  const [{ definitions, deposit }, base, factor] = await Promise.all([
    proxiesOf(app, account.address),
    api.constants.Proxy.ProxyDepositBase(),
    api.constants.Proxy.ProxyDepositFactor(),
  ]);
  const guardians = guardiansIn(definitions);
  const others = definitions.length - guardians.length;
  const panel = kept ?? h("section", { class: "tx", "aria-live": "polite", hidden: true });
  const redraw = () => renderGuardians(app, view, panel);

  // What a guardian is, from the runtime's filter.
  view.append(
    h(
      "section",
      { class: "card", "aria-labelledby": "guardian-rules" },
      h("h3", { id: "guardian-rules" }, "What a guardian may do"),
      h("p", {}, "A guardian signs with its own account, for you, exactly the calls a patient makes for itself:"),
      h("ul", {}, GUARDIAN_MAY.map((s) => h("li", {}, s))),
      h("p", {}, "and nothing else. A guardian may not:"),
      h("ul", {}, GUARDIAN_MAY_NOT.map((s) => h("li", {}, s))),
      h("p", {}, "You can remove a guardian at any time; from the block that includes the removal it can no longer act for you."),
    ),
  );

  // The account's own guardians.
  view.append(h("h3", {}, app.ward ? `Guardians of ${account.name}` : "Your guardians"));
  if (app.ward)
    view.append(
      notice(
        "info",
        `You are acting for ${app.wardName()} as guardian, and a guardian cannot appoint or remove guardians for its ward. These are ${account.name}'s own guardians; to change them, stop acting for ${app.wardName()} first.`,
      ),
    );
  const list = h("ul", { class: "guardians", "data-testid": "guardian-list" });
  if (guardians.length === 0) list.append(h("li", { class: "empty" }, "You have no guardian: nobody else can act for you."));
  for (const guardian of guardians) {
    const remove = h("button", { type: "button", "aria-label": `Remove guardian ${nameOf(app, guardian.delegate)}` }, "Remove");
    remove.addEventListener("click", async () => {
      remove.disabled = true;
      try {
        await runTx(
          app.chain,
          account,
          {
            title: `Remove guardian ${nameOf(app, guardian.delegate)}`,
            summary: `From the block that includes this, ${nameOf(app, guardian.delegate)} can no longer act for you. ${formatAmount(app.chain, factor)} of the deposit comes back${guardians.length === 1 && others === 0 ? `, and the base ${formatAmount(app.chain, base)} too (it was your last proxy)` : ""}.`,
            tx: api.tx.Proxy.remove_proxy({
              delegate: MultiAddress.Id(guardian.delegate),
              proxy_type: { type: "HealthGuardian", value: undefined },
              delay: guardian.delay,
            }),
          },
          panel,
        );
        await redraw();
      } catch {
        remove.disabled = false;
      }
    });
    list.append(
      h(
        "li",
        { class: "guardian" },
        h("p", {}, h("strong", {}, nameOf(app, guardian.delegate)), guardian.delay ? ` (each call announced ${guardian.delay} blocks ahead)` : ""),
        h("p", { class: "hash" }, guardian.delegate),
        app.ward ? null : remove,
      ),
    );
  }
  view.append(list);
  if (deposit > 0n)
    view.append(
      h(
        "p",
        { class: "meta" },
        `Held from your balance for your proxies: ${formatAmount(app.chain, deposit)}.`,
        others ? ` You also have ${others} proxy${others === 1 ? "" : "ies"} of another kind (not guardians), not shown here.` : "",
      ),
    );

  // Appoint.
  const delegate = h("input", { type: "text", name: "guardian", autocomplete: "off", spellcheck: "false" });
  const status = h("div", { "aria-live": "polite" });
  const held = appointDeposit(base, factor, definitions.length);
  const appoint = h(
    "form",
    { class: "card", novalidate: true, "aria-labelledby": "appoint-title" },
    h("h3", { id: "appoint-title" }, "Appoint a guardian"),
    field("Guardian's account", delegate, "The address of the person who will act for you (a relative, a carer)."),
    h(
      "p",
      {},
      `Appointing holds ${formatAmount(app.chain, held)} from your balance as a deposit for the storage it uses (${formatAmount(app.chain, factor)} per guardian${definitions.length === 0 ? `, plus ${formatAmount(app.chain, base)} for your first proxy` : ""}). It comes back when you remove the guardian. The guardian can act at once (no delay).`,
    ),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Appoint this guardian")),
    status,
  );
  appoint.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (appoint.inert) return;
    if (!isAddress(delegate.value)) return replace(status, notice("error", "Enter the guardian's account address."));
    const address = salusAddress(delegate.value);
    if (address === account.address) return replace(status, notice("error", "You cannot be your own guardian."));
    if (guardians.some((g) => g.delegate === address)) return replace(status, notice("error", "This account is already your guardian."));
    replace(status);
    appoint.inert = true;
    try {
      await runTx(
        app.chain,
        account,
        {
          title: `Appoint ${nameOf(app, address)} as guardian`,
          summary: `${nameOf(app, address)} may act for you as guardian (the calls listed above, nothing else), from the block that includes this until you remove it. ${formatAmount(app.chain, held)} is held as a deposit and comes back on removal.`,
          tx: api.tx.Proxy.add_proxy({
            delegate: MultiAddress.Id(address),
            proxy_type: { type: "HealthGuardian", value: undefined },
            delay: 0,
          }),
        },
        panel,
      );
      await redraw();
    } catch {
      appoint.inert = false;
    }
  });
  if (!app.ward) view.append(appoint);

  // Act for a ward.
  view.append(actForWard(app, account.address));
  view.append(panel);
}

function actForWard(app: App, guardian: string): HTMLElement {
  const section = h("section", { class: "card", "aria-labelledby": "ward-title" }, h("h3", { id: "ward-title" }, "Act for a patient as guardian"));
  if (app.ward) {
    const stop = h("button", { type: "button" }, "Stop acting for this patient");
    stop.addEventListener("click", () => app.setWard(undefined, "You act for yourself again."));
    section.append(h("p", { "data-testid": "acting-for-ward" }, `You are acting for ${app.wardName()} as guardian.`), stop);
    return section;
  }
  const remembered = rememberedWards(guardian);
  const ward = h("input", { type: "text", name: "ward", autocomplete: "off", spellcheck: "false", list: remembered.length ? "remembered-wards" : null });
  const status = h("div", { "aria-live": "polite", "data-testid": "ward-status" });
  const form = h(
    "form",
    { novalidate: true },
    h("p", {}, "If a patient appointed this account as its guardian, you can act for it here: the patient screens then read and act for that patient, and you sign and pay the fees."),
    field("Patient's account", ward, remembered.length ? "Or pick a patient you acted for before in this browser." : undefined),
    remembered.length
      ? h("datalist", { id: "remembered-wards" }, remembered.map((a) => h("option", { value: a }, app.knownName(a) ?? shortAddress(a))))
      : null,
    remembered.length
      ? h(
          "ul",
          { class: "remembered", "aria-label": "Patients you acted for before" },
          remembered.map((a) => {
            const pick = h("button", { type: "button" }, `Use ${app.knownName(a) ?? shortAddress(a)}`);
            pick.addEventListener("click", () => {
              ward.value = a;
              ward.focus();
            });
            return h("li", {}, pick);
          }),
        )
      : null,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Act for this patient")),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!isAddress(ward.value)) return replace(status, notice("error", "Enter the patient's account address."));
    const address = salusAddress(ward.value);
    if (address === guardian) return replace(status, notice("error", "This is your own account: you act for it already."));
    replace(status, h("p", { class: "progress", role: "status" }, "Checking on chain that this patient appointed you…"));
    try {
      const { definitions } = await proxiesOf(app, address);
      const check = guardianCheck(definitions, guardian);
      if (!check.ok) return replace(status, notice("error", check.reason));
      rememberWard(guardian, address);
      app.setWard(address);
    } catch (error) {
      replace(status, notice("error", (error as Error).message));
    }
  });
  section.append(form);
  return section;
}
