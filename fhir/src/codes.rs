//! The code systems and the tables between FHIR codes and Salus values: one place, read by
//! the import, the exports and the crate's README (a test checks the README against them).

use salus_primitives::{DataClass, ProviderKind, Purpose};

/// Identifier system of a Salus provider id (decimal).
pub const PROVIDER_SYSTEM: &str = "urn:salus:provider";
/// Identifier system of a Salus account (SS58), a patient's or a practitioner's.
pub const ACCOUNT_SYSTEM: &str = "urn:salus:account";
/// Identifier system of a Salus consent id (decimal).
pub const CONSENT_SYSTEM: &str = "urn:salus:consent";
/// Identifier system of a Salus access request id (decimal).
pub const REQUEST_SYSTEM: &str = "urn:salus:request";
/// Identifier system of a Salus emergency id (decimal).
pub const EMERGENCY_SYSTEM: &str = "urn:salus:emergency";
/// Identifier system of a Salus disclosure id (decimal).
pub const DISCLOSURE_SYSTEM: &str = "urn:salus:disclosure";
/// Identifier system of the hash of a record a disclosure names (`0x…`).
pub const RECORD_SYSTEM: &str = "urn:salus:record";
/// Identifier system of a Salus chain (its genesis hash, `0x…`).
pub const CHAIN_SYSTEM: &str = "urn:salus:chain";
/// Code system of Salus's data classes.
pub const DATA_CLASS_SYSTEM: &str = "urn:salus:data-class";
/// Code system of Salus's kinds of provider.
pub const PROVIDER_KIND_SYSTEM: &str = "urn:salus:provider-kind";
/// Extension (on a provision) restricting it to providers of one country; repeated.
pub const JURISDICTION_EXTENSION: &str = "urn:salus:fhir:jurisdiction";
/// Extension (on an exported consent's provision) naming the request or emergency that made
/// a grant; refused on import (only the chain makes grants).
pub const GRANT_SOURCE_EXTENSION: &str = "urn:salus:fhir:grant-source";

/// ISO 3166-1 alpha-2 codes.
pub const ISO_3166_SYSTEM: &str = "urn:iso:std:iso:3166";
/// HL7 v3 ActReason: purposes of use.
pub const ACT_REASON_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
/// HL7 v3 ActCode: the sensitivity security labels (and OPTIN/OPTOUT policy rules).
pub const ACT_CODE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
/// HL7 v3 Confidentiality: `N` (normal) names every class that is not sensitive.
pub const CONFIDENTIALITY_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
/// DICOM: the AuditEvent type (110106 Export) and the recipient organisation's role.
pub const DICOM_SYSTEM: &str = "http://dicom.nema.org/resources/ontology/DCM";
/// FHIR resource types, the codes of `provision.class`.
pub const RESOURCE_TYPES_SYSTEM: &str = "http://hl7.org/fhir/resource-types";
/// Observation categories, which narrow an Observation or DiagnosticReport class.
pub const OBSERVATION_CATEGORY_SYSTEM: &str =
	"http://terminology.hl7.org/CodeSystem/observation-category";
/// HL7 v3 ParticipationType: actor roles.
pub const PARTICIPATION_TYPE_SYSTEM: &str =
	"http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
/// FHIR organization types.
pub const ORGANIZATION_TYPE_SYSTEM: &str =
	"http://terminology.hl7.org/CodeSystem/organization-type";
/// Consent scopes.
pub const CONSENT_SCOPE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/consentscope";
/// Consent actions.
pub const CONSENT_ACTION_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/consentaction";
/// LOINC.
pub const LOINC_SYSTEM: &str = "http://loinc.org";

/// Salus's code for a data class, in [`DATA_CLASS_SYSTEM`], with its display.
pub const fn data_class_code(class: DataClass) -> (&'static str, &'static str) {
	match class {
		DataClass::Demographics => ("demographics", "Demographics"),
		DataClass::Allergies => ("allergies", "Allergies and intolerances"),
		DataClass::Medications => ("medications", "Medications"),
		DataClass::Conditions => ("conditions", "Problems and conditions"),
		DataClass::Procedures => ("procedures", "Procedures"),
		DataClass::LabResults => ("lab-results", "Laboratory results"),
		DataClass::Imaging => ("imaging", "Imaging"),
		DataClass::Immunizations => ("immunizations", "Immunizations"),
		DataClass::VitalSigns => ("vital-signs", "Vital signs"),
		DataClass::ClinicalNotes => ("clinical-notes", "Clinical notes"),
		DataClass::Billing => ("billing", "Billing and claims"),
		DataClass::MentalHealth => ("mental-health", "Mental health"),
		DataClass::SubstanceUse => ("substance-use", "Substance use disorder treatment"),
		DataClass::SexualReproductive => ("sexual-reproductive", "Sexual and reproductive health"),
		DataClass::Genomics => ("genomics", "Genomic data"),
	}
}

/// The data class with Salus code `code`.
pub fn data_class_of_code(code: &str) -> Option<DataClass> {
	ALL_CLASSES.iter().copied().find(|class| data_class_code(*class).0 == code)
}

/// Every data class, in Salus's order.
pub const ALL_CLASSES: [DataClass; 15] = [
	DataClass::Demographics,
	DataClass::Allergies,
	DataClass::Medications,
	DataClass::Conditions,
	DataClass::Procedures,
	DataClass::LabResults,
	DataClass::Imaging,
	DataClass::Immunizations,
	DataClass::VitalSigns,
	DataClass::ClinicalNotes,
	DataClass::Billing,
	DataClass::MentalHealth,
	DataClass::SubstanceUse,
	DataClass::SexualReproductive,
	DataClass::Genomics,
];

