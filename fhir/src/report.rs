//! An access the EHR reports as a FHIR R4 `AuditEvent` (a practitioner opened a patient's
//! record), read into what `log_disclosure` records.
//!
//! The event names, by `urn:salus:account` identifiers, the practitioner (the requesting
//! `agent`'s `who`) and the patient (an `entity` whose `what.type` is `Patient`); the data class
//! by an entity's `detail` `salus-data-class` (a Salus code, as Salus's own exported
//! `AuditEvent`s carry it) or, failing that, by the resource type of an entity's
//! `what.reference` (`Observation/123`, when that type names one class); the purpose by
//! `purposeOfEvent` (an HL7 v3 ActReason code); and optionally the record by an entity's
//! `what.identifier` in `urn:salus:record` (a 32-byte hex hash of the EHR's record id, never
//! the id itself). The `id` is the EHR's own identifier of the event: what makes reporting it
//! twice record it once.

use crate::{
	codes::{
		data_class_of_code, purpose_of_code, ACCOUNT_SYSTEM, ACT_REASON_SYSTEM, RECORD_SYSTEM,
		RESOURCE_CLASSES,
	},
	import::ImportError,
};
use salus_primitives::{DataClass, Purpose};
use serde_json::Value;
use sp_core::{
	crypto::{AccountId32, Ss58Codec},
	H256,
};

/// What an `AuditEvent` reports.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ReportedAccess {
	/// The EHR's identifier of the event (`AuditEvent.id`).
	pub id: String,
	/// Who opened the record.
	pub practitioner: AccountId32,
	/// Whose record.
	pub patient: AccountId32,
	/// Which part of it.
	pub class: DataClass,
	/// What for.
	pub purpose: Purpose,
	/// The record's hash, if given.
	pub record: Option<H256>,
}

fn refuse(element: &str, reason: impl Into<String>) -> ImportError {
	ImportError { element: element.to_owned(), reason: reason.into() }
}

fn account(identifier: &Value, element: &str) -> Result<Option<AccountId32>, ImportError> {
	if identifier.get("system").and_then(Value::as_str) != Some(ACCOUNT_SYSTEM) {
		return Ok(None);
	}
	let value = identifier
		.get("value")
		.and_then(Value::as_str)
		.ok_or_else(|| refuse(element, "an urn:salus:account identifier without a value"))?;
	AccountId32::from_ss58check(value)
		.map(Some)
		.map_err(|_| refuse(element, format!("{value:?} is not an SS58 account")))
}

