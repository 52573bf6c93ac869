//! The accounting of disclosures: the AuditEvent Bundle carries what HIPAA §164.528(b)(2)
//! asks of each disclosure, the CSV says the same, and a field cannot become a formula.

use salus_fhir::{
	audit::{audit_event, basis_token, CSV_HEADER},
	audit_bundle, audit_csv, ChainInfo, DisclosureRecord,
};
use salus_primitives::{AccessBasis, DataClass, GrantSource, Purpose};
use sp_core::{crypto::AccountId32, H256};

/// Alice and Bob (`//Alice`, `//Bob`).
fn alice_and_bob() -> Option<(AccountId32, AccountId32)> {
	let alice =
		salus_fhir::terms::account("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY").ok()?;
	let bob =
		salus_fhir::terms::account("5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty").ok()?;
	Some((alice, bob))
}

fn chain() -> ChainInfo {
	ChainInfo { name: "Salus Development".into(), genesis: H256::repeat_byte(0xab) }
}

/// Two disclosures of Alice's data to Bob: a lab result under a consent, and (break-glass) a
/// mental-health record.
fn disclosures() -> Vec<DisclosureRecord> {
	let Some((alice, bob)) = alice_and_bob() else { return Vec::new() };
	vec![
		DisclosureRecord {
			id: 4_294_967_296,
			patient: alice.clone(),
			accessor: bob.clone(),
			provider: 2,
			provider_name: Some("Lakeside Laboratory".into()),
			provider_address: Some("1 Lake Road, Springfield".into()),
			at: 1_777_713_246_000,
			class: DataClass::LabResults,
			purpose: Purpose::Treatment,
			basis: AccessBasis::Consent { id: 42, source: GrantSource::Patient },
			record: Some(H256::repeat_byte(0x11)),
		},
		DisclosureRecord {
			id: 8_589_934_656,
			patient: alice,
			accessor: bob,
			provider: 2,
			provider_name: Some("=HYPERLINK(\"x\"), \"Lab\"".into()),
			provider_address: None,
			at: 1_777_799_646_123,
			class: DataClass::MentalHealth,
			purpose: Purpose::EmergencyTreatment,
			basis: AccessBasis::Consent { id: 7, source: GrantSource::Emergency(3) },
			record: None,
		},
	]
}

#[test]
fn each_disclosure_is_an_audit_event_with_what_hipaa_asks() {
	let bundle = audit_bundle(&chain(), &disclosures(), 1_777_800_000_000).unwrap();
	assert_eq!(bundle["resourceType"], "Bundle");
	assert_eq!(bundle["type"], "collection");
	let entries = bundle["entry"].as_array().unwrap();
	assert_eq!(entries.len(), 2);
	let event = &entries[0]["resource"];
	assert_eq!(event["resourceType"], "AuditEvent");
	assert_eq!(event["id"], "salus-disclosure-4294967296");
	// (i) the date
	assert_eq!(event["recorded"], "2026-05-02T09:14:06Z");
	// (ii) who received it, and the address when known
	assert_eq!(
		event["agent"][0]["who"]["identifier"]["value"],
		"5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty"
	);
	assert_eq!(event["agent"][0]["requestor"], true);
	assert_eq!(event["agent"][1]["who"]["identifier"]["system"], "urn:salus:provider");
	assert_eq!(event["agent"][1]["who"]["identifier"]["value"], "2");
	assert_eq!(event["agent"][1]["who"]["display"], "Lakeside Laboratory");
	assert_eq!(event["agent"][1]["location"]["display"], "1 Lake Road, Springfield");
	// (iii) what
	assert_eq!(event["entity"][1]["description"], "Laboratory results");
	assert_eq!(event["entity"][1]["detail"][0]["valueString"], "lab-results");
	assert_eq!(
		event["entity"][1]["what"]["identifier"]["value"],
		format!("{:?}", H256::repeat_byte(0x11))
	);
	// (iv) why, and on what basis
	assert_eq!(event["purposeOfEvent"][0]["coding"][0]["code"], "TREAT");
	assert_eq!(event["entity"][1]["detail"][1]["valueString"], "urn:salus:consent|42");
	// whose
	assert_eq!(
		event["entity"][0]["what"]["identifier"]["value"],
		"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"
	);
	assert_eq!(
		event["source"]["observer"]["identifier"]["value"],
		format!("{:?}", H256::repeat_byte(0xab))
	);

	// A break-glass access of a sensitive class says so.
	let emergency = &entries[1]["resource"];
	assert_eq!(emergency["recorded"], "2026-05-03T09:14:06.123Z");
	assert_eq!(emergency["entity"][1]["securityLabel"][0]["code"], "PSY");
	assert_eq!(emergency["entity"][1]["detail"][1]["valueString"], "urn:salus:emergency|3");
	assert_eq!(emergency["purposeOfEvent"][0]["coding"][0]["code"], "ETREAT");
	assert!(emergency["entity"][1].get("what").is_none());
	assert!(emergency["agent"][1].get("location").is_none());
}

#[test]
fn an_empty_log_is_an_empty_bundle() {
	let bundle = audit_bundle(&chain(), &[], 0).unwrap();
	assert_eq!(bundle["type"], "collection");
	assert!(bundle.get("entry").is_none(), "FHIR has no empty arrays: {bundle}");
	assert_eq!(audit_csv(&[]).unwrap(), format!("{CSV_HEADER}\r\n"));
}

#[test]
fn the_csv_has_a_row_per_disclosure_and_no_formulas() {
	let csv = audit_csv(&disclosures()).unwrap();
	let lines: Vec<&str> = csv.split("\r\n").collect();
	assert_eq!(lines.len(), 4, "{csv}");
	assert_eq!(lines[0], CSV_HEADER);
	assert_eq!(
		lines[1],
		"4294967296,2026-05-02T09:14:06.000Z,5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty,2,Lakeside Laboratory,\"1 Lake Road, Springfield\",lab-results,Laboratory results,TREAT,treatment,urn:salus:consent|42,consent 42,0x1111111111111111111111111111111111111111111111111111111111111111"
	);
	// The provider's name would be a formula: it is quoted text.
	assert!(lines[2].contains(",\"'=HYPERLINK(\"\"x\"\"), \"\"Lab\"\"\","), "{}", lines[2]);
	assert!(lines[2]
		.contains("urn:salus:emergency|3,\"consent 7, granted by emergency 3 (break-glass)\","));
	assert_eq!(lines[3], "");
	let columns = CSV_HEADER.split(',').count();
	assert_eq!(columns, 13);
}

#[test]
fn the_basis_names_its_source() {
	assert_eq!(basis_token(&AccessBasis::OwnData), "own-data");
	assert_eq!(
		basis_token(&AccessBasis::Consent { id: 1, source: GrantSource::Request(9) }),
		"urn:salus:request|9"
	);
	let event = audit_event(&chain(), &disclosures()[0]).unwrap();
	assert_eq!(event["action"], "R");
	assert_eq!(event["type"]["code"], "110106");
}
