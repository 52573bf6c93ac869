use super::*;
use crate::{Error, PatientRecordCount, Patients, RecordProposals, Records};
use frame_support::assert_noop;
use salus_primitives::PatientRegistry;

mod vouch_patient {
	use super::*;

	#[test]
	fn records_the_vouching_provider() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3));
			assert_eq!(Patients::<Test>::get(3).unwrap().vouched_by, Some(id));
			assert_eq!(crate::Providers::<Test>::get(id).unwrap().vouches, 1);
			assert_eq!(
				last_event(),
				Event::PatientVouched { patient: 3, provider: id, practitioner: 5 }
			);
		});
	}

	#[test]
	fn by_a_practitioner_of_a_provider_not_accredited_fails_with_provider_not_accredited() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			// Not a practitioner at all.
			assert_noop!(
				HealthIdentity::vouch_patient(RuntimeOrigin::signed(6), 3),
				Error::<Test>::ProviderNotAccredited
			);
			// A practitioner of a suspended provider, and of a pending one.
			set_status(id, ProviderStatus::Suspended);
			assert_noop!(
				HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3),
				Error::<Test>::ProviderNotAccredited
			);
			register(2, ProviderKind::Clinic, None);
			join(2, 7, PractitionerRole::Nurse);
			assert_noop!(
				HealthIdentity::vouch_patient(RuntimeOrigin::signed(7), 3),
				Error::<Test>::ProviderNotAccredited
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
			let hospital = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3));
			assert_noop!(
				HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3),
				Error::<Test>::AlreadyVouched
			);
			// Nor may another accredited provider vouch while the first vouch counts.
			let clinic = register(2, ProviderKind::Clinic, None);
			set_status(clinic, ProviderStatus::Accredited);
			join(2, 6, PractitionerRole::Nurse);
			assert_noop!(
				HealthIdentity::vouch_patient(RuntimeOrigin::signed(6), 3),
				Error::<Test>::AlreadyVouched
			);
			assert_eq!(Patients::<Test>::get(3).unwrap().vouched_by, Some(hospital));
		});
	}

	#[test]
	fn beyond_the_providers_vouches_per_period_fails_with_too_many_vouches() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			for patient in 0..MAX_VOUCHES as u64 {
				register_patient(10 + patient, 10 + patient as u8);
				assert_ok!(HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 10 + patient));
			}
			register_patient(19, 19);
			// Another practitioner of the same provider shares its budget.
			join(1, 6, PractitionerRole::Nurse);
			for practitioner in [5, 6] {
				assert_noop!(
					HealthIdentity::vouch_patient(RuntimeOrigin::signed(practitioner), 19),
					Error::<Test>::TooManyVouches
				);
			}
			// A new period starts a new budget.
			advance(VOUCH_PERIOD);
			assert_ok!(HealthIdentity::vouch_patient(RuntimeOrigin::signed(6), 19));
			let provider = crate::Providers::<Test>::get(id).unwrap();
			assert_eq!((provider.vouch_period_start, provider.vouches), (1 + VOUCH_PERIOD, 1));
		});
	}

	/// Finding 3: a vouch stops counting when its provider is sanctioned, governance can
	/// withdraw one, and another accredited provider may then vouch again.
	#[test]
	fn a_sybil_farm_vouched_by_a_revoked_provider_stops_counting() {
		build_and_execute(|| {
			let rogue = accredited_hospital(1, 5);
			let sybils = [10, 11, 12];
			for (n, sybil) in sybils.into_iter().enumerate() {
				register_patient(sybil, 10 + n as u8);
				assert_ok!(HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), sybil));
				assert!(<HealthIdentity as PatientRegistry<u64>>::is_vouched(&sybil));
			}
			// The farm hits the per-period limit.
			register_patient(13, 13);
			assert_noop!(
				HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 13),
				Error::<Test>::TooManyVouches
			);
			// The council suspends, then revokes, the rogue provider: no sybil counts any more.
			set_status(rogue, ProviderStatus::Suspended);
			for sybil in sybils {
				assert!(!<HealthIdentity as PatientRegistry<u64>>::is_vouched(&sybil));
			}
			set_status(rogue, ProviderStatus::Revoked);
			for sybil in sybils {
				assert_eq!(<HealthIdentity as PatientRegistry<u64>>::vouched_by(&sybil), None);
			}
			// A real patient among them is vouched for again by an honest provider.
			let honest = register(2, ProviderKind::Clinic, None);
			set_status(honest, ProviderStatus::Accredited);
			join(2, 6, PractitionerRole::Nurse);
			assert_ok!(HealthIdentity::vouch_patient(RuntimeOrigin::signed(6), 10));
			assert_eq!(<HealthIdentity as PatientRegistry<u64>>::vouched_by(&10), Some(honest));
			// Governance withdraws a vouch it judges false, whoever gave it.
			assert_ok!(HealthIdentity::withdraw_vouch(RuntimeOrigin::root(), 10));
			assert!(!<HealthIdentity as PatientRegistry<u64>>::is_vouched(&10));
		});
	}
}

