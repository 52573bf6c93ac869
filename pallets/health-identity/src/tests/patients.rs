use super::*;
use crate::{Announcements, Error, PatientByCommitment, Patients, RetiredCommitments};
use frame_support::{assert_noop, traits::fungible::Inspect};
use sp_runtime::TokenError;

/// The binding `who` announces for `commitment`.
fn binding(commitment: H256, who: u64) -> H256 {
	HealthIdentity::binding_of(&commitment, &who)
}

mod announce_commitment {
	use super::*;

	#[test]
	fn holds_the_patient_deposit_and_a_new_announcement_replaces_the_old() {
		build_and_execute(|| {
			assert_ok!(HealthIdentity::announce_commitment(
				RuntimeOrigin::signed(1),
				Some(binding(h(1), 1))
			));
			let announcement = Announcements::<Test>::get(1).unwrap();
			assert_eq!(announcement.binding, binding(h(1), 1));
			assert_eq!(announcement.announced_at, 1);
			assert_eq!(held(HoldReason::PatientDeposit, 1), PATIENT_DEPOSIT);
			assert_eq!(
				last_event(),
				Event::CommitmentAnnounced { account: 1, binding: binding(h(1), 1) }
			);
			advance(1);
			assert_ok!(HealthIdentity::announce_commitment(
				RuntimeOrigin::signed(1),
				Some(binding(h(2), 1))
			));
			let announcement = Announcements::<Test>::get(1).unwrap();
			assert_eq!((announcement.binding, announcement.announced_at), (binding(h(2), 1), 2));
			// One deposit, not two.
			assert_eq!(held(HoldReason::PatientDeposit, 1), PATIENT_DEPOSIT);
		});
	}

	#[test]
	fn none_withdraws_the_announcement_and_releases_the_deposit() {
		build_and_execute(|| {
			announce(1, h(1));
			assert_ok!(HealthIdentity::announce_commitment(RuntimeOrigin::signed(1), None));
			assert!(Announcements::<Test>::get(1).is_none());
			assert_eq!(held(HoldReason::PatientDeposit, 1), 0);
			assert_eq!(Balances::balance(&1), ENDOWMENT);
			assert_eq!(last_event(), Event::AnnouncementWithdrawn { account: 1 });
		});
	}

	#[test]
	fn withdrawing_nothing_fails_with_announcement_not_found() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::announce_commitment(RuntimeOrigin::signed(1), None),
				Error::<Test>::AnnouncementNotFound
			);
		});
	}

	#[test]
	fn by_a_patient_fails_with_already_registered() {
		build_and_execute(|| {
			register_patient(1, 1);
			assert_noop!(
				HealthIdentity::announce_commitment(
					RuntimeOrigin::signed(1),
					Some(binding(h(2), 1))
				),
				Error::<Test>::AlreadyRegistered
			);
		});
	}

	#[test]
	fn without_funds_for_the_deposit_fails() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::announce_commitment(
					RuntimeOrigin::signed(POOR),
					Some(binding(h(1), POOR))
				),
				TokenError::FundsUnavailable
			);
		});
	}
}

mod register_patient {
	use super::*;

	#[test]
	fn stores_the_patient_indexes_the_commitment_and_keeps_the_announced_deposit() {
		build_and_execute(|| {
			assert_ok!(HealthIdentity::announce_commitment(
				RuntimeOrigin::signed(1),
				Some(binding(h(1), 1))
			));
			advance(1);
			let key = Some([7u8; 32]);
			assert_ok!(HealthIdentity::register_patient(
				RuntimeOrigin::signed(1),
				h(1),
				j("FR"),
				key
			));
			let patient = Patients::<Test>::get(1).unwrap();
			assert_eq!(patient.commitment, h(1));
			assert_eq!(patient.jurisdiction, j("FR"));
			assert_eq!(patient.encryption_key, key);
			assert_eq!(patient.vouched_by, None);
			assert_eq!(patient.deposit, PATIENT_DEPOSIT);
			assert_eq!(PatientByCommitment::<Test>::get(h(1)), Some(1));
			assert!(Announcements::<Test>::get(1).is_none());
			assert_eq!(held(HoldReason::PatientDeposit, 1), PATIENT_DEPOSIT);
			assert_eq!(
				last_event(),
				Event::PatientRegistered { patient: 1, jurisdiction: j("FR") }
			);
		});
	}

	#[test]
	fn the_same_commitment_twice_fails_with_commitment_taken() {
		build_and_execute(|| {
			register_patient(1, 1);
			announce(2, h(1));
			assert_noop!(
				HealthIdentity::register_patient(RuntimeOrigin::signed(2), h(1), j("DE"), None),
				Error::<Test>::CommitmentTaken
			);
		});
	}

	#[test]
	fn a_patient_registering_again_fails_with_already_registered() {
		build_and_execute(|| {
			register_patient(1, 1);
			assert_noop!(
				HealthIdentity::register_patient(RuntimeOrigin::signed(1), h(2), j("DE"), None),
				Error::<Test>::AlreadyRegistered
			);
		});
	}

