// Consents and access decisions in plain language: "St Mary's Hospital may see my lab results
// and medications, for treatment, until 1 March 2027." Pure functions over the chain's records
// (as the typed client decodes them), so they are unit-tested without a node.
import {
  classesIn,
  countryName,
  DATA_CLASSES,
  jurisdictionCode,
  listOf,
  providerKind,
  purposesIn,
  type ProviderKindKey,
} from "./vocab.ts";

/** Who a consent speaks to (the chain's `Grantee`). */
export type Grantee =
  | { type: "Provider"; value: number }
  | { type: "Practitioner"; value: string }
  | { type: "Providers"; value: { kind?: { type: ProviderKindKey } | undefined; jurisdiction?: string | undefined } };

/** The part of a stored consent (`ConsentApi::consents_of`) the sentences need. */
export interface ConsentRecord {
  id: bigint;
  grantee: Grantee;
  decision: { type: "Permit" | "Deny" };
  classes: number;
  purposes: number;
  jurisdictions?: string[] | undefined;
  valid_from: bigint;
  valid_until?: bigint | undefined;
  created_at: bigint;
  revoked_at?: bigint | undefined;
  source: { type: "Patient" } | { type: "Request"; value: bigint } | { type: "Emergency"; value: bigint };
}

export interface Wording {
  /** A provider's name, if known ("St Mary's Hospital"). */
  providerName?: (id: number) => string | undefined;
  /** A short name for an account ("Dr Dave" for a known one, else a shortened address). */
  accountName?: (account: string) => string | undefined;
  /** The time zone dates are shown in (default: the browser's). */
  timeZone?: string;
  /** Now, in milliseconds since 1970 (the chain's clock). */
  now: number;
}

export function shortAddress(account: string): string {
  return account.length > 14 ? `${account.slice(0, 6)}…${account.slice(-6)}` : account;
}

/** The largest time a JavaScript Date holds (about the year 275 760), in milliseconds. */
const LAST_DATE_MS = 8.64e15;

/**
 * A time from the chain (u64 milliseconds) as a Date, or the words for one no calendar holds:
 * a consent "until" the year 300 000 is the chain's to keep, and the screen must still show.
 */
function dateOr(ms: bigint | number): Date | string {
  const value = typeof ms === "bigint" ? (ms > BigInt(LAST_DATE_MS) ? Infinity : Number(ms)) : ms;
  if (!Number.isFinite(value) || value > LAST_DATE_MS) return "the far future (after the year 275 000)";
  if (value < 0) return "before 1970";
  return new Date(value);
}

/** `ms` in British English words, with `fields`, in `timeZone` (default: the browser's). */
function formatWith(ms: bigint | number, fields: Intl.DateTimeFormatOptions, timeZone?: string): string {
  const date = dateOr(ms);
  if (typeof date === "string") return date;
  return new Intl.DateTimeFormat("en-GB", { ...fields, ...(timeZone ? { timeZone } : {}) }).format(date);
}

/** "1 March 2027". */
export function formatDate(ms: bigint | number, timeZone?: string): string {
  return formatWith(ms, { day: "numeric", month: "long", year: "numeric" }, timeZone);
}