mod withdraw_vouch {
	use super::*;

	#[test]
	fn governance_removes_the_vouch() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3));
			assert_ok!(HealthIdentity::withdraw_vouch(RuntimeOrigin::root(), 3));
			assert_eq!(Patients::<Test>::get(3).unwrap().vouched_by, None);
			assert_eq!(last_event(), Event::VouchWithdrawn { patient: 3, provider: id });
		});
	}

	#[test]
	fn a_signed_origin_fails_with_bad_origin() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::vouch_patient(RuntimeOrigin::signed(5), 3));
			assert_noop!(
				HealthIdentity::withdraw_vouch(RuntimeOrigin::signed(1), 3),
				sp_runtime::DispatchError::BadOrigin
			);
		});
	}

	#[test]
	fn for_a_non_patient_fails_with_not_registered() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::withdraw_vouch(RuntimeOrigin::root(), 3),
				Error::<Test>::NotRegistered
			);
		});
	}

	#[test]
	fn without_a_vouch_fails_with_not_vouched() {
		build_and_execute(|| {
			register_patient(3, 3);
			assert_noop!(
				HealthIdentity::withdraw_vouch(RuntimeOrigin::root(), 3),
				Error::<Test>::NotVouched
			);
		});
	}
}

mod anchor_record {
	use super::*;

