//! Storage migrations.

/// Version 1 (December 2026, review findings 3, 10 and 13): the schedule's `research_consent`
/// field became `research_approved` (the encoding is the same), and every field got a bound
/// ([`Pallet::is_valid_schedule`](crate::Pallet::is_valid_schedule)). A schedule stored under
/// version 0 may break the bounds (the launch schedule did): it is clamped to them
/// ([`Pallet::clamp_schedule`](crate::Pallet::clamp_schedule)).
pub mod v1 {
	use crate::{Config, Event, Pallet, Schedule};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};

	/// Kept private, so that only the versioned migration can be used.
	mod unversioned {
		use super::*;

		/// Clamps the stored schedule to the bounds.
		pub struct ClampSchedule<T>(core::marker::PhantomData<T>);

		impl<T: Config> UncheckedOnRuntimeUpgrade for ClampSchedule<T> {
			fn on_runtime_upgrade() -> Weight {
				let schedule = Schedule::<T>::get();
				let clamped = Pallet::<T>::clamp_schedule(schedule);
				if clamped == schedule {
					return T::DbWeight::get().reads(1);
				}
				Schedule::<T>::put(clamped);
				Pallet::<T>::deposit_event(Event::ScheduleSet { schedule: clamped });
				T::DbWeight::get().reads_writes(1, 2)
			}
		}
	}

	/// Migrates the pallet's storage from version 0 to version 1: clamps the schedule.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		unversioned::ClampSchedule<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
