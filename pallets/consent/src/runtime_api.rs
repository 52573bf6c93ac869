//! The runtime API of the consent registry: what an EHR, a wallet or the CLI asks a node
//! without a transaction. `check_access` is the hot path.

use crate::Consent;
use alloc::vec::Vec;
use codec::Codec;
use salus_primitives::{
	AccessDecision, AccessQuery, ConsentId, DataClass, DataClassSet, Purpose, Timestamp,
};

sp_api::decl_runtime_apis! {
	/// The access decision and the consents behind it.
	///
	/// Versions: 1, the first; 2 adds [`check_access_batch`](ConsentApi::check_access_batch).
	/// A client asks the node which version a block's runtime has
	/// (`state_getRuntimeVersion`'s `apis`) before calling a method of a later version.
	#[api_version(2)]
	pub trait ConsentApi<AccountId, Balance>
	where
		AccountId: Codec,
		Balance: Codec,
	{
		/// May `accessor` see `data_class` of `patient`'s data for `purpose` at `at` (default:
		/// the time of the block the call runs on)? `Permit` with its basis, or `Deny` with the
		/// reason.
		fn check_access(
			patient: AccountId,
			accessor: AccountId,
			data_class: DataClass,
			purpose: Purpose,
			at: Option<Timestamp>,
		) -> AccessDecision;
		/// Every consent of `patient` (its own and grants, live or kept for retention), in id
		/// order.
		fn consents_of(patient: AccountId) -> Vec<Consent<AccountId, Balance>>;
		/// Consent `id`, with the patient it belongs to.
		fn consent(id: ConsentId) -> Option<(AccountId, Consent<AccountId, Balance>)>;
		/// The sensitive classes `patient` allows emergency access to include.
		fn emergency_directive(patient: AccountId) -> DataClassSet;
		/// [`check_access`](ConsentApi::check_access) for many queries at once, all at the
		/// same time `at` (default: the block's): one answer per query, in order. One call
		/// instead of one per query saves the round trip and the runtime call's fixed cost.
		/// `None` (nothing answered) for more than
		/// [`MAX_ACCESS_BATCH`](salus_primitives::MAX_ACCESS_BATCH) queries.
		#[api_version(2)]
		fn check_access_batch(
			queries: Vec<AccessQuery<AccountId>>,
			at: Option<Timestamp>,
		) -> Option<Vec<AccessDecision>>;
	}
}
