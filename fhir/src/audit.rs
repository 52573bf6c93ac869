//! The accounting of disclosures: a patient's disclosure log as a FHIR R4 `AuditEvent`
//! Bundle and as CSV, with what HIPAA §164.528(b)(2) asks of each disclosure: its date, who
//! received the data (and their address, if known), what was disclosed and why.
//!
//! Each disclosure is shaped after IHE Basic Audit Log Patterns' privacy disclosure
//! (`type` DCM 110106 Export, `subtype` iso-21089-lifecycle `disclose`, `action` R).

use crate::{
	codes::*,
	export::{bundle, instant, narrative, ExportError},
	import::parse_model,
	time,
};
use fhir_model::r4b::resources::AuditEvent;
use salus_primitives::{
	AccessBasis, DataClass, DisclosureId, GrantSource, ProviderId, Purpose, Timestamp,
};
use serde_json::{json, Value};
use sp_core::{
	crypto::{AccountId32, Ss58Codec},
	H256,
};

/// One entry of a patient's disclosure log, with what is known off chain of its recipient.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DisclosureRecord {
	/// Its id.
	pub id: DisclosureId,
	/// Whose data.
	pub patient: AccountId32,
	/// The practitioner who accessed it.
	pub accessor: AccountId32,
	/// The provider the practitioner acted for.
	pub provider: ProviderId,
	/// The provider's name, if known (the chain keeps none).
	pub provider_name: Option<String>,
	/// The provider's address, if known.
	pub provider_address: Option<String>,
	/// When (milliseconds since the Unix epoch).
	pub at: Timestamp,
	/// Which class of data.
	pub class: DataClass,
	/// For which purpose.
	pub purpose: Purpose,
	/// On what basis the chain permitted it.
	pub basis: AccessBasis,
	/// The hash of the record accessed, if the provider named one.
	pub record: Option<H256>,
}

/// The chain the log comes from.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ChainInfo {
	/// Its name (`system_chain`).
	pub name: String,
	/// Its genesis hash.
	pub genesis: H256,
}

/// The basis as a token, `system|value` (`urn:salus:consent|42`), or `own-data`.
pub fn basis_token(basis: &AccessBasis) -> String {
	match basis {
		AccessBasis::OwnData => "own-data".to_owned(),
		AccessBasis::Consent { id, source: GrantSource::Patient } => {
			format!("{CONSENT_SYSTEM}|{id}")
		},
		AccessBasis::Consent { source: GrantSource::Request(request), .. } => {
			format!("{REQUEST_SYSTEM}|{request}")
		},
		AccessBasis::Consent { source: GrantSource::Emergency(emergency), .. } => {
			format!("{EMERGENCY_SYSTEM}|{emergency}")
		},
	}
}

/// The basis in words.
pub fn basis_text(basis: &AccessBasis) -> String {
	match basis {
		AccessBasis::OwnData => "the patient's own access".to_owned(),
		AccessBasis::Consent { id, source: GrantSource::Patient } => format!("consent {id}"),
		AccessBasis::Consent { id, source: GrantSource::Request(request) } => {
			format!("consent {id}, granted by approving access request {request}")
		},
		AccessBasis::Consent { id, source: GrantSource::Emergency(emergency) } => {
			format!("consent {id}, granted by emergency {emergency} (break-glass)")
		},
	}
}

/// The disclosures as a FHIR R4 `Bundle` (type `collection`) of `AuditEvent`s, stamped `now`.
pub fn audit_bundle(
	chain: &ChainInfo,
	disclosures: &[DisclosureRecord],
	now: Timestamp,
) -> Result<Value, ExportError> {
	let resources = disclosures
		.iter()
		.map(|disclosure| audit_event(chain, disclosure))
		.collect::<Result<Vec<_>, _>>()?;
	bundle(resources, now)
}

