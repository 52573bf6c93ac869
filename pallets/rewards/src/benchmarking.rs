//! Benchmarks of every call and hook, each in its worst case: a claim or a clawback covering
//! every epoch a ledger holds, an epoch end that also expires the epoch whose window closes.
// Benchmark setup that cannot proceed should stop the benchmark loudly.
#![allow(clippy::expect_used)]

use super::*;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		EnsureOrigin, Get, Hooks,
	},
	BoundedVec,
};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use salus_primitives::RewardClawback;
use sp_runtime::traits::{Bounded, One, Saturating};

const SEED: u32 = 0;
/// Points an account earned in each epoch of its ledger, of twice as many in the epoch.
const POINTS: Points = 10;

/// Gives the pool a thousand initial budgets.
fn fund_pool<T: Config>() {
	let amount = T::InitialEpochBudget::get()
		.saturating_mul(1_000u32.into())
		.saturating_add(T::Currency::minimum_balance());
	T::Currency::set_balance(&Pallet::<T>::pool_account(), amount);
}

/// Makes epoch `ClaimWindow` current, with every epoch before it ended and claimable, and
/// gives `who` points in `epochs` of them, the latest first: ended epochs, then (when
/// `epochs` exceeds the window) the current one.
fn ledger_over<T: Config>(who: &T::AccountId, epochs: u32) {
	fund_pool::<T>();
	let window = T::ClaimWindow::get();
	let current = window;
	let ended = epochs.min(window);
	let budget = T::InitialEpochBudget::get();
	let mut earnings = alloc::vec::Vec::new();
	for epoch in current.saturating_sub(ended)..current {
		let record = EpochRecord { budget, points: u64::from(POINTS) * 2, ..Default::default() };
		EndedEpochs::<T>::insert(epoch, record);
		Outstanding::<T>::mutate(|owed| *owed = owed.saturating_add(budget));
		earnings.push(Earning::new(epoch, POINTS));
	}
	let mut epoch = CurrentEpoch { index: current, start: One::one(), points: 0 };
	if epochs > window {
		epoch.points = u64::from(POINTS) * 2;
		earnings.push(Earning::new(current, POINTS));
	}
	Current::<T>::put(epoch);
	let ledger = Ledger {
		earnings: BoundedVec::truncate_from(earnings),
		counted: BoundedVec::new(),
		counted_in: current,
	};
	Ledgers::<T>::insert(who, ledger);
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_reward_schedule() -> Result<(), BenchmarkError> {
		let origin =
			T::ScheduleOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		// Every bound is checked whatever the schedule: a valid one in any runtime (a point is
		// worth less than an account's ceiling, which the integrity test requires be positive
		// below the budget).
		let schedule = RewardSchedule { epoch_cap: 1, ..Default::default() };
		assert!(Pallet::<T>::is_valid_schedule(&schedule));

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, schedule);

		assert_eq!(Schedule::<T>::get(), schedule);
		Ok(())
	}

	/// A claim over `e` epochs of the caller's ledger (the last one current when `e` exceeds
	/// the claim window).
	#[benchmark]
	fn claim_rewards(e: Linear<1, { LedgerEpochs::<T>::get() }>) {
		let caller: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&caller, T::Currency::minimum_balance());
		ledger_over::<T>(&caller, e);
		let pending = Pallet::<T>::pending_rewards(&caller);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()));

		assert_eq!(
			T::Currency::balance(&caller),
			T::Currency::minimum_balance().saturating_add(pending)
		);
	}

	/// Clawing back all of a provider admin's ledger of `e` epochs (the last one current when
	/// `e` exceeds the claim window): every earning is settled.
	#[benchmark]
	fn claw_back(e: Linear<1, { LedgerEpochs::<T>::get() }>) {
		let admin: T::AccountId = account("admin", 0, SEED);
		ledger_over::<T>(&admin, e);
		let pending = Pallet::<T>::pending_rewards(&admin);

		#[block]
		{
			let taken =
				<Pallet<T> as RewardClawback<_, _>>::claw_back(&admin, BalanceOf::<T>::max_value());
			assert_eq!(taken, pending);
		}

		assert!(Ledgers::<T>::get(&admin).is_none());
	}

	/// A block within the epoch: nothing to do.
	#[benchmark]
	fn on_initialize_within_epoch() {
		let epoch = CurrentEpoch { index: 0, start: One::one(), points: 0 };
		Current::<T>::put(epoch);
		let now = BlockNumberFor::<T>::one().saturating_add(One::one());

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert_eq!(Current::<T>::get(), epoch);
	}

	/// The first block after an epoch with points: it releases a budget and expires the epoch
	/// whose window closes.
	#[benchmark]
	fn on_initialize_end_epoch() {
		fund_pool::<T>();
		let window = T::ClaimWindow::get();
		let budget = T::InitialEpochBudget::get();
		EndedEpochs::<T>::insert(0, EpochRecord { budget, points: 1, ..Default::default() });
		Outstanding::<T>::put(budget);
		let start = BlockNumberFor::<T>::one();
		Current::<T>::put(CurrentEpoch { index: window, start, points: u64::from(POINTS) });
		let now = start.saturating_add(T::EpochLength::get());

		#[block]
		{
			Pallet::<T>::on_initialize(now);
		}

		assert!(EndedEpochs::<T>::get(0).is_none());
		assert!(EndedEpochs::<T>::get(window).is_some());
		assert_eq!(Current::<T>::get().index, window.saturating_add(1));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
