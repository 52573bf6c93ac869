//! The crate's README lists every code the mapping knows, so that the tables an integration
//! engineer reads are the ones the code applies.

use salus_fhir::codes::*;

#[test]
fn the_readme_lists_every_code() {
	let readme =
		std::fs::read_to_string(std::path::Path::new(&manifest_dir()).join("README.md")).unwrap();
	let listed = |code: &str| readme.contains(&format!("`{code}`"));
	let mut missing = Vec::new();
	for class in ALL_CLASSES {
		let (code, display) = data_class_code(class);
		if !listed(code) || !readme.contains(display) {
			missing.push(code.to_owned());
		}
	}
	for purpose in ALL_PURPOSES {
		if !listed(purpose.code()) {
			missing.push(purpose.code().to_owned());
		}
	}
	for kind in ALL_KINDS {
		if !listed(provider_kind_code(kind)) {
			missing.push(provider_kind_code(kind).to_owned());
		}
	}
	let tables = RESOURCE_CLASSES.iter().map(|(code, _)| *code);
	let others = OBSERVATION_CATEGORIES.iter().map(|(code, _)| *code);
	let labels = SENSITIVITY_LABELS.iter().map(|(code, _, _)| *code);
	let roles = RECIPIENT_ROLES.iter().map(|(code, _)| *code);
	let types = ORGANIZATION_TYPES.iter().map(|(code, _)| *code);
	for code in tables
		.chain(others)
		.chain(labels)
		.chain(roles)
		.chain(types)
		.chain(AMBIGUOUS_RESOURCES.iter().copied())
	{
		if !listed(code) {
			missing.push(code.to_owned());
		}
	}
	for system in [
		PROVIDER_SYSTEM,
		ACCOUNT_SYSTEM,
		RECORD_SYSTEM,
		CHAIN_SYSTEM,
		DATA_CLASS_SYSTEM,
		PROVIDER_KIND_SYSTEM,
		JURISDICTION_EXTENSION,
		GRANT_SOURCE_EXTENSION,
		ACT_REASON_SYSTEM,
		RESOURCE_TYPES_SYSTEM,
		OBSERVATION_CATEGORY_SYSTEM,
		CONFIDENTIALITY_SYSTEM,
		ACT_CODE_SYSTEM,
	] {
		if !readme.contains(system) {
			missing.push(system.to_owned());
		}
	}
	assert!(missing.is_empty(), "fhir/README.md does not list {missing:?}");
}

/// The package's directory, as `cargo test` says it when it runs the test (not as it was when the
/// test was compiled: a target directory shared by two checkouts holds binaries of either).
fn manifest_dir() -> String {
	std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_owned())
}
