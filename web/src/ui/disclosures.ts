// "Who saw my data": the patient's accounting of disclosures (HIPAA §164.528) — every access a
// provider logged (`AccessApi::disclosures_of`), newest first, a page at a time; a timeline of
// the entries shown; and the whole log as CSV or as FHIR R4 AuditEvents, in the same shape as
// the `salus` CLI and the gateway write them (lib/fhir.ts).
import type { App } from "../app.ts";
import { answered, NodeTimeout } from "../chain.ts";
import {
  cleanText,
  describeBasis,
  describeClass,
  describePeriod,
  describePurpose,
  describeTimeline,
  exportName,
  MAX_PER_QUERY,
  previousPage,
  timeline,
  toRecord,
  type ChainDisclosure,
} from "../lib/disclosures.ts";
import { auditCsv, auditJson, type DisclosureRecord } from "../lib/fhir.ts";
import { formatDateTime, shortAddress } from "../lib/plain.ts";
import { barChart } from "./chart.ts";
import { h, notice, replace } from "./dom.ts";

/** Entries per page of the table. */
export const PAGE_SIZE = 25;

/** The names of providers, read once per screen (`HealthIdentityApi::provider`), cleaned for display. */
class ProviderNames {
  private readonly names = new Map<number, Promise<string | undefined>>();
  constructor(private readonly app: App) {}
  get(id: number): Promise<string | undefined> {
    let name = this.names.get(id);
    if (!name) {
      name = answered(this.app.chain.api.apis.HealthIdentityApi.provider(id, { at: "best" })).then((p) => {
        if (!p) return undefined;
        const cleaned = cleanText(p.name);
        return cleaned.length ? cleaned : undefined;
      });
      // A failed read is asked again next time, not remembered.
      name.catch(() => this.names.delete(id));
      this.names.set(id, name);
    }
    return name;
  }
  async all(ids: Iterable<number>): Promise<Map<number, string | undefined>> {
    const unique = [...new Set(ids)];
    const found = await Promise.all(unique.map((id) => this.get(id)));
    return new Map(unique.map((id, i) => [id, found[i]]));
  }
}

/** Reads `count` entries from position `from`, in queries of at most MAX_PER_QUERY. */
async function readLog(
  app: App,
  patient: string,
  from: number,
  count: number,
  progress?: (read: number) => void,
  stopped: () => boolean = () => false,
): Promise<ChainDisclosure[]> {
  const entries: ChainDisclosure[] = [];
  for (let at = from; at < from + count; at += MAX_PER_QUERY) {
    if (stopped()) throw new Error("stopped");
    const n = Math.min(MAX_PER_QUERY, from + count - at);
    const page = await answered(app.chain.api.apis.AccessApi.disclosures_of(patient, at, n, { at: "best" }));
    entries.push(...(page as unknown as ChainDisclosure[]));
    progress?.(Math.min(at + n, from + count) - from);
  }
  return entries;
}

/** A time in words, with the instant for machines; "an unknown time" if out of any calendar's range. */
function when(at: bigint): HTMLElement | string {
  try {
    return h("time", { datetime: new Date(Number(at)).toISOString() }, formatDateTime(at));
  } catch {
    return "an unknown time";
  }
}

