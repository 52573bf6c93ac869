// The accounting of disclosures as FHIR R4 AuditEvents and as CSV, in the same shape as the
// repository's Rust exporter (`fhir/src/audit.rs`, `fhir/src/codes.rs`, `fhir/src/time.rs`), so
// that the web app's download, `salus patient disclosures --format fhir|csv` and the gateway's
// `GET /fhir/AuditEvent` agree: the same elements, codes, systems and identifiers, the same
// narrative, the same CSV columns, quoting and formula guard.
//
// The Rust side serialises with serde_json without `preserve_order` (keys sorted) and pretty
// prints with two spaces; `auditJson` does the same, so for the same log, chain and stamp the
// two files are byte for byte equal. Pure functions: unit-tested without a node.
//
// What differs, and why:
// - the provider's name: the app passes the name as it shows it (lib/disclosures.ts
//   `cleanText`: control and bidirectional-override characters removed), the CLI the registry's
//   bytes as lossy UTF-8. For any name without such characters they are the same; a name with
//   them would mislead in a spreadsheet as on screen.
// - `Bundle.timestamp` is the moment of the export (as in the CLI, whose "now" is another one).
// - The Rust exporter checks each resource against a FHIR model (fhir-model's R4B) before it
//   returns it; the browser has none: the unit tests hold this file to the Rust output instead.
// - The chain's name is the chain spec's (`chainSpec_v1_chainName`), the CLI's `system_chain`:
//   the node answers both from the same chain spec.
import type { DataClassKey, PurposeKey } from "./vocab.ts";
import { purpose as purposeInfo } from "./vocab.ts";

/** Identifier and code systems (fhir/src/codes.rs). */
export const SYSTEMS = {
  provider: "urn:salus:provider",
  account: "urn:salus:account",
  consent: "urn:salus:consent",
  request: "urn:salus:request",
  emergency: "urn:salus:emergency",
  disclosure: "urn:salus:disclosure",
  record: "urn:salus:record",
  chain: "urn:salus:chain",
  actReason: "http://terminology.hl7.org/CodeSystem/v3-ActReason",
  actCode: "http://terminology.hl7.org/CodeSystem/v3-ActCode",
  dicom: "http://dicom.nema.org/resources/ontology/DCM",
  participationType: "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
  auditEntityType: "http://terminology.hl7.org/CodeSystem/audit-entity-type",
  objectRole: "http://terminology.hl7.org/CodeSystem/object-role",
  lifecycle: "http://terminology.hl7.org/CodeSystem/dicom-audit-lifecycle",
  iso21089: "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle",
  restful: "http://hl7.org/fhir/restful-interaction",
  sourceType: "http://terminology.hl7.org/CodeSystem/security-source-type",
} as const;

/** Salus's code for a data class and its display (`data_class_code`). */
export const DATA_CLASS_CODES: Record<DataClassKey, readonly [code: string, display: string]> = {
  Demographics: ["demographics", "Demographics"],
  Allergies: ["allergies", "Allergies and intolerances"],
  Medications: ["medications", "Medications"],
  Conditions: ["conditions", "Problems and conditions"],
  Procedures: ["procedures", "Procedures"],
  LabResults: ["lab-results", "Laboratory results"],
  Imaging: ["imaging", "Imaging"],
  Immunizations: ["immunizations", "Immunizations"],
  VitalSigns: ["vital-signs", "Vital signs"],
  ClinicalNotes: ["clinical-notes", "Clinical notes"],
  Billing: ["billing", "Billing and claims"],
  MentalHealth: ["mental-health", "Mental health"],
  SubstanceUse: ["substance-use", "Substance use disorder treatment"],
  SexualReproductive: ["sexual-reproductive", "Sexual and reproductive health"],
  Genomics: ["genomics", "Genomic data"],
};

/** The display of a purpose's ActReason code (`purpose_display`). */
export const PURPOSE_DISPLAYS: Record<PurposeKey, string> = {
  Treatment: "treatment",
  EmergencyTreatment: "emergency treatment",
  Payment: "healthcare payment",
  Operations: "healthcare operations",
  Research: "healthcare research",
  PublicHealth: "public health",
  PatientRequest: "patient requested",
};

/** ActCode sensitivity labels of the sensitive classes (`SENSITIVITY_LABELS`). */
export const SENSITIVITY_LABELS: Partial<Record<DataClassKey, readonly [code: string, display: string]>> = {
  MentalHealth: ["PSY", "psychiatry disorder information sensitivity"],
  SubstanceUse: ["ETH", "substance abuse information sensitivity"],
  SexualReproductive: ["SEX", "sexuality and reproductive health information sensitivity"],
  Genomics: ["GDIS", "genetic disease information sensitivity"],
};

