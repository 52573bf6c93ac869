//! `declare_emergency`, `acknowledge_emergency`, `contest_emergency`.

use super::*;
use crate::{Emergencies, EmergencyRate, EmergencyReason, Error, OpenReviews};
use frame_support::assert_noop;
use salus_primitives::{
	AccessBasis, AccessControl, AccessDecision, DisputeSubject, GrantSource, Grantee, PurposeSet,
};

fn try_declare(practitioner: u64, patient: u64) -> sp_runtime::DispatchResult {
	Access::declare_emergency(
		RuntimeOrigin::signed(practitioner),
		patient,
		EmergencyReason::LifeThreatening,
		H256::repeat_byte(2),
	)
}

mod declare_emergency {
	use super::*;

	#[test]
	fn grants_access_at_once_and_opens_a_review() {
		build_and_execute(|| {
			// No consent at all: the hospital is denied until it breaks the glass.
			let check = |class| {
				MockConsent::check_access(&1, &12, class, Purpose::EmergencyTreatment, START)
			};
			assert!(!check(DataClass::Allergies).is_permit());

			let id = declare(11, 1);
			let (patient, grant) = Grants::get().pop().unwrap();
			assert_eq!(patient, 1);
			assert_eq!(grant.grantee, Grantee::Provider(HOSPITAL));
			assert_eq!(grant.classes, DataClassSet::non_sensitive());
			assert_eq!(grant.purposes, PurposeSet::of(&[Purpose::EmergencyTreatment]));
			assert_eq!(grant.valid_until, START + EMERGENCY_WINDOW);
			assert_eq!(grant.source, GrantSource::Emergency(id));
			assert_eq!(
				check(DataClass::Allergies),
				AccessDecision::Permit {
					basis: AccessBasis::Consent { id: 0, source: GrantSource::Emergency(id) }
				}
			);
			assert!(!check(DataClass::MentalHealth).is_permit(), "sensitive classes stay closed");

			let stored = Emergencies::<Test>::get(id).unwrap();
			assert_eq!(stored.patient, 1);
			assert_eq!(stored.practitioner, 11);
			assert_eq!(stored.review_due, START + REVIEW_PERIOD);
			assert_eq!(OpenReviews::<Test>::get(1).into_inner(), vec![id]);
			assert_eq!(held(HoldReason::EmergencyDeposit, 11), EMERGENCY_DEPOSIT);
			assert_eq!(
				HeardEvents::get(),
				vec![Heard::Declared { patient: 1, provider: HOSPITAL, emergency: id }]
			);
			assert_eq!(
				last_event(),
				Event::EmergencyDeclared {
					id,
					patient: 1,
					provider: HOSPITAL,
					practitioner: 11,
					reason: EmergencyReason::Unconscious,
					classes: DataClassSet::non_sensitive(),
					consent: 0,
					access_until: START + EMERGENCY_WINDOW,
					review_due: START + REVIEW_PERIOD,
				}
			);
			assert_eq!(Access::emergencies_of(&1), vec![(id, stored)]);
		});
	}

	#[test]
	fn includes_the_sensitive_classes_the_directive_allows() {
		build_and_execute(|| {
			Directives::set([(1, classes(&[DataClass::MentalHealth]))].into_iter().collect());
			declare(21, 1);
			let grant = Grants::get().pop().unwrap().1;
			assert!(grant.classes.contains(DataClass::MentalHealth));
			assert!(!grant.classes.contains(DataClass::Genomics));
		});
	}

	#[test]
	fn by_a_non_practitioner_fails_with_not_practitioner() {
		build_and_execute(|| {
			assert_noop!(try_declare(50, 1), Error::<Test>::NotPractitioner);
		});
	}

	#[test]
	fn by_a_pending_provider_fails_with_provider_not_accredited() {
		build_and_execute(|| {
			assert_noop!(try_declare(31, 1), Error::<Test>::ProviderNotAccredited);
		});
	}

	#[test]
	fn by_a_laboratory_fails_with_not_emergency_provider() {
		build_and_execute(|| {
			assert_noop!(try_declare(41, 1), Error::<Test>::NotEmergencyProvider);
		});
	}

	#[test]
	fn on_an_unregistered_patient_fails_with_not_registered() {
		build_and_execute(|| {
			assert_noop!(try_declare(11, 50), Error::<Test>::NotRegistered);
		});
	}

	#[test]
	fn beyond_the_rate_limit_fails_with_too_many_emergencies_until_the_period_ends() {
		build_and_execute(|| {
			for patient in 1..=MAX_EMERGENCIES as u64 {
				declare(11, patient);
			}
			assert_noop!(try_declare(11, 3), Error::<Test>::TooManyEmergencies);
			// Another practitioner of the same hospital has its own limit.
			declare(12, 3);
			Now::set(START + RATE_PERIOD);
			declare(11, 3);
			assert_eq!(EmergencyRate::<Test>::get(11).count, 1);
		});
	}

	#[test]
	fn beyond_the_patients_open_reviews_fails_with_too_many_open_reviews() {
		build_and_execute(|| {
			declare(11, 1);
			declare(12, 1);
			declare(21, 1);
			assert_noop!(try_declare(11, 1), Error::<Test>::TooManyOpenReviews);
		});
	}

