//! What the identity and consent pallets tell the rewards pallet. (The access pallet tells it
//! through [`AccessEvents`](crate::AccessEvents); the dispute court through
//! [`RewardClawback`](crate::RewardClawback).)
//!
//! Implementations must do a bounded amount of work: they run inside the reporting pallet's
//! calls and are measured by its benchmarks as wired. Tuples tell each member; `()` ignores the
//! events.

use crate::{ConsentId, ProviderId};

/// What happened in the identity pallet's record index.
pub trait RecordEvents<AccountId> {
	/// Accredited provider `custodian` anchored a record of `patient`.
	fn record_anchored(patient: &AccountId, custodian: ProviderId);
}

#[impl_trait_for_tuples::impl_for_tuples(8)]
impl<AccountId> RecordEvents<AccountId> for Tuple {
	fn record_anchored(patient: &AccountId, custodian: ProviderId) {
		for_tuples!( #( Tuple::record_anchored(patient, custodian); )* );
	}
}

/// What happened in the consent registry.
pub trait ConsentEvents<AccountId> {
	/// `patient` granted consent `consent`, which permits use for research.
	fn research_consent_granted(patient: &AccountId, consent: ConsentId);
}

#[impl_trait_for_tuples::impl_for_tuples(8)]
impl<AccountId> ConsentEvents<AccountId> for Tuple {
	fn research_consent_granted(patient: &AccountId, consent: ConsentId) {
		for_tuples!( #( Tuple::research_consent_granted(patient, consent); )* );
	}
}