/// One disclosure as an `AuditEvent`.
pub fn audit_event(chain: &ChainInfo, d: &DisclosureRecord) -> Result<Value, ExportError> {
	let (class_code, class_display) = data_class_code(d.class);
	let purpose = json!([{ "coding": [{
		"system": ACT_REASON_SYSTEM, "code": d.purpose.code(), "display": purpose_display(d.purpose),
	}] }]);
	let recipient = d.provider_name.clone().unwrap_or_else(|| format!("provider {}", d.provider));
	let mut organization = json!({
		"identifier": { "system": PROVIDER_SYSTEM, "value": d.provider.to_string() },
		"type": "Organization",
		"display": recipient,
	});
	let mut provider_agent = json!({
		"type": { "coding": [{ "system": DICOM_SYSTEM, "code": "110152", "display": "Destination Role ID" }] },
		"who": organization.take(),
		"requestor": false,
	});
	if let Some(address) = &d.provider_address {
		if let Some(agent) = provider_agent.as_object_mut() {
			agent.insert("location".into(), json!({ "display": address }));
		}
	}
	let mut data = json!({
		"type": { "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "2", "display": "System Object" },
		"role": { "system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "4", "display": "Domain Resource" },
		"lifecycle": { "system": "http://terminology.hl7.org/CodeSystem/dicom-audit-lifecycle", "code": "11", "display": "Disclosure" },
		"description": class_display,
		"detail": [
			{ "type": "salus-data-class", "valueString": class_code },
			{ "type": "salus-basis", "valueString": basis_token(&d.basis) },
			{ "type": "salus-disclosure-id", "valueString": format!("{DISCLOSURE_SYSTEM}|{}", d.id) },
		],
	});
	if let Some(object) = data.as_object_mut() {
		if let Some(record) = d.record {
			object.insert(
				"what".into(),
				json!({ "identifier": { "system": RECORD_SYSTEM, "value": format!("{record:?}") } }),
			);
		}
		if let Some((code, display)) = label_of(d.class) {
			object.insert(
				"securityLabel".into(),
				json!([{ "system": ACT_CODE_SYSTEM, "code": code, "display": display }]),
			);
		}
	}
	let text = format!(
		"{} ({}) accessed {} of patient {} for {}, on the basis of {}.",
		d.accessor.to_ss58check(),
		recipient,
		class_display.to_lowercase(),
		d.patient.to_ss58check(),
		purpose_display(d.purpose),
		basis_text(&d.basis),
	);
	let event = json!({
		"resourceType": "AuditEvent",
		"id": format!("salus-disclosure-{}", d.id),
		"text": { "status": "generated", "div": narrative(&text) },
		"type": { "system": DICOM_SYSTEM, "code": "110106", "display": "Export" },
		"subtype": [
			{ "system": "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle", "code": "disclose", "display": "Disclose Record Lifecycle Event" },
			{ "system": "http://hl7.org/fhir/restful-interaction", "code": "read", "display": "read" },
		],
		"action": "R",
		"recorded": instant(d.at)?,
		"outcome": "0",
		"purposeOfEvent": purpose,
		"agent": [
			{
				"type": { "coding": [{ "system": PARTICIPATION_TYPE_SYSTEM, "code": "IRCP", "display": "information recipient" }] },
				"who": {
					"identifier": { "system": ACCOUNT_SYSTEM, "value": d.accessor.to_ss58check() },
					"type": "Practitioner",
				},
				"requestor": true,
				"purposeOfUse": purpose,
			},
			provider_agent,
		],
		"source": {
			"site": chain.name,
			"observer": {
				"identifier": { "system": CHAIN_SYSTEM, "value": format!("{:?}", chain.genesis) },
				"type": "Device",
				"display": "Salus",
			},
			"type": [{ "system": "http://terminology.hl7.org/CodeSystem/security-source-type", "code": "4", "display": "Application Server" }],
		},
		"entity": [
			{
				"what": {
					"identifier": { "system": ACCOUNT_SYSTEM, "value": d.patient.to_ss58check() },
					"type": "Patient",
				},
				"type": { "system": "http://terminology.hl7.org/CodeSystem/audit-entity-type", "code": "1", "display": "Person" },
				"role": { "system": "http://terminology.hl7.org/CodeSystem/object-role", "code": "1", "display": "Patient" },
			},
			data,
		],
	});
	parse_model::<AuditEvent>(&event, "AuditEvent")?;
	Ok(event)
}

/// The CSV header of [`audit_csv`].
pub const CSV_HEADER: &str = "disclosure_id,date,recipient_practitioner,recipient_provider_id,recipient_provider_name,recipient_provider_address,data_class,data_class_description,purpose,purpose_description,basis,basis_description,record";

/// The disclosures as CSV (RFC 4180, a header row, one row per disclosure, dates in UTC).
pub fn audit_csv(disclosures: &[DisclosureRecord]) -> Result<String, ExportError> {
	let mut out = String::from(CSV_HEADER);
	out.push_str("\r\n");
	for d in disclosures {
		let (class_code, class_display) = data_class_code(d.class);
		let row = [
			d.id.to_string(),
			time::rfc3339(d.at)?,
			d.accessor.to_ss58check(),
			d.provider.to_string(),
			d.provider_name.clone().unwrap_or_default(),
			d.provider_address.clone().unwrap_or_default(),
			class_code.to_owned(),
			class_display.to_owned(),
			d.purpose.code().to_owned(),
			purpose_display(d.purpose).to_owned(),
			basis_token(&d.basis),
			basis_text(&d.basis),
			d.record.map(|r| format!("{r:?}")).unwrap_or_default(),
		];
		let fields: Vec<String> = row.iter().map(|field| csv_field(field)).collect();
		out.push_str(&fields.join(","));
		out.push_str("\r\n");
	}
	Ok(out)
}

/// A CSV field, quoted when it holds a comma, a quote or a line break. A field that a
/// spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a tab or carriage return before
/// one) is prefixed with `'`.
fn csv_field(field: &str) -> String {
	let field = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
		format!("'{field}")
	} else {
		field.to_owned()
	};
	if field.contains([',', '"', '\r', '\n']) {
		format!("\"{}\"", field.replace('"', "\"\""))
	} else {
		field
	}
}