	#[test]
	fn when_the_registry_refuses_the_grant_nothing_changes() {
		build_and_execute(|| {
			LedgerFull::set([1].into_iter().collect());
			assert_noop!(
				try_declare(11, 1),
				sp_runtime::DispatchError::Other("no room for a grant")
			);
		});
	}

	#[test]
	fn without_the_deposit_fails_and_stores_nothing() {
		build_and_execute(|| {
			assert!(try_declare(POOR, 1).is_err());
			assert!(Emergencies::<Test>::iter().next().is_none());
			assert!(Grants::get().is_empty());
		});
	}
}

mod acknowledge_emergency {
	use super::*;

	#[test]
	fn closes_the_review_and_returns_the_deposit() {
		build_and_execute(|| {
			let id = declare(11, 1);
			assert_ok!(Access::acknowledge_emergency(RuntimeOrigin::signed(1), id));
			assert!(Emergencies::<Test>::get(id).is_none());
			assert!(!OpenReviews::<Test>::contains_key(1));
			assert_eq!(held(HoldReason::EmergencyDeposit, 11), 0);
			assert_eq!(FreeUsed::get().get(&1), Some(&1));
			assert_eq!(last_event(), Event::EmergencyAcknowledged { id });
			assert!(HeardEvents::get().contains(&Heard::Acknowledged {
				patient: 1,
				provider: HOSPITAL,
				emergency: id
			}));
			// The access itself runs its window: acknowledging does not revoke it.
			assert!(MockConsent::check_access(
				&1,
				&11,
				DataClass::Allergies,
				Purpose::EmergencyTreatment,
				START
			)
			.is_permit());
		});
	}

	#[test]
	fn by_anyone_but_the_patient_fails_with_not_patient() {
		build_and_execute(|| {
			let id = declare(11, 1);
			assert_noop!(
				Access::acknowledge_emergency(RuntimeOrigin::signed(11), id),
				Error::<Test>::NotPatient
			);
		});
	}

	#[test]
	fn an_unknown_or_closed_review_fails_with_emergency_not_found() {
		build_and_execute(|| {
			assert_noop!(
				Access::acknowledge_emergency(RuntimeOrigin::signed(1), 0),
				Error::<Test>::EmergencyNotFound
			);
			let id = declare(11, 1);
			assert_ok!(Access::acknowledge_emergency(RuntimeOrigin::signed(1), id));
			assert_noop!(
				Access::acknowledge_emergency(RuntimeOrigin::signed(1), id),
				Error::<Test>::EmergencyNotFound
			);
		});
	}
}

mod contest_emergency {
	use super::*;

	#[test]
	fn opens_a_dispute_against_the_provider_and_closes_the_review() {
		build_and_execute(|| {
			let id = declare(11, 1);
			let evidence = H256::repeat_byte(9);
			assert_ok!(Access::contest_emergency(RuntimeOrigin::signed(1), id, evidence));
			assert_eq!(
				CourtCalls::get(),
				vec![CourtCall::Open {
					claimant: 1,
					respondent: HOSPITAL,
					subject: DisputeSubject::Emergency(id),
					evidence
				}]
			);
			assert_eq!(last_event(), Event::EmergencyContested { id, dispute: 0 });
			assert!(Emergencies::<Test>::get(id).is_none());
			assert_eq!(held(HoldReason::EmergencyDeposit, 11), 0);
			assert!(HeardEvents::get().contains(&Heard::Contested {
				patient: 1,
				provider: HOSPITAL,
				emergency: id,
				dispute: 0
			}));
		});
	}

	#[test]
	fn when_the_court_refuses_fails_and_keeps_the_review_open() {
		build_and_execute(|| {
			let id = declare(11, 1);
			CourtOpen::set(false);
			assert_noop!(
				Access::contest_emergency(RuntimeOrigin::signed(1), id, H256::zero()),
				sp_runtime::DispatchError::Unavailable
			);
		});
	}

	#[test]
	fn by_anyone_but_the_patient_fails_with_not_patient() {
		build_and_execute(|| {
			let id = declare(11, 1);
			assert_noop!(
				Access::contest_emergency(RuntimeOrigin::signed(2), id, H256::zero()),
				Error::<Test>::NotPatient
			);
			assert!(CourtCalls::get().is_empty());
		});
	}

	#[test]
	fn an_unknown_review_fails_with_emergency_not_found() {
		build_and_execute(|| {
			assert_noop!(
				Access::contest_emergency(RuntimeOrigin::signed(1), 3, H256::zero()),
				Error::<Test>::EmergencyNotFound
			);
		});
	}

	#[test]
	fn the_unit_court_refuses_with_unavailable() {
		use salus_primitives::DisputeGateway;
		assert_eq!(
			<() as DisputeGateway<u64>>::open(&1, HOSPITAL, DisputeSubject::Conduct, H256::zero()),
			Err(sp_runtime::DispatchError::Unavailable)
		);
		assert_eq!(
			<() as DisputeGateway<u64>>::escalate(&1, HOSPITAL, DisputeSubject::Emergency(0)),
			Err(sp_runtime::DispatchError::Unavailable)
		);
	}
}
