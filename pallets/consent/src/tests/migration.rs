//! Storage version 1: consent ids from the block and its event count; the counter goes.

use super::*;
use crate::migrations::v1::{MigrateToV1, NextConsentId};
use crate::ConsentPatient;
use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

/// Removes the counter; ledgers of version 0 (a counter's small ids) stay as they are, and
/// consents recorded after the upgrade take ids above them, so each ledger stays in id order.
#[test]
fn drops_the_counter_and_new_ids_follow_the_old_ones() {
	build_and_execute(|| {
		// Version 0's state: ids 0 and 1 from the counter, which stands at 2.
		let old = [permit(1, provider(HOSPITAL)), permit(2, provider(HOSPITAL))];
		Ledgers::<Test>::mutate(1, |ledger| {
			if let Some(consent) = ledger.as_mut().and_then(|ledger| ledger.consents.get_mut(0)) {
				consent.id = 0;
			}
		});
		Ledgers::<Test>::mutate(2, |ledger| {
			if let Some(consent) = ledger.as_mut().and_then(|ledger| ledger.consents.get_mut(0)) {
				consent.id = 1;
			}
		});
		for id in old {
			ConsentPatient::<Test>::remove(id);
		}
		ConsentPatient::<Test>::insert(0, 1);
		ConsentPatient::<Test>::insert(1, 2);
		NextConsentId::<Test>::put(2);
		StorageVersion::new(0).put::<Consent>();
		Consent::do_try_state().expect("version 0's state is consistent");

		let weight = MigrateToV1::<Test>::on_runtime_upgrade();
		assert!(weight.ref_time() > 0);
		assert_eq!(Consent::on_chain_storage_version(), StorageVersion::new(1));
		assert!(!NextConsentId::<Test>::exists());
		assert_eq!(Consent::consent(0).map(|(patient, _)| patient), Some(1));

		// Recording goes on above the old ids, in order.
		let new = permit(1, provider(CLINIC));
		assert!(new >= 1 << crate::CONSENT_ID_EVENT_BITS);
		assert_eq!(Consent::consents_of(&1).iter().map(|c| c.id).collect::<Vec<_>>(), [0, new]);
		Consent::do_try_state().expect("invariants hold after the migration");

		// A second run changes nothing (the version says it ran).
		assert_eq!(
			MigrateToV1::<Test>::on_runtime_upgrade(),
			<Test as frame_system::Config>::DbWeight::get().reads(1)
		);
	});
}
