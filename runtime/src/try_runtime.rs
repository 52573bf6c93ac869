//! The `TryRuntime` runtime API, compiled only with the `try-runtime` feature — never into a
//! runtime a chain runs. `try-runtime-cli` calls it against a copy of a live chain's state to dry
//! run this runtime's migrations (`Migrations`, with every migration's `pre_upgrade` and
//! `post_upgrade` checks and every pallet's `try_state`) or to re-execute real blocks.
//!
//! A failed check must stop the dry run with its reason: the API returns only weights, so it
//! panics with the error, which `try-runtime-cli` reports. That is the one place a panic is the
//! intended outcome (`scripts/check-no-panic.sh` leaves this file out for that reason).
#![allow(clippy::panic, reason = "a failed try-runtime check aborts the dry run, by design")]

use crate::{configs::system::RuntimeBlockWeights, Block, Executive};
use frame_support::weights::Weight;
use frame_try_runtime::{TryStateSelect, UpgradeCheckSelect};
use sp_runtime::traits::Block as BlockT;

/// Runs every migration of `Migrations` as a runtime upgrade would, with the checks `checks`
/// asks for; the weight they used and the most a block may use.
pub fn on_runtime_upgrade(checks: UpgradeCheckSelect) -> (Weight, Weight) {
	match Executive::try_runtime_upgrade(checks) {
		Ok(weight) => (weight, RuntimeBlockWeights::get().max_block),
		Err(error) => panic!("try-runtime: the runtime upgrade failed its checks: {error:?}"),
	}
}

/// Executes `block` on the state before it, with the checks asked for.
pub fn execute_block(
	block: <Block as BlockT>::LazyBlock,
	state_root_check: bool,
	signature_check: bool,
	select: TryStateSelect,
) -> Weight {
	match Executive::try_execute_block(block, state_root_check, signature_check, select) {
		Ok(weight) => weight,
		Err(error) => panic!("try-runtime: executing the block failed: {error:?}"),
	}
}
