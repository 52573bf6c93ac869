#![doc = include_str!("../README.md")]
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod runtime_api;
#[cfg(test)]
mod tests;
mod types;
pub mod weights;

// FRAME's pallet macros expand to `expect`/`unreachable!` in branches that cannot be taken, and
// clippy reports them at the attributes. Hand-written code here uses neither:
// `scripts/check-no-panic.sh` (run by `scripts/test.sh`) checks the sources.
#[allow(clippy::expect_used, clippy::unreachable)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use core::marker::PhantomData;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate},
			tokens::{Fortitude, Preservation},
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use salus_primitives::{
		AccessEvents, DataClassSet, DisputeId, EmergencyId, PatientRegistry, ProviderId,
		ProviderRegistry, Purpose, RecordEvents, RequestId, RewardClawback,
	};
	use sp_runtime::{
		helpers_128bit::multiply_by_rational_with_rounding,
		traits::{checked_pow, AccountIdConversion, CheckedDiv, One, Saturating, Zero},
		Rounding, SaturatedConversion,
	};

	/// The balance of an account, in the native currency rewards are paid in.
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// An account's ledger as stored.
	pub type LedgerOf<T> = Ledger<BalanceOf<T>, LedgerEpochs<T>, <T as Config>::MaxActsPerEpoch>;
	/// The epoch in progress as stored.
	pub type CurrentEpochOf<T> = CurrentEpoch<BlockNumberFor<T>>;
	/// An ended epoch as stored.
	pub type EpochRecordOf<T> = EpochRecord<BalanceOf<T>>;
	/// What `RewardsApi::epoch_info` returns.
	pub type EpochInfoOf<T> = EpochInfo<BlockNumberFor<T>, BalanceOf<T>>;

	/// How many epochs a ledger remembers: the `ClaimWindow` ended epochs whose rewards may
	/// still be claimed, and the current one.
	pub struct LedgerEpochs<T>(PhantomData<T>);
	impl<T: Config> Get<u32> for LedgerEpochs<T> {
		fn get() -> u32 {
			T::ClaimWindow::get().saturating_add(1)
		}
	}

	/// Version 1: the schedule is bounded ([`migrations::v1`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The overarching event type.
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;

		/// The native currency, which the pool holds and claims pay.
		type Currency: Mutate<Self::AccountId>;

		/// The patients (the identity pallet): only vouched ones earn.
		type Patients: PatientRegistry<Self::AccountId>;

		/// The providers (the identity pallet): their admins receive their rewards.
		type Providers: ProviderRegistry<Self::AccountId>;

		/// Who sets the reward schedule (the council).
		type ScheduleOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The id the reward pool's account is derived from.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Blocks in an epoch.
		#[pallet::constant]
		type EpochLength: Get<BlockNumberFor<Self>>;

		/// What each of the first `HalvingInterval` epochs releases from the pool at most.
		#[pallet::constant]
		type InitialEpochBudget: Get<BalanceOf<Self>>;

		/// Every this many epochs the budget halves.
		#[pallet::constant]
		type HalvingInterval: Get<EpochIndex>;

		/// For how many epochs after its end an epoch's rewards may be claimed; then what is
		/// unclaimed returns to the pool.
		#[pallet::constant]
		type ClaimWindow: Get<EpochIndex>;

		/// The most a point is worth: an epoch with few points releases less than its budget.
		/// A schedule is valid only if, at this worth, no act earns as much as it costs and no
		/// account earns more than `MaxRewardPerAccount` in an epoch.
		#[pallet::constant]
		type MaxRewardPerPoint: Get<BalanceOf<Self>>;

		/// What an access request costs its provider at least and never gets back (the access
		/// pallet's request fee). A schedule is valid only if an approval, research bonus
		/// included, earns less than this.
		#[pallet::constant]
		type RequestCost: Get<BalanceOf<Self>>;

		/// What anchoring a record costs its provider at least and never gets back (its
		/// transaction fee). A schedule is valid only if an anchor earns less than this.
		#[pallet::constant]
		type AnchorCost: Get<BalanceOf<Self>>;

		/// What declaring an emergency costs its provider at least and never gets back (its
		/// transaction fee). A schedule is valid only if a justified emergency earns less than
		/// this.
		#[pallet::constant]
		type EmergencyCost: Get<BalanceOf<Self>>;

		/// The most one account may earn in one epoch: a schedule is valid only if
		/// `epoch_cap × MaxRewardPerPoint` is at most this. Must be below
		/// `InitialEpochBudget` (the runtime keeps it far below), so that no account takes an
		/// epoch's budget.
		#[pallet::constant]
		type MaxRewardPerAccount: Get<BalanceOf<Self>>;

		/// The most once-per-epoch acts an account's points count in one epoch.
		#[pallet::constant]
		type MaxActsPerEpoch: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// How many points each act earns, and the cap per account and epoch.
	#[pallet::storage]
	pub type Schedule<T: Config> = StorageValue<_, RewardSchedule, ValueQuery>;

	/// The epoch in progress.
	#[pallet::storage]
	pub type Current<T: Config> = StorageValue<_, CurrentEpochOf<T>, ValueQuery>;

	/// The ended epochs whose rewards may still be claimed (those that earned points).
	#[pallet::storage]
	pub type EndedEpochs<T: Config> = StorageMap<_, Twox64Concat, EpochIndex, EpochRecordOf<T>>;

	/// What the pool owes: released and neither claimed, clawed back nor expired.
	#[pallet::storage]
	pub type Outstanding<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Account → its unclaimed points by epoch.
	#[pallet::storage]
	pub type Ledgers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, LedgerOf<T>>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// The reward schedule at launch.
		pub schedule: RewardSchedule,
		#[serde(skip)]
		#[allow(missing_docs)]
		pub _config: PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			assert!(
				Pallet::<T>::is_valid_schedule(&self.schedule),
				"the genesis reward schedule is outside the bounds (an act would pay for itself, \
				 or an account could earn more than MaxRewardPerAccount in an epoch)"
			);
			Schedule::<T>::put(self.schedule);
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Governance set the reward schedule.
		ScheduleSet {
			/// The new schedule.
			schedule: RewardSchedule,
		},
		/// An account earned points.
		PointsEarned {
			/// The account.
			who: T::AccountId,
			/// For what.
			act: Act,
			/// How many (after the epoch cap).
			points: Points,
			/// In which epoch.
			epoch: EpochIndex,
		},
		/// An epoch ended and released its budget, to be shared pro rata to its points.
		EpochEnded {
			/// The epoch.
			epoch: EpochIndex,
			/// What it released from the pool.
			budget: BalanceOf<T>,
			/// The points earned in it.
			points: u64,
		},
		/// An epoch's claim window closed; what was not claimed returned to the pool.
		EpochExpired {
			/// The epoch.
			epoch: EpochIndex,
			/// What returned to the pool.
			returned: BalanceOf<T>,
		},
		/// An account claimed its rewards.
		RewardsClaimed {
			/// The account.
			who: T::AccountId,
			/// What the pool paid it.
			amount: BalanceOf<T>,
			/// How many ended epochs the claim covered.
			epochs: u32,
		},
		/// An upheld dispute took back unclaimed rewards of an account.
		RewardsClawedBack {
			/// The account (a condemned provider's admin).
			who: T::AccountId,
			/// The rewards of ended epochs returned to the pool.
			amount: BalanceOf<T>,
			/// The points of the current epoch it lost.
			points: Points,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller has no rewards of an ended epoch to claim.
		NothingToClaim,
		/// The schedule is outside the bounds: an act would earn as much as it costs its
		/// counterparty, or more, or an account could earn more than `MaxRewardPerAccount` in
		/// an epoch.
		InvalidSchedule,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Ends the epoch in progress when it has lasted `EpochLength` blocks: releases its
		/// budget and expires the epoch whose claim window it closes. A constant amount of
		/// work, whatever the number of accounts.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let epoch = Current::<T>::get();
			if now < epoch.start.saturating_add(T::EpochLength::get()) {
				return T::WeightInfo::on_initialize_within_epoch();
			}
			Self::end_epoch(epoch, now);
			T::WeightInfo::on_initialize_end_epoch()
		}

		fn integrity_test() {
			assert!(!T::EpochLength::get().is_zero(), "an epoch lasts some blocks");
			assert!(T::HalvingInterval::get() > 0, "the budget halves after some epochs");
			assert!(T::ClaimWindow::get() > 0, "rewards can be claimed for some epochs");
			assert!(T::MaxActsPerEpoch::get() > 0, "some acts count");
			assert!(!T::RequestCost::get().is_zero(), "a request costs something");
			assert!(!T::AnchorCost::get().is_zero(), "an anchor costs something");
			assert!(!T::EmergencyCost::get().is_zero(), "an emergency costs something");
			assert!(
				T::MaxRewardPerAccount::get() < T::InitialEpochBudget::get(),
				"no account may earn an epoch's whole budget"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Sets how many points each act earns and the cap per account and epoch, from the
		/// next act on.
		///
		/// # Requires
		/// `ScheduleOrigin` (the council), and a schedule within the bounds of
		/// [`Pallet::is_valid_schedule`]: at the most a point may be worth, each act earns less
		/// than it costs its counterparty for good, and an account earns at most
		/// `MaxRewardPerAccount` per epoch.
		///
		/// # Events
		/// * [`Event::ScheduleSet`] - the schedule is in force.
		///
		/// # Errors
		/// * `BadOrigin` - the origin is not `ScheduleOrigin`.
		/// * [`Error::InvalidSchedule`] - the schedule is outside the bounds.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_reward_schedule())]
		pub fn set_reward_schedule(
			origin: OriginFor<T>,
			schedule: RewardSchedule,
		) -> DispatchResult {
			T::ScheduleOrigin::ensure_origin(origin)?;
			ensure!(Self::is_valid_schedule(&schedule), Error::<T>::InvalidSchedule);
			Schedule::<T>::put(schedule);
			Self::deposit_event(Event::ScheduleSet { schedule });
			Ok(())
		}

		/// Pays the caller its share of every ended epoch it earned points in and has not
		/// claimed, within the claim window, from the pool to its wallet. Points of the
		/// current epoch stay until it ends. Free of fees when it pays something, so that the
		/// wallet grows by exactly `pending_rewards`.
		///
		/// # Requires
		/// Signed; points in an ended epoch whose claim window is open.
		///
		/// # Events
		/// * [`Event::RewardsClaimed`] - what the pool paid the caller.
		///
		/// # Errors
		/// * `BadOrigin` - the origin is not signed.
		/// * [`Error::NothingToClaim`] - no points in an ended epoch whose window is open.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::claim_rewards(LedgerEpochs::<T>::get()))]
		#[pallet::feeless_if(|origin: &OriginFor<T>| -> bool {
			ensure_signed(origin.clone())
				.is_ok_and(|who| !Pallet::<T>::pending_rewards(&who).is_zero())
		})]
		pub fn claim_rewards(origin: OriginFor<T>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let mut ledger = Ledgers::<T>::get(&who).ok_or(Error::<T>::NothingToClaim)?;
			let read = ledger.earnings.len() as u32;
			let current = Current::<T>::get().index;

			let mut settled = Vec::new();
			let mut amount = BalanceOf::<T>::zero();
			let mut kept = Vec::new();
			for earning in &ledger.earnings {
				if earning.epoch >= current {
					kept.push(*earning);
				} else if let Some(mut record) = EndedEpochs::<T>::get(earning.epoch) {
					let share = Self::value_of(&record, earning);
					record.paid = record.paid.saturating_add(share);
					record.settled_points =
						record.settled_points.saturating_add(earning.points.into());
					amount = amount.saturating_add(share);
					settled.push((earning.epoch, record));
				}
				// Otherwise the epoch expired: its share went back to the pool.
			}
			ensure!(!settled.is_empty(), Error::<T>::NothingToClaim);

			if !amount.is_zero() {
				T::Currency::transfer(&Self::pool_account(), &who, amount, Preservation::Preserve)?;
			}
			let epochs = settled.len() as u32;
			for (epoch, record) in settled {
				EndedEpochs::<T>::insert(epoch, record);
			}
			Outstanding::<T>::mutate(|owed| *owed = owed.saturating_sub(amount));
			ledger.earnings = BoundedVec::truncate_from(kept);
			Self::store_ledger(&who, ledger, current);
			Self::deposit_event(Event::RewardsClaimed { who, amount, epochs });
			Ok(Some(T::WeightInfo::claim_rewards(read)).into())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The reward pool's account.
		pub fn pool_account() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// Whether `schedule` is within the bounds, at the most a point may be worth
		/// (`MaxRewardPerPoint`):
		///
		/// 1. an approved request, its research bonus included, earns less than the request
		///    costs its provider (`RequestCost`);
		/// 2. an anchor earns less than it costs its provider (`AnchorCost`);
		/// 3. a justified emergency earns less than declaring it costs (`EmergencyCost`);
		/// 4. an account earns at most `MaxRewardPerAccount` per epoch
		///    (`epoch_cap × MaxRewardPerPoint`), which is below an epoch's budget.
		///
		/// So no act pays for itself, and no account takes an epoch's budget: an epoch releases
		/// at most `MaxRewardPerPoint` per point, so an account's share is at most its points
		/// times that.
		pub fn is_valid_schedule(schedule: &RewardSchedule) -> bool {
			let worth = |points: Points| T::MaxRewardPerPoint::get().saturating_mul(points.into());
			let approval = schedule.request_approved.saturating_add(schedule.research_approved);
			worth(approval) < T::RequestCost::get()
				&& worth(schedule.record_anchored) < T::AnchorCost::get()
				&& worth(schedule.emergency_justified) < T::EmergencyCost::get()
				&& worth(schedule.epoch_cap) <= T::MaxRewardPerAccount::get()
		}

		/// `schedule` with each field lowered, if need be, to the most the bounds of
		/// [`Self::is_valid_schedule`] allow (the research bonus first, when an approval and its
		/// bonus together earn too much): a valid schedule is returned as it is.
		pub fn clamp_schedule(schedule: RewardSchedule) -> RewardSchedule {
			let worth = T::MaxRewardPerPoint::get();
			let points = |amount: BalanceOf<T>| -> Points {
				amount
					.checked_div(&worth)
					.map_or(Points::MAX, SaturatedConversion::saturated_into)
			};
			// The most points worth less than `cost`.
			let below = |cost: BalanceOf<T>| points(cost.saturating_sub(One::one()));
			let approval = below(T::RequestCost::get());
			let request_approved = schedule.request_approved.min(approval);
			RewardSchedule {
				request_approved,
				research_approved: schedule
					.research_approved
					.min(approval.saturating_sub(request_approved)),
				record_anchored: schedule.record_anchored.min(below(T::AnchorCost::get())),
				emergency_justified: schedule
					.emergency_justified
					.min(below(T::EmergencyCost::get())),
				epoch_cap: schedule.epoch_cap.min(points(T::MaxRewardPerAccount::get())),
			}
		}

		/// The most epoch `index` may release: `InitialEpochBudget`, halved every
		/// `HalvingInterval` epochs.
		pub fn emission(index: EpochIndex) -> BalanceOf<T> {
			let halvings = index.checked_div(T::HalvingInterval::get()).unwrap_or_default();
			checked_pow(BalanceOf::<T>::from(2u32), halvings as usize)
				.and_then(|divisor| T::InitialEpochBudget::get().checked_div(&divisor))
				.unwrap_or_else(Zero::zero)
		}

		/// What the pool holds beyond what it owes (and beyond the existential deposit that
		/// keeps it alive): what epochs may still release.
		pub fn pool_free() -> BalanceOf<T> {
			T::Currency::reducible_balance(
				&Self::pool_account(),
				Preservation::Preserve,
				Fortitude::Polite,
			)
			.saturating_sub(Outstanding::<T>::get())
		}

		/// What `epoch` releases if it ends now: nothing without points; else its emission,
		/// capped by what the pool has free and by `MaxRewardPerPoint` for each point.
		pub fn budget_of(epoch: &CurrentEpochOf<T>) -> BalanceOf<T> {
			if epoch.points == 0 {
				return Zero::zero();
			}
			let per_point_cap =
				T::MaxRewardPerPoint::get().saturating_mul(epoch.points.saturated_into());
			Self::emission(epoch.index).min(per_point_cap).min(Self::pool_free())
		}

		/// The share of `record`'s budget that `points` of its points earned, rounded down, so
		/// that the shares of all its points never add up to more than the budget.
		pub fn share_of(record: &EpochRecordOf<T>, points: Points) -> BalanceOf<T> {
			multiply_by_rational_with_rounding(
				record.budget.saturated_into(),
				points.into(),
				u128::from(record.points),
				Rounding::Down,
			)
			.map(SaturatedConversion::saturated_into)
			.unwrap_or_else(Zero::zero)
		}

		/// What `earning` (of the ended epoch `record`) may still claim: its share, less what
		/// a clawback withheld.
		fn value_of(record: &EpochRecordOf<T>, earning: &Earning<BalanceOf<T>>) -> BalanceOf<T> {
			Self::share_of(record, earning.points).saturating_sub(earning.withheld)
		}

		/// What `who` could claim now: its shares of the ended epochs still in their window.
		pub fn pending_rewards(who: &T::AccountId) -> BalanceOf<T> {
			let current = Current::<T>::get().index;
			Ledgers::<T>::get(who)
				.map(|ledger| {
					ledger
						.earnings
						.iter()
						.filter(|earning| earning.epoch < current)
						.filter_map(|earning| {
							EndedEpochs::<T>::get(earning.epoch)
								.map(|record| Self::value_of(&record, earning))
						})
						.fold(Zero::zero(), |sum: BalanceOf<T>, share| sum.saturating_add(share))
				})
				.unwrap_or_else(Zero::zero)
		}

		/// The epoch in progress: its bounds, points so far and the budget it would release.
		pub fn epoch_info() -> EpochInfoOf<T> {
			let epoch = Current::<T>::get();
			EpochInfo {
				index: epoch.index,
				start: epoch.start,
				ends_at: epoch.start.saturating_add(T::EpochLength::get()),
				budget: Self::budget_of(&epoch),
				points: epoch.points,
				pool_free: Self::pool_free(),
			}
		}

		/// The reward schedule in force.
		pub fn reward_schedule() -> RewardSchedule {
			Schedule::<T>::get()
		}

		/// Ends `epoch` at block `now`: records what it released (if it earned points),
		/// expires the epoch whose claim window closes, and starts the next epoch.
		fn end_epoch(epoch: CurrentEpochOf<T>, now: BlockNumberFor<T>) {
			let budget = Self::budget_of(&epoch);
			if epoch.points > 0 {
				EndedEpochs::<T>::insert(
					epoch.index,
					EpochRecord { budget, points: epoch.points, ..Default::default() },
				);
				Outstanding::<T>::mutate(|owed| *owed = owed.saturating_add(budget));
			}
			Self::deposit_event(Event::EpochEnded {
				epoch: epoch.index,
				budget,
				points: epoch.points,
			});
			if let Some(expired) = epoch.index.checked_sub(T::ClaimWindow::get()) {
				if let Some(record) = EndedEpochs::<T>::take(expired) {
					let returned = Self::unsettled(&record);
					Outstanding::<T>::mutate(|owed| *owed = owed.saturating_sub(returned));
					Self::deposit_event(Event::EpochExpired { epoch: expired, returned });
				}
			}
			Current::<T>::put(CurrentEpoch {
				index: epoch.index.saturating_add(1),
				start: now,
				points: 0,
			});
		}

		/// What `record`'s budget still owes: neither paid nor returned.
		fn unsettled(record: &EpochRecordOf<T>) -> BalanceOf<T> {
			record.budget.saturating_sub(record.paid).saturating_sub(record.returned)
		}

		/// `who` earns `points` for `act` in the current epoch, up to the epoch cap; an act
		/// that counts once per epoch and already counted earns nothing. Returns the points
		/// earned.
		pub(crate) fn earn(who: &T::AccountId, act: Act, points: Points) -> Points {
			let cap = Schedule::<T>::get().epoch_cap;
			if points == 0 || cap == 0 {
				return 0;
			}
			let epoch = Current::<T>::get().index;
			let mut ledger = Ledgers::<T>::get(who).unwrap_or_default();
			if ledger.counted_in != epoch {
				ledger.counted = BoundedVec::new();
				ledger.counted_in = epoch;
			}
			if act.once_per_epoch() && ledger.counted.contains(&act) {
				return 0;
			}
			let so_far = ledger
				.earnings
				.last()
				.filter(|earning| earning.epoch == epoch)
				.map_or(0, |earning| earning.points);
			let points = points.min(cap.saturating_sub(so_far));
			if points == 0 {
				return 0;
			}
			if act.once_per_epoch() && ledger.counted.try_push(act).is_err() {
				// As many acts counted this epoch as a ledger remembers: no more count.
				return 0;
			}
			match ledger.earnings.last_mut() {
				Some(earning) if earning.epoch == epoch => {
					earning.points = earning.points.saturating_add(points);
				},
				_ => {
					// Earnings whose claim window closed were returned to the pool; dropping
					// them leaves room for this epoch's.
					let window = T::ClaimWindow::get();
					ledger.earnings.retain(|earning| earning.epoch.saturating_add(window) >= epoch);
					if ledger.earnings.try_push(Earning::new(epoch, points)).is_err() {
						return 0;
					}
				},
			}
			Current::<T>::mutate(|current| {
				current.points = current.points.saturating_add(points.into())
			});
			Ledgers::<T>::insert(who, ledger);
			Self::deposit_event(Event::PointsEarned { who: who.clone(), act, points, epoch });
			points
		}

		/// Whether `patient`'s acknowledgement of `provider`'s emergency may still count in the
		/// current epoch: its ledger has not counted one this epoch, and has room to remember
		/// it.
		fn may_acknowledge(patient: &T::AccountId, provider: ProviderId) -> bool {
			let epoch = Current::<T>::get().index;
			Ledgers::<T>::get(patient).is_none_or(|ledger| {
				ledger.counted_in != epoch
					|| (!ledger.counted.contains(&Act::EmergencyJustified(provider))
						&& ledger.counted.len() < T::MaxActsPerEpoch::get() as usize)
			})
		}

		/// Remembers in `patient`'s ledger that its acknowledgement of `provider`'s emergency
		/// counted in the current epoch (after [`Self::may_acknowledge`]).
		fn count_acknowledgement(patient: &T::AccountId, provider: ProviderId) {
			let epoch = Current::<T>::get().index;
			let mut ledger = Ledgers::<T>::get(patient).unwrap_or_default();
			if ledger.counted_in != epoch {
				ledger.counted = BoundedVec::new();
				ledger.counted_in = epoch;
			}
			if ledger.counted.try_push(Act::EmergencyJustified(provider)).is_ok() {
				Ledgers::<T>::insert(patient, ledger);
			}
		}

		/// Takes back up to `amount` of `who`'s unclaimed rewards into the pool, and returns
		/// how much it took: first its shares of ended epochs, oldest first (an earning whose
		/// whole share is taken is dropped, a partly taken one remembers what was withheld);
		/// then, with what is left to take, points of the current epoch at `MaxRewardPerPoint`
		/// each, the most they may be worth, so that it never takes more than `amount`.
		pub(crate) fn take_back(who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
			if amount.is_zero() {
				return Zero::zero();
			}
			let Some(mut ledger) = Ledgers::<T>::get(who) else { return Zero::zero() };
			let current = Current::<T>::get().index;
			let mut left = amount;
			let mut returned = BalanceOf::<T>::zero();
			let mut lost: Points = 0;
			let mut kept = Vec::new();
			for earning in &ledger.earnings {
				let mut earning = *earning;
				if left.is_zero() {
					kept.push(earning);
				} else if earning.epoch >= current {
					let worth = T::MaxRewardPerPoint::get();
					let affordable =
						left.checked_div(&worth).map_or(0, SaturatedConversion::saturated_into);
					lost = earning.points.min(affordable);
					earning.points = earning.points.saturating_sub(lost);
					Current::<T>::mutate(|epoch| {
						epoch.points = epoch.points.saturating_sub(lost.into())
					});
					if earning.points > 0 {
						kept.push(earning);
					}
				} else if let Some(mut record) = EndedEpochs::<T>::get(earning.epoch) {
					let value = Self::value_of(&record, &earning);
					let taken = value.min(left);
					left = left.saturating_sub(taken);
					returned = returned.saturating_add(taken);
					record.returned = record.returned.saturating_add(taken);
					if taken == value {
						record.settled_points =
							record.settled_points.saturating_add(earning.points.into());
					} else {
						earning.withheld = earning.withheld.saturating_add(taken);
						kept.push(earning);
					}
					EndedEpochs::<T>::insert(earning.epoch, record);
				}
				// Otherwise the epoch expired: its share went back to the pool.
			}
			Outstanding::<T>::mutate(|owed| *owed = owed.saturating_sub(returned));
			ledger.earnings = BoundedVec::truncate_from(kept);
			Self::store_ledger(who, ledger, current);
			if !returned.is_zero() || lost > 0 {
				Self::deposit_event(Event::RewardsClawedBack {
					who: who.clone(),
					amount: returned,
					points: lost,
				});
			}
			returned
		}

		/// Stores `ledger`, or removes it when it holds no points and no act of the current
		/// epoch.
		fn store_ledger(who: &T::AccountId, ledger: LedgerOf<T>, current: EpochIndex) {
			if ledger.earnings.is_empty()
				&& (ledger.counted.is_empty() || ledger.counted_in != current)
			{
				Ledgers::<T>::remove(who);
			} else {
				Ledgers::<T>::insert(who, ledger);
			}
		}

		/// Checks the pallet's storage invariants:
		///
		/// 1. Every ended epoch on record is within the claim window, earned points, paid and
		///    returned at most its budget, and settled at most its points; `Outstanding` is
		///    what they still owe, and the pool holds at least that beyond its existential
		///    deposit.
		/// 2. Every ledger lists epochs in increasing order, none after the current one and
		///    none with zero points; the points of the current epoch in all ledgers add up to
		///    its total, and for each ended epoch on record, the points in all ledgers plus
		///    its settled points add up to its total.
		/// 3. What the ledgers may claim of an ended epoch (their shares, less what clawbacks
		///    withheld) adds up to at most what it still owes, so the pool can pay every
		///    claim; a clawback withholds less than an earning's share, nothing of the current
		///    epoch.
		/// 4. The schedule in force is within the bounds ([`Self::is_valid_schedule`]); no
		///    account's share of an ended epoch, nor its points of the current one at the most
		///    they may be worth, exceeds `MaxRewardPerAccount`; a ledger counts each act at
		///    most once.
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::BTreeMap;
			let current = Current::<T>::get();
			let mut owed = BalanceOf::<T>::zero();
			let mut totals = BTreeMap::<EpochIndex, u64>::new();
			let mut records = BTreeMap::<EpochIndex, EpochRecordOf<T>>::new();
			let mut claimable = BTreeMap::<EpochIndex, BalanceOf<T>>::new();
			for (index, record) in EndedEpochs::<T>::iter() {
				ensure!(index < current.index, "an ended epoch is not over");
				ensure!(
					index.saturating_add(T::ClaimWindow::get()) >= current.index,
					"an expired epoch is still on record"
				);
				ensure!(record.points > 0, "an epoch without points is on record");
				ensure!(
					record.paid.saturating_add(record.returned) <= record.budget,
					"an epoch paid out more than it released"
				);
				ensure!(record.settled_points <= record.points, "more points settled than earned");
				owed = owed.saturating_add(Self::unsettled(&record));
				totals.insert(index, record.settled_points);
				records.insert(index, record);
			}
			ensure!(owed == Outstanding::<T>::get(), "outstanding rewards do not add up");
			ensure!(
				T::Currency::reducible_balance(
					&Self::pool_account(),
					Preservation::Preserve,
					Fortitude::Polite
				) >= owed,
				"the pool holds less than it owes"
			);

			ensure!(Self::is_valid_schedule(&Schedule::<T>::get()), "the schedule is invalid");
			let ceiling = T::MaxRewardPerAccount::get();
			let mut current_points = 0u64;
			for (_, ledger) in Ledgers::<T>::iter() {
				for (position, act) in ledger.counted.iter().enumerate() {
					ensure!(
						!ledger.counted.iter().skip(position.saturating_add(1)).any(|a| a == act),
						"a ledger counts an act twice"
					);
				}
				let mut previous: Option<EpochIndex> = None;
				for earning in &ledger.earnings {
					ensure!(earning.points > 0, "a ledger lists an epoch without points");
					ensure!(earning.epoch <= current.index, "a ledger lists a future epoch");
					ensure!(
						previous.is_none_or(|previous| previous < earning.epoch),
						"a ledger's epochs are out of order"
					);
					previous = Some(earning.epoch);
					if earning.epoch == current.index {
						ensure!(earning.withheld.is_zero(), "points of the current epoch withheld");
						ensure!(
							T::MaxRewardPerPoint::get().saturating_mul(earning.points.into())
								<= ceiling,
							"an account's points of the current epoch may be worth more than \
							 MaxRewardPerAccount"
						);
						current_points = current_points.saturating_add(earning.points.into());
					} else if let Some(record) = records.get(&earning.epoch) {
						let share = Self::share_of(record, earning.points);
						ensure!(share <= ceiling, "an account's share exceeds MaxRewardPerAccount");
						ensure!(
							earning.withheld.is_zero() || earning.withheld < share,
							"an earning withholds its whole share"
						);
						let total = totals.entry(earning.epoch).or_default();
						*total = total.saturating_add(earning.points.into());
						let owed = claimable.entry(earning.epoch).or_insert_with(Zero::zero);
						*owed = owed.saturating_add(Self::value_of(record, earning));
					}
				}
			}
			ensure!(current_points == current.points, "the current epoch's points do not add up");
			for (index, record) in records {
				ensure!(
					totals.get(&index) == Some(&record.points),
					"an ended epoch's points do not add up"
				);
				ensure!(
					claimable.get(&index).copied().unwrap_or_else(Zero::zero)
						<= Self::unsettled(&record),
					"an ended epoch's claimable rewards exceed what it still owes"
				);
			}
			Ok(())
		}
	}

	/// The access pallet's events: a vouched patient's approval earns it points (a research
	/// request's approval earns a bonus on top), paid for by the request's fee; an emergency
	/// the patient acknowledged as justified earns its provider's admin points, if the patient
	/// is a real third party (vouched for by another accredited provider, with no stake in this
	/// one), once per patient and epoch.
	impl<T: Config> AccessEvents<T::AccountId> for Pallet<T> {
		fn request_approved(
			patient: &T::AccountId,
			provider: ProviderId,
			_: RequestId,
			_: DataClassSet,
			purpose: Purpose,
		) {
			if !T::Patients::is_vouched(patient) {
				return;
			}
			let schedule = Schedule::<T>::get();
			Self::earn(patient, Act::RequestApproved(provider), schedule.request_approved);
			if purpose == Purpose::Research {
				Self::earn(patient, Act::ResearchApproved, schedule.research_approved);
			}
		}

		fn emergency_declared(_: &T::AccountId, _: ProviderId, _: EmergencyId) {}

		fn emergency_acknowledged(patient: &T::AccountId, provider: ProviderId, _: EmergencyId) {
			let points = Schedule::<T>::get().emergency_justified;
			if points == 0 || !T::Providers::is_accredited(provider) {
				return;
			}
			// The patient must be a real third party: vouched for in person by another
			// accredited provider (not by this one, whose practitioner could vouch for its own
			// sybils), and with no stake in this provider (its admin, bonder, practitioners or
			// their family).
			let vouched_elsewhere =
				T::Patients::vouched_by(patient).is_some_and(|voucher| voucher != provider);
			if !vouched_elsewhere || T::Providers::is_affiliated(patient, provider) {
				return;
			}
			let Some(admin) = T::Providers::admin(provider) else { return };
			if admin == *patient || !Self::may_acknowledge(patient, provider) {
				return;
			}
			if Self::earn(&admin, Act::EmergencyJustified(provider), points) > 0 {
				Self::count_acknowledgement(patient, provider);
			}
		}

		fn emergency_contested(_: &T::AccountId, _: ProviderId, _: EmergencyId, _: DisputeId) {}
	}

	/// The identity pallet's events: an anchored record earns its vouched patient points,
	/// paid for by the anchor's transaction fee (`AnchorCost`).
	impl<T: Config> RecordEvents<T::AccountId> for Pallet<T> {
		fn record_anchored(patient: &T::AccountId, custodian: ProviderId) {
			if T::Patients::is_vouched(patient) {
				let points = Schedule::<T>::get().record_anchored;
				Self::earn(patient, Act::RecordAnchored(custodian), points);
			}
		}
	}

	/// The dispute court's sanction: an upheld dispute takes back up to the amount it asks of
	/// the condemned provider's admin's unclaimed rewards: shares of ended epochs first, then
	/// points of the current epoch at the most they may be worth.
	impl<T: Config> RewardClawback<T::AccountId, BalanceOf<T>> for Pallet<T> {
		fn claw_back(who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
			Self::take_back(who, amount)
		}

		fn weight() -> Weight {
			T::WeightInfo::claw_back(LedgerEpochs::<T>::get())
		}
	}
}
