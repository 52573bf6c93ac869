//! The OpenID AuthZEN Authorization API 1.0 shape of an access decision.
//!
//! | AuthZEN | Salus |
//! |---|---|
//! | `subject` `{"type": "practitioner", "id": "<SS58 account>"}` | who asks: the accessor |
//! | `resource` `{"type": "patient_record", "id": "<SS58 account>", "properties": {"data_class": "lab-results"}}` | whose data, and which part: a Salus data class code, or instead `"fhir_type": "Observation"` for a FHIR resource type that names one class |
//! | `action` `{"name": "TREAT"}` | what for: an HL7 v3 PurposeOfUse code (`TREAT`, `ETREAT`, `HPAYMT`, `HOPERAT`, `HRESCH`, `PUBHLTH`, `PATRQT`) |
//! | `context` | ignored: a decision is taken at the chain's time |
//!
//! The answer is `{"decision": true|false, "context": {...}}`, the context carrying
//! `reason_admin` (the basis or the reason in words), `salus` (the decision as the node gives
//! it), `block` (`{"hash", "number"}`: the block it was decided at), `source` (`cache`, `node`
//! or `node_uncached`) and, when the cache could not answer, `cache_bypass` (why).
//!
//! `POST /access/v1/evaluations` takes default `subject`, `action`, `resource` and `context`
//! and an `evaluations` array whose items override them, at most
//! [`MAX_EVALUATIONS`]; `options.evaluations_semantic` is `execute_all` (the default),
//! `deny_on_first_deny` or `permit_on_first_permit` (the answers stop after the first deny, or
//! the first permit).

use crate::{
	cache::Key,
	config::{ClientConfig, Practitioners},
	Answer, GatewayError,
};
use salus_client::AccountId;
use salus_fhir::{audit::basis_text, codes};
use salus_primitives::{AccessDecision, DenyReason};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::str::FromStr;

/// The most evaluations one request may carry.
pub const MAX_EVALUATIONS: usize = 1_000;

/// An AuthZEN subject, resource or action, with optional properties.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
pub struct Entity {
	/// The type (`practitioner`, `patient_record`).
	#[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
	pub kind: Option<String>,
	/// The identifier.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub id: Option<String>,
	/// An action's name.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub name: Option<String>,
	/// More.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub properties: Option<Map<String, Value>>,
}

/// `POST /access/v1/evaluation`, and one item of `/evaluations`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Evaluation {
	/// Who asks.
	pub subject: Option<Entity>,
	/// What for.
	pub action: Option<Entity>,
	/// Whose data.
	pub resource: Option<Entity>,
	/// Ignored.
	pub context: Option<Value>,
}

/// `options` of `/evaluations`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Options {
	/// `execute_all`, `deny_on_first_deny` or `permit_on_first_permit`.
	pub evaluations_semantic: Option<String>,
}

/// `POST /access/v1/evaluations`.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct Evaluations {
	/// The defaults.
	#[serde(flatten)]
	pub defaults: Evaluation,
	/// The items.
	#[serde(default)]
	pub evaluations: Vec<Evaluation>,
	/// How to run them.
	pub options: Option<Options>,
}

/// How a batch stops.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Semantic {
	/// Every evaluation.
	ExecuteAll,
	/// Up to and including the first deny.
	DenyOnFirstDeny,
	/// Up to and including the first permit.
	PermitOnFirstPermit,
}

fn bad(at: &str, what: impl std::fmt::Display) -> GatewayError {
	GatewayError::BadRequest(format!("{at}{what}"))
}

fn account(text: Option<&String>, at: &str, field: &str) -> Result<AccountId, GatewayError> {
	let text = text.ok_or_else(|| bad(at, format!("{field}.id is missing")))?;
	AccountId::from_str(text)
		.map_err(|_| bad(at, format!("{field}.id {text:?} is not an SS58 account")))
}

impl Evaluation {
	/// This evaluation with `defaults` where it says nothing.
	fn over(&self, defaults: &Evaluation) -> Evaluation {
		Evaluation {
			subject: self.subject.clone().or_else(|| defaults.subject.clone()),
			action: self.action.clone().or_else(|| defaults.action.clone()),
			resource: self.resource.clone().or_else(|| defaults.resource.clone()),
			context: self.context.clone().or_else(|| defaults.context.clone()),
		}
	}

