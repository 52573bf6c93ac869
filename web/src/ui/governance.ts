// "Governance": providers awaiting accreditation (and how governance accredits them: a council
// majority, or the superuser on a development chain — the screen offers what the chosen account
// can actually do), the disputes before the arbitrators with their voting screen
// (`Disputes.vote`, for members of ArbitratorsMembership without a stake in the dispute), and
// closing a dispute whose stage is over (`Disputes.close_dispute`, anyone).
import type { App } from "../app.ts";
import { answered, formatAmount } from "../chain.ts";
import { closable, phaseOf, providerLabel, verdictOf, tallyOf, VERDICT_WORDS, type VerdictKey } from "../lib/disputes.ts";
import { shortAddress } from "../lib/plain.ts";
import { countryName, jurisdictionCode, listOf, providerKind, type ProviderKindKey } from "../lib/vocab.ts";
import { runTx } from "../tx.ts";
import { actControls, motionsSection, readGovernors, type Governors } from "./council.ts";
import { type Court, disputeCard, MAX_SHOWN, type OpenDispute, readCourt, refreshButton, whenOf } from "./dispute-view.ts";
import { h, notice, replace } from "./dom.ts";

/** Draws the screen; `kept` is the transaction panel of the previous drawing, kept on show. */
export async function renderGovernance(app: App, view: HTMLElement, kept?: HTMLElement): Promise<void> {
  const account = app.account;
  replace(view, h("h2", {}, "Governance"));
  if (!account) return void view.append(notice("info", "Choose an account first (top of the page)."));
  const api = app.chain.api;
  const panel = kept ?? h("section", { class: "tx", "aria-live": "polite", hidden: true });
  const redraw = () => renderGovernance(app, view, panel);
  const [court, governors, providers, fullBond] = await Promise.all([
    readCourt(app),
    readGovernors(app),
    answered(api.query.HealthIdentity.Providers.getEntries({ at: "best" })),
    api.constants.HealthIdentity.ProviderBond(),
  ]);
  const { sudo: sudoKey, council } = governors;
  const name = (address: string) => app.knownName(address) ?? shortAddress(address);
  const isSudo = sudoKey === account.address;
  const isCouncil = council.includes(account.address);
  const isArbitrator = court.arbitrators.includes(account.address);
  const roles = [
    isSudo ? "the chain's superuser (sudo key, development chain)" : null,
    isCouncil ? "a council member" : null,
    isArbitrator ? "an arbitrator" : null,
  ].filter((r): r is string => r !== null);
  view.append(
    h(
      "p",
      { "data-testid": "governance-roles" },
      roles.length ? `${account.name} is ${listOf(roles)}.` : `${account.name} holds no governance role: it can read this screen and close disputes whose time is up, nothing else.`,
    ),
  );

  // Pending accreditations.
  const pending = providers
    .filter(({ value }) => value.status.type === "Pending")
    .map(({ keyArgs, value }) => ({ id: keyArgs[0], provider: value }))
    .sort((a, b) => a.id - b.id);
  view.append(h("h3", {}, "Providers awaiting accreditation"));
  const how = sudoKey
    ? `Accreditation is a council decision: a motion carried by more than half of the council (${council.length} members now). On this development chain the superuser, ${name(sudoKey)}, can also accredit directly${isSudo ? ", and that is what this account can do here" : ""}.`
    : `Accreditation is a council decision: a motion carried by more than half of the council (${council.length} members now).`;
  view.append(h("p", {}, how));
  const pendingList = h("ul", { class: "disputes", "data-testid": "pending-providers" });
  if (pending.length === 0) pendingList.append(h("li", { class: "empty" }, "No provider is waiting for accreditation."));
  for (const { id, provider } of pending.slice(0, MAX_SHOWN)) {
    const label = providerLabel(id, provider.name);
    const bondFull = provider.bond >= fullBond;
    const action = !bondFull
      ? h("p", { class: "meta" }, `Its bond is not full (${formatAmount(app.chain, provider.bond)} of ${formatAmount(app.chain, fullBond)}): it cannot be accredited until its admin tops it up.`)
      : actControls(
          app,
          governors,
          [
            {
            call: api.tx.HealthIdentity.set_provider_status({ provider: id, status: { type: "Accredited", value: undefined } }),
            origin: "majority",
            title: `Accredit ${label}`,
            verb: "Accredit",
            object: label,
            summary: `${label} becomes accredited: its practitioners may then ask for and use patients' data under their consents.`,
            },
          ],
          panel,
          redraw,
        );
    pendingList.append(
      h(
        "li",
        { class: "card", "data-provider-id": String(id) },
        h("h4", {}, label),
        h(
          "p",
          {},
          `A ${providerKind(provider.kind.type as ProviderKindKey).one} in ${countryName(jurisdictionCode(provider.jurisdiction))}, registered by ${name(provider.admin)} at block #${provider.status_since}. Bond: ${formatAmount(app.chain, provider.bond)} of ${formatAmount(app.chain, fullBond)}.`,
        ),
        action,
      ),
    );
  }
  if (pending.length > MAX_SHOWN) pendingList.append(h("li", { class: "empty" }, `…and ${pending.length - MAX_SHOWN} more.`));
  view.append(pendingList);

  // The arbitrators' screen.
  view.append(h("h3", {}, "Disputes before the arbitrators"));
  view.append(h("p", { class: "meta" }, `As of block #${court.now}. `, refreshButton(app)));
  view.append(
    h(
      "p",
      {},
      `The arbitrators are ${listOf(court.arbitrators.map(name))}, appointed by the council. `,
      isArbitrator
        ? `${account.name} is one of them: it votes on each dispute once its evidence period is over, until its voting period ends (a vote may be changed until then), unless it has a stake in the dispute.`
        : `${account.name} is not an arbitrator, so it cannot vote; anyone may close a dispute whose time is up.`,
    ),
  );
  const list = h("ul", { class: "disputes", "data-testid": "court-disputes" });
  if (court.disputes.length === 0) list.append(h("li", { class: "empty" }, "No dispute is open."));
  for (const dispute of court.disputes.slice(0, MAX_SHOWN))
    list.append(
      disputeCard(
        app,
        court,
        dispute,
        voteControl(app, court, dispute, isArbitrator, panel, redraw),
        rulingControl(app, court, governors, dispute, panel, redraw),
        closeControl(app, court, dispute, panel, redraw),
      ),
    );
  if (court.disputes.length > MAX_SHOWN) list.append(h("li", { class: "empty" }, `…and ${court.disputes.length - MAX_SHOWN} older ones.`));
  view.append(list);

  // The council's motions (accreditations and rulings proposed here, and any other).
  const providerName = (id: number) => {
    const entry = providers.find(({ keyArgs }) => keyArgs[0] === id);
    return providerLabel(id, entry?.value.name);
  };
  view.append(await motionsSection(app, governors, (call) => describeCall(call, providerName), panel, redraw), panel);
}

