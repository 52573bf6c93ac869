// Access requests and emergency (break-glass) access in plain language, and the hashes the
// access screens compute locally. Pure functions over the chain's records (as the typed client
// decodes them) and constants, so they are unit-tested without a node. The semantics are the
// access pallet's (pallets/access/src/lib.rs) and the dispute court's (pallets/disputes).
import { Blake2256 } from "@polkadot-api/substrate-bindings";
import { describeClasses, formatDate, formatDateTime, shortAddress } from "./plain.ts";
import { classesIn, DATA_CLASSES, listOf, purpose as purposeInfo, type PurposeKey } from "./vocab.ts";

/** An open request (`AccessApi::pending_requests_of` / `requests_of_provider`). */
export interface RequestRecord {
  patient: string;
  practitioner: string;
  provider: number;
  classes: number;
  purpose: { type: PurposeKey };
  duration: bigint;
  justification: string;
  created_at: bigint;
  expires_at: bigint;
  deposit: bigint;
  bounty: bigint;
}

/** An emergency whose review is open (`AccessApi::emergencies_of`). */
export interface EmergencyRecord {
  patient: string;
  practitioner: string;
  provider: number;
  justification: string;
  classes: number;
  consent: bigint;
  declared_at: bigint;
  access_until: bigint;
  review_due: bigint;
  deposit: bigint;
  retry?: bigint | undefined;
}

export interface AccessWording {
  /** Now, in milliseconds since 1970 (the chain's clock). */
  now: number;
  timeZone?: string;
  /** A provider's display name, if known. */
  providerName?: (id: number) => string | undefined;
  /** A name for an account the app knows ("Dave (development account)"). */
  accountName?: (account: string) => string | undefined;
  /** "1.5 SLS". */
  amount: (planck: bigint) => string;
}


function providerOf(id: number, w: Pick<AccessWording, "providerName">): string {
  return w.providerName?.(id) ?? `provider #${id}`;
}

/**
 * The provider named with its number, for the first mention in a request or an emergency:
 * names are chosen by whoever registers a provider and are not unique, the number is.
 */
function providerNumbered(id: number, w: Pick<AccessWording, "providerName">): string {
  const name = w.providerName?.(id);
  return name === undefined ? `provider #${id}` : `${name} (provider #${id})`;
}