	/// The question, checked; `at` prefixes errors (`evaluations[3]: `).
	pub fn key(&self, at: &str) -> Result<Key, GatewayError> {
		let subject = self.subject.as_ref().ok_or_else(|| bad(at, "subject is missing"))?;
		if subject.kind.as_deref() != Some("practitioner") {
			return Err(bad(at, "subject.type must be \"practitioner\""));
		}
		let accessor = account(subject.id.as_ref(), at, "subject")?;
		let resource = self.resource.as_ref().ok_or_else(|| bad(at, "resource is missing"))?;
		if resource.kind.as_deref() != Some("patient_record") {
			return Err(bad(at, "resource.type must be \"patient_record\""));
		}
		let patient = account(resource.id.as_ref(), at, "resource")?;
		let property = |name: &str| {
			resource.properties.as_ref().and_then(|p| p.get(name)).and_then(|v| v.as_str())
		};
		let class = match (property("data_class"), property("fhir_type")) {
			(Some(code), None) => codes::data_class_of_code(code).ok_or_else(|| {
				bad(at, format!("resource.properties.data_class {code:?} is not a Salus data class (lab-results, medications, …)"))
			})?,
			(None, Some(kind)) => codes::RESOURCE_CLASSES
				.iter()
				.find(|(name, _)| *name == kind)
				.map(|(_, class)| *class)
				.ok_or_else(|| {
					bad(at, format!("resource.properties.fhir_type {kind:?} names no single data class: give data_class"))
				})?,
			_ => {
				return Err(bad(
					at,
					"resource.properties needs exactly one of data_class and fhir_type",
				))
			},
		};
		let action = self.action.as_ref().ok_or_else(|| bad(at, "action is missing"))?;
		let name = action.name.as_deref().ok_or_else(|| bad(at, "action.name is missing"))?;
		let purpose = codes::purpose_of_code(name).ok_or_else(|| {
			bad(at, format!("action.name {name:?} is not a PurposeOfUse code (TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH, PUBHLTH, PATRQT)"))
		})?;
		Ok(Key { patient, accessor, class, purpose })
	}
}

impl Evaluations {
	/// The questions and how to stop.
	pub fn keys(&self) -> Result<(Vec<Key>, Semantic), GatewayError> {
		let semantic = match self.options.as_ref().and_then(|o| o.evaluations_semantic.as_deref()) {
			None | Some("execute_all") => Semantic::ExecuteAll,
			Some("deny_on_first_deny") => Semantic::DenyOnFirstDeny,
			Some("permit_on_first_permit") => Semantic::PermitOnFirstPermit,
			Some(other) => {
				return Err(bad("", format!("options.evaluations_semantic {other:?} is not execute_all, deny_on_first_deny or permit_on_first_permit")))
			},
		};
		if self.evaluations.len() > MAX_EVALUATIONS {
			return Err(bad(
				"",
				format!(
					"{} evaluations: at most {MAX_EVALUATIONS} a request",
					self.evaluations.len()
				),
			));
		}
		// No `evaluations`: the request is one evaluation (AuthZEN 1.0, 7.1).
		let keys = if self.evaluations.is_empty() {
			vec![self.defaults.key("")?]
		} else {
			self.evaluations
				.iter()
				.enumerate()
				.map(|(i, e)| e.over(&self.defaults).key(&format!("evaluations[{i}]: ")))
				.collect::<Result<_, _>>()?
		};
		Ok((keys, semantic))
	}
}

/// Refuses a question about a practitioner the client may not act for.
pub fn allowed(client: &ClientConfig, keys: &[Key]) -> Result<(), GatewayError> {
	let Practitioners::Only(allowed) = &client.practitioners else { return Ok(()) };
	match keys.iter().find(|key| !allowed.contains(&key.accessor)) {
		None => Ok(()),
		Some(key) => Err(GatewayError::Forbidden(format!(
			"client {:?} may not ask for practitioner {}",
			client.name, key.accessor
		))),
	}
}

