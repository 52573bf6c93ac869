// "Rewards": what the patient may claim now (`RewardsApi::pending_rewards`), the epoch in
// progress (`RewardsApi::epoch_info`) and the schedule in words (pallets/rewards/README.md), the
// points the chain keeps for the patient by epoch (`Rewards.Ledgers`, `Rewards.EndedEpochs`) as a
// chart, and a claim (`Rewards.claim_rewards`, free of fees when it pays something). A guardian
// claims for its ward through its HealthGuardian proxy (the runtime admits `claim_rewards`).
import type { App } from "../app.ts";
import { answered, formatAmount } from "../chain.ts";
import {
  claimable,
  describeDuration,
  describeEarnings,
  describeEpochLength,
  howPatientsEarn,
  ledgerRows,
  type EarningRow,
  type EpochRecord,
} from "../lib/rewards.ts";
import { cleanText } from "../lib/disclosures.ts";
import { explainDispatchError } from "../lib/errors.ts";
import { runTx } from "../tx.ts";
import { barChart } from "./chart.ts";
import { h, notice, replace } from "./dom.ts";

const STATE_WORDS: Record<EarningRow["state"], string> = {
  claimable: "ended — ready to claim",
  "in progress": "in progress — claimable when it ends",
  expired: "claim window closed — returned to the pool",
};

/**
 * Draws the screen; `result` (a claim's outcome and its panel, after the screen is drawn again
 * from the chain) goes right under the claim button, where the patient pressed it.
 */
