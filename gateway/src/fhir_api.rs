//! The FHIR R4 read API: what the chain knows about a patient, as the EHR's FHIR client reads
//! it.
//!
//! | request | answer |
//! |---|---|
//! | `GET /fhir/metadata` | the `CapabilityStatement`: exactly what follows |
//! | `GET /fhir/Consent?patient={account}` | a `searchset` Bundle of the patient's consents and live grants, each a `Consent` |
//! | `GET /fhir/Consent/{id}` | one consent (`salus-consent-42`, or `42`) |
//! | `GET /fhir/AuditEvent?patient={account}[&date=…]` | the patient's accounting of disclosures: a `searchset` Bundle of `AuditEvent`s, filtered by `date` (`eq`, `ge`, `gt`, `le`, `lt` prefixes; repeat the parameter for a range) |
//!
//! `patient` is an SS58 account, or `Patient/{account}`. Every error is an `OperationOutcome`.
//! Everything is read at the node's best block; nothing here is cached (these are not the
//! EHR's hot path). The chain's data is public to anyone who runs a node: the API key keeps
//! the gateway from being an open proxy, it adds no secrecy.

use crate::GatewayError;
use salus_client::{AccountId, Client};
use salus_fhir::{
	audit::audit_event,
	export::consent_resource,
	searchset,
	time::{self as fhir_time, End},
};
use salus_primitives::Timestamp;
use serde_json::{json, Value};
use std::str::FromStr;

/// The FHIR version served.
pub const FHIR_VERSION: &str = "4.0.1";

/// The `CapabilityStatement` of `GET /fhir/metadata`.
pub fn capability_statement(base: &str, now: Timestamp) -> Value {
	let date = fhir_time::rfc3339(now).unwrap_or_default();
	json!({
		"resourceType": "CapabilityStatement",
		"status": "active",
		"date": date,
		"kind": "instance",
		"software": { "name": "salus-gateway", "version": env!("CARGO_PKG_VERSION") },
		"implementation": { "description": "Salus consents and accounting of disclosures, read from the chain", "url": base },
		"fhirVersion": FHIR_VERSION,
		"format": ["application/fhir+json", "json"],
		"rest": [{
			"mode": "server",
			"security": { "description": "An API key per EHR client: Authorization: Bearer <key>" },
			"resource": [
				{
					"type": "Consent",
					"interaction": [{ "code": "read" }, { "code": "search-type" }],
					"searchParam": [{ "name": "patient", "type": "reference", "documentation": "The patient's SS58 account (or Patient/<account>): required" }]
				},
				{
					"type": "AuditEvent",
					"interaction": [{ "code": "search-type" }],
					"searchParam": [
						{ "name": "patient", "type": "reference", "documentation": "The patient's SS58 account (or Patient/<account>): required" },
						{ "name": "date", "type": "date", "documentation": "When the record was opened; prefixes eq, ge, gt, le, lt; repeat for a range" }
					]
				}
			]
		}]
	})
}

/// The query's parameters, percent-decoded, in order.
pub fn parameters(query: Option<&str>) -> Result<Vec<(String, String)>, GatewayError> {
	let mut out = Vec::new();
	for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
		let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
		out.push((decode(name)?, decode(value)?));
	}
	Ok(out)
}

fn decode(text: &str) -> Result<String, GatewayError> {
	let bytes = text.as_bytes();
	let mut out = Vec::with_capacity(bytes.len());
	let mut i = 0usize;
	while let Some(byte) = bytes.get(i) {
		match byte {
			b'%' => {
				let hex = bytes
					.get(i.saturating_add(1)..i.saturating_add(3))
					.and_then(|h| std::str::from_utf8(h).ok())
					.and_then(|h| u8::from_str_radix(h, 16).ok())
					.ok_or_else(|| {
						GatewayError::BadRequest(format!("bad percent-encoding in {text:?}"))
					})?;
				out.push(hex);
				i = i.saturating_add(3);
			},
			b'+' => {
				out.push(b' ');
				i = i.saturating_add(1);
			},
			other => {
				out.push(*other);
				i = i.saturating_add(1);
			},
		}
	}
	String::from_utf8(out).map_err(|_| GatewayError::BadRequest(format!("{text:?} is not UTF-8")))
}