	#[test]
	fn proposes_the_anchor_with_a_class_commitment_and_holds_the_deposit() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::anchor_record(RuntimeOrigin::signed(5), 3, h(9), h(7)));
			let proposal = RecordProposals::<Test>::get(h(9)).unwrap();
			assert_eq!((proposal.patient, proposal.custodian), (3, id));
			assert_eq!(proposal.class_commitment, h(7));
			assert_eq!((proposal.depositor, proposal.deposit), (5, RECORD_DEPOSIT));
			assert!(Records::<Test>::get(h(9)).is_none());
			assert_eq!(PatientRecordCount::<Test>::get(3), 0);
			assert_eq!(held(HoldReason::RecordDeposit, 5), RECORD_DEPOSIT);
			assert_eq!(
				last_event(),
				Event::RecordProposed {
					content_hash: h(9),
					patient: 3,
					custodian: id,
					class_commitment: h(7)
				}
			);
			assert!(Anchored::get().is_empty());
		});
	}

	#[test]
	fn by_a_practitioner_of_a_provider_not_accredited_fails_with_provider_not_accredited() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			set_status(id, ProviderStatus::Suspended);
			assert_noop!(
				HealthIdentity::anchor_record(RuntimeOrigin::signed(5), 3, h(9), h(7)),
				Error::<Test>::ProviderNotAccredited
			);
		});
	}

	#[test]
	fn about_a_non_patient_fails_with_not_registered() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			assert_noop!(
				HealthIdentity::anchor_record(RuntimeOrigin::signed(5), 3, h(9), h(7)),
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
			assert_ok!(HealthIdentity::anchor_record(RuntimeOrigin::signed(5), 3, h(9), h(7)));
			// Proposed...
			assert_noop!(
				HealthIdentity::anchor_record(RuntimeOrigin::signed(5), 4, h(9), h(6)),
				Error::<Test>::AlreadyAnchored
			);
			// ...or anchored.
			assert_ok!(HealthIdentity::accept_record(RuntimeOrigin::signed(3), h(9)));
			assert_noop!(
				HealthIdentity::anchor_record(RuntimeOrigin::signed(5), 4, h(9), h(6)),
				Error::<Test>::AlreadyAnchored
			);
		});
	}

	#[test]
	fn without_funds_for_the_deposit_fails() {
		build_and_execute(|| {
			let id = register(1, ProviderKind::Hospital, None);
			set_status(id, ProviderStatus::Accredited);
			join(1, POOR, PractitionerRole::Physician);
			register_patient(3, 3);
			assert_noop!(
				HealthIdentity::anchor_record(RuntimeOrigin::signed(POOR), 3, h(9), h(7)),
				sp_runtime::TokenError::FundsUnavailable
			);
		});
	}

	/// Finding 11 / issue item 2: a practitioner writing a sensitive fact about a patient
	/// without the patient's signature writes nothing the patient has not accepted, and never
	/// the class in clear.
	#[test]
	fn anchoring_a_sensitive_record_without_the_patients_signature_does_nothing() {
		build_and_execute(|| {
			use codec::Encode;
			let clinic = accredited_hospital(1, 5);
			register_patient(3, 3);
			let salt = [42u8; 32];
			let class = salus_primitives::DataClass::SubstanceUse;
			let commitment = <sp_runtime::traits::BlakeTwo256 as sp_runtime::traits::Hash>::hash(
				&(salt, class).encode(),
			);
			assert_ok!(HealthIdentity::anchor_record(
				RuntimeOrigin::signed(5),
				3,
				h(9),
				commitment
			));
			// No record of the patient, no reward, and no event names the class.
			assert!(HealthIdentity::records_of(&3, 0, 100).is_empty());
			assert!(Anchored::get().is_empty());
			assert!(!events().iter().any(|event| matches!(event, Event::RecordAnchored { .. })));
			// What is stored and emitted is the commitment: without the salt it says nothing.
			assert_eq!(RecordProposals::<Test>::get(h(9)).unwrap().class_commitment, commitment);
			// The patient rejects it: nothing is left, the deposit goes back.
			assert_ok!(HealthIdentity::remove_record_proposal(RuntimeOrigin::signed(3), h(9)));
			assert!(RecordProposals::<Test>::get(h(9)).is_none());
			assert_eq!(held(HoldReason::RecordDeposit, 5), 0);
			assert!(Records::<Test>::iter().all(|(_, record)| record.custodian != clinic));
		});
	}
}

mod accept_record {
	use super::*;

