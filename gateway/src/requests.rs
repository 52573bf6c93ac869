//! Access requests (`POST /access-requests`): a practitioner asks a patient for access, through
//! the outbox ([`crate::outbox`]), signed with the practitioner's key; and where the request
//! stands (`GET /access-requests/{id}`): in the outbox, then on chain — open until the patient
//! answers, then approved, denied, expired or cancelled.

use crate::{
	outbox::{Entry, Item, RequestTerms, Submission},
	GatewayError, Shared,
};
use salus_client::{AccountId, Balance};
use salus_fhir::codes;
use salus_primitives::{DataClassSet, RequestId};
use serde::Deserialize;
use serde_json::{json, Value};
use sp_core::H256;
use std::str::FromStr;

/// The longest access a request may ask for, in hours (the runtime's `MaxAccessDuration` may
/// be shorter: the chain then refuses it).
pub const MAX_HOURS: u64 = 24 * 366;

/// `POST /access-requests`, as the EHR sends it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRequest {
	/// The EHR's own id of the request: sent again, it is the same request.
	pub id: String,
	/// The practitioner asking (SS58).
	pub practitioner: String,
	/// The patient asked (SS58).
	pub patient: String,
	/// What is asked for: Salus data class codes (`lab-results`, `medications`, …).
	pub data_classes: Vec<String>,
	/// Why: a PurposeOfUse code (`TREAT`, `HRESCH`, …).
	pub purpose: String,
	/// How long the access would last once approved.
	pub duration_hours: u64,
	/// The salted hash of the justification (`0x` and 64 hex digits); the text stays in the
	/// EHR.
	pub justification: String,
	/// A research bounty, in the chain's smallest unit, as a decimal string.
	#[serde(default)]
	pub bounty: Option<String>,
}

fn bad(what: impl Into<String>) -> GatewayError {
	GatewayError::BadRequest(what.into())
}

impl AccessRequest {
	/// What the outbox sends, checked.
	pub fn submission(&self) -> Result<Submission, GatewayError> {
		let id_ok = !self.id.is_empty()
			&& self.id.len() <= 64
			&& self.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
		if !id_ok {
			return Err(bad("id: 1 to 64 letters, digits, '-' or '.'"));
		}
		let account = |text: &str, field: &str| {
			AccountId::from_str(text)
				.map_err(|_| bad(format!("{field}: {text:?} is not an SS58 account")))
		};
		let practitioner = account(&self.practitioner, "practitioner")?;
		let patient = account(&self.patient, "patient")?;
		if self.data_classes.is_empty() {
			return Err(bad("data_classes: none (lab-results, medications, …)"));
		}
		let mut classes = DataClassSet::default();
		for code in &self.data_classes {
			let class = codes::data_class_of_code(code).ok_or_else(|| {
				bad(format!("data_classes: {code:?} is not a Salus data class (lab-results, medications, …)"))
			})?;
			classes.insert(class);
		}
		let purpose = codes::purpose_of_code(&self.purpose).ok_or_else(|| {
			bad(format!(
				"purpose: {:?} is not a PurposeOfUse code (TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH, PUBHLTH, PATRQT)",
				self.purpose
			))
		})?;
		if !(1..=MAX_HOURS).contains(&self.duration_hours) {
			return Err(bad(format!("duration_hours: between 1 and {MAX_HOURS}")));
		}
		let justification = self
			.justification
			.strip_prefix("0x")
			.and_then(|hex| sp_core::bytes::from_hex(hex).ok())
			.filter(|bytes| bytes.len() == 32)
			.map(|bytes| H256::from_slice(&bytes))
			.ok_or_else(|| {
				bad("justification: 0x and 64 hex digits, the salted hash of the reason (never the reason itself)")
			})?;
		let bounty = match &self.bounty {
			None => 0,
			Some(text) => Balance::from_str(text)
				.map_err(|_| bad(format!("bounty: {text:?} is not a whole number of units")))?,
		};
		Ok(Submission {
			id: self.id.clone(),
			practitioner,
			item: Item::Request(RequestTerms {
				patient,
				classes,
				purpose,
				duration: self.duration_hours.saturating_mul(3_600_000),
				justification,
				bounty,
			}),
		})
	}
}

