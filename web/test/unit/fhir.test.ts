// The web app's accounting of disclosures against the Rust exporter's (fhir/src/audit.rs and
// its test fhir/tests/audit.rs): the same two disclosures give the same CSV lines, byte for
// byte, and the same AuditEvent JSON, element for element.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  auditBundle,
  auditCsv,
  auditEvent,
  auditJson,
  basisToken,
  basisText,
  CSV_HEADER,
  csvField,
  fhirInstant,
  rfc3339,
  type DisclosureRecord,
} from "../../src/lib/fhir.ts";

const ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const BOB = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
const CHAIN = { name: "Salus Development", genesis: `0x${"ab".repeat(32)}` };

/** fhir/tests/audit.rs `disclosures()`. */
const DISCLOSURES: DisclosureRecord[] = [
  {
    id: 4_294_967_296n,
    patient: ALICE,
    accessor: BOB,
    provider: 2,
    providerName: "Lakeside Laboratory",
    providerAddress: "1 Lake Road, Springfield",
    at: 1_777_713_246_000n,
    dataClass: "LabResults",
    purpose: "Treatment",
    basis: { type: "Consent", value: { id: 42n, source: { type: "Patient" } } },
    record: `0x${"11".repeat(32)}`,
  },
  {
    id: 8_589_934_656n,
    patient: ALICE,
    accessor: BOB,
    provider: 2,
    providerName: '=HYPERLINK("x"), "Lab"',
    at: 1_777_799_646_123n,
    dataClass: "MentalHealth",
    purpose: "EmergencyTreatment",
    basis: { type: "Consent", value: { id: 7n, source: { type: "Emergency", value: 3n } } },
  },
];

/** The first disclosure's AuditEvent, written out by hand from fhir/src/audit.rs. */
const EXPECTED_EVENT = {
  resourceType: "AuditEvent",
  id: "salus-disclosure-4294967296",
  text: {
    status: "generated",
    div: `<div xmlns="http://www.w3.org/1999/xhtml"><p>${BOB} (Lakeside Laboratory) accessed laboratory results of patient ${ALICE} for treatment, on the basis of consent 42.</p></div>`,
  },
  type: { system: "http://dicom.nema.org/resources/ontology/DCM", code: "110106", display: "Export" },
  subtype: [
    { system: "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle", code: "disclose", display: "Disclose Record Lifecycle Event" },
    { system: "http://hl7.org/fhir/restful-interaction", code: "read", display: "read" },
  ],
  action: "R",
  recorded: "2026-05-02T09:14:06Z",
  outcome: "0",
  purposeOfEvent: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ActReason", code: "TREAT", display: "treatment" }] }],
  agent: [
    {
      type: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", code: "IRCP", display: "information recipient" }] },
      who: { identifier: { system: "urn:salus:account", value: BOB }, type: "Practitioner" },
      requestor: true,
      purposeOfUse: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ActReason", code: "TREAT", display: "treatment" }] }],
    },
    {
      type: { coding: [{ system: "http://dicom.nema.org/resources/ontology/DCM", code: "110152", display: "Destination Role ID" }] },
      who: { identifier: { system: "urn:salus:provider", value: "2" }, type: "Organization", display: "Lakeside Laboratory" },
      requestor: false,
      location: { display: "1 Lake Road, Springfield" },
    },
  ],
  source: {
    site: "Salus Development",
    observer: { identifier: { system: "urn:salus:chain", value: `0x${"ab".repeat(32)}` }, type: "Device", display: "Salus" },
    type: [{ system: "http://terminology.hl7.org/CodeSystem/security-source-type", code: "4", display: "Application Server" }],
  },
  entity: [
    {
      what: { identifier: { system: "urn:salus:account", value: ALICE }, type: "Patient" },
      type: { system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "1", display: "Person" },
      role: { system: "http://terminology.hl7.org/CodeSystem/object-role", code: "1", display: "Patient" },
    },
    {
      type: { system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "2", display: "System Object" },
      role: { system: "http://terminology.hl7.org/CodeSystem/object-role", code: "4", display: "Domain Resource" },
      lifecycle: { system: "http://terminology.hl7.org/CodeSystem/dicom-audit-lifecycle", code: "11", display: "Disclosure" },
      description: "Laboratory results",
      detail: [
        { type: "salus-data-class", valueString: "lab-results" },
        { type: "salus-basis", valueString: "urn:salus:consent|42" },
        { type: "salus-disclosure-id", valueString: "urn:salus:disclosure|4294967296" },
      ],
      what: { identifier: { system: "urn:salus:record", value: `0x${"11".repeat(32)}` } },
    },
  ],
};

test("one known disclosure gives exactly the AuditEvent the Rust exporter writes", () => {
  assert.deepEqual(auditEvent(CHAIN, DISCLOSURES[0]!), EXPECTED_EVENT);
});

