//! The runtime API of the access pallet: what a patient's wallet, an EHR or the CLI asks a node
//! without a transaction.

use crate::{AccessRequest, Disclosure, Emergency};
use alloc::vec::Vec;
use codec::Codec;
use salus_primitives::{EmergencyId, ProviderId, RequestId};

sp_api::decl_runtime_apis! {
	/// Requests, emergencies with open reviews, and the disclosure log.
	pub trait AccessApi<AccountId, Balance>
	where
		AccountId: Codec,
		Balance: Codec,
	{
		/// Entries `from` to `from + count` (at most 1 000) of `patient`'s disclosure log,
		/// oldest first; entries on pruned pages are left out.
		fn disclosures_of(patient: AccountId, from: u32, count: u32) -> Vec<Disclosure<AccountId, Balance>>;
		/// How many entries `patient`'s disclosure log has had (pruned ones included): where
		/// the next one goes.
		fn disclosure_count(patient: AccountId) -> u32;
		/// The open requests to `patient`, oldest first.
		fn pending_requests_of(patient: AccountId) -> Vec<(RequestId, AccessRequest<AccountId, Balance>)>;
		/// The open requests of `provider` (at most 1 000), oldest first.
		fn requests_of_provider(provider: ProviderId) -> Vec<(RequestId, AccessRequest<AccountId, Balance>)>;
		/// The emergencies on `patient`'s data whose reviews are open, oldest first.
		fn emergencies_of(patient: AccountId) -> Vec<(EmergencyId, Emergency<AccountId, Balance>)>;
	}
}
