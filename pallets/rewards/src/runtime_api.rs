//! The runtime API of the rewards pallet: what a wallet asks a node about rewards without a
//! transaction.

use crate::{EpochInfo, RewardSchedule};
use codec::Codec;

sp_api::decl_runtime_apis! {
	/// Pending rewards, the epoch in progress and the reward schedule.
	pub trait RewardsApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// What `who` would be paid by `claim_rewards` now (its shares of ended epochs whose
		/// claim window is open).
		fn pending_rewards(who: AccountId) -> Balance;
		/// The epoch in progress: its number, bounds, points so far, the budget it would
		/// release if it ended now, and what the pool holds unreleased.
		fn epoch_info() -> EpochInfo<BlockNumber, Balance>;
		/// How many points each act earns, and the cap per account and epoch.
		fn reward_schedule() -> RewardSchedule;
	}
}