/// Every purpose, in Salus's order.
pub const ALL_PURPOSES: [Purpose; 7] = [
	Purpose::Treatment,
	Purpose::EmergencyTreatment,
	Purpose::Payment,
	Purpose::Operations,
	Purpose::Research,
	Purpose::PublicHealth,
	Purpose::PatientRequest,
];

/// The display of a purpose's ActReason code.
pub const fn purpose_display(purpose: Purpose) -> &'static str {
	match purpose {
		Purpose::Treatment => "treatment",
		Purpose::EmergencyTreatment => "emergency treatment",
		Purpose::Payment => "healthcare payment",
		Purpose::Operations => "healthcare operations",
		Purpose::Research => "healthcare research",
		Purpose::PublicHealth => "public health",
		Purpose::PatientRequest => "patient requested",
	}
}

/// The purpose with ActReason code `code`.
pub fn purpose_of_code(code: &str) -> Option<Purpose> {
	ALL_PURPOSES.iter().copied().find(|purpose| purpose.code() == code)
}

/// The FHIR resource types (`provision.class`) that name one data class.
pub const RESOURCE_CLASSES: &[(&str, DataClass)] = &[
	("Patient", DataClass::Demographics),
	("RelatedPerson", DataClass::Demographics),
	("AllergyIntolerance", DataClass::Allergies),
	("Medication", DataClass::Medications),
	("MedicationRequest", DataClass::Medications),
	("MedicationStatement", DataClass::Medications),
	("MedicationDispense", DataClass::Medications),
	("MedicationAdministration", DataClass::Medications),
	("Condition", DataClass::Conditions),
	("Procedure", DataClass::Procedures),
	("ImagingStudy", DataClass::Imaging),
	("Immunization", DataClass::Immunizations),
	("DocumentReference", DataClass::ClinicalNotes),
	("Composition", DataClass::ClinicalNotes),
	("ClinicalImpression", DataClass::ClinicalNotes),
	("Claim", DataClass::Billing),
	("ClaimResponse", DataClass::Billing),
	("ExplanationOfBenefit", DataClass::Billing),
	("Coverage", DataClass::Billing),
	("Invoice", DataClass::Billing),
	("Account", DataClass::Billing),
	("MolecularSequence", DataClass::Genomics),
];

/// Resource types that span several data classes: accepted in `provision.class` only when
/// `provision.code` names their category ([`OBSERVATION_CATEGORIES`]).
pub const AMBIGUOUS_RESOURCES: &[&str] = &["Observation", "DiagnosticReport"];

/// Observation categories (`provision.code`) and the data class each names.
pub const OBSERVATION_CATEGORIES: &[(&str, DataClass)] = &[
	("laboratory", DataClass::LabResults),
	("vital-signs", DataClass::VitalSigns),
	("imaging", DataClass::Imaging),
];

/// ActCode sensitivity labels (`provision.securityLabel`) and the sensitive class each names.
pub const SENSITIVITY_LABELS: &[(&str, &str, DataClass)] = &[
	("PSY", "psychiatry disorder information sensitivity", DataClass::MentalHealth),
	("ETH", "substance abuse information sensitivity", DataClass::SubstanceUse),
	(
		"SEX",
		"sexuality and reproductive health information sensitivity",
		DataClass::SexualReproductive,
	),
	("GDIS", "genetic disease information sensitivity", DataClass::Genomics),
];

/// The sensitivity label of a sensitive class.
pub fn label_of(class: DataClass) -> Option<(&'static str, &'static str)> {
	SENSITIVITY_LABELS
		.iter()
		.find(|(_, _, labelled)| *labelled == class)
		.map(|(code, display, _)| (*code, *display))
}

/// Actor roles (ParticipationType) that name a recipient of the data: the only actors a
/// Salus consent speaks to.
pub const RECIPIENT_ROLES: &[(&str, &str)] =
	&[("IRCP", "information recipient"), ("PRCP", "primary information recipient")];

/// Salus's code for a kind of provider, in [`PROVIDER_KIND_SYSTEM`].
pub const fn provider_kind_code(kind: ProviderKind) -> &'static str {
	match kind {
		ProviderKind::Hospital => "hospital",
		ProviderKind::Clinic => "clinic",
		ProviderKind::Laboratory => "laboratory",
		ProviderKind::Pharmacy => "pharmacy",
		ProviderKind::Insurer => "insurer",
		ProviderKind::Research => "research",
		ProviderKind::Department => "department",
	}
}

/// Every kind of provider.
pub const ALL_KINDS: [ProviderKind; 7] = [
	ProviderKind::Hospital,
	ProviderKind::Clinic,
	ProviderKind::Laboratory,
	ProviderKind::Pharmacy,
	ProviderKind::Insurer,
	ProviderKind::Research,
	ProviderKind::Department,
];

/// The kind of provider with Salus code `code`.
pub fn provider_kind_of_code(code: &str) -> Option<ProviderKind> {
	ALL_KINDS.iter().copied().find(|kind| provider_kind_code(*kind) == code)
}

/// FHIR organization types that name one Salus kind of provider.
pub const ORGANIZATION_TYPES: &[(&str, ProviderKind)] = &[
	("ins", ProviderKind::Insurer),
	("dept", ProviderKind::Department),
	("crs", ProviderKind::Research),
];