test("the Bundle is a collection stamped now, one entry per disclosure (fhir/tests/audit.rs)", () => {
  const bundle = auditBundle(CHAIN, DISCLOSURES, 1_777_800_000_000n) as any; // test: indexing JSON
  assert.equal(bundle.resourceType, "Bundle");
  assert.equal(bundle.type, "collection");
  assert.equal(bundle.timestamp, "2026-05-03T09:20:00Z");
  assert.equal(bundle.entry.length, 2);
  const emergency = bundle.entry[1].resource;
  assert.equal(emergency.recorded, "2026-05-03T09:14:06.123Z");
  assert.equal(emergency.entity[1].securityLabel[0].code, "PSY");
  assert.equal(emergency.entity[1].detail[1].valueString, "urn:salus:emergency|3");
  assert.equal(emergency.purposeOfEvent[0].coding[0].code, "ETREAT");
  assert.equal(emergency.entity[1].what, undefined);
  assert.equal(emergency.agent[1].location, undefined);
  assert.equal(emergency.entity[1].description, "Mental health");
});

test("an empty log is a Bundle without entry (FHIR has no empty arrays)", () => {
  const bundle = auditBundle(CHAIN, [], 0n);
  assert.deepEqual(bundle, { resourceType: "Bundle", type: "collection", timestamp: "1970-01-01T00:00:00Z" });
  assert.equal(auditCsv([]), `${CSV_HEADER}\r\n`);
});

test("the JSON text has serde_json's sorted keys and two-space indentation", () => {
  const text = auditJson(CHAIN, DISCLOSURES.slice(0, 1), 0n);
  assert.deepEqual(JSON.parse(text).entry[0].resource, EXPECTED_EVENT);
  const lines = text.split("\n");
  assert.deepEqual(lines.slice(0, 4), ["{", '  "entry": [', "    {", '      "resource": {']);
  assert.equal(lines[4], '        "action": "R",');
  assert.equal(lines.at(-3), '  "timestamp": "1970-01-01T00:00:00Z",');
  assert.equal(lines.at(-2), '  "type": "collection"');
});

test("instants drop a zero fraction and trailing zeros, as fhir-model writes them", () => {
  assert.equal(fhirInstant(1_777_713_246_000n), "2026-05-02T09:14:06Z");
  assert.equal(fhirInstant(1_777_713_246_100n), "2026-05-02T09:14:06.1Z");
  assert.equal(fhirInstant(1_777_713_246_120n), "2026-05-02T09:14:06.12Z");
  assert.equal(fhirInstant(1_777_713_246_001n), "2026-05-02T09:14:06.001Z");
  assert.equal(rfc3339(1_777_713_246_000n), "2026-05-02T09:14:06.000Z");
  assert.equal(fhirInstant(253_402_300_799_999n), "9999-12-31T23:59:59.999Z");
  assert.throws(() => fhirInstant(253_402_300_800_000n), RangeError);
});

test("the CSV has the Rust exporter's lines, byte for byte (fhir/tests/audit.rs)", () => {
  const lines = auditCsv(DISCLOSURES).split("\r\n");
  assert.equal(lines.length, 4);
  assert.equal(lines[0], CSV_HEADER);
  assert.equal(CSV_HEADER.split(",").length, 13);
  assert.equal(
    lines[1],
    "4294967296,2026-05-02T09:14:06.000Z,5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty,2,Lakeside Laboratory,\"1 Lake Road, Springfield\",lab-results,Laboratory results,TREAT,treatment,urn:salus:consent|42,consent 42,0x1111111111111111111111111111111111111111111111111111111111111111",
  );
  assert.ok(lines[2]!.includes(',"\'=HYPERLINK(""x""), ""Lab""",'), lines[2]);
  assert.ok(lines[2]!.includes('urn:salus:emergency|3,"consent 7, granted by emergency 3 (break-glass)",'), lines[2]);
  assert.equal(lines[3], "");
});

test("CSV fields are quoted per RFC 4180", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField(""), "");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField("cr\rhere"), '"cr\rhere"');
});

test("a field a spreadsheet would run as a formula is text", () => {
  for (const start of ["=", "+", "-", "@", "\t", "\r"]) {
    const field = csvField(`${start}SUM(A1:A9)`);
    assert.ok(field.startsWith("'") || field.startsWith(`"'`), JSON.stringify(field));
  }
  assert.equal(csvField("=1+1"), "'=1+1");
  assert.equal(csvField('=HYPERLINK("http://x")'), '"\'=HYPERLINK(""http://x"")"');
  assert.equal(csvField("@SUM(1)"), "'@SUM(1)");
  // Only the start counts: a hyphen inside a name is no formula.
  assert.equal(csvField("Saint-Mary"), "Saint-Mary");
});

test("the basis names its source, as token and in words", () => {
  assert.equal(basisToken({ type: "OwnData" }), "own-data");
  assert.equal(basisToken({ type: "Consent", value: { id: 1n, source: { type: "Request", value: 9n } } }), "urn:salus:request|9");
  assert.equal(basisText({ type: "Consent", value: { id: 1n, source: { type: "Request", value: 9n } } }), "consent 1, granted by approving access request 9");
  assert.equal(basisText({ type: "OwnData" }), "the patient's own access");
});

test("narrative text is escaped", () => {
  const event = auditEvent(CHAIN, { ...DISCLOSURES[0]!, providerName: "<b>A & B</b>" }) as any; // test: indexing JSON
  assert.ok(event.text.div.includes("(&lt;b&gt;A &amp; B&lt;/b&gt;)"));
  assert.equal(event.agent[1].who.display, "<b>A & B</b>");
});
