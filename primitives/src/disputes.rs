//! What the disputes pallet asks of the pallets after it when a verdict goes against a
//! provider.

use crate::{DisputeSubject, ProviderId};

/// Takes back the rewards a provider's contested act earned, when a dispute about it is upheld
/// (the rewards pallet implements it). Must do a bounded amount of work: it runs inside the
/// disputes pallet's calls and is measured by their benchmarks as wired. `()` takes nothing
/// back.
pub trait RewardClawback {
	/// A dispute about `subject` against `respondent` was upheld.
	fn claw_back(respondent: ProviderId, subject: DisputeSubject);
}

impl RewardClawback for () {
	fn claw_back(_: ProviderId, _: DisputeSubject) {}
}
