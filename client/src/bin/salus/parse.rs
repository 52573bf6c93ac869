//! Reading what a person types: accounts, hashes, countries, codes and dates, each refused
//! with one line that says what was expected.

use crate::output::Failure;
use salus_client::AccountId;
use salus_fhir::{codes, terms::account as parse_account, time as fhir_time};
use salus_primitives::{
	DataClass, DataClassSet, Jurisdiction, PractitionerRole, ProviderKind, ProviderStatus, Purpose,
	PurposeSet,
};
use sp_core::H256;

/// An account, from its SS58 address.
pub fn account(ss58: &str) -> Result<AccountId, Failure> {
	parse_account(ss58).map_err(|e| Failure::input(e.to_string()))
}

/// A 32-byte hash, from `0x` and 64 hex digits.
pub fn parse_hash(text: &str) -> Result<H256, Failure> {
	let hex = text.strip_prefix("0x").unwrap_or(text);
	// Hex digits only: `from_str_radix` would take a sign.
	let hex = if hex.bytes().all(|b| b.is_ascii_hexdigit()) { hex } else { "" };
	let bytes: Vec<u8> = (0..hex.len())
		.step_by(2)
		.map(|i| {
			hex.get(i..i.saturating_add(2))
				.and_then(|pair| u8::from_str_radix(pair, 16).ok())
		})
		.collect::<Option<_>>()
		.filter(|bytes: &Vec<u8>| bytes.len() == 32)
		.ok_or_else(|| {
			Failure::input(format!("{text:?} is not a 32-byte hash (0x and 64 hex digits)"))
		})?;
	Ok(H256::from_slice(&bytes))
}

/// A country, from its ISO 3166-1 alpha-2 code.
pub fn country(code: &str) -> Result<Jurisdiction, Failure> {
	Jurisdiction::from_code(code).map_err(|_| {
		Failure::input(format!("{code:?} is not an ISO 3166-1 alpha-2 country code (DE, FR, US…)"))
	})
}

/// A data class, from its code (`lab-results`).
pub fn data_class(code: &str) -> Result<DataClass, Failure> {
	codes::data_class_of_code(code).ok_or_else(|| {
		let known: Vec<&str> =
			codes::ALL_CLASSES.iter().map(|c| codes::data_class_code(*c).0).collect();
		Failure::input(format!("{code:?} is not a data class: {}", known.join(", ")))
	})
}

/// Data classes, from their codes.
pub fn class_set(codes: &[String]) -> Result<DataClassSet, Failure> {
	let classes = codes.iter().map(|code| data_class(code)).collect::<Result<Vec<_>, _>>()?;
	Ok(DataClassSet::of(&classes))
}

/// A purpose of use, from its HL7 v3 ActReason code (`TREAT`).
pub fn purpose_of(code: &str) -> Result<Purpose, Failure> {
	codes::purpose_of_code(code).ok_or_else(|| {
		Failure::input(format!(
			"{code:?} is not a purpose: TREAT, ETREAT, HPAYMT, HOPERAT, HRESCH, PUBHLTH or PATRQT"
		))
	})
}

/// Purposes of use, from their codes.
pub fn purpose_set(codes: &[String]) -> Result<PurposeSet, Failure> {
	let purposes = codes.iter().map(|code| purpose_of(code)).collect::<Result<Vec<_>, _>>()?;
	Ok(PurposeSet::of(&purposes))
}

/// A kind of provider, from its code (`hospital`).
pub fn provider_kind(code: &str) -> Result<ProviderKind, Failure> {
	codes::provider_kind_of_code(code).ok_or_else(|| {
		Failure::input(format!("{code:?} is not a kind of provider: hospital, clinic, laboratory, pharmacy, insurer, research or department"))
	})
}

/// A practitioner's role, from its name (`physician`).
pub fn practitioner_role(code: &str) -> Result<PractitionerRole, Failure> {
	match code {
		"physician" => Ok(PractitionerRole::Physician),
		"nurse" => Ok(PractitionerRole::Nurse),
		"technician" => Ok(PractitionerRole::Technician),
		"pharmacist" => Ok(PractitionerRole::Pharmacist),
		"researcher" => Ok(PractitionerRole::Researcher),
		other => Err(Failure::input(format!(
			"{other:?} is not a role: physician, nurse, technician, pharmacist or researcher"
		))),
	}
}

/// A status the council gives a provider.
pub fn provider_status(code: &str) -> Result<ProviderStatus, Failure> {
	match code {
		"accredited" => Ok(ProviderStatus::Accredited),
		"suspended" => Ok(ProviderStatus::Suspended),
		"revoked" => Ok(ProviderStatus::Revoked),
		other => Err(Failure::input(format!(
			"{other:?} is not a status governance sets: accredited, suspended or revoked"
		))),
	}
}

/// A FHIR date or dateTime, as Unix milliseconds: a date without a time is its start or
/// end, as `end` says.
pub fn moment(text: &str, end: fhir_time::End) -> Result<u64, Failure> {
	fhir_time::parse(text, end).map_err(|e| Failure::input(format!("{text:?}: {e}")))
}

/// A verdict on a dispute.
pub fn verdict(code: &str) -> Result<pallet_disputes::Verdict, Failure> {
	match code {
		"upheld" => Ok(pallet_disputes::Verdict::Upheld),
		"rejected" => Ok(pallet_disputes::Verdict::Rejected),
		other => Err(Failure::input(format!("{other:?} is not a verdict: upheld or rejected"))),
	}
}