/** "1 March 2027 at 14:05". */
export function formatDateTime(ms: bigint | number, timeZone?: string): string {
  return formatWith(ms, { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" }, timeZone);
}

/** "St Mary's Hospital", "practitioner 5GrwvA…GKutQY", "every hospital in Germany". */
export function describeGrantee(grantee: Grantee, wording: Pick<Wording, "providerName" | "accountName">): string {
  switch (grantee.type) {
    case "Provider":
      return wording.providerName?.(grantee.value) ?? `provider #${grantee.value}`;
    case "Practitioner":
      return wording.accountName?.(grantee.value) ?? `practitioner ${shortAddress(grantee.value)}`;
    case "Providers": {
      const { kind, jurisdiction } = grantee.value;
      const who = kind ? providerKind(kind.type).every : "every accredited provider";
      return jurisdiction ? `${who} in ${countryName(jurisdictionCode(jurisdiction))}` : who;
    }
  }
}

/** "my lab results and medications"; "all my records except the sensitive ones". */
export function describeClasses(mask: number): string {
  const classes = classesIn(mask);
  const ordinary = DATA_CLASSES.filter((c) => !c.sensitive);
  const sensitive = classes.filter((c) => c.sensitive);
  const allOrdinary = ordinary.every((c) => classes.includes(c));
  if (allOrdinary && sensitive.length === 0) return "all my records except the sensitive ones";
  if (allOrdinary && sensitive.length === DATA_CLASSES.length - ordinary.length) return "all my records, sensitive ones included";
  if (allOrdinary) return `all my records except the sensitive ones, and my ${listOf(sensitive.map((c) => c.label))}`;
  return `my ${listOf(classes.map((c) => c.label))}`;
}

/** "for treatment", "for treatment or research". */
export function describePurposes(mask: number): string {
  return `for ${listOf(purposesIn(mask).map((p) => p.label), "or")}`;
}

/**
 * A consent's jurisdictions in words. The chain applies them to the provider's country
 * (pallets/consent/src/decision.rs, `allows_jurisdiction`): a permit allows only providers in
 * them ("held only in Germany or France"); a refusal refuses only providers in them and does not
 * apply elsewhere ("when the provider is in Germany or France").
 */
export function describeJurisdictions(
  codes: readonly string[] | undefined,
  decision: ConsentRecord["decision"]["type"] = "Permit",
): string | undefined {
  if (!codes || codes.length === 0) return undefined;
  const countries = listOf(codes.map((hex) => countryName(jurisdictionCode(hex))), "or");
  return decision === "Deny" ? `when the provider is in ${countries}` : `held only in ${countries}`;
}

export type ConsentState = "active" | "scheduled" | "expired" | "revoked";

export function consentState(consent: ConsentRecord, now: number): ConsentState {
  if (consent.revoked_at !== undefined) return "revoked";
  if (consent.valid_until !== undefined && Number(consent.valid_until) <= now) return "expired";
  if (Number(consent.valid_from) > now) return "scheduled";
  return "active";
}

/**
 * The consent as one sentence, in the patient's voice: "St Mary's Hospital may see my lab results
 * and medications, for treatment, until 1 March 2027."
 */
export function describeConsent(consent: ConsentRecord, wording: Wording): string {
  const who = describeGrantee(consent.grantee, wording);
  const verb = consent.decision.type === "Permit" ? "may see" : "may not see";
  const parts = [`${capitalize(who)} ${verb} ${describeClasses(consent.classes)}`, describePurposes(consent.purposes)];
  const where = describeJurisdictions(consent.jurisdictions, consent.decision.type);
  if (where) parts.push(where);
  const state = consentState(consent, wording.now);
  if (state === "scheduled") parts.push(`from ${formatDate(consent.valid_from, wording.timeZone)}`);
  if (consent.valid_until !== undefined) parts.push(`until ${formatDate(consent.valid_until, wording.timeZone)}`);
  else if (consent.decision.type === "Permit") parts.push("until I revoke it");
  let sentence = `${parts.join(", ")}.`;
  if (consent.source.type === "Request") sentence += ` (You approved request #${consent.source.value}.)`;
  if (consent.source.type === "Emergency") sentence += ` (Emergency access #${consent.source.value}.)`;
  return sentence;
}

/** The consent's status in words: "Active", "Revoked on 2 March 2027 at 10:15". */
export function describeState(consent: ConsentRecord, wording: Wording): string {
  switch (consentState(consent, wording.now)) {
    case "revoked":
      return `Revoked on ${formatDateTime(consent.revoked_at!, wording.timeZone)}`;
    case "expired":
      return `Expired on ${formatDate(consent.valid_until!, wording.timeZone)}`;
    case "scheduled":
      return `Starts on ${formatDate(consent.valid_from, wording.timeZone)}`;
    case "active":
      return "Active";
  }
}

/**
 * What revoking says before the patient signs, by the consent's decision: revoking a permission
 * ends it; revoking a refusal removes the refusal (the patient's other consents decide again).
 */
export function revokeEffect(decision: ConsentRecord["decision"]["type"]): string {
  const when = "Revoking takes effect in the block that includes it, about 6 seconds after you sign: from that block on, ";
  const what =
    decision === "Deny"
      ? "this refusal no longer applies, and your other consents decide who may see what."
      : "every access check under this consent is denied.";
  return `${when}${what} The record of the consent stays, marked revoked.`;
}

/** What revoking a permission says (see `revokeEffect`). */
export const REVOKE_EFFECT = revokeEffect("Permit");

/** The access decision (`ConsentApi::check_access`), as the typed client decodes it. */
export type AccessDecision =
  | { type: "Permit"; value: { basis: { type: "OwnData" } | { type: "Consent"; value: { id: bigint; source: ConsentRecord["source"] } } } }
  | { type: "Deny"; value: { reason: { type: DenyReasonKey; value?: bigint | undefined } } };

export type DenyReasonKey =
  | "UnknownPatient"
  | "NotPractitioner"
  | "ProviderNotAccredited"
  | "NoConsent"
  | "DeniedByConsent"
  | "ClassNotCovered"
  | "SensitiveClassNotNamed"
  | "PurposeNotCovered"
  | "OutsideJurisdictions"
  | "Revoked"
  | "NotYetValid"
  | "Expired";

/** Why access is denied, in words; `#id` names the consent that came closest. */
export const DENY_REASONS: Record<DenyReasonKey, string> = {
  UnknownPatient: "This account is not a registered patient, so there is no record to see.",
  NotPractitioner: "The account asking is not a practitioner of any provider.",
  ProviderNotAccredited: "The practitioner's provider is not accredited.",
  NoConsent: "The patient has given no consent that speaks to this practitioner or its provider.",
  DeniedByConsent: "Consent #{id} of the patient refuses it (a refusal overrides every permission).",
  ClassNotCovered: "Consent #{id} comes closest, but does not cover this kind of data.",
  SensitiveClassNotNamed: "This kind of data is sensitive, and consent #{id} does not name it.",
  PurposeNotCovered: "Consent #{id} comes closest, but does not cover this purpose.",
  OutsideJurisdictions: "Consent #{id} allows the data to be held only in other countries than the provider's.",
  Revoked: "Consent #{id} would allow it, but the patient revoked it.",
  NotYetValid: "Consent #{id} would allow it, but it has not started yet.",
  Expired: "Consent #{id} would allow it, but it has expired.",
};

export function describeDecision(decision: AccessDecision): { permit: boolean; headline: string; detail: string } {
  if (decision.type === "Permit") {
    const basis = decision.value.basis;
    if (basis.type === "OwnData") return { permit: true, headline: "Permit", detail: "This is the patient's own data." };
    const via =
      basis.value.source.type === "Request"
        ? ` (the approved request #${basis.value.source.value})`
        : basis.value.source.type === "Emergency"
          ? ` (emergency access #${basis.value.source.value})`
          : "";
    return { permit: true, headline: "Permit", detail: `Allowed under consent #${basis.value.id}${via}.` };
  }
  const reason = decision.value.reason;
  const detail = DENY_REASONS[reason.type].replace("{id}", String(reason.value ?? "?"));
  return { permit: false, headline: "Deny", detail };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
