//! What Salus records: the arguments of `grant_consent`, and the JSON form the corpus, the
//! CLI's `--json` and the tests share.

use crate::codes;
use salus_primitives::{
	DataClass, DataClassSet, Decision, Grantee, Jurisdiction, ProviderKind, Purpose, PurposeSet,
	Timestamp,
};
use serde::{Deserialize, Serialize};
use sp_core::crypto::{AccountId32, Ss58Codec};

/// One Salus consent as the patient signs it (`grant_consent`'s arguments).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ConsentTerms {
	/// Whom it speaks to.
	pub grantee: Grantee<AccountId32>,
	/// Permit or Deny.
	pub decision: Decision,
	/// The data classes it covers.
	pub classes: DataClassSet,
	/// The purposes of use it covers.
	pub purposes: PurposeSet,
	/// If set, only providers in these jurisdictions.
	pub jurisdictions: Option<Vec<Jurisdiction>>,
	/// When it starts to count (milliseconds since the Unix epoch); `None`: when recorded.
	pub valid_from: Option<Timestamp>,
	/// When it stops counting; `None`: until revoked.
	pub valid_until: Option<Timestamp>,
}

/// [`ConsentTerms`] as JSON: codes instead of enums, SS58 instead of raw accounts.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermsJson {
	/// `{"provider": 7}`, `{"practitioner": "5F…"}` or `{"providers": {"kind": …, "jurisdiction": …}}`.
	pub grantee: GranteeJson,
	/// `permit` or `deny`.
	pub decision: String,
	/// Data-class codes (`urn:salus:data-class`), in Salus's order.
	pub classes: Vec<String>,
	/// ActReason codes, in Salus's order.
	pub purposes: Vec<String>,
	/// ISO 3166-1 alpha-2 codes, or null.
	pub jurisdictions: Option<Vec<String>>,
	/// Milliseconds since the Unix epoch, or null.
	pub valid_from: Option<Timestamp>,
	/// Milliseconds since the Unix epoch, or null.
	pub valid_until: Option<Timestamp>,
}

/// A grantee as JSON.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum GranteeJson {
	/// Every practitioner of one provider.
	Provider(u32),
	/// One practitioner (SS58).
	Practitioner(String),
	/// Every provider of a kind and/or a country.
	Providers {
		/// A provider-kind code, or null for any.
		kind: Option<String>,
		/// An alpha-2 code, or null for any.
		jurisdiction: Option<String>,
	},
}

/// Why a [`TermsJson`] is not a [`ConsentTerms`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BadTerms(pub String);

impl core::fmt::Display for BadTerms {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		f.write_str(&self.0)
	}
}

impl std::error::Error for BadTerms {}

fn bad(what: impl Into<String>) -> BadTerms {
	BadTerms(what.into())
}

impl ConsentTerms {
	/// The JSON form.
	pub fn to_json(&self) -> TermsJson {
		TermsJson {
			grantee: match &self.grantee {
				Grantee::Provider(id) => GranteeJson::Provider(*id),
				Grantee::Practitioner(account) => GranteeJson::Practitioner(account.to_ss58check()),
				Grantee::Providers { kind, jurisdiction } => GranteeJson::Providers {
					kind: kind.map(|kind| codes::provider_kind_code(kind).to_owned()),
					jurisdiction: jurisdiction.map(|j| j.as_str().to_owned()),
				},
			},
			decision: decision_code(self.decision).to_owned(),
			classes: self.classes.iter().map(|c| codes::data_class_code(c).0.to_owned()).collect(),
			purposes: self.purposes.iter().map(|p| p.code().to_owned()).collect(),
			jurisdictions: self
				.jurisdictions
				.as_ref()
				.map(|list| list.iter().map(|j| j.as_str().to_owned()).collect()),
			valid_from: self.valid_from,
			valid_until: self.valid_until,
		}
	}