/// Where request `request` (the chain's id; `entry` is its outbox entry) stands on chain: open
/// (and until when), or how it ended as the gateway's event log recorded it, or `closed` when
/// the gateway did not follow it.
pub async fn status(
	shared: &Shared,
	entry: &Entry,
	request: RequestId,
) -> Result<Value, GatewayError> {
	if let Some((state, block)) = shared
		.events
		.as_ref()
		.map(|events| events.store.request_outcome(request))
		.transpose()
		.map_err(|e| GatewayError::Store(e.to_string()))?
		.flatten()
	{
		return Ok(json!({ "state": state, "block": block }));
	}
	let node = shared.node()?;
	let patient = entry.submission.item.patient();
	let open = tokio::time::timeout(crate::NODE_TIMEOUT, node.pending_requests_of(patient, None))
		.await
		.map_err(|_| GatewayError::Node("the node did not answer within 5 s".into()))?
		.map_err(|e| GatewayError::Node(e.to_string()))?;
	Ok(match open.iter().find(|(id, _)| *id == request) {
		Some((_, found)) => json!({ "state": "open", "expires_at": found.expires_at }),
		None => json!({ "state": "closed" }),
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

	fn body() -> Value {
		json!({
			"id": "ref-2026-001",
			"practitioner": BOB,
			"patient": ALICE,
			"data_classes": ["lab-results", "medications"],
			"purpose": "TREAT",
			"duration_hours": 72,
			"justification": format!("0x{}", "ab".repeat(32)),
		})
	}

	fn parse(body: Value) -> Result<Submission, GatewayError> {
		serde_json::from_value::<AccessRequest>(body).unwrap().submission()
	}

	#[test]
	fn a_request_becomes_the_chain_s_terms() {
		let submission = parse(body()).unwrap();
		assert_eq!(submission.id, "ref-2026-001");
		assert_eq!(submission.practitioner, AccountId::from_str(BOB).unwrap());
		let Item::Request(terms) = submission.item else { panic!("a request") };
		assert_eq!(terms.patient, AccountId::from_str(ALICE).unwrap());
		assert_eq!(terms.classes.iter().count(), 2);
		assert_eq!(terms.duration, 72 * 3_600_000);
		assert_eq!(terms.justification, H256::repeat_byte(0xab));
		assert_eq!(terms.bounty, 0);
	}

	#[test]
	fn every_malformed_request_says_what_is_wrong() {
		let cases: &[(&str, Value, &str)] = &[
			("id", json!("a b"), "id:"),
			("id", json!(""), "id:"),
			("practitioner", json!("bob"), "practitioner:"),
			("patient", json!("0x00"), "patient:"),
			("data_classes", json!([]), "data_classes: none"),
			("data_classes", json!(["gossip"]), "not a Salus data class"),
			("purpose", json!("CURIOSITY"), "not a PurposeOfUse code"),
			("duration_hours", json!(0), "duration_hours"),
			("duration_hours", json!(MAX_HOURS + 1), "duration_hours"),
			("justification", json!("I need it"), "salted hash"),
			("justification", json!("0xabcd"), "salted hash"),
			("bounty", json!("-5"), "bounty"),
		];
		for (field, value, expected) in cases {
			let mut request = body();
			request[*field] = value.clone();
			let error = parse(request).unwrap_err().to_string();
			assert!(error.contains(expected), "{field} = {value}: {error}");
		}
		let mut extra = body();
		extra["reason"] = json!("chest pain");
		assert!(
			serde_json::from_value::<AccessRequest>(extra).is_err(),
			"an unknown field (a reason in plain text) is refused, not ignored"
		);
	}
}