/** What permitted an access (the chain's `AccessBasis`, as the typed client decodes it). */
export type AccessBasis =
  | { type: "OwnData"; value?: undefined }
  | {
      type: "Consent";
      value: { id: bigint; source: { type: "Patient"; value?: undefined } | { type: "Request"; value: bigint } | { type: "Emergency"; value: bigint } };
    };

/** One entry of a patient's disclosure log, with what is known off chain of its recipient. */
export interface DisclosureRecord {
  id: bigint;
  /** Whose data (SS58). */
  patient: string;
  /** The practitioner who accessed it (SS58). */
  accessor: string;
  provider: number;
  /** The provider's name, if known (the chain's registry), as it is to appear in the export. */
  providerName?: string | undefined;
  /** The provider's address, if known (the chain keeps none). */
  providerAddress?: string | undefined;
  /** Milliseconds since 1970, UTC. */
  at: bigint;
  dataClass: DataClassKey;
  purpose: PurposeKey;
  basis: AccessBasis;
  /** The record's hash (`0x…`, 32 bytes), if the provider named one. */
  record?: string | undefined;
}

/** The chain a log comes from: its name (`system_chain`) and genesis hash. */
export interface ChainInfo {
  name: string;
  genesis: string;
}

/** The basis as a token, `system|value` (`urn:salus:consent|42`), or `own-data` (`basis_token`). */
export function basisToken(basis: AccessBasis): string {
  if (basis.type === "OwnData") return "own-data";
  const { id, source } = basis.value;
  if (source.type === "Patient") return `${SYSTEMS.consent}|${id}`;
  if (source.type === "Request") return `${SYSTEMS.request}|${source.value}`;
  return `${SYSTEMS.emergency}|${source.value}`;
}

/** The basis in words, as the export says it (`basis_text`). */
export function basisText(basis: AccessBasis): string {
  if (basis.type === "OwnData") return "the patient's own access";
  const { id, source } = basis.value;
  if (source.type === "Patient") return `consent ${id}`;
  if (source.type === "Request") return `consent ${id}, granted by approving access request ${source.value}`;
  return `consent ${id}, granted by emergency ${source.value} (break-glass)`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function utcParts(at: bigint): Date {
  // FHIR's calendar (and the Rust exporter's) stops at the year 9999.
  if (at < 0n || at > 253_402_300_799_999n) throw new RangeError(`the time ${at} is out of range`);
  return new Date(Number(at));
}

/**
 * A FHIR `instant` (`time::instant` serialised by fhir-model: RFC 3339 in UTC, the fraction of a
 * second only when it is not zero, without trailing zeros): `2026-05-02T09:14:06Z`,
 * `2026-05-03T09:14:06.123Z`, `…06.1Z`.
 */
export function fhirInstant(at: bigint): string {
  const d = utcParts(at);
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const ms = d.getUTCMilliseconds();
  return ms === 0 ? `${base}Z` : `${base}.${pad(ms, 3).replace(/0+$/, "")}Z`;
}

/** RFC 3339 in UTC with milliseconds, as the CSV writes dates (`time::rfc3339`). */
export function rfc3339(at: bigint): string {
  const d = utcParts(at);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}

/** The narrative `div` (`export::narrative`). */
export function narrative(text: string): string {
  const escaped = text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  return `<div xmlns="http://www.w3.org/1999/xhtml"><p>${escaped}</p></div>`;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** One disclosure as an `AuditEvent` (`audit::audit_event`). */
export function auditEvent(chain: ChainInfo, d: DisclosureRecord): { [key: string]: Json } {
  const [classCode, classDisplay] = DATA_CLASS_CODES[d.dataClass];
  const purposeCode = purposeInfo(d.purpose).code;
  const purposeDisplay = PURPOSE_DISPLAYS[d.purpose];
  const purposeOf = (): Json => [{ coding: [{ system: SYSTEMS.actReason, code: purposeCode, display: purposeDisplay }] }];
  const recipient = d.providerName ?? `provider ${d.provider}`;
  const providerAgent: { [key: string]: Json } = {
    type: { coding: [{ system: SYSTEMS.dicom, code: "110152", display: "Destination Role ID" }] },
    who: { identifier: { system: SYSTEMS.provider, value: String(d.provider) }, type: "Organization", display: recipient },
    requestor: false,
  };
  if (d.providerAddress !== undefined) providerAgent.location = { display: d.providerAddress };
  const data: { [key: string]: Json } = {
    type: { system: SYSTEMS.auditEntityType, code: "2", display: "System Object" },
    role: { system: SYSTEMS.objectRole, code: "4", display: "Domain Resource" },
    lifecycle: { system: SYSTEMS.lifecycle, code: "11", display: "Disclosure" },
    description: classDisplay,
    detail: [
      { type: "salus-data-class", valueString: classCode },
      { type: "salus-basis", valueString: basisToken(d.basis) },
      { type: "salus-disclosure-id", valueString: `${SYSTEMS.disclosure}|${d.id}` },
    ],
  };
  if (d.record !== undefined) data.what = { identifier: { system: SYSTEMS.record, value: d.record.toLowerCase() } };
  const label = SENSITIVITY_LABELS[d.dataClass];
  if (label) data.securityLabel = [{ system: SYSTEMS.actCode, code: label[0], display: label[1] }];
  const text = `${d.accessor} (${recipient}) accessed ${classDisplay.toLowerCase()} of patient ${d.patient} for ${purposeDisplay}, on the basis of ${basisText(d.basis)}.`;
  return {
    resourceType: "AuditEvent",
    id: `salus-disclosure-${d.id}`,
    text: { status: "generated", div: narrative(text) },
    type: { system: SYSTEMS.dicom, code: "110106", display: "Export" },
    subtype: [
      { system: SYSTEMS.iso21089, code: "disclose", display: "Disclose Record Lifecycle Event" },
      { system: SYSTEMS.restful, code: "read", display: "read" },
    ],
    action: "R",
    recorded: fhirInstant(d.at),
    outcome: "0",
    purposeOfEvent: purposeOf(),
    agent: [
      {
        type: { coding: [{ system: SYSTEMS.participationType, code: "IRCP", display: "information recipient" }] },
        who: { identifier: { system: SYSTEMS.account, value: d.accessor }, type: "Practitioner" },
        requestor: true,
        purposeOfUse: purposeOf(),
      },
      providerAgent,
    ],
    source: {
      site: chain.name,
      observer: { identifier: { system: SYSTEMS.chain, value: chain.genesis.toLowerCase() }, type: "Device", display: "Salus" },
      type: [{ system: SYSTEMS.sourceType, code: "4", display: "Application Server" }],
    },
    entity: [
      {
        what: { identifier: { system: SYSTEMS.account, value: d.patient }, type: "Patient" },
        type: { system: SYSTEMS.auditEntityType, code: "1", display: "Person" },
        role: { system: SYSTEMS.objectRole, code: "1", display: "Patient" },
      },
      data,
    ],
  };
}

/**
 * The disclosures as a FHIR R4 `Bundle` of type `collection`, stamped `now` (`audit_bundle`). An
 * empty log is a Bundle without `entry` (FHIR has no empty arrays).
 */
export function auditBundle(chain: ChainInfo, disclosures: readonly DisclosureRecord[], now: bigint): { [key: string]: Json } {
  const bundle: { [key: string]: Json } = { resourceType: "Bundle", type: "collection", timestamp: fhirInstant(now) };
  if (disclosures.length) bundle.entry = disclosures.map((d) => ({ resource: auditEvent(chain, d) }));
  return bundle;
}

/** `value` with every object's keys in sorted order (serde_json's `Map` without `preserve_order`). */
export function sortedKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortedKeys(value[key]!)]));
  return value;
}

