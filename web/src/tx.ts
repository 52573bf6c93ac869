// Every transaction the same way: its fee (or "free") shown before signing, then signed by the
// account's wallet, with visible progress until it is in a block, and the chain's refusal in
// words (lib/errors.ts).
import type { Transaction } from "polkadot-api";
import type { Account } from "./accounts.ts";
import { formatAmount, type Chain } from "./chain.ts";
import { spendable } from "./lib/balance.ts";
import { innerRefusal } from "./lib/dispatch.ts";
import { explainDispatchError, explainSubmitError } from "./lib/errors.ts";
import { h, notice, replace } from "./ui/dom.ts";

let inFlight = 0;
/** The confirmation waiting in each panel: a new one there cancels it. */
const waiting = new WeakMap<HTMLElement, () => void>();
const settled = new EventTarget();

/** Transactions between "working out the fee" and their block (or refusal, or cancel). */
export function transactionsInFlight(): number {
  return inFlight;
}

/**
 * Holds "a transaction is in flight" until the returned function is called: a flow of several
 * transactions (registration: announce, then reveal) holds it from the first to the last, so
 * that no redraw of the screen comes between them.
 */
export function holdTransactions(): () => void {
  inFlight += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    inFlight -= 1;
    if (inFlight === 0) settled.dispatchEvent(new Event("idle"));
  };
}

/** Runs `then` once no transaction is in flight (now, if none is). */
export function whenNoTransaction(then: () => void): void {
  if (inFlight === 0) return then();
  settled.addEventListener("idle", () => whenNoTransaction(then), { once: true });
}

/**
 * How a transaction ended without its block: `cancelled` before anything was sent; `refused`
 * in a block or by the node before it was sent (nothing it does happened); `uncertain` when the
 * node stopped answering after it was sent (it may still be included).
 */
export class TxFailure extends Error {
  constructor(
    message: string,
    readonly outcome: "cancelled" | "refused" | "uncertain",
  ) {
    super(message);
    this.name = "TxFailure";
  }
}

export interface Included {
  block: { hash: string; number: number };
  events: { type: string; value: { type: string; value: unknown } }[];
}

/** The fee in words: "0.0012 SLS" or "Free (…)". */
export type FeeNote = (chain: Chain, account: Account, fee: bigint) => Promise<string | undefined>;

export interface TxStep {
  /** What the transaction does, shown above the fee: "Revoke consent #7". */
  title: string;
  tx: Transaction;
  /** Says why the call is free, if it is (patients' consent operations). */
  feeNote?: FeeNote;
  /** What happened before, in a flow of several transactions ("Step 1 done: …"). */
  before?: string;
  /** Exactly what is being signed, in words (the consent's sentence), shown until it settles. */
  summary?: string;
}

/**
 * Shows the fee of `step` in `panel`, waits for the user to confirm (unless `confirmed`), signs,
 * submits and follows the transaction to its block. Resolves with the block and events, or
 * throws a TxFailure whose message is the sentence already shown.
 */
export async function runTx(chain: Chain, account: Account, step: TxStep, panel: HTMLElement): Promise<Included> {
  const release = holdTransactions();
  try {
    return await followTx(chain, account, step, panel);
  } finally {
    release();
  }
}

