//! The flows that take more than one call, and the conversions between the chain's records and
//! FHIR ([`salus_fhir`]).

use crate::{
	api::{Consent, Disclosure},
	tx, AccountId, Client, Error, Hash, Included, RuntimeEvent, Signer, Wait,
};
use pallet_health_identity::EncryptionKey;
use salus_primitives::{ConsentId, Jurisdiction, ProviderId, ProviderKind};
use sp_core::H256;
use sp_runtime::traits::{BlakeTwo256, Hash as _};

/// A patient's commitment: `blake2_256(SCALE((salt, identifier)))`, the identifier without
/// the whitespace around it ([`normalize_identifier`]). The identifier (a national health
/// number, say) never leaves the patient's device; the salt stays in its keystore, so that the
/// commitment cannot be reversed by trying every identifier.
pub fn commitment(identifier: &str, salt: &[u8; 32]) -> H256 {
	BlakeTwo256::hash_of(&(salt, normalize_identifier(identifier)))
}

/// The identifier a commitment is made of: `identifier` without leading and trailing
/// whitespace (Unicode `White_Space`, as [`str::trim`] has it), nothing else changed. The web
/// app (`web/src/lib/commitment.ts`) applies the same rule, so that a number typed with a
/// stray space, or pasted with a line break, commits to the same hash on both.
pub fn normalize_identifier(identifier: &str) -> &str {
	identifier.trim()
}

/// What the patient announces before registering `commitment`: it binds the commitment to
/// its account, so that nobody who sees the registration in the pool can register it first.
pub fn binding(commitment: &H256, account: &AccountId) -> H256 {
	pallet_health_identity::Pallet::<salus_runtime::Runtime>::binding_of(commitment, account)
}

impl Client {
	/// Registers `signer` as a patient under `commitment`: announces the binding, then (once
	/// the announcement is in a block) registers.
	pub async fn register_patient(
		&self,
		signer: &Signer,
		commitment: H256,
		jurisdiction: Jurisdiction,
		encryption_key: Option<EncryptionKey>,
		wait: Wait,
	) -> Result<Included, Error> {
		let announce =
			tx::identity::announce_commitment(Some(binding(&commitment, &signer.account())));
		self.submit(announce, signer, Wait::InBlock).await?;
		let register = tx::identity::register_patient(commitment, jurisdiction, encryption_key);
		self.submit(register, signer, wait).await
	}

	/// Registers a provider administered by `signer`; its id.
	pub async fn register_provider(
		&self,
		signer: &Signer,
		name: &str,
		kind: ProviderKind,
		jurisdiction: Jurisdiction,
		parent: Option<ProviderId>,
		wait: Wait,
	) -> Result<ProviderId, Error> {
		let call = tx::identity::register_provider(name, kind, jurisdiction, parent)?;
		let included = self.submit(call, signer, wait).await?;
		included
			.find(|event| match event {
				RuntimeEvent::HealthIdentity(
					pallet_health_identity::Event::ProviderRegistered { provider, .. },
				) => Some(*provider),
				_ => None,
			})
			.ok_or_else(|| Error::Decode {
				what: "the registration".into(),
				reason: "no ProviderRegistered event".into(),
			})
	}
}

/// A consent as [`salus_fhir`] exports it.
pub fn stored_consent(consent: &Consent) -> salus_fhir::StoredConsent {
	salus_fhir::StoredConsent {
		id: consent.id,
		terms: salus_fhir::ConsentTerms {
			grantee: consent.grantee.clone(),
			decision: consent.decision,
			classes: consent.classes,
			purposes: consent.purposes,
			jurisdictions: consent.jurisdictions.as_ref().map(|list| list.to_vec()),
			valid_from: Some(consent.valid_from),
			valid_until: consent.valid_until,
		},
		created_at: consent.created_at,
		revoked_at: consent.revoked_at,
		source: consent.source,
	}
}

/// A disclosure-log entry as [`salus_fhir`] exports it; the provider's name and address from
/// `directory`, where known (the chain keeps neither).
pub fn disclosure_record(
	patient: &AccountId,
	disclosure: &Disclosure,
	directory: &dyn Fn(ProviderId) -> (Option<String>, Option<String>),
) -> salus_fhir::DisclosureRecord {
	let (provider_name, provider_address) = directory(disclosure.provider);
	salus_fhir::DisclosureRecord {
		id: disclosure.id,
		patient: patient.clone(),
		accessor: disclosure.accessor.clone(),
		provider: disclosure.provider,
		provider_name,
		provider_address,
		at: disclosure.at,
		class: disclosure.class,
		purpose: disclosure.purpose,
		basis: disclosure.basis,
		record: disclosure.record,
	}
}