/// The one `patient` parameter, as an account. Unknown parameters are refused (FHIR's strict
/// handling), except `_format`.
fn patient(params: &[(String, String)], known: &[&str]) -> Result<AccountId, GatewayError> {
	if let Some((name, _)) =
		params.iter().find(|(n, _)| !known.contains(&n.as_str()) && n != "_format")
	{
		return Err(GatewayError::BadRequest(format!(
			"search parameter {name:?} is not supported here (supported: {})",
			known.join(", ")
		)));
	}
	let mut values = params.iter().filter(|(n, _)| n == "patient").map(|(_, v)| v);
	let value = values
		.next()
		.ok_or_else(|| GatewayError::BadRequest("the patient parameter is required".into()))?;
	if values.next().is_some() {
		return Err(GatewayError::BadRequest("give one patient".into()));
	}
	let account = value.strip_prefix("Patient/").unwrap_or(value);
	AccountId::from_str(account)
		.map_err(|_| GatewayError::BadRequest(format!("patient {value:?} is not an SS58 account")))
}

/// A FHIR `date` search condition on an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateCondition {
	prefix: Prefix,
	/// The first instant the value covers.
	start: Timestamp,
	/// The first instant after it.
	after: Timestamp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prefix {
	Eq,
	Ge,
	Gt,
	Le,
	Lt,
}

impl DateCondition {
	/// Parses `ge2026-12-01`, `2026-12-07`, `lt2026-12-07T10:00:00Z`.
	pub fn parse(text: &str) -> Result<Self, GatewayError> {
		let (prefix, value) = match text.split_at_checked(2) {
			Some(("eq", rest)) => (Prefix::Eq, rest),
			Some(("ge", rest)) => (Prefix::Ge, rest),
			Some(("gt", rest)) => (Prefix::Gt, rest),
			Some(("le", rest)) => (Prefix::Le, rest),
			Some(("lt", rest)) => (Prefix::Lt, rest),
			Some((other, _)) if other.chars().all(|c| c.is_ascii_lowercase()) => {
				return Err(GatewayError::BadRequest(format!(
					"date prefix {other:?} is not supported (eq, ge, gt, le, lt)"
				)))
			},
			_ => (Prefix::Eq, text),
		};
		let bad = |e: String| GatewayError::BadRequest(format!("date {text:?}: {e}"));
		let start = fhir_time::parse(value, End::Start).map_err(bad)?;
		let after = fhir_time::parse(value, End::End).map_err(bad)?;
		Ok(Self { prefix, start, after })
	}

	/// Whether instant `at` matches (FHIR's rules for a date value's implicit range).
	pub fn matches(&self, at: Timestamp) -> bool {
		match self.prefix {
			Prefix::Eq => self.start <= at && at < self.after,
			Prefix::Ge => at >= self.start,
			Prefix::Gt => at >= self.after,
			Prefix::Le => at < self.after,
			Prefix::Lt => at < self.start,
		}
	}
}

/// `GET /fhir/Consent?patient=…`.
pub async fn search_consents(
	node: &Client,
	query: Option<&str>,
	base: &str,
	now: Timestamp,
) -> Result<Value, GatewayError> {
	let params = parameters(query)?;
	let patient = patient(&params, &["patient"])?;
	let consents = node.consents_of(&patient, None).await.map_err(node_error)?;
	let resources = consents
		.iter()
		.map(|c| consent_resource(&patient, &salus_client::flows::stored_consent(c), now))
		.collect();
	answer(resources, "Consent", query, base, now)
}

/// A search's answer: the `searchset` of `resources` (of type `kind`), linked to the search.
fn answer(
	resources: Result<Vec<Value>, salus_fhir::ExportError>,
	kind: &str,
	query: Option<&str>,
	base: &str,
	now: Timestamp,
) -> Result<Value, GatewayError> {
	let resources = resources.map_err(|e| GatewayError::Node(e.to_string()))?;
	let self_url = format!("{base}/{kind}?{}", query.unwrap_or(""));
	searchset(resources, base, &self_url, now).map_err(|e| GatewayError::Node(e.to_string()))
}

/// `GET /fhir/Consent/{id}`.
pub async fn read_consent(node: &Client, id: &str, now: Timestamp) -> Result<Value, GatewayError> {
	let number = id.strip_prefix("salus-consent-").unwrap_or(id);
	let consent_id: u64 = number
		.parse()
		.map_err(|_| GatewayError::NotFound(format!("Consent/{id}: not a Salus consent id")))?;
	let (patient, consent) =
		node.consent(consent_id, None).await.map_err(node_error)?.ok_or_else(|| {
			GatewayError::NotFound(format!("Consent/{id}: no such consent on chain"))
		})?;
	consent_resource(&patient, &salus_client::flows::stored_consent(&consent), now)
		.map_err(|e| GatewayError::Node(e.to_string()))
}