/// Reads an `AuditEvent` (JSON) the EHR reports.
pub fn reported_access(event: &Value) -> Result<ReportedAccess, ImportError> {
	if event.get("resourceType").and_then(Value::as_str) != Some("AuditEvent") {
		return Err(refuse("resourceType", "must be AuditEvent"));
	}
	let id = event.get("id").and_then(Value::as_str).ok_or_else(|| {
		refuse(
			"AuditEvent.id",
			"missing: the EHR's own id of the event, which makes a repeated report count once",
		)
	})?;
	let id_ok = !id.is_empty()
		&& id.len() <= 64
		&& id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
	if !id_ok {
		return Err(refuse("AuditEvent.id", "a FHIR id: 1 to 64 letters, digits, '-' or '.'"));
	}
	let empty = Vec::new();
	let agents = event.get("agent").and_then(Value::as_array).unwrap_or(&empty);
	let mut practitioner = None;
	for (i, agent) in agents.iter().enumerate() {
		if agent.get("requestor").and_then(Value::as_bool) != Some(true) {
			continue;
		}
		let element = format!("AuditEvent.agent[{i}].who.identifier");
		if let Some(found) = agent
			.pointer("/who/identifier")
			.map(|id| account(id, &element))
			.transpose()?
			.flatten()
		{
			if practitioner.replace(found).is_some() {
				return Err(refuse(
					"AuditEvent.agent",
					"more than one requesting agent with an urn:salus:account identifier",
				));
			}
		}
	}
	let practitioner = practitioner.ok_or_else(|| {
		refuse(
			"AuditEvent.agent",
			"no requesting agent (requestor: true) whose who.identifier is an urn:salus:account",
		)
	})?;
	let entities = event.get("entity").and_then(Value::as_array).unwrap_or(&empty);
	let (mut patient, mut class, mut record, mut referenced) = (None, None, None, None);
	for (i, entity) in entities.iter().enumerate() {
		let what = entity.get("what");
		let identifier = what.and_then(|w| w.get("identifier"));
		if what.and_then(|w| w.get("type")).and_then(Value::as_str) == Some("Patient") {
			let element = format!("AuditEvent.entity[{i}].what.identifier");
			if let Some(found) = identifier.map(|id| account(id, &element)).transpose()?.flatten() {
				if patient.replace(found).is_some() {
					return Err(refuse("AuditEvent.entity", "more than one patient"));
				}
			}
		}
		if let Some(identifier) =
			identifier.filter(|id| id.get("system").and_then(Value::as_str) == Some(RECORD_SYSTEM))
		{
			let element = format!("AuditEvent.entity[{i}].what.identifier");
			let value = identifier.get("value").and_then(Value::as_str).unwrap_or("");
			let bytes = Some(value)
				.filter(|hex| hex.starts_with("0x"))
				.and_then(|hex| sp_core::bytes::from_hex(hex).ok())
				.filter(|bytes| bytes.len() == 32)
				.ok_or_else(|| {
					refuse(&element, "an urn:salus:record value is a 0x-prefixed 32-byte hex hash")
				})?;
			if record.replace(H256::from_slice(&bytes)).is_some() {
				return Err(refuse(
					"AuditEvent.entity",
					"more than one urn:salus:record identifier: one access opens one record",
				));
			}
		}
		for (j, detail) in entity
			.get("detail")
			.and_then(Value::as_array)
			.unwrap_or(&empty)
			.iter()
			.enumerate()
		{
			if detail.get("type").and_then(Value::as_str) == Some("salus-data-class") {
				let code = detail.get("valueString").and_then(Value::as_str).unwrap_or("");
				let found = data_class_of_code(code).ok_or_else(|| {
					refuse(
						&format!("AuditEvent.entity[{i}].detail[{j}]"),
						format!("{code:?} is not a Salus data class"),
					)
				})?;
				if class.replace(found).is_some_and(|before| before != found) {
					return Err(refuse("AuditEvent.entity", "two different data classes"));
				}
			}
		}
		if let Some(reference) = what.and_then(|w| w.get("reference")).and_then(Value::as_str) {
			let kind = reference.split('/').next().unwrap_or("");
			if let Some((_, found)) = RESOURCE_CLASSES.iter().find(|(name, _)| *name == kind) {
				if referenced.replace(*found).is_some_and(|before| before != *found) {
					return Err(refuse(
						"AuditEvent.entity",
						"references to resources of two data classes: report one access per class",
					));
				}
			}
		}
	}
	let patient = patient.ok_or_else(|| {
		refuse(
			"AuditEvent.entity",
			"no entity whose what is a Patient with an urn:salus:account identifier",
		)
	})?;
	let class = class.or(referenced).ok_or_else(|| {
		refuse("AuditEvent.entity", "no data class: a detail salus-data-class, or a what.reference to a resource type that names one class")
	})?;
	let codes: Vec<&Value> = event
		.get("purposeOfEvent")
		.and_then(Value::as_array)
		.unwrap_or(&empty)
		.iter()
		.flat_map(|concept| concept.get("coding").and_then(Value::as_array).unwrap_or(&empty))
		.filter(|coding| coding.get("system").and_then(Value::as_str) == Some(ACT_REASON_SYSTEM))
		.collect();
	let purpose = match codes.as_slice() {
		[coding] => {
			let code = coding.get("code").and_then(Value::as_str).unwrap_or("");
			purpose_of_code(code).ok_or_else(|| {
				refuse(
					"AuditEvent.purposeOfEvent",
					format!("{code:?} is not a PurposeOfUse Salus knows"),
				)
			})?
		},
		[] => {
			return Err(refuse(
				"AuditEvent.purposeOfEvent",
				"no v3-ActReason coding: say what the record was opened for",
			))
		},
		_ => {
			return Err(refuse(
				"AuditEvent.purposeOfEvent",
				"more than one v3-ActReason coding: one access has one purpose",
			))
		},
	};
	Ok(ReportedAccess { id: id.to_owned(), practitioner, patient, class, purpose, record })
}