async function followTx(chain: Chain, account: Account, step: TxStep, panel: HTMLElement): Promise<Included> {
  // Another action takes this panel: the confirmation waiting in it (if any) is cancelled.
  waiting.get(panel)?.();
  panel.hidden = false;
  replace(panel, h("p", { class: "progress", role: "status" }, `${step.title}: working out the fee…`));
  let feeText: string;
  try {
    const fee = await step.tx.getEstimatedFees(account.address);
    feeText = (await step.feeNote?.(chain, account, fee)) ?? `Fee: ${formatAmount(chain, fee)}`;
  } catch (error) {
    feeText = `Fee: unknown (${error instanceof Error ? error.message : String(error)})`;
  }
  const confirm = h("button", { type: "button", class: "primary" }, "Sign and send");
  const cancel = h("button", { type: "button" }, "Cancel");
  const before = step.before ? notice("ok", step.before) : null;
  const summary = () => (step.summary ? h("p", { class: "summary", "data-testid": "tx-summary" }, step.summary) : null);
  replace(
    panel,
    before,
    h("h3", {}, step.title),
    summary(),
    h("p", { class: "fee", "data-testid": "fee" }, feeText),
    h("p", { class: "signer" }, `Signed by ${account.name}${account.source === "development" ? " (development account)" : ` (${account.source})`}`),
    h("div", { class: "actions" }, confirm, cancel),
  );
  confirm.focus();
  // A confirmation whose panel left the page (the user went to another screen or account), or
  // that another action took the panel from, is cancelled: nothing was signed, and nothing may
  // wait for it.
  const go = await new Promise<boolean>((resolve) => {
    const gone = setInterval(() => {
      if (!panel.isConnected) done(false);
    }, 500);
    const done = (value: boolean) => {
      clearInterval(gone);
      if (waiting.get(panel) === cancelThis) waiting.delete(panel);
      resolve(value);
    };
    const cancelThis = () => done(false);
    waiting.set(panel, cancelThis);
    confirm.addEventListener("click", () => done(true), { once: true });
    cancel.addEventListener("click", () => done(false), { once: true });
  });
  if (!go) {
    replace(panel, notice("info", `${step.title}: cancelled, nothing was sent.`));
    throw new TxFailure("cancelled", "cancelled");
  }
  const status = h("p", { class: "progress", role: "status", "data-testid": "tx-status" }, "Waiting for your signature…");
  const bar = h("progress", { max: 3, value: 0, "aria-label": "progress of the transaction" });
  replace(panel, before, h("h3", {}, step.title), summary(), h("p", { class: "fee" }, feeText), bar, status);
  return new Promise<Included>((resolve, reject) => {
    const fail = (sentence: string, outcome: TxFailure["outcome"]) => {
      replace(panel, before, h("h3", {}, step.title), summary(), notice("error", sentence));
      reject(new TxFailure(sentence, outcome));
    };
    const subscription = step.tx.signSubmitAndWatch(account.signer).subscribe({
      next: (event) => {
        if (event.type === "signed") {
          bar.value = 1;
          status.textContent = "Signed. Sending to the network…";
        } else if (event.type === "broadcasted") {
          bar.value = 2;
          status.textContent = "Sent. Waiting for a block (about 6 seconds)…";
        } else if (event.type === "txBestBlocksState" && event.found) {
          subscription.unsubscribe();
          if (!event.ok) {
            fail(explainDispatchError(event.dispatchError), "refused");
            return;
          }
          // A call made through a proxy (a guardian for its ward), sudo or a council motion is
          // included and "succeeds" even when the chain refuses the call inside: its refusal
          // is in an event (lib/dispatch.ts).
          const inner = innerRefusal(event.events as unknown as Included["events"]);
          if (inner !== undefined) {
            fail(explainDispatchError(inner), "refused");
            return;
          }
          bar.value = 3;
          replace(panel, before, h("h3", {}, step.title), summary(), notice("ok", `Done: included in block #${event.block.number}.`));
          resolve({ block: event.block, events: event.events as unknown as Included["events"] });
        }
      },
      // Refused by the pool (it carries the reason) or not signed: nothing happened. Anything
      // else (the connection lost after signing) leaves it open: it may still land.
      error: (error: unknown) => {
        const refusedByPool = (error as { error?: unknown } | null)?.error !== undefined;
        const notSigned = bar.value === 0;
        fail(explainSubmitError(error), refusedByPool || notSigned ? "refused" : "uncertain");
      },
    });
  });
}

/**
 * The fee note of a patient's own call made by its guardian (inside `Proxy.proxy`): never free.
 * The chain waives fees only for a patient's own consent operations signed by the patient; the
 * outer proxy call is an ordinary call, paid by the guardian who signs it.
 */
export const guardianFeeNote: FeeNote = async (chain, account, fee) =>
  `Fee: ${formatAmount(chain, fee)}, paid by ${account.name}, the guardian who signs (a call made for a ward through a guardian is never free)`;

/**
 * The fee note of a patient's own consent operation (grant, revoke, directive): free while the
 * patient has fee-free operations left in the period and holds the minimum balance
 * (pallets/consent/README.md, "Free of fees, within a limit"). A call that would fail is never
 * free; the chain decides at inclusion.
 */
export const consentFeeNote: FeeNote = async (chain, account, fee) => {
  const api = chain.api;
  // At the newest block, as the pool will check it (not the finalized one, which may be a few
  // blocks behind a grant just made).
  const at = { at: "best" } as const;
  const [free, period, minBalance, existentialDeposit, ledger, block, system] = await Promise.all([
    api.constants.Consent.FreeOperations(),
    api.constants.Consent.FreePeriod(),
    api.constants.Consent.FreeOperationMinBalance(),
    api.constants.Balances.ExistentialDeposit(),
    api.query.Consent.Ledgers.getValue(account.address, at),
    api.query.System.Number.getValue(at),
    api.query.System.Account.getValue(account.address, at),
  ]);
  const current = Math.floor(block / period);
  const used = ledger && ledger.window.period === current ? ledger.window.used : 0;
  const left = free - used;
  const paid = formatAmount(chain, fee);
  if (left <= 0) return `Fee: ${paid} (your ${free} fee-free consent operations for this period are used up)`;
  // What the chain checks (Consent::can_pay_fees): the balance it could spend, keeping the
  // account alive, is at least FreeOperationMinBalance.
  if (spendable(system.data, existentialDeposit) < minBalance)
    return `Fee: ${paid} (consent operations are free only while you can spend at least ${formatAmount(chain, minBalance)})`;
  return `Free — ${left} of ${free} fee-free consent operations left in this period (if the chain refuses it, it pays ${paid})`;
};
