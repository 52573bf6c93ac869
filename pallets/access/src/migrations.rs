//! Storage migrations.

/// Version 1 (spec version 106, issue 17): a patient's disclosure log count and its page still
/// filling became one record ([`DisclosureLogs`](crate::DisclosureLogs)), and disclosure ids
/// come from the block number and its event count instead of a counter
/// ([`Pallet::first_disclosure_id`](crate::Pallet)), so that logging an entry reads and writes
/// one log record instead of a count, a page and the id counter.
///
/// Moves each patient's `DisclosureCount` and partly filled last page into its
/// `DisclosureLogs` record (a full last page stays where it is), and removes
/// `NextDisclosureId`. Ids already given (a counter's, far below 2³²) stay as they are: new ids
/// start at 2³² (block 1). One step per patient with a log, in the upgrade's block: this
/// testnet-era chain has few; a chain with many would run it as a multi-block migration.
pub mod v1 {
	use crate::{Config, DisclosureLog, DisclosureLogs, DisclosurePages, Pallet};
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration,
		pallet_prelude::*,
		storage_alias,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		Blake2_128Concat,
	};
	use salus_primitives::DisclosureId;

	/// Version 0's count of each patient's log.
	#[storage_alias]
	pub(crate) type DisclosureCount<T: Config> = StorageMap<
		Pallet<T>,
		Blake2_128Concat,
		<T as frame_system::Config>::AccountId,
		u32,
		ValueQuery,
	>;

	/// Version 0's next disclosure id.
	#[storage_alias]
	pub(crate) type NextDisclosureId<T: Config> = StorageValue<Pallet<T>, DisclosureId, ValueQuery>;

	/// Kept private, so that only the versioned migration can be used.
	mod unversioned {
		use super::*;

		/// Folds each count and its filling page into a log record.
		pub struct FoldLogs<T>(core::marker::PhantomData<T>);

		impl<T: Config> UncheckedOnRuntimeUpgrade for FoldLogs<T> {
			fn on_runtime_upgrade() -> Weight {
				let size = T::DisclosurePageSize::get();
				let mut reads = 1u64;
				let mut writes = 1u64;
				for (patient, count) in DisclosureCount::<T>::drain() {
					let filling = match (count.checked_rem(size), count.checked_div(size)) {
						(Some(rest), Some(last)) if rest > 0 => {
							reads = reads.saturating_add(1);
							writes = writes.saturating_add(1);
							DisclosurePages::<T>::take(&patient, last).unwrap_or_default()
						},
						_ => BoundedVec::new(),
					};
					DisclosureLogs::<T>::insert(&patient, DisclosureLog { count, filling });
					reads = reads.saturating_add(1);
					writes = writes.saturating_add(2);
				}
				NextDisclosureId::<T>::kill();
				T::DbWeight::get().reads_writes(reads, writes)
			}

			#[cfg(feature = "try-runtime")]
			fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
				ensure!(
					NextDisclosureId::<T>::get() < (1 << 32),
					"version 0's ids reach the new ids' range"
				);
				let logs: Vec<(T::AccountId, u32)> = DisclosureCount::<T>::iter().collect();
				Ok(logs.encode())
			}

			#[cfg(feature = "try-runtime")]
			fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
				let logs = Vec::<(T::AccountId, u32)>::decode(&mut &state[..])
					.map_err(|_| "pre-upgrade state does not decode")?;
				ensure!(DisclosureCount::<T>::iter().next().is_none(), "a count left behind");
				ensure!(!NextDisclosureId::<T>::exists(), "the id counter left behind");
				ensure!(
					DisclosureLogs::<T>::iter().count() == logs.len(),
					"a log record for each log"
				);
				for (patient, count) in logs {
					ensure!(DisclosureLogs::<T>::get(&patient).count == count, "a count changed");
				}
				Pallet::<T>::do_try_state()
			}
		}
	}

	/// Migrates the pallet's storage from version 0 to version 1: folds the logs.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		unversioned::FoldLogs<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}

/// Version 2 (spec version 110, issue 17): the dispute court finds a disclosure in its
/// patient's own log ([`Pallet::find_disclosure`](crate::Pallet)), so logging writes no record
/// of parties any more (the [`DisclosureBatches`](crate::DisclosureBatches) and
/// [`DisclosureParties`](crate::DisclosureParties) records already written stay until their
/// entries' pages are pruned), pages are pruned oldest first, and disclosure ids are
/// `2⁵² + block × 2²⁰ + events` ([`DISCLOSURE_ID_BASE`](crate::DISCLOSURE_ID_BASE)), below 2⁵³ for JSON.
///
/// Nothing is moved: the version marks the new id scheme. The court's search needs every log's
/// ids to grow, so the new ids must be above every id given before: version 1's are
/// `block × 2³² + events × 64`, below 2⁵² on a chain that upgrades before block 2²⁰ (about 73
/// days of 6-second blocks). `pre_upgrade` refuses a state that holds an id at or above 2⁵²
/// (run it with `try-runtime` before upgrading an older chain, which would need an id floor
/// instead), and `post_upgrade` checks every invariant, the ids' order among them.
pub mod v2 {
	use crate::{Config, Pallet};
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration, traits::UncheckedOnRuntimeUpgrade, weights::Weight,
	};

	/// Whether every disclosure id stored is below [`DISCLOSURE_ID_BASE`](crate::DISCLOSURE_ID_BASE): that the new ids
	/// start above them all. Reads every log; for checks only.
	#[cfg(any(test, feature = "try-runtime"))]
	pub fn stored_ids_below_base<T: Config>() -> bool {
		let below = |page: &[crate::DisclosureOf<T>]| {
			page.iter().all(|entry| entry.id < crate::DISCLOSURE_ID_BASE)
		};
		crate::DisclosurePages::<T>::iter_values().all(|page| below(&page))
			&& crate::DisclosureLogs::<T>::iter_values().all(|log| below(&log.filling))
	}

	/// Kept private, so that only the versioned migration can be used.
	mod unversioned {
		use super::*;

		/// Marks the new id scheme; checks that it starts above the old ids.
		pub struct NewIds<T>(core::marker::PhantomData<T>);

		impl<T: Config> UncheckedOnRuntimeUpgrade for NewIds<T> {
			fn on_runtime_upgrade() -> Weight {
				Weight::zero()
			}

			#[cfg(feature = "try-runtime")]
			fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
				frame_support::ensure!(
					stored_ids_below_base::<T>(),
					"a disclosure id at or above 2^52: the new ids would not be above it"
				);
				Ok(Vec::new())
			}

			#[cfg(feature = "try-runtime")]
			fn post_upgrade(_: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
				Pallet::<T>::do_try_state()
			}
		}
	}

	/// Migrates the pallet's storage from version 1 to version 2: the new id scheme.
	pub type MigrateToV2<T> = VersionedMigration<
		1,
		2,
		unversioned::NewIds<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