/// `GET /fhir/AuditEvent?patient=…&date=…`.
pub async fn search_audit_events(
	node: &Client,
	query: Option<&str>,
	base: &str,
	now: Timestamp,
) -> Result<Value, GatewayError> {
	let params = parameters(query)?;
	let patient = patient(&params, &["patient", "date"])?;
	let dates = params
		.iter()
		.filter(|(n, _)| n == "date")
		.map(|(_, v)| DateCondition::parse(v))
		.collect::<Result<Vec<_>, _>>()?;
	let chain = node.chain_info().await.map_err(node_error)?;
	let records = node.disclosure_records(&patient, None).await.map_err(node_error)?;
	let resources = records
		.iter()
		.filter(|r| dates.iter().all(|d| d.matches(r.at)))
		.map(|r| audit_event(&chain, r))
		.collect();
	answer(resources, "AuditEvent", query, base, now)
}

fn node_error(error: salus_client::Error) -> GatewayError {
	GatewayError::Node(error.to_string())
}

/// An `OperationOutcome` for `error`.
pub fn operation_outcome(error: &GatewayError) -> Value {
	let code = match error {
		GatewayError::BadRequest(_) => "invalid",
		GatewayError::Unauthorized(_) => "login",
		GatewayError::Forbidden(_) => "forbidden",
		GatewayError::NotFound(_) => "not-found",
		GatewayError::Conflict(_) => "conflict",
		GatewayError::Unprocessable(_) => "processing",
		GatewayError::TooMany(_) => "throttled",
		GatewayError::NoOutbox => "not-supported",
		GatewayError::NodeDown | GatewayError::Node(_) | GatewayError::Store(_) => "transient",
	};
	json!({
		"resourceType": "OperationOutcome",
		"issue": [{ "severity": "error", "code": code, "diagnostics": error.to_string() }]
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

	#[test]
	fn date_conditions_follow_fhir_ranges() {
		let day = fhir_time::parse("2026-12-07", End::Start).unwrap();
		let next = fhir_time::parse("2026-12-08", End::Start).unwrap();
		let noon = day.saturating_add(12 * 3_600_000);
		let cases = [
			("2026-12-07", [false, true, false]),
			("eq2026-12-07", [false, true, false]),
			("ge2026-12-07", [false, true, true]),
			("gt2026-12-07", [false, false, true]),
			("le2026-12-07", [true, true, false]),
			("lt2026-12-07", [true, false, false]),
		];
		for (text, expected) in cases {
			let condition = DateCondition::parse(text).unwrap();
			let got = [day.saturating_sub(1), noon, next].map(|at| condition.matches(at));
			assert_eq!(got, expected, "{text}");
		}
		let instant = DateCondition::parse("ge2026-12-07T12:00:00Z").unwrap();
		assert!(instant.matches(noon) && !instant.matches(noon.saturating_sub(1)));
		for bad in ["sa2026-12-07", "tomorrow", "ge2026-13-01", "2026-12-07T10:00:00"] {
			assert!(matches!(DateCondition::parse(bad), Err(GatewayError::BadRequest(_))), "{bad}");
		}
	}

	#[test]
	fn parameters_are_decoded_and_checked() {
		let params =
			parameters(Some(&format!("patient=Patient%2F{ALICE}&date=ge2026-12-01"))).unwrap();
		assert_eq!(params[0], ("patient".into(), format!("Patient/{ALICE}")));
		assert_eq!(
			patient(&params, &["patient", "date"]).unwrap(),
			AccountId::from_str(ALICE).unwrap()
		);
		let error = patient(&params, &["patient"]).unwrap_err().to_string();
		assert!(error.contains("\"date\" is not supported"), "{error}");
		assert!(patient(&[], &["patient"]).unwrap_err().to_string().contains("required"));
		let two = parameters(Some(&format!("patient={ALICE}&patient={ALICE}"))).unwrap();
		assert!(patient(&two, &["patient"]).unwrap_err().to_string().contains("one patient"));
		let bad = parameters(Some("patient=bob")).unwrap();
		assert!(patient(&bad, &["patient"]).unwrap_err().to_string().contains("not an SS58"));
		assert!(parameters(Some("patient=%zz")).is_err());
		assert!(parameters(Some("patient=%ff")).is_err(), "not UTF-8");
	}

	#[test]
	fn the_capability_statement_is_valid_fhir_and_every_error_an_operation_outcome() {
		let statement = capability_statement("http://gateway/fhir", 1_765_000_000_000);
		let parsed: Result<fhir_model::r4b::resources::CapabilityStatement, _> =
			serde_json::from_value(statement.clone());
		assert!(parsed.is_ok(), "{parsed:?}");
		let outcome =
			operation_outcome(&GatewayError::NotFound("Consent/9: no such consent".into()));
		assert_eq!(outcome["issue"][0]["code"], "not-found");
		let parsed: Result<fhir_model::r4b::resources::OperationOutcome, _> =
			serde_json::from_value(outcome);
		assert!(parsed.is_ok(), "{parsed:?}");
	}
}