	#[test]
	fn without_an_announcement_fails_with_announcement_not_found() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::register_patient(RuntimeOrigin::signed(1), h(1), j("DE"), None),
				Error::<Test>::AnnouncementNotFound
			);
		});
	}

	#[test]
	fn another_commitment_than_announced_fails_with_announcement_mismatch() {
		build_and_execute(|| {
			announce(1, h(1));
			assert_noop!(
				HealthIdentity::register_patient(RuntimeOrigin::signed(1), h(2), j("DE"), None),
				Error::<Test>::AnnouncementMismatch
			);
		});
	}

	#[test]
	fn in_the_block_of_the_announcement_fails_with_announcement_too_recent() {
		build_and_execute(|| {
			assert_ok!(HealthIdentity::announce_commitment(
				RuntimeOrigin::signed(1),
				Some(binding(h(1), 1))
			));
			assert_noop!(
				HealthIdentity::register_patient(RuntimeOrigin::signed(1), h(1), j("DE"), None),
				Error::<Test>::AnnouncementTooRecent
			);
		});
	}

	#[test]
	fn after_the_announcement_lifetime_fails_with_announcement_expired() {
		build_and_execute(|| {
			assert_ok!(HealthIdentity::announce_commitment(
				RuntimeOrigin::signed(1),
				Some(binding(h(1), 1))
			));
			advance(ANNOUNCEMENT_LIFETIME);
			// The last block of the lifetime is still in time.
			frame_support::assert_ok!(frame_support::storage::with_transaction(|| {
				let result =
					HealthIdentity::register_patient(RuntimeOrigin::signed(1), h(1), j("DE"), None);
				sp_runtime::TransactionOutcome::Rollback(result)
			}));
			advance(1);
			assert_noop!(
				HealthIdentity::register_patient(RuntimeOrigin::signed(1), h(1), j("DE"), None),
				Error::<Test>::AnnouncementExpired
			);
		});
	}

	#[test]
	fn unsigned_fails_with_bad_origin() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::register_patient(RuntimeOrigin::none(), h(1), j("DE"), None),
				sp_runtime::DispatchError::BadOrigin
			);
		});
	}

	/// Finding 14a: a registration seen in the pool cannot be front-run by an account that
	/// learns the commitment from it.
	#[test]
	fn front_running_a_pending_registration_fails() {
		build_and_execute(|| {
			const VICTIM: u64 = 1;
			const MALLORY: u64 = 2;
			// The victim announces in block 1: the binding says nothing about `h(1)`.
			assert_ok!(HealthIdentity::announce_commitment(
				RuntimeOrigin::signed(VICTIM),
				Some(binding(h(1), VICTIM))
			));
			advance(1);
			// Block 2: Mallory sees `register_patient(h(1))` in the pool and races it.
			// Without an announcement of her own:
			assert_noop!(
				HealthIdentity::register_patient(
					RuntimeOrigin::signed(MALLORY),
					h(1),
					j("DE"),
					None
				),
				Error::<Test>::AnnouncementNotFound
			);
			// Replaying the victim's binding binds the victim, not her:
			assert_ok!(HealthIdentity::announce_commitment(
				RuntimeOrigin::signed(MALLORY),
				Some(binding(h(1), VICTIM))
			));
			advance(1);
			assert_noop!(
				HealthIdentity::register_patient(
					RuntimeOrigin::signed(MALLORY),
					h(1),
					j("DE"),
					None
				),
				Error::<Test>::AnnouncementMismatch
			);
			// Her own binding, announced in the block of the reveal, is too recent:
			assert_ok!(HealthIdentity::announce_commitment(
				RuntimeOrigin::signed(MALLORY),
				Some(binding(h(1), MALLORY))
			));
			assert_noop!(
				HealthIdentity::register_patient(
					RuntimeOrigin::signed(MALLORY),
					h(1),
					j("DE"),
					None
				),
				Error::<Test>::AnnouncementTooRecent
			);
			// The victim's reveal goes through, and from then on the commitment is taken.
			assert_ok!(HealthIdentity::register_patient(
				RuntimeOrigin::signed(VICTIM),
				h(1),
				j("DE"),
				None
			));
			advance(1);
			assert_noop!(
				HealthIdentity::register_patient(
					RuntimeOrigin::signed(MALLORY),
					h(1),
					j("DE"),
					None
				),
				Error::<Test>::CommitmentTaken
			);
			assert_eq!(PatientByCommitment::<Test>::get(h(1)), Some(VICTIM));
		});
	}

	/// Finding 14a: a deregistered patient's (public) commitment stays retired for it.
	#[test]
	fn taking_a_deregistered_patients_commitment_fails_with_commitment_taken() {
		build_and_execute(|| {
			register_patient(1, 1);
			assert_ok!(HealthIdentity::deregister_patient(RuntimeOrigin::signed(1)));
			announce(2, h(1));
			assert_noop!(
				HealthIdentity::register_patient(RuntimeOrigin::signed(2), h(1), j("DE"), None),
				Error::<Test>::CommitmentTaken
			);
			// The former patient takes it back; the retired deposit is released.
			register_patient(1, 1);
			assert!(RetiredCommitments::<Test>::get(h(1)).is_none());
			assert_eq!(held(HoldReason::PatientDeposit, 1), PATIENT_DEPOSIT);
		});
	}
}