/** A council motion's call in words, for the calls this screen proposes; others by name. */
function describeCall(call: { type: string; value: { type: string; value: unknown } }, providerName: (id: number) => string): string {
  if (call.type === "HealthIdentity" && call.value.type === "set_provider_status") {
    const { provider, status } = call.value.value as { provider: number; status: { type: string } };
    return `set the status of ${providerName(provider)} to ${status.type.toLowerCase()}`;
  }
  if (call.type === "Disputes" && call.value.type === "rule_on_appeal") {
    const { dispute_id, verdict } = call.value.value as { dispute_id: number; verdict: { type: VerdictKey } };
    return `rule dispute #${dispute_id} ${verdict.type.toLowerCase()}`;
  }
  return `another call (${call.type}.${call.value.type})`;
}

/** For a dispute awaiting the council's ruling (referred, or appealed): the ruling acts. */
function rulingControl(app: App, court: Court, governors: Governors, dispute: OpenDispute, panel: HTMLElement, redraw: () => Promise<void>): HTMLElement | null {
  const phase = phaseOf(dispute.stage, court.now);
  const emergency = dispute.subject.type === "Emergency";
  if (!(phase === "appealed" || phase === "referred" || (emergency && phase === "ruling-over"))) return null;
  const acts = (["Upheld", "Rejected"] as VerdictKey[]).map((verdict) => ({
    call: app.chain.api.tx.Disputes.rule_on_appeal({ dispute_id: dispute.id, verdict: { type: verdict, value: undefined } }),
    origin: "supermajority" as const,
    title: `Rule dispute #${dispute.id} ${verdict.toLowerCase()}`,
    verb: `Rule ${verdict.toLowerCase()}`,
    object: `dispute #${dispute.id}`,
    summary: `The final verdict on dispute #${dispute.id}: ${VERDICT_WORDS[verdict]}`,
  }));
  const box = h("div", { class: "ruling" }, h("p", {}, "The council rules on it: upheld or rejected."), actControls(app, governors, acts, panel, redraw));
  return box;
}