	/// From the JSON form; every code must be known.
	pub fn from_json(json: &TermsJson) -> Result<Self, BadTerms> {
		let grantee = match &json.grantee {
			GranteeJson::Provider(id) => Grantee::Provider(*id),
			GranteeJson::Practitioner(ss58) => Grantee::Practitioner(account(ss58)?),
			GranteeJson::Providers { kind, jurisdiction } => Grantee::Providers {
				kind: kind.as_deref().map(provider_kind).transpose()?,
				jurisdiction: jurisdiction.as_deref().map(jurisdiction_of).transpose()?,
			},
		};
		let decision = match json.decision.as_str() {
			"permit" => Decision::Permit,
			"deny" => Decision::Deny,
			other => return Err(bad(format!("decision {other:?}: permit or deny"))),
		};
		let classes = json
			.classes
			.iter()
			.map(|code| {
				codes::data_class_of_code(code)
					.ok_or_else(|| bad(format!("data class {code:?} is not a Salus data class")))
			})
			.collect::<Result<Vec<DataClass>, _>>()?;
		let purposes = json
			.purposes
			.iter()
			.map(|code| {
				codes::purpose_of_code(code)
					.ok_or_else(|| bad(format!("purpose {code:?} is not a Salus purpose")))
			})
			.collect::<Result<Vec<Purpose>, _>>()?;
		let jurisdictions = json
			.jurisdictions
			.as_ref()
			.map(|list| {
				list.iter().map(|code| jurisdiction_of(code)).collect::<Result<Vec<_>, _>>()
			})
			.transpose()?;
		Ok(Self {
			grantee,
			decision,
			classes: DataClassSet::of(&classes),
			purposes: PurposeSet::of(&purposes),
			jurisdictions,
			valid_from: json.valid_from,
			valid_until: json.valid_until,
		})
	}
}

/// `permit` or `deny`.
pub const fn decision_code(decision: Decision) -> &'static str {
	match decision {
		Decision::Permit => "permit",
		Decision::Deny => "deny",
	}
}

/// The account with SS58 address `ss58`.
pub fn account(ss58: &str) -> Result<AccountId32, BadTerms> {
	AccountId32::from_ss58check(ss58).map_err(|_| bad(format!("{ss58:?} is not an SS58 address")))
}

fn provider_kind(code: &str) -> Result<ProviderKind, BadTerms> {
	codes::provider_kind_of_code(code)
		.ok_or_else(|| bad(format!("{code:?} is not a Salus kind of provider")))
}

fn jurisdiction_of(code: &str) -> Result<Jurisdiction, BadTerms> {
	Jurisdiction::from_code(code)
		.map_err(|_| bad(format!("{code:?} is not an assigned ISO 3166-1 alpha-2 code")))
}

impl ConsentTerms {
	/// Whom the consent speaks to, in words: "every practitioner of provider 3".
	pub fn grantee_text(&self) -> String {
		match &self.grantee {
			Grantee::Provider(id) => format!("every practitioner of provider {id}"),
			Grantee::Practitioner(account) => format!("practitioner {}", account.to_ss58check()),
			Grantee::Providers { kind, jurisdiction } => {
				let kind = kind.map(codes::provider_kind_code).unwrap_or("provider");
				match jurisdiction {
					Some(j) => format!("every {kind} in {}", j.as_str()),
					None => format!("every {kind}"),
				}
			},
		}
	}

	/// The consent in one plain sentence, to show a patient before it is signed.
	pub fn describe(&self) -> String {
		let verb = match self.decision {
			Decision::Permit => "permits",
			Decision::Deny => "denies",
		};
		let classes: Vec<&str> = self.classes.iter().map(|c| codes::data_class_code(c).1).collect();
		let purposes: Vec<&str> = self.purposes.iter().map(codes::purpose_display).collect();
		let mut text = format!(
			"{verb} {} access to {} for {}",
			self.grantee_text(),
			classes.join(", ").to_lowercase(),
			purposes.join(", ")
		);
		if let Some(list) = &self.jurisdictions {
			let codes: Vec<&str> = list.iter().map(|j| j.as_str()).collect();
			text.push_str(&format!(", only providers in {}", codes.join(", ")));
		}
		if let Some(from) = self.valid_from {
			text.push_str(&format!(", from {}", crate::time::rfc3339(from).unwrap_or_default()));
		}
		match self.valid_until {
			Some(until) => text
				.push_str(&format!(", until {}", crate::time::rfc3339(until).unwrap_or_default())),
			None => text.push_str(", until revoked"),
		}
		text
	}
}