/** Offers `text` as a file download (a Blob behind an object URL, released afterwards). */
function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h("a", { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export async function renderDisclosures(app: App, view: HTMLElement): Promise<void> {
  replace(view, h("h2", {}, "Who saw my data"));
  const patient = app.patientAddress;
  if (!patient) return void view.append(notice("info", "Choose an account first (top of the page)."));
  const api = app.chain.api;
  const whose = app.ward ? "your ward's" : "your";
  const [registered, count] = await answered(
    Promise.all([api.apis.HealthIdentityApi.patient(patient, { at: "best" }), api.apis.AccessApi.disclosure_count(patient, { at: "best" })]),
  );
  if (!registered) {
    view.append(notice("info", "This account is not registered as a patient, so no provider can log an access to its data."), h("p", {}, h("a", { href: "#/register" }, "Register first")));
    return;
  }
  view.append(
    h(
      "p",
      { class: "lead" },
      `Every time a provider's practitioner opens ${whose} records, the provider must log it on the chain: when, who, what, why, and under which permission. `,
      `The chain refuses to log an access ${whose} consents do not allow. Entries are kept six years, then removed.`,
    ),
  );
  if (count === 0) {
    view.append(h("p", { "data-testid": "disclosure-summary" }, `No provider has logged an access to ${whose} data.`));
    return;
  }
  const names = new ProviderNames(app);
  const loaded: DisclosureRecord[] = [];
  let end = count;
  let pruned = 0;

  const summary = h("p", { "data-testid": "disclosure-summary", "aria-live": "polite" });
  const tbody = h("tbody");
  const table = h(
    "table",
    { class: "data disclosures", "data-testid": "disclosures" },
    h("caption", {}, `Accesses to ${whose} data, newest first`),
    h(
      "thead",
      {},
      h("tr", {}, ["When", "Who", "What", "Why", "Under what permission"].map((label) => h("th", { scope: "col" }, label))),
    ),
    tbody,
  );
  const scroller = h("div", { class: "table-scroll", role: "region", "aria-label": `Accesses to ${whose} data (scrolls sideways)`, tabindex: 0 }, table);
  const more = h("button", { type: "button" }, "Show older entries");
  const chartRegion = h("div", { class: "timeline" });
  const status = h("div", { "aria-live": "polite" });

  const drawChart = () => {
    let drawn: ReturnType<typeof timeline>;
    try {
      drawn = timeline(loaded.map((d) => Number(d.at)));
    } catch {
      // A time no calendar can show (the chain's clock is the block author's): no chart.
      return replace(chartRegion, notice("info", "The timeline cannot be drawn: an entry's time is out of range."));
    }
    const { granularity, buckets } = drawn;
    const short = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
    replace(
      chartRegion,
      h("h3", {}, granularity === "day" ? "Accesses per day" : "Accesses per week"),
      barChart(
        buckets.map((b) => ({ label: short.format(new Date(`${b.start}T00:00:00Z`)), name: describePeriod(b, granularity), value: b.count })),
        {
          title: `Accesses to ${whose} data per ${granularity}`,
          summary: `${describeTimeline(buckets, granularity)} The chart covers the ${loaded.length} entries shown in the table.`,
          columns: [granularity === "day" ? "Day" : "Week from", "Accesses"],
          testId: "timeline",
        },
      ),
    );
  };

  const row = (d: DisclosureRecord) =>
    h(
      "tr",
      { "data-disclosure-id": String(d.id) },
      h("td", {}, when(d.at)),
      h(
        "td",
        {},
        h("span", { class: "who-provider" }, `${d.providerName ?? "An unnamed provider"} (provider #${d.provider})`),
        h("br"),
        h("span", { class: "who-person" }, app.knownName(d.accessor) ?? `practitioner ${shortAddress(d.accessor)}`),
      ),
      h("td", {}, describeClass(d.dataClass)),
      h("td", {}, describePurpose(d.purpose)),
      h("td", {}, describeBasis(d.basis)),
    );

  const loadOlder = async () => {
    const page = previousPage(end, PAGE_SIZE);
    if (!page) return;
    more.disabled = true;
    replace(status, h("p", { class: "progress", role: "status" }, "Reading the log…"));
    try {
      const entries = await readLog(app, patient, page.from, page.count);
      const providers = await names.all(entries.map((e) => e.provider));
      const records = entries.map((e) => toRecord(patient, e, providers.get(e.provider))).reverse();
      pruned += page.count - entries.length;
      end = page.from;
      loaded.push(...records);
      tbody.append(...records.map(row));
      replace(status);
    } catch (error) {
      replace(status, notice("error", error instanceof NodeTimeout ? error.message : `The log could not be read: ${(error as Error).message}`));
    }
    summary.textContent =
      `Providers have logged ${count} ${count === 1 ? "access" : "accesses"} to ${whose} data. Showing the newest ${loaded.length}.` +
      (pruned ? ` ${pruned} older ${pruned === 1 ? "entry was" : "entries were"} removed after the retention period.` : "");
    more.hidden = end <= 0;
    more.disabled = false;
    drawChart();
  };
  more.addEventListener("click", () => void loadOlder());

  // The whole log, for the exports (in queries of at most 1 000 entries, oldest first).
  const exportStatus = h("div", { "aria-live": "polite", "data-testid": "export-status" });
  const csvButton = h("button", { type: "button" }, "Download as CSV (spreadsheet)");
  const fhirButton = h("button", { type: "button" }, "Download as FHIR AuditEvents (JSON)");
  // A long log is read in many queries: the patient may stop (nothing is downloaded then).
  const stop = h("button", { type: "button", hidden: true }, "Stop the download");
  let stopping = false;
  stop.addEventListener("click", () => {
    stopping = true;
    stop.disabled = true;
  });
  const exportAll = async (kind: "csv" | "json") => {
    csvButton.disabled = fhirButton.disabled = true;
    stopping = false;
    stop.disabled = false;
    stop.hidden = false;
    const progress = h("p", { class: "progress", role: "status" }, "Reading the whole log…");
    replace(exportStatus, progress);
    try {
      const total = await answered(api.apis.AccessApi.disclosure_count(patient, { at: "best" }));
      const entries = await readLog(
        app,
        patient,
        0,
        total,
        (read) => (progress.textContent = `Reading the whole log: ${read} of ${total} entries…`),
        () => stopping,
      );
      const providers = await names.all(entries.map((e) => e.provider));
      const records = entries.map((e) => toRecord(patient, e, providers.get(e.provider)));
      const now = Date.now();
      if (kind === "csv") download(exportName(patient, now, "csv"), "text/csv;charset=utf-8", auditCsv(records));
      else {
        const spec = await answered(app.chain.client.getChainSpecData());
        download(exportName(patient, now, "json"), "application/fhir+json", auditJson({ name: spec.name, genesis: spec.genesisHash }, records, BigInt(now)));
      }
      replace(exportStatus, notice("ok", `Downloaded ${records.length} ${records.length === 1 ? "entry" : "entries"} as ${kind === "csv" ? "CSV" : "FHIR AuditEvents"}.`));
    } catch (error) {
      if (stopping) replace(exportStatus, notice("info", "Stopped: nothing was downloaded."));
      else replace(exportStatus, notice("error", error instanceof NodeTimeout ? error.message : `The export failed: ${(error as Error).message}`));
    } finally {
      csvButton.disabled = fhirButton.disabled = false;
      stop.hidden = true;
    }
  };
  csvButton.addEventListener("click", () => void exportAll("csv"));
  fhirButton.addEventListener("click", () => void exportAll("json"));

  await loadOlder();
  view.append(
    summary,
    scroller,
    h("div", { class: "actions" }, more),
    status,
    chartRegion,
    h("h3", {}, "Download the whole log"),
    h(
      "p",
      { class: "hint" },
      "For your records, a lawyer or another app: CSV opens in a spreadsheet; FHIR AuditEvent is the health-records standard (the same file the salus command-line tool writes). Cells that a spreadsheet would run as a formula start with an apostrophe.",
    ),
    h("div", { class: "actions" }, csvButton, fhirButton, stop),
    exportStatus,
  );
}