#[cfg(test)]
mod tests {
	use super::*;
	use serde_json::json;

	const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
	const DAVE: &str = "5DAAnrj7VHTznn2AWBemMuyBwZWs6FNFjdyVXUeYum3PTXFy";

	fn event() -> Value {
		json!({
			"resourceType": "AuditEvent",
			"id": "ehr-7781",
			"type": { "system": "http://dicom.nema.org/resources/ontology/DCM", "code": "110110" },
			"recorded": "2026-12-07T10:00:00Z",
			"purposeOfEvent": [{ "coding": [{ "system": ACT_REASON_SYSTEM, "code": "TREAT" }] }],
			"agent": [{ "who": { "identifier": { "system": ACCOUNT_SYSTEM, "value": DAVE } }, "requestor": true }],
			"entity": [
				{ "what": { "identifier": { "system": ACCOUNT_SYSTEM, "value": ALICE }, "type": "Patient" } },
				{ "what": { "reference": "Observation/lab-1", "identifier": { "system": RECORD_SYSTEM, "value": format!("0x{}", "ab".repeat(32)) } },
				  "detail": [{ "type": "salus-data-class", "valueString": "lab-results" }] }
			]
		})
	}

	#[test]
	fn an_ehr_report_is_a_disclosure() {
		let access = reported_access(&event()).unwrap();
		assert_eq!(access.id, "ehr-7781");
		assert_eq!(access.practitioner, AccountId32::from_ss58check(DAVE).unwrap());
		assert_eq!(access.patient, AccountId32::from_ss58check(ALICE).unwrap());
		assert_eq!(access.class, DataClass::LabResults);
		assert_eq!(access.purpose, Purpose::Treatment);
		assert_eq!(access.record, Some(H256::repeat_byte(0xab)));
		// The class from the referenced resource type, when no detail names it.
		let mut by_reference = event();
		by_reference["entity"][1]["what"]["reference"] = json!("AllergyIntolerance/9");
		by_reference["entity"][1].as_object_mut().unwrap().remove("detail");
		assert_eq!(reported_access(&by_reference).unwrap().class, DataClass::Allergies);
	}

	#[test]
	fn every_unusable_report_names_its_element() {
		let cases: [(&str, Value, &str); 9] = [
			("/resourceType", json!("Consent"), "resourceType"),
			("/id", json!("has space"), "AuditEvent.id"),
			("/agent/0/requestor", json!(false), "AuditEvent.agent"),
			("/agent/0/who/identifier/value", json!("bob"), "AuditEvent.agent[0].who.identifier"),
			("/entity/0/what/type", json!("Device"), "AuditEvent.entity"),
			("/entity/1/detail/0/valueString", json!("x-rays"), "AuditEvent.entity[1].detail[0]"),
			(
				"/entity/1/what/identifier/value",
				json!("0x12"),
				"AuditEvent.entity[1].what.identifier",
			),
			("/purposeOfEvent/0/coding/0/code", json!("FUN"), "AuditEvent.purposeOfEvent"),
			("/purposeOfEvent", json!([]), "AuditEvent.purposeOfEvent"),
		];
		for (pointer, value, element) in cases {
			let mut report = event();
			*report.pointer_mut(pointer).unwrap() = value;
			let error = reported_access(&report).unwrap_err();
			assert_eq!(error.element, element, "{pointer}: {error}");
		}
		let mut two_records = event();
		let record = two_records["entity"][1].clone();
		two_records["entity"].as_array_mut().unwrap().push(record);
		assert!(reported_access(&two_records)
			.unwrap_err()
			.reason
			.contains("more than one urn:salus:record"));
		let mut two_classes = event();
		two_classes["entity"][1].as_object_mut().unwrap().remove("detail");
		let allergy = json!({ "what": { "reference": "AllergyIntolerance/2" } });
		let condition = json!({ "what": { "reference": "Condition/3" } });
		two_classes["entity"].as_array_mut().unwrap().extend([allergy, condition]);
		assert!(reported_access(&two_classes).unwrap_err().reason.contains("two data classes"));
		let mut no_id = event();
		no_id.as_object_mut().unwrap().remove("id");
		assert_eq!(reported_access(&no_id).unwrap_err().element, "AuditEvent.id");
	}
}