export async function renderRewards(app: App, view: HTMLElement, result: Node[] = []): Promise<void> {
  replace(view, h("h2", {}, "Rewards"));
  const account = app.account;
  const patient = app.patientAddress;
  if (!account || !patient) return void view.append(notice("info", "Choose an account first (top of the page)."));
  const api = app.chain.api;
  const chain = app.chain;
  const forWard = app.ward !== undefined;
  const [pending, epoch, schedule, ledger, block, blockMs, perPoint, window, record, wallet] = await answered(
    Promise.all([
      api.apis.RewardsApi.pending_rewards(patient, { at: "best" }),
      api.apis.RewardsApi.epoch_info({ at: "best" }),
      api.apis.RewardsApi.reward_schedule({ at: "best" }),
      api.query.Rewards.Ledgers.getValue(patient, { at: "best" }),
      api.query.System.Number.getValue({ at: "best" }),
      api.constants.Aura.SlotDuration(),
      api.constants.Rewards.MaxRewardPerPoint(),
      api.constants.Rewards.ClaimWindow(),
      api.apis.HealthIdentityApi.patient(patient, { at: "best" }),
      api.query.System.Account.getValue(patient, { at: "best" }),
    ]),
  );
  const earnings = ledger?.earnings ?? [];
  // The ended epochs the ledger names (at most ClaimWindow + 1 of them).
  const ended = earnings.filter((e) => e.epoch < epoch.index).map((e) => e.epoch);
  const records = new Map<number, EpochRecord>();
  await answered(
    Promise.all(
      ended.map(async (index) => {
        const r = await api.query.Rewards.EndedEpochs.getValue(index, { at: "best" });
        if (r) records.set(index, { budget: r.budget, points: r.points });
      }),
    ),
  );
  const rows = ledgerRows(earnings, epoch.index, records);
  const epochBlocks = Math.max(1, epoch.ends_at - epoch.start);
  const msPerBlock = Number(blockMs);
  const left = Math.max(0, epoch.ends_at - block);
  const words = { epoch: `epoch (${describeEpochLength(epochBlocks, msPerBlock)})` };

  if (forWard) view.append(notice("info", `You act for your ward (${app.knownName(patient) ?? patient}): this screen shows the ward's rewards; a claim pays them into the ward's wallet.`));
  const voucher = record?.vouched_by === undefined ? undefined : await answered(api.apis.HealthIdentityApi.provider(record.vouched_by, { at: "best" }));
  if (!record) view.append(notice("info", "This account is not registered as a patient: only registered patients that a provider vouched for earn rewards."));
  else if (record.vouched_by === undefined)
    view.append(
      notice(
        "info",
        "No accredited provider has vouched for you yet, so your sharing earns no points: ask your hospital or clinic to vouch for you in person (this stops fake patients from farming rewards).",
      ),
    );
  else
    view.append(
      h(
        "p",
        { "data-testid": "vouch" },
        voucher?.status.type === "Accredited"
          ? `${cleanText(voucher.name) || `Provider #${record.vouched_by}`} (provider #${record.vouched_by}) vouched for you: your sharing earns points.`
          : `Provider #${record.vouched_by} vouched for you, but it is not accredited now, so your sharing earns no points until an accredited provider vouches for you.`,
      ),
    );

  const facts = h(
    "dl",
    { class: "facts", "data-testid": "reward-facts" },
    h("dt", {}, "Ready to claim"),
    h("dd", { "data-testid": "pending", "data-planck": pending.toString() }, formatAmount(chain, pending)),
    h("dt", {}, forWard ? "Your ward's wallet" : "Your wallet"),
    h("dd", { "data-testid": "wallet" }, formatAmount(chain, wallet.data.free)),
    h("dt", {}, "Epoch in progress"),
    h(
      "dd",
      { "data-testid": "epoch" },
      `Epoch ${epoch.index}, blocks #${epoch.start} to #${epoch.ends_at}: it ends in ${left} ${left === 1 ? "block" : "blocks"} (${describeDuration(left * msPerBlock)}). ` +
        `So far everyone together earned ${epoch.points} ${epoch.points === 1n ? "point" : "points"} in it; it would share ${formatAmount(chain, epoch.budget)} if it ended now.`,
    ),
  );

  const earn = h(
    "section",
    { "aria-labelledby": "earn-heading" },
    h("h3", { id: "earn-heading" }, "How patients earn"),
    h(
      "p",
      {},
      `Time is counted in epochs of ${describeEpochLength(epochBlocks, msPerBlock)}. In each epoch you earn points for useful sharing. When the epoch ends, its budget is shared among everyone who earned points in it, in proportion to their points, and you may claim your share for ${window} epochs after; then what is unclaimed returns to the reward pool.`,
    ),
    h("ul", {}, howPatientsEarn(schedule, formatAmount(chain, perPoint), "epoch").map((line) => h("li", {}, line))),
    h("p", { class: "hint" }, "Only patients an accredited provider has vouched for earn, and a point is never worth more than the act costs the provider who made it possible, so rewards cannot be farmed."),
  );

  const chartBars = rows.map((r) => ({ label: `#${r.epoch}`, name: `Epoch ${r.epoch} (${STATE_WORDS[r.state]})`, value: r.points }));
  const history = h(
    "section",
    { "aria-labelledby": "history-heading" },
    h("h3", { id: "history-heading" }, "Your points by epoch"),
    rows.length
      ? barChart(chartBars, { title: "Points the chain keeps for you, by epoch", summary: describeEarnings(rows), columns: ["Epoch", "Points"], testId: "points-chart" })
      : h("p", { "data-testid": "no-points" }, "The chain keeps no points for you at present."),
    rows.length
      ? h(
          "ul",
          { class: "earnings" },
          rows.map((r) =>
            h(
              "li",
              {},
              `Epoch ${r.epoch}: ${r.points} ${r.points === 1 ? "point" : "points"}, ${STATE_WORDS[r.state]}` +
                (r.value !== undefined ? ` (${formatAmount(chain, r.value)})` : ""),
            ),
          ),
        )
      : null,
    h(
      "p",
      { class: "hint", "data-testid": "history-note" },
      "What the chain keeps: the points you have not claimed yet, for the epoch in progress and the ended epochs whose claim window is open. " +
        "Past claims are not kept in the chain's state: each claim is only an event (“rewards claimed”) in the block that included it, which a node keeps as long as it keeps that block, so this screen cannot list them.",
    ),
  );
  if (rows.length && claimable(rows) !== pending)
    history.append(notice("info", "The chain's own sum of what you may claim differs from the epochs listed here (the chain moved on meanwhile); the amount above is the chain's."));

  const panel = h("section", { class: "tx", "aria-live": "polite", hidden: true });
  const claim = h("button", { type: "button", class: "primary", disabled: pending === 0n }, pending === 0n ? "Nothing to claim yet" : `Claim ${formatAmount(chain, pending)}`);
  const why =
    pending === 0n
      ? h(
          "p",
          { class: "hint", "data-testid": "claim-why" },
          rows.some((r) => r.state === "in progress")
            ? `Nothing to claim yet: the points of epoch ${epoch.index} become claimable when it ends, in about ${describeDuration(left * msPerBlock).replace(/^about /, "")}.`
            : "Nothing to claim: you have no points of an ended epoch.",
        )
      : h(
          "p",
          { class: "hint" },
          forWard
            ? "The claim goes through your guardian proxy; you pay its fee (a claim is free only when the patient signs it), and the rewards go to your ward's wallet."
            : "A claim that pays you something costs no fee: your wallet grows by exactly this amount.",
        );
  claim.addEventListener("click", async () => {
    if (claim.disabled) return;
    claim.disabled = true;
    try {
      const included = await runTx(
        chain,
        account,
        {
          title: forWard ? "Claim your ward's rewards" : "Claim your rewards",
          summary: `Pays ${formatAmount(chain, pending)} (what the chain says is ready now) from the reward pool to ${forWard ? "your ward's" : "your"} wallet.`,
          tx: app.asPatient(api.tx.Rewards.claim_rewards()),
          feeNote: async (_, __, fee) =>
            forWard
              ? `Fee: ${formatAmount(chain, fee)}, paid by you (the guardian)`
              : `Free — a claim that pays something costs no fee (if the chain refuses it, it pays ${formatAmount(chain, fee)})`,
        },
        panel,
      );
      const claimed = included.events.find((e) => e.type === "Rewards" && e.value.type === "RewardsClaimed")?.value.value as
        | { who: string; amount: bigint; epochs: number }
        | undefined;
      // Through a guardian's proxy the outer call succeeds even when the claim inside fails:
      // the proxy's event carries the claim's own result.
      const proxied = included.events.find((e) => e.type === "Proxy" && e.value.type === "ProxyExecuted")?.value.value as
        | { result: { success: boolean; value?: unknown } }
        | undefined;
      const done = proxied && !proxied.result.success
        ? notice("error", `The claim was refused: ${explainDispatchError(proxied.result.value)}`)
        : claimed
        ? notice("ok", h("span", { "data-testid": "claimed", "data-planck": claimed.amount.toString() }, `Claimed ${formatAmount(chain, claimed.amount)} (${claimed.epochs} ${claimed.epochs === 1 ? "epoch" : "epochs"}) in block #${included.block.number}: it is in ${forWard ? "your ward's" : "your"} wallet.`))
        : notice("error", "The claim was included, but the chain reported no payment.");
      await renderRewards(app, view, [done, panel]);
    } catch {
      claim.disabled = false;
    }
  });

  view.append(facts, h("div", { class: "actions" }, claim), why, h("div", { class: "claim-result" }, result.length ? result : panel), earn, history);
}
