//! What the disputes pallet asks of the pallets after it when a verdict goes against a
//! provider.

use crate::{DisputeSubject, ProviderId};
use sp_runtime::Weight;

/// Takes back the rewards a provider earned, when a dispute about one of its acts is upheld (the
/// rewards pallet implements it). Must do a bounded amount of work, at most [`Self::weight`]:
/// the disputes pallet adds that to the weight of the calls that apply verdicts. `()` takes
/// nothing back.
pub trait RewardClawback {
	/// A dispute about `subject` against `respondent` was upheld.
	fn claw_back(respondent: ProviderId, subject: DisputeSubject);

	/// The most weight one [`Self::claw_back`] may take.
	fn weight() -> Weight;
}

impl RewardClawback for () {
	fn claw_back(_: ProviderId, _: DisputeSubject) {}

	fn weight() -> Weight {
		Weight::zero()
	}
}