/// Why, in words, for `reason_admin`.
pub fn reason_text(decision: &AccessDecision) -> String {
	match decision {
		AccessDecision::Permit { basis } => format!("permitted by {}", basis_text(basis)),
		AccessDecision::Deny { reason } => match reason {
			DenyReason::UnknownPatient => "denied: the patient is not registered".into(),
			DenyReason::NotPractitioner => {
				"denied: the subject is not a practitioner of any provider".into()
			},
			DenyReason::ProviderNotAccredited => {
				"denied: the practitioner's provider is not accredited".into()
			},
			DenyReason::NoConsent => {
				"denied: no consent of the patient speaks to this practitioner".into()
			},
			DenyReason::DeniedByConsent(id) => format!("denied by consent {id}"),
			DenyReason::ClassNotCovered(id) => {
				format!("denied: consent {id} does not cover this data class")
			},
			DenyReason::SensitiveClassNotNamed(id) => {
				format!("denied: the data class is sensitive and consent {id} does not name it")
			},
			DenyReason::PurposeNotCovered(id) => {
				format!("denied: consent {id} does not cover this purpose")
			},
			DenyReason::OutsideJurisdictions(id) => {
				format!("denied: the provider is outside the jurisdictions consent {id} allows")
			},
			DenyReason::Revoked(id) => format!("denied: consent {id} was revoked"),
			DenyReason::NotYetValid(id) => format!("denied: consent {id} is not valid yet"),
			DenyReason::Expired(id) => format!("denied: consent {id} expired"),
		},
	}
}

/// One answer in AuthZEN's shape.
pub fn response(answer: &Answer) -> Value {
	let mut context = json!({
		"reason_admin": { "en": reason_text(&answer.decision) },
		"salus": answer.decision,
		"block": answer.block,
		"source": answer.source,
	});
	if let (Some(why), Some(object)) = (&answer.bypass, context.as_object_mut()) {
		object.insert("cache_bypass".into(), json!({ "reason": why, "text": why.to_string() }));
	}
	json!({ "decision": answer.decision.is_permit(), "context": context })
}