function practitionerOf(account: string, w: Pick<AccessWording, "accountName">): string {
  return w.accountName?.(account) ?? `practitioner ${shortAddress(account)}`;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** "30 days", "1 day", "12 hours", "1 year", "90 minutes". */
export function describeDuration(ms: bigint | number): string {
  const n = Number(ms);
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? "" : "s"}`;
  if (n % (365 * DAY) === 0 && n > 0) return plural(n / (365 * DAY), "year");
  if (n % DAY === 0 && n > 0) return plural(n / DAY, "day");
  if (n % HOUR === 0 && n > 0) return plural(n / HOUR, "hour");
  if (n >= DAY) return `about ${plural(Math.round(n / DAY), "day")}`;
  if (n >= HOUR) return `about ${plural(Math.round(n / HOUR), "hour")}`;
  return plural(Math.max(1, Math.round(n / 60_000)), "minute");
}

/** "your lab results and medications" (a request is to the patient, so "your"). */
export function yourClasses(mask: number): string {
  return describeClasses(mask).replace(/\bmy\b/g, "your");
}

/** "the patient's lab results", "all the patient's records except the sensitive ones" (the clinician's view). */
export function patientsClasses(mask: number): string {
  return describeClasses(mask).replace(/\bmy\b/g, "the patient's");
}

/** "for treatment". */
export function forPurpose(key: PurposeKey): string {
  return `for ${purposeInfo(key).label.replace(/^my own request$/, "your own request")}`;
}

/**
 * The request as the patient reads it: "St Mary's Hospital (provider #3), through Dave, asks to
 * see your lab results and medications, for treatment, for 30 days from your approval."
 */
export function describeRequest(r: RequestRecord, w: AccessWording): string {
  return `${capitalize(providerNumbered(r.provider, w))}, through ${practitionerOf(r.practitioner, w)}, asks to see ${yourClasses(r.classes)}, ${forPurpose(r.purpose.type)}, for ${describeDuration(r.duration)} from your approval.`;
}

/** When it was made and when it expires, and the bounty: the facts under the sentence. */
export function requestFacts(r: RequestRecord, w: AccessWording): string[] {
  const facts = [
    `Asked on ${formatDateTime(r.created_at, w.timeZone)}.`,
    Number(r.expires_at) <= w.now
      ? `It expired on ${formatDateTime(r.expires_at, w.timeZone)}: it can no longer be approved, only refused.`
      : `Unless you answer, it expires on ${formatDateTime(r.expires_at, w.timeZone)}.`,
  ];
  if (r.bounty > 0n)
    facts.push(`It offers you a research bounty of ${w.amount(r.bounty)}: paid to you if you approve (even only some of it); returned to the provider if you refuse.`);
  return facts;
}

/** What approving does, said before signing. */
export function approveNote(r: RequestRecord, classes: number, w: AccessWording): string {
  const until = w.now + Number(r.duration);
  const bounty = r.bounty > 0n ? ` The bounty of ${w.amount(r.bounty)} is paid to you.` : "";
  return `${capitalize(providerOf(r.provider, w))} will be allowed to see ${yourClasses(classes)}, ${forPurpose(r.purpose.type)}, for ${describeDuration(r.duration)} (until about ${formatDate(until, w.timeZone)}). The permission appears under My consents, where you can revoke it at any time.${bounty}`;
}

/** What happened, said after the block: "St Mary's Hospital may now see your lab results, for treatment, until …". */
export function approvedOutcome(provider: number, classes: number, purposeKey: PurposeKey, validUntil: bigint | number, consent: bigint | undefined, w: AccessWording): string {
  const under = consent === undefined ? "" : ` (consent #${consent})`;
  return `${capitalize(providerOf(provider, w))} may now see ${yourClasses(classes)}, ${forPurpose(purposeKey)}, until ${formatDateTime(validUntil, w.timeZone)}${under}.`;
}

export function denyNote(r: RequestRecord, w: AccessWording): string {
  const bounty = r.bounty > 0n ? " and its bounty" : "";
  return `${capitalize(providerOf(r.provider, w))} gets no access through this request; the deposit${bounty} ${bounty ? "go" : "goes"} back to ${practitionerOf(r.practitioner, w)}, who asked. Nothing else changes: your other consents still apply.`;
}

export function deniedOutcome(r: RequestRecord, w: AccessWording): string {
  return `You refused the request of ${providerOf(r.provider, w)}: it may not see ${yourClasses(r.classes)} through it.`;
}

/** The classes of a request, each with its label, for the approve-some checkboxes. */
export function requestedClasses(mask: number): { key: string; label: string; sensitive: boolean }[] {
  return classesIn(mask).map((c) => ({ key: c.key, label: c.label, sensitive: c.sensitive }));
}

// Emergencies

/** The emergency as the patient reads it. */
export function describeEmergency(e: EmergencyRecord, w: AccessWording): string {
  const ended = Number(e.access_until) <= w.now;
  const opened = `${capitalize(practitionerOf(e.practitioner, w))} of ${providerNumbered(e.provider, w)} declared an emergency on ${formatDateTime(e.declared_at, w.timeZone)} and opened ${yourClasses(e.classes)} to ${providerOf(e.provider, w)}, for emergency treatment`;
  return ended
    ? `${opened}. That access ended on ${formatDateTime(e.access_until, w.timeZone)}.`
    : `${opened}, until ${formatDateTime(e.access_until, w.timeZone)}.`;
}

export type ReviewState = "open" | "overdue";

export function reviewState(e: EmergencyRecord, now: number): ReviewState {
  return Number(e.review_due) <= now ? "overdue" : "open";
}

/** The review's deadline and state in words. */
export function describeReview(e: EmergencyRecord, w: AccessWording): string {
  if (reviewState(e, w.now) === "overdue")
    return `Your review was due on ${formatDateTime(e.review_due, w.timeZone)}: it is going to the arbitrators on their own (no bond from you). Until they take it up you can still acknowledge or contest it.`;
  return `Please review it by ${formatDateTime(e.review_due, w.timeZone)}. If you do nothing, it goes to the arbitrators on their own (no bond from you).`;
}

export function acknowledgeNote(e: EmergencyRecord, w: AccessWording): string {
  const access =
    Number(e.access_until) > w.now
      ? ` The access itself still lasts until ${formatDateTime(e.access_until, w.timeZone)} (revoke consent #${e.consent} under My consents to end it sooner).`
      : "";
  return `Acknowledging says the emergency was justified: the review closes, no dispute is opened, and ${practitionerOf(e.practitioner, w)} of ${providerOf(e.provider, w)} gets back the deposit held for it.${access}`;
}

/** The dispute court's terms, from its constants. */
export interface CourtTerms {
  bond: bigint;
  slash: bigint;
  /** Perbill shares (parts per 1 000 000 000). */
  compensation: number;
  rejectedRefund: number;
  evidenceBlocks: number;
  votingBlocks: number;
  /** Milliseconds a block takes (6 000). */
  blockMs: number;
}

function percent(perbill: number): string {
  return `${Math.round(perbill / 10_000_000)}%`;
}

function share(amount: bigint, perbill: number): bigint {
  return (amount * BigInt(perbill)) / 1_000_000_000n;
}

/** What contesting starts and what it costs, said before signing. */
export function contestNote(e: EmergencyRecord, court: CourtTerms, w: AccessWording): string {
  const provider = providerOf(e.provider, w);
  const evidence = describeDuration(court.evidenceBlocks * court.blockMs);
  const voting = describeDuration(court.votingBlocks * court.blockMs);
  const access =
    Number(e.access_until) > w.now
      ? ` Contesting does not end the access itself (until ${formatDateTime(e.access_until, w.timeZone)}): revoke consent #${e.consent} under My consents for that.`
      : "";
  return (
    `Contesting opens a dispute against ${provider} before the arbitrators, with your evidence's fingerprint. ` +
    `${w.amount(court.bond)} of yours is held as a bond until the verdict. ${capitalize(provider)} may answer with its own evidence for ${evidence}; then the arbitrators vote for ${voting}. ` +
    `If they uphold it: ${provider} loses ${w.amount(court.slash)} of its bond, of which ${percent(court.compensation)} (${w.amount(share(court.slash, court.compensation))}) is paid to you, it is suspended at once, and your bond comes back. ` +
    `If they reject it: ${percent(court.rejectedRefund)} of your bond comes back and the rest is forfeited. If nobody judges it in time, your whole bond comes back.${access}`
  );
}

/**
 * The justification `declare_emergency` takes (pallets/access/src/types.rs,
 * `EmergencyReason::commit`): BLAKE2-256 of the SCALE encoding of `(reason, salt, document)` —
 * the reason's one-byte index, the 32-byte salt, the document's 32-byte hash.
 */
export function emergencyCommitment(reasonIndex: number, salt: Uint8Array, documentHash: Uint8Array): Uint8Array {
  if (!Number.isInteger(reasonIndex) || reasonIndex < 0 || reasonIndex > 3) throw new Error("unknown emergency reason");
  if (salt.length !== 32 || documentHash.length !== 32) throw new Error("the salt and the document hash are 32 bytes each");
  const bytes = new Uint8Array(65);
  bytes[0] = reasonIndex;
  bytes.set(salt, 1);
  bytes.set(documentHash, 33);
  return Blake2256(bytes);
}

/** The reasons a practitioner may break the glass for, in the chain's order (codec index). */
export const EMERGENCY_REASONS = [
  { key: "Unconscious", label: "The patient is unconscious" },
  { key: "LifeThreatening", label: "The patient's life is in immediate danger" },
  { key: "Incapacitated", label: "The patient cannot decide and no guardian can be reached" },
  { key: "MassCasualty", label: "A public-health emergency (mass casualties)" },
] as const;

/** What a bytes' fingerprint is: BLAKE2-256, as the CLI hashes evidence (`--evidence FILE`). */
export function fingerprint(bytes: Uint8Array): Uint8Array {
  return Blake2256(bytes);
}

/**
 * A request's justification as the chain holds it: `blake2_256(salt ‖ blake2_256(text))`. The
 * salt keeps a short or formulaic justification from being guessed from the chain; the
 * clinician keeps the salt and the text (a file the console offers) to show them later.
 */
export function sealJustification(salt: Uint8Array, text: string): Uint8Array {
  if (salt.length !== 32) throw new Error("the salt is 32 bytes");
  const bytes = new Uint8Array(64);
  bytes.set(salt, 0);
  bytes.set(fingerprint(new TextEncoder().encode(text)), 32);
  return Blake2256(bytes);
}

/** Terms a practitioner reads before breaking the glass. */
export interface BreakGlassTerms {
  /** The classes the emergency would open (non-sensitive, plus the patient's directive). */
  classes: number;
  windowMs: bigint;
  reviewMs: bigint;
  deposit: bigint;
  slash: bigint;
  perPractitioner: number;
  perPatient: number;
}

/** What breaking the glass means, said before signing. */
export function breakGlassNote(t: BreakGlassTerms, provider: string, w: Pick<AccessWording, "amount" | "now" | "timeZone">): string[] {
  return [
    `It opens ${patientsClasses(t.classes)} to ${provider} at once, without asking the patient, for emergency treatment only, for ${describeDuration(t.windowMs)} (until about ${formatDateTime(w.now + Number(t.windowMs), w.timeZone)}).`,
    "It is logged on chain for good: who declared it, when, and a sealed fingerprint of the reason and justification (kept here, in the file you download, never sent in clear).",
    `The patient (or their guardian) is asked to review it within ${describeDuration(t.reviewMs)}, and may acknowledge it or contest it; unreviewed, it goes to the arbitrators on its own.`,
    `${w.amount(t.deposit)} is held from your account until the review ends. If a contest is upheld, ${provider} loses ${w.amount(t.slash)} of its bond and is suspended at once.`,
    `You may declare at most ${t.perPractitioner} emergencies a day, and your provider at most ${t.perPatient} on the same patient.`,
  ];
}

/** "In an emergency, providers would see all their records except the sensitive ones, and their genomic data." */
export function describeDirective(emergencyClasses: number): string {
  return `In an emergency, a hospital or clinic would see ${patientsClasses(emergencyClasses)}.`;
}

/** A research bounty, in words (shown under the bounty field). */
export const BOUNTY_MEANING =
  "Research requests only. The bounty is held from your account while the request is open, paid to the patient if they approve (all or some of what you ask for), and returned to you if they refuse, the request expires or you withdraw it.";

/** What every request costs, from the constants. */
export function requestCostNote(fee: bigint, deposit: bigint, lifetimeMs: bigint, amount: (planck: bigint) => string): string {
  return `Every request costs ${amount(fee)}, paid to the treasury whatever the answer, and holds a deposit of ${amount(deposit)} until it ends (approved, refused, withdrawn, or expired after ${describeDuration(lifetimeMs)}).`;
}

/** The classes a mask holds, listed: "lab results, medications and imaging". */
export function classList(mask: number): string {
  return listOf(classesIn(mask).map((c) => c.label));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The classes an emergency opens without a directive: every class that is not sensitive. */
export const NON_SENSITIVE_CLASSES = DATA_CLASSES.reduce((mask, c, index) => (c.sensitive ? mask : mask | (1 << index)), 0);

/**
 * An amount typed in SLS ("1.5") as planck (`decimals` places), or undefined if it is not a
 * plain non-negative decimal with at most `decimals` places (or exceeds the chain's u128).
 */
export function parseAmount(text: string, decimals: number): bigint | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return 0n;
  const match = /^(\d{1,30})(?:\.(\d+))?$/.exec(trimmed);
  if (!match) return undefined;
  const fraction = match[2] ?? "";
  if (fraction.length > decimals) return undefined;
  const value = BigInt(match[1]!) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  return value < 2n ** 128n ? value : undefined;
}

/** Whole days typed ("30") as milliseconds, if 1..=`maxMs`. */
export function parseDays(text: string, maxMs: bigint): bigint | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return undefined;
  const ms = BigInt(trimmed) * BigInt(DAY);
  return ms > 0n && ms <= maxMs ? ms : undefined;
}
