//! Storage migrations.

/// Version 1 (spec version 109, issue 17): consent ids come from the block number and its
/// event count ([`Pallet::next_consent_id`](crate::Pallet::next_consent_id)) instead of a
/// counter, so that recording a consent — a patient's grant, an approved request, a broken
/// glass — no longer reads and writes one value every such call in the chain shares.
///
/// Removes `NextConsentId`. Ids already given (a counter's) stay as they are and below every
/// new one: a block's ids start at its number × 2²¹, and `pre_upgrade` checks that the counter
/// has not reached the upgrade's block's (a chain would have had to record two million
/// consents a block), so each ledger stays in id order. One write, whatever the chain holds.
pub mod v1 {
	use crate::{Config, Pallet};
	use frame_support::{
		migrations::VersionedMigration, storage_alias, traits::UncheckedOnRuntimeUpgrade,
		weights::Weight,
	};
	use salus_primitives::ConsentId;

	/// Version 0's next consent id.
	#[storage_alias]
	pub(crate) type NextConsentId<T: Config> = StorageValue<Pallet<T>, ConsentId>;

	/// Kept private, so that only the versioned migration can be used.
	mod unversioned {
		use super::*;
		#[cfg(feature = "try-runtime")]
		use alloc::vec::Vec;
		#[cfg(feature = "try-runtime")]
		use frame_support::ensure;
		use frame_support::traits::Get;

		/// Removes the id counter.
		pub struct DropIdCounter<T>(core::marker::PhantomData<T>);

		impl<T: Config> UncheckedOnRuntimeUpgrade for DropIdCounter<T> {
			fn on_runtime_upgrade() -> Weight {
				NextConsentId::<T>::kill();
				T::DbWeight::get().writes(1)
			}

			#[cfg(feature = "try-runtime")]
			fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
				use sp_runtime::SaturatedConversion;
				let block: u64 = frame_system::Pallet::<T>::block_number().saturated_into();
				ensure!(
					NextConsentId::<T>::get().unwrap_or_default()
						<= block.saturating_mul(1 << crate::CONSENT_ID_EVENT_BITS),
					"version 0's ids reach the new ids' range"
				);
				Ok(Vec::new())
			}

			#[cfg(feature = "try-runtime")]
			fn post_upgrade(_: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
				ensure!(!NextConsentId::<T>::exists(), "the id counter left behind");
				Pallet::<T>::do_try_state()
			}
		}
	}

	/// Migrates the pallet's storage from version 0 to version 1: drops the id counter.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		unversioned::DropIdCounter<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