/// The answers to a batch, cut as `semantic` says.
pub fn responses(answers: &[Answer], semantic: Semantic) -> Value {
	let stop = answers.iter().position(|a| match semantic {
		Semantic::ExecuteAll => false,
		Semantic::DenyOnFirstDeny => !a.decision.is_permit(),
		Semantic::PermitOnFirstPermit => a.decision.is_permit(),
	});
	let taken = stop.map_or(answers.len(), |at| at.saturating_add(1));
	json!({ "evaluations": answers.iter().take(taken).map(response).collect::<Vec<_>>() })
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{cache::BlockRef, config::key_digest, Source};
	use salus_primitives::{AccessBasis, DataClass, GrantSource, Purpose};

	const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

	fn request(body: Value) -> Evaluation {
		serde_json::from_value(body).unwrap()
	}

	fn good() -> Value {
		json!({
			"subject": {"type": "practitioner", "id": BOB},
			"resource": {"type": "patient_record", "id": ALICE, "properties": {"data_class": "lab-results"}},
			"action": {"name": "TREAT"},
			"context": {"time": "ignored"}
		})
	}

	#[test]
	fn an_evaluation_is_a_salus_question() {
		let key = request(good()).key("").unwrap();
		assert_eq!(key.patient, AccountId::from_str(ALICE).unwrap());
		assert_eq!(key.accessor, AccountId::from_str(BOB).unwrap());
		assert_eq!(key.class, DataClass::LabResults);
		assert_eq!(key.purpose, Purpose::Treatment);
	}

	#[test]
	fn every_malformed_evaluation_says_what_is_wrong() {
		let cases: [(&str, Value, &str); 9] = [
			("/subject", json!(null), "subject is missing"),
			("/subject/type", json!("user"), "subject.type"),
			("/subject/id", json!("bob"), "not an SS58 account"),
			("/resource/type", json!("account"), "resource.type"),
			("/resource/id", json!(null), "resource.id is missing"),
			("/resource/properties/data_class", json!("x-rays"), "not a Salus data class"),
			("/resource/properties", json!({}), "exactly one of"),
			("/action/name", json!("READ"), "not a PurposeOfUse code"),
			("/action", json!(null), "action is missing"),
		];
		for (pointer, value, expected) in cases {
			let mut body = good();
			*body.pointer_mut(pointer).unwrap() = value;
			let error = request(body).key("").unwrap_err().to_string();
			assert!(error.contains(expected), "{pointer}: {error}");
		}
	}

	#[test]
	fn batch_items_override_the_defaults_and_are_bounded() {
		let mut body = good();
		body["evaluations"] = json!([
			{},
			{"action": {"name": "HRESCH"}},
			{"resource": {"type": "patient_record", "id": BOB, "properties": {"fhir_type": "ImagingStudy"}}}
		]);
		body["options"] = json!({"evaluations_semantic": "deny_on_first_deny"});
		let batch: Evaluations = serde_json::from_value(body.clone()).unwrap();
		let (keys, semantic) = batch.keys().unwrap();
		assert_eq!(semantic, Semantic::DenyOnFirstDeny);
		assert_eq!(keys.len(), 3);
		assert_eq!(keys[1].purpose, Purpose::Research);
		assert_eq!(keys[2].class, DataClass::Imaging);
		assert_eq!(keys[2].patient, AccountId::from_str(BOB).unwrap());
		// An item's error names the item.
		body["evaluations"][1]["action"]["name"] = json!("nope");
		let error =
			serde_json::from_value::<Evaluations>(body.clone()).unwrap().keys().unwrap_err();
		assert!(error.to_string().starts_with("evaluations[1]: "), "{error}");
		body["evaluations"] = Value::Array(vec![json!({}); MAX_EVALUATIONS + 1]);
		let error =
			serde_json::from_value::<Evaluations>(body.clone()).unwrap().keys().unwrap_err();
		assert!(error.to_string().contains("at most 1000"), "{error}");
		body["evaluations"] = json!([]);
		body["options"] = json!({"evaluations_semantic": "sometimes"});
		assert!(serde_json::from_value::<Evaluations>(body).unwrap().keys().is_err());
	}

	#[test]
	fn a_client_asks_only_for_its_practitioners() {
		let client = ClientConfig {
			name: "ehr".into(),
			key_sha256: key_digest("k"),
			practitioners: Practitioners::Only(vec![AccountId::from_str(BOB).unwrap()]),
			max_waiting: 1,
			webhook: None,
		};
		let bob = request(good()).key("").unwrap();
		let mut alice = bob.clone();
		alice.accessor = AccountId::from_str(ALICE).unwrap();
		assert!(allowed(&client, std::slice::from_ref(&bob)).is_ok());
		let refused = allowed(&client, &[bob, alice]).unwrap_err();
		assert!(matches!(refused, GatewayError::Forbidden(_)), "{refused}");
	}

	#[test]
	fn answers_carry_basis_block_and_source_and_batches_stop_as_asked() {
		let block = BlockRef { hash: [7u8; 32].into(), number: 12 };
		let permit = Answer {
			decision: AccessDecision::Permit {
				basis: AccessBasis::Consent { id: 4, source: GrantSource::Patient },
			},
			block,
			source: Source::Cache,
			bypass: None,
		};
		let deny = Answer {
			decision: AccessDecision::Deny { reason: DenyReason::NoConsent },
			block,
			source: Source::NodeUncached,
			bypass: Some(crate::cache::Why::NotWatched),
		};
		let one = response(&permit);
		assert_eq!(one["decision"], json!(true));
		assert_eq!(one["context"]["block"]["number"], json!(12));
		assert_eq!(one["context"]["source"], json!("cache"));
		assert_eq!(one["context"]["reason_admin"]["en"], json!("permitted by consent 4"));
		let two = response(&deny);
		assert_eq!(two["decision"], json!(false));
		assert_eq!(two["context"]["cache_bypass"]["reason"]["why"], json!("not_watched"));
		let all = [permit.clone(), deny.clone(), permit.clone()];
		let count = |v: Value| v["evaluations"].as_array().unwrap().len();
		assert_eq!(count(responses(&all, Semantic::ExecuteAll)), 3);
		assert_eq!(count(responses(&all, Semantic::DenyOnFirstDeny)), 2);
		assert_eq!(count(responses(&all, Semantic::PermitOnFirstPermit)), 1);
	}
}