mod update_encryption_key {
	use super::*;

	#[test]
	fn sets_replaces_and_removes_the_key() {
		build_and_execute(|| {
			register_patient(1, 1);
			for key in [Some([1u8; 32]), Some([2u8; 32]), None] {
				assert_ok!(HealthIdentity::update_encryption_key(RuntimeOrigin::signed(1), key));
				assert_eq!(Patients::<Test>::get(1).unwrap().encryption_key, key);
				assert_eq!(last_event(), Event::EncryptionKeyUpdated { patient: 1, key });
			}
		});
	}

	#[test]
	fn by_a_non_patient_fails_with_not_registered() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::update_encryption_key(RuntimeOrigin::signed(1), Some([1u8; 32])),
				Error::<Test>::NotRegistered
			);
		});
	}
}

mod deregister_patient {
	use super::*;

	#[test]
	fn removes_the_patient_retires_the_commitment_and_releases_the_rest_of_the_deposit() {
		build_and_execute(|| {
			register_patient(1, 1);
			assert_ok!(HealthIdentity::deregister_patient(RuntimeOrigin::signed(1)));
			assert!(Patients::<Test>::get(1).is_none());
			assert!(PatientByCommitment::<Test>::get(h(1)).is_none());
			let retired = RetiredCommitments::<Test>::get(h(1)).unwrap();
			assert_eq!((retired.account, retired.deposit), (1, RETIRED_DEPOSIT));
			assert_eq!(held(HoldReason::PatientDeposit, 1), RETIRED_DEPOSIT);
			assert_eq!(Balances::balance(&1), ENDOWMENT - RETIRED_DEPOSIT);
			assert_eq!(last_event(), Event::PatientDeregistered { patient: 1 });
			// The other pallets were told, once.
			assert_eq!(Deregistered::get(), vec![1]);
		});
	}

	#[test]
	fn by_a_non_patient_fails_with_not_registered() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::deregister_patient(RuntimeOrigin::signed(1)),
				Error::<Test>::NotRegistered
			);
		});
	}

	#[test]
	fn with_obligations_elsewhere_fails_with_has_obligations() {
		build_and_execute(|| {
			register_patient(1, 1);
			Obligated::set(Some(1));
			assert_noop!(
				HealthIdentity::deregister_patient(RuntimeOrigin::signed(1)),
				Error::<Test>::HasObligations
			);
			assert!(Deregistered::get().is_empty());
		});
	}
}

mod release_commitment {
	use super::*;

	#[test]
	fn frees_the_commitment_for_anyone_and_releases_the_deposit() {
		build_and_execute(|| {
			register_patient(1, 1);
			assert_ok!(HealthIdentity::deregister_patient(RuntimeOrigin::signed(1)));
			assert_ok!(HealthIdentity::release_commitment(RuntimeOrigin::signed(1), h(1)));
			assert!(RetiredCommitments::<Test>::get(h(1)).is_none());
			assert_eq!(held(HoldReason::PatientDeposit, 1), 0);
			assert_eq!(Balances::balance(&1), ENDOWMENT);
			assert_eq!(last_event(), Event::CommitmentReleased { commitment: h(1), account: 1 });
			register_patient(2, 1);
		});
	}

	#[test]
	fn a_commitment_not_retired_fails_with_commitment_not_found() {
		build_and_execute(|| {
			register_patient(1, 1);
			assert_noop!(
				HealthIdentity::release_commitment(RuntimeOrigin::signed(1), h(1)),
				Error::<Test>::CommitmentNotFound
			);
		});
	}

	#[test]
	fn by_another_account_fails_with_not_patient() {
		build_and_execute(|| {
			register_patient(1, 1);
			assert_ok!(HealthIdentity::deregister_patient(RuntimeOrigin::signed(1)));
			assert_noop!(
				HealthIdentity::release_commitment(RuntimeOrigin::signed(2), h(1)),
				Error::<Test>::NotPatient
			);
		});
	}
}

/// Finding 14b: keys an attacker chooses are hashed before they go into the trie.
#[test]
fn attacker_chosen_keys_are_hashed_with_blake2() {
	build_and_execute(|| {
		use frame_support::{Blake2_128Concat, StorageHasher};
		let key = crate::PatientByCommitment::<Test>::hashed_key_for(h(1));
		let tail = Blake2_128Concat::hash(h(1).as_bytes());
		assert!(key.ends_with(&tail));
		let key = crate::Records::<Test>::hashed_key_for(h(1));
		assert!(key.ends_with(&tail));
		let key = crate::RecordProposals::<Test>::hashed_key_for(h(1));
		assert!(key.ends_with(&tail));
		let key = crate::RetiredCommitments::<Test>::hashed_key_for(h(1));
		assert!(key.ends_with(&tail));
		let key = crate::Links::<Test>::hashed_key_for(0, h(1));
		assert!(key.ends_with(&tail));
	});
}
