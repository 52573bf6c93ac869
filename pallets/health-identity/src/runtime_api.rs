//! The runtime API of the identity pallet: what a wallet, an EHR or the CLI can read from a
//! node without a transaction.

use crate::{Patient, Provider, RecordAnchor};
use alloc::vec::Vec;
use codec::Codec;
use salus_primitives::ProviderId;
use sp_core::H256;

sp_api::decl_runtime_apis! {
	/// Patients, providers and records.
	pub trait HealthIdentityApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// The patient entry of `account`, if it is a registered patient.
		fn patient(account: AccountId) -> Option<Patient<Balance, BlockNumber>>;
		/// The provider with id `id`, if any.
		fn provider(id: ProviderId) -> Option<Provider<AccountId, Balance, BlockNumber>>;
		/// The provider `account` acts for: as a practitioner, or else as its admin.
		fn provider_of(account: AccountId) -> Option<ProviderId>;
		/// A page of `patient`'s records in anchoring order: at most `count` (capped at
		/// `MAX_RECORDS_PAGE`) from index `start`. Only anchors the patient accepted are
		/// records (proposals are in `RecordProposals`); each carries the salted commitment to
		/// its data class, never the class: only the patient and the custodian, who know the
		/// salt, can tell it.
		fn records_of(
			patient: AccountId,
			start: u32,
			count: u32,
		) -> Vec<(H256, RecordAnchor<AccountId, Balance, BlockNumber>)>;
	}
}
