//! `declare_emergency`, `acknowledge_emergency`, `contest_emergency`.

use super::*;
use crate::{
	Emergencies, EmergencyRate, EmergencyReason, Error, OpenReviews, ProviderReviews, RateWindow,
};
use frame_support::assert_noop;
use salus_primitives::{
	AccessBasis, AccessControl, AccessDecision, DisputeSubject, DisputeSubjects, GrantSource,
	Grantee, PurposeSet,
};

fn try_declare(practitioner: u64, patient: u64) -> sp_runtime::DispatchResult {
	Access::declare_emergency(RuntimeOrigin::signed(practitioner), patient, H256::repeat_byte(2))
		.map(|_| ())
		.map_err(|e| e.error)
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
			assert_eq!(OpenReviews::<Test>::get(1).into_inner(), vec![(id, HOSPITAL)]);
			assert_eq!(ProviderReviews::<Test>::get(HOSPITAL), Some(1));
			assert_eq!(stored.retry, None);
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
			let window = EmergencyRate::<Test>::get(HOSPITAL).unwrap();
			assert_eq!(window.started_at, START + RATE_PERIOD);
			assert_eq!((window.by_practitioner(&11), window.by_practitioner(&12)), (1, 0));
			assert_eq!(window.total(), 1);
		});
	}

	#[test]
	fn beyond_the_providers_rate_limit_fails_with_too_many_provider_emergencies() {
		build_and_execute(|| {
			(4..=5).for_each(registry::register_patient);
			declare(11, 1);
			declare(11, 2);
			declare(12, 3);
			declare(12, 4);
			assert_eq!(EmergencyRate::<Test>::get(HOSPITAL).unwrap().total(), 4);
			registry::add_practitioner(13, HOSPITAL);
			assert_noop!(try_declare(13, 5), Error::<Test>::TooManyProviderEmergencies);
			// Another hospital counts on its own.
			declare(71, 5);
		});
	}

	#[test]
	fn beyond_the_rate_limit_on_one_patient_fails_with_too_many_emergencies_for_patient() {
		build_and_execute(|| {
			declare(11, 1);
			declare(12, 1);
			registry::add_practitioner(13, HOSPITAL);
			assert_noop!(try_declare(13, 1), Error::<Test>::TooManyEmergenciesForPatient);
			declare(13, 2);
			declare(21, 1);
		});
	}

	#[test]
	fn beyond_the_providers_share_of_open_reviews_fails_with_too_many_provider_reviews() {
		build_and_execute(|| {
			declare(11, 1);
			declare(12, 1);
			// A new rate window: only the provider's share of the reviews stands in the way.
			Now::set(START + RATE_PERIOD);
			assert_noop!(try_declare(11, 1), Error::<Test>::TooManyProviderReviews);
			assert_eq!(ProviderReviews::<Test>::get(HOSPITAL), Some(2));
		});
	}

	#[test]
	fn beyond_the_patients_open_reviews_fails_with_too_many_open_reviews() {
		build_and_execute(|| {
			declare(11, 1);
			declare(21, 1);
			declare(71, 1);
			assert_noop!(try_declare(72, 1), Error::<Test>::TooManyOpenReviews);
		});
	}

	/// Review finding 12: a hospital admin adds practitioners and has them break the glass on
	/// the victim again and again, to fill her open reviews and keep every other hospital out.
	#[test]
	fn a_rogue_hospital_cannot_fill_a_patients_review_slots() {
		build_and_execute(|| {
			(13..=16).for_each(|practitioner| registry::add_practitioner(practitioner, HOSPITAL));
			let mut declared = 0;
			for window in 0..4 {
				Now::set(START + window * RATE_PERIOD);
				for practitioner in [11, 12, 13, 14, 15, 16] {
					if try_declare(practitioner, 1).is_ok() {
						declared += 1;
					}
				}
			}
			// Two reviews at most, whatever the number of practitioners and windows...
			assert_eq!(declared, MAX_PROVIDER_REVIEWS);
			assert_noop!(try_declare(16, 1), Error::<Test>::TooManyProviderReviews);
			// ...and the other providers' break-glass still opens.
			declare(21, 1);
			assert_eq!(OpenReviews::<Test>::get(1).len() as u32, MAX_PROVIDER_REVIEWS + 1);
		});
	}

	/// Review finding 12: one provider declares emergencies on many patients through many
	/// practitioners, beyond what a provider may.
	#[test]
	fn a_hospital_cannot_raise_its_emergency_rate_by_adding_practitioners() {
		build_and_execute(|| {
			(4..=20).for_each(registry::register_patient);
			(13..=19).for_each(|practitioner| registry::add_practitioner(practitioner, HOSPITAL));
			let mut patient = 1;
			let mut declared = 0;
			for practitioner in [11, 12, 13, 14, 15, 16, 17, 18, 19] {
				for _ in 0..MAX_EMERGENCIES {
					if try_declare(practitioner, patient).is_ok() {
						declared += 1;
					}
					patient += 1;
				}
			}
			assert_eq!(declared, MAX_PROVIDER_EMERGENCIES);
			assert_noop!(try_declare(19, 20), Error::<Test>::TooManyProviderEmergencies);
		});
	}

	/// Review finding 14g: rate windows were kept per practitioner, with no deposit, forever.
	/// Now there is one per provider that broke the glass, bounded by its limit, overwritten
	/// when over, and anyone may remove one that is over.
	#[test]
	fn rate_windows_do_not_pile_up_without_a_deposit() {
		build_and_execute(|| {
			(4..=6).for_each(registry::register_patient);
			for window in 0..5 {
				Now::set(START + window * RATE_PERIOD);
				declare(11, 2 + window);
				declare(12, 2 + window);
			}
			assert_eq!(EmergencyRate::<Test>::iter_keys().collect::<Vec<_>>(), vec![HOSPITAL]);
			let window = EmergencyRate::<Test>::get(HOSPITAL).unwrap();
			assert_eq!(window.started_at, START + 4 * RATE_PERIOD);
			assert_eq!(window.total(), 2);
			Now::set(START + 5 * RATE_PERIOD);
			assert_ok!(Access::clear_rate_window(RuntimeOrigin::signed(50), HOSPITAL));
			assert!(EmergencyRate::<Test>::iter().next().is_none());
		});
	}

	/// Review finding 11 / issue item 2: the reason for breaking the glass was stored and
	/// emitted in clear. Now the chain holds only a salted commitment to it.
	#[test]
	fn a_stranger_learns_no_emergency_reason_from_the_chain() {
		build_and_execute(|| {
			Directives::set([(1, classes(&[DataClass::MentalHealth]))].into_iter().collect());
			let (salt, document) = ([7; 32], H256::repeat_byte(8));
			let commitment = EmergencyReason::Unconscious.commit(salt, document);
			let id = crate::NextEmergencyId::<Test>::get();
			assert_ok!(Access::declare_emergency(RuntimeOrigin::signed(11), 1, commitment));
			let stored = Emergencies::<Test>::get(id).unwrap();
			assert_eq!(stored.justification, commitment);
			// Who knows the salt (the patient, the court) checks the reason...
			assert_eq!(EmergencyReason::Unconscious.commit(salt, document), commitment);
			// ...a stranger trying each reason without it matches none.
			use EmergencyReason::*;
			for reason in [Unconscious, LifeThreatening, Incapacitated, MassCasualty] {
				assert_ne!(reason.commit([0; 32], document), commitment);
			}
			// The event names neither a reason nor the classes the directive opened.
			assert_eq!(
				last_event(),
				Event::EmergencyDeclared {
					id,
					patient: 1,
					provider: HOSPITAL,
					practitioner: 11,
					consent: 0,
					access_until: START + EMERGENCY_WINDOW,
					review_due: START + REVIEW_PERIOD,
				}
			);
		});
	}

	#[test]
	fn without_ids_left_fails_with_arithmetic_overflow() {
		build_and_execute(|| {
			crate::NextEmergencyId::<Test>::put(u64::MAX);
			assert_noop!(try_declare(11, 1), sp_runtime::ArithmeticError::Overflow);
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

mod clear_rate_window {
	use super::*;

	#[test]
	fn removes_a_window_that_is_over() {
		build_and_execute(|| {
			declare(11, 1);
			Now::set(START + RATE_PERIOD);
			assert_ok!(Access::clear_rate_window(RuntimeOrigin::signed(50), HOSPITAL));
			assert!(EmergencyRate::<Test>::get(HOSPITAL).is_none());
			assert_eq!(last_event(), Event::RateWindowCleared { provider: HOSPITAL });
			// The next emergency starts a new window.
			declare(11, 2);
			assert_eq!(EmergencyRate::<Test>::get(HOSPITAL).unwrap().total(), 1);
		});
	}

	#[test]
	fn a_window_not_over_fails_with_rate_window_open() {
		build_and_execute(|| {
			declare(11, 1);
			Now::set(START + RATE_PERIOD - 1);
			assert_noop!(
				Access::clear_rate_window(RuntimeOrigin::signed(50), HOSPITAL),
				Error::<Test>::RateWindowOpen
			);
		});
	}

	#[test]
	fn a_provider_without_a_window_fails_with_rate_window_not_found() {
		build_and_execute(|| {
			assert_noop!(
				Access::clear_rate_window(RuntimeOrigin::signed(50), CLINIC),
				Error::<Test>::RateWindowNotFound
			);
		});
	}

	#[test]
	fn an_empty_window_counts_nothing() {
		let window = RateWindow::<u64, frame_support::traits::ConstU32<2>>::starting(START);
		assert_eq!((window.total(), window.by_practitioner(&11), window.on_patient(&1)), (0, 0, 0));
	}
}

/// Review finding 1: the court asks this pallet who an emergency concerns.
mod dispute_subjects {
	use super::*;

	#[test]
	fn an_emergency_names_its_patient_and_provider_while_its_review_is_open() {
		build_and_execute(|| {
			let id = declare(21, 1);
			assert_eq!(Access::parties(DisputeSubject::Emergency(id), &2), Some((1, CLINIC)));
			assert_ok!(Access::acknowledge_emergency(RuntimeOrigin::signed(1), id));
			assert_eq!(Access::parties(DisputeSubject::Emergency(id), &2), None);
		});
	}

	#[test]
	fn conduct_names_no_parties() {
		build_and_execute(|| {
			declare(11, 1);
			assert_eq!(Access::parties(DisputeSubject::Conduct, &1), None);
		});
	}

	/// The squatter read `NextEmergencyId` and disputed the emergency before it was declared;
	/// then disputed it in the victim's stead. The court now finds no parties for an id not
	/// yet used, and for a used one the victim and the hospital: not the squatter.
	#[test]
	fn a_squatter_is_no_party_to_an_emergency() {
		build_and_execute(|| {
			let next = crate::NextEmergencyId::<Test>::get();
			assert_eq!(Access::parties(DisputeSubject::Emergency(next), &2), None);
			let id = declare(11, 1);
			let (patient, provider) = Access::parties(DisputeSubject::Emergency(id), &2).unwrap();
			assert_eq!((patient, provider), (1, HOSPITAL));
			assert_ne!(patient, 2, "the squatter is not the patient");
		});
	}
}
