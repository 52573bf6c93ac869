// Governance acts as the chosen account can actually make them: on a development chain the
// superuser (sudo) may make them directly; a council member proposes a council motion with the
// threshold the runtime's origin needs (a majority accredits, a supermajority rules on appeals:
// runtime/src/configs/governance.rs), the members vote, and anyone closes it once decided.
import { Blake2256 } from "@polkadot-api/substrate-bindings";
import type { Transaction } from "polkadot-api";
import type { Account } from "../accounts.ts";
import type { App } from "../app.ts";
import { answered } from "../chain.ts";
import { toHex } from "../lib/commitment.ts";
import { motionOutcome, motionThreshold, type CouncilOrigin } from "../lib/disputes.ts";
import { shortAddress } from "../lib/plain.ts";
import { runTx } from "../tx.ts";
import { h } from "./dom.ts";

/** Who governs now: the superuser (dev chains only) and the council. */
export interface Governors {
  sudo: string | undefined;
  council: string[];
  now: number;
}

export async function readGovernors(app: App): Promise<Governors> {
  const api = app.chain.api;
  const [sudo, council, now] = await answered(
    Promise.all([
      api.query.Sudo.Key.getValue({ at: "best" }),
      api.query.Council.Members.getValue({ at: "best" }),
      api.query.System.Number.getValue({ at: "best" }),
    ]),
  );
  return { sudo, council, now };
}

const ORIGIN_WORDS: Record<CouncilOrigin, string> = {
  majority: "more than half of the council",
  supermajority: "at least two thirds of the council",
};

/** One governance act: `call` needs `origin` (or root). */
export interface Act {
  call: Transaction;
  origin: CouncilOrigin;
  /** "Accredit St Mary's Hospital (provider #0)". */
  title: string;
  /** The verb on the buttons: "Accredit". */
  verb: string;
  /** What the act is about, for the buttons' accessible names: "St Mary's Hospital (provider #0)". */
  object: string;
  /** What it does, in a sentence. */
  summary: string;
}

/**
 * What a button of `box` does when clicked: signs the transaction `tx()` makes (in `panel`),
 * every button of `box` disabled until it settles; redraws after it landed, enables them again
 * if it did not.
 */
function onClickRun(app: App, account: Account, box: HTMLElement, panel: HTMLElement, redraw: () => Promise<void>) {
  return (button: HTMLButtonElement, title: string, summary: string, tx: () => Promise<Transaction> | Transaction) =>
    button.addEventListener("click", async () => {
      for (const b of box.querySelectorAll("button")) b.disabled = true;
      try {
        await runTx(app.chain, account, { title, summary, tx: await tx() }, panel);
        await redraw();
      } catch {
        for (const b of box.querySelectorAll("button")) b.disabled = false;
      }
    });
}

/**
 * The buttons for `acts` (alternatives needing the same origin, such as the two rulings) that
 * the chosen account can use — "Accredit (as superuser)" for the sudo key, "Propose to the
 * council: accredit" for a council member — after one sentence saying who can.
 */
export function actControls(app: App, governors: Governors, acts: Act[], panel: HTMLElement, redraw: () => Promise<void>): HTMLElement {
  const account = app.account!;
  const api = app.chain.api;
  const name = (address: string) => app.knownName(address) ?? shortAddress(address);
  const box = h("div", { class: "actions" });
  const run = onClickRun(app, account, box, panel, redraw);
  const origin = acts[0]!.origin;
  const threshold = motionThreshold(origin, governors.council.length);
  for (const act of acts) {
    if (governors.sudo === account.address) {
      const button = h("button", { type: "button", class: "primary", "aria-label": `${act.verb} (as superuser): ${act.object}` }, `${act.verb} (as superuser)`);
      run(button, act.title, `As the development chain's superuser: ${act.summary}`, () => api.tx.Sudo.sudo({ call: act.call.decodedCall }));
      box.append(button);
    }
    if (governors.council.includes(account.address)) {
      const button = h("button", { type: "button", "aria-label": `Propose to the council: ${act.verb.toLowerCase()}: ${act.object}` }, `Propose to the council: ${act.verb.toLowerCase()}`);
      run(
        button,
        `Propose to the council: ${act.title}`,
        `A council motion: ${act.summary} It passes with ${threshold} of ${governors.council.length} members' ayes (${ORIGIN_WORDS[origin]}). Proposing and your aye go together, in one transaction.`,
        async () => {
          // pallet-collective does not count the proposer's aye: propose, then vote aye on the
          // motion (its hash is the call's blake2-256, its index the council's proposal count),
          // all or nothing.
          const encoded = await act.call.getEncodedData();
          const index = await answered(api.query.Council.ProposalCount.getValue({ at: "best" }));
          const propose = api.tx.Council.propose({ threshold, proposal: act.call.decodedCall, length_bound: encoded.length });
          // A threshold of one executes the call at once: there is no motion to vote on.
          if (threshold <= 1) return propose;
          const vote = api.tx.Council.vote({ proposal: toHex(Blake2256(encoded)), index, approve: true });
          return api.tx.Utility.batch_all({ calls: [propose.decodedCall, vote.decodedCall] });
        },
      );
      box.append(button);
    }
  }
  const who =
    `It takes a council motion carried by ${ORIGIN_WORDS[origin]} (${threshold} of ${governors.council.length})` +
    (governors.sudo ? `, or on this development chain the superuser, ${name(governors.sudo)}` : "") +
    ".";
  const can =
    governors.sudo === account.address
      ? `${account.name} holds the superuser key and can do it directly.`
      : governors.council.includes(account.address)
        ? `${account.name} is a council member and can propose the motion.`
        : `${account.name} cannot do it.`;
  return h("div", { class: "act" }, h("p", { class: "meta" }, `${who} ${can}`), box.childElementCount ? box : null);
}

