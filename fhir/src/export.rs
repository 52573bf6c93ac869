//! Salus consents and grants out as FHIR R4 `Consent` resources in a `Bundle`.
//!
//! Each consent is one `Consent` with one rule, the root rule, which R4 gives no type: its
//! `policyRule` says whether the patient opts in to it (OPTIN, a permit) or out of it
//! (OPTOUT, a deny). [`crate::import_consent`] reads an exported active consent back into
//! the same terms.

use crate::{
	codes::*,
	import::{parse_model, ImportError},
	terms::ConsentTerms,
	time,
};
use fhir_model::r4b::resources::Bundle;
use salus_primitives::{ConsentId, Decision, GrantSource, Grantee, Timestamp};
use serde_json::{json, Value};
use sp_core::crypto::{AccountId32, Ss58Codec};

/// A consent as the chain holds it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StoredConsent {
	/// Its id.
	pub id: ConsentId,
	/// What it says (`valid_from` as recorded).
	pub terms: ConsentTerms,
	/// When it was recorded.
	pub created_at: Timestamp,
	/// When it was revoked, if it was.
	pub revoked_at: Option<Timestamp>,
	/// The patient's own, or a grant from an approved request or an emergency.
	pub source: GrantSource,
}

/// Why an export failed: a value out of FHIR's range, or (a bug) a resource this crate wrote
/// that its FHIR model does not accept.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ExportError(pub String);

impl core::fmt::Display for ExportError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(&self.0)
	}
}

impl std::error::Error for ExportError {}

impl From<ImportError> for ExportError {
	fn from(error: ImportError) -> Self {
		Self(format!("the export is not valid FHIR R4 (a bug in salus-fhir): {error}"))
	}
}

impl From<time::TimeError> for ExportError {
	fn from(error: time::TimeError) -> Self {
		Self(format!("a time {error}"))
	}
}

/// `patient`'s consents as a FHIR R4 `Bundle` (type `collection`) of `Consent` resources,
/// stamped `now`. A consent is `active` until it is revoked or expires, `inactive` after.
pub fn export_consents(
	patient: &AccountId32,
	consents: &[StoredConsent],
	now: Timestamp,
) -> Result<Value, ExportError> {
	let resources = consents
		.iter()
		.map(|consent| consent_resource(patient, consent, now))
		.collect::<Result<Vec<_>, _>>()?;
	bundle(resources, now)
}

/// A `collection` Bundle of `resources`, checked against the FHIR model. An empty
/// collection has no `entry` (FHIR has no empty arrays).
pub(crate) fn bundle(resources: Vec<Value>, now: Timestamp) -> Result<Value, ExportError> {
	let mut bundle = json!({
		"resourceType": "Bundle",
		"type": "collection",
		"timestamp": instant(now)?,
	});
	if let (false, Some(object)) = (resources.is_empty(), bundle.as_object_mut()) {
		let entries = resources.into_iter().map(|resource| json!({ "resource": resource }));
		object.insert("entry".into(), Value::Array(entries.collect()));
	}
	parse_model::<Bundle>(&bundle, "Bundle")?;
	Ok(bundle)
}

/// `resources` as the answer to a FHIR search: a `searchset` Bundle stamped `now`, with its
/// `total`, the search's own URL as the `self` link, and each entry's `fullUrl`
/// (`{base}/{resourceType}/{id}`) and search mode `match`. Checked against the FHIR model.
pub fn searchset(
	resources: Vec<Value>,
	base: &str,
	self_url: &str,
	now: Timestamp,
) -> Result<Value, ExportError> {
	let total = resources.len();
	let mut bundle = json!({
		"resourceType": "Bundle",
		"type": "searchset",
		"timestamp": instant(now)?,
		"total": total,
		"link": [{ "relation": "self", "url": self_url }],
	});
	if let (false, Some(object)) = (resources.is_empty(), bundle.as_object_mut()) {
		let entries = resources.into_iter().map(|resource| {
			let kind = resource.get("resourceType").and_then(Value::as_str).unwrap_or("");
			let id = resource.get("id").and_then(Value::as_str).unwrap_or("");
			let full_url = format!("{}/{kind}/{id}", base.trim_end_matches('/'));
			json!({ "fullUrl": full_url, "resource": resource, "search": { "mode": "match" } })
		});
		object.insert("entry".into(), Value::Array(entries.collect()));
	}
	parse_model::<Bundle>(&bundle, "Bundle")?;
	Ok(bundle)
}

/// The last instant FHIR can write, 9999-12-31T23:59:59.999Z.
pub const LAST_FHIR_INSTANT: Timestamp = 253_402_300_799_999;

/// A timestamp as FHIR JSON text (UTC, milliseconds).
pub(crate) fn instant(at: Timestamp) -> Result<Value, ExportError> {
	serde_json::to_value(time::instant(at)?).map_err(|e| ExportError(e.to_string()))
}

