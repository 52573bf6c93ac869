use super::*;
use crate::{Error, PatientRecordCount, Patients, Records};
use frame_support::assert_noop;
use salus_primitives::DataClass;

mod vouch_patient {
	use super::*;

	#[test]
	fn records_the_vouching_provider() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3));
			assert_eq!(Patients::<Test>::get(3).unwrap().vouched_by, Some(id));
			assert_eq!(
				last_event(),
				Event::PatientVouched { patient: 3, provider: id, practitioner: 5 }
			);
		});
	}

	#[test]
	fn by_a_practitioner_of_a_provider_not_accredited_fails_with_not_accredited() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			// Not a practitioner at all.
			assert_noop!(
				HealthIdentity::vouch_patient(RuntimeOrigin::signed(6), 3),
				Error::<Test>::NotAccredited
			);
			// A practitioner of a suspended provider, and of a pending one.
			set_status(id, ProviderStatus::Suspended);
			assert_noop!(
				HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3),
				Error::<Test>::NotAccredited
			);
			register(2, ProviderKind::Clinic, None);
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(2),
				7,
				PractitionerRole::Nurse
			));
			assert_noop!(
				HealthIdentity::vouch_patient(RuntimeOrigin::signed(7), 3),
				Error::<Test>::NotAccredited
			);
		});
	}

	#[test]
	fn for_a_non_patient_fails_with_not_registered() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			assert_noop!(
				HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3),
				Error::<Test>::NotRegistered
			);
		});
	}

	#[test]
	fn twice_fails_with_already_vouched() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3));
			assert_noop!(
				HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3),
				Error::<Test>::AlreadyVouched
			);
		});
	}
}

mod anchor_record {
	use super::*;

	#[test]
	fn anchors_the_hash_with_the_custodian_indexes_it_and_holds_the_deposit() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::anchor_record(
				RuntimeOrigin::signed(5),
				3,
				h(9),
				DataClass::LabResults
			));
			let record = Records::<Test>::get(h(9)).unwrap();
			assert_eq!((record.patient, record.custodian), (3, id));
			assert_eq!(record.data_class, DataClass::LabResults);
			assert_eq!((record.depositor, record.deposit), (5, RECORD_DEPOSIT));
			assert_eq!(PatientRecordCount::<Test>::get(3), 1);
			assert_eq!(held(HoldReason::RecordDeposit, 5), RECORD_DEPOSIT);
			assert_eq!(
				last_event(),
				Event::RecordAnchored {
					content_hash: h(9),
					patient: 3,
					custodian: id,
					data_class: DataClass::LabResults
				}
			);
			assert_eq!(Anchored::get(), vec![(3, id)]);
		});
	}

	#[test]
	fn records_of_pages_through_a_patients_records_in_order() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register_patient(3, 3);
			for byte in 10..15 {
				assert_ok!(HealthIdentity::anchor_record(
					RuntimeOrigin::signed(5),
					3,
					h(byte),
					DataClass::Imaging
				));
			}
			let page = |start, count| -> Vec<_> {
				HealthIdentity::records_of(&3, start, count)
					.into_iter()
					.map(|(hash, _)| hash)
					.collect()
			};
			assert_eq!(page(0, 2), vec![h(10), h(11)]);
			assert_eq!(page(2, 2), vec![h(12), h(13)]);
			assert_eq!(page(4, 2), vec![h(14)]);
			assert_eq!(page(5, 2), Vec::<H256>::new());
			assert_eq!(page(0, u32::MAX).len(), 5);
			assert_eq!(page(u32::MAX, u32::MAX).len(), 0);
			assert!(HealthIdentity::records_of(&4, 0, 10).is_empty());
		});
	}

	#[test]
	fn by_a_practitioner_of_a_provider_not_accredited_fails_with_not_accredited() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			set_status(id, ProviderStatus::Suspended);
			assert_noop!(
				HealthIdentity::anchor_record(
					RuntimeOrigin::signed(5),
					3,
					h(9),
					DataClass::Imaging
				),
				Error::<Test>::NotAccredited
			);
		});
	}

	#[test]
	fn about_a_non_patient_fails_with_not_registered() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			assert_noop!(
				HealthIdentity::anchor_record(
					RuntimeOrigin::signed(5),
					3,
					h(9),
					DataClass::Imaging
				),
				Error::<Test>::NotRegistered
			);
		});
	}

	#[test]
	fn the_same_hash_twice_fails_with_already_anchored() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register_patient(3, 3);
			register_patient(4, 4);
			assert_ok!(HealthIdentity::anchor_record(
				RuntimeOrigin::signed(5),
				3,
				h(9),
				DataClass::Imaging
			));
			assert_noop!(
				HealthIdentity::anchor_record(
					RuntimeOrigin::signed(5),
					4,
					h(9),
					DataClass::Billing
				),
				Error::<Test>::AlreadyAnchored
			);
		});
	}

	#[test]
	fn when_the_patients_record_index_is_full_fails_with_overflow() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register_patient(3, 3);
			PatientRecordCount::<Test>::insert(3, u32::MAX);
			assert_noop!(
				HealthIdentity::anchor_record(
					RuntimeOrigin::signed(5),
					3,
					h(9),
					DataClass::Imaging
				),
				Error::<Test>::Overflow
			);
			// Leave the index consistent for the invariant check.
			PatientRecordCount::<Test>::remove(3);
		});
	}

	#[test]
	fn without_funds_for_the_deposit_fails() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Hospital, None);
			set_status(id, ProviderStatus::Accredited);
			assert_ok!(HealthIdentity::add_practitioner(
				RuntimeOrigin::signed(1),
				POOR,
				PractitionerRole::Physician
			));
			register_patient(3, 3);
			assert_noop!(
				HealthIdentity::anchor_record(
					RuntimeOrigin::signed(POOR),
					3,
					h(9),
					DataClass::Imaging
				),
				sp_runtime::TokenError::FundsUnavailable
			);
		});
	}
}
