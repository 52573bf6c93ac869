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
