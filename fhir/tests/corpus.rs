//! The corpus in `tests/data/import/`: every valid Consent imports to exactly the consents its
//! `.expected.json` lists, and every invalid one is refused at the element its
//! `.expected.json` names.

use salus_fhir::{import_consent, terms::account, ConsentTerms, TermsJson};
use serde::Deserialize;
use std::{fs, path::PathBuf};

/// The patient who imports every corpus file (Alice).
const PATIENT: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

/// The corpus files of `kind` (valid or invalid), each with its expectation, in name order.
fn files(kind: &str) -> std::io::Result<Vec<(PathBuf, PathBuf)>> {
	let dir = PathBuf::from(manifest_dir()).join("tests/data/import").join(kind);
	let mut files: Vec<_> = fs::read_dir(&dir)?
		.filter_map(|entry| entry.ok().map(|entry| entry.path()))
		.filter(|path| {
			path.extension().is_some_and(|e| e == "json")
				&& !path.to_string_lossy().ends_with(".expected.json")
		})
		.map(|path| {
			let expected = path.with_extension("expected.json");
			(path, expected)
		})
		.collect();
	files.sort();
	Ok(files)
}

#[test]
fn every_valid_consent_imports_to_its_expected_consents() {
	let patient = account(PATIENT).unwrap();
	let files = files("valid").unwrap();
	assert!(files.len() >= 10, "the valid corpus");
	for (file, expected) in files {
		let json = fs::read_to_string(&file).unwrap();
		let expected: Vec<TermsJson> =
			serde_json::from_str(&fs::read_to_string(&expected).unwrap()).unwrap();
		let imported = import_consent(&json, &patient)
			.unwrap_or_else(|error| panic!("{}: {error}", file.display()));
		let imported: Vec<TermsJson> = imported.iter().map(ConsentTerms::to_json).collect();
		assert_eq!(imported, expected, "{}", file.display());
		// The expected terms are themselves well formed.
		for terms in &expected {
			ConsentTerms::from_json(terms).unwrap();
		}
	}
}

#[derive(Deserialize)]
struct Refusal {
	element: String,
	why: String,
}

#[test]
fn every_invalid_consent_is_refused_at_its_element() {
	let patient = account(PATIENT).unwrap();
	let files = files("invalid").unwrap();
	assert!(files.len() >= 10, "the invalid corpus");
	for (file, expected) in files {
		let json = fs::read_to_string(&file).unwrap();
		let expected: Refusal =
			serde_json::from_str(&fs::read_to_string(&expected).unwrap()).unwrap();
		match import_consent(&json, &patient) {
			Ok(consents) => panic!("{} ({}) imported: {consents:?}", file.display(), expected.why),
			Err(error) => {
				assert_eq!(error.element, expected.element, "{}: {error}", file.display());
				// One line, saying why.
				assert!(!error.reason.is_empty() && !error.to_string().contains('\n'), "{error}");
			},
		}
	}
}

#[test]
fn a_consent_of_another_patient_is_refused_whoever_imports_it() {
	// Bob imports Alice's consent: its patient names Alice.
	let bob = account("5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty").unwrap();
	let dir = PathBuf::from(manifest_dir()).join("tests/data/import/valid");
	let alices = fs::read_dir(&dir)
		.unwrap()
		.map(|e| e.unwrap().path())
		.filter(|p| !p.to_string_lossy().ends_with(".expected.json"))
		.filter(|p| fs::read_to_string(p).unwrap().contains(PATIENT))
		.filter(|p| {
			let value: serde_json::Value =
				serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap();
			value["patient"]["identifier"]["value"] == PATIENT
		})
		.collect::<Vec<_>>();
	assert!(!alices.is_empty());
	for file in alices {
		let error = import_consent(&fs::read_to_string(&file).unwrap(), &bob).unwrap_err();
		assert_eq!(error.element, "Consent.patient.identifier", "{}", file.display());
	}
}

#[test]
fn bad_files_are_refused_with_one_line() {
	let patient = account(PATIENT).unwrap();
	let cases = [
		("", "Consent"),
		("{", "Consent"),
		("[]", "resourceType"),
		(r#"{"resourceType": "Patient"}"#, "resourceType"),
		(r#"{"resourceType": "Consent"}"#, "Consent"),
		(
			r#"{"resourceType": "Consent", "status": "active", "scope": {}, "category": [], "provison": {}}"#,
			"Consent.provison",
		),
		(
			r#"{"resourceType": "Consent", "status": "sure", "scope": {}, "category": []}"#,
			"Consent.status",
		),
	];
	for (json, element) in cases {
		let error = import_consent(json, &patient).unwrap_err();
		assert_eq!(error.element, element, "{json}: {error}");
		assert!(!error.to_string().contains('\n'), "{error}");
	}
}

/// The package's directory, as `cargo test` says it when it runs the test (not as it was when the
/// test was compiled: a target directory shared by two checkouts holds binaries of either).
fn manifest_dir() -> String {
	std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned())
}
