//! Export then import is the identity on everything Salus represents: every active consent a
//! patient can hold goes out as a FHIR Consent that imports back to the same terms. Grants,
//! revoked and expired consents go out too, and are refused on import.

use proptest::prelude::*;
use salus_fhir::{codes::ALL_KINDS, export_consents, import_consent, ConsentTerms, StoredConsent};
use salus_primitives::{
	DataClassSet, Decision, GrantSource, Grantee, Jurisdiction, PurposeSet, Timestamp,
};
use sp_core::crypto::AccountId32;

const COUNTRIES: [&str; 6] = ["DE", "AT", "FR", "US", "JP", "BR"];

fn jurisdiction() -> impl Strategy<Value = Jurisdiction> {
	prop::sample::select(&COUNTRIES[..])
		.prop_filter_map("assigned", |code| Jurisdiction::from_code(code).ok())
}

fn grantee() -> impl Strategy<Value = Grantee<AccountId32>> {
	prop_oneof![
		any::<u32>().prop_map(Grantee::Provider),
		any::<[u8; 32]>().prop_map(|raw| Grantee::Practitioner(AccountId32::new(raw))),
		(prop::option::of(prop::sample::select(&ALL_KINDS[..])), prop::option::of(jurisdiction()))
			.prop_map(|(kind, jurisdiction)| Grantee::Providers { kind, jurisdiction }),
	]
}

fn terms() -> impl Strategy<Value = ConsentTerms> {
	(
		grantee(),
		any::<bool>(),
		1u32..(1 << 15),
		1u32..(1 << 7),
		prop::option::of(prop::collection::btree_set(jurisdiction(), 1..4)),
		0u64..4_000_000_000_000,
		prop::option::of(1u64..1_000_000_000_000),
	)
		.prop_filter_map(
			"sets within range",
			|(grantee, permit, classes, purposes, countries, from, length)| {
				Some(ConsentTerms {
					grantee,
					decision: if permit { Decision::Permit } else { Decision::Deny },
					classes: DataClassSet::from_bits(classes)?,
					purposes: PurposeSet::from_bits(purposes)?,
					jurisdictions: countries.map(|set| set.into_iter().collect()),
					valid_from: Some(from),
					valid_until: length.map(|length| from.saturating_add(length)),
				})
			},
		)
}

fn patient() -> AccountId32 {
	AccountId32::new([7; 32])
}

/// The one Consent a Bundle exporting `consent` at `now` holds, as JSON text.
fn exported(consent: &StoredConsent, now: Timestamp) -> Result<String, TestCaseError> {
	let fail = |e: &dyn std::fmt::Display| TestCaseError::fail(e.to_string());
	let bundle =
		export_consents(&patient(), std::slice::from_ref(consent), now).map_err(|e| fail(&e))?;
	let entries = bundle
		.get("entry")
		.and_then(|e| e.as_array())
		.ok_or_else(|| fail(&"no entry"))?;
	prop_assert_eq!(bundle.get("resourceType").and_then(|t| t.as_str()), Some("Bundle"));
	prop_assert_eq!(entries.len(), 1);
	let resource = entries
		.first()
		.and_then(|entry| entry.get("resource"))
		.ok_or_else(|| fail(&"no resource"))?;
	serde_json::to_string_pretty(resource).map_err(|e| fail(&e))
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(512))]

	#[test]
	fn an_exported_active_consent_imports_to_the_same_terms(terms in terms(), id in any::<u64>()) {
		let created = terms.valid_from.unwrap_or_default();
		let consent = StoredConsent { id, terms: terms.clone(), created_at: created, revoked_at: None, source: GrantSource::Patient };
		let json = exported(&consent, created)?;
		let imported = import_consent(&json, &patient()).map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
		prop_assert_eq!(imported, vec![terms]);
	}

	#[test]
	fn grants_revoked_and_expired_consents_are_refused_on_import(terms in terms(), id in any::<u64>(), which in 0u8..4) {
		let created = terms.valid_from.unwrap_or_default();
		let (source, revoked_at, now) = match which {
			0 => (GrantSource::Request(id), None, created),
			1 => (GrantSource::Emergency(id), None, created),
			2 => (GrantSource::Patient, Some(created), created.saturating_add(1)),
			_ => (GrantSource::Patient, None, terms.valid_until.unwrap_or(u64::MAX / 2_000_000)),
		};
		if which == 3 && terms.valid_until.is_none() {
			return Ok(());
		}
		let consent = StoredConsent { id, terms, created_at: created, revoked_at, source };
		let error = import_consent(&exported(&consent, now)?, &patient()).unwrap_err();
		let expected = if which < 2 { "Consent.provision.extension" } else { "Consent.status" };
		prop_assert!(error.element.starts_with(expected), "{}", error);
	}
}
