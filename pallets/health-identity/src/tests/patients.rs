use super::*;
use crate::{Error, PatientByCommitment, Patients};
use frame_support::{assert_noop, traits::fungible::Inspect};
use sp_runtime::TokenError;

mod register_patient {
	use super::*;

	#[test]
	fn stores_the_patient_indexes_the_commitment_and_holds_the_deposit() {
		build_and_execute(|| {
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
			assert_eq!(held(HoldReason::PatientDeposit, 1), PATIENT_DEPOSIT);
			assert_eq!(
				last_event(),
				Event::PatientRegistered { patient: 1, jurisdiction: j("FR") }
			);
		});
	}

	#[test]
	fn the_same_commitment_twice_fails_with_already_exists() {
		build_and_execute(|| {
			register_patient(1, 1);
			assert_noop!(
				HealthIdentity::register_patient(RuntimeOrigin::signed(2), h(1), j("DE"), None),
				Error::<Test>::AlreadyExists
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
	fn without_funds_for_the_deposit_fails() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::register_patient(RuntimeOrigin::signed(POOR), h(1), j("DE"), None),
				TokenError::FundsUnavailable
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
	fn removes_the_patient_frees_the_commitment_and_releases_the_deposit() {
		build_and_execute(|| {
			register_patient(1, 1);
			assert_ok!(HealthIdentity::deregister_patient(RuntimeOrigin::signed(1)));
			assert!(Patients::<Test>::get(1).is_none());
			assert!(PatientByCommitment::<Test>::get(h(1)).is_none());
			assert_eq!(held(HoldReason::PatientDeposit, 1), 0);
			assert_eq!(Balances::balance(&1), ENDOWMENT);
			assert_eq!(last_event(), Event::PatientDeregistered { patient: 1 });
			// The other pallets were told, once.
			assert_eq!(Deregistered::get(), vec![1]);
			// The commitment can be registered again.
			register_patient(2, 1);
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