function voteControl(app: App, court: Court, dispute: OpenDispute, isArbitrator: boolean, panel: HTMLElement, redraw: () => Promise<void>): HTMLElement | null {
  const account = app.account!;
  const phase = phaseOf(dispute.stage, court.now);
  if (dispute.stage.type !== "Open" || (phase !== "voting" && phase !== "evidence")) return null;
  const when = whenOf(court);
  if (!isArbitrator) return h("p", { class: "meta", "data-testid": "cannot-vote" }, `${account.name} cannot vote on it: only the arbitrators vote.`);
  if (dispute.claimant === account.address || dispute.conflicted.includes(account.address))
    return h("p", { class: "meta", "data-testid": "cannot-vote" }, `${account.name} cannot vote on it: it ${dispute.claimant === account.address ? "brought this dispute" : "had a stake in this provider when the dispute opened"}.`);
  if (phase === "evidence") return h("p", { class: "meta" }, `Voting opens after ${when(dispute.stage.value.evidence_ends)}.`);
  const mine = dispute.votes.find(([voter]) => voter === account.address)?.[1].type;
  const group = h(
    "div",
    { class: "actions", role: "group", "aria-label": `Your vote on dispute #${dispute.id}` },
    mine ? h("p", { "data-testid": "my-vote" }, `Your vote: ${mine.toLowerCase()} (you may change it until voting ends).`) : null,
  );
  for (const verdict of ["Upheld", "Rejected"] as VerdictKey[]) {
    const button = h(
      "button",
      { type: "button", class: verdict === mine ? "primary" : null, "aria-pressed": String(verdict === mine), "aria-label": `Vote ${verdict.toLowerCase()} on dispute #${dispute.id}` },
      `Vote ${verdict.toLowerCase()}`,
    );
    button.addEventListener("click", async () => {
      for (const b of group.querySelectorAll("button")) b.disabled = true;
      try {
        await runTx(
          app.chain,
          account,
          {
            title: `Vote ${verdict.toLowerCase()} on dispute #${dispute.id}`,
            summary: VERDICT_WORDS[verdict],
            tx: app.chain.api.tx.Disputes.vote({ dispute_id: dispute.id, verdict: { type: verdict, value: undefined } }),
          },
          panel,
        );
        await redraw();
      } catch {
        for (const b of group.querySelectorAll("button")) b.disabled = false;
      }
    });
    group.append(button);
  }
  return group;
}

function closeControl(app: App, court: Court, dispute: OpenDispute, panel: HTMLElement, redraw: () => Promise<void>): HTMLElement | null {
  if (!closable(dispute.stage, court.now)) return null;
  let effect: string;
  switch (dispute.stage.type) {
    case "Open": {
      const tally = tallyOf(dispute, court.arbitrators, court.quorum);
      const verdict = verdictOf(tally, court.threshold);
      effect = verdict
        ? `Closing counts the votes: the dispute is decided ${verdict.toLowerCase()} (the losing side may then appeal).`
        : "Closing counts the votes: too few arbitrators voted, so the dispute goes to the council to rule.";
      break;
    }
    case "Decided":
      effect = `Closing applies the verdict: ${VERDICT_WORDS[dispute.stage.value.verdict.type]}`;
      break;
    case "Appealed":
      effect = "Closing applies the arbitrators' verdict (the council did not rule); the appeal bond comes back.";
      break;
    case "Referred":
      effect =
        dispute.subject.type === "Emergency"
          ? "Closing refers it to the council again (an emergency is never left unjudged), and the claimant's bond comes back."
          : "Closing lets it lapse: rejected without a ruling.";
      break;
  }
  const button = h("button", { type: "button", "aria-label": `Close dispute #${dispute.id}` }, "Close");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await runTx(
        app.chain,
        app.account!,
        { title: `Close dispute #${dispute.id}`, summary: effect, tx: app.chain.api.tx.Disputes.close_dispute({ dispute_id: dispute.id }) },
        panel,
      );
      await redraw();
    } catch {
      button.disabled = false;
    }
  });
  return h("div", { class: "close" }, h("p", { class: "meta" }, effect), button);
}
