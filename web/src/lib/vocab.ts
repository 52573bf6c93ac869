// The chain's shared vocabulary (primitives/src): data classes, purposes, provider kinds and
// jurisdictions, with the words the app shows for them. The chain keeps sets of classes and
// purposes as bitmasks whose bit n is the member with codec index n.

/** A data class, as the typed client names it. */
export type DataClassKey =
  | "Demographics"
  | "Allergies"
  | "Medications"
  | "Conditions"
  | "Procedures"
  | "LabResults"
  | "Imaging"
  | "Immunizations"
  | "VitalSigns"
  | "ClinicalNotes"
  | "Billing"
  | "MentalHealth"
  | "SubstanceUse"
  | "SexualReproductive"
  | "Genomics";

export type PurposeKey =
  | "Treatment"
  | "EmergencyTreatment"
  | "Payment"
  | "Operations"
  | "Research"
  | "PublicHealth"
  | "PatientRequest";

export type ProviderKindKey =
  | "Hospital"
  | "Clinic"
  | "Laboratory"
  | "Pharmacy"
  | "Insurer"
  | "Research"
  | "Department";

export interface DataClassInfo {
  key: DataClassKey;
  /** How a sentence names it: "my lab results". */
  label: string;
  /** Covered only by a consent that names it. */
  sensitive: boolean;
}

/** In codec-index order (the index is the bit in a set). */
export const DATA_CLASSES: readonly DataClassInfo[] = [
  { key: "Demographics", label: "demographics", sensitive: false },
  { key: "Allergies", label: "allergies", sensitive: false },
  { key: "Medications", label: "medications", sensitive: false },
  { key: "Conditions", label: "conditions", sensitive: false },
  { key: "Procedures", label: "procedures", sensitive: false },
  { key: "LabResults", label: "lab results", sensitive: false },
  { key: "Imaging", label: "imaging", sensitive: false },
  { key: "Immunizations", label: "immunizations", sensitive: false },
  { key: "VitalSigns", label: "vital signs", sensitive: false },
  { key: "ClinicalNotes", label: "clinical notes", sensitive: false },
  { key: "Billing", label: "billing records", sensitive: false },
  { key: "MentalHealth", label: "mental-health records", sensitive: true },
  { key: "SubstanceUse", label: "substance-use records", sensitive: true },
  { key: "SexualReproductive", label: "sexual and reproductive health records", sensitive: true },
  { key: "Genomics", label: "genomic data", sensitive: true },
];

export interface PurposeInfo {
  key: PurposeKey;
  /** How a sentence names it: "for treatment". */
  label: string;
  /** The HL7 v3 PurposeOfUse code. */
  code: string;
}

export const PURPOSES: readonly PurposeInfo[] = [
  { key: "Treatment", label: "treatment", code: "TREAT" },
  { key: "EmergencyTreatment", label: "emergency treatment", code: "ETREAT" },
  { key: "Payment", label: "payment", code: "HPAYMT" },
  { key: "Operations", label: "running the practice", code: "HOPERAT" },
  { key: "Research", label: "research", code: "HRESCH" },
  { key: "PublicHealth", label: "public health", code: "PUBHLTH" },
  { key: "PatientRequest", label: "my own request", code: "PATRQT" },
];

export const PROVIDER_KINDS: readonly { key: ProviderKindKey; one: string; every: string }[] = [
  { key: "Hospital", one: "hospital", every: "every hospital" },
  { key: "Clinic", one: "clinic", every: "every clinic" },
  { key: "Laboratory", one: "laboratory", every: "every laboratory" },
  { key: "Pharmacy", one: "pharmacy", every: "every pharmacy" },
  { key: "Insurer", one: "insurer", every: "every insurer" },
  { key: "Research", one: "research institute", every: "every research institute" },
  { key: "Department", one: "department", every: "every hospital department" },
];

function maskOf<K extends string>(all: readonly { key: K }[], keys: readonly K[]): number {
  let mask = 0;
  for (const key of keys) {
    const index = all.findIndex((item) => item.key === key);
    if (index < 0) throw new Error(`unknown member ${key}`);
    mask |= 1 << index;
  }
  return mask;
}

function membersOf<T>(all: readonly T[], mask: number): T[] {
  return all.filter((_, index) => (mask & (1 << index)) !== 0);
}

export const classMask = (keys: readonly DataClassKey[]): number => maskOf(DATA_CLASSES, keys);
export const classesIn = (mask: number): DataClassInfo[] => membersOf(DATA_CLASSES, mask);
export const purposeMask = (keys: readonly PurposeKey[]): number => maskOf(PURPOSES, keys);
export const purposesIn = (mask: number): PurposeInfo[] => membersOf(PURPOSES, mask);

export const dataClass = (key: DataClassKey): DataClassInfo =>
  DATA_CLASSES.find((c) => c.key === key) as DataClassInfo;
export const purpose = (key: PurposeKey): PurposeInfo => PURPOSES.find((p) => p.key === key) as PurposeInfo;
export const providerKind = (key: ProviderKindKey) => PROVIDER_KINDS.find((k) => k.key === key)!;

/** A provider's number as typed ("42"): a whole number 0..=4294967295 (the chain's u32), else undefined. */
export function providerNumber(text: string): number | undefined {
  const digits = text.trim();
  if (!/^\d{1,10}$/.test(digits)) return undefined;
  const value = Number(digits);
  return value <= 0xffffffff ? value : undefined;
}

/** An ISO 3166-1 alpha-2 code ("DE") as the chain's two bytes ("0x4445"); throws if malformed. */
export function jurisdictionHex(code: string): `0x${string}` {
  const upper = code.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(upper)) throw new Error(`"${code}" is not a two-letter country code`);
  return `0x${upper.charCodeAt(0).toString(16)}${upper.charCodeAt(1).toString(16)}`;
}

/** The chain's two bytes ("0x4445") as a code ("DE"). */
export function jurisdictionCode(hex: string): string {
  const digits = hex.replace(/^0x/, "");
  return String.fromCharCode(parseInt(digits.slice(0, 2), 16), parseInt(digits.slice(2, 4), 16));
}

const countryNames = new Intl.DisplayNames(["en"], { type: "region" });

/** "Germany" for "DE"; the code itself when the name is unknown. */
export function countryName(code: string): string {
  try {
    return countryNames.of(code) ?? code;
  } catch {
    return code;
  }
}

/** "a, b and c". */
export function listOf(words: readonly string[], conjunction = "and"): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${conjunction} ${words[words.length - 1]}`;
}