/** The Bundle as text, as `serde_json::to_string_pretty` writes it. */
export function auditJson(chain: ChainInfo, disclosures: readonly DisclosureRecord[], now: bigint): string {
  return JSON.stringify(sortedKeys(auditBundle(chain, disclosures, now)), null, 2);
}

/** The CSV header (`audit::CSV_HEADER`). */
export const CSV_HEADER =
  "disclosure_id,date,recipient_practitioner,recipient_provider_id,recipient_provider_name,recipient_provider_address,data_class,data_class_description,purpose,purpose_description,basis,basis_description,record";

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes
 * doubled. A field a spreadsheet would run as a formula — one that starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return — starts with `'` instead, so it is shown as text
 * (`audit::csv_field`).
 */
export function csvField(field: string): string {
  const guarded = /^[=+\-@\t\r]/.test(field) ? `'${field}` : field;
  return /[,"\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** The disclosures as CSV: a header row, one row per disclosure, CRLF line ends (`audit_csv`). */
export function auditCsv(disclosures: readonly DisclosureRecord[]): string {
  let out = `${CSV_HEADER}\r\n`;
  for (const d of disclosures) {
    const [classCode, classDisplay] = DATA_CLASS_CODES[d.dataClass];
    const row = [
      String(d.id),
      rfc3339(d.at),
      d.accessor,
      String(d.provider),
      d.providerName ?? "",
      d.providerAddress ?? "",
      classCode,
      classDisplay,
      purposeInfo(d.purpose).code,
      PURPOSE_DISPLAYS[d.purpose],
      basisToken(d.basis),
      basisText(d.basis),
      d.record?.toLowerCase() ?? "",
    ];
    out += `${row.map(csvField).join(",")}\r\n`;
  }
  return out;
}
