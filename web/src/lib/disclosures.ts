// "Who saw my data": the disclosure log in pages (newest first), each entry in words, and the
// counts per day or week the timeline draws. Pure functions: unit-tested without a node.
import type { AccessBasis, DisclosureRecord } from "./fhir.ts";
import { dataClass, purpose, type DataClassKey, type PurposeKey } from "./vocab.ts";
import { cleanName } from "./text.ts";

/**
 * Text from chain storage, fit for the log's table and exports: `cleanName` (lib/text.ts), cut
 * only beyond 128 characters — the chain's bound on a provider's name in bytes, so a name the
 * chain holds is never cut.
 */
export function cleanText(bytes: Uint8Array | string, max = 129): string {
  return cleanName(bytes, max);
}

/** The most entries `AccessApi::disclosures_of` returns to one query. */
export const MAX_PER_QUERY = 1000;

/**
 * The next page to read, newest first: the `size` positions just before `end` (the oldest
 * position already read, or the log's count at first). `undefined` once position 0 is read.
 */
export function previousPage(end: number, size: number): { from: number; count: number } | undefined {
  if (end <= 0 || size <= 0) return undefined;
  const from = Math.max(0, end - size);
  return { from, count: end - from };
}

/** The chain's `Disclosure`, as the typed client decodes it. */
export interface ChainDisclosure {
  id: bigint;
  accessor: string;
  provider: number;
  at: bigint;
  class: { type: DataClassKey };
  purpose: { type: PurposeKey };
  basis: AccessBasis;
  record?: string | undefined;
}

/**
 * A stored entry as the exports take it. Hostile values are refused here, not passed on: an
 * entry whose class, purpose or basis this app does not know (a runtime newer than its
 * metadata) throws, so that an export never silently drops or misnames a disclosure.
 */
export function toRecord(patient: string, d: ChainDisclosure, providerName: string | undefined): DisclosureRecord {
  if (!dataClass(d.class.type)) throw new Error(`disclosure ${d.id}: unknown class ${String(d.class.type)}`);
  if (!purpose(d.purpose.type)) throw new Error(`disclosure ${d.id}: unknown purpose ${String(d.purpose.type)}`);
  if (d.basis.type !== "OwnData" && d.basis.type !== "Consent") throw new Error(`disclosure ${d.id}: unknown basis`);
  return {
    id: d.id,
    patient,
    accessor: d.accessor,
    provider: d.provider,
    providerName,
    at: d.at,
    dataClass: d.class.type,
    purpose: d.purpose.type,
    basis: d.basis,
    record: d.record,
  };
}

/** The basis in the patient's words: "your consent #3", "your approval of request #2". */
export function describeBasis(basis: AccessBasis): string {
  if (basis.type === "OwnData") return "your own access";
  const { id, source } = basis.value;
  if (source.type === "Patient") return `your consent #${id}`;
  if (source.type === "Request") return `your approval of request #${source.value} (consent #${id})`;
  return `emergency access #${source.value}, without asking you (break-glass; consent #${id})`;
}

/** "Lab results" (sensitive classes say so). */
export function describeClass(key: DataClassKey): string {
  const info = dataClass(key);
  const label = info.label.charAt(0).toUpperCase() + info.label.slice(1);
  return info.sensitive ? `${label} (sensitive)` : label;
}

/** "Treatment". */
export function describePurpose(key: PurposeKey): string {
  const label = purpose(key).label;
  return label.charAt(0).toUpperCase() + label.slice(1);
}

export type Granularity = "day" | "week";

export interface Bucket {
  /** The first day of the period, `YYYY-MM-DD` in the time zone. */
  start: string;
  count: number;
}

const DAY = 86_400_000;

/** `YYYY-MM-DD` of `at` in `timeZone` (the browser's if undefined). */
export function dayKey(at: number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", ...(timeZone ? { timeZone } : {}) }).formatToParts(new Date(at));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** Days of a `YYYY-MM-DD` key since 1970 (calendar arithmetic, no time zone). */
const dayNumber = (key: string): number => Math.round(Date.parse(`${key}T00:00:00Z`) / DAY);
const keyOf = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);

/**
 * Disclosures per day — or per week (from Monday) when they span more than `maxDays` days —
 * from the first period to the last, periods without any included (as zero), at most
 * `maxBars` periods (the newest).
 */
export function timeline(times: readonly number[], timeZone?: string, maxDays = 31, maxBars = 60): { granularity: Granularity; buckets: Bucket[] } {
  if (times.length === 0) return { granularity: "day", buckets: [] };
  const days = times.map((t) => dayNumber(dayKey(t, timeZone)));
  const first = days.reduce((a, b) => Math.min(a, b));
  const last = days.reduce((a, b) => Math.max(a, b));
  const granularity: Granularity = last - first + 1 > maxDays ? "week" : "day";
  // 1 January 1970 was a Thursday: day n is a Monday when (n + 3) % 7 === 0.
  const periodOf = (day: number) => (granularity === "day" ? day : day - ((day + 3) % 7 + 7) % 7);
  const step = granularity === "day" ? 1 : 7;
  const counts = new Map<number, number>();
  for (const day of days) counts.set(periodOf(day), (counts.get(periodOf(day)) ?? 0) + 1);
  const buckets: Bucket[] = [];
  for (let p = periodOf(first); p <= periodOf(last); p += step) buckets.push({ start: keyOf(p), count: counts.get(p) ?? 0 });
  return { granularity, buckets: buckets.slice(-maxBars) };
}

/** "7 December 2026" for a `YYYY-MM-DD` key; "the week of 7 December 2026" for a week. */
export function describePeriod(bucket: Bucket, granularity: Granularity): string {
  const date = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(
    new Date(`${bucket.start}T00:00:00Z`),
  );
  return granularity === "week" ? `the week of ${date}` : date;
}

/** The timeline in one sentence, for those who cannot see the chart. */
export function describeTimeline(buckets: readonly Bucket[], granularity: Granularity): string {
  if (buckets.length === 0) return "No disclosures to chart.";
  const total = buckets.reduce((n, b) => n + b.count, 0);
  const busiest = buckets.reduce((a, b) => (b.count > a.count ? b : a));
  const per = granularity === "day" ? "day" : "week";
  const what = `${total} ${total === 1 ? "disclosure" : "disclosures"}`;
  if (buckets.length === 1) return `${what}, all in ${describePeriod(buckets[0]!, granularity)}.`;
  const span = `${describePeriod(buckets[0]!, granularity)} to ${describePeriod(buckets[buckets.length - 1]!, granularity)}`;
  return `${what} from ${span}, counted per ${per}; the most in one ${per} was ${busiest.count}, in ${describePeriod(busiest, granularity)}.`;
}

/** A file name for an export: `salus-disclosures-5Grwva…-2026-12-07.csv`. */
export function exportName(patient: string, now: number, extension: "csv" | "json"): string {
  return `salus-disclosures-${patient.slice(0, 8)}-${new Date(now).toISOString().slice(0, 10)}.${extension}`;
}