/** An open council motion, with the call it would make. */
interface Motion {
  hash: `0x${string}`;
  index: number;
  threshold: number;
  ayes: string[];
  nays: string[];
  end: number;
  call: { type: string; value: { type: string; value: unknown } };
}

/**
 * The council's open motions, each in words (`describe` words the calls this app knows), with
 * aye/nay for members who may still vote, and "Close" once the motion is decided or over.
 */
export async function motionsSection(
  app: App,
  governors: Governors,
  describe: (call: Motion["call"]) => string,
  panel: HTMLElement,
  redraw: () => Promise<void>,
): Promise<HTMLElement> {
  const api = app.chain.api;
  const account = app.account!;
  const name = (address: string) => app.knownName(address) ?? shortAddress(address);
  const [votings, proposals] = await answered(
    Promise.all([api.query.Council.Voting.getEntries({ at: "best" }), api.query.Council.ProposalOf.getEntries({ at: "best" })]),
  );
  const calls = new Map(proposals.map(({ keyArgs, value }) => [keyArgs[0], value as unknown as Motion["call"]]));
  const motions: Motion[] = votings
    .map(({ keyArgs, value }) => ({ hash: keyArgs[0] as `0x${string}`, ...value, call: calls.get(keyArgs[0])! }))
    .filter((m) => m.call !== undefined)
    .sort((a, b) => a.index - b.index);
  const section = h("section", { "aria-labelledby": "motions-title" }, h("h3", { id: "motions-title" }, "Council motions"));
  const list = h("ul", { class: "disputes", "data-testid": "motions" });
  if (motions.length === 0) list.append(h("li", { class: "empty" }, "No council motion is open."));
  const member = governors.council.includes(account.address);
  for (const motion of motions.slice(0, 50)) {
    const outcome = motionOutcome({ threshold: motion.threshold, ayes: motion.ayes.length, nays: motion.nays.length, end: motion.end }, governors.council.length, governors.now);
    const box = h("div", { class: "actions", role: "group", "aria-label": `Motion #${motion.index}` });
    const run = onClickRun(app, account, box, panel, redraw);
    const what = describe(motion.call);
    if (member && outcome === "open")
      for (const approve of [true, false]) {
        const already = (approve ? motion.ayes : motion.nays).includes(account.address);
        if (already) continue;
        const button = h("button", { type: "button", "aria-label": `Vote ${approve ? "aye" : "nay"} on motion #${motion.index}` }, approve ? "Vote aye" : "Vote nay");
        run(button, `Vote ${approve ? "aye" : "nay"} on motion #${motion.index}`, `${approve ? "For" : "Against"}: ${what}`, async () =>
          api.tx.Council.vote({ proposal: motion.hash, index: motion.index, approve }),
        );
        box.append(button);
      }
    if (outcome !== "open") {
      const button = h("button", { type: "button", "aria-label": `Close the motion #${motion.index}` }, "Close the motion");
      const effect =
        outcome === "approved"
          ? `It has the ayes it needs: closing carries it, and the chain does it: ${what}`
          : outcome === "disapproved"
            ? "Too many nays: closing rejects it."
            : "Its time is over: closing counts the absent members as the prime member votes (or nay), and carries or rejects it.";
      run(button, `Close motion #${motion.index}`, effect, async () => {
        // The motion's call as ProposalOf decoded it is the runtime call query_call_info takes;
        // the two descriptor types are the same RuntimeCall under different names.
        const call = motion.call as unknown as Parameters<typeof api.apis.TransactionPaymentCallApi.query_call_info>[0];
        const info = await answered(api.apis.TransactionPaymentCallApi.query_call_info(call, 1000, { at: "best" }));
        return api.tx.Council.close({ proposal_hash: motion.hash, index: motion.index, proposal_weight_bound: info.weight, length_bound: 1000 });
      });
      box.append(button);
    }
    list.append(
      h(
        "li",
        { class: "card", "data-motion-index": String(motion.index) },
        h("h4", {}, `Motion #${motion.index}: ${what}`),
        h(
          "p",
          { "data-testid": "motion-votes" },
          `${motion.ayes.length} aye${motion.ayes.length === 1 ? "" : "s"} of ${motion.threshold} needed` +
            (motion.ayes.length ? ` (${motion.ayes.map(name).join(", ")})` : "") +
            `, ${motion.nays.length} nay${motion.nays.length === 1 ? "" : "s"}; open until block #${motion.end}.`,
        ),
        box.childElementCount ? box : null,
      ),
    );
  }
  section.append(list);
  return section;
}