	#[test]
	fn anchors_the_record_indexes_it_and_reports_it() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::anchor_record(RuntimeOrigin::signed(5), 3, h(9), h(7)));
			advance(2);
			assert_ok!(HealthIdentity::accept_record(RuntimeOrigin::signed(3), h(9)));
			let record = Records::<Test>::get(h(9)).unwrap();
			assert_eq!((record.patient, record.custodian), (3, id));
			assert_eq!(record.class_commitment, h(7));
			assert_eq!((record.depositor, record.deposit), (5, RECORD_DEPOSIT));
			assert_eq!(record.anchored_at, 3);
			assert!(RecordProposals::<Test>::get(h(9)).is_none());
			assert_eq!(PatientRecordCount::<Test>::get(3), 1);
			assert_eq!(held(HoldReason::RecordDeposit, 5), RECORD_DEPOSIT);
			assert_eq!(
				last_event(),
				Event::RecordAnchored {
					content_hash: h(9),
					patient: 3,
					custodian: id,
					class_commitment: h(7)
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
					h(7)
				));
				assert_ok!(HealthIdentity::accept_record(RuntimeOrigin::signed(3), h(byte)));
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
	fn an_unknown_proposal_fails_with_record_not_found() {
		build_and_execute(|| {
			register_patient(3, 3);
			assert_noop!(
				HealthIdentity::accept_record(RuntimeOrigin::signed(3), h(9)),
				Error::<Test>::RecordNotFound
			);
		});
	}

	#[test]
	fn by_another_account_fails_with_not_patient() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::anchor_record(RuntimeOrigin::signed(5), 3, h(9), h(7)));
			for caller in [4, 5] {
				assert_noop!(
					HealthIdentity::accept_record(RuntimeOrigin::signed(caller), h(9)),
					Error::<Test>::NotPatient
				);
			}
		});
	}

	#[test]
	fn by_a_patient_that_deregistered_since_fails_with_not_registered() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::anchor_record(RuntimeOrigin::signed(5), 3, h(9), h(7)));
			assert_ok!(HealthIdentity::deregister_patient(RuntimeOrigin::signed(3)));
			assert_noop!(
				HealthIdentity::accept_record(RuntimeOrigin::signed(3), h(9)),
				Error::<Test>::NotRegistered
			);
		});
	}

	#[test]
	fn when_the_custodian_was_suspended_since_fails_with_provider_not_accredited() {
		build_and_execute(|| {
			let id = accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::anchor_record(RuntimeOrigin::signed(5), 3, h(9), h(7)));
			set_status(id, ProviderStatus::Suspended);
			assert_noop!(
				HealthIdentity::accept_record(RuntimeOrigin::signed(3), h(9)),
				Error::<Test>::ProviderNotAccredited
			);
		});
	}

	#[test]
	fn when_the_patients_record_index_is_full_fails_with_arithmetic_overflow() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::anchor_record(RuntimeOrigin::signed(5), 3, h(9), h(7)));
			PatientRecordCount::<Test>::insert(3, u32::MAX);
			assert_noop!(
				HealthIdentity::accept_record(RuntimeOrigin::signed(3), h(9)),
				sp_runtime::ArithmeticError::Overflow
			);
			// Leave the index consistent for the invariant check.
			PatientRecordCount::<Test>::remove(3);
		});
	}
}

mod remove_record_proposal {
	use super::*;

	#[test]
	fn the_patient_rejects_or_the_proposer_withdraws_and_the_deposit_goes_back() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register_patient(3, 3);
			for (byte, caller) in [(9, 3), (8, 5)] {
				assert_ok!(HealthIdentity::anchor_record(
					RuntimeOrigin::signed(5),
					3,
					h(byte),
					h(7)
				));
				assert_ok!(HealthIdentity::remove_record_proposal(
					RuntimeOrigin::signed(caller),
					h(byte)
				));
				assert!(RecordProposals::<Test>::get(h(byte)).is_none());
				assert_eq!(held(HoldReason::RecordDeposit, 5), 0);
				assert_eq!(
					last_event(),
					Event::RecordProposalRemoved { content_hash: h(byte), by: caller }
				);
			}
		});
	}

	#[test]
	fn an_unknown_proposal_fails_with_record_not_found() {
		build_and_execute(|| {
			assert_noop!(
				HealthIdentity::remove_record_proposal(RuntimeOrigin::signed(3), h(9)),
				Error::<Test>::RecordNotFound
			);
		});
	}

	#[test]
	fn by_a_stranger_fails_with_not_patient() {
		build_and_execute(|| {
			accredited_hospital(1, 5);
			register_patient(3, 3);
			assert_ok!(HealthIdentity::anchor_record(RuntimeOrigin::signed(5), 3, h(9), h(7)));
			// Not even the provider's admin: the proposal is the practitioner's.
			for caller in [1, 4] {
				assert_noop!(
					HealthIdentity::remove_record_proposal(RuntimeOrigin::signed(caller), h(9)),
					Error::<Test>::NotPatient
				);
			}
		});
	}
}