impl Client {
	/// `patient`'s disclosure log at block `at` (the best if `None`) as [`salus_fhir`] exports
	/// it, each recipient named from the provider registry (the chain keeps no addresses).
	pub async fn disclosure_records(
		&self,
		patient: &AccountId,
		at: Option<Hash>,
	) -> Result<Vec<salus_fhir::DisclosureRecord>, Error> {
		let at = match at {
			Some(at) => at,
			None => self.best_hash().await?,
		};
		let log = self.disclosure_log(patient, Some(at)).await?;
		let mut names = std::collections::BTreeMap::new();
		for disclosure in &log {
			if let std::collections::btree_map::Entry::Vacant(entry) =
				names.entry(disclosure.provider)
			{
				let name = self
					.provider(disclosure.provider, Some(at))
					.await?
					.map(|provider| String::from_utf8_lossy(&provider.name).into_owned());
				entry.insert(name);
			}
		}
		let directory = |id| (names.get(&id).cloned().flatten(), None);
		Ok(log.iter().map(|d| disclosure_record(patient, d, &directory)).collect())
	}

	/// The chain's name and genesis hash, as FHIR exports cite them.
	pub async fn chain_info(&self) -> Result<salus_fhir::ChainInfo, Error> {
		let genesis: Hash = self.rpc("chain_getBlockHash", subxt::rpcs::rpc_params![0u32]).await?;
		let name: String = self.rpc("system_chain", subxt::rpcs::rpc_params![]).await?;
		Ok(salus_fhir::ChainInfo { name, genesis })
	}
}

/// The grant-consent calls for FHIR-imported terms.
pub fn grant_calls(terms: &[salus_fhir::ConsentTerms]) -> Result<Vec<crate::RuntimeCall>, Error> {
	terms
		.iter()
		.map(|t| {
			tx::consent::grant_consent(
				t.grantee.clone(),
				t.decision,
				t.classes,
				t.purposes,
				t.jurisdictions.clone(),
				t.valid_from,
				t.valid_until,
			)
		})
		.collect()
}

/// One call that records every one of `terms` or none: the consents a FHIR Consent becomes
/// are one decision of the patient's (a permit without the deny that was its exception would
/// share more than the patient said), so they go in one `Utility::batch_all`.
pub fn grant_all(terms: &[salus_fhir::ConsentTerms]) -> Result<crate::RuntimeCall, Error> {
	Ok(all_or_none(grant_calls(terms)?))
}

/// One call that makes every one of `calls` or none (`Utility::batch_all`; a single call as
/// itself, so that its error is its own).
pub fn all_or_none(mut calls: Vec<crate::RuntimeCall>) -> crate::RuntimeCall {
	if calls.len() == 1 {
		if let Some(call) = calls.pop() {
			return call;
		}
	}
	crate::RuntimeCall::Utility(pallet_utility::Call::batch_all { calls })
}

/// The ids of every consent an included call recorded, in order.
pub fn granted_consents(included: &Included) -> Vec<ConsentId> {
	included
		.events
		.iter()
		.filter_map(|event| match event {
			RuntimeEvent::Consent(pallet_consent::Event::ConsentGranted { id, .. }) => Some(*id),
			_ => None,
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn commitment_is_blake2_of_salt_and_identifier() {
		// The vector the web app's unit test checks (web/test/unit/commitment.test.ts).
		assert_eq!(
			format!("{:?}", commitment("DE-1234567890", &[42; 32])),
			"0xddedd89823c7f53f293dfce056e1452c569ea8c2832d12c056a26f0b8a8afbab"
		);
	}

	#[test]
	fn whitespace_around_the_identifier_does_not_change_the_commitment() {
		let bare = commitment("DE-1234567890", &[42; 32]);
		for padded in [
			" DE-1234567890",
			"DE-1234567890\n",
			"\t DE-1234567890\r\n",
			"\u{a0}DE-1234567890\u{3000}",
			"\u{85}DE-1234567890\u{2029}",
		] {
			assert_eq!(commitment(padded, &[42; 32]), bare, "{padded:?}");
		}
		// Inside the identifier, and a zero-width no-break space (not White_Space), count.
		assert_ne!(commitment("DE-12345 67890", &[42; 32]), bare);
		assert_ne!(commitment("\u{feff}DE-1234567890", &[42; 32]), bare);
	}
}
