//! Holding funds that a sanction or a payout may later move to another account.

use frame_support::traits::{
	fungible::MutateHold,
	tokens::{Fortitude, Preservation},
};
use sp_runtime::{DispatchResult, TokenError};

/// Holds `amount` of `who`'s funds under `reason`, **from liquid funds only**: funds that a
/// lock or a freeze keeps (vesting, above all) are refused with [`TokenError::Frozen`].
///
/// A hold by itself ignores locks, and a bond, a bounty or a dispute bond is later paid out to
/// *another* account (a slash to a claimant, a bounty to a patient); holding locked funds for
/// them would let an account move its vesting funds to an accomplice through an agreed
/// sanction or an approved request (review of December 2026, red-team finding 1). Deposits
/// that only ever return to their owner may still be held from locked funds, with a plain
/// `hold`.
pub fn hold_liquid<AccountId, Currency: MutateHold<AccountId>>(
	reason: &Currency::Reason,
	who: &AccountId,
	amount: Currency::Balance,
) -> DispatchResult {
	let liquid = Currency::reducible_balance(who, Preservation::Preserve, Fortitude::Polite);
	if liquid < amount {
		let with_locked =
			Currency::reducible_balance(who, Preservation::Preserve, Fortitude::Force);
		return Err(if with_locked >= amount {
			TokenError::Frozen
		} else {
			TokenError::FundsUnavailable
		}
		.into());
	}
	Currency::hold(reason, who, amount)
}
