// Rewards in words (pallets/rewards/README.md): how a patient earns points, how long an epoch
// lasts, and what the points the chain keeps for an account are worth. Pure functions:
// unit-tested without a node.

/** The chain's reward schedule (`RewardsApi::reward_schedule`). */
export interface RewardSchedule {
  request_approved: number;
  record_anchored: number;
  research_approved: number;
  emergency_justified: number;
  epoch_cap: number;
}

/** The epoch in progress (`RewardsApi::epoch_info`). */
export interface EpochInfo {
  index: number;
  start: number;
  ends_at: number;
  budget: bigint;
  points: bigint;
  pool_free: bigint;
}

/** An ended epoch in its claim window (`Rewards.EndedEpochs`). */
export interface EpochRecord {
  budget: bigint;
  points: bigint;
}

/** Points an account earned in one epoch (`Rewards.Ledgers`' `earnings`). */
export interface Earning {
  epoch: number;
  points: number;
  withheld: bigint;
}

/** "about 2 hours", "about a day", "about 18 seconds". */
export function describeDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const unit = (n: number, one: string) => `${n} ${one}${n === 1 ? "" : "s"}`;
  if (s < 90) return `about ${unit(s, "second")}`;
  const min = Math.round(s / 60);
  if (min < 90) return `about ${unit(min, "minute")}`;
  const hours = Math.round(min / 60);
  if (hours < 36) return hours === 24 ? "about a day" : `about ${unit(hours, "hour")}`;
  return `about ${unit(Math.round(hours / 24), "day")}`;
}

/** How long an epoch lasts, in words: "14400 blocks, about a day". */
export function describeEpochLength(blocks: number, blockMs: number): string {
  return `${blocks.toLocaleString("en-GB")} ${blocks === 1 ? "block" : "blocks"}, ${describeDuration(blocks * blockMs)}`;
}

/**
 * The ways a patient earns points under `schedule`, one sentence each; acts worth no points
 * are said to earn nothing, so the patient is not led to expect them.
 */
export function howPatientsEarn(schedule: RewardSchedule, maxPerPoint: string, epoch: string): string[] {
  const points = (n: number) => `${n} ${n === 1 ? "point" : "points"}`;
  const lines: string[] = [];
  lines.push(
    schedule.request_approved > 0
      ? `Approving a provider's request for your data earns ${points(schedule.request_approved)} (once per provider each ${epoch}).`
      : "Approving a provider's request earns nothing at present.",
  );
  if (schedule.research_approved > 0)
    lines.push(`If the request is for research, you earn ${points(schedule.research_approved)} more (once each ${epoch}).`);
  lines.push(
    schedule.record_anchored > 0
      ? `An accredited provider anchoring one of your records earns you ${points(schedule.record_anchored)} (once per provider each ${epoch}).`
      : "A provider anchoring your records earns nothing at present.",
  );
  lines.push(`You earn at most ${points(schedule.epoch_cap)} in one ${epoch}. A point is worth at most ${maxPerPoint}.`);
  lines.push("A research consent alone earns nothing: rewards come when you approve a research request.");
  return lines;
}

/**
 * What an earning of an ended epoch may still claim (`Pallet::value_of`): the epoch's budget
 * times the earning's points over the epoch's points, rounded down, less what a clawback
 * withheld.
 */
export function shareOf(record: EpochRecord, earning: Earning): bigint {
  if (record.points === 0n) return 0n;
  const share = (record.budget * BigInt(earning.points)) / record.points;
  return share > earning.withheld ? share - earning.withheld : 0n;
}

export type EarningState = "claimable" | "in progress" | "expired";

/** One epoch of the account's ledger, as the screen shows it. */
export interface EarningRow {
  epoch: number;
  points: number;
  state: EarningState;
  /** Claimable now (ended epochs); undefined for the epoch in progress. */
  value?: bigint | undefined;
}

/**
 * The account's ledger by epoch: ended epochs in their claim window are claimable for their
 * share; the current epoch's points wait for its end; an epoch no longer on record expired
 * (its share went back to the pool).
 */
export function ledgerRows(earnings: readonly Earning[], current: number, records: ReadonlyMap<number, EpochRecord>): EarningRow[] {
  return earnings.map((e) => {
    if (e.epoch >= current) return { epoch: e.epoch, points: e.points, state: "in progress" };
    const record = records.get(e.epoch);
    if (!record) return { epoch: e.epoch, points: e.points, state: "expired" };
    return { epoch: e.epoch, points: e.points, state: "claimable", value: shareOf(record, e) };
  });
}

/** What `claim_rewards` would pay, from the ledger rows (the chain's `pending_rewards`). */
export function claimable(rows: readonly EarningRow[]): bigint {
  return rows.reduce((sum, r) => sum + (r.state === "claimable" ? (r.value ?? 0n) : 0n), 0n);
}

/** The chart's text alternative. */
export function describeEarnings(rows: readonly EarningRow[]): string {
  if (rows.length === 0) return "The chain keeps no points for you at present.";
  const total = rows.reduce((n, r) => n + r.points, 0);
  const parts = rows.map((r) => `epoch ${r.epoch}: ${r.points} (${r.state})`);
  return `${total} points in ${rows.length} ${rows.length === 1 ? "epoch" : "epochs"} — ${parts.join("; ")}.`;
}
