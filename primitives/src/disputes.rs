//! What the disputes pallet asks of the pallets after it when a verdict goes against a
//! provider.

use sp_runtime::{traits::Zero, Weight};

/// Takes back rewards a provider earned, when a dispute about one of its acts is upheld (the
/// rewards pallet implements it). Must do a bounded amount of work, at most [`Self::weight`]:
/// the disputes pallet adds that to the weight of the calls that apply verdicts. `()` takes
/// nothing back.
pub trait RewardClawback<AccountId, Balance> {
	/// Takes back up to `amount` of `who`'s unclaimed rewards (a condemned provider's admin
	/// account) into the reward pool; returns how much it took.
	fn claw_back(who: &AccountId, amount: Balance) -> Balance;

	/// The most weight one [`Self::claw_back`] may take.
	fn weight() -> Weight;
}

impl<AccountId, Balance: Zero> RewardClawback<AccountId, Balance> for () {
	fn claw_back(_: &AccountId, _: Balance) -> Balance {
		Zero::zero()
	}

	fn weight() -> Weight {
		Weight::zero()
	}
}
