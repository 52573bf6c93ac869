// "My provider" (clinician and provider): for a provider's admin, the provider's status and
// bond, its practitioners (from storage, with the names of known accounts) and open proposals,
// adding (proposing) and removing practitioners, and the disputes open against it. A
// practitioner sees the provider it acts for.
import type { App } from "../app.ts";
import { isAddress } from "../accounts.ts";
import { answered, formatAmount } from "../chain.ts";
import { PROVIDER_STATUS_WORDS, providerLabel, ROLE_WORDS } from "../lib/disputes.ts";
import { shortAddress } from "../lib/plain.ts";
import { countryName, jurisdictionCode, providerKind, type ProviderKindKey } from "../lib/vocab.ts";
import { runTx } from "../tx.ts";
import { disputeCard, evidenceControl, MAX_SHOWN, readCourt, refreshButton } from "./dispute-view.ts";
import { field, h, notice, replace, select } from "./dom.ts";

/** The most practitioners listed (a provider has at most `MaxPractitioners`). */
const MAX_LISTED = 200;

type RoleKey = "Physician" | "Nurse" | "Technician" | "Pharmacist" | "Researcher" | "Administrator";

/** Draws the screen; `kept` is the transaction panel of the previous drawing, kept on show. */
export async function renderProvider(app: App, view: HTMLElement, kept?: HTMLElement): Promise<void> {
  const account = app.account;
  replace(view, h("h2", {}, "My provider"));
  if (!account) return void view.append(notice("info", "Choose an account first (top of the page)."));
  const api = app.chain.api;
  const panel = kept ?? h("section", { class: "tx", "aria-live": "polite", hidden: true });
  const redraw = () => renderProvider(app, view, panel);
  const [administered, actsFor] = await answered(
    Promise.all([
      api.query.HealthIdentity.AdminOf.getValue(account.address, { at: "best" }),
      api.query.HealthIdentity.Practitioners.getValue(account.address, { at: "best" }),
    ]),
  );
  const id = administered ?? actsFor?.provider;
  if (id === undefined) {
    view.append(notice("info", `${account.name} neither manages a provider nor acts for one. A provider registers with its admin account and is accredited by governance.`));
    return;
  }
  const [provider, fullBond, deposit, practitionerEntries, proposalEntries, court] = await Promise.all([
    answered(api.apis.HealthIdentityApi.provider(id, { at: "best" })),
    api.constants.HealthIdentity.ProviderBond(),
    api.constants.HealthIdentity.PractitionerDeposit(),
    answered(api.query.HealthIdentity.Practitioners.getEntries({ at: "best" })),
    answered(api.query.HealthIdentity.PractitionerProposals.getEntries({ at: "best" })),
    readCourt(app),
  ]);
  if (!provider) return void view.append(notice("error", `Provider #${id} no longer exists.`));
  const isAdmin = administered === id;
  const label = providerLabel(id, provider.name);
  const name = (address: string) => app.knownName(address) ?? shortAddress(address);
  const amount = (planck: bigint) => formatAmount(app.chain, planck);
  view.append(
    h("p", { "data-testid": "provider-role" }, isAdmin ? `${account.name} manages ${label}.` : `${account.name} acts for ${label} as ${ROLE_WORDS[actsFor!.role.type] ?? "practitioner"}; only its admin (${name(provider.admin)}) manages it.`),
    h(
      "dl",
      { class: "facts", "data-testid": "provider-facts" },
      h("dt", {}, "Status"),
      h("dd", { "data-testid": "provider-status" }, `${PROVIDER_STATUS_WORDS[provider.status.type] ?? provider.status.type} (since block #${provider.status_since})`),
      h("dt", {}, "Kind and country"),
      h("dd", {}, `${providerKind(provider.kind.type as ProviderKindKey).one}, ${countryName(jurisdictionCode(provider.jurisdiction))}`),
      h("dt", {}, "Bond"),
      h(
        "dd",
        {},
        `${amount(provider.bond)} of ${amount(fullBond)}, held from ${name(provider.bonder)}${provider.bond < fullBond ? " — not full: a dispute slashed it; it must be topped up before governance can accredit it again" : ""}. Upheld disputes are paid from it.`,
      ),
      h("dt", {}, "Admin"),
      h("dd", {}, name(provider.admin)),
    ),
  );

  // Practitioners and proposals.
  const practitioners = practitionerEntries
    .filter(({ value }) => value.provider === id)
    .map(({ keyArgs, value }) => ({ account: keyArgs[0], role: value.role.type }))
    .slice(0, MAX_LISTED);
  const proposals = proposalEntries
    .filter(({ keyArgs }) => keyArgs[1] === id)
    .map(({ keyArgs, value }) => ({ account: keyArgs[0], role: value.role.type }))
    .slice(0, MAX_LISTED);
  view.append(h("h3", {}, "Practitioners"));
  const table = h(
    "table",
    { class: "practitioners", "data-testid": "practitioners" },
    h("caption", {}, `${provider.practitioners} practitioner${provider.practitioners === 1 ? "" : "s"}, ${provider.proposals} proposal${provider.proposals === 1 ? "" : "s"} waiting for acceptance`),
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Account"), h("th", { scope: "col" }, "Role"), h("th", { scope: "col" }, "State"), isAdmin ? h("th", { scope: "col" }, "Action") : null)),
  );
  const body = h("tbody", {});
  const row = (address: string, role: string, state: string, action: HTMLElement | null) =>
    h("tr", {}, h("th", { scope: "row" }, name(address), h("span", { class: "hash" }, ` ${address}`)), h("td", {}, ROLE_WORDS[role] ?? role), h("td", {}, state), isAdmin ? h("td", {}, action) : null);
  const txButton = (text: string, aria: string, title: string, summary: string, tx: () => Parameters<typeof runTx>[2]["tx"]) => {
    const button = h("button", { type: "button", "aria-label": aria }, text);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        await runTx(app.chain, account, { title, summary, tx: tx() }, panel);
        await redraw();
      } catch {
        button.disabled = false;
      }
    });
    return button;
  };
  for (const p of practitioners)
    body.append(
      row(
        p.account,
        p.role,
        "acts for the provider",
        txButton(`Remove`, `Remove ${name(p.account)}`, `Remove ${name(p.account)}`, `${name(p.account)} stops acting for ${label} from the block that includes this; the ${amount(deposit)} deposit comes back to whoever paid it.`, () =>
          api.tx.HealthIdentity.remove_practitioner({ account: p.account }),
        ),
      ),
    );
  for (const p of proposals)
    body.append(
      row(
        p.account,
        p.role,
        "proposed, not accepted yet",
        txButton(`Withdraw`, `Withdraw the proposal to ${name(p.account)}`, `Withdraw the proposal to ${name(p.account)}`, `The proposal is withdrawn; the ${amount(deposit)} deposit comes back.`, () =>
          api.tx.HealthIdentity.withdraw_practitioner_proposal({ account: p.account }),
        ),
      ),
    );
  if (practitioners.length + proposals.length === 0) body.append(h("tr", {}, h("td", { colspan: isAdmin ? 4 : 3 }, "No practitioner yet.")));
  table.append(body);
  view.append(h("div", { class: "table-scroll" }, table));

  if (isAdmin) {
    const who = h("input", { type: "text", name: "practitioner", autocomplete: "off", spellcheck: "false" });
    const role = select("role", Object.entries(ROLE_WORDS).map(([value, label]) => ({ value, label })), "Physician");
    const status = h("div", { "aria-live": "polite" });
    const form = h(
      "form",
      { class: "card", novalidate: true, "aria-labelledby": "add-practitioner" },
      h("h3", { id: "add-practitioner" }, "Add a practitioner"),
      field("Practitioner's account", who, "The account the practitioner signs with. It acts for the provider once it accepts the proposal."),
      field("Role", role),
      h("p", {}, `Proposing holds a deposit of ${amount(deposit)} from your account; it comes back when the proposal is withdrawn or the practitioner is removed or leaves.`),
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Propose this practitioner")),
      status,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (form.inert) return;
      const address = who.value.trim();
      if (!isAddress(address)) return replace(status, notice("error", "Enter the practitioner's account address."));
      replace(status);
      form.inert = true;
      try {
        await runTx(
          app.chain,
          account,
          {
            title: `Propose ${name(address)} as ${ROLE_WORDS[role.value]}`,
            summary: `${name(address)} is proposed as ${ROLE_WORDS[role.value]} of ${label}; it acts for the provider once it accepts.`,
            tx: api.tx.HealthIdentity.add_practitioner({ account: address, role: { type: role.value as RoleKey, value: undefined } }),
          },
          panel,
        );
        await redraw();
      } catch {
        form.inert = false;
      }
    });
    view.append(form);
  }

  // Disputes against the provider.
  const against = court.disputes.filter((d) => d.respondent === id);
  view.append(h("h3", {}, "Open disputes against the provider"));
  view.append(h("p", { class: "meta" }, `As of block #${court.now}. `, refreshButton(app)));
  const list = h("ul", { class: "disputes", "data-testid": "provider-disputes" });
  if (against.length === 0) list.append(h("li", { class: "empty" }, "None."));
  // The admin and the practitioners speak for the provider: they file its evidence.
  for (const dispute of against.slice(0, MAX_SHOWN))
    list.append(disputeCard(app, court, dispute, evidenceControl(app, court, dispute, "Respondent", (tx) => tx, undefined, panel, redraw)));
  if (against.length > MAX_SHOWN) list.append(h("li", { class: "empty" }, `…and ${against.length - MAX_SHOWN} older ones.`));
  view.append(list, panel);
}