/// One consent as a `Consent`.
pub fn consent_resource(
	patient: &AccountId32,
	consent: &StoredConsent,
	now: Timestamp,
) -> Result<Value, ExportError> {
	let terms = &consent.terms;
	let active = consent.revoked_at.is_none_or(|revoked| revoked > now)
		&& terms.valid_until.is_none_or(|until| until > now);
	let mut rule = serde_json::Map::new();
	let mut period = serde_json::Map::new();
	if let Some(from) = terms.valid_from {
		period.insert("start".into(), instant(from)?);
	}
	if let Some(until) = terms.valid_until {
		// The chain takes any end; FHIR's calendar stops at the year 9999.
		period.insert("end".into(), instant(until.min(LAST_FHIR_INSTANT))?);
	}
	if !period.is_empty() {
		rule.insert("period".into(), Value::Object(period));
	}
	let mut contained = Vec::new();
	let actor = match &terms.grantee {
		Grantee::Provider(id) => Some(json!({
			"type": "Organization",
			"identifier": { "system": PROVIDER_SYSTEM, "value": id.to_string() },
		})),
		Grantee::Practitioner(account) => Some(json!({
			"type": "Practitioner",
			"identifier": { "system": ACCOUNT_SYSTEM, "value": account.to_ss58check() },
		})),
		Grantee::Providers { kind: None, jurisdiction: None } => None,
		Grantee::Providers { kind, jurisdiction } => {
			let mut organization = serde_json::Map::new();
			organization.insert("resourceType".into(), json!("Organization"));
			organization.insert("id".into(), json!("grantee"));
			organization.insert("name".into(), json!(terms.grantee_text()));
			if let Some(kind) = kind {
				organization.insert(
					"type".into(),
					json!([{ "coding": [{ "system": PROVIDER_KIND_SYSTEM, "code": provider_kind_code(*kind) }] }]),
				);
			}
			if let Some(jurisdiction) = jurisdiction {
				organization
					.insert("address".into(), json!([{ "country": jurisdiction.as_str() }]));
			}
			contained.push(Value::Object(organization));
			Some(json!({ "reference": "#grantee" }))
		},
	};
	if let Some(reference) = actor {
		rule.insert(
			"actor".into(),
			json!([{
				"role": { "coding": [{ "system": PARTICIPATION_TYPE_SYSTEM, "code": "IRCP", "display": "information recipient" }] },
				"reference": reference,
			}]),
		);
	}
	rule.insert(
		"action".into(),
		json!([{ "coding": [{ "system": CONSENT_ACTION_SYSTEM, "code": "access", "display": "Access" }] }]),
	);
	rule.insert(
		"purpose".into(),
		terms
			.purposes
			.iter()
			.map(|purpose| json!({ "system": ACT_REASON_SYSTEM, "code": purpose.code(), "display": purpose_display(purpose) }))
			.collect(),
	);
	rule.insert(
		"code".into(),
		terms
			.classes
			.iter()
			.map(|class| {
				let (code, display) = data_class_code(class);
				json!({ "coding": [{ "system": DATA_CLASS_SYSTEM, "code": code, "display": display }] })
			})
			.collect(),
	);
	let mut extensions: Vec<Value> = terms
		.jurisdictions
		.iter()
		.flatten()
		.map(|j| {
			json!({
				"url": JURISDICTION_EXTENSION,
				"valueCodeableConcept": { "coding": [{ "system": ISO_3166_SYSTEM, "code": j.as_str() }] },
			})
		})
		.collect();
	match consent.source {
		GrantSource::Patient => {},
		GrantSource::Request(id) => extensions.push(json!({
			"url": GRANT_SOURCE_EXTENSION,
			"valueIdentifier": { "system": REQUEST_SYSTEM, "value": id.to_string() },
		})),
		GrantSource::Emergency(id) => extensions.push(json!({
			"url": GRANT_SOURCE_EXTENSION,
			"valueIdentifier": { "system": EMERGENCY_SYSTEM, "value": id.to_string() },
		})),
	}
	if !extensions.is_empty() {
		rule.insert("extension".into(), Value::Array(extensions));
	}
	let policy = match terms.decision {
		Decision::Permit => {
			json!({ "system": ACT_CODE_SYSTEM, "code": "OPTIN", "display": "opt-in" })
		},
		Decision::Deny => {
			json!({ "system": ACT_CODE_SYSTEM, "code": "OPTOUT", "display": "opt-out" })
		},
	};
	let mut resource = json!({
		"resourceType": "Consent",
		"id": format!("salus-consent-{}", consent.id),
		"text": { "status": "generated", "div": narrative(&consent_text(terms, consent)) },
		"identifier": [{ "system": CONSENT_SYSTEM, "value": consent.id.to_string() }],
		"status": if active { "active" } else { "inactive" },
		"scope": { "coding": [{ "system": CONSENT_SCOPE_SYSTEM, "code": "patient-privacy", "display": "Privacy Consent" }] },
		"category": [{ "coding": [{ "system": LOINC_SYSTEM, "code": "59284-0", "display": "Patient Consent" }] }],
		"patient": { "type": "Patient", "identifier": { "system": ACCOUNT_SYSTEM, "value": patient.to_ss58check() } },
		"dateTime": instant(consent.created_at)?,
		"policyRule": { "coding": [policy] },
		"provision": Value::Object(rule),
	});
	if !contained.is_empty() {
		if let Some(object) = resource.as_object_mut() {
			object.insert("contained".into(), Value::Array(contained));
		}
	}
	Ok(resource)
}

fn consent_text(terms: &ConsentTerms, consent: &StoredConsent) -> String {
	let source = match consent.source {
		GrantSource::Patient => String::new(),
		GrantSource::Request(id) => format!(" (granted by approving access request {id})"),
		GrantSource::Emergency(id) => format!(" (granted by emergency {id})"),
	};
	let revoked = consent.revoked_at.map(|_| " Revoked.").unwrap_or_default();
	format!("Salus consent {}: {}{source}.{revoked}", consent.id, terms.describe())
}

/// An XHTML narrative `div` of plain text.
pub(crate) fn narrative(text: &str) -> String {
	let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
	format!("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>{escaped}</p></div>")
}
